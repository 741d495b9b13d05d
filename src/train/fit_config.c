/* nnact_fit_config: the fit's options behind enum-keyed setters, and
 * nnact_net_fit_run on top of the one fit implementation (fit.c). The keys
 * are one table: name, type, range; adding an option is a row, a field of
 * struct nnact__fit_settings and its use in fit.c. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/record.h"
#include "optim/sched_internal.h"
#include "train/fit_internal.h"

struct nnact_fit_config {
    struct nnact__fit_settings s; /* s.sched and s.checkpoint point at the copies below */
    nnact_sched *sched;
    char *checkpoint;
};

enum key_type { KEY_INT, KEY_REAL };

struct key_desc {
    const char *name;
    enum key_type type;
    uint64_t min, max; /* integer keys */
};

#define FIT_PARAM_COUNT 9

static const struct key_desc keys[FIT_PARAM_COUNT] = {
    [NNACT_FIT_PARAM_EPOCHS] = {"epochs", KEY_INT, 1, SIZE_MAX},
    [NNACT_FIT_PARAM_BATCH_SIZE] = {"batch_size", KEY_INT, 0, SIZE_MAX},
    [NNACT_FIT_PARAM_SEED] = {"seed", KEY_INT, 0, UINT64_MAX},
    [NNACT_FIT_PARAM_VAL_FRACTION] = {"val_fraction", KEY_REAL, 0, 0},
    [NNACT_FIT_PARAM_SHUFFLE] = {"shuffle", KEY_INT, 0, 1},
    [NNACT_FIT_PARAM_RESTORE_BEST] = {"restore_best", KEY_INT, 0, 1},
    [NNACT_FIT_PARAM_START_EPOCH] = {"start_epoch", KEY_INT, 0, SIZE_MAX},
    [NNACT_FIT_PARAM_CHECKPOINT_INTERVAL] = {"checkpoint_interval", KEY_INT, 1, SIZE_MAX},
    [NNACT_FIT_PARAM_PATIENCE] = {"patience", KEY_INT, 0, SIZE_MAX},
};

_Static_assert(NNACT_FIT_PARAM_PATIENCE + 1 == FIT_PARAM_COUNT,
               "a new nnact_fit_param needs its row in keys[]");

/* The key's descriptor if p is a key of this type; NULL with the detail set otherwise. */
static const struct key_desc *key_of(const char *who, nnact_fit_param p, enum key_type type)
{
    if ((unsigned)p >= FIT_PARAM_COUNT) {
        nnact__fail(NNACT_ERR_ARG, "%s: unknown key %d", who, (int)p);
        return NULL;
    }
    if (keys[p].type != type) {
        nnact__fail(NNACT_ERR_ARG, "%s: key '%s' is %s, use nnact_fit_config_%s_%s", who,
                    keys[p].name, type == KEY_INT ? "real" : "an integer",
                    strstr(who, "_get_") ? "get" : "set", type == KEY_INT ? "real" : "int");
        return NULL;
    }
    return &keys[p];
}

static uint64_t *int_field(struct nnact__fit_settings *s, nnact_fit_param p, int *flag)
{
    switch (p) {
    case NNACT_FIT_PARAM_EPOCHS:
        return &s->epochs;
    case NNACT_FIT_PARAM_BATCH_SIZE:
        return &s->batch_size;
    case NNACT_FIT_PARAM_SEED:
        return &s->seed;
    case NNACT_FIT_PARAM_START_EPOCH:
        return &s->start_epoch;
    case NNACT_FIT_PARAM_CHECKPOINT_INTERVAL:
        return &s->checkpoint_interval;
    case NNACT_FIT_PARAM_PATIENCE:
        return &s->patience;
    default:
        *flag = 1;
        return NULL; /* SHUFFLE, RESTORE_BEST: int flags */
    }
}

nnact_status nnact_fit_config_create(nnact_fit_config **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_fit_config_create: out is NULL");
    *out = NULL;
    nnact_fit_config *c = nnact__calloc(1, sizeof *c);
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_NOMEM, "nnact_fit_config_create: out of memory");
    nnact__fit_settings_default(&c->s);
    *out = c;
    return NNACT_OK;
}

