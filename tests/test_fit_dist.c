/* train: the data-parallel fit's extension point (nnact_fit_config_set_dist)
 * without any transport: a fake single-process "reducer" whose sum does
 * nothing and whose agreement echoes the caller, or injects another rank's
 * failure. The real multi-process runs are tests/test_mpi_*.c under mpirun.
 * Checked: the record's refusals; a one-rank distributed fit equals the
 * ordinary fit to 1e-12 (SGD, Adam, RMSprop, with validation); a failure on
 * "another rank" at the start or at a step returns its status and detail and
 * changes nothing; a failing transport is NNACT_ERR_IO; allocation failures
 * at the start change nothing; only rank 0 writes the checkpoint. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nnact_test.h"
#include "alloc_fault.h"

#include "core/alloc.h"
#include "optim/optim_internal.h"
#include "nnact/nnact.h"

enum { ROWS = 23, NIN = 3, BATCH = 8, MAXP = 128 };
static double X[ROWS * NIN], T[ROWS];

/* The fake transport: one process; `fail_sum_at` injects a failure of
   "rank 1" into the n-th small header sum (counted from 1), `broken` makes
   every sum fail. The fit's first sum compares the ranks' settings digests:
   the fake's other ranks hold the same words (multiplied by the rank count),
   or, with `other_settings`, one of them another digest; `digest` keeps what
   this rank passed. */
enum { DIGEST_N = 8 };
struct fake {
    int sums, fail_sum_at, broken, agrees, stop_votes, reserves, reserve_fails, nan_grad;
    size_t reserved;
    uint64_t ranks;
    int calls, digests, other_settings;
    double digest[DIGEST_N];
};

/* The record's optional reserve: counts, remembers the length, may fail. */
static int fake_reserve(size_t max_n, void *user)
{
    struct fake *f = user;
    f->reserves++;
    f->reserved = max_n;
    return f->reserve_fails ? -1 : 0;
}

static int fake_sum(double *x, size_t n, void *user)
{
    struct fake *f = user;
    if (f->broken) return -1;
    if (f->calls++ == 0) { /* the start's comparison of the settings */
        assert_int_equal(n, DIGEST_N);
        f->digests++;
        memcpy(f->digest, x, sizeof f->digest);
        for (size_t i = 0; i < n; i++)
            x[i] *= (double)f->ranks;
        if (f->other_settings) x[0] += 1.0; /* another rank's first word is larger by 1 */
        return 0;
    }
    if (n == 2 && ++f->sums == f->fail_sum_at) x[1] += 1.0; /* another rank failed */
    if (n == 1) f->stop_votes++;
    if (n > 2 && f->nan_grad) x[n - 1] = NAN; /* another rank's gradient is not finite */
    return 0;
}

static int fake_agree(nnact_status *st, char *detail, size_t cap, uint64_t *origin, void *user)
{
    struct fake *f = user;
    f->agrees++;
    if (*st == NNACT_OK && f->fail_sum_at > 0 && f->sums == f->fail_sum_at) {
        *st = NNACT_ERR_NUMERIC;
        snprintf(detail, cap, "nnact_net_fit_run: injected");
        *origin = 1;
    }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < NIN; j++)
            X[i * NIN + j] = sin(1.0 + i * 0.7 + j * 1.3);
        T[i] = X[i * NIN] * X[i * NIN + 1] - 0.5 * X[i * NIN + 2];
    }
    return 0;
}

static nnact_net *make_net(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(NIN, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 7, NNACT_ACT_TANH, 0.0), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 5, NNACT_ACT_RELU, 0.0), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, 0.0), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_NORMAL, 5), NNACT_OK);
    return net;
}

static nnact_fit_config *make_config(double val_fraction)
{
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, 4), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, BATCH), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, 9), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, val_fraction),
                     NNACT_OK);
    return c;
}

static nnact_fit_dist fake_dist(struct fake *f, uint64_t rank, uint64_t ranks)
{
    nnact_fit_dist d = {sizeof d, rank, ranks, fake_sum, fake_agree, f, NULL};
    f->ranks = ranks;
    return d;
}

