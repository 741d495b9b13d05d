/* The work splitter (src/par): chunk coverage, serial cases, nested and
 * concurrent callers, the floating-point state on workers, and the library's
 * threaded calls giving the same bits at 1, 2 and 3 threads. */
#include <dlfcn.h>
#include <fenv.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
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
        /* 1/3 rounded up and to nearest (constants: a compiler may move a
         * division across fesetround) */
        const uint64_t up_bits = 0x3FD5555555555556ull, near_bits = 0x3FD5555555555555ull;
        double up, near;
        memcpy(&up, &up_bits, sizeof up);
        memcpy(&near, &near_bits, sizeof near);
        assert_true(up != near);
        for (int i = 0; i < 8; i++)
            assert_same_bits(f.third[i], up);
        feclearexcept(FE_ALL_EXCEPT);
    }
}

/* ---- the library's threaded calls: the same bits at 1, 2 and 3 threads ---- */

#include "act/act_internal.h"

/* Above every threshold (NNACT__PAR_SERIAL_CHEAP), not a multiple of
 * the chunks, so the last chunk is short and the vector tail is exercised. */
#define BIG 140003

static uint64_t lcg_state = 0x9e3779b97f4a7c15ull;

static double uniform(double lo, double hi)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * (double)(lcg_state >> 11) * 0x1p-53;
}

static double *filled(size_t n, double lo, double hi)
{
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = uniform(lo, hi);
    return v;
}

static void assert_same_array(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) {
            print_error("element %zu differs\n", i);
            assert_same_bits(a[i], b[i]);
        }
}

/* Output of one public activation call: mode 0 forward, 1 derivative, 2
 * backward, 3 backward from the output. */
static nnact_status act_call(nnact_act_kind k, int mode, const double *x, const double *dy,
                             double *out)
{
    switch (mode) {
    case 0:
        return nnact_act_forward(k, NAN, BIG, x, out);
    case 1:
        return nnact_act_derivative(k, NAN, BIG, x, out);
    case 2:
        return nnact_act_backward(k, NAN, BIG, x, dy, out);
    default:
        return nnact_act_backward_from_output(k, NAN, BIG, x, dy, out);
    }
}

static void act_same_bits_on_every_thread_count(void **state)
{
    (void)state;
    double *x = filled(BIG, -8.0, 8.0), *dy = filled(BIG, -1.0, 1.0);
    double *y = malloc(BIG * sizeof *y), *ref = malloc(BIG * sizeof *ref),
           *out = malloc(BIG * sizeof *out);
    assert_non_null(y), assert_non_null(ref), assert_non_null(out);
    for (size_t kk = 0; kk < nnact_act_count(); kk++) {
        const nnact_act_kind k = (nnact_act_kind)kk;
        double a;
        assert_int_equal(nnact__act_resolve("test", k, NAN, &a), NNACT_OK);
        for (int mode = 0; mode < 4; mode++) {
            const double *in = x;
            if (mode == 3) {
                if (!nnact_act_supports_from_output(k, NAN)) continue;
                assert_int_equal(nnact_act_forward(k, NAN, BIG, x, y), NNACT_OK);
                in = y;
            }
            /* the reference: the kernel over the whole array in one call, as before 1.1 */
            if (mode == 3)
                nnact__act_from_output(k, a, BIG, in, dy, ref);
            else
                nnact__act_apply(k, a, mode, BIG, in, dy, ref);
            for (int t = 1; t <= 3; t++) {
                assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
                memset(out, 0, BIG * sizeof *out);
                assert_int_equal(act_call(k, mode, in, dy, out), NNACT_OK);
                assert_same_array(out, ref, BIG);
            }
        }
    }
    free(x), free(dy), free(y), free(ref), free(out);
}

