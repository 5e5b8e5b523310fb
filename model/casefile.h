/* casefile.h - the material of one ring's evidence package, assembled before
 * anything is written: the ring's subgraph, the drawing of it, and the input
 * rows selected as evidence.
 *
 * algorithms/cases.c builds the subgraph and the drawing (layout included),
 * algorithms/evsel.c fills the evidence from a second pass over the inputs;
 * export/ only formats a casefile. Everything is owned by the casefile and
 * freed by casefile_free.
 */
#ifndef RINGSCAN_CASEFILE_H
#define RINGSCAN_CASEFILE_H

#include "model/flags.h"
#include "model/records.h"

#include <stddef.h>
#include <stdint.h>

#define CASE_MAX_SAMPLES 10 /* evidence rows kept per flag */
#define CASE_MAX_DRAWN 250  /* nodes in the drawing */
#define CASE_MAX_DAYS 40000 /* span of the per-day histogram; events outside still count */

/* The ring's accounts (members and shill clients), every node one of their
 * edges touches, and every edge between two such nodes. */
typedef struct {
    uint32_t *nodes; /* global node ids, ascending */
    size_t nnodes;
    size_t *edges; /* indices into g->edges, ascending */
    size_t nedges;
} case_subgraph;

/* The drawing: at most CASE_MAX_DRAWN nodes (ring accounts first, then the
 * infrastructure they share, other resources, counterparties), the subgraph's
 * edges among them, and coordinates in [0, 1]. */
typedef struct {
    size_t nshown;
    uint32_t *gid; /* global node ids in drawing order */
    uint8_t *role; /* 1 member, 2 shill, 0 other */
    double *x, *y;
    size_t nedges;
    uint32_t *ea, *eb; /* edges as indices into gid */
} case_drawing;

/* One input row kept as evidence of a flag. */
typedef struct {
    char *file; /* source file name */
    long line;  /* first physical line */
    int64_t ts; /* UTC ms, or TS_NONE */
    size_t ncols;
    const char *name[RECORDS_MAX_COLS]; /* the other present columns (static names) */
    char *value[RECORDS_MAX_COLS];      /* their values as written */
    int64_t pair_gap_ms; /* the second row of a pair (SHARED_IP, SHARED_DEVICE: two ring
                            accounts on one resource): ms from the row before; else -1 */
} case_row;

/* The ring's input rows: counts per table, a per-day histogram of dated
 * events, and the first CASE_MAX_SAMPLES rows that show each flag. */
typedef struct {
    uint64_t rows[TABLE_COUNT];
    int64_t day0; /* days since the epoch of per_day[0] */
    size_t ndays;
    uint64_t (*per_day)[TABLE_COUNT];
    case_row *samples[FLAG_COUNT];
    size_t nsamples[FLAG_COUNT];
} case_evidence;

typedef struct {
    case_subgraph sub;
    case_drawing draw;
    case_evidence ev;
} casefile;

/* Counts a dated row of table t on day (days since the epoch). */
void casefile_count_day(case_evidence *ev, int64_t day, table_id t);
/* Keeps a copy of row as evidence of flag f (if fewer than CASE_MAX_SAMPLES
 * are kept). */
void casefile_add_sample(case_evidence *ev, flag_code f, const source_row *row);

/* Keeps row and the row before it as a pair: first (a copy is made) and second,
 * gap_ms apart, when two more samples fit. */
void casefile_add_pair(case_evidence *ev, flag_code f, const case_row *first,
                       const source_row *second, int64_t gap_ms);
/* A standalone copy of row into dst (owned: case_row_clear frees it). */
void case_row_copy(case_row *dst, const source_row *row);
void case_row_clear(case_row *r);

/* Frees what c holds and zeroes it. Accepts NULL. */
void casefile_free(casefile *c);
/* Frees n casefiles and the array. Accepts NULL. */
void casefile_free_all(casefile *c, size_t n);

#endif
