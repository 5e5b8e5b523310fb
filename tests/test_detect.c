/* test_detect.c - red flags on hand-built timelines (each with a benign
 * look-alike), projection weighting and hub capping, ring thresholds, score
 * monotonicity, and an office NAT that must not become a ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/igraphenv.h"
#include "algorithms/detect.h"
#include "algorithms/projection.h"
#include "base/ts.h"
#include "model/attrs.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

static uint32_t acct(rs_graph *g, const char *id, const char *claim)
{
    uint32_t a = graph_account(g, id, strlen(id), 0);
    if (claim)
        memcpy(g->acct[a].country, claim, 3);
    g->acct[a].listed = 1;
    return a;
}

/* An IP in 10.x with a country and optionally an ASN. */
static uint32_t ip(rs_graph *g, unsigned n, const char *cc, uint32_t asn)
{
    ipaddr x = {.len = 4, .b = {10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n}};
    uint32_t i = graph_ip(g, &x);
    if (cc) {
        memcpy(g->ip[i].country, cc, 3);
        g->ip[i].country_src = SRC_DATA;
    }
    g->ip[i].asn = asn;
    return i;
}

static uint32_t dev(rs_graph *g, const char *id)
{
    return graph_device(g, id, strlen(id));
}

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts, int32_t secs)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = secs};
    graph_add_login(g, &e);
}

static findings run(rs_graph *g, const detect_params *p)
{
    graph_finalize(g);
    findings r;
    rs_error err = {0};
    assert_int_equal(detect_run(g, p, 1, &r, &err), 0);
    return r;
}

static int has(const findings *r, uint32_t a, flag_code f)
{
    return (r->flags[a].bits >> f) & 1;
}

static void test_detect__geo_hop(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    uint32_t hop = acct(g, "hop", "US"), trip = acct(g, "trip", "US");
    uint32_t us = ip(g, 1, "US", 0), cn = ip(g, 2, "CN", 0), fr = ip(g, 3, "FR", 0);
    login(g, hop, us, GRAPH_NONE, T0, 1800);
    login(g, hop, cn, GRAPH_NONE, T0 + 2 * H, 1800); /* 1.5 h after logging out */
    login(g, trip, us, GRAPH_NONE, T0, 1800);
    login(g, trip, fr, GRAPH_NONE, T0 + 20 * H, 1800); /* a flight later */
    findings r = run(g, &p);
    assert_true(has(&r, hop, FLAG_GEO_HOP));
    assert_int_equal(r.flags[hop].evidence[FLAG_GEO_HOP], 1);
    assert_false(has(&r, trip, FLAG_GEO_HOP));
    findings_free(&r);

    /* With coordinates: 1000 km in 30 minutes is faster than an airliner. */
    uint32_t fast = acct(g, "fast", "DE");
    uint32_t b1 = ip(g, 4, NULL, 0), b2 = ip(g, 5, NULL, 0);
    g->ip[b1].lat = 52.5f, g->ip[b1].lon = 13.4f, g->ip[b1].has_loc = 1;
    g->ip[b2].lat = 48.1f, g->ip[b2].lon = 11.6f, g->ip[b2].has_loc = 1; /* Munich: 500 km */
    uint32_t b3 = ip(g, 6, NULL, 0);
    g->ip[b3].lat = 41.9f, g->ip[b3].lon = 12.5f, g->ip[b3].has_loc = 1; /* Rome */
    login(g, fast, b1, GRAPH_NONE, T0, 0);
    login(g, fast, b3, GRAPH_NONE, T0 + H / 2, 0);
    r = run(g, &p);
    assert_true(has(&r, fast, FLAG_GEO_HOP));
    findings_free(&r);
    graph_free(g);
}

