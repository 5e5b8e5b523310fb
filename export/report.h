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

/* Writes the index of all rings, ranked, linking to
 * evidence/<id>/data/report.html. Returns 0, or -1 on a write error. */
int report_write_index(FILE *f, const rs_graph *g, const findings *r);

#endif
