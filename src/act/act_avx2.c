/* AVX2 + FMA kernels of the activations that large arrays spend their time in.
 * This file alone is compiled with -mavx2 -mfma (src/act/CMakeLists.txt); act.c
 * calls it only when nnact__cpu_flags() reports AVX2 and FMA, so the library
 * still runs on any x86-64. Transcendentals come from SLEEF's 1-ulp AVX2
 * functions (erfc: 1.5 ulp); docs/ACCURACY.md bounds this path and the scalar
 * one alike, and the accuracy test runs both.
 *
 * An element's result must not depend on where it sits in the array: the
 * tail (n % 4 elements) goes through the same vector kernel on a padded copy,
 * and the rare inputs a kernel does not handle (far tails, cancellation
 * neighbourhoods) are sent lane by lane to the scalar reference, whose answer
 * depends on the value only. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include <sleef.h>

#include "act/act_internal.h"

#define SQRT1_2         0.70710678118654752440084436210485
#define SQRT1_2_LO      (-4.8336466567264567e-17)
#define TWO_OVER_SQRTPI 1.1283791670955125739
#define INV_SQRT_2PI    0.39894228040143267793994605993438
#define SELU_ALPHA      1.6732632423543772848170429916717
#define SELU_SCALE      1.0507009873554804934193349852946

struct vp {
    nnact_act_kind k;
    double a;
};

typedef __m256d (*vkernel)(__m256d x, const struct vp *p);

static inline __m256d vset(double v)
{
    return _mm256_set1_pd(v);
}

static inline __m256d vabs(__m256d x)
{
    return _mm256_andnot_pd(vset(-0.0), x);
}

/* -|x|, exactly */
static inline __m256d vnabs(__m256d x)
{
    return _mm256_or_pd(vset(-0.0), x);
}

static inline __m256d vsel(__m256d mask, __m256d yes, __m256d no)
{
    return _mm256_blendv_pd(no, yes, mask);
}

static inline __m256d is_nan(__m256d x)
{
    return _mm256_cmp_pd(x, x, _CMP_UNORD_Q);
}

/* e^x, inlined: SLEEF's exp is a call per vector whose cost (~2 ns per
 * element) was most of sigmoid's and SiLU's time. Written from the math:
 * x = k ln2 + r with k = round(x / ln2) (the 1.5 * 2^52 trick), ln2 split as
 * hi + lo with hi's low 11 bits zero so k hi is exact for |k| < 2048, so
 * |r| <= ln2/2; e^r = 1 + (r + r^2 Q(r)) with Q the Taylor series 1/2! ..
 * 1/13! (the first omitted term, r^14/14!, is below 5e-18), evaluated by
 * Estrin's scheme; then 2^k applied in two steps 2^k1 2^k2 so that a
 * subnormal result is rounded once, by the last product. Error below 1 ulp
 * (1 + s rounds once, s and r carry the rest; 0.87 ulp is the largest the
 * accuracy test measures, in ELU' = e^x). x is clamped to [-750, 710]:
 * below, the result rounds to 0, above it overflows to inf; NaN passes (the
 * clamps return their second operand for a NaN). */
#define EXP_SHIFT  0x1.8p52
#define EXP_LOG2E  1.4426950408889634
#define EXP_LN2_HI 0x1.62e42fefa3800p-1
#define EXP_LN2_LO 0x1.ef35793c76730p-45

static inline __m256d v_pow2i(__m256d kd) /* 2^k for integral kd in [-1022, 1023] */
{
    __m256i b = _mm256_castpd_si256(_mm256_add_pd(kd, vset(EXP_SHIFT + 1023.0)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(b, 52));
}

static inline __m256d v_exp(__m256d x)
{
    x = _mm256_min_pd(vset(710.0), _mm256_max_pd(vset(-750.0), x));
    __m256d kd =
        _mm256_sub_pd(_mm256_fmadd_pd(x, vset(EXP_LOG2E), vset(EXP_SHIFT)), vset(EXP_SHIFT));
    __m256d r = _mm256_fnmadd_pd(kd, vset(EXP_LN2_HI), x);
    r = _mm256_fnmadd_pd(kd, vset(EXP_LN2_LO), r);
    __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2);
    __m256d p0 = _mm256_fmadd_pd(r, vset(0x1.5555555555555p-3), vset(0x1.0000000000000p-1));
    __m256d p1 = _mm256_fmadd_pd(r, vset(0x1.1111111111111p-7), vset(0x1.5555555555555p-5));
    __m256d p2 = _mm256_fmadd_pd(r, vset(0x1.a01a01a01a01ap-13), vset(0x1.6c16c16c16c17p-10));
    __m256d p3 = _mm256_fmadd_pd(r, vset(0x1.71de3a556c734p-19), vset(0x1.a01a01a01a01ap-16));
    __m256d p4 = _mm256_fmadd_pd(r, vset(0x1.ae64567f544e4p-26), vset(0x1.27e4fb7789f5cp-22));
    __m256d p5 = _mm256_fmadd_pd(r, vset(0x1.6124613a86d09p-33), vset(0x1.1eed8eff8d898p-29));
    __m256d q0 = _mm256_fmadd_pd(r2, p1, p0), q1 = _mm256_fmadd_pd(r2, p3, p2);
    __m256d q2 = _mm256_fmadd_pd(r2, p5, p4);
    __m256d q = _mm256_fmadd_pd(r4, _mm256_fmadd_pd(r4, q2, q1), q0);
    __m256d y = _mm256_add_pd(vset(1.0), _mm256_fmadd_pd(r2, q, r));
    __m256d k1 = _mm256_sub_pd(_mm256_fmadd_pd(kd, vset(0.5), vset(EXP_SHIFT)), vset(EXP_SHIFT));
    __m256d k2 = _mm256_sub_pd(kd, k1);
    return _mm256_mul_pd(_mm256_mul_pd(y, v_pow2i(k1)), v_pow2i(k2));
}

