/* nnact collapse: linear layers compose into one affine map, shown on three
 * demonstrations with the library's own numbers (docs/collapse.md quotes them). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/collapse_demos.h"
#include "cli/random.h"
#include "nnact/nnact.h"

void cli_collapse_help(FILE *out)
{
    fprintf(out, "usage: nnact collapse\n\n"
                 "Runs the linearity-collapse demonstrations and prints, for each, the\n"
                 "collapsed map K (and c), the measured difference between the network and\n"
                 "x K + c against the a-priori rounding bound, the rank of K, and the\n"
                 "least-squares floor that no network of linear layers can beat:\n"
                 "  1. XOR: the best affine map vs a 2-2-1 ReLU network\n"
                 "  2. the 3-4-10-1 identity network trained on the classic 4x3 toy set\n"
                 "  3. 1000-2-1000 and 1000-2-1000-2-1000 identity chains: order, flops, rank\n"
                 "See docs/collapse.md.\n");
}

/* Deterministic weights, the same on every machine: the library's PRNG
 * (cli_fill_uniform), one seed per demonstration, one stream per array. */
static uint64_t demo_seed = 1;
#define STREAM_INPUTS 1000u

static int fail(const char *what)
{
    fprintf(stderr, "nnact collapse: %s: %s\n", what, cli_library_reason());
    return CLI_FAILED;
}

