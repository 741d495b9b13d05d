/* Public activation entry points: argument checks, then the kernels. */
#include <math.h>
#include <stdint.h>

#include "act/act_internal.h"
#include "act/fpguard.h"
#include "core/names.h"
#include "par/par.h"

#define SELU_SA (1.0507009873554804934193349852946 * 1.6732632423543772848170429916717)

/* Shape of f at parameter a: the answers of nnact_act_property(). */
struct act_shape {
    int linear, monotone, smooth;
    double out_min, out_max, lipschitz;
};

/* Whether f' is a function of y = f(x) (the from_y column of act_kinds.h). */
enum act_from_y { NOT_FROM_Y, FROM_Y, FROM_Y_IF_ALPHA_NONNEG };

struct act_desc {
    const char *name;  /* first member: the name lookup reads the rows (core/names.h) */
    const char *param; /* NULL: the kind takes no parameter */
    double param_default;
    double param_min; /* valid range, inclusive; NaN and +-Inf are never valid */
    double param_max;
    struct act_shape shape;                 /* when shape_by is NULL */
    struct act_shape (*shape_by)(double a); /* parameter-dependent shape */
    enum act_from_y from_y;
};

/* The parameter-dependent shapes (ACT_SHAPE_BY in act_kinds.h). */
static struct act_shape leaky_relu_shape(double a)
{
    return (struct act_shape){a == 1,   a >= 0,          a == 1, a > 0 ? -INFINITY : 0,
                              INFINITY, fmax(1, fabs(a))};
}

static struct act_shape elu_shape(double a)
{
    return (struct act_shape){0, a >= 0, a == 1, a > 0 ? -a : 0, INFINITY, fmax(1, fabs(a))};
}

static struct act_shape celu_shape(double a)
{
    return (struct act_shape){0, 1, 1, -a, INFINITY, 1};
}

/* lambda = 0 makes both shrinks the identity */
static struct act_shape softshrink_shape(double a)
{
    return (struct act_shape){a == 0, 1, a == 0, -INFINITY, INFINITY, 1};
}

static struct act_shape hardshrink_shape(double a)
{
    return (struct act_shape){a == 0, 1, a == 0, -INFINITY, INFINITY, a == 0 ? 1 : INFINITY};
}

/* x sigmoid(bx) = silu(bx) / b: SiLU's minimum scaled by 1/b, the same sup |f'| */
static struct act_shape swish_shape(double a)
{
    return (struct act_shape){0, 0, 1, -0.2784645427610738 / a, INFINITY, 1.099839320128867};
}

