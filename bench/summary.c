/* The closing summary: issue 7's and 14's targets against what this run measured.
 * Only cases the run actually timed appear; a target whose cases did not run
 * is left out rather than guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* at most: ratio <= bound is met; at least: ratio >= bound is met */
enum { AT_MOST, AT_LEAST };

static void line(const struct bench_record *r, const char *what, double bound, int sense,
                 int *shown)
{
    if (!*shown) {
        printf("\n== summary: issue 7 and 14 targets in this run ==\n%-46s %3s %9s %10s  %s\n",
               "target", "thr", "measured", "target", "verdict");
        *shown = 1;
    }
    double v = r->mem_formula > 0 ? r->mem_peak / r->mem_formula
               : r->paired_ratio > 0
                   ? r->paired_ratio
                   : (r->limit_median > 0 && r->median > 0 ? r->median / r->limit_median : 0);
    char target[32], verdict[48];
    snprintf(target, sizeof target, "%s %.3g", sense == AT_MOST ? "<=" : ">=", bound);
    int met = sense == AT_MOST ? v <= bound : v >= bound;
    if (met)
        snprintf(verdict, sizeof verdict, "met");
    else if (sense == AT_MOST)
        snprintf(verdict, sizeof verdict, "MISSED by %.1f%%", 100.0 * (v / bound - 1.0));
    else
        snprintf(verdict, sizeof verdict, "MISSED (%.2fx short)", bound / v);
    printf("%-46s %3d %9.3f %10s  %s\n", what, r->threads, v, target, verdict);
}

void bench_summary(const struct bench_opts *o)
{
    (void)o;
    int shown = 0;
    for (size_t i = 0; i < bench_n_kept(); i++) {
        const struct bench_record *r = &bench_kept()[i];
        char what[96];
        if (strcmp(r->suite, "train") == 0) {
            unsigned k = 0;
            char opt[8] = "";
            /* issue 14: the targets section's rows (suite_train.c) */
            if (sscanf(r->name, "target%u/%7[a-z]/t", &k, opt) == 2 && k >= 1 && k <= 3) {
                static const char *const nets[] = {"64-64-64-10 b64", "256-512-10 b128",
                                                   "784-1024-1024-10 b256"};
                static const double sgd_bound[] = {1.30, 1.10, 1.05};
                const int adam = strcmp(opt, "adam") == 0;
                snprintf(what, sizeof what, "train %s %s", nets[k - 1],
                         adam ? "Adam / SGD" : "SGD / products");
                line(r, what, adam ? 1.15 : sgd_bound[k - 1], AT_MOST, &shown);
            } else if (strcmp(r->name, "relu784/sgd") == 0)
                line(r, "train 784-1024-1024-10 SGD / products", 1.08, AT_MOST, &shown);
            else if (strcmp(r->name, "relu784/adam") == 0)
                line(r, "train 784-1024-1024-10 Adam / products", 1.15, AT_MOST, &shown);
            else if (strncmp(r->name, "relu784/", 8) == 0 && r->mem_formula > 0) {
                snprintf(what, sizeof what, "train peak RSS / formula, %s", r->name);
                /* the fixed allowance, as a ratio for this network */
                line(r, what, 1.15 + 256.0 * 1024.0 / r->mem_formula, AT_MOST, &shown);
            }
        } else if (strcmp(r->suite, "dense") == 0) {
            size_t w = 0;
            if (sscanf(r->shape, "%zu", &w) == 1 && r->batch >= 256 && w >= 512 &&
                strcmp(r->limit, "dgemm products") == 0) {
                snprintf(what, sizeof what, "dense fwd+bwd %s / products", r->name);
                line(r, what, 1.05, AT_MOST, &shown);
            }
        } else if (strcmp(r->suite, "act") == 0 && r->note != NULL &&
                   strncmp(r->note, "target <= ", 10) == 0) {
            /* issue 14, item 5: the bound is in the record's note */
            snprintf(what, sizeof what, "act %s / %s", r->name, r->limit);
            line(r, what, strtod(r->note + 10, NULL), AT_MOST, &shown);
        } else if (strcmp(r->suite, "peers") == 0 && r->limit_median > 0 && r->median > 0) {
            int torch = strstr(r->name, "/torch") != NULL,
                numpy = strstr(r->name, "/numpy") != NULL;
            int big = strncmp(r->name, "relu784/", 8) == 0;
            int tiny = strncmp(r->name, "xor/", 4) == 0 || strncmp(r->name, "id3/", 4) == 0;
            if (!(torch || numpy) || !(big || tiny)) continue;
            double bound = torch ? (big ? 2.0 : 100.0) : (big ? 1.0 : 20.0);
            snprintf(what, sizeof what, "speedup over %s, %.*s", torch ? "PyTorch" : "numpy",
                     (int)(strrchr(r->name, '/') - r->name), r->name);
            line(r, what, bound, AT_LEAST, &shown);
        }
    }
    if (shown) printf("(ratios as in the tables above; peers: peer time / libnnact time)\n");
}
