/* Row-wise softmax and log-softmax with their backward passes. */
#include <math.h>
#include <stdint.h>

#include "act/act_internal.h"
#include "act/fpguard.h"
#include "core/checked.h"
#include "par/par.h"

/* Overlap of two byte ranges that are not the same array. */
static int overlap(const double *a, const double *b, size_t bytes)
{
    if (a == b) return 0;
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + bytes && y < x + bytes;
}

static nnact_status check(const char *who, size_t rows, size_t cols, const double *in1,
                          const double *in2, const double *out, size_t *n)
{
    size_t bytes;
    NNACT_RETURN_IF(!nnact__matrix_bytes(rows, cols, &bytes), NNACT_ERR_OVERFLOW,
                    "%s: %zu x %zu doubles overflow size_t", who, rows, cols);
    *n = bytes / sizeof(double);
    if (*n == 0) return NNACT_OK;
    NNACT_RETURN_IF(in1 == NULL || in2 == NULL || out == NULL, NNACT_ERR_ARG,
                    "%s: NULL array with %zu x %zu", who, rows, cols);
    NNACT_RETURN_IF(overlap(in1, out, bytes) || overlap(in2, out, bytes), NNACT_ERR_ARG,
                    "%s: output partially overlaps an input", who);
    return NNACT_OK;
}

/* Classifies a row: returns 0 for finite-max rows (*m = max), 1 when the row
 * has a NaN or only -Inf (result NaN), 2 when some entries are +Inf (*k of them). */
static int row_class(const double *x, size_t cols, double *m, size_t *k)
{
    double mx = -INFINITY;
    size_t pinf = 0;
    for (size_t j = 0; j < cols; j++) {
        if (isnan(x[j])) return 1;
        if (x[j] == INFINITY) pinf++;
        if (x[j] > mx) mx = x[j];
    }
    if (pinf) {
        *k = pinf;
        return 2;
    }
    if (mx == -INFINITY) return 1;
    *m = mx;
    return 0;
}

static void softmax_row(const double *x, double *y, size_t cols, int log_form)
{
    double m = 0;
    size_t k = 0;
    switch (row_class(x, cols, &m, &k)) {
    case 1:
        for (size_t j = 0; j < cols; j++)
            y[j] = NAN;
        return;
    case 2:
        for (size_t j = 0; j < cols; j++) {
            int top = x[j] == INFINITY;
            y[j] = log_form ? (top ? -log((double)k) : -INFINITY) : (top ? 1.0 / (double)k : 0.0);
        }
        return;
    default:
        break;
    }
    /* The first maximal entry contributes e^0 = 1 exactly; the others sum to
     * t, so log(sum) = log1p(t) keeps log-softmax exact when one entry dominates. */
    size_t top = cols;
    double t = 0.0;
    for (size_t j = 0; j < cols; j++) {
        if (top == cols && x[j] == m) {
            top = j;
            continue;
        }
        t += exp(x[j] - m);
    }
    if (log_form) {
        double ls = log1p(t);
        for (size_t j = 0; j < cols; j++)
            y[j] = (x[j] - m) - ls;
    } else {
        double inv = 1.0 / (1.0 + t);
        for (size_t j = 0; j < cols; j++)
            y[j] = j == top ? inv : exp(x[j] - m) * inv;
    }
}

/* Rows are independent, so splitting them across threads (par/par.h) gives
 * the same bits on every thread count. A row costs an exp per element: the
 * transcendental threshold of act.c, in elements, turned into rows. */
#define SOFTMAX_GRAIN_ELEMS 8192u

struct softmax_run {
    size_t cols;
    const double *x, *dy;
    double *y;
    int log_form;
};

static void softmax_rows(void *p, size_t begin, size_t end)
{
    const struct softmax_run *r = p;
    for (size_t i = begin; i < end; i++)
        softmax_row(r->x + i * r->cols, r->y + i * r->cols, r->cols, r->log_form);
}

static void backward_rows(void *p, size_t begin, size_t end)
{
    const struct softmax_run *r = p;
    const size_t cols = r->cols;
    for (size_t i = begin; i < end; i++) {
        const double *yr = r->x + i * cols, *g = r->dy + i * cols;
        double *o = r->y + i * cols;
        double s = 0.0;
        if (r->log_form) {
            for (size_t j = 0; j < cols; j++)
                s += g[j];
            for (size_t j = 0; j < cols; j++)
                o[j] = g[j] - exp(yr[j]) * s;
        } else {
            for (size_t j = 0; j < cols; j++)
                s += g[j] * yr[j];
            for (size_t j = 0; j < cols; j++)
                o[j] = yr[j] * (g[j] - s);
        }
    }
}

static void run_rows(size_t rows, nnact__par_fn fn, struct softmax_run *r)
{
    const size_t grain = r->cols >= SOFTMAX_GRAIN_ELEMS ? 1 : SOFTMAX_GRAIN_ELEMS / r->cols;
    const size_t serial_below = (NNACT__PAR_SERIAL_TRANSCENDENTAL + r->cols - 1) / r->cols;
    nnact__fpguard flags;
    nnact__fpguard_save(&flags);
    nnact__par_for(rows, grain, serial_below, fn, r);
    nnact__fpguard_restore(&flags);
}

static nnact_status softmax_common(const char *who, size_t rows, size_t cols, const double *x,
                                   double *y, int log_form)
{
    size_t n;
    NNACT_FORWARD_IF_ERROR(check(who, rows, cols, x, x, y, &n));
    if (n == 0) return NNACT_OK;
    struct softmax_run r = {cols, x, NULL, y, log_form};
    run_rows(rows, softmax_rows, &r);
    return NNACT_OK;
}

nnact_status nnact_softmax(size_t rows, size_t cols, const double *x, double *y)
{
    return softmax_common("nnact_softmax", rows, cols, x, y, 0);
}

nnact_status nnact_log_softmax(size_t rows, size_t cols, const double *x, double *y)
{
    return softmax_common("nnact_log_softmax", rows, cols, x, y, 1);
}

/* Row-wise backward from the output. softmax: dx = y (dy - sum dy y);
 * log-softmax: dx = dy - e^y sum dy (e^y is the softmax). Each element reads
 * only its own y and dy after the row's sum: dx may be either input. */
static nnact_status backward_common(const char *who, size_t rows, size_t cols, const double *y,
                                    const double *dy, double *dx, int log_form)
{
    size_t n;
    NNACT_FORWARD_IF_ERROR(check(who, rows, cols, y, dy, dx, &n));
    if (n == 0) return NNACT_OK;
    struct softmax_run r = {cols, y, dy, dx, log_form};
    run_rows(rows, backward_rows, &r);
    return NNACT_OK;
}

nnact_status nnact_softmax_backward(size_t rows, size_t cols, const double *y, const double *dy,
                                    double *dx)
{
    return backward_common("nnact_softmax_backward", rows, cols, y, dy, dx, 0);
}

nnact_status nnact_log_softmax_backward(size_t rows, size_t cols, const double *y, const double *dy,
                                        double *dx)
{
    return backward_common("nnact_log_softmax_backward", rows, cols, y, dy, dx, 1);
}
