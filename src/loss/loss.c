/* Losses: value and gradient with respect to the outputs, in forms that cannot
 * produce NaN or overflow in an intermediate for finite inputs. Formulas and
 * reductions are in include/nnact/loss.h and docs/NETWORK.md. */
#include <math.h>

#include "core/checked.h"
#include "core/error.h"
#include "core/names.h"
#include "loss/loss_internal.h"
#include "nnact/loss.h"
#include "par/par.h"

/* What a kind's targets must be (nnact__loss_check_targets). */
enum loss_targets {
    TARGETS_ANY,        /* any value; NaN and +-Inf propagate */
    TARGETS_UNIT,       /* each in [0, 1] */
    TARGETS_CLASS_INDEX /* one whole number in [0, n) per row, or NaN */
};

/* One row per kind: the single source of names, target rules and parameters.
 * The value and gradient kernels below switch on the kind. */
struct loss_desc {
    const char *name;   /* first member: the name lookup reads the rows (core/names.h) */
    int target_per_row; /* 1: one target per row (target width 1), else n per row */
    int softmax;        /* row-wise softmax over the n outputs, mean over the rows */
    enum loss_targets targets;
    const char *param;    /* nnact_loss_ex's parameter (finite, > 0), NULL: none */
    double param_default; /* the value NAN selects */
    int is_mean;          /* a mean over rows (or elements); 0: a sum (half_sse) */
};

static const struct loss_desc descs[] = {
    [NNACT_LOSS_HALF_SSE] = {"half_sse", 0, 0, TARGETS_ANY, NULL, 0, 0},
    [NNACT_LOSS_MSE] = {"mse", 0, 0, TARGETS_ANY, NULL, 0, 1},
    [NNACT_LOSS_BCE_LOGITS] = {"bce_logits", 0, 0, TARGETS_UNIT, NULL, 0, 1},
    [NNACT_LOSS_SOFTMAX_CE] = {"softmax_ce", 0, 1, TARGETS_UNIT, NULL, 0, 1},
    [NNACT_LOSS_MAE] = {"mae", 0, 0, TARGETS_ANY, NULL, 0, 1},
    [NNACT_LOSS_HUBER] = {"huber", 0, 0, TARGETS_ANY, "delta", 1.0, 1},
    [NNACT_LOSS_SOFTMAX_CE_INDEX] = {"softmax_ce_index", 1, 1, TARGETS_CLASS_INDEX, NULL, 0, 1},
};

#define LOSS_KIND_COUNT (sizeof descs / sizeof descs[0])
_Static_assert(LOSS_KIND_COUNT == NNACT_LOSS_SOFTMAX_CE_INDEX + 1,
               "loss.c: one descs[] row per nnact_loss_kind, up to the last value");

static const struct nnact__name_family loss_family = {
    "nnact_loss_from_name", "loss", descs, sizeof descs[0], LOSS_KIND_COUNT, NULL, 0,
};

static int kind_valid(nnact_loss_kind k)
{
    return (unsigned)k < LOSS_KIND_COUNT;
}

size_t nnact_loss_count(void)
{
    return LOSS_KIND_COUNT;
}

const char *nnact_loss_name(nnact_loss_kind k)
{
    return nnact__family_name(&loss_family, (int)k);
}

nnact_status nnact_loss_from_name(const char *name, nnact_loss_kind *k)
{
    int kind;
    NNACT_FORWARD_IF_ERROR(nnact__family_lookup(&loss_family, name, k ? &kind : NULL));
    *k = (nnact_loss_kind)kind;
    return NNACT_OK;
}

size_t nnact_loss_target_width(nnact_loss_kind k, size_t n)
{
    if (!kind_valid(k)) return 0;
    return descs[k].target_per_row ? 1 : n;
}

int nnact__loss_is_mean(nnact_loss_kind k)
{
    return kind_valid(k) && descs[k].is_mean;
}

