#include "nnact/version.h"

unsigned nnact_version(void)
{
    return NNACT_VERSION_NUMBER;
}

const char *nnact_version_string(void)
{
    return NNACT_VERSION_STRING;
}
