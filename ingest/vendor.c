/* vendor.c - the built-in vendor sources: Auth0 log events, Okta System Log,
 * Stripe payouts and PayPal payout items; see vendor.h.
 *
 * Each source is a spec in the mapping language (ingest/mapping.h), kept here
 * as JSON text so that what a vendor field means is stated once, in the same
 * form an operator's mapping takes, and checked by the same compiler. What
 * the language cannot say lives in a recogniser: the test on a file's first
 * record that picks the source, and the refusal of a shape that would load
 * silently wrong (a Stripe payout whose destination is not expanded carries
 * no bank fingerprint, and its `ba_` id differs per connected account, so
 * one bank account would look like many).
 *
 * Shapes, each a row of `sources` below and tried in order:
 *   Auth0      Management API `GET /api/v2/logs` (an array of log events) and
 *              log-stream lines `{"log_id", "data": {event}}`;
 *   Okta       System Log `GET /api/v1/logs` LogEvent objects;
 *   Stripe     Payout objects, a list `{"object": "list", "data": [...]}`
 *              of them, and `payout.*` events;
 *   PayPal     a payout batch `{"batch_header", "items": [...]}` and single
 *              payout items.
 * The field lists and the rows that count are in docs/loading.md, "Vendor
 * sources". Recognising costs a few key lookups on one record per file.
 */
#include "ingest/vendor.h"

#include <assert.h>
#include <string.h>

/* Auth0: only type "s" (a successful login) is a login. Failed logins
 * ("f", "fp", "fu"), the backend's code exchanges ("seacft"), silent
 * authentications ("ssa") and every other type are left out and counted per
 * type: loaded as logins they once moved accounts' countries and IPs. Auth0
 * writes no device id, session length or ASN. */
static const char auth0_spec[] =
    "{\"name\": \"auth0\", \"table\": \"logins\","
    " \"where\": [{\"path\": \"type\", \"equals\": \"s\"}],"
    " \"fields\": {"
    "  \"ts\": \"date\","
    "  \"account_id\": \"user_id\","
    "  \"ip\": \"ip\","
    "  \"user_agent\": \"user_agent\","
    "  \"ip_country\": {\"path\": \"location_info.country_code\", \"optional\": true}}}";

/* The same events as a log stream delivers them, one `{"log_id", "data"}`
 * object per line. */
static const char auth0_stream_spec[] =
    "{\"name\": \"auth0-log-stream\", \"table\": \"logins\","
    " \"where\": [{\"path\": \"data.type\", \"equals\": \"s\"}],"
    " \"fields\": {"
    "  \"ts\": \"data.date\","
    "  \"account_id\": \"data.user_id\","
    "  \"ip\": \"data.ip\","
    "  \"user_agent\": \"data.user_agent\","
    "  \"ip_country\": {\"path\": \"data.location_info.country_code\", \"optional\": true}}}";

/* Okta: a login is a `user.session.start` whose outcome is SUCCESS; other
 * event types and failed or challenged sign-ins are left out and counted.
 * The country is a name ("United States"), read by ingest/country.c.
 * `device` is null unless Okta knows the device (Okta Verify, device
 * registration): the bare `device` path after `device.id` lets a file whose
 * every device is null match, its value blank, rather than fail as if the
 * mapping named a field Okta does not write. */
static const char okta_spec[] =
    "{\"name\": \"okta-system-log\", \"table\": \"logins\","
    " \"where\": [{\"path\": \"eventType\", \"equals\": \"user.session.start\"},"
    "            {\"path\": \"outcome.result\", \"equals\": \"SUCCESS\"}],"
    " \"fields\": {"
    "  \"ts\": \"published\","
    "  \"account_id\": \"actor.id\","
    "  \"ip\": \"client.ipAddress\","
    "  \"device_id\": {\"path\": [\"device.id\", \"device\"]},"
    "  \"user_agent\": \"client.userAgent.rawUserAgent\","
    "  \"ip_country\": \"client.geographicalContext.country\","
    "  \"asn\": \"securityContext.asNumber\","
    "  \"asn_org\": \"securityContext.asOrg\"}}";

/* Stripe payout objects: amounts in the currency's minor units, the arrival
 * date in epoch seconds, the destination expanded so that its bank
 * `fingerprint` (the same for one bank account on every connected account)
 * names it and its `account` names the connected account paid. Only paid
 * payouts count; pending, in transit, failed and canceled are counted. */
