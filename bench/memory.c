/* Peak resident memory: each network is built and trained in a child
 * process, so one network's peak cannot hide another's. The child reads its
 * resident set after the bench's own buffers and OpenBLAS's work buffers are
 * in place, resets the kernel's high-water mark (clear_refs 5), builds and
 * trains the network, and reads the high-water mark again: the difference is
 * what libnnact made resident. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cblas.h>

#include "memory.h"
#include "nnact/nnact.h"
#include "ref.h"

/* kB of a /proc/self/status field, or -1 */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static int reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f == NULL) return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

struct mem_result {
    double peak;    /* bytes made resident by libnnact */
    double formula; /* nnact_net_memory_bytes */
    double steady;  /* resident after the steps, minus the baseline */
    double build;   /* peak while creating and filling the network */
    int ok;
};

static void child(const struct netspec *s, int opt, int fd)
{
    struct mem_result m = {0, 0, 0, 0, 0};
    size_t batch = s->batch, n_out = s->out[s->n_layers - 1];
    double *x = bench_alloc(batch * s->n_in), *t = bench_alloc(batch * n_out);
    double *W[SPEC_MAX_LAYERS] = {0}, *b[SPEC_MAX_LAYERS] = {0};
    size_t in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        W[l] = bench_alloc(in * s->out[l]);
        b[l] = bench_alloc(s->out[l]);
        if (W[l] == NULL || b[l] == NULL) _exit(1);
        double lim = sqrt(6.0 / (double)(in + s->out[l]));
        bench_fill(W[l], in * s->out[l], -lim, lim, 100 + l);
        in = s->out[l];
    }
    if (x == NULL || t == NULL) _exit(1);
    bench_fill(x, batch * s->n_in, -1.0, 1.0, 11);
    bench_fill(t, batch * n_out, 0.0, 1.0, 12);
    /* What is not the network's memory comes in before the baseline:
     * OpenBLAS's per-thread work buffers, paged in as products of each shape
     * first touch them (the bare products of this very network, twice), and
     * the library's code pages and malloc's arenas (a whole training run of a
     * tiny network, freed again). */
    {
        struct ref_net warm;
        if (ref_create(&warm, s, batch) != 0) _exit(1);
        for (size_t l = 0; l < s->n_layers; l++)
            ref_set_layer(&warm, l, W[l], b[l]);
        ref_products(&warm, x);
        ref_products(&warm, x);
        ref_free(&warm);
        static const double tx[8] = {0, 0, 0, 1, 1, 0, 1, 1}, tt[4] = {0, 1, 1, 0};
        for (int k = 0; k < 2; k++) {
            nnact_net *tiny = NULL;
            nnact_opt *to = NULL;
            double tl;
            if (nnact_net_create(2, &tiny) == NNACT_OK &&
                nnact_net_add_dense(tiny, 2, NNACT_ACT_RELU, NAN) == NNACT_OK &&
                nnact_net_add_dense(tiny, 1, NNACT_ACT_IDENTITY, NAN) == NNACT_OK &&
                nnact_opt_create(k ? NNACT_OPT_ADAM : NNACT_OPT_SGD, &to) == NNACT_OK)
                (void)nnact_net_train_step(tiny, to, NNACT_LOSS_HALF_SSE, 4, tx, tt, &tl);
            nnact_opt_free(to);
            nnact_net_free(tiny);
        }
    }
    long base = status_kb("VmRSS");
    if (base < 0 || reset_peak() != 0) _exit(1);
    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_status st = nnact_net_create(s->n_in, &net);
    for (size_t l = 0; st == NNACT_OK && l < s->n_layers; l++)
        st = nnact_net_add_dense(net, s->out[l], (nnact_act_kind)s->act[l], NAN);
    for (size_t l = 0; st == NNACT_OK && l < s->n_layers; l++)
        st = nnact_net_set_layer(net, l, W[l], b[l]);
    /* building may peak above what the network keeps (arrays grown as layers
     * are added): reported apart, then the high-water mark starts again */
    long build_peak = status_kb("VmHWM");
    if (build_peak < 0 || reset_peak() != 0) _exit(1);
    m.build = 1024.0 * (double)(build_peak - base);
    if (st == NNACT_OK) st = nnact_opt_create(opt == REF_ADAM ? NNACT_OPT_ADAM : NNACT_OPT_SGD, &o);
    if (st == NNACT_OK) st = nnact_opt_set(o, NNACT_OPT_PARAM_LR, opt == REF_ADAM ? 1e-4 : 1e-5);
    double loss;
    for (int k = 0; st == NNACT_OK && k < 3; k++)
        st = nnact_net_train_step(net, o, NNACT_LOSS_HALF_SSE, batch, x, t, &loss);
    size_t formula = 0;
    if (st == NNACT_OK) st = nnact_net_memory_bytes(net, batch, &formula);
    /* the network's formula covers the network; the optimizer's state is what
     * it allocates: 3 P doubles for Adam (first and second moments, and the
     * AMSGrad maximum, allocated up front so switching AMSGrad on never
     * allocates; its pages stay untouched, so not resident, while it is off)
     * and none for plain SGD */
    size_t params = 0;
    in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++)
        params += (in + 1) * s->out[l], in = s->out[l];
    if (opt == REF_ADAM) formula += 3 * params * sizeof(double);
    /* nnact_net_train_step keeps nothing of its own: the loss reads the network's
     * output and writes its gradient into the network's dZ buffer */
    long peak = status_kb("VmHWM"), now = status_kb("VmRSS");
    if (st == NNACT_OK && peak >= base) {
        m.steady = 1024.0 * (double)(now - base);
        m.peak = 1024.0 * (double)(peak - base);
        m.formula = (double)formula;
        m.ok = 1;
    }
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m) _exit(1);
    _exit(0);
}

