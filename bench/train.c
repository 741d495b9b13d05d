/* Train-step cases: libnnact vs the plain-C floor vs the bare products. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "nnact/nnact.h"
#include "train.h"

const char *train_opt_name(int opt)
{
    return opt == REF_ADAM ? "adam" : "sgd";
}

static double lr_for(int opt)
{
    /* Small steps: thousands of timed steps on fixed data must stay finite,
     * so every call does the same work. */
    return opt == REF_ADAM ? 1e-4 : 1e-5;
}

int train_case_setup(struct train_case *c, const struct netspec *s, size_t batch, int opt)
{
    memset(c, 0, sizeof *c);
    c->spec = *s;
    c->batch = batch;
    c->opt = opt;
    c->lr = lr_for(opt);
    size_t n_out = s->out[s->n_layers - 1];
    c->x = bench_alloc(batch * s->n_in);
    c->t = bench_alloc(batch * n_out);
    if (c->x == NULL || c->t == NULL) goto nomem;
    bench_fill(c->x, batch * s->n_in, -1.0, 1.0, 11);
    bench_fill(c->t, batch * n_out, 0.0, 1.0, 12);
    size_t in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        size_t out = s->out[l];
        c->W0[l] = bench_alloc(in * out);
        c->b0[l] = bench_alloc(out);
        if (c->W0[l] == NULL || c->b0[l] == NULL) goto nomem;
        double lim = sqrt(6.0 / (double)(in + out)); /* Glorot uniform */
        bench_fill(c->W0[l], in * out, -lim, lim, 100 + l);
        bench_fill(c->b0[l], out, -0.1, 0.1, 200 + l);
        in = out;
    }
    c->have_floor = 1;
    for (size_t l = 0; l < s->n_layers; l++)
        c->have_floor &= ref_act_supported(s->act[l]);
    if (ref_create(&c->prod, s, batch) != 0) goto nomem;
    for (size_t l = 0; l < s->n_layers; l++)
        ref_set_layer(&c->prod, l, c->W0[l], c->b0[l]);
    if (c->have_floor) {
        if (ref_create(&c->floor, s, batch) != 0) goto nomem;
        c->floor.lr = c->lr;
    }
    nnact_status st = nnact_net_create(s->n_in, &c->net);
    for (size_t l = 0; st == NNACT_OK && l < s->n_layers; l++)
        st = nnact_net_add_dense(c->net, s->out[l], (nnact_act_kind)s->act[l], NAN);
    if (st != NNACT_OK) {
        fprintf(stderr, "nnact-bench: libnnact refused network %s: %s\n", s->name,
                nnact_last_error());
        train_case_free(c);
        return -1;
    }
    if (train_case_reset(c) != 0) {
        train_case_free(c);
        return -1;
    }
    return 0;
nomem:
    fprintf(stderr, "nnact-bench: out of memory for network %s\n", s->name);
    train_case_free(c);
    return -1;
}

void train_case_free(struct train_case *c)
{
    free(c->x);
    free(c->t);
    for (size_t l = 0; l < SPEC_MAX_LAYERS; l++)
        free(c->W0[l]), free(c->b0[l]);
    ref_free(&c->floor);
    ref_free(&c->prod);
    nnact_net_free(c->net);
    nnact_opt_free(c->o);
    memset(c, 0, sizeof *c);
}

int train_case_reset(struct train_case *c)
{
    if (c->have_floor) {
        struct ref_net *r = &c->floor;
        for (size_t l = 0; l < c->spec.n_layers; l++) {
            struct ref_layer *L = &r->L[l];
            ref_set_layer(r, l, c->W0[l], c->b0[l]);
            memset(L->mW, 0, L->in * L->out * sizeof(double));
            memset(L->vW, 0, L->in * L->out * sizeof(double));
            memset(L->mb, 0, L->out * sizeof(double));
            memset(L->vb, 0, L->out * sizeof(double));
        }
        r->t = 0;
    }
    nnact_status st = NNACT_OK;
    for (size_t l = 0; st == NNACT_OK && l < c->spec.n_layers; l++)
        st = nnact_net_set_layer(c->net, l, c->W0[l], c->b0[l]);
    nnact_opt_free(c->o);
    c->o = NULL;
    if (st == NNACT_OK)
        st = nnact_opt_create(c->opt == REF_ADAM ? NNACT_OPT_ADAM : NNACT_OPT_SGD, &c->o);
    if (st == NNACT_OK) st = nnact_opt_set(c->o, NNACT_OPT_PARAM_LR, c->lr);
    if (st == NNACT_OK && c->no_check) st = nnact_opt_set(c->o, NNACT_OPT_PARAM_CHECK_FINITE, 0.0);
    if (st != NNACT_OK) {
        fprintf(stderr, "nnact-bench: cannot set up libnnact case: %s\n", nnact_last_error());
        return -1;
    }
    c->status = NNACT_OK;
    return 0;
}

static double max_rel_diff(const double *a, const double *b, size_t n)
{
    double scale = 0.0, d = 0.0;
    for (size_t i = 0; i < n; i++) {
        scale = fmax(scale, fmax(fabs(a[i]), fabs(b[i])));
        d = fmax(d, fabs(a[i] - b[i]));
    }
    return d / (scale > 1e-300 ? scale : 1.0);
}

