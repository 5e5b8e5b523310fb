/* rowpipe.c - two-thread ingest pipeline; see rowpipe.h.
 *
 * Encoding of one row: u8 table+1, then its values (rowcodec.h, about 60
 * bytes for a login).
 *
 * Raw input bytes for a digest travel in the same batches, in order: u8 0xFF,
 * u32 file index, u32 length, the bytes.
 *
 * Queue: RP_SLOTS full batches at most; spent buffers go back on a free list,
 * so steady state allocates nothing.
 *
 * The consumer decodes RP_AHEAD rows ahead of the one it applies and hands
 * each to the ahead callback at RP_STEP rows apart (graph_prefetch's steps),
 * keeping what the callback made of it (the row's event and graph keys) in
 * the row's place in the ring, for the apply callback,
 * so that a row's hash-table cache misses overlap those of the rows before
 * it instead of stalling the thread one after another: the graph thread is
 * ingest's bottleneck, and each of its rows misses the cache several times.
 * Rows are still applied one at a time and in order; a batch's rows are
 * all applied before the batch is given back, since values point into it.
 */
#include "ingest/rowpipe.h"

#include "ingest/rowcodec.h"
#include "base/sha256.h"
#include "base/alloc.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RP_BATCH (1u << 20)
#define RP_SLOTS 8
/* Rows between two prefetch steps of a row: long enough for a cache miss to
 * be served (some 100 ns, more on a loaded machine) while the rows in
 * between are applied, short enough that what was fetched is still cached
 * when used. On make bench-nightly's warm night, 12 rows did better than 5
 * (the graph thread's CPU time in ingest 14.6 s against 18.1 s). */
#define RP_STEP 12
#define RP_AHEAD (RP_STEP * GRAPH_PREFETCH_STEPS)
#define RP_RING (RP_AHEAD + 1)

/* A row decoded ahead of its application, with what the ahead callback made
 * of it (ev may point into vals: a ring entry never moves). */
typedef struct {
    table_id t;
    tvalue vals[SCHEMA_MAX_COLS];
    decode_event ev;
    graph_keys keys;
} rp_row;

typedef struct {
    unsigned char *data;
    size_t len, cap;
} rp_batch;

typedef struct {
    sha256_ctx *h; /* created on the file's first bytes */
} rp_digest;

struct rowpipe {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rp_batch full[RP_SLOTS];
    int head, count;
    rp_batch spare[RP_SLOTS + 2];
    int nspare;
    int done;
    rp_batch cur;
    rs_graph *g;
    rowpipe_apply_fn apply;
    rowpipe_ahead_fn ahead;
    rp_row ring[RP_RING]; /* the consumer's rows decoded ahead */
    rp_digest *md;        /* one per input file, used by the consumer */
    size_t nmd;
};

#define RP_BYTES 0xFF /* record tag: raw file bytes for a file's digest */
#define RP_BYTES_HEAD (1 + 2 * sizeof(uint32_t))

/* Makes room for n more bytes. */
static void reserve(rp_batch *b, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = b->len + n > RP_BATCH ? b->len + n : RP_BATCH;
        b->data = xrealloc(b->data, b->cap);
    }
}

static void encode(rp_batch *b, table_id t, const tvalue *vals)
{
    /* Upper bound of the encoded size: one reservation per row. */
    reserve(b, 1 + rowcodec_bound(t, vals));
    unsigned char *q = b->data + b->len;
    *q++ = (unsigned char)(t + 1);
    q = rowcodec_encode(q, t, vals);
    b->len = (size_t)(q - b->data);
}

/* Decodes the row at q (at its table byte) into r; returns the byte after
 * it. */
static const unsigned char *decode_row_at(const unsigned char *q, rp_row *r)
{
    r->t = (table_id)(*q++ - 1);
    return rowcodec_decode(q, r->t, r->vals);
}

/* The pipeline's work at position j, once row j (j < n) is decoded: the
 * prefetch steps of rows j, j - RP_STEP, ..., and the application of row
 * j - RP_AHEAD. Rows before 0 or from n on do not exist. */
static void advance(rowpipe *p, size_t j, size_t n)
{
    for (int step = 0; step < GRAPH_PREFETCH_STEPS && p->ahead; step++) {
        size_t d = (size_t)step * RP_STEP;
        if (j >= d && j - d < n) {
            rp_row *r = &p->ring[(j - d) % RP_RING];
            if (step == 0)
                memset(&r->keys, 0, sizeof r->keys);
            p->ahead(p->g, r->t, r->vals, &r->ev, &r->keys, step);
        }
    }
    if (j >= RP_AHEAD && j - RP_AHEAD < n) {
        const rp_row *r = &p->ring[(j - RP_AHEAD) % RP_RING];
        if (p->ahead)
            p->apply(p->g, r->t, r->vals, &r->ev, &r->keys);
        else
            p->apply(p->g, r->t, r->vals, NULL, NULL);
    }
}

