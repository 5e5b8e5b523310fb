/* config.c - see config.h. */
#include "src/config.h"

#include "ingest/mapping.h"

#include "export/jsonout.h"
#include "ingest/table.h"
#include "base/alloc.h"
#include "base/error.h"
#include "base/proc.h"
#include "base/size.h"

#include <stdlib.h>
#include <string.h>

void config_init(rs_config *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->max_bad_rows = 1000;
    c->geoip_search = 1;
    c->full_graph = 0;
    c->evidence_min = SEVERITY_MEDIUM;
    detect_params_init(&c->detect);
    c->limits.max_input_bytes = LIMIT_INPUT_DEFAULT;
    c->limits.max_gzip_ratio = LIMIT_RATIO_DEFAULT;
    c->limits.max_record_bytes = TABLE_MAX_RECORD_DEFAULT;
    c->limits.max_memory = 0;
}

uint64_t config_memory_budget(const rs_config *c)
{
    if (c->limits.max_memory)
        return c->limits.max_memory;
    uint64_t ceil = proc_memory_ceiling();
    return ceil == UINT64_MAX ? 0 : ceil / 10 * 9;
}

json_t *config_limits_json(const rs_config *c)
{
    uint64_t mem = config_memory_budget(c);
    json_t *o =
        json_pack("{s:I, s:f, s:I}", "max_input_bytes", (json_int_t)c->limits.max_input_bytes,
                  "max_gzip_ratio", c->limits.max_gzip_ratio, "max_record_bytes",
                  (json_int_t)c->limits.max_record_bytes);
    /* null: no bound known on this machine (and none given) */
    json_object_set_new(o, "max_memory", mem ? json_integer((json_int_t)mem) : json_null());
    return o;
}

/* "columns": {"logins": {"UserRef": "account_id", ...}, "*": {...}}: header
 * names read as contract columns; "*" applies to every table with the column. */
static int load_columns(rs_config *c, json_t *v, const char *path, rs_error *err)
{
    if (!json_is_object(v))
        return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                            "config key 'columns': expected an object of tables");
    const char *tn;
    json_t *map;
    json_object_foreach(v, tn, map)
    {
        const table_def *only = NULL;
        for (int t = 0; t < TABLE_COUNT && strcmp(tn, "*") != 0; t++)
            if (!strcmp(schema_table((table_id)t)->name, tn))
                only = schema_table((table_id)t);
        if (!only && strcmp(tn, "*") != 0)
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                "config key 'columns.%s': not a table (accounts, logins, bids, "
                                "ratings, payouts, charges, ports or *)",
                                tn);
        if (!json_is_object(map))
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                "config key 'columns.%s': expected an object {\"header\": "
                                "\"column\"}",
                                tn);
        const char *from;
        json_t *to;
        json_object_foreach(map, from, to)
        {
            const char *col = json_string_value(to);
            int known = 0;
            for (int t = 0; t < TABLE_COUNT && col; t++) {
                const table_def *td = schema_table((table_id)t);
                if ((!only || td == only) && schema_column(td, col, strlen(col)) >= 0)
                    known = 1;
            }
            if (!known)
                return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                    "config key 'columns.%s.%s': not a column of %s", tn, from,
                                    only ? tn : "any table");
            char norm[128];
            schema_normalize(from, strlen(from), norm, sizeof norm);
            c->columns = xreallocarray(c->columns, c->ncolumns + 1, sizeof *c->columns);
            c->column_strs =
                xreallocarray(c->column_strs, 2 * (c->ncolumns + 1), sizeof *c->column_strs);
            char *t = only ? xstrdup(tn) : NULL, *f = xstrdup(norm);
            c->column_strs[2 * c->ncolumns] = t;
            c->column_strs[2 * c->ncolumns + 1] = f;
            c->column_given =
                xreallocarray(c->column_given, c->ncolumns + 1, sizeof *c->column_given);
            c->column_given[c->ncolumns] = xstrdup(from);
            c->columns[c->ncolumns++] = (schema_alias){t, f, schema_table_column(col)};
        }
    }
    return RS_OK;
}

/* "sources": [mapping, ...] (ingest/mapping.h, docs/loading.md): each
 * compiled here, so a bad entry names its JSON path before any input is
 * read; the load compiles its own copy per file it reads through one. */
