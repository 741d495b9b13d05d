/* The data-parallel fit's pieces (nnact_fit_config_set_dist, docs/SCALING.md):
 * the fit loop of fit.c calls these instead of the one-process step when the
 * configuration has a nnact_fit_dist. The transport (MPI in libnnact_mpi) is
 * the caller's: this file only calls the record's sum and agree.
 *
 * A step is split where the ranks must meet:
 *
 *   shard's forward, loss, backward (no update) -> ONE small sum of
 *   [loss sum, failed?] -> a failure anywhere: agree on it, nothing updated
 *   -> the gradient summed layer by layer (top first) -> the global loss
 *   checked -> the optimizer's checked step on the summed gradient.
 *
 * After the sums every rank holds the same bits (the transport's promise), so
 * the finiteness checks and the step decide the same everywhere; the only
 * step failure that could differ between ranks, an allocation of the
 * optimizer's state, is moved to the start (nnact__fit_dist_prepare), where
 * it is agreed on. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "loss/loss_internal.h"
#include "net/net_internal.h"
#include "optim/optim_internal.h"
#include "train/fit_internal.h"

void nnact__fit_dist_shard(const nnact_fit_dist *d, size_t rows, size_t *lo, size_t *hi)
{
    /* rows and ranks are small enough that the products fit 64 bits: rows is
       at most the data's row count, ranks a process count */
    const uint64_t r = d->rank, p = d->ranks;
    *lo = (size_t)(r * (uint64_t)rows / p);
    *hi = (size_t)((r + 1) * (uint64_t)rows / p);
}

static nnact_status transport_failed(const char *who, const nnact_fit_dist *d, const char *what)
{
    return nnact__fail(NNACT_ERR_IO, "%s: the %s between ranks failed on rank %llu", who, what,
                       (unsigned long long)d->rank);
}

nnact_status nnact__fit_dist_agree(const char *who, const nnact_fit_dist *d, nnact_status st)
{
    char detail[512] = "";
    if (st != NNACT_OK) snprintf(detail, sizeof detail, "%s", nnact_last_error());
    nnact_status agreed = st;
    uint64_t origin = d->rank;
    if (d->agree(&agreed, detail, sizeof detail, &origin, d->user) != 0)
        return transport_failed(who, d, "agreement");
    if (agreed == NNACT_OK) return NNACT_OK;
    detail[sizeof detail - 1] = '\0'; /* the transport's bytes: bounded whatever it did */
    if ((int)agreed < 0 || agreed > NNACT_ERR_NUMERIC) agreed = NNACT_ERR_IO;
    /* the same detail on every rank, naming where it happened */
    return nnact__fail(agreed, "%s (rank %llu of %llu)", detail, (unsigned long long)origin,
                       (unsigned long long)d->ranks);
}

nnact_status nnact__fit_dist_same(const char *who, const nnact_fit_dist *d, uint64_t digest)
{
    /* The digest as four 16-bit words and their squares: integers below 2^53
       for up to 2^20 ranks, so every rank gets the exact sums in any order of
       additions (MPI_Allreduce's too). The sum is P w and the sum of squares
       P w^2 only when every rank's word equals w (equal mean and mean of
       squares: no variance), so every rank decides the same. */
    enum { WORDS = 4 };
    double v[2 * WORDS], mine[WORDS];
    for (int i = 0; i < WORDS; i++) {
        mine[i] = (double)((digest >> (16 * i)) & 0xffffu);
        v[i] = mine[i];
        v[WORDS + i] = mine[i] * mine[i];
    }
    if (d->sum(v, 2 * WORDS, d->user) != 0) return transport_failed(who, d, "sum");
    const double p = (double)d->ranks;
    for (int i = 0; i < WORDS; i++)
        NNACT_RETURN_IF(v[i] != p * mine[i] || v[WORDS + i] != p * mine[i] * mine[i], NNACT_ERR_ARG,
                        "%s: the fit configurations differ between ranks (epochs, start epoch, "
                        "batch size, seed, validation fraction, shuffle, restore_best, "
                        "checkpoint set or not, its interval, patience, schedule, loss, row "
                        "count, parameter count or rank count)",
                        who);
    return NNACT_OK;
}

