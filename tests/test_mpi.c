/* mpi: libnnact_mpi under mpirun (tests/mpi.cmake runs each mode at -np 2 and
 * -np 3). Not CMocka: a failed check must end every rank at once, or the
 * others would wait in a collective until the CTest timeout; CHECK prints
 * the rank and the line and calls MPI_Abort. Linked with the static libnnact
 * (and libnnact_mpi's source) so that the allocation hook is reachable.
 *
 *   equal        the distributed fit equals the one-process fit to 1e-12
 *                relative after every step (full batch) of SGD, Adam and
 *                Nesterov, and after minibatch epochs with validation
 *   determinism  two runs give the same bits; every rank holds the same
 *                bits; the fast mode (MPI_Allreduce) agrees to 1e-12
 *   agreement    the ring's fixed summation order, by hand; what one rank
 *                alone gets wrong (report record, NULL cfg, optimizer bound
 *                elsewhere or set otherwise, the transport's reserve, rows
 *                differing by two sign bits, rows overflowing) ends every
 *                rank with the same status and detail, nothing changed
 *   faults       rows differing between ranks, a NaN row on one rank, a
 *                loss overflowing on one rank, an allocation failing on one
 *                rank: the same status and detail everywhere, nothing changed
 *   ckpt_write D / ckpt_resume D   rank 0 writes D/c.ckpt after 2 of 4
 *                epochs; resumed at another rank count it ends where the
 *                uninterrupted one-process fit ends (1e-12)
 *   kill D       rank 1 kills itself (SIGKILL) in epoch 3 while rank 0
 *                checkpoints every epoch (tests/mpi_kill.sh checks the rest) */
#include <math.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "core/alloc.h"
#include "nnact/mpi.h"
#include "nnact/nnact.h"
#include "optim/optim_internal.h"

static int rank, size;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "rank %d: %s:%d: check failed: %s (last error: %s | %s)\n", rank,      \
                    __FILE__, __LINE__, #cond, nnact_last_error(), nnact_mpi_last_error());        \
            fflush(stderr);                                                                        \
            MPI_Abort(MPI_COMM_WORLD, 2);                                                          \
        }                                                                                          \
    } while (0)

enum { ROWS = 41, NIN = 5, MAXP = 256, MAXSTEPS = 8 };
static double X[ROWS * NIN], T[ROWS * 2];
/* targets for the other loss kinds: in [0, 1] (bce_logits, softmax_ce), class indices */
static double TU[ROWS * 2], TI[ROWS];
/* the loss and targets reference_fit and dist_fit use (mode_equal varies them) */
static nnact_loss_kind fit_loss = NNACT_LOSS_MSE;
static const double *fit_t = T;

static void make_data(void)
{
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < NIN; j++)
            X[i * NIN + j] = sin(0.3 + i * 0.77 + j * 1.91);
        T[2 * i] = X[i * NIN] * X[i * NIN + 1] - 0.3 * X[i * NIN + 4];
        T[2 * i + 1] = cos(X[i * NIN + 2] + X[i * NIN + 3]);
        TU[2 * i] = 0.5 + 0.5 * tanh(T[2 * i]);
        TU[2 * i + 1] = 1.0 - TU[2 * i];
        TI[i] = T[2 * i] > 0.0 ? 1.0 : 0.0;
    }
}

static nnact_net *make_net_seeded(nnact_act_kind hidden, uint64_t seed)
{
    nnact_net *net = NULL;
    CHECK(nnact_net_create(NIN, &net) == NNACT_OK);
    CHECK(nnact_net_add_dense(net, 12, hidden, 0.0) == NNACT_OK);
    CHECK(nnact_net_add_dense(net, 7, hidden, 0.0) == NNACT_OK);
    CHECK(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, 0.0) == NNACT_OK);
    CHECK(nnact_net_init(net, NNACT_INIT_XAVIER_NORMAL, seed) == NNACT_OK);
    return net;
}

/* a different seed on every rank: nnact_mpi_fit must broadcast rank 0's (seed 11) */
static nnact_net *make_net(nnact_act_kind hidden)
{
    return make_net_seeded(hidden, 11 + (uint64_t)rank);
}

static nnact_opt *make_opt(nnact_opt_kind kind, double lr)
{
    nnact_opt *o = NULL;
    CHECK(nnact_opt_create(kind, &o) == NNACT_OK);
    CHECK(nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr) == NNACT_OK);
    if (kind == NNACT_OPT_NESTEROV)
        CHECK(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.9) == NNACT_OK);
    return o;
}

static nnact_fit_config *make_config(uint64_t epochs, uint64_t batch, double val)
{
    nnact_fit_config *c = NULL;
    CHECK(nnact_fit_config_create(&c) == NNACT_OK);
    CHECK(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, epochs) == NNACT_OK);
    CHECK(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, batch) == NNACT_OK);
    CHECK(nnact_fit_config_set_int(c, NNACT_FIT_PARAM_SEED, 21) == NNACT_OK);
    CHECK(nnact_fit_config_set_real(c, NNACT_FIT_PARAM_VAL_FRACTION, val) == NNACT_OK);
    return c;
}