static void softmax_same_bits_on_every_thread_count(void **state)
{
    (void)state;
    const size_t rows = 2001, cols = 50;
    double *x = filled(rows * cols, -20.0, 20.0), *dy = filled(rows * cols, -1.0, 1.0);
    double *ref = malloc(rows * cols * sizeof *ref), *out = malloc(rows * cols * sizeof *out);
    assert_non_null(ref), assert_non_null(out);
    for (int which = 0; which < 4; which++) {
        for (int t = 1; t <= 3; t++) {
            assert_int_equal(nnact_blas_set_threads(t), NNACT_OK);
            double *o = t == 1 ? ref : out;
            nnact_status st = which == 0   ? nnact_softmax(rows, cols, x, o)
                              : which == 1 ? nnact_log_softmax(rows, cols, x, o)
                              : which == 2 ? nnact_softmax_backward(rows, cols, x, dy, o)
                                           : nnact_log_softmax_backward(rows, cols, x, dy, o);
            assert_int_equal(st, NNACT_OK);
            if (t > 1) assert_same_array(out, ref, rows * cols);
        }
    }
    free(x), free(dy), free(ref), free(out);
}

static void loss_same_bits_on_every_thread_count(void **state)
{
    (void)state;
    const size_t batch = 3001, n = 50, N = batch * n; /* above both thresholds */
    double *y = filled(N, -5.0, 5.0), *t_any = filled(N, -5.0, 5.0), *t_unit = filled(N, 0.0, 1.0);
    double *t_index = malloc(batch * sizeof *t_index), *ref = malloc(N * sizeof *ref),
           *dy = malloc(N * sizeof *dy);
    assert_non_null(t_index), assert_non_null(ref), assert_non_null(dy);
    for (size_t r = 0; r < batch; r++)
        t_index[r] = (double)(r % n);
    for (size_t kk = 0; kk < nnact_loss_count(); kk++) {
        const nnact_loss_kind k = (nnact_loss_kind)kk;
        const double *t = k == NNACT_LOSS_SOFTMAX_CE_INDEX                           ? t_index
                          : k == NNACT_LOSS_BCE_LOGITS || k == NNACT_LOSS_SOFTMAX_CE ? t_unit
                                                                                     : t_any;
        double ref_loss = 0.0;
        for (int th = 1; th <= 3; th++) {
            assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
            double loss, only_value;
            assert_int_equal(nnact_loss(k, batch, n, y, t, &loss, th == 1 ? ref : dy), NNACT_OK);
            assert_int_equal(nnact_loss(k, batch, n, y, t, &only_value, NULL), NNACT_OK);
            assert_same_bits(only_value, loss);
            if (th == 1) {
                ref_loss = loss;
                continue;
            }
            assert_same_bits(loss, ref_loss);
            assert_same_array(dy, ref, N);
        }
    }
    free(y), free(t_any), free(t_unit), free(t_index), free(ref), free(dy);
}

/* An MAE whose plain sum overflows although the mean does not: the
 * pre-divided fallback, threaded, gives the same value on every count. */
static void loss_overflow_fallback_threaded(void **state)
{
    (void)state;
    const size_t N = 200000;
    double *y = malloc(N * sizeof *y), *t = calloc(N, sizeof *t);
    assert_non_null(y), assert_non_null(t);
    for (size_t i = 0; i < N; i++)
        y[i] = 1e200;
    double ref = 0.0;
    for (int th = 1; th <= 3; th++) {
        assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
        double loss;
        assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, N, y, t, &loss, NULL), NNACT_OK);
        assert_close(loss, 1e200, 1e188); /* n pre-divided terms: ~n ulp */
        if (th == 1) ref = loss;
        assert_same_bits(loss, ref);
    }
    y[N - 1] = INFINITY; /* an infinite input: the plain (infinite) mean stays */
    for (int th = 1; th <= 3; th++) {
        assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
        double loss;
        assert_int_equal(nnact_loss(NNACT_LOSS_MAE, 1, N, y, t, &loss, NULL), NNACT_OK);
        assert_true(isinf(loss));
    }
    free(y), free(t);
}

