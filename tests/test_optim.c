/* Optimizers on flat vectors: trajectories against torch.optim (fixtures from
 * gen_optim_fixtures.py), PyTorch's defaults, the bit-exact identities, bad
 * input, the finiteness guarantee, binding, allocation and counter saturation. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "alloc_fault.h"
#include "optim_fixture.h"

#include "core/alloc.h"
#include "nnact/nnact.h"
#include "optim/optim_internal.h"
#include "optim/optim_testing.h"

#define NQ 5
static double qA[NQ * NQ], qb[NQ], qx0[NQ];

static void quad_grad(const double *x, double *g)
{
    for (int i = 0; i < NQ; i++) {
        double s = 0.0; /* same summation order as the fixture script */
        for (int j = 0; j < NQ; j++)
            s += qA[i * NQ + j] * x[j];
        g[i] = s - qb[i];
    }
}

static double worst_quadratic_rel = 0.0;

static void quadratic_trajectories_match_torch(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_quadratic.txt");
    assert_non_null(f);
    assert_true(fx_expect(f, "n"));
    assert_int_equal((int)fx_num(f), NQ);
    assert_true(fx_expect(f, "A"));
    for (int i = 0; i < NQ * NQ; i++)
        qA[i] = fx_num(f);
    assert_true(fx_expect(f, "b"));
    for (int i = 0; i < NQ; i++)
        qb[i] = fx_num(f);
    assert_true(fx_expect(f, "x0"));
    for (int i = 0; i < NQ; i++)
        qx0[i] = fx_num(f);
    assert_true(fx_expect(f, "cases"));
    int ncases = (int)fx_num(f), kinds_seen = 0;
    assert_true(ncases >= 14);
    for (int c = 0; c < ncases; c++) {
        assert_true(fx_expect(f, "case"));
        char name[256];
        snprintf(name, sizeof name, "%s", fx_word(f));
        int kind = (int)fx_num(f), nsets = (int)fx_num(f), steps = (int)fx_num(f);
        assert_int_equal(steps, 50);
        kinds_seen |= 1 << kind;
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create((nnact_opt_kind)kind, &o), NNACT_OK);
        for (int s = 0; s < nsets; s++) {
            assert_true(fx_expect(f, "set"));
            int p = (int)fx_num(f);
            double v = fx_num(f);
            assert_int_equal(nnact_opt_set(o, (nnact_opt_param)p, v), NNACT_OK);
        }
        double x[NQ], g[NQ];
        memcpy(x, qx0, sizeof x);
        double worst = 0.0;
        for (int t = 0; t < steps; t++) {
            quad_grad(x, g);
            assert_int_equal(nnact_opt_step(o, NQ, x, g), NNACT_OK);
            for (int i = 0; i < NQ; i++) {
                double e = fx_num(f);
                double rel = fabs(x[i] - e) / fabs(e);
                worst = rel > worst ? rel : worst;
                if (!(rel <= 1e-12))
                    fail_msg("%s step %d param %d: %.17g vs torch %.17g (rel %.3g)", name, t + 1, i,
                             x[i], e, rel);
            }
        }
        assert_int_equal(nnact_opt_step_count(o), 50);
        worst_quadratic_rel = worst > worst_quadratic_rel ? worst : worst_quadratic_rel;
        nnact_opt_free(o);
    }
    assert_int_equal(kinds_seen, 0x7f); /* every kind */
    fclose(f);
    printf("quadratic: %d torch trajectories x 50 steps, worst relative difference %.3g\n", ncases,
           worst_quadratic_rel);
}

static void defaults_are_torchs(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_defaults.txt");
    assert_non_null(f);
    int rows = 0;
    for (;;) {
        const char *w = fx_word(f);
        if (*w == '\0') break;
        int kind = atoi(w), p = (int)fx_num(f);
        double want = fx_num(f), got = NAN;
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create((nnact_opt_kind)kind, &o), NNACT_OK);
        assert_int_equal(nnact_opt_get(o, (nnact_opt_param)p, &got), NNACT_OK);
        assert_same_bits(got, want);
        nnact_opt_free(o);
        rows++;
    }
    assert_true(rows >= 20);
    fclose(f);
    /* our own choices where torch has none: SGD's lr (required in torch 1.13,
       1e-3 since torch 2.2) and the momentum of the MOMENTUM/NESTEROV kinds */
    nnact_opt *o = NULL;
    double v;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &v), NNACT_OK);
    assert_same_bits(v, 1e-3);
    nnact_opt_free(o);
    assert_int_equal(nnact_opt_create(NNACT_OPT_NESTEROV, &o), NNACT_OK);
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_MOMENTUM, &v), NNACT_OK);
    assert_same_bits(v, 0.9);
    assert_int_equal(nnact_opt_get_kind(o), NNACT_OPT_NESTEROV);
    nnact_opt_free(o);
}