/* max |a - b| over max |a|: the relative distance of two parameter vectors */
static double rel_dist(size_t n, const double *a, const double *b)
{
    double d = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        m = fmax(m, fabs(a[i]));
    }
    return d / m;
}

/* every rank holds the same bits of p */
static void check_same_everywhere(size_t n, const double *p)
{
    double all[MAXP * 4];
    CHECK((size_t)size * n <= sizeof all / sizeof all[0]);
    CHECK(MPI_Allgather(p, (int)n, MPI_DOUBLE, all, (int)n, MPI_DOUBLE, MPI_COMM_WORLD) ==
          MPI_SUCCESS);
    for (int r = 0; r < size; r++)
        CHECK(memcmp(all + (size_t)r * n, p, n * sizeof *p) == 0);
}

/* the same status and detail on every rank */
static void check_agreed(nnact_status st, const char *detail)
{
    int lo = (int)st, hi = (int)st;
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CHECK(lo == hi);
    char mine[512] = {0}, first[512] = {0};
    snprintf(mine, sizeof mine, "%s", detail);
    memcpy(first, mine, sizeof mine);
    MPI_Bcast(first, sizeof first, MPI_CHAR, 0, MPI_COMM_WORLD);
    CHECK(strcmp(first, mine) == 0);
}

struct snaps {
    nnact_net *net;
    size_t n;
    double p[MAXSTEPS][MAXP];
};

static int snapshot(const nnact_fit_epoch *e, void *user)
{
    struct snaps *s = user;
    size_t np = nnact_net_param_count(s->net);
    if (s->n < MAXSTEPS && np <= MAXP) nnact_net_get_params(s->net, np, s->p[s->n++]);
    (void)e;
    return 0;
}

