/* train: nnact_fit_config (defaults, ranges, types, NULLs, copies, allocation
 * failure), nnact_net_fit_run against nnact_net_fit_ex bit for bit (every
 * optimizer, with a schedule, validation, restore-best), its report, the
 * optimizer's LR left at its base, the checkpoint interval, a resume through
 * nnact_checkpoint_load_at + nnact_fit_config_resume ending bit-identical to
 * an uninterrupted run, and the checkpoint position record. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnact_test.h"
#include "alloc_fault.h"
#include "resume_fixture.h"

#include "core/alloc.h"
#include "nnact/nnact.h"

enum { ROWS = 13, BATCH = 4, EPOCHS = 6, STOP = 3, MAXP = 64 };
static double X[ROWS * 2], T[ROWS];
/* X and T reordered by nnact_split_rows(ROWS, NULL, 0.2, SEED): the first
   side, then the validation rows. nnact_net_fit_run with VAL_FRACTION 0.2
   is nnact_net_fit_ex (which validates on the last rows) on these. */
static double XS[ROWS * 2], TS[ROWS];
static const double BASE = RESUME_BASE_LR;
static const uint64_t SEED = 77;
static char dir[64];

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < ROWS; i++) {
        X[2 * i] = (double)(i % 4) / 3.0 - 0.5;
        X[2 * i + 1] = (double)(i % 5) / 4.0 - 0.5;
        T[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1.0 : 0.0;
    }
    size_t order[ROWS], n_first = 0;
    if (nnact_split_rows(ROWS, NULL, 0.2, SEED, order, &n_first) != NNACT_OK) return -1;
    for (int i = 0; i < ROWS; i++) {
        XS[2 * i] = X[2 * order[i]];
        XS[2 * i + 1] = X[2 * order[i] + 1];
        TS[i] = T[order[i]];
    }
    snprintf(dir, sizeof dir, "/tmp/nnact_fitcfg_XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static const char *path(const char *name)
{
    static char p[4][128];
    static int next;
    char *r = p[next++ % 4];
    snprintf(r, sizeof p[0], "%s/%s", dir, name);
    return r;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"a.ckpt", "b.ckpt", "i.ckpt", "full.ckpt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path(names[i]));
    rmdir(dir);
    return 0;
}

/* Two files with the same bytes. */
static int files_equal(const char *p, const char *q)
{
    static unsigned char a[1 << 14], b[1 << 14];
    FILE *f = fopen(p, "rb"), *g = fopen(q, "rb");
    assert_non_null(f);
    assert_non_null(g);
    size_t na = fread(a, 1, sizeof a, f), nb = fread(b, 1, sizeof b, g);
    fclose(f);
    fclose(g);
    return na == nb && na < sizeof a && memcmp(a, b, na) == 0;
}

static int same_params(const nnact_net *a, const nnact_net *b)
{
    double pa[MAXP], pb[MAXP];
    size_t n = nnact_net_param_count(a);
    assert_true(n <= MAXP && n == nnact_net_param_count(b));
    assert_int_equal(nnact_net_get_params(a, n, pa), NNACT_OK);
    assert_int_equal(nnact_net_get_params(b, n, pb), NNACT_OK);
    return memcmp(pa, pb, n * sizeof(double)) == 0;
}

/* A configuration of the 1.0 test's run: EPOCHS, BATCH, val 0.2, SEED, step schedule. */
static nnact_fit_config *run_config(const nnact_sched *s)
{
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, EPOCHS), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, BATCH), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, SEED), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.2), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_schedule(c, s), NNACT_OK);
    return c;
}

