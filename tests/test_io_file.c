/* io: atomic save under injected and real failures, and bad paths for load.
 *
 * The tests run as root on the CI box, where permission bits do not stop
 * anything; the permission cases therefore run in a child that drops to the
 * unprivileged uid 65534 first (when started as root), so the kernel really
 * refuses the access. Write, fsync, close and rename failures are injected
 * through the file layer's test hook; a real EFBIG comes from RLIMIT_FSIZE. */
#define _DEFAULT_SOURCE /* mknod, makedev */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "test_io_util.h"

static char dir[64];
static char target[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nnact_iof_XXXXXX");
    if (mkdtemp(dir) == NULL) return -1;
    /* Traversable by the unprivileged child of the permission tests. */
    chmod(dir, 0755);
    snprintf(target, sizeof target, "%s/model.nnm", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            chmod(p, 0755);
            if (unlink(p) != 0) rmdir(p);
        }
        closedir(d);
    }
    chmod(dir, 0755);
    rmdir(dir);
    return 0;
}

/* Entries of the test directory other than "." and "..". */
static int dir_entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* Writes the "previous" model and returns its bytes. */
static unsigned char *write_old(size_t *size)
{
    nnact_net *old = io_make_net(2, 1, 0);
    assert_int_equal(nnact_net_save(old, target), NNACT_OK);
    nnact_net_free(old);
    return io_read_all(target, size);
}

static void assert_old_intact(const unsigned char *old, size_t size)
{
    size_t n;
    unsigned char *now = io_read_all(target, &n);
    assert_int_equal(n, size);
    assert_memory_equal(now, old, size);
    free(now);
    assert_int_equal(dir_entries(), 1); /* no temporary left behind */
}

/* Hook: fail operation `op` at its `nth` occurrence with `err`; writes are
 * cut to `chunk` bytes so a payload takes many writes. */
struct fault {
    nnact__io_op op;
    int nth, seen, err;
    size_t chunk;
};
static int fault_hook(nnact__io_op op, size_t *len, void *ctx)
{
    struct fault *f = ctx;
    if (op == NNACT__IO_OP_WRITE && f->chunk && *len > f->chunk) *len = f->chunk;
    if (op == f->op && ++f->seen == f->nth) return f->err;
    return 0;
}

static void save_succeeds_and_replaces(void **state)
{
    (void)state;
    size_t n_old;
    unsigned char *old = write_old(&n_old);
    nnact_net *net = io_make_net(3, 4, 5);
    size_t n;
    unsigned char *expect = io_save(net, &n);
    struct fault f = {NNACT__IO_OP_WRITE, 0, 0, 0, 5}; /* 5-byte short writes, no failure */
    nnact__io_set_hook(fault_hook, &f);
    assert_int_equal(nnact_net_save(net, target), NNACT_OK);
    nnact__io_set_hook(NULL, NULL);
    assert_true(f.seen >= (int)(n / 5)); /* short writes were resumed */
    size_t m;
    unsigned char *disk = io_read_all(target, &m);
    assert_int_equal(m, n);
    assert_memory_equal(disk, expect, n);
    assert_int_equal(dir_entries(), 1);
    /* The replaced file's permission bits are kept. */
    assert_int_equal(chmod(target, 0600), 0);
    assert_int_equal(nnact_net_save(net, target), NNACT_OK);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(chmod(target, 0640), 0);
    assert_int_equal(nnact_net_save(net, target), NNACT_OK);
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    free(disk);
    free(expect);
    free(old);
    nnact_net_free(net);
}

/* A write failure at every chunk of the payload, and failures of open, fsync,
 * close and rename: NNACT_ERR_IO, the old file intact, no temporary left. */
