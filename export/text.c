/* text.c - output escaping; see text.h. One pass per string, appending to a
 * growable buffer that writers flush in large blocks. */
#include "export/text.h"

#include "base/utf8.h"

#include <string.h>

static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */

void text_utf8_sanitize(rs_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l || p[i] == 0) {
            buf_append(out, repl, 3);
            i++;
        } else {
            buf_append(out, s + i, l);
            i += l;
        }
    }
}

void text_xml_escape(rs_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
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
                if (c < 0x20)
                    buf_append(out, repl, 3);
                else
                    buf_putc(out, (char)c);
            }
        } else if (l == 3 && c == 0xEF && p[i + 1] == 0xBF &&
                   (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            buf_append(out, repl, 3);
        } else {
            buf_append(out, s + i, l);
        }
        i += l;
    }
}

void text_csv_field(rs_buf *out, const char *s, size_t n)
{
    int quote = 0, formula = n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    rs_buf tmp = {0};
    text_utf8_sanitize(&tmp, s, n);
    for (size_t i = 0; i < tmp.len; i++) {
        char c = tmp.data[i];
        if (c == '"')
            buf_append(out, "\"\"", 2);
        else if (c == '\n' || c == '\r')
            buf_putc(out, ' ');
        else
            buf_putc(out, c);
    }
    buf_free(&tmp);
    if (quote)
        buf_putc(out, '"');
}

void text_html_escape(rs_buf *out, const char *s, size_t n)
{
    /* XML escaping is a safe superset for HTML text and quoted attributes. */
    text_xml_escape(out, s, n);
}
