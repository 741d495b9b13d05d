/* train: a run through the library's own loop, interrupted after epoch 3 by
 * its callback, everything freed, reloaded from the checkpoint nnact_net_fit_ex
 * wrote and resumed with nnact_net_fit_ex(start 3) ends bit-identical
 * (parameters, every optimizer state value, step count, PRNG position: the
 * whole final checkpoint file, byte for byte) to an uninterrupted 6-epoch run,
 * for every optimizer kind, with shuffled minibatches, a validation split and
 * a step LR schedule. The reference is the uninterrupted run (the same code
 * path with nothing skipped), and the controls show the comparison can fail:
 * a fresh optimizer, a wrong start epoch, a wrong seed, and the scheduled LR
 * left in an optimizer saved from the callback each give other parameters. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnact_test.h"
#include "resume_fixture.h"

#include "nnact/nnact.h"

enum { ROWS = 13, BATCH = 4, EPOCHS = 6, STOP = 3, MAXP = 64 };
static double X[ROWS * 2], T[ROWS];
static const double BASE = RESUME_BASE_LR;
static const uint64_t SEED = 77;
static char dir[64];

static void make_data(void)
{
    for (int i = 0; i < ROWS; i++) {
        X[2 * i] = (double)(i % 4) / 3.0 - 0.5;
        X[2 * i + 1] = (double)(i % 5) / 4.0 - 0.5;
        T[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1.0 : 0.0;
    }
}

static int setup(void **state)
{
    (void)state;
    make_data();
    snprintf(dir, sizeof dir, "/tmp/nnact_fitresume_XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"a.ckpt", "b.ckpt", "cb.ckpt", "x.ckpt"};
    char p[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static const char *path(const char *name)
{
    static char p[4][128];
    static int next;
    char *r = p[next++ % 4];
    snprintf(r, sizeof p[0], "%s/%s", dir, name);
    return r;
}

/* Callback log; stops after `stop_at` (0: never); optionally saves a
 * checkpoint itself (the callback route) at `save_at`. */
struct log {
    size_t calls, first, stop_at, save_at;
    double loss[EPOCHS + 1], val[EPOCHS + 1], lr[EPOCHS + 1];
    nnact_net *net;
    nnact_opt *opt;
    const char *save_path;
};

static int on_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                    void *user)
{
    struct log *g = user;
    assert_int_equal(epochs, EPOCHS);
    assert_true(epoch >= 1 && epoch <= EPOCHS && elapsed >= 0.0);
    if (g->calls == 0) g->first = epoch;
    assert_int_equal(epoch, g->first + g->calls);
    g->loss[epoch] = loss;
    g->val[epoch] = val;
    if (g->opt != NULL)
        assert_int_equal(nnact_opt_get(g->opt, NNACT_OPT_PARAM_LR, &g->lr[epoch]), NNACT_OK);
    g->calls++;
    if (g->save_path != NULL && epoch == g->save_at)
        assert_int_equal(
            nnact_checkpoint_save(g->save_path, g->net, g->opt, epoch, 0, BASE, SEED, 0), NNACT_OK);
    return g->stop_at != 0 && epoch >= g->stop_at;
}

static nnact_status fit(nnact_net *net, nnact_opt *opt, const nnact_sched *s, size_t start,
                        uint64_t seed, const char *ckpt, struct log *g, size_t *best_e,
                        double *best_l)
{
    return nnact_net_fit_ex(net, opt, NNACT_LOSS_MSE, ROWS, X, T, start, EPOCHS, BATCH, 0.2, seed,
                            s, 0, ckpt, on_epoch, g, best_e, best_l);
}

static size_t params(const nnact_net *net, double *p)
{
    size_t n = nnact_net_param_count(net);
    assert_true(n <= MAXP);
    assert_int_equal(nnact_net_get_params(net, n, p), NNACT_OK);
    return n;
}

