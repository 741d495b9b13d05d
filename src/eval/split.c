/* nnact_split_rows: a seeded, optionally stratified, two-sided permutation of
 * rows. Only integer arithmetic and the library's PRNG decide the result, so
 * a seed gives the same split on every machine; tests/gen_eval_fixtures.py
 * replays it independently. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "eval/eval_internal.h"
#include "init/rng.h"
#include "nnact/eval.h"

/* PRNG stream of the splits ("SPLITROW"), apart from the fit's shuffles and
   the initialisation streams */
#define SPLIT_STREAM UINT64_C(0x53504c4954524f57)

struct labelled_row {
    double label;
    size_t row;
};

/* One class: its rows are rows[start .. start+count-1] of the sorted list. */
struct class_share {
    uint64_t start, count, second, rem, id;
};

static int by_label_then_row(const void *a, const void *b)
{
    const struct labelled_row *x = a, *y = b;
    if (x->label != y->label) return x->label < y->label ? -1 : 1;
    return x->row < y->row ? -1 : (x->row > y->row);
}

/* largest remainder first, then the smaller class */
static int by_remainder(const void *a, const void *b)
{
    const struct class_share *x = a, *y = b;
    if (x->rem != y->rem) return x->rem > y->rem ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id);
}

static int by_id(const void *a, const void *b)
{
    const struct class_share *x = a, *y = b;
    return x->id < y->id ? -1 : (x->id > y->id);
}

/* q = floor(a * b / d), r = a * b mod d, exactly, for a * b < d * d: the
   128-bit product by 32-bit halves, then long division one bit at a time */
static void mul_div(uint64_t a, uint64_t b, uint64_t d, uint64_t *q, uint64_t *r)
{
    const uint64_t M32 = UINT64_C(0xffffffff);
    uint64_t al = a & M32, ah = a >> 32, bl = b & M32, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & M32) + (hl & M32);
    uint64_t lo = (ll & M32) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    uint64_t rem = hi, quo = 0; /* hi < d */
    for (int i = 63; i >= 0; i--) {
        uint64_t carry = rem >> 63;
        rem = (rem << 1) | ((lo >> i) & 1u);
        quo <<= 1;
        if (carry || rem >= d) {
            rem -= d;
            quo |= 1u;
        }
    }
    *q = quo;
    *r = rem;
}

static void fisher_yates(size_t *v, size_t count, struct nnact__rng *rng)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)nnact__rng_below(rng, (uint64_t)i);
        size_t tmp = v[i - 1];
        v[i - 1] = v[j];
        v[j] = tmp;
    }
}

static uint64_t on_side(const struct class_share *c, int second)
{
    return second ? c->second : c->count - c->second;
}

/* A class that can give one row of this side away and keep the guarantee. */
static int can_spare(const struct class_share *c, int second)
{
    const uint64_t have = on_side(c, second);
    return c->count >= 2 ? have >= 2 : have >= 1;
}

/* the donor ranking: most rows on the side, then the smaller class */
static int ranks_above(const struct class_share *x, const struct class_share *y, int second)
{
    const uint64_t a = on_side(x, second), b = on_side(y, second);
    return a != b ? a > b : x->id < y->id;
}

static void sift_down(struct class_share **heap, size_t len, size_t i, int second)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, top = i;
        if (l < len && ranks_above(heap[l], heap[top], second)) top = l;
        if (r < len && ranks_above(heap[r], heap[top], second)) top = r;
        if (top == i) return;
        struct class_share *tmp = heap[i];
        heap[i] = heap[top];
        heap[top] = tmp;
        i = top;
    }
}

/* Every class of >= 2 rows without a row on `second`'s side takes one (in
   class order) from the class with the most rows there that can spare one:
   a max-heap of the donors. heap has room for every class. */
static void give_each_class_a_row(struct class_share *cls, size_t classes, int second,
                                  struct class_share **heap)
{
    size_t len = 0;
    for (size_t g = 0; g < classes; g++)
        if (can_spare(&cls[g], second)) heap[len++] = &cls[g];
    for (size_t i = len / 2; i-- > 0;)
        sift_down(heap, len, i, second);
    for (size_t g = 0; g < classes && len > 0; g++) {
        struct class_share *c = &cls[g];
        if (c->count < 2 || on_side(c, second) > 0) continue;
        struct class_share *d = heap[0];
        const int step = second ? 1 : -1; /* rows of `second`'s side move to c */
        c->second = (uint64_t)((int64_t)c->second + step);
        d->second = (uint64_t)((int64_t)d->second - step);
        if (!can_spare(d, second)) heap[0] = heap[--len];
        sift_down(heap, len, 0, second);
    }
}

