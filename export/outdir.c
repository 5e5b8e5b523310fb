/* outdir.c - locked, staged, single-rename publication; see outdir.h.
 *
 * Publication order in outdir_commit: rename runs/.tmp-ID to runs/ID (the run
 * is complete on disk), then a new link .current.tmp -> runs/ID renamed over
 * "current" (the switch), then the fixed top-level links (only missing ones),
 * then pruning. A kill before the switch leaves the old run current; after
 * it, the new one. Directory fsyncs make the two renames durable in order.
 *
 * RINGSCAN_TEST_PUBLISH_DELAY_MS, when set, announces each step of
 * publication on stderr ("publication step N", N = 1..4) and sleeps that
 * long before it: fault-injection tests use it to kill a run at every step.
 */
#include "export/outdir.h"

#include "base/utf8.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "base/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Every name a run publishes at the top of OUT_DIR. */
static const char *const output_names[] = {"accounts.csv", "rings.json", "graph.graphml",
                                           "index.html",   "evidence",   "run.json",
                                           "changes.json"};
#define NOUTPUTS (sizeof output_names / sizeof *output_names)

struct outdir {
    char *dir, *runs, *staging, *id;
    int lock_fd;
    unsigned keep;
    FILE *diag;
};

/* a b c concatenated, as a new string. */
static char *concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *p = xmalloc(la + lb + lc + 1);
    snprintf(p, la + lb + lc + 1, "%s%s%s", a, b, c);
    return p;
}

