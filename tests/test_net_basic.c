/* Dense networks: closed forms, the exact integer test against a naive triple
 * loop, and every bad input the network API promises to reject. */
#include <fenv.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "core/alloc.h"
#include "net_ref.h"
#include "nnact/nnact.h"

/* A single sigmoid neuron, w = [2, -3], b = -3, x = [-1, -2]: z = 1.
 * y = sigma(1) = e/(1+e); sigma'(1) = e/(1+e)^2 = 0.19661193324148185;
 * dx = sigma'(1) w, dW = sigma'(1) x, db = sigma'(1). */
static void sigmoid_neuron_closed_form(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    const double W[2] = {2.0, -3.0}, b = -3.0, x[2] = {-1.0, -2.0}, dy = 1.0;
    double y = NAN, dx[2] = {NAN, NAN}, dW[2] = {NAN, NAN}, db = NAN;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_SIGMOID, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, &b), NNACT_OK);
    assert_int_equal(nnact_net_forward(net, 1, x, &y), NNACT_OK);
    assert_close(y, 0.7310585786300049, 3.4e-16);
    assert_int_equal(nnact_net_backward(net, &dy, dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grad(net, 0, dW, &db), NNACT_OK);
    /* the derivative from the output, y (1 - y), carries the rounding of y: a few ulps */
    assert_close(dx[0], 0.3932238664829637, 4 * 5.6e-17);
    assert_close(dx[1], -0.5898357997244456, 4 * 1.2e-16);
    assert_close(dW[0], -0.19661193324148185, 4 * 2.8e-17);
    assert_close(dW[1], -0.3932238664829637, 4 * 5.6e-17);
    assert_close(db, 0.19661193324148185, 4 * 2.8e-17);
    nnact_net_free(net);
}

static int run_exact_case(size_t n_in, size_t n_out, size_t B, int with_bias,
                          unsigned long long *seed)
{
    nnact_net *net = NULL;
    const size_t nw = n_in * n_out;
    double *W = malloc(nw * sizeof *W), *b = malloc(n_out * sizeof *b);
    double *x = malloc(B * n_in * sizeof *x), *dy = malloc(B * n_out * sizeof *dy);
    double *y = malloc(B * n_out * sizeof *y), *dx = malloc(B * n_in * sizeof *dx);
    double *dW = malloc(nw * sizeof *dW), *db = malloc(n_out * sizeof *db);
    double *ry = malloc(B * n_out * sizeof *ry), *rdx = malloc(B * n_in * sizeof *rdx);
    double *rdW = malloc(nw * sizeof *rdW), *rdb = malloc(n_out * sizeof *rdb);
    int bad = 0;
    for (size_t i = 0; i < nw; i++)
        W[i] = ref_rand_int5(seed);
    for (size_t i = 0; i < n_out; i++)
        b[i] = with_bias ? ref_rand_int5(seed) : 0.0;
    for (size_t i = 0; i < B * n_in; i++)
        x[i] = ref_rand_int5(seed);
    for (size_t i = 0; i < B * n_out; i++)
        dy[i] = ref_rand_int5(seed);
    ref_fill_nan(B * n_out, y);
    ref_fill_nan(B * n_in, dx);
    ref_fill_nan(nw, dW);
    ref_fill_nan(n_out, db);

    assert_int_equal(nnact_net_create(n_in, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, n_out, NNACT_ACT_IDENTITY, NAN,
                                            with_bias ? 0u : NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, with_bias ? b : NULL), NNACT_OK);
    assert_int_equal(nnact_net_forward(net, B, x, y), NNACT_OK);
    assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grad(net, 0, dW, db), NNACT_OK);

    /* |partial sums| <= 257 * 25 + 5: every value is an exact integer, so the
     * order of summation cannot matter and equality must be bitwise */
    ref_affine(B, n_in, n_out, x, W, with_bias ? b : NULL, ry);
    ref_affine_backward(B, n_in, n_out, x, W, dy, rdW, rdb, rdx);
    if (!with_bias) memset(rdb, 0, n_out * sizeof *rdb);
    bad |= memcmp(y, ry, B * n_out * sizeof *y) != 0;
    bad |= memcmp(dx, rdx, B * n_in * sizeof *dx) != 0;
    bad |= memcmp(dW, rdW, nw * sizeof *dW) != 0;
    bad |= memcmp(db, rdb, n_out * sizeof *db) != 0;
    nnact_net_free(net);
    free(W), free(b), free(x), free(dy), free(y), free(dx), free(dW), free(db);
    free(ry), free(rdx), free(rdW), free(rdb);
    return bad;
}

