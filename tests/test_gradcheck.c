/* Gradient check: every activation x every loss on small random networks,
 * sampled away from kinks, must agree with centered differences to 1e-6;
 * a network whose backprop is wrong at a point must be caught; bad steps are refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "alloc_fault.h"

#include "core/alloc.h"

#include "net_ref.h"
#include "nnact/nnact.h"

enum { N_IN = 3, H0 = 4, H1 = 3, N_OUT = 3, BATCH = 4 };

/* Points where f or f' is not smooth (C2 fails) for each kind, at default parameters. */
static int near_kink(nnact_act_kind k, double z)
{
    static const double tol = 1e-3;
    double pts[4];
    int n = 0;
    switch (k) {
    case NNACT_ACT_RELU:
    case NNACT_ACT_LEAKY_RELU:
    case NNACT_ACT_ELU:
    case NNACT_ACT_SELU:
    case NNACT_ACT_CELU:
        pts[n++] = 0.0;
        break;
    case NNACT_ACT_RELU6:
        pts[n++] = 0.0, pts[n++] = 6.0;
        break;
    case NNACT_ACT_HARD_SIGMOID:
    case NNACT_ACT_HARD_SWISH:
        pts[n++] = -3.0, pts[n++] = 3.0;
        break;
    case NNACT_ACT_HARD_TANH:
        pts[n++] = -1.0, pts[n++] = 1.0;
        break;
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK:
        pts[n++] = -0.5, pts[n++] = 0.5;
        break;
    default:
        break;
    }
    for (int i = 0; i < n; i++)
        if (fabs(z - pts[i]) < tol) return 1;
    return 0;
}

struct sample {
    double W0[N_IN * H0], b0[H0], W1[H0 * H1], b1[H1], W2[H1 * N_OUT];
    double x[BATCH * N_IN], t[BATCH * N_OUT];
};

/* Fills a sample whose pre-activations all sit away from the kind's kinks and
 * whose residuals sit away from the loss's kinks; 0 if the seed gave none. */
static int make_sample(nnact_act_kind act, nnact_loss_kind lk, unsigned long long *seed,
                       struct sample *s)
{
    for (size_t i = 0; i < sizeof s->W0 / 8; i++)
        s->W0[i] = ref_rand_uniform(seed, -1.5, 1.5);
    for (size_t i = 0; i < H0; i++)
        s->b0[i] = ref_rand_uniform(seed, -0.5, 0.5);
    for (size_t i = 0; i < sizeof s->W1 / 8; i++)
        s->W1[i] = ref_rand_uniform(seed, -1.5, 1.5);
    for (size_t i = 0; i < H1; i++)
        s->b1[i] = ref_rand_uniform(seed, -0.5, 0.5);
    for (size_t i = 0; i < sizeof s->W2 / 8; i++)
        s->W2[i] = ref_rand_uniform(seed, -1.5, 1.5);
    for (size_t i = 0; i < sizeof s->x / 8; i++)
        s->x[i] = ref_rand_uniform(seed, -2.0, 2.0);
    for (size_t i = 0; i < sizeof s->t / 8; i++)
        s->t[i] = lk == NNACT_LOSS_BCE_LOGITS || lk == NNACT_LOSS_SOFTMAX_CE
                      ? ref_rand_uniform(seed, 0.0, 1.0)
                      : ref_rand_uniform(seed, -1.0, 1.0);
    if (lk == NNACT_LOSS_SOFTMAX_CE_INDEX)
        for (size_t r = 0; r < BATCH; r++)
            s->t[r] = (double)(ref_rng_next(seed) % N_OUT);
    /* reference pre-activations with the naive loops */
    double z0[BATCH * H0], a0[BATCH * H0], z1[BATCH * H1], a1[BATCH * H1], y[BATCH * N_OUT];
    ref_affine(BATCH, N_IN, H0, s->x, s->W0, s->b0, z0);
    assert_int_equal(nnact_act_forward(act, NAN, BATCH * H0, z0, a0), NNACT_OK);
    ref_affine(BATCH, H0, H1, a0, s->W1, s->b1, z1);
    assert_int_equal(nnact_act_forward(act, NAN, BATCH * H1, z1, a1), NNACT_OK);
    ref_affine(BATCH, H1, N_OUT, a1, s->W2, NULL, y);
    for (size_t i = 0; i < BATCH * H0; i++)
        if (near_kink(act, z0[i])) return 0;
    for (size_t i = 0; i < BATCH * H1; i++)
        if (near_kink(act, z1[i])) return 0;
    for (size_t i = 0; i < BATCH * N_OUT; i++) {
        const double r = fabs(y[i] - s->t[i]);
        if ((lk == NNACT_LOSS_MAE && r < 1e-3) || (lk == NNACT_LOSS_HUBER && fabs(r - 1.0) < 1e-3))
            return 0;
    }
    return 1;
}

