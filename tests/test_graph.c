/* test_graph.c - entity interning, edge aggregation (by keys and by ids), roles,
 * timeline sorting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph.h"
#include "base/ts.h"

static ipaddr ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    ipaddr ip = {.len = 4, .b = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d}};
    return ip;
}

/* A login by its strings, its keys hashed here as a loader does. */
static void add_login_str(rs_graph *g, login_ev *e, const char *acct, size_t an, const ipaddr *ip,
                          const char *dev, size_t dn)
{
    graph_keys k = {.n = 0};
    graph_keys_login(&k, acct, an, ip, dev, dn, 0);
    graph_add_login_keys(g, e, acct, an, ip, dev, dn, &k);
}

static void test_graph__edges_aggregate_per_pair_and_kind(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0);
    ipaddr x = ip4(1, 2, 3, 4);
    uint32_t ip = graph_ip(g, &x);
    uint32_t dev = graph_device(g, "d", 1);
    for (int i = 0; i < 5; i++) {
        login_ev e = {.ts = 1000 * (5 - i), .account = a, .ip = ip, .device = dev, .session_s = -1};
        graph_add_login(g, &e);
    }
    assert_int_equal(g->nedges, 2);
    const rs_edge *e = &g->edges[0];
    assert_int_equal(e->kind, EDGE_LOGIN);
    assert_int_equal(e->count, 5);
    assert_int_equal(e->first, 1000);
    assert_int_equal(e->last, 5000);
    assert_int_equal(g->edges[1].kind, EDGE_USES_DEVICE);
    /* Same ids, other kind: a separate edge. */
    uint32_t d = graph_dest(g, "d", 1, 1);
    assert_int_equal(d, ip);
    graph_edge_add(g, EDGE_PAYOUT, a, d, 1, 2.5);
    graph_edge_add(g, EDGE_PAYOUT, a, d, 2, 4.0);
    assert_int_equal(g->nedges, 3);
    /* Sums: kept for payouts, none for logins and devices (no slot spent). */
    assert_true(graph_edge_sum(g, &g->edges[2]) == 6.5);
    assert_true(graph_edge_sum(g, &g->edges[0]) == 0.0);
    assert_true(graph_edge_sum(g, &g->edges[1]) == 0.0);
    assert_int_equal(g->nedge_sum, 2); /* [0], the sum of edges without one, and the payout */
    /* A bid's value (accepted) is no sum; a charge's amount is. */
    uint32_t c = graph_account(g, "c", 1, 0);
    graph_edge_add(g, EDGE_BID, a, c, 3, 1);
    graph_edge_add(g, EDGE_CHARGE, c, a, 4, -1.25);
    assert_int_equal(g->nedges, 5);
    assert_true(graph_edge_sum(g, &g->edges[3]) == 0.0);
    assert_true(graph_edge_sum(g, &g->edges[4]) == -1.25);
    assert_int_equal(g->edges[4].kind, EDGE_CHARGE);
    assert_int_equal(g->nedge_sum, 3);
    graph_free(g);
}

static void test_graph__many_edges_survive_rehash(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    char id[16];
    for (uint32_t i = 0; i < 50000; i++) {
        int n = snprintf(id, sizeof id, "u%u", i);
        assert_int_equal(graph_account(g, id, (size_t)n, 0), i);
    }
    for (uint32_t i = 0; i < 50000; i++)
        graph_edge_add(g, EDGE_RATING, i % 1000, i, i, 4.0);
    for (uint32_t i = 0; i < 50000; i++)
        graph_edge_add(g, EDGE_RATING, i % 1000, i, i + 7, 5.0);
    assert_int_equal(g->nedges, 50000);
    for (size_t k = 0; k < g->nedges; k += 999) {
        assert_int_equal(g->edges[k].count, 2);
        assert_true(graph_edge_sum(g, &g->edges[k]) == 9.0);
    }
    graph_free(g);
}

