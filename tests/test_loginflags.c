/* test_loginflags.c - the red flags an account earns from its own logins,
 * devices and port observations (loginflags_run), each on a hand-built graph
 * beside a look-alike that must not raise it: GEO_HOP inside and outside the
 * window and by speed, LONG_SESSION at its threshold and by chaining,
 * ANON_NETWORK by hosting ASN and by database bit, COUNTRY_MISMATCH by
 * majority, REMOTE_ACCESS on a device and on an IP, SHARED_DEVICE by degree,
 * FARM_LINE on a laptop farm's line and not on its look-alikes (coworking space,
 * carrier NAT, IT administrator, an office exposing RDP, a VPN exit), and both
 * from logins made through remote-desktop clients (their user agents); OFF_HOURS
 * on a working day kept in another continent's time and not on its look-alikes
 * (night worker alone, nomad, relocator, IT administrator, VPN user). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/evrule.h"
#include "algorithms/loginflags.h"
#include "algorithms/rules.h"
#include "model/country_tz.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

static uint32_t acct(rs_graph *g, const char *id, const char *claim)
{
    uint32_t a = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
    if (claim)
        memcpy(g->acct[a].country, claim, 3);
    g->acct[a].listed = 1;
    return a;
}

/* An IPv4 address 10.x.y.z located in country cc (NULL: unknown), in ASN asn
 * (0: unknown). */
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

/* A login through a remote-desktop client (its user agent names one). */
static void rdp_login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts, int32_t secs)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = secs, .remote_ua = 1};
    graph_add_login(g, &e);
}

static void port(rs_graph *g, uint32_t i, uint32_t d, uint16_t p)
{
    port_ev e = {.ts = T0, .ip = i, .device = d, .service = GRAPH_NONE, .port = p};
    graph_add_port(g, &e);
}

/* Finalizes g and runs loginflags_run with p; returns a new flag array
 * (caller frees). */
static acct_flags *run(rs_graph *g, const detect_params *p)
{
    graph_finalize(g);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    acct_flags *fl = calloc(na ? na : 1, sizeof *fl);
    assert_non_null(fl);
    res_index devs;
    resindex_build(&devs, g, NODE_DEVICE);
    loginflags_run(g, p, &devs, fl);
    resindex_free(&devs);
    return fl;
}

/* Parameters with a one-entry hosting list (64500, a documentation ASN), so
 * that which networks are anonymising does not depend on the built-in table. */
static void params(detect_params *p)
{
    detect_params_init(p);
    p->anon_asns[0] = 64500;
    p->n_anon_asns = 1;
}

/* A country change counts when the next login began within geo_hop_window_h
 * (6 h) of the previous session's end, the boundary included; later it is a
 * trip. The gap runs from the end of the session, not its start. */
static void test_loginflags__geo_hop_window(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    const int64_t win = (int64_t)(p.geo_hop_window_h * H);
    rs_graph *g = graph_new();
    uint32_t inside = acct(g, "inside", "US"), edge = acct(g, "edge", "US");
    uint32_t outside = acct(g, "outside", "US"), home = acct(g, "home", "US");
    uint32_t us = ip(g, 1, "US", 0), cn = ip(g, 2, "CN", 0), us2 = ip(g, 3, "US", 0);
    /* A 2-hour session, then China 5 hours after it ended (7 after it began). */
    login(g, inside, us, GRAPH_NONE, T0, 7200);
    login(g, inside, cn, GRAPH_NONE, T0 + 2 * H + 5 * H, 600);
    login(g, edge, us, GRAPH_NONE, T0, 7200);
    login(g, edge, cn, GRAPH_NONE, T0 + 2 * H + win, 600);
    login(g, outside, us, GRAPH_NONE, T0, 7200);
    login(g, outside, cn, GRAPH_NONE, T0 + 2 * H + win + 1000, 600);
    /* Two addresses of one country minutes apart. */
    login(g, home, us, GRAPH_NONE, T0, 600);
    login(g, home, us2, GRAPH_NONE, T0 + 11 * 60 * 1000, 600);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[inside], FLAG_GEO_HOP));
    assert_int_equal(fl[inside].evidence[FLAG_GEO_HOP], 1);
    assert_true(flags_has(&fl[edge], FLAG_GEO_HOP));
    assert_false(flags_has(&fl[outside], FLAG_GEO_HOP));
    assert_false(flags_has(&fl[home], FLAG_GEO_HOP));
    free(fl);
    graph_free(g);
}

