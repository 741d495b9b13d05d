/* nnact-bench framework: timing, limits measured in the same run, and the
 * table/JSON report. Each suite lives in its own suite_*.c. */
#ifndef NNACT_BENCH_H
#define NNACT_BENCH_H

#include <stddef.h>
#include <stdio.h>

struct bench_opts {
    int quick;   /* smaller sizes, fewer repetitions */
    int threads; /* BLAS threads for the run */
    int repeat;  /* timed repetitions per case (median reported) */
    FILE *json;  /* NULL: no JSON records */
    int json_records; /* records written so far (for the separators) */
};

/* One timed case, as printed and as written to JSON. */
struct bench_record {
    const char *suite;
    char name[64];   /* case, e.g. "sigmoid/forward" */
    char shape[64];  /* e.g. "n=10000000" or "784-1024-1024-10" */
    size_t batch;
    double median, min, max; /* seconds per call */
    double work;             /* flops or bytes per call (0: not a throughput case) */
    const char *work_unit;   /* "GFLOP/s" or "GB/s" */
    const char *limit;       /* what the case is compared with, e.g. "copy bandwidth" */
    double limit_median;     /* the limit's seconds for the same work */
    /* ratio printed = median / limit_median (>1: slower than the limit) */
};

typedef void (*bench_fn)(void *ctx);

double bench_now(void);
/* Runs fn once to warm up, then `reps` timed calls in blocks long enough to
 * measure; fills median/min/max (seconds per call). */
void bench_time(bench_fn fn, void *ctx, int reps, double *median, double *min, double *max);
/* Seconds to copy `bytes` bytes (memcpy of a buffer that does not fit in cache
 * when bytes is large): the bandwidth limit for element-wise passes. */
double bench_copy_seconds(const struct bench_opts *o, size_t bytes);
void bench_report(struct bench_opts *o, const struct bench_record *r);
void bench_header(const char *suite);

int bench_suite_limits(struct bench_opts *o);
int bench_suite_act(struct bench_opts *o);

#endif /* NNACT_BENCH_H */
