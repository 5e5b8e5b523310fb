/* test_scoring.c - from flags, links and communities to findings
 * (scoring_run), on a hand-built world whose communities are given rather
 * than found: own-flag corroboration (weights combined as a union, weak flags
 * at weak_flag_factor, remote-desktop software on a device), risk and the
 * flagged decision, a proxy ring's score, members, severity and facts, a
 * community below ring_min_score, a shared-control cluster whose accounts
 * are listed but not flagged, and ring ranking; a client that hired two of a
 * ring's personas among others, with no red flag of its own, is not its shill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/scoring.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define EPS 1e-9

/* Accounts of the world, by role in it. */
enum {
    R_C,      /* the proxy ring, created out of label order */
    R_A,      /*   (R0001: r_a, r_b, r_c) */
    R_B,      /*   */
    HONEST,   /* in the ring's community, tied by an IP, no flags */
    LONER,    /* in no community, GEO_HOP */
    X1,       /* shared control: a device and a payout account; only x1 deceives */
    X2,       /*   (R0002) */
    T1,       /* flagged on its own flags, but bound too weakly to score */
    T2,       /*   */
    WEAK,     /* RATING_BURST received only (weak) */
    FIRMED,   /* RATING_BURST weak, then firm */
    REMOTE,   /* remote-desktop software on its own device */
    NACCOUNTS /* */
};

static const char *const label[NACCOUNTS] = {"r_c", "r_a", "r_b", "honest", "loner",  "x1",
                                             "x2",  "t1",  "t2",  "weak",   "firmed", "remote"};

typedef struct {
    rs_graph *g;
    detect_params p;
    findings f;
    res_index ix[3];
    ident_index id;
    uint32_t farm, pc, bank;
} world;

static uint32_t ipn(rs_graph *g, unsigned n)
{
    ipaddr x = {.len = 4, .b = {10, 0, (uint8_t)(n >> 8), (uint8_t)n}};
    uint32_t i = graph_ip(g, &x);
    memcpy(g->ip[i].country, "US", 3);
    g->ip[i].country_src = SRC_DATA;
    return i;
}

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = 600};
    graph_add_login(g, &e);
}

static void deceive(acct_flags *f)
{
    flags_raise(f, FLAG_GEO_HOP, 2);
    flags_raise(f, FLAG_COUNTRY_MISMATCH, 3);
    flags_raise(f, FLAG_ANON_NETWORK, 1);
}

/* Builds the graph, the flags the earlier stages would have raised, and runs
 * scoring_run with the given links and communities. */