/* Every hop counts once: there and back again is two. */
static void test_loginflags__geo_hop_counts_each_hop(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t a = acct(g, "a", "US");
    uint32_t us = ip(g, 1, "US", 0), cn = ip(g, 2, "CN", 0);
    login(g, a, us, GRAPH_NONE, T0, 600);
    login(g, a, cn, GRAPH_NONE, T0 + H, 600);
    login(g, a, us, GRAPH_NONE, T0 + 2 * H, 600);
    acct_flags *fl = run(g, &p);
    assert_int_equal(fl[a].evidence[FLAG_GEO_HOP], 2);
    free(fl);
    graph_free(g);
}

/* Without countries, located addresses hop when the distance beyond both
 * accuracy radii is at least min_hop_km and faster than an airliner; wide
 * radii (mobile and ISP addresses located to a region) absorb the distance. */
static void test_loginflags__geo_hop_by_speed(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t fast = acct(g, "fast", "DE"), fuzzy = acct(g, "fuzzy", "DE");
    uint32_t slow = acct(g, "slow", "DE");
    uint32_t berlin = ip(g, 1, NULL, 0), rome = ip(g, 2, NULL, 0); /* about 1180 km */
    uint32_t berlin_r = ip(g, 3, NULL, 0), rome_r = ip(g, 4, NULL, 0);
    g->ip[berlin].lat = g->ip[berlin_r].lat = 52.5f;
    g->ip[berlin].lon = g->ip[berlin_r].lon = 13.4f;
    g->ip[rome].lat = g->ip[rome_r].lat = 41.9f;
    g->ip[rome].lon = g->ip[rome_r].lon = 12.5f;
    g->ip[berlin].has_loc = g->ip[rome].has_loc = 1;
    g->ip[berlin_r].has_loc = g->ip[rome_r].has_loc = 1;
    g->ip[berlin_r].radius_km = g->ip[rome_r].radius_km = 200;
    login(g, fast, berlin, GRAPH_NONE, T0, 0);
    login(g, fast, rome, GRAPH_NONE, T0 + H / 2, 0);
    login(g, fuzzy, berlin_r, GRAPH_NONE, T0, 0);
    login(g, fuzzy, rome_r, GRAPH_NONE, T0 + H / 2, 0);
    login(g, slow, berlin, GRAPH_NONE, T0, 0);
    login(g, slow, rome, GRAPH_NONE, T0 + 3 * H, 0); /* a flight */
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[fast], FLAG_GEO_HOP));
    assert_false(flags_has(&fl[fuzzy], FLAG_GEO_HOP));
    assert_false(flags_has(&fl[slow], FLAG_GEO_HOP));
    free(fl);
    graph_free(g);
}

/* One session of exactly long_session_h (24 h) is long; a second shorter is
 * not; an unknown length (-1) never is. */
static void test_loginflags__long_session_threshold(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    const int32_t limit = (int32_t)(p.long_session_h * 3600);
    rs_graph *g = graph_new();
    uint32_t at = acct(g, "at", "US"), below = acct(g, "below", "US");
    uint32_t unknown = acct(g, "unknown", "US");
    uint32_t us = ip(g, 1, "US", 0);
    login(g, at, us, GRAPH_NONE, T0, limit);
    login(g, below, us, GRAPH_NONE, T0, limit - 1);
    login(g, unknown, us, GRAPH_NONE, T0, -1);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[at], FLAG_LONG_SESSION));
    assert_int_equal(fl[at].evidence[FLAG_LONG_SESSION], 1);
    assert_false(flags_has(&fl[below], FLAG_LONG_SESSION));
    assert_false(flags_has(&fl[unknown], FLAG_LONG_SESSION));
    free(fl);
    graph_free(g);
}

/* Back-to-back sessions closer than chain_gap_min (15 min) are one presence:
 * two 13-hour sessions 10 minutes apart are long; 20 minutes apart they are
 * two ordinary days. */
static void test_loginflags__long_session_chained(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t chained = acct(g, "chained", "US"), apart = acct(g, "apart", "US");
    uint32_t us = ip(g, 1, "US", 0);
    const int32_t s13 = 13 * 3600;
    login(g, chained, us, GRAPH_NONE, T0, s13);
    login(g, chained, us, GRAPH_NONE, T0 + 13 * H + 10 * 60 * 1000, s13);
    login(g, apart, us, GRAPH_NONE, T0, s13);
    login(g, apart, us, GRAPH_NONE, T0 + 13 * H + 20 * 60 * 1000, s13);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[chained], FLAG_LONG_SESSION));
    assert_int_equal(fl[chained].evidence[FLAG_LONG_SESSION], 1);
    assert_false(flags_has(&fl[apart], FLAG_LONG_SESSION));
    free(fl);
    graph_free(g);
}

/* An address in a hosting ASN of anon_asns, or marked by the Anonymous-IP
 * database, is anonymising; evidence counts such logins. Another ASN is not. */