static void test_set_dist_refusals(void **state)
{
    (void)state;
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(NULL, &d), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_fit_config_set_dist: config is NULL"));
    nnact_fit_dist bad = d;
    bad.size = sizeof(size_t);
    assert_int_equal(nnact_fit_config_set_dist(c, &bad), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "d->size"));
    bad = d;
    bad.ranks = 0;
    assert_int_equal(nnact_fit_config_set_dist(c, &bad), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "ranks is 0"));
    bad = d;
    bad.rank = 1;
    assert_int_equal(nnact_fit_config_set_dist(c, &bad), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "rank 1 is not below ranks 1"));
    bad = d;
    bad.sum = NULL;
    assert_int_equal(nnact_fit_config_set_dist(c, &bad), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "sum is NULL"));
    bad = d;
    bad.agree = NULL;
    assert_int_equal(nnact_fit_config_set_dist(c, &bad), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "agree is NULL"));
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_dist(c, NULL), NNACT_OK); /* back to ordinary */
    nnact_fit_config_free(c);
}

/* An ordinary fit and a one-rank distributed fit (the unfused step over the
   summed gradient) end at the same parameters to 1e-12 relative. */
static void check_equal_one_rank(nnact_opt_kind kind, double lr, double val_fraction)
{
    nnact_net *a = make_net(), *b = make_net();
    nnact_opt *oa = NULL, *ob = NULL;
    assert_int_equal(nnact_opt_create(kind, &oa), NNACT_OK);
    assert_int_equal(nnact_opt_set(oa, NNACT_OPT_PARAM_LR, lr), NNACT_OK);
    assert_int_equal(nnact_opt_create(kind, &ob), NNACT_OK);
    assert_int_equal(nnact_opt_set(ob, NNACT_OPT_PARAM_LR, lr), NNACT_OK);
    nnact_fit_config *ca = make_config(val_fraction), *cb = make_config(val_fraction);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(cb, &d), NNACT_OK);
    nnact_fit_report ra = {.size = sizeof ra}, rb = {.size = sizeof rb};
    assert_int_equal(nnact_net_fit_run(a, oa, NNACT_LOSS_MSE, ROWS, X, T, ca, &ra), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, cb, &rb), NNACT_OK);
    assert_true(f.sums > 0);
    assert_int_equal(f.agrees, 1); /* the start only: no failure */
    const size_t np = nnact_net_param_count(a);
    double pa[MAXP], pb[MAXP];
    assert_true(np <= MAXP);
    assert_int_equal(nnact_net_get_params(a, np, pa), NNACT_OK);
    assert_int_equal(nnact_net_get_params(b, np, pb), NNACT_OK);
    for (size_t i = 0; i < np; i++)
        assert_close(pb[i], pa[i], 1e-12 * fmax(1.0, fabs(pa[i])));
    assert_close(rb.last_loss, ra.last_loss, 1e-12 * fabs(ra.last_loss));
    if (val_fraction > 0.0) assert_close(rb.last_val_loss, ra.last_val_loss, 1e-12);
    assert_int_equal(rb.epochs_done, ra.epochs_done);
    nnact_fit_config_free(ca);
    nnact_fit_config_free(cb);
    nnact_opt_free(oa);
    nnact_opt_free(ob);
    nnact_net_free(a);
    nnact_net_free(b);
}

static void test_one_rank_equals_ordinary(void **state)
{
    (void)state;
    check_equal_one_rank(NNACT_OPT_SGD, 0.05, 0.0);
    check_equal_one_rank(NNACT_OPT_ADAM, 0.01, 0.2);
    check_equal_one_rank(NNACT_OPT_RMSPROP, 0.005, 0.2);
}

