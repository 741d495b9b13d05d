/**
 * @file nnact/eval.h
 * @brief Held-out evaluation: seeded (stratified) row splits, classification
 *        and regression metrics with scikit-learn's definitions, and the
 *        parameters of feature scaling.
 *
 * Every call works on caller-owned row-major arrays and keeps no pointer.
 * The metrics and their scikit-learn equivalents are written out in
 * docs/EVAL.md; the fixtures in tests/data/eval_*.txt come from
 * scikit-learn itself (tests/gen_eval_fixtures.py).
 */
#ifndef NNACT_EVAL_H
#define NNACT_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief A seeded permutation of the rows 0 .. n-1 into two sides: the
 *        first side in order[0 .. *n_first - 1], the second side after it.
 *
 * The second side has floor(n * fraction) rows (the rule of the fit's
 * validation split). Without labels the rows are shuffled (Fisher-Yates over
 * the library's PRNG) and the last floor(n * fraction) go second.
 *
 * With labels (a class index per row: a whole number >= 0, any value, not
 * necessarily below some count) the split is stratified: each class c with
 * n_c rows gets s_c rows on the second side, s_c = n_c * S / n rounded down
 * (S = floor(n * fraction)), and the rows still missing to make S go one
 * each to the classes with the largest remainders of n_c * S / n (ties: the
 * smaller class index), so every class is split in the proportion of the
 * whole up to one row. Then, while the fraction allows it, every class with
 * at least 2 rows gets at least one row on each side: a class with none on a
 * side takes one from the class with the most rows on that side (ties: the
 * smaller class index) that can spare one (keeps one there itself when it
 * has at least 2 rows); when no class can spare one, the split stays as it
 * is. S never changes. A class of one row goes where the rounding puts it.
 * The rows of each class are drawn at random, and each side comes out
 * shuffled (not grouped by class).
 *
 * The same (n, labels, fraction, seed) gives the same order on every
 * machine (integer arithmetic and the PRNG of nnact/init.h only).
 * nnact_net_fit_run() draws its validation split with this call.
 * @param n rows, >= 1.
 * @param labels NULL (no stratification) or n class indices.
 * @param fraction share of the rows to put on the second side, in [0, 1).
 * @param seed any value.
 * @param order out: n row indices, a permutation of 0 .. n-1.
 * @param n_first out: rows on the first side, n - floor(n * fraction).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL order or n_first; n 0; fraction NaN
 *         or outside [0, 1); a label that is NaN, infinite, negative or not a
 *         whole number, the detail naming its row); NNACT_ERR_OVERFLOW;
 *         NNACT_ERR_NOMEM (stratified: scratch of 64 bytes a row, freed before the return).
 *         On failure order and n_first are unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_split_rows(size_t n, const double *labels, double fraction,
                                        uint64_t seed, size_t *order, size_t *n_first);

/**
 * @brief Summary of nnact_metrics_classify(): an output record (set `size`
 *        to sizeof the record before the call; fields are only ever
 *        appended and the library writes only those inside `size`).
 * @since 1.1
 */
typedef struct nnact_class_metrics {
    size_t size;            /**< set by the caller: sizeof(nnact_class_metrics) */
    uint64_t rows;          /**< rows scored */
    uint64_t classes;       /**< classes: outputs, or 2 for one logit column */
    uint64_t correct;       /**< rows whose predicted class is the label */
    double accuracy;        /**< correct / rows (accuracy_score) */
    double log_loss;        /**< mean of -log p(label) (log_loss, labels = all classes) */
    double macro_precision; /**< mean over all classes of the per-class precision */
    double macro_recall;    /**< mean over all classes of the per-class recall */
    double macro_f1;        /**< mean over all classes of the per-class F1 */
} nnact_class_metrics;

