/* Status strings, the per-thread last error, version and runtime queries. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nnact_test.h"

#include "core/error.h"
#include "nnact/nnact.h"

static void status_strings_are_distinct_and_never_null(void **state)
{
    (void)state;
    const char *seen[NNACT_ERR_NUMERIC + 1];
    for (int s = NNACT_OK; s <= NNACT_ERR_NUMERIC; s++) {
        seen[s] = nnact_status_str((nnact_status)s);
        assert_non_null(seen[s]);
        assert_string_not_equal(seen[s], "unknown status");
        for (int t = 0; t < s; t++)
            assert_string_not_equal(seen[s], seen[t]);
    }
    assert_string_equal(nnact_status_str(NNACT_OK), "success");
    assert_string_equal(nnact_status_str(NNACT_ERR_ARG), "invalid argument");
}

static void out_of_range_status_gives_generic_string(void **state)
{
    (void)state;
    assert_string_equal(nnact_status_str((nnact_status)-1), "unknown status");
    assert_string_equal(nnact_status_str((nnact_status)(NNACT_ERR_NUMERIC + 1)), "unknown status");
    assert_string_equal(nnact_status_str((nnact_status)INT32_MAX), "unknown status");
}

static void status_values_are_the_documented_numbers(void **state)
{
    (void)state;
    /* explicit and append-only: model files and other languages rely on them */
    assert_int_equal(NNACT_OK, 0);
    assert_int_equal(NNACT_ERR_ARG, 1);
    assert_int_equal(NNACT_ERR_SHAPE, 2);
    assert_int_equal(NNACT_ERR_OVERFLOW, 3);
    assert_int_equal(NNACT_ERR_NOMEM, 4);
    assert_int_equal(NNACT_ERR_NONLINEAR, 5);
    assert_int_equal(NNACT_ERR_STATE, 6);
    assert_int_equal(NNACT_ERR_IO, 7);
    assert_int_equal(NNACT_ERR_FORMAT, 8);
    assert_int_equal(NNACT_ERR_NUMERIC, 9);
}

static void failure_detail_is_recorded_and_truncated_safely(void **state)
{
    (void)state;
    assert_int_equal(nnact__fail(NNACT_ERR_SHAPE, "layer %d: expects %d inputs, got %d", 2, 10, 4),
                     NNACT_ERR_SHAPE);
    assert_string_equal(nnact_last_error(), "layer 2: expects 10 inputs, got 4");
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    nnact__fail(NNACT_ERR_ARG, "%s", big);
    size_t len = strlen(nnact_last_error());
    assert_true(len > 100 && len < sizeof big - 1);
}

static void public_call_failure_sets_detail(void **state)
{
    (void)state;
    assert_int_equal(nnact_blas_set_threads(0), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_blas_set_threads"));
    assert_int_equal(nnact_blas_set_threads(-5), NNACT_ERR_ARG);
}

struct thread_probe {
    char seen_before[64];
    char seen_after[64];
    pthread_barrier_t *barrier;
};

static void *other_thread(void *p)
{
    struct thread_probe *t = p;
    /* a fresh thread starts with an empty detail even though main has one */
    snprintf(t->seen_before, sizeof t->seen_before, "%s", nnact_last_error());
    nnact__fail(NNACT_ERR_IO, "from the other thread");
    pthread_barrier_wait(t->barrier); /* main now sets its own */
    pthread_barrier_wait(t->barrier); /* main has set it */
    snprintf(t->seen_after, sizeof t->seen_after, "%s", nnact_last_error());
    return NULL;
}

static void last_error_is_per_thread(void **state)
{
    (void)state;
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    struct thread_probe t = {.barrier = &barrier};
    nnact__fail(NNACT_ERR_ARG, "from main");
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, other_thread, &t), 0);
    pthread_barrier_wait(&barrier);
    nnact__fail(NNACT_ERR_SHAPE, "main again");
    pthread_barrier_wait(&barrier);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&barrier);
    assert_string_equal(t.seen_before, "");
    assert_string_equal(t.seen_after, "from the other thread");
    assert_string_equal(nnact_last_error(), "main again");
}

static void version_matches_headers(void **state)
{
    (void)state;
    assert_int_equal(nnact_version(), NNACT_VERSION_MAJOR * 10000 + NNACT_VERSION_MINOR * 100 +
                                          NNACT_VERSION_PATCH);
    assert_int_equal(nnact_version(), NNACT_VERSION_NUMBER);
    assert_string_equal(nnact_version_string(), NNACT_VERSION_STRING);
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", NNACT_VERSION_MAJOR, NNACT_VERSION_MINOR,
             NNACT_VERSION_PATCH);
    assert_string_equal(nnact_version_string(), expect);
}

static void blas_info_names_openblas_and_core(void **state)
{
    (void)state;
    const char *info = nnact_blas_info();
    assert_non_null(info);
    assert_non_null(strstr(info, "OpenBLAS"));
    assert_non_null(strstr(info, "core "));
    assert_ptr_equal(info, nnact_blas_info()); /* built once */
}

static void blas_threads_round_trip(void **state)
{
    (void)state;
    int before = nnact_blas_get_threads();
    assert_true(before >= 1);
    assert_int_equal(nnact_blas_set_threads(1), NNACT_OK);
    assert_int_equal(nnact_blas_get_threads(), 1);
    assert_int_equal(nnact_blas_set_threads(before), NNACT_OK);
    assert_int_equal(nnact_blas_get_threads(), before);
}

static void cpu_features_are_known_words(void **state)
{
    (void)state;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", nnact_cpu_features());
#if defined(__x86_64__)
    assert_non_null(strstr(buf, "sse2")); /* every x86-64 has it */
#endif
    static const char *const known[] = {"sse2", "avx", "fma", "avx2", "avx512f", "avx512dq"};
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok |= strcmp(w, known[i]) == 0;
        assert_true(ok);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_strings_are_distinct_and_never_null),
        cmocka_unit_test(out_of_range_status_gives_generic_string),
        cmocka_unit_test(status_values_are_the_documented_numbers),
        cmocka_unit_test(failure_detail_is_recorded_and_truncated_safely),
        cmocka_unit_test(public_call_failure_sets_detail),
        cmocka_unit_test(last_error_is_per_thread),
        cmocka_unit_test(version_matches_headers),
        cmocka_unit_test(blas_info_names_openblas_and_core),
        cmocka_unit_test(blas_threads_round_trip),
        cmocka_unit_test(cpu_features_are_known_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
