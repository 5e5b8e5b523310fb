/* summary.h - per-file summaries of the inputs, kept in a cache directory, so
 * that a nightly run over a sliding window parses only the files that are
 * new or changed.
 *
 * A summary is the exact, lossless reduction of one input file to what the
 * loader takes from it: every row that passed the row checks, before the
 * time window is applied, as its typed values (what the row pipe carries to
 * the graph thread), with the row's position in the file (for the row index
 * the evidence pass reads through), plus the file's counts, format facts,
 * mapping tally and the config aliases it used. The loader feeds a summary's
 * rows through the same path as parsed rows (account id translation, row
 * checks, window, row pipe, row index), in the same order, so the graph and
 * every output are what parsing the file would have given.
 *
 * Files: DIR/<sha256 of the input>-<parameter digest>.rsum, one per input
 * content and parameters, and DIR/index, which maps an input path to the
 * size, modification time and SHA-256 it had when last read and the summary
 * made of it. A file whose size and modification time match its entry is
 * not read at all; any other file is read, hashed and summarised again.
 * Layout, key and what invalidates a summary: docs/reduced.md.
 *
 * Every summary is written to a temporary file and renamed into place; a
 * summary that is damaged, truncated, of another format version or of other
 * parameters is detected by its header and body checksum (zlib's crc32) and
 * rebuilt from its input. Nothing here is fatal to a run: a cache that
 * cannot be written only costs the next run its reads.
 *
 * Threads: one thread (the loader's parsing thread) uses a cache at a time.
 */
#ifndef RINGSCAN_SUMMARY_H
#define RINGSCAN_SUMMARY_H

#include "base/sha256.h"
#include "ingest/mapping.h"
#include "ingest/schema.h"
#include "ingest/table.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The format of a summary and of how rows are read into one. Bump it with
 * any change to the reader, the typed values, the row checks or this
 * layout: a summary of another version is rebuilt, never read. */
#define SUMMARY_FORMAT 1

/* A file modified less than this long (ns) before it was looked at may
 * still be being written, or be rewritten within the same clock tick (the
 * "racily clean" case of git's index): its entry is not kept, so the next
 * run reads it again. Exports land long before the night's run. */
#define SUMMARY_RACY_NS (INT64_C(2) * 1000000000)

/* Hex digits of the parameter digest in a summary's name. */
#define SUMMARY_PARAMS_HEX 16

typedef struct summary_cache summary_cache;

/* What, besides a file's bytes, decides which rows pass and their values:
 * every summary's key digests these. The run's clock and time window are
 * not among them: the window is applied when a summary is read, and the
 * latest time any kept row holds is checked against the run's limit. */
typedef struct {
    const schema_alias *aliases; /* config `columns` (borrowed) */
    size_t naliases;
    const char *const *null_values; /* config `null_values` (borrowed) */
    size_t nnull_values;
    int ts_checked; /* times are range-checked (table_opts.ts_latest not TS_NONE) */
    int strict;
    double max_ratio;          /* table_opts.lim.max_ratio */
    uint64_t max_record_bytes; /* table_opts.max_record_bytes */
} summary_params;

/* A file's facts beside its rows: what table_read reported and the loader
 * keeps. */
typedef struct {
    table_stats st; /* rows_read, raw_bytes, text_bytes, gzip, jsonl, mapped,
                       delimiter, header_end; the rest zero */
    int has_tally;
    mapping_tally tally;
    /* Which config aliases named a header of the file (naliases bytes;
     * borrowed from the summary when read). */
    const unsigned char *alias_used;
    size_t naliases;
    int64_t max_ts; /* the latest time value of any row kept, or TS_NONE */
    uint64_t nrows; /* rows kept */
} summary_facts;

/* How the cache served a run, for run.json. */
typedef struct {
    uint64_t files_summarised; /* inputs served from a summary */
    uint64_t files_read;       /* inputs parsed */
    uint64_t input_bytes_read; /* raw bytes of the parsed inputs */
    uint64_t summary_bytes;    /* bytes of the summaries read */
    uint64_t written;          /* summaries written */
    uint64_t rebuilt;          /* of which replaced a damaged or foreign one */
    uint64_t pruned;           /* summaries deleted: their input is gone */
    uint64_t write_failures;   /* summaries that could not be written */
} summary_counts;

