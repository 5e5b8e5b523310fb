/* state.h - case memory between runs (--state DIR): persistent ring ids,
 * ring statuses, when each account was first flagged, and the analysts'
 * decisions, in a SQLite database (DIR/ringscan.sqlite, schema in
 * docs/state.md).
 *
 * One run is one transaction: state_open takes DIR/lock (flock; a second
 * run on the same state waits with --wait, else fails with RS_E_BUSY) and
 * begins it; state_commit commits it, after the run's outputs are
 * published (src/commit.h orders the two and recovers a run killed between
 * them). A run that fails before state_commit leaves the database as it
 * was. Ids come from a counter in the database; ids a run published but
 * never committed are retired by the next run (state_retire_ids), so an id
 * that was ever published is never given to another ring.
 */
#ifndef RINGSCAN_STATE_H
#define RINGSCAN_STATE_H

#include "algorithms/decisions.h"
#include "base/error.h"
#include "graph/graph.h"
#include "model/decision_set.h"
#include "model/findings.h"

#include <jansson.h>

#include <stdint.h>

typedef struct rs_state rs_state;

#define STATE_SCHEMA_VERSION 1
#define STATE_DB_NAME "ringscan.sqlite"

/* Opens (creating DIR and the database when missing) and locks the state,
 * checks every stored ring id and recovers the counters from the highest
 * stored, and begins the run's transaction. Returns RS_OK, RS_E_BUSY (locked
 * by another run and !wait, or the database held by another program past
 * the busy timeout: 10 s, unbounded with wait) or RS_E_IO with err set
 * (unwritable, not a ringscan database, a newer schema, a 0-byte file, a
 * stored ring id that is not one). */
int state_open(rs_state **out, const char *dir, int wait, rs_error *err);

/* Matches f's rings with the previous run's (algorithms/tracking.h) and
 * fills f->hist: persistent ids, statuses, closed rings, first-flagged
 * times. run_time is this run's time (UTC s). Returns RS_OK or RS_E_IO. */
int state_track(rs_state *st, const rs_graph *g, findings *f, int64_t run_time, rs_error *err);

/* Applies the benign and allowlisted decisions of d to f's accounts and
 * rings by the rules of algorithms/decisions.h (decisions_apply_benign),
 * with the baselines kept in the database: read, or recorded the first run
 * a decision is applied in. Every decision that changed an outcome is
 * appended to effects (a JSON array, export/effects.h). Returns RS_OK or
 * RS_E_IO. */
int state_decisions(rs_state *st, const rs_graph *g, findings *f, const decision_set *d,
                    json_t *effects, rs_error *err);

/* Stores every decision of d (already checked) that the state does not
 * hold yet, with this run as the first it applied in, so confirmed,
 * escalated and allowlisted decisions are remembered as benign ones are.
 * Returns RS_OK or RS_E_IO. */
int state_store_decisions(rs_state *st, const decision_set *d, rs_error *err);

/* The look-ups decisions_check_subjects needs, over st (borrowed: out is
 * valid while st is open). */
void state_decisions_memory(rs_state *st, decisions_memory *out);

/* Records the run (every ring of f, suppressed ones included, and when each
 * flagged account was first flagged into f->hist). Returns RS_OK or RS_E_IO. */
int state_record(rs_state *st, const rs_graph *g, findings *f, const char *run_id, rs_error *err);

/* Commits the run. Returns RS_OK, RS_E_BUSY (another program held the
 * database past the busy timeout) or RS_E_IO; on failure nothing is kept. */
int state_commit(rs_state *st, rs_error *err);

