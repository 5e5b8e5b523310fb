/* test_projection.c - the account-account projection on hand-built graphs:
 * the resource-allocation weight of a shared IP, device or destination by its
 * degree, address pools above ip_pool_degree that make no pairs, the
 * SHARED_IP window and the "same hours" overlap window, anonymising
 * addresses (capped per pair; a private server counts only between two
 * deceiving accounts), ties, and the accumulator's order and threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/projection.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define EPS 1e-9

static uint32_t acct(rs_graph *g, const char *id)
{
    uint32_t a = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
    memcpy(g->acct[a].country, "US", 3);
    g->acct[a].listed = 1;
    return a;
}

static uint32_t ip(rs_graph *g, unsigned n, uint32_t asn)
{
    ipaddr x = {.len = 4, .b = {10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n}};
    uint32_t i = graph_ip(g, &x);
    memcpy(g->ip[i].country, "US", 3);
    g->ip[i].country_src = SRC_DATA;
    g->ip[i].asn = asn;
    return i;
}

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = 600};
    graph_add_login(g, &e);
}

/* n accounts named prefix0.. on one IP, a minute apart from t. */
static void crowd(rs_graph *g, const char *prefix, int n, uint32_t i, int64_t t)
{
    char id[32];
    for (int k = 0; k < n; k++) {
        snprintf(id, sizeof id, "%s%d", prefix, k);
        login(g, acct(g, id), i, GRAPH_NONE, t + k * 60 * 1000LL);
    }
}

static uint32_t find(const rs_graph *g, const char *id)
{
    uint32_t a = graph_find_account(g, id, strlen(id));
    assert_int_not_equal(a, GRAPH_NONE);
    return a;
}

/* The link between a and b (either order), or NULL. */
static const proj_link *link_of(const proj_link *l, size_t n, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < n; i++)
        if ((l[i].a == a && l[i].b == b) || (l[i].a == b && l[i].b == a))
            return &l[i];
    return NULL;
}

/* The weight of the link between a and b, which must exist. */
static double w_of(const proj_link *l, size_t n, uint32_t a, uint32_t b)
{
    const proj_link *x = link_of(l, n, a, b);
    assert_non_null(x);
    return x ? x->w : NAN;
}

/* Defaults with a one-entry hosting list (64500) and small pools, so a pool
 * takes a handful of accounts rather than sixty. */
static void params(detect_params *p)
{
    detect_params_init(p);
    p->anon_asns[0] = 64500;
    p->n_anon_asns = 1;
    p->ip_pool_degree = 4;
    p->cap_ip = 4;
}

/* The IP pass alone on finalized g: SHARED_IP into a new flag array (caller
 * frees), the links of weight >= 0 into *links (caller frees), IPs over cap_ip
 * into *capped and, when tied_ab is not NULL, whether a and b are tied. */
static acct_flags *ip_pass(const rs_graph *g, const detect_params *p, proj_link **links, size_t *nl,
                           uint64_t *capped, int *tied_ab, uint32_t a, uint32_t b)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    acct_flags *fl = calloc(na, sizeof *fl);
    assert_non_null(fl);
    res_index ips;
    resindex_build(&ips, g, NODE_IP);
    projection *pm = projection_new();
    *capped = 0;
    projection_ips(pm, g, p, &ips, fl, capped);
    *nl = projection_links(pm, p, NULL, 0, links);
    if (tied_ab)
        *tied_ab = projection_tied(pm, a, b);
    projection_free(pm);
    resindex_free(&ips);
    return fl;
}

/* An IP two accounts use at the same hours binds them with w_ip; one three
 * use, with w_ip / sqrt(2) per pair (degree_exponent 0.5). All of it is the
 * weak, ordinary-IP part (wi), none anonymising (wa). */
