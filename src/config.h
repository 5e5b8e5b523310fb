/* config.h - the run configuration: defaults, JSON config file, CLI overrides.
 *
 * Every tunable lives here so run.json can record the effective values.
 * The config file is a JSON object; unknown keys are an error (a typo must not
 * silently leave a default in force).
 */
#ifndef RINGSCAN_CONFIG_H
#define RINGSCAN_CONFIG_H

#include "algorithms/detect.h"
#include "base/error.h"
#include "ingest/schema.h"
#include "model/findings.h"

#include <jansson.h>
#include <stdint.h>

/* Resource bounds of a run (README "Limits"); a bound passed is a fatal error
 * naming what was exceeded. */
typedef struct {
    uint64_t max_input_bytes;  /* decompressed bytes over all inputs */
    double max_gzip_ratio;     /* decompressed per compressed byte, past 64 MiB */
    uint64_t max_record_bytes; /* one CSV record, all its lines */
    uint64_t max_memory;       /* resident bytes; 0 = 90 % of proc_memory_ceiling() */
} rs_limits;

#define LIMIT_INPUT_DEFAULT (256ull << 30)
#define LIMIT_RATIO_DEFAULT 100.0

typedef struct {
    uint64_t seed;
    uint64_t max_bad_rows;
    int strict;
    char *geoip_path[3]; /* city, asn, anonymous_ip; owned, NULL = search */
    int geoip_search;    /* look in the standard directories */
    int full_graph;      /* export every node, not only the suspicious part */
    int graph_bids;      /* keep bid edges in the suspicious part */
    /* The least severity that gets an evidence package (default medium).
     * Not in config_to_json: it decides which bags exist, never their bytes,
     * so the bags' configuration digest leaves it out; run.json records it
     * under "evidence_packages". */
    ring_severity evidence_min;
    detect_params detect;
    rs_limits limits;
    schema_alias *columns; /* config "columns": header names per table */
    size_t ncolumns;
    char **column_strs; /* the strings columns point into, owned (2 per entry) */
    char **null_values; /* config "null_values": extra placeholders, owned */
    size_t nnull_values;
    char **column_given; /* each columns entry's header name as written (owned) */
    /* config "sources": mapping specs (owned array, NULL when not set), each
     * compiled by config_load so that a bad mapping fails before any input
     * is read; config_path names the file in their messages (owned). */
    json_t *sources;
    char *config_path;
} rs_config;

/* Fills defaults. */
void config_init(rs_config *c);
void config_free(rs_config *c);
/* Applies a JSON config file. Returns RS_OK or RS_E_CONFIG with err. */
int config_load(rs_config *c, const char *path, rs_error *err);
/* The effective configuration as a new JSON object (without the limits, which
 * do not change findings: see config_limits_json). */
json_t *config_to_json(const rs_config *c);
/* The effective limits as a new JSON object, max_memory resolved. */
json_t *config_limits_json(const rs_config *c);
/* The memory budget in bytes: limits.max_memory, or 90 % of what the
 * machine, cgroup and rlimit allow. */
uint64_t config_memory_budget(const rs_config *c);

#endif