/* benchdnn-style: integer-valued data, exact sums, bit-for-bit comparison. */
static void exact_integer_single_layer(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 3, 5, 9, 16, 17, 63, 64, 65, 257};
    static const size_t batches[] = {1, 2, 7};
    const size_t ns = sizeof sizes / sizeof sizes[0];
    unsigned long long seed = 42;
    int failures = 0;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < ns; j++)
            for (size_t k = 0; k < 3; k++)
                for (int bias = 0; bias < 2; bias++) { /* every shape with and without bias */
                    if (run_exact_case(sizes[i], sizes[j], batches[k], bias, &seed)) {
                        print_error("mismatch at n_in %zu n_out %zu batch %zu bias %d\n", sizes[i],
                                    sizes[j], batches[k], bias);
                        failures++;
                    }
                }
    assert_int_equal(failures, 0);
}

/* Two relu layers on integers: relu and relu' keep everything an exact integer
 * (|values| < 2^53), so the whole chain must match the naive loops bitwise. */
static void exact_integer_two_layers_relu(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 3, 16, 17, 65};
    unsigned long long seed = 7;
    for (size_t a = 0; a < 5; a++)
        for (size_t c = 0; c < 5; c++) {
            const size_t n0 = sizes[a], n1 = sizes[c], n2 = sizes[(a + c) % 5], B = 7;
            double *W0 = malloc(n0 * n1 * 8), *b0 = malloc(n1 * 8), *W1 = malloc(n1 * n2 * 8);
            double *x = malloc(B * n0 * 8), *dy = malloc(B * n2 * 8), *y = malloc(B * n2 * 8);
            double *dx = malloc(B * n0 * 8), *dW0 = malloc(n0 * n1 * 8), *db0 = malloc(n1 * 8);
            double *dW1 = malloc(n1 * n2 * 8), *z0 = malloc(B * n1 * 8), *a0 = malloc(B * n1 * 8);
            double *ry = malloc(B * n2 * 8), *dz0 = malloc(B * n1 * 8), *rdx = malloc(B * n0 * 8);
            double *rdW0 = malloc(n0 * n1 * 8), *rdb0 = malloc(n1 * 8), *rdW1 = malloc(n1 * n2 * 8);
            double *da0 = malloc(B * n1 * 8);
            for (size_t i = 0; i < n0 * n1; i++)
                W0[i] = ref_rand_int5(&seed);
            for (size_t i = 0; i < n1; i++)
                b0[i] = ref_rand_int5(&seed);
            for (size_t i = 0; i < n1 * n2; i++)
                W1[i] = ref_rand_int5(&seed);
            for (size_t i = 0; i < B * n0; i++)
                x[i] = ref_rand_int5(&seed);
            for (size_t i = 0; i < B * n2; i++)
                dy[i] = ref_rand_int5(&seed);
            ref_fill_nan(B * n2, y);
            ref_fill_nan(B * n0, dx);
            nnact_net *net = NULL;
            assert_int_equal(nnact_net_create(n0, &net), NNACT_OK);
            assert_int_equal(nnact_net_add_dense(net, n1, NNACT_ACT_RELU, NAN), NNACT_OK);
            assert_int_equal(
                nnact_net_add_dense_ex(net, n2, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                NNACT_OK);
            assert_int_equal(nnact_net_set_layer(net, 0, W0, b0), NNACT_OK);
            assert_int_equal(nnact_net_set_layer(net, 1, W1, NULL), NNACT_OK);
            assert_int_equal(nnact_net_forward(net, B, x, y), NNACT_OK);
            assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
            assert_int_equal(nnact_net_get_grad(net, 0, dW0, db0), NNACT_OK);
            assert_int_equal(nnact_net_get_grad(net, 1, dW1, NULL), NNACT_OK);

            ref_affine(B, n0, n1, x, W0, b0, z0);
            for (size_t i = 0; i < B * n1; i++)
                a0[i] = z0[i] > 0 ? z0[i] : 0.0;
            ref_affine(B, n1, n2, a0, W1, NULL, ry);
            ref_affine_backward(B, n1, n2, a0, W1, dy, rdW1, NULL, da0);
            for (size_t i = 0; i < B * n1; i++)
                dz0[i] = z0[i] > 0 ? da0[i] : 0.0;
            ref_affine_backward(B, n0, n1, x, W0, dz0, rdW0, rdb0, rdx);
            for (size_t i = 0; i < B * n2; i++)
                assert_same_bits(y[i], ry[i]);
            for (size_t i = 0; i < B * n0; i++)
                assert_same_bits(dx[i], rdx[i]);
            for (size_t i = 0; i < n0 * n1; i++)
                assert_same_bits(dW0[i], rdW0[i]);
            for (size_t i = 0; i < n1; i++)
                assert_same_bits(db0[i], rdb0[i]);
            for (size_t i = 0; i < n1 * n2; i++)
                assert_same_bits(dW1[i], rdW1[i]);
            nnact_net_free(net);
            free(W0), free(b0), free(W1), free(x), free(dy), free(y), free(dx), free(dW0);
            free(db0), free(dW1), free(z0), free(a0), free(ry), free(dz0), free(rdx);
            free(rdW0), free(rdb0), free(rdW1), free(da0);
        }
}

