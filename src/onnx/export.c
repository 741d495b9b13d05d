/* Network -> ModelProto. The graph is built as a list of nodes first (so the
 * last one's output can be named `y`), then serialized. Each activation is
 * the native operator where ONNX Runtime has a double kernel and the
 * parameter is exact in float32, otherwise a composition of operators that
 * do have one (docs/ONNX.md has the table and the measured errors). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "act/act_internal.h"
#include "core/alloc.h"
#include "nnact/act.h"
#include "nnact/version.h"
#include "onnx/onnx_internal.h"

#define SELU_ALPHA     1.6732632423543772848170429916717
#define SELU_SCALE     1.0507009873554804934193349852946
#define SQRT_2_OVER_PI 0.79788456080286535587989211986876
#define GELU_TANH_C    0.044715

typedef struct {
    char s[24];
} val;

struct attr {
    const char *name;
    int type; /* ONNX_ATTR_FLOAT or ONNX_ATTR_INT */
    float f;
    int64_t i;
};

struct node {
    const char *op;
    val in[3], out;
    int n_in, n_attr;
    struct attr attr[2];
};

struct gb {
    const char *who;
    nnact_onnx_elem elem;
    struct node *nodes;
    size_t n_nodes, cap_nodes;
    struct pbw inits; /* serialized TensorProto fields (GraphProto field 5) */
    size_t layer;
    unsigned seq;
    int failed;
};

static val named(const char *fmt, size_t a, unsigned b)
{
    val v;
    snprintf(v.s, sizeof v.s, fmt, a, b);
    return v;
}

static void put_tensor(struct gb *g, const char *name, size_t rank, const size_t *dims,
                       const double *x, size_t n)
{
    struct pbw *w = &g->inits;
    size_t at = nnact__pbw_begin(w, 5);
    for (size_t i = 0; i < rank; i++)
        nnact__pbw_varint(w, 1, dims[i]);
    nnact__pbw_varint(w, 2, g->elem == NNACT_ONNX_FLOAT ? ONNX_FLOAT : ONNX_DOUBLE);
    nnact__pbw_str(w, 8, name);
    size_t width = g->elem == NNACT_ONNX_FLOAT ? 4 : 8;
    size_t body = nnact__pbw_begin(w, 9);
    for (size_t i = 0; i < n; i++) {
        unsigned char b[8];
        if (width == 4) {
            float f = (float)x[i];
            uint32_t u;
            memcpy(&u, &f, 4);
            for (int k = 0; k < 4; k++)
                b[k] = (unsigned char)(u >> (8 * k));
        } else {
            uint64_t u;
            memcpy(&u, &x[i], 8);
            for (int k = 0; k < 8; k++)
                b[k] = (unsigned char)(u >> (8 * k));
        }
        nnact__pbw_raw(w, b, width);
    }
    nnact__pbw_end(w, body);
    nnact__pbw_end(w, at);
}

/* A float export must not turn a finite value infinite, or a scale 0 (the
 * graph would divide by it): such a value is refused, named. */
static int float_safe(struct gb *g, const char *what, const double *x, size_t n, int nonzero)
{
    if (g->elem != NNACT_ONNX_FLOAT) return 1;
    for (size_t i = 0; i < n; i++) {
        float f = (float)x[i];
        if ((isfinite(x[i]) && !isfinite(f)) || (nonzero && f == 0.0f)) {
            nnact__fail(NNACT_ERR_NUMERIC, "%s: %s[%zu] = %.17g is %s in float", g->who, what, i,
                        x[i], f == 0.0f ? "0" : "infinite");
            g->failed = 4;
            return 0;
        }
    }
    return 1;
}

