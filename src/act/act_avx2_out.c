/* AVX2 kernels of the derivatives taken from the output, dx = dy f'(y), and
 * the network backward's fused pass over a block of dL/dZ (derivative, column
 * sums for db, max |dZ|). Built like act_avx2.c (-mavx2 -mfma, no
 * -march=native, src/act/CMakeLists.txt) and called only after the run-time
 * CPU check (act_kernels.c).
 *
 * Same bits as the scalar reference (act_ref.c, ref_dfy_<id>) for every kind
 * whose f'(y) is a few correctly rounded operations: the vector code does the
 * same operations in the same order (the build has -ffp-contract=off, and the
 * intrinsics below never fuse a multiply and an add). Softplus and
 * log-sigmoid need expm1: SLEEF's 1-ulp expm1 against the C library's, so f'
 * is within 2 ulp of the reference and dx within 3 (tests/test_act_fromout.c).
 *
 * The fused pass keeps the scalar order of every sum: column j of db is
 * dZ[0][j] + dZ[1][j] + ... in row order whatever the blocking, so db has the
 * bits of the row-by-row loop it replaces. */
#include <immintrin.h>
#include <math.h>

#include <sleef.h>

#include "act/act_internal.h"

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

static inline __m256d vset(double v)
{
    return _mm256_set1_pd(v);
}

/* 1.0 where mask, else 0.0 */
static inline __m256d one_if(__m256d mask)
{
    return _mm256_and_pd(mask, vset(1.0));
}

static inline __m256d gt0(__m256d y)
{
    return _mm256_cmp_pd(y, _mm256_setzero_pd(), _CMP_GT_OQ);
}

/* f'(y) for kind k (a constant after inlining), a the parameter (SELU: the
   product SELU_SCALE * SELU_ALPHA the reference adds). NaN y gives y, as the
   reference's dispatch does. */
static inline __attribute__((always_inline)) __m256d dfy(nnact_act_kind k, __m256d a, __m256d y)
{
    const __m256d one = vset(1.0);
    __m256d d;
    switch (k) {
    case NNACT_ACT_SIGMOID:
        d = _mm256_mul_pd(y, _mm256_sub_pd(one, y));
        break;
    case NNACT_ACT_TANH:
        d = _mm256_mul_pd(_mm256_sub_pd(one, y), _mm256_add_pd(one, y));
        break;
    case NNACT_ACT_RELU:
        d = one_if(gt0(y));
        break;
    case NNACT_ACT_LEAKY_RELU:
        d = _mm256_blendv_pd(a, one, gt0(y));
        break;
    case NNACT_ACT_ELU:
        d = _mm256_blendv_pd(_mm256_add_pd(y, a), one, gt0(y));
        break;
    case NNACT_ACT_SELU:
        d = _mm256_blendv_pd(_mm256_add_pd(y, a), vset(SELU_SCALE), gt0(y));
        break;
    case NNACT_ACT_CELU:
        d = _mm256_blendv_pd(_mm256_add_pd(_mm256_div_pd(y, a), one), one, gt0(y));
        break;
    case NNACT_ACT_SOFTPLUS: /* -expm1(-a y) */
        d = _mm256_xor_pd(vset(-0.0),
                          Sleef_expm1d4_u10avx2(_mm256_mul_pd(_mm256_xor_pd(vset(-0.0), a), y)));
        break;
    case NNACT_ACT_SOFTSIGN: {
        const __m256d r = _mm256_sub_pd(one, _mm256_andnot_pd(vset(-0.0), y));
        d = _mm256_mul_pd(r, r);
        break;
    }
    case NNACT_ACT_HARD_TANH:
        d = one_if(_mm256_and_pd(_mm256_cmp_pd(y, vset(-1.0), _CMP_GT_OQ),
                                 _mm256_cmp_pd(y, one, _CMP_LT_OQ)));
        break;
    case NNACT_ACT_RELU6:
        d = one_if(_mm256_and_pd(gt0(y), _mm256_cmp_pd(y, vset(6.0), _CMP_LT_OQ)));
        break;
    case NNACT_ACT_LOG_SIGMOID: /* -expm1(y) */
        d = _mm256_xor_pd(vset(-0.0), Sleef_expm1d4_u10avx2(y));
        break;
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK:
        d = one_if(_mm256_cmp_pd(y, _mm256_setzero_pd(), _CMP_NEQ_OQ));
        break;
    default: /* identity */
        d = one;
        break;
    }
    return _mm256_blendv_pd(d, y, _mm256_cmp_pd(y, y, _CMP_UNORD_Q));
}

