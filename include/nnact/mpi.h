/* libnnact_mpi — data-parallel training over MPI (docs/SCALING.md).
 *
 * A separate library (libnnact_mpi.so.1, pkg-config nnact-mpi, CMake target
 * nnact::nnact_mpi) on top of libnnact's public API, so that libnnact itself
 * never depends on MPI. This header includes <mpi.h>, which is why the
 * umbrella nnact/nnact.h does not include it: include it yourself and build
 * with your MPI's compiler flags (mpicc, or pkg-config nnact-mpi).
 *
 * The model: every rank holds the same network and the same rows; a fit
 * shards each global batch by rank (the rule of nnact_fit_dist in
 * nnact/train.h), sums the gradients over the ranks bucket by bucket (one
 * layer a bucket) and takes one optimizer step everywhere. MPI must be
 * initialised by the caller (MPI_Init or MPI_Init_thread with at least
 * MPI_THREAD_FUNNELED; only the thread that calls nnact_mpi_* talks to MPI).
 * Tested with Open MPI 4.1; the calls used are MPI-2 point-to-point and
 * collectives (MPI_Sendrecv, MPI_Allreduce, MPI_Bcast, MPI_Allgather,
 * MPI_Comm_dup), so MPICH 4 builds it unchanged (build libnnact_mpi against
 * the MPI whose launcher runs the program).
 */
#ifndef NNACT_MPI_H
#define NNACT_MPI_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/loss.h"
#include "nnact/net.h"
#include "nnact/optim.h"
#include "nnact/status.h"
#include "nnact/train.h"

NNACT_BEGIN_DECLS

/** @brief A communicator prepared for data-parallel training (opaque). @since 1.1 */
typedef struct nnact_mpi nnact_mpi;

/** @brief How gradients are summed over ranks. Values explicit and append-only. @since 1.1 */
typedef enum nnact_mpi_mode {
    /** The default: a ring reduce-scatter + allgather over MPI_Sendrecv in a
     *  fixed order (slice s of P of a bucket, elements [s n / P, (s+1) n / P),
     *  is summed ((x_s + x_{s+1}) + ...) + x_{s-1}, ranks mod P): the same bits on every rank and
     * in every run for a given rank count and data, whatever MPI's collective algorithms are. 2
     * (P-1)/P x 8 bytes per parameter sent per rank and step. */
    NNACT_MPI_DETERMINISTIC = 0,
    /** MPI_Allreduce(MPI_SUM) per bucket: MPI's choice of algorithm and order,
     *  which may change with the rank count, the message size, the library
     *  version and its tuning: NOT bit-reproducible run to run (Open MPI and
     *  MPICH do give every rank of one call the same bits; the standard does
     *  not promise it, so whether a sum is finite is agreed separately: a
     *  non-finite sum on any rank is NaN on every rank). */
    NNACT_MPI_FAST = 1
} nnact_mpi_mode;

/**
 * @brief Prepares `comm` (a duplicate is kept: the caller's communicator is
 *        never used for the library's messages). Collective over comm.
 * @param out receives the handle (NULL on failure); free with nnact_mpi_free().
 * @return NNACT_OK; NNACT_ERR_ARG (NULL out, MPI not initialised, comm
 *         MPI_COMM_NULL); NNACT_ERR_NOMEM; NNACT_ERR_IO (an MPI call failed).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_create(MPI_Comm comm, nnact_mpi **out);

/** @brief Frees the handle and its communicator (collective); NULL is fine. @since 1.1 */
NNACT_API void nnact_mpi_free(nnact_mpi *m);

/** @brief This process's rank in the communicator (0 for NULL). @since 1.1 */
NNACT_API int nnact_mpi_rank(const nnact_mpi *m);

/** @brief Number of ranks (0 for NULL). @since 1.1 */
NNACT_API int nnact_mpi_size(const nnact_mpi *m);

