/* nnact train's data: a built-in set, or a user's file read by the library
 * (nnact/data.h), with its held-out rows (--test FILE or --test-fraction). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/train_mpi.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "cli/train.h"

const char cli_train_cmd[] = "train";
static const char *const cmd = cli_train_cmd;

static int builtin(const char *name, struct data *d)
{
    if (strcmp(name, "xor") == 0 || strcmp(name, "toy") == 0) {
        static const double xx[8] = {0, 0, 0, 1, 1, 0, 1, 1}, xt[4] = {0, 1, 1, 0};
        static const double tx[12] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, tt[4] = {0, 0, 1, 1};
        int xor_ = name[0] == 'x';
        d->n = 4;
        d->n_in = xor_ ? 2 : 3;
        d->n_out = 1;
        d->x = malloc(d->n * d->n_in * sizeof(double));
        d->t = malloc(4 * sizeof(double));
        if (d->x == NULL || d->t == NULL) return 0;
        memcpy(d->x, xor_ ? xx : tx, d->n * d->n_in * sizeof(double));
        memcpy(d->t, xor_ ? xt : tt, 4 * sizeof(double));
        return 1;
    }
    if (strcmp(name, "sine") == 0) {
        d->n = 64;
        d->n_in = d->n_out = 1;
        d->x = malloc(64 * sizeof(double));
        d->t = malloc(64 * sizeof(double));
        if (d->x == NULL || d->t == NULL) return 0;
        for (size_t i = 0; i < 64; i++) {
            d->x[i] = -3.14159265358979 + 6.28318530717959 * (double)i / 63.0;
            d->t[i] = sin(d->x[i]);
        }
        return 1;
    }
    return -1; /* not a built-in name */
}

void train_free_data(struct data *d)
{
    free(d->x);
    free(d->t);
    free(d->x_test);
    free(d->t_test);
    free(d->class_names);
    free(d->feature_names);
    free(d->target_names);
    nnact_table_free(d->table);
    *d = (struct data){0};
}

/* The features and targets of t as the network sees them: without --target
 * the last k feature columns are the targets (the 1.0 rule). */
static int split_columns(const nnact_table *t, size_t k, double **x, double **y, size_t *n_in)
{
    const size_t n = nnact_table_rows(t), m = nnact_table_feature_count(t);
    const size_t kt = nnact_table_target_count(t);
    const double *f = nnact_table_features(t), *tg = nnact_table_targets(t);
    const size_t w = kt ? m : m - k, wy = kt ? kt : k;
    *n_in = w;
    *x = malloc(n * w * sizeof **x);
    *y = malloc(n * wy * sizeof **y);
    if (*x == NULL || *y == NULL) return 0;
    for (size_t r = 0; r < n; r++) {
        memcpy(*x + r * w, f + r * m, w * sizeof **x);
        memcpy(*y + r * wy, kt ? tg + r * kt : f + r * m + w, wy * sizeof **y);
    }
    return 1;
}

/* The held-out file: the same columns (and names), its labels mapped to the
 * training file's classes. */
static int read_test(const struct train_opts *o, struct data *d, size_t n_out)
{
    nnact_table *t = NULL;
    const int classify = o->task == NNACT_TASK_CLASSIFY;
    int rc = cli_table_read_with(cmd, o->test_path, o->targets, classify, o->targets == NULL,
                                 &o->read, &t);
    if (rc != CLI_OK) return rc;
    const size_t m = nnact_table_feature_count(t), m0 = nnact_table_feature_count(d->table);
    int same = m == m0 && nnact_table_target_count(t) == nnact_table_target_count(d->table);
    for (size_t j = 0; same && j < m; j++) {
        const char *a = nnact_table_feature_name(t, j), *b = nnact_table_feature_name(d->table, j);
        same = (a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0);
    }
    size_t n_in = 0;
    if (!same) {
        rc = cli_fail(cmd, "%s: its columns differ from %s's", cli_quote(o->test_path),
                      cli_quote(o->data));
    } else if (!split_columns(t, n_out, &d->x_test, &d->t_test, &n_in)) {
        rc = cli_fail(cmd, "out of memory");
    } else if (classify) {
        rc = cli_table_map_labels(cmd, o->test_path, t, d->classes, d->class_names, d->t_test);
    }
    d->n_test = nnact_table_rows(t);
    nnact_table_free(t);
    return rc;
}

