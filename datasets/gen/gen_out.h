/* gen_out.h - fast buffered writer for the simulator's CSV tables.
 *
 * One gen_out per output file. Rows are built field by field into a 256 KiB buffer and
 * flushed to a plain or gzip stream. The file is written as DIR/.NAME.tmp and renamed to
 * DIR/NAME by gen_out_close(commit=1), so a directory never holds a half-written table.
 * Formatting is hand-rolled (no printf in the hot path): integers, RFC 3339 UTC timestamps
 * with a per-day cached date, dotted IPv4, money in cents as "123.45".
 * Write errors are sticky: the first one is remembered and reported by gen_out_close.
 */
#ifndef GEN_OUT_H
#define GEN_OUT_H

#include <stdint.h>

typedef struct gen_out gen_out;

/* Opens DIR/NAME (".gz" is appended when gzip is set) and writes `header` plus a newline.
 * On success *out is a new writer owned by the caller (free with gen_out_close). Returns 0,
 * or -1 with errno set and *out NULL. */
int gen_out_open(gen_out **out, const char *dir, const char *name, int gzip, const char *header);

/* Field writers. Each appends one field, preceded by a comma unless it starts the row. */
void gen_out_str(gen_out *w, const char *s);    /* s must not need quoting */
void gen_out_quoted(gen_out *w, const char *s); /* RFC 4180 quoting */
void gen_out_u64(gen_out *w, uint64_t v);
void gen_out_ts(gen_out *w, int64_t epoch); /* 2026-03-01T12:34:56Z */
void gen_out_ipv4(gen_out *w, uint32_t a);
void gen_out_cents(gen_out *w, int64_t cents);                       /* 1234 -> 12.34 */
void gen_out_id(gen_out *w, char prefix, uint64_t v, int hexdigits); /* prefix + hex */
void gen_out_empty(gen_out *w);
/* Ends the row. */
void gen_out_eol(gen_out *w);

/* Rows written so far (excluding the header). */
uint64_t gen_out_rows(const gen_out *w);

/* Flushes and closes; with commit=1 renames the temporary file into place, otherwise
 * removes it. Accepts NULL. Returns 0, or -1 when any write, close or rename failed. */
int gen_out_close(gen_out *w, int commit);

/* Formats epoch as RFC 3339 UTC into buf (at least 21 bytes). */
void gen_out_format_ts(char *buf, int64_t epoch);
/* Civil date of a day count since 1970-01-01 (the forward conversion is
 * ts_days_from_civil in ingest/ts.h). */
void gen_out_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

#endif
