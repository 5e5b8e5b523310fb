/* test_decode.c - one decoder serves both passes over the inputs: a row of
 * each table, loaded into a graph by the loader and read again by the
 * evidence replay, stands for the same typed event (every id, time, amount
 * and flag equal), and the decoder's own row checks name their column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/ts.h"
#include "ingest/decode.h"
#include "ingest/replay.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_decode.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return files_rmtree(dir);
}

static void put(const char *name, const char *text)
{
    char *p = files_join(dir, name);
    rs_error err = {0};
    assert_int_equal(files_write_text(p, text, strlen(text), &err), RS_OK);
    free(p);
}

/* The replayed rows, one per table (each file holds one). */
typedef struct {
    source_row row[TABLE_COUNT];
    int seen[TABLE_COUNT];
} replayed;

static int keep(void *ctx, const source_row *r)
{
    replayed *rp = ctx;
    assert_false(rp->seen[r->table]);
    rp->seen[r->table] = 1;
    rp->row[r->table] = *r; /* only the ids and values are read after the call */
    return 0;
}

static void test_decode__ingest_and_replay_agree(void **state)
{
    (void)state;
    put("accounts.csv", "account_id,role,created_at,country,display_name,text\n"
                        "u1,freelancer,2026-01-01T00:00:00Z,US,Una,my profile text\n");
    put("logins.csv", "ts,account_id,ip,device_id,session_seconds,user_agent,ip_country,asn,"
                      "asn_org\n"
                      "2026-03-01T00:00:00Z,u1,192.0.2.1,d1,60,AnyDesk/8.0.9 (Windows),DE,64500,"
                      "Example Org\n");
    /* The bid names u1 by another system's id: both passes read it as u1. */
    put("account_ids.csv", "account_id,external_id,source\n"
                           "u1,okta|00u1,okta\n");
    put("bids.csv", "ts,freelancer_id,project_id,client_id,accepted,text\n"
                    "2026-03-01T01:00:00Z,okta|00u1,p1,c1,1,a cover letter\n");
    put("ratings.csv", "ts,client_id,freelancer_id,stars,project_id\n"
                       "2026-03-01T02:00:00Z,c1,u1,4.5,p1\n");
    put("payouts.csv", "ts,account_id,destination_id,amount,currency,method,destination_country\n"
                       "2026-03-01T03:00:00Z,u1,w1,12.5,USD,bank,NG\n");
    put("charges.csv", "ts,client_id,freelancer_id,amount,currency,instrument_id\n"
                       "2026-03-01T04:00:00Z,c1,u1,30,EUR,w2\n");
    put("ports.csv", "ts,port,ip,device_id,service\n"
                     "2026-03-01T05:00:00Z,3389,192.0.2.1,d1,rdp\n");
    put("attributes.csv", "account_id,kind,value,ts,source\n"
                          "u1,email,Una@Example.com,2026-01-02T00:00:00Z,signup\n");
    load_set set;
    rs_error err = {0};
    assert_int_equal(load_scan(&set, dir, &err), RS_OK);
    table_opts to = TABLE_OPTS_INIT;
    rs_graph *g = graph_new();
    assert_int_equal(load_tables(&set, g, &to, 0, &err), RS_OK);
    graph_finalize(g);
    replayed rp;
    memset(&rp, 0, sizeof rp);
    assert_int_equal(replay_run(&set, g, keep, &rp, &err), RS_OK);
    for (int t = 0; t < TABLE_COUNT; t++) /* account_ids: a map, never evidence */
        assert_int_equal(rp.seen[t], t != TABLE_ACCOUNT_IDS);

    /* accounts and bids: the text each names is the one the loader kept */
    assert_int_equal(g->textevs.n, 2);
    for (size_t k = 0; k < g->textevs.n; k++) {
        const text_ev *te = &g->textevs.v[k];
        table_id t = te->profile ? TABLE_ACCOUNTS : TABLE_BIDS;
        assert_int_not_equal(rp.row[t].text, GRAPH_NONE);
        assert_int_equal(rp.row[t].text, te->text);
    }

    assert_int_equal(g->logins.n, 1);
    const login_ev *li = &g->logins.v[0], *lr = &rp.row[TABLE_LOGINS].ev.login;
    assert_true(li->ts == lr->ts);
    assert_int_equal(li->account, lr->account);
    assert_int_equal(li->ip, lr->ip);
    assert_int_not_equal(lr->device, GRAPH_NONE);
    assert_int_equal(li->device, lr->device);
    assert_int_equal(li->session_s, 60);
    assert_int_equal(li->session_s, lr->session_s);
    /* the user agent names a remote-desktop client: one bit, the same in both passes */
    assert_int_equal(li->remote_ua, 1);
    assert_int_equal(li->remote_ua, lr->remote_ua);
    /* the row's own geolocation of its address, through graph_ip_input_geo */
    const ip_attr *ia = &g->ip[li->ip];
    assert_string_equal(ia->country, "DE");
    assert_int_equal(ia->country_src, SRC_DATA);
    assert_int_equal(ia->asn, 64500);
    assert_int_equal(ia->asn_src, SRC_DATA);
    assert_int_not_equal(ia->asn_org, GRAPH_NONE);
    /* the accounts row's facts, through graph_account_list */
    const account_attr *at = &g->acct[li->account];
    assert_true(at->listed);
    assert_int_equal(at->role, ROLE_FREELANCER);
    assert_string_equal(at->country, "US");
    assert_int_not_equal(at->display_name, GRAPH_NONE);

    assert_int_equal(g->bids.n, 1);
    const bid_ev *bi = &g->bids.v[0], *br = &rp.row[TABLE_BIDS].ev.bid;
    assert_true(bi->ts == br->ts);
    assert_int_equal(bi->freelancer, br->freelancer);
    assert_int_equal(bi->freelancer, li->account);
    assert_int_equal(graph_count(g, NODE_ACCOUNT), 2); /* u1 and c1, no okta|00u1 */
    assert_int_not_equal(br->client, GRAPH_NONE);
    assert_int_equal(bi->client, br->client);
    assert_int_not_equal(br->project, GRAPH_NONE);
    assert_int_equal(bi->project, br->project);
    assert_int_equal(bi->accepted, 1);
    assert_int_equal(bi->accepted, br->accepted);

    assert_int_equal(g->ratings.n, 1);
    const rating_ev *ri = &g->ratings.v[0], *rr = &rp.row[TABLE_RATINGS].ev.rating;
    assert_true(ri->ts == rr->ts);
    assert_int_equal(ri->client, rr->client);
    assert_int_equal(ri->freelancer, rr->freelancer);
    assert_int_equal(ri->project, rr->project);
    assert_true(ri->stars == 4.5f && rr->stars == 4.5f);

    assert_int_equal(g->payouts.n, 1);
    const payout_ev *pi = &g->payouts.v[0], *pr = &rp.row[TABLE_PAYOUTS].ev.payout;
    assert_true(pi->ts == pr->ts);
    assert_int_equal(pi->account, pr->account);
    assert_int_equal(pi->dest, pr->dest);
    assert_true(pi->amount == 12.5 && pr->amount == 12.5);
    assert_int_not_equal(pr->currency, GRAPH_NONE);
    assert_int_equal(pi->currency, pr->currency);
    assert_int_not_equal(pr->method, GRAPH_NONE);
    assert_int_equal(pi->method, pr->method);
    assert_string_equal(g->dest[pi->dest].country, "NG"); /* graph_dest_set_country */

    assert_int_equal(g->charges.n, 1);
    const charge_ev *ci = &g->charges.v[0], *cr = &rp.row[TABLE_CHARGES].ev.charge;
    assert_true(ci->ts == cr->ts);
    assert_int_equal(ci->client, cr->client);
    assert_int_equal(ci->freelancer, cr->freelancer);
    assert_true(ci->amount == 30.0 && cr->amount == 30.0);
    assert_int_equal(ci->currency, cr->currency);
    assert_int_not_equal(cr->instrument, GRAPH_NONE);
    assert_int_equal(ci->instrument, cr->instrument);

    assert_int_equal(g->ports.n, 1);
    const port_ev *oi = &g->ports.v[0], *orr = &rp.row[TABLE_PORTS].ev.port;
    assert_true(oi->ts == orr->ts);
    assert_int_equal(oi->port, 3389);
    assert_int_equal(oi->port, orr->port);
    assert_int_equal(oi->ip, orr->ip);
    assert_int_equal(oi->device, orr->device);
    assert_int_not_equal(orr->service, GRAPH_NONE);
    assert_int_equal(oi->service, orr->service);

    assert_int_equal(g->attrs.n, 1);
    const attr_ev *ai = &g->attrs.v[0];
    const source_row *ar = &rp.row[TABLE_ATTRIBUTES];
    assert_int_not_equal(ar->attr_value, GRAPH_NONE);
    assert_int_equal(ai->value, ar->attr_value);
    assert_int_equal(ai->kind, ar->attr_kind);
    assert_true(ai->ts == ar->ts);

    graph_free(g);
    load_set_free(&set);
}

