/* peers: the train cases run by numpy (hand-written backprop) and PyTorch
 * (nn.Sequential + torch.optim), float64, same thread count, through the
 * scripts in bench/peers; libnnact timed on the same case in the same run.
 * ratio = peer time / libnnact time, i.e. libnnact's speedup. A peer that is
 * missing or fails is reported as MISSING, never as a number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nnact/nnact.h"
#include "train.h"

size_t bench_train_nets(const struct bench_opts *o, struct netspec *out, size_t max);

#define MAX_CASES (2 * (4 + BENCH_MAX_SPECS))

struct peer_result {
    char status[160]; /* "" = timed; else why not */
    double median, min, max;
};

/* Value of "key": in a one-line JSON object: a string copied to out, or a
 * number parsed into *num. 0 when found. */
static int json_get(const char *line, const char *key, char *out, size_t len, double *num)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(line, pat);
    if (p == NULL) return -1;
    p += strlen(pat);
    if (*p == '"') {
        size_t n = 0;
        for (p++; *p && *p != '"' && n + 1 < len; p++) {
            if (*p == '\\' && p[1]) p++;
            out[n++] = *p;
        }
        if (len) out[n] = '\0';
        return 0;
    }
    if (num == NULL) return -1;
    char *end;
    *num = strtod(p, &end);
    return end == p ? -1 : 0;
}

static void shell_quote(char *dst, size_t len, const char *s)
{
    size_t n = 0;
    if (n + 1 < len) dst[n++] = '\'';
    for (; *s && n + 5 < len; s++) {
        if (*s == '\'') {
            memcpy(dst + n, "'\\''", 4);
            n += 4;
        } else {
            dst[n++] = *s;
        }
    }
    if (n + 1 < len) dst[n++] = '\'';
    dst[n] = '\0';
}

/* Runs one peer over the wanted cases; fills res[i] for names[i]. Returns 0
 * when the peer answered (its header line came), -1 when it is missing. */
static int run_peer(const struct bench_opts *o, const char *peer, char names[][64], size_t n,
                    struct peer_result *res, char *about, size_t about_len)
{
    for (size_t i = 0; i < n; i++)
        snprintf(res[i].status, sizeof res[i].status, "MISSING: %s gave no result", peer);
    char script[1024], q_py[1100], q_script[1100], cmd[8192];
    snprintf(script, sizeof script, "%s/peer_%s.py", o->peers_dir, peer);
    if (access(script, R_OK) != 0 || access(o->python, X_OK) != 0) {
        snprintf(about, about_len, "MISSING (%s or %s not found)", script, o->python);
        return -1;
    }
    shell_quote(q_py, sizeof q_py, o->python);
    shell_quote(q_script, sizeof q_script, script);
    size_t used = (size_t)snprintf(cmd, sizeof cmd, "%s %s --threads %d --repeat %d", q_py,
                                   q_script, o->threads, o->repeat);
    for (int i = 0; i < o->n_specs && used < sizeof cmd; i++) {
        char q[512];
        shell_quote(q, sizeof q, o->specs[i]);
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, " --net %s", q);
    }
    if (o->n_specs && used < sizeof cmd)
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, " --batch %zu", o->spec_batch);
    for (size_t i = 0; i < n && used < sizeof cmd; i++)
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, " --case %s", names[i]);
    if (used < sizeof cmd) snprintf(cmd + used, sizeof cmd - used, " 2>/dev/null");
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        snprintf(about, about_len, "MISSING (cannot start %s)", o->python);
        return -1;
    }
    char line[4096];
    int have_header = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        char s[256];
        if (!have_header) {
            if (json_get(line, "peer", s, sizeof s, NULL) != 0) continue;
            char ver[64] = "?", blas[128] = "?";
            (void)json_get(line, "version", ver, sizeof ver, NULL);
            (void)json_get(line, "blas", blas, sizeof blas, NULL);
            snprintf(about, about_len, "found: %s %s, BLAS %s", s, ver, blas);
            have_header = 1;
            continue;
        }
        if (json_get(line, "case", s, sizeof s, NULL) != 0) continue;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(s, names[i]) != 0) continue;
            char err[140];
            if (json_get(line, "error", err, sizeof err, NULL) == 0) {
                snprintf(res[i].status, sizeof res[i].status, "MISSING: %s failed: %s", peer, err);
            } else if (json_get(line, "median_s", NULL, 0, &res[i].median) == 0 &&
                       res[i].median > 0) {
                (void)json_get(line, "min_s", NULL, 0, &res[i].min);
                (void)json_get(line, "max_s", NULL, 0, &res[i].max);
                res[i].status[0] = '\0';
            }
        }
    }
    int wst = pclose(p), rc = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    if (!have_header) {
        snprintf(about, about_len, "MISSING (%s could not run %s, exit %d)", o->python, script, rc);
        return -1;
    }
    return 0;
}