static int all_finite(size_t n, const double *a)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

/* ---- element-wise kinds ------------------------------------------------- */

/* Term i of the sum before the reduction's division. */
static double elem_term(nnact_loss_kind k, double delta, double y, double t)
{
    double r = y - t, a;
    switch (k) {
    case NNACT_LOSS_HALF_SSE:
        return 0.5 * r * r;
    case NNACT_LOSS_MSE:
        return r * r;
    case NNACT_LOSS_MAE:
        return fabs(r);
    case NNACT_LOSS_HUBER:
        a = fabs(r);
        return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    default: /* BCE on logits: max(z,0) - z t + log1p(e^-|z|), never exp of a positive number */
        return (y > 0 ? y : 0.0) - y * t + log1p(exp(-fabs(y)));
    }
}

/* The same term already divided by n_div, for the rare case where the plain sum
 * overflowed although the mean may not: built from the half difference
 * rh = y/2 - t/2, which cannot overflow for finite y and t, so each step
 * overflows only when its exact value does. */
static double elem_term_scaled(nnact_loss_kind k, double delta, double y, double t, double n_div)
{
    const double rh = 0.5 * y - 0.5 * t, ah = fabs(rh);
    switch (k) {
    case NNACT_LOSS_MSE:
        return rh * (rh * (4.0 / n_div));
    case NNACT_LOSS_MAE:
        return ah * (2.0 / n_div);
    case NNACT_LOSS_HUBER:
        if (ah <= 0.5 * delta) /* |r| <= delta: r itself is finite */
            return 0.5 * (2.0 * rh) * ((2.0 * rh) / n_div);
        /* 2 delta (|rh| - delta/4) / n_div, the factor below 1 applied first */
        if (n_div >= 2.0) return delta * ((ah - 0.25 * delta) * (2.0 / n_div));
        return (delta * (ah - 0.25 * delta)) * (2.0 / n_div);
    default:
        return elem_term(k, delta, y, t) / n_div;
    }
}

static double elem_grad(nnact_loss_kind k, double delta, double y, double t, double norm)
{
    double r = y - t;
    switch (k) {
    case NNACT_LOSS_HALF_SSE:
        return r; /* +-Inf only when y - t exceeds DBL_MAX */
    case NNACT_LOSS_MSE:
        /* 2 r / N as norm * r with norm = 2/N; r may overflow where 2r/N does not */
        return isinf(r) && isfinite(y) && isfinite(t) ? (0.5 * y - 0.5 * t) * (2.0 * norm)
                                                      : norm * r;
    case NNACT_LOSS_MAE:
        return isnan(r) ? r : norm * (double)((r > 0) - (r < 0));
    case NNACT_LOSS_HUBER:
        return norm * (r > delta ? delta : r < -delta ? -delta : r);
    default: {
        /* sigmoid(z) - t with the exponential of -|z| only */
        double e = exp(-fabs(y)), s = y >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        return norm * (s - t);
    }
    }
}

/* ---- threads (par/par.h) ------------------------------------------------
 * The value is a sum: each chunk keeps its partial, and the partials are
 * added in chunk order, so the bits depend on N (which fixes the chunks) and
 * never on the thread count. Up to LOSS_GRAIN elements are one chunk and add
 * up exactly as the plain left-to-right loop did before 1.1; larger inputs
 * sum chunk by chunk. LOSS_MAX_CHUNKS partials live on the stack: past
 * LOSS_GRAIN x LOSS_MAX_CHUNKS elements the chunks grow instead. The
 * thresholds are par.h's: the BCE term costs an exp and a
 * log1p, the others a few flops. */
#define LOSS_GRAIN      4096u
#define LOSS_MAX_CHUNKS 256u

