/* Internal: schedule calls for the modules that own a schedule's copy. */
#ifndef NNACT_SCHED_INTERNAL_H
#define NNACT_SCHED_INTERNAL_H

#include <stdint.h>

#include "core/error.h"
#include "nnact/optim.h"

/* A deep copy of s (not NULL) into *out; NNACT_ERR_NOMEM (with *out NULL and
 * the detail naming `who`) otherwise. */
NNACT_HIDDEN nnact_status nnact__sched_clone(const nnact_sched *s, nnact_sched **out,
                                             const char *who);

/* h mixed with everything that decides s's rates (kind, parameters,
 * milestones); s NULL (no schedule) mixes a marker of its own. For the
 * data-parallel fit's check that every rank runs the same settings. */
NNACT_HIDDEN uint64_t nnact__sched_digest(const nnact_sched *s, uint64_t h);

#endif /* NNACT_SCHED_INTERNAL_H */
