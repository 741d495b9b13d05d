/* The fit loop (nnact_net_fit_run and the 1.0 nnact_net_fit / _ex on top of
 * it): epochs of shuffled minibatches over the training step, a validation
 * split scored after each epoch, the best epoch remembered; a run resumes at
 * a given epoch by replaying the skipped epochs' shuffles from the seed, and
 * may checkpoint itself, and stops early when the validation loss has not
 * improved for PATIENCE epochs. The validation split of nnact_net_fit_run is
 * drawn with the seed (eval's split, stratified for class labels) and copied
 * into contiguous buffers at the start; the 1.0 calls keep the last rows. The
 * schedule's rate is passed into each step: the
 * optimizer's LR is not written (except around a 1.0 callback, which was
 * promised the scheduled rate there). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "eval/eval_internal.h"
#include "init/rng.h"
#include "loss/loss_internal.h"
#include "net/net_internal.h"
#include "nnact/io.h"
#include "nnact/train.h"
#include "optim/sched_internal.h"
#include "train/fit_internal.h"
#include "train/train_internal.h"

/* PRNG stream of the shuffles, apart from the streams nnact_net_init uses (layer indices) */
#define FIT_SHUFFLE_STREAM UINT64_C(0x53485546464c4531)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Sizes derived from the arguments once they are checked. */
struct fit_plan {
    size_t n_in, n_out, tw, n_train, n_val, batch, np, work_n, epochs, start;
    double base_lr;
};

struct fit_buffers {
    size_t *order;     /* n_train row indices */
    size_t *split;     /* n: the drawn split (1.1 with validation), NULL otherwise */
    double *xv, *tv;   /* the drawn validation rows, contiguous */
    double *xb, *tb;   /* batch copies */
    double *yv, *work; /* validation output and predict scratch */
    double *best;      /* parameters of the best epoch */
};

/* Everything one run carries from epoch to epoch. */
struct fit_run {
    const char *who;
    nnact_net *net;
    nnact_opt *o;
    nnact_loss_kind k;
    const double *x, *t;
    const double *vx, *vt; /* the validation rows of x and t */
    const struct nnact__fit_settings *s;
    struct fit_plan p;
    struct fit_buffers b;
    struct nnact__rng rng;
    double t0;
    double best;        /* lowest score so far; INFINITY before any */
    uint64_t stale;     /* epochs since the best one (patience) */
    nnact_fit_report r; /* what is done so far */
    int dist;           /* a data-parallel fit: dc says how (fit_dist.c) */
    struct nnact__dist_ctx dc;
    int bound;            /* the start bound the optimizer (a data-parallel fit) */
    uint64_t steps_start; /* the optimizer's step count then */
};

void nnact__fit_settings_default(struct nnact__fit_settings *s)
{
    memset(s, 0, sizeof *s);
    s->epochs = 1;
    s->batch_size = 32;
    s->checkpoint_interval = 1;
    s->shuffle = 1;
}

/* The handles, the data and the settings, in 1.0's order of checks (the
 * details of the 1.0 calls stay as they were). */
static nnact_status check_args(const char *who, const nnact_net *net, const nnact_opt *o, size_t n,
                               const double *x, const double *t,
                               const struct nnact__fit_settings *s)
{
    NNACT_RETURN_IF(net == NULL || o == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "optimizer");
    NNACT_RETURN_IF(x == NULL || t == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    x == NULL ? "x" : "t");
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "%s: n is 0", who);
    NNACT_RETURN_IF(s->epochs == 0, NNACT_ERR_ARG, "%s: epochs is 0", who);
    NNACT_RETURN_IF(s->start_epoch > s->epochs, NNACT_ERR_ARG,
                    "%s: start_epoch %llu is past the last epoch %llu", who,
                    (unsigned long long)s->start_epoch, (unsigned long long)s->epochs);
    NNACT_RETURN_IF(s->checkpoint != NULL && s->checkpoint[0] == '\0', NNACT_ERR_ARG,
                    "%s: checkpoint path is empty", who);
    NNACT_RETURN_IF(s->v1_0 && s->batch_size == 0, NNACT_ERR_ARG, "%s: batch_size is 0", who);
    NNACT_RETURN_IF(s->v1_0_unknown_flags, NNACT_ERR_ARG, "%s: unknown flags 0x%x", who,
                    s->v1_0_unknown_flags);
    NNACT_RETURN_IF(!(s->val_fraction >= 0.0 && s->val_fraction < 1.0), NNACT_ERR_ARG,
                    "%s: val_fraction = %g is outside [0, 1)", who, s->val_fraction);
    NNACT_RETURN_IF(s->patience > 0 && s->val_fraction == 0.0, NNACT_ERR_ARG,
                    "%s: patience %llu needs a validation split (val_fraction is 0)", who,
                    (unsigned long long)s->patience);
    NNACT_RETURN_IF(nnact_net_layer_count(net) == 0, NNACT_ERR_STATE, "%s: network has no layers",
                    who);
    return NNACT_OK;
}

