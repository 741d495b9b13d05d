/**
 * @file nnact/runtime.h
 * @brief What the library runs on: the BLAS in use and its threads
 *        (nnact/blas.h, the blas module) and the CPU features that select the
 *        vectorized paths (nnact/cpu.h, the core module).
 *
 * Two modules implement these calls, so each has its own header; this one
 * gathers both, as in 1.0, for programs that include it.
 */
#ifndef NNACT_RUNTIME_H
#define NNACT_RUNTIME_H

#include "nnact/blas.h"
#include "nnact/cpu.h"

#endif /* NNACT_RUNTIME_H */
