/**
 * @file nnact/train.h
 * @brief Training: one step (forward, loss, backward, update) and a loop over
 *        epochs of shuffled minibatches with validation and a per-epoch callback.
 */
#ifndef NNACT_TRAIN_H
#define NNACT_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/io.h"
#include "nnact/loss.h"
#include "nnact/net.h"
#include "nnact/optim.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief One training step on a batch: forward, loss k, backward, and one
 *        optimizer update of all the network's parameters (flat order of
 *        nnact_net_param_count()).
 *
 * The optimizer is bound to the parameter count of the first network it trains
 * (see nnact_opt_step()); after the first call at a batch size no call at that
 * size or smaller allocates. The update is the one nnact_net_backward() then
 * nnact_opt_step() would make (plain SGD without clipping folds it into the
 * weight product and agrees to a few ulp; docs/OPTIMIZERS.md).
 *
 * x is read in place and no forward is kept afterwards (nnact_net_backward()
 * then returns NNACT_ERR_STATE). The gradients readable afterwards with
 * nnact_net_get_grads() are this batch's, except after a plain-SGD step, which
 * never forms the weight gradients: NNACT_ERR_STATE then.
 *
 * Nothing lost on bad numbers (when the optimizer's CHECK_FINITE is on, the
 * default): a NaN or infinite loss returns NNACT_ERR_NUMERIC before backward
 * runs, so the gradients readable with nnact_net_get_grads() are still those of
 * the previous step; a finite loss whose gradient holds NaN/Inf returns
 * NNACT_ERR_NUMERIC after backward, and the gradients then readable are this
 * batch's (to find the layer that overflowed); an update whose result would
 * not be finite (a learning rate near DBL_MAX, huge parameters) returns
 * NNACT_ERR_NUMERIC naming the parameter (since 1.1; 1.0 could leave Inf/NaN
 * parameters and return NNACT_OK). Every layer's gradient and update is known
 * finite before any layer is updated. In all cases the parameters,
 * the optimizer's state and its step count are unchanged, and *loss holds the
 * loss computed.
 * @param t targets: batch x nnact_loss_target_width(k, n_out).
 * @param loss out: the batch loss before the update.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, o, x, t or loss; batch 0; unknown
 *         loss kind; a target outside the loss's domain, found before anything
 *         runs, so the whole network, a forward it kept included, is as before);
 *         NNACT_ERR_STATE (a network
 *         without layers); NNACT_ERR_SHAPE (the optimizer is bound to another
 *         parameter count; nothing changed); NNACT_ERR_NUMERIC (above);
 *         NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM (parameters and optimizer
 *         unchanged; the gradients may be this batch's or unreadable).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                                            size_t batch, const double *x, const double *t,
                                            double *loss);

/**
 * @brief Called by nnact_net_fit() and nnact_net_fit_ex() after each epoch
 *        (after the epoch's checkpoint, if any, is written).
 *
 * The callback may read the network and the optimizer (e.g. save them): the
 * epoch's updates are complete. Given to nnact_net_fit() or nnact_net_fit_ex()
 * with a schedule, it finds the scheduled LR of this epoch in the optimizer
 * (see nnact_net_fit_ex() on checkpoints); registered on a nnact_fit_config
 * for nnact_net_fit_run(), it finds the base LR there (the rate the epoch used
 * is in nnact_fit_epoch, for a nnact_fit_epoch_callback).
 * @param epoch 1 .. epochs (absolute also in a resumed nnact_net_fit_ex()).
 * @param loss mean over the epoch's minibatches of the batch loss, weighted by
 *        batch rows (for NNACT_LOSS_HALF_SSE, whose batch loss is a sum, this is
 *        the mean of the per-batch sums).
 * @param val_loss loss k of the whole validation split after the epoch; NAN without one.
 * @param elapsed seconds since this nnact_net_fit() / nnact_net_fit_ex() call started
 *        (monotonic clock).
 * @return 0 to go on, nonzero to stop training after this epoch.
 * @since 1.0
 */
typedef int (*nnact_fit_callback)(size_t epoch, size_t epochs, double loss, double val_loss,
                                  double elapsed, void *user);

/** @brief nnact_net_fit() flag: keep the row order (no shuffling). @since 1.0 */
#define NNACT_FIT_NO_SHUFFLE 1u
/** @brief nnact_net_fit() flag: at the end, put back the parameters of the best
 *         epoch (lowest validation loss, or training loss without validation). @since 1.0 */
