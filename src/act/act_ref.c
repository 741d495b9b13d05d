/* Scalar reference definitions of every activation and its derivative.
 * Each formula is the numerically stable form of the definition in
 * docs/activations.md; the comments say why a form was chosen. */
#include <math.h>

#include "act/act_internal.h"

#define SELU_ALPHA        1.6732632423543772848170429916717
#define SELU_SCALE        1.0507009873554804934193349852946
#define SQRT1_2           0.70710678118654752440084436210485
#define INV_SQRT_2PI      0.39894228040143267793994605993438
#define SQRT_2_OVER_PI    0.79788456080286535587989211986876
#define GELU_TANH_C       0.044715
#define SQRT_2_OVER_PI_LO (-4.98465440455546e-17) /* sqrt(2/pi) - SQRT_2_OVER_PI */

#define SQRT1_2_LO      (-4.8336466567264567e-17) /* 1/sqrt2 - SQRT1_2 rounded */
#define TWO_OVER_SQRTPI 1.1283791670955125739

/* e^(-x^2) with x^2 carried as h + l (l from an fma): exp(-h) rounds once and
 * e^-l = 1 - l to first order, so the error no longer grows with x^2. */
static double gaussian_s(double x, double s)
{
    double ax = fabs(x);
    if (isnan(x)) return x;
    if (s * ax * ax > 760.0) /* e^-760 is below half the smallest subnormal */
        return 0.0;
    double h = ax * ax;
    double l = fma(ax, ax, -h);
    double e = exp(-s * h); /* s is 1 or 1/2: the scaling is exact */
    return fma(-e, s * l, e);
}

static double gaussian(double x)
{
    return gaussian_s(x, 1.0);
}

/* erfc(x / sqrt2). x/sqrt2 rounded loses about an ulp of the argument, which
 * erfc amplifies by 2 z^2 in its tail; the first-order correction with the
 * rounding error dz restores it: erfc(z + dz) = erfc(z) - dz 2/sqrtpi e^-z^2. */
static double erfc_scaled_arg(double x)
{
    double z = x * SQRT1_2;
    double dz = fma(x, SQRT1_2, -z) + x * SQRT1_2_LO;
    double e = erfc(z);
    if (!isfinite(z)) return e;
    return fma(-dz * TWO_OVER_SQRTPI, gaussian_s(x, 0.5), e);
}

/* scale * alpha * e with the product of the two constants carried exactly as
 * hi + lo, so only e's error and one rounding remain. */
static double selu_sa(double e)
{
    double hi = SELU_SCALE * SELU_ALPHA;
    double lo = fma(SELU_SCALE, SELU_ALPHA, -hi);
    return fma(e, hi, e * lo);
}

