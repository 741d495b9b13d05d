/* Training: MLP trajectories against torch.optim (fixtures from
 * gen_optim_fixtures.py), the learning demonstrations, nnact_net_init,
 * nnact_net_fit, and every bad input of the training calls. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "alloc_fault.h"
#include "optim_fixture.h"

#include "core/alloc.h"
#include "net/net_internal.h"
#include "nnact/nnact.h"
#include "optim/optim_internal.h"
#include "train/train_internal.h"

static double kth_x[16 * 3], kth_t[16 * 2];

static void fill_fit_data_for_kth(void)
{
    for (int i = 0; i < 16 * 3; i++)
        kth_x[i] = cos(0.3 * i);
    for (int i = 0; i < 16 * 2; i++)
        kth_t[i] = sin(0.7 * i);
}

static nnact_net *mlp_3642(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 6, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 4, NNACT_ACT_SIGMOID, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    return net;
}

static void mlp_trajectories_match_torch(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_mlp.txt");
    assert_non_null(f);
    double x[24], t[16], p0[64];
    assert_true(fx_expect(f, "x"));
    for (int i = 0; i < 24; i++)
        x[i] = fx_num(f);
    assert_true(fx_expect(f, "t"));
    for (int i = 0; i < 16; i++)
        t[i] = fx_num(f);
    assert_true(fx_expect(f, "p0"));
    size_t np = (size_t)fx_num(f);
    assert_true(np == 3 * 6 + 6 + 6 * 4 + 4 + 4 * 2 + 2);
    for (size_t i = 0; i < np; i++)
        p0[i] = fx_num(f);
    assert_true(fx_expect(f, "cases"));
    int ncases = (int)fx_num(f), kinds = 0;
    double worst = 0.0, worst_loss = 0.0, worst_strict = 0.0, worst_abs = 0.0;
    for (int c = 0; c < ncases; c++) {
        assert_true(fx_expect(f, "case"));
        char name[256];
        snprintf(name, sizeof name, "%s", fx_word(f));
        int kind = (int)fx_num(f), nsets = (int)fx_num(f), steps = (int)fx_num(f);
        kinds |= 1 << kind;
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create((nnact_opt_kind)kind, &o), NNACT_OK);
        for (int s = 0; s < nsets; s++) {
            assert_true(fx_expect(f, "set"));
            int p = (int)fx_num(f);
            double v = fx_num(f);
            assert_int_equal(nnact_opt_set(o, (nnact_opt_param)p, v), NNACT_OK);
        }
        nnact_net *net = mlp_3642();
        assert_int_equal(nnact_net_set_params(net, np, p0), NNACT_OK);
        for (int step = 0; step < steps; step++) {
            double loss = NAN, p[64];
            assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 8, x, t, &loss),
                             NNACT_OK);
            double eloss = fx_num(f);
            double rl = fabs(loss - eloss) / fabs(eloss);
            worst_loss = rl > worst_loss ? rl : worst_loss;
            if (!(rl <= 1e-10))
                fail_msg("%s step %d: loss %.17g vs torch %.17g", name, step + 1, loss, eloss);
            assert_int_equal(nnact_net_get_params(net, np, p), NNACT_OK);
            for (size_t i = 0; i < np; i++) {
                double e = fx_num(f), rel = fabs(p[i] - e) / fabs(e);
                /* relative to max(|torch|, 0.01): a parameter passing through zero
                   keeps no relative precision (see docs/OPTIMIZERS.md) */
                double relf = fabs(p[i] - e) / fmax(fabs(e), 1e-2);
                worst_strict = rel > worst_strict ? rel : worst_strict;
                worst_abs = fabs(p[i] - e) > worst_abs ? fabs(p[i] - e) : worst_abs;
                worst = relf > worst ? relf : worst;
                if (!(relf <= 1e-10))
                    fail_msg("%s step %d param %zu: %.17g vs torch %.17g (rel %.3g)", name,
                             step + 1, i, p[i], e, relf);
            }
        }
        nnact_net_free(net);
        nnact_opt_free(o);
    }
    fclose(f);
    assert_int_equal(kinds, 0x7f);
    printf("MLP: %d torch trajectories x 50 steps, worst difference %.3g relative to "
           "max(|p|, 0.01) (strictly relative %.3g, absolute %.3g), loss %.3g relative\n",
           ncases, worst, worst_strict, worst_abs, worst_loss);
}

/* ---- learning demonstrations ---- */

static const double xor_x[8] = {0, 0, 0, 1, 1, 0, 1, 1}, xor_t[4] = {0, 1, 1, 0};

static double train_xor(nnact_act_kind hidden, size_t depth, size_t width, uint64_t seed,
                        nnact_init_kind init, size_t steps, double lr, double *pred)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    for (size_t d = 0; d < depth; d++)
        assert_int_equal(nnact_net_add_dense(net, width, hidden, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_init(net, init, seed), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr), NNACT_OK);
    double loss = NAN;
    for (size_t s = 0; s < steps; s++)
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 4, xor_x, xor_t, &loss),
                         NNACT_OK);
    assert_int_equal(nnact_net_predict(net, 4, xor_x, pred), NNACT_OK);
    double mse = 0;
    for (int i = 0; i < 4; i++)
        mse += (pred[i] - xor_t[i]) * (pred[i] - xor_t[i]) / 4.0;
    nnact_opt_free(o);
    nnact_net_free(net);
    return mse;
}

static void xor_learns_with_tanh_and_relu(void **state)
{
    (void)state;
    nnact_act_kind kinds[2] = {NNACT_ACT_TANH, NNACT_ACT_RELU};
    nnact_init_kind inits[2] = {NNACT_INIT_XAVIER_UNIFORM, NNACT_INIT_HE_UNIFORM};
    /* Adam at lr 0.01 settles (at lr 0.02 its last steps still bounce the loss
     * by orders of magnitude); three seeds, so no one lucky start carries it */
    for (int k = 0; k < 2; k++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            double pred[4];
            double mse = train_xor(kinds[k], 1, 8, seed, inits[k], 2000, 0.01, pred);
            printf("XOR %s, seed %d: MSE %.3g, predictions %.4f %.4f %.4f %.4f\n",
                   nnact_act_name(kinds[k]), (int)seed, mse, pred[0], pred[1], pred[2], pred[3]);
            assert_true(mse < 1e-3);
            for (int i = 0; i < 4; i++)
                assert_close(round(pred[i]), xor_t[i], 0.0);
        }
}

/* Any all-identity network is an affine map, and the best affine fit of XOR is
   0.5 everywhere (least squares: the four targets' mean, with zero slope), MSE 1/4. */
