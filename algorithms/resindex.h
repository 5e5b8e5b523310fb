/* resindex.h - the accounts sharing each resource of one type (IPs, devices
 * or payment destinations), the index every shared-infrastructure detector
 * starts from.
 *
 * Representation: the users of resource r are acct[off[r] .. off[r+1]) in
 * ascending order. Only shared resources, used by two or more accounts, list
 * their users: every detector ignores a resource one account uses, and in
 * exports where most accounts have addresses and devices of their own these
 * are most of them. Payout destinations and client payment instruments are
 * one id space, so for NODE_DEST both kinds of edge count and an account both
 * paid into and paying from one id appears once. Offsets are 32-bit: the
 * users listed are at most the graph's edges, which number below 2^32.
 *
 * Memory: 4 bytes per resource plus 4 per listed user. Built in O(E + R +
 * the sorting of each shared resource's users) from the aggregated edges.
 */
#ifndef RINGSCAN_RESINDEX_H
#define RINGSCAN_RESINDEX_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t *acct; /* never NULL after build, even when empty */
    size_t n;
    uint32_t *off; /* nres + 1 */
    uint32_t nres;
} res_index;

/* Builds the index of resource type t (NODE_IP, NODE_DEVICE, NODE_DEST) of a
 * finalized graph. Free with resindex_free. */
void resindex_build(res_index *ix, const rs_graph *g, node_type t);
/* The same, leaving out an account's use of a resource that ended before since[a]
 * (ms; the edge's last observation; 0 or less: every use counts): what an account
 * did before it changed hands does not tie its operated period to anyone. since
 * (one per account) is borrowed; NULL counts everything. */
void resindex_build_since(res_index *ix, const rs_graph *g, node_type t, const int64_t *since);
void resindex_free(res_index *ix);

/* The number of accounts using resource r when it is shared (two or more),
 * else 0. */
static inline uint32_t resindex_degree(const res_index *ix, uint32_t r)
{
    return ix->off[r + 1] - ix->off[r];
}

/* Position of account a among the sorted users acct[lo, hi) of a resource (the
 * insertion point when absent). O(log(hi - lo)). */
size_t resindex_member_pos(const uint32_t *acct, size_t lo, size_t hi, uint32_t a);

#endif
