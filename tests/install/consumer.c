/* A downstream program: built against the installed tree only, as a user would. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <nnact/nnact.h>

int main(void)
{
    if (nnact_version() != NNACT_VERSION_NUMBER) {
        fprintf(stderr, "header/library version mismatch: %u vs %d\n", nnact_version(),
                NNACT_VERSION_NUMBER);
        return 1;
    }
    double x[3] = {-1.0, 0.0, 2.0}, y[3];
    if (nnact_act_forward(NNACT_ACT_RELU, NAN, 3, x, y) != NNACT_OK || y[0] != 0.0 || y[2] != 2.0) {
        fprintf(stderr, "relu failed: %s\n", nnact_last_error());
        return 1;
    }
    if (strstr(nnact_blas_info(), "OpenBLAS") == NULL) {
        fprintf(stderr, "unexpected BLAS: %s\n", nnact_blas_info());
        return 1;
    }
    printf("consumer ok: libnnact %s\n", nnact_version_string());
    return 0;
}
