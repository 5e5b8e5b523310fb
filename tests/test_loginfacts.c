/* test_loginfacts.c - login facts (algorithms/loginfacts.c): the reduced form of an
 * account's logins gives the login flags exactly.
 *
 * Each check compares three forms of the same timelines on random worlds: every
 * login as it is (one use and one quarter per login, every consecutive pair a hop,
 * every session a span), login_facts_build's (hops and spans pruned), and that with
 * uses summed per address and quarters per (address, quarter hour), in another
 * order, as a reduced export gives them. The flags, their evidence counts and the
 * farm line must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/loginfacts.h"
#include "algorithms/loginflags.h"
#include "algorithms/rules.h"
#include "base/alloc.h"
#include "model/country_tz.h"

#define MIN (60 * 1000LL)
#define H (60 * MIN)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static const char *const countries[] = {"US", "DE", "CN", "IN", "NP", "AU", "", "BR"};
#define NCOUNTRY (sizeof countries / sizeof *countries)
#define NIP 14

/* A random world: NIP addresses in a few countries (some located, some
 * anonymising, some with a city zone) and na accounts with up to 90 logins each,
 * close together or days apart, with sessions of every length. */
static rs_graph *world(uint32_t na)
{
    rs_graph *g = graph_new();
    for (unsigned n = 0; n < NIP; n++) {
        ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)(n + 1)}};
        uint32_t i = graph_ip(g, &x);
        const char *cc = countries[rnd(NCOUNTRY)];
        memcpy(g->ip[i].country, cc, strlen(cc) + 1);
        if (rnd(3)) {
            g->ip[i].has_loc = 1;
            g->ip[i].lat = (float)rnd(140) - 70;
            g->ip[i].lon = (float)rnd(360) - 180;
            g->ip[i].radius_km = (uint16_t)(rnd(4) * 100);
        }
        g->ip[i].asn = rnd(5) == 0 ? 64500 : 100 + n;
        if (!strcmp(cc, "US") && rnd(2))
            g->ip[i].tz = (unsigned)(1 + rnd(5));
    }
    static const int32_t sessions[] = {-1, 0, 600, 5 * 3600, 23 * 3600, 30 * 3600, 3599};
    static const int64_t steps[] = {0, 1 * MIN, 14 * MIN, 16 * MIN, 3 * H, 7 * H, 26 * H, 4 * 24 * H};
    for (uint32_t k = 0; k < na; k++) {
        char id[16];
        snprintf(id, sizeof id, "acct%u", k);
        uint32_t a = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
        const char *claim = countries[rnd(NCOUNTRY)];
        memcpy(g->acct[a].country, claim, strlen(claim) + 1);
        g->acct[a].listed = 1;
        uint32_t n = rnd(91), home = rnd(NIP), stay = rnd(11);
        int64_t ts = T0 + (int64_t)rnd(24 * 60) * MIN;
        for (uint32_t j = 0; j < n; j++) {
            ts += steps[rnd(sizeof steps / sizeof *steps)] + (int64_t)rnd(60) * 1000;
            login_ev e = {
                .ts = ts,
                .account = a,
                .ip = rnd(10) < stay ? home : rnd(NIP),
                .device = GRAPH_NONE,
                .session_s = sessions[rnd(sizeof sessions / sizeof *sessions)],
                .remote_ua = rnd(12) == 0,
            };
            graph_add_login(g, &e);
        }
    }
    graph_finalize(g);
    return g;
}

/* Parameters of trial t: the defaults, then windows, speeds and lengths that
 * move the boundaries the pruning relies on. */
static void params(detect_params *p, unsigned t)
{
    detect_params_init(p);
    p->anon_asns[0] = 64500;
    p->n_anon_asns = 1;
    static const double window[] = {6, 0, 30, 2.5};
    static const double kmh[] = {1000, 300, 5000, 900};
    static const double km[] = {1000, 0, 200, 5000};
    static const double long_h[] = {24, 2, 5, 0.5};
    static const double gap_min[] = {15, 0, 120, 16};
    p->geo_hop_window_h = window[t % 4];
    p->airliner_kmh = kmh[(t / 4) % 4];
    p->min_hop_km = km[(t / 2) % 4];
    p->long_session_h = long_h[(t / 3) % 4];
    p->chain_gap_min = gap_min[(t / 5) % 4];
}

/* Account a's logins unreduced: one use and one quarter per login, every
 * consecutive pair a hop, every session a span. */