static struct node *add_node(struct gb *g, const char *op, int n_in, const val *in)
{
    if (g->failed) return NULL;
    if (g->n_nodes == g->cap_nodes) {
        size_t cap = g->cap_nodes ? 2 * g->cap_nodes : 64;
        struct node *p = nnact__malloc(cap * sizeof *p);
        if (!p) {
            g->failed = 1;
            return NULL;
        }
        if (g->n_nodes) memcpy(p, g->nodes, g->n_nodes * sizeof *p);
        nnact__free(g->nodes);
        g->nodes = p;
        g->cap_nodes = cap;
    }
    struct node *n = &g->nodes[g->n_nodes++];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->n_in = n_in;
    for (int i = 0; i < n_in; i++)
        n->in[i] = in[i];
    n->out = named("l%zu_t%u", g->layer, g->seq++);
    return n;
}

static val op1(struct gb *g, const char *op, val a)
{
    struct node *n = add_node(g, op, 1, &a);
    return n ? n->out : a;
}

static val op2(struct gb *g, const char *op, val a, val b)
{
    val in[2] = {a, b};
    struct node *n = add_node(g, op, 2, in);
    return n ? n->out : a;
}

static val op3(struct gb *g, const char *op, val a, val b, val c)
{
    val in[3] = {a, b, c};
    struct node *n = add_node(g, op, 3, in);
    return n ? n->out : a;
}

static val op_f(struct gb *g, const char *op, val a, const char *an, float af, const char *bn,
                float bf)
{
    struct node *n = add_node(g, op, 1, &a);
    if (!n) return a;
    n->attr[n->n_attr++] = (struct attr){an, ONNX_ATTR_FLOAT, af, 0};
    if (bn) n->attr[n->n_attr++] = (struct attr){bn, ONNX_ATTR_FLOAT, bf, 0};
    return n->out;
}

/* A scalar initializer of the export's element type. */
static val cst(struct gb *g, double v)
{
    val name = named("l%zu_c%u", g->layer, g->seq++);
    put_tensor(g, name.s, 0, NULL, &v, 1);
    return name;
}

/* op(a, constant c): the constant's initializer is made first, so the
 * order of nodes and names never depends on the compiler's order of
 * evaluating arguments (the importer compares a re-export byte by byte). */
static val opk(struct gb *g, const char *op, val a, double c)
{
    val k = cst(g, c);
    return op2(g, op, a, k);
}

/* expm1 from exp and log (Kahan): u = e^x; x when u rounds to 1, else
 * (u - 1) x / log u, accurate to a few ulps over the whole range where
 * exp(x) - 1 would cancel near 0. x is first held above -50, where
 * expm1 is -1 to double precision, so log u is never -inf. */
static val expm1_of(struct gb *g, val x)
{
    val one = cst(g, 1.0);
    val xc = opk(g, "Max", x, -50.0);
    val u = op1(g, "Exp", xc);
    val um1 = op2(g, "Sub", u, one);
    val num = op2(g, "Mul", um1, xc);
    val lu = op1(g, "Log", u);
    val r = op2(g, "Div", num, lu);
    val is1 = op2(g, "Equal", u, one);
    return op3(g, "Where", is1, xc, r);
}

/* log1p(w) for w >= 0 (Kahan): w when 1 + w rounds to 1, else
 * w log(1 + w) / ((1 + w) - 1). */
static val log1p_of(struct gb *g, val w)
{
    val one = cst(g, 1.0);
    val u = op2(g, "Add", one, w);
    val lu = op1(g, "Log", u);
    val um1 = op2(g, "Sub", u, one);
    val r = op2(g, "Mul", w, op2(g, "Div", lu, um1));
    val is1 = op2(g, "Equal", u, one);
    return op3(g, "Where", is1, w, r);
}

/* sigmoid as the library computes it, e = e^-|x|: 1 / (1 + e) for x >= 0,
 * e / (1 + e) below. ONNX Runtime's Sigmoid goes through tanh and returns 0
 * below x = -37 in double (6e-8 absolute in float), so it would lose the
 * whole left tail of sigmoid, SiLU, swish and GELU (tanh). */
