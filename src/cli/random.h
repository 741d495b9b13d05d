/* Random test data for the tools, from the library's own reproducible PRNG
 * (nnact_init_fill): no generator of their own. */
#ifndef NNACT_CLI_RANDOM_H
#define NNACT_CLI_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* v[0 .. n-1] uniform in [lo, hi] (lo <= hi, finite) from stream (seed,
 * stream); 0 on success, -1 on bad arguments. */
int cli_fill_uniform(uint64_t seed, uint64_t stream, double lo, double hi, size_t n, double *v);

#endif /* NNACT_CLI_RANDOM_H */