static const char stripe_spec[] =
    "{\"name\": \"stripe-payouts\", \"table\": \"payouts\","
    " \"where\": [{\"path\": \"status\", \"equals\": \"paid\"}],"
    " \"fields\": {"
    "  \"ts\": {\"path\": \"arrival_date\", \"time\": \"epoch_seconds\"},"
    "  \"account_id\": \"destination.account\","
    "  \"destination_id\": \"destination.fingerprint\","
    "  \"amount\": {\"path\": \"amount\", \"minor_units\": \"currency\"},"
    "  \"currency\": \"currency\","
    "  \"method\": {\"path\": \"type\", \"values\": {\"bank_account\": \"bank\", \"card\": "
    "\"card\"}},"
    "  \"destination_country\": \"destination.country\"}}";

/* Stripe `payout.*` events: the payout is data.object; the connected account
 * is the event's `account` (the destination's when the event has none).
 * Only `payout.paid` counts. */
static const char stripe_event_spec[] =
    "{\"name\": \"stripe-payout-events\", \"table\": \"payouts\","
    " \"where\": [{\"path\": \"type\", \"equals\": \"payout.paid\"},"
    "            {\"path\": \"data.object.status\", \"equals\": \"paid\"}],"
    " \"fields\": {"
    "  \"ts\": {\"path\": \"data.object.arrival_date\", \"time\": \"epoch_seconds\"},"
    "  \"account_id\": {\"path\": [\"account\", \"data.object.destination.account\"]},"
    "  \"destination_id\": \"data.object.destination.fingerprint\","
    "  \"amount\": {\"path\": \"data.object.amount\", \"minor_units\": \"currency\"},"
    "  \"currency\": \"data.object.currency\","
    "  \"method\": {\"path\": \"data.object.type\", \"values\": {\"bank_account\": \"bank\", "
    "\"card\": \"card\"}},"
    "  \"destination_country\": \"data.object.destination.country\"}}";

/* PayPal payout items: the platform's own reference is sender_item_id (the
 * account, resolved through account_ids), the receiver (email, phone or
 * PayPal id) is the destination; amounts are decimal text. Only SUCCESS
 * items count; unclaimed, pending, failed, returned and the rest are
 * counted. PayPal writes no destination country. */
static const char paypal_spec[] =
    "{\"name\": \"paypal-payouts\", \"table\": \"payouts\","
    " \"where\": [{\"path\": \"transaction_status\", \"equals\": \"SUCCESS\"}],"
    " \"fields\": {"
    "  \"ts\": \"time_processed\","
    "  \"account_id\": \"payout_item.sender_item_id\","
    "  \"destination_id\": \"payout_item.receiver\","
    "  \"amount\": \"payout_item.amount.value\","
    "  \"currency\": \"payout_item.amount.currency\","
    "  \"method\": {\"const\": \"paypal\"}}}";

/* --- recognisers: tests on one record -------------------------------------- */

