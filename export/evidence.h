/* evidence.h - one evidence package per reported ring: a BagIt bag under
 * OUT_DIR/evidence/<ring id>/ holding summary.json, events.csv, nodes.csv,
 * edges.csv, subgraph.graphml, timeline.gexf and report.html (see
 * docs/evidence.md).
 *
 * events.csv comes from a second pass over the input files restricted to the
 * rings' accounts: rows stream from the reader to the bags' files and are
 * never held in memory; only per-ring counts, a per-day histogram and a few
 * sample rows per flag are kept. Rings are processed in batches of
 * EVIDENCE_BATCH (one open events.csv each) so any number of rings works
 * within the open-file limit, at one pass over the inputs per batch.
 *
 * Each bag is built in root/.tmp-<id> and renamed into place when complete.
 * Output is byte-identical for the same inputs, configuration, seed and
 * meta (run time included).
 */
#ifndef RINGSCAN_EVIDENCE_H
#define RINGSCAN_EVIDENCE_H

#include "algorithms/detect.h"
#include "export/bagit.h"
#include "graph/graph.h"
#include "ingest/load.h"

#include <stdint.h>

#define EVIDENCE_BATCH 64

/* Run facts recorded in every bag-info.txt (all borrowed). */
typedef struct {
    const char *version;   /* ringscan version */
    const char *libraries; /* "igraph 0.10.2, jansson 2.14, ..." */
    uint64_t seed;
    const char *config_sha256;   /* SHA-256 of the effective configuration JSON */
    int64_t run_time;            /* seconds since the epoch, UTC */
    const detect_params *params; /* to pick the input rows that show each flag */
} evidence_meta;

/* Writes a bag per ring of r into the existing directory root. set is the
 * input set the graph was loaded from (files are read again; a file whose
 * SHA-256 changed since is an error). Returns RS_OK, or RS_E_IO / a reader
 * error with err set; bags already renamed into root stay (the caller's
 * staging directory makes the run all-or-nothing). */
int evidence_write(const char *root, const rs_graph *g, const detect_result *r, const load_set *set,
                   const evidence_meta *m, rs_error *err);

#endif
