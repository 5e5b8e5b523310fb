/* textsim.c - near-duplicate texts by MinHash/LSH with exact verification;
 * see textsim.h for the contract and the parameter defaults.
 *
 * Layout: the shingle hashes of every doc live in one array, doc d at
 * sh[off[d] .. off[d] + len[d]). textsim_add appends them as they come (in
 * text order, possibly repeated); textsim_cluster first sorts and
 * deduplicates each doc's run in place, so len[d] becomes the number of
 * distinct shingles and the runs can be intersected by merging.
 *
 * textsim_cluster runs in five phases; the ones marked (parallel) split
 * their items into fixed contiguous ranges, one per thread, and each item's
 * result depends on that item alone, so the thread count cannot change them:
 *   1. (parallel) sort + deduplicate each doc's shingles, fingerprint the set;
 *   2. docs with at least min_shingles shingles sorted by fingerprint, equal
 *      sets (compared in full, not trusted to the fingerprint) collapse to
 *      their smallest doc id, the representative;
 *   3. (parallel) MinHash signature of each representative, reduced at once
 *      to one 64-bit key per band (band-major: keys of band j contiguous);
 *   4. (parallel over bands) each band's (key, rep) pairs radix-sorted;
 *      only buckets of two or more members are kept;
 *   5. (sequential) bands in order, buckets in key order: candidate pairs
 *      verified and united in a union-find over doc ids.
 *
 * The MinHash permutations are h_i(x) = (x XOR c_i) * a_i mod 2^32 with a_i
 * odd: each is a bijection of 32-bit values, applied to shingle hashes that
 * are already uniformly mixed, and costs two operations per shingle and
 * row, which the compiler vectorises.
 *
 * Memory at a million 150-word texts: 4 bytes per shingle (~600 MB), 8 bytes
 * per representative and band for the keys (~256 MB, freed before phase 5),
 * 4 bytes per bucketed member and band for phase 5.
 */
#include "algorithms/textsim.h"

#include "base/alloc.h"
#include "base/hash.h"
#include "base/proc.h"
#include "graph/intern.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Buckets above this many members use the leader rule (textsim.h). */
#define TEXTSIM_BIG_BUCKET 64
#define TEXTSIM_LEADERS 8
#define TEXTSIM_MAX_THREADS 64
/* Marks the first member of each bucket in a band's member list. */
#define TEXTSIM_START 0x80000000u

struct textsim {
    textsim_params p;
    uint32_t *sh; /* shingle hashes, see the file comment */
    size_t nsh, capsh;
    uint64_t *off;
    uint32_t *len, *owner;
    size_t ndocs, capdocs;
    char *low; /* scratch: the text being added, lower-cased */
    size_t caplow;
    uint64_t *wh; /* scratch: its word hashes */
    size_t capwh;
    uint32_t *links; /* 2 per link */
    size_t nlinks, caplinks;
    int prepared; /* runs sorted and deduplicated */
    int clustered;
};

typedef struct {
    uint64_t key;
    uint32_t id;
} ts_rec;

void textsim_params_init(textsim_params *p)
{
    memset(p, 0, sizeof *p);
    p->shingle = 3;
    p->bands = 32;
    p->rows = 4;
    p->threshold = 0.5;
    p->min_shingles = 10;
    p->seed = 0x5eed;
    p->threads = 1;
}

textsim *textsim_new(const textsim_params *p)
{
    textsim *t = xcalloc(1, sizeof *t);
    if (p)
        t->p = *p;
    else
        textsim_params_init(&t->p);
    assert(t->p.shingle >= 1 && t->p.shingle <= 32);
    assert(t->p.bands >= 1 && t->p.rows >= 1 && t->p.bands <= 4096 && t->p.rows <= 4096);
    assert(t->p.threshold > 0.0 && t->p.threshold <= 1.0);
    if (t->p.threads < 1)
        t->p.threads = 1;
    if (t->p.threads > TEXTSIM_MAX_THREADS)
        t->p.threads = TEXTSIM_MAX_THREADS;
    return t;
}

void textsim_free(textsim *t)
{
    if (!t)
        return;
    free(t->sh);
    free(t->off);
    free(t->len);
    free(t->owner);
    free(t->low);
    free(t->wh);
    free(t->links);
    free(t);
}

uint32_t textsim_count(const textsim *t)
{
    return (uint32_t)t->ndocs;
}

