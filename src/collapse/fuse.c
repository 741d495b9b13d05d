/* Partial collapse (fusing linear runs into the next layer's affine part) and
 * the local affine map of a piecewise-linear network. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "blas/blas.h"
#include "collapse/collapse_internal.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "nnact/collapse.h"

/* Flops per sample of a dense layer: the product and the bias add. The
 * activation is the same before and after fusing, so it is left out. */
static double layer_flops(size_t n_in, size_t n_out)
{
    return 2.0 * (double)n_in * (double)n_out + (double)n_out;
}

/* Affine map of layers [p, q) into K, c (q - p >= 1). */
static nnact_status range_map(const nnact__layers *ls, size_t p, size_t q, double *K, double *c,
                              const char *who)
{
    if (q - p == 1) {
        memcpy(K, ls->W[p], ls->dims[p] * ls->dims[q] * sizeof(double));
        memcpy(c, ls->b[p], ls->dims[q] * sizeof(double));
        return NNACT_OK;
    }
    nnact__chain ch;
    size_t work_n;
    NNACT_FORWARD_IF_ERROR(nnact__collapse_plan(ls, p, q, &ch, &work_n, who));
    double *work = nnact__malloc(work_n * sizeof(double) + 1);
    if (work == NULL) {
        nnact__chain_free(&ch);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    nnact__collapse_eval(ls, &ch, p, q, ls->W, ls->b, work, K, c);
    nnact__free(work);
    nnact__chain_free(&ch);
    return NNACT_OK;
}

/* Segments of [a, g) with the fewest flops: cut[q] is where the segment
 * ending at q starts. Ties keep layers apart (the longer chain of cheaper
 * layers wins nothing, so nothing is merged for it). */
static void best_segments(const size_t *dims, size_t a, size_t g, double *best, size_t *cut)
{
    best[a] = 0.0;
    for (size_t q = a + 1; q <= g; q++) {
        best[q] = INFINITY;
        for (size_t p = q; p-- > a;) {
            double f = best[p] + layer_flops(dims[p], dims[q]);
            if (f < best[q]) {
                best[q] = f;
                cut[q] = p;
            }
        }
    }
}

static nnact_status build(const nnact__layers *ls, nnact_net *out, size_t *map, double *after,
                          const char *who)
{
    const size_t L = ls->count;
    size_t L1 = L + 1, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(L1, sizeof(double) + sizeof(size_t), &bytes),
                    NNACT_ERR_OVERFLOW, "%s: too many layers", who);
    double *best = nnact__malloc(L1 * sizeof(double));
    size_t *cut = nnact__malloc(L1 * sizeof(size_t));
    size_t *ends = nnact__malloc(L1 * sizeof(size_t));
    double *K = NULL, *c = NULL;
    nnact_status s = NNACT_OK;
    if (best == NULL || cut == NULL || ends == NULL)
        s = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    size_t new_layer = 0;
    *after = 0.0;
    for (size_t a = 0; s == NNACT_OK && a < L;) {
        /* The group: a maximal run of linear layers and the layer after it. */
        size_t e = a;
        while (e < L && nnact_act_is_linear(ls->act[e], ls->alpha[e]))
            e++;
        size_t g = e < L ? e + 1 : e;
        best_segments(ls->dims, a, g, best, cut);
        *after += best[g];
        size_t nseg = 0;
        for (size_t q = g; q > a; q = cut[q])
            ends[nseg++] = q;
        for (size_t i = nseg; s == NNACT_OK && i-- > 0;) {
            size_t q = ends[i], p = cut[q];
            unsigned flags = ls->flags[q - 1];
            int any_bias = 0;
            for (size_t l = p; l < q; l++)
                any_bias |= !(ls->flags[l] & NNACT_DENSE_NO_BIAS);
            if (q - p > 1) {
                flags &= ~NNACT_DENSE_NO_BIAS;
                if (!any_bias) flags |= NNACT_DENSE_NO_BIAS;
                s = nnact__layers_require_finite(ls, p, q, who);
            }
            size_t kb = 0;
            if (s == NNACT_OK && !nnact__matrix_bytes(ls->dims[p], ls->dims[q], &kb))
                s = nnact__fail(NNACT_ERR_OVERFLOW, "%s: merged layer %zu x %zu overflows", who,
                                ls->dims[p], ls->dims[q]);
            if (s == NNACT_OK) {
                K = nnact__malloc(kb + 1);
                c = nnact__malloc(ls->dims[q] * sizeof(double) + 1);
                if (K == NULL || c == NULL)
                    s = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
            }
            if (s == NNACT_OK) s = range_map(ls, p, q, K, c, who);
            if (s == NNACT_OK)
                s = nnact_net_add_dense_ex(out, ls->dims[q], ls->act[q - 1], ls->alpha[q - 1],
                                           flags);
            if (s == NNACT_OK) s = nnact_net_set_layer(out, new_layer, K, any_bias ? c : NULL);
            nnact__free(K);
            nnact__free(c);
            K = c = NULL;
            if (s == NNACT_OK && map != NULL)
                for (size_t l = p; l < q; l++)
                    map[l] = new_layer;
            new_layer++;
        }
        a = g;
    }
    nnact__free(best);
    nnact__free(cut);
    nnact__free(ends);
    return s;
}

