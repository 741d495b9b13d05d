/* libFuzzer harness: arbitrary bytes into the ONNX reader and importer
 * (nnact_onnx_load_buffer, nnact_onnx_describe_buffer). Any crash, leak,
 * sanitizer report or a broken contract is a finding: a failure must leave
 * the output NULL and say why; a success must give a network whose own
 * export (when it has one) imports again with the same predictions. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/nnact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reexport(const nnact_net *net)
{
    size_t size = 0;
    if (nnact_onnx_save_buffer(net, NULL, NULL, 0, &size) != NNACT_OK) return; /* e.g. gelu */
    unsigned char *buf = malloc(size);
    nnact_net *back = NULL;
    if (!buf || nnact_onnx_save_buffer(net, NULL, buf, size, &size) != NNACT_OK ||
        nnact_onnx_load_buffer(buf, size, &back) != NNACT_OK)
        abort(); /* an export the library wrote must import */
    size_t n_in = nnact_net_input_size(net), n_out = nnact_net_output_size(net);
    if (n_in <= 64 && n_out <= 64) {
        double x[64], ya[64], yb[64];
        for (size_t i = 0; i < n_in; i++)
            x[i] = (double)i - 1.5;
        if (nnact_net_predict(net, 1, x, ya) != NNACT_OK ||
            nnact_net_predict(back, 1, x, yb) != NNACT_OK || memcmp(ya, yb, n_out * 8) != 0)
            abort(); /* the round trip keeps every bit */
    }
    nnact_net_free(back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nnact_net *net = (nnact_net *)&size;
    nnact_status s = nnact_onnx_load_buffer(data, size, &net);
    if (s == NNACT_OK) {
        if (net == NULL || nnact_net_layer_count(net) == 0) abort();
        check_reexport(net);
        nnact_net_free(net);
    } else if (net != NULL || nnact_last_error()[0] == '\0') {
        abort(); /* failure must clear the output and say why */
    }
    nnact_onnx_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    nnact_net *d = (nnact_net *)&size;
    s = nnact_onnx_describe_buffer(data, size, &info, &d);
    if (s == NNACT_OK) {
        if ((info.importable != 0) != (d != NULL)) abort();
        if (memchr(info.reason, '\0', sizeof info.reason) == NULL) abort();
        nnact_net_free(d);
    } else if (d != NULL) {
        abort();
    }
    return 0;
}
