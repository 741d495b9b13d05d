/* The floor: a plain-C training step written straight on cblas_dgemm, with
 * the fusions a careful hand-written step would make, and the bare products
 * of a step (the dgemm limit). Independent of libnnact's network code, so the
 * bench can also check libnnact's results against it. */
#ifndef NNACT_BENCH_REF_H
#define NNACT_BENCH_REF_H

#include <stddef.h>

#include "netspec.h"

enum { REF_SGD = 0, REF_ADAM = 1 };

struct ref_layer {
    size_t in, out;
    int act; /* identity, relu, tanh or sigmoid */
    double *W, *b, *dW, *db;
    double *mW, *vW, *mb, *vb; /* Adam moments */
    double *A;                 /* batch x out: the layer's output f(X W + b) */
    double *dZ;                /* batch x out: d loss / d (X W + b) */
};

struct ref_net {
    size_t n_layers, batch, n_in;
    struct ref_layer L[SPEC_MAX_LAYERS];
    long t; /* Adam step count */
    double lr, beta1, beta2, eps;
};

/* 0 on success, -2 out of memory. ref_train_step/ref_forward need every
 * activation to pass ref_act_supported(); ref_products does not. Weights zero (set them with
 * ref_set_layer). */
int ref_create(struct ref_net *r, const struct netspec *s, size_t batch);
void ref_free(struct ref_net *r);
void ref_set_layer(struct ref_net *r, size_t l, const double *W, const double *b);
/* Forward; the output is r->L[n_layers - 1].A. */
void ref_forward(struct ref_net *r, const double *x);
/* One full step on the half sum-of-squares loss, 0.5 sum (y - t)^2; returns the
 * loss before the update. SGD: W -= lr dW, fused into the dW product's beta.
 * Adam: PyTorch's form (bias-corrected moments, eps outside the root). */
double ref_train_step(struct ref_net *r, int opt, const double *x, const double *t);
/* The bare dgemm calls of one step, on this net's buffers, nothing else
 * (destroys the activations; use a separate net). */
void ref_products(struct ref_net *r, const double *x);
/* 1 when the floor implements this activation kind. */
int ref_act_supported(int act);

#endif
