/* Writes the models the real-client tests run: for every activation kind
 * (with a float-exact and an inexact parameter where it has one), in double
 * and float, (1) a 1 -> 1 network with W = 1, b = 0 evaluated on a grid
 * over the whole range, so the kind's own error is measured, and (2) a
 * random 3 -> 5 -> 2 network with an input scaling and class names; and one
 * collapsed map (a single Gemm). Each DIR/<case>.onnx has a DIR/<case>.json
 * with the inputs, libnnact's outputs and the tolerance ort_check.js holds
 * ONNX Runtime to (docs/ONNX.md's table).
 *   onnx_gen DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/nnact.h"

struct kcase {
    nnact_act_kind k;
    double a;
    const char *tag;
    double tol; /* relative, double export */
};

/* Native operators: 1e-12. Compositions: the bound measured and documented
 * in docs/ONNX.md, with a margin. */
static const struct kcase cases[] = {
    {NNACT_ACT_IDENTITY, 0, "identity", 1e-12},
    {NNACT_ACT_SIGMOID, 0, "sigmoid", 1e-12},
    {NNACT_ACT_TANH, 0, "tanh", 1e-12},
    {NNACT_ACT_RELU, 0, "relu", 1e-12},
    {NNACT_ACT_LEAKY_RELU, 0.25, "leaky_relu_native", 1e-12},
    {NNACT_ACT_LEAKY_RELU, 0.01, "leaky_relu", 1e-12},
    {NNACT_ACT_BENT_IDENTITY, 0, "bent_identity", 1e-12},
    {NNACT_ACT_SINUSOID, 0, "sinusoid", 1e-12},
    {NNACT_ACT_ELU, 1.0, "elu", 1e-12},
    {NNACT_ACT_ELU, 0.3, "elu_0.3", 1e-12},
    {NNACT_ACT_SELU, 0, "selu", 1e-12},
    {NNACT_ACT_CELU, 1.7, "celu", 1e-12},
    {NNACT_ACT_GELU, 0, "gelu", 1e-12},
    {NNACT_ACT_GELU_TANH, 0, "gelu_tanh", 1e-12},
    {NNACT_ACT_SILU, 0, "silu", 1e-12},
    {NNACT_ACT_MISH, 0, "mish", 1e-12},
    {NNACT_ACT_SOFTPLUS, 1.0, "softplus", 1e-12},
    {NNACT_ACT_SOFTPLUS, 2.3, "softplus_2.3", 1e-12},
    {NNACT_ACT_SOFTSIGN, 0, "softsign", 1e-12},
    {NNACT_ACT_HARD_SIGMOID, 0, "hard_sigmoid", 1e-12},
    {NNACT_ACT_HARD_TANH, 0, "hard_tanh", 1e-12},
    {NNACT_ACT_HARD_SWISH, 0, "hard_swish", 1e-12},
    {NNACT_ACT_RELU6, 0, "relu6", 1e-12},
    {NNACT_ACT_LOG_SIGMOID, 0, "log_sigmoid", 1e-12},
    {NNACT_ACT_GAUSSIAN, 0, "gaussian", 1e-12},
    {NNACT_ACT_COS, 0, "cos", 1e-12},
    {NNACT_ACT_TANHSHRINK, 0, "tanhshrink", 1e-12},
    {NNACT_ACT_SOFTSHRINK, 0.5, "softshrink_native", 1e-12},
    {NNACT_ACT_SOFTSHRINK, 0.3, "softshrink", 1e-12},
    {NNACT_ACT_HARDSHRINK, 0.5, "hardshrink_native", 1e-12},
    {NNACT_ACT_HARDSHRINK, 0.3, "hardshrink", 1e-12},
    {NNACT_ACT_ABS, 0, "abs", 1e-12},
    {NNACT_ACT_SQUARE, 0, "square", 1e-12},
    {NNACT_ACT_SWISH, 1.7, "swish_beta", 1e-12},
};

static const double specials[] = {0,     1e-300, 1e-20, 1e-8,  1e-3,  0.2,  0.26, 0.7,  1.5,
                                  2.999, 3.0,    5.5,   27.0,  40.0,  100., 710., 1e3,  1e10,
                                  1e30,  1e100,  1e200, 1e300, 1e308, 745., 36.5, 38.5, 60.0};

/* inputs: a fixed sequence in [0, 1) (xorshift) */
static double uniform(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void die(const char *what)
{
    fprintf(stderr, "onnx_gen: %s: %s\n", what, nnact_last_error());
    exit(1);
}

static void put_array(FILE *f, const char *key, const double *v, size_t n)
{
    fprintf(f, "\"%s\":[", key);
    /* JSON has no inf or NaN: 1e999 parses as Infinity, null stands for NaN */
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            fprintf(f, "%snull", i ? "," : "");
        else if (isinf(v[i]))
            fprintf(f, "%s%s1e999", i ? "," : "", v[i] < 0 ? "-" : "");
        else
            fprintf(f, "%s%.17g", i ? "," : "", v[i]);
    }
    fprintf(f, "]");
}

