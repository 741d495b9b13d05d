/* Uniform draws through nnact_init_fill: He-uniform with fan_in 3 is
 * U(-gain, gain) exactly (bound = gain sqrt(3 / fan_in) = gain), so the gain
 * is the half-width and the centre is added afterwards. */
#include <math.h>

#include "cli/random.h"
#include "nnact/init.h"

int cli_fill_uniform(uint64_t seed, uint64_t stream, double lo, double hi, size_t n, double *v)
{
    if (!(isfinite(lo) && isfinite(hi) && lo <= hi)) return -1;
    const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
    if (nnact_init_fill(NNACT_INIT_HE_UNIFORM, half, 3, 0, seed, stream, n, v) != NNACT_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] += mid;
    return 0;
}