static void test_loginflags__anon_network(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t hosted = acct(g, "hosted", "US"), vpn = acct(g, "vpn", "US");
    uint32_t isp = acct(g, "isp", "US");
    uint32_t dc = ip(g, 1, "US", 64500), exitn = ip(g, 2, "US", 0), home = ip(g, 3, "US", 64501);
    g->ip[exitn].anon = ANON_ANY | ANON_VPN;
    login(g, hosted, dc, GRAPH_NONE, T0, 600);
    login(g, hosted, dc, GRAPH_NONE, T0 + DAY, 600);
    login(g, hosted, home, GRAPH_NONE, T0 + 2 * DAY, 600);
    login(g, vpn, exitn, GRAPH_NONE, T0, 600);
    login(g, isp, home, GRAPH_NONE, T0, 600);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[hosted], FLAG_ANON_NETWORK));
    assert_int_equal(fl[hosted].evidence[FLAG_ANON_NETWORK], 2);
    assert_true(flags_has(&fl[vpn], FLAG_ANON_NETWORK));
    assert_false(flags_has(&fl[isp], FLAG_ANON_NETWORK));
    free(fl);
    graph_free(g);
}

/* COUNTRY_MISMATCH needs mismatch_min_logins (3) located logins and at least
 * mismatch_share (half) of them away from the claimed country; evidence is
 * the logins away. Unlocated logins do not count, nor does an account that
 * claims nothing. */
static void test_loginflags__country_mismatch_majority(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t most = acct(g, "most", "US"), half = acct(g, "half", "US");
    uint32_t few = acct(g, "few", "US"), short_ = acct(g, "short", "US");
    uint32_t noclaim = acct(g, "noclaim", NULL);
    uint32_t us = ip(g, 1, "US", 0), cn = ip(g, 2, "CN", 0), nowhere = ip(g, 3, NULL, 0);
    /* Logins a week apart: no GEO_HOP to confuse things. */
    const uint32_t plan[][4] = {
        {2, 2, 1, 0}, /* most: 2 of 3 away */
        {2, 2, 1, 1}, /* half: 2 of 4 away */
        {2, 1, 1, 1}, /* few: 1 of 4 away */
    };
    const uint32_t who[] = {most, half, few};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 4 && plan[k][i]; i++)
            login(g, who[k], plan[k][i] == 2 ? cn : us, GRAPH_NONE, T0 + i * 7 * DAY, 600);
    login(g, short_, cn, GRAPH_NONE, T0, 600);
    login(g, short_, cn, GRAPH_NONE, T0 + 7 * DAY, 600);
    login(g, short_, nowhere, GRAPH_NONE, T0 + 14 * DAY, 600);
    for (int i = 0; i < 3; i++)
        login(g, noclaim, cn, GRAPH_NONE, T0 + i * 7 * DAY, 600);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[most], FLAG_COUNTRY_MISMATCH));
    assert_int_equal(fl[most].evidence[FLAG_COUNTRY_MISMATCH], 2);
    assert_true(flags_has(&fl[half], FLAG_COUNTRY_MISMATCH));
    assert_false(flags_has(&fl[few], FLAG_COUNTRY_MISMATCH));
    assert_false(flags_has(&fl[short_], FLAG_COUNTRY_MISMATCH));
    assert_false(flags_has(&fl[noclaim], FLAG_COUNTRY_MISMATCH));
    free(fl);
    graph_free(g);
}

/* A remote-desktop port seen on a device flags its users with remote_device
 * set (software on their own machine); seen on an IP, its users are flagged
 * without it (offices expose RDP on their lines). Other ports flag nobody. */
static void test_loginflags__remote_access_device_vs_ip(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t ondev = acct(g, "ondev", "US"), onip = acct(g, "onip", "US");
    uint32_t web = acct(g, "web", "US");
    uint32_t i1 = ip(g, 1, "US", 0), i2 = ip(g, 2, "US", 0), i3 = ip(g, 3, "US", 0);
    uint32_t laptop = dev(g, "laptop"), server = dev(g, "server");
    login(g, ondev, i1, laptop, T0, 600);
    login(g, onip, i2, GRAPH_NONE, T0, 600);
    login(g, web, i3, server, T0, 600);
    port(g, GRAPH_NONE, laptop, 3389);
    port(g, i2, GRAPH_NONE, 5900);
    port(g, i3, server, 443);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[ondev], FLAG_REMOTE_ACCESS));
    assert_int_equal(fl[ondev].remote_device, 1);
    assert_true(flags_has(&fl[onip], FLAG_REMOTE_ACCESS));
    assert_int_equal(fl[onip].remote_device, 0);
    assert_false(flags_has(&fl[web], FLAG_REMOTE_ACCESS));
    assert_int_equal(fl[web].remote_device, 0);
    free(fl);
    graph_free(g);
}