/* The classic two-layer example without biases (numpy / PyTorch tutorials):
 * h = x.dot(w1); h_relu = max(h, 0); y_pred = h_relu.dot(w2); loss = sum (y_pred - y)^2,
 * grad_y = 2 (y_pred - y), grad_w2 = h_relu^T grad_y, grad_h = grad_y w2^T (0 where h <= 0),
 * grad_w1 = x^T grad_h. Integer data keep every sum exact (< 2^53), so bitwise. */
static void classic_two_layer_no_bias(void **state)
{
    (void)state;
    enum { N = 64, D_IN = 1000, H = 100, D_OUT = 10 };
    unsigned long long seed = 11;
    double *x = malloc(N * D_IN * 8), *w1 = malloc(D_IN * H * 8), *w2 = malloc(H * D_OUT * 8);
    double *t = malloc(N * D_OUT * 8), *h = malloc(N * H * 8), *hr = malloc(N * H * 8);
    double *yp = malloc(N * D_OUT * 8), *gy = malloc(N * D_OUT * 8), *gh = malloc(N * H * 8);
    double *gw1 = malloc(D_IN * H * 8), *gw2 = malloc(H * D_OUT * 8);
    double *y = malloc(N * D_OUT * 8), *dw1 = malloc(D_IN * H * 8), *dw2 = malloc(H * D_OUT * 8);
    for (size_t i = 0; i < N * D_IN; i++)
        x[i] = ref_rand_int5(&seed);
    for (size_t i = 0; i < D_IN * H; i++)
        w1[i] = ref_rand_int5(&seed);
    for (size_t i = 0; i < H * D_OUT; i++)
        w2[i] = ref_rand_int5(&seed);
    for (size_t i = 0; i < N * D_OUT; i++)
        t[i] = ref_rand_int5(&seed);
    ref_affine(N, D_IN, H, x, w1, NULL, h);
    for (size_t i = 0; i < N * H; i++)
        hr[i] = h[i] > 0 ? h[i] : 0.0;
    ref_affine(N, H, D_OUT, hr, w2, NULL, yp);
    for (size_t i = 0; i < N * D_OUT; i++)
        gy[i] = 2.0 * (yp[i] - t[i]);
    ref_affine_backward(N, H, D_OUT, hr, w2, gy, gw2, NULL, gh);
    /* the tutorials mask h < 0; libnnact follows PyTorch's relu, relu'(0) = 0, and
     * with integer data h == 0 does occur, so mask h <= 0 */
    for (size_t i = 0; i < N * H; i++)
        if (h[i] <= 0) gh[i] = 0.0;
    ref_affine_backward(N, D_IN, H, x, w1, gh, gw1, NULL, NULL);

    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(D_IN, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, H, NNACT_ACT_RELU, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(
        nnact_net_add_dense_ex(net, D_OUT, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, w1, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 1, w2, NULL), NNACT_OK);
    ref_fill_nan(N * D_OUT, y);
    ref_fill_nan(D_IN * H, dw1);
    ref_fill_nan(H * D_OUT, dw2);
    assert_int_equal(nnact_net_forward(net, N, x, y), NNACT_OK);
    assert_memory_equal(y, yp, N * D_OUT * 8);
    /* loss = sum r^2 = 2 * half-SSE: the half-SSE gradient r, doubled, is grad_y */
    double L, *dy = malloc(N * D_OUT * 8);
    assert_int_equal(nnact_loss(NNACT_LOSS_HALF_SSE, N, D_OUT, y, t, &L, dy), NNACT_OK);
    for (size_t i = 0; i < N * D_OUT; i++)
        dy[i] *= 2.0;
    assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_OK);
    assert_int_equal(nnact_net_get_grad(net, 0, dw1, NULL), NNACT_OK);
    assert_int_equal(nnact_net_get_grad(net, 1, dw2, NULL), NNACT_OK);
    assert_memory_equal(dw1, gw1, D_IN * H * 8);
    assert_memory_equal(dw2, gw2, H * D_OUT * 8);
    nnact_net_free(net);
    free(x), free(w1), free(w2), free(t), free(h), free(hr), free(yp), free(gy), free(gh);
    free(gw1), free(gw2), free(y), free(dw1), free(dw2), free(dy);
}

