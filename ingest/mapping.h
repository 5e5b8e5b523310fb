/* mapping.h - source mappings: how a file that is not in the contract's own
 * shape (a vendor's export, a database dump) becomes rows of a contract table.
 *
 * A mapping is a JSON object in the mapping language (docs/loading.md,
 * "The mapping language"). The same language describes the built-in vendor
 * sources (ingest/vendor.c: Auth0, Okta, Stripe, PayPal) and the mappings an
 * operator writes in the config's `sources` array, so that what a vendor field
 * means is written once, in one form, and checked by the same code.
 *
 * A record is what one input row is before mapping: a JSON object (a JSONL
 * line, an element of a JSON array) or a CSV row presented as an object of
 * strings keyed by header name (or by the mapping's `columns` for a file
 * without a header). mapping_apply turns one record into zero or more rows of
 * the mapping's table: zero when a `where` filter or the rating `direction`
 * leaves it out (counted by reason), several when `attributes` melts a wide
 * row into one identity attribute per listed column ("wide to long").
 *
 * Language summary (docs/loading.md is the reference):
 *
 *   {
 *     "name":   "pg-logins",              shown in messages and run.json
 *     "table":  "logins",                 the contract table produced
 *     "files":  ["logins_*.csv"],         config only: file names it reads (globs,
 *                                         matched against the name in the input
 *                                         folder or in a table folder)
 *     "format": "csv"|"tsv"|"jsonl"|"json", optional; else by suffix/content
 *     "header": true,                     CSV: false means "columns" names the fields
 *     "columns": ["id", "ts", ...],       names of a headerless file's fields
 *     "escapes": "backslash",             CSV/TSV in a database's text form (MySQL
 *                                         INTO OUTFILE, mysql --batch): no field is
 *                                         quoted, so '"' is text; \t \n \r \b \Z \\
 *                                         are decoded, \x is x, a field \N stays
 *                                         \N (NULL) and a \0 (NUL) is dropped
 *     "records": "items",                 json: path of the array of records inside
 *                                         one document ({"items": [...]})
 *     "null_values": ["\\N", "NULL"],     extra placeholders in this source
 *     "where": [                          every entry must hold for a row to count
 *       {"path": "type", "equals": "s"},
 *       {"path": "outcome.result", "in": ["SUCCESS"]},
 *       {"path": "deleted_at", "is_null": true},
 *       {"path": "user_id", "not_null": true}
 *     ],
 *     "direction": {"path": "reviewer_role", "keep": ["client"]},   ratings only
 *     "fields": {                         contract column -> value
 *       "account_id": "user_id",          a path (shorthand for {"path": ...})
 *       "ip": {"path": ["client.ipAddress", "ip"]},  first present path wins
 *       "ts": {"path": "created", "time": "epoch_seconds"},
 *       "ts": {"path": "at", "time": "dd.mm.yyyy HH:MM", "utc_offset": "+01:00"},
 *       "amount": {"path": "amount", "minor_units": "currency"},  by the row's currency
 *       "amount": {"path": "amount", "minor_units": 2},
 *       "amount": {"path": "betrag", "decimal_comma": true},
 *       "accepted": {"path": "accepted", "bool": {"true": ["t"], "false": ["f"]}},
 *       "method": {"path": "type", "values": {"bank_account": "bank", "card": "card"}},
 *       "role": {"const": "client"},
 *       "ip_country": {"path": "geo.cc", "optional": true},  may match nothing
 *       "display_name": {"concat": ["first_name", "last_name"], "sep": " "}
 *     },
 *     "attributes": {                     attributes table only: wide to long;
 *       "name":  {"concat": ["first_name", "last_name"], "sep": " "},  kind -> value
 *       "email": "email_address"          (fields gives account_id, ts, source)
 *     }
 *   }
 *
 * Paths: a dotted path walks nested objects ("actor.id"); at each step the
 * whole rest of the path is first tried as one literal key, so a CSV header
 * or JSON key that itself contains dots ("actor.id" in a flattened export)
 * still matches. An array step takes a numeric index ("targets.0.id").
 * Time formats: "iso8601" (the contract's forms, base/ts.h; the default),
 * "epoch_seconds", "epoch_ms", "excel_serial" (days since 1899-12-30, the
 * 1900 date system), or a pattern of dd mm yyyy HH MM SS and literal
 * separators. A value carrying its own offset (+00, -05, +05:30, Z) keeps it;
 * "utc_offset" applies to values without one. minor_units shifts the decimal
 * point in the text (exact, no floating point): "currency" takes the ISO 4217
 * exponent of the row's `currency` field (0 for JPY, 3 for KWD, 2 otherwise;
 * the table is in mapping.c with its source).
 *
 * Every mapping entry must match: a path (in fields, where, direction,
 * attributes) that no record of a file contains is an error naming the
 * mapping, the entry and the file, reported by mapping_finish_file. A
 * mapping that is not valid (unknown key, unknown column, a transform on the
 * wrong column type, a bad time pattern) is an error from mapping_compile
 * naming the config file and the JSON path of the bad entry.
 */