static int same_params(const nnact_net *a, const nnact_net *b)
{
    double pa[MAXP], pb[MAXP];
    size_t n = params(a, pa);
    assert_int_equal(params(b, pb), n);
    return memcmp(pa, pb, n * sizeof(double)) == 0;
}

/* Whole file contents (checkpoints here are a few kB). */
static size_t slurp(const char *p, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    assert_true(n > 0 && n < cap);
    fclose(f);
    return n;
}

static void assert_same_file(const char *p, const char *q)
{
    static unsigned char a[1 << 14], b[1 << 14];
    size_t na = slurp(p, a, sizeof a), nb = slurp(q, b, sizeof b);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
}

/* Loads the checkpoint at `p` and resumes it (start from the file unless
   `start` is not (size_t)-1, seed from the file unless `seed` is not 0). */
static nnact_net *resume(const char *p, nnact_opt **out_opt, const nnact_sched *s, size_t start,
                         uint64_t seed, const char *ckpt, int fresh_opt_kind, struct log *g,
                         size_t *best_e, double *best_l)
{
    nnact_net *net = NULL;
    nnact_opt *opt = NULL;
    uint64_t done = 99, bie = 99, key = 0, counter = 0;
    double base = 0;
    assert_int_equal(nnact_checkpoint_load(p, 0, &net, &opt, &done, &bie, &base, &key, &counter),
                     NNACT_OK);
    assert_int_equal(done, STOP);
    assert_int_equal(bie, 0);
    assert_same_bits(base, BASE);
    if (fresh_opt_kind >= 0) {
        nnact_opt_free(opt);
        opt = resume_fresh_opt_at_base((nnact_opt_kind)fresh_opt_kind);
    }
    memset(g, 0, sizeof *g);
    g->opt = opt;
    assert_int_equal(fit(net, opt, s, start == (size_t)-1 ? (size_t)done : start, seed ? seed : key,
                         ckpt, g, best_e, best_l),
                     NNACT_OK);
    *out_opt = opt;
    return net;
}

