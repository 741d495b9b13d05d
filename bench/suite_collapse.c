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
    double *K, *c, *P, *Q; /* K, c from the library; P, Q scratch for the chain */
    double *y;
    int status;
};

static void lib_collapse(void *p)
{
    struct collapse_ctx *c = p;
    nnact_status st = nnact_net_collapse(c->tc->net, c->K, c->c);
    if (st != NNACT_OK)
        c->status = st;
}

/* K = W1 W2 ... Wn by left-to-right dgemm, the products collapse must do;
 * result in *out (P or Q). */
static double *chain(struct collapse_ctx *c)
{
    const struct netspec *s = &c->tc->spec;
    double *acc = c->P, *tmp = c->Q;
    size_t rows = s->n_in, cols = s->out[0];
    memcpy(acc, c->tc->W0[0], rows * cols * sizeof(double));
    for (size_t l = 1; l < s->n_layers; l++) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)s->out[l],
                    (int)cols, 1.0, acc, (int)cols, c->tc->W0[l], (int)s->out[l], 0.0, tmp,
                    (int)s->out[l]);
        cols = s->out[l];
        double *t = acc;
        acc = tmp;
        tmp = t;
    }
    return acc;
}

static void run_chain(void *p)
{
    (void)chain(p);
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
    if (st != NNACT_OK)
        c->status = st;
}

static void one(struct bench_opts *o, const char *text, const char *label, size_t batch)
{
    char n1[64], n2[64];
    snprintf(n1, sizeof n1, "%s/collapse", label);
    snprintf(n2, sizeof n2, "%s/map-b%zu", label, batch);
    int w1 = bench_want(o, "collapse", n1), w2 = bench_want(o, "collapse", n2);
    if (!w1 && !w2)
        return;
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
    size_t maxdim = s.n_in;
    for (size_t l = 0; l < s.n_layers; l++)
        maxdim = s.out[l] > maxdim ? s.out[l] : maxdim;
    struct collapse_ctx c = {&tc, s.n_in, s.out[s.n_layers - 1], batch, NULL, NULL, NULL, NULL,
                             NULL, NNACT_OK};
    c.K = bench_alloc(c.n_in * c.n_out);
    c.c = bench_alloc(c.n_out);
    c.P = bench_alloc(s.n_in * maxdim);
    c.Q = bench_alloc(s.n_in * maxdim);
    c.y = bench_alloc(batch * c.n_out);
    char shape[64];
    netspec_shape(&s, shape, sizeof shape);
    if (!c.K || !c.c || !c.P || !c.Q || !c.y) {
        bench_fail(o, "collapse", label, "out of memory");
        goto out;
    }
    lib_collapse(&c);
    if (c.status != NNACT_OK) {
        bench_fail(o, "collapse", n1, nnact_last_error());
        goto out;
    }
    /* check: K against the chain of weights, the map against the network */
    double *ref = chain(&c), e = 0, sc = 1e-300;
    for (size_t i = 0; i < c.n_in * c.n_out; i++)
        e = fmax(e, fabs(ref[i] - c.K[i])), sc = fmax(sc, fabs(ref[i]));
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
        snprintf(why, sizeof why, "K off the weight chain by %.3g, map off the network by %.3g",
                 e / sc, em / sm);
        bench_fail(o, "collapse", label, why);
        goto out;
    }
    struct bench_record r = {.suite = "collapse", .batch = batch};
    snprintf(r.shape, sizeof r.shape, "%s", shape);
    double mn, mx;
    if (w1) {
        snprintf(r.name, sizeof r.name, "%s", n1);
        r.limit = "bare dgemm chain of the weights";
        bench_time(run_chain, &c, o->repeat, &r.limit_median, &mn, &mx);
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
    free(c.K), free(c.c), free(c.P), free(c.Q), free(c.y);
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
