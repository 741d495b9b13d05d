/* The optimizers' update rules on AVX2, four parameters at a time. Built with
 * -mavx2 only (src/optim/CMakeLists.txt; no FMA, and -ffp-contract=off from
 * -std=c11): every operation below is the scalar rule's (optim.c,
 * rule_segment) in the same order, and the vector add, multiply, divide and
 * square root round exactly as the scalar ones, so the results have the same
 * bits as the portable path (tests/test_optim_vec.c checks it). Called only
 * after the run-time CPU check, for the committing run (the dry run of a
 * checked step stays scalar: it is the rare path). */
#include <float.h>
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "optim/optim_internal.h"

static inline __m256d vset(double v)
{
    return _mm256_set1_pd(v);
}

static inline __m256d vsel(__m256d mask, __m256d yes, __m256d no)
{
    return _mm256_blendv_pd(no, yes, mask);
}

/* clipped(): clamp to [-cv, cv] when cv > 0 (NaN stays), then times scale */
static inline __m256d vclip(__m256d g, const struct nnact__opt_vec *v)
{
    if (v->cv > 0.0) {
        const __m256d cv = vset(v->cv), ncv = vset(-v->cv);
        g = vsel(_mm256_cmp_pd(g, cv, _CMP_GT_OQ), cv,
                 vsel(_mm256_cmp_pd(g, ncv, _CMP_LT_OQ), ncv, g));
    }
    return _mm256_mul_pd(g, vset(v->scale));
}

/* safe_div(): a / b, and 0 where b is not > 0 and a == 0 */
static inline __m256d vsafe_div(__m256d a, __m256d b)
{
    const __m256d zero = _mm256_setzero_pd();
    const __m256d z =
        _mm256_andnot_pd(_mm256_cmp_pd(b, zero, _CMP_GT_OQ), _mm256_cmp_pd(a, zero, _CMP_EQ_OQ));
    return _mm256_andnot_pd(z, _mm256_div_pd(a, b));
}

