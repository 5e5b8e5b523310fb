/* fuzz_config.c - libFuzzer harness for the configuration loader
 * (config_load in src/config.h).
 *
 * Input: the bytes of a --config file. Beyond the sanitizers the harness
 * checks that a rejected file comes with an RS_E_CONFIG message (which may
 * hold raw input text: its printer escapes it), and that an accepted one
 * round-trips: the effective configuration (config_to_json and
 * config_limits_json, what run.json records), written as a config file and
 * loaded again, gives the same effective configuration.
 */
#include "tests/fuzz/fuzzutil.h"

#include "src/config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The effective configuration with its limits, as one config file would
 * hold it. Returns a new reference. */
static json_t *effective(const rs_config *c)
{
    json_t *j = config_to_json(c), *lim = config_limits_json(c);
    if (!j || !lim || json_object_set_new(j, "limits", lim) != 0)
        fuzzutil_fail("config_to_json or config_limits_json failed");
    return j;
}

/* Loads the file back from the effective configuration j and compares. */
static void check_round_trip(const char *dir, json_t *j)
{
    char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!text)
        fuzzutil_fail("config_to_json gave a value json_dumps cannot write");
    char *path = fuzzutil_write(dir, "effective.json", text, strlen(text));
    rs_config c2;
    config_init(&c2);
    rs_error err = {0};
    if (config_load(&c2, path, &err) != RS_OK)
        fuzzutil_fail("the effective configuration does not load: %s\n%s", err.msg, text);
    json_t *j2 = effective(&c2);
    if (!json_equal(j, j2)) {
        char *t2 = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
        fuzzutil_fail("loading the effective configuration changes it:\n%s\nbecomes\n%s", text,
                      t2 ? t2 : "(null)");
    }
    json_decref(j2);
    config_free(&c2);
    free(path);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *dir = fuzzutil_tmpdir();
    char *path = fuzzutil_write(dir, "config.json", data, size);
    rs_config c;
    config_init(&c);
    rs_error err = {0};
    int rc = config_load(&c, path, &err);
    if (rc != RS_OK) {
        if (rc != RS_E_CONFIG || err.msg[0] == '\0')
            fuzzutil_fail("config_load returned %d with message '%s'", rc, err.msg);
    } else {
        json_t *j = effective(&c);
        check_round_trip(dir, j);
        json_decref(j);
    }
    config_free(&c);
    free(path);
    fuzzutil_rmtree(dir);
    return 0;
}
