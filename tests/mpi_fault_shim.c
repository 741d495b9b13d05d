/* An LD_PRELOAD shim for tests/mpi_cli.sh: nnact_fit_config_create fails
 * (NNACT_ERR_NOMEM) in the rank named by NNACT_SHIM_FAIL_RANK (compared with
 * Open MPI's OMPI_COMM_WORLD_RANK) and is libnnact's own everywhere else: a
 * local failure on one rank just before the collective fit, which must end
 * every rank rather than leave the others waiting. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/train.h"

nnact_status nnact_fit_config_create(nnact_fit_config **out)
{
    const char *rank = getenv("OMPI_COMM_WORLD_RANK"), *fail = getenv("NNACT_SHIM_FAIL_RANK");
    if (rank != NULL && fail != NULL && strcmp(rank, fail) == 0) {
        *out = NULL;
        return NNACT_ERR_NOMEM;
    }
    nnact_status (*real)(nnact_fit_config **);
    *(void **)&real = dlsym(RTLD_NEXT, "nnact_fit_config_create");
    return real != NULL ? real(out) : NNACT_ERR_NOMEM;
}
