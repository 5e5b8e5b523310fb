/* findings.h - the machine-readable findings: accounts.csv and rings.json.
 *
 * accounts.csv: account_id,role,flagged,risk_score,ring_id,flags - one row per
 * account and client, sorted by risk_score descending then id; every cell
 * escaped against CSV and spreadsheet-formula injection.
 * rings.json: {"rings": [...]} ranked by score (ids R0001...), each with its
 * score breakdown, members, shill clients, the shared IPs/devices/destinations
 * binding it, flag counts, first/last seen and a plain-English explanation.
 */
#ifndef RINGSCAN_FINDINGS_H
#define RINGSCAN_FINDINGS_H

#include "algorithms/detect.h"
#include "graph/graph.h"

#include <jansson.h>
#include <stdio.h>

/* Write the files; 0 or -1 on a write error. */
int findings_write_accounts(FILE *f, const rs_graph *g, const detect_result *r);
int findings_write_rings(FILE *f, const rs_graph *g, const detect_result *r,
                         const detect_params *p);
/* The explanation paragraph of ring i (new string, caller frees). */
char *findings_explain(const rs_graph *g, const detect_result *r, size_t i);
/* Ring i as rings.json lists it (new reference). */
json_t *findings_ring_json(const rs_graph *g, const detect_result *r, size_t i);
/* Detector counts for run.json (new reference). */
json_t *findings_summary(const rs_graph *g, const detect_result *r);

#endif