/* One-process fit of rank 0's initial network, for reference (every rank runs it). */
static void reference_fit(nnact_mpi *m, nnact_opt_kind kind, double lr, nnact_fit_config *c,
                          struct snaps *s, nnact_fit_report *r)
{
    nnact_net *net = make_net(NNACT_ACT_TANH);
    CHECK(nnact_mpi_bcast_net(m, net) == NNACT_OK);
    nnact_opt *o = make_opt(kind, lr);
    s->net = net;
    s->n = 0;
    CHECK(nnact_fit_config_set_epoch_callback(c, snapshot, s) == NNACT_OK);
    CHECK(nnact_net_fit_run(net, o, fit_loss, ROWS, X, fit_t, c, r) == NNACT_OK);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static void dist_fit(nnact_mpi *m, nnact_opt_kind kind, double lr, nnact_fit_config *c,
                     struct snaps *s, nnact_fit_report *r)
{
    nnact_net *net = make_net(NNACT_ACT_TANH);
    nnact_opt *o = make_opt(kind, lr);
    s->net = net;
    s->n = 0;
    CHECK(nnact_fit_config_set_epoch_callback(c, snapshot, s) == NNACT_OK);
    CHECK(nnact_mpi_fit(m, net, o, fit_loss, ROWS, X, fit_t, c, r) == NNACT_OK);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Every loss kind, means and sums (half_sse) alike: SGD over full batches
   (compared after each step) and minibatches with validation (the training
   and validation losses too). */
static void equal_every_loss(nnact_mpi *m)
{
    static struct snaps a, b;
    const size_t np = 5 * 12 + 12 + 12 * 7 + 7 + 7 * 2 + 2;
    for (size_t k = 0; k < nnact_loss_count(); k++) {
        fit_loss = (nnact_loss_kind)k;
        fit_t = k == NNACT_LOSS_BCE_LOGITS || k == NNACT_LOSS_SOFTMAX_CE ? TU
                : k == NNACT_LOSS_SOFTMAX_CE_INDEX                       ? TI
                                                                         : T;
        const double lr = k == NNACT_LOSS_HALF_SSE ? 0.002 : 0.05;
        nnact_fit_config *c = make_config(4, 0, 0.0);
        nnact_fit_report ra = {.size = sizeof ra}, rb = {.size = sizeof rb};
        reference_fit(m, NNACT_OPT_SGD, lr, c, &a, &ra);
        dist_fit(m, NNACT_OPT_SGD, lr, c, &b, &rb);
        CHECK(a.n == 4 && b.n == 4);
        for (size_t s = 0; s < a.n; s++)
            CHECK(rel_dist(np, a.p[s], b.p[s]) <= 1e-12);
        CHECK(fabs(rb.last_loss - ra.last_loss) <= 1e-12 * fabs(ra.last_loss));
        nnact_fit_config_free(c);
        c = make_config(2, 10, 0.2);
        reference_fit(m, NNACT_OPT_SGD, lr, c, &a, &ra);
        dist_fit(m, NNACT_OPT_SGD, lr, c, &b, &rb);
        CHECK(rel_dist(np, a.p[1], b.p[1]) <= 1e-12);
        CHECK(fabs(rb.last_loss - ra.last_loss) <= 1e-12 * fabs(ra.last_loss));
        CHECK(fabs(rb.last_val_loss - ra.last_val_loss) <= 1e-12 * fabs(ra.last_val_loss));
        nnact_fit_config_free(c);
    }
    fit_loss = NNACT_LOSS_MSE;
    fit_t = T;
    if (rank == 0)
        printf("every loss kind: %d ranks equal the one-process fit (losses too)\n", size);
}

static void mode_equal(nnact_mpi *m)
{
    static const nnact_opt_kind kinds[] = {NNACT_OPT_SGD, NNACT_OPT_ADAM, NNACT_OPT_NESTEROV};
    static const double lrs[] = {0.1, 0.01, 0.02};
    static struct snaps a, b;
    for (int i = 0; i < 3; i++) {
        /* full batch: one step an epoch, compared after each */
        nnact_fit_config *c = make_config(6, 0, 0.0);
        nnact_fit_report ra = {.size = sizeof ra}, rb = {.size = sizeof rb};
        reference_fit(m, kinds[i], lrs[i], c, &a, &ra);
        dist_fit(m, kinds[i], lrs[i], c, &b, &rb);
        CHECK(a.n == 6 && b.n == 6);
        const size_t np = 5 * 12 + 12 + 12 * 7 + 7 + 7 * 2 + 2;
        double worst = 0.0;
        for (size_t s = 0; s < a.n; s++) {
            const double d = rel_dist(np, a.p[s], b.p[s]);
            CHECK(d <= 1e-12);
            worst = fmax(worst, d);
            check_same_everywhere(np, b.p[s]);
        }
        CHECK(fabs(rb.last_loss - ra.last_loss) <= 1e-12 * fabs(ra.last_loss));
        nnact_fit_config_free(c);
        /* minibatches of 10 (3 ranks: 3, 3, 4 rows; the last batch of 3: 1, 1, 1), validation */
        c = make_config(3, 10, 0.2);
        reference_fit(m, kinds[i], lrs[i], c, &a, &ra);
        dist_fit(m, kinds[i], lrs[i], c, &b, &rb);
        CHECK(a.n == 3 && b.n == 3);
        CHECK(rel_dist(np, a.p[2], b.p[2]) <= 1e-12);
        CHECK(fabs(rb.last_loss - ra.last_loss) <= 1e-12 * fabs(ra.last_loss));
        CHECK(fabs(rb.last_val_loss - ra.last_val_loss) <= 1e-12 * fabs(ra.last_val_loss));
        CHECK(rb.best_epoch == ra.best_epoch);
        nnact_fit_config_free(c);
        if (rank == 0)
            printf("%s: %d ranks equal the one-process fit (worst step %.2e relative)\n",
                   nnact_opt_name(kinds[i]), size, worst);
    }
    equal_every_loss(m);
}

static void mode_determinism(nnact_mpi *m)
{
    static struct snaps a, b, f;
    nnact_fit_config *c = make_config(3, 8, 0.2);
    nnact_fit_report r = {.size = sizeof r};
    dist_fit(m, NNACT_OPT_ADAM, 0.01, c, &a, &r);
    dist_fit(m, NNACT_OPT_ADAM, 0.01, c, &b, &r);
    const size_t np = 5 * 12 + 12 + 12 * 7 + 7 + 7 * 2 + 2;
    for (size_t s = 0; s < 3; s++) {
        CHECK(memcmp(a.p[s], b.p[s], np * sizeof(double)) == 0);
        check_same_everywhere(np, a.p[s]);
    }
    CHECK(nnact_mpi_set_mode(m, NNACT_MPI_FAST) == NNACT_OK);
    dist_fit(m, NNACT_OPT_ADAM, 0.01, c, &f, &r);
    CHECK(rel_dist(np, a.p[2], f.p[2]) <= 1e-12);
    CHECK(nnact_mpi_set_mode(m, NNACT_MPI_DETERMINISTIC) == NNACT_OK);
    CHECK(nnact_mpi_set_mode(m, (nnact_mpi_mode)7) == NNACT_ERR_ARG);
    nnact_mpi_stats st = {.size = sizeof st};
    CHECK(nnact_mpi_stats_get(m, &st, 1) == NNACT_OK);
    CHECK(st.sums > 0 && st.bytes > 0 && st.seconds >= 0.0);
    nnact_fit_config_free(c);
    if (rank == 0) printf("determinism: %d ranks, two runs bit-identical\n", size);
}

/* A failing fit: every rank the same status and detail, every rank's
   parameters and optimizer as before. `dist` 0: through nnact_mpi_fit;
   1: nnact_net_fit_run with the record (so that each rank's own rows reach
   the fit's checks). */
static void expect_failure(nnact_mpi *m, int dist, nnact_act_kind act, const double *x,
                           nnact_status want, const char *needle)
{
    nnact_net *net = make_net(act);
    CHECK(nnact_mpi_bcast_net(m, net) == NNACT_OK);
    nnact_opt *o = make_opt(NNACT_OPT_ADAM, 0.01);
    nnact_fit_config *c = make_config(2, 8, 0.0);
    const size_t np = nnact_net_param_count(net);
    double before[MAXP], after[MAXP];
    CHECK(nnact_net_get_params(net, np, before) == NNACT_OK);
    nnact_status st;
    if (dist) {
        nnact_fit_dist d = {.size = sizeof d};
        CHECK(nnact_mpi_fit_dist(m, &d) == NNACT_OK);
        CHECK(nnact_fit_config_set_dist(c, &d) == NNACT_OK);
        st = nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, x, T, c, NULL);
        check_agreed(st, nnact_last_error());
    } else {
        st = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, x, T, c, NULL);
        check_agreed(st, nnact_mpi_last_error());
    }
    CHECK(st == want);
    CHECK(strstr(dist ? nnact_last_error() : nnact_mpi_last_error(), needle) != NULL);
    CHECK(nnact_net_get_params(net, np, after) == NNACT_OK);
    CHECK(memcmp(before, after, np * sizeof(double)) == 0);
    struct nnact__opt_state view;
    nnact__opt_state_view(o, &view);
    CHECK(view.steps == 0);
    for (size_t i = 0; i < view.n_bufs * view.bound_n; i++)
        CHECK(view.state[i] == 0.0);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Every call's refusals (local ones: no rank waits), and the collective ones
   that every rank must return alike. */
static void check_refusals(nnact_mpi *m)
{
    nnact_mpi *none = (nnact_mpi *)1;
    CHECK(nnact_mpi_create(MPI_COMM_WORLD, NULL) == NNACT_ERR_ARG);
    CHECK(strstr(nnact_mpi_last_error(), "nnact_mpi_create: out is NULL") != NULL);
    CHECK(nnact_mpi_create(MPI_COMM_NULL, &none) == NNACT_ERR_ARG && none == NULL);
    CHECK(strstr(nnact_mpi_last_error(), "MPI_COMM_NULL") != NULL);
    nnact_mpi_free(NULL);
    CHECK(nnact_mpi_rank(NULL) == 0 && nnact_mpi_size(NULL) == 0);
    CHECK(nnact_mpi_set_mode(NULL, NNACT_MPI_FAST) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_set_mode(m, (nnact_mpi_mode)-1) == NNACT_ERR_ARG);
    CHECK(strstr(nnact_mpi_last_error(), "unknown mode -1") != NULL);
    nnact_fit_dist d = {.size = sizeof d};
    CHECK(nnact_mpi_fit_dist(NULL, &d) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_fit_dist(m, NULL) == NNACT_ERR_ARG);
    d.size = 8;
    CHECK(nnact_mpi_fit_dist(m, &d) == NNACT_ERR_ARG);
    CHECK(strstr(nnact_mpi_last_error(), "d->size 8") != NULL);
    d.size = sizeof d;
    CHECK(nnact_mpi_fit_dist(m, &d) == NNACT_OK);
    CHECK(d.rank == (uint64_t)rank && d.ranks == (uint64_t)size && d.sum && d.agree);
    /* the record's sum: the ranks' values added, the same bits everywhere */
    double v[5] = {1.0 + rank, 0.5, -2.0 * rank, 1e-3, 7.0};
    CHECK(d.sum(v, 5, d.user) == 0);
    const double tri = size * (size - 1) / 2.0;
    CHECK(v[0] == size + tri && v[1] == 0.5 * size && v[2] == -2.0 * tri && v[4] == 7.0 * size);
    check_same_everywhere(5, v);
    CHECK(nnact_mpi_agree(NULL, NNACT_OK, NULL) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_bcast_net(NULL, NULL) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_fit(NULL, NULL, NULL, NNACT_LOSS_MSE, 0, NULL, NULL, NULL, NULL) ==
          NNACT_ERR_ARG);
    nnact_mpi_stats st = {.size = 8};
    CHECK(nnact_mpi_stats_get(NULL, &st, 0) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_stats_get(m, NULL, 0) == NNACT_ERR_ARG);
    CHECK(nnact_mpi_stats_get(m, &st, 0) == NNACT_ERR_ARG);
    /* agreement: rank 1's failure reaches every rank with its detail */
    nnact_status mine = NNACT_OK;
    if (rank == 1) {
        nnact_net *bad = NULL;
        mine = nnact_net_create(0, &bad); /* a real libnnact refusal on rank 1 only */
        CHECK(mine == NNACT_ERR_ARG);
        /* the detail nnact_mpi_agree passes on is libnnact_mpi's own: hand it over */
        CHECK(nnact_mpi_set_mode(m, (nnact_mpi_mode)9) == NNACT_ERR_ARG);
    }
    nnact_status got = nnact_mpi_agree(m, mine, nnact_mpi_last_error());
    CHECK(got == NNACT_ERR_ARG);
    char want[96];
    snprintf(want, sizeof want, "unknown mode 9 (rank 1 of %d)", size);
    CHECK(strstr(nnact_mpi_last_error(), want) != NULL);
    check_agreed(got, nnact_mpi_last_error());
    CHECK(nnact_mpi_agree(m, NNACT_OK, NULL) == NNACT_OK);
    /* networks that differ on the last rank: SHAPE everywhere, nothing changed */
    nnact_net *net = make_net(NNACT_ACT_TANH);
    if (rank == size - 1) CHECK(nnact_net_add_dense(net, 3, NNACT_ACT_TANH, 0.0) == NNACT_OK);
    got = nnact_mpi_bcast_net(m, net);
    CHECK(got == NNACT_ERR_SHAPE);
    CHECK(strstr(nnact_mpi_last_error(), "the networks differ between ranks") != NULL);
    check_agreed(got, nnact_mpi_last_error());
    nnact_net_free(net);
}

static void mode_faults(nnact_mpi *m)
{
    static double x[ROWS * NIN];
    const int last = size - 1;
    char want[128];
    check_refusals(m);
    /* a NaN in row 4 on the last rank only */
    memcpy(x, X, sizeof x);
    if (rank == last) x[4 * NIN + 1] = NAN;
    expect_failure(m, 0, NNACT_ACT_TANH, x, NNACT_ERR_ARG, "the rows differ between ranks");
    snprintf(want, sizeof want, "row 4: input 1 is nan (rank %d of %d)", last, size);
    expect_failure(m, 1, NNACT_ACT_TANH, x, NNACT_ERR_ARG, want);
    /* finite but huge rows on the last rank: its shard's loss overflows at the first step */
    memcpy(x, X, sizeof x);
    if (rank == last)
        for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
            x[i] *= 1e200;
    expect_failure(m, 1, NNACT_ACT_RELU, x, NNACT_ERR_NUMERIC, "loss is inf");
    /* an allocation failing on rank 1 only, each of its allocations in turn */
    int failures = 0;
    for (size_t k = 0;; k++) {
        nnact_net *net = make_net(NNACT_ACT_TANH);
        nnact_opt *o = make_opt(NNACT_OPT_ADAM, 0.01);
        nnact_fit_config *c = make_config(1, 8, 0.2);
        CHECK(nnact_mpi_bcast_net(m, net) == NNACT_OK);
        const size_t np = nnact_net_param_count(net);
        double before[MAXP], after[MAXP];
        CHECK(nnact_net_get_params(net, np, before) == NNACT_OK);
        struct fail_at fa = {k, 0};
        if (rank == 1) nnact__alloc_set_hook(fail_kth, &fa);
        nnact_status st = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
        nnact__alloc_set_hook(NULL, NULL);
        check_agreed(st, st == NNACT_OK ? "" : nnact_mpi_last_error());
        nnact_fit_config_free(c);
        if (st == NNACT_OK) {
            nnact_opt_free(o);
            nnact_net_free(net);
            break;
        }
        failures++;
        CHECK(st == NNACT_ERR_NOMEM);
        CHECK(strstr(nnact_mpi_last_error(), "(rank 1 of") != NULL);
        CHECK(nnact_net_get_params(net, np, after) == NNACT_OK);
        CHECK(memcmp(before, after, np * sizeof(double)) == 0);
        struct nnact__opt_state view;
        nnact__opt_state_view(o, &view);
        CHECK(view.steps == 0 && view.bound_n == 0);
        nnact_opt_free(o);
        nnact_net_free(net);
    }
    CHECK(failures >= 3);
    if (rank == 0)
        printf("faults: %d ranks agree on bad rows, overflow and %d allocation failures\n", size,
               failures);
}

/* ---- agreement: what one rank alone gets wrong ends every rank alike ---- */

/* st and detail the same on every rank, st == want, the detail holds needle */
static void expect_agreed(nnact_status st, const char *detail, nnact_status want,
                          const char *needle)
{
    check_agreed(st, detail);
    if (st != want || strstr(detail, needle) == NULL)
        fprintf(stderr, "rank %d: got %d \"%s\", want %d with \"%s\"\n", rank, (int)st, detail,
                (int)want, needle);
    CHECK(st == want);
    CHECK(strstr(detail, needle) != NULL);
}

static int reserve_fails(size_t max_n, void *user)
{
    (void)max_n;
    (void)user;
    return -1;
}

/* The ring's documented order: slice s of n (elements [s n / P, (s+1) n / P))
   is ((v_s + v_{s+1}) + ...) + v_{s-1}, ranks mod P. Values where the order
   changes the result (1e16 + 1 - 1e16): an implementation adding in another
   order (MPI_Allreduce's algorithms) fails at 3 ranks. */
static double order_value(int r, size_t i)
{
    static const double v[] = {1e16, 1.0, -1e16, 3.0, -1.0, 1e-3, 2.5e15};
    return v[((size_t)r * 5 + i * 3) % (sizeof v / sizeof v[0])];
}

static void check_sum_order_n(nnact_mpi *m, size_t n)
{
    enum { N = 11 };
    CHECK(n <= N);
    nnact_fit_dist d = {.size = sizeof d};
    CHECK(nnact_mpi_fit_dist(m, &d) == NNACT_OK);
    double x[N], want[N];
    for (size_t i = 0; i < n; i++)
        x[i] = order_value(rank, i);
    for (int s = 0; s < size; s++) {
        const size_t lo = (size_t)s * n / (size_t)size, hi = (size_t)(s + 1) * n / (size_t)size;
        for (size_t i = lo; i < hi; i++) {
            double acc = order_value(s, i);
            for (int j = 1; j < size; j++)
                acc = acc + order_value((s + j) % size, i);
            want[i] = acc;
        }
    }
    CHECK(d.sum(x, n, d.user) == 0);
    CHECK(memcmp(x, want, n * sizeof x[0]) == 0);
    if (n < N) return;
    /* the same values summed in rank order differ somewhere at 3 ranks: the
       check above can fail */
    int differs = 0;
    for (size_t i = 0; i < N; i++) {
        double acc = order_value(0, i);
        for (int r = 1; r < size; r++)
            acc += order_value(r, i);
        differs |= acc != want[i];
    }
    CHECK(size < 3 || differs);
}

static void check_sum_order(nnact_mpi *m)
{
    check_sum_order_n(m, 11);
    /* the fast mode's small sums (losses, failure counts, stop votes: the
       best epoch and early stopping rest on them) take the ring as well */
    CHECK(nnact_mpi_set_mode(m, NNACT_MPI_FAST) == NNACT_OK);
    check_sum_order_n(m, 2);
    check_sum_order_n(m, 1);
    CHECK(nnact_mpi_set_mode(m, NNACT_MPI_DETERMINISTIC) == NNACT_OK);
}

/* bcast_net compares every layer, not only the counts; a scaling that fails
   to apply on one rank is undone on the others. */
static void check_bcast_net(nnact_mpi *m)
{
    const int last = size - 1;
    /* the same parameter count, another hidden activation on the last rank */
    nnact_net *net = make_net(rank == last ? NNACT_ACT_RELU : NNACT_ACT_TANH);
    nnact_status got = nnact_mpi_bcast_net(m, net);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_SHAPE, "the networks differ");
    nnact_net_free(net);
    net = make_net(NNACT_ACT_TANH);
    const size_t np = nnact_net_param_count(net);
    double before[MAXP], after[MAXP], shift[NIN], scale[NIN];
    for (int j = 0; j < NIN; j++) {
        shift[j] = 0.1 * j;
        scale[j] = 1.0 + j;
    }
    if (rank == 0) CHECK(nnact_net_set_input_scaling(net, shift, scale) == NNACT_OK);
    CHECK(nnact_net_get_params(net, np, before) == NNACT_OK);
    /* rank 1's allocations fail: its scaling cannot be set */
    struct fail_at fa = {0, 0};
    if (rank == 1) nnact__alloc_set_hook(fail_kth, &fa);
    got = nnact_mpi_bcast_net(m, net);
    nnact__alloc_set_hook(NULL, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_NOMEM, "(rank 1 of");
    int present = -1;
    CHECK(nnact_net_get_input_scaling(net, NULL, NULL, &present) == NNACT_OK);
    CHECK(present == (rank == 0));
    CHECK(nnact_net_get_params(net, np, after) == NNACT_OK);
    CHECK(memcmp(before, after, np * sizeof(double)) == 0);
    /* and without the fault every rank gets rank 0's scaling and parameters */
    CHECK(nnact_mpi_bcast_net(m, net) == NNACT_OK);
    CHECK(nnact_net_get_input_scaling(net, shift, scale, &present) == NNACT_OK);
    CHECK(present == 1 && scale[2] == 3.0);
    nnact_net_free(net);
}

