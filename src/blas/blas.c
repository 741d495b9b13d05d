/* CBLAS/LAPACKE wrappers and what the BLAS says about itself. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "blas/blas.h"
#include "nnact/blas.h"

void nnact__dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                  const double *a, size_t lda, const double *b, size_t ldb, double beta, double *c,
                  size_t ldc)
{
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n, (blasint)k, alpha, a,
                (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

int nnact__blas_dims_ok(size_t m, size_t n, size_t k)
{
    return m <= INT_MAX && n <= INT_MAX && k <= INT_MAX;
}

/* The wrappers pass int where LAPACKE takes lapack_int: the Debian build is LP64. */
_Static_assert(sizeof(lapack_int) == sizeof(int), "LAPACKE built with 64-bit integers");

static const char *fault_routine;
static int fault_info;

static int take_fault(const char *routine, int lwork)
{
    if (lwork == -1 || fault_routine == NULL || strcmp(fault_routine, routine) != 0) return 0;
    fault_routine = NULL;
    return 1;
}

void nnact__lapack_set_fault(const char *routine, int info)
{
    fault_routine = routine;
    fault_info = info;
}

int nnact__dgesdd(char jobz, int m, int n, double *a, int lda, double *s, double *u, int ldu,
                  double *vt, int ldvt, double *work, int lwork, int *iwork)
{
    if (take_fault("dgesdd", lwork)) return fault_info;
    return LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work,
                               lwork, iwork);
}

int nnact__dgelsd(int m, int n, int nrhs, double *a, int lda, double *b, int ldb, double *s,
                  double rcond, int *rank, double *work, int lwork, int *iwork)
{
    if (take_fault("dgelsd", lwork)) return fault_info;
    return LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work,
                               lwork, iwork);
}

static char blas_info[256];
static pthread_once_t blas_info_once = PTHREAD_ONCE_INIT;

static void build_blas_info(void)
{
    /* OpenBLAS's own words: its build configuration and the kernel family
     * (core) that its dynamic dispatch picked on this CPU. */
    const char *config = openblas_get_config();
    const char *core = openblas_get_corename();
    snprintf(blas_info, sizeof blas_info, "%s; core %s", config ? config : "OpenBLAS",
             core ? core : "unknown");
}

const char *nnact_blas_info(void)
{
    pthread_once(&blas_info_once, build_blas_info);
    return blas_info;
}

nnact_status nnact_blas_set_threads(int n)
{
    NNACT_RETURN_IF(n < 1, NNACT_ERR_ARG, "nnact_blas_set_threads: n must be >= 1, got %d", n);
    openblas_set_num_threads(n);
    return NNACT_OK;
}

int nnact_blas_get_threads(void)
{
    int n = openblas_get_num_threads();
    return n < 1 ? 1 : n;
}
