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
 * Arrays are caller-owned. In place is allowed: an output may be the very
 * array of an input (`y == x`, `dx == dy`, `dx == x`); any other overlap of an output with an input
 * is NNACT_ERR_ARG (rejected, nothing written). n = 0 is NNACT_OK and touches nothing, NULL
 * pointers included (kind and parameter are still checked first, so an unknown kind,
 * or backward from the output of a kind that does not support it, is NNACT_ERR_ARG
 * even then). An element's result depends only on its value, the kind
 * and the parameter -- not on n, its position or the alignment -- for a given
 * CPU path (vector paths are chosen at run time; docs/ACCURACY.md bounds every
 * path). Every call leaves the floating-point environment as it found it:
 * rounding mode, MXCSR's controls, and the invalid, denormal-operand and
 * divide-by-zero flags (only inexact, underflow and overflow may be raised).
 * With floating-point traps enabled (feenableexcept), a NaN or infinite input
 * may trap inside a kernel before the flags are restored.
 *
 * Accuracy: docs/ACCURACY.md lists, per kind, the bound in ULP on f and f'
 * and the measured maximum.
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
    NNACT_ACT_HARDSHRINK = 25,   /**< |x| > l ? x : 0  [lambda, 0.5] */
    NNACT_ACT_ABS = 26,          /**< |x|; derivative sign(x), 0 at 0 (oneDNN abs) */
    NNACT_ACT_SQUARE = 27,       /**< x^2 (oneDNN square) */
    NNACT_ACT_SWISH = 28         /**< x sigmoid(beta x) (oneDNN swish)  [beta, 1];
                                      beta = 1 gives SiLU's bits */
} nnact_act_kind;

/** @brief Number of kinds; valid kinds are 0 .. nnact_act_count() - 1. @since 1.0 */
NNACT_API size_t nnact_act_count(void);

/**
 * @brief y[i] = f(x[i]).
 * @return NNACT_OK; NNACT_ERR_ARG for an unknown kind, a parameter outside the
 *         kind's valid range (the detail names kind and parameter), NULL with
 *         n > 0, or partially overlapping arrays; NNACT_ERR_OVERFLOW when
 *         n * sizeof(double) overflows size_t. Nothing is written on failure.
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
 *        "linear", ...), compared case-insensitively (ASCII): "ReLU" and
 *        "LOGISTIC" are accepted.
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (*k
 *         unchanged; the detail quotes the name and lists the canonical names).
 * @since 1.0 (case-insensitive since 1.1)
 */
NNACT_API nnact_status nnact_act_from_name(const char *name, nnact_act_kind *k);

/**
 * @brief 1 if f is affine in x for this parameter (identity; leaky ReLU with
 *        alpha 1; ...), 0 otherwise (also for unknown kinds or bad parameters).
 * @since 1.0
 */
NNACT_API int nnact_act_is_linear(nnact_act_kind k, double alpha);

/**
 * @brief Name of the kind's parameter ("alpha", "beta", "lambda").
 * @return a static string; NULL for a kind without parameter or an unknown kind.
 * @since 1.0
 */
NNACT_API const char *nnact_act_param_name(nnact_act_kind k);

/**
 * @brief Number of aliases nnact_act_from_name() accepts besides the canonical
 *        names. @since 1.0
 */
NNACT_API size_t nnact_act_alias_count(void);

/**
 * @brief The i-th alias and the kind it stands for.
 * @param i     0 .. nnact_act_alias_count() - 1
 * @param k     receives the kind (may be NULL)
 * @return a static string; NULL when i is out of range (*k untouched).
 * @since 1.0
 */
NNACT_API const char *nnact_act_alias(size_t i, nnact_act_kind *k);

/**
 * @brief Properties of a kind at a parameter value, read with
 *        nnact_act_property(). Values are explicit and only ever appended.
 *        "Smooth" means continuously differentiable on the whole real line;
 *        the output range is [inf f, sup f] over the reals (an end may be
 *        +-INFINITY; whether it is attained is stated in docs/activations.md);
 *        the Lipschitz constant is sup |f'| (INFINITY for a discontinuous f).
 * @since 1.0
 */
