/* Internal: the library's own counter-based PRNG. Output i of stream (seed,
 * stream) is a fixed function of (seed, stream, i) built from integer
 * arithmetic and IEEE-exact double operations only (+ - * / sqrt, frexp), with
 * contraction into FMA disabled for this folder: the same seed gives the same
 * bits on every machine and compiler. No libm transcendental is used (their
 * last bit differs between C libraries); the normal draw uses our own log.
 * Specified in docs/OPTIMIZERS.md ("Random numbers") and replayed by
 * tests/gen_optim_fixtures.py. */
#ifndef NNACT_INIT_RNG_H
#define NNACT_INIT_RNG_H

#include <stdint.h>

#include "core/error.h"

struct nnact__rng {
    uint64_t key;     /* derived from (seed, stream) */
    uint64_t counter; /* draws taken */
};

NNACT_HIDDEN void nnact__rng_init(struct nnact__rng *r, uint64_t seed, uint64_t stream);
/* 64 uniform bits: splitmix64's finalizer of key + (counter + 1) * golden gamma */
NNACT_HIDDEN uint64_t nnact__rng_u64(struct nnact__rng *r);
/* uniform on [0, 1), 53 bits */
NNACT_HIDDEN double nnact__rng_uniform(struct nnact__rng *r);
/* standard normal (Marsaglia's polar method with nnact__rng_log) */
NNACT_HIDDEN double nnact__rng_normal(struct nnact__rng *r);
/* uniform integer in [0, range), range >= 1, unbiased (rejection) */
NNACT_HIDDEN uint64_t nnact__rng_below(struct nnact__rng *r, uint64_t range);
/* natural log of x > 0 (finite, normal) from frexp and an atanh series; within
   a few ulp of log(x), and bit-reproducible */
NNACT_HIDDEN double nnact__rng_log(double x);

#endif /* NNACT_INIT_RNG_H */
