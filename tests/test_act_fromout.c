/* The derivatives from the output, dx = dy f'(y), on every path the CPU has:
 * the per-kind scalar loop and the AVX2 kernels against the per-element
 * reference (dy * nnact__act_ref_df_from_y), for every kind that has one,
 * over special values, odd lengths and misaligned pointers; and the
 * network backward's fused pass (derivative, column sums, max |dZ|) against
 * the plain row-by-row loop. Bits must match, except softplus and
 * log-sigmoid on AVX2 (SLEEF's expm1 against the C library's: within 3 ulp,
 * act_avx2_out.c). The portable run (NNACT_CPU_MASK=0) checks the scalar
 * paths alone. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "act/act_internal.h"
#include "core/cpu.h"
#include "nnact/nnact.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_BUILD 1 /* act_avx2_out.c is built (src/act/CMakeLists.txt) */
#else
#define HAVE_AVX2_BUILD 0
#endif

enum { N = 1003 }; /* odd: every tail length of a 4-lane loop shows up across the offsets */

static int avx2(void)
{
    return HAVE_AVX2_BUILD && (nnact__cpu_flags() & NNACT_CPU_AVX2_FMA);
}

static uint64_t bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Distance in units in the last place (same sign; else a large number). */
static uint64_t ulps(double a, double b)
{
    if (a == b) return 0;
    if ((a < 0) != (b < 0)) return UINT64_MAX;
    const uint64_t x = bits(fabs(a)), y = bits(fabs(b));
    return x > y ? x - y : y - x;
}

static unsigned long long seed = 88172645463325252ULL;

static double uniform(double lo, double hi)
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return lo + (hi - lo) * (double)(seed >> 11) * 0x1p-53;
}

static const double specials[] = {
    0.0,      -0.0,    1.0,         -1.0,         6.0,         -6.0,         0.5,         -0.5,
    1e-300,   -1e-300, 4.9e-324,    -4.9e-324,    DBL_MAX,     -DBL_MAX,     INFINITY,    -INFINITY,
    NAN,      -NAN,    1 - 0x1p-53, -1 + 0x1p-53, 1 + 0x1p-52, -1 - 0x1p-52, 6 - 0x1p-50, 0x1p-30,
    -0x1p-30, 40.0,    -40.0,       750.0,        -750.0};
#define N_SPECIAL (sizeof specials / sizeof specials[0])

/* y: specials first, then outputs f(x) of random x and raw random values;
   dy: mostly random, with zeros, infinities and NaN among them */
static void fill(nnact_act_kind k, double a, double *y, double *dy)
{
    for (size_t i = 0; i < N; i++) {
        if (i < N_SPECIAL)
            y[i] = specials[i];
        else if (i % 3)
            y[i] = nnact__act_ref_f(k, a, uniform(-8.0, 8.0));
        else
            y[i] = uniform(-3.0, 3.0);
        const int r = (int)(i % 41);
        dy[i] = r == 7 ? 0.0 : r == 11 ? INFINITY : r == 13 ? NAN : uniform(-2.0, 2.0);
    }
}

/* The parameters to run each kind at: its default and one more. */
static const struct {
    nnact_act_kind k;
    double a;
} cases[] = {
    {NNACT_ACT_IDENTITY, NAN},   {NNACT_ACT_SIGMOID, NAN},    {NNACT_ACT_TANH, NAN},
    {NNACT_ACT_RELU, NAN},       {NNACT_ACT_LEAKY_RELU, NAN}, {NNACT_ACT_LEAKY_RELU, 0.3},
    {NNACT_ACT_LEAKY_RELU, 0.0}, {NNACT_ACT_ELU, NAN},        {NNACT_ACT_ELU, 0.25},
    {NNACT_ACT_SELU, NAN},       {NNACT_ACT_CELU, NAN},       {NNACT_ACT_CELU, 3.0},
    {NNACT_ACT_SOFTPLUS, NAN},   {NNACT_ACT_SOFTPLUS, 2.5},   {NNACT_ACT_SOFTSIGN, NAN},
    {NNACT_ACT_HARD_TANH, NAN},  {NNACT_ACT_RELU6, NAN},      {NNACT_ACT_LOG_SIGMOID, NAN},
    {NNACT_ACT_SOFTSHRINK, NAN}, {NNACT_ACT_SOFTSHRINK, 0.0}, {NNACT_ACT_HARDSHRINK, NAN},
    {NNACT_ACT_HARDSHRINK, 2.0},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static int uses_expm1(nnact_act_kind k)
{
    return k == NNACT_ACT_SOFTPLUS || k == NNACT_ACT_LOG_SIGMOID;
}

/* got against want: the same bits (NaN: any NaN), or within max_ulp */
static void check(const double *got, const double *want, size_t n, uint64_t max_ulp,
                  const char *what, nnact_act_kind k)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i]) && isnan(got[i])) continue;
        const uint64_t d = max_ulp ? ulps(got[i], want[i]) : (bits(got[i]) != bits(want[i]));
        if (d > max_ulp) {
            print_error("%s, %s, element %zu: %.17g, reference %.17g\n", nnact_act_name(k), what, i,
                        got[i], want[i]);
            fail();
        }
    }
}

/* every from-output kind is in the table */
static void cases_cover_every_kind(void **state)
{
    (void)state;
    for (int k = 0; k < NNACT_ACT_KIND_COUNT; k++) {
        int found = 0;
        for (size_t c = 0; c < N_CASES; c++)
            found |= cases[c].k == (nnact_act_kind)k;
        assert_int_equal(found, nnact_act_supports_from_output((nnact_act_kind)k, NAN));
    }
}