static const nnact_opt_kind all_kinds[] = {
    NNACT_OPT_SGD,     NNACT_OPT_MOMENTUM, NNACT_OPT_NESTEROV, NNACT_OPT_ADAGRAD,
    NNACT_OPT_RMSPROP, NNACT_OPT_ADAM,     NNACT_OPT_ADAMW};
#define NKINDS 7

static void lr_zero_leaves_parameters_bit_exact(void **state)
{
    (void)state;
    for (int k = 0; k < NKINDS; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.25), NNACT_OK);
        double x[4] = {1.5, -2.25, 1e-300, -0.0}, x0[4], g[4] = {0.5, -3.0, 7.0, 1e10};
        memcpy(x0, x, sizeof x);
        for (int t = 0; t < 5; t++) {
            assert_int_equal(nnact_opt_step(o, 4, x, g), NNACT_OK);
            for (int i = 0; i < 4; i++)
                assert_same_bits(x[i], x0[i]);
        }
        nnact_opt_free(o);
    }
}

static void momentum_zero_is_sgd_bit_exact(void **state)
{
    (void)state;
    nnact_opt_kind kinds[2] = {NNACT_OPT_MOMENTUM, NNACT_OPT_NESTEROV};
    for (int k = 0; k < 2; k++) {
        nnact_opt *sgd = NULL, *m = NULL;
        assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &sgd), NNACT_OK);
        assert_int_equal(nnact_opt_create(kinds[k], &m), NNACT_OK);
        assert_int_equal(nnact_opt_set(m, NNACT_OPT_PARAM_MOMENTUM, 0.0), NNACT_OK);
        if (kinds[k] == NNACT_OPT_MOMENTUM)
            assert_int_equal(nnact_opt_set(m, NNACT_OPT_PARAM_DAMPENING, 0.5), NNACT_OK);
        for (int w = 0; w < 2; w++) {
            assert_int_equal(nnact_opt_set(sgd, NNACT_OPT_PARAM_WEIGHT_DECAY, w * 0.1), NNACT_OK);
            assert_int_equal(nnact_opt_set(m, NNACT_OPT_PARAM_WEIGHT_DECAY, w * 0.1), NNACT_OK);
        }
        double a[NQ] = {1, -2, 3, -4, 5}, b[NQ], g[NQ];
        memcpy(b, a, sizeof a);
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < NQ; i++)
                g[i] = sin(a[i] * (t + 1)) + 0.1 * a[i];
            assert_int_equal(nnact_opt_step(sgd, NQ, a, g), NNACT_OK);
            assert_int_equal(nnact_opt_step(m, NQ, b, g), NNACT_OK);
            for (int i = 0; i < NQ; i++)
                assert_same_bits(b[i], a[i]);
        }
        nnact_opt_free(sgd);
        nnact_opt_free(m);
    }
}

static void zero_gradient_changes_nothing(void **state)
{
    (void)state;
    for (int k = 0; k < NKINDS; k++) {
        for (int e = 0; e < 2; e++) { /* eps > 0, and eps = 0 where 0/0 is taken as 0 */
            nnact_opt *o = NULL;
            assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
            assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.0), NNACT_OK);
            assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.5), NNACT_OK);
            if (e == 1 && all_kinds[k] >= NNACT_OPT_ADAGRAD)
                assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_EPS, 0.0), NNACT_OK);
            double x[3] = {0.75, -1e-3, 42.0}, g[3] = {0.0, -0.0, 0.0};
            for (int t = 0; t < 3; t++) {
                assert_int_equal(nnact_opt_step(o, 3, x, g), NNACT_OK);
                assert_same_bits(x[0], 0.75);
                assert_same_bits(x[1], -1e-3);
                assert_same_bits(x[2], 42.0);
            }
            nnact_opt_free(o);
        }
    }
}

/* A non-finite gradient changes nothing: the optimizer that saw it and then
   continues follows bit for bit the one that never saw it. */
