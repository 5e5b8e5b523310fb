/* buf.c - the growable byte string; see buf.h. */
#include "base/buf.h"

#include "base/alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_reserve_slow(rs_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        alloc_fail(SIZE_MAX);
    alloc_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

void buf_put_int(rs_buf *b, long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    buf_append(b, tmp + i, sizeof tmp - i);
}

void buf_printf(rs_buf *b, const char *fmt, ...)
{
    /* One vsnprintf into spare room in the common case, a second only when
     * the text did not fit. */
    buf_reserve(b, 256);
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void buf_clear(rs_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int buf_flush(rs_buf *b, FILE *f)
{
    int rc = b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
    buf_clear(b);
    return rc;
}

void buf_free(rs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
