/**
 * @file nnact/optim.h
 * @brief Optimizers on flat parameter vectors (SGD, momentum, Nesterov, Adagrad,
 *        RMSprop, Adam, AdamW), learning-rate schedules and gradient clipping.
 *
 * The update rules are PyTorch's (torch.optim, single-tensor path) written out
 * in docs/OPTIMIZERS.md, with PyTorch's defaults. An optimizer is a "method +
 * state" handle: hyper-parameters are set through enum keys, the state (moment
 * buffers, step counter) lives in the handle. Nothing here needs a network:
 * nnact_opt_step() updates any flat double vector. A nnact_opt is used by one
 * thread at a time.
 */
#ifndef NNACT_OPTIM_H
#define NNACT_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Optimizer kinds. Values explicit, stable and only ever appended.
 * @since 1.0
 */
typedef enum nnact_opt_kind {
    NNACT_OPT_SGD = 0,      /**< p -= lr (g + wd p); stateless */
    NNACT_OPT_MOMENTUM = 1, /**< heavy-ball momentum with dampening (torch SGD, momentum > 0) */
    NNACT_OPT_NESTEROV = 2, /**< Nesterov momentum (torch SGD, nesterov=True) */
    NNACT_OPT_ADAGRAD = 3,  /**< Adagrad with lr decay and initial accumulator */
    NNACT_OPT_RMSPROP = 4,  /**< RMSprop, optionally centered and with momentum */
    NNACT_OPT_ADAM = 5,     /**< Adam with bias correction, L2 weight decay, optional AMSGrad */
    NNACT_OPT_ADAMW = 6     /**< Adam with decoupled weight decay */
} nnact_opt_kind;

/**
 * @brief Hyper-parameter keys. Values explicit, stable and only ever appended.
 *
 * Which keys apply to which kind, their defaults (PyTorch's) and valid ranges:
 * | key | kinds | default | valid |
 * |---|---|---|---|
 * | LR | all | 1e-3 (Adagrad, RMSprop: 1e-2) | finite, >= 0 |
 * | MOMENTUM | MOMENTUM, NESTEROV, RMSPROP | 0.9 (RMSprop: 0) | [0, 1) |
 * | DAMPENING | MOMENTUM | 0 | [0, 1] |
 * | BETA1, BETA2 | ADAM, ADAMW | 0.9, 0.999 | [0, 1) |
 * | EPS | ADAGRAD, RMSPROP, ADAM, ADAMW | 1e-10 (Adagrad), 1e-8 | finite, >= 0 |
 * | ALPHA | RMSPROP | 0.99 | [0, 1) |
 * | WEIGHT_DECAY | all | 0 (AdamW: 1e-2) | finite, >= 0 |
 * | LR_DECAY | ADAGRAD | 0 | finite, >= 0 |
 * | INITIAL_ACCUMULATOR | ADAGRAD | 0 | finite, >= 0 |
 * | CENTERED | RMSPROP | 0 | 0 or 1 |
 * | AMSGRAD | ADAM, ADAMW | 0 | 0 or 1 |
 * | CLIP_NORM | all | 0 = off | finite, >= 0 |
 * | CLIP_VALUE | all | 0 = off | finite, >= 0 |
 * | CHECK_FINITE | all | 1 | 0 or 1 |
 *
 * PyTorch has no MOMENTUM/NESTEROV kinds (they are SGD with momentum > 0, whose
 * own default is 0); here those kinds default to 0.9 so that they are what
 * their name says. Momentum 0 is allowed for both and is then plain SGD.
 * @since 1.0
 */
typedef enum nnact_opt_param {
    NNACT_OPT_PARAM_LR = 0,
    NNACT_OPT_PARAM_MOMENTUM = 1,
    NNACT_OPT_PARAM_BETA1 = 2,
    NNACT_OPT_PARAM_BETA2 = 3,
    NNACT_OPT_PARAM_EPS = 4,
    NNACT_OPT_PARAM_ALPHA = 5, /**< RMSprop smoothing constant */
    NNACT_OPT_PARAM_WEIGHT_DECAY = 6,
    NNACT_OPT_PARAM_DAMPENING = 7,
    NNACT_OPT_PARAM_LR_DECAY = 8,
    /** Adagrad's starting sum of squares; read when the optimizer binds. */
    NNACT_OPT_PARAM_INITIAL_ACCUMULATOR = 9,
    NNACT_OPT_PARAM_CENTERED = 10,
    NNACT_OPT_PARAM_AMSGRAD = 11,
    /** Scale the whole gradient by min(1, c / (||g||_2 + 1e-6)) before the update
        (torch.nn.utils.clip_grad_norm_); 0 = off. */
    NNACT_OPT_PARAM_CLIP_NORM = 12,
    /** Clamp each gradient element to [-c, c] before the update (and before
        CLIP_NORM); 0 = off. */
    NNACT_OPT_PARAM_CLIP_VALUE = 13,
    /** 1: refuse a non-finite gradient, and an update whose result (a new
        parameter or state value) would not be finite, with NNACT_ERR_NUMERIC
        before touching anything (a read pass over the gradient and a dry run
        of the rule, see docs/OPTIMIZERS.md); 0: skip the checks (for
        measuring their cost; a NaN or an overflow then spreads into
        parameters and state). */
    NNACT_OPT_PARAM_CHECK_FINITE = 14
} nnact_opt_param;

