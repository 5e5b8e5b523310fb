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

#include "algorithms/detect.h"
#include "graph/graph.h"
#include "ingest/schema.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REPORT_MAX_NODES 250    /* nodes drawn */
#define REPORT_MAX_ROWS 10      /* evidence rows shown per flag */
#define REPORT_MAX_ACCOUNTS 200 /* accounts listed per flag */

/* One input row shown as evidence (all strings owned by the holder). */
typedef struct {
    char *file;   /* source file name */
    long line;    /* first physical line of the row */
    int64_t ts;   /* UTC ms, or TS_NONE */
    char *fields; /* "name=value, ..." of the other present columns */
} report_row;

/* Everything one ring's page shows (all borrowed). */
typedef struct {
    const rs_graph *g;
    const detect_result *r;
    size_t ring; /* index into r->rings */
    const char *explanation;
    /* drawing: nshown nodes (global ids, their role and coordinates in [0,1]) */
    size_t nnodes, nshown;
    const uint32_t *node_gid;
    const uint8_t *node_role; /* 1 member, 2 shill, 0 other */
    const double *x, *y;
    size_t nedges; /* edges between shown nodes, as indices into node arrays */
    const uint32_t *ea, *eb;
    size_t nedges_total;
    /* timeline: events per day and table from day0 (days since the epoch) */
    int64_t day0;
    size_t ndays;
    const uint64_t (*per_day)[TABLE_COUNT];
    uint64_t rows[TABLE_COUNT];
    /* evidence rows per flag */
    const report_row *const *samples; /* [FLAG_COUNT] arrays */
    const size_t *nsamples;           /* [FLAG_COUNT] */
    /* payload files listed with their SHA-256 */
    const char *const *files;
    const char (*hashes)[65];
    size_t nfiles;
} report_ring;

/* Writes one ring's page. Returns 0, or -1 on a write error. */
int report_write_ring(FILE *f, const report_ring *rr);

/* Writes the index of all rings, ranked, linking to
 * evidence/<id>/data/report.html. Returns 0, or -1 on a write error. */
int report_write_index(FILE *f, const rs_graph *g, const detect_result *r);

#endif
