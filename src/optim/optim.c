/* Optimizers on flat vectors: PyTorch's single-tensor update rules, operation
 * for operation (torch 1.13 torch/optim/<kind>.py), so trajectories agree to a few
 * ulp per step. Each rule is written out in docs/OPTIMIZERS.md. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/cpu.h"
#include "core/error.h"
#include "core/names.h"
#include "optim/optim_internal.h"
#include "optim/optim_testing.h"
#include "par/par.h"

/* Kinds and hyper-parameter keys are 0 .. the enums' last value; the tables
 * below have one row each (checked after them). */
#define OPT_KIND_COUNT  (NNACT_OPT_ADAMW + 1)
#define OPT_PARAM_COUNT (NNACT_OPT_PARAM_CHECK_FINITE + 1)

struct nnact_opt {
    nnact_opt_kind kind;
    double hp[OPT_PARAM_COUNT];
    uint64_t steps;    /* saturating; the t of the last step */
    size_t bound_n;    /* 0 = not bound yet */
    double *state;     /* nstate_bufs(kind) * bound_n doubles */
    int momentum_init; /* torch's "momentum_buffer is None" on the first step */
    /* What the a-priori proof of a finite update knows of the state without
       reading it: smax[k] >= max |state vector k| (NaN when some value is
       not finite), and whether the vectors under a square root (Adagrad's
       sum, RMSprop's square average, Adam's second moment) are >= 0. Set at
       binding and import, kept by every committed step (next_max collects
       the new values' maxima between begin and end); valid while bound. */
    double smax[3], next_max[3];
    int sq_nonneg;
};

/* A hyper-parameter's default for one kind, where it differs from the
 * hyper-parameter table's. */
struct opt_default {
    nnact_opt_param p;
    double v;
};

/* One row per optimizer kind. */
struct opt_kind_desc {
    const char *name; /* first member: the name lookup reads the rows (core/names.h) */
    /* per-parameter state vectors, allocated for every setting the kind can be
     * switched to (so changing e.g. AMSGRAD later never allocates) */
    size_t state_bufs;
    struct opt_default own[2]; /* torch.optim's defaults of this kind ... */
    size_t n_own;              /* ... the first n_own of them */
};

static const struct opt_kind_desc kinds[] = {
    [NNACT_OPT_SGD] = {"sgd", 0, {{0}}, 0},
    [NNACT_OPT_MOMENTUM] = {"momentum", 1, {{0}}, 0}, /* momentum buffer */
    [NNACT_OPT_NESTEROV] = {"nesterov", 1, {{0}}, 0},
    [NNACT_OPT_ADAGRAD] = {"adagrad",
                           1, /* sum of squares */
                           {{NNACT_OPT_PARAM_LR, 1e-2}, {NNACT_OPT_PARAM_EPS, 1e-10}},
                           2},
    [NNACT_OPT_RMSPROP] = {"rmsprop",
                           3, /* square_avg, grad_avg, momentum buffer */
                           {{NNACT_OPT_PARAM_LR, 1e-2}, {NNACT_OPT_PARAM_MOMENTUM, 0.0}},
                           2},
    [NNACT_OPT_ADAM] = {"adam", 3, {{0}}, 0}, /* exp_avg, exp_avg_sq, max_exp_avg_sq */
    [NNACT_OPT_ADAMW] = {"adamw", 3, {{NNACT_OPT_PARAM_WEIGHT_DECAY, 1e-2}}, 1},
};
_Static_assert(sizeof kinds / sizeof kinds[0] == OPT_KIND_COUNT,
               "optim.c: one kinds[] row per nnact_opt_kind");

/* What nnact_opt_set accepts for a hyper-parameter. */
enum opt_range {
    RANGE_NONNEG,      /* finite and >= 0 */
    RANGE_UNIT_OPEN,   /* [0, 1) */
    RANGE_UNIT_CLOSED, /* [0, 1] */
    RANGE_FLAG         /* 0 or 1 */
};

/* One row per hyper-parameter key. */
struct opt_param_desc {
    const char *name;
    unsigned kinds; /* bit k set: applies to kind k */
    enum opt_range range;
    double def; /* torch.optim's default (SGD's lr is required in torch 1.13; 1e-3
                   is its default since torch 2.2), unless the kind's row differs */
};

#define K(x)      (1u << (x))
#define ALL_KINDS (K(OPT_KIND_COUNT) - 1u)
#define ADAMS     (K(NNACT_OPT_ADAM) | K(NNACT_OPT_ADAMW))
static const struct opt_param_desc hparams[] = {
    [NNACT_OPT_PARAM_LR] = {"lr", ALL_KINDS, RANGE_NONNEG, 1e-3},
    [NNACT_OPT_PARAM_MOMENTUM] = {"momentum",
                                  K(NNACT_OPT_MOMENTUM) | K(NNACT_OPT_NESTEROV) |
                                      K(NNACT_OPT_RMSPROP),
                                  RANGE_UNIT_OPEN, 0.9},
    [NNACT_OPT_PARAM_BETA1] = {"beta1", ADAMS, RANGE_UNIT_OPEN, 0.9},
    [NNACT_OPT_PARAM_BETA2] = {"beta2", ADAMS, RANGE_UNIT_OPEN, 0.999},
    [NNACT_OPT_PARAM_EPS] = {"eps", K(NNACT_OPT_ADAGRAD) | K(NNACT_OPT_RMSPROP) | ADAMS,
                             RANGE_NONNEG, 1e-8},
    [NNACT_OPT_PARAM_ALPHA] = {"alpha", K(NNACT_OPT_RMSPROP), RANGE_UNIT_OPEN, 0.99},
    [NNACT_OPT_PARAM_WEIGHT_DECAY] = {"weight_decay", ALL_KINDS, RANGE_NONNEG, 0.0},
    [NNACT_OPT_PARAM_DAMPENING] = {"dampening", K(NNACT_OPT_MOMENTUM), RANGE_UNIT_CLOSED, 0.0},
    [NNACT_OPT_PARAM_LR_DECAY] = {"lr_decay", K(NNACT_OPT_ADAGRAD), RANGE_NONNEG, 0.0},
    [NNACT_OPT_PARAM_INITIAL_ACCUMULATOR] = {"initial_accumulator", K(NNACT_OPT_ADAGRAD),
                                             RANGE_NONNEG, 0.0},
    [NNACT_OPT_PARAM_CENTERED] = {"centered", K(NNACT_OPT_RMSPROP), RANGE_FLAG, 0.0},
    [NNACT_OPT_PARAM_AMSGRAD] = {"amsgrad", ADAMS, RANGE_FLAG, 0.0},
    [NNACT_OPT_PARAM_CLIP_NORM] = {"clip_norm", ALL_KINDS, RANGE_NONNEG, 0.0},
    [NNACT_OPT_PARAM_CLIP_VALUE] = {"clip_value", ALL_KINDS, RANGE_NONNEG, 0.0},
    [NNACT_OPT_PARAM_CHECK_FINITE] = {"check_finite", ALL_KINDS, RANGE_FLAG, 1.0},
};
#undef ADAMS
#undef K
_Static_assert(sizeof hparams / sizeof hparams[0] == OPT_PARAM_COUNT,
               "optim.c: one hparams[] row per nnact_opt_param");

