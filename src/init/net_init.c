/* nnact_net_init: each layer's weights from its own PRNG stream, through the
 * network's public API (init sits above net). */
#include <math.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "nnact/init.h"

nnact_status nnact_net_init_ex(nnact_net *net, nnact_init_kind scheme, double scale, uint64_t seed)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "nnact_net_init: net is NULL");
    NNACT_RETURN_IF((unsigned)scheme > NNACT_INIT_ZEROS, NNACT_ERR_ARG,
                    "nnact_net_init: unknown scheme %d", (int)scheme);
    NNACT_RETURN_IF(!isnan(scale) && !(isfinite(scale) && scale >= 0.0), NNACT_ERR_ARG,
                    "nnact_net_init: scale = %g must be finite and >= 0 (NAN = default)", scale);
    /* one buffer for the largest layer, taken before any layer changes, so a
       failed allocation leaves the network as it was */
    size_t layers = nnact_net_layer_count(net), most = 1;
    for (size_t l = 0; l < layers; l++) {
        size_t n_in = 0, n_out = 0, cnt;
        NNACT_FORWARD_IF_ERROR(nnact_net_layer_info(net, l, &n_in, &n_out, NULL, NULL, NULL));
        NNACT_RETURN_IF(!nnact__mul_size(n_in, n_out, &cnt), NNACT_ERR_OVERFLOW,
                        "nnact_net_init: layer %zu size overflows", l);
        most = cnt > most ? cnt : most;
    }
    size_t bytes;
    NNACT_RETURN_IF(!nnact__mul_size(most, sizeof(double), &bytes), NNACT_ERR_OVERFLOW,
                    "nnact_net_init: layer size overflows");
    double *w = nnact__malloc(bytes);
    NNACT_RETURN_IF(w == NULL, NNACT_ERR_NOMEM, "nnact_net_init: out of memory");
    nnact_status st = NNACT_OK;
    for (size_t l = 0; l < layers && st == NNACT_OK; l++) {
        size_t n_in = 0, n_out = 0;
        st = nnact_net_layer_info(net, l, &n_in, &n_out, NULL, NULL, NULL);
        if (st == NNACT_OK)
            st = nnact_init_fill(scheme, scale, n_in, n_out, seed, (uint64_t)l, n_in * n_out, w);
        if (st == NNACT_OK) st = nnact_net_set_layer(net, l, w, NULL);
    }
    nnact__free(w);
    return st;
}

nnact_status nnact_net_init(nnact_net *net, nnact_init_kind scheme, uint64_t seed)
{
    return nnact_net_init_ex(net, scheme, NAN, seed);
}
