/* concentration.h - slow rating rings: RATING_CONCENTRATION.
 *
 * A slow shill ring boosts a few freelancers with five-star ratings from many
 * clients, spread evenly over months so that no client ever bursts and the
 * client x freelancer block stays too sparse for FRAUDAR. What gives it away is
 * who pays: the shill clients are funded by the same few cards. This pass finds
 * clusters of clients bound by shared payment instruments or shared devices,
 * keeps the clusters that give nearly all their high ratings to freelancers whose
 * high ratings come mostly from such clusters, and flags both sides
 * (docs/detection.md, RATING_CONCENTRATION). Part of ring detection (detect.c):
 * it reports client-freelancer links for the projection like behav.c, so that
 * shills and the freelancers they boost form one rating ring.
 *
 * concentration.c also holds the flag's evidence rule (evrule.h): the rating rows
 * from a cluster's clients to the freelancers they concentrate on.
 */
#ifndef RINGSCAN_CONCENTRATION_H
#define RINGSCAN_CONCENTRATION_H

#include "algorithms/behav.h"
#include "algorithms/detect_params.h"
#include "graph/graph.h"
#include "model/findings.h"

/* Raises RATING_CONCENTRATION in fl (one per account) on the boosted freelancers
 * and on the clients of the concentrating clusters that rated them highly, reports
 * one link per such client-freelancer pair (untied: a boosted freelancer shares no
 * infrastructure with its shills) and, when ep is not NULL, appends the pairs to
 * ep->concentrated (then rating_episodes_finish it). Returns how many freelancers it
 * flagged. g must be finalized. Cost: O(E + R + A) for E edges, R ratings and A
 * accounts, plus sorting the instrument and device edges. */
uint32_t concentration_run(const rs_graph *g, const detect_params *p, acct_flags *fl,
                           behav_link_fn link, void *ctx, rating_episodes *ep);

#endif