int train_case_check(struct train_case *c, char *why, size_t len)
{
    if (train_case_reset(c) != 0) {
        snprintf(why, len, "setup failed");
        return -1;
    }
    double loss = 0.0;
    nnact_status st =
        nnact_net_train_step(c->net, c->o, NNACT_LOSS_HALF_SSE, c->batch, c->x, c->t, &loss);
    if (st != NNACT_OK) {
        snprintf(why, len, "nnact_net_train_step: %s", nnact_last_error());
        return -1;
    }
    if (!isfinite(loss)) {
        snprintf(why, len, "non-finite loss");
        return -1;
    }
    int rc = 0;
    if (c->have_floor) {
        double ref_loss = ref_train_step(&c->floor, c->opt, c->x, c->t);
        double e = fabs(loss - ref_loss) / fmax(fabs(ref_loss), 1e-300);
        if (e > 1e-9) {
            snprintf(why, len, "loss %.17g, plain-C floor %.17g", loss, ref_loss);
            rc = -1;
        }
        for (size_t l = 0; rc == 0 && l < c->spec.n_layers; l++) {
            struct ref_layer *L = &c->floor.L[l];
            double *W = bench_alloc(L->in * L->out), *b = bench_alloc(L->out);
            if (W == NULL || b == NULL || nnact_net_get_layer(c->net, l, W, b) != NNACT_OK) {
                snprintf(why, len, "cannot read layer %zu back", l);
                rc = -1;
            } else {
                /* compare the step taken, not the parameters, so the
                 * tolerance is relative to the update itself */
                for (size_t i = 0; i < L->in * L->out; i++)
                    W[i] -= c->W0[l][i], L->dW[i] = L->W[i] - c->W0[l][i];
                for (size_t i = 0; i < L->out; i++)
                    b[i] -= c->b0[l][i], L->db[i] = L->b[i] - c->b0[l][i];
                double ew = max_rel_diff(W, L->dW, L->in * L->out);
                double eb = max_rel_diff(b, L->db, L->out);
                if (ew > 1e-6 || eb > 1e-6) {
                    snprintf(why, len,
                             "layer %zu update differs from the floor's by %.3g (W), %.3g (b)", l,
                             ew, eb);
                    rc = -1;
                }
            }
            free(W);
            free(b);
        }
    }
    if (train_case_reset(c) != 0 && rc == 0) {
        snprintf(why, len, "reset failed");
        rc = -1;
    }
    return rc;
}

static void run_products(void *p)
{
    struct train_case *c = p;
    ref_products(&c->prod, c->x);
}

static void run_floor(void *p)
{
    struct train_case *c = p;
    c->loss = ref_train_step(&c->floor, c->opt, c->x, c->t);
}

static void run_lib(void *p)
{
    struct train_case *c = p;
    nnact_status st =
        nnact_net_train_step(c->net, c->o, NNACT_LOSS_HALF_SSE, c->batch, c->x, c->t, &c->loss);
    if (st != NNACT_OK && c->status == NNACT_OK) c->status = st;
}

double train_time_products(struct train_case *c, int reps)
{
    double med = 0, mn, mx;
    bench_time(run_products, c, reps, &med, &mn, &mx);
    return med;
}

double train_time_floor(struct train_case *c, int reps)
{
    double med = 0, mn, mx;
    if (c->have_floor) bench_time(run_floor, c, reps, &med, &mn, &mx);
    return med;
}

void train_time_lib(struct train_case *c, int reps, double *median, double *min, double *max,
                    size_t *allocs)
{
    /* two untimed steps first: any lazily sized scratch is in place before
     * the allocation count starts */
    run_lib(c);
    run_lib(c);
    size_t before = nnact__alloc_count();
    bench_time(run_lib, c, reps, median, min, max);
    *allocs = nnact__alloc_count() - before;
}

void train_time_all(struct train_case *c, int reps, double med[3], double min[3], double max[3],
                    double ratio[3], size_t *allocs)
{
    const bench_fn fns[3] = {run_products, run_lib, run_floor};
    void *const ctxs[3] = {c, c, c};
    size_t k = c->have_floor ? 3 : 2;
    med[2] = min[2] = max[2] = ratio[2] = 0.0;
    run_lib(c);
    run_lib(c);
    size_t before = nnact__alloc_count();
    bench_time_interleaved(k, fns, ctxs, reps, med, min, max, ratio);
    *allocs = nnact__alloc_count() - before;
}

void train_time_sgd_adam(struct train_case *sgd, struct train_case *adam, int reps, double med[3],
                         double ratio[3], size_t *allocs)
{
    const bench_fn fns[3] = {run_lib, run_lib, run_products};
    void *const ctxs[3] = {sgd, adam, sgd};
    double mn[3], mx[3];
    for (int i = 0; i < 2; i++)
        run_lib(sgd), run_lib(adam);
    size_t before = nnact__alloc_count();
    bench_time_interleaved(3, fns, ctxs, reps, med, mn, mx, ratio);
    *allocs = nnact__alloc_count() - before;
}
