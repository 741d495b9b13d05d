/* nnact gradcheck: backprop against centered differences on a network given
 * on the command line (nnact_net_from_spec), one table row per layer. */
#include <ctype.h>
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

/* The numeric check costs two forward passes per parameter compared, so its
 * work grows with the square of the network: the tool compares a sample by
 * default, never more than CHECK_CEILING, and builds no network above
 * NET_PARAMS_MAX (refused before the library allocates it). */
#define CHECK_DEFAULT  20000u
#define CHECK_CEILING  200000u
#define NET_PARAMS_MAX 10000000u

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
                 "  --max-params N   compare at most N parameters, evenly spaced over the\n"
                 "                   network (default 20000); 0 = every parameter, allowed\n"
                 "                   up to 200000 (each one costs two forward passes)\n"
                 "\n"
                 "Networks of more than 10000000 parameters are refused before they are\n"
                 "built.\n"
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
    size_t max_params; /* 0: every parameter */
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
    } else if (strcmp(a, "--max-params") == 0) {
        why = cli_parse_size(v, 0, CHECK_CEILING, &o->max_params);
    } else if (strcmp(a, "--tol") == 0) {
        why = cli_parse_real(v, 0.0, HUGE_VAL, &o->tol);
        if (why == NULL && o->tol == 0.0) why = "is not a positive number";
    } else {
        return cli_usage_error(cmd, "unknown option '%s' (see 'nnact gradcheck --help')",
                               cli_quote(a));
    }
    return why ? cli_usage_error(cmd, "%s: '%s' %s", a, cli_quote(v), why) : CLI_OK;
}

static int parse_opts(int argc, char **argv, struct gc_opts *o)
{
    *o = (struct gc_opts){.loss = NNACT_LOSS_HALF_SSE,
                          .loss_param = NAN,
                          .h = NNACT_GRADCHECK_AUTO,
                          .tol = 1e-6,
                          .batch = 8,
                          .seed = 1,
                          .max_params = CHECK_DEFAULT};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bias") == 0) {
            o->no_bias = 1;
            continue;
        }
        if (i + 1 >= argc)
            return cli_usage_error(
                cmd, "'%s' needs a value or is unknown (see 'nnact gradcheck --help')",
                cli_quote(argv[i]));
        int rc = parse_value(argv[i], argv[i + 1], o);
        if (rc != CLI_OK) return rc;
        i++;
    }
    if (o->layers == NULL)
        return cli_usage_error(cmd,
                               "--layers is required, e.g. --layers 3,4:tanh,10:relu,1:identity");
    return CLI_OK;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* The parameter count of a --layers spec, read before anything is built
 * (nnact_net_from_spec allocates layer by layer, so a huge width would cost
 * gigabytes before any check could see it): the sizes of the grammar in
 * nnact/spec.h, the activation names and parameters skipped. Saturates; stops
 * at the first character outside the grammar, where the library's parser
 * refuses the spec anyway. (Counted here rather than through a public call:
 * nnact/spec.h has none that reads a spec without building it.) */
static uint64_t spec_param_count(const char *s, uint64_t bias)
{
    uint64_t total = 0, prev = 0;
    char sep = 0;
    for (int first = 1;; first = 0) {
        uint64_t w = 0;
        const char *start = s;
        for (; *s >= '0' && *s <= '9'; s++)
            w = sat_add(sat_mul(w, 10), (uint64_t)(*s - '0'));
        /* no size, or one that overflows: the library's parser refuses it
           there, after building only the layers counted so far */
        if (s == start || w == UINT64_MAX) return total;
        if (!first) total = sat_add(total, sat_mul(sat_add(prev, bias), w));
        prev = w;
        if (*s == ':') { /* ":act", then ":param" or "@param", a signed decimal */
            for (s++; isalnum((unsigned char)*s) || *s == '_'; s++) {
            }
            if (*s == ':' || *s == '@') {
                s += 1 + (s[1] == '-' || s[1] == '+');
                for (; isdigit((unsigned char)*s) || *s == '.' || *s == 'e' || *s == 'E'; s++)
                    if ((*s == 'e' || *s == 'E') && (s[1] == '-' || s[1] == '+')) s++;
            }
        }
        if (*s == '\0') return total;
        if (sep == 0 && (*s == ',' || *s == '-')) sep = *s;
        if (*s != sep) return total;
        s++;
    }
}

