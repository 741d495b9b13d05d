/* Network memory: no allocation in steady state, the documented peak formula
 * checked against the allocator's own record, and the k-th allocation failing
 * for every k: NNACT_ERR_NOMEM, nothing changed, nothing leaked (LeakSanitizer
 * in the sanitized build), and the network still usable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "core/alloc.h"
#include "net/net_internal.h"
#include "net/net_testing.h"
#include "net_ref.h"
#include "nnact/nnact.h"

/* ---- allocator hooks ---- */

struct hook_state {
    size_t seen, fail_at; /* fail the fail_at-th allocation (1-based); 0 = never */
    int fired;
    size_t sizes[64];
};

static int hook(size_t size, void *ctx)
{
    struct hook_state *h = ctx;
    h->seen++;
    if (h->seen <= 64) h->sizes[h->seen - 1] = size;
    if (h->seen == h->fail_at) {
        h->fired = 1;
        return 0;
    }
    return 1;
}

enum { N_IN = 5, BATCH = 6 };
static const size_t widths[3] = {7, 9, 2};
static const nnact_act_kind acts[3] = {NNACT_ACT_GELU, NNACT_ACT_TANH, NNACT_ACT_IDENTITY};

static void fill_params(nnact_net *net)
{
    unsigned long long seed = 99;
    const size_t P = nnact_net_param_count(net);
    double *p = malloc(P * sizeof *p);
    for (size_t i = 0; i < P; i++)
        p[i] = ref_rand_uniform(&seed, -1, 1);
    assert_int_equal(nnact_net_set_params(net, P, p), NNACT_OK);
    free(p);
}

static void steady_state_does_not_allocate(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    double x[BATCH * N_IN], y[BATCH * 2], dy[BATCH * 2], dx[BATCH * N_IN];
    unsigned long long seed = 5;
    for (size_t i = 0; i < BATCH * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -1, 1);
    for (size_t i = 0; i < BATCH * 2; i++)
        dy[i] = ref_rand_uniform(&seed, -1, 1);
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    for (int l = 0; l < 3; l++)
        assert_int_equal(nnact_net_add_dense(net, widths[l], acts[l], NAN), NNACT_OK);
    fill_params(net);
    size_t before = nnact__alloc_count();
    assert_int_equal(nnact_net_forward(net, BATCH, x, y), NNACT_OK);
    /* the gradient array and the batch buffers, once */
    assert_int_equal(nnact__alloc_count(), before + 2);
    before = nnact__alloc_count();
    for (int it = 0; it < 10; it++) {
        const size_t b = it % 2 ? BATCH : 1 + (size_t)it % BATCH; /* any batch up to the first */
        double L;
        assert_int_equal(nnact_net_forward(net, b, x, y), NNACT_OK);
        assert_int_equal(nnact_loss(NNACT_LOSS_MSE, b, 2, y, dy, &L, dy), NNACT_OK);
        assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
        assert_int_equal(nnact_net_get_grad(net, 1, NULL, NULL), NNACT_OK);
    }
    assert_int_equal(nnact__alloc_count(), before);

    /* reserve ahead: the first forward at that size does not allocate */
    assert_int_equal(nnact_net_reserve(net, 4 * BATCH), NNACT_OK);
    before = nnact__alloc_count();
    double xb[4 * BATCH * N_IN] = {0}, yb[4 * BATCH * 2];
    assert_int_equal(nnact_net_forward(net, 4 * BATCH, xb, yb), NNACT_OK);
    assert_int_equal(nnact__alloc_count(), before);
    /* predict with caller scratch never allocates; plain predict allocates once */
    size_t nw = 0;
    assert_int_equal(nnact_net_predict_workspace(net, BATCH, &nw), NNACT_OK);
    assert_int_equal(nw, 2 * BATCH * 9);
    double *work = malloc(nw * sizeof *work);
    assert_int_equal(nnact_net_predict_ws(net, BATCH, x, y, work, nw), NNACT_OK);
    assert_int_equal(nnact__alloc_count(), before);
    assert_int_equal(nnact_net_predict_ws(net, BATCH, x, y, work, nw - 1), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_predict(net, BATCH, x, y), NNACT_OK);
    assert_int_equal(nnact__alloc_count(), before + 1);
    free(work);
    nnact_net_free(net);
}

