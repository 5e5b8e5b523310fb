/* summary.c - the per-file summary cache; see summary.h and docs/reduced.md.
 *
 * A summary file is a 128-byte header, the rows, then the facts:
 *
 *   header  magic "RSSUMMRY", byte-order mark, SUMMARY_FORMAT, the input's
 *           SHA-256 (64 hex), the parameter digest (16 hex), table, the
 *           lengths of the two sections, crc32 of the body, crc32 of the
 *           header's first 124 bytes
 *   rows    per row: offset u64, length u64, first line i64, record hash
 *           u32, then its values as the row pipe carries them (rowcodec.h:
 *           per present analysed column u8 column+1 and its value, strings
 *           u32 length, bytes, NUL; then u8 0)
 *   facts   the counts and format facts of table_stats the loader keeps, the
 *           mapping tally, the config aliases used, the latest time, rows
 *
 * Numbers are in the writing machine's byte order (the mark refuses another).
 * A summary is read whole into one buffer and walked once to check its
 * structure before any row is handed out, so a row read never leaves it.
 *
 * The index (DIR/index) is text: a version line, then one line per input,
 * "SHA256 SUMMARY SIZE MTIME_NS PATH" (SUMMARY "-" for none), sorted by path.
 */
#include "ingest/summary.h"

#include "ingest/rowcodec.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/cmp.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/ts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "RSSUMMRY"
#define BYTE_ORDER_MARK UINT32_C(0x0A0B0C0D)
#define HEADER_LEN 128
#define HEADER_CRC_AT 124
#define ROW_HEAD (3 * sizeof(uint64_t) + sizeof(uint32_t))
#define WRITE_BUF (1u << 20)
#define INDEX_FIRST_LINE "ringscan summary index 1"
#define SUFFIX ".rsum"
#define TMP_PREFIX ".summary-"
/* A temporary file this old was left by a run that died: removed by pruning
 * (a live run finishes its summaries within its ingest). */
#define TMP_STALE_S 86400

typedef struct {
    char *path;
    uint64_t size;
    int64_t mtime_ns;
    char sha[SHA256_HEX_LEN];
    char *summary; /* file name, or NULL: none kept */
    int forget;    /* this run read the path and keeps no entry */
} entry;

struct summary_cache {
    char *dir;
    FILE *diag;
    int usable;  /* the directory exists and is writable */
    rs_buf base; /* the run-wide part of every key */
    entry *old;  /* the index as read, sorted by path */
    size_t nold;
    entry *cur; /* this run's, in record order */
    size_t ncur, capcur;
    summary_counts counts;
    int noted_write;
};

struct summary_writer {
    summary_cache *c;
    table_id t;
    char key[SUMMARY_PARAMS_HEX + 1];
    char *tmp;
    FILE *f;
    unsigned char *buf;
    size_t len;
    uLong crc;
    uint64_t rows_len, facts_len, nrows;
    int64_t max_ts;
    int failed;
};