#define NNACT_FIT_RESTORE_BEST 2u

/**
 * @brief Trains for `epochs` passes over minibatches of `batch_size` rows.
 *
 * The last floor(n * val_fraction) rows (x and t, taken before any shuffling)
 * are the validation split; the first n_train = n - n_val rows are visited each
 * epoch in an order drawn from `seed` (Fisher-Yates over the library's PRNG,
 * the same on every machine), in batches of batch_size and one final smaller
 * batch when batch_size does not divide n_train. When `sched` is not NULL the
 * steps of epoch e use the rate nnact_sched_lr(sched, base, e-1), base being
 * the optimizer's LR at the call; the optimizer's LR hyper-parameter holds
 * that rate only while the callback runs and is base otherwise and at the
 * return. This call is nnact_net_fit_run() with the settings of its
 * arguments (docs/OPTIMIZERS.md).
 * The best epoch (lowest validation loss, or training loss without validation)
 * is remembered and returned.
 *
 * Allocates at the start only (row order, batch copies, validation output,
 * a parameter copy for NNACT_FIT_RESTORE_BEST) and frees before returning.
 * To resume an interrupted run or checkpoint after each epoch, see
 * nnact_net_fit_ex().
 * @param n rows of x (n x n_in) and t (n x target width).
 * @param batch_size 1 .. n_train. 0 and sizes above n_train are NNACT_ERR_ARG
 *        (for full-batch training pass n_train).
 * @param val_fraction in [0, 1); when > 0 it must leave at least one row on each side.
 * @param flags NNACT_FIT_NO_SHUFFLE, NNACT_FIT_RESTORE_BEST.
 * @param cb may be NULL; user is passed through.
 * @param best_epoch out (may be NULL): 1-based best epoch.
 * @param best_loss out (may be NULL): its validation (or training) loss.
 * @return NNACT_OK (also when the callback stopped training); NNACT_ERR_ARG (NULL
 *         net, o, x or t; n, epochs or batch_size 0; batch_size > n_train; bad
 *         val_fraction; unknown flags; since 1.1 also a NaN or infinite
 *         value in any row of x or t, or a target outside the loss's domain,
 *         validation rows included: found before anything is trained, the
 *         detail naming the row of x/t); any status of nnact_net_train_step():
 *         then training stops at that step, the updates of the steps before it
 *         stay, and the LR is set back; NNACT_ERR_NUMERIC (since 1.1) when the
 *         validation loss of an epoch is not finite (the network overflowed on
 *         finite data): training stops after that epoch, whose updates stay,
 *         and the detail names the epoch (before 1.1 such an epoch was
 *         silently never the best).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_fit(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                                     const double *x, const double *t, size_t epochs,
                                     size_t batch_size, double val_fraction, uint64_t seed,
                                     const nnact_sched *sched, unsigned flags,
                                     nnact_fit_callback cb, void *user, size_t *best_epoch,
                                     double *best_loss);

/**
 * @brief nnact_net_fit() that can resume a run and checkpoint itself: trains
 *        epochs start_epoch+1 .. epochs of the run nnact_net_fit() would do
 *        for `epochs` epochs with the same arguments.
 *
 * nnact_net_fit(args) is nnact_net_fit_ex(args, start_epoch 0, checkpoint
 * NULL). With start_epoch = s > 0 the call first replays the shuffles of
 * epochs 1..s from `seed` (no training, about n_train PRNG draws an epoch;
 * nothing of the row order is stored anywhere), so epoch s+1 visits the rows
 * in the order an uninterrupted run uses; the schedule's step index of epoch e
 * stays e-1 (so epoch s+1 uses nnact_sched_lr(sched, base, s)), base being the
 * optimizer's LR at the call. A run stopped after epoch s and continued by
 * nnact_net_fit_ex(s) on the network and optimizer as they were after epoch s
 * (both in memory, or both from a checkpoint) ends bit-identical (parameters
 * and every optimizer state value) to one call for all epochs, provided the
 * caller passes back the same k, n, x, t, epochs, batch_size, val_fraction,
 * seed, schedule settings and flags, and the optimizer's LR is the base LR
 * (a checkpoint written by this call stores it so).
 *
 * Not carried across a resume: the best-epoch memory (best_epoch/best_loss
 * and, with NNACT_FIT_RESTORE_BEST, the best parameters) covers only the
 * epochs this call trains, so the two halves each report their own best and
 * RESTORE_BEST picks among epochs s+1..epochs; a caller wanting the best of the
 * whole run keeps the first call's best_loss and compares. The elapsed time
 * given to the callback counts from this call. The callback's `epoch` and
 * `epochs` are absolute (s+1 .. epochs).
 *
 * Checkpointing: when `checkpoint` is not NULL, after each epoch's validation
 * and before the callback the state is saved there with nnact_checkpoint_save()
 * (atomic: a crash leaves the previous epoch's file) with epochs_done = the
 * epoch, batch_in_epoch 0, base_lr the base LR (the file's optimizer LR is the
 * base LR too, not the scheduled one), rng_key = seed and rng_counter = the
 * shuffling PRNG's draws so far. To resume: nnact_checkpoint_load() it, then
 * call nnact_net_fit_ex() with the loaded network and optimizer, start_epoch =
 * epochs_done and seed = rng_key. The parameters saved are the epoch's, not
 * the best (RESTORE_BEST applies at the return only). Each save allocates
 * the file's image and writes and fsyncs a file: the only allocations after
 * the start.
 *
 * Saving from the callback instead is also safe: when the callback runs the
 * epoch's updates are complete and the network and optimizer are consistent.
 * But there the optimizer's LR is the epoch's scheduled LR, and
 * nnact_checkpoint_save() stores that as the optimizer's LR; pass the base LR
 * as its base_lr and, after loading, nnact_opt_set(o, NNACT_OPT_PARAM_LR,
 * base_lr) before resuming.
 * @param start_epoch epochs already done: 0 .. epochs (epochs: nothing to
 *        train, NNACT_OK with best_epoch 0 and best_loss NAN, no callback,
 *        no checkpoint written).
 * @param checkpoint file to save after every epoch (NULL: none).
 * @param best_epoch out (may be NULL): the best epoch among start_epoch+1 ..
 *        epochs trained, 1-based and absolute; 0 when none was trained.
 * @param best_loss out (may be NULL): its loss; NAN when none.
 * @return NNACT_OK (also when the callback stopped training); NNACT_ERR_ARG
 *         (as nnact_net_fit(), plus start_epoch > epochs and an empty
 *         checkpoint path); any status of nnact_net_train_step() as for
 *         nnact_net_fit(); any status of nnact_checkpoint_save()
 *         (NNACT_ERR_IO, NNACT_ERR_NOMEM, ...): training stops after the epoch
 *         whose save failed, its updates stay, the previous checkpoint file is
 *         intact, the callback is not called for that epoch and the LR is set
 *         back.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_fit_ex(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                                        const double *x, const double *t, size_t start_epoch,
                                        size_t epochs, size_t batch_size, double val_fraction,
                                        uint64_t seed, const nnact_sched *sched, unsigned flags,
                                        const char *checkpoint, nnact_fit_callback cb, void *user,
                                        size_t *best_epoch, double *best_loss);

/* ---------------------------------------------------------------------------
 * The fit configuration (1.1): options that grow without new signatures.
 *
 * nnact_net_fit_run() takes the network, the optimizer, the data and an opaque
 * nnact_fit_config set through enum-keyed setters, as nnact_opt_set() sets an
 * optimizer; a later option is a new key, not a new function. What a fit
 * reports comes back in nnact_fit_report, a record whose first field is its
 * size: fields are only ever appended, and the library writes only the fields
 * that fit in the size the caller states (docs/ABI.md).
 * ------------------------------------------------------------------------- */