/* The formula of docs/NETWORK.md against the sizes the allocator was asked for. */
static void memory_formula_matches_allocations(void **state)
{
    (void)state;
    struct hook_state h = {0};
    nnact_net *net = NULL;
    double x[BATCH * N_IN] = {0}, y[BATCH * 2];
    nnact__alloc_set_hook(hook, &h);
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    const size_t handle = h.sizes[0];
    size_t layers = 0, store = 0;
    for (int l = 0; l < 3; l++) {
        size_t at = h.seen;
        assert_int_equal(nnact_net_add_dense(net, widths[l], acts[l], NAN), NNACT_OK);
        layers = h.sizes[at], store = h.sizes[at + 1]; /* the live tables are the last ones */
    }
    size_t at = h.seen;
    assert_int_equal(nnact_net_forward(net, BATCH, x, y), NNACT_OK);
    assert_int_equal(h.seen, at + 2);
    const size_t grads = h.sizes[at], ws = h.sizes[at + 1];
    nnact__alloc_set_hook(NULL, NULL);

    size_t bytes = 0, bytes0 = 0;
    assert_int_equal(nnact_net_memory_bytes(net, BATCH, &bytes), NNACT_OK);
    assert_int_equal(bytes, handle + layers + store + grads + ws);
    assert_int_equal(nnact_net_memory_bytes(net, 0, &bytes0), NNACT_OK);
    assert_int_equal(bytes0, handle + layers + store + grads);
    /* the batch part written out: 8 B (n_in + sum n_out (2 + keepZ)): input copy,
     * Z, dZ per layer, and A too when keepZ = 1, for kinds whose derivative is
     * not a function of the output (GELU) */
    const size_t P = nnact_net_param_count(net);
    assert_int_equal(store, 8 * P);
    assert_int_equal(grads, 8 * P);
    const size_t per_row = N_IN + 7 * 3 + 9 * 2 + 2 * 2;
    assert_int_equal(bytes - bytes0, 8 * BATCH * per_row);
    assert_int_equal(nnact_act_supports_from_output(NNACT_ACT_GELU, NAN), 0);
    assert_int_equal(nnact_act_supports_from_output(NNACT_ACT_TANH, NAN), 1);
    assert_int_equal(nnact_net_memory_bytes(NULL, 1, &bytes), NNACT_ERR_ARG);
    nnact_net_free(net);
}

/* One full scenario with the fail_at-th allocation failing. Each step that
 * fails must fail with NNACT_ERR_NOMEM and leave everything as it was; it is
 * then repeated (the hook fails only once). Returns whether the hook fired. */
