/* test_report.c - the HTML case page and index (report.h) of a hand-built
 * ring whose account ids, device id, evidence row, explanation and credits
 * are hostile: every one must come out HTML-escaped, and nothing may open a
 * tag, an attribute or a script. Also the summary card's strongest facts
 * (deception before sharing, whatever the counts), its crypto payouts and the
 * index line of a ring, with and without an evidence package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/cases.h"
#include "export/report.h"

#define DAY (24 * 3600 * 1000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

#define SVG_ID "<svg onload=1>"
#define QUOTE_ID "a\"b' onmouseover='x"
#define AMP_ID "x&y"

typedef struct {
    rs_graph *g;
    findings f;
    ring rg;
    uint32_t members[3];
    ring_resource res[1];
    casefile *cf;
} world;

static void login(rs_graph *g, uint32_t a, uint32_t i, uint32_t d, int64_t ts)
{
    login_ev e = {.ts = ts, .account = a, .ip = i, .device = d, .session_s = 90000};
    graph_add_login(g, &e);
}

/* Three accounts with hostile ids on one device "dev<1>", each on its own
 * IP; ring R0001 of them with GEO_HOP and LONG_SESSION on two, SHARED_IP on
 * all three; one GEO_HOP evidence row naming the <svg> account. */
static void build(world *w)
{
    memset(w, 0, sizeof *w);
    rs_graph *g = w->g = graph_new();
    static const char *const ids[3] = {QUOTE_ID, SVG_ID, AMP_ID}; /* label order */
    uint32_t dev = graph_device(g, "dev<1>", 6);
    for (int k = 0; k < 3; k++) {
        w->members[k] = graph_account(g, ids[k], strlen(ids[k]), SEEN_AS_FREELANCER);
        memcpy(g->acct[w->members[k]].country, "US", 3);
        g->acct[w->members[k]].listed = 1;
        ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)(k + 1)}};
        login(g, w->members[k], graph_ip(g, &x), dev, T0 + k * DAY);
    }
    graph_finalize(g);

    uint32_t na = graph_count(g, NODE_ACCOUNT);
    findings *f = &w->f;
    f->flags = calloc(na, sizeof *f->flags);
    f->risk = calloc(na, sizeof *f->risk);
    f->ring_of = calloc(na, sizeof *f->ring_of);
    f->flagged = calloc(na, 1);
    f->corroboration = calloc(na, sizeof *f->corroboration);
    assert_true(f->flags && f->risk && f->ring_of && f->flagged && f->corroboration);
    f->credits = strdup("Example <IP> data & co");
    f->threshold = 0.5;
    f->ring_min_score = 0.4;
    ring *rg = &w->rg;
    for (int k = 0; k < 3; k++) {
        uint32_t a = w->members[k];
        f->ring_of[a] = 0;
        f->flagged[a] = 1;
        f->risk[a] = 0.9 - 0.1 * k;
        if (k < 2) {
            flags_raise(&f->flags[a], FLAG_GEO_HOP, 1);
            flags_raise(&f->flags[a], FLAG_LONG_SESSION, 1);
        }
        flags_raise(&f->flags[a], FLAG_SHARED_IP, 2);
        flags_raise(&f->flags[a], FLAG_RING_MEMBER, 1);
    }
    rg->flag_counts[FLAG_GEO_HOP] = 2;
    rg->flag_counts[FLAG_SHARED_IP] = 3;
    rg->flag_counts[FLAG_LONG_SESSION] = 2;
    rg->flag_counts[FLAG_RING_MEMBER] = 3;
    snprintf(rg->id, sizeof rg->id, "R0001");
    rg->kind = RING_KIND_PROXY;
    rg->severity = SEVERITY_HIGH;
    rg->score = 0.812;
    rg->strength = 0.812;
    rg->prevalence = 0.7;
    rg->density = 1.5;
    rg->bound = rg->bound_deceptive = 3;
    rg->families = DECEPTION_LOCATION;
    rg->community_size = 3;
    rg->members = w->members;
    rg->nmembers = 3;
    w->res[0] = (ring_resource){NODE_DEVICE, dev, 3, 3};
    rg->res = w->res;
    rg->nres = 1;
    rg->first_seen = T0;
    rg->last_seen = T0 + 2 * DAY;
    f->rings = rg;
    f->nrings = 1;

    w->cf = cases_build(g, f);
    assert_non_null(w->cf);
    source_row row;
    memset(&row, 0, sizeof row);
    row.table = TABLE_LOGINS;
    row.file = "logins<1>.csv";
    row.sha256 = "";
    row.line = 2;
    row.ts = T0;
    row.cols[0] = (record_col){"account_id", SVG_ID, strlen(SVG_ID), 0};
    row.ncols = 1;
    row.attr_value = row.text = GRAPH_NONE;
    casefile_add_sample(&w->cf[0].ev, FLAG_GEO_HOP, &row);
}

