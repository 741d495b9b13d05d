/* Helpers shared by the collapse tests: a seeded generator and random
 * orthogonal transforms built in long double (an independent reference). */
#ifndef COLLAPSE_TEST_UTIL_H
#define COLLAPSE_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t ct_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t ct_next(void)
{
    uint64_t z = (ct_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static inline double ct_uniform(void)
{
    return (double)(ct_next() >> 11) * 0x1.0p-52 - 1.0;
}

/* Uniform integer in [lo, hi]. */
static inline size_t ct_int(size_t lo, size_t hi)
{
    return lo + (size_t)(ct_next() % (uint64_t)(hi - lo + 1));
}

/* Applies random Givens rotations to the rows (side 0) or columns (side 1)
 * of the rows x cols long double matrix a: an exactly orthogonal transform in
 * real arithmetic, rounding at long double precision. */
static inline void ct_rotate(long double *a, size_t rows, size_t cols, int side, int sweeps)
{
    size_t n = side == 0 ? rows : cols;
    for (int s = 0; s < sweeps; s++)
        for (size_t p = 0; p + 1 < n; p++)
            for (size_t q = p + 1; q < n; q += 1 + (size_t)(ct_next() % 3)) {
                long double th = 3.14159265358979323846L * (long double)ct_uniform();
                long double c = cosl(th), sn = sinl(th);
                if (side == 0)
                    for (size_t j = 0; j < cols; j++) {
                        long double x = a[p * cols + j], y = a[q * cols + j];
                        a[p * cols + j] = c * x - sn * y;
                        a[q * cols + j] = sn * x + c * y;
                    }
                else
                    for (size_t i = 0; i < rows; i++) {
                        long double x = a[i * cols + p], y = a[i * cols + q];
                        a[i * cols + p] = c * x - sn * y;
                        a[i * cols + q] = sn * x + c * y;
                    }
            }
}

/* A rows x cols double matrix with singular values s[0..min-1] (in any
 * order): U diag(s) V^T with U, V products of Givens rotations. */
static inline double *ct_matrix_with_singular_values(size_t rows, size_t cols, const double *s)
{
    long double *a = calloc(rows * cols, sizeof *a);
    double *out = malloc(rows * cols * sizeof *out);
    size_t k = rows < cols ? rows : cols;
    for (size_t i = 0; i < k; i++)
        a[i * cols + i] = s[i];
    ct_rotate(a, rows, cols, 0, 2);
    ct_rotate(a, rows, cols, 1, 2);
    for (size_t i = 0; i < rows * cols; i++)
        out[i] = (double)a[i];
    free(a);
    return out;
}

#endif /* COLLAPSE_TEST_UTIL_H */
