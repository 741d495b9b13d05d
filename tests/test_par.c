/* The work splitter (src/par): chunk coverage, serial cases, nested and
 * concurrent callers, the floating-point state on workers, and the library's
 * threaded calls giving the same bits at 1, 2 and 3 threads. */
#include <fenv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "nnact/nnact.h"
#include "par/par.h"

#include "nnact_test.h"

/* ---- the splitter itself ---- */

#define MAX_N 4096

struct cover {
    size_t grain;
    atomic_int hits[MAX_N];
    atomic_int chunks;
    atomic_int bad_bounds;
};

static void cover_fn(void *p, size_t begin, size_t end)
{
    struct cover *c = p;
    if (begin % c->grain != 0 || end <= begin || end - begin > c->grain)
        atomic_fetch_add(&c->bad_bounds, 1);
    for (size_t i = begin; i < end; i++)
        atomic_fetch_add(&c->hits[i], 1);
    atomic_fetch_add(&c->chunks, 1);
}

static void check_cover(size_t n, size_t grain, size_t serial_below)
{
    static struct cover c;
    memset(&c, 0, sizeof c);
    c.grain = grain;
    nnact__par_for(n, grain, serial_below, cover_fn, &c);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(atomic_load(&c.hits[i]), 1);
    assert_int_equal(atomic_load(&c.bad_bounds), 0);
    assert_int_equal((size_t)atomic_load(&c.chunks), nnact__par_chunks(n, grain));
}

static void chunk_coverage(void **state)
{
    (void)state;
    static const size_t ns[] = {0, 1, 2, 63, 64, 65, 1000, 4095, 4096};
    static const size_t grains[] = {1, 3, 64, 1000, 4096, 5000};
    for (int t = 1; t <= 3; t++) {
        assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            for (size_t g = 0; g < sizeof grains / sizeof grains[0]; g++) {
                check_cover(ns[i], grains[g], 0);
                check_cover(ns[i], grains[g], ns[i] + 1); /* serial */
            }
    }
    assert_int_equal(nnact__par_chunks(0, 7), 0);
    assert_int_equal(nnact__par_chunks(7, 7), 1);
    assert_int_equal(nnact__par_chunks(8, 7), 2);
    assert_int_equal(nnact__par_chunks(1, 1000), 1);
}

/* Records which threads ran chunks; the first chunk each thread runs waits
 * (up to 5 s) for a second thread to show up, so a run that may use two
 * threads does. */
struct who {
    pthread_t caller;
    int wait_for_two;
    atomic_int on_caller, elsewhere;
};

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void who_fn(void *p, size_t begin, size_t end)
{
    (void)begin, (void)end;
    struct who *w = p;
    if (pthread_equal(pthread_self(), w->caller))
        atomic_fetch_add(&w->on_caller, 1);
    else
        atomic_fetch_add(&w->elsewhere, 1);
    double t0 = seconds();
    while (w->wait_for_two && atomic_load(&w->elsewhere) == 0 && seconds() - t0 < 5.0)
        ;
}

static void serial_below_and_threads(void **state)
{
    (void)state;
    assert_int_equal(nnact_blas_set_threads(2), NNACT_OK);
    struct who w = {.caller = pthread_self()};
    nnact__par_for(1000, 10, 1001, who_fn, &w); /* under the threshold */
    assert_int_equal(atomic_load(&w.on_caller), 100);
    assert_int_equal(atomic_load(&w.elsewhere), 0);

    struct who w2 = {.caller = pthread_self(), .wait_for_two = 1};
    nnact__par_for(1000, 10, 1000, who_fn, &w2); /* at the threshold: threads */
    assert_int_equal(atomic_load(&w2.on_caller) + atomic_load(&w2.elsewhere), 100);
    assert_true(atomic_load(&w2.elsewhere) > 0);
    assert_true(nnact__par_workers() >= 1);

    assert_int_equal(nnact_blas_set_threads(1), NNACT_OK);
    struct who w3 = {.caller = pthread_self()};
    nnact__par_for(1000, 10, 0, who_fn, &w3); /* one thread set: serial */
    assert_int_equal(atomic_load(&w3.on_caller), 100);
    assert_int_equal(nnact_blas_set_threads(2), NNACT_OK);

    struct who w4 = {.caller = pthread_self()};
    nnact__par_for(10, 10, 0, who_fn, &w4); /* one chunk: serial */
    assert_int_equal(atomic_load(&w4.on_caller), 1);
}

struct nested {
    atomic_int inner_elsewhere, inner_chunks;
};

static void inner_fn(void *p, size_t begin, size_t end)
{
    (void)begin, (void)end;
    (void)p;
}

