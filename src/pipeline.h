/* pipeline.h - a run, stage by stage: ingest, graph, enrich, detect,
 * evidence (case material and the second pass over the inputs), export
 * and publication. Each stage is timed into run.json's phases.
 *
 * The command line (main.c) builds a run_request; everything after that is
 * here. Before any input is read, OUT_DIR is checked (it must not hold the
 * inputs), locked and given a staging directory; outputs are published
 * together by one rename only when every one is complete (export/outdir.h).
 */
#ifndef RINGSCAN_PIPELINE_H
#define RINGSCAN_PIPELINE_H

#include "ingest/table.h"
#include "model/findings.h"
#include "src/config.h"

/* The time window asked for on the command line (--since, --until,
 * --window); see README "Time window". All zero: no window. */
typedef struct {
    int has_since, has_until;
    int64_t since, until; /* ms since the epoch, when has_since / has_until */
    int64_t length_ms;    /* --window; 0 = not given */
    const char *length;   /* --window as given ("60d"), for run.json; NULL = not given */
} run_window;

typedef struct {
    const char *in_dir, *out_dir;
    const rs_config *cfg;    /* effective configuration */
    char *const *argv_given; /* the command line as given, for run.json */
    int argc;
    int quiet;                /* nothing on stderr but errors */
    int wait;                 /* wait for a run holding OUT_DIR's lock instead of failing */
    unsigned keep_runs;       /* complete runs kept in OUT_DIR/runs (0 = default) */
    unsigned threads;         /* --threads (0 = every online core) */
    const char *state_dir;    /* --state: case memory (src/state.h), or NULL */
    const char *cache_dir;    /* --cache: input summaries (ingest/summary.h), or NULL */
    int no_cache;             /* --no-cache: none, not even STATE/cache */
    const char *dispositions; /* --dispositions: analysts' decisions, or NULL */
    int dispositions_lenient; /* skip (and list) decisions that match nothing */
    int exit_code;            /* --exit-code: RS_EXIT_CHANGES on new or grown rings */
    ring_severity exit_on;    /* ... at or above this severity */
    int summary_json;         /* one-line JSON summary on stdout */
    unsigned keep_bags_days;  /* dated bags kept in the state (0 = forever) */
    run_window window;        /* all unset: every row */
    int allow_empty_window;   /* a window without event rows is not an error */
    int backfill;             /* an older window: published beside current, state untouched */
} run_request;

/* Parses a --since/--until value: RFC 3339 (or anything base/ts.h reads) or
 * a date YYYY-MM-DD meaning midnight UTC. Returns 0, or -1. */
int pipeline_parse_time(const char *s, int64_t *out);
/* Parses a --window length: a positive integer followed by d (days) or h
 * (hours), at most 100 years. Returns 0, or -1. */
int pipeline_parse_length(const char *s, int64_t *out_ms);

/* Runs the whole pipeline. Errors are printed as one line on stderr.
 * Returns RS_EXIT_OK, RS_EXIT_CHANGES (--exit-code and new or grown rings),
 * RS_EXIT_BUSY (OUT_DIR or the state locked by another run) or RS_EXIT_DATA. */
int pipeline_run(const run_request *rq);

/* Checks every table in in_dir against the input contract without
 * analysing, printing a line per input file on stdout unless quiet; cfg
 * (borrowed, may be NULL) gives the config's columns, null_values and
 * sources, read as a run reads them. Returns
 * RS_EXIT_OK when every file is valid and no row is bad, else RS_EXIT_DATA. */
int pipeline_validate(const char *in_dir, const table_opts *to, const rs_config *cfg, int quiet);

#endif
