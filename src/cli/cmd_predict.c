/* nnact predict: a saved model's predictions for every row of a table, one
 * line per row, to standard output or (atomically) to a file. */
#define _XOPEN_SOURCE 700 /* realpath */
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
    fprintf(out,
            "usage: nnact predict MODEL FILE|- [--output FILE] [--proba] [--target COLS]\n"
            "                     [--header auto|yes|no] [--max-rows N]\n\n"
            "Prints one line per row of the table FILE ('-': standard input, a pipe\n"
            "too): for a classifier (a model saved by nnact train --task classify) the\n"
            "predicted class label, as named in training, with control bytes (below 0x20,\n"
            "and 0x7f) printed as \\xHH; for a regression model the output values\n"
            "separated by commas. The model's input scaling is applied.\n\n"
            "  --proba          classifier: after the label, the probability of each\n"
            "                   class (softmax of the outputs) in the model's class order\n"
            "  --output FILE    write the lines to FILE instead (atomically, and only\n"
            "                   when every row was predicted: on an error FILE is\n"
            "                   untouched); a symbolic link is followed and its target\n"
            "                   replaced; a directory, FIFO, socket or device is refused\n"
            "  --target COLS    columns of FILE to ignore (names or 1-based numbers; one\n"
            "                   column for a classifier); default: the target columns the\n"
            "                   model names, when FILE has them\n"
            "  --header MODE    auto (default: a first line that is not all numbers is a\n"
            "                   header), yes or no\n"
            "  --max-rows N     refuse more than N data rows (default %d), which bounds\n"
            "                   a pipe that never ends\n\n"
            "Features are matched by name when the model and FILE both name them, else\n"
            "by position (the counts must match). A file without a header cannot name\n"
            "the model's target columns: give --target N for a target column there, or\n"
            "the column count does not match. Errors: one line, exit status 1 (data) or\n"
            "2 (usage).\n",
            CLI_MAX_ROWS_DEFAULT);
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
        cli_print_label(out, nnact_net_class_name(net, best));
        for (size_t c = 0; proba && c < k; c++)
            fprintf(out, ",%.6f", pk[c]);
        fputc('\n', out);
    }
    free(pk);
    return !ferror(out);
}

static const char *file_type(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a regular file";
}

/* The file --output replaces, the library's rule for saving (docs/FORMAT.md,
 * "atomic save"): a symbolic link is followed, its target replaced and the
 * link kept (*resolved: realpath's result, to free); an existing target that
 * is not a regular file is refused, so /dev/null or a FIFO never turns into
 * a regular file; a dangling link is refused. */
static int output_target(const char *path, char **resolved)
{
    struct stat st;
    *resolved = NULL;
    if (lstat(path, &st) != 0) return CLI_OK; /* a new file: creating it reports a bad path */
    if (S_ISLNK(st.st_mode)) {
        *resolved = realpath(path, NULL);
        if (*resolved == NULL)
            return cli_fail(cmd, "--output '%s': cannot follow the symbolic link: %s",
                            cli_quote(path), strerror(errno));
        if (stat(*resolved, &st) != 0) return CLI_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        free(*resolved);
        *resolved = NULL;
        return cli_fail(cmd, "--output '%s': not a regular file: the target is %s", cli_quote(path),
                        file_type(st.st_mode));
    }
    return CLI_OK;
}

/* The lines into a temporary file beside path, renamed over it at the end:
 * path is either the old file or the whole new one. */
static int write_file(const char *shown, const char *path, const nnact_net *net, size_t n,
                      const double *y, int proba)
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
        return cli_fail(cmd, "--output '%s': %s", cli_quote(shown), strerror(errno ? errno : err));
    }
    free(tmp);
    return CLI_OK;
}

struct predict_options {
    const char *model, *path, *output, *targets;
    int proba;
    struct cli_read_settings read;
};

static int write_output(const char *output, const nnact_net *net, size_t n, const double *y,
                        int proba)
{
    char *resolved = NULL;
    int rc = output_target(output, &resolved);
    if (rc == CLI_OK) rc = write_file(output, resolved ? resolved : output, net, n, y, proba);
    free(resolved);
    return rc;
}

static int run(const struct predict_options *o)
{
    const char *model = o->model, *path = o->path, *output = o->output;
    const int proba = o->proba;
    nnact_net *net = NULL;
    nnact_table *t = NULL;
    double *x = NULL, *y = NULL;
    int rc = cli_model_load(cmd, model, &net);
    if (rc == CLI_OK && proba && nnact_net_class_count(net) == 0)
        rc = cli_usage_error(cmd, "--proba needs a classifier: '%s' has no class names",
                             cli_quote(model));
    if (rc == CLI_OK && output != NULL) { /* a bad target fails before the input is read */
        char *resolved = NULL;
        rc = output_target(output, &resolved);
        free(resolved);
    }
    if (rc == CLI_OK) rc = cli_table_read_inputs(cmd, path, net, o->targets, &o->read, &t);
    if (rc == CLI_OK) rc = cli_table_features_for(cmd, path, net, t, &x);
    const size_t n = t ? nnact_table_rows(t) : 0;
    if (rc == CLI_OK && (y = malloc(n * nnact_net_output_size(net) * sizeof *y)) == NULL)
        rc = cli_fail(cmd, "out of memory");
    if (rc == CLI_OK && nnact_net_predict(net, n, x, y) != NNACT_OK)
        rc = cli_fail(cmd, "%s", cli_library_reason());
    if (rc == CLI_OK && output != NULL) rc = write_output(output, net, n, y, proba);
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
    struct predict_options o = {.read = CLI_READ_DEFAULTS};
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int valued = strcmp(a, "--output") == 0 || strcmp(a, "--target") == 0 ||
                           strcmp(a, "--header") == 0 || strcmp(a, "--max-rows") == 0;
        if (valued && i + 1 >= argc) return cli_usage_error(cmd, "'%s' needs a value", a);
        int rc = CLI_OK;
        if (strcmp(a, "--proba") == 0)
            o.proba = 1;
        else if (strcmp(a, "--output") == 0)
            o.output = argv[++i];
        else if (strcmp(a, "--target") == 0)
            o.targets = argv[++i];
        else if (strcmp(a, "--header") == 0)
            rc = cli_parse_header(cmd, argv[++i], &o.read.header);
        else if (strcmp(a, "--max-rows") == 0)
            rc = cli_parse_max_rows(cmd, argv[++i], &o.read.max_rows);
        else if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error(cmd, "unknown option '%s' (see nnact predict --help)",
                                   cli_quote(a));
        else if (npos == 2)
            return cli_usage_error(cmd, "unexpected argument '%s'", cli_quote(a));
        else
            pos[npos++] = a;
        if (rc != CLI_OK) return rc;
    }
    if (npos < 2) return cli_usage_error(cmd, "needs MODEL and FILE (see nnact predict --help)");
    o.model = pos[0];
    o.path = pos[1];
    return run(&o);
}
