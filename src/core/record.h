/* Internal: the size-prefixed output records of the public API (docs/ABI.md).
 * A record's first member is `size_t size`, set by the caller to sizeof the
 * record it was compiled with; fields are only ever appended, so a caller
 * built against an older header passes a smaller size and gets the fields it
 * knows. Each record's first-release size is listed here, once. */
#ifndef NNACT_CORE_RECORD_H
#define NNACT_CORE_RECORD_H

#include <stddef.h>
#include <string.h>

#include "core/error.h"

/* Bytes of `type` up to and including member `last`. */
#define NNACT__RECORD_END(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))

/* The smallest size each record accepts: its 1.1 fields. */
#define NNACT__FIT_REPORT_MIN          NNACT__RECORD_END(nnact_fit_report, stop_reason)
#define NNACT__CHECKPOINT_POSITION_MIN NNACT__RECORD_END(nnact_checkpoint_position, rng_counter)
#define NNACT__GRADCHECK_REPORT_MIN    NNACT__RECORD_END(nnact_gradcheck_report, params_checked)
#define NNACT__FILE_INFO_MIN           NNACT__RECORD_END(nnact_file_info, n_targets)
#define NNACT__CLASS_METRICS_MIN       NNACT__RECORD_END(nnact_class_metrics, macro_f1)
#define NNACT__REGRESS_METRICS_MIN     NNACT__RECORD_END(nnact_regress_metrics, r2)
#define NNACT__FIT_DIST_MIN            NNACT__RECORD_END(nnact_fit_dist, user)
#define NNACT__ONNX_INFO_MIN           NNACT__RECORD_END(nnact_onnx_info, reason)

/* NNACT_ERR_ARG, naming the record, unless the caller's record (not NULL)
 * declares at least `min` bytes. */
static inline nnact_status nnact__record_check(const char *who, const char *name, const void *rec,
                                               size_t min)
{
    size_t size;
    memcpy(&size, rec, sizeof size);
    NNACT_RETURN_IF(size < min, NNACT_ERR_ARG,
                    "%s: %s->size %zu is below the %zu bytes of the 1.1 record (set it to "
                    "sizeof the record)",
                    who, name, size, min);
    return NNACT_OK;
}

/* Writes the library's whole record `src` (`full` bytes) into the caller's
 * `dst`, as much of it as the caller's size covers; dst's size stays. */
static inline void nnact__record_put(void *dst, const void *src, size_t full)
{
    size_t size;
    memcpy(&size, dst, sizeof size);
    memcpy((char *)dst + sizeof size, (const char *)src + sizeof size,
           (size < full ? size : full) - sizeof size);
}

#endif /* NNACT_CORE_RECORD_H */
