/* Initialisation schemes over the library's PRNG (rng.c). */
#include <math.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "core/names.h"
#include "init/rng.h"
#include "nnact/init.h"

#define INIT_KIND_COUNT 6

static const char *const init_names[INIT_KIND_COUNT] = {
    [NNACT_INIT_NORMAL] = "normal",
    [NNACT_INIT_XAVIER_UNIFORM] = "xavier_uniform",
    [NNACT_INIT_XAVIER_NORMAL] = "xavier_normal",
    [NNACT_INIT_HE_UNIFORM] = "he_uniform",
    [NNACT_INIT_HE_NORMAL] = "he_normal",
    [NNACT_INIT_ZEROS] = "zeros",
};

static const struct nnact__name_alias init_aliases[] = {
    {"glorot_uniform", NNACT_INIT_XAVIER_UNIFORM}, {"glorot_normal", NNACT_INIT_XAVIER_NORMAL},
    {"kaiming_uniform", NNACT_INIT_HE_UNIFORM},    {"kaiming_normal", NNACT_INIT_HE_NORMAL},
    {"zero", NNACT_INIT_ZEROS},
};

static const struct nnact__name_family init_family = {
    "nnact_init_from_name", "initialisation", init_names, sizeof init_names[0], INIT_KIND_COUNT,
    init_aliases, sizeof init_aliases / sizeof init_aliases[0],
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

nnact_status nnact_init_fill(nnact_init_kind scheme, double scale, size_t fan_in, size_t fan_out,
                             uint64_t seed, uint64_t stream, size_t n, double *w)
{
    NNACT_RETURN_IF(w == NULL && n > 0, NNACT_ERR_ARG, "nnact_init_fill: w is NULL");
    NNACT_RETURN_IF((unsigned)scheme > NNACT_INIT_ZEROS, NNACT_ERR_ARG,
                    "nnact_init_fill: unknown scheme %d", (int)scheme);
    NNACT_RETURN_IF(!isnan(scale) && !(isfinite(scale) && scale >= 0.0), NNACT_ERR_ARG,
                    "nnact_init_fill: scale = %g must be finite and >= 0 (NAN = default)", scale);
    const int xavier = scheme == NNACT_INIT_XAVIER_UNIFORM || scheme == NNACT_INIT_XAVIER_NORMAL;
    const int he = scheme == NNACT_INIT_HE_UNIFORM || scheme == NNACT_INIT_HE_NORMAL;
    NNACT_RETURN_IF((xavier || he) && fan_in == 0, NNACT_ERR_ARG, "nnact_init_fill: fan_in is 0");
    NNACT_RETURN_IF(xavier && fan_out == 0, NNACT_ERR_ARG, "nnact_init_fill: fan_out is 0");

    double gain = isnan(scale) ? (he ? sqrt(2.0) : 1.0) : scale;
    double fin = (double)fan_in, fsum = (double)fan_in + (double)fan_out;
    double bound = 0.0, std = 0.0;
    switch (scheme) {
    case NNACT_INIT_NORMAL:
        std = gain;
        break;
    case NNACT_INIT_XAVIER_UNIFORM:
        bound = gain * sqrt(6.0 / fsum);
        break;
    case NNACT_INIT_XAVIER_NORMAL:
        std = gain * sqrt(2.0 / fsum);
        break;
    case NNACT_INIT_HE_UNIFORM:
        bound = gain * sqrt(3.0 / fin);
        break;
    case NNACT_INIT_HE_NORMAL:
        std = gain / sqrt(fin);
        break;
    case NNACT_INIT_ZEROS:
        break;
    }
    struct nnact__rng r;
    nnact__rng_init(&r, seed, stream);
    for (size_t i = 0; i < n; i++) {
        switch (scheme) {
        case NNACT_INIT_XAVIER_UNIFORM:
        case NNACT_INIT_HE_UNIFORM:
            w[i] = bound * (2.0 * nnact__rng_uniform(&r) - 1.0);
            break;
        case NNACT_INIT_ZEROS:
            w[i] = 0.0;
            break;
        default:
            w[i] = std * nnact__rng_normal(&r);
            break;
        }
    }
    return NNACT_OK;
}
