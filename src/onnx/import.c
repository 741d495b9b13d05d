/* Parsed ONNX model -> network. Two routes: the library's own export
 * (metadata names every layer's kind and parameter; accepted only when
 * exporting the network it describes gives the file's graph byte for byte),
 * and a walk over a chain of nodes as PyTorch writes nn.Sequential of
 * nn.Linear and activations. Everything else is refused naming the node. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "nnact/act.h"
#include "onnx/onnx_internal.h"

#define MAX_LAYERS 1024

struct layer {
    const struct onnx_tensor *W, *b;
    int transB;
    size_t n_in, n_out;
    nnact_act_kind k;
    double a;
    int has_act;
};

struct walk {
    const char *who;
    const struct onnx_model *m;
    struct onnx_str cur;
    struct layer *L;
    size_t nL;
    size_t width; /* current width; 0 = not known yet */
    size_t *idx;  /* the nodes other than Constant, in order: the chain's positions */
    size_t n_idx;
};

/* Position p of the chain (Constant nodes are read where they are used). */
#define NODE(w, p) (&(w)->m->nodes[(w)->idx[p]])

/* s quoted for a detail (user bytes), at most 48 characters. */
static const char *q(struct onnx_str s, char *buf, size_t cap)
{
    char tmp[64];
    size_t n = s.n < sizeof tmp - 1 ? s.n : sizeof tmp - 1;
    if (n) memcpy(tmp, s.p, n);
    tmp[n] = '\0';
    return nnact__quote(tmp, 48, buf, cap);
}

static nnact_status refuse(const struct walk *w, size_t i, const char *why)
{
    char b1[256], b2[256];
    const struct onnx_node *n = NODE(w, i);
    return nnact__fail(NNACT_ERR_FORMAT, "%s: node %zu (\"%s\", op %s, byte %zu): %s", w->who,
                       w->idx[i], q(n->name, b1, sizeof b1), q(n->op, b2, sizeof b2), n->at, why);
}

static const struct onnx_tensor *find_init(const struct onnx_model *m, struct onnx_str name)
{
    for (size_t i = 0; i < m->n_inits; i++)
        if (onnx_str_eq(m->inits[i].name, name)) return &m->inits[i];
    return NULL;
}

/* An initializer or a Constant node's tensor, float or double. */
static const struct onnx_tensor *find_tensor(const struct onnx_model *m, struct onnx_str name)
{
    const struct onnx_tensor *t = find_init(m, name);
    for (size_t i = 0; !t && i < m->n_nodes; i++)
        if (m->nodes[i].has_value && m->nodes[i].n_out == 1 && onnx_str_eq(m->nodes[i].out[0], name) &&
            nnact__onnx_str_is(m->nodes[i].op, "Constant"))
            t = &m->nodes[i].value;
    return t && nnact__onnx_tensor_readable(t) ? t : NULL;
}

/* An initializer by name, only when float or double (the only tensors whose
 * data size the parser checked). */
static const struct onnx_tensor *readable_init(const struct onnx_model *m, struct onnx_str name)
{
    const struct onnx_tensor *t = find_init(m, name);
    return t && nnact__onnx_tensor_readable(t) ? t : NULL;
}

/* A scalar constant (one element) by name. */
static int const_of(const struct onnx_model *m, struct onnx_str name, double *v)
{
    const struct onnx_tensor *t = find_tensor(m, name);
    if (!t || t->n != 1) return 0;
    *v = nnact__onnx_tensor_at(t, 0);
    return 1;
}

static const struct onnx_attr *attr(const struct onnx_node *n, const char *name)
{
    for (size_t i = 0; i < n->n_attr; i++)
        if (nnact__onnx_str_is(n->attr[i].name, name)) return &n->attr[i];
    return NULL;
}

/* A float attribute as the float value it holds; def when absent. */
static double attr_f(const struct onnx_node *n, const char *name, double def)
{
    const struct onnx_attr *a = attr(n, name);
    return a && a->has_f ? (double)a->f : def;
}

static int64_t attr_i(const struct onnx_node *n, const char *name, int64_t def)
{
    const struct onnx_attr *a = attr(n, name);
    return a && a->has_i ? a->i : def;
}

static const struct onnx_node *node_at(const struct walk *w, size_t i)
{
    return i < w->n_idx ? NODE(w, i) : NULL;
}

/* Node i is `op` with input 0 (or, for a commutative op, either input) `in`. */
static int is_op(const struct walk *w, size_t i, const char *op, struct onnx_str in, int either)
{
    const struct onnx_node *n = node_at(w, i);
    if (!n || !nnact__onnx_str_is(n->op, op) || n->n_out != 1 || n->n_in < 1) return 0;
    if (onnx_str_eq(n->in[0], in)) return 1;
    return either && n->n_in == 2 && onnx_str_eq(n->in[1], in);
}

