/* test_decisions_rules.c - the rules and wording of algorithms/decisions.c
 * for cleared subjects, beside test_decisions.c (allowlists and guilt by
 * association): a subject's baseline, what counts as a material change,
 * when a benign ring or account stays cleared and what each effect says.
 * Baselines are kept in memory here, standing in for the state database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/decisions.h"
#include "model/flags.h"

/* An in-memory baseline store of one decision. */
typedef struct {
    decision_baseline kept;
    int have, calls, fail;
} mem_store;

static int mem_baseline(void *ctx, const decision *d, const decision_baseline *now,
                        decision_baseline *out)
{
    (void)d;
    mem_store *m = ctx;
    m->calls++;
    if (m->fail)
        return -1;
    if (!m->have) {
        m->kept.accounts = strdup(now->accounts);
        m->kept.kinds = strdup(now->kinds);
        m->have = 1;
    }
    out->accounts = strdup(m->kept.accounts);
    out->kinds = strdup(m->kept.kinds);
    return 0;
}

static void why_of(const char *was_a, const char *was_k, const char *now_a, const char *now_k,
                   const char *want)
{
    decision_baseline was = {(char *)(uintptr_t)was_a, (char *)(uintptr_t)was_k};
    decision_baseline now = {(char *)(uintptr_t)now_a, (char *)(uintptr_t)now_k};
    rs_buf why = {0};
    decisions_material_change(&was, &now, &why);
    assert_string_equal(why.data ? why.data : "", want);
    buf_free(&why);
}

static void test_decisions__material_change(void **state)
{
    (void)state;
    /* the same, or less: the decision holds */
    why_of("a\nb\nc", "SHARED_DEVICE", "a\nb\nc", "SHARED_DEVICE", "");
    why_of("a\nb\nc", "SHARED_DEVICE,SHARED_IP", "b", "SHARED_IP", "");
    why_of("", "", "", "", "");
    /* an account outside the baseline; a name that only prefixes one is new */
    why_of("a\nb", "SHARED_DEVICE", "a\nb\nbb", "SHARED_DEVICE", "1 new account (bb)");
    why_of("a", "", "a\nb\nc", "", "2 new accounts (b, c)");
    /* the first five are named */
    why_of("a", "", "a\nb\nc\nd\ne\nf\ng\nh", "", "7 new accounts (b, c, d, e, f, ...)");
    /* a red-flag kind outside the baseline, alone or after new accounts */
    why_of("a", "SHARED_DEVICE", "a", "SHARED_DEVICE,GEO_HOP,SHARED_IP",
           "new red-flag kinds: GEO_HOP, SHARED_IP");
    why_of("a", "SHARED_DEVICE", "a\nz", "SHARED_IP",
           "1 new account (z); new red-flag kinds: "
           "SHARED_IP");
}

/* Accounts a..e of which the first n form ring RS-000001, each flagged with
 * risk 0.9 and SHARED_DEVICE. */
typedef struct {
    rs_graph *g;
    findings f;
    uint32_t acct[5];
} world;

static void build(world *w, size_t n)
{
    memset(w, 0, sizeof *w);
    w->g = graph_new();
    for (int i = 0; i < 5; i++) {
        char id[2] = {(char)('a' + i), 0};
        w->acct[i] = graph_account(w->g, id, 1, SEEN_AS_FREELANCER);
    }
    graph_finalize(w->g);
    uint32_t na = graph_count(w->g, NODE_ACCOUNT);
    findings *f = &w->f;
    f->flags = calloc(na, sizeof *f->flags);
    f->risk = calloc(na, sizeof *f->risk);
    f->flagged = calloc(na, 1);
    f->ring_of = malloc(na * sizeof *f->ring_of);
    for (uint32_t a = 0; a < na; a++)
        f->ring_of[a] = -1;
    f->rings = calloc(1, sizeof *f->rings);
    f->nrings = 1;
    f->hist.track = calloc(1, sizeof *f->hist.track);
    snprintf(f->hist.track[0].pid, sizeof f->hist.track[0].pid, "RS-000001");
    ring *r = &f->rings[0];
    snprintf(r->id, sizeof r->id, "R0001");
    r->members = calloc(n, sizeof *r->members);
    /* members in reverse: the baseline sorts them */
    for (size_t i = n; i-- > 0;) {
        uint32_t a = w->acct[i];
        r->members[r->nmembers++] = a;
        f->ring_of[a] = 0;
        f->flagged[a] = 1;
        f->risk[a] = 0.9;
        flags_raise(&f->flags[a], FLAG_SHARED_DEVICE, 1);
    }
}

