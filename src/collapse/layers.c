/* Copying a network's layers out through the public net API, so collapse
 * depends on the network only through what every user can see. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collapse/collapse_internal.h"
#include "core/alloc.h"
#include "core/checked.h"

void nnact__layers_free(nnact__layers *ls)
{
    nnact__free(ls->dims);
    nnact__free(ls->act);
    nnact__free(ls->alpha);
    nnact__free(ls->flags);
    nnact__free(ls->W);
    nnact__free(ls->b);
    nnact__free(ls->data);
    memset(ls, 0, sizeof *ls);
}

static nnact_status alloc_array(void **p, size_t count, size_t elem, const char *who)
{
    size_t bytes;
    NNACT_RETURN_IF(!nnact__mul_size(count, elem, &bytes), NNACT_ERR_OVERFLOW,
                    "%s: %zu layers overflow size_t", who, count);
    *p = nnact__malloc(bytes ? bytes : 1);
    NNACT_RETURN_IF(*p == NULL, NNACT_ERR_NOMEM, "%s: out of memory (%zu bytes)", who, bytes);
    return NNACT_OK;
}

static nnact_status load_info(const nnact_net *net, nnact__layers *ls, const char *who)
{
    size_t L = nnact_net_layer_count(net);
    size_t L1;
    NNACT_RETURN_IF(!nnact__add_size(L, 1, &L1), NNACT_ERR_OVERFLOW, "%s: too many layers", who);
    ls->count = L;
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->dims, L1, sizeof *ls->dims, who));
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->act, L, sizeof *ls->act, who));
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->alpha, L, sizeof *ls->alpha, who));
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->flags, L, sizeof *ls->flags, who));
    ls->dims[0] = nnact_net_input_size(net);
    for (size_t l = 0; l < L; l++) {
        size_t n_in, n_out;
        NNACT_FORWARD_IF_ERROR(
            nnact_net_layer_info(net, l, &n_in, &n_out, &ls->act[l], &ls->alpha[l], &ls->flags[l]));
        ls->dims[l + 1] = n_out;
    }
    return NNACT_OK;
}

static nnact_status load_weights(const nnact_net *net, nnact__layers *ls, const char *who)
{
    const size_t L = ls->count;
    /* Size everything with checked arithmetic before the one big allocation. */
    size_t total = 0;
    for (size_t l = 0; l < L; l++) {
        size_t w, wb;
        NNACT_RETURN_IF(!nnact__mul_size(ls->dims[l], ls->dims[l + 1], &w) ||
                            !nnact__add_size(w, ls->dims[l + 1], &wb) ||
                            !nnact__add_size(total, wb, &total),
                        NNACT_ERR_OVERFLOW, "%s: layer %zu: weights of %zu x %zu overflow size_t",
                        who, l, ls->dims[l], ls->dims[l + 1]);
    }
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->W, L, sizeof *ls->W, who));
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->b, L, sizeof *ls->b, who));
    NNACT_FORWARD_IF_ERROR(alloc_array((void **)&ls->data, total, sizeof(double), who));
    double *p = ls->data;
    for (size_t l = 0; l < L; l++) {
        ls->W[l] = p;
        p += ls->dims[l] * ls->dims[l + 1];
        ls->b[l] = p;
        p += ls->dims[l + 1];
        NNACT_FORWARD_IF_ERROR(nnact_net_get_layer(net, l, ls->W[l], ls->b[l]));
    }
    return NNACT_OK;
}

nnact_status nnact__layers_load(const nnact_net *net, int with_weights, nnact__layers *ls,
                                const char *who)
{
    memset(ls, 0, sizeof *ls);
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    nnact_status s = load_info(net, ls, who);
    if (s == NNACT_OK && with_weights) s = load_weights(net, ls, who);
    if (s != NNACT_OK) nnact__layers_free(ls);
    return s;
}

