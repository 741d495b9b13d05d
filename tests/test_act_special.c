/* Special values, bad input, aliasing and the floating-point environment of
 * the activation entry points (issue 3, items 5 and "Bad input"). Limits at
 * +-Inf are the mathematical ones, written out here from the definitions. */
#include <fenv.h>
#include <float.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "test_act_paths.h"
#include "nnact_test.h"

#include "act/fpguard.h"
#include "core/alloc.h"
#include "nnact/nnact.h"

#define NK ((nnact_act_kind)nnact_act_count())

/* f(+Inf), f(-Inf), f'(+Inf), f'(-Inf) at the default parameter; NAN where the
 * function has no limit (sin, cos). */
static const double limits[][4] = {
    [NNACT_ACT_IDENTITY] = {INFINITY, -INFINITY, 1, 1},
    [NNACT_ACT_SIGMOID] = {1, 0, 0, 0},
    [NNACT_ACT_TANH] = {1, -1, 0, 0},
    [NNACT_ACT_RELU] = {INFINITY, 0, 1, 0},
    [NNACT_ACT_LEAKY_RELU] = {INFINITY, -INFINITY, 1, 0.01},
    [NNACT_ACT_BENT_IDENTITY] = {INFINITY, -INFINITY, 1.5, 0.5},
    [NNACT_ACT_SINUSOID] = {NAN, NAN, NAN, NAN},
    [NNACT_ACT_ELU] = {INFINITY, -1, 1, 0},
    [NNACT_ACT_SELU] = {INFINITY,
                        -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717,
                        1.0507009873554804934193349852946, 0},
    [NNACT_ACT_CELU] = {INFINITY, -1, 1, 0},
    [NNACT_ACT_GELU] = {INFINITY, -0.0, 1, 0},
    [NNACT_ACT_GELU_TANH] = {INFINITY, -0.0, 1, 0},
    [NNACT_ACT_SILU] = {INFINITY, -0.0, 1, 0},
    [NNACT_ACT_MISH] = {INFINITY, -0.0, 1, 0},
    [NNACT_ACT_SOFTPLUS] = {INFINITY, 0, 1, 0},
    [NNACT_ACT_SOFTSIGN] = {1, -1, 0, 0},
    [NNACT_ACT_HARD_SIGMOID] = {1, 0, 0, 0},
    [NNACT_ACT_HARD_TANH] = {1, -1, 0, 0},
    [NNACT_ACT_HARD_SWISH] = {INFINITY, 0, 1, 0},
    [NNACT_ACT_RELU6] = {6, 0, 0, 0},
    [NNACT_ACT_LOG_SIGMOID] = {-0.0, -INFINITY, 0, 1},
    [NNACT_ACT_GAUSSIAN] = {0, 0, -0.0, 0},
    [NNACT_ACT_COS] = {NAN, NAN, NAN, NAN},
    [NNACT_ACT_TANHSHRINK] = {INFINITY, -INFINITY, 1, 1},
    [NNACT_ACT_SOFTSHRINK] = {INFINITY, -INFINITY, 1, 1},
    [NNACT_ACT_HARDSHRINK] = {INFINITY, -INFINITY, 1, 1},
    [NNACT_ACT_ABS] = {INFINITY, INFINITY, 1, -1},
    [NNACT_ACT_SQUARE] = {INFINITY, INFINITY, INFINITY, -INFINITY},
    [NNACT_ACT_SWISH] = {INFINITY, -0.0, 1, 0},
};

/* Odd functions: f(-0) = -0 and f(+0) = +0. */
static int is_odd(nnact_act_kind k)
{
    switch (k) {
    case NNACT_ACT_IDENTITY:
    case NNACT_ACT_TANH:
    case NNACT_ACT_SINUSOID:
    case NNACT_ACT_SOFTSIGN:
    case NNACT_ACT_HARD_TANH:
    case NNACT_ACT_TANHSHRINK:
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK:
        return 1;
    default:
        return 0;
    }
}

