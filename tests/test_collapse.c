/* Linearity collapse: K and c against a long double reference forward pass,
 * the a-priori bound on random networks of depth 1-12 and widths 1-300, the
 * matrix-chain order, fusing linear runs, local affine maps of piecewise-linear
 * networks, and the demonstrations (XOR, the 3-4-10-1 toy net, 1000-2-1000). */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"
#include "alloc_fault.h"

#include "collapse/collapse_internal.h"
#include "test_collapse_util.h"
#include "core/alloc.h"
#include "nnact/nnact.h"

/* ---- a network described in the test, built through the public API ---- */

#define MAXL 16
struct spec {
    size_t L, dims[MAXL + 1];
    nnact_act_kind act[MAXL];
    double alpha[MAXL];
    unsigned flags[MAXL];
    double *W[MAXL], *b[MAXL]; /* b all zero for no-bias layers */
};

static void spec_random_weights(struct spec *s)
{
    for (size_t l = 0; l < s->L; l++) {
        size_t ni = s->dims[l], no = s->dims[l + 1];
        s->W[l] = malloc(ni * no * sizeof(double));
        s->b[l] = calloc(no, sizeof(double));
        double scale = 1.5 / sqrt((double)ni);
        for (size_t i = 0; i < ni * no; i++)
            s->W[l][i] = scale * ct_uniform();
        if (!(s->flags[l] & NNACT_DENSE_NO_BIAS))
            for (size_t j = 0; j < no; j++)
                s->b[l][j] = ct_uniform();
    }
}

static void spec_free(struct spec *s)
{
    for (size_t l = 0; l < s->L; l++) {
        free(s->W[l]);
        free(s->b[l]);
    }
}

static nnact_net *spec_build(const struct spec *s)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(s->dims[0], &net), NNACT_OK);
    for (size_t l = 0; l < s->L; l++) {
        assert_int_equal(
            nnact_net_add_dense_ex(net, s->dims[l + 1], s->act[l], s->alpha[l], s->flags[l]),
            NNACT_OK);
        assert_int_equal(nnact_net_set_layer(net, l, s->W[l],
                                             (s->flags[l] & NNACT_DENSE_NO_BIAS) ? NULL : s->b[l]),
                         NNACT_OK);
    }
    return net;
}

static long double ref_act(nnact_act_kind k, double a, long double z)
{
    switch (k) {
    case NNACT_ACT_IDENTITY:
        return z;
    case NNACT_ACT_RELU:
        return z > 0 ? z : 0.0L;
    case NNACT_ACT_LEAKY_RELU:
        return z > 0 ? z : a * z;
    case NNACT_ACT_HARD_TANH:
        return z < -1 ? -1.0L : z > 1 ? 1.0L : z;
    case NNACT_ACT_RELU6:
        return z < 0 ? 0.0L : z > 6 ? 6.0L : z;
    default:
        fail_msg("no reference for kind %d", (int)k);
        return 0;
    }
}

/* The exact forward pass (in long double) of one sample, and the magnitude
 * M = |x~| |W~0| ... |W~(L-1)| of the error analysis. */
static void ref_forward(const struct spec *s, const double *x, long double *y, long double *M)
{
    size_t maxw = 0;
    for (size_t l = 0; l <= s->L; l++)
        maxw = s->dims[l] > maxw ? s->dims[l] : maxw;
    long double *a = malloc(maxw * sizeof *a), *m = malloc(maxw * sizeof *m);
    long double *na = malloc(maxw * sizeof *na), *nm = malloc(maxw * sizeof *nm);
    for (size_t i = 0; i < s->dims[0]; i++) {
        a[i] = x[i];
        m[i] = fabsl((long double)x[i]);
    }
    for (size_t l = 0; l < s->L; l++) {
        size_t ni = s->dims[l], no = s->dims[l + 1];
        for (size_t j = 0; j < no; j++) {
            long double z = s->b[l][j], mz = fabsl((long double)s->b[l][j]);
            for (size_t i = 0; i < ni; i++) {
                z += a[i] * s->W[l][i * no + j];
                mz += m[i] * fabsl((long double)s->W[l][i * no + j]);
            }
            na[j] = ref_act(s->act[l], s->alpha[l], z);
            nm[j] = mz;
        }
        memcpy(a, na, no * sizeof *a);
        memcpy(m, nm, no * sizeof *m);
    }
    memcpy(y, a, s->dims[s->L] * sizeof *y);
    memcpy(M, m, s->dims[s->L] * sizeof *M);
    free(a);
    free(m);
    free(na);
    free(nm);
}

/* g(S) with S = sum of (n_in(l) + 1): one evaluation's share of the bound.
 * A leaky ReLU whose slope is not 1 rounds alpha z once more: one more unit. */
static double half_bound_factor(const struct spec *s)
{
    double S = 0;
    for (size_t l = 0; l < s->L; l++)
        S += (double)s->dims[l] + 1.0 +
             (s->act[l] == NNACT_ACT_LEAKY_RELU && s->alpha[l] != 1.0 ? 1.0 : 0.0);
    double ku = S * ldexp(1.0, -53);
    return ku / (1.0 - ku);
}

/* y = x K + c in long double from the library's K and c. */
static long double affine_ld(size_t n_in, size_t n_out, const double *K, const double *c,
                             const double *x, size_t j)
{
    long double acc = c[j];
    for (size_t i = 0; i < n_in; i++)
        acc += (long double)x[i] * K[i * n_out + j];
    return acc;
}

/* ---- collapse ---- */

