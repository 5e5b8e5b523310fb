/* util.h - allocation wrappers, growable buffers and the error record shared by
 * every module.
 *
 * Allocation failure is not a recoverable condition for a batch job that sizes
 * its memory by the input: the x*alloc wrappers print the size that failed and
 * abort. Sizes are multiplied with overflow checks, so a corrupt count read from
 * a file can never wrap into a small allocation.
 *
 * Errors that concern data (a bad row, a missing column, a truncated file) are
 * not aborts: functions return a negative RS_E* code and describe the problem
 * in an rs_error record as "file:line:col: message".
 */
#ifndef RINGSCAN_UTIL_H
#define RINGSCAN_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Exit codes of the ringscan command (documented in README). */
enum { RS_EXIT_OK = 0, RS_EXIT_DATA = 1, RS_EXIT_USAGE = 2, RS_EXIT_CHANGES = 3, RS_EXIT_BUSY = 4 };

/* Error codes returned by module functions. */
enum {
    RS_OK = 0,
    RS_E_IO = -1,     /* read/write failure */
    RS_E_FORMAT = -2, /* structurally corrupt input: fatal */
    RS_E_VALUE = -3,  /* one bad value: the row is skipped */
    RS_E_SCHEMA = -4, /* missing/duplicate column, unknown table */
    RS_E_LIMIT = -5,  /* a configured limit was exceeded */
    RS_E_CONFIG = -6, /* invalid configuration */
    RS_E_BUSY = -7,   /* the output directory is locked by another run */
};

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Reallocates p to hold count elements of size bytes, checking the product. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns count*size or aborts on overflow. */
size_t xmul(size_t count, size_t size);

/* Grows *arr (elements of size bytes, capacity *cap) to hold at least need. */
void util_grow(void **arr, size_t *cap, size_t need, size_t size);
/* The capacity test is inline: this sits on per-row and per-field paths. */
#define UTIL_GROW(arr, cap, need)                                                                  \
    do {                                                                                           \
        if ((size_t)(need) > (cap))                                                                \
            util_grow((void **)&(arr), &(cap), (need), sizeof *(arr));                             \
    } while (0)

/* A growable byte string, always NUL-terminated when len > 0 or after use. */
typedef struct {
    char *data;
    size_t len, cap;
} rs_buf;

void buf_reserve_slow(rs_buf *b, size_t extra);

/* Ensures room for extra more bytes plus the NUL. */
static inline void buf_reserve(rs_buf *b, size_t extra)
{
    if (extra >= b->cap - b->len || !b->data)
        buf_reserve_slow(b, extra);
}

static inline void buf_append(rs_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buf_puts(rs_buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static inline void buf_putc(rs_buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_printf(rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v in decimal, as "%lld" writes it, without printf's parsing (writers call
 * it for every node and edge). */
void buf_put_int(rs_buf *b, long long v);
void buf_clear(rs_buf *b);
void buf_free(rs_buf *b);

/* Writes the buffer's bytes to f and empties it. Returns 0, or -1 on a write
 * error (the buffer is emptied either way). */
int buf_flush(rs_buf *b, FILE *f);

/* The block writer every output format uses: text is built in a buffer and
 * handed to stdio once it holds more than BUF_BLOCK bytes, so a writer's
 * memory is bounded whatever it writes. A write error sets *rc to -1 (and a
 * later success does not clear it); the caller ends with buf_flush. */
#define BUF_BLOCK (1u << 20)
static inline void buf_spill(rs_buf *b, FILE *f, int *rc)
{
    if (b->len > BUF_BLOCK && buf_flush(b, f))
        *rc = -1;
}

/* The error record: one human-readable line, already prefixed with its
 * location. Functions that fail fill it (when non-NULL) and return a code. */
typedef struct {
    int code;
    char msg[1024];
} rs_error;

/* Formats "file:line:col: message" (line/col omitted when 0) into err. Returns
 * code so callers can write `return rs_error_set(...)`. */
int rs_error_set(rs_error *err, int code, const char *file, long line, long col, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));

/* Monotonic wall clock in seconds. */
double util_now(void);
/* Peak resident set size of this process in bytes. */
uint64_t util_peak_rss(void);
/* Current resident set size in bytes (/proc/self/statm), 0 when unknown. */
uint64_t util_rss_now(void);
/* The most memory this process may use before the kernel would refuse or
 * the OOM killer strike: the least of physical memory, the cgroup (v2
 * memory.max, v1 memory.limit_in_bytes) limit and RLIMIT_AS, in bytes;
 * UINT64_MAX when none is known. */
uint64_t util_memory_ceiling(void);
/* Parses a byte size: digits with an optional K, M, G or T suffix (powers of
 * 1024, optional trailing B or iB). Returns 0, or -1 when malformed or above
 * INT64_MAX (so that every size fits a JSON integer). */
int util_parse_size(const char *s, uint64_t *out);

/* The 64-bit finalizer of MurmurHash3 (fmix64): a cheap, well-mixing hash of
 * an integer key for open-addressing tables. */
static inline uint64_t util_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* Byte-wise comparison helper for qsort of C strings. */
int util_strcmp_p(const void *a, const void *b);
/* qsort/bsearch comparators of uint32_t and uint64_t values, ascending. */
int util_u32_cmp(const void *a, const void *b);
int util_u64_cmp(const void *a, const void *b);

#endif
