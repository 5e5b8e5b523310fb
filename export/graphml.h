/* graphml.h - writes the account graph as GraphML for Gephi, igraph, networkx.
 *
 * Node ids are n0, n1, ... in a fixed order (accounts and clients by account
 * id, then IPs, devices, destinations, each in first-seen order); the real id
 * is the `label`. Node keys: label type color r g b size country asn asn_org
 * anon degree (plus ring_id risk_score flags when findings are given). Edge
 * keys: kind weight count first_seen last_seen amount stars rating_count
 * charge_count bid_count (plus identity_kind on nodes when identity resources
 * are written). Two accounts get one edge however they are related
 * (bids, ratings, charges merged, per-kind counts kept): no parallel edges.
 * Numbers are finite (never Inf/NaN) and printed in the C locale.
 */
#ifndef RINGSCAN_GRAPHML_H
#define RINGSCAN_GRAPHML_H

#include "graph/graph.h"
#include "model/findings.h"

#include <stdio.h>

/* What to write: the whole graph, or a subset of nodes and edges. */
typedef struct {
    int subset;            /* 0: every node and edge (the lists are ignored) */
    const uint32_t *nodes; /* global node ids, ascending */
    size_t nnodes;
    const size_t *edges; /* indices into g->edges, ascending, both ends among nodes */
    size_t nedges;
    const uint32_t *degree; /* per global node id, degree in the whole graph;
                               NULL: computed here (O(E)) */
    const findings *fnd;    /* ring_id, risk_score and flags per account, and
                               ring members coloured by ring; NULL: none */
    /* Identity and text resources of fnd->ident to write as nodes of type
     * "identity" or "text" (id x<r>, label the normalised value or "text
     * cluster N"), each with an edge from every user among the view's
     * accounts; ascending. NULL: none. */
    const uint32_t *ident;
    size_t nident;
} graphml_view;

/* Writes the view of g (finalized) to f. Returns 0, or -1 on a write error.
 * O(nodes + edges) of the view. */
int graphml_write(FILE *f, const rs_graph *g, const graphml_view *v);

/* The colour of ring i (of 60, reused from ring 61 on) and of node type t. */
const unsigned char *graphml_ring_colour(size_t ring_index);
const unsigned char *graphml_type_colour(int type);

#endif
