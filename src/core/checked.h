/* Internal: size arithmetic that reports overflow instead of wrapping. */
#ifndef NNACT_CORE_CHECKED_H
#define NNACT_CORE_CHECKED_H

#include <stddef.h>
#include <stdint.h>

/* *out = a * b; returns 0 (and leaves *out alone) when it would overflow size_t. */
static inline int nnact__mul_size(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}

/* *out = a + b; returns 0 when it would overflow size_t. */
static inline int nnact__add_size(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return 0;
    *out = a + b;
    return 1;
}

/* *out = a * b * sizeof(double): the bytes of an a x b matrix of doubles. */
static inline int nnact__matrix_bytes(size_t a, size_t b, size_t *out)
{
    size_t n;
    return nnact__mul_size(a, b, &n) && nnact__mul_size(n, sizeof(double), out);
}

#endif /* NNACT_CORE_CHECKED_H */
