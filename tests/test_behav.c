/* test_behav.c - behavioural red flags, each against its benign look-alike:
 * a shill rating burst vs an enterprise client's steady volume and quarter-end
 * rush; a lockstep block vs scattered honest ratings; an old account spamming
 * bids vs new freelancers hustling; payouts to a PRC bank from an "American"
 * vs a freelancer in China paid at home; self-dealing vs an IP reused months
 * later; structured charges vs a client that pays everyone in milestones.
 * And the corroboration discipline: a quarter-end review sweep of unrelated
 * freelancers vs a shill burst over a ring's tied members; a hiring team's
 * favourites vs a shill block; instalments from an honest client vs from one
 * tied to the freelancer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "algorithms/behav.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL

static uint32_t acct(rs_graph *g, const char *id, int role, const char *claim)
{
    uint32_t a = graph_account(g, id, strlen(id), 0);
    g->acct[a].role = (uint8_t)role;
    if (claim)
        memcpy(g->acct[a].country, claim, 3);
    return a;
}

/* Account "<prefix><k>". */
static uint32_t named(rs_graph *g, const char *prefix, int k, int role)
{
    char id[48];
    snprintf(id, sizeof id, "%s%d", prefix, k);
    return acct(g, id, role, NULL);
}

static void rate(rs_graph *g, uint32_t c, uint32_t f, int64_t ts, float stars)
{
    rating_ev e = {.ts = ts, .client = c, .freelancer = f, .project = GRAPH_NONE, .stars = stars};
    graph_add_rating(g, &e);
}

static void charge(rs_graph *g, uint32_t c, uint32_t f, const char *instr, int64_t ts, double amt);

/* Accounts in one nonzero group are tied by infrastructure (a test's stand-in for the
 * projection). */
static uint8_t tie_group[4096];

static void tie(uint32_t a, uint8_t group)
{
    tie_group[a] = group;
}

static int tied(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return tie_group[a] && tie_group[a] == tie_group[b];
}

/* Links reported by behaviour, per receiving account: how many, and how many tied. */
static int links_to[4096], tied_links_to[4096], nlinks;

static void count_link(void *ctx, uint32_t a, uint32_t b, double w, int is_tied)
{
    (void)ctx, (void)a, (void)w;
    nlinks++;
    links_to[b]++;
    tied_links_to[b] += is_tied;
}

static acct_flags *run(rs_graph *g, int *links)
{
    graph_finalize(g);
    detect_params p;
    detect_params_init(&p);
    static acct_flags fl[4096];
    memset(fl, 0, sizeof fl);
    assert_true(graph_count(g, NODE_ACCOUNT) <= 4096);
    behav_stats st;
    rs_error err = {0};
    nlinks = 0;
    memset(links_to, 0, sizeof links_to);
    memset(tied_links_to, 0, sizeof tied_links_to);
    assert_int_equal(behav_run(g, &p, fl, count_link, tied, NULL, &st, NULL, &err), 0);
    memset(tie_group, 0, sizeof tie_group); /* for the next test */
    *links = nlinks;
    return fl;
}

static int weak(const acct_flags *fl, uint32_t a, flag_code f)
{
    return (fl[a].bits >> f) & (fl[a].weak >> f) & 1;
}

static int has(const acct_flags *fl, uint32_t a, flag_code f)
{
    return (fl[a].bits >> f) & 1;
}

static void test_behav__rating_burst_vs_enterprise(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t shill = acct(g, "shill", ROLE_CLIENT, "US");
    uint32_t ent = acct(g, "enterprise", ROLE_CLIENT, "US");
    uint32_t f0 = 0, e0 = 0;
    for (int k = 0; k < 15; k++) { /* 15 freelancers of one ring in two days */
        uint32_t f = named(g, "sf", k, ROLE_FREELANCER);
        f0 = k == 0 ? f : f0;
        tie(f, 1);
        rate(g, shill, f, T0 + 30 * DAY + k * 3 * H, 5);
    }
    for (int d = 0; d < 60; d++) { /* 2 a day, 8 a day in the last 8 days */
        int per = d >= 52 ? 8 : 2;
        for (int k = 0; k < per; k++) {
            uint32_t f = named(g, "ef", d * 10 + k, ROLE_FREELANCER);
            e0 = (d == 55 && k == 0) ? f : e0;
            rate(g, ent, f, T0 + d * DAY + k * H, 5);
        }
    }
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, shill, FLAG_RATING_BURST));
    assert_true(has(fl, f0, FLAG_RATING_BURST));
    assert_true(fl[shill].evidence[FLAG_RATING_BURST] >= 5);
    assert_false(has(fl, ent, FLAG_RATING_BURST));
    assert_false(has(fl, e0, FLAG_RATING_BURST));
    assert_true(links >= 15); /* the shill is linked to whom it rated */
    assert_true(fl[shill].bursts[BURST_RATINGS] >= 1);
    assert_int_equal(fl[ent].bursts[BURST_RATINGS], 0);
    graph_free(g);
}