static void build(world *w)
{
    memset(w, 0, sizeof *w);
    detect_params_init(&w->p);
    rs_graph *g = w->g = graph_new();
    for (int a = 0; a < NACCOUNTS; a++) {
        uint32_t id = graph_account(g, label[a], strlen(label[a]), SEEN_AS_FREELANCER);
        assert_int_equal(id, a);
        memcpy(g->acct[id].country, "US", 3);
        g->acct[id].listed = 1;
    }
    w->farm = graph_device(g, "farm", 4);
    w->pc = graph_device(g, "pc", 2);
    uint32_t tv = graph_device(g, "tv", 2);
    w->bank = graph_dest(g, "bank", 4, 1);
    uint32_t office = ipn(g, 1);
    login(g, R_A, office, w->farm, T0 + DAY);
    login(g, HONEST, office, GRAPH_NONE, T0 + DAY);
    login(g, R_B, ipn(g, 2), w->farm, T0);
    login(g, R_C, ipn(g, 3), w->farm, T0 + 5 * DAY);
    login(g, X1, ipn(g, 4), w->pc, T0);
    login(g, X2, ipn(g, 5), w->pc, T0);
    login(g, T1, ipn(g, 6), tv, T0);
    login(g, T2, ipn(g, 7), tv, T0 + 90 * DAY);
    for (uint32_t a = X1; a <= X2; a++) {
        payout_ev po = {.ts = T0,
                        .amount = 100,
                        .account = a,
                        .dest = w->bank,
                        .currency = GRAPH_NONE,
                        .method = GRAPH_NONE};
        graph_add_payout(g, &po);
    }
    graph_finalize(g);

    findings *f = &w->f;
    f->flags = calloc(NACCOUNTS, sizeof *f->flags);
    f->risk = calloc(NACCOUNTS, sizeof *f->risk);
    f->corroboration = calloc(NACCOUNTS, sizeof *f->corroboration);
    f->ring_of = calloc(NACCOUNTS, sizeof *f->ring_of);
    f->flagged = calloc(NACCOUNTS, 1);
    assert_true(f->flags && f->risk && f->corroboration && f->ring_of && f->flagged);
    for (uint32_t a = R_C; a <= R_B; a++) {
        deceive(&f->flags[a]);
        flags_raise(&f->flags[a], FLAG_SHARED_DEVICE, 2);
    }
    flags_raise(&f->flags[LONER], FLAG_GEO_HOP, 1);
    deceive(&f->flags[X1]);
    for (uint32_t a = X1; a <= X2; a++) {
        flags_raise(&f->flags[a], FLAG_SHARED_DEVICE, 1);
        flags_raise(&f->flags[a], FLAG_SHARED_PAYOUT, 1);
    }
    for (uint32_t a = T1; a <= T2; a++) {
        deceive(&f->flags[a]);
        flags_raise(&f->flags[a], FLAG_HIGH_RISK_PAYOUT, 2);
        flags_raise(&f->flags[a], FLAG_SELF_DEALING, 1);
    }
    flags_raise_weak(&f->flags[WEAK], FLAG_RATING_BURST, 1);
    flags_raise_weak(&f->flags[FIRMED], FLAG_RATING_BURST, 1);
    flags_raise(&f->flags[FIRMED], FLAG_RATING_BURST, 1);
    flags_raise(&f->flags[REMOTE], FLAG_REMOTE_ACCESS, 1);
    f->flags[REMOTE].remote_device = 1;

    resindex_build(&w->ix[0], g, NODE_IP);
    resindex_build(&w->ix[1], g, NODE_DEVICE);
    resindex_build(&w->ix[2], g, NODE_DEST);
    identity_build(&w->id, g, &w->p, 1);
    const double wd = w->p.w_device / sqrt(2.0); /* a device of three */
    const proj_link links[] = {
        {R_C, R_A, wd, 0, 0},
        {R_C, R_B, wd, 0, 0},
        {R_A, R_B, wd, 0, 0},
        {R_A, HONEST, 0.5, 0, 0.5},                            /* the office line */
        {X1, X2, w->p.w_device + w->p.w_dest, 0, 0},           /* the pc and the bank */
        {T1, T2, w->p.w_device * w->p.far_apart_factor, 0, 0}, /* weakly */
    };
    int32_t comm[NACCOUNTS];
    for (int a = 0; a < NACCOUNTS; a++)
        comm[a] = -1;
    comm[R_A] = comm[R_B] = comm[R_C] = comm[HONEST] = 0;
    comm[X1] = comm[X2] = 1;
    comm[T1] = comm[T2] = 2;
    scoring_run(g, &w->p, links, sizeof links / sizeof *links, comm, 3, w->ix, &w->id, f);
}

static void destroy(world *w)
{
    for (int k = 0; k < 3; k++)
        resindex_free(&w->ix[k]);
    identity_free(&w->id);
    findings_free(&w->f);
    graph_free(w->g);
}

/* Own flags combine as 1 - prod(1 - fw): a weak flag at weak_flag_factor of
 * its weight, a firm one after a weak one in full, remote-desktop software on
 * the account's own device with remote_device_weight on top. Outside rings,
 * risk is own_weight times that. */
