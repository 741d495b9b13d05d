/* Internal: the training step as the fit loop (and later the data-parallel
 * trainer) drives it. */
#ifndef NNACT_TRAIN_INTERNAL_H
#define NNACT_TRAIN_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "nnact/train.h"

/* nnact_net_train_step() at learning rate lr: the scheduled rate is passed in,
 * never written into the optimizer (whose LR hyper-parameter is not read when
 * lr is not NaN, and never changed). lr = NAN: the optimizer's own LR.
 * Arguments checked, statuses and guarantees as nnact_net_train_step(); `who`
 * names the public caller in details. */
NNACT_HIDDEN nnact_status nnact__train_step(nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                                            size_t batch, const double *x, const double *t,
                                            double lr, double *loss, const char *who);

#endif /* NNACT_TRAIN_INTERNAL_H */
