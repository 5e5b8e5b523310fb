/* gen_ipdb.c - real address ranges for the simulator; see gen_ipdb.h.
 *
 * Representation. The loader keeps the selected CSV rows in one array sorted by first
 * address, their organisation names in one string arena (offsets while reading, pointers
 * once the arena stops moving). The row holding an address is found by binary search.
 * Published tables are not always disjoint (the 2026-06 one has one overlap); where kept
 * rows overlap, the one starting later, or of two starting together the narrower, holds
 * the shared addresses, the rule ringscan's ingest/asnranges.c applies.
 *
 * A pool unit is the part of a row covered by one network of the city database, found by
 * looking up a sampled address of the row and widening it to the network the database
 * reports (MMDB_lookup_result_s.netmask). A network carries one record, so every address of
 * a unit resolves to the unit's country: sampling only decides which parts of a large row
 * are used, never whether a used address geolocates correctly. Units of one row are
 * disjoint (networks are) and rows are disjoint, so a pool never counts an address twice.
 * Each block's pool is a slice of one unit array with a running address count, so a draw
 * is one modulo and one binary search.
 *
 * Workload: one pass over a ~412k-row, 24 MB CSV in which a few thousand rows belong to the
 * table's ASNs; 4 city lookups per such row; then millions of draws (O(log units) each)
 * while events are written.
 */
#include "datasets/gen/gen_ipdb.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/proc.h"
#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_rng.h"

/* Sampled addresses per row of a table ASN. */
#define IPDB_SAMPLES 4
/* Units smaller than this are dropped: a draw must be able to step off .0 and .255. */
#define IPDB_MIN_UNIT 4u

typedef struct ipdb_row {
    uint32_t first, last, asn;
    size_t org; /* offset in the arena */
} ipdb_row;

struct gen_ipdb_ranges {
    gen_ipdb_range *rows;
    uint32_t *reach; /* reach[i]: the highest last address of rows 0..i */
    size_t n, read;
    char *arena;
};

/* ---------------------------------------------------------------- loader */

/* Dotted IPv4 in [s, e) into *out (host order). Returns 0, or -1 when malformed. */
static int ipdb_parse_v4(const char *s, const char *e, uint32_t *out)
{
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (s < e && *s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s - '0');
            s++;
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return -1;
        a = (a << 8) | v;
        if (part < 3) {
            if (s >= e || *s != '.')
                return -1;
            s++;
        }
    }
    if (s != e)
        return -1;
    *out = a;
    return 0;
}

