/* Timing and reporting shared by every suite. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_time(bench_fn fn, void *ctx, int reps, double *median, double *min, double *max)
{
    if (reps < 1)
        reps = 1;
    /* Calibrate: each sample repeats the call enough times to last >= 1 ms,
     * so clock resolution never dominates tiny cases. */
    double t0 = bench_now();
    fn(ctx);
    double once = bench_now() - t0;
    size_t inner = once >= 1e-3 ? 1 : (size_t)(1e-3 / (once > 1e-9 ? once : 1e-9)) + 1;
    double *s = malloc((size_t)reps * sizeof *s);
    if (s == NULL) {
        *median = *min = *max = once;
        return;
    }
    for (int r = 0; r < reps; r++) {
        double start = bench_now();
        for (size_t i = 0; i < inner; i++)
            fn(ctx);
        s[r] = (bench_now() - start) / (double)inner;
    }
    qsort(s, (size_t)reps, sizeof *s, cmp_double);
    *min = s[0];
    *max = s[reps - 1];
    *median = reps % 2 ? s[reps / 2] : 0.5 * (s[reps / 2 - 1] + s[reps / 2]);
    free(s);
}

struct copy_ctx {
    double *src, *dst;
    size_t n;
};

static void copy_once(void *p)
{
    struct copy_ctx *c = p;
    memcpy(c->dst, c->src, c->n * sizeof(double));
}

double bench_copy_seconds(const struct bench_opts *o, size_t bytes)
{
    struct copy_ctx c = {NULL, NULL, bytes / sizeof(double)};
    c.src = malloc(c.n * sizeof(double));
    c.dst = malloc(c.n * sizeof(double));
    if (c.src == NULL || c.dst == NULL) {
        free(c.src);
        free(c.dst);
        return 0.0;
    }
    for (size_t i = 0; i < c.n; i++)
        c.src[i] = (double)i, c.dst[i] = 0.0;
    double med, mn, mx;
    bench_time(copy_once, &c, o->repeat, &med, &mn, &mx);
    free(c.src);
    free(c.dst);
    return med;
}

void bench_header(const char *suite)
{
    printf("\n== %s ==\n%-28s %-22s %6s %11s %11s %10s  %s\n", suite, "case", "shape", "batch",
           "median", "rate", "ratio", "limit");
}

void bench_report(struct bench_opts *o, const struct bench_record *r)
{
    double rate = r->work > 0 && r->median > 0 ? r->work / r->median * 1e-9 : 0.0;
    double ratio = r->limit_median > 0 ? r->median / r->limit_median : 0.0;
    char rate_s[32] = "-", ratio_s[32] = "-";
    if (rate > 0)
        snprintf(rate_s, sizeof rate_s, "%.2f %s", rate, r->work_unit ? r->work_unit : "");
    if (ratio > 0)
        snprintf(ratio_s, sizeof ratio_s, "%.3f", ratio);
    printf("%-28s %-22s %6zu %9.3g s %11s %10s  %s\n", r->name, r->shape, r->batch, r->median,
           rate_s, ratio_s, r->limit ? r->limit : "-");
    if (o->json != NULL) {
        fprintf(o->json,
                "%s\n  {\"suite\": \"%s\", \"case\": \"%s\", \"shape\": \"%s\", \"batch\": %zu, "
                "\"threads\": %d, \"repetitions\": %d, \"median_s\": %.9g, \"min_s\": %.9g, "
                "\"max_s\": %.9g, \"rate\": %.6g, \"rate_unit\": \"%s\", \"limit\": \"%s\", "
                "\"limit_s\": %.9g, \"ratio\": %.6g}",
                o->json_records ? "," : "", r->suite, r->name, r->shape, r->batch, o->threads,
                o->repeat, r->median, r->min, r->max, rate, r->work_unit ? r->work_unit : "",
                r->limit ? r->limit : "", r->limit_median, ratio);
        o->json_records++;
    }
}
