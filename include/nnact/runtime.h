/**
 * @file nnact/runtime.h
 * @brief What the library runs on: the BLAS in use and its threads, and the
 *        CPU features that select the vectorized paths.
 */
#ifndef NNACT_RUNTIME_H
#define NNACT_RUNTIME_H

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Which BLAS is in use, as the BLAS reports it,
 *        e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64; core Zen"
 *        (the build configuration, and the kernel family its dispatch chose on
 *        this CPU). The thread count is nnact_blas_get_threads().
 * @return a static string, built once; never NULL.
 * @since 1.0
 */
NNACT_API const char *nnact_blas_info(void);

/**
 * @brief Number of threads the BLAS uses for one product.
 *
 * The library never changes it by itself; this is the caller's knob. It is
 * process-wide (OpenBLAS has one pool), so set it before starting threads that
 * use libnnact. Results at a fixed thread count are bit-identical run to run.
 * @param n 1 or more.
 * @return NNACT_OK, or NNACT_ERR_ARG when n < 1.
 * @since 1.0
 */
NNACT_API nnact_status nnact_blas_set_threads(int n);

/** @brief Threads the BLAS currently uses (at least 1). @since 1.0 */
NNACT_API int nnact_blas_get_threads(void);

/**
 * @brief CPU features detected at run time that libnnact can use,
 *        space-separated, e.g. "sse2 avx fma avx2" (a subset of sse2, avx,
 *        fma, avx2, avx512f, avx512dq).
 * @return a static string; never NULL.
 * @since 1.0
 */
NNACT_API const char *nnact_cpu_features(void);

NNACT_END_DECLS

#endif /* NNACT_RUNTIME_H */
