/* nnact_net_train_step: forward, loss, backward, update, as one flow with as
 * few passes over memory as the products allow (docs/PERFORMANCE.md,
 * docs/OPTIMIZERS.md):
 *
 *   check the arguments once -> the optimizer's run for this step (its
 *   learning rate passed in as a value) -> forward reading x in place -> the
 *   loss straight into the top layer's dZ buffer -> finite check of the loss
 *   -> the network's backward-and-update with that run -> forget the forward.
 *
 * The network (nnact__net_backward_update) proves the weight gradients
 * finite from a bound, and the optimizer proves the update's result finite
 * (nnact__opt_proves_finite), before anything is updated; then each layer is
 * updated right after its weight product (plain SGD folded into the
 * product). When either bound cannot prove it, or with global-norm clipping,
 * the network computes every gradient and runs the optimizer's checked step
 * (a dry run of the rule before it writes): same statuses, same details,
 * nothing changed on failure. */
#include <math.h>

#include "core/error.h"
#include "loss/loss_internal.h"
#include "net/net_internal.h"
#include "nnact/train.h"
#include "optim/optim_internal.h"
#include "train/train_internal.h"

/* Everything refused before anything runs: afterwards only the optimizer's
   binding (SHAPE, OVERFLOW, NOMEM), the forward's buffers and a non-finite
   loss or gradient can fail, each with nothing changed. */
static nnact_status check_args(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                               const double *x, const double *t, double lr, double *loss,
                               const char *who)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "%s: optimizer is NULL", who);
    NNACT_RETURN_IF(x == NULL || t == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    x == NULL ? "x" : "t");
    NNACT_RETURN_IF(loss == NULL, NNACT_ERR_ARG, "%s: loss is NULL", who);
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(!isnan(lr) && !(isfinite(lr) && lr >= 0.0), NNACT_ERR_ARG,
                    "%s: learning rate %g must be finite and >= 0", who, lr);
    NNACT_RETURN_IF(nnact_net_layer_count(net) == 0, NNACT_ERR_STATE, "%s: network has no layers",
                    who);
    const size_t n_out = nnact_net_output_size(net);
    NNACT_RETURN_IF(nnact_loss_target_width(k, n_out) == 0, NNACT_ERR_ARG,
                    "%s: unknown loss kind %d", who, (int)k);
    /* a foreign network and bad targets */
    NNACT_FORWARD_IF_ERROR(nnact__opt_check_length(o, nnact__net_param_count(net), who));
    return nnact__loss_check_targets(who, k, batch, n_out, t);
}

static nnact_status after_forward(nnact_net *net, struct nnact__opt_run *run, nnact_loss_kind k,
                                  size_t batch, const double *t, double *loss, const char *who)
{
    const size_t n_out = nnact_net_output_size(net);
    double L = NAN;
    NNACT_FORWARD_IF_ERROR(
        nnact_loss(k, batch, n_out, nnact__net_output(net), t, &L, nnact__net_dy_buffer(net)));
    *loss = L;
    NNACT_RETURN_IF(run->check_finite && !isfinite(L), NNACT_ERR_NUMERIC,
                    "%s: loss is %g; network and optimizer left unchanged", who, L);
    return nnact__net_backward_update(net, run, who);
}

nnact_status nnact__train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                               const double *x, const double *t, double lr, double *loss,
                               const char *who)
{
    NNACT_FORWARD_IF_ERROR(check_args(net, o, k, batch, x, t, lr, loss, who));
    struct nnact__opt_run run;
    nnact__opt_run_init(o, lr, &run);
    NNACT_FORWARD_IF_ERROR(nnact__net_forward_borrow(net, batch, x));
    nnact_status s = after_forward(net, &run, k, batch, t, loss, who);
    /* the kept forward reads the caller's x in place: keep none past the call */
    nnact__net_forget_forward(net);
    return s;
}

nnact_status nnact_net_train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                  const double *x, const double *t, double *loss)
{
    return nnact__train_step(net, o, k, batch, x, t, NAN, loss, "nnact_net_train_step");
}