/* KEEP_MAX(): m = |x| where |x| > m or x is NaN; a NaN m stays */
static inline __m256d vkeep(__m256d m, __m256d x)
{
    const __m256d ax = _mm256_andnot_pd(vset(-0.0), x);
    const __m256d c =
        _mm256_or_pd(_mm256_cmp_pd(ax, m, _CMP_GT_OQ), _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
    return vsel(c, ax, m);
}

/* The lanes' maxima into one value by the same rule (the order does not
   matter: a maximum is exact, and a NaN in any lane wins). */
static double hkeep(__m256d m)
{
    double l[4];
    _mm256_storeu_pd(l, m);
    double r = 0.0;
    for (int i = 0; i < 4; i++)
        r = (l[i] > r || l[i] != l[i]) ? l[i] : r;
    return r;
}

static inline __m256d vld(const double *p)
{
    return _mm256_loadu_pd(p);
}

static inline void vst(double *p, __m256d x)
{
    _mm256_storeu_pd(p, x);
}

/* d with L2 weight decay folded in (coupled: d + wd p) */
static inline __m256d grad_of(const struct nnact__opt_vec *v, const double *g, __m256d p)
{
    __m256d d = vclip(vld(g), v);
    if (v->wd != 0.0 && !v->decoupled) d = _mm256_add_pd(d, _mm256_mul_pd(vset(v->wd), p));
    return d;
}

static void adam(const struct nnact__opt_vec *v, size_t n, double *p, const double *g, double *s0,
                 double *s1, double *s2, __m256d mx[3])
{
    const __m256d b1 = vset(v->b1), b2 = vset(v->b2), c1 = vset(1.0 - v->b1),
                  c2 = vset(1.0 - v->b2), bc2s = vset(v->bc2_sqrt), eps = vset(v->eps),
                  nss = vset(-v->step_size), decay = vset(v->decay);
    for (size_t i = 0; i < n; i += 4) {
        __m256d pi = vld(p + i);
        if (v->decoupled) pi = _mm256_mul_pd(pi, decay);
        const __m256d d = grad_of(v, g + i, pi);
        const __m256d m = _mm256_add_pd(_mm256_mul_pd(vld(s0 + i), b1), _mm256_mul_pd(c1, d));
        __m256d q =
            _mm256_add_pd(_mm256_mul_pd(vld(s1 + i), b2), _mm256_mul_pd(_mm256_mul_pd(c2, d), d));
        mx[0] = vkeep(mx[0], m), mx[1] = vkeep(mx[1], q);
        vst(s0 + i, m), vst(s1 + i, q);
        if (v->amsgrad) {
            q = _mm256_max_pd(vld(s2 + i), q);
            mx[2] = vkeep(mx[2], q);
            vst(s2 + i, q);
        }
        const __m256d denom = _mm256_add_pd(_mm256_div_pd(_mm256_sqrt_pd(q), bc2s), eps);
        vst(p + i, _mm256_add_pd(pi, vsafe_div(_mm256_mul_pd(nss, m), denom)));
    }
}

static void rmsprop(const struct nnact__opt_vec *v, size_t n, double *p, const double *g,
                    double *s0, double *s1, double *s2, __m256d mx[3])
{
    const __m256d al = vset(v->b1), c = vset(1.0 - v->b1), eps = vset(v->eps), mu = vset(v->mu),
                  nlr = vset(-v->lr), zero = _mm256_setzero_pd();
    for (size_t i = 0; i < n; i += 4) {
        const __m256d pi = vld(p + i);
        const __m256d d = grad_of(v, g + i, pi);
        const __m256d sq =
            _mm256_add_pd(_mm256_mul_pd(vld(s0 + i), al), _mm256_mul_pd(_mm256_mul_pd(c, d), d));
        __m256d avg;
        if (v->centered) {
            const __m256d ga = _mm256_add_pd(_mm256_mul_pd(vld(s1 + i), al), _mm256_mul_pd(c, d));
            mx[1] = vkeep(mx[1], ga);
            vst(s1 + i, ga);
            const __m256d var = _mm256_add_pd(sq, _mm256_mul_pd(_mm256_mul_pd(vset(-1.0), ga), ga));
            avg = _mm256_sqrt_pd(_mm256_and_pd(var, _mm256_cmp_pd(var, zero, _CMP_GT_OQ)));
        } else {
            avg = _mm256_sqrt_pd(sq);
        }
        avg = _mm256_add_pd(avg, eps);
        __m256d pn;
        if (v->mu > 0.0) {
            const __m256d buf = _mm256_add_pd(_mm256_mul_pd(vld(s2 + i), mu), vsafe_div(d, avg));
            mx[2] = vkeep(mx[2], buf);
            vst(s2 + i, buf);
            pn = _mm256_add_pd(pi, _mm256_mul_pd(nlr, buf));
        } else {
            pn = _mm256_add_pd(pi, vsafe_div(_mm256_mul_pd(nlr, d), avg));
        }
        mx[0] = vkeep(mx[0], sq);
        vst(s0 + i, sq), vst(p + i, pn);
    }
}

static void adagrad(const struct nnact__opt_vec *v, size_t n, double *p, const double *g,
                    double *s0, __m256d mx[3])
{
    const __m256d nclr = vset(-v->lr), eps = vset(v->eps);
    for (size_t i = 0; i < n; i += 4) {
        const __m256d pi = vld(p + i);
        const __m256d d = grad_of(v, g + i, pi);
        const __m256d sn = _mm256_add_pd(vld(s0 + i), _mm256_mul_pd(d, d));
        const __m256d sd = _mm256_add_pd(_mm256_sqrt_pd(sn), eps);
        mx[0] = vkeep(mx[0], sn);
        vst(s0 + i, sn);
        vst(p + i, _mm256_add_pd(pi, vsafe_div(_mm256_mul_pd(nclr, d), sd)));
    }
}

static void momentum(const struct nnact__opt_vec *v, size_t n, double *p, const double *g,
                     double *s0, __m256d mx[3])
{
    const __m256d mu = vset(v->mu), c = vset(1.0 - v->damp), nlr = vset(-v->lr);
    for (size_t i = 0; i < n; i += 4) {
        const __m256d pi = vld(p + i);
        __m256d d = grad_of(v, g + i, pi);
        if (v->mu != 0.0) {
            const __m256d b =
                v->first ? d : _mm256_add_pd(_mm256_mul_pd(vld(s0 + i), mu), _mm256_mul_pd(c, d));
            mx[0] = vkeep(mx[0], b);
            vst(s0 + i, b);
            d = v->nesterov ? _mm256_add_pd(d, _mm256_mul_pd(mu, b)) : b;
        }
        vst(p + i, _mm256_add_pd(pi, _mm256_mul_pd(nlr, d)));
    }
}

size_t nnact__opt_avx2_update(const struct nnact__opt_vec *v, size_t n, double *p, const double *g,
                              double *s0, double *s1, double *s2, double mx[3])
{
    n &= ~(size_t)3; /* whole vectors; the caller finishes the tail */
    if (n == 0) return 0;
    __m256d m[3];
    for (int k = 0; k < 3; k++)
        m[k] = vset(mx[k]);
    switch (v->rule) {
    case NNACT__OPT_RULE_ADAM:
        adam(v, n, p, g, s0, s1, s2, m);
        break;
    case NNACT__OPT_RULE_RMSPROP:
        rmsprop(v, n, p, g, s0, s1, s2, m);
        break;
    case NNACT__OPT_RULE_ADAGRAD:
        adagrad(v, n, p, g, s0, m);
        break;
    case NNACT__OPT_RULE_MOMENTUM:
        momentum(v, n, p, g, s0, m);
        break;
    default: /* SGD: momentum's rule without a buffer */
        momentum(v, n, p, g, NULL, m);
        break;
    }
    for (int k = 0; k < 3; k++)
        mx[k] = hkeep(m[k]);
    return n;
}

double nnact__opt_avx2_max_abs(size_t n, const double *x, int *bad)
{
    /* four accumulators (the adds of one would wait on each other); a lane
       turns bad where |x| is not <= DBL_MAX: NaN or infinite */
    const __m256d sign = vset(-0.0), big = vset(DBL_MAX);
    __m256d m[4], b[4];
    for (int k = 0; k < 4; k++)
        m[k] = b[k] = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 4; k++) {
            const __m256d a = _mm256_andnot_pd(sign, vld(x + i + 4 * (size_t)k));
            m[k] = _mm256_max_pd(a, m[k]);
            b[k] = _mm256_or_pd(b[k], _mm256_cmp_pd(a, big, _CMP_NLE_UQ));
        }
    for (int k = 1; k < 4; k++)
        m[0] = _mm256_max_pd(m[k], m[0]), b[0] = _mm256_or_pd(b[k], b[0]);
    double l[4], f[4];
    _mm256_storeu_pd(l, m[0]);
    _mm256_storeu_pd(f, b[0]);
    double r = 0.0;
    int any = 0;
    for (int k = 0; k < 4; k++) {
        r = l[k] > r ? l[k] : r;
        any |= f[k] != 0.0;
    }
    for (; i < n; i++) { /* the tail as the scalar loop */
        const double a = fabs(x[i]);
        r = a > r ? a : r;
        any |= !(a <= DBL_MAX);
    }
    *bad = any;
    return r;
}