/* --- tokenising ------------------------------------------------------------ */

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint64_t rotl64(uint64_t x, unsigned r)
{
    r &= 63;
    return r ? (x << r) | (x >> (64 - r)) : x;
}

/* The hash of the word sequence w[0..k): position-dependent rotations keep
 * "a b c" and "c b a" apart; the final mix spreads the sum. */
static uint32_t shingle_hash(const uint64_t *w, uint32_t k)
{
    uint64_t s = k;
    for (uint32_t i = 0; i < k; i++)
        s += rotl64(w[i], 23 * i);
    return (uint32_t)(hash_mix64(s) >> 32);
}

uint32_t textsim_add(textsim *t, uint32_t owner, const char *text, size_t n)
{
    assert(!t->clustered);
    assert(t->ndocs < TEXTSIM_START);
    ALLOC_GROW(t->low, t->caplow, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        t->low[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    size_t nw = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && !is_word_byte((unsigned char)t->low[i]))
            i++;
        size_t s = i;
        while (i < n && is_word_byte((unsigned char)t->low[i]))
            i++;
        if (i > s) {
            ALLOC_GROW(t->wh, t->capwh, nw + 1);
            t->wh[nw++] = intern_hash(t->low + s, i - s);
        }
    }
    uint32_t w = t->p.shingle;
    size_t ns = nw == 0 ? 0 : nw < w ? 1 : nw - w + 1;
    assert(ns < UINT32_MAX);
    ALLOC_GROW(t->sh, t->capsh, t->nsh + ns);
    for (size_t j = 0; j < ns; j++)
        t->sh[t->nsh + j] = shingle_hash(t->wh + j, nw < w ? (uint32_t)nw : w);
    if (t->ndocs == t->capdocs) {
        t->capdocs = t->capdocs ? 2 * t->capdocs : 1024;
        t->off = xreallocarray(t->off, t->capdocs, sizeof *t->off);
        t->len = xreallocarray(t->len, t->capdocs, sizeof *t->len);
        t->owner = xreallocarray(t->owner, t->capdocs, sizeof *t->owner);
    }
    t->off[t->ndocs] = t->nsh;
    t->len[t->ndocs] = (uint32_t)ns;
    t->owner[t->ndocs] = owner;
    t->nsh += ns;
    return (uint32_t)t->ndocs++;
}

/* --- sorting --------------------------------------------------------------- */

/* Sorts v[0..n) ascending and removes repeats; returns the new length. tmp
 * holds n values. Insertion sort for short runs, else a 4-pass LSD radix
 * sort on bytes. */
static size_t u32_sort_unique(uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n < 48) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    } else {
        uint32_t *src = v, *dst = tmp;
        for (unsigned shift = 0; shift < 32; shift += 8) {
            size_t cnt[256] = {0};
            for (size_t i = 0; i < n; i++)
                cnt[(src[i] >> shift) & 255]++;
            size_t sum = 0;
            for (size_t b = 0; b < 256; b++) {
                size_t c = cnt[b];
                cnt[b] = sum;
                sum += c;
            }
            for (size_t i = 0; i < n; i++)
                dst[cnt[(src[i] >> shift) & 255]++] = src[i];
            uint32_t *x = src;
            src = dst;
            dst = x;
        }
        /* Four passes: the result is back in v. */
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    return k;
}

/* Sorts r[0..n) by key, stably (equal keys keep their order); tmp holds n
 * records. LSD radix sort, four passes of 16 bits. */
static void rec_sort(ts_rec *r, ts_rec *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t *cnt = xmalloc(xmul(65536, sizeof *cnt));
    ts_rec *src = r, *dst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[(src[i].key >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t b = 0; b < 65536; b++) {
            size_t c = cnt[b];
            cnt[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(src[i].key >> shift) & 0xffff]++] = src[i];
        ts_rec *x = src;
        src = dst;
        dst = x;
    }
    free(cnt);
}

/* --- threads --------------------------------------------------------------- */

typedef void (*range_fn)(void *ctx, size_t lo, size_t hi);

typedef struct {
    range_fn fn;
    void *ctx;
    size_t lo, hi;
} range_job;

static void *range_run(void *arg)
{
    const range_job *j = arg;
    j->fn(j->ctx, j->lo, j->hi);
    return NULL;
}

