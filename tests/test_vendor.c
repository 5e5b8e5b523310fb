/* test_vendor.c - the vendor sources: each shape recognised from one record,
 * look-alikes refused, and small records of each vendor mapped field by field
 * (units, nested paths, the rows left out and their counts). The records are
 * written here from the vendors' documentation of their objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/vendor.h"

/* The rows one record produced: copies of the first row's values by schema
 * column ("" when absent, "-" marks an absent value apart from an empty one). */
typedef struct {
    int nrows;
    char v[SCHEMA_MAX_COLS][128];
} got;

static int collect(void *ctx, const mapping_row *row)
{
    got *g = ctx;
    if (g->nrows++ == 0)
        for (int c = 0; c < SCHEMA_MAX_COLS; c++)
            snprintf(g->v[c], sizeof g->v[c], "%.*s", row->s[c] ? (int)row->n[c] : 1,
                     row->s[c] ? row->s[c] : "-");
    return 0;
}

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("fixture: %s at %d", je.text, je.position);
    return j;
}

/* Recognises first (JSON text) and returns its mapping, failing the test when
 * it is not recognised. */
static mapping *recognise(const char *first)
{
    json_t *r = parse(first);
    mapping *m = NULL;
    rs_error err = {0};
    int rc = vendor_recognise(r, &m, &err);
    json_decref(r);
    if (rc != 1)
        fail_msg("not recognised (%d: %s): %.80s", rc, err.msg, first);
    assert_non_null(m);
    return m;
}

static got apply(mapping *m, const char *record)
{
    got g;
    json_t *r = parse(record);
    memset(&g, 0, sizeof g);
    assert_int_equal(mapping_apply(m, r, collect, &g), 0);
    json_decref(r);
    return g;
}

static int not_recognised(const char *text)
{
    json_t *r = parse(text);
    mapping *m = NULL;
    rs_error err = {0};
    int rc = vendor_recognise(r, &m, &err);
    json_decref(r);
    mapping_free(m);
    return rc == 0 && m == NULL;
}

/* --- fixtures ------------------------------------------------------------- */

#define AUTH0_EVENT(TYPE, USER, IP)                                                                \
    "{\"date\": \"2026-02-03T11:22:59.412Z\", \"type\": \"" TYPE "\","                             \
    " \"description\": \"\", \"connection\": \"Username-Password-Authentication\","                \
    " \"client_id\": \"kJ3vQ0r8Lb2mPq7TzX1aYc9D\", \"client_name\": \"Marketplace Web\","          \
    " \"ip\": \"" IP "\", \"user_agent\": \"Mozilla/5.0 (X11; Linux x86_64)\","                    \
    " \"details\": {\"prompts\": []}, \"hostname\": \"login.example\", " USER                      \
    " \"strategy\": \"auth0\", \"strategy_type\": \"database\","                                   \
    " \"log_id\": \"90020260203112259412000000000000000000000000000000001\","                      \
    " \"isMobile\": false, \"location_info\": {\"country_code\": \"IN\","                          \
    " \"country_code3\": \"IND\", \"country_name\": \"India\", \"city_name\": \"Pune\"}}"
#define AUTH0_USER                                                                                 \
    "\"user_id\": \"auth0|65c1f0e2a3b4c5d6e7f80912\", \"user_name\": \"a@b.example\","