static void defaults_ranges_and_types(void **state)
{
    (void)state;
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    static const struct {
        nnact_fit_param p;
        uint64_t def, bad;
    } ints[] = {
        {NNACT_FIT_PARAM_EPOCHS, 1, 0},
        {NNACT_FIT_PARAM_BATCH_SIZE, 32,
         UINT64_MAX}, /* above SIZE_MAX only where size_t is 32-bit */
        {NNACT_FIT_PARAM_SEED, 0, 0},
        {NNACT_FIT_PARAM_SHUFFLE, 1, 2},
        {NNACT_FIT_PARAM_RESTORE_BEST, 0, 7},
        {NNACT_FIT_PARAM_START_EPOCH, 0, 0},
        {NNACT_FIT_PARAM_CHECKPOINT_INTERVAL, 1, 0},
        {NNACT_FIT_PARAM_PATIENCE, 0, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        uint64_t v = 99;
        assert_int_equal(nnact_fit_config_get_int(c, ints[i].p, &v), NNACT_OK);
        assert_int_equal(v, ints[i].def);
        if (ints[i].p == NNACT_FIT_PARAM_SEED || ints[i].p == NNACT_FIT_PARAM_START_EPOCH ||
            ints[i].p == NNACT_FIT_PARAM_PATIENCE ||
            (ints[i].p == NNACT_FIT_PARAM_BATCH_SIZE && SIZE_MAX == UINT64_MAX))
            continue; /* every value is in range */
        assert_int_equal(nnact_fit_config_set_int(c, ints[i].p, ints[i].bad), NNACT_ERR_ARG);
        assert_int_equal(nnact_fit_config_get_int(c, ints[i].p, &v), NNACT_OK);
        assert_int_equal(v, ints[i].def); /* unchanged */
    }
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, 0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_fit_config_set_int: epochs = 0"));
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SHUFFLE, 2), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "shuffle"));
    /* values taken, read back */
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, UINT64_MAX), NNACT_OK);
    uint64_t v;
    assert_int_equal(nnact_fit_config_get_int(c, NNACT_FIT_PARAM_SEED, &v), NNACT_OK);
    assert_true(v == UINT64_MAX);
    /* the real key */
    double r = 5;
    assert_int_equal(nnact_fit_config_get_real(c, NNACT_FIT_PARAM_VAL_FRACTION, &r), NNACT_OK);
    assert_same_bits(r, 0.0);
    const double bad_r[] = {-0.1, 1.0, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, bad_r[i]),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "val_fraction"));
    }
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.25), NNACT_OK);
    assert_int_equal(nnact_fit_config_get_real(c, NNACT_FIT_PARAM_VAL_FRACTION, &r), NNACT_OK);
    assert_same_bits(r, 0.25);
    /* wrong-typed and unknown keys */
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_VAL_FRACTION, 0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "'val_fraction' is real"));
    assert_int_equal(nnact_fit_config_get_int(c, NNACT_FIT_PARAM_VAL_FRACTION, &v), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_EPOCHS, 3.0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "'epochs' is an integer"));
    assert_int_equal(nnact_fit_config_get_real(c, NNACT_FIT_PARAM_EPOCHS, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_int(c, (nnact_fit_param)9, 1), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "unknown key 9"));
    assert_int_equal(nnact_fit_config_set_real(c, (nnact_fit_param)-1, 0.5), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_get_int(c, (nnact_fit_param)99, &v), NNACT_ERR_ARG);
    /* checkpoint path */
    assert_int_equal(nnact_fit_config_set_checkpoint(c, ""), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "path is empty"));
    assert_int_equal(nnact_fit_config_set_checkpoint(c, "x.ckpt"), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_checkpoint(c, NULL), NNACT_OK);
    /* NULL handles */
    assert_int_equal(nnact_fit_config_create(NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_int(NULL, NNACT_FIT_PARAM_EPOCHS, 1), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_get_int(NULL, NNACT_FIT_PARAM_EPOCHS, &v), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_get_int(c, NNACT_FIT_PARAM_EPOCHS, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_real(NULL, NNACT_FIT_PARAM_VAL_FRACTION, 0),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_get_real(c, NNACT_FIT_PARAM_VAL_FRACTION, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_schedule(NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_checkpoint(NULL, "a"), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_callback(NULL, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_set_epoch_callback(NULL, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_resume(NULL, NULL), NNACT_ERR_ARG);
    nnact_fit_config *d = (nnact_fit_config *)1;
    assert_int_equal(nnact_fit_config_copy(NULL, &d), NNACT_ERR_ARG);
    assert_int_equal(nnact_fit_config_copy(c, NULL), NNACT_ERR_ARG);
    nnact_fit_config_free(NULL);
    nnact_fit_config_free(c);
}

static void copies_and_allocation_failure(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    nnact_fit_config *c = run_config(s);
    nnact_sched_free(s); /* the configuration kept its own copy */
    assert_int_equal(nnact_fit_config_set_checkpoint(c, path("a.ckpt")), NNACT_OK);
    nnact_fit_config *d = NULL;
    assert_int_equal(nnact_fit_config_copy(c, &d), NNACT_OK);
    nnact_fit_config_free(c);
    uint64_t v;
    assert_int_equal(nnact_fit_config_get_int(d, NNACT_FIT_PARAM_EPOCHS, &v), NNACT_OK);
    assert_int_equal(v, EPOCHS);
    /* every allocation of create, copy, set_schedule and set_checkpoint failing */
    nnact_fit_config *e = (nnact_fit_config *)1;
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_fit_config_create(&e), NNACT_ERR_NOMEM);
    assert_null(e);
    e = (nnact_fit_config *)1;
    assert_int_equal(nnact_fit_config_copy(d, &e), NNACT_ERR_NOMEM);
    assert_null(e);
    nnact__alloc_set_hook(NULL, NULL);
    for (size_t k = 0; k < 3; k++) { /* copy: the object, the schedule, the path */
        struct fail_at f = {k, 0};
        e = (nnact_fit_config *)1;
        nnact__alloc_set_hook(fail_kth, &f);
        assert_int_equal(nnact_fit_config_copy(d, &e), NNACT_ERR_NOMEM);
        nnact__alloc_set_hook(NULL, NULL);
        assert_null(e);
    }
    s = resume_step_sched();
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_fit_config_set_schedule(d, s), NNACT_ERR_NOMEM);
    assert_int_equal(nnact_fit_config_set_checkpoint(d, "b"), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    nnact_sched_free(s);
    /* d still trains as the run config with its schedule: same as a fresh one */
    nnact_net *a = resume_fresh_net(), *b = resume_fresh_net();
    nnact_opt *oa = resume_fresh_opt_at_base(NNACT_OPT_ADAM),
              *ob = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
    assert_int_equal(nnact_fit_config_set_checkpoint(d, NULL), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(a, oa, NNACT_LOSS_MSE, ROWS, X, T, d, NULL), NNACT_OK);
    s = resume_step_sched();
    assert_int_equal(nnact_net_fit_ex(b, ob, NNACT_LOSS_MSE, ROWS, XS, TS, 0, EPOCHS, BATCH, 0.2,
                                      SEED, s, 0, NULL, NULL, NULL, NULL, NULL),
                     NNACT_OK);
    assert_true(same_params(a, b));
    /* nnact_net_fit_run's own allocations failing: NOMEM, nothing changed, report untouched */
    double before[MAXP], after[MAXP];
    size_t np = nnact_net_param_count(a);
    assert_int_equal(nnact_net_get_params(a, np, before), NNACT_OK);
    uint64_t steps = nnact_opt_step_count(oa);
    nnact_fit_report rep = {sizeof rep, 42, 0, 0, 0, 0, 0, 0};
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_net_fit_run(a, oa, NNACT_LOSS_MSE, ROWS, X, T, d, &rep),
                     NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(nnact_net_get_params(a, np, after), NNACT_OK);
    assert_memory_equal(before, after, np * sizeof(double));
    assert_true(nnact_opt_step_count(oa) == steps);
    assert_int_equal(rep.epochs_done, 42);
    nnact_sched_free(s);
    nnact_net_free(a);
    nnact_net_free(b);
    nnact_opt_free(oa);
    nnact_opt_free(ob);
    nnact_fit_config_free(d);
}

struct seen {
    size_t calls;
    nnact_opt *o;
    double opt_lr[EPOCHS + 1], rec_lr[EPOCHS + 1], loss[EPOCHS + 1], val[EPOCHS + 1];
    size_t stop_at;
};

static int on_record(const nnact_fit_epoch *e, void *user)
{
    struct seen *g = user;
    assert_true(e->size >= sizeof *e);
    assert_true(e->epoch >= 1 && e->epoch <= e->epochs && e->epochs <= EPOCHS);
    assert_int_equal(nnact_opt_get(g->o, NNACT_OPT_PARAM_LR, &g->opt_lr[e->epoch]), NNACT_OK);
    g->rec_lr[e->epoch] = e->lr;
    g->loss[e->epoch] = e->loss;
    g->val[e->epoch] = e->val_loss;
    g->calls++;
    return g->stop_at != 0 && e->epoch >= g->stop_at;
}

static int on_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                    void *user)
{
    struct seen *g = user;
    (void)epochs;
    (void)elapsed;
    assert_int_equal(nnact_opt_get(g->o, NNACT_OPT_PARAM_LR, &g->opt_lr[epoch]), NNACT_OK);
    g->loss[epoch] = loss;
    g->val[epoch] = val;
    g->calls++;
    return 0;
}

/* Every optimizer, a schedule, validation and restore-best: fit_run's
 * parameters and optimizer file are the bits of nnact_net_fit_ex's; its
 * callbacks see the base LR in the optimizer and the scheduled one in the record. */
static void fit_run_equals_fit_ex(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    for (int k = 0; k < (int)nnact_opt_count(); k++) {
        for (int best = 0; best < 2; best++) {
            nnact_net *a = resume_fresh_net(), *b = resume_fresh_net();
            nnact_opt *oa = resume_fresh_opt_at_base((nnact_opt_kind)k),
                      *ob = resume_fresh_opt_at_base((nnact_opt_kind)k);
            size_t be = 0;
            double bl = 0;
            assert_int_equal(nnact_net_fit_ex(a, oa, NNACT_LOSS_MSE, ROWS, XS, TS, 0, EPOCHS, BATCH,
                                              0.2, SEED, s, best ? NNACT_FIT_RESTORE_BEST : 0,
                                              path("a.ckpt"), NULL, NULL, &be, &bl),
                             NNACT_OK);
            nnact_fit_config *c = run_config(s);
            assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_RESTORE_BEST, best),
                             NNACT_OK);
            assert_int_equal(nnact_fit_config_set_checkpoint(c, path("b.ckpt")), NNACT_OK);
            struct seen g = {0};
            g.o = ob;
            assert_int_equal(nnact_fit_config_set_epoch_callback(c, on_record, &g), NNACT_OK);
            nnact_fit_report r;
            memset(&r, 0x55, sizeof r);
            r.size = sizeof r;
            assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_OK);
            assert_true(same_params(a, b));
            assert_int_equal(nnact_opt_step_count(oa), nnact_opt_step_count(ob));
            /* the whole checkpoint files, optimizer state and position included */
            assert_true(files_equal(path("a.ckpt"), path("b.ckpt")));
            /* the report */
            assert_int_equal(r.size, sizeof r);
            assert_int_equal(r.epochs_done, EPOCHS);
            assert_int_equal(r.best_epoch, be);
            assert_same_bits(r.best_loss, bl);
            assert_same_bits(r.last_loss, g.loss[EPOCHS]);
            assert_same_bits(r.last_val_loss, g.val[EPOCHS]);
            assert_true(r.seconds >= 0.0);
            assert_int_equal(r.stop_reason, NNACT_FIT_STOP_COMPLETED);
            /* LRs: the optimizer keeps its base, the record has the schedule's */
            assert_int_equal(g.calls, EPOCHS);
            for (size_t e = 1; e <= EPOCHS; e++) {
                assert_same_bits(g.opt_lr[e], BASE);
                assert_same_bits(g.rec_lr[e], BASE * pow(0.5, (double)((e - 1) / 2)));
            }
            double lr;
            assert_int_equal(nnact_opt_get(ob, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
            assert_same_bits(lr, BASE);
            nnact_fit_config_free(c);
            nnact_net_free(a);
            nnact_net_free(b);
            nnact_opt_free(oa);
            nnact_opt_free(ob);
        }
    }
    nnact_sched_free(s);
}

/* The 1.0 callback registered on a configuration sees the base LR; the
 * configuration's batch size 0 is the full batch (the 1.0 call refuses 0);
 * shuffle 0 is NNACT_FIT_NO_SHUFFLE. */
static void legacy_callback_full_batch_no_shuffle(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    nnact_net *a = resume_fresh_net(), *b = resume_fresh_net();
    nnact_opt *oa = resume_fresh_opt_at_base(NNACT_OPT_MOMENTUM),
              *ob = resume_fresh_opt_at_base(NNACT_OPT_MOMENTUM);
    struct seen ga = {0}, gb = {0};
    ga.o = oa;
    gb.o = ob;
    assert_int_equal(nnact_net_fit_ex(a, oa, NNACT_LOSS_MSE, ROWS, XS, TS, 0, EPOCHS, ROWS - 2, 0.2,
                                      SEED, s, NNACT_FIT_NO_SHUFFLE, NULL, on_epoch, &ga, NULL,
                                      NULL),
                     NNACT_OK);
    nnact_fit_config *c = run_config(s);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, 0), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SHUFFLE, 0), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_callback(c, on_epoch, &gb), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
    assert_true(same_params(a, b));
    for (size_t e = 1; e <= EPOCHS; e++) {
        assert_same_bits(ga.opt_lr[e], BASE * pow(0.5, (double)((e - 1) / 2))); /* 1.0: scheduled */
        assert_same_bits(gb.opt_lr[e], BASE);                                   /* 1.1: base */
        assert_same_bits(ga.loss[e], gb.loss[e]);
    }
    /* batch above the training rows: refused as in 1.0, report untouched */
    nnact_fit_report r = {sizeof r, 9, 9, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, ROWS), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run: batch_size 13 is larger"));
    assert_int_equal(r.epochs_done, 9);
    nnact_fit_config_free(c);
    nnact_sched_free(s);
    nnact_net_free(a);
    nnact_net_free(b);
    nnact_opt_free(oa);
    nnact_opt_free(ob);
}

