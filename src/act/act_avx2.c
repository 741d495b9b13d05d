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

/* Lanes set in `mask` are recomputed by the scalar reference (f or f'). */
static __m256d scalar_lanes(__m256d r, __m256d x, __m256d mask, const struct vp *p, int deriv)
{
    int m = _mm256_movemask_pd(mask);
    if (m == 0) return r;
    double xs[4], rs[4];
    _mm256_storeu_pd(xs, x);
    _mm256_storeu_pd(rs, r);
    for (int l = 0; l < 4; l++)
        if (m & (1 << l))
            rs[l] =
                deriv ? nnact__act_ref_df(p->k, p->a, xs[l]) : nnact__act_ref_f(p->k, p->a, xs[l]);
    return _mm256_loadu_pd(rs);
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
    __m256d e = Sleef_expd4_u10avx2(vnabs(x));
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
    return v_e_over_1pe_sq(Sleef_expd4_u10avx2(vnabs(x)));
}

static __m256d k_tanh_f(__m256d x, const struct vp *p)
{
    (void)p;
    return Sleef_tanhd4_u10avx2(x);
}

static __m256d k_tanh_df(__m256d x, const struct vp *p)
{
    (void)p;
    __m256d d = _mm256_mul_pd(
        vset(4.0), v_e_over_1pe_sq(Sleef_expd4_u10avx2(_mm256_mul_pd(vset(-2.0), vabs(x)))));
    return vsel(is_nan(x), x, d);
}

static __m256d k_silu_f(__m256d x, const struct vp *p)
{
    __m256d r = _mm256_mul_pd(x, v_sigmoid(x));
    /* x < -700 (subnormal results) and +-Inf: the reference */
    __m256d odd = _mm256_or_pd(_mm256_cmp_pd(x, vset(-700.0), _CMP_LT_OQ),
                               _mm256_cmp_pd(vabs(x), vset(INFINITY), _CMP_EQ_OQ));
    return scalar_lanes(r, x, odd, p, 0);
}

static __m256d k_silu_df(__m256d x, const struct vp *p)
{
    __m256d one = vset(1.0), e = Sleef_expd4_u10avx2(vnabs(x));
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
    __m256d e = Sleef_expd4_u10avx2(_mm256_mul_pd(vset(-0.5), h));
    __m256d g = _mm256_fnmadd_pd(e, _mm256_mul_pd(vset(0.5), l), e);
    return _mm256_andnot_pd(_mm256_cmp_pd(h, vset(1520.0), _CMP_GT_OQ), g);
}

/* erfc(-x/sqrt2) with the first-order correction for the rounding of -x/sqrt2 */
static inline __m256d v_erfc_arg(__m256d x)
{
    __m256d xx = _mm256_xor_pd(x, vset(-0.0));
    __m256d z = _mm256_mul_pd(xx, vset(SQRT1_2));
    __m256d dz =
        _mm256_add_pd(_mm256_fmsub_pd(xx, vset(SQRT1_2), z), _mm256_mul_pd(xx, vset(SQRT1_2_LO)));
    __m256d e = Sleef_erfcd4_u15avx2(z);
    return _mm256_fnmadd_pd(_mm256_mul_pd(dz, vset(TWO_OVER_SQRTPI)), v_gauss_half(x), e);
}

static __m256d k_gelu_f(__m256d x, const struct vp *p)
{
    __m256d r = _mm256_mul_pd(x, _mm256_mul_pd(vset(0.5), v_erfc_arg(x)));
    /* the far left tail (series), +-Inf and NaN go to the reference */
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(x, vset(-37.5), _CMP_GE_OQ),
                               _mm256_cmp_pd(x, vset(INFINITY), _CMP_LT_OQ));
    return scalar_lanes(r, x, _mm256_xor_pd(ok, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))), p, 0);
}

static __m256d k_gelu_df(__m256d x, const struct vp *p)
{
    __m256d phi = _mm256_mul_pd(vset(INV_SQRT_2PI), v_gauss_half(x));
    __m256d r = _mm256_fmadd_pd(x, phi, _mm256_mul_pd(vset(0.5), v_erfc_arg(x)));
    /* the reference also takes the neighbourhood of the root at -0.75, where
     * Phi and x phi cancel */
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(x, vset(-37.5), _CMP_GE_OQ),
                               _mm256_cmp_pd(x, vset(INFINITY), _CMP_LT_OQ));
    __m256d root = _mm256_and_pd(_mm256_cmp_pd(x, vset(-1.6), _CMP_GT_OQ),
                                 _mm256_cmp_pd(x, vset(-0.45), _CMP_LT_OQ));
    __m256d odd =
        _mm256_or_pd(_mm256_xor_pd(ok, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))), root);
    return scalar_lanes(r, x, odd, p, 1);
}

/* log(1 + e^(beta x)) / beta = max(x, 0) + log1p(e^-|beta x|) / beta */
static __m256d k_softplus_f(__m256d x, const struct vp *p)
{
    __m256d z = _mm256_mul_pd(vset(p->a), x);
    __m256d t = Sleef_log1pd4_u10avx2(Sleef_expd4_u10avx2(vnabs(z)));
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
    __m256d t = Sleef_log1pd4_u10avx2(Sleef_expd4_u10avx2(vnabs(x)));
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
    __m256d neg = _mm256_mul_pd(vset(p->a), Sleef_expd4_u10avx2(x));
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
    __m256d neg = v_selu_sa(Sleef_expd4_u10avx2(x));
    return vsel(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ), vset(SELU_SCALE), neg);
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
    default:
        return 0;
    }
}