static int param_applies(nnact_opt_param p, nnact_opt_kind k)
{
    return (hparams[p].kinds >> k) & 1u;
}

static const struct nnact__name_family opt_family = {
    "nnact_opt_from_name", "optimizer", kinds, sizeof kinds[0], OPT_KIND_COUNT, NULL, 0,
};

size_t nnact_opt_count(void)
{
    return OPT_KIND_COUNT;
}

const char *nnact_opt_name(nnact_opt_kind k)
{
    return nnact__family_name(&opt_family, (int)k);
}

nnact_status nnact_opt_from_name(const char *name, nnact_opt_kind *k)
{
    int kind;
    NNACT_FORWARD_IF_ERROR(nnact__family_lookup(&opt_family, name, k ? &kind : NULL));
    *k = (nnact_opt_kind)kind;
    return NNACT_OK;
}

static size_t state_bufs(nnact_opt_kind k)
{
    return (unsigned)k < OPT_KIND_COUNT ? kinds[k].state_bufs : 0;
}

nnact_status nnact_opt_create(nnact_opt_kind k, nnact_opt **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_opt_create: out is NULL");
    *out = NULL;
    NNACT_RETURN_IF((unsigned)k >= OPT_KIND_COUNT, NNACT_ERR_ARG,
                    "nnact_opt_create: unknown optimizer kind %d", (int)k);
    nnact_opt *o = nnact__calloc(1, sizeof *o);
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_NOMEM, "nnact_opt_create: out of memory");
    o->kind = k;
    for (int p = 0; p < OPT_PARAM_COUNT; p++)
        o->hp[p] = hparams[p].def;
    for (size_t i = 0; i < kinds[k].n_own; i++)
        o->hp[kinds[k].own[i].p] = kinds[k].own[i].v;
    *out = o;
    return NNACT_OK;
}

void nnact_opt_free(nnact_opt *o)
{
    if (o == NULL) return;
    nnact__free(o->state);
    nnact__free(o);
}

static int in_unit_open(double v) /* [0, 1) */
{
    return v >= 0.0 && v < 1.0;
}

nnact_status nnact_opt_set(nnact_opt *o, nnact_opt_param p, double v)
{
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "nnact_opt_set: optimizer is NULL");
    NNACT_RETURN_IF((unsigned)p >= OPT_PARAM_COUNT, NNACT_ERR_ARG,
                    "nnact_opt_set: unknown parameter id %d", (int)p);
    const char *name = hparams[p].name;
    NNACT_RETURN_IF(!param_applies(p, o->kind), NNACT_ERR_ARG,
                    "nnact_opt_set: parameter '%s' does not apply to optimizer '%s'", name,
                    kinds[o->kind].name);
    switch (hparams[p].range) {
    case RANGE_UNIT_OPEN:
        NNACT_RETURN_IF(!in_unit_open(v), NNACT_ERR_ARG, "nnact_opt_set: %s = %g is outside [0, 1)",
                        name, v);
        break;
    case RANGE_UNIT_CLOSED:
        NNACT_RETURN_IF(!(v >= 0.0 && v <= 1.0), NNACT_ERR_ARG,
                        "nnact_opt_set: %s = %g is outside [0, 1]", name, v);
        break;
    case RANGE_FLAG:
        NNACT_RETURN_IF(!(v == 0.0 || v == 1.0), NNACT_ERR_ARG,
                        "nnact_opt_set: %s = %g must be 0 or 1", name, v);
        break;
    case RANGE_NONNEG:
        NNACT_RETURN_IF(!(isfinite(v) && v >= 0.0), NNACT_ERR_ARG,
                        "nnact_opt_set: %s = %g must be finite and >= 0", name, v);
        break;
    }
    o->hp[p] = v;
    return NNACT_OK;
}

nnact_status nnact_opt_get(const nnact_opt *o, nnact_opt_param p, double *value)
{
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "nnact_opt_get: optimizer is NULL");
    NNACT_RETURN_IF(value == NULL, NNACT_ERR_ARG, "nnact_opt_get: value is NULL");
    NNACT_RETURN_IF((unsigned)p >= OPT_PARAM_COUNT, NNACT_ERR_ARG,
                    "nnact_opt_get: unknown parameter id %d", (int)p);
    NNACT_RETURN_IF(!param_applies(p, o->kind), NNACT_ERR_ARG,
                    "nnact_opt_get: parameter '%s' does not apply to optimizer '%s'",
                    hparams[p].name, kinds[o->kind].name);
    *value = o->hp[p];
    return NNACT_OK;
}

nnact_opt_kind nnact_opt_get_kind(const nnact_opt *o)
{
    return o ? o->kind : NNACT_OPT_SGD;
}

uint64_t nnact_opt_step_count(const nnact_opt *o)
{
    return o ? o->steps : 0;
}

void nnact_opt_reset(nnact_opt *o)
{
    if (o == NULL) return;
    nnact__free(o->state);
    o->state = NULL;
    o->bound_n = 0;
    o->steps = 0;
    o->momentum_init = 0;
    o->smax[0] = o->smax[1] = o->smax[2] = 0.0;
}

