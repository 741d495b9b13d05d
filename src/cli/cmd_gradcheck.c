/* nnact gradcheck: backprop against centered differences on a network given
 * on the command line, one table row per layer. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "nnact/nnact.h"

#define MAX_LAYERS 64

void cli_gradcheck_help(FILE *out)
{
    fprintf(out, "usage: nnact gradcheck --layers N_IN,WIDTH[:ACT[:ALPHA]],... [options]\n"
                 "\n"
                 "Builds the network (random weights from --seed), runs forward, the loss and\n"
                 "backward, and compares every parameter's gradient with a centered difference.\n"
                 "Prints the worst relative error of each layer's W and b.\n"
                 "\n"
                 "  --layers SPEC    input size, then one WIDTH:ACT[:ALPHA] per layer,\n"
                 "                   e.g. 3,4:tanh,10:relu,1:identity (ACT defaults to identity)\n"
                 "  --loss NAME      half_sse (default), mse, bce_logits, softmax_ce, mae, huber,\n"
                 "                   softmax_ce_index\n"
                 "  --loss-param P   the loss's parameter (Huber delta)\n"
                 "  --batch N        rows of random input (default 8)\n"
                 "  --seed S         seed of weights, inputs and targets (default 1)\n"
                 "  --h H            step; 0 or 'auto' = cbrt(eps) max(1,|theta|) (default)\n"
                 "  --tol T          exit 1 when the worst error exceeds T (default 1e-6)\n"
                 "  --no-bias        layers without bias\n"
                 "\n"
                 "Error = |analytic - numeric| / max(|analytic|, |numeric|, 1e-4 max(1, |L|)).\n"
                 "Kinked activations (relu, ...) can disagree at points within h of a kink.\n");
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0));
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || v == 0 || s[0] == '-') return 0;
    *out = (size_t)v;
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0') return 0;
    *out = v;
    return 1;
}

struct spec {
    size_t n_in, n_layers, width[MAX_LAYERS];
    nnact_act_kind act[MAX_LAYERS];
    double alpha[MAX_LAYERS];
};

/* "3,4:tanh,10:relu:0.1,1" */
static int parse_layers(const char *text, struct spec *sp, char *why, size_t why_len)
{
    char buf[1024];
    if (strlen(text) >= sizeof buf) {
        snprintf(why, why_len, "--layers is too long");
        return 0;
    }
    strcpy(buf, text);
    sp->n_layers = 0;
    int first = 1;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *act = strchr(tok, ':'), *alpha = NULL;
        if (act) {
            *act++ = '\0';
            alpha = strchr(act, ':');
            if (alpha) *alpha++ = '\0';
        }
        size_t w;
        if (!parse_size(tok, &w)) {
            snprintf(why, why_len, "'%s' is not a positive size", tok);
            return 0;
        }
        if (first) {
            if (act) {
                snprintf(why, why_len, "the first entry is the input size, without activation");
                return 0;
            }
            sp->n_in = w;
            first = 0;
            continue;
        }
        if (sp->n_layers == MAX_LAYERS) {
            snprintf(why, why_len, "more than %d layers", MAX_LAYERS);
            return 0;
        }
        sp->width[sp->n_layers] = w;
        sp->act[sp->n_layers] = NNACT_ACT_IDENTITY;
        sp->alpha[sp->n_layers] = NAN;
        if (act && nnact_act_from_name(act, &sp->act[sp->n_layers]) != NNACT_OK) {
            snprintf(why, why_len, "unknown activation '%s'", act);
            return 0;
        }
        if (alpha && !parse_double(alpha, &sp->alpha[sp->n_layers])) {
            snprintf(why, why_len, "'%s' is not a number", alpha);
            return 0;
        }
        sp->n_layers++;
    }
    if (first || sp->n_layers == 0) {
        snprintf(why, why_len, "give the input size and at least one layer, e.g. 3,4:tanh,1");
        return 0;
    }
    return 1;
}

