/**
 * @file nnact/gradcheck.h
 * @brief Gradient check: backpropagation against centered differences.
 *
 * The 1.0 calls nnact_net_gradcheck() and nnact_net_gradcheck_ex() (declared
 * in <nnact/net.h> in 1.0; that header still includes this one), and the 1.1
 * call nnact_net_gradcheck_run() with its options object and size-prefixed
 * report.
 */
#ifndef NNACT_GRADCHECK_H
#define NNACT_GRADCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/loss.h"
#include "nnact/net.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/** @brief nnact_net_gradcheck() and nnact_net_gradcheck_ex(): h = this value (0) picks
 *         the step per parameter, h = cbrt(DBL_EPSILON) * max(1, |theta|). @since 1.0 */
#define NNACT_GRADCHECK_AUTO 0.0

/**
 * @brief Scale of the floor of the relative error of nnact_net_gradcheck(): the floor is
 *        NNACT_GRADCHECK_FLOOR * max(1, |L|), L the loss at the unperturbed parameters.
 *        A centered difference with h ~ cbrt(eps) resolves gradients only to about
 *        eps |L| / h ~ 4e-11 |L| (times the rounding growth of the loss), so
 *        differences below 1e-10 max(1, |L|) cannot count as an error of 1e-6 or more;
 *        any larger one does.
 * @since 1.0
 */
#define NNACT_GRADCHECK_FLOOR 1e-4

/**
 * @brief Gradient check: centered differences on every parameter against backprop.
 *
 * Runs forward, the loss (default parameter) and backward at the current
 * parameters, then for every parameter theta evaluates the loss at theta +- h
 * and compares (L(theta+h) - L(theta-h)) / ((theta+h) - (theta-h)) with the
 * analytic gradient. Error = |analytic - numeric| / max(|analytic|, |numeric|,
 * NNACT_GRADCHECK_FLOOR * max(1, |L|)). Afterwards the parameters are bit-for-bit the same,
 * and the forward state and gradients are those at the unperturbed parameters.
 * @param t targets, batch x nnact_loss_target_width(k, n_out).
 * @param h step: NNACT_GRADCHECK_AUTO (0) = cbrt(DBL_EPSILON) * max(1, |theta|) per
 *        parameter; otherwise a finite h > 0 used for every parameter.
 * @param max_rel_err out: the worst error.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL arguments, batch 0, h < 0, NaN or Inf, a bad
 *         target; or theta + h == theta or theta - h == theta for some parameter, the
 *         detail naming it); NNACT_ERR_STATE (no layers); NNACT_ERR_OVERFLOW;
 *         NNACT_ERR_NOMEM; NNACT_ERR_NUMERIC (a parameter is NaN or Inf, or the loss is
 *         not finite at the parameters). On any failure the parameters are as before;
 *         failures found before the first evaluation (every one above but a
 *         non-finite loss) leave the whole network as before, while a non-finite loss
 *         leaves the forward state of that evaluation, as nnact_net_forward() would.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_gradcheck(nnact_net *net, nnact_loss_kind k, size_t batch,
                                           const double *x, const double *t, double h,
                                           double *max_rel_err);

/**
 * @brief nnact_net_gradcheck() with the loss parameter and a report.
 * @param loss_param the loss's parameter (NAN = default), as nnact_loss_ex().
 * @param layer_err NULL, or 2 * nnact_net_layer_count() doubles: the worst error of
 *        each layer's W (index 2 l) and b (2 l + 1; 0 for a no-bias layer).
 * @param worst_layer, worst_index NULL, or receive where the worst error is: the
 *        layer and the index in that layer's flat W-then-b parameters.
 * @return as nnact_net_gradcheck().
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_gradcheck_ex(nnact_net *net, nnact_loss_kind k, double loss_param,
                                              size_t batch, const double *x, const double *t,
                                              double h, double *max_rel_err, double *layer_err,
                                              size_t *worst_layer, size_t *worst_index);

/** @brief Opaque options of nnact_net_gradcheck_run(). @since 1.1 */
typedef struct nnact_gradcheck_config nnact_gradcheck_config;

/**
 * @brief Keys of nnact_gradcheck_config. Values explicit and append-only.
 * @since 1.1
 */