static void sizes_and_layer_info(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    size_t n_in = 0, n_out = 0;
    nnact_act_kind k = NNACT_ACT_IDENTITY;
    double alpha = 0;
    unsigned flags = 7;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_output_size(net), 3);
    assert_int_equal(nnact_net_add_dense(net, 4, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 10, NNACT_ACT_LEAKY_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 1, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_layer_count(net), 3);
    assert_int_equal(nnact_net_input_size(net), 3);
    assert_int_equal(nnact_net_output_size(net), 1);
    assert_int_equal(nnact_net_param_count(net), 3 * 4 + 4 + 4 * 10 + 10 + 10 * 1);
    assert_int_equal(nnact_net_layer_info(net, 1, &n_in, &n_out, &k, &alpha, &flags), NNACT_OK);
    assert_int_equal(n_in, 4);
    assert_int_equal(n_out, 10);
    assert_int_equal(k, NNACT_ACT_LEAKY_RELU);
    assert_close(alpha, 0.01, 0.0); /* NAN resolved to PyTorch's default slope */
    assert_int_equal(flags, 0);
    assert_int_equal(nnact_net_layer_info(net, 2, NULL, NULL, NULL, NULL, &flags), NNACT_OK);
    assert_int_equal(flags, NNACT_DENSE_NO_BIAS);
    assert_int_equal(nnact_net_layer_info(net, 3, NULL, NULL, NULL, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_layer_count(NULL), 0);
    assert_int_equal(nnact_net_input_size(NULL), 0);
    assert_int_equal(nnact_net_output_size(NULL), 0);
    nnact_net_free(net);
    nnact_net_free(NULL);
}

static void set_get_round_trip(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    const double W[6] = {1, 2, 3, 4, 5, 6}, b[2] = {-1, 0.5};
    double W2[6], b2[2] = {9, 9}, flat[10], nb[2] = {7, 7};
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 1, NNACT_ACT_IDENTITY, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W, b), NNACT_OK);
    assert_int_equal(nnact_net_get_layer(net, 0, W2, b2), NNACT_OK);
    assert_memory_equal(W, W2, sizeof W);
    assert_memory_equal(b, b2, sizeof b);
    /* flat order: layer 0 W, layer 0 b, layer 1 W */
    assert_int_equal(nnact_net_get_params(net, 10, flat), NNACT_OK);
    assert_memory_equal(flat, W, sizeof W);
    assert_memory_equal(flat + 6, b, sizeof b);
    assert_close(flat[8], 0.0, 0.0);
    assert_close(flat[9], 0.0, 0.0);
    assert_int_equal(nnact_net_get_params(net, 9, flat), NNACT_ERR_SHAPE);
    /* b NULL = zeros; a no-bias layer reports zeros for b */
    assert_int_equal(nnact_net_set_layer(net, 0, W, NULL), NNACT_OK);
    assert_int_equal(nnact_net_get_layer(net, 0, NULL, b2), NNACT_OK);
    assert_close(b2[0], 0.0, 0.0);
    assert_close(b2[1], 0.0, 0.0);
    assert_int_equal(nnact_net_get_layer(net, 1, NULL, nb), NNACT_OK);
    assert_close(nb[0], 0.0, 0.0);
    nnact_net_free(net);
}

