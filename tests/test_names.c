/* The five enumerated families (activation, loss, optimizer, schedule,
 * initialisation): name, from_name and count behave alike, driven by each
 * family's descriptor table; and the tables' defaults, ranges and
 * applicability as the optimizer and schedule setters report them. */
#include <stdlib.h>

#include "nnact_test.h"

#include "nnact/nnact.h"

#define SENTINEL 12345

/* One family seen through int kinds, so one test body checks all five. */
struct family {
    const char *who;  /* the from_name function named in details */
    const char *noun; /* "unknown <noun>" */
    int last;         /* the enum's last value */
    size_t (*count)(void);
    const char *(*name)(int k);
    nnact_status (*from_name)(const char *s, int *k); /* *k in and out */
    nnact_status (*from_name_null_kind)(const char *s);
    const char *const *aliases; /* NULL-terminated; alias_kinds[i] is its kind */
    const int *alias_kinds;
};

#define ADAPT(fam, type)                                                                           \
    static const char *fam##_name_i(int k)                                                         \
    {                                                                                              \
        return nnact_##fam##_name((type)k);                                                        \
    }                                                                                              \
    static nnact_status fam##_from_i(const char *s, int *k)                                        \
    {                                                                                              \
        type v = (type)*k;                                                                         \
        nnact_status st = nnact_##fam##_from_name(s, &v);                                          \
        *k = (int)v;                                                                               \
        return st;                                                                                 \
    }                                                                                              \
    static nnact_status fam##_from_null(const char *s)                                             \
    {                                                                                              \
        return nnact_##fam##_from_name(s, NULL);                                                   \
    }
ADAPT(act, nnact_act_kind)
ADAPT(loss, nnact_loss_kind)
ADAPT(opt, nnact_opt_kind)
ADAPT(sched, nnact_sched_kind)
ADAPT(init, nnact_init_kind)
#undef ADAPT

static const char *const no_aliases[] = {NULL};
static const char *const sched_aliases[] = {"multistep", "warmup", NULL};
static const int sched_alias_kinds[] = {NNACT_SCHED_MULTI_STEP, NNACT_SCHED_LINEAR_WARMUP};
static const char *const init_aliases[] = {"glorot_uniform", "glorot_normal", "kaiming_uniform",
                                           "kaiming_normal", "zero",          NULL};
static const int init_alias_kinds[] = {NNACT_INIT_XAVIER_UNIFORM, NNACT_INIT_XAVIER_NORMAL,
                                       NNACT_INIT_HE_UNIFORM, NNACT_INIT_HE_NORMAL,
                                       NNACT_INIT_ZEROS};

/* the activation aliases come from the library's own alias list */
static const char *act_aliases[64];
static int act_alias_kinds[64];

static const struct family families[] = {
    {"nnact_act_from_name", "activation", NNACT_ACT_SWISH, nnact_act_count, act_name_i, act_from_i,
     act_from_null, act_aliases, act_alias_kinds},
    {"nnact_loss_from_name", "loss", NNACT_LOSS_SOFTMAX_CE_INDEX, nnact_loss_count, loss_name_i,
     loss_from_i, loss_from_null, no_aliases, NULL},
    {"nnact_opt_from_name", "optimizer", NNACT_OPT_ADAMW, nnact_opt_count, opt_name_i, opt_from_i,
     opt_from_null, no_aliases, NULL},
    {"nnact_sched_from_name", "schedule", NNACT_SCHED_LINEAR_WARMUP, nnact_sched_count,
     sched_name_i, sched_from_i, sched_from_null, sched_aliases, sched_alias_kinds},
    {"nnact_init_from_name", "initialisation", NNACT_INIT_ZEROS, nnact_init_count, init_name_i,
     init_from_i, init_from_null, init_aliases, init_alias_kinds},
};
#define N_FAMILIES (sizeof families / sizeof families[0])

