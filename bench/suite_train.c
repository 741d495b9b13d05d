/* train: full steps (forward, loss, backward, update) for SGD and Adam on the
 * four networks of issue 7 and any given with --net, against the bare dgemm
 * products of the step and the plain-C floor; peak memory vs the formula. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory.h"
#include "nnact/nnact.h"
#include "train.h"

/* The networks to run: the standard four, then --net ones. */
size_t bench_train_nets(const struct bench_opts *o, struct netspec *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < 4 && n < max; i++)
        out[n++] = bench_nets[i];
    for (int i = 0; i < o->n_specs && n < max; i++) {
        char err[160];
        if (netspec_parse(o->specs[i], &out[n], err, sizeof err) == 0) {
            snprintf(out[n].name, sizeof out[n].name, "net%d", i + 1);
            out[n].batch = o->spec_batch;
            n++;
        }
    }
    return n;
}

/* One network and optimizer. no_check: the same step with the optimizer's
 * CHECK_FINITE off ("nnact guarantees nothing lost on bad numbers" costs the
 * difference); checked_ratio, when > 0, is the checked step's ratio from the
 * same run, to print that cost. Returns the step's ratio to its products. */
static double one_case(struct bench_opts *o, const struct netspec *s, int opt, int threads,
                       int no_check, double checked_ratio)
{
    char name[64];
    snprintf(name, sizeof name, "%s/%s%s", s->name, train_opt_name(opt),
             no_check ? "/nocheck" : "");
    if (!bench_want(o, "train", name)) return 0.0;
    bench_set_threads(threads);
    struct train_case c;
    if (train_case_setup(&c, s, s->batch, opt) != 0) {
        bench_fail(o, "train", name, "setup failed");
        bench_set_threads(o->threads);
        return 0.0;
    }
    c.no_check = no_check;
    if (no_check && train_case_reset(&c) != 0) {
        bench_fail(o, "train", name, "setup failed");
        train_case_free(&c);
        bench_set_threads(o->threads);
        return 0.0;
    }
    char why[200];
    if (train_case_check(&c, why, sizeof why) != 0) {
        bench_fail(o, "train", name, why);
        train_case_free(&c);
        bench_set_threads(o->threads);
        return 0.0;
    }
    struct bench_record r = {
        .suite = "train", .batch = s->batch, .threads = threads, .work_unit = "GFLOP/s"};
    netspec_shape(s, r.shape, sizeof r.shape);
    r.work = netspec_step_flops(s, s->batch);
    double med[3], mn[3], mx[3], ratio[3];
    size_t allocs = 0;
    train_time_all(&c, o->repeat, med, mn, mx, ratio, &allocs);
    if (c.status != NNACT_OK) {
        bench_fail(o, "train", name, "a timed step failed");
        train_case_free(&c);
        bench_set_threads(o->threads);
        return 0.0;
    }
    snprintf(r.name, sizeof r.name, "%s/%s/products", s->name, train_opt_name(opt));
    r.median = med[0], r.min = mn[0], r.max = mx[0];
    r.limit = "(the dgemm limit itself)";
    bench_report(o, &r);
    if (c.have_floor) {
        snprintf(r.name, sizeof r.name, "%s/%s/floor", s->name, train_opt_name(opt));
        r.median = med[2], r.min = mn[2], r.max = mx[2];
        r.limit = "dgemm products";
        r.limit_median = med[0];
        r.paired_ratio = ratio[2];
        r.note = "plain C on cblas_dgemm";
        bench_report(o, &r);
    }
    char note[128];
    snprintf(note, sizeof note, "%zu allocs in loop%s", allocs, allocs ? " (SHOULD BE 0)" : "");
    if (c.have_floor)
        snprintf(note + strlen(note), sizeof note - strlen(note), "; %.3fx floor",
                 ratio[1] / ratio[2]);
    if (no_check && checked_ratio > 0 && ratio[1] > 0)
        snprintf(note + strlen(note), sizeof note - strlen(note),
                 "; the finite check costs %+.1f%% of a step",
                 100.0 * (checked_ratio / ratio[1] - 1.0));
    snprintf(r.name, sizeof r.name, "%s", name);
    r.median = med[1], r.min = mn[1], r.max = mx[1];
    r.limit = "dgemm products";
    r.limit_median = med[0];
    r.paired_ratio = ratio[1];
    r.note = note;
    r.extra = med[2];
    bench_report(o, &r);
    if (allocs != 0) bench_fail(o, "train", name, "allocated inside the timed loop");
    train_case_free(&c);
    bench_set_threads(o->threads);
    return ratio[1];
}

/* ---- issue 14's targets ------------------------------------------------ */

/* What the targets section measured of one network at one thread count. */
struct target_run {
    double sgd, adam; /* step medians, seconds */
};

/* The bound on SGD step / products for the three networks. */
static const struct {
    const char *spec;
    size_t batch;
    double sgd_bound;
} target_nets[] = {
    {"64-64:relu-64:relu-10", 64, 1.30},
    {"256-512:relu-10", 128, 1.10},
    {"784-1024:relu-1024:relu-10", 256, 1.05},
};

/* One network at one thread count: SGD step / bare products and Adam step /
 * SGD step, paired in one interleaved timing; the Adam floor is the SGD step
 * plus the moments' traffic (m and v read and written, 32 bytes a parameter)
 * at the copy bandwidth measured in this run. */
