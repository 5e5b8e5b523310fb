/* test_state.c - the SQLite case memory: ids across runs, one transaction
 * per run (a failed run leaves nothing), the lock, the schema version,
 * benign decisions held against their baseline until the ring grows, and
 * the trust checks: stored ids, recovered counters, an empty database, a
 * busy one, a severity rise; and time: clocks and windows checked against
 * the last run, backfills. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "base/ts.h"
#include "src/state.h"

typedef struct {
    rs_graph *g;
    uint32_t acct[8];
    findings f;
} world;

/* Accounts a..h; rings given as strings of account letters. */
static void build(world *w, const char *const *rings, size_t n)
{
    memset(w, 0, sizeof *w);
    w->g = graph_new();
    for (int i = 0; i < 8; i++) {
        char id[2] = {(char)('a' + i), 0};
        w->acct[i] = graph_account(w->g, id, 1, SEEN_AS_FREELANCER);
    }
    graph_finalize(w->g);
    uint32_t na = graph_count(w->g, NODE_ACCOUNT);
    findings *f = &w->f;
    f->flags = calloc(na, sizeof *f->flags);
    f->risk = calloc(na, sizeof *f->risk);
    f->flagged = calloc(na, 1);
    f->ring_of = malloc(na * sizeof *f->ring_of);
    for (uint32_t a = 0; a < na; a++)
        f->ring_of[a] = -1;
    f->rings = calloc(n ? n : 1, sizeof *f->rings);
    f->nrings = n;
    for (size_t i = 0; i < n; i++) {
        ring *r = &f->rings[i];
        snprintf(r->id, sizeof r->id, "R%04u", (unsigned)(i + 1) % 10000u);
        r->members = calloc(strlen(rings[i]), sizeof *r->members);
        for (const char *c = rings[i]; *c; c++) {
            uint32_t a = w->acct[*c - 'a'];
            r->members[r->nmembers++] = a;
            f->ring_of[a] = (int32_t)i;
            f->flagged[a] = 1;
            f->risk[a] = 0.9;
            flags_raise(&f->flags[a], FLAG_SHARED_DEVICE, 1);
        }
    }
}

static void drop(world *w)
{
    findings_free(&w->f);
    graph_free(w->g);
}

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ringscan-test-state.%ld", (long)getpid());
    files_rmtree(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    files_rmtree(dir);
    return 0;
}

/* One run: open, track, apply decisions d (may be NULL), record, and commit
 * when commit is set. The findings are left in w. */
static void one_run(world *w, const char *const *rings, size_t n, int64_t when,
                    const decision_set *d, int commit)
{
    rs_state *st;
    rs_error err = {0};
    build(w, rings, n);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_track(st, w->g, &w->f, when, &err), RS_OK);
    if (d) {
        json_t *eff = json_array();
        assert_int_equal(state_decisions(st, w->g, &w->f, d, eff, &err), RS_OK);
        json_decref(eff);
    } else {
        w->f.hist.dispo = calloc(graph_count(w->g, NODE_ACCOUNT), 1);
    }
    assert_int_equal(state_record(st, w->g, &w->f, "run", &err), RS_OK);
    if (commit)
        assert_int_equal(state_commit(st, &err), RS_OK);
    state_close(st);
}