static int ipdb_parse_asn(const char *s, const char *e, uint32_t *out)
{
    uint64_t v = 0;
    if (s == e || e - s > 10)
        return -1;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int ipdb_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int ipdb_cmp_span(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* First ascending, then last descending: of rows starting together, the narrowest comes
 * last, where the lookup looks first. */
static int ipdb_cmp_row(const void *a, const void *b)
{
    const ipdb_row *x = a, *y = b;
    if (x->first != y->first)
        return (x->first > y->first) - (x->first < y->first);
    if (x->last != y->last)
        return (x->last < y->last) - (x->last > y->last);
    return (x->asn > y->asn) - (x->asn < y->asn);
}

/* The filter in a form that answers per row in O(log): sorted ASNs, and the spans sorted
 * and merged into disjoint [first, last] pairs. */
typedef struct ipdb_sel {
    uint32_t *asns;
    size_t nasns;
    uint32_t *spans; /* pairs */
    size_t nspans;
} ipdb_sel;

static void ipdb_sel_init(ipdb_sel *s, const gen_ipdb_filter *f)
{
    memset(s, 0, sizeof *s);
    if (f && f->nasns) {
        s->asns = xmalloc(xmul(f->nasns, sizeof *s->asns));
        memcpy(s->asns, f->asns, f->nasns * sizeof *s->asns);
        qsort(s->asns, f->nasns, sizeof *s->asns, ipdb_cmp_u32);
        s->nasns = f->nasns;
    }
    if (f && f->nspans) {
        s->spans = xmalloc(xmul(f->nspans, 2 * sizeof *s->spans));
        memcpy(s->spans, f->spans, f->nspans * 2 * sizeof *s->spans);
        qsort(s->spans, f->nspans, 2 * sizeof *s->spans, ipdb_cmp_span);
        size_t m = 0;
        for (size_t i = 0; i < f->nspans; i++) {
            uint32_t a = s->spans[2 * i], b = s->spans[2 * i + 1];
            if (a > b)
                continue;
            if (m && a <= s->spans[2 * m - 1]) {
                if (b > s->spans[2 * m - 1])
                    s->spans[2 * m - 1] = b;
            } else {
                s->spans[2 * m] = a;
                s->spans[2 * m + 1] = b;
                m++;
            }
        }
        s->nspans = m;
    }
}

static int ipdb_sel_keeps(const ipdb_sel *s, uint32_t first, uint32_t last, uint32_t asn)
{
    if (s->nasns && bsearch(&asn, s->asns, s->nasns, sizeof *s->asns, ipdb_cmp_u32))
        return 1;
    /* The last span starting at or before `last` is the only one that can overlap. */
    size_t lo = 0, hi = s->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->spans[2 * mid] <= last)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && s->spans[2 * (lo - 1) + 1] >= first;
}

/* Unquotes the org field [s, e) into the arena. Returns 0, or -1 with *col_off set to the
 * offending byte's offset from s. */
static int ipdb_put_org(rs_buf *arena, const char *s, const char *e, size_t *col_off)
{
    if (s == e || *s != '"') {
        const char *q = memchr(s, '"', (size_t)(e - s));
        const char *c = memchr(s, ',', (size_t)(e - s));
        if (q || c) {
            *col_off = (size_t)((q && (!c || q < c) ? q : c) - s);
            return -1;
        }
        buf_append(arena, s, (size_t)(e - s));
        buf_putc(arena, '\0');
        return 0;
    }
    const char *p = s + 1;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(e - p));
        if (!q) {
            *col_off = (size_t)(e - s);
            return -1; /* unterminated quote */
        }
        buf_append(arena, p, (size_t)(q - p));
        if (q + 1 < e && q[1] == '"') {
            buf_putc(arena, '"');
            p = q + 2;
            continue;
        }
        if (q + 1 != e) {
            *col_off = (size_t)(q + 1 - s);
            return -1; /* text after the closing quote */
        }
        break;
    }
    buf_putc(arena, '\0');
    return 0;
}

/* Parses line `lineno` of `path` (without its end) into *row and *org (start of the org
 * field). Returns 1 for a row, 0 for a skipped line (blank, or the header on line 1), -1 when
 * malformed, with err set to "path:line:col: message" (col 1-based). */
static int ipdb_parse_line(const char *path, const char *line, size_t n, long lineno, ipdb_row *row,
                           const char **org, rs_error *err)
{
    const char *e = line + n;
    const char *c1, *c2 = NULL, *c3 = NULL;
    if (n == 0)
        return 0;
    c1 = memchr(line, ',', n);
    if (c1)
        c2 = memchr(c1 + 1, ',', (size_t)(e - c1 - 1));
    if (c2)
        c3 = memchr(c2 + 1, ',', (size_t)(e - c2 - 1));
    if (!c3) {
        if (lineno == 1 && (line[0] < '0' || line[0] > '9'))
            return 0;
        rs_error_set(err, RS_E_FORMAT, path, lineno, (long)n + 1,
                     "expected 4 fields: range_start,range_end,asn,org");
        return -1;
    }
    if (ipdb_parse_v4(line, c1, &row->first) != 0) {
        if (lineno == 1)
            return 0; /* a header line */
        rs_error_set(err, RS_E_FORMAT, path, lineno, 1, "range_start is not a dotted IPv4 address");
        return -1;
    }
    if (ipdb_parse_v4(c1 + 1, c2, &row->last) != 0) {
        rs_error_set(err, RS_E_FORMAT, path, lineno, (long)(c1 + 1 - line) + 1,
                     "range_end is not a dotted IPv4 address");
        return -1;
    }
    if (row->last < row->first) {
        rs_error_set(err, RS_E_FORMAT, path, lineno, (long)(c1 + 1 - line) + 1,
                     "range_end before range_start");
        return -1;
    }
    if (ipdb_parse_asn(c2 + 1, c3, &row->asn) != 0) {
        rs_error_set(err, RS_E_FORMAT, path, lineno, (long)(c2 + 1 - line) + 1,
                     "asn is not an integer of 32 bits");
        return -1;
    }
    *org = c3 + 1;
    return 1;
}

