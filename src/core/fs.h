/* Internal: what the file readers say about a path that is not a regular file. */
#ifndef NNACT_CORE_FS_H
#define NNACT_CORE_FS_H

#include <sys/stat.h>

#include "core/error.h"

/* "a directory", "a FIFO", "a socket", "a character device", "a block
 * device", or "not a regular file" for any other non-regular type. */
NNACT_HIDDEN const char *nnact__file_type(mode_t mode);

#endif /* NNACT_CORE_FS_H */
