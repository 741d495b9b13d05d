/* Threads: nnact_net_predict from 8 threads at once on one const network gives
 * the single-thread bits; forward and predict agree bitwise; the library never
 * changes the BLAS thread count itself; results at a fixed BLAS thread count
 * are bit-identical run to run. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "net_ref.h"
#include "nnact/nnact.h"

enum { N_IN = 24, N_OUT = 10, BATCH = 37, THREADS = 8, REPEATS = 25 };

static nnact_net *make_net(size_t width)
{
    nnact_net *net = NULL;
    unsigned long long seed = 1234;
    assert_int_equal(nnact_net_create(N_IN, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, width, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, width, NNACT_ACT_GELU, NAN), NNACT_OK); /* keeps Z */
    assert_int_equal(
        nnact_net_add_dense_ex(net, N_OUT, NNACT_ACT_SIGMOID, NAN, NNACT_DENSE_NO_BIAS), NNACT_OK);
    const size_t P = nnact_net_param_count(net);
    double *p = malloc(P * sizeof *p);
    for (size_t i = 0; i < P; i++)
        p[i] = ref_rand_uniform(&seed, -0.3, 0.3);
    assert_int_equal(nnact_net_set_params(net, P, p), NNACT_OK);
    free(p);
    return net;
}

struct job {
    const nnact_net *net;
    const double *x;
    const double *expect;
    int use_ws;
    int mismatches;
    int failures;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    double y[BATCH * N_OUT];
    size_t nw = 0;
    double *work = NULL;
    if (j->use_ws && nnact_net_predict_workspace(j->net, BATCH, &nw) == NNACT_OK)
        work = malloc(nw * sizeof *work);
    for (int r = 0; r < REPEATS; r++) {
        ref_fill_nan(BATCH * N_OUT, y);
        nnact_status s = work ? nnact_net_predict_ws(j->net, BATCH, j->x, y, work, nw)
                              : nnact_net_predict(j->net, BATCH, j->x, y);
        if (s != NNACT_OK)
            j->failures++;
        else if (memcmp(y, j->expect, sizeof y) != 0)
            j->mismatches++;
    }
    free(work);
    return NULL;
}

static void predict_from_eight_threads(void **state)
{
    (void)state;
    nnact_net *net = make_net(48);
    double x[BATCH * N_IN], y1[BATCH * N_OUT], yf[BATCH * N_OUT];
    unsigned long long seed = 77;
    for (size_t i = 0; i < BATCH * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -2, 2);
    ref_fill_nan(BATCH * N_OUT, y1);
    ref_fill_nan(BATCH * N_OUT, yf);
    assert_int_equal(nnact_net_predict(net, BATCH, x, y1), NNACT_OK);
    /* forward keeps state but must compute the same bits */
    assert_int_equal(nnact_net_forward(net, BATCH, x, yf), NNACT_OK);
    assert_memory_equal(y1, yf, sizeof y1);
    for (size_t i = 0; i < BATCH * N_OUT; i++)
        assert_true(y1[i] > 0.0 && y1[i] < 1.0);

    pthread_t th[THREADS];
    struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct job){net, x, y1, i % 2, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    nnact_net_free(net);
}

/* Results at a fixed BLAS thread count do not change from run to run, at 1
 * and at 2 threads, on sizes where OpenBLAS splits the work. */
static void blas_threads_deterministic(void **state)
{
    (void)state;
    const int original = nnact_blas_get_threads();
    enum { B = 96, W = 192 };
    double *x = malloc(B * N_IN * sizeof *x), *dy = malloc(B * N_OUT * sizeof *dy);
    double *y[2], *dx[2], *g[2];
    unsigned long long seed = 3;
    for (size_t i = 0; i < B * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -2, 2);
    for (size_t i = 0; i < B * N_OUT; i++)
        dy[i] = ref_rand_uniform(&seed, -1, 1);
    for (int threads = 1; threads <= 2; threads++) {
        assert_int_equal(nnact_blas_set_threads(threads), NNACT_OK);
        for (int run = 0; run < 2; run++) {
            nnact_net *net = make_net(W);
            const size_t P = nnact_net_param_count(net);
            y[run] = malloc(B * N_OUT * sizeof(double));
            dx[run] = malloc(B * N_IN * sizeof(double));
            g[run] = malloc(P * sizeof(double));
            assert_int_equal(nnact_net_forward(net, B, x, y[run]), NNACT_OK);
            assert_int_equal(nnact_net_backward(net, dy, dx[run]), NNACT_OK);
            assert_int_equal(nnact_net_get_grads(net, P, g[run]), NNACT_OK);
            /* the library itself never changes the count */
            assert_int_equal(nnact_blas_get_threads(), threads);
            if (run == 1) {
                assert_memory_equal(y[0], y[1], B * N_OUT * sizeof(double));
                assert_memory_equal(dx[0], dx[1], B * N_IN * sizeof(double));
                assert_memory_equal(g[0], g[1], P * sizeof(double));
                for (int r = 0; r < 2; r++)
                    free(y[r]), free(dx[r]), free(g[r]);
            }
            nnact_net_free(net);
        }
    }
    assert_int_equal(nnact_blas_set_threads(0), NNACT_ERR_ARG);
    assert_int_equal(nnact_blas_set_threads(original), NNACT_OK);
    free(x);
    free(dy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(predict_from_eight_threads),
        cmocka_unit_test(blas_threads_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