void nnact__opt_set_step_count(nnact_opt *o, uint64_t steps)
{
    o->steps = steps;
}

nnact_status nnact__opt_check_length(const nnact_opt *o, size_t n, const char *who)
{
    NNACT_RETURN_IF(state_bufs(o->kind) > 0 && o->bound_n != 0 && n != o->bound_n, NNACT_ERR_SHAPE,
                    "%s: optimizer state holds %zu parameters, step given %zu", who, o->bound_n, n);
    return NNACT_OK;
}

int nnact__all_finite(size_t n, const double *x)
{
    /* The exponent field is all ones exactly for NaN and +-Inf; adding one
       exponent unit to (bits & exponent mask) then carries into bit 63. An
       OR-reduction over integers has no early exit; eight independent lanes
       let the compiler use vector registers (SLP) at -O2. */
    const uint64_t exp_mask = UINT64_C(0x7ff0000000000000), one = UINT64_C(1) << 52;
    uint64_t lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t b[8];
        memcpy(b, x + i, sizeof b);
        for (int j = 0; j < 8; j++)
            lane[j] |= (b[j] & exp_mask) + one;
    }
    uint64_t acc = 0;
    for (; i < n; i++) {
        uint64_t b;
        memcpy(&b, &x[i], sizeof b);
        acc |= (b & exp_mask) + one;
    }
    for (int j = 0; j < 8; j++)
        acc |= lane[j];
    return (acc >> 63) == 0;
}

/* The clipped gradient element: clamp first (CLIP_VALUE), then the global-norm
   factor (CLIP_NORM; 1.0 when off, as torch multiplies by min(coef, 1)). */
static inline double clipped(double g, double cv, double scale)
{
    if (cv > 0.0) g = g > cv ? cv : (g < -cv ? -cv : g);
    return g * scale;
}

/* a / b with 0/0 (possible only with eps = 0 and an all-zero history) taken as
   0, so a zero gradient never turns a parameter into NaN. */
static inline double safe_div(double a, double b)
{
    return b > 0.0 ? a / b : (a == 0.0 ? 0.0 : a / b);
}

/* max |x| and the non-finite flag of one piece, on the vector path where
   the CPU has one (the same result: a maximum is exact) */
static double max_abs_serial(size_t n, const double *x, int *bad)
{
#ifdef NNACT_HAVE_AVX2
    if (n >= 16 && (nnact__cpu_flags() & NNACT_CPU_AVX2_FMA))
        return nnact__opt_avx2_max_abs(n, x, bad);
#endif
    double m = 0.0;
    int b = 0;
    for (size_t i = 0; i < n; i++) {
        const double a = fabs(x[i]);
        m = a > m ? a : m;
        b |= !(a <= DBL_MAX);
    }
    *bad = b;
    return m;
}

/* Threads (par/par.h): pieces of MAX_GRAIN values (128 KiB), at most
   MAX_CHUNKS of them, from MAX_SERIAL values on (a read pass of 512 KiB, a
   few tens of us); the pieces' maxima are combined in piece order. */
#define MAX_GRAIN  16384
#define MAX_CHUNKS 64
#define MAX_SERIAL 65536

struct max_pass {
    const double *x;
    size_t grain;
    double m[MAX_CHUNKS];
    int bad[MAX_CHUNKS];
};

static void max_chunk(void *ctx, size_t b, size_t e)
{
    struct max_pass *p = ctx;
    p->m[b / p->grain] = max_abs_serial(e - b, p->x + b, &p->bad[b / p->grain]);
}

double nnact__max_abs(size_t n, const double *x)
{
    int bad = 0;
    double m = 0.0;
    if (n < MAX_SERIAL) {
        m = max_abs_serial(n, x, &bad);
    } else {
        struct max_pass p;
        p.x = x;
        p.grain = n / MAX_GRAIN >= MAX_CHUNKS ? n / MAX_CHUNKS + 1 : MAX_GRAIN;
        nnact__par_for(n, p.grain, 0, max_chunk, &p);
        for (size_t i = 0; i < nnact__par_chunks(n, p.grain); i++) {
            m = p.m[i] > m ? p.m[i] : m;
            bad |= p.bad[i];
        }
    }
    return bad ? INFINITY : m;
}

/* Bit k set when a step of o's rule, with its settings now, writes state
   vector k (the others keep their values, and their maxima). */
static unsigned written_vectors(const nnact_opt *o)
{
    const double *hp = o->hp;
    switch (o->kind) {
    case NNACT_OPT_MOMENTUM:
    case NNACT_OPT_NESTEROV:
        return hp[NNACT_OPT_PARAM_MOMENTUM] != 0.0 ? 1u : 0u;
    case NNACT_OPT_ADAGRAD:
        return 1u;
    case NNACT_OPT_RMSPROP:
        return 1u | (hp[NNACT_OPT_PARAM_CENTERED] != 0.0 ? 2u : 0u) |
               (hp[NNACT_OPT_PARAM_MOMENTUM] > 0.0 ? 4u : 0u);
    case NNACT_OPT_ADAM:
    case NNACT_OPT_ADAMW:
        return 3u | (hp[NNACT_OPT_PARAM_AMSGRAD] != 0.0 ? 4u : 0u);
    default:
        return 0u;
    }
}

/* Bit 63 set when x is NaN or +-Inf (the test of nnact__all_finite, per value). */
static inline uint64_t nonfinite_bit(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return (b & UINT64_C(0x7ff0000000000000)) + (UINT64_C(1) << 52);
}

/* The rule on the slice [off, off + n) of the flat vector, at the run's
   learning rate (the scheduled one, or the LR hyper-parameter). commit = 1
   writes the new parameters and state; commit = 0 is the dry run of the
   checked step: the same arithmetic into locals, nothing written, returning
   with bit 63 set when some gradient, new parameter or new state value is not
   finite. One body for both, so the check sees exactly the values the commit
   writes. */
