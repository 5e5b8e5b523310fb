/* alloc.c - allocation wrappers and array growth; see alloc.h. Called
 * everywhere, so it depends on libc alone. */
#include "base/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void alloc_fail(size_t n)
{
    fprintf(stderr, "ringscan: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        alloc_fail(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        alloc_fail(xmul(count, size));
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        alloc_fail(n);
    return q;
}

size_t xmul(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        fprintf(stderr, "ringscan: allocation size overflow (%zu x %zu)\n", count, size);
        abort();
    }
    return count * size;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    return xrealloc(p, xmul(count, size));
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void alloc_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            alloc_fail(SIZE_MAX);
        ncap *= 2;
    }
    *arr = xreallocarray(*arr, ncap, size);
    *cap = ncap;
}