/* sigmoid without overflow: e^-|x| never exceeds 1. */
static double sigmoid(double x)
{
    double e = exp(-fabs(x));
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* e / (1 + e)^2 for 0 <= e <= 1. The rounding error dl of d = 1 + e is
 * exact (Fast2Sum, 1 >= e), and 1/(d + dl)^2 = 1/d^2 (1 - 2 dl/d): the
 * correction removes the error that squaring would double. */
static double e_over_1pe_sq(double e)
{
    double d = 1.0 + e;
    double dl = e - (d - 1.0);
    double q = e / (d * d);
    return fma(q, -2.0 * dl / d, q);
}

/* 1 / (1 + e)^2 for 0 <= e <= 1, with the rounding of 1 + e corrected as above. */
static double inv_1pe_sq(double e)
{
    double d = 1.0 + e;
    double dl = e - (d - 1.0);
    double q = 1.0 / (d * d);
    return fma(q, -2.0 * dl / d, q);
}

/* 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) of GELU-tanh as v + vl (double-double):
 * sigmoid(2u) has relative condition |2u|, so the plain double u would lose
 * log2|2u| bits in the tail. Needs |x| <= 1e4 (no overflow). */
static void gelu_tanh_arg(double x, double *v, double *vl)
{
    double x2 = x * x, x2l = fma(x, x, -x2);
    double x3 = x2 * x, x3l = fma(x2, x, -x3) + x2l * x;
    double t = GELU_TANH_C * x3, tl = fma(GELU_TANH_C, x3, -t) + GELU_TANH_C * x3l;
    double p = x + t, bp = p - x, pl = (x - (p - bp)) + (t - bp) + tl;
    double c = 2.0 * SQRT_2_OVER_PI, cl = 2.0 * SQRT_2_OVER_PI_LO;
    *v = c * p;
    *vl = fma(c, p, -*v) + c * pl + cl * p;
}

/* GELU's far left tail, x < -37.5, where erfc(-x/sqrt2) is subnormal and
 * would lose bits before the product with x: Phi(x) = phi(x) S / |x| with the
 * asymptotic series S = sum_k (-1)^k (2k-1)!! / x^2k (9 terms: the next is
 * below 1e-19 relative for x^2 >= 1406). Returns S. */
static double gelu_tail_series(double x)
{
    double r = 1.0 / (x * x), term = 1.0, sum = 1.0;
    for (int k = 1; k <= 9; k++) {
        term *= -(2.0 * k - 1.0) * r;
        sum += term;
    }
    return sum;
}

/* phi(x) m for x^2/2 beyond the normal range of exp: with g = e^(-x^2/4) and the
 * low part l of x^2, ((m/sqrt(2pi) (1 - l/2)) g) g rounds into the subnormals once. */
static double phi_times(double x, double m)
{
    double ax = fabs(x), h = ax * ax, l = fma(ax, ax, -h);
    double g = exp(-0.25 * h);
    double r = m * INV_SQRT_2PI;
    return fma(-r, 0.5 * l, r) * g * g;
}

/* sigmoid'(x) = e^-|x| / (1 + e^-|x|)^2, symmetric, no 1 - s cancellation. */
static double sigmoid_deriv(double x)
{
    return e_over_1pe_sq(exp(-fabs(x)));
}

/* long double twins for the neighbourhoods of a derivative's root, where the
 * two terms cancel and the 11 extra bits keep the result within an ulp of
 * f'(x') for an x' within an ulp of x (docs/ACCURACY.md). */
static long double sigmoid_l(long double x)
{
    long double e = expl(-fabsl(x));
    return x >= 0 ? 1.0L / (1.0L + e) : e / (1.0L + e);
}

static long double sigmoid_deriv_l(long double x)
{
    long double e = expl(-fabsl(x)), d = 1.0L + e;
    return e / (d * d);
}

/* log(1 + e^z) = max(z, 0) + log1p(e^-|z|). */
static double softplus1(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

/* x - tanh x = x^3 (c0 + c1 x^2 + ...) near 0: 2^(2n)(2^(2n)-1)|B_2n|/(2n)!
 * for n >= 2, alternating (act_internal.h) */
const double nnact__tanhshrink_series[NNACT__TANHSHRINK_TERMS] = {
    1.0 / 3,
    -2.0 / 15,
    17.0 / 315,
    -62.0 / 2835,
    1382.0 / 155925,
    -21844.0 / 6081075,
    929569.0 / 638512875,
    -6404582.0 / 10854718875.0,
    443861162.0 / 1856156927625.0,
    -18888466084.0 / 194896477400625.0,
    113927491862.0 / 2900518163668125.0,
    -58870668456604.0 / 3698160658676859375.0,
};

static double tanhshrink(double x)
{
    double ax = fabs(x);
    if (ax >= 4.0 || isnan(x)) return x - tanh(x);
    if (ax >= 0.25) {
        /* x - tanh x loses at most log2(x/(x - tanh x)) < 6 bits here, fewer
         * than the 11 extra bits long double carries */
        long double lx = x;
        return (double)(lx - tanhl(lx));
    }
    /* x - tanh x cancels near 0; its Taylor series converges fast there:
     * sum of 2^(2n)(2^(2n)-1)|B_2n|/(2n)! x^(2n-1) for n >= 2, alternating. */
    double x2 = x * x;
    const double *c = nnact__tanhshrink_series;
    double p = 0.0;
    for (int i = NNACT__TANHSHRINK_TERMS - 1; i >= 0; i--)
        p = p * x2 + c[i];
    return x * x2 * p;
}

/* tanh(softplus(x)) with e = e^x: n = e(e + 2), tanh = n / (n + 2); for x > 0
 * divide through by e^2x so nothing overflows. */
static double tanh_softplus(double x)
{
    if (x <= 0) {
        double e = exp(x);
        double n = e * (e + 2.0);
        return n / (n + 2.0);
    }
    double e = exp(-x);
    return (1.0 + 2.0 * e) / (1.0 + 2.0 * e + 2.0 * e * e);
}

/* Swish x sigmoid(beta x) for beta != 1 (beta = 1 is SiLU, dispatched in act.c
 * so that both give the same bits). z = beta x is carried as z + zl (zl from
 * an fma, exact): sigmoid has relative condition |z| in the left tail, so the
 * rounding of beta x alone would cost |z| / 2 ulps there; the first-order
 * correction sigmoid(z + zl) = sigmoid(z) + sigmoid'(z) zl removes it. */
static double swish_z(double b, double x, double *zl)
{
    double z = b * x;
    *zl = isfinite(z) ? fma(b, x, -z) : 0.0;
    return z;
}

static double swish_f(double b, double x)
{
    if (isnan(x)) return x;
    if (b == 0.0) return 0.5 * x;
    if (isinf(x)) return x > 0 ? x : -0.0;
    double zl, z = swish_z(b, x, &zl);
    if (z < -700.0) {
        /* subnormal result: keep h = e^(z/2) normal and round once at the end */
        double h = exp(0.5 * z);
        h = fma(h, 0.5 * zl, h);
        return (x * h) * h;
    }
    double e = exp(-fabs(z));
    double sg = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    return x * fma(e_over_1pe_sq(e), zl, sg);
}

/* d/dx x sigmoid(bx) = g(z) = sigmoid(z) (1 + z sigmoid(-z)), SiLU's
 * derivative at z: as there, 1 + z is exact near the root at z = -1.2785
 * (Sterbenz), and (1 + z) + zl rounds the exact 1 + bx once. */
static double swish_df(double b, double x)
{
    if (isnan(x)) return x;
    if (b == 0.0) return 0.5;
    if (isinf(x)) return x > 0 ? 1.0 : 0.0;
    double zl, z = swish_z(b, x, &zl);
    if (z < 0) {
        if (z < -1500.0) return -0.0; /* (1 + z) e^z is below the subnormals */
        if (z < -700.0) {
            double h = exp(0.5 * z);
            h = fma(h, 0.5 * zl, h);
            return (((1.0 + z) + zl) * h) * h;
        }
        double e = exp(z);
        e = fma(e, zl, e);
        return e_over_1pe_sq(e) * (((1.0 + z) + zl) + e);
    }
    if (z > 1e300) return 1.0; /* z = inf: e (1 + z) would be 0 * inf */
    double e = exp(-z);
    e = fma(-e, zl, e);
    return fma(e, (1.0 + z) + zl, 1.0) * inv_1pe_sq(e);
}

/* ---- the kernels, one group per kind ----------------------------------
 * ref_f_<id>(a, x) = f(x), ref_df_<id>(a, x) = f'(x) and, for the kinds
 * whose derivative is a function of the output, ref_dfy_<id>(a, y) = f' at
 * y = f(x). a is the resolved parameter (unused by kinds without one). The
 * dispatch below, generated from act_kinds.h, has already returned NaN for
 * a NaN x (f') or y (f' from y), so those kernels never see one. Always
 * inlined: with k a constant the dispatch folds away (see the loops at the
 * end), exactly as the switch over kinds these replace did. */
#define REF_KERNEL static inline __attribute__((always_inline)) double

/* Most kernels ignore a: they share one signature so the dispatch is uniform. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"

REF_KERNEL ref_f_identity(double a, double x)
{
    return x;
}
REF_KERNEL ref_df_identity(double a, double x)
{
    return 1.0;
}
REF_KERNEL ref_dfy_identity(double a, double y)
{
    return 1.0;
}

REF_KERNEL ref_f_sigmoid(double a, double x)
{
    return sigmoid(x);
}
REF_KERNEL ref_df_sigmoid(double a, double x)
{
    return sigmoid_deriv(x);
}
REF_KERNEL ref_dfy_sigmoid(double a, double y)
{
    return y * (1.0 - y);
}

REF_KERNEL ref_f_tanh(double a, double x)
{
    return tanh(x);
}
REF_KERNEL ref_df_tanh(double a, double x)
{
    /* 1 - tanh^2 = 4 e / (1 + e)^2 with e = e^-2|x|: no cancellation near saturation */
    return 4.0 * e_over_1pe_sq(exp(-2.0 * fabs(x)));
}
REF_KERNEL ref_dfy_tanh(double a, double y)
{
    return (1.0 - y) * (1.0 + y); /* exact near |y| = 1, unlike 1 - y^2 */
}

REF_KERNEL ref_f_relu(double a, double x)
{
    return x > 0 ? x : (isnan(x) ? x : 0.0);
}
REF_KERNEL ref_df_relu(double a, double x)
{
    return x > 0 ? 1.0 : 0.0;
}
REF_KERNEL ref_dfy_relu(double a, double y)
{
    return y > 0 ? 1.0 : 0.0;
}

REF_KERNEL ref_f_leaky_relu(double a, double x)
{
    /* a slope of 0 times -Inf is the limit 0, not NaN */
    if (x > 0 || isnan(x)) return x;
    return (a == 0 && isinf(x)) ? -0.0 : a * x;
}
REF_KERNEL ref_df_leaky_relu(double a, double x)
{
    return x > 0 ? 1.0 : a;
}
/* y determines the branch only when the negative side does not turn positive
 * (alpha >= 0; alpha = 0 is ReLU: y <= 0 there and f' = 0 = alpha) */
REF_KERNEL ref_dfy_leaky_relu(double a, double y)
{
    return y > 0 ? 1.0 : a;
}

REF_KERNEL ref_f_bent_identity(double a, double x)
{
    if (isinf(x) || x == 0) return x; /* f(-0) = -0 as for the other functions through 0 */
    double h = hypot(x, 1.0);
    /* sqrt(x^2+1) - 1 = x^2 / (sqrt(x^2+1) + 1) avoids cancellation for small x */
    double t = fabs(x) < 1.0 ? x * x / (h + 1.0) : h - 1.0;
    return 0.5 * t + x;
}
REF_KERNEL ref_df_bent_identity(double a, double x)
{
    if (isinf(x)) return x > 0 ? 1.5 : 0.5;
    return 0.5 * (x / hypot(x, 1.0)) + 1.0; /* 2 hypot overflows at DBL_MAX */
}

REF_KERNEL ref_f_sinusoid(double a, double x)
{
    return sin(x);
}
REF_KERNEL ref_df_sinusoid(double a, double x)
{
    return cos(x);
}

REF_KERNEL ref_f_elu(double a, double x)
{
    return x > 0 ? x : a * expm1(x);
}
REF_KERNEL ref_df_elu(double a, double x)
{
    return x > 0 ? 1.0 : a * exp(x);
}
REF_KERNEL ref_dfy_elu(double a, double y) /* for alpha >= 0, as leaky ReLU */
{
    return y > 0 ? 1.0 : y + a;
}

REF_KERNEL ref_f_selu(double a, double x)
{
    if (x > 0) return SELU_SCALE * x;
    return selu_sa(expm1(x));
}
REF_KERNEL ref_df_selu(double a, double x)
{
    return x > 0 ? SELU_SCALE : selu_sa(exp(x));
}
REF_KERNEL ref_dfy_selu(double a, double y)
{
    return y > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
}

REF_KERNEL ref_f_celu(double a, double x)
{
    return x > 0 ? x : a * expm1(x / a);
}
REF_KERNEL ref_df_celu(double a, double x)
{
    return x > 0 ? 1.0 : exp(x / a);
}
REF_KERNEL ref_dfy_celu(double a, double y)
{
    return y > 0 ? 1.0 : y / a + 1.0;
}

REF_KERNEL ref_f_gelu(double a, double x)
{
    /* x/2 (1 + erf(x/sqrt2)) = x/2 erfc(-x/sqrt2): no cancellation for x << 0 */
    if (isinf(x)) return x > 0 ? x : -0.0;
    if (x < -39.0) /* below half the smallest subnormal; x^2 may overflow */
        return -0.0;
    if (x < -37.5) /* GELU = x Phi(x) = -phi(x) S */
        return phi_times(x, -gelu_tail_series(x));
    return x * (0.5 * erfc_scaled_arg(-x));
}
REF_KERNEL ref_df_gelu(double a, double x)
{
    if (isinf(x)) return x > 0 ? 1.0 : 0.0;
    /* Phi(x) + x phi(x); the terms cancel around the root at -0.7518 */
    if (x < -39.0) return -0.0;
    if (x < -37.5) /* Phi + x phi = x phi (1 - S/x^2) */
        return phi_times(x, x * (1.0 - gelu_tail_series(x) / (x * x)));
    if (x > -5.0 && x < -0.4) {
        long double lx = x;
        return (double)(0.5L * erfcl(-lx * 0.70710678118654752440084436210484904L) +
                        lx * 0.39894228040143267793994605993438187L * expl(-0.5L * lx * lx));
    }
    return 0.5 * erfc_scaled_arg(-x) + x * INV_SQRT_2PI * gaussian_s(x, 0.5);
}

REF_KERNEL ref_f_gelu_tanh(double a, double x)
{
    /* x/2 (1 + tanh u) = x sigmoid(2u) */
    if (isinf(x)) return x > 0 ? x : -0.0;
    if (fabs(x) > 1e4) /* sigmoid(2u) is 0 or 1 long before */
        return x > 0 ? x : -0.0;
    double v, vl;
    gelu_tanh_arg(x, &v, &vl);
    if (v < -700.0) {
        /* sigmoid(v) = e^v (1 + vl) to double precision, subnormal: keep
         * x e^(v/2) normal and round once */
        double h = exp(0.5 * v);
        return ((x * h) * (1.0 + vl)) * h;
    }
    /* sigmoid(v + vl) = sigmoid(v) + sigmoid'(v) vl */
    double e = exp(-fabs(v));
    double sg = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    return x * fma(e_over_1pe_sq(e), vl, sg);
}
REF_KERNEL ref_df_gelu_tanh(double a, double x)
{
    if (fabs(x) > 1e4) /* u' overflows long after sigmoid saturates */
        return x > 0 ? 1.0 : 0.0;
    if (x > -2.5 && x < 0.0) { /* root at -0.7522: the terms cancel */
        long double lx = x, c = GELU_TANH_C;
        long double u = 0.79788456080286535587989211986876373L * (lx + c * lx * lx * lx);
        long double du = 0.79788456080286535587989211986876373L * (1.0L + 3.0L * c * lx * lx);
        return (double)(sigmoid_l(2.0L * u) + 2.0L * lx * du * sigmoid_deriv_l(2.0L * u));
    }
    /* sigmoid(v) + x v' sigmoid'(v), v = 2u, with v carried as v + vl */
    double v, vl;
    gelu_tanh_arg(x, &v, &vl);
    double dv = 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * (x * x));
    if (v < -700.0) { /* both terms are e^v (1 + vl) times (1, x v') */
        double h = exp(0.5 * v);
        return ((fma(x, dv, 1.0) * h) * (1.0 + vl)) * h;
    }
    double e = exp(-fabs(v));
    double sg = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    double sd = e_over_1pe_sq(e);
    double S = fma(sd, vl, sg);
    double SD = sd * fma(vl, 1.0 - 2.0 * sg, 1.0);
    return fma(x * dv, SD, S);
}