static void test_state__ids_across_runs(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc", "de"};
    one_run(&w, run1, 2, 1000000, NULL, 1);
    assert_string_equal(w.f.hist.track[0].pid, "RS-000001");
    assert_string_equal(w.f.hist.track[1].pid, "RS-000002");
    assert_int_equal(w.f.hist.track[0].status, TRACK_NEW);
    drop(&w);
    /* A failed run (no commit) leaves nothing, its ids included. */
    const char *run2[] = {"fg"};
    one_run(&w, run2, 1, 2000000, NULL, 0);
    assert_string_equal(w.f.hist.track[0].pid, "RS-000003");
    drop(&w);
    /* Ranks swap, one ring grows, one appears: ids follow the accounts. */
    const char *run3[] = {"def", "abc", "gh"};
    one_run(&w, run3, 3, 3000000, NULL, 1);
    assert_string_equal(w.f.hist.track[0].pid, "RS-000002");
    assert_int_equal(w.f.hist.track[0].status, TRACK_GROWN);
    assert_int_equal(w.f.hist.track[0].added, 1);
    assert_string_equal(w.f.hist.track[1].pid, "RS-000001");
    assert_int_equal(w.f.hist.track[1].status, TRACK_UNCHANGED);
    assert_int_equal(w.f.hist.track[1].first_run, 1000000);
    assert_string_equal(w.f.hist.track[2].pid, "RS-000003");
    assert_int_equal(w.f.hist.prev_run_time, 1000000);
    assert_int_equal(w.f.hist.first_flagged[w.acct[0]], 1000000);
    assert_int_equal(w.f.hist.first_flagged[w.acct[5]], 3000000);
    drop(&w);
    /* The abc ring disappears: gone; it returns a run later with its id. */
    const char *run4[] = {"def", "gh"};
    one_run(&w, run4, 2, 4000000, NULL, 1);
    assert_int_equal(w.f.hist.nclosed, 1);
    assert_string_equal(w.f.hist.closed[0].pid, "RS-000001");
    assert_int_equal(w.f.hist.closed[0].status, TRACK_GONE);
    drop(&w);
    const char *run5[] = {"def", "gh", "ab"};
    one_run(&w, run5, 3, 5000000, NULL, 1);
    assert_string_equal(w.f.hist.track[2].pid, "RS-000001");
    assert_int_equal(w.f.hist.track[2].status, TRACK_SHRUNK);
    assert_true(w.f.hist.track[2].returned);
    assert_int_equal(w.f.hist.nclosed, 0); /* not gone twice */
    drop(&w);
}

static void test_state__lock_and_schema(void **state)
{
    (void)state;
    rs_state *a, *b;
    rs_error err = {0};
    assert_int_equal(state_open(&a, dir, 0, &err), RS_OK);
    assert_int_equal(state_open(&b, dir, 0, &err), RS_E_BUSY);
    assert_null(b);
    assert_non_null(strstr(err.msg, "in use by another run"));
    state_close(a);
    char *db = files_join(dir, STATE_DB_NAME);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(state_open(&a, dir, 0, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "newer"));
    free(db);
    files_rmtree(dir);
    /* Not a database at all. */
    assert_int_equal(files_mkdir_p(dir), 0);
    db = files_join(dir, STATE_DB_NAME);
    assert_int_equal(files_write_text(db, "hello, not sqlite\n", 18, &err), RS_OK);
    assert_int_equal(state_open(&a, dir, 0, &err), RS_E_IO);
    free(db);
}

static void test_state__benign_until_it_grows(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc"};
    one_run(&w, run1, 1, 1000000, NULL, 1);
    drop(&w);
    decision_set d = {0};
    d.v = calloc(1, sizeof *d.v);
    d.v[0] = (decision){
        SUBJECT_RING, DISPO_BENIGN, strdup("RS-000001"), strdup("ana"), strdup(""), 1500000000, 2};
    d.n = 1;
    one_run(&w, run1, 1, 2000000, &d, 1);
    assert_true(w.f.hist.track[0].suppressed);
    assert_int_equal(w.f.flagged[w.acct[0]], 0);
    drop(&w);
    const char *run3[] = {"abcd"};
    one_run(&w, run3, 1, 3000000, &d, 1);
    assert_false(w.f.hist.track[0].suppressed);
    assert_true(w.f.hist.track[0].reopened);
    assert_non_null(strstr(w.f.hist.track[0].dispo_note, "1 new account (d)"));
    assert_int_equal(w.f.flagged[w.acct[3]], 1);
    drop(&w);
    decisions_free(&d);
}

