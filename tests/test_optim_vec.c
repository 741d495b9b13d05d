/* The update rules' vector path gives the portable path's bits (parameters,
 * every state vector, the step's state maxima as the a-priori proof sees
 * them), for every kind and the settings that change its arithmetic, on odd
 * lengths, misaligned arrays and lengths that cut into several chunks; and
 * the update, the network backward and a training step give the same bits at
 * 1, 2 and 3 threads (nnact_blas_set_threads governs the library's own
 * threads too; the network runs on data that makes the BLAS's products exact,
 * since OpenBLAS's own bits change with its thread count). Without AVX2 (or under NNACT_CPU_MASK=0)
 * both sides run the portable path and the test still checks the threading. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "net/net_internal.h"
#include "nnact/nnact.h"
#include "optim/optim_internal.h"
#include "optim/optim_testing.h"

static unsigned long long seed = 0x9E3779B97F4A7C15ULL;
static int base_threads = 1; /* the BLAS's own count, restored after each case */

static double uniform(double lo, double hi)
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return lo + (hi - lo) * (double)(seed >> 11) * 0x1p-53;
}

struct setting {
    nnact_opt_kind kind;
    nnact_opt_param p[3];
    double v[3];
    size_t n_set;
};

/* Every kind, and every setting that takes another branch of its rule. */
static const struct setting settings[] = {
    {NNACT_OPT_SGD, {0}, {0}, 0},
    {NNACT_OPT_SGD, {NNACT_OPT_PARAM_WEIGHT_DECAY, NNACT_OPT_PARAM_CLIP_VALUE}, {0.01, 0.3}, 2},
    {NNACT_OPT_MOMENTUM, {NNACT_OPT_PARAM_DAMPENING}, {0.2}, 1},
    {NNACT_OPT_MOMENTUM, {NNACT_OPT_PARAM_MOMENTUM}, {0.0}, 1},
    {NNACT_OPT_NESTEROV, {NNACT_OPT_PARAM_WEIGHT_DECAY}, {0.05}, 1},
    {NNACT_OPT_ADAGRAD,
     {NNACT_OPT_PARAM_LR_DECAY, NNACT_OPT_PARAM_INITIAL_ACCUMULATOR},
     {0.1, 0.5},
     2},
    {NNACT_OPT_RMSPROP, {0}, {0}, 0},
    {NNACT_OPT_RMSPROP, {NNACT_OPT_PARAM_CENTERED, NNACT_OPT_PARAM_MOMENTUM}, {1.0, 0.9}, 2},
    {NNACT_OPT_RMSPROP, {NNACT_OPT_PARAM_CENTERED, NNACT_OPT_PARAM_CLIP_NORM}, {1.0, 0.5}, 2},
    {NNACT_OPT_ADAM, {0}, {0}, 0},
    {NNACT_OPT_ADAM, {NNACT_OPT_PARAM_AMSGRAD, NNACT_OPT_PARAM_WEIGHT_DECAY}, {1.0, 0.01}, 2},
    {NNACT_OPT_ADAM, {NNACT_OPT_PARAM_EPS, NNACT_OPT_PARAM_CLIP_VALUE}, {0.0, 0.2}, 2},
    {NNACT_OPT_ADAMW, {NNACT_OPT_PARAM_AMSGRAD}, {1.0}, 1},
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

static nnact_opt *make(const struct setting *s)
{
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(s->kind, &o), NNACT_OK);
    for (size_t i = 0; i < s->n_set; i++)
        assert_int_equal(nnact_opt_set(o, s->p[i], s->v[i]), NNACT_OK);
    return o;
}

static void same_state(const nnact_opt *a, const nnact_opt *b)
{
    struct nnact__opt_state x, y;
    nnact__opt_state_view(a, &x);
    nnact__opt_state_view(b, &y);
    assert_int_equal(x.steps, y.steps);
    assert_int_equal(x.bound_n, y.bound_n);
    assert_int_equal(x.n_bufs, y.n_bufs);
    if (x.n_bufs) assert_memory_equal(x.state, y.state, x.n_bufs * x.bound_n * sizeof(double));
}

/* Steps one optimizer with `vector_a` and `threads_a`, another with the other
   settings, from the same parameters and gradients: the same bits after
   every step. off misaligns the arrays; some gradients are zero. */