/* The other input of a two-input node. */
static struct onnx_str other(const struct onnx_node *n, struct onnx_str in)
{
    return onnx_str_eq(n->in[0], in) ? n->in[1] : n->in[0];
}

static int near(double v, double want)
{
    return fabs(v - want) <= 1e-6 * fabs(want);
}

/* The dense layer of node i (Gemm, or MatMul with an optional Add); returns
 * the nodes it used, 0 with the failure recorded. */
static size_t dense(struct walk *w, size_t i, nnact_status *st)
{
    const struct onnx_node *n = NODE(w, i);
    struct layer l;
    memset(&l, 0, sizeof l);
    size_t used = 1;
    const char *why = NULL;
    if (nnact__onnx_str_is(n->op, "Gemm")) {
        if (attr_i(n, "transA", 0) != 0)
            why = "transA is not 0";
        else if (attr_f(n, "alpha", 1.0) != 1.0 || attr_f(n, "beta", 1.0) != 1.0)
            why = "alpha or beta is not 1";
        l.transB = attr_i(n, "transB", 0) != 0;
        if (n->n_in == 3 && n->in[2].n) l.b = find_tensor(w->m, n->in[2]);
        if (n->n_in == 3 && n->in[2].n && !l.b)
            why = "its bias C is not a float or double constant";
    } else if (n->n_in != 2) {
        why = "MatMul needs two inputs";
    } else if (is_op(w, i + 1, "Add", n->out[0], 1) && NODE(w, i + 1)->n_in == 2) {
        l.b = find_tensor(w->m, other(NODE(w, i + 1), n->out[0]));
        used = 2;
        if (!l.b) { /* named against the Add, where the problem is */
            *st = refuse(w, i + 1, "the Add after MatMul has no float or double constant bias");
            return 0;
        }
    }
    if (!why && n->n_in < 2) why = "no weight input";
    if (!why) l.W = find_tensor(w->m, n->in[1]);
    if (!why && (!l.W || l.W->n_dims != 2))
        why = "its weight is not a 2-D float or double constant";
    if (why) {
        *st = refuse(w, i, why);
        return 0;
    }
    l.n_in = (size_t)l.W->dims[l.transB ? 1 : 0];
    l.n_out = (size_t)l.W->dims[l.transB ? 0 : 1];
    if (l.b && l.b->n != l.n_out)
        why = "its bias does not have one value per output";
    else if (l.n_in == 0 || l.n_out == 0)
        why = "its weight has a zero dimension";
    else if (w->width && l.n_in != w->width)
        why = "its weight does not match the width before it";
    else if (w->nL == MAX_LAYERS)
        why = "more than 1024 dense layers";
    if (why) {
        *st = refuse(w, i, why);
        return 0;
    }
    l.k = NNACT_ACT_IDENTITY;
    w->L[w->nL++] = l;
    w->width = l.n_out;
    w->cur = NODE(w, i + used - 1)->out[0];
    return used;
}

/* Node p is `op` whose inputs are, in order, a and a constant equal to c. */
static int op_xc(const struct walk *w, size_t p, const char *op, struct onnx_str a, double c)
{
    const struct onnx_node *n = node_at(w, p);
    double v;
    return n && nnact__onnx_str_is(n->op, op) && n->n_in == 2 && n->n_out == 1 &&
           onnx_str_eq(n->in[0], a) && const_of(w->m, n->in[1], &v) && v == c;
}

/* Node p is Where(cond, a, constant 0). */
static int where0(const struct walk *w, size_t p, struct onnx_str cond, struct onnx_str a)
{
    const struct onnx_node *n = node_at(w, p);
    double v;
    return n && nnact__onnx_str_is(n->op, "Where") && n->n_in == 3 && n->n_out == 1 &&
           onnx_str_eq(n->in[0], cond) && onnx_str_eq(n->in[1], a) && const_of(w->m, n->in[2], &v) && v == 0;
}

#define OUT(p) (NODE(w, p)->out[0])

/* PyTorch's softshrink: Where(x > l, x - l, 0) + Where(x < -l, x + l, 0);
 * hardshrink: Where(Or(Cast(x > l), Cast(x < -l)), x, 0). */