static void every_login(login_facts *f, const rs_graph *g, const detect_params *p, uint32_t a,
                        int64_t from)
{
    size_t lo = g->login_off[a], hi = g->login_off[a + 1];
    f->nuse = f->nquarter = f->nhop = f->nspan = 0;
    for (size_t i = lo; i < hi; i++) {
        const login_ev *e = &g->logins.v[i];
        ALLOC_GROW(f->use, f->use_cap, f->nuse + 1);
        ALLOC_GROW(f->quarter, f->quarter_cap, f->nquarter + 1);
        ALLOC_GROW(f->hop, f->hop_cap, f->nhop + 1);
        ALLOC_GROW(f->span, f->span_cap, f->nspan + 1);
        f->use[f->nuse++] = (login_use){e->ip, 1, e->ts >= from,
                                        (uint32_t)rules_long_session(p, e->session_s),
                                        e->remote_ua};
        f->quarter[f->nquarter++] = (login_quarter){e->ip, rules_quarter_of_day(e->ts), 1};
        if (i > lo) {
            const login_ev *pr = &g->logins.v[i - 1];
            f->hop[f->nhop++] = (login_hop){pr->ip, e->ip,
                                            e->ts - login_facts_end(pr->ts, pr->session_s)};
        }
        if (e->session_s >= 0)
            f->span[f->nspan++] = (login_span){e->ts, e->session_s};
    }
}

/* f with its uses summed per address and its quarters per (address, quarter),
 * highest address first, as a reduced table lists them in its own order. */
static void summed(login_facts *f)
{
    login_use *u = calloc(NIP, sizeof *u);
    login_quarter *q = calloc((size_t)NIP * RULES_QUARTERS_PER_DAY, sizeof *q);
    assert_non_null(u);
    assert_non_null(q);
    size_t n = 0;
    for (uint32_t ip = NIP; ip-- > 0;) {
        login_use s = {.ip = ip};
        for (size_t i = 0; i < f->nuse; i++)
            if (f->use[i].ip == ip) {
                s.n += f->use[i].n;
                s.n_from += f->use[i].n_from;
                s.n_long += f->use[i].n_long;
                s.n_remote += f->use[i].n_remote;
            }
        if (s.n)
            u[n++] = s;
    }
    if (n)
        memcpy(f->use, u, n * sizeof *u);
    f->nuse = n;
    n = 0;
    for (uint32_t ip = NIP; ip-- > 0;)
        for (uint32_t k = RULES_QUARTERS_PER_DAY; k-- > 0;) {
            login_quarter s = {.ip = ip, .quarter = k};
            for (size_t i = 0; i < f->nquarter; i++)
                if (f->quarter[i].ip == ip && f->quarter[i].quarter == k)
                    s.n += f->quarter[i].n;
            if (s.n)
                q[n++] = s;
        }
    if (n)
        memcpy(f->quarter, q, n * sizeof *q);
    f->nquarter = n;
    free(u);
    free(q);
}

static void assert_same_flags(const acct_flags *x, const acct_flags *y)
{
    assert_int_equal(x->bits, y->bits);
    assert_int_equal(x->weak, y->weak);
    assert_int_equal(x->remote_device, y->remote_device);
    for (unsigned f = 0; f < FLAG_COUNT; f++)
        assert_int_equal(x->evidence[f], y->evidence[f]);
}

static void test_loginfacts__reduced_forms_agree(void **state)
{
    (void)state;
    rng_state = 0x9e3779b97f4a7c15ULL;
    unsigned raised = 0, lines = 0, off_hours = 0, pruned_hops = 0, pruned_spans = 0;
    for (unsigned t = 0; t < 48; t++) {
        detect_params p;
        params(&p, t);
        rs_graph *g = world(60);
        uint8_t rem[NIP + 1] = {0};
        for (unsigned i = 0; i < NIP; i++)
            rem[i] = rnd(3) == 0;
        login_facts all, built;
        login_facts_init(&all);
        login_facts_init(&built);
        uint32_t na = graph_count(g, NODE_ACCOUNT);
        acct_flags *want = calloc(na, sizeof *want), *got = calloc(na, sizeof *got),
                   *got_summed = calloc(na, sizeof *got_summed);
        assert_true(want && got && got_summed);
        for (uint32_t a = 0; a < na; a++) {
            size_t lo = g->login_off[a], hi = g->login_off[a + 1];
            int64_t from = INT64_MIN;
            if (hi > lo && rnd(4) == 0)
                from = g->logins.v[lo + rnd((uint32_t)(hi - lo))].ts;
            every_login(&all, g, &p, a, from);
            login_facts_build(&built, g, &p, a, from);
            pruned_hops += (unsigned)(all.nhop - built.nhop);
            pruned_spans += (unsigned)(all.nspan - built.nspan);
            loginflags_own(g, &p, &all, a, want);
            loginflags_own(g, &p, &built, a, got);
            assert_same_flags(&want[a], &got[a]);
            uint32_t there_all = 0, there_summed = 0;
            uint32_t line = loginflags_home_line(g, &p, rem, &all, &there_all);
            summed(&built);
            loginflags_own(g, &p, &built, a, got_summed);
            assert_same_flags(&want[a], &got_summed[a]);
            assert_int_equal(line, loginflags_home_line(g, &p, rem, &built, &there_summed));
            if (line != GRAPH_NONE) {
                assert_int_equal(there_all, there_summed);
                lines++;
            }
            raised += want[a].bits != 0;
            /* OFF_HOURS by each login's own time, as the evidence rule judges it. */
            const char *claim = g->acct[a].country;
            if (claim[0] && country_tz_find(claim)) {
                uint32_t off = 0;
                for (size_t i = lo; i < hi; i++)
                    off += !rules_login_in_hours(&p, g->logins.v[i].ts, claim,
                                                 &g->ip[g->logins.v[i].ip]);
                int is_off = rules_off_hours(off, (uint32_t)(hi - lo));
                assert_int_equal(is_off, flags_has(&want[a], FLAG_OFF_HOURS));
                assert_int_equal(is_off ? off : 0, want[a].evidence[FLAG_OFF_HOURS]);
                off_hours += (unsigned)is_off;
            }
        }
        free(want);
        free(got);
        free(got_summed);
        login_facts_free(&all);
        login_facts_free(&built);
        graph_free(g);
    }
    /* The worlds exercise what they are meant to: flags raised, pairs and
     * sessions left out by the pruning. */
    assert_true(raised > 500);
    assert_true(lines > 20);
    assert_true(off_hours > 100);
    assert_true(pruned_hops > 1000);
    assert_true(pruned_spans > 1000);
}

