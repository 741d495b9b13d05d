/* net: the input scaling (x - shift) / scale and the class names kept with a
 * network. A network with a scaling must compute, in every path, exactly
 * what the same layers compute on rows the caller scaled with the same
 * expression: forward, predict, backward (dx through the scaling), the
 * training step, the gradient check, and the collapse calls. Exact equality
 * where the arithmetic is the same; stated tolerances where it is not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fault.h"
#include "core/alloc.h"
#include "nnact/nnact.h"
#include "nnact_test.h"

enum { N_IN = 3, BATCH = 6 };

static const double SHIFT[N_IN] = {0.5, -1.25, 3.0};
static const double SCALE[N_IN] = {2.0, -0.5, 0.1};

/* Layers 3 -> 5 tanh -> 4 gelu (keeps Z) -> 2 identity, or all identity when
 * linear; deterministic small parameters. */
static nnact_net *make_layers(int linear)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 5, linear ? NNACT_ACT_IDENTITY : NNACT_ACT_TANH, NAN),
                     NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 4, linear ? NNACT_ACT_IDENTITY : NNACT_ACT_GELU, NAN),
                     NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const size_t P = nnact_net_param_count(net);
    double *p = malloc(P * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < P; i++)
        p[i] = ((double)((i * 37) % 23) - 11.0) / 16.0;
    assert_int_equal(nnact_net_set_params(net, P, p), NNACT_OK);
    free(p);
    return net;
}

static void rows(double *x, double *xs)
{
    for (int i = 0; i < BATCH * N_IN; i++) {
        x[i] = ((double)((i * 13) % 17) - 8.0) / 4.0;
        xs[i] = (x[i] - SHIFT[i % N_IN]) / SCALE[i % N_IN];
    }
}

/* forward and predict (both entry points) give the bits of the unscaled
 * layers on pre-scaled rows. */
static void forward_and_predict_match_prescaled(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0), *b = make_layers(0);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    double x[BATCH * N_IN], xs[BATCH * N_IN], ya[BATCH * 2], yb[BATCH * 2], yp[BATCH * 2];
    rows(x, xs);
    assert_int_equal(nnact_net_forward(a, BATCH, x, ya), NNACT_OK);
    assert_int_equal(nnact_net_forward(b, BATCH, xs, yb), NNACT_OK);
    for (int i = 0; i < BATCH * 2; i++)
        assert_same_bits(ya[i], yb[i]);
    assert_int_equal(nnact_net_predict(a, BATCH, x, yp), NNACT_OK);
    for (int i = 0; i < BATCH * 2; i++)
        assert_same_bits(yp[i], yb[i]);
    size_t need = 0;
    assert_int_equal(nnact_net_predict_workspace(a, BATCH, &need), NNACT_OK);
    assert_int_equal(need, 2 * BATCH * 5); /* the widest layer (5) holds the scaled rows (3) */
    double work[2 * BATCH * 5];
    memset(yp, 0, sizeof yp);
    assert_int_equal(nnact_net_predict_ws(a, BATCH, x, yp, work, need), NNACT_OK);
    for (int i = 0; i < BATCH * 2; i++)
        assert_same_bits(yp[i], yb[i]);
    /* removing the scaling gives back the plain network, bit for bit */
    assert_int_equal(nnact_net_set_input_scaling(a, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_predict(a, BATCH, xs, yp), NNACT_OK);
    for (int i = 0; i < BATCH * 2; i++)
        assert_same_bits(yp[i], yb[i]);
    nnact_net_free(a);
    nnact_net_free(b);
}

/* More inputs than any layer has outputs: the predict workspace grows to hold
 * the scaled rows, and the results still match. */