static void drop(world *w)
{
    findings_free(&w->f);
    graph_free(w->g);
}

static decision dec(subject_type t, disposition d, const char *id)
{
    return (decision){t, d, strdup(id), strdup("ana"), strdup(""), 1500000000, 2};
}

static void test_decisions__baseline_of(void **state)
{
    (void)state;
    world w;
    build(&w, 3);
    flags_raise(&w.f.flags[w.acct[1]], FLAG_SHARED_IP, 1);
    decision_baseline b;
    decisions_baseline_of(w.g, &w.f, w.f.rings[0].members, 3, &b);
    assert_string_equal(b.accounts, "a\nb\nc");
    char kinds[128];
    int lo = FLAG_SHARED_DEVICE < FLAG_SHARED_IP;
    snprintf(kinds, sizeof kinds, "%s,%s", flags_name(lo ? FLAG_SHARED_DEVICE : FLAG_SHARED_IP),
             flags_name(lo ? FLAG_SHARED_IP : FLAG_SHARED_DEVICE));
    assert_string_equal(b.kinds, kinds);
    decisions_baseline_free(&b);
    /* no accounts, no kinds: empty strings, never NULL */
    decisions_baseline_of(w.g, &w.f, NULL, 0, &b);
    assert_string_equal(b.accounts, "");
    assert_string_equal(b.kinds, "");
    decisions_baseline_free(&b);
    drop(&w);
}

static void test_decisions__benign_ring(void **state)
{
    (void)state;
    mem_store m = {0};
    decision_set d = {0};
    d.v = calloc(1, sizeof *d.v);
    d.v[d.n++] = dec(SUBJECT_RING, DISPO_BENIGN, "RS-000001");
    /* first run: the baseline is recorded, the ring cleared */
    world w;
    build(&w, 3);
    decision_effects e = {0};
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), 0);
    assert_int_equal(m.calls, 1);
    assert_string_equal(m.kept.accounts, "a\nb\nc");
    assert_true(w.f.hist.track[0].suppressed);
    assert_false(w.f.hist.track[0].reopened);
    assert_int_equal(w.f.flagged[w.acct[0]], 0);
    assert_int_equal(e.n, 1);
    assert_true(e.v[0].dated);
    assert_ptr_equal(e.v[0].d, &d.v[0]);
    assert_string_equal(
        e.v[0].text, "ring RS-000001 (3 accounts) not reported: marked benign and unchanged since");
    assert_string_equal(w.f.hist.track[0].dispo_note, e.v[0].text);
    decisions_effects_free(&e);
    drop(&w);
    /* the ring grows: reported again, its accounts flagged */
    build(&w, 4);
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), 0);
    assert_false(w.f.hist.track[0].suppressed);
    assert_true(w.f.hist.track[0].reopened);
    assert_int_equal(w.f.flagged[w.acct[3]], 1);
    assert_string_equal(e.v[0].text,
                        "ring RS-000001 reported again although marked benign: 1 new account (d)");
    decisions_effects_free(&e);
    drop(&w);
    /* unchanged but holding a confirmed account: never cleared */
    build(&w, 3);
    w.f.hist.track[0].confirmed = 2;
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), 0);
    assert_false(w.f.hist.track[0].suppressed);
    assert_string_equal(e.v[0].text, "ring RS-000001 reported again although marked benign: 2 "
                                     "accounts confirmed bad");
    decisions_effects_free(&e);
    drop(&w);
    /* the store fails: an error, nothing cleared */
    m.fail = 1;
    build(&w, 3);
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), -1);
    assert_false(w.f.hist.track[0].suppressed);
    assert_int_equal(e.n, 0);
    drop(&w);
    decisions_baseline_free(&m.kept);
    decisions_free(&d);
}

