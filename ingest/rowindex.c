/* rowindex.c - row positions spilled to disk; see rowindex.h.
 *
 * Records are buffered 64 Ki at a time (1.5 MiB) and appended to the spill
 * with one write; a file's records are one contiguous run, found by the
 * file's first record number and count.
 */
#include "ingest/rowindex.h"

#include "base/files.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "graph/intern.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_RECS 65536

typedef struct {
    uint64_t first, n; /* records first .. first+n-1 */
    int dropped;
} file_run;

struct rowindex {
    int fd;
    int broken; /* a write failed: nothing is usable */
    file_run *files;
    size_t nfiles;
    uint64_t total; /* records written or buffered */
    rowindex_rec *buf;
    size_t nbuf;
};

rowindex *rowindex_new(const char *dir, size_t nfiles)
{
    char *tmpl = files_join(dir, ".rowindex-XXXXXX");
    int fd = mkstemp(tmpl);
    if (fd >= 0)
        (void)unlink(tmpl); /* anonymous: gone when closed, never published */
    free(tmpl);
    if (fd < 0)
        return NULL;
    rowindex *ix = xcalloc(1, sizeof *ix);
    ix->fd = fd;
    ix->nfiles = nfiles;
    ix->files = xcalloc(nfiles ? nfiles : 1, sizeof *ix->files);
    ix->buf = xreallocarray(NULL, BUF_RECS, sizeof *ix->buf);
    return ix;
}

void rowindex_free(rowindex *ix)
{
    if (!ix)
        return;
    close(ix->fd);
    free(ix->files);
    free(ix->buf);
    free(ix);
}

static void spill(rowindex *ix)
{
    const char *p = (const char *)ix->buf;
    size_t left = ix->nbuf * sizeof *ix->buf;
    while (left && !ix->broken) {
        ssize_t w = write(ix->fd, p, left);
        if (w <= 0)
            ix->broken = 1; /* full disk: the evidence pass reads everything */
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    ix->nbuf = 0;
}

/* Per table, the columns whose values are a row's keys (-1: none; an IP
 * column is hashed as its address bytes): found once from the schema. */
static int key_col[TABLE_COUNT][2];
static int key_is_ip[TABLE_COUNT][2];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void key_cols_build(void)
{
    for (int t = 0; t < TABLE_COUNT; t++) {
        const table_def *td = schema_table((table_id)t);
        size_t n = 0;
        key_col[t][0] = key_col[t][1] = -1;
        for (size_t c = 0; c < td->ncols && n < 2; c++) {
            const col_def *cd = &td->cols[c];
            int port = t == TABLE_PORTS && (cd->type == COL_IP || !strcmp(cd->name, "device_id"));
            if (schema_is_account_col(cd) || port) {
                key_is_ip[t][n] = cd->type == COL_IP;
                key_col[t][n++] = (int)c;
            }
        }
    }
}

void rowindex_row_keys(table_id t, const tvalue *vals, uint32_t key[2])
{
    pthread_once(&key_once, key_cols_build);
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        int c = key_col[t][k];
        if (c < 0 || !vals[c].present)
            continue;
        const tvalue *v = &vals[c];
        key[n++] = key_is_ip[t][k] ? rowindex_key(intern_hash((const char *)v->v.ip.b, v->v.ip.len))
                                   : rowindex_key(intern_hash(v->s, v->n));
    }
    if (n == 0)
        key[0] = 0;
    if (n < 2)
        key[1] = key[0];
}

void rowindex_add(rowindex *ix, size_t file, const table_rowpos *pos, const uint32_t key[2])
{
    file_run *fr = &ix->files[file];
    if (fr->dropped)
        return;
    const source_range *at = &pos->at;
    if (at->len > ROWINDEX_MAX_LEN || at->off > ROWINDEX_MAX_OFF || at->line <= 0 ||
        (uint64_t)at->line > UINT32_MAX) {
        fr->dropped = 1;
        return;
    }
    if (fr->n == 0)
        fr->first = ix->total;
    if (fr->first + fr->n != ix->total) { /* rows of two files interleaved: not expected */
        fr->dropped = 1;
        return;
    }
    ix->buf[ix->nbuf++] =
        (rowindex_rec){at->off << 24 | at->len, (uint32_t)at->line, {key[0], key[1]}, pos->sum};
    fr->n++;
    ix->total++;
    if (ix->nbuf == BUF_RECS)
        spill(ix);
}

void rowindex_drop(rowindex *ix, size_t file)
{
    ix->files[file].dropped = 1;
}

int rowindex_usable(const rowindex *ix, size_t file)
{
    return ix && !ix->broken && file < ix->nfiles && !ix->files[file].dropped;
}

/* A bitmap of the keys' top BLOOM_BITS bits: most records are ruled out by
 * one probe of 512 KiB that stays in cache, and only the rest are searched. */
#define BLOOM_BITS 22

void rowindex_stats(const rowindex *ix, uint64_t *rows, size_t *files)
{
    *rows = ix->total;
    *files = 0;
    for (size_t i = 0; i < ix->nfiles; i++)
        *files += (size_t)rowindex_usable(ix, i);
}

static int has_key(const uint64_t *bloom, const uint32_t *keys, size_t n, uint32_t k)
{
    uint32_t b = k >> (32 - BLOOM_BITS);
    if (!(bloom[b >> 6] >> (b & 63) & 1))
        return 0;
    return bsearch(&k, keys, n, sizeof *keys, cmp_u32) != NULL;
}

size_t rowindex_select(rowindex *ix, size_t file, const uint32_t *keys, size_t nkeys,
                       rowindex_rec **out)
{
    *out = NULL;
    if (ix->nbuf)
        spill(ix);
    if (!rowindex_usable(ix, file))
        return (size_t)-1;
    const file_run *fr = &ix->files[file];
    uint64_t *bloom = xcalloc((size_t)1 << (BLOOM_BITS - 6), sizeof *bloom);
    for (size_t i = 0; i < nkeys; i++) {
        uint32_t b = keys[i] >> (32 - BLOOM_BITS);
        bloom[b >> 6] |= (uint64_t)1 << (b & 63);
    }
    rowindex_rec *chunk = xreallocarray(NULL, BUF_RECS, sizeof *chunk);
    size_t n = 0, cap = 0;
    for (uint64_t done = 0; done < fr->n;) {
        size_t want = fr->n - done < BUF_RECS ? (size_t)(fr->n - done) : BUF_RECS;
        size_t bytes = want * sizeof *chunk;
        ssize_t got = pread(ix->fd, chunk, bytes, (off_t)((fr->first + done) * sizeof *chunk));
        if (got != (ssize_t)bytes) {
            free(bloom);
            free(chunk);
            free(*out);
            *out = NULL;
            return (size_t)-1;
        }
        for (size_t i = 0; i < want; i++)
            if (has_key(bloom, keys, nkeys, chunk[i].key[0]) ||
                (chunk[i].key[1] != chunk[i].key[0] &&
                 has_key(bloom, keys, nkeys, chunk[i].key[1]))) {
                ALLOC_GROW(*out, cap, n + 1);
                (*out)[n++] = chunk[i];
            }
        done += want;
    }
    free(bloom);
    free(chunk);
    return n;
}
