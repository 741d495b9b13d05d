/* Losses: closed forms by hand, stability at the edges of the double range,
 * NaN propagation and bad input. The PyTorch comparison is in test_net_torch.c. */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "nnact_test.h"

#include "nnact/nnact.h"

static void closed_forms(void **state)
{
    (void)state;
    const double y[2] = {1.0, 2.0}, t[2] = {0.0, 4.0};
    double L = NAN, dy[2] = {NAN, NAN};
    /* r = [1, -2] */
    assert_int_equal(nnact_loss(NNACT_LOSS_HALF_SSE, 1, 2, y, t, &L, dy), NNACT_OK);
    assert_close(L, 2.5, 0.0);
    assert_close(dy[0], 1.0, 0.0);
    assert_close(dy[1], -2.0, 0.0);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 2, 1, y, t, &L, dy), NNACT_OK);
    assert_close(L, 2.5, 0.0);
    assert_close(dy[0], 1.0, 0.0);
    assert_close(dy[1], -2.0, 0.0);
    assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, 2, y, t, &L, dy), NNACT_OK);
    assert_close(L, 1.5, 0.0);
    assert_close(dy[0], 0.5, 0.0);
    assert_close(dy[1], -0.5, 0.0);
    /* Huber delta 1: 0.5 * 1^2 and 1 * (2 - 0.5), mean 1 */
    assert_int_equal(nnact_loss(NNACT_LOSS_HUBER, 1, 2, y, t, &L, dy), NNACT_OK);
    assert_close(L, 1.0, 0.0);
    assert_close(dy[0], 0.5, 0.0);
    assert_close(dy[1], -0.5, 0.0);
    /* delta 3: both quadratic, (0.5 + 2) / 2 */
    assert_int_equal(nnact_loss_ex(NNACT_LOSS_HUBER, 3.0, 1, 2, y, t, &L, dy), NNACT_OK);
    assert_close(L, 1.25, 0.0);
    assert_close(dy[1], -1.0, 0.0);
    /* MAE at r = 0: gradient 0 (PyTorch's sign) */
    const double same[1] = {3.0};
    assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, 1, same, same, &L, dy), NNACT_OK);
    assert_close(dy[0], 0.0, 0.0);

    /* BCE on logits at z = 0: log 2, gradient (1/2 - t) / N */
    const double z0[2] = {0.0, 0.0}, tb[2] = {1.0, 0.0};
    assert_int_equal(nnact_loss(NNACT_LOSS_BCE_LOGITS, 1, 2, z0, tb, &L, dy), NNACT_OK);
    assert_close(L, 0.69314718055994531, 1.2e-16);
    assert_close(dy[0], -0.25, 0.0);
    assert_close(dy[1], 0.25, 0.0);
    /* BCE at z = 2, t = 0.25: softplus(2) - 0.5 = log(1 + e^2) - 0.5 */
    const double z2 = 2.0, t25 = 0.25;
    assert_int_equal(nnact_loss(NNACT_LOSS_BCE_LOGITS, 1, 1, &z2, &t25, &L, dy), NNACT_OK);
    assert_close(L, 2.1269280110429727 - 0.5, 4.5e-16);
    assert_close(dy[0], 0.8807970779778823 - 0.25, 2.3e-16);

    /* softmax CE on [0, 0] with class 0: log 2, dy = [-1/2, 1/2] */
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE, 1, 2, z0, tb, &L, dy), NNACT_OK);
    assert_close(L, 0.69314718055994531, 1.2e-16);
    assert_close(dy[0], -0.5, 0.0);
    assert_close(dy[1], 0.5, 0.0);
    const double cls = 0.0;
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 1, 2, z0, &cls, &L, dy), NNACT_OK);
    assert_close(L, 0.69314718055994531, 1.2e-16);
    assert_close(dy[0], -0.5, 0.0);
    /* 3 classes, logits [1, 2, 3], class 2: log(e + e^2 + e^3) - 3 = 0.40760596444438030 (mpmath)
     */
    const double z3[3] = {1, 2, 3}, c2 = 2.0;
    double g3[3] = {NAN, NAN, NAN}; /* stale memory cannot pass */
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 1, 3, z3, &c2, &L, g3), NNACT_OK);
    assert_close(L, 0.40760596444438030, 2e-16);
    assert_close(g3[0], 0.09003057317038046, 1e-16);
    assert_close(g3[1], 0.24472847105479767, 1e-16);
    assert_close(g3[2], 0.6652409557748219 - 1.0, 4e-16); /* p carries the rounding of lse */
    /* in place: dy may be y */
    double yy[2] = {1.0, 2.0};
    assert_int_equal(nnact_loss(NNACT_LOSS_HALF_SSE, 1, 2, yy, t, &L, yy), NNACT_OK);
    assert_close(yy[1], -2.0, 0.0);
}

