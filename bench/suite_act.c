/* Activation suite: every kind's forward and backward, out of place and in
 * place, against two limits measured in the same run:
 *   - copy bandwidth (memcpy moving the same bytes: 16 per element forward,
 *     24 backward), the ceiling for any element-wise pass on large arrays;
 *   - for the transcendental kinds, a plain loop over glibc's scalar
 *     functions, the baseline issue 3 asks to beat by 3x.
 * Inputs are uniform in [-6, 6] (the range where activations do their work),
 * one thread. Sizes: 10^3 and 10^5 for every kind; 10^7 (10^6 with --quick)
 * for the headline kinds only, so the suite stays within a minute. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "nnact/nnact.h"

struct act_ctx {
    nnact_act_kind kind;
    size_t n;
    int backward, in_place;
    const double *x, *dy; /* inputs, never written */
    double *out;          /* output (out of place) or working copy (in place) */
};

static void act_once(void *p)
{
    struct act_ctx *c = p;
    /* in place, out starts as a copy of x and is overwritten call after
     * call, so the timed inputs drift from the uniform sample (to f(f(x))
     * and so on); the element cost of most kinds does not depend on the
     * value, and docs/PERFORMANCE.md reads the in-place rows that way */
    const double *in = c->in_place ? c->out : c->x;
    if (c->backward) /* in place: dx overwrites x (dx == x is allowed) */
        nnact_act_backward(c->kind, NAN, c->n, in, c->dy, c->out);
    else
        nnact_act_forward(c->kind, NAN, c->n, in, c->out);
}

/* ---- the glibc baseline: the obvious loops a user would write ---- */

struct base_ctx {
    nnact_act_kind kind;
    size_t n;
    int backward;
    const double *x, *dy;
    double *out;
};

static void base_once(void *p)
{
    struct base_ctx *c = p;
    const double *x = c->x, *dy = c->dy;
    double *o = c->out;
    size_t n = c->n;
    switch (c->kind) {
    case NNACT_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++) {
            double s = 1.0 / (1.0 + exp(-x[i]));
            o[i] = c->backward ? dy[i] * s * (1.0 - s) : s;
        }
        break;
    case NNACT_ACT_TANH:
        for (size_t i = 0; i < n; i++) {
            double t = tanh(x[i]);
            o[i] = c->backward ? dy[i] * (1.0 - t * t) : t;
        }
        break;
    case NNACT_ACT_GELU:
        for (size_t i = 0; i < n; i++) {
            double cdf = 0.5 * (1.0 + erf(x[i] * 0.70710678118654752));
            o[i] = c->backward ? dy[i] * (cdf + x[i] * 0.3989422804014327 * exp(-0.5 * x[i] * x[i]))
                               : x[i] * cdf;
        }
        break;
    case NNACT_ACT_SILU:
        for (size_t i = 0; i < n; i++) {
            double s = 1.0 / (1.0 + exp(-x[i]));
            o[i] = c->backward ? dy[i] * (s + x[i] * s * (1.0 - s)) : x[i] * s;
        }
        break;
    case NNACT_ACT_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            o[i] = c->backward ? dy[i] / (1.0 + exp(-x[i])) : log1p(exp(x[i]));
        break;
    default:
        break;
    }
}

static int has_baseline(nnact_act_kind k)
{
    return k == NNACT_ACT_SIGMOID || k == NNACT_ACT_TANH || k == NNACT_ACT_GELU ||
           k == NNACT_ACT_SILU || k == NNACT_ACT_SOFTPLUS;
}

static int is_headline(nnact_act_kind k)
{
    return has_baseline(k) || k == NNACT_ACT_IDENTITY || k == NNACT_ACT_RELU ||
           k == NNACT_ACT_LEAKY_RELU;
}

/* Checks one result array before timing: every 997th element equals a
 * one-element call (same bits), and agrees with the baseline loop to 1e-12. */
static int check_once(nnact_act_kind k, int backward, size_t n, const double *x, const double *dy,
                      const double *out, const double *base)
{
    for (size_t i = 0; i < n; i += 997) {
        double r;
        if (backward)
            nnact_act_backward(k, NAN, 1, &x[i], &dy[i], &r);
        else
            nnact_act_forward(k, NAN, 1, &x[i], &r);
        if (memcmp(&r, &out[i], sizeof r) != 0) return 0;
        /* absolute as well as relative: the naive loops cancel (1 - t^2,
         * 1 + erf(x) for x < 0), so they are only good to ~1e-16 absolute */
        if (base != NULL && !(fabs(base[i] - out[i]) <= 1e-12 * (fabs(out[i]) + 1.0))) return 0;
    }
    return 1;
}

