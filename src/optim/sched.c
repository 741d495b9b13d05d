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

#define SCHED_KIND_COUNT  6
#define SCHED_PARAM_COUNT 7

struct nnact_sched {
    nnact_sched_kind kind;
    double gamma, eta_min, start_factor, end_factor;
    uint64_t step_size, t_max, total_iters;
    uint64_t *milestones;
    size_t n_milestones;
};

static const char *const sched_kind_names[SCHED_KIND_COUNT] = {
    [NNACT_SCHED_CONSTANT] = "constant",       [NNACT_SCHED_STEP] = "step",
    [NNACT_SCHED_MULTI_STEP] = "multi_step",   [NNACT_SCHED_EXPONENTIAL] = "exponential",
    [NNACT_SCHED_COSINE] = "cosine",           [NNACT_SCHED_LINEAR_WARMUP] = "linear_warmup",
};

static const struct nnact__name_alias sched_aliases[] = {
    {"multistep", NNACT_SCHED_MULTI_STEP},
    {"warmup", NNACT_SCHED_LINEAR_WARMUP},
};

static const struct nnact__name_family sched_family = {
    "nnact_sched_from_name", "schedule", sched_kind_names, sizeof sched_kind_names[0],
    SCHED_KIND_COUNT, sched_aliases, sizeof sched_aliases / sizeof sched_aliases[0],
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

static const char *const sched_param_names[SCHED_PARAM_COUNT] = {
    "gamma", "step_size", "t_max", "eta_min", "start_factor", "end_factor", "total_iters",
};

static const unsigned sched_applies[SCHED_PARAM_COUNT] = {
    [NNACT_SCHED_PARAM_GAMMA] =
        (1u << NNACT_SCHED_STEP) | (1u << NNACT_SCHED_MULTI_STEP) | (1u << NNACT_SCHED_EXPONENTIAL),
    [NNACT_SCHED_PARAM_STEP_SIZE] = 1u << NNACT_SCHED_STEP,
    [NNACT_SCHED_PARAM_T_MAX] = 1u << NNACT_SCHED_COSINE,
    [NNACT_SCHED_PARAM_ETA_MIN] = 1u << NNACT_SCHED_COSINE,
    [NNACT_SCHED_PARAM_START_FACTOR] = 1u << NNACT_SCHED_LINEAR_WARMUP,
    [NNACT_SCHED_PARAM_END_FACTOR] = 1u << NNACT_SCHED_LINEAR_WARMUP,
    [NNACT_SCHED_PARAM_TOTAL_ITERS] = 1u << NNACT_SCHED_LINEAR_WARMUP,
};

nnact_status nnact_sched_create(nnact_sched_kind k, nnact_sched **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_sched_create: out is NULL");
    *out = NULL;
    NNACT_RETURN_IF((unsigned)k >= SCHED_KIND_COUNT, NNACT_ERR_ARG,
                    "nnact_sched_create: unknown schedule kind %d", (int)k);
    nnact_sched *s = nnact__calloc(1, sizeof *s);
    NNACT_RETURN_IF(s == NULL, NNACT_ERR_NOMEM, "nnact_sched_create: out of memory");
    s->kind = k;
    s->gamma = k == NNACT_SCHED_EXPONENTIAL ? 0.95 : 0.1;
    s->step_size = 10;
    s->t_max = 100;
    s->eta_min = 0.0;
    s->start_factor = 1.0 / 3.0; /* torch LinearLR defaults */
    s->end_factor = 1.0;
    s->total_iters = 5;
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
    const char *name = sched_param_names[p];
    NNACT_RETURN_IF(!(sched_applies[p] & (1u << s->kind)), NNACT_ERR_ARG,
                    "nnact_sched_set: parameter '%s' does not apply to this schedule kind", name);
    switch (p) {
    case NNACT_SCHED_PARAM_GAMMA:
        NNACT_RETURN_IF(!(isfinite(v) && v > 0.0), NNACT_ERR_ARG,
                        "nnact_sched_set: gamma = %g must be finite and > 0", v);
        s->gamma = v;
        break;
    case NNACT_SCHED_PARAM_ETA_MIN:
        NNACT_RETURN_IF(!(isfinite(v) && v >= 0.0), NNACT_ERR_ARG,
                        "nnact_sched_set: eta_min = %g must be finite and >= 0", v);
        s->eta_min = v;
        break;
    case NNACT_SCHED_PARAM_START_FACTOR:
        NNACT_RETURN_IF(!(v > 0.0 && v <= 1.0), NNACT_ERR_ARG,
                        "nnact_sched_set: start_factor = %g is outside (0, 1]", v);
        s->start_factor = v;
        break;
    case NNACT_SCHED_PARAM_END_FACTOR:
        NNACT_RETURN_IF(!(v >= 0.0 && v <= 1.0), NNACT_ERR_ARG,
                        "nnact_sched_set: end_factor = %g is outside [0, 1]", v);
        s->end_factor = v;
        break;
    default: /* step_size, t_max, total_iters: whole numbers >= 1 */
        NNACT_RETURN_IF(!whole_at_least_one(v), NNACT_ERR_ARG,
                        "nnact_sched_set: %s = %g must be a whole number >= 1", name, v);
        if (p == NNACT_SCHED_PARAM_STEP_SIZE)
            s->step_size = (uint64_t)v;
        else if (p == NNACT_SCHED_PARAM_T_MAX)
            s->t_max = (uint64_t)v;
        else
            s->total_iters = (uint64_t)v;
        break;
    }
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
