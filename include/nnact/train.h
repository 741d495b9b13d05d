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
 * batch's (to find the layer that overflowed). Every layer's gradient is known
 * finite before any layer is updated. In both cases the parameters,
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
 * epoch's updates are complete. During the fit the optimizer's LR is the
 * scheduled LR of this epoch (see nnact_net_fit_ex() on checkpoints).
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
 * optimizer's LR at step index epoch-1 is nnact_sched_lr(sched, base, epoch-1)
 * with base the LR at the call; the LR is set back to base before returning.
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
 *         val_fraction; unknown flags); any status of nnact_net_train_step(): then
 *         training stops at that step, the updates of the steps before it stay,
 *         and the LR is set back.
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

NNACT_END_DECLS

#endif /* NNACT_TRAIN_H */