int gen_ipdb_ranges_load(gen_ipdb_ranges **out, const char *path, const gen_ipdb_filter *filter,
                         rs_error *err)
{
    FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0, nrows = 0, rcap = 0;
    ipdb_row *rows = NULL;
    rs_buf arena = {0};
    gen_ipdb_ranges *r = NULL;
    ipdb_sel sel;
    long lineno = 0;
    int rc = -1;
    ssize_t got;
    *out = NULL;
    ipdb_sel_init(&sel, filter);
    buf_reserve(&arena, 4096);
    f = fopen(path, "r");
    if (!f) {
        rs_error_set(err, RS_E_IO, path, 0, 0, "%s", strerror(errno));
        goto cleanup;
    }
    r = xcalloc(1, sizeof *r);
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t n = (size_t)got, off = 0;
        const char *org = NULL;
        ipdb_row row;
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        int k = ipdb_parse_line(path, line, n, lineno, &row, &org, err);
        if (k < 0)
            goto cleanup;
        if (k == 0)
            continue;
        r->read++;
        if (!ipdb_sel_keeps(&sel, row.first, row.last, row.asn))
            continue;
        row.org = arena.len;
        if (ipdb_put_org(&arena, org, line + n, &off) != 0) {
            rs_error_set(err, RS_E_FORMAT, path, lineno, (long)(org - line) + (long)off + 1,
                         "malformed org: a quote or comma outside quotes");
            goto cleanup;
        }
        ALLOC_GROW(rows, rcap, nrows + 1);
        rows[nrows++] = row;
    }
    if (ferror(f)) {
        rs_error_set(err, RS_E_IO, path, 0, 0, "read error: %s", strerror(errno));
        goto cleanup;
    }
    if (nrows)
        qsort(rows, nrows, sizeof *rows, ipdb_cmp_row);
    r->arena = arena.data;
    arena.data = NULL;
    r->rows = xcalloc(nrows ? nrows : 1, sizeof *r->rows);
    r->reach = xcalloc(nrows ? nrows : 1, sizeof *r->reach);
    for (size_t i = 0; i < nrows; i++) {
        r->rows[i].first = rows[i].first;
        r->rows[i].last = rows[i].last;
        r->rows[i].asn = rows[i].asn;
        r->rows[i].org = r->arena + rows[i].org;
        r->reach[i] = i && r->reach[i - 1] > rows[i].last ? r->reach[i - 1] : rows[i].last;
    }
    r->n = nrows;
    *out = r;
    r = NULL;
    rc = 0;
cleanup:
    if (f)
        fclose(f);
    free(line);
    free(rows);
    buf_free(&arena);
    free(sel.asns);
    free(sel.spans);
    gen_ipdb_ranges_free(r);
    return rc;
}

size_t gen_ipdb_ranges_count(const gen_ipdb_ranges *r)
{
    return r ? r->n : 0;
}

size_t gen_ipdb_ranges_read(const gen_ipdb_ranges *r)
{
    return r ? r->read : 0;
}

const gen_ipdb_range *gen_ipdb_ranges_at(const gen_ipdb_ranges *r, size_t i)
{
    return r && i < r->n ? &r->rows[i] : NULL;
}

const gen_ipdb_range *gen_ipdb_ranges_find(const gen_ipdb_ranges *r, uint32_t a)
{
    size_t lo = 0, hi = r ? r->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->rows[mid].first <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* The latest-starting row holding a. In disjoint data that is row lo - 1 or none; the
     * reach test ends the walk at once unless an earlier row stretches over a. */
    for (size_t i = lo; i > 0 && r->reach[i - 1] >= a; i--)
        if (r->rows[i - 1].last >= a)
            return &r->rows[i - 1];
    return NULL;
}

void gen_ipdb_ranges_free(gen_ipdb_ranges *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->reach);
    free(r->arena);
    free(r);
}