static void fault_delay(int step)
{
    const char *e = getenv("RINGSCAN_TEST_PUBLISH_DELAY_MS");
    long ms = e ? strtol(e, NULL, 10) : 0;
    if (ms > 0) {
        fprintf(stderr, "ringscan: test: publication step %d\n", step);
        fflush(stderr);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Takes dir/.lock. The file may be unlinked by a run that leaves OUT_DIR as
 * it found it (outdir_abort), so after flock succeeds the open file must
 * still be the one at the path; otherwise retry on the new one. */
static int lock_dir(outdir *od, int wait, rs_error *err)
{
    char *lp = files_join(od->dir, ".lock");
    int rc = RS_OK;
    for (;;) {
        od->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (od->lock_fd < 0) {
            rc = rs_error_set(err, RS_E_IO, od->dir, 0, 0, "output directory not writable: %s",
                              strerror(errno));
            break;
        }
        if (flock(od->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
            if (errno == EWOULDBLOCK)
                rc = rs_error_set(err, RS_E_BUSY, od->dir, 0, 0,
                                  "output directory is in use by another ringscan run (wait for "
                                  "it with --wait)");
            else
                rc = rs_error_set(err, RS_E_IO, lp, 0, 0, "cannot lock: %s", strerror(errno));
            break;
        }
        struct stat a, b;
        if (fstat(od->lock_fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            break;
        close(od->lock_fd); /* unlinked while we waited */
        od->lock_fd = -1;
    }
    free(lp);
    return rc;
}

/* Names in dir (without . and ..), sorted; NULL-safe free with names_free. */
static char **names_list(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        ALLOC_GROW(v, cap, *n + 1);
        v[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Staging of dead runs: runs/.tmp-*, and .staging-* and .current.tmp in dir
 * (older ringscan and interrupted switches). Safe under the lock. */
static void remove_leftovers(outdir *od)
{
    size_t n, removed = 0;
    char **v = names_list(od->runs, &n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(v[i], ".tmp-", 5) != 0)
            continue;
        char *p = files_join(od->runs, v[i]);
        removed += files_rmtree(p) == 0;
        free(p);
    }
    names_free(v, n);
    v = names_list(od->dir, &n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(v[i], ".staging-", 9) != 0 && strcmp(v[i], ".current.tmp") != 0)
            continue;
        char *p = files_join(od->dir, v[i]);
        removed += files_rmtree(p) == 0;
        free(p);
    }
    names_free(v, n);
    if (removed && od->diag)
        utf8_diag(od->diag, "",
                  "ringscan: note: removed %zu staging director%s left by interrupted runs in %s",
                  removed, removed == 1 ? "y" : "ies", od->dir);
}

/* 1 when path is a run.json written by ringscan. */
static int is_ringscan_run(const char *path)
{
    json_t *j = json_load_file(path, 0, NULL);
    const char *name = json_string_value(json_object_get(json_object_get(j, "tool"), "name"));
    int yes = name && !strcmp(name, "ringscan");
    json_decref(j);
    return yes;
}

/* A new run id from the clock that sorts after every run in runs/ (so name
 * order stays time order, which pruning relies on, even after pruning or a
 * clock step back): the UTC time, or the latest id with its counter
 * raised when that time is not later. */
static char *new_run_id(const outdir *od, time_t t)
{
    struct tm tm;
    char base[32], id[64];
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y%m%dT%H%M%SZ", &tm);
    size_t n;
    char **v = names_list(od->runs, &n);
    const char *max = "";
    for (size_t i = 0; i < n; i++) {
        const char *nm = strncmp(v[i], ".tmp-", 5) == 0 ? v[i] + 5 : v[i];
        if (nm[0] != '.' && strcmp(nm, max) > 0)
            max = nm;
    }
    if (strcmp(base, max) > 0) {
        snprintf(id, sizeof id, "%s", base);
    } else {
        const char *dash = strchr(max, '-');
        size_t bl = dash ? (size_t)(dash - max) : strlen(max);
        unsigned k = dash ? (unsigned)strtoul(dash + 1, NULL, 10) : 1;
        snprintf(id, sizeof id, "%.*s-%03u", (int)(bl < 40 ? bl : 40), max, k + 1);
    }
    names_free(v, n);
    return xstrdup(id);
}

/* Points dir/current at runs/id with one rename. */
static int switch_current(outdir *od, const char *id, rs_error *err)
{
    char *target = concat3("runs/", id, ""), *tmp = files_join(od->dir, ".current.tmp");
    char *cur = files_join(od->dir, "current");
    int rc = RS_OK;
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, cur) != 0) {
        rc = rs_error_set(err, RS_E_IO, cur, 0, 0, "cannot publish: %s", strerror(errno));
        unlink(tmp);
    }
    fsync_dir(od->dir);
    free(target);
    free(tmp);
    free(cur);
    return rc;
}

/* The fixed links name -> current/name, created where missing; the link for
 * changes.json (written only with --state) once a run has one. */
static int ensure_links(outdir *od, rs_error *err)
{
    for (size_t i = 0; i < NOUTPUTS; i++) {
        char *p = files_join(od->dir, output_names[i]);
        char *target = concat3("current/", output_names[i], "");
        char *full = files_join(od->dir, target);
        struct stat sb, tb;
        int rc = RS_OK;
        int have = i + 1 < NOUTPUTS || stat(full, &tb) == 0;
        free(full);
        if (have && lstat(p, &sb) != 0 && symlink(target, p) != 0)
            rc = rs_error_set(err, RS_E_IO, p, 0, 0, "cannot create link: %s", strerror(errno));
        free(p);
        free(target);
        if (rc != RS_OK)
            return rc;
    }
    return RS_OK;
}

/* Outputs of an older ringscan, written directly into dir, become a run of
 * their own (named after their run.json's time), published as current. Files
 * with output names that ringscan did not write are refused, never moved. */
static int upgrade_layout(outdir *od, rs_error *err)
{
    int found = 0;
    const char *first = NULL;
    for (size_t i = 0; i < NOUTPUTS; i++) {
        char *p = files_join(od->dir, output_names[i]);
        struct stat sb;
        if (lstat(p, &sb) == 0 && !S_ISLNK(sb.st_mode)) {
            found = 1;
            if (!first)
                first = output_names[i];
        }
        free(p);
    }
    if (!found)
        return RS_OK;
    char *rj = files_join(od->dir, "run.json");
    struct stat sb;
    int ours = lstat(rj, &sb) == 0 && S_ISREG(sb.st_mode) && is_ringscan_run(rj);
    free(rj);
    if (!ours)
        return rs_error_set(err, RS_E_IO, od->dir, 0, 0,
                            "holds '%s', which ringscan did not write; choose an empty directory "
                            "or one that ringscan wrote before",
                            first);
    char *id = new_run_id(od, sb.st_mtime), *to = files_join(od->runs, id);
    int rc = RS_OK;
    if (mkdir(to, 0777) != 0)
        rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot create: %s", strerror(errno));
    for (size_t i = 0; i < NOUTPUTS && rc == RS_OK; i++) {
        char *p = files_join(od->dir, output_names[i]), *q = files_join(to, output_names[i]);
        if (lstat(p, &sb) == 0 && !S_ISLNK(sb.st_mode) && rename(p, q) != 0)
            rc = rs_error_set(err, RS_E_IO, p, 0, 0, "cannot move into runs/: %s", strerror(errno));
        free(p);
        free(q);
    }
    if (rc == RS_OK)
        rc = switch_current(od, id, err);
    if (rc == RS_OK)
        rc = ensure_links(od, err);
    if (rc == RS_OK && od->diag)
        utf8_diag(od->diag, "", "ringscan: note: moved the previous run's outputs in %s to runs/%s",
                  od->dir, id);
    free(id);
    free(to);
    return rc;
}

int outdir_begin(outdir **out, const char *dir, const outdir_opts *o, rs_error *err)
{
    *out = NULL;
    if (files_mkdir_p(dir) != 0)
        return rs_error_set(err, RS_E_IO, dir, 0, 0, "cannot create output directory: %s",
                            strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return rs_error_set(err, RS_E_IO, dir, 0, 0, "output path is not a directory");
    outdir *od = xcalloc(1, sizeof *od);
    od->lock_fd = -1;
    od->dir = xstrdup(dir);
    od->runs = files_join(dir, "runs");
    od->keep = o && o->keep_runs ? o->keep_runs : OUTDIR_KEEP_RUNS_DEFAULT;
    od->diag = o ? o->diag : NULL;
    int rc = lock_dir(od, o && o->wait, err);
    if (rc == RS_OK && mkdir(od->runs, 0777) != 0 && errno != EEXIST)
        rc = rs_error_set(err, RS_E_IO, od->runs, 0, 0, "cannot create: %s", strerror(errno));
    time_t now = time(NULL);
    char *before = NULL;
    if (rc == RS_OK) {
        /* An id taken before the leftovers go sorts after a dead run's
         * staging too, so a retry in the same second never reuses its id. */
        before = new_run_id(od, now);
        remove_leftovers(od);
        rc = upgrade_layout(od, err);
    }
    if (rc == RS_OK) {
        od->id = new_run_id(od, now);
        if (strcmp(before, od->id) > 0) {
            free(od->id);
            od->id = before;
            before = NULL;
        }
        od->staging = concat3(od->runs, "/.tmp-", od->id);
        if (mkdir(od->staging, 0777) != 0)
            rc = rs_error_set(err, RS_E_IO, od->staging, 0, 0,
                              "cannot create staging directory: %s", strerror(errno));
    }
    free(before);
    if (rc != RS_OK) {
        free(od->staging);
        od->staging = NULL;
        outdir_free(od);
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
    return rc;
}

int outdir_add_dir(outdir *od, const char *name, rs_error *err)
{
    char *p = files_join(od->staging, name);
    int rc = RS_OK;
    if (mkdir(p, 0777) != 0)
        rc = rs_error_set(err, RS_E_IO, p, 0, 0, "cannot create: %s", strerror(errno));
    free(p);
    return rc;
}

const char *outdir_staging_path(const outdir *od)
{
    return od->staging;
}

const char *outdir_run_id(const outdir *od)
{
    return od->id;
}

/* The run current points at, or NULL. */
static char *current_id(const outdir *od)
{
    char *cur = files_join(od->dir, "current"), buf[256];
    ssize_t n = readlink(cur, buf, sizeof buf - 1);
    free(cur);
    if (n <= 5 || strncmp(buf, "runs/", 5) != 0)
        return NULL;
    buf[n] = '\0';
    return xstrdup(buf + 5);
}

/* Removes the oldest complete runs beyond od->keep, never the current one. */
static void prune(outdir *od)
{
    size_t n, runs = 0;
    char **v = names_list(od->runs, &n);
    char *cur = current_id(od);
    for (size_t i = 0; i < n; i++)
        runs += v[i][0] != '.';
    for (size_t i = 0; i < n && runs > od->keep; i++) {
        if (v[i][0] == '.' || (cur && !strcmp(v[i], cur)))
            continue;
        char *p = files_join(od->runs, v[i]);
        if (files_rmtree(p) == 0)
            runs--;
        free(p);
    }
    free(cur);
    names_free(v, n);
}

char *outdir_current_run(const outdir *od)
{
    return current_id(od);
}

int outdir_commit(outdir *od, rs_error *err)
{
    int rc = outdir_publish(od, err);
    if (rc == RS_OK)
        outdir_prune(od);
    return rc;
}

void outdir_prune(outdir *od)
{
    fault_delay(4);
    prune(od);
}

/* 1 when id is a run id as new_run_id makes them (YYYYMMDDTHHMMSSZ, maybe
 * with "-NNN"): only such a name, read from elsewhere, is joined into a path. */
static int is_run_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 16 || n > 40 || id[8] != 'T' || id[15] != 'Z')
        return 0;
    for (size_t i = 0; i < 15; i++)
        if (i != 8 && (id[i] < '0' || id[i] > '9'))
            return 0;
    if (n == 16)
        return 1;
    if (id[16] != '-' || n == 17)
        return 0;
    for (size_t i = 17; i < n; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    return 1;
}

int outdir_withdraw(outdir *od, const char *id, const char *previous, int *was_current,
                    rs_error *err)
{
    *was_current = 0;
    if (!is_run_id(id) || (previous && !is_run_id(previous)))
        return rs_error_set(err, RS_E_IO, od->dir, 0, 0, "not a run id: '%s'",
                            is_run_id(id) ? previous : id);
    char *cur = current_id(od), *run = files_join(od->runs, id);
    char *prev = previous ? files_join(od->runs, previous) : NULL;
    int rc = RS_OK;
    struct stat sb;
    if (cur && !strcmp(cur, id)) {
        *was_current = 1;
        if (prev && stat(prev, &sb) == 0) {
            rc = switch_current(od, previous, err);
        } else {
            char *c = files_join(od->dir, "current");
            if (unlink(c) != 0)
                rc = rs_error_set(err, RS_E_IO, c, 0, 0, "cannot withdraw: %s", strerror(errno));
            fsync_dir(od->dir);
            free(c);
        }
    }
    if (rc == RS_OK && files_rmtree(run) != 0)
        rc = rs_error_set(err, RS_E_IO, run, 0, 0, "cannot remove: %s", strerror(errno));
    free(cur);
    free(run);
    free(prev);
    return rc;
}

int outdir_publish(outdir *od, rs_error *err)
{
    char *final = files_join(od->runs, od->id);
    int rc = RS_OK;
    fault_delay(1);
    if (rename(od->staging, final) != 0)
        rc = rs_error_set(err, RS_E_IO, final, 0, 0, "cannot move the run into place: %s",
                          strerror(errno));
    free(final);
    if (rc != RS_OK)
        return rc;
    free(od->staging);
    od->staging = NULL;
    fsync_dir(od->runs);
    fault_delay(2);
    if ((rc = switch_current(od, od->id, err)) != RS_OK)
        return rc;
    fault_delay(3);
    return ensure_links(od, err);
}

void outdir_abort(outdir *od)
{
    if (!od)
        return;
    if (od->staging)
        files_rmtree(od->staging);
    /* No run was ever published here: leave OUT_DIR as it was found. The
     * lock file goes while still held; waiters notice (lock_dir). */
    if (rmdir(od->runs) == 0 && od->lock_fd >= 0) {
        char *lp = files_join(od->dir, ".lock");
        unlink(lp);
        free(lp);
    }
    outdir_free(od);
}

void outdir_free(outdir *od)
{
    if (!od)
        return;
    if (od->lock_fd >= 0)
        close(od->lock_fd); /* releases the lock */
    free(od->staging);
    free(od->runs);
    free(od->id);
    free(od->dir);
    free(od);
}

int outdir_commit_aside(outdir *od, rs_error *err)
{
    char *final = files_join(od->runs, od->id);
    int rc = RS_OK;
    if (rename(od->staging, final) != 0)
        rc = rs_error_set(err, RS_E_IO, final, 0, 0, "cannot move the run into place: %s",
                          strerror(errno));
    free(final);
    if (rc != RS_OK)
        return rc;
    free(od->staging);
    od->staging = NULL;
    fsync_dir(od->runs);
    prune(od);
    return RS_OK;
}