struct elem_run {
    nnact_loss_kind k;
    double delta, n_div, norm;
    const double *y, *t;
    double *dy; /* NULL: no gradient */
    size_t grain;
    int scaled; /* 1: the overflow pass (elem_term_scaled) */
    double part[LOSS_MAX_CHUNKS];
    unsigned char finite[LOSS_MAX_CHUNKS]; /* y and t of the chunk all finite */
};

static void elem_chunk(void *p, size_t begin, size_t end)
{
    struct elem_run *r = p;
    const size_t c = begin / r->grain;
    double sum = 0.0;
    if (r->scaled) {
        for (size_t i = begin; i < end; i++)
            sum += elem_term_scaled(r->k, r->delta, r->y[i], r->t[i], r->n_div);
        r->part[c] = sum;
        return;
    }
    for (size_t i = begin; i < end; i++)
        sum += elem_term(r->k, r->delta, r->y[i], r->t[i]);
    r->part[c] = sum;
    /* only asked when the sum overflowed: the rare path pays for the scan */
    r->finite[c] = !isinf(sum) ||
                   (all_finite(end - begin, r->y + begin) && all_finite(end - begin, r->t + begin));
    if (r->dy)
        for (size_t i = begin; i < end; i++)
            r->dy[i] = elem_grad(r->k, r->delta, r->y[i], r->t[i], r->norm);
}

static double sum_parts(const double *part, size_t chunks)
{
    double sum = 0.0;
    for (size_t c = 0; c < chunks; c++)
        sum += part[c];
    return sum;
}

static void loss_elementwise(nnact_loss_kind k, double delta, size_t N, const double *y,
                             const double *t, double *loss, double *dy)
{
    /* half-SSE is a plain sum; the others are means over all N elements */
    const double n_div = k == NNACT_LOSS_HALF_SSE ? 1.0 : (double)N;
    struct elem_run r = {.k = k, .delta = delta, .n_div = n_div, .y = y, .t = t, .dy = dy};
    r.norm = k == NNACT_LOSS_MSE ? 2.0 / n_div : 1.0 / n_div;
    r.grain = nnact__par_reduce_grain(N, LOSS_GRAIN, LOSS_MAX_CHUNKS);
    const size_t chunks = nnact__par_chunks(N, r.grain);
    const size_t serial_below =
        k == NNACT_LOSS_BCE_LOGITS ? NNACT__PAR_SERIAL_TRANSCENDENTAL : NNACT__PAR_SERIAL_CHEAP;
    nnact__par_for(N, r.grain, serial_below, elem_chunk, &r);
    double value = sum_parts(r.part, chunks) / n_div;
    /* A sum of non-negative terms that overflowed for finite inputs: the mean
     * may still be representable, so add the pre-divided terms instead. A
     * chunk whose own partial stayed finite had finite inputs (an infinite
     * or NaN input makes its term, and so its partial, infinite or NaN). */
    int finite = 1;
    for (size_t c = 0; c < chunks; c++)
        finite &= !isnan(r.part[c]) && r.finite[c];
    if (isinf(value) && finite) {
        r.scaled = 1;
        nnact__par_for(N, r.grain, serial_below, elem_chunk, &r);
        value = sum_parts(r.part, chunks);
    }
    *loss = value;
}

/* ---- softmax cross-entropy ---------------------------------------------- */

/* Row max that lets NaN through (a NaN anywhere makes the result NaN). */
static double row_max(size_t n, const double *z)
{
    double m = z[0];
    for (size_t j = 1; j < n; j++) {
        if (isnan(z[j])) return z[j];
        if (z[j] > m) m = z[j];
    }
    return m;
}

/* log sum_j e^{z_j} = m + log sum_j e^{z_j - m}: every exponent <= 0 and the
 * sum >= 1, so neither overflows nor is log(0). */
/* log sum_j e^{z_j - m} with m the row max: every exponent <= 0 and the sum
 * >= 1, so it neither overflows nor takes log(0). The cost of class j is then
 * (m - z_j) + this, which keeps its relative accuracy where lse - z_j would
 * cancel. */
