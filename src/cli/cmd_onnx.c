/* nnact export, nnact import and nnact info on an .onnx file: ONNX in and
 * out through nnact/onnx.h (the tool knows nothing of the format itself). */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "nnact/nnact.h"

void cli_export_help(FILE *out)
{
    fprintf(out, "usage: nnact export MODEL OUT.onnx [--float]\n\n"
                 "Writes the libnnact model file MODEL as an ONNX model (IR 8, opset 17):\n"
                 "input x [batch, n_in], output y, one Gemm per dense layer, each\n"
                 "activation a native operator or an exact composition (docs/ONNX.md),\n"
                 "the input scaling as Sub/Div and the names in metadata_props.\n"
                 "Elements are double; --float writes float32 (needed for gelu, which\n"
                 "has no double route in ONNX Runtime).\n");
}

void cli_import_help(FILE *out)
{
    fprintf(out, "usage: nnact import IN.onnx MODEL\n\n"
                 "Reads an ONNX multilayer perceptron (PyTorch's torch.onnx.export of\n"
                 "nn.Sequential of nn.Linear and activations, opsets 13-17, or a file\n"
                 "nnact export wrote) and saves it as the libnnact model file MODEL.\n"
                 "Anything else is refused naming the node, its operator and why;\n"
                 "'nnact info IN.onnx' shows what a file holds.\n");
}

int cli_export(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL};
    int n = 0, as_float = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--float") == 0)
            as_float = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("export", "unknown option '%s'", cli_quote(argv[i]));
        else if (n == 2)
            return cli_usage_error("export", "unexpected argument '%s'", cli_quote(argv[i]));
        else
            paths[n++] = argv[i];
    }
    if (n != 2) return cli_usage_error("export", "needs MODEL and OUT.onnx (see --help)");
    nnact_net *net = NULL;
    if (nnact_net_load(paths[0], &net) != NNACT_OK)
        return cli_fail("export", "%s: %s", cli_quote(paths[0]), cli_library_reason());
    nnact_onnx_config *cfg = NULL;
    nnact_status s = nnact_onnx_config_create(&cfg);
    if (s == NNACT_OK && as_float) s = nnact_onnx_config_set_elem(cfg, NNACT_ONNX_FLOAT);
    if (s == NNACT_OK) s = nnact_onnx_save(net, cfg, paths[1]);
    nnact_onnx_config_free(cfg);
    int rc = CLI_OK;
    if (s != NNACT_OK)
        rc = cli_fail("export", "%s: %s", cli_quote(paths[1]), cli_library_reason());
    else
        printf("%s: %zu layers, %zu -> %zu, %s elements\n", cli_quote(paths[1]),
               nnact_net_layer_count(net), nnact_net_input_size(net), nnact_net_output_size(net),
               as_float ? "float" : "double");
    nnact_net_free(net);
    return rc;
}

int cli_import(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("import", "unknown option '%s'", cli_quote(argv[i]));
    if (argc != 3) return cli_usage_error("import", "needs IN.onnx and MODEL (see --help)");
    nnact_net *net = NULL;
    if (nnact_onnx_load(argv[1], &net) != NNACT_OK)
        return cli_fail("import", "%s: %s", cli_quote(argv[1]), cli_library_reason());
    int rc = CLI_OK;
    if (nnact_net_save(net, argv[2]) != NNACT_OK)
        rc = cli_fail("import", "%s: %s", cli_quote(argv[2]), cli_library_reason());
    else
        printf("%s: %zu layers, %zu -> %zu, saved as %s\n", cli_quote(argv[1]),
               nnact_net_layer_count(net), nnact_net_input_size(net), nnact_net_output_size(net),
               cli_quote(argv[2]));
    nnact_net_free(net);
    return rc;
}

static void print_value(const char *label, const char *name, int rank, const int64_t *dims)
{
    printf("%-14s%s [", label, cli_quote(name));
    for (int i = 0; i < rank; i++) {
        if (i == 2) {
            printf(", ...");
            break;
        }
        if (dims[i] < 0)
            printf("%s?", i ? ", " : "");
        else
            printf("%s%lld", i ? ", " : "", (long long)dims[i]);
    }
    printf("]\n");
}

int cli_info_onnx(const char *path)
{
    nnact_onnx_info d;
    memset(&d, 0, sizeof d);
    d.size = sizeof d;
    nnact_net *net = NULL;
    if (nnact_onnx_describe(path, &d, &net) != NNACT_OK)
        return cli_fail("info", "%s: %s", cli_quote(path), cli_library_reason());
    printf("file          %s (ONNX model, IR version %lld)\n", cli_quote(path),
           (long long)d.ir_version);
    printf("producer      %s\n", d.producer[0] ? cli_quote(d.producer) : "(none)");
    printf("opset         %lld\n", (long long)d.opset);
    print_value("input", d.input, d.input_rank, d.input_dims);
    print_value("output", d.output, d.output_rank, d.output_dims);
    printf("nodes         %zu (%zu initializers)\n", d.n_nodes, d.n_initializers);
    if (!d.importable) {
        printf("imports       no: %s\n", d.reason);
        return CLI_OK;
    }
    printf("imports       yes, %zu dense layers:\n", nnact_net_layer_count(net));
    for (size_t i = 0; i < nnact_net_layer_count(net); i++) {
        size_t n_in, n_out;
        nnact_act_kind k;
        double a;
        unsigned flags;
        nnact_net_layer_info(net, i, &n_in, &n_out, &k, &a, &flags);
        printf("  %-4zu dense %zu -> %zu  %s", i, n_in, n_out, nnact_act_name(k));
        if (nnact_act_param_name(k)) printf(" %s %.17g", nnact_act_param_name(k), a);
        printf("%s\n", flags & NNACT_DENSE_NO_BIAS ? "  no bias" : "");
    }
    nnact_net_free(net);
    return CLI_OK;
}
