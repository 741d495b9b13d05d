/* Internal to the linalg module, and offered to the modules above it: the
 * input checks every matrix routine of the library makes. */
#ifndef NNACT_LINALG_INTERNAL_H
#define NNACT_LINALG_INTERNAL_H

#include <stddef.h>

#include "core/error.h"

/* NNACT_ERR_NUMERIC naming the first non-finite entry of a rows x cols array
 * ("who: what[i][j] is nan"). */
NNACT_HIDDEN nnact_status nnact__require_finite(const char *who, const char *what, size_t rows,
                                                size_t cols, const double *a);

/* A LAPACK info as a status: > 0 (no convergence) is NNACT_ERR_NUMERIC, < 0
 * (an argument LAPACK rejected) NNACT_ERR_ARG, both naming who and routine. */
NNACT_HIDDEN nnact_status nnact__lapack_status(const char *who, const char *routine, int info);

#endif /* NNACT_LINALG_INTERNAL_H */