static void save_failures_keep_old_file(void **state)
{
    (void)state;
    size_t n_old;
    unsigned char *old = write_old(&n_old);
    nnact_net *net = io_make_net(3, 5, 1);
    size_t n;
    unsigned char *bytes = io_save(net, &n);
    free(bytes);
    const size_t chunk = 16;
    int writes = (int)((n + chunk - 1) / chunk);
    for (int k = 1; k <= writes; k++) {
        struct fault f = {NNACT__IO_OP_WRITE, k, 0, k % 2 ? ENOSPC : EIO, chunk};
        nnact__io_set_hook(fault_hook, &f);
        assert_int_equal(nnact_net_save(net, target), NNACT_ERR_IO);
        nnact__io_set_hook(NULL, NULL);
        char expect[64];
        snprintf(expect, sizeof expect, "after %zu of %zu bytes", (size_t)(k - 1) * chunk, n);
        assert_non_null(strstr(nnact_last_error(), expect));
        assert_non_null(strstr(nnact_last_error(), "previous file intact"));
        assert_old_intact(old, n_old);
    }
    const struct {
        nnact__io_op op;
        const char *word;
    } ops[] = {{NNACT__IO_OP_OPEN, "create a temporary"},
               {NNACT__IO_OP_FSYNC, "fsync"},
               {NNACT__IO_OP_CLOSE, "close"},
               {NNACT__IO_OP_RENAME, "rename"}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        struct fault f = {ops[i].op, 1, 0, EIO, 0};
        nnact__io_set_hook(fault_hook, &f);
        assert_int_equal(nnact_net_save(net, target), NNACT_ERR_IO);
        nnact__io_set_hook(NULL, NULL);
        assert_int_equal(f.seen, 1);
        assert_non_null(strstr(nnact_last_error(), ops[i].word));
        assert_old_intact(old, n_old);
    }
    /* Directory fsync fails after the rename: the new file is in place and
     * the caller is told durability is not guaranteed. */
    struct fault f = {NNACT__IO_OP_DIRSYNC, 1, 0, EIO, 0};
    nnact__io_set_hook(fault_hook, &f);
    assert_int_equal(nnact_net_save(net, target), NNACT_ERR_IO);
    nnact__io_set_hook(NULL, NULL);
    assert_non_null(strstr(nnact_last_error(), "was replaced, but"));
    nnact_net *back = NULL;
    assert_int_equal(nnact_net_load(target, &back), NNACT_OK);
    io_assert_same_net(net, back);
    nnact_net_free(back);
    assert_int_equal(dir_entries(), 1);
    free(old);
    nnact_net_free(net);
}

/* A real write failure from the kernel: RLIMIT_FSIZE makes write() fail with
 * EFBIG past the limit (SIGXFSZ ignored so the process survives). */
static void save_fsize_limit(void **state)
{
    (void)state;
    size_t n_old;
    unsigned char *old = write_old(&n_old);
    nnact_net *net = io_make_net(3, 5, 2);
    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 100;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    nnact_status s = nnact_net_save(net, target);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(s, NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "after 100 of"));
    assert_old_intact(old, n_old);
    free(old);
    nnact_net_free(net);
}

/* Runs fn in a child that is unprivileged (uid/gid 65534 when started as
 * root); returns the child's exit status. */
enum { UNREACHABLE = 97 };

static int as_unprivileged(int (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(99);
        /* a root directory of mode 0700 (a chroot unpacked from a tarball of a
           mktemp directory) bars every unprivileged process from every path:
           then permission bits cannot be tested at all */
        if (access("/", X_OK) != 0 || access(dir, X_OK) != 0) _exit(UNREACHABLE);
        _exit(fn());
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) == UNREACHABLE) {
        print_message("the unprivileged uid cannot reach %s (is / mode 0700?): the permission "
                      "checks cannot run on this machine\n",
                      dir);
        skip();
    }
    return WEXITSTATUS(st);
}

static int child_save(void)
{
    nnact_net *net = NULL;
    if (nnact_net_create(2, &net) != NNACT_OK) return 98;
    nnact_status s = nnact_net_save(net, target);
    nnact_net_free(net);
    return s == NNACT_ERR_IO && strstr(nnact_last_error(), "create a temporary") ? 0 : 1;
}

static int child_save_ok(void)
{
    nnact_net *net = NULL;
    if (nnact_net_create(2, &net) != NNACT_OK) return 98;
    nnact_status s = nnact_net_save(net, target);
    nnact_net_free(net);
    return s == NNACT_OK ? 0 : 1;
}

/* Hands the directory and its files to the unprivileged uid, so that only
 * the permission bits (not ownership) decide what the child may do. */
