/* Internal: the optimizer seen by the training loop. A network's parameters
 * live in several buffers (one W and one b per layer); the optimizer treats
 * them as one flat vector cut into segments, so its state, binding, finiteness
 * check and global-norm clipping are the same as for one flat array. */
#ifndef NNACT_OPTIM_INTERNAL_H
#define NNACT_OPTIM_INTERNAL_H

#include <stddef.h>

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

#endif /* NNACT_OPTIM_INTERNAL_H */