/* log1p(u) for u in [0, 1] (softplus and log-sigmoid only ever ask for
 * log1p(e^-|z|)), inlined instead of SLEEF's call: log1p(u) = 2 atanh(s),
 * s = u / (2 + u) in [0, 1/3], 2 atanh(s) = 2s + 2s z P(z), z = s^2,
 * P(z) = sum_j z^j / (2j + 3), 17 terms (the first omitted one is below
 * 2e-18 relative). 2 + u = d + dl exactly (Fast2Sum, 2 >= u) and s's
 * division remainder is recovered with an fma, so 2s + (2 sl + 2s z P) rounds
 * once at the end: error below 1 ulp. NaN passes through. */
static const double LOG1P_P[17] = {0x1.5555555555555p-2, 0x1.999999999999ap-3, 0x1.2492492492492p-3,
                                   0x1.c71c71c71c71cp-4, 0x1.745d1745d1746p-4, 0x1.3b13b13b13b14p-4,
                                   0x1.1111111111111p-4, 0x1.e1e1e1e1e1e1ep-5, 0x1.af286bca1af28p-5,
                                   0x1.8618618618618p-5, 0x1.642c8590b2164p-5, 0x1.47ae147ae147bp-5,
                                   0x1.2f684bda12f68p-5, 0x1.1a7b9611a7b96p-5, 0x1.0842108421084p-5,
                                   0x1.f07c1f07c1f08p-6, 0x1.d41d41d41d41dp-6};

static inline __m256d v_log1p01(__m256d u)
{
    __m256d two = vset(2.0), d = _mm256_add_pd(two, u);
    __m256d dl = _mm256_sub_pd(u, _mm256_sub_pd(d, two));
    __m256d sh = _mm256_div_pd(u, d);
    /* sl = (u - s d - s dl) / d; it is 2^-52 below s, so a 12-bit
     * reciprocal of d is plenty */
    __m256d rem = _mm256_fnmadd_pd(sh, dl, _mm256_fnmadd_pd(sh, d, u));
    __m256d sl = _mm256_mul_pd(rem, _mm256_cvtps_pd(_mm_rcp_ps(_mm256_cvtpd_ps(d))));
    __m256d z = _mm256_mul_pd(sh, sh), z4 = _mm256_mul_pd(_mm256_mul_pd(z, z), _mm256_mul_pd(z, z));
    __m256d c0 = vset(LOG1P_P[16]), c1 = _mm256_setzero_pd(), c2 = c1, c3 = c1;
    for (int k = 3; k >= 0; k--) {
        c0 = _mm256_fmadd_pd(c0, z4, vset(LOG1P_P[4 * k]));
        c1 = _mm256_fmadd_pd(c1, z4, vset(LOG1P_P[4 * k + 1]));
        c2 = _mm256_fmadd_pd(c2, z4, vset(LOG1P_P[4 * k + 2]));
        c3 = _mm256_fmadd_pd(c3, z4, vset(LOG1P_P[4 * k + 3]));
    }
    __m256d z2 = _mm256_mul_pd(z, z);
    __m256d p = _mm256_fmadd_pd(z2, _mm256_fmadd_pd(z, c3, c2), _mm256_fmadd_pd(z, c1, c0));
    __m256d s2 = _mm256_add_pd(sh, sh);
    __m256d lo = _mm256_fmadd_pd(_mm256_mul_pd(s2, z), p, _mm256_add_pd(sl, sl));
    return _mm256_add_pd(s2, lo);
}

/* Lanes set in `m` are recomputed by the scalar reference (f or f'). Out of
 * line: the common case (no lane) must not pay for spilling the vectors. */
static __attribute__((noinline)) __m256d scalar_lanes_slow(__m256d r, __m256d x, int m,
                                                           const struct vp *p, int deriv)
{
    double xs[4], rs[4];
    _mm256_storeu_pd(xs, x);
    _mm256_storeu_pd(rs, r);
    for (int l = 0; l < 4; l++)
        if (m & (1 << l))
            rs[l] =
                deriv ? nnact__act_ref_df(p->k, p->a, xs[l]) : nnact__act_ref_f(p->k, p->a, xs[l]);
    return _mm256_loadu_pd(rs);
}

static inline __attribute__((always_inline)) __m256d
scalar_lanes(__m256d r, __m256d x, __m256d mask, const struct vp *p, int deriv)
{
    int m = _mm256_movemask_pd(mask);
    return m == 0 ? r : scalar_lanes_slow(r, x, m, p, deriv);
}

/* e / (1 + e)^2 and 1 / (1 + e)^2 for 0 <= e <= 1 with the rounding of
 * 1 + e corrected (see act_ref.c). */
/* The correction -2 dl/d is below 2^-52 relative, so 1/d in it needs only a
 * few correct bits: 1.5 - d/2 (within 12% on [1, 2]) moves the result by at
 * most 0.12 ulp and saves a division per vector. */
static inline __m256d v_corr(__m256d d, __m256d dl)
{
    __m256d rcp = _mm256_fnmadd_pd(vset(0.5), d, vset(1.5));
    return _mm256_mul_pd(_mm256_mul_pd(vset(-2.0), dl), rcp);
}

static inline __m256d v_inv_1pe_sq(__m256d e)
{
    __m256d one = vset(1.0), d = _mm256_add_pd(one, e);
    __m256d dl = _mm256_sub_pd(e, _mm256_sub_pd(d, one));
    __m256d q = _mm256_div_pd(one, _mm256_mul_pd(d, d));
    return _mm256_fmadd_pd(q, v_corr(d, dl), q);
}

static inline __m256d v_e_over_1pe_sq(__m256d e)
{
    __m256d one = vset(1.0), d = _mm256_add_pd(one, e);
    __m256d dl = _mm256_sub_pd(e, _mm256_sub_pd(d, one));
    __m256d q = _mm256_div_pd(e, _mm256_mul_pd(d, d));
    return _mm256_fmadd_pd(q, v_corr(d, dl), q);
}