/* The parameter as dfy reads it. */
static double vector_param(nnact_act_kind k, double a)
{
    return k == NNACT_ACT_SELU ? SELU_SCALE * SELU_ALPHA : a;
}

/* Lanes [0, m) of a 4-lane mask, m in 1..3. */
static inline __m256i tail_mask(size_t m)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)m), _mm256_setr_epi64x(0, 1, 2, 3));
}

static inline __attribute__((always_inline)) void
out_loop(nnact_act_kind k, double alpha, size_t n, const double *y, const double *dy, double *dx)
{
    const __m256d a = vset(vector_param(k, alpha));
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(dx + i,
                         _mm256_mul_pd(_mm256_loadu_pd(dy + i), dfy(k, a, _mm256_loadu_pd(y + i))));
    if (i < n) { /* masked lanes load as 0 and are never stored */
        const __m256i m = tail_mask(n - i);
        const __m256d v =
            _mm256_mul_pd(_mm256_maskload_pd(dy + i, m), dfy(k, a, _mm256_maskload_pd(y + i, m)));
        _mm256_maskstore_pd(dx + i, m, v);
    }
}

/* One loop per kind, so dfy's switch folds away: the kinds with FROM_Y in
 * act_kinds.h (leaky ReLU and ELU: at alpha >= 0, the caller checks). */
/* clang-format off */
#define FROM_Y_KINDS(X)                                                                            \
    X(IDENTITY)                                                                                    \
    X(SIGMOID)                                                                                     \
    X(TANH)                                                                                        \
    X(RELU)                                                                                        \
    X(LEAKY_RELU)                                                                                  \
    X(ELU)                                                                                         \
    X(SELU)                                                                                        \
    X(CELU)                                                                                        \
    X(SOFTPLUS)                                                                                    \
    X(SOFTSIGN)                                                                                    \
    X(HARD_TANH)                                                                                   \
    X(RELU6)                                                                                       \
    X(LOG_SIGMOID)                                                                                 \
    X(SOFTSHRINK)                                                                                  \
    X(HARDSHRINK)
/* clang-format on */

