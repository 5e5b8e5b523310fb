/* resindex.c - accounts per resource; see resindex.h. */
#include "algorithms/resindex.h"

#include "base/util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int res_member_cmp(const void *pa, const void *pb)
{
    const res_member *a = pa, *b = pb;
    if (a->res != b->res)
        return a->res < b->res ? -1 : 1;
    if (a->acct != b->acct)
        return a->acct < b->acct ? -1 : 1;
    return 0;
}

void resindex_build(res_index *ix, const rs_graph *g, node_type t)
{
    memset(ix, 0, sizeof *ix);
    ix->nres = graph_count(g, t);
    size_t cap = 16;
    ix->m = xreallocarray(NULL, cap, sizeof *ix->m); /* never NULL, even when empty */
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        int match = (t == NODE_IP && e->kind == EDGE_LOGIN) ||
                    (t == NODE_DEVICE && e->kind == EDGE_USES_DEVICE) ||
                    (t == NODE_DEST && (e->kind == EDGE_PAYOUT || e->kind == EDGE_PAYS_WITH));
        if (!match)
            continue;
        UTIL_GROW(ix->m, cap, ix->n + 1);
        ix->m[ix->n++] = (res_member){e->b, e->a, e->first, e->last};
    }
    if (ix->n)
        qsort(ix->m, ix->n, sizeof *ix->m, res_member_cmp);
    /* Merge duplicates (an account both paid into and paying from one id). */
    size_t w = 0;
    for (size_t i = 0; i < ix->n; i++) {
        if (w && ix->m[w - 1].res == ix->m[i].res && ix->m[w - 1].acct == ix->m[i].acct) {
            if (ix->m[i].first < ix->m[w - 1].first)
                ix->m[w - 1].first = ix->m[i].first;
            if (ix->m[i].last > ix->m[w - 1].last)
                ix->m[w - 1].last = ix->m[i].last;
            continue;
        }
        ix->m[w++] = ix->m[i];
    }
    ix->n = w;
    ix->off = xcalloc((size_t)ix->nres + 1, sizeof *ix->off);
    for (size_t i = 0; i < ix->n; i++)
        ix->off[ix->m[i].res + 1]++;
    for (uint32_t r = 0; r < ix->nres; r++)
        ix->off[r + 1] += ix->off[r];
}

void resindex_free(res_index *ix)
{
    free(ix->m);
    free(ix->off);
}

size_t resindex_member_pos(const res_member *m, size_t lo, size_t hi, uint32_t a)
{
    assert(m);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].acct < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