static inline __m256d v_sigmoid(__m256d x)
{
    __m256d e = v_exp(vnabs(x));
    __m256d num = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ), vset(1.0), e);
    return _mm256_div_pd(num, _mm256_add_pd(vset(1.0), e));
}

/* ---- piecewise-linear kinds ---- */

static __m256d k_identity_f(__m256d x, const struct vp *p)
{
    (void)p;
    return x;
}

static __m256d k_identity_df(__m256d x, const struct vp *p)
{
    (void)p;
    return vsel(is_nan(x), x, vset(1.0));
}

static __m256d k_relu_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d keep = _mm256_or_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), is_nan(x));
    return _mm256_and_pd(keep, x);
}

static __m256d k_relu_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d one = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(1.0));
    return vsel(is_nan(x), x, one);
}

static __m256d k_leaky_f(__m256d x, const struct vp *p)
{
    __m256d keep = _mm256_or_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), is_nan(x));
    /* slope 0: the signed zero, also at -Inf (never 0 * Inf) */
    __m256d neg = p->a == 0 ? _mm256_and_pd(x, vset(-0.0)) : _mm256_mul_pd(vset(p->a), x);
    return vsel(keep, x, neg);
}

static __m256d k_leaky_df(__m256d x, const struct vp *p)
{
    __m256d d = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(1.0), vset(p->a));
    return vsel(is_nan(x), x, d);
}

static __m256d k_relu6_f(__m256d x, const struct vp *p)
{
    (void)p;
    /* max/min return their second operand for NaN: x passes through; + 0.0
     * turns a -0 into +0 as the reference does */
    __m256d t = _mm256_min_pd(vset(6.0), _mm256_max_pd(_mm256_setzero_pd(), x));
    return _mm256_add_pd(t, _mm256_setzero_pd());
}

static __m256d k_relu6_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d in = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ),
                               _mm256_cmp_pd(x, vset(6.0), _CMP_LT_OQ));
    return vsel(is_nan(x), x, _mm256_and_pd(in, vset(1.0)));
}

static __m256d k_hardtanh_f(__m256d x, const struct vp *p)
{
    (void)p;
    return _mm256_min_pd(vset(1.0), _mm256_max_pd(vset(-1.0), x));
}

static __m256d k_hardtanh_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d in = _mm256_and_pd(_mm256_cmp_pd(x, vset(-1.0), _CMP_GT_OQ),
                               _mm256_cmp_pd(x, vset(1.0), _CMP_LT_OQ));
    return vsel(is_nan(x), x, _mm256_and_pd(in, vset(1.0)));
}

/* ---- smooth kinds ---- */

static __m256d k_sigmoid_f(__m256d x, const struct vp *p)
{
    (void)p;
    return v_sigmoid(x);
}

static __m256d k_sigmoid_df(__m256d x, const struct vp *p)
{
    (void)p;
    return v_e_over_1pe_sq(v_exp(vnabs(x)));
}

static __m256d k_tanh_f(__m256d x, const struct vp *p)
{
    (void)p;
    return Sleef_tanhd4_u10avx2(x);
}

static __m256d k_tanh_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d d =
        _mm256_mul_pd(vset(4.0), v_e_over_1pe_sq(v_exp(_mm256_mul_pd(vset(-2.0), vabs(x)))));
    return vsel(is_nan(x), x, d);
}

static inline __attribute__((always_inline)) __m256d k_silu_f(__m256d x, const struct vp *p)
{
    __m256d r = _mm256_mul_pd(x, v_sigmoid(x));
    /* x < -700 (subnormal results) and +-Inf: the reference */
    __m256d odd = _mm256_or_pd(_mm256_cmp_pd(x, vset(-700.0), _CMP_LT_OQ),
                               _mm256_cmp_pd(vabs(x), vset(INFINITY), _CMP_EQ_OQ));
    return scalar_lanes(r, x, odd, p, 0);
}

static inline __attribute__((always_inline)) __m256d k_silu_df(__m256d x, const struct vp *p)
{
    __m256d one = vset(1.0), e = v_exp(vnabs(x));
    __m256d onepx = _mm256_add_pd(one, x);
    /* x < 0: e (1 + x + e) / (1 + e)^2; x >= 0: (1 + e (1 + x)) / (1 + e)^2;
     * the numerators are chosen first so one division serves both */
    __m256d num = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ),
                       _mm256_mul_pd(e, _mm256_add_pd(onepx, e)), _mm256_fmadd_pd(e, onepx, one));
    __m256d d = _mm256_add_pd(one, e), dl = _mm256_sub_pd(e, _mm256_sub_pd(d, one));
    __m256d q = _mm256_div_pd(num, _mm256_mul_pd(d, d));
    __m256d r = _mm256_fmadd_pd(q, v_corr(d, dl), q);
    __m256d odd = _mm256_or_pd(_mm256_cmp_pd(x, vset(-700.0), _CMP_LT_OQ),
                               _mm256_cmp_pd(vabs(x), vset(INFINITY), _CMP_EQ_OQ));
    return scalar_lanes(r, x, odd, p, 1);
}

/* e^(-x^2/2) with x^2 split exactly (h + l); 0 once it underflows. */
static inline __m256d v_gauss_half(__m256d x)
{
    __m256d ax = vabs(x), h = _mm256_mul_pd(ax, ax);
    __m256d l = _mm256_fmsub_pd(ax, ax, h);
    __m256d e = v_exp(_mm256_mul_pd(vset(-0.5), h));
    __m256d g = _mm256_fnmadd_pd(e, _mm256_mul_pd(vset(0.5), l), e);
    return _mm256_andnot_pd(_mm256_cmp_pd(h, vset(1520.0), _CMP_GT_OQ), g);
}