static void zero_and_one_layer_networks(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    double K[9], c[3], flops = -1, naive = -1;
    char order[8] = "junk";
    assert_int_equal(nnact_net_collapse_ex(net, K, c, &flops, &naive), NNACT_OK);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            assert_close(K[i * 3 + j], i == j ? 1.0 : 0.0, 0.0);
        assert_close(c[i], 0.0, 0.0);
    }
    assert_close(flops, 0.0, 0.0);
    assert_int_equal(nnact_net_collapse_order(net, order, sizeof order, &flops, &naive), NNACT_OK);
    assert_string_equal(order, "");
    /* the local map of the empty network is the identity too */
    const double x0[3] = {1, 2, 3};
    double Kl[9], cl[3];
    assert_int_equal(nnact_net_local_affine(net, x0, Kl, cl), NNACT_OK);
    for (int i = 0; i < 9; i++)
        assert_close(Kl[i], K[i], 0.0);
    /* but a network with no layers cannot be run: nothing to check against */
    double a = -1, r = -1;
    assert_int_equal(nnact_net_collapse_check(net, 1, x0, &a, &r), NNACT_ERR_STATE);
    assert_non_null(strstr(nnact_last_error(), "no layers"));
    assert_close(a, -1.0, 0.0);
    /* fusing it gives another empty network */
    nnact_net *f = NULL;
    size_t none;
    assert_int_equal(nnact_net_fuse_linear(net, &f, &none, &flops, &naive), NNACT_OK);
    assert_int_equal(nnact_net_layer_count(f), 0);
    assert_int_equal(nnact_net_input_size(f), 3);
    nnact_net_free(f);
    /* one layer: K = W and c = b, bit for bit, no flops */
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double W[6] = {1.5, -2, 0.25, 3, -0.125, 7}, b[2] = {0.5, -1};
    assert_int_equal(nnact_net_set_layer(net, 0, W, b), NNACT_OK);
    assert_int_equal(nnact_net_collapse_ex(net, K, c, &flops, &naive), NNACT_OK);
    for (int i = 0; i < 6; i++)
        assert_same_bits(K[i], W[i]);
    assert_same_bits(c[0], b[0]);
    assert_same_bits(c[1], b[1]);
    assert_close(flops, 0.0, 0.0);
    assert_close(naive, 0.0, 0.0);
    assert_int_equal(nnact_net_collapse_order(net, order, sizeof order, NULL, NULL), NNACT_OK);
    assert_string_equal(order, "W0");
    nnact_net_free(net);
}

static void random_linear_nets_within_the_bound(void **state)
{
    (void)state;
    /* depth 1..12, two networks each: widths 1..300 and widths 1..8 */
    size_t nets = 0;
    for (size_t depth = 1; depth <= 12; depth++) {
        for (int narrow = 0; narrow < 2; narrow++) {
            struct spec s = {.L = depth};
            size_t hi = narrow ? 8 : 300;
            for (size_t l = 0; l <= depth; l++)
                s.dims[l] = ct_int(1, hi);
            if (!narrow && depth >= 6) /* keep the run short: wide nets get a bottleneck */
                s.dims[depth / 2] = ct_int(1, 4);
            for (size_t l = 0; l < depth; l++) {
                s.act[l] = ct_int(0, 3) == 0 ? NNACT_ACT_LEAKY_RELU : NNACT_ACT_IDENTITY;
                s.alpha[l] = s.act[l] == NNACT_ACT_LEAKY_RELU ? 1.0 : NAN;
                s.flags[l] = ct_int(0, 4) == 0 ? NNACT_DENSE_NO_BIAS : 0;
            }
            spec_random_weights(&s);
            nnact_net *net = spec_build(&s);
            size_t n_in = s.dims[0], n_out = s.dims[depth];
            enum { B = 4 };
            double *K = malloc(n_in * n_out * sizeof *K), *c = malloc(n_out * sizeof *c);
            double *x = malloc(B * n_in * sizeof *x), *y = malloc(B * n_out * sizeof *y);
            long double *yr = malloc(n_out * sizeof *yr), *M = malloc(n_out * sizeof *M);
            for (size_t i = 0; i < B * n_in; i++)
                x[i] = (i % 3 == 0 ? 100.0 : 1.0) * ct_uniform();
            assert_int_equal(nnact_net_collapse(net, K, c), NNACT_OK);
            assert_int_equal(nnact_net_predict(net, B, x, y), NNACT_OK);
            double g = half_bound_factor(&s);
            for (size_t r = 0; r < B; r++) {
                ref_forward(&s, x + r * n_in, yr, M);
                /* The worst-case bound grows like |W| products and is loose by up
                 * to 12 orders of magnitude at depth 12; a wrong K must not hide in
                 * that slack, so the sample's largest output also bounds the error:
                 * measured typical errors are ~1e-15 of it, 1e-9 leaves room. */
                long double ymax = 0.0L;
                for (size_t j = 0; j < n_out; j++)
                    ymax = fmaxl(ymax, fabsl(yr[j]));
                for (size_t j = 0; j < n_out; j++) {
                    long double col = affine_ld(n_in, n_out, K, c, x + r * n_in, j);
                    assert_close((double)col, (double)yr[j], (double)(1e-9L * ymax));
                }
                for (size_t j = 0; j < n_out; j++) {
                    /* each evaluation alone is within g(S) M of the exact value */
                    double tol = (double)(g * M[j] * (1.0L + 1e-12L));
                    assert_close(y[r * n_out + j], (double)yr[j], tol);
                    long double col = affine_ld(n_in, n_out, K, c, x + r * n_in, j);
                    assert_close((double)col, (double)yr[j], tol);
                }
            }
            double mabs = -1, mrel = -1, bound = -1, ratio = -1;
            assert_int_equal(nnact_net_collapse_check_ex(net, B, x, &mabs, &mrel, &bound, &ratio),
                             NNACT_OK);
            assert_true(ratio <= 1.0);
            assert_true(mabs <= bound);
            assert_true(mrel >= 0.0 && mrel < 1e-6);
            double mabs2 = -1, mrel2 = -1;
            assert_int_equal(nnact_net_collapse_check(net, B, x, &mabs2, &mrel2), NNACT_OK);
            assert_same_bits(mabs2, mabs);
            assert_same_bits(mrel2, mrel);
            nets++;
            free(K);
            free(c);
            free(x);
            free(y);
            free(yr);
            free(M);
            nnact_net_free(net);
            spec_free(&s);
        }
    }
    assert_int_equal(nets, 24);
}

