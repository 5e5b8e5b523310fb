/* outdir.h - all-or-nothing output: files are written into a staging directory
 * inside OUT_DIR and renamed into place only when every one is complete, so a
 * failed run leaves the previous complete run untouched.
 */
#ifndef RINGSCAN_OUTDIR_H
#define RINGSCAN_OUTDIR_H

#include "graph/util.h"

#include <stdio.h>

typedef struct outdir outdir;

/* Creates dir (and parents) if needed and a fresh staging directory in it.
 * Returns RS_OK or RS_E_IO with err set; *out NULL on failure. */
int outdir_begin(outdir **out, const char *dir, rs_error *err);

/* Opens name (a plain file name, e.g. "graph.graphml") for writing in the
 * staging directory, with a 1 MiB buffer. Returns NULL with err set. */
FILE *outdir_open(outdir *od, const char *name, rs_error *err);
/* Closes f, reporting any deferred write error for name. */
int outdir_close(outdir *od, FILE *f, const char *name, rs_error *err);

/* Creates the directory name (a plain name, e.g. "evidence") in the staging
 * directory and registers it: on commit the whole tree replaces any previous
 * tree of that name in dir; on abort it is removed. Returns RS_OK or RS_E_IO.
 * Writers fill it through outdir_staging_path. */
int outdir_add_dir(outdir *od, const char *name, rs_error *err);
/* The staging directory's path (borrowed, valid until commit/abort). */
const char *outdir_staging_path(const outdir *od);
/* Removes path and, if it is a directory, everything below it (symbolic
 * links are removed, never followed). Returns 0, or -1 if something stayed. */
int outdir_rmtree(const char *path);

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
