/* Gradient check: backprop against centered differences, parameter by
 * parameter (every one, or an evenly spaced subset), and its options object. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/record.h"
#include "net/net_internal.h"
#include "nnact/gradcheck.h"

struct nnact_gradcheck_config {
    double h, loss_param;
    uint64_t max_params; /* 0: all */
};

/* What one check found. */
struct gc_result {
    double worst;
    size_t layer, index, checked;
};

/* Loss of the network at its current parameters (forward into y). */
static nnact_status eval_loss(nnact_net *net, nnact_loss_kind k, double param, size_t batch,
                              const double *x, const double *t, double *y, double *dy, double *L)
{
    NNACT_FORWARD_IF_ERROR(nnact_net_forward(net, batch, x, y));
    return nnact_loss_ex(k, param, batch, nnact_net_output_size(net), y, t, L, dy);
}

/* The step for parameter theta: the caller's h, or cbrt(eps) max(1, |theta|),
 * which balances the O(h^2) truncation of the centered difference against
 * the O(eps/h) rounding of the loss values. */
static double step_for(double h, double theta)
{
    static const double cbrt_eps = 6.0554544523933395e-06; /* cbrt(DBL_EPSILON) */
    return h == 0.0 ? cbrt_eps * fmax(1.0, fabs(theta)) : h;
}

/* Refuses a non-finite parameter or a step that vanishes against one, before
 * anything runs. */
static nnact_status check_steps(const char *who, nnact_net *net, double h)
{
    for (size_t b = 0, nb = nnact__net_block_count(net); b < nb; b++) {
        struct nnact__net_block blk;
        (void)nnact__net_block(net, b, &blk);
        for (size_t i = 0; i < blk.len; i++) {
            const double th = blk.param[i], s = step_for(h, th);
            NNACT_RETURN_IF(!isfinite(th), NNACT_ERR_NUMERIC,
                            "%s: layer %zu %s[%zu] is %g: no derivative to check", who, blk.layer,
                            blk.is_bias ? "b" : "W", i, th);
            NNACT_RETURN_IF(!(th + s > th && th - s < th), NNACT_ERR_ARG,
                            "%s: layer %zu %s[%zu] = %g: theta + h == theta (h = %g)", who,
                            blk.layer, blk.is_bias ? "b" : "W", i, th, s);
        }
    }
    return NNACT_OK;
}

/* Forward, loss and backward at the unperturbed parameters: *L and the
 * analytic gradients. Kind, parameter and targets are checked before the
 * network changes. */
static nnact_status analytic(const char *who, nnact_net *net, nnact_loss_kind k, double lp,
                             size_t batch, const double *x, const double *t, double *y, double *L)
{
    const size_t n_out = nnact_net_output_size(net);
    double *dy = y + batch * n_out;
    NNACT_FORWARD_IF_ERROR(nnact_loss_ex(k, lp, batch, n_out, y, t, L, NULL));
    NNACT_FORWARD_IF_ERROR(nnact_net_reserve(net, batch));
    NNACT_FORWARD_IF_ERROR(eval_loss(net, k, lp, batch, x, t, y, dy, L));
    NNACT_RETURN_IF(!isfinite(*L), NNACT_ERR_NUMERIC, "%s: the loss is %g at the given parameters",
                    who, *L);
    return nnact_net_backward(net, dy, NULL);
}

/* The arguments of one numeric comparison pass. */
struct gc_pass {
    nnact_net *net;
    nnact_loss_kind k;
    double lp, h, floor_abs;
    size_t batch;
    const double *x, *t;
    double *y;
};

/* Centered differences on the chosen parameters (every one when max is 0 or
 * at least P; else an evenly spaced max of them, Bresenham-style so that no
 * product can overflow), against the analytic gradients g. */