static int load_sources(rs_config *c, json_t *v, const char *path, rs_error *err)
{
    if (!json_is_array(v))
        return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                            "config key 'sources': expected an array of mappings "
                            "(docs/loading.md, \"The mapping language\")");
    size_t i;
    json_t *spec;
    json_array_foreach(v, i, spec)
    {
        char where[600];
        mapping *m = NULL;
        snprintf(where, sizeof where, "%s: sources[%zu]", path, i);
        int rc = mapping_compile(spec, where, &m, err);
        if (rc == RS_OK && mapping_file_globs(m) == 0)
            rc = rs_error_set(err, RS_E_CONFIG, NULL, 0, 0,
                              "%s: files: missing: the names of the files this mapping reads "
                              "(globs such as \"logins_*.csv\")",
                              where);
        mapping_free(m);
        if (rc != RS_OK)
            return rc;
    }
    json_decref(c->sources);
    c->sources = json_deep_copy(v);
    free(c->config_path);
    c->config_path = xstrdup(path);
    return RS_OK;
}

/* "null_values": ["?", "unknown", ...]: placeholders read as blank besides
 * the built-in ones (table_null_like); each a non-empty string of at most 64
 * bytes, compared exactly. Replaces an earlier list. */
static int load_null_values(rs_config *c, json_t *v, const char *path, rs_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > 256)
        return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                            "config key 'null_values': expected an array of at most 256 strings");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e) || json_string_length(e) == 0 || json_string_length(e) > 64 ||
            strlen(json_string_value(e)) != json_string_length(e))
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                "config key 'null_values': element %zu is not a non-empty string "
                                "of at most 64 bytes",
                                i);
    }
    for (size_t k = 0; k < c->nnull_values; k++)
        free(c->null_values[k]);
    free(c->null_values);
    c->nnull_values = json_array_size(v);
    c->null_values = c->nnull_values ? xcalloc(c->nnull_values, sizeof *c->null_values) : NULL;
    json_array_foreach(v, i, e) c->null_values[i] = xstrdup(json_string_value(e));
    return RS_OK;
}

/* "limits": {"max_input_bytes": N, "max_gzip_ratio": X, "max_record_bytes": N,
 * "max_memory": N}; sizes are byte counts or strings such as "64G". */
static int load_limits(rs_limits *l, json_t *v, const char *path, rs_error *err)
{
    if (!json_is_object(v))
        return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                            "config key 'limits': expected an object");
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        uint64_t *dst = !strcmp(k, "max_input_bytes")    ? &l->max_input_bytes
                        : !strcmp(k, "max_record_bytes") ? &l->max_record_bytes
                        : !strcmp(k, "max_memory")       ? &l->max_memory
                                                         : NULL;
        if (!strcmp(k, "max_gzip_ratio")) {
            if (!json_is_number(x) || json_number_value(x) < 1)
                return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                    "config key 'limits.%s': expected a number >= 1", k);
            l->max_gzip_ratio = json_number_value(x);
        } else if (!dst) {
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0, "unknown config key 'limits.%s'", k);
        } else if (dst == &l->max_memory && json_is_null(x)) {
            *dst = 0; /* the default: from the machine */
        } else if (json_is_integer(x) && json_integer_value(x) > 0) {
            *dst = (uint64_t)json_integer_value(x);
        } else if (!json_is_string(x) || size_parse(json_string_value(x), dst) || !*dst) {
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                "config key 'limits.%s': expected a positive byte count or a "
                                "size such as \"64G\"",
                                k);
        }
    }
    return RS_OK;
}