static void wide_input_predict_workspace(void **state)
{
    (void)state;
    enum { W = 7 };
    nnact_net *a = NULL, *b = NULL;
    double shift[W], scale[W], x[4 * W], xs[4 * W], ya[4], yb[4];
    for (int k = 0; k < 2; k++) {
        nnact_net **n = k ? &b : &a;
        assert_int_equal(nnact_net_create(W, n), NNACT_OK);
        assert_int_equal(nnact_net_add_dense(*n, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
        assert_int_equal(nnact_net_add_dense(*n, 1, NNACT_ACT_SIGMOID, NAN), NNACT_OK);
        double p[W * 2 + 2 + 2 + 1];
        for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
            p[i] = ((double)i - 8.0) / 8.0;
        assert_int_equal(nnact_net_set_params(*n, sizeof p / sizeof p[0], p), NNACT_OK);
    }
    for (int j = 0; j < W; j++) {
        shift[j] = j * 0.5;
        scale[j] = 1.0 + j;
    }
    for (int i = 0; i < 4 * W; i++) {
        x[i] = (double)(i % 5) - 2.0;
        xs[i] = (x[i] - shift[i % W]) / scale[i % W];
    }
    size_t need_b = 0, need_a = 0;
    assert_int_equal(nnact_net_predict_workspace(b, 4, &need_b), NNACT_OK);
    assert_int_equal(need_b, 2 * 4 * 2);
    assert_int_equal(nnact_net_set_input_scaling(a, shift, scale), NNACT_OK);
    assert_int_equal(nnact_net_predict_workspace(a, 4, &need_a), NNACT_OK);
    assert_int_equal(need_a, 2 * 4 * W);
    double work[2 * 4 * W];
    assert_int_equal(nnact_net_predict_ws(a, 4, x, ya, work, need_a - 1), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_predict_ws(a, 4, x, ya, work, need_a), NNACT_OK);
    assert_int_equal(nnact_net_predict(b, 4, xs, yb), NNACT_OK);
    for (int i = 0; i < 4; i++)
        assert_same_bits(ya[i], yb[i]);
    nnact_net_free(a);
    nnact_net_free(b);
}

/* backward: the same dW and db; dx = dX / scale (exactly: the division the
 * library does), and dx against central differences of sum(dy * net(x)). */
static void backward_dx_through_scaling(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0), *b = make_layers(0);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    double x[BATCH * N_IN], xs[BATCH * N_IN], y[BATCH * 2], dy[BATCH * 2];
    double dxa[BATCH * N_IN], dxb[BATCH * N_IN];
    rows(x, xs);
    for (int i = 0; i < BATCH * 2; i++)
        dy[i] = ((double)(i % 7) - 3.0) / 8.0;
    assert_int_equal(nnact_net_forward(a, BATCH, x, y), NNACT_OK);
    assert_int_equal(nnact_net_backward(a, dy, dxa), NNACT_OK);
    assert_int_equal(nnact_net_forward(b, BATCH, xs, y), NNACT_OK);
    assert_int_equal(nnact_net_backward(b, dy, dxb), NNACT_OK);
    const size_t P = nnact_net_param_count(a);
    double *ga = malloc(2 * P * sizeof *ga);
    assert_non_null(ga);
    assert_int_equal(nnact_net_get_grads(a, P, ga), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(b, P, ga + P), NNACT_OK);
    for (size_t i = 0; i < P; i++)
        assert_same_bits(ga[i], ga[P + i]);
    free(ga);
    for (int i = 0; i < BATCH * N_IN; i++)
        assert_same_bits(dxa[i], dxb[i] / SCALE[i % N_IN]);
    /* the chain rule itself: d/dx sum(dy * net(x)), h = 1e-6, central */
    double xp[BATCH * N_IN], yp[BATCH * 2], ym[BATCH * 2];
    for (int i = 0; i < BATCH * N_IN; i++) {
        memcpy(xp, x, sizeof xp);
        xp[i] = x[i] + 1e-6;
        assert_int_equal(nnact_net_predict(a, BATCH, xp, yp), NNACT_OK);
        xp[i] = x[i] - 1e-6;
        assert_int_equal(nnact_net_predict(a, BATCH, xp, ym), NNACT_OK);
        double num = 0.0;
        for (int k = 0; k < BATCH * 2; k++)
            num += dy[k] * (yp[k] - ym[k]);
        num /= 2e-6;
        assert_close(dxa[i], num, 1e-6 * fmax(1.0, fabs(num)));
    }
    nnact_net_free(a);
    nnact_net_free(b);
}

/* The training step reads x in place; with a scaling the scaled copy lives in
 * the network's input buffer. Same parameters, bit for bit, as training the
 * unscaled layers on pre-scaled rows, for a fused (SGD) and a general (Adam)
 * optimizer; and after the first step no step allocates. */
static void train_step_matches_prescaled(void **state)
{
    (void)state;
    const nnact_opt_kind kinds[2] = {NNACT_OPT_SGD, NNACT_OPT_ADAM};
    for (int k = 0; k < 2; k++) {
        nnact_net *a = make_layers(0), *b = make_layers(0);
        assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
        nnact_opt *oa = NULL, *ob = NULL;
        assert_int_equal(nnact_opt_create(kinds[k], &oa), NNACT_OK);
        assert_int_equal(nnact_opt_create(kinds[k], &ob), NNACT_OK);
        double x[BATCH * N_IN], xs[BATCH * N_IN], t[BATCH * 2], la = 0, lb = 0;
        rows(x, xs);
        for (int i = 0; i < BATCH * 2; i++)
            t[i] = (double)(i % 3) - 1.0;
        double x_before[BATCH * N_IN];
        memcpy(x_before, x, sizeof x);
        size_t allocs = 0;
        for (int step = 0; step < 5; step++) {
            if (step == 1) allocs = nnact__alloc_count();
            assert_int_equal(nnact_net_train_step(a, oa, NNACT_LOSS_MSE, BATCH, x, t, &la),
                             NNACT_OK);
            assert_int_equal(nnact_net_train_step(b, ob, NNACT_LOSS_MSE, BATCH, xs, t, &lb),
                             NNACT_OK);
            assert_same_bits(la, lb);
        }
        assert_int_equal(nnact__alloc_count(), allocs); /* steps 2..5 allocated nothing */
        assert_memory_equal(x, x_before, sizeof x);     /* the caller's rows untouched */
        const size_t P = nnact_net_param_count(a);
        double *p = malloc(2 * P * sizeof *p);
        assert_non_null(p);
        assert_int_equal(nnact_net_get_params(a, P, p), NNACT_OK);
        assert_int_equal(nnact_net_get_params(b, P, p + P), NNACT_OK);
        for (size_t i = 0; i < P; i++)
            assert_same_bits(p[i], p[P + i]);
        free(p);
        nnact_opt_free(oa);
        nnact_opt_free(ob);
        nnact_net_free(a);
        nnact_net_free(b);
    }
}

/* The gradient check goes through forward and backward, scaling included. */
static void gradcheck_with_scaling(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    double x[BATCH * N_IN], xs[BATCH * N_IN], t[BATCH * 2], err = 1.0;
    rows(x, xs);
    for (int i = 0; i < BATCH * 2; i++)
        t[i] = (double)(i % 3) - 1.0;
    assert_int_equal(nnact_net_gradcheck(a, NNACT_LOSS_MSE, BATCH, x, t, 0.0, &err), NNACT_OK);
    assert_true(err < 1e-6);
    nnact_net_free(a);
}

/* K' = diag(1/scale) K and c' = c - (shift/scale) K, K and c those of the
 * layers alone. The test folds in the library's order, so the results agree
 * to the last bit; asserted within 1e-14 relative all the same. */
static void collapse_includes_scaling(void **state)
{
    (void)state;
    nnact_net *a = make_layers(1), *b = make_layers(1);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    double K[N_IN * 2], c[2], Kb[N_IN * 2], cb[2];
    assert_int_equal(nnact_net_collapse(a, K, c), NNACT_OK);
    assert_int_equal(nnact_net_collapse(b, Kb, cb), NNACT_OK);
    for (int i = 0; i < N_IN; i++)
        for (int j = 0; j < 2; j++)
            cb[j] -= SHIFT[i] / SCALE[i] * Kb[i * 2 + j];
    for (int i = 0; i < N_IN * 2; i++)
        assert_close(K[i], Kb[i] / SCALE[i / 2], 1e-14 * fabs(Kb[i] / SCALE[i / 2]));
    for (int j = 0; j < 2; j++)
        assert_close(c[j], cb[j], 1e-14 * fabs(cb[j]));
    /* the map is the network's: x K + c = net(x), within the a-priori bound */
    double x[BATCH * N_IN], xs[BATCH * N_IN], mabs, mrel, bound, ratio;
    rows(x, xs);
    assert_int_equal(nnact_net_collapse_check_ex(a, BATCH, x, &mabs, &mrel, &bound, &ratio),
                     NNACT_OK);
    assert_true(mabs < 1e-12);
    assert_true(ratio <= 1.0);
    assert_true(bound > 0.0);
    /* no layers: the map is the scaling itself */
    nnact_net *e = NULL;
    assert_int_equal(nnact_net_create(N_IN, &e), NNACT_OK);
    assert_int_equal(nnact_net_set_input_scaling(e, SHIFT, SCALE), NNACT_OK);
    double Ke[N_IN * N_IN], ce[N_IN];
    assert_int_equal(nnact_net_collapse(e, Ke, ce), NNACT_OK);
    for (int i = 0; i < N_IN; i++) {
        for (int j = 0; j < N_IN; j++)
            assert_same_bits(Ke[i * N_IN + j], i == j ? 1.0 / SCALE[i] : 0.0 / SCALE[i]);
        assert_same_bits(ce[i], 0.0 - SHIFT[i] / SCALE[i] * 1.0);
    }
    nnact_net_free(e);
    nnact_net_free(a);
    nnact_net_free(b);
}

/* local_affine and fuse_linear: the local map at x includes the scaling (it
 * reproduces net(x) at x), and the fused network keeps the scaling and the
 * class names (it computes the same function). */
static void local_affine_and_fuse_keep_scaling(void **state)
{
    (void)state;
    nnact_net *a = NULL;
    assert_int_equal(nnact_net_create(N_IN, &a), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 4, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 5, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 3, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const size_t P = nnact_net_param_count(a);
    double *p = malloc(P * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < P; i++)
        p[i] = ((double)((i * 29) % 19) - 9.0) / 8.0;
    assert_int_equal(nnact_net_set_params(a, P, p), NNACT_OK);
    free(p);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    const char *names[3] = {"x", "y", "z"};
    assert_int_equal(nnact_net_set_class_names(a, 3, names), NNACT_OK);
    double x[BATCH * N_IN], xs[BATCH * N_IN], y[BATCH * 3];
    rows(x, xs);
    assert_int_equal(nnact_net_predict(a, BATCH, x, y), NNACT_OK);
    for (int r = 0; r < BATCH; r++) {
        double K[N_IN * 3], c[3];
        assert_int_equal(nnact_net_local_affine(a, x + r * N_IN, K, c), NNACT_OK);
        for (int j = 0; j < 3; j++) {
            double v = c[j];
            for (int i = 0; i < N_IN; i++)
                v += x[r * N_IN + i] * K[i * 3 + j];
            assert_close(v, y[r * 3 + j], 1e-12 * fmax(1.0, fabs(y[r * 3 + j])));
        }
    }
    nnact_net *f = NULL;
    assert_int_equal(nnact_net_fuse_linear(a, &f, NULL, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_layer_count(f), 2);
    double sh[N_IN], sc[N_IN], yf[BATCH * 3];
    int present = 0;
    assert_int_equal(nnact_net_get_input_scaling(f, sh, sc, &present), NNACT_OK);
    assert_int_equal(present, 1);
    assert_memory_equal(sh, SHIFT, sizeof sh);
    assert_memory_equal(sc, SCALE, sizeof sc);
    assert_int_equal(nnact_net_class_count(f), 3);
    assert_string_equal(nnact_net_class_name(f, 2), "z");
    assert_int_equal(nnact_net_predict(f, BATCH, x, yf), NNACT_OK);
    for (int i = 0; i < BATCH * 3; i++)
        assert_close(yf[i], y[i], 1e-12 * fmax(1.0, fabs(y[i])));
    nnact_net_free(f);
    nnact_net_free(a);
}

/* Memory: the scaling is 2 n_in doubles of the fixed part, the names their
 * block; the batch part is unchanged (the scaled rows use the input buffer). */
static void memory_accounts_for_scaling(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0), *b = make_layers(0);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    size_t ma0, mb0, ma, mb;
    assert_int_equal(nnact_net_memory_bytes(a, 0, &ma0), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(b, 0, &mb0), NNACT_OK);
    assert_int_equal(ma0 - mb0, 2 * N_IN * sizeof(double));
    assert_int_equal(nnact_net_memory_bytes(a, BATCH, &ma), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(b, BATCH, &mb), NNACT_OK);
    assert_int_equal(ma - ma0, mb - mb0);
    const char *names[2] = {"ab", "c"};
    assert_int_equal(nnact_net_set_class_names(a, 2, names), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(a, 0, &ma), NNACT_OK);
    assert_int_equal(ma - ma0, 2 * sizeof(char *) + 3 + 2);
    /* forward, backward and predict_ws allocate nothing once the buffers exist */
    double x[BATCH * N_IN], xs[BATCH * N_IN], y[BATCH * 2], dx[BATCH * N_IN];
    double work[2 * BATCH * 5];
    rows(x, xs);
    assert_int_equal(nnact_net_reserve(a, BATCH), NNACT_OK);
    const size_t before = nnact__alloc_count();
    for (int k = 0; k < 3; k++) {
        assert_int_equal(nnact_net_forward(a, BATCH, x, y), NNACT_OK);
        assert_int_equal(nnact_net_backward(a, y, dx), NNACT_OK);
        assert_int_equal(nnact_net_predict_ws(a, BATCH, x, y, work, 2 * BATCH * 5), NNACT_OK);
    }
    assert_int_equal(nnact__alloc_count(), before);
    nnact_net_free(a);
    nnact_net_free(b);
}

static void expect_scaling(const nnact_net *net, const double *shift, const double *scale)
{
    double sh[N_IN], sc[N_IN];
    int present = -1;
    assert_int_equal(nnact_net_get_input_scaling(net, sh, sc, &present), NNACT_OK);
    assert_int_equal(present, shift != NULL);
    for (int j = 0; j < N_IN; j++) {
        assert_same_bits(sh[j], shift ? shift[j] : 0.0);
        assert_same_bits(sc[j], scale ? scale[j] : 1.0);
    }
}

/* Every refused scaling: NNACT_ERR_ARG (NOMEM for the allocation), naming the
 * function, and the network keeps the scaling it had. */
static void bad_scaling_refused(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0);
    assert_int_equal(nnact_net_set_input_scaling(NULL, SHIFT, SCALE), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_set_input_scaling"));
    assert_int_equal(nnact_net_get_input_scaling(NULL, NULL, NULL, NULL), NNACT_ERR_ARG);
    for (int had = 0; had < 2; had++) {
        if (had) assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
        const double *es = had ? SHIFT : NULL, *ec = had ? SCALE : NULL;
        assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, NULL), NNACT_ERR_ARG);
        assert_int_equal(nnact_net_set_input_scaling(a, NULL, SCALE), NNACT_ERR_ARG);
        expect_scaling(a, es, ec);
        const double bad_scale[] = {0.0, -0.0, NAN, INFINITY, -INFINITY};
        for (size_t b = 0; b < sizeof bad_scale / sizeof bad_scale[0]; b++) {
            double sc[N_IN] = {1.0, 2.0, 3.0};
            sc[2] = bad_scale[b];
            assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, sc), NNACT_ERR_ARG);
            assert_non_null(strstr(nnact_last_error(), "scale[2]"));
            expect_scaling(a, es, ec);
        }
        const double bad_shift[] = {NAN, INFINITY, -INFINITY};
        for (size_t b = 0; b < sizeof bad_shift / sizeof bad_shift[0]; b++) {
            double sh[N_IN] = {1.0, 2.0, 3.0};
            sh[1] = bad_shift[b];
            assert_int_equal(nnact_net_set_input_scaling(a, sh, SCALE), NNACT_ERR_ARG);
            assert_non_null(strstr(nnact_last_error(), "shift[1]"));
            expect_scaling(a, es, ec);
        }
        nnact__alloc_set_hook(fail_all, NULL);
        const double other[N_IN] = {4.0, 5.0, 6.0};
        assert_int_equal(nnact_net_set_input_scaling(a, other, other), NNACT_ERR_NOMEM);
        nnact__alloc_set_hook(NULL, NULL);
        expect_scaling(a, es, ec);
    }
    /* a subnormal or negative scale and a -0.0 shift are valid */
    const double sh[N_IN] = {-0.0, 0.0, 1e300}, sc[N_IN] = {5e-324, -1.0, 1e-300};
    assert_int_equal(nnact_net_set_input_scaling(a, sh, sc), NNACT_OK);
    expect_scaling(a, sh, sc);
    /* shift and scale may be NULL in get; present may be NULL */
    assert_int_equal(nnact_net_get_input_scaling(a, NULL, NULL, NULL), NNACT_OK);
    nnact_net_free(a);
}