static void matrix_chain_order_and_flops(void **state)
{
    (void)state;
    /* 1000-2-1000-2-1000: left to right costs 3 products of 2e6 multiplications;
     * the best order W0 ((W1 W2) W3) costs 4000 + 4000 + 2e6. */
    static const size_t w[] = {1000, 2, 1000, 2, 1000};
    struct spec s = {.L = 4};
    for (size_t l = 0; l <= 4; l++)
        s.dims[l] = w[l];
    for (size_t l = 0; l < 4; l++)
        s.act[l] = NNACT_ACT_IDENTITY;
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s);
    char order[64];
    double flops = 0, naive = 0;
    assert_int_equal(nnact_net_collapse_order(net, order, sizeof order, &flops, &naive), NNACT_OK);
    assert_string_equal(order, "W0 ((W1 W2) W3)");
    assert_close(flops, 2.0 * (4000 + 4000 + 2e6), 0.0);
    assert_close(naive, 2.0 * 6e6, 0.0);
    /* too small a buffer says how much it needs */
    assert_int_equal(nnact_net_collapse_order(net, order, 15, NULL, NULL), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "16 bytes"));
    double *K = malloc(1000 * 1000 * sizeof *K), c[1000], f2 = 0, n2 = 0;
    assert_int_equal(nnact_net_collapse_ex(net, K, c, &f2, &n2), NNACT_OK);
    assert_close(f2, flops, 0.0);
    assert_close(n2, naive, 0.0);
    /* spot-check K against the long double product of the four layers */
    for (int t = 0; t < 20; t++) {
        size_t i = ct_int(0, 999), j = ct_int(0, 999);
        long double u[2] = {0, 0}, v[1000], u2[2] = {0, 0}, kij = 0;
        for (int p = 0; p < 2; p++)
            u[p] = s.W[0][i * 2 + p];
        for (size_t q = 0; q < 1000; q++)
            v[q] = u[0] * s.W[1][q] + u[1] * s.W[1][1000 + q];
        for (size_t q = 0; q < 1000; q++)
            for (int p = 0; p < 2; p++)
                u2[p] += v[q] * s.W[2][q * 2 + p];
        kij = u2[0] * s.W[3][j] + u2[1] * s.W[3][1000 + j];
        assert_close(K[i * 1000 + j], (double)kij, 1e-10 * (1 + fabsl(kij)));
    }
    free(K);
    nnact_net_free(net);
    spec_free(&s);
    /* the planner itself: a product beyond the BLAS's int is refused before allocation */
    size_t dims[3] = {(size_t)1 << 40, 2, 3};
    nnact__chain ch;
    size_t before = nnact__alloc_count();
    assert_int_equal(nnact__chain_plan(2, dims, &ch, "test"), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact__alloc_count(), before);
}

/* The cheapest parenthesisation by exhaustive search (exponential; n <= 8). */
static double brute_force_mults(const size_t *d, size_t i, size_t j)
{
    if (i == j)
        return 0.0;
    double best = INFINITY;
    for (size_t k = i; k < j; k++) {
        double c = brute_force_mults(d, i, k) + brute_force_mults(d, k + 1, j) +
                   (double)d[i] * (double)d[k + 1] * (double)d[j + 1];
        best = c < best ? c : best;
    }
    return best;
}

static void chain_plan_matches_exhaustive_search(void **state)
{
    (void)state;
    for (int trial = 0; trial < 200; trial++) {
        size_t n = ct_int(1, 8), d[9];
        for (size_t i = 0; i <= n; i++)
            d[i] = ct_int(1, 1000);
        nnact__chain ch;
        assert_int_equal(nnact__chain_plan(n, d, &ch, "test"), NNACT_OK);
        assert_close(ch.mults, brute_force_mults(d, 0, n - 1), 0.0);
        double naive = 0;
        for (size_t k = 1; k < n; k++)
            naive += (double)d[0] * (double)d[k] * (double)d[k + 1];
        assert_close(ch.naive_mults, naive, 0.0);
        assert_true(ch.mults <= ch.naive_mults);
        nnact__chain_free(&ch);
    }
}

static void nonlinear_layer_is_named(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 3, NNACT_ACT_LEAKY_RELU, 1.0), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 3, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
    double K[4] = {7, 7, 7, 7}, c[2] = {7, 7}, x[2] = {1, 2}, a, r;
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_ERR_NONLINEAR);
    assert_non_null(strstr(nnact_last_error(), "layer 2"));
    assert_non_null(strstr(nnact_last_error(), "tanh"));
    assert_close(K[0], 7.0, 0.0);
    assert_close(c[1], 7.0, 0.0);
    assert_int_equal(nnact_net_collapse_check(net, 1, x, &a, &r), NNACT_ERR_NONLINEAR);
    assert_int_equal(nnact_net_collapse_order(net, NULL, 0, NULL, NULL), NNACT_ERR_NONLINEAR);
    /* local affine needs piecewise linear: tanh is not */
    assert_int_equal(nnact_net_local_affine(net, x, K, c), NNACT_ERR_NONLINEAR);
    assert_non_null(strstr(nnact_last_error(), "tanh"));
    nnact_net_free(net);
}

