/* ts.h - timestamps: parse the three input forms, format ISO 8601 UTC.
 *
 * A timestamp is an int64 count of milliseconds since 1970-01-01T00:00:00Z.
 * Accepted inputs (whole field, no surrounding text):
 *   RFC 3339         2026-03-01T12:34:56Z, 2026-03-01t12:34:56.123+09:00,
 *                    "T" may also be a single space
 *   SQL-like         2026-03-01 12:34:56 (no offset: taken as UTC)
 *                    with an offset Z, +HH:MM, +HHMM or +HH (PostgreSQL
 *                    writes 2026-03-01 07:34:56.123-05)
 *   Unix epoch       1772368496 or 1772368496.25 (seconds)
 * Years 1970-9999 (ts_check_range narrows that for input rows); a two-digit
 * year is refused by name. Fractions are truncated to milliseconds.
 */
#ifndef RINGSCAN_TS_H
#define RINGSCAN_TS_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

#define TS_NONE INT64_MIN

/* Parses s[0..n) into *out (ms since epoch). Returns 0, or -1 when the text is
 * not a valid timestamp, with the reason as err's message (code RS_E_VALUE)
 * when err is non-NULL. */
int ts_parse(const char *s, size_t n, int64_t *out, rs_error *err);

/* The earliest timestamp an input row may hold: 2000-01-01T00:00:00Z. No
 * marketplace event predates it, while the usual wrong readings of a date
 * (an Excel serial or a day count read as epoch seconds, a two-digit year
 * read as 19YY, a zero placeholder) all land before it. */
#define TS_EARLIEST 946684800000LL

/* Checks a parsed timestamp ms (from the text s[0..n)) against the range a
 * row's time may lie in: TS_EARLIEST up to latest (ms; TS_NONE: no upper
 * bound). Returns 0, or -1 with a reason naming the likely cause, from the
 * text's form and the value, in err (RS_E_VALUE) when err is non-NULL. The
 * reasons are fixed strings, so bad rows count by cause. O(n). */
int ts_check_range(const char *s, size_t n, int64_t ms, int64_t latest, rs_error *err);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (".mmm" before Z when ms is not whole) into
 * buf, which must hold at least TS_FMT_LEN bytes. Returns buf. */
#define TS_FMT_LEN 64
char *ts_format(int64_t ms, char *buf);

/* Days since the epoch of a proleptic Gregorian civil date. */
int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
