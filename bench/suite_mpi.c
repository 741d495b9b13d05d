/* mpi: data-parallel step time over MPI (libnnact_mpi, docs/SCALING.md).
 * Not in the default run: it spawns `mpirun -np 1` and `-np 2` of the child
 * nnact-bench-mpi (bench/mpi_child.c; built when MPI was found), one BLAS
 * thread a rank, and reads the line its rank 0 prints. For each global batch
 * (256, 512) on 784-1024-1024-10:
 *
 *   np1-plain  the ordinary one-process fit's step (the fused update): T1
 *   np1-det    the distributed code path on one rank (no messages)
 *   np2-det    two ranks, deterministic ring sums: T2
 *   np2-fast   two ranks, MPI_Allreduce sums
 *
 * each with the sums' seconds and bytes sent per step, and the efficiency
 * T1 / (2 T2) against the target 0.90; then np2-overlap: a gradient-sized
 * MPI_Iallreduce started before a forward + backward and waited for after,
 * against the two run one after the other (ratio < 1: overlap hides time). Two ranks on a 2-core
 * machine share it with everything else running: the figures are noisy (say so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#ifndef NNACT_BENCH_MPI_CHILD
#define NNACT_BENCH_MPI_CHILD ""
#endif

struct mpi_result {
    double step, step_min, step_max, reduce, bytes, sums;
    size_t params;
};

/* The child next to this nnact-bench, else the build tree's. */
static int child_path(char *p, size_t cap)
{
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(p, cap, "%s/nnact-bench-mpi", self);
            if (access(p, X_OK) == 0) return 0;
        }
    }
    snprintf(p, cap, "%s", NNACT_BENCH_MPI_CHILD);
    return p[0] != '\0' && access(p, X_OK) == 0 ? 0 : -1;
}

static int run_child(const char *child, int np, const char *spec, size_t batch, int steps,
                     const char *mode, struct mpi_result *r)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
             "timeout 300 mpirun --oversubscribe --mca btl self,vader -np %d '%s' %s %zu %d %s",
             np, child, spec, batch, steps, mode);
    FILE *f = popen(cmd, "r");
    if (f == NULL) return -1;
    char line[512];
    int got = 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line,
                   "RESULT ranks=%*d step_s=%lg step_min=%lg reduce_s=%lg bytes=%lg sums=%lg "
                   "params=%zu step_max=%lg",
                   &r->step, &r->step_min, &r->reduce, &r->bytes, &r->sums, &r->params,
                   &r->step_max) == 7)
            got = 1;
    return pclose(f) == 0 && got ? 0 : -1;
}

/* The overlap probe's line; 0 or -1. */
static int run_overlap(const char *child, const char *spec, size_t batch, int steps,
                       double *compute, double *reduce, double *both)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
             "timeout 300 mpirun --oversubscribe --mca btl self,vader -np 2 '%s' %s %zu %d "
             "overlap",
             child, spec, batch, steps);
    FILE *f = popen(cmd, "r");
    if (f == NULL) return -1;
    char line[512];
    int got = 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "OVERLAP compute_s=%lg reduce_s=%lg both_s=%lg", compute, reduce, both) ==
            3)
            got = 1;
    return pclose(f) == 0 && got ? 0 : -1;
}

static void report(struct bench_opts *o, const char *name, size_t batch, const struct mpi_result *r,
                   double t1, char *note, size_t cap)
{
    struct bench_record rec = {
        .suite = "mpi", .batch = batch, .threads = 1, .limit = "1-process step (T1)"};
    snprintf(rec.name, sizeof rec.name, "%s", name);
    snprintf(rec.shape, sizeof rec.shape, "784-1024-1024-10");
    rec.median = r->step;
    rec.min = r->step_min;
    rec.max = r->step_max;
    rec.limit_median = t1;
    snprintf(note, cap, "sums %.2f ms/step, %.1f MB sent/step", 1e3 * r->reduce, r->bytes / 1e6);
    rec.note = note;
    rec.extra = r->reduce;
    bench_report(o, &rec);
}

