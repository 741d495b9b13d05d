/* Elementwise work split across threads (docs/INTERNALS.md, "Threads").
 *
 * The cut of the work depends only on n and grain, never on the thread count:
 * chunk i is [i*grain, min(n, (i+1)*grain)). A caller that reduces keeps one
 * partial result per chunk and combines the partials in chunk order, so its
 * result has the same bits on every thread count. */
#ifndef NNACT_PAR_PAR_H
#define NNACT_PAR_PAR_H

#include <stddef.h>

/* One chunk of work: items [begin, end) of the caller's range, begin a
   multiple of the grain. Must not call nnact__par_for itself (a nested call
   runs on the calling thread alone). */
typedef void (*nnact__par_fn)(void *ctx, size_t begin, size_t end);

/* Runs fn once per chunk of [0, n) and returns when every chunk is done. The
   chunks run on the calling thread alone when n < serial_below (the work would
   not pay for waking threads) or one thread is set; else on up to
   nnact__par_threads() threads. grain must be > 0. Several user threads may
   call at once (one run at a time uses the pool; the others run serially).
   Chunks see the caller's floating-point modes, and the exception flags they
   raise are raised on the caller when the call returns, as if every chunk
   had run on the calling thread. A chunk must not fork. */
void nnact__par_for(size_t n, size_t grain, size_t serial_below, nnact__par_fn fn, void *ctx);

/* The pay-off thresholds (serial_below) measured for the two families of
   elementwise work at 2 threads (docs/PERFORMANCE.md, "Threads"): a pass of
   a few flops an element (ReLU-like activations, squared-error losses, norms,
   clipping) runs at memory speed, ~0.5 ns an element, and pays for waking a
   worker from ~128 Ki elements; a pass with an exp, a log or a tanh per
   element (2-10 ns) pays from ~32 Ki. */
#define NNACT__PAR_SERIAL_CHEAP          131072u
#define NNACT__PAR_SERIAL_TRANSCENDENTAL 32768u

/* Number of chunks nnact__par_for cuts [0, n) into (slots for partials). */
static inline size_t nnact__par_chunks(size_t n, size_t grain)
{
    return n / grain + (n % grain != 0);
}

/* A grain for a reduction that keeps one partial per chunk in a fixed array
   of max_chunks slots: `grain` while that gives at most max_chunks chunks,
   else the smallest multiple of `grain` that does. Depends only on n, so the
   partials, and the bits of their sum, do not depend on the thread count. */
static inline size_t nnact__par_reduce_grain(size_t n, size_t grain, size_t max_chunks)
{
    size_t chunks = nnact__par_chunks(n, grain);
    return chunks <= max_chunks ? grain : grain * nnact__par_chunks(chunks, max_chunks);
}

/* Threads the library's own elementwise work may use: the BLAS's count
   (nnact_blas_set_threads governs both). */
int nnact__par_threads(void);

/* Worker threads the pool has started so far (for tests and the bench): 0
   until a run first needs them, at most nnact__par_threads() - 1 of the
   largest count used. */
int nnact__par_workers(void);

#endif
