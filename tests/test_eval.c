/* eval: nnact_metrics_classify / _regress and nnact_scaling_fit against
 * scikit-learn's values (tests/gen_eval_fixtures.py, tests/data/eval_*.txt),
 * nnact_split_rows pinned to an independent Python replay of its rule over
 * the library's PRNG, its stratification and permutation properties, and
 * every bad input.
 *
 * Tolerances: accuracy and the confusion matrix exact (counts); precision,
 * recall and F1 1e-15 (the same divisions as sklearn); macro means and R²
 * 1e-14 absolute; log-loss, MSE and MAE 1e-13 relative (summation order and
 * the log-softmax against sklearn's softmax-then-log); scaling against
 * sklearn 1e-14 relative for means and scales, and the scaled values to
 * 1e-12 (standard) or 1e-14 (min-max) absolute plus the ulp of the shift
 * over the scale (sklearn's rounding of a large mean); against a long
 * double reference: means to 1e-15 (|mean| + std), deviations 1e-14. */
#include <float.h>

#include "nnact_test.h"
#include "alloc_fault.h"
#include "optim_fixture.h"

#include "core/alloc.h"
#include "nnact/nnact.h"

enum { MAXN = 64 * 8, MAXC = 8 };

static void close_rel(double a, double e, double rel)
{
    assert_close(a, e, rel * fabs(e));
}

static size_t read_values(FILE *f, const char *name, double *v, size_t count)
{
    assert_true(fx_expect(f, name));
    for (size_t i = 0; i < count; i++)
        v[i] = fx_num(f);
    return count;
}

/* ---- classification ---- */

static void classify_matches_sklearn(void **state)
{
    (void)state;
    FILE *f = fx_open("eval_classify.txt");
    assert_non_null(f);
    int cases = 0;
    while (strcmp(fx_word(f), "case") == 0) {
        static double logits[MAXN], labels[MAXN], want[MAXC * MAXC];
        double conf[MAXC * MAXC], p[MAXC], r[MAXC], f1[MAXC];
        fx_word(f); /* name */
        assert_true(fx_expect(f, "rows"));
        size_t rows = (size_t)fx_u64(f);
        assert_true(fx_expect(f, "outputs"));
        size_t outputs = (size_t)fx_u64(f);
        assert_true(fx_expect(f, "classes"));
        size_t classes = (size_t)fx_u64(f);
        assert_true(rows * outputs <= MAXN && classes <= MAXC);
        read_values(f, "logits", logits, rows * outputs);
        read_values(f, "labels", labels, rows);
        nnact_class_metrics m;
        memset(&m, 0x55, sizeof m);
        m.size = sizeof m;
        assert_int_equal(nnact_metrics_classify(rows, outputs, logits, labels, &m, conf, p, r, f1),
                         NNACT_OK);
        assert_int_equal(m.size, sizeof m);
        assert_int_equal(m.rows, rows);
        assert_int_equal(m.classes, classes);
        read_values(f, "accuracy", want, 1);
        assert_same_bits(m.accuracy, want[0]);
        assert_same_bits(m.accuracy, (double)m.correct / (double)rows);
        read_values(f, "log_loss", want, 1);
        close_rel(m.log_loss, want[0], 1e-13);
        read_values(f, "confusion", want, classes * classes);
        for (size_t i = 0; i < classes * classes; i++)
            assert_same_bits(conf[i], want[i]);
        read_values(f, "precision", want, classes);
        for (size_t c = 0; c < classes; c++)
            assert_close(p[c], want[c], 1e-15);
        read_values(f, "recall", want, classes);
        for (size_t c = 0; c < classes; c++)
            assert_close(r[c], want[c], 1e-15);
        read_values(f, "f1", want, classes);
        for (size_t c = 0; c < classes; c++)
            assert_close(f1[c], want[c], 1e-15);
        read_values(f, "macro", want, 3);
        assert_close(m.macro_precision, want[0], 1e-14);
        assert_close(m.macro_recall, want[1], 1e-14);
        assert_close(m.macro_f1, want[2], 1e-14);
        assert_true(fx_expect(f, "end"));
        /* the optional outputs are optional: the summary is the same without them */
        nnact_class_metrics m2 = {sizeof m2, 0, 0, 0, 0, 0, 0, 0, 0};
        assert_int_equal(
            nnact_metrics_classify(rows, outputs, logits, labels, &m2, NULL, NULL, NULL, NULL),
            NNACT_OK);
        assert_memory_equal(&m, &m2, sizeof m);
        cases++;
    }
    fclose(f);
    assert_int_equal(cases, 5);
}

