/* Learning-rate schedules: the closed forms of torch.optim.lr_scheduler
 * (_get_closed_form_lr), so the value at step t does not depend on having
 * stepped through 0 .. t-1. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "core/names.h"
#include "nnact/optim.h"

/* Kinds and parameter keys are 0 .. the enums' last value; the tables below
 * have one row each (checked after them). */
#define SCHED_KIND_COUNT  (NNACT_SCHED_LINEAR_WARMUP + 1)
#define SCHED_PARAM_COUNT (NNACT_SCHED_PARAM_TOTAL_ITERS + 1)

struct nnact_sched {
    nnact_sched_kind kind;
    double gamma, eta_min, start_factor, end_factor;
    uint64_t step_size, t_max, total_iters;
    uint64_t *milestones;
    size_t n_milestones;
};

/* A parameter's default for one kind, where it differs from the parameter
 * table's. */
struct sched_default {
    nnact_sched_param p;
    double v;
};

/* One row per schedule kind. */
struct sched_kind_desc {
    const char *name;            /* first member: the name lookup reads the rows (core/names.h) */
    struct sched_default own[1]; /* this kind's own defaults ... */
    size_t n_own;                /* ... the first n_own of them */
};

static const struct sched_kind_desc sched_kinds[] = {
    [NNACT_SCHED_CONSTANT] = {"constant", {{0}}, 0},
    [NNACT_SCHED_STEP] = {"step", {{0}}, 0},
    [NNACT_SCHED_MULTI_STEP] = {"multi_step", {{0}}, 0},
    [NNACT_SCHED_EXPONENTIAL] = {"exponential", {{NNACT_SCHED_PARAM_GAMMA, 0.95}}, 1},
    [NNACT_SCHED_COSINE] = {"cosine", {{0}}, 0},
    [NNACT_SCHED_LINEAR_WARMUP] = {"linear_warmup", {{0}}, 0},
};
_Static_assert(sizeof sched_kinds / sizeof sched_kinds[0] == SCHED_KIND_COUNT,
               "sched.c: one sched_kinds[] row per nnact_sched_kind");

static const struct nnact__name_alias sched_aliases[] = {
    {"multistep", NNACT_SCHED_MULTI_STEP},
    {"warmup", NNACT_SCHED_LINEAR_WARMUP},
};

static const struct nnact__name_family sched_family = {
    "nnact_sched_from_name",
    "schedule",
    sched_kinds,
    sizeof sched_kinds[0],
    SCHED_KIND_COUNT,
    sched_aliases,
    sizeof sched_aliases / sizeof sched_aliases[0],
};

size_t nnact_sched_count(void)
{
    return SCHED_KIND_COUNT;
}

const char *nnact_sched_name(nnact_sched_kind k)
{
    return nnact__family_name(&sched_family, (int)k);
}

nnact_status nnact_sched_from_name(const char *name, nnact_sched_kind *k)
{
    int kind;
    NNACT_FORWARD_IF_ERROR(nnact__family_lookup(&sched_family, name, k ? &kind : NULL));
    *k = (nnact_sched_kind)kind;
    return NNACT_OK;
}

/* What nnact_sched_set accepts for a parameter. */
enum sched_range {
    RANGE_POSITIVE,       /* finite and > 0 */
    RANGE_NONNEG,         /* finite and >= 0 */
    RANGE_UNIT_LEFT_OPEN, /* (0, 1] */
    RANGE_UNIT_CLOSED,    /* [0, 1] */
    RANGE_WHOLE           /* a whole number >= 1 (a step count) */
};

/* One row per parameter key. */
struct sched_param_desc {
    const char *name;
    unsigned kinds; /* bit k set: applies to kind k */
    enum sched_range range;
    double def; /* torch.optim.lr_scheduler's default, unless the kind's row differs */
};

#define K(x) (1u << (x))
static const struct sched_param_desc sched_params[] = {
    [NNACT_SCHED_PARAM_GAMMA] = {"gamma",
                                 K(NNACT_SCHED_STEP) | K(NNACT_SCHED_MULTI_STEP) |
                                     K(NNACT_SCHED_EXPONENTIAL),
                                 RANGE_POSITIVE, 0.1},
    [NNACT_SCHED_PARAM_STEP_SIZE] = {"step_size", K(NNACT_SCHED_STEP), RANGE_WHOLE, 10},
    [NNACT_SCHED_PARAM_T_MAX] = {"t_max", K(NNACT_SCHED_COSINE), RANGE_WHOLE, 100},
    [NNACT_SCHED_PARAM_ETA_MIN] = {"eta_min", K(NNACT_SCHED_COSINE), RANGE_NONNEG, 0.0},
    /* LinearLR */
    [NNACT_SCHED_PARAM_START_FACTOR] = {"start_factor", K(NNACT_SCHED_LINEAR_WARMUP),
                                        RANGE_UNIT_LEFT_OPEN, 1.0 / 3.0},
    [NNACT_SCHED_PARAM_END_FACTOR] = {"end_factor", K(NNACT_SCHED_LINEAR_WARMUP), RANGE_UNIT_CLOSED,
                                      1.0},
    [NNACT_SCHED_PARAM_TOTAL_ITERS] = {"total_iters", K(NNACT_SCHED_LINEAR_WARMUP), RANGE_WHOLE, 5},
};
#undef K
_Static_assert(sizeof sched_params / sizeof sched_params[0] == SCHED_PARAM_COUNT,
               "sched.c: one sched_params[] row per nnact_sched_param");