/* SHARED_DEVICE on every user of a device two or more accounts use, with the
 * number of its other users as evidence; a device of one account flags
 * nobody. */
static void test_loginflags__shared_device_degree(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t a = acct(g, "a", "US"), b = acct(g, "b", "US"), c = acct(g, "c", "US");
    uint32_t d = acct(g, "d", "US"), e = acct(g, "e", "US"), solo = acct(g, "solo", "US");
    uint32_t us = ip(g, 1, "US", 0);
    uint32_t three = dev(g, "three"), two = dev(g, "two"), own = dev(g, "own");
    login(g, a, us, three, T0, 600);
    login(g, b, us, three, T0 + DAY, 600);
    login(g, c, us, three, T0 + 2 * DAY, 600);
    login(g, c, us, three, T0 + 3 * DAY, 600); /* more logins, same users */
    login(g, d, us, two, T0, 600);
    login(g, e, us, two, T0, 600);
    login(g, solo, us, own, T0, 600);
    acct_flags *fl = run(g, &p);
    assert_int_equal(fl[a].evidence[FLAG_SHARED_DEVICE], 2);
    assert_int_equal(fl[b].evidence[FLAG_SHARED_DEVICE], 2);
    assert_int_equal(fl[c].evidence[FLAG_SHARED_DEVICE], 2);
    assert_true(flags_has(&fl[d], FLAG_SHARED_DEVICE));
    assert_int_equal(fl[d].evidence[FLAG_SHARED_DEVICE], 1);
    assert_true(flags_has(&fl[e], FLAG_SHARED_DEVICE));
    assert_false(flags_has(&fl[solo], FLAG_SHARED_DEVICE));
    free(fl);
    graph_free(g);
}

/* n accounts named prefix0.. claiming the US, each on its own device, each logging
 * in every day of ndays on line `on` (starting hour h0, secs long) and, every
 * `away`-th day instead (0: never), from its own home address. Returns the first. */
static uint32_t crowd(rs_graph *g, const char *prefix, unsigned n, uint32_t on, unsigned ndays,
                      unsigned away, int32_t secs, unsigned homes)
{
    uint32_t first = GRAPH_NONE;
    for (unsigned k = 0; k < n; k++) {
        char id[32];
        snprintf(id, sizeof id, "%s%u", prefix, k);
        uint32_t a = acct(g, id, "US"), d = dev(g, id);
        uint32_t home = ip(g, homes + k, "US", 7922);
        if (first == GRAPH_NONE)
            first = a;
        for (unsigned day = 0; day < ndays; day++)
            login(g, a, away && day % away == 0 ? home : on, d, T0 + day * DAY + k * H / 4, secs);
    }
    return first;
}

/* A laptop farm: five personas on one residential line that answers on 3389,
 * every login there, day-long sessions. Each carries FARM_LINE with its logins
 * on the line as evidence and the line remembered; the evidence rule shows a
 * login on the line and not one elsewhere. */
static void test_loginflags__farm_line(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t line = ip(g, 1, "US", 7922);
    uint32_t first = crowd(g, "farm", 5, line, 20, 0, 20 * 3600, 100);
    port(g, line, GRAPH_NONE, 3389);
    uint32_t elsewhere = ip(g, 2, "US", 7922);
    acct_flags *fl = run(g, &p);
    for (uint32_t a = first; a < first + 5; a++) {
        assert_true(flags_has(&fl[a], FLAG_FARM_LINE));
        assert_int_equal(fl[a].evidence[FLAG_FARM_LINE], 20);
        assert_int_equal(fl[a].farm_line, line + 1);
        assert_int_equal(flags_deception(&fl[a]) & DECEPTION_REMOTE, DECEPTION_REMOTE);
    }
    findings f = {0};
    f.flags = fl;
    evsel_view v = {.g = g, .f = &f, .p = &p};
    source_row r = {0};
    r.ev.login = (login_ev){.ts = T0, .account = first, .ip = line, .device = GRAPH_NONE};
    assert_true(loginflags_shows_farm_line(&v, first, &r));
    r.ev.login.ip = elsewhere;
    assert_false(loginflags_shows_farm_line(&v, first, &r));
    free(fl);
    graph_free(g);
}

/* Look-alikes of a farm line that must not raise FARM_LINE: a coworking space
 * (many accounts live on one business line, no remote-desktop port); an IT
 * administrator (his own line answers on 3389, day-long sessions, one account;
 * two friends log in from it now and then); an office exposing RDP whose staff log in from
 * home every other day; a VPN exit answering on 3389 (anonymising, not a line
 * anyone lives on); a carrier's NAT (many accounts spread over a few addresses,
 * one of them answering on 3389). */
