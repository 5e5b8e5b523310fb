/* rowindex.h - where each loaded row lies in its file, so that the evidence
 * pass reads only the rows it needs instead of every input again.
 *
 * While loading, each accepted row of a plain (not gzip) file gets a record:
 * its byte range, first line, a hash of its bytes and two 32-bit keys,
 * hashes of the ids that can make it evidence (its accounts; for a port
 * observation its IP and device). Records go, in file order, to an anonymous
 * temporary file beside the outputs (24 bytes a row, on disk rather than in
 * memory). The evidence pass
 * picks the records whose keys are in its set: a superset of the rows it
 * needs (a key collision only costs a row read for nothing), so its
 * selection, which tests every row it reads, is the same as over all rows.
 */
#ifndef RINGSCAN_ROWINDEX_H
#define RINGSCAN_ROWINDEX_H

#include "ingest/schema.h"
#include "ingest/source.h"
#include "ingest/table.h"

#include <stddef.h>
#include <stdint.h>

typedef struct rowindex rowindex;

typedef struct {
    uint64_t at;     /* offset << 24 | length */
    uint32_t line;   /* the record's first line */
    uint32_t key[2]; /* key[1] == key[0] when the row has one */
    uint32_t sum;    /* table_rowpos.sum: the record's bytes */
} rowindex_rec;

#define ROWINDEX_MAX_LEN ((1u << 24) - 1)
#define ROWINDEX_MAX_OFF ((UINT64_C(1) << 40) - 1)

static inline uint64_t rowindex_off(const rowindex_rec *r)
{
    return r->at >> 24;
}

static inline uint32_t rowindex_len(const rowindex_rec *r)
{
    return (uint32_t)(r->at & ROWINDEX_MAX_LEN);
}

/* An index for nfiles files, spilled to an unlinked temporary file in dir.
 * NULL when it cannot be created (the evidence pass then reads everything). */
rowindex *rowindex_new(const char *dir, size_t nfiles);
void rowindex_free(rowindex *ix);

/* The key of an id whose intern_hash is h. */
static inline uint32_t rowindex_key(uint64_t h)
{
    return (uint32_t)(h >> 32);
}

/* The keys of a row of table t (values as the loader checked them). */
void rowindex_row_keys(table_id t, const tvalue *vals, uint32_t key[2]);

/* Appends the record of the next row of file (files in increasing order,
 * rows in file order). A row that does not fit (a record of 16 MiB or more,
 * an offset past 1 TiB) makes the file unusable. */
void rowindex_add(rowindex *ix, size_t file, const table_rowpos *pos, const uint32_t key[2]);
/* Marks file as not indexed (gzip, or a failed read). */
void rowindex_drop(rowindex *ix, size_t file);
/* 1 when every loaded row of file is indexed and the spill is intact. */
int rowindex_usable(const rowindex *ix, size_t file);

/* Rows recorded, and how many of the nfiles files the index serves. */
void rowindex_stats(const rowindex *ix, uint64_t *rows, size_t *files);

/* The records of file with a key in keys[0..nkeys) (sorted ascending), in
 * file order, into *out (malloc'd). Returns the count, or (size_t)-1 when the
 * spill cannot be read back (then read the whole file). */
size_t rowindex_select(rowindex *ix, size_t file, const uint32_t *keys, size_t nkeys,
                       rowindex_rec **out);

#endif
