/* test_results.c - the machine-readable results (results.h) of a hand-built
 * ring: accounts.csv's header and rows (sorted by risk, then id; every cell
 * escaped against CSV and spreadsheet-formula injection), a ring as
 * rings.json lists it, rings.json itself, and run.json's detection summary
 * (identity flags only when the input has identity data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/results.h"

#define DAY (24 * 3600 * 1000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

enum { CMD, COMMA, PLAIN, CLIENT, NACCOUNTS };

typedef struct {
    rs_graph *g;
    findings f;
    ring rg;
    uint32_t members[2];
    ring_resource res[1];
    uint32_t dev;
} world;

/* "=cmd" and "b,c" (ring R0001, flagged), "plain" and the client "+client"
 * (neither), the ring's members sharing device "laptop". */
static void build(world *w)
{
    memset(w, 0, sizeof *w);
    rs_graph *g = w->g = graph_new();
    static const char *const ids[NACCOUNTS] = {"=cmd", "b,c", "plain", "+client"};
    w->dev = graph_device(g, "laptop", 6);
    for (int k = 0; k < NACCOUNTS; k++) {
        uint32_t a = graph_account(g, ids[k], strlen(ids[k]),
                                   k == CLIENT ? SEEN_AS_CLIENT : SEEN_AS_FREELANCER);
        assert_int_equal(a, k);
        memcpy(g->acct[a].country, k == COMMA ? "\0\0" : "US", 3); /* 3 bytes of either */
        ipaddr x = {.len = 4, .b = {10, 0, 0, (uint8_t)(k + 1)}};
        login_ev e = {.ts = T0 + k * DAY,
                      .account = a,
                      .ip = graph_ip(g, &x),
                      .device = k <= COMMA ? w->dev : GRAPH_NONE,
                      .session_s = 600};
        graph_add_login(g, &e);
    }
    graph_finalize(g);

    findings *f = &w->f;
    f->flags = calloc(NACCOUNTS, sizeof *f->flags);
    f->risk = calloc(NACCOUNTS, sizeof *f->risk);
    f->ring_of = calloc(NACCOUNTS, sizeof *f->ring_of);
    f->flagged = calloc(NACCOUNTS, 1);
    f->corroboration = calloc(NACCOUNTS, sizeof *f->corroboration);
    assert_true(f->flags && f->risk && f->ring_of && f->flagged && f->corroboration);
    f->threshold = 0.5;
    f->ring_min_score = 0.4;
    f->ring_of[PLAIN] = f->ring_of[CLIENT] = -1;
    f->risk[CMD] = 0.9;
    f->risk[COMMA] = 0.8;
    f->risk[PLAIN] = f->risk[CLIENT] = 0.1;
    f->flagged[CMD] = f->flagged[COMMA] = 1;
    flags_raise(&f->flags[CMD], FLAG_GEO_HOP, 2);
    flags_raise(&f->flags[COMMA], FLAG_SHARED_DEVICE, 1);
    flags_raise(&f->flags[CMD], FLAG_SHARED_DEVICE, 1);
    flags_raise(&f->flags[CMD], FLAG_RING_MEMBER, 1);
    flags_raise(&f->flags[COMMA], FLAG_RING_MEMBER, 1);
    ring *rg = &w->rg;
    snprintf(rg->id, sizeof rg->id, "R0001");
    rg->kind = RING_KIND_PROXY;
    rg->severity = SEVERITY_MEDIUM;
    rg->score = rg->strength = 0.75;
    rg->prevalence = 0.6;
    rg->community_size = 2;
    rg->internal_weight = 2.0;
    rg->density = 2.0;
    rg->bound = 2;
    rg->bound_deceptive = 2;
    rg->families = DECEPTION_LOCATION;
    w->members[0] = CMD; /* by label: "=cmd" < "b,c" */
    w->members[1] = COMMA;
    rg->members = w->members;
    rg->nmembers = 2;
    w->res[0] = (ring_resource){NODE_DEVICE, w->dev, 2, 2};
    rg->res = w->res;
    rg->nres = 1;
    rg->flag_counts[FLAG_GEO_HOP] = 1;
    rg->flag_counts[FLAG_SHARED_DEVICE] = 2;
    rg->flag_counts[FLAG_RING_MEMBER] = 2;
    rg->first_seen = T0;
    rg->last_seen = T0 + DAY;
    f->rings = rg;
    f->nrings = 1;
    f->stats.communities = 3;
}

static void destroy(world *w)
{
    free(w->f.flags);
    free(w->f.risk);
    free(w->f.ring_of);
    free(w->f.flagged);
    free(w->f.corroboration);
    graph_free(w->g);
}

/* accounts.csv: the header, then rows by risk descending and id on ties;
 * an id starting a formula is prefixed with an apostrophe, one holding a
 * comma is quoted; a client is a client; accounts in no ring leave ring_id,
 * flags and ring_kind empty. */
static void test_results__accounts_csv(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    assert_int_equal(results_write_accounts(m, w.g, &w.f), 0);
    assert_int_equal(fclose(m), 0);
    assert_string_equal(out, "account_id,role,flagged,risk_score,ring_id,flags,ring_kind\n"
                             "'=cmd,freelancer,1,0.900000,R0001,GEO_HOP;SHARED_DEVICE;"
                             "RING_MEMBER,proxy_ring\n"
                             "\"b,c\",freelancer,1,0.800000,R0001,SHARED_DEVICE;RING_MEMBER,"
                             "proxy_ring\n"
                             "'+client,client,0,0.100000,,,\n"
                             "plain,freelancer,0,0.100000,,,\n");
    free(out);
    destroy(&w);
}

