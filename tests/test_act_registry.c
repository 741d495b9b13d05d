/* The self-describing registry (names, aliases, parameters, shape properties)
 * and row-wise softmax / log-softmax with their backward passes. */
#include <float.h>
#include <stdlib.h>

#include "nnact_test.h"

#include "nnact/nnact.h"

#define NK ((nnact_act_kind)nnact_act_count())

static double prop(nnact_act_kind k, double a, nnact_act_prop p)
{
    double v = -12345.0;
    assert_int_equal(nnact_act_property(k, a, p, &v), NNACT_OK);
    return v;
}

static void names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(nnact_act_count(), 29);
    for (nnact_act_kind k = 0; k < NK; k++) {
        const char *name = nnact_act_name(k);
        assert_non_null(name);
        nnact_act_kind back = (nnact_act_kind)999;
        assert_int_equal(nnact_act_from_name(name, &back), NNACT_OK);
        assert_int_equal(back, k);
    }
    static const struct {
        const char *alias;
        nnact_act_kind k;
    } want[] = {
        {"logistic", NNACT_ACT_SIGMOID}, {"swish", NNACT_ACT_SILU}, {"linear", NNACT_ACT_IDENTITY}};
    for (size_t i = 0; i < 3; i++) {
        nnact_act_kind k;
        assert_int_equal(nnact_act_from_name(want[i].alias, &k), NNACT_OK);
        assert_int_equal(k, want[i].k);
    }
    assert_true(nnact_act_alias_count() >= 3);
    for (size_t i = 0; i < nnact_act_alias_count(); i++) {
        nnact_act_kind k, k2;
        const char *a = nnact_act_alias(i, &k);
        assert_non_null(a);
        assert_int_equal(nnact_act_from_name(a, &k2), NNACT_OK);
        assert_int_equal(k, k2);
    }
    assert_null(nnact_act_alias(nnact_act_alias_count(), NULL));
    assert_string_equal(nnact_act_param_name(NNACT_ACT_SOFTPLUS), "beta");
    assert_string_equal(nnact_act_param_name(NNACT_ACT_SOFTSHRINK), "lambda");
    assert_null(nnact_act_param_name(NNACT_ACT_TANH));
    assert_null(nnact_act_param_name(NK));
}