/* A typed value as table_read hands it over. */
static tvalue text_value(const char *s)
{
    tvalue v;
    memset(&v, 0, sizeof v);
    v.s = s;
    v.n = strlen(s);
    v.present = 1;
    return v;
}

static void test_decode__row_checks_name_their_column(void **state)
{
    (void)state;
    tvalue v[SCHEMA_MAX_COLS];
    memset(v, 0, sizeof v);
    decode_event e;
    rs_error err = {0};
    int bad = -1;
    /* a client rating itself */
    v[COLUMN_RATINGS_TS].present = 1;
    v[COLUMN_RATINGS_CLIENT_ID] = text_value("c1");
    v[COLUMN_RATINGS_FREELANCER_ID] = text_value("c1");
    v[COLUMN_RATINGS_STARS].present = 1;
    assert_int_equal(decode_row(TABLE_RATINGS, v, &e, &bad, &err), RS_E_VALUE);
    assert_int_equal(bad, COLUMN_RATINGS_FREELANCER_ID);
    assert_string_equal(err.msg, "client rates itself");
    v[COLUMN_RATINGS_FREELANCER_ID] = text_value("u1");
    assert_int_equal(decode_row(TABLE_RATINGS, v, &e, &bad, &err), 0);
    assert_int_equal(e.table, TABLE_RATINGS);
    assert_int_equal(e.u.rating.project.s == NULL, 1); /* absent stays absent */
    /* a port seen on neither an address nor a device */
    memset(v, 0, sizeof v);
    v[COLUMN_PORTS_TS].present = 1;
    v[COLUMN_PORTS_PORT].present = 1;
    v[COLUMN_PORTS_PORT].v.u = 22;
    assert_int_equal(decode_row(TABLE_PORTS, v, &e, &bad, &err), RS_E_VALUE);
    assert_int_equal(bad, COLUMN_PORTS_IP);
    assert_string_equal(err.msg, "needs an ip or a device_id");
    /* a session too long for the timeline's field */
    memset(v, 0, sizeof v);
    v[COLUMN_LOGINS_SESSION_SECONDS].present = 1;
    v[COLUMN_LOGINS_SESSION_SECONDS].v.u = (uint64_t)INT32_MAX + 1;
    assert_int_equal(decode_row(TABLE_LOGINS, v, &e, &bad, NULL), RS_E_VALUE);
    assert_int_equal(bad, COLUMN_LOGINS_SESSION_SECONDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode__ingest_and_replay_agree),
        cmocka_unit_test(test_decode__row_checks_name_their_column),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