static void test_detect__shared_ip_and_pools(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    uint32_t a = acct(g, "a", "US"), b = acct(g, "b", "US");
    uint32_t c = acct(g, "c", "US"), d = acct(g, "d", "US");
    uint32_t same = ip(g, 1, "US", 0), reused = ip(g, 2, "US", 0), pool = ip(g, 3, "US", 0);
    login(g, a, same, GRAPH_NONE, T0, 600);
    login(g, b, same, GRAPH_NONE, T0 + H, 600); /* same hours */
    login(g, c, reused, GRAPH_NONE, T0, 600);
    login(g, d, reused, GRAPH_NONE, T0 + 60 * DAY, 600); /* months apart */
    /* A carrier-grade NAT address shared by 200 accounts at once. */
    char id[32];
    for (int k = 0; k < 200; k++) {
        snprintf(id, sizeof id, "m%d", k);
        login(g, acct(g, id, "US"), pool, GRAPH_NONE, T0 + k * 1000, 600);
    }
    findings r = run(g, &p);
    assert_true(has(&r, a, FLAG_SHARED_IP));
    assert_true(has(&r, b, FLAG_SHARED_IP));
    assert_false(has(&r, c, FLAG_SHARED_IP));
    assert_false(has(&r, d, FLAG_SHARED_IP));
    uint32_t m0 = graph_account(g, "m0", 2, 0);
    assert_false(has(&r, m0, FLAG_SHARED_IP));
    assert_int_equal(r.nrings, 0); /* sharing alone flags no one */
    for (uint32_t k = 0; k < graph_count(g, NODE_ACCOUNT); k++)
        assert_false(r.flagged[k]);
    assert_true(r.stats.capped_resources >= 1);
    findings_free(&r);
    graph_free(g);
}

static double link_w(const proj_link *l, size_t n, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < n; i++)
        if ((l[i].a == a && l[i].b == b) || (l[i].a == b && l[i].b == a))
            return l[i].w;
    return 0;
}

static void test_detect__projection_weights_and_caps(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    char id[32];
    /* x, y share a device used by 3; u, v share only an IP used by 40 at once. */
    uint32_t x = acct(g, "x", NULL), y = acct(g, "y", NULL), z = acct(g, "z", NULL);
    uint32_t dv = dev(g, "dev-small");
    uint32_t home = ip(g, 9, NULL, 0);
    login(g, x, home, dv, T0, 60);
    login(g, y, ip(g, 10, NULL, 0), dv, T0 + 30 * DAY, 60);
    login(g, z, ip(g, 11, NULL, 0), dv, T0 + 50 * DAY, 60);
    uint32_t office = ip(g, 12, NULL, 0);
    uint32_t u = 0, v = 0;
    for (int k = 0; k < 40; k++) {
        snprintf(id, sizeof id, "o%d", k);
        uint32_t a = acct(g, id, NULL);
        if (k == 0)
            u = a;
        if (k == 1)
            v = a;
        login(g, a, office, GRAPH_NONE, T0 + k * 60000, 3600);
    }
    /* A device shared by more than cap_device accounts makes no pairs. */
    uint32_t hub = dev(g, "kiosk");
    uint32_t h0 = 0, h1 = 0;
    for (int k = 0; k < 50; k++) {
        snprintf(id, sizeof id, "k%d", k);
        uint32_t a = acct(g, id, NULL);
        if (k == 0)
            h0 = a;
        if (k == 1)
            h1 = a;
        login(g, a, ip(g, 100 + (unsigned)k, NULL, 0), hub, T0 + k * DAY, 60);
    }
    /* A device shared by 10 (below the cap) binds each pair less than one
     * shared by 3. */
    uint32_t lab = dev(g, "lab"), l0 = 0, l1 = 0;
    for (int k = 0; k < 10; k++) {
        snprintf(id, sizeof id, "lab%d", k);
        uint32_t a = acct(g, id, NULL);
        if (k == 0)
            l0 = a;
        if (k == 1)
            l1 = a;
        login(g, a, ip(g, 200 + (unsigned)k, NULL, 0), lab, T0 + k * DAY, 60);
    }
    graph_finalize(g);
    proj_link *l = NULL;
    size_t n = projection_build(g, &p, &l);
    double w_dev = link_w(l, n, x, y), w_ip = link_w(l, n, u, v);
    assert_true(link_w(l, n, l0, l1) > 0);
    assert_true(link_w(l, n, l0, l1) < w_dev);
    assert_true(w_dev > 0);
    assert_true(w_ip > 0);
    /* A device shared by 3 binds far more than an IP shared by 40. */
    assert_true(w_dev > 3 * w_ip);
    assert_true(w_dev == link_w(l, n, x, z)); /* devices do not depend on time */
    assert_true(link_w(l, n, h0, h1) == 0);
    free(l);
    /* Same IP months apart counts less than in the same hours. */
    rs_graph *g2 = graph_new();
    uint32_t a = acct(g2, "a", NULL), b = acct(g2, "b", NULL), c = acct(g2, "c", NULL),
             d = acct(g2, "d", NULL);
    uint32_t i1 = ip(g2, 1, NULL, 0), i2 = ip(g2, 2, NULL, 0);
    login(g2, a, i1, GRAPH_NONE, T0, 600);
    login(g2, b, i1, GRAPH_NONE, T0 + H, 600);
    login(g2, c, i2, GRAPH_NONE, T0, 600);
    login(g2, d, i2, GRAPH_NONE, T0 + 90 * DAY, 600);
    graph_finalize(g2);
    n = projection_build(g2, &p, &l);
    assert_true(link_w(l, n, a, b) > link_w(l, n, c, d));
    assert_true(link_w(l, n, c, d) > 0);
    free(l);
    graph_free(g2);
    graph_free(g);
}

