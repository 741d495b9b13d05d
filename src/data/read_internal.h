/* Internal: the reader's state shared by read.c (lines and rows), columns.c
 * (the first line, cells, labels) and api.c (the public entry points). */
#ifndef NNACT_DATA_READ_INTERNAL_H
#define NNACT_DATA_READ_INTERNAL_H

#include "data/data_internal.h"

struct nnact__reader {
    const char *who;  /* the public function, first in every detail */
    const char *name; /* the input as details show it */
    const nnact_read_options *o;
    struct nnact__source src;
    long long rewind_at; /* a seekable stream's start offset */
    char delim;          /* ',', ';', '\t', or ' ' for runs of blanks */
    int has_header;
    size_t ncols;
    char **names;  /* the header's cells, ncols of them, or NULL */
    int32_t *role; /* per column: feature j >= 0, target k as -1 - k */
    nnact_table *t;
    size_t cap_rows, cap_runs;
    /* class labels while reading: text, and an open-addressing table of index + 1 */
    char **labels;
    size_t n_labels, cap_labels;
    size_t *slots;
    size_t n_slots;
};

NNACT_HIDDEN nnact_status nnact__read_fail(struct nnact__reader *r, nnact_status s, const char *fmt,
                                           ...) NNACT_PRINTF(3, 4);
NNACT_HIDDEN nnact_status nnact__cell_fail(struct nnact__reader *r, size_t col, const char *cs,
                                           const char *ce, const char *what);
NNACT_HIDDEN nnact_status nnact__setup_columns(struct nnact__reader *r, const char *line,
                                               size_t len);
NNACT_HIDDEN nnact_status nnact__parse_row(struct nnact__reader *r, const char *line, size_t len);
NNACT_HIDDEN nnact_status nnact__label_index(struct nnact__reader *r, size_t col, const char *cs,
                                             const char *ce, double *index);
NNACT_HIDDEN nnact_status nnact__finish_labels(struct nnact__reader *r);
NNACT_HIDDEN nnact_status nnact__source_rewind(struct nnact__reader *r);
NNACT_HIDDEN void nnact__reader_release(struct nnact__reader *r);
NNACT_HIDDEN nnact_status nnact__read(struct nnact__reader *r, int seekable, nnact_table **out);

static inline int nnact__is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits [p, end) at the next cell: *cs..*ce the cell without surrounding
 * blanks; returns where the following cell starts, or NULL after the last. */
static inline const char *nnact__next_cell(const struct nnact__reader *r, const char *p,
                                           const char *end, const char **cs, const char **ce)
{
    const char *q;
    if (r->delim == ' ') {
        while (p < end && nnact__is_blank(*p))
            p++;
        for (q = p; q < end && !nnact__is_blank(*q); q++) {
        }
        *cs = p;
        *ce = q;
        while (q < end && nnact__is_blank(*q))
            q++;
        return q < end ? q : NULL;
    }
    for (q = p; q < end && *q != r->delim; q++) {
    }
    const char *s = p, *e = q;
    while (s < e && (*s == ' ' || (*s == '\t' && r->delim != '\t')))
        s++;
    while (e > s && (e[-1] == ' ' || (e[-1] == '\t' && r->delim != '\t')))
        e--;
    *cs = s;
    *ce = e;
    return q < end ? q + 1 : NULL;
}

/* Cells of a line (whitespace: a line of blanks has none). */
static inline size_t nnact__count_cells(const struct nnact__reader *r, const char *line, size_t len)
{
    size_t n = 0;
    const char *cs, *ce;
    for (const char *p = line; p != NULL; n++) {
        p = nnact__next_cell(r, p, line + len, &cs, &ce);
        if (r->delim == ' ' && cs == ce && p == NULL) break;
    }
    return n;
}

#endif /* NNACT_DATA_READ_INTERNAL_H */
