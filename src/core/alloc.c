/* The library's allocator: libc's, behind a counter and an optional test hook. */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/alloc.h"

static nnact__alloc_hook alloc_hook;
static void *alloc_hook_ctx;
static atomic_size_t alloc_count;

static int allowed(size_t size)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    return alloc_hook == NULL || alloc_hook(size, alloc_hook_ctx);
}

void *nnact__malloc(size_t size)
{
    return allowed(size) ? malloc(size ? size : 1) : NULL;
}

void *nnact__calloc(size_t count, size_t size)
{
    return allowed(count * size) ? calloc(count ? count : 1, size ? size : 1) : NULL;
}

void nnact__free(void *p)
{
    free(p);
}

void nnact__alloc_set_hook(nnact__alloc_hook hook, void *ctx)
{
    alloc_hook = hook;
    alloc_hook_ctx = ctx;
}

size_t nnact__alloc_count(void)
{
    return atomic_load_explicit(&alloc_count, memory_order_relaxed);
}
