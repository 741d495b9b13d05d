/* The model-file parts of the nnact tool: `nnact info FILE` and the demo's
 * save and reload. */
#ifndef NNACT_CLI_IO_CMDS_H
#define NNACT_CLI_IO_CMDS_H

#include <stdio.h>

#include "nnact/nnact.h"

/* Describes the model file at path on stdout (layers, parameter count,
 * checksum); a one-line error and CLI_FAILED when it does not load. */
int cli_info_file(const char *path);

/* Saves net (NULL: the XOR network the demo's part 2 trained, taken from
 * cli_demo_xor_take_net) to a temporary file, loads it back and shows that
 * the reloaded network predicts the same bits and still computes XOR. */
int cli_demo_io(FILE *out, const nnact_net *net);

/* The ReLU network cli_demo_xor trained (defined in demo_xor.c); the caller
 * owns it. NULL before cli_demo_xor ran, or after a previous take. */
nnact_net *cli_demo_xor_take_net(void);

#endif /* NNACT_CLI_IO_CMDS_H */