/* Calls fn on [0, n) split into `threads` contiguous ranges, concurrently.
 * A thread that cannot be started has its range run by the caller. */
static void run_ranges(int threads, size_t n, range_fn fn, void *ctx)
{
    size_t nt = threads > 1 ? (size_t)threads : 1;
    if (nt > TEXTSIM_MAX_THREADS)
        nt = TEXTSIM_MAX_THREADS;
    if (nt > n)
        nt = n ? n : 1;
    range_job job[TEXTSIM_MAX_THREADS];
    pthread_t th[TEXTSIM_MAX_THREADS];
    int started[TEXTSIM_MAX_THREADS] = {0};
    for (size_t k = 0; k < nt; k++)
        job[k] = (range_job){fn, ctx, n * k / nt, n * (k + 1) / nt};
    for (size_t k = 1; k < nt; k++)
        started[k] = pthread_create(&th[k], NULL, range_run, &job[k]) == 0;
    range_run(&job[0]);
    for (size_t k = 1; k < nt; k++) {
        if (started[k])
            pthread_join(th[k], NULL);
        else
            range_run(&job[k]);
    }
}

/* --- phase 1: sets ---------------------------------------------------------- */

typedef struct {
    textsim *t;
    uint64_t *fp;
} prep_ctx;

static void prep_range(void *arg, size_t lo, size_t hi)
{
    prep_ctx *c = arg;
    textsim *t = c->t;
    uint32_t *tmp = NULL;
    size_t cap = 0;
    for (size_t d = lo; d < hi; d++) {
        ALLOC_GROW(tmp, cap, (size_t)t->len[d] + 1);
        uint32_t *v = t->sh + t->off[d];
        t->len[d] = (uint32_t)u32_sort_unique(v, tmp, t->len[d]);
        c->fp[d] = intern_hash((const char *)v, (size_t)t->len[d] * sizeof *v);
    }
    free(tmp);
}

/* Phase 2: rep[d] = the representative of doc d (UINT32_MAX when ignored).
 * Returns the number of representatives, listed in ascending order in
 * *reps_out (new array). */
static size_t collapse_duplicates(const textsim *t, const uint64_t *fp, uint32_t *rep,
                                  uint32_t **reps_out, uint64_t *ignored)
{
    ts_rec *r = xmalloc(xmul(t->ndocs + 1, sizeof *r));
    size_t n = 0;
    *ignored = 0;
    for (size_t d = 0; d < t->ndocs; d++) {
        rep[d] = UINT32_MAX;
        if (t->len[d] < t->p.min_shingles)
            (*ignored)++;
        else
            r[n++] = (ts_rec){fp[d], (uint32_t)d};
    }
    ts_rec *tmp = xmalloc(xmul(n + 1, sizeof *tmp));
    rec_sort(r, tmp, n);
    free(tmp);
    for (size_t i = 0; i < n;) {
        size_t e = i + 1;
        while (e < n && r[e].key == r[i].key)
            e++;
        /* Within a run, ids ascend (stable sort of docs in order). A member
         * equal to the run's first doc joins it; any other (a fingerprint
         * collision) stays its own representative. */
        uint32_t a = r[i].id;
        rep[a] = a;
        for (size_t k = i + 1; k < e; k++) {
            uint32_t b = r[k].id;
            int same = t->len[a] == t->len[b] && memcmp(t->sh + t->off[a], t->sh + t->off[b],
                                                        (size_t)t->len[a] * sizeof *t->sh) == 0;
            rep[b] = same ? a : b;
        }
        i = e;
    }
    free(r);
    size_t nrep = 0;
    for (size_t d = 0; d < t->ndocs; d++)
        nrep += rep[d] == d;
    uint32_t *reps = xmalloc(xmul(nrep + 1, sizeof *reps));
    nrep = 0;
    for (size_t d = 0; d < t->ndocs; d++)
        if (rep[d] == d)
            reps[nrep++] = (uint32_t)d;
    *reps_out = reps;
    return nrep;
}

/* --- phase 3: signatures ---------------------------------------------------- */

typedef struct {
    const textsim *t;
    const uint32_t *reps;
    size_t nrep;
    uint64_t *keys; /* bands x nrep, band-major */
} sig_ctx;