/* Class 2 of the false positives: a long-standing client rates the quarter's hires,
 * fifteen unrelated freelancers, within two days. The burst is real, but it fell on
 * strangers: it links nobody and corroborates little. Beside it, a shill's burst on a
 * ring's tied members, with one honest freelancer the shill hired for camouflage rated
 * in the same burst: firm for the members, linked (weak) for the camouflage hire. */
static void test_behav__review_sweep_vs_shill_burst(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t sweep = acct(g, "sweeper", ROLE_CLIENT, "US");
    uint32_t shill = acct(g, "shill", ROLE_CLIENT, "US");
    uint32_t rated[15], member[12];
    for (int d = 0; d < 60; d += 10) /* a few ratings over the window: its baseline */
        rate(g, sweep, named(g, "earlier", d, ROLE_FREELANCER), T0 + d * DAY, 5);
    for (int k = 0; k < 15; k++) {
        rated[k] = named(g, "hire", k, ROLE_FREELANCER);
        rate(g, sweep, rated[k], T0 + 57 * DAY + k * 2 * H, k % 3 ? 5 : 4.5f);
    }
    for (int k = 0; k < 12; k++) {
        member[k] = named(g, "member", k, ROLE_FREELANCER);
        tie(member[k], 7);
        rate(g, shill, member[k], T0 + 20 * DAY + k * 2 * H, 5);
    }
    uint32_t cover = acct(g, "camouflage-hire", ROLE_FREELANCER, "US");
    rate(g, shill, cover, T0 + 20 * DAY + 5 * H, 5);
    int links = 0;
    acct_flags *fl = run(g, &links);
    /* The sweep: flagged for the record, weak everywhere, no links. */
    assert_true(has(fl, sweep, FLAG_RATING_BURST));
    assert_true(weak(fl, sweep, FLAG_RATING_BURST));
    for (int k = 0; k < 15; k++) {
        assert_true(weak(fl, rated[k], FLAG_RATING_BURST));
        assert_int_equal(links_to[rated[k]], 0);
    }
    /* The shill's burst: firm for the shill and the members, linked. */
    assert_true(has(fl, shill, FLAG_RATING_BURST) && !weak(fl, shill, FLAG_RATING_BURST));
    for (int k = 0; k < 12; k++) {
        assert_false(weak(fl, member[k], FLAG_RATING_BURST));
        assert_int_equal(tied_links_to[member[k]], 1);
    }
    /* The camouflage hire: linked because the burst fell on a tied group, but weakly,
     * and its flag is weak. */
    assert_true(weak(fl, cover, FLAG_RATING_BURST));
    assert_int_equal(links_to[cover], 1);
    assert_int_equal(tied_links_to[cover], 0);
    graph_free(g);
}

static void login_at(rs_graph *g, uint32_t a, unsigned ipn, int64_t ts)
{
    ipaddr ip = {.len = 4, .b = {10, 1, (uint8_t)(ipn >> 8), (uint8_t)ipn}};
    login_ev e = {
        .ts = ts, .account = a, .ip = graph_ip(g, &ip), .device = GRAPH_NONE, .session_s = 600};
    graph_add_login(g, &e);
}