static nnact_net *build(nnact_act_kind act, const struct sample *s)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, H0, act, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, H1, act, NAN), NNACT_OK);
    assert_int_equal(
        nnact_net_add_dense_ex(net, N_OUT, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, s->W0, s->b0), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 1, s->W1, s->b1), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 2, s->W2, NULL), NNACT_OK);
    return net;
}

static void every_activation_and_loss(void **state)
{
    (void)state;
    unsigned long long seed = 2024;
    double overall = 0.0;
    for (size_t a = 0; a < nnact_act_count(); a++) {
        for (size_t l = 0; l < nnact_loss_count(); l++) {
            struct sample s;
            int tries = 0;
            while (!make_sample((nnact_act_kind)a, (nnact_loss_kind)l, &seed, &s))
                assert_true(++tries < 100);
            nnact_net *net = build((nnact_act_kind)a, &s);
            double err = NAN, layer_err[6];
            size_t wl = 99, wi = 99;
            const size_t P = nnact_net_param_count(net);
            double *before = malloc(P * sizeof *before), *after = malloc(P * sizeof *after);
            assert_int_equal(nnact_net_get_params(net, P, before), NNACT_OK);
            assert_int_equal(nnact_net_gradcheck_ex(net, (nnact_loss_kind)l, NAN, BATCH, s.x, s.t,
                                                    NNACT_GRADCHECK_AUTO, &err, layer_err, &wl,
                                                    &wi),
                             NNACT_OK);
            if (getenv("NNACT_TEST_VERBOSE"))
                printf("%-14s %-17s worst %.3g at layer %zu index %zu\n",
                       nnact_act_name((nnact_act_kind)a), nnact_loss_name((nnact_loss_kind)l), err,
                       wl, wi);
            if (!(err <= 1e-6))
                print_error("%s x %s: worst relative error %g (layer %zu, index %zu)\n",
                            nnact_act_name((nnact_act_kind)a), nnact_loss_name((nnact_loss_kind)l),
                            err, wl, wi);
            assert_true(err <= 1e-6);
            assert_true(wl < 3);
            for (int i = 0; i < 6; i++)
                assert_true(layer_err[i] <= err);
            assert_close(layer_err[5], 0.0, 0.0); /* layer 2 has no bias */
            /* parameters bit-for-bit as before */
            assert_int_equal(nnact_net_get_params(net, P, after), NNACT_OK);
            assert_memory_equal(before, after, P * sizeof *before);
            if (err > overall) overall = err;
            free(before);
            free(after);
            nnact_net_free(net);
        }
    }
    printf("gradcheck: %zu activations x %zu losses, worst relative error %.3g\n",
           nnact_act_count(), nnact_loss_count(), overall);
}

/* relu at exactly its kink: backprop says relu'(0) = 0, the centered
 * difference sees half the slope, so the check must report a large error at W. */
static void catches_a_disagreement(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    const double W[2] = {0.5, 0.0}, b = 0.0, x[2] = {0.0, 2.0}, t = 1.0;
    double err = 0.0;
    size_t wl = 9, wi = 9;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, &b), NNACT_OK);
    /* z = 0.5 * 0 + 0 * 2 + 0 = 0 */
    assert_int_equal(nnact_net_gradcheck_ex(net, NNACT_LOSS_HALF_SSE, NAN, 1, x, &t,
                                            NNACT_GRADCHECK_AUTO, &err, NULL, &wl, &wi),
                     NNACT_OK);
    assert_true(err >= 0.99); /* analytic 0, numeric -1 (W[1]) or -1/2 (b) */
    assert_int_equal(wl, 0);
    assert_int_equal(wi, 1); /* W[1] (x = 2) has the largest disagreement */
    nnact_net_free(net);
}

