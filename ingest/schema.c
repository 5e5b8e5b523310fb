/* schema.c - the input contract tables; see schema.h and README "Input contract". */
#include "ingest/schema.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const col_def accounts_cols[] = {
    {"account_id", COL_ID, 1, "the account's platform id"},
    {"role", COL_ROLE, 0, "freelancer (default) or client"},
    {"created_at", COL_TS, 0, "account creation time"},
    {"country", COL_COUNTRY, 0, "claimed country, ISO 3166-1 alpha-2"},
    {"display_name", COL_TEXT, 0, "public name"},
};
static const col_def logins_cols[] = {
    {"ts", COL_TS, 1, "login time"},
    {"account_id", COL_ID, 1, "account that logged in"},
    {"ip", COL_IP, 1, "source address, IPv4 or IPv6"},
    {"device_id", COL_ID, 0, "device fingerprint"},
    {"session_seconds", COL_UINT, 0, "duration of the session this login started"},
    {"user_agent", COL_IGNORED, 0, "client user agent (not analysed)"},
    {"ip_country", COL_COUNTRY, 0, "platform's own geolocation of ip"},
    {"asn", COL_UINT, 0, "platform's own ASN of ip"},
    {"asn_org", COL_TEXT, 0, "platform's own ASN organisation of ip"},
};
static const col_def bids_cols[] = {
    {"ts", COL_TS, 1, "bid time"},
    {"freelancer_id", COL_ID, 1, "bidding freelancer"},
    {"project_id", COL_ID, 0, "project bid on"},
    {"client_id", COL_ID, 0, "client owning the project"},
    {"accepted", COL_BOOL, 0, "whether the bid was accepted"},
};
static const col_def ratings_cols[] = {
    {"ts", COL_TS, 1, "rating time"},
    {"client_id", COL_ID, 1, "client giving the rating"},
    {"freelancer_id", COL_ID, 1, "freelancer rated"},
    {"stars", COL_STARS, 1, "0 to 5"},
    {"project_id", COL_ID, 0, "project rated"},
};
static const col_def payouts_cols[] = {
    {"ts", COL_TS, 1, "payout time"},
    {"account_id", COL_ID, 1, "account paid out"},
    {"destination_id", COL_ID, 1, "bank account, wallet or card paid into"},
    {"amount", COL_AMOUNT, 1, "amount, non-negative"},
    {"currency", COL_ID, 0, "ISO 4217 code"},
    {"method", COL_ID, 0, "bank, paypal, crypto, ..."},
    {"destination_country", COL_COUNTRY, 0, "country of the destination"},
};
static const col_def charges_cols[] = {
    {"ts", COL_TS, 1, "charge time"},
    {"client_id", COL_ID, 1, "client charged"},
    {"freelancer_id", COL_ID, 1, "freelancer the charge pays"},
    {"amount", COL_AMOUNT, 1, "amount, non-negative"},
    {"currency", COL_ID, 0, "ISO 4217 code"},
    {"instrument_id", COL_ID, 0, "client's payment instrument (same id space as destination_id)"},
};
static const col_def ports_cols[] = {
    {"ts", COL_TS, 1, "observation time"},
    {"port", COL_UINT, 1, "open TCP/UDP port, 1-65535"},
    {"ip", COL_IP, 0, "observed address (ip or device_id required)"},
    {"device_id", COL_ID, 0, "observed device (ip or device_id required)"},
    {"service", COL_ID, 0, "service name"},
};

static const table_def tables[TABLE_COUNT] = {
    {"accounts", accounts_cols, N(accounts_cols)},
    {"logins", logins_cols, N(logins_cols)},
    {"bids", bids_cols, N(bids_cols)},
    {"ratings", ratings_cols, N(ratings_cols)},
    {"payouts", payouts_cols, N(payouts_cols)},
    {"charges", charges_cols, N(charges_cols)},
    {"ports", ports_cols, N(ports_cols)},
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
    static const char *const names[] = {"id",     "text",  "ignored", "timestamp", "ip",  "integer",
                                        "amount", "stars", "boolean", "country",   "role"};
    return (size_t)t < N(names) ? names[t] : "?";
}
