/**
 * @file nnact/status.h
 * @brief Status codes returned by every fallible libnnact call, and the
 *        per-thread detail of the last failure.
 */
#ifndef NNACT_STATUS_H
#define NNACT_STATUS_H

#include "nnact/export.h"

NNACT_BEGIN_DECLS

/**
 * @brief Result of a libnnact call. Values are explicit and only ever appended.
 *
 * On any status other than NNACT_OK the call has left the caller's objects as
 * they were, set any out-handle to NULL, and written a one-line detail that
 * nnact_last_error() returns.
 * @since 1.0
 */
typedef enum nnact_status {
    NNACT_OK = 0,           /**< success */
    NNACT_ERR_ARG = 1,      /**< NULL where not allowed, zero size, unknown enum, bad parameter */
    NNACT_ERR_SHAPE = 2,    /**< dimensions do not agree */
    NNACT_ERR_OVERFLOW = 3, /**< a size computation would overflow */
    NNACT_ERR_NOMEM = 4,    /**< an allocation failed */
    NNACT_ERR_NONLINEAR = 5, /**< collapse asked of a network with a nonlinear layer */
    NNACT_ERR_STATE = 6,    /**< call out of order, e.g. backward before forward */
    NNACT_ERR_IO = 7,       /**< the operating system refused a read, write, open or rename */
    NNACT_ERR_FORMAT = 8,   /**< corrupt, truncated or unsupported model file */
    NNACT_ERR_NUMERIC = 9   /**< NaN/Inf found where the caller asked to be told, or a
                                 numerical routine did not converge */
} nnact_status;

/**
 * @brief Short English name of a status, e.g. "invalid argument".
 * @param s any value, including ones outside the enum.
 * @return a static string; never NULL ("unknown status" for values outside the enum).
 * @since 1.0
 */
NNACT_API const char *nnact_status_str(nnact_status s);

/**
 * @brief Detail of the last failure in the calling thread,
 *        e.g. "nnact_net_forward: layer 2 expects 10 inputs, got 4".
 *
 * Thread-local: a failure in one thread never changes what another thread
 * reads. Successful calls do not clear it, so read it right after the failing
 * call. Before any failure it is the empty string.
 * @return a pointer to thread-local storage, valid until the next libnnact
 *         call in the same thread; never NULL.
 * @since 1.0
 */
NNACT_API const char *nnact_last_error(void);

NNACT_END_DECLS

#endif /* NNACT_STATUS_H */
