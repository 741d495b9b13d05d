/* Network specs: the four standard networks and command-line ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netspec.h"
#include "nnact/act.h"

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

static int parse_size(const char *p, const char **end, size_t *v)
{
    if (*p < '0' || *p > '9') return -1;
    errno = 0;
    char *e = NULL;
    unsigned long long x = strtoull(p, &e, 10);
    if (errno != 0 || x == 0 || x > 1000000) return -1;
    *v = (size_t)x;
    *end = e;
    return 0;
}

int netspec_parse(const char *text, struct netspec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "spec");
    const char *p = text;
    if (parse_size(p, &p, &s->n_in) != 0) {
        snprintf(err, errlen, "input size must be a positive integer <= 1000000 at '%s'", p);
        return -1;
    }
    int explicit_act[SPEC_MAX_LAYERS] = {0};
    while (*p == '-') {
        p++;
        if (s->n_layers == SPEC_MAX_LAYERS) {
            snprintf(err, errlen, "more than %d layers", SPEC_MAX_LAYERS);
            return -1;
        }
        size_t l = s->n_layers;
        if (parse_size(p, &p, &s->out[l]) != 0) {
            snprintf(err, errlen, "layer %zu: size must be a positive integer <= 1000000 at '%s'",
                     l + 1, p);
            return -1;
        }
        if (*p == ':') {
            char name[32];
            size_t n = 0;
            p++;
            while (*p && *p != '-' && n + 1 < sizeof name)
                name[n++] = *p++;
            name[n] = '\0';
            nnact_act_kind k;
            if (n == 0 || (*p && *p != '-') || nnact_act_from_name(name, &k) != NNACT_OK) {
                snprintf(err, errlen, "layer %zu: unknown activation '%s'", l + 1, name);
                return -1;
            }
            s->act[l] = (int)k;
            explicit_act[l] = 1;
        }
        s->n_layers++;
    }
    if (*p != '\0') {
        snprintf(err, errlen, "unexpected '%s' (expected IN-N1[:act]-N2[:act]...)", p);
        return -1;
    }
    if (s->n_layers == 0) {
        snprintf(err, errlen, "needs at least one layer (IN-N1[:act]...)");
        return -1;
    }
    for (size_t l = 0; l < s->n_layers; l++)
        if (!explicit_act[l])
            s->act[l] = l + 1 == s->n_layers ? NNACT_ACT_IDENTITY : NNACT_ACT_RELU;
    return 0;
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
