/**
 * @file nnact/loss.h
 * @brief Losses with their value and gradient with respect to the network output.
 *
 * Every loss reduces a batch x n array of outputs y against targets t to one
 * number and, on request, returns dy = d loss / d y (batch x n). Each kind's
 * formula, reduction and gradient are one line below and written out in
 * docs/NETWORK.md. For finite inputs no kind produces NaN and no intermediate
 * overflows: the value or a gradient entry is +-Inf only when its exact value
 * exceeds DBL_MAX. A NaN in y or t makes the loss NaN (never a number).
 */
#ifndef NNACT_LOSS_H
#define NNACT_LOSS_H

#include <stddef.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Loss kinds. Values explicit, stable and only ever appended.
 * N = batch * n (all elements), B = batch, r = y - t.
 * @since 1.0
 */
typedef enum nnact_loss_kind {
    /** 0.5 * sum r^2 over the whole batch (a sum, not a mean), the classic L2 cost; dy = r */
    NNACT_LOSS_HALF_SSE = 0,
    /** sum r^2 / N; dy = 2 r / N */
    NNACT_LOSS_MSE = 1,
    /** binary cross-entropy on logits z = y, targets t in [0, 1]:
     *  sum (max(z,0) - z t + log1p(e^-|z|)) / N; dy = (sigmoid(z) - t) / N */
    NNACT_LOSS_BCE_LOGITS = 2,
    /** softmax cross-entropy on logits, one-hot or soft targets t (batch x n, entries in [0, 1]):
     *  sum over rows of -sum_j t_j log softmax(y)_j, divided by B;
     *  dy = (softmax(y) * sum_j t_j - t) / B */
    NNACT_LOSS_SOFTMAX_CE = 3,
    /** sum |r| / N; dy = sign(r) / N with sign(0) = 0 */
    NNACT_LOSS_MAE = 4,
    /** Huber with parameter delta (default 1): sum h(r) / N, h = r^2/2 for |r| <= delta,
     *  delta (|r| - delta/2) otherwise; dy = clamp(r, -delta, delta) / N */
    NNACT_LOSS_HUBER = 5,
    /** softmax cross-entropy on logits with integer class targets: t holds batch values
     *  (not batch x n), each an integer in [0, n) stored as a double;
     *  sum over rows of -log softmax(y)_{t}, divided by B; dy = (softmax(y) - onehot(t)) / B */
    NNACT_LOSS_SOFTMAX_CE_INDEX = 6
} nnact_loss_kind;

/** @brief Number of kinds; valid kinds are 0 .. nnact_loss_count() - 1. @since 1.0 */
NNACT_API size_t nnact_loss_count(void);

/** @brief Canonical name ("half_sse", "mse", "bce_logits", "softmax_ce", "mae", "huber",
 *         "softmax_ce_index"); NULL for an unknown kind. @since 1.0 */
NNACT_API const char *nnact_loss_name(nnact_loss_kind k);

/**
 * @brief Kind from its canonical name, compared case-insensitively (ASCII):
 *        "MSE" is accepted.
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (*k
 *         unchanged; the detail quotes the name and lists the canonical names).
 * @since 1.0 (case-insensitive since 1.1)
 */
NNACT_API nnact_status nnact_loss_from_name(const char *name, nnact_loss_kind *k);

/**
 * @brief Number of target values per row for outputs of width n: n for most kinds,
 *        1 for NNACT_LOSS_SOFTMAX_CE_INDEX; 0 for an unknown kind.
 * @since 1.0
 */
NNACT_API size_t nnact_loss_target_width(nnact_loss_kind k, size_t n);

/**
 * @brief Loss value and, optionally, its gradient dy = d loss / d y, with each
 *        kind's default parameter. Same as nnact_loss_ex() with param = NAN.
 * @since 1.0
 */
NNACT_API nnact_status nnact_loss(nnact_loss_kind k, size_t batch, size_t n, const double *y,
                                  const double *t, double *loss, double *dy);

/**
 * @brief Loss value and, optionally, its gradient dy = d loss / d y.
 * @param k the kind.
 * @param param the kind's parameter (Huber: delta, finite and > 0); NAN = the
 *        default; ignored by kinds without one.
 * @param batch rows, at least 1.
 * @param n outputs per row, at least 1 (at least 1 class for the softmax kinds).
 * @param y batch x n outputs (logits for NNACT_LOSS_BCE_LOGITS and the softmax kinds).
 * @param t targets: batch x nnact_loss_target_width(k, n) values.
 * @param loss out: the reduced loss.
 * @param dy out (may be NULL): batch x n gradient; may be the same array as y
 *        (not as t). Untouched on failure.
 * @return NNACT_OK; NNACT_ERR_ARG for an unknown kind, a bad parameter, NULL y, t or
 *         loss, batch or n of 0, a target outside its domain (BCE and soft-target
 *         entries outside [0, 1]; a class index that is not an integer in [0, n)).
 *         A NaN target is not outside a domain: it propagates into the loss.
 * @since 1.0
 */
NNACT_API nnact_status nnact_loss_ex(nnact_loss_kind k, double param, size_t batch, size_t n,
                                     const double *y, const double *t, double *loss, double *dy);

NNACT_END_DECLS

#endif /* NNACT_LOSS_H */
