/* Networks of dense layers. Every matrix product is one nnact__dgemm
 * (cblas_dgemm) call; the data flow, with each call's shapes, is in
 * docs/NETWORK.md. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "act/act_internal.h"
#include "act/fpguard.h"
#include "blas/blas.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "core/names.h"
#include "net/net_internal.h"
#include "net/net_testing.h"
#include "optim/optim_internal.h"
#include "par/par.h"

struct layer {
    size_t n_in, n_out;
    nnact_act_kind act;
    double alpha; /* resolved: never NaN */
    unsigned flags;
    /* what backward differentiates f from: 2 = nothing (identity), 1 = the
     * output A, 0 = the pre-activation Z, which then has to be kept */
    int dmode;
    size_t off; /* W at params + off, b (if any) right after */
    size_t n_params;
    /* batch buffers (inside net->ws): z == a unless dmode == 0; d holds
     * dL/dA then, differentiated in place, dL/dZ of the last backward */
    double *z, *a, *d;
    const double *dz; /* dL/dZ of the last backward: d, or the caller's dy */
};

enum { D_FROM_Z = 0, D_FROM_A = 1, D_IDENTITY = 2 };

struct nnact_net {
    size_t n_in;
    size_t n_layers;
    struct layer *layers;
    size_t n_params;
    double *store; /* n_params parameters */
    /* n_params gradients; allocated with the batch buffers (a network is
     * built layer by layer without ever holding two gradient arrays), and
     * not touched before a backward writes them */
    double *grads;
    /* batch buffers for batches up to cap */
    size_t cap;
    double *ws;
    double *xk;        /* cap x n_in: copy of the last forward's input */
    const double *xin; /* input of the kept forward: xk, or a borrowed x */
    size_t fwd_batch;  /* batch of the kept forward; 0 = none */
    int have_grad;
    /* input scaling x' = (x - shift) / scale: one block of 2 n_in doubles,
     * shift then scale; NULL when there is none */
    double *shift, *scale;
    /* class names: one block of n_classes pointers followed by their bytes
     * (each NUL-terminated); names_bytes is the block's size */
    char **class_names;
    size_t n_classes, names_bytes;
    /* input (feature) names: n_in of them or none; target names: 1..n_out
     * data columns the outputs were trained on, or none. Same block layout,
     * *_bytes each block's size. */
    char **input_names, **target_names;
    size_t input_names_bytes, n_targets, target_names_bytes;
};

#define W_OF(net, l) ((net)->store + (l)->off)
#define B_OF(net, l)                                                                               \
    (((l)->flags & NNACT_DENSE_NO_BIAS) ? NULL : W_OF(net, l) + (l)->n_in * (l)->n_out)
#define DW_OF(net, l) ((net)->grads + (l)->off)
#define DB_OF(net, l)                                                                              \
    (((l)->flags & NNACT_DENSE_NO_BIAS) ? NULL : DW_OF(net, l) + (l)->n_in * (l)->n_out)

static int ranges_overlap(const double *a, size_t na, const double *b, size_t nb)
{
    uintptr_t a0 = (uintptr_t)a, a1 = (uintptr_t)(a + na), b0 = (uintptr_t)b,
              b1 = (uintptr_t)(b + nb);
    return na && nb && a0 < b1 && b0 < a1;
}

nnact_status nnact_net_create(size_t n_inputs, nnact_net **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_net_create: out is NULL");
    *out = NULL;
    NNACT_RETURN_IF(n_inputs == 0, NNACT_ERR_ARG, "nnact_net_create: n_inputs is 0");
    NNACT_RETURN_IF(n_inputs > INT32_MAX, NNACT_ERR_OVERFLOW,
                    "nnact_net_create: n_inputs %zu exceeds the BLAS's int", n_inputs);
    nnact_net *net = nnact__calloc(1, sizeof *net);
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_NOMEM, "nnact_net_create: out of memory");
    net->n_in = n_inputs;
    *out = net;
    return NNACT_OK;
}

static void drop_workspace(nnact_net *net)
{
    nnact__free(net->ws);
    net->ws = net->xk = NULL;
    net->xin = NULL;
    net->cap = 0;
    net->fwd_batch = 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        net->layers[l].z = net->layers[l].a = net->layers[l].d = NULL;
        net->layers[l].dz = NULL;
    }
}

void nnact_net_free(nnact_net *net)
{
    if (net == NULL) return;
    nnact__free(net->ws);
    nnact__free(net->grads);
    nnact__free(net->store);
    nnact__free(net->layers);
    nnact__free(net->shift);
    nnact__free(net->class_names);
    nnact__free(net->input_names);
    nnact__free(net->target_names);
    nnact__free(net);
}

size_t nnact_net_layer_count(const nnact_net *net)
{
    return net ? net->n_layers : 0;
}

size_t nnact_net_input_size(const nnact_net *net)
{
    return net ? net->n_in : 0;
}

size_t nnact_net_output_size(const nnact_net *net)
{
    if (net == NULL) return 0;
    return net->n_layers ? net->layers[net->n_layers - 1].n_out : net->n_in;
}

size_t nnact_net_param_count(const nnact_net *net)
{
    return net ? net->n_params : 0;
}

nnact_status nnact_net_add_dense(nnact_net *net, size_t n_outputs, nnact_act_kind act, double alpha)
{
    return nnact_net_add_dense_ex(net, n_outputs, act, alpha, 0);
}

