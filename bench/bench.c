/* Timing and reporting shared by every suite. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli/random.h"
#include "nnact/runtime.h"

static struct bench_opts *g_opts;
static size_t g_matched;
static int g_failures;
static struct bench_record *g_kept;
static size_t g_n_kept, g_cap_kept;
/* Suites that select their own cases with bench_want(); the records of any
 * other suite are filtered by --case in bench_report(). */
static const char *g_self_filtering[16];
static size_t g_n_self_filtering;

size_t bench_matched(void)
{
    return g_matched;
}

void bench_matched_reset(void)
{
    g_matched = 0;
}

int bench_failures(void)
{
    return g_failures;
}

size_t bench_n_kept(void)
{
    return g_n_kept;
}

const struct bench_record *bench_kept(void)
{
    return g_kept;
}

void bench_kept_free(void)
{
    free(g_kept);
    g_kept = NULL;
    g_n_kept = g_cap_kept = 0;
}

static int self_filtering(const char *suite)
{
    for (size_t i = 0; i < g_n_self_filtering; i++)
        if (strcmp(g_self_filtering[i], suite) == 0) return 1;
    return 0;
}

void bench_init(struct bench_opts *o)
{
    g_opts = o;
}

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
    *median = *min = *max = 0.0;
    if (g_opts != NULL && g_opts->dry) return;
    if (reps < 1) reps = 1;
    /* Calibrate: each sample repeats the call enough times to last >= 1 ms,
     * so clock resolution never dominates tiny cases. The first call also
     * warms caches and lets lazily sized scratch reach its steady state. */
    double t0 = bench_now();
    fn(ctx);
    double once = bench_now() - t0;
    t0 = bench_now();
    fn(ctx);
    double twice = bench_now() - t0;
    if (twice < once) once = twice;
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

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void bench_time_interleaved(size_t k, const bench_fn *fns, void *const *ctxs, int reps, double *med,
                            double *min, double *max, double *ratio)
{
    enum { KMAX = 8 };
    for (size_t i = 0; i < k; i++)
        med[i] = min[i] = max[i] = ratio[i] = 0.0;
    if ((g_opts != NULL && g_opts->dry) || k == 0 || k > KMAX) return;
    if (reps < 1) reps = 1;
    size_t inner[KMAX];
    for (size_t i = 0; i < k; i++) { /* warm up and calibrate, as bench_time */
        double t0 = bench_now();
        fns[i](ctxs[i]);
        double once = bench_now() - t0;
        t0 = bench_now();
        fns[i](ctxs[i]);
        double twice = bench_now() - t0;
        once = twice < once ? twice : once;
        inner[i] = once >= 1e-3 ? 1 : (size_t)(1e-3 / (once > 1e-9 ? once : 1e-9)) + 1;
    }
    double *s = malloc((size_t)reps * k * sizeof *s), *q = malloc((size_t)reps * sizeof *q);
    if (s == NULL || q == NULL) {
        free(s), free(q);
        return;
    }
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < k; i++) {
            double start = bench_now();
            for (size_t j = 0; j < inner[i]; j++)
                fns[i](ctxs[i]);
            s[i * (size_t)reps + (size_t)r] = (bench_now() - start) / (double)inner[i];
        }
    for (size_t i = 0; i < k; i++) {
        double *si = s + i * (size_t)reps;
        for (int r = 0; r < reps; r++)
            q[r] = si[r] / s[r]; /* s[r]: fn 0's sample of the same repetition */
        ratio[i] = median_of(q, reps);
        med[i] = median_of(si, reps);
        min[i] = si[0];
        max[i] = si[reps - 1];
    }
    free(s), free(q);
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
    if (o->dry) return 1.0;
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
    if (g_opts != NULL && g_opts->dry) return;
    printf("\n== %s ==  (ratio = case median / limit median: 1.00 = at the limit, >1 slower)\n"
           "%-30s %-20s %6s %3s %11s %15s %8s  %s\n",
           suite, "case", "shape", "batch", "thr", "median", "rate", "ratio", "limit");
    fflush(stdout);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s != NULL && *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if ((unsigned char)*s >= 0x20) fputc(*s, f);
    }
    fputc('"', f);
}

static void keep(const struct bench_record *r)
{
    if (g_n_kept == g_cap_kept) {
        size_t cap = g_cap_kept ? 2 * g_cap_kept : 64;
        struct bench_record *k = realloc(g_kept, cap * sizeof *k);
        if (k == NULL) return; /* charts lose a point; the table and JSON still have it */
        g_kept = k;
        g_cap_kept = cap;
    }
    g_kept[g_n_kept++] = *r;
}

