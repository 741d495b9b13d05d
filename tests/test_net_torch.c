/* Random multi-layer networks (every activation, every loss) against PyTorch
 * float64 autograd: forward output, loss, dx, dW and db from
 * tests/data/net_torch.txt, written once by tests/gen_net_fixtures.py. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact_test.h"

#include "net_ref.h"
#include "nnact/nnact.h"

#define MAX_LAYERS 8
#define TOL        1e-12

struct arr {
    size_t n;
    double *v;
};

static char *next_word(FILE *f, char *buf, size_t cap)
{
    int c;
    size_t n = 0;
    do
        c = fgetc(f);
    while (c == ' ' || c == '\n' || c == '\t' || c == '\r');
    if (c == '#') { /* comment line */
        while (c != '\n' && c != EOF)
            c = fgetc(f);
        return next_word(f, buf, cap);
    }
    while (c != EOF && c != ' ' && c != '\n' && c != '\t' && n + 1 < cap) {
        buf[n++] = (char)c;
        c = fgetc(f);
    }
    buf[n] = '\0';
    return n ? buf : NULL;
}

static double read_num(FILE *f)
{
    char w[64];
    assert_non_null(next_word(f, w, sizeof w));
    char *end;
    double v = strtod(w, &end);
    assert_true(*end == '\0');
    return v;
}

static struct arr read_arr(FILE *f)
{
    struct arr a;
    a.n = (size_t)read_num(f);
    a.v = malloc((a.n ? a.n : 1) * sizeof(double));
    for (size_t i = 0; i < a.n; i++)
        a.v[i] = read_num(f);
    return a;
}

static double worst_seen;
static double tol = TOL;

/* The foundation's scalar tanhshrink loses ~1e-12 relative just below |x| = 0.5
 * (its series is cut short there); issue 3 replaces it. Until then, networks
 * with tanhshrink are held to 1e-10 and say so; with an accurate kernel every
 * network is held to 1e-12. Reference: x - tanh x at x = -0.4965144529905082
 * is -0.03714290759777679961850109 (mpmath, 30 digits). */
static int tanhshrink_kernel_accurate(void)
{
    const double x = -0.4965144529905082, exact = -0.03714290759777679961850109;
    double y = 0.0;
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANHSHRINK, NAN, 1, &x, &y), NNACT_OK);
    return fabs(y - exact) <= 1e-14 * fabs(exact);
}

/* |a - e| <= TOL |e|, elementwise, except that an expected value far below the
 * array's scale (a sum that cancelled) is held to TOL times that scale. */
static void compare(const char *case_name, const char *what, size_t n, const double *got,
                    const double *expect)
{
    double scale = 0.0, local = 0.0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(expect[i]));
    for (size_t i = 0; i < n; i++) {
        const double ref = fmax(fabs(expect[i]), 1e-3 * scale);
        local = fmax(local, ref > 0 ? fabs(got[i] - expect[i]) / ref : fabs(got[i]));
    }
    if (getenv("NNACT_TEST_VERBOSE"))
        printf("%s %-4s n=%-3zu worst relative %.3g\n", case_name, what, n, local);
    for (size_t i = 0; i < n; i++) {
        const double ref = fmax(fabs(expect[i]), 1e-3 * scale);
        const double rel = ref > 0 ? fabs(got[i] - expect[i]) / ref : fabs(got[i]);
        if (tol == TOL && rel > worst_seen) worst_seen = rel;
        if (!(rel <= tol)) {
            print_error("%s: %s[%zu] = %.17g, PyTorch %.17g (relative %.3g)\n", case_name, what, i,
                        got[i], expect[i], rel);
            fail();
        }
    }
}

