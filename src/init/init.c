/* Initialisation schemes over the library's PRNG (rng.c). */
#include <math.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "init/rng.h"
#include "nnact/init.h"

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