static void target_case(struct bench_opts *o, size_t i, int threads, double copy_bw,
                        struct target_run *t1, struct target_run *out)
{
    struct netspec s;
    char err[160], name[64];
    if (netspec_parse(target_nets[i].spec, &s, err, sizeof err) != 0) return;
    s.batch = target_nets[i].batch;
    snprintf(s.name, sizeof s.name, "target%zu", i + 1);
    snprintf(name, sizeof name, "%s/t%d", s.name, threads);
    if (!bench_want(o, "train", name)) return;
    bench_set_threads(threads);
    struct train_case sgd, adam;
    char why[200];
    int ok_s = train_case_setup(&sgd, &s, s.batch, REF_SGD) == 0;
    int ok_a = train_case_setup(&adam, &s, s.batch, REF_ADAM) == 0;
    if (!ok_s || !ok_a || train_case_check(&sgd, why, sizeof why) != 0 ||
        train_case_check(&adam, why, sizeof why) != 0) {
        bench_fail(o, "train", name, !ok_s || !ok_a ? "setup failed" : why);
    } else {
        double med[3], ratio[3];
        size_t allocs = 0, P = nnact_net_param_count(sgd.net);
        train_time_sgd_adam(&sgd, &adam, o->repeat, med, ratio, &allocs);
        out->sgd = med[0], out->adam = med[1];
        struct bench_record r = {.suite = "train", .batch = s.batch, .threads = threads};
        netspec_shape(&s, r.shape, sizeof r.shape);
        char note[160];
        snprintf(r.name, sizeof r.name, "%s/sgd/t%d", s.name, threads);
        r.median = med[0], r.limit = "dgemm products", r.limit_median = med[2];
        r.paired_ratio = ratio[2] > 0 ? 1.0 / ratio[2] : 0.0;
        snprintf(note, sizeof note, "target <= %.2f%s", target_nets[i].sgd_bound,
                 r.paired_ratio <= target_nets[i].sgd_bound ? " met" : " MISSED");
        if (t1 && t1->sgd > 0)
            snprintf(note + strlen(note), sizeof note - strlen(note), "; 1->%d threads %.2fx",
                     threads, t1->sgd / med[0]);
        r.note = note;
        bench_report(o, &r);
        const double floor = copy_bw > 0 ? 1.0 + 32.0 * (double)P / copy_bw / med[0] : 0.0;
        snprintf(r.name, sizeof r.name, "%s/adam/t%d", s.name, threads);
        r.median = med[1], r.limit = "SGD step", r.limit_median = med[0];
        r.paired_ratio = ratio[1];
        r.extra = floor;
        snprintf(note, sizeof note, "floor %.3f (m,v %.1f MB at %.1f GB/s copy); target <= 1.15%s",
                 floor, 32.0 * (double)P / 1e6, copy_bw / 1e9,
                 ratio[1] <= 1.15 ? " met" : " MISSED");
        if (t1 && t1->adam > 0)
            snprintf(note + strlen(note), sizeof note - strlen(note), "; 1->%d threads %.2fx",
                     threads, t1->adam / med[1]);
        bench_report(o, &r);
        if (allocs != 0) bench_fail(o, "train", name, "allocated inside the timed loop");
        if (sgd.status != NNACT_OK || adam.status != NNACT_OK)
            bench_fail(o, "train", name, "a timed step failed");
    }
    if (ok_s) train_case_free(&sgd);
    if (ok_a) train_case_free(&adam);
    bench_set_threads(o->threads);
}

/* SGD step / products and Adam step / SGD step on the three networks of
 * issue 14, at 1 thread and at 2 (or --threads, when more), with the 1->N
 * speedup. Quick mode (CTest) runs the two small networks at 1 thread unless
 * --case picks others. */
static void bench_targets(struct bench_opts *o)
{
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const int nthr = o->threads > 2 ? o->threads : 2;
    /* every case when not quick, when validating names, or when --case picks */
    const int all = !o->quick || o->dry || o->case_glob != NULL;
    const int many = all && cpus >= 2;
    const size_t n_nets = all ? 3 : 2;
    double copy_bw = 0.0;
    if (!o->dry) { /* read + write of 32 MB, as the limits suite counts it */
        const double sec = bench_copy_seconds(o, (size_t)32 << 20);
        copy_bw = sec > 0 ? 2.0 * (double)((size_t)32 << 20) / sec : 0.0;
    }
    for (size_t i = 0; i < n_nets; i++) {
        struct target_run t1 = {0, 0}, tn = {0, 0};
        target_case(o, i, 1, copy_bw, NULL, &t1);
        if (many) target_case(o, i, nthr, copy_bw, &t1, &tn);
    }
}

int bench_suite_train(struct bench_opts *o)
{
    bench_header("train");
    struct netspec nets[4 + BENCH_MAX_SPECS];
    size_t n = bench_train_nets(o, nets, sizeof nets / sizeof nets[0]);
    for (size_t i = 0; i < n; i++) {
        for (int opt = REF_SGD; opt <= REF_ADAM; opt++) {
            const double checked = one_case(o, &nets[i], opt, o->threads, 0, 0.0);
            /* the 1-thread half of the thread target, on the big network */
            if (o->threads > 1 && strcmp(nets[i].name, "relu784") == 0)
                one_case(o, &nets[i], opt, 1, 0, 0.0);
            /* what "nothing lost on bad numbers" costs, on the smallest and the largest */
            if (strcmp(nets[i].name, "xor") == 0 || strcmp(nets[i].name, "relu784") == 0)
                one_case(o, &nets[i], opt, o->threads, 1, checked);
        }
    }
    bench_targets(o);
    bench_memory(o, nets, n);
    return 0;
}