static void clip_same_bits_on_every_thread_count(void **state)
{
    (void)state;
    const size_t n = 300007;
    double *g = filled(n, -3.0, 3.0), *ref = malloc(n * sizeof *ref), *h = malloc(n * sizeof *h);
    assert_non_null(ref), assert_non_null(h);
    double ref_norm = 0.0;
    for (int th = 1; th <= 3; th++) {
        assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
        double *o = th == 1 ? ref : h, norm;
        memcpy(o, g, n * sizeof *o);
        assert_int_equal(nnact_clip_grad_norm(n, o, 10.0, &norm), NNACT_OK);
        if (th == 1) {
            ref_norm = norm;
            /* sqrt(n E[g^2]) = sqrt(n * 3): a sanity bound, not the bits */
            assert_close(norm, sqrt(3.0 * (double)n), 0.01 * sqrt(3.0 * (double)n));
            continue;
        }
        assert_same_bits(norm, ref_norm);
        assert_same_array(h, ref, n);
    }
    for (int th = 1; th <= 3; th++) {
        assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
        double *o = th == 1 ? ref : h;
        memcpy(o, g, n * sizeof *o);
        assert_int_equal(nnact_clip_grad_value(n, o, 1.5), NNACT_OK);
        if (th > 1) assert_same_array(h, ref, n);
    }
    /* a NaN in the last chunk, found by whichever thread ran it; g unchanged */
    g[n - 1] = NAN;
    assert_int_equal(nnact_blas_set_threads(2), NNACT_OK);
    memcpy(h, g, n * sizeof *h);
    assert_int_equal(nnact_clip_grad_norm(n, h, 1.0, NULL), NNACT_ERR_NUMERIC);
    assert_int_equal(memcmp(h, g, (n - 1) * sizeof *h), 0);
    free(g), free(ref), free(h);
}

/* The activation calls' FP guard on workers: invalid and divide-by-zero the
 * kernels raise on NaN/Inf inputs anywhere in the array are taken back; the
 * flags the caller had stay; the unguarded ones (inexact) come back from the
 * workers as a serial call would leave them. */
static void fp_act_guard_sees_workers(void **state)
{
    (void)state;
    double *x = filled(BIG, -8.0, 8.0), *out = malloc(BIG * sizeof *out);
    assert_non_null(out);
    for (size_t i = 0; i < BIG; i += 4099)
        x[i] = i % 3 == 0 ? NAN : (i % 3 == 1 ? INFINITY : -INFINITY);
    static const nnact_act_kind kinds[] = {NNACT_ACT_TANH, NNACT_ACT_GELU, NNACT_ACT_SOFTPLUS,
                                           NNACT_ACT_MISH, NNACT_ACT_RELU, NNACT_ACT_LOG_SIGMOID};
    for (int th = 1; th <= 3; th++) {
        assert_int_equal(nnact_blas_set_threads(th), NNACT_OK);
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            for (int mode = 0; mode < 2; mode++) {
                feclearexcept(FE_ALL_EXCEPT);
                nnact_status st = mode ? nnact_act_derivative(kinds[i], NAN, BIG, x, out)
                                       : nnact_act_forward(kinds[i], NAN, BIG, x, out);
                assert_int_equal(st, NNACT_OK);
                assert_int_equal(fetestexcept(FE_INVALID | FE_DIVBYZERO), 0);
                if (kinds[i] == NNACT_ACT_TANH) assert_true(fetestexcept(FE_INEXACT) != 0);
                feraiseexcept(FE_INVALID);
                assert_int_equal(nnact_act_forward(kinds[i], NAN, BIG, x, out), NNACT_OK);
                assert_true(fetestexcept(FE_INVALID) != 0);
                feclearexcept(FE_ALL_EXCEPT);
            }
    }
    free(x), free(out);
}

/* ---- fork and unload ---- */

#if defined(__SANITIZE_THREAD__)
#define NNACT_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NNACT_TEST_TSAN 1
#endif
#endif

/* A child forked after the pool has workers starts with none, makes new ones
 * and computes the same bits. */
