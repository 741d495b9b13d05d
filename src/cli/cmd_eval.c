/* nnact eval: a saved model's scores on a labelled file, as text or as one
 * JSON object. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/table.h"

static const char cmd[] = "eval";

void cli_eval_help(FILE *out)
{
    fprintf(out,
            "usage: nnact eval MODEL FILE [--json] [--target COL[,COL...]]\n"
            "                  [--header auto|yes|no] [--max-rows N]\n\n"
            "Scores the model file MODEL (saved by nnact train --save) on the labelled\n"
            "table FILE ('-': standard input, a pipe too). The model's input scaling is\n"
            "applied.\n"
            "A model with class names (nnact train --task classify) is a classifier:\n"
            "accuracy, log-loss, per-class precision, recall and F1, and the confusion\n"
            "matrix; otherwise a regression model: MSE, MAE and R2.\n\n"
            "  --target COLS   the target columns (names or 1-based numbers); default:\n"
            "                  the ones the model names (nnact train keeps them)\n"
            "  --json          one JSON object: rows, and for a classifier accuracy,\n"
            "                  log_loss, classes, confusion (rows: true class), precision,\n"
            "                  recall, f1 (arrays in class order); for regression mse, mae, r2.\n"
            "                  Strings are valid UTF-8: an invalid sequence in a class name\n"
            "                  is replaced by U+FFFD\n"
            "  --header MODE   auto (default: a first line that is not all numbers is a\n"
            "                  header), yes or no (then give --target by number)\n"
            "  --max-rows N    refuse more than N data rows (default %d), which bounds a\n"
            "                  pipe that never ends\n\n"
            "Features are matched by name when the model and FILE both name them, else\n"
            "by position. A label the model never saw, a missing column, a bad cell:\n"
            "one error line naming FILE:LINE, exit status 1; usage errors exit 2.\n",
            CLI_MAX_ROWS_DEFAULT);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one;
 * *bad then receives how many bytes the invalid part covers (the maximal
 * prefix of a sequence, at least 1), which one U+FFFD replaces. */
static size_t utf8_sequence(const unsigned char *p, size_t *bad)
{
    size_t need = 0;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        need = 1;
    else if (p[0] == 0xe0)
        need = 2, lo = 0xa0;
    else if ((p[0] >= 0xe1 && p[0] <= 0xec) || p[0] == 0xee || p[0] == 0xef)
        need = 2;
    else if (p[0] == 0xed)
        need = 2, hi = 0x9f; /* no surrogates */
    else if (p[0] == 0xf0)
        need = 3, lo = 0x90;
    else if (p[0] >= 0xf1 && p[0] <= 0xf3)
        need = 3;
    else if (p[0] == 0xf4)
        need = 3, hi = 0x8f; /* nothing above U+10FFFF */
    size_t i = 1;
    *bad = 1;
    if (need == 0) return 0;
    for (; i <= need; i++) {
        const unsigned char first = i == 1 ? lo : 0x80, last = i == 1 ? hi : 0xbf;
        if (p[i] < first || p[i] > last) { /* the terminating NUL stops here too */
            *bad = i;
            return 0;
        }
    }
    return need + 1;
}

/* A JSON string, valid UTF-8 whatever the bytes: quotes, backslashes and
 * control bytes escaped, valid multi-byte sequences kept, each invalid one
 * replaced by U+FFFD (a class name is a user's bytes). */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t bad = 1, len = 1;
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else if (*p < 0x80)
            fputc(*p, out);
        else if ((len = utf8_sequence(p, &bad)) > 0)
            fwrite(p, 1, len, out);
        else
            fputs("\\ufffd", out);
        p += len > 0 ? len : bad;
    }
    fputc('"', out);
}

/* A number, or null when it is not finite (JSON has no NaN). */
static void json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.17g", v);
    else
        fputs("null", out);
}

static void json_array(FILE *out, const char *key, size_t n, const double *v)
{
    fprintf(out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        json_number(out, v[i]);
    }
    fputc(']', out);
}

/* The classification scores; 0 when the metrics call fails. */
static int classify_json(size_t rows, const nnact_net *net, const double *y, const double *labels)
{
    const size_t k = nnact_net_class_count(net), w = nnact_net_output_size(net);
    nnact_class_metrics m = {.size = sizeof m};
    double *conf = malloc((k * k + 3 * k) * sizeof *conf);
    if (conf == NULL ||
        nnact_metrics_classify(rows, w, y, labels, &m, conf, conf + k * k, conf + k * k + k,
                               conf + k * k + 2 * k) != NNACT_OK) {
        free(conf);
        return 0;
    }
    printf("{\"rows\": %zu, \"accuracy\": ", rows);
    json_number(stdout, m.accuracy);
    printf(", \"log_loss\": ");
    json_number(stdout, m.log_loss);
    printf(", \"classes\": [");
    for (size_t i = 0; i < k; i++) {
        if (i) printf(", ");
        json_string(stdout, nnact_net_class_name(net, i));
    }
    printf("], \"confusion\": [");
    for (size_t i = 0; i < k; i++) {
        printf("%s[", i ? ", " : "");
        for (size_t j = 0; j < k; j++)
            printf("%s%.0f", j ? ", " : "", conf[i * k + j]);
        printf("]");
    }
    printf("]");
    json_array(stdout, "precision", k, conf + k * k);
    json_array(stdout, "recall", k, conf + k * k + k);
    json_array(stdout, "f1", k, conf + k * k + 2 * k);
    printf("}\n");
    free(conf);
    return 1;
}