static val sigmoid_of(struct gb *g, val z)
{
    val e = op1(g, "Exp", op1(g, "Neg", op1(g, "Abs", z)));
    val d = opk(g, "Add", e, 1.0);
    val one = cst(g, 1.0);
    val pos = op2(g, "Div", one, d);
    val neg = op2(g, "Div", e, d);
    val below = opk(g, "Less", z, 0.0);
    return op3(g, "Where", below, neg, pos);
}

static int float_exact(double a)
{
    return (double)(float)a == a;
}

static val act_tanhshrink(struct gb *g, val z)
{
    /* the library's Taylor series below |x| = 1/4 (act_ref.c), x - tanh x above */
    const double *c = nnact__tanhshrink_series;
    val x2 = op2(g, "Mul", z, z);
    val p = cst(g, c[NNACT__TANHSHRINK_TERMS - 1]);
    for (int i = NNACT__TANHSHRINK_TERMS - 2; i >= 0; i--) {
        val px2 = op2(g, "Mul", p, x2);
        p = opk(g, "Add", px2, c[i]);
    }
    val small = op2(g, "Mul", op2(g, "Mul", z, x2), p);
    val big = op2(g, "Sub", z, op1(g, "Tanh", z));
    val near0 = opk(g, "Less", op1(g, "Abs", z), 0.25);
    return op3(g, "Where", near0, small, big);
}

static val act_mish(struct gb *g, val z)
{
    /* tanh(softplus(x)) as the library writes it, with e = e^-|x| <= 1 */
    val e = op1(g, "Exp", op1(g, "Neg", op1(g, "Abs", z)));
    val e2 = opk(g, "Mul", e, 2.0);
    val num = opk(g, "Add", e2, 1.0);
    val pos = op2(g, "Div", num, op2(g, "Add", num, op2(g, "Mul", e2, e)));
    val n = op2(g, "Mul", e, opk(g, "Add", e, 2.0));
    val neg = op2(g, "Div", n, opk(g, "Add", n, 2.0));
    val le0 = opk(g, "LessOrEqual", z, 0.0);
    val t = op3(g, "Where", le0, neg, pos);
    return op2(g, "Mul", z, t);
}

static val act_bent(struct gb *g, val z)
{
    /* (sqrt(x^2 + 1) - 1) = x^2 / (sqrt(x^2 + 1) + 1): no cancellation near
     * 0; beyond `big`, x^2 would overflow and the term is |x| */
    double big = g->elem == NNACT_ONNX_FLOAT ? 1e18 : 1e150;
    val az = op1(g, "Abs", z);
    val x2 = op2(g, "Mul", z, z);
    val s = op1(g, "Sqrt", opk(g, "Add", x2, 1.0));
    val t0 = op2(g, "Div", x2, opk(g, "Add", s, 1.0));
    val huge = opk(g, "Greater", az, big);
    val t = op3(g, "Where", huge, az, t0);
    return op2(g, "Add", opk(g, "Mul", t, 0.5), z);
}

static val act_softplus(struct gb *g, val z, double b)
{
    /* max(x, 0) + log1p(e^-|bx|) / b */
    val w = op1(g, "Exp", op1(g, "Neg", op1(g, "Abs", opk(g, "Mul", z, b))));
    val r = op1(g, "Relu", z);
    val l = opk(g, "Div", log1p_of(g, w), b);
    return op2(g, "Add", r, l);
}

static val act_shrink(struct gb *g, val z, double l, int soft)
{
    /* ONNX Runtime's double Shrink computes in float (1e100 -> inf): native in float only */
    if (g->elem == NNACT_ONNX_FLOAT)
        return op_f(g, "Shrink", z, "bias", soft ? (float)l : 0.0f, "lambd", (float)l);
    if (!soft) {
        val out = opk(g, "Greater", op1(g, "Abs", z), l);
        val zero = cst(g, 0.0);
        return op3(g, "Where", out, z, zero);
    }
    val below = opk(g, "Less", z, -l);
    val up = opk(g, "Add", z, l);
    val zero = cst(g, 0.0);
    val inner = op3(g, "Where", below, up, zero);
    val above = opk(g, "Greater", z, l);
    val down = opk(g, "Sub", z, l);
    return op3(g, "Where", above, down, inner);
}