static void decode_apply(rowpipe *p, const rp_batch *b)
{
    const unsigned char *q = b->data, *end = b->data + b->len;
    size_t j = 0;
    while (q < end) {
        if (*q == RP_BYTES) {
            uint32_t fi, n;
            memcpy(&fi, q + 1, sizeof fi);
            memcpy(&n, q + 1 + sizeof fi, sizeof n);
            sha256_update(p->md[fi].h, q + RP_BYTES_HEAD, n);
            q += RP_BYTES_HEAD + n;
            continue;
        }
        q = decode_row_at(q, &p->ring[j % RP_RING]);
        advance(p, j, SIZE_MAX);
        j++;
    }
    /* The rows still in the ring, in order. */
    for (size_t n = j; j < n + RP_AHEAD; j++)
        advance(p, j, n);
}

static void *consumer(void *arg)
{
    rowpipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->count == 0 && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->count == 0 && p->done)
            break;
        rp_batch b = p->full[p->head];
        p->head = (p->head + 1) % RP_SLOTS;
        p->count--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        decode_apply(p, &b);
        pthread_mutex_lock(&p->mu);
        b.len = 0;
        if (p->nspare < RP_SLOTS + 2)
            p->spare[p->nspare++] = b;
        else
            free(b.data);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

rowpipe *rowpipe_start(rs_graph *g, rowpipe_apply_fn apply, rowpipe_ahead_fn ahead, size_t nfiles)
{
    rowpipe *p = xcalloc(1, sizeof *p);
    p->g = g;
    p->apply = apply;
    p->ahead = ahead;
    p->nmd = nfiles;
    p->md = xcalloc(nfiles ? nfiles : 1, sizeof *p->md);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->th, NULL, consumer, p) != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p->md);
        free(p);
        return NULL;
    }
    return p;
}

/* Hands the current batch to the consumer and takes a spare one. */
static void flush(rowpipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->count == RP_SLOTS)
        pthread_cond_wait(&p->cv, &p->mu);
    p->full[(p->head + p->count) % RP_SLOTS] = p->cur;
    p->count++;
    if (p->nspare)
        p->cur = p->spare[--p->nspare];
    else
        p->cur = (rp_batch){NULL, 0, 0};
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void rowpipe_push(rowpipe *p, table_id t, const tvalue *vals)
{
    encode(&p->cur, t, vals);
    if (p->cur.len >= RP_BATCH - 4096)
        flush(p);
}

void rowpipe_push_bytes(rowpipe *p, uint32_t file, const void *data, size_t n)
{
    assert(file < p->nmd);
    if (!p->md[file].h)
        p->md[file].h = sha256_new();
    while (n > 0) {
        uint32_t chunk = n > RP_BATCH ? RP_BATCH : (uint32_t)n;
        reserve(&p->cur, RP_BYTES_HEAD + (size_t)chunk);
        unsigned char *q = p->cur.data + p->cur.len;
        q[0] = RP_BYTES;
        memcpy(q + 1, &file, sizeof file);
        memcpy(q + 1 + sizeof file, &chunk, sizeof chunk);
        memcpy(q + RP_BYTES_HEAD, data, chunk);
        p->cur.len += RP_BYTES_HEAD + (size_t)chunk;
        data = (const unsigned char *)data + chunk;
        n -= chunk;
        if (p->cur.len >= RP_BATCH - 4096)
            flush(p);
    }
}

void rowpipe_finish(rowpipe *p, char (*sha256)[65])
{
    if (!p)
        return;
    if (p->cur.len)
        flush(p);
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    for (size_t i = 0; i < p->nmd; i++) {
        if (sha256)
            sha256[i][0] = '\0';
        if (!p->md[i].h)
            continue;
        char hex[SHA256_HEX_LEN];
        sha256_final_hex(p->md[i].h, hex);
        sha256_free(p->md[i].h);
        if (sha256)
            memcpy(sha256[i], hex, sizeof hex);
    }
    free(p->md);
    free(p->cur.data);
    for (int i = 0; i < p->nspare; i++)
        free(p->spare[i].data);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
