/* The first line (header or not, the columns' roles) and the parsing of a
 * data row, the reader's hot loop. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "data/read_internal.h"

static const char *number_problem(enum nnact__num e)
{
    switch (e) {
    case NNACT__NUM_EMPTY:
        return "an empty cell";
    case NNACT__NUM_NONFINITE:
        return "not a finite number (NaN or infinity)";
    case NNACT__NUM_OVERFLOW:
        return "a number beyond the range of a double";
    case NNACT__NUM_NOLOCALE:
        return "out of memory for the C locale";
    default:
        return "not a number";
    }
}

static nnact_status number_fail(struct nnact__reader *r, size_t col, const char *cs, const char *ce,
                                enum nnact__num e)
{
    if (e == NNACT__NUM_NOLOCALE)
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for the C locale");
    return nnact__cell_fail(r, col, cs, ce, number_problem(e));
}

/* A NUL byte anywhere in the line: the error names its cell. */
static nnact_status nul_fail(struct nnact__reader *r, const char *line, size_t len, const char *nul)
{
    const char *p = line, *cs = line, *ce = line;
    size_t col = 0;
    for (;; col++) {
        const char *next = nnact__next_cell(r, p, line + len, &cs, &ce);
        if (next == NULL || next > nul) break;
        p = next;
    }
    return nnact__cell_fail(r, col, p, nul, "a NUL byte");
}

/* The cells of the first line, trimmed, as strings (header names). */
static nnact_status split_names(struct nnact__reader *r, const char *line, size_t len)
{
    r->names = nnact__calloc(r->ncols, sizeof *r->names);
    if (r->names == NULL) return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
    const char *p = line, *cs, *ce;
    for (size_t c = 0; c < r->ncols; c++) {
        p = nnact__next_cell(r, p, line + len, &cs, &ce);
        r->names[c] = nnact__malloc((size_t)(ce - cs) + 1);
        if (r->names[c] == NULL) return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
        memcpy(r->names[c], cs, (size_t)(ce - cs));
        r->names[c][ce - cs] = '\0';
    }
    return NNACT_OK;
}

/* Column (0-based) of the target list item [a, a+len), or a failure. */
static nnact_status find_column(struct nnact__reader *r, const char *a, size_t len, size_t *col)
{
    char q[100], item[64];
    size_t n = len < sizeof item - 1 ? len : sizeof item - 1;
    memcpy(item, a, n);
    item[n] = '\0';
    if (strspn(a, "0123456789") >= len) {
        size_t v = (size_t)strtoul(item, NULL, 10);
        if (v > r->ncols)
            return nnact__read_fail(r, NNACT_ERR_FORMAT,
                                    ":%llu: target column %zu does not exist (%zu columns)",
                                    (unsigned long long)r->src.line, v, r->ncols);
        *col = v - 1;
        return NNACT_OK;
    }
    if (!r->has_header)
        return nnact__read_fail(r, NNACT_ERR_FORMAT,
                                ":%llu: target column '%s' named, but the first line is data, "
                                "not a header (force one with NNACT_READ_HEADER)",
                                (unsigned long long)r->src.line,
                                nnact__quote(item, 40, q, sizeof q));
    for (size_t c = 0; c < r->ncols; c++)
        if (strlen(r->names[c]) == len && memcmp(r->names[c], a, len) == 0) {
            *col = c;
            return NNACT_OK;
        }
    return nnact__read_fail(r, NNACT_ERR_FORMAT, ":%llu: no column '%s' in the header",
                            (unsigned long long)r->src.line, nnact__quote(item, 40, q, sizeof q));
}

/* Roles from the target list: the targets in list order, features the rest. */
static nnact_status assign_roles(struct nnact__reader *r, size_t *nt)
{
    r->role = nnact__malloc(r->ncols * sizeof *r->role);
    if (r->role == NULL) return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
    for (size_t c = 0; c < r->ncols; c++)
        r->role[c] = 0;
    *nt = 0;
    for (const char *a = r->o->targets; a != NULL;) {
        size_t len = strcspn(a, ","), col = 0;
        NNACT_FORWARD_IF_ERROR(find_column(r, a, len, &col));
        if (r->role[col] < 0)
            return nnact__read_fail(r, NNACT_ERR_ARG, ": column %zu is a target twice", col + 1);
        r->role[col] = -1 - (int32_t)*nt;
        ++*nt;
        a = a[len] == ',' ? a + len + 1 : NULL;
    }
    if (r->o->task == NNACT_TASK_CLASSIFY && *nt > 1)
        return nnact__read_fail(r, NNACT_ERR_ARG,
                                ": classification takes one target column, not %zu", *nt);
    if (*nt == r->ncols)
        return nnact__read_fail(r, NNACT_ERR_FORMAT, ": every column is a target: no features");
    int32_t j = 0;
    for (size_t c = 0; c < r->ncols; c++)
        if (r->role[c] >= 0) r->role[c] = j++;
    return NNACT_OK;
}

/* Whether a class-label column chosen by number is at column c. */
static int is_label_column(const struct nnact__reader *r, size_t c)
{
    if (r->o->task != NNACT_TASK_CLASSIFY || r->o->targets == NULL) return 0;
    for (const char *a = r->o->targets; a != NULL;) {
        size_t len = strcspn(a, ",");
        if (strspn(a, "0123456789") >= len && strtoul(a, NULL, 10) == c + 1) return 1;
        a = a[len] == ',' ? a + len + 1 : NULL;
    }
    return 0;
}