static void xor_cannot_beat_a_quarter_with_identity(void **state)
{
    (void)state;
    for (size_t depth = 0; depth <= 4; depth += 2) {
        double pred[4];
        double mse =
            train_xor(NNACT_ACT_IDENTITY, depth, 4, 3, NNACT_INIT_XAVIER_UNIFORM, 1500, 0.01, pred);
        printf("XOR identity, %zu hidden layers: MSE %.17g\n", depth, mse);
        assert_true(mse >= 0.25 * (1.0 - 1e-12));
        assert_true(mse < 0.25 + 1e-3); /* it did train, down to the floor */
    }
}

/* The classic toy set: y is the first input column, so a linear network fits it. */
static void toy_4x3_identity_net_fits(void **state)
{
    (void)state;
    const double X[12] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, y[4] = {0, 0, 1, 1};
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 4, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 10, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 1, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_init_ex(net, NNACT_INIT_NORMAL, 0.5, 2024), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e-3), NNACT_OK);
    double loss = NAN, first = NAN;
    for (int s = 0; s < 2000; s++) {
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_HALF_SSE, 4, X, y, &loss),
                         NNACT_OK);
        if (s == 0) first = loss;
    }
    double pred[4];
    assert_int_equal(nnact_net_predict(net, 4, X, pred), NNACT_OK);
    printf("toy 4x3, 3-4-10-1 identity, half-SSE, SGD: loss %.3g -> %.3g, predictions %.3f %.3f "
           "%.3f %.3f\n",
           first, loss, pred[0], pred[1], pred[2], pred[3]);
    for (int i = 0; i < 4; i++)
        assert_close(round(pred[i]), y[i], 0.0);
    assert_true(loss < first);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* ---- nnact_net_init ---- */

static void net_init_is_reproducible_and_per_layer(void **state)
{
    (void)state;
    nnact_net *a = mlp_3642(), *b = mlp_3642();
    size_t np = nnact_net_param_count(a);
    double pa[62], pb[62];
    assert_int_equal(nnact_net_set_params(b, np, (double[64]){0}), NNACT_OK);
    assert_int_equal(nnact_net_init(a, NNACT_INIT_HE_NORMAL, 77), NNACT_OK);
    assert_int_equal(nnact_net_init(b, NNACT_INIT_HE_NORMAL, 77), NNACT_OK);
    assert_int_equal(nnact_net_get_params(a, np, pa), NNACT_OK);
    assert_int_equal(nnact_net_get_params(b, np, pb), NNACT_OK);
    assert_memory_equal(pa, pb, np * sizeof(double));
    /* layer l = nnact_init_fill(stream l), biases zero */
    size_t off = 0, ins[3] = {3, 6, 4}, outs[3] = {6, 4, 2};
    for (int l = 0; l < 3; l++) {
        double w[24];
        assert_int_equal(nnact_init_fill(NNACT_INIT_HE_NORMAL, NAN, ins[l], outs[l], 77,
                                         (uint64_t)l, ins[l] * outs[l], w),
                         NNACT_OK);
        for (size_t i = 0; i < ins[l] * outs[l]; i++)
            assert_same_bits(pa[off + i], w[i]);
        off += ins[l] * outs[l];
        for (size_t i = 0; i < outs[l]; i++)
            assert_same_bits(pa[off + i], 0.0);
        off += outs[l];
    }
    assert_int_equal(nnact_net_init(b, NNACT_INIT_HE_NORMAL, 78), NNACT_OK);
    assert_int_equal(nnact_net_get_params(b, np, pb), NNACT_OK);
    assert_true(memcmp(pa, pb, np * sizeof(double)) != 0);
    /* bad input leaves the network alone */
    assert_int_equal(nnact_net_init(a, (nnact_init_kind)6, 1), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_init_ex(a, NNACT_INIT_NORMAL, -2.0, 1), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_init(NULL, NNACT_INIT_NORMAL, 1), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_get_params(a, np, pb), NNACT_OK);
    assert_memory_equal(pa, pb, np * sizeof(double));
    nnact_net_free(a);
    nnact_net_free(b);
}

static void net_init_out_of_memory_changes_nothing(void **state)
{
    (void)state;
    nnact_net *a = mlp_3642();
    size_t np = nnact_net_param_count(a);
    double before[64], after[64];
    assert_int_equal(nnact_net_init(a, NNACT_INIT_XAVIER_NORMAL, 5), NNACT_OK);
    assert_int_equal(nnact_net_get_params(a, np, before), NNACT_OK);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_net_init(a, NNACT_INIT_NORMAL, 6), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(nnact_net_get_params(a, np, after), NNACT_OK);
    assert_memory_equal(before, after, np * sizeof(double));
    nnact_net_free(a);
}

/* ---- nnact_net_train_step ---- */

static void train_step_bad_input(void **state)
{
    (void)state;
    nnact_net *net = mlp_3642(), *other = NULL, *empty = NULL;
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 1), NNACT_OK);
    double x[6] = {0.1, 0.2, 0.3, -0.1, -0.2, -0.3}, t[4] = {0.5, -0.5, 0.25, 0}, L;
    assert_int_equal(nnact_net_train_step(NULL, o, NNACT_LOSS_MSE, 2, x, t, &L), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_train_step(net, NULL, NNACT_LOSS_MSE, 2, x, t, &L), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, NULL, t, &L), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, x, NULL, &L), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, x, t, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 0, x, t, &L), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "batch"));
    assert_int_equal(nnact_net_train_step(net, o, (nnact_loss_kind)99, 2, x, t, &L), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "loss kind"));
    assert_int_equal(nnact_net_create(3, &empty), NNACT_OK);
    assert_int_equal(nnact_net_train_step(empty, o, NNACT_LOSS_MSE, 2, x, t, &L), NNACT_ERR_STATE);
    assert_int_equal(nnact_opt_step_count(o), 0);

    /* bound to one network; another of a different size is refused with nothing changed */
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, x, t, &L), NNACT_OK);
    assert_int_equal(nnact_net_create(3, &other), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(other, 2, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_init(other, NNACT_INIT_NORMAL, 2), NNACT_OK);
    double before[8], after[8];
    assert_int_equal(nnact_net_get_params(other, 8, before), NNACT_OK);
    assert_int_equal(nnact_net_train_step(other, o, NNACT_LOSS_MSE, 2, x, t, &L), NNACT_ERR_SHAPE);
    assert_non_null(strstr(nnact_last_error(), "holds 62"));
    assert_int_equal(nnact_net_get_params(other, 8, after), NNACT_OK);
    assert_memory_equal(before, after, sizeof before);
    assert_int_equal(nnact_net_get_grads(other, 8, after), NNACT_ERR_STATE); /* never ran */
    assert_int_equal(nnact_opt_step_count(o), 1);
    nnact_net_free(other);
    nnact_net_free(empty);
    nnact_net_free(net);
    nnact_opt_free(o);
}