static void compare(const struct setting *s, size_t n, size_t off, int vector_a, int threads_a,
                    int vector_b, int threads_b)
{
    double *pa = malloc((n + 1) * sizeof *pa), *pb = malloc((n + 1) * sizeof *pb);
    double *g = malloc((n + 1) * sizeof *g);
    assert_true(pa && pb && g);
    for (size_t i = 0; i <= n; i++)
        pa[i] = pb[i] = uniform(-1.0, 1.0);
    nnact_opt *a = make(s), *b = make(s);
    for (int step = 0; step < 4; step++) {
        for (size_t i = 0; i <= n; i++)
            g[i] = i % 17 == 3 ? 0.0 : uniform(-2.0, 2.0) * (step + 1);
        nnact__opt_set_vector(vector_a);
        nnact_blas_set_threads(threads_a);
        assert_int_equal(nnact_opt_step(a, n, pa + off, g + off), NNACT_OK);
        nnact__opt_set_vector(vector_b);
        nnact_blas_set_threads(threads_b);
        assert_int_equal(nnact_opt_step(b, n, pb + off, g + off), NNACT_OK);
        assert_memory_equal(pa, pb, (n + 1) * sizeof *pa);
        same_state(a, b);
    }
    nnact__opt_set_vector(1);
    nnact_blas_set_threads(base_threads);
    nnact_opt_free(a), nnact_opt_free(b);
    free(pa), free(pb), free(g);
}

static void vector_update_has_portable_bits(void **state)
{
    (void)state;
    static const size_t lengths[] = {1, 3, 4, 7, 1001, 40001}; /* 40001: several chunks */
    for (size_t s = 0; s < N_SETTINGS; s++)
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
            compare(&settings[s], lengths[l], l & 1, 1, 1, 0, 1);
}

static void update_has_same_bits_on_any_thread_count(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_SETTINGS; s++)
        for (int t = 2; t <= 3; t++)
            compare(&settings[s], 40003, 1, 1, 1, 1, t);
}

/* After a vector step, a non-finite gradient is still refused with nothing
   changed (the dry run stays on the portable path). */
static void nonfinite_gradient_refused_on_both_paths(void **state)
{
    (void)state;
    for (int v = 0; v <= 1; v++) {
        nnact_opt *o = make(&settings[9]);
        double p[9] = {0}, g[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        nnact__opt_set_vector(v);
        assert_int_equal(nnact_opt_step(o, 9, p, g), NNACT_OK);
        g[4] = INFINITY;
        double before[9];
        memcpy(before, p, sizeof p);
        assert_int_equal(nnact_opt_step(o, 9, p, g), NNACT_ERR_NUMERIC);
        assert_memory_equal(before, p, sizeof p);
        assert_int_equal(nnact_opt_step_count(o), 1);
        nnact_opt_free(o);
    }
    nnact__opt_set_vector(1);
}

/* nnact__max_abs (vector path on AVX2) against the plain loop: every length
   up to 70, misaligned, with a NaN or an infinity anywhere in it */
static void max_abs_matches_plain_loop(void **state)
{
    (void)state;
    double x[80];
    for (size_t n = 0; n <= 70; n++)
        for (int special = 0; special < 3; special++)
            for (size_t at = 0; at < n; at += (n > 8 ? 7 : 1)) {
                for (size_t i = 0; i < 80; i++)
                    x[i] = uniform(-3.0, 3.0) * (i % 5 == 0 ? 1e300 : 1.0);
                if (special) x[1 + at] = special == 1 ? NAN : -INFINITY;
                double m = 0.0;
                int bad = 0;
                for (size_t i = 0; i < n; i++) {
                    const double a = fabs(x[1 + i]);
                    m = a > m ? a : m;
                    bad |= !(a <= DBL_MAX);
                }
                assert_same_bits(nnact__max_abs(n, x + 1), bad ? INFINITY : m);
                if (!special) break;
            }
    /* long enough to be cut into pieces (and threads): the largest value
       and a NaN in the last piece */
    const size_t n = 200003;
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++)
        y[i] = uniform(-1.0, 1.0);
    y[n - 2] = -7.5;
    for (int th = 1; th <= 3; th++) {
        nnact_blas_set_threads(th);
        assert_same_bits(nnact__max_abs(n, y), 7.5);
        y[n - 1] = NAN;
        assert_same_bits(nnact__max_abs(n, y), INFINITY);
        y[n - 1] = 0.0;
    }
    nnact_blas_set_threads(base_threads);
    free(y);
}

