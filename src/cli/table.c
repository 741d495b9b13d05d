/* Reading a user's table for train, eval and predict, and matching it to a
 * model: the library reads and checks every cell (nnact/data.h); this file
 * turns its details into one-line messages and lines the columns and classes
 * up with the model's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/table.h"

int cli_parse_header(const char *cmd, const char *value, int *header)
{
    static const char *const names[] = {"auto", "yes", "no"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(value, names[i]) == 0) {
            *header = i; /* NNACT_READ_HEADER: 0 detect, 1 a header, 2 none */
            return CLI_OK;
        }
    return cli_usage_error(cmd, "--header '%s': not one of auto, yes, no", cli_quote(value));
}

int cli_parse_max_rows(const char *cmd, const char *value, int64_t *rows)
{
    size_t v = 0;
    const char *why = cli_parse_size(value, 1, (size_t)INT64_MAX, &v);
    if (why != NULL) return cli_usage_error(cmd, "--max-rows '%s': %s", cli_quote(value), why);
    *rows = (int64_t)v;
    return CLI_OK;
}

/* Reads path, or from memory when buf is not NULL (standard input read once
 * and parsed again). */
static nnact_status read_table(const char *path, const char *targets, int classify, int comments,
                               const struct cli_read_settings *s, const void *buf, size_t size,
                               nnact_table **out)
{
    nnact_read_options *ro = NULL;
    nnact_status st = nnact_read_options_create(&ro);
    if (st == NNACT_OK && targets != NULL) st = nnact_read_options_set_targets(ro, targets);
    if (st == NNACT_OK && classify)
        st = nnact_read_options_set_int(ro, NNACT_READ_TASK, NNACT_TASK_CLASSIFY);
    if (st == NNACT_OK && comments) st = nnact_read_options_set_int(ro, NNACT_READ_COMMENTS, 1);
    if (st == NNACT_OK) st = nnact_read_options_set_int(ro, NNACT_READ_HEADER, s->header);
    if (st == NNACT_OK) st = nnact_read_options_set_int(ro, NNACT_READ_MAX_ROWS, s->max_rows);
    if (st == NNACT_OK)
        st = buf != NULL ? nnact_table_read_buffer(buf, size, "<stdin>", ro, out)
                         : nnact_table_read_path(path, ro, out);
    nnact_read_options_free(ro);
    return st;
}

static int over_limit(void)
{
    return strstr(cli_library_reason(), "(NNACT_READ_MAX_ROWS)") != NULL;
}

/* The one-line error for a failed read: the library's detail, which names
 * the file, line, column and cell, quoted, in the tool's words where it
 * names a reading option (the command-line option, not the library's key). */
static int read_failed(const char *cmd, const char *path, const struct cli_read_settings *s)
{
    static const char header_key[] = "(force one with NNACT_READ_HEADER)";
    const char *why = cli_library_reason(), *key = strstr(why, header_key);
    if (over_limit())
        return cli_fail(cmd,
                        "%s: more than %lld data rows, the limit: raise it with --max-rows N "
                        "(default %d)",
                        strcmp(path, "-") == 0 ? "<stdin>" : cli_quote(path),
                        (long long)s->max_rows, CLI_MAX_ROWS_DEFAULT);
    if (key != NULL)
        return cli_fail(cmd, "%.*s(force one with --header yes, or give --target by number)%s",
                        (int)(key - why), why, key + strlen(header_key));
    return cli_fail(cmd, "%s", why);
}

int cli_table_read_with(const char *cmd, const char *path, const char *targets, int classify,
                        int comments, const struct cli_read_settings *s, nnact_table **out)
{
    return read_table(path, targets, classify, comments, s, NULL, 0, out) == NNACT_OK
               ? CLI_OK
               : read_failed(cmd, path, s);
}

int cli_table_read(const char *cmd, const char *path, const char *targets, int classify,
                   int comments, nnact_table **out)
{
    const struct cli_read_settings s = CLI_READ_DEFAULTS;
    return cli_table_read_with(cmd, path, targets, classify, comments, &s, out);
}

