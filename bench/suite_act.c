/* Activation suite: every kind's forward and backward, out of place and in
 * place, against two limits measured in the same run:
 *   - copy bandwidth (memcpy moving the same bytes: 16 per element forward,
 *     24 backward), the ceiling for any element-wise pass on large arrays;
 *   - for the transcendental kinds, a plain loop over glibc's scalar
 *     functions, the baseline issue 3 asks to beat by 3x.
 * Inputs are uniform in [-6, 6] (the range where activations do their work),
 * at the run's thread count. Sizes: 10^3 and 10^5 for every kind; 10^7
 * (10^6 with --quick) for the headline kinds only, so the suite stays within
 * a minute.
 *
 * Then issue 14's targets at 10^7 (10^6 with --quick, three kinds): each
 * headline kind's forward at 1 and N = max(2, --threads) threads, switched
 * with nnact_blas_set_threads inside the run, against the copy bandwidth at
 * the same thread count (a memcpy split by the library's own splitter), the
 * glibc loop at 1 thread, and itself at 1 thread (the 1->N speedup). The
 * kernel path in use, and the paths this CPU cannot run, head the table.
 * Last, each headline kind against the faster of numpy's and PyTorch's own
 * implementation of it (bench/peers, --act), where they have one. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "core/cpu.h"
#include "nnact/nnact.h"
#include "par/par.h"

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
    /* the suite selects its own cases (the threads and peers blocks ask
     * bench_want), so a case that --case leaves out is not run at all */
    char base_name[64];
    snprintf(base_name, sizeof base_name, "%s/%s vs glibc", name,
             backward ? "backward" : "forward");
    int want = bench_want(opts, "act", r.name);
    if (base && bench_want(opts, "act", base_name)) want = 1;
    if (!want) return 0;
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
        snprintf(rb.name, sizeof rb.name, "%s", base_name);
        rb.limit = "glibc scalar loop";
        double bmed, bmin, bmax;
        bench_time(base_once, &b, o->repeat, &bmed, &bmin, &bmax);
        rb.limit_median = bmed;
        bench_report(o, &rb);
    }
    opts->json_records = o->json_records;
    return 0;
}

/* ---- threads: 1 vs N at the largest size ---- */

struct pcopy {
    size_t n;
    const double *src;
    double *dst;
};

static void pcopy_chunk(void *p, size_t begin, size_t end)
{
    const struct pcopy *c = p;
    memcpy(c->dst + begin, c->src + begin, (end - begin) * sizeof(double));
}

/* memcpy of n doubles split as the library splits its own passes: the
 * ceiling of a threaded element-wise pass (serial at one thread) */
static void pcopy_once(void *p)
{
    struct pcopy *c = p;
    nnact__par_for(c->n, 8192, 0, pcopy_chunk, c);
}

static void base_serial_once(void *p)
{
    base_once(p);
}

static const char *act_path(void)
{
    return (nnact__cpu_flags() & NNACT_CPU_AVX2_FMA) ? "avx2+fma" : "portable (scalar reference)";
}

/* One kind's forward at 1 and nt threads; every sample interleaved with the
 * copy (and at 1 thread the glibc loop) so machine load falls on both. */