static const char *str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int has_prefix(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An Auth0 log event: a log_id, a type code and an ISO date. */
static int is_auth0(const json_t *r)
{
    return str_at(r, "log_id") && str_at(r, "type") && str_at(r, "date");
}

/* A log-stream line: `log_id` beside `data`, the event itself. */
static int is_auth0_stream(const json_t *r)
{
    const json_t *d = json_object_get(r, "data");
    return str_at(r, "log_id") && json_is_object(d) && str_at(d, "type") && str_at(d, "date");
}

/* An Okta LogEvent: uuid, eventType, published and an actor object. */
static int is_okta(const json_t *r)
{
    return str_at(r, "uuid") && str_at(r, "eventType") && str_at(r, "published") &&
           json_is_object(json_object_get(r, "actor"));
}

static int is_stripe_payout(const json_t *r)
{
    const char *o = str_at(r, "object");
    return o && strcmp(o, "payout") == 0 && has_prefix(str_at(r, "id"), "po_");
}

/* An event about a payout: payout.paid, and the payout.created, .updated,
 * .failed, ... events an export of all payout events holds too. */
static int is_stripe_event(const json_t *r)
{
    const char *o = str_at(r, "object");
    const json_t *d = json_object_get(r, "data");
    return o && strcmp(o, "event") == 0 && has_prefix(str_at(r, "type"), "payout.") &&
           is_stripe_payout(json_object_get(d, "object"));
}

static int is_stripe_list(const json_t *r)
{
    const char *o = str_at(r, "object");
    const json_t *first = json_array_get(json_object_get(r, "data"), 0);
    return o && strcmp(o, "list") == 0 && (is_stripe_payout(first) || is_stripe_event(first));
}

static int is_paypal_item(const json_t *r)
{
    return str_at(r, "payout_item_id") && str_at(r, "transaction_status") &&
           json_is_object(json_object_get(r, "payout_item"));
}

static int is_paypal_batch(const json_t *r)
{
    const json_t *h = json_object_get(r, "batch_header");
    return json_is_object(h) && str_at(h, "payout_batch_id") &&
           json_is_array(json_object_get(r, "items"));
}

/* A shape, its spec, and the array of records inside one document (NULL when
 * the record is itself a row). */
typedef struct {
    int (*is)(const json_t *r);
    const char *spec;
    const char *records;
} vendor_source;

/* Wrappers before their elements, events before bare objects: a Stripe event
 * holds a payout, a log-stream line holds an Auth0 event. */
static const vendor_source sources[] = {
    {is_stripe_list, NULL, "data"},
    {is_paypal_batch, paypal_spec, "items"},
    {is_auth0_stream, auth0_stream_spec, NULL},
    {is_auth0, auth0_spec, NULL},
    {is_okta, okta_spec, NULL},
    {is_stripe_event, stripe_event_spec, NULL},
    {is_stripe_payout, stripe_spec, NULL},
    {is_paypal_item, paypal_spec, NULL},
};

/* A Stripe payout whose destination is an id, not the expanded bank account
 * or card: without the fingerprint one bank account on several connected
 * accounts has several `ba_` ids and would not be seen as shared. Returns
 * RS_OK or RS_E_SCHEMA with err set. */
static int stripe_check_destination(const json_t *payout, rs_error *err)
{
    const json_t *dst = json_object_get(payout, "destination");
    if (json_is_object(dst) && str_at(dst, "fingerprint"))
        return RS_OK;
    return rs_error_set(err, RS_E_SCHEMA, NULL, 0, 0,
                        "Stripe payout %s: the destination is not expanded (no bank fingerprint); "
                        "list payouts with expand[]=data.destination: the `ba_` id differs per "
                        "connected account, only the fingerprint shows one bank account",
                        str_at(payout, "id") ? str_at(payout, "id") : "?");
}

/* The payout in a Stripe record of any of the three shapes (borrowed). */
static const json_t *stripe_payout_of(const json_t *r)
{
    if (is_stripe_list(r))
        r = json_array_get(json_object_get(r, "data"), 0);
    if (is_stripe_event(r))
        r = json_object_get(json_object_get(r, "data"), "object");
    return r;
}

/* Compiles src's spec (with its records path for a wrapper) into *out.
 * Returns the compiler's code; a built-in spec that fails to parse is a
 * programming error. */
static int source_compile(const vendor_source *src, const json_t *r, mapping **out, rs_error *err)
{
    const char *text = src->spec;
    json_t *spec = NULL;
    int rc;
    if (!text) /* a Stripe list: its elements' own spec */
        text = is_stripe_event(json_array_get(json_object_get(r, "data"), 0)) ? stripe_event_spec
                                                                              : stripe_spec;
    spec = json_loads(text, 0, NULL);
    assert(spec);
    if (src->records)
        json_object_set_new(spec, "records", json_string(src->records));
    rc = mapping_compile(spec, "vendor source", out, err);
    json_decref(spec);
    return rc;
}

int vendor_recognise(const json_t *record, mapping **out, rs_error *err)
{
    *out = NULL;
    if (!json_is_object(record))
        return 0;
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        const vendor_source *src = &sources[i];
        int rc;
        if (!src->is(record))
            continue;
        if (src->is == is_stripe_list || src->is == is_stripe_event ||
            src->is == is_stripe_payout) {
            rc = stripe_check_destination(stripe_payout_of(record), err);
            if (rc != RS_OK)
                return rc;
        }
        rc = source_compile(src, record, out, err);
        return rc == RS_OK ? 1 : rc;
    }
    return 0;
}

const char *vendor_expected(void)
{
    return "Auth0 log events (Management API array or log-stream {log_id, data} lines), "
           "Okta System Log events (uuid, eventType, published, actor), "
           "Stripe payouts (Payout objects with the destination expanded, a list of them, "
           "or payout.* events), PayPal payout items (a payout batch with items[], or items)";
}
