/* Internal: the settings of one fit, filled by the public configuration
 * object (nnact_fit_config) and, without allocating, by the 1.0 wrappers
 * nnact_net_fit / nnact_net_fit_ex; one implementation runs them all. */
#ifndef NNACT_FIT_INTERNAL_H
#define NNACT_FIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "nnact/train.h"

struct nnact__fit_settings {
    uint64_t epochs, batch_size, seed, start_epoch, checkpoint_interval;
    uint64_t patience; /* 0: no early stopping */
    double val_fraction;
    int shuffle, restore_best;
    const nnact_sched *sched; /* borrowed from the caller for the call's length */
    const char *checkpoint;   /* NULL: none */
    nnact_fit_callback cb;    /* at most one of cb and epoch_cb is set */
    nnact_fit_epoch_callback epoch_cb;
    void *user;
    /* A data-parallel fit (nnact_fit_config_set_dist; src/train/fit_dist.c):
       dist.ranks is 0 for an ordinary fit. */
    nnact_fit_dist dist;
    /* The 1.0 calls' contract: batch_size 0 and unknown flags are refused
       (in 1.0's order of checks), their callback finds the epoch's
       scheduled LR in the optimizer (set for the callback's length only),
       and their validation split is the last rows (1.1 draws it with
       nnact_split_rows from the seed). */
    int v1_0;
    unsigned v1_0_unknown_flags;
};

/* The defaults documented with nnact_fit_param. */
NNACT_HIDDEN void nnact__fit_settings_default(struct nnact__fit_settings *s);

/* Trains as s says. `who` names the public caller in details. *report is
 * written (every field) unless the arguments are refused or the start's
 * allocation fails (nothing ran); *reported says
 * which. */
NNACT_HIDDEN nnact_status nnact__fit(const char *who, nnact_net *net, nnact_opt *o,
                                     nnact_loss_kind k, size_t n, const double *x, const double *t,
                                     const struct nnact__fit_settings *s, nnact_fit_report *report,
                                     int *reported);

/* A data-parallel fit refused on this rank before nnact__fit (status st, its
 * detail in nnact_last_error()): takes part in the start's collective calls
 * the other ranks make in nnact__fit and returns the agreed status. */
NNACT_HIDDEN nnact_status nnact__fit_dist_refused(const char *who, const nnact_net *net,
                                                  nnact_loss_kind k, size_t n,
                                                  const struct nnact__fit_settings *s,
                                                  nnact_status st);

/* ---- the data-parallel fit (src/train/fit_dist.c) ---- */

/* What a distributed step and the validation need besides the rows. */
struct nnact__dist_ctx {
    const char *who;
    const nnact_fit_dist *d;
    nnact_net *net;
    nnact_opt *o;
    nnact_loss_kind k;
    const double *x, *t;
    size_t n_in, tw;
    double *xb, *tb; /* scratch of at least one global batch's rows */
};

/* The rows [*lo, *hi) of a global batch of `rows` rows that rank d->rank
   takes: floor(r rows / P) .. floor((r + 1) rows / P). */
NNACT_HIDDEN void nnact__fit_dist_shard(const nnact_fit_dist *d, size_t rows, size_t *lo,
                                        size_t *hi);

/* Every rank passes its status st (its detail in nnact_last_error()); every
   rank returns the lowest failing rank's status with its detail (rank added),
   or NNACT_OK. NNACT_ERR_IO when the transport fails. */
NNACT_HIDDEN nnact_status nnact__fit_dist_agree(const char *who, const nnact_fit_dist *d,
                                                nnact_status st);

/* NNACT_OK on every rank when every rank passes the same digest (of its fit
   settings); NNACT_ERR_ARG on every rank when any two differ (compared
   exactly through d->sum, whatever its order of additions); NNACT_ERR_IO
   when the transport fails. Not agreed: the caller's agreement follows. */
NNACT_HIDDEN nnact_status nnact__fit_dist_same(const char *who, const nnact_fit_dist *d,
                                               uint64_t digest);

/* 1 on every rank when `flag` is nonzero on any (through d->sum); *st set to
   NNACT_ERR_IO when the transport fails. */
NNACT_HIDDEN int nnact__fit_dist_any(const char *who, const nnact_fit_dist *d, int flag,
                                     nnact_status *st);

/* The start of a distributed fit on this rank (not agreed): the network's
   buffers for the largest shard of a `batch`-row batch, and the optimizer's
   state (bound now, so that no step can fail with NOMEM on one rank only).
   *bound says whether this call bound it (nnact__fit_dist_unbind undoes). */
NNACT_HIDDEN nnact_status nnact__fit_dist_prepare(const struct nnact__dist_ctx *c, size_t batch,
                                                  int *bound);
NNACT_HIDDEN void nnact__fit_dist_unbind(nnact_opt *o);

/* One step on the global batch of `rows` rows whose indices into x and t are
   order[0 .. rows): this rank's shard's gradient, the sum over ranks, one
   checked optimizer step everywhere at rate lr (NAN: the optimizer's LR).
   *loss: the global batch's loss. On failure every rank returns the same
   status and nothing is changed on any rank. */
NNACT_HIDDEN nnact_status nnact__fit_dist_step(const struct nnact__dist_ctx *c, const size_t *order,
                                               size_t rows, double lr, double *loss);

/* The validation loss over n_val rows (vx, vt) summed over the ranks' shards;
   yv and work (work_n doubles) are the fit's validation scratch. */
NNACT_HIDDEN nnact_status nnact__fit_dist_val_loss(const struct nnact__dist_ctx *c, size_t n_val,
                                                   const double *vx, const double *vt, double *yv,
                                                   double *work, size_t work_n, double *val_loss);

#endif /* NNACT_FIT_INTERNAL_H */
