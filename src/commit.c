/* commit.c - a run's publication and its case memory, committed as one; see
 * commit.h for the order of the steps and why.
 *
 * The intent record is a small JSON file written to a temporary name,
 * fsynced and renamed, so it is either absent or whole. Every string read
 * back from it is checked before use: run ids against the run id pattern
 * (outdir_withdraw), the output directory only compared, never opened.
 *
 * RINGSCAN_TEST_PUBLISH_DELAY_MS, when set, announces each step below on
 * stderr ("commit step N", N = 1..4) and sleeps that long before it, as
 * export/outdir.c does for its own steps: kill tests use the pauses.
 */
#include "src/commit.h"

#include "base/alloc.h"
#include "base/files.h"
#include "base/utf8.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INTENT_NAME "pending-run.json"

int commit_fault(const char *step)
{
    /* TEST ONLY: fault injection for tests/e2e_state_commit.sh. */
    const char *e = getenv("RINGSCAN_TEST_FAULT");
    return e && !strcmp(e, step);
}

static void pause_step(int step)
{
    const char *e = getenv("RINGSCAN_TEST_PUBLISH_DELAY_MS");
    long ms = e ? strtol(e, NULL, 10) : 0;
    if (ms > 0) {
        fprintf(stderr, "ringscan: test: commit step %d\n", step);
        fflush(stderr);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Writes text to path durably: a temporary file, fsync, rename, fsync of the
 * directory. Returns RS_OK or RS_E_IO naming the file. */
static int write_durable(const char *dir, const char *path, const char *text, rs_error *err)
{
    size_t n = strlen(path) + 5;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmp", path);
    int rc = files_write_text(tmp, text, strlen(text), err);
    if (rc == RS_OK) {
        fsync_path(tmp, O_RDONLY);
        if (rename(tmp, path) != 0)
            rc = rs_error_set(err, RS_E_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    if (rc != RS_OK)
        unlink(tmp);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    free(tmp);
    return rc;
}

static char *intent_path(const rs_state *st)
{
    return files_join(state_dir(st), INTENT_NAME);
}

static void intent_remove(const rs_state *st)
{
    char *p = intent_path(st);
    unlink(p);
    fsync_path(state_dir(st), O_RDONLY | O_DIRECTORY);
    free(p);
}

/* Step 2: what the next run needs to finish or roll back this one. */
static int intent_write(const rs_state *st, const outdir *od, const char *out_abs,
                        const char *previous, const commit_run *r, rs_error *err)
{
    json_t *o = json_object();
    json_object_set_new(o, "run_id", json_string(outdir_run_id(od)));
    json_object_set_new(o, "run", json_integer((json_int_t)r->f->hist.run_no));
    json_object_set_new(o, "output", json_string(out_abs));
    json_object_set_new(o, "previous", previous ? json_string(previous) : json_null());
    json_object_set_new(o, "next_ring", json_integer((json_int_t)state_next_ring(st)));
    json_object_set_new(o, "actionable", json_integer((json_int_t)r->actionable));
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    char *p = intent_path(st);
    int rc = text ? write_durable(state_dir(st), p, text, err)
                  : rs_error_set(err, RS_E_IO, p, 0, 0, "cannot write: out of memory");
    free(text);
    free(p);
    return rc;
}

int commit_stage_bags(rs_state *st, const outdir *od, const commit_run *r, rs_error *err)
{
    char *bags = files_join(outdir_staging_path(od), "evidence");
    int rc = state_bags_stage(st, bags, r->f, outdir_run_id(od), err);
    free(bags);
    return rc;
}

/* Takes back everything of a run that failed before its commit: the
 * publication (when it happened), the staged bags and the intent. */
static void undo(rs_state *st, outdir *od, const char *previous)
{
    int was;
    rs_error ignored = {0};
    (void)outdir_withdraw(od, outdir_run_id(od), previous, &was, &ignored);
    state_bags_discard(st);
    intent_remove(st);
}

int commit_publish(rs_state *st, outdir *od, const commit_run *r, rs_error *err)
{
    char *out_abs = realpath(r->out_dir, NULL);
    char *previous = outdir_current_run(od);
    int rc = out_abs ? RS_OK
                     : rs_error_set(err, RS_E_IO, r->out_dir, 0, 0, "cannot resolve: %s",
                                    strerror(errno));
    if (rc == RS_OK)
        rc = intent_write(st, od, out_abs, previous, r, err);
    if (rc != RS_OK) {
        state_bags_discard(st);
        intent_remove(st);
        goto cleanup;
    }
    pause_step(1);
    rc = commit_fault("publish") ? rs_error_set(err, RS_E_IO, r->out_dir, 0, 0,
                                                "cannot publish: test fault (RINGSCAN_TEST_FAULT)")
                                 : outdir_publish(od, err);
    if (rc == RS_OK) {
        pause_step(2);
        rc = commit_fault("commit")
                 ? rs_error_set(err, RS_E_IO, state_dir(st), 0, 0,
                                "state database: cannot commit: test fault (RINGSCAN_TEST_FAULT)")
                 : state_commit(st, err);
    }
    if (rc != RS_OK) {
        undo(st, od, previous);
        goto cleanup;
    }
    pause_step(3);
    rc = state_bags_install(st, outdir_run_id(od), r->f->hist.run_time, r->keep_days, err);
    if (rc != RS_OK)
        goto cleanup; /* published and committed: the next run finishes the bags */
    pause_step(4);
    outdir_prune(od);
cleanup:
    free(out_abs);
    free(previous);
    return rc;
}

void commit_done(rs_state *st)
{
    intent_remove(st);
}

void commit_recovered_free(commit_recovered *r)
{
    free(r->rolled_back);
    free(r->undelivered);
    memset(r, 0, sizeof *r);
}

/* Reads the intent record; RS_OK with *out NULL when there is none. */
static int intent_read(const rs_state *st, json_t **out, rs_error *err)
{
    *out = NULL;
    char *p = intent_path(st);
    int rc = RS_OK;
    if (access(p, F_OK) == 0) {
        json_error_t je;
        json_t *j = json_load_file(p, 0, &je);
        if (!j || !json_is_string(json_object_get(j, "run_id")) ||
            !json_is_string(json_object_get(j, "output")) ||
            !json_is_integer(json_object_get(j, "next_ring"))) {
            rc = rs_error_set(err, RS_E_IO, p, 0, 0,
                              "unreadable record of an interrupted run; remove it only if no "
                              "run of this state was published after it");
            json_decref(j);
        } else {
            *out = j;
        }
    }
    free(p);
    return rc;
}

/* The interrupted run was not committed: ids it may have published are
 * retired, its publication in this output directory taken back. */
static int roll_back(rs_state *st, outdir *od, const char *out_dir, const json_t *in, FILE *diag,
                     rs_error *err)
{
    const char *id = json_string_value(json_object_get(in, "run_id"));
    const char *prev = json_string_value(json_object_get(in, "previous"));
    const char *out = json_string_value(json_object_get(in, "output"));
    char *here = realpath(out_dir, NULL);
    int same = here && !strcmp(here, out);
    free(here);
    char *cur = same ? outdir_current_run(od) : NULL;
    int published = !same || (cur && !strcmp(cur, id));
    free(cur);
    int rc = RS_OK;
    if (published)
        rc = state_retire_ids(st, (uint64_t)json_integer_value(json_object_get(in, "next_ring")),
                              err);
    int was = 0;
    if (rc == RS_OK && same)
        rc = outdir_withdraw(od, id, prev, &was, err);
    if (rc == RS_OK && diag)
        utf8_diag(diag, "",
                  "ringscan: note: run %s was stopped before its state was committed: rolled "
                  "back%s",
                  id,
                  !same ? " (its output directory is another one: if it was published there, "
                          "publish this run there too)"
                  : was ? ", its publication withdrawn"
                        : "");
    return rc;
}

int commit_recover(rs_state *st, outdir *od, const char *out_dir, FILE *diag, commit_recovered *out,
                   rs_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *in = NULL;
    int rc = state_checkpoint(st, err);
    if (rc == RS_OK)
        rc = intent_read(st, &in, err);
    if (rc != RS_OK || !in) {
        if (rc == RS_OK)
            state_bags_discard(st);
        return rc;
    }
    const char *id = json_string_value(json_object_get(in, "run_id"));
    int committed = state_has_run(st, id, err);
    if (committed < 0) {
        rc = committed;
    } else if (committed) {
        rc = state_bags_install(st, id, 0, 0, err); /* pruning waits for this run's */
        out->undelivered = xstrdup(id);
        json_int_t k = json_integer_value(json_object_get(in, "actionable"));
        out->actionable = k > 0 ? (size_t)k : 0;
        if (rc == RS_OK && diag)
            utf8_diag(diag, "",
                      "ringscan: note: run %s was stopped after its commit, before it exited: "
                      "its %zu actionable ring%s count toward this run's exit code",
                      id, out->actionable, out->actionable == 1 ? "" : "s");
    } else {
        rc = roll_back(st, od, out_dir, in, diag, err);
        if (rc == RS_OK)
            out->rolled_back = xstrdup(id);
    }
    if (rc == RS_OK) {
        state_bags_discard(st);
        intent_remove(st);
    }
    json_decref(in);
    return rc;
}
