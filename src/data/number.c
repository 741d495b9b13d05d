/* Decimal text to double, independent of the process locale and correctly
 * rounded. Most cells of a numeric table have at most 19 significant digits
 * and a small power of ten: Clinger's fast path handles them with one exact
 * multiply or divide (both operands exact doubles, so IEEE rounding of the one
 * operation is the correct rounding). The rest go to strtod under a C locale
 * object, on a canonical copy of the digits that is short whatever the cell's
 * length. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data_internal.h"

/* 10^0 .. 10^22: every one exact in binary64. */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Digits beyond this many significant ones cannot change the rounding (a
 * halfway point between doubles has at most 767), except by being nonzero,
 * which one sticky digit records. */
#define KEEP_DIGITS 780
/* An explicit exponent is clamped here: far beyond the double range either way,
 * and far from int overflow whatever the number of digits in the cell. */
#define EXP_CLAMP 100000000

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static int starts_with_ci(const char *p, const char *end, const char *word)
{
    for (; *word != '\0'; p++, word++)
        if (p == end || (*p | 0x20) != *word) return 0;
    return 1;
}

/* strtod in the C locale on "[-]DIGITSeEXP" (value DIGITS x 10^EXP). */
static enum nnact__num slow_path(int neg, const char *digits, size_t nd, int sticky, long long e10,
                                 double *out)
{
    char text[KEEP_DIGITS + 48];
    size_t o = 0;
    if (neg) text[o++] = '-';
    memcpy(text + o, digits, nd);
    o += nd;
    if (sticky) text[o++] = '1', e10--;
    snprintf(text + o, sizeof text - o, "e%lld", e10);
    pthread_once(&c_locale_once, make_c_locale);
    if (c_locale == (locale_t)0) return NNACT__NUM_NOLOCALE;
    int saved_errno = errno;
    locale_t caller = uselocale(c_locale);
    double v = strtod(text, NULL);
    uselocale(caller);
    errno = saved_errno;
    if (isinf(v)) return NNACT__NUM_OVERFLOW;
    *out = v;
    return NNACT__NUM_OK;
}

/* The explicit exponent at p (after 'e'), clamped; NULL when malformed. */
static const char *parse_exponent(const char *p, const char *end, long long *e)
{
    int eneg = 0;
    if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
    if (p == end || !is_digit(*p)) return NULL;
    long long v = 0;
    for (; p < end && is_digit(*p); p++)
        if (v < EXP_CLAMP) v = v * 10 + (*p - '0');
    *e = eneg ? -v : v;
    return p;
}

/* value = m x 10^e10 exactly, or 0 when the fast path does not apply. */
static inline int fast_path(int neg, uint64_t m, long long e10, double *out)
{
    if (m > (UINT64_C(1) << 53) || e10 < -22 || e10 > 22) return 0;
    double v = (double)m;
    v = e10 >= 0 ? v * exact_pow10[e10] : v / exact_pow10[-e10];
    *out = neg ? -v : v;
    return 1;
}

/* Any number of digits in [ds, de) (a '.' at int_end when int_end < de):
 * the significant ones (up to KEEP_DIGITS, then a sticky flag) and the power
 * of ten that scales them, then the fast path when they fit, else strtod. */
static enum nnact__num general(int neg, const char *ds, const char *int_end, const char *de,
                               long long ex, double *out)
{
    char digits[KEEP_DIGITS];
    size_t n = 0;
    long long scale = 0;
    int more = 0;
    for (const char *r = ds; r < de; r++) {
        if (*r == '.') continue;
        int frac = r > int_end;
        if (n == 0 && *r == '0') {
            scale -= frac; /* a leading zero: only its place counts */
        } else if (n < KEEP_DIGITS) {
            digits[n++] = *r;
            scale -= frac;
        } else {
            scale += !frac;
            more |= *r != '0';
        }
    }
    if (n == 0) {
        *out = neg ? -0.0 : 0.0;
        return NNACT__NUM_OK;
    }
    if (n <= 19 && !more) {
        uint64_t m = 0;
        for (size_t i = 0; i < n; i++)
            m = m * 10 + (uint64_t)(digits[i] - '0');
        if (fast_path(neg, m, scale + ex, out)) return NNACT__NUM_OK;
    }
    return slow_path(neg, digits, n, more, scale + ex, out);
}

enum nnact__num nnact__scan_number(const char *p, const char *end, double *out, const char **stop)
{
    const char *start = p;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    /* the common case first: at most 19 digits in all, accumulated as they come
     * (more digits wrap m, but then the general path reads them again) */
    const char *ds = p;
    uint64_t m = 0;
    while (p < end && is_digit(*p))
        m = m * 10 + (uint64_t)(*p++ - '0');
    const char *int_end = p;
    size_t nfrac = 0;
    if (p < end && *p == '.') {
        const char *f = ++p;
        while (p < end && is_digit(*p))
            m = m * 10 + (uint64_t)(*p++ - '0');
        nfrac = (size_t)(p - f);
    }
    size_t nd = (size_t)(int_end - ds) + nfrac;
    if (nd == 0) {
        *stop = start;
        return starts_with_ci(ds, end, "nan") || starts_with_ci(ds, end, "inf")
                   ? NNACT__NUM_NONFINITE
                   : NNACT__NUM_NOT;
    }
    const char *de = p;
    long long ex = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = parse_exponent(p + 1, end, &ex);
        if (q == NULL) {
            *stop = p;
            return NNACT__NUM_NOT;
        }
        p = q;
    }
    *stop = p;
    if (nd <= 19) {
        if (m == 0) {
            *out = neg ? -0.0 : 0.0;
            return NNACT__NUM_OK;
        }
        if (fast_path(neg, m, ex - (long long)nfrac, out)) return NNACT__NUM_OK;
    }
    return general(neg, ds, int_end, de, ex, out);
}

enum nnact__num nnact__parse_number(const char *p, const char *end, double *out)
{
    if (p == end) return NNACT__NUM_EMPTY;
    const char *stop;
    double v;
    enum nnact__num e = nnact__scan_number(p, end, &v, &stop);
    if (e == NNACT__NUM_NONFINITE) return e;
    if (stop != end) return NNACT__NUM_NOT;
    if (e == NNACT__NUM_OK) *out = v;
    return e;
}