/* Adding a layer keeps the scaling and removes the names; changing the
 * scaling forgets the kept forward (backward needs a new one). */
static void scaling_lifecycle(void **state)
{
    (void)state;
    nnact_net *a = NULL;
    assert_int_equal(nnact_net_create(N_IN, &a), NNACT_OK);
    assert_int_equal(nnact_net_set_input_scaling(a, SHIFT, SCALE), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 2, NNACT_ACT_TANH, NAN), NNACT_OK);
    const char *names[2] = {"neg", "pos"};
    assert_int_equal(nnact_net_set_class_names(a, 2, names), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    expect_scaling(a, SHIFT, SCALE);
    assert_int_equal(nnact_net_class_count(a), 0);
    double x[N_IN] = {1, 2, 3}, y[1], dy[1] = {1.0};
    assert_int_equal(nnact_net_forward(a, 1, x, y), NNACT_OK);
    assert_int_equal(nnact_net_set_input_scaling(a, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_backward(a, dy, NULL), NNACT_ERR_STATE);
    nnact_net_free(a);
}

/* Class names: copied, one per output or two for one logit, any bytes but
 * NUL, 1..255 bytes, distinct; refused otherwise with the network unchanged. */
static void class_names(void **state)
{
    (void)state;
    nnact_net *a = make_layers(0); /* 2 outputs */
    assert_int_equal(nnact_net_class_count(NULL), 0);
    assert_null(nnact_net_class_name(NULL, 0));
    assert_int_equal(nnact_net_class_count(a), 0);
    assert_null(nnact_net_class_name(a, 0));
    char first[8] = "cat", second[8] = "d\tog\x7f";
    const char *names[2] = {first, second};
    assert_int_equal(nnact_net_set_class_names(a, 2, names), NNACT_OK);
    strcpy(first, "changed"); /* the network holds a copy */
    assert_int_equal(nnact_net_class_count(a), 2);
    assert_string_equal(nnact_net_class_name(a, 0), "cat");
    assert_string_equal(nnact_net_class_name(a, 1), "d\tog\x7f");
    assert_null(nnact_net_class_name(a, 2));

    char long_name[NNACT_NET_MAX_CLASS_NAME + 2];
    memset(long_name, 'n', sizeof long_name);
    long_name[NNACT_NET_MAX_CLASS_NAME + 1] = '\0';
    const char *bad[][2] = {{"a", "a"}, {"", "b"}, {"a", long_name}, {"a", NULL}};
    const char *words[] = {"appears twice", "names[0] is empty", "longer than 255",
                           "names[1] is NULL"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(nnact_net_set_class_names(a, 2, bad[i]), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), words[i]));
        assert_string_equal(nnact_net_class_name(a, 0), "cat");
    }
    long_name[NNACT_NET_MAX_CLASS_NAME] = '\0'; /* 255 bytes: the limit itself */
    const char *ok255[2] = {"a", long_name};
    assert_int_equal(nnact_net_set_class_names(a, 2, ok255), NNACT_OK);
    assert_int_equal(strlen(nnact_net_class_name(a, 1)), NNACT_NET_MAX_CLASS_NAME);
    assert_int_equal(nnact_net_set_class_names(NULL, 2, names), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_set_class_names(a, 2, NULL), NNACT_ERR_ARG);
    const char *three[3] = {"a", "b", "c"};
    assert_int_equal(nnact_net_set_class_names(a, 3, three), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_set_class_names(a, 1, three), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_set_class_names(a, (size_t)NNACT_NET_MAX_CLASSES + 1, three),
                     NNACT_ERR_ARG);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_net_set_class_names(a, 2, three), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_string_equal(nnact_net_class_name(a, 0), "a");
    /* allocation failure of the duplicate check's sorted copy */
    struct fail_at f = {1, 0};
    nnact__alloc_set_hook(fail_kth, &f);
    assert_int_equal(nnact_net_set_class_names(a, 2, three), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_string_equal(nnact_net_class_name(a, 0), "a");
    /* count 0 removes them (names ignored) */
    assert_int_equal(nnact_net_set_class_names(a, 0, NULL), NNACT_OK);
    assert_int_equal(nnact_net_class_count(a), 0);
    nnact_net_free(a);

    /* one logit: exactly two names */
    nnact_net *bin = NULL;
    assert_int_equal(nnact_net_create(2, &bin), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(bin, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_class_names(bin, 1, three), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_set_class_names(bin, 2, three), NNACT_OK);
    assert_int_equal(nnact_net_class_count(bin), 2);
    nnact_net_free(bin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forward_and_predict_match_prescaled),
        cmocka_unit_test(wide_input_predict_workspace),
        cmocka_unit_test(backward_dx_through_scaling),
        cmocka_unit_test(train_step_matches_prescaled),
        cmocka_unit_test(gradcheck_with_scaling),
        cmocka_unit_test(collapse_includes_scaling),
        cmocka_unit_test(local_affine_and_fuse_keep_scaling),
        cmocka_unit_test(memory_accounts_for_scaling),
        cmocka_unit_test(bad_scaling_refused),
        cmocka_unit_test(scaling_lifecycle),
        cmocka_unit_test(class_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
