/* long double oracles of every activation and its derivative, written from the
 * definitions (PyTorch's constants, docs/activations.md) independently of the
 * library's double kernels. long double carries 11 more bits than double, so
 * where a formula below cancels by fewer than ~6 bits its rounding error stays
 * under 1/30 ulp of the double result. act_oracle_ok() says where that holds. */
#ifndef NNACT_TEST_ACT_ORACLE_H
#define NNACT_TEST_ACT_ORACLE_H

#include <math.h>

#include "nnact/act.h"

#define OR_SELU_A       1.6732632423543772848170429916717L
#define OR_SELU_S       1.0507009873554804934193349852946L
#define OR_SQRT1_2      0.707106781186547524400844362104849039L
#define OR_SQRT_2_PI    0.797884560802865355879892119868763737L /* sqrt(2/pi) */
#define OR_INV_SQRT_2PI 0.398942280401432677939946059934381868L

static inline long double or_sig(long double x)
{
    return 1.0L / (1.0L + expl(-x));
}

static inline long double or_sech2(long double x)
{
    long double c = coshl(x);
    return 1.0L / (c * c);
}

static inline long double or_softplus(long double x)
{
    return x > 0 ? x + log1pl(expl(-x)) : log1pl(expl(x));
}

/* e^-(x^2) with x^2 = h + l split exactly (x is a double, h its double square). */
static inline long double or_gauss(double x, double s)
{
    if (fabs(x) > 60) /* e^-1800 underflows double by far; x*x may overflow */
        return 0;
    double h = x * x, l = fma(x, x, -h);
    return expl(-(long double)s * h) * expl(-(long double)s * l);
}

/* Swish x sigmoid(bx) at any beta b >= 0. z = bx is split exactly into the
 * doubles zd + zl (fma), so 1 + z near the derivative's root at z = -1.28 is
 * (1 + zd) + zl: 1 + zd exact in long double, one rounding after. */
static inline long double or_swish_f(double b, double xd)
{
    if (isnan(xd)) return xd;
    if (b == 0) return 0.5L * xd;
    if (isinf(xd)) return xd > 0 ? xd : 0;
    double zd = b * xd, zl = isfinite(zd) ? fma(b, xd, -zd) : 0;
    long double z = (long double)zd + zl;
    return (long double)xd * or_sig(z);
}

static inline long double or_swish_df(double b, double xd)
{
    if (isnan(xd)) return xd;
    if (b == 0) return 0.5L;
    if (isinf(xd)) return xd > 0 ? 1 : 0;
    double zd = b * xd, zl = isfinite(zd) ? fma(b, xd, -zd) : 0;
    long double z = (long double)zd + zl, onepz = (1.0L + zd) + zl;
    if (z > 0) { /* 1 - g = e (z - 1 - ... ) form avoided: no cancellation for z > 0 */
        long double e = expl(-z);
        return (1 + e * onepz) / ((1 + e) * (1 + e));
    }
    long double e = expl(z);
    return e * (onepz + e) / ((1 + e) * (1 + e));
}

/* 0 where the long double formula below is not accurate to ~1/30 ulp of double
 * (the golden tables cover those inputs). */
static inline int act_oracle_ok(nnact_act_kind k, double x)
{
    double ax = fabs(x);
    switch (k) {
    case NNACT_ACT_TANHSHRINK:
        return ax >= 0.5; /* x - tanh x cancels below */
    case NNACT_ACT_GELU:
        return x > -25; /* erfc argument rounding grows with x^2 */
    case NNACT_ACT_BENT_IDENTITY:
        return 1;
    default:
        return 1;
    }
}

static inline long double act_oracle_f(nnact_act_kind k, double xd)
{
    long double x = xd;
    if (isnan(xd)) return xd;
    switch (k) {
    case NNACT_ACT_IDENTITY:
        return x;
    case NNACT_ACT_SIGMOID:
        return or_sig(x);
    case NNACT_ACT_TANH:
        return tanhl(x);
    case NNACT_ACT_RELU:
        return x > 0 ? x : 0;
    case NNACT_ACT_LEAKY_RELU:
        return x > 0 ? x : (long double)0.01 * x; /* the slope is the double 0.01 */
    case NNACT_ACT_BENT_IDENTITY:
        if (isinf(xd)) return x;
        return x * x / (sqrtl(x * x + 1) + 1) / 2 + x; /* sqrt(x^2+1) - 1 without cancellation */
    case NNACT_ACT_SINUSOID:
        return sinl(x);
    case NNACT_ACT_ELU:
    case NNACT_ACT_CELU:
        return x > 0 ? x : expm1l(x);
    case NNACT_ACT_SELU:
        return OR_SELU_S * (x > 0 ? x : OR_SELU_A * expm1l(x));
    case NNACT_ACT_GELU:
        if (isinf(xd)) return xd > 0 ? x : 0;
        return x * erfcl(-x * OR_SQRT1_2) / 2;
    case NNACT_ACT_GELU_TANH: {
        if (isinf(xd)) return xd > 0 ? x : 0;
        long double u = OR_SQRT_2_PI * (x + (long double)0.044715 * x * x * x);
        return x * or_sig(2 * u); /* (1 + tanh u) / 2 */
    }
    case NNACT_ACT_SILU:
        if (isinf(xd)) return xd > 0 ? x : 0;
        return x * or_sig(x);
    case NNACT_ACT_MISH:
        if (isinf(xd)) return xd > 0 ? x : 0;
        return x * tanhl(or_softplus(x));
    case NNACT_ACT_SOFTPLUS:
        return or_softplus(x);
    case NNACT_ACT_SOFTSIGN:
        if (isinf(xd)) return xd > 0 ? 1 : -1;
        return x / (1 + fabsl(x));
    case NNACT_ACT_HARD_SIGMOID:
        return fminl(fmaxl(x + 3, 0), 6) / 6;
    case NNACT_ACT_HARD_TANH:
        return fminl(fmaxl(x, -1), 1);
    case NNACT_ACT_HARD_SWISH:
        if (isinf(xd)) return xd > 0 ? x : 0;
        return x * fminl(fmaxl(x + 3, 0), 6) / 6;
    case NNACT_ACT_RELU6:
        return fminl(fmaxl(x, 0), 6);
    case NNACT_ACT_LOG_SIGMOID:
        return -or_softplus(-x);
    case NNACT_ACT_GAUSSIAN:
        return isinf(xd) ? 0 : or_gauss(xd, 1.0);
    case NNACT_ACT_COS:
        return cosl(x);
    case NNACT_ACT_TANHSHRINK:
        return x - tanhl(x);
    case NNACT_ACT_SOFTSHRINK:
        return x > 0.5L ? x - 0.5L : x < -0.5L ? x + 0.5L : 0;
    case NNACT_ACT_HARDSHRINK:
        return fabsl(x) > 0.5L ? x : 0;
    case NNACT_ACT_ABS:
        return fabsl(x);
    case NNACT_ACT_SQUARE:
        return x * x; /* one 64-bit rounding: under 1/2000 ulp of the double result */
    case NNACT_ACT_SWISH:
        return or_swish_f(1.0, xd);
    }
    return NAN;
}