nnact_status nnact_net_add_dense_ex(nnact_net *net, size_t n_outputs, nnact_act_kind act,
                                    double alpha, unsigned flags)
{
    static const char who[] = "nnact_net_add_dense";
    double a;
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(n_outputs == 0, NNACT_ERR_ARG, "%s: layer %zu: n_outputs is 0", who,
                    net->n_layers);
    NNACT_RETURN_IF(flags & ~NNACT_DENSE_NO_BIAS, NNACT_ERR_ARG, "%s: unknown flags 0x%x", who,
                    flags & ~NNACT_DENSE_NO_BIAS);
    NNACT_FORWARD_IF_ERROR(nnact__act_resolve(who, act, alpha, &a));

    const size_t n_in = nnact_net_output_size(net);
    size_t wbytes, n_w, n_p, total, store_bytes, layers_bytes;
    NNACT_RETURN_IF(!nnact__matrix_bytes(n_in, n_outputs, &wbytes), NNACT_ERR_OVERFLOW,
                    "%s: layer %zu: %zu x %zu weights overflow size_t", who, net->n_layers, n_in,
                    n_outputs);
    n_w = wbytes / sizeof(double);
    NNACT_RETURN_IF(n_outputs > INT32_MAX, NNACT_ERR_OVERFLOW,
                    "%s: layer %zu: n_outputs %zu exceeds the BLAS's int", who, net->n_layers,
                    n_outputs);
    n_p = n_w + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : n_outputs);
    NNACT_RETURN_IF(!nnact__add_size(net->n_params, n_p, &total) ||
                        !nnact__matrix_bytes(total, 2, &store_bytes) || /* grads come later */
                        !nnact__mul_size(net->n_layers + 1, sizeof(struct layer), &layers_bytes),
                    NNACT_ERR_OVERFLOW, "%s: layer %zu: parameter count overflows size_t", who,
                    net->n_layers);

    /* Build the new tables beside the old ones so a failure changes nothing.
     * Only the parameters are copied: the gradients of the old shape mean
     * nothing for the new one, and their array is dropped and allocated again
     * with the batch buffers, so building holds at most the old and the new
     * parameter arrays (docs/PERFORMANCE.md, the build peak). */
    store_bytes /= 2;
    struct layer *layers = nnact__malloc(layers_bytes);
    NNACT_RETURN_IF(layers == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double *store = nnact__malloc(store_bytes);
    if (store == NULL) {
        nnact__free(layers);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (%zu parameters)", who, total);
    }
    if (net->n_layers) memcpy(layers, net->layers, net->n_layers * sizeof *layers);
    /* the new layer's parameters start at zero */
    if (net->n_params) memcpy(store, net->store, net->n_params * sizeof(double));
    memset(store + net->n_params, 0, n_p * sizeof(double));

    struct layer *L = &layers[net->n_layers];
    memset(L, 0, sizeof *L);
    L->n_in = n_in;
    L->n_out = n_outputs;
    L->act = act;
    L->alpha = a;
    L->flags = flags;
    L->dmode = act == NNACT_ACT_IDENTITY                ? D_IDENTITY
               : nnact_act_supports_from_output(act, a) ? D_FROM_A
                                                        : D_FROM_Z;
    L->off = net->n_params;
    L->n_params = n_p;

    drop_workspace(net); /* shapes changed: the batch buffers no longer fit */
    nnact__free(net->grads);
    net->grads = NULL;
    nnact__free(net->layers);
    nnact__free(net->store);
    net->layers = layers;
    net->store = store;
    net->n_layers++;
    net->n_params = total;
    net->have_grad = 0;
    /* class and target names described the old last layer's outputs; the
     * input scaling and the input names stay (they describe the input) */
    nnact__free(net->class_names);
    net->class_names = NULL;
    net->n_classes = net->names_bytes = 0;
    nnact__free(net->target_names);
    net->target_names = NULL;
    net->n_targets = net->target_names_bytes = 0;
    return NNACT_OK;
}

nnact_status nnact_net_layer_info(const nnact_net *net, size_t layer, size_t *n_in, size_t *n_out,
                                  nnact_act_kind *act, double *alpha, unsigned *flags)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "nnact_net_layer_info: net is NULL");
    NNACT_RETURN_IF(layer >= net->n_layers, NNACT_ERR_ARG,
                    "nnact_net_layer_info: layer %zu out of range (%zu layers)", layer,
                    net->n_layers);
    const struct layer *L = &net->layers[layer];
    if (n_in) *n_in = L->n_in;
    if (n_out) *n_out = L->n_out;
    if (act) *act = L->act;
    if (alpha) *alpha = L->alpha;
    if (flags) *flags = L->flags;
    return NNACT_OK;
}

nnact_status nnact_net_set_layer(nnact_net *net, size_t layer, const double *W, const double *b)
{
    static const char who[] = "nnact_net_set_layer";
    NNACT_RETURN_IF(net == NULL || W == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "W");
    NNACT_RETURN_IF(layer >= net->n_layers, NNACT_ERR_ARG,
                    "%s: layer %zu out of range (%zu layers)", who, layer, net->n_layers);
    const struct layer *L = &net->layers[layer];
    NNACT_RETURN_IF(b != NULL && (L->flags & NNACT_DENSE_NO_BIAS), NNACT_ERR_ARG,
                    "%s: layer %zu has no bias (NNACT_DENSE_NO_BIAS) but b was given", who, layer);
    memmove(W_OF(net, L), W, L->n_in * L->n_out * sizeof(double));
    double *bias = B_OF(net, L);
    if (bias) {
        if (b)
            memmove(bias, b, L->n_out * sizeof(double));
        else
            memset(bias, 0, L->n_out * sizeof(double));
    }
    return NNACT_OK;
}

nnact_status nnact_net_get_layer(const nnact_net *net, size_t layer, double *W, double *b)
{
    static const char who[] = "nnact_net_get_layer";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(layer >= net->n_layers, NNACT_ERR_ARG,
                    "%s: layer %zu out of range (%zu layers)", who, layer, net->n_layers);
    const struct layer *L = &net->layers[layer];
    if (W) memmove(W, W_OF(net, L), L->n_in * L->n_out * sizeof(double));
    if (b) {
        const double *bias = B_OF(net, L);
        if (bias)
            memmove(b, bias, L->n_out * sizeof(double));
        else
            memset(b, 0, L->n_out * sizeof(double));
    }
    return NNACT_OK;
}

nnact_status nnact_net_get_grad(const nnact_net *net, size_t layer, double *dW, double *db)
{
    static const char who[] = "nnact_net_get_grad";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(layer >= net->n_layers, NNACT_ERR_ARG,
                    "%s: layer %zu out of range (%zu layers)", who, layer, net->n_layers);
    NNACT_RETURN_IF(!net->have_grad, NNACT_ERR_STATE, "%s: no backward has run yet", who);
    const struct layer *L = &net->layers[layer];
    if (dW) memmove(dW, DW_OF(net, L), L->n_in * L->n_out * sizeof(double));
    if (db) {
        const double *g = DB_OF(net, L);
        if (g)
            memmove(db, g, L->n_out * sizeof(double));
        else
            memset(db, 0, L->n_out * sizeof(double));
    }
    return NNACT_OK;
}

