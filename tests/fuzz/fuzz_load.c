/* libFuzzer harness: arbitrary bytes into the strict loader. Any crash, leak,
 * sanitizer report or a success that breaks the loader's contract is a
 * finding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "nnact/nnact.h"

#include "io/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The last byte picks the flags, so both the finite check and the
     * non-finite path are explored from the same corpus. */
    unsigned flags = size > 0 && (data[size - 1] & 0x80) ? NNACT_LOAD_ALLOW_NONFINITE : 0u;
    nnact_net *net = (nnact_net *)&flags;
    nnact_status s = nnact_net_load_buffer_ex(data, size, flags, &net);
    if (s == NNACT_OK) {
        if (net == NULL || nnact_net_input_size(net) == 0) abort();
        nnact_net_free(net);
    } else if (net != NULL || nnact_last_error()[0] == '\0') {
        abort(); /* failure must clear the output and say why */
    }
    /* The same bytes through the checkpoint reader (kind 2 sections). */
    struct nnact__model_view m;
    struct nnact__ckpt_opt o;
    struct nnact__ckpt_train t;
    if (nnact__ckpt_parse("fuzz", data, size, flags, &m, &o, &t) == NNACT_OK) {
        /* Views must lie inside the input. */
        const unsigned char *end = data + size;
        if (m.params > end || o.state_bytes > end ||
            (uint64_t)(end - o.state_bytes) < o.bound_n * o.n_bufs * 8)
            abort();
    }
    /* And through the public checkpoint loader (optimizer restore included). */
    nnact_net *cn = (nnact_net *)&flags;
    nnact_opt *co = (nnact_opt *)&flags;
    s = nnact_checkpoint_load_buffer(data, size, flags, &cn, &co, NULL, NULL, NULL, NULL, NULL);
    if (s == NNACT_OK) {
        if (cn == NULL || co == NULL) abort();
        nnact_net_free(cn);
        nnact_opt_free(co);
    } else if (cn != NULL || co != NULL || nnact_last_error()[0] == '\0') {
        abort();
    }
    return 0;
}
