/* nnact-bench framework: timing, limits measured in the same run, and the
 * table/JSON report. Each suite lives in its own suite_*.c and is listed in
 * the table in main.c. */
#ifndef NNACT_BENCH_H
#define NNACT_BENCH_H

#include <stddef.h>
#include <stdio.h>

#define BENCH_MAX_SPECS 8

struct bench_record;

struct bench_opts {
    int quick;        /* smaller sizes, fewer repetitions */
    int threads;      /* BLAS threads for the run */
    int repeat;       /* timed repetitions per case (median reported) */
    FILE *json;       /* NULL: no JSON records */
    int json_records; /* records written so far (for the separators) */
    /* Added with the full suites (issue 7); older suites may ignore them. */
    const char *case_glob; /* --case: fnmatch pattern on "suite/case" or "case"; NULL = all */
    int dry;               /* 1: validation pass, nothing is timed or printed */
    const char *specs[BENCH_MAX_SPECS]; /* --net SPEC given on the command line */
    int n_specs;
    size_t spec_batch;     /* --batch for those specs */
    const char *plot_dir;  /* --plot DIR, NULL = no charts */
    const char *peers_dir; /* where peer_*.py live */
    const char *python;    /* interpreter for the peers */
};

/* One timed case, as printed and as written to JSON. */
struct bench_record {
    const char *suite;
    char name[64];  /* case, e.g. "sigmoid/forward" */
    char shape[64]; /* e.g. "n=10000000" or "784-1024-1024-10" */
    size_t batch;
    double median, min, max; /* seconds per call */
    double work;             /* flops or bytes per call (0: not a throughput case) */
    const char *work_unit;   /* "GFLOP/s" or "GB/s" */
    const char *limit;       /* what the case is compared with, e.g. "copy bandwidth" */
    double limit_median;     /* the limit's seconds for the same work */
    /* ratio printed = median / limit_median (>1: slower than the limit) */
    int threads;      /* BLAS threads of this case; 0 = the run's (opts.threads) */
    const char *note; /* extra text for the table/JSON ("peak RSS ...", "MISSING"); may be NULL */
    double extra;     /* suite-specific number kept in JSON as "extra" */
    double mem_peak, mem_formula; /* memory cases: bytes; ratio = peak / formula */
    double paired_ratio;          /* > 0: the ratio, as the median of paired samples
                                     (bench_time_interleaved), printed instead of
                                     median / limit_median */
    int json_only; /* 1: a JSON record without a table row (e.g. a peer that is not installed,
                      said once above the table instead of on every row) */
};

typedef void (*bench_fn)(void *ctx);

double bench_now(void);
/* Runs fn once to warm up, then `reps` timed calls in blocks long enough to
 * measure; fills median/min/max (seconds per call). Does nothing in a dry pass. */
void bench_time(bench_fn fn, void *ctx, int reps, double *median, double *min, double *max);
/* Times k functions interleaved: each repetition takes one sample of every
 * function in turn, so a change of machine load falls on all of them alike.
 * Fills med/min/max per function, and ratio[i] = the median over repetitions
 * of (sample of fn i / sample of fn 0 in the same repetition). k <= 8. */
void bench_time_interleaved(size_t k, const bench_fn *fns, void *const *ctxs, int reps, double *med,
                            double *min, double *max, double *ratio);
/* Seconds to copy `bytes` bytes (memcpy of a buffer that does not fit in cache
 * when bytes is large): the bandwidth limit for element-wise passes. */
double bench_copy_seconds(const struct bench_opts *o, size_t bytes);
void bench_report(struct bench_opts *o, const struct bench_record *r);
void bench_header(const char *suite);
/* main() calls this once with the options the suites will get (the dry flag
 * silences bench_header and bench_copy_seconds in the validation pass). */
void bench_init(struct bench_opts *o);

/* 1 when the case "suite/name" is selected by --case (always when no --case);
 * counts the match. In the validation pass it returns 0 after counting, so a
 * suite that asks before doing any work costs nothing there. */
int bench_want(struct bench_opts *o, const char *suite, const char *name);
/* 1 when "suite/name" matches --case (or there is none); counts nothing. */
int bench_match(const struct bench_opts *o, const char *suite, const char *name);
/* Prints a failed check ("suite/case: what") and counts it. */
void bench_fail(struct bench_opts *o, const char *suite, const char *name, const char *what);
/* Sets the BLAS threads for the next cases (suites that compare 1 and 2 threads). */
void bench_set_threads(int n);
/* Deterministic uniform numbers in [lo, hi) for inputs and weights. */
void bench_fill(double *v, size_t n, double lo, double hi, unsigned long long seed);
/* Aligned allocation (64 bytes), zeroed; free with free(). NULL on failure. */
double *bench_alloc(size_t n);

/* What the run collected. Kept in bench.c, not in bench_opts, so a suite may
 * work on a copy of its options. */
size_t bench_matched(void); /* cases selected so far (bench_want, or records
                               matching --case in the validation pass) */
void bench_matched_reset(void);
int bench_failures(void);  /* failed checks so far */
size_t bench_n_kept(void); /* every reported record, for charts and summary */
const struct bench_record *bench_kept(void);
void bench_kept_free(void);

/* The suites. */
int bench_suite_limits(struct bench_opts *o);
int bench_suite_act(struct bench_opts *o);
int bench_suite_dense(struct bench_opts *o);
int bench_suite_train(struct bench_opts *o);
int bench_suite_small(struct bench_opts *o);
int bench_suite_collapse(struct bench_opts *o);
int bench_suite_peers(struct bench_opts *o);
int bench_suite_data(struct bench_opts *o);
int bench_suite_mpi(struct bench_opts *o);

/* The targets of issue 7 against the kept records (summary.c). */
void bench_summary(const struct bench_opts *o);
/* Charts of the kept records (plot.c): 0 on success. */
int bench_plot(const struct bench_opts *o);

#endif /* NNACT_BENCH_H */