static void test_projection__shared_ip_weight_by_degree(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t two = ip(g, 1, 0), three = ip(g, 2, 0);
    crowd(g, "p", 2, two, T0);
    crowd(g, "t", 3, three, T0);
    graph_finalize(g);
    proj_link *l = NULL;
    size_t n = projection_build(g, &p, &l);
    assert_int_equal(n, 1 + 3);
    const proj_link *x = link_of(l, n, find(g, "p0"), find(g, "p1"));
    assert_true(x && fabs(x->w - p.w_ip) < EPS);
    assert_true(x && fabs(x->wi - p.w_ip) < EPS);
    assert_true(x && fabs(x->wa) < EPS);
    assert_true(fabs(w_of(l, n, find(g, "t0"), find(g, "t2")) - p.w_ip / sqrt(2.0)) < EPS);
    assert_null(link_of(l, n, find(g, "p0"), find(g, "t0")));
    /* Sorted by (a, b), a < b. */
    for (size_t i = 0; i < n; i++) {
        assert_true(l[i].a < l[i].b);
        if (i)
            assert_true(l[i - 1].a < l[i].a || (l[i - 1].a == l[i].a && l[i - 1].b < l[i].b));
    }
    free(l);
    graph_free(g);
}

/* An IP of ip_pool_degree accounts still makes pairs and SHARED_IP; one more
 * account and it is a pool: no pair, no flag, and it is counted as capped. */
static void test_projection__pool_above_ip_pool_degree(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t office = ip(g, 1, 0), pool = ip(g, 2, 0);
    crowd(g, "o", 4, office, T0);
    crowd(g, "m", 5, pool, T0);
    graph_finalize(g);
    proj_link *l = NULL;
    size_t n = 0;
    uint64_t capped = 0;
    acct_flags *fl = ip_pass(g, &p, &l, &n, &capped, NULL, 0, 0);
    assert_int_equal(n, 6); /* the office's 4 * 3 / 2 pairs */
    assert_true(fabs(w_of(l, n, find(g, "o0"), find(g, "o3")) - p.w_ip / sqrt(3.0)) < EPS);
    assert_null(link_of(l, n, find(g, "m0"), find(g, "m1")));
    assert_true(flags_has(&fl[find(g, "o0")], FLAG_SHARED_IP));
    assert_false(flags_has(&fl[find(g, "m0")], FLAG_SHARED_IP));
    assert_int_equal(capped, 1);
    free(fl);
    free(l);
    graph_free(g);
}

/* SHARED_IP: another account on the IP within shared_ip_window_h, the
 * boundary included. The pair's weight is full when the two were there within
 * overlap_window_h of each other, far_apart_factor of it otherwise: the two
 * windows are separate parameters and are tested apart here (6 h and 2 h). */
static void test_projection__time_windows(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    p.shared_ip_window_h = 6;
    p.overlap_window_h = 2;
    rs_graph *g = graph_new();
    uint32_t same = ip(g, 1, 0), later = ip(g, 2, 0), edge = ip(g, 3, 0), apart = ip(g, 4, 0);
    uint32_t s0 = acct(g, "s0"), s1 = acct(g, "s1"), l0 = acct(g, "l0"), l1 = acct(g, "l1");
    uint32_t e0 = acct(g, "e0"), e1 = acct(g, "e1"), a0 = acct(g, "a0"), a1 = acct(g, "a1");
    login(g, s0, same, GRAPH_NONE, T0);
    login(g, s1, same, GRAPH_NONE, T0 + 2 * H); /* at the overlap boundary */
    login(g, l0, later, GRAPH_NONE, T0);
    login(g, l1, later, GRAPH_NONE, T0 + 3 * H); /* shared, not concurrent */
    login(g, e0, edge, GRAPH_NONE, T0);
    login(g, e1, edge, GRAPH_NONE, T0 + 6 * H); /* at the SHARED_IP boundary */
    login(g, a0, apart, GRAPH_NONE, T0);
    login(g, a1, apart, GRAPH_NONE, T0 + 6 * H + 1000);
    graph_finalize(g);
    proj_link *l = NULL;
    size_t n = 0;
    uint64_t capped = 0;
    int tied = -1;
    acct_flags *fl = ip_pass(g, &p, &l, &n, &capped, &tied, s0, s1);
    assert_true(flags_has(&fl[s0], FLAG_SHARED_IP) && flags_has(&fl[s1], FLAG_SHARED_IP));
    assert_true(flags_has(&fl[l0], FLAG_SHARED_IP) && flags_has(&fl[l1], FLAG_SHARED_IP));
    assert_true(flags_has(&fl[e0], FLAG_SHARED_IP) && flags_has(&fl[e1], FLAG_SHARED_IP));
    assert_int_equal(fl[e0].evidence[FLAG_SHARED_IP], 1);
    assert_false(flags_has(&fl[a0], FLAG_SHARED_IP) || flags_has(&fl[a1], FLAG_SHARED_IP));
    assert_true(fabs(w_of(l, n, s0, s1) - p.w_ip) < EPS);
    assert_true(fabs(w_of(l, n, l0, l1) - p.w_ip * p.far_apart_factor) < EPS);
    assert_true(fabs(w_of(l, n, a0, a1) - p.w_ip * p.far_apart_factor) < EPS);
    assert_int_equal(tied, 1); /* concurrent on an ordinary IP */
    assert_int_equal(capped, 0);
    free(fl);
    free(l);
    graph_free(g);
}