static val act_gelu_erf(struct gb *g, val z)
{
    /* PyTorch's own form, so that its importer reads it back too */
    val t = op1(g, "Erf", opk(g, "Div", z, 1.4142135623730951));
    val h = op2(g, "Mul", z, opk(g, "Add", t, 1.0));
    return opk(g, "Mul", h, 0.5);
}

/* Float exports: the native operators ONNX Runtime has float kernels for,
 * where their definition is the kind's (the parameter a float anyway);
 * 0 when the kind has none (then the composition, as in double). */
static int float_native(struct gb *g, val z, nnact_act_kind k, double a, val *out)
{
    float fa = (float)a;
    switch (k) {
    case NNACT_ACT_ELU:
        *out = op_f(g, "Elu", z, "alpha", fa, NULL, 0);
        return 1;
    case NNACT_ACT_CELU:
        *out = op_f(g, "Celu", z, "alpha", fa, NULL, 0);
        return 1;
    case NNACT_ACT_SELU: /* ONNX's defaults are SELU's constants rounded to float */
        *out = op1(g, "Selu", z);
        return 1;
    case NNACT_ACT_SOFTSIGN:
        *out = op1(g, "Softsign", z);
        return 1;
    case NNACT_ACT_HARD_SWISH:
        *out = op1(g, "HardSwish", z);
        return 1;
    case NNACT_ACT_HARD_SIGMOID:
        *out = op_f(g, "HardSigmoid", z, "alpha", 1.0f / 6, "beta", 0.5f);
        return 1;
    case NNACT_ACT_SOFTPLUS: /* Softplus has no beta */
        if (a != 1.0) return 0;
        *out = op1(g, "Softplus", z);
        return 1;
    default:
        return 0;
    }
}

