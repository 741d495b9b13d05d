/* Internal: the activation catalogue, one row per kind, in enum order. Every
 * per-kind table and dispatch of the module is generated from this list:
 * the descriptor table and its count (act.c), the reference dispatch and the
 * loop-per-kind dispatch (act_ref.c). Adding a kind: append its value to
 * nnact_act_kind (include/nnact/act.h), append a row here and point
 * NNACT_ACT_LAST_KIND at it, write its kernels ref_f_<id>, ref_df_<id> (and
 * ref_dfy_<id> when it has FROM_Y) in act_ref.c; an AVX2 kernel is optional
 * (act_avx2.c). docs/INTERNALS.md lists the steps.
 *
 * X(ENUM, id, name, param, shape, from_y):
 *   ENUM    the suffix of NNACT_ACT_<ENUM>
 *   id      the suffix of the kind's kernels in act_ref.c (ref_f_<id>, ...)
 *   name    canonical name (nnact_act_name, nnact_act_from_name)
 *   param   ACT_PARAM(name, default, min, max): the range is inclusive (NaN
 *           and +-Inf are never valid); ACT_NO_PARAM: no parameter
 *   shape   ACT_SHAPE(linear, monotone, smooth, out_min, out_max, lipschitz),
 *           the answers of nnact_act_property(); ACT_SHAPE_BY(fn) when they
 *           depend on the parameter: fn(a) in act.c computes them
 *   from_y  FROM_Y: f' is a function of y = f(x) (ref_dfy_<id>); NOT_FROM_Y;
 *           FROM_Y_IF_ALPHA_NONNEG: only for a parameter >= 0 (leaky ReLU,
 *           ELU: a negative side that turns positive makes y ambiguous)
 *
 * The extreme values of GELU, SiLU, Mish and the Lipschitz constants of the
 * smooth non-monotone kinds were found with mpmath (findroot on f' and f''). */
#ifndef NNACT_ACT_KINDS_H
#define NNACT_ACT_KINDS_H

#include "nnact/act.h"