static nnact_status check_flat(const char *who, const nnact_net *net, size_t n, const void *p)
{
    NNACT_RETURN_IF(net == NULL || p == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "array");
    NNACT_RETURN_IF(n != net->n_params, NNACT_ERR_SHAPE,
                    "%s: n is %zu, the network has %zu parameters", who, n, net->n_params);
    return NNACT_OK;
}

nnact_status nnact_net_get_params(const nnact_net *net, size_t n, double *out)
{
    NNACT_FORWARD_IF_ERROR(check_flat("nnact_net_get_params", net, n, out));
    if (n) memmove(out, net->store, n * sizeof(double));
    return NNACT_OK;
}

nnact_status nnact_net_set_params(nnact_net *net, size_t n, const double *in)
{
    NNACT_FORWARD_IF_ERROR(check_flat("nnact_net_set_params", net, n, in));
    if (n) memmove(net->store, in, n * sizeof(double));
    return NNACT_OK;
}

nnact_status nnact_net_get_grads(const nnact_net *net, size_t n, double *out)
{
    NNACT_FORWARD_IF_ERROR(check_flat("nnact_net_get_grads", net, n, out));
    NNACT_RETURN_IF(!net->have_grad, NNACT_ERR_STATE,
                    "nnact_net_get_grads: no backward has run yet");
    if (n) memmove(out, net->grads, n * sizeof(double));
    return NNACT_OK;
}

/* ---- batch buffers ---------------------------------------------------- */

static size_t widest_output(const nnact_net *net)
{
    size_t w = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        if (net->layers[l].n_out > w) w = net->layers[l].n_out;
    return w;
}

/* Doubles of the forward/backward buffers at batch B:
 * B (n_in + sum_l n_out_l (2 + keepZ_l)): the input copy, per layer Z (and A
 * when Z must be kept) and dL/dZ. Every layer keeps its own dL/dZ so a
 * training step can check all of them before it updates any layer
 * (backward_dz). Also checks that every product fits the BLAS's
 * int. 0 on overflow. */
static int workspace_doubles(const nnact_net *net, size_t batch, size_t *out)
{
    size_t per_row = net->n_in, t;
    if (batch > INT32_MAX) return 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        const struct layer *L = &net->layers[l];
        size_t w = (L->dmode == D_FROM_Z ? 3 : 2) * L->n_out; /* n_out < 2^31: no wrap */
        if (!nnact__add_size(per_row, w, &per_row)) return 0;
    }
    if (!nnact__mul_size(per_row, batch, &t) || !nnact__mul_size(t, sizeof(double), &per_row))
        return 0;
    *out = t;
    return 1;
}

static nnact_status ensure_workspace(nnact_net *net, size_t batch, const char *who)
{
    size_t n;
    NNACT_RETURN_IF(!workspace_doubles(net, batch, &n), NNACT_ERR_OVERFLOW,
                    "%s: batch %zu: buffer sizes overflow size_t or the BLAS's int", who, batch);
    if (batch <= net->cap) return NNACT_OK;
    double *grads = net->grads;
    if (grads == NULL) { /* n_params fits: the parameters are allocated */
        grads = nnact__malloc(net->n_params * sizeof(double));
        NNACT_RETURN_IF(grads == NULL, NNACT_ERR_NOMEM, "%s: out of memory for the gradients", who);
    }
    double *ws = nnact__malloc(n * sizeof(double));
    if (ws == NULL) {
        if (grads != net->grads) nnact__free(grads);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory for batch %zu (%zu bytes)", who,
                           batch, n * sizeof(double));
    }
    /* The old buffers hold the kept forward; dropping it is part of succeeding. */
    drop_workspace(net);
    net->grads = grads;
    net->ws = ws;
    net->cap = batch;
    double *p = ws;
    net->xk = p;
    p += batch * net->n_in;
    for (size_t l = 0; l < net->n_layers; l++) {
        struct layer *L = &net->layers[l];
        L->z = p;
        p += batch * L->n_out;
        if (L->dmode == D_FROM_Z) {
            L->a = p;
            p += batch * L->n_out;
        } else {
            L->a = L->z;
        }
        L->d = p;
        p += batch * L->n_out;
    }
    return NNACT_OK;
}

nnact_status nnact_net_reserve(nnact_net *net, size_t max_batch)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "nnact_net_reserve: net is NULL");
    NNACT_RETURN_IF(max_batch == 0, NNACT_ERR_ARG, "nnact_net_reserve: max_batch is 0");
    NNACT_RETURN_IF(net->n_layers == 0, NNACT_ERR_STATE,
                    "nnact_net_reserve: the network has no layers");
    return ensure_workspace(net, max_batch, "nnact_net_reserve");
}

nnact_status nnact_net_memory_bytes(const nnact_net *net, size_t batch, size_t *bytes)
{
    size_t fixed, ws = 0, t;
    NNACT_RETURN_IF(net == NULL || bytes == NULL, NNACT_ERR_ARG,
                    "nnact_net_memory_bytes: %s is NULL", net == NULL ? "net" : "bytes");
    /* parameters and gradients: 2 n_params doubles fit, add_dense checked it */
    fixed = sizeof(struct nnact_net) + net->n_layers * sizeof(struct layer) +
            2 * net->n_params * sizeof(double) + net->names_bytes + net->input_names_bytes +
            net->target_names_bytes;
    if (net->shift) fixed += 2 * net->n_in * sizeof(double);
    if (batch > 0 && net->n_layers > 0) {
        NNACT_RETURN_IF(!workspace_doubles(net, batch, &ws), NNACT_ERR_OVERFLOW,
                        "nnact_net_memory_bytes: batch %zu overflows", batch);
    }
    NNACT_RETURN_IF(!nnact__mul_size(ws, sizeof(double), &t) || !nnact__add_size(fixed, t, &t),
                    NNACT_ERR_OVERFLOW, "nnact_net_memory_bytes: batch %zu overflows", batch);
    *bytes = t;
    return NNACT_OK;
}

/* ---- threads ------------------------------------------------------------ */

