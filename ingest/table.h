/* table.h - reads one input table (CSV or JSONL, optionally gzip) against the
 * schema, yielding typed rows and reporting bad rows with file:line:column.
 *
 * Header names match the contract exactly, case-insensitively, or through an
 * alias (ingest/schema.h); the CSV separator (, ; TAB |) is the one the header
 * line uses most. A bad value in an optional column is blanked and counted
 * (values_blanked), the row kept.
 *
 * Errors fall in two classes. A bad value in a required column (unparsable
 * timestamp, bad IP, negative amount, missing value, wrong field count) skips the row:
 * it is counted by reason, the first report_limit per file are printed as
 * "file:line:col: column: reason", and with opts.strict or past
 * opts.max_bad_rows it becomes fatal. Structural corruption (unbalanced or
 * unterminated quote, invalid UTF-8, NUL byte, truncated gzip, missing or
 * duplicate header column) is fatal at once: table_read returns a negative
 * code with the one-line message in err.
 *
 * Columns are 1-based byte offsets in the physical line.
 */
#ifndef RINGSCAN_TABLE_H
#define RINGSCAN_TABLE_H

#include "base/error.h"
#include "base/ipaddr.h"
#include "base/ts.h"
#include "ingest/mapping.h"
#include "ingest/schema.h"
#include "ingest/source.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *s; /* raw text (NUL-terminated, borrowed for the callback) */
    size_t n;
    int present; /* 0 when missing or empty */
    union {
        int64_t ts;
        ipaddr ip;
        uint64_t u;
        double d;
        int b;
        char cc[3];
        int role; /* ROLE_FREELANCER or ROLE_CLIENT */
    } v;
} tvalue;

/* Called once per valid row with values indexed by schema column. Returns 0 to
 * accept, RS_E_VALUE to reject it, setting *bad_col (schema column, or -1)
 * and the reason as err's message (err->code RS_E_VALUE; left unset, the
 * reason is "rejected"), or TABLE_ROW_SKIP to pass over a valid row on
 * purpose (outside the run's time window): counted in out_of_window,
 * neither loaded nor bad. */
#define TABLE_ROW_SKIP 1
typedef int (*table_row_fn)(void *ctx, const tvalue *vals, int *bad_col, rs_error *err);

#define TABLE_MAX_REASONS 24

typedef struct {
    uint64_t rows_read;     /* data rows seen */
    uint64_t rows_ok;       /* rows passed to the callback and accepted */
    uint64_t rows_bad;      /* rows skipped */
    uint64_t out_of_window; /* valid rows the callback passed over (TABLE_ROW_SKIP) */
    uint64_t raw_bytes;
    uint64_t text_bytes; /* after decompression */
    double seconds;
    char sha256[65];
    int gzip;
    int jsonl;
    struct {
        char reason[96];
        uint64_t count;
    } reasons[TABLE_MAX_REASONS];
    size_t nreasons;
    uint64_t reasons_other; /* bad rows whose reason did not fit the table */
    /* Bad values of optional columns: blanked, the row kept. */
    uint64_t values_blanked;
    struct {
        char reason[96];
        uint64_t count;
    } blanked[TABLE_MAX_REASONS];
    size_t nblanked;
    char unknown[256];   /* ignored columns, comma separated */
    char mapped[256];    /* header names read as other columns: "Header=column,..." */
    char delimiter;      /* CSV field separator found in the header line */
    uint64_t header_end; /* CSV: text offset just past the header record */
} table_stats;

/* Where a row lies: its whole record (text offset, length with its line
 * end, first line) and a 32-bit hash of the record's bytes. */
typedef struct table_rowpos {
    source_range at;
    uint32_t sum;
} table_rowpos;

