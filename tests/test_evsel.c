/* test_evsel.c - evidence selection: rows are filed under a ring only when
 * they name its accounts (or, for port observations, its IPs), and a row is
 * kept as evidence of a flag only when it passes the detector's rule for
 * that flag and its account carries the flag: the login from another
 * country, not the one from home; the payout into the high-risk bank, not
 * the one at home; the long session of the account flagged for it, not a
 * long session of its ring-mate. Batches, the sample cap and the per-day
 * histogram too. GEO_HOP raised by impossible travel alone (no country on
 * either login) is shown too: the detector and evidence share the whole
 * test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/evsel.h"
#include "algorithms/loginflags.h"
#include "algorithms/resindex.h"
#include "graph/intern.h"
#include "base/ts.h"

#define H (3600 * 1000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

typedef struct {
    rs_graph *g;
    uint32_t r1, r2, x;
    uint32_t us, cn, dev, bank_cn, bank_us;
    findings f;
    ring ring0;
    casefile cases[1];
    detect_params p;
    /* what the sink saw */
    size_t sunk;
    long lines[64];
} world;

static uint32_t acct(rs_graph *g, const char *id, const char *claim)
{
    uint32_t a = graph_account(g, id, strlen(id), SEEN_AS_FREELANCER);
    memcpy(g->acct[a].country, claim, 3);
    g->acct[a].listed = 1;
    return a;
}

static uint32_t ip(rs_graph *g, unsigned n, const char *cc)
{
    ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)n}};
    uint32_t i = graph_ip(g, &x);
    memcpy(g->ip[i].country, cc, 3);
    return i;
}

static void build(world *w)
{
    memset(w, 0, sizeof *w);
    detect_params_init(&w->p);
    rs_graph *g = w->g = graph_new();
    w->r1 = acct(g, "r1", "US");
    w->r2 = acct(g, "r2", "US");
    w->x = acct(g, "x", "US");
    w->us = ip(g, 1, "US");
    w->cn = ip(g, 2, "CN");
    w->dev = graph_device(g, "laptop", 6);
    w->bank_cn = graph_dest(g, "bank-cn", 7, 1);
    memcpy(g->dest[w->bank_cn].country, "CN", 3);
    w->bank_us = graph_dest(g, "bank-us", 7, 1);
    memcpy(g->dest[w->bank_us].country, "US", 3);
    login_ev e = {.ts = T0, .account = w->r1, .ip = w->us, .device = w->dev, .session_s = 600};
    graph_add_login(g, &e);
    e.account = w->r2, e.ip = w->cn;
    graph_add_login(g, &e);
    e.account = w->x;
    graph_add_login(g, &e);
    payout_ev p = {.ts = T0,
                   .amount = 100,
                   .account = w->r1,
                   .dest = w->bank_cn,
                   .currency = GRAPH_NONE,
                   .method = GRAPH_NONE};
    graph_add_payout(g, &p);
    p.account = w->r2, p.dest = w->bank_us;
    graph_add_payout(g, &p);
    graph_finalize(g);

    uint32_t na = graph_count(g, NODE_ACCOUNT);
    w->f.flags = calloc(na, sizeof *w->f.flags);
    w->f.ring_of = calloc(na, sizeof *w->f.ring_of);
    for (uint32_t a = 0; a < na; a++)
        w->f.ring_of[a] = -1;
    w->f.ring_of[w->r1] = w->f.ring_of[w->r2] = 0;
    flags_raise(&w->f.flags[w->r1], FLAG_COUNTRY_MISMATCH, 1);
    flags_raise(&w->f.flags[w->r1], FLAG_GEO_HOP, 1);
    flags_raise(&w->f.flags[w->r1], FLAG_HIGH_RISK_PAYOUT, 1);
    flags_raise(&w->f.flags[w->r2], FLAG_LONG_SESSION, 1);
    flags_raise(&w->f.flags[w->r2], FLAG_HIGH_RISK_PAYOUT, 1);
    flags_raise(&w->f.flags[w->x], FLAG_COUNTRY_MISMATCH, 1);
    snprintf(w->ring0.id, sizeof w->ring0.id, "R0001");
    w->f.rings = &w->ring0;
    w->f.nrings = 1;
}

