/* load.h - finds the tables in an input directory and loads them into a graph.
 *
 * A table is one file or many. Its files are, in the input directory,
 * NAME.csv, NAME.jsonl, NAME.csv.gz or NAME.jsonl.gz, partitions named
 * NAME.<anything>.csv (and the other three endings), and every file with one
 * of those endings inside a folder NAME/ (shown as NAME/<file>; hidden files
 * skipped, no recursion, other entries listed as ignored). A folder and files
 * beside it may be mixed. Each table's files are read in byte-wise order of
 * their shown names ('.' sorts before '/', so NAME.csv and NAME.<x>.csv come
 * before NAME/...), tables in schema order (accounts first), which with
 * first-seen interning makes ids, and so every output, deterministic. The one
 * ambiguity refused is one partition in two forms (NAME.csv beside
 * NAME.csv.gz, or logins/a.csv beside logins/a.jsonl): the same name before
 * the format ending. Other files are listed as ignored. The account_ids
 * table is the exception to schema order: its files come first, so that
 * every other table's account ids are translated (ingest/accountids.h).
 *
 * Besides .csv and .jsonl, a table's file may be .tsv or .txt (CSV family,
 * the separator sniffed; .txt only directly in the input folder), .ndjson
 * (JSON Lines) or .json (an array of records, or one object), each
 * optionally .gz. A file is read, in this order: (a) through the config
 * mapping whose `files` globs match it; (b) as the table it is named for
 * (a .json/.jsonl/.ndjson whose first record has no column of that table but
 * a vendor's shape is read as that vendor); (c) not named for a table, as the
 * vendor its first record is recognised as (ingest/vendor.h); (d) otherwise
 * a file with a data ending in the input folder is an error naming it and
 * what was expected (docs/loading.md, "How a file is read").
 *
 * A time window (load_window) drops event rows outside [since, until) in both
 * passes over the inputs; accounts are never filtered.
 */
#ifndef RINGSCAN_LOAD_H
#define RINGSCAN_LOAD_H

#include "graph/graph.h"
#include "base/ts.h"
#include "ingest/accountids.h"
#include "ingest/decode.h"
#include "ingest/rowindex.h"
#include "ingest/summary.h"
#include "ingest/table.h"
#include "model/attrs.h"

/* What identifies a file's contents without reading them. */
typedef struct {
    uint64_t size, ino;
    int64_t mtime_ns;
} load_file_id;

/* Fills *id from stat(path). Returns 0, or -1 (then *id is zeroed). */
int load_file_stat(const char *path, load_file_id *id);
/* 1 when a and b are the same. */
int load_file_same(const load_file_id *a, const load_file_id *b);

typedef struct {
    table_id table;
    char *path; /* owned */
    char *name; /* as shown in messages and evidence: "logins.csv", "logins/a.csv"; owned */
    int jsonl;  /* the format: TABLE_FMT_* (0 CSV, 1 JSONL as before) */
    /* The mapping the file is read through (owned), or NULL for the
     * contract's own columns; vendor is 1 when it was recognised by content.
     * tally is the mapping's count for this file, kept after the load. */
    mapping *map;
    int vendor;
    mapping_tally tally;
    int status; /* RS_OK or the table_read code */
    table_stats st;
    /* The file as found before the first pass: the evidence pass, which
     * reads only some of its rows, refuses it if this changed. */
    load_file_id id;
    /* Event rows at or after the window's end (a subset of st.out_of_window):
     * rows from the future of the run, counted apart because they point at
     * a wrong clock or a wrong export rather than at history left out. */
    uint64_t future;
    /* A byte-identical copy (same table, same SHA-256) of the earlier file
     * dup_of: re-delivered partitions are read once, so this one is not
     * read by either pass (load_find_duplicates). */
    int dup;
    size_t dup_of;
    /* With a summary cache: 1 when the rows came from the file's summary
     * (ingest/summary.h) instead of parsing it; summary_bytes is the
     * summary's size. cache_path is the resolved path the cache's index
     * knows the file by (owned; NULL until needed). */
    int from_summary;
    uint64_t summary_bytes;
    char *cache_path;
} load_file;

/* Event rows are loaded when since <= ts < until (milliseconds; TS_NONE
 * leaves that side open). LOAD_WINDOW_ALL keeps everything. */
typedef struct {
    int64_t since, until;
} load_window;

#define LOAD_WINDOW_ALL                                                                            \
    {                                                                                              \
        TS_NONE, TS_NONE                                                                           \
    }

typedef struct {
    char *dir;
    load_file *files; /* owned; sorted by table, then by name */
    size_t nfiles;
    char **ignored; /* owned names, as shown (a folder's as "logins/x") */
    size_t nignored;
    uint64_t bad_total;
    uint64_t out_of_window_total; /* event rows outside window, all files */
    uint64_t future_total;        /* of which at or after the window's end */
    size_t ndups;                 /* files skipped as byte-identical copies */
    load_window window;           /* set before load_tables; read by both passes */
    /* Header names from the config's `columns` (borrowed): both passes over
     * the inputs read the headers the same way. */
    const schema_alias *aliases;
    size_t naliases;
    /* Extra placeholders from the config's `null_values` (borrowed): both
     * passes blank the same values. */
    const char *const *null_values;
    size_t nnull_values;
    /* Which aliases named a header of a file read by load_tables (owned,
     * naliases bytes; allocated by it): see load_check_aliases. */
    unsigned char *alias_used;
    /* The latest time a row may hold (table_opts.ts_latest; INT64_MAX after
     * load_scan: TS_EARLIEST alone): both passes refuse the same rows. */
    int64_t ts_latest;
    /* When set (borrowed), load_tables records where each loaded row lies,
     * for the evidence pass (replay_run). */
    rowindex *index;
    /* The account_ids map and the account id tallies, made by load_tables
     * (owned; NULL before it): both passes translate account ids with it. */
    accountids *ids;
    /* When set (borrowed), load_tables serves each unchanged file from its
     * summary and summarises the files it parses; load_find_duplicates takes
     * known digests from it. NULL: every file is parsed, as always. */
    summary_cache *cache;
} load_set;

