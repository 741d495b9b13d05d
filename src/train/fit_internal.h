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

#endif /* NNACT_FIT_INTERNAL_H */
