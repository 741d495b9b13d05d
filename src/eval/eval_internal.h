/* Internal: the split of nnact_split_rows for callers inside the library
 * (the fit draws its validation split with it), reporting failures under the
 * public function the caller called. */
#ifndef NNACT_EVAL_INTERNAL_H
#define NNACT_EVAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* nnact_split_rows with `who` naming the public caller in details; the
   arguments are checked here too (labels, fraction), order and n_first
   written only on success. */
NNACT_HIDDEN nnact_status nnact__split_rows(const char *who, size_t n, const double *labels,
                                            double fraction, uint64_t seed, size_t *order,
                                            size_t *n_first);

#endif /* NNACT_EVAL_INTERNAL_H */
