/**
 * @file nnact/version.h
 * @brief Compile-time and run-time version of libnnact.
 *
 * Same major version = same ABI: a program built against 1.x runs with any
 * later 1.y (see docs/ABI.md).
 */
#ifndef NNACT_VERSION_H
#define NNACT_VERSION_H

#include "nnact/export.h"

#define NNACT_VERSION_MAJOR 1
#define NNACT_VERSION_MINOR 1
#define NNACT_VERSION_PATCH 0

#define NNACT_VERSION_STRINGIFY_(x) #x
#define NNACT_VERSION_STRINGIFY(x) NNACT_VERSION_STRINGIFY_(x)
/** "MAJOR.MINOR.PATCH" of the headers in use. */
#define NNACT_VERSION_STRING                                                                       \
    NNACT_VERSION_STRINGIFY(NNACT_VERSION_MAJOR)                                                   \
    "." NNACT_VERSION_STRINGIFY(NNACT_VERSION_MINOR) "." NNACT_VERSION_STRINGIFY(NNACT_VERSION_PATCH)
/** MAJOR*10000 + MINOR*100 + PATCH of the headers in use. */
#define NNACT_VERSION_NUMBER                                                                       \
    (NNACT_VERSION_MAJOR * 10000 + NNACT_VERSION_MINOR * 100 + NNACT_VERSION_PATCH)

NNACT_BEGIN_DECLS

/**
 * @brief Version of the library actually loaded, as MAJOR*10000 + MINOR*100 + PATCH.
 *
 * Compare with NNACT_VERSION_NUMBER to detect a header/library mismatch.
 * @since 1.0
 */
NNACT_API unsigned nnact_version(void);

/**
 * @brief Version of the library actually loaded, as "MAJOR.MINOR.PATCH".
 * @return a static string; never NULL.
 * @since 1.0
 */
NNACT_API const char *nnact_version_string(void);

NNACT_END_DECLS

#endif /* NNACT_VERSION_H */
