/* nnact plot: an SVG of an activation and its derivative, drawn with the
 * library's own forward and derivative calls. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "nnact/nnact.h"

enum {
    PLOT_POINTS = 801,
    PLOT_W = 640,
    PLOT_H = 400,
    MARGIN_L = 56,
    MARGIN_R = 20,
    MARGIN_T = 36,
    MARGIN_B = 40
};

void cli_plot_help(FILE *out)
{
    fprintf(out, "usage: nnact plot KIND [--from A] [--to B] [--alpha A] [-o FILE]\n\n"
                 "Writes an SVG of activation KIND (a name or alias, e.g. gelu, swish) and its\n"
                 "derivative over [A, B] (default [-6, 6]) to FILE, or to standard output.\n"
                 "--alpha sets the kind's parameter (leaky slope, ELU alpha, softplus beta,\n"
                 "shrink lambda); without it the default is used.\n");
}

/* A "nice" grid step (1, 2 or 5 times a power of ten) giving about 8 lines. */
static double grid_step(double span)
{
    double raw = span / 8.0, p = pow(10.0, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

/* Grid lines first, first + step, ... up to hi, counted by index and never by
 * accumulation: over a range a few ulps wide, t += step would not advance.
 * At most 20 (a nice step gives about 8). */
static int grid_lines(double first, double hi, double step)
{
    double n = floor((hi - first) / step + 1e-9) + 1;
    return n >= 1 && n <= 20 ? (int)n : n > 20 ? 20 : 0;
}

struct frame {
    double x0, x1, y0, y1;
};

static double px(const struct frame *f, double x)
{
    return MARGIN_L + (x - f->x0) / (f->x1 - f->x0) * (PLOT_W - MARGIN_L - MARGIN_R);
}

static double py(const struct frame *f, double y)
{
    return MARGIN_T + (f->y1 - y) / (f->y1 - f->y0) * (PLOT_H - MARGIN_T - MARGIN_B);
}

/* One polyline per finite run of points; points outside the frame are
 * clamped just beyond it so steep curves leave the picture cleanly. */
static void curve(FILE *out, const struct frame *f, const double *x, const double *y, size_t n,
                  const char *style)
{
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) {
            if (open) fprintf(out, "\"/>\n");
            open = 0;
            continue;
        }
        double yy = fmin(fmax(y[i], f->y0 - (f->y1 - f->y0)), f->y1 + (f->y1 - f->y0));
        if (!open) fprintf(out, "<polyline fill=\"none\" %s points=\"", style);
        fprintf(out, "%.2f,%.2f ", px(f, x[i]), py(f, yy));
        open = 1;
    }
    if (open) fprintf(out, "\"/>\n");
}

static void write_svg(FILE *out, nnact_act_kind k, double alpha, double a, double b,
                      const double *x, const double *y, const double *d, size_t n)
{
    struct frame f = {a, b, INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        if (isfinite(y[i])) f.y0 = fmin(f.y0, y[i]), f.y1 = fmax(f.y1, y[i]);
        if (isfinite(d[i])) f.y0 = fmin(f.y0, d[i]), f.y1 = fmax(f.y1, d[i]);
    }
    if (!(f.y0 <= f.y1)) f.y0 = -1, f.y1 = 1;
    /* values near DBL_MAX: a frame whose span or padding overflows would put
       NaN into every coordinate; the curves are clamped to the frame anyway */
    f.y0 = fmax(f.y0, -0x1p1020), f.y1 = fmin(f.y1, 0x1p1020);
    double pad = 0.06 * (f.y1 - f.y0 > 0 ? f.y1 - f.y0 : 1.0);
    f.y0 -= pad, f.y1 += pad;

    const char *name = nnact_act_name(k), *param = nnact_act_param_name(k);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
            PLOT_W, PLOT_H, PLOT_W, PLOT_H);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    if (param != NULL) {
        double used = alpha;
        if (isnan(used)) nnact_act_property(k, NAN, NNACT_ACT_PROP_PARAM_DEFAULT, &used);
        fprintf(out, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s (%s = %g)</text>\n", MARGIN_L,
                name, param, used);
    } else {
        fprintf(out, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n", MARGIN_L, name);
    }
    /* grid and tick labels */
    double sx = grid_step(f.x1 - f.x0), sy = grid_step(f.y1 - f.y0);
    const double gx = ceil(f.x0 / sx) * sx, gy = ceil(f.y0 / sy) * sy;
    const int nx = grid_lines(gx, f.x1, sx), ny = grid_lines(gy, f.y1, sy);
    for (int i = 0; i < nx; i++) {
        double t = gx + i * sx, v = fabs(t) < 1e-9 * sx ? 0.0 : t;
        fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#e4e4e4\"/>\n",
                px(&f, v), MARGIN_T, px(&f, v), PLOT_H - MARGIN_B);
        fprintf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", px(&f, v),
                PLOT_H - MARGIN_B + 16, v);
    }
    for (int i = 0; i < ny; i++) {
        double t = gy + i * sy, v = fabs(t) < 1e-9 * sy ? 0.0 : t;
        fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#e4e4e4\"/>\n",
                MARGIN_L, py(&f, v), PLOT_W - MARGIN_R, py(&f, v));
        fprintf(out, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%g</text>\n", MARGIN_L - 6,
                py(&f, v) + 4, v);
    }
    /* axes through the origin when it is in view */
    if (f.y0 < 0 && f.y1 > 0)
        fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#888\"/>\n",
                MARGIN_L, py(&f, 0), PLOT_W - MARGIN_R, py(&f, 0));
    if (f.x0 < 0 && f.x1 > 0)
        fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#888\"/>\n",
                px(&f, 0), MARGIN_T, px(&f, 0), PLOT_H - MARGIN_B);
    fprintf(out,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
            MARGIN_L, MARGIN_T, PLOT_W - MARGIN_L - MARGIN_R, PLOT_H - MARGIN_T - MARGIN_B);
    curve(out, &f, x, d, n, "stroke=\"#e07b00\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
    curve(out, &f, x, y, n, "stroke=\"#1f5fbf\" stroke-width=\"2.5\"");
    /* legend */
    int lx = MARGIN_L + 8, ly = MARGIN_T + 14;
    fprintf(
        out,
        "<rect x=\"%d\" y=\"%d\" width=\"142\" height=\"40\" fill=\"white\" stroke=\"#ccc\"/>\n",
        lx, ly - 10);
    fprintf(
        out,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f5fbf\" stroke-width=\"2.5\"/>"
        "<text x=\"%d\" y=\"%d\">f(x)</text>\n",
        lx + 8, ly + 2, lx + 38, ly + 2, lx + 46, ly + 6);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e07b00\" stroke-width=\"2\" "
            "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">f'(x)</text>\n",
            lx + 8, ly + 20, lx + 38, ly + 20, lx + 46, ly + 24);
    fprintf(out, "</svg>\n");
}

