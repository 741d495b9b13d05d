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
 * @return NNACT_OK; NNACT_ERR_ARG (out NULL or n_inputs 0); NNACT_ERR_OVERFLOW
 *         (n_inputs exceeds the BLAS's int); NNACT_ERR_NOMEM.
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
 * The layer's n_in is the current output size. Its derivative is taken from the
 * output when the kind allows (nnact_act_supports_from_output()), otherwise from
 * the pre-activation, which forward then keeps. Any kept forward state and the
 * batch buffers are dropped (the shapes changed).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, n_outputs 0, bad kind or parameter,
 *         unknown flags); NNACT_ERR_OVERFLOW (n_in * n_outputs * 8 or the total
 *         parameter count overflows size_t, or n_outputs exceeds the BLAS's int; checked
 *         before any allocation); NNACT_ERR_NOMEM (network unchanged).
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
/** @brief Outputs of the last layer, or the input size when there are no layers (0 for NULL).
 * @since 1.0 */
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
 *        Non-finite values are accepted (they propagate through forward). A kept
 *        forward stays: a later backward uses its activations and the new W.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or W, layer out of range, b given to a
 *         NNACT_DENSE_NO_BIAS layer).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_set_layer(nnact_net *net, size_t layer, const double *W,
                                           const double *b);

/**
 * @brief Copies the layer's W and b out (either may be NULL = not wanted;
 *        b of a no-bias layer is filled with zeros).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, layer out of range).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_get_layer(const nnact_net *net, size_t layer, double *W,
                                           double *b);

/**
 * @brief Total number of parameters: sum over layers of n_in * n_out (+ n_out with bias).
 *        The flat order, used by the calls below, is layer by layer, W row-major then b.
 *        0 for NULL.
 * @since 1.0
 */
NNACT_API size_t nnact_net_param_count(const nnact_net *net);

/**
 * @brief Copies all parameters out in the flat order of nnact_net_param_count().
 * @param n must equal nnact_net_param_count(net).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or out); NNACT_ERR_SHAPE (n differs).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_get_params(const nnact_net *net, size_t n, double *out);

/** @brief Copies all parameters in, flat order; as nnact_net_get_params(). @since 1.0 */
NNACT_API nnact_status nnact_net_set_params(nnact_net *net, size_t n, const double *in);

