/* nnact-bench: what libnnact does on this machine, as ratios against limits
 * measured in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli/args.h"
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
    {"limits", bench_suite_limits, 1}, {"act", bench_suite_act, 1},
    {"dense", bench_suite_dense, 1},   {"train", bench_suite_train, 1},
    {"small", bench_suite_small, 1},   {"collapse", bench_suite_collapse, 1},
    {"peers", bench_suite_peers, 1},   {"data", bench_suite_data, 1},
    {"mpi", bench_suite_mpi, 0}, /* spawns mpirun: only when named */
};
#define SUITE_COUNT (sizeof suites / sizeof suites[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: nnact-bench [OPTIONS] [SUITE...]\n"
                 "suites:");
    for (size_t i = 0; i < SUITE_COUNT; i++)
        fprintf(out, " %s", suites[i].name);
    fprintf(out, " (default: all)\n"
                 "  --suite NAME     run suite NAME (the same as naming it)\n"
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

/* --threads, --repeat, --batch: a positive integer (cli/args.h rules). */
static int count_option(const char *a, const char *v, struct bench_opts *o)
{
    size_t n = 0;
    const char *why = v ? cli_parse_size(v, 1, a[2] == 't' ? 1024 : 1000000, &n) : "is missing";
    if (why != NULL) {
        char msg[200];
        snprintf(msg, sizeof msg, "needs a positive integer: '%s' %s", cli_quote(v ? v : ""), why);
        return arg_error(a, msg);
    }
    if (a[2] == 't')
        o->threads = (int)n;
    else if (a[2] == 'r')
        o->repeat = (int)n;
    else
        o->spec_batch = n;
    return 0;
}

/* --net SPEC: checked now, kept in the spelling the peers read. */
static int net_option(const char *a, const char *v, struct bench_opts *o)
{
    static char texts[BENCH_MAX_SPECS][SPEC_MAX_LAYERS * 40 + 16];
    struct netspec s;
    char err[400];
    if (netspec_parse(v, &s, err, sizeof err) != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "malformed network spec '%s': %s", v, err);
        return arg_error(a, msg);
    }
    if (o->n_specs == BENCH_MAX_SPECS) return arg_error(a, "too many networks");
    netspec_text(&s, texts[o->n_specs], sizeof texts[o->n_specs]);
    o->specs[o->n_specs] = texts[o->n_specs];
    o->n_specs++;
    return 0;
}

/* The options that take a text value. */
static int text_option(const char *a, const char *v, struct bench_opts *o, const char **json_path)
{
    if (v == NULL || *v == '\0') return arg_error(a, "needs a value");
    if (strcmp(a, "--json") == 0)
        *json_path = v;
    else if (strcmp(a, "--case") == 0)
        o->case_glob = v;
    else if (strcmp(a, "--net") == 0)
        return net_option(a, v, o);
    else if (strcmp(a, "--plot") == 0)
        o->plot_dir = v;
    else if (strcmp(a, "--peers-dir") == 0)
        o->peers_dir = v;
    else
        o->python = v;
    return 0;
}

/* A suite name: marks it chosen, or an error listing the known ones. */
static int suite_arg(const char *a, int *chosen)
{
    size_t s = 0;
    while (s < SUITE_COUNT && strcmp(a, suites[s].name) != 0)
        s++;
    if (s == SUITE_COUNT) {
        fprintf(stderr, "nnact-bench: unknown suite '%s' (suites:", cli_quote(a));
        for (size_t k = 0; k < SUITE_COUNT; k++)
            fprintf(stderr, "%s %s", k ? "," : "", suites[k].name);
        fprintf(stderr, ")\n");
        return 2;
    }
    chosen[s] = 1;
    return 0;
}

static void default_opts(struct bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->threads = nnact_blas_get_threads();
    o->spec_batch = 64;
    o->python = "/usr/bin/python3";
    /* the source tree's peers when run from a build tree, else the installed ones */
    o->peers_dir = getenv("NNACT_BENCH_PEERS_DIR");
    if (o->peers_dir == NULL)
        o->peers_dir = access(NNACT_BENCH_PEERS_DIR "/peer_numpy.py", R_OK) == 0
                           ? NNACT_BENCH_PEERS_DIR
                           : NNACT_BENCH_PEERS_INSTALLED;
}