static void give_to_child(const char *path)
{
    if (geteuid() == 0) assert_int_equal(chown(path, 65534, 65534), 0);
}

/* Read-only directory: the temporary cannot be created; old file intact.
 * Control: the same child saves fine once the directory is writable. */
static void save_read_only_directory(void **state)
{
    (void)state;
    size_t n_old;
    unsigned char *old = write_old(&n_old);
    give_to_child(dir);
    give_to_child(target);
    assert_int_equal(chmod(dir, 0555), 0);
    assert_int_equal(as_unprivileged(child_save), 0);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_old_intact(old, n_old);
    assert_int_equal(as_unprivileged(child_save_ok), 0);
    free(old);
}

static int child_load(void)
{
    nnact_net *net = (nnact_net *)&net;
    nnact_status s = nnact_net_load(target, &net);
    return s == NNACT_ERR_IO && net == NULL && strstr(nnact_last_error(), "cannot open") ? 0 : 1;
}

static int child_load_ok(void)
{
    nnact_net *net = NULL;
    nnact_status s = nnact_net_load(target, &net);
    nnact_net_free(net);
    return s == NNACT_OK ? 0 : 1;
}

/* A file without read permission: a clean NNACT_ERR_IO. Control: readable
 * again, the same child loads it. */
static void load_unreadable_file(void **state)
{
    (void)state;
    size_t n_old;
    unsigned char *old = write_old(&n_old);
    give_to_child(target);
    assert_int_equal(chmod(target, 0000), 0);
    assert_int_equal(as_unprivileged(child_load), 0);
    assert_int_equal(chmod(target, 0400), 0);
    assert_int_equal(as_unprivileged(child_load_ok), 0);
    free(old);
}

/* Saving over a directory, or into a missing directory, fails cleanly. */
static void save_bad_targets(void **state)
{
    (void)state;
    nnact_net *net = io_make_net(2, 1, 0);
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(nnact_net_save(net, sub), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "not a regular file: the target is a directory"));
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(dir_entries(), 1); /* only sub: temporary removed */
    snprintf(sub, sizeof sub, "%s/missing/model.nnm", dir);
    assert_int_equal(nnact_net_save(net, sub), NNACT_ERR_IO);
    /* A path longer than PATH_MAX. */
    char *longp = malloc(3 * 4096 + 1);
    assert_non_null(longp);
    for (size_t i = 0; i < 3 * 4096; i++) /* directories too: no temporary in / */
        longp[i] = i % 8 == 0 ? '/' : 'a';
    longp[3 * 4096] = '\0';
    assert_int_equal(nnact_net_save(net, longp), NNACT_ERR_IO);
    free(longp);
    nnact_net_free(net);
}

/* Saves to `path` must fail with "not a regular file" and leave it as it was
   (checked by the caller) with no temporary left behind. */
static void expect_save_refused(const nnact_net *net, const char *path, const char *type)
{
    assert_int_equal(nnact_net_save(net, path), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "not a regular file"));
    assert_non_null(strstr(nnact_last_error(), type));
    nnact_opt *opt = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_ADAM, &opt), NNACT_OK);
    assert_int_equal(nnact_checkpoint_save(path, net, opt, 1, 0, 0.001, 7, 0), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), type));
    nnact_opt_free(opt);
}

/* Existing targets that are not regular files are refused, never replaced
   (saving over a device node as root would replace the system's node). */