static val act_node(struct gb *g, val z, nnact_act_kind k, double a)
{
    val gt0;
    if (g->elem == NNACT_ONNX_FLOAT && float_native(g, z, k, a, &gt0)) return gt0;
    switch (k) {
    case NNACT_ACT_IDENTITY:
        return z;
    case NNACT_ACT_SIGMOID:
        return sigmoid_of(g, z);
    case NNACT_ACT_TANH:
        return op1(g, "Tanh", z);
    case NNACT_ACT_RELU:
        return op1(g, "Relu", z);
    case NNACT_ACT_SINUSOID:
        return op1(g, "Sin", z);
    case NNACT_ACT_COS:
        return op1(g, "Cos", z);
    case NNACT_ACT_ABS:
        return op1(g, "Abs", z);
    case NNACT_ACT_SQUARE:
        return op2(g, "Mul", z, z);
    case NNACT_ACT_LEAKY_RELU:
        if (g->elem == NNACT_ONNX_FLOAT || float_exact(a))
            return op_f(g, "LeakyRelu", z, "alpha", (float)a, NULL, 0);
        gt0 = opk(g, "Greater", z, 0.0);
        return op3(g, "Where", gt0, z, opk(g, "Mul", z, a));
    case NNACT_ACT_BENT_IDENTITY:
        return act_bent(g, z);
    case NNACT_ACT_ELU:
    case NNACT_ACT_CELU: {
        gt0 = opk(g, "Greater", z, 0.0);
        val arg = k == NNACT_ACT_CELU ? opk(g, "Div", z, a) : z;
        val ca = cst(g, a);
        return op3(g, "Where", gt0, z, op2(g, "Mul", ca, expm1_of(g, arg)));
    }
    case NNACT_ACT_SELU:
        gt0 = opk(g, "Greater", z, 0.0);
        val pos = opk(g, "Mul", z, SELU_SCALE);
        val em1 = expm1_of(g, z);
        return op3(g, "Where", gt0, pos, opk(g, "Mul", em1, SELU_SCALE * SELU_ALPHA));
    case NNACT_ACT_GELU:
        return act_gelu_erf(g, z);
    case NNACT_ACT_GELU_TANH: {
        val z3 = op2(g, "Mul", op2(g, "Mul", z, z), z);
        val cz3 = op2(g, "Mul", cst(g, GELU_TANH_C), z3);
        val u = op2(g, "Add", z, cz3);
        val v = op2(g, "Mul", cst(g, 2.0 * SQRT_2_OVER_PI), u);
        return op2(g, "Mul", z, sigmoid_of(g, v));
    }
    case NNACT_ACT_SILU:
        return op2(g, "Mul", z, sigmoid_of(g, z));
    case NNACT_ACT_SWISH:
        if (a == 1.0) return op2(g, "Mul", z, sigmoid_of(g, z));
        return op2(g, "Mul", z, sigmoid_of(g, opk(g, "Mul", z, a)));
    case NNACT_ACT_MISH:
        return act_mish(g, z);
    case NNACT_ACT_SOFTPLUS:
        return act_softplus(g, z, a);
    case NNACT_ACT_SOFTSIGN:
        return op2(g, "Div", z, opk(g, "Add", op1(g, "Abs", z), 1.0));
    case NNACT_ACT_HARD_SIGMOID: {
        val t = opk(g, "Div", opk(g, "Add", z, 3.0), 6.0);
        return opk(g, "Min", opk(g, "Max", t, 0.0), 1.0);
    }
    case NNACT_ACT_HARD_TANH:
        return opk(g, "Min", opk(g, "Max", z, -1.0), 1.0);
    case NNACT_ACT_HARD_SWISH: {
        val zp3 = opk(g, "Add", z, 3.0);
        val mid = opk(g, "Div", op2(g, "Mul", z, zp3), 6.0);
        val below3 = opk(g, "Less", z, 3.0);
        val upper = op3(g, "Where", below3, mid, z);
        val low = opk(g, "LessOrEqual", z, -3.0);
        val zero = cst(g, 0.0);
        return op3(g, "Where", low, zero, upper);
    }
    case NNACT_ACT_RELU6:
        return opk(g, "Min", op1(g, "Relu", z), 6.0);
    case NNACT_ACT_LOG_SIGMOID: {
        val w = op1(g, "Exp", op1(g, "Neg", op1(g, "Abs", z)));
        val r = op1(g, "Relu", op1(g, "Neg", z));
        val l = log1p_of(g, w);
        return op1(g, "Neg", op2(g, "Add", r, l));
    }
    case NNACT_ACT_GAUSSIAN:
        return op1(g, "Exp", op1(g, "Neg", op2(g, "Mul", z, z)));
    case NNACT_ACT_TANHSHRINK:
        return act_tanhshrink(g, z);
    case NNACT_ACT_SOFTSHRINK:
        return act_shrink(g, z, a, 1);
    case NNACT_ACT_HARDSHRINK:
        return act_shrink(g, z, a, 0);
    }
    g->failed = 2; /* a kind this file does not know: caught by the tests */
    return z;
}

static void put_node(struct pbw *w, const struct node *n, size_t index)
{
    size_t at = nnact__pbw_begin(w, 1);
    for (int i = 0; i < n->n_in; i++)
        nnact__pbw_str(w, 1, n->in[i].s);
    nnact__pbw_str(w, 2, n->out.s);
    char name[40];
    snprintf(name, sizeof name, "n%zu_%s", index, n->op);
    nnact__pbw_str(w, 3, name);
    nnact__pbw_str(w, 4, n->op);
    for (int i = 0; i < n->n_attr; i++) {
        size_t a = nnact__pbw_begin(w, 5);
        nnact__pbw_str(w, 1, n->attr[i].name);
        if (n->attr[i].type == ONNX_ATTR_FLOAT)
            nnact__pbw_float(w, 2, n->attr[i].f);
        else
            nnact__pbw_varint(w, 3, (uint64_t)n->attr[i].i);
        nnact__pbw_varint(w, 20, (uint64_t)n->attr[i].type);
        nnact__pbw_end(w, a);
    }
    nnact__pbw_end(w, at);
}