/* All of standard input (predict parses it twice, so it is kept), but only
 * up to the row limit: *over is set, and the rest left unread, once there
 * are more non-blank lines than max_rows data rows and a header. Any row
 * the reader counts is a non-blank line, so input within the limit is read
 * whole and the reader then applies the exact limit. NULL when it cannot be
 * read. */
static char *slurp_stdin(int64_t max_rows, size_t *size, int *over)
{
    size_t cap = 1 << 16, n = 0;
    uint64_t lines = 0;
    int blank = 1;
    char *buf = malloc(cap);
    *over = 0;
    while (buf != NULL) {
        const size_t got = fread(buf + n, 1, cap - n, stdin);
        for (size_t i = n; i < n + got; i++) {
            const char c = buf[i];
            if (c == '\n') {
                lines += !blank;
                blank = 1;
            } else if (c != '\r' && c != ' ' && c != '\t') {
                blank = 0;
            }
        }
        n += got;
        if (lines > (uint64_t)max_rows + 1) {
            *over = 1;
            break;
        }
        if (n < cap) break;
        char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (bigger == NULL) free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (buf != NULL && ferror(stdin)) {
        free(buf);
        buf = NULL;
    }
    *size = n;
    return buf;
}

int cli_table_read_inputs(const char *cmd, const char *path, const nnact_net *net,
                          const char *targets, const struct cli_read_settings *s, nnact_table **out)
{
    size_t size = 0;
    char *buf = NULL;
    int over = 0;
    if (strcmp(path, "-") == 0 && (buf = slurp_stdin(s->max_rows, &size, &over)) == NULL)
        return cli_fail(cmd, "cannot read standard input");
    if (over) {
        free(buf);
        return cli_fail(cmd,
                        "<stdin>: more than %lld data rows, the limit: raise it with --max-rows N "
                        "(default %d)",
                        (long long)s->max_rows, CLI_MAX_ROWS_DEFAULT);
    }
    const int classify = nnact_net_class_count(net) > 0;
    nnact_status st = NNACT_ERR_FORMAT;
    if (targets != NULL) { /* the user's columns to ignore: they must be there */
        st = read_table(path, targets, classify, 0, s, buf, size, out);
    } else {
        const char *own = cli_model_targets(net);
        if (own != NULL) st = read_table(path, own, classify, 0, s, buf, size, out);
        /* no target columns in the file (or the model names none): all features */
        if (st != NNACT_OK && !over_limit()) st = read_table(path, NULL, 0, 0, s, buf, size, out);
    }
    free(buf);
    return st == NNACT_OK ? CLI_OK : read_failed(cmd, path, s);
}

size_t cli_print_label(FILE *out, const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            n += (size_t)fprintf(out, "\\x%02x", *p);
        else
            n += fputc(*p, out) != EOF;
    return n;
}

int cli_model_load(const char *cmd, const char *path, nnact_net **net)
{
    if (nnact_net_load(path, net) == NNACT_OK) return CLI_OK;
    const char *why = cli_library_reason();
    /* the loader names the path when it cannot open it, not a bad file's */
    if (strstr(why, "(path '") != NULL) return cli_fail(cmd, "%s", why);
    return cli_fail(cmd, "model '%s': %s", cli_quote(path), why);
}

int cli_table_map_labels(const char *cmd, const char *path, const nnact_table *t, size_t count,
                         const char *const *names, double *labels)
{
    const size_t k = nnact_table_class_count(t), n = nnact_table_rows(t);
    size_t *to = malloc((k ? k : 1) * sizeof *to);
    if (to == NULL) return cli_fail(cmd, "out of memory");
    for (size_t c = 0; c < k; c++) {
        to[c] = count;
        for (size_t i = 0; i < count && to[c] == count; i++)
            if (strcmp(nnact_table_class_name(t, c), names[i]) == 0) to[c] = i;
    }
    const double *src = nnact_table_targets(t);
    for (size_t r = 0; r < n; r++) {
        const size_t c = (size_t)src[r];
        if (to[c] == count) {
            free(to);
            return cli_fail(cmd, "%s:%llu: class '%s' was not seen in training", cli_quote(path),
                            (unsigned long long)nnact_table_line(t, r),
                            cli_quote(nnact_table_class_name(t, c)));
        }
        labels[r] = (double)to[c];
    }
    free(to);
    return CLI_OK;
}

/* Column j of t for each model input, by name; 0 with a message when a name
 * is missing or a file column is left over. */
static int match_by_name(const char *cmd, const char *path, const nnact_net *net,
                         const nnact_table *t, size_t *col)
{
    const size_t n_in = nnact_net_input_size(net), m = nnact_table_feature_count(t);
    for (size_t i = 0; i < n_in; i++) {
        const char *want = nnact_net_input_name(net, i);
        col[i] = m;
        for (size_t j = 0; j < m && col[i] == m; j++)
            if (strcmp(nnact_table_feature_name(t, j), want) == 0) col[i] = j;
        if (col[i] == m) {
            cli_fail(cmd, "%s: no column '%s', a feature of the model", cli_quote(path),
                     cli_quote(want));
            return 0;
        }
    }
    if (m != n_in) {
        cli_fail(cmd, "%s: %zu feature columns, the model reads %zu", cli_quote(path), m, n_in);
        return 0;
    }
    return 1;
}

int cli_table_features_for(const char *cmd, const char *path, const nnact_net *net,
                           const nnact_table *t, double **x)
{
    const size_t n_in = nnact_net_input_size(net), m = nnact_table_feature_count(t);
    const size_t n = nnact_table_rows(t);
    size_t *col = malloc(n_in * sizeof *col);
    *x = col ? malloc(n * n_in * sizeof **x) : NULL;
    if (*x == NULL) {
        free(col);
        return cli_fail(cmd, "out of memory");
    }
    const int named = n_in > 0 && m > 0 && nnact_table_feature_name(t, 0) != NULL &&
                      nnact_net_input_name(net, 0) != NULL;
    int ok = 1;
    if (named) {
        ok = match_by_name(cmd, path, net, t, col);
    } else if (m != n_in) {
        cli_fail(cmd, "%s: %zu feature columns, the model reads %zu", cli_quote(path), m, n_in);
        ok = 0;
    } else {
        for (size_t i = 0; i < n_in; i++)
            col[i] = i;
    }
    const double *f = nnact_table_features(t);
    for (size_t r = 0; ok && r < n; r++)
        for (size_t i = 0; i < n_in; i++)
            (*x)[r * n_in + i] = f[r * m + col[i]];
    free(col);
    if (!ok) {
        free(*x);
        *x = NULL;
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cli_model_set_names(const char *cmd, nnact_net *net, const char *const *features, size_t k,
                        const char *const *targets)
{
    nnact_status st = NNACT_OK;
    if (features != NULL) st = nnact_net_set_input_names(net, features);
    if (st == NNACT_OK && k > 0 && targets != NULL)
        st = nnact_net_set_target_names(net, k, targets);
    return st == NNACT_OK ? CLI_OK : cli_fail(cmd, "%s", cli_library_reason());
}

size_t cli_model_target_count(const nnact_net *net)
{
    return nnact_net_target_count(net);
}

const char *cli_model_target_name(const nnact_net *net, size_t i)
{
    return nnact_net_target_name(net, i);
}

const char *cli_model_targets(const nnact_net *net)
{
    static char list[4096];
    const size_t k = cli_model_target_count(net);
    size_t len = 0;
    for (size_t i = 0; i < k; i++) {
        const char *name = cli_model_target_name(net, i);
        /* a name with a comma cannot be listed: nnact_read_options_set_targets splits on it */
        if (strchr(name, ',') != NULL || len + strlen(name) + 2 > sizeof list) return NULL;
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? "," : "", name);
    }
    return k ? list : NULL;
}
