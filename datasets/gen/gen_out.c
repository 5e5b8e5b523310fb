/* gen_out.c - fast buffered CSV writer with temp-and-rename; see gen_out.h.
 *
 * Representation: a byte buffer of GEN_OUT_BUF bytes filled by the field writers and
 * drained to a FILE or a gzFile when less than GEN_OUT_ROOM bytes remain, so a single field
 * never needs a bounds check of its own (no generated field exceeds GEN_OUT_ROOM; quoted
 * strings, the only unbounded kind, flush as they go).
 */
#include "datasets/gen/gen_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GEN_OUT_BUF (256u * 1024u)
#define GEN_OUT_ROOM 512u

struct gen_out {
    FILE *fp;
    gzFile gz;
    char *tmp_path;
    char *final_path;
    char *buf;
    size_t len;
    int at_row_start;
    int failed;
    uint64_t rows;
    int64_t cached_day;
    char day_prefix[12]; /* "YYYY-MM-DDT" */
};

static void out_drain(gen_out *w)
{
    if (w->len == 0)
        return;
    if (w->gz) {
        if (gzwrite(w->gz, w->buf, (unsigned)w->len) != (int)w->len)
            w->failed = 1;
    } else if (fwrite(w->buf, 1, w->len, w->fp) != w->len) {
        w->failed = 1;
    }
    w->len = 0;
}

static void out_room(gen_out *w)
{
    if (GEN_OUT_BUF - w->len < GEN_OUT_ROOM)
        out_drain(w);
}

static void out_sep(gen_out *w)
{
    out_room(w);
    if (!w->at_row_start)
        w->buf[w->len++] = ',';
    w->at_row_start = 0;
}

static char *out_join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return p;
}