static void fork_child_gets_a_fresh_pool(void **state)
{
    (void)state;
#ifdef NNACT_TEST_TSAN
    skip(); /* TSan kills a child that starts threads after a threaded fork */
#else
    assert_int_equal(nnact_blas_set_threads(2), NNACT_OK);
    double *x = filled(BIG, -8.0, 8.0), *ref = malloc(BIG * sizeof *ref);
    assert_non_null(ref);
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, BIG, x, ref), NNACT_OK);
    assert_true(nnact__par_workers() >= 1);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        double *y = malloc(BIG * sizeof *y);
        int ok = y != NULL && nnact__par_workers() == 0 &&
                 nnact_act_forward(NNACT_ACT_TANH, NAN, BIG, x, y) == NNACT_OK &&
                 memcmp(y, ref, BIG * sizeof *y) == 0;
        struct who w = {.caller = pthread_self(), .wait_for_two = 1};
        nnact__par_for(1000, 10, 0, who_fn, &w); /* the child's own worker takes part */
        ok = ok && atomic_load(&w.elsewhere) > 0 && nnact__par_workers() >= 1;
        free(y), free(x), free(ref); /* nothing lost when valgrind follows the child */
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    free(x), free(ref);
#endif
}

/* The shared library loaded as a plugin: its pool's workers run, and
 * dlclose joins them (a worker left sleeping in unmapped code would crash
 * the process when it woke, or show as a leaked thread under valgrind). */
#ifdef NNACT_SHARED_LIBRARY
/* Threads of this process (Linux: /proc/self/status). */
static int thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    if (f != NULL) fclose(f);
    return n;
}
#endif

typedef nnact_status (*set_threads_fn)(int);
typedef nnact_status (*forward_fn)(nnact_act_kind, double, size_t, const double *, double *);

static void unload_joins_the_workers(void **state)
{
    (void)state;
#ifndef NNACT_SHARED_LIBRARY
    skip(); /* a build without the shared library (tests/par.cmake) */
#else
    for (int round = 0; round < 2; round++) {
        double *x = filled(BIG, -8.0, 8.0), *y = malloc(BIG * sizeof *y),
               *ref = malloc(BIG * sizeof *ref);
        assert_non_null(y), assert_non_null(ref);
        assert_int_equal(nnact_blas_set_threads(1), NNACT_OK);
        assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, BIG, x, ref), NNACT_OK);
        /* OpenBLAS is one instance for this program and the plugin: its
         * threads for a count of 2 exist before the count is taken */
        assert_int_equal(nnact_blas_set_threads(2), NNACT_OK);
        const int threads_before = thread_count();
        void *so = dlopen(NNACT_SHARED_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        assert_non_null(so);
        /* POSIX's way from dlsym's object pointer to a function pointer */
        void *sym_threads = dlsym(so, "nnact_blas_set_threads"),
             *sym_forward = dlsym(so, "nnact_act_forward");
        assert_non_null(sym_threads), assert_non_null(sym_forward);
        set_threads_fn set_threads;
        forward_fn forward;
        memcpy(&set_threads, &sym_threads, sizeof set_threads);
        memcpy(&forward, &sym_forward, sizeof forward);
        assert_int_equal(set_threads(2), NNACT_OK);
        assert_int_equal(forward(NNACT_ACT_TANH, NAN, BIG, x, y), NNACT_OK);
        assert_int_equal(memcmp(y, ref, BIG * sizeof *y), 0);
        assert_int_equal(thread_count(), threads_before + 1); /* the plugin's worker */
        assert_int_equal(dlclose(so), 0);
        assert_int_equal(thread_count(), threads_before); /* joined at unload */
        free(x), free(y), free(ref);
    }
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunk_coverage),
        cmocka_unit_test(serial_below_and_threads),
        cmocka_unit_test(nested_call_is_serial),
        cmocka_unit_test(concurrent_callers),
        cmocka_unit_test(fp_state_follows_the_caller),
        cmocka_unit_test(act_same_bits_on_every_thread_count),
        cmocka_unit_test(softmax_same_bits_on_every_thread_count),
        cmocka_unit_test(loss_same_bits_on_every_thread_count),
        cmocka_unit_test(loss_overflow_fallback_threaded),
        cmocka_unit_test(clip_same_bits_on_every_thread_count),
        cmocka_unit_test(fp_act_guard_sees_workers),
        cmocka_unit_test(fork_child_gets_a_fresh_pool),
        cmocka_unit_test(unload_joins_the_workers),
    };
    nnact_test_skip_from_env();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nnact_blas_set_threads(1);
    return rc;
}
