/* Internal: the data module's shared pieces (number parsing, the options and
 * table layouts, the line source). Never installed. */
#ifndef NNACT_DATA_INTERNAL_H
#define NNACT_DATA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "nnact/data.h"

/* What nnact__parse_number found in a cell. */
enum nnact__num {
    NNACT__NUM_OK = 0,
    NNACT__NUM_EMPTY,     /* nothing but blanks */
    NNACT__NUM_NOT,       /* not a decimal number */
    NNACT__NUM_NONFINITE, /* nan, inf, infinity in any case, signed or not */
    NNACT__NUM_OVERFLOW,  /* finite text beyond the largest double */
    NNACT__NUM_NOLOCALE   /* the C locale object could not be made (out of memory) */
};

/* Parses the decimal number that fills [p, end) exactly (no blanks), locale
 * independent and correctly rounded (the bits of strtod in the C locale):
 * [+-] digits [. digits] | [+-] . digits, then an optional exponent
 * [eE][+-]digits. Hexadecimal and nan/inf are not numbers here. */
NNACT_HIDDEN enum nnact__num nnact__parse_number(const char *p, const char *end, double *out);

/* The longest number at p (same grammar, no blanks skipped): *stop is where it
 * ends. NNACT__NUM_OK with a value, or NOT / NONFINITE / OVERFLOW / NOLOCALE;
 * a caller checks that *stop is where the cell ends. */
NNACT_HIDDEN enum nnact__num nnact__scan_number(const char *p, const char *end, double *out,
                                                const char **stop);

struct nnact_read_options {
    int64_t delimiter, header, comments, task, label_order, max_rows;
    char *targets; /* the list as given, NULL = none */
};

/* A run of rows from consecutive lines: row r >= row lies on line + (r - row). */
struct nnact__line_run {
    uint64_t row, line;
};

struct nnact_table {
    size_t rows, nf, nt;
    double *x, *t;                        /* rows x nf, rows x nt */
    char **feature_names, **target_names; /* NULL without a header */
    size_t n_classes;
    char **class_names;
    size_t n_runs;
    struct nnact__line_run *runs;
};

/* Copies of names: one allocation per string, NULL entries kept NULL. On
 * failure frees what it made and returns NULL. */
NNACT_HIDDEN char **nnact__copy_names(char *const *names, size_t n);
NNACT_HIDDEN void nnact__free_names(char **names, size_t n);

/* Where lines come from: memory, or a stream read through a growing buffer. */
struct nnact__source {
    const char *mem, *mem_end, *pos; /* memory */
    FILE *f;                         /* stream, or NULL */
    char *buf;
    size_t cap, start, end, scanned;
    int eof;
    uint64_t line; /* physical line number of the last line returned */
};

/* Next line without its '\n' (and a '\r' before it): 1 a line, 0 the end,
 * or a failure status negated (-NNACT_ERR_NOMEM, -NNACT_ERR_IO). */
NNACT_HIDDEN int nnact__source_next(struct nnact__source *s, const char **line, size_t *len);

#endif /* NNACT_DATA_INTERNAL_H */