REF_KERNEL ref_f_silu(double a, double x)
{
    if (isinf(x)) return x > 0 ? x : -0.0;
    if (x < -700.0) {
        /* x e^x is subnormal here: round once at the end, (x h) h with
         * h = e^(x/2) normal (1 + e^x rounds to 1) */
        double h = exp(0.5 * x);
        return (x * h) * h;
    }
    return x * sigmoid(x);
}
REF_KERNEL ref_df_silu(double a, double x)
{
    if (isinf(x)) return x > 0 ? 1.0 : 0.0;
    /* s + x s (1 - s) = e (1 + x + e) / (1 + e)^2 with e = e^x for x < 0:
     * 1 + x is exact around the root at -1.2785 (Sterbenz), so the only
     * cancellation is one correctly rounded addition */
    if (x < 0) {
        if (x < -700.0) { /* subnormal result: round once at the end */
            double h = exp(0.5 * x);
            return ((1.0 + x) * h) * h;
        }
        double e = exp(x);
        return e_over_1pe_sq(e) * ((1.0 + x) + e);
    } else {
        /* = (1 + e (1 + x)) / (1 + e)^2 with e = e^-x */
        double e = exp(-x);
        return fma(e, 1.0 + x, 1.0) * inv_1pe_sq(e);
    }
}

