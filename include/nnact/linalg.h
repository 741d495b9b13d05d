/**
 * @file nnact/linalg.h
 * @brief Analysis of any row-major matrix with LAPACKE: singular values,
 *        numerical rank, condition number, truncated SVD and the least-squares
 *        affine fit. Implemented by the linalg module (src/linalg), which needs
 *        nothing of the library but the BLAS/LAPACKE door; the linearity
 *        collapse (nnact/collapse.h) is one of its users.
 *
 * Shapes are row-major; arrays are caller-owned and out-arrays are written only
 * on success. LAPACK works on the library's own copies, so inputs are never
 * modified. docs/collapse.md gives the numerics.
 */
#ifndef NNACT_LINALG_H
#define NNACT_LINALG_H

#include <stddef.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Singular values of the rows x cols matrix A, descending
 *        (LAPACKE_dgesdd, values only).
 * @param s min(rows, cols) entries.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL pointer, rows or cols 0);
 *         NNACT_ERR_OVERFLOW (a size beyond size_t or LAPACK's int, before
 *         allocation); NNACT_ERR_NUMERIC (NaN/Inf in A, or LAPACK info > 0: the
 *         routine and info are in nnact_last_error()); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_singular_values(size_t rows, size_t cols, const double *A, double *s);

/**
 * @brief Numerical rank: the number of singular values above tol.
 * @param tol < 0 (or NaN) selects the default max(rows, cols) * DBL_EPSILON * s_max
 *        (DBL_EPSILON = 2^-52), the rounding level of an SVD of A.
 * @return as nnact_singular_values().
 * @since 1.0
 */
NNACT_API nnact_status nnact_rank(size_t rows, size_t cols, const double *A, double tol,
                                  size_t *rank);

/**
 * @brief 2-norm condition number s_max / s_min over the min(rows, cols)
 *        singular values; +Inf when s_min is 0 (and for the zero matrix).
 * @return as nnact_singular_values().
 * @since 1.0
 */
NNACT_API nnact_status nnact_condition_number(size_t rows, size_t cols, const double *A,
                                              double *cond);

/**
 * @brief Best rank-r approximation of A (Eckart-Young) as two factors,
 *        A ~ U V with U rows x r (columns scaled by the singular values) and
 *        V r x cols: r (rows + cols) numbers in place of rows * cols, e.g. one
 *        layer replaced by two narrower ones.
 * @param r 1 .. min(rows, cols).
 * @param err NULL or the 2-norm error ||A - U V||_2 = s_(r+1) (0 when r = min(rows, cols)).
 * @return as nnact_singular_values(); NNACT_ERR_ARG also for r out of range.
 * @since 1.0
 */
NNACT_API nnact_status nnact_svd_truncate(size_t rows, size_t cols, const double *A, size_t r,
                                          double *U, double *V, double *err);

/**
 * @brief Least-squares affine map X (n x n_in) -> T (n x n_out): K (n_in x n_out)
 *        and c (n_out) minimising sum ||x K + c - t||^2 (LAPACKE_dgelsd on the
 *        centred data, c = mean(T) - mean(X) K; minimum-norm K when the problem is
 *        rank deficient, singular values below max(n, n_in) * DBL_EPSILON * s_max
 *        treated as zero). Its mean squared error, over n * n_out entries, is the
 *        floor that no network of linear layers, of any depth, can beat on this data.
 * @param mse NULL or the mean squared error of the fit.
 * @return as nnact_singular_values() (NaN/Inf in X or T is NNACT_ERR_NUMERIC).
 * @since 1.0
 */
NNACT_API nnact_status nnact_lstsq_affine(size_t n, size_t n_in, size_t n_out, const double *X,
                                          const double *T, double *K, double *c, double *mse);

NNACT_END_DECLS

#endif /* NNACT_LINALG_H */