/** @brief Opaque fit configuration (create, set, pass to nnact_net_fit_run()). @since 1.1 */
typedef struct nnact_fit_config nnact_fit_config;

/**
 * @brief Keys of nnact_fit_config. Values explicit and append-only.
 *
 * Integer keys go through nnact_fit_config_set_int() / _get_int(), real keys
 * through nnact_fit_config_set_real() / _get_real(); the other call is
 * NNACT_ERR_ARG.
 * @since 1.1
 */
typedef enum nnact_fit_param {
    /** int, 1 .. SIZE_MAX, default 1: the last epoch to train (absolute, as the
     *  1.0 `epochs`). */
    NNACT_FIT_PARAM_EPOCHS = 0,
    /** int, 0 .. SIZE_MAX, default 32: rows per minibatch, the last one of an
     *  epoch smaller when it does not divide the training rows; 0 = all training
     *  rows (full batch). A size above the training rows is NNACT_ERR_ARG from
     *  nnact_net_fit_run(), as in nnact_net_fit(): silently clamping would
     *  hide a mistake. */
    NNACT_FIT_PARAM_BATCH_SIZE = 1,
    /** int, any value, default 0: the shuffling PRNG's seed. */
    NNACT_FIT_PARAM_SEED = 2,
    /** real, [0, 1), default 0: floor(n * fraction) rows are the validation
     *  split; when > 0 it must leave at least one row on each side. The rows
     *  are drawn with nnact_split_rows() from SEED (so a resumed fit draws
     *  the same ones): stratified by class for NNACT_LOSS_SOFTMAX_CE_INDEX,
     *  and for NNACT_LOSS_BCE_LOGITS with one output when every target is 0
     *  or 1; shuffled otherwise. The training order of the first epoch
     *  starts from the split's first side. (nnact_net_fit() and
     *  nnact_net_fit_ex() keep 1.0's rule: the last rows.) */
    NNACT_FIT_PARAM_VAL_FRACTION = 3,
    /** int, 0 or 1, default 1: visit the training rows in a shuffled order
     *  (0 = the NNACT_FIT_NO_SHUFFLE of nnact_net_fit()). */
    NNACT_FIT_PARAM_SHUFFLE = 4,
    /** int, 0 or 1, default 0: at the end put back the best epoch's parameters
     *  (NNACT_FIT_RESTORE_BEST of nnact_net_fit()). */
    NNACT_FIT_PARAM_RESTORE_BEST = 5,
    /** int, 0 .. SIZE_MAX, default 0: epochs already done (resume; see
     *  nnact_net_fit_ex() and nnact_fit_config_resume()); above EPOCHS is
     *  NNACT_ERR_ARG from nnact_net_fit_run(). */
    NNACT_FIT_PARAM_START_EPOCH = 6,
    /** int, 1 .. SIZE_MAX, default 1: with a checkpoint path, save after every
     *  epoch e (absolute) with e % interval == 0, and after the last epoch
     *  trained (EPOCHS, or the epoch the callback stopped at). */
    NNACT_FIT_PARAM_CHECKPOINT_INTERVAL = 7,
    /** int, 0 .. SIZE_MAX, default 0 (off): early stopping. Training stops
     *  after the epoch at which the validation loss has not improved
     *  (become strictly lower than the best so far; scikit-learn's MLP
     *  counts an improvement only beyond a tolerance `tol`, here there is
     *  none) for PATIENCE epochs in a row, the last epoch included; the
     *  parameters of the best epoch are then put back (as RESTORE_BEST) and
     *  the report says NNACT_FIT_STOP_EARLY with the best epoch and its
     *  loss. The epoch's callback and checkpoint run before the stop (the
     *  checkpoint holds that epoch's parameters, not the best). Running out
     *  of patience wins over a callback asking to stop at the same epoch.
     *  Needs a validation split: PATIENCE > 0 with VAL_FRACTION 0 is
     *  NNACT_ERR_ARG from nnact_net_fit_run(). Like the best epoch, the
     *  count starts again at a resume (START_EPOCH > 0). @since 1.1 */
    NNACT_FIT_PARAM_PATIENCE = 8
} nnact_fit_param;