/* Outputs pre-filled with NaN before each call: stale memory cannot pass. */
static void nan_fill(double *L, double *dy, size_t n)
{
    *L = NAN;
    for (size_t i = 0; i < n; i++)
        dy[i] = NAN;
}

static void stable_at_the_edges(void **state)
{
    (void)state;
    double L, dy[16];
    /* softmax CE with logits +-1e308: row 0 costs 2e308 (> DBL_MAX), row 1 log 2;
     * the mean over 2 rows, 1e308 + log(2)/2, is representable */
    const double z[4] = {1e308, -1e308, 0.0, 0.0}, t[4] = {0.0, 1.0, 1.0, 0.0};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE, 2, 2, z, t, &L, dy), NNACT_OK);
    assert_close(L, 1e308, 1e308 * 4e-16);
    for (int i = 0; i < 4; i++)
        assert_true(isfinite(dy[i]));
    assert_close(dy[0], 0.5, 0.0); /* (softmax - t) / B = (1 - 0) / 2 */
    assert_close(dy[1], -0.5, 0.0);
    const double cls[2] = {1.0, 0.0};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 2, 2, z, cls, &L, dy), NNACT_OK);
    assert_close(L, 1e308, 1e308 * 4e-16);
    /* BCE at +-1e308 stays finite: max(z,0) - z t + log1p(e^-|z|) */
    const double zb[2] = {1e308, -1e308}, tb[2] = {0.0, 1.0};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_BCE_LOGITS, 1, 2, zb, tb, &L, dy), NNACT_OK);
    assert_close(L, 1e308, 0.0);
    assert_close(dy[0], 0.5, 0.0);
    assert_close(dy[1], -0.5, 0.0);
    /* MAE: |r| = 2e308 overflows, the mean over 4 elements is 1e308 */
    const double ym[4] = {1e308, 0, 0, 0}, tm[4] = {-1e308, 0, 0, 0};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, 4, ym, tm, &L, dy), NNACT_OK);
    assert_close(L, 0.5e308, 0.5e308 * 2.3e-16);
    /* MSE: r^2 = 9e308 overflows; over 16 elements the mean is 5.625e307 */
    double ys[16] = {1.5e154}, ts[16] = {-1.5e154};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 4, 4, ys, ts, &L, dy), NNACT_OK);
    assert_close(L, 5.625e307, 5.625e307 * 4.5e-16);
    assert_close(dy[0], 2 * 3e154 / 16, 3e154 * 2.3e-16);
    /* MSE where y - t itself overflows: dy = 2 r / N = 2e308 * 2 / 16 */
    ys[0] = 1e308, ts[0] = -1e308;
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 4, 4, ys, ts, &L, dy), NNACT_OK);
    assert_true(isinf(L)); /* 4e616 / 16: the exact mean exceeds DBL_MAX */
    assert_close(dy[0], 2.5e307, 2.5e307 * 2.3e-16);
    /* Huber with a small delta: |r| = 2e308 overflows, delta (|r| - delta/2) = 2e298 does not */
    const double yh = 1e308, th = -1e308;
    assert_int_equal(nnact_loss_ex(NNACT_LOSS_HUBER, 1e-10, 1, 1, &yh, &th, &L, dy), NNACT_OK);
    assert_close(L, 2e298, 2e298 * 4.5e-16);
    assert_close(dy[0], 1e-10, 0.0);
    /* tiny values: no underflow to a wrong sign or NaN */
    const double yt[2] = {DBL_TRUE_MIN, -DBL_TRUE_MIN}, tt[2] = {0.0, 0.0};
    nan_fill(&L, dy, 16);
    assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, 2, yt, tt, &L, dy), NNACT_OK);
    assert_close(L, DBL_TRUE_MIN, 0.0);
    assert_close(dy[0], 0.5, 0.0);
    assert_close(dy[1], -0.5, 0.0);
}

