/* runrecord.h - the parts of run.json that describe the run rather than its
 * findings: library versions, the input files with their digests and row
 * counts, the GeoIP databases and their coverage, graph sizes, phase timings.
 *
 * Here, in the wiring layer, because it reports on every stage (ingest's
 * file statistics, enrichment, the graph); the findings' own summary comes
 * from export/results.c. All functions return new JSON references.
 */
#ifndef RINGSCAN_RUNRECORD_H
#define RINGSCAN_RUNRECORD_H

#include "graph/graph.h"
#include "ingest/geoip.h"
#include "ingest/load.h"

#include <jansson.h>
#include <stdint.h>

#define RINGSCAN_VERSION "0.1.0"

/* One timed stage of a run. */
typedef struct {
    const char *name;
    double seconds;
    uint64_t peak_rss;
} runrecord_phase;

/* {"igraph": "0.10.2", ...} of the linked libraries. */
json_t *runrecord_libraries(void);
/* "igraph 0.10.2, jansson 2.14, ..." in name order (new string). */
char *runrecord_libraries_text(void);
/* Every input file, in reading order: table, name, format, bytes, SHA-256,
 * rows read, loaded, skipped (by reason) and outside the time window,
 * ignored columns. */
json_t *runrecord_inputs(const load_set *set);
/* How the summary cache in dir served the run (ingest/summary.h): counts,
 * bytes read from inputs and from summaries, and per input whether it was
 * parsed, served from its summary or skipped as a copy. Apart from
 * "inputs", which is the same for a run with or without a cache, so that
 * comparing two runs leaves it out whole. New reference. */
json_t *runrecord_cache(const load_set *set, const summary_counts *c, const char *dir);
/* One account, one id (ingest/accountids.h): the account_ids map's size,
 * its targets accounts does not list, the event ids neither maps nor lists,
 * and whether they make a second id space. New reference. */
json_t *runrecord_account_ids(const load_set *set);
/* Databases used (path, type, build date, SHA-256), coverage, and the
 * analyses skipped for want of data (steals skipped). */
json_t *runrecord_geoip(const geoip *gi, const geoip_stats *gs, json_t *skipped);
/* Node counts by type, edge counts by kind, event counts, memory. */
json_t *runrecord_graph(const rs_graph *g);
/* [{"name", "seconds", "peak_rss_bytes"}, ...] */
json_t *runrecord_phases(const runrecord_phase *ph, int n);

#endif