/**
 * @brief What the epoch callback sees (nnact_fit_epoch_callback). A record
 *        whose fields are only ever appended: `size` is the size the library
 *        filled (read a later field only when size says it is there).
 * @since 1.1
 */
typedef struct nnact_fit_epoch {
    size_t size;     /**< sizeof the record as the library filled it */
    uint64_t epoch;  /**< 1 .. epochs, absolute */
    uint64_t epochs; /**< NNACT_FIT_PARAM_EPOCHS */
    double loss;     /**< training loss of the epoch, as nnact_fit_callback's */
    double val_loss; /**< validation loss after the epoch; NAN without a split */
    double elapsed;  /**< seconds since the call started (monotonic) */
    double lr;       /**< the rate the epoch's steps used (scheduled, or the optimizer's LR) */
} nnact_fit_epoch;

/**
 * @brief Called by nnact_net_fit_run() after each epoch (after its checkpoint,
 *        if one is due), with the epoch's record; the optimizer then holds its
 *        base LR.
 * @return 0 to go on, nonzero to stop after this epoch.
 * @since 1.1
 */
typedef int (*nnact_fit_epoch_callback)(const nnact_fit_epoch *e, void *user);

/** @brief Why nnact_net_fit_run() stopped (nnact_fit_report::stop_reason). Append-only. @since 1.1
 */
