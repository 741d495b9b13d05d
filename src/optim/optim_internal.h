/* Internal: the optimizer seen by the training loop. A network's parameters
 * live in several buffers (one W and one b per layer); the optimizer treats
 * them as one flat vector cut into segments, so its state, binding, finiteness
 * check and global-norm clipping are the same as for one flat array. */
#ifndef NNACT_OPTIM_INTERNAL_H
#define NNACT_OPTIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "nnact/optim.h"

struct nnact__opt_seg {
    double *params;
    const double *grads;
    size_t n;
};

/* One step of an optimizer, as a value: the training step builds it with the
 * step's learning rate and hands it to the network's backward-and-update
 * (nnact__net_backward_update), so a scheduled rate flows into the update
 * without being written into the optimizer.
 *
 * nnact__opt_run_init reads the optimizer's settings (it cannot fail and
 * changes nothing): lr = NAN takes the LR hyper-parameter, any other value
 * (finite, >= 0, checked by the caller) is used instead of it for this step.
 *
 * Then either the checked step over whole segments (nnact__opt_step_run:
 * finiteness check, global-norm clipping, same statuses and guarantees as
 * nnact_opt_step(); on failure nothing is touched), or a step taken piece by
 * piece, each layer updated right after its weight product while the
 * gradient is still in cache: nnact__opt_begin checks the length and binds
 * the state (the only failures: SHAPE, OVERFLOW, NOMEM, with nothing
 * changed), nnact__opt_update applies the rule to the slice [off, off + n) of
 * the flat vector, nnact__opt_end counts the step. Every slice is updated
 * exactly once between begin and end; the caller has proved the gradients
 * finite; allowed only when `layerwise` (no CLIP_NORM: it needs the whole
 * gradient first).
 *
 * Plain SGD (`fused`): the whole rule is p <- beta p + alpha g (alpha = -lr,
 * beta = 1 - lr weight_decay, finite), so a caller that computes g as a
 * matrix product may fold the update into that product's alpha and beta
 * (the network does, for W <- beta W + alpha X^T dZ, and never stores dW);
 * nnact__opt_fused_update applies the same rule to a slice it does not fold
 * (the bias). The arithmetic stays here: the network only passes alpha and
 * beta to its product. A fused piecewise step still runs between begin and
 * end (the step count).
 *
 * With check_finite, a step never leaves a non-finite parameter or state
 * value behind: the checked step runs the rule once without writing (the dry
 * run) and refuses with NNACT_ERR_NUMERIC, nothing changed, when a result
 * would not be finite. A piecewise step cannot undo its earlier slices, so
 * it is allowed only when nnact__opt_proves_finite says the whole update is
 * finite a priori; otherwise the caller takes the checked step. */
struct nnact__opt_run {
    nnact_opt *o;
    double lr;        /* this step's learning rate */
    int check_finite; /* CHECK_FINITE: non-finite gradients are refused */
    int layerwise;    /* slices may be updated one at a time */
    int fused;        /* plain SGD, foldable: p <- beta p + alpha g */
    double alpha, beta;
    double cv, scale; /* clipping: CLIP_VALUE, the global-norm factor */
    uint64_t t;       /* step number of this update, >= 1 (set by begin) */
    int first_momentum, uses_momentum;
};
NNACT_HIDDEN void nnact__opt_run_init(nnact_opt *o, double lr, struct nnact__opt_run *r);
NNACT_HIDDEN nnact_status nnact__opt_step_run(struct nnact__opt_run *r, size_t nseg,
                                              const struct nnact__opt_seg *segs, const char *who);
NNACT_HIDDEN nnact_status nnact__opt_begin(struct nnact__opt_run *r, size_t n, const char *who);
NNACT_HIDDEN void nnact__opt_update(const struct nnact__opt_run *r, size_t off, size_t n, double *p,
                                    const double *g);
NNACT_HIDDEN void nnact__opt_fused_update(const struct nnact__opt_run *r, size_t n, double *p,
                                          const double *g);
NNACT_HIDDEN void nnact__opt_end(const struct nnact__opt_run *r);