/* Threads (par/par.h). The backward's pass over a layer's B x w block of
 * dL/dZ is cut into stripes of columns: each column's sum for db then lies in
 * one chunk and is added in row order, so db has the bits of the serial
 * row-by-row loop for every thread count and every stripe width, and the
 * only partials are max |dZ| per stripe (a maximum is exact in any order).
 * A stripe is a multiple of 4 columns (whole vectors) and at least 64 (512
 * bytes of every row: whole cache lines, a short inner loop does not pay),
 * and there are at most COL_CHUNKS_MAX of them (partials on the stack).
 * Passes under PAR_MIN_ELEMS doubles run on the calling thread: 32768
 * doubles is 256 KiB per array, about 15 us at one core's bandwidth, the
 * order of waking the other threads; a 64-wide layer at batch 64 (4096) is
 * always serial. */
#define COL_CHUNKS_MAX 64
#define PAR_MIN_ELEMS  32768
/* Elementwise passes (activation, the derivative from Z): chunks of 8192
 * doubles (64 KiB), rows or elements, any cut gives the same bits. */
#define ELEM_GRAIN 8192

static size_t serial_below(size_t elems)
{
    return elems >= PAR_MIN_ELEMS ? 0 : SIZE_MAX;
}

struct act_pass {
    const struct layer *L;
    int mode;
    const double *x, *dy;
    double *out;
};

static void act_chunk(void *ctx, size_t begin, size_t end)
{
    const struct act_pass *p = ctx;
    nnact__act_apply(p->L->act, p->L->alpha, p->mode, end - begin, p->x + begin,
                     p->dy ? p->dy + begin : NULL, p->out + begin);
}

/* The activation kernel over n elements, split across threads when large. */
static void act_apply_par(const struct layer *L, int mode, size_t n, const double *x,
                          const double *dy, double *out)
{
    struct act_pass p = {L, mode, x, dy, out};
    nnact__par_for(n, ELEM_GRAIN, serial_below(n), act_chunk, &p);
}

/* The larger of a and b, NaN when either is. */
static double max_nan(double a, double b)
{
    return (a > b || a != a) ? a : b;
}

/* ---- forward ------------------------------------------------------------ */

/* Z = X W + b for one layer, X batch x n_in in `in`: b is copied into every
 * row of Z first and the product added with beta = 1, so the bias costs no
 * second pass over Z; without bias beta = 0 and Z is never read. */
static void dense_affine(const nnact_net *net, const struct layer *L, size_t batch,
                         const double *in, double *z)
{
    const double *b = B_OF(net, L);
    if (b) {
        for (size_t r = 0; r < batch; r++)
            memcpy(z + r * L->n_out, b, L->n_out * sizeof(double));
    }
    nnact__dgemm(0, 0, batch, L->n_out, L->n_in, 1.0, in, L->n_in, W_OF(net, L), L->n_out,
                 b ? 1.0 : 0.0, z, L->n_out);
}

/* A = f(Z); in place when a == z. The kind and parameter were checked and
 * resolved when the layer was added, and batch * n_out > 0 fits: the kernel
 * runs without the public call's checks (the caller holds the FP guard). */
static void dense_activate(const struct layer *L, size_t batch, const double *z, double *a)
{
    if (L->dmode == D_IDENTITY) {
        if (a != z) memcpy(a, z, batch * L->n_out * sizeof(double));
        return;
    }
    act_apply_par(L, 0, batch * L->n_out, z, NULL, a);
}

/* out = (x - shift) / scale, row by row: a division, not a product with a
 * reciprocal, so that the network on x gives the bits of the network without
 * scaling on the same expression computed by the caller. */
static void scale_input(const nnact_net *net, size_t batch, const double *x, double *out)
{
    const size_t n = net->n_in;
    const double *shift = net->shift, *scale = net->scale;
    for (size_t r = 0; r < batch; r++, x += n, out += n)
        for (size_t j = 0; j < n; j++)
            out[j] = (x[j] - shift[j]) / scale[j];
}

static nnact_status forward_impl(nnact_net *net, size_t batch, const double *x, double *y,
                                 const char *who, int borrow)
{
    NNACT_RETURN_IF(net == NULL || x == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "x");
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(net->n_layers == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);
    NNACT_FORWARD_IF_ERROR(ensure_workspace(net, batch, who));

    const double *in = x;
    if (net->shift) { /* the scaled batch is the first layer's input, kept for dW */
        scale_input(net, batch, x, net->xk);
        in = net->xk;
    } else if (!borrow) { /* the caller may change x before backward */
        memcpy(net->xk, x, batch * net->n_in * sizeof(double));
        in = net->xk;
    }
    net->xin = in;
    /* the activation kernels may raise invalid or divide-by-zero inside
       (act.c): take those back once per call, as the act calls do per call */
    nnact__fpguard fp;
    nnact__fpguard_save(&fp);
    for (size_t l = 0; l < net->n_layers; l++) {
        struct layer *L = &net->layers[l];
        dense_affine(net, L, batch, in, L->z);
        dense_activate(L, batch, L->z, L->a);
        in = L->a;
    }
    nnact__fpguard_restore(&fp);
    if (y) memcpy(y, in, batch * nnact_net_output_size(net) * sizeof(double));
    net->fwd_batch = batch;
    return NNACT_OK;
}

nnact_status nnact_net_forward(nnact_net *net, size_t batch, const double *x, double *y)
{
    NNACT_RETURN_IF(y == NULL, NNACT_ERR_ARG, "nnact_net_forward: y is NULL");
    return forward_impl(net, batch, x, y, "nnact_net_forward", 0);
}

nnact_status nnact__net_forward_keep(nnact_net *net, size_t batch, const double *x)
{
    return forward_impl(net, batch, x, NULL, "nnact_net_forward", 0);
}

nnact_status nnact__net_forward_borrow(nnact_net *net, size_t batch, const double *x)
{
    return forward_impl(net, batch, x, NULL, "nnact_net_forward", 1);
}

void nnact__net_forget_forward(nnact_net *net)
{
    net->fwd_batch = 0;
    net->xin = NULL;
}

const double *nnact__net_output(const nnact_net *net)
{
    return net->fwd_batch ? net->layers[net->n_layers - 1].a : NULL;
}

double *nnact__net_dy_buffer(nnact_net *net)
{
    return net->fwd_batch ? net->layers[net->n_layers - 1].d : NULL;
}

/* ---- backward ----------------------------------------------------------- */

