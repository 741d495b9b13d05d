/* nnact_scaling_fit: per-column shift and scale of standardization (mean,
 * population std) or min-max scaling, x' = (x - shift) / scale. */
#include <float.h>
#include <math.h>

#include "core/checked.h"
#include "core/error.h"
#include "nnact/eval.h"

/* The column's min and max. */
static void column_range(size_t rows, size_t cols, size_t j, const double *x, double *lo,
                         double *hi)
{
    *lo = *hi = x[j];
    for (size_t r = 1; r < rows; r++) {
        const double v = x[r * cols + j];
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* Mean and population std of a non-constant column. The values are first
   scaled by 2^-e, e the exponent of their largest magnitude (ldexp: exact,
   barring values 2^-1022 below the largest, which cannot move the result),
   so neither the sum nor the squares overflow or lose subnormal digits; the
   mean is refined by a second pass and the variance is the corrected
   two-pass form sum d^2 - (sum d)^2 / n. */
static void column_moments(size_t rows, size_t cols, size_t j, const double *x, double big,
                           double *mean, double *std)
{
    int e;
    frexp(big, &e);
    double sum = 0.0;
    for (size_t r = 0; r < rows; r++)
        sum += ldexp(x[r * cols + j], -e);
    const double n = (double)rows, m1 = sum / n;
    double ds = 0.0, d2 = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const double d = ldexp(x[r * cols + j], -e) - m1;
        ds += d;
        d2 += d * d;
    }
    const double var = fmax((d2 - ds * ds / n) / n, 0.0);
    *mean = ldexp(m1 + ds / n, e);
    *std = ldexp(sqrt(var), e);
}

nnact_status nnact_scaling_fit(nnact_scaling kind, size_t rows, size_t cols, const double *x,
                               double *shift, double *scale)
{
    static const char who[] = "nnact_scaling_fit";
    NNACT_RETURN_IF(x == NULL || shift == NULL || scale == NULL, NNACT_ERR_ARG, "%s: %s is NULL",
                    who,
                    x == NULL       ? "x"
                    : shift == NULL ? "shift"
                                    : "scale");
    NNACT_RETURN_IF(rows == 0 || cols == 0, NNACT_ERR_ARG, "%s: %s is 0", who,
                    rows == 0 ? "rows" : "cols");
    NNACT_RETURN_IF((unsigned)kind > NNACT_SCALING_MINMAX, NNACT_ERR_ARG,
                    "%s: unknown scaling kind %d", who, (int)kind);
    size_t cells;
    NNACT_RETURN_IF(!nnact__mul_size(rows, cols, &cells), NNACT_ERR_OVERFLOW,
                    "%s: rows x cols overflows", who);
    for (size_t i = 0; i < cells; i++)
        NNACT_RETURN_IF(!isfinite(x[i]), NNACT_ERR_ARG, "%s: row %zu: column %zu is %g", who,
                        i / cols, i % cols, x[i]);
    /* every check before the first write: a refused call leaves shift and scale as they were */
    if (kind == NNACT_SCALING_MINMAX)
        for (size_t j = 0; j < cols; j++) {
            double lo, hi;
            column_range(rows, cols, j, x, &lo, &hi);
            NNACT_RETURN_IF(!isfinite(hi - lo), NNACT_ERR_ARG,
                            "%s: column %zu: max - min (%g - %g) overflows", who, j, hi, lo);
        }
    for (size_t j = 0; j < cols; j++) {
        double lo, hi;
        column_range(rows, cols, j, x, &lo, &hi);
        shift[j] = 0.0;
        scale[j] = 1.0;
        if (kind == NNACT_SCALING_NONE || lo == hi) continue; /* a constant column stays */
        if (kind == NNACT_SCALING_MINMAX) {
            shift[j] = lo;
            scale[j] = hi - lo;
            continue;
        }
        double mean, std;
        column_moments(rows, cols, j, x, fmax(fabs(lo), fabs(hi)), &mean, &std);
        if (std > 0.0) { /* always, for two different finite values; never divide by 0 */
            shift[j] = mean;
            scale[j] = std;
        }
    }
    return NNACT_OK;
}
