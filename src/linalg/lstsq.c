/* Least-squares affine fit X -> T through LAPACKE_dgelsd (SVD-based, so a
 * rank-deficient X gives the minimum-norm K instead of failing). */
#include <float.h>
#include <limits.h>
#include <string.h>

#include "blas/blas.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "linalg/linalg_internal.h"
#include "nnact/linalg.h"

/* The problem in LAPACK's terms: X is m x nn, the right-hand sides nrhs,
 * b (column-major) holds ldb >= max(m, nn) rows so that dgelsd can return K
 * (nn rows) in place of T (m rows). */
struct lstsq_shape {
    size_t n, n_in, n_out, ldb;
    size_t a_bytes, b_bytes;
    double rcond;
};

/* NULL and empty arguments, LAPACK's int limits, then NaN/Inf in the data. */
static nnact_status check_args(const char *who, size_t n, size_t n_in, size_t n_out,
                               const double *X, const double *T, const double *K, const double *c,
                               struct lstsq_shape *sh)
{
    NNACT_RETURN_IF(X == NULL || T == NULL || K == NULL || c == NULL, NNACT_ERR_ARG,
                    "%s: %s is NULL", who,
                    X == NULL   ? "X"
                    : T == NULL ? "T"
                    : K == NULL ? "K"
                                : "c");
    NNACT_RETURN_IF(n == 0 || n_in == 0 || n_out == 0, NNACT_ERR_ARG,
                    "%s: sizes must be positive (n %zu, n_in %zu, n_out %zu)", who, n, n_in, n_out);
    sh->n = n;
    sh->n_in = n_in;
    sh->n_out = n_out;
    sh->ldb = n > n_in ? n : n_in;
    NNACT_RETURN_IF(
        !nnact__matrix_bytes(n, n_in, &sh->a_bytes) ||
            !nnact__matrix_bytes(sh->ldb, n_out, &sh->b_bytes) || sh->ldb > INT_MAX / 64 ||
            n_out > INT_MAX / 64 || n * n_in > INT_MAX || sh->ldb * n_out > INT_MAX,
        NNACT_ERR_OVERFLOW, "%s: %zu x %zu -> %zu exceeds LAPACK's int sizes", who, n, n_in, n_out);
    NNACT_FORWARD_IF_ERROR(nnact__require_finite(who, "X", n, n_in, X));
    NNACT_FORWARD_IF_ERROR(nnact__require_finite(who, "T", n, n_out, T));
    /* Singular values below rcond s_max are treated as zero (minimum-norm K). */
    sh->rcond = (double)sh->ldb * DBL_EPSILON;
    return NNACT_OK;
}

/* Everything dgelsd and the centring need, in one set of allocations. */
struct lstsq_work {
    double *a, *b, *s, *mx, *mt, *work;
    int *iwork;
    int lwork;
};

static void work_free(struct lstsq_work *w)
{
    nnact__free(w->a);
    nnact__free(w->b);
    nnact__free(w->s);
    nnact__free(w->mx);
    nnact__free(w->mt);
    nnact__free(w->work);
    nnact__free(w->iwork);
    memset(w, 0, sizeof *w);
}

/* Asks dgelsd for its workspace sizes, then allocates it all (on failure
 * nothing stays allocated). */
