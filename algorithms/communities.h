/* communities.h - communities of the projection with igraph's Leiden
 * (Traag, Waltman & van Eck 2019, "From Louvain to Leiden: guaranteeing
 * well-connected communities"), modularity objective, seeded.
 *
 * Iterated until stable, per connected component of the projection (a
 * component two iterations in a row left unchanged is done; at most
 * p->iterations in all), one positive-count call per iteration over the
 * components still changing.
 *
 * igraph 0.10.2 pitfalls handled here: the iteration count is always
 * positive (a negative one can loop forever), an edgeless projection never
 * reaches igraph, and modularity is obtained from the CPM call by node
 * weights = strength and resolution / (2m).
 */
#ifndef RINGSCAN_COMMUNITIES_H
#define RINGSCAN_COMMUNITIES_H

#include "base/error.h"
#include "algorithms/detect_params.h"
#include "algorithms/projection.h"

#include <stddef.h>
#include <stdint.h>

/* Runs Leiden on the nl links (sorted by (a, b)) over na accounts. comm[a]
 * (na entries) gets each account's community, or -1 for accounts without
 * links; *ncomm the number of communities. Returns 0, or -1 with err set
 * (RS_E_ALGO and the message) when igraph fails. Deterministic for the links and the seed. */
int communities_leiden(const proj_link *links, size_t nl, uint32_t na, const detect_params *p,
                       uint64_t seed, int32_t *comm, uint64_t *ncomm, rs_error *err);

#endif
