/* The table reader: one pass to count data lines when the input can be read
 * twice (so values are stored once, at their exact size), then line by line:
 * the first line settles the delimiter, the header and the columns' roles,
 * every data line is split and parsed in place. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/names.h"
#include "data/data_internal.h"
#include "data/read_internal.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Blank lines (nothing but blanks) and, when asked, '#' lines hold no row. */
static int is_skipped(const char *line, size_t len, int comments)
{
    if (comments && len > 0 && line[0] == '#') return 1;
    for (size_t i = 0; i < len; i++)
        if (!is_blank(line[i])) return 0;
    return 1;
}

nnact_status nnact__read_fail(struct nnact__reader *r, nnact_status s, const char *fmt, ...)
{
    char what[320], shown[100];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return nnact__fail(s, "%s: %s%s", r->who, nnact__quote(r->name, 80, shown, sizeof shown), what);
}

/* "NAME:LINE:COL: what (column 'x') cell \"...\"" for cell [cs, ce) of column col (0-based). */
nnact_status nnact__cell_fail(struct nnact__reader *r, size_t col, const char *cs, const char *ce,
                              const char *what)
{
    char cell[48], quoted[200], colname[120] = "";
    size_t n = (size_t)(ce - cs) < 41 ? (size_t)(ce - cs) : 41;
    memcpy(cell, cs, n);
    cell[n] = '\0';
    if (r->names != NULL && col < r->ncols) {
        char q[100];
        snprintf(colname, sizeof colname, " (column '%s')",
                 nnact__quote(r->names[col], 40, q, sizeof q));
    }
    return nnact__read_fail(r, NNACT_ERR_FORMAT, ":%llu:%zu: %s%s cell \"%s\"",
                            (unsigned long long)r->src.line, col + 1, what, colname,
                            nnact__quote(cell, 40, quoted, sizeof quoted));
}

/* The next line holding data, with a BOM skipped on line 1: 1, 0 at the end, or a status. */
static nnact_status next_data_line(struct nnact__reader *r, const char **line, size_t *len,
                                   int *got)
{
    for (;;) {
        int k = nnact__source_next(&r->src, line, len);
        if (k < 0) {
            return k == -NNACT_ERR_NOMEM
                       ? nnact__read_fail(r, NNACT_ERR_NOMEM, ":%llu: out of memory for a line",
                                          (unsigned long long)r->src.line + 1)
                       : nnact__read_fail(r, NNACT_ERR_IO, ":%llu: read error",
                                          (unsigned long long)r->src.line + 1);
        }
        *got = k;
        if (k == 0) return NNACT_OK;
        if (r->src.line == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
            *line += 3;
            *len -= 3;
        }
        if (!is_skipped(*line, *len, r->o->comments != 0)) return NNACT_OK;
    }
}

/* Pass one over an input that can be read again: data lines, an upper bound
 * of the rows (the header line is counted too). */
static nnact_status count_data_lines(struct nnact__reader *r, uint64_t *lines)
{
    const char *line;
    size_t len;
    int got;
    *lines = 0;
    for (;;) {
        NNACT_FORWARD_IF_ERROR(next_data_line(r, &line, &len, &got));
        if (!got) return NNACT_OK;
        ++*lines;
        if (r->o->max_rows > 0 && *lines > (uint64_t)r->o->max_rows) return NNACT_OK;
    }
}

/* ',' ';' or tab, whichever is most frequent on the first line (ties in that
 * order); none of them: runs of blanks. */
static char detect_delimiter(const char *line, size_t len)
{
    static const char cand[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++)
        for (int c = 0; c < 3; c++)
            count[c] += line[i] == cand[c];
    int best = 0;
    for (int c = 1; c < 3; c++)
        if (count[c] > count[best]) best = c;
    return count[best] > 0 ? cand[best] : ' ';
}

/* The row array grows by half (streams, or an input that grew since pass one). */
static nnact_status grow_rows(struct nnact__reader *r)
{
    nnact_table *t = r->t;
    size_t cap = r->cap_rows + r->cap_rows / 2 + 16, bx, bt;
    if (r->o->max_rows > 0 && cap > (uint64_t)r->o->max_rows + 1) cap = (size_t)r->o->max_rows + 1;
    if (!nnact__matrix_bytes(cap, t->nf, &bx) || !nnact__matrix_bytes(cap, t->nt, &bt))
        return nnact__read_fail(r, NNACT_ERR_OVERFLOW, ": %zu rows overflow size_t", cap);
    double *x = nnact__malloc(bx), *y = t->nt ? nnact__malloc(bt) : NULL;
    if (x == NULL || (t->nt && y == NULL)) {
        nnact__free(x);
        nnact__free(y);
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for %zu rows", cap);
    }
    if (t->rows > 0) {
        memcpy(x, t->x, t->rows * t->nf * sizeof(double));
        if (t->nt) memcpy(y, t->t, t->rows * t->nt * sizeof(double));
    }
    nnact__free(t->x);
    nnact__free(t->t);
    t->x = x;
    t->t = y;
    r->cap_rows = cap;
    return NNACT_OK;
}

