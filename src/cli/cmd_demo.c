/* nnact demo: the library's story told with its own numbers. */
#include <math.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/collapse_demos.h"
#include "cli/io_cmds.h"
#include "nnact/nnact.h"

void cli_demo_help(FILE *out)
{
    fprintf(out, "usage: nnact demo\n\n"
                 "The main job: what libnnact is, told with its own numbers.\n"
                 "  1. the activation catalogue evaluated at a few points;\n"
                 "  2. XOR trained with identity, tanh and ReLU hidden layers: without a\n"
                 "     nonlinearity no depth can beat MSE 0.25;\n"
                 "  3. linearity collapse: a linear network is one affine map x K + c,\n"
                 "     computed, checked against its rounding bound and analysed;\n"
                 "  4. a model file saved atomically and reloaded bit for bit.\n");
}

/* f(x) of every kind at a few points: the catalogue at a glance. */
static int demo_catalogue(void)
{
    static const double xs[] = {-2.0, -0.5, 0.0, 0.5, 2.0};
    enum { NX = sizeof xs / sizeof xs[0] };
    printf("1. The activation catalogue (%zu kinds; 'nnact plot KIND' draws f and f')\n\n",
           nnact_act_count());
    printf("%-14s", "f(x) at x =");
    for (int i = 0; i < NX; i++)
        printf(" %10g", xs[i]);
    printf("\n");
    for (size_t k = 0; k < nnact_act_count(); k++) {
        double y[NX];
        if (nnact_act_forward((nnact_act_kind)k, NAN, NX, xs, y) != NNACT_OK) {
            fprintf(stderr, "nnact demo: %s\n", cli_library_reason());
            return CLI_FAILED;
        }
        printf("%-14s", nnact_act_name((nnact_act_kind)k));
        for (int i = 0; i < NX; i++)
            printf(" %10.6f", y[i]);
        printf("\n");
    }
    return CLI_OK;
}

int cli_demo(int argc, char **argv)
{
    if (argc > 1) return cli_usage_error("demo", "unexpected argument '%s'", cli_quote(argv[1]));
    printf("libnnact %s: activation functions with exact-enough derivatives,\n"
           "dense networks on cblas_dgemm, and linearity collapse.\n\n",
           nnact_version_string());
    printf("BLAS: %s; %d threads\n\n", nnact_blas_info(), nnact_blas_get_threads());
    if (demo_catalogue() != CLI_OK) return CLI_FAILED;
    printf("\n2. Why a network needs a nonlinearity\n");
    if (cli_demo_xor(stdout) != CLI_OK) return CLI_FAILED;
    printf("\n3. Linearity collapse\n");
    if (cli_demo_collapse(stdout) != CLI_OK) return CLI_FAILED;
    printf("\n4. Model files\n\n");
    return cli_demo_io(stdout, NULL);
}