static const char okta_login[] =
    "{\"actor\": {\"id\": \"00u1qw2er3ty4UI5op6a\", \"type\": \"User\","
    "  \"alternateId\": \"a@b.example\", \"displayName\": \"A B\", \"detailEntry\": null},"
    " \"client\": {\"userAgent\": {\"rawUserAgent\": \"Mozilla/5.0 (Windows NT 10.0)\","
    "   \"os\": \"Windows 10\", \"browser\": \"CHROME\"}, \"zone\": \"null\","
    "   \"device\": \"Computer\", \"id\": null, \"ipAddress\": \"174.243.31.241\","
    "   \"geographicalContext\": {\"city\": \"Dallas\", \"state\": \"Texas\","
    "     \"country\": \"United States\", \"postalCode\": \"75201\","
    "     \"geolocation\": {\"lat\": 32.78, \"lon\": -96.8}}},"
    " \"device\": {\"id\": \"guo1a2b3c4d5e6f7g8h9\", \"name\": \"LAPTOP-1\","
    "   \"os_platform\": \"WINDOWS\", \"managed\": false, \"registered\": true},"
    " \"authenticationContext\": {\"externalSessionId\": \"102abcDEF\"},"
    " \"displayMessage\": \"User login to Okta\", \"eventType\": \"%s\","
    " \"outcome\": {\"result\": \"%s\", \"reason\": null},"
    " \"published\": \"2026-02-01T23:21:10.044Z\","
    " \"securityContext\": {\"asNumber\": 22394, \"asOrg\": \"verizon wireless\","
    "   \"isp\": \"verizon\", \"domain\": \"myvzw.com\", \"isProxy\": false},"
    " \"severity\": \"INFO\", \"legacyEventType\": \"core.user_auth.login_success\","
    " \"transaction\": {\"type\": \"WEB\", \"id\": \"Wx1\", \"detail\": {}},"
    " \"uuid\": \"dc9fd3c0-598c-11ef-8478-2b7584bf8d5a\", \"version\": \"0\","
    " \"request\": {\"ipChain\": []}, \"target\": []}";

static const char stripe_payout[] =
    "{\"id\": \"po_1OaBcD2eFgHiJkLm\", \"object\": \"payout\", \"amount\": %s,"
    " \"arrival_date\": 1770379898, \"automatic\": true, \"balance_transaction\": \"txn_1\","
    " \"created\": 1770207098, \"currency\": \"%s\", \"description\": \"STRIPE PAYOUT\","
    " \"destination\": {\"id\": \"ba_1OaBcD2eFgHiJkLmNoPq\", \"object\": \"bank_account\","
    "   \"account\": \"acct_1Nv0FGQ9RKHgCVdK\", \"account_holder_type\": \"individual\","
    "   \"bank_name\": \"STRIPE TEST BANK\", \"country\": \"IN\", \"currency\": \"%s\","
    "   \"fingerprint\": \"1JWtPxqbdX5Gamtz\", \"last4\": \"6789\", \"status\": \"new\"},"
    " \"failure_code\": null, \"livemode\": true, \"metadata\": {}, \"method\": \"standard\","
    " \"reconciliation_status\": \"completed\", \"source_type\": \"card\","
    " \"status\": \"%s\", \"type\": \"bank_account\"}";

static const char paypal_item[] =
    "{\"payout_item_id\": \"8AELMXH8UB2P8\", \"transaction_id\": \"0C413693MN970190K\","
    " \"activity_id\": \"0E158638XS0329106\", \"transaction_status\": \"%s\","
    " \"payout_item_fee\": {\"currency\": \"USD\", \"value\": \"0.25\"},"
    " \"payout_batch_id\": \"Q8KVJG9TZTNN4\","
    " \"payout_item\": {\"recipient_type\": \"EMAIL\","
    "   \"amount\": {\"value\": \"3733.66\", \"currency\": \"USD\"}, \"note\": \"Thanks!\","
    "   \"receiver\": \"payee@wallet.example\", \"sender_item_id\": \"u00406478\","
    "   \"recipient_wallet\": \"PAYPAL\"},"
    " \"time_processed\": \"2026-02-08T09:03:29Z\", \"links\": []}";

static char buf[4][4096];

static const char *okta(const char *type, const char *result)
{
    snprintf(buf[0], sizeof buf[0], okta_login, type, result);
    return buf[0];
}

static const char *stripe(const char *amount, const char *cur, const char *status)
{
    snprintf(buf[1], sizeof buf[1], stripe_payout, amount, cur, cur, status);
    return buf[1];
}

static const char *stripe_event(const char *type, const char *amount, const char *cur)
{
    char payout[2048];
    snprintf(payout, sizeof payout, stripe_payout, amount, cur, cur,
             strcmp(type, "payout.paid") == 0 ? "paid" : "pending");
    snprintf(buf[2], sizeof buf[2],
             "{\"id\": \"evt_1\", \"object\": \"event\", \"account\": \"acct_1Ev3ntAcc0unt\","
             " \"api_version\": \"2024-06-20\", \"created\": 1770379900,"
             " \"data\": {\"object\": %s}, \"livemode\": true, \"pending_webhooks\": 0,"
             " \"request\": {\"id\": null}, \"type\": \"%s\"}",
             payout, type);
    return buf[2];
}