/* Every row, training and validation alike, before anything is trained: a
 * NaN or infinite input or target can only end the fit in a non-finite loss
 * (after the epochs before it ran), and a target outside the loss's domain
 * would be reported by its place in a shuffled batch. Rows are named by
 * their index in x and t. One read pass. */
static nnact_status check_data(const char *who, nnact_loss_kind k, size_t n, const double *x,
                               const double *t, const struct fit_plan *p)
{
    for (size_t r = 0; r < n; r++) {
        for (size_t j = 0; j < p->n_in; j++)
            NNACT_RETURN_IF(!isfinite(x[r * p->n_in + j]), NNACT_ERR_ARG,
                            "%s: row %zu: input %zu is %g", who, r, j, x[r * p->n_in + j]);
        for (size_t j = 0; j < p->tw; j++)
            NNACT_RETURN_IF(!isfinite(t[r * p->tw + j]), NNACT_ERR_ARG,
                            "%s: row %zu: target %zu is %g", who, r, j, t[r * p->tw + j]);
    }
    return nnact__loss_check_targets(who, k, n, p->n_out, t);
}

/* The sizes of the run; the checks that need them. */
static nnact_status make_plan(const char *who, nnact_net *net, const nnact_opt *o,
                              nnact_loss_kind k, size_t n, const struct nnact__fit_settings *s,
                              struct fit_plan *p)
{
    p->n_in = nnact_net_input_size(net);
    p->n_out = nnact_net_output_size(net);
    p->tw = nnact_loss_target_width(k, p->n_out);
    NNACT_RETURN_IF(p->tw == 0, NNACT_ERR_ARG, "%s: unknown loss kind %d", who, (int)k);
    p->n_val = (size_t)floor((double)n * s->val_fraction);
    NNACT_RETURN_IF(s->val_fraction > 0.0 && (p->n_val == 0 || p->n_val >= n), NNACT_ERR_ARG,
                    "%s: val_fraction %g of %zu rows leaves an empty side", who, s->val_fraction,
                    n);
    p->n_train = n - p->n_val;
    NNACT_RETURN_IF(s->batch_size > p->n_train, NNACT_ERR_ARG,
                    "%s: batch_size %llu is larger than the %zu training rows", who,
                    (unsigned long long)s->batch_size, p->n_train);
    p->batch = s->batch_size == 0 ? p->n_train : (size_t)s->batch_size;
    /* both at most SIZE_MAX: the configuration's setters and the 1.0 size_t */
    p->epochs = (size_t)s->epochs;
    p->start = (size_t)s->start_epoch;
    NNACT_FORWARD_IF_ERROR(nnact_opt_get(o, NNACT_OPT_PARAM_LR, &p->base_lr));
    p->np = nnact_net_param_count(net);
    p->work_n = 0;
    if (p->n_val > 0)
        NNACT_FORWARD_IF_ERROR(nnact_net_predict_workspace(net, p->n_val, &p->work_n));
    return NNACT_OK;
}