static void test_scoring__corroboration_from_flags(void **state)
{
    (void)state;
    world w;
    build(&w);
    const detect_params *p = &w.p;
    const findings *f = &w.f;
    double deceit = 1 - (1 - p->fw[FLAG_GEO_HOP]) * (1 - p->fw[FLAG_COUNTRY_MISMATCH]) *
                            (1 - p->fw[FLAG_ANON_NETWORK]);
    double member = 1 - (1 - deceit) * (1 - p->fw[FLAG_SHARED_DEVICE]);
    assert_true(fabs(f->corroboration[R_A] - member) < EPS);
    assert_true(fabs(f->corroboration[T1] - (1 - (1 - deceit) * (1 - p->fw[FLAG_HIGH_RISK_PAYOUT]) *
                                                     (1 - p->fw[FLAG_SELF_DEALING]))) < EPS);
    assert_true(fabs(f->corroboration[LONER] - p->fw[FLAG_GEO_HOP]) < EPS);
    assert_true(fabs(f->corroboration[WEAK] - p->fw[FLAG_RATING_BURST] * p->weak_flag_factor) <
                EPS);
    assert_true(fabs(f->corroboration[FIRMED] - p->fw[FLAG_RATING_BURST]) < EPS);
    assert_true(fabs(f->corroboration[REMOTE] -
                     (1 - (1 - p->fw[FLAG_REMOTE_ACCESS]) * (1 - p->remote_device_weight))) < EPS);
    assert_true(fabs(f->corroboration[HONEST]) < EPS);
    /* Outside every ring: own flags alone, never flagged at these weights. */
    assert_true(fabs(f->risk[LONER] - p->own_weight * p->fw[FLAG_GEO_HOP]) < EPS);
    assert_true(fabs(f->risk[REMOTE] - p->own_weight * f->corroboration[REMOTE]) < EPS);
    for (int a = LONER; a < NACCOUNTS; a++) {
        if (a == X1 || a == X2 || a == T1 || a == T2)
            continue;
        assert_false(f->flagged[a]);
        assert_int_equal(f->ring_of[a], -1);
    }
    destroy(&w);
}

/* The proxy ring: score = strength x credit over its community (here credit
 * is full: mean corroboration above ring_prevalence_full); its deceiving
 * members inherit the score and are flagged, listed by label, and marked
 * RING_MEMBER; the honest account Leiden put beside them is neither. Two
 * deception families (location, anonymity) make it high severity. */
static void test_scoring__proxy_ring_membership(void **state)
{
    (void)state;
    world w;
    build(&w);
    const detect_params *p = &w.p;
    const findings *f = &w.f;
    assert_int_equal(f->nrings, 2);
    const ring *rg = &f->rings[0];
    assert_string_equal(rg->id, "R0001");
    assert_int_equal(rg->kind, RING_KIND_PROXY);
    assert_int_equal(rg->severity, SEVERITY_HIGH);
    assert_int_equal(rg->families, DECEPTION_LOCATION | DECEPTION_ANONYMITY);
    assert_int_equal(rg->community_size, 4);
    double internal = 3 * p->w_device / sqrt(2.0) + 0.5;
    double strength = 1 - exp(-(internal / 4) / p->ring_strength_scale);
    assert_true(fabs(rg->internal_weight - internal) < EPS);
    assert_true(fabs(rg->strength - strength) < EPS);
    assert_true(fabs(rg->score - strength) < EPS); /* full credit */
    assert_true(rg->score >= p->ring_min_score);
    assert_int_equal(rg->nmembers, 3);
    assert_int_equal(rg->members[0], R_A);
    assert_int_equal(rg->members[1], R_B);
    assert_int_equal(rg->members[2], R_C);
    assert_int_equal(rg->nshills, 0);
    for (uint32_t a = R_C; a <= R_B; a++) {
        assert_true(f->flagged[a]);
        assert_int_equal(f->ring_of[a], 0);
        assert_true(flags_has(&f->flags[a], FLAG_RING_MEMBER));
        assert_true(f->risk[a] > p->own_weight * f->corroboration[a]);
        assert_true(f->risk[a] >= p->threshold);
    }
    assert_false(f->flagged[HONEST]);
    assert_int_equal(f->ring_of[HONEST], -1);
    assert_false(flags_has(&f->flags[HONEST], FLAG_RING_MEMBER));
    /* The facts it is explained by. */
    assert_int_equal(rg->flag_counts[FLAG_GEO_HOP], 3);
    assert_int_equal(rg->flag_counts[FLAG_RING_MEMBER], 3);
    assert_int_equal(rg->flag_counts[FLAG_SHARED_PAYOUT], 0);
    assert_true(rg->nres >= 1);
    assert_int_equal(rg->res[0].type, NODE_DEVICE);
    assert_int_equal(rg->res[0].id, w.farm);
    assert_int_equal(rg->res[0].members, 3);
    assert_int_equal(rg->first_seen, T0);
    assert_int_equal(rg->last_seen, T0 + 5 * DAY);
    destroy(&w);
}