/* Copies rows order[0 .. count-1] of a (rows of width w) into a new array. */
static double *pick_rows(const double *a, size_t w, const size_t *order, size_t count)
{
    double *out = malloc((count ? count : 1) * w * sizeof *out);
    for (size_t i = 0; out != NULL && i < count; i++)
        memcpy(out + i * w, a + order[i] * w, w * sizeof *out);
    return out;
}

/* --test-fraction: a seeded split, stratified by class for classification. */
static int hold_out(const struct train_opts *o, struct data *d)
{
    const size_t n = d->n, w_t = d->classes ? 1 : d->n_out;
    size_t *order = malloc(n * sizeof *order), n_first = 0;
    if (order == NULL) return cli_fail(cmd, "out of memory");
    nnact_status st =
        nnact_split_rows(n, d->classes ? d->t : NULL, o->test_fraction, o->seed, order, &n_first);
    if (st != NNACT_OK || n_first == n || n_first == 0) {
        free(order);
        return st != NNACT_OK ? cli_fail(cmd, "%s", cli_library_reason())
                              : cli_usage_error(cmd, "--test-fraction %g leaves no %s rows of %zu",
                                                o->test_fraction, n_first ? "test" : "training", n);
    }
    double *x = pick_rows(d->x, d->n_in, order, n_first), *t = pick_rows(d->t, w_t, order, n_first);
    d->x_test = pick_rows(d->x, d->n_in, order + n_first, n - n_first);
    d->t_test = pick_rows(d->t, w_t, order + n_first, n - n_first);
    free(order);
    free(d->x);
    free(d->t);
    d->x = x;
    d->t = t;
    d->n = n_first;
    d->n_test = n - n_first;
    return x && t && d->x_test && d->t_test ? CLI_OK : cli_fail(cmd, "out of memory");
}

/* The class names of the training file (at least two classes). */
static int classes_of(const struct train_opts *o, struct data *d)
{
    d->classes = nnact_table_class_count(d->table);
    d->class_names = malloc(d->classes * sizeof *d->class_names);
    if (d->class_names == NULL) return cli_fail(cmd, "out of memory");
    for (size_t c = 0; c < d->classes; c++)
        d->class_names[c] = nnact_table_class_name(d->table, c);
    if (d->classes < 2)
        return cli_fail(cmd, "%s: one class only ('%s'): nothing to tell apart", cli_quote(o->data),
                        cli_quote(d->class_names[0]));
    d->n_out = d->classes;
    return CLI_OK;
}

/* A softmax over one output is 1 whatever the network: its loss is 0 and
 * nothing is learnt, so the run is refused rather than "trained". */
static int check_loss_width(const struct train_opts *o, const struct data *d)
{
    if ((o->loss != NNACT_LOSS_SOFTMAX_CE && o->loss != NNACT_LOSS_SOFTMAX_CE_INDEX) ||
        d->n_out != 1)
        return CLI_OK;
    return cli_usage_error(cmd,
                           "--loss %s: a softmax over one output is always 1: the loss is 0 "
                           "whatever the network; use bce_logits for one output or more "
                           "outputs",
                           nnact_loss_name((nnact_loss_kind)o->loss));
}

/* Every training row's targets against the loss's domain (BCE and soft
 * targets in [0, 1], class indices in [0, outputs)), before the fit: the fit
 * would name a row by its shuffled position, this names the file's line.
 * The loss itself is the judge: it refuses a target outside its domain, so a
 * one-value loss on a dummy output tells each value's fate. */