static void test_graph__ipv4_mapped_is_one_node(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    ipaddr a, b;
    rs_error why;
    assert_int_equal(ipaddr_parse("10.0.0.1", 8, &a, &why), 0);
    assert_int_equal(ipaddr_parse("::ffff:10.0.0.1", 15, &b, &why), 0);
    assert_int_equal(graph_ip(g, &a), graph_ip(g, &b));
    char buf[IPADDR_STRLEN];
    assert_string_equal(graph_label(g, NODE_IP, 0, buf), "10.0.0.1");
    graph_free(g);
}

static void test_graph__roles_resolved_at_finalize(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t listed = graph_account(g, "L", 1, SEEN_AS_CLIENT);
    g->acct[listed].role = ROLE_FREELANCER; /* accounts table wins */
    uint32_t c = graph_account(g, "C", 1, SEEN_AS_CLIENT);
    uint32_t both = graph_account(g, "B", 1, SEEN_AS_CLIENT | SEEN_AS_FREELANCER);
    uint32_t none = graph_account(g, "N", 1, 0);
    graph_finalize(g);
    assert_int_equal(graph_account_type(g, listed), NODE_ACCOUNT);
    assert_int_equal(graph_account_type(g, c), NODE_CLIENT);
    assert_int_equal(graph_account_type(g, both), NODE_ACCOUNT);
    assert_int_equal(graph_account_type(g, none), NODE_ACCOUNT);
    graph_free(g);
}

static void test_graph__timelines_sorted_by_entity_then_time(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0), b = graph_account(g, "b", 1, 0);
    ipaddr x = ip4(1, 1, 1, 1);
    uint32_t ip = graph_ip(g, &x);
    const int64_t ts[] = {50, 10, 40, 20, 30};
    const uint32_t who[] = {b, a, b, a, a};
    for (int i = 0; i < 5; i++) {
        login_ev e = {
            .ts = ts[i], .account = who[i], .ip = ip, .device = GRAPH_NONE, .session_s = -1};
        graph_add_login(g, &e);
    }
    graph_finalize(g);
    assert_int_equal(g->login_off[a], 0);
    assert_int_equal(g->login_off[b], 3);
    assert_int_equal(g->login_off[2], 5);
    const int64_t want[] = {10, 20, 30, 40, 50};
    for (int i = 0; i < 5; i++)
        assert_int_equal(g->logins.v[i].ts, want[i]);
    graph_free(g);
}

static void test_graph__login_keys_and_edge_find_agree(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    char acct[16], devid[16];
    /* Enough logins for both slot tables to grow several times. */
    for (unsigned i = 0; i < 20000; i++) {
        int an = snprintf(acct, sizeof acct, "u%u", i / 2);
        int dn = snprintf(devid, sizeof devid, "d%u", i / 4);
        ipaddr x = ip4(10, (i >> 16) & 255, (i >> 8) & 255, i & 255);
        login_ev e = {.ts = i, .session_s = -1};
        add_login_str(g, &e, acct, (size_t)an, &x, devid, (size_t)dn);
    }
    assert_int_equal(graph_count(g, NODE_ACCOUNT), 10000);
    assert_int_equal(g->nedges, 20000 + 10000);
    /* A login recorded by ids reaches the edge its keys made. */
    login_ev e = g->logins.v[123];
    e.ts = 1000000;
    graph_add_login(g, &e);
    assert_int_equal(g->nedges, 30000);
    const rs_edge *le = graph_edge_find(g, EDGE_LOGIN, e.account, e.ip);
    assert_non_null(le);
    assert_int_equal(le->count, 2);
    assert_int_equal(le->last, 1000000);
    for (size_t i = 0; i < g->logins.n; i += 97) {
        const login_ev *l = &g->logins.v[i];
        assert_non_null(graph_edge_find(g, EDGE_LOGIN, l->account, l->ip));
        assert_non_null(graph_edge_find(g, EDGE_USES_DEVICE, l->account, l->device));
        assert_null(graph_edge_find(g, EDGE_USES_DEVICE, l->account, l->device + 3000));
    }
    graph_free(g);
}

