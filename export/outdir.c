/* outdir.c - staged, rename-into-place output; see outdir.h.
 *
 * The staging directory is OUT_DIR/.staging-PID so renames stay on one file
 * system (rename(2) is atomic per file). run.json is renamed last: its
 * presence with a matching run marks a complete run.
 */
#include "export/outdir.h"

#include <dirent.h>
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

static int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

int outdir_begin(outdir **out, const char *dir, rs_error *err)
{
    *out = NULL;
    if (mkdir_p(dir) != 0)
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

static char *join(const char *a, const char *b)
{
    size_t l = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(l);
    snprintf(p, l, "%s/%s", a, b);
    return p;
}

FILE *outdir_open(outdir *od, const char *name, rs_error *err)
{
    char *p = join(od->staging, name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        rs_error_set(err, RS_E_IO, p, 0, 0, "cannot create: %s", strerror(errno));
        free(p);
        return NULL;
    }
    free(p);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    for (size_t i = 0; i < od->n; i++)
        if (strcmp(od->names[i], name) == 0)
            return f;
    UTIL_GROW(od->names, od->cap, od->n + 1);
    od->names[od->n++] = xstrdup(name);
    return f;
}

int outdir_close(outdir *od, FILE *f, const char *name, rs_error *err)
{
    (void)od;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return rs_error_set(err, RS_E_IO, name, 0, 0, "write error: %s", strerror(errno));
    return RS_OK;
}

int outdir_add_dir(outdir *od, const char *name, rs_error *err)
{
    char *p = join(od->staging, name);
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

int outdir_rmtree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlink(path) == 0 ? 0 : -1;
    int rc = 0;
    DIR *d = opendir(path);
    if (d) {
        const struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *c = join(path, de->d_name);
            if (outdir_rmtree(c) != 0)
                rc = -1;
            free(c);
        }
        closedir(d);
    }
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

/* Moves staging/name over dir/name: the old tree goes aside into the staging
 * directory first (rename cannot replace a non-empty directory), is restored
 * if the new one cannot move in, and is removed afterwards. */
static int swap_dir(outdir *od, const char *name, rs_error *err)
{
    char *from = join(od->staging, name), *to = join(od->dir, name);
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
        outdir_rmtree(aside);
    free(aside);
    free(from);
    free(to);
    return rc;
}

static int rename_one(outdir *od, const char *name, rs_error *err)
{
    char *from = join(od->staging, name), *to = join(od->dir, name);
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
        char *p = join(od->staging, od->names[i]);
        unlink(p);
        free(p);
    }
    for (size_t i = 0; i < od->ndirs; i++) {
        char *p = join(od->staging, od->dirs[i]);
        outdir_rmtree(p);
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