/* The dated bags a run keeps, DIR/evidence/RS-000123/YYYY-MM-DD (the run's
 * date), in two steps around the commit (src/commit.h):
 *
 * state_bags_stage, before the commit, recreates each packaged ring's bag
 * (findings_packaged: rings below --evidence-min-severity have none)
 * (bags_root/R0001 ...) under DIR/evidence/.pending-RUN_ID/ (hard links, or
 * copies on another file system) and reads every file back (size, and the
 * digest of a copy). Returns RS_OK, or RS_E_IO naming the file that could not
 * be kept; the staged folder is then removed. No published bag is touched.
 *
 * state_bags_install, after the commit, renames each staged bag into place
 * (a bag of an earlier run the same day is replaced) and removes a ring's
 * dated bags more than keep_days (0: none) older than the previous run's
 * clock (run_time when there was none, or when it is later; run_time 0:
 * none), so a clock jumped far ahead removes no more than the last run would,
 * always keeping its newest. Idempotent: a run killed half-way is finished
 * by calling it again. Returns RS_OK or RS_E_IO.
 *
 * state_bags_discard removes every staged folder (runs that never
 * committed); callers hold the state's lock. */
int state_bags_stage(rs_state *st, const char *bags_root, const findings *f, const char *run_id,
                     rs_error *err);
int state_bags_install(rs_state *st, const char *run_id, int64_t run_time, unsigned keep_days,
                       rs_error *err);
void state_bags_discard(rs_state *st);

/* The state directory (borrowed) and the id counter (the next id to issue,
 * including those this run's state_track issued). */
const char *state_dir(const rs_state *st);
uint64_t state_next_ring(const rs_state *st);

/* 1 when a committed run has the output run id run_id, 0 when none has,
 * RS_E_IO on a database error. */
int state_has_run(rs_state *st, const char *run_id, rs_error *err);

/* Raises the id counter to next_ring (no-op when it is there already) and
 * commits that at once, then begins a new transaction for the run: ids a
 * rolled-back run published are never issued to another ring. Call before
 * state_track. Returns RS_OK or RS_E_IO. */
int state_retire_ids(rs_state *st, uint64_t next_ring, rs_error *err);

/* Commits what the open transaction holds (the schema of a new database,
 * an interrupted run's recovery) and begins the run's own. So a run that
 * fails leaves a database with its schema, never a 0-byte file. Returns
 * RS_OK or RS_E_IO. */
int state_checkpoint(rs_state *st, rs_error *err);

/* 1 when s is a persistent ring id as ringscan issues them: "RS-" and 6 to
 * 12 digits. Every ring id read from the database is checked with it before
 * it names a folder or reaches an output. */
int state_ring_id_valid(const char *s);

/* A run's time as the state records it: the run clock (UTC s; the
 * clock or SOURCE_DATE_EPOCH) and the event window [since, until) in ms
 * (TS_NONE: open on that side; both TS_NONE: no window). */
typedef struct {
    int64_t clock;
    int64_t since, until;
    int backfill; /* --backfill: an older period, recorded nowhere */
} state_time;

/* Refuses a run the state cannot place after its last one (docs/state.md,
 * "Time"): a clock earlier than the last run's, or (unless t->backfill) a
 * window ending before the end of the latest window a run recorded (or
 * before that run's clock, when its window ended later). Runs without a
 * window are not compared by window. Returns RS_OK or RS_E_IO
 * with a one-line message saying what to do. Also adds the window columns
 * to a database written before they existed (in the run's transaction). */
int state_check_time(rs_state *st, const state_time *t, rs_error *err);

/* Records t's window with run run_no (state_record's row). Returns RS_OK
 * or RS_E_IO. */
int state_record_time(rs_state *st, const state_time *t, uint64_t run_no, rs_error *err);

/* Ends a --backfill run: its record is rolled back (statuses, rings, runs,
 * decisions' baselines stay as the last run left them), but the id counter
 * keeps what the run handed out, in a transaction of its own, so an id a
 * backfill published is never given to another ring. Returns RS_OK or
 * RS_E_IO. */
int state_backfill_end(rs_state *st, rs_error *err);

/* The database's path (borrowed) and the number of previous runs. */
const char *state_db_path(const rs_state *st);
uint64_t state_runs(const rs_state *st);

/* Rolls back an unsaved run, closes and unlocks. Accepts NULL. */
void state_close(rs_state *st);

#endif
