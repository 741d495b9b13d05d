/* The SVD of any row-major matrix and what follows from it: singular values,
 * rank, condition number, truncated SVD. LAPACK runs
 * column-major on our own copies (it overwrites its input): a row-major
 * rows x cols matrix is the column-major cols x rows matrix A^T, which has the
 * same singular values, so no transposition is ever needed for those. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "blas/blas.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "linalg/linalg_internal.h"
#include "nnact/linalg.h"

static nnact_status check_matrix(const char *who, size_t rows, size_t cols, const double *A)
{
    NNACT_RETURN_IF(A == NULL, NNACT_ERR_ARG, "%s: A is NULL", who);
    NNACT_RETURN_IF(rows == 0 || cols == 0, NNACT_ERR_ARG, "%s: A is %zu x %zu (empty)", who, rows,
                    cols);
    size_t bytes;
    NNACT_RETURN_IF(!nnact__matrix_bytes(rows, cols, &bytes) || rows > INT_MAX / 8 ||
                        cols > INT_MAX / 8 || rows * cols > INT_MAX,
                    NNACT_ERR_OVERFLOW, "%s: A of %zu x %zu exceeds LAPACK's int sizes", who, rows,
                    cols);
    return nnact__require_finite(who, "A", rows, cols, A);
}

/* dgesdd of the column-major cols x rows copy of A. jobz 'N': values into s.
 * jobz 'S': also u (cols x k, ld cols) and vt (k x rows, ld k), k = min.
 * Workspace and the copy come from nnact__malloc. */
static nnact_status svd(const char *who, char jobz, size_t rows, size_t cols, const double *A,
                        double *s, double *u, double *vt)
{
    const int m = (int)cols, n = (int)rows, k = m < n ? m : n;
    double query = 0.0;
    int info = nnact__dgesdd(jobz, m, n, NULL, m, s, u, m, vt, k, &query, -1, NULL);
    NNACT_FORWARD_IF_ERROR(nnact__lapack_status(who, "dgesdd", info));
    NNACT_RETURN_IF(!(query >= 1.0 && query < (double)INT_MAX), NNACT_ERR_OVERFLOW,
                    "%s: dgesdd workspace of %g doubles exceeds LAPACK's int", who, query);
    int lwork = (int)query;
    double *a = nnact__malloc(rows * cols * sizeof(double));
    double *work = nnact__malloc((size_t)lwork * sizeof(double));
    int *iwork = nnact__malloc(8 * (size_t)k * sizeof(int));
    nnact_status st = NNACT_OK;
    if (a == NULL || work == NULL || iwork == NULL)
        st = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory for dgesdd on %zu x %zu", who, rows,
                         cols);
    if (st == NNACT_OK) {
        memcpy(a, A, rows * cols * sizeof(double));
        info = nnact__dgesdd(jobz, m, n, a, m, s, u, m, vt, k, work, lwork, iwork);
        st = nnact__lapack_status(who, "dgesdd", info);
    }
    nnact__free(a);
    nnact__free(work);
    nnact__free(iwork);
    return st;
}

/* Singular values into a fresh buffer the caller frees. */
static nnact_status values(const char *who, size_t rows, size_t cols, const double *A,
                           double **s_out)
{
    *s_out = NULL;
    NNACT_FORWARD_IF_ERROR(check_matrix(who, rows, cols, A));
    size_t k = rows < cols ? rows : cols;
    double *s = nnact__malloc(k * sizeof(double));
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    nnact_status st = svd(who, 'N', rows, cols, A, s, NULL, NULL);
    if (st != NNACT_OK) {
        nnact__free(s);
        return st;
    }
    *s_out = s;
    return NNACT_OK;
}

nnact_status nnact_singular_values(size_t rows, size_t cols, const double *A, double *s)
{
    static const char who[] = "nnact_singular_values";
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_ARG, "%s: s is NULL", who);
    double *t;
    NNACT_FORWARD_IF_ERROR(values(who, rows, cols, A, &t));
    memcpy(s, t, (rows < cols ? rows : cols) * sizeof(double));
    nnact__free(t);
    return NNACT_OK;
}

nnact_status nnact_rank(size_t rows, size_t cols, const double *A, double tol, size_t *rank)
{
    static const char who[] = "nnact_rank";
    NNACT_RETURN_IF(rank == NULL, NNACT_ERR_ARG, "%s: rank is NULL", who);
    double *s;
    NNACT_FORWARD_IF_ERROR(values(who, rows, cols, A, &s));
    size_t k = rows < cols ? rows : cols;
    /* Default: singular values an SVD cannot tell from zero, max(m, n) eps s_max. */
    if (!(tol >= 0.0)) tol = (double)(rows > cols ? rows : cols) * DBL_EPSILON * s[0];
    size_t r = 0;
    while (r < k && s[r] > tol)
        r++;
    nnact__free(s);
    *rank = r;
    return NNACT_OK;
}

nnact_status nnact_condition_number(size_t rows, size_t cols, const double *A, double *cond)
{
    static const char who[] = "nnact_condition_number";
    NNACT_RETURN_IF(cond == NULL, NNACT_ERR_ARG, "%s: cond is NULL", who);
    double *s;
    NNACT_FORWARD_IF_ERROR(values(who, rows, cols, A, &s));
    size_t k = rows < cols ? rows : cols;
    *cond = s[k - 1] > 0.0 ? s[0] / s[k - 1] : INFINITY;
    nnact__free(s);
    return NNACT_OK;
}

nnact_status nnact_svd_truncate(size_t rows, size_t cols, const double *A, size_t r, double *U,
                                double *V, double *err)
{
    static const char who[] = "nnact_svd_truncate";
    NNACT_RETURN_IF(U == NULL || V == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    U == NULL ? "U" : "V");
    NNACT_FORWARD_IF_ERROR(check_matrix(who, rows, cols, A));
    const size_t k = rows < cols ? rows : cols;
    NNACT_RETURN_IF(r == 0 || r > k, NNACT_ERR_ARG, "%s: r = %zu, must be 1 .. %zu", who, r, k);
    /* A^T (column-major cols x rows) = u S vt, so A = vt^T S u^T: A's left
     * factor comes from vt, its right factor from u. */
    double *s = nnact__malloc(k * sizeof(double));
    double *u = nnact__malloc(cols * k * sizeof(double));
    double *vt = nnact__malloc(k * rows * sizeof(double));
    nnact_status st = NNACT_OK;
    if (s == NULL || u == NULL || vt == NULL)
        st = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    if (st == NNACT_OK) st = svd(who, 'S', rows, cols, A, s, u, vt);
    if (st == NNACT_OK) {
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < r; j++)
                U[i * r + j] = vt[j + i * k] * s[j];
        for (size_t j = 0; j < r; j++)
            for (size_t i = 0; i < cols; i++)
                V[j * cols + i] = u[i + j * cols];
        if (err) *err = r < k ? s[r] : 0.0;
    }
    nnact__free(s);
    nnact__free(u);
    nnact__free(vt);
    return st;
}
