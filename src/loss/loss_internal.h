/* Internal: the loss module's target check, for callers that must refuse bad
 * targets before they change anything (the training step runs it before its
 * forward pass). */
#ifndef NNACT_LOSS_INTERNAL_H
#define NNACT_LOSS_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "nnact/loss.h"

/* NNACT_ERR_ARG naming `who` when a target is outside its kind's domain
 * (docs/NETWORK.md); NNACT_OK otherwise. k must be a valid kind. */
NNACT_HIDDEN nnact_status nnact__loss_check_targets(const char *who, nnact_loss_kind k,
                                                    size_t batch, size_t n, const double *t);

/* 1 when the kind's loss is a mean over the batch's rows (or elements), 0
 * when it is a sum (NNACT_LOSS_HALF_SSE) or the kind is unknown: a
 * data-parallel fit weights each shard's loss and gradient by it. */
NNACT_HIDDEN int nnact__loss_is_mean(nnact_loss_kind k);

#endif /* NNACT_LOSS_INTERNAL_H */
