/* evidence.h - one evidence package per packaged ring (findings_packaged:
 * those at or above --evidence-min-severity, a prefix of the ranking): a BagIt bag under
 * OUT_DIR/evidence/<ring id>/ holding summary.json, events.csv, nodes.csv,
 * edges.csv, subgraph.graphml, timeline.gexf and report.html (see
 * docs/evidence.md).
 *
 * The writer formats what earlier stages decided: the findings, each ring's
 * casefile (subgraph, drawing, selected evidence rows) and the rows of the
 * second pass over the inputs, which stream through evidence_events_row into
 * the bags' events.csv and are never held in memory. Rings are taken in
 * batches of the caller's choosing (one events.csv open per ring of the
 * batch, with a 64 KiB buffer): each batch costs one pass over the inputs,
 * and the bags are the same whatever the batches.
 *
 * Each bag is built in root/.tmp-<id> and renamed into place when complete.
 * Output is byte-identical for the same inputs, configuration, seed and
 * meta (run time included).
 */
#ifndef RINGSCAN_EVIDENCE_H
#define RINGSCAN_EVIDENCE_H

#include "base/error.h"
#include "graph/graph.h"
#include "model/casefile.h"
#include "model/findings.h"
#include "model/records.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The least batch; EVIDENCE_BATCH_MAX bounds the buffers (64 MiB). */
#define EVIDENCE_BATCH 64
#define EVIDENCE_BATCH_MAX 1024

/* Run facts recorded in every bag-info.txt (all borrowed). */
typedef struct {
    const char *version;   /* ringscan version */
    const char *libraries; /* "igraph 0.10.2, jansson 2.14, ..." */
    uint64_t seed;
    const char *config_sha256;       /* SHA-256 of the effective configuration JSON */
    int64_t run_time;                /* seconds since the epoch, UTC */
    const char *const *input_names;  /* input files, in reading order */
    const char *const *input_sha256; /* their digests */
    size_t ninputs;
    const char *const *columns; /* events.csv's data columns (replay_union_columns) */
    size_t ncolumns;
} evidence_meta;

typedef struct evidence_bags evidence_bags;

/* Prepares the bags of rings [0, findings_packaged(f)) of f in the existing
 * directory root; cases[] holds that many casefiles. The other rings get no
 * bag (no directory, no events.csv). Everything is borrowed until
 * evidence_free. Never fails. */
evidence_bags *evidence_begin(const char *root, const rs_graph *g, const findings *f,
                              const casefile *cases, const evidence_meta *m);
/* Creates the bag directories of rings [r0, r1) and opens their events.csv
 * with its header. Returns RS_OK or RS_E_IO with err set. */
int evidence_events_open(evidence_bags *b, size_t r0, size_t r1, rs_error *err);
/* Appends one input row to ring ri's events.csv (an evsel_sink_fn). Returns
 * 0, or -1 after a write error. */
int evidence_events_row(void *b, size_t ri, const source_row *row);
/* Closes the batch's events.csv files. Returns RS_OK or RS_E_IO. */
int evidence_events_close(evidence_bags *b, rs_error *err);
/* Writes the rest of every bag (its casefile's evidence must be complete),
 * completes and hashes it, and renames it into place. Returns RS_OK or
 * RS_E_IO with err set; bags already renamed stay (the caller's staging
 * directory makes the run all-or-nothing). */
int evidence_finish(evidence_bags *b, rs_error *err);
/* evidence_finish with up to nthreads threads (the caller's among them), each
 * completing whole bags: the bytes written do not depend on nthreads. On
 * errors, err is the one of the lowest-ranked ring that failed. */
int evidence_finish_threads(evidence_bags *b, unsigned nthreads, rs_error *err);
/* A job for evidence_finish_side, given its context: RS_OK, or an error code
 * with err set. */
typedef int (*evidence_side_fn)(void *ctx, rs_error *err);
/* evidence_finish_threads with one more job, side(ctx), which the first
 * thread free takes before any bag: outputs that need the graph and the
 * findings but no bag are written beside the bags. side must not touch the
 * bags. Its error, if any, is reported ahead of any bag's. */
int evidence_finish_side(evidence_bags *b, unsigned nthreads, evidence_side_fn side, void *ctx,
                         rs_error *err);

/* Progress of evidence_finish on tty (a terminal; NULL: none): bags done of
 * all and the time left at the rate so far. */
void evidence_set_progress(evidence_bags *b, FILE *tty);
/* Closes anything still open and frees b. Accepts NULL. */
void evidence_free(evidence_bags *b);

#endif
