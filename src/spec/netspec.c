/* The network-spec grammar (nnact/spec.h): one parser for every tool, so
 * "3,4:tanh,1" and "784-1024:relu-10" mean the same everywhere. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "nnact/spec.h"

static const char WHO[] = "nnact_net_from_spec";

/* Where the parser stands: the text, the offset, and the layer (0 = the
 * input size) for error details. */
struct cursor {
    const char *spec;
    size_t at;
    size_t layer;
    char sep; /* ',' or '-' once the first separator is seen */
};

/* "nnact_net_from_spec: layer 2 at offset 6 of \"...\": reason" */
static nnact_status spec_error(const struct cursor *c, const char *fmt, ...) NNACT_PRINTF(2, 3);
static nnact_status spec_error(const struct cursor *c, const char *fmt, ...)
{
    char reason[400], quoted[120], where[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (c->layer == 0)
        snprintf(where, sizeof where, "input size");
    else
        snprintf(where, sizeof where, "layer %zu", c->layer);
    return nnact__fail(NNACT_ERR_ARG, "%s: %s at offset %zu of \"%s\": %s", WHO, where, c->at,
                       nnact__quote(c->spec, 48, quoted, sizeof quoted), reason);
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_name_char(char ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

/* A positive decimal size without sign or spaces, with overflow checked. */
static nnact_status parse_size(struct cursor *c, size_t *out)
{
    const char *p = c->spec + c->at;
    if (!is_digit(*p)) {
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ',' && p[n] != '-' && p[n] != ':')
            n++;
        char tok[64], quoted[80];
        snprintf(tok, sizeof tok, "%.*s", (int)(n < 48 ? n : 48), p);
        return spec_error(c, "\"%s\" is not a positive size",
                          nnact__quote(tok, 48, quoted, sizeof quoted));
    }
    size_t v = 0, n = 0;
    for (; is_digit(p[n]); n++) {
        size_t d = (size_t)(p[n] - '0');
        if (v > (SIZE_MAX - d) / 10) return spec_error(c, "the size overflows");
        v = v * 10 + d;
    }
    if (v == 0) return spec_error(c, "a size must be positive, got 0");
    c->at += n;
    *out = v;
    return NNACT_OK;
}

/* ":act" and an optional ":param" or "@param" after a layer's size. */
static nnact_status parse_act(struct cursor *c, nnact_act_kind *act, double *alpha)
{
    const char *p = c->spec + ++c->at; /* past ':' */
    size_t n = 0;
    while (is_name_char(p[n]))
        n++;
    if (n == 0) return spec_error(c, "an activation name must follow ':'");
    char name[64], why[400];
    if (n >= sizeof name) return spec_error(c, "the activation name is too long");
    memcpy(name, p, n);
    name[n] = '\0';
    if (nnact_act_from_name(name, act) != NNACT_OK)
        return spec_error(c, "%s", nnact__last_reason(why, sizeof why));
    c->at += n;
    p += n;
    if (*p != ':' && *p != '@') return NNACT_OK;
    c->at++;
    p++;
    /* strtod would skip spaces and read "nan", "inf" and hex: only a plain
     * finite decimal is a parameter */
    if (!is_digit(*p) && *p != '-' && *p != '+' && *p != '.')
        return spec_error(c, "the parameter after \"%s\" is not a number", name);
    const char *digits = p + (*p == '-' || *p == '+');
    const int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
    char *end = NULL;
    double v = strtod(p, &end);
    if (end == p || hex || !isfinite(v))
        return spec_error(c, "the parameter after \"%s\" is not a finite number", name);
    c->at += (size_t)(end - p);
    *alpha = v;
    return NNACT_OK;
}

/* After a layer: the end, or the separator and another layer. Returns 1 at
 * the end, 0 before another layer, -1 on an error (recorded). */
static int next_layer(struct cursor *c, nnact_status *st)
{
    char ch = c->spec[c->at];
    if (ch == '\0') return 1;
    if ((ch == ',' || ch == '-') && (c->sep == 0 || c->sep == ch)) {
        c->sep = ch;
        c->at++;
        c->layer++;
        if (c->spec[c->at] != '\0') return 0;
        *st = spec_error(c, "a separator must be followed by a layer size");
        return -1;
    }
    if (ch == ',' || ch == '-')
        *st = spec_error(c, "'%c' after '%c': use one separator throughout", ch, c->sep);
    else if (ch == ':' && c->layer == 0)
        *st = spec_error(c, "the input size takes no activation");
    else
        *st =
            spec_error(c, "unexpected '%c' (expected ',' or '-' and a layer size, or the end)", ch);
    return -1;
}

static nnact_status build(struct cursor *c, nnact_act_kind hidden_act, nnact_act_kind output_act,
                          unsigned layer_flags, nnact_net *net)
{
    nnact_status st = NNACT_OK;
    for (int end = next_layer(c, &st); end == 0; end = next_layer(c, &st)) {
        const size_t layer_at = c->at;
        size_t width;
        nnact_act_kind act = (nnact_act_kind)-1;
        double alpha = NAN;
        NNACT_FORWARD_IF_ERROR(parse_size(c, &width));
        if (c->spec[c->at] == ':') NNACT_FORWARD_IF_ERROR(parse_act(c, &act, &alpha));
        /* the default depends on whether this is the last layer */
        const int last = c->spec[c->at] == '\0';
        if ((int)act < 0) act = last ? output_act : hidden_act;
        st = nnact_net_add_dense_ex(net, width, act, alpha, layer_flags);
        if (st != NNACT_OK) {
            char why[400];
            nnact__last_reason(why, sizeof why);
            if (st != NNACT_ERR_ARG)
                return nnact__fail(st, "%s: layer %zu: %s", WHO, c->layer, why);
            c->at = layer_at;
            return spec_error(c, "%s", why);
        }
    }
    return st;
}

nnact_status nnact_net_from_spec(const char *spec, nnact_act_kind hidden_act,
                                 nnact_act_kind output_act, unsigned layer_flags, nnact_net **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", WHO);
    *out = NULL;
    NNACT_RETURN_IF(spec == NULL, NNACT_ERR_ARG, "%s: spec is NULL", WHO);
    NNACT_RETURN_IF(nnact_act_name(hidden_act) == NULL || nnact_act_name(output_act) == NULL,
                    NNACT_ERR_ARG, "%s: unknown default activation kind %d", WHO,
                    nnact_act_name(hidden_act) == NULL ? (int)hidden_act : (int)output_act);
    NNACT_RETURN_IF((layer_flags & ~NNACT_DENSE_NO_BIAS) != 0, NNACT_ERR_ARG,
                    "%s: unknown layer flags 0x%x", WHO, layer_flags);
    struct cursor c = {spec, 0, 0, 0};
    NNACT_RETURN_IF(spec[0] == '\0', NNACT_ERR_ARG, "%s: the spec is empty", WHO);
    size_t n_in;
    NNACT_FORWARD_IF_ERROR(parse_size(&c, &n_in));
    if (spec[c.at] == '\0')
        return spec_error(&c, "needs at least one layer after the input size, e.g. 3,4:tanh,1");
    nnact_net *net = NULL;
    nnact_status st = nnact_net_create(n_in, &net);
    if (st != NNACT_OK) {
        char why[400];
        return nnact__fail(st, "%s: input size: %s", WHO, nnact__last_reason(why, sizeof why));
    }
    st = build(&c, hidden_act, output_act, layer_flags, net);
    if (st != NNACT_OK) {
        nnact_net_free(net);
        return st;
    }
    *out = net;
    return NNACT_OK;
}