/* The descriptor table, one row per row of act_kinds.h. */
#define ACT_NO_PARAM                              NULL, 0, 0, 0
#define ACT_PARAM(name, def, lo, hi)              name, def, lo, hi
#define ACT_SHAPE(lin, mono, smooth, lo, hi, lip) {lin, mono, smooth, lo, hi, lip}, NULL
#define ACT_SHAPE_BY(fn)                          {0, 0, 0, NAN, NAN, NAN}, fn
#define ACT_DESC_ROW(E, id, name, param, shape, from_y)                                            \
    [NNACT_ACT_##E] = {name, param, shape, from_y},
static const struct act_desc descs[NNACT_ACT_KIND_COUNT] = {NNACT_ACT_KINDS(ACT_DESC_ROW)};
#undef ACT_DESC_ROW
#undef ACT_NO_PARAM
#undef ACT_PARAM
#undef ACT_SHAPE
#undef ACT_SHAPE_BY

static const struct nnact__name_alias aliases[] = {
    {"linear", NNACT_ACT_IDENTITY},
    {"logistic", NNACT_ACT_SIGMOID},
    {"swish", NNACT_ACT_SILU},
    {"sin", NNACT_ACT_SINUSOID},
    {"lrelu", NNACT_ACT_LEAKY_RELU},
    {"hardtanh", NNACT_ACT_HARD_TANH},
    {"hardsigmoid", NNACT_ACT_HARD_SIGMOID},
    {"hardswish", NNACT_ACT_HARD_SWISH},
    {"logsigmoid", NNACT_ACT_LOG_SIGMOID},
    {"gelu_erf", NNACT_ACT_GELU},
    {"leakyrelu", NNACT_ACT_LEAKY_RELU},
    {"gelu_approx", NNACT_ACT_GELU_TANH},
    {"relu_6", NNACT_ACT_RELU6},
    {"sine", NNACT_ACT_SINUSOID},
    {"bent", NNACT_ACT_BENT_IDENTITY},
    {"hard_shrink", NNACT_ACT_HARDSHRINK},
    {"soft_shrink", NNACT_ACT_SOFTSHRINK},
    {"tanh_shrink", NNACT_ACT_TANHSHRINK},
    {"gauss", NNACT_ACT_GAUSSIAN},
    {"eltwise_abs", NNACT_ACT_ABS},
    {"eltwise_square", NNACT_ACT_SQUARE},
    {"eltwise_swish", NNACT_ACT_SWISH},
};

static const struct nnact__name_family act_family = {
    "nnact_act_from_name",
    "activation",
    descs,
    sizeof descs[0],
    NNACT_ACT_KIND_COUNT,
    aliases,
    sizeof aliases / sizeof aliases[0],
};

size_t nnact_act_count(void)
{
    return NNACT_ACT_KIND_COUNT;
}

static int kind_valid(nnact_act_kind k)
{
    return (unsigned)k < NNACT_ACT_KIND_COUNT;
}

nnact_status nnact__act_resolve(const char *who, nnact_act_kind k, double alpha, double *alpha_out)
{
    NNACT_RETURN_IF(!kind_valid(k), NNACT_ERR_ARG, "%s: unknown activation kind %d", who, (int)k);
    const struct act_desc *d = &descs[k];
    if (d->param == NULL || isnan(alpha)) {
        *alpha_out = d->param == NULL ? 0.0 : d->param_default;
        return NNACT_OK;
    }
    NNACT_RETURN_IF(!(alpha >= d->param_min && alpha <= d->param_max), NNACT_ERR_ARG,
                    "%s: %s parameter %s = %g is outside [%g, %g]", who, d->name, d->param, alpha,
                    d->param_min, d->param_max);
    *alpha_out = alpha;
    return NNACT_OK;
}

/* The kernels may raise invalid or divide-by-zero inside (an ordered compare
 * of a NaN, a limit reached through inf/inf), although every result is the
 * documented one; the guard (fpguard.h) takes back the flags a call raised,
 * so that a call leaves the floating-point environment as it found it
 * (issue 3, item 5). */

/* In place (same pointer) is fine; any other overlap would read values the
 * loop already overwrote. */
static int overlaps_badly(const double *in, const double *out, size_t n)
{
    if (in == out) return 0;
    uintptr_t a = (uintptr_t)in, b = (uintptr_t)out, bytes = (uintptr_t)(n * sizeof(double));
    return a < b + bytes && b < a + bytes;
}

/* in2 is the second input of a backward call; forward calls pass in1 twice. */
static nnact_status check_arrays(const char *who, size_t n, const double *in1, const double *in2,
                                 const double *out)
{
    NNACT_RETURN_IF(in1 == NULL || in2 == NULL || out == NULL, NNACT_ERR_ARG,
                    "%s: NULL array with n = %zu", who, n);
    NNACT_RETURN_IF(n > SIZE_MAX / sizeof(double), NNACT_ERR_OVERFLOW, "%s: n = %zu is too large",
                    who, n);
    NNACT_RETURN_IF(overlaps_badly(in1, out, n) || overlaps_badly(in2, out, n), NNACT_ERR_ARG,
                    "%s: output partially overlaps an input", who);
    return NNACT_OK;
}

/* The public element-wise calls split large arrays across the BLAS's threads
 * (par/par.h). Each chunk is a whole number of vectors at an offset that
 * depends only on n, and every kernel gives the same bits wherever an element
 * sits in its array (test_act_special's position_independent), so the result
 * is the same for every thread count and the same as one serial call. The
 * thresholds (n below which waking a thread does not pay) are par.h's, by
 * the cost of the kind's element (act_is_cheap). The FP guard stays on the
 * caller: nnact__par_for raises the flags its workers raised on the caller
 * before it returns, so the guard takes them back as if the whole call had
 * run here. */
#define ACT_GRAIN 8192u /* elements per chunk: 64 KiB an array, a multiple of 8 */

/* Piecewise-linear or polynomial kinds: a load, a few compares or a multiply
 * and a store per element, so memory-bound on large arrays. */
static int act_is_cheap(nnact_act_kind k)
{
    switch (k) {
    case NNACT_ACT_IDENTITY:
    case NNACT_ACT_RELU:
    case NNACT_ACT_LEAKY_RELU:
    case NNACT_ACT_HARD_SIGMOID:
    case NNACT_ACT_HARD_TANH:
    case NNACT_ACT_HARD_SWISH:
    case NNACT_ACT_RELU6:
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK:
    case NNACT_ACT_ABS:
    case NNACT_ACT_SQUARE:
        return 1;
    default:
        return 0;
    }
}

size_t nnact__act_serial_below(nnact_act_kind k)
{
    return act_is_cheap(k) ? NNACT__PAR_SERIAL_CHEAP : NNACT__PAR_SERIAL_TRANSCENDENTAL;
}

struct act_run {
    nnact_act_kind k;
    double a;
    int mode; /* as nnact__act_apply; 3: from the output */
    const double *x, *dy;
    double *out;
};

static void act_chunk(void *p, size_t begin, size_t end)
{
    const struct act_run *r = p;
    const double *dy = r->dy ? r->dy + begin : NULL;
    if (r->mode == 3)
        nnact__act_from_output(r->k, r->a, end - begin, r->x + begin, dy, r->out + begin);
    else
        nnact__act_apply(r->k, r->a, r->mode, end - begin, r->x + begin, dy, r->out + begin);
}

static void act_run_guarded(const struct act_run *r, size_t n)
{
    nnact__fpguard flags;
    nnact__fpguard_save(&flags);
    nnact__par_for(n, ACT_GRAIN, nnact__act_serial_below(r->k), act_chunk, (void *)r);
    nnact__fpguard_restore(&flags);
}

/* The public element-wise calls: checks, then the kernels (act_kernels.c)
 * inside the FP guard. mode as nnact__act_apply(): 2 (backward) reads dy. */
static nnact_status elementwise(const char *who, nnact_act_kind k, double alpha, int mode, size_t n,
                                const double *x, const double *dy, double *out)
{
    double a;
    NNACT_FORWARD_IF_ERROR(nnact__act_resolve(who, k, alpha, &a));
    if (n == 0) return NNACT_OK;
    NNACT_FORWARD_IF_ERROR(check_arrays(who, n, x, mode == 2 ? dy : x, out));
    const struct act_run r = {k, a, mode, x, mode == 2 ? dy : NULL, out};
    act_run_guarded(&r, n);
    return NNACT_OK;
}

nnact_status nnact_act_forward(nnact_act_kind k, double alpha, size_t n, const double *x, double *y)
{
    return elementwise("nnact_act_forward", k, alpha, 0, n, x, NULL, y);
}

nnact_status nnact_act_derivative(nnact_act_kind k, double alpha, size_t n, const double *x,
                                  double *d)
{
    return elementwise("nnact_act_derivative", k, alpha, 1, n, x, NULL, d);
}

nnact_status nnact_act_backward(nnact_act_kind k, double alpha, size_t n, const double *x,
                                const double *dy, double *dx)
{
    return elementwise("nnact_act_backward", k, alpha, 2, n, x, dy, dx);
}

nnact_status nnact_act_backward_from_output(nnact_act_kind k, double alpha, size_t n,
                                            const double *y, const double *dy, double *dx)
{
    static const char who[] = "nnact_act_backward_from_output";
    double a;
    NNACT_FORWARD_IF_ERROR(nnact__act_resolve(who, k, alpha, &a));
    NNACT_RETURN_IF(!nnact__act_from_output_ok(k, a), NNACT_ERR_ARG,
                    "%s: the derivative of %s is not a function of its output", who, descs[k].name);
    if (n == 0) return NNACT_OK;
    NNACT_FORWARD_IF_ERROR(check_arrays(who, n, y, dy, dx));
    const struct act_run r = {k, a, 3, y, dy, dx};
    act_run_guarded(&r, n);
    return NNACT_OK;
}

int nnact_act_supports_from_output(nnact_act_kind k, double alpha)
{
    double a;
    if (!kind_valid(k)) return 0;
    if (nnact__act_resolve("nnact_act_supports_from_output", k, alpha, &a) != NNACT_OK) return 0;
    return nnact__act_from_output_ok(k, a);
}

const char *nnact_act_name(nnact_act_kind k)
{
    return kind_valid(k) ? descs[k].name : NULL;
}

const char *nnact_act_param_name(nnact_act_kind k)
{
    return kind_valid(k) ? descs[k].param : NULL;
}

size_t nnact_act_alias_count(void)
{
    return sizeof aliases / sizeof aliases[0];
}

const char *nnact_act_alias(size_t i, nnact_act_kind *k)
{
    if (i >= sizeof aliases / sizeof aliases[0]) return NULL;
    if (k != NULL) *k = (nnact_act_kind)aliases[i].kind;
    return aliases[i].alias;
}

static struct act_shape shape_of(nnact_act_kind k, double a)
{
    return descs[k].shape_by ? descs[k].shape_by(a) : descs[k].shape;
}

int nnact__act_from_output_ok(nnact_act_kind k, double a)
{
    if (!kind_valid(k)) return 0;
    switch (descs[k].from_y) {
    case FROM_Y:
        return 1;
    case FROM_Y_IF_ALPHA_NONNEG:
        return a >= 0;
    case NOT_FROM_Y:
        break;
    }
    return 0;
}

nnact_status nnact_act_property(nnact_act_kind k, double alpha, nnact_act_prop p, double *value)
{
    static const char who[] = "nnact_act_property";
    double a;
    NNACT_FORWARD_IF_ERROR(nnact__act_resolve(who, k, alpha, &a));
    NNACT_RETURN_IF(value == NULL, NNACT_ERR_ARG, "%s: value is NULL", who);
    const struct act_desc *d = &descs[k];
    struct act_shape sh = shape_of(k, a);
    switch (p) {
    case NNACT_ACT_PROP_HAS_PARAM:
        *value = d->param != NULL;
        return NNACT_OK;
    case NNACT_ACT_PROP_PARAM_DEFAULT:
        *value = d->param ? d->param_default : NAN;
        return NNACT_OK;
    case NNACT_ACT_PROP_PARAM_MIN:
        *value = d->param ? d->param_min : NAN;
        return NNACT_OK;
    case NNACT_ACT_PROP_PARAM_MAX:
        *value = d->param ? d->param_max : NAN;
        return NNACT_OK;
    case NNACT_ACT_PROP_LINEAR:
        *value = sh.linear;
        return NNACT_OK;
    case NNACT_ACT_PROP_MONOTONE:
        *value = sh.monotone;
        return NNACT_OK;
    case NNACT_ACT_PROP_SMOOTH:
        *value = sh.smooth;
        return NNACT_OK;
    case NNACT_ACT_PROP_OUTPUT_MIN:
        *value = sh.out_min;
        return NNACT_OK;
    case NNACT_ACT_PROP_OUTPUT_MAX:
        *value = sh.out_max;
        return NNACT_OK;
    case NNACT_ACT_PROP_LIPSCHITZ:
        *value = sh.lipschitz;
        return NNACT_OK;
    case NNACT_ACT_PROP_FROM_OUTPUT:
        *value = nnact__act_from_output_ok(k, a);
        return NNACT_OK;
    }
    return nnact__fail(NNACT_ERR_ARG, "%s: unknown property %d", who, (int)p);
}

nnact_status nnact_act_from_name(const char *name, nnact_act_kind *k)
{
    int kind;
    NNACT_FORWARD_IF_ERROR(nnact__family_lookup(&act_family, name, k ? &kind : NULL));
    *k = (nnact_act_kind)kind;
    return NNACT_OK;
}

int nnact_act_is_linear(nnact_act_kind k, double alpha)
{
    double a;
    if (!kind_valid(k) || nnact__act_resolve("nnact_act_is_linear", k, alpha, &a) != NNACT_OK)
        return 0;
    return shape_of(k, a).linear;
}
