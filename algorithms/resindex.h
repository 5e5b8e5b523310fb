/* resindex.h - the accounts using each resource of one type (IPs, devices or
 * payment destinations), the index every shared-infrastructure detector
 * starts from.
 *
 * Representation: one array of (resource, account, first, last) sorted by
 * (resource, account) and an offset array, so the users of resource r are
 * m[off[r] .. off[r+1]) in account order. Payout destinations and client
 * payment instruments are one id space, so for NODE_DEST both kinds of edge
 * count and an account both paid into and paying from one id appears once
 * (its first/last the union). Built in O(E log E) from the aggregated edges.
 */
#ifndef RINGSCAN_RESINDEX_H
#define RINGSCAN_RESINDEX_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t res, acct;
    int64_t first, last;
} res_member;

typedef struct {
    res_member *m; /* never NULL after build, even when empty */
    size_t n;
    size_t *off; /* nres + 1 */
    uint32_t nres;
} res_index;

/* Builds the index of resource type t (NODE_IP, NODE_DEVICE, NODE_DEST) of a
 * finalized graph. Free with resindex_free. */
void resindex_build(res_index *ix, const rs_graph *g, node_type t);
void resindex_free(res_index *ix);

/* The number of accounts using resource r. */
static inline uint32_t resindex_degree(const res_index *ix, uint32_t r)
{
    return (uint32_t)(ix->off[r + 1] - ix->off[r]);
}

/* Position of account a among the sorted users [lo, hi) of a resource (the
 * insertion point when absent). O(log(hi - lo)). */
size_t resindex_member_pos(const res_member *m, size_t lo, size_t hi, uint32_t a);

#endif
