/* Shared test helpers: CMocka plus double comparisons with stated tolerances
 * (Debian's CMocka 1.1.5 has none for double). Include after the system headers. */
#ifndef NNACT_TEST_H
#define NNACT_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* NNACT_TEST_SKIP, a CMocka glob such as "fp_*": tests to skip in a stage
 * that cannot observe what they check (tests/memcheck/run.sh says which and
 * why). A main calls this before cmocka_run_group_tests. */
static inline void nnact_test_skip_from_env(void)
{
    const char *pattern = getenv("NNACT_TEST_SKIP");
    if (pattern != NULL && pattern[0] != '\0') cmocka_set_skip_filter(pattern);
}

/* |actual - expected| <= tol, with both values printed on failure. NaN never passes. */
#define assert_close(actual, expected, tol)                                                        \
    nnact_test_assert_close((actual), (expected), (tol), #actual, __FILE__, __LINE__)

static inline void nnact_test_assert_close(double a, double e, double tol, const char *what,
                                           const char *file, int line)
{
    if (!(fabs(a - e) <= tol)) {
        print_error("%s = %.17g, expected %.17g (tolerance %.3g, off by %.3g)\n", what, a, e, tol,
                    fabs(a - e));
        _fail(file, line);
    }
}

/* Bit-for-bit equality (NaN equal to the same NaN, -0 distinct from +0). */
#define assert_same_bits(actual, expected)                                                         \
    nnact_test_assert_same_bits((actual), (expected), #actual, __FILE__, __LINE__)

static inline void nnact_test_assert_same_bits(double a, double e, const char *what,
                                               const char *file, int line)
{
    uint64_t ba, be;
    memcpy(&ba, &a, sizeof ba);
    memcpy(&be, &e, sizeof be);
    if (ba != be) {
        print_error("%s = %.17g (0x%016llx), expected %.17g (0x%016llx)\n", what, a,
                    (unsigned long long)ba, e, (unsigned long long)be);
        _fail(file, line);
    }
}

#endif /* NNACT_TEST_H */