struct nest_probe {
    pthread_t self;
    atomic_int *elsewhere, *chunks;
};

static void probe_fn(void *p, size_t begin, size_t end)
{
    (void)begin, (void)end;
    struct nest_probe *q = p;
    if (!pthread_equal(q->self, pthread_self())) atomic_fetch_add(q->elsewhere, 1);
    atomic_fetch_add(q->chunks, 1);
}

static void outer_fn(void *p, size_t begin, size_t end)
{
    (void)begin, (void)end;
    struct nested *s = p;
    struct nest_probe q = {pthread_self(), &s->inner_elsewhere, &s->inner_chunks};
    nnact__par_for(100, 1, 0, probe_fn, &q); /* nested: on this thread alone */
    inner_fn(NULL, 0, 0);
}

static void nested_call_is_serial(void **state)
{
    (void)state;
    for (int t = 1; t <= 3; t++) {
        assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
        struct nested s = {0};
        nnact__par_for(64, 1, 0, outer_fn, &s);
        assert_int_equal(atomic_load(&s.inner_chunks), 64 * 100);
        assert_int_equal(atomic_load(&s.inner_elsewhere), 0);
    }
}

/* Several user threads, each running many splits of a sum into per-chunk
 * partials: every result exact, nothing deadlocks. */
struct sum_job {
    const double *v;
    double part[64];
};

static void sum_fn(void *p, size_t begin, size_t end)
{
    struct sum_job *s = p;
    double acc = 0.0;
    for (size_t i = begin; i < end; i++)
        acc += s->v[i];
    s->part[begin / 64] = acc;
}

static double v_global[4096];

static void *caller_main(void *arg)
{
    (void)arg;
    for (int rep = 0; rep < 300; rep++) {
        struct sum_job s;
        memset(&s, 0, sizeof s);
        s.v = v_global;
        nnact__par_for(4096, 64, 0, sum_fn, &s);
        double total = 0.0;
        for (int i = 0; i < 64; i++)
            total += s.part[i];
        if (total != 4096.0 * 4095.0 / 2.0) return (void *)1;
    }
    return NULL;
}

static void concurrent_callers(void **state)
{
    (void)state;
    for (int i = 0; i < 4096; i++)
        v_global[i] = i;
    for (int t = 1; t <= 3; t++) {
        assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
        pthread_t th[4];
        for (int i = 0; i < 4; i++)
            assert_int_equal(pthread_create(&th[i], NULL, caller_main, NULL), 0);
        void *rc_main = caller_main(NULL);
        assert_null(rc_main);
        for (int i = 0; i < 4; i++) {
            void *rc;
            assert_int_equal(pthread_join(th[i], &rc), 0);
            assert_null(rc);
        }
    }
    assert_true(nnact__par_workers() <= 2);
}

/* ---- the floating-point state on workers ---- */

struct fp_job {
    volatile double zero, one, three;
    double third[8];
    int raise_invalid;
};

static void fp_fn(void *p, size_t begin, size_t end)
{
    (void)end;
    struct fp_job *f = p;
    f->third[begin] = f->one / f->three; /* rounds by the caller's mode */
    if (f->raise_invalid && begin == 7) {
        volatile double nan = f->zero / f->zero;
        (void)nan;
    }
}

static void fp_state_follows_the_caller(void **state)
{
    (void)state;
    for (int t = 1; t <= 3; t++) {
        assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
        struct fp_job f = {.zero = 0.0, .one = 1.0, .three = 3.0, .raise_invalid = 1};
        feclearexcept(FE_ALL_EXCEPT);
        assert_int_equal(fesetround(FE_UPWARD), 0);
        nnact__par_for(8, 1, 0, fp_fn, &f);
        assert_int_equal(fesetround(FE_TONEAREST), 0);
        assert_true(fetestexcept(FE_INVALID) != 0); /* raised on whichever thread ran chunk 7 */
        volatile double one = 1.0, three = 3.0;
        assert_int_equal(fesetround(FE_UPWARD), 0);
        const double up = one / three;
        assert_int_equal(fesetround(FE_TONEAREST), 0);
        assert_true(up != one / three);
        for (int i = 0; i < 8; i++)
            assert_same_bits(f.third[i], up);
        feclearexcept(FE_ALL_EXCEPT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunk_coverage),
        cmocka_unit_test(serial_below_and_threads),
        cmocka_unit_test(nested_call_is_serial),
        cmocka_unit_test(concurrent_callers),
        cmocka_unit_test(fp_state_follows_the_caller),
    };
    nnact_test_skip_from_env();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nnact_blas_set_threads(1);
    return rc;
}