/* Every login starting in one quarter hour of the UTC day gets the same answer,
 * whatever the claim, the address's country and its city zone. */
static void test_loginfacts__hours_by_quarter(void **state)
{
    (void)state;
    detect_params p;
    params(&p, 0);
    rng_state = 12345;
    for (unsigned k = 0; k < 200000; k++) {
        ip_attr ia = {0};
        const char *cc = countries[rnd(NCOUNTRY)];
        memcpy(ia.country, cc, strlen(cc) + 1);
        if (!strcmp(cc, "US") || !strcmp(cc, "AU"))
            ia.tz = (unsigned)rnd(6);
        const char *claim = countries[rnd(NCOUNTRY)];
        int64_t ts = T0 + (int64_t)rnd(400) * 24 * H + (int64_t)rnd(24 * 3600) * 1000 - 365 * 24 * H * (int64_t)rnd(60);
        int64_t q = rules_quarter_start(rules_quarter_of_day(ts));
        assert_int_equal(rules_login_in_hours(&p, ts, claim, &ia),
                         rules_login_in_hours(&p, q, claim, &ia));
    }
    assert_int_equal(rules_quarter_of_day(-1), RULES_QUARTERS_PER_DAY - 1);
    assert_int_equal(rules_quarter_of_day(T0 + 15 * MIN - 1), 0);
    assert_int_equal(rules_quarter_of_day(T0 + 15 * MIN), 1);
}

/* The invariant the quarter-hour counts rest on, over the whole zone table:
 * every country's span and every zone's offsets are whole quarter hours. */
static void test_loginfacts__zone_table_in_quarter_hours(void **state)
{
    (void)state;
    unsigned countries_seen = 0, zones_seen = 0;
    for (char c1 = 'A'; c1 <= 'Z'; c1++)
        for (char c2 = 'A'; c2 <= 'Z'; c2++) {
            char cc[3] = {c1, c2, 0};
            const country_tz_span *sp = country_tz_find(cc);
            if (!sp)
                continue;
            countries_seen++;
            assert_int_equal(sp->lo_min % 15, 0);
            assert_int_equal(sp->hi_min % 15, 0);
            for (unsigned k = 1; k <= COUNTRY_TZ_MAX_ZONES; k++) {
                const country_tz_span *z = country_tz_zone(cc, k);
                if (!z)
                    break;
                zones_seen++;
                assert_int_equal(z->lo_min % 15, 0);
                assert_int_equal(z->hi_min % 15, 0);
            }
        }
    assert_true(countries_seen > 200);
    assert_true(zones_seen > 300);
}

/* The hop bound: past it no pair is a hop, at any distance on the globe. */
static void test_loginfacts__hop_bound(void **state)
{
    (void)state;
    detect_params p;
    params(&p, 0);
    p.min_hop_km = 0;
    ip_attr x = {.has_loc = 1, .lat = 0, .lon = 0}, y = {.has_loc = 1, .lat = 0, .lon = 180};
    int64_t bound = rules_geo_hop_gap_bound_ms(&p);
    assert_true(rules_geo_hop(&p, &x, &y, bound - 3600 * 1000));
    assert_false(rules_geo_hop(&p, &x, &y, bound));
    memcpy(x.country, "US", 3);
    memcpy(y.country, "DE", 3);
    p.geo_hop_window_h = 40;
    bound = rules_geo_hop_gap_bound_ms(&p);
    assert_true(rules_geo_hop(&p, &x, &y, bound));
    assert_false(rules_geo_hop(&p, &x, &y, bound + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loginfacts__reduced_forms_agree),
        cmocka_unit_test(test_loginfacts__hours_by_quarter),
        cmocka_unit_test(test_loginfacts__zone_table_in_quarter_hours),
        cmocka_unit_test(test_loginfacts__hop_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
