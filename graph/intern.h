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
void intern_prefetch(const intern_table *t, uint64_t h);
uint32_t intern_put_h(intern_table *t, const char *s, size_t n, uint64_t h, int *is_new);
/* The intern_hash of id's string, recomputed from it (hashes are not stored). */
uint64_t intern_hash_of(const intern_table *t, uint32_t id);
/* Returns the id of s[0..n), or INTERN_NONE when absent. */
uint32_t intern_get(const intern_table *t, const char *s, size_t n);
/* Returns the string of id (NUL-terminated, borrowed) and its length. */
const char *intern_str(const intern_table *t, uint32_t id, size_t *len);
uint32_t intern_count(const intern_table *t);
/* Bytes held by the table (strings, index and hash slots). */
size_t intern_memory(const intern_table *t);

#endif