int cli_gradcheck(int argc, char **argv)
{
    static const char cmd[] = "gradcheck";
    const char *layers_text = NULL, *loss_name = "half_sse";
    size_t batch = 8;
    uint64_t seed = 1;
    double h = NNACT_GRADCHECK_AUTO, tol = 1e-6, loss_param = NAN;
    int no_bias = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-bias") == 0) {
            no_bias = 1;
            continue;
        }
        if (v == NULL)
            return cli_usage_error(cmd, "'%s' needs a value or is unknown (try --help)", a);
        i++;
        if (strcmp(a, "--layers") == 0) {
            layers_text = v;
        } else if (strcmp(a, "--loss") == 0) {
            loss_name = v;
        } else if (strcmp(a, "--loss-param") == 0) {
            if (!parse_double(v, &loss_param))
                return cli_usage_error(cmd, "--loss-param: '%s' is not a number", v);
        } else if (strcmp(a, "--batch") == 0) {
            if (!parse_size(v, &batch))
                return cli_usage_error(cmd, "--batch: '%s' is not a positive size", v);
        } else if (strcmp(a, "--seed") == 0) {
            size_t s;
            if (!parse_size(v, &s) && strcmp(v, "0") != 0)
                return cli_usage_error(cmd, "--seed: '%s' is not a non-negative integer", v);
            seed = strcmp(v, "0") == 0 ? 0 : (uint64_t)s;
        } else if (strcmp(a, "--h") == 0) {
            if (strcmp(v, "auto") == 0)
                h = NNACT_GRADCHECK_AUTO;
            else if (!parse_double(v, &h))
                return cli_usage_error(cmd, "--h: '%s' is not a number", v);
        } else if (strcmp(a, "--tol") == 0) {
            if (!parse_double(v, &tol) || !(tol > 0))
                return cli_usage_error(cmd, "--tol: '%s' is not a positive number", v);
        } else {
            return cli_usage_error(cmd, "unknown option '%s' (try --help)", a);
        }
    }
    if (layers_text == NULL)
        return cli_usage_error(cmd,
                               "--layers is required, e.g. --layers 3,4:tanh,10:relu,1:identity");
    struct spec sp;
    char why[256];
    if (!parse_layers(layers_text, &sp, why, sizeof why))
        return cli_usage_error(cmd, "--layers: %s", why);
    nnact_loss_kind lk;
    if (nnact_loss_from_name(loss_name, &lk) != NNACT_OK)
        return cli_usage_error(cmd, "--loss: unknown loss '%s'", loss_name);

    int rc = CLI_FAILED;
    nnact_net *net = NULL;
    double *params = NULL, *x = NULL, *t = NULL, *layer_err = NULL;
    nnact_status s = nnact_net_create(sp.n_in, &net);
    for (size_t l = 0; s == NNACT_OK && l < sp.n_layers; l++)
        s = nnact_net_add_dense_ex(net, sp.width[l], sp.act[l], sp.alpha[l],
                                   no_bias ? NNACT_DENSE_NO_BIAS : 0u);
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n", nnact_last_error());
        goto done;
    }
    const size_t P = nnact_net_param_count(net), n_out = nnact_net_output_size(net);
    const size_t tw = nnact_loss_target_width(lk, n_out);
    if (batch > SIZE_MAX / sizeof(double) / (sp.n_in > tw ? sp.n_in : tw)) {
        fprintf(stderr, "nnact gradcheck: --batch %zu is too large for this network\n", batch);
        goto done;
    }
    params = malloc(P * sizeof *params);
    x = malloc(batch * sp.n_in * sizeof *x);
    t = malloc(batch * tw * sizeof *t);
    layer_err = malloc(2 * sp.n_layers * sizeof *layer_err);
    if (!params || !x || !t || !layer_err) {
        fprintf(stderr, "nnact gradcheck: out of memory\n");
        goto done;
    }
    /* weights uniform in +-1/sqrt(fan-in) (keeps activations in their working
     * range), biases in +-0.1, inputs in +-1, targets in the loss's domain */
    uint64_t rs = seed;
    size_t at = 0;
    for (size_t l = 0; l < sp.n_layers; l++) {
        size_t n_in = 0, w = 0;
        unsigned flags = 0;
        (void)nnact_net_layer_info(net, l, &n_in, &w, NULL, NULL, &flags);
        const double r = 1.0 / sqrt((double)n_in);
        for (size_t i = 0; i < n_in * w; i++)
            params[at++] = rng_uniform(&rs, -r, r);
        if (!(flags & NNACT_DENSE_NO_BIAS))
            for (size_t i = 0; i < w; i++)
                params[at++] = rng_uniform(&rs, -0.1, 0.1);
    }
    (void)nnact_net_set_params(net, P, params);
    for (size_t i = 0; i < batch * sp.n_in; i++)
        x[i] = rng_uniform(&rs, -1.0, 1.0);
    for (size_t i = 0; i < batch * tw; i++) {
        if (lk == NNACT_LOSS_SOFTMAX_CE_INDEX)
            t[i] = (double)(rng_next(&rs) % n_out);
        else if (lk == NNACT_LOSS_BCE_LOGITS || lk == NNACT_LOSS_SOFTMAX_CE)
            t[i] = rng_uniform(&rs, 0.0, 1.0);
        else
            t[i] = rng_uniform(&rs, -1.0, 1.0);
    }

    double worst = NAN;
    size_t wl = 0, wi = 0;
    s = nnact_net_gradcheck_ex(net, lk, loss_param, batch, x, t, h, &worst, layer_err, &wl, &wi);
    if (s != NNACT_OK) {
        fprintf(stderr, "nnact gradcheck: %s\n", nnact_last_error());
        goto done;
    }
    double L = NAN;
    {
        double *y = malloc(batch * n_out * sizeof *y);
        if (y && nnact_net_predict(net, batch, x, y) == NNACT_OK)
            (void)nnact_loss_ex(lk, loss_param, batch, n_out, y, t, &L, NULL);
        free(y);
    }

    printf("network %zu", sp.n_in);
    for (size_t l = 0; l < sp.n_layers; l++)
        printf(" -> %zu %s", sp.width[l], nnact_act_name(sp.act[l]));
    printf("; loss %s; batch %zu; seed %llu; h %s\n", nnact_loss_name(lk), batch,
           (unsigned long long)seed, h == 0.0 ? "auto (cbrt(eps) max(1,|theta|))" : "fixed");
    if (h != 0.0) printf("h = %g\n", h);
    printf("\n%-6s %-10s %-14s %8s %14s %14s\n", "layer", "shape", "activation", "params",
           "max err W", "max err b");
    for (size_t l = 0; l < sp.n_layers; l++) {
        size_t n_in = 0, w = 0;
        unsigned flags = 0;
        char shape[48], berr[32];
        (void)nnact_net_layer_info(net, l, &n_in, &w, NULL, NULL, &flags);
        snprintf(shape, sizeof shape, "%zux%zu", n_in, w);
        if (flags & NNACT_DENSE_NO_BIAS)
            snprintf(berr, sizeof berr, "(no bias)");
        else
            snprintf(berr, sizeof berr, "%.3e", layer_err[2 * l + 1]);
        printf("%-6zu %-10s %-14s %8zu %14.3e %14s\n", l, shape, nnact_act_name(sp.act[l]),
               n_in * w + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : w), layer_err[2 * l], berr);
    }
    {
        size_t n_in = 0, w = 0;
        (void)nnact_net_layer_info(net, wl, &n_in, &w, NULL, NULL, NULL);
        printf("\nloss %.17g; floor %.3g\n", L, NNACT_GRADCHECK_FLOOR * fmax(1.0, fabs(L)));
        if (wi < n_in * w)
            printf("worst %.3e at layer %zu W[%zu][%zu]\n", worst, wl, wi / w, wi % w);
        else
            printf("worst %.3e at layer %zu b[%zu]\n", worst, wl, wi - n_in * w);
    }
    rc = worst <= tol ? CLI_OK : CLI_FAILED;
    printf("%s (tolerance %g)\n", rc == CLI_OK ? "PASS" : "FAIL", tol);
done:
    free(params);
    free(x);
    free(t);
    free(layer_err);
    nnact_net_free(net);
    return rc;
}
