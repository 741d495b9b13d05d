/* The work splitter of par.h: a small pool of the library's own persistent
 * threads (docs/INTERNALS.md, "Threads", says why not OpenMP).
 *
 * One run at a time uses the pool: the caller that takes `run` wakes the
 * workers it needs, runs chunks itself, and waits for them; a caller that
 * finds the pool busy (another user thread's run), or that is itself inside a
 * chunk, runs its chunks alone. Chunks are claimed through an atomic counter,
 * so which thread runs a chunk varies, but the chunks themselves do not. No
 * call allocates; workers are started on the first run that needs them and
 * joined when the library is unloaded. */
#include "par/par.h"

#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "nnact/blas.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PAR_X86 1
#endif

/* More threads than any machine this library targets; a larger BLAS count is
 * capped here. */
#define PAR_MAX_WORKERS 63

/* The floating-point state a run hands to its workers and gets back: chunks
 * must compute as if on the caller (its rounding mode, flush-to-zero,
 * denormals-are-zero) and the exception flags they raise must end up on the
 * caller, where the caller's own guard (act/fpguard.h) or the user sees them.
 * The status flags are per thread, so without this a flag raised on a worker
 * would be lost and a mode set by the user ignored. */
struct par_fp {
#ifdef PAR_X86
    unsigned csr;      /* the caller's MXCSR, status bits cleared */
    unsigned short cw; /* the caller's x87 control word */
#else
    fenv_t env;
#endif
};

/* MXCSR's six status bits; the x87 status word has them at the same places. */
#define PAR_FP_STATUS 0x3fu

struct par_job {
    nnact__par_fn fn;
    void *ctx;
    size_t n, grain, chunks;
    atomic_size_t next; /* the next chunk to claim */
    atomic_uint raised; /* exception flags the workers raised */
    struct par_fp fp;
};

