/* schema.c - the input contract tables; see schema.h and README "Input contract". */
#include "ingest/schema.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define SCHEMA_COL_DEF(T, C, name, type, required, doc, ext) {name, type, required, doc, ext},
static const col_def accounts_cols[] = {SCHEMA_ACCOUNTS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def logins_cols[] = {SCHEMA_LOGINS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def bids_cols[] = {SCHEMA_BIDS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def ratings_cols[] = {SCHEMA_RATINGS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def payouts_cols[] = {SCHEMA_PAYOUTS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def charges_cols[] = {SCHEMA_CHARGES_COLUMNS(SCHEMA_COL_DEF)};
static const col_def ports_cols[] = {SCHEMA_PORTS_COLUMNS(SCHEMA_COL_DEF)};
static const col_def attributes_cols[] = {SCHEMA_ATTRIBUTES_COLUMNS(SCHEMA_COL_DEF)};
static const col_def account_ids_cols[] = {SCHEMA_ACCOUNT_IDS_COLUMNS(SCHEMA_COL_DEF)};

static const table_def tables[TABLE_COUNT] = {
    {"accounts", accounts_cols, N(accounts_cols)},
    {"logins", logins_cols, N(logins_cols)},
    {"bids", bids_cols, N(bids_cols)},
    {"ratings", ratings_cols, N(ratings_cols)},
    {"payouts", payouts_cols, N(payouts_cols)},
    {"charges", charges_cols, N(charges_cols)},
    {"ports", ports_cols, N(ports_cols)},
    {"attributes", attributes_cols, N(attributes_cols)},
    {"account_ids", account_ids_cols, N(account_ids_cols)},
};

const table_def *schema_table(table_id t)
{
    return t < TABLE_COUNT ? &tables[t] : NULL;
}

int schema_column(const table_def *t, const char *name, size_t n)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strlen(t->cols[i].name) == n && memcmp(t->cols[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

const char *schema_type_name(col_type t)
{
    static const char *const names[] = {"id",      "text",    "ignored", "timestamp",
                                        "ip",      "integer", "amount",  "stars",
                                        "boolean", "country", "role",    "user agent"};
    return (size_t)t < N(names) ? names[t] : "?";
}

/* Header names platforms use for contract columns. An alias names one column;
 * table NULL applies to every table that has it. Kept in README "Column
 * names"; a test checks every alias resolves and no two collide. */
static const schema_alias alias_table[] = {
    {NULL, "account", "account_id"},
    {NULL, "accountid", "account_id"},
    {NULL, "user_id", "account_id"},
    {NULL, "userid", "account_id"},
    {NULL, "user", "account_id"},
    {NULL, "member_id", "account_id"},
    {NULL, "uid", "account_id"},
    {NULL, "freelancer", "freelancer_id"},
    {NULL, "freelancerid", "freelancer_id"},
    {NULL, "seller_id", "freelancer_id"},
    {NULL, "provider_id", "freelancer_id"},
    {NULL, "worker_id", "freelancer_id"},
    {NULL, "contractor_id", "freelancer_id"},
    {NULL, "client", "client_id"},
    {NULL, "clientid", "client_id"},
    {NULL, "buyer_id", "client_id"},
    {NULL, "employer_id", "client_id"},
    {NULL, "customer_id", "client_id"},
    {NULL, "timestamp", "ts"},
    {NULL, "time", "ts"},
    {NULL, "datetime", "ts"},
    {NULL, "date_time", "ts"},
    {NULL, "event_time", "ts"},
    {NULL, "event_ts", "ts"},
    {NULL, "occurred_at", "ts"},
    /* A database's own tables date their rows created_at; only accounts has
     * a column of that name, which stays its own. */
    {"logins", "created_at", "ts"},
    {"bids", "created_at", "ts"},
    {"ratings", "created_at", "ts"},
    {"payouts", "created_at", "ts"},
    {"charges", "created_at", "ts"},
    {"ports", "created_at", "ts"},
    {"attributes", "created_at", "ts"},
    {"logins", "login_time", "ts"},
    {"logins", "logged_in_at", "ts"},
    {NULL, "ip_address", "ip"},
    {NULL, "ipaddress", "ip"},
    {NULL, "ip_addr", "ip"},
    {NULL, "client_ip", "ip"},
    {NULL, "remote_ip", "ip"},
    {NULL, "remote_addr", "ip"},
    {NULL, "source_ip", "ip"},
    {NULL, "src_ip", "ip"},
    {NULL, "device", "device_id"},
    {NULL, "deviceid", "device_id"},
    {NULL, "device_fingerprint", "device_id"},
    {NULL, "fingerprint", "device_id"},
    {NULL, "device_hash", "device_id"},
    {NULL, "session_duration", "session_seconds"},
    {NULL, "session_length", "session_seconds"},
    {NULL, "duration_seconds", "session_seconds"},
    {NULL, "ua", "user_agent"},
    {NULL, "useragent", "user_agent"},
    {NULL, "http_user_agent", "user_agent"},
    {"logins", "geo_country", "ip_country"},
    {"logins", "country_code", "ip_country"},
    {"logins", "country", "ip_country"},
    {"logins", "ip_country_code", "ip_country"},
    {NULL, "asn_number", "asn"},
    {NULL, "as_number", "asn"},
    {NULL, "autonomous_system_number", "asn"},
    {NULL, "as_org", "asn_org"},
    {NULL, "as_name", "asn_org"},
    {NULL, "asn_organization", "asn_org"},
    {NULL, "isp", "asn_org"},
    {"accounts", "country_code", "country"},
    {"accounts", "claimed_country", "country"},
    {"accounts", "residence_country", "country"},
    {NULL, "name", "display_name"},
    {NULL, "username", "display_name"},
    {NULL, "account_type", "role"},
    {NULL, "user_type", "role"},
    {NULL, "signup_at", "created_at"},
    {NULL, "signed_up_at", "created_at"},
    {NULL, "registered_at", "created_at"},
    {NULL, "registration_date", "created_at"},
    {NULL, "project", "project_id"},
    {NULL, "job_id", "project_id"},
    {NULL, "contract_id", "project_id"},
    {NULL, "is_accepted", "accepted"},
    {NULL, "awarded", "accepted"},
    {NULL, "rating", "stars"},
    {NULL, "score", "stars"},
    {NULL, "destination", "destination_id"},
    {NULL, "payout_account", "destination_id"},
    {NULL, "payout_account_id", "destination_id"},
    {NULL, "bank_account_id", "destination_id"},
    {NULL, "wallet_id", "destination_id"},
    {"payouts", "value", "amount"}, /* attributes has a value column of its own */
    {"charges", "value", "amount"},
    {NULL, "currency_code", "currency"},
    {NULL, "payout_method", "method"},
    {NULL, "dest_country", "destination_country"},
    {NULL, "bank_country", "destination_country"},
    {NULL, "payout_country", "destination_country"},
    {NULL, "instrument", "instrument_id"},
    {NULL, "payment_instrument", "instrument_id"},
    {NULL, "payment_instrument_id", "instrument_id"},
    {NULL, "card_id", "instrument_id"},
    {NULL, "port_number", "port"},
    {NULL, "dst_port", "port"},
    {NULL, "service_name", "service"},
    {"bids", "cover_letter", "text"},
    {"bids", "proposal", "text"},
    {"bids", "proposal_text", "text"},
    {"bids", "message", "text"},
    {"accounts", "profile_text", "text"},
    {"accounts", "bio", "text"},
    {"accounts", "about", "text"},
    {"accounts", "description", "text"},
    {"attributes", "attribute", "kind"},
    {"attributes", "attribute_kind", "kind"},
    {"attributes", "attribute_type", "kind"},
    {"attributes", "type", "kind"},
    {"attributes", "attribute_value", "value"},
    {"attributes", "recorded_at", "ts"},
};

const char *schema_table_column(const char *name)
{
    for (int t = 0; t < TABLE_COUNT; t++) {
        int c = schema_column(&tables[t], name, strlen(name));
        if (c >= 0)
            return tables[t].cols[c].name;
    }
    return NULL;
}

const schema_alias *schema_aliases(size_t *n)
{
    *n = N(alias_table);
    return alias_table;
}

void schema_normalize(const char *name, size_t n, char *out, size_t outlen)
{
    size_t j = 0;
    int pending = 0; /* a separator run seen since the last kept character */
    while (n && (*name == ' ' || *name == '\t'))
        name++, n--;
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n && j + 2 < outlen; i++) {
        char c = name[i];
        if (c == ' ' || c == '\t' || c == '-' || c == '.') {
            pending = 1;
            continue;
        }
        if (pending && j)
            out[j++] = '_';
        pending = 0;
        out[j++] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
    }
    if (outlen)
        out[j < outlen ? j : outlen - 1] = '\0';
}

/* Column named to in t, when alias a (from in normalized form) applies to t. */
static int alias_target(const table_def *t, const schema_alias *a, const char *norm)
{
    if (strcmp(a->from, norm) != 0 || (a->table && strcmp(a->table, t->name) != 0))
        return -1;
    return schema_column(t, a->to, strlen(a->to));
}

int schema_resolve(const table_def *t, const char *name, size_t n, const schema_alias *user,
                   size_t nuser, const char **via)
{
    int c = schema_column(t, name, n);
    if (c >= 0) {
        *via = "name";
        return c;
    }
    char norm[128];
    schema_normalize(name, n, norm, sizeof norm);
    if ((c = schema_column(t, norm, strlen(norm))) >= 0) {
        *via = "case";
        return c;
    }
    for (size_t i = 0; i < nuser; i++)
        if ((c = alias_target(t, &user[i], norm)) >= 0) {
            *via = "config";
            return c;
        }
    for (size_t i = 0; i < N(alias_table); i++)
        if ((c = alias_target(t, &alias_table[i], norm)) >= 0) {
            *via = "alias";
            return c;
        }
    return -1;
}

/* Levenshtein distance of a and b, capped at 3 (enough for hints). */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 3;
    int prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            cur[j] = d;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb] < 3 ? prev[lb] : 3;
}

/* 1 when a normalized header name says it holds a time: *_at, *_time,
 * *_date, *_ts, date, when (updated_at, inserted_at, event_date, ...). */
static int time_like(const char *norm)
{
    static const char *const ends[] = {"_at", "_time", "_date", "_ts", "_timestamp"};
    size_t n = strlen(norm);
    if (!strcmp(norm, "date") || !strcmp(norm, "when"))
        return 1;
    for (size_t i = 0; i < N(ends); i++) {
        size_t k = strlen(ends[i]);
        if (n > k && !strcmp(norm + n - k, ends[i]))
            return 1;
    }
    return 0;
}

/* The table's time column (its first timestamp column), or NULL. */
static const char *time_column(const table_def *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].type == COL_TS)
            return t->cols[i].name;
    return NULL;
}

const char *schema_near(const table_def *t, const char *name, size_t n)
{
    char norm[128] = "";
    schema_normalize(name, n, norm, sizeof norm);
    if (strlen(norm) < 2)
        return NULL;
    /* "ts" is too short to be near anything by spelling: a header that says
     * it holds a time is the time column's likeliest source. */
    if (time_like(norm) && time_column(t) && schema_column(t, norm, strlen(norm)) < 0)
        return time_column(t);
    const char *best = NULL;
    int bd = 3;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *c = t->cols[i].name;
        int d = edit_distance(norm, c);
        if (d > 2 && strlen(norm) >= 3 && strlen(c) >= 3 && (strstr(c, norm) || strstr(norm, c)))
            d = 2;
        if (d < bd)
            bd = d, best = c;
    }
    return best;
}

const char *schema_table_near(const char *file, size_t n)
{
    size_t stem = 0;
    while (stem < n && file[stem] != '.')
        stem++;
    char norm[128] = "";
    schema_normalize(file, stem, norm, sizeof norm);
    if (strlen(norm) < 3)
        return NULL;
    for (int t = 0; t < TABLE_COUNT; t++) {
        const char *tn = tables[t].name;
        /* login, Logins, user_logins, logins_2026, rating ... */
        if (edit_distance(norm, tn) <= 1 || strstr(norm, tn))
            return tn;
    }
    return NULL;
}

int schema_is_account_col(const col_def *cd)
{
    return cd->type == COL_ID &&
           (!strcmp(cd->name, "account_id") || !strcmp(cd->name, "freelancer_id") ||
            !strcmp(cd->name, "client_id"));
}

static uint32_t account_cols[TABLE_COUNT];
static pthread_once_t account_cols_once = PTHREAD_ONCE_INIT;

static void account_cols_build(void)
{
    _Static_assert(SCHEMA_MAX_COLS <= 32, "a column mask is 32 bits");
    for (int t = 0; t < TABLE_COUNT; t++) {
        const table_def *td = schema_table((table_id)t);
        for (size_t c = 0; c < td->ncols; c++)
            if (schema_is_account_col(&td->cols[c]))
                account_cols[t] |= UINT32_C(1) << c;
    }
}

uint32_t schema_account_cols(table_id t)
{
    pthread_once(&account_cols_once, account_cols_build);
    return account_cols[t];
}