static const char *paypal(const char *status)
{
    snprintf(buf[3], sizeof buf[3], paypal_item, status);
    return buf[3];
}

/* --- recognition ---------------------------------------------------------- */

static void test_vendor__recognises_each_shape(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int table;
    } want[] = {{"auth0", TABLE_LOGINS},           {"auth0-log-stream", TABLE_LOGINS},
                {"okta-system-log", TABLE_LOGINS}, {"stripe-payouts", TABLE_PAYOUTS},
                {"stripe-payouts", TABLE_PAYOUTS}, {"stripe-payout-events", TABLE_PAYOUTS},
                {"paypal-payouts", TABLE_PAYOUTS}, {"paypal-payouts", TABLE_PAYOUTS}};
    char stream[8192], list[8192], batch[8192];
    const char *first[8];
    snprintf(stream, sizeof stream, "{\"log_id\": \"9001\", \"data\": %s}",
             AUTH0_EVENT("s", AUTH0_USER, "1.2.3.4"));
    snprintf(
        list, sizeof list,
        "{\"object\": \"list\", \"data\": [%s], \"has_more\": false, \"url\": \"/v1/payouts\"}",
        stripe("100", "usd", "paid"));
    snprintf(batch, sizeof batch,
             "{\"batch_header\": {\"payout_batch_id\": \"Q8KVJG9TZTNN4\", \"batch_status\": "
             "\"SUCCESS\"}, \"items\": [%s], \"links\": []}",
             paypal("SUCCESS"));
    first[0] = AUTH0_EVENT("seacft", AUTH0_USER, "1.2.3.4");
    first[1] = stream;
    first[2] = okta("user.authentication.sso", "SUCCESS");
    first[3] = stripe("100", "usd", "pending");
    first[4] = list;
    first[5] = stripe_event("payout.created", "100", "usd");
    first[6] = batch;
    first[7] = paypal("UNCLAIMED");
    for (size_t i = 0; i < 8; i++) {
        mapping *m = recognise(first[i]);
        assert_string_equal(mapping_name(m), want[i].what);
        assert_int_equal(mapping_table(m), want[i].table);
        mapping_free(m);
    }
}

static void test_vendor__refuses_look_alikes(void **state)
{
    (void)state;
    /* a contract row, an event without Auth0's log id, an Okta-like record
     * without an actor, other Stripe objects and events, a PayPal item
     * without its payout_item, and not an object at all */
    assert_true(not_recognised("{\"ts\": \"2026-02-01T00:00:00Z\", \"account_id\": \"u1\","
                               " \"ip\": \"1.2.3.4\"}"));
    assert_true(not_recognised("{\"type\": \"s\", \"date\": \"2026-02-01T00:00:00Z\","
                               " \"user_id\": \"auth0|1\"}"));
    assert_true(not_recognised("{\"uuid\": \"x\", \"eventType\": \"user.session.start\","
                               " \"published\": \"2026-02-01T00:00:00Z\"}"));
    assert_true(not_recognised("{\"id\": \"ch_1\", \"object\": \"charge\", \"amount\": 100}"));
    assert_true(not_recognised("{\"id\": \"po_1\", \"object\": \"transfer\"}"));
    assert_true(not_recognised("{\"id\": \"evt_1\", \"object\": \"event\", \"type\": "
                               "\"charge.succeeded\", \"data\": {\"object\": {\"id\": \"ch_1\","
                               " \"object\": \"charge\"}}}"));
    assert_true(not_recognised("{\"object\": \"list\", \"data\": [{\"id\": \"ch_1\","
                               " \"object\": \"charge\"}]}"));
    assert_true(not_recognised("{\"payout_item_id\": \"X\", \"transaction_status\": "
                               "\"SUCCESS\"}"));
    assert_true(not_recognised("[1, 2]"));
}

/* Without the expanded destination there is no fingerprint: refused with a
 * message that says how to export it, never loaded under ba_ ids. */
