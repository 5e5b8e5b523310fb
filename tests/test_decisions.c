/* test_decisions.c - what decisions do to detection: an allowlisted device
 * links nobody; a confirmed account raises its ties' risk by the strength of
 * the tie (a device two share more than an IP forty share), one hop only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/decisions.h"
#include "algorithms/resindex.h"

static void login(rs_graph *g, uint32_t a, uint32_t ip, uint32_t dev)
{
    login_ev e = {.ts = 1, .account = a, .ip = ip, .device = dev, .session_s = -1};
    graph_add_login(g, &e);
}

static uint32_t ipn(rs_graph *g, int n)
{
    ipaddr ip;
    char s[32];
    snprintf(s, sizeof s, "10.0.%d.%d", n / 256, n % 256);
    assert_int_equal(ipaddr_parse(s, strlen(s), &ip, NULL), 0);
    return graph_ip(g, &ip);
}

static decision dec(subject_type t, disposition d, const char *id)
{
    return (decision){t, d, strdup(id), strdup(""), strdup(""), 0, 1};
}

static void test_decisions__allowlisted_links_nobody(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, SEEN_AS_FREELANCER);
    uint32_t b = graph_account(g, "b", 1, SEEN_AS_FREELANCER);
    uint32_t dev = graph_device(g, "shared-desk", 11);
    login(g, a, ipn(g, 1), dev);
    login(g, b, ipn(g, 2), dev);
    graph_finalize(g);
    res_index ix;
    resindex_build(&ix, g, NODE_DEVICE);
    assert_int_equal(resindex_degree(&ix, dev), 2);
    resindex_free(&ix);
    decision_set d = {0};
    d.v = calloc(2, sizeof *d.v);
    d.v[d.n++] = dec(SUBJECT_DEVICE, DISPO_ALLOWLISTED, "shared-desk");
    d.v[d.n++] = dec(SUBJECT_DEVICE, DISPO_ALLOWLISTED, "not-in-this-run");
    decisions_finish(&d);
    assert_int_equal(decisions_allowlist(g, &d), 1);
    resindex_build(&ix, g, NODE_DEVICE);
    assert_int_equal(resindex_degree(&ix, dev), 0);
    resindex_free(&ix);
    decisions_free(&d);
    graph_free(g);
}

static void test_decisions__confirmed_ties(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t bad = graph_account(g, "bad", 3, SEEN_AS_FREELANCER);
    uint32_t dev_mate = graph_account(g, "devmate", 7, SEEN_AS_FREELANCER);
    uint32_t ip_mate = graph_account(g, "ipmate", 6, SEEN_AS_FREELANCER);
    uint32_t far = graph_account(g, "far", 3, SEEN_AS_FREELANCER);
    uint32_t dev = graph_device(g, "laptop", 6);
    uint32_t pool = ipn(g, 1);
    login(g, bad, pool, dev);
    login(g, dev_mate, ipn(g, 2), dev);
    login(g, ip_mate, pool, GRAPH_NONE);
    /* 38 more on the pool IP: a weak tie */
    for (int i = 0; i < 38; i++) {
        char id[32];
        snprintf(id, sizeof id, "crowd%d", i);
        login(g, graph_account(g, id, strlen(id), SEEN_AS_FREELANCER), pool, GRAPH_NONE);
    }
    login(g, far, ipn(g, 3), GRAPH_NONE); /* tied to nobody */
    graph_finalize(g);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    findings f;
    memset(&f, 0, sizeof f);
    f.risk = calloc(na, sizeof *f.risk);
    f.flagged = calloc(na, 1);
    for (uint32_t k = 0; k < na; k++)
        f.risk[k] = 0.2;
    decision_set d = {0};
    d.v = calloc(1, sizeof *d.v);
    d.v[d.n++] = dec(SUBJECT_ACCOUNT, DISPO_CONFIRMED, "bad");
    size_t raised = decisions_confirmed(g, &f, &d, 0.5);
    assert_int_equal(raised, 40); /* devmate, ipmate and the crowd of 38 */
    assert_true(f.risk[bad] == 1.0 && f.flagged[bad]);
    /* a device two use: s = 1, risk 0.2 + 0.8 * 0.5 */
    assert_true(fabs(f.risk[dev_mate] - 0.6) < 1e-9);
    assert_true(f.flagged[dev_mate]);
    /* an IP 40 use: s = 0.5 / 39 */
    assert_true(fabs(f.risk[ip_mate] - (0.2 + 0.8 * 0.5 * 0.5 / 39)) < 1e-9);
    assert_false(f.flagged[ip_mate]);
    assert_true(fabs(f.risk[far] - 0.2) < 1e-12); /* no tie */
    assert_true(fabs(f.hist.risk_before[dev_mate] - 0.2) < 1e-12);
    decisions_free(&d);
    findings_free(&f);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions__allowlisted_links_nobody),
        cmocka_unit_test(test_decisions__confirmed_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