static void fit_run_bad_input_and_stop(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_SGD);
    nnact_fit_config *c = run_config(NULL);
    nnact_fit_report r = {sizeof r, 9, 9, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, NULL, &r),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run: config is NULL"));
    assert_int_equal(nnact_net_fit_run(NULL, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run: net is NULL"));
    assert_int_equal(nnact_net_fit_run(net, NULL, NNACT_LOSS_MSE, ROWS, X, T, c, &r),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, NULL, T, c, &r),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, 0, X, T, c, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_fit_run(net, o, (nnact_loss_kind)99, ROWS, X, T, c, &r),
                     NNACT_ERR_ARG);
    r.size = sizeof r - sizeof(int) - 8; /* an older, shorter record than 1.1's */
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "report->size"));
    r.size = sizeof r;
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_START_EPOCH, EPOCHS + 1),
                     NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "start_epoch 7 is past the last epoch 6"));
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_START_EPOCH, 0), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.01), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "leaves an empty side"));
    nnact_net *empty = NULL;
    assert_int_equal(nnact_net_create(2, &empty), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(empty, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r),
                     NNACT_ERR_STATE);
    nnact_net_free(empty);
    assert_int_equal(r.epochs_done, 9); /* refused arguments: report untouched */
    assert_int_equal(nnact_opt_step_count(o), 0);
    /* the callback stops after epoch 2: CALLBACK, two epochs in the report */
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.0), NNACT_OK);
    struct seen g = {0};
    g.o = o;
    g.stop_at = 2;
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, on_record, &g), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r), NNACT_OK);
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_CALLBACK);
    assert_int_equal(r.epochs_done, 2);
    assert_int_equal(g.calls, 2);
    assert_true(isnan(r.last_val_loss));
    assert_same_bits(r.last_loss, g.loss[2]);
    assert_same_bits(g.rec_lr[1], BASE); /* no schedule: the optimizer's own */
    /* a failing step: ERROR, report written with what was done. The data are
       finite (non-finite data are refused before training) but the targets
       are so large that the first batch's squared error overflows */
    double th[ROWS];
    for (int i = 0; i < ROWS; i++)
        th[i] = 1e300;
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, th, c, &r),
                     NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_fit_run"));
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_ERROR);
    assert_int_equal(r.epochs_done, 0);
    assert_int_equal(r.best_epoch, 0);
    assert_true(isnan(r.best_loss) && isnan(r.last_loss));
    nnact_fit_config_free(c);
    nnact_net_free(net);
    nnact_opt_free(o);
}

