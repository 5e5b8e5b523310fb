/* test_handover.c - HANDOVER (handover_run, handover_find) on hand-built accounts:
 * a rented account behind VPN exits and one behind a residential proxy raise it
 * with the date; the look-alikes that change one or two things do not: a nomad,
 * a relocator, an owner buying a laptop, changing bank, buying a laptop and
 * changing bank together, starting to use a VPN, bidding more. The evidence rule shows the
 * operated logins only, COUNTRY_MISMATCH counts the operated period, and the
 * owner's shared home line ties the account to nobody. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/evrule.h"
#include "algorithms/handover.h"
#include "algorithms/loginflags.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define VPN_ASN 64500      /* a documentation ASN, the parameters' hosting list */
#define HOME_ASN 64501
#define DAYS 60
#define HANDOVER_DAY 30

static uint32_t acct(rs_graph *g, const char *id, const char *claim)
{
    uint32_t a = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
    memcpy(g->acct[a].country, claim, 3);
    g->acct[a].listed = 1;
    return a;
}

/* An IPv4 address 10.x.y.z in country cc and ASN asn. */
static uint32_t ip(rs_graph *g, unsigned n, const char *cc, uint32_t asn)
{
    ipaddr x = {.len = 4, .b = {10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n}};
    uint32_t i = graph_ip(g, &x);
    memcpy(g->ip[i].country, cc, 3);
    g->ip[i].country_src = SRC_DATA;
    g->ip[i].asn = asn;
    return i;
}

/* How an account lives on days [from, to): one login a day at hour (UTC) from the
 * address and device named, a payout every seventh day at noon into dest. */
typedef struct {
    unsigned ipn;
    const char *cc;
    uint32_t asn;
    const char *device;
    int hour;
    const char *dest;
    int bids; /* bids a day */
} life;

static void live(rs_graph *g, uint32_t a, int from, int to, const life *l)
{
    uint32_t i = ip(g, l->ipn, l->cc, l->asn);
    uint32_t d = graph_device(g, l->device, strlen(l->device));
    for (int day = from; day < to; day++) {
        login_ev e = {.ts = T0 + day * DAY + l->hour * H,
                      .account = a,
                      .ip = i,
                      .device = d,
                      .session_s = 3600};
        graph_add_login(g, &e);
        for (int k = 0; k < l->bids; k++) {
            bid_ev b = {.ts = e.ts + (k + 1) * 60000,
                        .freelancer = a,
                        .client = GRAPH_NONE,
                        .project = GRAPH_NONE,
                        .accepted = 0};
            graph_add_bid(g, &b);
        }
        if (day % 7 == 0) {
            payout_ev p = {.ts = T0 + day * DAY + 12 * H,
                           .amount = 100,
                           .account = a,
                           .dest = graph_dest(g, l->dest, strlen(l->dest), 1),
                           .currency = GRAPH_NONE,
                           .method = GRAPH_NONE};
            graph_add_payout(g, &p);
        }
    }
}

static void params(detect_params *p)
{
    detect_params_init(p);
    p->anon_asns[0] = VPN_ASN;
    p->n_anon_asns = 1;
}

/* The owner in Poland: a laptop at home, working from 09 UTC, paid into a Polish bank. */
static const life owner = {1, "PL", HOME_ASN, "laptop", 9, "pl-bank", 1};

/* Builds an account that lives as `before` until HANDOVER_DAY and as `after` from
 * then on, finalizes and runs handover_run; returns the account's flags. */
static acct_flags two_lives(const life *before, const life *after, int64_t *first_after)
{
    rs_graph *g = graph_new();
    detect_params p;
    params(&p);
    uint32_t a = acct(g, "u1", "PL");
    live(g, a, 0, HANDOVER_DAY, before);
    live(g, a, HANDOVER_DAY, DAYS, after);
    graph_finalize(g);
    acct_flags fl[1];
    memset(fl, 0, sizeof fl);
    free(handover_run(g, &p, fl));
    if (first_after)
        *first_after = T0 + HANDOVER_DAY * DAY + after->hour * H;
    graph_free(g);
    return fl[0];
}

