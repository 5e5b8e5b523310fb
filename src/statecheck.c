/* statecheck.c - a state directory against its output directory; see
 * statecheck.h and docs/state.md ("A state you can trust").
 *
 * Paths are compared as real paths, so a symbolic link or "a/../b" does not
 * hide that two names are one directory. The published run is read from
 * OUT_DIR/current/run.json, which publication writes last and replaces by a
 * rename, so what it says is what analysts have seen.
 */
#include "src/statecheck.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"

#include <jansson.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* path as a real path although its last components may not exist yet: the
 * deepest existing ancestor resolved, then the rest applied ("." skipped,
 * ".." taking one off). Returns a new string, or NULL when not even the
 * current directory resolves. */
static char *resolve_loose(const char *path)
{
    rs_buf abs = {0};
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (!cwd)
            return NULL;
        buf_printf(&abs, "%s/", cwd);
        free(cwd);
    }
    buf_puts(&abs, path);
    char *head = abs.data; /* cut from the end until it resolves */
    size_t cut = strlen(head);
    char *real = NULL;
    for (;;) {
        char save = head[cut];
        head[cut] = '\0';
        real = realpath(cut ? head : "/", NULL);
        head[cut] = save;
        if (real || cut == 0)
            break;
        while (cut > 0 && head[cut - 1] == '/')
            cut--;
        while (cut > 0 && head[cut - 1] != '/')
            cut--;
    }
    if (!real) {
        buf_free(&abs);
        return NULL;
    }
    rs_buf out = {0};
    buf_puts(&out, real);
    free(real);
    for (char *c = head + cut; *c;) {
        size_t n = strcspn(c, "/");
        if ((n == 1 && c[0] == '.') || n == 0) {
            /* nothing */
        } else if (n == 2 && c[0] == '.' && c[1] == '.') {
            char *slash = strrchr(out.data, '/');
            if (slash)
                *(slash == out.data ? slash + 1 : slash) = '\0';
            out.len = strlen(out.data);
        } else {
            if (out.len > 1)
                buf_putc(&out, '/');
            buf_append(&out, c, n);
        }
        c += n + (c[n] == '/');
    }
    buf_free(&abs);
    return out.data;
}

/* 1 when path is dir or lies below it (both real paths). */
static int inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int statecheck_paths(const char *state_dir, const char *out_dir, rs_error *err)
{
    char *st = resolve_loose(state_dir), *out = resolve_loose(out_dir);
    int rc = RS_OK;
    if (st && out && inside(st, out))
        rc = rs_error_set(err, RS_E_IO, state_dir, 0, 0,
                          "--state %s the output directory %s: runs and their pruning would "
                          "replace or delete it; keep the state outside OUT_DIR",
                          strcmp(st, out) ? "is inside" : "is", out_dir);
    free(st);
    free(out);
    return rc;
}

int statecheck_published(const char *out_dir, const char *db_path, uint64_t runs, rs_error *err)
{
    rs_buf p = {0};
    buf_printf(&p, "%s/current/run.json", out_dir);
    json_t *run = json_load_file(p.data, 0, NULL);
    const json_t *st = json_object_get(run, "state");
    const char *db = json_string_value(json_object_get(st, "database"));
    json_int_t no = json_integer_value(json_object_get(st, "run"));
    int rc = RS_OK;
    if (db && no > 0 && (uint64_t)no > runs) {
        char *a = realpath(db, NULL), *b = realpath(db_path, NULL);
        int same = a && b ? !strcmp(a, b) : !strcmp(db, db_path);
        if (same)
            rc = rs_error_set(err, RS_E_IO, db_path, 0, 0,
                              "the state is older than the published output: %s records run "
                              "%lld of this database, whose last run is %llu (restored from an "
                              "older backup, or removed and made anew?): restore its newest "
                              "copy, or start a new case memory with another --state directory",
                              p.data, (long long)no, (unsigned long long)runs);
        free(a);
        free(b);
    }
    json_decref(run);
    buf_free(&p);
    return rc;
}