static nnact_status compare(const struct gc_pass *c, uint64_t max, double *layer_err,
                            struct gc_result *res)
{
    size_t P;
    double *p = nnact__net_params(c->net, &P);
    const double *g = nnact__net_grads(c->net, NULL); /* allocated by the first forward */
    const size_t m = max == 0 || max >= P ? P : (size_t)max;
    size_t acc = P - m, layer_off = 0;
    nnact_status s = NNACT_OK;
    for (size_t b = 0, nb = nnact__net_block_count(c->net); b < nb && s == NNACT_OK; b++) {
        struct nnact__net_block blk;
        (void)nnact__net_block(c->net, b, &blk);
        if (!blk.is_bias) /* a layer's W block comes first: its offset starts the layer */
            layer_off = blk.offset;
        for (size_t i = 0; i < blk.len && s == NNACT_OK; i++) {
            acc += m;
            if (acc < P) continue; /* not one of the chosen */
            acc -= P;
            const size_t at = blk.offset + i;
            const double th = p[at], st = step_for(c->h, th), tp = th + st, tm = th - st;
            double Lp, Lm;
            p[at] = tp;
            s = eval_loss(c->net, c->k, c->lp, c->batch, c->x, c->t, c->y, NULL, &Lp);
            p[at] = tm;
            if (s == NNACT_OK)
                s = eval_loss(c->net, c->k, c->lp, c->batch, c->x, c->t, c->y, NULL, &Lm);
            p[at] = th; /* bit-for-bit the value it had */
            /* divide by the step actually taken: tp - tm is exact, unlike 2h */
            const double num = (Lp - Lm) / (tp - tm), an = g[at];
            const double den = fmax(fmax(fabs(an), fabs(num)), c->floor_abs);
            double err = fabs(an - num) / den;
            if (isnan(err)) err = INFINITY; /* a NaN must not pass as a small error */
            double *le = layer_err ? &layer_err[2 * blk.layer + (blk.is_bias ? 1 : 0)] : NULL;
            if (le && err > *le) *le = err;
            if (err > res->worst || res->checked == 0) {
                res->worst = err;
                res->layer = blk.layer;
                res->index = at - layer_off;
            }
            res->checked++;
        }
    }
    return s;
}

static nnact_status gradcheck(const char *who, nnact_net *net, nnact_loss_kind k, double lp,
                              size_t batch, const double *x, const double *t, double h,
                              uint64_t max, double *layer_err, struct gc_result *res)
{
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(!(h >= 0.0) || isinf(h), NNACT_ERR_ARG,
                    "%s: h must be finite and > 0, or NNACT_GRADCHECK_AUTO (0); got %g", who, h);
    const size_t n_layers = nnact_net_layer_count(net);
    NNACT_RETURN_IF(n_layers == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);
    NNACT_FORWARD_IF_ERROR(check_steps(who, net, h));

    const size_t n_out = nnact_net_output_size(net);
    size_t ny, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(batch, n_out, &ny) || !nnact__matrix_bytes(ny, 2, &bytes),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu overflows", who, batch);
    double *y = nnact__calloc(2 * ny, sizeof(double));
    NNACT_RETURN_IF(y == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double L;
    nnact_status s = analytic(who, net, k, lp, batch, x, t, y, &L);
    if (s == NNACT_OK) {
        /* below this the centered difference cannot resolve a gradient (see gradcheck.h) */
        const struct gc_pass c = {net,   k, lp, h, NNACT_GRADCHECK_FLOOR * fmax(1.0, fabs(L)),
                                  batch, x, t,  y};
        if (layer_err) memset(layer_err, 0, 2 * n_layers * sizeof(double));
        memset(res, 0, sizeof *res);
        s = compare(&c, max, layer_err, res);
        /* leave the kept forward at the unperturbed parameters */
        if (s == NNACT_OK) s = eval_loss(net, k, lp, batch, x, t, y, NULL, &L);
    }
    nnact__free(y);
    return s;
}

nnact_status nnact_net_gradcheck_ex(nnact_net *net, nnact_loss_kind k, double loss_param,
                                    size_t batch, const double *x, const double *t, double h,
                                    double *max_rel_err, double *layer_err, size_t *worst_layer,
                                    size_t *worst_index)
{
    static const char who[] = "nnact_net_gradcheck";
    NNACT_RETURN_IF(net == NULL || x == NULL || t == NULL || max_rel_err == NULL, NNACT_ERR_ARG,
                    "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : x == NULL ? "x"
                    : t == NULL ? "t"
                                : "max_rel_err");
    struct gc_result r;
    NNACT_FORWARD_IF_ERROR(gradcheck(who, net, k, loss_param, batch, x, t, h, 0, layer_err, &r));
    *max_rel_err = r.worst;
    if (worst_layer) *worst_layer = r.layer;
    if (worst_index) *worst_index = r.index;
    return NNACT_OK;
}

nnact_status nnact_net_gradcheck(nnact_net *net, nnact_loss_kind k, size_t batch, const double *x,
                                 const double *t, double h, double *max_rel_err)
{
    return nnact_net_gradcheck_ex(net, k, NAN, batch, x, t, h, max_rel_err, NULL, NULL, NULL);
}

nnact_status nnact_net_gradcheck_run(nnact_net *net, nnact_loss_kind k, size_t batch,
                                     const double *x, const double *t,
                                     const nnact_gradcheck_config *cfg,
                                     nnact_gradcheck_report *report, double *layer_err)
{
    static const char who[] = "nnact_net_gradcheck_run";
    NNACT_RETURN_IF(net == NULL || x == NULL || t == NULL || report == NULL, NNACT_ERR_ARG,
                    "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : x == NULL ? "x"
                    : t == NULL ? "t"
                                : "report");
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "report", report, NNACT__GRADCHECK_REPORT_MIN));
    const nnact_gradcheck_config defaults = {NNACT_GRADCHECK_AUTO, NAN, 0};
    const nnact_gradcheck_config *c = cfg != NULL ? cfg : &defaults;
    struct gc_result r;
    NNACT_FORWARD_IF_ERROR(
        gradcheck(who, net, k, c->loss_param, batch, x, t, c->h, c->max_params, layer_err, &r));
    const nnact_gradcheck_report out = {sizeof out, r.worst, r.layer, r.index, r.checked};
    nnact__record_put(report, &out, sizeof out);
    return NNACT_OK;
}

