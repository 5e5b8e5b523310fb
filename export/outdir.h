/* outdir.h - all-or-nothing output: files are written into a staging directory
 * inside OUT_DIR and renamed into place only when every one is complete, so a
 * failed run leaves the previous complete run untouched.
 */
#ifndef RINGSCAN_OUTDIR_H
#define RINGSCAN_OUTDIR_H

#include "base/files.h"
#include "base/util.h"

#include <stdio.h>

typedef struct outdir outdir;

/* Creates dir (and parents) if needed and a fresh staging directory in it.
 * Returns RS_OK or RS_E_IO with err set; *out NULL on failure. */
int outdir_begin(outdir **out, const char *dir, rs_error *err);

/* Writes the file name (a plain file name, e.g. "graph.graphml") in the
 * staging directory through fn (see files_write) and registers it for
 * commit, also when writing failed (abort then removes it). Returns RS_OK or
 * RS_E_IO with err set. */
int outdir_write(outdir *od, const char *name, files_write_fn fn, const void *ctx, rs_error *err);

/* Creates the directory name (a plain name, e.g. "evidence") in the staging
 * directory and registers it: on commit the whole tree replaces any previous
 * tree of that name in dir; on abort it is removed. Returns RS_OK or RS_E_IO.
 * Writers fill it through outdir_staging_path. */
int outdir_add_dir(outdir *od, const char *name, rs_error *err);
/* The staging directory's path (borrowed, valid until commit/abort). */
const char *outdir_staging_path(const outdir *od);
/* Renames every staged file and directory into dir (run.json last) and
 * removes the staging directory. A directory replacing an earlier one is
 * swapped in with two renames (old aside, new in) and the old one removed. Returns RS_OK or
 * RS_E_IO. */
int outdir_commit(outdir *od, rs_error *err);
/* Removes the staging directory and everything staged. Frees od. NULL ok. */
void outdir_abort(outdir *od);
/* Frees od after commit. NULL ok. */
void outdir_free(outdir *od);

#endif
