/* decisions.h - what analysts' decisions do to a run (docs/state.md,
 * "Analyst decisions"): the one place for their rules and for the words
 * that say what each did.
 *
 * The decisions file is read by ingest/dispositions.c into the records of
 * model/decision_set.h; src/state.c only stores and loads baselines; each
 * effect worded here is written as JSON by export/effects.c alone. Nothing
 * else decides what a decision does or says.
 *
 *   - allowlisted IPs, devices and payment destinations link nobody: they
 *     are left out of every shared-infrastructure index, as if one account
 *     used each (decisions_allowlist, before detection);
 *   - a confirmed account is known bad: flagged with risk 1, and every
 *     account tied to it gains risk by the strength of the tie, guilt by
 *     association (decisions_confirmed, after detection):
 *         s = 1 - prod over ties (1 - w_tie)
 *         risk' = risk + (1 - risk) * CONFIRMED_GAIN * s
 *     where a shared device or payout destination used by k accounts has
 *     w = 1 / (k - 1), a shared IP w = 0.5 / (k - 1) (a resource many use
 *     says less about any one of them), and a rating or a charge between the
 *     two accounts w = 0.25. One hop only: ties of ties are not raised.
 *   - a benign or allowlisted ring or account is cleared while it shows no
 *     account and no red-flag kind outside its baseline, what it showed the
 *     first run the decision applied in (decisions_apply_benign, after the
 *     confirmed accounts); a ring holding a confirmed account is never
 *     cleared. The baselines persist between runs, so they are read and
 *     recorded through a callback (src/state.c keeps them in SQLite); the
 *     rules themselves are pure functions of the baseline and this run.
 */
#ifndef RINGSCAN_DECISIONS_ALGO_H
#define RINGSCAN_DECISIONS_ALGO_H

#include "base/buf.h"
#include "base/error.h"
#include "graph/graph.h"
#include "model/decision_set.h"
#include "model/findings.h"

/* --- checking a decisions file -------------------------------------------------
 *
 * A decision that matches nothing does nothing, so a typo would let a ring
 * "marked benign" come back the next night unnoticed. Each decision is
 * checked, and each that fails is a problem: its decision, the field it is
 * about and what to do. Which decision fits which subject:
 *   account                  escalated, confirmed, benign, allowlisted
 *   ring                     escalated, benign, allowlisted (rings are not
 *                            confirmed; their accounts are)
 *   ip, device, destination  allowlisted (it then links nobody), escalated
 *                            (infrastructure is not flagged: benign would
 *                            do nothing)
 * and its subject must exist: an ip must be an address; a ring id one the
 * state issued (a rank such as R0001 changes every run: the problem names
 * the ring that rank was last run); an account one this run's data holds or
 * the state remembers (flagged, in a ring, or decided before), so subjects
 * that left the window stay valid. */

/* One decision that fails a check. */
typedef struct {
    const decision *d; /* borrowed from the decision set */
    long col;          /* 1-based field of the file the problem is in */
    char *what, *hint; /* owned: the problem and what to do */
} decision_problem;

typedef struct {
    decision_problem *v;
    size_t n;
} decision_problems;

/* Frees every problem; p is left empty. Accepts NULL. */
void decisions_problems_free(decision_problems *p);

/* Appends to out a problem for every decision of d that does not fit its
 * subject type, or names an ip that is not an address. Needs no data, so it
 * runs as soon as the file is read. Problems borrow d. O(n). */
void decisions_check_rules(const decision_set *d, decision_problems *out);

/* What the state remembers, for decisions_check_subjects (src/state.c). Each
 * returns 1 (yes), 0 (no) or -1 (storage failure). */
typedef struct {
    void *ctx;
    int (*ring_issued)(void *ctx, const char *id);              /* ever issued */
    int (*rank_was)(void *ctx, const char *rank, char out[16]); /* ring id the rank had in
                                                                  the last run, into out */
    int (*account_seen)(void *ctx, const char *id);
} decisions_memory;

/* Appends to out a problem for every ring decision of d naming a ring id m
 * never issued (or a rank), and every account decision naming an account
 * neither g nor m knows. Returns 0, or -1 when m failed. Problems borrow d.
 * O(n log n) plus m's look-ups. */
int decisions_check_subjects(const rs_graph *g, const decision_set *d, const decisions_memory *m,
                             decision_problems *out);

#define CONFIRMED_GAIN 0.5
#define CONFIRMED_W_IP 0.5
#define CONFIRMED_W_LINK 0.25

/* Marks the allowlisted IPs, devices and destinations of d that the graph
 * holds (graph_allowlist). Returns how many were found. */
size_t decisions_allowlist(rs_graph *g, const decision_set *d);

/* decisions_allowlist, and when it found any, one effect (undated) per
 * allowlisted IP, device or destination decision of a type the graph holds
 * an allowlisted one of, appended to out. Effects borrow d. */
void decisions_apply_allowlist(rs_graph *g, const decision_set *d, decision_effects *out);

/* Applies confirmed accounts to f (flags, risk, f->hist.dispo and
 * risk_before, rings' confirmed counts). threshold is the flagging
 * threshold. Returns the number of other accounts whose risk rose. */
size_t decisions_confirmed(const rs_graph *g, findings *f, const decision_set *d, double threshold);

/* decisions_confirmed, and one effect (undated) per confirmed account the
 * graph holds, appended to out. Effects borrow d. */
void decisions_apply_confirmed(const rs_graph *g, findings *f, const decision_set *d,
                               double threshold, decision_effects *out);

/* What a subject of a benign or allowlisted decision shows in a run, in
 * the form its baseline is kept in. Both strings owned, never NULL. */
typedef struct {
    char *accounts; /* its account ids, sorted (strcmp), joined by '\n' */
    char *kinds;    /* the red-flag kinds they show, by name in flag order,
                       joined by ',' */
} decision_baseline;

/* What the n accounts accts of g show in f, into out (new strings). O(n log n). */
void decisions_baseline_of(const rs_graph *g, const findings *f, const uint32_t *accts, size_t n,
                           decision_baseline *out);
/* Frees both strings; accepts NULL. */
void decisions_baseline_free(decision_baseline *b);

/* The material change from baseline was to now: the accounts not in was
 * ("N new account(s) (a, b, ...)", the first five named) and the red-flag
 * kinds not in was ("new red-flag kinds: K, L"), joined by "; ", appended
 * to why. Appends nothing when now shows nothing outside was: the decision
 * still holds. O(|now| * |was|). */
void decisions_material_change(const decision_baseline *was, const decision_baseline *now,
                               rs_buf *why);

/* The baseline store (src/state.c): sets *out (new strings) to the baseline
 * kept for d, or when none is, keeps now as d's baseline and copies it into
 * *out. Returns 0, or -1 on a storage failure. */
typedef int (*decisions_baseline_fn)(void *ctx, const decision *d, const decision_baseline *now,
                                     decision_baseline *out);

/* Applies d's decisions on f's rings (by persistent id; f->hist.track set)
 * and on accounts: records each ring's and account's disposition, clears a
 * benign or allowlisted subject that has not changed materially since its
 * baseline (a ring is marked suppressed and its accounts, confirmed ones
 * excepted, are not flagged by it; an account is not flagged) and reopens
 * one that has. Every decision that changed an outcome gets a dated effect
 * in out (borrowing d), and a ring's wording is also its dispo_note.
 * Returns 0, or -1 when baseline failed (f is then partly updated). */
int decisions_apply_benign(const rs_graph *g, findings *f, const decision_set *d,
                           decisions_baseline_fn baseline, void *ctx, decision_effects *out);

#endif
