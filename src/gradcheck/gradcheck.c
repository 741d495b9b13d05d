/* Gradient check: backprop against centered differences, parameter by parameter. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "net/net_internal.h"

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
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(!(h >= 0.0) || isinf(h), NNACT_ERR_ARG,
                    "%s: h must be finite and > 0, or NNACT_GRADCHECK_AUTO (0); got %g", who, h);
    const size_t n_layers = nnact_net_layer_count(net);
    NNACT_RETURN_IF(n_layers == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);

    size_t P;
    double *p = nnact__net_params(net, &P);
    /* Refuse a step that vanishes against a parameter before touching anything. */
    for (size_t b = 0, nb = nnact__net_block_count(net); b < nb; b++) {
        struct nnact__net_block blk;
        (void)nnact__net_block(net, b, &blk);
        for (size_t i = 0; i < blk.len; i++) {
            const double th = blk.param[i], s = step_for(h, th);
            NNACT_RETURN_IF(!isfinite(th), NNACT_ERR_NUMERIC,
                            "%s: layer %zu %s[%zu] is %g: no derivative to check", who,
                            blk.layer, blk.is_bias ? "b" : "W", i, th);
            NNACT_RETURN_IF(!(th + s > th && th - s < th), NNACT_ERR_ARG,
                            "%s: layer %zu %s[%zu] = %g: theta + h == theta (h = %g)", who,
                            blk.layer, blk.is_bias ? "b" : "W", i, th, s);
        }
    }

    const size_t n_out = nnact_net_output_size(net);
    size_t ny, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(batch, n_out, &ny) || !nnact__matrix_bytes(ny, 2, &bytes),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu overflows", who, batch);
    double *y = nnact__calloc(2 * ny, sizeof(double));
    NNACT_RETURN_IF(y == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double *dy = y + ny, L;
    /* kind, parameter and targets are checked before the network changes */
    nnact_status s = nnact_loss_ex(k, loss_param, batch, n_out, y, t, &L, NULL);
    if (s == NNACT_OK) s = nnact_net_reserve(net, batch);
    if (s == NNACT_OK) s = eval_loss(net, k, loss_param, batch, x, t, y, dy, &L);
    if (s == NNACT_OK && !isfinite(L))
        s = nnact__fail(NNACT_ERR_NUMERIC, "%s: the loss is %g at the given parameters", who, L);
    if (s == NNACT_OK) s = nnact_net_backward(net, dy, NULL);
    if (s != NNACT_OK) {
        nnact__free(y);
        return s;
    }
    const double *g = nnact__net_grads(net, NULL); /* allocated by the first forward */

    /* below this the centered difference cannot resolve a gradient (see net.h) */
    const double floor_abs = NNACT_GRADCHECK_FLOOR * fmax(1.0, fabs(L));
    double worst = 0.0;
    size_t wl = 0, wi = 0, layer_off = 0;
    if (layer_err) memset(layer_err, 0, 2 * n_layers * sizeof(double));
    for (size_t b = 0, nb = nnact__net_block_count(net); b < nb && s == NNACT_OK; b++) {
        struct nnact__net_block blk;
        (void)nnact__net_block(net, b, &blk);
        if (!blk.is_bias) /* a layer's W block comes first: its offset starts the layer */
            layer_off = blk.offset;
        for (size_t i = 0; i < blk.len && s == NNACT_OK; i++) {
            const size_t at = blk.offset + i;
            const double th = p[at], st = step_for(h, th), tp = th + st, tm = th - st;
            double Lp, Lm;
            p[at] = tp;
            s = eval_loss(net, k, loss_param, batch, x, t, y, NULL, &Lp);
            p[at] = tm;
            if (s == NNACT_OK) s = eval_loss(net, k, loss_param, batch, x, t, y, NULL, &Lm);
            p[at] = th; /* bit-for-bit the value it had */
            /* divide by the step actually taken: tp - tm is exact, unlike 2h */
            const double num = (Lp - Lm) / (tp - tm), an = g[at];
            const double den = fmax(fmax(fabs(an), fabs(num)), floor_abs);
            double err = fabs(an - num) / den;
            if (isnan(err)) err = INFINITY; /* a NaN must not pass as a small error */
            double *le = layer_err ? &layer_err[2 * blk.layer + (blk.is_bias ? 1 : 0)] : NULL;
            if (le && err > *le) *le = err;
            if (err > worst || (b == 0 && i == 0)) {
                worst = err;
                wl = blk.layer;
                wi = at - layer_off;
            }
        }
    }
    /* leave the kept forward at the unperturbed parameters */
    if (s == NNACT_OK) s = eval_loss(net, k, loss_param, batch, x, t, y, NULL, &L);
    nnact__free(y);
    NNACT_FORWARD_IF_ERROR(s);
    *max_rel_err = worst;
    if (worst_layer) *worst_layer = wl;
    if (worst_index) *worst_index = wi;
    return NNACT_OK;
}

nnact_status nnact_net_gradcheck(nnact_net *net, nnact_loss_kind k, size_t batch, const double *x,
                                 const double *t, double h, double *max_rel_err)
{
    return nnact_net_gradcheck_ex(net, k, NAN, batch, x, t, h, max_rel_err, NULL, NULL, NULL);
}