/* A renter behind VPN exits, working at UTC+8 hours on its own machine, paid into a
 * Hong Kong account: HANDOVER from its first session on. */
static void test_handover__rented_vpn(void **state)
{
    (void)state;
    const life renter = {2, "US", VPN_ASN, "renter-pc", 1, "hk-acct", 1};
    int64_t first;
    acct_flags f = two_lives(&owner, &renter, &first);
    assert_true(flags_has(&f, FLAG_HANDOVER));
    assert_int_equal(f.handover_at, first);
    assert_int_equal(f.evidence[FLAG_HANDOVER], DAYS - HANDOVER_DAY);
}

/* A residential proxy in the claimed country: the network class stays, the hours
 * move. */
static void test_handover__rented_proxy(void **state)
{
    (void)state;
    const life renter = {3, "PL", HOME_ASN, "renter-pc", 1, "hk-acct", 1};
    acct_flags f = two_lives(&owner, &renter, NULL);
    assert_true(flags_has(&f, FLAG_HANDOVER));
}

/* Where neither hours nor network move (an account claiming the Philippines, a
 * residential proxy there), the renter's bidding is the third change; an owner
 * bidding more on the laptop and into the bank account it always had is none. */
static void test_handover__bids_third_change(void **state)
{
    (void)state;
    const life renter = {3, "PL", HOME_ASN, "renter-pc", 9, "hk-acct", 4};
    acct_flags f = two_lives(&owner, &renter, NULL);
    assert_true(flags_has(&f, FLAG_HANDOVER));
    const life hustling = {1, "PL", HOME_ASN, "laptop", 9, "pl-bank", 4};
    f = two_lives(&owner, &hustling, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
    const life same_pace = {3, "PL", HOME_ASN, "renter-pc", 9, "hk-acct", 1};
    f = two_lives(&owner, &same_pace, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER)); /* two changes only */
}

/* A payout into the renter's account before its first session starts the operated
 * period; the owner's last payout after the owner's last login does not. */
static void test_handover__payout_in_the_gap(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    detect_params p;
    params(&p);
    uint32_t a = acct(g, "u1", "PL");
    const life renter = {2, "US", VPN_ASN, "renter-pc", 1, "hk-acct", 1};
    live(g, a, 0, 29, &owner);
    live(g, a, 30, DAYS, &renter);
    int64_t gap = T0 + 29 * DAY + 20 * H; /* after the last login of day 28, before day 30 */
    payout_ev e = {.ts = gap,
                   .amount = 50,
                   .account = a,
                   .dest = graph_dest(g, "hk-acct", 7, 1),
                   .currency = GRAPH_NONE,
                   .method = GRAPH_NONE};
    graph_add_payout(g, &e);
    graph_finalize(g);
    acct_flags fl[1];
    memset(fl, 0, sizeof fl);
    free(handover_run(g, &p, fl));
    assert_true(flags_has(&fl[0], FLAG_HANDOVER));
    assert_int_equal(fl[0].handover_at, gap);
    graph_free(g);
}

/* A nomad: another country, line and hours every ten days, on one laptop, paid
 * into one bank account. */
static void test_handover__nomad(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    detect_params p;
    params(&p);
    uint32_t a = acct(g, "u1", "PL");
    static const char *const cc[] = {"PL", "BR", "PH", "PL", "US", "DE"};
    static const int hour[] = {9, 13, 1, 9, 15, 8};
    for (int k = 0; k < 6; k++) {
        life l = {10 + (unsigned)k, cc[k], HOME_ASN + (uint32_t)k, "laptop", hour[k], "pl-bank", 1};
        live(g, a, 10 * k, 10 * k + 10, &l);
    }
    graph_finalize(g);
    handover_change c;
    assert_false(handover_find(g, &p, a, &c)); /* one laptop throughout: no change point */
    acct_flags fl[1];
    memset(fl, 0, sizeof fl);
    free(handover_run(g, &p, fl));
    assert_false(flags_has(&fl[0], FLAG_HANDOVER));
    graph_free(g);
}