/* Records that the row being added comes from the current line. */
static nnact_status note_line(struct nnact__reader *r)
{
    nnact_table *t = r->t;
    if (t->n_runs > 0) {
        const struct nnact__line_run *last = &t->runs[t->n_runs - 1];
        if (last->line + (t->rows - last->row) == r->src.line) return NNACT_OK;
    }
    if (t->n_runs == r->cap_runs) {
        size_t cap = r->cap_runs * 2 + 8;
        struct nnact__line_run *runs = nnact__malloc(cap * sizeof *runs);
        if (runs == NULL) return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory");
        if (t->n_runs) memcpy(runs, t->runs, t->n_runs * sizeof *runs);
        nnact__free(t->runs);
        t->runs = runs;
        r->cap_runs = cap;
    }
    t->runs[t->n_runs++] = (struct nnact__line_run){t->rows, r->src.line};
    return NNACT_OK;
}

/* Reads every data line after the first into the table. */
static nnact_status read_rows(struct nnact__reader *r, const char *line, size_t len,
                              int first_is_data)
{
    int got = 1;
    if (!first_is_data) NNACT_FORWARD_IF_ERROR(next_data_line(r, &line, &len, &got));
    while (got) {
        if (r->o->max_rows > 0 && r->t->rows >= (uint64_t)r->o->max_rows)
            return nnact__read_fail(r, NNACT_ERR_FORMAT,
                                    ":%llu: more than %lld data rows (NNACT_READ_MAX_ROWS)",
                                    (unsigned long long)r->src.line, (long long)r->o->max_rows);
        if (r->t->rows == r->cap_rows) NNACT_FORWARD_IF_ERROR(grow_rows(r));
        NNACT_FORWARD_IF_ERROR(note_line(r));
        NNACT_FORWARD_IF_ERROR(nnact__parse_row(r, line, len));
        r->t->rows++;
        NNACT_FORWARD_IF_ERROR(next_data_line(r, &line, &len, &got));
    }
    if (r->t->rows == 0)
        return nnact__read_fail(r, NNACT_ERR_FORMAT, ": a header line and no data rows");
    return NNACT_OK;
}

/* The whole read after the source is set up: r->t is the table being built. */
static nnact_status read_table(struct nnact__reader *r, int seekable)
{
    uint64_t est = 0;
    if (seekable) {
        NNACT_FORWARD_IF_ERROR(count_data_lines(r, &est));
        NNACT_FORWARD_IF_ERROR(nnact__source_rewind(r));
    }
    const char *line;
    size_t len;
    int got;
    NNACT_FORWARD_IF_ERROR(next_data_line(r, &line, &len, &got));
    if (!got)
        return nnact__read_fail(r, NNACT_ERR_FORMAT, ": no data (%s)",
                                r->src.line == 0 ? "an empty file" : "only blank or comment lines");
    r->delim = r->o->delimiter != 0 ? (char)r->o->delimiter : detect_delimiter(line, len);
    NNACT_FORWARD_IF_ERROR(nnact__setup_columns(r, line, len));
    if (!seekable) est = 1024;
    if (r->o->max_rows > 0 && est > (uint64_t)r->o->max_rows + 1)
        est = (uint64_t)r->o->max_rows + 1;
    size_t bx, bt;
    if (est > SIZE_MAX || !nnact__matrix_bytes((size_t)est, r->t->nf, &bx) ||
        !nnact__matrix_bytes((size_t)est, r->t->nt, &bt))
        return nnact__read_fail(r, NNACT_ERR_OVERFLOW, ": %llu rows overflow size_t",
                                (unsigned long long)est);
    r->t->x = nnact__malloc(bx);
    r->t->t = r->t->nt ? nnact__malloc(bt) : NULL;
    if (r->t->x == NULL || (r->t->nt && r->t->t == NULL))
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for %llu rows",
                                (unsigned long long)est);
    r->cap_rows = (size_t)est;
    NNACT_FORWARD_IF_ERROR(read_rows(r, line, len, !r->has_header));
    return nnact__finish_labels(r);
}

/* Runs a read with everything the reader owns released whatever happens. */
nnact_status nnact__read(struct nnact__reader *r, int seekable, nnact_table **out)
{
    *out = NULL;
    r->t = nnact__calloc(1, sizeof *r->t);
    nnact_status s = r->t == NULL ? nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory")
                                  : read_table(r, seekable);
    nnact__reader_release(r);
    if (s != NNACT_OK) {
        nnact_table_free(r->t);
        return s;
    }
    *out = r->t;
    return NNACT_OK;
}