struct dz_pass {
    const struct layer *L;
    size_t B, w, grain;
    const double *y, *g; /* y NULL: dz already holds dL/dZ */
    double *dz, *db;
    double part[COL_CHUNKS_MAX];
};

static void dz_chunk(void *ctx, size_t c0, size_t c1)
{
    struct dz_pass *p = ctx;
    double m = 0.0;
    nnact__act_backward_sums(p->L->act, p->L->alpha, p->B, c1 - c0, p->w, p->y ? p->y + c0 : NULL,
                             p->g ? p->g + c0 : NULL, p->dz + c0, p->db ? p->db + c0 : NULL, 1, &m);
    p->part[c0 / p->grain] = m;
}

/* One layer's dL/dZ (derived from A when y is given), db and max |dZ| (NaN
 * when some dZ is NaN), in column stripes. */
static double dz_sums_par(const struct layer *L, size_t B, const double *y, const double *g,
                          double *dz, double *db)
{
    const size_t w = L->n_out;
    size_t grain = (w + COL_CHUNKS_MAX - 1) / COL_CHUNKS_MAX;
    grain = grain < 64 ? 64 : (grain + 3) & ~(size_t)3;
    struct dz_pass p = {L, B, w, grain, y, g, dz, db, {0}};
    nnact__par_for(w, grain, serial_below(B * w), dz_chunk, &p);
    double m = 0.0;
    for (size_t i = 0; i < nnact__par_chunks(w, grain); i++)
        m = max_nan(m, p.part[i]);
    return m;
}

/* Rows per block of the serial derivative-from-Z + column-sum pass: 2048
 * doubles (16 KiB) of dZ, with the matching rows of Z and dL/dA, stay in L1
 * between the two. */
#define ROW_BLOCK_DOUBLES 2048

/* dL/dZ of one layer into L->d (or the caller's g for an identity layer),
 * its db (column sums; NULL: none) and max |dZ|, NaN when some dZ is NaN:
 * db is non-finite exactly when a column holds NaN or Inf or its sum
 * overflows, which is what lets a training step use db as its finiteness
 * check of dZ. */
static double layer_dz(const struct layer *L, size_t B, const double *g, double *db)
{
    const size_t w = L->n_out;
    if (L->dmode == D_FROM_A) /* in place when g is already this layer's buffer */
        return dz_sums_par(L, B, L->a, g, L->d, db);
    if (L->dmode == D_IDENTITY) /* dZ is g itself: only read (y == NULL) */
        return dz_sums_par(L, B, NULL, NULL, (double *)g, db);
    if (B * w >= PAR_MIN_ELEMS) { /* the derivative across threads, then the sums */
        act_apply_par(L, 2, B * w, L->z, g, L->d);
        return dz_sums_par(L, B, NULL, NULL, L->d, db);
    }
    /* small: derivative and sums block of rows by block of rows, so the sums
       read dZ from L1 */
    const size_t rows = w >= ROW_BLOCK_DOUBLES ? 1 : ROW_BLOCK_DOUBLES / w;
    double m = 0.0;
    for (size_t r0 = 0; r0 < B; r0 += rows) {
        const size_t nr = B - r0 < rows ? B - r0 : rows, at = r0 * w;
        nnact__act_apply(L->act, L->alpha, 2, nr * w, L->z + at, g + at, L->d + at);
        nnact__act_backward_sums(L->act, L->alpha, nr, w, w, NULL, NULL, L->d + at, db, r0 == 0,
                                 &m);
    }
    return m;
}

/* Backward without the weight products: every layer's dL/dZ (kept in its d
 * buffer, or the caller's dy for an identity top layer), every db (column
 * sums, in the gradient array), and the chain of input gradients dX = dZ W^T,
 * each taken before anything changes W. With want_bound, returns the largest
 * B max|X_l| max|dZ_l| and max|db_l| over the layers (X_l the layer's input),
 * a bound on every gradient entry: every entry of
 * every partial sum of the weight products X^T dZ is bounded by it, so when it
 * is far below DBL_MAX those products are finite. +Inf when some dZ_l or X_l
 * is not finite. */
static double backward_dz(nnact_net *net, const double *dy, double *dx, int want_bound)
{
    const size_t B = net->fwd_batch;
    double bound = 0.0;
    const double *g = dy;
    for (size_t l = net->n_layers; l-- > 0;) {
        struct layer *L = &net->layers[l];
        double *db = (L->flags & NNACT_DENSE_NO_BIAS) ? NULL : DW_OF(net, L) + L->n_in * L->n_out;
        L->dz = L->dmode == D_IDENTITY ? g : L->d;
        double dzmax = layer_dz(L, B, g, db);
        if (want_bound) {
            /* the bias gradients count in the bound too (the optimizer's
               proof of a finite update) */
            const double dbmax = db ? nnact__max_abs(L->n_out, db) : 0.0;
            if (!(dbmax <= DBL_MAX) || dzmax != dzmax) dzmax = INFINITY;
            const double *in = l ? net->layers[l - 1].a : net->xin;
            double s = (double)B * nnact__max_abs(B * L->n_in, in) * dzmax;
            s = dbmax > s ? dbmax : s;
            bound = (s > bound || s != s) ? s : bound;
        }
        double *out = l ? net->layers[l - 1].d : dx;
        if (out) /* dX (B x n_in) = dZ (B x n_out) W^T (n_out x n_in) */
            nnact__dgemm(0, 1, B, L->n_in, L->n_out, 1.0, L->dz, L->n_out, W_OF(net, L), L->n_out,
                         0.0, out, L->n_in);
        g = out;
    }
    return bound != bound ? INFINITY : bound;
}

/* dW (n_in x n_out) = X^T (n_in x B) dZ (B x n_out), from the last backward_dz */
static void weight_product(nnact_net *net, const struct layer *L)
{
    const double *in = L == net->layers ? net->xin : (L - 1)->a;
    nnact__dgemm(1, 0, L->n_in, L->n_out, net->fwd_batch, 1.0, in, L->n_in, L->dz, L->n_out, 0.0,
                 DW_OF(net, L), L->n_out);
}