static struct {
    pthread_mutex_t run;  /* held by the caller whose run uses the pool */
    pthread_mutex_t lock; /* guards the fields below */
    pthread_cond_t wake, done;
    pthread_t tid[PAR_MAX_WORKERS];
    int started; /* workers running */
    int active;  /* workers the current run asks for */
    int joined;  /* workers that have joined it */
    int running; /* workers inside the current run's chunks */
    int closed;  /* the caller has claimed the last chunk: nobody joins any more */
    int quit;
    unsigned long generation; /* one more per run: what wakes a worker */
    struct par_job job;
} pool = {
    .run = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

/* 1 on the pool's workers and on a caller while it runs chunks: a nested
 * call runs serially instead of waiting for the pool it is part of. */
static _Thread_local int inside_run;

int nnact__par_threads(void)
{
    return nnact_blas_get_threads();
}

static void fp_capture(struct par_fp *fp)
{
#ifdef PAR_X86
    fp->csr = _mm_getcsr() & ~PAR_FP_STATUS;
    __asm__ volatile("fnstcw %0" : "=m"(fp->cw));
#else
    fegetenv(&fp->env);
#endif
}

/* On a worker: the caller's modes, no flags raised yet. */
static void fp_adopt(const struct par_fp *fp)
{
#ifdef PAR_X86
    _mm_setcsr(fp->csr);
    __asm__ volatile("fldcw %0" : : "m"(fp->cw));
    __asm__ volatile("fnclex");
#else
    fesetenv(&fp->env);
    feclearexcept(FE_ALL_EXCEPT);
#endif
}

/* On a worker: the flags its chunks raised. */
static unsigned fp_raised(void)
{
#ifdef PAR_X86
    unsigned short sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return (_mm_getcsr() | sw) & PAR_FP_STATUS;
#else
    return (unsigned)fetestexcept(FE_ALL_EXCEPT);
#endif
}

/* On the caller: raises what the workers raised (setting a status bit does
 * not trap, so this is exactly "the flags are now raised"). */
static void fp_merge(unsigned raised)
{
#ifdef PAR_X86
    unsigned csr = _mm_getcsr();
    if ((raised & ~csr) != 0) _mm_setcsr(csr | raised);
#else
    if (raised != 0) feraiseexcept((int)raised);
#endif
}

static void run_chunks(struct par_job *job)
{
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (i >= job->chunks) return;
        size_t begin = i * job->grain;
        size_t end = job->n - begin < job->grain ? job->n : begin + job->grain;
        job->fn(job->ctx, begin, end);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    unsigned long seen = 0;
    inside_run = 1;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (pool.generation == seen && !pool.quit)
            pthread_cond_wait(&pool.wake, &pool.lock);
        if (pool.quit) break;
        seen = pool.generation;
        /* a worker that wakes after the caller ran out of chunks stays out:
         * the caller does not wait for a thread the scheduler has not run
         * yet (2 cores shared with the BLAS's or anyone's threads) */
        if (pool.joined >= pool.active || pool.closed) continue;
        pool.joined++;
        pool.running++;
        pthread_mutex_unlock(&pool.lock);
        fp_adopt(&pool.job.fp);
        run_chunks(&pool.job);
        atomic_fetch_or_explicit(&pool.job.raised, fp_raised(), memory_order_relaxed);
        pthread_mutex_lock(&pool.lock);
        if (--pool.running == 0 && pool.closed) pthread_cond_signal(&pool.done);
    }
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* Joins every worker; `run` is held. */
static void stop_workers(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.quit = 1;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    for (int i = 0; i < pool.started; i++)
        pthread_join(pool.tid[i], NULL);
    pool.started = 0;
    pool.quit = 0;
}

/* A fork in one thread while a run is under way elsewhere would leave the
 * child with locked mutexes and no workers: the fork waits for the run to
 * end, and the child starts with an empty pool (its workers did not survive
 * the fork) that it fills again on its first parallel run. */
static void fork_prepare(void)
{
    pthread_mutex_lock(&pool.run);
    pthread_mutex_lock(&pool.lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.run);
}

static void fork_child(void)
{
    pool.started = pool.active = pool.joined = pool.running = pool.closed = pool.quit = 0;
    /* the condition variables still count the parent's sleeping workers as
     * waiters (a broadcast would wait for them forever): start them afresh */
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.done, NULL);
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.run);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void register_atfork(void)
{
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Starts workers up to `want` (capped); `run` is held. Returns how many run:
 * fewer than asked when the system refuses a thread, which only costs speed. */
static int ensure_workers(int want)
{
    if (want > PAR_MAX_WORKERS) want = PAR_MAX_WORKERS;
    if (pool.started >= want) return want;
    pthread_once(&atfork_once, register_atfork);
    /* workers take no signals: they stay with the user's threads */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (pool.started < want &&
           pthread_create(&pool.tid[pool.started], NULL, worker_main, NULL) == 0)
        pool.started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pool.started;
}

static void run_serial(size_t n, size_t grain, nnact__par_fn fn, void *ctx)
{
    const int outer = inside_run;
    inside_run = 1;
    for (size_t begin = 0; begin < n; begin += grain)
        fn(ctx, begin, n - begin < grain ? n : begin + grain);
    inside_run = outer;
}

void nnact__par_for(size_t n, size_t grain, size_t serial_below, nnact__par_fn fn, void *ctx)
{
    const size_t chunks = nnact__par_chunks(n, grain);
    int threads;
    if (n < serial_below || chunks < 2 || inside_run || (threads = nnact__par_threads()) < 2 ||
        pthread_mutex_trylock(&pool.run) != 0) {
        run_serial(n, grain, fn, ctx);
        return;
    }
    int workers = (size_t)threads > chunks ? (int)chunks - 1 : threads - 1;
    workers = ensure_workers(workers) < workers ? pool.started : workers;
    if (workers == 0) {
        pthread_mutex_unlock(&pool.run);
        run_serial(n, grain, fn, ctx);
        return;
    }
    struct par_job *job = &pool.job;
    job->fn = fn;
    job->ctx = ctx;
    job->n = n;
    job->grain = grain;
    job->chunks = chunks;
    atomic_store_explicit(&job->next, 0, memory_order_relaxed);
    atomic_store_explicit(&job->raised, 0, memory_order_relaxed);
    fp_capture(&job->fp);

    pthread_mutex_lock(&pool.lock);
    pool.active = workers;
    pool.joined = 0;
    pool.closed = 0;
    pool.generation++;
    /* wake as many as the run asks for, not every worker started: a pool
     * grown for a larger thread count would otherwise wake all of it (a
     * worker that was not asleep sees the new generation by itself) */
    for (int i = 0; i < workers; i++)
        pthread_cond_signal(&pool.wake);
    pthread_mutex_unlock(&pool.lock);

    inside_run = 1;
    run_chunks(job);
    inside_run = 0;

    pthread_mutex_lock(&pool.lock);
    pool.closed = 1;
    while (pool.running > 0)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    fp_merge(atomic_load_explicit(&job->raised, memory_order_relaxed));
    pthread_mutex_unlock(&pool.run);
}

int nnact__par_workers(void)
{
    pthread_mutex_lock(&pool.run);
    int n = pool.started;
    pthread_mutex_unlock(&pool.run);
    return n;
}

/* At unload (dlclose, or exit after main): no thread is left running code
 * that is about to be unmapped, and valgrind sees no thread leak. A run still
 * under way in another thread at exit keeps its workers. */
__attribute__((destructor)) static void par_unload(void)
{
    if (pthread_mutex_trylock(&pool.run) != 0) return;
    stop_workers();
    pthread_mutex_unlock(&pool.run);
}
