/* source.c - line reader over plain or gzip files with a SHA-256 of the raw
 * bytes; see source.h.
 *
 * Representation: raw bytes are read in 1 MiB chunks, fed to the digest, and
 * either used directly or inflated (zlib, gzip wrapper auto-detected by
 * inflateInit2 with 16+MAX_WBITS) into a 1 MiB text buffer. Lines are cut out
 * of the text buffer in place; a line that straddles a refill is assembled in
 * a separate line buffer. So every byte is touched by the digest once, the
 * inflater once, and memchr once.
 */
#include "ingest/source.h"

#include "base/sha256.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)

struct source {
    FILE *f;
    char *name;
    sha256_ctx *md;
    uint64_t raw_done, raw_size;
    int gzip, z_init, z_end_ok, raw_eof;
    z_stream z;
    unsigned char *raw; /* raw chunk */
    size_t raw_len, raw_pos;
    char *text; /* text buffer */
    size_t text_len, text_pos;
    rs_buf line;         /* assembled straddling line */
    source_hash_fn sink; /* when set, raw bytes go here instead of md */
    void *sink_ctx;
    long lineno;
    uint64_t text_done; /* text bytes produced */
    source_limits lim;
    int eol_known;      /* line terminator decided (after the first text) */
    char eol;           /* '\n', or '\r' for files with bare-CR line ends */
    uint64_t text_base; /* text offset of text[0] */
    uint64_t line_off;  /* text offset of the line last returned */
    /* Ranged reading (source_open_ranges): only these byte ranges, in order. */
    const source_range *rng;
    size_t nrng, rng_i;
    uint64_t rng_pos; /* bytes of rng[rng_i] already read */
};

static int io_error(source *s, rs_error *err, const char *what)
{
    return rs_error_set(err, RS_E_IO, s->name, 0, 0, "%s: %s", what, strerror(errno));
}

int source_open(source **out, const char *path, const char *display_name, rs_error *err)
{
    return source_open_sink(out, path, display_name, NULL, NULL, err);
}

static void digest(source *s, const void *p, size_t n)
{
    if (s->sink)
        s->sink(s->sink_ctx, p, n);
    else
        sha256_update(s->md, p, n);
}

/* Opens path into s->f, which must be a regular file (a FIFO, device or
 * directory is refused before any read can block), with its size in
 * s->raw_size. Returns RS_OK, or RS_E_IO with err set (the caller frees s). */
static int open_regular(source *s, const char *path, rs_error *err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; cleared below. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int rc = io_error(s, err, "cannot open");
        if (fd >= 0)
            close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return rs_error_set(err, RS_E_IO, s->name, 0, 0, "not a regular file (%s): refused",
                            S_ISFIFO(st.st_mode)  ? "a FIFO"
                            : S_ISDIR(st.st_mode) ? "a directory"
                                                  : "a device or socket");
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    s->f = fdopen(fd, "rb");
    if (!s->f) {
        int rc = io_error(s, err, "cannot open");
        close(fd);
        return rc;
    }
    s->raw_size = (uint64_t)st.st_size;
    return RS_OK;
}

int source_open_sink(source **out, const char *path, const char *display_name, source_hash_fn sink,
                     void *sink_ctx, rs_error *err)
{
    *out = NULL;
    source *s = xcalloc(1, sizeof *s);
    s->sink = sink;
    s->sink_ctx = sink_ctx;
    s->name = xstrdup(display_name ? display_name : path);
    int rc = open_regular(s, path, err);
    if (rc != RS_OK) {
        source_close(s);
        return rc;
    }
    if (!s->sink)
        s->md = sha256_new();
    s->raw = xmalloc(CHUNK);
    s->text = xmalloc(CHUNK);
    /* Peek at the magic number. */
    s->raw_len = fread(s->raw, 1, CHUNK, s->f);
    if (ferror(s->f)) {
        rc = io_error(s, err, "read error");
        source_close(s);
        return rc;
    }
    if (s->raw_len < CHUNK)
        s->raw_eof = 1;
    digest(s, s->raw, s->raw_len);
    s->raw_done = s->raw_len;
    s->gzip = s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b;
    if (s->gzip) {
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
            rs_error_set(err, RS_E_IO, s->name, 0, 0, "cannot initialise zlib");
            source_close(s);
            return RS_E_IO;
        }
        s->z_init = 1;
    }
    *out = s;
    return RS_OK;
}

