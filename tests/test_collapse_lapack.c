/* The LAPACKE-backed analysis: singular values, rank, condition number,
 * truncated SVD and least-squares affine fit, against matrices built with
 * known singular values (Givens rotations in long double) and closed forms. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "alloc_fault.h"

#include "blas/blas.h"
#include "test_collapse_util.h"
#include "core/alloc.h"
#include "nnact/nnact.h"

static int sort_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

static void singular_values_of_constructed_matrices(void **state)
{
    (void)state;
    static const size_t shapes[][2] = {{1, 1}, {1, 7}, {7, 1}, {5, 3}, {3, 5}, {40, 25}, {25, 60}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t m = shapes[t][0], n = shapes[t][1], k = m < n ? m : n;
        double *s = malloc(k * sizeof *s), *got = malloc(k * sizeof *got);
        for (size_t i = 0; i < k; i++)
            s[i] = ldexp(1.0 + 0.5 * ct_uniform(), -(int)(i % 20)); /* spread over 2^20 */
        double *A = ct_matrix_with_singular_values(m, n, s);
        qsort(s, k, sizeof *s, sort_desc);
        assert_int_equal(nnact_singular_values(m, n, A, got), NNACT_OK);
        double tol = 64.0 * (double)(m > n ? m : n) * DBL_EPSILON * s[0];
        for (size_t i = 0; i < k; i++)
            assert_close(got[i], s[i], tol);
        double cond;
        assert_int_equal(nnact_condition_number(m, n, A, &cond), NNACT_OK);
        assert_close(cond, s[0] / s[k - 1], 1e-9 * s[0] / s[k - 1]);
        free(A);
        free(s);
        free(got);
    }
}

static void rank_of_low_rank_products(void **state)
{
    (void)state;
    /* 30 x 20 with singular values 5, 4, 3, then zeros: rank 3 by default. */
    double s[20] = {5, 4, 3};
    double *A = ct_matrix_with_singular_values(30, 20, s);
    size_t r = 99;
    assert_int_equal(nnact_rank(30, 20, A, -1.0, &r), NNACT_OK);
    assert_int_equal(r, 3);
    assert_int_equal(nnact_rank(30, 20, A, NAN, &r), NNACT_OK);
    assert_int_equal(r, 3);
    /* an explicit tolerance between 3 and 4 counts two */
    assert_int_equal(nnact_rank(30, 20, A, 3.5, &r), NNACT_OK);
    assert_int_equal(r, 2);
    free(A);
    /* the zero matrix has rank 0 and infinite condition number */
    double z[6] = {0};
    assert_int_equal(nnact_rank(2, 3, z, -1.0, &r), NNACT_OK);
    assert_int_equal(r, 0);
    double cond = 0;
    assert_int_equal(nnact_condition_number(2, 3, z, &cond), NNACT_OK);
    assert_true(isinf(cond) && cond > 0);
    /* diag(2, 0.5): condition number 4 exactly */
    double d[4] = {2, 0, 0, 0.5};
    assert_int_equal(nnact_condition_number(2, 2, d, &cond), NNACT_OK);
    assert_close(cond, 4.0, 4 * DBL_EPSILON * 4.0);
}

static void truncated_svd_error_is_next_singular_value(void **state)
{
    (void)state;
    const size_t m = 12, n = 9;
    double s[9] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    double *A = ct_matrix_with_singular_values(m, n, s);
    for (size_t r = 1; r <= n; r++) {
        double *U = malloc(m * r * sizeof *U), *V = malloc(r * n * sizeof *V), err = -1;
        assert_int_equal(nnact_svd_truncate(m, n, A, r, U, V, &err), NNACT_OK);
        assert_close(err, r < n ? s[r] : 0.0, 1e-13);
        /* ||A - U V||_F^2 = sum of the dropped singular values squared (Eckart-Young) */
        long double fro = 0.0L, expect = 0.0L;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                long double acc = A[i * n + j];
                for (size_t p = 0; p < r; p++)
                    acc -= (long double)U[i * r + p] * V[p * n + j];
                fro += acc * acc;
            }
        for (size_t p = r; p < n; p++)
            expect += (long double)s[p] * s[p];
        assert_close(sqrt((double)fro), sqrt((double)expect), 1e-12);
        free(U);
        free(V);
    }
    free(A);
}

static void lstsq_xor_floor_is_a_quarter(void **state)
{
    (void)state;
    /* XOR: the best affine map predicts 1/2 everywhere; MSE 1/4. */
    const double X[8] = {0, 0, 0, 1, 1, 0, 1, 1}, T[4] = {0, 1, 1, 0};
    double K[2] = {NAN, NAN}, c = NAN, mse = NAN;
    assert_int_equal(nnact_lstsq_affine(4, 2, 1, X, T, K, &c, &mse), NNACT_OK);
    assert_close(K[0], 0.0, 1e-15);
    assert_close(K[1], 0.0, 1e-15);
    assert_close(c, 0.5, 1e-15);
    assert_close(mse, 0.25, 1e-15);
}

