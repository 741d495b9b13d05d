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
/* All gradients, same layout; meaningful only when nnact__net_has_grad(). */
NNACT_HIDDEN double *nnact__net_grads(nnact_net *net, size_t *n);
NNACT_HIDDEN size_t nnact__net_param_count(const nnact_net *net);
/* 1 when a backward has run since the network last changed shape. */
NNACT_HIDDEN int nnact__net_has_grad(const nnact_net *net);

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

/* Read-only view of layer l's parameters (b NULL for a no-bias layer). 0 when out of range. */
NNACT_HIDDEN int nnact__net_layer_view(const nnact_net *net, size_t l, const double **W,
                                       const double **b);

/* An allocation-free training step without caller buffers:
 *
 *     nnact__net_forward_keep(net, B, x);            // forward, y stays inside
 *     const double *y = nnact__net_output(net);      // B x n_out of that forward
 *     double *dy = nnact__net_dy_buffer(net);        // scratch of >= B x n_out
 *     nnact_loss(k, B, n_out, y, t, &L, dy);
 *     nnact_net_backward(net, dy, NULL);             // dy may live in that buffer
 *
 * nnact__net_forward_keep is nnact_net_forward without the copy into y (same
 * checks, same statuses, errors named as nnact_net_forward). Output and
 * dy buffer are NULL while no forward is kept; both are invalidated by the next
 * forward at a larger batch, add_dense or free. nnact_net_backward accepts dy
 * in the dy buffer (it differentiates in place there); the buffer's content
 * is clobbered by backward (it is the top layer's dL/dZ buffer). */
NNACT_HIDDEN nnact_status nnact__net_forward_keep(nnact_net *net, size_t batch, const double *x);
NNACT_HIDDEN const double *nnact__net_output(const nnact_net *net);
NNACT_HIDDEN double *nnact__net_dy_buffer(nnact_net *net);

/* The training step's pieces (src/train/train_step.c), after
 * nnact__net_forward_borrow + nnact_loss into nnact__net_dy_buffer:
 *
 * nnact__net_forward_borrow: nnact__net_forward_keep that reads x in place
 * instead of copying it; x must stay unchanged until the backward is done and
 * nnact__net_forget_forward() called (the network then keeps no forward, so
 * nothing later reads x).
 *
 * nnact__net_backward_dz: the backward without the weight products: each
 * layer's dL/dZ kept in its own buffer, every db (column sums of dZ) written to
 * the gradient array, the input-gradient chain dX = dZ W^T computed with the
 * current W. dW is NOT written; nnact_net_get_grads refuses until
 * nnact__net_mark_grads. With want_bound it returns an upper bound on every
 * partial sum of every weight product X^T dZ (B max|X| max|dZ| per layer,
 * +Inf when some dZ or X is not finite); so a bound far below DBL_MAX proves
 * dW finite before it is computed.
 *
 * nnact__net_layer_grad: layer l's dW product into the gradient array; returns
 * the layer's offset in the flat parameter array (W there, b right after).
 * nnact__net_layer_sgd: W <- decay W - lr X^T dZ in one product (dW never
 * stored) and b <- decay b - lr db. */
NNACT_HIDDEN nnact_status nnact__net_forward_borrow(nnact_net *net, size_t batch, const double *x);
NNACT_HIDDEN void nnact__net_forget_forward(nnact_net *net);
NNACT_HIDDEN double nnact__net_backward_dz(nnact_net *net, int want_bound);
NNACT_HIDDEN size_t nnact__net_layer_grad(nnact_net *net, size_t l);
NNACT_HIDDEN void nnact__net_layer_sgd(nnact_net *net, size_t l, double lr, double decay);
NNACT_HIDDEN void nnact__net_mark_grads(nnact_net *net);

#endif /* NNACT_NET_INTERNAL_H */
