/* nnact info FILE: what a model file holds, and whether its checksum holds. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/io_cmds.h"

/* The stored CRC-32C: the file's last 4 bytes, little-endian (docs/FORMAT.md).
 * Read here only to print it; the library verifies it. */
static int stored_crc(const char *path, unsigned long *crc, long *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return 0;
    unsigned char b[4];
    int ok = fseek(f, 0, SEEK_END) == 0 && (*size = ftell(f)) >= 4 && fseek(f, -4, SEEK_END) == 0 &&
             fread(b, 1, 4, f) == 4;
    fclose(f);
    if (ok)
        *crc = (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 |
               (unsigned long)b[3] << 24;
    return ok;
}

int cli_info_file(const char *path)
{
    nnact_net *net = NULL;
    /* Non-finite parameters are reported, not refused: info describes files. */
    if (nnact_net_load_ex(path, NNACT_LOAD_ALLOW_NONFINITE, &net) != NNACT_OK) {
        fprintf(stderr, "nnact info: %s\n", nnact_last_error());
        return CLI_FAILED;
    }
    unsigned long crc = 0;
    long size = 0;
    int have_crc = stored_crc(path, &crc, &size);
    size_t n_layers = nnact_net_layer_count(net);
    printf("file          %s (%ld bytes, libnnact model format 1)\n", path, size);
    printf("inputs        %zu\n", nnact_net_input_size(net));
    printf("layers        %zu\n", n_layers);
    size_t total = 0, nonfinite = 0;
    int ok = 1;
    for (size_t i = 0; i < n_layers && ok; i++) {
        size_t n_in = 0, n_out = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        double alpha = 0.0;
        unsigned flags = 0;
        ok = nnact_net_layer_info(net, i, &n_in, &n_out, &act, &alpha, &flags) == NNACT_OK;
        size_t n = n_in * n_out + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : n_out);
        double *p = ok ? malloc(n * sizeof *p) : NULL;
        ok = ok && p != NULL &&
             nnact_net_get_layer(
                 net, i, p, (flags & NNACT_DENSE_NO_BIAS) ? NULL : p + n_in * n_out) == NNACT_OK;
        for (size_t j = 0; ok && j < n; j++)
            nonfinite += !isfinite(p[j]);
        free(p);
        if (!ok) break;
        printf("  %-4zu dense %zu -> %zu  %-13s", i, n_in, n_out, nnact_act_name(act));
        if (alpha != 0.0) printf(" alpha %.17g", alpha);
        printf("%s  %zu parameters\n", (flags & NNACT_DENSE_NO_BIAS) ? "  no bias" : "", n);
        total += n;
    }
    if (!ok) {
        fprintf(stderr, "nnact info: %s\n", nnact_last_error());
        nnact_net_free(net);
        return CLI_FAILED;
    }
    printf("outputs       %zu\n", nnact_net_output_size(net));
    printf("parameters    %zu", total);
    if (nonfinite) printf(" (%zu non-finite: plain nnact_net_load refuses this file)", nonfinite);
    printf("\n");
    if (have_crc)
        printf("checksum      CRC-32C 0x%08lx, verified\n", crc);
    else
        printf("checksum      verified\n");
    nnact_net_free(net);
    return CLI_OK;
}
