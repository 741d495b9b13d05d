/* --plot DIR: SVG charts of the kept records. Hand-written SVG (no
 * dependency): dense scaling with batch and width, thread speedup, and the
 * peer comparison. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

#define W  760
#define H  540
#define ML 70
#define MR 170
#define MT 40
#define MB 130

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                     "#9467bd", "#8c564b", "#e377c2", "#17becf"};

static FILE *open_svg(const struct bench_opts *o, const char *file, const char *title)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", o->plot_dir, file);
    FILE *f = fopen(path, "w");
    if (f == NULL) return NULL;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
            "fill=\"white\"/>\n<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n",
            W, H, ML, title);
    return f;
}

static int close_svg(FILE *f)
{
    fprintf(f, "</svg>\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* log-scale axis mapping */
static double lx(double v, double lo, double hi)
{
    return ML + (W - ML - MR) * (log(v) - log(lo)) / (log(hi) - log(lo));
}
static double ly(double v, double lo, double hi)
{
    return H - MB - (H - MT - MB) * (log(v) - log(lo)) / (log(hi) - log(lo));
}

static void log_axes(FILE *f, double xlo, double xhi, double ylo, double yhi, const char *xl,
                     const char *yl)
{
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
            ML, MT, W - ML - MR, H - MT - MB);
    for (double d = pow(10, floor(log10(xlo))); d <= xhi * 1.0001; d *= 10)
        if (d >= xlo * 0.9999)
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                    lx(d, xlo, xhi), MT, lx(d, xlo, xhi), H - MB, lx(d, xlo, xhi), H - MB + 16, d);
    for (double d = pow(10, floor(log10(ylo))); d <= yhi * 1.0001; d *= 10)
        if (d >= ylo * 0.9999)
            fprintf(f,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                    ML, ly(d, ylo, yhi), W - MR, ly(d, ylo, yhi), ML - 4, ly(d, ylo, yhi) + 4, d);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", (ML + W - MR) / 2,
            H - 12, xl);
    fprintf(f,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
            "text-anchor=\"middle\">%s</text>\n",
            (MT + H - MB) / 2, (MT + H - MB) / 2, yl);
}

/* Dense: GFLOP/s against batch, one line per width (solid libnnact, dashed
 * the bare products). */
static int plot_dense(const struct bench_opts *o)
{
    size_t widths[16], nw = 0;
    double rmax = 0, rmin = HUGE_VAL;
    for (size_t i = 0; i < bench_n_kept(); i++) {
        const struct bench_record *r = &bench_kept()[i];
        if (strcmp(r->suite, "dense") != 0 || r->threads != o->threads || r->median <= 0) continue;
        size_t w = 0;
        sscanf(r->shape, "%zu", &w);
        size_t k = 0;
        while (k < nw && widths[k] != w)
            k++;
        if (k == nw && nw < 16) widths[nw++] = w;
        rmax = fmax(rmax, r->work / fmin(r->median, r->limit_median) * 1e-9);
        rmin = fmin(rmin, r->work / fmax(r->median, r->limit_median) * 1e-9);
    }
    if (nw == 0) return 0;
    FILE *f = open_svg(o, "dense_scaling.svg",
                       "dense layer forward+backward: GFLOP/s vs batch (dashed: bare dgemm)");
    if (f == NULL) return -1;
    double xlo = 1, xhi = 4096, ylo = pow(10, floor(log10(fmax(rmin, 1e-3)))),
           yhi = pow(10, ceil(log10(fmax(rmax, 1))));
    log_axes(f, xlo, xhi, ylo, yhi, "batch", "GFLOP/s");
    for (size_t k = 0; k < nw; k++) {
        const char *col = colors[k % 8];
        for (int dashed = 0; dashed < 2; dashed++) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", col,
                    dashed ? " stroke-dasharray=\"5,4\"" : "");
            for (size_t i = 0; i < bench_n_kept(); i++) {
                const struct bench_record *r = &bench_kept()[i];
                size_t w = 0;
                if (strcmp(r->suite, "dense") != 0 || r->threads != o->threads || r->median <= 0)
                    continue;
                sscanf(r->shape, "%zu", &w);
                if (w != widths[k] || strstr(r->name, "/t1") != NULL) continue;
                double t = dashed ? r->limit_median : r->median;
                double rate = fmax(r->work / t * 1e-9, ylo);
                fprintf(f, "%.1f,%.1f ", lx((double)r->batch, xlo, xhi), ly(rate, ylo, yhi));
            }
            fprintf(f, "\"/>\n");
            for (size_t i = 0; i < bench_n_kept() && !dashed; i++) { /* markers: lone points show */
                const struct bench_record *r = &bench_kept()[i];
                size_t w = 0;
                if (strcmp(r->suite, "dense") != 0 || r->threads != o->threads || r->median <= 0)
                    continue;
                sscanf(r->shape, "%zu", &w);
                if (w != widths[k] || strstr(r->name, "/t1") != NULL) continue;
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        lx((double)r->batch, xlo, xhi),
                        ly(fmax(r->work / r->median * 1e-9, ylo), ylo, yhi), col);
            }
        }
        fprintf(f, "<text x=\"%d\" y=\"%zu\" fill=\"%s\">width %zu</text>\n", W - MR + 10,
                (size_t)MT + 16 * k + 12, col, widths[k]);
    }
    return close_svg(f);
}