static void free_buffers(struct fit_buffers *b)
{
    nnact__free(b->order);
    nnact__free(b->split);
    nnact__free(b->xv);
    nnact__free(b->tv);
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

/* Every allocation of the run, at its start. */
static nnact_status alloc_buffers(const char *who, const struct fit_plan *p, int keep_best,
                                  int draw_split, struct fit_buffers *b)
{
    int failed = 0;
    size_t cells;
    memset(b, 0, sizeof *b);
    b->order = alloc_array(p->n_train, sizeof(size_t), &failed);
    failed |= !nnact__mul_size(p->batch, p->n_in, &cells);
    b->xb = alloc_array(cells, sizeof(double), &failed);
    failed |= !nnact__mul_size(p->batch, p->tw, &cells);
    b->tb = alloc_array(cells, sizeof(double), &failed);
    if (p->n_val > 0) {
        failed |= !nnact__mul_size(p->n_val, p->n_out, &cells);
        b->yv = alloc_array(cells, sizeof(double), &failed);
        b->work = alloc_array(p->work_n, sizeof(double), &failed);
    }
    if (p->n_val > 0 && draw_split) {
        b->split = alloc_array(p->n_train + p->n_val, sizeof(size_t), &failed);
        failed |= !nnact__mul_size(p->n_val, p->n_in, &cells);
        b->xv = alloc_array(cells, sizeof(double), &failed);
        failed |= !nnact__mul_size(p->n_val, p->tw, &cells);
        b->tv = alloc_array(cells, sizeof(double), &failed);
    }
    if (keep_best) b->best = alloc_array(p->np, sizeof(double), &failed);
    if (failed) {
        free_buffers(b);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory (or sizes overflow)", who);
    }
    for (size_t i = 0; i < p->n_train; i++)
        b->order[i] = i;
    return NNACT_OK;
}

/* Class labels to stratify the validation split by: the class indices of
   SOFTMAX_CE_INDEX, and BCE_LOGITS targets of one output when all are 0 or
   1; NULL (a shuffled split) otherwise. */
static const double *split_labels(nnact_loss_kind k, size_t n, const double *t,
                                  const struct fit_plan *p)
{
    if (k == NNACT_LOSS_SOFTMAX_CE_INDEX) return t;
    if (k != NNACT_LOSS_BCE_LOGITS || p->tw != 1) return NULL;
    for (size_t r = 0; r < n; r++)
        if (t[r] != 0.0 && t[r] != 1.0) return NULL;
    return t;
}

/* The validation split of a 1.1 fit, from the seed (so a resumed fit draws
   the same one): the training order starts as the split's first side and the
   validation rows are copied out once. The 1.0 calls validate on the last
   rows, in place. */
static nnact_status draw_split(struct fit_run *f, size_t n)
{
    const struct fit_plan *p = &f->p;
    struct fit_buffers *b = &f->b;
    f->vx = f->x + p->n_train * p->n_in;
    f->vt = f->t + p->n_train * p->tw;
    if (b->split == NULL) return NNACT_OK;
    size_t n_first;
    NNACT_FORWARD_IF_ERROR(nnact__split_rows(f->who, n, split_labels(f->k, n, f->t, p),
                                             f->s->val_fraction, f->s->seed, b->split, &n_first));
    /* the same floor(n * fraction) rule as the plan's */
    NNACT_RETURN_IF(n_first != p->n_train, NNACT_ERR_STATE, "%s: split of %zu rows, not %zu",
                    f->who, n_first, p->n_train);
    memcpy(b->order, b->split, p->n_train * sizeof *b->order);
    for (size_t i = 0; i < p->n_val; i++) {
        const size_t src = b->split[p->n_train + i];
        memcpy(b->xv + i * p->n_in, f->x + src * p->n_in, p->n_in * sizeof(double));
        memcpy(b->tv + i * p->tw, f->t + src * p->tw, p->tw * sizeof(double));
    }
    f->vx = b->xv;
    f->vt = b->tv;
    return NNACT_OK;
}

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

/* The rate of epoch index e (0-based): the schedule's, or NAN for the
   optimizer's own LR. Refused like nnact_opt_set would refuse it. */
static nnact_status epoch_lr(const struct fit_run *f, size_t e, double *lr)
{
    *lr = NAN;
    if (f->s->sched == NULL) return NNACT_OK;
    NNACT_FORWARD_IF_ERROR(nnact_sched_lr(f->s->sched, f->p.base_lr, (uint64_t)e, lr));
    NNACT_RETURN_IF(!(isfinite(*lr) && *lr >= 0.0), NNACT_ERR_ARG,
                    "%s: the schedule gives lr %g for epoch %zu", f->who, *lr, e + 1);
    return NNACT_OK;
}

/* One pass over the training rows in minibatches; *train_loss is the
   row-weighted mean of the batch losses. */
static nnact_status train_epoch(struct fit_run *f, double lr, double *train_loss)
{
    const struct fit_plan *p = &f->p;
    struct fit_buffers *b = &f->b;
    if (f->s->shuffle) shuffle(b->order, p->n_train, &f->rng);
    double sum = 0.0;
    for (size_t start = 0; start < p->n_train; start += p->batch) {
        size_t rows = p->n_train - start < p->batch ? p->n_train - start : p->batch;
        double L;
        if (f->dist) {
            NNACT_FORWARD_IF_ERROR(nnact__fit_dist_step(&f->dc, b->order + start, rows, lr, &L));
            sum += L * (double)rows;
            continue;
        }
        for (size_t r = 0; r < rows; r++) {
            size_t src = b->order[start + r];
            memcpy(b->xb + r * p->n_in, f->x + src * p->n_in, p->n_in * sizeof(double));
            memcpy(b->tb + r * p->tw, f->t + src * p->tw, p->tw * sizeof(double));
        }
        NNACT_FORWARD_IF_ERROR(
            nnact__train_step(f->net, f->o, f->k, rows, b->xb, b->tb, lr, &L, f->who));
        sum += L * (double)rows;
    }
    *train_loss = sum / (double)p->n_train;
    return NNACT_OK;
}

/* Validation loss of the epoch (NAN without a split) and the best epoch. */
static nnact_status score_epoch(struct fit_run *f, size_t e, double train_loss, double *val_loss)
{
    const struct fit_plan *p = &f->p;
    *val_loss = NAN;
    if (p->n_val > 0 && f->dist) {
        NNACT_FORWARD_IF_ERROR(nnact__fit_dist_val_loss(&f->dc, p->n_val, f->vx, f->vt, f->b.yv,
                                                        f->b.work, p->work_n, val_loss));
    } else if (p->n_val > 0) {
        NNACT_FORWARD_IF_ERROR(
            nnact_net_predict_ws(f->net, p->n_val, f->vx, f->b.yv, f->b.work, p->work_n));
        NNACT_FORWARD_IF_ERROR(
            nnact_loss(f->k, p->n_val, p->n_out, f->b.yv, f->vt, val_loss, NULL));
    }
    if (p->n_val > 0) {
        /* the data are finite (check_data): the network overflowed on them */
        NNACT_RETURN_IF(!isfinite(*val_loss), NNACT_ERR_NUMERIC,
                        "%s: epoch %zu: the validation loss is %g (its updates stay)", f->who,
                        e + 1, *val_loss);
    }
    const double score = p->n_val > 0 ? *val_loss : train_loss;
    f->stale++;
    if (score < f->best) { /* a NaN score is never the best; equal is no improvement */
        f->stale = 0;
        f->best = score;
        f->r.best_loss = score;
        f->r.best_epoch = (uint64_t)e + 1;
        if (f->b.best != NULL)
            memcpy(f->b.best, nnact__net_params(f->net, NULL), p->np * sizeof(double));
    }
    return NNACT_OK;
}

/* The checkpoint after `done` epochs: the optimizer as it is (its LR is the
   base LR), the base LR and the shuffling PRNG's position. */
static nnact_status save_checkpoint(const struct fit_run *f, size_t done)
{
    /* a data-parallel fit: every rank holds the same bits, rank 0 writes,
       and every rank learns whether it could */
    nnact_status st = NNACT_OK;
    if (!f->dist || f->dc.d->rank == 0)
        st = nnact_checkpoint_save(f->s->checkpoint, f->net, f->o, (uint64_t)done, 0, f->p.base_lr,
                                   f->s->seed, f->rng.counter);
    return f->dist ? nnact__fit_dist_agree(f->who, f->dc.d, st) : st;
}

static int checkpoint_due(const struct fit_run *f, size_t done)
{
    return f->s->checkpoint != NULL &&
           (done % (size_t)f->s->checkpoint_interval == 0 || done == f->p.epochs);
}

/* The callback of epoch index e; nonzero: stop. A 1.0 callback finds the
   epoch's scheduled rate in the optimizer, as 1.0 promised; both rates were
   accepted before (base by the optimizer, lr by epoch_lr), so neither set
   can fail. */
static int notify(const struct fit_run *f, size_t e, double lr, double train_loss, double val_loss)
{
    const struct nnact__fit_settings *s = f->s;
    const double elapsed = now_seconds() - f->t0;
    if (s->epoch_cb != NULL) {
        nnact_fit_epoch rec = {
            sizeof rec, (uint64_t)e + 1, (uint64_t)f->p.epochs, train_loss, val_loss, elapsed, lr};
        if (isnan(lr)) nnact_opt_get(f->o, NNACT_OPT_PARAM_LR, &rec.lr);
        return s->epoch_cb(&rec, s->user) != 0;
    }
    if (s->cb == NULL) return 0;
    const int shown = s->v1_0 && s->sched != NULL;
    if (shown) nnact_opt_set(f->o, NNACT_OPT_PARAM_LR, lr);
    const int stop = s->cb(e + 1, f->p.epochs, train_loss, val_loss, elapsed, s->user) != 0;
    if (shown) nnact_opt_set(f->o, NNACT_OPT_PARAM_LR, f->p.base_lr);
    return stop;
}

/* Why run_epoch stops the run (0: it goes on). */
enum { STOP_BY_CALLBACK = 1, STOP_BY_PATIENCE = 2 };

/* One epoch, index e: train, score, checkpoint, callback, patience. */
static nnact_status run_epoch(struct fit_run *f, size_t e, int *stop)
{
    double lr, train_loss, val_loss;
    NNACT_FORWARD_IF_ERROR(epoch_lr(f, e, &lr));
    NNACT_FORWARD_IF_ERROR(train_epoch(f, lr, &train_loss));
    f->r.epochs_done = (uint64_t)e + 1; /* its updates stay whatever follows */
    f->r.last_loss = train_loss;
    NNACT_FORWARD_IF_ERROR(score_epoch(f, e, train_loss, &val_loss));
    f->r.last_val_loss = val_loss;
    const int due = checkpoint_due(f, e + 1);
    if (due) NNACT_FORWARD_IF_ERROR(save_checkpoint(f, e + 1));
    *stop = notify(f, e, lr, train_loss, val_loss) ? STOP_BY_CALLBACK : 0;
    if (f->dist) { /* any rank's callback stops them all */
        nnact_status st = NNACT_OK;
        *stop = nnact__fit_dist_any(f->who, f->dc.d, *stop, &st) ? STOP_BY_CALLBACK : 0;
        NNACT_FORWARD_IF_ERROR(st);
    }
    /* the callback has seen the epoch; running out of patience wins over it */
    if (f->s->patience > 0 && f->stale >= f->s->patience) *stop = STOP_BY_PATIENCE;
    /* stopped early between due epochs: the file still ends at the last epoch trained */
    if (*stop && !due && f->s->checkpoint != NULL) return save_checkpoint(f, e + 1);
    return NNACT_OK;
}

static void run_epochs(struct fit_run *f, nnact_status *st)
{
    nnact__rng_init(&f->rng, f->s->seed, FIT_SHUFFLE_STREAM);
    /* the skipped epochs' shuffles, replayed: the order and the PRNG are then
       exactly where an uninterrupted run has them (about n_train - 1 draws an epoch) */
    if (f->s->shuffle)
        for (size_t e = 0; e < f->p.start; e++)
            shuffle(f->b.order, f->p.n_train, &f->rng);
    f->t0 = now_seconds();
    f->r.stop_reason = NNACT_FIT_STOP_COMPLETED;
    for (size_t e = f->p.start; e < f->p.epochs; e++) {
        int stop = 0;
        *st = run_epoch(f, e, &stop);
        if (*st != NNACT_OK) {
            f->r.stop_reason = NNACT_FIT_STOP_ERROR;
            return;
        }
        if (stop == STOP_BY_PATIENCE) {
            f->r.stop_reason = NNACT_FIT_STOP_EARLY;
            return;
        }
        if (stop) {
            f->r.stop_reason =
                e + 1 < f->p.epochs ? NNACT_FIT_STOP_CALLBACK : NNACT_FIT_STOP_COMPLETED;
            return;
        }
    }
}

/* Everything that decides which collective calls a rank makes (epochs,
   batches, validation, checkpoints, early stopping, the schedule) and what
   they sum: ranks whose digests differ would wait in different calls. A
   checkpoint's path may differ (only rank 0 writes), whether there is one
   may not. */
static uint64_t settings_digest(const struct nnact__fit_settings *s, const nnact_net *net,
                                nnact_loss_kind k, size_t n)
{
    uint64_t vf;
    memcpy(&vf, &s->val_fraction, sizeof vf);
    const uint64_t w[] = {s->epochs,
                          s->start_epoch,
                          s->batch_size,
                          s->seed,
                          vf,
                          (uint64_t)s->shuffle,
                          (uint64_t)s->restore_best,
                          s->checkpoint != NULL,
                          s->checkpoint_interval,
                          s->patience,
                          (uint64_t)s->v1_0,
                          (uint64_t)k,
                          (uint64_t)n,
                          net != NULL ? (uint64_t)nnact__net_param_count(net) : 0,
                          s->dist.ranks};
    uint64_t h = nnact__sched_digest(s->sched, 0);
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        /* splitmix64's finalizer: any bit of any word changes the digest */
        uint64_t z = h ^ (w[i] + 0x9e3779b97f4a7c15ULL * (i + 1));
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        h = z ^ (z >> 31);
    }
    return h;
}

