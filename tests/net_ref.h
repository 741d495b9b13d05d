/* Naive reference kernels for the dense-layer tests: plain triple loops, the
 * independent definition the dgemm-based library is checked against. */
#ifndef NNACT_TEST_NET_REF_H
#define NNACT_TEST_NET_REF_H

#include <stddef.h>

/* Z (B x m) = X (B x k) W (k x m) + b (m, NULL = none), summed in index order. */
static inline void ref_affine(size_t B, size_t k, size_t m, const double *X, const double *W,
                              const double *b, double *Z)
{
    for (size_t r = 0; r < B; r++)
        for (size_t j = 0; j < m; j++) {
            double s = b ? b[j] : 0.0;
            for (size_t i = 0; i < k; i++)
                s += X[r * k + i] * W[i * m + j];
            Z[r * m + j] = s;
        }
}

/* dW (k x m) = X^T dZ, db (m) = column sums of dZ, dX (B x k) = dZ W^T. */
static inline void ref_affine_backward(size_t B, size_t k, size_t m, const double *X,
                                       const double *W, const double *dZ, double *dW, double *db,
                                       double *dX)
{
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < m; j++) {
            double s = 0.0;
            for (size_t r = 0; r < B; r++)
                s += X[r * k + i] * dZ[r * m + j];
            dW[i * m + j] = s;
        }
    if (db)
        for (size_t j = 0; j < m; j++) {
            double s = 0.0;
            for (size_t r = 0; r < B; r++)
                s += dZ[r * m + j];
            db[j] = s;
        }
    if (dX)
        for (size_t r = 0; r < B; r++)
            for (size_t i = 0; i < k; i++) {
                double s = 0.0;
                for (size_t j = 0; j < m; j++)
                    s += dZ[r * m + j] * W[i * m + j];
                dX[r * k + i] = s;
            }
}

/* Deterministic generator for test data (splitmix64). */
static inline unsigned long long ref_rng_next(unsigned long long *s)
{
    unsigned long long z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Integer in [-5, 5] as a double. */
static inline double ref_rand_int5(unsigned long long *s)
{
    return (double)(int)(ref_rng_next(s) % 11) - 5.0;
}

/* Uniform in [lo, hi). */
static inline double ref_rand_uniform(unsigned long long *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(ref_rng_next(s) >> 11) * (1.0 / 9007199254740992.0));
}

static inline void ref_fill_nan(size_t n, double *a)
{
    for (size_t i = 0; i < n; i++)
        a[i] = NAN;
}

#endif /* NNACT_TEST_NET_REF_H */
