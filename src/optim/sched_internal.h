/* Internal: schedule calls for the modules that own a schedule's copy. */
#ifndef NNACT_SCHED_INTERNAL_H
#define NNACT_SCHED_INTERNAL_H

#include "core/error.h"
#include "nnact/optim.h"

/* A deep copy of s (not NULL) into *out; NNACT_ERR_NOMEM (with *out NULL and
 * the detail naming `who`) otherwise. */
NNACT_HIDDEN nnact_status nnact__sched_clone(const nnact_sched *s, nnact_sched **out,
                                             const char *who);

#endif /* NNACT_SCHED_INTERNAL_H */