/* Targets outside the loss's domain are refused before the forward pass: a
 * forward the caller kept with nnact_net_forward() is still there, and the
 * parameters, gradients and optimizer are as they were. */
static void bad_targets_are_refused_before_anything_runs(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double w[2] = {0.5, -0.25}, b = 0.125;
    assert_int_equal(nnact_net_set_layer(net, 0, w, &b), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    const double x[4] = {1, 2, 3, 4}, xk[2] = {2, 4};
    double y[1], L = -1, dx[2] = {NAN, NAN};
    /* the caller's kept forward: y = 2*0.5 - 4*0.25 + 0.125 = 0.125 */
    assert_int_equal(nnact_net_forward(net, 1, xk, y), NNACT_OK);
    const double t_bce[2] = {0.5, 1.5}, t_cls[2] = {0.0, 1.0};
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_BCE_LOGITS, 2, x, t_bce, &L),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "outside [0, 1]"));
    /* a class index 1 does not exist with one output */
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_SOFTMAX_CE_INDEX, 2, x, t_cls, &L),
                     NNACT_ERR_ARG);
    assert_close(L, -1.0, 0.0);
    assert_int_equal(nnact_opt_step_count(o), 0);
    /* the kept forward survives: backward of dy = 1 gives dx = w */
    const double dy = 1.0;
    assert_int_equal(nnact_net_backward(net, &dy, dx), NNACT_OK);
    assert_close(dx[0], 0.5, 0.0);
    assert_close(dx[1], -0.25, 0.0);
    double W2[2], b2;
    assert_int_equal(nnact_net_get_layer(net, 0, W2, &b2), NNACT_OK);
    assert_memory_equal(W2, w, sizeof w);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* nnact_net_train_step with a learning rate at or near DBL_MAX, for the seven
   rules: each step succeeds with every parameter finite, or is refused with
   NNACT_ERR_NUMERIC and parameters, optimizer state and step count
   bit-identical to before. */
static void overflowing_train_step_is_refused_with_nothing_changed(void **state)
{
    (void)state;
    const double lrs[] = {DBL_MAX, 1e308, 1e250, 1e100};
    fill_fit_data_for_kth();
    int refused = 0, succeeded = 0;
    for (int k = 0; k < (int)nnact_opt_count(); k++)
        for (size_t l = 0; l < sizeof lrs / sizeof lrs[0]; l++) {
            nnact_net *net = mlp_3642();
            assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 7), NNACT_OK);
            nnact_opt *o = NULL;
            assert_int_equal(nnact_opt_create((nnact_opt_kind)k, &o), NNACT_OK);
            double L;
            assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 16, kth_x, kth_t, &L),
                             NNACT_OK);
            assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lrs[l]), NNACT_OK);
            const size_t np = nnact_net_param_count(net);
            double p0[64], p1[64];
            assert_true(np <= 64);
            for (int t = 0; t < 4; t++) {
                struct nnact__opt_state v;
                nnact__opt_state_view(o, &v);
                const uint64_t steps = v.steps;
                const size_t ns = v.n_bufs * v.bound_n;
                double st0[3 * 64];
                assert_true(ns <= 3 * 64);
                if (ns) memcpy(st0, v.state, ns * sizeof(double));
                assert_int_equal(nnact_net_get_params(net, np, p0), NNACT_OK);
                nnact_status s = nnact_net_train_step(net, o, NNACT_LOSS_MSE, 16, kth_x, kth_t, &L);
                assert_int_equal(nnact_net_get_params(net, np, p1), NNACT_OK);
                nnact__opt_state_view(o, &v);
                if (s == NNACT_OK) {
                    succeeded++;
                    for (size_t i = 0; i < np; i++)
                        assert_true(isfinite(p1[i]));
                    assert_int_equal(v.steps, steps + 1);
                } else {
                    refused++;
                    assert_int_equal(s, NNACT_ERR_NUMERIC);
                    assert_non_null(strstr(nnact_last_error(), "nnact_net_train_step"));
                    assert_memory_equal(p0, p1, np * sizeof(double));
                    assert_int_equal(v.steps, steps);
                    if (ns) assert_memory_equal(st0, v.state, ns * sizeof(double));
                }
            }
            nnact_opt_free(o);
            nnact_net_free(net);
        }
    assert_true(refused > 0);
    assert_true(succeeded > 0);
}

/* 1 when the text has no control byte (< 0x20 or 0x7f) */
static int plain_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f) return 0;
    return 1;
}

/* Details that quote user bytes (a name, a path, a spec) escape control
   characters and cut long values (issue 13 item 6). */
static void details_escape_and_cut_user_bytes(void **state)
{
    (void)state;
    char long_name[400];
    memset(long_name, 'q', 300);
    long_name[300] = '\0';
    const char *names[] = {"a\x01"
                           "b",
                           "\x1b[31mx", long_name};
    for (size_t i = 0; i < 3; i++) {
        nnact_act_kind k;
        assert_int_equal(nnact_act_from_name(names[i], &k), NNACT_ERR_ARG);
        const char *d = nnact_last_error();
        assert_true(plain_text(d));
        assert_non_null(strstr(d, "nnact_act_from_name"));
        if (i == 0) assert_non_null(strstr(d, "a\\x01b"));
        if (i == 1) assert_non_null(strstr(d, "\\x1b[31mx"));
        if (i == 2) {
            assert_null(strstr(d, long_name + 200)); /* cut: 100 q's in a row are not there */
            assert_non_null(strstr(d, "..."));
        }
        nnact_opt_kind ok;
        assert_int_equal(nnact_opt_from_name(names[i], &ok), NNACT_ERR_ARG);
        assert_true(plain_text(nnact_last_error()));
    }
    /* a path: escaped, and a long one keeps its last 100 characters */
    char path[360] = "/nonexistent/\x07\x1b[31m/";
    strcat(path, long_name);
    const char *paths[] = {"/nonexistent/\x07", "/nonexistent/a\nb", path};
    for (size_t i = 0; i < 3; i++) {
        nnact_net *net = NULL;
        assert_int_equal(nnact_net_load(paths[i], &net), NNACT_ERR_IO);
        assert_null(net);
        const char *d = nnact_last_error();
        assert_true(plain_text(d));
        assert_non_null(strstr(d, "nnact_net_load"));
        if (i == 0) assert_non_null(strstr(d, "/nonexistent/\\x07'"));
        if (i == 1) assert_non_null(strstr(d, "/nonexistent/a\\nb'"));
        if (i == 2) assert_true(strlen(d) < 300);
    }
    /* a spec */
    nnact_net *net = NULL;
    assert_int_equal(
        nnact_net_from_spec("3,\x1b[31m4", NNACT_ACT_TANH, NNACT_ACT_IDENTITY, 0, &net),
        NNACT_ERR_ARG);
    assert_true(plain_text(nnact_last_error()));
}

