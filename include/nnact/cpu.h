/**
 * @file nnact/cpu.h
 * @brief The CPU features that select the library's vectorized paths.
 *        Implemented by the core module (src/core/cpu.c), which also does the
 *        run-time dispatch the activation kernels use.
 */
#ifndef NNACT_CPU_H
#define NNACT_CPU_H

#include "nnact/export.h"

NNACT_BEGIN_DECLS

/**
 * @brief CPU features detected at run time that libnnact can use,
 *        space-separated, e.g. "sse2 avx fma avx2" (a subset of sse2, avx,
 *        fma, avx2, avx512f, avx512dq).
 * @return a static string; never NULL.
 * @since 1.0
 */
NNACT_API const char *nnact_cpu_features(void);

NNACT_END_DECLS

#endif /* NNACT_CPU_H */
