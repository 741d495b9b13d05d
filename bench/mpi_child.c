/* nnact-bench-mpi: the child the `mpi` suite of nnact-bench runs under
 * `mpirun -np 1` and `-np 2` (bench/suite_mpi.c). One BLAS thread a rank.
 *
 *   nnact-bench-mpi SPEC BATCH STEPS MODE
 *
 * MODE plain: the ordinary one-process fit (nnact_net_fit_run, fused step:
 * the baseline T1); det / fast: the data-parallel fit over MPI in the
 * deterministic (ring) or fast (MPI_Allreduce) mode. Each epoch is one step
 * on the same BATCH rows (n = BATCH), so the epoch callback times steps; two
 * warm-up steps are not counted. Rank 0 prints one line:
 *
 *   RESULT ranks=P step_s=MEDIAN step_min=MIN reduce_s=S bytes=B sums=K params=N step_max=MAX
 *
 * with the gradient sums' seconds and bytes sent per step (libnnact_mpi's
 * counters, 0 for plain).
 *
 * MODE overlap: does a reduction started before the backward progress while
 * it runs? Per rank, the median of STEPS repetitions of (a) forward +
 * backward on the rank's half of the batch, (b) MPI_Allreduce of a gradient-
 * sized buffer alone, (c) MPI_Iallreduce of that buffer started, then
 * forward + backward, then MPI_Wait. Rank 0 prints
 *
 *   OVERLAP compute_s=A reduce_s=B both_s=C hidden=(A + B - C) / B
 *
 * hidden near 1: the reduction ran during the backward (overlap pays);
 * near 0: it waited for the MPI_Wait (no progress without MPI calls). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/mpi.h"
#include "nnact/nnact.h"

enum { WARM = 2, MAXSTEPS = 200 };

struct clock {
    nnact_mpi *m;
    double t[MAXSTEPS + WARM + 1];
    size_t n;
};

static int tick(const nnact_fit_epoch *e, void *user)
{
    struct clock *c = user;
    (void)e;
    if (c->n + 1 == WARM && c->m != NULL) { /* the counters start after the warm-up */
        nnact_mpi_stats s = {.size = sizeof s};
        nnact_mpi_stats_get(c->m, &s, 1);
    }
    if (c->n < sizeof c->t / sizeof c->t[0]) c->t[c->n++] = MPI_Wtime();
    return 0;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp);
    return v[n / 2];
}

/* 1 when the parameters are finite and the same bits on every rank. */
static int params_agree(const nnact_net *net)
{
    const size_t np = nnact_net_param_count(net);
    double *p = malloc(np * sizeof *p);
    unsigned long long h[2] = {1469598103934665603ull, 0};
    int finite = p != NULL && nnact_net_get_params(net, np, p) == NNACT_OK;
    for (size_t i = 0; finite && i < np; i++) {
        unsigned long long w;
        memcpy(&w, p + i, sizeof w);
        h[0] = (h[0] ^ w) * 0x100000001b3ull + (h[0] >> 29);
        finite = isfinite(p[i]);
    }
    free(p);
    h[1] = ~h[0];
    int all_finite = finite;
    if (MPI_Allreduce(MPI_IN_PLACE, h, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD) !=
            MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, &all_finite, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) !=
            MPI_SUCCESS)
        return 0;
    return all_finite && h[0] == ~h[1];
}