static void nan_weights_are_reported(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double W0[4] = {1, 2, 3, 4}, W1[2] = {1, NAN};
    assert_int_equal(nnact_net_set_layer(net, 0, W0, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 1, W1, NULL), NNACT_OK);
    double K[2] = {5, 5}, c[1] = {5}, x[2] = {1, 1}, a, r;
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "layer 1: W[1][0]"));
    assert_close(K[0], 5.0, 0.0);
    assert_int_equal(nnact_net_collapse_check(net, 1, x, &a, &r), NNACT_ERR_NUMERIC);
    nnact_net *fused = (nnact_net *)1;
    assert_int_equal(nnact_net_fuse_linear(net, &fused, NULL, NULL, NULL), NNACT_ERR_NUMERIC);
    assert_null(fused);
    assert_int_equal(nnact_net_local_affine(net, x, K, c), NNACT_ERR_NUMERIC);
    /* a NaN input to the check is reported too */
    const double W1ok[2] = {1, 1};
    assert_int_equal(nnact_net_set_layer(net, 1, W1ok, NULL), NNACT_OK);
    double xn[2] = {1, NAN};
    assert_int_equal(nnact_net_collapse_check(net, 1, xn, &a, &r), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "x[0][1]"));
    nnact_net_free(net);
}

static void bad_arguments(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    double K[2], c[1], x[2] = {0, 0}, a, r;
    assert_int_equal(nnact_net_collapse(NULL, K, c), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse(net, NULL, c), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse(net, K, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_order(NULL, NULL, 0, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(NULL, 1, x, &a, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(net, 1, NULL, &a, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(net, 1, x, NULL, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(net, 1, x, &a, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(net, 0, x, &a, &r), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_collapse_check(net, SIZE_MAX / 2, x, &a, &r), NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_net_fuse_linear(net, NULL, NULL, NULL, NULL), NNACT_ERR_ARG);
    nnact_net *out = (nnact_net *)1;
    assert_int_equal(nnact_net_fuse_linear(NULL, &out, NULL, NULL, NULL), NNACT_ERR_ARG);
    assert_null(out);
    assert_int_equal(nnact_net_local_affine(NULL, x, K, c), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_local_affine(net, NULL, K, c), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_local_affine(net, x, NULL, c), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_local_affine(net, x, K, NULL), NNACT_ERR_ARG);
    nnact_net_free(net);
}

static void allocation_failures_change_nothing(void **state)
{
    (void)state;
    struct spec s = {.L = 3, .dims = {3, 5, 2, 4}};
    nnact_act_kind kinds[3] = {NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY};
    memcpy(s.act, kinds, sizeof kinds);
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s);
    double x[6] = {1, 2, 3, -1, -2, -3};
    for (int fn = 0; fn < 4; fn++) {
        for (size_t k = 0;; k++) {
            double K[12], c[4], a = -3, r = -3;
            size_t map[3] = {99, 99, 99};
            nnact_net *out = (nnact_net *)1;
            for (int i = 0; i < 12; i++)
                K[i] = -3;
            struct fail_at f = {k, 0};
            nnact__alloc_set_hook(fail_kth, &f);
            nnact_status st = fn == 0   ? nnact_net_collapse(net, K, c)
                              : fn == 1 ? nnact_net_collapse_check(net, 2, x, &a, &r)
                              : fn == 2 ? nnact_net_fuse_linear(net, &out, map, NULL, NULL)
                                        : nnact_net_local_affine(net, x, K, c);
            nnact__alloc_set_hook(NULL, NULL);
            if (st == NNACT_OK) {
                assert_true(k > 0);
                if (fn == 2) nnact_net_free(out);
                break;
            }
            assert_int_equal(st, NNACT_ERR_NOMEM);
            for (int i = 0; i < 12; i++)
                assert_close(K[i], -3.0, 0.0);
            assert_close(a, -3.0, 0.0);
            if (fn == 2) assert_null(out);
            for (int i = 0; i < 3; i++) /* the caller's layer map is untouched too */
                assert_int_equal(map[i], 99);
        }
    }
    nnact_net_free(net);
    spec_free(&s);
}

/* Fusing a network of two linear runs writes the map segment by segment;
 * an allocation failing in the second segment must not leave the first
 * segment's entries in the caller's map. */
static void failed_fuse_leaves_the_layer_map_alone(void **state)
{
    (void)state;
    struct spec s = {.L = 4, .dims = {3, 5, 2, 4, 3}};
    nnact_act_kind kinds[4] = {NNACT_ACT_IDENTITY, NNACT_ACT_RELU, NNACT_ACT_IDENTITY,
                               NNACT_ACT_IDENTITY};
    memcpy(s.act, kinds, sizeof kinds);
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s);
    size_t failures = 0;
    for (size_t k = 0;; k++) {
        size_t map[4] = {99, 99, 99, 99};
        nnact_net *out = (nnact_net *)1;
        struct fail_at f = {k, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status st = nnact_net_fuse_linear(net, &out, map, NULL, NULL);
        nnact__alloc_set_hook(NULL, NULL);
        if (st == NNACT_OK) {
            /* both runs fused: layers 0-1 into new layer 0, layers 2-3 into new layer 1 */
            assert_int_equal(map[0], 0);
            assert_int_equal(map[1], 0);
            assert_int_equal(map[2], 1);
            assert_int_equal(map[3], 1);
            assert_int_equal(nnact_net_layer_count(out), 2);
            nnact_net_free(out);
            break;
        }
        failures++;
        assert_int_equal(st, NNACT_ERR_NOMEM);
        assert_null(out);
        for (int i = 0; i < 4; i++)
            assert_int_equal(map[i], 99);
    }
    assert_true(failures >= 4); /* the second segment's allocations were reached */
    nnact_net_free(net);
    spec_free(&s);
}

/* ---- partial collapse ---- */

static void fuse_merges_linear_runs_into_the_next_layer(void **state)
{
    (void)state;
    /* 50 -id-> 2 -id-> 50 -relu-> 40 -id-> 300 -id-> 3. Cheapest: keep 50->2,
     * fold 2->50->40 into one relu layer 2->40, fold 40->300->3 into 40->3. */
    struct spec s = {.L = 5, .dims = {50, 2, 50, 40, 300, 3}};
    nnact_act_kind kinds[5] = {NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY, NNACT_ACT_RELU,
                               NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY};
    memcpy(s.act, kinds, sizeof kinds);
    for (int l = 0; l < 5; l++)
        s.alpha[l] = NAN;
    s.flags[3] = s.flags[4] = NNACT_DENSE_NO_BIAS;
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s), *fused = NULL;
    size_t map[5];
    double before = 0, after = 0;
    assert_int_equal(nnact_net_fuse_linear(net, &fused, map, &before, &after), NNACT_OK);
    /* flops per sample: 2 n_in n_out + n_out per layer */
    assert_close(before, 202 + 250 + 4040 + 24300 + 1803, 0.0);
    assert_close(after, 202 + 200 + 243, 0.0);
    static const size_t expect_map[5] = {0, 1, 1, 2, 2};
    for (int l = 0; l < 5; l++)
        assert_int_equal(map[l], expect_map[l]);
    assert_int_equal(nnact_net_layer_count(fused), 3);
    static const size_t expect_out[3] = {2, 40, 3};
    static const nnact_act_kind expect_act[3] = {NNACT_ACT_IDENTITY, NNACT_ACT_RELU,
                                                 NNACT_ACT_IDENTITY};
    for (size_t l = 0; l < 3; l++) {
        size_t no;
        nnact_act_kind k;
        unsigned fl;
        assert_int_equal(nnact_net_layer_info(fused, l, NULL, &no, &k, NULL, &fl), NNACT_OK);
        assert_int_equal(no, expect_out[l]);
        assert_int_equal(k, expect_act[l]);
        assert_int_equal(fl & NNACT_DENSE_NO_BIAS, l == 2 ? NNACT_DENSE_NO_BIAS : 0);
    }
    /* the original is untouched */
    double *W = malloc(50 * 40 * sizeof *W);
    for (size_t l = 0; l < 5; l++) {
        assert_int_equal(nnact_net_get_layer(net, l, W, NULL), NNACT_OK);
        for (size_t i = 0; i < s.dims[l] * s.dims[l + 1]; i++)
            assert_same_bits(W[i], s.W[l][i]);
        assert_int_equal(nnact_net_layer_count(net), 5);
        if (l == 1) break; /* the buffer holds up to 50 x 40 */
    }
    free(W);
    /* outputs: both networks within g(S) M of the exact forward pass (ReLU is
     * exact, 1-Lipschitz and |relu(z)| <= |z|, so the linear analysis carries) */
    enum { B = 6 };
    double x[B * 50], y0[B * 3], y1[B * 3];
    long double yr[3], M[3];
    for (int i = 0; i < B * 50; i++)
        x[i] = 10.0 * ct_uniform();
    assert_int_equal(nnact_net_predict(net, B, x, y0), NNACT_OK);
    assert_int_equal(nnact_net_predict(fused, B, x, y1), NNACT_OK);
    double g = half_bound_factor(&s);
    int moved = 0;
    for (int r = 0; r < B; r++) {
        ref_forward(&s, x + r * 50, yr, M);
        for (int j = 0; j < 3; j++) {
            double tol = (double)(g * M[j] * (1.0L + 1e-12L));
            assert_close(y0[r * 3 + j], (double)yr[j], tol);
            assert_close(y1[r * 3 + j], (double)yr[j], tol);
            moved |= fabsl(yr[j]) > 1e-3L;
        }
    }
    assert_true(moved);
    nnact_net_free(fused);
    nnact_net_free(net);
    spec_free(&s);
}

static void fuse_toy_linear_net_into_one_layer_and_keep_the_rest(void **state)
{
    (void)state;
    /* all linear, no bias: 3-4-10-1 becomes one 3->1 layer without bias */
    struct spec s = {.L = 3, .dims = {3, 4, 10, 1}};
    for (int l = 0; l < 3; l++) {
        s.act[l] = NNACT_ACT_IDENTITY;
        s.flags[l] = NNACT_DENSE_NO_BIAS;
    }
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s), *fused = NULL;
    size_t map[3];
    double before, after;
    assert_int_equal(nnact_net_fuse_linear(net, &fused, map, &before, &after), NNACT_OK);
    assert_close(before, 28 + 90 + 21, 0.0);
    assert_close(after, 7, 0.0);
    assert_int_equal(nnact_net_layer_count(fused), 1);
    unsigned fl;
    assert_int_equal(nnact_net_layer_info(fused, 0, NULL, NULL, NULL, NULL, &fl), NNACT_OK);
    assert_int_equal(fl & NNACT_DENSE_NO_BIAS, NNACT_DENSE_NO_BIAS);
    double Kf[3], K[3], c[1];
    assert_int_equal(nnact_net_get_layer(fused, 0, Kf, NULL), NNACT_OK);
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_OK);
    for (int i = 0; i < 3; i++)
        assert_same_bits(Kf[i], K[i]);
    nnact_net_free(fused);
    nnact_net_free(net);
    spec_free(&s);

    /* nothing worth merging (8 -> 3 -> 8 around tanh layers): an equal copy */
    struct spec t = {.L = 3, .dims = {2, 8, 3, 8}};
    t.act[0] = NNACT_ACT_TANH;
    t.act[1] = NNACT_ACT_IDENTITY;
    t.act[2] = NNACT_ACT_TANH;
    for (int l = 0; l < 3; l++)
        t.alpha[l] = NAN;
    spec_random_weights(&t);
    net = spec_build(&t);
    assert_int_equal(nnact_net_fuse_linear(net, &fused, map, &before, &after), NNACT_OK);
    assert_close(before, after, 0.0);
    assert_int_equal(nnact_net_layer_count(fused), 3);
    for (size_t l = 0; l < 3; l++) {
        double W[64], b[8];
        assert_true(t.dims[l] * t.dims[l + 1] <= 64);
        assert_int_equal(map[l], l);
        assert_int_equal(nnact_net_get_layer(fused, l, W, b), NNACT_OK);
        for (size_t i = 0; i < t.dims[l] * t.dims[l + 1]; i++)
            assert_same_bits(W[i], t.W[l][i]);
        for (size_t j = 0; j < t.dims[l + 1]; j++)
            assert_same_bits(b[j], t.b[l][j]);
    }
    nnact_net_free(fused);
    nnact_net_free(net);
    spec_free(&t);
}

static void fuse_random_piecewise_linear_nets(void **state)
{
    (void)state;
    /* Random mixes of linear layers (identity, slope-1 leaky ReLU) and exact
     * 1-Lipschitz ones (ReLU, leaky 0.1, hard tanh, ReLU6) with bottlenecks:
     * the fused network never costs more, its flops are what its layers say,
     * the map is monotone and complete, and both networks stay within g(S) M
     * of the exact forward pass of the original. */
    static const nnact_act_kind kinds[] = {NNACT_ACT_IDENTITY,   NNACT_ACT_IDENTITY,
                                           NNACT_ACT_LEAKY_RELU, NNACT_ACT_RELU,
                                           NNACT_ACT_HARD_TANH,  NNACT_ACT_RELU6};
    size_t merged_somewhere = 0;
    for (int trial = 0; trial < 20; trial++) {
        struct spec s = {.L = ct_int(1, 10)};
        for (size_t l = 0; l <= s.L; l++)
            s.dims[l] = ct_int(0, 2) == 0 ? ct_int(1, 3) : ct_int(4, 60);
        for (size_t l = 0; l < s.L; l++) {
            size_t k = ct_int(0, 5);
            s.act[l] = kinds[k];
            s.alpha[l] = k == 2 ? 1.0 : NAN;
            if (k == 2 && ct_int(0, 1)) s.alpha[l] = 0.1;
            s.flags[l] = ct_int(0, 3) == 0 ? NNACT_DENSE_NO_BIAS : 0;
        }
        spec_random_weights(&s);
        nnact_net *net = spec_build(&s), *fused = NULL;
        size_t map[MAXL];
        double before, after;
        assert_int_equal(nnact_net_fuse_linear(net, &fused, map, &before, &after), NNACT_OK);
        assert_true(after <= before);
        size_t nl = nnact_net_layer_count(fused);
        merged_somewhere += nl < s.L;
        assert_int_equal(map[0], 0);
        assert_int_equal(map[s.L - 1], nl - 1);
        for (size_t l = 1; l < s.L; l++)
            assert_true(map[l] == map[l - 1] || map[l] == map[l - 1] + 1);
        double recount = 0;
        for (size_t l = 0; l < nl; l++) {
            size_t ni, no;
            nnact_act_kind k;
            assert_int_equal(nnact_net_layer_info(fused, l, &ni, &no, &k, NULL, NULL), NNACT_OK);
            recount += 2.0 * (double)ni * (double)no + (double)no;
        }
        assert_close(recount, after, 0.0);
        enum { B = 3 };
        size_t n_in = s.dims[0], n_out = s.dims[s.L];
        double x[B * 60], y0[B * 60], y1[B * 60];
        long double yr[60], M[60];
        for (size_t i = 0; i < B * n_in; i++)
            x[i] = 3.0 * ct_uniform();
        assert_int_equal(nnact_net_predict(net, B, x, y0), NNACT_OK);
        assert_int_equal(nnact_net_predict(fused, B, x, y1), NNACT_OK);
        double g = half_bound_factor(&s);
        for (size_t r = 0; r < B; r++) {
            ref_forward(&s, x + r * n_in, yr, M);
            for (size_t j = 0; j < n_out; j++) {
                double tol = (double)(g * M[j] * (1.0L + 1e-12L));
                assert_close(y0[r * n_out + j], (double)yr[j], tol);
                assert_close(y1[r * n_out + j], (double)yr[j], tol);
            }
        }
        nnact_net_free(fused);
        nnact_net_free(net);
        spec_free(&s);
    }
    assert_true(merged_somewhere >= 5);
}

/* ---- local affine maps ---- */

static void local_affine_of_piecewise_linear_nets(void **state)
{
    (void)state;
    static const nnact_act_kind pl[] = {NNACT_ACT_RELU, NNACT_ACT_LEAKY_RELU, NNACT_ACT_HARD_TANH,
                                        NNACT_ACT_RELU6, NNACT_ACT_IDENTITY};
    for (int trial = 0; trial < 12; trial++) {
        struct spec s = {.L = 1 + (size_t)trial % 5};
        for (size_t l = 0; l <= s.L; l++)
            s.dims[l] = ct_int(1, 30);
        for (size_t l = 0; l < s.L; l++) {
            s.act[l] = pl[ct_int(0, 4)];
            s.alpha[l] = s.act[l] == NNACT_ACT_LEAKY_RELU ? 0.1 : NAN;
        }
        spec_random_weights(&s);
        nnact_net *net = spec_build(&s);
        size_t n_in = s.dims[0], n_out = s.dims[s.L];
        double *x = malloc(n_in * sizeof *x), *x2 = malloc(n_in * sizeof *x2);
        double *K = malloc(n_in * n_out * sizeof *K), *c = malloc(n_out * sizeof *c);
        double *y = malloc(n_out * sizeof *y);
        long double *yr = malloc(n_out * sizeof *yr), *M = malloc(n_out * sizeof *M);
        for (size_t i = 0; i < n_in; i++)
            x[i] = 2.0 * ct_uniform();
        assert_int_equal(nnact_net_local_affine(net, x, K, c), NNACT_OK);
        double g = half_bound_factor(&s);
        /* at x, and at a nearby point in the same region: x' K + c = net(x') */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < n_in; i++)
                x2[i] = x[i] + (pass ? 1e-9 * ct_uniform() : 0.0);
            assert_int_equal(nnact_net_predict(net, 1, x2, y), NNACT_OK);
            ref_forward(&s, x2, yr, M);
            for (size_t j = 0; j < n_out; j++) {
                long double aff = affine_ld(n_in, n_out, K, c, x2, j);
                /* the map's own rounding is bounded like a collapse of the
                 * slope-scaled layers; 4 g(S) M + tiny covers it and the step */
                double tol = (double)(4 * g * M[j]) + 1e-7 * (double)M[j];
                assert_close((double)aff, (double)yr[j], tol);
                assert_close(y[j], (double)yr[j], tol);
            }
        }
        free(x);
        free(x2);
        free(K);
        free(c);
        free(y);
        free(yr);
        free(M);
        nnact_net_free(net);
        spec_free(&s);
    }
}

