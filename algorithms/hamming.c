/* hamming.c - multi-index hashing of 64-bit hashes; see hamming.h.
 *
 * One sort of (hash, index) collapses equal hashes onto their first index.
 * Then, for each of the maxd + 1 substrings, the distinct hashes are sorted
 * by (substring, index) packed into one 64-bit key (a substring is at most
 * 32 bits wide once maxd >= 1), and each run of equal substrings is a
 * bucket. A union-find over the input indices records links; pairs already
 * connected are not verified again, which leaves the components unchanged.
 * Buckets are processed in a fixed order, so the output depends on the
 * input alone.
 */
#include "algorithms/hamming.h"

#include "base/alloc.h"
#include "base/cmp.h"

#include <assert.h>
#include <stdlib.h>

#define HAMMING_LEADERS 32

typedef struct {
    uint64_t h;
    uint32_t i;
} hm_rec;

static int rec_cmp(const void *pa, const void *pb)
{
    const hm_rec *a = pa, *b = pb;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Links a and b when within maxd bits; returns whether they are connected. */
static int try_link(const uint64_t *h, uint32_t *parent, unsigned maxd, uint32_t a, uint32_t b)
{
    uint32_t ra = uf_find(parent, a), rb = uf_find(parent, b);
    if (ra == rb)
        return 1;
    if ((unsigned)__builtin_popcountll(h[a] ^ h[b]) > maxd)
        return 0;
    if (ra < rb)
        parent[rb] = ra;
    else
        parent[ra] = rb;
    return 1;
}

/* The indices of one bucket, m[0..n), in ascending order. */
static void link_bucket(const uint64_t *h, uint32_t *parent, unsigned maxd, const uint32_t *m,
                        size_t n)
{
    if (n <= HAMMING_BIG_BUCKET) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                try_link(h, parent, maxd, m[j], m[i]);
        return;
    }
    uint32_t lead[HAMMING_LEADERS];
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        int done = 0;
        for (size_t l = 0; l < nl && !done; l++)
            done = try_link(h, parent, maxd, lead[l], m[i]);
        if (!done && nl < HAMMING_LEADERS)
            lead[nl++] = m[i];
    }
}

/* Collapses equal hashes: parent[i] = the first index holding h[i]. Returns
 * the distinct first indices, ascending, in a new array (*nd of them). */
static uint32_t *collapse(const uint64_t *h, size_t n, uint32_t *parent, size_t *nd)
{
    hm_rec *r = xmalloc(xmul(n + 1, sizeof *r));
    for (size_t i = 0; i < n; i++)
        r[i] = (hm_rec){h[i], (uint32_t)i};
    qsort(r, n, sizeof *r, rec_cmp);
    for (size_t i = 0; i < n; i++)
        parent[r[i].i] = i > 0 && r[i - 1].h == r[i].h ? parent[r[i - 1].i] : r[i].i;
    free(r);
    uint32_t *d = xmalloc(xmul(n + 1, sizeof *d));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (parent[i] == i)
            d[k++] = (uint32_t)i;
    *nd = k;
    return d;
}

static void link_substring(const uint64_t *h, uint32_t *parent, unsigned maxd, const uint32_t *d,
                           size_t nd, unsigned lo, unsigned hi, uint64_t *key, uint32_t *m)
{
    unsigned w = hi - lo;
    uint64_t mask = w >= 64 ? UINT64_MAX : ((uint64_t)1 << w) - 1;
    for (size_t i = 0; i < nd; i++)
        key[i] = ((h[d[i]] >> lo) & mask) << 32 | d[i];
    qsort(key, nd, sizeof *key, cmp_u64);
    for (size_t i = 0; i < nd;) {
        size_t e = i + 1;
        while (e < nd && key[e] >> 32 == key[i] >> 32)
            e++;
        if (e - i >= 2) {
            for (size_t j = i; j < e; j++)
                m[j - i] = (uint32_t)key[j];
            link_bucket(h, parent, maxd, m, e - i);
        }
        i = e;
    }
}

size_t hamming_groups(const uint64_t *h, size_t n, unsigned maxd, uint32_t *group)
{
    assert(maxd <= 15);
    assert(n < UINT32_MAX);
    uint32_t *parent = xmalloc(xmul(n + 1, sizeof *parent));
    size_t nd = 0;
    uint32_t *d = collapse(h, n, parent, &nd);
    if (maxd > 0) {
        uint64_t *key = xmalloc(xmul(nd + 1, sizeof *key));
        uint32_t *m = xmalloc(xmul(nd + 1, sizeof *m));
        unsigned parts = maxd + 1;
        for (unsigned s = 0; s < parts; s++)
            link_substring(h, parent, maxd, d, nd, 64 * s / parts, 64 * (s + 1) / parts, key, m);
        free(key);
        free(m);
    }
    free(d);
    /* Component sizes, then ids by smallest index (a root is its
     * component's smallest index: the smaller root always wins). */
    uint32_t *size = xcalloc(n + 1, sizeof *size);
    for (size_t i = 0; i < n; i++)
        size[uf_find(parent, (uint32_t)i)]++;
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = uf_find(parent, (uint32_t)i);
        if (size[r] < 2) {
            group[i] = UINT32_MAX;
        } else if (r == i) {
            group[i] = (uint32_t)ng++;
        } else {
            group[i] = group[r];
        }
    }
    free(size);
    free(parent);
    return ng;
}
