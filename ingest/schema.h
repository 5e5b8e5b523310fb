/* schema.h - the input contract: tables, their columns and value types.
 *
 * This is the single description of what ringscan reads; the reader, the
 * validator, the loader and the README's contract table all follow it.
 */
#ifndef RINGSCAN_SCHEMA_H
#define RINGSCAN_SCHEMA_H

#include "model/records.h"

#include <stddef.h>

typedef enum {
    COL_ID,      /* non-empty identifier, at most SCHEMA_MAX_ID bytes */
    COL_TEXT,    /* free text kept by ringscan, at most SCHEMA_MAX_TEXT bytes */
    COL_IGNORED, /* text read but not analysed: any length */
    COL_TS,      /* timestamp, see ts.h */
    COL_IP,      /* IPv4 or IPv6 address */
    COL_UINT,    /* non-negative integer (ports, seconds, ASNs) */
    COL_AMOUNT,  /* finite non-negative decimal */
    COL_STARS,   /* decimal in [0, 5] */
    COL_BOOL,    /* 1/0, true/false, yes/no, t/f, y/n, on/off */
    COL_COUNTRY, /* ISO 3166-1 alpha-2 */
    COL_ROLE,    /* freelancer | client */
    COL_AGENT,   /* user agent, any length: kept only as whether it names a
                    remote-desktop client (useragent.h) */
} col_type;

typedef struct {
    const char *name;
    col_type type;
    int required;
    const char *doc;
    /* 1 for the identity and text columns (the attributes table, the text
     * columns): the evidence files show them only when the input has them,
     * so that runs without them write what they always wrote. */
    int ext;
} col_def;

typedef struct {
    const char *name; /* the same as records_table_name */
    const col_def *cols;
    size_t ncols;
} table_def;

/* The columns of each table, in contract order: X(TABLE, COLUMN, name,
 * type, required, doc, ext) with col_def's fields. schema.c builds its
 * tables from these lists and the COLUMN_<TABLE>_<COLUMN> ids below come from
 * them too, so a row's values (indexed by schema column) are read by name
 * and a column added here is numbered where it is described. */
#define SCHEMA_ACCOUNTS_COLUMNS(X)                                                                 \
    X(ACCOUNTS, ACCOUNT_ID, "account_id", COL_ID, 1, "the account's platform id", 0)               \
    X(ACCOUNTS, ROLE, "role", COL_ROLE, 0, "freelancer (default) or client", 0)                    \
    X(ACCOUNTS, CREATED_AT, "created_at", COL_TS, 0, "account creation time", 0)                   \
    X(ACCOUNTS, COUNTRY, "country", COL_COUNTRY, 0, "claimed country, ISO 3166-1 alpha-2", 0)      \
    X(ACCOUNTS, DISPLAY_NAME, "display_name", COL_TEXT, 0, "public name", 0)                       \
    X(ACCOUNTS, TEXT, "text", COL_TEXT, 0, "profile text (compared across accounts for re-use)", 1)

#define SCHEMA_LOGINS_COLUMNS(X)                                                                   \
    X(LOGINS, TS, "ts", COL_TS, 1, "login time", 0)                                                \
    X(LOGINS, ACCOUNT_ID, "account_id", COL_ID, 1, "account that logged in", 0)                    \
    X(LOGINS, IP, "ip", COL_IP, 1, "source address, IPv4 or IPv6", 0)                              \
    X(LOGINS, DEVICE_ID, "device_id", COL_ID, 0, "device fingerprint", 0)                          \
    X(LOGINS, SESSION_SECONDS, "session_seconds", COL_UINT, 0,                                     \
      "duration of the session this login started", 0)                                             \
    X(LOGINS, USER_AGENT, "user_agent", COL_AGENT, 0,                                              \
      "client user agent (read for remote-desktop clients only)", 0)                               \
    X(LOGINS, IP_COUNTRY, "ip_country", COL_COUNTRY, 0, "platform's own geolocation of ip", 0)     \
    X(LOGINS, ASN, "asn", COL_UINT, 0, "platform's own ASN of ip", 0)                              \
    X(LOGINS, ASN_ORG, "asn_org", COL_TEXT, 0, "platform's own ASN organisation of ip", 0)