static void put_value(struct pbw *w, uint32_t field, const char *name, int elem, const char *dim0,
                      size_t dim1)
{
    size_t at = nnact__pbw_begin(w, field);
    nnact__pbw_str(w, 1, name);
    size_t type = nnact__pbw_begin(w, 2);
    size_t tt = nnact__pbw_begin(w, 1);
    nnact__pbw_varint(w, 1, (uint64_t)elem);
    size_t shape = nnact__pbw_begin(w, 2);
    size_t d0 = nnact__pbw_begin(w, 1);
    nnact__pbw_str(w, 2, dim0);
    nnact__pbw_end(w, d0);
    size_t d1 = nnact__pbw_begin(w, 1);
    nnact__pbw_varint(w, 1, dim1);
    nnact__pbw_end(w, d1);
    nnact__pbw_end(w, shape);
    nnact__pbw_end(w, tt);
    nnact__pbw_end(w, type);
    nnact__pbw_end(w, at);
}

static void put_meta(struct pbw *w, const char *key, const char *value)
{
    size_t at = nnact__pbw_begin(w, 14);
    nnact__pbw_str(w, 1, key);
    nnact__pbw_str(w, 2, value);
    nnact__pbw_end(w, at);
}

static void gb_free(struct gb *g)
{
    nnact__free(g->nodes);
    nnact__pbw_free(&g->inits);
}

/* The activation's parameter in a float export: CELU's alpha and softplus's
 * beta are divisors (0 in float makes the graph NaN), and no parameter may
 * become infinite. Refused, named, like the weights. */
static int float_param_safe(struct gb *g, size_t l, nnact_act_kind k, double a)
{
    const char *pname = nnact_act_param_name(k);
    if (g->elem != NNACT_ONNX_FLOAT || pname == NULL) return 1;
    float fa = (float)a;
    int divisor = k == NNACT_ACT_CELU || k == NNACT_ACT_SOFTPLUS;
    if (isfinite(fa) && !(divisor && fa == 0.0f)) return 1;
    nnact__fail(NNACT_ERR_NUMERIC, "%s: layer %zu (%s) has %s = %.17g, which is %s in float",
                g->who, l, nnact_act_name(k), pname, a, fa == 0.0f ? "0" : "infinite");
    g->failed = 4;
    return 0;
}

/* One dense layer: W (n_in x n_out, the library's own layout, so transB = 0)
 * and b as initializers, one Gemm. */
static val put_layer(struct gb *g, const nnact_net *net, size_t l, val cur, double *W, double *b)
{
    size_t n_in, n_out;
    nnact_act_kind k;
    double a;
    unsigned flags;
    nnact_net_layer_info(net, l, &n_in, &n_out, &k, &a, &flags);
    nnact_net_get_layer(net, l, W, b);
    size_t dims[2] = {n_in, n_out};
    val wn = named("W%zu%.0u", l, 0), bn = named("b%zu%.0u", l, 0);
    if (!float_safe(g, wn.s, W, n_in * n_out, 0) ||
        !float_safe(g, bn.s, b, flags & NNACT_DENSE_NO_BIAS ? 0 : n_out, 0))
        return cur;
    put_tensor(g, wn.s, 2, dims, W, n_in * n_out);
    val z;
    if (flags & NNACT_DENSE_NO_BIAS) {
        z = op2(g, "Gemm", cur, wn);
    } else {
        put_tensor(g, bn.s, 1, &n_out, b, n_out);
        z = op3(g, "Gemm", cur, wn, bn);
    }
    if (!float_param_safe(g, l, k, a)) return cur;
    if (k == NNACT_ACT_GELU && g->elem == NNACT_ONNX_DOUBLE) {
        g->failed = 3;
        return z;
    }
    return act_node(g, z, k, a);
}