static void local_affine_at_kinks_takes_the_derivative_piece(void **state)
{
    (void)state;
    /* one unit, W = 1, b = 0, at the kink: the slope is the library's f'(kink) */
    static const struct {
        nnact_act_kind k;
        double alpha, x, K, c;
    } cases[] = {
        {NNACT_ACT_RELU, NAN, 0.0, 0.0, 0.0},        /* relu'(0) = 0 */
        {NNACT_ACT_LEAKY_RELU, 0.2, 0.0, 0.2, 0.0},  /* left piece */
        {NNACT_ACT_HARD_TANH, NAN, 1.0, 0.0, 1.0},   /* saturated at +1 */
        {NNACT_ACT_HARD_TANH, NAN, -1.0, 0.0, -1.0}, /* saturated at -1 */
        {NNACT_ACT_HARD_TANH, NAN, 0.5, 1.0, 0.0},
        {NNACT_ACT_RELU6, NAN, 6.0, 0.0, 6.0},
        {NNACT_ACT_HARD_SIGMOID, NAN, 0.0, 1.0 / 6.0, 0.5},
        {NNACT_ACT_HARD_SIGMOID, NAN, 3.0, 0.0, 1.0},
        {NNACT_ACT_SOFTSHRINK, 0.5, 2.0, 1.0, -0.5},
        {NNACT_ACT_SOFTSHRINK, 0.5, 0.5, 0.0, 0.0},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        nnact_net *net = NULL;
        assert_int_equal(nnact_net_create(1, &net), NNACT_OK);
        assert_int_equal(nnact_net_add_dense(net, 1, cases[t].k, cases[t].alpha), NNACT_OK);
        const double one = 1.0, zero = 0.0;
        assert_int_equal(nnact_net_set_layer(net, 0, &one, &zero), NNACT_OK);
        double K = NAN, c = NAN, d = NAN;
        assert_int_equal(nnact_net_local_affine(net, &cases[t].x, &K, &c), NNACT_OK);
        assert_close(K, cases[t].K, 0.0);
        assert_close(c, cases[t].c, 0.0);
        assert_int_equal(nnact_act_derivative(cases[t].k, cases[t].alpha, 1, &cases[t].x, &d),
                         NNACT_OK);
        assert_close(K, d, 0.0);
        nnact_net_free(net);
    }
}

