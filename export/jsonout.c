/* jsonout.c - see jsonout.h.
 *
 * Control escaping post-processes jansson's output as it streams out of
 * json_dump_callback. This is sound because jansson writes every string as
 * valid UTF-8 between quotes and nothing outside strings but ASCII structure,
 * numbers and literals: a DEL byte or a C2 80..C2 9F pair (C1) can only be a
 * character inside a string, and a backslash only starts an escape. A small
 * state machine carries a split escape or pair across callback chunks. O(n).
 */
#include "export/jsonout.h"

#include "base/utf8.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "export/escape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *jout_stringn(const char *s, size_t n)
{
    rs_buf b = {0};
    escape_utf8(&b, s ? s : "", s ? n : 0);
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    buf_free(&b);
    return j ? j : json_string("");
}

json_t *jout_string(const char *s)
{
    return jout_stringn(s, s ? strlen(s) : 0);
}

json_t *jout_real(double v)
{
    if (!isfinite(v))
        return json_null();
    json_t *j = json_real(v);
    return j ? j : json_null();
}

/* --- control escaping ------------------------------------------------------- */

enum { J_TEXT, J_BACKSLASH, J_HEX, J_C2 };

typedef struct {
    rs_buf out;
    FILE *f; /* spill target, or NULL to keep everything in out */
    int rc;  /* -1 after a write error */
    int state;
    char hex[4]; /* digits of a \u escape read so far */
    int nhex;
    uint64_t count;
} jclean;

static void put_u(jclean *c, unsigned cp)
{
    static const char digits[] = "0123456789abcdef";
    char e[6] = {'\\', 'u', '0', '0', digits[(cp >> 4) & 15], digits[cp & 15]};
    buf_append(&c->out, e, sizeof e);
    c->count++;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* The four digits of a \u escape are in c->hex: a control (C0, or DEL and
 * C1 under JSON_ENSURE_ASCII) is rewritten in lowercase and counted,
 * anything else passes unchanged. */
static void end_hex(jclean *c)
{
    int v = 0;
    for (int k = 0; k < 4 && v >= 0; k++) {
        int d = hex_value(c->hex[k]);
        v = d < 0 ? -1 : v * 16 + d;
    }
    if (v >= 0 && (v < 0x20 || (v >= 0x7F && v < 0xA0))) {
        put_u(c, (unsigned)v);
    } else {
        buf_append(&c->out, "\\u", 2);
        buf_append(&c->out, c->hex, 4);
    }
    c->state = J_TEXT;
}

/* The byte after a backslash. */
static void after_backslash(jclean *c, char ch)
{
    c->state = J_TEXT;
    if (ch == 'u') {
        c->state = J_HEX;
        c->nhex = 0;
    } else if (ch == 'b') {
        put_u(c, 0x08);
    } else if (ch == 'f') {
        put_u(c, 0x0C);
    } else {
        char e[2] = {'\\', ch};
        buf_append(&c->out, e, 2);
    }
}

static void jclean_feed(jclean *c, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (c->state == J_TEXT) {
            size_t j = i;
            while (j < n && p[j] != '\\' && p[j] != 0x7F && p[j] != 0xC2)
                j++;
            buf_append(&c->out, s + i, j - i);
            if (j == n)
                break;
            i = j + 1;
            if (p[j] == 0x7F)
                put_u(c, 0x7F);
            else
                c->state = p[j] == '\\' ? J_BACKSLASH : J_C2;
            continue;
        }
        char ch = s[i++];
        if (c->state == J_BACKSLASH) {
            after_backslash(c, ch);
        } else if (c->state == J_HEX) {
            c->hex[c->nhex++] = ch;
            if (c->nhex == 4)
                end_hex(c);
        } else { /* J_C2: C1 when the next byte is 80..9F */
            c->state = J_TEXT;
            if ((unsigned char)ch >= 0x80 && (unsigned char)ch < 0xA0) {
                put_u(c, (unsigned char)ch);
            } else {
                buf_putc(&c->out, (char)0xC2);
                i--; /* the byte is ordinary text */
            }
        }
    }
}

static int jclean_cb(const char *buffer, size_t size, void *data)
{
    jclean *c = data;
    jclean_feed(c, buffer, size);
    if (c->f)
        buf_spill(&c->out, c->f, &c->rc);
    return 0;
}

/* Serialises v into c; pending bytes of a cut-off escape (only after a
 * jansson failure) are written as they came. Returns 0 or -1. */
static int jclean_dump(jclean *c, const json_t *v, size_t flags)
{
    int rc = json_dump_callback(v, jclean_cb, c, flags) != 0 ? -1 : 0;
    if (c->state == J_BACKSLASH)
        buf_putc(&c->out, '\\');
    else if (c->state == J_HEX) {
        buf_append(&c->out, "\\u", 2);
        buf_append(&c->out, c->hex, (size_t)c->nhex);
    } else if (c->state == J_C2)
        buf_putc(&c->out, (char)0xC2);
    c->state = J_TEXT;
    utf8_controls_add(c->count);
    c->count = 0;
    return rc;
}

int jout_write(FILE *f, const json_t *v)
{
    jclean c = {.f = f};
    int rc = jclean_dump(&c, v, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    buf_putc(&c.out, '\n');
    if (buf_flush(&c.out, f) || c.rc)
        rc = -1;
    buf_free(&c.out);
    return rc;
}

char *jout_dumps(const json_t *v, size_t flags)
{
    jclean c = {0};
    if (jclean_dump(&c, v, flags) != 0) {
        buf_free(&c.out);
        return NULL;
    }
    if (!c.out.data)
        return xstrdup("");
    return c.out.data;
}
