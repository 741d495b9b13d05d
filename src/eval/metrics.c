/* Classification and regression metrics with scikit-learn's definitions
 * (docs/EVAL.md has each formula and its sklearn call). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "core/record.h"
#include "nnact/eval.h"

/* counts of one class */
struct class_counts {
    uint64_t tp, predicted, labelled;
};

static double softplus(double x)
{
    /* log(1 + e^x) without overflow or cancellation */
    return fmax(x, 0.0) + log1p(exp(-fabs(x)));
}

/* Predicted class and -log p(label) of one row. outputs 1: the binary
   logit; otherwise the first largest logit and a stable log-softmax. */
static size_t score_row(const double *z, size_t outputs, size_t label, double *nll)
{
    if (outputs == 1) {
        *nll = softplus(label == 1 ? -z[0] : z[0]);
        return z[0] > 0.0 ? 1 : 0;
    }
    size_t arg = 0;
    for (size_t j = 1; j < outputs; j++)
        if (z[j] > z[arg]) arg = j;
    const double m = z[arg];
    double s = 0.0;
    for (size_t j = 0; j < outputs; j++)
        s += exp(z[j] - m);
    /* -log softmax = max + log sum exp(z - max) - z_label; s is in [1, outputs] */
    *nll = (m - z[label]) + log(s);
    return arg;
}

static nnact_status check_classify(const char *who, size_t rows, size_t outputs, size_t classes,
                                   const double *logits, const double *labels)
{
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < outputs; j++)
            NNACT_RETURN_IF(!isfinite(logits[r * outputs + j]), NNACT_ERR_ARG,
                            "%s: row %zu: logit %zu is %g", who, r, j, logits[r * outputs + j]);
        const double l = labels[r];
        NNACT_RETURN_IF(!(l >= 0.0 && l < (double)classes && floor(l) == l), NNACT_ERR_ARG,
                        "%s: row %zu: label %g is not a class in [0, %zu)", who, r, l, classes);
    }
    return NNACT_OK;
}

/* precision, recall, F1 of one class; 0 for a zero denominator (zero_division=0) */
static void class_scores(const struct class_counts *c, double *p, double *r, double *f)
{
    *p = c->predicted ? (double)c->tp / (double)c->predicted : 0.0;
    *r = c->labelled ? (double)c->tp / (double)c->labelled : 0.0;
    *f = *p + *r > 0.0 ? 2.0 * *p * *r / (*p + *r) : 0.0;
}

nnact_status nnact_metrics_classify(size_t rows, size_t outputs, const double *logits,
                                    const double *labels, nnact_class_metrics *m, double *confusion,
                                    double *precision, double *recall, double *f1)
{
    static const char who[] = "nnact_metrics_classify";
    NNACT_RETURN_IF(logits == NULL || labels == NULL || m == NULL, NNACT_ERR_ARG, "%s: %s is NULL",
                    who,
                    logits == NULL   ? "logits"
                    : labels == NULL ? "labels"
                                     : "m");
    NNACT_RETURN_IF(rows == 0 || outputs == 0, NNACT_ERR_ARG, "%s: %s is 0", who,
                    rows == 0 ? "rows" : "outputs");
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "m", m, NNACT__CLASS_METRICS_MIN));
    const size_t classes = outputs == 1 ? 2 : outputs;
    size_t cells, squares = 0;
    NNACT_RETURN_IF(!nnact__mul_size(rows, outputs, &cells) ||
                        (confusion != NULL && !nnact__mul_size(classes, classes, &squares)),
                    NNACT_ERR_OVERFLOW, "%s: the sizes overflow", who);
    NNACT_FORWARD_IF_ERROR(check_classify(who, rows, outputs, classes, logits, labels));
    struct class_counts *cc = nnact__calloc(classes, sizeof *cc);
    NNACT_RETURN_IF(cc == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    if (confusion != NULL) memset(confusion, 0, squares * sizeof *confusion);
    double nll_sum = 0.0;
    uint64_t correct = 0;
    for (size_t r = 0; r < rows; r++) {
        const size_t label = (size_t)labels[r];
        double nll;
        const size_t pred = score_row(logits + r * outputs, outputs, label, &nll);
        nll_sum += nll;
        correct += pred == label;
        cc[label].labelled++;
        cc[pred].predicted++;
        cc[label].tp += pred == label;
        if (confusion != NULL) confusion[label * classes + pred] += 1.0;
    }
    nnact_class_metrics out = {sizeof out, rows, classes, correct, 0, 0, 0, 0, 0};
    out.accuracy = (double)correct / (double)rows;
    out.log_loss = nll_sum / (double)rows;
    for (size_t c = 0; c < classes; c++) {
        double p, rc, f;
        class_scores(&cc[c], &p, &rc, &f);
        out.macro_precision += p;
        out.macro_recall += rc;
        out.macro_f1 += f;
        if (precision != NULL) precision[c] = p;
        if (recall != NULL) recall[c] = rc;
        if (f1 != NULL) f1[c] = f;
    }
    out.macro_precision /= (double)classes;
    out.macro_recall /= (double)classes;
    out.macro_f1 /= (double)classes;
    nnact__free(cc);
    nnact__record_put(m, &out, sizeof out);
    return NNACT_OK;
}

