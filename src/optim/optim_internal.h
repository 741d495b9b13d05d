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

/* One step over the concatenation of the segments (total length = sum of n).
 * Same statuses and guarantees as nnact_opt_step(): on NNACT_ERR_NUMERIC or
 * NNACT_ERR_SHAPE nothing is touched. `who` names the public caller in details. */
NNACT_HIDDEN nnact_status nnact__opt_step_segments(nnact_opt *o, size_t nseg,
                                                   const struct nnact__opt_seg *segs,
                                                   const char *who);

/* A step taken piece by piece (the training step updates each layer right
 * after its weight product, while the gradient is still in cache):
 * nnact__opt_begin checks the length and binds the state (the only failures:
 * SHAPE, OVERFLOW, NOMEM, with nothing changed), nnact__opt_update applies the
 * rule to the slice [off, off + n) of the flat vector, nnact__opt_end counts
 * the step. Every slice must be updated exactly once between begin and end.
 * The caller has proved the gradients finite; no CLIP_NORM (it needs the
 * whole gradient first: nnact__opt_layerwise() says when this is allowed). */
struct nnact__opt_run {
    const double *hp;
    uint64_t t;       /* step number of this update, >= 1 */
    double cv, scale; /* clipping */
    int first_momentum, uses_momentum;
};
NNACT_HIDDEN nnact_status nnact__opt_begin(nnact_opt *o, size_t n, struct nnact__opt_run *r,
                                           const char *who);
NNACT_HIDDEN void nnact__opt_update(nnact_opt *o, const struct nnact__opt_run *r, size_t off,
                                    size_t n, double *p, const double *g);
NNACT_HIDDEN void nnact__opt_end(nnact_opt *o, const struct nnact__opt_run *r);
NNACT_HIDDEN int nnact__opt_layerwise(const nnact_opt *o);
/* 1 for plain SGD without clipping whose 1 - lr weight_decay is finite: then a
 * step is p <- decay p - lr g with *decay = 1 - lr weight_decay, which a
 * caller may fold into a product. */
NNACT_HIDDEN int nnact__opt_fused_sgd(const nnact_opt *o, double *lr, double *decay);

/* NNACT_ERR_SHAPE (with a detail) when a bound optimizer would refuse a step of
 * length n; lets a caller check before it changes anything else. */
NNACT_HIDDEN nnact_status nnact__opt_check_length(const nnact_opt *o, size_t n, const char *who);

/* 1 when the optimizer refuses non-finite gradients (CHECK_FINITE). */
NNACT_HIDDEN int nnact__opt_checks_finite(const nnact_opt *o);

/* 1 when every x[i] is finite (no NaN, no +-Inf). One branch-free read pass. */
NNACT_HIDDEN int nnact__all_finite(size_t n, const double *x);

/* Scratch memory owned by the optimizer for its caller (the training loop keeps
 * its forward output, loss gradient and segment table here, since an optimizer
 * is bound to one network). Grows only; returns NULL on allocation failure
 * (the old block is kept). */
NNACT_HIDDEN void *nnact__opt_scratch(nnact_opt *o, size_t bytes);

/* Test hook: set the step counter (to reach its saturation without 2^64 steps). */
NNACT_HIDDEN void nnact__opt_set_step_count(nnact_opt *o, uint64_t steps);

/* Checkpoints (src/io/checkpoint_api.c): a read-only view of the whole state
 * of an optimizer, and its all-or-nothing import. */
struct nnact__opt_state {
    nnact_opt_kind kind;
    const double *hp;     /* every key, NNACT_OPT_PARAM_CHECK_FINITE + 1 values */
    uint64_t steps;
    size_t bound_n;       /* 0: not bound yet */
    size_t n_bufs;        /* state vectors when bound (0 otherwise) */
    int momentum_init;
    const double *state;  /* n_bufs * bound_n doubles, vector after vector */
};
NNACT_HIDDEN void nnact__opt_state_view(const nnact_opt *o, struct nnact__opt_state *s);
/* Replaces o's hyper-parameters (the keys that apply to its kind), step count,
 * binding and state with s's. s->kind must be o's kind, every value in its
 * range, n_bufs the kind's count (0 when unbound). On failure o is unchanged. */
NNACT_HIDDEN nnact_status nnact__opt_state_import(nnact_opt *o, const struct nnact__opt_state *s,
                                                  const char *who);

#endif /* NNACT_OPTIM_INTERNAL_H */