/* Logits far apart: the log-softmax stays finite and exact where softmax
   underflows (sklearn would clip p at 2.2e-16 there). */
static void classify_extreme_logits(void **state)
{
    (void)state;
    const double z[] = {800.0, 0.0, -800.0, 0.0, 1e-300, 0.0, -800.0};
    const double lab3[] = {2, 1}, lab1[] = {0};
    nnact_class_metrics m = {sizeof m, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_metrics_classify(2, 3, z, lab3, &m, NULL, NULL, NULL, NULL), NNACT_OK);
    /* row 0: -log p(2) = 1600 + log(1 + e^-800 + e^-1600); row 1: log 3 to the last bit */
    close_rel(m.log_loss, (1600.0 + log(3.0)) / 2.0, 1e-15);
    assert_same_bits(m.accuracy, 0.5);
    /* one logit: softplus(800) for label 0 */
    assert_int_equal(nnact_metrics_classify(1, 1, z, lab1, &m, NULL, NULL, NULL, NULL), NNACT_OK);
    assert_same_bits(m.log_loss, 800.0);
    assert_same_bits(m.accuracy, 0.0);
    assert_int_equal(m.classes, 2);
}

static void classify_bad_input(void **state)
{
    (void)state;
    double z[6] = {1, 2, 3, 4, 5, 6}, lab[2] = {0, 2}, conf[9];
    nnact_class_metrics m = {sizeof m, 7, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_metrics_classify(2, 3, NULL, lab, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_metrics_classify: logits is NULL"));
    assert_int_equal(nnact_metrics_classify(2, 3, z, NULL, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_classify(2, 3, z, lab, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_classify(0, 3, z, lab, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "rows is 0"));
    assert_int_equal(nnact_metrics_classify(2, 0, z, lab, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    nnact_class_metrics small = {offsetof(nnact_class_metrics, macro_f1), 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(nnact_metrics_classify(2, 3, z, lab, &small, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "m->size"));
    const double bad_labels[] = {3, -1, 0.5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_labels / sizeof bad_labels[0]; i++) {
        lab[1] = bad_labels[i];
        assert_int_equal(nnact_metrics_classify(2, 3, z, lab, &m, NULL, NULL, NULL, NULL),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "row 1: label"));
    }
    lab[1] = 2;
    /* binary: labels 0 and 1 only */
    const double two[] = {2};
    assert_int_equal(nnact_metrics_classify(1, 1, z, two, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "not a class in [0, 2)"));
    const double bad_logits[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 3; i++) {
        z[4] = bad_logits[i];
        assert_int_equal(nnact_metrics_classify(2, 3, z, lab, &m, conf, NULL, NULL, NULL),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "row 1: logit 1 is"));
    }
    z[4] = 5;
    assert_int_equal(m.rows, 7); /* nothing written by the refusals */
    /* the counts' allocation failing: NOMEM, nothing written */
    conf[0] = 42;
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_metrics_classify(2, 3, z, lab, &m, conf, NULL, NULL, NULL),
                     NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(m.rows, 7);
    assert_same_bits(conf[0], 42);
    /* sizes that overflow */
    assert_int_equal(nnact_metrics_classify(SIZE_MAX, 3, z, lab, &m, NULL, NULL, NULL, NULL),
                     NNACT_ERR_OVERFLOW);
    assert_int_equal(nnact_metrics_classify(1, SIZE_MAX / 2, z, lab, &m, conf, NULL, NULL, NULL),
                     NNACT_ERR_OVERFLOW);
}

/* ---- regression ---- */

static void regress_matches_sklearn(void **state)
{
    (void)state;
    FILE *f = fx_open("eval_regress.txt");
    assert_non_null(f);
    int cases = 0;
    while (strcmp(fx_word(f), "case") == 0) {
        static double y[MAXN], t[MAXN];
        double want;
        fx_word(f);
        assert_true(fx_expect(f, "rows"));
        size_t rows = (size_t)fx_u64(f);
        assert_true(fx_expect(f, "outputs"));
        size_t outputs = (size_t)fx_u64(f);
        assert_true(rows * outputs <= MAXN);
        read_values(f, "y", y, rows * outputs);
        read_values(f, "t", t, rows * outputs);
        nnact_regress_metrics m;
        memset(&m, 0x55, sizeof m);
        m.size = sizeof m;
        assert_int_equal(nnact_metrics_regress(rows, outputs, y, t, &m), NNACT_OK);
        assert_int_equal(m.rows, rows);
        read_values(f, "mse", &want, 1);
        close_rel(m.mse, want, 1e-13);
        read_values(f, "mae", &want, 1);
        close_rel(m.mae, want, 1e-13);
        read_values(f, "r2", &want, 1);
        assert_close(m.r2, want, 1e-14);
        assert_true(fx_expect(f, "end"));
        cases++;
    }
    fclose(f);
    assert_int_equal(cases, 3);
}

static void regress_edges_and_bad_input(void **state)
{
    (void)state;
    /* a constant column of 0.1 (whose plain mean is not 0.1): R² 1 when hit, 0 otherwise */
    double t[3] = {0.1, 0.1, 0.1}, y[3] = {0.1, 0.1, 0.1};
    nnact_regress_metrics m = {sizeof m, 0, 0, 0, 0};
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, &m), NNACT_OK);
    assert_same_bits(m.r2, 1.0);
    assert_same_bits(m.mse, 0.0);
    y[1] = 0.2;
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, &m), NNACT_OK);
    assert_same_bits(m.r2, 0.0);
    /* one row: R² is not defined (NAN), the errors are */
    assert_int_equal(nnact_metrics_regress(1, 1, y + 1, t, &m), NNACT_OK);
    assert_true(isnan(m.r2));
    close_rel(m.mae, 0.1, 1e-15);
    /* bad input: nothing written */
    m.rows = 9;
    assert_int_equal(nnact_metrics_regress(3, 1, NULL, t, &m), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_metrics_regress: y is NULL"));
    assert_int_equal(nnact_metrics_regress(3, 1, y, NULL, &m), NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_regress(0, 1, y, t, &m), NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_regress(3, 0, y, t, &m), NNACT_ERR_ARG);
    assert_int_equal(nnact_metrics_regress(SIZE_MAX, 2, y, t, &m), NNACT_ERR_OVERFLOW);
    nnact_regress_metrics small = {sizeof(size_t), 0, 0, 0, 0};
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, &small), NNACT_ERR_ARG);
    y[2] = NAN;
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, &m), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "row 2: prediction 0 is nan"));
    y[2] = 0.1;
    t[1] = -INFINITY;
    assert_int_equal(nnact_metrics_regress(3, 1, y, t, &m), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "row 1: target 0 is -inf"));
    assert_int_equal(m.rows, 9);
}

