/* Network specs: the four standard networks and command-line ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "netspec.h"
#include "nnact/nnact.h"

const struct netspec bench_nets[4] = {
    {"xor", 2, 2, {2, 1}, {NNACT_ACT_TANH, NNACT_ACT_SIGMOID}, 4},
    {"id3", 3, 3, {4, 10, 1}, {NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY}, 4},
    {"relu64", 64, 3, {64, 64, 10}, {NNACT_ACT_RELU, NNACT_ACT_RELU, NNACT_ACT_IDENTITY}, 64},
    {"relu784",
     784,
     3,
     {1024, 1024, 10},
     {NNACT_ACT_RELU, NNACT_ACT_RELU, NNACT_ACT_IDENTITY},
     256},
};

/* The bench's bounds on top of the library's grammar: its tables hold
 * SPEC_MAX_LAYERS layers, and a width above 1e6 is no benchmark anyone meant. */
#define SPEC_MAX_WIDTH 1000000u

/* The widths and kinds of a network read back into the bench's struct; 0, or
 * -1 with a reason. */
static int from_net(const nnact_net *net, struct netspec *s, char *err, size_t errlen)
{
    s->n_in = nnact_net_input_size(net);
    s->n_layers = nnact_net_layer_count(net);
    if (s->n_layers > SPEC_MAX_LAYERS) {
        snprintf(err, errlen, "more than %d layers", SPEC_MAX_LAYERS);
        return -1;
    }
    for (size_t l = 0; l < s->n_layers; l++) {
        nnact_act_kind k = NNACT_ACT_IDENTITY;
        (void)nnact_net_layer_info(net, l, NULL, &s->out[l], &k, NULL, NULL);
        s->act[l] = (int)k;
        if (s->out[l] > SPEC_MAX_WIDTH || s->n_in > SPEC_MAX_WIDTH) {
            snprintf(err, errlen, "layer %zu: sizes are at most %u here", l + 1, SPEC_MAX_WIDTH);
            return -1;
        }
    }
    return 0;
}

int netspec_parse(const char *text, struct netspec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "spec");
    /* nnact_net_from_spec: the one grammar; without ':act' a hidden layer is
     * relu and the last identity, as the bench always read it */
    nnact_net *net = NULL;
    if (nnact_net_from_spec(text, NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net) != NNACT_OK) {
        snprintf(err, errlen, "%s", cli_library_reason());
        return -1;
    }
    int rc = from_net(net, s, err, errlen);
    nnact_net_free(net);
    return rc;
}

void netspec_text(const struct netspec *s, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%zu", s->n_in);
    for (size_t l = 0; l < s->n_layers && used < len; l++)
        used += (size_t)snprintf(buf + used, len - used, "-%zu:%s", s->out[l],
                                 nnact_act_name((nnact_act_kind)s->act[l]));
}

void netspec_shape(const struct netspec *s, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%zu", s->n_in);
    for (size_t l = 0; l < s->n_layers && used < len; l++)
        used += (size_t)snprintf(buf + used, len - used, "-%zu", s->out[l]);
}

double netspec_step_flops(const struct netspec *s, size_t batch)
{
    double f = 0.0;
    size_t in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        double mnk = 2.0 * (double)batch * (double)in * (double)s->out[l];
        f += mnk * (l == 0 ? 2.0 : 3.0); /* forward, dW, and dX except for layer 0 */
        in = s->out[l];
    }
    return f;
}