/* Edges added with the keys' hashes are the edges lookups by id find. */
static void test_graph__keyed_adds_match_lookups(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    char fl[16], cl[16], acct[16];
    for (unsigned i = 0; i < 5000; i++) {
        int fn = snprintf(fl, sizeof fl, "f%u", i % 700);
        int cn = snprintf(cl, sizeof cl, "c%u", i % 300);
        graph_keys k = {.n = 0};
        uint64_t hf = graph_keys_node(&k, NODE_ACCOUNT, fl, (size_t)fn, 1);
        uint64_t hc = graph_keys_node(&k, NODE_ACCOUNT, cl, (size_t)cn, 1);
        graph_keys_edge(&k, EDGE_BID, hf, hc);
        uint32_t f = graph_account_h(g, fl, (size_t)fn, k.h[0], SEEN_AS_FREELANCER);
        uint32_t c = graph_account_h(g, cl, (size_t)cn, k.h[1], SEEN_AS_CLIENT);
        bid_ev b = {.ts = i, .freelancer = f, .client = c, .project = GRAPH_NONE, .accepted = 1};
        graph_add_bid_h(g, &b, k.h[2]);
        int an = snprintf(acct, sizeof acct, "f%u", i % 900);
        ipaddr x = ip4(10, 1, (i >> 8) & 255, i & 255);
        graph_keys lk = {.n = 0};
        graph_keys_login(&lk, acct, (size_t)an, &x, i % 2 ? "dv" : NULL, 2, 1);
        login_ev e = {.ts = i, .session_s = -1};
        graph_add_login_keys(g, &e, acct, (size_t)an, &x, i % 2 ? "dv" : NULL, 2, &lk);
    }
    assert_int_equal(g->bids.n, 5000);
    for (size_t i = 0; i < g->bids.n; i += 13) {
        const bid_ev *b = &g->bids.v[i];
        const rs_edge *e = graph_edge_find(g, EDGE_BID, b->freelancer, b->client);
        assert_non_null(e);
        assert_true(e->count >= 1);
    }
    /* Bid pairs repeat every lcm(700, 300) = 2100 bids; 5000 logins from
     * distinct IPs; odd logins' accounts (450 of them) use one device. */
    assert_int_equal(g->nedges, 2100 + 5000 + 450);
    for (size_t i = 0; i < g->logins.n; i += 11) {
        const login_ev *l = &g->logins.v[i];
        assert_non_null(graph_edge_find(g, EDGE_LOGIN, l->account, l->ip));
        if (l->device != GRAPH_NONE)
            assert_non_null(graph_edge_find(g, EDGE_USES_DEVICE, l->account, l->device));
    }
    graph_free(g);
}

/* Ratings, payouts and charges added with their keys' hashes reach the
 * edges that the same events added by ids reach, and that lookups find. */