/* The command line into o, the suites to run into run[]. Returns 0, 2 on a
 * bad argument, or -1 after --help. */
static int parse_args(int argc, char **argv, struct bench_opts *o, const char **json_path, int *run)
{
    int chosen[SUITE_COUNT] = {0}, any_chosen = 0, rc = 0;
    default_opts(o);
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return -1;
        } else if (strcmp(a, "--quick") == 0) {
            o->quick = 1;
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--repeat") == 0 ||
                   strcmp(a, "--batch") == 0) {
            rc = count_option(a, v, o);
            i++;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "--case") == 0 ||
                   strcmp(a, "--net") == 0 || strcmp(a, "--plot") == 0 ||
                   strcmp(a, "--peers-dir") == 0 || strcmp(a, "--python") == 0) {
            rc = text_option(a, v, o, json_path);
            i++;
        } else if (strcmp(a, "--suite") == 0) { /* the spelling users try for SUITE */
            if (v == NULL) return arg_error(a, "needs a value");
            rc = suite_arg(v, chosen);
            any_chosen = 1;
            i++;
        } else if (a[0] == '-') {
            return arg_error(cli_quote(a), "unknown option (see 'nnact-bench --help')");
        } else {
            rc = suite_arg(a, chosen);
            any_chosen = 1;
        }
    }
    if (o->repeat == 0) o->repeat = o->quick ? 5 : 11;
    for (size_t s = 0; s < SUITE_COUNT; s++)
        run[s] = any_chosen ? chosen[s] : suites[s].in_default;
    return rc;
}

/* Validation pass: every selected suite walks its cases without timing
 * anything, so an unknown --case is an argument error, not an empty run. */
static int validate_cases(struct bench_opts *o, int *run)
{
    if (o->case_glob == NULL) return 0;
    o->dry = 1;
    size_t total = 0;
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        if (!run[s]) continue;
        bench_matched_reset();
        (void)suites[s].run(o);
        run[s] = bench_matched() > 0; /* a suite with no matching case is skipped */
        total += bench_matched();
    }
    o->dry = 0;
    if (total == 0) return arg_error("--case", "no case matches this pattern in the chosen suites");
    return 0;
}

/* The chosen suites, the summary and the charts; 0 or 1. */
static int run_suites(struct bench_opts *o, const int *run)
{
    printf("libnnact %s\nBLAS: %s\nCPU features: %s; CPUs online: %ld\n"
           "BLAS threads: %d; repetitions: %d%s; load average at start: %.2f\n",
           nnact_version_string(), nnact_blas_info(), nnact_cpu_features(),
           sysconf(_SC_NPROCESSORS_ONLN), nnact_blas_get_threads(), o->repeat,
           o->quick ? "; quick" : "", load_average());
    int rc = 0;
    for (size_t s = 0; s < SUITE_COUNT; s++)
        if (run[s]) rc |= suites[s].run(o);
    if (o->json != NULL) {
        fprintf(o->json, "\n]\n");
        if (fclose(o->json) != 0) rc = 1;
    }
    bench_summary(o);
    printf(
        "\nload average at end: %.2f (above the BLAS thread count, other work shared the cores)\n",
        load_average());
    if (o->plot_dir != NULL && bench_plot(o) != 0) {
        fprintf(stderr, "nnact-bench: --plot: cannot write charts into '%s'\n", o->plot_dir);
        rc = 1;
    }
    bench_kept_free();
    if (bench_failures() > 0) {
        fprintf(stderr, "nnact-bench: %d check(s) failed\n", bench_failures());
        rc = 1;
    }
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--memory-child") == 0)
        return bench_memory_child(argc - 2, argv + 2);
    struct bench_opts o;
    const char *json_path = NULL;
    int run[SUITE_COUNT];
    int rc = parse_args(argc, argv, &o, &json_path, run);
    if (rc != 0) return rc < 0 ? 0 : rc;
    bench_init(&o);
    if ((rc = validate_cases(&o, run)) != 0) return rc;
    if (nnact_blas_set_threads(o.threads) != NNACT_OK)
        return arg_error("--threads", cli_library_reason());
    if (json_path != NULL) {
        o.json = fopen(json_path, "w");
        if (o.json == NULL) {
            fprintf(stderr, "nnact-bench: --json: cannot write '%s'\n", json_path);
            return 2;
        }
        fprintf(o.json, "[");
    }
    return run_suites(&o, run);
}
