/**
 * @file nnact/net.h
 * @brief Networks of dense layers: create, build, run forward and backward.
 *        Every matrix product is one cblas_dgemm call.
 *
 * A nnact_net is used by one thread at a time, except nnact_net_predict(),
 * which many threads may call at once on the same const network.
 */
#ifndef NNACT_NET_H
#define NNACT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/act.h"
#include "nnact/export.h"
#include "nnact/loss.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/** @brief Opaque network handle. @since 1.0 */
typedef struct nnact_net nnact_net;

/**
 * @brief New network with no layers taking n_inputs inputs.
 * @param out receives the handle; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (out NULL or n_inputs 0); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_create(size_t n_inputs, nnact_net **out);

/** @brief Frees the network and everything it owns; NULL is fine. @since 1.0 */
NNACT_API void nnact_net_free(nnact_net *net);

/** @brief Flag for nnact_net_add_dense_ex(): a layer without bias. @since 1.0 */
#define NNACT_DENSE_NO_BIAS 1u

/**
 * @brief Appends a dense layer Z = X W + b, Y = f(Z) with n_outputs outputs;
 *        weights start at zero (see nnact_net_init()).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, n_outputs 0, bad kind or parameter);
 *         NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM (network unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_add_dense(nnact_net *net, size_t n_outputs, nnact_act_kind act,
                                           double alpha);

/** @brief As nnact_net_add_dense() with flags (NNACT_DENSE_NO_BIAS). @since 1.0 */
NNACT_API nnact_status nnact_net_add_dense_ex(nnact_net *net, size_t n_outputs, nnact_act_kind act,
                                              double alpha, unsigned flags);

/** @brief Number of layers (0 for NULL). @since 1.0 */
NNACT_API size_t nnact_net_layer_count(const nnact_net *net);
/** @brief Inputs of the network (0 for NULL). @since 1.0 */
NNACT_API size_t nnact_net_input_size(const nnact_net *net);
/** @brief Outputs of the last layer, or the input size when there are no layers (0 for NULL). @since 1.0 */
NNACT_API size_t nnact_net_output_size(const nnact_net *net);

/**
 * @brief Describes layer `layer`: sizes, activation, its resolved parameter and flags.
 *        Any out-pointer may be NULL.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, layer out of range).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_layer_info(const nnact_net *net, size_t layer, size_t *n_in,
                                            size_t *n_out, nnact_act_kind *act, double *alpha,
                                            unsigned *flags);

/**
 * @brief Copies W (n_in x n_out, row-major) and b (n_out; NULL = zeros) into the layer.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or W, layer out of range, b given to a
 *         NNACT_DENSE_NO_BIAS layer).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_set_layer(nnact_net *net, size_t layer, const double *W,
                                           const double *b);

/**
 * @brief Copies the layer's W and b out (either may be NULL = not wanted;
 *        b of a no-bias layer is filled with zeros).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_get_layer(const nnact_net *net, size_t layer, double *W,
                                           double *b);

/**
 * @brief Runs the batch forward (x: batch x n_in, y: batch x n_out) and keeps
 *        what backward needs.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_forward(nnact_net *net, size_t batch, const double *x, double *y);

/**
 * @brief Backpropagates dy (batch x n_out of the last forward) into every
 *        layer's parameter gradients, and into dx (batch x n_in) when dx is not NULL.
 * @return NNACT_OK; NNACT_ERR_STATE before any forward; NNACT_ERR_ARG (NULL net or dy).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_backward(nnact_net *net, const double *dy, double *dx);

/** @brief Copies the layer's gradients from the last backward (dW n_in x n_out, db n_out; either may be NULL). @since 1.0 */
NNACT_API nnact_status nnact_net_get_grad(const nnact_net *net, size_t layer, double *dW,
                                          double *db);

/**
 * @brief Forward without keeping anything: safe from many threads at once on
 *        one network; same bits as nnact_net_forward() at the same BLAS thread count.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_predict(const nnact_net *net, size_t batch, const double *x,
                                         double *y);

/**
 * @brief Gradient check: centered differences on every parameter against backprop.
 * @param h step; a documented value (see docs) means "choose per parameter".
 * @param max_rel_err out: max |analytic - numeric| / max(|analytic|, |numeric|, floor).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_gradcheck(nnact_net *net, nnact_loss_kind k, size_t batch,
                                           const double *x, const double *t, double h,
                                           double *max_rel_err);

NNACT_END_DECLS

#endif /* NNACT_NET_H */
