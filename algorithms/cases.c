/* cases.c - ring subgraphs, drawings and the exported part of the graph;
 * see cases.h. */
#include "algorithms/cases.h"

#include "algorithms/layout.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t *off;   /* per account: its edges are idx[off[a] .. off[a+1]) */
    uint32_t *idx; /* edge indices, which the graph keeps below 2^32 */
} acct_index;

static void acct_index_build(acct_index *ix, const rs_graph *g)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    ix->off = xcalloc((size_t)na + 1, sizeof *ix->off);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        ix->off[e->a + 1]++;
        if (graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT && e->b != e->a)
            ix->off[e->b + 1]++;
    }
    for (uint32_t a = 0; a < na; a++)
        ix->off[a + 1] += ix->off[a];
    ix->idx = xreallocarray(NULL, ix->off[na] ? ix->off[na] : 1, sizeof *ix->idx);
    /* While filling, off[a] is a's next free place; afterwards the end of its
     * edges, so shifting by one restores the starts. */
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        ix->idx[ix->off[e->a]++] = (uint32_t)i;
        if (graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT && e->b != e->a)
            ix->idx[ix->off[e->b]++] = (uint32_t)i;
    }
    memmove(ix->off + 1, ix->off, (size_t)na * sizeof *ix->off);
    ix->off[0] = 0;
}

static int sz_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void keep_node(uint8_t *keep, uint32_t gid, uint32_t **nodes, size_t *n, size_t *cap)
{
    if (keep[gid])
        return;
    keep[gid] = 1;
    UTIL_GROW(*nodes, *cap, *n + 1);
    (*nodes)[(*n)++] = gid;
}

/* Ring ri's subgraph; keep (zeroed, one byte per global node) is set for its
 * nodes and cleared again before returning. */
static void subgraph_build(case_subgraph *s, const rs_graph *g, const ring *rg,
                           const acct_index *ix, uint8_t *keep)
{
    size_t cap = 0, ecap = 0;
    memset(s, 0, sizeof *s);
    for (size_t k = 0; k < rg->nmembers + rg->nshills; k++) {
        uint32_t a = findings_ring_account(rg, k);
        keep_node(keep, graph_node_gid(g, NODE_ACCOUNT, a), &s->nodes, &s->nnodes, &cap);
        for (size_t j = ix->off[a]; j < ix->off[a + 1]; j++) {
            const rs_edge *e = &g->edges[ix->idx[j]];
            keep_node(keep, graph_edge_src_gid(g, e), &s->nodes, &s->nnodes, &cap);
            keep_node(keep, graph_edge_dst_gid(g, e), &s->nodes, &s->nnodes, &cap);
        }
    }
    if (s->nnodes)
        qsort(s->nodes, s->nnodes, sizeof *s->nodes, util_u32_cmp);
    for (size_t i = 0; i < s->nnodes; i++) {
        uint32_t a;
        if (graph_node_decode(g, s->nodes[i], &a) != NODE_ACCOUNT)
            continue;
        for (size_t j = ix->off[a]; j < ix->off[a + 1]; j++) {
            const rs_edge *e = &g->edges[ix->idx[j]];
            if (!keep[graph_edge_src_gid(g, e)] || !keep[graph_edge_dst_gid(g, e)])
                continue;
            UTIL_GROW(s->edges, ecap, s->nedges + 1);
            s->edges[s->nedges++] = ix->idx[j];
        }
    }
    if (s->nedges)
        qsort(s->edges, s->nedges, sizeof *s->edges, sz_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->nedges; i++)
        if (!w || s->edges[w - 1] != s->edges[i])
            s->edges[w++] = s->edges[i];
    s->nedges = w;
    for (size_t i = 0; i < s->nnodes; i++)
        keep[s->nodes[i]] = 0;
}

/* The drawing's nodes: ring accounts first, then the infrastructure they
 * share (strongest first), other infrastructure, counterparty accounts. */
static void drawing_nodes(case_drawing *d, const rs_graph *g, const findings *f, size_t ri,
                          const case_subgraph *s)
{
    const ring *rg = &f->rings[ri];
    size_t nshow = s->nnodes < CASE_MAX_DRAWN ? s->nnodes : CASE_MAX_DRAWN, k = 0;
    d->gid = xcalloc(nshow ? nshow : 1, sizeof *d->gid);
    d->role = xcalloc(nshow ? nshow : 1, 1);
    uint8_t *added = xcalloc(s->nnodes ? s->nnodes : 1, 1);
    for (int pass = 0; pass < 4; pass++) {
        size_t n = pass == 1 ? rg->nres : s->nnodes;
        for (size_t i = 0; i < n && k < nshow; i++) {
            size_t at = i;
            if (pass == 1) {
                uint32_t want = graph_node_gid(g, (node_type)rg->res[i].type, rg->res[i].id);
                const uint32_t *hit =
                    bsearch(&want, s->nodes, s->nnodes, sizeof *s->nodes, util_u32_cmp);
                if (!hit)
                    continue;
                at = (size_t)(hit - s->nodes);
            }
            ring_role r = findings_node_role(g, f, ri, s->nodes[at]);
            if (added[at] || (pass == 0 && r > ROLE_IN_RING_SHILL) ||
                (pass == 2 && r != ROLE_IN_RING_RESOURCE) ||
                (pass == 3 && r != ROLE_IN_RING_COUNTERPARTY))
                continue;
            added[at] = 1;
            d->gid[k] = s->nodes[at];
            d->role[k++] = (uint8_t)(r <= ROLE_IN_RING_SHILL ? r : 0);
        }
    }
    d->nshown = nshow;
    free(added);
}

