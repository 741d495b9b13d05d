/* The machine's own limits, measured in this run: copy bandwidth and bare dgemm. */
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

int bench_suite_limits(struct bench_opts *o)
{
    bench_header("limits");
    size_t n_copy = o->quick ? 2000000 : 10000000;
    struct bench_record r = {.suite = "limits", .batch = 1, .work_unit = "GB/s"};
    snprintf(r.name, sizeof r.name, "copy (memcpy)");
    snprintf(r.shape, sizeof r.shape, "n=%zu", n_copy);
    r.median = r.min = r.max = bench_copy_seconds(o, n_copy * sizeof(double));
    r.work = 2.0 * (double)(n_copy * sizeof(double)); /* read + write */
    bench_report(o, &r);

    int n = o->quick ? 512 : 1024;
    struct gemm_ctx g = {n, malloc(sizeof(double) * (size_t)n * (size_t)n),
                         malloc(sizeof(double) * (size_t)n * (size_t)n),
                         malloc(sizeof(double) * (size_t)n * (size_t)n)};
    if (g.a == NULL || g.b == NULL || g.c == NULL) {
        free(g.a), free(g.b), free(g.c);
        fprintf(stderr, "nnact-bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++)
        g.a[i] = 1.0 / (double)(i % 7 + 1), g.b[i] = (double)(i % 5), g.c[i] = 0.0;
    struct bench_record d = {.suite = "limits", .batch = (size_t)n, .work_unit = "GFLOP/s"};
    snprintf(d.name, sizeof d.name, "dgemm (square)");
    snprintf(d.shape, sizeof d.shape, "%dx%dx%d", n, n, n);
    bench_time(gemm_once, &g, o->repeat, &d.median, &d.min, &d.max);
    d.work = 2.0 * n * (double)n * n;
    bench_report(o, &d);
    free(g.a), free(g.b), free(g.c);
    return 0;
}
