/* data: reading a numeric CSV file (about 100 MB, --quick 10 MB, written once
 * to a temporary file) with nnact_table_read_path, against two references on
 * the same bytes: the limit, a plain strtod loop (the file read into memory,
 * split at delimiters and newlines, strtod on each cell, stored), and the
 * peer, numpy.loadtxt (bench/peers/peer_numpy.py --loadtxt). Targets (issue
 * 12): >= 0.8x the strtod loop's speed, >= 2x numpy.loadtxt's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nnact/nnact.h"

#include "bench.h"

#define DATA_COLS 16

struct data_ctx {
    const char *path;
    size_t bytes, rows;
    const nnact_read_options *opts;
    double *values; /* strtod loop: rows x DATA_COLS */
    char *text;     /* strtod loop: the file, NUL-terminated */
    int failed;
};

/* Values as a data logger or a savetxt("%.6f") writes them: signed, 6 decimals. */
static int write_csv(const char *path, size_t target_bytes, size_t *bytes, size_t *rows)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) return -1;
    unsigned long long s = 88172645463325252ull;
    size_t n = 0, r = 0;
    for (int c = 0; c < DATA_COLS; c++)
        n += (size_t)fprintf(f, c + 1 < DATA_COLS ? "x%d," : "y\n", c);
    while (n < target_bytes) {
        for (int c = 0; c < DATA_COLS; c++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            double v = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 2000.0;
            n += (size_t)fprintf(f, c + 1 < DATA_COLS ? "%.6f," : "%.6f\n", v);
        }
        r++;
    }
    *bytes = n;
    *rows = r;
    return fclose(f) == 0 ? 0 : -1;
}

static void run_read(void *p)
{
    struct data_ctx *c = p;
    nnact_table *t;
    if (nnact_table_read_path(c->path, c->opts, &t) != NNACT_OK || nnact_table_rows(t) != c->rows)
        c->failed = 1;
    nnact_table_free(t);
}

/* The limit: what any reader must at least do. */
static void run_strtod(void *p)
{
    struct data_ctx *c = p;
    FILE *f = fopen(c->path, "rb");
    if (f == NULL || fread(c->text, 1, c->bytes, f) != c->bytes) c->failed = 1;
    if (f != NULL) fclose(f);
    c->text[c->bytes] = '\0';
    char *q = strchr(c->text, '\n') + 1; /* past the header */
    size_t k = 0;
    while (*q != '\0') {
        char *end;
        c->values[k++] = strtod(q, &end);
        q = *end != '\0' ? end + 1 : end; /* the ',' or '\n' */
    }
    if (k != c->rows * DATA_COLS) c->failed = 1;
}

/* numpy.loadtxt through the peer script: median, min, max seconds; 0 or why not. */
static const char *run_loadtxt(const struct bench_opts *o, const char *path, double *t3)
{
    static char why[200];
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' '%s/peer_numpy.py' --loadtxt '%s' --repeat %d 2>&1", o->python,
             o->peers_dir, path, o->quick ? 3 : 5);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (p == NULL) return "MISSING: cannot start python";
    char line[1024];
    snprintf(why, sizeof why, "MISSING: numpy peer gave no result");
    int ok = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        const char *m = strstr(line, "\"median_s\": ");
        if (m != NULL && sscanf(m, "\"median_s\": %lf", &t3[0]) == 1) {
            const char *a = strstr(line, "\"min_s\": "), *b = strstr(line, "\"max_s\": ");
            if (a != NULL) sscanf(a, "\"min_s\": %lf", &t3[1]);
            if (b != NULL) sscanf(b, "\"max_s\": %lf", &t3[2]);
            ok = 1;
        } else if (strstr(line, "\"error\"") != NULL || strstr(line, "Error") != NULL) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(why, sizeof why, "MISSING: %.180s", line);
        }
    }
    pclose(p);
    return ok ? NULL : why;
}

static void report(struct bench_opts *o, const char *name, const struct data_ctx *c, double med,
                   double mn, double mx, double limit, const char *what, const char *note)
{
    struct bench_record r = {.suite = "data", .batch = c->rows};
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.shape, sizeof r.shape, "%zu MB, %zux%d", c->bytes >> 20, c->rows, DATA_COLS);
    r.median = med, r.min = mn, r.max = mx;
    r.work = (double)c->bytes;
    r.work_unit = "GB/s";
    r.limit = what;
    r.limit_median = limit;
    r.threads = 1;
    r.note = note;
    bench_report(o, &r);
}

static int time_cases(struct bench_opts *o, struct data_ctx *c)
{
    int reps = o->quick ? 3 : 5, rc = 0;
    double lib[3] = {0, 0, 0}, lim[3] = {0, 0, 0}, np[3] = {0, 0, 0};
    bench_time(run_strtod, c, reps, &lim[0], &lim[1], &lim[2]);
    bench_time(run_read, c, reps, &lib[0], &lib[1], &lib[2]);
    if (c->failed) {
        bench_fail(o, "data", "read", "a read failed or gave the wrong row count");
        return 1;
    }
    const char *missing = run_loadtxt(o, c->path, np);
    report(o, "strtod_loop", c, lim[0], lim[1], lim[2], 0, "-", NULL);
    report(o, "nnact_table_read_path", c, lib[0], lib[1], lib[2], lim[0], "strtod loop", NULL);
    report(o, "numpy.loadtxt", c, np[0], np[1], np[2], lib[0],
           "libnnact (ratio = libnnact's speedup)", missing);
    double mb = (double)c->bytes / 1e6;
    printf("data: libnnact %.1f MB/s, strtod loop %.1f MB/s (ratio %.2fx, target >= 0.8x)",
           mb / lib[0], mb / lim[0], lim[0] / lib[0]);
    if (missing == NULL)
        printf(", numpy.loadtxt %.1f MB/s (libnnact %.2fx faster, target >= 2x)\n", mb / np[0],
               np[0] / lib[0]);
    else
        printf(", numpy.loadtxt not measured (%s; install python3-numpy)\n", missing);
    return rc;
}

int bench_suite_data(struct bench_opts *o)
{
    if (!bench_want(o, "data", "read")) return 0;
    bench_header("data");
    struct data_ctx c = {0};
    char path[] = "/tmp/nnact-bench-data-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        bench_fail(o, "data", "read", "cannot make a temporary file");
        return 1;
    }
    close(fd);
    c.path = path;
    int rc = 1;
    nnact_read_options *opts = NULL;
    if (write_csv(path, o->quick ? (size_t)10 << 20 : (size_t)100 << 20, &c.bytes, &c.rows) != 0 ||
        nnact_read_options_create(&opts) != NNACT_OK ||
        nnact_read_options_set_targets(opts, "y") != NNACT_OK) {
        bench_fail(o, "data", "read", "cannot write the CSV file");
    } else {
        c.opts = opts;
        c.text = malloc(c.bytes + 1);
        c.values = malloc(c.rows * DATA_COLS * sizeof(double));
        if (c.text == NULL || c.values == NULL)
            bench_fail(o, "data", "read", "out of memory");
        else
            rc = time_cases(o, &c);
    }
    free(c.text);
    free(c.values);
    nnact_read_options_free(opts);
    unlink(path);
    return rc;
}