/* ----------------------------------------------------------------- pools */

typedef struct ipdb_unit {
    uint32_t first, last;
    uint32_t row; /* kept row the unit lies in */
    char cc[2];   /* country of the unit's network */
} ipdb_unit;

typedef struct ipdb_pool {
    size_t first, n; /* slice of gen_ipdb.units / .cum */
    uint64_t total;  /* addresses in the pool */
    int own_asn;     /* 1: units of the block's own ASN; 0: of its (country, kind) */
} ipdb_pool;

struct gen_ipdb {
    gen_ipdb_ranges *ranges;
    MMDB_s mmdb;
    int mmdb_open;
    int v6tree; /* the city database is an IPv6 tree: IPv4 netmasks are offset by 96 */
    ipdb_unit *units;
    uint64_t *cum; /* addresses of the pool's units before this one */
    size_t nunits, ucap;
    ipdb_pool *pools; /* one per built-in block */
    size_t nblocks;
    size_t npairs, nreal;
    size_t sampled_rows, lookups, candidate_units;
    double t_load, t_geo;
};

/* Country of a, from the flat `country_code` key of ip-location-db's city data or
 * MaxMind's `country/iso_code`. Returns 1 and fills cc[2] and *prefix (the IPv4 prefix
 * length of the network holding a), or 0 when the database has no country for a. */
static int ipdb_country(const gen_ipdb *db, uint32_t a, char cc[2], unsigned *prefix)
{
    struct sockaddr_in sin;
    int mmerr = MMDB_SUCCESS;
    MMDB_entry_data_s d;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(a);
    MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&db->mmdb, (const struct sockaddr *)&sin, &mmerr);
    if (mmerr != MMDB_SUCCESS || !r.found_entry)
        return 0;
    int s = MMDB_get_value(&r.entry, &d, "country_code", NULL);
    if (s != MMDB_SUCCESS || !d.has_data)
        s = MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL);
    if (s != MMDB_SUCCESS || !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
        d.data_size != 2)
        return 0;
    memcpy(cc, d.utf8_string, 2);
    if (prefix) {
        unsigned m = r.netmask;
        if (db->v6tree)
            m = m >= 96 ? m - 96 : 0;
        *prefix = m > 32 ? 32 : m;
    }
    return 1;
}