/* Bars: a list of (label, value) with a linear or log scale. */
static int plot_bars(const struct bench_opts *o, const char *file, const char *title,
                     const char *yl, char labels[][64], const double *v, const int *group, size_t n,
                     const char *const *group_names, size_t n_groups, int logscale)
{
    if (n == 0) return 0;
    FILE *f = open_svg(o, file, title);
    if (f == NULL) return -1;
    double vmax = 0;
    for (size_t i = 0; i < n; i++)
        vmax = fmax(vmax, v[i]);
    double bw = (double)(W - ML - MR) / (double)n;
    /* log scale: bars from 1 (no speedup) up, ticks at powers of ten */
    double lmax = logscale ? fmax(1.0, ceil(log10(fmax(vmax, 1.0)))) : 0;
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
            ML, MT, W - ML - MR, H - MT - MB);
    int ticks = logscale ? (int)lmax : 4;
    for (int t = 0; t <= ticks; t++) {
        double val = logscale ? pow(10, t) : vmax * t / 4;
        double y = H - MB - (H - MT - MB) * (double)t / ticks;
        fprintf(f,
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>"
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                ML - 4, y + 4, val, ML, y, W - MR, y);
    }
    for (size_t i = 0; i < n; i++) {
        double h = logscale ? (H - MT - MB) * fmax(log10(fmax(v[i], 1.0)), 0.0) / lmax
                            : (vmax > 0 ? (H - MT - MB) * v[i] / vmax : 0);
        double x = ML + bw * (double)i;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%.3g</text>\n",
                x + bw * 0.1, H - MB - h, bw * 0.8, h, colors[group[i] % 8], x + bw / 2,
                H - MB - h - 3, v[i]);
        fprintf(f,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
                "transform=\"rotate(-35 %.1f %d)\">%s</text>\n",
                x + bw / 2, H - MB + 12, x + bw / 2, H - MB + 12, labels[i]);
    }
    for (size_t g = 0; g < n_groups; g++)
        fprintf(f,
                "<rect x=\"%d\" y=\"%zu\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%zu\">%s</text>\n",
                W - MR + 10, (size_t)MT + 16 * g, colors[g % 8], W - MR + 24,
                (size_t)MT + 16 * g + 10, group_names[g]);
    fprintf(f,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
            "text-anchor=\"middle\">%s</text>\n",
            (MT + H - MB) / 2, (MT + H - MB) / 2, yl);
    return close_svg(f);
}