static void save_refuses_special_files(void **state)
{
    (void)state;
    nnact_net *net = io_make_net(2, 1, 0);
    char p[192];
    struct stat st;
    snprintf(p, sizeof p, "%s/fifo", dir);
    assert_int_equal(mkfifo(p, 0644), 0);
    expect_save_refused(net, p, "a FIFO");
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    snprintf(p, sizeof p, "%s/sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(p) < sizeof sa.sun_path);
    memcpy(sa.sun_path, p, strlen(p) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    expect_save_refused(net, p, "a socket");
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    close(fd);

    /* a character device like /dev/full (1, 7): needs root to create */
    snprintf(p, sizeof p, "%s/full", dir);
    if (mknod(p, S_IFCHR | 0666, makedev(1, 7)) == 0) {
        expect_save_refused(net, p, "a character device");
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    } else {
        print_message("mknod needs root: character-device case skipped\n");
    }
    assert_int_equal(dir_entries(), geteuid() == 0 ? 3 : 2); /* no temporary left */
    nnact_net_free(net);
}

/* A symbolic link is followed: its target is replaced, the link stays a link.
   A dangling link or a link to a non-regular file is refused. */
static void save_follows_symbolic_links(void **state)
{
    (void)state;
    nnact_net *a = io_make_net(2, 1, 0), *b = io_make_net(3, 2, 1), *back = NULL;
    char real[192], link_path[192];
    snprintf(real, sizeof real, "%s/real.nnm", dir);
    snprintf(link_path, sizeof link_path, "%s/latest.nnm", dir);
    assert_int_equal(nnact_net_save(a, real), NNACT_OK);
    assert_int_equal(symlink("real.nnm", link_path), 0);
    assert_int_equal(nnact_net_save(b, link_path), NNACT_OK);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(nnact_net_load(real, &back), NNACT_OK);
    assert_int_equal(nnact_net_input_size(back), 3); /* b went to the link's target */
    nnact_net_free(back);
    assert_int_equal(dir_entries(), 2);

    assert_int_equal(unlink(real), 0); /* now dangling */
    assert_int_equal(nnact_net_save(a, link_path), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "cannot follow the symbolic link"));
    assert_int_equal(dir_entries(), 1);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));

    assert_int_equal(unlink(link_path), 0);
    snprintf(real, sizeof real, "%s/fifo", dir);
    assert_int_equal(mkfifo(real, 0644), 0);
    assert_int_equal(symlink("fifo", link_path), 0);
    assert_int_equal(nnact_net_save(a, link_path), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "a FIFO"));
    assert_int_equal(dir_entries(), 2);
    nnact_net_free(a);
    nnact_net_free(b);
}

static void expect_load_fails(const char *path, nnact_status want, const char *words)
{
    nnact_net *net = (nnact_net *)&net;
    assert_int_equal(nnact_net_load(path, &net), want);
    assert_null(net);
    if (words != NULL && strstr(nnact_last_error(), words) == NULL) {
        print_error("last error '%s' lacks '%s'\n", nnact_last_error(), words);
        fail();
    }
}

/* Bad paths: each a clean error, none blocking, none reading past a limit. */
static void load_bad_paths(void **state)
{
    (void)state;
    nnact_net *net = (nnact_net *)&net;
    assert_int_equal(nnact_net_load(NULL, &net), NNACT_ERR_ARG);
    assert_null(net);
    expect_load_fails("", NNACT_ERR_ARG, "empty");
    expect_load_fails(dir, NNACT_ERR_IO, "directory");
    expect_load_fails("/dev/zero", NNACT_ERR_IO, "character device");
    expect_load_fails("/dev/null", NNACT_ERR_IO, "character device");
    char p[192];
    snprintf(p, sizeof p, "%s/missing.nnm", dir);
    expect_load_fails(p, NNACT_ERR_IO, "cannot open");

    /* A FIFO with no writer: refused at once, no hang (alarm as a guard). */
    snprintf(p, sizeof p, "%s/fifo", dir);
    assert_int_equal(mkfifo(p, 0644), 0);
    alarm(10);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_load_fails(p, NNACT_ERR_IO, "FIFO");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alarm(0);
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    assert_int_equal(unlink(p), 0);

    /* An empty file and a file of garbage: format errors. */
    snprintf(p, sizeof p, "%s/empty.nnm", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    expect_load_fails(p, NNACT_ERR_FORMAT, "offset 0");
    assert_int_equal(unlink(p), 0);

    /* A sparse file larger than any model: refused from its size, before
     * any allocation. */
    snprintf(p, sizeof p, "%s/huge.nnm", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)1 << 36), 0);
    close(fd);
    size_t allocs = nnact__alloc_count();
    expect_load_fails(p, NNACT_ERR_FORMAT, "offset 0: bad magic");
    assert_int_equal(nnact__alloc_count(), allocs);
    assert_int_equal(unlink(p), 0);

    /* A path longer than PATH_MAX. */
    char *longp = malloc(3 * 4096 + 1);
    assert_non_null(longp);
    memset(longp, 'a', 3 * 4096);
    longp[0] = '/';
    longp[3 * 4096] = '\0';
    expect_load_fails(longp, NNACT_ERR_IO, "cannot open");
    free(longp);
}

