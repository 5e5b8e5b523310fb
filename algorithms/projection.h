/* projection.h - the weighted account-account projection of shared
 * infrastructure: two accounts are linked by every IP, device and payment
 * destination they share, weighted so that what few share binds strongly
 * and what many share binds weakly (resource allocation: base /
 * (degree - 1)^degree_exponent), and mass-shared resources (degree above
 * the cap_* parameters: CGNAT pools, VPN exits) make no pairs at all.
 *
 * Cost: at most E * cap pair updates, so near-linear in the aggregated edges
 * E, summed one account at a time (projection.c): memory for the shared
 * resources' users and one account's neighbours, never a table of every
 * pair (most pairs, a single far-apart IP in common, make no link). Links
 * come out sorted by (a, b). The IP pass raises
 * SHARED_IP; its evidence rule (evrule.h, which logins on an IP pair up)
 * is in projection.c.
 */
#ifndef RINGSCAN_PROJECTION_H
#define RINGSCAN_PROJECTION_H

#include "algorithms/detect_params.h"
#include "algorithms/resindex.h"
#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

/* One account-account link (a < b). */
typedef struct {
    uint32_t a, b;
    double w;  /* total weight, as Leiden sees it */
    double wa; /* the part from anonymising IPs (already capped per pair) */
    double wi; /* the weak part: from ordinary IPs, and behavioural links to accounts not
                  tied to the actor; it attaches a member only as far as its own flags
                  corroborate */
} proj_link;

/* The pair accumulator. */
typedef struct projection projection;

projection *projection_new(void);
void projection_free(projection *pm);
/* Adds w (wa of it from anonymising IPs, wi from ordinary IPs; wa is kept
 * apart because it is capped per pair when links are read) to the pair
 * (a, b), a != b in either order; tie marks infrastructure the two share
 * firmly (see projection_tied). O(1): contributions are summed when links
 * are read. */
void projection_add(projection *pm, uint32_t a, uint32_t b, double w, double wa, double wi,
                    int tie);
/* The number of distinct pairs so far: one pass over them, as projection_links. */
uint64_t projection_pairs(const projection *pm);
/* Whether a and b are tied by infrastructure: they share a device or a payment
 * destination, or were on one ordinary (not anonymising) IP, not a mass-shared pool,
 * within overlap_window_h of each other. Behavioural links never tie. O(r log d) for
 * the r resources of a or b's lower id that make pairs, of at most d users. */
int projection_tied(const projection *pm, uint32_t a, uint32_t b);

/* SHARED_IP flags and the IP part of the projection. Logins on shared IPs
 * (two or more accounts) are re-sorted by (ip, time); on each IP that is not
 * a mass-shared pool a sliding window finds accounts present within
 * shared_ip_window_h of each other (SHARED_IP), and every pair of its
 * accounts gets w_ip / (degree - 1)^exponent, reduced to far_apart_factor
 * when the two were never there in the same overlap_window_h, and to
 * anon_ip_factor on anonymising IPs shared by more than anon_ip_small_degree
 * accounts (commercial VPN exits). *capped counts IPs above cap_ip.
 * O(L + S log S) for L logins, S of them on shared IPs. */
void projection_ips(projection *pm, const rs_graph *g, const detect_params *p, const res_index *ips,
                    acct_flags *fl, uint64_t *capped);

/* Pairs from devices or destinations: w / (degree - 1)^expo per pair of a
 * resource's users; resources above cap make none (counted in *capped). */
void projection_resources(projection *pm, const res_index *ix, double w, double cap, double expo,
                          uint64_t *capped);

/* The links of weight >= min_w (anonymising-IP weight capped per pair at
 * anon_pair_cap first), sorted by (a, b), as a new array in *out (caller
 * frees). Returns their number. With the accounts' flags fl, a private server
 * (the only anonymising address two accounts share, used by at most
 * anon_ip_small_degree accounts, at the same hours, by two accounts that both
 * deceive beyond anonymity) counts as an ordinary, weak IP link; NULL: never. */
size_t projection_links(const projection *pm, const detect_params *p, const acct_flags *fl,
                        double min_w, proj_link **out);
/* projection_links, and the number of distinct pairs in *pairs (when not NULL). */
size_t projection_links_counted(const projection *pm, const detect_params *p, const acct_flags *fl,
                                double min_w, proj_link **out, uint64_t *pairs);

/* The whole infrastructure projection of g alone (no behavioural links, no
 * min_link filter), for tests and tools. */
size_t projection_build(const rs_graph *g, const detect_params *p, proj_link **out);

#endif
