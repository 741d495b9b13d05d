/* Input and LAPACK-result checks shared by the matrix routines. */
#include <math.h>

#include "linalg/linalg_internal.h"

nnact_status nnact__require_finite(const char *who, const char *what, size_t rows, size_t cols,
                                   const double *a)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            NNACT_RETURN_IF(!isfinite(a[i * cols + j]), NNACT_ERR_NUMERIC, "%s: %s[%zu][%zu] is %g",
                            who, what, i, j, a[i * cols + j]);
    return NNACT_OK;
}

nnact_status nnact__lapack_status(const char *who, const char *routine, int info)
{
    NNACT_RETURN_IF(info > 0, NNACT_ERR_NUMERIC, "%s: LAPACKE_%s failed to converge (info = %d)",
                    who, routine, info);
    NNACT_RETURN_IF(info < 0, NNACT_ERR_ARG, "%s: LAPACKE_%s rejected argument %d", who, routine,
                    -info);
    return NNACT_OK;
}