/* Two accounts sharing a device and a payout account, one of which deceives
 * (a proxy ring needs two): a shared-control cluster, ranked after the proxy
 * ring, low severity. Its score is high, yet its accounts are listed without
 * inheriting it (x2 is firmly tied to a deceiving account) and not flagged. */
static void test_scoring__shared_control_listed_not_flagged(void **state)
{
    (void)state;
    world w;
    build(&w);
    const findings *f = &w.f;
    assert_int_equal(f->nrings, 2);
    const ring *rg = &f->rings[1];
    assert_string_equal(rg->id, "R0002");
    assert_int_equal(rg->kind, RING_KIND_SHARED_CONTROL);
    assert_int_equal(rg->severity, SEVERITY_LOW);
    assert_int_equal(rg->controlled, 2);
    assert_int_equal(rg->bound_deceptive, 1);
    assert_true(rg->score >= w.p.ring_min_score);
    assert_int_equal(rg->nmembers, 2);
    assert_int_equal(rg->members[0], X1);
    assert_int_equal(rg->members[1], X2);
    for (uint32_t a = X1; a <= X2; a++) {
        assert_int_equal(f->ring_of[a], 1);
        assert_false(f->flagged[a]);
        assert_false(flags_has(&f->flags[a], FLAG_RING_MEMBER));
        assert_true(fabs(f->risk[a] - w.p.own_weight * f->corroboration[a]) < EPS);
    }
    /* Both kinds of shared resource are its facts, the payout account among them. */
    int bank = 0;
    for (size_t k = 0; k < rg->nres; k++)
        bank |= rg->res[k].type == NODE_DEST && rg->res[k].id == w.bank;
    assert_true(bank);
    destroy(&w);
}

/* Two accounts whose own flags alone flag them, bound only by a weak,
 * far-apart link: their community scores below ring_min_score, so they are
 * flagged but in no ring and inherit nothing. */
static void test_scoring__below_ring_min_score(void **state)
{
    (void)state;
    world w;
    build(&w);
    const findings *f = &w.f;
    for (uint32_t a = T1; a <= T2; a++) {
        assert_int_equal(f->ring_of[a], -1);
        assert_false(flags_has(&f->flags[a], FLAG_RING_MEMBER));
        assert_true(fabs(f->risk[a] - w.p.own_weight * f->corroboration[a]) < EPS);
        assert_true(f->flagged[a]);
    }
    assert_int_equal(f->nrings, 2);
    assert_true(fabs(f->threshold - w.p.threshold) < EPS);
    assert_true(fabs(f->ring_min_score - w.p.ring_min_score) < EPS);
    destroy(&w);
}

/* A slow rating ring: three shill clients on one card and the two freelancers they
 * boosted, all carrying RATING_CONCENTRATION, and a namesake of one shill tied to it by
 * a shared email (an identity link) with no red flag of its own. The community is a
 * rating ring listing the five; the namesake gave and received none of its ratings and
 * inherits nothing. */
