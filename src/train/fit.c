/* nnact_net_fit / nnact_net_fit_ex: epochs of shuffled minibatches over
 * nnact_net_train_step, a validation split scored after each epoch, the best
 * epoch remembered; a run resumes at a given epoch by replaying the skipped
 * epochs' shuffles from the seed, and may checkpoint itself after each epoch. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "init/rng.h"
#include "net/net_internal.h"
#include "nnact/io.h"
#include "nnact/train.h"

/* PRNG stream of the shuffles, apart from the streams nnact_net_init uses (layer indices) */
#define FIT_SHUFFLE_STREAM UINT64_C(0x53485546464c4531)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct fit_buffers {
    size_t *order;     /* n_train row indices */
    double *xb, *tb;   /* batch copies */
    double *yv, *work; /* validation output and predict scratch */
    double *best;      /* parameters of the best epoch */
};

static void free_buffers(struct fit_buffers *b)
{
    nnact__free(b->order);
    nnact__free(b->xb);
    nnact__free(b->tb);
    nnact__free(b->yv);
    nnact__free(b->work);
    nnact__free(b->best);
}

/* count * size bytes (at least one element), or NULL and *failed set */
static void *alloc_array(size_t count, size_t size, int *failed)
{
    size_t bytes;
    if (*failed || !nnact__mul_size(count ? count : 1, size, &bytes)) {
        *failed = 1;
        return NULL;
    }
    void *p = nnact__malloc(bytes);
    if (p == NULL) *failed = 1;
    return p;
}

static nnact_status fit_run(const char *who, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                            size_t n, const double *x, const double *t, size_t start_epoch,
                            size_t epochs, size_t batch_size, double val_fraction, uint64_t seed,
                            const nnact_sched *sched, unsigned flags, const char *checkpoint,
                            nnact_fit_callback cb, void *user, size_t *best_epoch,
                            double *best_loss);

/* Fisher-Yates over the running order: each epoch permutes the previous
   epoch's order, so epoch e's order depends on every shuffle before it */
static void shuffle(size_t *order, size_t n_train, struct nnact__rng *rng)
{
    for (size_t i = n_train - 1; i > 0; i--) {
        size_t j = (size_t)nnact__rng_below(rng, (uint64_t)i + 1);
        size_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
}

/* Writes the checkpoint of the state after `epochs_done` epochs. The
   optimizer's LR hyper-parameter is the scheduled one during an epoch; it is
   set to base_lr while the file is written, so the file's optimizer is the one
   a resumed fit must be given, then set back (both values were accepted
   before, so neither set can fail). */
static nnact_status save_checkpoint(const char *path, const nnact_net *net, nnact_opt *o,
                                    const nnact_sched *sched, double base_lr, size_t epochs_done,
                                    uint64_t seed, const struct nnact__rng *rng)
{
    double lr = base_lr;
    if (sched != NULL) {
        nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr);
        nnact_opt_set(o, NNACT_OPT_PARAM_LR, base_lr);
    }
    nnact_status st =
        nnact_checkpoint_save(path, net, o, (uint64_t)epochs_done, 0, base_lr, seed, rng->counter);
    if (sched != NULL) nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr);
    return st;
}

nnact_status nnact_net_fit(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                           const double *x, const double *t, size_t epochs, size_t batch_size,
                           double val_fraction, uint64_t seed, const nnact_sched *sched,
                           unsigned flags, nnact_fit_callback cb, void *user, size_t *best_epoch,
                           double *best_loss)
{
    return fit_run("nnact_net_fit", net, o, k, n, x, t, 0, epochs, batch_size, val_fraction, seed,
                   sched, flags, NULL, cb, user, best_epoch, best_loss);
}

nnact_status nnact_net_fit_ex(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                              const double *x, const double *t, size_t start_epoch, size_t epochs,
                              size_t batch_size, double val_fraction, uint64_t seed,
                              const nnact_sched *sched, unsigned flags, const char *checkpoint,
                              nnact_fit_callback cb, void *user, size_t *best_epoch,
                              double *best_loss)
{
    return fit_run("nnact_net_fit_ex", net, o, k, n, x, t, start_epoch, epochs, batch_size,
                   val_fraction, seed, sched, flags, checkpoint, cb, user, best_epoch, best_loss);
}

