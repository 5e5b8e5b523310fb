/* config.h - the run configuration: defaults, JSON config file, CLI overrides.
 *
 * Every tunable lives here so run.json can record the effective values.
 * The config file is a JSON object; unknown keys are an error (a typo must not
 * silently leave a default in force).
 */
#ifndef RINGSCAN_CONFIG_H
#define RINGSCAN_CONFIG_H

#include "algorithms/detect.h"
#include "base/util.h"

#include <jansson.h>
#include <stdint.h>

typedef struct {
    uint64_t seed;
    uint64_t max_bad_rows;
    int strict;
    char *geoip_path[3]; /* city, asn, anonymous_ip; owned, NULL = search */
    int geoip_search;    /* look in the standard directories */
    int full_graph;      /* export every node, not only the suspicious part */
    detect_params detect;
} rs_config;

/* Fills defaults. */
void config_init(rs_config *c);
void config_free(rs_config *c);
/* Applies a JSON config file. Returns RS_OK or RS_E_CONFIG with err. */
int config_load(rs_config *c, const char *path, rs_error *err);
/* The effective configuration as a new JSON object. */
json_t *config_to_json(const rs_config *c);

#endif
