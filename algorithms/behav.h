/* behav.h - behavioural red flags: rating bursts (Kleinberg), lockstep rating
 * blocks (FRAUDAR), bid spam against age peers, high-risk and shared payouts,
 * self-dealing and structured charges. Part of ring detection (detect.c):
 * sets flags on accounts and reports client-freelancer links for the
 * projection, so that shill clients join the ring they inflate.
 *
 * Corroboration discipline: one actor's behaviour never makes a ring by itself.
 * A rated account is tied when it shares infrastructure with the rater or with
 * another account rated with it (a ring's members do; the unrelated freelancers
 * of a quarter-end review sweep do not). A rating burst or lockstep block is
 * corroborated when two or more of its rated accounts are tied: only then does
 * it link the rater to the accounts it rated and count firmly for the rater.
 * Flags an account only receives (rated in a burst, paid in many instalments)
 * without such a tie are raised weak (flags_raise_weak).
 *
 * behav.c also holds these flags' evidence rules (evrule.h): which rating,
 * bid, payout or charge row shows each of them.
 */
#ifndef RINGSCAN_BEHAV_H
#define RINGSCAN_BEHAV_H

#include "base/error.h"
#include "algorithms/detect_params.h"
#include "graph/graph.h"
#include "model/findings.h"

/* Receives one projection link a-b of weight w; tied says whether the account on the
 * receiving end is tied to the actor (or to the group it hit) by infrastructure. An
 * untied link attaches an account to a ring only as far as its own flags corroborate. */
typedef void (*behav_link_fn)(void *ctx, uint32_t a, uint32_t b, double w, int tied);
/* Whether accounts a and b are tied by shared infrastructure (a projection link of
 * their own, before any behavioural link). */
typedef int (*behav_tie_fn)(void *ctx, uint32_t a, uint32_t b);

typedef struct {
    uint64_t rating_bursts, lockstep_blocks, structuring_pairs, self_dealing_pairs;
    uint64_t hire_bursts, charge_bursts, ip_onboarding_bursts;
} behav_stats;

/* Sets the behavioural flags in fl (one per account) and reports links; when ep
 * is not NULL, appends the rating bursts and lockstep pairs the rating flags were
 * raised on (then rating_episodes_finish it). g
 * must be finalized. Returns 0, or -1 when FRAUDAR or burst detection fails
 * (err: RS_E_ALGO and the message). Cost: O(R log R + B + P + C log C + E log V) for R ratings,
 * B bids, P payouts, C charges and E rating edges. */
int behav_run(const rs_graph *g, const detect_params *p, acct_flags *fl, behav_link_fn link,
              behav_tie_fn tied, void *ctx, behav_stats *st, rating_episodes *ep, rs_error *err);

#endif