/* ---- scaling ---- */

static void scaling_matches_sklearn(void **state)
{
    (void)state;
    FILE *f = fx_open("eval_scaling.txt");
    assert_non_null(f);
    assert_true(fx_expect(f, "case"));
    fx_word(f);
    assert_true(fx_expect(f, "rows"));
    size_t rows = (size_t)fx_u64(f);
    assert_true(fx_expect(f, "cols"));
    size_t cols = (size_t)fx_u64(f);
    static double x[MAXN], a[MAXC], b[MAXC], out[MAXN], shift[MAXC], scale[MAXC];
    assert_true(rows * cols <= MAXN && cols <= MAXC);
    read_values(f, "x", x, rows * cols);
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, rows, cols, x, shift, scale),
                     NNACT_OK);
    read_values(f, "standard_mean", a, cols);
    read_values(f, "standard_scale", b, cols);
    read_values(f, "standard_out", out, rows * cols);
    for (size_t j = 0; j < cols; j++) {
        if (j == 4) { /* the constant column: left as it is (sklearn subtracts its mean) */
            assert_same_bits(shift[j], 0.0);
            assert_same_bits(scale[j], 1.0);
            assert_same_bits(b[j], 1.0);
            continue;
        }
        close_rel(shift[j], a[j], 1e-14);
        close_rel(scale[j], b[j], 1e-14);
        /* an ulp of the mean apart moves the scaled values by ulp(mean) / scale */
        const double tol = 1e-12 + 2.0 * DBL_EPSILON * fabs(shift[j]) / scale[j];
        for (size_t r = 0; r < rows; r++)
            assert_close((x[r * cols + j] - shift[j]) / scale[j], out[r * cols + j], tol);
    }
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_MINMAX, rows, cols, x, shift, scale),
                     NNACT_OK);
    read_values(f, "minmax_min", a, cols);
    read_values(f, "minmax_range", b, cols);
    read_values(f, "minmax_out", out, rows * cols);
    for (size_t j = 0; j < cols; j++) {
        if (j == 4) {
            assert_same_bits(shift[j], 0.0);
            assert_same_bits(scale[j], 1.0);
            continue;
        }
        assert_same_bits(shift[j], a[j]);
        assert_same_bits(scale[j], b[j]);
        /* sklearn computes x * (1 / range) - min / range: it cancels where min >> range */
        const double tol = 1e-14 + 2.0 * DBL_EPSILON * fabs(shift[j]) / scale[j];
        for (size_t r = 0; r < rows; r++)
            assert_close((x[r * cols + j] - shift[j]) / scale[j], out[r * cols + j], tol);
    }
    assert_true(fx_expect(f, "end"));
    fclose(f);
}

