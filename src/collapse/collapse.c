/* Collapse of an all-linear network into x K + c, and its check against the
 * network with the a-priori bound of the standard product error analysis. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "blas/blas.h"
#include "collapse/collapse_internal.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "nnact/collapse.h"

nnact_status nnact__collapse_plan(const nnact__layers *ls, size_t first, size_t last,
                                  nnact__chain *ch, size_t *work, const char *who)
{
    NNACT_FORWARD_IF_ERROR(nnact__chain_plan(last - first, ls->dims + first, ch, who));
    size_t maxw = 0;
    for (size_t l = first; l <= last; l++)
        maxw = ls->dims[l] > maxw ? ls->dims[l] : maxw;
    /* Two vectors of the widest width fold the biases. */
    if (!nnact__add_size(ch->work, maxw, work) || !nnact__add_size(*work, maxw, work)) {
        nnact__chain_free(ch);
        return nnact__fail(NNACT_ERR_OVERFLOW, "%s: workspace overflows size_t", who);
    }
    return NNACT_OK;
}

void nnact__collapse_eval(const nnact__layers *ls, const nnact__chain *ch, size_t first,
                          size_t last, double *const *W, double *const *b, double *work, double *K,
                          double *c)
{
    const size_t *d = ls->dims;
    nnact__chain_eval(ch, (const double *const *)(W + first), work, K);
    /* c = net(0) of the range: c(l) = c(l-1) W(l) + b(l), one row at a time. */
    double *v = work + ch->work, *t = v;
    size_t maxw = 0;
    for (size_t l = first; l <= last; l++)
        maxw = d[l] > maxw ? d[l] : maxw;
    t = v + maxw;
    memcpy(v, b[first], d[first + 1] * sizeof(double));
    for (size_t l = first + 1; l < last; l++) {
        memcpy(t, b[l], d[l + 1] * sizeof(double));
        nnact__dgemm(0, 0, 1, d[l + 1], d[l], 1.0, v, d[l], W[l], d[l + 1], 1.0, t, d[l + 1]);
        double *swap = v;
        v = t;
        t = swap;
    }
    memcpy(c, v, d[last] * sizeof(double));
}

static void identity_map(size_t n, double *K, double *c)
{
    memset(K, 0, n * n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        K[i * n + i] = 1.0;
    memset(c, 0, n * sizeof(double));
}

nnact_status nnact_net_collapse_ex(const nnact_net *net, double *K, double *c, double *flops,
                                   double *naive_flops)
{
    static const char who[] = "nnact_net_collapse";
    NNACT_RETURN_IF(net == NULL || K == NULL || c == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : K == NULL ? "K"
                                : "c");
    nnact__layers ls;
    nnact__input_scaling sc;
    NNACT_FORWARD_IF_ERROR(nnact__layers_load(net, 0, &ls, who));
    nnact_status s = nnact__layers_require_linear(&ls, 0, ls.count, who);
    /* the input scaling is one more (diagonal) affine map in front, folded
       into K and c after the chain; its cost is not part of the flops */
    if (s == NNACT_OK)
        s = nnact__input_scaling_load(net, &sc, who);
    else
        memset(&sc, 0, sizeof sc);
    if (s == NNACT_OK && ls.count == 0) {
        /* The empty composition is the identity map. */
        size_t bytes;
        if (!nnact__matrix_bytes(ls.dims[0], ls.dims[0], &bytes)) {
            s = nnact__fail(NNACT_ERR_OVERFLOW, "%s: K of %zu x %zu overflows", who, ls.dims[0],
                            ls.dims[0]);
        } else {
            identity_map(ls.dims[0], K, c);
            nnact__input_scaling_fold(&sc, ls.dims[0], K, c);
            if (flops) *flops = 0.0;
            if (naive_flops) *naive_flops = 0.0;
        }
        nnact__input_scaling_free(&sc);
        nnact__layers_free(&ls);
        return s;
    }
    /* Plan (and check every size) before loading the weights. */
    nnact__chain ch;
    memset(&ch, 0, sizeof ch);
    size_t work_n = 0;
    double *work = NULL;
    if (s == NNACT_OK) s = nnact__collapse_plan(&ls, 0, ls.count, &ch, &work_n, who);
    if (s == NNACT_OK) s = nnact__layers_load_weights(net, &ls, who);
    if (s == NNACT_OK) s = nnact__layers_require_finite(&ls, 0, ls.count, who);
    if (s == NNACT_OK) {
        work = nnact__malloc(work_n * sizeof(double) + 1);
        if (work == NULL)
            s = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (%zu doubles of workspace)", who,
                            work_n);
    }
    if (s == NNACT_OK) {
        nnact__collapse_eval(&ls, &ch, 0, ls.count, ls.W, ls.b, work, K, c);
        nnact__input_scaling_fold(&sc, ls.dims[ls.count], K, c);
        if (flops) *flops = 2.0 * ch.mults;
        if (naive_flops) *naive_flops = 2.0 * ch.naive_mults;
    }
    nnact__free(work);
    nnact__chain_free(&ch);
    nnact__input_scaling_free(&sc);
    nnact__layers_free(&ls);
    return s;
}