static void nonfinite_loss_or_gradient_changes_nothing(void **state)
{
    (void)state;
    /* 1 input -> 1 output, identity: loss MSE of y = w x + b against t */
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    double w = 0.0, b = 0.0, L = 0;
    assert_int_equal(nnact_net_set_layer(net, 0, &w, &b), NNACT_OK);
    double xs[2] = {1.0, 2.0}, ts[2] = {1.0, 1.0};
    /* a first step at lr 0 binds the optimizer and fills its state but keeps w = b = 0 */
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, xs, ts, &L), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.01), NNACT_OK);
    double p0[2], g0[2], p1[2], g1[2];
    assert_int_equal(nnact_net_get_params(net, 2, p0), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(net, 2, g0), NNACT_OK);

    /* a NaN target: the loss is NaN, backward never runs */
    double tn[2] = {NAN, 1.0};
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, xs, tn, &L),
                     NNACT_ERR_NUMERIC);
    assert_true(isnan(L));
    assert_non_null(strstr(nnact_last_error(), "loss"));
    assert_int_equal(nnact_net_get_params(net, 2, p1), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(net, 2, g1), NNACT_OK);
    assert_memory_equal(p0, p1, sizeof p0);
    assert_memory_equal(g0, g1, sizeof g0); /* the previous step's gradients */
    assert_int_equal(nnact_opt_step_count(o), 1);

    /* finite loss, overflowing gradient: dW = sum x dy = 2 * 1.5e308 * dy -> Inf */
    double xb[2] = {1.5e308, 1.5e308};
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, xb, ts, &L),
                     NNACT_ERR_NUMERIC);
    assert_true(isfinite(L));
    assert_non_null(strstr(nnact_last_error(), "gradient 0"));
    assert_int_equal(nnact_net_get_params(net, 2, p1), NNACT_OK);
    assert_memory_equal(p0, p1, sizeof p0);
    assert_int_equal(nnact_net_get_grads(net, 2, g1), NNACT_OK);
    assert_true(isinf(g1[0])); /* this batch's gradients are readable */
    assert_int_equal(nnact_opt_step_count(o), 1);

    /* and the optimizer state is untouched: continuing equals a twin that never saw them */
    nnact_net *twin = NULL;
    nnact_opt *o2 = NULL;
    assert_int_equal(nnact_net_create(1, &twin), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(twin, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(twin, 0, &w, &b), NNACT_OK);
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o2), NNACT_OK);
    assert_int_equal(nnact_opt_set(o2, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    assert_int_equal(nnact_net_train_step(twin, o2, NNACT_LOSS_MSE, 2, xs, ts, &L), NNACT_OK);
    assert_int_equal(nnact_opt_set(o2, NNACT_OPT_PARAM_LR, 0.01), NNACT_OK);
    for (int s = 0; s < 5; s++) {
        double L2;
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, xs, ts, &L), NNACT_OK);
        assert_int_equal(nnact_net_train_step(twin, o2, NNACT_LOSS_MSE, 2, xs, ts, &L2), NNACT_OK);
        assert_same_bits(L, L2);
    }
    assert_int_equal(nnact_net_get_params(net, 2, p0), NNACT_OK);
    assert_int_equal(nnact_net_get_params(twin, 2, p1), NNACT_OK);
    assert_memory_equal(p0, p1, sizeof p0);
    nnact_net_free(twin);
    nnact_opt_free(o2);
    nnact_net_free(net);
    nnact_opt_free(o);
}

static void train_step_allocates_only_at_a_new_batch_size(void **state)
{
    (void)state;
    nnact_net *net = mlp_3642();
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 4), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_RMSPROP, &o), NNACT_OK);
    double x[30], t[20], L;
    for (int i = 0; i < 30; i++)
        x[i] = sin(i);
    for (int i = 0; i < 20; i++)
        t[i] = cos(i);
    /* out of memory on the first call: nothing changed, not even the optimizer's binding */
    double p0[62], p1[62];
    assert_int_equal(nnact_net_get_params(net, 62, p0), NNACT_OK);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 10, x, t, &L), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(nnact_net_get_params(net, 62, p1), NNACT_OK);
    assert_memory_equal(p0, p1, sizeof p0);
    assert_int_equal(nnact_opt_step_count(o), 0);

    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 10, x, t, &L), NNACT_OK);
    size_t before = nnact__alloc_count();
    for (int s = 0; s < 50; s++) {
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 10, x, t, &L), NNACT_OK);
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 3, x, t, &L), NNACT_OK);
    }
    assert_int_equal(nnact__alloc_count(), before);
    nnact_net_free(net);
    nnact_opt_free(o);
}

/* ---- the fused and layer-by-layer update paths of nnact_net_train_step ---- */

static void train_data_3642(double *x, double *t)
{
    for (int i = 0; i < 8 * 3; i++)
        x[i] = sin(0.37 * i + 0.1);
    for (int i = 0; i < 8 * 2; i++)
        t[i] = cos(0.53 * i);
}

/* Plain SGD rides in the weight product: W <- (1 - lr wd) W - lr X^T dZ. The
   reference is the public backward's gradient and torch's rule
   p - lr (g + wd p), in long double; the step leaves no gradient to read and
   no forward to differentiate. */
