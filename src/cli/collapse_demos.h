/* The collapse demonstrations, shared by `nnact collapse` (full) and
 * `nnact demo` (brief). Each prints to out and returns a CLI exit status. */
#ifndef NNACT_CLI_COLLAPSE_DEMOS_H
#define NNACT_CLI_COLLAPSE_DEMOS_H

#include <stdio.h>

int cli_collapse_xor(FILE *out, int brief);
int cli_collapse_toy(FILE *out, int brief);
int cli_collapse_chain(FILE *out, int brief);

/* The short section of `nnact demo`. */
int cli_demo_collapse(FILE *out);

#endif /* NNACT_CLI_COLLAPSE_DEMOS_H */
