/* escape.h - escaping for every output format. Input strings (account ids,
 * device ids, display names, column names) are attacker-controlled: each
 * writer goes through one of these functions (JSON through export/jsonout.h),
 * never fputs.
 *
 * All functions replace invalid UTF-8 with U+FFFD, so invalid bytes never reach
 * an output file even if a caller bypassed ingest validation.
 *
 * Control characters (C0, DEL, C1; see base/utf8.h) never reach a file as
 * themselves. CSV, plain text, XML and HTML replace each with a visible
 * character and count it (utf8_controls_replaced):
 *
 *   C0 other than TAB/LF/CR   U+2400 + code ("control picture", ESC -> U+241B)
 *   DEL                       U+2421
 *   C1 (U+0080-U+009F)        U+FFFD
 *
 * TAB, LF and CR keep each format's treatment, documented per function. JSON
 * escapes every control as \u00xx instead (lossless), TAB/LF/CR as \t \n \r.
 */
#ifndef RINGSCAN_ESCAPE_H
#define RINGSCAN_ESCAPE_H

#include "base/buf.h"

#include <stddef.h>
#include <stdio.h>

/* Appends s[0..n) as valid UTF-8 (invalid bytes and NUL -> U+FFFD); other
 * controls are kept for the format's own escaping (JSON strings). */
void escape_utf8(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) escaped for XML 1.0 character data and attribute values:
 * & < > " ' as entities, TAB/LF/CR as character references, other controls
 * replaced as above, the non-characters U+FFFE/U+FFFF as U+FFFD. */
void escape_xml(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) as one RFC 4180 CSV field, quoted when needed; LF and CR
 * become spaces (link-analysis tools reject embedded newlines), TAB stays,
 * other controls are replaced as above; a value starting with = + - @ TAB or
 * CR gets a leading apostrophe against spreadsheet formula injection (a value
 * starting with any other control starts with its picture: not a formula). */
void escape_csv_field(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) as one line of plain text (BagIt tag values): LF and CR
 * become spaces, TAB stays, other controls are replaced as above. */
void escape_plain(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) escaped for HTML text and double-quoted attributes (the
 * XML escaping above). */
void escape_html(rs_buf *out, const char *s, size_t n);

#endif
