/* Reading options: enum-keyed setters, as nnact_fit_config's. */
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "data/data_internal.h"

nnact_status nnact_read_options_create(nnact_read_options **out)
{
    static const char who[] = "nnact_read_options_create";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    nnact_read_options *o = nnact__calloc(1, sizeof *o);
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    *out = o;
    return NNACT_OK;
}

void nnact_read_options_free(nnact_read_options *o)
{
    if (o == NULL) return;
    nnact__free(o->targets);
    nnact__free(o);
}

static int64_t *field(nnact_read_options *o, nnact_read_param p)
{
    switch (p) {
    case NNACT_READ_DELIMITER:
        return &o->delimiter;
    case NNACT_READ_HEADER:
        return &o->header;
    case NNACT_READ_COMMENTS:
        return &o->comments;
    case NNACT_READ_TASK:
        return &o->task;
    case NNACT_READ_LABEL_ORDER:
        return &o->label_order;
    case NNACT_READ_MAX_ROWS:
        return &o->max_rows;
    }
    return NULL;
}

static int valid(nnact_read_param p, int64_t v)
{
    switch (p) {
    case NNACT_READ_DELIMITER:
        return v == 0 || v == ',' || v == ';' || v == '\t' || v == ' ';
    case NNACT_READ_HEADER:
        return v >= 0 && v <= 2;
    case NNACT_READ_COMMENTS:
    case NNACT_READ_TASK:
    case NNACT_READ_LABEL_ORDER:
        return v == 0 || v == 1;
    case NNACT_READ_MAX_ROWS:
        return v >= 0;
    }
    return 0;
}

static const char *const key_names[] = {"NNACT_READ_DELIMITER",   "NNACT_READ_HEADER",
                                        "NNACT_READ_COMMENTS",    "NNACT_READ_TASK",
                                        "NNACT_READ_LABEL_ORDER", "NNACT_READ_MAX_ROWS"};

nnact_status nnact_read_options_set_int(nnact_read_options *o, nnact_read_param p, int64_t v)
{
    static const char who[] = "nnact_read_options_set_int";
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "%s: options are NULL", who);
    int64_t *f = field(o, p);
    NNACT_RETURN_IF(f == NULL, NNACT_ERR_ARG, "%s: unknown key %d", who, (int)p);
    NNACT_RETURN_IF(!valid(p, v), NNACT_ERR_ARG, "%s: %s does not take %lld", who, key_names[p],
                    (long long)v);
    *f = v;
    return NNACT_OK;
}

nnact_status nnact_read_options_get_int(const nnact_read_options *o, nnact_read_param p, int64_t *v)
{
    static const char who[] = "nnact_read_options_get_int";
    NNACT_RETURN_IF(o == NULL || v == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    o == NULL ? "options" : "v");
    int64_t *f = field((nnact_read_options *)o, p);
    NNACT_RETURN_IF(f == NULL, NNACT_ERR_ARG, "%s: unknown key %d", who, (int)p);
    *v = *f;
    return NNACT_OK;
}

/* Checks one item of a target list: digits only is a 1-based column number. */
static nnact_status check_item(const char *item, size_t len, const char *list)
{
    static const char who[] = "nnact_read_options_set_targets";
    char q[120];
    NNACT_RETURN_IF(len == 0, NNACT_ERR_ARG, "%s: an empty column in \"%s\"", who,
                    nnact__quote(list, 60, q, sizeof q));
    size_t digits = strspn(item, "0123456789");
    if (digits < len) return NNACT_OK;
    uint64_t v = 0;
    for (size_t i = 0; i < len && v <= INT32_MAX; i++)
        v = v * 10 + (uint64_t)(item[i] - '0');
    NNACT_RETURN_IF(v == 0 || v > INT32_MAX, NNACT_ERR_ARG,
                    "%s: column numbers start at 1 and stop below 2^31 (\"%s\")", who,
                    nnact__quote(list, 60, q, sizeof q));
    return NNACT_OK;
}

nnact_status nnact_read_options_set_targets(nnact_read_options *o, const char *columns)
{
    static const char who[] = "nnact_read_options_set_targets";
    NNACT_RETURN_IF(o == NULL, NNACT_ERR_ARG, "%s: options are NULL", who);
    if (columns == NULL || columns[0] == '\0') {
        nnact__free(o->targets);
        o->targets = NULL;
        return NNACT_OK;
    }
    for (const char *a = columns;;) {
        size_t len = strcspn(a, ",");
        NNACT_FORWARD_IF_ERROR(check_item(a, len, columns));
        /* the same item twice (as text; "2" and a name of column 2 are found when reading) */
        for (const char *b = columns; b < a; b += strcspn(b, ",") + 1) {
            char q[120];
            NNACT_RETURN_IF(strcspn(b, ",") == len && memcmp(a, b, len) == 0, NNACT_ERR_ARG,
                            "%s: a column named twice in \"%s\"", who,
                            nnact__quote(columns, 60, q, sizeof q));
        }
        if (a[len] == '\0') break;
        a += len + 1;
    }
    size_t n = strlen(columns) + 1;
    char *copy = nnact__malloc(n);
    NNACT_RETURN_IF(copy == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    memcpy(copy, columns, n);
    nnact__free(o->targets);
    o->targets = copy;
    return NNACT_OK;
}
