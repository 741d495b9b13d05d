/* nnact info FILE: what a model file or a training checkpoint holds, and
 * whether its checksum holds, as nnact_file_describe() reports it: the tool
 * knows nothing of the format itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/io_cmds.h"

/* One line per layer; 0 when a layer query fails. */
static int print_layers(const nnact_net *net)
{
    for (size_t i = 0; i < nnact_net_layer_count(net); i++) {
        size_t n_in = 0, n_out = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        double alpha = 0.0;
        unsigned flags = 0;
        if (nnact_net_layer_info(net, i, &n_in, &n_out, &act, &alpha, &flags) != NNACT_OK) return 0;
        int bias = !(flags & NNACT_DENSE_NO_BIAS);
        printf("  %-4zu dense %zu -> %zu  %-13s", i, n_in, n_out, nnact_act_name(act));
        /* The resolved parameter whenever the kind has one, even 0 (a leaky
         * slope of 0 is a real choice, not an absent parameter). */
        const char *pname = nnact_act_param_name(act);
        if (pname != NULL) printf(" %s %.17g", pname, alpha);
        printf("%s  %zu parameters\n", bias ? "" : "  no bias", n_in * n_out + (bias ? n_out : 0));
    }
    return 1;
}

/* A class name as the terminal should see it: control bytes (C0, DEL, and
 * C1 as UTF-8 encodes them) and backslashes escaped, everything else (UTF-8
 * text) as it is. Writes at most cap - 1 bytes; returns the bytes written. */
static size_t escaped(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < cap; p++) {
        if (*p == '\\') {
            n += (size_t)snprintf(out + n, cap - n, "\\\\");
        } else if (*p == '\t') {
            n += (size_t)snprintf(out + n, cap - n, "\\t");
        } else if (*p == '\n') {
            n += (size_t)snprintf(out + n, cap - n, "\\n");
        } else if (*p < 0x20 || *p == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *p);
        } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", p[1]);
            p++;
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n] = '\0';
    return n;
}

typedef const char *(*name_at)(const nnact_net *net, size_t i);

/* s escaped into at most `room` columns: when it does not fit, cut where no
 * escape or UTF-8 sequence is split, and "..." appended. */
static size_t escaped_cut(const char *s, char *out, size_t cap, size_t room)
{
    size_t len = escaped(s, out, cap);
    if (len <= room || room < 4) return len;
    len = escaped(s, out, room - 3 + 1);
    while (len > 0 && ((unsigned char)out[len - 1] & 0xc0) == 0x80) /* continuation bytes */
        len--;
    if (len > 0 && (unsigned char)out[len - 1] >= 0xc0) len--; /* and their lead byte */
    memcpy(out + len, "...", 4);
    return len + 3;
}

/* "classes       3: setosa, versicolor, virginica", cut to about 80 columns
 * with the count of names left out; with cut_first a first name too long for
 * the line is cut itself (the class line always showed its first name whole). */
static void print_names(const char *label, size_t n, name_at name, const nnact_net *net,
                        int cut_first)
{
    printf("%-13s %zu:", label, n);
    size_t col = 20;
    for (size_t i = 0; i < n; i++) {
        char buf[4 * NNACT_NET_MAX_CLASS_NAME + 8];
        const size_t len = i == 0 && cut_first ? escaped_cut(name(net, i), buf, sizeof buf, 56)
                                               : escaped(name(net, i), buf, sizeof buf);
        if (i > 0 && col + len + 2 > 66) {
            printf(", ... (%zu more)", n - i);
            break;
        }
        printf("%s %s", i ? "," : "", buf);
        col += len + 2;
    }
    printf("\n");
}

static void print_position(const nnact_file_info *d)
{
    printf("optimizer     %s, %llu steps taken\n", nnact_opt_name(d->opt_kind),
           (unsigned long long)d->opt_steps);
    printf("epochs done   %llu", (unsigned long long)d->epochs_done);
    if (d->batch_in_epoch)
        printf(" (and %llu minibatches of the next)", (unsigned long long)d->batch_in_epoch);
    printf("\nbase lr       %.17g\n", d->base_lr);
}

int cli_info_file(const char *path)
{
    nnact_file_info d = {.size = sizeof d};
    nnact_net *net = NULL;
    if (nnact_file_describe(path, &d, &net) != NNACT_OK) {
        fprintf(stderr, "nnact info: %s\n", cli_library_reason());
        return CLI_FAILED;
    }
    int checkpoint = d.kind == NNACT_FILE_CHECKPOINT;
    printf("file          %s (%llu bytes, libnnact %s, format %lu)\n", path,
           (unsigned long long)d.file_size, checkpoint ? "training checkpoint" : "model",
           (unsigned long)d.format_version);
    printf("inputs        %zu\n", d.n_inputs);
    printf("layers        %zu\n", d.n_layers);
    int ok = print_layers(net);
    if (ok) {
        printf("outputs       %zu\n", d.n_outputs);
        printf("parameters    %llu", (unsigned long long)d.n_params);
        if (d.n_nonfinite)
            printf(" (%llu non-finite: a plain load refuses this file)",
                   (unsigned long long)d.n_nonfinite);
        printf("\n");
        /* format 2 only: a version-1 file prints exactly what it always did */
        if (d.input_scaling)
            printf("scaling       (x - shift) / scale on each of the %zu inputs\n", d.n_inputs);
        if (d.n_classes)
            print_names("classes", nnact_net_class_count(net), nnact_net_class_name, net, 0);
        /* "input names", not a second "inputs" line: the count line above stays as it was */
        if (d.input_names) print_names("input names", d.n_inputs, nnact_net_input_name, net, 1);
        if (d.n_targets)
            print_names("targets", nnact_net_target_count(net), nnact_net_target_name, net, 1);
        if (checkpoint) print_position(&d);
        printf("checksum      CRC-32C 0x%08lx, verified\n", (unsigned long)d.crc32c);
    } else {
        fprintf(stderr, "nnact info: %s\n", cli_library_reason());
    }
    nnact_net_free(net);
    return ok ? CLI_OK : CLI_FAILED;
}