typedef enum nnact_fit_stop {
    NNACT_FIT_STOP_COMPLETED = 0, /**< every epoch up to EPOCHS trained */
    NNACT_FIT_STOP_CALLBACK = 1,  /**< the callback returned nonzero before EPOCHS */
    NNACT_FIT_STOP_ERROR = 2,     /**< a step, the schedule or a checkpoint failed */
    NNACT_FIT_STOP_EARLY = 3 /**< PATIENCE epochs without improvement; best parameters restored */
} nnact_fit_stop;

/**
 * @brief What nnact_net_fit_run() did: an output record the caller owns.
 *
 * Set `size = sizeof(nnact_fit_report)` before the call; the library writes
 * only the fields that fit inside `size` (a program built against 1.1 keeps
 * working when later versions append fields) and never writes `size`.
 * @since 1.1
 */
typedef struct nnact_fit_report {
    size_t size;          /**< set by the caller: sizeof(nnact_fit_report) */
    uint64_t epochs_done; /**< absolute: START_EPOCH plus the epochs completed */
    uint64_t best_epoch;  /**< best among the epochs this call trained, absolute; 0: none */
    double best_loss;     /**< its validation (or training) loss; NAN: none */
    double last_loss;     /**< training loss of the last completed epoch; NAN: none */
    double last_val_loss; /**< its validation loss; NAN: none or no split */
    double seconds;       /**< time the call took (monotonic) */
    int stop_reason;      /**< an nnact_fit_stop */
} nnact_fit_report;

/**
 * @brief New configuration with every key at its default, no schedule, no
 *        checkpoint, no callback.
 * @param out receives it; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL out); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_create(nnact_fit_config **out);

/** @brief Frees a configuration (and its copies of the schedule and path); NULL is fine. @since 1.1
 */
NNACT_API void nnact_fit_config_free(nnact_fit_config *c);

