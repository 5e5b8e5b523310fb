/* resindex.c - accounts per shared resource; see resindex.h.
 *
 * Built in two passes over the edges of the resource type (count each
 * resource's edges; place the accounts of those with two or more), then one
 * compacting pass over the resources that sorts each run of accounts and
 * merges duplicates (only NODE_DEST has them). No copy of the edges is made.
 */
#include "algorithms/resindex.h"

#include "base/alloc.h"
#include "base/cmp.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int edge_of_type(const rs_edge *e, node_type t)
{
    return (t == NODE_IP && e->kind == EDGE_LOGIN) ||
           (t == NODE_DEVICE && e->kind == EDGE_USES_DEVICE) ||
           (t == NODE_DEST && (e->kind == EDGE_PAYOUT || e->kind == EDGE_PAYS_WITH));
}

/* Sorts v[0..n) ascending: insertion sort for the few users most resources
 * have. */
static void sort_accounts(uint32_t *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Whether edge e counts: of type t, and not entirely before its account's since. */
static int edge_counts(const rs_edge *e, node_type t, const int64_t *since)
{
    return edge_of_type(e, t) && !(since && e->last < since[e->a]);
}

void resindex_build(res_index *ix, const rs_graph *g, node_type t)
{
    resindex_build_since(ix, g, t, NULL);
}

void resindex_build_since(res_index *ix, const rs_graph *g, node_type t, const int64_t *since)
{
    memset(ix, 0, sizeof *ix);
    uint32_t nres = ix->nres = graph_count(g, t);
    uint32_t *off = xcalloc((size_t)nres + 1, sizeof *off);
    uint8_t *shared = xcalloc((size_t)nres / 8 + 1, 1);
    /* off[r]: r's edges; then, over the resources with two or more, where r's
     * accounts end; then, once each edge's account is placed from the end of
     * its run, where they start. An unshared resource's run is empty. */
    for (size_t i = 0; i < g->nedges; i++)
        if (edge_counts(&g->edges[i], t, since))
            off[g->edges[i].b]++;
    uint32_t total = 0;
    const uint8_t *allow = g->allowlisted[t]; /* allowlisted: shared by nobody */
    for (uint32_t r = 0; r < nres; r++) {
        if (off[r] >= 2 && !(allow && allow[r])) {
            shared[r / 8] |= (uint8_t)(1u << (r % 8));
            total += off[r];
        }
        off[r] = total;
    }
    off[nres] = total;
    uint32_t *acct = xreallocarray(NULL, total ? total : 1, sizeof *acct);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (edge_counts(e, t, since) && (shared[e->b / 8] >> (e->b % 8) & 1))
            acct[--off[e->b]] = e->a;
    }
    free(shared);
    /* Sort each run, merge an account's two edges to one destination (paid into
     * and paying from it), and drop a resource that is then left with one. */
    uint32_t w = 0, lo = 0;
    for (uint32_t r = 0; r < nres; r++) {
        uint32_t hi = off[r + 1], start = w;
        sort_accounts(acct + lo, hi - lo);
        for (uint32_t k = lo; k < hi; k++) {
            uint32_t a = acct[k]; /* w <= k: the run is read before it is written */
            if (w == start || acct[w - 1] != a)
                acct[w++] = a;
        }
        if (w - start < 2)
            w = start;
        off[r] = start;
        lo = hi;
    }
    off[nres] = w;
    ix->acct = acct;
    ix->off = off;
    ix->n = w;
}

void resindex_free(res_index *ix)
{
    free(ix->acct);
    free(ix->off);
}

size_t resindex_member_pos(const uint32_t *acct, size_t lo, size_t hi, uint32_t a)
{
    assert(acct);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (acct[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