static int run_case(FILE *f)
{
    char w[64], name[64], act_name[64], loss_name[64];
    if (!next_word(f, w, sizeof w)) return 0;
    assert_string_equal(w, "case");
    assert_non_null(next_word(f, name, sizeof name));
    assert_string_equal(next_word(f, w, sizeof w), "net");
    tol = TOL;
    const size_t n_in = (size_t)read_num(f), n_layers = (size_t)read_num(f),
                 B = (size_t)read_num(f);
    assert_true(n_layers <= MAX_LAYERS);
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(n_in, &net), NNACT_OK);
    int has_bias[MAX_LAYERS];
    for (size_t l = 0; l < n_layers; l++) {
        nnact_act_kind k;
        assert_string_equal(next_word(f, w, sizeof w), "layer");
        const size_t n_out = (size_t)read_num(f);
        assert_non_null(next_word(f, act_name, sizeof act_name));
        const double alpha = read_num(f);
        has_bias[l] = (int)read_num(f);
        assert_int_equal(nnact_act_from_name(act_name, &k), NNACT_OK);
        if (k == NNACT_ACT_TANHSHRINK && !tanhshrink_kernel_accurate()) {
            printf("%s: tanhshrink kernel inaccurate near |x| = 0.5 (issue 3): tolerance 1e-10\n",
                   name);
            tol = 1e-10;
        }
        assert_int_equal(
            nnact_net_add_dense_ex(net, n_out, k, alpha, has_bias[l] ? 0u : NNACT_DENSE_NO_BIAS),
            NNACT_OK);
    }
    nnact_loss_kind lk;
    assert_string_equal(next_word(f, w, sizeof w), "loss");
    assert_non_null(next_word(f, loss_name, sizeof loss_name));
    assert_int_equal(nnact_loss_from_name(loss_name, &lk), NNACT_OK);
    const double lparam = read_num(f);

    struct arr W[MAX_LAYERS], b[MAX_LAYERS], dW[MAX_LAYERS], db[MAX_LAYERS], x, t, y, dx;
    double L = NAN;
    memset(W, 0, sizeof W);
    memset(b, 0, sizeof b);
    memset(dW, 0, sizeof dW);
    memset(db, 0, sizeof db);
    x = t = y = dx = (struct arr){0, NULL};
    while (next_word(f, w, sizeof w) && strcmp(w, "end") != 0) {
        if (strcmp(w, "W") == 0 || strcmp(w, "b") == 0 || strcmp(w, "dW") == 0 ||
            strcmp(w, "db") == 0) {
            const size_t l = (size_t)read_num(f);
            assert_true(l < n_layers);
            struct arr a = read_arr(f);
            if (strcmp(w, "W") == 0)
                W[l] = a;
            else if (strcmp(w, "b") == 0)
                b[l] = a;
            else if (strcmp(w, "dW") == 0)
                dW[l] = a;
            else
                db[l] = a;
        } else if (strcmp(w, "x") == 0) {
            x = read_arr(f);
        } else if (strcmp(w, "t") == 0) {
            t = read_arr(f);
        } else if (strcmp(w, "y") == 0) {
            y = read_arr(f);
        } else if (strcmp(w, "dx") == 0) {
            dx = read_arr(f);
        } else if (strcmp(w, "L") == 0) {
            L = read_num(f);
        } else {
            print_error("unknown record %s\n", w);
            fail();
        }
    }
    for (size_t l = 0; l < n_layers; l++)
        assert_int_equal(nnact_net_set_layer(net, l, W[l].v, has_bias[l] ? b[l].v : NULL),
                         NNACT_OK);
    const size_t n_out = nnact_net_output_size(net);
    assert_int_equal(y.n, B * n_out);
    assert_int_equal(x.n, B * n_in);
    assert_int_equal(dx.n, B * n_in);
    assert_non_null(t.v);
    double *gy = malloc(y.n * sizeof *gy), *gdy = malloc(y.n * sizeof *gdy);
    double *gdx = malloc(x.n * sizeof *gdx), gL = NAN;
    ref_fill_nan(y.n, gy);
    ref_fill_nan(y.n, gdy);
    ref_fill_nan(x.n, gdx);
    assert_int_equal(nnact_net_forward(net, B, x.v, gy), NNACT_OK);
    compare(name, "y", y.n, gy, y.v);
    assert_int_equal(nnact_loss_ex(lk, lparam, B, n_out, gy, t.v, &gL, gdy), NNACT_OK);
    compare(name, "loss", 1, &gL, &L);
    assert_int_equal(nnact_net_backward(net, gdy, gdx), NNACT_OK);
    compare(name, "dx", x.n, gdx, dx.v);
    for (size_t l = 0; l < n_layers; l++) {
        double *g = malloc(dW[l].n * sizeof *g), *gb = malloc((db[l].n + 1) * sizeof *gb);
        ref_fill_nan(dW[l].n, g);
        ref_fill_nan(db[l].n, gb);
        assert_int_equal(nnact_net_get_grad(net, l, g, has_bias[l] ? gb : NULL), NNACT_OK);
        compare(name, "dW", dW[l].n, g, dW[l].v);
        if (has_bias[l]) compare(name, "db", db[l].n, gb, db[l].v);
        free(g), free(gb);
        free(W[l].v), free(dW[l].v), free(b[l].v), free(db[l].v);
    }
    free(gy), free(gdy), free(gdx), free(x.v), free(t.v), free(y.v), free(dx.v);
    nnact_net_free(net);
    return 1;
}

static void against_pytorch_autograd(void **state)
{
    (void)state;
    char w[64];
    FILE *f = fopen(NNACT_TEST_DATA_DIR "/net_torch.txt", "r");
    assert_non_null(f);
    assert_string_equal(next_word(f, w, sizeof w), "cases");
    const int n = (int)read_num(f);
    int done = 0;
    while (run_case(f))
        done++;
    fclose(f);
    assert_int_equal(done, n);
    assert_true(n >= 20);
    printf("PyTorch fixtures: %d networks, worst relative difference %.3g (limit %g; networks on\n"
           "a 1e-10 limit excluded)\n",
           done, worst_seen, TOL);
    assert_true(worst_seen > 0.0); /* the comparison saw real differences, not copies */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(against_pytorch_autograd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