/* rank 0 cannot write the checkpoint: IO on every rank */
static void check_checkpoint_failure(nnact_mpi *m)
{
    nnact_net *net = make_net(NNACT_ACT_TANH);
    nnact_opt *o = make_opt(NNACT_OPT_SGD, 0.01);
    nnact_fit_config *c = make_config(2, 8, 0.0);
    /* only rank 0 writes: the others' path is never used */
    CHECK(nnact_fit_config_set_checkpoint(c, rank == 0 ? "/nonexistent-nnact-dir/c.ckpt"
                                                       : "/tmp/unused.ckpt") == NNACT_OK);
    nnact_status got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_IO, "(rank 0 of");
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static void mode_agreement(nnact_mpi *m)
{
    const int last = size - 1;
    char want[160];
    check_sum_order(m);
    /* a libnnact failure on rank 1, detail NULL: libnnact's detail, even when
       libnnact_mpi failed since */
    nnact_status mine = NNACT_OK;
    if (rank == 1) {
        nnact_net *bad = NULL;
        mine = nnact_net_create(0, &bad);
        CHECK(nnact_mpi_set_mode(m, (nnact_mpi_mode)9) == NNACT_ERR_ARG);
    }
    nnact_status got = nnact_mpi_agree(m, mine, NULL);
    snprintf(want, sizeof want, "(rank 1 of %d)", size);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, want);
    CHECK(strncmp(nnact_mpi_last_error(), "nnact_net_create: ", 18) == 0);
    /* the caller's own text */
    got = nnact_mpi_agree(m, rank == last ? NNACT_ERR_IO : NNACT_OK, "my file is gone");
    snprintf(want, sizeof want, "my file is gone (rank %d of %d)", last, size);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_IO, want);

    nnact_net *net = make_net(NNACT_ACT_TANH);
    CHECK(nnact_mpi_bcast_net(m, net) == NNACT_OK);
    const size_t np = nnact_net_param_count(net);
    double before[MAXP], after[MAXP];
    CHECK(nnact_net_get_params(net, np, before) == NNACT_OK);
    nnact_opt *o = make_opt(NNACT_OPT_ADAM, 0.01);
    nnact_fit_config *c = make_config(2, 8, 0.0);
    /* a report record too small on the last rank only */
    nnact_fit_report rep = {.size = rank == last ? 3 : sizeof rep};
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &rep);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "report->size 3");
    /* a NULL configuration on the last rank only */
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, rank == last ? NULL : c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "cfg is NULL");
    /* the same through nnact_net_fit_run and the record: libnnact agrees on it */
    nnact_fit_dist d = {.size = sizeof d};
    CHECK(nnact_mpi_fit_dist(m, &d) == NNACT_OK);
    CHECK(d.reserve != NULL);
    CHECK(d.reserve(np, d.user) == 0);
    nnact_fit_config *cd = make_config(2, 8, 0.0);
    CHECK(nnact_fit_config_set_dist(cd, &d) == NNACT_OK);
    got = nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, cd, &rep);
    snprintf(want, sizeof want, "report->size 3 is below");
    expect_agreed(got, nnact_last_error(), NNACT_ERR_ARG, want);
    /* the transport's reserve failing on the last rank: NOMEM everywhere at the start */
    nnact_fit_dist dr = d;
    if (rank == last) dr.reserve = reserve_fails;
    nnact_fit_config *cr = make_config(2, 8, 0.0);
    CHECK(nnact_fit_config_set_dist(cr, &dr) == NNACT_OK);
    got = nnact_net_fit_run(net, o, NNACT_LOSS_MSE, ROWS, X, T, cr, NULL);
    expect_agreed(got, nnact_last_error(), NNACT_ERR_NOMEM, "could not reserve");
    nnact_fit_config_free(cr);
    /* the last rank's optimizer bound to 3 parameters */
    nnact_opt *ob = make_opt(NNACT_OPT_ADAM, 0.01);
    if (rank == last) {
        double p3[3] = {1, 2, 3};
        const double g3[3] = {0.1, 0.2, 0.3};
        CHECK(nnact_opt_step(ob, 3, p3, g3) == NNACT_OK);
    }
    got = nnact_net_fit_run(net, ob, NNACT_LOSS_MSE, ROWS, X, T, cd, NULL);
    expect_agreed(got, nnact_last_error(), NNACT_ERR_SHAPE, "the optimizer is bound to 3");
    got = nnact_mpi_fit(m, net, ob, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "the optimizers differ");
    nnact_opt_free(ob);
    /* another learning rate on the last rank */
    ob = make_opt(NNACT_OPT_ADAM, rank == last ? 0.02 : 0.01);
    got = nnact_mpi_fit(m, net, ob, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "the optimizers differ");
    nnact_opt_free(ob);
    nnact_fit_config_free(cd);
    /* rows that differ by two sign bits (which a word-wise FNV hash cancels) */
    static double x[ROWS * NIN], t[ROWS * 2];
    memcpy(x, X, sizeof x);
    memcpy(t, T, sizeof t);
    if (rank == last) {
        x[0] = -x[0];
        x[7] = -x[7];
        t[3] = -t[3];
        t[10] = -t[10];
    }
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, x, T, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "the rows differ between ranks");
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, t, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG, "the rows differ between ranks");
    /* a row count whose bytes overflow: refused before anything is read */
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, SIZE_MAX / 16, X, T, c, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_OVERFLOW, "overflow");
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, rank == last ? SIZE_MAX / 16 : ROWS, X, T, c,
                        NULL);
    CHECK(got != NNACT_OK);
    check_agreed(got, nnact_mpi_last_error());
    /* the record's agree with no room for a detail: refused (no write before buf) */
    {
        nnact_status s0 = NNACT_ERR_IO;
        char b0[1] = {'x'};
        uint64_t o0 = 0;
        CHECK(d.agree(&s0, b0, 0, &o0, d.user) != 0);
        CHECK(b0[0] == 'x' && s0 == NNACT_ERR_IO);
    }
    /* fit settings that differ (M2): before the check, a checkpoint on rank 0
       only hung every rank at the first epoch's save, and other epochs on the
       last rank left rank 0 waiting; now ARG everywhere at the start */
    nnact_fit_config *cs = make_config(2, 8, 0.0);
    if (rank == 0)
        CHECK(nnact_fit_config_set_checkpoint(cs, "/nonexistent-nnact-dir/c.ckpt") == NNACT_OK);
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, cs, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG,
                  "the fit configurations differ between ranks");
    nnact_fit_config_free(cs);
    cs = make_config(rank == last ? 3 : 2, 8, 0.0);
    got = nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, cs, NULL);
    expect_agreed(got, nnact_mpi_last_error(), NNACT_ERR_ARG,
                  "the fit configurations differ between ranks");
    nnact_fit_config_free(cs);
    /* none of it changed anything */
    CHECK(nnact_net_get_params(net, np, after) == NNACT_OK);
    CHECK(memcmp(before, after, np * sizeof(double)) == 0);
    CHECK(nnact_opt_step_count(o) == 0);
    /* and a fit still runs */
    CHECK(nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL) == NNACT_OK);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
    check_bcast_net(m);
    check_checkpoint_failure(m);
    if (rank == 0)
        printf("agreement: %d ranks: fixed-order sums; one rank's bad report, cfg, optimizer, "
               "reserve, rows, fit settings: the same status everywhere, nothing changed\n",
               size);
}