#ifndef RINGSCAN_MAPPING_H
#define RINGSCAN_MAPPING_H

#include "base/error.h"
#include "ingest/schema.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mapping mapping;

/* Compiles spec (borrowed; not kept) into *out. where names the spec in
 * messages ("ringscan.json: sources[2]" or "vendor auth0"). Returns RS_OK,
 * or RS_E_CONFIG with err naming where and the JSON path of the bad entry. */
int mapping_compile(const json_t *spec, const char *where, mapping **out, rs_error *err);
void mapping_free(mapping *m);

const char *mapping_name(const mapping *m);
/* The spec it was compiled from as compact JSON with sorted keys (borrowed):
 * what a summary of a file read through it is keyed by (ingest/summary.h). */
const char *mapping_spec_text(const mapping *m);
table_id mapping_table(const mapping *m);
/* "csv", "tsv", "jsonl", "json" or NULL (not fixed by the mapping). */
const char *mapping_format(const mapping *m);
/* CSV: 0 when the file has no header line and mapping_columns names its
 * fields in order (borrowed, n set). */
int mapping_header(const mapping *m);
const char *const *mapping_columns(const mapping *m, size_t *n);
/* CSV: 1 when the file is in a database's text form ("escapes":
 * "backslash"): the reader takes no quotes and decodes each field with
 * mapping_unescape. */
int mapping_backslash_escapes(const mapping *m);
/* Decodes the backslash escapes of s[0..n) into out (at least n bytes; the
 * decoded text is never longer) and returns its length. "\N" alone is kept
 * as it is, for the null-like check. O(n). */
size_t mapping_unescape(const char *s, size_t n, char *out);
/* json: the path of the records array inside one document, or NULL. */
const char *mapping_records(const mapping *m);
/* The source's own placeholders (borrowed, n set): values equal to one of
 * them are absent, before any transform. */
const char *const *mapping_null_values(const mapping *m, size_t *n);
/* How many `files` globs the mapping has (0: it reads no file by name). */
size_t mapping_file_globs(const mapping *m);
/* The value at a dotted path in root (borrowed from root), or NULL: the
 * path rule above (literal key first, then nested, numeric array steps). */
const json_t *mapping_path_get(const json_t *root, const char *path);
/* 1 when the mapping's `files` globs match name (a name as the input folder
 * shows it: "auth0.json" or "logins/day1.csv"). */
int mapping_matches_file(const mapping *m, const char *name);

/* One produced row: text values indexed by the table's schema column, each
 * s == NULL when absent. The strings are owned by the mapping and valid
 * until the next mapping_apply on it. Numbers taken from JSON are written in
 * their shortest round-trip form ("3733.66"), minor units shifted exactly. */
typedef struct {
    const char *s[SCHEMA_MAX_COLS];
    size_t n[SCHEMA_MAX_COLS];
} mapping_row;

/* Called once per produced row; a non-zero return stops mapping_apply and is
 * returned by it. */
typedef int (*mapping_emit_fn)(void *ctx, const mapping_row *row);

/* Maps one record (borrowed). Rows left out by `where` or `direction` are
 * counted in the mapping's per-file tally (mapping_tally). A value a
 * transform cannot read (a time not in its pattern) is handed on as its raw
 * text so that the table reader reports it as a bad value with its column.
 * Returns 0, or emit's non-zero return. */
int mapping_apply(mapping *m, const json_t *record, mapping_emit_fn emit, void *ctx);

/* Rows left out of the current file, by reason ("type is 'f'",
 * "reviewer_role is 'freelancer'", "deleted_at is not null"), in first-seen
 * order; at most MAPPING_MAX_REASONS reasons, the rest summed in other. */
#define MAPPING_MAX_REASONS 24
typedef struct {
    uint64_t records; /* records seen */
    uint64_t rows;    /* rows produced */
    uint64_t left_out;
    struct {
        char reason[96];
        uint64_t count;
    } reasons[MAPPING_MAX_REASONS];
    size_t nreasons;
    uint64_t other;
} mapping_tally;
const mapping_tally *mapping_tally_of(const mapping *m);

/* Starts a file: clears the tally and the per-entry match marks. */
void mapping_start_file(mapping *m);
/* Ends a file: when it had records, a path entry that matched none of them
 * is an RS_E_SCHEMA error naming the mapping, the entry and display. */
int mapping_finish_file(mapping *m, const char *display, rs_error *err);

#endif