/* ---- demonstrations ---- */

static void demo_xor_linear_floor_versus_relu(void **state)
{
    (void)state;
    const double X[8] = {0, 0, 0, 1, 1, 0, 1, 1}, T[4] = {0, 1, 1, 0};
    double K[2], c, mse;
    assert_int_equal(nnact_lstsq_affine(4, 2, 1, X, T, K, &c, &mse), NNACT_OK);
    for (int i = 0; i < 4; i++)
        assert_close(X[2 * i] * K[0] + X[2 * i + 1] * K[1] + c, 0.5, 1e-15);
    assert_close(mse, 0.25, 1e-15);
    /* the ReLU network of the issue solves it exactly */
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double W0[4] = {1, 1, 1, 1}, b0[2] = {0, -1}, W1[2] = {1, -2}, b1[1] = {0};
    assert_int_equal(nnact_net_set_layer(net, 0, W0, b0), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(net, 1, W1, b1), NNACT_OK);
    double y[4];
    assert_int_equal(nnact_net_predict(net, 4, X, y), NNACT_OK);
    for (int i = 0; i < 4; i++)
        assert_same_bits(y[i], T[i]);
    /* it is not one affine map: collapse refuses, naming the ReLU layer */
    double Kc[2], cc;
    assert_int_equal(nnact_net_collapse(net, Kc, &cc), NNACT_ERR_NONLINEAR);
    assert_non_null(strstr(nnact_last_error(), "layer 0"));
    assert_non_null(strstr(nnact_last_error(), "relu"));
    /* but around each point it is: (0,0) and (1,1) see other pieces than (0,1) */
    double Kl[2], cl;
    assert_int_equal(nnact_net_local_affine(net, X + 2, Kl, &cl), NNACT_OK);
    assert_close(Kl[0], 1.0, 0.0);
    assert_close(Kl[1], 1.0, 0.0);
    assert_close(cl, 0.0, 0.0);
    assert_int_equal(nnact_net_local_affine(net, X + 6, Kl, &cl), NNACT_OK);
    assert_close(Kl[0], -1.0, 0.0);
    assert_close(Kl[1], -1.0, 0.0);
    assert_close(cl, 2.0, 0.0);
    nnact_net_free(net);
}

