/* asnranges.c - see asnranges.h. Rows are fed to libcsv one physical line at a
 * time (the tables hold no quoted newlines), so line numbers are exact. */
#include "ingest/asnranges.h"

#include "base/utf8.h"
#include "base/alloc.h"
#include "base/error.h"
#include "ingest/source.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t lo, hi, asn, org; /* org: offset into the name pool */
    uint32_t line;             /* where it came from, for overlap errors */
    uint32_t file;
} range4;

typedef struct {
    uint64_t lo[2], hi[2]; /* big-endian halves: [0] high, [1] low */
    uint32_t asn, org;
    uint32_t line, file;
} range6;

struct asn_ranges {
    range4 *v4;
    size_t n4, cap4;
    range6 *v6;
    size_t n6, cap6;
    char *pool; /* organisation names, each prefixed by a 2-byte length */
    size_t pool_len, pool_cap;
    char **files;
    size_t nfiles;
    uint32_t idx4[65537]; /* idx4[k]: first IPv4 range whose lo >= k << 16 */
};

asn_ranges *asn_ranges_new(void)
{
    return xcalloc(1, sizeof(asn_ranges));
}

void asn_ranges_free(asn_ranges *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nfiles; i++)
        free(r->files[i]);
    free(r->files);
    free(r->v4);
    free(r->v6);
    free(r->pool);
    free(r);
}

int asn_ranges_is_csv_name(const char *path)
{
    size_t n = strlen(path);
    return (n >= 4 && !strcmp(path + n - 4, ".csv")) ||
           (n >= 7 && !strcmp(path + n - 7, ".csv.gz"));
}

size_t asn_ranges_count(const asn_ranges *r, int family_len)
{
    return family_len == 4 ? r->n4 : r->n6;
}

/* ---- one row ---- */

typedef struct {
    char f[4][256];
    size_t len[4];
    int nf, too_long;
} row_fields;

static void on_field(void *s, size_t n, void *ctx)
{
    row_fields *rf = ctx;
    if (rf->nf < 4) {
        if (n >= sizeof rf->f[0]) {
            rf->too_long = 1;
            n = sizeof rf->f[0] - 1;
        }
        memcpy(rf->f[rf->nf], s, n);
        rf->f[rf->nf][n] = '\0';
        rf->len[rf->nf] = n;
    }
    rf->nf++;
}

static void on_record(int c, void *ctx)
{
    (void)c;
    (void)ctx;
}

/* Decimal integer of up to 39 digits into a 128-bit big-endian pair. */
static int parse_dec128(const char *s, size_t n, uint64_t out[2])
{
    uint64_t hi = 0, lo = 0;
    if (n == 0 || n > 39)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        /* (hi:lo) * 10 + d, watching for overflow of the 128 bits */
        uint64_t d = (uint64_t)(s[i] - '0');
        uint64_t lo_hi = lo >> 32, lo_lo = lo & 0xffffffffu;
        uint64_t t_lo = lo_lo * 10 + d;
        uint64_t t_mid = lo_hi * 10 + (t_lo >> 32);
        uint64_t carry = t_mid >> 32;
        if (hi > (UINT64_MAX - carry) / 10)
            return -1;
        hi = hi * 10 + carry;
        lo = ((t_mid & 0xffffffffu) << 32) | (t_lo & 0xffffffffu);
    }
    out[0] = hi;
    out[1] = lo;
    return 0;
}

static void to_pair(const ipaddr *ip, uint64_t out[2])
{
    out[0] = out[1] = 0;
    for (int i = 0; i < 8; i++) {
        out[0] = out[0] << 8 | ip->b[i];
        out[1] = out[1] << 8 | ip->b[8 + i];
    }
}

static uint32_t v4_of(const ipaddr *ip)
{
    return (uint32_t)ip->b[0] << 24 | (uint32_t)ip->b[1] << 16 | (uint32_t)ip->b[2] << 8 | ip->b[3];
}