static int scenario(size_t fail_at, double *final_y, double *final_grads)
{
    struct hook_state h = {0};
    h.fail_at = fail_at;
    nnact_net *net = (nnact_net *)&h;
    double x[2 * BATCH * N_IN], y[2 * BATCH * 2], dy[2 * BATCH * 2], dx[2 * BATCH * N_IN], err;
    unsigned long long seed = 17;
    for (size_t i = 0; i < 2 * BATCH * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -1, 1);
    for (size_t i = 0; i < 2 * BATCH * 2; i++)
        dy[i] = ref_rand_uniform(&seed, -1, 1);
    nnact__alloc_set_hook(hook, &h);

    nnact_status s = nnact_net_create(N_IN, &net);
    if (s != NNACT_OK) {
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(net);
        assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    }
    for (int l = 0; l < 3; l++) {
        s = nnact_net_add_dense(net, widths[l], acts[l], NAN);
        if (s != NNACT_OK) {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            assert_int_equal(nnact_net_layer_count(net), (size_t)l);
            assert_int_equal(nnact_net_output_size(net), l ? widths[l - 1] : N_IN);
            assert_int_equal(nnact_net_add_dense(net, widths[l], acts[l], NAN), NNACT_OK);
        }
    }
    fill_params(net);
    const size_t P = nnact_net_param_count(net);
    double *p0 = malloc(P * sizeof *p0), *p1 = malloc(P * sizeof *p1);
    double *g0 = malloc(P * sizeof *g0), *g1 = malloc(P * sizeof *g1);
    assert_int_equal(nnact_net_get_params(net, P, p0), NNACT_OK);

    s = nnact_net_forward(net, BATCH, x, y);
    if (s != NNACT_OK) {
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_ERR_STATE); /* still no forward */
        assert_int_equal(nnact_net_forward(net, BATCH, x, y), NNACT_OK);
    }
    assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(net, P, g0), NNACT_OK);

    /* a larger batch needs new buffers; failing keeps the old forward */
    ref_fill_nan(2 * BATCH * 2, y);
    s = nnact_net_forward(net, 2 * BATCH, x, y);
    if (s != NNACT_OK) {
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_true(isnan(y[0])); /* output untouched */
        assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_OK);
        assert_int_equal(nnact_net_get_grads(net, P, g1), NNACT_OK);
        assert_memory_equal(g0, g1, P * sizeof *g0);
        assert_int_equal(nnact_net_forward(net, 2 * BATCH, x, y), NNACT_OK);
    }
    s = nnact_net_predict(net, 2 * BATCH, x, y);
    if (s != NNACT_OK) {
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_int_equal(nnact_net_predict(net, 2 * BATCH, x, y), NNACT_OK);
    }
    const double t[BATCH * 2] = {0.5, -0.5, 0.25, 0.0, 1.0, 0.1, 0.2, 0.3, -0.4, 0.6, 0.7, -0.8};
    s = nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, BATCH, x, t, NNACT_GRADCHECK_AUTO, &err);
    if (s != NNACT_OK) {
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_int_equal(
            nnact_net_gradcheck(net, NNACT_LOSS_HALF_SSE, BATCH, x, t, NNACT_GRADCHECK_AUTO, &err),
            NNACT_OK);
    }
    assert_true(err <= 1e-6);
    nnact__alloc_set_hook(NULL, NULL);
    /* parameters exactly as set, the network fully usable */
    assert_int_equal(nnact_net_get_params(net, P, p1), NNACT_OK);
    assert_memory_equal(p0, p1, P * sizeof *p0);
    assert_int_equal(nnact_net_forward(net, BATCH, x, final_y), NNACT_OK);
    assert_int_equal(nnact_net_backward(net, dy, dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(net, P, final_grads), NNACT_OK);
    free(p0), free(p1), free(g0), free(g1);
    nnact_net_free(net);
    return h.fired;
}

static void every_allocation_failure_is_clean(void **state)
{
    (void)state;
    double y_ref[BATCH * 2], g_ref[200], y[BATCH * 2], g[200];
    assert_int_equal(scenario(0, y_ref, g_ref), 0);
    size_t k = 1;
    for (; k < 1000 && scenario(k, y, g); k++) {
        assert_memory_equal(y, y_ref, sizeof y);
        assert_memory_equal(g, g_ref, (5 * 7 + 7 + 7 * 9 + 9 + 9 * 2 + 2) * sizeof(double));
    }
    /* create, 3 x 2 tables, 2 batch buffers, predict scratch, gradcheck scratch */
    assert_true(k >= 10);
    printf("allocation failures tested: k = 1 .. %zu\n", k - 1);
}

/* The internal views for optimizers: one flat array, blocks in flat order, and
 * an in-place training step that allocates nothing and matches the public path. */