static void lstsq_recovers_exact_affine_data(void **state)
{
    (void)state;
    enum { N = 50, NI = 4, NO = 3 };
    double X[N * NI], T[N * NO], K0[NI * NO], c0[NO], K[NI * NO], c[NO], mse;
    for (int i = 0; i < NI * NO; i++)
        K0[i] = ct_uniform();
    for (int j = 0; j < NO; j++)
        c0[j] = 3.0 * ct_uniform();
    for (int i = 0; i < N; i++) {
        for (int p = 0; p < NI; p++)
            X[i * NI + p] = ct_uniform();
        for (int j = 0; j < NO; j++) {
            long double acc = c0[j];
            for (int p = 0; p < NI; p++)
                acc += (long double)X[i * NI + p] * K0[p * NO + j];
            T[i * NO + j] = (double)acc;
        }
    }
    assert_int_equal(nnact_lstsq_affine(N, NI, NO, X, T, K, c, &mse), NNACT_OK);
    for (int i = 0; i < NI * NO; i++)
        assert_close(K[i], K0[i], 1e-12);
    for (int j = 0; j < NO; j++)
        assert_close(c[j], c0[j], 1e-12);
    assert_true(mse < 1e-28);
}

static void lstsq_residual_is_orthogonal_to_the_data(void **state)
{
    (void)state;
    /* Noisy data: the optimum's residual R satisfies [X 1]^T R = 0 (normal
     * equations), and moving K or c in any direction raises the error. */
    enum { N = 40, NI = 3, NO = 2 };
    double X[N * NI], T[N * NO], K[NI * NO], c[NO], mse;
    for (int i = 0; i < N * NI; i++)
        X[i] = ct_uniform();
    for (int i = 0; i < N * NO; i++)
        T[i] = ct_uniform();
    assert_int_equal(nnact_lstsq_affine(N, NI, NO, X, T, K, c, &mse), NNACT_OK);
    long double R[N * NO], sse = 0.0L;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < NO; j++) {
            long double acc = c[j];
            for (int p = 0; p < NI; p++)
                acc += (long double)X[i * NI + p] * K[p * NO + j];
            R[i * NO + j] = acc - T[i * NO + j];
            sse += R[i * NO + j] * R[i * NO + j];
        }
    assert_close(mse, (double)(sse / (N * NO)), 1e-15);
    for (int j = 0; j < NO; j++) {
        long double one = 0.0L;
        for (int i = 0; i < N; i++)
            one += R[i * NO + j];
        assert_close((double)one, 0.0, 1e-13);
        for (int p = 0; p < NI; p++) {
            long double dot = 0.0L;
            for (int i = 0; i < N; i++)
                dot += (long double)X[i * NI + p] * R[i * NO + j];
            assert_close((double)dot, 0.0, 1e-13);
        }
    }
}

static void lstsq_underdetermined_fits_exactly(void **state)
{
    (void)state;
    /* 3 points in 5 dimensions: an affine map through all of them exists. */
    double X[15], T[3], K[5], c, mse;
    for (int i = 0; i < 15; i++)
        X[i] = ct_uniform();
    for (int i = 0; i < 3; i++)
        T[i] = ct_uniform();
    assert_int_equal(nnact_lstsq_affine(3, 5, 1, X, T, K, &c, &mse), NNACT_OK);
    assert_true(mse < 1e-28);
}