/* clang-format off */
#define NNACT_ACT_KINDS(X)                                                                          \
    X(IDENTITY, identity, "identity", ACT_NO_PARAM,                                               \
      ACT_SHAPE(1, 1, 1, -INFINITY, INFINITY, 1), FROM_Y)                                           \
    X(SIGMOID, sigmoid, "sigmoid", ACT_NO_PARAM,                                                  \
      ACT_SHAPE(0, 1, 1, 0, 1, 0.25), FROM_Y)                                                       \
    X(TANH, tanh, "tanh", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 1, 1, -1, 1, 1), FROM_Y)                                                         \
    X(RELU, relu, "relu", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 1, 0, 0, INFINITY, 1), FROM_Y)                                                   \
    X(LEAKY_RELU, leaky_relu, "leaky_relu", ACT_PARAM("alpha", 0.01, -1e300, 1e300),              \
      ACT_SHAPE_BY(leaky_relu_shape), FROM_Y_IF_ALPHA_NONNEG)                                       \
    X(BENT_IDENTITY, bent_identity, "bent_identity", ACT_NO_PARAM,                                \
      ACT_SHAPE(0, 1, 1, -INFINITY, INFINITY, 1.5), NOT_FROM_Y)                                     \
    X(SINUSOID, sinusoid, "sinusoid", ACT_NO_PARAM,                                               \
      ACT_SHAPE(0, 0, 1, -1, 1, 1), NOT_FROM_Y)                                                     \
    X(ELU, elu, "elu", ACT_PARAM("alpha", 1.0, -1e300, 1e300),                                    \
      ACT_SHAPE_BY(elu_shape), FROM_Y_IF_ALPHA_NONNEG)                                              \
    X(SELU, selu, "selu", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 1, 0, -SELU_SA, INFINITY, SELU_SA), FROM_Y)                                      \
    X(CELU, celu, "celu", ACT_PARAM("alpha", 1.0, 1e-300, 1e300),                                 \
      ACT_SHAPE_BY(celu_shape), FROM_Y)                                                             \
    X(GELU, gelu, "gelu", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 0, 1, -0.16997120747990366, INFINITY, 1.1289041451851547), NOT_FROM_Y)          \
    X(GELU_TANH, gelu_tanh, "gelu_tanh", ACT_NO_PARAM,                                            \
      ACT_SHAPE(0, 0, 1, -0.17004075057125406, INFINITY, 1.1289930686587717), NOT_FROM_Y)          \
    X(SILU, silu, "silu", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 0, 1, -0.2784645427610738, INFINITY, 1.099839320128867), NOT_FROM_Y)            \
    X(MISH, mish, "mish", ACT_NO_PARAM,                                                           \
      ACT_SHAPE(0, 0, 1, -0.30884341301725043, INFINITY, 1.088498161251728), NOT_FROM_Y)           \
    X(SOFTPLUS, softplus, "softplus", ACT_PARAM("beta", 1.0, 1e-300, 1e300),                      \
      ACT_SHAPE(0, 1, 1, 0, INFINITY, 1), FROM_Y)                                                   \
    X(SOFTSIGN, softsign, "softsign", ACT_NO_PARAM,                                               \
      ACT_SHAPE(0, 1, 1, -1, 1, 1), FROM_Y)                                                         \
    /* not FROM_Y: just below x = 3, (x + 3) / 6 rounds to 1, so y = 1 stands                    \
     * for both f' = 1/6 and f' = 0 */                                                              \
    X(HARD_SIGMOID, hard_sigmoid, "hard_sigmoid", ACT_NO_PARAM,                                   \
      ACT_SHAPE(0, 1, 0, 0, 1, 1.0 / 6), NOT_FROM_Y)                                                \
    X(HARD_TANH, hard_tanh, "hard_tanh", ACT_NO_PARAM,                                            \
      ACT_SHAPE(0, 1, 0, -1, 1, 1), FROM_Y)                                                         \
    X(HARD_SWISH, hard_swish, "hard_swish", ACT_NO_PARAM,                                         \
      ACT_SHAPE(0, 0, 0, -0.375, INFINITY, 1.5), NOT_FROM_Y)                                        \
    X(RELU6, relu6, "relu6", ACT_NO_PARAM,                                                        \
      ACT_SHAPE(0, 1, 0, 0, 6, 1), FROM_Y)                                                          \
    X(LOG_SIGMOID, log_sigmoid, "log_sigmoid", ACT_NO_PARAM,                                      \
      ACT_SHAPE(0, 1, 1, -INFINITY, 0, 1), FROM_Y)                                                  \
    X(GAUSSIAN, gaussian, "gaussian", ACT_NO_PARAM,                                               \
      ACT_SHAPE(0, 0, 1, 0, 1, 0.8577638849607068), NOT_FROM_Y)                                     \
    X(COS, cos, "cos", ACT_NO_PARAM,                                                              \
      ACT_SHAPE(0, 0, 1, -1, 1, 1), NOT_FROM_Y)                                                     \
    X(TANHSHRINK, tanhshrink, "tanhshrink", ACT_NO_PARAM,                                         \
      ACT_SHAPE(0, 1, 1, -INFINITY, INFINITY, 1), NOT_FROM_Y)                                       \
    X(SOFTSHRINK, softshrink, "softshrink", ACT_PARAM("lambda", 0.5, 0.0, 1e300),                 \
      ACT_SHAPE_BY(softshrink_shape), FROM_Y)                                                       \
    X(HARDSHRINK, hardshrink, "hardshrink", ACT_PARAM("lambda", 0.5, 0.0, 1e300),                 \
      ACT_SHAPE_BY(hardshrink_shape), FROM_Y)                                                       \
    X(ABS, abs, "abs", ACT_NO_PARAM,                                                              \
      ACT_SHAPE(0, 0, 0, 0, INFINITY, 1), NOT_FROM_Y)                                               \
    X(SQUARE, square, "square", ACT_NO_PARAM,                                                     \
      ACT_SHAPE(0, 0, 1, 0, INFINITY, INFINITY), NOT_FROM_Y)                                        \
    /* beta <= 0 is left out: beta = 0 is x/2, affine but not the identity the                    \
     * collapse module fuses through, and beta < 0 turns the shape over                           \
     * (x sigmoid(-x) = x - silu(x)); the registry's answers assume beta > 0 */                    \
    X(SWISH, swish_beta, "swish_beta", ACT_PARAM("beta", 1.0, 1e-300, 1e300),                     \
      ACT_SHAPE_BY(swish_shape), NOT_FROM_Y)
/* clang-format on */

/* The last row's kind: the count below is checked against it. */
#define NNACT_ACT_LAST_KIND NNACT_ACT_SWISH

/* Row positions, to check that row i describes kind i. */
#define NNACT__ACT_ROW(E, ...) NNACT__ACT_ROW_##E,
enum nnact__act_row { NNACT_ACT_KINDS(NNACT__ACT_ROW) NNACT__ACT_ROWS };
#undef NNACT__ACT_ROW

#define NNACT_ACT_KIND_COUNT ((int)NNACT__ACT_ROWS)

#define NNACT__ACT_ROW_IN_ORDER(E, ...)                                                            \
    _Static_assert((int)NNACT_ACT_##E == (int)NNACT__ACT_ROW_##E,                                  \
                   "act_kinds.h: the row of NNACT_ACT_" #E " is out of enum order");
NNACT_ACT_KINDS(NNACT__ACT_ROW_IN_ORDER)
#undef NNACT__ACT_ROW_IN_ORDER
_Static_assert(NNACT_ACT_KIND_COUNT == (int)NNACT_ACT_LAST_KIND + 1,
               "act_kinds.h: one row per kind, up to NNACT_ACT_LAST_KIND");

#endif /* NNACT_ACT_KINDS_H */
