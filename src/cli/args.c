/* Command-line values: the rules of args.h, shared by nnact and nnact-bench. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "nnact/nnact.h"

/* Reasons with numbers in them; the tools are single-threaded. */
static char reason[1024];

const char *cli_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
    uint64_t v;
    const char *why = cli_parse_u64(s, &v);
    if (why != NULL) return why;
    if (v < min || v > max) {
        snprintf(reason, sizeof reason, "is outside %zu..%zu", min, max);
        return reason;
    }
    *out = (size_t)v;
    return NULL;
}

const char *cli_parse_u64(const char *s, uint64_t *out)
{
    /* strtoull alone would skip spaces and accept a sign ("-1" wraps) */
    if (s[0] < '0' || s[0] > '9') return "is not a non-negative integer (digits only)";
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return "is too large";
        v = v * 10 + d;
    }
    if (s[i] != '\0') return "has junk after the number";
    *out = v;
    return NULL;
}

const char *cli_parse_real(const char *s, double lo, double hi, double *out)
{
    const char *digits = s + (s[0] == '-' || s[0] == '+');
    if (!((digits[0] >= '0' && digits[0] <= '9') || digits[0] == '.'))
        return "is not a finite number";
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        return "is not a decimal number";
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0') return "is not a number (junk after it)";
    /* overflow is refused; an underflow (ERANGE with a subnormal or zero
       result) is the correctly rounded value, as 5e-324 is the least double */
    if (!isfinite(v)) return "is not a finite number in range";
    if (v < lo || v > hi) {
        snprintf(reason, sizeof reason, "is outside [%g, %g]", lo, hi);
        return reason;
    }
    *out = v;
    return NULL;
}

const char *cli_quote(const char *s)
{
    static char bufs[4][4 * CLI_QUOTE_MAX + 8];
    static unsigned next;
    static const char hex[] = "0123456789abcdef";
    char *buf = bufs[next++ % 4];
    if (s == NULL) s = "(null)";
    size_t o = 0, i = 0;
    for (; s[i] != '\0' && i < CLI_QUOTE_MAX; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\t' || c == '\r' || c == '\'' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        } else {
            buf[o++] = (char)c;
        }
    }
    if (s[i] != '\0') {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

void cli_vprint_clean(FILE *out, const char *fmt, va_list ap)
{
    char text[1001];
    vsnprintf(text, sizeof text, fmt, ap);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c < 0x20 || *c == 0x7f)
            fprintf(out, "\\x%02x", *c);
        else
            fputc(*c, out);
    }
}

/* The last cli_fail line (unprinted bytes as written): under mpirun a rank
   other than 0 prints to /dev/null, and rank 0 shows this line instead. */
static char last_failure[1024];

int cli_fail(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nnact %s: ", command);
    va_start(ap, fmt);
    int at = snprintf(last_failure, sizeof last_failure, "nnact %s: ", command);
    if (at > 0 && (size_t)at < sizeof last_failure) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(last_failure + at, sizeof last_failure - (size_t)at, fmt, copy);
        va_end(copy);
    }
    cli_vprint_clean(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

const char *cli_last_failure(void)
{
    return last_failure;
}

const char *cli_library_reason(void)
{
    const char *d = nnact_last_error();
    const char *colon = strncmp(d, "nnact_", 6) == 0 ? strstr(d, ": ") : NULL;
    snprintf(reason, sizeof reason, "%s", colon ? colon + 2 : d);
    return reason;
}

const char *cli_output_path_problem(const char *path)
{
    struct stat st;
    if (path[0] == '\0') return "is empty";
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return "is not a regular file: the target is a directory";
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return "is not a regular file";
    /* the directory the file goes into: everything up to the last '/' */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if ((size_t)(slash - path) >= sizeof dir) {
        return NULL; /* too long to check here: the save reports it */
    } else {
        const size_t len = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    const char *quoted = cli_quote(dir);
    if (stat(dir, &st) != 0) {
        snprintf(reason, sizeof reason, "cannot be written: its directory '%s' %s", quoted,
                 errno == ENOENT ? "does not exist" : strerror(errno));
        return reason;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(reason, sizeof reason, "cannot be written: '%s' is not a directory", quoted);
        return reason;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(reason, sizeof reason, "cannot be written: its directory '%s' is not writable",
                 quoted);
        return reason;
    }
    return NULL;
}

const char *cli_parse_kind(enum cli_family f, const char *s, int *kind)
{
    nnact_status st = NNACT_ERR_ARG;
    switch (f) {
    case CLI_ACT: {
        nnact_act_kind k;
        if ((st = nnact_act_from_name(s, &k)) == NNACT_OK) *kind = (int)k;
        break;
    }
    case CLI_LOSS: {
        nnact_loss_kind k;
        if ((st = nnact_loss_from_name(s, &k)) == NNACT_OK) *kind = (int)k;
        break;
    }
    case CLI_OPT: {
        nnact_opt_kind k;
        if ((st = nnact_opt_from_name(s, &k)) == NNACT_OK) *kind = (int)k;
        break;
    }
    case CLI_SCHED: {
        nnact_sched_kind k;
        if ((st = nnact_sched_from_name(s, &k)) == NNACT_OK) *kind = (int)k;
        break;
    }
    case CLI_INIT: {
        nnact_init_kind k;
        if ((st = nnact_init_from_name(s, &k)) == NNACT_OK) *kind = (int)k;
        break;
    }
    }
    /* every family's from_name lists the valid names in its detail */
    return st == NNACT_OK ? NULL : cli_library_reason();
}

size_t cli_kind_count(enum cli_family f)
{
    switch (f) {
    case CLI_ACT:
        return nnact_act_count();
    case CLI_LOSS:
        return nnact_loss_count();
    case CLI_OPT:
        return nnact_opt_count();
    case CLI_SCHED:
        return nnact_sched_count();
    case CLI_INIT:
        return nnact_init_count();
    }
    return 0;
}

const char *cli_kind_name(enum cli_family f, size_t i)
{
    if (i >= cli_kind_count(f)) return NULL;
    switch (f) {
    case CLI_ACT:
        return nnact_act_name((nnact_act_kind)i);
    case CLI_LOSS:
        return nnact_loss_name((nnact_loss_kind)i);
    case CLI_OPT:
        return nnact_opt_name((nnact_opt_kind)i);
    case CLI_SCHED:
        return nnact_sched_name((nnact_sched_kind)i);
    case CLI_INIT:
        return nnact_init_name((nnact_init_kind)i);
    }
    return NULL;
}

void cli_print_kinds(FILE *out, enum cli_family f, const char *indent, size_t width)
{
    const size_t n = cli_kind_count(f);
    size_t col = strlen(indent);
    for (size_t i = 0; i < n; i++) {
        const char *name = cli_kind_name(f, i);
        const size_t len = strlen(name) + (i + 1 < n);
        if (i > 0 && col + 1 + len > width) {
            fprintf(out, "\n%s", indent);
            col = strlen(indent);
        } else if (i > 0) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%s%s", name, i + 1 < n ? "," : "");
        col += len;
    }
    fputc('\n', out);
}
