/* decisions.h - what analysts' decisions do to a run (docs/state.md,
 * "Analyst decisions").
 *
 *   - allowlisted IPs, devices and payment destinations link nobody: they
 *     are left out of every shared-infrastructure index, as if one account
 *     used each (decisions_allowlist, before detection);
 *   - a confirmed account is known bad: flagged with risk 1, and every
 *     account tied to it gains risk by the strength of the tie
 *     (decisions_confirmed, after detection):
 *         s = 1 - prod over ties (1 - w_tie)
 *         risk' = risk + (1 - risk) * CONFIRMED_GAIN * s
 *     where a shared device or payout destination used by k accounts has
 *     w = 1 / (k - 1), a shared IP w = 0.5 / (k - 1) (a resource many use
 *     says less about any one of them), and a rating or a charge between the
 *     two accounts w = 0.25. One hop only: ties of ties are not raised.
 * Benign decisions need the memory of what the subject looked like when it
 * was cleared, so src/state.c applies them.
 */
#ifndef RINGSCAN_DECISIONS_ALGO_H
#define RINGSCAN_DECISIONS_ALGO_H

#include "graph/graph.h"
#include "model/decision_set.h"
#include "model/findings.h"

#define CONFIRMED_GAIN 0.5
#define CONFIRMED_W_IP 0.5
#define CONFIRMED_W_LINK 0.25

/* Marks the allowlisted IPs, devices and destinations of d that the graph
 * holds in g->allowlisted. Returns how many were found. */
size_t decisions_allowlist(rs_graph *g, const decision_set *d);

/* Applies confirmed accounts to f (flags, risk, f->hist.dispo and
 * risk_before, rings' confirmed counts). threshold is the flagging
 * threshold. Returns the number of other accounts whose risk rose. */
size_t decisions_confirmed(const rs_graph *g, findings *f, const decision_set *d, double threshold);

#endif