nnact_status nnact_net_collapse(const nnact_net *net, double *K, double *c)
{
    return nnact_net_collapse_ex(net, K, c, NULL, NULL);
}

nnact_status nnact_net_collapse_order(const nnact_net *net, char *order, size_t order_size,
                                      double *flops, double *naive_flops)
{
    static const char who[] = "nnact_net_collapse_order";
    nnact__layers ls;
    NNACT_FORWARD_IF_ERROR(nnact__layers_load(net, 0, &ls, who));
    nnact_status s = nnact__layers_require_linear(&ls, 0, ls.count, who);
    if (s == NNACT_OK && ls.count == 0) {
        if (order != NULL && order_size < 1)
            s = nnact__fail(NNACT_ERR_ARG, "%s: order needs 1 byte, got 0", who);
        else {
            if (order != NULL) order[0] = '\0';
            if (flops) *flops = 0.0;
            if (naive_flops) *naive_flops = 0.0;
        }
        nnact__layers_free(&ls);
        return s;
    }
    nnact__chain ch;
    memset(&ch, 0, sizeof ch);
    if (s == NNACT_OK) s = nnact__chain_plan(ls.count, ls.dims, &ch, who);
    if (s == NNACT_OK && order != NULL) {
        size_t need = nnact__chain_order(&ch, 0, NULL, 0);
        if (need > order_size)
            s = nnact__fail(NNACT_ERR_ARG, "%s: order needs %zu bytes, got %zu", who, need,
                            order_size);
        else
            nnact__chain_order(&ch, 0, order, order_size);
    }
    if (s == NNACT_OK) {
        if (flops) *flops = 2.0 * ch.mults;
        if (naive_flops) *naive_flops = 2.0 * ch.naive_mults;
    }
    nnact__chain_free(&ch);
    nnact__layers_free(&ls);
    return s;
}

/* Workspace carving with checked sizes: each call reserves n doubles. */
struct carve {
    size_t total;
    int overflow;
};
static size_t reserve(struct carve *cv, size_t a, size_t b)
{
    size_t n, at = cv->total;
    if (!nnact__mul_size(a, b, &n) || !nnact__add_size(cv->total, n, &cv->total)) cv->overflow = 1;
    return at;
}

/* One check's state: the layers with their weights, the planned chain, and
 * one block of workspace carved into the arrays below. */
struct check {
    nnact__layers ls;
    nnact__input_scaling sc; /* folded into K, c and P, p */
    nnact__chain ch;
    size_t batch, n_in, n_out, chain_work;
    double *block;
    double *K, *c;   /* the collapsed map */
    double *P, *p;   /* the same chain over |W| and |b|: the bound's magnitudes */
    double *yn, *yc; /* net(x) and x K + c */
    double *M, *ax;  /* |x| P + p, and |x| */
    double *aw;      /* |W| and |b|, laid out as ls.data */
    double *chain;   /* chain workspace */
    double **absW;   /* 2 L pointers into aw: the |W| of each layer, then the |b| */
};

static void check_free(struct check *ck)
{
    nnact__free(ck->absW);
    nnact__free(ck->block);
    nnact__chain_free(&ck->ch);
    nnact__input_scaling_free(&ck->sc);
    nnact__layers_free(&ck->ls);
}

/* Doubles of ls.data: every W and b, the last b ending the block. */
static size_t layers_data_count(const nnact__layers *ls)
{
    return (size_t)(ls->b[ls->count - 1] + ls->dims[ls->count] - ls->data);
}

/* Everything that can be refused before any workspace exists: a network
 * without layers or with a nonlinear one, sizes, NaN/Inf in x or the weights.
 * The chain is planned (every size checked) before the weights are loaded. */
