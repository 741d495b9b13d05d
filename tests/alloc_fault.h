/* Allocation-failure hooks for src/core/alloc.h's nnact__alloc_set_hook, shared
 * by the tests that prove every failure path leaves objects unchanged. */
#ifndef NNACT_TEST_ALLOC_FAULT_H
#define NNACT_TEST_ALLOC_FAULT_H

#include <stddef.h>

/* Fails the allocation numbered k (0-based) after the hook is set. */
struct fail_at {
    size_t k, seen;
};

static inline int fail_kth(size_t size, void *ctx)
{
    (void)size;
    struct fail_at *f = ctx;
    return f->seen++ != f->k;
}

/* Fails every allocation. */
static inline int fail_all(size_t size, void *ctx)
{
    (void)size;
    (void)ctx;
    return 0;
}

#endif /* NNACT_TEST_ALLOC_FAULT_H */