REF_KERNEL ref_f_mish(double a, double x)
{
    if (isinf(x)) return x > 0 ? x : -0.0;
    if (x < -700.0) {
        /* x tanh(sp) = x e (e + 2) / (n + 2) is subnormal: as for SiLU,
         * keep the products normal until the last one */
        double h = exp(0.5 * x), e = h * h;
        double r = (e + 2.0) / (e * (e + 2.0) + 2.0);
        return ((x * h) * r) * h;
    }
    return x * tanh_softplus(x);
}
REF_KERNEL ref_df_mish(double a, double x)
{
    if (isinf(x)) return x > 0 ? 1.0 : 0.0;
    /* tanh(sp) + x sech^2(sp) sigmoid(x); the terms cancel around the
     * root at -1.1924 */
    if (x < -750.0) /* (1 + x) e^x is below the subnormals */
        return -0.0;
    if (x < -700.0) {
        /* f' = E ((E + 2)(n + 2) + 4x (1 + E)) / (n + 2)^2, E = e^x,
         * n = E (E + 2); subnormal here, so round once at the end */
        double h = exp(0.5 * x), E = h * h, n = E * (E + 2.0), dn = n + 2.0;
        double b = fma(E + 2.0, dn, 4.0 * x * (1.0 + E)) / (dn * dn);
        return (b * h) * h;
    }
    if (x > -6.0 && x < -0.5) {
        long double lx = x, e = expl(lx), n = e * (e + 2.0L), dn = n + 2.0L;
        return (double)(n / dn + lx * 4.0L * (n + 1.0L) / (dn * dn) * sigmoid_l(lx));
    }
    double t = tanh_softplus(x), sech2;
    if (x <= 0) {
        double e = exp(x), n = e * (e + 2.0), d = n + 2.0;
        sech2 = 4.0 * (n + 1.0) / (d * d);
    } else {
        double e = exp(-x), d = 1.0 + 2.0 * e + 2.0 * e * e;
        sech2 = 4.0 * e * e * (1.0 + e) * (1.0 + e) / (d * d);
    }
    return t + x * sech2 * sigmoid(x);
}

