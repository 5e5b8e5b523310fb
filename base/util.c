/* util.c - allocation wrappers, growable buffers and the error record.
 *
 * See util.h. Everything here is small and called everywhere, so it stays free
 * of dependencies beyond libc.
 */
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "ringscan: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(xmul(count, size));
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

size_t xmul(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        fprintf(stderr, "ringscan: allocation size overflow (%zu x %zu)\n", count, size);
        abort();
    }
    return count * size;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    return xrealloc(p, xmul(count, size));
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void util_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            oom(SIZE_MAX);
        ncap *= 2;
    }
    *arr = xreallocarray(*arr, ncap, size);
    *cap = ncap;
}

void buf_reserve_slow(rs_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        oom(SIZE_MAX);
    util_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

void buf_put_int(rs_buf *b, long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    buf_append(b, tmp + i, sizeof tmp - i);
}

void buf_printf(rs_buf *b, const char *fmt, ...)
{
    /* One vsnprintf into spare room in the common case, a second only when
     * the text did not fit. */
    buf_reserve(b, 256);
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void buf_clear(rs_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int buf_flush(rs_buf *b, FILE *f)
{
    int rc = b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
    buf_clear(b);
    return rc;
}

void buf_free(rs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int rs_error_set(rs_error *err, int code, const char *file, long line, long col, const char *fmt,
                 ...)
{
    if (!err)
        return code;
    size_t off = 0;
    int n = 0;
    if (file && line > 0 && col > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%ld:%ld: ", file, line, col);
    else if (file && line > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%ld: ", file, line);
    else if (file)
        n = snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (n > 0)
        off = (size_t)n < sizeof err->msg ? (size_t)n : sizeof err->msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + off, sizeof err->msg - off, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t util_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u;
}

uint64_t util_rss_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, rss = 0;
    int ok = f && fscanf(f, "%llu %llu", &size, &rss) == 2;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return ok && page > 0 ? (uint64_t)rss * (uint64_t)page : 0;
}

/* The first unsigned number in path, or UINT64_MAX ("max", absent, garbage). */
static uint64_t read_limit_file(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    int ok = f && fscanf(f, "%llu", &v) == 1;
    if (f)
        fclose(f);
    return ok ? (uint64_t)v : UINT64_MAX;
}

uint64_t util_memory_ceiling(void)
{
    uint64_t lim = UINT64_MAX;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        lim = (uint64_t)pages * (uint64_t)page;
    uint64_t cg = read_limit_file("/sys/fs/cgroup/memory.max");
    if (cg < lim)
        lim = cg;
    cg = read_limit_file("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    if (cg < lim)
        lim = cg;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (uint64_t)rl.rlim_cur < lim)
        lim = (uint64_t)rl.rlim_cur;
    return lim;
}

int util_parse_size(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K':
    case 'k':
        shift = 10;
        end++;
        break;
    case 'M':
    case 'm':
        shift = 20;
        end++;
        break;
    case 'G':
    case 'g':
        shift = 30;
        end++;
        break;
    case 'T':
    case 't':
        shift = 40;
        end++;
        break;
    default:
        break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v > ((uint64_t)INT64_MAX >> shift)) /* sizes stay signed-64 for JSON */
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int util_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int util_u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int util_u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}