/* Mean and population std against a long double two-pass reference, where a
   one-pass sum of squares fails (a large offset) and where plain sums
   overflow (values near DBL_MAX). */
static void scaling_is_numerically_careful(void **state)
{
    (void)state;
    enum { N = 101 };
    static double x[N * 3];
    for (int i = 0; i < N; i++) {
        x[3 * i] = 1e9 + 1e-3 * sin(0.7 * i); /* mean / std about 1e12 */
        x[3 * i + 1] = (i % 2 ? 1.0 : -0.75) * 1.5e308 * (0.5 + 0.5 * cos(1.3 * i));
        x[3 * i + 2] = 3e-310 * (double)(i % 7); /* subnormal values */
    }
    double shift[3], scale[3];
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, N, 3, x, shift, scale), NNACT_OK);
    for (int j = 0; j < 3; j++) {
        assert_true(isfinite(shift[j]) && isfinite(scale[j]) && scale[j] > 0);
        /* long double two-pass around the first value (exact differences) on
           the column times an exact power of two, so the reference holds even
           where long double is double (valgrind, some targets) */
        const int e = j == 1 ? -1000 : j == 2 ? 1000 : 0;
        const long double x0 = ldexpl(x[j], e);
        long double s = 0, ss = 0;
        for (int i = 0; i < N; i++)
            s += ldexpl(x[3 * i + j], e) - x0;
        const long double dm = s / N;
        for (int i = 0; i < N; i++) {
            const long double d = (ldexpl(x[3 * i + j], e) - x0) - dm;
            ss += d * d;
        }
        const double want_mean = (double)ldexpl(x0 + dm, -e);
        const double want_std = (double)ldexpl(sqrtl(ss / N), -e);
        /* a mean is known to about eps times the spread (cancellation) */
        assert_close(shift[j], want_mean, 1e-15 * (fabs(want_mean) + want_std));
        close_rel(scale[j], want_std, 1e-14);
    }
    /* NONE: shift 0, scale 1 */
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_NONE, N, 3, x, shift, scale), NNACT_OK);
    for (int j = 0; j < 3; j++) {
        assert_same_bits(shift[j], 0.0);
        assert_same_bits(scale[j], 1.0);
    }
    /* one row: every column constant */
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 1, 3, x, shift, scale), NNACT_OK);
    assert_same_bits(shift[0], 0.0);
    assert_same_bits(scale[0], 1.0);
}