/* GELU's own erfc. SLEEF 3.5's erfc costs ~18 ns per element here (its exp
 * ~2 ns), so GELU uses the approximation derived in tests/gen_act_erfcx.py:
 *   erfc(a) = e^(-a^2) Y(t) / (1 + 2a),  t = (a - 3) / (a + 3),  a >= 0,
 * with Y a 26-term polynomial in t (one Horner chain, no table lookups or
 * per-lane branches). For Phi(x) = erfc(-x/sqrt2)/2, a = |x|/sqrt2 and
 * e^(-a^2) = e^(-x^2/2) is taken from x^2 split exactly (h + l), so the
 * rounding of x/sqrt2 only enters through the smooth Y(t) / (1 + 2a). */
/* made by tests/gen_act_erfcx.py; Horner in double: worst 1.155 ulp of Y */
static const double ERFCX_Y[26] = {
    0x1.40c522d7e4987p+0,   /* 1.2530080582697296 */
    -0x1.15c084bb9e8f3p-3,  /* -0.1356211061245812 */
    -0x1.85a15c58aa4f5p-5,  /* -0.047562294353449198 */
    0x1.098366a5b4701p-3,   /* 0.12964515870276475 */
    -0x1.e88b803a4a881p-4,  /* -0.11927366341538638 */
    0x1.17ca2877effabp-4,   /* 0.068308027343845154 */
    -0x1.8574c40b69c6ap-6,  /* -0.023770514917171338 */
    0x1.4b884e464a11bp-9,   /* 0.0025293918180474668 */
    0x1.ef1bdd0e61218p-10,  /* 0.0018886903449991718 */
    -0x1.98db51673633ep-11, /* -0.00077983228848230841 */
    -0x1.b912639d3c363p-14, /* -0.00010515971958448065 */
    0x1.065a3f813e29bp-13,  /* 0.00012509943557128121 */
    0x1.4c228d0f252afp-18,  /* 4.949196649968345e-06 */
    -0x1.513c76b5fc688p-16, /* -2.0100843094844725e-05 */
    -0x1.885c4173e8118p-21, /* -7.308281468783614e-07 */
    0x1.d22433a611e6cp-19,  /* 3.4730241678415329e-06 */
    0x1.7dfecd6d595a4p-22,  /* 3.5576086684080595e-07 */
    -0x1.4b8d0b0794184p-21, /* -6.1756176789923234e-07 */
    -0x1.2dabcbdb3b408p-23, /* -1.4047654315428462e-07 */
    0x1.b96fc70953a87p-24,  /* 1.0277997488271058e-07 */
    0x1.60bcb894e79d1p-25,  /* 4.1064013667940355e-08 */
    -0x1.ddcfc080be09bp-27, /* -1.3906145791730994e-08 */
    -0x1.1a5abb05ab718p-27, /* -8.2175950587114546e-09 */
    0x1.4a654198bfd96p-30,  /* 1.2019719440135793e-09 */
    0x1.cd7350f20ad1ap-31,  /* 8.3937348586908774e-10 */
    -0x1.2f98d06214628p-35, /* -3.4514974876643281e-11 */
};
#define ERFCX_Y0_LO     0x1.6b9280edb29cfp-55  /* 3.9418585560695618e-17 */
#define INV_SQRT_2PI_LO -0x1.cbc0d30ebfd15p-56 /* 1/sqrt(2 pi) - INV_SQRT_2PI */
#define ERFCX_K         3.0

/* Q = 0.5 Y(t) / (1 + 2a) = 0.5 erfcx(a) for a = |x|/sqrt2 as q + ql (the
 * low part carries a0's rounding, the division's remainder and the rounding
 * of 1 + 2a: near GELU'(x)'s root Q cancels against x/sqrt(2pi), so its
 * error must stay well below an ulp), and E = e^(-x^2/2);
 * Phi(x) = E Q for x <= 0 and 1 - E Q for x > 0. |x| is clamped to 60,
 * where E = 0: larger x would overflow 1 + 2a. */
static inline void v_gelu_parts(__m256d x, __m256d *E, __m256d *q, __m256d *ql)
{
    __m256d ax = _mm256_min_pd(vabs(x), vset(60.0)), a = _mm256_mul_pd(ax, vset(SQRT1_2));
    __m256d t = _mm256_div_pd(_mm256_sub_pd(a, vset(ERFCX_K)), _mm256_add_pd(a, vset(ERFCX_K)));
    /* p(t) = sum_j ERFCX_Y[j + 1] t^j as four interleaved chains in s = t^4:
     * Horner's one chain of 24 dependent fmas was latency-bound */
    __m256d t2 = _mm256_mul_pd(t, t), s4 = _mm256_mul_pd(t2, t2);
    __m256d c0 = vset(ERFCX_Y[25]), c1 = _mm256_setzero_pd(), c2 = c1, c3 = c1;
    for (int k = 5; k >= 0; k--) {
        c0 = _mm256_fmadd_pd(c0, s4, vset(ERFCX_Y[4 * k + 1]));
        c1 = _mm256_fmadd_pd(c1, s4, vset(ERFCX_Y[4 * k + 2]));
        c2 = _mm256_fmadd_pd(c2, s4, vset(ERFCX_Y[4 * k + 3]));
        c3 = _mm256_fmadd_pd(c3, s4, vset(ERFCX_Y[4 * k + 4]));
    }
    __m256d p = _mm256_fmadd_pd(t2, _mm256_fmadd_pd(t, c3, c2), _mm256_fmadd_pd(t, c1, c0));
    __m256d a0 = vset(ERFCX_Y[0]);
    __m256d y = _mm256_fmadd_pd(p, t, a0);
    /* a0 - y is exact (Sterbenz: Y in [1, 1.26]) */
    __m256d yl = _mm256_add_pd(_mm256_fmadd_pd(p, t, _mm256_sub_pd(a0, y)), vset(ERFCX_Y0_LO));
    /* 1 + 2a = d + dl with a's rounding error and the sum's */
    __m256d al = _mm256_fmadd_pd(ax, vset(SQRT1_2_LO), _mm256_fmsub_pd(ax, vset(SQRT1_2), a));
    __m256d one = vset(1.0), a2 = _mm256_add_pd(a, a), d = _mm256_add_pd(one, a2);
    __m256d dl = _mm256_add_pd(_mm256_sub_pd(a2, _mm256_sub_pd(d, one)), _mm256_add_pd(al, al));
    __m256d num = _mm256_mul_pd(vset(0.5), y);
    *q = _mm256_div_pd(num, d);
    /* (num + numl) / (d + dl) - q = (r + numl - q dl) / d to first order, r exact */
    __m256d r = _mm256_fnmadd_pd(*q, d, num);
    __m256d lo = _mm256_fnmadd_pd(*q, dl, _mm256_fmadd_pd(vset(0.5), yl, r));
    /* lo is below 2^-50 q: a 12-bit reciprocal of d is plenty */
    *ql = _mm256_mul_pd(lo, _mm256_cvtps_pd(_mm_rcp_ps(_mm256_cvtpd_ps(d))));
    *E = v_gauss_half(x);
}

