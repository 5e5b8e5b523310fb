/* test_resindex.c - the index of shared resources: only resources two or more
 * accounts use list them, in account order; an account both paid into and
 * paying from one destination counts once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "algorithms/resindex.h"

static uint32_t ip(rs_graph *g, unsigned n)
{
    ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)n}};
    return graph_ip(g, &x);
}

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = -1};
    graph_add_login(g, &e);
}

static void test_resindex__only_shared_resources_list_users(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0), b = graph_account(g, "b", 1, 0);
    uint32_t c = graph_account(g, "c", 1, 0);
    uint32_t lone = ip(g, 1), pair = ip(g, 2), three = ip(g, 3);
    uint32_t dev = graph_device(g, "d", 1);
    /* Users arrive out of account order and more than once. */
    login(g, c, three, dev, 1);
    login(g, a, lone, GRAPH_NONE, 2);
    login(g, b, pair, dev, 3);
    login(g, a, three, GRAPH_NONE, 4);
    login(g, a, pair, GRAPH_NONE, 5);
    login(g, b, three, GRAPH_NONE, 6);
    login(g, b, pair, dev, 7);
    graph_finalize(g);
    res_index ix;
    resindex_build(&ix, g, NODE_IP);
    assert_int_equal(ix.nres, 3);
    assert_int_equal(resindex_degree(&ix, lone), 0);
    assert_int_equal(resindex_degree(&ix, pair), 2);
    assert_int_equal(resindex_degree(&ix, three), 3);
    assert_int_equal(ix.n, 5);
    const uint32_t *u = ix.acct + ix.off[three];
    assert_true(u[0] == a && u[1] == b && u[2] == c);
    u = ix.acct + ix.off[pair];
    assert_true(u[0] == a && u[1] == b);
    assert_int_equal(
        resindex_member_pos(ix.acct, ix.off[three], ix.off[three + 1], b) - ix.off[three], 1);
    resindex_free(&ix);
    resindex_build(&ix, g, NODE_DEVICE);
    assert_int_equal(resindex_degree(&ix, dev), 2);
    resindex_free(&ix);
    graph_free(g);
}

static void test_resindex__destination_used_both_ways_counts_once(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0), b = graph_account(g, "b", 1, SEEN_AS_CLIENT);
    uint32_t own = graph_dest(g, "own", 3, 1), both = graph_dest(g, "both", 4, 1);
    graph_dest(g, "own", 3, 2);
    graph_dest(g, "both", 4, 2);
    /* a is paid into and pays from "own": one account, not shared. */
    graph_edge_add(g, EDGE_PAYOUT, a, own, 1, 10);
    graph_edge_add(g, EDGE_PAYS_WITH, a, own, 2, 10);
    /* "both": b pays from it and is paid into it, a is paid into it. */
    graph_edge_add(g, EDGE_PAYS_WITH, b, both, 3, 10);
    graph_edge_add(g, EDGE_PAYOUT, a, both, 4, 10);
    graph_edge_add(g, EDGE_PAYOUT, b, both, 5, 10);
    graph_finalize(g);
    res_index ix;
    resindex_build(&ix, g, NODE_DEST);
    assert_int_equal(resindex_degree(&ix, own), 0);
    assert_int_equal(resindex_degree(&ix, both), 2);
    assert_int_equal(ix.n, 2);
    assert_true(ix.acct[ix.off[both]] == a && ix.acct[ix.off[both] + 1] == b);
    resindex_free(&ix);
    graph_free(g);
}

static void test_resindex__empty_graph(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    graph_finalize(g);
    res_index ix;
    resindex_build(&ix, g, NODE_IP);
    assert_int_equal(ix.nres, 0);
    assert_int_equal(ix.n, 0);
    assert_non_null(ix.acct);
    resindex_free(&ix);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resindex__only_shared_resources_list_users),
        cmocka_unit_test(test_resindex__destination_used_both_ways_counts_once),
        cmocka_unit_test(test_resindex__empty_graph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