/* An address field: text form, or a decimal integer (IPv4 when it fits in 32
 * bits and the other field of the row agrees; the caller checks families). */
static int parse_addr(const char *s, size_t n, int *fam, uint64_t pair[2], rs_error *err)
{
    size_t d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d == n) {
        if (parse_dec128(s, n, pair)) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "number out of range for an address");
            return -1;
        }
        *fam = 0; /* numeric: decided by the row */
        return 0;
    }
    ipaddr ip;
    if (ipaddr_parse(s, n, &ip, err))
        return -1;
    *fam = ip.len;
    if (ip.len == 4) {
        pair[0] = 0;
        pair[1] = v4_of(&ip);
    } else {
        to_pair(&ip, pair);
    }
    return 0;
}

static uint32_t pool_add(asn_ranges *r, const char *s, size_t n)
{
    if (n > 0xffff)
        n = 0xffff;
    if (r->pool_len + n + 2 > r->pool_cap) {
        r->pool_cap = r->pool_cap ? r->pool_cap * 2 : 1u << 20;
        while (r->pool_len + n + 2 > r->pool_cap)
            r->pool_cap *= 2;
        r->pool = xrealloc(r->pool, r->pool_cap);
    }
    uint32_t off = (uint32_t)r->pool_len;
    r->pool[r->pool_len++] = (char)(n >> 8);
    r->pool[r->pool_len++] = (char)(n & 0xff);
    memcpy(r->pool + r->pool_len, s, n);
    r->pool_len += n;
    return off;
}

static int add_row(asn_ranges *r, row_fields *rf, const char *path, long line, rs_error *err)
{
    if (rf->nf < 3)
        return rs_error_set(err, RS_E_FORMAT, path, line, 1,
                            "expected first,last,asn[,organisation]: %d field%s", rf->nf,
                            rf->nf == 1 ? "" : "s");
    if (rf->too_long)
        return rs_error_set(err, RS_E_FORMAT, path, line, 1, "field longer than 255 bytes");
    uint64_t lo[2], hi[2];
    int fa, fb;
    rs_error why;
    if (parse_addr(rf->f[0], rf->len[0], &fa, lo, &why))
        return rs_error_set(err, RS_E_FORMAT, path, line, 1, "first address: %s", why.msg);
    if (parse_addr(rf->f[1], rf->len[1], &fb, hi, &why))
        return rs_error_set(err, RS_E_FORMAT, path, line, 2, "last address: %s", why.msg);
    if (fa == 0 && fb == 0) /* numeric: IPv4 when both fit in 32 bits */
        fa = fb = (lo[0] == 0 && hi[0] == 0 && hi[1] <= UINT32_MAX) ? 4 : 16;
    if (fa != fb)
        return rs_error_set(err, RS_E_FORMAT, path, line, 2,
                            "first and last address are of different families");
    if (lo[0] > hi[0] || (lo[0] == hi[0] && lo[1] > hi[1]))
        return rs_error_set(err, RS_E_FORMAT, path, line, 2, "last address before first");
    char *end;
    const char *a = rf->f[2];
    unsigned long long asn = strtoull(a, &end, 10);
    if (rf->len[2] == 0 || *end != '\0' || a[0] < '0' || a[0] > '9' || asn > UINT32_MAX)
        return rs_error_set(err, RS_E_FORMAT, path, line, 3, "asn is not a number: \"%s\"", a);
    size_t bad;
    const char *org = rf->nf >= 4 ? rf->f[3] : "";
    size_t org_len = rf->nf >= 4 ? rf->len[3] : 0;
    if (utf8_check(org, org_len, &bad) != UTF8_OK)
        org_len = 0; /* an unreadable name is dropped, the number kept */
    uint32_t off = pool_add(r, org, org_len);
    uint32_t fi = (uint32_t)(r->nfiles - 1);
    if (fa == 4) {
        if (r->n4 == r->cap4) {
            r->cap4 = r->cap4 ? r->cap4 * 2 : 4096;
            r->v4 = xreallocarray(r->v4, r->cap4, sizeof *r->v4);
        }
        r->v4[r->n4++] =
            (range4){(uint32_t)lo[1], (uint32_t)hi[1], (uint32_t)asn, off, (uint32_t)line, fi};
    } else {
        if (r->n6 == r->cap6) {
            r->cap6 = r->cap6 ? r->cap6 * 2 : 4096;
            r->v6 = xreallocarray(r->v6, r->cap6, sizeof *r->v6);
        }
        range6 *e = &r->v6[r->n6++];
        memcpy(e->lo, lo, sizeof lo);
        memcpy(e->hi, hi, sizeof hi);
        e->asn = (uint32_t)asn;
        e->org = off;
        e->line = (uint32_t)line;
        e->file = fi;
    }
    return RS_OK;
}

