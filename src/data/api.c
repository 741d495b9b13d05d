/* The public read calls: where the bytes come from (a path, a stream,
 * memory), whether they can be read twice, and the checks on file types. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fs.h"
#include "core/names.h"
#include "data/read_internal.h"

static const nnact_read_options defaults; /* all zero: the documented defaults */

void nnact__reader_release(struct nnact__reader *r)
{
    if (r->names != NULL) nnact__free_names(r->names, r->ncols);
    r->names = NULL;
    nnact__free(r->role);
    r->role = NULL;
    for (size_t i = 0; i < r->n_labels; i++)
        nnact__free(r->labels[i]);
    nnact__free(r->labels);
    nnact__free(r->slots);
    nnact__free(r->src.buf);
    r->labels = NULL;
    r->slots = NULL;
    r->src.buf = NULL;
}

nnact_status nnact__source_rewind(struct nnact__reader *r)
{
    struct nnact__source *s = &r->src;
    s->line = 0;
    if (s->f == NULL) {
        s->pos = s->mem;
        return NNACT_OK;
    }
    if (fseeko(s->f, (off_t)r->rewind_at, SEEK_SET) != 0)
        return nnact__read_fail(r, NNACT_ERR_IO, ": cannot seek back to the start");
    clearerr(s->f);
    s->start = s->end = s->scanned = 0;
    s->eof = 0;
    return NNACT_OK;
}

static void reader_init(struct nnact__reader *r, const char *who, const char *name,
                        const nnact_read_options *o)
{
    memset(r, 0, sizeof *r);
    r->who = who;
    r->name = name;
    r->o = o != NULL ? o : &defaults;
}

nnact_status nnact_table_read_buffer(const void *data, size_t size, const char *name,
                                     const nnact_read_options *o, nnact_table **out)
{
    static const char who[] = "nnact_table_read_buffer";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(data == NULL && size > 0, NNACT_ERR_ARG, "%s: data is NULL", who);
    struct nnact__reader r;
    reader_init(&r, who, name != NULL ? name : "<buffer>", o);
    r.src.mem = r.src.pos = data;
    r.src.mem_end = r.src.mem + size;
    return nnact__read(&r, 1, out);
}

static nnact_status read_stream(struct nnact__reader *r, FILE *f, nnact_table **out)
{
    r->src.f = f;
    off_t at = ftello(f);
    int seekable = at >= 0 && fseeko(f, at, SEEK_SET) == 0;
    r->rewind_at = seekable ? (long long)at : 0;
    return nnact__read(r, seekable, out);
}

nnact_status nnact_table_read_file(FILE *f, const char *name, const nnact_read_options *o,
                                   nnact_table **out)
{
    static const char who[] = "nnact_table_read_file";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(f == NULL, NNACT_ERR_ARG, "%s: the stream is NULL", who);
    struct nnact__reader r;
    reader_init(&r, who, name != NULL ? name : "<stream>", o);
    return read_stream(&r, f, out);
}

/* A regular file; a FIFO (or pipe) only with a row limit, since it may never end. */
static nnact_status check_type(struct nnact__reader *r, int fd)
{
    struct stat st;
    char eb[128];
    if (fstat(fd, &st) != 0) {
        if (strerror_r(errno, eb, sizeof eb) != 0) snprintf(eb, sizeof eb, "errno %d", errno);
        return nnact__read_fail(r, NNACT_ERR_IO, ": cannot stat it: %s", eb);
    }
    if (S_ISREG(st.st_mode)) return NNACT_OK;
    if (S_ISFIFO(st.st_mode) && r->o->max_rows > 0) return NNACT_OK;
    if (S_ISFIFO(st.st_mode))
        return nnact__read_fail(r, NNACT_ERR_IO,
                                ": is a FIFO, read only with a row limit "
                                "(NNACT_READ_MAX_ROWS), as it may never end");
    return nnact__read_fail(r, NNACT_ERR_IO, ": is %s, not a regular file",
                            nnact__file_type(st.st_mode));
}

static nnact_status open_path(struct nnact__reader *r, const char *path, FILE **f)
{
    char eb[128];
    /* non-blocking, so opening a FIFO without a writer does not hang before the type check */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (strerror_r(e, eb, sizeof eb) != 0) snprintf(eb, sizeof eb, "errno %d", e);
        return nnact__read_fail(r, NNACT_ERR_IO, ": cannot open it: %s", eb);
    }
    nnact_status s = check_type(r, fd);
    struct stat st;
    if (s == NNACT_OK) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
            s = nnact__read_fail(r, NNACT_ERR_IO, ": cannot make it blocking");
    }
    if (s == NNACT_OK && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
        /* A FIFO read before any writer has opened it reads as ended: wait for
         * the first writer on this very descriptor. (Opening the path again
         * instead would wait for a second writer, and hang when the first one
         * already wrote everything and left.) poll reports a FIFO readable
         * once a writer has come, with data or with its hang-up. */
        struct pollfd pfd = {fd, POLLIN, 0};
        int n;
        do
            n = poll(&pfd, 1, -1);
        while (n < 0 && errno == EINTR);
        if (n < 0) s = nnact__read_fail(r, NNACT_ERR_IO, ": cannot wait for the FIFO's writer");
    }
    if (s == NNACT_OK && (*f = fdopen(fd, "rb")) == NULL)
        s = nnact__read_fail(r, NNACT_ERR_NOMEM, ": out of memory for a stream");
    if (s != NNACT_OK) close(fd);
    return s;
}

nnact_status nnact_table_read_path(const char *path, const nnact_read_options *o, nnact_table **out)
{
    static const char who[] = "nnact_table_read_path";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(path == NULL, NNACT_ERR_ARG, "%s: path is NULL", who);
    struct nnact__reader r;
    if (strcmp(path, "-") == 0) {
        reader_init(&r, who, "<stdin>", o);
        NNACT_FORWARD_IF_ERROR(check_type(&r, fileno(stdin)));
        return read_stream(&r, stdin, out);
    }
    reader_init(&r, who, path, o);
    FILE *f = NULL;
    NNACT_FORWARD_IF_ERROR(open_path(&r, path, &f));
    nnact_status s = read_stream(&r, f, out);
    fclose(f);
    return s;
}