int nnact__fit_dist_any(const char *who, const nnact_fit_dist *d, int flag, nnact_status *st)
{
    double v = flag ? 1.0 : 0.0;
    if (d->sum(&v, 1, d->user) != 0) {
        *st = transport_failed(who, d, "sum");
        return 1;
    }
    return v > 0.0;
}

nnact_status nnact__fit_dist_prepare(const struct nnact__dist_ctx *c, size_t batch, int *bound)
{
    *bound = 0;
    size_t lo, hi, most = 1;
    for (uint64_t r = 0; r < c->d->ranks && r < batch; r++) {
        nnact_fit_dist one = *c->d;
        one.rank = r;
        nnact__fit_dist_shard(&one, batch, &lo, &hi);
        if (hi - lo > most) most = hi - lo;
    }
    NNACT_FORWARD_IF_ERROR(nnact_net_reserve(c->net, most));
    const size_t np = nnact__net_param_count(c->net);
    /* the transport's buffers for the largest sum (a layer's bucket at most
       np), here where a failure is agreed on rather than in a step's sum */
    NNACT_RETURN_IF(c->d->reserve != NULL && c->d->reserve(np, c->d->user) != 0, NNACT_ERR_NOMEM,
                    "%s: the transport could not reserve its buffers for %zu parameters", c->who,
                    np);
    struct nnact__opt_state view;
    nnact__opt_state_view(c->o, &view);
    /* an optimizer bound to another length fails its first step: here, on
       this rank only, it is agreed on instead */
    NNACT_RETURN_IF(view.bound_n != 0 && view.bound_n != np, NNACT_ERR_SHAPE,
                    "%s: the optimizer is bound to %zu parameters, the network has %zu", c->who,
                    (size_t)view.bound_n, np);
    if (view.bound_n != 0) return NNACT_OK;
    /* binding is what begin does before a step; the step that follows finds
       the optimizer bound, with the state a first step starts from */
    struct nnact__opt_run run;
    nnact__opt_run_init(c->o, NAN, &run);
    NNACT_FORWARD_IF_ERROR(nnact__opt_begin(&run, np, c->who));
    nnact__opt_state_view(c->o, &view);
    *bound = view.bound_n != 0;
    return NNACT_OK;
}

void nnact__fit_dist_unbind(nnact_opt *o)
{
    struct nnact__opt_state view;
    nnact__opt_state_view(o, &view);
    view.bound_n = 0;
    view.n_bufs = 0;
    view.state = NULL;
    /* an unbound import allocates nothing and accepts the optimizer's own
       settings: it cannot fail */
    (void)nnact__opt_state_import(o, &view, "nnact_net_fit_run");
}

/* The shard's gradient in the network's gradient array and its part of the
   global batch's loss in *loss_part. A mean loss (over the global batch's
   rows) weights the shard by its share m / rows: the gradient scaled by it
   and the loss counted m times (the sum over ranks is then divided by rows);
   a sum loss (half_sse) is already additive over the shards: weight 1. */
static nnact_status shard_gradient(const struct nnact__dist_ctx *c, const size_t *order, size_t m,
                                   size_t rows, double *loss_part)
{
    for (size_t r = 0; r < m; r++) {
        const size_t src = order[r];
        memcpy(c->xb + r * c->n_in, c->x + src * c->n_in, c->n_in * sizeof(double));
        memcpy(c->tb + r * c->tw, c->t + src * c->tw, c->tw * sizeof(double));
    }
    NNACT_FORWARD_IF_ERROR(nnact__net_forward_borrow(c->net, m, c->xb));
    const size_t n_out = nnact_net_output_size(c->net);
    double *dy = nnact__net_dy_buffer(c->net);
    double L = NAN;
    const int mean = nnact__loss_is_mean(c->k);
    nnact_status st = nnact_loss(c->k, m, n_out, nnact__net_output(c->net), c->tb, &L, dy);
    if (st == NNACT_OK) {
        /* d(global mean)/dy = (m / rows) d(shard mean)/dy: exactly 1 on one rank */
        const double share = mean ? (double)m / (double)rows : 1.0;
        if (share != 1.0)
            for (size_t i = 0; i < m * n_out; i++)
                dy[i] *= share;
        st = nnact_net_backward(c->net, dy, NULL);
    }
    nnact__net_forget_forward(c->net);
    *loss_part = mean ? L * (double)m : L;
    return st;
}