static void nan_propagates(void **state)
{
    (void)state;
    const double y[2] = {NAN, 0.5}, t[2] = {0.0, 1.0}, yok[2] = {0.25, 0.5}, tnan[2] = {NAN, 0.0};
    for (int k = 0; k < (int)nnact_loss_count(); k++) {
        double L = 0.0, dy[2] = {0.0, 0.0};
        const double *tt = t;
        const double cls[2] = {0.0, 1.0};
        if (k == NNACT_LOSS_SOFTMAX_CE_INDEX) tt = cls;
        assert_int_equal(nnact_loss((nnact_loss_kind)k, 1, 2, y, tt, &L, dy), NNACT_OK);
        assert_true(isnan(L));
        assert_true(isnan(dy[0]));
        /* a NaN target propagates too */
        const double cnan[1] = {NAN};
        const double *tn = k == NNACT_LOSS_SOFTMAX_CE_INDEX ? cnan : tnan;
        assert_int_equal(nnact_loss((nnact_loss_kind)k, 1, 2, yok, tn, &L, dy), NNACT_OK);
        assert_true(isnan(L));
    }
}

static void names_and_bad_input(void **state)
{
    (void)state;
    const double y[2] = {0.5, 0.5}, t[2] = {0.0, 1.0};
    double L = 42.0, dy[2] = {7.0, 7.0};
    nnact_loss_kind k;
    assert_int_equal(nnact_loss_count(), 7);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(nnact_loss_from_name(nnact_loss_name((nnact_loss_kind)i), &k), NNACT_OK);
        assert_int_equal(k, i);
    }
    assert_null(nnact_loss_name((nnact_loss_kind)7));
    assert_int_equal(nnact_loss_from_name("nope", &k), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss_target_width(NNACT_LOSS_SOFTMAX_CE_INDEX, 10), 1);
    assert_int_equal(nnact_loss_target_width(NNACT_LOSS_MSE, 10), 10);
    assert_int_equal(nnact_loss_target_width((nnact_loss_kind)99, 10), 0);

    assert_int_equal(nnact_loss((nnact_loss_kind)99, 1, 2, y, t, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss((nnact_loss_kind)-1, 1, 2, y, t, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 1, 2, NULL, t, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 1, 2, y, NULL, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 1, 2, y, t, NULL, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 0, 2, y, t, &L, dy), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "batch"));
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 1, 0, y, t, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, SIZE_MAX / 2, 4, y, t, &L, dy), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_loss_ex(NNACT_LOSS_HUBER, 0.0, 1, 2, y, t, &L, dy), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "delta"));
    assert_int_equal(nnact_loss_ex(NNACT_LOSS_HUBER, -1.0, 1, 2, y, t, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss_ex(NNACT_LOSS_HUBER, INFINITY, 1, 2, y, t, &L, dy), NNACT_ERR_ARG);
    const double tbad[2] = {1.5, 0.0};
    assert_int_equal(nnact_loss(NNACT_LOSS_BCE_LOGITS, 1, 2, y, tbad, &L, dy), NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE, 1, 2, y, tbad, &L, dy), NNACT_ERR_ARG);
    const double c_frac = 0.5, c_big = 2.0, c_neg = -1.0;
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 1, 2, y, &c_frac, &L, dy),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 1, 2, y, &c_big, &L, dy),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "class"));
    assert_int_equal(nnact_loss(NNACT_LOSS_SOFTMAX_CE_INDEX, 1, 2, y, &c_neg, &L, dy),
                     NNACT_ERR_ARG);
    /* nothing written on failure */
    assert_close(L, 42.0, 0.0);
    assert_close(dy[0], 7.0, 0.0);
    /* dy NULL: value only */
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 1, 2, y, t, &L, NULL), NNACT_OK);
    assert_close(L, 0.25, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_forms),
        cmocka_unit_test(stable_at_the_edges),
        cmocka_unit_test(nan_propagates),
        cmocka_unit_test(names_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
