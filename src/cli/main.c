/* nnact: the command-line face of libnnact. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "nnact/nnact.h"

static const struct cli_command commands[] = {
    {"collapse", "linear layers compose into one map: K, its bound, rank, least-squares floor",
     cli_collapse, cli_collapse_help},
    {"demo", "the main job: what libnnact is, shown with its own numbers", cli_demo, cli_demo_help},
    {"info", "version, BLAS in use and CPU features", cli_info, cli_info_help},
    {"gradcheck", "backprop against centered differences on a network spec", cli_gradcheck,
     cli_gradcheck_help},
    {"train", "train a dense network on a built-in set or a CSV file", cli_train, cli_train_help},
    {"eval", "a saved model's scores on a labelled table (accuracy, R2, ...)", cli_eval,
     cli_eval_help},
    {"predict", "a saved model's predictions for the rows of a table", cli_predict,
     cli_predict_help},
    {"plot", "SVG of an activation and its derivative", cli_plot, cli_plot_help},
    {"export", "a saved model as an ONNX file (for ONNX Runtime and other runtimes)", cli_export,
     cli_export_help},
    {"import", "an ONNX MLP (PyTorch's export, or nnact export's) as a model file", cli_import,
     cli_import_help},
};
static const size_t command_count = sizeof commands / sizeof commands[0];

static void usage(FILE *out)
{
    fprintf(out, "usage: nnact [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < command_count; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'nnact COMMAND --help' describes one command.\n");
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nnact %s: ", command);
    va_start(ap, fmt);
    cli_vprint_clean(stderr, fmt, ap); /* one line, whatever the values hold */
    va_end(ap);
    fputc('\n', stderr);
    return CLI_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("nnact %s\n", nnact_version_string());
        return CLI_OK;
    }
    for (size_t i = 0; i < command_count; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (cli_wants_help(argc - 1, argv + 1)) {
                commands[i].help(stdout);
                return CLI_OK;
            }
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "nnact: unknown command '%s' (try 'nnact --help')\n", cli_quote(argv[1]));
    return CLI_USAGE;
}