/* Speedup from 1 thread to the run's threads, for every case timed both ways. */
static int plot_threads(const struct bench_opts *o)
{
    enum { MAXB = 32 };
    char labels[MAXB][64];
    double v[MAXB];
    int g[MAXB];
    size_t n = 0;
    for (size_t i = 0; i < bench_n_kept() && n < MAXB; i++) {
        const struct bench_record *a = &bench_kept()[i];
        if (a->threads != 1 || o->threads == 1 || a->median <= 0) continue;
        for (size_t j = 0; j < bench_n_kept(); j++) {
            const struct bench_record *b = &bench_kept()[j];
            char base[64];
            snprintf(base, sizeof base, "%s", a->name);
            char *t1 = strstr(base, "/t1");
            if (t1 != NULL) *t1 = '\0';
            if (b->threads == o->threads && strcmp(b->suite, a->suite) == 0 &&
                strcmp(b->name, base) == 0 && b->median > 0) {
                snprintf(labels[n], sizeof labels[n], "%s/%s", a->suite, base);
                v[n] = a->median / b->median;
                g[n] = 0;
                n++;
                break;
            }
        }
    }
    static const char *const names[] = {"speedup 1 -> N threads"};
    char title[128];
    snprintf(title, sizeof title, "speedup from 1 to %d threads (time at 1 / time at %d)",
             o->threads, o->threads);
    return plot_bars(o, "threads.svg", title, "speedup", labels, v, g, n, names, 1, 0);
}

/* Peer comparison: libnnact's speedup over numpy and PyTorch, per case. */
static int plot_peers(const struct bench_opts *o)
{
    enum { MAXB = 48 };
    char labels[MAXB][64];
    double v[MAXB];
    int g[MAXB];
    size_t n = 0;
    static const char *const names[] = {"over numpy", "over PyTorch"};
    for (size_t i = 0; i < bench_n_kept() && n < MAXB; i++) {
        const struct bench_record *r = &bench_kept()[i];
        if (strcmp(r->suite, "peers") != 0 || r->limit_median <= 0 || r->median <= 0) continue;
        int torch = strstr(r->name, "/torch") != NULL;
        snprintf(labels[n], sizeof labels[n], "%s", r->name);
        v[n] = r->median / r->limit_median;
        g[n] = torch;
        n++;
    }
    return plot_bars(o, "peers.svg", "libnnact speedup over the peers (peer time / libnnact time)",
                     "speedup (x, log scale)", labels, v, g, n, names, 2, 1);
}

/* Train steps: time relative to the bare products, libnnact and the floor. */
static int plot_train(const struct bench_opts *o)
{
    enum { MAXB = 48 };
    char labels[MAXB][64];
    double v[MAXB];
    int g[MAXB];
    size_t n = 0;
    static const char *const names[] = {"libnnact", "plain-C floor"};
    for (size_t i = 0; i < bench_n_kept() && n < MAXB; i++) {
        const struct bench_record *r = &bench_kept()[i];
        if (strcmp(r->suite, "train") != 0 || r->limit_median <= 0 || r->median <= 0 ||
            r->threads != o->threads)
            continue;
        snprintf(labels[n], sizeof labels[n], "%s", r->name);
        v[n] = r->median / r->limit_median;
        g[n] = strstr(r->name, "/floor") != NULL;
        n++;
    }
    return plot_bars(o, "train_ratio.svg",
                     "train step time / bare dgemm time of its products (1 = at the limit)",
                     "ratio", labels, v, g, n, names, 2, 0);
}

int bench_plot(const struct bench_opts *o)
{
    if (mkdir(o->plot_dir, 0777) != 0 && errno != EEXIST) return -1;
    int rc = 0;
    rc |= plot_dense(o);
    rc |= plot_threads(o);
    rc |= plot_peers(o);
    rc |= plot_train(o);
    if (rc == 0)
        printf("\ncharts written to %s/ (dense_scaling, threads, peers, train_ratio .svg)\n",
               o->plot_dir);
    return rc;
}
