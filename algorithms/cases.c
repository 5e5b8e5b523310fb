/* cases.c - ring subgraphs, drawings and the exported part of the graph;
 * see cases.h. */
#include "algorithms/cases.h"

#include "algorithms/layout.h"
#include "base/alloc.h"
#include "base/cmp.h"

#include <stdlib.h>
#include <string.h>

/* The rings each account belongs to (members and shills), as a list per
 * account: rings of a are ring[off[a] .. off[a+1]), ascending. */
typedef struct {
    uint32_t *off;
    uint32_t *ring;
} ring_lists;

static void account_rings(ring_lists *rl, const rs_graph *g, const findings *f)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    rl->off = xcalloc((size_t)na + 1, sizeof *rl->off);
    for (size_t r = 0; r < f->nrings; r++)
        for (size_t k = 0; k < f->rings[r].nmembers + f->rings[r].nshills; k++)
            rl->off[findings_ring_account(&f->rings[r], k) + 1]++;
    for (uint32_t a = 0; a < na; a++)
        rl->off[a + 1] += rl->off[a];
    rl->ring = xreallocarray(NULL, rl->off[na] ? rl->off[na] : 1, sizeof *rl->ring);
    uint32_t *at = xreallocarray(NULL, na ? na : 1, sizeof *at);
    memcpy(at, rl->off, (size_t)na * sizeof *at);
    for (size_t r = 0; r < f->nrings; r++)
        for (size_t k = 0; k < f->rings[r].nmembers + f->rings[r].nshills; k++)
            rl->ring[at[findings_ring_account(&f->rings[r], k)]++] = (uint32_t)r;
    free(at);
}

/* Appends (ring << 32 | value) for each ring in rings[0 .. n). */
static void push_keys(uint64_t **v, size_t *len, size_t *cap, const uint32_t *rings, size_t n,
                      uint32_t value)
{
    ALLOC_GROW(*v, *cap, *len + n);
    for (size_t j = 0; j < n; j++)
        (*v)[(*len)++] = (uint64_t)rings[j] << 32 | value;
}

/* Every ring's nodes: its accounts and every node one of their edges reaches,
 * as sorted, distinct (ring << 32 | global id) keys. One pass over the edges. */
static uint64_t *ring_nodes(const rs_graph *g, const findings *f, const ring_lists *rl, size_t *n)
{
    uint64_t *v = NULL;
    size_t len = 0, cap = 0;
    for (size_t r = 0; r < f->nrings; r++)
        for (size_t k = 0; k < f->rings[r].nmembers + f->rings[r].nshills; k++) {
            uint32_t ri = (uint32_t)r;
            uint32_t gid = graph_node_gid(g, NODE_ACCOUNT, findings_ring_account(&f->rings[r], k));
            push_keys(&v, &len, &cap, &ri, 1, gid);
        }
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        const uint32_t *ra = rl->ring + rl->off[e->a];
        size_t na = rl->off[e->a + 1] - rl->off[e->a], nb = 0;
        const uint32_t *rb = NULL;
        if (graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT && e->b != e->a) {
            rb = rl->ring + rl->off[e->b];
            nb = rl->off[e->b + 1] - rl->off[e->b];
        }
        if (!na && !nb)
            continue;
        uint32_t src = graph_edge_src_gid(g, e), dst = graph_edge_dst_gid(g, e);
        push_keys(&v, &len, &cap, ra, na, src);
        push_keys(&v, &len, &cap, ra, na, dst);
        push_keys(&v, &len, &cap, rb, nb, src);
        push_keys(&v, &len, &cap, rb, nb, dst);
    }
    if (len)
        qsort(v, len, sizeof *v, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (!w || v[w - 1] != v[i])
            v[w++] = v[i];
    *n = w;
    return v;
}

/* Every ring's subgraph (case_subgraph): the nodes from ring_nodes, and the
 * edges whose two ends are both nodes of that ring. Each edge's source is an
 * account, so these are the edges of the ring's accounts and counterparties
 * among its nodes. A node may belong to several rings (a client two rings
 * share): the second pass over the edges intersects the two ends' ring lists. */
