/* test_findings.c - the rating episodes evidence selection reads: bursts by
 * client and window, lockstep pairs, after sorting and deduplication; the
 * severity names and which rings get an evidence package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/findings.h"

static void add_burst(rating_episodes *e, uint32_t c, int64_t t0, int64_t t1)
{
    e->bursts = realloc(e->bursts, (e->nbursts + 1) * sizeof *e->bursts);
    assert_non_null(e->bursts);
    e->bursts[e->nbursts++] = (rating_burst){c, t0, t1};
}

static void add_pair(rating_episodes *e, uint32_t c, uint32_t f)
{
    e->lockstep = realloc(e->lockstep, (e->nlockstep + 1) * sizeof *e->lockstep);
    assert_non_null(e->lockstep);
    e->lockstep[e->nlockstep++] = (uint64_t)c << 32 | f;
}

static void test_findings__bursts_by_client_and_window(void **state)
{
    (void)state;
    rating_episodes e = {0};
    add_burst(&e, 7, 5000, 9000);
    add_burst(&e, 3, 100, 200);
    add_burst(&e, 7, 1000, 2000);
    rating_episodes_finish(&e);
    assert_true(rating_episodes_in_burst(&e, 7, 1000));
    assert_true(rating_episodes_in_burst(&e, 7, 2000));
    assert_false(rating_episodes_in_burst(&e, 7, 2001)); /* between its two bursts */
    assert_true(rating_episodes_in_burst(&e, 7, 9000));
    assert_false(rating_episodes_in_burst(&e, 7, 150)); /* another client's window */
    assert_true(rating_episodes_in_burst(&e, 3, 150));
    assert_false(rating_episodes_in_burst(&e, 4, 150)); /* no burst at all */
    free(e.bursts);
}

static void test_findings__lockstep_pairs(void **state)
{
    (void)state;
    rating_episodes e = {0};
    add_pair(&e, 9, 1);
    add_pair(&e, 2, 5);
    add_pair(&e, 9, 1); /* two blocks may share a pair */
    add_pair(&e, 2, 4);
    rating_episodes_finish(&e);
    assert_int_equal(e.nlockstep, 3);
    assert_true(rating_episodes_in_lockstep(&e, 9, 1));
    assert_true(rating_episodes_in_lockstep(&e, 2, 4));
    assert_false(rating_episodes_in_lockstep(&e, 1, 9)); /* direction matters */
    assert_false(rating_episodes_in_lockstep(&e, 2, 1));
    free(e.lockstep);
    rating_episodes none = {0};
    rating_episodes_finish(&none);
    assert_false(rating_episodes_in_lockstep(&none, 2, 4));
    assert_false(rating_episodes_in_burst(&none, 2, 4));
}

static void test_findings__severity_names(void **state)
{
    (void)state;
    ring_severity v = SEVERITY_HIGH;
    assert_int_equal(findings_severity_parse("low", &v), 0);
    assert_int_equal(v, SEVERITY_LOW);
    assert_int_equal(findings_severity_parse("medium", &v), 0);
    assert_int_equal(v, SEVERITY_MEDIUM);
    assert_int_equal(findings_severity_parse("high", &v), 0);
    assert_int_equal(v, SEVERITY_HIGH);
    assert_int_equal(findings_severity_parse("Low", &v), -1); /* names are exact */
    assert_int_equal(findings_severity_parse("", &v), -1);
    assert_int_equal(findings_severity_parse("critical", &v), -1);
    assert_int_equal(v, SEVERITY_HIGH); /* untouched on failure */
}

/* Ranked high, medium, low, low: each threshold packages a prefix. */
static void test_findings__packages_a_prefix(void **state)
{
    (void)state;
    ring rings[4];
    memset(rings, 0, sizeof rings);
    rings[0].severity = SEVERITY_HIGH;
    rings[1].severity = SEVERITY_MEDIUM;
    rings[2].severity = rings[3].severity = SEVERITY_LOW;
    findings f;
    memset(&f, 0, sizeof f);
    f.rings = rings;
    f.nrings = 4;
    assert_int_equal(findings_packaged(&f), 4); /* zeroed findings: every ring, as before */
    findings_limit_packages(&f, SEVERITY_MEDIUM);
    assert_int_equal(f.nunpackaged, 2);
    assert_int_equal(findings_packaged(&f), 2);
    assert_true(findings_ring_packaged(&f, 1));
    assert_false(findings_ring_packaged(&f, 2));
    assert_false(findings_ring_packaged(&f, 3));
    findings_limit_packages(&f, SEVERITY_HIGH);
    assert_int_equal(findings_packaged(&f), 1);
    findings_limit_packages(&f, SEVERITY_LOW);
    assert_int_equal(f.nunpackaged, 0);
    assert_true(findings_ring_packaged(&f, 3));
    f.nrings = 0;
    findings_limit_packages(&f, SEVERITY_HIGH);
    assert_int_equal(findings_packaged(&f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_findings__severity_names),
        cmocka_unit_test(test_findings__packages_a_prefix),
        cmocka_unit_test(test_findings__bursts_by_client_and_window),
        cmocka_unit_test(test_findings__lockstep_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