static void test_vendor__stripe_unexpanded_destination_refused(void **state)
{
    (void)state;
    json_t *r = parse("{\"id\": \"po_1OaBcD\", \"object\": \"payout\", \"amount\": 100,"
                      " \"arrival_date\": 1770379898, \"currency\": \"usd\","
                      " \"destination\": \"ba_1OaBcD2eFgHiJkLmNoPq\", \"status\": \"paid\","
                      " \"type\": \"bank_account\"}");
    mapping *m = NULL;
    rs_error err = {0};
    assert_int_equal(vendor_recognise(r, &m, &err), RS_E_SCHEMA);
    assert_null(m);
    assert_non_null(strstr(err.msg, "po_1OaBcD"));
    assert_non_null(strstr(err.msg, "fingerprint"));
    assert_non_null(strstr(err.msg, "expand"));
    json_decref(r);
}

/* --- mapped rows ---------------------------------------------------------- */

static void test_vendor__auth0_logins_only(void **state)
{
    (void)state;
    mapping *m = recognise(AUTH0_EVENT("s", AUTH0_USER, "106.51.194.207"));
    mapping_start_file(m);
    got g = apply(m, AUTH0_EVENT("s", AUTH0_USER, "106.51.194.207"));
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_LOGINS_TS], "2026-02-03T11:22:59.412Z");
    assert_string_equal(g.v[COLUMN_LOGINS_ACCOUNT_ID], "auth0|65c1f0e2a3b4c5d6e7f80912");
    assert_string_equal(g.v[COLUMN_LOGINS_IP], "106.51.194.207");
    assert_string_equal(g.v[COLUMN_LOGINS_USER_AGENT], "Mozilla/5.0 (X11; Linux x86_64)");
    assert_string_equal(g.v[COLUMN_LOGINS_IP_COUNTRY], "IN");
    assert_string_equal(g.v[COLUMN_LOGINS_DEVICE_ID], "-");
    /* failed logins, the backend's code exchange, silent auth: left out */
    assert_int_equal(apply(m, AUTH0_EVENT("fp", AUTH0_USER, "106.51.194.207")).nrows, 0);
    assert_int_equal(apply(m, AUTH0_EVENT("fu", "", "106.51.194.207")).nrows, 0);
    assert_int_equal(apply(m, AUTH0_EVENT("seacft", AUTH0_USER, "34.102.136.180")).nrows, 0);
    assert_int_equal(apply(m, AUTH0_EVENT("seacft", AUTH0_USER, "34.102.136.180")).nrows, 0);
    assert_int_equal(apply(m, AUTH0_EVENT("ssa", AUTH0_USER, "106.51.194.207")).nrows, 0);
    const mapping_tally *t = mapping_tally_of(m);
    assert_int_equal(t->records, 6);
    assert_int_equal(t->rows, 1);
    assert_int_equal(t->left_out, 5);
    /* counted per type: fp, fu, seacft (2), ssa */
    assert_int_equal(t->nreasons, 4);
    assert_non_null(strstr(t->reasons[2].reason, "seacft"));
    assert_int_equal(t->reasons[2].count, 2);
    mapping_free(m);
}

static void test_vendor__auth0_log_stream(void **state)
{
    (void)state;
    char line[8192], fail[8192];
    snprintf(line, sizeof line, "{\"log_id\": \"9001\", \"data\": %s}",
             AUTH0_EVENT("s", AUTH0_USER, "2001:db8::7"));
    snprintf(fail, sizeof fail, "{\"log_id\": \"9002\", \"data\": %s}",
             AUTH0_EVENT("f", AUTH0_USER, "2001:db8::7"));
    mapping *m = recognise(line);
    mapping_start_file(m);
    got g = apply(m, line);
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_LOGINS_ACCOUNT_ID], "auth0|65c1f0e2a3b4c5d6e7f80912");
    assert_string_equal(g.v[COLUMN_LOGINS_IP], "2001:db8::7");
    assert_string_equal(g.v[COLUMN_LOGINS_TS], "2026-02-03T11:22:59.412Z");
    assert_int_equal(apply(m, fail).nrows, 0);
    assert_int_equal(mapping_tally_of(m)->left_out, 1);
    mapping_free(m);
}

