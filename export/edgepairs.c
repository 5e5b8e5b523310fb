/* edgepairs.c - see edgepairs.h. */
#include "export/edgepairs.h"

#include "base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int edgepairs_kind(int kind)
{
    return kind == EDGE_BID || kind == EDGE_RATING || kind == EDGE_CHARGE;
}

static int edge_pair_cmp(const void *pa, const void *pb)
{
    const edge_pair *a = pa, *b = pb;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

size_t edgepairs_collect(const rs_graph *g, const size_t *edges, size_t n, edge_pair **out)
{
    edge_pair *v = NULL;
    size_t np = 0, cap = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = edges ? edges[k] : k;
        const rs_edge *e = &g->edges[i];
        if (!edgepairs_kind(e->kind))
            continue;
        ALLOC_GROW(v, cap, np + 1);
        v[np++] = (edge_pair){e->a < e->b ? e->a : e->b, e->a < e->b ? e->b : e->a, i};
    }
    if (np)
        qsort(v, np, sizeof *v, edge_pair_cmp);
    *out = v;
    return np;
}

size_t edgepairs_fold(const rs_graph *g, const edge_pair *p, size_t n, edge_pair_sum *s)
{
    memset(s, 0, sizeof *s);
    s->lead = &g->edges[p[0].idx];
    s->first = INT64_MAX;
    s->last = INT64_MIN;
    size_t j = 0;
    for (; j < n && p[j].lo == p[0].lo && p[j].hi == p[0].hi; j++) {
        const rs_edge *e = &g->edges[p[j].idx];
        s->cnt[e->kind] += e->count;
        s->sum[e->kind] += graph_edge_sum(g, e);
        s->count += e->count;
        s->first = e->first < s->first ? e->first : s->first;
        s->last = e->last > s->last ? e->last : s->last;
        if (s->lead->kind == EDGE_BID && e->kind != EDGE_BID)
            s->lead = e;
    }
    static const edge_kind order[] = {EDGE_RATING, EDGE_CHARGE, EDGE_BID};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++)
        if (s->cnt[order[k]]) {
            size_t l = strlen(s->kinds);
            snprintf(s->kinds + l, sizeof s->kinds - l, "%s%s", l ? "+" : "",
                     graph_edge_kind_name(order[k]));
        }
    return j;
}