/* The subgraph's edges among the drawn nodes, then the layout. */
static void drawing_layout(case_drawing *d, const rs_graph *g, const case_subgraph *s)
{
    size_t nshow = d->nshown;
    uint32_t *sorted = xreallocarray(NULL, nshow ? nshow : 1, sizeof *sorted);
    uint32_t *pos = xreallocarray(NULL, nshow ? nshow : 1, sizeof *pos);
    memcpy(sorted, d->gid, nshow * sizeof *d->gid);
    if (nshow)
        qsort(sorted, nshow, sizeof *sorted, util_u32_cmp);
    for (size_t i = 0; i < nshow; i++) {
        const uint32_t *hit = bsearch(&d->gid[i], sorted, nshow, sizeof *sorted, util_u32_cmp);
        pos[hit - sorted] = (uint32_t)i;
    }
    size_t cap_a = 0, cap_b = 0;
    for (size_t j = 0; j < s->nedges; j++) {
        const rs_edge *e = &g->edges[s->edges[j]];
        uint32_t x = graph_edge_src_gid(g, e), y = graph_edge_dst_gid(g, e);
        const uint32_t *hx = bsearch(&x, sorted, nshow, sizeof *sorted, util_u32_cmp);
        const uint32_t *hy = bsearch(&y, sorted, nshow, sizeof *sorted, util_u32_cmp);
        if (!hx || !hy)
            continue;
        UTIL_GROW(d->ea, cap_a, d->nedges + 1);
        UTIL_GROW(d->eb, cap_b, d->nedges + 1);
        d->ea[d->nedges] = pos[hx - sorted];
        d->eb[d->nedges++] = pos[hy - sorted];
    }
    d->x = xcalloc(nshow ? nshow : 1, sizeof *d->x);
    d->y = xcalloc(nshow ? nshow : 1, sizeof *d->y);
    layout_kamada_kawai(nshow, d->ea, d->eb, d->nedges, d->x, d->y);
    free(sorted);
    free(pos);
}

casefile *cases_new(const findings *f)
{
    return xcalloc(f->nrings ? f->nrings : 1, sizeof(casefile));
}

casefile *cases_build(const rs_graph *g, const findings *f)
{
    casefile *cases = cases_new(f);
    cases_draw(cases, g, f);
    return cases;
}

void cases_draw(casefile *cases, const rs_graph *g, const findings *f)
{
    if (!f->nrings)
        return;
    acct_index ix = {0};
    acct_index_build(&ix, g);
    uint32_t nn = graph_node_total(g);
    uint8_t *keep = xcalloc(nn ? nn : 1, 1);
    for (size_t ri = 0; ri < f->nrings; ri++) {
        subgraph_build(&cases[ri].sub, g, &f->rings[ri], &ix, keep);
        drawing_nodes(&cases[ri].draw, g, f, ri, &cases[ri].sub);
        drawing_layout(&cases[ri].draw, g, &cases[ri].sub);
    }
    free(keep);
    free(ix.off);
    free(ix.idx);
}

void cases_suspicious(const rs_graph *g, const findings *f, int with_bids, uint32_t **nodes,
                      size_t *nnodes, size_t **edges, size_t *nedges)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT), nn = graph_node_total(g);
    uint8_t *keep = xcalloc(nn ? nn : 1, 1), *core = xcalloc(na ? na : 1, 1);
    for (uint32_t a = 0; a < na; a++)
        core[a] = f->ring_of[a] >= 0;
    for (size_t r = 0; r < f->nrings; r++)
        for (size_t k = 0; k < f->rings[r].nassociates; k++)
            core[f->rings[r].associates[k].acct] = 1;
    for (uint32_t a = 0; a < na; a++)
        if (core[a])
            keep[graph_node_gid(g, NODE_ACCOUNT, a)] = 1;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        if (e->kind == EDGE_BID && !with_bids)
            continue;
        node_type bt = graph_edge_end_type((edge_kind)e->kind, 1);
        if (core[e->a])
            keep[graph_edge_dst_gid(g, e)] = 1;
        if (bt == NODE_ACCOUNT && core[e->b])
            keep[graph_edge_src_gid(g, e)] = 1;
    }
    free(core);
    size_t cap = 0, ecap = 0;
    *nodes = NULL;
    *edges = NULL;
    *nnodes = *nedges = 0;
    for (uint32_t gid = 0; gid < nn; gid++)
        if (keep[gid]) {
            UTIL_GROW(*nodes, cap, *nnodes + 1);
            (*nodes)[(*nnodes)++] = gid;
        }
    for (size_t i = 0; i < g->nedges; i++)
        if ((with_bids || g->edges[i].kind != EDGE_BID) &&
            keep[graph_edge_src_gid(g, &g->edges[i])] &&
            keep[graph_edge_dst_gid(g, &g->edges[i])]) {
            UTIL_GROW(*edges, ecap, *nedges + 1);
            (*edges)[(*nedges)++] = i;
        }
    free(keep);
}
