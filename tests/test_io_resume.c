/* io: a run stopped after epoch k and resumed from its checkpoint ends with
 * parameters bit-identical to an uninterrupted run, for every optimizer
 * (shuffled minibatches from the library's PRNG, a step LR schedule). The
 * control: resuming with a fresh optimizer instead of the saved one does not. */
#include <unistd.h>

#include "test_io_util.h"
#include "resume_fixture.h"

#include "init/rng.h"

enum { ROWS = 13, BATCH = 4, EPOCHS = 6, STOP = 3 };
static double X[ROWS * 2], T[ROWS];

static void make_data(void)
{
    for (int i = 0; i < ROWS; i++) {
        X[2 * i] = (double)(i % 4) / 3.0 - 0.5;
        X[2 * i + 1] = (double)(i % 5) / 4.0 - 0.5;
        T[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1.0 : 0.0;
    }
}

/* Epochs [e0, e1): LR from the schedule at step index e, rows shuffled by
 * Fisher-Yates from rng, minibatches of BATCH (last one smaller). */
static void train(nnact_net *net, nnact_opt *opt, const nnact_sched *sched, double base_lr,
                  struct nnact__rng *rng, uint64_t e0, uint64_t e1)
{
    for (uint64_t e = e0; e < e1; e++) {
        double lr;
        assert_int_equal(nnact_sched_lr(sched, base_lr, e, &lr), NNACT_OK);
        assert_int_equal(nnact_opt_set(opt, NNACT_OPT_PARAM_LR, lr), NNACT_OK);
        size_t order[ROWS];
        for (size_t i = 0; i < ROWS; i++)
            order[i] = i;
        for (size_t i = ROWS - 1; i > 0; i--) {
            size_t j = (size_t)nnact__rng_below(rng, (uint64_t)i + 1), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (size_t s = 0; s < ROWS; s += BATCH) {
            size_t rows = ROWS - s < BATCH ? ROWS - s : BATCH;
            double xb[BATCH * 2], tb[BATCH], loss;
            for (size_t r = 0; r < rows; r++) {
                xb[2 * r] = X[2 * order[s + r]];
                xb[2 * r + 1] = X[2 * order[s + r] + 1];
                tb[r] = T[order[s + r]];
            }
            assert_int_equal(nnact_net_train_step(net, opt, NNACT_LOSS_MSE, rows, xb, tb, &loss),
                             NNACT_OK);
        }
    }
}


static void params(const nnact_net *net, double *p)
{
    assert_int_equal(nnact_net_get_params(net, nnact_net_param_count(net), p), NNACT_OK);
}

static void resume_bit_identical_for_every_optimizer(void **state)
{
    (void)state;
    make_data();
    char dir[] = "/tmp/nnact_resume_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/run.ckpt", dir);
    nnact_sched *sched = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &sched), NNACT_OK);
    assert_int_equal(nnact_sched_set(sched, NNACT_SCHED_PARAM_STEP_SIZE, 2), NNACT_OK);
    assert_int_equal(nnact_sched_set(sched, NNACT_SCHED_PARAM_GAMMA, 0.5), NNACT_OK);
    const double base = 0.05;

    for (int k = NNACT_OPT_SGD; k <= NNACT_OPT_ADAMW; k++) {
        /* A: uninterrupted. */
        nnact_net *a = resume_fresh_net();
        nnact_opt *oa = resume_fresh_opt((nnact_opt_kind)k);
        struct nnact__rng ra;
        nnact__rng_init(&ra, 77, 0);
        train(a, oa, sched, base, &ra, 0, EPOCHS);

        /* B: stopped after STOP epochs, everything freed, resumed. */
        nnact_net *b = resume_fresh_net();
        nnact_opt *ob = resume_fresh_opt((nnact_opt_kind)k);
        struct nnact__rng rb;
        nnact__rng_init(&rb, 77, 0);
        train(b, ob, sched, base, &rb, 0, STOP);
        assert_int_equal(nnact_checkpoint_save(path, b, ob, STOP, 0, base, rb.key, rb.counter),
                         NNACT_OK);
        double mid[64];
        params(b, mid);
        nnact_net_free(b);
        nnact_opt_free(ob);

        nnact_net *c = NULL;
        nnact_opt *oc = NULL;
        uint64_t epochs = 0, batch = 9, key = 0, counter = 0;
        double lr = 0;
        assert_int_equal(
            nnact_checkpoint_load(path, 0, &c, &oc, &epochs, &batch, &lr, &key, &counter),
            NNACT_OK);
        assert_int_equal(epochs, STOP);
        assert_int_equal(batch, 0);
        assert_same_bits(lr, base);
        assert_int_equal(nnact_opt_get_kind(oc), k);
        struct nnact__rng rc = {key, counter};
        /* Control run from the same checkpoint with a fresh optimizer. */
        nnact_net *d = NULL;
        nnact_opt *od = NULL;
        assert_int_equal(nnact_checkpoint_load(path, 0, &d, &od, NULL, NULL, NULL, NULL, NULL),
                         NNACT_OK);
        nnact_opt_free(od);
        od = resume_fresh_opt((nnact_opt_kind)k);
        struct nnact__rng rd = {key, counter};

        train(c, oc, sched, base, &rc, epochs, EPOCHS);
        train(d, od, sched, base, &rd, epochs, EPOCHS);

        size_t n = nnact_net_param_count(a);
        assert_true(n <= 64);
        double pa[64], pc[64], pd[64];
        params(a, pa);
        params(c, pc);
        params(d, pd);
        int moved = 0, control_differs = 0;
        for (size_t i = 0; i < n; i++) {
            assert_same_bits(pc[i], pa[i]);
            moved |= memcmp(&pa[i], &mid[i], sizeof pa[i]) != 0;
            control_differs |= memcmp(&pd[i], &pa[i], sizeof pd[i]) != 0;
        }
        assert_true(moved); /* the second half of training changed something */
        /* Every optimizer carries state that matters: a step counter (lr
         * decay, bias corrections) or buffers; plain SGD has neither. */
        if (k != NNACT_OPT_SGD) assert_true(control_differs);
        assert_int_equal(nnact_opt_step_count(oc), nnact_opt_step_count(oa));
        nnact_net_free(a);
        nnact_net_free(c);
        nnact_net_free(d);
        nnact_opt_free(oa);
        nnact_opt_free(oc);
        nnact_opt_free(od);
    }
    nnact_sched_free(sched);
    unlink(path);
    rmdir(dir);
}

