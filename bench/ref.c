/* Plain-C reference train step on cblas_dgemm (the "floor"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "bench.h"
#include "nnact/act.h"
#include "ref.h"

int ref_act_supported(int act)
{
    return act == NNACT_ACT_IDENTITY || act == NNACT_ACT_RELU || act == NNACT_ACT_TANH ||
           act == NNACT_ACT_SIGMOID;
}

int ref_create(struct ref_net *r, const struct netspec *s, size_t batch)
{
    memset(r, 0, sizeof *r);
    r->n_layers = s->n_layers;
    r->batch = batch;
    r->n_in = s->n_in;
    r->lr = 1e-3;
    r->beta1 = 0.9;
    r->beta2 = 0.999;
    r->eps = 1e-8;
    size_t in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        struct ref_layer *L = &r->L[l];
        L->in = in;
        L->out = s->out[l];
        L->act = s->act[l]; /* ref_train_step needs ref_act_supported(); products do not */
        size_t w = in * L->out, a = batch * L->out;
        L->W = bench_alloc(w), L->dW = bench_alloc(w), L->mW = bench_alloc(w),
        L->vW = bench_alloc(w);
        L->b = bench_alloc(L->out), L->db = bench_alloc(L->out), L->mb = bench_alloc(L->out),
        L->vb = bench_alloc(L->out);
        L->A = bench_alloc(a), L->dZ = bench_alloc(a);
        if (!L->W || !L->dW || !L->mW || !L->vW || !L->b || !L->db || !L->mb || !L->vb || !L->A ||
            !L->dZ) {
            ref_free(r);
            return -2;
        }
        in = L->out;
    }
    return 0;
}

void ref_free(struct ref_net *r)
{
    for (size_t l = 0; l < SPEC_MAX_LAYERS; l++) {
        struct ref_layer *L = &r->L[l];
        free(L->W), free(L->dW), free(L->mW), free(L->vW);
        free(L->b), free(L->db), free(L->mb), free(L->vb);
        free(L->A), free(L->dZ);
    }
    memset(r, 0, sizeof *r);
}

void ref_set_layer(struct ref_net *r, size_t l, const double *W, const double *b)
{
    struct ref_layer *L = &r->L[l];
    memcpy(L->W, W, L->in * L->out * sizeof(double));
    if (b != NULL)
        memcpy(L->b, b, L->out * sizeof(double));
    else
        memset(L->b, 0, L->out * sizeof(double));
}

/* A = f(A + b), one pass over the product. */
static void bias_act(struct ref_layer *L, size_t batch)
{
    size_t n = L->out;
    for (size_t i = 0; i < batch; i++) {
        double *a = L->A + i * n;
        switch (L->act) {
        case NNACT_ACT_RELU:
            for (size_t j = 0; j < n; j++) {
                double z = a[j] + L->b[j];
                a[j] = z > 0.0 ? z : 0.0;
            }
            break;
        case NNACT_ACT_TANH:
            for (size_t j = 0; j < n; j++)
                a[j] = tanh(a[j] + L->b[j]);
            break;
        case NNACT_ACT_SIGMOID:
            for (size_t j = 0; j < n; j++)
                a[j] = 1.0 / (1.0 + exp(-(a[j] + L->b[j])));
            break;
        default:
            for (size_t j = 0; j < n; j++)
                a[j] += L->b[j];
        }
    }
}

/* dZ *= f'(z), with f' written from the layer's output A. */
static void act_backward(const struct ref_layer *L, size_t batch, double *dz)
{
    size_t n = batch * L->out;
    const double *a = L->A;
    switch (L->act) {
    case NNACT_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            dz[i] = a[i] > 0.0 ? dz[i] : 0.0;
        break;
    case NNACT_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dz[i] *= 1.0 - a[i] * a[i];
        break;
    case NNACT_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dz[i] *= a[i] * (1.0 - a[i]);
        break;
    default:
        break;
    }
}

