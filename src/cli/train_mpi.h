/* nnact train under an MPI launcher (`mpirun -np N nnact train ...`): a
 * data-parallel fit through libnnact_mpi when this build found MPI; without
 * it, or when not launched by a launcher, every call is the one-process
 * behaviour (and MPI is never initialised: no singleton init). */
#ifndef NNACT_CLI_TRAIN_MPI_H
#define NNACT_CLI_TRAIN_MPI_H

#include <stddef.h>

#include "nnact/nnact.h"

/* Starts MPI when launched by an MPI launcher (OMPI_COMM_WORLD_SIZE or
   PMI_SIZE in the environment) and this build has libnnact_mpi: every rank
   but 0 then writes nothing (stdout and stderr go to /dev/null). CLI_OK, or
   an exit code with the message printed. */
int cli_mpi_start(void);

/* 1 when this process is a rank of a data-parallel run. */
int cli_mpi_active(void);

/* 1 when this process prints and writes files: rank 0, or not distributed. */
int cli_mpi_leader(void);

/* Every rank's exit code agreed (the largest); when another rank failed
   while rank 0 was fine, rank 0 prints the lowest failing rank's last
   cli_fail line with "(rank r of P)". Not distributed: rc. */
int cli_mpi_agree(int rc);

/* nnact_mpi_fit() when distributed, else nnact_net_fit_run(); pre is the
   status of what this rank prepared for the fit (agreed first: a failure on
   one rank ends every rank before the fit; returned as is when not OK). */
nnact_status cli_mpi_fit(nnact_status pre, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                         size_t n, const double *x, const double *t, const nnact_fit_config *cfg,
                         nnact_fit_report *rep);

/* Why the last cli_mpi_fit failed, for one message: the agreed detail (the
   failing rank's, on every rank) when distributed, else
   cli_library_reason(). */
const char *cli_mpi_reason(void);

/* The exit code agreed, MPI finalised; rc when not distributed. */
int cli_mpi_finish(int rc);

#endif /* NNACT_CLI_TRAIN_MPI_H */