static void test_graph__keyed_valued_adds_match_ids(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    char cl[16], fl[16], dst[16];
    for (unsigned i = 0; i < 4000; i++) {
        int cn = snprintf(cl, sizeof cl, "c%u", i % 300);
        int fn = snprintf(fl, sizeof fl, "f%u", i % 700);
        int dn = snprintf(dst, sizeof dst, "w%u", i % 500);
        graph_keys k = {.n = 0};
        uint64_t hc = graph_keys_node(&k, NODE_ACCOUNT, cl, (size_t)cn, 1);
        uint64_t hf = graph_keys_node(&k, NODE_ACCOUNT, fl, (size_t)fn, 1);
        uint64_t hd = graph_keys_node(&k, NODE_DEST, dst, (size_t)dn, 1);
        graph_keys_edge(&k, EDGE_RATING, hc, hf);
        graph_keys_edge(&k, EDGE_CHARGE, hc, hf);
        graph_keys_edge(&k, EDGE_PAYS_WITH, hc, hd);
        uint32_t c = graph_account_h(g, cl, (size_t)cn, k.h[0], SEEN_AS_CLIENT);
        uint32_t f = graph_account_h(g, fl, (size_t)fn, k.h[1], SEEN_AS_FREELANCER);
        uint32_t d = graph_dest_h(g, dst, (size_t)dn, k.h[2], 1);
        rating_ev r = {.ts = i, .client = c, .freelancer = f, .stars = 5, .project = GRAPH_NONE};
        charge_ev ch = {.ts = i,
                        .amount = 10,
                        .client = c,
                        .freelancer = f,
                        .instrument = i % 2 ? d : GRAPH_NONE,
                        .currency = GRAPH_NONE};
        graph_add_rating_h(g, &r, k.h[3]);
        graph_add_charge_h(g, &ch, k.h[4], k.h[5]);
        graph_keys pk = {.n = 0};
        uint64_t ha = graph_keys_node(&pk, NODE_ACCOUNT, fl, (size_t)fn, 1);
        graph_keys_edge(&pk, EDGE_PAYOUT, ha, hd);
        payout_ev p = {.ts = i,
                       .amount = 1,
                       .account = f,
                       .dest = d,
                       .currency = GRAPH_NONE,
                       .method = GRAPH_NONE};
        graph_add_payout_h(g, &p, pk.h[1]);
    }
    size_t nedges = g->nedges;
    /* Pairs repeat every lcm(300, 700) = 2100 events; destinations every
     * lcm(700, 500) = 3500 payouts and lcm(300, 500) = 1500 charges. */
    assert_int_equal(nedges, 2 * 2100 + 3500 + 750);
    assert_int_equal(graph_count(g, NODE_DEST), 500);
    for (size_t i = 0; i < g->ratings.n; i += 7) {
        rating_ev r = g->ratings.v[i];
        charge_ev ch = g->charges.v[i];
        payout_ev p = g->payouts.v[i];
        const rs_edge *re = graph_edge_find(g, EDGE_RATING, r.client, r.freelancer);
        assert_non_null(re);
        uint32_t before = re->count;
        graph_add_rating(g, &r);
        assert_int_equal(re->count, before + 1);
        graph_add_charge(g, &ch);
        graph_add_payout(g, &p);
        assert_non_null(graph_edge_find(g, EDGE_PAYOUT, p.account, p.dest));
        if (ch.instrument != GRAPH_NONE)
            assert_non_null(graph_edge_find(g, EDGE_PAYS_WITH, ch.client, ch.instrument));
    }
    assert_int_equal(g->nedges, nedges); /* by ids: no new edge */
    graph_free(g);
}

/* Prefetching a row's keys, present or not, before or after finalize,
 * changes nothing. */
static void test_graph__prefetch_changes_nothing(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    char acct[16];
    for (unsigned i = 0; i < 3000; i++) {
        int an = snprintf(acct, sizeof acct, "u%u", i);
        ipaddr x = ip4(10, 0, (i >> 8) & 255, i & 255);
        login_ev e = {.ts = i, .session_s = -1};
        add_login_str(g, &e, acct, (size_t)an, &x, "d", 1);
    }
    size_t nedges = g->nedges;
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 6000; i += 7) {
            int an = snprintf(acct, sizeof acct, "u%u", i);
            ipaddr x = ip4(10, 0, (i >> 8) & 255, i & 255);
            graph_keys k = {0};
            uint64_t ha = graph_keys_node(&k, NODE_ACCOUNT, acct, (size_t)an, 1);
            uint64_t hi = graph_keys_node(&k, NODE_IP, (const char *)x.b, x.len, 1);
            graph_keys_edge(&k, EDGE_LOGIN, ha, hi);
            graph_keys_edge(&k, EDGE_PAYOUT, ha, graph_keys_node(&k, NODE_DEST, "b", 1, 1));
            graph_keys_edge(&k, EDGE_USES_DEVICE, ha, graph_keys_node(&k, NODE_DEVICE, "d", 1, 1));
            assert_int_equal(k.n, GRAPH_KEYS_MAX); /* the last edge did not fit */
            for (int step = 0; step < GRAPH_PREFETCH_STEPS; step++)
                graph_prefetch(g, &k, step);
        }
        assert_int_equal(graph_count(g, NODE_ACCOUNT), 3000);
        assert_int_equal(graph_count(g, NODE_DEST), 0);
        assert_int_equal(g->nedges, nedges);
        graph_finalize(g); /* the edge index is gone: prefetching skips edges */
    }
    graph_free(g);
}

