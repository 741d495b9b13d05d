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

enum nnact__num nnact__parse_number(const char *p, const char *end, double *out)
{
    if (p == end) return NNACT__NUM_EMPTY;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    /* value = m x 10^e10 while at most 19 significant digits are seen */
    uint64_t m = 0;
    int nd = 0, sticky = 0, any = 0;
    long long e10 = 0;
    const char *first_sig = NULL, *q = p;
    for (; q < end && is_digit(*q); q++) {
        any = 1;
        unsigned d = (unsigned)(*q - '0');
        if (m == 0 && d == 0 && first_sig == NULL) continue;
        if (first_sig == NULL) first_sig = q;
        if (nd < 19)
            m = m * 10 + d, nd++;
        else
            e10++, sticky |= d != 0;
    }
    const char *int_end = q;
    if (q < end && *q == '.') {
        for (q++; q < end && is_digit(*q); q++) {
            any = 1;
            unsigned d = (unsigned)(*q - '0');
            if (first_sig == NULL && d == 0) {
                e10--;
                continue;
            }
            if (first_sig == NULL) first_sig = q;
            if (nd < 19)
                m = m * 10 + d, nd++, e10--;
            else
                sticky |= d != 0;
        }
    }
    if (!any) {
        if (starts_with_ci(p, end, "nan") || starts_with_ci(p, end, "inf"))
            return NNACT__NUM_NONFINITE;
        return NNACT__NUM_NOT;
    }
    long long ex = 0;
    const char *digits_end = q;
    if (q < end && (*q == 'e' || *q == 'E')) {
        q = parse_exponent(q + 1, end, &ex);
        if (q == NULL) return NNACT__NUM_NOT;
    }
    if (q != end) return NNACT__NUM_NOT;
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return NNACT__NUM_OK;
    }
    e10 += ex;
    if (!sticky && m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
        double v = (double)m;
        v = e10 >= 0 ? v * exact_pow10[e10] : v / exact_pow10[-e10];
        *out = neg ? -v : v;
        return NNACT__NUM_OK;
    }
    /* The slow path: every significant digit (up to KEEP_DIGITS) as an integer
     * and the power of ten that scales it. */
    char digits[KEEP_DIGITS];
    size_t n = 0;
    /* zeros between the point and the first significant digit scale it down too */
    long long scale = first_sig > int_end ? -(long long)(first_sig - int_end - 1) : 0;
    int more = 0;
    for (const char *r = first_sig; r < digits_end; r++) {
        if (*r == '.') continue;
        int frac = r > int_end;
        if (n < KEEP_DIGITS) {
            digits[n++] = *r;
            scale -= frac;
        } else {
            scale += !frac;
            more |= *r != '0';
        }
    }
    return slow_path(neg, digits, n, more, scale + ex, out);
}