void bench_report(struct bench_opts *o, const struct bench_record *r)
{
    int filtered = !self_filtering(r->suite);
    if (o->dry) {
        if (filtered && bench_match(o, r->suite, r->name)) g_matched++;
        return;
    }
    if (filtered && !bench_match(o, r->suite, r->name)) return;
    int threads = r->threads > 0 ? r->threads : o->threads;
    double rate = r->work > 0 && r->median > 0 ? r->work / r->median * 1e-9 : 0.0;
    double ratio = r->limit_median > 0 && r->median > 0 ? r->median / r->limit_median : 0.0;
    if (r->mem_formula > 0)
        ratio = r->mem_peak / r->mem_formula;
    else if (r->paired_ratio > 0)
        ratio = r->paired_ratio;
    char rate_s[32] = "-", ratio_s[32] = "-", med_s[32] = "-";
    if (rate > 0)
        snprintf(rate_s, sizeof rate_s, "%.2f %s", rate, r->work_unit ? r->work_unit : "");
    if (ratio > 0) snprintf(ratio_s, sizeof ratio_s, "%.3f", ratio);
    if (r->median > 0) {
        if (r->median < 1e-3)
            snprintf(med_s, sizeof med_s, "%.3g us", r->median * 1e6);
        else if (r->median < 1.0)
            snprintf(med_s, sizeof med_s, "%.4g ms", r->median * 1e3);
        else
            snprintf(med_s, sizeof med_s, "%.4g s", r->median);
    }
    if (!r->json_only)
        printf("%-30s %-20s %6zu %3d %11s %15s %8s  %s%s%s\n", r->name, r->shape, r->batch,
               threads, med_s, rate_s, ratio_s, r->limit ? r->limit : "-", r->note ? "; " : "",
               r->note ? r->note : "");
    fflush(stdout);
    if (o->json != NULL) {
        fprintf(o->json, "%s\n  {\"suite\": ", o->json_records ? "," : "");
        json_string(o->json, r->suite);
        fprintf(o->json, ", \"case\": ");
        json_string(o->json, r->name);
        fprintf(o->json, ", \"shape\": ");
        json_string(o->json, r->shape);
        fprintf(o->json,
                ", \"batch\": %zu, \"threads\": %d, \"repetitions\": %d, \"median_s\": %.9g, "
                "\"min_s\": %.9g, \"max_s\": %.9g, \"rate\": %.6g, \"rate_unit\": ",
                r->batch, threads, o->repeat, r->median, r->min, r->max, rate);
        json_string(o->json, rate > 0 && r->work_unit ? r->work_unit : "");
        fprintf(o->json, ", \"limit\": ");
        json_string(o->json, r->limit ? r->limit : "");
        fprintf(o->json, ", \"limit_s\": %.9g, \"ratio\": %.6g, \"note\": ", r->limit_median,
                ratio);
        json_string(o->json, r->note ? r->note : "");
        fprintf(o->json, ", \"extra\": %.9g", r->extra);
        if (r->mem_formula > 0)
            fprintf(o->json, ", \"peak_rss_bytes\": %.0f, \"formula_bytes\": %.0f", r->mem_peak,
                    r->mem_formula);
        fprintf(o->json, "}");
        o->json_records++;
    }
    struct bench_record k = *r;
    k.threads = threads;
    k.note = NULL; /* may point at the caller's stack */
    keep(&k);
}

int bench_match(const struct bench_opts *o, const char *suite, const char *name)
{
    if (o->case_glob == NULL) return 1;
    char full[160];
    snprintf(full, sizeof full, "%s/%s", suite, name);
    return fnmatch(o->case_glob, full, 0) == 0 || fnmatch(o->case_glob, name, 0) == 0;
}

int bench_want(struct bench_opts *o, const char *suite, const char *name)
{
    if (!self_filtering(suite) && g_n_self_filtering < 16)
        g_self_filtering[g_n_self_filtering++] = suite;
    int ok = bench_match(o, suite, name);
    if (ok) g_matched++;
    return ok && !o->dry;
}

void bench_fail(struct bench_opts *o, const char *suite, const char *name, const char *what)
{
    printf("%-30s CHECK FAILED: %s/%s: %s\n", name, suite, name, what);
    fprintf(stderr, "nnact-bench: check failed: %s/%s: %s\n", suite, name, what);
    (void)o;
    g_failures++;
}

void bench_set_threads(int n)
{
    (void)nnact_blas_set_threads(n);
}

void bench_fill(double *v, size_t n, double lo, double hi, unsigned long long seed)
{
    /* the library's reproducible PRNG: the same data on every machine */
    (void)cli_fill_uniform(seed, 0, lo, hi, n, v);
}

double *bench_alloc(size_t n)
{
    if (n == 0) n = 1;
    if (n > ((size_t)-1) / sizeof(double) - 64) return NULL;
    size_t bytes = ((n * sizeof(double) + 63) / 64) * 64;
    double *p = aligned_alloc(64, bytes);
    if (p != NULL) memset(p, 0, bytes);
    return p;
}