/* Writes a checked value into its field. */
static void store(nnact_sched *s, nnact_sched_param p, double v)
{
    switch (p) {
    case NNACT_SCHED_PARAM_GAMMA:
        s->gamma = v;
        break;
    case NNACT_SCHED_PARAM_STEP_SIZE:
        s->step_size = (uint64_t)v;
        break;
    case NNACT_SCHED_PARAM_T_MAX:
        s->t_max = (uint64_t)v;
        break;
    case NNACT_SCHED_PARAM_ETA_MIN:
        s->eta_min = v;
        break;
    case NNACT_SCHED_PARAM_START_FACTOR:
        s->start_factor = v;
        break;
    case NNACT_SCHED_PARAM_END_FACTOR:
        s->end_factor = v;
        break;
    case NNACT_SCHED_PARAM_TOTAL_ITERS:
        s->total_iters = (uint64_t)v;
        break;
    }
}

nnact_status nnact_sched_create(nnact_sched_kind k, nnact_sched **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_sched_create: out is NULL");
    *out = NULL;
    NNACT_RETURN_IF((unsigned)k >= SCHED_KIND_COUNT, NNACT_ERR_ARG,
                    "nnact_sched_create: unknown schedule kind %d", (int)k);
    nnact_sched *s = nnact__calloc(1, sizeof *s);
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_NOMEM, "nnact_sched_create: out of memory");
    s->kind = k;
    for (int p = 0; p < SCHED_PARAM_COUNT; p++)
        store(s, (nnact_sched_param)p, sched_params[p].def);
    for (size_t i = 0; i < sched_kinds[k].n_own; i++)
        store(s, sched_kinds[k].own[i].p, sched_kinds[k].own[i].v);
    *out = s;
    return NNACT_OK;
}

void nnact_sched_free(nnact_sched *s)
{
    if (s == NULL) return;
    nnact__free(s->milestones);
    nnact__free(s);
}

static int whole_at_least_one(double v)
{
    return v >= 1.0 && v <= 9007199254740992.0 && v == floor(v);
}

