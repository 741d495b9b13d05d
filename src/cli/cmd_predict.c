/* nnact predict: a saved model's predictions for every row of a table, one
 * line per row, to standard output or (atomically) to a file. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/table.h"

static const char cmd[] = "predict";

void cli_predict_help(FILE *out)
{
    fprintf(out, "usage: nnact predict MODEL FILE|- [--output FILE] [--proba]\n\n"
                 "Prints one line per row of the table FILE ('-': standard input): for a\n"
                 "classifier (a model saved by nnact train --task classify) the predicted\n"
                 "class label, as named in training; for a regression model the output\n"
                 "values separated by commas. The model's input scaling is applied.\n\n"
                 "  --proba        classifier: after the label, the probability of each class\n"
                 "                 (softmax of the outputs) in the model's class order\n"
                 "  --output FILE  write the lines to FILE instead (atomically, and only when\n"
                 "                 every row was predicted: on an error FILE is untouched)\n\n"
                 "Target columns the model was trained on are ignored when FILE has them.\n"
                 "Features are matched by name when the model and FILE both name them, else\n"
                 "by position (the counts must match). Errors: one line, exit status 1\n"
                 "(data) or 2 (usage).\n");
}

/* Class probabilities of one row of logits: softmax, or for one logit the
 * sigmoid's two sides. */
static void probabilities(const double *z, size_t w, double *p)
{
    if (w == 1) {
        p[1] = 1.0 / (1.0 + exp(-z[0]));
        p[0] = 1.0 - p[1];
        return;
    }
    double most = z[0], sum = 0.0;
    for (size_t j = 1; j < w; j++)
        if (z[j] > most) most = z[j];
    for (size_t j = 0; j < w; j++)
        sum += p[j] = exp(z[j] - most);
    for (size_t j = 0; j < w; j++)
        p[j] /= sum;
}

/* One line per row; 0 when a write fails. */
static int write_rows(FILE *out, const nnact_net *net, size_t n, const double *y, int proba)
{
    const size_t w = nnact_net_output_size(net), k = nnact_net_class_count(net);
    double *pk = k ? malloc(k * sizeof *pk) : NULL;
    if (k && pk == NULL) return 0;
    for (size_t r = 0; r < n; r++) {
        const double *z = y + r * w;
        if (k == 0) {
            for (size_t j = 0; j < w; j++)
                fprintf(out, "%s%.9g", j ? "," : "", z[j]);
            fputc('\n', out);
            continue;
        }
        probabilities(z, w, pk);
        size_t best = 0;
        for (size_t c = 1; c < k; c++)
            if (pk[c] > pk[best]) best = c;
        fputs(nnact_net_class_name(net, best), out);
        for (size_t c = 0; proba && c < k; c++)
            fprintf(out, ",%.6f", pk[c]);
        fputc('\n', out);
    }
    free(pk);
    return !ferror(out);
}

/* The lines into a temporary file beside path, renamed over it at the end:
 * path is either the old file or the whole new one. */
static int write_file(const char *path, const nnact_net *net, size_t n, const double *y, int proba)
{
    const size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (tmp == NULL) return cli_fail(cmd, "out of memory");
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
    const int fd = mkstemp(tmp);
    if (fd >= 0) { /* the mode a plain fopen would give, not mkstemp's 0600 */
        const mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int ok = f != NULL && write_rows(f, net, n, y, proba);
    if (f != NULL)
        ok = fclose(f) == 0 && ok;
    else if (fd >= 0)
        close(fd);
    const int err = errno;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        if (fd >= 0) unlink(tmp);
        free(tmp);
        return cli_fail(cmd, "--output '%s': %s", cli_quote(path), strerror(errno ? errno : err));
    }
    free(tmp);
    return CLI_OK;
}

static int run(const char *model, const char *path, const char *output, int proba)
{
    nnact_net *net = NULL;
    nnact_table *t = NULL;
    double *x = NULL, *y = NULL;
    int rc = cli_model_load(cmd, model, &net);
    if (rc == CLI_OK && proba && nnact_net_class_count(net) == 0)
        rc = cli_usage_error(cmd, "--proba needs a classifier: '%s' has no class names",
                             cli_quote(model));
    if (rc == CLI_OK) rc = cli_table_read_inputs(cmd, path, net, &t);
    if (rc == CLI_OK) rc = cli_table_features_for(cmd, path, net, t, &x);
    const size_t n = t ? nnact_table_rows(t) : 0;
    if (rc == CLI_OK && (y = malloc(n * nnact_net_output_size(net) * sizeof *y)) == NULL)
        rc = cli_fail(cmd, "out of memory");
    if (rc == CLI_OK && nnact_net_predict(net, n, x, y) != NNACT_OK)
        rc = cli_fail(cmd, "%s", cli_library_reason());
    if (rc == CLI_OK && output != NULL) rc = write_file(output, net, n, y, proba);
    if (rc == CLI_OK && output == NULL && (!write_rows(stdout, net, n, y, proba) || fflush(stdout)))
        rc = cli_fail(cmd, "cannot write to standard output");
    free(y);
    free(x);
    nnact_table_free(t);
    nnact_net_free(net);
    return rc;
}

int cli_predict(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *output = NULL;
    int proba = 0, npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--proba") == 0) {
            proba = 1;
        } else if (strcmp(argv[i], "--output") == 0) {
            if (++i >= argc) return cli_usage_error(cmd, "'--output' needs a value");
            output = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(cmd, "unknown option '%s' (see nnact predict --help)",
                                   cli_quote(argv[i]));
        } else if (npos == 2) {
            return cli_usage_error(cmd, "unexpected argument '%s'", cli_quote(argv[i]));
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (npos < 2) return cli_usage_error(cmd, "needs MODEL and FILE (see nnact predict --help)");
    return run(pos[0], pos[1], output, proba);
}