/* The checks of the arguments and the data, the plan, the buffers and the
   split: one status, which the ranks of a data-parallel fit agree on before
   anything runs (bad rows or a failed allocation on any rank end all). */
static nnact_status start_run(struct fit_run *f, size_t n, int *allocated)
{
    const struct nnact__fit_settings *s = f->s;
    *allocated = 0;
    nnact_status st = NNACT_OK;
    /* first of the collective calls, made whatever this rank finds below;
       before the checks, so that their detail is the one agreed on */
    if (f->dist) st = nnact__fit_dist_same(f->who, &s->dist, settings_digest(s, f->net, f->k, n));
    if (st == NNACT_OK) st = check_args(f->who, f->net, f->o, n, f->x, f->t, s);
    if (st == NNACT_OK) st = make_plan(f->who, f->net, f->o, f->k, n, s, &f->p);
    if (st == NNACT_OK) st = check_data(f->who, f->k, n, f->x, f->t, &f->p);
    if (st == NNACT_OK) {
        st = alloc_buffers(f->who, &f->p, s->restore_best || s->patience > 0, !s->v1_0, &f->b);
        *allocated = st == NNACT_OK;
    }
    if (st == NNACT_OK) st = draw_split(f, n);
    if (!f->dist) return st;
    f->dc = (struct nnact__dist_ctx){f->who, &s->dist,  f->net,  f->o,    f->k,   f->x,
                                     f->t,   f->p.n_in, f->p.tw, f->b.xb, f->b.tb};
    int bound = 0;
    if (st == NNACT_OK) st = nnact__fit_dist_prepare(&f->dc, f->p.batch, &bound);
    st = nnact__fit_dist_agree(f->who, &s->dist, st);
    if (st != NNACT_OK && bound) nnact__fit_dist_unbind(f->o);
    f->bound = st == NNACT_OK && bound;
    if (f->bound) f->steps_start = nnact_opt_step_count(f->o);
    return st;
}