static int check_target_domain(const struct train_opts *o, const struct data *d)
{
    const nnact_loss_kind k = (nnact_loss_kind)o->loss;
    const size_t w = nnact_loss_target_width(k, d->n_out);
    const int index = k == NNACT_LOSS_SOFTMAX_CE_INDEX;
    if (d->classes || w == 0) return CLI_OK; /* the reader's class indices are in range */
    double *zeros = calloc(d->n_out, sizeof *zeros), loss = 0.0;
    if (zeros == NULL) return cli_fail(cmd, "out of memory");
    for (size_t r = 0; r < d->n; r++) {
        for (size_t j = 0; j < w; j++) {
            const double *t = d->t + r * w + j;
            if (nnact_loss(k, 1, index ? d->n_out : 1, zeros, t, &loss, NULL) == NNACT_OK) continue;
            free(zeros);
            char name[4 * CLI_QUOTE_MAX + 8];
            if (d->target_names)
                snprintf(name, sizeof name, "'%s'", cli_quote(d->target_names[j]));
            else
                snprintf(name, sizeof name, "%zu", j + 1);
            char domain[64];
            if (index)
                snprintf(domain, sizeof domain, "not a class index in [0, %zu)", d->n_out);
            else
                snprintf(domain, sizeof domain, "outside [0, 1]");
            return cli_fail(cmd, "%s:%llu: target %s is %.17g, %s for %s", cli_quote(o->data),
                            (unsigned long long)nnact_table_line(d->table, r), name, *t, domain,
                            nnact_loss_name(k));
        }
    }
    free(zeros);
    return CLI_OK;
}

/* The 1-based column of the cell `name` in the first line of path (as the
 * reader splits it: tab, else ',', else ';', else runs of blanks, cells
 * trimmed), or 0 when it cannot be told (standard input, not found). Only
 * for an error's position: the table keeps names, not their columns. */
static size_t header_column(const char *path, const char *name)
{
    FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "rb");
    char *line = NULL, *c = NULL;
    size_t cap = 0, col = 0;
    if (f != NULL && getline(&line, &cap, f) > 0) {
        c = line + (strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
        c[strcspn(c, "\r\n")] = '\0';
    }
    if (f != NULL) fclose(f);
    const char *delims = c == NULL         ? ""
                         : strchr(c, '\t') ? "\t"
                         : strchr(c, ',')  ? ","
                         : strchr(c, ';')  ? ";"
                                           : " \t";
    for (size_t k = 1; c != NULL && col == 0; k++) {
        if (delims[1] != '\0') c += strspn(c, delims); /* runs of blanks are one separator */
        const size_t n = strcspn(c, delims);
        const char *a = c, *b = c + n;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if ((size_t)(b - a) == strlen(name) && memcmp(a, name, (size_t)(b - a)) == 0) col = k;
        c = c[n] == '\0' ? NULL : c + n + 1;
    }
    free(line);
    return col;
}

/* "FILE:LINE:COLUMN: what of N bytes is longer than the 255 a model keeps"
 * (":COLUMN" left out when it cannot be told). */
static int name_too_long(const char *path, uint64_t line, size_t column, const char *what,
                         size_t bytes)
{
    char col[32] = "";
    if (column > 0) snprintf(col, sizeof col, ":%zu", column);
    return cli_fail(cmd, "%s:%llu%s: %s of %zu bytes is longer than the %d a model keeps",
                    cli_quote(path), (unsigned long long)line, col, what, bytes,
                    NNACT_NET_MAX_CLASS_NAME);
}

/* The names the model will keep (class labels, header names) within the
 * model's limit, checked here to name the file's line and column: the
 * network's setters would name only a parameter. */
static int check_name_lengths(const struct train_opts *o, const struct data *d)
{
    const size_t m = nnact_table_feature_count(d->table), kt = nnact_table_target_count(d->table);
    for (size_t j = 0; j < m + kt; j++) {
        const char *name = j < m ? nnact_table_feature_name(d->table, j)
                                 : nnact_table_target_name(d->table, j - m);
        if (name != NULL && strlen(name) > NNACT_NET_MAX_CLASS_NAME)
            return name_too_long(o->data, 1, header_column(o->data, name), "column name",
                                 strlen(name));
    }
    const double *labels = nnact_table_targets(d->table);
    for (size_t c = 0; c < d->classes; c++) {
        const size_t len = strlen(d->class_names[c]);
        if (len <= NNACT_NET_MAX_CLASS_NAME) continue;
        size_t r = 0; /* the label's first row: classes are numbered in first-seen order */
        while (r + 1 < d->n && labels[r] != (double)c)
            r++;
        const char *target = nnact_table_target_name(d->table, 0);
        size_t column = 0;
        if (target != NULL)
            column = header_column(o->data, target);
        else if (cli_parse_size(o->targets, 1, SIZE_MAX, &column) != NULL)
            column = 0;
        return name_too_long(o->data, nnact_table_line(d->table, r), column, "class label", len);
    }
    return CLI_OK;
}

