/* intern.h - maps entity strings (account ids, IPs, device ids) to dense ids.
 *
 * Ownership: the table owns copies of every string; pointers returned by
 * intern_str are borrowed and stay valid until intern_free.
 */
#ifndef RINGSCAN_INTERN_H
#define RINGSCAN_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct intern_table intern_table;

#define INTERN_NONE UINT32_MAX

/* Returns a new, empty table. Never NULL (aborts on OOM). */
intern_table *intern_new(void);
/* Frees the table and every string it holds. Accepts NULL. */
void intern_free(intern_table *t);

/* Returns the id of s[0..n), adding it if new (ids are 0, 1, 2, ... in
 * first-seen order). *is_new (when non-NULL) tells which. Strings may contain
 * any bytes, including NUL. Amortised O(n). */
uint32_t intern_put(intern_table *t, const char *s, size_t n, int *is_new);
/* The same as intern_put, with the key's hash from intern_hash computed by
 * the caller, who may have called intern_prefetch with it to overlap the
 * cache misses of several lookups. */
uint64_t intern_hash(const char *s, size_t n);
uint32_t intern_put_h(intern_table *t, const char *s, size_t n, uint64_t h, int *is_new);
/* Software pipelining of lookups. A lookup of the key whose hash is h
 * misses the cache up to three times in turn: its slot, the string pointer
 * of the id found there, the string; each address is known only once the
 * one before has arrived. Step 0 requests the slot; step 1, once it has had
 * time to arrive, requests the string pointer of the id the slot probably
 * holds (its tag matches); step 2 requests the string. Steps 1 and 2 return
 * that probable id (INTERN_NONE: probably absent), which the caller may use
 * to request memory of its own. A caller that runs the steps of several
 * keys in turn overlaps their misses. Hints only: the table is unchanged,
 * and a wrong guess costs only time. */
#define INTERN_PREFETCH_STEPS 3
uint32_t intern_prefetch(const intern_table *t, uint64_t h, int step);
/* The intern_hash of id's string, recomputed from it (hashes are not stored). */
uint64_t intern_hash_of(const intern_table *t, uint32_t id);
/* Returns the id of s[0..n), or INTERN_NONE when absent. */
uint32_t intern_get(const intern_table *t, const char *s, size_t n);
/* The same, with h = intern_hash(s, n) computed by the caller. */
uint32_t intern_get_h(const intern_table *t, const char *s, size_t n, uint64_t h);
/* Returns the string of id (NUL-terminated, borrowed) and its length. */
const char *intern_str(const intern_table *t, uint32_t id, size_t *len);
uint32_t intern_count(const intern_table *t);
/* Bytes held by the table (strings, index and hash slots). */
size_t intern_memory(const intern_table *t);

#endif
