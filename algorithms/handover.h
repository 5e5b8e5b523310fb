/* handover.h - HANDOVER: the day an account changed hands.
 *
 * A genuine freelancer who rents out an account keeps its history, its
 * reviews and its age; what changes is everything the new operator brings
 * along at once: other devices, another payout account, other hours and
 * often other networks. handover_run finds, per account, a change point in
 * its own timeline where several of these change together, raises HANDOVER
 * with the date (acct_flags.handover_at), and the detectors that measure a
 * share of an account's rows (COUNTRY_MISMATCH, HIGH_RISK_PAYOUT) then count
 * the operated period only: the owner's months of honest history are the
 * baseline, not a dilution of what the renter does. The resource indexes leave
 * out the IPs, devices and payout accounts it used only before the date, so the
 * owner's household ties the renter to nobody.
 *
 * Cost: O(E + L' + P' + B' log B') for E edges and the L' logins, P' payouts and B'
 * bids of the candidates (handover_candidate), with scratch arrays as large as the
 * busiest candidate's logins and payouts.
 */
#ifndef RINGSCAN_HANDOVER_H
#define RINGSCAN_HANDOVER_H

#include "algorithms/detect_params.h"
#include "algorithms/rules.h"
#include "graph/graph.h"

/* What changed at an account's change point: the facts HANDOVER rests on. */
typedef struct {
    int64_t at;        /* the first login of the operated period (ms) */
    uint32_t operated; /* logins from then on */
    int devices;       /* 1: every device of the operated period is new (always, for a
                        * change point) */
    int payouts;       /* 1: paid out on both sides, never into one destination on both */
    int network;       /* 1: anonymising networks on one side only */
    int hours;         /* 1: regular hours on both sides, the mean moved */
    int bids;          /* 1: bids a day up RULES_HANDOVER_BID_FACTOR times or more */
} handover_change;

/* Whether change c makes a handover: all-new devices, a new payout account, and a
 * third change with them: a new network class, new hours or a rise in bid volume. */
int handover_is_handover(const handover_change *c);

/* The strongest change point of account a in a finalized, enriched graph (the one
 * with most changed facts, the earliest of those), into *out. Returns 1 when the
 * account has one, 0 otherwise (*out then undefined). A change point splits the
 * account's logins where no device is used on both sides, with at least
 * RULES_HANDOVER_MIN_SIDE logins on each. O(logins + payouts + log bids of a),
 * plus the allocation of scratch space. */
int handover_find(const rs_graph *g, const detect_params *p, uint32_t a, handover_change *out);

/* Whether an account with logins logins, devices distinct devices and dests distinct
 * payout destinations can have a handover at all: a change point needs
 * RULES_HANDOVER_MIN_SIDE logins on each side and a device on each side that is not on
 * the other, and a payout split a destination on each side that is not on the
 * other. Everything else about a handover needs the account's logins, payouts and
 * bids in order; this needs only counts, so a reduced export carries the ordered
 * rows of these accounts alone (a few hundred in a million). O(1). */
static inline int handover_candidate(size_t logins, uint32_t devices, uint32_t dests)
{
    return logins >= 2 * RULES_HANDOVER_MIN_SIDE && devices >= 2 && dests >= 2;
}

/* Raises HANDOVER on fl (one per account), with acct_flags.handover_at and the
 * operated logins as evidence, for every account whose change point is a handover.
 * Runs before the other detectors, which read handover_at. Returns a new array, one
 * per account, of the time from which each account's resources tie it to others
 * (handover_at, 0 for an account that did not change hands: resindex_build_since),
 * or NULL when no account changed hands; the caller frees it. */
int64_t *handover_run(const rs_graph *g, const detect_params *p, acct_flags *fl);

#endif