static inline uint64_t rule_segment(const struct nnact__opt_run *c, size_t off, size_t n, double *p,
                                    const double *g0, const int commit, double mx[3])
{
    nnact_opt *o = c->o;
    const double *hp = o->hp;
    const double lr = c->lr, wd = hp[NNACT_OPT_PARAM_WEIGHT_DECAY];
    const double cv = c->cv, scale = c->scale;
    const size_t N = o->bound_n;
    double *s0 = o->state ? o->state + off : NULL;
    double *s1 = o->state ? o->state + N + off : NULL;
    double *s2 = o->state ? o->state + 2 * N + off : NULL;
    uint64_t bad = 0;
    double m0 = mx[0], m1 = mx[1], m2 = mx[2]; /* the new state's maxima, when committing */
#define NONFINITE(x)   (bad |= commit ? 0 : nonfinite_bit(x))
#define KEEP_MAX(m, x) ((m) = (commit && (fabs(x) > (m) || (x) != (x))) ? fabs(x) : (m))

    switch (o->kind) {
    case NNACT_OPT_SGD:
        for (size_t i = 0; i < n; i++) {
            double d = clipped(g0[i], cv, scale);
            if (wd != 0.0) d = d + wd * p[i];
            const double pn = p[i] + -lr * d;
            NONFINITE(g0[i]), NONFINITE(pn);
            if (commit) p[i] = pn;
        }
        break;
    case NNACT_OPT_MOMENTUM:
    case NNACT_OPT_NESTEROV: {
        const double mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        const double damp = o->kind == NNACT_OPT_MOMENTUM ? hp[NNACT_OPT_PARAM_DAMPENING] : 0.0;
        const int nesterov = o->kind == NNACT_OPT_NESTEROV;
        for (size_t i = 0; i < n; i++) {
            double d = clipped(g0[i], cv, scale);
            if (wd != 0.0) d = d + wd * p[i];
            if (mu != 0.0) {
                /* torch: the buffer starts as a copy of the first gradient (no dampening) */
                double b = c->first_momentum ? d : s0[i] * mu + (1.0 - damp) * d;
                NONFINITE(b), KEEP_MAX(m0, b);
                if (commit) s0[i] = b;
                d = nesterov ? d + mu * b : b;
            }
            const double pn = p[i] + -lr * d;
            NONFINITE(g0[i]), NONFINITE(pn);
            if (commit) p[i] = pn;
        }
        break;
    }
    case NNACT_OPT_ADAGRAD: {
        const double eps = hp[NNACT_OPT_PARAM_EPS], lr_decay = hp[NNACT_OPT_PARAM_LR_DECAY];
        /* t >= 1 and lr_decay >= 0: the denominator is >= 1 */
        const double clr = lr / (1.0 + (double)(c->t - 1) * lr_decay);
        for (size_t i = 0; i < n; i++) {
            double d = clipped(g0[i], cv, scale);
            if (wd != 0.0) d = d + wd * p[i];
            const double sn = s0[i] + d * d;
            double std = sqrt(sn) + eps;
            const double pn = p[i] + safe_div(-clr * d, std);
            NONFINITE(g0[i]), NONFINITE(sn), NONFINITE(pn), KEEP_MAX(m0, sn);
            if (commit) s0[i] = sn, p[i] = pn;
        }
        break;
    }
    case NNACT_OPT_RMSPROP: {
        const double alpha = hp[NNACT_OPT_PARAM_ALPHA], eps = hp[NNACT_OPT_PARAM_EPS];
        const double mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        const int centered = hp[NNACT_OPT_PARAM_CENTERED] != 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = clipped(g0[i], cv, scale);
            if (wd != 0.0) d = d + wd * p[i];
            const double sq = s0[i] * alpha + (1.0 - alpha) * d * d;
            double avg;
            if (centered) {
                const double ga = s1[i] * alpha + (1.0 - alpha) * d;
                NONFINITE(ga), KEEP_MAX(m1, ga);
                if (commit) s1[i] = ga;
                /* E[g^2] - E[g]^2 >= 0 in exact arithmetic; rounding can make
                   it a hair negative, where torch would take sqrt of it (NaN) */
                double var = sq + -1.0 * ga * ga;
                avg = sqrt(var > 0.0 ? var : 0.0);
            } else {
                avg = sqrt(sq);
            }
            avg = avg + eps;
            double pn;
            if (mu > 0.0) {
                const double buf = s2[i] * mu + safe_div(d, avg);
                NONFINITE(buf), KEEP_MAX(m2, buf);
                if (commit) s2[i] = buf;
                pn = p[i] + -lr * buf;
            } else {
                pn = p[i] + safe_div(-lr * d, avg);
            }
            NONFINITE(g0[i]), NONFINITE(sq), NONFINITE(pn), KEEP_MAX(m0, sq);
            if (commit) s0[i] = sq, p[i] = pn;
        }
        break;
    }
    case NNACT_OPT_ADAM:
    case NNACT_OPT_ADAMW: {
        const double b1 = hp[NNACT_OPT_PARAM_BETA1], b2 = hp[NNACT_OPT_PARAM_BETA2];
        const double eps = hp[NNACT_OPT_PARAM_EPS];
        const int amsgrad = hp[NNACT_OPT_PARAM_AMSGRAD] != 0.0;
        const int decoupled = o->kind == NNACT_OPT_ADAMW;
        /* beta in [0, 1) and t >= 1: beta^t <= beta < 1, so neither correction is 0 */
        const double bc1 = 1.0 - pow(b1, (double)c->t);
        const double bc2 = 1.0 - pow(b2, (double)c->t);
        const double step_size = lr / bc1, bc2_sqrt = sqrt(bc2);
        const double decay = 1.0 - lr * wd;
        for (size_t i = 0; i < n; i++) {
            double d = clipped(g0[i], cv, scale);
            double pi = p[i];
            if (decoupled)
                pi = pi * decay;
            else if (wd != 0.0)
                d = d + wd * pi;
            const double m = s0[i] * b1 + (1.0 - b1) * d;
            double v = s1[i] * b2 + (1.0 - b2) * d * d;
            NONFINITE(m), NONFINITE(v), KEEP_MAX(m0, m), KEEP_MAX(m1, v);
            if (commit) s0[i] = m, s1[i] = v;
            if (amsgrad) {
                v = s2[i] > v ? s2[i] : v;
                KEEP_MAX(m2, v);
                if (commit) s2[i] = v;
            }
            double denom = sqrt(v) / bc2_sqrt + eps;
            const double pn = pi + safe_div(-step_size * m, denom);
            NONFINITE(g0[i]), NONFINITE(pi), NONFINITE(pn);
            if (commit) p[i] = pn;
        }
        break;
    }
    }
