/* nnact gradcheck: backprop against centered differences on a network given
 * on the command line (nnact_net_from_spec), one table row per layer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/random.h"
#include "nnact/nnact.h"

static const char cmd[] = "gradcheck";

void cli_gradcheck_help(FILE *out)
{
    fprintf(out,
            "usage: nnact gradcheck --layers N_IN,WIDTH[:ACT[:ALPHA]],... [options]\n"
            "\n"
            "Builds the network (random weights from --seed), runs forward, the loss and\n"
            "backward, and compares every parameter's gradient with a centered difference.\n"
            "Prints the worst relative error of each layer's W and b.\n"
            "\n"
            "  --layers SPEC    input size, then one WIDTH[:ACT[:ALPHA]] per layer, separated\n"
            "                   by ',' or '-' (ACT defaults to identity), e.g.\n"
            "                   3,4:tanh,10:relu,1:identity or 3-4:tanh-1\n"
            "  --loss NAME      half_sse (default); one of\n"
            "                   ");
    cli_print_kinds(out, CLI_LOSS, "                   ", 79);
    fprintf(out, "  --loss-param P   the loss's parameter (Huber delta)\n"
                 "  --batch N        rows of random input (default 8)\n"
                 "  --seed S         seed of weights, inputs and targets (default 1)\n"
                 "  --h H            step; 0 or 'auto' = cbrt(eps) max(1,|theta|) (default)\n"
                 "  --tol T          exit 1 when the worst error exceeds T (default 1e-6)\n"
                 "  --no-bias        layers without bias\n"
                 "\n"
                 "Activations (ACT):\n  ");
    cli_print_kinds(out, CLI_ACT, "  ", 79);
    fprintf(out, "\nError = |analytic - numeric| / max(|analytic|, |numeric|, 1e-4 max(1, |L|)).\n"
                 "Kinked activations (relu, ...) can disagree at points within h of a kink.\n");
}

struct gc_opts {
    const char *layers;
    int loss;
    double loss_param, h, tol;
    size_t batch;
    uint64_t seed;
    int no_bias;
};

/* One option with its value; CLI_OK or a usage error. */
static int parse_value(const char *a, const char *v, struct gc_opts *o)
{
    const char *why = NULL;
    if (strcmp(a, "--layers") == 0) {
        o->layers = v;
    } else if (strcmp(a, "--loss") == 0) {
        if ((why = cli_parse_kind(CLI_LOSS, v, &o->loss)) != NULL)
            return cli_usage_error(cmd, "--loss: %s", why);
    } else if (strcmp(a, "--loss-param") == 0) {
        why = cli_parse_real(v, -HUGE_VAL, HUGE_VAL, &o->loss_param);
    } else if (strcmp(a, "--batch") == 0) {
        why = cli_parse_size(v, 1, SIZE_MAX, &o->batch);
    } else if (strcmp(a, "--seed") == 0) {
        why = cli_parse_u64(v, &o->seed);
    } else if (strcmp(a, "--h") == 0) {
        if (strcmp(v, "auto") == 0)
            o->h = NNACT_GRADCHECK_AUTO;
        else
            why = cli_parse_real(v, 0.0, HUGE_VAL, &o->h);
    } else if (strcmp(a, "--tol") == 0) {
        why = cli_parse_real(v, 0.0, HUGE_VAL, &o->tol);
        if (why == NULL && o->tol == 0.0) why = "is not a positive number";
    } else {
        return cli_usage_error(cmd, "unknown option '%s' (try --help)", a);
    }
    return why ? cli_usage_error(cmd, "%s: '%s' %s", a, v, why) : CLI_OK;
}

static int parse_opts(int argc, char **argv, struct gc_opts *o)
{
    *o = (struct gc_opts){.loss = NNACT_LOSS_HALF_SSE,
                          .loss_param = NAN,
                          .h = NNACT_GRADCHECK_AUTO,
                          .tol = 1e-6,
                          .batch = 8,
                          .seed = 1};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bias") == 0) {
            o->no_bias = 1;
            continue;
        }
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "'%s' needs a value or is unknown (try --help)", argv[i]);
        int rc = parse_value(argv[i], argv[i + 1], o);
        if (rc != CLI_OK) return rc;
        i++;
    }
    if (o->layers == NULL)
        return cli_usage_error(cmd,
                               "--layers is required, e.g. --layers 3,4:tanh,10:relu,1:identity");
    return CLI_OK;
}

/* The network of --layers with weights U(+-1/sqrt(fan_in)) (He-uniform with
 * gain 1/sqrt(3): activations stay in their working range) and zero biases. */
