/* The protobuf wire format, both ways: varints, fixed widths and
 * length-delimited fields (the only wire types ONNX uses; groups are
 * refused). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "onnx/onnx_internal.h"

struct nnact__onnx_seams nnact__onnx_seams = {ONNX_MAX_INIT_BYTES, (size_t)1 << 28};

/* ---- writer ---- */

void nnact__pbw_free(struct pbw *w)
{
    nnact__free(w->p);
    w->p = NULL;
    w->len = w->cap = 0;
}

static int pbw_reserve(struct pbw *w, size_t extra)
{
    if (w->failed) return 0;
    if (extra <= w->cap - w->len) return 1;
    size_t cap = w->cap ? w->cap : 256;
    while (cap - w->len < extra) {
        if (cap > SIZE_MAX / 2) {
            w->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    unsigned char *p = nnact__malloc(cap);
    if (!p) {
        w->failed = 1;
        return 0;
    }
    if (w->len) memcpy(p, w->p, w->len);
    nnact__free(w->p);
    w->p = p;
    w->cap = cap;
    return 1;
}

static size_t varint_put(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    do {
        unsigned char b = (unsigned char)(v & 0x7f);
        v >>= 7;
        out[n++] = (unsigned char)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static void pbw_rawvarint(struct pbw *w, uint64_t v)
{
    if (pbw_reserve(w, 10)) w->len += varint_put(w->p + w->len, v);
}

void nnact__pbw_raw(struct pbw *w, const void *data, size_t n)
{
    if (n && pbw_reserve(w, n)) {
        memcpy(w->p + w->len, data, n);
        w->len += n;
    }
}

void nnact__pbw_varint(struct pbw *w, uint32_t field, uint64_t v)
{
    pbw_rawvarint(w, (uint64_t)field << 3 | PB_VARINT);
    pbw_rawvarint(w, v);
}

void nnact__pbw_bytes(struct pbw *w, uint32_t field, const void *data, size_t n)
{
    pbw_rawvarint(w, (uint64_t)field << 3 | PB_LEN);
    pbw_rawvarint(w, n);
    nnact__pbw_raw(w, data, n);
}

void nnact__pbw_str(struct pbw *w, uint32_t field, const char *s)
{
    nnact__pbw_bytes(w, field, s, strlen(s));
}

void nnact__pbw_float(struct pbw *w, uint32_t field, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 24)};
    pbw_rawvarint(w, (uint64_t)field << 3 | PB_FIXED32);
    nnact__pbw_raw(w, b, 4);
}

size_t nnact__pbw_begin(struct pbw *w, uint32_t field)
{
    pbw_rawvarint(w, (uint64_t)field << 3 | PB_LEN);
    return w->len;
}

void nnact__pbw_end(struct pbw *w, size_t start)
{
    if (w->failed) return;
    size_t body = w->len - start;
    unsigned char v[10];
    size_t k = varint_put(v, body);
    if (!pbw_reserve(w, k)) return;
    memmove(w->p + start + k, w->p + start, body);
    memcpy(w->p + start, v, k);
    w->len += k;
}

/* ---- reader ---- */

static int pbr_varint(const char *who, struct pbr *r, uint64_t *v)
{
    uint64_t x = 0;
    size_t at = r->pos;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->pos >= r->end) {
            nnact__fail(NNACT_ERR_FORMAT, "%s: truncated varint at byte %zu", who, at);
            return -1;
        }
        unsigned char b = r->base[r->pos++];
        if (shift == 63 && (b & 0x7e)) break; /* bits beyond 64 */
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    nnact__fail(NNACT_ERR_FORMAT, "%s: varint longer than 64 bits at byte %zu", who, at);
    return -1;
}

int nnact__pbr_next(const char *who, struct pbr *r, struct pbfield *f)
{
    if (r->pos >= r->end) return 0;
    f->at = r->pos;
    uint64_t tag;
    if (pbr_varint(who, r, &tag) < 0) return -1;
    f->wt = (int)(tag & 7);
    if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) {
        nnact__fail(NNACT_ERR_FORMAT, "%s: field number 0 or beyond 2^29 at byte %zu", who, f->at);
        return -1;
    }
    f->num = (uint32_t)(tag >> 3);
    size_t left;
    switch (f->wt) {
    case PB_VARINT:
        return pbr_varint(who, r, &f->v);
    case PB_FIXED64:
    case PB_FIXED32: {
        size_t n = f->wt == PB_FIXED64 ? 8 : 4;
        if (r->end - r->pos < n) break;
        f->v = 0;
        for (size_t i = 0; i < n; i++)
            f->v |= (uint64_t)r->base[r->pos + i] << (8 * i);
        r->pos += n;
        return 1;
    }
    case PB_LEN:
        if (pbr_varint(who, r, &f->v) < 0) return -1;
        left = r->end - r->pos;
        if (f->v > left) {
            nnact__fail(NNACT_ERR_FORMAT,
                        "%s: field %u at byte %zu declares %llu bytes, %zu remain", who, f->num,
                        f->at, (unsigned long long)f->v, left);
            return -1;
        }
        f->sub.base = r->base;
        f->sub.pos = r->pos;
        f->sub.end = r->pos + (size_t)f->v;
        r->pos = f->sub.end;
        return 1;
    default:
        nnact__fail(NNACT_ERR_FORMAT, "%s: wire type %d (group or invalid) at byte %zu", who, f->wt,
                    f->at);
        return -1;
    }
    nnact__fail(NNACT_ERR_FORMAT, "%s: truncated fixed-width field at byte %zu", who, f->at);
    return -1;
}

