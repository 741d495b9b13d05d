/* Initialisation schemes over the library's PRNG (rng.c). */
#include <math.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "core/names.h"
#include "init/rng.h"
#include "nnact/init.h"

/* How a scheme draws each weight. */
enum init_draw { DRAW_NORMAL, DRAW_UNIFORM, DRAW_ZERO };

/* One row per scheme. The spread each scheme derives from the gain and the
 * fans is written out in init_spread. */
struct init_desc {
    const char *name; /* first member: the name lookup reads the rows (core/names.h) */
    enum init_draw draw;
    double default_gain; /* the gain NAN selects: 1, sqrt 2 for He (ReLU) */
    int needs_fan_in, needs_fan_out;
};

static const struct init_desc inits[] = {
    [NNACT_INIT_NORMAL] = {"normal", DRAW_NORMAL, 1.0, 0, 0},
    [NNACT_INIT_XAVIER_UNIFORM] = {"xavier_uniform", DRAW_UNIFORM, 1.0, 1, 1},
    [NNACT_INIT_XAVIER_NORMAL] = {"xavier_normal", DRAW_NORMAL, 1.0, 1, 1},
    [NNACT_INIT_HE_UNIFORM] = {"he_uniform", DRAW_UNIFORM, 1.4142135623730951, 1, 0},
    [NNACT_INIT_HE_NORMAL] = {"he_normal", DRAW_NORMAL, 1.4142135623730951, 1, 0},
    [NNACT_INIT_ZEROS] = {"zeros", DRAW_ZERO, 1.0, 0, 0},
};

#define INIT_KIND_COUNT (sizeof inits / sizeof inits[0])
_Static_assert(INIT_KIND_COUNT == NNACT_INIT_ZEROS + 1,
               "init.c: one inits[] row per nnact_init_kind, up to the last value");

static const struct nnact__name_alias init_aliases[] = {
    {"glorot_uniform", NNACT_INIT_XAVIER_UNIFORM},
    {"glorot_normal", NNACT_INIT_XAVIER_NORMAL},
    {"kaiming_uniform", NNACT_INIT_HE_UNIFORM},
    {"kaiming_normal", NNACT_INIT_HE_NORMAL},
    {"zero", NNACT_INIT_ZEROS},
};

static const struct nnact__name_family init_family = {
    "nnact_init_from_name",
    "initialisation",
    inits,
    sizeof inits[0],
    INIT_KIND_COUNT,
    init_aliases,
    sizeof init_aliases / sizeof init_aliases[0],
};

size_t nnact_init_count(void)
{
    return INIT_KIND_COUNT;
}

const char *nnact_init_name(nnact_init_kind k)
{
    return nnact__family_name(&init_family, (int)k);
}

nnact_status nnact_init_from_name(const char *name, nnact_init_kind *k)
{
    int kind;
    NNACT_FORWARD_IF_ERROR(nnact__family_lookup(&init_family, name, k ? &kind : NULL));
    *k = (nnact_init_kind)kind;
    return NNACT_OK;
}

/* The standard deviation (normal draws) or the bound a of U(-a, a) (uniform
 * draws) of a scheme, torch.nn.init's formulas. */
static double init_spread(nnact_init_kind scheme, double gain, size_t fan_in, size_t fan_out)
{
    double fin = (double)fan_in, fsum = (double)fan_in + (double)fan_out;
    switch (scheme) {
    case NNACT_INIT_NORMAL:
        return gain;
    case NNACT_INIT_XAVIER_UNIFORM:
        return gain * sqrt(6.0 / fsum);
    case NNACT_INIT_XAVIER_NORMAL:
        return gain * sqrt(2.0 / fsum);
    case NNACT_INIT_HE_UNIFORM:
        return gain * sqrt(3.0 / fin);
    case NNACT_INIT_HE_NORMAL:
        return gain / sqrt(fin);
    case NNACT_INIT_ZEROS:
        break;
    }
    return 0.0;
}

nnact_status nnact_init_fill(nnact_init_kind scheme, double scale, size_t fan_in, size_t fan_out,
                             uint64_t seed, uint64_t stream, size_t n, double *w)
{
    NNACT_RETURN_IF(w == NULL && n > 0, NNACT_ERR_ARG, "nnact_init_fill: w is NULL");
    NNACT_RETURN_IF((unsigned)scheme >= INIT_KIND_COUNT, NNACT_ERR_ARG,
                    "nnact_init_fill: unknown scheme %d", (int)scheme);
    NNACT_RETURN_IF(!isnan(scale) && !(isfinite(scale) && scale >= 0.0), NNACT_ERR_ARG,
                    "nnact_init_fill: scale = %g must be finite and >= 0 (NAN = default)", scale);
    const struct init_desc *d = &inits[scheme];
    NNACT_RETURN_IF(d->needs_fan_in && fan_in == 0, NNACT_ERR_ARG, "nnact_init_fill: fan_in is 0");
    NNACT_RETURN_IF(d->needs_fan_out && fan_out == 0, NNACT_ERR_ARG,
                    "nnact_init_fill: fan_out is 0");

    const double spread =
        init_spread(scheme, isnan(scale) ? d->default_gain : scale, fan_in, fan_out);
    struct nnact__rng r;
    nnact__rng_init(&r, seed, stream);
    for (size_t i = 0; i < n; i++) {
        switch (d->draw) {
        case DRAW_UNIFORM:
            w[i] = spread * (2.0 * nnact__rng_uniform(&r) - 1.0);
            break;
        case DRAW_ZERO:
            w[i] = 0.0;
            break;
        case DRAW_NORMAL:
            w[i] = spread * nnact__rng_normal(&r);
            break;
        }
    }
    return NNACT_OK;
}