static void test_detect__long_session_remote_anon_mismatch(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    uint32_t lng = acct(g, "long", "US"), night = acct(g, "night", "US");
    uint32_t chain = acct(g, "chain", "US");
    uint32_t home = ip(g, 1, "US", 0);
    login(g, lng, home, GRAPH_NONE, T0, 25 * 3600);
    login(g, night, home, GRAPH_NONE, T0 + 10 * DAY, 20 * 3600);
    for (int k = 0; k < 6; k++) /* six back-to-back 5-hour sessions */
        login(g, chain, home, GRAPH_NONE, T0 + 20 * DAY + k * 5 * H + k * 60000, 5 * 3600);
    /* Remote access: RDP on one IP, HTTPS on another. */
    uint32_t rdp = acct(g, "rdp", "US"), web = acct(g, "web", "US");
    uint32_t i_rdp = ip(g, 2, "US", 0), i_web = ip(g, 3, "US", 0);
    login(g, rdp, i_rdp, GRAPH_NONE, T0, 60);
    login(g, web, i_web, GRAPH_NONE, T0, 60);
    port_ev pe = {.ts = T0, .ip = i_rdp, .device = GRAPH_NONE, .service = GRAPH_NONE, .port = 3389};
    graph_add_port(g, &pe);
    pe.ip = i_web;
    pe.port = 443;
    graph_add_port(g, &pe);
    /* RDP on a device only its own account uses. */
    uint32_t rdpdev = acct(g, "rdpdev", "US"), d_rdp = dev(g, "rdp-laptop");
    login(g, rdpdev, ip(g, 7, "US", 0), d_rdp, T0, 60);
    port_ev pd = {.ts = T0, .ip = GRAPH_NONE, .device = d_rdp, .service = GRAPH_NONE, .port = 3389};
    graph_add_port(g, &pd);
    /* Hosting ASN (DigitalOcean) vs a residential one; claimed US, logins CN. */
    uint32_t vps = acct(g, "vps", "US"), res = acct(g, "res", "US");
    login(g, vps, ip(g, 4, "US", 14061), GRAPH_NONE, T0, 60);
    login(g, res, ip(g, 5, "US", 7922), GRAPH_NONE, T0, 60);
    uint32_t away = acct(g, "away", "US"), trav = acct(g, "trav", "US");
    uint32_t cn = ip(g, 6, "CN", 0);
    for (int k = 0; k < 4; k++)
        login(g, away, k ? cn : home, GRAPH_NONE, T0 + k * DAY, 60);
    for (int k = 0; k < 4; k++)
        login(g, trav, k == 3 ? cn : home, GRAPH_NONE, T0 + k * DAY, 60);
    findings r = run(g, &p);
    assert_true(has(&r, lng, FLAG_LONG_SESSION));
    assert_false(has(&r, night, FLAG_LONG_SESSION));
    assert_true(has(&r, chain, FLAG_LONG_SESSION));
    assert_true(has(&r, rdp, FLAG_REMOTE_ACCESS));
    assert_false(has(&r, web, FLAG_REMOTE_ACCESS));
    assert_true(has(&r, rdpdev, FLAG_REMOTE_ACCESS));
    assert_true(r.flags[rdpdev].remote_device);
    assert_false(r.flags[rdp].remote_device);
    assert_true(has(&r, vps, FLAG_ANON_NETWORK));
    assert_false(has(&r, res, FLAG_ANON_NETWORK));
    assert_true(has(&r, away, FLAG_COUNTRY_MISMATCH));
    assert_false(has(&r, trav, FLAG_COUNTRY_MISMATCH));
    findings_free(&r);
    graph_free(g);
}

