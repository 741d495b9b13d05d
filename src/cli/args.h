/* Command-line values for nnact and nnact-bench: one set of rules for every
 * option. Each parser returns NULL on success, or the reason the value was
 * refused, a short phrase for a one-line usage error (static text, or the
 * library's detail without its function name; valid until the next call). */
#ifndef NNACT_CLI_ARGS_H
#define NNACT_CLI_ARGS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decimal digits only (no sign, space, prefix or suffix), no overflow, and
 * within [min, max]. */
const char *cli_parse_size(const char *s, size_t min, size_t max, size_t *out);
const char *cli_parse_u64(const char *s, uint64_t *out);

/* A finite decimal number (no leading space, no NaN or Inf, no trailing
 * junk) within [lo, hi]; pass -HUGE_VAL/HUGE_VAL for no bound. */
const char *cli_parse_real(const char *s, double lo, double hi, double *out);

/* The enumerated families, matched case-insensitively through their
 * nnact_<family>_from_name (aliases accepted); a refusal lists the valid names. */
enum cli_family { CLI_ACT, CLI_LOSS, CLI_OPT, CLI_SCHED, CLI_INIT };
const char *cli_parse_kind(enum cli_family f, const char *s, int *kind);
/* Canonical name of kind i (NULL past the end) and the number of kinds. */
const char *cli_kind_name(enum cli_family f, size_t i);
size_t cli_kind_count(enum cli_family f);
/* The family's names, comma-separated, wrapped after `width` columns with
 * continuation lines starting with `indent`. */
void cli_print_kinds(FILE *out, enum cli_family f, const char *indent, size_t width);

/* User bytes (an argument, a path, a file's text) for a message: control
 * characters, '\'', '\\' and bytes >= 0x7f escaped (\n, \t, \xHH) and the
 * value cut after CLI_QUOTE_MAX characters with "..." appended. The result
 * lives in one of four static buffers used in turn: at most four per
 * message (the tools are single-threaded). NULL reads as "(null)". */
#define CLI_QUOTE_MAX 64
const char *cli_quote(const char *s);

/* vfprintf(out, fmt, ap) with every control byte of the formatted text
 * escaped as \xHH (the last line of defence for a value that did not go
 * through cli_quote: a message is always one line of plain text). The text is
 * cut at 1000 bytes. */
void cli_vprint_clean(FILE *out, const char *fmt, va_list ap);

/* "nnact COMMAND: message" on stderr through cli_vprint_clean; returns
 * CLI_FAILED (1). For run-time failures; cli_usage_error (cli.h) for usage. */
int cli_fail(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* nnact_last_error() without its leading "nnact_function: ": every message
 * the tools print from the library goes through it (no internal names). */
const char *cli_library_reason(void);

/* The last line cli_fail printed ("nnact COMMAND: message", unescaped); ""
   before any. */
const char *cli_last_failure(void);

/* Why a file cannot be written at path (it is a directory or another
 * non-regular file, its directory
 * does not exist, is not one or is not writable), or NULL when it looks
 * writable: checked before a long run, so the run does not fail at the end. */
const char *cli_output_path_problem(const char *path);

#endif /* NNACT_CLI_ARGS_H */