static void bad_steps_are_refused(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    double W[2] = {1e30, -1.0}, b = 0.25, x[2] = {1e-30, 0.5}, t = 0.0, err = 42.0;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, &b), NNACT_OK);
    const double bad_h[] = {-1e-6, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, bad_h[i], &err),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "h "));
    }
    /* 1e30 + 1e-6 == 1e30: said, naming the parameter */
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, 1e-6, &err),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "theta + h == theta"));
    assert_non_null(strstr(nnact_last_error(), "W[0]"));
    /* auto steps scale with |theta|, so they never vanish */
    assert_int_equal(
        nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, NNACT_GRADCHECK_AUTO, &err),
        NNACT_OK);
    assert_true(err <= 1e-6);
    /* other bad arguments */
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 0, x, &t, 0.0, &err),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, NULL, &t, 0.0, &err),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, 0.0, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_gradcheck(net, (nnact_loss_kind)77, 1, x, &t, 0.0, &err),
                     NNACT_ERR_ARG);
    const double tbad = 3.0;
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_BCE_LOGITS, 1, x, &tbad, 0.0, &err),
                     NNACT_ERR_ARG);
    double W2[2], b2;
    assert_int_equal(nnact_net_get_layer(net, 0, W2, &b2), NNACT_OK);
    assert_memory_equal(W, W2, sizeof W);
    assert_memory_equal(&b, &b2, sizeof b);
    /* a non-finite loss is a numeric failure, parameters kept */
    const double xn[2] = {NAN, 0.0};
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, xn, &t, 0.0, &err),
                     NNACT_ERR_NUMERIC);
    assert_int_equal(nnact_net_get_layer(net, 0, W2, &b2), NNACT_OK);
    assert_memory_equal(W, W2, sizeof W);
    /* a NaN or Inf parameter has no derivative to check: said as such, naming it */
    const double Wn[2] = {1.0, NAN}, Wi[2] = {INFINITY, 1.0};
    assert_int_equal(nnact_net_set_layer(net, 0, Wn, &b), NNACT_OK);
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, 0.0, &err),
                     NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "W[1] is nan"));
    assert_int_equal(nnact_net_set_layer(net, 0, Wi, &b), NNACT_OK);
    assert_int_equal(nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, 1, x, &t, 1e-6, &err),
                     NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "W[0] is inf"));
    nnact_net *empty = NULL;
    assert_int_equal(nnact_net_create(2, &empty), NNACT_OK);
    assert_int_equal(nnact_net_gradcheck(empty, NNACT_LOSS_HALF_SSE, 1, x, &t, 0.0, &err),
                     NNACT_ERR_STATE);
    nnact_net_free(empty);
    nnact_net_free(net);
}

/* nnact_net_gradcheck_run: with the 1.0 call's settings, the 1.0 numbers bit
 * for bit; MAX_PARAMS checks an evenly spaced subset; options and report
 * records checked. */
static void run_with_options(void **state)
{
    (void)state;
    unsigned long long seed = 77;
    struct sample s;
    while (!make_sample(NNACT_ACT_TANH, NNACT_LOSS_HUBER, &seed, &s)) {
    }
    nnact_net *net = build(NNACT_ACT_TANH, &s);
    double err, le[6], le2[6];
    size_t wl, wi;
    assert_int_equal(nnact_net_gradcheck_ex(net, NNACT_LOSS_HUBER, 0.5, BATCH, s.x, s.t, 1e-5, &err,
                                            le, &wl, &wi),
                     NNACT_OK);
    nnact_gradcheck_config *c = NULL;
    assert_int_equal(nnact_gradcheck_config_create(&c), NNACT_OK);
    double v = 1;
    uint64_t m = 9;
    assert_int_equal(nnact_gradcheck_config_get_real(c, NNACT_GRADCHECK_PARAM_H, &v), NNACT_OK);
    assert_same_bits(v, NNACT_GRADCHECK_AUTO);
    assert_int_equal(nnact_gradcheck_config_get_real(c, NNACT_GRADCHECK_PARAM_LOSS_PARAM, &v),
                     NNACT_OK);
    assert_true(isnan(v));
    assert_int_equal(nnact_gradcheck_config_get_int(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, &m),
                     NNACT_OK);
    assert_int_equal(m, 0);
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_H, 1e-5), NNACT_OK);
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_LOSS_PARAM, 0.5),
                     NNACT_OK);
    nnact_gradcheck_report r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, &r, le2),
                     NNACT_OK);
    assert_int_equal(r.size, sizeof r);
    assert_same_bits(r.max_rel_err, err);
    assert_int_equal(r.worst_layer, wl);
    assert_int_equal(r.worst_index, wi);
    assert_int_equal(r.params_checked, nnact_net_param_count(net));
    assert_memory_equal(le, le2, sizeof le);
    /* cfg NULL: every default (AUTO step, default loss parameter) */
    assert_int_equal(nnact_net_gradcheck_ex(net, NNACT_LOSS_HUBER, NAN, BATCH, s.x, s.t,
                                            NNACT_GRADCHECK_AUTO, &err, NULL, NULL, NULL),
                     NNACT_OK);
    assert_int_equal(
        nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, NULL, &r, NULL), NNACT_OK);
    assert_same_bits(r.max_rel_err, err);
    /* MAX_PARAMS 7 of 39: seven checked, each layer's error at most the full run's */
    assert_int_equal(nnact_gradcheck_config_set_int(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, 7),
                     NNACT_OK);
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, &r, le2),
                     NNACT_OK);
    assert_int_equal(r.params_checked, 7);
    for (int i = 0; i < 6; i++)
        assert_true(le2[i] <= le[i]);
    /* the options' errors: unchanged after each */
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_H, -1.0),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "h = -1"));
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_H, NAN),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_H, INFINITY),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_get_real(c, NNACT_GRADCHECK_PARAM_H, &v), NNACT_OK);
    assert_same_bits(v, 1e-5);
    assert_int_equal(nnact_gradcheck_config_set_int(c, NNACT_GRADCHECK_PARAM_H, 1), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "key 'h' is real"));
    assert_int_equal(nnact_gradcheck_config_set_real(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, 1.0),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "'max_params' is an integer"));
    assert_int_equal(nnact_gradcheck_config_get_int(c, NNACT_GRADCHECK_PARAM_LOSS_PARAM, &m),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_get_real(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, &v),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_set_int(c, (nnact_gradcheck_param)3, 1), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "unknown key 3"));
    assert_int_equal(nnact_gradcheck_config_set_real(c, (nnact_gradcheck_param)-1, 1),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_get_int(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, &m),
                     NNACT_OK);
    assert_int_equal(m, 7);
    assert_int_equal(nnact_gradcheck_config_create(NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_set_int(NULL, NNACT_GRADCHECK_PARAM_MAX_PARAMS, 1),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_get_int(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_set_real(NULL, NNACT_GRADCHECK_PARAM_H, 0),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_gradcheck_config_get_real(NULL, NNACT_GRADCHECK_PARAM_H, &v),
                     NNACT_ERR_ARG);
    nnact_gradcheck_config *d = (nnact_gradcheck_config *)1;
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_gradcheck_config_create(&d), NNACT_ERR_NOMEM);
    assert_null(d);
    /* the run's own buffer failing: NOMEM, the report untouched */
    r.params_checked = 1234;
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, &r, NULL),
                     NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(r.params_checked, 1234);
    /* the run's arguments */
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_gradcheck_run: report is NULL"));
    assert_int_equal(nnact_net_gradcheck_run(NULL, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, &r, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, 0, s.x, s.t, c, &r, NULL),
                     NNACT_ERR_ARG);
    r.size = sizeof r - 8;
    assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HUBER, BATCH, s.x, s.t, c, &r, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "report->size"));
    assert_int_equal(r.params_checked, 1234);
    nnact_gradcheck_config_free(c);
    nnact_gradcheck_config_free(NULL);
    nnact_net_free(net);
}

