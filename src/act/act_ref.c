/* Scalar reference definitions of every activation and its derivative.
 * Each formula is the numerically stable form of the definition in
 * docs/activations.md; the comments say why a form was chosen. */
#include <math.h>

#include "act/act_internal.h"

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946
#define SQRT1_2 0.70710678118654752440084436210485
#define INV_SQRT_2PI 0.39894228040143267793994605993438
#define SQRT_2_OVER_PI 0.79788456080286535587989211986876
#define GELU_TANH_C 0.044715

/* sigmoid without overflow: e^-|x| never exceeds 1. */
static double sigmoid(double x)
{
    double e = exp(-fabs(x));
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* sigmoid'(x) = e^-|x| / (1 + e^-|x|)^2, symmetric, no 1 - s cancellation. */
static double sigmoid_deriv(double x)
{
    double e = exp(-fabs(x));
    double d = 1.0 + e;
    return e / (d * d);
}

/* log(1 + e^z) = max(z, 0) + log1p(e^-|z|). */
static double softplus1(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

static double tanhshrink(double x)
{
    double ax = fabs(x);
    if (ax >= 0.5)
        return x - tanh(x);
    /* x - tanh x cancels near 0; its Taylor series converges fast there:
     * sum of 2^(2n)(2^(2n)-1)|B_2n|/(2n)! x^(2n-1) for n >= 2, alternating. */
    double x2 = x * x;
    static const double c[] = {
        1.0 / 3,          -2.0 / 15,         17.0 / 315,         -62.0 / 2835,
        1382.0 / 155925,  -21844.0 / 6081075, 929569.0 / 638512875, -6404582.0 / 10854718875.0,
        443861162.0 / 1856156927625.0, -18888466084.0 / 194896477400625.0,
        113927491862.0 / 2900518163668125.0, -58870668456604.0 / 3698160658676859375.0,
    };
    double p = 0.0;
    for (int i = (int)(sizeof c / sizeof c[0]) - 1; i >= 0; i--)
        p = p * x2 + c[i];
    return x * x2 * p;
}

/* tanh(softplus(x)) with e = e^x: n = e(e + 2), tanh = n / (n + 2); for x > 0
 * divide through by e^2x so nothing overflows. */
static double tanh_softplus(double x)
{
    if (x <= 0) {
        double e = exp(x);
        double n = e * (e + 2.0);
        return n / (n + 2.0);
    }
    double e = exp(-x);
    return (1.0 + 2.0 * e) / (1.0 + 2.0 * e + 2.0 * e * e);
}

double nnact__act_ref_f(nnact_act_kind k, double a, double x)
{
    switch (k) {
    case NNACT_ACT_IDENTITY: return x;
    case NNACT_ACT_SIGMOID: return sigmoid(x);
    case NNACT_ACT_TANH: return tanh(x);
    case NNACT_ACT_RELU: return x > 0 ? x : (isnan(x) ? x : 0.0);
    case NNACT_ACT_LEAKY_RELU: return x > 0 ? x : a * x;
    case NNACT_ACT_BENT_IDENTITY: {
        if (isinf(x))
            return x;
        double h = hypot(x, 1.0);
        /* sqrt(x^2+1) - 1 = x^2 / (sqrt(x^2+1) + 1) avoids cancellation for small x */
        double t = fabs(x) < 1.0 ? x * x / (h + 1.0) : h - 1.0;
        return 0.5 * t + x;
    }
    case NNACT_ACT_SINUSOID: return sin(x);
    case NNACT_ACT_ELU: return x > 0 ? x : a * expm1(x);
    case NNACT_ACT_SELU: return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * expm1(x));
    case NNACT_ACT_CELU: return x > 0 ? x : a * expm1(x / a);
    case NNACT_ACT_GELU:
        /* x/2 (1 + erf(x/sqrt2)) = x/2 erfc(-x/sqrt2): no cancellation for x << 0 */
        if (isinf(x))
            return x > 0 ? x : -0.0;
        return 0.5 * x * erfc(-x * SQRT1_2);
    case NNACT_ACT_GELU_TANH: {
        /* x/2 (1 + tanh u) = x sigmoid(2u) */
        if (isinf(x))
            return x > 0 ? x : -0.0;
        double u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x);
        return x * sigmoid(2.0 * u);
    }
    case NNACT_ACT_SILU:
        if (isinf(x))
            return x > 0 ? x : -0.0;
        return x * sigmoid(x);
    case NNACT_ACT_MISH:
        if (isinf(x))
            return x > 0 ? x : -0.0;
        return x * tanh_softplus(x);
    case NNACT_ACT_SOFTPLUS: {
        /* for x > 0: x + log1p(e^-bx)/b keeps x exact instead of (bx)/b */
        double z = a * x;
        if (x > 0)
            return x + log1p(exp(-z)) / a;
        return log1p(exp(z)) / a;
    }
    case NNACT_ACT_SOFTSIGN:
        if (isinf(x))
            return x > 0 ? 1.0 : -1.0;
        return x / (1.0 + fabs(x));
    case NNACT_ACT_HARD_SIGMOID:
        if (isnan(x))
            return x;
        return x <= -3.0 ? 0.0 : x >= 3.0 ? 1.0 : (x + 3.0) / 6.0;
    case NNACT_ACT_HARD_TANH:
        if (isnan(x))
            return x;
        return x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x;
    case NNACT_ACT_HARD_SWISH:
        if (isnan(x))
            return x;
        return x <= -3.0 ? 0.0 : x >= 3.0 ? x : x * (x + 3.0) / 6.0;
    case NNACT_ACT_RELU6:
        if (isnan(x))
            return x;
        return x < 0.0 ? 0.0 : x > 6.0 ? 6.0 : (x == 0 ? 0.0 : x);
    case NNACT_ACT_LOG_SIGMOID: return -softplus1(-x);
    case NNACT_ACT_GAUSSIAN: return exp(-x * x);
    case NNACT_ACT_COS: return cos(x);
    case NNACT_ACT_TANHSHRINK: return tanhshrink(x);
    case NNACT_ACT_SOFTSHRINK: return x > a ? x - a : x < -a ? x + a : (isnan(x) ? x : 0.0);
    case NNACT_ACT_HARDSHRINK: return (x > a || x < -a) ? x : (isnan(x) ? x : 0.0);
    }
    return NAN;
}

