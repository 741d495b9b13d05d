/* libFuzzer harness: arbitrary bytes into the command-line value parsers
 * (src/cli/args.c), the escaping of user bytes for messages (cli_quote,
 * cli_vprint_clean) and the whole option parsing of `nnact gradcheck` with its
 * pre-build parameter count (src/cli/cmd_gradcheck.c). The tool's sources are
 * compiled into the harness (they are not part of the library run.sh builds).
 *
 * Properties, each an abort() when broken:
 *  - no crash, no sanitizer report, no leak;
 *  - an integer accepted is in [min, max], its text is decimal digits only,
 *    and printing it gives the text without leading zeros (a round trip);
 *    a text of at most 19 digits in range is accepted (no false refusal);
 *  - a real accepted is finite, in [lo, hi], equals strtod of the text bit
 *    for bit, and its "%.17g" parses back to the same bits;
 *  - a kind accepted is below the family's count, and its canonical name
 *    parses to the same kind; a refusal's reason is one line of plain text;
 *  - a quoted value is plain text (no control byte), at most
 *    4 CLI_QUOTE_MAX + 3 bytes, and equal to the input when that is short
 *    printable text with nothing to escape;
 *  - gradcheck's options: CLI_OK or CLI_USAGE; when OK every value is within
 *    its documented range. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/args.c"
#include "../../src/cli/cmd_gradcheck.c"
#include "../../src/cli/random.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Usage errors are expected by the thousand: they go to /dev/null, so that
   libFuzzer's own report on stderr stays readable. */
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    if (sink == NULL) abort();
    return 0;
}

/* The harness stands in for main.c's helper (main.c has main()). */
int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(sink, "nnact %s: ", command);
    va_start(ap, fmt);
    cli_vprint_clean(sink, fmt, ap);
    va_end(ap);
    fputc('\n', sink);
    return CLI_USAGE;
}

static void print_clean(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vprint_clean(sink, fmt, ap);
    va_end(ap);
}

static int plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f) return 0;
    return 1;
}

static int all_digits(const char *s)
{
    if (*s == '\0') return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static void check_integers(const char *s, uint64_t a, uint64_t b)
{
    const uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    size_t v = 0;
    const char *why = cli_parse_size(s, (size_t)lo, (size_t)hi, &v);
    const char *digits = s;
    while (digits[0] == '0' && digits[1] != '\0')
        digits++; /* the text without leading zeros ("0" stays) */
    if (why == NULL) {
        char back[32];
        snprintf(back, sizeof back, "%zu", v);
        if (!all_digits(s) || v < lo || v > hi || strcmp(back, digits) != 0) abort();
    } else {
        if (why[0] == '\0' || !plain(why)) abort();
        if (all_digits(s) && strlen(digits) <= 19) {
            const uint64_t w = strtoull(s, NULL, 10);
            if (w >= lo && w <= hi) abort(); /* refused a valid value */
        }
    }
    uint64_t u = 0;
    why = cli_parse_u64(s, &u);
    if (why == NULL) {
        char back[32];
        snprintf(back, sizeof back, "%llu", (unsigned long long)u);
        if (!all_digits(s) || strcmp(back, digits) != 0) abort();
    } else if (all_digits(s) && strlen(digits) <= 19) {
        abort();
    }
}

static void check_real(const char *s, double a, double b)
{
    if (!(isfinite(a) && isfinite(b))) a = -HUGE_VAL, b = HUGE_VAL;
    const double lo = a < b ? a : b, hi = a < b ? b : a;
    double v = NAN;
    const char *why = cli_parse_real(s, lo, hi, &v);
    if (why == NULL) {
        char *end = NULL;
        const double w = strtod(s, &end);
        if (!isfinite(v) || v < lo || v > hi || *end != '\0' || memcmp(&v, &w, sizeof v) != 0)
            abort();
        char back[40];
        snprintf(back, sizeof back, "%.17g", v);
        const double r = strtod(back, NULL);
        if (memcmp(&r, &v, sizeof v) != 0 && !(r == 0.0 && v == 0.0)) abort();
    } else if (why[0] == '\0' || !plain(why)) {
        abort();
    }
}

static void check_kind(const char *s, unsigned f)
{
    const enum cli_family fam = (enum cli_family)(f % 5u);
    int k = -1;
    const char *why = cli_parse_kind(fam, s, &k);
    if (why == NULL) {
        if (k < 0 || (size_t)k >= cli_kind_count(fam)) abort();
        int k2 = -1;
        if (cli_parse_kind(fam, cli_kind_name(fam, (size_t)k), &k2) != NULL || k2 != k) abort();
    } else if (why[0] == '\0' || !plain(why)) {
        abort();
    }
}

static void check_quote(const char *s)
{
    const char *q = cli_quote(s);
    if (!plain(q) || strlen(q) > 4 * CLI_QUOTE_MAX + 3) abort();
    int simple = strlen(s) <= CLI_QUOTE_MAX;
    for (const char *c = s; simple && *c; c++)
        simple = *c >= 0x20 && *c < 0x7f && *c != '\'' && *c != '\\';
    if (simple && strcmp(q, s) != 0) abort();
}

/* The rest of the input as `nnact gradcheck` arguments, split at NUL bytes. */
static void check_gradcheck_opts(char *text, size_t n)
{
    char *argv[34] = {"gradcheck"};
    int argc = 1;
    for (size_t i = 0; i < n && argc < 33;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;
    struct gc_opts o;
    const int rc = parse_opts(argc, argv, &o);
    if (rc != CLI_OK && rc != CLI_USAGE) abort();
    if (rc == CLI_OK) {
        if (o.layers == NULL || o.batch < 1 || !(o.tol > 0.0) || o.max_params > CHECK_CEILING ||
            !(o.h >= 0.0))
            abort();
        (void)spec_param_count(o.layers, o.no_bias ? 0 : 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 17) return 0;
    /* 1 byte: what to parse; 16 bytes: bounds; then the text */
    const unsigned what = data[0];
    uint64_t a, b;
    memcpy(&a, data + 1, 8);
    memcpy(&b, data + 9, 8);
    double ra, rb;
    memcpy(&ra, &a, 8);
    memcpy(&rb, &b, 8);
    const size_t n = size - 17;
    char *text = malloc(n + 2);
    if (text == NULL) return 0;
    memcpy(text, data + 17, n);
    text[n] = text[n + 1] = '\0';
    switch (what % 5u) {
    case 0:
        /* small bounds half the time, so "in range" is reachable */
        check_integers(text, (what & 0x80) ? a % 1000u : a, (what & 0x40) ? b % 100000u : b);
        break;
    case 1:
        check_real(text, ra, rb);
        break;
    case 2:
        check_kind(text, what >> 3);
        break;
    case 3:
        check_quote(text);
        print_clean("value '%s' and raw %s", cli_quote(text), text);
        break;
    default:
        check_gradcheck_opts(text, n);
        (void)spec_param_count(text, what & 1u);
        break;
    }
    free(text);
    return 0;
}