static void destroy(world *w)
{
    casefile_free_all(w->cf, 1);
    free(w->f.flags);
    free(w->f.risk);
    free(w->f.ring_of);
    free(w->f.flagged);
    free(w->f.corroboration);
    free(w->f.credits);
    graph_free(w->g);
}

/* The case page of ring 0 as a new string (caller frees). */
static char *ring_page(const world *w)
{
    static const char *const files[] = {"data/<nodes>.csv"};
    static const char hashes[1][65] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
    report_ring rr = {w->g,  &w->f,  0, &w->cf[0], "Linked by <one> device & \"more\"",
                      files, hashes, 1};
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    assert_int_equal(report_write_ring(m, &rr), 0);
    assert_int_equal(fclose(m), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

static char *index_page(const rs_graph *g, const findings *f)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    assert_int_equal(report_write_index(m, g, f, NULL), 0);
    assert_int_equal(fclose(m), 0);
    return out;
}

/* Every input string on the page is escaped where it appears: in the
 * accounts and flags tables, the drawing's labels and titles, the evidence
 * rows, the infrastructure table, the explanation, the files and the
 * credits. */
static void test_report__hostile_ids_escaped(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *page = ring_page(&w);
    assert_null(strstr(page, SVG_ID));
    assert_null(strstr(page, "onload=1>"));
    assert_null(strstr(page, QUOTE_ID));
    assert_null(strstr(page, "' onmouseover"));
    assert_null(strstr(page, AMP_ID));
    assert_null(strstr(page, "<1>"));
    assert_null(strstr(page, "<one>"));
    assert_null(strstr(page, "<IP>"));
    assert_null(strstr(page, "<nodes>"));
    assert_null(strstr(page, "<script"));
    /* The accounts table row of each member. */
    assert_non_null(strstr(page, "<td class=\"id\"><code>&lt;svg onload=1&gt;</code></td>"));
    assert_non_null(
        strstr(page, "<td class=\"id\"><code>a&quot;b&apos; onmouseover=&apos;x</code></td>"));
    assert_non_null(strstr(page, "<td class=\"id\"><code>x&amp;y</code></td>"));
    /* The drawing: a node's tooltip and its label. */
    assert_non_null(
        strstr(page, "<title>account: &lt;svg onload=1&gt; (flagged, risk 0.800)</title>"));
    assert_non_null(strstr(page, "fill=\"#222\">a&quot;b&apos; onmouseover=&apos;x</text>"));
    /* The GEO_HOP evidence row. */
    assert_non_null(strstr(page, "logins&lt;1&gt;.csv:2</td>"));
    assert_non_null(strstr(page, "account_id=&lt;svg onload=1&gt;</td>"));
    assert_non_null(strstr(page, "<code>dev&lt;1&gt;</code>"));
    assert_non_null(strstr(page, "Linked by &lt;one&gt; device &amp; &quot;more&quot;"));
    assert_non_null(strstr(page, "Example &lt;IP&gt; data &amp; co"));
    assert_non_null(strstr(page, "<code>data/&lt;nodes&gt;.csv</code>"));
    /* Self-contained: nothing may be fetched. */
    assert_non_null(strstr(page, "default-src 'none'"));
    free(page);
    destroy(&w);
}

/* Deception comes first among the strongest facts even when fewer accounts
 * show it; sharing and long sessions follow, more accounts first;
 * RING_MEMBER, which every account carries, is never a fact. */
static void test_report__strong_fact_first(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *page = ring_page(&w);
    assert_non_null(strstr(page, "<tr><th>strongest facts</th><td><ol>"
                                 "<li>2 of 3 accounts logged in from two countries within hours "
                                 "(GEO_HOP)</li>"
                                 "<li>3 of 3 accounts shared an IP with other accounts at the "
                                 "same time (SHARED_IP)</li>"
                                 "<li>2 of 3 accounts stayed logged in for a day or more "
                                 "(LONG_SESSION)</li>"
                                 "</ol></td></tr>\n"));
    assert_non_null(strstr(page, "<h1>Ring R0001</h1>"));
    assert_non_null(strstr(page, "<h3>GEO_HOP: 2 of 3 accounts</h3>"));
    free(page);
    destroy(&w);
}

/* Crypto payouts: the summary card says how many accounts were paid into crypto
 * wallets, and says nothing of them when none were. */
static void test_report__crypto_payouts(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *page = ring_page(&w);
    assert_null(strstr(page, "crypto"));
    free(page);
    w.rg.crypto_paid = 2;
    page = ring_page(&w);
    assert_non_null(strstr(page, "<tr><th>crypto payouts</th><td>2 of 3 accounts paid into "
                                 "crypto wallets</td></tr>\n"));
    free(page);
    destroy(&w);
}

/* The index ranks the ring in one line linking to its bag's page, with what
 * binds it and its three most common flags; with no ring it says so. */
static void test_report__index_line(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *page = index_page(w.g, &w.f);
    assert_non_null(strstr(page, "<h1>Rings found: 1</h1>"));
    assert_non_null(strstr(page, "<td class=\"id\"><a href=\"evidence/R0001/data/report.html\">"
                                 "R0001</a></td><td class=\"id\">proxy_ring</td><td>high</td>"
                                 "<td class=\"n\">0.812</td><td class=\"n\">0.70</td>"
                                 "<td class=\"n\">3</td><td class=\"date\">2026-03-01</td>"
                                 "<td class=\"date\">2026-03-03</td>"
                                 "<td>shares 1 device; SHARED_IP 3/3, GEO_HOP 2/3, "
                                 "LONG_SESSION 2/3</td></tr>\n"));
    assert_non_null(strstr(page, "Example &lt;IP&gt; data &amp; co"));
    free(page);
    w.f.nrings = 0;
    page = index_page(w.g, &w.f);
    assert_non_null(strstr(page, "<h1>Rings found: 0</h1>"));
    assert_non_null(strstr(page, "No ring reached the reporting threshold."));
    assert_null(strstr(page, "evidence/R0001"));
    free(page);
    w.f.nrings = 1;
    destroy(&w);
}

/* A ring below --evidence-min-severity: listed with its facts, no link to a
 * case page that was never written, and the reason on its line and under the
 * table. */
static void test_report__index_without_package(void **state)
{
    (void)state;
    world w;
    build(&w);
    w.rg.severity = SEVERITY_LOW;
    w.f.nunpackaged = 1;
    report_run run;
    memset(&run, 0, sizeof run);
    run.min_severity = "medium";
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    assert_int_equal(report_write_index(m, w.g, &w.f, &run), 0);
    assert_int_equal(fclose(m), 0);
    assert_null(strstr(out, "href=\"evidence/"));
    assert_non_null(strstr(out, "<td class=\"id\">R0001</td><td class=\"id\">proxy_ring</td>"
                                "<td>low</td>"));
    assert_non_null(strstr(out, "LONG_SESSION 2/3 No evidence package: low severity is below "
                                "--evidence-min-severity medium.</td></tr>"));
    assert_non_null(strstr(out, "1 ring below medium severity has no evidence package"));
    free(out);
    w.f.nunpackaged = 0;
    destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__index_without_package),
        cmocka_unit_test(test_report__hostile_ids_escaped),
        cmocka_unit_test(test_report__strong_fact_first),
        cmocka_unit_test(test_report__crypto_payouts),
        cmocka_unit_test(test_report__index_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