/* Bad data is refused before anything is trained, naming the row of x and t
 * (validation rows too: a NaN target there once gave NNACT_OK with a NaN best
 * loss and best epoch 0); a validation loss that overflows on finite data is
 * NNACT_ERR_NUMERIC naming the epoch, the epochs before it kept. */
static void bad_data_and_nonfinite_validation(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
    nnact_fit_config *c = run_config(NULL);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.25), NNACT_OK);
    const size_t P = nnact_net_param_count(net);
    double *before = malloc(P * sizeof *before), *after = malloc(P * sizeof *after);
    assert_int_equal(nnact_net_get_params(net, P, before), NNACT_OK);
    double x[ROWS * 2], t[ROWS];
    memcpy(x, X, sizeof x);
    memcpy(t, T, sizeof t);
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (int b = 0; b < 3; b++) {
        nnact_fit_report r = {sizeof r, 9, 9, 0, 0, 0, 0, 0};
        t[ROWS - 1] = bad[b]; /* the last row: a validation row */
        assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, x, t, c, &r),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "row 12: target 0 is"));
        t[ROWS - 1] = T[ROWS - 1];
        x[2 * 3 + 1] = bad[b]; /* a training row's input */
        assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, x, t, c, &r),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "row 3: input 1 is"));
        x[2 * 3 + 1] = X[2 * 3 + 1];
        assert_int_equal(r.epochs_done, 9); /* refused: no report, nothing ran */
        assert_int_equal(nnact_net_get_params(net, P, after), NNACT_OK);
        assert_memory_equal(before, after, P * sizeof *before);
        assert_int_equal(nnact_opt_step_count(o), 0);
    }
    /* a label outside bce_logits' [0, 1] in a validation row: named by its row */
    t[ROWS - 2] = 2.0;
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_BCE_LOGITS, ROWS, x, t, c, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "target 11 is 2"));
    t[ROWS - 2] = T[ROWS - 2];
    /* finite data whose loss overflows in the validation rows only (the three
       nnact_split_rows draws from the seed) */
    size_t order[ROWS], n_first = 0;
    assert_int_equal(nnact_split_rows(ROWS, NULL, 0.25, SEED, order, &n_first), NNACT_OK);
    assert_int_equal(n_first, ROWS - 3);
    for (int i = ROWS - 3; i < ROWS; i++)
        t[order[i]] = 1e300;
    nnact_fit_report r = {sizeof r, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, x, t, c, &r),
                     NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "epoch 1: the validation loss is"));
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_ERROR);
    assert_int_equal(r.epochs_done, 1);
    assert_int_equal(r.best_epoch, 0);
    free(before);
    free(after);
    nnact_fit_config_free(c);
    nnact_net_free(net);
    nnact_opt_free(o);
}

/* Allocations seen by each epoch's callback: a fit allocates at its start
 * only, so every epoch after the first finds the same count. */
static size_t allocs_at[EPOCHS + 1];

static int count_allocs(const nnact_fit_epoch *e, void *user)
{
    (void)user;
    allocs_at[e->epoch] = nnact__alloc_count();
    return 0;
}