static int load_file(const struct train_opts *o, struct data *d)
{
    const int classify = o->task == NNACT_TASK_CLASSIFY;
    int rc = cli_table_read_with(cmd, o->data, o->targets, classify, o->targets == NULL, &o->read,
                                 &d->table);
    if (rc != CLI_OK) return rc;
    const size_t m = nnact_table_feature_count(d->table), k = o->targets ? 0 : o->n_out_file;
    if (o->targets == NULL && m <= k)
        return cli_fail(cmd, "%s: need rows with more than %zu columns", cli_quote(o->data), k);
    d->n = nnact_table_rows(d->table);
    d->n_out = o->targets ? nnact_table_target_count(d->table) : k;
    if (!split_columns(d->table, k, &d->x, &d->t, &d->n_in)) return cli_fail(cmd, "out of memory");
    if (classify && (rc = classes_of(o, d)) != CLI_OK) return rc;
    d->feature_names = malloc(m * sizeof *d->feature_names);
    if (d->feature_names == NULL) return cli_fail(cmd, "out of memory");
    for (size_t j = 0; j < m; j++)
        d->feature_names[j] = nnact_table_feature_name(d->table, j);
    const size_t kt = nnact_table_target_count(d->table), nt = kt ? kt : k;
    if (m > 0 && d->feature_names[0] != NULL) { /* a header */
        d->target_names = malloc(nt * sizeof *d->target_names);
        if (d->target_names == NULL) return cli_fail(cmd, "out of memory");
        for (size_t j = 0; j < nt; j++)
            d->target_names[j] =
                kt ? nnact_table_target_name(d->table, j) : d->feature_names[d->n_in + j];
    }
    if ((rc = check_loss_width(o, d)) != CLI_OK || (rc = check_target_domain(o, d)) != CLI_OK ||
        (rc = check_name_lengths(o, d)) != CLI_OK)
        return rc;
    if (o->test_path != NULL) return read_test(o, d, k);
    if (o->test_fraction > 0) return hold_out(o, d);
    return CLI_OK;
}

int train_load_data(const struct train_opts *o, struct data *d)
{
    *d = (struct data){0};
    /* mpirun forwards standard input to rank 0 only: the others would read nothing */
    if (cli_mpi_active() && o->data != NULL && strcmp(o->data, "-") == 0)
        return cli_fail(cmd, "--data -: standard input reaches rank 0 only under mpirun; give "
                             "a file every rank can read");
    const int b = builtin(o->data, d);
    if (b == 0) {
        train_free_data(d);
        return cli_fail(cmd, "out of memory");
    }
    d->from_file = b < 0;
    const int rc = b > 0 ? check_loss_width(o, d) : load_file(o, d);
    if (rc != CLI_OK) train_free_data(d);
    return rc;
}

int train_prepare_net(const struct train_opts *o, const struct data *d, nnact_net *net)
{
    nnact_status st = NNACT_OK;
    if (o->standardize) {
        double *shift = malloc(d->n_in * sizeof *shift), *scale = malloc(d->n_in * sizeof *scale);
        st = shift && scale
                 ? nnact_scaling_fit(NNACT_SCALING_STANDARD, d->n, d->n_in, d->x, shift, scale)
                 : NNACT_ERR_NOMEM;
        if (st == NNACT_OK) st = nnact_net_set_input_scaling(net, shift, scale);
        free(shift);
        free(scale);
    }
    if (st == NNACT_OK && d->classes)
        st = nnact_net_set_class_names(net, d->classes, d->class_names);
    if (st != NNACT_OK) return cli_fail(cmd, "%s", cli_library_reason());
    if (d->target_names == NULL) return CLI_OK; /* a built-in set or no header */
    /* the target names: one label column, or one per output */
    const size_t k = d->classes ? 1 : d->n_out;
    return cli_model_set_names(cmd, net, (const char *const *)d->feature_names, k,
                               (const char *const *)d->target_names);
}
