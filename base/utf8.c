/* utf8.c - see utf8.h. The validator follows the well-formed byte sequence
 * table of Unicode 15, section 3.9 (table 3-7). */
#include "base/utf8.h"

#include <stdint.h>
#include <string.h>

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
