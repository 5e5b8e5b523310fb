/* test_effects.c - the JSON form of a decision's effect: its keys in order,
 * decided_at only on dated effects, and what a string that is not UTF-8
 * does to each kind (the run record has always had it so). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "export/effects.h"

static void dumps_is(const json_t *o, const char *want)
{
    char *s = json_dumps(o, JSON_COMPACT);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void test_effects__keys_in_order(void **state)
{
    (void)state;
    decision d = {SUBJECT_RING, DISPO_BENIGN, "RS-000004", "ana", "", 1772528400000, 2};
    decision_effect e = {&d, 1, "ring RS-000004 not reported"};
    json_t *o = effects_json(&e);
    dumps_is(o, "{\"subject_type\":\"ring\",\"subject_id\":\"RS-000004\",\"decision\":\"benign\","
                "\"analyst\":\"ana\",\"decided_at\":\"2026-03-03T09:00:00Z\",\"effect\":\"ring "
                "RS-000004 not reported\"}");
    json_decref(o);
    decision c = {SUBJECT_ACCOUNT, DISPO_CONFIRMED, "u1", "", "", 0, 3};
    decision_effect u = {&c, 0, "known bad"};
    o = effects_json(&u);
    dumps_is(o, "{\"subject_type\":\"account\",\"subject_id\":\"u1\",\"decision\":\"confirmed\","
                "\"analyst\":\"\",\"effect\":\"known bad\"}");
    json_decref(o);
}

static void test_effects__not_utf8(void **state)
{
    (void)state;
    decision d = {SUBJECT_ACCOUNT, DISPO_BENIGN, "u1", "\xff", "", 0, 2};
    decision_effect dated = {&d, 1, "cleared"};
    decision_effect undated = {&d, 0, "cleared"};
    json_t *o = effects_json(&dated);
    assert_null(json_object_get(o, "analyst"));
    assert_string_equal(json_string_value(json_object_get(o, "effect")), "cleared");
    json_decref(o);
    assert_null(effects_json(&undated));
    decision_effects all = {(decision_effect[]){undated, dated}, 2, 2};
    json_t *arr = json_array();
    effects_append(arr, &all);
    assert_int_equal(json_array_size(arr), 1);
    json_decref(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_effects__keys_in_order),
        cmocka_unit_test(test_effects__not_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