/* Per class: S * n_c / n rounded down, the rest by largest remainder. */
static void share_out(struct class_share *cls, size_t classes, size_t n, size_t S)
{
    uint64_t given = 0;
    for (size_t g = 0; g < classes; g++) {
        mul_div(cls[g].count, S, n, &cls[g].second, &cls[g].rem);
        given += cls[g].second;
    }
    qsort(cls, classes, sizeof *cls, by_remainder);
    for (size_t g = 0; given < S; g++, given++)
        cls[g].second++;
    qsort(cls, classes, sizeof *cls, by_id);
}

static nnact_status split_stratified(const char *who, size_t n, const double *labels, size_t S,
                                     struct nnact__rng *rng, size_t *order)
{
    size_t row_bytes, class_bytes, heap_bytes, bytes;
    NNACT_RETURN_IF(!nnact__mul_size(n, sizeof(struct labelled_row), &row_bytes) ||
                        !nnact__mul_size(n, sizeof(struct class_share), &class_bytes) ||
                        !nnact__mul_size(n, sizeof(struct class_share *), &heap_bytes) ||
                        !nnact__add_size(row_bytes, class_bytes, &bytes) ||
                        !nnact__add_size(bytes, heap_bytes, &bytes),
                    NNACT_ERR_OVERFLOW, "%s: %zu rows overflow the scratch size", who, n);
    char *scratch = nnact__malloc(bytes);
    NNACT_RETURN_IF(scratch == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    struct class_share *cls = (struct class_share *)scratch; /* widest alignment first */
    struct labelled_row *rows = (struct labelled_row *)(scratch + class_bytes);
    struct class_share **heap = (struct class_share **)(scratch + class_bytes + row_bytes);
    for (size_t i = 0; i < n; i++)
        rows[i] = (struct labelled_row){labels[i], i};
    /* (label, row) pairs are distinct, so any sort gives this one order */
    qsort(rows, n, sizeof *rows, by_label_then_row);
    size_t classes = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || rows[i].label != rows[i - 1].label) {
            cls[classes] = (struct class_share){i, 0, 0, 0, classes};
            classes++;
        }
        cls[classes - 1].count++;
    }
    share_out(cls, classes, n, S);
    give_each_class_a_row(cls, classes, 1, heap);
    give_each_class_a_row(cls, classes, 0, heap);
    /* each class's rows drawn at random: its first `second` go second */
    size_t n_first = n - S, f = 0, s = n_first;
    size_t *members = (size_t *)heap; /* the heap is done; a class's rows fit in it */
    for (size_t g = 0; g < classes; g++) {
        for (uint64_t i = 0; i < cls[g].count; i++)
            members[i] = rows[cls[g].start + i].row;
        fisher_yates(members, (size_t)cls[g].count, rng);
        for (uint64_t i = 0; i < cls[g].count; i++) {
            if (i < cls[g].second)
                order[s++] = members[i];
            else
                order[f++] = members[i];
        }
    }
    nnact__free(scratch);
    /* not grouped by class on either side */
    fisher_yates(order, n_first, rng);
    fisher_yates(order + n_first, S, rng);
    return NNACT_OK;
}

nnact_status nnact__split_rows(const char *who, size_t n, const double *labels, double fraction,
                               uint64_t seed, size_t *order, size_t *n_first)
{
    NNACT_RETURN_IF(order == NULL || n_first == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    order == NULL ? "order" : "n_first");
    NNACT_RETURN_IF(n == 0, NNACT_ERR_ARG, "%s: n is 0", who);
    NNACT_RETURN_IF(!(fraction >= 0.0 && fraction < 1.0), NNACT_ERR_ARG,
                    "%s: fraction %g is outside [0, 1)", who, fraction);
    if (labels != NULL)
        for (size_t i = 0; i < n; i++)
            NNACT_RETURN_IF(
                !(isfinite(labels[i]) && labels[i] >= 0.0 && floor(labels[i]) == labels[i]),
                NNACT_ERR_ARG, "%s: row %zu: label %g is not a class index (a whole number >= 0)",
                who, i, labels[i]);
    /* the fit's rule for its validation rows */
    const size_t S = (size_t)floor((double)n * fraction);
    struct nnact__rng rng;
    nnact__rng_init(&rng, seed, SPLIT_STREAM);
    if (labels != NULL) {
        NNACT_FORWARD_IF_ERROR(split_stratified(who, n, labels, S, &rng, order));
    } else {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        fisher_yates(order, n, &rng);
    }
    *n_first = n - S;
    return NNACT_OK;
}

nnact_status nnact_split_rows(size_t n, const double *labels, double fraction, uint64_t seed,
                              size_t *order, size_t *n_first)
{
    return nnact__split_rows("nnact_split_rows", n, labels, fraction, seed, order, n_first);
}
