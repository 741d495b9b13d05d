/**
 * @file nnact/loss.h
 * @brief Losses with their value and gradient with respect to the network output.
 */
#ifndef NNACT_LOSS_H
#define NNACT_LOSS_H

#include <stddef.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Loss kinds. Values explicit, stable and only ever appended.
 * Reductions are documented per kind in docs/NETWORK.md.
 * @since 1.0
 */
typedef enum nnact_loss_kind {
    NNACT_LOSS_HALF_SSE = 0,    /**< 0.5 * sum (y - t)^2 over the whole batch, the classic L2 cost */
    NNACT_LOSS_MSE = 1,         /**< mean (y - t)^2 over all batch * n elements */
    NNACT_LOSS_BCE_LOGITS = 2,  /**< binary cross-entropy on logits, mean over elements */
    NNACT_LOSS_SOFTMAX_CE = 3   /**< softmax cross-entropy on logits, one-hot (or soft) targets, mean over rows */
    /* further kinds are appended by the network module (MAE, Huber, integer targets, ...) */
} nnact_loss_kind;

/**
 * @brief Loss value and, optionally, its gradient dy = d loss / d y.
 * @param y batch x n outputs (logits for the *_LOGITS and SOFTMAX kinds).
 * @param t batch x n targets.
 * @param loss out: the reduced loss.
 * @param dy out (may be NULL): batch x n gradient.
 * @return NNACT_OK; NNACT_ERR_ARG for an unknown kind or NULL y, t or loss with batch*n > 0.
 * @since 1.0
 */
NNACT_API nnact_status nnact_loss(nnact_loss_kind k, size_t batch, size_t n, const double *y,
                                  const double *t, double *loss, double *dy);

NNACT_END_DECLS

#endif /* NNACT_LOSS_H */
