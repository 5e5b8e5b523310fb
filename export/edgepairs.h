/* edgepairs.h - the relations between two accounts (bids, ratings, charges)
 * folded into one edge per pair, for the graph writers (GraphML, GEXF): Gephi's
 * import merges parallel edges and would lose a kind.
 */
#ifndef RINGSCAN_EDGEPAIRS_H
#define RINGSCAN_EDGEPAIRS_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

/* An account-account edge of a view, by its unordered pair. */
typedef struct {
    uint32_t lo, hi; /* the two account ids, lo <= hi */
    size_t idx;      /* into g->edges */
} edge_pair;

/* One pair's relations, summed. */
typedef struct {
    const rs_edge *lead; /* gives the direction: client -> freelancer when there is a
                            rating or charge, else as the bid goes */
    uint32_t count;      /* all observations */
    uint32_t cnt[EDGE_KIND_COUNT];
    double sum[EDGE_KIND_COUNT];
    int64_t first, last;
    char kinds[64]; /* "rating+charge+bid", in that order */
} edge_pair_sum;

/* Whether edges of this kind join two accounts (and are folded by pair). */
int edgepairs_kind(int kind);

/* The account-account edges among edges[0..n) (indices into g->edges; all of
 * g's edges when edges is NULL), sorted by pair then index: a new array in
 * *out, its length returned. */
size_t edgepairs_collect(const rs_graph *g, const size_t *edges, size_t n, edge_pair **out);

/* Sums the run of p[0..n) that shares p[0]'s pair into s; returns its length. */
size_t edgepairs_fold(const rs_graph *g, const edge_pair *p, size_t n, edge_pair_sum *s);

#endif