static nnact_status fit_run(const char *who, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                            size_t n, const double *x, const double *t, size_t start_epoch,
                            size_t epochs, size_t batch_size, double val_fraction, uint64_t seed,
                            const nnact_sched *sched, unsigned flags, const char *checkpoint,
                            nnact_fit_callback cb, void *user, size_t *best_epoch,
                            double *best_loss)
{
    NNACT_RETURN_IF(net == NULL || o == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "optimizer");
    NNACT_RETURN_IF(x == NULL || t == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    x == NULL ? "x" : "t");
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "%s: n is 0", who);
    NNACT_RETURN_IF(epochs == 0, NNACT_ERR_ARG, "%s: epochs is 0", who);
    NNACT_RETURN_IF(start_epoch > epochs, NNACT_ERR_ARG,
                    "%s: start_epoch %zu is past the last epoch %zu", who, start_epoch, epochs);
    NNACT_RETURN_IF(checkpoint != NULL && checkpoint[0] == '\0', NNACT_ERR_ARG,
                    "%s: checkpoint path is empty", who);
    NNACT_RETURN_IF(batch_size == 0, NNACT_ERR_ARG, "%s: batch_size is 0", who);
    NNACT_RETURN_IF(flags & ~(NNACT_FIT_NO_SHUFFLE | NNACT_FIT_RESTORE_BEST), NNACT_ERR_ARG,
                    "%s: unknown flags 0x%x", who, flags);
    NNACT_RETURN_IF(!(val_fraction >= 0.0 && val_fraction < 1.0), NNACT_ERR_ARG,
                    "%s: val_fraction = %g is outside [0, 1)", who, val_fraction);
    NNACT_RETURN_IF(nnact_net_layer_count(net) == 0, NNACT_ERR_STATE, "%s: network has no layers",
                    who);
    const size_t n_in = nnact_net_input_size(net), n_out = nnact_net_output_size(net);
    const size_t tw = nnact_loss_target_width(k, n_out);
    NNACT_RETURN_IF(tw == 0, NNACT_ERR_ARG, "%s: unknown loss kind %d", who, (int)k);
    const size_t n_val = (size_t)floor((double)n * val_fraction);
    NNACT_RETURN_IF(val_fraction > 0.0 && (n_val == 0 || n_val >= n), NNACT_ERR_ARG,
                    "%s: val_fraction %g of %zu rows leaves an empty side", who, val_fraction, n);
    const size_t n_train = n - n_val;
    NNACT_RETURN_IF(batch_size > n_train, NNACT_ERR_ARG,
                    "%s: batch_size %zu is larger than the %zu training rows", who, batch_size,
                    n_train);
    double base_lr;
    NNACT_FORWARD_IF_ERROR(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &base_lr));
    const size_t np = nnact_net_param_count(net);

    struct fit_buffers b = {0};
    int failed = 0;
    size_t work_n = 0;
    if (n_val > 0) NNACT_FORWARD_IF_ERROR(nnact_net_predict_workspace(net, n_val, &work_n));
    size_t cells;
    b.order = alloc_array(n_train, sizeof(size_t), &failed);
    failed |= !nnact__mul_size(batch_size, n_in, &cells);
    b.xb = alloc_array(cells, sizeof(double), &failed);
    failed |= !nnact__mul_size(batch_size, tw, &cells);
    b.tb = alloc_array(cells, sizeof(double), &failed);
    if (n_val > 0) {
        failed |= !nnact__mul_size(n_val, n_out, &cells);
        b.yv = alloc_array(cells, sizeof(double), &failed);
        b.work = alloc_array(work_n, sizeof(double), &failed);
    }
    if (flags & NNACT_FIT_RESTORE_BEST) b.best = alloc_array(np, sizeof(double), &failed);
    if (failed) {
        free_buffers(&b);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (or sizes overflow)", who);
    }
    for (size_t i = 0; i < n_train; i++)
        b.order[i] = i;

    struct nnact__rng rng;
    nnact__rng_init(&rng, seed, FIT_SHUFFLE_STREAM);
    /* the skipped epochs' shuffles, replayed: the order and the PRNG are then
       exactly where an uninterrupted run has them (about n_train - 1 draws an epoch) */
    if (!(flags & NNACT_FIT_NO_SHUFFLE))
        for (size_t e = 0; e < start_epoch; e++)
            shuffle(b.order, n_train, &rng);
    const double t0 = now_seconds();
    nnact_status st = NNACT_OK;
    size_t best_e = 0;
    double best = INFINITY;
    for (size_t e = start_epoch; e < epochs; e++) {
        if (sched != NULL) {
            double lr;
            st = nnact_sched_lr(sched, base_lr, (uint64_t)e, &lr);
            if (st == NNACT_OK) st = nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr);
            if (st != NNACT_OK) break;
        }
        if (!(flags & NNACT_FIT_NO_SHUFFLE)) shuffle(b.order, n_train, &rng);
        double sum = 0.0;
        for (size_t start = 0; start < n_train && st == NNACT_OK; start += batch_size) {
            size_t rows = n_train - start < batch_size ? n_train - start : batch_size;
            for (size_t r = 0; r < rows; r++) {
                size_t src = b.order[start + r];
                memcpy(b.xb + r * n_in, x + src * n_in, n_in * sizeof(double));
                memcpy(b.tb + r * tw, t + src * tw, tw * sizeof(double));
            }
            double L;
            st = nnact_net_train_step(net, o, k, rows, b.xb, b.tb, &L);
            sum += L * (double)rows;
        }
        if (st != NNACT_OK) break;
        double train_loss = sum / (double)n_train, val_loss = NAN;
        if (n_val > 0) {
            st = nnact_net_predict_ws(net, n_val, x + n_train * n_in, b.yv, b.work, work_n);
            if (st == NNACT_OK)
                st = nnact_loss(k, n_val, n_out, b.yv, t + n_train * tw, &val_loss, NULL);
            if (st != NNACT_OK) break;
        }
        double score = n_val > 0 ? val_loss : train_loss;
        if (score < best) {
            best = score;
            best_e = e + 1;
            if (b.best != NULL) memcpy(b.best, nnact__net_params(net, NULL), np * sizeof(double));
        }
        if (checkpoint != NULL) {
            st = save_checkpoint(checkpoint, net, o, sched, base_lr, e + 1, seed, &rng);
            if (st != NNACT_OK) break;
        }
        if (cb != NULL && cb(e + 1, epochs, train_loss, val_loss, now_seconds() - t0, user) != 0)
            break;
    }
    /* the rate goes back to what the caller set (base_lr was accepted before,
       so this cannot fail and the detail of a failed step stays) */
    if (sched != NULL) nnact_opt_set(o, NNACT_OPT_PARAM_LR, base_lr);
    if (st == NNACT_OK && b.best != NULL && best_e > 0)
        memcpy(nnact__net_params(net, NULL), b.best, np * sizeof(double));
    free_buffers(&b);
    if (best_epoch != NULL) *best_epoch = best_e;
    if (best_loss != NULL) *best_loss = best_e > 0 ? best : NAN;
    return st;
}