/* A team of n accounts run by operators abroad: shared devices and payout
 * destination, logins from a CN line while claiming US. With abroad = 0 the
 * same structure without corroboration (a family business). */
static void team(rs_graph *g, const char *prefix, int n, int abroad, unsigned ipbase)
{
    char id[32];
    uint32_t line = ip(g, ipbase, abroad ? "CN" : "US", 0);
    uint32_t shared_dev = dev(g, prefix);
    for (int k = 0; k < n; k++) {
        snprintf(id, sizeof id, "%s%d", prefix, k);
        uint32_t a = acct(g, id, "US");
        for (int d = 0; d < 10; d++)
            login(g, a, line, shared_dev, T0 + d * DAY + k * 600000, 3600);
        payout_ev pv = {.ts = T0 + k * DAY,
                        .amount = 500,
                        .account = a,
                        .dest = graph_dest(g, prefix, strlen(prefix), 1),
                        .currency = GRAPH_NONE,
                        .method = GRAPH_NONE};
        graph_add_payout(g, &pv);
    }
}

static void test_detect__ring_found_and_thresholds(void **state)
{
    (void)state;
    igraphenv_init(1);
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    team(g, "op", 6, 1, 1);
    team(g, "fam", 6, 0, 2);
    /* A stranger on the ring's line (say a VPN exit it also uses) at the same
     * hours, with nothing else in common and no red flag of its own. */
    uint32_t stranger = acct(g, "stranger", "CN");
    uint32_t line = ip(g, 1, "CN", 0);
    for (int d = 0; d < 10; d++)
        login(g, stranger, line, dev(g, "own-phone"), T0 + d * DAY + 300000, 3600);
    findings r = run(g, &p);
    assert_false(r.flagged[stranger]);
    /* The proxy ring first; the family (class 1 of the false positives: one laptop, one
     * payout account, everyone at home in the country they claim) listed after it as
     * shared control, its members not flagged. */
    assert_int_equal(r.nrings, 2);
    assert_string_equal(r.rings[0].id, "R0001");
    assert_int_equal(r.rings[0].kind, RING_KIND_PROXY);
    assert_int_equal(r.rings[0].nmembers, 6);
    assert_int_equal(r.rings[1].kind, RING_KIND_SHARED_CONTROL);
    assert_int_equal(r.rings[1].severity, SEVERITY_LOW);
    assert_int_equal(r.rings[1].nmembers, 6);
    for (int k = 0; k < 6; k++) {
        char id[32];
        snprintf(id, sizeof id, "op%d", k);
        uint32_t a = intern_get(g->ids[NODE_ACCOUNT], id, strlen(id));
        assert_true(r.flagged[a]);
        assert_true(has(&r, a, FLAG_RING_MEMBER));
        snprintf(id, sizeof id, "fam%d", k);
        a = intern_get(g->ids[NODE_ACCOUNT], id, strlen(id));
        assert_false(r.flagged[a]);
        assert_false(has(&r, a, FLAG_RING_MEMBER));
        assert_int_equal(r.ring_of[a], 1);
        assert_true(r.risk[a] < p.threshold);
    }
    assert_true(r.rings[0].nres >= 3); /* line, device, destination */
    /* Bound by the foreign line, the device and the account: the six, and the stranger
     * on the line, which shows no deception of its own. */
    assert_int_equal(r.rings[0].bound, 7);
    assert_int_equal(r.rings[0].bound_deceptive, 6);
    assert_true(r.rings[0].families & DECEPTION_LOCATION);
    double score = r.rings[0].score;
    findings_free(&r);
    /* A stricter ring threshold reports no proxy ring; shared control does not depend
     * on the score. */
    p.ring_min_score = score + 0.01;
    r = run(g, &p);
    assert_int_equal(r.nrings, 2);
    assert_int_equal(r.rings[0].kind, RING_KIND_SHARED_CONTROL);
    assert_int_equal(r.rings[1].kind, RING_KIND_SHARED_CONTROL);
    for (uint32_t a = 0; a < graph_count(g, NODE_ACCOUNT); a++)
        assert_false(r.flagged[a]);
    findings_free(&r);
    graph_free(g);
}

