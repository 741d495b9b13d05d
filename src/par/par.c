/* The work splitter of par.h. This first version runs every chunk on the
 * calling thread; the chunking contract (results independent of the thread
 * count) is what callers build on. */
#include "par/par.h"

#include "nnact/blas.h"

int nnact__par_threads(void)
{
    return nnact_blas_get_threads();
}

void nnact__par_for(size_t n, size_t grain, size_t serial_below, nnact__par_fn fn, void *ctx)
{
    (void)serial_below;
    for (size_t begin = 0; begin < n; begin += grain)
        fn(ctx, begin, n - begin < grain ? n : begin + grain);
}