static void demo_toy_3_4_10_1_identity_net(void **state)
{
    (void)state;
    /* The classic 4 x 3 toy set (third column constant, targets = first column),
     * fitted by a 3-4-10-1 network of identity layers without bias, trained in
     * this test with plain SGD on 0.5 sum (y - t)^2 through the public net API
     * (the deterministic start comes from the test's generator). */
    const double X[12] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, T[4] = {0, 0, 1, 1};
    struct spec s = {.L = 3, .dims = {3, 4, 10, 1}};
    for (int l = 0; l < 3; l++) {
        s.act[l] = NNACT_ACT_IDENTITY;
        s.flags[l] = NNACT_DENSE_NO_BIAS;
    }
    spec_random_weights(&s);
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < s.dims[l] * s.dims[l + 1]; i++)
            s.W[l][i] *= 0.5;
    nnact_net *net = spec_build(&s);
    double y[4], dy[4], W[40], dW[40];
    for (int it = 0; it < 3000; it++) {
        assert_int_equal(nnact_net_forward(net, 4, X, y), NNACT_OK);
        for (int i = 0; i < 4; i++)
            dy[i] = y[i] - T[i];
        assert_int_equal(nnact_net_backward(net, dy, NULL), NNACT_OK);
        for (size_t l = 0; l < 3; l++) {
            size_t n = s.dims[l] * s.dims[l + 1];
            assert_int_equal(nnact_net_get_grad(net, l, dW, NULL), NNACT_OK);
            assert_int_equal(nnact_net_get_layer(net, l, W, NULL), NNACT_OK);
            for (size_t i = 0; i < n; i++)
                W[i] -= 0.02 * dW[i];
            assert_int_equal(nnact_net_set_layer(net, l, W, NULL), NNACT_OK);
        }
    }
    assert_int_equal(nnact_net_predict(net, 4, X, y), NNACT_OK);
    double mse = 0;
    for (int i = 0; i < 4; i++)
        mse += (y[i] - T[i]) * (y[i] - T[i]) / 4;
    /* the targets are linear in x (t = x1), so the floor is 0 and the network fits */
    assert_true(mse < 1e-8);
    for (int i = 0; i < 4; i++)
        assert_close(round(y[i]), T[i], 0.0);
    /* K is one 3 x 1 column, c = 0, and x K reproduces the network */
    double K[3], c[1];
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_OK);
    assert_same_bits(c[0], 0.0);
    for (int i = 0; i < 4; i++)
        assert_close(X[3 * i] * K[0] + X[3 * i + 1] * K[1] + X[3 * i + 2] * K[2], y[i], 1e-14);
    double a, r, bound, ratio;
    assert_int_equal(nnact_net_collapse_check_ex(net, 4, X, &a, &r, &bound, &ratio), NNACT_OK);
    assert_true(a <= bound && ratio <= 1.0);
    /* trained toward the exact map t = x1: K -> (1, 0, 0) */
    assert_close(K[0], 1.0, 1e-4);
    assert_close(K[1], 0.0, 1e-4);
    assert_close(K[2], 0.0, 1e-4);
    nnact_net_free(net);
    spec_free(&s);
}