/**
 * @brief An independent copy: every key, its own copy of the schedule and
 *        checkpoint path, the same callback and user pointer.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or out); NNACT_ERR_NOMEM (*out NULL).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_copy(const nnact_fit_config *c, nnact_fit_config **out);

/**
 * @brief Sets an integer key (range and default per key in nnact_fit_param).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c, unknown key, a real key, a value
 *         out of range: the detail names the key; the configuration unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_int(nnact_fit_config *c, nnact_fit_param p, uint64_t v);

/**
 * @brief Reads an integer key.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or v, unknown key, a real key; *v untouched).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_get_int(const nnact_fit_config *c, nnact_fit_param p,
                                                uint64_t *v);

/**
 * @brief Sets a real key (NNACT_FIT_PARAM_VAL_FRACTION).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c, unknown key, an integer key, a
 *         value out of range or NaN; the configuration unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_real(nnact_fit_config *c, nnact_fit_param p, double v);

/**
 * @brief Reads a real key.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or v, unknown key, an integer key).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_get_real(const nnact_fit_config *c, nnact_fit_param p,
                                                 double *v);

/**
 * @brief The learning-rate schedule: epoch e's steps use
 *        nnact_sched_lr(s, base, e-1), base the optimizer's LR at the call to
 *        nnact_net_fit_run(). The rate is passed to each step; the optimizer's
 *        LR is never changed by the fit.
 * @param s copied (the configuration keeps no pointer to it); NULL: no schedule.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c); NNACT_ERR_NOMEM (unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_schedule(nnact_fit_config *c, const nnact_sched *s);

/**
 * @brief Checkpoint file written with nnact_checkpoint_save() after the epochs
 *        NNACT_FIT_PARAM_CHECKPOINT_INTERVAL names and after the last epoch
 *        trained (see nnact_net_fit_ex() for what it holds and how to resume;
 *        the optimizer is stored as it is, its LR the base LR).
 * @param path copied; NULL: no checkpoint.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c, empty path); NNACT_ERR_NOMEM (unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_checkpoint(nnact_fit_config *c, const char *path);

/**
 * @brief The 1.0 per-epoch callback (see nnact_fit_callback: here the
 *        optimizer holds its base LR during the call). Replaces any callback
 *        set before (a configuration holds one callback).
 * @param cb NULL: none. @param user kept and passed through: the one caller
 *        pointer a configuration keeps.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_callback(nnact_fit_config *c, nnact_fit_callback cb,
                                                     void *user);

/**
 * @brief A per-epoch callback that receives a nnact_fit_epoch record (which
 *        grows with later versions; it has the epoch's learning rate).
 *        Replaces any callback set before.
 * @param cb NULL: none. @param user kept and passed through.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_epoch_callback(nnact_fit_config *c,
                                                           nnact_fit_epoch_callback cb, void *user);

/**
 * @brief Sets the keys a resumed fit takes from a checkpoint's position:
 *        START_EPOCH = pos->epochs_done and SEED = pos->rng_key (the other
 *        settings must be the first run's; see nnact_net_fit_ex()).
 * @param pos as filled by nnact_checkpoint_load_at(); pos->size at least
 *        the 1.1 record's.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c or pos, pos->size too small,
 *         epochs_done above SIZE_MAX; unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_resume(nnact_fit_config *c,
                                               const nnact_checkpoint_position *pos);

/**
 * @brief One process's part in a data-parallel fit (nnact_fit_config_set_dist()):
 *        its rank, the number of ranks and the collective operations the fit
 *        needs from the caller's transport (libnnact_mpi fills it over MPI;
 *        libnnact itself never depends on a transport). An input record: set
 *        `size = sizeof(nnact_fit_dist)`; fields are only ever appended.
 *
 * Every rank calls nnact_net_fit_run() with the same network (parameters and
 * optimizer state), the same rows n, x, t and the same configuration; the
 * settings that decide which collective calls a rank makes (epochs, start
 * epoch, batch size, seed, validation fraction, shuffle, restore_best, a
 * checkpoint set or not and its interval, patience, the schedule, the loss,
 * n and the parameter count) are compared over ranks first, through `sum`
 * (a 64-bit digest as exact integers), and any difference is NNACT_ERR_ARG
 * on every rank before anything runs. Each
 * rank then shuffles the same way, takes its shard of every global batch of
 * R rows — rank r of P ranks gets the rows [floor(r R / P), floor((r+1) R / P))
 * of the batch, in the batch's order — computes the gradient of its rows'
 * loss, a mean loss weighted by its share (its m rows / R) and a sum loss
 * (NNACT_LOSS_HALF_SSE, additive over shards) by 1, has `sum` add the gradients of
 * all ranks layer by layer (top layer first), and runs ONE checked optimizer
 * step on the sum, the same on every rank. The validation rows are split the
 * same way and their loss sums added. The fused update of the one-process
 * step is not used (the gradient must exist before the step).
 *
 * The callbacks return 0 on success; nonzero ends the fit with NNACT_ERR_IO
 * (the transport failed: the ranks may no longer agree; end the job).
 * @since 1.1
 */
typedef struct nnact_fit_dist {
    size_t size;    /**< set by the caller: sizeof(nnact_fit_dist) */
    uint64_t rank;  /**< this process, 0 .. ranks - 1 */
    uint64_t ranks; /**< processes taking part, >= 1 */
    /** Replaces x[0 .. n) on every rank by the sum over ranks of every rank's
     *  x, the same bits on every rank. Called by every rank with the same n. */
    int (*sum)(double *x, size_t n, void *user);
    /** Agreement on a failure: every rank passes its status (NNACT_OK or not)
     *  and its detail (a NUL-terminated string in detail[0 .. cap)); on return
     *  every rank holds the status and detail of the lowest failing rank (or
     *  NNACT_OK) and *origin that rank. Called by every rank at the same point. */
    int (*agree)(nnact_status *status, char *detail, size_t cap, uint64_t *origin, void *user);
    void *user; /**< passed through to sum and agree */
    /** Optional (NULL: none): called by every rank at the start of the fit,
     *  before the ranks agree that it can run, with the longest n any sum of
     *  the fit will pass, so that the transport allocates its buffers there
     *  (nonzero return: NNACT_ERR_NOMEM, agreed) and not in a step's sum,
     *  where a failure on one rank would leave the others waiting. Appended
     *  in 1.1; a record whose size ends before it has none. */
    int (*reserve)(size_t max_n, void *user);
} nnact_fit_dist;

