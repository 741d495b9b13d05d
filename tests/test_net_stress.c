/* Threads under load: while 4 threads predict on one shared const network,
 * 4 others each train a network of their own (Adam, then SGD with momentum)
 * and provoke failures of their own. Every predict gives the single-thread
 * bits, every trained network ends bit-identical to the same training done
 * alone beforehand, and each thread's nnact_last_error() holds its own
 * failure. Built also with ThreadSanitizer (.ci/test's TSan stage). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "net_ref.h"
#include "nnact/nnact.h"

enum { N_IN = 12, N_OUT = 3, BATCH = 16, PREDICTORS = 4, TRAINERS = 4, STEPS = 40, REPEATS = 60 };

static nnact_net *make_net(uint64_t seed)
{
    nnact_net *net = NULL;
    if (nnact_net_create(N_IN, &net) != NNACT_OK) return NULL;
    if (nnact_net_add_dense(net, 32, NNACT_ACT_TANH, NAN) != NNACT_OK ||
        nnact_net_add_dense(net, 24, NNACT_ACT_GELU, NAN) != NNACT_OK ||
        nnact_net_add_dense(net, N_OUT, NNACT_ACT_IDENTITY, NAN) != NNACT_OK ||
        nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, seed) != NNACT_OK) {
        nnact_net_free(net);
        return NULL;
    }
    return net;
}

/* Trains a fresh network from `seed` for STEPS steps; its parameters go to p
 * (nnact_net_param_count doubles). 0 on success. */
static int train_alone(uint64_t seed, nnact_opt_kind kind, const double *x, const double *t,
                       double *p)
{
    nnact_net *net = make_net(seed);
    nnact_opt *opt = NULL;
    int bad = net == NULL || nnact_opt_create(kind, &opt) != NNACT_OK;
    if (!bad && kind == NNACT_OPT_MOMENTUM) bad = nnact_opt_set(opt, NNACT_OPT_PARAM_MOMENTUM, 0.9);
    for (int s = 0; s < STEPS && !bad; s++) {
        double loss;
        bad = nnact_net_train_step(net, opt, NNACT_LOSS_MSE, BATCH, x, t, &loss) != NNACT_OK;
    }
    if (!bad) bad = nnact_net_get_params(net, nnact_net_param_count(net), p) != NNACT_OK;
    nnact_opt_free(opt);
    nnact_net_free(net);
    return bad;
}

struct shared {
    const nnact_net *net;
    const double *x, *t, *expect_y;
    double *expect_p[TRAINERS];
    size_t n_params;
};

struct job {
    const struct shared *sh;
    int index;
    int failures;
};

static void *predictor(void *arg)
{
    struct job *j = arg;
    double y[BATCH * N_OUT];
    for (int r = 0; r < REPEATS; r++) {
        ref_fill_nan(BATCH * N_OUT, y);
        if (nnact_net_predict(j->sh->net, BATCH, j->sh->x, y) != NNACT_OK ||
            memcmp(y, j->sh->expect_y, sizeof y) != 0)
            j->failures++;
    }
    return NULL;
}

static void *trainer(void *arg)
{
    struct job *j = arg;
    const struct shared *sh = j->sh;
    double *p = malloc(sh->n_params * sizeof *p);
    nnact_opt_kind kind = j->index % 2 ? NNACT_OPT_MOMENTUM : NNACT_OPT_ADAM;
    if (p == NULL || train_alone(100 + (uint64_t)j->index, kind, sh->x, sh->t, p) != 0 ||
        memcmp(p, sh->expect_p[j->index], sh->n_params * sizeof *p) != 0)
        j->failures++;
    /* a failure of this thread's own: its detail stays in this thread */
    char mine[32];
    snprintf(mine, sizeof mine, "no_such_kind_%d", j->index);
    nnact_act_kind k;
    if (nnact_act_from_name(mine, &k) != NNACT_ERR_ARG || strstr(nnact_last_error(), mine) == NULL)
        j->failures++;
    free(p);
    return NULL;
}

static void predict_while_training(void **state)
{
    (void)state;
    double x[BATCH * N_IN], t[BATCH * N_OUT], y[BATCH * N_OUT];
    unsigned long long seed = 5;
    for (size_t i = 0; i < BATCH * N_IN; i++)
        x[i] = ref_rand_uniform(&seed, -2, 2);
    for (size_t i = 0; i < BATCH * N_OUT; i++)
        t[i] = ref_rand_uniform(&seed, -1, 1);
    nnact_net *shared_net = make_net(9);
    assert_non_null(shared_net);
    assert_int_equal(nnact_net_predict(shared_net, BATCH, x, y), NNACT_OK);

    struct shared sh = {shared_net, x, t, y, {0}, nnact_net_param_count(shared_net)};
    for (int i = 0; i < TRAINERS; i++) {
        sh.expect_p[i] = malloc(sh.n_params * sizeof(double));
        assert_non_null(sh.expect_p[i]);
        nnact_opt_kind kind = i % 2 ? NNACT_OPT_MOMENTUM : NNACT_OPT_ADAM;
        assert_int_equal(train_alone(100 + (uint64_t)i, kind, x, t, sh.expect_p[i]), 0);
    }
    /* training moved the parameters, so matching them below means something */
    nnact_net *untrained = make_net(100);
    double *p0 = malloc(sh.n_params * sizeof *p0);
    assert_non_null(p0);
    assert_int_equal(nnact_net_get_params(untrained, sh.n_params, p0), NNACT_OK);
    assert_true(memcmp(p0, sh.expect_p[0], sh.n_params * sizeof *p0) != 0);
    free(p0);
    nnact_net_free(untrained);

    pthread_t th[PREDICTORS + TRAINERS];
    struct job jobs[PREDICTORS + TRAINERS];
    for (int i = 0; i < PREDICTORS + TRAINERS; i++) {
        jobs[i] = (struct job){&sh, i < PREDICTORS ? i : i - PREDICTORS, 0};
        assert_int_equal(
            pthread_create(&th[i], NULL, i < PREDICTORS ? predictor : trainer, &jobs[i]), 0);
    }
    for (int i = 0; i < PREDICTORS + TRAINERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
    }
    for (int i = 0; i < TRAINERS; i++)
        free(sh.expect_p[i]);
    nnact_net_free(shared_net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(predict_while_training),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