static void test_behav__onboarding_and_charge_bursts(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    /* Background: 40 accounts logging in over 60 days on their own IPs. */
    for (int k = 0; k < 40; k++) {
        uint32_t a = named(g, "bg", k, ROLE_FREELANCER);
        for (int d = 0; d < 60; d += 7)
            login_at(g, a, 1000 + (unsigned)k, T0 + d * DAY);
    }
    /* A farm line: six accounts appear on it within six hours on day 30. */
    uint32_t farm[6], office[6];
    for (int k = 0; k < 6; k++) {
        farm[k] = named(g, "farm", k, ROLE_FREELANCER);
        login_at(g, farm[k], 1, T0 + 30 * DAY + k * H);
        login_at(g, farm[k], 1, T0 + 40 * DAY + k * H);
    }
    /* An office line: six colleagues joining over two months. */
    for (int k = 0; k < 6; k++) {
        office[k] = named(g, "staff", k, ROLE_FREELANCER);
        login_at(g, office[k], 2, T0 + k * 10 * DAY);
        login_at(g, office[k], 2, T0 + 59 * DAY);
    }
    /* A card charged 12 times in a morning, another once a week. */
    uint32_t c1 = acct(g, "card-tester", ROLE_CLIENT, "US"),
             c2 = acct(g, "weekly", ROLE_CLIENT, "US");
    uint32_t f = acct(g, "payee", ROLE_FREELANCER, "US");
    for (int k = 0; k < 12; k++)
        charge(g, c1, f, "card-x", T0 + 20 * DAY + k * 600000LL, 50);
    for (int k = 0; k < 9; k++)
        charge(g, c2, f, "card-y", T0 + k * 7 * DAY, 50);
    int links = 0;
    acct_flags *fl = run(g, &links);
    for (int k = 0; k < 6; k++) {
        assert_true(fl[farm[k]].bursts[BURST_IP_ACCOUNTS] >= 1);
        assert_int_equal(fl[office[k]].bursts[BURST_IP_ACCOUNTS], 0);
    }
    assert_true(fl[c1].bursts[BURST_CHARGES] >= 1);
    assert_int_equal(fl[c2].bursts[BURST_CHARGES], 0);
    graph_free(g);
}

static void test_behav__lockstep_block(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t s[3], f[10], h[20], c[20];
    for (int k = 0; k < 3; k++)
        s[k] = named(g, "shill", k, ROLE_CLIENT);
    for (int k = 0; k < 10; k++) {
        f[k] = named(g, "member", k, ROLE_FREELANCER);
        tie(f[k], 3); /* a ring's members share infrastructure */
    }
    for (int k = 0; k < 20; k++) {
        h[k] = named(g, "honest", k, ROLE_FREELANCER);
        c[k] = named(g, "client", k, ROLE_CLIENT);
    }
    /* Spread over two months so no burst fires: this is about the block. */
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 10; k++)
            rate(g, s[i], f[k], T0 + (i * 10 + k) * 2 * DAY, 5);
    for (int k = 0; k < 20; k++) { /* honest clients rate one or two each */
        rate(g, c[k], h[k], T0 + k * DAY, 5);
        rate(g, c[k], h[(k + 7) % 20], T0 + k * DAY + H, 4);
    }
    int links = 0;
    acct_flags *fl = run(g, &links);
    for (int k = 0; k < 3; k++)
        assert_true(has(fl, s[k], FLAG_RATING_LOCKSTEP) && !weak(fl, s[k], FLAG_RATING_LOCKSTEP));
    for (int k = 0; k < 10; k++) {
        assert_true(has(fl, f[k], FLAG_RATING_LOCKSTEP) && !weak(fl, f[k], FLAG_RATING_LOCKSTEP));
        assert_int_equal(tied_links_to[f[k]], 3); /* linked to each shill */
    }
    for (int k = 0; k < 20; k++) {
        assert_false(has(fl, h[k], FLAG_RATING_LOCKSTEP));
        assert_false(has(fl, c[k], FLAG_RATING_LOCKSTEP));
    }
    graph_free(g);
}

/* A hiring team: three recruiters of one company (tied to each other: one office, one
 * card) all rate the team's ten favourite freelancers highly - a dense block like a
 * shill block, but the rated share nothing with the raters or with each other. */
static void test_behav__hiring_team_vs_shill_block(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t r[3], fav[10];
    for (int k = 0; k < 3; k++) {
        r[k] = named(g, "recruiter", k, ROLE_CLIENT);
        tie(r[k], 4);
    }
    for (int k = 0; k < 10; k++)
        fav[k] = named(g, "favourite", k, ROLE_FREELANCER);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 10; k++)
            rate(g, r[i], fav[k], T0 + (i * 10 + k) * 2 * DAY, 5);
    int links = 0;
    acct_flags *fl = run(g, &links);
    for (int k = 0; k < 3; k++)
        assert_true(weak(fl, r[k], FLAG_RATING_LOCKSTEP));
    for (int k = 0; k < 10; k++) {
        assert_true(weak(fl, fav[k], FLAG_RATING_LOCKSTEP));
        assert_int_equal(links_to[fav[k]], 0);
    }
    graph_free(g);
}