static uint64_t lcg = 0x853c49e6748fea9bull;

static double uniform(double lo, double hi)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * (double)(lcg >> 11) * 0x1p-53;
}

static int run_case(struct bench_opts *opts, nnact_act_kind k, size_t n, int backward, int in_place,
                    const double *x, const double *dy, double *out, double *base_out, double copy_s)
{
    /* large arrays: at most 5 repetitions, so the suite stays near a minute */
    struct bench_opts local = *opts, *o = &local;
    if (n >= 1000000 && o->repeat > 5) o->repeat = 5;
    const char *name = nnact_act_name(k);
    struct bench_record r = {
        .suite = "act", .batch = 1, .work_unit = "GB/s", .limit = "copy bandwidth"};
    snprintf(r.name, sizeof r.name, "%s/%s%s", name, backward ? "backward" : "forward",
             in_place ? " (in place)" : "");
    snprintf(r.shape, sizeof r.shape, "n=%zu", n);
    struct act_ctx c = {k, n, backward, in_place, x, dy, out};
    int base = has_baseline(k) && !in_place;
    struct base_ctx b = {k, n, backward, x, dy, base_out};
    /* correctness first, on the untouched inputs */
    act_once(&(struct act_ctx){k, n, backward, 0, x, dy, out});
    if (base) base_once(&b);
    if (!check_once(k, backward, n, x, dy, out, base ? base_out : NULL)) {
        fprintf(stderr, "nnact-bench: act %s gives wrong results\n", r.name);
        return 1;
    }
    if (in_place) memcpy(out, x, n * sizeof(double));
    bench_time(act_once, &c, o->repeat, &r.median, &r.min, &r.max);
    r.work = (backward ? 24.0 : 16.0) * (double)n;
    r.limit_median = copy_s;
    bench_report(o, &r);
    opts->json_records = o->json_records;
    if (base) {
        struct bench_record rb = r;
        snprintf(rb.name, sizeof rb.name, "%s/%s vs glibc", name,
                 backward ? "backward" : "forward");
        rb.limit = "glibc scalar loop";
        double bmed, bmin, bmax;
        bench_time(base_once, &b, o->repeat, &bmed, &bmin, &bmax);
        rb.limit_median = bmed;
        bench_report(o, &rb);
    }
    opts->json_records = o->json_records;
    return 0;
}

int bench_suite_act(struct bench_opts *o)
{
    bench_header("act");
    size_t big = o->quick ? 1000000 : 10000000;
    size_t sizes[3] = {1000, o->quick ? 20000 : 100000, big};
    double *x = malloc(big * sizeof *x), *dy = malloc(big * sizeof *dy);
    double *out = malloc(big * sizeof *out), *base_out = malloc(big * sizeof *base_out);
    if (x == NULL || dy == NULL || out == NULL || base_out == NULL) {
        free(x), free(dy), free(out), free(base_out);
        fprintf(stderr, "nnact-bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < big; i++) {
        x[i] = uniform(-6.0, 6.0);
        dy[i] = uniform(-1.0, 1.0);
        out[i] = base_out[i] = 0.0;
    }
    int rc = 0;
    for (int s = 0; s < 3; s++) {
        size_t n = sizes[s];
        /* the copy limit for this size: forward moves 16 bytes per element
         * (copy of 8n bytes), backward 24 (copy of 12n bytes) */
        double copy_fwd = bench_copy_seconds(o, n * 8), copy_bwd = bench_copy_seconds(o, n * 12);
        for (size_t k = 0; k < nnact_act_count(); k++) {
            nnact_act_kind kind = (nnact_act_kind)k;
            if (n == big && !is_headline(kind)) continue;
            for (int bwd = 0; bwd < 2; bwd++)
                for (int ip = 0; ip < 2; ip++)
                    rc |= run_case(o, kind, n, bwd, ip, x, dy, out, base_out,
                                   bwd ? copy_bwd : copy_fwd);
        }
    }
    free(x), free(dy), free(out), free(base_out);
    return rc;
}