static void bad_input(void **state)
{
    (void)state;
    double A[6] = {1, 2, 3, 4, 5, 6}, s[3], U[6], V[6], K[6], c[3], mse;
    size_t r;
    assert_int_equal(nnact_singular_values(2, 3, NULL, s), NNACT_ERR_ARG);
    assert_int_equal(nnact_singular_values(2, 3, A, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_singular_values(0, 3, A, s), NNACT_ERR_ARG);
    assert_int_equal(nnact_singular_values(2, 0, A, s), NNACT_ERR_ARG);
    assert_int_equal(nnact_rank(2, 3, A, -1, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_condition_number(2, 3, A, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_svd_truncate(2, 3, A, 0, U, V, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_svd_truncate(2, 3, A, 3, U, V, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_svd_truncate(2, 3, A, 1, NULL, V, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_lstsq_affine(2, 3, 1, NULL, A, K, c, &mse), NNACT_ERR_ARG);
    assert_int_equal(nnact_lstsq_affine(2, 3, 1, A, A, K, NULL, &mse), NNACT_ERR_ARG);
    assert_int_equal(nnact_lstsq_affine(0, 3, 1, A, A, K, c, &mse), NNACT_ERR_ARG);
    /* sizes beyond size_t or LAPACK's int: refused before A is read or memory taken */
    size_t before = nnact__alloc_count();
    assert_int_equal(nnact_singular_values(SIZE_MAX / 2, 3, A, s), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_singular_values((size_t)1 << 20, (size_t)1 << 20, A, s),
                     NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_lstsq_affine(SIZE_MAX / 4, 4, 1, A, A, K, c, &mse), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact__alloc_count(), before);
    /* NaN reported, with its position */
    A[4] = NAN;
    assert_int_equal(nnact_singular_values(2, 3, A, s), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "A[1][1]"));
    assert_int_equal(nnact_rank(2, 3, A, -1, &r), NNACT_ERR_NUMERIC);
    double T[2] = {1, INFINITY}, X[2] = {1, 2};
    assert_int_equal(nnact_lstsq_affine(2, 1, 1, X, T, K, c, &mse), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "T[1][0]"));
}

static void lapack_info_positive_is_numeric(void **state)
{
    (void)state;
    double A[6] = {1, 2, 3, 4, 5, 6}, s[2] = {-1, -1}, K = -7, c = -7, mse;
    nnact__lapack_set_fault("dgesdd", 5);
    assert_int_equal(nnact_singular_values(2, 3, A, s), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "LAPACKE_dgesdd"));
    assert_non_null(strstr(nnact_last_error(), "info = 5"));
    assert_close(s[0], -1.0, 0.0); /* untouched */
    nnact__lapack_set_fault("dgelsd", 2);
    double X[3] = {1, 2, 3}, T[3] = {1, 2, 4};
    assert_int_equal(nnact_lstsq_affine(3, 1, 1, X, T, &K, &c, &mse), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "LAPACKE_dgelsd"));
    assert_non_null(strstr(nnact_last_error(), "info = 2"));
    assert_close(K, -7.0, 0.0);
    /* the fault was one-shot */
    assert_int_equal(nnact_lstsq_affine(3, 1, 1, X, T, &K, &c, &mse), NNACT_OK);
    assert_close(K, 1.5, 1e-14);
    /* every SVD-based analysis reports dgesdd's non-convergence, outputs untouched */
    size_t rank = 77;
    nnact__lapack_set_fault("dgesdd", 3);
    assert_int_equal(nnact_rank(2, 3, A, -1.0, &rank), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "LAPACKE_dgesdd"));
    assert_non_null(strstr(nnact_last_error(), "info = 3"));
    assert_int_equal(rank, 77);
    double cond = -7;
    nnact__lapack_set_fault("dgesdd", 4);
    assert_int_equal(nnact_condition_number(2, 3, A, &cond), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "info = 4"));
    assert_close(cond, -7.0, 0.0);
    double U[2] = {-7, -7}, V[3] = {-7, -7, -7}, err = -7;
    nnact__lapack_set_fault("dgesdd", 6);
    assert_int_equal(nnact_svd_truncate(2, 3, A, 1, U, V, &err), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "info = 6"));
    assert_close(U[0], -7.0, 0.0);
    assert_close(V[0], -7.0, 0.0);
    assert_close(err, -7.0, 0.0);
    /* and each works again after the one-shot fault: rank of [[1,2,3],[4,5,6]] is 2 */
    assert_int_equal(nnact_rank(2, 3, A, -1.0, &rank), NNACT_OK);
    assert_int_equal(rank, 2);
}

static void allocation_failures_leave_outputs(void **state)
{
    (void)state;
    double A[12], s[3], U[12], V[12], K[3], c[4], mse;
    for (int i = 0; i < 12; i++)
        A[i] = ct_uniform();
    for (int fn = 0; fn < 3; fn++) {
        for (size_t k = 0;; k++) {
            struct fail_at f = {k, 0};
            double sentinel = 12345.0;
            s[0] = U[0] = K[0] = sentinel;
            nnact__alloc_set_hook(fail_kth, &f);
            nnact_status st = fn == 0   ? nnact_singular_values(4, 3, A, s)
                              : fn == 1 ? nnact_svd_truncate(4, 3, A, 2, U, V, NULL)
                                        : nnact_lstsq_affine(4, 3, 1, A, A, K, c, &mse);
            nnact__alloc_set_hook(NULL, NULL);
            if (st == NNACT_OK) {
                assert_true(k > 0);
                break;
            }
            assert_int_equal(st, NNACT_ERR_NOMEM);
            assert_close(fn == 0 ? s[0] : fn == 1 ? U[0] : K[0], sentinel, 0.0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(singular_values_of_constructed_matrices),
        cmocka_unit_test(rank_of_low_rank_products),
        cmocka_unit_test(truncated_svd_error_is_next_singular_value),
        cmocka_unit_test(lstsq_xor_floor_is_a_quarter),
        cmocka_unit_test(lstsq_recovers_exact_affine_data),
        cmocka_unit_test(lstsq_residual_is_orthogonal_to_the_data),
        cmocka_unit_test(lstsq_underdetermined_fits_exactly),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(lapack_info_positive_is_numeric),
        cmocka_unit_test(allocation_failures_leave_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
