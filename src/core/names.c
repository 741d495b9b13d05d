/* Name lookup shared by every family of kinds, and safe quoting of user bytes. */
#include <stdio.h>
#include <string.h>

#include "core/names.h"

static const char *row_name(const struct nnact__name_family *f, size_t i)
{
    const char *row = (const char *)f->rows + i * f->stride;
    const char *name;
    memcpy(&name, row, sizeof name); /* the row's first member */
    return name;
}

const char *nnact__family_name(const struct nnact__name_family *f, int k)
{
    return k >= 0 && (size_t)k < f->count ? row_name(f, (size_t)k) : NULL;
}

/* ASCII-only folding: the process locale must not change which names match */
static int same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z') cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb) return 0;
        if (ca == '\0') return 1;
    }
}

nnact_status nnact__family_lookup(const struct nnact__name_family *f, const char *name, int *kind)
{
    NNACT_RETURN_IF(name == NULL || kind == NULL, NNACT_ERR_ARG, "%s: NULL argument", f->who);
    for (size_t i = 0; i < f->count; i++) {
        if (same_name(name, row_name(f, i))) {
            *kind = (int)i;
            return NNACT_OK;
        }
    }
    for (size_t i = 0; i < f->n_aliases; i++) {
        if (same_name(name, f->aliases[i].alias)) {
            *kind = f->aliases[i].kind;
            return NNACT_OK;
        }
    }
    char quoted[160], valid[400];
    size_t used = 0;
    valid[0] = '\0';
    for (size_t i = 0; i < f->count && used < sizeof valid; i++) {
        int w = snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "", row_name(f, i));
        if (w < 0) break;
        used += (size_t)w;
    }
    return nnact__fail(NNACT_ERR_ARG, "%s: unknown %s \"%s\" (valid: %s)", f->who, f->family,
                       nnact__quote(name, 64, quoted, sizeof quoted), valid);
}

const char *nnact__quote(const char *s, size_t max_chars, char *buf, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    for (; s[i] != '\0' && i < max_chars; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[5];
        size_t n = 0;
        if (c == '\n' || c == '\t' || c == '\r' || c == '"' || c == '\\') {
            esc[n++] = '\\';
            esc[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            esc[n++] = '\\';
            esc[n++] = 'x';
            esc[n++] = hex[c >> 4];
            esc[n++] = hex[c & 15];
        } else {
            esc[n++] = (char)c;
        }
        if (o + n + 4 > cap) break; /* room for "..." and the terminator */
        memcpy(buf + o, esc, n);
        o += n;
    }
    if (s[i] != '\0') {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}