static void test_graph__grouped_timeline_and_empty_offsets(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0), b = graph_account(g, "b", 1, 0);
    ipaddr x = ip4(1, 1, 1, 1);
    uint32_t ip = graph_ip(g, &x);
    /* Already grouped by account, not by time within it. */
    const int64_t ts[] = {30, 10, 20, 50, 40};
    const uint32_t who[] = {a, a, a, b, b};
    for (int i = 0; i < 5; i++) {
        login_ev e = {
            .ts = ts[i], .account = who[i], .ip = ip, .device = GRAPH_NONE, .session_s = -1};
        graph_add_login(g, &e);
    }
    graph_finalize(g);
    assert_int_equal(g->login_off[a], 0);
    assert_int_equal(g->login_off[b], 3);
    assert_int_equal(g->login_off[2], 5);
    const int64_t want[] = {10, 20, 30, 40, 50};
    for (int i = 0; i < 5; i++)
        assert_int_equal(g->logins.v[i].ts, want[i]);
    /* Tables without events: every entity's run is empty. */
    for (uint32_t k = 0; k <= 2; k++) {
        assert_int_equal(g->rating_off[k], 0);
        assert_int_equal(g->bid_off[k], 0);
        assert_int_equal(g->payout_off[k], 0);
        assert_int_equal(g->charge_off[k], 0);
    }
    graph_free(g);
}

/* Reference order of the logins' sort: account, then every field. */
static int login_ref_cmp(const void *pa, const void *pb)
{
    const login_ev *a = pa, *b = pb;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->ip != b->ip)
        return a->ip < b->ip ? -1 : 1;
    if (a->device != b->device)
        return a->device < b->device ? -1 : 1;
    return (a->session_s > b->session_s) - (a->session_s < b->session_s);
}

/* A timeline large enough for the sort's interleaved walks, in a scrambled
 * order with ties on time: moved in place, it equals a plain sort of a copy,
 * whether the logins are sorted on a second thread or not. */
static void test_graph__large_scrambled_timeline_sorted_in_place(void **state)
{
    (void)state;
    enum { N = 20000, ACCTS = 300 };
    login_ev *ref = calloc(N, sizeof *ref);
    assert_non_null(ref);
    for (int threads = 1; threads <= 2; threads++) {
        rs_graph *g = graph_new();
        char id[16];
        for (int k = 0; k < ACCTS; k++)
            graph_account(g, id, (size_t)snprintf(id, sizeof id, "acct%d", k), 0);
        uint32_t ips[7];
        for (int k = 0; k < 7; k++) {
            ipaddr x = ip4(10, 0, 0, (uint8_t)(k + 1));
            ips[k] = graph_ip(g, &x);
        }
        uint64_t r = 0x9E3779B97F4A7C15ull;
        for (int i = 0; i < N; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            login_ev e = {.ts = (int64_t)(r >> 52), /* 4096 values: ties */
                          .account = (uint32_t)((r >> 20) % ACCTS),
                          .ip = ips[(r >> 40) % 7],
                          .device = GRAPH_NONE,
                          .session_s = (int32_t)((r >> 8) % 5) - 1};
            graph_add_login(g, &e);
            ref[i] = e;
        }
        graph_finalize_threads(g, threads);
        qsort(ref, N, sizeof *ref, login_ref_cmp);
        assert_int_equal(g->logins.n, N);
        for (int i = 0; i < N; i++)
            assert_int_equal(login_ref_cmp(&g->logins.v[i], &ref[i]), 0);
        for (uint32_t a = 0; a < ACCTS; a++)
            for (size_t i = g->login_off[a]; i < g->login_off[a + 1]; i++)
                assert_int_equal(g->logins.v[i].account, a);
        assert_int_equal(g->login_off[ACCTS], N);
        graph_free(g);
    }
    free(ref);
}

