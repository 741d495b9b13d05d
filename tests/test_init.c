/* The library PRNG and the initialisation schemes. Bits are pinned against an
 * independent Python replay of the generator (gen_optim_fixtures.py), the log
 * against mpmath, the schemes' spreads against their formulas. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "optim_fixture.h"

#include "init/rng.h"
#include "nnact/nnact.h"

static void prng_bits_are_pinned(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_prng.txt");
    assert_non_null(f);
    int lines = 0;
    for (;;) {
        const char *w = fx_word(f);
        if (strcmp(w, "u64") && strcmp(w, "uniform") && strcmp(w, "normal")) break;
        char what[256];
        snprintf(what, sizeof what, "%s", w);
        uint64_t seed = fx_u64(f), stream = fx_u64(f);
        struct nnact__rng r;
        nnact__rng_init(&r, seed, stream);
        for (int i = 0; i < 6; i++) {
            if (what[0] == 'u' && what[1] == '6') {
                uint64_t e = fx_u64(f);
                assert_true(nnact__rng_u64(&r) == e);
            } else if (what[0] == 'u') {
                assert_same_bits(nnact__rng_uniform(&r), fx_num(f));
            } else {
                assert_same_bits(nnact__rng_normal(&r), fx_num(f));
            }
        }
        lines++;
    }
    assert_int_equal(lines, 9);
    fclose(f);
}

static void own_log_is_bit_pinned_and_accurate(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_prng.txt");
    assert_non_null(f);
    while (strcmp(fx_word(f), "log") != 0)
        ;
    int n = 0;
    for (;;) {
        const char *w = fx_word(f);
        if (strcmp(w, "fill") == 0 || *w == '\0') break;
        double x = strtod(w, NULL), replay = fx_num(f), exact = fx_num(f);
        double got = nnact__rng_log(x);
        assert_same_bits(got, replay);
        /* within 2 ulp of the correctly rounded log (mpmath, 200 bits) */
        double ulp = exact == 0.0 ? 0.0 : nextafter(fabs(exact), INFINITY) - fabs(exact);
        assert_close(got, exact, 2.0 * ulp);
        n++;
    }
    assert_int_equal(n, 28);
    fclose(f);
}

static void init_fills_are_pinned(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_prng.txt");
    assert_non_null(f);
    int schemes = 0;
    for (;;) {
        const char *w = fx_word(f);
        if (*w == '\0') break;
        if (strcmp(w, "fill") != 0) continue;
        int scheme = (int)fx_num(f);
        size_t fan_in = (size_t)fx_num(f), fan_out = (size_t)fx_num(f);
        uint64_t seed = fx_u64(f), stream = fx_u64(f);
        size_t n = (size_t)fx_num(f);
        double w12[12];
        assert_true(n == 12);
        assert_int_equal(
            nnact_init_fill((nnact_init_kind)scheme, NAN, fan_in, fan_out, seed, stream, n, w12),
            NNACT_OK);
        for (size_t i = 0; i < n; i++)
            assert_same_bits(w12[i], fx_num(f));
        schemes |= 1 << scheme;
    }
    assert_int_equal(schemes, 0x3f);
    fclose(f);
}

