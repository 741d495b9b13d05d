/* Accuracy of every activation and its derivative, in ULP as SLEEF defines it
 * (tests/test_act_ulp.h), against
 *   1. golden tables made once with mpmath at 320 bits (tests/gen_act_golden.py,
 *      tests/data/act_<name>.txt: dense [-40, 40], wide samples to +-1e300 and
 *      the hard points), and
 *   2. a long double oracle (tests/test_act_oracle.h) on 10^6 points per function
 *      (10^5 under the sanitizers, which slow each call about 20 times).
 * The bounds are the ones docs/ACCURACY.md publishes; a measurement above its
 * bound fails. The test runs twice under CTest: with the fastest path this CPU
 * has and with NNACT_CPU_MASK=0 (the portable path). NNACT_ACC_REPORT=1
 * prints the measured table (it is how docs/ACCURACY.md was filled in). */
#include <errno.h>
#include <float.h>
#include <stdlib.h>

#include "test_act_paths.h"
#include "nnact_test.h"

#include "test_act_oracle.h"
#include "test_act_ulp.h"
#include "nnact/nnact.h"

#if defined(__SANITIZE_ADDRESS__)
#define ORACLE_POINTS 100000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ORACLE_POINTS 100000
#endif
#endif
#ifndef ORACLE_POINTS
#define ORACLE_POINTS 1000000
#endif

/* Where a kind's function (TAIL_F) or derivative (TAIL_DF) is ill-conditioned
 * (a one-ulp change of x moves the result by c >= 2 ulps), the bound there is
 * "within 1 ulp of f(x') for some x' within 1 ulp of x", i.e. err <= c + 1. */
enum { TAIL_F = 1, TAIL_DF = 2 };

struct bound {
    double f, df;
    unsigned tail;
};

/* docs/ACCURACY.md, column "bound". */
static const struct bound bounds[] = {
    [NNACT_ACT_IDENTITY] = {0, 0, 0},
    [NNACT_ACT_SIGMOID] = {3, 3, 0},
    [NNACT_ACT_TANH] = {2, 3, 0},
    [NNACT_ACT_RELU] = {0, 0, 0},
    [NNACT_ACT_LEAKY_RELU] = {0.5, 0, 0},
    [NNACT_ACT_BENT_IDENTITY] = {3, 3, 0},
    [NNACT_ACT_SINUSOID] = {1, 1, TAIL_F | TAIL_DF},
    [NNACT_ACT_ELU] = {2, 2, 0},
    [NNACT_ACT_SELU] = {2.5, 2.5, 0},
    [NNACT_ACT_CELU] = {2, 2, 0},
    [NNACT_ACT_GELU] = {4, 4, TAIL_F | TAIL_DF},
    [NNACT_ACT_GELU_TANH] = {4, 4, TAIL_F | TAIL_DF},
    [NNACT_ACT_SILU] = {4, 4, TAIL_F | TAIL_DF},
    [NNACT_ACT_MISH] = {4, 4, TAIL_F | TAIL_DF},
    [NNACT_ACT_SOFTPLUS] = {3, 3, 0},
    [NNACT_ACT_SOFTSIGN] = {2, 2, 0},
    [NNACT_ACT_HARD_SIGMOID] = {1, 0.5, 0},
    [NNACT_ACT_HARD_TANH] = {0, 0, 0},
    [NNACT_ACT_HARD_SWISH] = {2, 1, 0},
    [NNACT_ACT_RELU6] = {0, 0, 0},
    [NNACT_ACT_LOG_SIGMOID] = {3, 3, 0},
    [NNACT_ACT_GAUSSIAN] = {2, 3, TAIL_DF},
    [NNACT_ACT_COS] = {1, 1, TAIL_F | TAIL_DF},
    [NNACT_ACT_TANHSHRINK] = {4, 3, 0},
    [NNACT_ACT_SOFTSHRINK] = {0.5, 0, 0},
    [NNACT_ACT_HARDSHRINK] = {0, 0, 0},
    [NNACT_ACT_ABS] = {0, 0, 0},
    [NNACT_ACT_SQUARE] = {0.5, 0, 0},
    [NNACT_ACT_SWISH] = {4, 4, TAIL_F | TAIL_DF},
};

struct stat {
    double max_err; /* largest plain ULP error where the plain bound applies */
    double max_x;
    double tail_excess; /* largest err - (c + 1) over tail points (<= 0 passes) */
    double tail_x;
    size_t tail_points, failures;
};

static int report_wanted(void)
{
    const char *r = getenv("NNACT_ACC_REPORT");
    return r != NULL && *r == '1';
}

/* Checks one result r for input x against reference c (c1 = the reference's
 * derivative, for the conditioning of a tail point). */