/* A failure injected at the header sum of step `at` (1 = the first step). */
static void check_injected(int at, int steps_before)
{
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, 1), NNACT_OK);
    struct fake f = {.fail_sum_at = at};
    nnact_fit_dist d = fake_dist(&f, 0, 2);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    /* the reference: the parameters after the steps before the failing one */
    nnact_net *ref = make_net();
    nnact_opt *oref = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &oref), NNACT_OK);
    if (steps_before > 0) {
        nnact_fit_config *cr = make_config(0.0);
        assert_int_equal(nnact_fit_config_set_int(cr, NNACT_FIT_PARAM_EPOCHS, 1), NNACT_OK);
        struct fake g = {0};
        nnact_fit_dist dr = fake_dist(&g, 0, 2);
        assert_int_equal(nnact_fit_config_set_dist(cr, &dr), NNACT_OK);
        /* the same first steps: a run over only those rows' batches */
        assert_int_equal(nnact_fit_config_set_int(cr, NNACT_FIT_PARAM_SHUFFLE, 0), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SHUFFLE, 0), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
        assert_int_equal(nnact_net_fit_run(ref, oref, NNACT_LOSS_MSE,
                                           (size_t)(BATCH * steps_before), X, T, cr, NULL),
                         NNACT_OK);
        nnact_fit_config_free(cr);
    }
    nnact_fit_report r = {.size = sizeof r};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r),
                     NNACT_ERR_NUMERIC);
    assert_string_equal(nnact_last_error(), "nnact_net_fit_run: injected (rank 1 of 2)");
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_ERROR);
    assert_int_equal(r.epochs_done, 0);
    const size_t np = nnact_net_param_count(net);
    double p[MAXP], q[MAXP];
    assert_int_equal(nnact_net_get_params(net, np, p), NNACT_OK);
    assert_int_equal(nnact_net_get_params(ref, np, q), NNACT_OK);
    assert_memory_equal(p, q, np * sizeof(double));
    if (steps_before == 0) { /* failed in the first step: the optimizer unbound, as it came */
        struct nnact__opt_state view;
        nnact__opt_state_view(o, &view);
        assert_int_equal(view.bound_n, 0);
    }
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_opt_free(oref);
    nnact_net_free(net);
    nnact_net_free(ref);
}

static void test_failure_elsewhere_changes_nothing(void **state)
{
    (void)state;
    check_injected(1, 0);
    check_injected(3, 2);
}

static void test_broken_transport(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {.broken = 1};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run: the sum between ranks failed"));
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Bad rows: refused at the start through the agreement, the detail with the rank. */
static void test_bad_rows_agreed(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    double x[ROWS * NIN];
    memcpy(x, X, sizeof x);
    x[4 * NIN + 1] = NAN;
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, x, T, c, NULL), NNACT_ERR_ARG);
    assert_string_equal(nnact_last_error(),
                        "nnact_net_fit_run: row 4: input 1 is nan (rank 0 of 1)");
    assert_int_equal(f.agrees, 1);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static void test_alloc_failure_at_start(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t k = 0;; k++) {
        nnact_net *net = make_net();
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
        nnact_fit_config *c = make_config(0.2);
        struct fake f = {0};
        nnact_fit_dist d = fake_dist(&f, 0, 1);
        assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
        const size_t np = nnact_net_param_count(net);
        double before[MAXP], after[MAXP];
        assert_int_equal(nnact_net_get_params(net, np, before), NNACT_OK);
        struct fail_at fa = {k, 0};
        nnact__alloc_set_hook(fail_kth, &fa);
        nnact_status st = nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
        nnact__alloc_set_hook(NULL, NULL);
        const int done = st == NNACT_OK;
        if (!done) {
            failures++;
            assert_int_equal(st, NNACT_ERR_NOMEM);
            assert_non_null(strstr(nnact_last_error(), "(rank 0 of 1)"));
            assert_int_equal(nnact_net_get_params(net, np, after), NNACT_OK);
            assert_memory_equal(before, after, np * sizeof(double));
            /* the optimizer was left unbound: a step binds it from scratch */
            struct nnact__opt_state view;
            nnact__opt_state_view(o, &view);
            assert_int_equal(view.steps, 0);
            assert_int_equal(view.bound_n, 0);
        }
        nnact_fit_config_free(c);
        nnact_opt_free(o);
        nnact_net_free(net);
        if (done) break;
    }
    assert_true(failures >= 3);
}

/* The transport's reserve is called once at the start with the parameter
   count (the longest sum), before the agreement; its failure is NOMEM
   through the agreement, before any sum, and changes nothing. A record
   whose size ends before reserve is accepted and its reserve not read. */