/* 1 when a piecewise step of the run over the n parameters p is proved to
 * leave every parameter and state value finite, given that every gradient
 * entry (every partial sum of a fused product included) is at most gmax in
 * magnitude. One read pass over p (max |p|); the state is not read: the
 * optimizer keeps its vectors' maxima from the last committed step (or
 * import). Fused SGD: |beta| max|p| + lr gmax far below DBL_MAX; every other
 * rule: a coarse bound of its step (over eps, not over the root of the second
 * moment) that holds for any ordinary setting. 0 when the bound fails (a
 * huge rate, parameter or state, eps = 0, an imported negative second
 * moment): then take the checked step, whose dry run decides. */
NNACT_HIDDEN int nnact__opt_proves_finite(const struct nnact__opt_run *r, size_t n, const double *p,
                                          double gmax);

/* NNACT_ERR_SHAPE (with a detail) when a bound optimizer would refuse a step of
 * length n; lets a caller check before it changes anything else. */
NNACT_HIDDEN nnact_status nnact__opt_check_length(const nnact_opt *o, size_t n, const char *who);

/* 1 when every x[i] is finite (no NaN, no +-Inf). One branch-free read pass. */
NNACT_HIDDEN int nnact__all_finite(size_t n, const double *x);

/* max |x[i]|, or +Inf when some x[i] is NaN or infinite (0 for n = 0). One
 * read pass; the network's gradient bound uses it too. */
NNACT_HIDDEN double nnact__max_abs(size_t n, const double *x);

/* One committing step of a rule with every setting resolved to a number,
 * for the vector path (optim_avx2.c, built where NNACT_HAVE_AVX2 is defined;
 * call only when nnact__cpu_flags() has NNACT_CPU_AVX2_FMA). Fields not used
 * by the rule are ignored; RMSprop's alpha travels in b1. */
enum nnact__opt_rule {
    NNACT__OPT_RULE_SGD,
    NNACT__OPT_RULE_MOMENTUM, /* and Nesterov */
    NNACT__OPT_RULE_ADAGRAD,
    NNACT__OPT_RULE_RMSPROP,
    NNACT__OPT_RULE_ADAM /* and AdamW */
};
struct nnact__opt_vec {
    enum nnact__opt_rule rule;
    double lr; /* Adagrad: the decayed rate */
    double wd, cv, scale;
    int decoupled; /* AdamW: p * decay first, wd not added to d */
    double b1, b2, eps, step_size, bc2_sqrt, decay;
    int amsgrad, centered, nesterov, first;
    double mu, damp;
};
/* The rule over the first n & ~3 values of p, g and the state slices s0..s2
 * (NULL where the rule has none); mx[k] grows to the new state vector k's
 * maximum as KEEP_MAX does (NaN sticks). Returns how many values it did. */
NNACT_HIDDEN size_t nnact__opt_avx2_update(const struct nnact__opt_vec *v, size_t n, double *p,
                                           const double *g, double *s0, double *s1, double *s2,
                                           double mx[3]);

/* max |x[i]| on AVX2, and *bad = 1 when some x[i] is NaN or infinite (then
 * the maximum means nothing): nnact__max_abs's vector path. */
NNACT_HIDDEN double nnact__opt_avx2_max_abs(size_t n, const double *x, int *bad);

/* Checkpoints (src/io/checkpoint_api.c): a read-only view of the whole state
 * of an optimizer, and its all-or-nothing import. */
struct nnact__opt_state {
    nnact_opt_kind kind;
    const double *hp; /* every key, NNACT_OPT_PARAM_CHECK_FINITE + 1 values */
    uint64_t steps;
    size_t bound_n; /* 0: not bound yet */
    size_t n_bufs;  /* state vectors when bound (0 otherwise) */
    int momentum_init;
    const double *state; /* n_bufs * bound_n doubles, vector after vector */
};
NNACT_HIDDEN void nnact__opt_state_view(const nnact_opt *o, struct nnact__opt_state *s);
/* Replaces o's hyper-parameters (the keys that apply to its kind), step count,
 * binding and state with s's. s->kind must be o's kind, every value in its
 * range, n_bufs the kind's count (0 when unbound). On failure o is unchanged. */
NNACT_HIDDEN nnact_status nnact__opt_state_import(nnact_opt *o, const struct nnact__opt_state *s,
                                                  const char *who);

#endif /* NNACT_OPTIM_INTERNAL_H */