static void check_point(struct stat *s, double bound, int tail, double x, double r, long double c,
                        long double c1, const char *what, const char *kind)
{
    double err = act_ulp_error(r, c);
    if (err <= bound) {
        if (err > s->max_err || s->max_x != s->max_x) {
            s->max_err = err;
            s->max_x = x;
        }
        return;
    }
    /* the tail rule applies to any finite error (near a derivative's root
     * c reaches 1e5 ulps); only the sentinels for a NaN or a zero where the
     * reference is not one are never excused */
    if (tail && isfinite(x) && isfinite((double)c) && (double)c != 0 && !isnan(r)) {
        int e;
        frexpl(c, &e);
        long double unit = ldexpl(1.0L, (e < -1021 ? -1021 : e) - 53);
        double cond = (double)(fabsl(c1) * act_ulp_of(x) / unit);
        if (cond >= 2) {
            s->tail_points++;
            double excess = err - (cond + 1);
            if (excess > s->tail_excess || s->tail_points == 1) {
                s->tail_excess = excess;
                s->tail_x = x;
            }
            if (excess <= 0) return;
        }
    }
    if (err > s->max_err) {
        s->max_err = err;
        s->max_x = x;
    }
    if (s->failures++ < 5)
        print_error("%s %s(%a = %.17g) = %.17g, reference %.21Lg: %.3g ulp > bound %g\n", kind,
                    what, x, x, r, c, err, bound);
}

/* ---- golden tables ---- */

struct golden {
    size_t n;
    double *x;
    long double *f, *df, *d2;
};

static int read_golden(const char *name, struct golden *g)
{
    char path[512];
    snprintf(path, sizeof path, "%s/act_%s.txt", NNACT_TEST_DATA_DIR, name);
    FILE *fp = fopen(path, "r");
    if (fp == NULL) return -1;
    size_t cap = 4096;
    g->n = 0;
    g->x = malloc(cap * sizeof *g->x);
    g->f = malloc(cap * sizeof *g->f);
    g->df = malloc(cap * sizeof *g->df);
    g->d2 = malloc(cap * sizeof *g->d2);
    char line[512];
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] == '#') continue;
        char *p = line, *end;
        if (g->n == cap) break;
        g->x[g->n] = strtod(p, &end);
        p = end;
        g->f[g->n] = strtold(p, &end);
        p = end;
        g->df[g->n] = strtold(p, &end);
        p = end;
        g->d2[g->n] = strtold(p, &end);
        if (end == p) break;
        g->n++;
    }
    fclose(fp);
    return 0;
}

static void free_golden(struct golden *g)
{
    free(g->x), free(g->f), free(g->df), free(g->d2);
}

static void print_stat(const char *src, const char *kind, const char *what, const struct stat *s,
                       double bound)
{
    fprintf(stderr, "%-7s %-14s %-3s max %7.3f ulp at x = %-24.17g bound %4.1f", src, kind, what,
            s->max_err, s->max_x, bound);
    if (s->tail_points)
        fprintf(stderr, "  tail: %zu pts, worst err-(c+1) = %.2f at %.17g", s->tail_points,
                s->tail_excess, s->tail_x);
    fprintf(stderr, "\n");
}

static void golden_tables(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t k = 0; k < nnact_act_count(); k++) {
        const char *name = nnact_act_name((nnact_act_kind)k);
        struct golden g = {0};
        assert_int_equal(read_golden(name, &g), 0);
        assert_true(g.n >= 2000);
        double *y = malloc(g.n * sizeof *y), *d = malloc(g.n * sizeof *d);
        assert_non_null(y);
        assert_non_null(d);
        assert_int_equal(nnact_act_forward((nnact_act_kind)k, NAN, g.n, g.x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative((nnact_act_kind)k, NAN, g.n, g.x, d), NNACT_OK);
        struct stat sf = {0, NAN, 0, 0, 0, 0}, sd = {0, NAN, 0, 0, 0, 0};
        const struct bound *b = &bounds[k];
        for (size_t i = 0; i < g.n; i++) {
            check_point(&sf, b->f, b->tail & TAIL_F, g.x[i], y[i], g.f[i], g.df[i], "f", name);
            check_point(&sd, b->df, b->tail & TAIL_DF, g.x[i], d[i], g.df[i], g.d2[i], "f'", name);
        }
        if (report_wanted()) {
            print_stat("golden", name, "f", &sf, b->f);
            print_stat("golden", name, "f'", &sd, b->df);
        }
        failures += sf.failures + sd.failures;
        free(y), free(d);
        free_golden(&g);
    }
    assert_int_equal(failures, 0);
}