static void test_reserve_at_start(void **state)
{
    (void)state;
    for (int fails = 0; fails < 2; fails++) {
        nnact_net *net = make_net();
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
        nnact_fit_config *c = make_config(0.0);
        struct fake f = {.reserve_fails = fails};
        nnact_fit_dist d = fake_dist(&f, 0, 1);
        d.reserve = fake_reserve;
        assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
        const size_t np = nnact_net_param_count(net);
        double before[MAXP], after[MAXP];
        assert_int_equal(nnact_net_get_params(net, np, before), NNACT_OK);
        nnact_status st = nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
        assert_int_equal(f.reserves, 1);
        assert_int_equal(f.reserved, np);
        if (fails) {
            assert_int_equal(st, NNACT_ERR_NOMEM);
            assert_non_null(strstr(nnact_last_error(), "could not reserve"));
            assert_non_null(strstr(nnact_last_error(), "(rank 0 of 1)"));
            assert_int_equal(f.agrees, 1);
            assert_int_equal(f.sums, 0);
            assert_int_equal(nnact_net_get_params(net, np, after), NNACT_OK);
            assert_memory_equal(before, after, np * sizeof(double));
            struct nnact__opt_state view;
            nnact__opt_state_view(o, &view);
            assert_int_equal(view.bound_n, 0);
        } else {
            assert_int_equal(st, NNACT_OK);
        }
        nnact_fit_config_free(c);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
    /* the first 1.1 record (through user): reserve never read */
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    d.reserve = fake_reserve;
    d.size = offsetof(nnact_fit_dist, user) + sizeof d.user;
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
    assert_int_equal(f.reserves, 0);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* An optimizer bound to another parameter count: SHAPE at the start, through
   the agreement (so no rank waits in a step's sum), before any sum. */
static void test_bound_elsewhere_at_start(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    double p[3] = {1, 2, 3};
    const double g[3] = {0.1, 0.2, 0.3};
    assert_int_equal(nnact_opt_step(o, 3, p, g), NNACT_OK); /* bound to 3 */
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL),
                     NNACT_ERR_SHAPE);
    assert_non_null(strstr(nnact_last_error(), "the optimizer is bound to 3 parameters"));
    assert_non_null(strstr(nnact_last_error(), "(rank 0 of 1)"));
    assert_int_equal(f.agrees, 1);
    assert_int_equal(f.sums, 0);
    assert_int_equal(nnact_opt_step_count(o), 1);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* A report record too small on this rank: refused through the start's
   agreement, which the other ranks wait in. Without a dist: refused alone. */
static void test_bad_report_agreed(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    nnact_fit_report r = {.size = 8};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "report->size 8"));
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "report->size 8"));
    assert_non_null(strstr(nnact_last_error(), "(rank 0 of 1)"));
    assert_int_equal(f.agrees, 1);
    assert_int_equal(f.sums, 0);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* A finite loss everywhere but a non-finite gradient from another rank: the
   summed gradient is refused by the checked step (the same sum on every
   rank: the same refusal), nothing changed. */