/* ---- hexadecimal floating point, independent of LC_NUMERIC ---- */

/* printf's %a and strtod follow the caller's locale (a decimal comma under
 * de_DE), so a file written in one locale would not read in another. These
 * write and read the same text as %a in the C locale, digit by digit. */
size_t nnact__onnx_hex_format(double v, char *buf, size_t cap)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    const char *sign = u >> 63 ? "-" : "";
    int e = (int)((u >> 52) & 0x7ff);
    uint64_t frac = u & (((uint64_t)1 << 52) - 1);
    if (e == 0x7ff) return (size_t)snprintf(buf, cap, "%s%s", sign, frac ? "nan" : "inf");
    char digits[14];
    int nd = 13;
    for (int i = 12; i >= 0; i--, frac >>= 4)
        digits[i] = "0123456789abcdef"[frac & 0xf];
    while (nd > 0 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    int lead = e != 0, exp2 = e == 0 ? (nd ? -1022 : 0) : e - 1023;
    return (size_t)snprintf(buf, cap, "%s0x%d%s%sp%+d", sign, lead, nd ? "." : "", digits, exp2);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int nnact__onnx_hex_parse(const char *s, double *out)
{
    int neg = *s == '-';
    s += neg;
    if (strcmp(s, "inf") == 0 || strcmp(s, "nan") == 0) {
        *out = s[0] == 'i' ? (neg ? -HUGE_VAL : HUGE_VAL) : (neg ? -NAN : NAN);
        return 1;
    }
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || (s[2] != '0' && s[2] != '1')) return 0;
    int lead = s[2] - '0';
    s += 3;
    uint64_t frac = 0;
    int nd = 0;
    if (*s == '.')
        for (s++; hex_digit(*s) >= 0; s++, nd++) {
            if (nd == 13) return 0; /* more bits than a double holds */
            frac = frac << 4 | (uint64_t)hex_digit(*s);
        }
    if (*s != 'p' && *s != 'P') return 0;
    s++;
    int eneg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    long e = 0;
    if (*s < '0' || *s > '9') return 0;
    for (; *s >= '0' && *s <= '9'; s++)
        if ((e = e * 10 + (*s - '0')) > 100000) return 0;
    if (*s != '\0') return 0;
    /* exact: a 53-bit integer times a power of two, scaled in two steps so
     * that no intermediate underflows before the final rounding */
    double m = ldexp((double)((uint64_t)lead << (4 * nd) | frac), -4 * nd);
    double v = ldexp(ldexp(m, eneg ? -(int)(e / 2) : (int)(e / 2)),
                     eneg ? -(int)(e - e / 2) : (int)(e - e / 2));
    *out = neg ? -v : v;
    return 1;
}