typedef enum nnact_gradcheck_param {
    /** real, NNACT_GRADCHECK_AUTO (0, the default) or finite > 0: the step h,
     *  as nnact_net_gradcheck()'s. */
    NNACT_GRADCHECK_PARAM_H = 0,
    /** real, default NAN (the loss's default): the loss parameter, as
     *  nnact_loss_ex()'s; checked against the loss kind by the run. */
    NNACT_GRADCHECK_PARAM_LOSS_PARAM = 1,
    /** int, default 0 = every parameter: check at most this many, evenly
     *  spaced over the flat parameter order (W then b of each layer, layer
     *  by layer): parameter i is checked when floor((i+1) m / P) >
     *  floor(i m / P), m this value and P the parameter count; the first
     *  parameter is always one of them. Deterministic: no seed. */
    NNACT_GRADCHECK_PARAM_MAX_PARAMS = 2
} nnact_gradcheck_param;

/**
 * @brief What nnact_net_gradcheck_run() found: an output record; set
 *        `size = sizeof(nnact_gradcheck_report)`. Fields only ever appended;
 *        the library writes only those that fit inside `size`, never `size`.
 * @since 1.1
 */
typedef struct nnact_gradcheck_report {
    size_t size;             /**< set by the caller: sizeof(nnact_gradcheck_report) */
    double max_rel_err;      /**< the worst error among the parameters checked */
    uint64_t worst_layer;    /**< where it is: the layer ... */
    uint64_t worst_index;    /**< ... and the index in that layer's flat W-then-b parameters */
    uint64_t params_checked; /**< how many parameters were compared */
} nnact_gradcheck_report;

/**
 * @brief New options, every key at its default.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL out); NNACT_ERR_NOMEM (*out NULL).
 * @since 1.1
 */
NNACT_API nnact_status nnact_gradcheck_config_create(nnact_gradcheck_config **out);

/** @brief Frees the options; NULL is fine. @since 1.1 */
NNACT_API void nnact_gradcheck_config_free(nnact_gradcheck_config *c);

/**
 * @brief Sets an integer key (NNACT_GRADCHECK_PARAM_MAX_PARAMS).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c, unknown key, a real key, a value
 *         above SIZE_MAX; the options unchanged, the detail naming the key).
 * @since 1.1
 */
NNACT_API nnact_status nnact_gradcheck_config_set_int(nnact_gradcheck_config *c,
                                                      nnact_gradcheck_param p, uint64_t v);

/**
 * @brief Reads an integer key.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or v, unknown key, a real key).
 * @since 1.1
 */
NNACT_API nnact_status nnact_gradcheck_config_get_int(const nnact_gradcheck_config *c,
                                                      nnact_gradcheck_param p, uint64_t *v);

/**
 * @brief Sets a real key (H: 0 or finite > 0; LOSS_PARAM: any value, NAN =
 *        default, checked by the run against the loss kind).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c, unknown key, an integer key, H
 *         negative, NaN or infinite; the options unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_gradcheck_config_set_real(nnact_gradcheck_config *c,
                                                       nnact_gradcheck_param p, double v);

/**
 * @brief Reads a real key.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or v, unknown key, an integer key).
 * @since 1.1
 */
NNACT_API nnact_status nnact_gradcheck_config_get_real(const nnact_gradcheck_config *c,
                                                       nnact_gradcheck_param p, double *v);

/**
 * @brief The gradient check of nnact_net_gradcheck() with options and a
 *        report: nnact_net_gradcheck_ex(args) is this call with H, LOSS_PARAM
 *        set from its arguments and MAX_PARAMS 0 (the same numbers).
 *
 * Every parameter must be finite and admit the step (checked or not, before
 * anything runs); only the chosen ones are compared. The network afterwards
 * is as nnact_net_gradcheck() leaves it.
 * @param cfg NULL: every default.
 * @param report the caller's record with report->size set; written on NNACT_OK only.
 * @param layer_err NULL, or 2 * nnact_net_layer_count() doubles: each layer's
 *        worst error among its checked W (index 2 l) and b (2 l + 1)
 *        parameters, 0 where none was checked (a variable-length result,
 *        hence an argument and not a report field).
 * @return as nnact_net_gradcheck(), and NNACT_ERR_ARG for a NULL report or a
 *         report->size below the 1.1 record's.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_gradcheck_run(nnact_net *net, nnact_loss_kind k, size_t batch,
                                               const double *x, const double *t,
                                               const nnact_gradcheck_config *cfg,
                                               nnact_gradcheck_report *report, double *layer_err);

NNACT_END_DECLS

#endif /* NNACT_GRADCHECK_H */