#undef NONFINITE
#undef KEEP_MAX
    mx[0] = m0, mx[1] = m1, mx[2] = m2;
    return bad;
}

/* The larger of a and b, NaN when either is (fmax would drop a NaN). */
static double max_nan(double a, double b)
{
    return (a > b || a != a) ? a : b;
}

/* The rule's settings as numbers, computed exactly as rule_segment computes
   them (same expressions, same bits), for the vector path. 0 for a kind the
   vector path does not know (it then stays on the portable rule). */
static int vec_of(const struct nnact__opt_run *c, struct nnact__opt_vec *v)
{
    const nnact_opt *o = c->o;
    const double *hp = o->hp;
    memset(v, 0, sizeof *v);
    v->lr = c->lr, v->wd = hp[NNACT_OPT_PARAM_WEIGHT_DECAY], v->cv = c->cv, v->scale = c->scale;
    v->eps = hp[NNACT_OPT_PARAM_EPS];
    switch (o->kind) {
    case NNACT_OPT_SGD:
        v->rule = NNACT__OPT_RULE_SGD;
        return 1;
    case NNACT_OPT_MOMENTUM:
    case NNACT_OPT_NESTEROV:
        v->rule = NNACT__OPT_RULE_MOMENTUM;
        v->mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        v->damp = o->kind == NNACT_OPT_MOMENTUM ? hp[NNACT_OPT_PARAM_DAMPENING] : 0.0;
        v->nesterov = o->kind == NNACT_OPT_NESTEROV;
        v->first = c->first_momentum;
        return 1;
    case NNACT_OPT_ADAGRAD:
        v->rule = NNACT__OPT_RULE_ADAGRAD;
        v->lr = c->lr / (1.0 + (double)(c->t - 1) * hp[NNACT_OPT_PARAM_LR_DECAY]);
        return 1;
    case NNACT_OPT_RMSPROP:
        v->rule = NNACT__OPT_RULE_RMSPROP;
        v->b1 = hp[NNACT_OPT_PARAM_ALPHA];
        v->mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        v->centered = hp[NNACT_OPT_PARAM_CENTERED] != 0.0;
        return 1;
    case NNACT_OPT_ADAM:
    case NNACT_OPT_ADAMW:
        v->rule = NNACT__OPT_RULE_ADAM;
        v->b1 = hp[NNACT_OPT_PARAM_BETA1], v->b2 = hp[NNACT_OPT_PARAM_BETA2];
        v->amsgrad = hp[NNACT_OPT_PARAM_AMSGRAD] != 0.0;
        v->decoupled = o->kind == NNACT_OPT_ADAMW;
        v->step_size = c->lr / (1.0 - pow(v->b1, (double)c->t));
        v->bc2_sqrt = sqrt(1.0 - pow(v->b2, (double)c->t));
        v->decay = 1.0 - c->lr * v->wd;
        return 1;
    }
    return 0; /* a new kind without a case here */
}

/* Threads (par/par.h): a committing update is cut into chunks of at least
   UPD_GRAIN values (Adam: five arrays of 64 KiB per chunk), at most
   UPD_CHUNKS_MAX of them; every value's update is elementwise, and the state
   maxima are kept per chunk and combined in chunk order (a maximum is exact:
   the same bits on any thread count). Below UPD_SERIAL values the update
   stays on the calling thread: the rules with a square root and two
   divisions (Adam, RMSprop) cost about 9 cycles a value on Zen's 256-bit
   divider, so 16384 values are ~50 us, well above waking a thread. */
#define UPD_GRAIN      8192
#define UPD_CHUNKS_MAX 64
#define UPD_SERIAL     16384

static int vector_allowed = 1; /* nnact__opt_set_vector: tests only */

void nnact__opt_set_vector(int on)
{
    vector_allowed = on;
}

struct upd_pass {
    const struct nnact__opt_run *c;
    size_t off, grain;
    double *p;
    const double *g;
    int vec;
    struct nnact__opt_vec v;
    double part[UPD_CHUNKS_MAX][3];
};

static void upd_chunk(void *ctx, size_t b, size_t e)
{
    struct upd_pass *u = ctx;
    double *mx = u->part[b / u->grain];
    size_t done = 0;
    mx[0] = mx[1] = mx[2] = 0.0;
#ifdef NNACT_HAVE_AVX2
    if (u->vec) {
        const nnact_opt *o = u->c->o;
        const size_t N = o->bound_n, nb = o->state ? state_bufs(o->kind) : 0, at = u->off + b;
        double *s[3];
        for (size_t k = 0; k < 3; k++)
            s[k] = k < nb ? o->state + k * N + at : NULL;
        done = nnact__opt_avx2_update(&u->v, e - b, u->p + b, u->g + b, s[0], s[1], s[2], mx);
    }
#endif
    if (done < e - b)
        rule_segment(u->c, u->off + b + done, e - b - done, u->p + b + done, u->g + b + done, 1,
                     mx);
}

/* The rule on [off, off + n) (rule_segment): the dry run on the calling
   thread, the committing run split across threads and on the vector path
   where the CPU has one (same bits either way). */
