/* nnact train, split by job: options and flow (cmd_train.c), the data
 * (train_data.c), the network and the fit (train_fit.c). */
#ifndef NNACT_CLI_TRAIN_H
#define NNACT_CLI_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "cli/table.h"
#include "nnact/nnact.h"

/* Everything the command line says, defaults filled in. */
struct train_opts {
    const char *data, *hidden, *save_path, *ckpt_path, *resume_path;
    const char *model_opt; /* the last option that --resume refuses, if any */
    const char *targets;   /* --target: column names or numbers; NULL: the last --outputs */
    const char *test_path; /* --test FILE */
    size_t n_out_file, epochs, batch, patience;
    double lr, val, test_fraction; /* lr NAN: the default; test_fraction 0: none */
    uint64_t seed;
    int seed_given, loss_given, standardize;
    int task;                                 /* -1: not given (regression), else an nnact_task */
    int act, out_act, loss, opt, sched, init; /* kinds of each family */
    struct cli_read_settings read;            /* --header, --max-rows */
};

/* The rows to train on and the held-out rows to score, with their names. */
struct data {
    size_t n, n_in, n_out;
    double *x, *t;
    size_t n_test;           /* held-out rows (--test or --test-fraction), 0: none */
    double *x_test, *t_test; /* n_test rows of x and t */
    size_t classes;          /* classification: class count, outputs = classes */
    const char **class_names;
    const char **feature_names; /* the file's feature columns' names (NULL each: no header) */
    const char **target_names;  /* n_out names of the target columns; NULL: no header */
    nnact_table *table;         /* the training file's table (names), NULL for a built-in set */
    int from_file;              /* not a built-in set */
};

/* The model being trained: network, optimizer, where the run starts. */
struct model {
    nnact_net *net;
    nnact_opt *opt;
    size_t start; /* epochs already done */
    uint64_t seed;
    int resumed; /* pos holds the checkpoint's position */
    nnact_checkpoint_position pos;
};

extern const char cli_train_cmd[]; /* "train" */

/* train_data.c: a built-in set or the file of --data, split per the options. */
int train_load_data(const struct train_opts *o, struct data *d);
void train_free_data(struct data *d);
/* Standardization (on the training rows) and the names, on a new network. */
int train_prepare_net(const struct train_opts *o, const struct data *d, nnact_net *net);

/* train_fit.c */
int train_new_model(const struct train_opts *o, const struct data *d, struct model *m);
int train_resume_model(const struct train_opts *o, const struct data *d, struct model *m);
void train_free_model(struct model *m);
/* Schedule, fit, report and (last) save. */
int train_run(const struct train_opts *o, const struct data *d, struct model *m);

#endif /* NNACT_CLI_TRAIN_H */
