/* The table's accessors, its release and subsets. */
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "data/data_internal.h"

void nnact__free_names(char **names, size_t n)
{
    if (names == NULL) return;
    for (size_t i = 0; i < n; i++)
        nnact__free(names[i]);
    nnact__free(names);
}

char **nnact__copy_names(char *const *names, size_t n)
{
    char **c = nnact__calloc(n ? n : 1, sizeof *c);
    if (c == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL) continue;
        size_t len = strlen(names[i]) + 1;
        c[i] = nnact__malloc(len);
        if (c[i] == NULL) {
            nnact__free_names(c, n);
            return NULL;
        }
        memcpy(c[i], names[i], len);
    }
    return c;
}

void nnact_table_free(nnact_table *t)
{
    if (t == NULL) return;
    nnact__free(t->x);
    nnact__free(t->t);
    nnact__free_names(t->feature_names, t->nf);
    nnact__free_names(t->target_names, t->nt);
    nnact__free_names(t->class_names, t->n_classes);
    nnact__free(t->runs);
    nnact__free(t);
}

size_t nnact_table_rows(const nnact_table *t)
{
    return t ? t->rows : 0;
}

size_t nnact_table_feature_count(const nnact_table *t)
{
    return t ? t->nf : 0;
}

size_t nnact_table_target_count(const nnact_table *t)
{
    return t ? t->nt : 0;
}

const double *nnact_table_features(const nnact_table *t)
{
    return t ? t->x : NULL;
}

const double *nnact_table_targets(const nnact_table *t)
{
    return t && t->nt > 0 ? t->t : NULL;
}

const char *nnact_table_feature_name(const nnact_table *t, size_t j)
{
    return t && t->feature_names && j < t->nf ? t->feature_names[j] : NULL;
}

const char *nnact_table_target_name(const nnact_table *t, size_t j)
{
    return t && t->target_names && j < t->nt ? t->target_names[j] : NULL;
}

size_t nnact_table_class_count(const nnact_table *t)
{
    return t ? t->n_classes : 0;
}

const char *nnact_table_class_name(const nnact_table *t, size_t i)
{
    return t && i < t->n_classes ? t->class_names[i] : NULL;
}

uint64_t nnact_table_line(const nnact_table *t, size_t row)
{
    if (t == NULL || row >= t->rows || t->n_runs == 0) return 0;
    size_t lo = 0, hi = t->n_runs; /* the last run starting at or before row */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->runs[mid].row <= row)
            lo = mid;
        else
            hi = mid;
    }
    return t->runs[lo].line + (row - t->runs[lo].row);
}

/* The runs of lines of t's rows picked by rows[0 .. n-1]; counts when out is NULL. */
static size_t subset_runs(const nnact_table *t, size_t n, const size_t *rows,
                          struct nnact__line_run *out)
{
    size_t k = 0;
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t line = nnact_table_line(t, rows[i]);
        if (i == 0 || line != prev + 1) {
            if (out) out[k] = (struct nnact__line_run){i, line};
            k++;
        }
        prev = line;
    }
    return k;
}

static nnact_status subset_alloc(const nnact_table *t, size_t n, size_t n_runs, nnact_table *s)
{
    static const char who[] = "nnact_table_subset";
    size_t bx, bt, br;
    NNACT_RETURN_IF(!nnact__matrix_bytes(n, t->nf, &bx) || !nnact__matrix_bytes(n, t->nt, &bt) ||
                        !nnact__mul_size(n_runs, sizeof *s->runs, &br),
                    NNACT_ERR_OVERFLOW, "%s: %zu rows overflow size_t", who, n);
    s->x = nnact__malloc(bx);
    s->t = t->nt ? nnact__malloc(bt) : NULL;
    s->runs = nnact__malloc(br);
    if (t->feature_names) s->feature_names = nnact__copy_names(t->feature_names, t->nf);
    if (t->target_names) s->target_names = nnact__copy_names(t->target_names, t->nt);
    if (t->class_names) s->class_names = nnact__copy_names(t->class_names, t->n_classes);
    NNACT_RETURN_IF(s->x == NULL || (t->nt && s->t == NULL) || s->runs == NULL ||
                        (t->feature_names && s->feature_names == NULL) ||
                        (t->target_names && s->target_names == NULL) ||
                        (t->class_names && s->class_names == NULL),
                    NNACT_ERR_NOMEM, "%s: out of memory", who);
    return NNACT_OK;
}

nnact_status nnact_table_subset(const nnact_table *t, size_t n, const size_t *rows,
                                nnact_table **out)
{
    static const char who[] = "nnact_table_subset";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(t == NULL || rows == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    t == NULL ? "the table" : "rows");
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "%s: no rows asked for", who);
    for (size_t i = 0; i < n; i++)
        NNACT_RETURN_IF(rows[i] >= t->rows, NNACT_ERR_ARG,
                        "%s: rows[%zu] is %zu, beyond the table's %zu rows", who, i, rows[i],
                        t->rows);
    nnact_table *s = nnact__calloc(1, sizeof *s);
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    s->nf = t->nf;
    s->nt = t->nt;
    s->n_classes = t->n_classes;
    size_t n_runs = subset_runs(t, n, rows, NULL);
    nnact_status st = subset_alloc(t, n, n_runs, s);
    if (st != NNACT_OK) {
        nnact_table_free(s);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(s->x + i * t->nf, t->x + rows[i] * t->nf, t->nf * sizeof(double));
        if (t->nt) memcpy(s->t + i * t->nt, t->t + rows[i] * t->nt, t->nt * sizeof(double));
    }
    s->n_runs = subset_runs(t, n, rows, s->runs);
    s->rows = n;
    *out = s;
    return NNACT_OK;
}