/* Class 1 against the ring it resembles, flag by flag: a family running six accounts
 * from one laptop into one bank account, where one member also runs remote-desktop
 * software and one sat through a day-long session - sharing with a little noise, no
 * deception - against the same set-up where the accounts log in from abroad. */
static void test_detect__shared_control_vs_proxy_ring(void **state)
{
    (void)state;
    igraphenv_init(1);
    detect_params p;
    detect_params_init(&p);
    for (int abroad = 0; abroad < 2; abroad++) {
        rs_graph *g = graph_new();
        team(g, "acct", 6, abroad, 1);
        uint32_t a0 = intern_get(g->ids[NODE_ACCOUNT], "acct0", 5);
        uint32_t a1 = intern_get(g->ids[NODE_ACCOUNT], "acct1", 5);
        login(g, a1, ip(g, 1, abroad ? "CN" : "US", 0), GRAPH_NONE, T0 + 40 * DAY, 30 * 3600);
        port_ev pe = {.ts = T0,
                      .ip = GRAPH_NONE,
                      .device = dev(g, "own-laptop"),
                      .service = GRAPH_NONE,
                      .port = 5938};
        login(g, a0, ip(g, 1, abroad ? "CN" : "US", 0), pe.device, T0 + 41 * DAY, 600);
        graph_add_port(g, &pe);
        findings r = run(g, &p);
        assert_int_equal(r.nrings, 1);
        if (!abroad) {
            assert_int_equal(r.rings[0].kind, RING_KIND_SHARED_CONTROL);
            for (int k = 0; k < 6; k++)
                assert_false(r.flagged[intern_get(g->ids[NODE_ACCOUNT], k ? "acct1" : "acct0", 5)]);
            assert_int_equal(r.rings[0].bound_deceptive, 1); /* the remote desktop */
        } else {
            assert_int_equal(r.rings[0].kind, RING_KIND_PROXY);
            assert_int_equal(r.rings[0].severity, SEVERITY_HIGH); /* location + remote */
            assert_true(r.flagged[a0] && r.flagged[a1]);
        }
        findings_free(&r);
        graph_free(g);
    }
}

/* Members by association: a ring's two shill clients, which each rated four of its
 * eight members (different ones, so no lockstep block forms), also rated "lone" (claims
 * the US, logs in from China through its own line and laptop, shares nothing with the
 * ring) and "honest" (hired for camouflage, at home where it says). lone joins the ring,
 * honest does not; rated by one shill only, lone stays out. */