int source_open_ranges(source **out, const char *path, const char *display_name,
                       const source_range *ranges, size_t n, rs_error *err)
{
    *out = NULL;
    source *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(display_name ? display_name : path);
    int rc = open_regular(s, path, err);
    if (rc != RS_OK) {
        source_close(s);
        return rc;
    }
    s->raw_eof = 1; /* no raw chunks and no digest: source_sha256 returns "" */
    s->text = xmalloc(CHUNK);
    s->rng = ranges;
    s->nrng = n;
    /* The line terminator is that of the first range (the header record):
     * a bare CR at its end means a file of bare-CR lines. */
    if (n && ranges[0].len) {
        char tail[2] = {0, 0};
        size_t k = ranges[0].len >= 2 ? 2 : 1;
        if (pread(fileno(s->f), tail + 2 - k, k, (off_t)(ranges[0].off + ranges[0].len - k)) ==
            (ssize_t)k) {
            s->eol_known = 1;
            s->eol = tail[1] == '\r' ? '\r' : '\n';
        }
    }
    *out = s;
    return RS_OK;
}

/* Ranged mode: the next piece of the current range (or of the next one) into
 * the text buffer. A range past the end of the file means the file changed. */
static long range_fill(source *s, rs_error *err)
{
    while (s->rng_i < s->nrng && s->rng_pos >= s->rng[s->rng_i].len) {
        s->rng_i++;
        s->rng_pos = 0;
    }
    if (s->rng_i >= s->nrng)
        return 0;
    const source_range *r = &s->rng[s->rng_i];
    if (s->rng_pos == 0)
        s->lineno = r->line - 1;
    size_t want = r->len - s->rng_pos < CHUNK ? (size_t)(r->len - s->rng_pos) : CHUNK;
    ssize_t got = pread(fileno(s->f), s->text, want, (off_t)(r->off + s->rng_pos));
    if (got < 0)
        return io_error(s, err, "read error");
    if (got == 0)
        return rs_error_set(err, RS_E_IO, s->name, r->line, 0,
                            "input file changed during the run (shorter than when loaded)");
    s->text_base = r->off + s->rng_pos;
    s->rng_pos += (uint64_t)got;
    s->text_len = (size_t)got;
    return got;
}

void source_close(source *s)
{
    if (!s)
        return;
    if (s->f)
        fclose(s->f);
    sha256_free(s->md);
    if (s->z_init)
        inflateEnd(&s->z);
    free(s->raw);
    free(s->text);
    buf_free(&s->line);
    free(s->name);
    free(s);
}

/* Reads the next raw chunk. Returns bytes read (0 at EOF) or RS_E_IO. */
static long raw_refill(source *s, rs_error *err)
{
    if (s->raw_eof)
        return 0;
    size_t n = fread(s->raw, 1, CHUNK, s->f);
    if (ferror(s->f))
        return io_error(s, err, "read error");
    if (n < CHUNK)
        s->raw_eof = 1;
    digest(s, s->raw, n);
    s->raw_done += n;
    s->raw_len = n;
    s->raw_pos = 0;
    return (long)n;
}

static long text_fill(source *s, rs_error *err);

/* Refills the text buffer and checks the limits. Returns bytes available (0
 * at EOF) or < 0. */
static long text_refill(source *s, rs_error *err)
{
    if (s->rng) {
        s->text_pos = s->text_len = 0;
        return range_fill(s, err);
    }
    uint64_t before = s->text_done;
    long n = text_fill(s, err);
    if (n <= 0)
        return n;
    s->text_base = before - s->text_pos; /* text[text_pos] comes next, at offset `before` */
    s->text_done += (uint64_t)n;
    if (s->lim.max_bytes && s->text_done > s->lim.max_bytes)
        return rs_error_set(
            err, RS_E_LIMIT, s->name, s->lineno + 1, 0,
            "input larger than the limit of %llu bytes (--max-input-bytes, "
            "counted decompressed over the run)",
            (unsigned long long)(s->lim.run_max ? s->lim.run_max : s->lim.max_bytes));
    if (s->gzip && s->lim.max_ratio > 0 && s->text_done > SOURCE_RATIO_GRACE &&
        (double)s->text_done > s->lim.max_ratio * (double)s->raw_done)
        return rs_error_set(
            err, RS_E_LIMIT, s->name, s->lineno + 1, 0,
            "gzip data expands more than %g:1 (%llu bytes out of %llu compressed): a "
            "decompression bomb? (--max-gzip-ratio)",
            s->lim.max_ratio, (unsigned long long)s->text_done, (unsigned long long)s->raw_done);
    return n;
}