static int setup_act_aliases(void **state)
{
    (void)state;
    size_t n = nnact_act_alias_count();
    if (n >= 64) return -1;
    for (size_t i = 0; i < n; i++) {
        nnact_act_kind k;
        act_aliases[i] = nnact_act_alias(i, &k);
        act_alias_kinds[i] = (int)k;
    }
    act_aliases[n] = NULL;
    return 0;
}

/* s with ASCII letters upper-cased (upper = 1) or alternating (upper = 2) */
static void recase(const char *s, int mode, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < cap; i++) {
        char c = s[i];
        int up = mode == 1 || (mode == 2 && i % 2 == 0);
        out[i] = up && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    out[i] = '\0';
}

static void count_matches_enum(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        const struct family *F = &families[f];
        assert_int_equal(F->count(), (size_t)F->last + 1);
        assert_null(F->name((int)F->count()));
        assert_null(F->name(-1));
        assert_null(F->name(1000));
    }
    assert_int_equal(nnact_act_count(), 29);
    assert_int_equal(nnact_loss_count(), 7);
    assert_int_equal(nnact_opt_count(), 7);
    assert_int_equal(nnact_sched_count(), 6);
    assert_int_equal(nnact_init_count(), 6);
}

static void every_kind_round_trips_in_any_case(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        const struct family *F = &families[f];
        for (int k = 0; k <= F->last; k++) {
            const char *name = F->name(k);
            assert_non_null(name);
            /* canonical names are lower case, distinct from each other */
            for (const char *c = name; *c; c++)
                assert_false(*c >= 'A' && *c <= 'Z');
            for (int j = 0; j < k; j++)
                assert_string_not_equal(F->name(j), name);
            char buf[64];
            for (int mode = 0; mode <= 2; mode++) {
                recase(name, mode, buf, sizeof buf);
                int back = SENTINEL;
                assert_int_equal(F->from_name(buf, &back), NNACT_OK);
                assert_int_equal(back, k);
            }
        }
    }
}

static void every_alias_in_any_case(void **state)
{
    (void)state;
    size_t seen = 0;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        const struct family *F = &families[f];
        for (size_t i = 0; F->aliases[i] != NULL; i++, seen++) {
            char buf[64];
            for (int mode = 0; mode <= 2; mode++) {
                recase(F->aliases[i], mode, buf, sizeof buf);
                int back = SENTINEL;
                assert_int_equal(F->from_name(buf, &back), NNACT_OK);
                assert_int_equal(back, F->alias_kinds[i]);
            }
        }
    }
    assert_int_equal(seen, nnact_act_alias_count() + 2 + 5);
}

static void unknown_names_list_the_valid_ones(void **state)
{
    (void)state;
    static const char *const bad[] = {"no_such_thing", "", "relu ", " mse", "sgd\n", "adam_w"};
    for (size_t f = 0; f < N_FAMILIES; f++) {
        const struct family *F = &families[f];
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            int k = SENTINEL;
            assert_int_equal(F->from_name(bad[b], &k), NNACT_ERR_ARG);
            assert_int_equal(k, SENTINEL);
            const char *e = nnact_last_error();
            assert_non_null(strstr(e, F->who));
            char want[64];
            snprintf(want, sizeof want, "unknown %s \"", F->noun);
            assert_non_null(strstr(e, want));
            assert_non_null(strstr(e, "(valid: "));
            for (int j = 0; j <= F->last; j++)
                assert_non_null(strstr(e, F->name(j)));
        }
        int k = SENTINEL;
        assert_int_equal(F->from_name("no_such_thing", &k), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "\"no_such_thing\""));
    }
    /* the whole list, in kind order */
    nnact_opt_kind ok = (nnact_opt_kind)SENTINEL;
    assert_int_equal(nnact_opt_from_name("nope", &ok), NNACT_ERR_ARG);
    assert_int_equal(ok, SENTINEL);
    assert_string_equal(nnact_last_error(),
                        "nnact_opt_from_name: unknown optimizer \"nope\" (valid: sgd, momentum, "
                        "nesterov, adagrad, rmsprop, adam, adamw)");
    nnact_loss_kind lk = (nnact_loss_kind)SENTINEL;
    assert_int_equal(nnact_loss_from_name("L2", &lk), NNACT_ERR_ARG);
    assert_int_equal(lk, SENTINEL);
    assert_string_equal(nnact_last_error(),
                        "nnact_loss_from_name: unknown loss \"L2\" (valid: half_sse, mse, "
                        "bce_logits, softmax_ce, mae, huber, softmax_ce_index)");
}

