/* nnact-bench: what libnnact does on this machine, as ratios against limits
 * measured in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "memory.h"
#include "netspec.h"
#include "nnact/nnact.h"

#ifndef NNACT_BENCH_PEERS_DIR
#define NNACT_BENCH_PEERS_DIR "bench/peers"
#endif
#ifndef NNACT_BENCH_PEERS_INSTALLED
#define NNACT_BENCH_PEERS_INSTALLED "/usr/local/share/nnact/peers"
#endif

struct suite {
    const char *name;
    int (*run)(struct bench_opts *o);
    int in_default; /* run when no suite is named */
};

static const struct suite suites[] = {
    {"limits", bench_suite_limits, 1},
#ifdef NNACT_BENCH_HAVE_ACT
    {"act", bench_suite_act, 1}, /* suite_act.c, from the activations module */
#endif
    {"dense", bench_suite_dense, 1},   {"train", bench_suite_train, 1},
    {"small", bench_suite_small, 1},   {"collapse", bench_suite_collapse, 1},
    {"peers", bench_suite_peers, 1},
};
#define SUITE_COUNT (sizeof suites / sizeof suites[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: nnact-bench [OPTIONS] [SUITE...]\n"
                 "suites:");
    for (size_t i = 0; i < SUITE_COUNT; i++)
        fprintf(out, " %s", suites[i].name);
    fprintf(out, " (default: all)\n"
                 "  --quick          smaller grids and fewer repetitions (all suites < 60 s)\n"
                 "  --threads N      BLAS threads (default: the BLAS's own setting)\n"
                 "  --repeat N       timed samples per case; the median is reported\n"
                 "  --json FILE      one JSON record per case\n"
                 "  --case GLOB      only cases matching GLOB, on \"suite/case\" or \"case\"\n"
                 "  --net SPEC       extra train/peers network, e.g. 784-1024:relu-1024:relu-10\n"
                 "                   (sizes > 0; no ':act' = relu hidden, identity output)\n"
                 "  --batch N        batch for the --net networks (default 64)\n"
                 "  --plot DIR       SVG charts of scaling, threads and peers into DIR\n"
                 "  --peers-dir DIR  where peer_numpy.py / peer_torch.py live\n"
                 "  --python PATH    interpreter for the peers (default /usr/bin/python3)\n"
                 "Exit status: 0 ok, 1 a check failed, 2 bad arguments.\n");
}

/* A positive integer argument, or -1. */
static long positive_arg(const char *s, long max)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return (end != s && *end == '\0' && v > 0 && v <= max) ? v : -1;
}

/* The 1-minute load average: figures taken on a busy machine say so. */
static double load_average(void)
{
    double l = -1.0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &l) != 1) l = -1.0;
        fclose(f);
    }
    return l;
}