/* One-permutation MinHash of the sorted run v[0..n) into sig[0..k): each
 * shingle's mixed hash picks a bin (high bits) and competes for the bin's
 * minimum with its low bits. An empty bin then borrows the value of the
 * first non-empty bin on its own pseudo-random probe sequence (optimal
 * densification): two sets probe identically, so a bin of each agrees with
 * probability equal to their Jaccard, as in k-permutation MinHash, at
 * O(n + k) instead of O(n k). */
static void minhash(const uint32_t *v, size_t n, uint64_t seed, uint32_t *sig, uint8_t *full,
                    size_t k)
{
    for (size_t q = 0; q < k; q++) {
        sig[q] = UINT32_MAX;
        full[q] = 0;
    }
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t z = hash_mix64(v[i] ^ seed);
        size_t bin = (size_t)(((z >> 32) * (uint64_t)k) >> 32);
        uint32_t h = (uint32_t)z;
        if (h < sig[bin])
            sig[bin] = h;
        full[bin] = 1;
    }
    for (size_t q = 0; q < k; q++) {
        if (full[q])
            continue;
        size_t from = q;
        uint64_t qs = hash_mix64(seed + q);
        for (uint64_t a = 0;; a++) {
            /* Past 8k probes (never for sets of a few elements or more)
             * fall back to a linear scan, which always ends. */
            from = a < 8 * (uint64_t)k ? (size_t)(((hash_mix64(qs + a) >> 32) * (uint64_t)k) >> 32)
                                       : (from + 1) % k;
            if (full[from])
                break;
        }
        sig[q] = sig[from];
    }
}

static void sig_range(void *arg, size_t lo, size_t hi)
{
    const sig_ctx *c = arg;
    const textsim *t = c->t;
    size_t k = (size_t)t->p.bands * t->p.rows;
    uint32_t *sig = xmalloc(xmul(k, sizeof *sig));
    uint8_t *full = xmalloc(k);
    for (size_t i = lo; i < hi; i++) {
        uint32_t d = c->reps[i];
        minhash(t->sh + t->off[d], t->len[d], t->p.seed, sig, full, k);
        for (uint32_t b = 0; b < t->p.bands; b++) {
            uint64_t key = hash_mix64(t->p.seed + b);
            const uint32_t *row = sig + (size_t)b * t->p.rows;
            for (uint32_t r = 0; r < t->p.rows; r++)
                key = hash_mix64(key ^ (row[r] | (uint64_t)(r + 1) << 32));
            c->keys[(size_t)b * c->nrep + i] = key;
        }
    }
    free(sig);
    free(full);
}

/* --- phase 4: buckets ------------------------------------------------------- */

typedef struct {
    uint32_t *m; /* members, TEXTSIM_START on the first of each bucket */
    size_t n;
} band_list;

typedef struct {
    const uint64_t *keys;
    const uint32_t *reps;
    size_t nrep;
    band_list *bl;
} band_ctx;

static void band_range(void *arg, size_t lo, size_t hi)
{
    const band_ctx *c = arg;
    size_t n = c->nrep;
    ts_rec *r = xmalloc(xmul(n + 1, sizeof *r));
    ts_rec *tmp = xmalloc(xmul(n + 1, sizeof *tmp));
    for (size_t b = lo; b < hi; b++) {
        const uint64_t *key = c->keys + b * n;
        for (size_t i = 0; i < n; i++)
            r[i] = (ts_rec){key[i], c->reps[i]};
        rec_sort(r, tmp, n);
        uint32_t *m = NULL;
        size_t cap = 0, k = 0;
        for (size_t i = 0; i < n;) {
            size_t e = i + 1;
            while (e < n && r[e].key == r[i].key)
                e++;
            if (e - i >= 2) {
                ALLOC_GROW(m, cap, k + (e - i));
                for (size_t j = i; j < e; j++)
                    m[k++] = r[j].id | (j == i ? TEXTSIM_START : 0);
            }
            i = e;
        }
        c->bl[b] = (band_list){m, k};
    }
    free(r);
    free(tmp);
}

/* --- phase 5: links --------------------------------------------------------- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* |A n B| of two sorted runs, or stops early once it cannot reach need. */
static size_t intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, double need)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        } else if (a[i] > b[j]) {
            j++;
        } else {
            k++;
            i++;
            j++;
        }
        size_t left = na - i < nb - j ? na - i : nb - j;
        if ((double)(k + left) < need)
            break;
    }
    return k;
}