static void bad_inputs(void **state)
{
    (void)state;
    nnact_net *net = (nnact_net *)&net; /* must become NULL on failure */
    double x[4] = {1, 2, 3, 4}, y[4], dy[4] = {1, 1, 1, 1}, W[4] = {0}, b[2] = {0};
    assert_int_equal(nnact_net_create(0, &net), NNACT_ERR_ARG);
    assert_null(net);
    assert_int_equal(nnact_net_create(2, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    /* no layers yet */
    assert_int_equal(nnact_net_forward(net, 1, x, y), NNACT_ERR_STATE);
    assert_int_equal(nnact_net_add_dense(net, 0, NNACT_ACT_RELU, NAN), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "n_outputs"));
    assert_int_equal(nnact_net_add_dense(net, 2, (nnact_act_kind)999, NAN), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_LEAKY_RELU, INFINITY), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_add_dense_ex(net, 2, NNACT_ACT_RELU, NAN, 0x10u), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_add_dense(NULL, 2, NNACT_ACT_RELU, NAN), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_layer_count(net), 0);
    assert_int_equal(nnact_net_add_dense_ex(net, 2, NNACT_ACT_TANH, NAN, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);

    /* backward before forward */
    assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_ERR_STATE);
    assert_int_equal(nnact_net_get_grad(net, 0, W, NULL), NNACT_ERR_STATE);
    /* b on a no-bias layer; layer out of range */
    assert_int_equal(nnact_net_set_layer(net, 0, W, b), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "bias"));
    assert_int_equal(nnact_net_set_layer(net, 1, W, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_set_layer(net, 0, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_get_layer(net, 1, W, NULL), NNACT_ERR_ARG);

    /* batch 0 is an error and changes nothing */
    assert_int_equal(nnact_net_forward(net, 0, x, y), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "batch"));
    assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_ERR_STATE);
    assert_int_equal(nnact_net_predict(net, 0, x, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_forward(net, 1, NULL, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_forward(net, 1, x, NULL), NNACT_ERR_ARG);

    assert_int_equal(nnact_net_forward(net, 2, x, y), NNACT_OK);
    /* a batch-0 call after a forward keeps that forward usable */
    assert_int_equal(nnact_net_forward(net, 0, x, y), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_backward(net, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_backward(net, dy, dy), NNACT_ERR_ARG); /* dx overlaps dy */
    assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_OK);
    /* gradients of a layer out of range */
    assert_int_equal(nnact_net_get_grad(net, 1, W, NULL), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "layer 1"));
    assert_int_equal(nnact_net_get_grad(NULL, 0, W, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_get_grad(net, 0, W, NULL), NNACT_OK);
    nnact_net_free(net);
}

static void overflow_is_reported_before_allocating(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    double x[2] = {0}, y[2];
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    const size_t allocs = nnact__alloc_count();
    /* n_in * n_out * 8 overflows size_t */
    assert_int_equal(nnact_net_add_dense(net, SIZE_MAX / 4, NNACT_ACT_RELU, NAN),
                     NNACT_ERR_OVERFLOW);
    /* fits size_t but not the BLAS's int */
    assert_int_equal(nnact_net_add_dense(net, (size_t)1 << 31, NNACT_ACT_RELU, NAN),
                     NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_net_layer_count(net), 0);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
    /* batch * width * 8 overflows: refused before reading x or allocating */
    assert_int_equal(nnact_net_forward(net, SIZE_MAX / 2, x, y), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_net_forward(net, (size_t)1 << 40, x, y), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_net_predict(net, SIZE_MAX / 3, x, y), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_net_reserve(net, SIZE_MAX / 5), NNACT_ERR_OVERFLOW);
    size_t bytes = 0;
    assert_int_equal(nnact_net_memory_bytes(net, SIZE_MAX / 7, &bytes), NNACT_ERR_OVERFLOW);
    /* only the one successful add_dense allocated (its two tables) */
    assert_int_equal(nnact__alloc_count(), allocs + 2);
    nnact_net_free(net);
}

/* NaN inputs must come out as NaN, never as numbers (relu(NaN) included). */
/* The activation kernels run inside the network without the act calls'
 * guard (once per network call instead): the network's forward, predict,
 * backward and training step leave the invalid and divide-by-zero flags as
 * they found them, for every kind, on the inputs that make the kernels raise
 * them inside (test_act_special: fp_environment_kept). */
static void net_calls_keep_the_fp_flags(void **state)
{
    (void)state;
    double x[10] = {NAN,     INFINITY, -INFINITY, 0.0,   -0.0,
                    DBL_MAX, -DBL_MAX, 0x1p-1074, 1e154, -745.2};
    double y[10], dy[10] = {1, 1, 1, 1, 1, 1, 1, 1, INFINITY, 0}, dx[10];
    const double one = 1.0;
    for (nnact_act_kind k = 0; k < (nnact_act_kind)nnact_act_count(); k++) {
        nnact_net *net = NULL;
        assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
        assert_int_equal(nnact_net_add_dense_ex(net, 1, k, NAN, NNACT_DENSE_NO_BIAS), NNACT_OK);
        assert_int_equal(nnact_net_set_layer(net, 0, &one, NULL), NNACT_OK);
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CHECK_FINITE, 0.0), NNACT_OK);
        feclearexcept(FE_ALL_EXCEPT);
        assert_int_equal(nnact_net_forward(net, 10, x, y), NNACT_OK);
        assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
        assert_int_equal(nnact_net_predict(net, 10, x, y), NNACT_OK);
        if (fetestexcept(FE_INVALID | FE_DIVBYZERO))
            print_error("%s raised invalid/divbyzero\n", nnact_act_name(k));
        assert_int_equal(fetestexcept(FE_INVALID | FE_DIVBYZERO), 0);
        /* the step's loss runs outside the network: only the network's part
           (forward, backward and update) is held to it, so compare with the
           flags the loss alone raises on the same output */
        assert_int_equal(nnact_net_forward(net, 10, x, y), NNACT_OK);
        feclearexcept(FE_ALL_EXCEPT);
        double L, g[10];
        (void)nnact_loss(NNACT_LOSS_MSE, 10, 1, y, x, &L, g);
        const int loss_flags = fetestexcept(FE_INVALID | FE_DIVBYZERO);
        feclearexcept(FE_ALL_EXCEPT);
        assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_MSE, 10, x, x, &L), NNACT_OK);
        assert_int_equal(fetestexcept(FE_INVALID | FE_DIVBYZERO) & ~loss_flags, 0);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
    /* a flag the caller had raised stays raised */
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_TANH, NAN), NNACT_OK);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    assert_int_equal(nnact_net_forward(net, 10, x, y), NNACT_OK);
    assert_true(fetestexcept(FE_DIVBYZERO));
    feclearexcept(FE_ALL_EXCEPT);
    nnact_net_free(net);
}