static void test_detect__members_by_association(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    for (int nshills = 1; nshills <= 2; nshills++) {
        igraphenv_init(1);
        rs_graph *g = graph_new();
        team(g, "op", 8, 1, 1);
        uint32_t lone = acct(g, "lone", "US"), honest = acct(g, "honest", "DE");
        uint32_t cn = ip(g, 50, "CN", 0), de = ip(g, 51, "DE", 0);
        for (int d = 0; d < 10; d++) {
            login(g, lone, cn, dev(g, "lone-laptop"), T0 + d * DAY + 5 * H, 3600);
            login(g, honest, de, dev(g, "honest-laptop"), T0 + d * DAY + 9 * H, 3600);
        }
        uint32_t shill[2];
        for (int c = 0; c < 2; c++) {
            char id[32];
            snprintf(id, sizeof id, "shill%d", c);
            shill[c] = acct(g, id, "US");
            g->acct[shill[c]].role = ROLE_CLIENT;
            for (int k = 0; k < 4; k++) {
                char m[32];
                snprintf(m, sizeof m, "op%d", 4 * c + k);
                uint32_t f = intern_get(g->ids[NODE_ACCOUNT], m, strlen(m));
                rating_ev e = {T0 + (int64_t)(k * 6 + c) * DAY, shill[c], f, GRAPH_NONE, 5};
                graph_add_rating(g, &e);
            }
            if (c < nshills) {
                rating_ev e = {T0 + (int64_t)(31 + c) * DAY, shill[c], lone, GRAPH_NONE, 5};
                graph_add_rating(g, &e);
                e.ts = T0 + (int64_t)(43 + c) * DAY;
                e.freelancer = honest;
                graph_add_rating(g, &e);
            }
        }
        findings r = run(g, &p);
        assert_int_equal(r.nrings, 1);
        assert_int_equal(r.rings[0].kind, RING_KIND_PROXY);
        assert_int_equal(r.ring_of[shill[0]], 0);
        assert_int_equal(r.ring_of[shill[1]], 0);
        assert_true(has(&r, lone, FLAG_COUNTRY_MISMATCH));
        assert_false(has(&r, lone, FLAG_RATING_LOCKSTEP));
        assert_false(r.flagged[honest]);
        assert_int_equal(r.ring_of[honest], -1);
        if (nshills == 2) {
            assert_true(r.flagged[lone]);
            assert_int_equal(r.ring_of[lone], 0);
            assert_true(has(&r, lone, FLAG_RING_MEMBER));
            assert_int_equal(r.rings[0].nmembers, 9);
        } else {
            assert_false(has(&r, lone, FLAG_RING_MEMBER));
            assert_int_equal(r.ring_of[lone], -1);
            assert_int_equal(r.rings[0].nmembers, 8);
        }
        findings_free(&r);
        graph_free(g);
    }
}

static void test_detect__score_monotone_in_evidence(void **state)
{
    (void)state;
    igraphenv_init(1);
    detect_params p;
    detect_params_init(&p);
    double prev = -1;
    /* The same team, each step adding one more piece of corroboration. */
    for (int step = 0; step < 3; step++) {
        rs_graph *g = graph_new();
        team(g, "op", 5, 1, 1);
        uint32_t a0 = intern_get(g->ids[NODE_ACCOUNT], "op0", 3);
        if (step >= 1) { /* long session */
            login(g, a0, ip(g, 1, "CN", 0), GRAPH_NONE, T0 + 40 * DAY, 30 * 3600);
        }
        if (step >= 2) { /* remote desktop software on the shared device */
            port_ev pe = {.ts = T0,
                          .ip = GRAPH_NONE,
                          .device = dev(g, "op"),
                          .service = GRAPH_NONE,
                          .port = 5938};
            graph_add_port(g, &pe);
        }
        findings r = run(g, &p);
        assert_true(r.risk[a0] >= prev);
        prev = r.risk[a0];
        findings_free(&r);
        graph_free(g);
    }
    assert_true(prev > 0.5);
}

static void test_detect__office_nat_is_not_a_ring(void **state)
{
    (void)state;
    igraphenv_init(1);
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    uint32_t office = ip(g, 1, "GB", 0);
    char id[32];
    for (int k = 0; k < 20; k++) {
        snprintf(id, sizeof id, "staff%d", k);
        uint32_t a = acct(g, id, "GB");
        uint32_t own = dev(g, id);
        uint32_t home = ip(g, 1000 + (unsigned)k, "GB", 0);
        for (int d = 0; d < 20; d++) {
            login(g, a, office, own, T0 + d * DAY + 9 * H + k * 60000, 8 * 3600);
            login(g, a, home, own, T0 + d * DAY + 19 * H, 3600);
        }
    }
    port_ev pe = {
        .ts = T0, .ip = office, .device = GRAPH_NONE, .service = GRAPH_NONE, .port = 3389};
    graph_add_port(g, &pe); /* the office exposes RDP */
    findings r = run(g, &p);
    for (uint32_t a = 0; a < graph_count(g, NODE_ACCOUNT); a++)
        assert_false(r.flagged[a]);
    findings_free(&r);
    graph_free(g);
}