static void test_loginflags__farm_line_lookalikes(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t cowork = ip(g, 1, "US", 7922), admin = ip(g, 2, "US", 7922);
    uint32_t office = ip(g, 3, "US", 7922), vpn = ip(g, 4, "US", 64500);
    crowd(g, "cowork", 12, cowork, 20, 0, 8 * 3600, 100);
    uint32_t it = crowd(g, "admin", 1, admin, 20, 0, 20 * 3600, 200);
    for (unsigned k = 0; k < 2; k++) { /* friends who log in from his line now and then */
        uint32_t friend = acct(g, k ? "friend1" : "friend0", "US");
        uint32_t home = ip(g, 300 + k, "US", 7922);
        for (unsigned day = 0; day < 10; day++)
            login(g, friend, day % 5 ? home : admin, GRAPH_NONE, T0 + day * DAY, 3600);
    }
    crowd(g, "office", 8, office, 20, 2, 8 * 3600, 400);
    crowd(g, "vpn", 6, vpn, 20, 0, 8 * 3600, 500);
    port(g, cowork, GRAPH_NONE, 443);
    port(g, admin, GRAPH_NONE, 3389);
    port(g, office, GRAPH_NONE, 3389);
    port(g, vpn, GRAPH_NONE, 3389);
    uint32_t pool[4];
    for (unsigned k = 0; k < 4; k++)
        pool[k] = ip(g, 600 + k, "US", 21928);
    port(g, pool[0], GRAPH_NONE, 3389);
    for (unsigned k = 0; k < 40; k++) {
        char id[32];
        snprintf(id, sizeof id, "mobile%u", k);
        uint32_t a = acct(g, id, "US");
        for (unsigned s = 0; s < 20; s++)
            login(g, a, pool[(k + s) % 4], GRAPH_NONE, T0 + s * H + k * 1000, 300);
    }
    acct_flags *fl = run(g, &p);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    for (uint32_t a = 0; a < na; a++) {
        assert_false(flags_has(&fl[a], FLAG_FARM_LINE));
        assert_int_equal(fl[a].farm_line, 0);
    }
    assert_true(flags_has(&fl[it], FLAG_REMOTE_ACCESS));
    free(fl);
    graph_free(g);
}

/* A farm line with no port observation: its personas reach their laptops through
 * remote-desktop clients, which their logins' user agents name, on some of the
 * personas only. The line counts as one with remote access: every persona carries
 * FARM_LINE; those whose own logins came through a client carry REMOTE_ACCESS with
 * the software on their side (remote_device), shown by those logins and not by the
 * others. The line is marked by loginflags_remote_ips. */
static void test_loginflags__farm_line_by_user_agent(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t line = ip(g, 1, "US", 7922);
    uint32_t first = crowd(g, "farm", 4, line, 20, 0, 20 * 3600, 100);
    uint32_t d = dev(g, "farm-rdp");
    uint32_t viewer = acct(g, "farm-viewer", "US");
    for (unsigned day = 0; day < 20; day++)
        rdp_login(g, viewer, line, d, T0 + day * DAY + 5 * H, 20 * 3600);
    acct_flags *fl = run(g, &p);
    for (uint32_t a = first; a < first + 4; a++) {
        assert_true(flags_has(&fl[a], FLAG_FARM_LINE));
        assert_false(flags_has(&fl[a], FLAG_REMOTE_ACCESS));
    }
    assert_true(flags_has(&fl[viewer], FLAG_FARM_LINE));
    assert_true(flags_has(&fl[viewer], FLAG_REMOTE_ACCESS));
    assert_int_equal(fl[viewer].evidence[FLAG_REMOTE_ACCESS], 20);
    assert_int_equal(fl[viewer].remote_device, 1);
    uint8_t *rem = loginflags_remote_ips(g, &p);
    assert_non_null(rem);
    assert_int_equal(rem[line], 1);
    free(rem);
    findings f = {0};
    f.flags = fl;
    evsel_view v = {.g = g, .f = &f, .p = &p};
    source_row r = {0};
    r.table = TABLE_LOGINS;
    r.ev.login = (login_ev){.ts = T0, .account = viewer, .ip = line, .device = d, .remote_ua = 1};
    assert_true(loginflags_shows_remote_access(&v, viewer, &r));
    r.ev.login.remote_ua = 0;
    assert_false(loginflags_shows_remote_access(&v, viewer, &r));
    free(fl);
    graph_free(g);
}

