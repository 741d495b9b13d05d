/* nnact_net_train_step: forward, loss, backward, update, on the network's one
 * flat parameter array (net_internal.h), so the optimizer step is a single
 * nnact__opt_step_segments call with no copies. */
#include <math.h>

#include "core/checked.h"
#include "core/error.h"
#include "net/net_internal.h"
#include "nnact/train.h"
#include "optim/optim_internal.h"

nnact_status nnact_net_train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t batch,
                                  const double *x, const double *t, double *loss)
{
    static const char who[] = "nnact_net_train_step";
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
    size_t np = 0;
    double *params = nnact__net_params(net, &np);
    /* refuse a foreign network before anything runs */
    NNACT_FORWARD_IF_ERROR(nnact__opt_check_length(o, np, who));

    /* forward output and loss gradient live in the optimizer's scratch, which
       only grows: no allocation at a batch size already seen */
    size_t cells, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(batch, n_out, &cells) ||
                        !nnact__matrix_bytes(2, cells, &bytes),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu x %zu outputs overflows", who, batch, n_out);
    double *y = nnact__opt_scratch(o, bytes);
    NNACT_RETURN_IF(y == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double *dy = y + cells;

    NNACT_FORWARD_IF_ERROR(nnact_net_forward(net, batch, x, y));
    double L = NAN;
    NNACT_FORWARD_IF_ERROR(nnact_loss(k, batch, n_out, y, t, &L, dy));
    *loss = L;
    NNACT_RETURN_IF(nnact__opt_checks_finite(o) && !isfinite(L), NNACT_ERR_NUMERIC,
                    "%s: loss is %g; network and optimizer left unchanged", who, L);
    NNACT_FORWARD_IF_ERROR(nnact_net_backward(net, dy, NULL));
    struct nnact__opt_seg seg = {params, nnact__net_grads(net, NULL), np};
    return nnact__opt_step_segments(o, 1, &seg, who);
}