static void nonfinite_gradient_leaves_params_and_state(void **state)
{
    (void)state;
    const double bad[3] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < NKINDS; k++) {
        for (int b = 0; b < 3; b++) {
            nnact_opt *o = NULL, *twin = NULL;
            assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
            assert_int_equal(nnact_opt_create(all_kinds[k], &twin), NNACT_OK);
            double x[NQ] = {1, 2, 3, 4, 5}, y[NQ], g[NQ], snap[NQ];
            memcpy(y, x, sizeof x);
            for (int t = 0; t < 8; t++) {
                for (int i = 0; i < NQ; i++)
                    g[i] = cos(x[i] + t);
                if (t == 4) {
                    double gb[NQ];
                    memcpy(gb, g, sizeof g);
                    gb[3] = bad[b];
                    memcpy(snap, x, sizeof x);
                    uint64_t steps = nnact_opt_step_count(o);
                    assert_int_equal(nnact_opt_step(o, NQ, x, gb), NNACT_ERR_NUMERIC);
                    assert_non_null(strstr(nnact_last_error(), "gradient 3"));
                    assert_memory_equal(x, snap, sizeof x);
                    assert_int_equal(nnact_opt_step_count(o), steps);
                }
                assert_int_equal(nnact_opt_step(o, NQ, x, g), NNACT_OK);
                assert_int_equal(nnact_opt_step(twin, NQ, y, g), NNACT_OK);
                assert_memory_equal(x, y, sizeof x);
            }
            nnact_opt_free(o);
            nnact_opt_free(twin);
        }
    }
}

/* Everything a step may change, for comparing before and after a refused one. */
struct opt_snapshot {
    uint64_t steps;
    size_t bound_n, n_bufs;
    int momentum_init;
    double state[3 * NQ];
};

static void take_snapshot(const nnact_opt *o, struct opt_snapshot *s)
{
    struct nnact__opt_state v;
    nnact__opt_state_view(o, &v);
    memset(s, 0, sizeof *s);
    s->steps = v.steps;
    s->bound_n = v.bound_n;
    s->n_bufs = v.n_bufs;
    s->momentum_init = v.momentum_init;
    assert_true(v.n_bufs * v.bound_n <= 3 * NQ);
    if (v.n_bufs != 0 && v.bound_n != 0)
        memcpy(s->state, v.state, v.n_bufs * v.bound_n * sizeof(double));
}

/* Settings that reach every state vector and branch of the seven rules. */
static void set_variant(nnact_opt *o, nnact_opt_kind k, int variant)
{
    if (variant == 0) return;
    if (k == NNACT_OPT_RMSPROP) {
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CENTERED, 1.0), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.9), NNACT_OK);
    } else if (k == NNACT_OPT_ADAM || k == NNACT_OPT_ADAMW) {
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_AMSGRAD, 1.0), NNACT_OK);
    }
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 0.5), NNACT_OK);
}

/* A learning rate at or near DBL_MAX (inside the documented range): every
   step either succeeds with every parameter and state value finite, or is
   refused with NNACT_ERR_NUMERIC naming the overflow, with parameters, state
   and step count bit-identical to before. Both outcomes occur. */
static void overflowing_update_is_refused_with_nothing_changed(void **state)
{
    (void)state;
    const double lrs[] = {DBL_MAX, 1e308, 1e300, 1e200, 1e154};
    const double gscale[] = {1.0, 1e10, 1e-10};
    int refused = 0, succeeded = 0;
    for (int k = 0; k < NKINDS; k++)
        for (int variant = 0; variant < 2; variant++)
            for (size_t l = 0; l < sizeof lrs / sizeof lrs[0]; l++)
                for (int gs = 0; gs < 3; gs++) {
                    nnact_opt *o = NULL;
                    assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
                    set_variant(o, all_kinds[k], variant);
                    double x[NQ] = {1, -2, 3, -4, 5}, g[NQ];
                    /* two ordinary steps first, so the state is not all zero */
                    for (int t = 0; t < 2; t++) {
                        for (int i = 0; i < NQ; i++)
                            g[i] = cos(x[i] + t);
                        assert_int_equal(nnact_opt_step(o, NQ, x, g), NNACT_OK);
                    }
                    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lrs[l]), NNACT_OK);
                    for (int t = 0; t < 6; t++) {
                        for (int i = 0; i < NQ; i++)
                            g[i] = gscale[gs] * cos(0.7 * i + t);
                        double before[NQ];
                        struct opt_snapshot s0, s1;
                        memcpy(before, x, sizeof x);
                        take_snapshot(o, &s0);
                        nnact_status st = nnact_opt_step(o, NQ, x, g);
                        take_snapshot(o, &s1);
                        if (st == NNACT_OK) {
                            succeeded++;
                            for (int i = 0; i < NQ; i++)
                                assert_true(isfinite(x[i]));
                            for (size_t i = 0; i < s1.n_bufs * s1.bound_n; i++)
                                assert_true(isfinite(s1.state[i]));
                            assert_int_equal(s1.steps, s0.steps + 1);
                        } else {
                            refused++;
                            assert_int_equal(st, NNACT_ERR_NUMERIC);
                            assert_non_null(strstr(nnact_last_error(), "overflows"));
                            assert_non_null(strstr(nnact_last_error(), "nnact_opt_step"));
                            assert_memory_equal(x, before, sizeof x);
                            assert_memory_equal(&s0, &s1, sizeof s0);
                        }
                    }
                    nnact_opt_free(o);
                }
    assert_true(refused > 0);
    assert_true(succeeded > 0);
}