int asn_ranges_add_file(asn_ranges *r, const char *path, char *sha256_hex, rs_error *err)
{
    source *src;
    int rc = source_open(&src, path, path, err);
    if (rc)
        return rc;
    r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
    r->files[r->nfiles++] = xstrdup(path);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    const char *s;
    size_t n;
    while ((rc = source_next_line(src, &s, &n, err)) == 1) {
        long line = source_line(src);
        if (n && s[n - 1] == '\n')
            n--;
        if (n && s[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        row_fields rf;
        rf.nf = 0;
        rf.too_long = 0;
        if (csv_parse(&p, s, n, on_field, on_record, &rf) != n ||
            csv_fini(&p, on_field, on_record, &rf)) {
            rc = rs_error_set(err, RS_E_FORMAT, path, line, 1, "%s", csv_strerror(csv_error(&p)));
            break;
        }
        /* A header line names its columns instead of giving addresses. */
        if (line == 1 && rf.nf >= 1 && rf.len[0] && !strchr(rf.f[0], '.') &&
            !strchr(rf.f[0], ':') && (rf.f[0][0] < '0' || rf.f[0][0] > '9'))
            continue;
        if ((rc = add_row(r, &rf, path, line, err)) != RS_OK)
            break;
    }
    csv_free(&p);
    if (rc == 0 && sha256_hex)
        rc = source_sha256(src, sha256_hex, err);
    source_close(src);
    return rc < 0 ? rc : RS_OK;
}

/* Sort order: by first address, the wider of two ranges that start together
 * first, so that in resolve_* the narrower one is met second and wins. */
static int cmp4(const void *a, const void *b)
{
    const range4 *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->hi > y->hi ? -1 : x->hi < y->hi;
}

static int lt128(const uint64_t a[2], const uint64_t b[2])
{
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

static int eq128(const uint64_t a[2], const uint64_t b[2])
{
    return a[0] == b[0] && a[1] == b[1];
}

static void inc128(uint64_t a[2])
{
    if (++a[1] == 0)
        a[0]++;
}

static void dec128(uint64_t a[2])
{
    if (a[1]-- == 0)
        a[0]--;
}

static int cmp6(const void *a, const void *b)
{
    const range6 *x = a, *y = b;
    if (!eq128(x->lo, y->lo))
        return lt128(x->lo, y->lo) ? -1 : 1;
    return lt128(y->hi, x->hi) ? -1 : lt128(x->hi, y->hi);
}

/* Published tables are not always disjoint. Where two ranges overlap, the one
 * that starts later (or, starting together, the narrower) holds the shared
 * addresses: a range nested in another splits it, a range reaching into the
 * next one is cut where the next begins. Repeats until disjoint. */
static size_t resolve4(asn_ranges *r)
{
    size_t fixed = 0;
    for (;;) {
        qsort(r->v4, r->n4, sizeof *r->v4, cmp4);
        size_t out = 0, n = r->n4, extra = 0;
        for (size_t i = 0; i < n; i++) {
            range4 cur = r->v4[i];
            if (out > 0 && cur.lo <= r->v4[out - 1].hi) {
                range4 *prev = &r->v4[out - 1];
                fixed++;
                if (cur.hi < prev->hi) { /* the tail of prev after cur */
                    range4 tail = *prev;
                    tail.lo = cur.hi + 1;
                    ALLOC_GROW(r->v4, r->cap4, n + extra + 1);
                    prev = &r->v4[out - 1];
                    r->v4[n + extra++] = tail;
                }
                if (prev->lo == cur.lo)
                    out--;
                else
                    prev->hi = cur.lo - 1;
            }
            r->v4[out++] = cur;
        }
        memmove(r->v4 + out, r->v4 + n, extra * sizeof *r->v4);
        r->n4 = out + extra;
        if (!extra)
            return fixed;
    }
}

static size_t resolve6(asn_ranges *r)
{
    size_t fixed = 0;
    for (;;) {
        qsort(r->v6, r->n6, sizeof *r->v6, cmp6);
        size_t out = 0, n = r->n6, extra = 0;
        for (size_t i = 0; i < n; i++) {
            range6 cur = r->v6[i];
            if (out > 0 && !lt128(r->v6[out - 1].hi, cur.lo)) {
                range6 *prev = &r->v6[out - 1];
                fixed++;
                if (lt128(cur.hi, prev->hi)) {
                    range6 tail = *prev;
                    memcpy(tail.lo, cur.hi, sizeof tail.lo);
                    inc128(tail.lo);
                    ALLOC_GROW(r->v6, r->cap6, n + extra + 1);
                    prev = &r->v6[out - 1];
                    r->v6[n + extra++] = tail;
                }
                if (eq128(prev->lo, cur.lo)) {
                    out--;
                } else {
                    memcpy(prev->hi, cur.lo, sizeof prev->hi);
                    dec128(prev->hi);
                }
            }
            r->v6[out++] = cur;
        }
        memmove(r->v6 + out, r->v6 + n, extra * sizeof *r->v6);
        r->n6 = out + extra;
        if (!extra)
            return fixed;
    }
}

size_t asn_ranges_finish(asn_ranges *r)
{
    size_t fixed = resolve4(r) + resolve6(r);
    size_t j = 0;
    for (uint32_t k = 0; k <= 65536; k++) {
        uint64_t start = (uint64_t)k << 16;
        while (j < r->n4 && r->v4[j].lo < start)
            j++;
        r->idx4[k] = (uint32_t)j;
    }
    return fixed;
}

static void org_of(const asn_ranges *r, uint32_t off, const char **org, size_t *len)
{
    const unsigned char *p = (const unsigned char *)r->pool + off;
    *len = (size_t)p[0] << 8 | p[1];
    *org = (const char *)p + 2;
}

int asn_ranges_lookup(const asn_ranges *r, const ipaddr *ip, uint32_t *asn, const char **org,
                      size_t *org_len)
{
    if (ip->len == 4) {
        uint32_t a = v4_of(ip);
        /* The holder is the last range with lo <= a: at index idx4[k+1]-1 or
         * before, and not before idx4[k]-1. */
        uint32_t k = a >> 16;
        size_t lo = r->idx4[k] ? r->idx4[k] - 1 : 0, hi = r->idx4[k + 1]; /* search [lo, hi) */
        if (hi == 0)
            return 0;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->v4[mid].lo <= a)
                lo = mid;
            else
                hi = mid;
        }
        const range4 *e = &r->v4[lo];
        if (e->lo > a || a > e->hi)
            return 0;
        *asn = e->asn;
        org_of(r, e->org, org, org_len);
        return 1;
    }
    uint64_t x[2];
    to_pair(ip, x);
    size_t lo = 0, hi = r->n6;
    if (hi == 0 || lt128(x, r->v6[0].lo))
        return 0;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (!lt128(x, r->v6[mid].lo))
            lo = mid;
        else
            hi = mid;
    }
    const range6 *e = &r->v6[lo];
    if (lt128(e->hi, x))
        return 0;
    *asn = e->asn;
    org_of(r, e->org, org, org_len);
    return 1;
}
