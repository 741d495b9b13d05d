/**
 * @file nnact/act.h
 * @brief Element-wise activation functions: forward, derivative, backward and
 *        backward from the output; row-wise softmax and log-softmax.
 *
 * Definitions, constants and default parameters follow PyTorch's; each kind's
 * formula and derivative is written out in docs/activations.md. At a kink the
 * derivative is PyTorch's one-sided value (relu'(0) = 0, relu6'(6) = 0,
 * hardtanh'(+-1) = 0, ...).
 *
 * Arrays are caller-owned. In place is allowed (`y == x`, `dx == dy`); other
 * partial overlaps of inputs and outputs are NNACT_ERR_ARG. n = 0 is NNACT_OK
 * and touches nothing, NULL pointers included.
 */
#ifndef NNACT_ACT_H
#define NNACT_ACT_H

#include <stddef.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Activation kinds. Values are explicit, stable (model files store
 *        them) and only ever appended. The parameter `alpha` of each call is
 *        the kind's parameter where it has one (named in brackets), ignored
 *        otherwise; NAN means the kind's default.
 * @since 1.0
 */
typedef enum nnact_act_kind {
    NNACT_ACT_IDENTITY = 0,      /**< x */
    NNACT_ACT_SIGMOID = 1,       /**< 1 / (1 + e^-x) */
    NNACT_ACT_TANH = 2,          /**< tanh x */
    NNACT_ACT_RELU = 3,          /**< max(x, 0); relu'(0) = 0 */
    NNACT_ACT_LEAKY_RELU = 4,    /**< x > 0 ? x : alpha x  [alpha: negative slope, 0.01] */
    NNACT_ACT_BENT_IDENTITY = 5, /**< (sqrt(x^2 + 1) - 1) / 2 + x */
    NNACT_ACT_SINUSOID = 6,      /**< sin x */
    NNACT_ACT_ELU = 7,           /**< x > 0 ? x : alpha (e^x - 1)  [alpha, 1] */
    NNACT_ACT_SELU = 8,          /**< scale * (x > 0 ? x : a (e^x - 1)), PyTorch's a and scale */
    NNACT_ACT_CELU = 9,          /**< max(0, x) + min(0, alpha (e^(x/alpha) - 1))  [alpha, 1] */
    NNACT_ACT_GELU = 10,         /**< x Phi(x) = x/2 (1 + erf(x / sqrt 2)) */
    NNACT_ACT_GELU_TANH = 11,    /**< x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
    NNACT_ACT_SILU = 12,         /**< x sigmoid(x), also called swish */
    NNACT_ACT_MISH = 13,         /**< x tanh(softplus(x)) */
    NNACT_ACT_SOFTPLUS = 14,     /**< log(1 + e^(beta x)) / beta, no linear cut-over  [beta, 1] */
    NNACT_ACT_SOFTSIGN = 15,     /**< x / (1 + |x|) */
    NNACT_ACT_HARD_SIGMOID = 16, /**< relu6(x + 3) / 6 */
    NNACT_ACT_HARD_TANH = 17,    /**< min(max(x, -1), 1) */
    NNACT_ACT_HARD_SWISH = 18,   /**< x relu6(x + 3) / 6 */
    NNACT_ACT_RELU6 = 19,        /**< min(max(x, 0), 6) */
    NNACT_ACT_LOG_SIGMOID = 20,  /**< log(sigmoid(x)) = -softplus(-x) */
    NNACT_ACT_GAUSSIAN = 21,     /**< e^(-x^2) */
    NNACT_ACT_COS = 22,          /**< cos x */
    NNACT_ACT_TANHSHRINK = 23,   /**< x - tanh x */
    NNACT_ACT_SOFTSHRINK = 24,   /**< x > l ? x - l : x < -l ? x + l : 0  [lambda, 0.5] */
    NNACT_ACT_HARDSHRINK = 25    /**< |x| > l ? x : 0  [lambda, 0.5] */
} nnact_act_kind;

/** @brief Number of kinds; valid kinds are 0 .. nnact_act_count() - 1. @since 1.0 */
NNACT_API size_t nnact_act_count(void);

/**
 * @brief y[i] = f(x[i]).
 * @return NNACT_OK; NNACT_ERR_ARG for an unknown kind, a parameter outside the
 *         kind's valid range, NULL with n > 0, or partially overlapping arrays.
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_forward(nnact_act_kind k, double alpha, size_t n, const double *x,
                                         double *y);

/**
 * @brief d[i] = f'(x[i]).
 * @return as nnact_act_forward().
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_derivative(nnact_act_kind k, double alpha, size_t n,
                                            const double *x, double *d);

/**
 * @brief dx[i] = dy[i] * f'(x[i]).
 * @return as nnact_act_forward().
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_backward(nnact_act_kind k, double alpha, size_t n, const double *x,
                                          const double *dy, double *dx);

/**
 * @brief dx[i] = dy[i] * f'(x[i]) computed from the output y[i] = f(x[i]),
 *        for the kinds whose derivative is a function of y
 *        (see nnact_act_supports_from_output()).
 * @return as nnact_act_forward(), and NNACT_ERR_ARG for a kind (or parameter)
 *         whose derivative is not a function of y.
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_backward_from_output(nnact_act_kind k, double alpha, size_t n,
                                                      const double *y, const double *dy,
                                                      double *dx);

/**
 * @brief 1 if nnact_act_backward_from_output() accepts this kind with this
 *        parameter, 0 otherwise (also for unknown kinds).
 * @since 1.0
 */
NNACT_API int nnact_act_supports_from_output(nnact_act_kind k, double alpha);

/**
 * @brief Canonical name of a kind, e.g. "leaky_relu".
 * @return a static string; NULL for an unknown kind.
 * @since 1.0
 */
NNACT_API const char *nnact_act_name(nnact_act_kind k);

/**
 * @brief Kind from a canonical name or a common alias ("logistic", "swish",
 *        "linear", ...); case-sensitive.
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (*k unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_from_name(const char *name, nnact_act_kind *k);

/**
 * @brief 1 if f is affine in x for this parameter (identity; leaky ReLU with
 *        alpha 1; ...), 0 otherwise (also for unknown kinds or bad parameters).
 * @since 1.0
 */
NNACT_API int nnact_act_is_linear(nnact_act_kind k, double alpha);

NNACT_END_DECLS

#endif /* NNACT_ACT_H */