/* "detect": {name: number, ..., "remote_ports": [..], "anon_asns": [..]} */
static int load_detect(detect_params *d, json_t *v, const char *path, rs_error *err)
{
    if (!json_is_object(v))
        return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                            "config key 'detect': expected an object");
    size_t n;
    const detect_param_desc *tab = detect_param_table(&n);
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        if (!strcmp(k, "high_risk_countries")) {
            if (!json_is_array(x) || json_array_size(x) > DETECT_MAX_LIST)
                return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                    "config key 'detect.%s': expected an array of at most %d "
                                    "country codes",
                                    k, DETECT_MAX_LIST);
            size_t i;
            json_t *e;
            json_array_foreach(x, i, e)
            {
                const char *s = json_string_value(e);
                if (!s || strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
                    return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                        "config key 'detect.%s': element %zu is not an upper-case "
                                        "ISO 3166-1 alpha-2 code",
                                        k, i);
                memcpy(d->high_risk[i], s, 3);
            }
            d->n_high_risk = json_array_size(x);
            continue;
        }
        if (!strcmp(k, "remote_ports") || !strcmp(k, "anon_asns")) {
            int ports = !strcmp(k, "remote_ports");
            uint32_t *list = ports ? d->remote_ports : d->anon_asns;
            size_t *count = ports ? &d->n_remote_ports : &d->n_anon_asns;
            if (!json_is_array(x) || json_array_size(x) > DETECT_MAX_LIST)
                return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                    "config key 'detect.%s': expected an array of at most %d "
                                    "integers",
                                    k, DETECT_MAX_LIST);
            size_t i;
            json_t *e;
            json_array_foreach(x, i, e)
            {
                json_int_t iv = json_is_integer(e) ? json_integer_value(e) : -1;
                if (iv < 0 || iv > (ports ? 65535 : 4294967295LL))
                    return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                        "config key 'detect.%s': element %zu out of range", k, i);
                list[i] = (uint32_t)iv;
            }
            *count = json_array_size(x);
            continue;
        }
        const detect_param_desc *pd = NULL;
        for (size_t i = 0; i < n && !pd; i++)
            if (!strcmp(tab[i].name, k))
                pd = &tab[i];
        if (!pd)
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0, "unknown config key 'detect.%s'", k);
        if (!json_is_number(x) || json_number_value(x) < pd->min || json_number_value(x) > pd->max)
            return rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                "config key 'detect.%s': expected a number in [%g, %g]", k, pd->min,
                                pd->max);
        double val = json_number_value(x);
        memcpy((char *)d + pd->offset, &val, sizeof val);
    }
    return RS_OK;
}

void config_free(rs_config *c)
{
    for (int i = 0; i < 3; i++)
        free(c->geoip_path[i]);
    for (size_t i = 0; i < 2 * c->ncolumns; i++)
        free(c->column_strs[i]);
    for (size_t i = 0; i < c->ncolumns; i++)
        free(c->column_given[i]);
    free(c->column_given);
    json_decref(c->sources);
    free(c->config_path);
    free(c->column_strs);
    free(c->columns);
    for (size_t i = 0; i < c->nnull_values; i++)
        free(c->null_values[i]);
    free(c->null_values);
    memset(c, 0, sizeof *c);
}

static const char *const geoip_keys[3] = {"city", "asn", "anonymous_ip"};

static int bad(rs_error *err, const char *path, const char *key, const char *what)
{
    return rs_error_set(err, RS_E_CONFIG, path, 0, 0, "config key '%s': %s", key, what);
}

