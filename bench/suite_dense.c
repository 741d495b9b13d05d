/* dense: one layer (Y = relu(X W + b)) forward and backward (dW, db, dX) over
 * a grid of batch and width, against the bare dgemm of its three products. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/alloc.h"
#include "nnact/nnact.h"
#include "bench.h"

struct dense_ctx {
    size_t batch, w;
    double *x, *W, *b, *y, *dy, *dx, *dW, *db;
    nnact_net *net;
    int status;
};

static void run_lib(void *p)
{
    struct dense_ctx *c = p;
    nnact_status st = nnact_net_forward(c->net, c->batch, c->x, c->y);
    if (st == NNACT_OK) st = nnact_net_backward(c->net, c->dy, c->dx);
    if (st != NNACT_OK && c->status == NNACT_OK) c->status = st;
}

/* The three products of a layer's forward+backward, nothing else. */
static void run_products(void *p)
{
    struct dense_ctx *c = p;
    int b = (int)c->batch, w = (int)c->w;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, w, w, 1.0, c->x, w, c->W, w, 0.0,
                c->y, w);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, w, w, b, 1.0, c->x, w, c->dy, w, 0.0,
                c->dW, w);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, w, w, 1.0, c->dy, w, c->W, w, 0.0,
                c->dx, w);
}

/* Checks libnnact's y, dW, db and dx against the products computed here. */
static int check(struct dense_ctx *c, char *why, size_t len)
{
    size_t b = c->batch, w = c->w;
    run_lib(c);
    if (c->status != NNACT_OK) {
        snprintf(why, len, "forward/backward: %s", nnact_last_error());
        return -1;
    }
    double *y = bench_alloc(b * w), *dW = bench_alloc(w * w), *db = bench_alloc(w),
           *dx = bench_alloc(b * w), *dz = bench_alloc(b * w);
    int rc = -1;
    if (!y || !dW || !db || !dx || !dz || nnact_net_get_grad(c->net, 0, dW, db) != NNACT_OK) {
        snprintf(why, len, "cannot read the gradients back");
        goto out;
    }
    memcpy(dx, c->dx, b * w * sizeof(double)); /* c->dx becomes the reference below */
    /* reference: z = x W + b; y = relu(z); dz = dy where z > 0 */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)w, (int)w, 1.0, c->x,
                (int)w, c->W, (int)w, 0.0, y, (int)w);
    double e = 0.0, s = 1e-300;
    for (size_t i = 0; i < b; i++)
        for (size_t j = 0; j < w; j++) {
            double z = y[i * w + j] + c->b[j];
            y[i * w + j] = z > 0 ? z : 0.0;
            dz[i * w + j] = z > 0 ? c->dy[i * w + j] : 0.0;
            e = fmax(e, fabs(y[i * w + j] - c->y[i * w + j]));
            s = fmax(s, fabs(y[i * w + j]));
        }
    double ey = e / s;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)w, (int)w, (int)b, 1.0, c->x, (int)w,
                dz, (int)w, 0.0, c->dW, (int)w);
    double ew = 0, sw = 1e-300, ex = 0, sx = 1e-300, eb = 0, sb = 1e-300;
    for (size_t i = 0; i < w * w; i++)
        ew = fmax(ew, fabs(dW[i] - c->dW[i])), sw = fmax(sw, fabs(c->dW[i]));
    for (size_t j = 0; j < w; j++) {
        double r = 0;
        for (size_t i = 0; i < b; i++)
            r += dz[i * w + j];
        eb = fmax(eb, fabs(db[j] - r)), sb = fmax(sb, fabs(r));
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)w, (int)w, 1.0, dz, (int)w,
                c->W, (int)w, 0.0, c->dx, (int)w);
    for (size_t i = 0; i < b * w; i++)
        ex = fmax(ex, fabs(dx[i] - c->dx[i])), sx = fmax(sx, fabs(c->dx[i]));
    if (ey > 1e-12 || ew / sw > 1e-12 || eb / sb > 1e-12 || ex / sx > 1e-12) {
        snprintf(why, len, "relative errors y %.3g dW %.3g db %.3g dx %.3g", ey, ew / sw, eb / sb,
                 ex / sx);
        goto out;
    }
    rc = 0;
out:
    free(y), free(dW), free(db), free(dx), free(dz);
    return rc;
}

/* Times one shape at `threads`; returns libnnact's median (0: not run), and
 * the products' median in *products. */