/* The first step of an unbound optimizer that overflows does not bind it. */
static void overflowing_first_step_leaves_optimizer_unbound(void **state)
{
    (void)state;
    for (int k = 0; k < NKINDS; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, DBL_MAX), NNACT_OK);
        double x[2] = {1e308, -1e308}, g[2] = {-1.0, 1.0}, before[2];
        memcpy(before, x, sizeof x);
        assert_int_equal(nnact_opt_step(o, 2, x, g), NNACT_ERR_NUMERIC);
        assert_non_null(strstr(nnact_last_error(), "parameter 0 overflows"));
        assert_memory_equal(x, before, sizeof x);
        struct nnact__opt_state v;
        nnact__opt_state_view(o, &v);
        assert_int_equal(v.bound_n, 0);
        assert_int_equal(v.steps, 0);
        /* so a step of another length is still accepted */
        double y[3] = {0, 0, 0}, h[3] = {1, 1, 1};
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e-3), NNACT_OK);
        assert_int_equal(nnact_opt_step(o, 3, y, h), NNACT_OK);
        nnact_opt_free(o);
    }
}

/* The a-priori proof that lets a step skip its dry run reads the state's
   tracked maxima: a buffer left large while momentum was off, and an
   imported second moment that is negative, must still be caught. */
static void proof_of_a_finite_update_is_sound(void **state)
{
    (void)state;
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_MOMENTUM, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e-300), NNACT_OK);
    double x[2] = {0, 0}, g[2] = {1e300, -1e300};
    for (int t = 0; t < 3; t++) /* the buffer grows to ~2.7e300 */
        assert_int_equal(nnact_opt_step(o, 2, x, g), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.0), NNACT_OK);
    double small[2] = {1.0, 1.0};
    assert_int_equal(nnact_opt_step(o, 2, x, small), NNACT_OK); /* buffer untouched */
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.9), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e10), NNACT_OK);
    double before[2];
    memcpy(before, x, sizeof x);
    assert_int_equal(nnact_opt_step(o, 2, x, small), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "overflows"));
    assert_memory_equal(x, before, sizeof x);
    nnact_opt_free(o);

    /* an imported Adam state with a negative second moment: sqrt of it is NaN */
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    double st[3 * 2] = {1, 1, -1, -1, 0, 0};
    struct nnact__opt_state v;
    nnact__opt_state_view(o, &v);
    v.bound_n = 2;
    v.n_bufs = 3;
    v.steps = 5;
    v.state = st;
    assert_int_equal(nnact__opt_state_import(o, &v, "test"), NNACT_OK);
    double y[2] = {1, 2}, gy[2] = {1e-3, 1e-3}, ybefore[2];
    memcpy(ybefore, y, sizeof y);
    assert_int_equal(nnact_opt_step(o, 2, y, gy), NNACT_ERR_NUMERIC);
    assert_memory_equal(y, ybefore, sizeof y);
    assert_int_equal(nnact_opt_step_count(o), 5);
    nnact_opt_free(o);
}

static void check_finite_can_be_switched_off(void **state)
{
    (void)state;
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CHECK_FINITE, 0.0), NNACT_OK);
    double x[2] = {1, 1}, g[2] = {NAN, 1};
    assert_int_equal(nnact_opt_step(o, 2, x, g), NNACT_OK);
    assert_true(isnan(x[0]));
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CHECK_FINITE, 0.5), NNACT_ERR_ARG);
    nnact_opt_free(o);
    assert_true(nnact__all_finite(3, (double[]){1, DBL_MAX, -DBL_MIN}));
    assert_false(nnact__all_finite(3, (double[]){1, -INFINITY, 0}));
    assert_false(nnact__all_finite(1, (double[]){-NAN}));
    assert_true(nnact__all_finite(0, NULL));
    /* every position of a vector longer than the 8-lane blocks, every kind of non-finite */
    double v[37];
    const double bad[4] = {NAN, INFINITY, -INFINITY, -NAN};
    for (int b = 0; b < 4; b++)
        for (int at = 0; at < 37; at++) {
            for (int i = 0; i < 37; i++)
                v[i] = (i % 3 == 0 ? DBL_MAX : -1e-310);
            assert_true(nnact__all_finite(37, v));
            v[at] = bad[b];
            assert_false(nnact__all_finite(37, v));
        }
}

