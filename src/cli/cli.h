/* The nnact command-line tool: one file per subcommand, this table between them. */
#ifndef NNACT_CLI_H
#define NNACT_CLI_H

#include <stdio.h>

/* Exit statuses of every subcommand. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct cli_command {
    const char *name;
    const char *summary;               /* one line for `nnact --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
    void (*help)(FILE *out);           /* `nnact NAME --help` */
};

/* A one-line error on stderr, "nnact NAME: message", and CLI_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* 1 when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

int cli_info(int argc, char **argv);
void cli_info_help(FILE *out);
int cli_demo(int argc, char **argv);
void cli_demo_help(FILE *out);
int cli_gradcheck(int argc, char **argv);
void cli_gradcheck_help(FILE *out);
int cli_train(int argc, char **argv);
void cli_train_help(FILE *out);
int cli_eval(int argc, char **argv);
void cli_eval_help(FILE *out);
int cli_predict(int argc, char **argv);
void cli_predict_help(FILE *out);
/* nnact demo's XOR comparison (identity vs tanh vs ReLU hidden layer), demo_xor.c */
int cli_demo_xor(FILE *out);
int cli_collapse(int argc, char **argv);
void cli_collapse_help(FILE *out);
int cli_plot(int argc, char **argv);
void cli_plot_help(FILE *out);
/* ONNX in and out (cmd_onnx.c); cli_info_onnx is `nnact info FILE.onnx` */
int cli_export(int argc, char **argv);
void cli_export_help(FILE *out);
int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_info_onnx(const char *path);

#endif /* NNACT_CLI_H */
