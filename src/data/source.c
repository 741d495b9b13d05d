/* Lines from memory (no copy) or from a stream through one buffer that holds
 * at least the current line: the buffer starts at READ_CHUNK bytes and doubles
 * only when a line does not fit, so a long line costs about twice its length. */
#include <string.h>

#include "core/alloc.h"
#include "data/data_internal.h"

#define READ_CHUNK ((size_t)128 * 1024)

static size_t strip_cr(const char *line, size_t len)
{
    return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
}

static int next_from_memory(struct nnact__source *s, const char **line, size_t *len)
{
    if (s->pos >= s->mem_end) return 0;
    const char *nl = memchr(s->pos, '\n', (size_t)(s->mem_end - s->pos));
    const char *stop = nl != NULL ? nl : s->mem_end;
    *line = s->pos;
    *len = strip_cr(s->pos, (size_t)(stop - s->pos));
    s->pos = nl != NULL ? nl + 1 : s->mem_end;
    s->line++;
    return 1;
}

/* Makes room after s->end: moves the unread part to the front, or doubles the
 * buffer when the unread part fills it. */
static int make_room(struct nnact__source *s)
{
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->scanned -= s->start;
        s->start = 0;
    }
    if (s->end < s->cap) return 1;
    size_t cap = s->cap == 0 ? READ_CHUNK : s->cap * 2;
    if (cap < s->cap) return 0;
    char *b = nnact__malloc(cap);
    if (b == NULL) return 0;
    if (s->end > 0) memcpy(b, s->buf, s->end);
    nnact__free(s->buf);
    s->buf = b;
    s->cap = cap;
    return 1;
}

int nnact__source_next(struct nnact__source *s, const char **line, size_t *len)
{
    if (s->f == NULL) return next_from_memory(s, line, len);
    for (;;) {
        char *nl =
            s->end > s->scanned ? memchr(s->buf + s->scanned, '\n', s->end - s->scanned) : NULL;
        if (nl != NULL || (s->eof && s->end > s->start)) {
            size_t stop = nl != NULL ? (size_t)(nl - s->buf) : s->end;
            *line = s->buf + s->start;
            *len = strip_cr(*line, stop - s->start);
            s->start = s->scanned = nl != NULL ? stop + 1 : s->end;
            s->line++;
            return 1;
        }
        if (s->eof) return 0;
        s->scanned = s->end;
        if (!make_room(s)) return -NNACT_ERR_NOMEM;
        size_t got = fread(s->buf + s->end, 1, s->cap - s->end, s->f);
        s->end += got;
        if (got == 0) {
            if (ferror(s->f)) return -NNACT_ERR_IO;
            s->eof = 1;
        }
    }
}
