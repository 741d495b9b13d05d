/* The activation kernels without the public calls' argument checks and FP
 * guard (act_internal.h): the network calls these once per row block. */
#include <math.h>

#include "act/act_internal.h"
#include "core/cpu.h"

/* The same choice as the public calls' (act.c): vector path when the CPU and
 * the kind have one, never depending on n, else the scalar reference. */
void nnact__act_apply(nnact_act_kind k, double alpha, int mode, size_t n, const double *x,
                      const double *dy, double *out)
{
#ifdef NNACT_HAVE_AVX2
    /* swish at beta = 1 is SiLU: the same bits on every path */
    const nnact_act_kind vk = k == NNACT_ACT_SWISH && alpha == 1.0 ? NNACT_ACT_SILU : k;
    if ((nnact__cpu_flags() & NNACT_CPU_AVX2_FMA) &&
        nnact__act_avx2(vk, alpha, mode, n, x, dy, out))
        return;
#endif
    nnact__act_ref_array(k, alpha, mode, n, x, dy, out);
}

void nnact__act_from_output(nnact_act_kind k, double alpha, size_t n, const double *y,
                            const double *dy, double *dx)
{
#ifdef NNACT_HAVE_AVX2
    if ((nnact__cpu_flags() & NNACT_CPU_AVX2_FMA) &&
        nnact__act_avx2_from_output(k, alpha, n, y, dy, dx))
        return;
#endif
    nnact__act_ref_from_output_array(k, alpha, n, y, dy, dx);
}

void nnact__act_backward_sums(nnact_act_kind k, double alpha, size_t rows, size_t cols, size_t ld,
                              const double *y, const double *g, double *dz, double *db, int init,
                              double *amax)
{
#ifdef NNACT_HAVE_AVX2
    if ((nnact__cpu_flags() & NNACT_CPU_AVX2_FMA) &&
        nnact__act_avx2_backward_sums(k, alpha, rows, cols, ld, y, g, dz, db, init, amax))
        return;
#endif
    double m = *amax;
    for (size_t r = 0; r < rows; r++) {
        double *row = dz + r * ld;
        if (y) nnact__act_ref_from_output_array(k, alpha, cols, y + r * ld, g + r * ld, row);
        for (size_t j = 0; j < cols; j++) {
            if (db) db[j] = init && r == 0 ? row[j] : db[j] + row[j];
            const double a = fabs(row[j]);
            m = (a > m || a != a) ? a : m; /* a NaN stays */
        }
    }
    *amax = m;
}