static void test_vendor__okta_session_start_success(void **state)
{
    (void)state;
    mapping *m = recognise(okta("user.session.start", "SUCCESS"));
    mapping_start_file(m);
    got g = apply(m, okta("user.session.start", "SUCCESS"));
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_LOGINS_TS], "2026-02-01T23:21:10.044Z");
    assert_string_equal(g.v[COLUMN_LOGINS_ACCOUNT_ID], "00u1qw2er3ty4UI5op6a");
    assert_string_equal(g.v[COLUMN_LOGINS_IP], "174.243.31.241");
    assert_string_equal(g.v[COLUMN_LOGINS_DEVICE_ID], "guo1a2b3c4d5e6f7g8h9");
    assert_string_equal(g.v[COLUMN_LOGINS_USER_AGENT], "Mozilla/5.0 (Windows NT 10.0)");
    assert_string_equal(g.v[COLUMN_LOGINS_IP_COUNTRY], "United States");
    assert_string_equal(g.v[COLUMN_LOGINS_ASN], "22394");
    assert_string_equal(g.v[COLUMN_LOGINS_ASN_ORG], "verizon wireless");
    assert_int_equal(apply(m, okta("user.session.start", "FAILURE")).nrows, 0);
    assert_int_equal(apply(m, okta("user.authentication.sso", "SUCCESS")).nrows, 0);
    assert_int_equal(apply(m, okta("policy.evaluate_sign_on", "ALLOW")).nrows, 0);
    assert_int_equal(mapping_tally_of(m)->left_out, 3);
    mapping_free(m);
}

/* Okta writes `"device": null` when it does not know the device: a file of
 * such events loads with device_id blank, not as an unmatched mapping entry. */
static void test_vendor__okta_without_devices(void **state)
{
    (void)state;
    json_t *r = parse(okta("user.session.start", "SUCCESS"));
    json_object_set_new(r, "device", json_null());
    char *text = json_dumps(r, 0);
    mapping *m = recognise(text);
    rs_error err = {0};
    mapping_start_file(m);
    got g = apply(m, text);
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_LOGINS_DEVICE_ID], "-");
    assert_string_equal(g.v[COLUMN_LOGINS_ACCOUNT_ID], "00u1qw2er3ty4UI5op6a");
    assert_int_equal(mapping_finish_file(m, "okta.json", &err), RS_OK);
    free(text);
    json_decref(r);
    mapping_free(m);
}

/* A file whose events lack a field the spec reads is an error naming it. */
static void test_vendor__missing_field_is_an_error(void **state)
{
    (void)state;
    json_t *r = parse(AUTH0_EVENT("s", AUTH0_USER, "1.2.3.4"));
    json_object_del(r, "user_agent");
    char *text = json_dumps(r, 0);
    mapping *m = recognise(text);
    rs_error err = {0};
    mapping_start_file(m);
    assert_int_equal(apply(m, text).nrows, 1);
    assert_int_equal(mapping_finish_file(m, "auth0.json", &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "'user_agent'"));
    assert_non_null(strstr(err.msg, "auth0.json"));
    free(text);
    json_decref(r);
    mapping_free(m);
}

/* Minor units by the currency's exponent, in the text: 2 for USD, 0 for JPY,
 * 3 for KWD, whatever case Stripe writes the code in. */
static void test_vendor__stripe_minor_units_and_fingerprint(void **state)
{
    (void)state;
    mapping *m = recognise(stripe("373366", "usd", "paid"));
    mapping_start_file(m);
    got g = apply(m, stripe("373366", "usd", "paid"));
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_PAYOUTS_AMOUNT], "3733.66");
    assert_string_equal(g.v[COLUMN_PAYOUTS_TS], "2026-02-06T12:11:38Z");
    assert_string_equal(g.v[COLUMN_PAYOUTS_ACCOUNT_ID], "acct_1Nv0FGQ9RKHgCVdK");
    assert_string_equal(g.v[COLUMN_PAYOUTS_DESTINATION_ID], "1JWtPxqbdX5Gamtz");
    assert_string_equal(g.v[COLUMN_PAYOUTS_DESTINATION_COUNTRY], "IN");
    assert_string_equal(g.v[COLUMN_PAYOUTS_METHOD], "bank");
    assert_string_equal(g.v[COLUMN_PAYOUTS_CURRENCY], "usd");
    assert_string_equal(apply(m, stripe("5000", "jpy", "paid")).v[COLUMN_PAYOUTS_AMOUNT], "5000");
    assert_string_equal(apply(m, stripe("12345", "kwd", "paid")).v[COLUMN_PAYOUTS_AMOUNT],
                        "12.345");
    assert_string_equal(apply(m, stripe("7", "usd", "paid")).v[COLUMN_PAYOUTS_AMOUNT], "0.07");
    assert_int_equal(apply(m, stripe("100", "usd", "pending")).nrows, 0);
    assert_int_equal(apply(m, stripe("100", "usd", "failed")).nrows, 0);
    assert_int_equal(apply(m, stripe("100", "usd", "in_transit")).nrows, 0);
    assert_int_equal(mapping_tally_of(m)->left_out, 3);
    mapping_free(m);
}