REF_KERNEL ref_f_softplus(double a, double x)
{
    /* for x > 0: x + log1p(e^-bx)/b keeps x exact instead of (bx)/b */
    double z = a * x;
    if (x > 0) return x + log1p(exp(-z)) / a;
    return log1p(exp(z)) / a;
}
REF_KERNEL ref_df_softplus(double a, double x)
{
    return sigmoid(a * x);
}
REF_KERNEL ref_dfy_softplus(double a, double y)
{
    return -expm1(-a * y); /* sigmoid(bx) = 1 - e^(-b y) */
}

REF_KERNEL ref_f_softsign(double a, double x)
{
    if (isinf(x)) return x > 0 ? 1.0 : -1.0;
    return x / (1.0 + fabs(x));
}
REF_KERNEL ref_df_softsign(double a, double x)
{
    /* square the reciprocal: (1 + |x|)^2 overflows beyond 1.34e154 where
     * the true value is still a subnormal */
    if (isinf(x)) return 0.0;
    double ax = fabs(x), d = 1.0 + ax;
    /* d + dl = 1 + |x| exactly (TwoSum); r (1 + e) = 1/d with e exact
     * from an fma; 1/(d + dl)^2 = r^2 (1 + 2e - 2 dl/d) to first order */
    double t = d - ax, dl = (1.0 - t) + (ax - (d - t));
    double r = 1.0 / d, e = fma(-r, d, 1.0);
    double r2 = r * r;
    return fma(r2, 2.0 * (e - dl * r), r2);
}
REF_KERNEL ref_dfy_softsign(double a, double y)
{
    /* |y| = |x| / (1 + |x|), so 1 / (1 + |x|) = 1 - |y| */
    double r = 1.0 - fabs(y);
    return r * r;
}