/* Devices and payment destinations: w / (degree - 1)^0.5 per pair, ties;
 * above their cap no pair, counted as capped. */
static void test_projection__resources_by_degree_and_cap(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t laptop = graph_device(g, "laptop", 6), farm = graph_device(g, "farm", 4);
    uint32_t a = acct(g, "a"), b = acct(g, "b"), c = acct(g, "c");
    login(g, a, ip(g, 1, 0), laptop, T0);
    login(g, b, ip(g, 2, 0), laptop, T0 + 30 * DAY);
    login(g, c, ip(g, 3, 0), laptop, T0 + 60 * DAY);
    char id[16];
    for (int k = 0; k < 4; k++) {
        snprintf(id, sizeof id, "f%d", k);
        login(g, acct(g, id), ip(g, 10 + (unsigned)k, 0), farm, T0);
    }
    graph_finalize(g);
    res_index devs;
    resindex_build(&devs, g, NODE_DEVICE);
    projection *pm = projection_new();
    uint64_t capped = 0;
    projection_resources(pm, &devs, p.w_device, 3, p.degree_exponent, &capped);
    assert_int_equal(capped, 1); /* the farm: 4 users over a cap of 3 */
    assert_int_equal(projection_pairs(pm), 3);
    assert_true(projection_tied(pm, c, a));
    assert_false(projection_tied(pm, find(g, "f0"), find(g, "f1")));
    proj_link *l = NULL;
    size_t n = projection_links(pm, &p, NULL, 0, &l);
    assert_int_equal(n, 3);
    assert_true(fabs(w_of(l, n, b, c) - p.w_device / sqrt(2.0)) < EPS);
    const proj_link *bc = link_of(l, n, b, c);
    assert_true(bc && fabs(bc->wi) < EPS); /* firm, not an IP's weak part */
    free(l);
    projection_free(pm);
    resindex_free(&devs);
    graph_free(g);
}

/* A small anonymising address two accounts use at the same hours: its weight
 * is anonymising (wa), capped per pair at anon_pair_cap, and never a tie.
 * With both accounts deceiving beyond anonymity (GEO_HOP) it is a private
 * server and binds like an ordinary IP, weakly; with one of them honest it
 * does not. */
static void test_projection__anonymising_ip(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    p.anon_pair_cap = 0.25;
    rs_graph *g = graph_new();
    uint32_t vps = ip(g, 1, 64500);
    uint32_t a = acct(g, "a"), b = acct(g, "b");
    login(g, a, vps, GRAPH_NONE, T0);
    login(g, b, vps, GRAPH_NONE, T0 + H);
    graph_finalize(g);
    acct_flags fl[2];
    memset(fl, 0, sizeof fl);
    res_index ips;
    resindex_build(&ips, g, NODE_IP);
    projection *pm = projection_new();
    uint64_t capped = 0;
    projection_ips(pm, g, &p, &ips, fl, &capped);
    assert_true(flags_has(&fl[a], FLAG_SHARED_IP));
    assert_false(projection_tied(pm, a, b));
    proj_link *l = NULL;
    size_t n = projection_links(pm, &p, fl, 0, &l);
    assert_int_equal(n, 1);
    assert_true(fabs(l[0].w - 0.25) < EPS);
    assert_true(fabs(l[0].wa - 0.25) < EPS);
    assert_true(fabs(l[0].wi) < EPS);
    free(l);
    /* Both deceive on their own: a private server, w_ip on top, all weak. */
    flags_raise(&fl[a], FLAG_GEO_HOP, 1);
    flags_raise(&fl[b], FLAG_GEO_HOP, 1);
    n = projection_links(pm, &p, fl, 0, &l);
    assert_true(fabs(l[0].w - (0.25 + p.w_ip)) < EPS);
    assert_true(fabs(l[0].wi - p.w_ip) < EPS);
    free(l);
    /* Anonymity alone is not deception beyond it. */
    memset(fl, 0, sizeof fl);
    flags_raise(&fl[a], FLAG_GEO_HOP, 1);
    flags_raise(&fl[b], FLAG_ANON_NETWORK, 1);
    n = projection_links(pm, &p, fl, 0, &l);
    assert_true(fabs(l[0].w - 0.25) < EPS);
    free(l);
    projection_free(pm);
    resindex_free(&ips);
    graph_free(g);
}