nnact_status nnact_net_backward(nnact_net *net, const double *dy, double *dx)
{
    static const char who[] = "nnact_net_backward";
    NNACT_RETURN_IF(net == NULL || dy == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "dy");
    NNACT_RETURN_IF(net->fwd_batch == 0, NNACT_ERR_STATE,
                    "%s: no forward to differentiate (call nnact_net_forward first)", who);
    const size_t B = net->fwd_batch;
    NNACT_RETURN_IF(dx != NULL &&
                        ranges_overlap(dy, B * nnact_net_output_size(net), dx, B * net->n_in),
                    NNACT_ERR_ARG, "%s: dx overlaps dy", who);
    nnact__fpguard fp; /* as in forward_impl: once per call, not per row block */
    nnact__fpguard_save(&fp);
    (void)backward_dz(net, dy, dx, 0);
    for (size_t l = 0; l < net->n_layers; l++)
        weight_product(net, &net->layers[l]);
    if (dx != NULL && net->shift != NULL) { /* d/dx of (x - shift) / scale is 1 / scale */
        for (size_t r = 0; r < B; r++)
            for (size_t j = 0; j < net->n_in; j++)
                dx[r * net->n_in + j] /= net->scale[j];
    }
    nnact__fpguard_restore(&fp);
    net->have_grad = 1;
    return NNACT_OK;
}

/* Below this, B max|X| max|dZ| (times lr when lr > 1, for the fused SGD
 * product's alpha) leaves every partial sum of a weight product, including
 * its rounding error, far from DBL_MAX (2^1024). */
#define PRODUCT_SAFE 0x1p1020

/* Layer L's share of a piecewise optimizer step, right after (or inside) its
 * weight product while dW is in cache. Plain SGD rides in the product: the
 * optimizer says W <- beta W + alpha X^T dZ with its own alpha and beta, so
 * dW is never stored and W is read and written once; the optimizer updates
 * the bias from db. Any other rule: dW into the gradient array, then the
 * optimizer's update of the layer's slice [off, off + n_params). */
static void layer_update(nnact_net *net, const struct layer *L, const struct nnact__opt_run *r)
{
    if (r->fused) {
        const double *in = L == net->layers ? net->xin : (L - 1)->a;
        nnact__dgemm(1, 0, L->n_in, L->n_out, net->fwd_batch, r->alpha, in, L->n_in, L->dz,
                     L->n_out, r->beta, W_OF(net, L), L->n_out);
        double *b = B_OF(net, L);
        if (b) nnact__opt_fused_update(r, L->n_out, b, DB_OF(net, L));
        return;
    }
    weight_product(net, L);
    nnact__opt_update(r, L->off, L->n_params, W_OF(net, L), DW_OF(net, L));
}

/* nnact__net_backward_update without its FP guard */
static nnact_status backward_update(nnact_net *net, struct nnact__opt_run *r, const char *who)
{
    /* every dZ, db and the dX chain first, each taken before any W changes */
    net->have_grad = 0; /* db written, dW not yet */
    const int bounded = r->layerwise && r->check_finite;
    const double bound = backward_dz(net, net->layers[net->n_layers - 1].d, NULL, bounded);
    const double scale = r->fused && r->lr > 1.0 ? r->lr : 1.0;
    if (r->layerwise &&
        (!r->check_finite || (bound * scale <= PRODUCT_SAFE &&
                              nnact__opt_proves_finite(r, net->n_params, net->store, bound)))) {
        /* gradients and update proved finite (or not asked to be): no
           all-finite pass, no dry run */
        NNACT_FORWARD_IF_ERROR(nnact__opt_begin(r, net->n_params, who));
        for (size_t l = net->n_layers; l-- > 0;)
            layer_update(net, &net->layers[l], r);
        nnact__opt_end(r);
        /* with the fused SGD product no dW exists: the gradients stay unreadable */
        net->have_grad = !r->fused;
        return NNACT_OK;
    }
    /* not proved finite, or global-norm clipping (it needs the whole gradient
       first): every dW, then the optimizer's checked step, which names the
       first non-finite gradient and changes nothing */
    for (size_t l = 0; l < net->n_layers; l++)
        weight_product(net, &net->layers[l]);
    net->have_grad = 1;
    struct nnact__opt_seg seg = {net->store, net->grads, net->n_params};
    return nnact__opt_step_run(r, 1, &seg, who);
}

nnact_status nnact__net_backward_update(nnact_net *net, struct nnact__opt_run *r, const char *who)
{
    nnact__fpguard fp; /* as in forward_impl: once per call, not per row block */
    nnact__fpguard_save(&fp);
    nnact_status s = backward_update(net, r, who);
    nnact__fpguard_restore(&fp);
    return s;
}

/* ---- predict ------------------------------------------------------------ */