static nnact_status work_alloc(const char *who, const struct lstsq_shape *sh, struct lstsq_work *w)
{
    memset(w, 0, sizeof *w);
    const int m = (int)sh->n, nn = (int)sh->n_in, k = m < nn ? m : nn;
    double query = 0.0;
    int iquery = 0, rank = 0;
    int info = nnact__dgelsd(m, nn, (int)sh->n_out, NULL, m, NULL, (int)sh->ldb, NULL, sh->rcond,
                             &rank, &query, -1, &iquery);
    NNACT_FORWARD_IF_ERROR(nnact__lapack_status(who, "dgelsd", info));
    NNACT_RETURN_IF(!(query >= 1.0 && query < (double)INT_MAX) || iquery < 1, NNACT_ERR_OVERFLOW,
                    "%s: dgelsd workspace of %g doubles exceeds LAPACK's int", who, query);
    w->lwork = (int)query;
    w->a = nnact__malloc(sh->a_bytes);
    w->b = nnact__malloc(sh->b_bytes);
    w->s = nnact__malloc((size_t)k * sizeof(double));
    w->mx = nnact__malloc(sh->n_in * sizeof(double));
    w->mt = nnact__malloc(sh->n_out * sizeof(double));
    w->work = nnact__malloc((size_t)w->lwork * sizeof(double));
    w->iwork = nnact__malloc((size_t)iquery * sizeof(int));
    if (!w->a || !w->b || !w->s || !w->mx || !w->mt || !w->work || !w->iwork) {
        work_free(w);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    return NNACT_OK;
}

/* mean[j] of the columns of a rows x cols array, summed in long double. */
static void column_means(size_t rows, size_t cols, const double *M, double *mean)
{
    for (size_t j = 0; j < cols; j++) {
        long double acc = 0.0L;
        for (size_t i = 0; i < rows; i++)
            acc += M[i * cols + j];
        mean[j] = (double)(acc / (long double)rows);
    }
}

/* K of the centred problem into w->b (its first n_in rows). Centring removes c
 * from the problem: the best c for any K is mean(T) - mean(X) K, so K solves
 * the centred least-squares problem. */
static nnact_status solve_centred(const char *who, const struct lstsq_shape *sh, const double *X,
                                  const double *T, struct lstsq_work *w)
{
    const size_t n = sh->n, n_in = sh->n_in, n_out = sh->n_out, ldb = sh->ldb;
    column_means(n, n_in, X, w->mx);
    column_means(n, n_out, T, w->mt);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n_in; j++)
            w->a[i + j * n] = X[i * n_in + j] - w->mx[j];
        for (size_t j = 0; j < n_out; j++)
            w->b[i + j * ldb] = T[i * n_out + j] - w->mt[j];
    }
    int rank = 0;
    int info = nnact__dgelsd((int)n, (int)n_in, (int)n_out, w->a, (int)n, w->b, (int)ldb, w->s,
                             sh->rcond, &rank, w->work, w->lwork, w->iwork);
    return nnact__lapack_status(who, "dgelsd", info);
}

/* Mean squared residual of x K + c against T, recomputed from the data rather
 * than taken from dgelsd. xk holds n x n_out doubles of scratch. */
static double residual_mse(const struct lstsq_shape *sh, const double *X, const double *T,
                           const double *K, const double *c, double *xk)
{
    const size_t n = sh->n, n_in = sh->n_in, n_out = sh->n_out;
    nnact__dgemm(0, 0, n, n_out, n_in, 1.0, X, n_in, K, n_out, 0.0, xk, n_out);
    long double sum = 0.0L;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n_out; j++) {
            long double r = (long double)xk[i * n_out + j] + c[j] - T[i * n_out + j];
            sum += r * r;
        }
    return (double)(sum / ((long double)n * (long double)n_out));
}

nnact_status nnact_lstsq_affine(size_t n, size_t n_in, size_t n_out, const double *X,
                                const double *T, double *K, double *c, double *mse)
{
    static const char who[] = "nnact_lstsq_affine";
    struct lstsq_shape sh = {0};
    NNACT_FORWARD_IF_ERROR(check_args(who, n, n_in, n_out, X, T, K, c, &sh));
    struct lstsq_work w;
    NNACT_FORWARD_IF_ERROR(work_alloc(who, &sh, &w));
    nnact_status st = solve_centred(who, &sh, X, T, &w);
    if (st == NNACT_OK) {
        for (size_t i = 0; i < n_in; i++)
            for (size_t j = 0; j < n_out; j++)
                K[i * n_out + j] = w.b[i + j * sh.ldb];
        /* c = mean(T) - mean(X) K: a 1 x n_in by n_in x n_out product, through BLAS
         * like every product in the library */
        memcpy(c, w.mt, n_out * sizeof(double));
        nnact__dgemm(0, 0, 1, n_out, n_in, -1.0, w.mx, n_in, K, n_out, 1.0, c, n_out);
        /* b is free now and holds at least n x n_out doubles */
        if (mse) *mse = residual_mse(&sh, X, T, K, c, w.b);
    }
    work_free(&w);
    return st;
}