/* The overlap probe (MODE overlap); 0 or -1. */
static int overlap_probe(nnact_net *net, size_t rows, const double *x, size_t steps, int rank)
{
    const size_t np = nnact_net_param_count(net), n_out = nnact_net_output_size(net);
    double *y = malloc(rows * n_out * sizeof *y), *g = calloc(np, sizeof *g);
    double a[MAXSTEPS], b[MAXSTEPS], c[MAXSTEPS];
    if (y == NULL || g == NULL || np > INT_MAX) {
        free(y);
        free(g);
        return -1;
    }
    int ok = 1;
    for (size_t i = 0; ok && i < steps + WARM; i++) {
        const size_t k = i < WARM ? 0 : i - WARM;
        double t0 = MPI_Wtime();
        ok = nnact_net_forward(net, rows, x, y) == NNACT_OK &&
             nnact_net_backward(net, y, NULL) == NNACT_OK;
        double t1 = MPI_Wtime();
        MPI_Barrier(MPI_COMM_WORLD);
        double t2 = MPI_Wtime();
        MPI_Allreduce(MPI_IN_PLACE, g, (int)np, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        double t3 = MPI_Wtime();
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Request req;
        double t4 = MPI_Wtime();
        MPI_Iallreduce(MPI_IN_PLACE, g, (int)np, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &req);
        ok = ok && nnact_net_forward(net, rows, x, y) == NNACT_OK &&
             nnact_net_backward(net, y, NULL) == NNACT_OK;
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        double t5 = MPI_Wtime();
        MPI_Barrier(MPI_COMM_WORLD);
        if (i >= WARM) {
            a[k] = t1 - t0;
            b[k] = t3 - t2;
            c[k] = t5 - t4;
        }
    }
    if (ok && rank == 0) {
        const double A = median(a, steps), B = median(b, steps), C = median(c, steps);
        printf("OVERLAP compute_s=%.6g reduce_s=%.6g both_s=%.6g hidden=%.3f\n", A, B, C,
               (A + B - C) / B);
    }
    free(y);
    free(g);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 5) {
        if (rank == 0)
            fprintf(stderr, "usage: nnact-bench-mpi SPEC BATCH STEPS plain|det|fast|overlap\n");
        MPI_Finalize();
        return 2;
    }
    const size_t batch = (size_t)strtoul(argv[2], NULL, 10);
    size_t steps = (size_t)strtoul(argv[3], NULL, 10);
    if (steps > MAXSTEPS) steps = MAXSTEPS;
    const char *mode = argv[4];
    nnact_blas_set_threads(1);
    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_fit_config *cfg = NULL;
    nnact_mpi *m = NULL;
    int ok =
        batch > 0 && steps > 0 &&
        nnact_net_from_spec(argv[1], NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net) == NNACT_OK &&
        nnact_net_init(net, NNACT_INIT_HE_NORMAL, 1) == NNACT_OK &&
        nnact_opt_create(NNACT_OPT_SGD, &o) == NNACT_OK &&
        nnact_opt_set(o, NNACT_OPT_PARAM_LR, 1e-3) == NNACT_OK &&
        nnact_fit_config_create(&cfg) == NNACT_OK &&
        nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_EPOCHS, steps + WARM) == NNACT_OK &&
        nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_BATCH_SIZE, batch) == NNACT_OK;
    const size_t n_in = ok ? nnact_net_input_size(net) : 1,
                 n_out = ok ? nnact_net_output_size(net) : 1;
    double *x = malloc(batch * n_in * sizeof *x), *t = malloc(batch * sizeof *t);
    ok = ok && x != NULL && t != NULL;
    for (size_t i = 0; ok && i < batch * n_in; i++) /* the same rows on every rank */
        x[i] = sin(0.1 * (double)i);
    for (size_t i = 0; ok && i < batch; i++)
        t[i] = (double)(i % n_out);
    if (ok && strcmp(mode, "overlap") == 0) {
        /* this rank's half of the batch, as a 2-rank step computes */
        const size_t rows = batch / (size_t)size ? batch / (size_t)size : 1;
        if (overlap_probe(net, rows, x, steps, rank) != 0) MPI_Abort(MPI_COMM_WORLD, 1);
        free(x);
        free(t);
        nnact_fit_config_free(cfg);
        nnact_opt_free(o);
        nnact_net_free(net);
        MPI_Finalize();
        return 0;
    }
    struct clock c = {0};
    if (ok && strcmp(mode, "plain") != 0) {
        nnact_fit_dist d = {.size = sizeof d};
        ok = nnact_mpi_create(MPI_COMM_WORLD, &m) == NNACT_OK &&
             nnact_mpi_set_mode(m, strcmp(mode, "fast") == 0
                                       ? NNACT_MPI_FAST
                                       : NNACT_MPI_DETERMINISTIC) == NNACT_OK &&
             nnact_mpi_fit_dist(m, &d) == NNACT_OK &&
             nnact_fit_config_set_dist(cfg, &d) == NNACT_OK;
    }
    c.m = m;
    ok = ok && nnact_fit_config_set_epoch_callback(cfg, tick, &c) == NNACT_OK;
    /* the timed fit: the rows are the same everywhere by construction, so
       nnact_net_fit_run with the record (nnact_mpi_fit would hash them first) */
    ok = ok &&
         nnact_net_fit_run(net, o, NNACT_LOSS_SOFTMAX_CE_INDEX, batch, x, t, cfg, NULL) == NNACT_OK;
    if (!ok) {
        fprintf(stderr, "nnact-bench-mpi: rank %d: %s\n", rank, nnact_last_error());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* the result checked before its time is reported: finite parameters,
       the same bits on every rank (a broken sum shows here, not as a fast step) */
    if (!params_agree(net)) {
        fprintf(stderr,
                "nnact-bench-mpi: rank %d: the parameters differ between ranks or are "
                "not finite after the fit\n",
                rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    nnact_mpi_stats s = {.size = sizeof s};
    if (m != NULL) nnact_mpi_stats_get(m, &s, 0);
    double dt[MAXSTEPS];
    size_t k = 0;
    for (size_t i = WARM; i < c.n && k < MAXSTEPS; i++)
        dt[k++] = c.t[i] - c.t[i - 1];
    qsort(dt, k, sizeof dt[0], cmp);
    if (rank == 0)
        printf("RESULT ranks=%d step_s=%.6g step_min=%.6g reduce_s=%.6g bytes=%.6g sums=%.6g "
               "params=%zu step_max=%.6g\n",
               size, k ? dt[k / 2] : NAN, k ? dt[0] : NAN, s.seconds / (double)steps,
               (double)s.bytes / (double)steps, (double)s.sums / (double)steps,
               nnact_net_param_count(net), k ? dt[k - 1] : NAN);
    free(x);
    free(t);
    nnact_fit_config_free(cfg);
    nnact_opt_free(o);
    nnact_net_free(net);
    nnact_mpi_free(m);
    MPI_Finalize();
    return 0;
}
