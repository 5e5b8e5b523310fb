/* alloc.h - allocation wrappers and array growth.
 *
 * Allocation failure is not a recoverable condition for a batch job that sizes
 * its memory by the input: the x*alloc wrappers print the size that failed and
 * abort. Sizes are multiplied with overflow checks, so a corrupt count read from
 * a file can never wrap into a small allocation.
 */
#ifndef RINGSCAN_ALLOC_H
#define RINGSCAN_ALLOC_H

#include <stddef.h>

/* Each returns a new block the caller frees with free(); none returns NULL
 * (a zero size allocates one byte). On failure they print the size and
 * abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* Steals p (NULL allowed) and returns its replacement. */
void *xrealloc(void *p, size_t n);
/* Reallocates p to hold count elements of size bytes, checking the product. */
void *xreallocarray(void *p, size_t count, size_t size);
/* A new NUL-terminated copy of s (of at most its first n bytes). */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns count*size or aborts on overflow. */
size_t xmul(size_t count, size_t size);
/* Reports that n bytes could not be allocated (SIZE_MAX: a size that
 * overflowed) and aborts. */
void alloc_fail(size_t n) __attribute__((noreturn));

/* Grows *arr (elements of size bytes, capacity *cap) to hold at least need,
 * doubling from 16; *arr is reallocated in place and stays owned by the
 * caller. */
void alloc_grow(void **arr, size_t *cap, size_t need, size_t size);
/* The capacity test is inline: this sits on per-row and per-field paths. */
#define ALLOC_GROW(arr, cap, need)                                                                 \
    do {                                                                                           \
        if ((size_t)(need) > (cap))                                                                \
            alloc_grow((void **)&(arr), &(cap), (need), sizeof *(arr));                            \
    } while (0)

#endif