static void stateful_optimizer_is_bound_to_its_first_length(void **state)
{
    (void)state;
    double x[6] = {0}, g[6] = {1, 1, 1, 1, 1, 1};
    for (int k = 0; k < NKINDS; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
        assert_int_equal(nnact_opt_step(o, 4, x, g), NNACT_OK);
        double before[6];
        memcpy(before, x, sizeof x);
        nnact_status s = nnact_opt_step(o, 6, x, g);
        if (all_kinds[k] == NNACT_OPT_SGD) {
            assert_int_equal(s, NNACT_OK); /* stateless: any length */
        } else {
            assert_int_equal(s, NNACT_ERR_SHAPE);
            assert_non_null(strstr(nnact_last_error(), "holds 4"));
            assert_memory_equal(x, before, sizeof x);
            assert_int_equal(nnact_opt_step(o, 3, x, g), NNACT_ERR_SHAPE);
            assert_int_equal(nnact_opt_step_count(o), 1);
            nnact_opt_reset(o);
            assert_int_equal(nnact_opt_step_count(o), 0);
            assert_int_equal(nnact_opt_step(o, 6, x, g), NNACT_OK);
        }
        nnact_opt_free(o);
    }
}

static void bad_hyper_parameters_are_rejected(void **state)
{
    (void)state;
    struct {
        nnact_opt_kind k;
        nnact_opt_param p;
        double v;
        const char *name;
    } bad[] = {
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_LR, -1e-3, "lr"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_LR, NAN, "lr"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_LR, INFINITY, "lr"},
        {NNACT_OPT_MOMENTUM, NNACT_OPT_PARAM_MOMENTUM, 1.0, "momentum"},
        {NNACT_OPT_NESTEROV, NNACT_OPT_PARAM_MOMENTUM, -0.1, "momentum"},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_MOMENTUM, NAN, "momentum"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_BETA1, 1.0, "beta1"},
        {NNACT_OPT_ADAMW, NNACT_OPT_PARAM_BETA2, -0.5, "beta2"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_BETA2, NAN, "beta2"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_EPS, -1e-8, "eps"},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_EPS, NAN, "eps"},
        {NNACT_OPT_ADAGRAD, NNACT_OPT_PARAM_WEIGHT_DECAY, -0.1, "weight_decay"},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_ALPHA, 1.0, "alpha"},
        {NNACT_OPT_MOMENTUM, NNACT_OPT_PARAM_DAMPENING, 1.5, "dampening"},
        {NNACT_OPT_ADAGRAD, NNACT_OPT_PARAM_LR_DECAY, -1.0, "lr_decay"},
        {NNACT_OPT_ADAGRAD, NNACT_OPT_PARAM_INITIAL_ACCUMULATOR, -1.0, "initial_accumulator"},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_CENTERED, 2.0, "centered"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_AMSGRAD, 0.5, "amsgrad"},
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_CLIP_NORM, -1.0, "clip_norm"},
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_CLIP_VALUE, INFINITY, "clip_value"},
        /* keys that do not apply to the kind */
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_MOMENTUM, 0.5, "does not apply"},
        {NNACT_OPT_SGD, NNACT_OPT_PARAM_EPS, 1e-8, "does not apply"},
        {NNACT_OPT_ADAM, NNACT_OPT_PARAM_MOMENTUM, 0.5, "does not apply"},
        {NNACT_OPT_NESTEROV, NNACT_OPT_PARAM_DAMPENING, 0.1, "does not apply"},
        {NNACT_OPT_ADAGRAD, NNACT_OPT_PARAM_BETA1, 0.5, "does not apply"},
        {NNACT_OPT_RMSPROP, NNACT_OPT_PARAM_AMSGRAD, 1.0, "does not apply"},
        {NNACT_OPT_ADAMW, NNACT_OPT_PARAM_ALPHA, 0.5, "does not apply"},
        /* unknown ids */
        {NNACT_OPT_ADAM, (nnact_opt_param)15, 0.5, "unknown parameter id 15"},
        {NNACT_OPT_ADAM, (nnact_opt_param)-1, 0.5, "unknown parameter id -1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(bad[i].k, &o), NNACT_OK);
        double before = NAN, after = NAN;
        int readable = nnact_opt_get(o, bad[i].p, &before) == NNACT_OK;
        assert_int_equal(nnact_opt_set(o, bad[i].p, bad[i].v), NNACT_ERR_ARG);
        if (strstr(nnact_last_error(), bad[i].name) == NULL)
            fail_msg("case %zu: detail '%s' does not name '%s'", i, nnact_last_error(),
                     bad[i].name);
        assert_non_null(strstr(nnact_last_error(), "nnact_opt_set"));
        if (readable) {
            assert_int_equal(nnact_opt_get(o, bad[i].p, &after), NNACT_OK);
            assert_same_bits(after, before);
        } else {
            assert_int_equal(nnact_opt_get(o, bad[i].p, &after), NNACT_ERR_ARG);
        }
        nnact_opt_free(o);
    }
    /* lr = 0 and the interval ends that are allowed */
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_MOMENTUM, &o), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.0), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.0), NNACT_OK);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_DAMPENING, 1.0), NNACT_OK);
    assert_int_equal(nnact_opt_set(NULL, NNACT_OPT_PARAM_LR, 0.1), NNACT_ERR_ARG);
    double v;
    assert_int_equal(nnact_opt_get(o, NNACT_OPT_PARAM_LR, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_opt_get(NULL, NNACT_OPT_PARAM_LR, &v), NNACT_ERR_ARG);
    /* bad step arguments */
    double x[2] = {1, 2}, g[2] = {1, 1};
    assert_int_equal(nnact_opt_step(NULL, 2, x, g), NNACT_ERR_ARG);
    assert_int_equal(nnact_opt_step(o, 0, x, g), NNACT_ERR_ARG);
    assert_int_equal(nnact_opt_step(o, 2, NULL, g), NNACT_ERR_ARG);
    assert_int_equal(nnact_opt_step(o, 2, x, NULL), NNACT_ERR_ARG);
    nnact_opt_free(o);
    nnact_opt_free(NULL);
    nnact_opt *out = (nnact_opt *)&v;
    assert_int_equal(nnact_opt_create((nnact_opt_kind)7, &out), NNACT_ERR_ARG);
    assert_null(out);
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, NULL), NNACT_ERR_ARG);
}