/* MAX_PARAMS on the relu-kink network (W[0], W[1], b; only W[1] and b disagree):
 * 1 checks W[0] alone (error 0), 2 checks W[0] and b (floor(3 i / 2) spacing:
 * parameters 0 and 2), 0 or more than 3 check all three. */
static void max_params_picks_evenly(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    const double W[2] = {0.5, 0.0}, b = 0.0, x[2] = {0.0, 2.0}, t = 1.0;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, &b), NNACT_OK);
    nnact_gradcheck_config *c = NULL;
    assert_int_equal(nnact_gradcheck_config_create(&c), NNACT_OK);
    static const struct {
        uint64_t max, checked, worst_index;
        double min_err, max_err;
    } cases[] = {
        {1, 1, 0, 0.0, 0.0}, {2, 2, 2, 0.99, 1.01}, {0, 3, 1, 0.99, 1.01}, {100, 3, 1, 0.99, 1.01}};
    for (size_t i = 0; i < 4; i++) {
        nnact_gradcheck_report r = {sizeof r, 0, 9, 9, 9};
        double le[2];
        assert_int_equal(
            nnact_gradcheck_config_set_int(c, NNACT_GRADCHECK_PARAM_MAX_PARAMS, cases[i].max),
            NNACT_OK);
        assert_int_equal(nnact_net_gradcheck_run(net, NNACT_LOSS_HALF_SSE, 1, x, &t, c, &r, le),
                         NNACT_OK);
        assert_int_equal(r.params_checked, cases[i].checked);
        assert_int_equal(r.worst_layer, 0);
        assert_int_equal(r.worst_index, cases[i].worst_index);
        assert_true(r.max_rel_err >= cases[i].min_err && r.max_rel_err <= cases[i].max_err);
        assert_true(le[0] <= r.max_rel_err && le[1] <= r.max_rel_err);
    }
    nnact_gradcheck_config_free(c);
    nnact_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_activation_and_loss), cmocka_unit_test(catches_a_disagreement),
        cmocka_unit_test(bad_steps_are_refused),     cmocka_unit_test(run_with_options),
        cmocka_unit_test(max_params_picks_evenly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