/* Finalize frees the edge index; an edge added afterwards rebuilds it, and
 * adds to the existing edge rather than making a second one. */
static void test_graph__edge_added_after_finalize(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, 0);
    ipaddr x = ip4(1, 2, 3, 4);
    uint32_t ip = graph_ip(g, &x);
    login_ev e = {.ts = 10, .account = a, .ip = ip, .device = GRAPH_NONE, .session_s = -1};
    graph_add_login(g, &e);
    graph_finalize(g);
    size_t before = g->nedges;
    e.ts = 20;
    graph_add_login(g, &e);
    assert_int_equal(g->nedges, before);
    const rs_edge *le = graph_edge_find(g, EDGE_LOGIN, a, ip);
    assert_non_null(le);
    assert_int_equal(le->count, 2);
    assert_int_equal(le->last, 20);
    graph_free(g);
}

/* Attribute values are one per (kind, value); finding one never adds it, and a
 * value longer than the key buffer round-trips too. */
static void test_graph__attributes_found_by_kind_and_value(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    assert_int_equal(graph_find_attr(g, 1, "+12025550101", 12), GRAPH_NONE);
    assert_false(graph_has_identity(g));
    uint32_t a = graph_account(g, "a", 1, 0), b = graph_account(g, "b", 1, 0);
    graph_add_attr(g, a, 1, "+12025550101", 12, 0);
    graph_add_attr(g, b, 1, "+12025550101", 12, 0);
    graph_add_attr(g, b, 8, "+12025550101", 12, 0); /* another kind: another value */
    char big[600];
    memset(big, 'x', sizeof big);
    graph_add_attr(g, a, 3, big, sizeof big, 0);
    assert_true(graph_has_identity(g));
    assert_int_equal(g->attrs.n, 4);
    uint32_t phone = graph_find_attr(g, 1, "+12025550101", 12);
    assert_int_equal(phone, g->attrs.v[0].value);
    assert_int_equal(g->attrs.v[1].value, phone);
    assert_int_not_equal(graph_find_attr(g, 8, "+12025550101", 12), phone);
    assert_int_equal(graph_find_attr(g, 1, "+12025550102", 12), GRAPH_NONE);
    uint32_t addr = graph_find_attr(g, 3, big, sizeof big);
    assert_int_equal(addr, g->attrs.v[3].value);
    size_t n;
    const char *v = graph_attr_value(g, addr, &n);
    assert_int_equal(n, sizeof big);
    assert_memory_equal(v, big, n);
    assert_int_equal(intern_count(g->ident), 3);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph__edges_aggregate_per_pair_and_kind),
        cmocka_unit_test(test_graph__many_edges_survive_rehash),
        cmocka_unit_test(test_graph__ipv4_mapped_is_one_node),
        cmocka_unit_test(test_graph__roles_resolved_at_finalize),
        cmocka_unit_test(test_graph__timelines_sorted_by_entity_then_time),
        cmocka_unit_test(test_graph__login_keys_and_edge_find_agree),
        cmocka_unit_test(test_graph__prefetch_changes_nothing),
        cmocka_unit_test(test_graph__keyed_adds_match_lookups),
        cmocka_unit_test(test_graph__keyed_valued_adds_match_ids),
        cmocka_unit_test(test_graph__grouped_timeline_and_empty_offsets),
        cmocka_unit_test(test_graph__attributes_found_by_kind_and_value),
        cmocka_unit_test(test_graph__large_scrambled_timeline_sorted_in_place),
        cmocka_unit_test(test_graph__edge_added_after_finalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
