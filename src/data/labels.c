/* Class labels: any text, each distinct one a class, found through an
 * open-addressing hash table while reading; first-seen order, or sorted at
 * the end (numerically when every label is a number, so "9" comes before "10"). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/read_internal.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* Doubles the slot table (and the label list when full) so at most half the slots are used. */
static int grow_labels(struct nnact__reader *r)
{
    if (r->n_labels == r->cap_labels) {
        size_t cap = r->cap_labels * 2 + 8;
        char **l = nnact__malloc(cap * sizeof *l);
        if (l == NULL) return 0;
        if (r->n_labels) memcpy(l, r->labels, r->n_labels * sizeof *l);
        nnact__free(r->labels);
        r->labels = l;
        r->cap_labels = cap;
    }
    if (2 * (r->n_labels + 1) <= r->n_slots) return 1;
    size_t n = r->n_slots ? r->n_slots * 2 : 16;
    size_t *slots = nnact__calloc(n, sizeof *slots);
    if (slots == NULL) return 0;
    for (size_t i = 0; i < r->n_labels; i++) {
        size_t k = (size_t)hash_bytes(r->labels[i], strlen(r->labels[i])) & (n - 1);
        while (slots[k] != 0)
            k = (k + 1) & (n - 1);
        slots[k] = i + 1;
    }
    nnact__free(r->slots);
    r->slots = slots;
    r->n_slots = n;
    return 1;
}

nnact_status nnact__label_index(struct nnact__reader *r, size_t col, const char *cs, const char *ce,
                                double *index)
{
    size_t n = (size_t)(ce - cs);
    if (n == 0) return nnact__cell_fail(r, col, cs, ce, "an empty cell");
    uint64_t h = hash_bytes(cs, n);
    if (r->n_slots > 0) {
        for (size_t k = (size_t)h & (r->n_slots - 1); r->slots[k] != 0;
             k = (k + 1) & (r->n_slots - 1)) {
            const char *l = r->labels[r->slots[k] - 1];
            /* strncmp stops at the end of a shorter label; cells hold no NUL */
            if (strncmp(l, cs, n) == 0 && l[n] == '\0') {
                *index = (double)(r->slots[k] - 1);
                return NNACT_OK;
            }
        }
    }
    char *text = nnact__malloc(n + 1);
    if (text == NULL || !grow_labels(r)) {
        nnact__free(text);
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for class labels");
    }
    memcpy(text, cs, n);
    text[n] = '\0';
    size_t k = (size_t)h & (r->n_slots - 1);
    while (r->slots[k] != 0)
        k = (k + 1) & (r->n_slots - 1);
    r->slots[k] = r->n_labels + 1;
    r->labels[r->n_labels] = text;
    *index = (double)r->n_labels++;
    return NNACT_OK;
}

struct sort_key {
    double value;
    const char *text;
    size_t old;
};

static int by_value(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    return strcmp(x->text, y->text);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(((const struct sort_key *)a)->text, ((const struct sort_key *)b)->text);
}

/* Sorts the labels and renumbers the targets; keys and map are scratch. */
static void sort_labels(struct nnact__reader *r, struct sort_key *keys, size_t *map)
{
    int numeric = 1;
    for (size_t i = 0; i < r->n_labels; i++) {
        const char *s = r->labels[i];
        keys[i] = (struct sort_key){0, s, i};
        numeric &= nnact__parse_number(s, s + strlen(s), &keys[i].value) == NNACT__NUM_OK;
    }
    qsort(keys, r->n_labels, sizeof *keys, numeric ? by_value : by_text);
    for (size_t i = 0; i < r->n_labels; i++) {
        map[keys[i].old] = i;
        r->labels[i] = (char *)keys[i].text;
    }
    for (size_t i = 0; i < r->t->rows; i++)
        r->t->t[i] = (double)map[(size_t)r->t->t[i]];
}

nnact_status nnact__finish_labels(struct nnact__reader *r)
{
    if (r->o->task != NNACT_TASK_CLASSIFY || r->t->nt == 0) return NNACT_OK;
    if (r->o->label_order == NNACT_LABELS_SORTED && r->n_labels > 1) {
        struct sort_key *keys = nnact__malloc(r->n_labels * sizeof *keys);
        size_t *map = nnact__malloc(r->n_labels * sizeof *map);
        if (keys == NULL || map == NULL) {
            nnact__free(keys);
            nnact__free(map);
            return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for class labels");
        }
        sort_labels(r, keys, map);
        nnact__free(keys);
        nnact__free(map);
    }
    /* the table takes the label strings; the list itself is the reader's */
    r->t->class_names = nnact__malloc(r->n_labels * sizeof(char *));
    if (r->t->class_names == NULL)
        return nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for class labels");
    memcpy(r->t->class_names, r->labels, r->n_labels * sizeof(char *));
    r->t->n_classes = r->n_labels;
    r->n_labels = 0;
    return NNACT_OK;
}