static void note(summary_cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(summary_cache *c, const char *fmt, ...)
{
    if (!c->diag)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("ringscan: note: cache: ", c->diag);
    vfprintf(c->diag, fmt, ap);
    fputc('\n', c->diag);
    va_end(ap);
}

/* A summary that cannot be written is said once per run. */
static void note_write_failure(summary_cache *c, const char *what)
{
    c->counts.write_failures++;
    if (!c->noted_write && c->diag)
        fprintf(c->diag, "ringscan: warning: cache %s: %s: %s (inputs are read again next run)\n",
                c->dir, what, strerror(errno));
    c->noted_write = 1;
}

/* --- the key --------------------------------------------------------------- */

static void key_str(rs_buf *b, const char *s)
{
    buf_puts(b, s ? s : "\x01");
    buf_putc(b, '\0');
}

/* The run-wide parameters in one unambiguous byte string: every string
 * NUL-ended, every list preceded by its count. */
static void key_base(rs_buf *b, const summary_params *p)
{
    buf_printf(b, "ringscan summary %d", SUMMARY_FORMAT);
    buf_putc(b, '\0');
    buf_printf(b, "aliases %zu", p->naliases);
    buf_putc(b, '\0');
    for (size_t i = 0; i < p->naliases; i++) {
        key_str(b, p->aliases[i].table);
        key_str(b, p->aliases[i].from);
        key_str(b, p->aliases[i].to);
    }
    buf_printf(b, "nulls %zu", p->nnull_values);
    buf_putc(b, '\0');
    for (size_t i = 0; i < p->nnull_values; i++)
        key_str(b, p->null_values[i]);
    buf_printf(b, "ts %d strict %d ratio %.17g record %" PRIu64, p->ts_checked, p->strict,
               p->max_ratio, p->max_record_bytes);
    buf_putc(b, '\0');
}

void summary_cache_key(const summary_cache *c, table_id t, int fmt, const char *map_spec,
                       char out[SUMMARY_PARAMS_HEX + 1])
{
    rs_buf b = {0};
    buf_append(&b, c->base.data, c->base.len);
    buf_printf(&b, "table %d fmt %d", (int)t, fmt);
    buf_putc(&b, '\0');
    key_str(&b, map_spec);
    char hex[SHA256_HEX_LEN];
    sha256_mem_hex(b.data, b.len, hex);
    memcpy(out, hex, SUMMARY_PARAMS_HEX);
    out[SUMMARY_PARAMS_HEX] = '\0';
    buf_free(&b);
}

/* --- the index ------------------------------------------------------------- */

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* bsearch's comparison of a path (the key) with an entry. */
static int cmp_path_entry(const void *key, const void *e)
{
    return strcmp(key, ((const entry *)e)->path);
}

static void entry_free(entry *e)
{
    free(e->path);
    free(e->summary);
}

static int is_hex64(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* One index line into *e; 0, or -1 when it is not one. */
static int parse_entry(char *line, entry *e)
{
    memset(e, 0, sizeof *e);
    char *sp = strchr(line, ' ');
    if (!sp || sp - line != 64 || !is_hex64(line))
        return -1;
    memcpy(e->sha, line, 64);
    e->sha[64] = '\0';
    char *name = sp + 1, *end;
    if (!(sp = strchr(name, ' ')))
        return -1;
    *sp = '\0';
    if (strchr(name, '/') || !*name)
        return -1;
    errno = 0;
    unsigned long long size = strtoull(sp + 1, &end, 10);
    if (errno || *end != ' ')
        return -1;
    long long mt = strtoll(end + 1, &end, 10);
    if (errno || *end != ' ' || !end[1])
        return -1;
    e->size = size;
    e->mtime_ns = mt;
    e->summary = strcmp(name, "-") ? xstrdup(name) : NULL;
    e->path = xstrdup(end + 1);
    return 0;
}

static void index_read(summary_cache *c)
{
    char *path = files_join(c->dir, "index");
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, have = 0;
    ssize_t n;
    int first = 1, bad = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n') {
            bad = 1; /* a cut last line */
            break;
        }
        line[n - 1] = '\0';
        if (first) {
            bad = strcmp(line, INDEX_FIRST_LINE) != 0;
            first = 0;
            if (bad)
                break;
            continue;
        }
        ALLOC_GROW(c->old, have, c->nold + 1);
        if (parse_entry(line, &c->old[c->nold]) != 0) {
            entry_free(&c->old[c->nold]);
            bad = 1;
            continue;
        }
        c->nold++;
    }
    free(line);
    fclose(f);
    if (bad)
        note(c, "%s/index is damaged or of another version: the inputs it lost are read again",
             c->dir);
    if (c->nold)
        qsort(c->old, c->nold, sizeof *c->old, cmp_entry);
}