static nnact_status check_load(const nnact_net *net, size_t batch, const double *x,
                               struct check *ck, const char *who)
{
    NNACT_FORWARD_IF_ERROR(nnact__layers_load(net, 0, &ck->ls, who));
    const size_t L = ck->ls.count;
    ck->batch = batch;
    ck->n_in = ck->ls.dims[0];
    ck->n_out = ck->ls.dims[L];
    /* Without layers there is no network to run (nnact_net_predict() refuses
     * it too), although the map itself, the identity, is defined. */
    NNACT_RETURN_IF(L == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);
    NNACT_FORWARD_IF_ERROR(nnact__layers_require_linear(&ck->ls, 0, L, who));
    /* Sizes first: x is only read once batch x n_in is known to be addressable. */
    size_t xb, yb;
    NNACT_RETURN_IF(!nnact__matrix_bytes(batch, ck->n_in, &xb) ||
                        !nnact__matrix_bytes(batch, ck->n_out, &yb),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu of %zu -> %zu overflows", who, batch,
                    ck->n_in, ck->n_out);
    NNACT_FORWARD_IF_ERROR(nnact__require_finite(who, "x", batch, ck->n_in, x));
    NNACT_FORWARD_IF_ERROR(nnact__collapse_plan(&ck->ls, 0, L, &ck->ch, &ck->chain_work, who));
    NNACT_FORWARD_IF_ERROR(nnact__layers_load_weights(net, &ck->ls, who));
    NNACT_FORWARD_IF_ERROR(nnact__layers_require_finite(&ck->ls, 0, L, who));
    return nnact__input_scaling_load(net, &ck->sc, who);
}

/* The workspace block, its size checked before it is allocated. */
static nnact_status check_alloc(struct check *ck, const char *who)
{
    const size_t batch = ck->batch, n_in = ck->n_in, n_out = ck->n_out;
    struct carve cv = {0, 0};
    size_t oK = reserve(&cv, n_in, n_out), oc = reserve(&cv, 1, n_out);
    size_t oP = reserve(&cv, n_in, n_out), op = reserve(&cv, 1, n_out);
    size_t oyn = reserve(&cv, batch, n_out), oyc = reserve(&cv, batch, n_out);
    size_t oM = reserve(&cv, batch, n_out), oax = reserve(&cv, batch, n_in);
    size_t oaw = reserve(&cv, 1, layers_data_count(&ck->ls));
    size_t owk = reserve(&cv, 1, ck->chain_work);
    size_t bytes;
    NNACT_RETURN_IF(cv.overflow || !nnact__blas_dims_ok(batch, n_out, n_in), NNACT_ERR_OVERFLOW,
                    "%s: workspace for batch %zu overflows", who, batch);
    NNACT_RETURN_IF(!nnact__mul_size(cv.total, sizeof(double), &bytes), NNACT_ERR_OVERFLOW,
                    "%s: workspace overflows", who);
    double *ws = nnact__malloc(bytes + 1);
    NNACT_RETURN_IF(ws == NULL, NNACT_ERR_NOMEM, "%s: out of memory (%zu bytes)", who, bytes);
    ck->block = ws;
    ck->K = ws + oK;
    ck->c = ws + oc;
    ck->P = ws + oP;
    ck->p = ws + op;
    ck->yn = ws + oyn;
    ck->yc = ws + oyc;
    ck->M = ws + oM;
    ck->ax = ws + oax;
    ck->aw = ws + oaw;
    ck->chain = ws + owk;
    return NNACT_OK;
}