static void allocates_at_start_only_and_bad_rates(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
    nnact_sched *s = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_COSINE, &s), NNACT_OK);
    nnact_fit_config *c = run_config(s);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_RESTORE_BEST, 1), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, count_allocs, NULL), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
    for (int e = 2; e <= EPOCHS; e++)
        assert_int_equal(allocs_at[e], allocs_at[1]);

    /* an exponential schedule whose rate overflows at epoch 3 (0.05, 5e298,
       +Inf): refused there, the epochs before it kept, the optimizer's LR
       untouched. Zero weights and zero targets give zero gradients, so the
       huge finite rate of epoch 2 moves nothing */
    assert_int_equal(nnact_net_init(net, NNACT_INIT_ZEROS, 1), NNACT_OK);
    const double zeros[ROWS] = {0};
    nnact_opt_free(o); /* a fresh optimizer: Adam's moments would move them */
    o = resume_fresh_opt_at_base(NNACT_OPT_SGD);
    nnact_sched *grow = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_EXPONENTIAL, &grow), NNACT_OK);
    assert_int_equal(nnact_sched_set(grow, NNACT_SCHED_PARAM_GAMMA, 1e300), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_schedule(c, grow), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, NULL, NULL), NNACT_OK);
    nnact_fit_report r = {sizeof r, 0, 0, 0, 0, 0, 0, 0};
    double lr0, lr1;
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr0), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, zeros, c, &r),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "the schedule gives lr inf for epoch 3"));
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_ERROR);
    assert_int_equal(r.epochs_done, 2);
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr1), NNACT_OK);
    assert_same_bits(lr1, lr0);
    nnact_sched_free(grow);
    nnact_sched_free(s);
    nnact_fit_config_free(c);
    nnact_net_free(net);
    nnact_opt_free(o);
}

/* The epochs_done of the checkpoint file as each callback finds it (0: no file). */
static uint64_t file_epoch[EPOCHS + 1];

static int look_at_file(const nnact_fit_epoch *e, void *user)
{
    const size_t *stop_at = user;
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0, 0, 0};
    nnact_net *ln = NULL;
    nnact_opt *lo = NULL;
    file_epoch[e->epoch] = 0;
    if (nnact_checkpoint_load_at(path("i.ckpt"), 0, &ln, &lo, &pos) == NNACT_OK)
        file_epoch[e->epoch] = pos.epochs_done;
    nnact_net_free(ln);
    nnact_opt_free(lo);
    return *stop_at != 0 && e->epoch >= *stop_at;
}

/* CHECKPOINT_INTERVAL 4 of 6 epochs: files after epochs 4 and 6 only (the
 * callback runs after a due checkpoint); a callback stop at 3 or 5 (not due)
 * still leaves that epoch in the file; so does the last epoch of a 5-epoch run. */
static void checkpoint_interval(void **state)
{
    (void)state;
    nnact_fit_config *c = run_config(NULL);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_CHECKPOINT_INTERVAL, 4), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_checkpoint(c, path("i.ckpt")), NNACT_OK);
    static const struct {
        size_t epochs, stop_at;
        uint64_t seen[EPOCHS + 1], final;
    } cases[] = {
        {EPOCHS, 0, {0, 0, 0, 0, 4, 4, 6}, 6},
        {5, 0, {0, 0, 0, 0, 4, 5}, 5},
        {EPOCHS, 3, {0, 0, 0, 0}, 3},
        {EPOCHS, 5, {0, 0, 0, 0, 4, 4}, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unlink(path("i.ckpt"));
        nnact_net *net = resume_fresh_net();
        nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_ADAM);
        size_t stop = cases[i].stop_at;
        assert_int_equal(nnact_fit_config_set_epoch_callback(c, look_at_file, &stop), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, cases[i].epochs),
                         NNACT_OK);
        assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
        const size_t last = stop ? stop : cases[i].epochs;
        for (size_t e = 1; e <= last; e++)
            assert_int_equal(file_epoch[e], cases[i].seen[e]);
        nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0, 0, 0};
        nnact_net *ln = NULL;
        nnact_opt *lo = NULL;
        assert_int_equal(nnact_checkpoint_load_at(path("i.ckpt"), 0, &ln, &lo, &pos), NNACT_OK);
        assert_int_equal(pos.epochs_done, cases[i].final);
        assert_true(same_params(net, ln));
        nnact_net_free(ln);
        nnact_opt_free(lo);
        nnact_net_free(net);
        nnact_opt_free(o);
    }
    nnact_fit_config_free(c);
}

/* Stopped after STOP, reloaded with nnact_checkpoint_load_at, resumed with
 * nnact_fit_config_resume: bit-identical to the uninterrupted run, final
 * checkpoint file included, for every optimizer. */