static size_t shrinks(const struct walk *w, size_t i, nnact_act_kind *k, double *l)
{
    struct onnx_str x = w->cur;
    const struct onnx_node *n = NODE(w, i);
    if (n->n_in != 2 || !const_of(w->m, n->in[1], l) || !(*l >= 0)) return 0;
    if (op_xc(w, i + 1, "Sub", x, *l) && where0(w, i + 2, OUT(i), OUT(i + 1)) &&
        op_xc(w, i + 3, "Less", x, -*l) && op_xc(w, i + 4, "Add", x, *l) &&
        where0(w, i + 5, OUT(i + 3), OUT(i + 4)) && node_at(w, i + 6) &&
        nnact__onnx_str_is(NODE(w, i + 6)->op, "Add") && NODE(w, i + 6)->n_in == 2 &&
        onnx_str_eq(NODE(w, i + 6)->in[0], OUT(i + 2)) && onnx_str_eq(NODE(w, i + 6)->in[1], OUT(i + 5)))
        return *k = NNACT_ACT_SOFTSHRINK, 7;
    if (op_xc(w, i + 1, "Less", x, -*l) && is_op(w, i + 2, "Cast", OUT(i), 0) &&
        is_op(w, i + 3, "Cast", OUT(i + 1), 0) && node_at(w, i + 4) &&
        nnact__onnx_str_is(NODE(w, i + 4)->op, "Or") && NODE(w, i + 4)->n_in == 2 &&
        onnx_str_eq(NODE(w, i + 4)->in[0], OUT(i + 2)) && onnx_str_eq(NODE(w, i + 4)->in[1], OUT(i + 3)) &&
        where0(w, i + 5, OUT(i + 4), x))
        return *k = NNACT_ACT_HARDSHRINK, 6;
    return 0;
}

/* Cast -> Celu -> Cast: PyTorch's CELU of a double network (ONNX's Celu is
 * float-only); read as CELU in double, which is what PyTorch computes. */
static size_t cast_celu(const struct walk *w, size_t i, double *a)
{
    const struct onnx_node *n = NODE(w, i);
    if (attr_i(n, "to", 0) != ONNX_FLOAT || !is_op(w, i + 1, "Celu", OUT(i), 0) ||
        !is_op(w, i + 2, "Cast", OUT(i + 1), 0) || attr_i(NODE(w, i + 2), "to", 0) != ONNX_DOUBLE)
        return 0;
    *a = attr_f(NODE(w, i + 1), "alpha", 1.0);
    return *a > 0 ? 3 : 0;
}

/* Compositions PyTorch writes for one activation: the kind and nodes used,
 * 0 when node i does not start one. */
static size_t composite(const struct walk *w, size_t i, nnact_act_kind *k, double *a)
{
    const struct onnx_node *n = NODE(w, i);
    struct onnx_str x = w->cur, o = n->out[0];
    double c;
    if (nnact__onnx_str_is(n->op, "Sigmoid")) {
        if (is_op(w, i + 1, "Mul", o, 1) && onnx_str_eq(other(NODE(w, i + 1), o), x))
            return *k = NNACT_ACT_SILU, 2;
        if (is_op(w, i + 1, "Log", o, 0)) return *k = NNACT_ACT_LOG_SIGMOID, 2;
    } else if (nnact__onnx_str_is(n->op, "Tanh")) {
        const struct onnx_node *s = node_at(w, i + 1);
        if (s && nnact__onnx_str_is(s->op, "Sub") && s->n_in == 2 && onnx_str_eq(s->in[0], x) &&
            onnx_str_eq(s->in[1], o))
            return *k = NNACT_ACT_TANHSHRINK, 2;
    } else if (nnact__onnx_str_is(n->op, "Softplus") && is_op(w, i + 1, "Tanh", o, 0)) {
        struct onnx_str t = NODE(w, i + 1)->out[0];
        if (is_op(w, i + 2, "Mul", t, 1) && onnx_str_eq(other(NODE(w, i + 2), t), x))
            return *k = NNACT_ACT_MISH, 3;
    } else if (nnact__onnx_str_is(n->op, "Div") && n->n_in == 2 && const_of(w->m, n->in[1], &c) &&
               near(c, 1.4142135623730951) && is_op(w, i + 1, "Erf", o, 0)) {
        /* x / sqrt2 -> Erf -> + 1 -> * x -> * 0.5 */
        struct onnx_str e = NODE(w, i + 1)->out[0];
        if (!is_op(w, i + 2, "Add", e, 1) || !const_of(w->m, other(NODE(w, i + 2), e), &c) ||
            c != 1.0)
            return 0;
        struct onnx_str p = NODE(w, i + 2)->out[0];
        if (!is_op(w, i + 3, "Mul", p, 1) || !onnx_str_eq(other(NODE(w, i + 3), p), x)) return 0;
        struct onnx_str h = NODE(w, i + 3)->out[0];
        if (!is_op(w, i + 4, "Mul", h, 1) || !const_of(w->m, other(NODE(w, i + 4), h), &c) ||
            c != 0.5)
            return 0;
        return *k = NNACT_ACT_GELU, 5;
    } else if (nnact__onnx_str_is(n->op, "Mul") && n->n_in == 2 && onnx_str_eq(n->in[0], x) &&
               onnx_str_eq(n->in[1], x)) {
        return *k = NNACT_ACT_SQUARE, 1;
    } else if (nnact__onnx_str_is(n->op, "Abs") && is_op(w, i + 1, "Add", o, 1) &&
               const_of(w->m, other(NODE(w, i + 1), o), &c) && c == 1.0 &&
               is_op(w, i + 2, "Div", x, 0) && NODE(w, i + 2)->n_in == 2 &&
               onnx_str_eq(NODE(w, i + 2)->in[1], OUT(i + 1))) {
        return *k = NNACT_ACT_SOFTSIGN, 3; /* x / (|x| + 1) */
    } else if (nnact__onnx_str_is(n->op, "Greater")) {
        return shrinks(w, i, k, a);
    } else if (nnact__onnx_str_is(n->op, "Cast")) {
        size_t used = cast_celu(w, i, a);
        if (used) *k = NNACT_ACT_CELU;
        return used;
    }
    return 0;
}