static uint64_t update_segment(const struct nnact__opt_run *c, size_t off, size_t n, double *p,
                               const double *g0, const int commit)
{
    if (!commit) {
        double mx[3] = {0.0, 0.0, 0.0};
        return rule_segment(c, off, n, p, g0, 0, mx);
    }
    struct upd_pass u = {c, off, UPD_GRAIN, p, g0, 0, {0}, {{0}}};
    if (n / UPD_GRAIN >= UPD_CHUNKS_MAX) u.grain = (n / UPD_CHUNKS_MAX + 4) & ~(size_t)3;
#ifdef NNACT_HAVE_AVX2
    u.vec = vector_allowed && (nnact__cpu_flags() & NNACT_CPU_AVX2_FMA) != 0;
    if (u.vec) u.vec = vec_of(c, &u.v);
#endif
    nnact__par_for(n, u.grain, n >= UPD_SERIAL ? 0 : SIZE_MAX, upd_chunk, &u);
    nnact_opt *o = c->o;
    if (o->state) {
        for (size_t i = 0; i < nnact__par_chunks(n, u.grain); i++)
            for (int k = 0; k < 3; k++)
                o->next_max[k] = max_nan(o->next_max[k], u.part[i][k]);
    }
    return 0;
}

static double seg_norm(size_t nseg, const struct nnact__opt_seg *segs, double cv)
{
    /* scaled two-pass 2-norm: no overflow for huge gradients, no underflow to 0 for tiny ones */
    double amax = 0.0;
    for (size_t s = 0; s < nseg; s++)
        for (size_t i = 0; i < segs[s].n; i++) {
            double a = fabs(clipped(segs[s].grads[i], cv, 1.0));
            amax = a > amax ? a : amax;
        }
    if (amax == 0.0) return 0.0;
    double sum = 0.0;
    for (size_t s = 0; s < nseg; s++)
        for (size_t i = 0; i < segs[s].n; i++) {
            double a = clipped(segs[s].grads[i], cv, 1.0) / amax;
            sum += a * a;
        }
    return amax * sqrt(sum);
}

void nnact__opt_run_init(nnact_opt *o, double lr, struct nnact__opt_run *r)
{
    const double *hp = o->hp;
    memset(r, 0, sizeof *r);
    r->o = o;
    r->lr = isnan(lr) ? hp[NNACT_OPT_PARAM_LR] : lr;
    r->check_finite = hp[NNACT_OPT_PARAM_CHECK_FINITE] != 0.0;
    r->layerwise = !(hp[NNACT_OPT_PARAM_CLIP_NORM] > 0.0);
    r->cv = hp[NNACT_OPT_PARAM_CLIP_VALUE];
    r->scale = 1.0;
    if (o->kind == NNACT_OPT_SGD && r->layerwise && !(r->cv > 0.0)) {
        /* lr * wd can overflow where the unfused p - lr (g + wd p) does not:
           then the step takes the unfused path */
        const double decay = 1.0 - r->lr * hp[NNACT_OPT_PARAM_WEIGHT_DECAY];
        if (isfinite(decay)) {
            r->fused = 1;
            r->alpha = -r->lr;
            r->beta = decay;
        }
    }
}

/* The dry run over every segment: nonzero when some gradient, new parameter or
   new state value would not be finite. */
static int update_would_fail(const struct nnact__opt_run *r, size_t nseg,
                             const struct nnact__opt_seg *segs)
{
    uint64_t bad = 0;
    size_t off = 0;
    for (size_t s = 0; s < nseg; s++) {
        bad |= update_segment(r, off, segs[s].n, segs[s].params, segs[s].grads, 0);
        off += segs[s].n;
    }
    return (int)(bad >> 63);
}

/* Bounds on every new parameter and state value of one step of the rule,
   from P >= max|p|, G >= max|g| and the state's maxima: 1 when they are all
   far below DBL_MAX (so the committing run needs no dry run). Coarse on
   purpose (a step over eps instead of over the root of the second moment):
   only overflow is at stake, and the bounds stay below 2^1000 for any
   ordinary setting. */
static int rule_proved_finite(const struct nnact__opt_run *r, double P, double G)
{
    const nnact_opt *o = r->o;
    const double *hp = o->hp;
    const double lr = r->lr, wd = hp[NNACT_OPT_PARAM_WEIGHT_DECAY], eps = hp[NNACT_OPT_PARAM_EPS];
    const uint64_t t = o->steps == UINT64_MAX ? UINT64_MAX : o->steps + 1;
    const int bound = o->bound_n != 0;
    const double S0 =
        bound ? o->smax[0]
              : (o->kind == NNACT_OPT_ADAGRAD ? hp[NNACT_OPT_PARAM_INITIAL_ACCUMULATOR] : 0.0);
    const double S1 = bound ? o->smax[1] : 0.0, S2 = bound ? o->smax[2] : 0.0;
    const int sq_ok = !bound || o->sq_nonneg;
    const double Gc = r->cv > 0.0 && r->cv < G ? r->cv : G; /* clipping only shrinks g */
    const int decoupled = o->kind == NNACT_OPT_ADAMW;
    const double D = Gc + (decoupled ? 0.0 : wd * P); /* |d|, weight decay included */
    double state = 0.0, step = 0.0, base = P;
    switch (o->kind) {
    case NNACT_OPT_SGD:
        step = D;
        break;
    case NNACT_OPT_MOMENTUM:
    case NNACT_OPT_NESTEROV: {
        const double mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        state = mu != 0.0 ? mu * S0 + D : 0.0; /* the first step's buffer is d itself */
        step = mu == 0.0 ? D : (o->kind == NNACT_OPT_NESTEROV ? D + mu * state : state);
        break;
    }
    case NNACT_OPT_ADAGRAD:
        if (!(eps > 0.0 && sq_ok)) return 0;
        state = S0 + D * D;
        step = D / eps; /* the decayed rate is at most lr */
        break;
    case NNACT_OPT_RMSPROP: {
        if (!(eps > 0.0 && sq_ok)) return 0;
        const double mu = hp[NNACT_OPT_PARAM_MOMENTUM];
        const double buf = mu * S2 + D / eps;
        state = max_nan(max_nan(S0 + D * D, S1 + D), mu > 0.0 ? buf : 0.0);
        step = mu > 0.0 ? buf : D / eps;
        break;
    }
    case NNACT_OPT_ADAM:
    case NNACT_OPT_ADAMW: {
        if (!(eps > 0.0 && sq_ok)) return 0;
        const double bc1 = 1.0 - pow(hp[NNACT_OPT_PARAM_BETA1], (double)t);
        const double m = S0 + D;
        state = max_nan(max_nan(m, S1 + D * D), S2);
        step = m / bc1 / eps; /* |m| / (sqrt(v) / sqrt(bc2) + eps) <= |m| / eps */
        if (decoupled) base = fabs(1.0 - lr * wd) * P;
        break;
    }
    }
    /* twice the bound leaves room for the rounding of every operation */
    const double newp = base + lr * step;
    return 2.0 * newp <= 0x1p1020 && 2.0 * state <= 0x1p1020;
}

