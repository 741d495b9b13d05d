/**
 * @file nnact/collapse.h
 * @brief Linearity collapse: a network whose every activation is linear is one
 *        affine map y = x K + c. Compute it (matrix-chain order), check it against
 *        the network with an a-priori rounding bound, fuse linear runs inside any
 *        network, and take the local affine map of a piecewise-linear network.
 *        The matrix analysis the collapse is studied with (singular values,
 *        rank, condition number, truncated SVD, least-squares affine fit) is
 *        declared in nnact/linalg.h, included here so that programs written
 *        against 1.0, which found it in this header, still compile.
 *
 * Shapes are row-major: K is n_in x n_out, c is n_out, a batch x is
 * batch x n_in. Arrays are caller-owned; out-arrays are written only on
 * success. docs/collapse.md gives the argument, the algorithm and the bound.
 *
 * A network with an input scaling (nnact_net_set_input_scaling(), since 1.1)
 * is the map of its layers applied to (x - shift) / scale, and every call here
 * describes the whole map: nnact_net_collapse() and nnact_net_local_affine()
 * return K' = diag(1/scale) K and c' = c - (shift/scale) K (K, c those of the
 * layers; an entry may overflow to +-Inf for a tiny scale, as a product of
 * large weights may), the check compares it with the network and counts the
 * scaling as one more layer of width n_in in its bound, nnact_net_fuse_linear()
 * gives the new network the same scaling and names (class, input and target
 * names, nnact/net.h), and the flops and
 * order of nnact_net_collapse_ex()/_order() are those of the weight chain.
 */
#ifndef NNACT_COLLAPSE_H
#define NNACT_COLLAPSE_H

#include <stddef.h>

#include "nnact/export.h"
#include "nnact/linalg.h"
#include "nnact/net.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief For a network whose every activation is linear (nnact_act_is_linear()),
 *        K (n_in x n_out) and c (n_out) with net(x) = x K + c up to rounding.
 *
 * The weight chain W0 W1 ... W(L-1) is multiplied in the order of fewest
 * flops (matrix-chain dynamic program over the widths), every product one
 * cblas_dgemm; the biases are folded layer by layer (c = net(0)). A network
 * with no layers is the identity map (K = I, c = 0); with one layer K = W0, c = b0.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, K or c); NNACT_ERR_NONLINEAR
 *         (nnact_last_error() names the first nonlinear layer and its kind);
 *         NNACT_ERR_NUMERIC (a NaN or infinite weight or bias, named in
 *         nnact_last_error()); NNACT_ERR_OVERFLOW (a product's size overflows,
 *         before any allocation); NNACT_ERR_NOMEM. K and c are untouched on failure.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_collapse(const nnact_net *net, double *K, double *c);