/**
 * @brief Makes nnact_net_fit_run() with this configuration one rank of a
 *        data-parallel fit (see nnact_fit_dist for the rules). In such a fit:
 *        a failure on any rank (bad rows, allocation, a non-finite loss or
 *        gradient, a refused checkpoint) ends every rank with the same status
 *        and detail (the failing rank's, with its rank added) at the same
 *        step, and a failed step changes no rank's parameters or optimizer;
 *        the optimizer's state is allocated at the start (and released
 *        again when the fit fails before its first step); only rank 0 writes
 *        the checkpoint (every rank sets one or none; the paths may differ;
 *        every rank may resume from it); the callback runs on
 *        every rank and any rank's nonzero return stops them all; the training
 *        loss is the global batch's. With ranks = 1 and a sum that does
 *        nothing the fit trains as without it, through the unfused step.
 * @param d NULL: an ordinary fit (the default); else copied (the user pointer
 *        is kept, not what it points to).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL c; d->size below the 1.1 record's;
 *         ranks 0; rank >= ranks; NULL sum or agree), c unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_fit_config_set_dist(nnact_fit_config *c, const nnact_fit_dist *d);

/**
 * @brief Trains as configured: epochs START_EPOCH+1 .. EPOCHS of shuffled
 *        minibatches over nnact_net_train_step()'s step, a validation split
 *        scored after each epoch, the best epoch remembered, checkpoints, and
 *        the callback, early stopping. nnact_net_fit_ex(args) is this call
 *        with the settings of its arguments (bit for bit the same
 *        parameters) when there is no validation split; with one, this call
 *        draws it (NNACT_FIT_PARAM_VAL_FRACTION) and equals nnact_net_fit_ex()
 *        on the rows reordered by nnact_split_rows() (first side, then the
 *        validation rows), which takes the last rows.
 *
 * The shuffles, the resume rule and what is or is not carried across a
 * resume are nnact_net_fit_ex()'s; the validation split is drawn again from
 * SEED at a resume, so it is the first run's. The schedule's rate is
 * passed into each step: the optimizer's LR hyper-parameter keeps its base
 * value throughout (during the callback too) and is never written, so a
 * checkpoint stores the optimizer as it is. Allocates at the start only (and
 * each checkpoint save its file image).
 * @param n rows of x (n x n_in) and t (n x target width).
 * @param cfg the settings (read during the call only; not kept).
 * @param report NULL, or the caller's record with report->size set; written
 *        on NNACT_OK and on every failure after the arguments were accepted
 *        (what was done up to the failing step, stop_reason
 *        NNACT_FIT_STOP_ERROR); untouched when the arguments are refused.
 * @return NNACT_OK (also when the callback or PATIENCE stopped training); NNACT_ERR_ARG
 *         (NULL net, o, x, t or cfg; n 0; START_EPOCH > EPOCHS; BATCH_SIZE
 *         above the training rows; a VAL_FRACTION leaving an empty side;
 *         unknown loss kind; report->size below the 1.1 record's; a NaN or
 *         infinite value in any row of x or t, or a target outside the loss's
 *         domain, validation rows included, the detail naming the row;
 *         PATIENCE > 0 without a validation split);
 *         NNACT_ERR_NUMERIC when an epoch's validation loss is not finite
 *         (training stops after that epoch, its updates stay, the detail
 *         names the epoch);
 *         NNACT_ERR_STATE (a network without layers); NNACT_ERR_NOMEM;
 *         NNACT_ERR_OVERFLOW; any status of the step (training stops there,
 *         the updates before it stay); NNACT_ERR_ARG when the schedule gives a
 *         rate that is not finite and >= 0; any status of
 *         nnact_checkpoint_save() (training stops after that epoch, the
 *         previous file intact, no callback for it).
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_fit_run(nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                                         const double *x, const double *t,
                                         const nnact_fit_config *cfg, nnact_fit_report *report);

NNACT_END_DECLS

#endif /* NNACT_TRAIN_H */
