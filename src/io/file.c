/* The file layer: a bounded reader that never blocks and never opens another
 * path, and an atomic writer (temporary beside the target, every write
 * checked, fsync, rename, directory fsync). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fs.h"
#include "core/checked.h"
#include "core/names.h"
#include "io/io_internal.h"

typedef unsigned long long ull;

/* Test hook (see io_internal.h). Set only by tests, never by the library. */
static nnact__io_hook io_hook;
static void *io_hook_ctx;

void nnact__io_set_hook(nnact__io_hook hook, void *ctx)
{
    io_hook = hook;
    io_hook_ctx = ctx;
}

static int hooked(nnact__io_op op, size_t *len)
{
    size_t dummy = 0;
    return io_hook ? io_hook(op, len ? len : &dummy, io_hook_ctx) : 0;
}

/* strerror is not thread-safe; the XSI strerror_r is (selected by
 * _POSIX_C_SOURCE=200809L without _GNU_SOURCE). */
static const char *errtext(int err, char *buf, size_t n)
{
    if (strerror_r(err, buf, n) != 0) snprintf(buf, n, "errno %d", err);
    return buf;
}

/* The path as error messages show it: whole up to 100 characters, else
 * "..." and its last 100 (the file's name is at the end), escaped through
 * nnact__quote (control bytes and bytes >= 0x7f as \xHH; an escaped path is
 * cut at SHOWN_CAP), so a message is one line of plain text and the reason
 * (which comes first) and the path together fit in the 512-byte last-error
 * buffer. */
#define SHOWN_TAIL 100u
#define SHOWN_CAP  168u
static const char *shown(const char *path, char *buf)
{
    const size_t n = strlen(path);
    const size_t skip = n > SHOWN_TAIL ? n - SHOWN_TAIL : 0;
    if (skip) memcpy(buf, "...", 3);
    nnact__quote(path + skip, SHOWN_TAIL, buf + (skip ? 3 : 0), SHOWN_CAP - 3);
    return buf;
}

