/* results.h - the machine-readable results: accounts.csv, rings.json and
 * the detection summary of run.json.
 *
 * accounts.csv: account_id,role,flagged,risk_score,ring_id,flags - one row per
 * account and client, sorted by risk_score descending then id; every cell
 * escaped against CSV and spreadsheet-formula injection.
 * rings.json: {"rings": [...]} ranked by score (ids R0001...), each with its
 * score breakdown, members, shill clients, the shared IPs/devices/destinations
 * binding it, flag counts, first/last seen and a plain-English explanation.
 */
#ifndef RINGSCAN_RESULTS_H
#define RINGSCAN_RESULTS_H

#include "graph/graph.h"
#include "model/findings.h"

#include <jansson.h>
#include <stdio.h>

/* Write the files; 0 or -1 on a write error. */
int results_write_accounts(FILE *f, const rs_graph *g, const findings *r);
int results_write_rings(FILE *f, const rs_graph *g, const findings *r);
/* Ring i as rings.json lists it (new reference). */
json_t *results_ring_json(const rs_graph *g, const findings *r, size_t i);
/* Detector counts and timings for run.json (new reference). */
json_t *results_summary(const rs_graph *g, const findings *r);

/* changes.json (--state; docs/state.md): what changed since the previous
 * run: counts by status, every ring that is not unchanged (or was reopened
 * despite a decision) with the accounts flagged for the first time, the
 * rings closed and suppressed, and the decisions that changed an outcome.
 * New reference. */
json_t *results_changes(const rs_graph *g, const findings *r);

#endif