/* The accumulator: a pair added in either order is one pair; weights add;
 * links below min_w are dropped; ties stick once set; unknown pairs are not
 * tied. */
static void test_projection__accumulator(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    projection *pm = projection_new();
    assert_false(projection_tied(pm, 1, 2)); /* empty */
    projection_add(pm, 7, 3, 0.5, 0, 0.5, 0);
    projection_add(pm, 3, 7, 0.25, 0, 0, 1);
    projection_add(pm, 3, 7, 0.1, 0, 0, 0);
    projection_add(pm, 1, 2, 0.2, 0, 0, 0);
    /* Enough pairs to grow the table past its first size. */
    for (uint32_t k = 0; k < 2000; k++)
        projection_add(pm, 100 + k, 5000 + k, 1.0, 0, 0, 0);
    assert_int_equal(projection_pairs(pm), 2002);
    assert_true(projection_tied(pm, 7, 3));
    assert_false(projection_tied(pm, 1, 2));
    assert_false(projection_tied(pm, 1, 9));
    proj_link *l = NULL;
    size_t n = projection_links(pm, &p, NULL, 0.3, &l);
    assert_int_equal(n, 2001); /* (1, 2) at 0.2 is dropped */
    assert_int_equal(l[0].a, 3);
    assert_int_equal(l[0].b, 7);
    assert_true(fabs(l[0].w - 0.85) < EPS);
    assert_true(fabs(l[0].wi - 0.5) < EPS);
    assert_int_equal(l[1].a, 100);
    free(l);
    projection_free(pm);
}

/* An account whose use of an IP ended before it changed hands is left out of
 * the IP's index (resindex_build_since), so its logins there are the owner's
 * and count for nobody: the two members that remain are shared with each
 * other only. z's id is past both members', where a lookup of a non-member
 * would land one slot beyond the IP's accounts. */
static void test_projection__login_of_a_non_member(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    p.shared_ip_window_h = 6;
    p.overlap_window_h = 2;
    rs_graph *g = graph_new();
    uint32_t home = ip(g, 1, 0), later = ip(g, 2, 0);
    uint32_t a0 = acct(g, "a0"), a1 = acct(g, "a1"), z = acct(g, "z");
    login(g, a0, home, GRAPH_NONE, T0);
    login(g, z, home, GRAPH_NONE, T0 + H);
    login(g, a1, home, GRAPH_NONE, T0 + 2 * H);
    login(g, z, later, GRAPH_NONE, T0 + 5 * DAY);
    graph_finalize(g);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    int64_t *since = calloc(na, sizeof *since);
    acct_flags *fl = calloc(na, sizeof *fl);
    assert_true(since && fl);
    since[z] = T0 + 4 * DAY;
    res_index ips;
    resindex_build_since(&ips, g, NODE_IP, since);
    assert_int_equal(resindex_degree(&ips, home), 2);
    projection *pm = projection_new();
    uint64_t capped = 0;
    projection_ips(pm, g, &p, &ips, fl, &capped);
    assert_int_equal(fl[a0].evidence[FLAG_SHARED_IP], 1);
    assert_int_equal(fl[a1].evidence[FLAG_SHARED_IP], 1);
    assert_false(flags_has(&fl[z], FLAG_SHARED_IP));
    assert_false(projection_tied(pm, a0, z) || projection_tied(pm, a1, z));
    assert_true(projection_tied(pm, a0, a1));
    projection_free(pm);
    resindex_free(&ips);
    free(fl);
    free(since);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projection__shared_ip_weight_by_degree),
        cmocka_unit_test(test_projection__pool_above_ip_pool_degree),
        cmocka_unit_test(test_projection__time_windows),
        cmocka_unit_test(test_projection__resources_by_degree_and_cap),
        cmocka_unit_test(test_projection__anonymising_ip),
        cmocka_unit_test(test_projection__accumulator),
        cmocka_unit_test(test_projection__login_of_a_non_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