#define TRY(expr, what)                                                                            \
    do {                                                                                           \
        if ((expr) != NNACT_OK) {                                                                  \
            rc = fail(what);                                                                       \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

/* A chain of identity layers with the given widths and random weights. */
static nnact_status identity_chain(size_t n, const size_t *widths, int bias, nnact_net **out)
{
    nnact_net *net = NULL;
    nnact_status s = nnact_net_create(widths[0], &net);
    for (size_t l = 0; s == NNACT_OK && l + 1 < n; l++) {
        size_t ni = widths[l], no = widths[l + 1];
        s = nnact_net_add_dense_ex(net, no, NNACT_ACT_IDENTITY, NAN,
                                   bias ? 0 : NNACT_DENSE_NO_BIAS);
        double *W = malloc(ni * no * sizeof *W), *b = malloc(no * sizeof *b);
        if (W == NULL || b == NULL) s = NNACT_ERR_NOMEM;
        const double r = 1.0 / sqrt((double)ni);
        if (s == NNACT_OK && (cli_fill_uniform(demo_seed, 2 * l, -r, r, ni * no, W) != 0 ||
                              cli_fill_uniform(demo_seed, 2 * l + 1, -1.0, 1.0, no, b) != 0))
            s = NNACT_ERR_ARG;
        if (s == NNACT_OK) s = nnact_net_set_layer(net, l, W, bias ? b : NULL);
        free(W);
        free(b);
    }
    if (s != NNACT_OK) {
        nnact_net_free(net);
        net = NULL;
    }
    *out = net;
    return s;
}

int cli_collapse_xor(FILE *out, int brief)
{
    int rc = CLI_OK;
    nnact_net *net = NULL;
    const double X[8] = {0, 0, 0, 1, 1, 0, 1, 1}, T[4] = {0, 1, 1, 0};
    double K[2], c, mse, y[4];
    TRY(nnact_lstsq_affine(4, 2, 1, X, T, K, &c, &mse), "XOR least squares");
    fprintf(out, "XOR, the best affine map (LAPACKE_dgelsd): K = [%.3g, %.3g], c = %.3g\n", K[0],
            K[1], c);
    fprintf(out, "  predicts");
    for (int i = 0; i < 4; i++)
        fprintf(out, " %g", X[2 * i] * K[0] + X[2 * i + 1] * K[1] + c);
    fprintf(out, " for targets 0 1 1 0: MSE %g, the floor for every linear network\n", mse);
    TRY(nnact_net_create(2, &net), "XOR net");
    TRY(nnact_net_add_dense(net, 2, NNACT_ACT_RELU, NAN), "XOR net");
    TRY(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), "XOR net");
    const double W0[4] = {1, 1, 1, 1}, b0[2] = {0, -1}, W1[2] = {1, -2};
    TRY(nnact_net_set_layer(net, 0, W0, b0), "XOR net");
    TRY(nnact_net_set_layer(net, 1, W1, NULL), "XOR net");
    TRY(nnact_net_predict(net, 4, X, y), "XOR net");
    double relu_mse;
    TRY(nnact_loss(NNACT_LOSS_MSE, 4, 1, y, T, &relu_mse, NULL), "XOR loss");
    fprintf(out,
            "  2-2-1 ReLU network (W1 = [[1,1],[1,1]], b1 = [0,-1], W2 = [1,-2]): %g %g %g %g, "
            "MSE %g\n",
            y[0], y[1], y[2], y[3], relu_mse);
    double Kc[2], cc;
    nnact_status s = nnact_net_collapse(net, Kc, &cc);
    if (s == NNACT_OK) {
        /* a ReLU layer must never collapse: that would be a library bug */
        fprintf(stderr, "nnact collapse: the ReLU network collapsed, which it must not\n");
        nnact_net_free(net);
        return CLI_FAILED;
    }
    fprintf(out, "  nnact_net_collapse: %s (%s)\n", nnact_status_str(s), nnact_last_error());
    if (!brief) {
        for (int i = 0; i < 4; i++) {
            TRY(nnact_net_local_affine(net, X + 2 * i, Kc, &cc), "local affine");
            fprintf(out, "  around (%g, %g) it is the affine map K = [%g, %g], c = %g\n", X[2 * i],
                    X[2 * i + 1], Kc[0], Kc[1], cc);
        }
    }
done:
    nnact_net_free(net);
    return rc;
}

int cli_collapse_toy(FILE *out, int brief)
{
    int rc = CLI_OK;
    nnact_net *net = NULL, *fused = NULL;
    /* The classic toy set: 4 samples, 3 inputs (the third a constant 1), targets
     * the first input: a linear network can fit it. */
    const double X[12] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, T[4] = {0, 0, 1, 1};
    static const size_t widths[] = {3, 4, 10, 1};
    demo_seed = 0x2545f4914f6cdd1dull;
    TRY(identity_chain(4, widths, 0, &net), "3-4-10-1 net");
    double y[4], dy[4], W[40], dW[40], loss = 0;
    const int epochs = 3000;
    for (int it = 0; it < epochs; it++) {
        TRY(nnact_net_forward(net, 4, X, y), "training");
        TRY(nnact_loss(NNACT_LOSS_HALF_SSE, 4, 1, y, T, &loss, dy), "training");
        TRY(nnact_net_backward(net, dy, NULL), "training");
        for (size_t l = 0; l < 3; l++) {
            TRY(nnact_net_get_grad(net, l, dW, NULL), "training");
            TRY(nnact_net_get_layer(net, l, W, NULL), "training");
            for (size_t i = 0; i < widths[l] * widths[l + 1]; i++)
                W[i] -= 0.02 * dW[i];
            TRY(nnact_net_set_layer(net, l, W, NULL), "training");
        }
    }
    TRY(nnact_net_predict(net, 4, X, y), "predict");
    double mse, K[3], c, Kls[3], cls, floor_mse, a, r, bound, ratio;
    TRY(nnact_loss(NNACT_LOSS_MSE, 4, 1, y, T, &mse, NULL), "loss");
    TRY(nnact_net_collapse(net, K, &c), "collapse");
    TRY(nnact_net_collapse_check_ex(net, 4, X, &a, &r, &bound, &ratio), "check");
    TRY(nnact_lstsq_affine(4, 3, 1, X, T, Kls, &cls, &floor_mse), "least squares");
    fprintf(out,
            "3-4-10-1 identity network, no bias, %d epochs of SGD (lr 0.02) on the 4x3 toy set:\n",
            epochs);
    fprintf(out, "  outputs %.6f %.6f %.6f %.6f, MSE %.3g >= least-squares floor %.3g\n", y[0],
            y[1], y[2], y[3], mse, floor_mse);
    fprintf(out, "  K (3 x 1) = [%.9f, %.9f, %.9f]^T, c = %g\n", K[0], K[1], K[2], c);
    fprintf(out, "  |net(x) - x K| max %.3g (relative %.3g), a-priori bound %.3g (ratio %.3f)\n", a,
            r, bound, ratio);
    if (!brief) {
        size_t rank;
        double before, after;
        TRY(nnact_rank(3, 1, K, -1.0, &rank), "rank");
        TRY(nnact_net_fuse_linear(net, &fused, NULL, &before, &after), "fuse");
        fprintf(out,
                "  rank(K) = %zu; nnact_net_fuse_linear: %zu layers -> %zu, %g -> %g flops per "
                "sample\n",
                rank, nnact_net_layer_count(net), nnact_net_layer_count(fused), before, after);
    }
done:
    nnact_net_free(fused);
    nnact_net_free(net);
    return rc;
}

static int chain_demo(FILE *out, int brief, size_t nw, const size_t *widths)
{
    int rc = CLI_OK;
    nnact_net *net = NULL;
    const size_t n = 1000;
    double *K = malloc(n * n * sizeof *K), *c = malloc(n * sizeof *c), *s = malloc(n * sizeof *s);
    double *x = malloc(8 * n * sizeof *x), *U = malloc(2 * n * sizeof *U),
           *V = malloc(2 * n * sizeof *V);
    if (!K || !c || !s || !x || !U || !V) {
        fprintf(stderr, "nnact collapse: out of memory\n");
        rc = CLI_FAILED;
        goto done;
    }
    TRY(identity_chain(nw, widths, 1, &net), "identity chain");
    char order[64];
    double flops, naive, a, r, bound, ratio, cond, err;
    size_t rank;
    TRY(nnact_net_collapse_order(net, order, sizeof order, &flops, &naive), "order");
    TRY(nnact_net_collapse(net, K, c), "collapse");
    if (cli_fill_uniform(demo_seed, STREAM_INPUTS, -1.0, 1.0, 8 * n, x) != 0) {
        rc = CLI_FAILED;
        goto done;
    }
    TRY(nnact_net_collapse_check_ex(net, 8, x, &a, &r, &bound, &ratio), "check");
    TRY(nnact_singular_values(n, n, K, s), "singular values");
    TRY(nnact_rank(n, n, K, -1.0, &rank), "rank");
    fprintf(out, "%zu", widths[0]);
    for (size_t l = 1; l < nw; l++)
        fprintf(out, "-%zu", widths[l]);
    fprintf(out, " identity chain (random weights and biases):\n");
    fprintf(out, "  order %s: %.4g flops, left to right %.4g (%.2fx)\n", order, flops, naive,
            naive / flops);
    fprintf(
        out,
        "  |net(x) - (x K + c)| max %.3g (relative %.3g) on 8 inputs, bound %.3g (ratio %.3g)\n", a,
        r, bound, ratio);
    fprintf(out,
            "  K is 1000 x 1000 of rank %zu (tolerance 1000 eps s1 = %.3g): s1 %.6g, s2 %.6g, s3 "
            "%.3g\n",
            rank, 1000 * 0x1.0p-52 * s[0], s[0], s[1], s[2]);
    if (!brief) {
        TRY(nnact_condition_number(n, n, K, &cond), "condition number");
        TRY(nnact_svd_truncate(n, n, K, 2, U, V, &err), "truncated SVD");
        fprintf(
            out,
            "  condition number %.3g; rank-2 truncated SVD keeps 4000 numbers of 1e6, error %.3g\n",
            cond, err);
    }
done:
    nnact_net_free(net);
    free(K);
    free(c);
    free(s);
    free(x);
    free(U);
    free(V);
    return rc;
}

int cli_collapse_chain(FILE *out, int brief)
{
    static const size_t short_chain[] = {1000, 2, 1000}, long_chain[] = {1000, 2, 1000, 2, 1000};
    demo_seed = 0x5851f42d4c957f2dull;
    int rc = chain_demo(out, brief, 3, short_chain);
    if (rc == CLI_OK && !brief) {
        fprintf(out, "\n");
        rc = chain_demo(out, brief, 5, long_chain);
    }
    return rc;
}

int cli_collapse(int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error("collapse", "unexpected argument '%s'", cli_quote(argv[1]));
    printf("Linearity collapse: without activation functions, any depth is one affine map.\n\n");
    int rc = cli_collapse_xor(stdout, 0);
    if (rc == CLI_OK) {
        printf("\n");
        rc = cli_collapse_toy(stdout, 0);
    }
    if (rc == CLI_OK) {
        printf("\n");
        rc = cli_collapse_chain(stdout, 0);
    }
    return rc;
}