/* Clip(min, max) as relu6 or hard_tanh. */
static const char *clip(const struct walk *w, const struct onnx_node *n, nnact_act_kind *k)
{
    double lo, hi;
    if (n->n_in == 3 && const_of(w->m, n->in[1], &lo) && const_of(w->m, n->in[2], &hi)) {
        if (lo == 0 && hi == 6) return *k = NNACT_ACT_RELU6, NULL;
        if (lo == -1 && hi == 1) return *k = NNACT_ACT_HARD_TANH, NULL;
    }
    return "only Clip(0, 6) (relu6) and Clip(-1, 1) (hard_tanh) are activations here";
}

/* A single native operator: the kind and its parameter, or why not. */
static const char *native(const struct walk *w, const struct onnx_node *n, nnact_act_kind *k,
                          double *a)
{
    static const struct {
        const char *op;
        nnact_act_kind k;
    } plain[] = {{"Relu", NNACT_ACT_RELU},         {"Sigmoid", NNACT_ACT_SIGMOID},
                 {"Tanh", NNACT_ACT_TANH},         {"Sin", NNACT_ACT_SINUSOID},
                 {"Cos", NNACT_ACT_COS},           {"Abs", NNACT_ACT_ABS},
                 {"Softsign", NNACT_ACT_SOFTSIGN}, {"HardSwish", NNACT_ACT_HARD_SWISH}};
    for (size_t j = 0; j < sizeof plain / sizeof plain[0]; j++)
        if (nnact__onnx_str_is(n->op, plain[j].op)) return *k = plain[j].k, NULL;
    /* float32 attributes are taken as the float value they hold */
    if (nnact__onnx_str_is(n->op, "LeakyRelu"))
        return *k = NNACT_ACT_LEAKY_RELU, *a = attr_f(n, "alpha", (double)0.01f), NULL;
    if (nnact__onnx_str_is(n->op, "Elu"))
        return *k = NNACT_ACT_ELU, *a = attr_f(n, "alpha", 1.0), NULL;
    if (nnact__onnx_str_is(n->op, "Celu")) {
        *a = attr_f(n, "alpha", 1.0);
        return *a > 0 ? (*k = NNACT_ACT_CELU, NULL) : "Celu alpha must be positive";
    }
    if (nnact__onnx_str_is(n->op, "Softplus")) return *k = NNACT_ACT_SOFTPLUS, *a = 1.0, NULL;
    if (nnact__onnx_str_is(n->op, "Selu")) {
        /* the float roundings of SELU's constants stand for SELU itself */
        if (attr_f(n, "alpha", (double)1.67326319217681884765625f) !=
                (double)1.67326319217681884765625f ||
            attr_f(n, "gamma", (double)1.05070102214813232421875f) !=
                (double)1.05070102214813232421875f)
            return "Selu with other constants than SELU's";
        return *k = NNACT_ACT_SELU, NULL;
    }
    if (nnact__onnx_str_is(n->op, "HardSigmoid")) {
        if (attr_f(n, "alpha", 0.2) != (double)(1.0f / 6) || attr_f(n, "beta", 0.5) != 0.5)
            return "HardSigmoid other than alpha 1/6, beta 1/2 (PyTorch's)";
        return *k = NNACT_ACT_HARD_SIGMOID, NULL;
    }
    if (nnact__onnx_str_is(n->op, "Shrink")) {
        double bias = attr_f(n, "bias", 0.0), l = attr_f(n, "lambd", 0.5);
        if (l < 0) return "Shrink with a negative lambd";
        if (bias == 0) return *k = NNACT_ACT_HARDSHRINK, *a = l, NULL;
        if (bias == l) return *k = NNACT_ACT_SOFTSHRINK, *a = l, NULL;
        return "Shrink whose bias is neither 0 nor lambd";
    }
    if (nnact__onnx_str_is(n->op, "Clip")) return clip(w, n, k);
    return "unsupported operator (docs/ONNX.md lists what imports)";
}

/* The activation starting at node i: nodes used, 0 with the failure recorded. */
static size_t activation(struct walk *w, size_t i, nnact_status *st)
{
    const struct onnx_node *n = NODE(w, i);
    nnact_act_kind k = NNACT_ACT_IDENTITY;
    double a = 0;
    size_t used = composite(w, i, &k, &a);
    if (!used) {
        const char *why = native(w, n, &k, &a);
        if (why) {
            *st = refuse(w, i, why);
            return 0;
        }
        used = 1;
    }
    struct layer *l = w->nL ? &w->L[w->nL - 1] : NULL;
    if (!l || l->has_act) {
        *st = refuse(w, i,
                     l ? "a second activation after one dense layer"
                       : "an activation before the first dense layer");
        return 0;
    }
    if (nnact_act_param_name(k) == NULL) a = 0;
    l->k = k;
    l->a = a;
    l->has_act = 1;
    w->cur = NODE(w, i + used - 1)->out[0];
    return used;
}