REF_KERNEL ref_f_hard_sigmoid(double a, double x)
{
    if (isnan(x)) return x;
    return x <= -3.0 ? 0.0 : x >= 3.0 ? 1.0 : (x + 3.0) / 6.0;
}
REF_KERNEL ref_df_hard_sigmoid(double a, double x)
{
    return (x > -3.0 && x < 3.0) ? 1.0 / 6.0 : 0.0;
}

REF_KERNEL ref_f_hard_tanh(double a, double x)
{
    if (isnan(x)) return x;
    return x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x;
}
REF_KERNEL ref_df_hard_tanh(double a, double x)
{
    return (x > -1.0 && x < 1.0) ? 1.0 : 0.0;
}
REF_KERNEL ref_dfy_hard_tanh(double a, double y)
{
    return (y > -1.0 && y < 1.0) ? 1.0 : 0.0;
}

REF_KERNEL ref_f_hard_swish(double a, double x)
{
    if (isnan(x)) return x;
    return x <= -3.0 ? 0.0 : x >= 3.0 ? x : x * (x + 3.0) / 6.0;
}
/* (2x + 3)/6: 2x + 3 is exact around the root at -1.5 (Sterbenz) */
REF_KERNEL ref_df_hard_swish(double a, double x)
{
    return x < -3.0 ? 0.0 : x <= 3.0 ? (2.0 * x + 3.0) / 6.0 : 1.0;
}