static void step_counter_saturates_instead_of_wrapping(void **state)
{
    (void)state;
    nnact_opt_kind kinds[3] = {NNACT_OPT_ADAM, NNACT_OPT_ADAMW, NNACT_OPT_ADAGRAD};
    for (int k = 0; k < 3; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(kinds[k], &o), NNACT_OK);
        if (kinds[k] == NNACT_OPT_ADAGRAD)
            assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR_DECAY, 0.5), NNACT_OK);
        double x[2] = {1, -1}, g[2] = {0.5, -0.25};
        assert_int_equal(nnact_opt_step(o, 2, x, g), NNACT_OK);
        nnact__opt_set_step_count(o, UINT64_MAX - 1);
        for (int t = 0; t < 3; t++) {
            assert_int_equal(nnact_opt_step(o, 2, x, g), NNACT_OK);
            assert_true(isfinite(x[0]) && isfinite(x[1]));
            assert_true(nnact_opt_step_count(o) == UINT64_MAX);
        }
        nnact_opt_free(o);
    }
    /* at saturation Adam's bias corrections are 1: the step is lr m/(sqrt v + eps) */
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_OK);
    double x = 0.0, g = 2.0;
    assert_int_equal(nnact_opt_step(o, 1, &x, &g), NNACT_OK);
    nnact__opt_set_step_count(o, UINT64_MAX);
    x = 0.0;
    assert_int_equal(nnact_opt_step(o, 1, &x, &g), NNACT_OK);
    /* m = 0.1*2*0.9 + 0.1*2 = 0.38, v = 0.001*4*0.999 + 0.001*4 = 0.007996 */
    assert_close(x, -1e-3 * 0.38 / (sqrt(0.007996) + 1e-8), 1e-17);
    nnact_opt_free(o);
}

static void first_step_allocates_and_later_steps_do_not(void **state)
{
    (void)state;
    for (int k = 1; k < NKINDS; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create(all_kinds[k], &o), NNACT_OK);
        double x[8] = {0}, g[8] = {1, 2, 3, 4, 5, 6, 7, 8}, x0[8] = {0};
        nnact__alloc_set_hook(fail_all, NULL);
        assert_int_equal(nnact_opt_step(o, 8, x, g), NNACT_ERR_NOMEM);
        nnact__alloc_set_hook(NULL, NULL);
        assert_memory_equal(x, x0, sizeof x);
        assert_int_equal(nnact_opt_step_count(o), 0);
        /* nothing bound: another length is still fine */
        assert_int_equal(nnact_opt_step(o, 7, x, g), NNACT_OK);
        size_t before = nnact__alloc_count();
        for (int t = 0; t < 100; t++)
            assert_int_equal(nnact_opt_step(o, 7, x, g), NNACT_OK);
        assert_int_equal(nnact__alloc_count(), before);
        nnact_opt_free(o);
    }
    nnact_opt *o = (nnact_opt *)1;
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &o), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_null(o);
}