static nnact_status walk_nodes(struct walk *w)
{
    nnact_status st = NNACT_OK;
    for (size_t i = 0; i < w->m->n_nodes; i++) {
        const struct onnx_node *n = &w->m->nodes[i];
        if (n->domain.n && !nnact__onnx_str_is(n->domain, "ai.onnx")) {
            w->idx[w->n_idx++] = i; /* refused below, named */
            return refuse(w, w->n_idx - 1, "an operator outside the default domain");
        }
        if (!nnact__onnx_str_is(n->op, "Constant")) w->idx[w->n_idx++] = i;
    }
    for (size_t i = 0; i < w->n_idx;) {
        const struct onnx_node *n = NODE(w, i);
        if (n->n_out != 1 || n->n_in < 1) return refuse(w, i, "not one output and some input");
        if (!onnx_str_eq(n->in[0], w->cur))
            return refuse(w, i, "its first input is not the chain's current value");
        size_t used;
        if (nnact__onnx_str_is(n->op, "Identity") ||
            (nnact__onnx_str_is(n->op, "Flatten") && attr_i(n, "axis", 1) == 1)) {
            w->cur = n->out[0];
            used = 1;
        } else if (nnact__onnx_str_is(n->op, "Gemm") || nnact__onnx_str_is(n->op, "MatMul")) {
            used = dense(w, i, &st);
        } else {
            used = activation(w, i, &st);
        }
        if (!used) return st;
        i += used;
    }
    return NNACT_OK;
}

/* The one graph input that is not an initializer, 2-D float or double. */
static nnact_status graph_input(const char *who, const struct onnx_model *m,
                                const struct onnx_value **x)
{
    *x = NULL;
    char b[256];
    for (size_t i = 0; i < m->n_in; i++) {
        if (find_init(m, m->in[i].name)) continue;
        NNACT_RETURN_IF(*x, NNACT_ERR_FORMAT, "%s: more than one graph input (\"%s\" too)", who,
                        q(m->in[i].name, b, sizeof b));
        *x = &m->in[i];
    }
    NNACT_RETURN_IF(!*x, NNACT_ERR_FORMAT, "%s: the graph has no input", who);
    NNACT_RETURN_IF((*x)->elem != ONNX_FLOAT && (*x)->elem != ONNX_DOUBLE, NNACT_ERR_FORMAT,
                    "%s: input \"%s\" is not a float or double tensor", who,
                    q((*x)->name, b, sizeof b));
    NNACT_RETURN_IF((*x)->rank != 2, NNACT_ERR_FORMAT,
                    "%s: input \"%s\" has rank %d, not 2 ([batch, features])", who,
                    q((*x)->name, b, sizeof b), (*x)->rank);
    NNACT_RETURN_IF(m->n_out != 1, NNACT_ERR_FORMAT, "%s: the graph has %zu outputs, not 1", who,
                    m->n_out);
    return NNACT_OK;
}

/* Copies a layer's weights (transposed when transB) and bias in. */
static nnact_status set_weights(const char *who, nnact_net *net, size_t li, const struct layer *l)
{
    size_t nw = l->n_in * l->n_out;
    double *W = nnact__malloc((nw + l->n_out) * sizeof *W);
    NNACT_RETURN_IF(!W, NNACT_ERR_NOMEM, "%s: out of memory", who);
    double *b = W + nw;
    int finite = 1;
    for (size_t r = 0; r < l->n_in; r++)
        for (size_t c = 0; c < l->n_out; c++) {
            double v = nnact__onnx_tensor_at(l->W, l->transB ? c * l->n_in + r : r * l->n_out + c);
            W[r * l->n_out + c] = v;
            finite &= isfinite(v) != 0;
        }
    for (size_t c = 0; c < l->n_out && l->b; c++) {
        b[c] = nnact__onnx_tensor_at(l->b, c);
        finite &= isfinite(b[c]) != 0;
    }
    nnact_status s = finite ? nnact_net_set_layer(net, li, W, l->b ? b : NULL) : NNACT_ERR_NUMERIC;
    nnact__free(W);
    NNACT_RETURN_IF(s == NNACT_ERR_NUMERIC, s, "%s: layer %zu has a NaN or infinite weight", who,
                    li);
    return s;
}

