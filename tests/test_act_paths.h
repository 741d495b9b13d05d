/* Which activation kernel path a test binary exercises, and which paths it
 * skips and why, printed at start (act.cmake runs the binaries once on the
 * CPU's best path and once with NNACT_CPU_MASK=0, the portable path). */
#ifndef NNACT_TEST_ACT_PATHS_H
#define NNACT_TEST_ACT_PATHS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "nnact/cpu.h"

static inline void nnact_test_print_act_paths(void)
{
    const unsigned flags = nnact__cpu_flags();
    const char *hw = nnact_cpu_features();
    const int masked = getenv("NNACT_CPU_MASK") != NULL;
    printf("act kernel path under test: %s\n",
           (flags & NNACT_CPU_AVX2_FMA) ? "avx2+fma" : "portable (scalar reference)");
    if (!(flags & NNACT_CPU_AVX2_FMA))
        printf("avx2: skipped, %s\n",
               masked ? "masked by NNACT_CPU_MASK" : "CPU lacks AVX2/FMA (or not built)");
    /* no AVX-512 kernels are built yet (issue 14, item 2) */
    printf("avx512: skipped, %s\n", strstr(hw, "avx512f") && strstr(hw, "avx512dq")
                                        ? "no AVX-512 kernels in this build"
                                        : "CPU lacks AVX-512F/DQ");
    fflush(stdout);
}

#endif /* NNACT_TEST_ACT_PATHS_H */