typedef struct {
    int strict;
    uint64_t max_bad_rows; /* fatal when the run-wide count exceeds this */
    uint64_t *bad_total;   /* run-wide bad row counter (may be NULL) */
    int report_limit;      /* bad rows printed per file (20) */
    int progress;          /* draw a progress line on diag */
    FILE *diag;            /* warnings and bad-row reports; NULL = silent */
    /* When set, raw file bytes go to hash_sink (see source_open_sink) and
     * table_stats.sha256 is left for its owner to fill. */
    void (*hash_sink)(void *ctx, const void *data, size_t n);
    void *hash_ctx;
    /* When non-NULL, set to the first physical line of each row before the
     * row callback runs (for provenance: which line a row came from). */
    long *row_line;
    /* Extra header names (config `columns`), checked before the built-in
     * alias table. */
    const schema_alias *aliases;
    size_t naliases;
    /* Resource bounds, each fatal (RS_E_LIMIT) when passed; 0 = none. */
    source_limits lim;         /* decompressed size and gzip ratio of this file */
    uint64_t max_record_bytes; /* one CSV record, all its physical lines */
    uint64_t max_rss;          /* resident memory, checked every 64 Ki lines */
    /* When non-NULL, set to each row's whole record before the row callback
     * runs (see table_rowpos). */
    struct table_rowpos *row_pos;
    /* When set, only these ranges of a plain file are read
     * (source_open_ranges): the header record's range first (CSV), then whole
     * records; no SHA-256 is computed. */
    const source_range *ranges;
    size_t nranges;
    /* Placeholders read as blank besides the built-in ones (config
     * `null_values`; borrowed, compared exactly). See table_null_like. */
    const char *const *null_values;
    size_t nnull_values;
    /* When set (borrowed), each record (a CSV row as an object of header
     * name -> text, a JSONL line, a JSON array element) goes through this
     * mapping and each row it produces gets the checks a contract row gets;
     * the mapping's tally is restarted and its entries checked at the end
     * (mapping_finish_file, fatal). */
    mapping *map;
    /* When set, alias_used[i] is set to 1 when aliases[i] named a header of
     * this file (naliases bytes, owned by the caller). */
    unsigned char *alias_used;
    /* The latest time a row may hold (ms since the epoch): timestamps after
     * it or before TS_EARLIEST are bad values with their likely cause
     * (ts_check_range). TS_NONE checks no range (any year ts_parse takes);
     * INT64_MAX only TS_EARLIEST. */
    int64_t ts_latest;
} table_opts;

#define TABLE_MAX_RECORD_DEFAULT (64u << 20)

#define TABLE_OPTS_INIT                                                                            \
    {                                                                                              \
        0, 1000, NULL, 20, 0, NULL, NULL, NULL, NULL, NULL, 0, {0, 0, 0},                          \
            TABLE_MAX_RECORD_DEFAULT, 0, NULL, NULL, 0, NULL, 0, NULL, NULL, TS_NONE               \
    }

/* Whether s[0..n) is a placeholder for "no value" in a column of the given
 * type (README "Null-like values"): `NULL`, `null`, `\N`, `None`, `N/A`, `-`
 * (case-insensitive but `\N`), `NA` except in a country column (Namibia), an
 * all-zero id (`0`, `000000`, the nil UUID) in an id column, an empty or
 * all-blank value, or one of the extra[0..nextra) strings exactly. Spaces and
 * tabs around the value are ignored. COL_IGNORED and COL_AGENT columns are
 * never null-like: they are not analysed, or only for a client's name. Every converter sees a value only after this test,
 * so a placeholder is never a shared resource. O(n + total length of extra). */
int table_null_like(col_type type, const char *s, size_t n, const char *const *extra,
                    size_t nextra);

/* Refuses what is not UTF-8 text, given a file's first line s[0..n), with
 * the fix: UTF-16 (by its byte-order mark, or NULs in every other byte of
 * ASCII text). Returns RS_OK, or RS_E_FORMAT with err set (line 1, col 1).
 * Every reader of a text file an operator hands in uses it, so a file saved
 * by a spreadsheet gets one message whatever reads it. */
int table_check_encoding(const char *s, size_t n, const char *display, rs_error *err);

/* File formats for table_read's fmt (its old `jsonl` flag keeps its
 * values): CSV with the separator sniffed, JSON Lines, one JSON document (an
 * array of records streamed element by element, each with the line it starts
 * on; or one object: a single record, or with a mapping's `records` path the
 * object holding the array), and CSV separated by TAB. */
enum { TABLE_FMT_CSV = 0, TABLE_FMT_JSONL = 1, TABLE_FMT_JSON = 2, TABLE_FMT_TSV = 3 };

/* The first record of path in format fmt as a new JSON object in *out (a
 * CSV file's header names each mapped to ""), or *out NULL when the file has
 * none; what discovery offers to vendor_recognise. Reads only as far as that
 * record. Returns RS_OK, or a negative RS_E_* with err set (unreadable file,
 * not JSON, not UTF-8). */
int table_first_record(const char *path, const char *display, int fmt, json_t **out, rs_error *err);

/* Reads path (shown as display in messages) as table tid. jsonl is the
 * format (TABLE_FMT_*). fn may be NULL (validate only). Returns RS_OK or a negative RS_E_*
 * with err filled; st is filled either way. */
int table_read(const char *path, const char *display, table_id tid, int jsonl,
               const table_opts *opts, table_row_fn fn, void *ctx, table_stats *st, rs_error *err);

#endif
