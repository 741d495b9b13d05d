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
 *   RESULT ranks=P step_s=MEDIAN step_min=MIN reduce_s=S bytes=B sums=K params=N
 *
 * with the gradient sums' seconds and bytes sent per step (libnnact_mpi's
 * counters, 0 for plain). */
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

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 5) {
        if (rank == 0) fprintf(stderr, "usage: nnact-bench-mpi SPEC BATCH STEPS plain|det|fast\n");
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
    nnact_mpi_stats s = {.size = sizeof s};
    if (m != NULL) nnact_mpi_stats_get(m, &s, 0);
    double dt[MAXSTEPS];
    size_t k = 0;
    for (size_t i = WARM; i < c.n && k < MAXSTEPS; i++)
        dt[k++] = c.t[i] - c.t[i - 1];
    qsort(dt, k, sizeof dt[0], cmp);
    if (rank == 0)
        printf("RESULT ranks=%d step_s=%.6g step_min=%.6g reduce_s=%.6g bytes=%.6g sums=%.6g "
               "params=%zu\n",
               size, k ? dt[k / 2] : NAN, k ? dt[0] : NAN, s.seconds / (double)steps,
               (double)s.bytes / (double)steps, (double)s.sums / (double)steps,
               nnact_net_param_count(net));
    free(x);
    free(t);
    nnact_fit_config_free(cfg);
    nnact_opt_free(o);
    nnact_net_free(net);
    nnact_mpi_free(m);
    MPI_Finalize();
    return 0;
}