int nnact__act_avx2_from_output(nnact_act_kind k, double alpha, size_t n, const double *y,
                                const double *dy, double *dx)
{
    switch (k) {
#define OUT_CASE(E)                                                                                \
    case NNACT_ACT_##E:                                                                            \
        out_loop(NNACT_ACT_##E, alpha, n, y, dy, dx);                                              \
        return 1;
        FROM_Y_KINDS(OUT_CASE)
#undef OUT_CASE
    default:
        return 0;
    }
}

/* ---- the network backward's fused pass ---------------------------------- */

/* Running state of the pass: max |dZ| per lane, and an all-ones lane once a
   NaN was seen (max_pd would drop it). */
struct amax {
    __m256d m, nan;
};

static inline void track(struct amax *s, __m256d v)
{
    s->m = _mm256_max_pd(_mm256_andnot_pd(vset(-0.0), v), s->m);
    s->nan = _mm256_or_pd(s->nan, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
}

/* dZ of 4 columns of row r: computed (derive) and stored, or read. */
static inline __attribute__((always_inline)) __m256d dz_at(nnact_act_kind k, int derive, __m256d a,
                                                           const double *y, const double *g,
                                                           double *dz, int masked, __m256i m)
{
    if (!derive) return masked ? _mm256_maskload_pd(dz, m) : _mm256_loadu_pd(dz);
    __m256d v;
    if (masked) {
        v = _mm256_mul_pd(_mm256_maskload_pd(g, m), dfy(k, a, _mm256_maskload_pd(y, m)));
        _mm256_maskstore_pd(dz, m, v);
    } else {
        v = _mm256_mul_pd(_mm256_loadu_pd(g), dfy(k, a, _mm256_loadu_pd(y)));
        _mm256_storeu_pd(dz, v);
    }
    return v;
}

/* Rows [r0, r0 + nr) (nr <= ROWS_AT_ONCE) of 4 columns at j: dZ, their sum into db in
   row order (db starts from row 0's dZ when first), max |dZ|. */
static inline __attribute__((always_inline)) void
col4(nnact_act_kind k, int derive, __m256d a, size_t nr, size_t ld, const double *y,
     const double *g, double *dz, double *db, int first, struct amax *s, int masked, __m256i m)
{
    __m256d acc = _mm256_setzero_pd();
    for (size_t r = 0; r < nr; r++) {
        const __m256d v = dz_at(k, derive, a, derive ? y + r * ld : NULL,
                                derive ? g + r * ld : NULL, dz + r * ld, masked, m);
        track(s, v);
        if (db)
            acc = r == 0
                      ? (first ? v
                               : _mm256_add_pd(
                                     masked ? _mm256_maskload_pd(db, m) : _mm256_loadu_pd(db), v))
                      : _mm256_add_pd(acc, v);
    }
    if (db) {
        if (masked)
            _mm256_maskstore_pd(db, m, acc);
        else
            _mm256_storeu_pd(db, acc);
    }
}

/* Rows per sweep of sums_loop. Keeping db in registers over 4 rows (one
   load and store of db per 4 rows) measured slower than 1 row per sweep, by
   a third of the pass at width 512 (rows 4 KiB apart alias in L1 and in the
   store-to-load check) and by a quarter at width 64 (perf, 1 thread): db's
   load and store hit L1 and cost less than the aliasing. */
#define ROWS_AT_ONCE 1

static inline __attribute__((always_inline)) void
sums_loop(nnact_act_kind k, int derive, double alpha, size_t rows, size_t cols, size_t ld,
          const double *y, const double *g, double *dz, double *db, int init, double *amax)
{
    const __m256d a = vset(vector_param(k, alpha));
    struct amax s = {vset(*amax), _mm256_cmp_pd(vset(*amax), vset(*amax), _CMP_UNORD_Q)};
    const size_t full = cols & ~(size_t)3;
    const __m256i m = tail_mask(cols - full == 0 ? 1 : cols - full);
    /* ROWS_AT_ONCE rows per sweep of the columns, db in L1 between sweeps;
       every column still sums in row order */
    for (size_t r0 = 0; r0 < rows; r0 += ROWS_AT_ONCE) {
        const size_t nr = rows - r0 < ROWS_AT_ONCE ? rows - r0 : ROWS_AT_ONCE, at = r0 * ld;
        const int first = init && r0 == 0;
        const double *yr = derive ? y + at : NULL, *gr = derive ? g + at : NULL;
        size_t j = 0;
        for (; j < full; j += 4)
            col4(k, derive, a, nr, ld, derive ? yr + j : NULL, derive ? gr + j : NULL, dz + at + j,
                 db ? db + j : NULL, first, &s, 0, m);
        if (j < cols)
            col4(k, derive, a, nr, ld, derive ? yr + j : NULL, derive ? gr + j : NULL, dz + at + j,
                 db ? db + j : NULL, first, &s, 1, m);
    }
    double lane[4], nan[4];
    _mm256_storeu_pd(lane, s.m);
    _mm256_storeu_pd(nan, s.nan);
    double r = lane[0];
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        r = lane[i] > r ? lane[i] : r;
        bad |= nan[i] != 0.0;
    }
    *amax = bad ? NAN : r;
}

int nnact__act_avx2_backward_sums(nnact_act_kind k, double alpha, size_t rows, size_t cols,
                                  size_t ld, const double *y, const double *g, double *dz,
                                  double *db, int init, double *amax)
{
    if (y == NULL) {
        sums_loop(NNACT_ACT_IDENTITY, 0, alpha, rows, cols, ld, NULL, NULL, dz, db, init, amax);
        return 1;
    }
    switch (k) {
#define SUMS_CASE(E)                                                                               \
    case NNACT_ACT_##E:                                                                            \
        sums_loop(NNACT_ACT_##E, 1, alpha, rows, cols, ld, y, g, dz, db, init, amax);              \
        return 1;
        FROM_Y_KINDS(SUMS_CASE)
#undef SUMS_CASE
    default:
        return 0;
    }
}