int cli_plot(int argc, char **argv)
{
    const char *kind_name = NULL, *path = NULL;
    double a = -6.0, b = 6.0, alpha = NAN;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--from") == 0 || strcmp(s, "--to") == 0 || strcmp(s, "--alpha") == 0) {
            if (i + 1 >= argc) return cli_usage_error("plot", "%s needs a number", cli_quote(s));
            double v = 0.0;
            const char *why = cli_parse_real(argv[++i], -HUGE_VAL, HUGE_VAL, &v);
            if (why != NULL)
                return cli_usage_error("plot", "%s: '%s' %s", s, cli_quote(argv[i]), why);
            if (s[2] == 'f')
                a = v;
            else if (s[2] == 't')
                b = v;
            else
                alpha = v;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (i + 1 >= argc) return cli_usage_error("plot", "%s needs a file name", cli_quote(s));
            path = argv[++i];
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("plot", "unknown option '%s' (see 'nnact plot --help')",
                                   cli_quote(s));
        } else if (kind_name == NULL) {
            kind_name = s;
        } else {
            return cli_usage_error("plot", "unexpected argument '%s'", cli_quote(s));
        }
    }
    if (kind_name == NULL)
        return cli_usage_error("plot", "which activation? (e.g. 'nnact plot gelu')");
    if (!(a < b)) return cli_usage_error("plot", "--from %g must be below --to %g", a, b);
    if (!isfinite(b - a))
        return cli_usage_error("plot", "the range [%g, %g] is too wide: its width overflows", a, b);
    int k;
    const char *why = cli_parse_kind(CLI_ACT, kind_name, &k);
    if (why != NULL) return cli_usage_error("plot", "%s", why);

    static double x[PLOT_POINTS], y[PLOT_POINTS], d[PLOT_POINTS];
    for (int i = 0; i < PLOT_POINTS; i++)
        x[i] = a + (b - a) * ((double)i / (PLOT_POINTS - 1)); /* (b - a) i alone may overflow */
    if (nnact_act_forward((nnact_act_kind)k, alpha, PLOT_POINTS, x, y) != NNACT_OK ||
        nnact_act_derivative((nnact_act_kind)k, alpha, PLOT_POINTS, x, d) != NNACT_OK)
        return cli_usage_error("plot", "%s", cli_library_reason());

    FILE *out = stdout;
    if (path != NULL) {
        out = fopen(path, "w");
        if (out == NULL) {
            return cli_fail("plot", "cannot write '%s': %s", cli_quote(path), strerror(errno));
        }
    }
    write_svg(out, k, alpha, a, b, x, y, d, PLOT_POINTS);
    errno = 0;
    int bad = fflush(out) != 0 || ferror(out);
    int err = errno;
    if (path != NULL && fclose(out) != 0) bad = 1, err = err ? err : errno;
    if (bad) {
        return cli_fail("plot", "writing '%s' failed: %s",
                        path ? cli_quote(path) : "standard output",
                        err ? strerror(err) : "write error");
    }
    return CLI_OK;
}