static void demo_1000_2_1000_chain_has_rank_2(void **state)
{
    (void)state;
    struct spec s = {.L = 2, .dims = {1000, 2, 1000}};
    s.act[0] = s.act[1] = NNACT_ACT_IDENTITY;
    spec_random_weights(&s);
    nnact_net *net = spec_build(&s);
    double *K = malloc(1000 * 1000 * sizeof *K), *c = malloc(1000 * sizeof *c);
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_OK);
    size_t rank = 0;
    assert_int_equal(nnact_rank(1000, 1000, K, -1.0, &rank), NNACT_OK);
    assert_int_equal(rank, 2);
    /* two factors of rank 2 reproduce K to rounding: the truncation error s_3 ~ 0 */
    double *U = malloc(1000 * 2 * sizeof *U), *V = malloc(2 * 1000 * sizeof *V), err = -1, cond;
    assert_int_equal(nnact_svd_truncate(1000, 1000, K, 2, U, V, &err), NNACT_OK);
    double sv[2];
    assert_int_equal(nnact_singular_values(2, 1000, V, sv), NNACT_OK); /* V rows orthonormal */
    assert_close(sv[0], 1.0, 1e-12);
    assert_close(sv[1], 1.0, 1e-12);
    assert_true(err < 1e-12 * fabs(U[0]) + 1e-10);
    assert_int_equal(nnact_condition_number(1000, 1000, K, &cond), NNACT_OK);
    assert_true(cond > 1e12);
    free(U);
    free(V);
    free(K);
    free(c);
    nnact_net_free(net);
    spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zero_and_one_layer_networks),
        cmocka_unit_test(random_linear_nets_within_the_bound),
        cmocka_unit_test(matrix_chain_order_and_flops),
        cmocka_unit_test(chain_plan_matches_exhaustive_search),
        cmocka_unit_test(nonlinear_layer_is_named),
        cmocka_unit_test(nan_weights_are_reported),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(allocation_failures_change_nothing),
        cmocka_unit_test(failed_fuse_leaves_the_layer_map_alone),
        cmocka_unit_test(fuse_merges_linear_runs_into_the_next_layer),
        cmocka_unit_test(fuse_toy_linear_net_into_one_layer_and_keep_the_rest),
        cmocka_unit_test(fuse_random_piecewise_linear_nets),
        cmocka_unit_test(local_affine_of_piecewise_linear_nets),
        cmocka_unit_test(local_affine_at_kinks_takes_the_derivative_piece),
        cmocka_unit_test(demo_xor_linear_floor_versus_relu),
        cmocka_unit_test(demo_toy_3_4_10_1_identity_net),
        cmocka_unit_test(demo_1000_2_1000_chain_has_rank_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