static int count_bytes(size_t size, void *ctx)
{
    *(size_t *)ctx += size;
    return 1;
}

/* A sparse file of `size` bytes starting with `header` (NULL: zeros). */
static void sparse_file(const char *path, const unsigned char *header, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    if (header != NULL) assert_int_equal(pwrite(fd, header, 24, 0), 24);
    assert_int_equal(close(fd), 0);
}

static void header(unsigned char *h, uint32_t kind, uint64_t payload)
{
    memcpy(h, NNACT__IO_MAGIC, 8);
    nnact__put_u32(h + 8, 1);
    nnact__put_u32(h + 12, kind);
    nnact__put_u64(h + 16, payload);
}

/* Loads path (as a model, or as a checkpoint) expecting a format error that
 * names `words`, at most 4 KiB allocated in all and well under a second (the
 * loader used to read a 512 MiB file of zeros whole before its magic). */
static void expect_cheap_reject(const char *path, int checkpoint, const char *words)
{
    size_t bytes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nnact__alloc_set_hook(count_bytes, &bytes);
    nnact_net *net = (nnact_net *)&net;
    nnact_opt *opt = (nnact_opt *)&opt;
    nnact_status s = checkpoint
                         ? nnact_checkpoint_load(path, 0, &net, &opt, NULL, NULL, NULL, NULL, NULL)
                         : nnact_net_load(path, &net);
    nnact__alloc_set_hook(NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(s, NNACT_ERR_FORMAT);
    assert_null(net);
    if (checkpoint) assert_null(opt);
    if (strstr(nnact_last_error(), words) == NULL) {
        print_error("last error '%s' lacks '%s'\n", nnact_last_error(), words);
        fail();
    }
    assert_true(bytes <= 4096);
    assert_true(secs < 0.5);
}

/* Large files are judged by their fixed header and their size before the
 * loader allocates anything: the header is read first, then checked against
 * the file size and the largest payload the documented limits allow. */
static void load_checks_header_before_allocating(void **state)
{
    (void)state;
    char p[192];
    snprintf(p, sizeof p, "%s/big.nnm", dir);
    const uint64_t mib512 = (uint64_t)512 << 20;
    unsigned char h[24];
    /* Zeros: bad magic. */
    sparse_file(p, NULL, mib512);
    expect_cheap_reject(p, 0, "offset 0: bad magic");
    expect_cheap_reject(p, 1, "offset 0: bad magic");
    /* Bad version and kind. */
    header(h, 1, mib512 - 28);
    nnact__put_u32(h + 8, 3);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 0, "offset 8: format version 3");
    header(h, 3, mib512 - 28);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 0, "offset 12: unknown file kind 3");
    /* The wrong kind for the call, size consistent. */
    header(h, 2, mib512 - 28);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 0, "offset 12: file is a training checkpoint (kind 2), not a model");
    header(h, 1, mib512 - 28);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 1, "offset 12: file is a model (kind 1), not a training checkpoint");
    /* A valid header whose declared payload disagrees with the file size. */
    header(h, 1, 1000);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 0, "trailing bytes");
    header(h, 2, 1000);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 1, "trailing bytes");
    header(h, 1, mib512);
    sparse_file(p, h, mib512);
    expect_cheap_reject(p, 0, "only 536870884 are present");
    /* Size consistent, but beyond the largest model the limits allow:
     * 16 + 4096*32 + 2^28*8 = 2147614736 payload bytes (docs/FORMAT.md). */
    const uint64_t model_max = 16 + 4096 * 32 + ((uint64_t)1 << 28) * 8;
    header(h, 1, model_max + 1);
    sparse_file(p, h, model_max + 1 + 28);
    expect_cheap_reject(p, 0, "payload of 2147614737 bytes exceeds the limit of 2147614736");
    /* The checkpoint limit adds the optimizer (at most 15 hyper-parameters,
     * 3 state vectors) and the training position: + 8 + 15*16 + 24 + 3*2^28*8 + 40. */
    const uint64_t ckpt_max = model_max + 8 + 15 * 16 + 24 + 3 * ((uint64_t)1 << 28) * 8 + 40;
    header(h, 2, ckpt_max + 1);
    sparse_file(p, h, ckpt_max + 1 + 28);
    expect_cheap_reject(p, 1, "exceeds the limit of 8590065992");
    assert_int_equal(unlink(p), 0);
}