/* lanes the reference takes: x < -37.5 (the asymptotic series), +-Inf, NaN */
static inline __m256d v_gelu_odd(__m256d x)
{
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(x, vset(-37.5), _CMP_GE_OQ),
                               _mm256_cmp_pd(x, vset(INFINITY), _CMP_LT_OQ));
    return _mm256_xor_pd(ok, _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
}

static inline __attribute__((always_inline)) __m256d k_gelu_f(__m256d x, const struct vp *p)
{
    __m256d E, q, ql;
    v_gelu_parts(x, &E, &q, &ql);
    __m256d eql = _mm256_mul_pd(E, ql);
    __m256d neg = _mm256_fmadd_pd(E, q, eql);
    __m256d pos = _mm256_sub_pd(_mm256_fnmadd_pd(E, q, vset(1.0)), eql);
    __m256d phi = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), pos, neg);
    return scalar_lanes(_mm256_mul_pd(x, phi), x, v_gelu_odd(x), p, 0);
}

/* Phi + x phi = E (Q + x/sqrt(2 pi)) for x <= 0: Q and x/sqrt(2pi) cancel at
 * the root -0.7518, with x exact, the constant as hi + lo and Q as q + ql;
 * 1 - E Q + x E/sqrt(2 pi) for x > 0 (no cancellation) */
static inline __attribute__((always_inline)) __m256d k_gelu_df(__m256d x, const struct vp *p)
{
    __m256d E, q, ql;
    v_gelu_parts(x, &E, &q, &ql);
    __m256d c = vset(INV_SQRT_2PI);
    __m256d g =
        _mm256_add_pd(_mm256_fmadd_pd(x, c, q), _mm256_fmadd_pd(x, vset(INV_SQRT_2PI_LO), ql));
    __m256d neg = _mm256_mul_pd(E, g);
    __m256d pos =
        _mm256_fmadd_pd(_mm256_mul_pd(x, c), E,
                        _mm256_sub_pd(_mm256_fnmadd_pd(E, q, vset(1.0)), _mm256_mul_pd(E, ql)));
    __m256d r = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), pos, neg);
    return scalar_lanes(r, x, v_gelu_odd(x), p, 1);
}

/* log(1 + e^(beta x)) / beta = max(x, 0) + log1p(e^-|beta x|) / beta */
static __m256d k_softplus_f(__m256d x, const struct vp *p)
{
    __m256d z = _mm256_mul_pd(vset(p->a), x);
    __m256d t = v_log1p01(v_exp(vnabs(z)));
    __m256d pos = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), x);
    return _mm256_add_pd(pos, p->a == 1.0 ? t : _mm256_div_pd(t, vset(p->a)));
}

static __m256d k_softplus_df(__m256d x, const struct vp *p)
{
    return v_sigmoid(_mm256_mul_pd(vset(p->a), x));
}

static __m256d k_log_sigmoid_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d t = v_log1p01(v_exp(vnabs(x)));
    __m256d mx = _mm256_xor_pd(x, vset(-0.0));
    __m256d pos = _mm256_and_pd(_mm256_cmp_pd(mx, _mm256_setzero_pd(), _CMP_GT_OQ), mx);
    return _mm256_xor_pd(_mm256_add_pd(pos, t), vset(-0.0)); /* -(max(-x, 0) + t): -0 at +Inf */
}

static __m256d k_log_sigmoid_df(__m256d x, const struct vp *p)
{
    (void)p;
    return v_sigmoid(_mm256_xor_pd(x, vset(-0.0)));
}

static __m256d k_elu_f(__m256d x, const struct vp *p)
{
    __m256d neg = _mm256_mul_pd(vset(p->a), Sleef_expm1d4_u10avx2(x));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), x, neg);
}

static __m256d k_elu_df(__m256d x, const struct vp *p)
{
    __m256d neg = _mm256_mul_pd(vset(p->a), v_exp(x));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(1.0), neg);
}

/* scale alpha e with the constants' product carried as hi + lo */
static inline __m256d v_selu_sa(__m256d e)
{
    const double hi = SELU_SCALE * SELU_ALPHA;
    const double lo = fma(SELU_SCALE, SELU_ALPHA, -hi);
    return _mm256_fmadd_pd(e, vset(hi), _mm256_mul_pd(e, vset(lo)));
}

static __m256d k_selu_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d neg = v_selu_sa(Sleef_expm1d4_u10avx2(x));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ),
                _mm256_mul_pd(vset(SELU_SCALE), x), neg);
}

static __m256d k_selu_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d neg = v_selu_sa(v_exp(x));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(SELU_SCALE), neg);
}

/* ---- more piecewise and rational kinds: the scalar reference's operations,
 * in the same order, so these give the reference's bits ---- */

