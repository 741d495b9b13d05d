/* Reading the whitespace-separated fixtures written by gen_optim_fixtures.py. */
#ifndef NNACT_TEST_OPTIM_FIXTURE_H
#define NNACT_TEST_OPTIM_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline FILE *fx_open(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", NNACT_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) fprintf(stderr, "cannot open fixture %s\n", path);
    return f;
}

/* next token, skipping '#' comment lines; "" at end of file */
static inline const char *fx_word(FILE *f)
{
    static char buf[256];
    for (;;) {
        if (fscanf(f, "%255s", buf) != 1) return "";
        if (buf[0] != '#') return buf;
        int c;
        while ((c = fgetc(f)) != EOF && c != '\n')
            ;
    }
}

static inline double fx_num(FILE *f)
{
    return strtod(fx_word(f), NULL);
}

static inline unsigned long long fx_u64(FILE *f)
{
    return strtoull(fx_word(f), NULL, 10);
}

/* reads the token and checks it is `want` */
static inline int fx_expect(FILE *f, const char *want)
{
    const char *w = fx_word(f);
    if (strcmp(w, want) != 0) {
        fprintf(stderr, "fixture: expected '%s', got '%s'\n", want, w);
        return 0;
    }
    return 1;
}

#endif
