/* Scores as nnact train and nnact eval print them: the library computes
 * (nnact/eval.h), this file lays the numbers out in at most 80 columns. */
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/table.h"

/* A class name cut to `width` bytes ("~" marks the cut), control bytes as '?':
 * a label in a table cell. */
static void cell_label(char *out, const char *name, size_t width)
{
    size_t n = strlen(name), i = 0;
    const size_t keep = n > width ? width - 1 : n;
    for (; i < keep; i++)
        out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
    if (n > width) out[i++] = '~';
    out[i] = '\0';
}

static size_t digits(size_t v)
{
    size_t d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* Whether two names cut to `width` read the same: the rows would be
 * ambiguous. */
static int cut_labels_collide(size_t k, const char *const *names, size_t width)
{
    char a[32], b[32];
    for (size_t i = 0; i < k; i++) {
        cell_label(a, names[i], width);
        for (size_t j = i + 1; j < k; j++) {
            cell_label(b, names[j], width);
            if (strcmp(a, b) == 0) return 1;
        }
    }
    return 0;
}

/* "0 = name, 1 = name, ..." with each name whole (control bytes as \xHH),
 * wrapped at 80 columns: between entries, and inside an entry longer than a
 * line. */
static void print_legend(FILE *out, size_t k, const char *const *names)
{
    size_t col = 0;
    char *mem = NULL;
    size_t size = 0;
    for (size_t i = 0; i < k; i++) {
        FILE *m = open_memstream(&mem, &size);
        if (m == NULL) return;
        fprintf(m, "%zu = ", i);
        cli_print_label(m, names[i]);
        if (i + 1 < k) fputc(',', m);
        if (fclose(m) != 0) return;
        if (col > 0 && col + 1 + size > 80) {
            fputc('\n', out);
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        for (size_t at = 0; at < size; at++) {
            if (col == 80) {
                fputc('\n', out);
                col = 0;
            }
            fputc(mem[at], out);
            col++;
        }
        free(mem);
        mem = NULL;
    }
    fputc('\n', out);
}

/* Rows: "index name" then the counts; columns headed by the class index, so
 * the width depends on the counts, not the names. When the cut names would
 * read the same, the rows carry the index only and a legend under the matrix
 * gives each index's whole name. */
static void print_confusion(FILE *out, size_t k, const double *conf, const char *const *names)
{
    size_t most = 0;
    for (size_t i = 0; i < k * k; i++)
        if ((size_t)conf[i] > most) most = (size_t)conf[i];
    const size_t cell = 1 + (digits(most) > digits(k - 1) ? digits(most) : digits(k - 1));
    const size_t idx = digits(k - 1);
    size_t label = 0;
    for (size_t i = 0; i < k; i++)
        if (strlen(names[i]) > label) label = strlen(names[i]);
    const size_t fixed = idx + 1 + k * cell;
    if (fixed + 4 > 80) {
        fprintf(out,
                "confusion matrix: %zu classes do not fit 80 columns (nnact eval --json "
                "prints it)\n",
                k);
        return;
    }
    if (label > 80 - fixed) label = 80 - fixed;
    if (label > 24) label = 24;
    if (label < 3) label = 3;
    const int legend = cut_labels_collide(k, names, label);
    if (legend) label = 0;
    fprintf(out, "confusion (rows: true class, columns: predicted class)\n%*s",
            (int)(idx + 1 + label), "");
    for (size_t j = 0; j < k; j++)
        fprintf(out, "%*zu", (int)cell, j);
    fputc('\n', out);
    char buf[32];
    for (size_t i = 0; i < k; i++) {
        if (legend) {
            fprintf(out, "%*zu ", (int)idx, i);
        } else {
            cell_label(buf, names[i], label);
            fprintf(out, "%*zu %-*s", (int)idx, i, (int)label, buf);
        }
        for (size_t j = 0; j < k; j++)
            fprintf(out, "%*.0f", (int)cell, conf[i * k + j]);
        fputc('\n', out);
    }
    if (legend) print_legend(out, k, names);
}

int cli_print_classify(FILE *out, const char *title, size_t rows, size_t classes,
                       const double *logits, const double *labels, const char *const *names)
{
    nnact_class_metrics m = {.size = sizeof m};
    double *conf = malloc(classes * classes * sizeof *conf);
    if (conf == NULL || nnact_metrics_classify(rows, classes, logits, labels, &m, conf, NULL, NULL,
                                               NULL) != NNACT_OK) {
        free(conf);
        return 0;
    }
    fprintf(out, "%s: accuracy %.6f (%llu of %llu), log-loss %.6f, macro F1 %.6f\n", title,
            m.accuracy, (unsigned long long)m.correct, (unsigned long long)m.rows, m.log_loss,
            m.macro_f1);
    print_confusion(out, classes, conf, names);
    free(conf);
    return 1;
}

int cli_print_regress(FILE *out, const char *title, size_t rows, size_t outputs, const double *y,
                      const double *t, const char *const *names)
{
    nnact_regress_metrics all = {.size = sizeof all};
    double *col = malloc(2 * rows * sizeof *col);
    if (col == NULL || nnact_metrics_regress(rows, outputs, y, t, &all) != NNACT_OK) {
        free(col);
        return 0;
    }
    fprintf(out, "%s: R2", title);
    for (size_t j = 0; outputs > 1 && j < outputs; j++) {
        nnact_regress_metrics one = {.size = sizeof one};
        for (size_t r = 0; r < rows; r++) {
            col[r] = y[r * outputs + j];
            col[rows + r] = t[r * outputs + j];
        }
        if (nnact_metrics_regress(rows, 1, col, col + rows, &one) != NNACT_OK) {
            free(col);
            return 0;
        }
        if (names != NULL)
            fprintf(out, " %s %.6f,", cli_quote(names[j]), one.r2);
        else
            fprintf(out, " y%zu %.6f,", j + 1, one.r2);
    }
    fprintf(out, "%s %.6f, MSE %.6g, MAE %.6g\n", outputs > 1 ? " mean" : "", all.r2, all.mse,
            all.mae);
    free(col);
    return 1;
}