static void test_scoring__rating_ring_needs_own_flag(void **state)
{
    (void)state;
    enum { S1, S2, S3, F1, F2, NAMESAKE, N };
    static const char *const names[N] = {"s1", "s2", "s3", "f1", "f2", "namesake"};
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    for (int a = 0; a < N; a++) {
        uint32_t id = graph_account(g, names[a], strlen(names[a]), 0);
        assert_int_equal(id, a);
        g->acct[id].role = a <= S3 ? ROLE_CLIENT : ROLE_FREELANCER;
    }
    graph_finalize(g);
    findings f = {0};
    f.flags = calloc(N, sizeof *f.flags);
    f.risk = calloc(N, sizeof *f.risk);
    f.corroboration = calloc(N, sizeof *f.corroboration);
    f.ring_of = calloc(N, sizeof *f.ring_of);
    f.flagged = calloc(N, 1);
    assert_true(f.flags && f.risk && f.corroboration && f.ring_of && f.flagged);
    for (int a = S1; a <= F2; a++)
        flags_raise(&f.flags[a], FLAG_RATING_CONCENTRATION, 2);
    res_index ix[3];
    resindex_build(&ix[0], g, NODE_IP);
    resindex_build(&ix[1], g, NODE_DEVICE);
    resindex_build(&ix[2], g, NODE_DEST);
    const double card = p.w_dest / sqrt(2.0); /* a card of three */
    const proj_link links[] = {
        {S1, S2, card, 0, 0},         {S1, S3, card, 0, 0},         {S2, S3, card, 0, 0},
        {S1, F1, p.w_lockstep, 0, 1}, {S1, F2, p.w_lockstep, 0, 1}, {S2, F1, p.w_lockstep, 0, 1},
        {S2, F2, p.w_lockstep, 0, 1}, {S3, F1, p.w_lockstep, 0, 1}, {S3, F2, p.w_lockstep, 0, 1},
        {S1, NAMESAKE, 2, 0, 0}, /* the shared email */
    };
    int32_t comm[N] = {0, 0, 0, 0, 0, 0};
    scoring_run(g, &p, links, sizeof links / sizeof *links, comm, 1, ix, NULL, &f);
    assert_int_equal(f.nrings, 1);
    assert_int_equal(f.rings[0].kind, RING_KIND_RATING);
    assert_int_equal(f.rings[0].nshills, 3);
    assert_int_equal(f.rings[0].nmembers, 2);
    for (int a = S1; a <= F2; a++) {
        assert_true(f.flagged[a]);
        assert_int_equal(f.ring_of[a], 0);
    }
    assert_false(f.flagged[NAMESAKE]);
    assert_int_equal(f.ring_of[NAMESAKE], -1);
    assert_true(fabs(f.risk[NAMESAKE]) < EPS);
    for (int k = 0; k < 3; k++)
        resindex_free(&ix[k]);
    findings_free(&f);
    graph_free(g);
}

/* A proxy ring of three personas on one laptop, and three clients outside it that rated
 * two of the personas five stars and paid them. The shill did nothing else; the customer
 * also rated and paid one honest freelancer and paid another without rating: two of the
 * four it hired are the ring's, and with no red flag of its own it is the ring's
 * customer, neither flagged nor listed. The same business from a client with a red flag
 * of its own (logins outside its working day) still counts by its high ratings, two of
 * three, and joins as a shill. */