static void test_decisions__benign_account(void **state)
{
    (void)state;
    mem_store m = {0};
    decision_set d = {0};
    d.v = calloc(2, sizeof *d.v);
    d.v[d.n++] = dec(SUBJECT_ACCOUNT, DISPO_ALLOWLISTED, "b");
    d.v[d.n++] = dec(SUBJECT_ACCOUNT, DISPO_ESCALATED, "c");
    decisions_finish(&d);
    world w;
    build(&w, 3);
    decision_effects e = {0};
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), 0);
    assert_int_equal(w.f.flagged[w.acct[1]], 0);
    assert_int_equal(w.f.flagged[w.acct[2]], 1); /* escalated: recorded only */
    assert_int_equal(w.f.hist.dispo[w.acct[1]], DISPO_ALLOWLISTED);
    assert_int_equal(w.f.hist.dispo[w.acct[2]], DISPO_ESCALATED);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.v[0].text, "account not flagged (risk 0.900): marked allowlisted and no "
                                     "new red-flag kinds");
    decisions_effects_free(&e);
    drop(&w);
    /* a new red-flag kind: assessed again */
    build(&w, 3);
    flags_raise(&w.f.flags[w.acct[1]], FLAG_SHARED_IP, 1);
    assert_int_equal(decisions_apply_benign(w.g, &w.f, &d, mem_baseline, &m, &e), 0);
    assert_int_equal(w.f.flagged[w.acct[1]], 1);
    char want[160];
    snprintf(want, sizeof want,
             "account assessed again although marked allowlisted: new red-flag kinds: %s",
             flags_name(FLAG_SHARED_IP));
    assert_string_equal(e.v[0].text, want);
    decisions_effects_free(&e);
    drop(&w);
    decisions_baseline_free(&m.kept);
    decisions_free(&d);
}

static void test_decisions__allowlist_and_confirmed_wording(void **state)
{
    (void)state;
    rs_graph *g = graph_new();
    uint32_t a = graph_account(g, "a", 1, SEEN_AS_FREELANCER);
    uint32_t b = graph_account(g, "b", 1, SEEN_AS_FREELANCER);
    uint32_t dev = graph_device(g, "desk", 4);
    for (int i = 0; i < 2; i++) { /* one device, an IP each */
        ipaddr ip;
        char s[16];
        snprintf(s, sizeof s, "10.0.0.%d", i + 1);
        assert_int_equal(ipaddr_parse(s, strlen(s), &ip, NULL), 0);
        login_ev ev = {
            .ts = 1, .account = i ? b : a, .ip = graph_ip(g, &ip), .device = dev, .session_s = -1};
        graph_add_login(g, &ev);
    }
    graph_finalize(g);
    decision_set d = {0};
    d.v = calloc(3, sizeof *d.v);
    d.v[d.n++] = dec(SUBJECT_DEVICE, DISPO_ALLOWLISTED, "desk");
    d.v[d.n++] = dec(SUBJECT_DESTINATION, DISPO_ALLOWLISTED, "nowhere");
    d.v[d.n++] = dec(SUBJECT_ACCOUNT, DISPO_CONFIRMED, "a");
    decisions_finish(&d);
    decision_effects e = {0};
    decisions_apply_allowlist(g, &d, &e);
    /* the destination is in no graph: its type has nothing allowlisted */
    assert_int_equal(e.n, 1);
    assert_false(e.v[0].dated);
    assert_int_equal(e.v[0].d->type, SUBJECT_DEVICE);
    assert_string_equal(e.v[0].text, "left out of shared infrastructure: links no accounts");
    decisions_effects_free(&e);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    findings f;
    memset(&f, 0, sizeof f);
    f.risk = calloc(na, sizeof *f.risk);
    f.flagged = calloc(na, 1);
    decisions_apply_confirmed(g, &f, &d, 0.5, &e);
    assert_int_equal(e.n, 1);
    assert_false(e.v[0].dated);
    assert_string_equal(e.v[0].d->id, "a");
    /* the device is allowlisted: b is tied to a by nothing */
    assert_string_equal(e.v[0].text, "known bad: flagged with risk 1; with the other confirmed "
                                     "accounts, raised the risk of 0 accounts tied to them");
    assert_true(f.risk[a] == 1.0);
    decisions_effects_free(&e);
    findings_free(&f);
    decisions_free(&d);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions__material_change),
        cmocka_unit_test(test_decisions__baseline_of),
        cmocka_unit_test(test_decisions__benign_ring),
        cmocka_unit_test(test_decisions__benign_account),
        cmocka_unit_test(test_decisions__allowlist_and_confirmed_wording),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