void ref_forward(struct ref_net *r, const double *x)
{
    const double *in = x;
    for (size_t l = 0; l < r->n_layers; l++) {
        struct ref_layer *L = &r->L[l];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r->batch, (int)L->out,
                    (int)L->in, 1.0, in, (int)L->in, L->W, (int)L->out, 0.0, L->A, (int)L->out);
        bias_act(L, r->batch);
        in = L->A;
    }
}

static void adam(struct ref_net *r, size_t n, double *p, const double *g, double *m, double *v)
{
    double b1 = r->beta1, b2 = r->beta2;
    double bc1 = 1.0 - pow(b1, (double)r->t), bc2 = 1.0 - pow(b2, (double)r->t);
    double step = r->lr / bc1, rbc2 = 1.0 / sqrt(bc2);
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0 - b1) * g[i];
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
        p[i] -= step * m[i] / (sqrt(v[i]) * rbc2 + r->eps);
    }
}

double ref_train_step(struct ref_net *r, int opt, const double *x, const double *t)
{
    ref_forward(r, x);
    size_t last = r->n_layers - 1, batch = r->batch;
    struct ref_layer *Lo = &r->L[last];
    /* loss and dY = y - t in one pass, then through the output activation */
    double loss = 0.0;
    size_t no = batch * Lo->out;
    for (size_t i = 0; i < no; i++) {
        double d = Lo->A[i] - t[i];
        loss += d * d;
        Lo->dZ[i] = d;
    }
    act_backward(Lo, batch, Lo->dZ);
    if (opt == REF_ADAM) r->t++;
    for (size_t l = r->n_layers; l-- > 0;) {
        struct ref_layer *L = &r->L[l];
        const double *in = l == 0 ? x : r->L[l - 1].A;
        /* input gradient first, with the weights the forward used:
         * dA_prev = dZ W^T, then through the previous activation */
        if (l > 0) {
            struct ref_layer *P = &r->L[l - 1];
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)L->in,
                        (int)L->out, 1.0, L->dZ, (int)L->out, L->W, (int)L->out, 0.0, P->dZ,
                        (int)L->in);
            act_backward(P, batch, P->dZ);
        }
        /* db = column sums of dZ */
        memset(L->db, 0, L->out * sizeof(double));
        for (size_t i = 0; i < batch; i++) {
            const double *dz = L->dZ + i * L->out;
            for (size_t j = 0; j < L->out; j++)
                L->db[j] += dz[j];
        }
        if (opt == REF_SGD) {
            /* W <- W - lr X^T dZ: the update rides in the product's alpha/beta */
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)L->in, (int)L->out,
                        (int)batch, -r->lr, in, (int)L->in, L->dZ, (int)L->out, 1.0, L->W,
                        (int)L->out);
            for (size_t j = 0; j < L->out; j++)
                L->b[j] -= r->lr * L->db[j];
        } else {
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)L->in, (int)L->out,
                        (int)batch, 1.0, in, (int)L->in, L->dZ, (int)L->out, 0.0, L->dW,
                        (int)L->out);
            adam(r, L->in * L->out, L->W, L->dW, L->mW, L->vW);
            adam(r, L->out, L->b, L->db, L->mb, L->vb);
        }
    }
    return 0.5 * loss;
}

void ref_products(struct ref_net *r, const double *x)
{
    size_t batch = r->batch;
    const double *in = x;
    for (size_t l = 0; l < r->n_layers; l++) {
        struct ref_layer *L = &r->L[l];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, (int)L->out, (int)L->in,
                    1.0, in, (int)L->in, L->W, (int)L->out, 0.0, L->A, (int)L->out);
        in = L->A;
    }
    for (size_t l = r->n_layers; l-- > 0;) {
        struct ref_layer *L = &r->L[l];
        in = l == 0 ? x : r->L[l - 1].A;
        if (l > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)L->in,
                        (int)L->out, 1.0, L->dZ, (int)L->out, L->W, (int)L->out, 0.0,
                        r->L[l - 1].dZ, (int)L->in);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)L->in, (int)L->out, (int)batch,
                    1.0, in, (int)L->in, L->dZ, (int)L->out, 0.0, L->dW, (int)L->out);
    }
}