typedef enum nnact_act_prop {
    NNACT_ACT_PROP_HAS_PARAM = 0,     /**< 1 if the kind takes a parameter */
    NNACT_ACT_PROP_PARAM_DEFAULT = 1, /**< default parameter (NAN without one) */
    NNACT_ACT_PROP_PARAM_MIN = 2,     /**< smallest valid parameter, inclusive */
    NNACT_ACT_PROP_PARAM_MAX = 3,     /**< largest valid parameter, inclusive */
    NNACT_ACT_PROP_LINEAR = 4,        /**< 1 if f is affine (as nnact_act_is_linear()) */
    NNACT_ACT_PROP_MONOTONE = 5,      /**< 1 if f is non-decreasing */
    NNACT_ACT_PROP_SMOOTH = 6,        /**< 1 if f is C^1 */
    NNACT_ACT_PROP_OUTPUT_MIN = 7,    /**< inf of f */
    NNACT_ACT_PROP_OUTPUT_MAX = 8,    /**< sup of f */
    NNACT_ACT_PROP_LIPSCHITZ = 9,     /**< sup |f'| */
    NNACT_ACT_PROP_FROM_OUTPUT = 10   /**< 1 if nnact_act_backward_from_output() accepts it */
} nnact_act_prop;

/**
 * @brief Reads one property of kind k with parameter alpha (NAN = default).
 * @param value receives the property (1.0 / 0.0 for the yes/no ones).
 * @return NNACT_OK; NNACT_ERR_ARG for an unknown kind or property, a bad
 *         parameter or value == NULL (*value untouched).
 * @since 1.0
 */
NNACT_API nnact_status nnact_act_property(nnact_act_kind k, double alpha, nnact_act_prop p,
                                          double *value);

/**
 * @brief Row-wise softmax: y[r][j] = e^(x[r][j] - m) / sum_i e^(x[r][i] - m),
 *        m = max_i x[r][i], so any finite logits are safe.
 *
 * Rows holding non-finite values: a row with a NaN is all NaN; a row with
 * k > 0 entries +Inf gives 1/k at those and +0 elsewhere (the limit as those
 * entries grow together); a row of only -Inf is all NaN (no limit singles an
 * entry out); other -Inf entries give +0.
 * @param x, y  rows x cols, row-major; y == x allowed, other overlap is not.
 * @return NNACT_OK (also for rows or cols 0, NULL allowed then);
 *         NNACT_ERR_ARG for NULL or a partial overlap; NNACT_ERR_OVERFLOW
 *         when rows * cols * sizeof(double) overflows.
 * @since 1.0
 */
NNACT_API nnact_status nnact_softmax(size_t rows, size_t cols, const double *x, double *y);

/**
 * @brief Row-wise log-softmax: y = x - m - log(sum_i e^(x_i - m)), computed
 *        as (x - m) - log1p(sum over the others) so it is exact where one
 *        entry dominates. Non-finite rows as nnact_softmax(): NaN rows stay
 *        NaN, k entries +Inf give -log k there and -Inf elsewhere, a row of
 *        only -Inf is NaN.
 * @return as nnact_softmax().
 * @since 1.0
 */
NNACT_API nnact_status nnact_log_softmax(size_t rows, size_t cols, const double *x, double *y);

/**
 * @brief Backward of nnact_softmax() from its output y:
 *        dx = y * (dy - sum_j dy_j y_j), row by row.
 * @param y, dy, dx  rows x cols; dx may be dy or y, no other overlap.
 * @return as nnact_softmax().
 * @since 1.0
 */
NNACT_API nnact_status nnact_softmax_backward(size_t rows, size_t cols, const double *y,
                                              const double *dy, double *dx);

/**
 * @brief Backward of nnact_log_softmax() from its output y (log-probabilities):
 *        dx = dy - e^y sum_j dy_j, row by row.
 * @return as nnact_softmax_backward().
 * @since 1.0
 */
NNACT_API nnact_status nnact_log_softmax_backward(size_t rows, size_t cols, const double *y,
                                                  const double *dy, double *dx);

NNACT_END_DECLS

#endif /* NNACT_ACT_H */
