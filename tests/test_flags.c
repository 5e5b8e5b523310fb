/* test_flags.c - the red-flag vocabulary: names, meanings and source tables
 * for every code, text in code order and truncated only at a name, node
 * roles in a ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/findings.h"

static void test_flags__vocabulary(void **state)
{
    (void)state;
    for (int f = 0; f < FLAG_COUNT; f++) {
        const char *n = flags_name((flag_code)f);
        assert_true(strlen(n) > 3);
        for (const char *c = n; *c; c++) /* written into CSV and HTML unescaped */
            assert_true((*c >= 'A' && *c <= 'Z') || *c == '_');
        if (f == FLAG_RING_MEMBER) {
            assert_int_equal(flags_table((flag_code)f), -1);
            continue;
        }
        assert_true(strlen(flags_meaning((flag_code)f)) > 10);
        int t = flags_table((flag_code)f);
        assert_true(t >= 0 && t < TABLE_COUNT);
    }
    assert_string_equal(flags_name(FLAG_COUNT), "?");
    assert_int_equal(flags_table(FLAG_GEO_HOP), TABLE_LOGINS);
    assert_int_equal(flags_table(FLAG_HIGH_RISK_PAYOUT), TABLE_PAYOUTS);
}

static void test_flags__text(void **state)
{
    (void)state;
    acct_flags a;
    memset(&a, 0, sizeof a);
    char buf[FLAGS_TEXT_MAX];
    flags_text(&a, buf, sizeof buf);
    assert_string_equal(buf, "");
    flags_raise(&a, FLAG_SELF_DEALING, 2);
    flags_raise(&a, FLAG_GEO_HOP, 1);
    flags_raise(&a, FLAG_GEO_HOP, 3);
    assert_true(flags_has(&a, FLAG_GEO_HOP));
    assert_false(flags_has(&a, FLAG_SHARED_IP));
    assert_int_equal(a.evidence[FLAG_GEO_HOP], 4);
    flags_text(&a, buf, sizeof buf);
    assert_string_equal(buf, "GEO_HOP;SELF_DEALING");
    for (int f = 0; f < FLAG_COUNT; f++)
        flags_raise(&a, (flag_code)f, 1);
    flags_text(&a, buf, sizeof buf); /* every flag fits */
    assert_non_null(strstr(buf, ";RING_MEMBER"));
    char small[12];
    flags_text(&a, small, sizeof small);
    assert_string_equal(small, "GEO_HOP");
}

static void test_flags__roles(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t m = graph_account(g, "m", 1, SEEN_AS_FREELANCER);
    uint32_t s = graph_account(g, "s", 1, SEEN_AS_CLIENT);
    uint32_t o = graph_account(g, "o", 1, SEEN_AS_FREELANCER);
    uint32_t d = graph_device(g, "d", 1);
    graph_finalize(g);
    int32_t ring_of[3] = {0, 0, -1};
    findings f;
    memset(&f, 0, sizeof f);
    f.ring_of = ring_of;
    assert_int_equal(findings_node_role(g, &f, 0, graph_node_gid(g, NODE_ACCOUNT, m)),
                     ROLE_IN_RING_MEMBER);
    assert_int_equal(findings_node_role(g, &f, 0, graph_node_gid(g, NODE_ACCOUNT, s)),
                     ROLE_IN_RING_SHILL);
    assert_int_equal(findings_node_role(g, &f, 0, graph_node_gid(g, NODE_ACCOUNT, o)),
                     ROLE_IN_RING_COUNTERPARTY);
    assert_int_equal(findings_node_role(g, &f, 1, graph_node_gid(g, NODE_ACCOUNT, m)),
                     ROLE_IN_RING_COUNTERPARTY);
    assert_int_equal(findings_node_role(g, &f, 0, graph_node_gid(g, NODE_DEVICE, d)),
                     ROLE_IN_RING_RESOURCE);
    assert_string_equal(findings_role_name(ROLE_IN_RING_SHILL), "shill");
    assert_string_equal(findings_role_name(ROLE_IN_RING_NONE), "");
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags__vocabulary),
        cmocka_unit_test(test_flags__text),
        cmocka_unit_test(test_flags__roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