static void bids(rs_graph *g, uint32_t a, int n, int accepted, int64_t created)
{
    g->acct[a].created_at = created;
    for (int k = 0; k < n; k++) {
        bid_ev e = {.ts = T0 + 59 * DAY - k * 10 * 60000LL,
                    .freelancer = a,
                    .client = GRAPH_NONE,
                    .project = GRAPH_NONE,
                    .accepted = (int8_t)(k < accepted)};
        graph_add_bid(g, &e);
    }
    ipaddr ip = {.len = 4, .b = {10, 0, 0, 1}};
    login_ev l = {
        .ts = T0, .account = a, .ip = graph_ip(g, &ip), .device = GRAPH_NONE, .session_s = -1};
    for (int k = 0; k < 20; k++)
        graph_add_login(g, &l);
}

static void test_behav__bid_spam_vs_new_freelancers(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    int64_t old = T0 - 400 * DAY, young = T0 + 40 * DAY;
    for (int k = 0; k < 30; k++)
        bids(g, named(g, "old", k, ROLE_FREELANCER), 10 + k, 3, old);
    uint32_t spam = acct(g, "spammer", ROLE_FREELANCER, NULL);
    bids(g, spam, 400, 2, old);
    uint32_t busy = 0;
    for (int k = 0; k < 30; k++) {
        uint32_t a = named(g, "new", k, ROLE_FREELANCER);
        bids(g, a, 300 + 5 * k, 4, young);
        busy = k == 29 ? a : busy;
    }
    uint32_t hired = acct(g, "hired", ROLE_FREELANCER, NULL);
    bids(g, hired, 400, 100, old); /* many bids, many accepted */
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, spam, FLAG_BID_SPAM));
    assert_false(has(fl, busy, FLAG_BID_SPAM));
    assert_false(has(fl, hired, FLAG_BID_SPAM));
    graph_free(g);
}

static void payout(rs_graph *g, uint32_t a, const char *dest, const char *cc, int64_t ts)
{
    payout_ev e = {.ts = ts,
                   .amount = 500,
                   .account = a,
                   .dest = graph_dest(g, dest, strlen(dest), 1),
                   .currency = GRAPH_NONE,
                   .method = GRAPH_NONE};
    memcpy(g->dest[e.dest].country, cc, 3);
    graph_add_payout(g, &e);
}

static void test_behav__payouts(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t fake = acct(g, "fake-us", ROLE_FREELANCER, "US");
    uint32_t home = acct(g, "real-cn", ROLE_FREELANCER, "CN");
    uint32_t once = acct(g, "once-hk", ROLE_FREELANCER, "US");
    for (int k = 0; k < 4; k++) {
        payout(g, fake, k ? "icbc-1" : "chase-1", k ? "CN" : "US", T0 + k * DAY);
        payout(g, home, "icbc-2", "CN", T0 + k * DAY);
    }
    for (int k = 0; k < 10; k++)
        payout(g, once, k ? "chase-2" : "hsbc-hk", k ? "US" : "HK", T0 + k * DAY);
    uint32_t a1 = acct(g, "agency-a", ROLE_FREELANCER, "IN"),
             a2 = acct(g, "agency-b", ROLE_FREELANCER, "IN");
    payout(g, a1, "agency-bank", "IN", T0);
    payout(g, a2, "agency-bank", "IN", T0);
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, fake, FLAG_HIGH_RISK_PAYOUT));
    assert_false(has(fl, home, FLAG_HIGH_RISK_PAYOUT));
    assert_false(has(fl, once, FLAG_HIGH_RISK_PAYOUT));
    assert_true(has(fl, a1, FLAG_SHARED_PAYOUT));
    assert_true(has(fl, a2, FLAG_SHARED_PAYOUT));
    assert_false(has(fl, fake, FLAG_SHARED_PAYOUT));
    graph_free(g);
}

static void charge(rs_graph *g, uint32_t c, uint32_t f, const char *instr, int64_t ts, double amt)
{
    charge_ev e = {.ts = ts,
                   .amount = amt,
                   .client = c,
                   .freelancer = f,
                   .instrument = instr ? graph_dest(g, instr, strlen(instr), 2) : GRAPH_NONE,
                   .currency = GRAPH_NONE};
    graph_add_charge(g, &e);
}