/* Whether docs a and b (sorted runs) have Jaccard >= threshold. */
static int linked(const textsim *t, uint32_t a, uint32_t b)
{
    size_t na = t->len[a], nb = t->len[b];
    double th = t->p.threshold;
    size_t lo = na < nb ? na : nb, hi = na < nb ? nb : na;
    if ((double)lo < th * (double)hi) /* J <= lo / hi */
        return 0;
    /* J >= th  <=>  k >= th (na + nb - k)  <=>  k >= th (na + nb) / (1 + th) */
    double need = th * (double)(na + nb) / (1.0 + th) - 1e-9;
    size_t k = intersect(t->sh + t->off[a], na, t->sh + t->off[b], nb, need);
    return (double)k >= th * (double)(na + nb - k);
}

typedef struct {
    textsim *t;
    uint32_t *parent;
    textsim_stats *st;
    const uint32_t *rown; /* per representative: its owner, or UINT32_MAX when its
                             duplicates have several */
} link_ctx;

/* Verifies the candidate pair (a, b) unless they are already connected or are
 * texts of one owner (an account's own letters resemble each other; comparing
 * them says nothing about other accounts and was most of the work). */
static int try_link(link_ctx *c, uint32_t a, uint32_t b)
{
    uint32_t ra = uf_find(c->parent, a), rb = uf_find(c->parent, b);
    if (ra == rb)
        return 1;
    if (c->rown[a] != UINT32_MAX && c->rown[a] == c->rown[b])
        return 0;
    c->st->candidate_pairs++;
    if (!linked(c->t, a, b))
        return 0;
    c->st->verified_pairs++;
    /* The smaller root wins so that roots are stable ids. */
    if (ra < rb)
        c->parent[rb] = ra;
    else
        c->parent[ra] = rb;
    textsim *t = c->t;
    ALLOC_GROW(t->links, t->caplinks, 2 * t->nlinks + 2);
    t->links[2 * t->nlinks] = a < b ? a : b;
    t->links[2 * t->nlinks + 1] = a < b ? b : a;
    t->nlinks++;
    return 1;
}

static void link_bucket(link_ctx *c, const uint32_t *m, size_t n)
{
    if (n <= TEXTSIM_BIG_BUCKET) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                try_link(c, m[j], m[i] & ~TEXTSIM_START);
        return;
    }
    c->st->big_buckets++;
    uint32_t lead[TEXTSIM_LEADERS];
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = m[i] & ~TEXTSIM_START;
        int done = 0;
        for (size_t l = 0; l < nl && !done; l++)
            done = try_link(c, lead[l], x);
        if (!done && nl < TEXTSIM_LEADERS)
            lead[nl++] = x;
    }
}

static void link_bands(link_ctx *c, const band_list *bl, uint32_t nb)
{
    for (uint32_t b = 0; b < nb; b++) {
        const uint32_t *m = bl[b].m;
        for (size_t i = 0; i < bl[b].n;) {
            size_t e = i + 1;
            while (e < bl[b].n && !(m[e] & TEXTSIM_START))
                e++;
            /* Members after the first carry no flag; strip it from the first. */
            uint32_t first = m[i] & ~TEXTSIM_START;
            if (e - i <= TEXTSIM_BIG_BUCKET) {
                uint32_t tmp[TEXTSIM_BIG_BUCKET];
                memcpy(tmp, m + i, (e - i) * sizeof *tmp);
                tmp[0] = first;
                link_bucket(c, tmp, e - i);
            } else {
                link_bucket(c, m + i, e - i);
            }
            i = e;
        }
    }
}

/* --- clustering ------------------------------------------------------------- */

/* Numbers the components that span two owners by smallest doc id. */
static size_t number_clusters(const textsim *t, const uint32_t *rep, uint32_t *parent,
                              uint32_t *out)
{
    size_t n = t->ndocs;
    uint32_t *first = xmalloc(xmul(n + 1, sizeof *first));
    uint8_t *multi = xcalloc(n + 1, 1);
    for (size_t d = 0; d < n; d++)
        first[d] = UINT32_MAX;
    for (size_t d = 0; d < n; d++) {
        if (rep[d] == UINT32_MAX)
            continue;
        uint32_t r = uf_find(parent, rep[d]);
        if (first[r] == UINT32_MAX)
            first[r] = t->owner[d];
        else if (first[r] != t->owner[d])
            multi[r] = 1;
    }
    /* first[] now becomes the cluster id of each multi-owner root. */
    for (size_t d = 0; d < n; d++)
        first[d] = UINT32_MAX;
    size_t nc = 0;
    for (size_t d = 0; d < n; d++) {
        out[d] = UINT32_MAX;
        if (rep[d] == UINT32_MAX)
            continue;
        uint32_t r = uf_find(parent, rep[d]);
        if (!multi[r])
            continue;
        if (first[r] == UINT32_MAX)
            first[r] = (uint32_t)nc++;
        out[d] = first[r];
    }
    free(first);
    free(multi);
    return nc;
}

