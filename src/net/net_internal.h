/* Internal: the network's layout, for the modules above it (optimizers and
 * training, collapse, io, gradcheck) that must work on its parameters in place.
 *
 * Parameters live in ONE contiguous array of nnact__net_param_count() doubles,
 * layer by layer, each layer's W (n_in x n_out, row-major) followed by its b
 * (n_out doubles, absent for NNACT_DENSE_NO_BIAS). The gradients of the last
 * backward live in a second array with exactly the same layout (allocated with
 * the batch buffers: NULL before the first forward or reserve). So a whole
 * optimizer step is one call on (params, grads, count), no copies:
 *
 *     size_t n;
 *     double *p = nnact__net_params(net, &n);
 *     const double *g = nnact__net_grads(net, &n);
 *     nnact_opt_step(opt, n, p, g);
 *
 * Per-layer views (nnact__net_block) give the same memory split into W and b
 * blocks, e.g. for weight decay that skips biases.
 *
 * The pointers stay valid until the network changes shape (add_dense) or is
 * freed. Writing parameters through them is allowed at any time; the kept
 * forward state is not invalidated (a later backward uses the kept activations
 * for dW and the current W for dx), exactly as after nnact_net_set_layer(). */
#ifndef NNACT_NET_INTERNAL_H
#define NNACT_NET_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "nnact/net.h"

/* All parameters (*n receives the count; n may be NULL). NULL when there are none. */
NNACT_HIDDEN double *nnact__net_params(nnact_net *net, size_t *n);
/* All gradients, same layout; meaningful only after a backward that wrote
 * them (nnact_net_get_grads accepts). */
NNACT_HIDDEN double *nnact__net_grads(nnact_net *net, size_t *n);
NNACT_HIDDEN size_t nnact__net_param_count(const nnact_net *net);

/* One parameter block: a layer's W or b, with its gradient. */
struct nnact__net_block {
    double *param;
    double *grad;
    size_t len;    /* doubles */
    size_t offset; /* of param in the flat array */
    size_t layer;
    int is_bias;
};
/* Number of blocks: one per layer plus one per layer with bias. */
NNACT_HIDDEN size_t nnact__net_block_count(const nnact_net *net);
/* Block i in flat order (layer 0 W, layer 0 b, layer 1 W, ...). 0 when i is out of range. */
NNACT_HIDDEN int nnact__net_block(nnact_net *net, size_t i, struct nnact__net_block *out);

/* The training step (src/train/train_step.c), in this order:
 *
 *     nnact__net_forward_borrow(net, B, x);          // forward, y stays inside
 *     const double *y = nnact__net_output(net);      // B x n_out of that forward
 *     double *dy = nnact__net_dy_buffer(net);        // scratch of >= B x n_out
 *     nnact_loss(k, B, n_out, y, t, &L, dy);         // dL/dy straight into it
 *     nnact__net_backward_update(net, &run, who);    // backward + optimizer step
 *     nnact__net_forget_forward(net);
 *
 * nnact__net_forward_borrow: nnact_net_forward without the copies of x and y
 * (same checks, same statuses, errors named as nnact_net_forward): it reads x
 * in place (with an input scaling it writes (x - shift) / scale into the
 * network's input buffer instead, which costs no allocation and reads x once),
 * so x must stay unchanged until the backward is done and
 * nnact__net_forget_forward() called (the network then keeps no forward, so
 * nothing later reads x). Output and dy buffer are NULL while no forward is
 * kept; both are invalidated by the next forward at a larger batch,
 * add_dense or free. nnact_net_backward also accepts dy in the dy buffer (it
 * differentiates in place there).
 *
 * nnact__net_backward_update: the backward from the gradient in the dy buffer
 * (clobbered: it is the top layer's dL/dZ buffer) and one step of the
 * optimizer run `r` (optim_internal.h) over all parameters. It computes every
 * layer's dZ, db and the input-gradient chain first, each before any W
 * changes, and, when the run checks finiteness, a bound on every weight
 * product's partial sums; when that bound proves dW finite (or the run does
 * not check) and the run is layerwise, each layer is updated right after its
 * weight product while dW is in cache (plain SGD folded into the product,
 * dW never stored: nnact_net_get_grads then refuses). Otherwise every dW is
 * computed and the optimizer's checked step runs (nnact__opt_step_run): same
 * statuses and details; on NNACT_ERR_NUMERIC, SHAPE, OVERFLOW or NOMEM the
 * parameters and the optimizer are unchanged. Needs a kept forward and an
 * optimizer whose length the caller checked (nnact__opt_check_length). */
struct nnact__opt_run;
NNACT_HIDDEN nnact_status nnact__net_forward_borrow(nnact_net *net, size_t batch, const double *x);
NNACT_HIDDEN const double *nnact__net_output(const nnact_net *net);
NNACT_HIDDEN double *nnact__net_dy_buffer(nnact_net *net);
NNACT_HIDDEN nnact_status nnact__net_backward_update(nnact_net *net, struct nnact__opt_run *r,
                                                     const char *who);
NNACT_HIDDEN void nnact__net_forget_forward(nnact_net *net);

#endif /* NNACT_NET_INTERNAL_H */
