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

/* LAPACK through LAPACKE's column-major _work entry points, so that LAPACKE
 * itself allocates nothing: all workspace comes from the caller (nnact__malloc).
 * Each returns LAPACK's info; lwork = -1 is a workspace query (the size comes
 * back in work[0], and for dgelsd the iwork size in iwork[0]). Sizes must fit
 * in int (callers check with nnact__blas_dims_ok). */
NNACT_HIDDEN int nnact__dgesdd(char jobz, int m, int n, double *a, int lda, double *s, double *u,
                               int ldu, double *vt, int ldvt, double *work, int lwork, int *iwork);
NNACT_HIDDEN int nnact__dgelsd(int m, int n, int nrhs, double *a, int lda, double *b, int ldb,
                               double *s, double rcond, int *rank, double *work, int lwork,
                               int *iwork);

/* Test hook, hidden from the shared object: the next LAPACK call (not a
 * workspace query) of `routine` ("dgesdd" or "dgelsd") skips LAPACK and
 * returns `info`, so the info > 0 paths can be tested. routine NULL clears it.
 * Not for concurrent use. */
NNACT_HIDDEN void nnact__lapack_set_fault(const char *routine, int info);

#endif /* NNACT_BLAS_BLAS_H */