static void fused_sgd_step_follows_the_rule(void **state)
{
    (void)state;
    double x[24], t[16];
    train_data_3642(x, t);
    for (int with_wd = 0; with_wd < 2; with_wd++) {
        const double lr = 0.05, wd = with_wd ? 0.1 : 0.0;
        nnact_net *net = mlp_3642(), *twin = mlp_3642();
        assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 11), NNACT_OK);
        assert_int_equal(nnact_net_init(twin, NNACT_INIT_XAVIER_UNIFORM, 11), NNACT_OK);
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, wd), NNACT_OK);
        for (int step = 0; step < 3; step++) {
            double p[62], g[62], q[62], y[16], dy[16], L, L2;
            assert_int_equal(nnact_net_get_params(twin, 62, p), NNACT_OK);
            assert_int_equal(nnact_net_forward(twin, 8, x, y), NNACT_OK);
            assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 8, 2, y, t, &L2, dy), NNACT_OK);
            assert_int_equal(nnact_net_backward(twin, dy, NULL), NNACT_OK);
            assert_int_equal(nnact_net_get_grads(twin, 62, g), NNACT_OK);
            assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 8, x, t, &L), NNACT_OK);
            assert_same_bits(L, L2); /* the same forward */
            assert_int_equal(nnact_net_get_params(net, 62, q), NNACT_OK);
            for (int i = 0; i < 62; i++) {
                const long double e =
                    (long double)p[i] -
                    (long double)lr * ((long double)g[i] + wd * (long double)p[i]);
                p[i] = (double)e;
                assert_close(q[i], p[i], 1e-15 * fmax(1.0, fabs(p[i])));
            }
            /* the twin continues from the step's own result, so the next forward
               is the same bits on every CPU path */
            assert_int_equal(nnact_net_set_params(twin, 62, q), NNACT_OK);
            assert_int_equal(nnact_net_get_grads(net, 62, g), NNACT_ERR_STATE);
            assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_ERR_STATE);
        }
        assert_int_equal(nnact_opt_step_count(o), 3);
        nnact_opt_free(o);
        nnact_net_free(net);
        nnact_net_free(twin);
    }
}

/* lr * weight_decay overflowing must not reach the fused product, where
 * (1 - lr wd) * 0 would be -Inf * 0 = NaN: with zero parameters and a zero
 * gradient, torch's p - lr (g + wd p) is exactly 0. */
static void fused_sgd_refuses_an_overflowing_decay(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e200), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 1e200), NNACT_OK);
    const double x[2] = {1.0, -1.0}, t[1] = {0.0};
    double L = NAN, p[3];
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 1, x, t, &L), NNACT_OK);
    assert_same_bits(L, 0.0);
    assert_int_equal(nnact_net_get_params(net, 3, p), NNACT_OK);
    for (int i = 0; i < 3; i++)
        assert_close(p[i], 0.0, 0.0);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* The fit loop's step, nnact__train_step(..., lr, ...): the scheduled rate
 * flows into the update as a value. Every optimizer, on the fused, layerwise
 * and checked (global-norm clipping) paths: the same bits (parameters, loss,
 * optimizer state and step count) as writing lr into the optimizer and
 * calling nnact_net_train_step; the optimizer's LR is never written. */
static void opt_same_state(const nnact_opt *a, const nnact_opt *b)
{
    struct nnact__opt_state sa, sb;
    nnact__opt_state_view(a, &sa);
    nnact__opt_state_view(b, &sb);
    assert_int_equal(sa.steps, sb.steps);
    assert_int_equal(sa.bound_n, sb.bound_n);
    assert_int_equal(sa.n_bufs, sb.n_bufs);
    assert_int_equal(sa.momentum_init, sb.momentum_init);
    if (sa.n_bufs) assert_memory_equal(sa.state, sb.state, sa.n_bufs * sa.bound_n * sizeof(double));
}

static void scheduled_rate_equals_setting_the_lr(void **state)
{
    (void)state;
    static const struct {
        nnact_opt_kind kind;
        nnact_opt_param key;
        double value;
    } cases[] = {
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.0}, /* fused */
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.1}, /* fused, decay = 1 - lr wd */
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_CLIP_VALUE, 0.05},  /* layerwise, unfused */
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_CLIP_NORM, 0.01},   /* checked path */
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_CHECK_FINITE, 0.0}, /* no bound */
        {NNACT_OPT_MOMENTUM, NNACT_OPT_PARAM_DAMPENING, 0.2},
        {NNACT_OPT_NESTEROV, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.01},
        {NNACT_OPT_ADAGRAD, NNACT_OPT_PARAM_LR_DECAY, 0.1},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_CENTERED, 1.0},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_AMSGRAD, 1.0},
        {NNACT_OPT_ADAMW, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.05}, /* decoupled: 1 - lr wd */
        {NNACT_OPT_ADAMW, NNACT_OPT_PARAM_CLIP_NORM, 0.05},
    };
    static const double sched[] = {0.03, 0.01, 0.0, 0.2, 0.007};
    const double base = 0.123;
    double x[24], t[16];
    train_data_3642(x, t);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nnact_net *net = mlp_3642(), *twin = mlp_3642();
        assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
        assert_int_equal(nnact_net_init(twin, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
        nnact_opt *o = NULL, *ref = NULL;
        assert_int_equal(nnact_opt_create(cases[c].kind, &o), NNACT_OK);
        assert_int_equal(nnact_opt_create(cases[c].kind, &ref), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, base), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, cases[c].key, cases[c].value), NNACT_OK);
        assert_int_equal(nnact_opt_set(ref, cases[c].key, cases[c].value), NNACT_OK);
        for (size_t s = 0; s < sizeof sched / sizeof sched[0]; s++) {
            double L = NAN, L2 = NAN, p[62], q[62], lr = NAN;
            assert_int_equal(nnact_opt_set(ref, NNACT_OPT_PARAM_LR, sched[s]), NNACT_OK);
            assert_int_equal(nnact_net_train_step(twin, ref, NNACT_LOSS_MSE, 8, x, t, &L2),
                             NNACT_OK);
            assert_int_equal(
                nnact__train_step(net, o, NNACT_LOSS_MSE, 8, x, t, sched[s], &L, "test"), NNACT_OK);
            assert_same_bits(L, L2);
            assert_int_equal(nnact_net_get_params(net, 62, p), NNACT_OK);
            assert_int_equal(nnact_net_get_params(twin, 62, q), NNACT_OK);
            assert_memory_equal(p, q, sizeof p);
            opt_same_state(o, ref);
            assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
            assert_same_bits(lr, base);
        }
        /* NAN: the optimizer's own rate, as nnact_net_train_step */
        double L = NAN, L2 = NAN, p[62], q[62];
        assert_int_equal(nnact_opt_set(ref, NNACT_OPT_PARAM_LR, base), NNACT_OK);
        assert_int_equal(nnact_net_train_step(twin, ref, NNACT_LOSS_MSE, 8, x, t, &L2), NNACT_OK);
        assert_int_equal(nnact__train_step(net, o, NNACT_LOSS_MSE, 8, x, t, NAN, &L, "test"),
                         NNACT_OK);
        assert_same_bits(L, L2);
        assert_int_equal(nnact_net_get_params(net, 62, p), NNACT_OK);
        assert_int_equal(nnact_net_get_params(twin, 62, q), NNACT_OK);
        assert_memory_equal(p, q, sizeof p);
        opt_same_state(o, ref);
        nnact_opt_free(o);
        nnact_opt_free(ref);
        nnact_net_free(net);
        nnact_net_free(twin);
    }
}

