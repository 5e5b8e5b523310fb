/* accountids.h - one account, one id: the account_ids table's map from the
 * ids other systems give an account (an identity provider's user id, a
 * payment provider's connected account) to the platform's own account id,
 * and the tally of event ids that are neither.
 *
 * Logins exported by Okta name `00u...` users, the database's bids name
 * `u_...` accounts: loaded as they are, one person is two accounts and a
 * ring is reported under ids the platform does not know. The map is applied
 * to every account-naming column (schema_is_account_col) of every table but
 * account_ids itself, on the typed values of a row, before anything reads
 * them: both passes over the inputs (load.c, replay.c) translate with
 * accountids_translate, so the graph, the row index and the evidence all
 * see the platform id. docs/loading.md, "One account, one id", has the rules.
 *
 * Representation: interned external ids, each with the interned platform id
 * it maps to and the file and line that said so; the ids the accounts table
 * lists; the event ids that are neither, with the last file each was seen
 * in (so a file counts an id once). Lookups outnumber inserts by far: one
 * hash lookup per account column of a row, none when the map is empty.
 *
 * Threads: the loader's parsing thread owns the object while it reads
 * (accountids_add, accountids_load_row); afterwards it is read only
 * (accountids_translate, the stats), from any thread.
 */
#ifndef RINGSCAN_ACCOUNTIDS_H
#define RINGSCAN_ACCOUNTIDS_H

#include "base/error.h"
#include "ingest/decode.h"
#include "ingest/table.h"

#include <stddef.h>
#include <stdint.h>

typedef struct accountids accountids;

/* The events name a second id space when at least ACCOUNTIDS_SECOND_MIN
 * distinct ids absent from accounts (and from the map) appear, and at least
 * one for every ACCOUNTIDS_SECOND_PER accounts the accounts table lists. A
 * few unknown ids are deleted accounts or a late accounts export; one in ten
 * is another system's ids. */
#define ACCOUNTIDS_SECOND_MIN 20
#define ACCOUNTIDS_SECOND_PER 10

#define ACCOUNTIDS_EXAMPLES 3

/* One input file's account ids. The example strings are borrowed from the
 * map and live as long as it. */
typedef struct {
    uint64_t mapped;      /* values translated through account_ids */
    uint64_t unknown;     /* values naming an id neither mapped nor in accounts */
    uint64_t unknown_ids; /* distinct such ids in this file */
    const char *examples[ACCOUNTIDS_EXAMPLES]; /* the first of them, in file order */
    size_t nexamples;
} accountids_file;

/* The whole run's. */
typedef struct {
    uint64_t mappings; /* distinct external ids mapped */
    uint64_t listed;   /* distinct ids the accounts table lists */
    uint64_t unlisted; /* distinct platform ids of the map absent from accounts */
    const char *unlisted_examples[ACCOUNTIDS_EXAMPLES];
    size_t nunlisted_examples;
    uint64_t unknown_ids; /* distinct event ids neither mapped nor listed, all files */
    const char *examples[ACCOUNTIDS_EXAMPLES];
    size_t nexamples;
    int second_space; /* the rule of ACCOUNTIDS_SECOND_MIN and _PER holds */
} accountids_summary;

/* A new, empty map with per-file tallies for nfiles input files. Never NULL
 * (aborts on OOM); free with accountids_free, which accepts NULL. */
accountids *accountids_new(size_t nfiles);
void accountids_free(accountids *m);

/* Adds one account_ids row (e: a decoded TABLE_ACCOUNT_IDS row; file and
 * line are where it was read; file is borrowed and must outlive m). The same
 * pair twice is one mapping; an external id equal to its account id maps to
 * itself. Returns RS_OK, or RS_E_SCHEMA with err naming both lines when the
 * external id already maps to another account. O(length of the ids). */
int accountids_add(accountids *m, const decode_account_id *e, const char *file, long line,
                   rs_error *err);

/* Number of external ids mapped so far. */
size_t accountids_count(const accountids *m);

/* The row vals of table t (not TABLE_ACCOUNT_IDS) with its account columns
 * translated to platform ids: vals itself when nothing changes, else out
 * (room for SCHEMA_MAX_COLS values), a copy of vals whose translated strings
 * are borrowed from m. m may be NULL (nothing to translate). */
const tvalue *accountids_translate(const accountids *m, table_id t, const tvalue *vals,
                                   tvalue *out);

/* The loader's accountids_translate: also records a row of accounts as the
 * list of platform ids, and counts the account values of any other table's
 * row in the tally of input file number file (completed by
 * accountids_flush). Accounts must be read before the event tables for the
 * tally to mean anything; while accounts lists nothing, no value is counted
 * as unknown. */
const tvalue *accountids_load_row(accountids *m, size_t file, table_id t, const tvalue *vals,
                                  tvalue *out);

/* Completes the tally of the rows given to accountids_load_row so far (it
 * looks values up among the listed accounts some rows late, see
 * accountids.c). Call it once the rows of a run are read, before
 * accountids_file_stats or accountids_summarise. Accepts NULL. */
void accountids_flush(accountids *m);

/* File number file's tally (borrowed), or NULL when m is NULL or file is out
 * of range. */
const accountids_file *accountids_file_stats(const accountids *m, size_t file);

/* The run's summary into *out (examples borrowed from m). O(mappings). */
void accountids_summarise(const accountids *m, accountids_summary *out);

#endif
