/* Matrix-chain ordering and evaluation. The product of matrices with widths
 * d0 x d1, d1 x d2, ... costs d_i d_(k+1) d_(j+1) multiplications for the last
 * step of M_i..M_j split after k; the classic dynamic program over all splits
 * finds the cheapest parenthesisation in O(n^3). For 1000-2-1000-2-1000 the
 * left-to-right order costs 6e6 multiplications and the best one 2.008e6. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "blas/blas.h"
#include "collapse/collapse_internal.h"
#include "core/alloc.h"
#include "core/checked.h"

double nnact__gamma(double k)
{
    const double u = ldexp(1.0, -53);
    double ku = k * u;
    return ku >= 1.0 ? INFINITY : ku / (1.0 - ku);
}

void nnact__chain_free(nnact__chain *ch)
{
    nnact__free(ch->split);
    memset(ch, 0, sizeof *ch);
}

/* Checks the node i..j and its children; adds the workspace of every
 * non-root product node (the root goes straight into the caller's output). */
static nnact_status check_tree(const nnact__chain *ch, size_t i, size_t j, int root, size_t *work,
                               const char *who)
{
    if (i == j)
        return NNACT_OK;
    size_t k = ch->split[i * ch->n + j];
    size_t rows = ch->dims[i], cols = ch->dims[j + 1], bytes;
    NNACT_RETURN_IF(!nnact__matrix_bytes(rows, cols, &bytes) ||
                        !nnact__blas_dims_ok(rows, cols, ch->dims[k + 1]),
                    NNACT_ERR_OVERFLOW, "%s: the product of layers %zu..%zu (%zu x %zu) overflows",
                    who, i, j, rows, cols);
    if (!root)
        NNACT_RETURN_IF(!nnact__add_size(*work, rows * cols, work), NNACT_ERR_OVERFLOW,
                        "%s: workspace overflows size_t", who);
    NNACT_FORWARD_IF_ERROR(check_tree(ch, i, k, 0, work, who));
    return check_tree(ch, k + 1, j, 0, work, who);
}

nnact_status nnact__chain_plan(size_t n, const size_t *dims, nnact__chain *ch, const char *who)
{
    memset(ch, 0, sizeof *ch);
    ch->n = n;
    ch->dims = dims;
    size_t nn, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(n, n, &nn) || !nnact__mul_size(nn, sizeof(size_t) + sizeof(double), &bytes),
                    NNACT_ERR_OVERFLOW, "%s: %zu layers overflow the planner's table", who, n);
    /* The operands themselves must fit the BLAS, and the result (K) memory. */
    for (size_t i = 0; i < n; i++)
        NNACT_RETURN_IF(!nnact__blas_dims_ok(dims[i], dims[i + 1], 1), NNACT_ERR_OVERFLOW,
                        "%s: layer %zu (%zu x %zu) exceeds the BLAS's int", who, i, dims[i],
                        dims[i + 1]);
    NNACT_RETURN_IF(!nnact__matrix_bytes(dims[0], dims[n], &bytes), NNACT_ERR_OVERFLOW,
                    "%s: the product (%zu x %zu) overflows size_t", who, dims[0], dims[n]);

    ch->split = nnact__malloc(nn * sizeof(size_t));
    double *cost = nnact__malloc(nn * sizeof(double));
    if (ch->split == NULL || cost == NULL) {
        nnact__free(cost);
        nnact__chain_free(ch);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory planning %zu products", who, n);
    }
    for (size_t i = 0; i < n; i++) {
        cost[i * n + i] = 0.0;
        ch->split[i * n + i] = i;
    }
    /* Costs in double: exact up to 2^53 multiplications, and never overflow. */
    for (size_t len = 2; len <= n; len++) {
        for (size_t i = 0; i + len <= n; i++) {
            size_t j = i + len - 1;
            double best = INFINITY;
            size_t arg = i;
            for (size_t k = i; k < j; k++) {
                double c = cost[i * n + k] + cost[(k + 1) * n + j] +
                           (double)dims[i] * (double)dims[k + 1] * (double)dims[j + 1];
                if (c < best) {
                    best = c;
                    arg = k;
                }
            }
            cost[i * n + j] = best;
            ch->split[i * n + j] = arg;
        }
    }
    ch->mults = cost[n - 1];
    nnact__free(cost);
    ch->naive_mults = 0.0;
    for (size_t k = 1; k < n; k++)
        ch->naive_mults += (double)dims[0] * (double)dims[k] * (double)dims[k + 1];

    nnact_status s = check_tree(ch, 0, n - 1, 1, &ch->work, who);
    if (s != NNACT_OK)
        nnact__chain_free(ch);
    return s;
}

/* out = M_i ... M_j; intermediates are carved from *work in call order. */
static void eval(const nnact__chain *ch, const double *const *mats, size_t i, size_t j,
                 double **work, double *out)
{
    const size_t *d = ch->dims;
    if (i == j) {
        memcpy(out, mats[i], d[i] * d[i + 1] * sizeof(double));
        return;
    }
    size_t k = ch->split[i * ch->n + j];
    const double *a = mats[i], *b = mats[k + 1];
    if (k > i) {
        double *t = *work;
        *work += d[i] * d[k + 1];
        eval(ch, mats, i, k, work, t);
        a = t;
    }
    if (j > k + 1) {
        double *t = *work;
        *work += d[k + 1] * d[j + 1];
        eval(ch, mats, k + 1, j, work, t);
        b = t;
    }
    nnact__dgemm(0, 0, d[i], d[j + 1], d[k + 1], 1.0, a, d[k + 1], b, d[j + 1], 0.0, out,
                 d[j + 1]);
}

void nnact__chain_eval(const nnact__chain *ch, const double *const *mats, double *work,
                       double *out)
{
    eval(ch, mats, 0, ch->n - 1, &work, out);
}

/* Appends to buf (at *pos) while room lasts; *pos counts what is needed. */
static void put(char *buf, size_t size, size_t *pos, const char *s)
{
    size_t len = strlen(s);
    if (buf != NULL && *pos + len < size)
        memcpy(buf + *pos, s, len);
    *pos += len;
}

static void order(const nnact__chain *ch, size_t first, size_t i, size_t j, int paren, char *buf,
                  size_t size, size_t *pos)
{
    if (i == j) {
        char name[32];
        snprintf(name, sizeof name, "W%zu", first + i);
        put(buf, size, pos, name);
        return;
    }
    size_t k = ch->split[i * ch->n + j];
    if (paren)
        put(buf, size, pos, "(");
    order(ch, first, i, k, 1, buf, size, pos);
    put(buf, size, pos, " ");
    order(ch, first, k + 1, j, 1, buf, size, pos);
    if (paren)
        put(buf, size, pos, ")");
}

size_t nnact__chain_order(const nnact__chain *ch, size_t first, char *buf, size_t size)
{
    size_t pos = 0;
    order(ch, first, 0, ch->n - 1, 0, NULL, 0, &pos);
    if (buf != NULL && pos < size) {
        size_t w = 0;
        order(ch, first, 0, ch->n - 1, 0, buf, size, &w);
        buf[pos] = '\0';
    }
    return pos + 1;
}