static nnact_status onnx_build(const char *who, const struct layer *L, size_t nL, nnact_net **out)
{
    char reason[512];
    nnact_net *net = NULL;
    nnact_status s = nnact_net_create(L[0].n_in, &net);
    for (size_t i = 0; i < nL && s == NNACT_OK; i++) {
        s = nnact_net_add_dense_ex(net, L[i].n_out, L[i].k, L[i].a,
                                   L[i].b ? 0u : NNACT_DENSE_NO_BIAS);
        if (s == NNACT_OK)
            s = set_weights(who, net, i, &L[i]);
        else if (s != NNACT_ERR_NOMEM) {
            nnact__last_reason(reason, sizeof reason);
            s = nnact__fail(NNACT_ERR_FORMAT, "%s: layer %zu: %s", who, i, reason);
        }
    }
    if (s != NNACT_OK) {
        if (s == NNACT_ERR_NOMEM) nnact__fail(s, "%s: out of memory", who);
        nnact_net_free(net);
        return s;
    }
    *out = net;
    return NNACT_OK;
}

static nnact_status import_chain(const char *who, const struct onnx_model *m, nnact_net **out)
{
    const struct onnx_value *x;
    NNACT_FORWARD_IF_ERROR(graph_input(who, m, &x));
    struct walk w = {who, m, x->name, NULL, 0, x->dims[1] > 0 ? (size_t)x->dims[1] : 0, NULL, 0};
    w.L = nnact__calloc(MAX_LAYERS, sizeof *w.L);
    w.idx = nnact__calloc(m->n_nodes ? m->n_nodes : 1, sizeof *w.idx);
    if (!w.L || !w.idx) {
        nnact__free(w.L);
        nnact__free(w.idx);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    nnact_status s = walk_nodes(&w);
    char b[256];
    if (s == NNACT_OK && w.nL == 0)
        s = nnact__fail(NNACT_ERR_FORMAT, "%s: the graph has no dense layer (Gemm or MatMul)", who);
    else if (s == NNACT_OK && !onnx_str_eq(w.cur, m->out[0].name))
        s = nnact__fail(NNACT_ERR_FORMAT,
                        "%s: the chain ends in \"%s\", which is not the graph output", who,
                        q(w.cur, b, sizeof b));
    if (s == NNACT_OK) s = onnx_build(who, w.L, w.nL, out);
    nnact__free(w.L);
    nnact__free(w.idx);
    return s;
}

/* ---- the library's own exports ---- */

static const struct onnx_kv *meta(const struct onnx_model *m, const char *key)
{
    for (size_t i = 0; i < m->n_meta; i++)
        if (nnact__onnx_str_is(m->meta[i].key, key)) return &m->meta[i];
    return NULL;
}

/* "kind[:param],..." into L[].k, L[].a; the count, 0 when malformed. */
static size_t own_kinds(const struct onnx_str list, struct layer *L)
{
    size_t n = 0, pos = 0;
    while (pos < list.n) {
        char item[64];
        size_t len = 0;
        while (pos < list.n && list.p[pos] != ',') {
            if (len == sizeof item - 1) return 0;
            item[len++] = (char)list.p[pos++];
        }
        pos++;
        item[len] = '\0';
        if (n == MAX_LAYERS) return 0;
        char *colon = strchr(item, ':');
        double a = 0;
        if (colon) {
            *colon = '\0';
            if (!nnact__onnx_hex_parse(colon + 1, &a)) return 0;
        }
        nnact_act_kind k;
        if (nnact_act_from_name(item, &k) != NNACT_OK) return 0;
        L[n].k = k;
        L[n].a = a;
        n++;
    }
    return n;
}

static nnact_status own_names(const char *who, const struct onnx_model *m, nnact_net *net);

/* Layers from metadata, weights from W<l>/b<l>, scaling from shift/scale;
 * NNACT_ERR_FORMAT (detail set) when the file is not such an export. */
static nnact_status own_net(const char *who, const struct onnx_model *m, struct layer *L,
                            nnact_net **out)
{
    const struct onnx_kv *kv = meta(m, "nnact.layers");
    for (const struct onnx_kv *k = kv + 1; k < m->meta + m->n_meta; k++)
        NNACT_RETURN_IF(nnact__onnx_str_is(k->key, "nnact.layers"), NNACT_ERR_FORMAT,
                        "%s: nnact.layers metadata appears twice", who);
    size_t nL = kv ? own_kinds(kv->value, L) : 0;
    NNACT_RETURN_IF(nL == 0, NNACT_ERR_FORMAT, "%s: nnact.layers metadata unreadable", who);
    size_t width = 0;
    for (size_t i = 0; i < nL; i++) {
        char name[32];
        snprintf(name, sizeof name, "W%zu", i);
        struct onnx_str sn = {(const unsigned char *)name, strlen(name)};
        L[i].W = readable_init(m, sn);
        name[0] = 'b';
        L[i].b = find_init(m, sn);
        NNACT_RETURN_IF(L[i].b && !nnact__onnx_tensor_readable(L[i].b), NNACT_ERR_FORMAT,
                        "%s: b%zu is not a float or double tensor", who, i);
        int ok = L[i].W && L[i].W->n_dims == 2 && L[i].W->type == m->in[0].elem &&
                 L[i].W->dims[0] > 0 && L[i].W->dims[1] > 0 &&
                 (!width || (size_t)L[i].W->dims[0] == width);
        NNACT_RETURN_IF(!ok, NNACT_ERR_FORMAT,
                        "%s: W%zu missing, not float or double or of the wrong shape", who, i);
        L[i].n_in = (size_t)L[i].W->dims[0];
        L[i].n_out = width = (size_t)L[i].W->dims[1];
        NNACT_RETURN_IF(L[i].b && (L[i].b->n != L[i].n_out || L[i].b->type != L[i].W->type),
                        NNACT_ERR_FORMAT, "%s: b%zu of the wrong shape", who, i);
    }
    NNACT_FORWARD_IF_ERROR(onnx_build(who, L, nL, out));
    nnact_status s = own_names(who, m, *out);
    if (s != NNACT_OK) {
        nnact_net_free(*out);
        *out = NULL;
    }
    return s;
}

static const struct onnx_tensor *init_named(const struct onnx_model *m, const char *name)
{
    struct onnx_str s = {(const unsigned char *)name, strlen(name)};
    return readable_init(m, s);
}

/* The values of the metadata keys "<prefix><i>" (i decimal, i < max) into
 * v[0..*count), found in one pass over the metadata (a lookup per index was
 * quadratic in the entries); an index at or beyond max, written with a
 * leading zero, repeated or leaving a gap is refused. */
static nnact_status index_names(const char *who, const struct onnx_model *m, const char *prefix,
                                const struct onnx_str **v, size_t max, size_t *count)
{
    size_t plen = strlen(prefix), found = 0;
    char b[256];
    for (size_t i = 0; i < m->n_meta; i++) {
        struct onnx_str key = m->meta[i].key;
        if (key.n <= plen || memcmp(key.p, prefix, plen) != 0) continue;
        size_t idx = 0, d = plen;
        for (; d < key.n && key.p[d] >= '0' && key.p[d] <= '9'; d++)
            idx = idx > max ? idx : idx * 10 + (size_t)(key.p[d] - '0'); /* saturates */
        NNACT_RETURN_IF(d < key.n || (key.p[plen] == '0' && key.n > plen + 1), NNACT_ERR_FORMAT,
                        "%s: metadata key \"%s\" is not %s<index>", who, q(key, b, sizeof b),
                        prefix);
        NNACT_RETURN_IF(idx >= max, NNACT_ERR_FORMAT,
                        "%s: metadata key \"%s\": index beyond the network's %zu", who,
                        q(key, b, sizeof b), max);
        NNACT_RETURN_IF(v[idx], NNACT_ERR_FORMAT, "%s: metadata key \"%s\" appears twice", who,
                        q(key, b, sizeof b));
        v[idx] = &m->meta[i].value;
        found++;
    }
    for (size_t i = 0; i < found; i++)
        NNACT_RETURN_IF(!v[i], NNACT_ERR_FORMAT, "%s: metadata has %zu %s<index> keys but no %s%zu",
                        who, found, prefix, prefix, i);
    *count = found;
    return NNACT_OK;
}

/* n copies of v[] as C strings; NULL when out of memory (nothing kept). */
static char **copy_names(const struct onnx_str *const *v, size_t n)
{
    char **c = nnact__calloc(n, sizeof *c);
    for (size_t i = 0; c && i < n; i++) {
        c[i] = nnact__malloc(v[i]->n + 1);
        if (!c[i]) {
            for (size_t j = 0; j < i; j++)
                nnact__free(c[j]);
            nnact__free(c);
            return NULL;
        }
        if (v[i]->n) memcpy(c[i], v[i]->p, v[i]->n);
        c[i][v[i]->n] = '\0';
    }
    return c;
}

static nnact_status own_scaling(const char *who, const struct onnx_model *m, nnact_net *net)
{
    struct onnx_str shn = {(const unsigned char *)"shift", 5},
                    scn = {(const unsigned char *)"scale", 5};
    if (!find_init(m, shn) && !find_init(m, scn)) return NNACT_OK;
    const struct onnx_tensor *sh = init_named(m, "shift"), *sc = init_named(m, "scale");
    size_t n = nnact_net_input_size(net);
    NNACT_RETURN_IF(!sh || !sc || sh->n != n || sc->n != n, NNACT_ERR_FORMAT,
                    "%s: shift/scale missing, not float or double or of the wrong shape", who);
    double *v = nnact__malloc(2 * n * sizeof *v);
    NNACT_RETURN_IF(!v, NNACT_ERR_NOMEM, "%s: out of memory", who);
    for (size_t i = 0; i < n; i++) {
        v[i] = nnact__onnx_tensor_at(sh, i);
        v[n + i] = nnact__onnx_tensor_at(sc, i);
    }
    nnact_status s = nnact_net_set_input_scaling(net, v, v + n);
    nnact__free(v);
    NNACT_RETURN_IF(s == NNACT_ERR_NOMEM, s, "%s: out of memory", who);
    NNACT_RETURN_IF(s != NNACT_OK, NNACT_ERR_FORMAT, "%s: the input scaling is refused", who);
    return NNACT_OK;
}

/* One kind of names (0 class, 1 input, 2 target) from the metadata into net. */
static nnact_status own_name_kind(const char *who, const struct onnx_model *m, nnact_net *net,
                                  int kind)
{
    static const char *const prefix[] = {"nnact.class.", "nnact.input.", "nnact.target."};
    size_t n_in = nnact_net_input_size(net), n_out = nnact_net_output_size(net);
    size_t max = kind == 1 ? n_in : kind == 0 && n_out < 2 ? 2 : n_out, n = 0;
    const struct onnx_str **v = nnact__calloc(max, sizeof *v);
    NNACT_RETURN_IF(!v, NNACT_ERR_NOMEM, "%s: out of memory", who);
    nnact_status s = index_names(who, m, prefix[kind], v, max, &n);
    char **c = s == NNACT_OK && n ? copy_names(v, n) : NULL;
    nnact__free(v);
    if (s != NNACT_OK || n == 0) return s;
    NNACT_RETURN_IF(!c, NNACT_ERR_NOMEM, "%s: out of memory", who);
    const char *const *cv = (const char *const *)c;
    if (kind == 0)
        s = nnact_net_set_class_names(net, n, cv);
    else if (kind == 1)
        s = n == n_in ? nnact_net_set_input_names(net, cv) : NNACT_ERR_ARG;
    else
        s = nnact_net_set_target_names(net, n, cv);
    for (size_t i = 0; i < n; i++)
        nnact__free(c[i]);
    nnact__free(c);
    NNACT_RETURN_IF(s == NNACT_ERR_NOMEM, s, "%s: out of memory", who);
    NNACT_RETURN_IF(s != NNACT_OK, NNACT_ERR_FORMAT, "%s: the %snames in the metadata are refused",
                    who, prefix[kind]);
    return NNACT_OK;
}

static nnact_status own_names(const char *who, const struct onnx_model *m, nnact_net *net)
{
    NNACT_FORWARD_IF_ERROR(own_scaling(who, m, net));
    for (int kind = 0; kind < 3; kind++)
        NNACT_FORWARD_IF_ERROR(own_name_kind(who, m, net, kind));
    return NNACT_OK;
}

/* The own route: accepted only when the export of the network it reads is
 * the file's graph byte for byte, so the network computes what the file's
 * graph computes. 1 with *out set; 0 when the file has no nnact.layers or
 * its graph is not that export (then the chain route decides); -1 with *st
 * set when the metadata, weights or names are broken: the file claims to be
 * an own export, so that failure is reported (the chain route would drop the
 * metadata or refuse an unrelated node). */
static int import_own(const char *who, const struct onnx_model *m, nnact_net **out,
                      nnact_status *st)
{
    if (!meta(m, "nnact.layers") || m->n_in != 1) return 0;
    struct layer *L = nnact__calloc(MAX_LAYERS, sizeof *L);
    if (!L) return *st = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who), -1;
    nnact_net *net = NULL;
    nnact_status s = own_net(who, m, L, &net);
    nnact__free(L);
    if (s != NNACT_OK) return *st = s, -1;
    struct pbw g = {0};
    nnact_onnx_elem elem = m->in[0].elem == ONNX_FLOAT ? NNACT_ONNX_FLOAT : NNACT_ONNX_DOUBLE;
    s = nnact__onnx_export_graph(who, net, elem, &g);
    int same = s == NNACT_OK && g.len == m->graph.n && (g.len == 0 || memcmp(g.p, m->graph.p, g.len) == 0);
    nnact__pbw_free(&g);
    if (s == NNACT_ERR_NOMEM) {
        nnact_net_free(net);
        return *st = s, -1;
    }
    if (!same) {
        nnact_net_free(net);
        return 0;
    }
    *out = net;
    return 1;
}

nnact_status nnact__onnx_import(const char *who, const struct onnx_model *m, nnact_net **out)
{
    nnact_status s = NNACT_OK;
    int own = import_own(who, m, out, &s);
    if (own == 1) return NNACT_OK;
    if (own < 0) return s;
    s = import_chain(who, m, out);
    if (s == NNACT_ERR_FORMAT && meta(m, "nnact.layers")) {
        /* say why the own route did not take it either */
        char reason[400];
        nnact__last_reason(reason, sizeof reason);
        nnact__fail(s, "%s: %s (and not read as a libnnact export: %s)", who, reason,
                    m->n_in != 1 ? "the graph has not exactly one input"
                                 : "its graph is not the export of the network its nnact.layers "
                                   "metadata describes");
    }
    return s;
}