nnact_status nnact__fit_dist_refused(const char *who, const nnact_net *net, nnact_loss_kind k,
                                     size_t n, const struct nnact__fit_settings *s, nnact_status st)
{
    char detail[512];
    snprintf(detail, sizeof detail, "%s", nnact_last_error());
    /* the other ranks' start: the settings compared, then the agreement;
       this rank's own refusal is the detail it agrees with */
    (void)nnact__fit_dist_same(who, &s->dist, settings_digest(s, net, k, n));
    nnact__fail(st, "%s", detail);
    return nnact__fit_dist_agree(who, &s->dist, st);
}

nnact_status nnact__fit(const char *who, nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                        const double *x, const double *t, const struct nnact__fit_settings *s,
                        nnact_fit_report *report, int *reported)
{
    *reported = 0;
    struct fit_run f = {.who = who, .net = net, .o = o, .k = k, .x = x, .t = t, .s = s};
    f.dist = s->dist.ranks > 0;
    const double t_call = now_seconds();
    f.r.epochs_done = (uint64_t)s->start_epoch;
    f.r.best_loss = f.r.last_loss = f.r.last_val_loss = NAN;
    f.r.stop_reason = NNACT_FIT_STOP_COMPLETED;
    f.best = INFINITY;
    int allocated;
    /* nothing has run yet: a failed allocation leaves the outputs untouched too */
    nnact_status st = start_run(&f, n, &allocated);
    if (st != NNACT_OK) {
        if (allocated) free_buffers(&f.b);
        return st;
    }
    run_epochs(&f, &st);
    /* failed before any step (the first step, agreed): the optimizer as it
       came, unbound, as a one-process fit's failed first step leaves it */
    if (st != NNACT_OK && f.bound && nnact_opt_step_count(o) == f.steps_start)
        nnact__fit_dist_unbind(o);
    /* the best epoch's parameters: asked for, or after running out of patience */
    const int restore = s->restore_best || f.r.stop_reason == NNACT_FIT_STOP_EARLY;
    if (st == NNACT_OK && restore && f.b.best != NULL && f.r.best_epoch > 0)
        memcpy(nnact__net_params(net, NULL), f.b.best, f.p.np * sizeof(double));
    free_buffers(&f.b);
    f.r.seconds = now_seconds() - t_call;
    f.r.size = sizeof f.r;
    *report = f.r;
    *reported = 1;
    return st;
}