void nnact_fit_config_free(nnact_fit_config *c)
{
    if (c == NULL) return;
    nnact_sched_free(c->sched);
    nnact__free(c->checkpoint);
    nnact__free(c);
}

static char *copy_string(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *c = nnact__malloc(n);
    if (c != NULL) memcpy(c, s, n);
    return c;
}

nnact_status nnact_fit_config_copy(const nnact_fit_config *c, nnact_fit_config **out)
{
    static const char who[] = "nnact_fit_config_copy";
    NNACT_RETURN_IF(c == NULL || out == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "out");
    *out = NULL;
    nnact_fit_config *d = nnact__calloc(1, sizeof *d);
    NNACT_RETURN_IF(d == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    d->s = c->s;
    d->s.sched = NULL;
    d->s.checkpoint = NULL;
    nnact_status st = NNACT_OK;
    if (c->sched != NULL) st = nnact__sched_clone(c->sched, &d->sched, who);
    if (st == NNACT_OK && c->checkpoint != NULL) {
        d->checkpoint = copy_string(c->checkpoint);
        if (d->checkpoint == NULL) st = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    if (st != NNACT_OK) {
        nnact_fit_config_free(d);
        return st;
    }
    d->s.sched = d->sched;
    d->s.checkpoint = d->checkpoint;
    *out = d;
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_int(nnact_fit_config *c, nnact_fit_param p, uint64_t v)
{
    static const char who[] = "nnact_fit_config_set_int";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    const struct key_desc *d = key_of(who, p, KEY_INT);
    if (d == NULL) return NNACT_ERR_ARG;
    NNACT_RETURN_IF(v < d->min || v > d->max, NNACT_ERR_ARG,
                    "%s: %s = %llu is outside [%llu, %llu]", who, d->name, (unsigned long long)v,
                    (unsigned long long)d->min, (unsigned long long)d->max);
    int flag = 0;
    uint64_t *f = int_field(&c->s, p, &flag);
    if (f != NULL)
        *f = v;
    else if (p == NNACT_FIT_PARAM_SHUFFLE)
        c->s.shuffle = (int)v;
    else
        c->s.restore_best = (int)v;
    return NNACT_OK;
}

nnact_status nnact_fit_config_get_int(const nnact_fit_config *c, nnact_fit_param p, uint64_t *v)
{
    static const char who[] = "nnact_fit_config_get_int";
    NNACT_RETURN_IF(c == NULL || v == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "v");
    if (key_of(who, p, KEY_INT) == NULL) return NNACT_ERR_ARG;
    int flag = 0;
    struct nnact__fit_settings s = c->s; /* int_field wants a mutable view */
    const uint64_t *f = int_field(&s, p, &flag);
    if (f != NULL)
        *v = *f;
    else
        *v = (uint64_t)(p == NNACT_FIT_PARAM_SHUFFLE ? s.shuffle : s.restore_best);
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_real(nnact_fit_config *c, nnact_fit_param p, double v)
{
    static const char who[] = "nnact_fit_config_set_real";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    const struct key_desc *d = key_of(who, p, KEY_REAL);
    if (d == NULL) return NNACT_ERR_ARG;
    /* the one real key so far: VAL_FRACTION */
    NNACT_RETURN_IF(!(v >= 0.0 && v < 1.0), NNACT_ERR_ARG, "%s: %s = %g is outside [0, 1)", who,
                    d->name, v);
    c->s.val_fraction = v;
    return NNACT_OK;
}

nnact_status nnact_fit_config_get_real(const nnact_fit_config *c, nnact_fit_param p, double *v)
{
    static const char who[] = "nnact_fit_config_get_real";
    NNACT_RETURN_IF(c == NULL || v == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "v");
    if (key_of(who, p, KEY_REAL) == NULL) return NNACT_ERR_ARG;
    *v = c->s.val_fraction;
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_schedule(nnact_fit_config *c, const nnact_sched *s)
{
    static const char who[] = "nnact_fit_config_set_schedule";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    nnact_sched *copy = NULL;
    if (s != NULL) NNACT_FORWARD_IF_ERROR(nnact__sched_clone(s, &copy, who));
    nnact_sched_free(c->sched);
    c->sched = copy;
    c->s.sched = copy;
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_checkpoint(nnact_fit_config *c, const char *path)
{
    static const char who[] = "nnact_fit_config_set_checkpoint";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    NNACT_RETURN_IF(path != NULL && path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    char *copy = NULL;
    if (path != NULL) {
        copy = copy_string(path);
        NNACT_RETURN_IF(copy == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    nnact__free(c->checkpoint);
    c->checkpoint = copy;
    c->s.checkpoint = copy;
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_callback(nnact_fit_config *c, nnact_fit_callback cb, void *user)
{
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "nnact_fit_config_set_callback: config is NULL");
    c->s.cb = cb;
    c->s.epoch_cb = NULL;
    c->s.user = user;
    return NNACT_OK;
}

nnact_status nnact_fit_config_set_epoch_callback(nnact_fit_config *c, nnact_fit_epoch_callback cb,
                                                 void *user)
{
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG,
                    "nnact_fit_config_set_epoch_callback: config is NULL");
    c->s.cb = NULL;
    c->s.epoch_cb = cb;
    c->s.user = user;
    return NNACT_OK;
}

nnact_status nnact_fit_config_resume(nnact_fit_config *c, const nnact_checkpoint_position *pos)
{
    static const char who[] = "nnact_fit_config_resume";
    NNACT_RETURN_IF(c == NULL || pos == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    c == NULL ? "config" : "pos");
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "pos", pos, NNACT__CHECKPOINT_POSITION_MIN));
    NNACT_RETURN_IF(pos->epochs_done > SIZE_MAX, NNACT_ERR_ARG,
                    "%s: epochs_done %llu does not fit a size_t", who,
                    (unsigned long long)pos->epochs_done);
    c->s.start_epoch = pos->epochs_done;
    c->s.seed = pos->rng_key;
    return NNACT_OK;
}

nnact_status nnact_net_fit_run(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                               const double *x, const double *t, const nnact_fit_config *cfg,
                               nnact_fit_report *report)
{
    static const char who[] = "nnact_net_fit_run";
    NNACT_RETURN_IF(cfg == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    if (report != NULL) {
        nnact_status st = nnact__record_check(who, "report", report, NNACT__FIT_REPORT_MIN);
        /* a data-parallel fit: the other ranks wait in the start's agreement,
           which this refusal takes part in (the one they are in) */
        if (st != NNACT_OK && cfg->s.dist.ranks > 0)
            return nnact__fit_dist_refused(who, net, k, n, &cfg->s, st);
        NNACT_FORWARD_IF_ERROR(st);
    }
    nnact_fit_report r;
    int reported = 0;
    nnact_status st = nnact__fit(who, net, o, k, n, x, t, &cfg->s, &r, &reported);
    if (reported && report != NULL) nnact__record_put(report, &r, sizeof r);
    return st;
}

nnact_status nnact_fit_config_set_dist(nnact_fit_config *c, const nnact_fit_dist *d)
{
    static const char who[] = "nnact_fit_config_set_dist";
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_ARG, "%s: config is NULL", who);
    if (d == NULL) {
        memset(&c->s.dist, 0, sizeof c->s.dist);
        return NNACT_OK;
    }
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "d", d, NNACT__FIT_DIST_MIN));
    NNACT_RETURN_IF(d->ranks == 0, NNACT_ERR_ARG, "%s: ranks is 0", who);
    NNACT_RETURN_IF(d->rank >= d->ranks, NNACT_ERR_ARG, "%s: rank %llu is not below ranks %llu",
                    who, (unsigned long long)d->rank, (unsigned long long)d->ranks);
    NNACT_RETURN_IF(d->sum == NULL || d->agree == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    d->sum == NULL ? "sum" : "agree");
    /* the fields this version knows; a later caller's appended ones are not
       read, an earlier caller's record (without reserve) leaves them zero */
    memset(&c->s.dist, 0, sizeof c->s.dist);
    memcpy(&c->s.dist, d, d->size < sizeof c->s.dist ? d->size : sizeof c->s.dist);
    c->s.dist.size = sizeof c->s.dist;
    return NNACT_OK;
}