summary_cache *summary_cache_open(const char *dir, const summary_params *p, FILE *diag)
{
    summary_cache *c = xcalloc(1, sizeof *c);
    c->dir = xstrdup(dir);
    c->diag = diag;
    key_base(&c->base, p);
    if (files_mkdir_p(dir) != 0 || access(dir, W_OK | X_OK) != 0) {
        note_write_failure(c, "cannot use the directory");
        return c;
    }
    c->usable = 1;
    index_read(c);
    return c;
}

static const entry *find_old(const summary_cache *c, const char *path)
{
    return c->nold ? bsearch(path, c->old, c->nold, sizeof *c->old, cmp_path_entry) : NULL;
}

int summary_cache_known(const summary_cache *c, const char *path, uint64_t size, int64_t mtime_ns,
                        char *sha, const char **summary)
{
    const entry *e = find_old(c, path);
    if (!e || e->size != size || e->mtime_ns != mtime_ns)
        return 0;
    memcpy(sha, e->sha, SHA256_HEX_LEN);
    *summary = e->summary ? e->summary : "";
    return 1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void summary_cache_record(summary_cache *c, const char *path, uint64_t size, int64_t mtime_ns,
                          const char *sha, const char *name)
{
    ALLOC_GROW(c->cur, c->capcur, c->ncur + 1);
    entry *e = &c->cur[c->ncur++];
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path);
    e->size = size;
    e->mtime_ns = mtime_ns;
    /* A path with a line end cannot be a line of the index; a racy one may
     * change unseen within its clock tick. */
    e->forget = !sha || !sha[0] || strchr(path, '\n') || mtime_ns > now_ns() - SUMMARY_RACY_NS;
    if (!e->forget) {
        memcpy(e->sha, sha, SHA256_HEX_LEN);
        e->summary = name ? xstrdup(name) : NULL;
    }
}

summary_counts *summary_cache_counts(summary_cache *c)
{
    return &c->counts;
}

const char *summary_cache_dir(const summary_cache *c)
{
    return c->dir;
}

/* --- reading a summary ------------------------------------------------------ */

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Walks the rows of table t in [q, end): 0 when every row is whole and
 * there are nrows of them. */
static int check_rows(const unsigned char *q, const unsigned char *end, table_id t, uint64_t nrows)
{
    uint64_t n = 0;
    while (q < end) {
        if ((size_t)(end - q) < ROW_HEAD + 1)
            return -1;
        q = rowcodec_check(q + ROW_HEAD, end, t);
        if (!q)
            return -1;
        n++;
    }
    return q == end && n == nrows ? 0 : -1;
}

/* A cursor over the facts section that fails once past its end. */
typedef struct {
    const unsigned char *p, *end;
    int bad;
} rd;

static uint64_t rd_u64(rd *r)
{
    if (r->bad || (size_t)(r->end - r->p) < 8) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = get_u64(r->p);
    r->p += 8;
    return v;
}

static uint32_t rd_u32(rd *r)
{
    if (r->bad || (size_t)(r->end - r->p) < 4) {
        r->bad = 1;
        return 0;
    }
    uint32_t v = get_u32(r->p);
    r->p += 4;
    return v;
}

/* A length-led string into out (outlen bytes, NUL-ended). */
static void rd_str(rd *r, char *out, size_t outlen)
{
    uint32_t n = rd_u32(r);
    if (r->bad || n >= outlen || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        out[0] = '\0';
        return;
    }
    memcpy(out, r->p, n);
    out[n] = '\0';
    r->p += n;
}

