/* nnact_net_train_step: forward, loss, backward, update, with as few passes
 * over memory as the products allow (docs/PERFORMANCE.md, docs/OPTIMIZERS.md):
 *
 * - the forward reads x in place (no copy), the loss reads the network's
 *   output and writes its gradient straight into the top layer's dZ buffer;
 * - the backward first computes every layer's dZ, db (column sums) and the
 *   input-gradient chain, and proves every weight gradient finite from a bound
 *   (nnact__net_backward_dz) BEFORE anything is updated;
 * - then layer by layer: plain SGD folds the update into the weight product
 *   (W <- decay W - lr X^T dZ, one dgemm, dW never stored); any other
 *   optimizer updates the layer right after its dW product, while dW is still
 *   in cache, with no separate all-finite pass over the gradients.
 * When the bound cannot prove the gradients finite (a NaN/Inf in some dZ, or
 * values so large a product might overflow), or with global-norm clipping
 * (which needs the whole gradient first), every dW is computed and the
 * optimizer's checked step runs as before: same statuses, same details. */
#include <math.h>

#include "core/error.h"
#include "loss/loss_internal.h"
#include "net/net_internal.h"
#include "nnact/train.h"
#include "optim/optim_internal.h"
#include "train/train_internal.h"

/* Below this, B max|X| max|dZ| (times lr when lr > 1, for the fused SGD
 * product's alpha) leaves every partial sum of a weight product, including
 * its rounding error, far from DBL_MAX (2^1024). */
#define PRODUCT_SAFE 0x1p1020

static nnact_status after_forward(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                  const double *t, double *loss, size_t np, const char *who)
{
    const size_t n_out = nnact_net_output_size(net);
    double L = NAN;
    NNACT_FORWARD_IF_ERROR(
        nnact_loss(k, batch, n_out, nnact__net_output(net), t, &L, nnact__net_dy_buffer(net)));
    *loss = L;
    const int check = nnact__opt_checks_finite(o);
    NNACT_RETURN_IF(check && !isfinite(L), NNACT_ERR_NUMERIC,
                    "%s: loss is %g; network and optimizer left unchanged", who, L);

    double *params = nnact__net_params(net, NULL);
    const size_t nl = nnact_net_layer_count(net);
    if (nnact__opt_layerwise(o)) {
        double lr = 0.0, decay = 1.0;
        const int fused = nnact__opt_fused_sgd(o, &lr, &decay);
        const double bound = nnact__net_backward_dz(net, check);
        const double scale = fused && lr > 1.0 ? lr : 1.0;
        if (!check || bound * scale <= PRODUCT_SAFE) {
            struct nnact__opt_run r;
            NNACT_FORWARD_IF_ERROR(nnact__opt_begin(o, np, &r, who));
            const double *grads = nnact__net_grads(net, NULL);
            for (size_t l = nl; l-- > 0;) {
                if (fused) {
                    nnact__net_layer_sgd(net, l, lr, decay);
                    continue;
                }
                size_t n_in = 0, n_lo = 0;
                unsigned flags = 0;
                (void)nnact_net_layer_info(net, l, &n_in, &n_lo, NULL, NULL, &flags);
                const size_t off = nnact__net_layer_grad(net, l);
                const size_t len = n_in * n_lo + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : n_lo);
                nnact__opt_update(o, &r, off, len, params + off, grads + off);
            }
            nnact__opt_end(o, &r);
            /* with the fused SGD product no dW exists: the gradients stay unreadable */
            if (!fused) nnact__net_mark_grads(net);
            return NNACT_OK;
        }
        /* not proved finite: compute every dW, the checked step below names
           the first non-finite gradient and changes nothing */
        for (size_t l = nl; l-- > 0;)
            (void)nnact__net_layer_grad(net, l);
        nnact__net_mark_grads(net);
    } else {
        NNACT_FORWARD_IF_ERROR(nnact_net_backward(net, nnact__net_dy_buffer(net), NULL));
    }
    struct nnact__opt_seg seg = {params, nnact__net_grads(net, NULL), np};
    return nnact__opt_step_segments(o, 1, &seg, who);
}

nnact_status nnact_net_train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                  const double *x, const double *t, double *loss)
{
    return nnact__train_step(net, o, k, batch, x, t, NAN, loss, "nnact_net_train_step");
}

static nnact_status checked_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                 const double *x, const double *t, double *loss, const char *who);

/* TEMPORARY (architecture issue, item 3 replaces it): the rate is still
   parked in the optimizer around the step */
nnact_status nnact__train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                               const double *x, const double *t, double lr, double *loss,
                               const char *who)
{
    double base = NAN;
    if (!isnan(lr) && o != NULL) {
        NNACT_FORWARD_IF_ERROR(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &base));
        NNACT_FORWARD_IF_ERROR(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr));
    }
    nnact_status s = checked_step(net, o, k, batch, x, t, loss, who);
    if (!isnan(base)) nnact_opt_set(o, NNACT_OPT_PARAM_LR, base);
    return s;
}

static nnact_status checked_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                 const double *x, const double *t, double *loss, const char *who)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "%s: optimizer is NULL", who);
    NNACT_RETURN_IF(x == NULL || t == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    x == NULL ? "x" : "t");
    NNACT_RETURN_IF(loss == NULL, NNACT_ERR_ARG, "%s: loss is NULL", who);
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(nnact_net_layer_count(net) == 0, NNACT_ERR_STATE, "%s: network has no layers",
                    who);
    const size_t n_out = nnact_net_output_size(net);
    NNACT_RETURN_IF(nnact_loss_target_width(k, n_out) == 0, NNACT_ERR_ARG,
                    "%s: unknown loss kind %d", who, (int)k);
    const size_t np = nnact__net_param_count(net);
    /* refuse a foreign network and bad targets before anything runs */
    NNACT_FORWARD_IF_ERROR(nnact__opt_check_length(o, np, who));
    NNACT_FORWARD_IF_ERROR(nnact__loss_check_targets(who, k, batch, n_out, t));

    NNACT_FORWARD_IF_ERROR(nnact__net_forward_borrow(net, batch, x));
    nnact_status s = after_forward(net, o, k, batch, t, loss, np, who);
    /* the kept forward reads the caller's x in place: keep none past the call */
    nnact__net_forget_forward(net);
    return s;
}
