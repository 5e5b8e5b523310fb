/* decode.c - a row's typed values to the event it stands for; see decode.h.
 *
 * Every column is read through its COLUMN_<TABLE>_<COLUMN> id, which schema.h
 * generates from the same list schema.c describes the contract with: adding
 * or moving a column renumbers the ids with it.
 */
#include "ingest/decode.h"

#include "base/ts.h"
#include "graph/graph.h"

#include <stdint.h>
#include <string.h>

/* The value of column c, present or not. */
static decode_str str_of(const tvalue *vals, int c)
{
    const tvalue *v = &vals[c];
    return v->present ? (decode_str){v->s, v->n} : (decode_str){NULL, 0};
}

static int64_t ts_of(const tvalue *vals, int c)
{
    return vals[c].present ? vals[c].v.ts : TS_NONE;
}

static const char *country_of(const tvalue *vals, int c)
{
    return vals[c].present ? vals[c].v.cc : NULL;
}

/* Fails the row at column c for reason. */
static int reject(int *bad_col, rs_error *err, int c, const char *reason)
{
    *bad_col = c;
    return rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s", reason);
}

static void decode_account_row(const tvalue *v, decode_event *e)
{
    decode_account *a = &e->u.account;
    e->ts = TS_NONE;
    a->id = str_of(v, COLUMN_ACCOUNTS_ACCOUNT_ID);
    a->role = v[COLUMN_ACCOUNTS_ROLE].present ? v[COLUMN_ACCOUNTS_ROLE].v.role : ROLE_UNSET;
    a->created_at = ts_of(v, COLUMN_ACCOUNTS_CREATED_AT);
    a->country = country_of(v, COLUMN_ACCOUNTS_COUNTRY);
    a->display_name = str_of(v, COLUMN_ACCOUNTS_DISPLAY_NAME);
    a->text = str_of(v, COLUMN_ACCOUNTS_TEXT);
}

static int decode_login_row(const tvalue *v, decode_event *e, int *bad_col, rs_error *err)
{
    decode_login *l = &e->u.login;
    const tvalue *sess = &v[COLUMN_LOGINS_SESSION_SECONDS];
    if (sess->present && sess->v.u > INT32_MAX)
        return reject(bad_col, err, COLUMN_LOGINS_SESSION_SECONDS, "out of range");
    e->ts = v[COLUMN_LOGINS_TS].v.ts;
    l->account = str_of(v, COLUMN_LOGINS_ACCOUNT_ID);
    l->ip = &v[COLUMN_LOGINS_IP].v.ip;
    l->device = str_of(v, COLUMN_LOGINS_DEVICE_ID);
    l->session_s = !sess->present                  ? -1
                   : sess->v.u > GRAPH_SESSION_MAX ? GRAPH_SESSION_MAX
                                                   : (int32_t)sess->v.u;
    l->remote_ua = v[COLUMN_LOGINS_USER_AGENT].present && v[COLUMN_LOGINS_USER_AGENT].v.b;
    l->ip_country = country_of(v, COLUMN_LOGINS_IP_COUNTRY);
    l->has_asn = v[COLUMN_LOGINS_ASN].present;
    l->asn = l->has_asn ? (uint32_t)v[COLUMN_LOGINS_ASN].v.u : 0;
    l->asn_org = str_of(v, COLUMN_LOGINS_ASN_ORG);
    return 0;
}

static void decode_bid_row(const tvalue *v, decode_event *e)
{
    decode_bid *b = &e->u.bid;
    e->ts = v[COLUMN_BIDS_TS].v.ts;
    b->freelancer = str_of(v, COLUMN_BIDS_FREELANCER_ID);
    b->project = str_of(v, COLUMN_BIDS_PROJECT_ID);
    b->client = str_of(v, COLUMN_BIDS_CLIENT_ID);
    b->accepted = v[COLUMN_BIDS_ACCEPTED].present ? (int8_t)v[COLUMN_BIDS_ACCEPTED].v.b : -1;
    b->text = str_of(v, COLUMN_BIDS_TEXT);
}

static int decode_rating_row(const tvalue *v, decode_event *e, int *bad_col, rs_error *err)
{
    decode_rating *r = &e->u.rating;
    r->client = str_of(v, COLUMN_RATINGS_CLIENT_ID);
    r->freelancer = str_of(v, COLUMN_RATINGS_FREELANCER_ID);
    /* Both are required columns, so present in any row table_read hands over. */
    if (r->client.s && r->freelancer.s && r->client.n == r->freelancer.n &&
        memcmp(r->client.s, r->freelancer.s, r->client.n) == 0)
        return reject(bad_col, err, COLUMN_RATINGS_FREELANCER_ID, "client rates itself");
    e->ts = v[COLUMN_RATINGS_TS].v.ts;
    r->stars = (float)v[COLUMN_RATINGS_STARS].v.d;
    r->project = str_of(v, COLUMN_RATINGS_PROJECT_ID);
    return 0;
}