static int get_uint(json_t *v, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int config_load(rs_config *c, const char *path, rs_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    int rc = RS_OK;
    if (!root)
        return rs_error_set(err, RS_E_CONFIG, path, je.line, je.column, "invalid JSON: %s",
                            je.text);
    if (!json_is_object(root)) {
        rc = rs_error_set(err, RS_E_CONFIG, path, 0, 0, "config must be a JSON object");
        goto cleanup;
    }
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
    {
        if (!strcmp(k, "seed")) {
            if (get_uint(v, &c->seed)) {
                rc = bad(err, path, k, "expected a non-negative integer");
                goto cleanup;
            }
        } else if (!strcmp(k, "max_bad_rows")) {
            if (get_uint(v, &c->max_bad_rows)) {
                rc = bad(err, path, k, "expected a non-negative integer");
                goto cleanup;
            }
        } else if (!strcmp(k, "strict") || !strcmp(k, "full_graph") || !strcmp(k, "graph_bids")) {
            if (!json_is_boolean(v)) {
                rc = bad(err, path, k, "expected true or false");
                goto cleanup;
            }
            *(!strcmp(k, "strict")       ? &c->strict
              : !strcmp(k, "full_graph") ? &c->full_graph
                                         : &c->graph_bids) = json_is_true(v);
        } else if (!strcmp(k, "evidence_min_severity")) {
            if (!json_is_string(v) ||
                findings_severity_parse(json_string_value(v), &c->evidence_min) != 0) {
                rc = bad(err, path, k, "expected \"high\", \"medium\" or \"low\"");
                goto cleanup;
            }
        } else if (!strcmp(k, "columns")) {
            if ((rc = load_columns(c, v, path, err)) != RS_OK)
                goto cleanup;
        } else if (!strcmp(k, "null_values")) {
            if ((rc = load_null_values(c, v, path, err)) != RS_OK)
                goto cleanup;
        } else if (!strcmp(k, "sources")) {
            if ((rc = load_sources(c, v, path, err)) != RS_OK)
                goto cleanup;
        } else if (!strcmp(k, "limits")) {
            if ((rc = load_limits(&c->limits, v, path, err)) != RS_OK)
                goto cleanup;
        } else if (!strcmp(k, "detect")) {
            if ((rc = load_detect(&c->detect, v, path, err)) != RS_OK)
                goto cleanup;
        } else if (!strcmp(k, "geoip")) {
            if (!json_is_object(v)) {
                rc = bad(err, path, k, "expected an object");
                goto cleanup;
            }
            const char *gk;
            json_t *gv;
            json_object_foreach(v, gk, gv)
            {
                int idx = -1;
                for (int i = 0; i < 3; i++)
                    if (!strcmp(gk, geoip_keys[i]))
                        idx = i;
                if (idx >= 0 && (json_is_string(gv) || json_is_null(gv))) {
                    free(c->geoip_path[idx]);
                    c->geoip_path[idx] = json_is_string(gv) ? xstrdup(json_string_value(gv)) : NULL;
                } else if (!strcmp(gk, "search") && json_is_boolean(gv)) {
                    c->geoip_search = json_is_true(gv);
                } else {
                    rc = rs_error_set(err, RS_E_CONFIG, path, 0, 0,
                                      "config key 'geoip.%s': unknown key or wrong type "
                                      "(city/asn/anonymous_ip: path or null; search: boolean)",
                                      gk);
                    goto cleanup;
                }
            }
        } else {
            rc = rs_error_set(err, RS_E_CONFIG, path, 0, 0, "unknown config key '%s'", k);
            goto cleanup;
        }
    }
cleanup:
    json_decref(root);
    return rc;
}

json_t *config_to_json(const rs_config *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "seed", json_integer((json_int_t)c->seed));
    json_object_set_new(o, "max_bad_rows", json_integer((json_int_t)c->max_bad_rows));
    json_object_set_new(o, "strict", json_boolean(c->strict));
    json_object_set_new(o, "full_graph", json_boolean(c->full_graph));
    json_object_set_new(o, "graph_bids", json_boolean(c->graph_bids));
    json_t *g = json_object();
    for (int i = 0; i < 3; i++)
        json_object_set_new(g, geoip_keys[i],
                            c->geoip_path[i] ? jout_string(c->geoip_path[i]) : json_null());
    json_object_set_new(g, "search", json_boolean(c->geoip_search));
    json_object_set_new(o, "geoip", g);
    json_t *d = json_object();
    size_t n;
    const detect_param_desc *tab = detect_param_table(&n);
    detect_params def;
    detect_params_init(&def);
    for (size_t i = 0; i < n; i++) {
        double val, dv;
        memcpy(&val, (const char *)&c->detect + tab[i].offset, sizeof val);
        memcpy(&dv, (const char *)&def + tab[i].offset, sizeof dv);
        if (tab[i].ext && val == dv)
            continue; /* identity parameters left alone keep the digest */
        json_object_set_new(d, tab[i].name, jout_real(val));
    }
    json_t *ports = json_array(), *asns = json_array();
    for (size_t i = 0; i < c->detect.n_remote_ports; i++)
        json_array_append_new(ports, json_integer(c->detect.remote_ports[i]));
    for (size_t i = 0; i < c->detect.n_anon_asns; i++)
        json_array_append_new(asns, json_integer(c->detect.anon_asns[i]));
    json_object_set_new(d, "remote_ports", ports);
    json_object_set_new(d, "anon_asns", asns);
    json_t *hr = json_array();
    for (size_t i = 0; i < c->detect.n_high_risk; i++)
        json_array_append_new(hr, json_string(c->detect.high_risk[i]));
    json_object_set_new(d, "high_risk_countries", hr);
    json_object_set_new(o, "detect", d);
    if (c->ncolumns) { /* only when set: configs without it keep their digest */
        json_t *cols = json_object();
        for (size_t i = 0; i < c->ncolumns; i++) {
            const char *tn = c->columns[i].table ? c->columns[i].table : "*";
            json_t *m = json_object_get(cols, tn);
            if (!m)
                json_object_set_new(cols, tn, m = json_object());
            json_object_set_new(m, c->columns[i].from, json_string(c->columns[i].to));
        }
        json_object_set_new(o, "columns", cols);
    }
    if (c->nnull_values) { /* only when set, as columns */
        json_t *nv = json_array();
        for (size_t i = 0; i < c->nnull_values; i++)
            json_array_append_new(nv, jout_string(c->null_values[i]));
        json_object_set_new(o, "null_values", nv);
    }
    if (c->sources) /* only when set, as columns */
        json_object_set_new(o, "sources", json_deep_copy(c->sources));
    return o;
}
