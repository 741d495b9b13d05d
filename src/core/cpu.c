/* CPU feature detection for run-time dispatch (the library is built for any x86-64). */
#include <stdlib.h>

#include "core/cpu.h"
#include "nnact/cpu.h"

static unsigned detect(void)
{
    unsigned flags = 0;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    /* __builtin_cpu_supports checks the OS saves the wide registers (XGETBV) too. */
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        flags |= NNACT_CPU_AVX2_FMA;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        flags |= NNACT_CPU_AVX512;
#endif
    const char *mask = getenv("NNACT_CPU_MASK");
    if (mask != NULL && *mask != '\0') {
        char *end = NULL;
        unsigned long keep = strtoul(mask, &end, 10);
        if (end != NULL && *end == '\0') flags &= (unsigned)keep;
    }
    return flags;
}

unsigned nnact__cpu_flags(void)
{
    /* Racing first calls compute the same value; a relaxed atomic keeps TSan and UBSan quiet. */
    static _Atomic unsigned cached = 0x80000000u;
    unsigned v = cached;
    if (v == 0x80000000u) {
        v = detect();
        cached = v;
    }
    return v;
}

const char *nnact_cpu_features(void)
{
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    static const char *const names[] = {"sse2", "avx", "fma", "avx2", "avx512f", "avx512dq"};
    static _Thread_local char buf[64];
    __builtin_cpu_init();
    int have[6] = {__builtin_cpu_supports("sse2"),    __builtin_cpu_supports("avx"),
                   __builtin_cpu_supports("fma"),     __builtin_cpu_supports("avx2"),
                   __builtin_cpu_supports("avx512f"), __builtin_cpu_supports("avx512dq")};
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!have[i]) continue;
        for (const char *p = (len ? " " : ""); *p; p++)
            buf[len++] = *p;
        for (const char *p = names[i]; *p; p++)
            buf[len++] = *p;
        buf[len] = '\0';
    }
    return buf;
#else
    return "";
#endif
}
