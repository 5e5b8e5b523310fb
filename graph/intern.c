/* intern.c - maps entity strings (account ids, IPs, device ids) to dense ids.
 *
 * Every ingest path names entities by string; graphs and detectors work on
 * dense integer ids, so interning happens once, here. Ids are assigned in
 * first-seen order and never reused, which makes export order reproducible.
 *
 * Representation: string bytes live in an arena of large chunks (each string
 * NUL-terminated), an id-indexed array holds (pointer, length, hash), and an
 * open-addressing table with linear probing holds id+1 per slot (0 = empty).
 * The full 64-bit XXH3 hash is kept per id so a probe compares hashes before
 * bytes and a resize never rehashes strings. Load factor stays below 1/2.
 * Workload: one lookup per id field per input row; lookups outnumber inserts
 * by ten to one or more.
 */
#include "graph/intern.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define ARENA_CHUNK (1u << 20)

typedef struct {
    const char *s;
    uint64_t hash;
    uint32_t len;
} entry;

struct intern_table {
    entry *entries;
    size_t n, cap;
    uint64_t *slots; /* high 32 bits: hash tag; low 32: id + 1 (0 = empty) */
    size_t nslots;   /* power of two */
    char **chunks;
    size_t nchunks, chunks_cap;
    char *cur; /* free space in the newest chunk */
    size_t cur_left;
    size_t arena_bytes;
};

intern_table *intern_new(void)
{
    intern_table *t = xcalloc(1, sizeof *t);
    t->nslots = 1024;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    return t;
}

void intern_free(intern_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    free(t->entries);
    free(t->slots);
    free(t);
}

static char *arena_copy(intern_table *t, const char *s, size_t n)
{
    if (n + 1 > t->cur_left) {
        size_t sz = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;
        UTIL_GROW(t->chunks, t->chunks_cap, t->nchunks + 1);
        t->cur = t->chunks[t->nchunks++] = xmalloc(sz);
        t->cur_left = sz;
        t->arena_bytes += sz;
    }
    char *p = t->cur;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    t->cur += n + 1;
    t->cur_left -= n + 1;
    return p;
}

#define TAG(h) ((h)&0xffffffff00000000ull)

static void rehash(intern_table *t)
{
    size_t nslots = t->nslots * 2;
    uint64_t *slots = xcalloc(nslots, sizeof *slots);
    for (size_t id = 0; id < t->n; id++) {
        uint64_t h = t->entries[id].hash;
        size_t i = (size_t)h & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = TAG(h) | ((uint64_t)id + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
}

/* Returns the slot index holding s, or the empty slot where it would go. */
static size_t probe(const intern_table *t, const char *s, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (t->nslots - 1);
    for (;;) {
        uint64_t v = t->slots[i];
        if (!v)
            return i;
        /* The tag settles almost every mismatch without touching the entry. */
        if (TAG(v) == TAG(h)) {
            const entry *e = &t->entries[(uint32_t)v - 1];
            if (e->hash == h && e->len == n && memcmp(e->s, s, n) == 0)
                return i;
        }
        i = (i + 1) & (t->nslots - 1);
    }
}

uint64_t intern_hash(const char *s, size_t n)
{
    return XXH3_64bits(s, n);
}

void intern_prefetch(const intern_table *t, uint64_t h)
{
    __builtin_prefetch(&t->slots[(size_t)h & (t->nslots - 1)]);
}

uint32_t intern_put(intern_table *t, const char *s, size_t n, int *is_new)
{
    return intern_put_h(t, s, n, XXH3_64bits(s, n), is_new);
}

uint32_t intern_put_h(intern_table *t, const char *s, size_t n, uint64_t h, int *is_new)
{
    size_t i = probe(t, s, n, h);
    if (t->slots[i]) {
        if (is_new)
            *is_new = 0;
        return (uint32_t)t->slots[i] - 1;
    }
    if (t->n >= INTERN_NONE - 1 || n > UINT32_MAX) {
        /* 4 billion distinct entities will not fit the id space; treat as OOM. */
        abort();
    }
    UTIL_GROW(t->entries, t->cap, t->n + 1);
    uint32_t id = (uint32_t)t->n++;
    t->entries[id] = (entry){arena_copy(t, s, n), h, (uint32_t)n};
    t->slots[i] = TAG(h) | ((uint64_t)id + 1);
    if (t->n * 2 > t->nslots)
        rehash(t);
    if (is_new)
        *is_new = 1;
    return id;
}

uint32_t intern_get(const intern_table *t, const char *s, size_t n)
{
    uint64_t h = XXH3_64bits(s, n);
    size_t i = probe(t, s, n, h);
    return t->slots[i] ? (uint32_t)t->slots[i] - 1 : INTERN_NONE;
}

const char *intern_str(const intern_table *t, uint32_t id, size_t *len)
{
    if (id >= t->n) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = t->entries[id].len;
    return t->entries[id].s;
}

uint64_t intern_hash_of(const intern_table *t, uint32_t id)
{
    return t->entries[id].hash;
}

uint32_t intern_count(const intern_table *t)
{
    return (uint32_t)t->n;
}

size_t intern_memory(const intern_table *t)
{
    return t->arena_bytes + t->cap * sizeof *t->entries + t->nslots * sizeof *t->slots;
}
