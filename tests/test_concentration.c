/* test_concentration.c - RATING_CONCENTRATION against its look-alikes: a slow shill
 * ring (24 shills on three cards, five stars to three freelancers, weeks apart) vs a
 * family sharing one card rating its favourite, a hiring team paying with its company
 * card and rating its regular contractors, an ordinary loyal client, an enterprise
 * client with many freelancers, and clients sharing a card who rate strangers. And the
 * evidence rule: the shills' ratings of the boosted freelancers, not an honest
 * client's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/concentration.h"
#include "algorithms/evrule.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL
#define MAXA 512

static uint32_t named(rs_graph *g, const char *prefix, int k, int role)
{
    char id[48];
    snprintf(id, sizeof id, "%s%d", prefix, k);
    uint32_t a = graph_account(g, id, strlen(id), 0);
    g->acct[a].role = (uint8_t)role;
    return a;
}

/* One hire: a charge on instrument instr, then a rating of `stars`. */
static void hire(rs_graph *g, uint32_t c, uint32_t f, const char *instr, int64_t ts, float stars)
{
    charge_ev ce = {.ts = ts,
                    .amount = 450,
                    .client = c,
                    .freelancer = f,
                    .instrument = graph_dest(g, instr, strlen(instr), 2),
                    .currency = GRAPH_NONE};
    graph_add_charge(g, &ce);
    rating_ev re = {
        .ts = ts + DAY, .client = c, .freelancer = f, .project = GRAPH_NONE, .stars = stars};
    graph_add_rating(g, &re);
}

/* Links reported, per receiving account, and how many were tied. */
static int links_to[MAXA], tied_links, nlinks;

static void count_link(void *ctx, uint32_t a, uint32_t b, double w, int is_tied)
{
    (void)ctx, (void)a, (void)w;
    nlinks++;
    links_to[b]++;
    tied_links += is_tied;
}

static acct_flags fl[MAXA];

/* Finalizes g and runs the pass; the flags are in fl, the pairs in ep (or not kept). */
static uint32_t run(rs_graph *g, rating_episodes *ep)
{
    graph_finalize(g);
    assert_true(graph_count(g, NODE_ACCOUNT) <= MAXA);
    detect_params p;
    detect_params_init(&p);
    memset(fl, 0, sizeof fl);
    memset(links_to, 0, sizeof links_to);
    nlinks = tied_links = 0;
    uint32_t n = concentration_run(g, &p, fl, count_link, NULL, ep);
    if (ep)
        rating_episodes_finish(ep);
    return n;
}

static int has(uint32_t a)
{
    return flags_has(&fl[a], FLAG_RATING_CONCENTRATION);
}

static int nflagged(const rs_graph *g)
{
    int n = 0;
    for (uint32_t a = 0; a < graph_count(g, NODE_ACCOUNT); a++)
        n += has(a);
    return n;
}

/* The ring of the simulator's slow shills: 24 clients on three cards, each hiring two
 * or three of three freelancers once, 20 days apart, five stars each time; the
 * freelancers also work for four honest clients, who rate them four or five stars. */
static void slow_ring(rs_graph *g, uint32_t fr[3], uint32_t shill[24], uint32_t honest[4])
{
    static const char *const cards[3] = {"card-a", "card-b", "card-c"};
    for (int k = 0; k < 3; k++)
        fr[k] = named(g, "boosted", k, ROLE_FREELANCER);
    for (int k = 0; k < 4; k++) {
        char card[16];
        snprintf(card, sizeof card, "own-%d", k);
        honest[k] = named(g, "honest", k, ROLE_CLIENT);
        hire(g, honest[k], fr[k % 3], card, T0 + (3 + 7 * k) * DAY, k % 2 ? 4 : 5);
    }
    for (int s = 0; s < 24; s++) {
        shill[s] = named(g, "shill", s, ROLE_CLIENT);
        int nrate = 2 + s % 2;
        for (int k = 0; k < nrate; k++)
            hire(g, shill[s], fr[(s + k) % 3], cards[s % 3], T0 + (s % 5 + 20 * k) * DAY, 5);
    }
}

static void test_concentration__slow_shill_ring(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t fr[3], shill[24], honest[4];
    slow_ring(g, fr, shill, honest);
    assert_int_equal(run(g, NULL), 3);
    int pairs = 0;
    for (int k = 0; k < 3; k++) {
        assert_true(has(fr[k]));
        /* Evidence: the distinct shills that rated it; untied links from each. */
        assert_int_equal(fl[fr[k]].evidence[FLAG_RATING_CONCENTRATION], 20);
        assert_int_equal(links_to[fr[k]], 20);
        assert_false(fl[fr[k]].weak & (1u << FLAG_RATING_CONCENTRATION));
        pairs += links_to[fr[k]];
    }
    for (int s = 0; s < 24; s++) {
        assert_true(has(shill[s]));
        assert_int_equal(fl[shill[s]].evidence[FLAG_RATING_CONCENTRATION], 2 + s % 2);
    }
    for (int k = 0; k < 4; k++)
        assert_false(has(honest[k]));
    assert_int_equal(nlinks, pairs);
    assert_int_equal(tied_links, 0);
    graph_free(g);
}

/* The evidence rule shows a shill's rating of a boosted freelancer, and neither an
 * honest client's rating of it nor a low rating. */
