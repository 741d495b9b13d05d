/* libFuzzer harness: arbitrary bytes into the table reader, with options
 * picked by the first byte. Any crash, leak, sanitizer report, a success that
 * breaks the table's contract (non-finite values, class indices out of range,
 * lines not increasing) or a failure whose detail is empty or holds raw
 * control bytes is a finding. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/nnact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int64_t delimiters[8] = {0, ',', ';', '\t', ' ', 0, 0, ','};
static const char *const target_lists[4] = {NULL, "1", "2,1", "y"};

static void check_table(const nnact_table *t, uint8_t pick)
{
    size_t rows = nnact_table_rows(t), nf = nnact_table_feature_count(t),
           nt = nnact_table_target_count(t), classes = nnact_table_class_count(t);
    if (t == NULL || rows == 0 || nf == 0) abort();
    const double *x = nnact_table_features(t), *y = nnact_table_targets(t);
    for (size_t i = 0; i < rows * nf; i++)
        if (!isfinite(x[i])) abort();
    for (size_t i = 0; i < rows * nt; i++)
        if (!isfinite(y[i]) || (classes > 0 && (y[i] < 0 || y[i] >= (double)classes))) abort();
    for (size_t i = 0; i < classes; i++)
        if (nnact_table_class_name(t, i) == NULL) abort();
    uint64_t prev = 0;
    for (size_t r = 0; r < rows; r++) {
        uint64_t line = nnact_table_line(t, r);
        if (line <= prev) abort();
        prev = line;
    }
    if (pick & 0x80) { /* a reversed subset keeps every row's values and line */
        size_t *order = malloc(rows * sizeof *order);
        if (order == NULL) return;
        for (size_t r = 0; r < rows; r++) order[r] = rows - 1 - r;
        nnact_table *s = NULL;
        if (nnact_table_subset(t, rows, order, &s) == NNACT_OK) {
            for (size_t r = 0; r < rows; r++)
                if (nnact_table_line(s, r) != nnact_table_line(t, order[r]) ||
                    memcmp(nnact_table_features(s) + r * nf, x + order[r] * nf,
                           nf * sizeof(double)) != 0)
                    abort();
            nnact_table_free(s);
        }
        free(order);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    uint8_t pick = data[0];
    nnact_read_options *o = NULL;
    if (nnact_read_options_create(&o) != NNACT_OK) return 0;
    nnact_read_options_set_int(o, NNACT_READ_DELIMITER, delimiters[pick & 7]);
    nnact_read_options_set_int(o, NNACT_READ_HEADER, (pick >> 3) % 3);
    nnact_read_options_set_int(o, NNACT_READ_COMMENTS, (pick >> 5) & 1);
    nnact_read_options_set_int(o, NNACT_READ_TASK, (pick >> 6) & 1);
    nnact_read_options_set_int(o, NNACT_READ_LABEL_ORDER, (pick >> 7) & 1);
    nnact_read_options_set_targets(o, target_lists[(pick >> 3) & 3]);
    if (pick % 11 == 0) nnact_read_options_set_int(o, NNACT_READ_MAX_ROWS, 5);
    nnact_table *t = (nnact_table *)&pick;
    nnact_status s = nnact_table_read_buffer(data + 1, size - 1, "fuzz", o, &t);
    if (s == NNACT_OK) {
        check_table(t, pick);
        nnact_table_free(t);
    } else {
        const char *d = nnact_last_error();
        if (t != NULL || d[0] == '\0') abort();
        for (; *d != '\0'; d++)
            if ((unsigned char)*d < 0x20 || (unsigned char)*d >= 0x7f) abort();
    }
    nnact_read_options_free(o);
    return 0;
}