/* Runs SQL on the state's database from outside, as an analyst would. */
static void db_exec(const char *sql)
{
    char *db = files_join(dir, STATE_DB_NAME);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    free(db);
}

static void test_state__ring_id_pattern(void **state)
{
    (void)state;
    assert_true(state_ring_id_valid("RS-000001"));
    assert_true(state_ring_id_valid("RS-123456789012"));
    assert_false(state_ring_id_valid("RS-1234567890123"));
    assert_false(state_ring_id_valid("RS-00003"));
    assert_false(state_ring_id_valid("R0001"));
    assert_false(state_ring_id_valid("../../../x"));
    assert_false(state_ring_id_valid("RS-000001/.."));
    assert_false(state_ring_id_valid("<svg onload=1>"));
    assert_false(state_ring_id_valid(""));
    assert_false(state_ring_id_valid(NULL));
}

/* A missing or stale id counter is recovered from the ids stored, so no
 * published id is given again; a stored id that is not one is refused. */
static void test_state__counters_and_stored_ids(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc", "de"};
    one_run(&w, run1, 2, 1000000, NULL, 1);
    drop(&w);
    db_exec("DELETE FROM meta; DELETE FROM runs");
    const char *run2[] = {"abc", "de", "fg"};
    one_run(&w, run2, 3, 2000000, NULL, 1);
    assert_string_equal(w.f.hist.track[2].pid, "RS-000003");
    assert_int_equal(w.f.hist.run_no, 2); /* run 1 is still in ring_runs */
    drop(&w);
    db_exec("UPDATE meta SET value = '2'");
    const char *run3[] = {"abc", "de", "fg", "h"};
    one_run(&w, run3, 4, 3000000, NULL, 1);
    assert_string_equal(w.f.hist.track[3].pid, "RS-000004");
    drop(&w);
    db_exec("UPDATE rings SET ring_id = '../../../x' WHERE ring_id = 'RS-000004'");
    rs_state *st;
    rs_error err = {0};
    assert_int_equal(state_open(&st, dir, 0, &err), RS_E_IO);
    assert_null(st);
    assert_non_null(strstr(err.msg, "ring id '../../../x' in table rings is not a persistent id"));
    assert_non_null(strstr(err.msg, STATE_DB_NAME ": state database: ring id"));
}

/* A severity higher than the ring's last run's is marked (--exit-code). */
static void test_state__severity_rise(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc"};
    one_run(&w, run1, 1, 1000000, NULL, 1);
    assert_int_equal(w.f.hist.track[0].rose_from, 0);
    drop(&w);
    db_exec("UPDATE rings SET severity = 'low'");
    one_run(&w, run1, 1, 2000000, NULL, 1); /* high again */
    assert_int_equal(w.f.hist.track[0].rose_from, 1 + SEVERITY_LOW);
    drop(&w);
    one_run(&w, run1, 1, 3000000, NULL, 1);
    assert_int_equal(w.f.hist.track[0].rose_from, 0);
    drop(&w);
}

/* A 0-byte database is a damaged copy, never a fresh state; a run that
 * fails on a new state leaves a database, not a 0-byte file. */
static void test_state__empty_database(void **state)
{
    (void)state;
    rs_state *st;
    rs_error err = {0};
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    state_close(st); /* the first run failed */
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_runs(st), 0);
    state_close(st);
    char *db = files_join(dir, STATE_DB_NAME);
    assert_int_equal(files_write_text(db, "", 0, &err), RS_OK);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "state database is empty (0 bytes"));
    free(db);
}

/* A reader that holds the database through the commit fails the run with
 * RS_E_BUSY (exit 4), after the busy timeout, keeping nothing. */
