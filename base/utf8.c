/* utf8.c - see utf8.h. The validator follows the well-formed byte sequence
 * table of Unicode 15, section 3.9 (table 3-7). The control counter is a
 * relaxed atomic: it is a statistic, read once the writers are done. */
#include "base/utf8.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static _Atomic uint64_t controls_replaced;

void utf8_controls_add(uint64_t n)
{
    if (n)
        atomic_fetch_add_explicit(&controls_replaced, n, memory_order_relaxed);
}

uint64_t utf8_controls_replaced(void)
{
    return atomic_load_explicit(&controls_replaced, memory_order_relaxed);
}

void utf8_control_picture(int cp, char out[UTF8_PICTURE_LEN])
{
    if (cp >= 0 && cp < 0x20) { /* U+2400 + cp */
        out[0] = (char)0xE2;
        out[1] = (char)0x90;
        out[2] = (char)(0x80 + cp);
    } else if (cp == 0x7F) { /* U+2421 SYMBOL FOR DELETE */
        out[0] = (char)0xE2;
        out[1] = (char)0x90;
        out[2] = (char)0xA1;
    } else { /* U+FFFD */
        out[0] = (char)0xEF;
        out[1] = (char)0xBF;
        out[2] = (char)0xBD;
    }
}

/* The terminal rendering of the character at s[0..n): its length in s (1 for
 * an invalid byte) and, in out[0..*olen), what stands for it. *ctl is 1 when
 * a control was replaced. */
static size_t terminal_char(const unsigned char *s, size_t n, const char **out, size_t *olen,
                            char pic[UTF8_PICTURE_LEN], int *ctl)
{
    size_t l = utf8_seq_len(s, n);
    int cp = l ? utf8_control(s, l) : -1;
    *ctl = cp >= 0;
    if (l && cp < 0) {
        *out = (const char *)s;
        *olen = l;
        return l;
    }
    utf8_control_picture(l ? cp : 0x80, pic); /* 0x80: U+FFFD for invalid bytes */
    *out = pic;
    *olen = UTF8_PICTURE_LEN;
    return l ? l : 1;
}

size_t utf8_sanitize_terminal(char *dst, size_t dstlen, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, j = 0;
    uint64_t count = 0;
    if (!dstlen)
        return 0;
    while (i < n) {
        const char *o;
        size_t ol;
        char pic[UTF8_PICTURE_LEN];
        int ctl;
        size_t l = terminal_char(p + i, n - i, &o, &ol, pic, &ctl);
        if (ol >= dstlen - j)
            break;
        memcpy(dst + j, o, ol);
        j += ol;
        i += l;
        count += (uint64_t)ctl;
    }
    dst[j] = '\0';
    utf8_controls_add(count);
    return i;
}

void utf8_sanitize_terminal_buf(rs_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint64_t count = 0;
    buf_append(out, "", 0); /* NUL-terminated even when n is 0 */
    while (i < n) {
        const char *o;
        size_t ol;
        char pic[UTF8_PICTURE_LEN];
        int ctl;
        i += terminal_char(p + i, n - i, &o, &ol, pic, &ctl);
        buf_append(out, o, ol);
        count += (uint64_t)ctl;
    }
    utf8_controls_add(count);
}

void utf8_diag(FILE *f, const char *prefix, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    if ((size_t)n >= sizeof msg) { /* cut: drop a half character (else shown as U+FFFD) */
        while (len && (msg[len - 1] & 0xC0) == 0x80)
            len--;
        if (len && (unsigned char)msg[len - 1] >= 0xC0)
            len--;
    }
    rs_buf b = {0};
    utf8_sanitize_terminal_buf(&b, msg, len);
    fprintf(f, "%s%s\n", prefix, b.data);
    buf_free(&b);
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[2] & 0xC0) != 0x80)
            return 0;
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return s[1] >= lo && s[1] <= hi ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= lo && s[1] <= hi ? 4 : 0;
    }
    return 0;
}

int utf8_check(const char *s, size_t n, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* Fast path: 8 ASCII bytes with no NUL. */
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t has_zero = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
            if (!(w & 0x8080808080808080ull) && !has_zero) {
                i += 8;
                continue;
            }
        }
        if (p[i] == 0) {
            *bad = i;
            return UTF8_NUL;
        }
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l) {
            *bad = i;
            return UTF8_INVALID;
        }
        i += l;
    }
    return UTF8_OK;
}
