/* Gradient clipping on flat vectors, as torch.nn.utils.clip_grad_norm_ and
 * clip_grad_value_ do it (the norm's 1e-6 guard included). */
#include <math.h>

#include "core/error.h"
#include "optim/optim_internal.h"

nnact_status nnact_clip_grad_norm(size_t n, double *g, double max_norm, double *norm)
{
    NNACT_RETURN_IF(g == NULL && n > 0, NNACT_ERR_ARG, "nnact_clip_grad_norm: g is NULL");
    NNACT_RETURN_IF(!(isfinite(max_norm) && max_norm >= 0.0), NNACT_ERR_ARG,
                    "nnact_clip_grad_norm: max_norm = %g must be finite and >= 0", max_norm);
    NNACT_RETURN_IF(!nnact__all_finite(n, g), NNACT_ERR_NUMERIC,
                    "nnact_clip_grad_norm: g holds NaN or Inf; left unchanged");
    /* scaled so that neither huge nor tiny elements overflow or vanish */
    double amax = 0.0;
    for (size_t i = 0; i < n; i++)
        amax = fabs(g[i]) > amax ? fabs(g[i]) : amax;
    double total = 0.0;
    if (amax > 0.0) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            double a = g[i] / amax;
            sum += a * a;
        }
        total = amax * sqrt(sum);
    }
    double coef = max_norm / (total + 1e-6);
    if (coef < 1.0)
        for (size_t i = 0; i < n; i++)
            g[i] *= coef;
    if (norm != NULL) *norm = total;
    return NNACT_OK;
}

nnact_status nnact_clip_grad_value(size_t n, double *g, double clip)
{
    NNACT_RETURN_IF(g == NULL && n > 0, NNACT_ERR_ARG, "nnact_clip_grad_value: g is NULL");
    NNACT_RETURN_IF(!(isfinite(clip) && clip >= 0.0), NNACT_ERR_ARG,
                    "nnact_clip_grad_value: clip = %g must be finite and >= 0", clip);
    for (size_t i = 0; i < n; i++)
        g[i] = g[i] > clip ? clip : (g[i] < -clip ? -clip : g[i]);
    return NNACT_OK;
}
