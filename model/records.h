/* records.h - the kinds of input record ringscan reads, and one input record
 * as evidence.
 *
 * The input contract (ingest/schema.c) says how each kind of record is
 * written in a file; this header only names the kinds, so that detectors,
 * the findings and the writers can speak of "a login" or "the ratings table"
 * without knowing a file format.
 *
 * A source_row is one input row as a second pass over the inputs yields it:
 * where it came from (file, digest, line), its time, its columns as written,
 * and the graph entities it names resolved to ids. ingest produces them,
 * evidence selection (algorithms/evsel.c) decides which ring and which flag
 * each one proves, and the evidence writers print them. Everything a
 * source_row points to is borrowed for the duration of one callback.
 */
#ifndef RINGSCAN_RECORDS_H
#define RINGSCAN_RECORDS_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TABLE_ACCOUNTS,
    TABLE_LOGINS,
    TABLE_BIDS,
    TABLE_RATINGS,
    TABLE_PAYOUTS,
    TABLE_CHARGES,
    TABLE_PORTS,
    TABLE_ATTRIBUTES, /* identity attributes: account_id, kind, value (no event time) */
    /* Other systems' ids of the platform's accounts: account_id, external_id.
     * Not events: read before every other table (ingest/accountids.h), last
     * here so that the other tables keep their numbers. */
    TABLE_ACCOUNT_IDS,
    TABLE_COUNT
} table_id;

/* The most columns a table of the contract has. */
#define RECORDS_MAX_COLS 16

/* "accounts", "logins", ...: the table's name in the input contract. */
const char *records_table_name(table_id t);

/* One column of a row, as written. */
typedef struct {
    const char *name; /* contract column name (static) */
    const char *s;    /* value as written, NUL-terminated */
    size_t n;
    int ucol; /* position among the union of all tables' columns (see
                 replay_union_columns); the evidence CSV's column */
} record_col;

/* The account columns a row can name: account_id, freelancer_id, client_id. */
#define RECORDS_MAX_ACCOUNTS 3

typedef struct {
    table_id table;
    const char *file;    /* file name as shown in messages */
    const char *sha256;  /* the file's SHA-256 (hex) */
    long line;           /* first physical line of the row */
    int64_t ts;          /* the row's timestamp (created_at for accounts), UTC ms, or TS_NONE */
    const char *ts_text; /* that timestamp as written, or NULL */
    size_t ts_len;
    record_col cols[RECORDS_MAX_COLS]; /* the present columns other than the timestamp,
                                          in contract order */
    size_t ncols;
    /* Accounts named by the row, in column order, resolved in the graph
     * (GRAPH_NONE for an id the graph does not hold). */
    uint32_t accounts[RECORDS_MAX_ACCOUNTS];
    size_t naccounts;
    /* The row as the graph event it was loaded as, ids resolved the same way
     * (GRAPH_NONE when unknown); the member matching table is valid. */
    union {
        login_ev login;
        bid_ev bid;
        rating_ev rating;
        payout_ev payout;
        charge_ev charge;
        port_ev port;
    } ev;
    /* An attributes row: its kind (attr_kind) and normalised value, an id of
     * graph.ident; a bids or accounts row with a text: the text, an id of
     * graph.texts. GRAPH_NONE otherwise. */
    uint32_t attr_value, text;
    uint8_t attr_kind;
} source_row;

#endif