/* ---- the 1.0 calls ---- */

static nnact_status fit_v1_0(const char *who, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                             size_t n, const double *x, const double *t, size_t start_epoch,
                             size_t epochs, size_t batch_size, double val_fraction, uint64_t seed,
                             const nnact_sched *sched, unsigned flags, const char *checkpoint,
                             nnact_fit_callback cb, void *user, size_t *best_epoch,
                             double *best_loss)
{
    struct nnact__fit_settings s;
    nnact__fit_settings_default(&s);
    s.epochs = epochs;
    s.batch_size = batch_size;
    s.seed = seed;
    s.start_epoch = start_epoch;
    s.val_fraction = val_fraction;
    s.shuffle = !(flags & NNACT_FIT_NO_SHUFFLE);
    s.restore_best = (flags & NNACT_FIT_RESTORE_BEST) != 0;
    s.sched = sched;
    s.checkpoint = checkpoint;
    s.cb = cb;
    s.user = user;
    s.v1_0 = 1;
    s.v1_0_unknown_flags = flags & ~(NNACT_FIT_NO_SHUFFLE | NNACT_FIT_RESTORE_BEST);
    nnact_fit_report r;
    int reported;
    nnact_status st = nnact__fit(who, net, o, k, n, x, t, &s, &r, &reported);
    if (reported && best_epoch != NULL) *best_epoch = (size_t)r.best_epoch;
    if (reported && best_loss != NULL) *best_loss = r.best_epoch > 0 ? r.best_loss : NAN;
    return st;
}

nnact_status nnact_net_fit(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                           const double *x, const double *t, size_t epochs, size_t batch_size,
                           double val_fraction, uint64_t seed, const nnact_sched *sched,
                           unsigned flags, nnact_fit_callback cb, void *user, size_t *best_epoch,
                           double *best_loss)
{
    return fit_v1_0("nnact_net_fit", net, o, k, n, x, t, 0, epochs, batch_size, val_fraction, seed,
                    sched, flags, NULL, cb, user, best_epoch, best_loss);
}

nnact_status nnact_net_fit_ex(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                              const double *x, const double *t, size_t start_epoch, size_t epochs,
                              size_t batch_size, double val_fraction, uint64_t seed,
                              const nnact_sched *sched, unsigned flags, const char *checkpoint,
                              nnact_fit_callback cb, void *user, size_t *best_epoch,
                              double *best_loss)
{
    return fit_v1_0("nnact_net_fit_ex", net, o, k, n, x, t, start_epoch, epochs, batch_size,
                    val_fraction, seed, sched, flags, checkpoint, cb, user, best_epoch, best_loss);
}