/**
 * @brief Copies all gradients of the last backward out, flat order.
 * @return as nnact_net_get_params(), and NNACT_ERR_STATE when no backward has run
 *         since the network last changed shape.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_get_grads(const nnact_net *net, size_t n, double *out);

/**
 * @brief Allocates the buffers forward and backward need for batches up to max_batch,
 *        so the first forward does not allocate. Forward allocates them itself
 *        when it meets a larger batch than reserved; never for a smaller one.
 *        Reserving a larger batch drops a kept forward (its buffers are replaced).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, max_batch 0); NNACT_ERR_STATE (no layers);
 *         NNACT_ERR_OVERFLOW (the sizes overflow size_t or the BLAS's int, before any
 *         allocation); NNACT_ERR_NOMEM (network unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_reserve(nnact_net *net, size_t max_batch);

/**
 * @brief Bytes the network holds once forward/backward ran at batch `batch`
 *        (batch 0: without batch buffers). The formula is in docs/NETWORK.md:
 *        the handle, the layer table, parameters and gradients (16 P bytes; the
 *        gradients are allocated with the batch buffers), the input scaling
 *        and the class, input and target names when set (1.1), and
 *        8 batch (n_in + sum_l n_out_l (2 + keepZ_l)) bytes of buffers.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or bytes); NNACT_ERR_OVERFLOW.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_memory_bytes(const nnact_net *net, size_t batch, size_t *bytes);

/**
 * @brief Runs the batch forward (x: batch x n_in, y: batch x n_out) and keeps
 *        what backward needs (a copy of x, each layer's output, and the
 *        pre-activation only for kinds whose derivative is not a function of the
 *        output). x and y may overlap. Allocates only at a batch larger than
 *        any before (or reserved). NaN inputs propagate.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, x or y; batch 0: nothing changes);
 *         NNACT_ERR_STATE (no layers); NNACT_ERR_OVERFLOW (batch sizes overflow size_t or
 *         the BLAS's int, before any allocation); NNACT_ERR_NOMEM (network unchanged,
 *         including the state of the previous forward).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_forward(nnact_net *net, size_t batch, const double *x, double *y);

/**
 * @brief Backpropagates dy (batch x n_out, the batch of the last forward) into every
 *        layer's parameter gradients (overwritten, not accumulated), and into dx
 *        (batch x n_in) when dx is not NULL. Never allocates; may be repeated
 *        after one forward (it uses the current weights for dx and the kept
 *        activations for dW).
 * @return NNACT_OK; NNACT_ERR_STATE before any forward (or after the network changed
 *         shape, or after nnact_net_train_step(), which keeps no forward);
 *         NNACT_ERR_ARG (NULL net or dy, dx overlapping dy).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_backward(nnact_net *net, const double *dy, double *dx);

/**
 * @brief Copies the layer's gradients from the last backward (dW n_in x n_out, db n_out;
 *        either may be NULL; db of a no-bias layer is filled with zeros).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, layer out of range); NNACT_ERR_STATE (no
 *         backward yet).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_get_grad(const nnact_net *net, size_t layer, double *dW,
                                          double *db);

/**
 * @brief Forward without keeping anything: safe from many threads at once on
 *        one network; same bits as nnact_net_forward() at the same BLAS thread count.
 *        Allocates one scratch block per call (nnact_net_predict_workspace() doubles,
 *        freed before it returns); nnact_net_predict_ws() takes the caller's instead.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, x or y, batch 0); NNACT_ERR_STATE (no layers);
 *         NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_predict(const nnact_net *net, size_t batch, const double *x,
                                         double *y);

/**
 * @brief Doubles of scratch nnact_net_predict_ws() needs at this batch: 2 batch w_max,
 *        w_max the widest layer output (with an input scaling, the widest of
 *        those and n_inputs: the scaled batch is kept there).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or n_doubles, batch 0); NNACT_ERR_STATE (no
 *         layers); NNACT_ERR_OVERFLOW.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_predict_workspace(const nnact_net *net, size_t batch,
                                                   size_t *n_doubles);

/**
 * @brief nnact_net_predict() with caller scratch `work` of n_work doubles (at least
 *        nnact_net_predict_workspace()); never allocates. work must not overlap x or y.
 * @return as nnact_net_predict(), NNACT_ERR_ARG for NULL work, and NNACT_ERR_SHAPE when
 *         n_work is too small.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_predict_ws(const nnact_net *net, size_t batch, const double *x,
                                            double *y, double *work, size_t n_work);

/* ---- preprocessing kept with the model (1.1) ------------------------------ */

/** @brief Most class names a network holds (nnact_net_set_class_names()). @since 1.1 */
#define NNACT_NET_MAX_CLASSES 65536
/** @brief Longest class name in bytes, without the terminating NUL. @since 1.1 */
#define NNACT_NET_MAX_CLASS_NAME 255

/**
 * @brief Sets (or, with shift and scale both NULL, removes) the network's input
 *        scaling: the network then computes layers((x - shift) / scale), column
 *        by column, in every path — nnact_net_forward() (the scaled input is what
 *        the first layer's dW uses), nnact_net_backward() (dx = dX / scale, the
 *        gradient with respect to the caller's unscaled x), the training step and
 *        the fit, nnact_net_predict() and _ws(), the gradient check, and the
 *        collapse calls (nnact/collapse.h: K and c include it). The scaled copy of a
 *        batch lives in the network's input buffer (forward) or in the caller's
 *        predict workspace: no call allocates for it in steady state.
 *        Typical use: shift and scale from nnact_scaling_fit() on the training
 *        rows. Saved in model and checkpoint files (docs/FORMAT.md, version 2).
 *        Adding layers keeps the scaling (it belongs to the input). A kept forward
 *        is forgotten (nnact_net_backward() then needs a new forward).
 * @param shift, scale n_inputs doubles each, copied; every scale finite and
 *        nonzero, every shift finite. Both NULL: no scaling (the network computes
 *        layers(x), bit for bit as one that never had a scaling).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, exactly one of shift and scale NULL,
 *         a non-finite shift, a zero or non-finite scale: the detail names the
 *         index); NNACT_ERR_NOMEM. On failure the network is unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_set_input_scaling(nnact_net *net, const double *shift,
                                                   const double *scale);

/**
 * @brief The network's input scaling.
 * @param shift, scale NULL (not wanted) or n_inputs doubles: the stored values,
 *        or 0 and 1 (the identity) when the network has no scaling.
 * @param present NULL or receives 1 when the network has a scaling, else 0.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net).
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_get_input_scaling(const nnact_net *net, double *shift,
                                                   double *scale, int *present);

/**
 * @brief Sets (or, with count 0, removes) the names of the network's output
 *        classes: name i is class index i (the output column i, or for a
 *        one-logit binary network, names[0] for logit < 0 and names[1] for > 0).
 *        Copied. Saved in model and checkpoint files. nnact_net_add_dense() and
 *        _ex() remove them (they describe the old last layer's outputs).
 * @param count 0, or nnact_net_output_size(net) when that is 2 or more, or exactly 2
 *        when it is 1 (one logit: a single name is refused); at most
 *        NNACT_NET_MAX_CLASSES.
 * @param names count NUL-terminated strings (NULL allowed when count is 0), each
 *        1 to NNACT_NET_MAX_CLASS_NAME bytes, all distinct. Any bytes but NUL
 *        are allowed (tools show control characters escaped).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, NULL names or a NULL name, an empty,
 *         too long or repeated name, count over NNACT_NET_MAX_CLASSES);
 *         NNACT_ERR_SHAPE (count does not match the output width); NNACT_ERR_NOMEM.
 *         On failure the network is unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_set_class_names(nnact_net *net, size_t count,
                                                 const char *const *names);

/** @brief Number of class names (0 for NULL or none). @since 1.1 */
NNACT_API size_t nnact_net_class_count(const nnact_net *net);