static int regress_json(size_t rows, size_t outputs, const double *y, const double *t)
{
    nnact_regress_metrics m = {.size = sizeof m};
    if (nnact_metrics_regress(rows, outputs, y, t, &m) != NNACT_OK) return 0;
    printf("{\"rows\": %zu, \"mse\": ", rows);
    json_number(stdout, m.mse);
    printf(", \"mae\": ");
    json_number(stdout, m.mae);
    printf(", \"r2\": ");
    json_number(stdout, m.r2);
    printf("}\n");
    return 1;
}

/* The table's targets as the model's: class indices in the model's order, or
 * one value per output. */
static int labels_for(const char *path, const nnact_net *net, const nnact_table *t, double **lab)
{
    const size_t k = nnact_net_class_count(net), n = nnact_table_rows(t);
    const size_t kt = nnact_table_target_count(t);
    if (k == 0 && kt != nnact_net_output_size(net))
        return cli_fail(cmd, "%s: %zu target columns, the model has %zu outputs", cli_quote(path),
                        kt, nnact_net_output_size(net));
    *lab = malloc((n * kt + 1) * sizeof **lab);
    if (*lab == NULL) return cli_fail(cmd, "out of memory");
    if (k == 0) {
        memcpy(*lab, nnact_table_targets(t), n * kt * sizeof **lab);
        return CLI_OK;
    }
    const char **names = malloc(k * sizeof *names);
    if (names == NULL) return cli_fail(cmd, "out of memory");
    for (size_t i = 0; i < k; i++)
        names[i] = nnact_net_class_name(net, i);
    const int rc = cli_table_map_labels(cmd, path, t, k, names, *lab);
    free(names);
    return rc;
}

/* Predict and print; the model and table are read. */
static int score(const char *path, const nnact_net *net, const nnact_table *t, int json)
{
    const size_t n = nnact_table_rows(t), w = nnact_net_output_size(net);
    const size_t k = nnact_net_class_count(net);
    double *x = NULL, *lab = NULL, *y = malloc(n * w * sizeof *y);
    int rc = y ? cli_table_features_for(cmd, path, net, t, &x) : cli_fail(cmd, "no memory");
    if (rc == CLI_OK) rc = labels_for(path, net, t, &lab);
    if (rc == CLI_OK && nnact_net_predict(net, n, x, y) != NNACT_OK)
        rc = cli_fail(cmd, "%s", cli_library_reason());
    const char **names = k ? malloc(k * sizeof *names) : NULL;
    for (size_t i = 0; names != NULL && i < k; i++)
        names[i] = nnact_net_class_name(net, i);
    if (rc == CLI_OK) {
        char title[64];
        snprintf(title, sizeof title, "rows %zu", n);
        const int ok = json ? (k ? classify_json(n, net, y, lab) : regress_json(n, w, y, lab))
                       : k  ? names && cli_print_classify(stdout, title, n, k, y, lab, names)
                            : cli_print_regress(stdout, title, n, w, y, lab, NULL);
        if (!ok) rc = cli_fail(cmd, "%s", cli_library_reason());
    }
    free(names);
    free(x);
    free(lab);
    free(y);
    return rc;
}

int cli_eval(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *targets = NULL;
    struct cli_read_settings read = CLI_READ_DEFAULTS;
    int json = 0, npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int valued = strcmp(a, "--target") == 0 || strcmp(a, "--header") == 0 ||
                           strcmp(a, "--max-rows") == 0;
        if (valued && i + 1 >= argc) return cli_usage_error(cmd, "'%s' needs a value", a);
        int rc = CLI_OK;
        if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--target") == 0)
            targets = argv[++i];
        else if (strcmp(a, "--header") == 0)
            rc = cli_parse_header(cmd, argv[++i], &read.header);
        else if (strcmp(a, "--max-rows") == 0)
            rc = cli_parse_max_rows(cmd, argv[++i], &read.max_rows);
        else if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error(cmd, "unknown option '%s' (see nnact eval --help)",
                                   cli_quote(a));
        else if (npos == 2)
            return cli_usage_error(cmd, "unexpected argument '%s'", cli_quote(a));
        else
            pos[npos++] = a;
        if (rc != CLI_OK) return rc;
    }
    if (npos < 2) return cli_usage_error(cmd, "needs MODEL and FILE (see nnact eval --help)");
    nnact_net *net = NULL;
    if (cli_model_load(cmd, pos[0], &net) != CLI_OK) return CLI_FAILED;
    if (targets == NULL) targets = cli_model_targets(net);
    if (targets == NULL) {
        nnact_net_free(net);
        return cli_usage_error(cmd, "the model names no target columns: give --target COLS");
    }
    nnact_table *t = NULL;
    int rc =
        cli_table_read_with(cmd, pos[1], targets, nnact_net_class_count(net) > 0, 0, &read, &t);
    if (rc == CLI_OK) rc = score(pos[1], net, t, json);
    nnact_table_free(t);
    nnact_net_free(net);
    return rc;
}