static void nan_in_nan_out(void **state)
{
    (void)state;
    double x[3] = {NAN, -NAN, NAN}, y[3], dy[3] = {1, 1, 1};
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, 3, x, y), NNACT_OK);
        for (int i = 0; i < 3; i++)
            assert_true(isnan(y[i]));
        assert_int_equal(nnact_act_derivative(k, NAN, 3, x, y), NNACT_OK);
        for (int i = 0; i < 3; i++)
            assert_true(isnan(y[i]));
        assert_int_equal(nnact_act_backward(k, NAN, 3, x, dy, y), NNACT_OK);
        for (int i = 0; i < 3; i++)
            assert_true(isnan(y[i]));
        if (nnact_act_supports_from_output(k, NAN)) {
            assert_int_equal(nnact_act_backward_from_output(k, NAN, 3, x, dy, y), NNACT_OK);
            for (int i = 0; i < 3; i++)
                assert_true(isnan(y[i]));
        }
    }
}

static void infinities_give_limits(void **state)
{
    (void)state;
    double x[2] = {INFINITY, -INFINITY}, y[2], d[2];
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, 2, x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative(k, NAN, 2, x, d), NNACT_OK);
        for (int i = 0; i < 2; i++) {
            double fy = limits[k][i], fd = limits[k][2 + i];
            if (isnan(fy)) {
                assert_true(isnan(y[i]));
            } else {
                if (!(y[i] == fy && signbit(y[i]) == signbit(fy)))
                    print_error("%s(%g) = %g, expected %g\n", nnact_act_name(k), x[i], y[i], fy);
                assert_same_bits(y[i], fy);
            }
            if (isnan(fd)) {
                assert_true(isnan(d[i]));
            } else {
                if (!(d[i] == fd))
                    print_error("%s'(%g) = %g, expected %g\n", nnact_act_name(k), x[i], d[i], fd);
                assert_true(d[i] == fd);
            }
        }
    }
}

static void signed_zeros_and_subnormals(void **state)
{
    (void)state;
    double x[4] = {0.0, -0.0, 0x1p-1074, -0x1p-1060}, y[4];
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, 4, x, y), NNACT_OK);
        if (is_odd(k)) {
            assert_same_bits(y[0], 0.0);
            assert_same_bits(y[1], -0.0);
        }
    }
    /* subnormals are not flushed: near 0 these are x (identity, tanh, sin,
     * softsign, hard tanh) or x/2 rounded (GELU, SiLU: f(x) = x/2 + O(x^2)) */
    static const nnact_act_kind like_x[] = {
        NNACT_ACT_IDENTITY,  NNACT_ACT_TANH, NNACT_ACT_SINUSOID, NNACT_ACT_SOFTSIGN,
        NNACT_ACT_HARD_TANH, NNACT_ACT_RELU, NNACT_ACT_ELU,      NNACT_ACT_CELU};
    for (size_t j = 0; j < sizeof like_x / sizeof like_x[0]; j++) {
        double s[2] = {0x1p-1060, 0x1.8p-1070}, t[2];
        assert_int_equal(nnact_act_forward(like_x[j], NAN, 2, s, t), NNACT_OK);
        assert_same_bits(t[0], s[0]);
        assert_same_bits(t[1], s[1]);
    }
    double s = -0x1p-1060, t;
    assert_int_equal(nnact_act_forward(NNACT_ACT_GELU, NAN, 1, &s, &t), NNACT_OK);
    assert_same_bits(t, -0x1p-1061);
    assert_int_equal(nnact_act_forward(NNACT_ACT_SILU, NAN, 1, &s, &t), NNACT_OK);
    assert_same_bits(t, -0x1p-1061);
    /* softplus' no-cut-over promise: softplus(x) = x + log1p(e^-x) rounds to
     * x only once e^-x < ulp(x)/2; at x = 20 it is still 20 + 2.06e-9 */
    double z = 20.0, w;
    assert_int_equal(nnact_act_forward(NNACT_ACT_SOFTPLUS, NAN, 1, &z, &w), NNACT_OK);
    assert_close(w, 20.000000002061153, 4e-15);
}

