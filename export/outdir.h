/* outdir.h - one run's outputs, published whole or not at all.
 *
 * Layout of OUT_DIR:
 *
 *   .lock                  flock(2)ed by the run that owns OUT_DIR
 *   runs/<run-id>/         complete runs (accounts.csv, rings.json, ...,
 *                          evidence/, run.json), <run-id> = UTC start time
 *                          YYYYMMDDTHHMMSSZ, "-2", "-3"... on a collision
 *   runs/.tmp-<run-id>/    the run being written
 *   current -> runs/<id>   the published run: a symbolic link replaced by
 *                          one rename(2), the single step of publication
 *   accounts.csv -> current/accounts.csv, and likewise every output name:
 *                          fixed links, created once, never changed
 *
 * A reader therefore sees the previous run or the new one, never a mix,
 * whenever it resolves "current" once (runs/<id>/ paths are stable forever;
 * the top-level links re-resolve "current" at every open). A run killed at
 * any point leaves "current" on the previous complete run; its staging
 * directory is removed by the next run, which can tell it is dead because
 * it holds the lock. The lock is held from outdir_begin to outdir_free /
 * outdir_abort, so two runs never interleave in one OUT_DIR.
 */
#ifndef RINGSCAN_OUTDIR_H
#define RINGSCAN_OUTDIR_H

#include "base/files.h"
#include "base/error.h"

#include <stdio.h>

typedef struct outdir outdir;

#define OUTDIR_KEEP_RUNS_DEFAULT 3

typedef struct {
    int wait;           /* wait for another run's lock instead of failing */
    unsigned keep_runs; /* complete runs kept after publication, the new one
                           included; 0 = OUTDIR_KEEP_RUNS_DEFAULT */
    FILE *diag;         /* notes (leftovers removed, layout upgraded); NULL = silent */
} outdir_opts;

/* Creates dir (and parents) if needed, takes its lock, removes staging left
 * by dead runs, moves the outputs of an older ringscan (files directly in
 * dir) into runs/ as a run of their own, and creates the staging directory.
 * Returns RS_OK; RS_E_BUSY when another run holds the lock and !o->wait;
 * RS_E_IO (not a directory, not writable, or it holds files named like
 * ringscan's outputs that ringscan did not write). *out NULL on failure. */
int outdir_begin(outdir **out, const char *dir, const outdir_opts *o, rs_error *err);

/* Writes the file name (a plain file name, e.g. "graph.graphml") in the
 * staging directory through fn (see files_write) and registers it as an
 * output. Returns RS_OK or RS_E_IO with err set. */
int outdir_write(outdir *od, const char *name, files_write_fn fn, const void *ctx, rs_error *err);

/* Creates the directory name (a plain name, e.g. "evidence") in the staging
 * directory and registers it as an output. Writers fill it through
 * outdir_staging_path. Returns RS_OK or RS_E_IO. */
int outdir_add_dir(outdir *od, const char *name, rs_error *err);

/* The staging directory's path (borrowed, valid until commit/abort). */
const char *outdir_staging_path(const outdir *od);
/* This run's id (borrowed). */
const char *outdir_run_id(const outdir *od);

/* Renames the staging directory to runs/<run-id>, points "current" at it with
 * one rename, creates any missing top-level links and removes the oldest
 * runs beyond keep_runs. Returns RS_OK or RS_E_IO; on failure before the
 * switch the previous run stays published. Keeps the lock (outdir_free). */
int outdir_commit(outdir *od, rs_error *err);
/* A run published beside the current one (--backfill: an older period
 * analysed after a newer one): renames the staging directory to
 * runs/<run-id> and removes the oldest runs beyond keep_runs, but never
 * moves "current" nor creates the top-level links, so readers of current
 * keep seeing the newest period. Returns RS_OK or RS_E_IO (the run is then
 * not in runs/). Keeps the lock (outdir_free). */
int outdir_commit_aside(outdir *od, rs_error *err);
/* outdir_commit in two steps, for a run that commits something else between
 * them (the state, src/commit.h): outdir_publish renames, switches "current"
 * and creates the links (RS_OK or RS_E_IO, as outdir_commit); outdir_prune
 * then removes the oldest runs beyond keep_runs. */
int outdir_publish(outdir *od, rs_error *err);
void outdir_prune(outdir *od);

/* The run "current" points at now, as a new string, or NULL when none. */
char *outdir_current_run(const outdir *od);

/* Takes back the run id (published by a run whose state was never
 * committed): when "current" points at it, "current" goes back to previous
 * (when runs/previous still exists; otherwise "current" is removed), and
 * runs/id is removed. *was_current says whether it was published. Both ids
 * must look like run ids (else RS_E_IO, nothing touched). Returns RS_OK or
 * RS_E_IO. Needs the lock (between outdir_begin and outdir_free). */
int outdir_withdraw(outdir *od, const char *id, const char *previous, int *was_current,
                    rs_error *err);

/* Removes the staging directory, releases the lock, frees od. NULL ok. */
void outdir_abort(outdir *od);
/* Releases the lock and frees od after commit. NULL ok. */
void outdir_free(outdir *od);

#endif