static double row_log_sum(size_t n, const double *z, double m)
{
    double s = 0.0;
    if (!isfinite(m)) /* NaN, or an infinite logit: nothing finite to subtract */
        return m;
    for (size_t j = 0; j < n; j++)
        s += exp(z[j] - m);
    return log(s);
}

/* Loss of row r (before the mean) and the same already divided by B from
 * half-size terms (the overflow fallback), with the row's gradient. */
static void softmax_ce_row(nnact_loss_kind k, size_t r, size_t n, double norm, const double *y,
                           const double *t, double *row_out, double *row_scaled_out, double *dy)
{
    const double *z = y + r * n;
    const double m = row_max(n, z), ls = row_log_sum(n, z, m), lse = m + ls;
    double row = 0.0, row_scaled = 0.0, st = 0.0;
    if (k == NNACT_LOSS_SOFTMAX_CE_INDEX) {
        const double c = t[r];
        if (isnan(c)) {
            row = row_scaled = c;
        } else {
            const size_t ci = (size_t)c;
            row = (m - z[ci]) + ls; /* >= 0 */
            row_scaled = ((0.5 * m - 0.5 * z[ci]) + 0.5 * ls) * (2.0 * norm);
        }
        st = 1.0;
    } else {
        const double *tr = t + r * n;
        for (size_t j = 0; j < n; j++) {
            const double d = (m - z[j]) + ls;
            /* 0 * log p is 0 even where log p is -Inf; NaN still propagates */
            if (tr[j] == 0.0 && !isnan(d)) continue;
            row += tr[j] * d;
            row_scaled += tr[j] * (((0.5 * m - 0.5 * z[j]) + 0.5 * ls) * (2.0 * norm));
        }
        for (size_t j = 0; j < n; j++)
            st += tr[j];
    }
    *row_out = row;
    *row_scaled_out = row_scaled;
    if (dy) {
        double *g = dy + r * n;
        for (size_t j = 0; j < n; j++) {
            /* softmax_j = e^{z_j - lse} <= 1 */
            const double p = exp(z[j] - lse);
            double tj;
            if (k == NNACT_LOSS_SOFTMAX_CE_INDEX) /* t holds one class per row */
                tj = isnan(t[r]) ? t[r] : ((size_t)t[r] == j ? 1.0 : 0.0);
            else
                tj = t[r * n + j];
            g[j] = norm * (p * st - tj);
        }
    }
}

/* Rows in chunks of whole rows, a partial per chunk as for the element-wise
 * kinds (LOSS_GRAIN elements' worth of rows; one chunk up to that). */
struct softmax_run {
    nnact_loss_kind k;
    size_t n, grain;
    double norm;
    const double *y, *t;
    double *dy;
    double part[LOSS_MAX_CHUNKS], part_scaled[LOSS_MAX_CHUNKS];
    unsigned char overflowed[LOSS_MAX_CHUNKS];
};

static void softmax_chunk(void *p, size_t begin, size_t end)
{
    struct softmax_run *s = p;
    double sum = 0.0, sum_scaled = 0.0;
    int overflowed = 0;
    for (size_t r = begin; r < end; r++) {
        double row, row_scaled;
        softmax_ce_row(s->k, r, s->n, s->norm, s->y, s->t, &row, &row_scaled, s->dy);
        sum += row;
        sum_scaled += row_scaled;
        if (isinf(row)) overflowed = 1;
    }
    const size_t c = begin / s->grain;
    s->part[c] = sum;
    s->part_scaled[c] = sum_scaled;
    s->overflowed[c] = (unsigned char)overflowed;
}