/* Look-alikes of remote-desktop logins that must not raise FARM_LINE: a coworking
 * space where one member works through AnyDesk (the others do not live on the line:
 * they log in from home one day in four), and an office whose staff connect to their
 * desktops through an RDP client but log in from home every other day. Nobody on
 * those lines carries REMOTE_ACCESS for another's client. With no remote-desktop
 * login and no port, loginflags_remote_ips marks nothing. */
static void test_loginflags__user_agent_lookalikes(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t cowork = ip(g, 1, "US", 7922), office = ip(g, 2, "US", 7922);
    uint32_t members = crowd(g, "cowork", 10, cowork, 20, 4, 8 * 3600, 100);
    uint32_t anydesk = acct(g, "cowork-anydesk", "US");
    for (unsigned day = 0; day < 20; day++)
        rdp_login(g, anydesk, cowork, GRAPH_NONE, T0 + day * DAY + 3 * H, 8 * 3600);
    for (unsigned k = 0; k < 6; k++) {
        char id[32];
        snprintf(id, sizeof id, "staff%u", k);
        uint32_t a = acct(g, id, "US");
        uint32_t home = ip(g, 200 + k, "US", 7922);
        for (unsigned day = 0; day < 20; day++)
            rdp_login(g, a, day % 2 ? home : office, GRAPH_NONE, T0 + day * DAY + k * H, 8 * 3600);
    }
    acct_flags *fl = run(g, &p);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    for (uint32_t a = 0; a < na; a++)
        assert_false(flags_has(&fl[a], FLAG_FARM_LINE));
    for (uint32_t a = members; a < members + 10; a++)
        assert_false(flags_has(&fl[a], FLAG_REMOTE_ACCESS));
    assert_true(flags_has(&fl[anydesk], FLAG_REMOTE_ACCESS));
    free(fl);
    graph_free(g);

    g = graph_new();
    crowd(g, "plain", 5, ip(g, 1, "US", 7922), 5, 0, 3600, 100);
    graph_finalize(g);
    assert_null(loginflags_remote_ips(g, &p));
    graph_free(g);
}

/* n logins of account a from address i, one a day, starting at minute `minute` of
 * the UTC day plus step_min minutes more each day (a spread of start times). */
static void days_at(rs_graph *g, uint32_t a, uint32_t i, unsigned n, int minute, int step_min)
{
    for (unsigned d = 0; d < n; d++)
        login(g, a, i, GRAPH_NONE, T0 + d * DAY + (int64_t)(minute + (int)d * step_min) * 60000,
              3 * 3600);
}

/* A UTC+8 working day under a European claim: an account claiming Germany, behind
 * German residential addresses, starting its sessions from 09:00 to 13:35 UTC+8
 * (01:00-05:35 UTC, 02:00-06:35 in Berlin) raises OFF_HOURS with its twelve logins
 * as evidence; the evidence rule shows a night login and not a 10:00 UTC one (11:00
 * in Berlin), as a weak flag. The same hours under a claim of the United States are Hawaii's
 * afternoon (15:00-19:35 HST): a country of several zones fits a login when any of
 * its zones does, so nothing is raised. OFF_HOURS alone is no deception. */
static void test_loginflags__off_hours_foreign_day(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t de = acct(g, "de", "DE"), us = acct(g, "us", "US");
    uint32_t de_ip = ip(g, 1, "DE", 3320), us_ip = ip(g, 2, "US", 7922);
    days_at(g, de, de_ip, 12, 60, 25);
    days_at(g, us, us_ip, 12, 60, 25);
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[de], FLAG_OFF_HOURS));
    assert_int_equal(fl[de].evidence[FLAG_OFF_HOURS], 12);
    assert_true(fl[de].weak & (1u << FLAG_OFF_HOURS));
    assert_int_equal(flags_deception(&fl[de]), 0);
    assert_false(flags_has(&fl[us], FLAG_OFF_HOURS));
    findings f = {0};
    f.flags = fl;
    evsel_view v = {.g = g, .f = &f, .p = &p};
    source_row r = {0};
    r.ev.login = (login_ev){.ts = T0 + 3 * H, .account = de, .ip = de_ip, .device = GRAPH_NONE};
    assert_true(loginflags_shows_off_hours(&v, de, &r));
    r.ev.login.ts = T0 + 10 * H;
    assert_false(loginflags_shows_off_hours(&v, de, &r));
    free(fl);
    graph_free(g);
}

/* The rule's thresholds: half of at least ten logins. Nine logins all at night say
 * nothing; ten with five at night do; ten with four do not; an account with no
 * claim, or a claim tzdata does not know, is not judged. The span of a country of
 * several zones: the United States run from UTC-10 (Hawaii) to UTC-4 (New York in
 * summer), so a start is in hours from 12:00 UTC (08:00 at UTC-4) to 05:59 UTC
 * (19:59 at UTC-10), and off hours from 06:00 to 11:59 UTC only. */