static int read_facts(const unsigned char *p, const unsigned char *end, summary_facts *f)
{
    rd r = {p, end, 0};
    memset(f, 0, sizeof *f);
    f->st.rows_read = rd_u64(&r);
    f->st.raw_bytes = rd_u64(&r);
    f->st.text_bytes = rd_u64(&r);
    f->st.header_end = rd_u64(&r);
    f->nrows = rd_u64(&r);
    f->max_ts = (int64_t)rd_u64(&r);
    f->st.gzip = (int)rd_u32(&r);
    f->st.jsonl = (int)rd_u32(&r);
    f->st.delimiter = (char)rd_u32(&r);
    rd_str(&r, f->st.mapped, sizeof f->st.mapped);
    f->has_tally = (int)rd_u32(&r);
    if (f->has_tally) {
        mapping_tally *t = &f->tally;
        t->records = rd_u64(&r);
        t->rows = rd_u64(&r);
        t->left_out = rd_u64(&r);
        t->other = rd_u64(&r);
        t->nreasons = rd_u32(&r);
        if (t->nreasons > MAPPING_MAX_REASONS)
            return -1;
        for (size_t i = 0; i < t->nreasons; i++) {
            rd_str(&r, t->reasons[i].reason, sizeof t->reasons[i].reason);
            t->reasons[i].count = rd_u64(&r);
        }
    }
    f->naliases = rd_u32(&r);
    if (r.bad || (size_t)(r.end - r.p) != f->naliases)
        return -1;
    f->alias_used = r.p;
    return 0;
}