/* A relocator: moved once, a home line abroad and its hours, the same laptop and bank. */
static void test_handover__relocator(void **state)
{
    (void)state;
    const life moved = {4, "PH", HOME_ASN + 1, "laptop", 1, "pl-bank", 1};
    acct_flags f = two_lives(&owner, &moved, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
}

/* A new laptop, nothing else. */
static void test_handover__new_laptop(void **state)
{
    (void)state;
    const life l = {1, "PL", HOME_ASN, "new-laptop", 9, "pl-bank", 1};
    acct_flags f = two_lives(&owner, &l, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
}

/* A new bank account, nothing else: no change point at all (the devices stay). */
static void test_handover__bank_change(void **state)
{
    (void)state;
    const life l = {1, "PL", HOME_ASN, "laptop", 9, "new-bank", 1};
    acct_flags f = two_lives(&owner, &l, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
}

/* A new laptop and a new bank on one date, same home and hours: two things, and
 * neither the network nor the hours moved. */
static void test_handover__laptop_and_bank(void **state)
{
    (void)state;
    const life l = {1, "PL", HOME_ASN, "new-laptop", 10, "new-bank", 1};
    acct_flags f = two_lives(&owner, &l, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
}

/* Starting to use a VPN on the same laptop, hours and bank. */
static void test_handover__starts_vpn(void **state)
{
    (void)state;
    const life l = {5, "NL", VPN_ASN, "laptop", 9, "pl-bank", 1};
    acct_flags f = two_lives(&owner, &l, NULL);
    assert_false(flags_has(&f, FLAG_HANDOVER));
}

/* The evidence rule shows the operated logins, not the owner's; COUNTRY_MISMATCH
 * counts the operated period: a renter abroad for the last third of the window. */
static void test_handover__operated_period(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    detect_params p;
    params(&p);
    uint32_t a = acct(g, "u1", "PL");
    const life renter = {2, "US", VPN_ASN, "renter-pc", 1, "hk-acct", 1};
    live(g, a, 0, 40, &owner);
    live(g, a, 40, DAYS, &renter);
    graph_finalize(g);
    acct_flags fl[1];
    memset(fl, 0, sizeof fl);
    res_index devs;
    resindex_build(&devs, g, NODE_DEVICE);
    loginflags_run(g, &p, &devs, fl);
    assert_false(flags_has(&fl[0], FLAG_COUNTRY_MISMATCH)); /* 20 of 60 logins away */
    memset(fl, 0, sizeof fl);
    free(handover_run(g, &p, fl));
    loginflags_run(g, &p, &devs, fl);
    assert_true(flags_has(&fl[0], FLAG_HANDOVER));
    assert_true(flags_has(&fl[0], FLAG_COUNTRY_MISMATCH)); /* 20 of 20 operated */
    resindex_free(&devs);

    findings f;
    memset(&f, 0, sizeof f);
    f.flags = fl;
    evsel_view v = {.g = g, .f = &f, .p = &p};
    source_row r;
    memset(&r, 0, sizeof r);
    r.ev.login = g->logins.v[g->login_off[a] + 45];
    assert_true(handover_shows_handover(&v, a, &r));
    r.ev.login = g->logins.v[g->login_off[a] + 10];
    assert_false(handover_shows_handover(&v, a, &r));
    graph_free(g);
}

/* Only the operated period ties an account: the owner's household line, shared with
 * a relative before the handover, links the renter to nobody; a line the renter
 * shares with another account does. */
static void test_handover__baseline_ties_nobody(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    detect_params p;
    params(&p);
    uint32_t a = acct(g, "u1", "PL"), rel = acct(g, "u2", "PL"), op = acct(g, "u3", "PL");
    const life renter = {7, "PL", HOME_ASN, "renter-pc", 1, "hk-acct", 1};
    const life relative = {1, "PL", HOME_ASN, "tablet", 18, "rel-bank", 1};
    const life other = {7, "PL", HOME_ASN, "op-pc", 2, "op-bank", 1};
    live(g, a, 0, HANDOVER_DAY, &owner);
    live(g, a, HANDOVER_DAY, DAYS, &renter);
    live(g, rel, 0, DAYS, &relative);
    live(g, op, 0, DAYS, &other);
    graph_finalize(g);
    acct_flags fl[3];
    memset(fl, 0, sizeof fl);
    int64_t *since = handover_run(g, &p, fl);
    assert_non_null(since);
    assert_true(flags_has(&fl[a], FLAG_HANDOVER));
    res_index all, operated;
    resindex_build(&all, g, NODE_IP);
    resindex_build_since(&operated, g, NODE_IP, since);
    uint32_t home = graph_find_ip(g, &(ipaddr){.len = 4, .b = {10, 0, 0, 1}});
    uint32_t line = graph_find_ip(g, &(ipaddr){.len = 4, .b = {10, 0, 0, 7}});
    assert_int_equal(resindex_degree(&all, home), 2);
    assert_int_equal(resindex_degree(&operated, home), 0); /* the relative alone */
    assert_int_equal(resindex_degree(&operated, line), 2);
    resindex_free(&all);
    resindex_free(&operated);
    free(since);
    graph_free(g);
}

/* Only candidates (handover_candidate: enough logins, two devices, two payout
 * destinations) can change hands: on accounts of every mix of the owner's and a
 * renter's devices, destinations and lengths, every handover handover_find sees is
 * a candidate, and the counts are those of the account's edges. */
static void test_handover__only_candidates(void **state)
{
    (void)state;
    detect_params p;
    params(&p);
    static const char *const devices[] = {"laptop", "renter-pc"};
    static const char *const dests[] = {"pl-bank", "hk-bank"};
    static const int lengths[] = {2, 4, 5, 6, 30};
    unsigned handovers = 0, not_candidates = 0;
    for (unsigned k = 0; k < 2 * 2 * 5 * 5; k++) {
        life after = {2, "HK", VPN_ASN, devices[k % 2], 1, dests[(k / 2) % 2], 1};
        int before_days = lengths[(k / 4) % 5], after_days = lengths[(k / 20) % 5];
        rs_graph *g = graph_new();
        uint32_t a = acct(g, "u1", "PL");
        live(g, a, HANDOVER_DAY - before_days, HANDOVER_DAY, &owner);
        live(g, a, HANDOVER_DAY, HANDOVER_DAY + after_days, &after);
        graph_finalize(g);
        uint32_t ndev = 0, ndest = 0;
        for (size_t i = 0; i < g->nedges; i++) {
            ndev += g->edges[i].kind == EDGE_USES_DEVICE;
            ndest += g->edges[i].kind == EDGE_PAYOUT;
        }
        size_t logins = g->login_off[a + 1] - g->login_off[a];
        int cand = handover_candidate(logins, ndev, ndest);
        handover_change c;
        int found = handover_find(g, &p, a, &c) && handover_is_handover(&c);
        if (found)
            assert_true(cand);
        handovers += (unsigned)found;
        not_candidates += (unsigned)!cand;
        acct_flags fl[1];
        memset(fl, 0, sizeof fl);
        free(handover_run(g, &p, fl));
        assert_int_equal(found, flags_has(&fl[0], FLAG_HANDOVER));
        graph_free(g);
    }
    assert_true(handovers >= 4);
    assert_true(not_candidates >= 50);
    assert_false(handover_candidate(2 * RULES_HANDOVER_MIN_SIDE - 1, 2, 2));
    assert_false(handover_candidate(2 * RULES_HANDOVER_MIN_SIDE, 1, 2));
    assert_false(handover_candidate(2 * RULES_HANDOVER_MIN_SIDE, 2, 1));
    assert_true(handover_candidate(2 * RULES_HANDOVER_MIN_SIDE, 2, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handover__rented_vpn),
        cmocka_unit_test(test_handover__rented_proxy),
        cmocka_unit_test(test_handover__bids_third_change),
        cmocka_unit_test(test_handover__payout_in_the_gap),
        cmocka_unit_test(test_handover__nomad),
        cmocka_unit_test(test_handover__relocator),
        cmocka_unit_test(test_handover__new_laptop),
        cmocka_unit_test(test_handover__bank_change),
        cmocka_unit_test(test_handover__laptop_and_bank),
        cmocka_unit_test(test_handover__starts_vpn),
        cmocka_unit_test(test_handover__operated_period),
        cmocka_unit_test(test_handover__baseline_ties_nobody),
        cmocka_unit_test(test_handover__only_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
