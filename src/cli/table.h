/* Tables and scores shared by nnact train, eval and predict: reading a user's
 * file through the library's reader, matching its columns to a model's,
 * mapping its class labels to the model's classes, and printing the metrics.
 * Every failure prints one line "nnact CMD: ..." on stderr and returns
 * CLI_FAILED; nothing here writes a file. */
#ifndef NNACT_CLI_TABLE_H
#define NNACT_CLI_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nnact/nnact.h"

/* How a command reads its table: header is an NNACT_READ_HEADER value (0
 * detect, 1 yes, 2 no: --header auto|yes|no), max_rows the limit on data rows
 * (--max-rows), which also bounds a pipe or FIFO that never ends. */
#define CLI_MAX_ROWS_DEFAULT 10000000
struct cli_read_settings {
    int header;
    int64_t max_rows;
};
#define CLI_READ_DEFAULTS                                                                          \
    {                                                                                              \
        0, CLI_MAX_ROWS_DEFAULT                                                                    \
    }

/* --header's value (case-insensitive auto, yes, no) as an NNACT_READ_HEADER
 * value in *header; CLI_OK, or a usage error (exit 2) naming the valid values. */
int cli_parse_header(const char *cmd, const char *value, int *header);
/* --max-rows's value: a whole number >= 1; CLI_OK or a usage error. */
int cli_parse_max_rows(const char *cmd, const char *value, int64_t *rows);

/* Reads path ("-": standard input, a pipe too) with the header detected,
 * '#' comment lines skipped when comments, `targets` (NULL: none) as the
 * target columns, classify: one column of class labels in first-seen order.
 * More than CLI_MAX_ROWS_DEFAULT data rows is an error naming --max-rows. */
int cli_table_read(const char *cmd, const char *path, const char *targets, int classify,
                   int comments, nnact_table **out);
/* The same with the header rule and row limit of s. */
int cli_table_read_with(const char *cmd, const char *path, const char *targets, int classify,
                        int comments, const struct cli_read_settings *s, nnact_table **out);

/* The rows to predict on: path ("-": standard input) read with `targets`
 * (the user's --target, a must) set aside, or when NULL the model's target
 * columns when the file has them, as plain features when it has not. */
int cli_table_read_inputs(const char *cmd, const char *path, const nnact_net *net,
                          const char *targets, const struct cli_read_settings *s,
                          nnact_table **out);

/* s with bytes < 0x20 and 0x7f written as \xHH (a label from a user's file
 * never moves the cursor or sends a terminal escape); other bytes as they
 * are. Returns the number of bytes written. */
size_t cli_print_label(FILE *out, const char *s);

/* nnact_net_load with a one-line error. */
int cli_model_load(const char *cmd, const char *path, nnact_net **net);

/* Maps the class indices of t (its own first-seen order) to the indices of
 * names[0..count-1] in labels (t's rows); a label not among the names is an
 * error naming path:line. */
int cli_table_map_labels(const char *cmd, const char *path, const nnact_table *t, size_t count,
                         const char *const *names, double *labels);

/* The rows of t's features in the order of the model's inputs (malloc'd, rows
 * x n_inputs): by name when the model and the file both name them, else by
 * position (the counts must match). */
int cli_table_features_for(const char *cmd, const char *path, const nnact_net *net,
                           const nnact_table *t, double **x);

/* The model's feature and target names (kept in the model file): features
 * NULL (no header) or n_inputs names; k target names (k 0: none); read back
 * below (0 / NULL when the model has none). */
int cli_model_set_names(const char *cmd, nnact_net *net, const char *const *features, size_t k,
                        const char *const *targets);
size_t cli_model_target_count(const nnact_net *net);
const char *cli_model_target_name(const nnact_net *net, size_t i);
/* The model's target names joined with ',' for nnact_read_options_set_targets
 * (static buffer), or NULL when it has none. */
const char *cli_model_targets(const nnact_net *net);

/* "accuracy 0.966667 (29 of 30 rows), log-loss 0.0712" and a confusion matrix
 * of at most 80 columns (rows: true class, columns: predicted, labelled by
 * index; long names cut). 0 when the metrics call fails. */
int cli_print_classify(FILE *out, const char *title, size_t rows, size_t classes,
                       const double *logits, const double *labels, const char *const *names);
/* "R2 y1 0.95, y2 0.91, mean 0.93, MSE ..., MAE ..."; names NULL: y1, y2, ... */
int cli_print_regress(FILE *out, const char *title, size_t rows, size_t outputs, const double *y,
                      const double *t, const char *const *names);

#endif /* NNACT_CLI_TABLE_H */