static void user_bytes_are_quoted(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        int k = SENTINEL;
        assert_int_equal(families[f].from_name("re\x01lu\"\\\xff", &k), NNACT_ERR_ARG);
        assert_int_equal(k, SENTINEL);
        const char *e = nnact_last_error();
        assert_non_null(strstr(e, "\"re\\x01lu\\\"\\\\\\xff\""));
        assert_null(strchr(e, '\x01'));
    }
    /* a long name is cut, the detail stays whole */
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    nnact_act_kind ak = (nnact_act_kind)SENTINEL;
    assert_int_equal(nnact_act_from_name(longname, &ak), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "...\" (valid: identity, "));
    assert_non_null(strstr(nnact_last_error(), "swish_beta)"));
}

static void null_arguments(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        const struct family *F = &families[f];
        int k = SENTINEL;
        assert_int_equal(F->from_name(NULL, &k), NNACT_ERR_ARG);
        assert_int_equal(k, SENTINEL);
        assert_non_null(strstr(nnact_last_error(), F->who));
        assert_non_null(strstr(nnact_last_error(), "NULL"));
        assert_int_equal(F->from_name_null_kind(F->name(0)), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), F->who));
    }
}

static void spellings_users_write(void **state)
{
    (void)state;
    nnact_act_kind a;
    assert_int_equal(nnact_act_from_name("ReLU", &a), NNACT_OK);
    assert_int_equal(a, NNACT_ACT_RELU);
    assert_int_equal(nnact_act_from_name("LOGISTIC", &a), NNACT_OK);
    assert_int_equal(a, NNACT_ACT_SIGMOID);
    assert_int_equal(nnact_act_from_name("Swish", &a), NNACT_OK); /* the alias: SiLU */
    assert_int_equal(a, NNACT_ACT_SILU);
    assert_int_equal(nnact_act_from_name("SWISH_BETA", &a), NNACT_OK);
    assert_int_equal(a, NNACT_ACT_SWISH);
    assert_int_equal(nnact_act_from_name("GELU_Tanh", &a), NNACT_OK);
    assert_int_equal(a, NNACT_ACT_GELU_TANH);
    nnact_loss_kind l;
    assert_int_equal(nnact_loss_from_name("MSE", &l), NNACT_OK);
    assert_int_equal(l, NNACT_LOSS_MSE);
    assert_int_equal(nnact_loss_from_name("Softmax_CE_Index", &l), NNACT_OK);
    assert_int_equal(l, NNACT_LOSS_SOFTMAX_CE_INDEX);
    nnact_opt_kind o;
    assert_int_equal(nnact_opt_from_name("AdamW", &o), NNACT_OK);
    assert_int_equal(o, NNACT_OPT_ADAMW);
    nnact_sched_kind s;
    assert_int_equal(nnact_sched_from_name("MultiStep", &s), NNACT_OK);
    assert_int_equal(s, NNACT_SCHED_MULTI_STEP);
    nnact_init_kind i;
    assert_int_equal(nnact_init_from_name("Kaiming_Normal", &i), NNACT_OK);
    assert_int_equal(i, NNACT_INIT_HE_NORMAL);
}

/* ---- what the optimizer and schedule tables say ------------------------ */

#define NP (NNACT_OPT_PARAM_CHECK_FINITE + 1)

