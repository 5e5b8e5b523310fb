/* gexf.h - a subgraph as a GEXF 1.3 dynamic graph, so Gephi's timeline can
 * replay when each link was active.
 *
 * mode="dynamic", timeformat="dateTime", times in UTC ("...Z"). Each edge
 * lives from its first to its last observation (the aggregated edge's
 * first/last seen); each node from its earliest edge. Node ids are n<gid>,
 * the same as graph.graphml's. Colours and sizes use the viz namespace.
 */
#ifndef RINGSCAN_GEXF_H
#define RINGSCAN_GEXF_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    const uint32_t *nodes; /* global node ids (graph_node_gid), ascending */
    size_t nnodes;
    const size_t *edges; /* indices into g->edges, both ends among nodes */
    size_t nedges;
    const char *const *role; /* per node: "member", "shill", ... (borrowed) */
    const double *risk;      /* per node: risk score, or NULL */
} gexf_sub;

/* Writes s to f. Returns 0, or -1 on a write error. O(nodes + edges). */
int gexf_write(FILE *f, const rs_graph *g, const gexf_sub *s);

#endif