static void clipping_matches_closed_forms(void **state)
{
    (void)state;
    double g[4] = {3.0, -4.0, 0.0, 12.0}, norm = 0; /* ||g|| = 13 */
    assert_int_equal(nnact_clip_grad_norm(4, g, 6.5, &norm), NNACT_OK);
    assert_same_bits(norm, 13.0);
    double c = 6.5 / (13.0 + 1e-6);
    assert_close(g[0], 3.0 * c, 1e-15);
    assert_close(g[1], -4.0 * c, 1e-15);
    assert_close(g[3], 12.0 * c, 1e-15);
    double h[2] = {3e-200, 4e-200};
    assert_int_equal(nnact_clip_grad_norm(2, h, 1.0, &norm), NNACT_OK);
    assert_close(norm, 5e-200, 1e-214); /* no underflow */
    assert_same_bits(h[0], 3e-200);     /* below max: untouched */
    double big[2] = {3e200, 4e200};
    assert_int_equal(nnact_clip_grad_norm(2, big, 1.0, &norm), NNACT_OK);
    assert_close(norm, 5e200, 1e186); /* no overflow */
    assert_close(big[0], 0.6, 1e-15);
    double bad[2] = {1, NAN};
    assert_int_equal(nnact_clip_grad_norm(2, bad, 1.0, NULL), NNACT_ERR_NUMERIC);
    assert_same_bits(bad[0], 1.0);
    assert_int_equal(nnact_clip_grad_norm(2, g, -1.0, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_clip_grad_norm(2, NULL, 1.0, NULL), NNACT_ERR_ARG);
    double v[5] = {-3, -0.5, 0.25, 2, NAN};
    assert_int_equal(nnact_clip_grad_value(5, v, 1.0), NNACT_OK);
    assert_same_bits(v[0], -1.0);
    assert_same_bits(v[1], -0.5);
    assert_same_bits(v[2], 0.25);
    assert_same_bits(v[3], 1.0);
    assert_true(isnan(v[4]));
    assert_int_equal(nnact_clip_grad_value(5, v, NAN), NNACT_ERR_ARG);
    assert_int_equal(nnact_clip_grad_value(1, NULL, 1.0), NNACT_ERR_ARG);
}

static void schedules_match_torch(void **state)
{
    (void)state;
    FILE *f = fx_open("optim_sched.txt");
    assert_non_null(f);
    int kinds = 0;
    double worst = 0;
    for (;;) {
        const char *w = fx_word(f);
        if (*w == '\0') break;
        assert_string_equal(w, "sched");
        int kind = (int)fx_num(f), nsets = (int)fx_num(f), nms = (int)fx_num(f);
        double base = fx_num(f);
        int T = (int)fx_num(f);
        kinds |= 1 << kind;
        nnact_sched *s = NULL;
        assert_int_equal(nnact_sched_create((nnact_sched_kind)kind, &s), NNACT_OK);
        for (int i = 0; i < nsets; i++) {
            assert_true(fx_expect(f, "set"));
            int p = (int)fx_num(f);
            double v = fx_num(f);
            assert_int_equal(nnact_sched_set(s, (nnact_sched_param)p, v), NNACT_OK);
        }
        if (nms > 0) {
            assert_true(fx_expect(f, "milestones"));
            uint64_t ms[16];
            for (int i = 0; i < nms; i++)
                ms[i] = fx_u64(f);
            assert_int_equal(nnact_sched_set_milestones(s, (size_t)nms, ms), NNACT_OK);
        }
        for (int t = 0; t < T; t++) {
            double e = fx_num(f), lr = NAN;
            assert_int_equal(nnact_sched_lr(s, base, (uint64_t)t, &lr), NNACT_OK);
            /* torch steps recursively (lr *= gamma ...), we use its closed form:
               they agree to rounding, relative to the base rate */
            double d = fabs(lr - e) / base;
            worst = d > worst ? d : worst;
            if (!(d <= 1e-12))
                fail_msg("schedule %d at t=%d: %.17g vs torch %.17g", kind, t, lr, e);
        }
        nnact_sched_free(s);
    }
    fclose(f);
    assert_int_equal(kinds, 0x3f);
    printf("schedules: 6 kinds x 60 steps, worst difference %.3g of the base rate\n", worst);
}

static void schedule_bad_input(void **state)
{
    (void)state;
    nnact_sched *s = NULL;
    double lr;
    assert_int_equal(nnact_sched_create((nnact_sched_kind)6, &s), NNACT_ERR_ARG);
    assert_null(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_STEP_SIZE, 0), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_STEP_SIZE, 2.5), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "step_size"));
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_GAMMA, -1), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_T_MAX, 10), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "does not apply"));
    assert_int_equal(nnact_sched_set(s, (nnact_sched_param)99, 1), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_set_milestones(s, 1, (uint64_t[]){3}), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_lr(s, -0.1, 0, &lr), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_lr(s, NAN, 0, &lr), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_lr(s, 0.1, 0, NULL), NNACT_ERR_ARG);
    /* defaults (torch StepLR needs step_size; ours is 10, gamma 0.1) */
    assert_int_equal(nnact_sched_lr(s, 1.0, 25, &lr), NNACT_OK);
    assert_close(lr, 0.01, 1e-17);
    nnact_sched_free(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_LINEAR_WARMUP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_START_FACTOR, 0.0), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_END_FACTOR, 1.5), NNACT_ERR_ARG);
    assert_int_equal(nnact_sched_lr(s, 0.3, UINT64_MAX, &lr), NNACT_OK);
    assert_same_bits(lr, 0.3);
    nnact_sched_free(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_MULTI_STEP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_set_milestones(s, 2, NULL), NNACT_ERR_ARG);
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_sched_set_milestones(s, 2, (uint64_t[]){1, 2}), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(nnact_sched_lr(s, 0.5, 10, &lr), NNACT_OK); /* no milestones yet */
    assert_same_bits(lr, 0.5);
    nnact_sched_free(s);
    nnact_sched_free(NULL);
}

