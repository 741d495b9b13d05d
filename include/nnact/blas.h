/**
 * @file nnact/blas.h
 * @brief The BLAS the library's products run on: what it is and how many
 *        threads it uses. Implemented by the blas module (src/blas), the
 *        library's only door to CBLAS and LAPACKE; this header never includes
 *        cblas.h or lapacke.h.
 */
#ifndef NNACT_BLAS_H
#define NNACT_BLAS_H

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

NNACT_END_DECLS

#endif /* NNACT_BLAS_H */