static void test_loginflags__off_hours_thresholds(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t nine = acct(g, "nine", "DE"), half = acct(g, "half", "DE");
    uint32_t less = acct(g, "less", "DE"), none = acct(g, "none", NULL), xx = acct(g, "xx", "XX");
    uint32_t de_ip = ip(g, 1, "DE", 3320), un = ip(g, 2, NULL, 0);
    days_at(g, nine, de_ip, 9, 60, 0);
    days_at(g, half, de_ip, 5, 60, 0);         /* 02:00 in Berlin */
    days_at(g, half, de_ip, 5, 10 * 60, 0);    /* 11:00 */
    days_at(g, less, de_ip, 4, 60, 0);
    days_at(g, less, de_ip, 6, 10 * 60, 0);
    days_at(g, none, un, 12, 60, 0);
    days_at(g, xx, un, 12, 60, 0);
    acct_flags *fl = run(g, &p);
    assert_false(flags_has(&fl[nine], FLAG_OFF_HOURS));
    assert_true(flags_has(&fl[half], FLAG_OFF_HOURS));
    assert_int_equal(fl[half].evidence[FLAG_OFF_HOURS], 5);
    assert_false(flags_has(&fl[less], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[none], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[xx], FLAG_OFF_HOURS));
    /* 2026-03-01 is winter time: New York UTC-5, Hawaii UTC-10. */
    assert_true(rules_login_in_hours(&p, T0 + H - 60000, "US", &g->ip[un]));
    assert_true(rules_login_in_hours(&p, T0 + 5 * H + 59 * 60000, "US", &g->ip[un]));
    assert_false(rules_login_in_hours(&p, T0 + 6 * H, "US", &g->ip[un]));
    assert_false(rules_login_in_hours(&p, T0 + 12 * H - 60000, "US", &g->ip[un]));
    assert_true(rules_login_in_hours(&p, T0 + 12 * H, "US", &g->ip[un]));
    free(fl);
    graph_free(g);
}

/* The zone table by name: a zone.tab name gives its country and ordinal, whose
 * offsets are the zone's own; a link ("US/Central"), an empty name or an ordinal
 * past the country's zones give nothing. */
static void test_loginflags__zone_table(void **state)
{
    (void)state;
    char cc[3] = "";
    unsigned k = country_tz_zone_find("America/Chicago", cc);
    assert_string_equal(cc, "US");
    const country_tz_span *z = country_tz_zone("US", k);
    assert_non_null(z);
    assert_int_equal(z->lo_min, -360);
    assert_int_equal(z->hi_min, -300);
    assert_int_equal(country_tz_zone_find("Europe/Andorra", cc), 1);
    assert_string_equal(cc, "AD");
    assert_int_equal(country_tz_zone_find("Asia/Tokyo", cc), 1);
    assert_string_equal(cc, "JP");
    assert_int_equal(country_tz_zone("JP", 1)->lo_min, 540);
    assert_int_equal(country_tz_zone_find("US/Central", cc), 0);
    assert_int_equal(country_tz_zone_find("", cc), 0);
    assert_null(country_tz_zone("US", 0));
    assert_null(country_tz_zone("JP", 2));
    assert_null(country_tz_zone("US", COUNTRY_TZ_MAX_ZONES));
    assert_null(country_tz_zone("XX", 1));
}

/* The address's side with the City database's zone: at 03:00 UTC a German claim is
 * at night (04:00), and an address located in the United States is in hours by the
 * country's span (17:00 in Hawaii); an address the database puts in Chicago is not
 * (21:00 CST), one in Honolulu is. An ordinal the country has no zone for falls back
 * to the span; an anonymising address says nothing, zone or not. */
static void test_loginflags__off_hours_city_zone(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t us = ip(g, 1, "US", 0), chi = ip(g, 2, "US", 0), hnl = ip(g, 3, "US", 0);
    uint32_t bad = ip(g, 4, "US", 0), vpn = ip(g, 5, "US", 0);
    char cc[3];
    g->ip[chi].tz = country_tz_zone_find("America/Chicago", cc);
    g->ip[hnl].tz = country_tz_zone_find("Pacific/Honolulu", cc);
    g->ip[bad].tz = 30; /* the United States have 29 zones */
    g->ip[vpn].tz = g->ip[chi].tz;
    g->ip[vpn].anon = ANON_ANY | ANON_VPN;
    int64_t t = T0 + 3 * H;
    assert_true(rules_login_in_hours(&p, t, "DE", &g->ip[us]));
    assert_false(rules_login_in_hours(&p, t, "DE", &g->ip[chi]));
    assert_true(rules_login_in_hours(&p, t, "DE", &g->ip[hnl]));
    assert_true(rules_login_in_hours(&p, t, "DE", &g->ip[bad]));
    assert_false(rules_login_in_hours(&p, t, "DE", &g->ip[vpn]));
    /* The claim's side keeps the country's span: a claim of the United States is in
     * hours at Hawaii's 17:00 whatever zone the address has. */
    assert_true(rules_login_in_hours(&p, t, "US", &g->ip[chi]));
    /* 14:00 UTC is 08:00 in Chicago: in hours by the zone. */
    assert_true(rules_login_in_hours(&p, T0 + 14 * H, "JP", &g->ip[chi]));
    graph_free(g);
}

