/* small: per-call latency of tiny networks, where fixed costs (argument
 * checks, dispatch, loops over layers) matter more than the products. The
 * limit is the plain-C floor doing the same call. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nnact/nnact.h"
#include "train.h"

struct predict_ctx {
    const nnact_net *net;
    struct ref_net *ref;
    size_t batch;
    const double *x;
    double *y;
    int status;
};

static void lib_predict(void *p)
{
    struct predict_ctx *c = p;
    nnact_status st = nnact_net_predict(c->net, c->batch, c->x, c->y);
    if (st != NNACT_OK) c->status = st;
}

static void ref_predict(void *p)
{
    struct predict_ctx *c = p;
    ref_forward(c->ref, c->x);
}

static void predict_case(struct bench_opts *o, struct train_case *tc, size_t batch)
{
    char name[64];
    snprintf(name, sizeof name, "%s/predict-b%zu", tc->spec.name, batch);
    if (!bench_want(o, "small", name)) return;
    struct ref_net ref;
    size_t n_out = tc->spec.out[tc->spec.n_layers - 1];
    double *y = bench_alloc(batch * n_out);
    if (y == NULL || ref_create(&ref, &tc->spec, batch) != 0) {
        free(y);
        bench_fail(o, "small", name, "out of memory");
        return;
    }
    for (size_t l = 0; l < tc->spec.n_layers; l++)
        ref_set_layer(&ref, l, tc->W0[l], tc->b0[l]);
    struct predict_ctx c = {tc->net, &ref, batch, tc->x, y, NNACT_OK};
    lib_predict(&c);
    ref_predict(&c);
    const double *ry = ref.L[ref.n_layers - 1].A;
    double e = 0, s = 1e-300;
    for (size_t i = 0; i < batch * n_out; i++)
        e = fmax(e, fabs(y[i] - ry[i])), s = fmax(s, fabs(ry[i]));
    if (c.status != NNACT_OK || e / s > 1e-12) {
        bench_fail(o, "small", name,
                   c.status != NNACT_OK ? nnact_last_error() : "differs from the plain-C forward");
    } else {
        struct bench_record r = {.suite = "small", .batch = batch, .limit = "plain-C forward"};
        snprintf(r.name, sizeof r.name, "%s", name);
        netspec_shape(&tc->spec, r.shape, sizeof r.shape);
        double mn, mx;
        bench_time(ref_predict, &c, o->repeat, &r.limit_median, &mn, &mx);
        bench_time(lib_predict, &c, o->repeat, &r.median, &r.min, &r.max);
        bench_report(o, &r);
    }
    ref_free(&ref);
    free(y);
}

static void step_case(struct bench_opts *o, struct train_case *tc)
{
    char name[64];
    snprintf(name, sizeof name, "%s/step-%s", tc->spec.name, train_opt_name(tc->opt));
    if (!bench_want(o, "small", name)) return;
    char why[200];
    if (train_case_check(tc, why, sizeof why) != 0) {
        bench_fail(o, "small", name, why);
        return;
    }
    struct bench_record r = {.suite = "small", .batch = tc->batch, .limit = "plain-C step"};
    snprintf(r.name, sizeof r.name, "%s", name);
    netspec_shape(&tc->spec, r.shape, sizeof r.shape);
    size_t allocs = 0;
    r.limit_median = train_time_floor(tc, o->repeat);
    train_time_lib(tc, o->repeat, &r.median, &r.min, &r.max, &allocs);
    char note[48] = "";
    if (allocs) {
        snprintf(note, sizeof note, "%zu allocs in loop", allocs);
        r.note = note;
        bench_fail(o, "small", name, "allocated inside the timed loop");
    }
    if (tc->status != NNACT_OK)
        bench_fail(o, "small", name, "a timed step failed");
    else
        bench_report(o, &r);
}

int bench_suite_small(struct bench_opts *o)
{
    bench_header("small");
    for (size_t i = 0; i < 3; i++) { /* xor, id3, relu64 */
        const struct netspec *s = &bench_nets[i];
        for (int opt = REF_SGD; opt <= REF_ADAM; opt++) {
            char p1[64], p2[64], p3[64];
            snprintf(p1, sizeof p1, "%s/predict-b1", s->name);
            snprintf(p2, sizeof p2, "%s/predict-b%zu", s->name, s->batch);
            snprintf(p3, sizeof p3, "%s/step-%s", s->name, train_opt_name(opt));
            /* ask before building anything, so the validation pass is free */
            int any =
                (opt == REF_SGD && (bench_match(o, "small", p1) || bench_match(o, "small", p2))) ||
                bench_match(o, "small", p3);
            if (o->dry) {
                if (opt == REF_SGD)
                    (void)bench_want(o, "small", p1), (void)bench_want(o, "small", p2);
                (void)bench_want(o, "small", p3);
                continue;
            }
            if (!any) continue;
            struct train_case tc;
            if (train_case_setup(&tc, s, s->batch, opt) != 0) {
                bench_fail(o, "small", s->name, "setup failed");
                continue;
            }
            if (opt == REF_SGD) {
                predict_case(o, &tc, 1);
                predict_case(o, &tc, s->batch);
            }
            step_case(o, &tc);
            train_case_free(&tc);
        }
    }
    return 0;
}
