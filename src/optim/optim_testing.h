/* Internal, for tests only: seams into the optimizer that no library code
 * uses. Included by src/optim/optim.c (which implements them) and by tests. */
#ifndef NNACT_OPTIM_TESTING_H
#define NNACT_OPTIM_TESTING_H

#include <stdint.h>

#include "core/error.h"
#include "nnact/optim.h"

/* Sets the step counter, to reach its saturation without 2^64 steps. */
NNACT_HIDDEN void nnact__opt_set_step_count(nnact_opt *o, uint64_t steps);

/* 0 keeps the update rules on the portable path whatever the CPU has (1, the
 * default: the vector path where the CPU has one), so a test compares both in
 * one process. */
NNACT_HIDDEN void nnact__opt_set_vector(int on);

#endif /* NNACT_OPTIM_TESTING_H */
