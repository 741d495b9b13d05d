/* Internal: the one module that talks to CBLAS and LAPACKE. Everything else in
 * the library calls these wrappers, so the BLAS headers stay out of the rest of
 * the tree and a product can be counted, checked or swapped in one place. */
#ifndef NNACT_BLAS_BLAS_H
#define NNACT_BLAS_BLAS_H

#include <stddef.h>

#include "core/error.h"

/* C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is m x k, op(B) is k x n.
 * trans_a / trans_b: 0 = as stored, 1 = transposed. One cblas_dgemm call.
 * Sizes must fit in int (callers check with nnact__blas_dims_ok). */
NNACT_HIDDEN void nnact__dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                               const double *a, size_t lda, const double *b, size_t ldb,
                               double beta, double *c, size_t ldc);

/* 1 when every size passed fits the BLAS's int, 0 otherwise. */
NNACT_HIDDEN int nnact__blas_dims_ok(size_t m, size_t n, size_t k);

#endif /* NNACT_BLAS_BLAS_H */