static void test_detect__deterministic(void **state)
{
    (void)state;
    detect_params p;
    detect_params_init(&p);
    double risk[2][12];
    for (int rep = 0; rep < 2; rep++) {
        igraphenv_init(7);
        rs_graph *g = graph_new();
        team(g, "op", 6, 1, 1);
        team(g, "fam", 6, 0, 2);
        findings r = run(g, &p);
        for (uint32_t a = 0; a < 12; a++)
            risk[rep][a] = r.risk[a];
        findings_free(&r);
        graph_free(g);
    }
    assert_memory_equal(risk[0], risk[1], sizeof risk[0]);
}

/* Two personas of a ring that shares no infrastructure: each on its own residential
 * line and laptop, paid into a mule's account in a third person's name, and giving
 * one phone. The phone binds them like a device, and they are a proxy ring. The
 * look-alike is a couple who keep their own family names and share the home phone,
 * one paid into the other's account: the phone ties them, nobody is flagged. */
static void phone_pair(rs_graph *g, const char *x, const char *y, const char *holder_x,
                       const char *holder_y, unsigned line)
{
    static const char phone[] = "+17478336356";
    uint32_t a = acct(g, x, "US"), b = acct(g, y, "US");
    const char *names[2] = {"james lewis", "nowak anna"};
    const char *holders[2] = {holder_x, holder_y};
    uint32_t ab[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        graph_add_attr(g, ab[k], ATTR_NAME, names[k], strlen(names[k]), TS_NONE);
        graph_add_attr(g, ab[k], ATTR_PHONE, phone, strlen(phone), TS_NONE);
        graph_add_attr(g, ab[k], ATTR_PAYOUT_HOLDER, holders[k], strlen(holders[k]), TS_NONE);
        char d[16];
        snprintf(d, sizeof d, "%s-laptop", k ? y : x);
        for (int day = 0; day < 10; day++)
            login(g, ab[k], ip(g, line + 100u * (unsigned)k + (unsigned)day, "US", 7922), dev(g, d),
                  T0 + day * DAY + (13 + 2 * k) * H, 3600);
    }
}

static void test_detect__operator_phone_pair(void **state)
{
    (void)state;
    igraphenv_init(1);
    detect_params p;
    detect_params_init(&p);
    for (int couple = 0; couple < 2; couple++) {
        rs_graph *g = graph_new();
        if (couple)
            phone_pair(g, "husband", "wife", "james lewis", "james lewis", 1000);
        else
            phone_pair(g, "p1", "p2", "martin patricia", "silva olena", 1000);
        findings r = run(g, &p);
        uint32_t a = 0, b = 1;
        assert_true(has(&r, a, FLAG_SHARED_IDENTITY) && has(&r, b, FLAG_SHARED_IDENTITY));
        if (couple) {
            assert_false(has(&r, a, FLAG_NAME_MISMATCH));
            assert_true(has(&r, b, FLAG_NAME_MISMATCH));
            assert_false(r.flagged[a] || r.flagged[b]);
            for (size_t k = 0; k < r.nrings; k++)
                assert_int_not_equal(r.rings[k].kind, RING_KIND_PROXY);
        } else {
            assert_true(has(&r, a, FLAG_NAME_MISMATCH) && has(&r, b, FLAG_NAME_MISMATCH));
            assert_int_equal(r.nrings, 1);
            assert_int_equal(r.rings[0].kind, RING_KIND_PROXY);
            assert_true(r.flagged[a] && r.flagged[b]);
        }
        findings_free(&r);
        graph_free(g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect__geo_hop),
        cmocka_unit_test(test_detect__shared_ip_and_pools),
        cmocka_unit_test(test_detect__projection_weights_and_caps),
        cmocka_unit_test(test_detect__long_session_remote_anon_mismatch),
        cmocka_unit_test(test_detect__ring_found_and_thresholds),
        cmocka_unit_test(test_detect__shared_control_vs_proxy_ring),
        cmocka_unit_test(test_detect__members_by_association),
        cmocka_unit_test(test_detect__score_monotone_in_evidence),
        cmocka_unit_test(test_detect__office_nat_is_not_a_ring),
        cmocka_unit_test(test_detect__deterministic),
        cmocka_unit_test(test_detect__operator_phone_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
