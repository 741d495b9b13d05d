/* The save-and-reload part of `nnact demo`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/io_cmds.h"

/* A 2-2-1 XOR network with hand-set weights: h = tanh(x W1 + b1) detects
 * "at least one" and "both", y = sigmoid(h W2 + b2) takes the difference. */
static nnact_net *xor_net(void)
{
    static const double W1[4] = {5, 5, 5, 5}, b1[2] = {-2.5, -7.5};
    static const double W2[2] = {4, -4}, b2[1] = {-2};
    nnact_net *net = NULL;
    if (nnact_net_create(2, &net) != NNACT_OK ||
        nnact_net_add_dense(net, 2, NNACT_ACT_TANH, 0.0) != NNACT_OK ||
        nnact_net_add_dense(net, 1, NNACT_ACT_SIGMOID, 0.0) != NNACT_OK ||
        nnact_net_set_layer(net, 0, W1, b1) != NNACT_OK ||
        nnact_net_set_layer(net, 1, W2, b2) != NNACT_OK) {
        nnact_net_free(net);
        return NULL;
    }
    return net;
}

int cli_demo_io(FILE *out, const nnact_net *given)
{
    nnact_net *own = given ? NULL : xor_net();
    const nnact_net *net = given ? given : own;
    nnact_net *back = NULL;
    char dir[4096], path[4200];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/nnact-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int made = net != NULL && mkdtemp(dir) != NULL;
    snprintf(path, sizeof path, "%s/xor.nnm", dir);
    int rc = CLI_FAILED;
    if (made && nnact_net_save(net, path) == NNACT_OK && nnact_net_load(path, &back) == NNACT_OK) {
        static const double x[8] = {0, 0, 0, 1, 1, 0, 1, 1};
        double y1[4], y2[4];
        size_t n_out = nnact_net_output_size(net), bytes = 0;
        nnact_net_save_buffer(net, NULL, 0, &bytes);
        if (n_out == 1 && nnact_net_input_size(net) == 2 &&
            nnact_net_predict(net, 4, x, y1) == NNACT_OK &&
            nnact_net_predict(back, 4, x, y2) == NNACT_OK) {
            fprintf(out,
                    "Saving and reloading the XOR network (%zu-byte model file, atomic "
                    "save, CRC-32C checked on load):\n",
                    bytes);
            fprintf(out, "  x1 x2   before save          after reload         same bits\n");
            int same = 1;
            for (int i = 0; i < 4; i++) {
                int eq = memcmp(&y1[i], &y2[i], sizeof y1[i]) == 0;
                same &= eq;
                fprintf(out, "  %g  %g    %.17f  %.17f  %s\n", x[2 * i], x[2 * i + 1], y1[i], y2[i],
                        eq ? "yes" : "NO");
            }
            fprintf(out, "\n");
            rc = same ? CLI_OK : CLI_FAILED;
        }
    }
    if (rc != CLI_OK)
        fprintf(stderr, "nnact demo: save and reload failed: %s\n", nnact_last_error());
    if (made) {
        unlink(path);
        rmdir(dir);
    }
    nnact_net_free(back);
    nnact_net_free(own);
    return rc;
}
