/* The library's own PRNG: see rng.h for why it avoids libm. */
#include <math.h>

#include "init/rng.h"

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

/* splitmix64's output function: a bijective 64-bit mixer */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void nnact__rng_init(struct nnact__rng *r, uint64_t seed, uint64_t stream)
{
    /* mixing the stream before combining keeps streams of nearby seeds apart */
    r->key = mix64(seed ^ mix64(stream + UINT64_C(0x6a09e667f3bcc909)));
    r->counter = 0;
}

uint64_t nnact__rng_u64(struct nnact__rng *r)
{
    r->counter++;
    return mix64(r->key + r->counter * GOLDEN);
}

double nnact__rng_uniform(struct nnact__rng *r)
{
    return (double)(nnact__rng_u64(r) >> 11) * 0x1p-53;
}

uint64_t nnact__rng_below(struct nnact__rng *r, uint64_t range)
{
    /* reject the top partial block so every residue is equally likely */
    uint64_t threshold = (0 - range) % range;
    for (;;) {
        uint64_t x = nnact__rng_u64(r);
        if (x >= threshold) return x % range;
    }
}

double nnact__rng_log(double x)
{
    /* x = m 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(r), r = (m-1)/(m+1),
       |r| <= 0.1716, and the atanh series to r^27 is below 1e-20 relative */
    int e;
    double m = frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double r = (m - 1.0) / (m + 1.0), r2 = r * r;
    double s = 1.0 / 27.0;
    for (int k = 12; k >= 0; k--)
        s = 1.0 / (double)(2 * k + 1) + r2 * s;
    const double ln2_hi = 0.693147180369123816490, ln2_lo = 1.90821492927058770002e-10;
    return (double)e * ln2_hi + ((double)e * ln2_lo + 2.0 * r * s);
}

double nnact__rng_normal(struct nnact__rng *r)
{
    for (;;) {
        double u = 2.0 * nnact__rng_uniform(r) - 1.0;
        double v = 2.0 * nnact__rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s < 1.0 && s > 0.0) return u * sqrt(-2.0 * nnact__rng_log(s) / s);
    }
}
