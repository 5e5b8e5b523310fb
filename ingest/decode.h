/* decode.h - one input row, typed: the event a row of each table stands for.
 *
 * table_read yields a row as values indexed by schema column; what a row
 * means (this login came from that address, this client rated that
 * freelancer) is decided here, once, by column name (the COLUMN_* ids of
 * schema.h), and read by both passes over the inputs: the loader, which
 * interns the event's strings into the graph (load.c), and the evidence
 * replay, which looks them up (replay.c). The loader's own row checks
 * beyond the column types (a client rating itself, a port with neither ip
 * nor device, a session longer than 2^31 s) are the decoder's, so both
 * passes see the same rows.
 *
 * A decoded event borrows every string and address from the row's values:
 * it lives as long as they do (one row callback). Strings are not
 * NUL-terminated in general; an absent one has s == NULL and n == 0.
 */
#ifndef RINGSCAN_DECODE_H
#define RINGSCAN_DECODE_H

#include "base/ipaddr.h"
#include "base/error.h"
#include "ingest/table.h"

#include <stdint.h>

/* A string value of a row (borrowed); s NULL when the value is absent. */
typedef struct {
    const char *s;
    size_t n;
} decode_str;

typedef struct {
    decode_str id, display_name, text;
    int role;            /* ROLE_FREELANCER, ROLE_CLIENT, or ROLE_UNSET when absent */
    int64_t created_at;  /* TS_NONE when absent */
    const char *country; /* claimed ISO code, NUL-terminated; NULL when absent */
} decode_account;

typedef struct {
    decode_str account, device, asn_org;
    const ipaddr *ip;
    int32_t session_s;      /* -1 when absent; at most GRAPH_SESSION_MAX */
    int remote_ua;          /* 1 when the user agent names a remote-desktop client */
    const char *ip_country; /* NULL when absent */
    int has_asn;
    uint32_t asn;
} decode_login;

typedef struct {
    decode_str freelancer, project, client, text;
    int8_t accepted; /* 1, 0, or -1 when absent */
} decode_bid;

typedef struct {
    decode_str client, freelancer, project;
    float stars;
} decode_rating;

typedef struct {
    decode_str account, dest, currency, method;
    double amount;
    const char *dest_country; /* NULL when absent */
} decode_payout;

typedef struct {
    decode_str client, freelancer, currency, instrument;
    double amount;
} decode_charge;

typedef struct {
    decode_str device, service;
    const ipaddr *ip; /* NULL when absent */
    uint16_t port;
} decode_port;

typedef struct {
    decode_str account, kind, value;
} decode_attr;

/* An account_ids row: external is another system's id of account. */
typedef struct {
    decode_str account, external, source;
} decode_account_id;

/* The typed event of one row: table says which member of u is set. */
typedef struct {
    table_id table;
    /* The row's event time: required in every event table; the optional
     * recording time of an attribute; TS_NONE for accounts or when absent. */
    int64_t ts;
    union {
        decode_account account;
        decode_login login;
        decode_bid bid;
        decode_rating rating;
        decode_payout payout;
        decode_charge charge;
        decode_port port;
        decode_attr attr;
        decode_account_id account_id;
    } u;
} decode_event;

/* Decodes the typed values of a row of table t (as table_read hands them to
 * its callback) into *out. Returns 0, or RS_E_VALUE when the row breaks a
 * rule across its columns, with *bad_col (the schema column to point at) and
 * err's message (the reason, as the bad-row report prints it) set; *out is
 * then unspecified. Borrows from vals; O(1). */
int decode_row(table_id t, const tvalue *vals, decode_event *out, int *bad_col, rs_error *err);

#endif