static void thread_case(struct bench_opts *o, nnact_act_kind k, size_t n, int nt, const double *x,
                        double *out, double *base_out)
{
    const char *name = nnact_act_name(k);
    struct act_ctx c = {k, n, 0, 0, x, NULL, out};
    struct base_ctx b = {k, n, 0, x, NULL, base_out};
    struct pcopy cp = {n, x, base_out};
    const int reps = o->repeat > 5 ? 5 : o->repeat;
    const int cheap = !has_baseline(k);
    double lib_med[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
        const int t = pass == 0 ? 1 : nt;
        bench_set_threads(t);
        const int with_base = pass == 0 && has_baseline(k);
        const bench_fn fns[3] = {pcopy_once, act_once, base_serial_once};
        void *const ctxs[3] = {&cp, &c, &b};
        double med[3], mn[3], mx[3], ratio[3];
        bench_time_interleaved(with_base ? 3 : 2, fns, ctxs, reps, med, mn, mx, ratio);
        lib_med[pass] = med[1];
        struct bench_record r = {.suite = "act", .batch = 1, .work_unit = "GB/s", .threads = t};
        snprintf(r.shape, sizeof r.shape, "n=%zu", n);
        snprintf(r.name, sizeof r.name, "%s/forward t%d", name, t);
        r.limit = "copy bandwidth, same threads";
        r.work = 16.0 * (double)n;
        r.median = med[1], r.min = mn[1], r.max = mx[1];
        r.limit_median = med[0];
        r.paired_ratio = ratio[1];
        char note[64] = "";
        if (cheap) {
            /* >= 80 % of the copy bandwidth: at most 1.25 x the copy's time */
            snprintf(note, sizeof note, "target <= 1.25: %s", ratio[1] <= 1.25 ? "met" : "MISSED");
            r.note = note;
        }
        bench_report(o, &r);
        if (with_base) {
            struct bench_record rb = r;
            snprintf(rb.name, sizeof rb.name, "%s/forward t1 vs glibc", name);
            rb.limit = "glibc scalar loop";
            rb.limit_median = med[2];
            rb.paired_ratio = ratio[1] / ratio[2];
            char nb[64];
            /* >= 3x the glibc loop: at most 1/3 of its time */
            snprintf(nb, sizeof nb, "target <= 0.33: %s",
                     rb.paired_ratio <= 1.0 / 3.0 ? "met" : "MISSED");
            rb.note = nb;
            bench_report(o, &rb);
        }
    }
    struct bench_record rs = {.suite = "act", .batch = 1, .work_unit = "GB/s", .threads = nt};
    snprintf(rs.shape, sizeof rs.shape, "n=%zu", n);
    snprintf(rs.name, sizeof rs.name, "%s/forward 1->%d", name, nt);
    rs.limit = "itself at 1 thread";
    rs.work = 16.0 * (double)n;
    rs.median = rs.min = rs.max = lib_med[1];
    rs.limit_median = lib_med[0];
    char ns[64];
    snprintf(ns, sizeof ns, "speedup x%.2f", lib_med[1] > 0 ? lib_med[0] / lib_med[1] : 0.0);
    rs.note = ns;
    bench_report(o, &rs);
    bench_set_threads(o->threads);
}

static int thread_cases(struct bench_opts *o, size_t n, const double *x, double *out,
                        double *base_out)
{
    static const nnact_act_kind quick_kinds[] = {NNACT_ACT_RELU, NNACT_ACT_TANH, NNACT_ACT_GELU};
    const int nt = o->threads > 2 ? o->threads : 2;
    if (!o->dry)
        printf("act kernel path: %s; avx512: skipped (%s); threads 1 and %d\n", act_path(),
               (nnact__cpu_flags() & NNACT_CPU_AVX512) ? "no AVX-512 kernels in this build"
                                                       : "CPU lacks AVX-512F/DQ",
               nt);
    for (size_t kk = 0; kk < nnact_act_count(); kk++) {
        const nnact_act_kind k = (nnact_act_kind)kk;
        int want = is_headline(k);
        if (o->quick) {
            want = 0;
            for (size_t q = 0; q < sizeof quick_kinds / sizeof quick_kinds[0]; q++)
                want |= quick_kinds[q] == k;
        }
        char name[64];
        snprintf(name, sizeof name, "%s/forward threads", nnact_act_name(k));
        if (!want || !bench_want(o, "act", name)) continue;
        thread_case(o, k, n, nt, x, out, base_out);
    }
    return 0;
}

/* ---- peers: numpy's and PyTorch's own functions at the largest size ---- */

#define PEER_KINDS 8

/* The medians of one peer (peer_<name>.py --act, bench/peers/peercommon.py)
 * for kinds[i] into med[i] (0: no result; why[i] says why). 0 when the
 * peer answered at all. */
static int run_act_peer(const struct bench_opts *o, const char *peer, const char *kinds, size_t n,
                        const char *const *names, size_t count, double *med, char why[][96])
{
    char cmd[2048];
    for (size_t i = 0; i < count; i++) {
        med[i] = 0.0;
        snprintf(why[i], sizeof why[i], "MISSING: %s gave no result", peer);
    }
    snprintf(cmd, sizeof cmd,
             "'%s' '%s/peer_%s.py' --act %s --n %zu --repeat %d --threads %d 2>/dev/null",
             o->python, o->peers_dir, peer, kinds, n, o->repeat > 5 ? 5 : o->repeat, o->threads);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (p == NULL) return -1;
    char line[1024];
    int header = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        if (strstr(line, "\"peer\": ") != NULL) header = 1;
        for (size_t i = 0; i < count; i++) {
            char key[96];
            snprintf(key, sizeof key, "\"case\": \"act/%s/forward\"", names[i]);
            if (strstr(line, key) == NULL) continue;
            const char *m = strstr(line, "\"median_s\": "), *e = strstr(line, "\"error\": \"");
            if (m != NULL && sscanf(m, "\"median_s\": %lf", &med[i]) == 1 && med[i] > 0)
                why[i][0] = '\0';
            else if (e != NULL)
                snprintf(why[i], sizeof why[i], "MISSING: %s: %.*s", peer,
                         (int)strcspn(e + 10, "\""), e + 10);
        }
    }
    pclose(p);
    return header ? 0 : -1;
}