static void test_vendor__stripe_events_paid_only(void **state)
{
    (void)state;
    mapping *m = recognise(stripe_event("payout.created", "100", "usd"));
    mapping_start_file(m);
    assert_int_equal(apply(m, stripe_event("payout.created", "373366", "usd")).nrows, 0);
    got g = apply(m, stripe_event("payout.paid", "373366", "usd"));
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_PAYOUTS_AMOUNT], "3733.66");
    /* the event's own account first: the connected account paid */
    assert_string_equal(g.v[COLUMN_PAYOUTS_ACCOUNT_ID], "acct_1Ev3ntAcc0unt");
    assert_string_equal(g.v[COLUMN_PAYOUTS_DESTINATION_ID], "1JWtPxqbdX5Gamtz");
    assert_string_equal(g.v[COLUMN_PAYOUTS_TS], "2026-02-06T12:11:38Z");
    assert_int_equal(apply(m, stripe_event("payout.updated", "100", "usd")).nrows, 0);
    assert_int_equal(mapping_tally_of(m)->left_out, 2);
    mapping_free(m);
}

static void test_vendor__paypal_success_items(void **state)
{
    (void)state;
    mapping *m = recognise(paypal("SUCCESS"));
    mapping_start_file(m);
    got g = apply(m, paypal("SUCCESS"));
    assert_int_equal(g.nrows, 1);
    assert_string_equal(g.v[COLUMN_PAYOUTS_TS], "2026-02-08T09:03:29Z");
    assert_string_equal(g.v[COLUMN_PAYOUTS_ACCOUNT_ID], "u00406478");
    assert_string_equal(g.v[COLUMN_PAYOUTS_DESTINATION_ID], "payee@wallet.example");
    assert_string_equal(g.v[COLUMN_PAYOUTS_AMOUNT], "3733.66");
    assert_string_equal(g.v[COLUMN_PAYOUTS_CURRENCY], "USD");
    assert_string_equal(g.v[COLUMN_PAYOUTS_METHOD], "paypal");
    assert_string_equal(g.v[COLUMN_PAYOUTS_DESTINATION_COUNTRY], "-");
    assert_int_equal(apply(m, paypal("UNCLAIMED")).nrows, 0);
    assert_int_equal(apply(m, paypal("FAILED")).nrows, 0);
    assert_int_equal(apply(m, paypal("RETURNED")).nrows, 0);
    assert_int_equal(mapping_tally_of(m)->left_out, 3);
    mapping_free(m);
}

static void test_vendor__expected_names_every_source(void **state)
{
    (void)state;
    const char *e = vendor_expected();
    assert_non_null(strstr(e, "Auth0"));
    assert_non_null(strstr(e, "Okta"));
    assert_non_null(strstr(e, "Stripe"));
    assert_non_null(strstr(e, "PayPal"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vendor__recognises_each_shape),
        cmocka_unit_test(test_vendor__refuses_look_alikes),
        cmocka_unit_test(test_vendor__stripe_unexpanded_destination_refused),
        cmocka_unit_test(test_vendor__auth0_logins_only),
        cmocka_unit_test(test_vendor__auth0_log_stream),
        cmocka_unit_test(test_vendor__okta_session_start_success),
        cmocka_unit_test(test_vendor__okta_without_devices),
        cmocka_unit_test(test_vendor__missing_field_is_an_error),
        cmocka_unit_test(test_vendor__stripe_minor_units_and_fingerprint),
        cmocka_unit_test(test_vendor__stripe_events_paid_only),
        cmocka_unit_test(test_vendor__paypal_success_items),
        cmocka_unit_test(test_vendor__expected_names_every_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