static void put_scaling(struct gb *g, const nnact_net *net, size_t n_in, double *tmp, val *cur)
{
    int present = 0;
    nnact_net_get_input_scaling(net, tmp, tmp + n_in, &present);
    if (!present || !float_safe(g, "shift", tmp, n_in, 0) ||
        !float_safe(g, "scale", tmp + n_in, n_in, 1))
        return;
    put_tensor(g, "shift", 1, &n_in, tmp, n_in);
    put_tensor(g, "scale", 1, &n_in, tmp + n_in, n_in);
    val shift = named("shift%.0zu%.0u", 0, 0), scale = named("scale%.0zu%.0u", 0, 0);
    *cur = op2(g, "Sub", *cur, shift);
    *cur = op2(g, "Div", *cur, scale);
}

/* The largest layer's W + b, or 2 n_in for the scaling. */
static size_t scratch_size(const nnact_net *net)
{
    size_t need = 2 * nnact_net_input_size(net);
    for (size_t l = 0; l < nnact_net_layer_count(net); l++) {
        size_t n_in, n_out;
        nnact_net_layer_info(net, l, &n_in, &n_out, NULL, NULL, NULL);
        if (n_in * n_out + n_out > need) need = n_in * n_out + n_out;
    }
    return need;
}

static nnact_status build_graph(struct gb *g, const nnact_net *net, struct pbw *graph)
{
    size_t n_in = nnact_net_input_size(net), L = nnact_net_layer_count(net);
    size_t need = scratch_size(net);
    NNACT_RETURN_IF(need > nnact__onnx_seams.max_export_values, NNACT_ERR_OVERFLOW,
                    "%s: a layer of %zu values is beyond the format's 2 GiB per tensor", g->who,
                    need);
    double *tmp = nnact__malloc(need * sizeof *tmp);
    NNACT_RETURN_IF(!tmp, NNACT_ERR_NOMEM, "%s: out of memory", g->who);
    val cur = named("x%.0zu%.0u", 0, 0);
    g->layer = 0;
    put_scaling(g, net, n_in, tmp, &cur);
    for (size_t l = 0; l < L && !g->failed; l++) { /* float_safe may have failed the scaling */
        size_t n_out;
        nnact_net_layer_info(net, l, NULL, &n_out, NULL, NULL, NULL);
        g->layer = l;
        cur = put_layer(g, net, l, cur, tmp, tmp + need - n_out);
        if (g->failed == 3)
            nnact__fail(NNACT_ERR_ARG,
                        "%s: layer %zu is gelu (erf): ONNX Runtime and most runtimes have no "
                        "double Erf kernel, so it has no double export; export with float "
                        "elements (nnact_onnx_config_set_elem(cfg, NNACT_ONNX_FLOAT), nnact "
                        "export --float) or use gelu_tanh",
                        g->who, l);
    }
    nnact__free(tmp);
    if (g->failed == 3) return NNACT_ERR_ARG;
    if (g->failed == 4) return NNACT_ERR_NUMERIC;
    NNACT_RETURN_IF(g->failed, NNACT_ERR_NOMEM, "%s: out of memory", g->who);
    /* the last node's output is the graph's output */
    g->nodes[g->n_nodes - 1].out = named("y%.0zu%.0u", 0, 0);
    for (size_t i = 0; i < g->n_nodes; i++)
        put_node(graph, &g->nodes[i], i);
    nnact__pbw_str(graph, 2, "nnact");
    nnact__pbw_raw(graph, g->inits.p, g->inits.len);
    int elem = g->elem == NNACT_ONNX_FLOAT ? ONNX_FLOAT : ONNX_DOUBLE;
    put_value(graph, 11, "x", elem, "batch", n_in);
    put_value(graph, 12, "y", elem, "batch", nnact_net_output_size(net));
    NNACT_RETURN_IF(graph->failed || g->inits.failed, NNACT_ERR_NOMEM, "%s: out of memory", g->who);
    return NNACT_OK;
}