#define SCHEMA_BIDS_COLUMNS(X)                                                                     \
    X(BIDS, TS, "ts", COL_TS, 1, "bid time", 0)                                                    \
    X(BIDS, FREELANCER_ID, "freelancer_id", COL_ID, 1, "bidding freelancer", 0)                    \
    X(BIDS, PROJECT_ID, "project_id", COL_ID, 0, "project bid on", 0)                              \
    X(BIDS, CLIENT_ID, "client_id", COL_ID, 0, "client owning the project", 0)                     \
    X(BIDS, ACCEPTED, "accepted", COL_BOOL, 0, "whether the bid was accepted", 0)                  \
    X(BIDS, TEXT, "text", COL_TEXT, 0, "cover letter (compared across accounts for re-use)", 1)

#define SCHEMA_RATINGS_COLUMNS(X)                                                                  \
    X(RATINGS, TS, "ts", COL_TS, 1, "rating time", 0)                                              \
    X(RATINGS, CLIENT_ID, "client_id", COL_ID, 1, "client giving the rating", 0)                   \
    X(RATINGS, FREELANCER_ID, "freelancer_id", COL_ID, 1, "freelancer rated", 0)                   \
    X(RATINGS, STARS, "stars", COL_STARS, 1, "0 to 5", 0)                                          \
    X(RATINGS, PROJECT_ID, "project_id", COL_ID, 0, "project rated", 0)

#define SCHEMA_PAYOUTS_COLUMNS(X)                                                                  \
    X(PAYOUTS, TS, "ts", COL_TS, 1, "payout time", 0)                                              \
    X(PAYOUTS, ACCOUNT_ID, "account_id", COL_ID, 1, "account paid out", 0)                         \
    X(PAYOUTS, DESTINATION_ID, "destination_id", COL_ID, 1,                                        \
      "bank account, wallet or card paid into", 0)                                                 \
    X(PAYOUTS, AMOUNT, "amount", COL_AMOUNT, 1, "amount, non-negative", 0)                         \
    X(PAYOUTS, CURRENCY, "currency", COL_ID, 0, "ISO 4217 code", 0)                                \
    X(PAYOUTS, METHOD, "method", COL_ID, 0, "bank, paypal, crypto, ...", 0)                        \
    X(PAYOUTS, DESTINATION_COUNTRY, "destination_country", COL_COUNTRY, 0,                         \
      "country of the destination", 0)

#define SCHEMA_CHARGES_COLUMNS(X)                                                                  \
    X(CHARGES, TS, "ts", COL_TS, 1, "charge time", 0)                                              \
    X(CHARGES, CLIENT_ID, "client_id", COL_ID, 1, "client charged", 0)                             \
    X(CHARGES, FREELANCER_ID, "freelancer_id", COL_ID, 1, "freelancer the charge pays", 0)         \
    X(CHARGES, AMOUNT, "amount", COL_AMOUNT, 1, "amount, non-negative", 0)                         \
    X(CHARGES, CURRENCY, "currency", COL_ID, 0, "ISO 4217 code", 0)                                \
    X(CHARGES, INSTRUMENT_ID, "instrument_id", COL_ID, 0,                                          \
      "client's payment instrument (same id space as destination_id)", 0)

#define SCHEMA_PORTS_COLUMNS(X)                                                                    \
    X(PORTS, TS, "ts", COL_TS, 1, "observation time", 0)                                           \
    X(PORTS, PORT, "port", COL_UINT, 1, "open TCP/UDP port, 1-65535", 0)                           \
    X(PORTS, IP, "ip", COL_IP, 0, "observed address (ip or device_id required)", 0)                \
    X(PORTS, DEVICE_ID, "device_id", COL_ID, 0, "observed device (ip or device_id required)", 0)   \
    X(PORTS, SERVICE, "service", COL_ID, 0, "service name", 0)

#define SCHEMA_ATTRIBUTES_COLUMNS(X)                                                               \
    X(ATTRIBUTES, ACCOUNT_ID, "account_id", COL_ID, 1, "account the attribute belongs to", 1)      \
    X(ATTRIBUTES, KIND, "kind", COL_ID, 1,                                                         \
      "email, phone, name, address, shipping_address, document, photo_hash, payout_holder, url "   \
      "(others kept as generic identity values)",                                                  \
      1)                                                                                           \
    X(ATTRIBUTES, VALUE, "value", COL_TEXT, 1, "the attribute as written (normalised per kind)",   \
      1)                                                                                           \
    X(ATTRIBUTES, TS, "ts", COL_TS, 0, "when the platform recorded it", 1)                         \
    X(ATTRIBUTES, SOURCE, "source", COL_ID, 0,                                                     \
      "where it came from (signup, kyc, payout, shipping, ...)", 1)

