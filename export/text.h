/* text.h - escaping for every output format. Input strings (account ids,
 * device ids, display names) are attacker-controlled: each writer goes through
 * one of these functions, never fputs.
 *
 * All functions replace invalid UTF-8 with U+FFFD, so invalid bytes never reach
 * an output file even if a caller bypassed ingest validation.
 */
#ifndef RINGSCAN_TEXT_H
#define RINGSCAN_TEXT_H

#include "base/util.h"

#include <stddef.h>
#include <stdio.h>

/* Appends s[0..n) as valid UTF-8 (invalid bytes -> U+FFFD). */
void text_utf8_sanitize(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) escaped for XML 1.0 character data and attribute values:
 * & < > " ' as entities, TAB/LF/CR as character references, other C0 controls
 * and the non-characters U+FFFE/U+FFFF as U+FFFD. */
void text_xml_escape(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) as one RFC 4180 CSV field, quoted when needed; LF and CR
 * become spaces (link-analysis tools reject embedded newlines); a value
 * starting with = + - @ TAB or CR gets a leading apostrophe against spreadsheet
 * formula injection. */
void text_csv_field(rs_buf *out, const char *s, size_t n);

/* Appends s[0..n) escaped for HTML text and double-quoted attributes. */
void text_html_escape(rs_buf *out, const char *s, size_t n);

#endif
