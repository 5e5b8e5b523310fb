/* utf8.h - UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef RINGSCAN_UTF8_H
#define RINGSCAN_UTF8_H

#include <stddef.h>

enum { UTF8_OK = 0, UTF8_INVALID = 1, UTF8_NUL = 2 };

/* Checks s[0..n). Returns UTF8_OK, or UTF8_INVALID / UTF8_NUL with *bad set to
 * the offset of the first offending byte. O(n), word-at-a-time on ASCII. */
int utf8_check(const char *s, size_t n, size_t *bad);

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 when s[0..n)
 * does not start with one. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif
