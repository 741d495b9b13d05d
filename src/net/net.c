/* Networks of dense layers. Every matrix product is one nnact__dgemm
 * (cblas_dgemm) call; the data flow, with each call's shapes, is in
 * docs/NETWORK.md. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "act/act_internal.h"
#include "blas/blas.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "net/net_internal.h"

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
    /* batch buffers (inside net->ws): z == a unless dmode == 0 */
    double *z, *a;
};

enum { D_FROM_Z = 0, D_FROM_A = 1, D_IDENTITY = 2 };

struct nnact_net {
    size_t n_in;
    size_t n_layers;
    struct layer *layers;
    size_t n_params;
    double *store; /* 2 n_params: parameters, then gradients */
    /* batch buffers for batches up to cap */
    size_t cap;
    double *ws;
    double *xk;       /* cap x n_in: copy of the last forward's input */
    double *bp, *bq;  /* cap x w_max each: backward ping-pong */
    double *ones;     /* cap ones: db = ones^T dZ */
    size_t fwd_batch; /* batch of the kept forward; 0 = none */
    int have_grad;
};

#define W_OF(net, l) ((net)->store + (l)->off)
#define B_OF(net, l)                                                                               \
    (((l)->flags & NNACT_DENSE_NO_BIAS) ? NULL : W_OF(net, l) + (l)->n_in * (l)->n_out)
#define DW_OF(net, l) ((net)->store + (net)->n_params + (l)->off)
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
    net->ws = net->xk = net->bp = net->bq = net->ones = NULL;
    net->cap = 0;
    net->fwd_batch = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        net->layers[l].z = net->layers[l].a = NULL;
}

void nnact_net_free(nnact_net *net)
{
    if (net == NULL) return;
    nnact__free(net->ws);
    nnact__free(net->store);
    nnact__free(net->layers);
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
                        !nnact__matrix_bytes(total, 2, &store_bytes) ||
                        !nnact__mul_size(net->n_layers + 1, sizeof(struct layer), &layers_bytes),
                    NNACT_ERR_OVERFLOW, "%s: layer %zu: parameter count overflows size_t", who,
                    net->n_layers);

    /* Build the new tables beside the old ones so a failure changes nothing. */
    struct layer *layers = nnact__malloc(layers_bytes);
    NNACT_RETURN_IF(layers == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double *store = nnact__malloc(store_bytes);
    if (store == NULL) {
        nnact__free(layers);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (%zu parameters)", who, total);
    }
    if (net->n_layers) memcpy(layers, net->layers, net->n_layers * sizeof *layers);
    /* parameters then gradients; the new layer's slots start at zero */
    if (net->n_params) {
        memcpy(store, net->store, net->n_params * sizeof(double));
        memcpy(store + total, net->store + net->n_params, net->n_params * sizeof(double));
    }
    memset(store + net->n_params, 0, n_p * sizeof(double));
    memset(store + total + net->n_params, 0, n_p * sizeof(double));

    struct layer *L = &layers[net->n_layers];
    memset(L, 0, sizeof *L);
    L->n_in = n_in;
    L->n_out = n_outputs;
    L->act = act;
    L->alpha = a;
    L->flags = flags;
    L->dmode = act == NNACT_ACT_IDENTITY           ? D_IDENTITY
               : nnact_act_supports_from_output(act, a) ? D_FROM_A
                                                   : D_FROM_Z;
    L->off = net->n_params;
    L->n_params = n_p;

    drop_workspace(net); /* shapes changed: the batch buffers no longer fit */
    nnact__free(net->layers);
    nnact__free(net->store);
    net->layers = layers;
    net->store = store;
    net->n_layers++;
    net->n_params = total;
    net->have_grad = 0;
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
    if (n) memmove(out, net->store + net->n_params, n * sizeof(double));
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
 * B (n_in + sum_l n_out_l (1 + keepZ_l) + 2 w_max + 1). Also checks that every
 * product fits the BLAS's int. 0 on overflow. */
static int workspace_doubles(const nnact_net *net, size_t batch, size_t *out)
{
    size_t per_row = net->n_in, t;
    if (batch > INT32_MAX) return 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        const struct layer *L = &net->layers[l];
        size_t w = L->dmode == D_FROM_Z ? 2 * L->n_out : L->n_out; /* n_out < 2^31: no wrap */
        if (!nnact__add_size(per_row, w, &per_row)) return 0;
    }
    if (!nnact__mul_size(widest_output(net), 2, &t) || !nnact__add_size(per_row, t, &per_row) ||
        !nnact__add_size(per_row, 1, &per_row) || !nnact__mul_size(per_row, batch, &t) ||
        !nnact__mul_size(t, sizeof(double), &per_row))
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
    double *ws = nnact__malloc(n * sizeof(double));
    NNACT_RETURN_IF(ws == NULL, NNACT_ERR_NOMEM, "%s: out of memory for batch %zu (%zu bytes)", who,
                    batch, n * sizeof(double));
    /* The old buffers hold the kept forward; dropping it is part of succeeding. */
    drop_workspace(net);
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
    }
    const size_t w = widest_output(net);
    net->bp = p;
    p += batch * w;
    net->bq = p;
    p += batch * w;
    net->ones = p;
    for (size_t i = 0; i < batch; i++)
        net->ones[i] = 1.0;
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
    fixed = sizeof(struct nnact_net) + net->n_layers * sizeof(struct layer) +
            2 * net->n_params * sizeof(double); /* all already allocated: no wrap */
    if (batch > 0 && net->n_layers > 0) {
        NNACT_RETURN_IF(!workspace_doubles(net, batch, &ws), NNACT_ERR_OVERFLOW,
                        "nnact_net_memory_bytes: batch %zu overflows", batch);
    }
    NNACT_RETURN_IF(!nnact__mul_size(ws, sizeof(double), &t) || !nnact__add_size(fixed, t, &t),
                    NNACT_ERR_OVERFLOW, "nnact_net_memory_bytes: batch %zu overflows", batch);
    *bytes = t;
    return NNACT_OK;
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