static inline __m256d v_signed_zero(__m256d x)
{
    return _mm256_and_pd(x, vset(-0.0));
}

static __m256d k_softsign_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d r = _mm256_div_pd(x, _mm256_add_pd(vset(1.0), vabs(x)));
    __m256d inf = _mm256_cmp_pd(vabs(x), vset(INFINITY), _CMP_EQ_OQ);
    return vsel(inf, _mm256_or_pd(vset(1.0), v_signed_zero(x)), r);
}

static __m256d k_softsign_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d one = vset(1.0), ax = vabs(x), d = _mm256_add_pd(one, ax);
    __m256d t = _mm256_sub_pd(d, ax);
    __m256d dl = _mm256_add_pd(_mm256_sub_pd(one, t), _mm256_sub_pd(ax, _mm256_sub_pd(d, t)));
    __m256d r = _mm256_div_pd(one, d), e = _mm256_fnmadd_pd(r, d, one);
    __m256d r2 = _mm256_mul_pd(r, r);
    __m256d corr = _mm256_mul_pd(vset(2.0), _mm256_sub_pd(e, _mm256_mul_pd(dl, r)));
    __m256d out = _mm256_fmadd_pd(r2, corr, r2);
    return _mm256_andnot_pd(_mm256_cmp_pd(ax, vset(INFINITY), _CMP_EQ_OQ), out);
}

static __m256d k_hard_sigmoid_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d mid = _mm256_div_pd(_mm256_add_pd(x, vset(3.0)), vset(6.0));
    __m256d r = vsel(_mm256_cmp_pd(x, vset(3.0), _CMP_GE_OQ), vset(1.0), mid);
    r = vsel(_mm256_cmp_pd(x, vset(-3.0), _CMP_LE_OQ), _mm256_setzero_pd(), r);
    return vsel(is_nan(x), x, r);
}

static __m256d k_hard_sigmoid_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d in = _mm256_and_pd(_mm256_cmp_pd(x, vset(-3.0), _CMP_GT_OQ),
                               _mm256_cmp_pd(x, vset(3.0), _CMP_LT_OQ));
    return vsel(is_nan(x), x, _mm256_and_pd(in, vset(1.0 / 6.0)));
}

static __m256d k_hard_swish_f(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d mid = _mm256_div_pd(_mm256_mul_pd(x, _mm256_add_pd(x, vset(3.0))), vset(6.0));
    __m256d r = vsel(_mm256_cmp_pd(x, vset(3.0), _CMP_GE_OQ), x, mid);
    r = vsel(_mm256_cmp_pd(x, vset(-3.0), _CMP_LE_OQ), _mm256_setzero_pd(), r);
    return vsel(is_nan(x), x, r);
}

static __m256d k_hard_swish_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d mid = _mm256_div_pd(_mm256_fmadd_pd(vset(2.0), x, vset(3.0)), vset(6.0));
    __m256d r = vsel(_mm256_cmp_pd(x, vset(3.0), _CMP_LE_OQ), mid, vset(1.0));
    r = vsel(_mm256_cmp_pd(x, vset(-3.0), _CMP_LT_OQ), _mm256_setzero_pd(), r);
    return vsel(is_nan(x), x, r);
}

static __m256d k_softshrink_f(__m256d x, const struct vp *p)
{
    __m256d a = vset(p->a), na = vset(-p->a);
    __m256d r = vsel(_mm256_cmp_pd(x, na, _CMP_LT_OQ), _mm256_add_pd(x, a), v_signed_zero(x));
    r = vsel(_mm256_cmp_pd(x, a, _CMP_GT_OQ), _mm256_sub_pd(x, a), r);
    return vsel(is_nan(x), x, r);
}

static __m256d k_hardshrink_f(__m256d x, const struct vp *p)
{
    __m256d out = _mm256_or_pd(_mm256_cmp_pd(x, vset(p->a), _CMP_GT_OQ),
                               _mm256_cmp_pd(x, vset(-p->a), _CMP_LT_OQ));
    return vsel(_mm256_or_pd(out, is_nan(x)), x, v_signed_zero(x));
}

static __m256d k_shrink_df(__m256d x, const struct vp *p)
{
    __m256d out = _mm256_or_pd(_mm256_cmp_pd(x, vset(p->a), _CMP_GT_OQ),
                               _mm256_cmp_pd(x, vset(-p->a), _CMP_LT_OQ));
    return vsel(is_nan(x), x, _mm256_and_pd(out, vset(1.0)));
}

static __m256d k_celu_f(__m256d x, const struct vp *p)
{
    __m256d neg = _mm256_mul_pd(vset(p->a), Sleef_expm1d4_u10avx2(_mm256_div_pd(x, vset(p->a))));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), x, neg);
}

static __m256d k_celu_df(__m256d x, const struct vp *p)
{
    __m256d neg = v_exp(_mm256_div_pd(x, vset(p->a)));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(1.0), neg);
}

/* e^(-x^2) with x^2 = h + l exactly: e^-h (1 - l); 0 once it underflows */
static inline __m256d v_gauss(__m256d x)
{
    __m256d ax = vabs(x), h = _mm256_mul_pd(ax, ax);
    __m256d l = _mm256_fmsub_pd(ax, ax, h);
    __m256d e = v_exp(_mm256_xor_pd(h, vset(-0.0)));
    __m256d g = _mm256_fnmadd_pd(e, l, e);
    return _mm256_andnot_pd(_mm256_cmp_pd(h, vset(760.0), _CMP_GT_OQ), g);
}

static __m256d k_gaussian_f(__m256d x, const struct vp *p)
{
    (void)p;
    return vsel(is_nan(x), x, v_gauss(x));
}

