/* nnact info: what library, which BLAS, which CPU paths. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/io_cmds.h"
#include "nnact/nnact.h"

void cli_info_help(FILE *out)
{
    fprintf(out, "usage: nnact info [FILE]\n\n"
                 "Prints the library version, the BLAS in use (as it reports itself,\n"
                 "with the core its dispatch chose) and the CPU features libnnact uses.\n"
                 "With FILE, describes that model file instead: its layers, parameter\n"
                 "count and checksum (a file that does not load is one error line and\n"
                 "exit status 1). A FILE ending in .onnx (any case) is described as an\n"
                 "ONNX model: opset, input and output, and the layers it would import\n"
                 "or why not.\n");
}

int cli_info(int argc, char **argv)
{
    if (argc > 2) return cli_usage_error("info", "unexpected argument '%s'", cli_quote(argv[2]));
    size_t len = argc == 2 ? strlen(argv[1]) : 0;
    if (len > 5 && strcasecmp(argv[1] + len - 5, ".onnx") == 0) return cli_info_onnx(argv[1]);
    if (argc == 2) return cli_info_file(argv[1]);
    printf("libnnact      %s (headers %s)\n", nnact_version_string(), NNACT_VERSION_STRING);
    printf("BLAS          %s\n", nnact_blas_info());
    printf("BLAS threads  %d\n", nnact_blas_get_threads());
    printf("CPU features  %s\n", nnact_cpu_features());
    printf("activations   %zu kinds\n", nnact_act_count());
    return CLI_OK;
}