/* Kinks take PyTorch's one-sided derivative values. */
static void kink_derivatives(void **state)
{
    (void)state;
    static const struct {
        nnact_act_kind k;
        double x, d;
    } cases[] = {
        {NNACT_ACT_RELU, 0.0, 0.0},          {NNACT_ACT_RELU, -0.0, 0.0},
        {NNACT_ACT_LEAKY_RELU, 0.0, 0.01},   {NNACT_ACT_RELU6, 0.0, 0.0},
        {NNACT_ACT_RELU6, 6.0, 0.0},         {NNACT_ACT_HARD_TANH, 1.0, 0.0},
        {NNACT_ACT_HARD_TANH, -1.0, 0.0},    {NNACT_ACT_HARD_SIGMOID, 3.0, 0.0},
        {NNACT_ACT_HARD_SIGMOID, -3.0, 0.0}, {NNACT_ACT_HARD_SWISH, -3.0, -0.5},
        {NNACT_ACT_HARD_SWISH, 3.0, 1.5},    {NNACT_ACT_SOFTSHRINK, 0.5, 0.0},
        {NNACT_ACT_HARDSHRINK, -0.5, 0.0},   {NNACT_ACT_ELU, 0.0, 1.0},
        {NNACT_ACT_CELU, 0.0, 1.0},          {NNACT_ACT_ABS, 0.0, 0.0},
        {NNACT_ACT_ABS, -0.0, 0.0},          {NNACT_ACT_ABS, -0x1p-1074, -1.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d;
        assert_int_equal(nnact_act_derivative(cases[i].k, NAN, 1, &cases[i].x, &d), NNACT_OK);
        assert_same_bits(d, cases[i].d);
    }
}

static void bad_input(void **state)
{
    (void)state;
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8], dy[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    /* NULL with n > 0, every pointer of every entry point */
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 1, NULL, y), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_act_forward"));
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 1, x, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_derivative(NNACT_ACT_TANH, NAN, 1, NULL, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_derivative(NNACT_ACT_TANH, NAN, 1, x, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 1, NULL, dy, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 1, x, NULL, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 1, x, dy, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 1, NULL, dy, y),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 1, x, NULL, y),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 1, x, dy, NULL),
                     NNACT_ERR_ARG);
    /* n = 0 with NULL pointers: OK, nothing touched */
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 0, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_act_derivative(NNACT_ACT_TANH, NAN, 0, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 0, NULL, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 0, NULL, NULL, NULL),
                     NNACT_OK);
    /* unknown kind, both sides of the range */
    assert_int_equal(nnact_act_forward(NK, NAN, 1, x, y), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "unknown"));
    assert_int_equal(nnact_act_forward((nnact_act_kind)-1, NAN, 1, x, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward((nnact_act_kind)1000, NAN, 1, x, dy, y), NNACT_ERR_ARG);
    assert_null(nnact_act_name(NK));
    /* parameters outside their range name the kind and the parameter; the
     * output is untouched */
    static const struct {
        nnact_act_kind k;
        double a;
        const char *param;
    } bad[] = {
        {NNACT_ACT_LEAKY_RELU, INFINITY, "alpha"}, {NNACT_ACT_LEAKY_RELU, -INFINITY, "alpha"},
        {NNACT_ACT_ELU, INFINITY, "alpha"},        {NNACT_ACT_CELU, 0.0, "alpha"},
        {NNACT_ACT_CELU, -1.0, "alpha"},           {NNACT_ACT_SOFTPLUS, -1.0, "beta"},
        {NNACT_ACT_SOFTPLUS, 0.0, "beta"},         {NNACT_ACT_SOFTPLUS, INFINITY, "beta"},
        {NNACT_ACT_SOFTSHRINK, -0.5, "lambda"},    {NNACT_ACT_HARDSHRINK, -INFINITY, "lambda"},
        {NNACT_ACT_SWISH, 0.0, "beta"},            {NNACT_ACT_SWISH, -1.0, "beta"},
        {NNACT_ACT_SWISH, INFINITY, "beta"},       {NNACT_ACT_SWISH, -INFINITY, "beta"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        y[0] = 42.0;
        assert_int_equal(nnact_act_forward(bad[i].k, bad[i].a, 1, x, y), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), nnact_act_name(bad[i].k)));
        assert_non_null(strstr(nnact_last_error(), bad[i].param));
        assert_true(y[0] == 42.0);
        assert_int_equal(nnact_act_derivative(bad[i].k, bad[i].a, 1, x, y), NNACT_ERR_ARG);
        assert_int_equal(nnact_act_backward(bad[i].k, bad[i].a, 1, x, dy, y), NNACT_ERR_ARG);
        assert_false(nnact_act_supports_from_output(bad[i].k, bad[i].a));
        assert_false(nnact_act_is_linear(bad[i].k, bad[i].a));
    }
    /* n * sizeof(double) overflowing size_t */
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, SIZE_MAX / 4, x, y), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, SIZE_MAX / 2, x, dy, y),
                     NNACT_ERR_OVERFLOW);
    /* partial overlap is rejected (documented in act.h), output untouched */
    double buf[16];
    for (int i = 0; i < 16; i++)
        buf[i] = i;
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 8, buf, buf + 1), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "overlap"));
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 8, buf + 3, buf), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 8, buf, buf + 8, buf + 4),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 4, buf, buf + 4, buf + 6),
                     NNACT_ERR_ARG);
    for (int i = 0; i < 16; i++)
        assert_true(buf[i] == i);
    /* from output on a kind whose derivative is not a function of y */
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_GELU, NAN, 1, x, dy, y),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "gelu"));
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_LEAKY_RELU, -0.5, 1, x, dy, y),
                     NNACT_ERR_ARG);
    /* names */
    nnact_act_kind k = NNACT_ACT_TANH;
    assert_int_equal(nnact_act_from_name("no_such_thing", &k), NNACT_ERR_ARG);
    assert_int_equal(k, NNACT_ACT_TANH);
    assert_int_equal(nnact_act_from_name(NULL, &k), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_from_name("tanh", NULL), NNACT_ERR_ARG);
}