/* The gradient summed over ranks, one layer (W and b, adjacent) per call,
   from the top layer down: the order in which a backward finishes them. */
static nnact_status sum_gradients(const struct nnact__dist_ctx *c)
{
    double *g = nnact__net_grads(c->net, NULL);
    size_t end = nnact__net_param_count(c->net);
    struct nnact__net_block blk;
    for (size_t i = nnact__net_block_count(c->net); i-- > 0;) {
        nnact__net_block(c->net, i, &blk);
        if (blk.is_bias) continue; /* summed with its layer's W, which precedes it */
        if (c->d->sum(g + blk.offset, end - blk.offset, c->d->user) != 0)
            return transport_failed(c->who, c->d, "sum");
        end = blk.offset;
    }
    return NNACT_OK;
}

nnact_status nnact__fit_dist_step(const struct nnact__dist_ctx *c, const size_t *order, size_t rows,
                                  double lr, double *loss)
{
    size_t lo, hi;
    nnact__fit_dist_shard(c->d, rows, &lo, &hi);
    double head[2] = {0.0, 0.0}; /* loss sum, ranks that failed */
    nnact_status st = NNACT_OK;
    if (hi > lo) {
        st = shard_gradient(c, order + lo, hi - lo, rows, &head[0]);
    } else {
        size_t np;
        double *g = nnact__net_grads(c->net, &np);
        memset(g, 0, np * sizeof *g);
    }
    head[1] = st != NNACT_OK;
    if (c->d->sum(head, 2, c->d->user) != 0) return transport_failed(c->who, c->d, "sum");
    if (head[1] > 0.0) return nnact__fit_dist_agree(c->who, c->d, st);
    struct nnact__opt_run run;
    nnact__opt_run_init(c->o, lr, &run);
    *loss = nnact__loss_is_mean(c->k) ? head[0] / (double)rows : head[0];
    /* the same sum on every rank: the same decision everywhere */
    NNACT_RETURN_IF(run.check_finite && !isfinite(*loss), NNACT_ERR_NUMERIC,
                    "%s: loss is %g; network and optimizer left unchanged", c->who, *loss);
    NNACT_FORWARD_IF_ERROR(sum_gradients(c));
    struct nnact__opt_seg seg;
    seg.params = nnact__net_params(c->net, &seg.n);
    seg.grads = nnact__net_grads(c->net, NULL);
    return nnact__opt_step_run(&run, 1, &seg, c->who);
}

nnact_status nnact__fit_dist_val_loss(const struct nnact__dist_ctx *c, size_t n_val,
                                      const double *vx, const double *vt, double *yv, double *work,
                                      size_t work_n, double *val_loss)
{
    size_t lo, hi;
    nnact__fit_dist_shard(c->d, n_val, &lo, &hi);
    double head[2] = {0.0, 0.0};
    nnact_status st = NNACT_OK;
    if (hi > lo) {
        const size_t m = hi - lo, n_out = nnact_net_output_size(c->net);
        double L = NAN;
        st = nnact_net_predict_ws(c->net, m, vx + lo * c->n_in, yv, work, work_n);
        if (st == NNACT_OK) st = nnact_loss(c->k, m, n_out, yv, vt + lo * c->tw, &L, NULL);
        head[0] = nnact__loss_is_mean(c->k) ? L * (double)m : L;
    }
    head[1] = st != NNACT_OK;
    if (c->d->sum(head, 2, c->d->user) != 0) return transport_failed(c->who, c->d, "sum");
    if (head[1] > 0.0) return nnact__fit_dist_agree(c->who, c->d, st);
    *val_loss = nnact__loss_is_mean(c->k) ? head[0] / (double)n_val : head[0];
    return NNACT_OK;
}