/** @brief Number of optimizer kinds; valid kinds are 0 .. nnact_opt_count() - 1. @since 1.1 */
NNACT_API size_t nnact_opt_count(void);

/**
 * @brief Canonical name of an optimizer kind, e.g. "adamw".
 * @return a static string; NULL for an unknown kind.
 * @since 1.1
 */
NNACT_API const char *nnact_opt_name(nnact_opt_kind k);

/**
 * @brief Kind from its canonical name, compared case-insensitively (ASCII).
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (the
 *         detail lists the valid names; *k unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_opt_from_name(const char *name, nnact_opt_kind *k);

/** @brief Opaque optimizer handle. @since 1.0 */
typedef struct nnact_opt nnact_opt;

/**
 * @brief New optimizer of kind k with PyTorch's defaults (table above).
 * @param out receives the handle; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (out NULL, unknown kind); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_opt_create(nnact_opt_kind k, nnact_opt **out);

/** @brief Frees the optimizer and its state; NULL is fine. @since 1.0 */
NNACT_API void nnact_opt_free(nnact_opt *o);

/**
 * @brief Sets one hyper-parameter. Takes effect at the next step; state is kept.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o, unknown key, a key that does not
 *         apply to the kind, a value outside its range; the detail names the
 *         key) with the optimizer unchanged.
 * @since 1.0
 */
NNACT_API nnact_status nnact_opt_set(nnact_opt *o, nnact_opt_param p, double value);

/**
 * @brief Reads one hyper-parameter.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o or value, unknown key or one that
 *         does not apply to the kind).
 * @since 1.0
 */
NNACT_API nnact_status nnact_opt_get(const nnact_opt *o, nnact_opt_param p, double *value);

/** @brief The optimizer's kind (NNACT_OPT_SGD for NULL). @since 1.0 */
NNACT_API nnact_opt_kind nnact_opt_get_kind(const nnact_opt *o);

/**
 * @brief Steps taken so far (0 for NULL or a fresh/reset optimizer). The
 *        counter saturates at UINT64_MAX instead of wrapping, so bias
 *        corrections never divide by 1 - beta^0 = 0.
 * @since 1.0
 */
NNACT_API uint64_t nnact_opt_step_count(const nnact_opt *o);

/**
 * @brief Forgets state, step count and the bound length; hyper-parameters stay.
 * @since 1.0
 */
NNACT_API void nnact_opt_reset(nnact_opt *o);

/**
 * @brief One update of params (n doubles) from grads (n doubles).
 *
 * Every kind but NNACT_OPT_SGD keeps per-parameter state and is bound, at its
 * first successful step, to that length: another n is NNACT_ERR_SHAPE until
 * nnact_opt_reset(). The first step allocates the state; later steps never
 * allocate. params and grads may not overlap.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL o, params or grads with n > 0, n 0);
 *         NNACT_ERR_SHAPE (n differs from the bound length);
 *         NNACT_ERR_NUMERIC (a NaN or infinite gradient, or, since 1.1, an
 *         update that would leave a parameter or state value NaN or infinite,
 *         e.g. lr near DBL_MAX: params, state and step count untouched, the
 *         optimizer not bound by a first step); NNACT_ERR_NOMEM (first step
 *         only; nothing bound).
 * @since 1.0
 */
NNACT_API nnact_status nnact_opt_step(nnact_opt *o, size_t n, double *params, const double *grads);

/**
 * @brief torch.nn.utils.clip_grad_norm_ on a flat vector: g *= min(1, max_norm / (||g||_2 + 1e-6)).
 * @param norm out (may be NULL): ||g||_2 before clipping.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL g with n > 0, max_norm negative or not finite);
 *         NNACT_ERR_NUMERIC (a non-finite element; g unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_clip_grad_norm(size_t n, double *g, double max_norm, double *norm);

/**
 * @brief torch.nn.utils.clip_grad_value_: each g[i] clamped to [-clip, clip] (NaN stays NaN).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL g with n > 0, clip negative or not finite).
 * @since 1.0
 */
NNACT_API nnact_status nnact_clip_grad_value(size_t n, double *g, double clip);