/* The arrays of 2 pointers per layer for the |W|, |b| copies. */
static nnact_status check_alloc_abs(struct check *ck, const char *who)
{
    ck->absW = nnact__malloc(2 * ck->ls.count * sizeof *ck->absW);
    NNACT_RETURN_IF(ck->absW == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    return NNACT_OK;
}

/* K, c of the network and P, p of the same chain over |W| and |b|; then
 * yc = x K + c and M = |x| P + p, the magnitudes the bound scales. */
static void check_eval(struct check *ck, const double *x)
{
    const nnact__layers *ls = &ck->ls;
    const size_t L = ls->count, batch = ck->batch, n_in = ck->n_in, n_out = ck->n_out;
    nnact__collapse_eval(ls, &ck->ch, 0, L, ls->W, ls->b, ck->chain, ck->K, ck->c);
    const size_t data_n = layers_data_count(ls);
    for (size_t i = 0; i < data_n; i++)
        ck->aw[i] = fabs(ls->data[i]);
    for (size_t l = 0; l < L; l++) {
        ck->absW[l] = ck->aw + (ls->W[l] - ls->data);
        ck->absW[L + l] = ck->aw + (ls->b[l] - ls->data);
    }
    nnact__collapse_eval(ls, &ck->ch, 0, L, ck->absW, ck->absW + L, ck->chain, ck->P, ck->p);
    nnact__input_scaling_fold(&ck->sc, n_out, ck->K, ck->c);
    nnact__input_scaling_fold_abs(&ck->sc, n_out, ck->P, ck->p);
    for (size_t i = 0; i < batch * n_in; i++)
        ck->ax[i] = fabs(x[i]);
    for (size_t r = 0; r < batch; r++) {
        memcpy(ck->yc + r * n_out, ck->c, n_out * sizeof(double));
        memcpy(ck->M + r * n_out, ck->p, n_out * sizeof(double));
    }
    nnact__dgemm(0, 0, batch, n_out, n_in, 1.0, x, n_in, ck->K, n_out, 1.0, ck->yc, n_out);
    nnact__dgemm(0, 0, batch, n_out, n_in, 1.0, ck->ax, n_in, ck->P, n_out, 1.0, ck->M, n_out);
}

/* The factor that turns the magnitudes M into the bound B = factor * M.
 * Both evaluations are the augmented product x~ W~0 ... W~(L-1) in some
 * order, each within g(S) |x~||W~0|...|W~(L-1)| of the exact value, S the sum
 * of the contracted widths (n_in(l) + 1): hence the factor 2. M itself is a
 * product of non-negative numbers, computed within a factor (1 + g(S)) of the
 * exact one, hence 1 / (1 - g(S)). */
static double bound_factor(const nnact__layers *ls, const nnact__input_scaling *sc)
{
    /* an input scaling counts as one more layer of width n_in: the network
       computes (x - shift) / scale with two roundings per entry, the
       collapsed map folds shift / scale and 1 / scale in with one each */
    double S = sc->present ? (double)ls->dims[0] + 1.0 : 0.0;
    for (size_t l = 0; l < ls->count; l++)
        S += (double)ls->dims[l] + 1.0;
    double g = nnact__gamma(S);
    return 2.0 * g / (1.0 - g) * (1.0 + 8.0 * DBL_EPSILON);
}

/* The largest absolute and relative differences between net(x) and x K + c,
 * the largest bound and the largest difference-to-bound ratio. */
static void check_compare(const struct check *ck, double *max_abs_err, double *max_rel_err,
                          double *bound, double *ratio)
{
    const double factor = bound_factor(&ck->ls, &ck->sc);
    const double *yn = ck->yn, *yc = ck->yc, *M = ck->M;
    double mabs = 0.0, mrel = 0.0, mb = 0.0, mr = 0.0;
    for (size_t i = 0; i < ck->batch * ck->n_out; i++) {
        double d = fabs(yn[i] - yc[i]);
        double den = fmax(fabs(yn[i]), fabs(yc[i]));
        double B = factor * M[i];
        if (isnan(d)) d = INFINITY;
        mabs = fmax(mabs, d);
        if (d > 0.0) mrel = fmax(mrel, den > 0.0 ? d / den : INFINITY);
        mb = fmax(mb, B);
        if (d > 0.0) mr = fmax(mr, B > 0.0 ? d / B : INFINITY);
    }
    *max_abs_err = mabs;
    *max_rel_err = mrel;
    if (bound) *bound = mb;
    if (ratio) *ratio = mr;
}

nnact_status nnact_net_collapse_check_ex(const nnact_net *net, size_t batch, const double *x,
                                         double *max_abs_err, double *max_rel_err, double *bound,
                                         double *ratio)
{
    static const char who[] = "nnact_net_collapse_check";
    NNACT_RETURN_IF(net == NULL || x == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "x");
    NNACT_RETURN_IF(max_abs_err == NULL || max_rel_err == NULL, NNACT_ERR_ARG,
                    "%s: max_abs_err and max_rel_err must not be NULL", who);
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);

    struct check ck;
    memset(&ck, 0, sizeof ck);
    nnact_status s = check_load(net, batch, x, &ck, who);
    if (s == NNACT_OK) s = check_alloc(&ck, who);
    if (s == NNACT_OK) s = nnact_net_predict(net, batch, x, ck.yn);
    if (s == NNACT_OK) s = check_alloc_abs(&ck, who);
    if (s == NNACT_OK) {
        check_eval(&ck, x);
        check_compare(&ck, max_abs_err, max_rel_err, bound, ratio);
    }
    check_free(&ck);
    return s;
}

nnact_status nnact_net_collapse_check(const nnact_net *net, size_t batch, const double *x,
                                      double *max_abs_err, double *max_rel_err)
{
    return nnact_net_collapse_check_ex(net, batch, x, max_abs_err, max_rel_err, NULL, NULL);
}