/* DIR/name.onnx and DIR/name.json for net on the batch x. */
static void emit(const char *dir, const char *name, const nnact_net *net, nnact_onnx_elem elem,
                 double *x, size_t batch, double tol, const char *mode)
{
    size_t n_in = nnact_net_input_size(net), n_out = nnact_net_output_size(net);
    if (elem == NNACT_ONNX_FLOAT)
        for (size_t i = 0; i < batch * n_in; i++)
            x[i] = (float)x[i];
    double *y = malloc(batch * n_out * sizeof *y);
    if (!y || nnact_net_predict(net, batch, x, y) != NNACT_OK) die("predict");
    char path[1024];
    nnact_onnx_config *cfg;
    if (nnact_onnx_config_create(&cfg) != NNACT_OK || nnact_onnx_config_set_elem(cfg, elem))
        die("config");
    snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
    if (nnact_onnx_save(net, cfg, path) != NNACT_OK) die(path);
    nnact_onnx_config_free(cfg);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die(path);
    fprintf(f,
            "{\"name\":\"%s\",\"type\":\"%s\",\"mode\":\"%s\",\"tol\":%g,\"batch\":%zu,"
            "\"n_in\":%zu,\"n_out\":%zu,",
            name, elem == NNACT_ONNX_FLOAT ? "float32" : "float64", mode, tol, batch, n_in, n_out);
    put_array(f, "x", x, batch * n_in);
    fprintf(f, ",");
    put_array(f, "y", y, batch * n_out);
    fprintf(f, "}\n");
    fclose(f);
    free(y);
}

static size_t grid(double *x, int is_float)
{
    size_t n = 0;
    for (int i = -600; i <= 600; i++)
        x[n++] = i / 20.0;
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) {
        if (is_float && (specials[i] > 1e30 || (specials[i] > 0 && specials[i] < 1e-30))) continue;
        x[n++] = specials[i];
        x[n++] = -specials[i];
    }
    /* the non-finite inputs: each export must give what libnnact gives */
    x[n++] = INFINITY;
    x[n++] = -INFINITY;
    x[n++] = NAN;
    return n;
}

static void kind_nets(const char *dir, const struct kcase *c, nnact_onnx_elem elem)
{
    const char *suffix = elem == NNACT_ONNX_FLOAT ? "float" : "double";
    double tol = elem == NNACT_ONNX_FLOAT ? 1e-5 : c->tol;
    char name[128];
    nnact_net *net;
    /* a float export carries the parameter as a float: so does the reference */
    double a = elem == NNACT_ONNX_FLOAT ? (double)(float)c->a : c->a;
    /* (1) the activation alone over the whole range */
    if (nnact_net_create(1, &net) || nnact_net_add_dense(net, 1, c->k, a)) die("net");
    double one = 1.0, zero = 0.0, x[2000];
    nnact_net_set_layer(net, 0, &one, &zero);
    size_t n = grid(x, elem == NNACT_ONNX_FLOAT);
    snprintf(name, sizeof name, "act_%s_%s", c->tag, suffix);
    emit(dir, name, net, elem, x, n, tol, "elementwise");
    nnact_net_free(net);
    /* (2) a network with a scaling and class names, random weights */
    if (nnact_net_create(3, &net) || nnact_net_add_dense(net, 5, c->k, a) ||
        nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, 0))
        die("net");
    unsigned long long rng = 42;
    if (nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 42)) die("init");
    double shift[3] = {0.5, -1.25, 2.0}, scale[3] = {2.0, 0.3, 1.7};
    const char *classes[2] = {"no", "yes"};
    if (nnact_net_set_input_scaling(net, shift, scale) ||
        nnact_net_set_class_names(net, 2, classes))
        die("scaling");
    for (size_t i = 0; i < 3 * 64; i++)
        x[i] = 6.0 * uniform(&rng) - 3.0;
    snprintf(name, sizeof name, "net_%s_%s", c->tag, suffix);
    emit(dir, name, net, elem, x, 64, tol, "column");
    nnact_net_free(net);
}

static void collapsed(const char *dir)
{
    nnact_net *net, *one;
    unsigned long long rng = 7;
    if (nnact_net_create(4, &net) || nnact_net_add_dense(net, 6, NNACT_ACT_IDENTITY, 0) ||
        nnact_net_add_dense(net, 5, NNACT_ACT_IDENTITY, 0) ||
        nnact_net_add_dense(net, 3, NNACT_ACT_IDENTITY, 0) ||
        nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 7))
        die("collapse net");
    double K[12], c[3], x[4 * 32];
    if (nnact_net_collapse(net, K, c) || nnact_net_create(4, &one) ||
        nnact_net_add_dense(one, 3, NNACT_ACT_IDENTITY, 0) || nnact_net_set_layer(one, 0, K, c))
        die("collapse");
    for (size_t i = 0; i < 4 * 32; i++)
        x[i] = 4.0 * uniform(&rng) - 2.0;
    emit(dir, "collapsed_double", one, NNACT_ONNX_DOUBLE, x, 32, 1e-12, "column");
    nnact_net_free(one);
    nnact_net_free(net);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: onnx_gen DIR\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].k != NNACT_ACT_GELU) kind_nets(argv[1], &cases[i], NNACT_ONNX_DOUBLE);
        kind_nets(argv[1], &cases[i], NNACT_ONNX_FLOAT);
    }
    collapsed(argv[1]);
    return 0;
}