static void ckpt_path(char *p, size_t cap, const char *dir)
{
    snprintf(p, cap, "%s/c.ckpt", dir);
}

static void mode_ckpt_write(nnact_mpi *m, const char *dir)
{
    char path[512];
    ckpt_path(path, sizeof path, dir);
    nnact_net *net = make_net(NNACT_ACT_TANH);
    nnact_opt *o = make_opt(NNACT_OPT_ADAM, 0.01);
    nnact_fit_config *c = make_config(2, 8, 0.2);
    CHECK(nnact_fit_config_set_checkpoint(c, path) == NNACT_OK);
    CHECK(nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL) == NNACT_OK);
    CHECK(access(path, R_OK) == 0);
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

/* Every rank resumes the checkpoint to epoch `epochs`; the result is compared
   with the one-process uninterrupted fit when `compare`. */
static void mode_ckpt_resume(nnact_mpi *m, const char *dir, uint64_t epochs, int compare)
{
    char path[512];
    ckpt_path(path, sizeof path, dir);
    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_checkpoint_position pos = {.size = sizeof pos};
    nnact_status st = nnact_checkpoint_load_at(path, 0, &net, &o, &pos);
    CHECK(nnact_mpi_agree(m, st, NULL) == NNACT_OK);
    nnact_fit_config *c = make_config(epochs, 8, 0.2);
    CHECK(nnact_fit_config_resume(c, &pos) == NNACT_OK);
    nnact_fit_report r = {.size = sizeof r};
    CHECK(nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, &r) == NNACT_OK);
    CHECK(r.epochs_done == epochs);
    const size_t np = nnact_net_param_count(net);
    double p[MAXP], q[MAXP];
    CHECK(nnact_net_get_params(net, np, p) == NNACT_OK);
    check_same_everywhere(np, p);
    if (compare) {
        /* one process, uninterrupted, from rank 0's first network */
        nnact_net *ref = make_net_seeded(NNACT_ACT_TANH, 11);
        nnact_opt *oref = make_opt(NNACT_OPT_ADAM, 0.01);
        nnact_fit_config *cr = make_config(epochs, 8, 0.2);
        CHECK(nnact_net_fit_run(ref, oref, NNACT_LOSS_MSE, ROWS, X, T, cr, NULL) == NNACT_OK);
        CHECK(nnact_net_get_params(ref, np, q) == NNACT_OK);
        const double d = rel_dist(np, q, p);
        CHECK(d <= 1e-12);
        if (rank == 0)
            printf("resumed on %d ranks: %s the one-process fit (%.2e relative)\n", size,
                   d == 0.0 ? "bit-identical to" : "within 1e-12 of", d);
        nnact_fit_config_free(cr);
        nnact_opt_free(oref);
        nnact_net_free(ref);
    }
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
}