static void test_concentration__evidence_rule(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t fr[3], shill[24], honest[4];
    slow_ring(g, fr, shill, honest);
    findings f = {0};
    run(g, &f.episodes);
    f.flags = fl;
    detect_params p;
    detect_params_init(&p);
    evsel_view v = {.g = g, .f = &f, .p = &p};
    source_row r = {0};
    r.ev.rating = (rating_ev){
        .ts = T0, .client = shill[0], .freelancer = fr[0], .project = GRAPH_NONE, .stars = 5};
    assert_true(concentration_shows_rating_concentration(&v, fr[0], &r));
    assert_true(concentration_shows_rating_concentration(&v, shill[0], &r));
    r.ev.rating.stars = 2;
    assert_false(concentration_shows_rating_concentration(&v, fr[0], &r));
    r.ev.rating.stars = 5;
    r.ev.rating.client = honest[0];
    assert_false(concentration_shows_rating_concentration(&v, fr[0], &r));
    r.ev.rating.client = shill[0];
    r.ev.rating.freelancer = fr[2]; /* shill 0 rated freelancers 0 and 1 */
    assert_false(concentration_shows_rating_concentration(&v, fr[2], &r));
    free(f.episodes.concentrated);
    graph_free(g);
}

/* A family of five sharing one card, each rating their favourite five stars every
 * month: nearly all the favourite's raters share the card, but a household is too
 * few to concentrate anyone's ratings. */
static void test_concentration__family_card(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t fav = named(g, "favourite", 0, ROLE_FREELANCER);
    for (int k = 0; k < 5; k++) {
        uint32_t c = named(g, "family", k, ROLE_CLIENT);
        for (int m = 0; m < 3; m++)
            hire(g, c, fav, "family-card", T0 + (k + 30 * m) * DAY, 5);
    }
    assert_int_equal(run(g, NULL), 0);
    assert_int_equal(nflagged(g), 0);
    assert_int_equal(nlinks, 0);
    graph_free(g);
}

/* A hiring team: eight recruiters of one company pay with its card; each gives two
 * regular contractors five stars and hires three other freelancers for other jobs.
 * The contractors' raters are all the team's, but the team gives most of its ratings
 * to others: it is not devoted to them. */
static void test_concentration__hiring_team(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t reg[2] = {named(g, "regular", 0, ROLE_FREELANCER),
                       named(g, "regular", 1, ROLE_FREELANCER)};
    int other = 0;
    for (int k = 0; k < 8; k++) {
        uint32_t c = named(g, "recruiter", k, ROLE_CLIENT);
        hire(g, c, reg[0], "corp-card", T0 + k * DAY, 5);
        hire(g, c, reg[1], "corp-card", T0 + (k + 20) * DAY, 5);
        for (int j = 0; j < 3; j++)
            hire(g, c, named(g, "contractor", other++, ROLE_FREELANCER), "corp-card",
                 T0 + (k + 10 * j + 5) * DAY, 5);
    }
    assert_int_equal(run(g, NULL), 0);
    assert_int_equal(nflagged(g), 0);
    graph_free(g);
}

/* An ordinary loyal client rating its favourite twelve times, and an enterprise client
 * rating forty freelancers: each pays with its own card, nothing binds it to anyone. */
static void test_concentration__loyal_and_enterprise(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t fav = named(g, "favourite", 0, ROLE_FREELANCER);
    uint32_t loyal = named(g, "loyal", 0, ROLE_CLIENT);
    for (int m = 0; m < 12; m++)
        hire(g, loyal, fav, "loyal-card", T0 + 5 * m * DAY, 5);
    uint32_t ent = named(g, "enterprise", 0, ROLE_CLIENT);
    for (int k = 0; k < 40; k++)
        hire(g, ent, named(g, "vendor", k, ROLE_FREELANCER), "ent-card", T0 + k * DAY, 5);
    assert_int_equal(run(g, NULL), 0);
    assert_int_equal(nflagged(g), 0);
    graph_free(g);
}

/* Eight clients sharing one card (a small company paying with a card its staff share)
 * who each rate a different freelancer, and a popular freelancer most of whose raters
 * pay with their own cards: no freelancer's ratings come mostly from the cluster. */
static void test_concentration__shared_card_strangers(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t popular = named(g, "popular", 0, ROLE_FREELANCER);
    for (int k = 0; k < 8; k++) {
        uint32_t c = named(g, "staff", k, ROLE_CLIENT);
        hire(g, c, named(g, "stranger", k, ROLE_FREELANCER), "staff-card", T0 + k * DAY, 5);
        hire(g, c, popular, "staff-card", T0 + (k + 20) * DAY, 5);
    }
    for (int k = 0; k < 10; k++) {
        char card[16];
        snprintf(card, sizeof card, "own-%d", k);
        hire(g, named(g, "client", k, ROLE_CLIENT), popular, card, T0 + (k + 30) * DAY, 5);
    }
    assert_int_equal(run(g, NULL), 0);
    assert_int_equal(nflagged(g), 0);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concentration__slow_shill_ring),
        cmocka_unit_test(test_concentration__evidence_rule),
        cmocka_unit_test(test_concentration__family_card),
        cmocka_unit_test(test_concentration__hiring_team),
        cmocka_unit_test(test_concentration__loyal_and_enterprise),
        cmocka_unit_test(test_concentration__shared_card_strangers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
