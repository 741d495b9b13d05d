/* Internal: run-time CPU feature checks that select vectorized paths. */
#ifndef NNACT_CORE_CPU_H
#define NNACT_CORE_CPU_H

#include "core/error.h"

enum {
    NNACT_CPU_AVX2_FMA = 1u << 0, /* AVX2 and FMA3 both present (and enabled by the OS) */
    NNACT_CPU_AVX512 = 1u << 1    /* AVX-512 F and DQ */
};

/* Bit set of NNACT_CPU_*; detected once, cheap to call. NNACT_CPU_MASK in the
 * environment (a decimal number) clears bits, so tests can force a path. */
NNACT_HIDDEN unsigned nnact__cpu_flags(void);

#endif /* NNACT_CORE_CPU_H */
