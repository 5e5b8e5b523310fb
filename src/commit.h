/* commit.h - a run's publication and its case memory, committed as one.
 *
 * With --state, a run changes two things that cannot be switched by one
 * atomic step: the output directory ("current", export/outdir.h) and the
 * state database (src/state.h). This module orders them so that the state's
 * record of a run is never visible without the published run, and a run
 * killed between them is recovered by the next one:
 *
 *   1. the dated bags are staged in the state and read back (fatal on error);
 *   2. an intent record, DIR/pending-run.json (run id, run number, output
 *      directory, the run "current" pointed at, the id counter), is written
 *      and made durable;
 *   3. the run is published (the rename of "current");
 *   4. the state's transaction, open since the run began, is committed;
 *   5. the staged bags are renamed into place, old runs pruned, and, once
 *      the run has nothing left to do but exit, the intent record removed
 *      (commit_done).
 *
 * A failure at 1-4 leaves the state as it was (SQLite rolls back), takes a
 * publication back, and removes the intent. A kill leaves the intent: the
 * next run on the state (commit_recover, before it reads anything) finds
 * the run committed or not. Not committed (killed at 1-4): rolled back;
 * when the output directory shows it, "current" goes back to the run before
 * and the run's ring ids are retired; the retry starts from the state as the
 * last complete run left it, so it reports what an uninterrupted night would
 * have. Committed (killed at 5, before its exit code reached anyone): its
 * bags are finished, and its actionable rings (recorded in the intent) count
 * toward the next run's exit code, so the alert is not lost either.
 */
#ifndef RINGSCAN_COMMIT_H
#define RINGSCAN_COMMIT_H

#include "base/error.h"
#include "export/outdir.h"
#include "model/findings.h"
#include "src/state.h"

#include <stdint.h>
#include <stdio.h>

/* What commit_publish needs of the run (all borrowed). */
typedef struct {
    const char *out_dir; /* -o as given */
    const findings *f;   /* for the dated bags: rings, persistent ids, run time */
    unsigned keep_days;  /* --keep-bags-days */
    size_t actionable;   /* rings --exit-code counts in this run */
} commit_run;

/* What commit_recover found of an interrupted run (strings new; free with
 * commit_recovered_free). */
typedef struct {
    char *rolled_back; /* id of a run rolled back, or NULL */
    char *undelivered; /* id of a run committed but killed before it exited, or NULL */
    size_t actionable; /* that run's actionable rings */
} commit_recovered;

void commit_recovered_free(commit_recovered *r);

/* Before the run reads its state: finishes or rolls back a run that was
 * stopped between steps 2 and 5 (see above) and removes bags staged by runs
 * that never committed. od is this run's output directory (locked), out_dir
 * its path as given; notes go to diag (NULL: silent). *out says what was
 * found. Returns RS_OK or RS_E_IO (an unreadable intent record, a database
 * error). */
int commit_recover(rs_state *st, outdir *od, const char *out_dir, FILE *diag, commit_recovered *out,
                   rs_error *err);

/* Steps 2-5 for a run whose outputs, run.json included, are staged in od
 * and whose bags commit_stage_bags staged. Returns RS_OK once the run is
 * published and committed; otherwise RS_E_IO (or RS_E_BUSY) with err set,
 * nothing published and the state unchanged, except when only step 5
 * failed: then the run is published and committed and the next run
 * finishes its bags. On RS_OK the caller reports the run, then calls
 * commit_done. */
int commit_publish(rs_state *st, outdir *od, const commit_run *r, rs_error *err);

/* The end of step 5: removes the intent record of a run that committed and
 * has reported its outcome (call it last, just before exiting). */
void commit_done(rs_state *st);

/* Step 1: state_bags_stage of the staged run's evidence/ folder. */
int commit_stage_bags(rs_state *st, const outdir *od, const commit_run *r, rs_error *err);

/* TEST ONLY. 1 when the environment variable RINGSCAN_TEST_FAULT equals
 * step ("run.json", "archive", "publish", "commit"): the caller then fails
 * that step as a full disk or a failed rename would. Used by
 * tests/e2e_state_commit.sh; never set in production. */
int commit_fault(const char *step);

#endif
