/* Internal: keeps the caller's invalid, denormal and divide-by-zero flags across a
 * kernel call (issue 3, item 5), cheaply.
 *
 * fegetexceptflag/fesetexceptflag cost about 23 % of a tiny training step:
 * glibc's fesetexceptflag rewrites the whole x87 environment (fnstenv +
 * fldenv, ~100 cycles) on every call. Kernels only ever *raise* flags, so
 * the guard reads the two status registers before (stmxcsr, fnstsw: a few
 * cycles each) and after the call and writes a register back only when the
 * call raised a flag the caller did not already have, which only happens for
 * NaN or infinite inputs. The x87 status word is checked too because the
 * scalar reference uses long double near some derivative roots. */
#ifndef NNACT_ACT_FPGUARD_H
#define NNACT_ACT_FPGUARD_H

#include <fenv.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* invalid (bit 0), denormal operand (bit 1) and divide-by-zero (bit 2): the
 * same positions in MXCSR and in the x87 status word. Denormal is raised by
 * any subnormal input; only inexact, underflow and overflow may stay raised. */
#define NNACT__FP_GUARDED 0x7u

typedef struct {
    unsigned csr;
    unsigned short sw;
} nnact__fpguard;

static inline unsigned short nnact__x87_status(void)
{
    unsigned short sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}

/* Clears the x87 flags in `bits`, leaving the rest of its environment. */
static inline void nnact__x87_clear(unsigned bits)
{
    unsigned short env[14]; /* the 28-byte protected-mode environment */
    __asm__ volatile("fnstenv %0" : "=m"(env));
    env[2] = (unsigned short)(env[2] & ~bits); /* the status word is the third field */
    __asm__ volatile("fldenv %0" : : "m"(env));
}

static inline void nnact__fpguard_save(nnact__fpguard *g)
{
    g->csr = _mm_getcsr();
    g->sw = nnact__x87_status();
}

static inline void nnact__fpguard_restore(const nnact__fpguard *g)
{
    unsigned csr = _mm_getcsr();
    unsigned fresh = csr & ~g->csr & NNACT__FP_GUARDED;
    if (fresh) _mm_setcsr(csr & ~fresh);
    unsigned fresh87 = (unsigned)nnact__x87_status() & ~(unsigned)g->sw & NNACT__FP_GUARDED;
    if (fresh87) nnact__x87_clear(fresh87);
}

#else /* portable: the C99 interface */

typedef struct {
    fexcept_t flags;
} nnact__fpguard;

static inline void nnact__fpguard_save(nnact__fpguard *g)
{
    fegetexceptflag(&g->flags, FE_INVALID | FE_DIVBYZERO);
}

static inline void nnact__fpguard_restore(const nnact__fpguard *g)
{
    fesetexceptflag(&g->flags, FE_INVALID | FE_DIVBYZERO);
}

#endif

#endif /* NNACT_ACT_FPGUARD_H */
