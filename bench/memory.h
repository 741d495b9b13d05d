/* Peak resident memory of a training network against the library's formula. */
#ifndef NNACT_BENCH_MEMORY_H
#define NNACT_BENCH_MEMORY_H

#include "bench.h"
#include "netspec.h"

void bench_memory(struct bench_opts *o, const struct netspec *nets, size_t n);

#endif