static void loss_softmax(nnact_loss_kind k, size_t B, size_t n, const double *y, const double *t,
                         double *loss, double *dy)
{
    struct softmax_run s = {.k = k, .n = n, .norm = 1.0 / (double)B, .y = y, .t = t, .dy = dy};
    const size_t rows_per_grain = n >= LOSS_GRAIN ? 1 : LOSS_GRAIN / n;
    s.grain = nnact__par_reduce_grain(B, rows_per_grain, LOSS_MAX_CHUNKS);
    const size_t chunks = nnact__par_chunks(B, s.grain);
    /* an exp per element: the transcendental threshold, in rows */
    nnact__par_for(B, s.grain, (NNACT__PAR_SERIAL_TRANSCENDENTAL + n - 1) / n, softmax_chunk, &s);
    const double sum = sum_parts(s.part, chunks), sum_scaled = sum_parts(s.part_scaled, chunks);
    int overflowed = 0;
    for (size_t c = 0; c < chunks; c++)
        overflowed |= s.overflowed[c];
    double value = sum * s.norm;
    if ((overflowed || isinf(value)) && !isnan(value) && all_finite(B * n, y)) value = sum_scaled;
    *loss = value;
}

/* ---- entry points ------------------------------------------------------- */

nnact_status nnact__loss_check_targets(const char *who, nnact_loss_kind k, size_t B, size_t n,
                                       const double *t)
{
    const char *name = descs[k].name;
    switch (descs[k].targets) {
    case TARGETS_UNIT:
        for (size_t i = 0; i < B * n; i++)
            NNACT_RETURN_IF(t[i] < 0.0 || t[i] > 1.0, NNACT_ERR_ARG,
                            "%s: %s: target %zu is %g, outside [0, 1]", who, name, i, t[i]);
        break;
    case TARGETS_CLASS_INDEX:
        for (size_t r = 0; r < B; r++)
            NNACT_RETURN_IF(
                !isnan(t[r]) && !(t[r] >= 0.0 && t[r] < (double)n && t[r] == floor(t[r])),
                NNACT_ERR_ARG, "%s: %s: target of row %zu is %g, not a class in [0, %zu)", who,
                name, r, t[r], n);
        break;
    case TARGETS_ANY:
        break;
    }
    return NNACT_OK;
}

nnact_status nnact_loss_ex(nnact_loss_kind k, double param, size_t batch, size_t n, const double *y,
                           const double *t, double *loss, double *dy)
{
    static const char who[] = "nnact_loss";
    size_t N, bytes;
    NNACT_RETURN_IF(!kind_valid(k), NNACT_ERR_ARG, "%s: unknown loss kind %d", who, (int)k);
    const struct loss_desc *d = &descs[k];
    double delta = d->param_default;
    NNACT_RETURN_IF(y == NULL || t == NULL || loss == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    y == NULL   ? "y"
                    : t == NULL ? "t"
                                : "loss");
    NNACT_RETURN_IF(batch == 0 || n == 0, NNACT_ERR_ARG, "%s: %s is 0", who,
                    batch == 0 ? "batch" : "n");
    NNACT_RETURN_IF(!nnact__mul_size(batch, n, &N) || !nnact__mul_size(N, sizeof(double), &bytes),
                    NNACT_ERR_OVERFLOW, "%s: batch %zu x n %zu overflows", who, batch, n);
    if (d->param != NULL && !isnan(param)) {
        NNACT_RETURN_IF(!(param > 0.0) || isinf(param), NNACT_ERR_ARG,
                        "%s: %s: %s must be finite and > 0, got %g", who, d->name, d->param, param);
        delta = param;
    }
    NNACT_FORWARD_IF_ERROR(nnact__loss_check_targets(who, k, batch, n, t));
    if (d->softmax)
        loss_softmax(k, batch, n, y, t, loss, dy);
    else
        loss_elementwise(k, delta, N, y, t, loss, dy);
    return NNACT_OK;
}

nnact_status nnact_loss(nnact_loss_kind k, size_t batch, size_t n, const double *y, const double *t,
                        double *loss, double *dy)
{
    return nnact_loss_ex(k, NAN, batch, n, y, t, loss, dy);
}
