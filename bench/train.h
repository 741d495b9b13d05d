/* A train-step case shared by the train, small and peers suites: one network,
 * batch and optimizer, run by libnnact, by the plain-C floor, and as bare
 * products. */
#ifndef NNACT_BENCH_TRAIN_H
#define NNACT_BENCH_TRAIN_H

#include "bench.h"
#include "netspec.h"
#include "ref.h"

struct nnact_net;
struct nnact_opt;

struct train_case {
    struct netspec spec;
    size_t batch;
    int opt; /* REF_SGD or REF_ADAM */
    double lr;
    double *x, *t;                                     /* batch x n_in, batch x n_out */
    double *W0[SPEC_MAX_LAYERS], *b0[SPEC_MAX_LAYERS]; /* the starting parameters */
    int have_floor; /* the floor implements every activation of the spec */
    struct ref_net floor, prod;
    struct nnact_net *net;
    struct nnact_opt *o;
    int no_check; /* 1: the optimizer's CHECK_FINITE off (to time what the check costs) */
    int status;   /* first non-OK status seen in a timed call */
    double loss;
};

/* 0, or -1 (out of memory, or libnnact refused the network: reason printed). */
int train_case_setup(struct train_case *c, const struct netspec *s, size_t batch, int opt);
void train_case_free(struct train_case *c);
/* Restores the starting parameters and a fresh optimizer state. */
int train_case_reset(struct train_case *c);
/* Checks one libnnact step against one floor step from the same parameters;
 * 0 when they agree, else -1 with the reason in why. */
int train_case_check(struct train_case *c, char *why, size_t len);
/* Times: bare products, floor step, libnnact step (median seconds). */
double train_time_products(struct train_case *c, int reps);
double train_time_floor(struct train_case *c, int reps);
void train_time_lib(struct train_case *c, int reps, double *median, double *min, double *max,
                    size_t *allocs);
/* The three interleaved (bench_time_interleaved): index 0 the bare
 * products, 1 libnnact, 2 the floor (when c->have_floor). ratio[i] is
 * against the products. allocs: library allocations during the timing. */
void train_time_all(struct train_case *c, int reps, double med[3], double min[3], double max[3],
                    double ratio[3], size_t *allocs);
/* An SGD and an Adam case of the same network, interleaved: med[0] the SGD
 * step, med[1] the Adam step, med[2] the SGD case's bare products; ratio[1]
 * is Adam / SGD and ratio[2] products / SGD, each the median of paired
 * samples. allocs: library allocations during the timing. */
void train_time_sgd_adam(struct train_case *sgd, struct train_case *adam, int reps, double med[3],
                         double ratio[3], size_t *allocs);
const char *train_opt_name(int opt);

#endif