static void resume_through_position(void **state)
{
    (void)state;
    nnact_sched *s = resume_step_sched();
    for (int k = 0; k < (int)nnact_opt_count(); k++) {
        nnact_net *a = resume_fresh_net(), *b = resume_fresh_net();
        nnact_opt *oa = resume_fresh_opt_at_base((nnact_opt_kind)k),
                  *ob = resume_fresh_opt_at_base((nnact_opt_kind)k);
        nnact_fit_config *c = run_config(s);
        /* with the validation split and patience (too long to stop these runs):
           the resumed run draws the same split from the seed */
        assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, EPOCHS), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_checkpoint(c, path("full.ckpt")), NNACT_OK);
        assert_int_equal(nnact_net_fit_run(a, oa, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
        /* the interrupted run: stopped by its callback after STOP */
        struct seen g = {0};
        g.o = ob;
        g.stop_at = STOP;
        assert_int_equal(nnact_fit_config_set_checkpoint(c, path("b.ckpt")), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_epoch_callback(c, on_record, &g), NNACT_OK);
        assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, c, NULL), NNACT_OK);
        assert_false(same_params(a, b));
        nnact_net_free(b);
        nnact_opt_free(ob);
        nnact_checkpoint_position pos;
        memset(&pos, 0, sizeof pos);
        pos.size = sizeof pos;
        assert_int_equal(nnact_checkpoint_load_at(path("b.ckpt"), 0, &b, &ob, &pos), NNACT_OK);
        assert_int_equal(pos.epochs_done, STOP);
        assert_int_equal(pos.batch_in_epoch, 0);
        assert_same_bits(pos.base_lr, BASE);
        assert_true(pos.rng_key == SEED && pos.rng_counter > 0);
        double lr;
        assert_int_equal(nnact_opt_get(ob, NNACT_OPT_PARAM_LR, &lr), NNACT_OK);
        assert_same_bits(lr, BASE); /* the file's optimizer is the base, nothing to fix */
        nnact_fit_config *r = NULL;
        assert_int_equal(nnact_fit_config_copy(c, &r), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_int(r, NNACT_FIT_PARAM_SEED, 0), NNACT_OK);
        assert_int_equal(nnact_fit_config_set_epoch_callback(r, NULL, NULL), NNACT_OK);
        assert_int_equal(nnact_fit_config_resume(r, &pos), NNACT_OK);
        uint64_t v;
        assert_int_equal(nnact_fit_config_get_int(r, NNACT_FIT_PARAM_START_EPOCH, &v), NNACT_OK);
        assert_int_equal(v, STOP);
        assert_int_equal(nnact_fit_config_get_int(r, NNACT_FIT_PARAM_SEED, &v), NNACT_OK);
        assert_true(v == SEED);
        nnact_fit_report rep = {sizeof rep, 0, 0, 0, 0, 0, 0, 0};
        assert_int_equal(nnact_net_fit_run(b, ob, NNACT_LOSS_MSE, ROWS, X, T, r, &rep), NNACT_OK);
        assert_int_equal(rep.epochs_done, EPOCHS);
        assert_true(rep.best_epoch > STOP || rep.best_epoch == 0);
        assert_true(same_params(a, b));
        assert_true(files_equal(path("full.ckpt"), path("b.ckpt")));
        /* a too-short position record */
        pos.size = 8;
        assert_int_equal(nnact_fit_config_resume(r, &pos), NNACT_ERR_ARG);
        nnact_fit_config_free(r);
        nnact_fit_config_free(c);
        nnact_net_free(a);
        nnact_net_free(b);
        nnact_opt_free(oa);
        nnact_opt_free(ob);
    }
    nnact_sched_free(s);
}

/* Early stopping on a crafted run: one input fixed at 1, an identity unit
 * from 0, the training rows' target 1 and the validation rows' 0.3. Full-batch
 * SGD moves the output 0, 0.2, 0.36, 0.488, ... (y_e = 1 - 0.8^e), so the
 * validation loss falls until epoch 2 and rises after it: with PATIENCE 3
 * the fit stops after epoch 5 and puts back epoch 2's parameters. */
enum { ES_ROWS = 20, ES_EPOCHS = 30, ES_PATIENCE = 3 };

struct early_seen {
    size_t calls;
    double val[ES_EPOCHS + 1];
    double params[ES_EPOCHS + 1][2];
    nnact_net *net;
};

static int capture_params(const nnact_fit_epoch *e, void *user)
{
    struct early_seen *g = user;
    g->calls++;
    g->val[e->epoch] = e->val_loss;
    assert_int_equal(nnact_net_get_params(g->net, 2, g->params[e->epoch]), NNACT_OK);
    return 0;
}

static nnact_net *unit_net(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double w = 0.0, b = 0.0;
    assert_int_equal(nnact_net_set_layer(net, 0, &w, &b), NNACT_OK);
    return net;
}

static void early_stop_restores_best(void **state)
{
    (void)state;
    double x[ES_ROWS], t[ES_ROWS];
    size_t order[ES_ROWS], n_first = 0;
    /* the validation rows are the ones nnact_split_rows draws from the seed */
    assert_int_equal(nnact_split_rows(ES_ROWS, NULL, 0.25, SEED, order, &n_first), NNACT_OK);
    for (size_t i = 0; i < ES_ROWS; i++) {
        x[order[i]] = 1.0;
        t[order[i]] = i < n_first ? 1.0 : 0.3;
    }
    nnact_net *net = unit_net();
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.05), NNACT_OK);
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, ES_EPOCHS), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, 0), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, SEED), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.25), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, ES_PATIENCE), NNACT_OK);
    struct early_seen g = {0};
    g.net = net;
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, capture_params, &g), NNACT_OK);
    nnact_fit_report r;
    memset(&r, 0x55, sizeof r);
    r.size = sizeof r;
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ES_ROWS, x, t, c, &r), NNACT_OK);
    /* the outputs the run went through, and its validation losses */
    for (size_t e = 1; e <= g.calls; e++) {
        const double y = g.params[e][0] + g.params[e][1];
        assert_close(y, 1.0 - pow(0.8, (double)e), 1e-12);
        assert_close(g.val[e], (y - 0.3) * (y - 0.3), 1e-12);
    }
    assert_true(g.val[2] < g.val[1] && g.val[3] > g.val[2] && g.val[4] > g.val[3]);
    assert_int_equal(g.calls, 2 + ES_PATIENCE); /* the callback saw the last epoch */
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_EARLY);
    assert_int_equal(r.epochs_done, 2 + ES_PATIENCE);
    assert_int_equal(r.best_epoch, 2);
    assert_same_bits(r.best_loss, g.val[2]);
    assert_same_bits(r.last_val_loss, g.val[2 + ES_PATIENCE]);
    double now[2];
    assert_int_equal(nnact_net_get_params(net, 2, now), NNACT_OK);
    assert_memory_equal(now, g.params[2], sizeof now); /* epoch 2's, bit for bit */
    /* a patience that does not run out: completed, the last epoch's parameters */
    nnact_net_free(net);
    net = unit_net();
    g = (struct early_seen){0};
    g.net = net;
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, ES_EPOCHS), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ES_ROWS, x, t, c, &r), NNACT_OK);
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_COMPLETED);
    assert_int_equal(r.epochs_done, ES_EPOCHS);
    assert_int_equal(r.best_epoch, 2);
    assert_int_equal(nnact_net_get_params(net, 2, now), NNACT_OK);
    assert_memory_equal(now, g.params[ES_EPOCHS], sizeof now);
    /* equal is no improvement: a rate of 0 keeps the loss, so patience 1 stops at epoch 2 */
    nnact_net_free(net);
    net = unit_net();
    g = (struct early_seen){0};
    g.net = net;
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, 1), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ES_ROWS, x, t, c, &r), NNACT_OK);
    assert_int_equal(r.stop_reason, NNACT_FIT_STOP_EARLY);
    assert_int_equal(r.epochs_done, 2);
    assert_int_equal(r.best_epoch, 1);
    /* patience without a validation split: refused at fit time, report untouched */
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.0), NNACT_OK);
    nnact_fit_report u = {sizeof u, 9, 9, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ES_ROWS, x, t, c, &u),
                     NNACT_ERR_ARG);
    assert_non_null(
        strstr(nnact_last_error(), "nnact_net_fit_run: patience 1 needs a validation split"));
    assert_int_equal(u.epochs_done, 9);
    /* PATIENCE takes 0 .. SIZE_MAX; 0 is off and needs no split */
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, 0), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ES_ROWS, x, t, c, &u), NNACT_OK);
    assert_int_equal(u.stop_reason, NNACT_FIT_STOP_COMPLETED);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_PATIENCE, 1.0), NNACT_ERR_ARG);
    nnact_fit_config_free(c);
    nnact_net_free(net);
    nnact_opt_free(o);
}