double nnact__act_ref_df(nnact_act_kind k, double a, double x)
{
    if (isnan(x))
        return x;
    switch (k) {
    case NNACT_ACT_IDENTITY: return 1.0;
    case NNACT_ACT_SIGMOID: return sigmoid_deriv(x);
    case NNACT_ACT_TANH: {
        /* 1 - tanh^2 = 4 e / (1 + e)^2 with e = e^-2|x|: no cancellation near saturation */
        double e = exp(-2.0 * fabs(x));
        double d = 1.0 + e;
        return 4.0 * e / (d * d);
    }
    case NNACT_ACT_RELU: return x > 0 ? 1.0 : 0.0;
    case NNACT_ACT_LEAKY_RELU: return x > 0 ? 1.0 : a;
    case NNACT_ACT_BENT_IDENTITY:
        if (isinf(x))
            return x > 0 ? 1.5 : 0.5;
        return x / (2.0 * hypot(x, 1.0)) + 1.0;
    case NNACT_ACT_SINUSOID: return cos(x);
    case NNACT_ACT_ELU: return x > 0 ? 1.0 : a * exp(x);
    case NNACT_ACT_SELU: return SELU_SCALE * (x > 0 ? 1.0 : SELU_ALPHA * exp(x));
    case NNACT_ACT_CELU: return x > 0 ? 1.0 : exp(x / a);
    case NNACT_ACT_GELU:
        if (isinf(x))
            return x > 0 ? 1.0 : 0.0;
        /* Phi(x) + x phi(x) */
        return 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
    case NNACT_ACT_GELU_TANH: {
        if (fabs(x) > 1e4) /* u' overflows long after sigmoid saturates */
            return x > 0 ? 1.0 : 0.0;
        double x2 = x * x;
        double u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x2 * x);
        double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * x2);
        return sigmoid(2.0 * u) + 2.0 * x * du * sigmoid_deriv(2.0 * u);
    }
    case NNACT_ACT_SILU:
        if (isinf(x))
            return x > 0 ? 1.0 : 0.0;
        /* s + x s (1 - s), with s(1 - s) in its stable form */
        return sigmoid(x) + x * sigmoid_deriv(x);
    case NNACT_ACT_MISH: {
        if (isinf(x))
            return x > 0 ? 1.0 : 0.0;
        /* tanh(sp) + x sech^2(sp) sigmoid(x) */
        double t = tanh_softplus(x), sech2;
        if (x <= 0) {
            double e = exp(x), n = e * (e + 2.0), d = n + 2.0;
            sech2 = 4.0 * (n + 1.0) / (d * d);
        } else {
            double e = exp(-x), d = 1.0 + 2.0 * e + 2.0 * e * e;
            sech2 = 4.0 * e * e * (1.0 + e) * (1.0 + e) / (d * d);
        }
        return t + x * sech2 * sigmoid(x);
    }
    case NNACT_ACT_SOFTPLUS: return sigmoid(a * x);
    case NNACT_ACT_SOFTSIGN: {
        double d = 1.0 + fabs(x);
        return 1.0 / (d * d);
    }
    case NNACT_ACT_HARD_SIGMOID: return (x > -3.0 && x < 3.0) ? 1.0 / 6.0 : 0.0;
    case NNACT_ACT_HARD_TANH: return (x > -1.0 && x < 1.0) ? 1.0 : 0.0;
    case NNACT_ACT_HARD_SWISH: return x < -3.0 ? 0.0 : x <= 3.0 ? x / 3.0 + 0.5 : 1.0;
    case NNACT_ACT_RELU6: return (x > 0.0 && x < 6.0) ? 1.0 : 0.0;
    case NNACT_ACT_LOG_SIGMOID: return sigmoid(-x);
    case NNACT_ACT_GAUSSIAN:
        if (isinf(x))
            return x > 0 ? -0.0 : 0.0;
        return -2.0 * x * exp(-x * x);
    case NNACT_ACT_COS: return -sin(x);
    case NNACT_ACT_TANHSHRINK: {
        double t = tanh(x);
        return t * t;
    }
    case NNACT_ACT_SOFTSHRINK:
    case NNACT_ACT_HARDSHRINK: return (x > a || x < -a) ? 1.0 : 0.0;
    }
    return NAN;
}