/* Scans dir (and its table folders). Returns RS_OK, or RS_E_IO / RS_E_SCHEMA
 * with err set (directory or table folder unreadable, one partition in two
 * forms, no table at all). The window is LOAD_WINDOW_ALL. Free with
 * load_set_free (also after an error). */
int load_scan(load_set *set, const char *dir, rs_error *err);
/* load_scan with the config's `sources` (borrowed array of mapping specs,
 * already checked by mapping_compile; NULL for none) for step (a); where
 * names the config in messages. An unrecognised data file is RS_E_SCHEMA. */
int load_scan_sources(load_set *set, const char *dir, const json_t *sources, const char *where,
                      rs_error *err);
/* The source a file was read as: "contract", or its mapping's name. */
const char *load_file_source(const load_file *f);
void load_set_free(load_set *set);

/* Marks each file that is a byte-identical copy of an earlier file of the
 * same table (dup, dup_of, and st.sha256 filled), so both passes read it
 * once: a partition delivered twice under two names would otherwise count
 * every event twice. Only files whose size equals another file's of the
 * same table are hashed, so distinct partitions cost a stat each (with a
 * summary cache, a file whose size and modification time its index knows
 * takes the digest recorded there instead). Returns
 * RS_OK, or RS_E_IO with err set when a candidate cannot be read. */
int load_find_duplicates(load_set *set, rs_error *err);

/* After load_tables: a config `columns` entry (set->aliases[i], written as
 * given[i]) that named no header of any file of its table (of any table for
 * "*") read with the contract's columns is RS_E_SCHEMA with err naming it;
 * a dotted name is pointed at `sources` mappings, since the columns rule
 * reads "actor.id" as the header actor_id, not as a path. Tables without
 * such a file are not judged. */
int load_check_aliases(const load_set *set, const char *const *given, rs_error *err);

/* 1 when the decoded row e lies in w (accounts and attributes always do). */
int load_in_window(const load_window *w, const decode_event *e);

/* Reads every file into g (g may be NULL to validate only), account_ids
 * first into set->ids (an external id mapped to two accounts is that file's
 * fatal RS_E_SCHEMA), every other table's account ids translated through
 * it and tallied (accountids_load_row); rows outside
 * set->window skipped and counted in each file's st.out_of_window and in
 * set->out_of_window_total (those at or after its end also in future and
 * future_total); files marked dup are not read. With set->cache, a file
 * whose size and modification time match the cache's index and whose
 * summary is sound is not read: its summary's rows go through the same
 * translation, checks, window, graph and row index as parsed rows would;
 * every file parsed with no bad row, blanked value or ignored column is
 * summarised (docs/reduced.md). With
 * keep_going, each file's fatal error is printed to opts->diag as it happens
 * and the next file is read (validate); the first is also returned in err.
 * Otherwise the first fatal error is returned, unprinted. */
int load_tables(load_set *set, rs_graph *g, const table_opts *opts, int keep_going, rs_error *err);

/* Decodes a typed row of table t into *out (decode.h) with the loader's own
 * row checks beyond the column types (the decoder's, and an attribute value
 * malformed for its kind): 0 when the row would be loaded, else RS_E_VALUE.
 * Lets a second pass over the inputs see exactly the rows the graph was
 * built from, decoded as the loader decoded them. *out borrows from vals. */
int load_check_row(table_id t, const tvalue *vals, decode_event *out);

/* Whether a payout with method method[0..mn) (NULL: absent) into destination
 * id[0..n) goes to a crypto wallet: the method is "crypto" (any case), or the id
 * has a wallet's shape - bitcoin "bc1" and 11-87 bech32 characters, or "1" or "3"
 * and 26-35 characters in all; ethereum "0x" and 40 hex digits; tron "T" and 34
 * characters in all - the base58 shapes in bitcoin's alphabet and with both
 * letter cases, which a bank account number or an upper-case reference lacks.
 * Pure; never reads past n. */
int load_payout_crypto(const char *method, size_t mn, const char *id, size_t n);

/* Room for an attribute's normalised value (load_attr_value). */
#define LOAD_ATTR_MAX (2 * SCHEMA_MAX_TEXT + 64)

/* The kind (*kind) and normalised value (into out, LOAD_ATTR_MAX bytes) of a
 * decoded attributes row, as the loader stores it: phones without a calling
 * code take the claimed country of account a (GRAPH_NONE, or g NULL: none).
 * Returns the value's length, 0 when it normalises to nothing, or -1 with the
 * reason in err (NULL: not kept) when it is malformed for its kind. The
 * evidence pass finds the loaded value with it. */
int load_attr_value(const rs_graph *g, uint32_t a, const decode_attr *at, attr_kind *kind,
                    char *out, rs_error *err);

#endif