static void destroy(world *w)
{
    casefile_free(&w->cases[0]);
    free(w->f.flags);
    free(w->f.ring_of);
    graph_free(w->g);
}

static int sink(void *ctx, size_t ri, const source_row *row)
{
    world *w = ctx;
    assert_int_equal(ri, 0);
    if (w->sunk < 64)
        w->lines[w->sunk] = row->line;
    w->sunk++;
    return 0;
}

static source_row login_row(world *w, long line, uint32_t a, uint32_t ipid, int64_t ts,
                            int32_t secs)
{
    source_row r;
    memset(&r, 0, sizeof r);
    r.table = TABLE_LOGINS;
    r.file = "logins.csv";
    r.sha256 = "0";
    r.line = line;
    r.ts = ts;
    r.cols[0] = (record_col){"account_id", "acct", 4, 0};
    r.ncols = 1;
    r.accounts[0] = a;
    r.naccounts = 1;
    r.ev.login =
        (login_ev){.ts = ts, .account = a, .ip = ipid, .device = GRAPH_NONE, .session_s = secs};
    (void)w;
    return r;
}

static source_row payout_row(long line, uint32_t a, uint32_t dest)
{
    source_row r;
    memset(&r, 0, sizeof r);
    r.table = TABLE_PAYOUTS;
    r.file = "payouts.csv";
    r.sha256 = "0";
    r.line = line;
    r.ts = T0;
    r.accounts[0] = a;
    r.naccounts = 1;
    r.ev.payout = (payout_ev){.ts = T0,
                              .amount = 100,
                              .account = a,
                              .dest = dest,
                              .currency = GRAPH_NONE,
                              .method = GRAPH_NONE};
    return r;
}

static int sampled(const world *w, flag_code f, long line)
{
    const case_evidence *ev = &w->cases[0].ev;
    for (size_t k = 0; k < ev->nsamples[f]; k++)
        if (ev->samples[f][k].line == line)
            return 1;
    return 0;
}