/* A rate that is not finite and >= 0 is refused before anything runs, with
 * the caller named; an lr * weight_decay that overflows at the passed rate
 * (not the optimizer's) takes the unfused SGD step. */
static void scheduled_rate_bad_or_extreme(void **state)
{
    (void)state;
    double x[24], t[16], p0[62], p[62];
    train_data_3642(x, t);
    nnact_net *net = mlp_3642();
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
    assert_int_equal(nnact_net_get_params(net, 62, p0), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    static const double bad[] = {-1.0, -0.0 - 1e-300, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double L = 7.0;
        assert_int_equal(nnact__train_step(net, o, NNACT_LOSS_MSE, 8, x, t, bad[i], &L, "who_x"),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "who_x: learning rate"));
        assert_same_bits(L, 7.0);
        assert_int_equal(nnact_net_get_params(net, 62, p), NNACT_OK);
        assert_memory_equal(p, p0, sizeof p);
        assert_int_equal(nnact_opt_step_count(o), 0);
    }
    nnact_opt_free(o);
    nnact_net_free(net);

    /* the unfused rule at zero parameters and gradient: exactly 0, where the
       fused (1 - lr wd) * 0 = -Inf * 0 would be NaN */
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 1e200), NNACT_OK);
    const double x1[2] = {1.0, -1.0}, t1[1] = {0.0};
    double L = NAN, w[3], lr = NAN;
    assert_int_equal(nnact__train_step(net, o, NNACT_LOSS_MSE, 1, x1, t1, 1e200, &L, "test"),
                     NNACT_OK);
    assert_int_equal(nnact_net_get_params(net, 3, w), NNACT_OK);
    for (int i = 0; i < 3; i++)
        assert_same_bits(w[i], 0.0);
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
    assert_same_bits(lr, 1e-3);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Every other optimizer updates each layer right after its weight product:
   the same numbers, bit for bit, as the public backward followed by one
   nnact_opt_step over the flat arrays; the gradients stay readable. */
static void layerwise_update_equals_backward_then_step(void **state)
{
    (void)state;
    double x[24], t[16];
    train_data_3642(x, t);
    const nnact_opt_kind kinds[] = {NNACT_OPT_MOMENTUM, NNACT_OPT_NESTEROV, NNACT_OPT_ADAGRAD,
                                    NNACT_OPT_RMSPROP,  NNACT_OPT_ADAM,     NNACT_OPT_ADAMW,
                                    NNACT_OPT_SGD};
    for (size_t c = 0; c < sizeof kinds / sizeof kinds[0]; c++) {
        nnact_net *net = mlp_3642(), *twin = mlp_3642();
        assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
        assert_int_equal(nnact_net_init(twin, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
        nnact_opt *o = NULL, *o2 = NULL;
        assert_int_equal(nnact_opt_create(kinds[c], &o), NNACT_OK);
        assert_int_equal(nnact_opt_create(kinds[c], &o2), NNACT_OK);
        /* clipping by value keeps SGD off the fused product; weight decay on */
        const double cv = kinds[c] == NNACT_OPT_SGD ? 0.05 : 0.0;
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CLIP_VALUE, cv), NNACT_OK);
        assert_int_equal(nnact_opt_set(o2, NNACT_OPT_PARAM_CLIP_VALUE, cv), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.01), NNACT_OK);
        assert_int_equal(nnact_opt_set(o2, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.01), NNACT_OK);
        for (int step = 0; step < 4; step++) {
            double p[62], q[62], g[62], g2[62], y[16], dy[16], L, L2;
            assert_int_equal(nnact_net_forward(twin, 8, x, y), NNACT_OK);
            assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 8, 2, y, t, &L2, dy), NNACT_OK);
            assert_int_equal(nnact_net_backward(twin, dy, NULL), NNACT_OK);
            assert_int_equal(nnact_net_get_params(twin, 62, p), NNACT_OK);
            assert_int_equal(nnact_net_get_grads(twin, 62, g2), NNACT_OK);
            assert_int_equal(nnact_opt_step(o2, 62, p, g2), NNACT_OK);
            assert_int_equal(nnact_net_set_params(twin, 62, p), NNACT_OK);
            assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 8, x, t, &L), NNACT_OK);
            assert_same_bits(L, L2);
            assert_int_equal(nnact_net_get_params(net, 62, q), NNACT_OK);
            assert_memory_equal(q, p, sizeof p);
            assert_int_equal(nnact_net_get_grads(net, 62, g), NNACT_OK);
            assert_memory_equal(g, g2, sizeof g);
        }
        assert_int_equal(nnact_opt_step_count(o), 4);
        nnact_opt_free(o);
        nnact_opt_free(o2);
        nnact_net_free(net);
        nnact_net_free(twin);
    }
}

/* The top layer's gradient is finite, the layer below overflows: a step that
   updated layer by layer as it went would already have changed the top layer.
   1 -> 1 -> 1 identity, W0 = b0 = 0, W1 = 1e307, b1 = 0, x = 100, t = 1:
   y = 0, MSE loss 1, dZ1 = -1, dW1 = 0, db1 = -2, dZ0 = -1e307,
   dW0 = 2 * 100 * -1e307 = -Inf. Nothing may change, for the fused SGD
   product and the layer-by-layer Adam alike. */
static void lower_layer_overflow_changes_nothing(void **state)
{
    (void)state;
    const nnact_opt_kind kinds[] = {NNACT_OPT_SGD, NNACT_OPT_ADAM};
    for (size_t c = 0; c < 2; c++) {
        nnact_net *net = NULL;
        assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
        assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
        assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
        const double p0[4] = {0.0, 0.0, 1e307, 0.0};
        assert_int_equal(nnact_net_set_params(net, 4, p0), NNACT_OK);
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(kinds[c], &o), NNACT_OK);
        const double x[2] = {100.0, 100.0}, t[2] = {1.0, 1.0};
        double L = NAN, p1[4], g[4];
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 2, x, t, &L),
                         NNACT_ERR_NUMERIC);
        assert_same_bits(L, 1.0);
        assert_non_null(strstr(nnact_last_error(), "gradient 0"));
        assert_int_equal(nnact_net_get_params(net, 4, p1), NNACT_OK);
        assert_memory_equal(p0, p1, sizeof p0);
        assert_int_equal(nnact_opt_step_count(o), 0);
        /* this batch's gradients are readable, as documented */
        assert_int_equal(nnact_net_get_grads(net, 4, g), NNACT_OK);
        assert_true(isinf(g[0]) && g[0] < 0);
        assert_same_bits(g[1], -2e307);
        assert_same_bits(g[2], 0.0);
        assert_same_bits(g[3], -2.0);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
}