static int build_net(const struct gc_opts *o, nnact_net **net)
{
    nnact_status s = nnact_net_from_spec(o->layers, NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY,
                                         o->no_bias ? NNACT_DENSE_NO_BIAS : 0u, net);
    if (s == NNACT_ERR_ARG) return cli_usage_error(cmd, "--layers: %s", cli_library_reason());
    if (s == NNACT_OK) s = nnact_net_init_ex(*net, NNACT_INIT_HE_UNIFORM, 1.0 / sqrt(3.0), o->seed);
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n", nnact_last_error());
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* Streams of the data, apart from the weights' streams 0 .. layers-1. */
#define STREAM_X ((uint64_t)1 << 32)
#define STREAM_T (((uint64_t)1 << 32) + 1)

/* Inputs in +-1 and targets in the loss's domain (class indices, [0, 1]
 * probabilities, or +-1). */
static int make_data(const struct gc_opts *o, const nnact_net *net, double **x, double **t)
{
    const size_t n_in = nnact_net_input_size(net), n_out = nnact_net_output_size(net);
    const size_t tw = nnact_loss_target_width((nnact_loss_kind)o->loss, n_out);
    if (o->batch > SIZE_MAX / sizeof(double) / (n_in > tw ? n_in : tw)) {
        fprintf(stderr, "nnact gradcheck: --batch %zu is too large for this network\n", o->batch);
        return CLI_FAILED;
    }
    *x = malloc(o->batch * n_in * sizeof **x);
    *t = malloc(o->batch * tw * sizeof **t);
    if (*x == NULL || *t == NULL) {
        fprintf(stderr, "nnact gradcheck: out of memory\n");
        return CLI_FAILED;
    }
    const int index = o->loss == NNACT_LOSS_SOFTMAX_CE_INDEX;
    const int prob = o->loss == NNACT_LOSS_BCE_LOGITS || o->loss == NNACT_LOSS_SOFTMAX_CE;
    (void)cli_fill_uniform(o->seed, STREAM_X, -1.0, 1.0, o->batch * n_in, *x);
    (void)cli_fill_uniform(o->seed, STREAM_T, index || prob ? 0.0 : -1.0, 1.0, o->batch * tw, *t);
    for (size_t i = 0; index && i < o->batch * tw; i++) {
        double c = floor((*t)[i] * (double)n_out);
        (*t)[i] = c < (double)n_out ? c : (double)(n_out - 1);
    }
    return CLI_OK;
}

static void print_table(const struct gc_opts *o, const nnact_net *net, const double *layer_err)
{
    printf("network %zu", nnact_net_input_size(net));
    for (size_t l = 0; l < nnact_net_layer_count(net); l++) {
        size_t w = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        (void)nnact_net_layer_info(net, l, NULL, &w, &act, NULL, NULL);
        printf(" -> %zu %s", w, nnact_act_name(act));
    }
    printf("; loss %s; batch %zu; seed %llu; h %s\n", nnact_loss_name((nnact_loss_kind)o->loss),
           o->batch, (unsigned long long)o->seed,
           o->h == 0.0 ? "auto (cbrt(eps) max(1,|theta|))" : "fixed");
    if (o->h != 0.0) printf("h = %g\n", o->h);
    printf("\n%-6s %-10s %-14s %8s %14s %14s\n", "layer", "shape", "activation", "params",
           "max err W", "max err b");
    for (size_t l = 0; l < nnact_net_layer_count(net); l++) {
        size_t n_in = 0, w = 0;
        unsigned flags = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        char shape[48], berr[32];
        (void)nnact_net_layer_info(net, l, &n_in, &w, &act, NULL, &flags);
        snprintf(shape, sizeof shape, "%zux%zu", n_in, w);
        if (flags & NNACT_DENSE_NO_BIAS)
            snprintf(berr, sizeof berr, "(no bias)");
        else
            snprintf(berr, sizeof berr, "%.3e", layer_err[2 * l + 1]);
        printf("%-6zu %-10s %-14s %8zu %14.3e %14s\n", l, shape, nnact_act_name(act),
               n_in * w + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : w), layer_err[2 * l], berr);
    }
}

/* The loss at the check point (for the error floor), NAN if it cannot be had. */
static double loss_at(const struct gc_opts *o, const nnact_net *net, const double *x,
                      const double *t)
{
    const size_t n_out = nnact_net_output_size(net);
    double L = NAN, *y = malloc(o->batch * n_out * sizeof *y);
    if (y && nnact_net_predict(net, o->batch, x, y) == NNACT_OK)
        (void)nnact_loss_ex((nnact_loss_kind)o->loss, o->loss_param, o->batch, n_out, y, t, &L,
                            NULL);
    free(y);
    return L;
}

/* Runs the check and prints the table and the verdict. */
static int check(const struct gc_opts *o, nnact_net *net, const double *x, const double *t)
{
    double *layer_err = malloc(2 * nnact_net_layer_count(net) * sizeof *layer_err);
    double worst = NAN;
    size_t wl = 0, wi = 0;
    nnact_status s = layer_err
                         ? nnact_net_gradcheck_ex(net, (nnact_loss_kind)o->loss, o->loss_param,
                                                  o->batch, x, t, o->h, &worst, layer_err, &wl, &wi)
                         : NNACT_ERR_NOMEM;
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n", layer_err ? nnact_last_error() : "out of memory");
        free(layer_err);
        return CLI_FAILED;
    }
    const double L = loss_at(o, net, x, t);
    print_table(o, net, layer_err);
    free(layer_err);
    size_t n_in = 0, w = 0;
    (void)nnact_net_layer_info(net, wl, &n_in, &w, NULL, NULL, NULL);
    printf("\nloss %.17g; floor %.3g\n", L, NNACT_GRADCHECK_FLOOR * fmax(1.0, fabs(L)));
    if (wi < n_in * w)
        printf("worst %.3e at layer %zu W[%zu][%zu]\n", worst, wl, wi / w, wi % w);
    else
        printf("worst %.3e at layer %zu b[%zu]\n", worst, wl, wi - n_in * w);
    const int rc = worst <= o->tol ? CLI_OK : CLI_FAILED;
    printf("%s (tolerance %g)\n", rc == CLI_OK ? "PASS" : "FAIL", o->tol);
    return rc;
}

int cli_gradcheck(int argc, char **argv)
{
    struct gc_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != CLI_OK) return rc;
    nnact_net *net = NULL;
    double *x = NULL, *t = NULL;
    rc = build_net(&o, &net);
    if (rc == CLI_OK) rc = make_data(&o, net, &x, &t);
    if (rc == CLI_OK) rc = check(&o, net, x, t);
    free(x);
    free(t);
    nnact_net_free(net);
    return rc;
}