/* torch.optim's defaults, per kind; NAN: the key does not apply */
static const double opt_defaults[7][NP] = {
    /*            lr    mom  b1   b2     eps    alpha wd    damp lrd  acc  cen  ams  cn   cv   fin
     */
    [NNACT_OPT_SGD] = {1e-3, NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN, NAN, NAN, 0, 0, 1},
    [NNACT_OPT_MOMENTUM] = {1e-3, 0.9, NAN, NAN, NAN, NAN, 0, 0, NAN, NAN, NAN, NAN, 0, 0, 1},
    [NNACT_OPT_NESTEROV] = {1e-3, 0.9, NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN, NAN, NAN, 0, 0, 1},
    [NNACT_OPT_ADAGRAD] = {1e-2, NAN, NAN, NAN, 1e-10, NAN, 0, NAN, 0, 0, NAN, NAN, 0, 0, 1},
    [NNACT_OPT_RMSPROP] = {1e-2, 0.0, NAN, NAN, 1e-8, 0.99, 0, NAN, NAN, NAN, 0, NAN, 0, 0, 1},
    [NNACT_OPT_ADAM] = {1e-3, NAN, 0.9, 0.999, 1e-8, NAN, 0, NAN, NAN, NAN, NAN, 0, 0, 0, 1},
    [NNACT_OPT_ADAMW] = {1e-3, NAN, 0.9, 0.999, 1e-8, NAN, 1e-2, NAN, NAN, NAN, NAN, 0, 0, 0, 1},
};

static void optimizer_defaults_and_applicability(void **state)
{
    (void)state;
    for (int k = 0; k < 7; k++) {
        nnact_opt *o = NULL;
        assert_int_equal(nnact_opt_create((nnact_opt_kind)k, &o), NNACT_OK);
        for (int p = 0; p < NP; p++) {
            double v = -1.0;
            nnact_status st = nnact_opt_get(o, (nnact_opt_param)p, &v);
            if (isnan(opt_defaults[k][p])) {
                assert_int_equal(st, NNACT_ERR_ARG);
                assert_non_null(strstr(nnact_last_error(), "does not apply to optimizer"));
                assert_non_null(strstr(nnact_last_error(), nnact_opt_name((nnact_opt_kind)k)));
                assert_int_equal(nnact_opt_set(o, (nnact_opt_param)p, 0.0), NNACT_ERR_ARG);
            } else {
                assert_int_equal(st, NNACT_OK);
                assert_true(v == opt_defaults[k][p]);
            }
        }
        nnact_opt_free(o);
    }
}

static void optimizer_ranges(void **state)
{
    (void)state;
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_MOMENTUM, &o), NNACT_OK);
    static const struct {
        nnact_opt_param p;
        double bad, good;
        const char *detail;
    } cases[] = {
        {NNACT_OPT_PARAM_MOMENTUM, 1.0, 0.0, "nnact_opt_set: momentum = 1 is outside [0, 1)"},
        {NNACT_OPT_PARAM_DAMPENING, 1.5, 1.0, "nnact_opt_set: dampening = 1.5 is outside [0, 1]"},
        {NNACT_OPT_PARAM_CHECK_FINITE, 0.5, 0.0,
         "nnact_opt_set: check_finite = 0.5 must be 0 or 1"},
        {NNACT_OPT_PARAM_LR, -1.0, 0.0, "nnact_opt_set: lr = -1 must be finite and >= 0"},
        {NNACT_OPT_PARAM_CLIP_VALUE, INFINITY, 2.0,
         "nnact_opt_set: clip_value = inf must be finite and >= 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double before, after;
        assert_int_equal(nnact_opt_get(o, cases[i].p, &before), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, cases[i].p, cases[i].bad), NNACT_ERR_ARG);
        assert_string_equal(nnact_last_error(), cases[i].detail);
        assert_int_equal(nnact_opt_get(o, cases[i].p, &after), NNACT_OK);
        assert_true(after == before);
        assert_int_equal(nnact_opt_set(o, cases[i].p, cases[i].good), NNACT_OK);
        assert_int_equal(nnact_opt_get(o, cases[i].p, &after), NNACT_OK);
        assert_true(after == cases[i].good);
    }
    assert_int_equal(nnact_opt_set(o, (nnact_opt_param)NP, 0.0), NNACT_ERR_ARG);
    assert_int_equal(nnact_opt_set(o, (nnact_opt_param)-1, 0.0), NNACT_ERR_ARG);
    nnact_opt_free(o);
    assert_int_equal(nnact_opt_create((nnact_opt_kind)7, &o), NNACT_ERR_ARG);
    assert_null(o);
}

