/**
 * @file nnact/data.h
 * @brief Tables of numbers read from delimited text (CSV and friends), strictly.
 *
 * A table is read from a path, a `FILE *` or memory into an immutable
 * nnact_table: a row-major matrix of features and one of targets (numbers for
 * regression, class indices for classification), with the header's column
 * names, the class labels and, for every row, the line of the file it came
 * from. docs/DATA.md describes the accepted format in full; in short:
 *
 * - Cells are separated by ',', ';', a tab, or runs of blanks (spaces and
 *   tabs), chosen or detected from the first non-blank line (the most frequent
 *   of ',', ';' and tab, ties in that order; none of them: runs of blanks).
 *   Blanks around a cell are ignored. There is no quoting: '"' is an ordinary
 *   character.
 * - Lines end in LF or CRLF and may be of any length; a UTF-8 byte order mark
 *   at the start is skipped; blank lines (nothing but blanks) are skipped; lines
 *   whose first byte is '#' are skipped only with NNACT_READ_COMMENTS.
 * - A header is detected (the first line is a header when one of its cells,
 *   outside classification target columns, is neither empty nor number-like)
 *   or forced on or off.
 * - Strict: every row has the first line's number of cells; feature cells
 *   (and regression targets) are finite decimal numbers. An empty cell, a
 *   non-number ("5.5.5", hexadecimal, "1,,2"'s empty middle cell), NaN or an
 *   infinity in any spelling, a number beyond the double range (an underflow is
 *   fine: correctly rounded to a subnormal or zero), a ragged row or a NUL byte
 *   is NNACT_ERR_FORMAT with the detail
 *   "nnact_table_read_path: NAME:LINE:COLUMN: what (column 'name') cell \"...\""
 *   where LINE counts physical lines of the input (blank and comment lines
 *   included), COLUMN is the 1-based cell number, the column name appears when
 *   there is a header, and the cell is escaped (control characters as \\xHH)
 *   and cut after 40 characters.
 * - Numbers are parsed independently of the process locale and correctly
 *   rounded: the same bits as strtod() in the C locale.
 *
 * Memory: a regular file, a seekable stream and memory are read in two passes
 * (the first counts the data lines), so the values are stored once at their
 * exact size, plus a read buffer of max(128 KiB, twice the longest line),
 * the labels and names, and 16 bytes per run of skipped lines. A stream that
 * cannot seek (a pipe) grows its arrays by 1.5x: the table keeps at most 1.5x
 * the values, and a growth step holds the old and the new array at once.
 *
 * Thread safety: a table is immutable once read; many threads may read it. The
 * options are read, never changed, by the read calls.
 */
#ifndef NNACT_DATA_H
#define NNACT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/** @brief Opaque reading options (create, set, pass to the read calls). @since 1.1 */
typedef struct nnact_read_options nnact_read_options;

/**
 * @brief Keys of nnact_read_options, set with nnact_read_options_set_int().
 *        Values explicit and append-only.
 * @since 1.1
 */
typedef enum nnact_read_param {
    /** 0 detect (default), ',', ';', '\\t', or ' ' for runs of blanks (spaces and tabs). */
    NNACT_READ_DELIMITER = 0,
    /** 0 detect (default), 1 the first line is a header, 2 there is no header. */
    NNACT_READ_HEADER = 1,
    /** 0 (default) no comments, 1 lines whose first byte is '#' are skipped. */
    NNACT_READ_COMMENTS = 2,
    /** nnact_task: NNACT_TASK_REGRESS (default) or NNACT_TASK_CLASSIFY. */
    NNACT_READ_TASK = 3,
    /** nnact_label_order: NNACT_LABELS_FIRST_SEEN (default) or NNACT_LABELS_SORTED. */
    NNACT_READ_LABEL_ORDER = 4,
    /** 0 = no limit (default); more data rows than this is NNACT_ERR_FORMAT. Required
        (> 0) to read a FIFO by path, so a pipe that never ends cannot fill memory. */
    NNACT_READ_MAX_ROWS = 5
} nnact_read_param;

/** @brief What the target columns hold. @since 1.1 */
typedef enum nnact_task {
    NNACT_TASK_REGRESS = 0, /**< numbers, one target value per target column */
    NNACT_TASK_CLASSIFY = 1 /**< one column of class labels (any text), mapped to class indices */
} nnact_task;

/** @brief Order of the class indices given to labels. @since 1.1 */
typedef enum nnact_label_order {
    NNACT_LABELS_FIRST_SEEN = 0, /**< class 0 is the first label in the file, and so on (default) */
    /** by value when every label is a number (so "9" < "10"), otherwise by bytes (strcmp) */
    NNACT_LABELS_SORTED = 1
} nnact_label_order;

/**
 * @brief New options with the defaults: detected delimiter and header, no
 *        comments, regression, first-seen labels, no row limit, no targets.
 * @param out receives them; NULL on failure. Free with nnact_read_options_free().
 * @return NNACT_OK; NNACT_ERR_ARG (NULL out); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_read_options_create(nnact_read_options **out);

/** @brief Frees options; NULL is fine. @since 1.1 */
NNACT_API void nnact_read_options_free(nnact_read_options *o);