/* The a-priori proof over whole segments: two read passes (max |g|, which is
   +Inf for a non-finite gradient, and max |p|) instead of the dry run. */
static int segs_proved_finite(const struct nnact__opt_run *r, size_t nseg,
                              const struct nnact__opt_seg *segs)
{
    double G = 0.0, P = 0.0;
    for (size_t s = 0; s < nseg; s++) {
        G = max_nan(G, nnact__max_abs(segs[s].n, segs[s].grads));
        P = max_nan(P, nnact__max_abs(segs[s].n, segs[s].params));
    }
    /* the rule as update_segment evaluates it (fused SGD included) */
    return G <= DBL_MAX && P <= DBL_MAX && rule_proved_finite(r, P, G);
}

/* After a failed dry run: the detail names the first non-finite gradient, or
   else the first parameter whose update is not finite (an overflow: the
   gradients are finite). */
static nnact_status update_failure(const struct nnact__opt_run *r, size_t nseg,
                                   const struct nnact__opt_seg *segs, const char *who)
{
    size_t base = 0;
    for (size_t s = 0; s < nseg; s++) {
        for (size_t i = 0; i < segs[s].n; i++)
            if (!isfinite(segs[s].grads[i]))
                return nnact__fail(NNACT_ERR_NUMERIC,
                                   "%s: gradient %zu is %g; parameters and state left unchanged",
                                   who, base + i, segs[s].grads[i]);
        base += segs[s].n;
    }
    base = 0;
    for (size_t s = 0; s < nseg; s++) {
        for (size_t i = 0; i < segs[s].n; i++)
            if (update_segment(r, base + i, 1, segs[s].params + i, segs[s].grads + i, 0) >> 63)
                return nnact__fail(NNACT_ERR_NUMERIC,
                                   "%s: the update of parameter %zu overflows (learning rate %g); "
                                   "parameters and state left unchanged",
                                   who, base + i, r->lr);
        base += segs[s].n;
    }
    return nnact__fail(NNACT_ERR_NUMERIC,
                       "%s: the update overflows; parameters and state left "
                       "unchanged",
                       who);
}

nnact_status nnact__opt_step_run(struct nnact__opt_run *r, size_t nseg,
                                 const struct nnact__opt_seg *segs, const char *who)
{
    nnact_opt *o = r->o;
    size_t n = 0;
    for (size_t s = 0; s < nseg; s++) {
        NNACT_RETURN_IF(segs[s].n > 0 && (segs[s].params == NULL || segs[s].grads == NULL),
                        NNACT_ERR_ARG, "%s: params or grads is NULL", who);
        NNACT_RETURN_IF(!nnact__add_size(n, segs[s].n, &n), NNACT_ERR_OVERFLOW,
                        "%s: total length overflows", who);
    }
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "%s: n is 0", who);
    NNACT_FORWARD_IF_ERROR(nnact__opt_check_length(o, n, who));
    const int was_bound = o->bound_n != 0;
    NNACT_FORWARD_IF_ERROR(nnact__opt_begin(r, n, who));
    if (o->hp[NNACT_OPT_PARAM_CLIP_NORM] > 0.0) {
        double coef = o->hp[NNACT_OPT_PARAM_CLIP_NORM] / (seg_norm(nseg, segs, r->cv) + 1e-6);
        r->scale = coef < 1.0 ? coef : 1.0;
    }
    /* the gradient and the update's result are checked before anything is
       written (one dry run reads both): a non-finite gradient or an
       overflowing step (a huge learning rate, parameter or state) leaves
       parameters, state, step count and binding as they were */
    if (r->check_finite && !segs_proved_finite(r, nseg, segs) && update_would_fail(r, nseg, segs)) {
        nnact_status s = update_failure(r, nseg, segs, who);
        if (!was_bound && o->state) { /* undo the binding begin just made */
            nnact__free(o->state);
            o->state = NULL;
            o->bound_n = 0;
        }
        return s;
    }
    size_t off = 0;
    for (size_t s = 0; s < nseg; s++) {
        update_segment(r, off, segs[s].n, segs[s].params, segs[s].grads, 1);
        off += segs[s].n;
    }
    nnact__opt_end(r);
    return NNACT_OK;
}

nnact_status nnact__opt_begin(struct nnact__opt_run *r, size_t n, const char *who)
{
    nnact_opt *o = r->o;
    const size_t nbufs = state_bufs(o->kind);
    NNACT_FORWARD_IF_ERROR(nnact__opt_check_length(o, n, who));
    if (nbufs > 0 && o->bound_n == 0) {
        size_t count;
        NNACT_RETURN_IF(
            !nnact__mul_size(n, nbufs, &count) || !nnact__mul_size(count, sizeof(double), &count),
            NNACT_ERR_OVERFLOW, "%s: optimizer state for %zu parameters overflows", who, n);
        double *st = nnact__calloc(n * nbufs, sizeof(double));
        NNACT_RETURN_IF(st == NULL, NNACT_ERR_NOMEM, "%s: out of memory for optimizer state", who);
        if (o->kind == NNACT_OPT_ADAGRAD) /* torch fills state_sum at construction */
            for (size_t i = 0; i < n; i++)
                st[i] = o->hp[NNACT_OPT_PARAM_INITIAL_ACCUMULATOR];
        o->state = st;
        o->bound_n = n;
        o->momentum_init = 0;
        o->smax[0] =
            o->kind == NNACT_OPT_ADAGRAD ? o->hp[NNACT_OPT_PARAM_INITIAL_ACCUMULATOR] : 0.0;
        o->smax[1] = o->smax[2] = 0.0;
        o->sq_nonneg = 1;
    }
    o->next_max[0] = o->next_max[1] = o->next_max[2] = 0.0;
    r->t = o->steps == UINT64_MAX ? UINT64_MAX : o->steps + 1;
    r->uses_momentum = (o->kind == NNACT_OPT_MOMENTUM || o->kind == NNACT_OPT_NESTEROV) &&
                       o->hp[NNACT_OPT_PARAM_MOMENTUM] != 0.0;
    r->first_momentum = r->uses_momentum && !o->momentum_init;
    return NNACT_OK;
}