/* A header: one cell (outside label columns) is text, neither a number nor empty. */
static int looks_like_header(const struct nnact__reader *r, const char *line, size_t len)
{
    const char *p = line, *cs, *ce;
    for (size_t c = 0; p != NULL && c < r->ncols; c++) {
        p = nnact__next_cell(r, p, line + len, &cs, &ce);
        double v;
        if (!is_label_column(r, c) && nnact__parse_number(cs, ce, &v) == NNACT__NUM_NOT) return 1;
    }
    return 0;
}

static nnact_status copy_role_names(struct nnact__reader *r)
{
    nnact_table *t = r->t;
    t->feature_names = nnact__calloc(t->nf, sizeof(char *));
    t->target_names = t->nt ? nnact__calloc(t->nt, sizeof(char *)) : NULL;
    if (t->feature_names == NULL || (t->nt && t->target_names == NULL))
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
    for (size_t c = 0; c < r->ncols; c++) {
        char **slot =
            r->role[c] >= 0 ? &t->feature_names[r->role[c]] : &t->target_names[-1 - r->role[c]];
        size_t n = strlen(r->names[c]) + 1;
        *slot = nnact__malloc(n);
        if (*slot == NULL) return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
        memcpy(*slot, r->names[c], n);
    }
    return NNACT_OK;
}

nnact_status nnact__setup_columns(struct nnact__reader *r, const char *line, size_t len)
{
    const char *nul = memchr(line, '\0', len);
    r->ncols = nnact__count_cells(r, line, len);
    if (nul != NULL) return nul_fail(r, line, len, nul);
    if (r->ncols > INT32_MAX)
        return nnact__read_fail(r, NNACT_ERR_FORMAT, ":%llu: more than 2^31 columns",
                                (unsigned long long)r->src.line);
    r->has_header = r->o->header == 1 || (r->o->header == 0 && looks_like_header(r, line, len));
    if (r->has_header) NNACT_FORWARD_IF_ERROR(split_names(r, line, len));
    size_t nt = 0;
    NNACT_FORWARD_IF_ERROR(assign_roles(r, &nt));
    r->t->nt = nt;
    r->t->nf = r->ncols - nt;
    if (r->has_header) NNACT_FORWARD_IF_ERROR(copy_role_names(r));
    return NNACT_OK;
}

static nnact_status ragged_fail(struct nnact__reader *r, size_t got, const char *cs, const char *ce)
{
    char what[120];
    if (got > r->ncols) {
        snprintf(what, sizeof what, "more than %zu cells (the first line has %zu)", r->ncols,
                 r->ncols);
        size_t keep = r->ncols;
        r->ncols = 0; /* no column name for a cell beyond the header */
        nnact_status s = nnact__cell_fail(r, keep, cs, ce, what);
        r->ncols = keep;
        return s;
    }
    return nnact__read_fail(r, NNACT_ERR_FORMAT, ":%llu:%zu: %zu cells, the first line has %zu",
                            (unsigned long long)r->src.line, got + 1, got, r->ncols);
}

/* A number cell at p that ends exactly at the delimiter (no blanks), the
 * common case, parsed in one scan; NULL otherwise (then the cell is split and
 * parsed again to accept blanks or to name the problem). */
static inline const char *quick_number(const struct nnact__reader *r, const char *p,
                                       const char *end, double *v, const char **next)
{
    const char *stop;
    if (r->delim == ' ' || nnact__scan_number(p, end, v, &stop) != NNACT__NUM_OK) return NULL;
    if (stop == end) return *next = NULL, stop;
    if (*stop != r->delim) return NULL;
    *next = stop + 1;
    return stop;
}

nnact_status nnact__parse_row(struct nnact__reader *r, const char *line, size_t len)
{
    const char *nul = memchr(line, '\0', len);
    if (nul != NULL) return nul_fail(r, line, len, nul);
    nnact_table *t = r->t;
    double *x = t->x + t->rows * t->nf, *y = t->t ? t->t + t->rows * t->nt : NULL;
    const char *p = line, *end = line + len, *cs, *ce;
    const int classify = r->o->task == NNACT_TASK_CLASSIFY;
    size_t col = 0;
    while (p != NULL) {
        if (col >= r->ncols) {
            nnact__next_cell(r, p, end, &cs, &ce);
            return ragged_fail(r, col + 1, cs, ce);
        }
        int32_t role = r->role[col];
        double *dest = role >= 0 ? &x[role] : classify ? NULL : &y[-1 - role];
        if (dest != NULL && quick_number(r, p, end, dest, &p) != NULL) {
            col++;
            continue;
        }
        p = nnact__next_cell(r, p, end, &cs, &ce);
        enum nnact__num e = NNACT__NUM_OK;
        if (dest != NULL)
            e = nnact__parse_number(cs, ce, dest);
        else
            NNACT_FORWARD_IF_ERROR(nnact__label_index(r, col, cs, ce, &y[0]));
        if (e != NNACT__NUM_OK) return number_fail(r, col, cs, ce, e);
        col++;
    }
    if (col < r->ncols) return ragged_fail(r, col, NULL, NULL);
    return NNACT_OK;
}