/**
 * @brief Class name i, owned by the network (valid until the names change or the
 *        network is freed); NULL for a NULL net or i >= nnact_net_class_count().
 * @since 1.1
 */
NNACT_API const char *nnact_net_class_name(const nnact_net *net, size_t i);

/**
 * @brief Sets (or, with names NULL, removes) the names of the network's inputs
 *        (the feature columns it reads, in order), so that a tool can match a
 *        data file's columns by name. Copied. Saved in model and checkpoint
 *        files (docs/FORMAT.md). Adding layers keeps them (they describe the
 *        input); nnact_net_fuse_linear() copies them.
 * @param names NULL, or nnact_net_input_size(net) NUL-terminated strings, each
 *        1 to NNACT_NET_MAX_CLASS_NAME bytes, all distinct; any bytes but NUL.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, a NULL, empty, too long or repeated
 *         name: the detail names the index or the name); NNACT_ERR_OVERFLOW (the
 *         names' bytes overflow size_t); NNACT_ERR_NOMEM. On failure the network
 *         is unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_set_input_names(nnact_net *net, const char *const *names);

/**
 * @brief Input name i, owned by the network (valid until the names change or the
 *        network is freed); NULL for a NULL net, a network without input names,
 *        or i >= nnact_net_input_size().
 * @since 1.1
 */
NNACT_API const char *nnact_net_input_name(const nnact_net *net, size_t i);

/**
 * @brief Sets (or, with count 0, removes) the names of the target columns the
 *        outputs were trained on: one column for a classifier whose outputs are
 *        its classes (the column holding the labels), or one per output for
 *        regression. Copied. Saved in model and checkpoint files.
 *        nnact_net_add_dense() and _ex() remove them, as they remove the class
 *        names (the output changed); nnact_net_fuse_linear() copies them. A
 *        target name may equal an input name (no cross check).
 * @param count 0, or 1 to nnact_net_output_size(net).
 * @param names count NUL-terminated strings (NULL allowed when count is 0), each
 *        1 to NNACT_NET_MAX_CLASS_NAME bytes, all distinct; any bytes but NUL.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, NULL names or a NULL name, an empty,
 *         too long or repeated name); NNACT_ERR_SHAPE (count over the output
 *         width); NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM. On failure the network is
 *         unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_set_target_names(nnact_net *net, size_t count,
                                                  const char *const *names);

/** @brief Number of target names (0 for NULL or none). @since 1.1 */
NNACT_API size_t nnact_net_target_count(const nnact_net *net);

/**
 * @brief Target name i, owned by the network (valid until the names change or
 *        the network is freed); NULL for a NULL net or i >= nnact_net_target_count().
 * @since 1.1
 */
NNACT_API const char *nnact_net_target_name(const nnact_net *net, size_t i);

NNACT_END_DECLS

#endif /* NNACT_NET_H */

/* The gradient check moved to its own header in 1.1; kept reachable from
   here (outside this header's guard) for programs that included only
   <nnact/net.h> for it. */
#include "nnact/gradcheck.h"
