/* intern.c - maps entity strings (account ids, IPs, device ids) to dense ids.
 *
 * Every ingest path names entities by string; graphs and detectors work on
 * dense integer ids, so interning happens once, here. Ids are assigned in
 * first-seen order and never reused, which makes export order reproducible.
 *
 * Representation, sized for exports with tens of millions of distinct ids
 * (8 bytes per id, its string plus 2 bytes, and 13 to 27 bytes of hash
 * slots):
 *   - string bytes live in an arena of large chunks, each string preceded by
 *     its length (one byte below 255, else the byte 255 after a 4-byte
 *     length) and followed by a NUL;
 *   - an id-indexed array holds a pointer to each string;
 *   - an open-addressing table with linear probing holds, per slot, the high
 *     32 bits of the key's XXH3 hash (the tag) and id + 1 (0 = empty). The
 *     home slot is the tag scaled to the table size (tag * nslots / 2^32),
 *     so a resize needs neither the strings nor their hashes, and moves
 *     slots in nearly sequential order. The table doubles once more than
 *     3/5 of it is used, so the load stays between 3/10 and 3/5 (linear
 *     probing then inspects one to four slots per lookup, mostly on one
 *     cache line). A tag settles almost every mismatch without touching the
 *     string.
 * Workload: one lookup per id field per input row; lookups outnumber inserts
 * by ten to one or more.
 */
#include "graph/intern.h"

#include "base/alloc.h"
#include "graph/hugepage.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define ARENA_CHUNK (1u << 20)
#define LONG_LEN 255u          /* length byte marking a 4-byte length before it */
#define MIN_SLOTS 1024u        /* the table's initial size */
#define MAX_SLOTS (1ull << 32) /* homes come from a 32-bit tag */

struct intern_table {
    const char **str; /* per id: its string, the length before it */
    size_t n, cap;
    uint64_t *slots; /* high 32 bits: hash tag; low 32: id + 1 (0 = empty) */
    size_t nslots;
    char **chunks;
    size_t nchunks, chunks_cap;
    char *cur; /* free space in the newest chunk */
    size_t cur_left;
    size_t arena_bytes;
};

intern_table *intern_new(void)
{
    intern_table *t = xcalloc(1, sizeof *t);
    t->nslots = MIN_SLOTS;
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
    free(t->str);
    free(t->slots);
    free(t);
}

/* Copies s[0..n) into the arena after its length and before a NUL; returns
 * the copy. */
static const char *arena_copy(intern_table *t, const char *s, size_t n)
{
    size_t hdr = n < LONG_LEN ? 1 : 5, need = hdr + n + 1;
    if (need > t->cur_left) {
        size_t sz = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        ALLOC_GROW(t->chunks, t->chunks_cap, t->nchunks + 1);
        t->cur = t->chunks[t->nchunks++] = xmalloc(sz);
        t->cur_left = sz;
        t->arena_bytes += sz;
    }
    char *p = t->cur;
    if (hdr == 5) {
        uint32_t len = (uint32_t)n;
        memcpy(p, &len, sizeof len);
        p[4] = (char)LONG_LEN;
    } else {
        p[0] = (char)n;
    }
    p += hdr;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    t->cur += need;
    t->cur_left -= need;
    return p;
}

/* The length stored before an arena string. */
static inline size_t str_len(const char *p)
{
    uint8_t b = (uint8_t)p[-1];
    if (b != LONG_LEN)
        return b;
    uint32_t len;
    memcpy(&len, p - 5, sizeof len);
    return len;
}

#define TAG(h) ((h) >> 32)

/* The home slot of a tag in a table of nslots (<= 2^32) slots. */
static inline size_t home(uint64_t tag, size_t nslots)
{
    return (size_t)((tag * (uint64_t)nslots) >> 32);
}

static void rehash(intern_table *t)
{
    size_t nslots = t->nslots * 2;
    if (nslots > MAX_SLOTS)
        nslots = MAX_SLOTS;
    uint64_t *slots = xcalloc(nslots, sizeof *slots);
    hugepage_advise(slots, nslots * sizeof *slots);
    for (size_t k = 0; k < t->nslots; k++) {
        uint64_t v = t->slots[k];
        if (!v)
            continue;
        size_t i = home(TAG(v), nslots);
        while (slots[i])
            i = i + 1 == nslots ? 0 : i + 1;
        slots[i] = v;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
}

/* Returns the slot index holding s, or the empty slot where it would go. */
static size_t probe(const intern_table *t, const char *s, size_t n, uint64_t h)
{
    size_t i = home(TAG(h), t->nslots);
    for (;;) {
        uint64_t v = t->slots[i];
        if (!v)
            return i;
        if (TAG(v) == TAG(h)) {
            const char *p = t->str[(uint32_t)v - 1];
            if (str_len(p) == n && memcmp(p, s, n) == 0)
                return i;
        }
        i = i + 1 == t->nslots ? 0 : i + 1;
    }
}

uint64_t intern_hash(const char *s, size_t n)
{
    return XXH3_64bits(s, n);
}

uint32_t intern_prefetch(const intern_table *t, uint64_t h, int step)
{
    size_t i = home(TAG(h), t->nslots);
    if (step == 0) {
        __builtin_prefetch(&t->slots[i]);
        return INTERN_NONE;
    }
    /* The first slot with the tag, as probe finds it (without the string
     * comparison, which is what the later steps prepare). */
    uint64_t v;
    while ((v = t->slots[i]) != 0 && TAG(v) != TAG(h))
        i = i + 1 == t->nslots ? 0 : i + 1;
    if (!v)
        return INTERN_NONE;
    uint32_t id = (uint32_t)v - 1;
    if (step == 1)
        __builtin_prefetch(&t->str[id]);
    else
        __builtin_prefetch(t->str[id] - 1); /* the length byte, then the string */
    return id;
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
    if (t->n + 1 > t->cap) {
        ALLOC_GROW(t->str, t->cap, t->n + 1);
        hugepage_advise(t->str, t->cap * sizeof *t->str);
    }
    uint32_t id = (uint32_t)t->n++;
    t->str[id] = arena_copy(t, s, n);
    t->slots[i] = TAG(h) << 32 | ((uint64_t)id + 1);
    /* Load above 3/5: grow (the table never fills: ids < 2^32 - 1 slots). */
    if (t->n * 5 > t->nslots * 3 && t->nslots < MAX_SLOTS)
        rehash(t);
    if (is_new)
        *is_new = 1;
    return id;
}

uint32_t intern_get(const intern_table *t, const char *s, size_t n)
{
    return intern_get_h(t, s, n, XXH3_64bits(s, n));
}

uint32_t intern_get_h(const intern_table *t, const char *s, size_t n, uint64_t h)
{
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
        *len = str_len(t->str[id]);
    return t->str[id];
}

uint64_t intern_hash_of(const intern_table *t, uint32_t id)
{
    const char *p = t->str[id];
    return XXH3_64bits(p, str_len(p));
}

uint32_t intern_count(const intern_table *t)
{
    return (uint32_t)t->n;
}

size_t intern_memory(const intern_table *t)
{
    return t->arena_bytes + t->cap * sizeof *t->str + t->nslots * sizeof *t->slots;
}