/* Each headline kind's forward at the run's thread count against the faster
 * of numpy's and PyTorch's own implementation of it (issue 14, item 5: at
 * least as fast, ratio <= 1). A peer without the function, or not installed,
 * is said once and left out. */
static void peer_cases(struct bench_opts *o, size_t n, const double *x, double *out)
{
    const char *names[PEER_KINDS];
    nnact_act_kind kinds[PEER_KINDS];
    size_t count = 0;
    char list[256] = "";
    for (size_t kk = 0; kk < nnact_act_count() && count < PEER_KINDS; kk++) {
        const nnact_act_kind k = (nnact_act_kind)kk;
        char name[64];
        snprintf(name, sizeof name, "%s/forward peers", nnact_act_name(k));
        if (!is_headline(k) || k == NNACT_ACT_IDENTITY || !bench_want(o, "act", name)) continue;
        if (o->quick && k != NNACT_ACT_RELU && k != NNACT_ACT_TANH) continue;
        names[count] = nnact_act_name(k);
        kinds[count++] = k;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", count > 1 ? "," : "",
                 nnact_act_name(k));
    }
    if (count == 0) return;
    /* libnnact just before and just after the peers, the mean kept, so a
     * change of machine load during the peers' run falls on both sides (as
     * the train peers do) */
    double before[PEER_KINDS];
    const int reps = o->repeat > 5 ? 5 : o->repeat;
    for (size_t i = 0; i < count; i++) {
        struct act_ctx c = {kinds[i], n, 0, 0, x, NULL, out};
        double mn, mx;
        bench_time(act_once, &c, reps, &before[i], &mn, &mx);
    }
    static const char *const peers[2] = {"numpy", "torch"};
    double med[2][PEER_KINDS];
    char why[2][PEER_KINDS][96];
    int answered[2];
    for (int p = 0; p < 2; p++) {
        answered[p] = run_act_peer(o, peers[p], list, n, names, count, med[p], why[p]) == 0;
        if (!answered[p])
            printf("act peer %s: MISSING (%s could not run peer_%s.py --act; 'apt-get install "
                   "python3-%s' adds it)\n",
                   peers[p], o->python, peers[p], peers[p]);
    }
    for (size_t i = 0; i < count; i++) {
        int best = -1;
        for (int p = 0; p < 2; p++)
            if (med[p][i] > 0 && (best < 0 || med[p][i] < med[best][i])) best = p;
        if (best < 0) {
            for (int p = 0; p < 2; p++)
                if (answered[p]) printf("act peer %s, %s: %s\n", peers[p], names[i], why[p][i]);
            continue;
        }
        struct act_ctx c = {kinds[i], n, 0, 0, x, NULL, out};
        struct bench_record r = {.suite = "act", .batch = 1, .work_unit = "GB/s"};
        snprintf(r.name, sizeof r.name, "%s/forward vs peers", names[i]);
        snprintf(r.shape, sizeof r.shape, "n=%zu", n);
        bench_time(act_once, &c, reps, &r.median, &r.min, &r.max);
        r.median = 0.5 * (r.median + before[i]);
        r.work = 16.0 * (double)n;
        r.limit = best == 0 ? "numpy's own (the faster peer)" : "PyTorch's own (the faster peer)";
        r.limit_median = med[best][i];
        char note[64];
        snprintf(note, sizeof note, "target <= 1.00: %s",
                 r.median <= r.limit_median ? "met" : "MISSED");
        r.note = note;
        bench_report(o, &r);
    }
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
    rc |= thread_cases(o, big, x, out, base_out);
    peer_cases(o, big, x, out);
    free(x), free(dy), free(out), free(base_out);
    return rc;
}