nnact_status nnact_sched_set(nnact_sched *s, nnact_sched_param p, double v)
{
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_ARG, "nnact_sched_set: schedule is NULL");
    NNACT_RETURN_IF((unsigned)p >= SCHED_PARAM_COUNT, NNACT_ERR_ARG,
                    "nnact_sched_set: unknown parameter id %d", (int)p);
    const char *name = sched_params[p].name;
    NNACT_RETURN_IF(!((sched_params[p].kinds >> s->kind) & 1u), NNACT_ERR_ARG,
                    "nnact_sched_set: parameter '%s' does not apply to this schedule kind", name);
    switch (sched_params[p].range) {
    case RANGE_POSITIVE:
        NNACT_RETURN_IF(!(isfinite(v) && v > 0.0), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g must be finite and > 0", name, v);
        break;
    case RANGE_NONNEG:
        NNACT_RETURN_IF(!(isfinite(v) && v >= 0.0), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g must be finite and >= 0", name, v);
        break;
    case RANGE_UNIT_LEFT_OPEN:
        NNACT_RETURN_IF(!(v > 0.0 && v <= 1.0), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g is outside (0, 1]", name, v);
        break;
    case RANGE_UNIT_CLOSED:
        NNACT_RETURN_IF(!(v >= 0.0 && v <= 1.0), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g is outside [0, 1]", name, v);
        break;
    case RANGE_WHOLE:
        NNACT_RETURN_IF(!whole_at_least_one(v), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g must be a whole number >= 1", name, v);
        break;
    }
    store(s, p, v);
    return NNACT_OK;
}

nnact_status nnact_sched_set_milestones(nnact_sched *s, size_t n, const uint64_t *milestones)
{
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_ARG, "nnact_sched_set_milestones: schedule is NULL");
    NNACT_RETURN_IF(s->kind != NNACT_SCHED_MULTI_STEP, NNACT_ERR_ARG,
                    "nnact_sched_set_milestones: milestones apply to MULTI_STEP only");
    NNACT_RETURN_IF(milestones == NULL && n > 0, NNACT_ERR_ARG,
                    "nnact_sched_set_milestones: milestones is NULL");
    uint64_t *copy = NULL;
    if (n > 0) {
        size_t bytes;
        NNACT_RETURN_IF(!nnact__mul_size(n, sizeof *copy, &bytes), NNACT_ERR_OVERFLOW,
                        "nnact_sched_set_milestones: %zu milestones overflow", n);
        copy = nnact__malloc(bytes);
        NNACT_RETURN_IF(copy == NULL, NNACT_ERR_NOMEM, "nnact_sched_set_milestones: out of memory");
        memcpy(copy, milestones, bytes);
    }
    nnact__free(s->milestones);
    s->milestones = copy;
    s->n_milestones = n;
    return NNACT_OK;
}

nnact_status nnact_sched_lr(const nnact_sched *s, double base_lr, uint64_t t, double *lr)
{
    NNACT_RETURN_IF(s == NULL || lr == NULL, NNACT_ERR_ARG, "nnact_sched_lr: %s is NULL",
                    s == NULL ? "schedule" : "lr");
    NNACT_RETURN_IF(!(isfinite(base_lr) && base_lr >= 0.0), NNACT_ERR_ARG,
                    "nnact_sched_lr: base_lr = %g must be finite and >= 0", base_lr);
    double v = base_lr;
    switch (s->kind) {
    case NNACT_SCHED_CONSTANT:
        break;
    case NNACT_SCHED_STEP:
        v = base_lr * pow(s->gamma, (double)(t / s->step_size));
        break;
    case NNACT_SCHED_MULTI_STEP: {
        uint64_t passed = 0; /* torch: bisect_right over the sorted milestones */
        for (size_t i = 0; i < s->n_milestones; i++)
            passed += s->milestones[i] <= t;
        v = base_lr * pow(s->gamma, (double)passed);
        break;
    }
    case NNACT_SCHED_EXPONENTIAL:
        v = base_lr * pow(s->gamma, (double)t);
        break;
    case NNACT_SCHED_COSINE: {
        const double pi = 3.14159265358979323846;
        v = s->eta_min +
            (base_lr - s->eta_min) * (1.0 + cos(pi * (double)t / (double)s->t_max)) / 2.0;
        break;
    }
    case NNACT_SCHED_LINEAR_WARMUP: {
        uint64_t k = t < s->total_iters ? t : s->total_iters;
        v = base_lr * (s->start_factor +
                       (s->end_factor - s->start_factor) * (double)k / (double)s->total_iters);
        break;
    }
    }
    *lr = v;
    return NNACT_OK;
}

/* (included here, not at the top, to keep this addition one hunk apart from
   the family table above) */
#include "optim/sched_internal.h"

/* A copy for an owner that must not keep the caller's pointer (the fit
 * configuration); milestones copied too. */
nnact_status nnact__sched_clone(const nnact_sched *s, nnact_sched **out, const char *who)
{
    *out = NULL;
    nnact_sched *c = nnact__malloc(sizeof *c);
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    *c = *s;
    c->milestones = NULL;
    if (s->n_milestones > 0) {
        c->milestones = nnact__malloc(s->n_milestones * sizeof *c->milestones);
        if (c->milestones == NULL) {
            nnact__free(c);
            return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
        }
        memcpy(c->milestones, s->milestones, s->n_milestones * sizeof *c->milestones);
    }
    *out = c;
    return NNACT_OK;
}

/* One word into the digest: splitmix64's finalizer over h ^ v, so that a
   change in any bit of any word changes the result. */
static uint64_t digest_mix(uint64_t h, uint64_t v)
{
    uint64_t z = h ^ v;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (z ^ (z >> 31)) + 0x9e3779b97f4a7c15ULL;
}

static uint64_t digest_real(uint64_t h, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return digest_mix(h, bits);
}

uint64_t nnact__sched_digest(const nnact_sched *s, uint64_t h)
{
    if (s == NULL) return digest_mix(h, UINT64_MAX); /* no kind's index */
    h = digest_mix(h, (uint64_t)s->kind);
    h = digest_real(h, s->gamma);
    h = digest_real(h, s->eta_min);
    h = digest_real(h, s->start_factor);
    h = digest_real(h, s->end_factor);
    h = digest_mix(h, s->step_size);
    h = digest_mix(h, s->t_max);
    h = digest_mix(h, s->total_iters);
    h = digest_mix(h, (uint64_t)s->n_milestones);
    for (size_t i = 0; i < s->n_milestones; i++)
        h = digest_mix(h, s->milestones[i]);
    return h;
}