/* ---- long double oracle ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_u64(void)
{
    /* xorshift64*: a fixed sequence, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double uniform01(void)
{
    return (double)(next_u64() >> 11) * 0x1p-53;
}

/* 80% dense in [-40, 40], 20% wide: magnitudes 10^-300 .. 10^300, both signs. */
static void oracle_inputs(double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i % 5 != 4)
            x[i] = -40.0 + 80.0 * uniform01();
        else
            x[i] = (next_u64() & 1 ? -1.0 : 1.0) * pow(10.0, -300.0 + 600.0 * uniform01());
    }
}

/* f'' by a centred difference in long double: only the conditioning estimate
 * of a derivative's tail needs it, and a few correct digits suffice there. */
static long double oracle_d2(nnact_act_kind k, double x)
{
    double h = fabs(x) * 0x1p-20 + 0x1p-30;
    return (act_oracle_df(k, x + h) - act_oracle_df(k, x - h)) / (2.0L * h);
}

static void long_double_oracle(void **state)
{
    (void)state;
    size_t n = ORACLE_POINTS, failures = 0;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *d = malloc(n * sizeof *d);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(d);
    for (size_t k = 0; k < nnact_act_count(); k++) {
        nnact_act_kind kind = (nnact_act_kind)k;
        const char *name = nnact_act_name(kind);
        oracle_inputs(x, n);
        assert_int_equal(nnact_act_forward(kind, NAN, n, x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative(kind, NAN, n, x, d), NNACT_OK);
        struct stat sf = {0, NAN, 0, 0, 0, 0}, sd = {0, NAN, 0, 0, 0, 0};
        const struct bound *b = &bounds[k];
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            if (!act_oracle_ok(kind, x[i])) continue;
            used++;
            long double cf = act_oracle_f(kind, x[i]), cd = act_oracle_df(kind, x[i]);
            /* the conditioning terms are needed only when the plain bound fails */
            long double c1 = act_ulp_error(y[i], cf) > b->f ? cd : 0;
            long double c2 = act_ulp_error(d[i], cd) > b->df ? oracle_d2(kind, x[i]) : 0;
            check_point(&sf, b->f, b->tail & TAIL_F, x[i], y[i], cf, c1, "f", name);
            check_point(&sd, b->df, b->tail & TAIL_DF, x[i], d[i], cd, c2, "f'", name);
        }
        assert_true(used >= n / 2);
        if (report_wanted()) {
            print_stat("oracle", name, "f", &sf, b->f);
            print_stat("oracle", name, "f'", &sd, b->df);
        }
        failures += sf.failures + sd.failures;
    }
    free(x), free(y), free(d);
    assert_int_equal(failures, 0);
}

/* Swish away from its default (beta = 1 is SiLU's code, measured above):
 * the same bounds as SiLU at betas either side of 1 and at the smallest one,
 * against the long double oracle with beta x split exactly. */
static void swish_beta_oracle(void **state)
{
    (void)state;
    static const double betas[] = {1e-300, 0.5, 1.702, 4.0, 1e-3, 30.0};
    size_t n = ORACLE_POINTS / 5, failures = 0;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *d = malloc(n * sizeof *d);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(d);
    const struct bound *b = &bounds[NNACT_ACT_SWISH];
    for (size_t j = 0; j < sizeof betas / sizeof betas[0]; j++) {
        double beta = betas[j];
        oracle_inputs(x, n);
        assert_int_equal(nnact_act_forward(NNACT_ACT_SWISH, beta, n, x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative(NNACT_ACT_SWISH, beta, n, x, d), NNACT_OK);
        struct stat sf = {0, NAN, 0, 0, 0, 0}, sd = {0, NAN, 0, 0, 0, 0};
        for (size_t i = 0; i < n; i++) {
            long double cf = or_swish_f(beta, x[i]), cd = or_swish_df(beta, x[i]);
            long double c2 = 0;
            if (act_ulp_error(d[i], cd) > b->df) {
                double h = fabs(x[i]) * 0x1p-20 + 0x1p-30;
                c2 = (or_swish_df(beta, x[i] + h) - or_swish_df(beta, x[i] - h)) / (2.0L * h);
            }
            check_point(&sf, b->f, 1, x[i], y[i], cf, cd, "f", "swish_beta");
            check_point(&sd, b->df, 1, x[i], d[i], cd, c2, "f'", "swish_beta");
        }
        if (report_wanted()) {
            char label[40];
            snprintf(label, sizeof label, "swish_b=%g", beta);
            print_stat("oracle", label, "f", &sf, b->f);
            print_stat("oracle", label, "f'", &sd, b->df);
        }
        failures += sf.failures + sd.failures;
    }
    free(x), free(y), free(d);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_tables),
        cmocka_unit_test(long_double_oracle),
        cmocka_unit_test(swish_beta_oracle),
    };
    nnact_test_print_act_paths();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