static void test_state__busy_at_commit(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc"};
    one_run(&w, run1, 1, 1000000, NULL, 1);
    drop(&w);
    rs_state *st;
    rs_error err = {0};
    build(&w, run1, 1);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_track(st, w.g, &w.f, 2000000, &err), RS_OK);
    w.f.hist.dispo = calloc(graph_count(w.g, NODE_ACCOUNT), 1);
    assert_int_equal(state_record(st, w.g, &w.f, "run", &err), RS_OK);
    char *db = files_join(dir, STATE_DB_NAME);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN; SELECT count(*) FROM runs", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(state_commit(st, &err), RS_E_BUSY);
    assert_non_null(strstr(err.msg, "in use by another program"));
    state_close(st);
    sqlite3_close(h);
    free(db);
    drop(&w);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_runs(st), 1); /* nothing kept */
    state_close(st);
}

/* A run at clock `when` (s) over the window [since, until) (days since the
 * epoch, -1 = none), checked against the state first: returns the check's
 * code; on RS_OK the run is tracked, recorded and committed (or, with
 * backfill, ended as a backfill), its findings left in w. */
static int timed_run(world *w, const char *const *rings, size_t n, int64_t when, int64_t until_day,
                     int backfill)
{
    rs_state *st;
    rs_error err = {0};
    int64_t until = until_day < 0 ? TS_NONE : until_day * 86400000;
    state_time t = {when, until == TS_NONE ? TS_NONE : until - 7 * 86400000, until, backfill};
    build(w, rings, n);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    int rc = state_check_time(st, &t, &err);
    if (rc == RS_OK) {
        assert_int_equal(state_track(st, w->g, &w->f, when, &err), RS_OK);
        w->f.hist.dispo = calloc(graph_count(w->g, NODE_ACCOUNT), 1);
        assert_int_equal(state_record(st, w->g, &w->f, "run", &err), RS_OK);
        assert_int_equal(state_record_time(st, &t, w->f.hist.run_no, &err), RS_OK);
        if (backfill)
            assert_int_equal(state_backfill_end(st, &err), RS_OK);
        else
            assert_int_equal(state_commit(st, &err), RS_OK);
    } else {
        assert_int_equal(rc, RS_E_IO);
    }
    state_close(st);
    return rc;
}

/* The clock never goes back, windows never end before the last one unless
 * a backfill, which changes nothing but the id counter. */
static void test_state__time(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc"};
    assert_int_equal(timed_run(&w, run1, 1, 20 * 86400, 20, 0), RS_OK);
    drop(&w);
    /* An earlier clock, and an earlier window, are refused. */
    assert_int_equal(timed_run(&w, run1, 1, 19 * 86400, 20, 0), RS_E_IO);
    drop(&w);
    assert_int_equal(timed_run(&w, run1, 1, 21 * 86400, 19, 0), RS_E_IO);
    drop(&w);
    /* A backfill of the older window runs; its new ring's id is not reissued,
     * and its record is not kept. */
    const char *run2[] = {"abc", "de"};
    assert_int_equal(timed_run(&w, run2, 2, 21 * 86400, 19, 1), RS_OK);
    assert_string_equal(w.f.hist.track[1].pid, "RS-000002");
    drop(&w);
    const char *run3[] = {"abc", "fg"};
    assert_int_equal(timed_run(&w, run3, 2, 21 * 86400, 21, 0), RS_OK);
    assert_int_equal(w.f.hist.run_no, 2);
    assert_int_equal(w.f.hist.prev_run_time, 20 * 86400);
    assert_string_equal(w.f.hist.track[1].pid, "RS-000003");
    drop(&w);
    /* A run without a window is not compared by window; equal clocks pass. */
    assert_int_equal(timed_run(&w, run3, 2, 21 * 86400, -1, 0), RS_OK);
    drop(&w);
    assert_int_equal(timed_run(&w, run3, 2, 21 * 86400, 20, 0), RS_E_IO);
    drop(&w);
}

/* Dated bags: staged and read back before the commit, a day's bag replaced
 * only by the install after it; installing twice changes nothing; staged
 * bags of runs that never committed are discarded. */