/**
 * @brief As nnact_net_collapse(), also reporting the cost of the weight chain:
 *        *flops of the order used and *naive_flops of the left-to-right order
 *        ((W0 W1) W2) ..., each product m x k by k x n counted as 2 m k n.
 *        Folding the biases adds the same sum of 2 n(l) n(l+1) + n(l+1) to both.
 * @param flops, naive_flops may be NULL (not wanted).
 * @return as nnact_net_collapse().
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_collapse_ex(const nnact_net *net, double *K, double *c,
                                             double *flops, double *naive_flops);

/**
 * @brief The order nnact_net_collapse() multiplies in, without multiplying:
 *        a parenthesised product such as "W0 ((W1 W2) W3)" (layers numbered
 *        from 0; "" for a network without layers), and the flops of that order
 *        and of the left-to-right one.
 * @param order NULL (not wanted) or a buffer of order_size bytes.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, order_size too small: the detail
 *         states the size needed); NNACT_ERR_NONLINEAR; NNACT_ERR_OVERFLOW (a
 *         product beyond size_t or the BLAS's int); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_collapse_order(const nnact_net *net, char *order,
                                                size_t order_size, double *flops,
                                                double *naive_flops);

/**
 * @brief Runs the network (nnact_net_predict()) and x K + c on the caller's
 *        batch and returns the largest absolute difference and the largest
 *        relative one, |d| / max(|net(x)|, |x K + c|) (0 where both are 0).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, x or outputs, batch 0);
 *         NNACT_ERR_STATE (a network without layers: there is nothing to run,
 *         as for nnact_net_predict()); NNACT_ERR_NUMERIC (a NaN or infinite
 *         input); NNACT_ERR_OVERFLOW (batch sizes, before x is read); the
 *         statuses of nnact_net_collapse() and nnact_net_predict().
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_collapse_check(const nnact_net *net, size_t batch, const double *x,
                                                double *max_abs_err, double *max_rel_err);

/**
 * @brief As nnact_net_collapse_check(), also returning the a-priori rounding
 *        bound. Element by element, |net(x) - (x K + c)| <= B with
 *        B = 2 g(S) / (1 - g(S)) * (|x~| |W~0| ... |W~(L-1)|), where W~ = [W 0; b 1]
 *        and x~ = [x 1] are the augmented affine maps, S = sum over layers of
 *        (n_in(l) + 1), g(k) = k u / (1 - k u), u = 2^-53 (underflow ignored).
 *        *bound is the largest B over the batch and *ratio the largest |d| / B
 *        (<= 1 whenever the analysis holds; 0 where B and d are both 0).
 * @param bound, ratio may be NULL (not wanted).
 * @return as nnact_net_collapse_check().
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_collapse_check_ex(const nnact_net *net, size_t batch,
                                                   const double *x, double *max_abs_err,
                                                   double *max_rel_err, double *bound,
                                                   double *ratio);

/**
 * @brief A NEW network computing the same function with fewer flops per
 *        sample: every maximal run of consecutive linear layers, together with
 *        the layer that follows it (whose affine part it feeds: f(y K + c) with
 *        y = affine), is split into the segments of fewest flops per sample
 *        (2 n_in n_out + n_out per layer; a dynamic program over the run's
 *        widths) and each segment becomes one layer with the activation of its
 *        last layer. Nonlinear layers stay; `net` is not modified. A network
 *        with nothing worth merging comes back as an equal copy.
 *
 * Outputs agree with `net` within the bound of nnact_net_collapse_check_ex()
 * for linear layers and the exactly computed 1-Lipschitz kinds with
 * |f(z)| <= |z| (ReLU, hard tanh, ReLU6; leaky ReLU with |alpha| <= 1 adds one
 * rounding per layer); see docs/collapse.md.
 * A merged layer has a bias unless every layer it replaces has none.
 * @param out receives the new network; NULL on failure.
 * @param layer_map NULL or nnact_net_layer_count(net) entries: layer_map[l] is
 *        the layer of *out that layer l of `net` went into.
 * @param flops_before, flops_after NULL or flops per sample of `net` and *out.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or out); NNACT_ERR_NUMERIC (NaN or
 *         infinite weight in a run being merged); NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_fuse_linear(const nnact_net *net, nnact_net **out,
                                             size_t *layer_map, double *flops_before,
                                             double *flops_after);

/**
 * @brief For a network of piecewise-linear layers (identity, ReLU, leaky ReLU,
 *        hard tanh, ReLU6, hard sigmoid, softshrink), the affine map the network
 *        applies at x: net(x') = x' K(x) + c(x) for every x' in the region of x.
 *
 * Each layer's piece is the one whose slope is the library's derivative at the
 * pre-activation z = y W + b (computed with one cblas_dgemm per layer, as
 * nnact_net_predict() does for one sample). At a kink that is PyTorch's
 * one-sided choice: ReLU at 0 takes the flat piece, hard tanh at +-1 the
 * saturated one, leaky ReLU at 0 the slope-alpha piece. The functions are
 * continuous, so both pieces give the same value at x itself.
 * @param x one input (n_in); K: n_in x n_out; c: n_out.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL argument); NNACT_ERR_NONLINEAR (a layer
 *         whose kind is not piecewise linear, named in nnact_last_error());
 *         NNACT_ERR_NUMERIC (NaN or infinite input, weight or pre-activation);
 *         NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_local_affine(const nnact_net *net, const double *x, double *K,
                                              double *c);

NNACT_END_DECLS

#endif /* NNACT_COLLAPSE_H */