static void decode_payout_row(const tvalue *v, decode_event *e)
{
    decode_payout *p = &e->u.payout;
    e->ts = v[COLUMN_PAYOUTS_TS].v.ts;
    p->account = str_of(v, COLUMN_PAYOUTS_ACCOUNT_ID);
    p->dest = str_of(v, COLUMN_PAYOUTS_DESTINATION_ID);
    p->amount = v[COLUMN_PAYOUTS_AMOUNT].v.d;
    p->currency = str_of(v, COLUMN_PAYOUTS_CURRENCY);
    p->method = str_of(v, COLUMN_PAYOUTS_METHOD);
    p->dest_country = country_of(v, COLUMN_PAYOUTS_DESTINATION_COUNTRY);
}

static void decode_charge_row(const tvalue *v, decode_event *e)
{
    decode_charge *c = &e->u.charge;
    e->ts = v[COLUMN_CHARGES_TS].v.ts;
    c->client = str_of(v, COLUMN_CHARGES_CLIENT_ID);
    c->freelancer = str_of(v, COLUMN_CHARGES_FREELANCER_ID);
    c->amount = v[COLUMN_CHARGES_AMOUNT].v.d;
    c->currency = str_of(v, COLUMN_CHARGES_CURRENCY);
    c->instrument = str_of(v, COLUMN_CHARGES_INSTRUMENT_ID);
}

static int decode_port_row(const tvalue *v, decode_event *e, int *bad_col, rs_error *err)
{
    decode_port *p = &e->u.port;
    if (!v[COLUMN_PORTS_IP].present && !v[COLUMN_PORTS_DEVICE_ID].present)
        return reject(bad_col, err, COLUMN_PORTS_IP, "needs an ip or a device_id");
    e->ts = v[COLUMN_PORTS_TS].v.ts;
    p->port = (uint16_t)v[COLUMN_PORTS_PORT].v.u;
    p->ip = v[COLUMN_PORTS_IP].present ? &v[COLUMN_PORTS_IP].v.ip : NULL;
    p->device = str_of(v, COLUMN_PORTS_DEVICE_ID);
    p->service = str_of(v, COLUMN_PORTS_SERVICE);
    return 0;
}

static void decode_attr_row(const tvalue *v, decode_event *e)
{
    decode_attr *a = &e->u.attr;
    e->ts = ts_of(v, COLUMN_ATTRIBUTES_TS);
    a->account = str_of(v, COLUMN_ATTRIBUTES_ACCOUNT_ID);
    a->kind = str_of(v, COLUMN_ATTRIBUTES_KIND);
    a->value = str_of(v, COLUMN_ATTRIBUTES_VALUE);
}

static void decode_account_id_row(const tvalue *v, decode_event *e)
{
    decode_account_id *a = &e->u.account_id;
    e->ts = TS_NONE;
    a->account = str_of(v, COLUMN_ACCOUNT_IDS_ACCOUNT_ID);
    a->external = str_of(v, COLUMN_ACCOUNT_IDS_EXTERNAL_ID);
    a->source = str_of(v, COLUMN_ACCOUNT_IDS_SOURCE);
}

int decode_row(table_id t, const tvalue *vals, decode_event *out, int *bad_col, rs_error *err)
{
    memset(out, 0, sizeof *out);
    out->table = t;
    switch (t) {
    case TABLE_ACCOUNTS:
        decode_account_row(vals, out);
        return 0;
    case TABLE_LOGINS:
        return decode_login_row(vals, out, bad_col, err);
    case TABLE_BIDS:
        decode_bid_row(vals, out);
        return 0;
    case TABLE_RATINGS:
        return decode_rating_row(vals, out, bad_col, err);
    case TABLE_PAYOUTS:
        decode_payout_row(vals, out);
        return 0;
    case TABLE_CHARGES:
        decode_charge_row(vals, out);
        return 0;
    case TABLE_PORTS:
        return decode_port_row(vals, out, bad_col, err);
    case TABLE_ATTRIBUTES:
        decode_attr_row(vals, out);
        return 0;
    case TABLE_ACCOUNT_IDS:
        decode_account_id_row(vals, out);
        return 0;
    case TABLE_COUNT:
        break;
    }
    return reject(bad_col, err, -1, "unknown table");
}