static void parameters(void **state)
{
    (void)state;
    assert_true(prop(NNACT_ACT_LEAKY_RELU, NAN, NNACT_ACT_PROP_PARAM_DEFAULT) == 0.01);
    assert_true(prop(NNACT_ACT_ELU, NAN, NNACT_ACT_PROP_PARAM_DEFAULT) == 1.0);
    assert_true(prop(NNACT_ACT_SOFTPLUS, NAN, NNACT_ACT_PROP_PARAM_DEFAULT) == 1.0);
    assert_true(prop(NNACT_ACT_HARDSHRINK, NAN, NNACT_ACT_PROP_PARAM_DEFAULT) == 0.5);
    assert_true(prop(NNACT_ACT_SOFTPLUS, NAN, NNACT_ACT_PROP_PARAM_MIN) > 0);
    assert_true(isnan(prop(NNACT_ACT_TANH, NAN, NNACT_ACT_PROP_PARAM_DEFAULT)));
    assert_true(prop(NNACT_ACT_TANH, NAN, NNACT_ACT_PROP_HAS_PARAM) == 0);
    for (nnact_act_kind k = 0; k < NK; k++) {
        if (prop(k, NAN, NNACT_ACT_PROP_HAS_PARAM) == 0) continue;
        double lo = prop(k, NAN, NNACT_ACT_PROP_PARAM_MIN),
               hi = prop(k, NAN, NNACT_ACT_PROP_PARAM_MAX);
        double x = 1.0, y;
        /* the ends are valid, just outside them is not */
        assert_int_equal(nnact_act_forward(k, lo, 1, &x, &y), NNACT_OK);
        assert_int_equal(nnact_act_forward(k, hi, 1, &x, &y), NNACT_OK);
        assert_int_equal(nnact_act_forward(k, nextafter(lo, -INFINITY), 1, &x, &y), NNACT_ERR_ARG);
        assert_int_equal(nnact_act_forward(k, nextafter(hi, INFINITY), 1, &x, &y), NNACT_ERR_ARG);
    }
    double v = 0;
    assert_int_equal(nnact_act_property(NNACT_ACT_TANH, NAN, (nnact_act_prop)99, &v),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_act_property(NNACT_ACT_TANH, NAN, NNACT_ACT_PROP_LIPSCHITZ, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_act_property(NK, NAN, NNACT_ACT_PROP_LIPSCHITZ, &v), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_property(NNACT_ACT_CELU, -1.0, NNACT_ACT_PROP_LIPSCHITZ, &v),
                     NNACT_ERR_ARG);
}

static void linearity(void **state)
{
    (void)state;
    assert_true(nnact_act_is_linear(NNACT_ACT_IDENTITY, NAN));
    assert_true(nnact_act_is_linear(NNACT_ACT_LEAKY_RELU, 1.0));
    assert_false(nnact_act_is_linear(NNACT_ACT_LEAKY_RELU, NAN));
    assert_false(nnact_act_is_linear(NNACT_ACT_LEAKY_RELU, 0.3));
    assert_true(nnact_act_is_linear(NNACT_ACT_SOFTSHRINK, 0.0));
    assert_true(nnact_act_is_linear(NNACT_ACT_HARDSHRINK, 0.0));
    assert_false(nnact_act_is_linear(NNACT_ACT_RELU, NAN));
    /* every kind claimed linear really is x -> x on a grid (f(x) = x) */
    for (nnact_act_kind k = 0; k < NK; k++) {
        double a = k == NNACT_ACT_LEAKY_RELU ? 1.0 : 0.0;
        if (!nnact_act_is_linear(k, a)) continue;
        for (double x = -10; x <= 10; x += 0.37) {
            double y;
            assert_int_equal(nnact_act_forward(k, a, 1, &x, &y), NNACT_OK);
            assert_true(y == x);
        }
    }
}

/* The shape claims hold on a dense grid: output range, monotonicity,
 * Lipschitz bound (|f'| <= L), and the extreme values are attained where
 * mpmath put them. */
static void shape_claims_hold(void **state)
{
    (void)state;
    enum { N = 24001 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *d = malloc(N * sizeof *d);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(d);
    for (int i = 0; i < N; i++)
        x[i] = -12.0 + 24.0 * i / (N - 1);
    for (nnact_act_kind k = 0; k < NK; k++) {
        assert_int_equal(nnact_act_forward(k, NAN, N, x, y), NNACT_OK);
        assert_int_equal(nnact_act_derivative(k, NAN, N, x, d), NNACT_OK);
        double lo = prop(k, NAN, NNACT_ACT_PROP_OUTPUT_MIN),
               hi = prop(k, NAN, NNACT_ACT_PROP_OUTPUT_MAX);
        double lip = prop(k, NAN, NNACT_ACT_PROP_LIPSCHITZ);
        int mono = prop(k, NAN, NNACT_ACT_PROP_MONOTONE) != 0;
        int decreasing_seen = 0;
        double ymin = INFINITY, dmax = 0;
        for (int i = 0; i < N; i++) {
            assert_true(y[i] >= lo - 1e-15 && y[i] <= hi + 1e-15);
            if (fabs(d[i]) > dmax) dmax = fabs(d[i]);
            if (y[i] < ymin) ymin = y[i];
            if (i > 0 && y[i] < y[i - 1]) decreasing_seen = 1;
        }
        if (mono)
            assert_false(decreasing_seen);
        else
            assert_true(decreasing_seen);
        if (isfinite(lip)) {
            assert_true(dmax <= lip * (1 + 1e-15));
            assert_true(dmax >= lip * 0.99); /* the sup is reached on [-12, 12] or approached */
        }
        if (!mono && isfinite(lo) && lo < 0) /* a minimum, attained */
            assert_close(ymin, lo, 2e-7);    /* grid step 1e-3: f - min <= f'' (5e-4)^2 / 2 */
    }
    free(x), free(y), free(d);
    /* parameter-dependent answers */
    assert_true(prop(NNACT_ACT_LEAKY_RELU, -0.5, NNACT_ACT_PROP_MONOTONE) == 0);
    assert_true(prop(NNACT_ACT_LEAKY_RELU, 3.0, NNACT_ACT_PROP_LIPSCHITZ) == 3.0);
    assert_true(prop(NNACT_ACT_ELU, 2.0, NNACT_ACT_PROP_OUTPUT_MIN) == -2.0);
    assert_true(prop(NNACT_ACT_ELU, 1.0, NNACT_ACT_PROP_SMOOTH) == 1.0);
    assert_true(prop(NNACT_ACT_ELU, 0.5, NNACT_ACT_PROP_SMOOTH) == 0.0);
    assert_true(isinf(prop(NNACT_ACT_HARDSHRINK, NAN, NNACT_ACT_PROP_LIPSCHITZ)));
    assert_true(prop(NNACT_ACT_SIGMOID, NAN, NNACT_ACT_PROP_LIPSCHITZ) == 0.25);
    /* swish: x sigmoid(2x) has its minimum at half SiLU's x, half as deep */
    assert_true(prop(NNACT_ACT_SWISH, 2.0, NNACT_ACT_PROP_OUTPUT_MIN) == -0.2784645427610738 / 2);
    {
        double xm = -1.2784645427610738 / 2, ym;
        assert_int_equal(nnact_act_forward(NNACT_ACT_SWISH, 2.0, 1, &xm, &ym), NNACT_OK);
        assert_close(ym, -0.2784645427610738 / 2, 1e-15);
    }
    assert_true(isinf(prop(NNACT_ACT_SQUARE, NAN, NNACT_ACT_PROP_LIPSCHITZ)));
    /* from-output support, with its parameter conditions */
    assert_true(prop(NNACT_ACT_TANH, NAN, NNACT_ACT_PROP_FROM_OUTPUT) == 1);
    assert_true(prop(NNACT_ACT_GELU, NAN, NNACT_ACT_PROP_FROM_OUTPUT) == 0);
    assert_true(nnact_act_supports_from_output(NNACT_ACT_LEAKY_RELU, 0.2));
    assert_false(nnact_act_supports_from_output(NNACT_ACT_LEAKY_RELU, -0.2));
    assert_true(nnact_act_supports_from_output(NNACT_ACT_ELU, NAN));
    assert_false(nnact_act_supports_from_output(NNACT_ACT_ELU, -1.0));
    assert_false(nnact_act_supports_from_output(NK, NAN));
    /* hard sigmoid is not: at x = 3 - 2^-51, f'(x) = 1/6 but (x + 3) / 6 rounds to
     * 1, the output of every x >= 3, where f' = 0 */
    assert_false(nnact_act_supports_from_output(NNACT_ACT_HARD_SIGMOID, NAN));
    const double below3 = nextafter(3.0, 0.0);
    double y3 = 0, d3 = 0;
    assert_int_equal(nnact_act_forward(NNACT_ACT_HARD_SIGMOID, NAN, 1, &below3, &y3), NNACT_OK);
    assert_int_equal(nnact_act_derivative(NNACT_ACT_HARD_SIGMOID, NAN, 1, &below3, &d3), NNACT_OK);
    assert_same_bits(y3, 1.0);
    assert_same_bits(d3, 1.0 / 6.0);
}

/* backward_from_output agrees with backward wherever it is supported. */
static void from_output_matches_backward(void **state)
{
    (void)state;
    enum { N = 2001 };
    static double x[N], y[N], dy[N], a[N], b[N];
    for (int i = 0; i < N; i++) {
        x[i] = -8.0 + 16.0 * i / (N - 1);
        dy[i] = 1.0 + 0.001 * i;
    }
    int supported = 0;
    for (nnact_act_kind k = 0; k < NK; k++) {
        if (!nnact_act_supports_from_output(k, NAN)) {
            assert_int_equal(nnact_act_backward_from_output(k, NAN, N, x, dy, a), NNACT_ERR_ARG);
            continue;
        }
        supported++;
        assert_int_equal(nnact_act_forward(k, NAN, N, x, y), NNACT_OK);
        assert_int_equal(nnact_act_backward(k, NAN, N, x, dy, a), NNACT_OK);
        assert_int_equal(nnact_act_backward_from_output(k, NAN, N, y, dy, b), NNACT_OK);
        for (int i = 0; i < N; i++) {
            /* from y the derivative inherits y's rounding: condition |f''/f'| * |y| ulps */
            if (!(fabs(a[i] - b[i]) <= 1e-12 * fabs(a[i]) + 1e-15 * dy[i]))
                print_error("%s at x = %.17g: %.17g vs %.17g\n", nnact_act_name(k), x[i], a[i],
                            b[i]);
            assert_true(fabs(a[i] - b[i]) <= 1e-12 * fabs(a[i]) + 1e-15 * dy[i]);
        }
    }
    assert_true(supported >= 14);
}

/* ---- softmax ---- */

static void softmax_reference(size_t cols, const double *x, long double *p)
{
    long double m = -INFINITY, s = 0;
    for (size_t j = 0; j < cols; j++)
        if (x[j] > m) m = x[j];
    for (size_t j = 0; j < cols; j++)
        s += expl((long double)x[j] - m);
    for (size_t j = 0; j < cols; j++)
        p[j] = expl((long double)x[j] - m) / s;
}

static void softmax_values(void **state)
{
    (void)state;
    enum { R = 4, C = 7 };
    double x[R * C], y[R * C], ly[R * C];
    long double p[C];
    for (int i = 0; i < R * C; i++)
        x[i] =
            (i % 3 == 0 ? 700.0 : -3.0) + 0.731 * i - (i / C) * 1000.0; /* overflow-scale logits */
    assert_int_equal(nnact_softmax(R, C, x, y), NNACT_OK);
    assert_int_equal(nnact_log_softmax(R, C, x, ly), NNACT_OK);
    for (int r = 0; r < R; r++) {
        softmax_reference(C, x + r * C, p);
        double sum = 0;
        for (int j = 0; j < C; j++) {
            double e = (double)p[j];
            assert_close(y[r * C + j], e, 4 * DBL_EPSILON * e + 1e-300);
            assert_close(ly[r * C + j], (double)logl(p[j]),
                         4 * DBL_EPSILON * fabs((double)logl(p[j])) + 1e-15);
            sum += y[r * C + j];
        }
        assert_close(sum, 1.0, 8 * DBL_EPSILON);
    }
    /* log-softmax where one logit dominates: log(1 - tiny) is -tiny, not 0 */
    double z[2] = {0.0, -40.0}, lz[2];
    assert_int_equal(nnact_log_softmax(1, 2, z, lz), NNACT_OK);
    assert_close(lz[0], -(double)log1pl(expl(-40.0L)), 1e-32);
    assert_close(lz[1], -40.0 - (double)log1pl(expl(-40.0L)), 1e-14);
    /* in place */
    double w[C];
    memcpy(w, x, sizeof w);
    assert_int_equal(nnact_softmax(1, C, w, w), NNACT_OK);
    for (int j = 0; j < C; j++)
        assert_same_bits(w[j], y[j]);
}

static void softmax_nonfinite_rows(void **state)
{
    (void)state;
    double x[5 * 3] = {1,         NAN,       2,         /* NaN row */
                       INFINITY,  1,         INFINITY,  /* two +Inf */
                       -INFINITY, -INFINITY, -INFINITY, /* only -Inf */
                       -INFINITY, 0,         0,         /* some -Inf */
                       INFINITY,  -INFINITY, NAN};      /* NaN wins */
    double y[15], ly[15];
    assert_int_equal(nnact_softmax(5, 3, x, y), NNACT_OK);
    assert_int_equal(nnact_log_softmax(5, 3, x, ly), NNACT_OK);
    for (int j = 0; j < 3; j++) {
        assert_true(isnan(y[j]) && isnan(ly[j]));
        assert_true(isnan(y[6 + j]) && isnan(ly[6 + j]));
        assert_true(isnan(y[12 + j]) && isnan(ly[12 + j]));
    }
    assert_true(y[3] == 0.5 && y[4] == 0.0 && y[5] == 0.5);
    assert_close(ly[3], -log(2.0), 1e-16);
    assert_true(ly[4] == -INFINITY);
    assert_true(y[9] == 0.0 && y[10] == 0.5 && y[11] == 0.5);
    assert_true(ly[9] == -INFINITY);
    assert_close(ly[10], -log(2.0), 1e-16);
}

static void softmax_backward_values(void **state)
{
    (void)state;
    enum { R = 3, C = 5 };
    double x[R * C], y[R * C], ly[R * C], dy[R * C], dx[R * C], ldx[R * C];
    for (int i = 0; i < R * C; i++) {
        x[i] = sin(1.3 * i) * 4;
        dy[i] = cos(0.7 * i);
    }
    assert_int_equal(nnact_softmax(R, C, x, y), NNACT_OK);
    assert_int_equal(nnact_log_softmax(R, C, x, ly), NNACT_OK);
    assert_int_equal(nnact_softmax_backward(R, C, y, dy, dx), NNACT_OK);
    assert_int_equal(nnact_log_softmax_backward(R, C, ly, dy, ldx), NNACT_OK);
    for (int r = 0; r < R; r++) {
        long double p[C];
        softmax_reference(C, x + r * C, p);
        for (int j = 0; j < C; j++) {
            /* Jacobians: ds_j/dx_i = p_j (delta_ij - p_i); dlogs_j/dx_i = delta_ij - p_i */
            long double g = 0, lg = 0;
            for (int i = 0; i < C; i++) {
                g += dy[r * C + i] * p[i] * ((i == j) - p[j]);
                lg += dy[r * C + i] * ((i == j) - p[j]);
            }
            assert_close(dx[r * C + j], (double)g, 1e-15);
            assert_close(ldx[r * C + j], (double)lg, 1e-15);
        }
    }
    /* dx may be dy */
    double g[R * C];
    memcpy(g, dy, sizeof g);
    assert_int_equal(nnact_softmax_backward(R, C, y, g, g), NNACT_OK);
    for (int i = 0; i < R * C; i++)
        assert_same_bits(g[i], dx[i]);
}

static void softmax_bad_input(void **state)
{
    (void)state;
    double x[6] = {1, 2, 3, 4, 5, 6}, y[6];
    assert_int_equal(nnact_softmax(0, 3, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_softmax(3, 0, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_softmax_backward(0, 0, NULL, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_softmax(2, 3, NULL, y), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_softmax"));
    assert_int_equal(nnact_log_softmax(2, 3, x, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_softmax_backward(2, 3, x, NULL, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_log_softmax_backward(2, 3, x, x, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_softmax(SIZE_MAX / 2, 3, x, y), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_softmax(1, 5, x, x + 1), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "overlap"));
    assert_true(x[1] == 2.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(parameters),
        cmocka_unit_test(linearity),
        cmocka_unit_test(shape_claims_hold),
        cmocka_unit_test(from_output_matches_backward),
        cmocka_unit_test(softmax_values),
        cmocka_unit_test(softmax_nonfinite_rows),
        cmocka_unit_test(softmax_backward_values),
        cmocka_unit_test(softmax_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