REF_KERNEL ref_f_relu6(double a, double x)
{
    if (isnan(x)) return x;
    return x < 0.0 ? 0.0 : x > 6.0 ? 6.0 : (x == 0 ? 0.0 : x);
}
REF_KERNEL ref_df_relu6(double a, double x)
{
    return (x > 0.0 && x < 6.0) ? 1.0 : 0.0;
}
REF_KERNEL ref_dfy_relu6(double a, double y)
{
    return (y > 0.0 && y < 6.0) ? 1.0 : 0.0;
}

REF_KERNEL ref_f_log_sigmoid(double a, double x)
{
    return -softplus1(-x);
}
REF_KERNEL ref_df_log_sigmoid(double a, double x)
{
    return sigmoid(-x);
}
REF_KERNEL ref_dfy_log_sigmoid(double a, double y)
{
    return -expm1(y); /* sigmoid(-x) = 1 - e^y */
}

REF_KERNEL ref_f_gaussian(double a, double x)
{
    return gaussian(x);
}
REF_KERNEL ref_df_gaussian(double a, double x)
{
    if (fabs(x) >= 40.0) /* e^-1600: zero, with the sign of -x */
        return x > 0 ? -0.0 : 0.0;
    if (fabs(x) > 26.0) {
        /* the result is subnormal: keep -2x e^-h/2 normal, correct it for
         * the low part l of x^2, and round once in the last product */
        double ax = fabs(x), h = ax * ax, l = fma(ax, ax, -h), g = exp(-0.5 * h);
        double r = -2.0 * x * g;
        return fma(-r, l, r) * g;
    }
    return -2.0 * x * gaussian(x);
}

REF_KERNEL ref_f_cos(double a, double x)
{
    return cos(x);
}
REF_KERNEL ref_df_cos(double a, double x)
{
    return -sin(x);
}

REF_KERNEL ref_f_tanhshrink(double a, double x)
{
    return tanhshrink(x);
}
REF_KERNEL ref_df_tanhshrink(double a, double x)
{
    /* squaring doubles tanh's error; long double keeps it below one rounding */
    long double t = tanhl((long double)x);
    return (double)(t * t);
}

/* the zero band keeps x's sign: both shrinks are odd functions; y = 0
 * exactly where f' = 0 (|x| <= lambda; x = 0 for hardshrink) */
REF_KERNEL ref_f_softshrink(double a, double x)
{
    return x > a ? x - a : x < -a ? x + a : (isnan(x) ? x : copysign(0.0, x));
}
REF_KERNEL ref_df_softshrink(double a, double x)
{
    return (x > a || x < -a) ? 1.0 : 0.0;
}
REF_KERNEL ref_dfy_softshrink(double a, double y)
{
    return y != 0 ? 1.0 : 0.0;
}

REF_KERNEL ref_f_hardshrink(double a, double x)
{
    return (x > a || x < -a) ? x : (isnan(x) ? x : copysign(0.0, x));
}
REF_KERNEL ref_df_hardshrink(double a, double x)
{
    return (x > a || x < -a) ? 1.0 : 0.0;
}
REF_KERNEL ref_dfy_hardshrink(double a, double y)
{
    return y != 0 ? 1.0 : 0.0;
}