/* A = f(Z); in place when a == z. The kind and parameter were checked when
 * the layer was added, so this cannot fail. */
static void dense_activate(const struct layer *L, size_t batch, const double *z, double *a)
{
    if (L->dmode == D_IDENTITY) {
        if (a != z) memcpy(a, z, batch * L->n_out * sizeof(double));
        return;
    }
    (void)nnact_act_forward(L->act, L->alpha, batch * L->n_out, z, a);
}

static nnact_status forward_impl(nnact_net *net, size_t batch, const double *x, double *y,
                                 const char *who)
{
    NNACT_RETURN_IF(net == NULL || x == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "x");
    NNACT_RETURN_IF(batch == 0, NNACT_ERR_ARG, "%s: batch is 0", who);
    NNACT_RETURN_IF(net->n_layers == 0, NNACT_ERR_STATE, "%s: the network has no layers", who);
    NNACT_FORWARD_IF_ERROR(ensure_workspace(net, batch, who));

    memcpy(net->xk, x, batch * net->n_in * sizeof(double));
    const double *in = net->xk;
    for (size_t l = 0; l < net->n_layers; l++) {
        struct layer *L = &net->layers[l];
        dense_affine(net, L, batch, in, L->z);
        dense_activate(L, batch, L->z, L->a);
        in = L->a;
    }
    if (y) memcpy(y, in, batch * nnact_net_output_size(net) * sizeof(double));
    net->fwd_batch = batch;
    return NNACT_OK;
}

nnact_status nnact_net_forward(nnact_net *net, size_t batch, const double *x, double *y)
{
    NNACT_RETURN_IF(y == NULL, NNACT_ERR_ARG, "nnact_net_forward: y is NULL");
    return forward_impl(net, batch, x, y, "nnact_net_forward");
}

nnact_status nnact__net_forward_keep(nnact_net *net, size_t batch, const double *x)
{
    return forward_impl(net, batch, x, NULL, "nnact_net_forward");
}

const double *nnact__net_output(const nnact_net *net)
{
    return net->fwd_batch ? net->layers[net->n_layers - 1].a : NULL;
}

double *nnact__net_dy_buffer(nnact_net *net)
{
    return net->fwd_batch ? net->bp : NULL;
}

/* ---- backward ----------------------------------------------------------- */

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

    /* g: dL/dA of the current layer; dz: dL/dZ. Scratch alternates between bp
     * and bq so dL/dA of the layer below never overwrites the dZ it is made from. */
    const double *g = dy;
    for (size_t l = net->n_layers; l-- > 0;) {
        const struct layer *L = &net->layers[l];
        const size_t n = B * L->n_out;
        const double *dz;
        if (L->dmode == D_IDENTITY) {
            dz = g;
        } else {
            double *d = (g == net->bp) ? net->bp : (g == net->bq) ? net->bq : net->bp;
            if (L->dmode == D_FROM_A)
                (void)nnact_act_backward_from_output(L->act, L->alpha, n, L->a, g, d);
            else
                (void)nnact_act_backward(L->act, L->alpha, n, L->z, g, d);
            dz = d;
        }
        const double *in = l ? net->layers[l - 1].a : net->xk;
        /* dW (n_in x n_out) = X^T (n_in x B) dZ (B x n_out) */
        nnact__dgemm(1, 0, L->n_in, L->n_out, B, 1.0, in, L->n_in, dz, L->n_out, 0.0, DW_OF(net, L),
                     L->n_out);
        double *db = DB_OF(net, L);
        if (db) /* db (1 x n_out) = 1^T (1 x B) dZ (B x n_out): column sums */
            nnact__dgemm(0, 0, 1, L->n_out, B, 1.0, net->ones, B, dz, L->n_out, 0.0, db, L->n_out);
        double *out = l ? (dz == net->bp ? net->bq : net->bp) : dx;
        if (out) /* dX (B x n_in) = dZ (B x n_out) W^T (n_out x n_in) */
            nnact__dgemm(0, 1, B, L->n_in, L->n_out, 1.0, dz, L->n_out, W_OF(net, L), L->n_out, 0.0,
                         out, L->n_in);
        g = out;
    }
    net->have_grad = 1;
    return NNACT_OK;
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
    NNACT_RETURN_IF(batch > INT32_MAX || !nnact__mul_size(widest_output(net), 2, &n) ||
                        !nnact__matrix_bytes(n, batch, &n),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu: scratch size overflows", who, batch);
    *n_doubles = n / sizeof(double);
    return NNACT_OK;
}

static nnact_status predict_into(const nnact_net *net, size_t batch, const double *x, double *y,
                                 double *work)
{
    const size_t w = widest_output(net);
    double *buf[2] = {work, work + batch * w};
    const double *in = x;
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
    return net->n_params ? net->store + net->n_params : NULL;
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
            out->grad = net->store + net->n_params + out->offset;
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