static void test_nonfinite_gradient_elsewhere(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {.nan_grad = 1};
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    const size_t np = nnact_net_param_count(net);
    double before[MAXP], after[MAXP];
    assert_int_equal(nnact_net_get_params(net, np, before), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL),
                     NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run"));
    assert_int_equal(nnact_net_get_params(net, np, after), NNACT_OK);
    assert_memory_equal(before, after, np * sizeof(double));
    assert_int_equal(nnact_opt_step_count(o), 0);
    struct nnact__opt_state view; /* unbound again: nothing was stepped */
    nnact__opt_state_view(o, &view);
    assert_int_equal(view.bound_n, 0);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static void test_checkpoint_rank0_only(void **state)
{
    (void)state;
    char dir[] = "/tmp/nnact_fitdist_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    for (uint64_t rank = 1; rank < 3; rank--) { /* rank 1 first, then rank 0 */
        nnact_net *net = make_net();
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
        nnact_fit_config *c = make_config(0.0);
        assert_int_equal(nnact_fit_config_set_checkpoint(c, path), NNACT_OK);
        struct fake f = {0};
        nnact_fit_dist d = fake_dist(&f, rank, 2);
        assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
        assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
        assert_int_equal(access(path, F_OK) == 0, rank == 0);
        nnact_fit_config_free(c);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
    unlink(path);
    rmdir(dir);
}

static int stop_cb(const nnact_fit_epoch *e, void *user)
{
    (void)user;
    return e->epoch == 2;
}

static void test_callback_stop_is_voted(void **state)
{
    (void)state;
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    nnact_fit_config *c = make_config(0.0);
    struct fake f = {0};
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, stop_cb, NULL), NNACT_OK);
    nnact_fit_dist d = fake_dist(&f, 0, 1);
    assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
    nnact_fit_report r = {.size = sizeof r};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_OK);
    assert_int_equal(r.epochs_done, 2);
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_CALLBACK);
    assert_int_equal(f.stop_votes, 2);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* M2: another rank's fit settings differ (here: its digest): every rank
   returns NNACT_ERR_ARG at the start, before any step, nothing changed and
   the optimizer left unbound. Without the comparison the ranks would run
   different epochs or checkpoints and wait in different collectives. */
static void test_settings_differ_agreed(void **state)
{
    (void)state;
    for (uint64_t rank = 0; rank < 2; rank++) {
        nnact_net *net = make_net();
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
        nnact_fit_config *c = make_config(0.0);
        struct fake f = {.other_settings = 1};
        nnact_fit_dist d = fake_dist(&f, rank, 2);
        assert_int_equal(nnact_fit_config_set_dist(c, &d), NNACT_OK);
        const size_t np = nnact_net_param_count(net);
        double before[MAXP], after[MAXP];
        assert_int_equal(nnact_net_get_params(net, np, before), NNACT_OK);
        nnact_fit_report r = {.size = sizeof r, .epochs_done = 77};
        assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(),
                               "nnact_net_fit_run: the fit configurations differ between ranks"));
        assert_int_equal(f.digests, 1);
        assert_int_equal(f.agrees, 1);
        assert_int_equal(f.sums, 0); /* no step began */
        assert_int_equal(r.epochs_done, 77);
        assert_int_equal(nnact_net_get_params(net, np, after), NNACT_OK);
        assert_memory_equal(before, after, np * sizeof(double));
        assert_int_equal(nnact_opt_step_count(o), 0);
        struct nnact__opt_state view;
        nnact__opt_state_view(o, &view);
        assert_int_equal(view.bound_n, 0);
        nnact_fit_config_free(c);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
}

/* The digest this rank passes for config c (the fit stopped right after it). */
static void digest_of(const nnact_fit_config *c, nnact_loss_kind k, double *out)
{
    nnact_net *net = make_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    nnact_fit_config *cc = NULL;
    assert_int_equal(nnact_fit_config_copy(c, &cc), NNACT_OK);
    struct fake f = {.other_settings = 1};
    nnact_fit_dist d = fake_dist(&f, 0, 2);
    assert_int_equal(nnact_fit_config_set_dist(cc, &d), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, k, ROWS, X, T, cc, NULL), NNACT_ERR_ARG);
    assert_int_equal(f.digests, 1);
    memcpy(out, f.digest, sizeof f.digest);
    nnact_fit_config_free(cc);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Every setting that decides the ranks' collective calls changes the
   digest; a checkpoint's path does not (only rank 0 writes it). */