nnact_status nnact_net_predict_workspace(const nnact_net *net, size_t batch, size_t *n_doubles)
{
    static const char who[] = "nnact_net_predict_workspace";
    size_t n;
    NNACT_RETURN_IF(net == NULL || n_doubles == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "n_doubles");
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(net->n_layers == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);
    size_t w = widest_output(net);
    if (net->shift != NULL && net->n_in > w) w = net->n_in; /* the scaled batch sits in a buffer */
    NNACT_RETURN_IF(batch > INT32_MAX || !nnact__mul_size(w, 2, &n) ||
                        !nnact__matrix_bytes(n, batch, &n),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu: scratch size overflows", who, batch);
    *n_doubles = n / sizeof(double);
    return NNACT_OK;
}

static nnact_status predict_into(const nnact_net *net, size_t batch, const double *x, double *y,
                                 double *work)
{
    size_t w = widest_output(net);
    if (net->shift != NULL && net->n_in > w) w = net->n_in;
    double *buf[2] = {work, work + batch * w};
    const double *in = x;
    if (net->shift != NULL) { /* as forward: the first layer reads the scaled batch */
        scale_input(net, batch, x, buf[0]);
        in = buf[0];
    }
    nnact__fpguard fp; /* as in forward_impl */
    nnact__fpguard_save(&fp);
    /* The same products in the same order and shapes as forward, so the same
     * bits; only the buffers differ (two, reused in turn). */
    for (size_t l = 0; l < net->n_layers; l++) {
        const struct layer *L = &net->layers[l];
        double *z = (in == buf[0]) ? buf[1] : buf[0];
        double *a = z;
        if (L->dmode == D_FROM_Z) a = (z == buf[0]) ? buf[1] : buf[0];
        dense_affine(net, L, batch, in, z);
        dense_activate(L, batch, z, a);
        in = a;
    }
    nnact__fpguard_restore(&fp);
    memmove(y, in, batch * nnact_net_output_size(net) * sizeof(double));
    return NNACT_OK;
}

nnact_status nnact_net_predict_ws(const nnact_net *net, size_t batch, const double *x, double *y,
                                  double *work, size_t n_work)
{
    static const char who[] = "nnact_net_predict_ws";
    size_t need;
    NNACT_RETURN_IF(net == NULL || x == NULL || y == NULL || work == NULL, NNACT_ERR_ARG,
                    "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : x == NULL ? "x"
                    : y == NULL ? "y"
                                : "work");
    NNACT_FORWARD_IF_ERROR(nnact_net_predict_workspace(net, batch, &need));
    NNACT_RETURN_IF(n_work < need, NNACT_ERR_SHAPE, "%s: work has %zu doubles, needs %zu", who,
                    n_work, need);
    NNACT_RETURN_IF(ranges_overlap(work, need, x, batch * net->n_in) ||
                        ranges_overlap(work, need, y, batch * nnact_net_output_size(net)),
                    NNACT_ERR_ARG, "%s: work overlaps x or y", who);
    return predict_into(net, batch, x, y, work);
}

nnact_status nnact_net_predict(const nnact_net *net, size_t batch, const double *x, double *y)
{
    static const char who[] = "nnact_net_predict";
    size_t need;
    NNACT_RETURN_IF(net == NULL || x == NULL || y == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : x == NULL ? "x"
                                : "y");
    NNACT_FORWARD_IF_ERROR(nnact_net_predict_workspace(net, batch, &need));
    double *work = nnact__malloc(need * sizeof(double));
    NNACT_RETURN_IF(work == NULL, NNACT_ERR_NOMEM, "%s: out of memory for batch %zu", who, batch);
    nnact_status s = predict_into(net, batch, x, y, work);
    nnact__free(work);
    return s;
}

/* ---- internal views ----------------------------------------------------- */

double *nnact__net_params(nnact_net *net, size_t *n)
{
    if (n) *n = net->n_params;
    return net->n_params ? net->store : NULL;
}

double *nnact__net_grads(nnact_net *net, size_t *n)
{
    if (n) *n = net->n_params;
    return net->n_params ? net->grads : NULL;
}

size_t nnact__net_param_count(const nnact_net *net)
{
    return net->n_params;
}

int nnact__net_has_grad(const nnact_net *net)
{
    return net->have_grad;
}

size_t nnact__net_block_count(const nnact_net *net)
{
    size_t n = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        n += (net->layers[l].flags & NNACT_DENSE_NO_BIAS) ? 1 : 2;
    return n;
}

int nnact__net_block(nnact_net *net, size_t i, struct nnact__net_block *out)
{
    for (size_t l = 0; l < net->n_layers; l++) {
        const struct layer *L = &net->layers[l];
        const size_t nw = L->n_in * L->n_out;
        if (i == 0 || (i == 1 && !(L->flags & NNACT_DENSE_NO_BIAS))) {
            out->layer = l;
            out->is_bias = i == 1;
            out->offset = L->off + (i == 1 ? nw : 0);
            out->len = i == 1 ? L->n_out : nw;
            out->param = net->store + out->offset;
            out->grad = net->grads ? net->grads + out->offset : NULL;
            return 1;
        }
        i -= (L->flags & NNACT_DENSE_NO_BIAS) ? 1 : 2;
    }
    return 0;
}

int nnact__net_layer_view(const nnact_net *net, size_t l, const double **W, const double **b)
{
    if (l >= net->n_layers) return 0;
    const struct layer *L = &net->layers[l];
    if (W) *W = W_OF(net, L);
    if (b) *b = B_OF(net, L);
    return 1;
}

/* ---- preprocessing kept with the model ---------------------------------- */

nnact_status nnact_net_set_input_scaling(nnact_net *net, const double *shift, const double *scale)
{
    static const char who[] = "nnact_net_set_input_scaling";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF((shift == NULL) != (scale == NULL), NNACT_ERR_ARG,
                    "%s: %s is NULL but %s is not (both NULL removes the scaling)", who,
                    shift == NULL ? "shift" : "scale", shift == NULL ? "scale" : "shift");
    const size_t n = net->n_in;
    double *block = NULL;
    if (shift != NULL) {
        for (size_t j = 0; j < n; j++) {
            NNACT_RETURN_IF(!isfinite(shift[j]), NNACT_ERR_ARG, "%s: shift[%zu] is %g, not finite",
                            who, j, shift[j]);
            NNACT_RETURN_IF(!isfinite(scale[j]) || scale[j] == 0.0, NNACT_ERR_ARG,
                            "%s: scale[%zu] is %g, must be finite and nonzero", who, j, scale[j]);
        }
        size_t bytes; /* n_in <= INT32_MAX: cannot overflow a 64-bit size_t */
        NNACT_RETURN_IF(!nnact__matrix_bytes(n, 2, &bytes), NNACT_ERR_OVERFLOW,
                        "%s: %zu inputs overflow size_t", who, n);
        block = nnact__malloc(bytes);
        NNACT_RETURN_IF(block == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
        memcpy(block, shift, n * sizeof(double));
        memcpy(block + n, scale, n * sizeof(double));
    }
    nnact__free(net->shift);
    net->shift = block;
    net->scale = block ? block + n : NULL;
    /* the kept forward was taken through the old map */
    nnact__net_forget_forward(net);
    return NNACT_OK;
}

nnact_status nnact_net_get_input_scaling(const nnact_net *net, double *shift, double *scale,
                                         int *present)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "nnact_net_get_input_scaling: net is NULL");
    for (size_t j = 0; j < net->n_in; j++) {
        if (shift) shift[j] = net->shift ? net->shift[j] : 0.0;
        if (scale) scale[j] = net->shift ? net->scale[j] : 1.0;
    }
    if (present) *present = net->shift != NULL;
    return NNACT_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Each name non-NULL, 1..NNACT_NET_MAX_CLASS_NAME bytes; *bytes receives their
 * lengths plus NULs. */
static nnact_status check_names(size_t count, const char *const *names, size_t *bytes,
                                const char *who)
{
    char q[96];
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        NNACT_RETURN_IF(names[i] == NULL, NNACT_ERR_ARG, "%s: names[%zu] is NULL", who, i);
        const size_t len = strnlen(names[i], NNACT_NET_MAX_CLASS_NAME + 1);
        NNACT_RETURN_IF(len == 0, NNACT_ERR_ARG, "%s: names[%zu] is empty", who, i);
        NNACT_RETURN_IF(len > NNACT_NET_MAX_CLASS_NAME, NNACT_ERR_ARG,
                        "%s: names[%zu] %s is longer than %d bytes", who, i,
                        nnact__quote(names[i], 32, q, sizeof q), NNACT_NET_MAX_CLASS_NAME);
        total += len + 1; /* <= 65536 * 256: no wrap */
    }
    *bytes = total;
    return NNACT_OK;
}