/* ---- options ---- */

static const char *const gc_key_names[] = {"h", "loss_param", "max_params"};
#define GC_KEY_COUNT 3
_Static_assert(NNACT_GRADCHECK_PARAM_MAX_PARAMS + 1 == GC_KEY_COUNT,
               "a new nnact_gradcheck_param needs its name in gc_key_names");

static int is_real_key(nnact_gradcheck_param p)
{
    return p == NNACT_GRADCHECK_PARAM_H || p == NNACT_GRADCHECK_PARAM_LOSS_PARAM;
}

/* NNACT_OK when p is a key of the wanted type; the detail names it otherwise. */
static nnact_status check_key(const char *who, nnact_gradcheck_param p, int want_real)
{
    NNACT_RETURN_IF((unsigned)p >= GC_KEY_COUNT, NNACT_ERR_ARG, "%s: unknown key %d", who, (int)p);
    NNACT_RETURN_IF(is_real_key(p) != want_real, NNACT_ERR_ARG, "%s: key '%s' is %s", who,
                    gc_key_names[p], want_real ? "an integer" : "real");
    return NNACT_OK;
}

nnact_status nnact_gradcheck_config_create(nnact_gradcheck_config **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_gradcheck_config_create: out is NULL");
    *out = NULL;
    nnact_gradcheck_config *c = nnact__malloc(sizeof *c);
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_NOMEM, "nnact_gradcheck_config_create: out of memory");
    c->h = NNACT_GRADCHECK_AUTO;
    c->loss_param = NAN;
    c->max_params = 0;
    *out = c;
    return NNACT_OK;
}

void nnact_gradcheck_config_free(nnact_gradcheck_config *c)
{
    nnact__free(c);
}

nnact_status nnact_gradcheck_config_set_int(nnact_gradcheck_config *c, nnact_gradcheck_param p,
                                            uint64_t v)
{
    static const char who[] = "nnact_gradcheck_config_set_int";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    NNACT_FORWARD_IF_ERROR(check_key(who, p, 0));
    NNACT_RETURN_IF(v > SIZE_MAX, NNACT_ERR_ARG, "%s: max_params = %llu is above SIZE_MAX", who,
                    (unsigned long long)v);
    c->max_params = v;
    return NNACT_OK;
}

nnact_status nnact_gradcheck_config_get_int(const nnact_gradcheck_config *c,
                                            nnact_gradcheck_param p, uint64_t *v)
{
    static const char who[] = "nnact_gradcheck_config_get_int";
    NNACT_RETURN_IF(c == NULL || v == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "v");
    NNACT_FORWARD_IF_ERROR(check_key(who, p, 0));
    *v = c->max_params;
    return NNACT_OK;
}

nnact_status nnact_gradcheck_config_set_real(nnact_gradcheck_config *c, nnact_gradcheck_param p,
                                             double v)
{
    static const char who[] = "nnact_gradcheck_config_set_real";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    NNACT_FORWARD_IF_ERROR(check_key(who, p, 1));
    if (p == NNACT_GRADCHECK_PARAM_H) {
        NNACT_RETURN_IF(!(v >= 0.0) || isinf(v), NNACT_ERR_ARG,
                        "%s: h = %g must be finite and > 0, or NNACT_GRADCHECK_AUTO (0)", who, v);
        c->h = v;
    } else {
        c->loss_param = v; /* the run checks it against the loss kind */
    }
    return NNACT_OK;
}

nnact_status nnact_gradcheck_config_get_real(const nnact_gradcheck_config *c,
                                             nnact_gradcheck_param p, double *v)
{
    static const char who[] = "nnact_gradcheck_config_get_real";
    NNACT_RETURN_IF(c == NULL || v == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "v");
    NNACT_FORWARD_IF_ERROR(check_key(who, p, 1));
    *v = p == NNACT_GRADCHECK_PARAM_H ? c->h : c->loss_param;
    return NNACT_OK;
}