static void test_state__bags_staged_then_installed(void **state)
{
    (void)state;
    world w;
    const char *run1[] = {"abc"};
    build(&w, run1, 1);
    rs_state *st;
    rs_error err = {0};
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_track(st, w.g, &w.f, 1000000, &err), RS_OK);
    char bags[128], p[256];
    snprintf(bags, sizeof bags, "%s-bags", dir);
    /* The run's bags are named by the ring's id: with a state, the persistent one. */
    const char *rid = findings_ring_id(&w.f, 0);
    assert_string_equal(rid, "RS-000001");
    snprintf(p, sizeof p, "%s/%s/data", bags, rid);
    assert_int_equal(files_mkdir_p(p), 0);
    snprintf(p, sizeof p, "%s/%s/bag-info.txt", bags, rid);
    assert_int_equal(files_write_text(p, "first\n", 6, &err), RS_OK);
    assert_int_equal(state_bags_stage(st, bags, &w.f, "20260101T000000Z", &err), RS_OK);
    /* 1000000 s is 1970-01-12 */
    snprintf(p, sizeof p, "%s/evidence/RS-000001/1970-01-12/bag-info.txt", dir);
    assert_int_not_equal(access(p, F_OK), 0); /* not in place before the install */
    assert_int_equal(state_bags_install(st, "20260101T000000Z", 1000000, 0, &err), RS_OK);
    assert_int_equal(access(p, F_OK), 0);
    assert_int_equal(state_bags_install(st, "20260101T000000Z", 1000000, 0, &err), RS_OK);
    assert_int_equal(access(p, F_OK), 0);
    /* A second run the same day stages a bag and never commits: the day's
     * bag stays the first one. */
    char q[256];
    snprintf(q, sizeof q, "%s/%s/bag-info.txt", bags, rid);
    unlink(q);
    assert_int_equal(files_write_text(q, "second\n", 7, &err), RS_OK);
    assert_int_equal(state_bags_stage(st, bags, &w.f, "20260101T000001Z", &err), RS_OK);
    state_bags_discard(st);
    FILE *f = fopen(p, "r");
    char line[16] = "";
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "first\n");
    snprintf(q, sizeof q, "%s/evidence/.pending-20260101T000001Z", dir);
    assert_int_not_equal(access(q, F_OK), 0);
    state_close(st);
    files_rmtree(bags);
    drop(&w);
}

/* Ids a rolled-back run may have published are retired; a committed run is
 * known by its output run id; a new database keeps its schema after a
 * checkpoint, so a failed first run leaves no 0-byte file. */
static void test_state__retire_and_checkpoint(void **state)
{
    (void)state;
    rs_state *st;
    rs_error err = {0};
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_checkpoint(st, &err), RS_OK);
    assert_int_equal(state_has_run(st, "run", &err), 0);
    assert_int_equal(state_retire_ids(st, 7, &err), RS_OK);
    assert_int_equal(state_next_ring(st), 7);
    state_close(st); /* no commit of a run */
    char *db = files_join(dir, STATE_DB_NAME);
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    assert_true(sb.st_size > 0);
    free(db);
    world w;
    const char *run1[] = {"abc"};
    one_run(&w, run1, 1, 1000000, NULL, 1);
    assert_string_equal(w.f.hist.track[0].pid, "RS-000007");
    drop(&w);
    assert_int_equal(state_open(&st, dir, 0, &err), RS_OK);
    assert_int_equal(state_has_run(st, "run", &err), 1);
    assert_int_equal(state_retire_ids(st, 3, &err), RS_OK); /* never lowers it */
    assert_int_equal(state_next_ring(st), 8);
    state_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_state__ids_across_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__lock_and_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__benign_until_it_grows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__ring_id_pattern, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__counters_and_stored_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__severity_rise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__empty_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__busy_at_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__bags_staged_then_installed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state__retire_and_checkpoint, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