/* Reads the whole of path into v's buffer: 0, or -1 with the reason. */
static int slurp(const char *path, summary_view *v, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(why, whylen, "%s", fd < 0 && errno == ENOENT ? "missing" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t n = (size_t)sb.st_size;
    if (n > v->cap) {
        free(v->buf);
        v->cap = n + n / 4;
        v->buf = xmalloc(v->cap);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, v->buf + got, n - got);
        if (r <= 0) {
            snprintf(why, whylen, "cannot read: %s",
                     r < 0 ? strerror(errno) : "shorter than it was");
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    v->len = n;
    return 0;
}

/* Checks a header against what the caller expects: 0, or -1 with why. */
static int check_header(const unsigned char *h, size_t len, const char *sha, const char *key,
                        table_id t, char *why, size_t whylen)
{
    const char *w = NULL;
    if (len < HEADER_LEN || memcmp(h, MAGIC, 8) != 0)
        w = "not a summary (truncated, or another file)";
    else if (get_u32(h + 8) != BYTE_ORDER_MARK)
        w = "written on a machine of another byte order";
    else if (get_u32(h + HEADER_CRC_AT) != (uint32_t)crc32(0L, h, HEADER_CRC_AT))
        w = "header checksum mismatch (damaged)";
    else if (get_u32(h + 12) != SUMMARY_FORMAT)
        w = "of another format version";
    else if (memcmp(h + 16, sha, 64) != 0 || memcmp(h + 80, key, SUMMARY_PARAMS_HEX) != 0 ||
             get_u32(h + 96) != (uint32_t)t)
        w = "of another input or other parameters (foreign)";
    else if (HEADER_LEN + get_u64(h + 104) + get_u64(h + 112) != len)
        w = "truncated or extended (length mismatch)";
    if (w)
        snprintf(why, whylen, "%s", w);
    return w ? -1 : 0;
}

int summary_view_load(summary_cache *c, const char *name, const char *sha, const char *key,
                      table_id t, summary_view *v, char *why, size_t whylen)
{
    char *path = files_join(c->dir, name);
    int rc = slurp(path, v, why, whylen);
    free(path);
    if (rc != 0)
        return -1;
    const unsigned char *h = v->buf;
    if (check_header(h, v->len, sha, key, t, why, whylen) != 0)
        return -1;
    uint64_t rows_len = get_u64(h + 104);
    const unsigned char *body = h + HEADER_LEN, *end = h + v->len;
    if ((uint32_t)crc32(0L, body, (uInt)(end - body)) != get_u32(h + 120)) {
        snprintf(why, whylen, "%s", "body checksum mismatch (damaged)");
        return -1;
    }
    v->rows = body;
    v->rows_end = body + rows_len;
    if (read_facts(v->rows_end, end, &v->facts) != 0 ||
        check_rows(v->rows, v->rows_end, t, v->facts.nrows) != 0) {
        snprintf(why, whylen, "%s", "malformed although its checksum holds (foreign)");
        return -1;
    }
    v->next = v->rows;
    return 0;
}

void summary_view_rewind(summary_view *v)
{
    v->next = v->rows;
}

int summary_view_next(summary_view *v, table_id t, tvalue *vals, table_rowpos *pos)
{
    const unsigned char *q = v->next;
    if (q >= v->rows_end)
        return 0;
    pos->at.off = get_u64(q);
    pos->at.len = get_u64(q + 8);
    pos->at.line = (long)(int64_t)get_u64(q + 16);
    pos->sum = get_u32(q + 24);
    v->next = rowcodec_decode(q + ROW_HEAD, t, vals);
    return 1;
}

void summary_view_free(summary_view *v)
{
    free(v->buf);
    memset(v, 0, sizeof *v);
}

/* --- writing a summary ------------------------------------------------------ */

static void w_flush(summary_writer *w)
{
    if (w->len && !w->failed) {
        w->crc = crc32(w->crc, w->buf, (uInt)w->len);
        if (fwrite(w->buf, 1, w->len, w->f) != w->len)
            w->failed = 1;
    }
    w->len = 0;
}

static void w_put(summary_writer *w, const void *p, size_t n)
{
    if (w->len + n > WRITE_BUF)
        w_flush(w);
    if (n > WRITE_BUF) { /* a value longer than the buffer goes on its own */
        w->crc = crc32(w->crc, p, (uInt)n);
        if (!w->failed && fwrite(p, 1, n, w->f) != n)
            w->failed = 1;
        return;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void w_u64(summary_writer *w, uint64_t v)
{
    w_put(w, &v, sizeof v);
}

static void w_u32(summary_writer *w, uint32_t v)
{
    w_put(w, &v, sizeof v);
}

static void w_str(summary_writer *w, const char *s)
{
    size_t n = strlen(s);
    w_u32(w, (uint32_t)n);
    w_put(w, s, n);
}

summary_writer *summary_writer_new(summary_cache *c, table_id t, const char *key)
{
    if (!c->usable)
        return NULL;
    char *tmp = files_join(c->dir, TMP_PREFIX "XXXXXX");
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        note_write_failure(c, "cannot create a summary");
        if (fd >= 0) {
            close(fd);
            (void)unlink(tmp);
        }
        free(tmp);
        return NULL;
    }
    summary_writer *w = xcalloc(1, sizeof *w);
    w->c = c;
    w->t = t;
    snprintf(w->key, sizeof w->key, "%s", key);
    w->tmp = tmp;
    w->f = f;
    w->buf = xmalloc(WRITE_BUF);
    w->crc = crc32(0L, Z_NULL, 0);
    w->max_ts = TS_NONE;
    unsigned char zero[HEADER_LEN] = {0};
    if (fwrite(zero, 1, sizeof zero, f) != sizeof zero) /* the header, written at commit */
        w->failed = 1;
    return w;
}

void summary_writer_row(summary_writer *w, const tvalue *vals, const table_rowpos *pos)
{
    const table_def *def = schema_table(w->t);
    for (size_t c = 0; c < def->ncols; c++)
        if (vals[c].present && def->cols[c].type == COL_TS && vals[c].v.ts > w->max_ts)
            w->max_ts = vals[c].v.ts;
    w_u64(w, pos->at.off);
    w_u64(w, pos->at.len);
    w_u64(w, (uint64_t)(int64_t)pos->at.line);
    w_u32(w, pos->sum);
    /* The values are encoded into the buffer in place, or, longer than it
     * (a text of megabytes), through a block of their own. */
    size_t bound = rowcodec_bound(w->t, vals);
    if (bound > WRITE_BUF) {
        unsigned char *tmp = xmalloc(bound);
        w_put(w, tmp, (size_t)(rowcodec_encode(tmp, w->t, vals) - tmp));
        free(tmp);
    } else {
        if (w->len + bound > WRITE_BUF)
            w_flush(w);
        w->len = (size_t)(rowcodec_encode(w->buf + w->len, w->t, vals) - w->buf);
    }
    w->nrows++;
}

int summary_writer_end(summary_writer *w, const summary_facts *facts)
{
    w_flush(w);
    w->rows_len = (uint64_t)ftello(w->f) - HEADER_LEN;
    const table_stats *st = &facts->st;
    w_u64(w, st->rows_read);
    w_u64(w, st->raw_bytes);
    w_u64(w, st->text_bytes);
    w_u64(w, st->header_end);
    w_u64(w, w->nrows);
    w_u64(w, (uint64_t)w->max_ts);
    w_u32(w, (uint32_t)st->gzip);
    w_u32(w, (uint32_t)st->jsonl);
    w_u32(w, (uint32_t)(unsigned char)st->delimiter);
    w_str(w, st->mapped);
    w_u32(w, (uint32_t)facts->has_tally);
    if (facts->has_tally) {
        const mapping_tally *t = &facts->tally;
        w_u64(w, t->records);
        w_u64(w, t->rows);
        w_u64(w, t->left_out);
        w_u64(w, t->other);
        w_u32(w, (uint32_t)t->nreasons);
        for (size_t i = 0; i < t->nreasons; i++) {
            w_str(w, t->reasons[i].reason);
            w_u64(w, t->reasons[i].count);
        }
    }
    w_u32(w, (uint32_t)facts->naliases);
    if (facts->naliases)
        w_put(w, facts->alias_used, facts->naliases);
    w_flush(w);
    w->facts_len = (uint64_t)ftello(w->f) - HEADER_LEN - w->rows_len;
    if (fclose(w->f) != 0)
        w->failed = 1;
    w->f = NULL;
    free(w->buf);
    w->buf = NULL;
    if (w->failed)
        note_write_failure(w->c, "cannot write a summary");
    return w->failed ? -1 : 0;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, sizeof v);
}

int summary_writer_commit(summary_writer *w, const char *path, uint64_t size, int64_t mtime_ns,
                          const char *sha)
{
    summary_cache *c = w->c;
    unsigned char h[HEADER_LEN] = {0};
    memcpy(h, MAGIC, 8);
    put_u32(h + 8, BYTE_ORDER_MARK);
    put_u32(h + 12, SUMMARY_FORMAT);
    memcpy(h + 16, sha, 64);
    memcpy(h + 80, w->key, SUMMARY_PARAMS_HEX);
    put_u32(h + 96, (uint32_t)w->t);
    put_u64(h + 104, w->rows_len);
    put_u64(h + 112, w->facts_len);
    put_u32(h + 120, (uint32_t)w->crc);
    put_u32(h + HEADER_CRC_AT, (uint32_t)crc32(0L, h, HEADER_CRC_AT));
    char name[64 + 1 + SUMMARY_PARAMS_HEX + sizeof SUFFIX];
    snprintf(name, sizeof name, "%.64s-%s%s", sha, w->key, SUFFIX);
    char *final = files_join(c->dir, name);
    int fd = open(w->tmp, O_WRONLY | O_CLOEXEC);
    int ok = fd >= 0 && pwrite(fd, h, sizeof h, 0) == (ssize_t)sizeof h;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    ok = ok && rename(w->tmp, final) == 0;
    if (ok) {
        c->counts.written++;
        summary_cache_record(c, path, size, mtime_ns, sha, name);
    } else {
        note_write_failure(c, "cannot write a summary");
        (void)unlink(w->tmp);
    }
    free(final);
    free(w->tmp);
    free(w);
    return ok ? 0 : -1;
}

void summary_writer_abort(summary_writer *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    (void)unlink(w->tmp);
    free(w->tmp);
    free(w->buf);
    free(w);
}

/* --- closing: the index and pruning ----------------------------------------- */

static int index_write_fn(FILE *f, const void *ctx)
{
    const summary_cache *c = ctx;
    fprintf(f, "%s\n", INDEX_FIRST_LINE);
    for (size_t i = 0; i < c->nold; i++) {
        const entry *e = &c->old[i];
        fprintf(f, "%s %s %" PRIu64 " %" PRId64 " %s\n", e->sha, e->summary ? e->summary : "-",
                e->size, e->mtime_ns, e->path);
    }
    return ferror(f) ? -1 : 0;
}

/* The index to keep: this run's entries (the last one per path), and the
 * earlier ones of paths this run did not read whose file still exists (an
 * input folder read by another job into the same cache). Into c->old. */
static void merge_entries(summary_cache *c)
{
    if (c->ncur)
        qsort(c->cur, c->ncur, sizeof *c->cur, cmp_entry); /* stable enough: one record per path */
    entry *out = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < c->nold; i++) {
        entry *e = &c->old[i];
        struct stat sb;
        if ((c->ncur && bsearch(e->path, c->cur, c->ncur, sizeof *c->cur, cmp_path_entry)) ||
            stat(e->path, &sb) != 0) {
            entry_free(e);
            continue;
        }
        ALLOC_GROW(out, cap, n + 1);
        out[n++] = *e;
    }
    for (size_t i = 0; i < c->ncur; i++) {
        entry *e = &c->cur[i];
        if (e->forget || (i + 1 < c->ncur && !strcmp(e->path, c->cur[i + 1].path))) {
            entry_free(e);
            continue;
        }
        ALLOC_GROW(out, cap, n + 1);
        out[n++] = *e;
    }
    free(c->old);
    free(c->cur);
    c->cur = NULL;
    c->ncur = 0;
    c->old = out;
    c->nold = n;
    if (n)
        qsort(c->old, n, sizeof *c->old, cmp_entry);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Deletes the summaries no entry names, and temporary files left by runs
 * that died. */
static void prune(summary_cache *c)
{
    const char **keep = xcalloc(c->nold ? c->nold : 1, sizeof *keep);
    size_t nkeep = 0;
    for (size_t i = 0; i < c->nold; i++)
        if (c->old[i].summary)
            keep[nkeep++] = c->old[i].summary;
    if (nkeep)
        qsort(keep, nkeep, sizeof *keep, cmp_name);
    DIR *d = opendir(c->dir);
    const struct dirent *de;
    time_t now = time(NULL);
    while (d && (de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        size_t n = strlen(nm), sl = strlen(SUFFIX);
        char *p = files_join(c->dir, nm);
        struct stat sb;
        if (n > sl && !strcmp(nm + n - sl, SUFFIX) && nm[0] != '.' &&
            !(nkeep && bsearch(&nm, keep, nkeep, sizeof *keep, cmp_name))) {
            if (unlink(p) == 0)
                c->counts.pruned++;
        } else if (!strncmp(nm, TMP_PREFIX, strlen(TMP_PREFIX)) && stat(p, &sb) == 0 &&
                   now - sb.st_mtime > TMP_STALE_S) {
            (void)unlink(p);
        }
        free(p);
    }
    if (d)
        closedir(d);
    free(keep);
}

void summary_cache_close(summary_cache *c, int do_prune, summary_counts *counts)
{
    if (!c)
        return;
    if (c->usable) {
        merge_entries(c);
        char *path = files_join(c->dir, "index"), *tmp = files_join(c->dir, ".index.tmp");
        rs_error err = {0};
        if (files_write(tmp, index_write_fn, c, &err) != RS_OK || rename(tmp, path) != 0) {
            note_write_failure(c, "cannot write its index");
            (void)unlink(tmp);
        } else if (do_prune) {
            prune(c);
        }
        free(path);
        free(tmp);
    }
    if (counts)
        *counts = c->counts;
    for (size_t i = 0; i < c->nold; i++)
        entry_free(&c->old[i]);
    for (size_t i = 0; i < c->ncur; i++)
        entry_free(&c->cur[i]);
    free(c->old);
    free(c->cur);
    buf_free(&c->base);
    free(c->dir);
    free(c);
}
