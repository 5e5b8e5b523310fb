/* evsel.h - evidence selection: which input rows belong to which ring's case
 * and which of them show each of the ring's flags.
 *
 * Fed the second pass over the inputs (ingest/replay.c), row by row in input
 * order. A row belongs to a ring when it names one of the ring's accounts,
 * or (port observations) an IP or device one of them used. Every such row is
 * handed to a sink (the bag's events.csv writer), counted per table and per
 * day, and tested against each flag the ring carries with the flag's evidence
 * rule (evrule.h, beside its detector, on the detector's own tests in
 * rules.h): the login from another country, the long session, the payout to
 * a high-risk destination, the rejected bid... The first
 * CASE_MAX_SAMPLES rows that pass are kept in the ring's casefile.
 *
 * Rings are taken in batches (evsel_batch), so that the sink needs only a
 * batch's files open at once; one pass over the inputs per batch.
 */
#ifndef RINGSCAN_EVSEL_H
#define RINGSCAN_EVSEL_H

#include "algorithms/detect_params.h"
#include "graph/graph.h"
#include "model/casefile.h"
#include "model/findings.h"
#include "model/records.h"

#include <stddef.h>

/* Receives a row of ring ri (of the current batch). Returns 0, or nonzero
 * after a failure (a write error), which stops the selection. */
typedef int (*evsel_sink_fn)(void *ctx, size_t ri, const source_row *row);

typedef struct evsel evsel;

/* A selector for the rings of f over graph g; cases[] (f->nrings) receive
 * the counts and samples. g, f and cases are borrowed for the selector's
 * life; p is copied (with its anon_asns sorted, so they may come in any
 * order). */
evsel *evsel_new(const rs_graph *g, const findings *f, const detect_params *p, casefile *cases,
                 evsel_sink_fn sink, void *sink_ctx);
/* Restricts the next pass to rings [r0, r1) and resets the per-pass state. */
void evsel_batch(evsel *s, size_t r0, size_t r1);
/* One row of the pass (a replay_fn). Returns 0, or the sink's failure. */
int evsel_row(void *s, const source_row *row);
/* The intern hashes (graph_node_hash) of every id that makes a row one
 * evsel_row can use: the rings' accounts, and the IPs and devices they used
 * (port observations); for reading only those rows (ingest/rowindex.h).
 * Returns the count; *out is a new array, in no order, with repeats. */
size_t evsel_wanted(const evsel *s, uint64_t **out);
void evsel_free(evsel *s);

#endif
