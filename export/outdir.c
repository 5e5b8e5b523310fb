/* outdir.c - staged, rename-into-place output; see outdir.h.
 *
 * The staging directory is OUT_DIR/.staging-PID so renames stay on one file
 * system (rename(2) is atomic per file). run.json is renamed last: its
 * presence with a matching run marks a complete run.
 */
#include "export/outdir.h"

#include "base/files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outdir {
    char *dir, *staging;
    char **names;
    size_t n, cap;
    char **dirs; /* staged directory trees */
    size_t ndirs, dirs_cap;
};

int outdir_begin(outdir **out, const char *dir, rs_error *err)
{
    *out = NULL;
    if (files_mkdir_p(dir) != 0)
        return rs_error_set(err, RS_E_IO, dir, 0, 0, "cannot create output directory: %s",
                            strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return rs_error_set(err, RS_E_IO, dir, 0, 0, "output path is not a directory");
    outdir *od = xcalloc(1, sizeof *od);
    od->dir = xstrdup(dir);
    size_t l = strlen(dir) + 32;
    od->staging = xmalloc(l);
    snprintf(od->staging, l, "%s/.staging-%ld", dir, (long)getpid());
    if (mkdir(od->staging, 0777) != 0) {
        int rc = rs_error_set(err, RS_E_IO, od->staging, 0, 0,
                              "cannot create staging directory: %s", strerror(errno));
        free(od->staging);
        free(od->dir);
        free(od);
        return rc;
    }
    *out = od;
    return RS_OK;
}

int outdir_write(outdir *od, const char *name, files_write_fn fn, const void *ctx, rs_error *err)
{
    char *p = files_join(od->staging, name);
    int rc = files_write(p, fn, ctx, err);
    free(p);
    for (size_t i = 0; i < od->n; i++)
        if (strcmp(od->names[i], name) == 0)
            return rc;
    UTIL_GROW(od->names, od->cap, od->n + 1);
    od->names[od->n++] = xstrdup(name);
    return rc;
}

int outdir_add_dir(outdir *od, const char *name, rs_error *err)
{
    char *p = files_join(od->staging, name);
    int rc = RS_OK;
    if (mkdir(p, 0777) != 0)
        rc = rs_error_set(err, RS_E_IO, p, 0, 0, "cannot create: %s", strerror(errno));
    free(p);
    if (rc == RS_OK) {
        UTIL_GROW(od->dirs, od->dirs_cap, od->ndirs + 1);
        od->dirs[od->ndirs++] = xstrdup(name);
    }
    return rc;
}

const char *outdir_staging_path(const outdir *od)
{
    return od->staging;
}

/* Moves staging/name over dir/name: the old tree goes aside into the staging
 * directory first (rename cannot replace a non-empty directory), is restored
 * if the new one cannot move in, and is removed afterwards. */
static int swap_dir(outdir *od, const char *name, rs_error *err)
{
    char *from = files_join(od->staging, name), *to = files_join(od->dir, name);
    size_t l = strlen(od->staging) + strlen(name) + 8;
    char *aside = xmalloc(l);
    snprintf(aside, l, "%s/.old-%s", od->staging, name);
    int rc = RS_OK, moved_aside = 0;
    struct stat sb;
    if (lstat(to, &sb) == 0) {
        if (rename(to, aside) != 0)
            rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot move aside: %s", strerror(errno));
        else
            moved_aside = 1;
    }
    if (rc == RS_OK && rename(from, to) != 0) {
        rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot move into place: %s", strerror(errno));
        if (moved_aside && rename(aside, to) == 0)
            moved_aside = 0;
    }
    if (moved_aside && rc == RS_OK)
        files_rmtree(aside);
    free(aside);
    free(from);
    free(to);
    return rc;
}

static int rename_one(outdir *od, const char *name, rs_error *err)
{
    char *from = files_join(od->staging, name), *to = files_join(od->dir, name);
    int rc = RS_OK;
    if (rename(from, to) != 0)
        rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot move into place: %s", strerror(errno));
    free(from);
    free(to);
    return rc;
}

int outdir_commit(outdir *od, rs_error *err)
{
    int rc = RS_OK;
    int has_run = 0;
    for (size_t i = 0; i < od->ndirs && rc == RS_OK; i++)
        rc = swap_dir(od, od->dirs[i], err);
    for (size_t i = 0; i < od->n && rc == RS_OK; i++) {
        if (strcmp(od->names[i], "run.json") == 0) {
            has_run = 1;
            continue;
        }
        rc = rename_one(od, od->names[i], err);
    }
    if (rc == RS_OK && has_run)
        rc = rename_one(od, "run.json", err);
    if (rc == RS_OK)
        rmdir(od->staging);
    return rc;
}

void outdir_abort(outdir *od)
{
    if (!od)
        return;
    for (size_t i = 0; i < od->n; i++) {
        char *p = files_join(od->staging, od->names[i]);
        unlink(p);
        free(p);
    }
    for (size_t i = 0; i < od->ndirs; i++) {
        char *p = files_join(od->staging, od->dirs[i]);
        files_rmtree(p);
        free(p);
    }
    rmdir(od->staging);
    outdir_free(od);
}

void outdir_free(outdir *od)
{
    if (!od)
        return;
    for (size_t i = 0; i < od->n; i++)
        free(od->names[i]);
    free(od->names);
    for (size_t i = 0; i < od->ndirs; i++)
        free(od->dirs[i]);
    free(od->dirs);
    free(od->staging);
    free(od->dir);
    free(od);
}