static void kernels_match_reference(void **state)
{
    (void)state;
    double *buf = malloc(6 * (N + 4) * sizeof(double));
    assert_non_null(buf);
    for (size_t c = 0; c < N_CASES; c++) {
        double a;
        assert_int_equal(nnact__act_resolve("test", cases[c].k, cases[c].a, &a), NNACT_OK);
        assert_true(nnact__act_from_output_ok(cases[c].k, a));
        for (size_t off = 0; off < 4; off++) { /* 8-byte steps: every 32-byte misalignment */
            double *y = buf + off, *dy = y + N + 4, *want = dy + N + 4, *got = want + N + 4,
                   *pub = got + N + 4;
            const size_t n = N - off; /* and every tail length */
            fill(cases[c].k, a, y, dy);
            for (size_t i = 0; i < n; i++)
                want[i] = dy[i] * nnact__act_ref_df_from_y(cases[c].k, a, y[i]);
            nnact__act_ref_from_output_array(cases[c].k, a, n, y, dy, got);
            check(got, want, n, 0, "scalar loop", cases[c].k);
            assert_int_equal(nnact_act_backward_from_output(cases[c].k, cases[c].a, n, y, dy, pub),
                             NNACT_OK);
#if HAVE_AVX2_BUILD
            if (avx2()) {
                got[n] = -7.0;
                assert_int_equal(nnact__act_avx2_from_output(cases[c].k, a, n, y, dy, got), 1);
                check(got, want, n, uses_expm1(cases[c].k) ? 3 : 0, "avx2", cases[c].k);
                check(pub, got, n, 0, "public call vs avx2", cases[c].k);
                assert_true(got[n] == -7.0); /* nothing written past the end */
                continue;
            }
#endif
            check(pub, want, n, 0, "public call", cases[c].k);
        }
    }
    free(buf);
}

/* the plain row-by-row loop the fused pass replaces: the derivative by the
   same path's from-output kernel (checked against the reference above) */
static double plain_sums(nnact_act_kind k, double a, size_t rows, size_t cols, size_t ld,
                         const double *y, const double *g, double *dz, double *db, int init)
{
    double m = 0.0;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) {
            double *v = dz + r * ld + j;
            if (y) nnact__act_from_output(k, a, 1, y + r * ld + j, g + r * ld + j, v);
            if (db) db[j] = init && r == 0 ? *v : db[j] + *v;
            const double x = fabs(*v);
            m = (x > m || x != x) ? x : m;
        }
    return m;
}

static void sums_case(nnact_act_kind k, double a, size_t rows, size_t cols, int derive, int with_db,
                      int init, int with_nan)
{
    const size_t ld = cols + 3, n = rows * ld + 1;
    double *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g);
    double *dz1 = malloc(n * sizeof *dz1), *dz2 = malloc(n * sizeof *dz2);
    double *db1 = malloc((cols + 1) * sizeof *db1), *db2 = malloc((cols + 1) * sizeof *db2);
    assert_true(y && g && dz1 && dz2 && db1 && db2);
    for (size_t i = 0; i < n; i++) {
        y[i] = nnact__act_ref_f(k, a, uniform(-4.0, 4.0));
        g[i] = uniform(-1e3, 1e3);
        dz1[i] = dz2[i] = uniform(-5.0, 5.0);
    }
    if (with_nan)
        g[(rows / 2) * ld + cols / 2] = NAN,
                                   dz1[(rows - 1) * ld + 1] = dz2[(rows - 1) * ld + 1] = NAN;
    for (size_t j = 0; j <= cols; j++)
        db1[j] = db2[j] = uniform(-1.0, 1.0);
    /* columns start at +1: misaligned */
    const double want = plain_sums(k, a, rows, cols, ld, derive ? y + 1 : NULL, g + 1, dz1 + 1,
                                   with_db ? db1 : NULL, init);
    double got = 0.0;
    nnact__act_backward_sums(k, a, rows, cols, ld, derive ? y + 1 : NULL, g + 1, dz2 + 1,
                             with_db ? db2 : NULL, init, &got);
    if (isnan(want))
        assert_true(isnan(got));
    else
        assert_same_bits(got, want);
    assert_memory_equal(dz1, dz2, n * sizeof *dz1);
    assert_memory_equal(db1, db2, (cols + 1) * sizeof *db1);
    free(y), free(g), free(dz1), free(dz2), free(db1), free(db2);
}

static void fused_pass_matches_plain_loop(void **state)
{
    (void)state;
    static const size_t shapes[][2] = {{1, 1},   {3, 5},   {4, 4},  {5, 7},
                                       {64, 64}, {37, 23}, {9, 130}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int v = 0; v < 16; v++) {
            const size_t c = (size_t)v % N_CASES;
            double a;
            assert_int_equal(nnact__act_resolve("test", cases[c].k, cases[c].a, &a), NNACT_OK);
            sums_case(cases[c].k, a, shapes[s][0], shapes[s][1], v & 1, (v >> 1) & 1, (v >> 2) & 1,
                      (v >> 3) & 1);
        }
}

int main(void)
{
    nnact_test_skip_from_env();
    printf("from-output kernels: %s path\n", avx2() ? "AVX2 and scalar" : "scalar only");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases_cover_every_kind),
        cmocka_unit_test(kernels_match_reference),
        cmocka_unit_test(fused_pass_matches_plain_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
