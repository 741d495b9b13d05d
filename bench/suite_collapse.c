/* collapse: the cost of nnact_net_collapse on all-linear networks (against the
 * bare chain of weight products it must at least do) and the speed of the
 * collapsed map x K + c against running the network. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "nnact/nnact.h"
#include "train.h"

struct collapse_ctx {
    struct train_case *tc;
    size_t n_in, n_out, batch;
    double *K, *c; /* from the library */
    double *y;
    int status;
};

static void lib_collapse(void *p)
{
    struct collapse_ctx *c = p;
    nnact_status st = nnact_net_collapse(c->tc->net, c->K, c->c);
    if (st != NNACT_OK) c->status = st;
}

/* The weight chain W0 W1 ... W(n-1) in the cheapest order (the classic
 * matrix-chain dynamic programme), each internal product one dgemm into a
 * buffer made before timing; then the bias chain c = (b0 W1 + b1) W2 + ... by
 * dgemv. This is the least BLAS work any collapse must do. */
struct chain {
    size_t n, d[SPEC_MAX_LAYERS + 1];
    size_t split[SPEC_MAX_LAYERS][SPEC_MAX_LAYERS];
    double *buf[SPEC_MAX_LAYERS][SPEC_MAX_LAYERS];
    const double *const *W;
    const double *const *b;
    double *c, *ctmp;
};

static int chain_plan(struct chain *ch, const struct netspec *s, const double *const *W,
                      const double *const *b)
{
    memset(ch, 0, sizeof *ch);
    ch->n = s->n_layers;
    ch->W = W;
    ch->b = b;
    ch->d[0] = s->n_in;
    size_t maxd = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        ch->d[l + 1] = s->out[l];
        maxd = s->out[l] > maxd ? s->out[l] : maxd;
    }
    double cost[SPEC_MAX_LAYERS][SPEC_MAX_LAYERS] = {{0}};
    for (size_t len = 2; len <= ch->n; len++)
        for (size_t i = 0; i + len <= ch->n; i++) {
            size_t j = i + len - 1;
            cost[i][j] = HUGE_VAL;
            for (size_t k = i; k < j; k++) {
                double c = cost[i][k] + cost[k + 1][j] +
                           2.0 * (double)ch->d[i] * (double)ch->d[k + 1] * (double)ch->d[j + 1];
                if (c < cost[i][j]) cost[i][j] = c, ch->split[i][j] = k;
            }
            ch->buf[i][j] = bench_alloc(ch->d[i] * ch->d[j + 1]);
            if (ch->buf[i][j] == NULL) return -1;
        }
    ch->c = bench_alloc(maxd);
    ch->ctmp = bench_alloc(maxd);
    return ch->c && ch->ctmp ? 0 : -1;
}

static void chain_free(struct chain *ch)
{
    for (size_t i = 0; i < SPEC_MAX_LAYERS; i++)
        for (size_t j = 0; j < SPEC_MAX_LAYERS; j++)
            free(ch->buf[i][j]);
    free(ch->c);
    free(ch->ctmp);
}

static const double *chain_mul(struct chain *ch, size_t i, size_t j)
{
    if (i == j) return ch->W[i];
    size_t k = ch->split[i][j];
    const double *A = chain_mul(ch, i, k), *B = chain_mul(ch, k + 1, j);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ch->d[i], (int)ch->d[j + 1],
                (int)ch->d[k + 1], 1.0, A, (int)ch->d[k + 1], B, (int)ch->d[j + 1], 0.0,
                ch->buf[i][j], (int)ch->d[j + 1]);
    return ch->buf[i][j];
}

static const double *chain_run(struct chain *ch)
{
    const double *K = chain_mul(ch, 0, ch->n - 1);
    memcpy(ch->c, ch->b[0], ch->d[1] * sizeof(double));
    for (size_t l = 1; l < ch->n; l++) {
        memcpy(ch->ctmp, ch->b[l], ch->d[l + 1] * sizeof(double));
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)ch->d[l], (int)ch->d[l + 1], 1.0, ch->W[l],
                    (int)ch->d[l + 1], ch->c, 1, 1.0, ch->ctmp, 1);
        double *t = ch->c;
        ch->c = ch->ctmp;
        ch->ctmp = t;
    }
    return K;
}

static void run_chain(void *p)
{
    (void)chain_run(p);
}

static void run_map(void *p)
{
    struct collapse_ctx *c = p;
    /* y = x K + c: bias rows first, then the product with beta 1 */
    for (size_t i = 0; i < c->batch; i++)
        memcpy(c->y + i * c->n_out, c->c, c->n_out * sizeof(double));
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)c->batch, (int)c->n_out,
                (int)c->n_in, 1.0, c->tc->x, (int)c->n_in, c->K, (int)c->n_out, 1.0, c->y,
                (int)c->n_out);
}

