/* limits: the machine's own limits, measured in this run: copy bandwidth and
 * bare dgemm on a square product. (Each suite also measures the exact
 * products of its own cases.) */
#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>

#include "bench.h"

struct gemm_ctx {
    int n;
    double *a, *b, *c;
};

static void gemm_once(void *p)
{
    struct gemm_ctx *g = p;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->n, g->n, g->n, 1.0, g->a, g->n, g->b,
                g->n, 0.0, g->c, g->n);
}

static void square_gemm(struct bench_opts *o, int threads)
{
    int n = o->quick ? 512 : 1024;
    char name[64];
    snprintf(name, sizeof name, "dgemm/square/t%d", threads);
    if (!bench_want(o, "limits", name)) return;
    bench_set_threads(threads);
    size_t nn = (size_t)n * (size_t)n;
    struct gemm_ctx g = {n, bench_alloc(nn), bench_alloc(nn), bench_alloc(nn)};
    if (g.a == NULL || g.b == NULL || g.c == NULL) {
        bench_fail(o, "limits", name, "out of memory");
    } else {
        bench_fill(g.a, nn, -1.0, 1.0, 1);
        bench_fill(g.b, nn, -1.0, 1.0, 2);
        /* check once: one entry against a plain dot product */
        gemm_once(&g);
        double dot = 0.0;
        for (int k = 0; k < n; k++)
            dot += g.a[(size_t)3 * n + k] * g.b[(size_t)k * n + 5];
        double got = g.c[(size_t)3 * n + 5];
        if (!(got - dot < 1e-9 && dot - got < 1e-9)) {
            bench_fail(o, "limits", name, "dgemm entry differs from a dot product");
        } else {
            struct bench_record d = {.suite = "limits",
                                     .batch = (size_t)n,
                                     .threads = threads,
                                     .work_unit = "GFLOP/s",
                                     .limit = "-"};
            snprintf(d.name, sizeof d.name, "%s", name);
            snprintf(d.shape, sizeof d.shape, "%dx%dx%d", n, n, n);
            bench_time(gemm_once, &g, o->repeat, &d.median, &d.min, &d.max);
            d.work = 2.0 * n * (double)n * n;
            bench_report(o, &d);
        }
    }
    free(g.a), free(g.b), free(g.c);
    bench_set_threads(o->threads);
}

int bench_suite_limits(struct bench_opts *o)
{
    bench_header("limits");
    size_t n_copy = o->quick ? 4000000 : 16000000;
    if (bench_want(o, "limits", "copy")) {
        struct bench_record r = {.suite = "limits", .batch = 1, .work_unit = "GB/s", .limit = "-"};
        snprintf(r.name, sizeof r.name, "copy");
        snprintf(r.shape, sizeof r.shape, "n=%zu", n_copy);
        r.median = r.min = r.max = bench_copy_seconds(o, n_copy * sizeof(double));
        r.work = 2.0 * (double)(n_copy * sizeof(double)); /* read + write */
        r.note = "memcpy of 8n bytes; rate counts read+write";
        bench_report(o, &r);
    }
    square_gemm(o, o->threads);
    if (o->threads > 1) square_gemm(o, 1);
    return 0;
}