static void scaling_bad_input(void **state)
{
    (void)state;
    double x[4] = {1, 2, 3, 4}, shift[2] = {7, 7}, scale[2] = {7, 7};
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 2, 2, NULL, shift, scale),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_scaling_fit: x is NULL"));
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 2, 2, x, NULL, scale),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 2, 2, x, shift, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 0, 2, x, shift, scale),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, 2, 0, x, shift, scale),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_scaling_fit((nnact_scaling)3, 2, 2, x, shift, scale), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "unknown scaling kind 3"));
    assert_int_equal(nnact_scaling_fit((nnact_scaling)-1, 2, 2, x, shift, scale), NNACT_ERR_ARG);
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_STANDARD, SIZE_MAX, 2, x, shift, scale),
                     NNACT_ERR_OVERFLOW);
    x[3] = NAN;
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_MINMAX, 2, 2, x, shift, scale), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "row 1: column 1 is nan"));
    /* min-max: a range that overflows, found before anything is written */
    x[1] = -1.5e308;
    x[3] = 1.5e308;
    assert_int_equal(nnact_scaling_fit(NNACT_SCALING_MINMAX, 2, 2, x, shift, scale), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "column 1: max - min"));
    assert_same_bits(shift[0], 7);
    assert_same_bits(scale[0], 7);
}

/* ---- splits ---- */

static void split_matches_python_replay(void **state)
{
    (void)state;
    FILE *f = fx_open("eval_split.txt");
    assert_non_null(f);
    int cases = 0;
    while (strcmp(fx_word(f), "split") == 0) {
        static double labels[MAXN];
        static size_t order[MAXN];
        assert_true(fx_expect(f, "n"));
        size_t n = (size_t)fx_u64(f);
        assert_true(fx_expect(f, "fraction"));
        double fraction = fx_num(f);
        assert_true(fx_expect(f, "seed"));
        uint64_t seed = fx_u64(f);
        assert_true(fx_expect(f, "labels"));
        const char *w = fx_word(f);
        int have_labels = strcmp(w, "none") != 0;
        for (size_t i = 0; have_labels && i < n; i++, w = fx_word(f))
            labels[i] = strtod(w, NULL);
        if (!have_labels) w = fx_word(f);
        assert_string_equal(w, "order");
        size_t n_first = 0;
        assert_int_equal(
            nnact_split_rows(n, have_labels ? labels : NULL, fraction, seed, order, &n_first),
            NNACT_OK);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(order[i], fx_u64(f));
        assert_true(fx_expect(f, "n_first"));
        assert_int_equal(n_first, fx_u64(f));
        cases++;
    }
    fclose(f);
    assert_int_equal(cases, 7);
}

/* order is a permutation of 0..n-1 */
static void assert_permutation(const size_t *order, size_t n)
{
    char *seen = calloc(n, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(order[i] < n && !seen[order[i]]);
        seen[order[i]] = 1;
    }
    free(seen);
}