/* The network of --layers with weights U(+-1/sqrt(fan_in)) (He-uniform with
 * gain 1/sqrt(3): activations stay in their working range) and zero biases. */
static int build_net(const struct gc_opts *o, nnact_net **net)
{
    const uint64_t count = spec_param_count(o->layers, o->no_bias ? 0 : 1);
    if (count == UINT64_MAX)
        return cli_usage_error(cmd,
                               "--layers: the network's parameter count overflows; this tool "
                               "builds at most %u parameters",
                               NET_PARAMS_MAX);
    if (count > NET_PARAMS_MAX)
        return cli_usage_error(cmd,
                               "--layers: the network would have %llu parameters; this tool "
                               "builds at most %u",
                               (unsigned long long)count, NET_PARAMS_MAX);
    nnact_status s = nnact_net_from_spec(o->layers, NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY,
                                         o->no_bias ? NNACT_DENSE_NO_BIAS : 0u, net);
    if (s == NNACT_ERR_ARG) return cli_usage_error(cmd, "--layers: %s", cli_library_reason());
    if (s == NNACT_OK) s = nnact_net_init_ex(*net, NNACT_INIT_HE_UNIFORM, 1.0 / sqrt(3.0), o->seed);
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n", cli_library_reason());
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

/* The library's check of the chosen parameters (all, or max_params of them). */
static nnact_status run_check(const struct gc_opts *o, nnact_net *net, const double *x,
                              const double *t, nnact_gradcheck_report *rep, double *layer_err)
{
    nnact_gradcheck_config *cfg = NULL;
    nnact_status s = nnact_gradcheck_config_create(&cfg);
    if (s == NNACT_OK) s = nnact_gradcheck_config_set_real(cfg, NNACT_GRADCHECK_PARAM_H, o->h);
    if (s == NNACT_OK)
        s = nnact_gradcheck_config_set_real(cfg, NNACT_GRADCHECK_PARAM_LOSS_PARAM, o->loss_param);
    if (s == NNACT_OK)
        s = nnact_gradcheck_config_set_int(cfg, NNACT_GRADCHECK_PARAM_MAX_PARAMS, o->max_params);
    if (s == NNACT_OK)
        s = nnact_net_gradcheck_run(net, (nnact_loss_kind)o->loss, o->batch, x, t, cfg, rep,
                                    layer_err);
    nnact_gradcheck_config_free(cfg);
    return s;
}

/* Runs the check and prints the table and the verdict. */
static int check(const struct gc_opts *o, nnact_net *net, const double *x, const double *t)
{
    const size_t total = nnact_net_param_count(net);
    if (o->max_params == 0 && total > CHECK_CEILING)
        return cli_usage_error(cmd,
                               "--max-params 0 compares every parameter, allowed up to %u; this "
                               "network has %zu",
                               CHECK_CEILING, total);
    double *layer_err = malloc(2 * nnact_net_layer_count(net) * sizeof *layer_err);
    nnact_gradcheck_report rep = {.size = sizeof rep};
    nnact_status s = layer_err ? run_check(o, net, x, t, &rep, layer_err) : NNACT_ERR_NOMEM;
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n",
                layer_err ? cli_library_reason() : "out of memory");
        free(layer_err);
        return CLI_FAILED;
    }
    const double L = loss_at(o, net, x, t);
    print_table(o, net, layer_err);
    free(layer_err);
    const size_t wl = (size_t)rep.worst_layer, wi = (size_t)rep.worst_index;
    size_t n_in = 0, w = 0;
    (void)nnact_net_layer_info(net, wl, &n_in, &w, NULL, NULL, NULL);
    printf("\nchecked %llu of %zu parameters%s\n", (unsigned long long)rep.params_checked, total,
           rep.params_checked < total ? " (evenly spaced; --max-params)" : "");
    printf("loss %.17g; floor %.3g\n", L, NNACT_GRADCHECK_FLOOR * fmax(1.0, fabs(L)));
    if (wi < n_in * w)
        printf("worst %.3e at layer %zu W[%zu][%zu]\n", rep.max_rel_err, wl, wi / w, wi % w);
    else
        printf("worst %.3e at layer %zu b[%zu]\n", rep.max_rel_err, wl, wi - n_in * w);
    const int rc = rep.max_rel_err <= o->tol ? CLI_OK : CLI_FAILED;
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
