/* Internal: looking a kind up by name, the one rule every enumerated family
 * (activation, loss, optimizer, schedule, initialisation) follows, and quoting
 * user bytes safely in error details. */
#ifndef NNACT_CORE_NAMES_H
#define NNACT_CORE_NAMES_H

#include <stddef.h>

#include "core/error.h"

/* A family's names as its descriptor table gives them: canonical name of kind
 * i at names[i * stride] (a table of structs whose first member is the name
 * pointer passes its first row and sizeof a row), then aliases. */
struct nnact__name_alias {
    const char *alias;
    int kind;
};
struct nnact__name_family {
    const char *who;    /* public function named in the detail, e.g. "nnact_opt_from_name" */
    const char *family; /* "optimizer", for "unknown optimizer ..." */
    const void *rows;   /* first row of the descriptor table */
    size_t stride;      /* bytes from one row to the next */
    size_t count;       /* kinds 0 .. count-1 */
    const struct nnact__name_alias *aliases;
    size_t n_aliases;
};

/* Canonical name of kind k at the family's table (NULL when out of range). */
NNACT_HIDDEN const char *nnact__family_name(const struct nnact__name_family *f, int k);

/* Kind of `name`, compared case-insensitively (ASCII) with the canonical names
 * and then the aliases. NNACT_ERR_ARG for NULL arguments or an unknown name,
 * the detail quoting the name safely and listing every valid canonical name;
 * *kind is untouched then. */
NNACT_HIDDEN nnact_status nnact__family_lookup(const struct nnact__name_family *f, const char *name,
                                               int *kind);

/* Writes s into buf (cap >= 8) with control characters, '"', '\\' and bytes
 * >= 0x7f escaped (\n, \t, \xHH), cut after max_chars characters of s with
 * "..." appended; returns buf. For quoting user bytes in error details. */
NNACT_HIDDEN const char *nnact__quote(const char *s, size_t max_chars, char *buf, size_t cap);

#endif /* NNACT_CORE_NAMES_H */