/* The child is a fresh nnact-bench (exec of /proc/self/exe with the hidden
 * --memory-child option), not a fork: a forked child would start with the
 * parent's heap, whose free but resident chunks hide new allocations, and
 * with OpenBLAS's pool rebuilt after fork. */
static int measure(const struct netspec *s, int opt, int threads, struct mem_result *m)
{
    int fds[2];
    memset(m, 0, sizeof *m);
    char spec[256], batch[32], opt_s[8], thr[16];
    size_t used = (size_t)snprintf(spec, sizeof spec, "%zu", s->n_in);
    for (size_t l = 0; l < s->n_layers && used < sizeof spec; l++)
        used += (size_t)snprintf(spec + used, sizeof spec - used, "-%zu:%s", s->out[l],
                                 nnact_act_name((nnact_act_kind)s->act[l]));
    snprintf(batch, sizeof batch, "%zu", s->batch);
    snprintf(opt_s, sizeof opt_s, "%d", opt);
    snprintf(thr, sizeof thr, "%d", threads);
    if (pipe(fds) != 0) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        char fd_s[16];
        snprintf(fd_s, sizeof fd_s, "%d", fds[1]);
        execl("/proc/self/exe", "nnact-bench", "--memory-child", spec, batch, opt_s, thr, fd_s,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], m, sizeof *m);
    close(fds[0]);
    int wst = 0;
    waitpid(pid, &wst, 0);
    return got == (ssize_t)sizeof *m && WIFEXITED(wst) && WEXITSTATUS(wst) == 0 && m->ok ? 0 : -1;
}

int bench_memory_child(int argc, char **argv)
{
    /* argv: SPEC BATCH OPT THREADS FD */
    if (argc != 5) return 2;
    struct netspec s;
    char err[160];
    if (netspec_parse(argv[0], &s, err, sizeof err) != 0) return 2;
    s.batch = (size_t)strtoul(argv[1], NULL, 10);
    int opt = atoi(argv[2]);
    if (s.batch == 0 || nnact_blas_set_threads(atoi(argv[3])) != NNACT_OK) return 2;
    child(&s, opt, atoi(argv[4]));
    return 1; /* child() exits */
}

void bench_memory(struct bench_opts *o, const struct netspec *nets, size_t n)
{
    /* fixed overhead allowed on top of 1.15 x the formula: the handle, layer
     * descriptors, malloc's own rounding and page granularity */
    const double fixed = 256.0 * 1024.0;
    for (size_t i = 0; i < n; i++) {
        for (int opt = REF_SGD; opt <= REF_ADAM; opt++) {
            char name[64];
            snprintf(name, sizeof name, "%s/%s/memory", nets[i].name, opt ? "adam" : "sgd");
            if (!bench_want(o, "train", name)) continue;
            struct mem_result m;
            if (measure(&nets[i], opt, o->threads, &m) != 0) {
                /* a system without /proc/self/clear_refs (or a child that
                 * failed) leaves the figure out; it is not a failed check */
                struct bench_record u = {.suite = "train",
                                         .batch = nets[i].batch,
                                         .limit = "library memory formula",
                                         .note = "NOT MEASURED: the memory child failed "
                                                 "(needs /proc/self/status and clear_refs)"};
                snprintf(u.name, sizeof u.name, "%s", name);
                netspec_shape(&nets[i], u.shape, sizeof u.shape);
                bench_report(o, &u);
                continue;
            }
            struct bench_record r = {
                .suite = "train", .batch = nets[i].batch, .limit = "library memory formula"};
            snprintf(r.name, sizeof r.name, "%s", name);
            netspec_shape(&nets[i], r.shape, sizeof r.shape);
            char note[240];
            double ratio = m.formula > 0 ? m.peak / m.formula : 0;
            int within = m.peak <= 1.15 * m.formula + fixed;
            snprintf(note, sizeof note,
                     "training peak RSS %.3f MiB (after %.3f, build peak %.3f), formula %.3f MiB, "
                     "ratio %.3f (%s 1.15x + 256 KiB)",
                     m.peak / 1048576.0, m.steady / 1048576.0, m.build / 1048576.0,
                     m.formula / 1048576.0, ratio, within ? "within" : "OVER");
            r.note = note;
            r.mem_peak = m.peak;
            r.mem_formula = m.formula;
            r.extra = m.steady;
            bench_report(o, &r);
        }
    }
}