static int ipdb_cmp_unit(const void *a, const void *b)
{
    const ipdb_unit *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static int ipdb_has_asn(const uint32_t *asns, size_t n, uint32_t asn)
{
    for (size_t i = 0; i < n; i++)
        if (asns[i] == asn)
            return 1;
    return 0;
}

/* ASNs of the table's blocks of (cc, kind) into asns (capacity gen_geo_block_count()).
 * Returns how many, without repeats. */
static size_t ipdb_pair_asns(const char *cc, int kind, uint32_t *asns)
{
    size_t n = 0;
    for (size_t i = 0; i < gen_geo_block_count(); i++) {
        const gen_geo_block *b = gen_geo_block_at(i);
        if (b->kind == kind && strcmp(b->cc, cc) == 0 && !ipdb_has_asn(asns, n, b->asn))
            asns[n++] = b->asn;
    }
    return n;
}

/* Samples every kept row of a table ASN (all_asns) and returns its city networks, clipped
 * to the row, as units (new array, caller frees; *n units). Deterministic for seed. */
static ipdb_unit *ipdb_sample(gen_ipdb *db, const uint32_t *all_asns, size_t nall, uint64_t seed,
                              size_t *n)
{
    ipdb_unit *u = NULL;
    size_t nu = 0, cap = 0;
    for (size_t i = 0; i < db->ranges->n; i++) {
        const gen_ipdb_range *row = &db->ranges->rows[i];
        if (!ipdb_has_asn(all_asns, nall, row->asn))
            continue;
        db->sampled_rows++;
        size_t row_first = nu;
        uint64_t size = (uint64_t)row->last - row->first + 1;
        for (unsigned s = 0; s < IPDB_SAMPLES; s++) {
            uint64_t h = gen_rng_mix(seed ^ 0x69706462ull, ((uint64_t)row->first << 3) | s);
            uint32_t a = row->first + (uint32_t)(h % size);
            char cc[2];
            unsigned prefix = 32;
            db->lookups++;
            if (!ipdb_country(db, a, cc, &prefix))
                continue;
            uint32_t mask = prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
            uint32_t lo = a & mask, hi = a | ~mask;
            if (lo < row->first)
                lo = row->first;
            if (hi > row->last)
                hi = row->last;
            /* Where rows overlap, keep to the stretch around a that this row holds. */
            if (gen_ipdb_ranges_find(db->ranges, a) != row)
                continue;
            for (size_t j = i + 1; j < db->ranges->n && db->ranges->rows[j].first <= hi; j++) {
                const gen_ipdb_range *o = &db->ranges->rows[j];
                if (o->first > a) {
                    hi = o->first - 1;
                    break;
                }
                if (o->last >= lo)
                    lo = o->last + 1;
            }
            if ((uint64_t)hi - lo + 1 < IPDB_MIN_UNIT)
                continue;
            int dup = 0;
            for (size_t k = row_first; k < nu && !dup; k++)
                dup = u[k].first == lo;
            if (dup)
                continue;
            ALLOC_GROW(u, cap, nu + 1);
            u[nu].first = lo;
            u[nu].last = hi;
            u[nu].row = (uint32_t)i;
            memcpy(u[nu].cc, cc, 2);
            nu++;
        }
        if (nu - row_first > 1)
            qsort(u + row_first, nu - row_first, sizeof *u, ipdb_cmp_unit);
    }
    *n = nu;
    return u;
}

/* Appends to the block's pool every sampled unit in country cc whose row's ASN is `asn`
 * (asns == NULL) or one of asns. */
static void ipdb_fill_pool(gen_ipdb *db, ipdb_pool *p, const ipdb_unit *su, size_t nsu,
                           const char *cc, uint32_t asn, const uint32_t *asns, size_t nasns)
{
    p->first = db->nunits;
    p->n = 0;
    p->total = 0;
    for (size_t i = 0; i < nsu; i++) {
        uint32_t ra = db->ranges->rows[su[i].row].asn;
        if (memcmp(su[i].cc, cc, 2) != 0 || (asns ? !ipdb_has_asn(asns, nasns, ra) : ra != asn))
            continue;
        if (db->nunits + 1 > db->ucap) {
            ALLOC_GROW(db->units, db->ucap, db->nunits + 1);
            db->cum = xreallocarray(db->cum, db->ucap, sizeof *db->cum);
        }
        db->units[db->nunits] = su[i];
        db->cum[db->nunits] = p->total;
        p->total += (uint64_t)su[i].last - su[i].first + 1;
        db->nunits++;
        p->n++;
    }
}

static const char *ipdb_kind_name(int kind)
{
    return kind == GEN_GEO_RES ? "residential" : kind == GEN_GEO_MOB ? "mobile" : "hosting";
}

/* Builds every block's pool from the sampled units, pair by pair in table order. */
static void ipdb_build_pools(gen_ipdb *db, const ipdb_unit *su, size_t nsu, FILE *note,
                             const char *prog)
{
    size_t nb = gen_geo_block_count();
    uint32_t *asns = xmalloc(xmul(nb, sizeof *asns));
    db->nblocks = nb;
    db->pools = xcalloc(nb, sizeof *db->pools);
    for (size_t i = 0; i < nb; i++) {
        const gen_geo_block *b = gen_geo_block_at(i);
        /* Only the first block of a (country, kind) opens the pair. */
        if (gen_geo_find(b->cc, b->kind, 0) != i)
            continue;
        size_t nasns = ipdb_pair_asns(b->cc, b->kind, asns);
        int real = 0;
        db->npairs++;
        for (size_t k = 0; k < gen_geo_count_of(b->cc, b->kind); k++) {
            size_t j = gen_geo_find(b->cc, b->kind, k);
            ipdb_pool *p = &db->pools[j];
            ipdb_fill_pool(db, p, su, nsu, b->cc, gen_geo_block_at(j)->asn, NULL, 0);
            p->own_asn = p->n > 0;
            if (p->n == 0)
                ipdb_fill_pool(db, p, su, nsu, b->cc, 0, asns, nasns);
            real |= p->n > 0;
        }
        if (real)
            db->nreal++;
        else if (note)
            fprintf(note,
                    "%s: --ipdb: no range of the table's %s ASNs for %s geolocates to %s; "
                    "using the built-in blocks\n",
                    prog, ipdb_kind_name(b->kind), b->cc, b->cc);
    }
    free(asns);
}

/* Every ASN of the table, and every block as a span, for the loader's filter. */
static void ipdb_table_filter(gen_ipdb_filter *f, uint32_t *asns, uint32_t *spans)
{
    size_t na = 0, nb = gen_geo_block_count();
    for (size_t i = 0; i < nb; i++) {
        const gen_geo_block *b = gen_geo_block_at(i);
        if (!ipdb_has_asn(asns, na, b->asn))
            asns[na++] = b->asn;
        spans[2 * i] = b->base;
        spans[2 * i + 1] = b->base | (b->len >= 32 ? 0u : ~(uint32_t)0 >> b->len);
    }
    f->asns = asns;
    f->nasns = na;
    f->spans = spans;
    f->nspans = nb;
}

int gen_ipdb_open(gen_ipdb **out, const char *dir, uint64_t seed, FILE *note, const char *prog,
                  rs_error *err)
{
    gen_ipdb *db = NULL;
    ipdb_unit *su = NULL;
    size_t nb = gen_geo_block_count(), nsu = 0;
    uint32_t *asns = xmalloc(xmul(nb, sizeof *asns));
    uint32_t *spans = xmalloc(xmul(nb, 2 * sizeof *spans));
    char path[4096];
    gen_ipdb_filter filter;
    int rc = -1;
    *out = NULL;
    ipdb_table_filter(&filter, asns, spans);
    db = xcalloc(1, sizeof *db);
    double t0 = proc_now();
    snprintf(path, sizeof path, "%s/%s", dir, GEN_IPDB_ASN_CSV);
    if (gen_ipdb_ranges_load(&db->ranges, path, &filter, err) != 0)
        goto cleanup;
    db->t_load = proc_now() - t0;
    snprintf(path, sizeof path, "%s/%s", dir, GEN_IPDB_CITY_MMDB);
    errno = 0;
    int s = MMDB_open(path, MMDB_MODE_MMAP, &db->mmdb);
    if (s != MMDB_SUCCESS) {
        int e = errno;
        rs_error_set(err, RS_E_IO, path, 0, 0, "%s",
                     (s == MMDB_IO_ERROR || s == MMDB_FILE_OPEN_ERROR) && e ? strerror(e)
                                                                            : MMDB_strerror(s));
        goto cleanup;
    }
    db->mmdb_open = 1;
    db->v6tree = db->mmdb.metadata.ip_version == 6;
    t0 = proc_now();
    su = ipdb_sample(db, filter.asns, filter.nasns, seed, &nsu);
    db->candidate_units = nsu;
    ipdb_build_pools(db, su, nsu, note, prog);
    db->t_geo = proc_now() - t0;
    *out = db;
    db = NULL;
    rc = 0;
cleanup:
    free(su);
    free(asns);
    free(spans);
    gen_ipdb_free(db);
    return rc;
}

uint32_t gen_ipdb_addr(const gen_ipdb *db, size_t blk, uint64_t h)
{
    assert(blk < db->nblocks);
    const ipdb_pool *p = &db->pools[blk];
    if (p->n == 0)
        return gen_geo_addr(gen_geo_block_at(blk), h);
    uint64_t x = h % p->total;
    /* The last unit whose running count is <= x. */
    size_t lo = 0, hi = p->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (db->cum[p->first + mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    const ipdb_unit *u = &db->units[p->first + lo];
    uint32_t a = u->first + (uint32_t)(x - db->cum[p->first + lo]);
    /* Units hold at least IPDB_MIN_UNIT addresses, so both steps stay inside. */
    if ((a & 0xffu) == 0)
        a = a < u->last ? a + 1 : a - 2;
    else if ((a & 0xffu) == 0xffu)
        a = a > u->first ? a - 1 : a + 2;
    return a;
}

void gen_ipdb_describe(const gen_ipdb *db, uint32_t a, gen_ipdb_info *out)
{
    char cc[2];
    memset(out, 0, sizeof *out);
    if (ipdb_country(db, a, cc, NULL)) {
        out->cc[0] = cc[0];
        out->cc[1] = cc[1];
    }
    const gen_ipdb_range *r = gen_ipdb_ranges_find(db->ranges, a);
    if (r) {
        out->asn = r->asn;
        out->org = r->org;
    }
}

int gen_ipdb_block_is_real(const gen_ipdb *db, size_t blk)
{
    return blk < db->nblocks && db->pools[blk].n > 0;
}

void gen_ipdb_pairs(const gen_ipdb *db, size_t *real, size_t *total)
{
    *real = db->nreal;
    *total = db->npairs;
}

/* Checks `samples` draws of block blk; returns the mismatches. */
static long ipdb_check_block(const gen_ipdb *db, size_t blk, unsigned samples, FILE *f)
{
    const gen_geo_block *b = gen_geo_block_at(blk);
    uint32_t *asns = xmalloc(xmul(gen_geo_block_count(), sizeof *asns));
    size_t nasns = ipdb_pair_asns(b->cc, b->kind, asns);
    long bad = 0;
    for (unsigned s = 0; s < samples; s++) {
        uint32_t a =
            gen_ipdb_addr(db, blk, gen_rng_mix(0x636865636bull, ((uint64_t)blk << 32) | s));
        gen_ipdb_info in;
        gen_ipdb_describe(db, a, &in);
        int ok = memcmp(in.cc, b->cc, 2) == 0 && in.org && ipdb_has_asn(asns, nasns, in.asn) &&
                 (a & 0xffu) != 0 && (a & 0xffu) != 0xffu;
        if (!ok && bad == 0)
            fprintf(f, "  %u.%u.%u.%u resolves to %s AS%u\n", a >> 24, (a >> 16) & 255u,
                    (a >> 8) & 255u, a & 255u, in.cc[0] ? in.cc : "--", in.asn);
        bad += !ok;
    }
    free(asns);
    return bad;
}

long gen_ipdb_report(const gen_ipdb *db, unsigned samples, FILE *f)
{
    long bad = 0;
    size_t real_blocks = 0, own_blocks = 0;
    fprintf(f, "asn data: kept %zu of %zu rows in %.3f s\n", db->ranges->n, db->ranges->read,
            db->t_load);
    fprintf(f, "city data: %zu rows of table ASNs sampled, %zu lookups, %zu networks in %.3f s\n",
            db->sampled_rows, db->lookups, db->candidate_units, db->t_geo);
    for (size_t i = 0; i < db->nblocks; i++) {
        const gen_geo_block *b = gen_geo_block_at(i);
        const ipdb_pool *p = &db->pools[i];
        fprintf(f, "%s %-11s AS%-6u %-44.44s ", b->cc, ipdb_kind_name(b->kind), b->asn, b->org);
        if (p->n == 0) {
            fprintf(f, "built-in %u.%u.%u.%u/%u\n", b->base >> 24, (b->base >> 16) & 255u,
                    (b->base >> 8) & 255u, b->base & 255u, b->len);
            continue;
        }
        long nb = ipdb_check_block(db, i, samples, f);
        real_blocks++;
        own_blocks += p->own_asn != 0;
        fprintf(f, "%6zu networks %11llu addresses (%s)%s\n", p->n, (unsigned long long)p->total,
                p->own_asn ? "own ASN" : "ASNs of its country and kind", nb ? " MISMATCH" : "");
        bad += nb;
    }
    fprintf(f,
            "%zu of %zu (country, kind) pairs and %zu of %zu blocks from real ranges (%zu from "
            "their own ASN); %ld of %zu checked addresses mismatch\n",
            db->nreal, db->npairs, real_blocks, db->nblocks, own_blocks, bad,
            real_blocks * samples);
    return bad;
}

void gen_ipdb_free(gen_ipdb *db)
{
    if (!db)
        return;
    if (db->mmdb_open)
        MMDB_close(&db->mmdb);
    gen_ipdb_ranges_free(db->ranges);
    free(db->units);
    free(db->cum);
    free(db->pools);
    free(db);
}