/* NNACT_ERR_ARG when two of the copied names are equal (sorted view). */
static nnact_status check_distinct(size_t count, char **copy, const char *who, const char *what)
{
    char q[96];
    char **sorted = nnact__malloc(count * sizeof *sorted);
    NNACT_RETURN_IF(sorted == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    memcpy(sorted, copy, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_names);
    for (size_t i = 1; i < count; i++) {
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            nnact_status s = nnact__fail(NNACT_ERR_ARG, "%s: %s name %s appears twice", who, what,
                                         nnact__quote(sorted[i], 32, q, sizeof q));
            nnact__free(sorted);
            return s;
        }
    }
    nnact__free(sorted);
    return NNACT_OK;
}

/* A checked copy of `count` names (non-NULL, 1..NNACT_NET_MAX_CLASS_NAME
 * bytes, distinct) in one block: count pointers, then the bytes with their
 * NULs. *out and *out_bytes are set only on success. */
static nnact_status copy_names(size_t count, const char *const *names, const char *who,
                               const char *what, char ***out, size_t *out_bytes)
{
    /* every name takes at most a pointer and 256 bytes: bounding count so
     * bounds every sum below, whatever the width of size_t */
    NNACT_RETURN_IF(count > SIZE_MAX / (sizeof(char *) + NNACT_NET_MAX_CLASS_NAME + 1),
                    NNACT_ERR_OVERFLOW, "%s: %zu %s names overflow size_t", who, count, what);
    size_t text = 0;
    NNACT_FORWARD_IF_ERROR(check_names(count, names, &text, who));
    const size_t bytes = count * sizeof(char *) + text;
    char **block = nnact__malloc(bytes);
    NNACT_RETURN_IF(block == NULL, NNACT_ERR_NOMEM, "%s: out of memory (%zu bytes)", who, bytes);
    char *p = (char *)(block + count);
    for (size_t i = 0; i < count; i++) {
        const size_t len = strlen(names[i]) + 1;
        memcpy(p, names[i], len);
        block[i] = p;
        p += len;
    }
    nnact_status s = check_distinct(count, block, who, what);
    if (s != NNACT_OK) {
        nnact__free(block);
        return s;
    }
    *out = block;
    *out_bytes = bytes;
    return NNACT_OK;
}

nnact_status nnact_net_set_class_names(nnact_net *net, size_t count, const char *const *names)
{
    static const char who[] = "nnact_net_set_class_names";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    if (count == 0) {
        nnact__free(net->class_names);
        net->class_names = NULL;
        net->n_classes = net->names_bytes = 0;
        return NNACT_OK;
    }
    NNACT_RETURN_IF(names == NULL, NNACT_ERR_ARG, "%s: names is NULL with count %zu", who, count);
    NNACT_RETURN_IF(count > NNACT_NET_MAX_CLASSES, NNACT_ERR_ARG, "%s: %zu class names, at most %d",
                    who, count, NNACT_NET_MAX_CLASSES);
    const size_t out = nnact_net_output_size(net);
    NNACT_RETURN_IF(out == 1 ? count != 2 : count != out, NNACT_ERR_SHAPE,
                    "%s: %zu class names for %zu outputs (one per output, or 2 for one logit)", who,
                    count, out);
    char **block = NULL;
    size_t bytes = 0;
    NNACT_FORWARD_IF_ERROR(copy_names(count, names, who, "class", &block, &bytes));
    nnact__free(net->class_names);
    net->class_names = block;
    net->n_classes = count;
    net->names_bytes = bytes;
    return NNACT_OK;
}

size_t nnact_net_class_count(const nnact_net *net)
{
    return net ? net->n_classes : 0;
}

const char *nnact_net_class_name(const nnact_net *net, size_t i)
{
    return net && i < net->n_classes ? net->class_names[i] : NULL;
}

nnact_status nnact_net_set_input_names(nnact_net *net, const char *const *names)
{
    static const char who[] = "nnact_net_set_input_names";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    char **block = NULL;
    size_t bytes = 0;
    if (names != NULL)
        NNACT_FORWARD_IF_ERROR(copy_names(net->n_in, names, who, "input", &block, &bytes));
    nnact__free(net->input_names);
    net->input_names = block;
    net->input_names_bytes = bytes;
    return NNACT_OK;
}

const char *nnact_net_input_name(const nnact_net *net, size_t i)
{
    return net && net->input_names && i < net->n_in ? net->input_names[i] : NULL;
}

nnact_status nnact_net_set_target_names(nnact_net *net, size_t count, const char *const *names)
{
    static const char who[] = "nnact_net_set_target_names";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    char **block = NULL;
    size_t bytes = 0;
    if (count > 0) {
        NNACT_RETURN_IF(names == NULL, NNACT_ERR_ARG, "%s: names is NULL with count %zu", who,
                        count);
        const size_t out = nnact_net_output_size(net);
        NNACT_RETURN_IF(count > out, NNACT_ERR_SHAPE,
                        "%s: %zu target names for %zu outputs (1 to the output width)", who, count,
                        out);
        NNACT_FORWARD_IF_ERROR(copy_names(count, names, who, "target", &block, &bytes));
    }
    nnact__free(net->target_names);
    net->target_names = block;
    net->n_targets = count;
    net->target_names_bytes = bytes;
    return NNACT_OK;
}

size_t nnact_net_target_count(const nnact_net *net)
{
    return net ? net->n_targets : 0;
}

const char *nnact_net_target_name(const nnact_net *net, size_t i)
{
    return net && i < net->n_targets ? net->target_names[i] : NULL;
}