/* The fused network computes the same function as `net`: same input scaling
 * and input names in front, and the same outputs, hence the same class and
 * target names. */
static nnact_status copy_prep(const nnact_net *net, nnact_net *fused, const char *who)
{
    nnact__input_scaling sc;
    NNACT_FORWARD_IF_ERROR(nnact__input_scaling_load(net, &sc, who));
    nnact_status s = sc.present ? nnact_net_set_input_scaling(fused, sc.shift, sc.scale) : NNACT_OK;
    nnact__input_scaling_free(&sc);
    const size_t n_in = nnact_net_input_size(net), n_classes = nnact_net_class_count(net),
                 n_targets = nnact_net_target_count(net);
    size_t n = n_in > n_classes ? n_in : n_classes;
    if (n_targets > n) n = n_targets;
    if (s != NNACT_OK || n == 0) return s;
    const char **names = nnact__malloc(n * sizeof *names);
    NNACT_RETURN_IF(names == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    if (nnact_net_input_name(net, 0) != NULL) {
        for (size_t i = 0; i < n_in; i++)
            names[i] = nnact_net_input_name(net, i);
        s = nnact_net_set_input_names(fused, names);
    }
    for (size_t i = 0; i < n_classes; i++)
        names[i] = nnact_net_class_name(net, i);
    if (s == NNACT_OK && n_classes > 0) s = nnact_net_set_class_names(fused, n_classes, names);
    for (size_t i = 0; i < n_targets; i++)
        names[i] = nnact_net_target_name(net, i);
    if (s == NNACT_OK && n_targets > 0) s = nnact_net_set_target_names(fused, n_targets, names);
    nnact__free((void *)names);
    return s;
}

nnact_status nnact_net_fuse_linear(const nnact_net *net, nnact_net **out, size_t *layer_map,
                                   double *flops_before, double *flops_after)
{
    static const char who[] = "nnact_net_fuse_linear";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    nnact__layers ls;
    NNACT_FORWARD_IF_ERROR(nnact__layers_load(net, 1, &ls, who));
    nnact_net *fused = NULL;
    double before = 0.0, after = 0.0;
    for (size_t l = 0; l < ls.count; l++)
        before += layer_flops(ls.dims[l], ls.dims[l + 1]);
    /* The map is built privately and copied out on success, so a failure
     * leaves the caller's array as it was. */
    size_t *map = NULL;
    nnact_status s = NNACT_OK;
    if (layer_map != NULL && ls.count > 0) {
        map = nnact__malloc(ls.count * sizeof *map);
        if (map == NULL) s = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    if (s == NNACT_OK) s = nnact_net_create(ls.dims[0], &fused);
    if (s == NNACT_OK) s = build(&ls, fused, map, &after, who);
    if (s == NNACT_OK) s = copy_prep(net, fused, who);
    const size_t count = ls.count;
    nnact__layers_free(&ls);
    if (s != NNACT_OK) {
        nnact__free(map);
        nnact_net_free(fused);
        return s;
    }
    if (map != NULL) memcpy(layer_map, map, count * sizeof *map);
    nnact__free(map);
    *out = fused;
    if (flops_before) *flops_before = before;
    if (flops_after) *flops_after = after;
    return NNACT_OK;
}

/* The piece of a piecewise-linear f at z: f = d z + e there. Comparisons
 * follow the library's derivative, so at a kink the piece is the one whose
 * slope nnact_act_derivative() reports. Returns 0 for other kinds. */
static int piece(nnact_act_kind k, double a, double z, double *d, double *e)
{
    *e = 0.0;
    switch (k) {
    case NNACT_ACT_IDENTITY:
        *d = 1.0;
        return 1;
    case NNACT_ACT_RELU:
        *d = z > 0 ? 1.0 : 0.0;
        return 1;
    case NNACT_ACT_LEAKY_RELU:
        *d = z > 0 ? 1.0 : a;
        return 1;
    case NNACT_ACT_HARD_TANH:
        *d = (z > -1.0 && z < 1.0) ? 1.0 : 0.0;
        if (*d == 0.0) *e = z <= -1.0 ? -1.0 : 1.0;
        return 1;
    case NNACT_ACT_RELU6:
        *d = (z > 0.0 && z < 6.0) ? 1.0 : 0.0;
        if (*d == 0.0) *e = z <= 0.0 ? 0.0 : 6.0;
        return 1;
    case NNACT_ACT_HARD_SIGMOID:
        /* relu6(z + 3) / 6 = z / 6 + 1/2 between the kinks at -3 and 3. */
        if (z > -3.0 && z < 3.0) {
            *d = 1.0 / 6.0;
            *e = 0.5;
        } else {
            *d = 0.0;
            *e = z <= -3.0 ? 0.0 : 1.0;
        }
        return 1;
    case NNACT_ACT_SOFTSHRINK:
        *d = (z > a || z < -a) ? 1.0 : 0.0;
        if (*d != 0.0) *e = z > a ? -a : a;
        return 1;
    default:
        *d = NAN;
        return 0;
    }
}

static int piecewise_linear(nnact_act_kind k, double a)
{
    double d, e;
    return piece(k, a, 0.0, &d, &e);
}

nnact_status nnact_net_local_affine(const nnact_net *net, const double *x, double *K, double *c)
{
    static const char who[] = "nnact_net_local_affine";
    NNACT_RETURN_IF(net == NULL || x == NULL || K == NULL || c == NULL, NNACT_ERR_ARG,
                    "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : x == NULL ? "x"
                    : K == NULL ? "K"
                                : "c");
    nnact__layers ls;
    NNACT_FORWARD_IF_ERROR(nnact__layers_load(net, 0, &ls, who));
    nnact_status s = NNACT_OK;
    for (size_t l = 0; s == NNACT_OK && l < ls.count; l++)
        if (!piecewise_linear(ls.act[l], ls.alpha[l]))
            s = nnact__fail(NNACT_ERR_NONLINEAR,
                            "%s: layer %zu has the activation %s, not piecewise linear", who, l,
                            nnact_act_name(ls.act[l]));
    const size_t n_in = ls.dims[0], L = ls.count;
    if (s == NNACT_OK) s = nnact__require_finite(who, "x", 1, n_in, x);
    /* With an input scaling the layers see x~ = (x - shift) / scale, and
       their local map is folded back to x: K' = diag(1/scale) K, c' = c -
       (shift/scale) K, the same closed form as nnact_net_collapse(). */
    nnact__input_scaling sc;
    memset(&sc, 0, sizeof sc);
    if (s == NNACT_OK) s = nnact__input_scaling_load(net, &sc, who);
    if (s == NNACT_OK && sc.present) {
        for (size_t i = 0; i < n_in; i++)
            sc.tmp[i] = (x[i] - sc.shift[i]) / sc.scale[i];
        x = sc.tmp;
        s = nnact__require_finite(who, "the scaled x", 1, n_in, x);
    }
    if (s == NNACT_OK && L == 0) {
        size_t bytes;
        if (!nnact__matrix_bytes(n_in, n_in, &bytes))
            s = nnact__fail(NNACT_ERR_OVERFLOW, "%s: K of %zu x %zu overflows", who, n_in, n_in);
        else {
            memset(K, 0, bytes);
            for (size_t i = 0; i < n_in; i++)
                K[i * n_in + i] = 1.0;
            memset(c, 0, n_in * sizeof(double));
            nnact__input_scaling_fold(&sc, n_in, K, c);
        }
    }
    if (s != NNACT_OK || L == 0) {
        nnact__input_scaling_free(&sc);
        nnact__layers_free(&ls);
        return s;
    }

    /* Plan (checking every size) before the weights are loaded. */
    nnact__chain ch;
    memset(&ch, 0, sizeof ch);
    size_t work_n = 0, maxw = 0;
    for (size_t l = 0; l <= L; l++)
        maxw = ls.dims[l] > maxw ? ls.dims[l] : maxw;
    s = nnact__collapse_plan(&ls, 0, L, &ch, &work_n, who);
    if (s == NNACT_OK) s = nnact__layers_load_weights(net, &ls, who);
    if (s == NNACT_OK) s = nnact__layers_require_finite(&ls, 0, L, who);
    double *work = NULL;
    size_t data_n = s == NNACT_OK ? (size_t)(ls.b[L - 1] + ls.dims[L] - ls.data) : 0, total = 0;
    if (s == NNACT_OK &&
        (!nnact__add_size(work_n, data_n, &total) || !nnact__add_size(total, 2 * maxw, &total) ||
         !nnact__mul_size(total, sizeof(double), &total)))
        s = nnact__fail(NNACT_ERR_OVERFLOW, "%s: workspace overflows", who);
    if (s == NNACT_OK && (work = nnact__malloc(total + 1)) == NULL)
        s = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (%zu bytes)", who, total);
    if (s == NNACT_OK) {
        /* Copy the weights, scaling layer l's columns by the slopes d and its
         * bias to b d + e: then x' -> x' K + c reproduces every layer's piece. */
        double *scaled = work + work_n, *y = scaled + data_n, *z = y + maxw;
        memcpy(scaled, ls.data, data_n * sizeof(double));
        memcpy(y, x, n_in * sizeof(double));
        for (size_t l = 0; s == NNACT_OK && l < L; l++) {
            size_t ni = ls.dims[l], no = ls.dims[l + 1];
            double *W = scaled + (ls.W[l] - ls.data), *b = scaled + (ls.b[l] - ls.data);
            memcpy(z, ls.b[l], no * sizeof(double));
            nnact__dgemm(0, 0, 1, no, ni, 1.0, y, ni, ls.W[l], no, 1.0, z, no);
            char what[48];
            snprintf(what, sizeof what, "layer %zu: pre-activation", l);
            s = nnact__require_finite(who, what, 1, no, z);
            for (size_t j = 0; s == NNACT_OK && j < no; j++) {
                double d, e;
                piece(ls.act[l], ls.alpha[l], z[j], &d, &e);
                for (size_t i = 0; i < ni; i++)
                    W[i * no + j] *= d;
                b[j] = b[j] * d + e;
            }
            if (s == NNACT_OK) s = nnact_act_forward(ls.act[l], ls.alpha[l], no, z, y);
            ls.W[l] = W;
            ls.b[l] = b;
        }
        if (s == NNACT_OK) nnact__collapse_eval(&ls, &ch, 0, L, ls.W, ls.b, work, K, c);
        if (s == NNACT_OK) nnact__input_scaling_fold(&sc, ls.dims[L], K, c);
    }
    nnact__free(work);
    nnact__chain_free(&ch);
    nnact__input_scaling_free(&sc);
    nnact__layers_free(&ls);
    return s;
}