nnact_status nnact__layers_load_weights(const nnact_net *net, nnact__layers *ls, const char *who)
{
    nnact_status s = load_weights(net, ls, who);
    if (s != NNACT_OK) {
        nnact__free(ls->W);
        nnact__free(ls->b);
        nnact__free(ls->data);
        ls->W = ls->b = NULL;
        ls->data = NULL;
    }
    return s;
}

nnact_status nnact__layers_require_linear(const nnact__layers *ls, size_t first, size_t last,
                                          const char *who)
{
    for (size_t l = first; l < last; l++) {
        if (nnact_act_is_linear(ls->act[l], ls->alpha[l])) continue;
        if (ls->act[l] == NNACT_ACT_LEAKY_RELU)
            return nnact__fail(NNACT_ERR_NONLINEAR,
                               "%s: layer %zu has the nonlinear activation leaky_relu (alpha %g)",
                               who, l, ls->alpha[l]);
        return nnact__fail(NNACT_ERR_NONLINEAR, "%s: layer %zu has the nonlinear activation %s",
                           who, l, nnact_act_name(ls->act[l]));
    }
    return NNACT_OK;
}

nnact_status nnact__layers_require_finite(const nnact__layers *ls, size_t first, size_t last,
                                          const char *who)
{
    char what[48];
    for (size_t l = first; l < last; l++) {
        snprintf(what, sizeof what, "layer %zu: W", l);
        NNACT_FORWARD_IF_ERROR(
            nnact__require_finite(who, what, ls->dims[l], ls->dims[l + 1], ls->W[l]));
        snprintf(what, sizeof what, "layer %zu: b", l);
        NNACT_FORWARD_IF_ERROR(nnact__require_finite(who, what, 1, ls->dims[l + 1], ls->b[l]));
    }
    return NNACT_OK;
}

nnact_status nnact__input_scaling_load(const nnact_net *net, nnact__input_scaling *sc,
                                       const char *who)
{
    memset(sc, 0, sizeof *sc);
    NNACT_FORWARD_IF_ERROR(nnact_net_get_input_scaling(net, NULL, NULL, &sc->present));
    if (!sc->present) return NNACT_OK;
    sc->n = nnact_net_input_size(net);
    size_t bytes; /* n_in < 2^31 */
    NNACT_RETURN_IF(!nnact__matrix_bytes(sc->n, 3, &bytes), NNACT_ERR_OVERFLOW,
                    "%s: %zu inputs overflow", who, sc->n);
    sc->shift = nnact__malloc(bytes);
    if (sc->shift == NULL) {
        memset(sc, 0, sizeof *sc);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    sc->scale = sc->shift + sc->n;
    sc->tmp = sc->scale + sc->n;
    return nnact_net_get_input_scaling(net, sc->shift, sc->scale, NULL);
}

void nnact__input_scaling_free(nnact__input_scaling *sc)
{
    nnact__free(sc->shift);
    memset(sc, 0, sizeof *sc);
}

void nnact__input_scaling_fold(const nnact__input_scaling *sc, size_t n_out, double *K, double *c)
{
    if (!sc->present) return;
    for (size_t i = 0; i < sc->n; i++) {
        const double t = sc->shift[i] / sc->scale[i];
        double *row = K + i * n_out;
        for (size_t j = 0; j < n_out; j++)
            c[j] -= t * row[j];
    }
    for (size_t i = 0; i < sc->n; i++) {
        double *row = K + i * n_out;
        for (size_t j = 0; j < n_out; j++)
            row[j] /= sc->scale[i];
    }
}

void nnact__input_scaling_fold_abs(const nnact__input_scaling *sc, size_t n_out, double *P,
                                   double *p)
{
    if (!sc->present) return;
    for (size_t i = 0; i < sc->n; i++) {
        const double t = fabs(sc->shift[i] / sc->scale[i]), s = fabs(sc->scale[i]);
        double *row = P + i * n_out;
        for (size_t j = 0; j < n_out; j++) {
            p[j] += t * row[j];
            row[j] /= s;
        }
    }
}