REF_KERNEL ref_f_abs(double a, double x)
{
    return fabs(x);
}
REF_KERNEL ref_df_abs(double a, double x) /* the sign; 0 at +-0 (oneDNN, PyTorch) */
{
    return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

REF_KERNEL ref_f_square(double a, double x)
{
    return x * x; /* one rounding: correctly rounded */
}
REF_KERNEL ref_df_square(double a, double x)
{
    return 2.0 * x; /* exact */
}

/* beta = 1 never gets here: it was sent to SiLU (as_silu) */
REF_KERNEL ref_f_swish_beta(double a, double x)
{
    return swish_f(a, x);
}
REF_KERNEL ref_df_swish_beta(double a, double x)
{
    return swish_df(a, x);
}

#pragma GCC diagnostic pop

/* ---- dispatch, generated from the catalogue (act_kinds.h) ------------- */

static inline __attribute__((always_inline)) double ref_f(nnact_act_kind k, double a, double x)
{
    switch (k) {
#define REF_F_CASE(E, id, ...)                                                                     \
    case NNACT_ACT_##E:                                                                            \
        return ref_f_##id(a, x);
        NNACT_ACT_KINDS(REF_F_CASE)
#undef REF_F_CASE
    }
    return NAN;
}

static inline __attribute__((always_inline)) double ref_df(nnact_act_kind k, double a, double x)
{
    if (isnan(x)) return x;
    switch (k) {
#define REF_DF_CASE(E, id, ...)                                                                    \
    case NNACT_ACT_##E:                                                                            \
        return ref_df_##id(a, x);
        NNACT_ACT_KINDS(REF_DF_CASE)
#undef REF_DF_CASE
    }
    return NAN;
}

/* A case for the kinds with a from-output kernel only: the row's from_y
 * column picks the case macro. */
#define DFY_CASE_FROM_Y(E, id)                                                                     \
    case NNACT_ACT_##E:                                                                            \
        return ref_dfy_##id(a, y);
#define DFY_CASE_FROM_Y_IF_ALPHA_NONNEG(E, id) DFY_CASE_FROM_Y(E, id)
#define DFY_CASE_NOT_FROM_Y(E, id)
#define REF_DFY_CASE(E, id, name, param, shape, from_y) DFY_CASE_##from_y(E, id)

double nnact__act_ref_df_from_y(nnact_act_kind k, double a, double y)
{
    if (isnan(y)) return y;
    switch (k) {
        NNACT_ACT_KINDS(REF_DFY_CASE)
    default:
        return NAN;
    }
}

/* Swish with beta = 1 is SiLU: one definition, the same bits. */
static nnact_act_kind as_silu(nnact_act_kind k, double a)
{
    return k == NNACT_ACT_SWISH && a == 1.0 ? NNACT_ACT_SILU : k;
}

double nnact__act_ref_f(nnact_act_kind k, double a, double x)
{
    k = as_silu(k, a);
    return ref_f(k, a, x);
}

double nnact__act_ref_df(nnact_act_kind k, double a, double x)
{
    k = as_silu(k, a);
    return ref_df(k, a, x);
}

/* One loop per kind: with k a constant the switch inside ref_f/ref_df folds
 * away, so the portable path pays no per-element dispatch. The arithmetic is
 * exactly the per-element functions' (same bits). */
static inline __attribute__((always_inline)) void
loop(nnact_act_kind k, double a, int mode, size_t n, const double *x, const double *dy, double *out)
{
    if (mode == 0)
        for (size_t i = 0; i < n; i++)
            out[i] = ref_f(k, a, x[i]);
    else if (mode == 1)
        for (size_t i = 0; i < n; i++)
            out[i] = ref_df(k, a, x[i]);
    else
        for (size_t i = 0; i < n; i++)
            out[i] = dy[i] * ref_df(k, a, x[i]);
}

void nnact__act_ref_array(nnact_act_kind k, double a, int mode, size_t n, const double *x,
                          const double *dy, double *out)
{
    switch (as_silu(k, a)) {
#define LOOP_CASE(E, ...)                                                                          \
    case NNACT_ACT_##E:                                                                            \
        loop(NNACT_ACT_##E, a, mode, n, x, dy, out);                                               \
        return;
        NNACT_ACT_KINDS(LOOP_CASE)
#undef LOOP_CASE
    }
}

/* dx = dy f'(y) over an array, one loop per kind (the same per-element
 * arithmetic as nnact__act_ref_df_from_y, so the same bits, without its
 * per-element dispatch). Kinds without a from-output kernel write NaN. */
#define DFY_LOOP_FROM_Y(E, id)                                                                     \
    case NNACT_ACT_##E:                                                                            \
        for (size_t i = 0; i < n; i++)                                                             \
            dx[i] = dy[i] * (isnan(y[i]) ? y[i] : ref_dfy_##id(a, y[i]));                          \
        return;
#define DFY_LOOP_FROM_Y_IF_ALPHA_NONNEG(E, id) DFY_LOOP_FROM_Y(E, id)
#define DFY_LOOP_NOT_FROM_Y(E, id)
#define REF_DFY_LOOP(E, id, name, param, shape, from_y) DFY_LOOP_##from_y(E, id)

void nnact__act_ref_from_output_array(nnact_act_kind k, double a, size_t n, const double *y,
                                      const double *dy, double *dx)
{
    switch (k) {
        NNACT_ACT_KINDS(REF_DFY_LOOP)
    default:
        break;
    }
    for (size_t i = 0; i < n; i++)
        dx[i] = NAN;
}
