/* escape.c - output escaping; see escape.h. One pass per string, appending to a
 * growable buffer that writers flush in large blocks. Controls are counted
 * per call and added to the process-wide counter once, so the hot loops stay
 * free of atomics. */
#include "export/escape.h"

#include "base/utf8.h"

#include <string.h>

static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Appends the picture of control cp and counts it in *count. */
static void put_picture(rs_buf *out, int cp, uint64_t *count)
{
    char pic[UTF8_PICTURE_LEN];
    utf8_control_picture(cp, pic);
    buf_append(out, pic, UTF8_PICTURE_LEN);
    (*count)++;
}

void escape_utf8(rs_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint64_t count = 0;
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l || p[i] == 0) {
            buf_append(out, repl, 3);
            count += p[i] == 0;
            i++;
        } else {
            buf_append(out, s + i, l);
            i += l;
        }
    }
    utf8_controls_add(count);
}

void escape_xml(rs_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint64_t count = 0;
    buf_reserve(out, n + n / 8 + 8);
    while (i < n) {
        unsigned char c = p[i];
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l) {
            buf_append(out, repl, 3);
            i++;
            continue;
        }
        if (l == 1) {
            switch (c) {
            case '&':
                buf_append(out, "&amp;", 5);
                break;
            case '<':
                buf_append(out, "&lt;", 4);
                break;
            case '>':
                buf_append(out, "&gt;", 4);
                break;
            case '"':
                buf_append(out, "&quot;", 6);
                break;
            case '\'':
                buf_append(out, "&apos;", 6);
                break;
            case '\t':
                buf_append(out, "&#9;", 4);
                break;
            case '\n':
                buf_append(out, "&#10;", 5);
                break;
            case '\r':
                buf_append(out, "&#13;", 5);
                break;
            default:
                if (c < 0x20 || c == 0x7F)
                    put_picture(out, c, &count);
                else
                    buf_putc(out, (char)c);
            }
        } else if (l == 2 && c == 0xC2 && p[i + 1] < 0xA0) {
            put_picture(out, p[i + 1], &count); /* C1 */
        } else if (l == 3 && c == 0xEF && p[i + 1] == 0xBF &&
                   (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            buf_append(out, repl, 3);
        } else {
            buf_append(out, s + i, l);
        }
        i += l;
    }
    utf8_controls_add(count);
}

/* Plain text with LF/CR as spaces, TAB kept and other controls replaced;
 * csv doubles quotes. */
static void plain_chars(rs_buf *out, const char *s, size_t n, int csv)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint64_t count = 0;
    buf_reserve(out, n + 8);
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        int cp = l ? utf8_control(p + i, l) : -1;
        if (!l) {
            buf_append(out, repl, 3);
            l = 1;
        } else if (cp == '\n' || cp == '\r') {
            buf_putc(out, ' ');
        } else if (cp >= 0 && cp != '\t') {
            put_picture(out, cp, &count);
        } else if (csv && p[i] == '"') {
            buf_append(out, "\"\"", 2);
        } else {
            buf_append(out, s + i, l);
        }
        i += l;
    }
    utf8_controls_add(count);
}

void escape_csv_field(rs_buf *out, const char *s, size_t n)
{
    int quote = 0, formula = n > 0 && s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    plain_chars(out, s, n, 1);
    if (quote)
        buf_putc(out, '"');
}

void escape_plain(rs_buf *out, const char *s, size_t n)
{
    plain_chars(out, s, n, 0);
}

void escape_html(rs_buf *out, const char *s, size_t n)
{
    /* XML escaping is a safe superset for HTML text and quoted attributes. */
    escape_xml(out, s, n);
}