static void fit_resume_bit_identical_for_every_optimizer(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    for (int k = NNACT_OPT_SGD; k <= NNACT_OPT_ADAMW; k++) {
        /* A: uninterrupted, checkpointing each epoch (its last file is the
           whole final state). */
        nnact_net *a = resume_fresh_net();
        nnact_opt *oa = resume_fresh_opt_at_base((nnact_opt_kind)k);
        struct log ga = {0};
        ga.opt = oa;
        size_t best_a = 0;
        double loss_a = NAN;
        assert_int_equal(fit(a, oa, s, 0, SEED, path("a.ckpt"), &ga, &best_a, &loss_a), NNACT_OK);
        assert_int_equal(ga.calls, EPOCHS);
        double lr;
        assert_int_equal(nnact_opt_get(oa, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
        assert_same_bits(lr, BASE);          /* set back after the fit */
        for (size_t e = 1; e <= EPOCHS; e++) /* the callback sees the scheduled LR */
            assert_same_bits(ga.lr[e], BASE * pow(0.5, (double)((e - 1) / 2)));

        /* B: the same call stopped by its callback after epoch STOP. */
        nnact_net *b = resume_fresh_net();
        nnact_opt *ob = resume_fresh_opt_at_base((nnact_opt_kind)k);
        struct log gb = {0};
        gb.opt = ob;
        gb.stop_at = STOP;
        size_t best_b = 0;
        double loss_b = NAN;
        assert_int_equal(fit(b, ob, s, 0, SEED, path("b.ckpt"), &gb, &best_b, &loss_b), NNACT_OK);
        assert_int_equal(gb.calls, STOP);
        double mid[MAXP];
        size_t np = params(b, mid);
        nnact_net_free(b);
        nnact_opt_free(ob);

        /* The file holds the base LR in the optimizer, not epoch 3's 0.025. */
        nnact_net *c = NULL;
        nnact_opt *oc = NULL;
        uint64_t key = 0, counter = 0;
        assert_int_equal(
            nnact_checkpoint_load(path("b.ckpt"), 0, &c, &oc, NULL, NULL, NULL, &key, &counter),
            NNACT_OK);
        assert_int_equal(nnact_opt_get(oc, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
        assert_same_bits(lr, BASE);
        assert_int_equal(key, SEED);
        assert_true(counter >= (uint64_t)STOP * 10); /* >= 10 draws per 11-row shuffle */
        double mid_loaded[MAXP];
        params(c, mid_loaded);
        assert_memory_equal(mid, mid_loaded, np * sizeof(double));
        nnact_net_free(c);
        nnact_opt_free(oc);

        /* C: resumed from the file, writing to the same file. */
        struct log gc;
        size_t best_c = 0;
        double loss_c = NAN;
        c = resume(path("b.ckpt"), &oc, s, (size_t)-1, 0, path("b.ckpt"), -1, &gc, &best_c,
                   &loss_c);
        assert_int_equal(gc.calls, EPOCHS - STOP);
        assert_int_equal(gc.first, STOP + 1);
        assert_true(same_params(a, c));
        double pa[MAXP];
        params(a, pa);
        assert_true(memcmp(pa, mid, np * sizeof(double)) != 0); /* the second half trained */
        assert_int_equal(nnact_opt_step_count(oc), nnact_opt_step_count(oa));
        /* every byte of the final state: parameters, hyper-parameters, the
           step count, all state vectors, the PRNG's draw count */
        assert_same_file(path("a.ckpt"), path("b.ckpt"));
        for (size_t e = STOP + 1; e <= EPOCHS; e++) {
            assert_same_bits(gc.loss[e], ga.loss[e]);
            assert_same_bits(gc.val[e], ga.val[e]);
            assert_same_bits(gc.lr[e], ga.lr[e]);
        }
        /* The best-epoch memory is per call: each half reports its own best,
           and the better of the two is the uninterrupted run's. */
        assert_true(best_b >= 1 && best_b <= STOP);
        assert_true(best_c > STOP && best_c <= EPOCHS);
        assert_same_bits(loss_b, ga.val[best_b]);
        assert_same_bits(loss_c, ga.val[best_c]);
        assert_int_equal(best_a, loss_b <= loss_c ? best_b : best_c);
        assert_same_bits(loss_a, loss_b <= loss_c ? loss_b : loss_c);
        nnact_net_free(c);
        nnact_opt_free(oc);

        /* Controls. A fresh optimizer: every kind but plain SGD (no state, and
           no step-count dependence) ends elsewhere. */
        nnact_net *d;
        nnact_opt *od;
        struct log gd;
        /* b.ckpt now holds epoch 6; write epoch 3 again for the controls */
        d = resume_fresh_net();
        od = resume_fresh_opt_at_base((nnact_opt_kind)k);
        memset(&gd, 0, sizeof gd);
        gd.stop_at = STOP;
        assert_int_equal(fit(d, od, s, 0, SEED, path("b.ckpt"), &gd, NULL, NULL), NNACT_OK);
        nnact_net_free(d);
        nnact_opt_free(od);

        d = resume(path("b.ckpt"), &od, s, (size_t)-1, 0, NULL, k, &gd, NULL, NULL);
        if (k != NNACT_OPT_SGD)
            assert_false(same_params(a, d));
        else
            assert_true(same_params(a, d));
        nnact_net_free(d);
        nnact_opt_free(od);
        /* A wrong start epoch (schedule index and shuffles off by one). */
        d = resume(path("b.ckpt"), &od, s, STOP - 1, 0, NULL, -1, &gd, NULL, NULL);
        assert_false(same_params(a, d));
        nnact_net_free(d);
        nnact_opt_free(od);
        /* Another seed (other row orders). */
        d = resume(path("b.ckpt"), &od, s, (size_t)-1, SEED + 1, NULL, -1, &gd, NULL, NULL);
        assert_false(same_params(a, d));
        nnact_net_free(d);
        nnact_opt_free(od);

        /* The callback route: nnact_checkpoint_save from the callback after
           epoch 3 stores the optimizer with epoch 3's scheduled LR (0.025).
           Resumed as is, it diverges; with the LR set back to the base first
           (the documented call) it is bit-identical. */
        d = resume_fresh_net();
        od = resume_fresh_opt_at_base((nnact_opt_kind)k);
        memset(&gd, 0, sizeof gd);
        gd.stop_at = STOP;
        gd.save_at = STOP;
        gd.save_path = path("cb.ckpt");
        gd.net = d;
        gd.opt = od;
        assert_int_equal(fit(d, od, s, 0, SEED, NULL, &gd, NULL, NULL), NNACT_OK);
        nnact_net_free(d);
        nnact_opt_free(od);
        for (int fix = 0; fix < 2; fix++) {
            double base = 0;
            assert_int_equal(
                nnact_checkpoint_load(path("cb.ckpt"), 0, &d, &od, NULL, NULL, &base, NULL, NULL),
                NNACT_OK);
            assert_int_equal(nnact_opt_get(od, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
            assert_same_bits(lr, BASE * 0.5);
            if (fix) assert_int_equal(nnact_opt_set(od, NNACT_OPT_PARAM_LR, base), NNACT_OK);
            memset(&gd, 0, sizeof gd);
            assert_int_equal(fit(d, od, s, STOP, SEED, NULL, &gd, NULL, NULL), NNACT_OK);
            assert_int_equal(same_params(a, d), fix);
            nnact_net_free(d);
            nnact_opt_free(od);
        }

        nnact_net_free(a);
        nnact_opt_free(oa);
    }
    nnact_sched_free(s);
}

/* An in-memory resume (no file) after nnact_net_fit for 3 epochs is the same split; start == epochs
   trains nothing; RESTORE_BEST after a resume picks among the resumed epochs. */
static void fit_ex_in_memory_and_edges(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    nnact_net *a = resume_fresh_net(), *b = resume_fresh_net();
    nnact_opt *oa = resume_fresh_opt_at_base(NNACT_OPT_ADAM),
              *ob = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
    struct log g = {0};
    assert_int_equal(nnact_net_fit(a, oa, NNACT_LOSS_MSE, ROWS, X, T, EPOCHS, BATCH, 0.2, SEED, s,
                                   0, NULL, NULL, NULL, NULL),
                     NNACT_OK);
    /* a genuine 3-epoch fit (the step schedule does not depend on the total) */
    assert_int_equal(nnact_net_fit(b, ob, NNACT_LOSS_MSE, ROWS, X, T, STOP, BATCH, 0.2, SEED, s, 0,
                                   NULL, NULL, NULL, NULL),
                     NNACT_OK);
    assert_false(same_params(a, b));
    assert_int_equal(fit(b, ob, s, STOP, SEED, NULL, &g, NULL, NULL), NNACT_OK);
    assert_int_equal(g.calls, EPOCHS - STOP);
    assert_true(same_params(a, b));

    /* start == epochs: nothing trained, no callback, best 0 / NaN */
    double before[MAXP], after[MAXP];
    size_t np = params(b, before);
    uint64_t steps = nnact_opt_step_count(ob);
    memset(&g, 0, sizeof g);
    size_t best_e = 42;
    double best_l = 0;
    assert_int_equal(fit(b, ob, s, EPOCHS, SEED, path("x.ckpt"), &g, &best_e, &best_l), NNACT_OK);
    assert_int_equal(g.calls, 0);
    assert_int_equal(best_e, 0);
    assert_true(isnan(best_l));
    assert_int_equal(nnact_opt_step_count(ob), steps);
    params(b, after);
    assert_memory_equal(before, after, np * sizeof(double));
    assert_int_equal(access(path("x.ckpt"), F_OK), -1); /* no file written */

    /* RESTORE_BEST after a resume: the parameters are those of the best of
       epochs 4..6, whose validation loss is best_l. */
    nnact_net *c = resume_fresh_net();
    nnact_opt *oc = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
    memset(&g, 0, sizeof g);
    g.stop_at = STOP;
    assert_int_equal(fit(c, oc, s, 0, SEED, NULL, &g, NULL, NULL), NNACT_OK);
    memset(&g, 0, sizeof g);
    assert_int_equal(nnact_net_fit_ex(c, oc, NNACT_LOSS_MSE, ROWS, X, T, STOP, EPOCHS, BATCH, 0.2,
                                      SEED, s, NNACT_FIT_RESTORE_BEST, NULL, on_epoch, &g, &best_e,
                                      &best_l),
                     NNACT_OK);
    assert_true(best_e > STOP && best_e <= EPOCHS);
    assert_same_bits(best_l, g.val[best_e]);
    double yv[2], vl;
    assert_int_equal(nnact_net_predict(c, 2, X + 11 * 2, yv), NNACT_OK);
    assert_int_equal(nnact_loss(NNACT_LOSS_MSE, 2, 1, yv, T + 11, &vl, NULL), NNACT_OK);
    assert_same_bits(vl, best_l);

    nnact_net_free(a);
    nnact_net_free(b);
    nnact_net_free(c);
    nnact_opt_free(oa);
    nnact_opt_free(ob);
    nnact_opt_free(oc);
    nnact_sched_free(s);
}

static void fit_ex_bad_input(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_MOMENTUM);
    nnact_sched *s = resume_step_sched();
    double before[MAXP], after[MAXP];
    size_t np = params(net, before);
    struct log g = {0};
    size_t be = 7;
    /* start past the last epoch */
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, EPOCHS + 1, EPOCHS, BATCH,
                                      0.2, SEED, s, 0, NULL, on_epoch, &g, &be, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_ex: start_epoch 7"));
    assert_int_equal(be, 7); /* outputs untouched on a bad argument */
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, SIZE_MAX, EPOCHS, BATCH,
                                      0.2, SEED, s, 0, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    /* epochs 0 (even with start 0) */
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, 0, 0, BATCH, 0.2, SEED, s,
                                      0, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "epochs is 0"));
    /* empty checkpoint path */
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, 0, EPOCHS, BATCH, 0.2,
                                      SEED, s, 0, "", NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_ex: checkpoint path is empty"));
    /* the checks nnact_net_fit has, under the _ex name */
    assert_int_equal(nnact_net_fit_ex(NULL, o, NNACT_LOSS_MSE, ROWS, X, T, 0, EPOCHS, BATCH, 0.2,
                                      SEED, s, 0, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_ex: net is NULL"));
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, 1, EPOCHS, ROWS, 0.2,
                                      SEED, s, 0, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, 1, EPOCHS, BATCH, 0.2,
                                      SEED, s, 8u, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    params(net, after);
    assert_memory_equal(before, after, np * sizeof(double));
    assert_int_equal(nnact_opt_step_count(o), 0);

    /* A checkpoint that cannot be written (its directory does not exist):
       NNACT_ERR_IO after the first epoch's updates, which stay; no callback
       for that epoch; the LR is set back. */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/missing/run.ckpt", dir);
    memset(&g, 0, sizeof g);
    be = 7;
    assert_int_equal(nnact_net_fit_ex(net, o, NNACT_LOSS_MSE, ROWS, X, T, 0, EPOCHS, BATCH, 0.2,
                                      SEED, s, 0, bad, on_epoch, &g, &be, NULL),
                     NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "nnact_checkpoint_save"));
    assert_int_equal(g.calls, 0);
    assert_int_equal(be, 1);
    assert_int_equal(nnact_opt_step_count(o), 3); /* 11 training rows in batches 4, 4, 3 */
    double lr;
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
    assert_same_bits(lr, BASE);
    params(net, after);
    assert_true(memcmp(before, after, np * sizeof(double)) != 0);

    nnact_sched_free(s);
    nnact_net_free(net);
    nnact_opt_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_resume_bit_identical_for_every_optimizer),
        cmocka_unit_test(fit_ex_in_memory_and_edges),
        cmocka_unit_test(fit_ex_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