/* One network's cases: libnnact timed, then the two peers, then libnnact
 * again, and the mean of libnnact's two medians kept, so a change of machine
 * load during the peers' run falls on both sides. (bench/compare goes
 * further: rounds of all three, medians over rounds.) */
static void peers_group(struct bench_opts *o, char names[][64],
                        const struct netspec *const *spec_of, const int *opt_of, size_t n,
                        int first)
{
    static const char *const peers[2] = {"numpy", "torch"};
    double before[2];
    for (size_t i = 0; i < n; i++) {
        struct train_case c;
        before[i] = 0.0;
        char why[200];
        if (train_case_setup(&c, spec_of[i], spec_of[i]->batch, opt_of[i]) != 0) {
            bench_fail(o, "peers", names[i], "setup failed");
            before[i] = -1.0;
            continue;
        }
        if (train_case_check(&c, why, sizeof why) != 0) { /* checked once, before any timing */
            bench_fail(o, "peers", names[i], why);
            before[i] = -1.0;
        } else {
            double mn, mx;
            size_t allocs;
            train_time_lib(&c, o->repeat, &before[i], &mn, &mx, &allocs);
        }
        train_case_free(&c);
    }
    struct peer_result res[2][2];
    char about[2][256];
    int absent[2];
    for (int p = 0; p < 2; p++) {
        /* a peer that does not start at all (not installed) is said once here;
           its rows stay out of the table and in the JSON, marked MISSING */
        absent[p] = run_peer(o, peers[p], names, n, res[p], about[p], sizeof about[p]) != 0;
        if (first && absent[p])
            printf("peer %-6s %s: its rows are left out below (kept in --json); "
                   "'apt-get install python3-%s' adds it\n",
                   peers[p], about[p], peers[p]);
        else if (first)
            printf("peer %-6s %s\n", peers[p], about[p]);
    }
    if (first)
        printf("(ratio = peer time / libnnact time = libnnact's speedup over the peer; libnnact's\n"
               " median is the mean of its medians just before and just after the peers ran)\n");
    for (size_t i = 0; i < n; i++) {
        struct train_case c;
        if (before[i] < 0.0 || train_case_setup(&c, spec_of[i], spec_of[i]->batch, opt_of[i]) != 0)
            continue;
        struct bench_record r = {.suite = "peers", .batch = c.batch};
        netspec_shape(&c.spec, r.shape, sizeof r.shape);
        size_t allocs;
        train_time_lib(&c, o->repeat, &r.median, &r.min, &r.max, &allocs);
        if (before[i] > 0) r.median = 0.5 * (r.median + before[i]);
        double lib = r.median;
        snprintf(r.name, sizeof r.name, "%s/libnnact", names[i]);
        r.limit = "-";
        bench_report(o, &r);
        for (int p = 0; p < 2; p++) {
            struct bench_record q = r;
            snprintf(q.name, sizeof q.name, "%s/%s", names[i], peers[p]);
            q.limit = "libnnact same case (ratio = speedup)";
            q.json_only = absent[p];
            if (res[p][i].status[0] != '\0') {
                q.median = q.min = q.max = 0.0;
                q.limit_median = 0.0;
                q.note = res[p][i].status;
            } else {
                q.median = res[p][i].median;
                q.min = res[p][i].min;
                q.max = res[p][i].max;
                q.limit_median = lib;
            }
            bench_report(o, &q);
        }
        train_case_free(&c);
    }
}

int bench_suite_peers(struct bench_opts *o)
{
    struct netspec nets[4 + BENCH_MAX_SPECS];
    size_t n_nets = bench_train_nets(o, nets, sizeof nets / sizeof nets[0]);
    char names[MAX_CASES][64];
    const struct netspec *spec_of[MAX_CASES];
    int opt_of[MAX_CASES];
    size_t n = 0;
    for (size_t i = 0; i < n_nets; i++)
        for (int opt = REF_SGD; opt <= REF_ADAM; opt++) {
            snprintf(names[n], sizeof names[n], "%s/%s", nets[i].name, train_opt_name(opt));
            if (bench_want(o, "peers", names[n])) {
                spec_of[n] = &nets[i];
                opt_of[n] = opt;
                n++;
            }
        }
    bench_header("peers");
    if (n == 0) return 0;
    /* per network: at most two cases (SGD, Adam) share one peer run */
    for (size_t g0 = 0; g0 < n;) {
        size_t g1 = g0 + 1;
        while (g1 < n && spec_of[g1] == spec_of[g0] && g1 - g0 < 2)
            g1++;
        peers_group(o, names + g0, spec_of + g0, opt_of + g0, g1 - g0, g0 == 0);
        g0 = g1;
    }
    return 0;
}
