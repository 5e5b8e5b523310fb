/* report.h - the self-contained HTML pages of the evidence packages: one
 * report.html per ring and OUT_DIR/index.html ranking every ring.
 *
 * Pages make no network request: styles are inline, drawings are inline SVG,
 * there is no script, and a Content-Security-Policy of default-src 'none'
 * forbids anything else. Every string from the input is HTML-escaped. What a
 * page lists is capped (REPORT_MAX_*) and the page says when it is.
 */
#ifndef RINGSCAN_REPORT_H
#define RINGSCAN_REPORT_H

#include "graph/graph.h"
#include "model/casefile.h"
#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REPORT_MAX_ACCOUNTS 200 /* accounts listed per flag */

/* Everything one ring's page shows (all borrowed). */
typedef struct {
    const rs_graph *g;
    const findings *r;
    size_t ring; /* index into r->rings */
    const casefile *cf;
    const char *explanation;
    /* payload files listed with their SHA-256 */
    const char *const *files;
    const char (*hashes)[65];
    size_t nfiles;
} report_ring;

/* Writes one ring's page. Returns 0, or -1 on a write error. */
int report_write_ring(FILE *f, const report_ring *rr);

/* What the index's run summary shows (all borrowed; any may be empty). */
typedef struct {
    const char *const *inputs; /* input file names */
    const uint64_t *rows;      /* rows loaded from each */
    const uint64_t *bad;       /* rows skipped as bad in each */
    size_t ninputs;
    uint64_t ips, ips_country, ips_asn; /* distinct IPs, with a country, with an ASN */
    const char *const *skipped;         /* analyses skipped for want of data */
    size_t nskipped;
    const char *min_severity; /* --evidence-min-severity, named where rings below it
                                 (findings_packaged) are listed without a package */
} report_run;

/* Writes the index: a run summary (inputs, rows, the span of the data, IP
 * coverage, skipped analyses, rings by kind and severity), then the rings
 * ranked, one line each, linking to evidence/<id>/data/report.html when the
 * ring has a package (findings_ring_packaged), else saying why it has none.
 * run may be NULL. Returns 0, or -1 on a write error. */
int report_write_index(FILE *f, const rs_graph *g, const findings *r, const report_run *run);

#endif