static int kill_at_3(const nnact_fit_epoch *e, void *user)
{
    (void)user;
    if (rank == 1 && e->epoch == 3) raise(SIGKILL);
    return 0;
}

static void mode_kill(nnact_mpi *m, const char *dir)
{
    char path[512];
    ckpt_path(path, sizeof path, dir);
    nnact_net *net = make_net(NNACT_ACT_TANH);
    nnact_opt *o = make_opt(NNACT_OPT_ADAM, 0.01);
    nnact_fit_config *c = make_config(1000, 8, 0.2);
    CHECK(nnact_fit_config_set_checkpoint(c, path) == NNACT_OK);
    CHECK(nnact_fit_config_set_epoch_callback(c, kill_at_3, NULL) == NNACT_OK);
    nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, ROWS, X, T, c, NULL);
    /* not reached on any rank: rank 1 is gone, the others wait for it until mpirun ends them */
    fprintf(stderr, "rank %d: the fit returned after rank 1 was killed\n", rank);
    MPI_Abort(MPI_COMM_WORLD, 3);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "uninit") == 0) {
        /* run without mpirun and without MPI_Init: create refuses */
        nnact_mpi *none = (nnact_mpi *)1;
        const int ok = nnact_mpi_create(MPI_COMM_WORLD, &none) == NNACT_ERR_ARG && none == NULL &&
                       strstr(nnact_mpi_last_error(), "MPI is not initialised") != NULL;
        printf("uninit: nnact_mpi_create %s\n", ok ? "refused (MPI not initialised)" : "FAILED");
        return ok ? 0 : 1;
    }
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(argc >= 2);
    nnact_blas_set_threads(1);
    make_data();
    nnact_mpi *m = NULL;
    CHECK(nnact_mpi_create(MPI_COMM_WORLD, &m) == NNACT_OK);
    CHECK(nnact_mpi_rank(m) == rank && nnact_mpi_size(m) == size);
    const char *mode = argv[1], *dir = argc > 2 ? argv[2] : ".";
    if (strcmp(mode, "equal") == 0)
        mode_equal(m);
    else if (strcmp(mode, "determinism") == 0)
        mode_determinism(m);
    else if (strcmp(mode, "faults") == 0)
        mode_faults(m);
    else if (strcmp(mode, "agreement") == 0)
        mode_agreement(m);
    else if (strcmp(mode, "ckpt_write") == 0)
        mode_ckpt_write(m, dir);
    else if (strcmp(mode, "ckpt_resume") == 0)
        mode_ckpt_resume(m, dir, 4, 1);
    else if (strcmp(mode, "kill") == 0)
        mode_kill(m, dir);
    else if (strcmp(mode, "resume_after_kill") == 0)
        mode_ckpt_resume(m, dir, 6, 0);
    else
        CHECK(!"unknown mode");
    nnact_mpi_free(m);
    MPI_Finalize();
    return 0;
}
