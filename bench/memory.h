/* Peak resident memory of a training network against the library's formula. */
#ifndef NNACT_BENCH_MEMORY_H
#define NNACT_BENCH_MEMORY_H

#include "bench.h"
#include "netspec.h"

void bench_memory(struct bench_opts *o, const struct netspec *nets, size_t n);
/* The hidden `nnact-bench --memory-child SPEC BATCH OPT THREADS FD` that
 * bench_memory runs in a fresh process; writes its result to FD. */
int bench_memory_child(int argc, char **argv);

#endif