void nnact__opt_update(const struct nnact__opt_run *r, size_t off, size_t n, double *p,
                       const double *g)
{
    update_segment(r, off, n, p, g, 1);
}

int nnact__opt_proves_finite(const struct nnact__opt_run *r, size_t n, const double *p, double gmax)
{
    if (!(gmax <= DBL_MAX)) return 0;
    const double P = nnact__max_abs(n, p);
    if (!(P <= DBL_MAX)) return 0;
    /* fused SGD: |beta p + alpha g| <= |beta| max|p| + lr max|g| (plus
       rounding), each term at most 2^1020: far below DBL_MAX (2^1024) */
    if (r->fused) return r->lr * gmax <= 0x1p1020 && fabs(r->beta) * P <= 0x1p1020;
    return rule_proved_finite(r, P, gmax);
}

void nnact__opt_fused_update(const struct nnact__opt_run *r, size_t n, double *p, const double *g)
{
    /* plain SGD, p <- (1 - lr wd) p - lr g: the same expression the fused
       weight product evaluates with alpha and beta */
    const double alpha = r->alpha, beta = r->beta;
    for (size_t i = 0; i < n; i++)
        p[i] = beta * p[i] + alpha * g[i];
}

void nnact__opt_end(const struct nnact__opt_run *r)
{
    const unsigned w = written_vectors(r->o);
    for (int k = 0; k < 3; k++)
        if (w >> k & 1u) r->o->smax[k] = r->o->next_max[k];
    r->o->steps = r->t;
    if (r->uses_momentum) r->o->momentum_init = 1;
}

nnact_status nnact_opt_step(nnact_opt *o, size_t n, double *params, const double *grads)
{
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "nnact_opt_step: optimizer is NULL");
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "nnact_opt_step: n is 0");
    NNACT_RETURN_IF(params == NULL, NNACT_ERR_ARG, "nnact_opt_step: params is NULL");
    NNACT_RETURN_IF(grads == NULL, NNACT_ERR_ARG, "nnact_opt_step: grads is NULL");
    struct nnact__opt_seg seg = {params, grads, n};
    struct nnact__opt_run r;
    nnact__opt_run_init(o, NAN, &r);
    return nnact__opt_step_run(&r, 1, &seg, "nnact_opt_step");
}

/* smax and sq_nonneg from the state itself (after an import: the values
   come from a file, so nothing is assumed of them). */
static void state_stats(nnact_opt *o)
{
    const size_t N = o->bound_n, nb = o->state ? state_bufs(o->kind) : 0;
    /* the vectors under a square root: Adagrad's and RMSprop's first, Adam's second */
    const size_t sq = o->kind == NNACT_OPT_ADAM || o->kind == NNACT_OPT_ADAMW ? 1 : 0;
    const int has_sq = o->kind == NNACT_OPT_ADAGRAD || o->kind == NNACT_OPT_RMSPROP || sq == 1;
    o->sq_nonneg = 1;
    for (size_t k = 0; k < 3; k++) {
        o->smax[k] = k < nb ? nnact__max_abs(N, o->state + k * N) : 0.0;
        if (k < nb && has_sq && k == sq)
            for (size_t i = 0; i < N; i++)
                o->sq_nonneg &= !(o->state[k * N + i] < 0.0);
    }
}

void nnact__opt_state_view(const nnact_opt *o, struct nnact__opt_state *s)
{
    s->kind = o->kind;
    s->hp = o->hp;
    s->steps = o->steps;
    s->bound_n = o->bound_n;
    s->n_bufs = o->bound_n ? state_bufs(o->kind) : 0;
    s->momentum_init = o->momentum_init;
    s->state = o->state;
}

nnact_status nnact__opt_state_import(nnact_opt *o, const struct nnact__opt_state *s,
                                     const char *who)
{
    NNACT_RETURN_IF(
        s->kind != o->kind, NNACT_ERR_ARG, "%s: state of a '%s' optimizer given to a '%s'", who,
        (unsigned)s->kind < OPT_KIND_COUNT ? kinds[s->kind].name : "unknown", kinds[o->kind].name);
    const size_t nb = state_bufs(o->kind);
    NNACT_RETURN_IF(s->n_bufs != (s->bound_n ? nb : 0) || (s->bound_n && nb && s->state == NULL),
                    NNACT_ERR_ARG, "%s: %zu state vectors for a '%s' optimizer (expects %zu)", who,
                    s->n_bufs, kinds[o->kind].name, s->bound_n ? nb : (size_t)0);
    /* validate every applicable value through the setter, on a copy */
    nnact_opt tmp = *o;
    for (int p = 0; p < OPT_PARAM_COUNT; p++)
        if (param_applies((nnact_opt_param)p, o->kind))
            NNACT_FORWARD_IF_ERROR(nnact_opt_set(&tmp, (nnact_opt_param)p, s->hp[p]));
    double *st = NULL;
    if (s->bound_n && nb) {
        size_t count;
        NNACT_RETURN_IF(!nnact__mul_size(s->bound_n, nb, &count) ||
                            !nnact__mul_size(count, sizeof(double), &count),
                        NNACT_ERR_OVERFLOW, "%s: optimizer state overflows", who);
        st = nnact__malloc(count);
        NNACT_RETURN_IF(st == NULL, NNACT_ERR_NOMEM, "%s: out of memory for optimizer state", who);
        memcpy(st, s->state, count);
    }
    memcpy(o->hp, tmp.hp, sizeof o->hp);
    nnact__free(o->state);
    o->state = st;
    o->bound_n = nb ? s->bound_n : 0;
    state_stats(o);
    o->steps = s->steps;
    o->momentum_init = s->momentum_init;
    return NNACT_OK;
}
