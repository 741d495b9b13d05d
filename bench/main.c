/* nnact-bench: what libnnact does on this machine, as ratios against limits
 * measured in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "nnact/nnact.h"

struct suite {
    const char *name;
    int (*run)(struct bench_opts *o);
};

static const struct suite suites[] = {
    {"limits", bench_suite_limits},
    {"act", bench_suite_act},
};
static const size_t suite_count = sizeof suites / sizeof suites[0];

static void usage(FILE *out)
{
    fprintf(out, "usage: nnact-bench [--quick] [--threads N] [--repeat N] [--json FILE] [SUITE...]\n"
                 "suites:");
    for (size_t i = 0; i < suite_count; i++)
        fprintf(out, " %s", suites[i].name);
    fprintf(out, " (default: all)\n");
}

/* A positive integer argument, or -1. */
static int positive_arg(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return (end != s && *end == '\0' && v > 0 && v < 1000000) ? (int)v : -1;
}

int main(int argc, char **argv)
{
    struct bench_opts o = {.quick = 0, .threads = nnact_blas_get_threads(), .repeat = 0};
    const char *json_path = NULL;
    int chosen[sizeof suites / sizeof suites[0]] = {0};
    int any_chosen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--repeat") == 0) {
            int v = i + 1 < argc ? positive_arg(argv[i + 1]) : -1;
            if (v < 0) {
                fprintf(stderr, "nnact-bench: %s needs a positive integer\n", a);
                return 2;
            }
            if (a[2] == 't')
                o.threads = v;
            else
                o.repeat = v;
            i++;
        } else if (strcmp(a, "--json") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "nnact-bench: --json needs a file name\n");
                return 2;
            }
            json_path = argv[++i];
        } else {
            size_t s = 0;
            while (s < suite_count && strcmp(a, suites[s].name) != 0)
                s++;
            if (s == suite_count) {
                fprintf(stderr, "nnact-bench: unknown suite or option '%s'\n", a);
                return 2;
            }
            chosen[s] = 1;
            any_chosen = 1;
        }
    }
    if (o.repeat == 0)
        o.repeat = o.quick ? 5 : 11;
    if (nnact_blas_set_threads(o.threads) != NNACT_OK) {
        fprintf(stderr, "nnact-bench: %s\n", nnact_last_error());
        return 2;
    }
    if (json_path != NULL) {
        o.json = fopen(json_path, "w");
        if (o.json == NULL) {
            fprintf(stderr, "nnact-bench: cannot write '%s'\n", json_path);
            return 1;
        }
        fprintf(o.json, "[");
    }
    printf("libnnact %s, BLAS: %s\nCPU features: %s; BLAS threads: %d; repetitions: %d\n",
           nnact_version_string(), nnact_blas_info(), nnact_cpu_features(),
           nnact_blas_get_threads(), o.repeat);
    int rc = 0;
    for (size_t s = 0; s < suite_count; s++)
        if (!any_chosen || chosen[s])
            rc |= suites[s].run(&o);
    if (o.json != NULL) {
        fprintf(o.json, "\n]\n");
        if (fclose(o.json) != 0)
            rc = 1;
    }
    return rc;
}
