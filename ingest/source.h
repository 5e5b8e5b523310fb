/* source.h - reads an input file line by line, transparently gunzipping, and
 * hashes its raw bytes (SHA-256) in the same pass.
 *
 * A file is gzip when it starts with the gzip magic (1f 8b), whatever its name;
 * concatenated gzip members are read as one stream. A gzip stream that ends
 * early or has a bad CRC is a fatal format error. Lines are split on '\n'; the
 * '\n' is included in the returned bytes so CSV parsers see record ends.
 */
#ifndef RINGSCAN_SOURCE_H
#define RINGSCAN_SOURCE_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct source source;

#define SOURCE_MAX_LINE (64u << 20)
/* The gzip ratio limit applies once this much text has come out, so that a
 * small, very repetitive file is never refused. */
#define SOURCE_RATIO_GRACE (64u << 20)

/* Bounds on what one file may expand to; zero fields mean no bound. */
typedef struct {
    uint64_t max_bytes; /* decompressed (text) bytes this file may produce */
    uint64_t run_max;   /* the run-wide limit max_bytes is the rest of (for messages) */
    double max_ratio;   /* gzip: text bytes per compressed byte */
} source_limits;

/* Opens path, which must be a regular file (a FIFO, device or directory is
 * refused before any read can block). On failure returns RS_E_IO and fills err; *out is NULL. */
int source_open(source **out, const char *path, const char *display_name, rs_error *err);

/* A byte range of a file holding whole lines, the first of them line `line`. */
typedef struct {
    uint64_t off;
    uint64_t len;
    long line;
} source_range;

/* Opens a plain (not gzip) file to read only ranges[0..n) (borrowed until
 * source_close), in that order: source_next_line returns their lines, with
 * source_line numbered from each range's `line`. Nothing is hashed
 * (source_sha256 gives ""); a range beyond the end of the file is an RS_E_IO
 * error ("input file changed"). The line terminator is taken from the end
 * of ranges[0]. */
int source_open_ranges(source **out, const char *path, const char *display_name,
                       const source_range *ranges, size_t n, rs_error *err);

/* Receives every raw byte of the file, in order, exactly once. */
typedef void (*source_hash_fn)(void *ctx, const void *data, size_t n);
/* As source_open, but raw bytes go to sink (which hashes them elsewhere, e.g.
 * on another thread) instead of the source's own SHA-256; source_sha256 then
 * only drains the file and returns an empty string. */
int source_open_sink(source **out, const char *path, const char *display_name, source_hash_fn sink,
                     void *sink_ctx, rs_error *err);
/* Sets the bounds checked as text is produced: passing one is a fatal
 * RS_E_LIMIT error naming the file, the line reached and the bound. */
void source_set_limits(source *s, const source_limits *lim);
/* Text (decompressed) bytes produced so far. */
uint64_t source_text_done(const source *s);
/* Closes and frees. Accepts NULL. */
void source_close(source *s);

/* Reads the next line into *line and *len (borrowed until the next call).
 * Returns 1 for a line, 0 at end of file, or a negative RS_E_* with err set. */
int source_next_line(source *s, const char **line, size_t *len, rs_error *err);
/* Text (decompressed) offset of the first byte of the line last returned. */
uint64_t source_line_offset(const source *s);
/* 1-based number of the line last returned. */
long source_line(const source *s);
/* Raw (compressed) bytes consumed so far and the file size. */
uint64_t source_raw_done(const source *s);
uint64_t source_raw_size(const source *s);
int source_is_gzip(const source *s);
/* Reads the rest of the raw file (if any) and writes the SHA-256 of all of it
 * as 64 lower-case hex digits plus NUL into hex. Returns 0 or RS_E_IO. */
int source_sha256(source *s, char hex[65], rs_error *err);

#endif
