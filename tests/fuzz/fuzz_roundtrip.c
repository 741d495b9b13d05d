/* libFuzzer harness: round trips. The input's trailing CRC-32C is recomputed
 * first, so mutations reach the structure checks and, when they pass, the
 * whole load. Whatever loads must save back to exactly the input bytes (the
 * format has one encoding per network), and reload to the same bytes again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/nnact.h"

#include "io/io_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < NNACT__IO_HEADER_LEN + NNACT__IO_CRC_LEN || size > (1u << 20)) return 0;
    unsigned char *file = malloc(size);
    if (file == NULL) return 0;
    memcpy(file, data, size);
    nnact__put_u32(file + size - 4, nnact__crc32c(0, file, size - 4));

    nnact_net *net = NULL;
    if (nnact_net_load_buffer_ex(file, size, NNACT_LOAD_ALLOW_NONFINITE, &net) != NNACT_OK) {
        free(file);
        return 0;
    }
    size_t n = 0;
    if (nnact_net_save_buffer(net, NULL, 0, &n) != NNACT_OK || n != size) abort();
    unsigned char *again = malloc(n);
    if (again == NULL || nnact_net_save_buffer(net, again, n, &n) != NNACT_OK ||
        memcmp(again, file, size) != 0)
        abort();
    nnact_net *back = NULL;
    size_t m = 0;
    if (nnact_net_load_buffer_ex(again, n, NNACT_LOAD_ALLOW_NONFINITE, &back) != NNACT_OK ||
        nnact_net_save_buffer(back, again, n, &m) != NNACT_OK || m != n ||
        memcmp(again, file, size) != 0)
        abort();
    nnact_net_free(back);
    nnact_net_free(net);
    free(again);
    free(file);
    return 0;
}