/* Look-alikes: a night worker on his own line starting 22:00-02:00 local raises
 * OFF_HOURS, but it is no deception and its weight alone stays far below what flags
 * an account (own_weight x weight < threshold); a nomad claiming Germany who works
 * American hours from American addresses, a relocator now in Brazil, a traveller
 * in Japan, an IT administrator starting at 07:00-10:00 New York time with
 * day-long sessions, and a German user on an American VPN exit working German hours
 * raise nothing. */
static void test_loginflags__off_hours_lookalikes(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    rs_graph *g = graph_new();
    uint32_t night = acct(g, "night", "DE"), nomad = acct(g, "nomad", "DE");
    uint32_t reloc = acct(g, "reloc", "PL"), travel = acct(g, "travel", "GB");
    uint32_t admin = acct(g, "admin", "US"), vpnuser = acct(g, "vpnuser", "DE");
    uint32_t de_ip = ip(g, 1, "DE", 3320), us_ip = ip(g, 2, "US", 7922);
    uint32_t br_ip = ip(g, 3, "BR", 28573), jp_ip = ip(g, 4, "JP", 2516);
    uint32_t us_ip2 = ip(g, 5, "US", 7018), vpn = ip(g, 6, "US", 64500);
    days_at(g, night, de_ip, 20, 21 * 60, 12);   /* 22:00-01:48 in Berlin */
    days_at(g, nomad, us_ip, 20, 15 * 60, 20);   /* 10:00-16:20 in New York */
    days_at(g, reloc, br_ip, 20, 12 * 60, 20);   /* 09:00-15:20 in Sao Paulo */
    days_at(g, travel, jp_ip, 20, 0, 20);        /* 09:00-15:20 in Tokyo */
    days_at(g, admin, us_ip2, 20, 12 * 60, 9);   /* 07:00-09:51 in New York */
    days_at(g, vpnuser, vpn, 20, 8 * 60, 25);    /* 09:00-16:55 in Berlin */
    acct_flags *fl = run(g, &p);
    assert_true(flags_has(&fl[night], FLAG_OFF_HOURS));
    assert_int_equal(fl[night].bits, 1u << FLAG_OFF_HOURS);
    assert_int_equal(fl[night].weak, 1u << FLAG_OFF_HOURS);
    assert_int_equal(flags_deception(&fl[night]), 0);
    assert_true(p.own_weight * p.fw[FLAG_OFF_HOURS] < p.threshold);
    assert_false(flags_has(&fl[nomad], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[reloc], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[travel], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[admin], FLAG_OFF_HOURS));
    assert_false(flags_has(&fl[vpnuser], FLAG_OFF_HOURS));
    free(fl);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loginflags__geo_hop_window),
        cmocka_unit_test(test_loginflags__geo_hop_counts_each_hop),
        cmocka_unit_test(test_loginflags__geo_hop_by_speed),
        cmocka_unit_test(test_loginflags__long_session_threshold),
        cmocka_unit_test(test_loginflags__long_session_chained),
        cmocka_unit_test(test_loginflags__anon_network),
        cmocka_unit_test(test_loginflags__country_mismatch_majority),
        cmocka_unit_test(test_loginflags__remote_access_device_vs_ip),
        cmocka_unit_test(test_loginflags__shared_device_degree),
        cmocka_unit_test(test_loginflags__farm_line),
        cmocka_unit_test(test_loginflags__farm_line_lookalikes),
        cmocka_unit_test(test_loginflags__farm_line_by_user_agent),
        cmocka_unit_test(test_loginflags__user_agent_lookalikes),
        cmocka_unit_test(test_loginflags__off_hours_foreign_day),
        cmocka_unit_test(test_loginflags__off_hours_thresholds),
        cmocka_unit_test(test_loginflags__zone_table),
        cmocka_unit_test(test_loginflags__off_hours_city_zone),
        cmocka_unit_test(test_loginflags__off_hours_lookalikes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
