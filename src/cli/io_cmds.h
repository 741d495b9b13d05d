/* The model-file parts of the nnact tool: `nnact info FILE` and the demo's
 * save and reload. */
#ifndef NNACT_CLI_IO_CMDS_H
#define NNACT_CLI_IO_CMDS_H

#include <stdio.h>

#include "nnact/nnact.h"

/* Describes the model file at path on stdout (layers, parameter count,
 * checksum); a one-line error and CLI_FAILED when it does not load. */
int cli_info_file(const char *path);

/* Saves net (NULL: the demo's hand-set XOR network) to a temporary file,
 * loads it back and shows that the reloaded network predicts the same bits. */
int cli_demo_io(FILE *out, const nnact_net *net);

#endif /* NNACT_CLI_IO_CMDS_H */
