/* Internal: recording failures for nnact_last_error(), and the macros that keep
 * error paths short. Never installed. */
#ifndef NNACT_CORE_ERROR_H
#define NNACT_CORE_ERROR_H

#include <stddef.h>

#include "nnact/status.h"

#if defined(__GNUC__) || defined(__clang__)
#define NNACT_HIDDEN __attribute__((visibility("hidden")))
#define NNACT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NNACT_HIDDEN
#define NNACT_PRINTF(f, a)
#endif

/* Records "fmt ..." as this thread's last error and returns s, so a failing
 * check reads `return nnact__fail(NNACT_ERR_ARG, "...", ...);`. */
NNACT_HIDDEN nnact_status nnact__fail(nnact_status s, const char *fmt, ...) NNACT_PRINTF(2, 3);

/* The calling thread's last detail without its leading "nnact_function: ",
 * copied into buf (the detail buffer itself is what nnact__fail writes, so a
 * caller that rewraps a callee's detail must copy it out first). */
NNACT_HIDDEN const char *nnact__last_reason(char *buf, size_t cap);

/* Return status s with a detail when cond holds. */
#define NNACT_RETURN_IF(cond, s, ...)                                                              \
    do {                                                                                           \
        if (cond)                                                                                  \
            return nnact__fail((s), __VA_ARGS__);                                                  \
    } while (0)

/* Forward a callee's failure (its detail is already recorded). */
#define NNACT_FORWARD_IF_ERROR(expr)                                                               \
    do {                                                                                           \
        nnact_status nnact_fwd_status_ = (expr);                                                   \
        if (nnact_fwd_status_ != NNACT_OK)                                                         \
            return nnact_fwd_status_;                                                              \
    } while (0)

#endif /* NNACT_CORE_ERROR_H */
