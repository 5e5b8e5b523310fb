/* scoring.h - from communities to findings: own-flag corroboration, ring
 * scores, per-account risk and the flagged decision, ring membership and
 * rank, and the facts each ring is explained by (shared resources, flag
 * counts, ratings and charges between its accounts).
 *
 * A community is a ring when its score (link strength x corroboration
 * credit, docs/detection.md) reaches ring_min_score and it holds at least
 * two flagged accounts; it lists only its flagged accounts. Rings are ranked
 * by score, then size, then the label of their first account, and named
 * R0001... in that order. Cost: O(V + E log E) for V accounts and E links
 * and resource edges, independent of the number of rings.
 */
#ifndef RINGSCAN_SCORING_H
#define RINGSCAN_SCORING_H

#include "algorithms/detect_params.h"
#include "algorithms/identity.h"
#include "algorithms/projection.h"
#include "algorithms/resindex.h"
#include "model/findings.h"

/* Fills out's risk, corroboration, flagged, ring_of and rings (out->flags
 * must already hold every account's flags; RING_MEMBER is added here) from
 * the nl links and the communities comm (ncomm of them; -1 = none). ix[] are
 * the IP, device and destination indexes, id the identity and text resources
 * (identity_flags done). */
void scoring_run(const rs_graph *g, const detect_params *p, const proj_link *links, size_t nl,
                 const int32_t *comm, size_t ncomm, const res_index ix[3], const ident_index *id,
                 findings *out);

#endif
