/* ULP error as SLEEF's tester defines it (src/libm-tester/testerutil.c,
 * countULPdp), with the reference held in long double instead of MPFR:
 *   u = |d - c| / 2^(max(e, -1021) - 53),  c = m 2^e, m in [0.5, 1),
 * 0 when both are NaN or the same infinity, 10001 when only one is NaN,
 * 10000 for a nonzero d where c rounds to zero, and d = +-Inf against a
 * finite c counts as DBL_MAX plus one ulp. */
#ifndef NNACT_TEST_ACT_ULP_H
#define NNACT_TEST_ACT_ULP_H

#include <float.h>
#include <math.h>

static inline double act_ulp_error(double d, long double c)
{
    double c2 = (double)c;
    if (isnan(c2) && isnan(d)) return 0;
    if (isnan(c2) || isnan(d)) return 10001;
    if (c2 == 0 && d != 0) return 10000;
    if (isinf(c2) && c2 == d) return 0;
    double extra = 0;
    if (isinf(d) && !isinf(c)) {
        d = copysign(DBL_MAX, c2);
        extra = 1;
    }
    if (c == 0) return d == 0 ? 0 : 10000;
    int e;
    frexpl(c, &e);
    long double unit = ldexpl(1.0L, (e < -1021 ? -1021 : e) - 53);
    return (double)(fabsl((long double)d - c) / unit) + extra;
}

/* The ulp unit of a double x (the spacing the input could move by). */
static inline long double act_ulp_of(double x)
{
    int e;
    if (x == 0 || !isfinite(x)) return ldexpl(1.0L, -1074);
    frexp(x, &e);
    return ldexpl(1.0L, (e < -1021 ? -1021 : e) - 53);
}

#endif /* NNACT_TEST_ACT_ULP_H */