static int first_val(const nnact_fit_epoch *e, void *user)
{
    *(double *)user = e->val_loss;
    return 1; /* one epoch is enough */
}

/* The validation loss of epoch 1 of nnact_net_fit_run (rate 0: the network
   stays as it is) with VAL_FRACTION 0.25. */
static double fit_val_loss(nnact_net *net, nnact_loss_kind k, size_t n, const double *x,
                           const double *t)
{
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, 3), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, SEED), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, 8), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.25), NNACT_OK);
    double val = 0;
    assert_int_equal(nnact_fit_config_set_epoch_callback(c, first_val, &val), NNACT_OK);
    assert_int_equal(nnact_net_fit_run(net, o, k, n, x, t, c, NULL), NNACT_OK);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    return val;
}

enum { SV_N = 40 };

/* The loss of the rows nnact_split_rows(labels) puts second; the rows per
   class there in count[] (labels 0, 1, 2). */
static double split_val_loss(const nnact_net *net, nnact_loss_kind k, const double *x,
                             const double *t, const double *labels, size_t count[3])
{
    size_t order[SV_N], n_first = 0;
    double xv[SV_N * 2], tv[SV_N], y[SV_N * 3], loss;
    assert_int_equal(nnact_split_rows(SV_N, labels, 0.25, SEED, order, &n_first), NNACT_OK);
    assert_int_equal(n_first, SV_N - 10);
    for (size_t i = 0; i < 10; i++) {
        const size_t r = order[n_first + i];
        memcpy(xv + 2 * i, x + 2 * r, 2 * sizeof(double));
        tv[i] = t[r];
        count[(size_t)t[r]]++;
    }
    assert_int_equal(nnact_net_predict(net, 10, xv, y), NNACT_OK);
    assert_int_equal(nnact_loss(k, 10, nnact_net_output_size(net), y, tv, &loss, NULL), NNACT_OK);
    return loss;
}

static nnact_net *linear_net(size_t outputs)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, outputs, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 5), NNACT_OK);
    return net;
}

/* The validation split of nnact_net_fit_run on class-sorted rows (where "the
 * last rows" validate on one class): for softmax_ce_index, and bce_logits
 * with 0/1 targets, the rows the stratified nnact_split_rows draws, bit for
 * bit, each class in proportion; bce_logits with a soft target: the
 * shuffled split; the 1.0 call still takes the last rows. */
static void stratified_validation_split(void **state)
{
    (void)state;
    double x[SV_N * 2], t[SV_N], y[SV_N * 3];
    for (size_t i = 0; i < SV_N; i++) {
        t[i] = i < 24 ? 0.0 : i < 36 ? 1.0 : 2.0; /* 24, 12, 4 rows, sorted by class */
        x[2 * i] = sin(1.0 + (double)i);
        x[2 * i + 1] = cos(3.0 * (double)i);
    }
    nnact_net *net = linear_net(3);
    const nnact_loss_kind ce = NNACT_LOSS_SOFTMAX_CE_INDEX;
    const double val = fit_val_loss(net, ce, SV_N, x, t);
    size_t count[3] = {0}, ignored[3] = {0};
    assert_same_bits(val, split_val_loss(net, ce, x, t, t, count));
    assert_int_equal(count[0], 6);
    assert_int_equal(count[1], 3);
    assert_int_equal(count[2], 1);
    assert_true(val != split_val_loss(net, ce, x, t, NULL, ignored)); /* not the shuffled rows */
    /* every allocation failing in turn (the split's scratch among them):
       NOMEM, the network as it was */
    nnact_fit_config *c = NULL;
    assert_int_equal(nnact_fit_config_create(&c), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, 8), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, 0.25), NNACT_OK);
    assert_int_equal(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_PATIENCE, 2), NNACT_OK);
    nnact_opt *adam = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &adam), NNACT_OK);
    double before[9], after[9];
    assert_int_equal(nnact_net_get_params(net, 9, before), NNACT_OK);
    nnact_status st = NNACT_ERR_NOMEM;
    for (size_t k = 0; st == NNACT_ERR_NOMEM; k++) {
        struct fail_at f = {k, 0};
        nnact_fit_report r = {sizeof r, 9, 9, 0, 0, 0, 0, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        st = nnact_net_fit_run(net, adam, ce, SV_N, x, t, c, &r);
        nnact__alloc_set_hook(NULL, NULL);
        if (st == NNACT_ERR_NOMEM) {
            /* at the start: no report; in the first step (the optimizer's state
               or the network's scratch): nothing done */
            assert_true(r.epochs_done == 9 ||
                        (r.epochs_done == 0 && r.stop_reason == NNACT_FIT_STOP_ERROR));
            assert_int_equal(nnact_net_get_params(net, 9, after), NNACT_OK);
            assert_memory_equal(before, after, sizeof before);
        }
        assert_true(k < 20);
    }
    assert_int_equal(st, NNACT_OK);
    assert_int_equal(nnact_net_set_params(net, 9, before), NNACT_OK);
    nnact_opt_free(adam);
    nnact_fit_config_free(c);
    /* the 1.0 call: the last 10 rows, all of class 1 and 2 */
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    double best = 0, want;
    assert_int_equal(
        nnact_net_fit(net, o, ce, SV_N, x, t, 1, 4, 0.25, SEED, NULL, 0, NULL, NULL, NULL, &best),
        NNACT_OK);
    assert_int_equal(nnact_net_predict(net, 10, x + 2 * (SV_N - 10), y), NNACT_OK);
    assert_int_equal(nnact_loss(ce, 10, 3, y, t + SV_N - 10, &want, NULL), NNACT_OK);
    assert_same_bits(best, want);
    nnact_opt_free(o);
    nnact_net_free(net);
    /* binary, one logit: 0/1 targets stratified (30 and 10 rows: 7.5 and 2.5,
       the tied remainder to the smaller class: 8 and 2) */
    for (size_t i = 0; i < SV_N; i++)
        t[i] = i < 30 ? 0.0 : 1.0;
    net = linear_net(1);
    const nnact_loss_kind bce = NNACT_LOSS_BCE_LOGITS;
    memset(count, 0, sizeof count);
    assert_same_bits(fit_val_loss(net, bce, SV_N, x, t), split_val_loss(net, bce, x, t, t, count));
    assert_int_equal(count[0], 8);
    assert_int_equal(count[1], 2);
    /* a soft target: not class labels, the shuffled split */
    t[0] = 0.5;
    assert_same_bits(fit_val_loss(net, bce, SV_N, x, t),
                     split_val_loss(net, bce, x, t, NULL, ignored));
    nnact_net_free(net);
}