/* A small dyadic value k / den, k in [-r, r]: the network's data below makes
   every product and sum exact, so the BLAS (whose bits change with its
   thread count: OpenBLAS 0.3.21 cuts products differently) gives the same
   bits on any count, and what the test sees is the library's own work. */
static double dyadic(int r, double den)
{
    return (double)((int)uniform(0.0, 2.0 * r + 1.0) - r) / den;
}

/* A network whose passes are large enough to be cut into chunks (batch x
   width >= 32768, several column stripes, widths that are not multiples of
   4), with every backward mode whose derivative is exact on such data: from
   the output (ReLU, leaky ReLU at 0.5), from Z (abs), identity, no bias. */
static nnact_net *big_net(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(30, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 301, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 203, NNACT_ACT_ABS, NAN), NNACT_OK); /* keeps Z */
    assert_int_equal(
        nnact_net_add_dense_ex(net, 257, NNACT_ACT_LEAKY_RELU, 0.5, NNACT_DENSE_NO_BIAS), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 5, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const size_t P = nnact_net_param_count(net);
    double *p = malloc(P * sizeof *p);
    for (size_t i = 0; i < P; i++)
        p[i] = dyadic(2, 2.0);
    assert_int_equal(nnact_net_set_params(net, P, p), NNACT_OK);
    free(p);
    return net;
}

enum { BATCH = 170 }; /* 170 x 203 >= 32768: the from-Z layer takes the threaded path too */

struct net_result {
    double *grads, *dx, *params;
};

/* forward, backward and one Adam training step at `threads` */
static void run_net(int threads, const double *x, const double *dy, const double *t, size_t *P,
                    struct net_result *out)
{
    nnact_blas_set_threads(threads);
    seed = 12345; /* the same parameters at every thread count */
    nnact_net *net = big_net();
    *P = nnact_net_param_count(net);
    out->grads = malloc(*P * sizeof(double));
    out->params = malloc(*P * sizeof(double));
    out->dx = malloc(BATCH * 30 * sizeof(double));
    double *y = malloc(BATCH * 5 * sizeof *y);
    assert_true(out->grads && out->params && out->dx && y);
    assert_int_equal(nnact_net_forward(net, BATCH, x, y), NNACT_OK);
    assert_int_equal(nnact_net_backward(net, dy, out->dx), NNACT_OK);
    assert_int_equal(nnact_net_get_grads(net, *P, out->grads), NNACT_OK);
    nnact_opt *o = NULL; /* the layerwise update, over more than one chunk */
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    double loss;
    assert_int_equal(nnact_net_train_step(net, o, NNACT_LOSS_HALF_SSE, BATCH, x, t, &loss),
                     NNACT_OK);
    assert_int_equal(nnact_net_get_params(net, *P, out->params), NNACT_OK);
    nnact_opt_free(o);
    nnact_net_free(net);
    free(y);
}

static void net_backward_same_bits_at_1_2_3_threads(void **state)
{
    (void)state;
    double *x = malloc(BATCH * 30 * sizeof *x), *dy = malloc(BATCH * 5 * sizeof *dy);
    double *t = malloc(BATCH * 5 * sizeof *t);
    assert_true(x && dy && t);
    for (size_t i = 0; i < BATCH * 30; i++)
        x[i] = dyadic(8, 4.0);
    for (size_t i = 0; i < BATCH * 5; i++)
        dy[i] = dyadic(8, 8.0), t[i] = dyadic(8, 8.0);
    struct net_result r[3];
    size_t P = 0;
    for (int th = 1; th <= 3; th++)
        run_net(th, x, dy, t, &P, &r[th - 1]);
    nnact_blas_set_threads(base_threads);
    for (int i = 1; i < 3; i++) {
        assert_memory_equal(r[0].grads, r[i].grads, P * sizeof(double));
        assert_memory_equal(r[0].dx, r[i].dx, BATCH * 30 * sizeof(double));
        assert_memory_equal(r[0].params, r[i].params, P * sizeof(double));
    }
    for (int i = 0; i < 3; i++)
        free(r[i].grads), free(r[i].dx), free(r[i].params);
    free(x), free(dy), free(t);
}

int main(void)
{
    nnact_test_skip_from_env();
    base_threads = nnact_blas_get_threads();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_update_has_portable_bits),
        cmocka_unit_test(update_has_same_bits_on_any_thread_count),
        cmocka_unit_test(nonfinite_gradient_refused_on_both_paths),
        cmocka_unit_test(max_abs_matches_plain_loop),
        cmocka_unit_test(net_backward_same_bits_at_1_2_3_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
