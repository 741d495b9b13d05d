/**
 * @file nnact/nnact.h
 * @brief libnnact umbrella header: includes every public module and nothing else.
 *
 * libnnact: activation functions with exact-enough derivatives, dense networks
 * whose products go through cblas_dgemm, losses, backpropagation, optimizers,
 * and linearity collapse. Conventions shared by every module:
 *  - every fallible call returns nnact_status; out-values go through pointers;
 *  - on failure, nnact_last_error() holds a one-line detail, out-handles are
 *    NULL and the caller's objects are unchanged; nothing aborts, exits or prints;
 *  - storage is row-major, a batch of inputs is batch x n_in doubles, and the
 *    library never keeps a caller's pointer.
 */
#ifndef NNACT_NNACT_H
#define NNACT_NNACT_H

#include "nnact/version.h"
#include "nnact/status.h"
#include "nnact/cpu.h"
#include "nnact/blas.h"
#include "nnact/runtime.h"
#include "nnact/act.h"
#include "nnact/loss.h"
#include "nnact/net.h"
#include "nnact/gradcheck.h"
#include "nnact/optim.h"
#include "nnact/init.h"
#include "nnact/train.h"
#include "nnact/eval.h"
#include "nnact/linalg.h"
#include "nnact/collapse.h"
#include "nnact/io.h"
#include "nnact/onnx.h"
#include "nnact/spec.h"
#include "nnact/data.h"

#endif /* NNACT_NNACT_H */