static void test_scoring__customer_of_a_ring_is_not_a_shill(void **state)
{
    (void)state;
    enum { P1, P2, P3, HONEST1, HONEST2, SHILL, CUSTOMER, ODD_CUSTOMER, N };
    static const char *const names[N] = {"p1",    "p2",       "p3",          "honest1",
                                         "honest2", "shill", "customer", "odd_customer"};
    detect_params p;
    detect_params_init(&p);
    rs_graph *g = graph_new();
    for (int a = 0; a < N; a++) {
        uint32_t id = graph_account(g, names[a], strlen(names[a]), 0);
        assert_int_equal(id, a);
        g->acct[id].role = a >= SHILL ? ROLE_CLIENT : ROLE_FREELANCER;
        memcpy(g->acct[id].country, "US", 3);
        g->acct[id].listed = 1;
    }
    uint32_t laptop = graph_device(g, "laptop", 6);
    for (uint32_t a = P1; a <= P3; a++)
        login(g, a, ipn(g, 10 + a), laptop, T0 + a * H);
    for (uint32_t c = SHILL; c <= ODD_CUSTOMER; c++) {
        const uint32_t hired[] = {P1, P2, HONEST1, HONEST2};
        size_t nhired = c == SHILL ? 2 : 4;
        for (size_t k = 0; k < nhired; k++) {
            int64_t ts = T0 + (int64_t)(c * 10 + k) * DAY;
            charge_ev ch = {.ts = ts,
                            .amount = 300,
                            .client = c,
                            .freelancer = hired[k],
                            .instrument = GRAPH_NONE,
                            .currency = GRAPH_NONE};
            graph_add_charge(g, &ch);
            if (hired[k] == HONEST2)
                continue; /* paid, not rated */
            rating_ev rt = {.ts = ts + H,
                            .client = c,
                            .freelancer = hired[k],
                            .project = GRAPH_NONE,
                            .stars = 5};
            graph_add_rating(g, &rt);
        }
    }
    graph_finalize(g);
    findings f = {0};
    f.flags = calloc(N, sizeof *f.flags);
    f.risk = calloc(N, sizeof *f.risk);
    f.corroboration = calloc(N, sizeof *f.corroboration);
    f.ring_of = calloc(N, sizeof *f.ring_of);
    f.flagged = calloc(N, 1);
    assert_true(f.flags && f.risk && f.corroboration && f.ring_of && f.flagged);
    for (uint32_t a = P1; a <= P3; a++) {
        deceive(&f.flags[a]);
        flags_raise(&f.flags[a], FLAG_SHARED_DEVICE, 2);
    }
    flags_raise(&f.flags[ODD_CUSTOMER], FLAG_OFF_HOURS, 1);
    res_index ix[3];
    resindex_build(&ix[0], g, NODE_IP);
    resindex_build(&ix[1], g, NODE_DEVICE);
    resindex_build(&ix[2], g, NODE_DEST);
    const proj_link links[] = {
        {P1, P2, 4 * p.w_device, 0, 0},
        {P1, P3, 4 * p.w_device, 0, 0},
        {P2, P3, 4 * p.w_device, 0, 0},
    };
    int32_t comm[N] = {0, 0, 0, -1, -1, -1, -1, -1};
    scoring_run(g, &p, links, sizeof links / sizeof *links, comm, 1, ix, NULL, &f);
    assert_int_equal(f.nrings, 1);
    assert_int_equal(f.rings[0].kind, RING_KIND_PROXY);
    assert_true(2.0 / 3.0 * f.rings[0].score >= p.threshold); /* the share would flag */
    assert_int_equal(f.rings[0].nmembers, 3);
    assert_int_equal(f.rings[0].nshills, 2);
    assert_int_equal(f.rings[0].shills[0], ODD_CUSTOMER);
    assert_int_equal(f.rings[0].shills[1], SHILL);
    assert_true(f.flagged[SHILL]);
    assert_true(flags_has(&f.flags[SHILL], FLAG_RING_MEMBER));
    assert_true(fabs(f.risk[SHILL] - f.rings[0].score) < EPS);
    assert_true(f.flagged[ODD_CUSTOMER]);
    assert_false(f.flagged[CUSTOMER]);
    assert_int_equal(f.ring_of[CUSTOMER], -1);
    assert_false(flags_has(&f.flags[CUSTOMER], FLAG_RING_MEMBER));
    assert_true(fabs(f.risk[CUSTOMER]) < EPS);
    for (int k = 0; k < 3; k++)
        resindex_free(&ix[k]);
    findings_free(&f);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scoring__corroboration_from_flags),
        cmocka_unit_test(test_scoring__proxy_ring_membership),
        cmocka_unit_test(test_scoring__shared_control_listed_not_flagged),
        cmocka_unit_test(test_scoring__below_ring_min_score),
        cmocka_unit_test(test_scoring__rating_ring_needs_own_flag),
        cmocka_unit_test(test_scoring__customer_of_a_ring_is_not_a_shill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
