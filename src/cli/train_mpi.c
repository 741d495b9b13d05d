/* nnact train's data-parallel face (cli/train_mpi.h, docs/SCALING.md).
 *
 * Every rank reads the data itself (the same files, the same built-in set
 * from the same seed) rather than rank 0 reading and scattering: the fit
 * shuffles all training rows every epoch, so every rank needs every row
 * anyway; reading in parallel costs no more memory than a broadcast and
 * needs no serialisation of the table (names, classes, scaling). The one
 * requirement, the same bytes on every rank, is checked: nnact_mpi_fit
 * compares a hash of the rows over the ranks. Rank 0 alone prints and saves;
 * every step that can fail on one rank (the data, the checkpoint to resume,
 * the fit's configuration, the fit) is agreed on, so every rank ends with the
 * same exit code and the message comes once, from rank 0: the failing rank's
 * own line, "(rank r of P)" added, when rank 0 itself was fine. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/train_mpi.h"

#ifdef NNACT_CLI_MPI
#include "nnact/mpi.h"

static nnact_mpi *ctx;
static int started;

static int launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL;
}

int cli_mpi_start(void)
{
    if (!launched_by_mpi()) return CLI_OK;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        fprintf(stderr, "nnact train: MPI_Init failed\n");
        return CLI_FAILED;
    }
    started = 1;
    if (nnact_mpi_create(MPI_COMM_WORLD, &ctx) != NNACT_OK) {
        fprintf(stderr, "nnact train: %s\n", nnact_mpi_last_error());
        MPI_Abort(MPI_COMM_WORLD, CLI_FAILED);
        return CLI_FAILED;
    }
    /* one voice: rank 0's */
    if (nnact_mpi_rank(ctx) != 0 &&
        (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL))
        MPI_Abort(MPI_COMM_WORLD, CLI_FAILED); /* the others are on their way into collectives */
    return CLI_OK;
}

int cli_mpi_active(void)
{
    return ctx != NULL;
}

int cli_mpi_leader(void)
{
    return ctx == NULL || nnact_mpi_rank(ctx) == 0;
}

/* A line from another rank, escaped as cli_fail escapes its own. */
static void print_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vprint_clean(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_mpi_agree(int rc)
{
    if (ctx == NULL) return rc;
    int all = rc;
    if (MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, CLI_FAILED);
    if (all == CLI_OK) return all;
    /* the lowest failing rank's line to every rank: rank 0, if it was fine,
       prints it (a failing rank 0 printed its own) */
    const char *line = cli_last_failure();
    nnact_status st = nnact_mpi_agree(ctx, rc != CLI_OK ? NNACT_ERR_IO : NNACT_OK,
                                      line[0] != '\0' ? line : "nnact train: failed");
    if (rc == CLI_OK && st != NNACT_OK) print_line("%s", nnact_mpi_last_error());
    return all;
}

/* The agreed detail of the last failed cli_mpi_fit, for cli_mpi_reason. */
static int fit_failed;

nnact_status cli_mpi_fit(nnact_status pre, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                         size_t n, const double *x, const double *t, const nnact_fit_config *cfg,
                         nnact_fit_report *rep)
{
    fit_failed = 0;
    if (ctx == NULL) return pre != NNACT_OK ? pre : nnact_net_fit_run(net, o, k, n, x, t, cfg, rep);
    /* a local failure before the fit (its configuration, the schedule) ends
       every rank here, not in the fit's collectives that the others enter */
    nnact_status st = nnact_mpi_agree(ctx, pre, NULL);
    if (st == NNACT_OK) st = nnact_mpi_fit(ctx, net, o, k, n, x, t, cfg, rep);
    fit_failed = st != NNACT_OK;
    return st;
}

const char *cli_mpi_reason(void)
{
    if (!fit_failed) return cli_library_reason();
    /* libnnact_mpi's agreed detail (the fit's own, or the rows' check):
       without its leading "nnact_function: ", as cli_library_reason */
    static char reason[1024];
    const char *d = nnact_mpi_last_error();
    const char *colon = strncmp(d, "nnact_", 6) == 0 ? strstr(d, ": ") : NULL;
    snprintf(reason, sizeof reason, "%s", colon ? colon + 2 : d);
    return reason;
}

int cli_mpi_finish(int rc)
{
    if (!started) return rc;
    rc = cli_mpi_agree(rc);
    nnact_mpi_free(ctx);
    ctx = NULL;
    MPI_Finalize();
    return rc;
}

#else /* built without MPI: one process, always */

int cli_mpi_start(void)
{
    return CLI_OK;
}

int cli_mpi_active(void)
{
    return 0;
}

int cli_mpi_leader(void)
{
    return 1;
}

int cli_mpi_agree(int rc)
{
    return rc;
}

nnact_status cli_mpi_fit(nnact_status pre, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                         size_t n, const double *x, const double *t, const nnact_fit_config *cfg,
                         nnact_fit_report *rep)
{
    return pre != NNACT_OK ? pre : nnact_net_fit_run(net, o, k, n, x, t, cfg, rep);
}

const char *cli_mpi_reason(void)
{
    return cli_library_reason();
}

int cli_mpi_finish(int rc)
{
    return rc;
}

#endif