/* Sample moments of 200000 draws against the schemes' formulas (5 sigma). */
static void schemes_have_their_spread(void **state)
{
    (void)state;
    enum { N = 200000 };
    double *w = malloc(N * sizeof *w);
    assert_non_null(w);
    const size_t fi = 30, fo = 50;
    struct {
        nnact_init_kind k;
        double var;
        double bound; /* 0 = unbounded */
    } c[] = {
        {NNACT_INIT_NORMAL, 1.0, 0},
        {NNACT_INIT_XAVIER_UNIFORM, 2.0 / (fi + fo), sqrt(6.0 / (fi + fo))},
        {NNACT_INIT_XAVIER_NORMAL, 2.0 / (fi + fo), 0},
        {NNACT_INIT_HE_UNIFORM, 2.0 / fi, sqrt(6.0 / fi)},
        {NNACT_INIT_HE_NORMAL, 2.0 / fi, 0},
    };
    for (size_t j = 0; j < sizeof c / sizeof c[0]; j++) {
        assert_int_equal(nnact_init_fill(c[j].k, NAN, fi, fo, 99, 0, N, w), NNACT_OK);
        double m = 0, v = 0, m4 = 0;
        for (size_t i = 0; i < N; i++)
            m += w[i];
        m /= N;
        for (size_t i = 0; i < N; i++) {
            v += (w[i] - m) * (w[i] - m);
            m4 += pow(w[i] - m, 4);
            if (c[j].bound > 0) assert_true(fabs(w[i]) <= c[j].bound);
        }
        v /= N;
        m4 /= N;
        /* uniform: kurtosis 1.8; normal: 3 */
        double kurt = m4 / (v * v), want_kurt = c[j].bound > 0 ? 1.8 : 3.0;
        assert_close(m, 0.0, 5.0 * sqrt(c[j].var / N));
        assert_close(v / c[j].var, 1.0, 5.0 * sqrt((want_kurt - 1.0) / N));
        assert_close(kurt, want_kurt, 0.05);
    }
    /* explicit scale: std for NORMAL, gain for the rest */
    double a[64], b[64];
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, 0.5, 1, 1, 5, 1, 64, a), NNACT_OK);
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 1, 1, 5, 1, 64, b), NNACT_OK);
    for (int i = 0; i < 64; i++)
        assert_same_bits(a[i], 0.5 * b[i]);
    /* streams and seeds differ */
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 1, 1, 5, 2, 64, a), NNACT_OK);
    assert_true(memcmp(a, b, sizeof a) != 0);
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 1, 1, 6, 1, 64, a), NNACT_OK);
    assert_true(memcmp(a, b, sizeof a) != 0);
    free(w);
}

static void bounded_integers_are_uniform(void **state)
{
    (void)state;
    struct nnact__rng r;
    nnact__rng_init(&r, 1, 2);
    int count[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t v = nnact__rng_below(&r, 7);
        assert_true(v < 7);
        count[v]++;
    }
    for (int i = 0; i < 7; i++)
        assert_close(count[i], 10000.0, 5.0 * sqrt(10000.0 * 6.0 / 7.0));
    assert_true(nnact__rng_below(&r, 1) == 0);
    uint64_t big = (UINT64_C(1) << 63) + 1; /* rejection almost half of the time */
    for (int i = 0; i < 100; i++)
        assert_true(nnact__rng_below(&r, big) < big);
}

static void fill_bad_input(void **state)
{
    (void)state;
    double w[4] = {1, 2, 3, 4};
    assert_int_equal(nnact_init_fill((nnact_init_kind)6, NAN, 1, 1, 0, 0, 4, w), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "scheme"));
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 1, 1, 0, 0, 4, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, -1.0, 1, 1, 0, 0, 4, w), NNACT_ERR_ARG);
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, INFINITY, 1, 1, 0, 0, 4, w), NNACT_ERR_ARG);
    assert_int_equal(nnact_init_fill(NNACT_INIT_HE_NORMAL, NAN, 0, 1, 0, 0, 4, w), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "fan_in"));
    assert_int_equal(nnact_init_fill(NNACT_INIT_XAVIER_UNIFORM, NAN, 1, 0, 0, 0, 4, w),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "fan_out"));
    assert_same_bits(w[0], 1.0); /* untouched */
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 1, 1, 0, 0, 0, NULL), NNACT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prng_bits_are_pinned),
        cmocka_unit_test(own_log_is_bit_pinned_and_accurate),
        cmocka_unit_test(init_fills_are_pinned),
        cmocka_unit_test(schemes_have_their_spread),
        cmocka_unit_test(bounded_integers_are_uniform),
        cmocka_unit_test(fill_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