static void in_place_matches_out_of_place(void **state)
{
    (void)state;
    enum { N = 37 };
    double x[N], y[N], d[N], dy[N], t[N], u[N];
    for (int i = 0; i < N; i++) {
        x[i] = -9.0 + 0.5 * i + 0.013 * i * i;
        dy[i] = 1.0 + 0.25 * i;
    }
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, N, x, y), NNACT_OK);
        memcpy(t, x, sizeof t);
        assert_int_equal(nnact_act_forward(k, NAN, N, t, t), NNACT_OK);
        assert_int_equal(nnact_act_backward(k, NAN, N, x, dy, d), NNACT_OK);
        memcpy(u, dy, sizeof u);
        assert_int_equal(nnact_act_backward(k, NAN, N, x, u, u), NNACT_OK);
        for (int i = 0; i < N; i++) {
            assert_same_bits(t[i], y[i]);
            assert_same_bits(u[i], d[i]);
        }
        memcpy(t, x, sizeof t); /* dx may alias x too */
        assert_int_equal(nnact_act_backward(k, NAN, N, t, dy, t), NNACT_OK);
        for (int i = 0; i < N; i++)
            assert_same_bits(t[i], d[i]);
        if (nnact_act_supports_from_output(k, NAN)) {
            assert_int_equal(nnact_act_backward_from_output(k, NAN, N, y, dy, d), NNACT_OK);
            memcpy(u, dy, sizeof u);
            assert_int_equal(nnact_act_backward_from_output(k, NAN, N, y, u, u), NNACT_OK);
            for (int i = 0; i < N; i++)
                assert_same_bits(u[i], d[i]);
        }
    }
}