static void internal_views_and_step(void **state)
{
    (void)state;
    nnact_net *net = NULL, *twin = NULL;
    double x[BATCH * N_IN], t[BATCH * 2], y[BATCH * 2], dy[BATCH * 2], L1, L2;
    unsigned long long seed = 8;
    for (size_t i = 0; i < BATCH * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -1, 1);
    for (size_t i = 0; i < BATCH * 2; i++)
        t[i] = ref_rand_uniform(&seed, -1, 1);
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    assert_int_equal(nnact_net_create(N_IN, &twin), NNACT_OK);
    for (int l = 0; l < 3; l++) {
        const unsigned fl = l == 1 ? NNACT_DENSE_NO_BIAS : 0u;
        assert_int_equal(nnact_net_add_dense_ex(net, widths[l], acts[l], NAN, fl), NNACT_OK);
        assert_int_equal(nnact_net_add_dense_ex(twin, widths[l], acts[l], NAN, fl), NNACT_OK);
    }
    fill_params(net);
    fill_params(twin);
    size_t n = 0;
    double *p = nnact__net_params(net, &n);
    assert_int_equal(n, nnact_net_param_count(net));
    assert_int_equal(nnact__net_param_count(net), n);
    /* blocks: layer 0 W, layer 0 b, layer 1 W (no bias), layer 2 W, layer 2 b */
    assert_int_equal(nnact__net_block_count(net), 5);
    struct nnact__net_block blk;
    size_t covered = 0;
    for (size_t i = 0; i < 5; i++) {
        assert_true(nnact__net_block(net, i, &blk));
        assert_int_equal(blk.offset, covered);
        assert_ptr_equal(blk.param, p + covered);
        covered += blk.len;
    }
    assert_int_equal(covered, n);
    assert_false(nnact__net_block(net, 5, &blk));
    assert_true(nnact__net_block(net, 2, &blk));
    assert_int_equal(blk.layer, 1);
    assert_int_equal(blk.is_bias, 0);
    assert_int_equal(blk.len, 7 * 9);
    const double *W = NULL, *b = (const double *)&blk;
    assert_true(nnact__net_layer_view(net, 1, &W, &b));
    assert_ptr_equal(W, p + 5 * 7 + 7);
    assert_null(b);
    assert_false(nnact__net_layer_view(net, 3, &W, &b));
    assert_null(nnact__net_output(net));
    assert_null(nnact__net_dy_buffer(net));
    assert_false(nnact__net_has_grad(net));

    /* public path on the twin */
    assert_int_equal(nnact_net_forward(twin, BATCH, x, y), NNACT_OK);
    assert_int_equal(nnact_loss(NNACT_LOSS_HUBER, BATCH, 2, y, t, &L1, dy), NNACT_OK);
    assert_int_equal(nnact_net_backward(twin, dy, NULL), NNACT_OK);
    /* internal path, twice: the second time without any allocation */
    for (int round = 0; round < 2; round++) {
        const size_t before = nnact__alloc_count();
        assert_int_equal(nnact__net_forward_keep(net, BATCH, x), NNACT_OK);
        const double *out = nnact__net_output(net);
        double *d = nnact__net_dy_buffer(net);
        assert_non_null(out);
        assert_memory_equal(out, y, sizeof y);
        assert_int_equal(nnact_loss(NNACT_LOSS_HUBER, BATCH, 2, out, t, &L2, d), NNACT_OK);
        assert_int_equal(nnact_net_backward(net, d, NULL), NNACT_OK);
        if (round == 1) assert_int_equal(nnact__alloc_count(), before);
    }
    assert_memory_equal(&L1, &L2, sizeof L1);
    assert_true(nnact__net_has_grad(net));
    size_t ng = 0;
    const double *g = nnact__net_grads(net, &ng);
    double *g2 = malloc(n * sizeof *g2);
    assert_int_equal(nnact_net_get_grads(twin, n, g2), NNACT_OK);
    assert_memory_equal(g, g2, n * sizeof *g2);
    free(g2);
    assert_int_equal(nnact__net_forward_keep(net, 0, x), NNACT_ERR_ARG);
    nnact_net_free(net);
    nnact_net_free(twin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steady_state_does_not_allocate),
        cmocka_unit_test(memory_formula_matches_allocations),
        cmocka_unit_test(every_allocation_failure_is_clean),
        cmocka_unit_test(internal_views_and_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
