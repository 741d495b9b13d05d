/* Internal to the collapse module: a network's layers copied out through the
 * public net API, and the matrix-chain planner/evaluator shared by collapse,
 * fuse and local affine. */
#ifndef NNACT_COLLAPSE_INTERNAL_H
#define NNACT_COLLAPSE_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "linalg/linalg_internal.h" /* nnact__require_finite */
#include "nnact/act.h"
#include "nnact/net.h"

/* Layer l maps dims[l] -> dims[l + 1]: y = act(x W[l] + b[l]). */
typedef struct nnact__layers {
    size_t count;
    size_t *dims;        /* count + 1 */
    nnact_act_kind *act; /* count */
    double *alpha;       /* count, resolved parameters */
    unsigned *flags;     /* count */
    double **W;          /* count pointers into data, or NULL without weights */
    double **b;          /* count pointers into data */
    double *data;        /* every W and b */
} nnact__layers;

/* Reads the layer descriptions, and the weights too when with_weights (all of
 * them in one allocation, sized with checked arithmetic first). On failure
 * *ls is empty. `who` names the public caller in errors. */
NNACT_HIDDEN nnact_status nnact__layers_load(const nnact_net *net, int with_weights,
                                             nnact__layers *ls, const char *who);
NNACT_HIDDEN void nnact__layers_free(nnact__layers *ls);
/* Adds the weights to layers loaded without them (on failure the
 * descriptions stay and the weights are absent). */
NNACT_HIDDEN nnact_status nnact__layers_load_weights(const nnact_net *net, nnact__layers *ls,
                                                     const char *who);

/* NNACT_ERR_NONLINEAR naming the first layer in [first, last) whose
 * activation is not linear. */
NNACT_HIDDEN nnact_status nnact__layers_require_linear(const nnact__layers *ls, size_t first,
                                                       size_t last, const char *who);

/* NNACT_ERR_NUMERIC naming the first NaN or infinite weight or bias of the
 * layers [first, last). */
NNACT_HIDDEN nnact_status nnact__layers_require_finite(const nnact__layers *ls, size_t first,
                                                       size_t last, const char *who);

/* The product M0 M1 ... M(n-1), Mi dims[i] x dims[i+1], in the order of
 * fewest multiplications (the classic O(n^3) dynamic program). */
typedef struct nnact__chain {
    size_t n;
    const size_t *dims; /* borrowed, n + 1 */
    size_t *split;      /* n x n: the product of i..j splits after split[i*n+j] */
    double mults;       /* multiplications of the chosen order */
    double naive_mults; /* multiplications of ((M0 M1) M2) ... */
    size_t work;        /* doubles of workspace nnact__chain_eval needs */
} nnact__chain;

/* Plans the product (n >= 1). Checks, before the caller allocates anything
 * for the product, that every intermediate fits size_t bytes and the BLAS's
 * int (NNACT_ERR_OVERFLOW otherwise). */
NNACT_HIDDEN nnact_status nnact__chain_plan(size_t n, const size_t *dims, nnact__chain *ch,
                                            const char *who);
NNACT_HIDDEN void nnact__chain_free(nnact__chain *ch);

/* out (dims[0] x dims[n]) = the product, every step one dgemm; mats[i] is
 * dims[i] x dims[i+1] row-major. work holds ch->work doubles. Cannot fail. */
NNACT_HIDDEN void nnact__chain_eval(const nnact__chain *ch, const double *const *mats, double *work,
                                    double *out);

/* Writes the order as "W<first+i>" factors in parentheses; returns the bytes
 * needed including the terminating NUL (writes only when size suffices). */
NNACT_HIDDEN size_t nnact__chain_order(const nnact__chain *ch, size_t first, char *buf,
                                       size_t size);

/* Plans the affine map of layers [first, last) (activations ignored: the
 * caller has checked them) and returns the doubles of workspace that
 * nnact__collapse_eval needs in *work; *mults and *naive_mults may be NULL. */
NNACT_HIDDEN nnact_status nnact__collapse_plan(const nnact__layers *ls, size_t first, size_t last,
                                               nnact__chain *ch, size_t *work, const char *who);
/* K (dims[first] x dims[last]) and c (dims[last]) of the planned range, from
 * the weights W and biases b (arrays of ls->count pointers, e.g. ls->W, or
 * copies of them), every product one dgemm. Cannot fail. */
NNACT_HIDDEN void nnact__collapse_eval(const nnact__layers *ls, const nnact__chain *ch,
                                       size_t first, size_t last, double *const *W,
                                       double *const *b, double *work, double *K, double *c);

/* The network's input scaling x' = (x - shift) / scale (nnact_net_set_input_scaling),
 * copied out: the collapse calls fold it into the map of the layers, so that
 * K and c describe the whole network. */
typedef struct nnact__input_scaling {
    int present;
    size_t n;      /* n_in */
    double *shift; /* n doubles each, then n of scratch; NULL when absent */
    double *scale;
    double *tmp;
} nnact__input_scaling;
/* Copies it out (one allocation when present). */
NNACT_HIDDEN nnact_status nnact__input_scaling_load(const nnact_net *net, nnact__input_scaling *sc,
                                                    const char *who);
NNACT_HIDDEN void nnact__input_scaling_free(nnact__input_scaling *sc);
/* The map x~ K + c of the layers, with x~ = (x - shift) / scale, as x K' + c':
 * c' = c - (shift / scale) K, then K' = diag(1 / scale) K (row i of K divided
 * by scale[i]). In place; K is n x n_out. Nothing when absent. Entries may
 * overflow to +-Inf for a tiny scale, as a product of large weights may. */
NNACT_HIDDEN void nnact__input_scaling_fold(const nnact__input_scaling *sc, size_t n_out, double *K,
                                            double *c);
/* The same fold on the magnitudes of the rounding bound (|K|-like P, p >= 0):
 * p' = p + |shift / scale| P, P' = diag(1 / |scale|) P. */
NNACT_HIDDEN void nnact__input_scaling_fold_abs(const nnact__input_scaling *sc, size_t n_out,
                                                double *P, double *p);

/* g(k) = k u / (1 - k u), u = 2^-53; +Inf when k u >= 1. */
NNACT_HIDDEN double nnact__gamma(double k);

#endif /* NNACT_COLLAPSE_INTERNAL_H */