/* Not events: which platform account an id from another system (an identity
 * provider's user id, a payment provider's connected account) stands for. */
#define SCHEMA_ACCOUNT_IDS_COLUMNS(X)                                                              \
    X(ACCOUNT_IDS, ACCOUNT_ID, "account_id", COL_ID, 1,                                            \
      "the platform's account id, as in accounts", 0)                                              \
    X(ACCOUNT_IDS, EXTERNAL_ID, "external_id", COL_ID, 1,                                          \
      "the same account's id in another system (auth0|..., 00u..., acct_..., a sender_item_id)",   \
      0)                                                                                           \
    X(ACCOUNT_IDS, SOURCE, "source", COL_ID, 0, "that system (auth0, okta, stripe, paypal, ...)", 0)

#define SCHEMA_COLUMN_ID(T, C, name, type, required, doc, ext) COLUMN_##T##_##C,
enum { SCHEMA_ACCOUNTS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_ACCOUNTS_COUNT };
enum { SCHEMA_LOGINS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_LOGINS_COUNT };
enum { SCHEMA_BIDS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_BIDS_COUNT };
enum { SCHEMA_RATINGS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_RATINGS_COUNT };
enum { SCHEMA_PAYOUTS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_PAYOUTS_COUNT };
enum { SCHEMA_CHARGES_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_CHARGES_COUNT };
enum { SCHEMA_PORTS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_PORTS_COUNT };
enum { SCHEMA_ATTRIBUTES_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_ATTRIBUTES_COUNT };
enum { SCHEMA_ACCOUNT_IDS_COLUMNS(SCHEMA_COLUMN_ID) COLUMN_ACCOUNT_IDS_COUNT };

#define SCHEMA_MAX_ID 1024
#define SCHEMA_MAX_TEXT 4096
#define SCHEMA_MAX_COLS RECORDS_MAX_COLS

/* A header name read as a contract column: from the alias table
 * (schema_resolve) or the user's config (`columns`). */
typedef struct {
    const char *table; /* table name, or NULL for every table with the column */
    const char *from;  /* header name in schema_normalize form */
    const char *to;    /* contract column name */
} schema_alias;

/* Borrowed, static. */
const table_def *schema_table(table_id t);
/* Index of column name in table t (exact contract name), or -1. */
int schema_column(const table_def *t, const char *name, size_t n);

/* Writes the comparison form of a header name into out (size outlen): ASCII
 * letters lower-cased, surrounding spaces removed, inner runs of spaces, '-'
 * and '.' as one '_'. "  Account ID " -> "account_id". */
void schema_normalize(const char *name, size_t n, char *out, size_t outlen);

/* The contract column a header name means in table t, or -1: the exact name,
 * then the normalized name, then user aliases (nuser of them, checked first
 * among aliases), then the built-in alias table (README "Column names").
 * *via is set to "name", "case" (normalisation only), "alias" or "config". */
int schema_resolve(const table_def *t, const char *name, size_t n, const schema_alias *user,
                   size_t nuser, const char **via);

/* The static copy of contract column name as some table spells it, or NULL. */
const char *schema_table_column(const char *name);

/* The built-in alias table (borrowed, static), for docs and tests. */
const schema_alias *schema_aliases(size_t *n);

/* The contract column of table t closest to name (an edit distance of at most
 * 2 on the normalized forms, or one containing the other), or NULL: for
 * "did you mean" hints. */
const char *schema_near(const table_def *t, const char *name, size_t n);
/* The table a file name file[0..n) probably means (its name up to the first
 * '.', normalized, one edit from a table name or holding it: "Logins.json",
 * "login.csv", "user_logins.ndjson"), or NULL: for the hint on a file that is
 * no input table. The returned name is static. */
const char *schema_table_near(const char *file, size_t n);
const char *schema_type_name(col_type t);
/* 1 for the id columns naming an account: account_id, freelancer_id,
 * client_id. */
int schema_is_account_col(const col_def *cd);
/* The columns of table t for which schema_is_account_col holds, bit c for
 * column c: per-row loops test a bit rather than compare names. Computed
 * once; thread-safe. */
uint32_t schema_account_cols(table_id t);

#endif
