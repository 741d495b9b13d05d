/* The save-and-reload part of `nnact demo`: the XOR network part 2 trained
 * goes to a model file and comes back bit for bit. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/io_cmds.h"

int cli_demo_io(FILE *out, const nnact_net *given)
{
    nnact_net *own = given ? NULL : cli_demo_xor_take_net();
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
        static const int target[4] = {0, 1, 1, 0};
        double y1[4], y2[4];
        size_t bytes = 0;
        nnact_net_save_buffer(net, NULL, 0, &bytes);
        if (nnact_net_output_size(net) == 1 && nnact_net_input_size(net) == 2 &&
            nnact_net_predict(net, 4, x, y1) == NNACT_OK &&
            nnact_net_predict(back, 4, x, y2) == NNACT_OK) {
            fprintf(out,
                    "Saving the ReLU XOR network of part 2 and loading it back (%zu-byte model "
                    "file,\natomic save, CRC-32C checked on load):\n",
                    bytes);
            fprintf(out, "  x1 x2   before save              after reload\n");
            int ok = 1;
            for (int i = 0; i < 4; i++) {
                int eq = memcmp(&y1[i], &y2[i], sizeof y1[i]) == 0;
                long r = lround(y2[i]);
                ok &= eq && r == target[i];
                fprintf(out, "  %g  %g    %-23.17g  %-23.17g  same bits: %s  rounds to %ld\n",
                        x[2 * i], x[2 * i + 1], y1[i], y2[i], eq ? "yes" : "NO", r);
            }
            fprintf(out, "\n");
            rc = ok ? CLI_OK : CLI_FAILED;
        }
    }
    if (rc != CLI_OK)
        fprintf(stderr, "nnact demo: save and reload failed: %s\n",
                net == NULL ? "no trained XOR network" : cli_library_reason());
    if (made) {
        unlink(path);
        rmdir(dir);
    }
    nnact_net_free(back);
    nnact_net_free(own);
    return rc;
}