/**
 * @brief Classification metrics of logits against class labels, with
 *        scikit-learn's definitions (docs/EVAL.md).
 *
 * outputs >= 2: `outputs` classes; the predicted class of a row is its first
 * largest logit (numpy's argmax), p = softmax of the row, and -log p(label)
 * is computed from a stable log-softmax (max + log sum exp(z - max) - z),
 * without scikit-learn's clipping of p to [eps, 1 - eps] (the two agree
 * while every probability is above 2.2e-16).
 * outputs == 1: binary with one logit z (a network trained with
 * NNACT_LOSS_BCE_LOGITS): two classes 0 and 1, p(1) = sigmoid(z), predicted
 * class 1 when z > 0 (z = 0 predicts 0), -log p(label) = softplus(-z) for
 * label 1 and softplus(z) for label 0, in their stable form.
 *
 * Per class c (C = classes): precision = TP / predicted as c, recall = TP /
 * labelled c, F1 = 2 P R / (P + R); a zero denominator gives 0
 * (precision_recall_fscore_support(labels = 0..C-1, zero_division = 0)).
 * Every class counts in the macro means, rows of it or not.
 * @param rows >= 1.
 * @param outputs logit columns, >= 1.
 * @param logits rows x outputs, finite.
 * @param labels rows class indices: whole numbers in [0, C).
 * @param m out: the summary; m->size at least the 1.1 record's.
 * @param confusion out (may be NULL): C x C, row = true class, column =
 *        predicted class, counts as doubles (confusion_matrix).
 * @param precision,recall,f1 out (each may be NULL): C values.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL logits, labels or m; rows or outputs
 *         0; m->size too small; a NaN or infinite logit, or a label that is
 *         not a class index, the detail naming the row); NNACT_ERR_OVERFLOW;
 *         NNACT_ERR_NOMEM (per-class counts). On failure nothing is written.
 * @since 1.1
 */
NNACT_API nnact_status nnact_metrics_classify(size_t rows, size_t outputs, const double *logits,
                                              const double *labels, nnact_class_metrics *m,
                                              double *confusion, double *precision, double *recall,
                                              double *f1);

/**
 * @brief Summary of nnact_metrics_regress(): an output record (set `size`
 *        first, as for nnact_class_metrics).
 * @since 1.1
 */
typedef struct nnact_regress_metrics {
    size_t size;   /**< set by the caller: sizeof(nnact_regress_metrics) */
    uint64_t rows; /**< rows scored */
    double mse;    /**< mean over every cell of (y - t)^2 (mean_squared_error) */
    double mae;    /**< mean over every cell of |y - t| (mean_absolute_error) */
    double r2;     /**< mean over the outputs of 1 - SS_res / SS_tot (r2_score) */
} nnact_regress_metrics;

/**
 * @brief Regression metrics of predictions y against targets t, as
 *        scikit-learn's mean_squared_error, mean_absolute_error and r2_score
 *        with multioutput = 'uniform_average'.
 *
 * R² of an output column is 1 - sum (t - y)^2 / sum (t - mean t)^2; for a
 * constant target column (SS_tot = 0) it is 1 when the predictions are
 * exact there and 0 otherwise (scikit-learn's force_finite); with one row
 * it is NAN (scikit-learn: not defined below two samples).
 * @param rows >= 1. @param outputs >= 1.
 * @param y predictions, rows x outputs, finite.
 * @param t targets, rows x outputs, finite.
 * @param m out; m->size at least the 1.1 record's.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL y, t or m; rows or outputs 0;
 *         m->size too small; a NaN or infinite value, the detail naming the
 *         row and column); NNACT_ERR_OVERFLOW. Allocates nothing. On
 *         failure nothing is written.
 * @since 1.1
 */
NNACT_API nnact_status nnact_metrics_regress(size_t rows, size_t outputs, const double *y,
                                             const double *t, nnact_regress_metrics *m);

/** @brief Feature scalings for nnact_scaling_fit(). Values explicit and append-only. @since 1.1 */
typedef enum nnact_scaling {
    NNACT_SCALING_NONE = 0,     /**< shift 0, scale 1 for every column */
    NNACT_SCALING_STANDARD = 1, /**< shift = mean, scale = population std (StandardScaler) */
    NNACT_SCALING_MINMAX = 2    /**< shift = min, scale = max - min: to [0, 1] (MinMaxScaler) */
} nnact_scaling;

/**
 * @brief The per-column shift and scale of a scaling fitted on x, so that
 *        x' = (x - shift) / scale (nnact_net_set_input_scaling() takes them).
 *
 * STANDARD: the mean and the population standard deviation (ddof 0, as
 * StandardScaler), by a corrected two-pass sum over the column divided by
 * a power of two first (exact), so no column of finite values overflows.
 * MINMAX: min and max - min. A constant column (every value equal) is left
 * as it is: shift 0 and scale 1 (StandardScaler would subtract its mean;
 * MinMaxScaler would map it to 0).
 * @param kind an nnact_scaling.
 * @param rows >= 1. @param cols >= 1.
 * @param x rows x cols, finite.
 * @param shift,scale out: cols each; every scale is finite and > 0.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL x, shift or scale; rows or cols 0;
 *         unknown kind; a NaN or infinite value, the detail naming row and
 *         column; MINMAX: a column whose max - min overflows); on failure
 *         shift and scale are unchanged.
 * @since 1.1
 */
NNACT_API nnact_status nnact_scaling_fit(nnact_scaling kind, size_t rows, size_t cols,
                                         const double *x, double *shift, double *scale);

NNACT_END_DECLS

#endif /* NNACT_EVAL_H */