static void split_stratifies_and_is_deterministic(void **state)
{
    (void)state;
    enum { N = 1000, K = 6 };
    static double labels[N];
    static size_t a[N], b[N];
    /* class sizes 500, 250, 150, 70, 28, 2; classes 0..4 then 9, sorted by class */
    const size_t sizes[K] = {500, 250, 150, 70, 28, 2};
    const double names[K] = {0, 1, 2, 3, 4, 9};
    size_t r = 0;
    for (size_t c = 0; c < K; c++)
        for (size_t i = 0; i < sizes[c]; i++)
            labels[r++] = names[c];
    const double fractions[] = {0.0, 0.01, 0.2, 0.3, 0.5, 0.9, 0.999};
    for (size_t fi = 0; fi < sizeof fractions / sizeof fractions[0]; fi++) {
        const double fr = fractions[fi];
        const size_t S = (size_t)floor(N * fr);
        size_t n_first = 0, n_first_b = 0;
        assert_int_equal(nnact_split_rows(N, labels, fr, 11, a, &n_first), NNACT_OK);
        assert_int_equal(n_first, N - S);
        assert_permutation(a, N);
        /* the same seed, the same split; another seed, another */
        assert_int_equal(nnact_split_rows(N, labels, fr, 11, b, &n_first_b), NNACT_OK);
        assert_memory_equal(a, b, sizeof a);
        assert_int_equal(nnact_split_rows(N, labels, fr, 12, b, &n_first_b), NNACT_OK);
        if (fr > 0) assert_true(memcmp(a, b, sizeof a) != 0);
        /* each class on the second side: n_c S / n rounded down or up, except
           that the 2-row class gets one on each side while S allows it */
        for (size_t c = 0; c < K; c++) {
            size_t second = 0;
            for (size_t i = n_first; i < N; i++)
                second += labels[a[i]] == names[c];
            const double q = (double)sizes[c] * (double)S / N;
            if (sizes[c] == 2 && S >= 1 && S < N - 1) {
                assert_int_equal(second, 1);
            } else if (sizes[c] > 2 && fr >= 0.2 && fr <= 0.9) {
                /* the largest class may have given (or taken) a row for the 2-row class */
                assert_true(second + 1 >= (size_t)floor(q) && second <= (size_t)ceil(q) + 1);
            }
            if (sizes[c] > 2) {
                if (S > 0 && S < N - 5) assert_true(second >= 1 && second < sizes[c]);
            }
        }
        /* neither side is grouped by class */
        if (fr >= 0.2 && fr <= 0.5) {
            size_t changes = 0;
            for (size_t i = 1; i < n_first; i++)
                changes += labels[a[i]] != labels[a[i - 1]];
            assert_true(changes > 50);
        }
        /* without labels: a shuffle, the last S second */
        assert_int_equal(nnact_split_rows(N, NULL, fr, 11, b, &n_first_b), NNACT_OK);
        assert_int_equal(n_first_b, N - S);
        assert_permutation(b, N);
    }
}

static void split_bad_input(void **state)
{
    (void)state;
    double labels[4] = {0, 1, 0, 1};
    size_t order[4] = {9, 9, 9, 9}, n_first = 9;
    assert_int_equal(nnact_split_rows(4, labels, 0.5, 1, NULL, &n_first), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_split_rows: order is NULL"));
    assert_int_equal(nnact_split_rows(4, labels, 0.5, 1, order, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_split_rows(0, labels, 0.5, 1, order, &n_first), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "n is 0"));
    const double fractions[] = {-0.1, 1.0, 1.5, NAN, INFINITY, -0.0 - 1e-300};
    for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
        assert_int_equal(nnact_split_rows(4, labels, fractions[i], 1, order, &n_first),
                         NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "is outside [0, 1)"));
    }
    const double bad[] = {-1, 0.5, NAN, INFINITY, -INFINITY, 1e-300};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        labels[2] = bad[i];
        assert_int_equal(nnact_split_rows(4, labels, 0.5, 1, order, &n_first), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "row 2: label"));
    }
    labels[2] = 0;
    /* the scratch of a stratified split failing: NOMEM */
    nnact__alloc_set_hook(fail_all, NULL);
    assert_int_equal(nnact_split_rows(4, labels, 0.5, 1, order, &n_first), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(order[i], 9); /* unchanged by every refusal */
    assert_int_equal(n_first, 9);
    /* -0.0 is a fraction of 0 and a label of class 0 */
    labels[1] = -0.0;
    assert_int_equal(nnact_split_rows(4, labels, -0.0, 1, order, &n_first), NNACT_OK);
    assert_int_equal(n_first, 4);
}

int main(void)
{
    nnact_test_skip_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classify_matches_sklearn),
        cmocka_unit_test(classify_extreme_logits),
        cmocka_unit_test(classify_bad_input),
        cmocka_unit_test(regress_matches_sklearn),
        cmocka_unit_test(regress_edges_and_bad_input),
        cmocka_unit_test(scaling_matches_sklearn),
        cmocka_unit_test(scaling_is_numerically_careful),
        cmocka_unit_test(scaling_bad_input),
        cmocka_unit_test(split_matches_python_replay),
        cmocka_unit_test(split_stratifies_and_is_deterministic),
        cmocka_unit_test(split_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