/* Optimizer-level clipping equals clipping the gradient first, then stepping. */
static void optimizer_clipping_equals_clip_then_step(void **state)
{
    (void)state;
    nnact_opt *a = NULL, *b = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &a), NNACT_OK);
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &b), NNACT_OK);
    assert_int_equal(nnact_opt_set(a, NNACT_OPT_PARAM_CLIP_VALUE, 0.7), NNACT_OK);
    assert_int_equal(nnact_opt_set(a, NNACT_OPT_PARAM_CLIP_NORM, 1.0), NNACT_OK);
    double x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4};
    for (int t = 0; t < 10; t++) {
        double g[4] = {2.0 * x[0], -x[1], 0.1 * x[2], 5.0 - x[3]}, h[4];
        memcpy(h, g, sizeof g);
        assert_int_equal(nnact_clip_grad_value(4, h, 0.7), NNACT_OK);
        assert_int_equal(nnact_clip_grad_norm(4, h, 1.0, NULL), NNACT_OK);
        assert_int_equal(nnact_opt_step(a, 4, x, g), NNACT_OK);
        assert_int_equal(nnact_opt_step(b, 4, y, h), NNACT_OK);
        for (int i = 0; i < 4; i++)
            assert_close(x[i], y[i], 1e-15);
    }
    nnact_opt_free(a);
    nnact_opt_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quadratic_trajectories_match_torch),
        cmocka_unit_test(defaults_are_torchs),
        cmocka_unit_test(lr_zero_leaves_parameters_bit_exact),
        cmocka_unit_test(momentum_zero_is_sgd_bit_exact),
        cmocka_unit_test(zero_gradient_changes_nothing),
        cmocka_unit_test(nonfinite_gradient_leaves_params_and_state),
        cmocka_unit_test(overflowing_update_is_refused_with_nothing_changed),
        cmocka_unit_test(overflowing_first_step_leaves_optimizer_unbound),
        cmocka_unit_test(proof_of_a_finite_update_is_sound),
        cmocka_unit_test(check_finite_can_be_switched_off),
        cmocka_unit_test(stateful_optimizer_is_bound_to_its_first_length),
        cmocka_unit_test(bad_hyper_parameters_are_rejected),
        cmocka_unit_test(step_counter_saturates_instead_of_wrapping),
        cmocka_unit_test(first_step_allocates_and_later_steps_do_not),
        cmocka_unit_test(clipping_matches_closed_forms),
        cmocka_unit_test(schedules_match_torch),
        cmocka_unit_test(schedule_bad_input),
        cmocka_unit_test(optimizer_clipping_equals_clip_then_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