/**
 * @brief Selects the reduction (every rank must select the same).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL m, unknown mode; unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_set_mode(nnact_mpi *m, nnact_mpi_mode mode);

/**
 * @brief The nnact_fit_dist record that makes nnact_net_fit_run() one rank of
 *        a data-parallel fit over m (for callers who drive the fit
 *        themselves: nnact_fit_config_set_dist(cfg, &d)). Valid while m lives.
 *        nnact_mpi_fit() does this and the checks around it. The record's
 *        reserve (filled when d->size covers it) allocates the ring's
 *        scratch (one slice of the largest bucket; kept in m) at the fit's
 *        start, where a failure is agreed on; the sums then do not allocate.
 * @param d the caller's record with d->size set (at least the 1.1 record's).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL m or d, d->size too small).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_fit_dist(nnact_mpi *m, nnact_fit_dist *d);

/**
 * @brief Every rank passes its status and detail; every rank returns the
 *        lowest failing rank's status, and nnact_mpi_last_error() then holds
 *        that rank's detail with "(rank r of P)" added. For a tool: "did
 *        every rank read its file?". Collective.
 * @param detail the failing rank's reason (ignored for NNACT_OK): NULL takes
 *        libnnact's nnact_last_error() (st came from libnnact); pass
 *        nnact_mpi_last_error() for a status of libnnact_mpi's own, or any
 *        text of the caller's. At most 511 bytes are passed on.
 * @return the agreed status; NNACT_ERR_ARG (NULL m: not collective);
 *         NNACT_ERR_IO (an MPI call failed).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_agree(nnact_mpi *m, nnact_status st, const char *detail);

/**
 * @brief Rank 0's parameters (and input scaling) copied into every rank's
 *        network. Collective.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL m or net: not collective);
 *         NNACT_ERR_SHAPE (the networks' parameter counts differ between
 *         ranks: every rank returns it, nothing changed); NNACT_ERR_OVERFLOW
 *         (more than INT_MAX / 4 parameters: one MPI_Bcast); NNACT_ERR_NOMEM
 *         (on any rank: every rank returns it); NNACT_ERR_IO.
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_bcast_net(nnact_mpi *m, nnact_net *net);

/**
 * @brief Data-parallel nnact_net_fit_run(): checks that every rank has the
 *        same rows (a 64-bit hash of n, x and t compared over ranks) and the
 *        same optimizer (kind, settings, step count),
 *        broadcasts rank 0's parameters (nnact_mpi_bcast_net()), then runs the
 *        fit with cfg and this communicator's nnact_fit_dist (see nnact/train.h
 *        for the sharding rule and what is agreed). The broadcast comes before
 *        the fit's own start checks: when the fit then fails at its start (its
 *        settings differ, bad rows, allocation), every rank's network holds
 *        rank 0's parameters and input scaling (the same on all ranks; the
 *        optimizers are unchanged). A failure before the broadcast (the
 *        arguments, rows or optimizers differ) changes nothing. Every rank passes the same
 *        arguments (its own copies); cfg's settings must be the same on
 *        every rank (compared at the start: see nnact_fit_config_set_dist()),
 *        and so a checkpoint set on every rank or on none: the paths may
 *        differ, only rank 0 writes (its path); the
 *        optimizer must be in the same state on every rank (new, or loaded
 *        from the same checkpoint). Collective; allocates a copy of cfg and
 *        the reduction's scratch (one slice of the gradient) at the start.
 * @return NNACT_OK, or on EVERY rank the same status, the detail
 *         (nnact_mpi_last_error(); also nnact_last_error() for a failure inside
 *         the fit) naming the rank where
 *         it happened: any status of nnact_net_fit_run() (a failed step
 *         changes no rank), NNACT_ERR_ARG (NULL m; a NULL argument or a
 *         report->size too small on any rank; the rows, the optimizers or
 *         the fit configurations differ between ranks), NNACT_ERR_SHAPE (the networks differ; the
 *         optimizer is bound to another parameter count), NNACT_ERR_OVERFLOW
 *         (n rows' bytes do not fit a size_t), NNACT_ERR_NOMEM,
 *         NNACT_ERR_IO (an MPI call failed).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_fit(nnact_mpi *m, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                                     size_t n, const double *x, const double *t,
                                     const nnact_fit_config *cfg, nnact_fit_report *report);

/**
 * @brief The calling thread's detail of its last failed nnact_mpi_* call
 *        (libnnact's own detail when the failure came from libnnact); ""
 *        before any. Never NULL.
 * @since 1.1
 */
NNACT_API const char *nnact_mpi_last_error(void);

/**
 * @brief What the gradient sums cost so far on this rank (since create or
 *        the last reset): an output record the caller owns, size set by the
 *        caller; fields only appended.
 * @since 1.1
 */
typedef struct nnact_mpi_stats {
    size_t size;      /**< set by the caller: sizeof(nnact_mpi_stats) */
    uint64_t sums;    /**< sum calls (buckets, and the small sums of losses and flags) */
    uint64_t doubles; /**< doubles summed (the vector lengths) */
    uint64_t bytes;   /**< bytes this rank sent for them */
    double seconds;   /**< wall time spent in them (MPI_Wtime) */
} nnact_mpi_stats;

/**
 * @brief Reads (and with reset nonzero, zeroes) the counters. Local.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL m or s, s->size too small).
 * @since 1.1
 */
NNACT_API nnact_status nnact_mpi_stats_get(nnact_mpi *m, nnact_mpi_stats *s, int reset);

NNACT_END_DECLS

#endif /* NNACT_MPI_H */
