/* Internal: the activation catalogue shared by the public entry points, the
 * network and the tests. */
#ifndef NNACT_ACT_INTERNAL_H
#define NNACT_ACT_INTERNAL_H

#include <stddef.h>

#include "act/act_kinds.h"
#include "core/error.h"
#include "nnact/act.h"

/* NNACT_ACT_KIND_COUNT comes from the catalogue (act_kinds.h). */

/* Checks kind and parameter; on success *alpha_out is the parameter to use
 * (the default when alpha is NaN). `who` names the public caller in errors. */
NNACT_HIDDEN nnact_status nnact__act_resolve(const char *who, nnact_act_kind k, double alpha,
                                             double *alpha_out);

/* Scalar reference kernels, the definition every fast path is checked
 * against. alpha is already resolved. */
/* The Taylor series of x - tanh x used below |x| = 1/4, where the difference
 * cancels (act_ref.c); the ONNX export writes the same polynomial. */
#define NNACT__TANHSHRINK_TERMS 12
NNACT_HIDDEN extern const double nnact__tanhshrink_series[NNACT__TANHSHRINK_TERMS];

NNACT_HIDDEN double nnact__act_ref_f(nnact_act_kind k, double alpha, double x);
NNACT_HIDDEN double nnact__act_ref_df(nnact_act_kind k, double alpha, double x);
/* The same over an array: mode 0: out = f(x); 1: out = f'(x); 2: out = dy f'(x). */
NNACT_HIDDEN void nnact__act_ref_array(nnact_act_kind k, double alpha, int mode, size_t n,
                                       const double *x, const double *dy, double *out);
/* f' as a function of y = f(x); only for kinds where nnact__act_from_output_ok
 * (NaN for the others). */
NNACT_HIDDEN double nnact__act_ref_df_from_y(nnact_act_kind k, double alpha, double y);
/* dx = dy f'(y) over an array on the scalar path: the bits of
 * dy[i] * nnact__act_ref_df_from_y(k, alpha, y[i]), one loop per kind. */
NNACT_HIDDEN void nnact__act_ref_from_output_array(nnact_act_kind k, double alpha, size_t n,
                                                   const double *y, const double *dy, double *dx);
/* 1 when f' is a function of the output at this (resolved) parameter. */
NNACT_HIDDEN int nnact__act_from_output_ok(nnact_act_kind k, double alpha);

/* The kernels behind the public calls, without their argument checks and
 * floating-point guard (act_kernels.c), for callers that checked once at
 * their own boundary and guard the FP flags once per call (the network).
 * alpha is resolved (nnact__act_resolve), arrays non-NULL and not partially
 * overlapping, n > 0. nnact__act_apply: mode 0: out = f(x); 1: out = f'(x);
 * 2: out = dy f'(x) -- the same kernel, so the same bits, as
 * nnact_act_forward / _derivative / _backward. nnact__act_from_output: dx =
 * dy f'(y), as nnact_act_backward_from_output, only where
 * nnact__act_from_output_ok(k, alpha). */
NNACT_HIDDEN void nnact__act_apply(nnact_act_kind k, double alpha, int mode, size_t n,
                                   const double *x, const double *dy, double *out);
NNACT_HIDDEN void nnact__act_from_output(nnact_act_kind k, double alpha, size_t n, const double *y,
                                         const double *dy, double *dx);

/* The network backward's pass over one block of dL/dZ (rows x cols, row
 * stride ld): with y != NULL, dz = g f'(y) (a from-output kind, as
 * nnact__act_from_output; g may be dz itself); with y == NULL, dz already
 * holds dL/dZ and is only read. Then, unless db is NULL, the column sums of dz
 * into db in row order (db[j] = dz[0][j] + dz[1][j] + ... when init, else
 * added to db[j] row by row): the bits of the plain row-by-row loop on every
 * path. *amax becomes the larger of itself and every |dz|, NaN when some dz
 * is NaN (or *amax was). */
NNACT_HIDDEN void nnact__act_backward_sums(nnact_act_kind k, double alpha, size_t rows, size_t cols,
                                           size_t ld, const double *y, const double *g, double *dz,
                                           double *db, int init, double *amax);

/* n from which the public element-wise calls of kind k split the array
 * across threads (act.c; measured, docs/PERFORMANCE.md "Threads"): lower for
 * the transcendental kinds than for the ReLU-like ones. For callers that run
 * the kernels through nnact__par_for themselves. */
NNACT_HIDDEN size_t nnact__act_serial_below(nnact_act_kind k);

/* The AVX2 + FMA path (act_avx2.c, built only where NNACT_HAVE_AVX2 is
 * defined). mode 0: out = f(x); 1: out = f'(x); 2: out = dy f'(x). Returns 0,
 * touching nothing, for kinds it has no kernel for. Call only when
 * nnact__cpu_flags() has NNACT_CPU_AVX2_FMA. */
NNACT_HIDDEN int nnact__act_avx2(nnact_act_kind k, double alpha, int mode, size_t n,
                                 const double *x, const double *dy, double *out);
/* The AVX2 path of nnact__act_from_output and nnact__act_backward_sums
 * (act_avx2_out.c; same conditions as nnact__act_avx2). Return 0, touching
 * nothing, for kinds without a from-output kernel. Bits: see act_avx2_out.c. */
NNACT_HIDDEN int nnact__act_avx2_from_output(nnact_act_kind k, double alpha, size_t n,
                                             const double *y, const double *dy, double *dx);
NNACT_HIDDEN int nnact__act_avx2_backward_sums(nnact_act_kind k, double alpha, size_t rows,
                                               size_t cols, size_t ld, const double *y,
                                               const double *g, double *dz, double *db, int init,
                                               double *amax);

#endif /* NNACT_ACT_INTERNAL_H */
