/* utf8.h - UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF)
 * and the control-character policy shared by every output and diagnostic.
 *
 * Control characters are C0 (U+0000-U+001F), DEL (U+007F) and C1
 * (U+0080-U+009F, in UTF-8 the pairs C2 80..C2 9F). Input strings are
 * attacker-controlled, so no control other than TAB and LF reaches an output
 * file or the terminal as itself. Each output format either escapes a control
 * losslessly (JSON: \u00xx) or writes a visible stand-in: the Unicode control
 * picture U+2400+c for C0 code c (ESC -> U+241B), U+2421 for DEL, and U+FFFD
 * for C1, which has no pictures. TAB, LF and CR keep each format's own
 * treatment (see export/escape.h); on the terminal they become pictures too.
 *
 * Every control escaped or replaced is counted once per time it is written,
 * in one process-wide counter (C11 atomics: ingest runs on two threads).
 */
#ifndef RINGSCAN_UTF8_H
#define RINGSCAN_UTF8_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { UTF8_OK = 0, UTF8_INVALID = 1, UTF8_NUL = 2 };

/* Checks s[0..n). Returns UTF8_OK, or UTF8_INVALID / UTF8_NUL with *bad set to
 * the offset of the first offending byte. O(n), word-at-a-time on ASCII. */
int utf8_check(const char *s, size_t n, size_t *bad);

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 when s[0..n)
 * does not start with one. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* The control code point (0x00-0x1F, 0x7F, 0x80-0x9F) encoded by the valid
 * sequence s[0..l) of length l, or -1 when it is not a control. */
static inline int utf8_control(const unsigned char *s, size_t l)
{
    if (l == 1)
        return s[0] < 0x20 || s[0] == 0x7F ? s[0] : -1;
    if (l == 2 && s[0] == 0xC2 && s[1] < 0xA0)
        return s[1];
    return -1;
}

/* Length of the visible stand-in of a control (every one is 3 bytes). */
#define UTF8_PICTURE_LEN 3

/* Writes the UTF-8 stand-in of control cp (see above) into out[0..3): U+2400+cp
 * for C0, U+2421 for DEL, U+FFFD for C1. Does not count. */
void utf8_control_picture(int cp, char out[UTF8_PICTURE_LEN]);

/* Adds n to the process-wide count of control characters escaped or replaced.
 * Thread-safe (relaxed atomic add). */
void utf8_controls_add(uint64_t n);

/* Prints one diagnostic line to f: prefix as given (trusted: the progress
 * line's erase sequence, or ""), then the formatted message through
 * utf8_sanitize_terminal_buf, then a newline. Every message that can carry
 * input text (file names, values, column names) goes to the terminal this way. */
void utf8_diag(FILE *f, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The number of control characters escaped or replaced so far by this
 * process, in output files and in terminal diagnostics. Thread-safe. */
uint64_t utf8_controls_replaced(void);

/* Renders s[0..n) for a diagnostic on the terminal: every control, TAB, LF
 * and CR included, becomes its picture and each byte of invalid UTF-8 becomes
 * U+FFFD, so the result holds no control byte and is valid UTF-8. Writes whole
 * characters only, at most dstlen - 1 bytes, and NUL-terminates dst (nothing
 * is written when dstlen is 0). Returns the number of bytes of s consumed: n
 * when everything fit, less when the result was cut short. Counts the
 * controls it replaced. O(n). */
size_t utf8_sanitize_terminal(char *dst, size_t dstlen, const char *s, size_t n);

/* The same rendering of all of s[0..n), appended to out. */
void utf8_sanitize_terminal_buf(rs_buf *out, const char *s, size_t n);

#endif