/* Ring 0 as rings.json lists it: id, rank, kind, severity, score, its
 * members (escaped by JSON, not by CSV rules), shared infrastructure, flag
 * counts and an explanation. */
static void test_results__ring_json_fields(void **state)
{
    (void)state;
    world w;
    build(&w);
    json_t *o = results_ring_json(w.g, &w.f, 0);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "R0001");
    assert_int_equal(json_integer_value(json_object_get(o, "rank")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "proxy_ring");
    assert_string_equal(json_string_value(json_object_get(o, "severity")), "medium");
    assert_true(fabs(json_number_value(json_object_get(o, "score")) - 0.75) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(o, "size")), 2);
    json_t *mem = json_object_get(o, "members");
    assert_int_equal(json_array_size(mem), 2);
    json_t *m0 = json_array_get(mem, 0);
    assert_string_equal(json_string_value(json_object_get(m0, "account_id")), "=cmd");
    assert_string_equal(json_string_value(json_object_get(m0, "flags")),
                        "GEO_HOP;SHARED_DEVICE;RING_MEMBER");
    assert_string_equal(json_string_value(json_object_get(m0, "claimed_country")), "US");
    json_t *m1 = json_array_get(mem, 1);
    assert_string_equal(json_string_value(json_object_get(m1, "account_id")), "b,c");
    assert_null(json_object_get(m1, "claimed_country")); /* claims nothing */
    assert_int_equal(json_array_size(json_object_get(o, "shill_clients")), 0);
    json_t *res = json_array_get(json_object_get(o, "shared_infrastructure"), 0);
    assert_non_null(res);
    assert_string_equal(json_string_value(json_object_get(res, "id")), "laptop");
    assert_int_equal(json_integer_value(json_object_get(res, "members_using")), 2);
    json_t *fc = json_object_get(o, "flag_counts");
    assert_int_equal(json_object_size(fc), 3);
    assert_int_equal(json_integer_value(json_object_get(fc, "GEO_HOP")), 1);
    assert_int_equal(json_integer_value(json_object_get(fc, "SHARED_DEVICE")), 2);
    assert_int_equal(json_integer_value(json_object_get(fc, "RING_MEMBER")), 2);
    assert_null(json_object_get(fc, "SHARED_IP"));
    assert_string_equal(json_string_value(json_object_get(o, "first_seen")),
                        "2026-03-01T00:00:00Z");
    json_t *kf = json_object_get(o, "kind_facts");
    assert_int_equal(json_integer_value(json_object_get(kf, "bound_accounts_deceiving")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(kf, "deception"), 0)),
                        "location");
    const char *ex = json_string_value(json_object_get(o, "explanation"));
    assert_non_null(ex);
    assert_true(strlen(ex) > 0);
    json_decref(o);
    destroy(&w);
}

/* A ring without an evidence package says so; a packaged ring's entry has
 * no such key, as before packages had a threshold. */
static void test_results__ring_json_package(void **state)
{
    (void)state;
    world w;
    build(&w);
    json_t *o = results_ring_json(w.g, &w.f, 0);
    assert_null(json_object_get(o, "evidence_package"));
    json_decref(o);
    w.f.nunpackaged = 1;
    o = results_ring_json(w.g, &w.f, 0);
    assert_true(json_is_false(json_object_get(o, "evidence_package")));
    assert_string_equal(json_string_value(json_object_get(o, "id")), "R0001"); /* still listed */
    json_decref(o);
    w.f.nunpackaged = 0;
    destroy(&w);
}

/* rings.json is {"rings": [...], "threshold", "ring_min_score"} and parses
 * back; without --state it has no closed or suppressed lists. */
static void test_results__rings_json_file(void **state)
{
    (void)state;
    world w;
    build(&w);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    assert_int_equal(results_write_rings(m, w.g, &w.f), 0);
    assert_int_equal(fclose(m), 0);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "rings")), 1);
    assert_true(fabs(json_number_value(json_object_get(root, "threshold")) - 0.5) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(root, "ring_min_score")) - 0.4) < 1e-9);
    assert_null(json_object_get(root, "closed"));
    json_decref(root);
    free(out);
    destroy(&w);
}

/* run.json's summary counts accounts per flag (every flag up to RING_MEMBER;
 * the identity flags only when the input has identity data), flagged
 * accounts and rings. */
static void test_results__summary_counts(void **state)
{
    (void)state;
    world w;
    build(&w);
    json_t *o = results_summary(w.g, &w.f);
    assert_non_null(o);
    json_t *fc = json_object_get(o, "accounts_with_flag");
    assert_int_equal(json_integer_value(json_object_get(fc, "GEO_HOP")), 1);
    assert_int_equal(json_integer_value(json_object_get(fc, "SHARED_DEVICE")), 2);
    assert_int_equal(json_integer_value(json_object_get(fc, "RING_MEMBER")), 2);
    assert_non_null(json_object_get(fc, "SHARED_IP")); /* listed with 0 */
    assert_int_equal(json_integer_value(json_object_get(fc, "SHARED_IP")), 0);
    assert_null(json_object_get(fc, "SHARED_IDENTITY"));
    assert_null(json_object_get(fc, "TEXT_REUSE"));
    assert_int_equal(json_integer_value(json_object_get(o, "accounts_flagged")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "rings")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "communities")), 3);
    json_decref(o);
    destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results__accounts_csv),
        cmocka_unit_test(test_results__ring_json_fields),
        cmocka_unit_test(test_results__ring_json_package),
        cmocka_unit_test(test_results__rings_json_file),
        cmocka_unit_test(test_results__summary_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
