/* Gradient clipping on flat vectors, as torch.nn.utils.clip_grad_norm_ and
 * clip_grad_value_ do it (the norm's 1e-6 guard included).
 *
 * Large vectors are split across the BLAS's threads (par/par.h). The norm is
 * a sum: one partial per chunk, added in chunk order, so its bits depend on
 * n and never on the thread count. Up to CLIP_GRAIN elements are one chunk
 * and sum exactly as the plain loop did before 1.1. Every pass is a few flops
 * an element: par.h's threshold for cheap passes. */
#include <math.h>

#include "core/error.h"
#include "optim/optim_internal.h"
#include "par/par.h"

#define CLIP_GRAIN      4096u
#define CLIP_MAX_CHUNKS 256u

struct norm_run {
    double *g;
    size_t grain;
    double amax, coef;                  /* set between the passes */
    double part[CLIP_MAX_CHUNKS];       /* max |g|, then sum (g/amax)^2 */
    unsigned char bad[CLIP_MAX_CHUNKS]; /* the chunk holds NaN or Inf */
};

static void amax_chunk(void *p, size_t begin, size_t end)
{
    struct norm_run *r = p;
    double amax = 0.0;
    int bad = 0;
    for (size_t i = begin; i < end; i++) {
        const double a = fabs(r->g[i]);
        bad |= !isfinite(a);
        amax = a > amax ? a : amax;
    }
    r->part[begin / r->grain] = amax;
    r->bad[begin / r->grain] = (unsigned char)bad;
}

/* scaled by the max so that neither huge nor tiny elements overflow or vanish */
static void sumsq_chunk(void *p, size_t begin, size_t end)
{
    struct norm_run *r = p;
    double sum = 0.0;
    for (size_t i = begin; i < end; i++) {
        const double a = r->g[i] / r->amax;
        sum += a * a;
    }
    r->part[begin / r->grain] = sum;
}

static void scale_chunk(void *p, size_t begin, size_t end)
{
    struct norm_run *r = p;
    for (size_t i = begin; i < end; i++)
        r->g[i] *= r->coef;
}

nnact_status nnact_clip_grad_norm(size_t n, double *g, double max_norm, double *norm)
{
    NNACT_RETURN_IF(g == NULL && n > 0, NNACT_ERR_ARG, "nnact_clip_grad_norm: g is NULL");
    NNACT_RETURN_IF(!(isfinite(max_norm) && max_norm >= 0.0), NNACT_ERR_ARG,
                    "nnact_clip_grad_norm: max_norm = %g must be finite and >= 0", max_norm);
    struct norm_run r = {.g = g, .grain = nnact__par_reduce_grain(n, CLIP_GRAIN, CLIP_MAX_CHUNKS)};
    const size_t chunks = nnact__par_chunks(n, r.grain);
    nnact__par_for(n, r.grain, NNACT__PAR_SERIAL_CHEAP, amax_chunk, &r);
    double amax = 0.0;
    for (size_t c = 0; c < chunks; c++) {
        NNACT_RETURN_IF(r.bad[c], NNACT_ERR_NUMERIC,
                        "nnact_clip_grad_norm: g holds NaN or Inf; left unchanged");
        amax = r.part[c] > amax ? r.part[c] : amax;
    }
    double total = 0.0;
    if (amax > 0.0) {
        r.amax = amax;
        nnact__par_for(n, r.grain, NNACT__PAR_SERIAL_CHEAP, sumsq_chunk, &r);
        double sum = 0.0;
        for (size_t c = 0; c < chunks; c++)
            sum += r.part[c];
        total = amax * sqrt(sum);
    }
    r.coef = max_norm / (total + 1e-6);
    if (r.coef < 1.0) nnact__par_for(n, r.grain, NNACT__PAR_SERIAL_CHEAP, scale_chunk, &r);
    if (norm != NULL) *norm = total;
    return NNACT_OK;
}

struct value_run {
    double *g;
    double clip;
};

static void value_chunk(void *p, size_t begin, size_t end)
{
    const struct value_run *r = p;
    const double clip = r->clip;
    double *g = r->g;
    for (size_t i = begin; i < end; i++)
        g[i] = g[i] > clip ? clip : (g[i] < -clip ? -clip : g[i]);
}

nnact_status nnact_clip_grad_value(size_t n, double *g, double clip)
{
    NNACT_RETURN_IF(g == NULL && n > 0, NNACT_ERR_ARG, "nnact_clip_grad_value: g is NULL");
    NNACT_RETURN_IF(!(isfinite(clip) && clip >= 0.0), NNACT_ERR_ARG,
                    "nnact_clip_grad_value: clip = %g must be finite and >= 0", clip);
    struct value_run r = {g, clip};
    nnact__par_for(n, CLIP_GRAIN, NNACT__PAR_SERIAL_CHEAP, value_chunk, &r);
    return NNACT_OK;
}