int nnact__act_from_output_ok(nnact_act_kind k, double a)
{
    switch (k) {
    case NNACT_ACT_IDENTITY:
    case NNACT_ACT_SIGMOID:
    case NNACT_ACT_TANH:
    case NNACT_ACT_RELU:
    case NNACT_ACT_SELU:
    case NNACT_ACT_CELU:
    case NNACT_ACT_SOFTPLUS:
    case NNACT_ACT_HARD_SIGMOID:
    case NNACT_ACT_HARD_TANH:
    case NNACT_ACT_RELU6:
    case NNACT_ACT_LOG_SIGMOID: return 1;
    /* y determines the branch only when the negative side keeps its sign */
    case NNACT_ACT_LEAKY_RELU:
    case NNACT_ACT_ELU: return a > 0;
    default: return 0;
    }
}

double nnact__act_ref_df_from_y(nnact_act_kind k, double a, double y)
{
    if (isnan(y))
        return y;
    switch (k) {
    case NNACT_ACT_IDENTITY: return 1.0;
    case NNACT_ACT_SIGMOID: return y * (1.0 - y);
    case NNACT_ACT_TANH: return (1.0 - y) * (1.0 + y); /* exact near |y| = 1, unlike 1 - y^2 */
    case NNACT_ACT_RELU: return y > 0 ? 1.0 : 0.0;
    case NNACT_ACT_LEAKY_RELU: return y > 0 ? 1.0 : a;
    case NNACT_ACT_ELU: return y > 0 ? 1.0 : y + a;
    case NNACT_ACT_SELU: return y > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
    case NNACT_ACT_CELU: return y > 0 ? 1.0 : y / a + 1.0;
    case NNACT_ACT_SOFTPLUS: return -expm1(-a * y); /* sigmoid(bx) = 1 - e^(-b y) */
    case NNACT_ACT_HARD_SIGMOID: return (y > 0.0 && y < 1.0) ? 1.0 / 6.0 : 0.0;
    case NNACT_ACT_HARD_TANH: return (y > -1.0 && y < 1.0) ? 1.0 : 0.0;
    case NNACT_ACT_RELU6: return (y > 0.0 && y < 6.0) ? 1.0 : 0.0;
    case NNACT_ACT_LOG_SIGMOID: return -expm1(y); /* sigmoid(-x) = 1 - e^y */
    default: return NAN;
    }
}