nnact_status nnact__io_read_file(const char *who, const char *path, uint32_t want_kind,
                                 unsigned char **data, size_t *size)
{
    char eb[128], pb[SHOWN_CAP];
    /* O_NONBLOCK: opening a FIFO without a writer (or a device) must not
     * hang; the type is checked before any read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    NNACT_RETURN_IF(fd < 0, NNACT_ERR_IO, "%s: cannot open: %s (path '%s')", who,
                    errtext(errno, eb, sizeof eb), shown(path, pb));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return nnact__fail(NNACT_ERR_IO, "%s: cannot stat: %s (path '%s')", who,
                           errtext(e, eb, sizeof eb), shown(path, pb));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return nnact__fail(NNACT_ERR_IO, "%s: the path names %s, not a regular file (path '%s')",
                           who, nnact__file_type(st.st_mode), shown(path, pb));
    }
    /* The fixed header first, and every check it allows (magic, version,
     * kind, declared payload against the kind's limit and the file's size),
     * before anything is allocated: a huge file that is not a model costs one
     * 24-byte read. */
    unsigned char head[NNACT__IO_HEADER_LEN];
    size_t got = 0;
    const size_t head_len =
        st.st_size < (off_t)sizeof head ? (size_t)(st.st_size < 0 ? 0 : st.st_size) : sizeof head;
    while (got < head_len) {
        ssize_t r = read(fd, head + got, head_len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            return nnact__fail(NNACT_ERR_IO, "%s: read error at offset %zu: %s (path '%s')", who,
                               got, errtext(e, eb, sizeof eb), shown(path, pb));
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    if (got != head_len) {
        close(fd);
        return nnact__fail(NNACT_ERR_IO, "%s: file changed size while being read (path '%s')", who,
                           shown(path, pb));
    }
    uint32_t kind;
    nnact_status hs = nnact__io_check_file_header(who, head, (uint64_t)st.st_size, &kind);
    if (hs == NNACT_OK && want_kind != 0) hs = nnact__io_check_kind(who, kind, want_kind);
    if (hs != NNACT_OK) {
        close(fd);
        return hs;
    }
    /* The header held the size to the kind's limit (a few GiB), so n + 1
     * cannot wrap a 64-bit size_t; a 32-bit one is checked. */
    if ((uint64_t)st.st_size > SIZE_MAX - 1) {
        close(fd);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: %lld bytes do not fit in memory here", who,
                           (long long)st.st_size);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = nnact__malloc(n + 1);
    if (buf == NULL) {
        close(fd);
        return nnact__fail(NNACT_ERR_NOMEM, "%s: cannot allocate %zu bytes", who, n + 1);
    }
    memcpy(buf, head, got);
    /* Read exactly st_size bytes, then one more to prove the file ended
     * there: a file that grows or shrinks meanwhile is an error, not a
     * silently different model. */
    while (got < n + 1) {
        ssize_t r = read(fd, buf + got, n + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            nnact__free(buf);
            return nnact__fail(NNACT_ERR_IO, "%s: read error at offset %zu: %s (path '%s')", who,
                               got, errtext(e, eb, sizeof eb), shown(path, pb));
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        nnact__free(buf);
        return nnact__fail(NNACT_ERR_IO,
                           "%s: file changed size while being read (%zu bytes, then %s; path '%s')",
                           who, n, got < n ? "fewer" : "more", shown(path, pb));
    }
    *data = buf;
    *size = n;
    return NNACT_OK;
}

nnact_status nnact__io_read_plain_file(const char *who, const char *path, uint64_t max,
                                       const char *what, unsigned char **data, size_t *size)
{
    char eb[128], pb[SHOWN_CAP];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    NNACT_RETURN_IF(fd < 0, NNACT_ERR_IO, "%s: cannot open: %s (path '%s')", who,
                    errtext(errno, eb, sizeof eb), shown(path, pb));
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : 0;
    nnact_status s = NNACT_OK;
    if (e != 0)
        s = nnact__fail(NNACT_ERR_IO, "%s: cannot stat: %s (path '%s')", who,
                        errtext(e, eb, sizeof eb), shown(path, pb));
    else if (!S_ISREG(st.st_mode))
        s = nnact__fail(NNACT_ERR_IO, "%s: the path names %s, not a regular file (path '%s')", who,
                        nnact__file_type(st.st_mode), shown(path, pb));
    else if ((uint64_t)st.st_size > max || (uint64_t)st.st_size > SIZE_MAX - 1)
        s = nnact__fail(NNACT_ERR_IO, "%s: %lld bytes, larger than %s's limit of %llu (path '%s')",
                        who, (long long)st.st_size, what, (ull)max, shown(path, pb));
    size_t n = s == NNACT_OK ? (size_t)st.st_size : 0, got = 0;
    unsigned char *buf = s == NNACT_OK ? nnact__malloc(n + 1) : NULL;
    if (s == NNACT_OK && buf == NULL)
        s = nnact__fail(NNACT_ERR_NOMEM, "%s: cannot allocate %zu bytes", who, n + 1);
    /* st_size bytes, then one more to prove the file ended there */
    while (s == NNACT_OK && got < n + 1) {
        ssize_t r = read(fd, buf + got, n + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            s = nnact__fail(NNACT_ERR_IO, "%s: read error at offset %zu: %s (path '%s')", who, got,
                            errtext(errno, eb, sizeof eb), shown(path, pb));
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (s == NNACT_OK && got != n)
        s = nnact__fail(NNACT_ERR_IO,
                        "%s: file changed size while being read (%zu bytes, then %s; path '%s')",
                        who, n, got < n ? "fewer" : "more", shown(path, pb));
    if (s != NNACT_OK) {
        nnact__free(buf);
        return s;
    }
    *data = buf;
    *size = n;
    return NNACT_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n, size_t *done)
{
    *done = 0;
    while (*done < n) {
        /* Bounded chunks: a failure mid-payload is a real case, and the hook
         * can place it at any chunk. */
        size_t len = n - *done < ((size_t)1 << 20) ? n - *done : ((size_t)1 << 20);
        int e = hooked(NNACT__IO_OP_WRITE, &len);
        if (e != 0) return e;
        if (len == 0) return EIO;
        ssize_t w = write(fd, p + *done, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return errno;
        if (w == 0) return EIO;
        *done += (size_t)w;
    }
    return 0;
}

/* Unique temporary beside the target: the target's directory part (if any)
 * + ".nnact-" + 16 hex digits from the pid, the clock and the attempt number.
 * Short and independent of the target's own name, so any file name up to
 * NAME_MAX can be saved; O_EXCL makes it safe; the leading dot keeps it out of
 * plain directory listings while it exists. tmp holds dir_len + 24 bytes. */
static int open_temp(const char *path, char *tmp, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dir_len);
    for (unsigned attempt = 0; attempt < 64; attempt++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_nsec ^
                     (uint64_t)ts.tv_sec << 30 ^ (uint64_t)attempt * 0xD1B54A32D192ED03u;
        snprintf(tmp + dir_len, cap - dir_len, ".nnact-%016llx", (ull)x);
        int e = hooked(NNACT__IO_OP_OPEN, NULL);
        if (e != 0) {
            errno = e;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

/* fsync the directory holding path so the rename itself is durable. */
static int sync_dir(const char *path, char *scratch)
{
    int e = hooked(NNACT__IO_OP_DIRSYNC, NULL);
    if (e != 0) return e;
    const char *slash = strrchr(path, '/');
    const char *dir = ".";
    if (slash == path) {
        dir = "/";
    } else if (slash != NULL) {
        size_t n = (size_t)(slash - path);
        memcpy(scratch, path, n);
        scratch[n] = '\0';
        dir = scratch;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int r = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    /* Some file systems cannot fsync a directory; that is no failure of ours. */
    return r == EINVAL || r == EROFS ? 0 : r;
}

/* The file a save replaces. A symbolic link is followed: its target is
 * replaced and the link kept (a "latest" link stays a link); *resolved then
 * holds realpath's result, which the caller frees. An existing target that is
 * not a regular file (device, FIFO, socket, directory) is refused, so saving
 * never turns /dev/null or a named pipe into a regular file. */
static nnact_status save_target(const char *who, const char *path, const char **target,
                                char **resolved)
{
    char eb[128], pb[SHOWN_CAP];
    struct stat st;
    *target = path;
    *resolved = NULL;
    if (lstat(path, &st) != 0) return NNACT_OK; /* a new file; open() reports bad paths */
    if (S_ISLNK(st.st_mode)) {
        *resolved = realpath(path, NULL);
        NNACT_RETURN_IF(*resolved == NULL, NNACT_ERR_IO,
                        "%s: cannot follow the symbolic link: %s (nothing written; path '%s')", who,
                        errtext(errno, eb, sizeof eb), shown(path, pb));
        *target = *resolved;
        if (stat(*target, &st) != 0) return NNACT_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        free(*resolved);
        *resolved = NULL;
        return nnact__fail(NNACT_ERR_IO,
                           "%s: not a regular file: the target is %s (nothing written; path '%s')",
                           who, nnact__file_type(st.st_mode), shown(path, pb));
    }
    return NNACT_OK;
}

static nnact_status write_replacing(const char *who, const char *path, const unsigned char *data,
                                    size_t size);

nnact_status nnact__io_write_file_atomic(const char *who, const char *path,
                                         const unsigned char *data, size_t size)
{
    const char *target;
    char *resolved;
    NNACT_FORWARD_IF_ERROR(save_target(who, path, &target, &resolved));
    nnact_status s = write_replacing(who, target, data, size);
    free(resolved);
    return s;
}

/* Temporary file beside path, written, synced, renamed over path. */
static nnact_status write_replacing(const char *who, const char *path, const unsigned char *data,
                                    size_t size)
{
    char eb[128], pb[SHOWN_CAP];
    size_t len = strlen(path), cap;
    NNACT_RETURN_IF(!nnact__add_size(len, 32, &cap), NNACT_ERR_OVERFLOW, "%s: path too long", who);
    char *tmp = nnact__malloc(cap);
    NNACT_RETURN_IF(tmp == NULL, NNACT_ERR_NOMEM, "%s: cannot allocate %zu bytes", who, cap);
    const char *step = "create a temporary file beside the target";
    int e = 0;
    size_t done = 0;
    int fd = open_temp(path, tmp, cap);
    if (fd < 0) {
        e = errno;
        goto fail_no_temp;
    }
    /* Replacing a file keeps its permission bits (a private 0600 model stays
     * private); a new file gets 0666 minus the umask, as open() made it. */
    struct stat old;
    if (stat(path, &old) == 0 && S_ISREG(old.st_mode)) (void)fchmod(fd, old.st_mode & 07777);
    step = "write";
    e = write_all(fd, data, size, &done);
    if (e == 0) {
        step = "fsync";
        e = hooked(NNACT__IO_OP_FSYNC, NULL);
        if (e == 0 && fsync(fd) != 0) e = errno;
    }
    if (e == 0) {
        step = "close";
        e = hooked(NNACT__IO_OP_CLOSE, NULL);
        if (e == 0) {
            int r = close(fd);
            fd = -1;
            if (r != 0) e = errno;
        }
    }
    if (e == 0) {
        step = "rename the temporary over the target";
        e = hooked(NNACT__IO_OP_RENAME, NULL);
        if (e == 0 && rename(tmp, path) != 0) e = errno;
    }
    if (e != 0) {
        if (fd >= 0) close(fd);
        unlink(tmp);
        goto fail_no_temp;
    }
    /* The new file is in place; a failed directory sync means the rename may
     * not survive a crash, which the caller has to know. */
    e = sync_dir(path, tmp);
    nnact__free(tmp);
    NNACT_RETURN_IF(e != 0, NNACT_ERR_IO,
                    "%s: file was replaced, but syncing its directory failed: %s (path '%s')", who,
                    errtext(e, eb, sizeof eb), shown(path, pb));
    return NNACT_OK;

fail_no_temp:
    nnact__free(tmp);
    if (strcmp(step, "write") == 0)
        return nnact__fail(NNACT_ERR_IO,
                           "%s: cannot write after %zu of %zu bytes: %s (previous file "
                           "intact; path '%s')",
                           who, done, size, errtext(e, eb, sizeof eb), shown(path, pb));
    return nnact__fail(NNACT_ERR_IO, "%s: cannot %s: %s (previous file intact; path '%s')", who,
                       step, errtext(e, eb, sizeof eb), shown(path, pb));
}