int bench_suite_mpi(struct bench_opts *o)
{
    static const char *const modes[][2] = {
        {"np1-plain", "plain"}, {"np1-det", "det"}, {"np2-det", "det"}, {"np2-fast", "fast"}};
    static const size_t batches[] = {256, 512};
    const char *spec = "784-1024-1024-10";
    char child[600];
    int any = 0;
    for (size_t b = 0; b < 2; b++) {
        for (size_t i = 0; i < 4; i++) {
            char name[64];
            snprintf(name, sizeof name, "b%zu/%s", batches[b], modes[i][0]);
            any |= bench_want(o, "mpi", name);
        }
        char oname[64];
        snprintf(oname, sizeof oname, "b%zu/np2-overlap", batches[b]);
        any |= bench_want(o, "mpi", oname);
    }
    if (!any || o->dry) return 0;
    bench_header("mpi");
    if (child_path(child, sizeof child) != 0) {
        printf("mpi: nnact-bench-mpi not found (this build has no MPI): suite skipped\n");
        return 0;
    }
    const int steps = o->quick ? 6 : 20;
    int rc = 0;
    for (size_t b = 0; b < 2; b++) {
        struct mpi_result res[4] = {{0}};
        int have[4] = {0};
        for (size_t i = 0; i < 4; i++) {
            char name[64];
            snprintf(name, sizeof name, "b%zu/%s", batches[b], modes[i][0]);
            if (!bench_want(o, "mpi", name)) continue;
            const int np = modes[i][0][2] - '0';
            if (run_child(child, np, spec, batches[b], steps, modes[i][1], &res[i]) != 0) {
                bench_fail(o, "mpi", name, "the mpirun child failed");
                rc = 1;
                continue;
            }
            have[i] = 1;
        }
        const double t1 = have[0] ? res[0].step : 0.0;
        static char notes[4][96];
        for (size_t i = 0; i < 4; i++) {
            if (!have[i]) continue;
            char name[64];
            snprintf(name, sizeof name, "b%zu/%s", batches[b], modes[i][0]);
            report(o, name, batches[b], &res[i], t1, notes[i], sizeof notes[i]);
        }
        char oname[64];
        snprintf(oname, sizeof oname, "b%zu/np2-overlap", batches[b]);
        double oc, orr, ob;
        if (bench_want(o, "mpi", oname)) {
            if (run_overlap(child, spec, batches[b], steps, &oc, &orr, &ob) != 0) {
                bench_fail(o, "mpi", oname, "the mpirun child failed");
                rc = 1;
            } else {
                static char onote[2][96];
                struct bench_record rec = {.suite = "mpi",
                                           .batch = batches[b],
                                           .threads = 1,
                                           .limit = "backward, then the sum"};
                snprintf(rec.name, sizeof rec.name, "%s", oname);
                snprintf(rec.shape, sizeof rec.shape, "%s", spec);
                rec.median = rec.min = rec.max = ob;
                rec.limit_median = oc + orr;
                snprintf(onote[b], sizeof onote[b], "hidden %.0f%% of the %.1f ms sum",
                         100.0 * (oc + orr - ob) / orr, 1e3 * orr);
                rec.note = onote[b];
                bench_report(o, &rec);
            }
        }
        if (have[0] && have[2]) {
            const double eff = res[0].step / (2.0 * res[2].step);
            /* in --json too: median 2-rank step against T1 / 2 (ratio 1 / efficiency) */
            static char enote[2][96];
            struct bench_record er = {.suite = "mpi",
                                      .batch = batches[b],
                                      .threads = 1,
                                      .limit = "T1 / 2 (perfect scaling)",
                                      .json_only = 1};
            snprintf(er.name, sizeof er.name, "b%zu/efficiency", batches[b]);
            snprintf(er.shape, sizeof er.shape, "%s", spec);
            er.median = res[2].step;
            er.min = res[2].step_min;
            er.max = res[2].step_max;
            er.limit_median = res[0].step / 2.0;
            er.extra = eff;
            snprintf(enote[b], sizeof enote[b], "efficiency T1/(2 T2) %.3f (target 0.90)%s", eff,
                     eff >= 0.90 ? "" : " MISSED");
            er.note = enote[b];
            bench_report(o, &er);
            printf("mpi: batch %zu: efficiency T1/(2 T2) = %.3f (target 0.90)%s; sums %.1f%% of "
                   "the 2-rank step, %.2f MB sent per rank and step (%zu parameters)\n",
                   batches[b], eff, eff >= 0.90 ? "" : " MISSED",
                   100.0 * res[2].reduce / res[2].step, res[2].bytes / 1e6, res[2].params);
        }
    }
    return rc;
}