/* Every allocation of a first train step and of a fit, failed in turn: each
   failure is NNACT_ERR_NOMEM with parameters and step count unchanged, and the
   call then succeeds once allocations are allowed. */
static void kth_allocation_failure_changes_nothing(void **state)
{
    (void)state;
    fill_fit_data_for_kth();
    for (int which = 0; which < 2; which++) {
        size_t failures = 0;
        for (size_t k = 1; k < 100; k++) {
            nnact_net *net = mlp_3642();
            nnact_opt *o = NULL;
            assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 2), NNACT_OK);
            assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
            double p0[62], p1[62], L;
            assert_int_equal(nnact_net_get_params(net, 62, p0), NNACT_OK);
            struct fail_at ctx = {k - 1, 0}; /* the k-th allocation, counting from 1 */
            nnact__alloc_set_hook(fail_kth, &ctx);
            nnact_status st =
                which == 0 ? nnact_net_train_step(net, o, NNACT_LOSS_MSE, 8, kth_x, kth_t, &L)
                           : nnact_net_fit(net, o, NNACT_LOSS_MSE, 16, kth_x, kth_t, 2, 4, 0.25, 1,
                                           NULL, NNACT_FIT_RESTORE_BEST, NULL, NULL, NULL, NULL);
            nnact__alloc_set_hook(NULL, NULL);
            int done = st == NNACT_OK;
            if (!done) {
                assert_int_equal(st, NNACT_ERR_NOMEM);
                assert_int_equal(nnact_net_get_params(net, 62, p1), NNACT_OK);
                assert_memory_equal(p0, p1, sizeof p0);
                assert_int_equal(nnact_opt_step_count(o), 0);
                failures++;
            }
            nnact_opt_free(o);
            nnact_net_free(net);
            if (done) break;
        }
        assert_true(failures >= 3); /* forward buffers, scratch, state, ... */
    }
}

/* ---- nnact_net_fit ---- */

struct fit_log {
    size_t calls, stop_at;
    double loss[64], val[64], lr[64];
    nnact_opt *o;
};

static int log_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                     void *user)
{
    struct fit_log *g = user;
    assert_true(epoch == g->calls + 1 && epoch <= epochs && elapsed >= 0.0);
    g->loss[g->calls] = loss;
    g->val[g->calls] = val;
    if (g->o != NULL) nnact_opt_get(g->o, NNACT_OPT_PARAM_LR, &g->lr[g->calls]);
    g->calls++;
    return g->stop_at != 0 && epoch >= g->stop_at;
}

#define FIT_N 40
static double fit_x[FIT_N * 3], fit_t[FIT_N * 2];

static void fill_fit_data(void)
{
    for (int i = 0; i < FIT_N; i++) {
        for (int j = 0; j < 3; j++)
            fit_x[i * 3 + j] = sin(1.7 * i + j);
        fit_t[i * 2] = fit_x[i * 3] * fit_x[i * 3 + 1];
        fit_t[i * 2 + 1] = 0.5 * fit_x[i * 3 + 2];
    }
}

static void fit_is_deterministic_and_learns(void **state)
{
    (void)state;
    fill_fit_data();
    double p[2][62];
    struct fit_log g[2];
    for (int r = 0; r < 2; r++) {
        nnact_net *net = mlp_3642();
        assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 10), NNACT_OK);
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.01), NNACT_OK);
        memset(&g[r], 0, sizeof g[r]);
        size_t best_e = 99;
        double best_l = NAN;
        assert_int_equal(nnact_net_fit(net, o, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, 30, 7, 0.25,
                                       123, NULL, 0, log_epoch, &g[r], &best_e, &best_l),
                         NNACT_OK);
        assert_int_equal(g[r].calls, 30);
        /* 7 batches of 30 train rows: 4 full of 7 and one of 2, each one step */
        assert_int_equal(nnact_opt_step_count(o), 30 * 5);
        assert_true(best_e >= 1 && best_e <= 30);
        assert_same_bits(best_l, g[r].val[best_e - 1]);
        for (size_t e = 0; e < 30; e++)
            assert_true(g[r].val[e] >= best_l);
        assert_true(g[r].loss[29] < 0.5 * g[r].loss[0]);
        assert_int_equal(nnact_net_get_params(net, 62, p[r]), NNACT_OK);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
    assert_memory_equal(p[0], p[1], sizeof p[0]);
    assert_memory_equal(g[0].loss, g[1].loss, 30 * sizeof(double));
    /* validation loss is the loss of the last 10 rows, recomputed independently */
    nnact_net *net = mlp_3642();
    assert_int_equal(nnact_net_set_params(net, 62, p[0]), NNACT_OK);
    double yv[20], vl;
    assert_int_equal(nnact_net_predict(net, 10, fit_x + 30 * 3, yv), NNACT_OK);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 10, 2, yv, fit_t + 60, &vl, NULL), NNACT_OK);
    assert_same_bits(vl, g[0].val[29]);
    /* another seed shuffles differently */
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.01), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 10), NNACT_OK);
    assert_int_equal(nnact_net_fit(net, o, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, 30, 7, 0.25, 124,
                                   NULL, 0, NULL, NULL, NULL, NULL),
                     NNACT_OK);
    double q[62];
    assert_int_equal(nnact_net_get_params(net, 62, q), NNACT_OK);
    assert_true(memcmp(q, p[0], sizeof q) != 0);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Full batch, no shuffling: fit is exactly a loop of train steps. */
static void fit_full_batch_equals_train_steps(void **state)
{
    (void)state;
    fill_fit_data();
    nnact_net *a = mlp_3642(), *b = mlp_3642();
    assert_int_equal(nnact_net_init(a, NNACT_INIT_HE_UNIFORM, 3), NNACT_OK);
    assert_int_equal(nnact_net_init(b, NNACT_INIT_HE_UNIFORM, 3), NNACT_OK);
    nnact_opt *oa = NULL, *ob = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_NESTEROV, &oa), NNACT_OK);
    assert_int_equal(nnact_opt_create(NNACT_OPT_NESTEROV, &ob), NNACT_OK);
    struct fit_log g;
    memset(&g, 0, sizeof g);
    assert_int_equal(nnact_net_fit(a, oa, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, 12, FIT_N, 0.0, 0,
                                   NULL, NNACT_FIT_NO_SHUFFLE, log_epoch, &g, NULL, NULL),
                     NNACT_OK);
    for (int s = 0; s < 12; s++) {
        double L;
        assert_int_equal(nnact_net_train_step(b, ob, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, &L),
                         NNACT_OK);
        assert_same_bits(g.loss[s], L);
        assert_true(isnan(g.val[s]));
    }
    double pa[62], pb[62];
    assert_int_equal(nnact_net_get_params(a, 62, pa), NNACT_OK);
    assert_int_equal(nnact_net_get_params(b, 62, pb), NNACT_OK);
    assert_memory_equal(pa, pb, sizeof pa);
    nnact_opt_free(oa);
    nnact_opt_free(ob);
    nnact_net_free(a);
    nnact_net_free(b);
}