nnact_status nnact__onnx_export_graph(const char *who, const nnact_net *net, nnact_onnx_elem elem,
                                      struct pbw *graph)
{
    struct gb g;
    memset(&g, 0, sizeof g);
    g.who = who;
    g.elem = elem;
    nnact_status s = build_graph(&g, net, graph);
    gb_free(&g);
    if (s != NNACT_OK) nnact__pbw_free(graph); /* nothing half-built is left to the caller */
    return s;
}

/* "kind" or "kind:param" per layer, comma-separated; hex (C-locale %a,
 * whatever the process locale) keeps every bit. */
static void put_layers_meta(struct pbw *w, const nnact_net *net, nnact_onnx_elem elem, char *buf,
                            size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t l = 0; l < nnact_net_layer_count(net); l++) {
        nnact_act_kind k;
        double a;
        nnact_net_layer_info(net, l, NULL, NULL, &k, &a, NULL);
        if (elem == NNACT_ONNX_FLOAT) a = (double)(float)a; /* what the float graph computes */
        char hex[40];
        nnact__onnx_hex_format(a, hex, sizeof hex);
        int n =
            nnact_act_param_name(k)
                ? snprintf(buf + len, cap - len, "%s%s:%s", l ? "," : "", nnact_act_name(k), hex)
                : snprintf(buf + len, cap - len, "%s%s", l ? "," : "", nnact_act_name(k));
        len += (size_t)n;
    }
    put_meta(w, "nnact.layers", buf);
}

static void put_names_meta(struct pbw *w, const nnact_net *net)
{
    char key[48];
    for (size_t i = 0; i < nnact_net_class_count(net); i++) {
        snprintf(key, sizeof key, "nnact.class.%zu", i);
        put_meta(w, key, nnact_net_class_name(net, i));
    }
    for (size_t i = 0; i < nnact_net_input_size(net) && nnact_net_input_name(net, i); i++) {
        snprintf(key, sizeof key, "nnact.input.%zu", i);
        put_meta(w, key, nnact_net_input_name(net, i));
    }
    for (size_t i = 0; i < nnact_net_target_count(net); i++) {
        snprintf(key, sizeof key, "nnact.target.%zu", i);
        put_meta(w, key, nnact_net_target_name(net, i));
    }
}

nnact_status nnact__onnx_export(const char *who, const nnact_net *net, nnact_onnx_elem elem,
                                struct pbw *w)
{
    struct pbw graph = {0};
    NNACT_FORWARD_IF_ERROR(nnact__onnx_export_graph(who, net, elem, &graph));
    size_t cap = 64 * nnact_net_layer_count(net) + 1;
    char *buf = nnact__malloc(cap);
    if (!buf) {
        nnact__pbw_free(&graph);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    }
    nnact__pbw_varint(w, 1, 8); /* IR version 8 */
    nnact__pbw_str(w, 2, "libnnact");
    nnact__pbw_str(w, 3, NNACT_VERSION_STRING);
    nnact__pbw_bytes(w, 7, graph.p, graph.len);
    size_t op = nnact__pbw_begin(w, 8);
    nnact__pbw_str(w, 1, "");
    nnact__pbw_varint(w, 2, 17);
    nnact__pbw_end(w, op);
    put_meta(w, "nnact.format", "1");
    put_layers_meta(w, net, elem, buf, cap);
    put_names_meta(w, net);
    nnact__free(buf);
    nnact__pbw_free(&graph);
    NNACT_RETURN_IF(w->failed, NNACT_ERR_NOMEM, "%s: out of memory", who);
    return NNACT_OK;
}