int gen_out_open(gen_out **out, const char *dir, const char *name, int gzip, const char *header)
{
    gen_out *w = NULL;
    int err = 0;
    *out = NULL;
    w = calloc(1, sizeof *w);
    if (!w) {
        err = ENOMEM;
        goto cleanup;
    }
    w->cached_day = INT64_MIN;
    w->at_row_start = 1;
    w->buf = malloc(GEN_OUT_BUF);
    w->final_path = out_join(dir, "", name, gzip ? ".gz" : "");
    w->tmp_path = out_join(dir, ".", name, gzip ? ".gz.tmp" : ".tmp");
    if (!w->buf || !w->final_path || !w->tmp_path) {
        err = ENOMEM;
        goto cleanup;
    }
    if (gzip) {
        /* Level 1: the simulator's throughput target leaves no room for slower levels. */
        w->gz = gzopen(w->tmp_path, "wb1");
        if (!w->gz) {
            err = errno ? errno : EIO;
            goto cleanup;
        }
    } else {
        w->fp = fopen(w->tmp_path, "wb");
        if (!w->fp) {
            err = errno;
            goto cleanup;
        }
    }
    size_t hl = strlen(header);
    memcpy(w->buf, header, hl);
    w->buf[hl] = '\n';
    w->len = hl + 1;
    *out = w;
    w = NULL;
cleanup:
    if (w) {
        if (w->fp)
            fclose(w->fp);
        free(w->buf);
        free(w->final_path);
        free(w->tmp_path);
        free(w);
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

void gen_out_str(gen_out *w, const char *s)
{
    out_sep(w);
    size_t n = strlen(s);
    if (n > GEN_OUT_ROOM - 8) {
        out_drain(w);
        if (n > GEN_OUT_BUF - 8)
            n = GEN_OUT_BUF - 8;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

void gen_out_quoted(gen_out *w, const char *s)
{
    out_sep(w);
    w->buf[w->len++] = '"';
    for (; *s; s++) {
        out_room(w);
        if (*s == '"')
            w->buf[w->len++] = '"';
        w->buf[w->len++] = *s;
    }
    w->buf[w->len++] = '"';
}

static void out_u64_raw(gen_out *w, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        w->buf[w->len++] = tmp[--n];
}

void gen_out_u64(gen_out *w, uint64_t v)
{
    out_sep(w);
    out_u64_raw(w, v);
}

void gen_out_cents(gen_out *w, int64_t cents)
{
    out_sep(w);
    if (cents < 0) {
        w->buf[w->len++] = '-';
        cents = -cents;
    }
    out_u64_raw(w, (uint64_t)cents / 100);
    unsigned c = (unsigned)((uint64_t)cents % 100);
    w->buf[w->len++] = '.';
    w->buf[w->len++] = (char)('0' + c / 10);
    w->buf[w->len++] = (char)('0' + c % 10);
}

void gen_out_id(gen_out *w, char prefix, uint64_t v, int hexdigits)
{
    static const char hex[] = "0123456789abcdef";
    out_sep(w);
    w->buf[w->len++] = prefix;
    for (int i = hexdigits - 1; i >= 0; i--)
        w->buf[w->len++] = hex[(v >> (4 * i)) & 15u];
}

void gen_out_empty(gen_out *w)
{
    out_sep(w);
}

void gen_out_ipv4(gen_out *w, uint32_t a)
{
    out_sep(w);
    for (int i = 3; i >= 0; i--) {
        out_u64_raw(w, (a >> (8 * i)) & 255u);
        if (i)
            w->buf[w->len++] = '.';
    }
}

void gen_out_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static void out_day_prefix(char *p, int64_t day)
{
    int y;
    unsigned m, d;
    gen_out_civil_from_days(day, &y, &m, &d);
    p[0] = (char)('0' + (y / 1000) % 10);
    p[1] = (char)('0' + (y / 100) % 10);
    p[2] = (char)('0' + (y / 10) % 10);
    p[3] = (char)('0' + y % 10);
    p[4] = '-';
    p[5] = (char)('0' + m / 10);
    p[6] = (char)('0' + m % 10);
    p[7] = '-';
    p[8] = (char)('0' + d / 10);
    p[9] = (char)('0' + d % 10);
    p[10] = 'T';
    p[11] = 0;
}

static void out_hms(char *p, int64_t secs)
{
    unsigned s = (unsigned)secs;
    unsigned h = s / 3600, mi = (s / 60) % 60, se = s % 60;
    p[0] = (char)('0' + h / 10);
    p[1] = (char)('0' + h % 10);
    p[2] = ':';
    p[3] = (char)('0' + mi / 10);
    p[4] = (char)('0' + mi % 10);
    p[5] = ':';
    p[6] = (char)('0' + se / 10);
    p[7] = (char)('0' + se % 10);
    p[8] = 'Z';
}

static int64_t out_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

void gen_out_format_ts(char *buf, int64_t epoch)
{
    int64_t day = out_floor_div(epoch, 86400);
    out_day_prefix(buf, day);
    out_hms(buf + 11, epoch - day * 86400);
    buf[20] = 0;
}

void gen_out_ts(gen_out *w, int64_t epoch)
{
    out_sep(w);
    int64_t day = out_floor_div(epoch, 86400);
    if (day != w->cached_day) {
        out_day_prefix(w->day_prefix, day);
        w->cached_day = day;
    }
    memcpy(w->buf + w->len, w->day_prefix, 11);
    out_hms(w->buf + w->len + 11, epoch - day * 86400);
    w->len += 20;
}

void gen_out_eol(gen_out *w)
{
    out_room(w);
    w->buf[w->len++] = '\n';
    w->at_row_start = 1;
    w->rows++;
}

uint64_t gen_out_rows(const gen_out *w)
{
    return w->rows;
}

int gen_out_close(gen_out *w, int commit)
{
    int rc = 0;
    if (!w)
        return 0;
    out_drain(w);
    if (w->gz) {
        if (gzclose(w->gz) != Z_OK)
            w->failed = 1;
    } else if (w->fp) {
        if (fflush(w->fp) != 0 || ferror(w->fp))
            w->failed = 1;
        if (fclose(w->fp) != 0)
            w->failed = 1;
    }
    if (commit && !w->failed) {
        if (rename(w->tmp_path, w->final_path) != 0)
            w->failed = 1;
    } else {
        remove(w->tmp_path);
    }
    rc = w->failed ? -1 : 0;
    free(w->buf);
    free(w->tmp_path);
    free(w->final_path);
    free(w);
    return rc;
}