static double one(struct bench_opts *o, size_t batch, size_t w, int threads, double *products)
{
    double lib_median = 0.0;
    *products = 0.0;
    char name[64];
    snprintf(name, sizeof name, "b%zu/w%zu%s", batch, w, threads != o->threads ? "/t1" : "");
    if (!bench_want(o, "dense", name)) return 0.0;
    bench_set_threads(threads);
    struct dense_ctx c = {batch,
                          w,
                          bench_alloc(batch * w),
                          bench_alloc(w * w),
                          bench_alloc(w),
                          bench_alloc(batch * w),
                          bench_alloc(batch * w),
                          bench_alloc(batch * w),
                          bench_alloc(w * w),
                          bench_alloc(w),
                          NULL,
                          NNACT_OK};
    if (!c.x || !c.W || !c.b || !c.y || !c.dy || !c.dx || !c.dW || !c.db) {
        bench_fail(o, "dense", name, "out of memory");
        goto out;
    }
    bench_fill(c.x, batch * w, -1.0, 1.0, 1);
    bench_fill(c.W, w * w, -sqrt(3.0 / (double)w), sqrt(3.0 / (double)w), 2);
    bench_fill(c.b, w, -0.1, 0.1, 3);
    bench_fill(c.dy, batch * w, -1.0, 1.0, 4);
    if (nnact_net_create(w, &c.net) != NNACT_OK ||
        nnact_net_add_dense(c.net, w, NNACT_ACT_RELU, NAN) != NNACT_OK ||
        nnact_net_set_layer(c.net, 0, c.W, c.b) != NNACT_OK) {
        bench_fail(o, "dense", name, nnact_last_error());
        goto out;
    }
    char why[160];
    if (check(&c, why, sizeof why) != 0) {
        bench_fail(o, "dense", name, why);
        goto out;
    }
    struct bench_record r = {.suite = "dense",
                             .batch = batch,
                             .threads = threads,
                             .work_unit = "GFLOP/s",
                             .limit = "dgemm products"};
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.shape, sizeof r.shape, "%zux%zu relu", w, w);
    r.work = 6.0 * (double)batch * (double)w * (double)w;
    const bench_fn fns[2] = {run_products, run_lib};
    void *const ctxs[2] = {&c, &c};
    double med[2], mn[2], mx[2], ratio[2];
    run_lib(&c);
    size_t before = nnact__alloc_count();
    bench_time_interleaved(2, fns, ctxs, o->repeat, med, mn, mx, ratio);
    size_t allocs = nnact__alloc_count() - before;
    r.limit_median = med[0];
    r.median = med[1], r.min = mn[1], r.max = mx[1];
    r.paired_ratio = ratio[1];
    char note[64] = "";
    if (allocs) {
        snprintf(note, sizeof note, "%zu allocs in loop", allocs);
        r.note = note;
        bench_fail(o, "dense", name, "allocated inside the timed loop");
    }
    r.extra = r.limit_median;
    if (c.status != NNACT_OK)
        bench_fail(o, "dense", name, "a timed call failed");
    else
        bench_report(o, &r), lib_median = r.median, *products = r.limit_median;
out:
    nnact_net_free(c.net);
    free(c.x), free(c.W), free(c.b), free(c.y), free(c.dy), free(c.dx), free(c.dW), free(c.db);
    bench_set_threads(o->threads);
    return lib_median;
}

/* The 1 -> N thread speedup of a shape timed at both counts: libnnact's and
 * the bare products'. */
static void speedup(struct bench_opts *o, size_t batch, size_t w, double lib_n, double lib_1,
                    double prod_n, double prod_1)
{
    if (lib_n <= 0 || lib_1 <= 0 || prod_n <= 0 || prod_1 <= 0) return;
    struct bench_record r = {.suite = "dense",
                             .batch = batch,
                             .threads = o->threads,
                             .work_unit = "GFLOP/s",
                             .limit = "itself at 1 thread"};
    snprintf(r.name, sizeof r.name, "b%zu/w%zu 1->%d", batch, w, o->threads);
    snprintf(r.shape, sizeof r.shape, "%zux%zu relu", w, w);
    r.work = 6.0 * (double)batch * (double)w * (double)w;
    r.median = r.min = r.max = lib_n;
    r.limit_median = lib_1;
    char note[80];
    snprintf(note, sizeof note, "speedup x%.2f (products x%.2f)", lib_1 / lib_n, prod_1 / prod_n);
    r.note = note;
    bench_report(o, &r);
}

int bench_suite_dense(struct bench_opts *o)
{
    static const size_t batches_full[] = {1, 16, 64, 256, 1024, 4096};
    static const size_t widths_full[] = {16, 64, 256, 512, 1024, 2048, 4096};
    static const size_t batches_quick[] = {1, 64, 256};
    static const size_t widths_quick[] = {64, 512};
    const size_t *bs = o->quick ? batches_quick : batches_full;
    const size_t *ws = o->quick ? widths_quick : widths_full;
    size_t nb = o->quick ? 3 : 6, nw = o->quick ? 2 : 7;
    /* keep one call under ~2 GFLOP (tens of ms here) so the grid fits a minute */
    double max_flops = o->quick ? 1e9 : 2e9;
    bench_header("dense");
    double p;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < nw; j++)
            /* the target shapes are timed once, below */
            if (6.0 * (double)bs[i] * (double)ws[j] * (double)ws[j] <= max_flops &&
                !(bs[i] == 256 && (ws[j] == 512 || ws[j] == 1024)))
                one(o, bs[i], ws[j], o->threads, &p);
    /* the target shapes (batch >= 256, width >= 512), and 1 vs N threads */
    double lib_n[2], prod_n[2], lib_1[2] = {0, 0}, prod_1[2] = {0, 0};
    static const size_t target_w[2] = {512, 1024};
    for (int t = 0; t < 2; t++)
        lib_n[t] = one(o, 256, target_w[t], o->threads, &prod_n[t]);
    if (o->threads > 1)
        for (int t = 0; t < 2; t++) {
            lib_1[t] = one(o, 256, target_w[t], 1, &prod_1[t]);
            speedup(o, 256, target_w[t], lib_n[t], lib_1[t], prod_n[t], prod_1[t]);
        }
    return 0;
}