/* Refills the text buffer. Returns bytes available (0 at EOF) or < 0. */
static long text_fill(source *s, rs_error *err)
{
    s->text_pos = s->text_len = 0;
    if (!s->gzip) {
        if (s->raw_pos >= s->raw_len) {
            long n = raw_refill(s, err);
            if (n <= 0)
                return n;
        }
        /* Swap buffers instead of copying. */
        unsigned char *t = s->raw;
        s->raw = (unsigned char *)s->text;
        s->text = (char *)t;
        s->text_pos = s->raw_pos;
        s->text_len = s->raw_len;
        s->raw_len = s->raw_pos = 0;
        return (long)(s->text_len - s->text_pos);
    }
    while (s->text_len == 0) {
        if (s->raw_pos >= s->raw_len) {
            long n = raw_refill(s, err);
            if (n < 0)
                return n;
            if (n == 0) {
                if (!s->z_end_ok)
                    return rs_error_set(err, RS_E_FORMAT, s->name, s->lineno + 1, 0,
                                        "truncated gzip stream (unexpected end of file)");
                return 0;
            }
        }
        if (s->z_end_ok) {
            /* Another gzip member follows the one that ended. */
            if (inflateReset(&s->z) != Z_OK)
                return rs_error_set(err, RS_E_FORMAT, s->name, 0, 0, "gzip reset failed");
            s->z_end_ok = 0;
        }
        s->z.next_in = s->raw + s->raw_pos;
        s->z.avail_in = (uInt)(s->raw_len - s->raw_pos);
        s->z.next_out = (unsigned char *)s->text;
        s->z.avail_out = CHUNK;
        int zr = inflate(&s->z, Z_NO_FLUSH);
        s->raw_pos = s->raw_len - s->z.avail_in;
        s->text_len = CHUNK - s->z.avail_out;
        if (zr == Z_STREAM_END) {
            s->z_end_ok = 1;
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return rs_error_set(err, RS_E_FORMAT, s->name, s->lineno + 1, 0,
                                "corrupt gzip data: %s", s->z.msg ? s->z.msg : zError(zr));
        }
        if (s->z_end_ok && s->raw_pos >= s->raw_len && s->raw_eof && s->text_len == 0)
            return 0;
    }
    return (long)s->text_len;
}

int source_next_line(source *s, const char **line, size_t *len, rs_error *err)
{
    buf_clear(&s->line);
    int assembling = 0;
    for (;;) {
        if (s->text_pos >= s->text_len) {
            long n = text_refill(s, err);
            if (n < 0)
                return (int)n;
            if (n == 0) {
                if (assembling && s->line.len) {
                    s->lineno++;
                    *line = s->line.data;
                    *len = s->line.len;
                    return 1;
                }
                return 0;
            }
        }
        const char *start = s->text + s->text_pos;
        size_t avail = s->text_len - s->text_pos;
        if (!assembling)
            s->line_off = s->text_base + s->text_pos;
        if (!s->eol_known) {
            /* Classic Mac exports end lines with a bare CR; everything else
             * (LF, CRLF) splits on LF. Decided once, from the first text. */
            s->eol_known = 1;
            s->eol = '\n';
            const char *cr = memchr(start, '\r', avail);
            if (cr && !memchr(start, '\n', avail) && (size_t)(cr - start) + 1 < avail)
                s->eol = '\r';
        }
        const char *nl = memchr(start, s->eol, avail);
        size_t take = nl ? (size_t)(nl - start) + 1 : avail;
        if (!assembling && nl) {
            s->text_pos += take;
            s->lineno++;
            *line = start;
            *len = take;
            return 1;
        }
        if (s->line.len + take > SOURCE_MAX_LINE)
            return rs_error_set(err, RS_E_LIMIT, s->name, s->lineno + 1, 0,
                                "line longer than %u bytes", SOURCE_MAX_LINE);
        buf_append(&s->line, start, take);
        s->text_pos += take;
        assembling = 1;
        if (nl) {
            s->lineno++;
            *line = s->line.data;
            *len = s->line.len;
            return 1;
        }
    }
}

void source_set_limits(source *s, const source_limits *lim)
{
    s->lim = *lim;
}

uint64_t source_text_done(const source *s)
{
    return s->text_done;
}

uint64_t source_line_offset(const source *s)
{
    return s->line_off;
}

long source_line(const source *s)
{
    return s->lineno;
}

uint64_t source_raw_done(const source *s)
{
    return s->raw_done;
}

uint64_t source_raw_size(const source *s)
{
    return s->raw_size;
}

int source_is_gzip(const source *s)
{
    return s->gzip;
}

int source_sha256(source *s, char hex[65], rs_error *err)
{
    while (!s->raw_eof) {
        long n = raw_refill(s, err);
        if (n < 0)
            return (int)n;
        s->raw_len = s->raw_pos = 0; /* discard: only the digest wants it */
    }
    if (s->sink || !s->md)
        hex[0] = '\0'; /* the sink's owner computes it, or ranged reading */
    else
        sha256_final_hex(s->md, hex);
    return RS_OK;
}
