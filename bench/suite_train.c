/* train: full steps (forward, loss, backward, update) for SGD and Adam on the
 * four networks of issue 7 and any given with --net, against the bare dgemm
 * products of the step and the plain-C floor; peak memory vs the formula. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    snprintf(name, sizeof name, "%s/%s%s", s->name, train_opt_name(opt), no_check ? "/nocheck" : "");
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
                 "; the finite check costs %+.1f%% of a step", 100.0 * (checked_ratio / ratio[1] - 1.0));
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
    bench_memory(o, nets, n);
    return 0;
}