/**
 * @brief Sets an integer key (values in nnact_read_param).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o, unknown key, a value the key does not
 *         take: the detail names the key; the options unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_read_options_set_int(nnact_read_options *o, nnact_read_param p,
                                                  int64_t v);

/**
 * @brief Gets an integer key.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o or v, unknown key; *v unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_read_options_get_int(const nnact_read_options *o, nnact_read_param p,
                                                  int64_t *v);

/**
 * @brief Chooses the target columns: a comma-separated list of column names
 *        (matched exactly against the header) or 1-based column numbers (an
 *        item of digits only is a number), e.g. "species", "3" or "y1,y2".
 *        The features are every other column, in file order. Classification
 *        takes one target column.
 * @param columns the list, copied; NULL or "" = no target columns (a table to
 *        predict on).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o; an empty item as in "a,,b"; column
 *         number 0 or beyond 2^31; the same column twice; options unchanged);
 *         NNACT_ERR_NOMEM. A name or number the file lacks is found when
 *         reading (NNACT_ERR_FORMAT).
 * @since 1.1
 */
NNACT_API nnact_status nnact_read_options_set_targets(nnact_read_options *o, const char *columns);

/** @brief Opaque table, immutable once read. @since 1.1 */
typedef struct nnact_table nnact_table;

/**
 * @brief Reads a table from a file.
 * @param path the file; "-" reads standard input (named "<stdin>" in details).
 *        A regular file is read; a FIFO or pipe only when NNACT_READ_MAX_ROWS is
 *        set; a directory, device or socket never.
 * @param o options, or NULL for the defaults.
 * @param out receives the table (free with nnact_table_free()); NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL path or out; classification with more
 *         than one target column); NNACT_ERR_IO (the file cannot be opened or
 *         read, is not a regular file, or a FIFO without a row limit: the detail
 *         says which); NNACT_ERR_FORMAT (no data rows, a header and no data, a
 *         target column the file lacks, no feature column left, a bad cell or
 *         row as described in the file comment, more rows than
 *         NNACT_READ_MAX_ROWS); NNACT_ERR_OVERFLOW (a size beyond size_t);
 *         NNACT_ERR_NOMEM. On failure nothing is kept.
 * @since 1.1
 */
NNACT_API nnact_status nnact_table_read_path(const char *path, const nnact_read_options *o,
                                             nnact_table **out);

/**
 * @brief Reads a table from an open stream, from its current position to its
 *        end. The stream is not closed. A seekable stream is read twice (first
 *        to count lines) and left at its end.
 * @param f the stream. @param name shown in error details (NULL: "<stream>").
 * @return as nnact_table_read_path(), except the checks on the file type.
 * @since 1.1
 */
NNACT_API nnact_status nnact_table_read_file(FILE *f, const char *name, const nnact_read_options *o,
                                             nnact_table **out);

/**
 * @brief Reads a table from memory (size bytes at data, any bytes; not kept).
 * @param name shown in error details (NULL: "<buffer>").
 * @return as nnact_table_read_path() (NNACT_ERR_ARG also for NULL data with
 *         size > 0); never NNACT_ERR_IO.
 * @since 1.1
 */
NNACT_API nnact_status nnact_table_read_buffer(const void *data, size_t size, const char *name,
                                               const nnact_read_options *o, nnact_table **out);

/** @brief Frees a table; NULL is fine. @since 1.1 */
NNACT_API void nnact_table_free(nnact_table *t);

/** @brief Data rows (header, blank and comment lines not counted); 0 for NULL. @since 1.1 */
NNACT_API size_t nnact_table_rows(const nnact_table *t);

/** @brief Feature columns (at least 1); 0 for NULL. @since 1.1 */
NNACT_API size_t nnact_table_feature_count(const nnact_table *t);

/** @brief Target columns: as chosen for regression, 1 (or 0 with none chosen) for
 *         classification; 0 for NULL. @since 1.1 */
NNACT_API size_t nnact_table_target_count(const nnact_table *t);

/** @brief The features, rows x feature_count row-major, owned by the table; NULL for NULL.
 *  @since 1.1 */
NNACT_API const double *nnact_table_features(const nnact_table *t);

/** @brief The targets, rows x target_count row-major (classification: the class index
 *         0 .. class_count-1 as a double), owned by the table; NULL when target_count
 *         is 0 or t is NULL. @since 1.1 */
NNACT_API const double *nnact_table_targets(const nnact_table *t);

/** @brief Header name of feature column j (as in the file, blanks around it removed);
 *         NULL without a header or with j out of range. Owned by the table. @since 1.1 */
NNACT_API const char *nnact_table_feature_name(const nnact_table *t, size_t j);

/** @brief Header name of target column j; NULL without a header or out of range. @since 1.1 */
NNACT_API const char *nnact_table_target_name(const nnact_table *t, size_t j);

/** @brief Classification: the number of distinct labels; 0 for regression or NULL. @since 1.1 */
NNACT_API size_t nnact_table_class_count(const nnact_table *t);

/** @brief Label text of class i as in the file (blanks around it removed); NULL out of
 *         range. Owned by the table. @since 1.1 */
NNACT_API const char *nnact_table_class_name(const nnact_table *t, size_t i);

/** @brief The physical line (1-based, as an editor counts) that row came from; 0 for
 *         NULL or a row out of range. @since 1.1 */
NNACT_API uint64_t nnact_table_line(const nnact_table *t, size_t row);

/**
 * @brief A new table of the rows rows[0 .. n-1] of t, in that order (a row may
 *        repeat), with t's names, classes (all of them, same indices) and lines.
 * @param n at least 1. @param rows n indices below nnact_table_rows(t).
 * @param out receives the table; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL t, rows or out; n 0; a row out of range,
 *         named in the detail); NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_table_subset(const nnact_table *t, size_t n, const size_t *rows,
                                          nnact_table **out);

NNACT_END_DECLS

#endif /* NNACT_DATA_H */