static void test_settings_digest_covers(void **state)
{
    (void)state;
    double base[DIGEST_N], other[DIGEST_N];
    nnact_fit_config *c = make_config(0.0);
    digest_of(c, NNACT_LOSS_MSE, base);
    for (int i = 0; i < DIGEST_N / 2; i++) { /* 16-bit words and their squares */
        assert_true(base[i] >= 0.0 && base[i] < 65536.0 && base[i] == floor(base[i]));
        assert_true(base[DIGEST_N / 2 + i] == base[i] * base[i]);
    }
    static const struct {
        nnact_fit_param p;
        uint64_t v;
    } ints[] = {{NNACT_FIT_PARAM_EPOCHS, 3},     {NNACT_FIT_PARAM_START_EPOCH, 1},
                {NNACT_FIT_PARAM_BATCH_SIZE, 7}, {NNACT_FIT_PARAM_SEED, 10},
                {NNACT_FIT_PARAM_SHUFFLE, 0},    {NNACT_FIT_PARAM_RESTORE_BEST, 1},
                {NNACT_FIT_PARAM_PATIENCE, 2},   {NNACT_FIT_PARAM_CHECKPOINT_INTERVAL, 2}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        nnact_fit_config *v = make_config(0.0);
        assert_int_equal(nnact_fit_config_set_int(v, ints[i].p, ints[i].v), NNACT_OK);
        digest_of(v, NNACT_LOSS_MSE, other);
        assert_true(memcmp(base, other, sizeof base) != 0);
        nnact_fit_config_free(v);
    }
    nnact_fit_config *v = make_config(0.25);
    digest_of(v, NNACT_LOSS_MSE, other);
    assert_true(memcmp(base, other, sizeof base) != 0);
    nnact_fit_config_free(v);
    digest_of(c, NNACT_LOSS_HALF_SSE, other);
    assert_true(memcmp(base, other, sizeof base) != 0);
    /* a checkpoint on one rank only differs; its path does not */
    double ck_a[DIGEST_N], ck_b[DIGEST_N];
    v = make_config(0.0);
    assert_int_equal(nnact_fit_config_set_checkpoint(v, "/tmp/nnact-unused-a.ckpt"), NNACT_OK);
    digest_of(v, NNACT_LOSS_MSE, ck_a);
    assert_true(memcmp(base, ck_a, sizeof base) != 0);
    assert_int_equal(nnact_fit_config_set_checkpoint(v, "/tmp/nnact-unused-b.ckpt"), NNACT_OK);
    digest_of(v, NNACT_LOSS_MSE, ck_b);
    assert_memory_equal(ck_a, ck_b, sizeof ck_a);
    nnact_fit_config_free(v);
    /* a schedule, its kind and its parameters */
    double sa[DIGEST_N], sb[DIGEST_N];
    nnact_sched *sc = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &sc), NNACT_OK);
    v = make_config(0.0);
    assert_int_equal(nnact_fit_config_set_schedule(v, sc), NNACT_OK);
    digest_of(v, NNACT_LOSS_MSE, sa);
    assert_true(memcmp(base, sa, sizeof base) != 0);
    assert_int_equal(nnact_sched_set(sc, NNACT_SCHED_PARAM_GAMMA, 0.5), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_schedule(v, sc), NNACT_OK);
    digest_of(v, NNACT_LOSS_MSE, sb);
    assert_true(memcmp(sa, sb, sizeof sa) != 0);
    nnact_sched_free(sc);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_COSINE, &sc), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_schedule(v, sc), NNACT_OK);
    digest_of(v, NNACT_LOSS_MSE, sb);
    assert_true(memcmp(sa, sb, sizeof sa) != 0);
    nnact_sched_free(sc);
    nnact_fit_config_free(v);
    /* the same settings: the same digest */
    digest_of(c, NNACT_LOSS_MSE, other);
    assert_memory_equal(base, other, sizeof base);
    nnact_fit_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_dist_refusals),
        cmocka_unit_test(test_one_rank_equals_ordinary),
        cmocka_unit_test(test_failure_elsewhere_changes_nothing),
        cmocka_unit_test(test_broken_transport),
        cmocka_unit_test(test_bad_rows_agreed),
        cmocka_unit_test(test_alloc_failure_at_start),
        cmocka_unit_test(test_reserve_at_start),
        cmocka_unit_test(test_bound_elsewhere_at_start),
        cmocka_unit_test(test_bad_report_agreed),
        cmocka_unit_test(test_nonfinite_gradient_elsewhere),
        cmocka_unit_test(test_checkpoint_rank0_only),
        cmocka_unit_test(test_callback_stop_is_voted),
        cmocka_unit_test(test_settings_differ_agreed),
        cmocka_unit_test(test_settings_digest_covers),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