/* Which schedule keys apply where, and the message of each range. */
static void schedule_parameters(void **state)
{
    (void)state;
    static const unsigned applies[7] = {
        [NNACT_SCHED_PARAM_GAMMA] = 0x0e,        /* step, multi_step, exponential */
        [NNACT_SCHED_PARAM_STEP_SIZE] = 0x02,    /* step */
        [NNACT_SCHED_PARAM_T_MAX] = 0x10,        /* cosine */
        [NNACT_SCHED_PARAM_ETA_MIN] = 0x10,      /* cosine */
        [NNACT_SCHED_PARAM_START_FACTOR] = 0x20, /* linear_warmup */
        [NNACT_SCHED_PARAM_END_FACTOR] = 0x20,   [NNACT_SCHED_PARAM_TOTAL_ITERS] = 0x20,
    };
    static const double ok_value[7] = {0.5, 3, 50, 0.01, 0.5, 0.5, 4};
    for (int k = 0; k < 6; k++) {
        nnact_sched *s = NULL;
        assert_int_equal(nnact_sched_create((nnact_sched_kind)k, &s), NNACT_OK);
        for (int p = 0; p < 7; p++) {
            nnact_status st = nnact_sched_set(s, (nnact_sched_param)p, ok_value[p]);
            assert_int_equal(st, (applies[p] >> k) & 1u ? NNACT_OK : NNACT_ERR_ARG);
        }
        nnact_sched_free(s);
    }
    static const struct {
        nnact_sched_kind k;
        nnact_sched_param p;
        double bad;
        const char *detail;
    } cases[] = {
        {NNACT_SCHED_STEP, NNACT_SCHED_PARAM_GAMMA, 0.0,
         "nnact_sched_set: gamma = 0 must be finite and > 0"},
        {NNACT_SCHED_COSINE, NNACT_SCHED_PARAM_ETA_MIN, -1.0,
         "nnact_sched_set: eta_min = -1 must be finite and >= 0"},
        {NNACT_SCHED_LINEAR_WARMUP, NNACT_SCHED_PARAM_START_FACTOR, 0.0,
         "nnact_sched_set: start_factor = 0 is outside (0, 1]"},
        {NNACT_SCHED_LINEAR_WARMUP, NNACT_SCHED_PARAM_END_FACTOR, 1.5,
         "nnact_sched_set: end_factor = 1.5 is outside [0, 1]"},
        {NNACT_SCHED_COSINE, NNACT_SCHED_PARAM_T_MAX, 2.5,
         "nnact_sched_set: t_max = 2.5 must be a whole number >= 1"},
        {NNACT_SCHED_CONSTANT, NNACT_SCHED_PARAM_GAMMA, 0.5,
         "nnact_sched_set: parameter 'gamma' does not apply to this schedule kind"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nnact_sched *s = NULL;
        assert_int_equal(nnact_sched_create(cases[i].k, &s), NNACT_OK);
        assert_int_equal(nnact_sched_set(s, cases[i].p, cases[i].bad), NNACT_ERR_ARG);
        assert_string_equal(nnact_last_error(), cases[i].detail);
        nnact_sched_free(s);
    }
}

/* The defaults the schedule table gives, seen through the learning rate. */
static void schedule_defaults(void **state)
{
    (void)state;
    nnact_sched *s = NULL;
    double lr;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_EXPONENTIAL, &s), NNACT_OK);
    assert_int_equal(nnact_sched_lr(s, 1.0, 2, &lr), NNACT_OK);
    assert_true(lr == pow(0.95, 2.0)); /* gamma 0.95 */
    nnact_sched_free(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_lr(s, 1.0, 9, &lr), NNACT_OK);
    assert_true(lr == 1.0); /* step_size 10 */
    assert_int_equal(nnact_sched_lr(s, 1.0, 10, &lr), NNACT_OK);
    assert_true(lr == pow(0.1, 1.0)); /* gamma 0.1 */
    nnact_sched_free(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_COSINE, &s), NNACT_OK);
    assert_int_equal(nnact_sched_lr(s, 1.0, 100, &lr), NNACT_OK); /* t_max 100, eta_min 0 */
    assert_close(lr, 0.0, 1e-300);
    nnact_sched_free(s);
    assert_int_equal(nnact_sched_create(NNACT_SCHED_LINEAR_WARMUP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_lr(s, 3.0, 0, &lr), NNACT_OK);
    assert_true(lr == 3.0 * (1.0 / 3.0)); /* start_factor 1/3 */
    assert_int_equal(nnact_sched_lr(s, 3.0, 5, &lr), NNACT_OK);
    assert_true(lr == 3.0); /* total_iters 5, end_factor 1 */
    nnact_sched_free(s);
}

