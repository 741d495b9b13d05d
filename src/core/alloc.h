/* Internal: every allocation the library makes goes through these, so tests
 * can count allocations (none in steady-state forward/backward/step) and make
 * the k-th one fail (every failure path must leave objects unchanged). */
#ifndef NNACT_CORE_ALLOC_H
#define NNACT_CORE_ALLOC_H

#include <stddef.h>

#include "core/error.h"

NNACT_HIDDEN void *nnact__malloc(size_t size);
NNACT_HIDDEN void *nnact__calloc(size_t count, size_t size);
NNACT_HIDDEN void nnact__free(void *p);

/* Test hook, hidden from the shared object: called before each allocation
 * with its size; returning 0 makes that allocation fail. NULL removes it. Not
 * for concurrent use: tests set it while no other thread is in the library. */
typedef int (*nnact__alloc_hook)(size_t size, void *ctx);
NNACT_HIDDEN void nnact__alloc_set_hook(nnact__alloc_hook hook, void *ctx);

/* Allocations made so far by the whole process (monotone, relaxed atomic). */
NNACT_HIDDEN size_t nnact__alloc_count(void);

#endif /* NNACT_CORE_ALLOC_H */