static int arg_error(const char *arg, const char *what)
{
    fprintf(stderr, "nnact-bench: %s: %s\n", arg, what);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--memory-child") == 0)
        return bench_memory_child(argc - 2, argv + 2);
    struct bench_opts o;
    memset(&o, 0, sizeof o);
    o.threads = nnact_blas_get_threads();
    o.spec_batch = 64;
    o.python = "/usr/bin/python3";
    /* the source tree's peers when run from a build tree, else the installed ones */
    o.peers_dir = getenv("NNACT_BENCH_PEERS_DIR");
    if (o.peers_dir == NULL)
        o.peers_dir = access(NNACT_BENCH_PEERS_DIR "/peer_numpy.py", R_OK) == 0
                          ? NNACT_BENCH_PEERS_DIR
                          : NNACT_BENCH_PEERS_INSTALLED;
    const char *json_path = NULL;
    int chosen[SUITE_COUNT] = {0};
    int any_chosen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--repeat") == 0 ||
                   strcmp(a, "--batch") == 0) {
            long n = v ? positive_arg(v, a[2] == 't' ? 1024 : 1000000) : -1;
            if (n < 0) {
                char msg[96];
                snprintf(msg, sizeof msg, "needs a positive integer, got '%s'", v ? v : "");
                return arg_error(a, msg);
            }
            if (a[2] == 't')
                o.threads = (int)n;
            else if (a[2] == 'r')
                o.repeat = (int)n;
            else
                o.spec_batch = (size_t)n;
            i++;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "--case") == 0 ||
                   strcmp(a, "--net") == 0 || strcmp(a, "--plot") == 0 ||
                   strcmp(a, "--peers-dir") == 0 || strcmp(a, "--python") == 0) {
            if (v == NULL || *v == '\0') return arg_error(a, "needs a value");
            i++;
            if (a[2] == 'j') {
                json_path = v;
            } else if (a[2] == 'c') {
                o.case_glob = v;
            } else if (a[2] == 'n') {
                struct netspec s;
                char err[160];
                if (netspec_parse(v, &s, err, sizeof err) != 0) {
                    char msg[256];
                    snprintf(msg, sizeof msg, "malformed network spec '%s': %s", v, err);
                    return arg_error(a, msg);
                }
                if (o.n_specs == BENCH_MAX_SPECS) return arg_error(a, "too many networks");
                o.specs[o.n_specs++] = v;
            } else if (strcmp(a, "--plot") == 0) {
                o.plot_dir = v;
            } else if (a[3] == 'e') {
                o.peers_dir = v;
            } else {
                o.python = v;
            }
        } else if (a[0] == '-') {
            return arg_error(a, "unknown option (see --help)");
        } else {
            size_t s = 0;
            while (s < SUITE_COUNT && strcmp(a, suites[s].name) != 0)
                s++;
            if (s == SUITE_COUNT) {
                char msg[160] = "unknown suite; known:";
                for (size_t k = 0; k < SUITE_COUNT; k++) {
                    strncat(msg, " ", sizeof msg - strlen(msg) - 1);
                    strncat(msg, suites[k].name, sizeof msg - strlen(msg) - 1);
                }
                return arg_error(a, msg);
            }
            chosen[s] = 1;
            any_chosen = 1;
        }
    }
    if (o.repeat == 0) o.repeat = o.quick ? 5 : 11;
    bench_init(&o);
    /* Validation pass: every selected suite walks its cases without timing
     * anything, so an unknown --case is an argument error, not an empty run. */
    int run[SUITE_COUNT];
    for (size_t s = 0; s < SUITE_COUNT; s++)
        run[s] = any_chosen ? chosen[s] : suites[s].in_default;
    if (o.case_glob != NULL) {
        o.dry = 1;
        size_t total = 0;
        for (size_t s = 0; s < SUITE_COUNT; s++) {
            if (!run[s]) continue;
            bench_matched_reset();
            (void)suites[s].run(&o);
            run[s] = bench_matched() > 0; /* a suite with no matching case is skipped */
            total += bench_matched();
        }
        o.dry = 0;
        if (total == 0)
            return arg_error("--case", "no case matches this pattern in the chosen suites");
    }
    if (nnact_blas_set_threads(o.threads) != NNACT_OK)
        return arg_error("--threads", nnact_last_error());
    if (json_path != NULL) {
        o.json = fopen(json_path, "w");
        if (o.json == NULL) {
            fprintf(stderr, "nnact-bench: --json: cannot write '%s'\n", json_path);
            return 2;
        }
        fprintf(o.json, "[");
    }
    printf("libnnact %s\nBLAS: %s\nCPU features: %s; CPUs online: %ld\n"
           "BLAS threads: %d; repetitions: %d%s; load average at start: %.2f\n",
           nnact_version_string(), nnact_blas_info(), nnact_cpu_features(),
           sysconf(_SC_NPROCESSORS_ONLN), nnact_blas_get_threads(), o.repeat,
           o.quick ? "; quick" : "", load_average());
    int rc = 0;
    for (size_t s = 0; s < SUITE_COUNT; s++)
        if (run[s]) rc |= suites[s].run(&o);
    if (o.json != NULL) {
        fprintf(o.json, "\n]\n");
        if (fclose(o.json) != 0) rc = 1;
    }
    bench_summary(&o);
    printf(
        "\nload average at end: %.2f (above the BLAS thread count, other work shared the cores)\n",
        load_average());
    if (o.plot_dir != NULL && bench_plot(&o) != 0) {
        fprintf(stderr, "nnact-bench: --plot: cannot write charts into '%s'\n", o.plot_dir);
        rc = 1;
    }
    bench_kept_free();
    if (bench_failures() > 0) {
        fprintf(stderr, "nnact-bench: %d check(s) failed\n", bench_failures());
        rc = 1;
    }
    return rc ? 1 : 0;
}
