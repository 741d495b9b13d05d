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
            "usage: nnact eval MODEL FILE [--json] [--target COL[,COL...]]\n\n"
            "Scores the model file MODEL (saved by nnact train --save) on the labelled\n"
            "table FILE ('-': standard input). The model's input scaling is applied.\n"
            "A model with class names (nnact train --task classify) is a classifier:\n"
            "accuracy, log-loss, per-class precision, recall and F1, and the confusion\n"
            "matrix; otherwise a regression model: MSE, MAE and R2.\n\n"
            "  --target COLS   the target columns (names or 1-based numbers); default:\n"
            "                  the ones the model names (nnact train keeps them)\n"
            "  --json          one JSON object: rows, and for a classifier accuracy,\n"
            "                  log_loss, classes, confusion (rows: true class), precision,\n"
            "                  recall, f1 (arrays in class order); for regression mse, mae, r2\n\n"
            "Features are matched by name when the model and FILE both name them, else\n"
            "by position. A label the model never saw, a missing column, a bad cell:\n"
            "one error line naming FILE:LINE, exit status 1; usage errors exit 2.\n");
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
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
    int json = 0, npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--target") == 0) {
            if (++i >= argc) return cli_usage_error(cmd, "'--target' needs a value");
            targets = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(cmd, "unknown option '%s' (see nnact eval --help)",
                                   cli_quote(argv[i]));
        } else if (npos == 2) {
            return cli_usage_error(cmd, "unexpected argument '%s'", cli_quote(argv[i]));
        } else {
            pos[npos++] = argv[i];
        }
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
    int rc = cli_table_read(cmd, pos[1], targets, nnact_net_class_count(net) > 0, 0, &t);
    if (rc == CLI_OK) rc = score(pos[1], net, t, json);
    nnact_table_free(t);
    nnact_net_free(net);
    return rc;
}