/* The _at calls against the 1.0 ones: same bytes, same position; sizes checked. */
static void checkpoint_position_record(void **state)
{
    (void)state;
    nnact_net *net = resume_fresh_net();
    nnact_opt *o = resume_fresh_opt_at_base(NNACT_OPT_RMSPROP);
    const nnact_checkpoint_position at = {sizeof at, 7, 2, 0.125, 99, 1234};
    assert_int_equal(nnact_checkpoint_save_at(path("a.ckpt"), net, o, &at), NNACT_OK);
    assert_int_equal(nnact_checkpoint_save(path("b.ckpt"), net, o, 7, 2, 0.125, 99, 1234),
                     NNACT_OK);
    assert_true(files_equal(path("a.ckpt"), path("b.ckpt")));
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0, 0, 0};
    nnact_net *ln = NULL;
    nnact_opt *lo = NULL;
    assert_int_equal(nnact_checkpoint_load_at(path("a.ckpt"), 0, &ln, &lo, &pos), NNACT_OK);
    assert_true(pos.size == sizeof pos && pos.epochs_done == 7 && pos.batch_in_epoch == 2 &&
                pos.rng_key == 99 && pos.rng_counter == 1234);
    assert_same_bits(pos.base_lr, 0.125);
    assert_true(same_params(net, ln));
    nnact_net_free(ln);
    nnact_opt_free(lo);
    assert_int_equal(nnact_checkpoint_load_at(path("a.ckpt"), 0, &ln, &lo, NULL), NNACT_OK);
    nnact_net_free(ln);
    nnact_opt_free(lo);
    /* from memory */
    FILE *f = fopen(path("a.ckpt"), "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    memset(&pos, 0, sizeof pos);
    pos.size = sizeof pos;
    assert_int_equal(nnact_checkpoint_load_buffer_at(buf, n, 0, &ln, &lo, &pos), NNACT_OK);
    assert_true(pos.epochs_done == 7 && pos.rng_counter == 1234);
    nnact_net_free(ln);
    nnact_opt_free(lo);
    /* bad records and arguments: refused, handles NULL, position untouched */
    nnact_checkpoint_position small = {8, 5, 5, 5, 5, 5};
    assert_int_equal(nnact_checkpoint_save_at(path("a.ckpt"), net, o, &small), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_checkpoint_save_at: pos->size 8"));
    assert_int_equal(nnact_checkpoint_save_at(path("a.ckpt"), net, o, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_load_at(path("a.ckpt"), 0, &ln, &lo, &small), NNACT_ERR_ARG);
    assert_int_equal(small.epochs_done, 5);
    assert_int_equal(nnact_checkpoint_load_buffer_at(buf, n, 0, &ln, &lo, &small), NNACT_ERR_ARG);
    assert_int_equal(nnact_checkpoint_load_at(path("missing.ckpt"), 0, &ln, &lo, &pos),
                     NNACT_ERR_IO);
    assert_null(ln);
    assert_null(lo);
    assert_int_equal(pos.epochs_done, 7);
    assert_int_equal(nnact_checkpoint_load_buffer_at(buf, n - 1, 0, &ln, &lo, &pos),
                     NNACT_ERR_FORMAT);
    assert_int_equal(nnact_checkpoint_load_buffer_at(NULL, n, 0, &ln, &lo, &pos), NNACT_ERR_ARG);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_checkpoint_load_buffer_at(buf, n, 0, &ln, &lo, &pos), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_null(ln);
    nnact_net_free(net);
    nnact_opt_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_ranges_and_types),
        cmocka_unit_test(copies_and_allocation_failure),
        cmocka_unit_test(fit_run_equals_fit_ex),
        cmocka_unit_test(legacy_callback_full_batch_no_shuffle),
        cmocka_unit_test(fit_run_bad_input_and_stop),
        cmocka_unit_test(bad_data_and_nonfinite_validation),
        cmocka_unit_test(allocates_at_start_only_and_bad_rates),
        cmocka_unit_test(checkpoint_interval),
        cmocka_unit_test(early_stop_restores_best),
        cmocka_unit_test(stratified_validation_split),
        cmocka_unit_test(resume_through_position),
        cmocka_unit_test(checkpoint_position_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