static void run_net(void *p)
{
    struct collapse_ctx *c = p;
    nnact_status st = nnact_net_predict(c->tc->net, c->batch, c->tc->x, c->y);
    if (st != NNACT_OK) c->status = st;
}

static void one(struct bench_opts *o, const char *text, const char *label, size_t batch)
{
    char n1[64], n2[64];
    snprintf(n1, sizeof n1, "%s/collapse", label);
    snprintf(n2, sizeof n2, "%s/map-b%zu", label, batch);
    int w1 = bench_want(o, "collapse", n1), w2 = bench_want(o, "collapse", n2);
    if (!w1 && !w2) return;
    struct netspec s;
    char err[160];
    if (netspec_parse(text, &s, err, sizeof err) != 0) {
        bench_fail(o, "collapse", label, err);
        return;
    }
    snprintf(s.name, sizeof s.name, "%s", label);
    struct train_case tc;
    if (train_case_setup(&tc, &s, batch, REF_SGD) != 0) {
        bench_fail(o, "collapse", label, "setup failed");
        return;
    }
    struct collapse_ctx c = {&tc, s.n_in, s.out[s.n_layers - 1], batch, NULL, NULL, NULL, NNACT_OK};
    c.K = bench_alloc(c.n_in * c.n_out);
    c.c = bench_alloc(c.n_out);
    c.y = bench_alloc(batch * c.n_out);
    char shape[64];
    netspec_shape(&s, shape, sizeof shape);
    struct chain ch;
    int planned = chain_plan(&ch, &s, (const double *const *)tc.W0, (const double *const *)tc.b0);
    if (!c.K || !c.c || !c.y || planned != 0) {
        bench_fail(o, "collapse", label, "out of memory");
        goto out;
    }
    lib_collapse(&c);
    if (c.status != NNACT_OK) {
        bench_fail(o, "collapse", n1, nnact_last_error());
        goto out;
    }
    /* check: K against the chain of weights, the map against the network */
    const double *ref = chain_run(&ch);
    double e = 0, sc = 1e-300;
    for (size_t i = 0; i < c.n_in * c.n_out; i++)
        e = fmax(e, fabs(ref[i] - c.K[i])), sc = fmax(sc, fabs(ref[i]));
    for (size_t j = 0; j < c.n_out; j++)
        e = fmax(e, fabs(ch.c[j] - c.c[j])), sc = fmax(sc, fabs(ch.c[j]));
    double *yn = bench_alloc(batch * c.n_out);
    double em = 0, sm = 1e-300;
    if (yn != NULL) {
        run_net(&c);
        memcpy(yn, c.y, batch * c.n_out * sizeof(double));
        run_map(&c);
        for (size_t i = 0; i < batch * c.n_out; i++)
            em = fmax(em, fabs(yn[i] - c.y[i])), sm = fmax(sm, fabs(yn[i]));
    }
    free(yn);
    if (yn == NULL || e / sc > 1e-10 || em / sm > 1e-10 || c.status != NNACT_OK) {
        char why[128];
        snprintf(why, sizeof why, "K, c off the chain by %.3g, map off the network by %.3g", e / sc,
                 em / sm);
        bench_fail(o, "collapse", label, why);
        goto out;
    }
    struct bench_record r = {.suite = "collapse", .batch = batch};
    snprintf(r.shape, sizeof r.shape, "%s", shape);
    double mn, mx;
    if (w1) {
        snprintf(r.name, sizeof r.name, "%s", n1);
        r.limit = "bare BLAS chain, cheapest order";
        bench_time(run_chain, &ch, o->repeat, &r.limit_median, &mn, &mx);
        bench_time(lib_collapse, &c, o->repeat, &r.median, &r.min, &r.max);
        r.batch = 0;
        bench_report(o, &r);
        r.batch = batch;
    }
    if (w2) {
        snprintf(r.name, sizeof r.name, "%s", n2);
        r.limit = "network predict (ratio < 1: collapsed map is faster)";
        bench_time(run_net, &c, o->repeat, &r.limit_median, &mn, &mx);
        bench_time(run_map, &c, o->repeat, &r.median, &r.min, &r.max);
        bench_report(o, &r);
    }
out:
    chain_free(&ch);
    free(c.K), free(c.c), free(c.y);
    train_case_free(&tc);
}

int bench_suite_collapse(struct bench_opts *o)
{
    bench_header("collapse");
    one(o, "3-4:identity-10:identity-1:identity", "id3", 4);
    one(o, "64-64:identity-64:identity-10:identity", "id64", 64);
    one(o, "784-1024:identity-1024:identity-10:identity", "id784", 256);
    if (!o->quick)
        one(o, "512-512:identity-512:identity-512:identity-512:identity-512:identity", "id512x5",
            256);
    return 0;
}