/* Opens (creating it and its parents) the cache in dir, reading its index;
 * notes (a damaged index, a cache that cannot be written) go to diag (may be
 * NULL). p is copied in digest form, its arrays need not outlive the call.
 * Never NULL: an unusable directory gives a cache that summarises nothing.
 * Free with summary_cache_close. */
summary_cache *summary_cache_open(const char *dir, const summary_params *p, FILE *diag);

/* The parameter digest of a file of table t, format fmt (TABLE_FMT_*), read
 * through the mapping whose spec is map_spec (NULL: the contract), as
 * SUMMARY_PARAMS_HEX hex digits and a NUL. */
void summary_cache_key(const summary_cache *c, table_id t, int fmt, const char *map_spec,
                       char out[SUMMARY_PARAMS_HEX + 1]);

/* When the index holds path with this size and modification time (and its
 * entry is not racy), its SHA-256 into sha (65 bytes) and the name of its
 * summary, or "" (none: the file had diagnostics), into *summary (borrowed
 * from c); returns 1. Else 0. */
int summary_cache_known(const summary_cache *c, const char *path, uint64_t size, int64_t mtime_ns,
                        char *sha, const char **summary);

/* A summary being read: the whole file in one buffer, which the row values
 * point into. Reused from file to file; free with summary_view_free. */
typedef struct {
    unsigned char *buf;
    size_t len, cap;
    const unsigned char *rows, *rows_end, *next;
    summary_facts facts;
} summary_view;

/* Reads the summary named name (a file name in the cache) for the input
 * whose SHA-256 is sha and parameter digest is key, of table t. Returns 0
 * with v ready (facts set, rows from the first); -1 when it is absent,
 * damaged, truncated, of another format or key, with the reason in why
 * (whylen bytes). Never reads the input. */
int summary_view_load(summary_cache *c, const char *name, const char *sha, const char *key,
                      table_id t, summary_view *v, char *why, size_t whylen);
/* The next row of table t into vals (strings borrowed from v, NUL-ended),
 * its position into *pos; returns 1, or 0 after the last. The rows were
 * checked by summary_view_load. */
int summary_view_next(summary_view *v, table_id t, tvalue *vals, table_rowpos *pos);
/* Back to the first row. */
void summary_view_rewind(summary_view *v);
void summary_view_free(summary_view *v);

/* A summary being written while its input is read. */
typedef struct summary_writer summary_writer;

/* Starts a summary of a file of table t with parameter digest key (copied),
 * in a temporary file of the cache. NULL when it cannot be created (noted
 * once on the cache's diag). */
summary_writer *summary_writer_new(summary_cache *c, table_id t, const char *key);
/* Appends a row that passed the row checks (before the window; raw account
 * ids), with its position. */
void summary_writer_row(summary_writer *w, const tvalue *vals, const table_rowpos *pos);
/* Ends the body with the file's facts (max_ts and nrows are the writer's
 * own) and closes it. Returns 0, or -1 after a write error (the writer is
 * then spent: summary_writer_abort). */
int summary_writer_end(summary_writer *w, const summary_facts *facts);
/* Names the summary by the input's SHA-256, writes its header and renames
 * it into place; records path (size, modification time) in the index.
 * Frees w. Returns 0, or -1 (noted; nothing kept). */
int summary_writer_commit(summary_writer *w, const char *path, uint64_t size, int64_t mtime_ns,
                          const char *sha);
/* Drops the temporary file and frees w. Accepts NULL. */
void summary_writer_abort(summary_writer *w);

/* Records that path (with this size, modification time and SHA-256) was
 * used this run: served by the summary name (borrowed), or read with no
 * summary kept (name NULL; read again next time). */
void summary_cache_record(summary_cache *c, const char *path, uint64_t size, int64_t mtime_ns,
                          const char *sha, const char *name);

/* The cache's counts so far (borrowed, writable by the loader). */
summary_counts *summary_cache_counts(summary_cache *c);
/* The cache's directory (borrowed). */
const char *summary_cache_dir(const summary_cache *c);

/* Writes the index: this run's entries, and earlier ones whose input still
 * exists. With prune, deletes the summaries no entry names (their input is
 * gone or changed) and stale temporary files. The final counts into
 * *counts (may be NULL). Frees c; accepts NULL. */
void summary_cache_close(summary_cache *c, int prune, summary_counts *counts);

#endif