/* An element's result depends on its value only: not on the array length,
 * its position (SIMD tails) or the pointer's alignment. */
static void position_independent(void **state)
{
    (void)state;
    enum { N = 61 }; /* prime */
    double *buf = malloc((N + 8) * sizeof(double)), *out = malloc((N + 8) * sizeof(double));
    double *dyb = malloc((N + 8) * sizeof(double)), ref[N], refd[N], refb[N];
    assert_non_null(buf);
    assert_non_null(out);
    assert_non_null(dyb);
    double x[N], dy[N];
    for (int i = 0; i < N; i++) {
        x[i] = -30.0 + 60.0 * ((i * 37) % N) / N + 1e-3 * i;
        dy[i] = 0.5 + 0.125 * (i % 5);
    }
    for (nnact_act_kind k = 0; k < NK; k++) {
        for (int i = 0; i < N; i++) { /* one element per call: the reference */
            assert_int_equal(nnact_act_forward(k, NAN, 1, &x[i], &ref[i]), NNACT_OK);
            assert_int_equal(nnact_act_derivative(k, NAN, 1, &x[i], &refd[i]), NNACT_OK);
            assert_int_equal(nnact_act_backward(k, NAN, 1, &x[i], &dy[i], &refb[i]), NNACT_OK);
        }
        static const size_t lens[] = {1, 2, 3, 5, 7, 11, 13, 17, 31, 61};
        for (size_t off = 0; off < 5; off++) {
            for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                size_t n = lens[li];
                for (size_t start = 0; start + n <= N; start += n) {
                    memcpy(buf + off, x + start, n * sizeof(double));
                    memcpy(dyb + off, dy + start, n * sizeof(double));
                    assert_int_equal(nnact_act_forward(k, NAN, n, buf + off, out + off), NNACT_OK);
                    for (size_t i = 0; i < n; i++)
                        assert_same_bits(out[off + i], ref[start + i]);
                    assert_int_equal(nnact_act_derivative(k, NAN, n, buf + off, out + off),
                                     NNACT_OK);
                    for (size_t i = 0; i < n; i++)
                        assert_same_bits(out[off + i], refd[start + i]);
                    assert_int_equal(nnact_act_backward(k, NAN, n, buf + off, dyb + off, out + off),
                                     NNACT_OK);
                    for (size_t i = 0; i < n; i++)
                        assert_same_bits(out[off + i], refb[start + i]);
                }
            }
        }
    }
    free(buf), free(out), free(dyb);
}

/* The calls leave the rounding mode, MXCSR and the invalid/divide-by-zero
 * flags as they were, whatever the input (NaN, Inf, 0, DBL_MAX). */
static void fp_environment_kept(void **state)
{
    (void)state;
    double x[10] = {NAN,     INFINITY, -INFINITY, 0.0,   -0.0,
                    DBL_MAX, -DBL_MAX, 0x1p-1074, 1e154, -745.2};
    double y[10], dy[10] = {1, 1, 1, 1, 1, 1, 1, 1, INFINITY, 0};
    int round = fegetround();
#if defined(__x86_64__) || defined(__i386__)
    unsigned csr = _mm_getcsr() & ~0x3fu; /* control bits, flags masked out */
#endif
    feclearexcept(FE_ALL_EXCEPT);
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(_mm_getcsr() & ~0x3fu); /* FE_ALL_EXCEPT leaves the denormal flag alone */
#endif
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, 10, x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative(k, NAN, 10, x, y), NNACT_OK);
        assert_int_equal(nnact_act_backward(k, NAN, 10, x, dy, y), NNACT_OK);
        if (nnact_act_supports_from_output(k, NAN))
            assert_int_equal(nnact_act_backward_from_output(k, NAN, 10, x, dy, y), NNACT_OK);
        if (fetestexcept(FE_INVALID | FE_DIVBYZERO))
            print_error("%s raised invalid/divbyzero\n", nnact_act_name(k));
        assert_int_equal(fetestexcept(FE_INVALID | FE_DIVBYZERO), 0);