static void nan_propagates(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    const double W0[4] = {1, 0, 0, 1}, W1[2] = {1, 1};
    double x[4] = {NAN, 1.0, 2.0, 3.0}, y[2] = {0, 0}, dy[2] = {1, 1}, dx[4] = {0, 0, 0, 0};
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_SIGMOID, NAN), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 0, W0, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 1, W1, NULL), NNACT_OK);
    assert_int_equal(nnact_net_forward(net, 2, x, y), NNACT_OK);
    assert_true(isnan(y[0]));
    assert_close(y[1], 1.0 / (1.0 + exp(-5.0)), 2.3e-16);
    assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
    assert_true(isnan(dx[0]));
    double dW0[4];
    assert_int_equal(nnact_net_get_grad(net, 0, dW0, NULL), NNACT_OK);
    assert_true(isnan(dW0[0])); /* row 0 of x reaches dW of layer 0 */
    /* the NaN gradients and activations left in the buffers must not leak into
     * the next pass: products overwrite (beta = 0), they never read stale memory */
    x[0] = 0.5;
    assert_int_equal(nnact_net_forward(net, 2, x, y), NNACT_OK);
    assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grad(net, 0, dW0, NULL), NNACT_OK);
    for (int i = 0; i < 4; i++) {
        assert_true(isfinite(dx[i]));
        assert_true(isfinite(dW0[i]));
    }
    assert_close(y[0], 1.0 / (1.0 + exp(-1.5)), 2.3e-16);
    nnact_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigmoid_neuron_closed_form),
        cmocka_unit_test(exact_integer_single_layer),
        cmocka_unit_test(exact_integer_two_layers_relu),
        cmocka_unit_test(classic_two_layer_no_bias),
        cmocka_unit_test(sizes_and_layer_info),
        cmocka_unit_test(set_get_round_trip),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(overflow_is_reported_before_allocating),
        cmocka_unit_test(nan_propagates),
        cmocka_unit_test(net_calls_keep_the_fp_flags),
    };
    nnact_test_skip_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