static void fit_schedule_callback_stop_and_restore_best(void **state)
{
    (void)state;
    fill_fit_data();
    nnact_net *net = mlp_3642();
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_NORMAL, 8), NNACT_OK);
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.4), NNACT_OK);
    nnact_sched *s = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_STEP_SIZE, 3), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_GAMMA, 0.5), NNACT_OK);
    struct fit_log g;
    memset(&g, 0, sizeof g);
    g.o = o;
    g.stop_at = 7;
    size_t best_e = 0;
    double best_l;
    assert_int_equal(nnact_net_fit(net, o, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, 50, 5, 0.2, 9, s,
                                   NNACT_FIT_RESTORE_BEST, log_epoch, &g, &best_e, &best_l),
                     NNACT_OK);
    assert_int_equal(g.calls, 7); /* the callback stopped it */
    for (size_t e = 0; e < 7; e++)
        assert_same_bits(g.lr[e], 0.4 * pow(0.5, (double)(e / 3)));
    double lr;
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
    assert_same_bits(lr, 0.4); /* set back */
    /* the parameters now are the best epoch's: their validation loss is best_l */
    double yv[16], vl;
    assert_int_equal(nnact_net_predict(net, 8, fit_x + 32 * 3, yv), NNACT_OK);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 8, 2, yv, fit_t + 64, &vl, NULL), NNACT_OK);
    assert_same_bits(vl, best_l);
    assert_same_bits(best_l, g.val[best_e - 1]);
    nnact_sched_free(s);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static void fit_bad_input(void **state)
{
    (void)state;
    fill_fit_data();
    nnact_net *net = mlp_3642();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    double p0[62], p1[62];
    assert_int_equal(nnact_net_init(net, NNACT_INIT_NORMAL, 1), NNACT_OK);
    assert_int_equal(nnact_net_get_params(net, 62, p0), NNACT_OK);
#define FIT(n, ep, bs, vf, fl)                                                                     \
    nnact_net_fit(net, o, NNACT_LOSS_MSE, n, fit_x, fit_t, ep, bs, vf, 0, NULL, fl, NULL, NULL,    \
                  NULL, NULL)
    assert_int_equal(FIT(FIT_N, 5, 0, 0.0, 0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "batch_size is 0"));
    assert_int_equal(FIT(FIT_N, 5, FIT_N + 1, 0.0, 0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "larger than the 40 training rows"));
    assert_int_equal(FIT(FIT_N, 5, 33, 0.2, 0), NNACT_ERR_ARG); /* 32 training rows */
    assert_int_equal(FIT(FIT_N, 5, 32, 0.2, 0), NNACT_OK);      /* full batch is fine */
    assert_int_equal(nnact_net_set_params(net, 62, p0), NNACT_OK);
    assert_int_equal(FIT(0, 5, 1, 0.0, 0), NNACT_ERR_ARG);
    assert_int_equal(FIT(FIT_N, 0, 1, 0.0, 0), NNACT_ERR_ARG);
    assert_int_equal(FIT(FIT_N, 5, 1, 1.0, 0), NNACT_ERR_ARG);
    assert_int_equal(FIT(FIT_N, 5, 1, -0.1, 0), NNACT_ERR_ARG);
    assert_int_equal(FIT(FIT_N, 5, 1, NAN, 0), NNACT_ERR_ARG);
    assert_int_equal(FIT(FIT_N, 5, 1, 0.01, 0), NNACT_ERR_ARG); /* 0 validation rows */
    assert_int_equal(FIT(FIT_N, 5, 1, 0.0, 4u), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit(net, o, (nnact_loss_kind)99, FIT_N, fit_x, fit_t, 5, 1, 0.0, 0,
                                   NULL, 0, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit(net, o, NNACT_LOSS_MSE, FIT_N, NULL, fit_t, 5, 1, 0.0, 0, NULL,
                                   0, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit(NULL, o, NNACT_LOSS_MSE, FIT_N, fit_x, fit_t, 5, 1, 0.0, 0, NULL,
                                   0, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    uint64_t steps = nnact_opt_step_count(o);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(FIT(FIT_N, 5, 4, 0.0, NNACT_FIT_RESTORE_BEST), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(nnact_net_get_params(net, 62, p1), NNACT_OK);
    assert_memory_equal(p0, p1, sizeof p0);
    assert_true(nnact_opt_step_count(o) == steps);
#undef FIT
    nnact_opt_free(o);
    nnact_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mlp_trajectories_match_torch),
        cmocka_unit_test(xor_learns_with_tanh_and_relu),
        cmocka_unit_test(xor_cannot_beat_a_quarter_with_identity),
        cmocka_unit_test(toy_4x3_identity_net_fits),
        cmocka_unit_test(net_init_is_reproducible_and_per_layer),
        cmocka_unit_test(net_init_out_of_memory_changes_nothing),
        cmocka_unit_test(train_step_bad_input),
        cmocka_unit_test(bad_targets_are_refused_before_anything_runs),
        cmocka_unit_test(nonfinite_loss_or_gradient_changes_nothing),
        cmocka_unit_test(overflowing_train_step_is_refused_with_nothing_changed),
        cmocka_unit_test(details_escape_and_cut_user_bytes),
        cmocka_unit_test(train_step_allocates_only_at_a_new_batch_size),
        cmocka_unit_test(fused_sgd_step_follows_the_rule),
        cmocka_unit_test(fused_sgd_refuses_an_overflowing_decay),
        cmocka_unit_test(layerwise_update_equals_backward_then_step),
        cmocka_unit_test(scheduled_rate_equals_setting_the_lr),
        cmocka_unit_test(scheduled_rate_bad_or_extreme),
        cmocka_unit_test(lower_layer_overflow_changes_nothing),
        cmocka_unit_test(kth_allocation_failure_changes_nothing),
        cmocka_unit_test(fit_is_deterministic_and_learns),
        cmocka_unit_test(fit_full_batch_equals_train_steps),
        cmocka_unit_test(fit_schedule_callback_stop_and_restore_best),
        cmocka_unit_test(fit_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
