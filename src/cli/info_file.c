/* nnact info FILE: what a model file or a training checkpoint holds, and
 * whether its checksum holds. The file is read once; the library validates
 * those bytes and the size and stored CRC shown come from the same bytes, so
 * they cannot describe a different file than the one loaded. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/io_cmds.h"

/* The largest file the format allows: a checkpoint at every limit of
 * docs/FORMAT.md (8 590 065 992 payload bytes) plus header and CRC. Larger
 * regular files are refused before a byte is read. */
#define INFO_MAX_FILE 8590066020ull

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The whole regular file at path into a malloc'd buffer, bounded and never
 * blocking (a FIFO or device is refused before any read). */
static unsigned char *read_once(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        fprintf(stderr, "nnact info: cannot open: %s (%s)\n", strerror(errno), path);
        return NULL;
    }
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "nnact info: not a regular file (%s)\n", path);
    } else if ((unsigned long long)st.st_size > INFO_MAX_FILE ||
               (unsigned long long)st.st_size >= SIZE_MAX) {
        fprintf(stderr, "nnact info: %lld bytes, more than any libnnact file can have (%s)\n",
                (long long)st.st_size, path);
    } else {
        size_t n = (size_t)st.st_size, got = 0;
        buf = malloc(n + 1);
        while (buf != NULL && got < n + 1) {
            ssize_t r = read(fd, buf + got, n + 1 - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (buf == NULL || got != n) {
            fprintf(stderr, "nnact info: cannot read %zu bytes (%s)\n", n, path);
            free(buf);
            buf = NULL;
        }
        *size = n;
    }
    close(fd);
    return buf;
}

static const char *opt_name(nnact_opt_kind k)
{
    static const char *const names[] = {"sgd",     "momentum", "nesterov", "adagrad",
                                        "rmsprop", "adam",     "adamw"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}

/* The layer table and parameter count; 0 when a layer query fails. */
static int print_net(const nnact_net *net)
{
    size_t n_layers = nnact_net_layer_count(net);
    printf("inputs        %zu\n", nnact_net_input_size(net));
    printf("layers        %zu\n", n_layers);
    size_t total = 0, nonfinite = 0;
    for (size_t i = 0; i < n_layers; i++) {
        size_t n_in = 0, n_out = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        double alpha = 0.0;
        unsigned flags = 0;
        if (nnact_net_layer_info(net, i, &n_in, &n_out, &act, &alpha, &flags) != NNACT_OK) return 0;
        int bias = !(flags & NNACT_DENSE_NO_BIAS);
        size_t n = n_in * n_out + (bias ? n_out : 0);
        double *p = malloc((n ? n : 1) * sizeof *p);
        int ok =
            p != NULL && nnact_net_get_layer(net, i, p, bias ? p + n_in * n_out : NULL) == NNACT_OK;
        for (size_t j = 0; ok && j < n; j++)
            nonfinite += !isfinite(p[j]);
        free(p);
        if (!ok) return 0;
        printf("  %-4zu dense %zu -> %zu  %-13s", i, n_in, n_out, nnact_act_name(act));
        /* The resolved parameter whenever the kind has one, even 0 (a leaky
         * slope of 0 is a real choice, not an absent parameter). */
        const char *pname = nnact_act_param_name(act);
        if (pname != NULL) printf(" %s %.17g", pname, alpha);
        printf("%s  %zu parameters\n", bias ? "" : "  no bias", n);
        total += n;
    }
    printf("outputs       %zu\n", nnact_net_output_size(net));
    printf("parameters    %zu", total);
    if (nonfinite) printf(" (%zu non-finite: a plain load refuses this file)", nonfinite);
    printf("\n");
    return 1;
}

int cli_info_file(const char *path)
{
    size_t size = 0;
    unsigned char *data = read_once(path, &size);
    if (data == NULL) return CLI_FAILED;
    /* Kind (offset 12) picks the loader; everything else, this field's
     * validity included, is the library's to check on these same bytes. */
    int checkpoint = size >= 16 && le32(data + 12) == 2;
    nnact_net *net = NULL;
    nnact_opt *opt = NULL;
    uint64_t epochs = 0, batch = 0;
    double base_lr = 0.0;
    /* Non-finite values are reported, not refused: info describes files. */
    nnact_status s =
        checkpoint ? nnact_checkpoint_load_buffer(data, size, NNACT_LOAD_ALLOW_NONFINITE, &net,
                                                  &opt, &epochs, &batch, &base_lr, NULL, NULL)
                   : nnact_net_load_buffer_ex(data, size, NNACT_LOAD_ALLOW_NONFINITE, &net);
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact info: %s (%s)\n", nnact_last_error(), path);
        free(data);
        return CLI_FAILED;
    }
    unsigned long crc = (unsigned long)le32(data + size - 4);
    printf("file          %s (%zu bytes, libnnact %s, format %lu)\n", path, size,
           checkpoint ? "training checkpoint" : "model", (unsigned long)le32(data + 8));
    free(data);
    int ok = print_net(net);
    if (ok && checkpoint) {
        printf("optimizer     %s, %llu steps taken\n", opt_name(nnact_opt_get_kind(opt)),
               (unsigned long long)nnact_opt_step_count(opt));
        printf("epochs done   %llu", (unsigned long long)epochs);
        if (batch) printf(" (and %llu minibatches of the next)", (unsigned long long)batch);
        printf("\nbase lr       %.17g\n", base_lr);
    }
    if (ok)
        printf("checksum      CRC-32C 0x%08lx, verified\n", crc);
    else
        fprintf(stderr, "nnact info: %s\n", nnact_last_error());
    nnact_opt_free(opt);
    nnact_net_free(net);
    return ok ? CLI_OK : CLI_FAILED;
}
