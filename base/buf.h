/* buf.h - the growable byte string and the block writer every output format
 * uses.
 *
 * Writers build text in an rs_buf and hand it to stdio in blocks of about
 * BUF_BLOCK bytes, so a writer's memory is bounded whatever it writes. The
 * append functions are inline: writers call them for every field of every
 * node and edge. Growth goes through base/alloc.h and aborts on OOM.
 */
#ifndef RINGSCAN_BUF_H
#define RINGSCAN_BUF_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A growable byte string, always NUL-terminated when len > 0 or after use.
 * Zero-initialised ({0}) it is empty and valid; the struct owns data until
 * buf_free. */
typedef struct {
    char *data;
    size_t len, cap;
} rs_buf;

/* The out-of-line growth behind buf_reserve (aborts on OOM or overflow). */
void buf_reserve_slow(rs_buf *b, size_t extra);

/* Ensures room for extra more bytes plus the NUL. */
static inline void buf_reserve(rs_buf *b, size_t extra)
{
    if (extra >= b->cap - b->len || !b->data)
        buf_reserve_slow(b, extra);
}

static inline void buf_append(rs_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buf_puts(rs_buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static inline void buf_putc(rs_buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

/* Appends formatted text (a vsnprintf error appends nothing). */
void buf_printf(rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v in decimal, as "%lld" writes it, without printf's parsing (writers call
 * it for every node and edge). */
void buf_put_int(rs_buf *b, long long v);
/* Empties b and keeps its memory for reuse. */
void buf_clear(rs_buf *b);
/* Releases b's memory and leaves it empty and reusable. */
void buf_free(rs_buf *b);

/* Writes the buffer's bytes to f and empties it. Returns 0, or -1 on a write
 * error (the buffer is emptied either way). */
int buf_flush(rs_buf *b, FILE *f);

/* The block writer every output format uses: text is built in a buffer and
 * handed to stdio once it holds more than BUF_BLOCK bytes, so a writer's
 * memory is bounded whatever it writes. A write error sets *rc to -1 (and a
 * later success does not clear it); the caller ends with buf_flush. */
#define BUF_BLOCK (1u << 20)
static inline void buf_spill(rs_buf *b, FILE *f, int *rc)
{
    if (b->len > BUF_BLOCK && buf_flush(b, f))
        *rc = -1;
}

#endif