/* A valid file name of 250 characters (NAME_MAX is 255): the temporary's name
 * must not be built by appending to it. Saved, replaced, loaded back, and no
 * temporary left behind. */
static void save_long_file_name(void **state)
{
    (void)state;
    char name[251], p[512];
    memset(name, 'm', 250);
    name[250] = '\0';
    snprintf(p, sizeof p, "%s/%s", dir, name);
    nnact_net *net = io_make_net(3, 2, 1);
    assert_int_equal(nnact_net_save(net, p), NNACT_OK);
    assert_int_equal(nnact_net_save(net, p), NNACT_OK);
    assert_int_equal(dir_entries(), 1);
    nnact_net *back = NULL;
    assert_int_equal(nnact_net_load(p, &back), NNACT_OK);
    io_assert_same_net(net, back);
    nnact_net_free(back);
    /* Relative path, no directory part: the temporary goes in ".". */
    char cwd[256];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(nnact_net_save(net, name), NNACT_OK);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(dir_entries(), 1);
    nnact_net_free(net);
}

/* With a path far longer than the 512-byte error buffer, the reason still
 * comes through (it used to follow the quoted path and be cut away), and the
 * path is shown by its last 100 characters after "...". */
static void long_path_errors_keep_reason(void **state)
{
    (void)state;
    char *longp = malloc(3 * 4096 + 1);
    assert_non_null(longp);
    /* "/aaaaaaa/aaaaaaa/.../tail.nnm": the directory part is too long as well. */
    for (size_t i = 0; i < 3 * 4096; i++)
        longp[i] = i % 8 == 0 ? '/' : 'a';
    memcpy(longp + 3 * 4096 - 8, "tail.nnm", 8);
    longp[3 * 4096] = '\0';
    char want[320];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENAMETOOLONG));
    expect_load_fails(longp, NNACT_ERR_IO, want);
    char shown[128];
    snprintf(shown, sizeof shown, "'...%s'", longp + 3 * 4096 - 100);
    expect_load_fails(longp, NNACT_ERR_IO, shown);
    nnact_net *net = io_make_net(2, 1, 0);
    assert_int_equal(nnact_net_save(net, longp), NNACT_ERR_IO);
    snprintf(want, sizeof want, "create a temporary file beside the target: %s",
             strerror(ENAMETOOLONG));
    if (strstr(nnact_last_error(), want) == NULL || strstr(nnact_last_error(), shown) == NULL ||
        strstr(nnact_last_error(), "previous file intact") == NULL) {
        print_error("last error '%s' lacks '%s' or '%s'\n", nnact_last_error(), want, shown);
        fail();
    }
    nnact_opt *opt = NULL;
    assert_int_equal(nnact_opt_create(NNACT_OPT_SGD, &opt), NNACT_OK);
    assert_int_equal(nnact_checkpoint_save(longp, net, opt, 0, 0, 0.1, 0, 0), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), want));
    nnact_opt_free(opt);
    /* A short path is shown whole. */
    char p[192];
    snprintf(p, sizeof p, "%s/missing.nnm", dir);
    snprintf(want, sizeof want, "cannot open: %s (path '%s')", strerror(ENOENT), p);
    expect_load_fails(p, NNACT_ERR_IO, want);
    nnact_net_free(net);
    free(longp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(save_succeeds_and_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(save_failures_keep_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(save_fsize_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(save_read_only_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(load_unreadable_file, setup, teardown),
        cmocka_unit_test_setup_teardown(save_bad_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(save_refuses_special_files, setup, teardown),
        cmocka_unit_test_setup_teardown(save_follows_symbolic_links, setup, teardown),
        cmocka_unit_test_setup_teardown(load_bad_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(save_long_file_name, setup, teardown),
        cmocka_unit_test_setup_teardown(long_path_errors_keep_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(load_checks_header_before_allocating, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
