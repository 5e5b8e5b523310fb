/* config.c - see config.h. */
#include "src/config.h"

#include "export/jsonout.h"

#include <stdlib.h>
#include <string.h>

void config_init(rs_config *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->max_bad_rows = 1000;
    c->geoip_search = 1;
    c->full_graph = 1;
}

void config_free(rs_config *c)
{
    for (int i = 0; i < 3; i++)
        free(c->geoip_path[i]);
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
        } else if (!strcmp(k, "strict") || !strcmp(k, "full_graph")) {
            if (!json_is_boolean(v)) {
                rc = bad(err, path, k, "expected true or false");
                goto cleanup;
            }
            *(!strcmp(k, "strict") ? &c->strict : &c->full_graph) = json_is_true(v);
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
    json_t *g = json_object();
    for (int i = 0; i < 3; i++)
        json_object_set_new(g, geoip_keys[i],
                            c->geoip_path[i] ? jout_string(c->geoip_path[i]) : json_null());
    json_object_set_new(g, "search", json_boolean(c->geoip_search));
    json_object_set_new(o, "geoip", g);
    return o;
}