static void checkpoint_bad_arguments(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *opt = resume_fresh_opt(NNACT_OPT_ADAM);
    assert_int_equal(nnact_checkpoint_save(NULL, net, opt, 0, 0, 0.1, 0, 0), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_save("", net, opt, 0, 0, 0.1, 0, 0), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_save("/tmp/x", NULL, opt, 0, 0, 0.1, 0, 0), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_save("/tmp/x", net, NULL, 0, 0, 0.1, 0, 0), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_save("/tmp/x", net, opt, 0, 0, NAN, 0, 0), NNACT_ERR_ARG);
    /* Optimizer bound to another network. */
    double p[3] = {0}, g[3] = {1, 1, 1};
    assert_int_equal(nnact_opt_step(opt, 3, p, g), NNACT_OK);
    assert_int_equal(nnact_checkpoint_save("/tmp/x", net, opt, 0, 0, 0.1, 0, 0), NNACT_ERR_SHAPE);
    nnact_net *n = (nnact_net *)&p;
    nnact_opt *o = (nnact_opt *)&p;
    assert_int_equal(nnact_checkpoint_load("/dev/zero", 0, &n, &o, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_IO);
    assert_null(n);
    assert_null(o);
    char path[1024];
    snprintf(path, sizeof path, "%s/io_five.nnm", NNACT_TEST_DATA_DIR);
    assert_int_equal(nnact_checkpoint_load(path, 0, &n, &o, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_FORMAT);
    assert_null(n);
    assert_null(o);
    /* The fixture checkpoint loads: Adam, 1234 steps, epoch 12. */
    snprintf(path, sizeof path, "%s/io_ckpt_adam.nnm", NNACT_TEST_DATA_DIR);
    uint64_t epochs = 0;
    assert_int_equal(nnact_checkpoint_load(path, 0, &n, &o, &epochs, NULL, NULL, NULL, NULL),
                     NNACT_OK);
    assert_int_equal(epochs, 12);
    assert_int_equal(nnact_opt_get_kind(o), NNACT_OPT_ADAM);
    assert_int_equal(nnact_opt_step_count(o), 1234);
    double amsgrad;
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_AMSGRAD, &amsgrad), NNACT_OK);
    assert_same_bits(amsgrad, 1.0);
    nnact_net_free(n);
    nnact_opt_free(o);
    nnact_net_free(net);
    nnact_opt_free(opt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resume_bit_identical_for_every_optimizer),
        cmocka_unit_test(checkpoint_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
