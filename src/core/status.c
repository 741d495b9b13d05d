/* Status names and the thread-local detail of the last failure. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

#define NNACT_ERROR_CAPACITY 512

/* One buffer per thread: C11 _Thread_local, so no lock and no allocation. */
static _Thread_local char last_error[NNACT_ERROR_CAPACITY];

const char *nnact_status_str(nnact_status s)
{
    switch (s) {
    case NNACT_OK: return "success";
    case NNACT_ERR_ARG: return "invalid argument";
    case NNACT_ERR_SHAPE: return "shape mismatch";
    case NNACT_ERR_OVERFLOW: return "size overflow";
    case NNACT_ERR_NOMEM: return "out of memory";
    case NNACT_ERR_NONLINEAR: return "network is not linear";
    case NNACT_ERR_STATE: return "call out of order";
    case NNACT_ERR_IO: return "input/output error";
    case NNACT_ERR_FORMAT: return "bad file format";
    case NNACT_ERR_NUMERIC: return "numerical failure";
    }
    return "unknown status";
}

const char *nnact_last_error(void)
{
    return last_error;
}

nnact_status nnact__fail(nnact_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* vsnprintf truncates and always terminates: a long detail is cut, never overflows. */
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return s;
}

const char *nnact__last_reason(char *buf, size_t cap)
{
    const char *d = last_error, *colon = strstr(d, ": ");
    /* the prefix is one word, "nnact_something", right before the first ": " */
    if (strncmp(d, "nnact_", 6) == 0 && colon != NULL && strchr(d, ' ') == colon + 1) d = colon + 2;
    snprintf(buf, cap, "%s", d);
    return buf;
}