static void test_behav__self_dealing(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t c = acct(g, "shill", ROLE_CLIENT, "US"), f = acct(g, "member", ROLE_FREELANCER, "US");
    charge(g, c, f, "acct-77", T0, 300);
    payout(g, f, "acct-77", "CN", T0 + DAY); /* paying itself */
    /* A client and a freelancer on one ISP address two months apart. */
    uint32_t c2 = acct(g, "client2", ROLE_CLIENT, "US"),
             f2 = acct(g, "free2", ROLE_FREELANCER, "US");
    ipaddr ip = {.len = 4, .b = {10, 9, 9, 9}};
    uint32_t i = graph_ip(g, &ip);
    login_ev l1 = {.ts = T0, .account = c2, .ip = i, .device = GRAPH_NONE, .session_s = 600};
    login_ev l2 = {
        .ts = T0 + 60 * DAY, .account = f2, .ip = i, .device = GRAPH_NONE, .session_s = 600};
    graph_add_login(g, &l1);
    graph_add_login(g, &l2);
    rate(g, c2, f2, T0 + 61 * DAY, 5);
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, c, FLAG_SELF_DEALING));
    assert_true(has(fl, f, FLAG_SELF_DEALING));
    assert_false(has(fl, c2, FLAG_SELF_DEALING));
    assert_false(has(fl, f2, FLAG_SELF_DEALING));
    graph_free(g);
}

static void test_behav__structuring_vs_milestones(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t victim = acct(g, "victim", ROLE_CLIENT, "US");
    uint32_t taker = acct(g, "taker", ROLE_FREELANCER, "US");
    for (int k = 0; k < 30; k++) /* $50,000 in 30 instalments over two months */
        charge(g, victim, taker, "card-1", T0 + k * 2 * DAY, 50000.0 / 30);
    for (int k = 0; k < 5; k++) /* its usual way: one charge per hire */
        charge(g, victim, named(g, "hire", k, ROLE_FREELANCER), "card-1", T0 + k * DAY, 400);
    uint32_t ms = acct(g, "milestones", ROLE_CLIENT, "US");
    uint32_t longc = acct(g, "long-contract", ROLE_FREELANCER, "US");
    for (int k = 0; k < 16; k++) /* a long contract paid every 4 days */
        charge(g, ms, longc, "card-2", T0 + k * 4 * DAY, 800);
    for (int f = 0; f < 6; f++) /* everyone else in 4-6 milestones */
        for (int k = 0; k < 4 + f % 3; k++)
            charge(g, ms, named(g, "msf", f, ROLE_FREELANCER), "card-2", T0 + k * 5 * DAY, 700);
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, taker, FLAG_STRUCTURED_CHARGES));
    assert_int_equal(fl[taker].evidence[FLAG_STRUCTURED_CHARGES], 30);
    assert_false(has(fl, victim, FLAG_STRUCTURED_CHARGES)); /* the victim is not flagged */
    assert_false(has(fl, longc, FLAG_STRUCTURED_CHARGES));
    /* The instalments are the client's doing: weak on the freelancer, which nothing else
     * ties to the client (class 3: an honest client's milestones). */
    assert_true(weak(fl, taker, FLAG_STRUCTURED_CHARGES));
    graph_free(g);
}

/* The same instalments, from a client that shares a payment account with the
 * freelancer: the pattern is theirs together, and firm. */
static void test_behav__structuring_tied(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t client = acct(g, "client", ROLE_CLIENT, "US");
    uint32_t taker = acct(g, "taker", ROLE_FREELANCER, "US");
    tie(client, 9);
    tie(taker, 9);
    for (int k = 0; k < 30; k++)
        charge(g, client, taker, "card-1", T0 + k * 2 * DAY, 50000.0 / 30);
    for (int k = 0; k < 5; k++)
        charge(g, client, named(g, "hire", k, ROLE_FREELANCER), "card-1", T0 + k * DAY, 400);
    int links = 0;
    acct_flags *fl = run(g, &links);
    assert_true(has(fl, taker, FLAG_STRUCTURED_CHARGES));
    assert_false(weak(fl, taker, FLAG_STRUCTURED_CHARGES));
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_behav__rating_burst_vs_enterprise),
        cmocka_unit_test(test_behav__review_sweep_vs_shill_burst),
        cmocka_unit_test(test_behav__hiring_team_vs_shill_block),
        cmocka_unit_test(test_behav__structuring_tied),
        cmocka_unit_test(test_behav__onboarding_and_charge_bursts),
        cmocka_unit_test(test_behav__lockstep_block),
        cmocka_unit_test(test_behav__bid_spam_vs_new_freelancers),
        cmocka_unit_test(test_behav__payouts),
        cmocka_unit_test(test_behav__self_dealing),
        cmocka_unit_test(test_behav__structuring_vs_milestones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