size_t textsim_cluster(textsim *t, uint32_t **cluster_of_doc, textsim_stats *st)
{
    assert(!t->clustered);
    textsim_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    double t0 = proc_now();
    size_t n = t->ndocs;
    st->docs = n;

    uint64_t *fp = xmalloc(xmul(n + 1, sizeof *fp));
    prep_ctx pc = {t, fp};
    run_ranges(t->p.threads, n, prep_range, &pc);
    t->prepared = 1;
    t->clustered = 1;
    uint32_t *rep = xmalloc(xmul(n + 1, sizeof *rep)), *reps = NULL;
    size_t nrep = collapse_duplicates(t, fp, rep, &reps, &st->ignored_short);
    free(fp);
    st->distinct_texts = nrep;
    double t1 = proc_now();
    st->seconds_prepare = t1 - t0;

    uint64_t *keys = xmalloc(xmul(xmul(nrep + 1, t->p.bands), sizeof *keys));
    sig_ctx sc = {t, reps, nrep, keys};
    run_ranges(t->p.threads, nrep, sig_range, &sc);
    double t2 = proc_now();
    st->seconds_signatures = t2 - t1;

    band_list *bl = xcalloc(t->p.bands, sizeof *bl);
    band_ctx bc = {keys, reps, nrep, bl};
    run_ranges(t->p.threads, t->p.bands, band_range, &bc);
    free(keys);
    free(reps);
    uint32_t *parent = xmalloc(xmul(n + 1, sizeof *parent));
    for (size_t d = 0; d < n; d++)
        parent[d] = (uint32_t)d;
    uint32_t *rown = xmalloc(xmul(n + 1, sizeof *rown));
    for (size_t d = 0; d < n; d++)
        rown[d] = t->owner[d];
    for (size_t d = 0; d < n; d++)
        if (rep[d] != UINT32_MAX && rep[d] != d && t->owner[d] != t->owner[rep[d]])
            rown[rep[d]] = UINT32_MAX;
    link_ctx lc = {t, parent, st, rown};
    link_bands(&lc, bl, t->p.bands);
    free(rown);
    for (uint32_t b = 0; b < t->p.bands; b++)
        free(bl[b].m);
    free(bl);
    st->seconds_link = proc_now() - t2;

    uint32_t *out = xmalloc(xmul(n + 1, sizeof *out));
    size_t nc = number_clusters(t, rep, parent, out);
    free(parent);
    free(rep);
    st->clusters = nc;
    st->seconds = proc_now() - t0;
    *cluster_of_doc = out;
    return nc;
}

const uint32_t *textsim_links(const textsim *t, size_t *n)
{
    *n = t->nlinks;
    return t->links;
}

double textsim_jaccard(const textsim *t, uint32_t a, uint32_t b)
{
    assert(a < t->ndocs && b < t->ndocs);
    size_t na = t->len[a], nb = t->len[b];
    const uint32_t *va = t->sh + t->off[a], *vb = t->sh + t->off[b];
    uint32_t *ca = NULL, *cb = NULL;
    if (!t->prepared) {
        /* Unsorted runs with repeats: sort copies. */
        ca = xmalloc(xmul(2 * (na + 1), sizeof *ca));
        cb = xmalloc(xmul(2 * (nb + 1), sizeof *cb));
        memcpy(ca, va, na * sizeof *ca);
        memcpy(cb, vb, nb * sizeof *cb);
        na = u32_sort_unique(ca, ca + na + 1, na);
        nb = u32_sort_unique(cb, cb + nb + 1, nb);
        va = ca;
        vb = cb;
    }
    size_t k = intersect(va, na, vb, nb, 0.0);
    free(ca);
    free(cb);
    size_t u = na + nb - k;
    return u ? (double)k / (double)u : 0.0;
}