/* ---------------------------------------------------------------------------
 * Learning-rate schedules: closed forms of PyTorch's schedulers. A schedule
 * maps (base lr, step index t = 0, 1, ...) to the lr to use at t; whether t
 * counts epochs or minibatch steps is the caller's choice (nnact_net_fit counts
 * epochs, as torch's scheduler.step() per epoch does).
 * ------------------------------------------------------------------------- */

/**
 * @brief Schedule kinds. Values explicit, stable and only ever appended.
 * @since 1.0
 */
typedef enum nnact_sched_kind {
    NNACT_SCHED_CONSTANT = 0,    /**< lr(t) = base */
    NNACT_SCHED_STEP = 1,        /**< base * gamma^floor(t / step_size) (StepLR) */
    NNACT_SCHED_MULTI_STEP = 2,  /**< base * gamma^(milestones <= t) (MultiStepLR) */
    NNACT_SCHED_EXPONENTIAL = 3, /**< base * gamma^t (ExponentialLR) */
    /** eta_min + (base - eta_min)(1 + cos(pi t / T_max)) / 2 (CosineAnnealingLR) */
    NNACT_SCHED_COSINE = 4,
    /** base * (s + (e - s) min(t, T) / T) (LinearLR: warm-up from factor s to e over T) */
    NNACT_SCHED_LINEAR_WARMUP = 5
} nnact_sched_kind;

/**
 * @brief Schedule parameter keys. Values explicit, stable and only ever appended.
 *
 * | key          | kinds           | default | valid |
 * |--------------|-----------------|---------|-------|
 * | GAMMA        | STEP, MULTI_STEP, EXPONENTIAL | 0.1 (EXPONENTIAL: 0.95) | finite, > 0 |
 * | STEP_SIZE    | STEP            | 10      | integer >= 1 |
 * | T_MAX        | COSINE          | 100     | integer >= 1 |
 * | ETA_MIN      | COSINE          | 0       | finite, >= 0 |
 * | START_FACTOR | LINEAR_WARMUP   | 1/3     | (0, 1] |
 * | END_FACTOR   | LINEAR_WARMUP   | 1       | [0, 1] |
 * | TOTAL_ITERS  | LINEAR_WARMUP   | 5       | integer >= 1 |
 * PyTorch's CosineAnnealingLR continues the cosine past T_max (the lr rises
 * again); so does this closed form.
 * @since 1.0
 */
typedef enum nnact_sched_param {
    NNACT_SCHED_PARAM_GAMMA = 0,
    NNACT_SCHED_PARAM_STEP_SIZE = 1,
    NNACT_SCHED_PARAM_T_MAX = 2,
    NNACT_SCHED_PARAM_ETA_MIN = 3,
    NNACT_SCHED_PARAM_START_FACTOR = 4,
    NNACT_SCHED_PARAM_END_FACTOR = 5,
    NNACT_SCHED_PARAM_TOTAL_ITERS = 6
} nnact_sched_param;

/** @brief Number of schedule kinds; valid kinds are 0 .. nnact_sched_count() - 1. @since 1.1 */
NNACT_API size_t nnact_sched_count(void);

/**
 * @brief Canonical name of a schedule kind, e.g. "cosine".
 * @return a static string; NULL for an unknown kind.
 * @since 1.1
 */
NNACT_API const char *nnact_sched_name(nnact_sched_kind k);

/**
 * @brief Kind from its canonical name, compared case-insensitively (ASCII).
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (the
 *         detail lists the valid names; *k unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_sched_from_name(const char *name, nnact_sched_kind *k);

/** @brief Opaque schedule handle (immutable once set up; safe to share read-only). @since 1.0 */
typedef struct nnact_sched nnact_sched;

/**
 * @brief New schedule with the defaults above (MULTI_STEP starts with no milestones).
 * @return NNACT_OK; NNACT_ERR_ARG (out NULL, unknown kind); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_sched_create(nnact_sched_kind k, nnact_sched **out);

/** @brief Frees a schedule; NULL is fine. @since 1.0 */
NNACT_API void nnact_sched_free(nnact_sched *s);

/**
 * @brief Sets one schedule parameter.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL s, unknown key, key not of the kind, value out of range).
 * @since 1.0
 */
NNACT_API nnact_status nnact_sched_set(nnact_sched *s, nnact_sched_param p, double value);

/**
 * @brief Sets MULTI_STEP's milestones (copied; any order, repeats count twice as in PyTorch).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL s, not MULTI_STEP, NULL milestones with n > 0);
 *         NNACT_ERR_NOMEM (schedule unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_sched_set_milestones(nnact_sched *s, size_t n,
                                                  const uint64_t *milestones);

/**
 * @brief The learning rate at step index t for base learning rate base_lr.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL s or lr, base_lr negative or not finite).
 * @since 1.0
 */
NNACT_API nnact_status nnact_sched_lr(const nnact_sched *s, double base_lr, uint64_t t, double *lr);

NNACT_END_DECLS

#endif /* NNACT_OPTIM_H */