/* Sums of one output column: squared and absolute errors, and R². The mean
   of t is refined by a second pass (the corrected two-pass form), so a
   constant column has SS_tot exactly 0. */
static void regress_column(size_t rows, size_t outputs, size_t j, const double *y, const double *t,
                           double *se, double *ae, double *r2)
{
    double sum = 0.0;
    for (size_t r = 0; r < rows; r++)
        sum += t[r * outputs + j];
    double mean = sum / (double)rows, fix = 0.0;
    for (size_t r = 0; r < rows; r++)
        fix += t[r * outputs + j] - mean;
    mean += fix / (double)rows;
    double ss_res = 0.0, ss_tot = 0.0, abs_sum = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const double d = t[r * outputs + j] - y[r * outputs + j];
        const double c = t[r * outputs + j] - mean;
        ss_res += d * d;
        abs_sum += fabs(d);
        ss_tot += c * c;
    }
    *se = ss_res / (double)rows;
    *ae = abs_sum / (double)rows;
    /* sklearn's force_finite: a constant target scores 1 when hit exactly, else 0 */
    if (ss_tot == 0.0)
        *r2 = ss_res == 0.0 ? 1.0 : 0.0;
    else
        *r2 = 1.0 - ss_res / ss_tot;
}

nnact_status nnact_metrics_regress(size_t rows, size_t outputs, const double *y, const double *t,
                                   nnact_regress_metrics *m)
{
    static const char who[] = "nnact_metrics_regress";
    NNACT_RETURN_IF(y == NULL || t == NULL || m == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    y == NULL   ? "y"
                    : t == NULL ? "t"
                                : "m");
    NNACT_RETURN_IF(rows == 0 || outputs == 0, NNACT_ERR_ARG, "%s: %s is 0", who,
                    rows == 0 ? "rows" : "outputs");
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "m", m, NNACT__REGRESS_METRICS_MIN));
    size_t cells;
    NNACT_RETURN_IF(!nnact__mul_size(rows, outputs, &cells), NNACT_ERR_OVERFLOW,
                    "%s: rows x outputs overflows", who);
    for (size_t i = 0; i < cells; i++) {
        NNACT_RETURN_IF(!isfinite(y[i]), NNACT_ERR_ARG, "%s: row %zu: prediction %zu is %g", who,
                        i / outputs, i % outputs, y[i]);
        NNACT_RETURN_IF(!isfinite(t[i]), NNACT_ERR_ARG, "%s: row %zu: target %zu is %g", who,
                        i / outputs, i % outputs, t[i]);
    }
    nnact_regress_metrics out = {sizeof out, rows, 0, 0, 0};
    for (size_t j = 0; j < outputs; j++) {
        double se, ae, r2;
        regress_column(rows, outputs, j, y, t, &se, &ae, &r2);
        out.mse += se;
        out.mae += ae;
        out.r2 += r2;
    }
    out.mse /= (double)outputs;
    out.mae /= (double)outputs;
    /* sklearn: R² is not defined below two samples */
    out.r2 = rows < 2 ? NAN : out.r2 / (double)outputs;
    nnact__record_put(m, &out, sizeof out);
    return NNACT_OK;
}