static __m256d k_gaussian_df(__m256d x, const struct vp *p)
{
    __m256d r = _mm256_mul_pd(_mm256_mul_pd(vset(-2.0), x), v_gauss(x));
    /* |x| > 26: subnormal results and the signed-zero limits: the reference */
    return scalar_lanes(r, x, _mm256_cmp_pd(vabs(x), vset(26.0), _CMP_GT_OQ), p, 1);
}

/* GELU-tanh: 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) as v + vl, as the
 * reference does (sigmoid(2u) amplifies u's error by |2u|) */
#define GT_C    0.044715
#define GT_S    0.79788456080286535587989211986876
#define GT_S_LO (-4.98465440455546e-17)

static inline void v_gelu_tanh_arg(__m256d x, __m256d *v, __m256d *vl)
{
    __m256d c = vset(GT_C);
    __m256d x2 = _mm256_mul_pd(x, x), x2l = _mm256_fmsub_pd(x, x, x2);
    __m256d x3 = _mm256_mul_pd(x2, x), x3l = _mm256_fmadd_pd(x2l, x, _mm256_fmsub_pd(x2, x, x3));
    __m256d t = _mm256_mul_pd(c, x3), tl = _mm256_fmadd_pd(c, x3l, _mm256_fmsub_pd(c, x3, t));
    __m256d p = _mm256_add_pd(x, t), bp = _mm256_sub_pd(p, x);
    __m256d pl = _mm256_add_pd(
        _mm256_add_pd(_mm256_sub_pd(x, _mm256_sub_pd(p, bp)), _mm256_sub_pd(t, bp)), tl);
    __m256d k = vset(2.0 * GT_S), kl = vset(2.0 * GT_S_LO);
    *v = _mm256_mul_pd(k, p);
    *vl = _mm256_add_pd(_mm256_add_pd(_mm256_fmsub_pd(k, p, *v), _mm256_mul_pd(k, pl)),
                        _mm256_mul_pd(kl, p));
}

/* lanes the reference takes: |x| > 1e4 (and +-Inf) and v < -700 (subnormal) */
static inline __m256d v_gelu_tanh_odd(__m256d x, __m256d v)
{
    return _mm256_or_pd(_mm256_cmp_pd(vabs(x), vset(1e4), _CMP_GT_OQ),
                        _mm256_cmp_pd(v, vset(-700.0), _CMP_LT_OQ));
}

static __m256d k_gelu_tanh_f(__m256d x, const struct vp *p)
{
    __m256d v, vl;
    v_gelu_tanh_arg(x, &v, &vl);
    __m256d e = v_exp(vnabs(v));
    __m256d num = vsel(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GE_OQ), vset(1.0), e);
    __m256d sg = _mm256_div_pd(num, _mm256_add_pd(vset(1.0), e));
    __m256d r = _mm256_mul_pd(x, _mm256_fmadd_pd(v_e_over_1pe_sq(e), vl, sg));
    return scalar_lanes(r, x, v_gelu_tanh_odd(x, v), p, 0);
}

static __m256d k_gelu_tanh_df(__m256d x, const struct vp *p)
{
    __m256d v, vl, one = vset(1.0);
    v_gelu_tanh_arg(x, &v, &vl);
    __m256d dv = _mm256_mul_pd(vset(2.0 * GT_S),
                               _mm256_fmadd_pd(vset(3.0 * GT_C), _mm256_mul_pd(x, x), one));
    __m256d e = v_exp(vnabs(v));
    __m256d num = vsel(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GE_OQ), one, e);
    __m256d sg = _mm256_div_pd(num, _mm256_add_pd(one, e));
    __m256d sd = v_e_over_1pe_sq(e);
    __m256d S = _mm256_fmadd_pd(sd, vl, sg);
    __m256d SD = _mm256_mul_pd(sd, _mm256_fmadd_pd(vl, _mm256_fnmadd_pd(vset(2.0), sg, one), one));
    __m256d r = _mm256_fmadd_pd(_mm256_mul_pd(x, dv), SD, S);
    /* and the window around the root at -0.75 where the terms cancel */
    __m256d root = _mm256_and_pd(_mm256_cmp_pd(x, vset(-2.5), _CMP_GT_OQ),
                                 _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ));
    return scalar_lanes(r, x, _mm256_or_pd(v_gelu_tanh_odd(x, v), root), p, 1);
}

/* ---- sin, cos (SLEEF's 1-ulp versions, full argument reduction) and the
 * exact kinds ---- */

static __m256d k_sin(__m256d x, const struct vp *p)
{
    (void)p;
    return Sleef_sind4_u10avx2(x);
}

static __m256d k_cos(__m256d x, const struct vp *p)
{
    (void)p;
    return Sleef_cosd4_u10avx2(x);
}

static __m256d k_neg_sin(__m256d x, const struct vp *p)
{
    (void)p;
    return _mm256_xor_pd(Sleef_sind4_u10avx2(x), vset(-0.0));
}

static __m256d k_abs_f(__m256d x, const struct vp *p)
{
    (void)p;
    return vabs(x);
}

/* sign(x), 0 at +-0, NaN for NaN */
static __m256d k_abs_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d z = _mm256_setzero_pd();
    __m256d s = _mm256_or_pd(_mm256_and_pd(_mm256_cmp_pd(x, z, _CMP_GT_OQ), vset(1.0)),
                             _mm256_and_pd(_mm256_cmp_pd(x, z, _CMP_LT_OQ), vset(-1.0)));
    return vsel(is_nan(x), x, s);
}

static __m256d k_square_f(__m256d x, const struct vp *p)
{
    (void)p;
    return _mm256_mul_pd(x, x);
}

static __m256d k_square_df(__m256d x, const struct vp *p)
{
    (void)p;
    return _mm256_add_pd(x, x);
}

/* Mish forward, the reference's formula: x tanh(softplus x) with tanh(sp) =
 * n/(n + 2), n = e(e + 2), e = e^x for x <= 0, and (1 + 2e)/(1 + 2e + 2e^2),
 * e = e^-x, for x > 0; x < -700 (subnormal) and +-Inf go to the reference.
 * (Its derivative stays scalar: it needs long double on (-6, -0.5).) */