/* The init table: He's default gain is sqrt 2, the others' 1; which fans each needs. */
static void init_table(void **state)
{
    (void)state;
    double a[16], b[16];
    for (int k = 0; k < 6; k++) {
        double gain = k == NNACT_INIT_HE_UNIFORM || k == NNACT_INIT_HE_NORMAL ? sqrt(2.0) : 1.0;
        assert_int_equal(nnact_init_fill((nnact_init_kind)k, NAN, 4, 3, 7, 1, 16, a), NNACT_OK);
        assert_int_equal(nnact_init_fill((nnact_init_kind)k, gain, 4, 3, 7, 1, 16, b), NNACT_OK);
        for (int i = 0; i < 16; i++)
            assert_same_bits(a[i], b[i]);
    }
    /* fan_out matters to Xavier only, fan_in to Xavier and He */
    assert_int_equal(nnact_init_fill(NNACT_INIT_XAVIER_NORMAL, NAN, 4, 0, 7, 1, 16, a),
                     NNACT_ERR_ARG);
    assert_string_equal(nnact_last_error(), "nnact_init_fill: fan_out is 0");
    assert_int_equal(nnact_init_fill(NNACT_INIT_HE_NORMAL, NAN, 0, 3, 7, 1, 16, a), NNACT_ERR_ARG);
    assert_string_equal(nnact_last_error(), "nnact_init_fill: fan_in is 0");
    assert_int_equal(nnact_init_fill(NNACT_INIT_HE_NORMAL, NAN, 4, 0, 7, 1, 16, a), NNACT_OK);
    assert_int_equal(nnact_init_fill(NNACT_INIT_NORMAL, NAN, 0, 0, 7, 1, 16, a), NNACT_OK);
    assert_int_equal(nnact_init_fill(NNACT_INIT_ZEROS, NAN, 0, 0, 7, 1, 16, a), NNACT_OK);
    for (int i = 0; i < 16; i++)
        assert_same_bits(a[i], 0.0);
    assert_int_equal(nnact_init_fill((nnact_init_kind)6, NAN, 4, 3, 7, 1, 16, a), NNACT_ERR_ARG);
    assert_string_equal(nnact_last_error(), "nnact_init_fill: unknown scheme 6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_matches_enum),
        cmocka_unit_test(every_kind_round_trips_in_any_case),
        cmocka_unit_test(every_alias_in_any_case),
        cmocka_unit_test(unknown_names_list_the_valid_ones),
        cmocka_unit_test(user_bytes_are_quoted),
        cmocka_unit_test(null_arguments),
        cmocka_unit_test(spellings_users_write),
        cmocka_unit_test(optimizer_defaults_and_applicability),
        cmocka_unit_test(optimizer_ranges),
        cmocka_unit_test(schedule_parameters),
        cmocka_unit_test(schedule_defaults),
        cmocka_unit_test(init_table),
    };
    return cmocka_run_group_tests(tests, setup_act_aliases, NULL);
}