static inline long double act_oracle_df(nnact_act_kind k, double xd)
{
    long double x = xd;
    if (isnan(xd)) return xd;
    switch (k) {
    case NNACT_ACT_IDENTITY:
        return 1;
    case NNACT_ACT_SIGMOID:
        return or_sig(x) * or_sig(-x);
    case NNACT_ACT_TANH:
        return isinf(xd) ? 0 : or_sech2(x);
    case NNACT_ACT_RELU:
        return x > 0 ? 1 : 0;
    case NNACT_ACT_LEAKY_RELU:
        return x > 0 ? 1 : (long double)0.01;
    case NNACT_ACT_BENT_IDENTITY:
        if (isinf(xd)) return xd > 0 ? 1.5L : 0.5L;
        return x / (2 * sqrtl(x * x + 1)) + 1;
    case NNACT_ACT_SINUSOID:
        return cosl(x);
    case NNACT_ACT_ELU:
    case NNACT_ACT_CELU:
        return x > 0 ? 1 : expl(x);
    case NNACT_ACT_SELU:
        return OR_SELU_S * (x > 0 ? 1 : OR_SELU_A * expl(x));
    case NNACT_ACT_GELU:
        if (isinf(xd)) return xd > 0 ? 1 : 0;
        return erfcl(-x * OR_SQRT1_2) / 2 + x * OR_INV_SQRT_2PI * or_gauss(xd, 0.5);
    case NNACT_ACT_GELU_TANH: {
        if (isinf(xd)) return xd > 0 ? 1 : 0;
        long double c = 0.044715;
        long double u = OR_SQRT_2_PI * (x + c * x * x * x);
        long double du = OR_SQRT_2_PI * (1 + 3 * c * x * x);
        if (fabsl(u) > 11000) /* sech^2 underflows in long double */
            return x > 0 ? 1 : 0;
        return or_sig(2 * u) + x * or_sech2(u) * du / 2;
    }
    case NNACT_ACT_SILU:
        if (isinf(xd)) return xd > 0 ? 1 : 0;
        return or_sig(x) + x * or_sig(x) * or_sig(-x);
    case NNACT_ACT_MISH: {
        if (isinf(xd)) return xd > 0 ? 1 : 0;
        long double sp = or_softplus(x);
        return tanhl(sp) + x * or_sech2(sp) * or_sig(x);
    }
    case NNACT_ACT_SOFTPLUS:
        return or_sig(x);
    case NNACT_ACT_SOFTSIGN: {
        long double r = 1 / (1 + fabsl(x));
        return r * r;
    }
    case NNACT_ACT_HARD_SIGMOID:
        return (x > -3 && x < 3) ? 1.0L / 6 : 0;
    case NNACT_ACT_HARD_TANH:
        return (x > -1 && x < 1) ? 1 : 0;
    case NNACT_ACT_HARD_SWISH:
        return x < -3 ? 0 : x <= 3 ? (2 * x + 3) / 6 : 1; /* 2x + 3 exact */
    case NNACT_ACT_RELU6:
        return (x > 0 && x < 6) ? 1 : 0;
    case NNACT_ACT_LOG_SIGMOID:
        return or_sig(-x);
    case NNACT_ACT_GAUSSIAN:
        return isinf(xd) ? 0 : -2 * x * or_gauss(xd, 1.0);
    case NNACT_ACT_COS:
        return -sinl(x);
    case NNACT_ACT_TANHSHRINK: {
        long double t = tanhl(x);
        return t * t;
    }
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK:
        return fabsl(x) > 0.5L ? 1 : 0;
    case NNACT_ACT_ABS:
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    case NNACT_ACT_SQUARE:
        return 2 * x;
    case NNACT_ACT_SWISH:
        return or_swish_df(1.0, xd);
    }
    return NAN;
}

#endif /* NNACT_TEST_ACT_ORACLE_H */
