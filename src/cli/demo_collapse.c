/* The collapse section of `nnact demo`: the brief form of `nnact collapse`. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/collapse_demos.h"

int cli_demo_collapse(FILE *out)
{
    fprintf(out, "\nMore of this in 'nnact collapse'.\n");
    int rc = cli_collapse_xor(out, 1);
    if (rc == CLI_OK) rc = cli_collapse_toy(out, 1);
    return rc;
}
