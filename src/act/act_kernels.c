/* The activation kernels without the public calls' argument checks and FP
 * guard (act_internal.h): the network calls these once per row block. */
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
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * nnact__act_ref_df_from_y(k, alpha, y[i]);
}