static void subgraphs_build(casefile *cases, const rs_graph *g, const findings *f)
{
    ring_lists rl;
    account_rings(&rl, g, f);
    size_t nkeys;
    uint64_t *keys = ring_nodes(g, f, &rl, &nkeys);
    free(rl.off);
    free(rl.ring);
    /* Per node, the rings holding it (ascending, as the keys are sorted by
     * ring first); per ring, its nodes (ascending). */
    uint32_t nn = graph_node_total(g);
    uint32_t *goff = xcalloc((size_t)nn + 1, sizeof *goff);
    uint32_t *grng = xreallocarray(NULL, nkeys ? nkeys : 1, sizeof *grng);
    for (size_t i = 0; i < nkeys; i++) {
        goff[(uint32_t)keys[i] + 1]++;
        cases[keys[i] >> 32].sub.nnodes++;
    }
    for (uint32_t x = 0; x < nn; x++)
        goff[x + 1] += goff[x];
    for (size_t r = 0; r < f->nrings; r++) {
        case_subgraph *s = &cases[r].sub;
        s->nodes = xreallocarray(NULL, s->nnodes ? s->nnodes : 1, sizeof *s->nodes);
        s->nnodes = 0;
    }
    for (size_t i = 0; i < nkeys; i++) {
        case_subgraph *s = &cases[keys[i] >> 32].sub;
        s->nodes[s->nnodes++] = (uint32_t)keys[i];
        grng[goff[(uint32_t)keys[i]]++] = (uint32_t)(keys[i] >> 32);
    }
    free(keys);
    memmove(goff + 1, goff, (size_t)nn * sizeof *goff); /* the fill moved each start to its end */
    goff[0] = 0;
    /* (ring << 32 | edge index) in edge order, so each ring's edges ascend. */
    uint64_t *v = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        uint32_t src = graph_edge_src_gid(g, e);
        if (goff[src] == goff[src + 1])
            continue;
        uint32_t dst = graph_edge_dst_gid(g, e);
        for (uint32_t x = goff[src], y = goff[dst]; x < goff[src + 1] && y < goff[dst + 1];) {
            if (grng[x] < grng[y]) {
                x++;
            } else if (grng[x] > grng[y]) {
                y++;
            } else {
                ALLOC_GROW(v, cap, len + 1);
                v[len++] = (uint64_t)grng[x] << 32 | (uint32_t)i;
                cases[grng[x]].sub.nedges++;
                x++;
                y++;
            }
        }
    }
    free(goff);
    free(grng);
    for (size_t r = 0; r < f->nrings; r++) {
        case_subgraph *s = &cases[r].sub;
        s->edges = s->nedges ? xreallocarray(NULL, s->nedges, sizeof *s->edges) : NULL;
        s->nedges = 0;
    }
    for (size_t i = 0; i < len; i++) {
        case_subgraph *s = &cases[v[i] >> 32].sub;
        s->edges[s->nedges++] = (uint32_t)v[i];
    }
    free(v);
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
                    bsearch(&want, s->nodes, s->nnodes, sizeof *s->nodes, cmp_u32);
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
        qsort(sorted, nshow, sizeof *sorted, cmp_u32);
    for (size_t i = 0; i < nshow; i++) {
        const uint32_t *hit = bsearch(&d->gid[i], sorted, nshow, sizeof *sorted, cmp_u32);
        pos[hit - sorted] = (uint32_t)i;
    }
    size_t cap_a = 0, cap_b = 0;
    for (size_t j = 0; j < s->nedges; j++) {
        const rs_edge *e = &g->edges[s->edges[j]];
        uint32_t x = graph_edge_src_gid(g, e), y = graph_edge_dst_gid(g, e);
        const uint32_t *hx = bsearch(&x, sorted, nshow, sizeof *sorted, cmp_u32);
        const uint32_t *hy = bsearch(&y, sorted, nshow, sizeof *sorted, cmp_u32);
        if (!hx || !hy)
            continue;
        ALLOC_GROW(d->ea, cap_a, d->nedges + 1);
        ALLOC_GROW(d->eb, cap_b, d->nedges + 1);
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
    subgraphs_build(cases, g, f);
    for (size_t ri = 0; ri < f->nrings; ri++) {
        drawing_nodes(&cases[ri].draw, g, f, ri, &cases[ri].sub);
        drawing_layout(&cases[ri].draw, g, &cases[ri].sub);
    }
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
            ALLOC_GROW(*nodes, cap, *nnodes + 1);
            (*nodes)[(*nnodes)++] = gid;
        }
    for (size_t i = 0; i < g->nedges; i++)
        if ((with_bids || g->edges[i].kind != EDGE_BID) &&
            keep[graph_edge_src_gid(g, &g->edges[i])] &&
            keep[graph_edge_dst_gid(g, &g->edges[i])]) {
            ALLOC_GROW(*edges, ecap, *nedges + 1);
            (*edges)[(*nedges)++] = i;
        }
    free(keep);
}
