/* files.h - paths and whole files: join, create-and-write, mkdir -p, rm -r.
 *
 * Every output file ringscan writes is created, filled by a writer callback
 * and closed through files_write, so a write error anywhere (a full disk, a
 * failed flush at close) is reported the same way, naming the file and the
 * reason. Nothing here knows an output format.
 */
#ifndef RINGSCAN_FILES_H
#define RINGSCAN_FILES_H

#include "base/error.h"

#include <stddef.h>
#include <stdio.h>

/* "a/b" as a new string (caller frees). */
char *files_join(const char *a, const char *b);

/* Fills an open file; returns 0, or -1 after a write error. */
typedef int (*files_write_fn)(FILE *f, const void *ctx);

/* Creates (or truncates) path with a 1 MiB stdio buffer, runs fn on it and
 * closes it. Returns RS_OK, or RS_E_IO with err set to "path: cannot create:
 * reason" or "path: write error[: reason]" when fn, a buffered write or the
 * close failed. The file may then be partial: callers write into staging
 * directories that are discarded on error. */
int files_write(const char *path, files_write_fn fn, const void *ctx, rs_error *err);

/* files_write of a fixed text. */
int files_write_text(const char *path, const char *text, size_t n, rs_error *err);

/* Creates dir and its missing parents (mode 0777 before umask). Returns 0, or
 * -1 with errno set. An existing directory is not an error. */
int files_mkdir_p(const char *dir);

/* Removes path and, if it is a directory, everything below it; symbolic
 * links are removed, never followed. Returns 0, or -1 if something stayed. */
int files_rmtree(const char *path);

/* Recreates the tree src at dst (which must not exist as a file): folders
 * are made, regular files hard-linked, or copied when a link is not possible
 * (another file system); symbolic links and special files are skipped.
 * Returns 0, or -1 if something was not made. */
int files_link_tree(const char *src, const char *dst);

#endif