#if defined(__x86_64__) || defined(__i386__)
        /* nor the denormal-operand flag (the input holds a subnormal) */
        if (_mm_getcsr() & 0x7u)
            print_error("%s left MXCSR flags 0x%x\n", nnact_act_name(k), _mm_getcsr() & 0x3fu);
        assert_int_equal(_mm_getcsr() & 0x7u, 0);
#endif
    }
    /* a flag the caller had raised stays raised */
    feraiseexcept(FE_INVALID);
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 10, x, y), NNACT_OK);
    assert_true(fetestexcept(FE_INVALID));
    feclearexcept(FE_ALL_EXCEPT);
    assert_int_equal(fegetround(), round);
#if defined(__x86_64__) || defined(__i386__)
    assert_int_equal(_mm_getcsr() & ~0x3fu, csr);
#endif
}

/* The guard itself: flags raised between save and restore go, in SSE and
 * in x87 (long double) arithmetic alike; flags the caller had stay, and so
 * do inexact/overflow/underflow. */
static volatile double vzero = 0.0;
static volatile long double lzero = 0.0L;

static void fp_guard_unit(void **state)
{
    (void)state;
    nnact__fpguard g;
    feclearexcept(FE_ALL_EXCEPT);
    nnact__fpguard_save(&g);
    volatile double q = vzero / vzero; /* SSE invalid */
    volatile double r = 1.0 / vzero;   /* SSE divide-by-zero */
    volatile long double lq = lzero / lzero; /* x87 invalid */
    volatile long double lr = 1.0L / lzero;  /* x87 divide-by-zero */
    volatile double o = DBL_MAX * (q == q ? 1.0 : 2.0); /* overflow, kept */
    (void)r, (void)lq, (void)lr, (void)o;
    assert_true(fetestexcept(FE_INVALID) && fetestexcept(FE_DIVBYZERO));
    nnact__fpguard_restore(&g);
    assert_int_equal(fetestexcept(FE_INVALID | FE_DIVBYZERO), 0);
    assert_true(fetestexcept(FE_OVERFLOW));
    /* a flag present before survives a call that raises it again */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    nnact__fpguard_save(&g);
    lr = 1.0L / lzero;
    q = vzero / vzero;
    nnact__fpguard_restore(&g);
    assert_true(fetestexcept(FE_DIVBYZERO));
    assert_int_equal(fetestexcept(FE_INVALID), 0);
    feclearexcept(FE_ALL_EXCEPT);
}

/* The hot paths never allocate. */
static void no_allocation(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double x[N], y[N], dy[N];
    for (int i = 0; i < N; i++)
        x[i] = -5.0 + 0.01 * i, dy[i] = 1.0;
    size_t before = nnact__alloc_count();
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, N, x, y), NNACT_OK);
        assert_int_equal(nnact_act_backward(k, NAN, N, x, dy, y), NNACT_OK);
    }
    assert_int_equal(nnact_softmax(10, 100, x, y), NNACT_OK);
    assert_int_equal(nnact_softmax_backward(10, 100, y, dy, y), NNACT_OK);
    assert_int_equal(nnact__alloc_count(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nan_in_nan_out),
        cmocka_unit_test(infinities_give_limits),
        cmocka_unit_test(signed_zeros_and_subnormals),
        cmocka_unit_test(kink_derivatives),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(in_place_matches_out_of_place),
        cmocka_unit_test(position_independent),
        cmocka_unit_test(fp_environment_kept),
        cmocka_unit_test(fp_guard_unit),
        cmocka_unit_test(no_allocation),
    };
    nnact_test_skip_from_env();
    nnact_test_print_act_paths();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
