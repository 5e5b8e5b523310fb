/* cases.h - what each ring's case shows besides its evidence rows: the
 * ring's subgraph, the drawing of it (which nodes, their coordinates), and
 * the part of the whole graph that graph.graphml exports by default.
 *
 * Built once for all rings before anything is written, in two passes over
 * the edges whatever the number of rings: one finds every ring's nodes, the
 * next every ring's edges among them. The drawing uses the Kamada-Kawai
 * layout (layout.c); writers only format the result.
 */
#ifndef RINGSCAN_CASES_H
#define RINGSCAN_CASES_H

#include "graph/graph.h"
#include "model/casefile.h"
#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>

/* A new array of f->nrings casefiles with their subgraph and drawing filled
 * (evidence empty, for evsel.c). Free with casefile_free_all. */
casefile *cases_build(const rs_graph *g, const findings *f);
/* The two halves of cases_build: the empty array, then the subgraphs and
 * drawings. cases_draw writes only the casefiles' sub and draw members, so
 * evidence selection (which writes ev) may run beside it on another thread;
 * it calls igraph, which no other thread may use meanwhile. */
casefile *cases_new(const findings *f);
void cases_draw(casefile *cases, const rs_graph *g, const findings *f);

/* The suspicious part of the graph: every ring account and associate, every
 * node one of their edges reaches, and all edges between such nodes. Bids are
 * left out unless with_bids (they would pull in nearly every client a ring
 * member ever bid to). *nodes (global ids, ascending) and *edges (indices,
 * ascending) are new arrays. O(V + E). */
void cases_suspicious(const rs_graph *g, const findings *f, int with_bids, uint32_t **nodes,
                      size_t *nnodes, size_t **edges, size_t *nedges);

#endif