static __m256d k_mish_f(__m256d x, const struct vp *p)
{
    __m256d one = vset(1.0), two = vset(2.0);
    __m256d e = v_exp(vnabs(x));
    __m256d n = _mm256_mul_pd(e, _mm256_add_pd(e, two));
    __m256d e2 = _mm256_mul_pd(two, e);
    __m256d num =
        vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LE_OQ), n, _mm256_add_pd(one, e2));
    __m256d den = vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LE_OQ), _mm256_add_pd(n, two),
                       _mm256_fmadd_pd(e2, e, _mm256_add_pd(one, e2)));
    __m256d r = _mm256_mul_pd(x, _mm256_div_pd(num, den));
    __m256d odd = _mm256_or_pd(_mm256_cmp_pd(x, vset(-700.0), _CMP_LT_OQ),
                               _mm256_cmp_pd(vabs(x), vset(INFINITY), _CMP_EQ_OQ));
    return scalar_lanes(r, x, odd, p, 0);
}

/* ---- drivers ---- */

static inline __attribute__((always_inline)) void run_unary(vkernel k, const struct vp *p, size_t n,
                                                            const double *x, double *y)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(y + i, k(_mm256_loadu_pd(x + i), p));
    if (i < n) {
        double tx[4] = {0.0, 0.0, 0.0, 0.0}, ty[4];
        memcpy(tx, x + i, (n - i) * sizeof(double));
        _mm256_storeu_pd(ty, k(_mm256_loadu_pd(tx), p));
        memcpy(y + i, ty, (n - i) * sizeof(double));
    }
}

/* dx = dy * f'(x): the same product the scalar path forms */
static inline __attribute__((always_inline)) void
run_backward(vkernel k, const struct vp *p, size_t n, const double *x, const double *dy, double *dx)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d d = k(_mm256_loadu_pd(x + i), p);
        _mm256_storeu_pd(dx + i, _mm256_mul_pd(_mm256_loadu_pd(dy + i), d));
    }
    if (i < n) {
        double tx[4] = {0.0, 0.0, 0.0, 0.0}, tg[4] = {0.0, 0.0, 0.0, 0.0}, td[4];
        memcpy(tx, x + i, (n - i) * sizeof(double));
        memcpy(tg, dy + i, (n - i) * sizeof(double));
        __m256d d = k(_mm256_loadu_pd(tx), p);
        _mm256_storeu_pd(td, _mm256_mul_pd(_mm256_loadu_pd(tg), d));
        memcpy(dx + i, td, (n - i) * sizeof(double));
    }
}

/* mode 0: y = f(x); 1: y = f'(x); 2: dx = dy f'(x). Inlined into each case
 * with constant kernels, so every kind gets its own specialised loop. */
static inline __attribute__((always_inline)) int run(vkernel f, vkernel df, const struct vp *p,
                                                     int mode, size_t n, const double *x,
                                                     const double *dy, double *out)
{
    if (mode == 0)
        run_unary(f, p, n, x, out);
    else if (mode == 1)
        run_unary(df, p, n, x, out);
    else
        run_backward(df, p, n, x, dy, out);
    return 1;
}

/* One line per kind that has vector kernels; the kinds without return 0 and
 * take the scalar reference (act_ref.c), so a new kind (act_kinds.h) needs no
 * line here until it gets an AVX2 kernel. */
int nnact__act_avx2(nnact_act_kind k, double a, int mode, size_t n, const double *x,
                    const double *dy, double *out)
{
    const struct vp p = {k, a};
    switch (k) {
    case NNACT_ACT_IDENTITY:
        return run(k_identity_f, k_identity_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_RELU:
        return run(k_relu_f, k_relu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_LEAKY_RELU:
        return run(k_leaky_f, k_leaky_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_RELU6:
        return run(k_relu6_f, k_relu6_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_HARD_TANH:
        return run(k_hardtanh_f, k_hardtanh_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SIGMOID:
        return run(k_sigmoid_f, k_sigmoid_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_TANH:
        return run(k_tanh_f, k_tanh_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SILU:
        return run(k_silu_f, k_silu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_GELU:
        return run(k_gelu_f, k_gelu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SOFTPLUS:
        return run(k_softplus_f, k_softplus_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_LOG_SIGMOID:
        return run(k_log_sigmoid_f, k_log_sigmoid_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_ELU:
        return run(k_elu_f, k_elu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SELU:
        return run(k_selu_f, k_selu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_CELU:
        return run(k_celu_f, k_celu_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SOFTSIGN:
        return run(k_softsign_f, k_softsign_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_HARD_SIGMOID:
        return run(k_hard_sigmoid_f, k_hard_sigmoid_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_HARD_SWISH:
        return run(k_hard_swish_f, k_hard_swish_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SOFTSHRINK:
        return run(k_softshrink_f, k_shrink_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_HARDSHRINK:
        return run(k_hardshrink_f, k_shrink_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_GAUSSIAN:
        return run(k_gaussian_f, k_gaussian_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_GELU_TANH:
        return run(k_gelu_tanh_f, k_gelu_tanh_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SINUSOID:
        return run(k_sin, k_cos, &p, mode, n, x, dy, out);
    case NNACT_ACT_MISH: /* forward only; the derivative takes the scalar path */
        return mode == 0 ? run(k_mish_f, k_mish_f, &p, mode, n, x, dy, out) : 0;
    case NNACT_ACT_COS:
        return run(k_cos, k_neg_sin, &p, mode, n, x, dy, out);
    case NNACT_ACT_ABS:
        return run(k_abs_f, k_abs_df, &p, mode, n, x, dy, out);
    case NNACT_ACT_SQUARE:
        return run(k_square_f, k_square_df, &p, mode, n, x, dy, out);
    default:
        return 0;
    }
}