static void test_evsel__rows_prove_their_flags(void **state)
{
    (void)state;
    world w;
    build(&w);
    evsel *s = evsel_new(w.g, &w.f, &w.p, w.cases, sink, &w);
    source_row rows[] = {
        login_row(&w, 2, w.r1, w.us, T0, 600),                /* home: proves nothing */
        login_row(&w, 3, w.r1, w.cn, T0 + 2 * H, 600),        /* CN, 2 h after: hop + away */
        login_row(&w, 4, w.r2, w.cn, T0 + 3 * H, 30 * 3600),  /* r2's day-long session */
        login_row(&w, 5, w.r1, w.cn, T0 + 50 * H, 30 * 3600), /* r1 not flagged for it */
        login_row(&w, 6, w.x, w.cn, T0 + 3 * H, 600),         /* not in the ring */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_int_equal(evsel_row(s, &rows[i]), 0);
    source_row p1 = payout_row(2, w.r1, w.bank_cn), p2 = payout_row(3, w.r2, w.bank_us);
    assert_int_equal(evsel_row(s, &p1), 0);
    assert_int_equal(evsel_row(s, &p2), 0);

    /* Filed: the ring's rows only. */
    assert_int_equal(w.sunk, 6);
    const case_evidence *ev = &w.cases[0].ev;
    assert_int_equal(ev->rows[TABLE_LOGINS], 4);
    assert_int_equal(ev->rows[TABLE_PAYOUTS], 2);
    /* Proven: each flag by its own rows. */
    assert_true(sampled(&w, FLAG_COUNTRY_MISMATCH, 3));
    assert_true(sampled(&w, FLAG_COUNTRY_MISMATCH, 5));
    assert_false(sampled(&w, FLAG_COUNTRY_MISMATCH, 2)); /* the login from home */
    assert_false(sampled(&w, FLAG_COUNTRY_MISMATCH, 4)); /* r2 is not flagged for it */
    assert_false(sampled(&w, FLAG_COUNTRY_MISMATCH, 6)); /* x is outside the ring */
    assert_true(sampled(&w, FLAG_GEO_HOP, 3));
    assert_false(sampled(&w, FLAG_GEO_HOP, 5)); /* same country as before */
    assert_int_equal(ev->nsamples[FLAG_LONG_SESSION], 1);
    assert_true(sampled(&w, FLAG_LONG_SESSION, 4));
    assert_int_equal(ev->nsamples[FLAG_HIGH_RISK_PAYOUT], 1); /* not the US bank */
    assert_string_equal(ev->samples[FLAG_HIGH_RISK_PAYOUT][0].file, "payouts.csv");
    assert_int_equal(ev->samples[FLAG_HIGH_RISK_PAYOUT][0].line, 2);
    /* The sample keeps the row's other columns as written. */
    const case_row *cr = &ev->samples[FLAG_GEO_HOP][0];
    assert_int_equal(cr->ncols, 1);
    assert_string_equal(cr->name[0], "account_id");
    assert_string_equal(cr->value[0], "acct");
    assert_int_equal(cr->ts, T0 + 2 * H);
    /* Day histogram: logins on 2026-03-01 and 03-03. */
    assert_int_equal(ev->day0, T0 / (24 * H));
    assert_int_equal(ev->ndays, 3);
    assert_int_equal(ev->per_day[0][TABLE_LOGINS], 3);
    assert_int_equal(ev->per_day[2][TABLE_LOGINS], 1);
    evsel_free(s);
    destroy(&w);
}

static void test_evsel__ports_batches_and_cap(void **state)
{
    (void)state;
    world w;
    build(&w);
    evsel *s = evsel_new(w.g, &w.f, &w.p, w.cases, sink, &w);
    /* An RDP port seen on the ring's CN IP (used by r2) is filed under the
     * ring; a web port is filed but proves nothing. */
    source_row pr;
    memset(&pr, 0, sizeof pr);
    pr.table = TABLE_PORTS;
    pr.file = "ports.csv";
    pr.sha256 = "0";
    pr.line = 2;
    pr.ts = T0;
    pr.ev.port =
        (port_ev){.ts = T0, .ip = w.cn, .device = GRAPH_NONE, .service = GRAPH_NONE, .port = 3389};
    assert_int_equal(evsel_row(s, &pr), 0);
    pr.line = 3;
    pr.ev.port.port = 443;
    assert_int_equal(evsel_row(s, &pr), 0);
    assert_int_equal(w.sunk, 2);
    assert_int_equal(w.cases[0].ev.nsamples[FLAG_REMOTE_ACCESS], 1);
    assert_true(sampled(&w, FLAG_REMOTE_ACCESS, 2));

    /* Outside the batch: nothing filed. */
    evsel_batch(s, 1, 1);
    source_row r = login_row(&w, 9, w.r1, w.cn, T0, 600);
    assert_int_equal(evsel_row(s, &r), 0);
    assert_int_equal(w.sunk, 2);

    /* At most CASE_MAX_SAMPLES rows per flag. */
    evsel_batch(s, 0, 1);
    for (long k = 0; k < 25; k++) {
        r = login_row(&w, 100 + k, w.r1, w.cn, T0 + k * H, 600);
        assert_int_equal(evsel_row(s, &r), 0);
    }
    assert_int_equal(w.cases[0].ev.nsamples[FLAG_COUNTRY_MISMATCH], CASE_MAX_SAMPLES);
    assert_int_equal(w.cases[0].ev.rows[TABLE_LOGINS], 25);
    evsel_free(s);
    destroy(&w);
}

static int has_hash(const uint64_t *h, size_t n, uint64_t want)
{
    for (size_t i = 0; i < n; i++)
        if (h[i] == want)
            return 1;
    return 0;
}

/* The ids whose rows can be evidence: the ring's accounts r1 and r2, the IPs
 * and the device they used; not x, which is in no ring, nor the payout
 * destinations (payout rows name their account). */
static void test_evsel__wanted_ids(void **state)
{
    (void)state;
    world w;
    build(&w);
    evsel *s = evsel_new(w.g, &w.f, &w.p, w.cases, sink, &w);
    uint64_t *h;
    size_t n = evsel_wanted(s, &h);
    assert_true(has_hash(h, n, intern_hash("r1", 2)));
    assert_true(has_hash(h, n, intern_hash("r2", 2)));
    assert_false(has_hash(h, n, intern_hash("x", 1)));
    assert_true(has_hash(h, n, graph_node_hash(w.g, NODE_IP, w.us)));
    assert_true(has_hash(h, n, graph_node_hash(w.g, NODE_IP, w.cn)));
    assert_true(has_hash(h, n, intern_hash("laptop", 6)));
    assert_false(has_hash(h, n, intern_hash("bank-cn", 7)));
    free(h);
    evsel_free(s);
    destroy(&w);
}

static int failing_sink(void *ctx, size_t ri, const source_row *row)
{
    (void)ctx, (void)ri, (void)row;
    return -1;
}

static void test_evsel__sink_failure_stops(void **state)
{
    (void)state;
    world w;
    build(&w);
    evsel *s = evsel_new(w.g, &w.f, &w.p, w.cases, failing_sink, NULL);
    source_row r = login_row(&w, 2, w.r1, w.cn, T0, 600);
    assert_int_not_equal(evsel_row(s, &r), 0);
    r = login_row(&w, 3, w.x, w.cn, T0, 600); /* not the ring's: the sink is not called */
    assert_int_equal(evsel_row(s, &r), 0);
    evsel_free(s);
    destroy(&w);
}

/* GEO_HOP by speed only: two logins of one account an hour apart, from New
 * York and London, on addresses located to a point but with no country, so
 * the country hop cannot fire. The detector raises GEO_HOP on the impossible
 * travel; evidence selection must show the second login for it (before the
 * speed test moved into the shared rule, it compared countries only and
 * showed nothing). */
static void test_evsel__geo_hop_by_speed(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = acct(g, "traveller", "US"), b = acct(g, "mate", "US");
    uint32_t ny = ip(g, 11, "\0\0"), ldn = ip(g, 12, "\0\0"); /* located, no country */
    g->ip[ny].lat = 40.71f, g->ip[ny].lon = -74.01f, g->ip[ny].has_loc = 1;
    g->ip[ldn].lat = 51.51f, g->ip[ldn].lon = -0.13f, g->ip[ldn].has_loc = 1;
    login_ev e = {.ts = T0, .account = a, .ip = ny, .device = GRAPH_NONE, .session_s = 600};
    graph_add_login(g, &e);
    e.ts = T0 + H, e.ip = ldn;
    graph_add_login(g, &e);
    e.account = b, e.ip = ny;
    graph_add_login(g, &e);
    graph_finalize(g);

    detect_params p;
    detect_params_init(&p);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    acct_flags *fl = calloc(na, sizeof *fl);
    res_index devs;
    resindex_build(&devs, g, NODE_DEVICE);
    loginflags_run(g, &p, &devs, fl);
    resindex_free(&devs);
    assert_true(flags_has(&fl[a], FLAG_GEO_HOP)); /* by speed: ~5,570 km in under an hour */
    assert_int_equal(fl[a].evidence[FLAG_GEO_HOP], 1);

    findings f;
    memset(&f, 0, sizeof f);
    ring rg;
    memset(&rg, 0, sizeof rg);
    snprintf(rg.id, sizeof rg.id, "R0001");
    f.flags = fl;
    f.ring_of = calloc(na, sizeof *f.ring_of);
    f.ring_of[a] = f.ring_of[b] = 0;
    f.rings = &rg;
    f.nrings = 1;
    casefile cases[1];
    memset(cases, 0, sizeof cases);
    world w; /* the sink's counters */
    memset(&w, 0, sizeof w);
    evsel *s = evsel_new(g, &f, &p, cases, sink, &w);
    source_row r1 = login_row(&w, 2, a, ny, T0, 600), r2 = login_row(&w, 3, a, ldn, T0 + H, 600);
    assert_int_equal(evsel_row(s, &r1), 0);
    assert_int_equal(evsel_row(s, &r2), 0);
    evsel_free(s);
    assert_int_equal(cases[0].ev.nsamples[FLAG_GEO_HOP], 1);
    assert_int_equal(cases[0].ev.samples[FLAG_GEO_HOP][0].line, 3);

    casefile_free(&cases[0]);
    free(f.ring_of);
    free(fl);
    graph_free(g);
}

/* A handed-over account's logins on a resource it used only before the date are the
 * owner's: the projection leaves them out (resindex_build_since), so SHARED_IP's
 * evidence must not pair a ring-mate's login with them. On an address both used after
 * the date, the pair is shown. */
static void test_evsel__owner_logins_pair_nobody(void **state)
{
    (void)state;
    world w;
    build(&w);
    rs_graph *g = w.g;
    /* A second graph: build's is finalized, and these logins must be its edges. */
    rs_graph *h = graph_new();
    uint32_t r1 = acct(h, "r1", "US"), r2 = acct(h, "r2", "US");
    uint32_t home = ip(h, 3, "US"), flat = ip(h, 4, "US");
    int64_t at = T0 + 240 * H;
    login_ev e = {.ts = T0, .account = r1, .ip = home, .device = GRAPH_NONE, .session_s = 600};
    graph_add_login(h, &e);
    e.account = r2, e.ts = T0 + H;
    graph_add_login(h, &e);
    e.account = r1, e.ip = flat, e.ts = at + 24 * H;
    graph_add_login(h, &e);
    e.account = r2, e.ts = at + 25 * H;
    graph_add_login(h, &e);
    graph_finalize(h);
    w.g = h;
    free(w.f.flags);
    free(w.f.ring_of);
    uint32_t na = graph_count(h, NODE_ACCOUNT);
    w.f.flags = calloc(na, sizeof *w.f.flags);
    w.f.ring_of = calloc(na, sizeof *w.f.ring_of);
    w.f.ring_of[r1] = w.f.ring_of[r2] = 0;
    flags_raise(&w.f.flags[r1], FLAG_HANDOVER, 2);
    w.f.flags[r1].handover_at = at + 24 * H;
    flags_raise(&w.f.flags[r1], FLAG_SHARED_IP, 1);
    flags_raise(&w.f.flags[r2], FLAG_SHARED_IP, 1);
    evsel *s = evsel_new(h, &w.f, &w.p, w.cases, sink, &w);
    source_row rows[] = {
        login_row(&w, 2, r1, home, T0, 600),           /* the owner, at home */
        login_row(&w, 3, r2, home, T0 + H, 600),       /* a ring-mate an hour later */
        login_row(&w, 4, r1, flat, at + 24 * H, 600),  /* the renter */
        login_row(&w, 5, r2, flat, at + 25 * H, 600),  /* with the ring-mate */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_int_equal(evsel_row(s, &rows[i]), 0);
    assert_true(sampled(&w, FLAG_SHARED_IP, 4));
    assert_true(sampled(&w, FLAG_SHARED_IP, 5));
    assert_false(sampled(&w, FLAG_SHARED_IP, 2));
    assert_false(sampled(&w, FLAG_SHARED_IP, 3));
    evsel_free(s);
    w.g = g;
    graph_free(h);
    destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evsel__rows_prove_their_flags),
        cmocka_unit_test(test_evsel__ports_batches_and_cap),
        cmocka_unit_test(test_evsel__wanted_ids),
        cmocka_unit_test(test_evsel__sink_failure_stops),
        cmocka_unit_test(test_evsel__geo_hop_by_speed),
        cmocka_unit_test(test_evsel__owner_logins_pair_nobody),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
