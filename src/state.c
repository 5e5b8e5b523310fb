/* state.c - case memory in SQLite; see state.h and docs/state.md.
 *
 * Storage only: which ring is which is algorithms/tracking.c's to decide,
 * what a decision does and how it is worded algorithms/decisions.c's; this
 * file loads what they need from the database and stores what they decided.
 *
 * Layout: `runs` has one row per committed run; `rings` one row per
 * persistent id with its latest status; `ring_runs` one row per ring per run
 * (the history an analyst queries); `ring_accounts` and `ring_infra` the
 * latest accounts and binding infrastructure of every ring still open (what
 * the next run matches against; a closed ring's rows are deleted);
 * `accounts` one row per account ever flagged; `meta` the id counter. So the
 * database grows with the flagged accounts and the rings, not with the
 * input.
 */
#include "src/state.h"

#include "algorithms/decisions.h"
#include "algorithms/tracking.h"
#include "base/files.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/cmp.h"
#include "base/error.h"
#include "base/sha256.h"
#include "model/flags.h"
#include "src/commit.h"
#include "export/effects.h"
#include "export/escape.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct rs_state {
    char *dir, *db_path;
    int lock_fd;
    sqlite3 *db;
    int in_tx;
    uint64_t prev_run, next_ring;
    int64_t prev_time;
};

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS runs(run_no INTEGER PRIMARY KEY, run_id TEXT NOT NULL,"
    " run_time TEXT NOT NULL, rings_reported INTEGER NOT NULL, rings_suppressed INTEGER NOT NULL,"
    " accounts_flagged INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS rings(ring_id TEXT PRIMARY KEY, first_run INTEGER NOT NULL,"
    " first_seen TEXT NOT NULL, last_run INTEGER NOT NULL, last_seen TEXT NOT NULL,"
    " status TEXT NOT NULL, related TEXT, kind TEXT, severity TEXT, accounts INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ring_runs(ring_id TEXT NOT NULL, run_no INTEGER NOT NULL,"
    " rank TEXT, status TEXT NOT NULL, related TEXT, kind TEXT, severity TEXT, score REAL,"
    " accounts INTEGER NOT NULL, added INTEGER NOT NULL, removed INTEGER NOT NULL,"
    " disposition TEXT, suppressed INTEGER NOT NULL, PRIMARY KEY(ring_id, run_no));"
    "CREATE TABLE IF NOT EXISTS ring_accounts(ring_id TEXT NOT NULL, account_id TEXT NOT NULL,"
    " PRIMARY KEY(ring_id, account_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ring_infra(ring_id TEXT NOT NULL, resource TEXT NOT NULL,"
    " PRIMARY KEY(ring_id, resource)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS accounts(account_id TEXT PRIMARY KEY, first_flagged_run INTEGER"
    " NOT NULL, first_flagged TEXT NOT NULL, last_flagged_run INTEGER NOT NULL, last_ring TEXT)"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS dispositions(subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,"
    " decision TEXT NOT NULL, analyst TEXT, decided_at TEXT NOT NULL, note TEXT,"
    " first_applied_run INTEGER NOT NULL, baseline_accounts TEXT, baseline_flags TEXT,"
    " PRIMARY KEY(subject_type, subject_id, decided_at)) WITHOUT ROWID;";

/* The message of the first statement that failed since the last report.
 * SQLite keeps only the latest call's message, and the save path resets and
 * finalizes its statements before it reports, which left "not an error";
 * so a failure's message is taken when it happens. One state per process,
 * used by one thread. */
static char sql_failure[512];

static void note_failure(sqlite3 *db, int code)
{
    if (sql_failure[0])
        return;
    const char *m = db ? sqlite3_errmsg(db) : NULL;
    if (!m || (db && sqlite3_errcode(db) == SQLITE_OK))
        m = sqlite3_errstr(code);
    snprintf(sql_failure, sizeof sql_failure, "%s", m);
}

static int db_error(rs_state *st, rs_error *err, const char *what)
{
    if (!sql_failure[0])
        note_failure(st->db, st->db ? sqlite3_extended_errcode(st->db) : SQLITE_CANTOPEN);
    int rc =
        rs_error_set(err, RS_E_IO, st->db_path, 0, 0, "state database: %s: %s", what, sql_failure);
    sql_failure[0] = '\0';
    return rc;
}

static int exec(rs_state *st, const char *sql, rs_error *err)
{
    int r = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    if (r != SQLITE_OK) {
        note_failure(st->db, r);
        return db_error(st, err, "query failed");
    }
    return RS_OK;
}

static sqlite3_stmt *prep(rs_state *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int r = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (r != SQLITE_OK) {
        note_failure(st->db, r);
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

static int lock_state(rs_state *st, int wait, rs_error *err)
{
    char *lp = files_join(st->dir, "lock");
    st->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    int rc = RS_OK;
    if (st->lock_fd < 0)
        rc = rs_error_set(err, RS_E_IO, lp, 0, 0, "cannot open state lock: %s", strerror(errno));
    else if (flock(st->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
        rc = errno == EWOULDBLOCK
                 ? rs_error_set(err, RS_E_BUSY, st->dir, 0, 0,
                                "state is in use by another run (use --wait to wait for it)")
                 : rs_error_set(err, RS_E_IO, lp, 0, 0, "cannot lock: %s", strerror(errno));
    free(lp);
    return rc;
}

/* How long a run waits for another program's transaction on the database
 * (an analyst's sqlite3 session) without --wait; with --wait, as long as it
 * takes, as for a busy OUT_DIR. */
#define STATE_BUSY_MS 10000

static int busy_error(rs_state *st, rs_error *err, const char *when)
{
    return rs_error_set(err, RS_E_BUSY, st->db_path, 0, 0,
                        "state database is in use by another program (an open transaction, "
                        "such as an analyst's sqlite3 session) %s; waited %d s: end that "
                        "transaction, or use --wait to wait for it",
                        when, STATE_BUSY_MS / 1000);
}

/* Begins the run's transaction, first making sure that no other program
 * holds the database: COMMIT needs every reader gone, and a reader found
 * only then would cost the whole run's work. BEGIN EXCLUSIVE waits (busy
 * timeout) for readers and writers alike and is let go at once, so analysts
 * can read the state while the run works. A reader that arrives after the
 * probe and stays past the timeout still fails the commit (RS_E_BUSY). */
static int begin_run(rs_state *st, rs_error *err)
{
    int r = sqlite3_exec(st->db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
        return busy_error(st, err, "before the run");
    if (r != SQLITE_OK) {
        note_failure(st->db, r);
        return db_error(st, err, "cannot begin the run");
    }
    st->in_tx = 1;
    return RS_OK;
}

/* A missing database is created complete under a temporary name and renamed
 * into place, so that ringscan never leaves a 0-byte file; a 0-byte file is
 * then a truncated copy or a failed restore, never a fresh state, and taking
 * it as fresh would hand out published ring ids again. */
static int prepare_db_file(rs_state *st, rs_error *err)
{
    struct stat sb;
    if (stat(st->db_path, &sb) == 0)
        return sb.st_size == 0
                   ? rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                                  "state database is empty (0 bytes; a truncated copy or a "
                                  "failed restore?): restore it from a backup, or remove it if "
                                  "no run has ever completed with this state")
                   : RS_OK;
    if (errno != ENOENT)
        return rs_error_set(err, RS_E_IO, st->db_path, 0, 0, "cannot read: %s", strerror(errno));
    rs_buf tmp = {0}, journal = {0};
    buf_printf(&tmp, "%s.new", st->db_path);
    buf_printf(&journal, "%s.new-journal", st->db_path);
    (void)unlink(tmp.data); /* left by a run killed while creating it */
    (void)unlink(journal.data);
    sqlite3 *db = NULL;
    int r = sqlite3_open_v2(tmp.data, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL);
    int rc = RS_OK;
    if (r != SQLITE_OK)
        rc = rs_error_set(err, RS_E_IO, tmp.data, 0, 0, "cannot create the state database: %s",
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(r));
    if (sqlite3_close(db) != SQLITE_OK && rc == RS_OK)
        rc = rs_error_set(err, RS_E_IO, tmp.data, 0, 0, "cannot create the state database");
    if (rc == RS_OK && rename(tmp.data, st->db_path) != 0)
        rc = rs_error_set(err, RS_E_IO, st->db_path, 0, 0, "cannot create: %s", strerror(errno));
    if (rc != RS_OK)
        (void)unlink(tmp.data);
    buf_free(&journal);
    buf_free(&tmp);
    return rc;
}

int state_ring_id_valid(const char *s)
{
    if (!s || strncmp(s, "RS-", 3) != 0)
        return 0;
    size_t n = 0;
    for (const char *p = s + 3; *p; p++, n++)
        if (*p < '0' || *p > '9')
            return 0;
    return n >= 6 && n <= 12;
}

static int bad_id_error(rs_state *st, rs_error *err, const char *table, const unsigned char *id)
{
    rs_buf b = {0};
    escape_plain(&b, id ? (const char *)id : "NULL", id ? strlen((const char *)id) : 4);
    int rc = rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                          "state database: ring id '%.64s' in table %s is not a persistent id "
                          "(RS- and 6 to 12 digits): the database was edited or damaged; "
                          "restore it from a backup",
                          b.data ? b.data : "", table);
    buf_free(&b);
    return rc;
}

/* Every stored ring id is checked like input before any is used (they name
 * folders of the dated bag archive and reach every output), and the
 * counters are raised to the highest id and run number ever stored: a
 * missing or stale meta row must not give a published id or run number
 * again. */
static int check_ids(rs_state *st, rs_error *err)
{
    sqlite3_stmt *s = prep(st, "SELECT ring_id, 'rings' FROM rings UNION ALL SELECT ring_id,"
                               " 'ring_runs' FROM ring_runs UNION ALL SELECT last_ring,"
                               " 'accounts' FROM accounts WHERE last_ring IS NOT NULL");
    if (!s)
        return db_error(st, err, "reading ring ids");
    uint64_t top = 0;
    int r, rc = RS_OK;
    while (rc == RS_OK && (r = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_TEXT || !state_ring_id_valid((const char *)id))
            rc = bad_id_error(st, err, (const char *)sqlite3_column_text(s, 1), id);
        else if (strtoull((const char *)id + 3, NULL, 10) > top)
            top = strtoull((const char *)id + 3, NULL, 10);
    }
    if (rc == RS_OK && r != SQLITE_DONE) {
        note_failure(st->db, r);
        rc = db_error(st, err, "reading ring ids");
    }
    sqlite3_finalize(s);
    if (rc != RS_OK)
        return rc;
    if (st->next_ring <= top)
        st->next_ring = top + 1;
    s = prep(st, "SELECT max(run_no) FROM ring_runs");
    if (!s)
        return db_error(st, err, "reading runs");
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) > (sqlite3_int64)st->prev_run)
        st->prev_run = (uint64_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return RS_OK;
}

/* The runs' window columns (added after schema version 1 was released, so
 * a version 1 database may lack them; NULL = a run without a window). */
static int migrate_time(rs_state *st, rs_error *err)
{
    sqlite3_stmt *s = prep(st, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = "
                               "'window_until'");
    int have = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (have < 0)
        return db_error(st, err, "reading the schema");
    if (have)
        return RS_OK;
    return exec(st,
                "ALTER TABLE runs ADD COLUMN window_since TEXT;"
                "ALTER TABLE runs ADD COLUMN window_until TEXT;",
                err);
}

/* Schema version check, creation, and the counters. */
static int prepare_schema(rs_state *st, rs_error *err)
{
    sqlite3_stmt *s = prep(st, "PRAGMA user_version");
    if (!s || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return db_error(st, err, "not a SQLite database");
    }
    int ver = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (ver > STATE_SCHEMA_VERSION)
        return rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                            "state schema version %d is newer than this ringscan's (%d)", ver,
                            STATE_SCHEMA_VERSION);
    int rc = exec(st, schema_sql, err);
    if (rc == RS_OK)
        rc = migrate_time(st, err);
    if (rc == RS_OK && ver == 0)
        rc = exec(st, "PRAGMA user_version = 1", err);
    if (rc != RS_OK)
        return rc;
    st->next_ring = 1;
    s = prep(st, "SELECT value FROM meta WHERE key = 'next_ring'");
    if (s && sqlite3_step(s) == SQLITE_ROW)
        st->next_ring = (uint64_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    s = prep(st, "SELECT run_no, run_time FROM runs ORDER BY run_no DESC LIMIT 1");
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        st->prev_run = (uint64_t)sqlite3_column_int64(s, 0);
        const char *t = (const char *)sqlite3_column_text(s, 1);
        int64_t ms;
        if (t && ts_parse(t, strlen(t), &ms, NULL) == 0)
            st->prev_time = ms / 1000;
    }
    sqlite3_finalize(s);
    return check_ids(st, err);
}

int state_open(rs_state **out, const char *dir, int wait, rs_error *err)
{
    *out = NULL;
    sql_failure[0] = '\0'; /* a failure an earlier state did not report is not this one's */
    rs_state *st = xcalloc(1, sizeof *st);
    st->lock_fd = -1;
    st->dir = xstrdup(dir);
    st->db_path = files_join(dir, STATE_DB_NAME);
    int rc = RS_OK;
    if (files_mkdir_p(dir) != 0)
        rc = rs_error_set(err, RS_E_IO, dir, 0, 0, "cannot create state directory: %s",
                          strerror(errno));
    if (rc == RS_OK)
        rc = lock_state(st, wait, err);
    if (rc == RS_OK)
        rc = prepare_db_file(st, err);
    if (rc == RS_OK &&
        sqlite3_open_v2(st->db_path, &st->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = db_error(st, err, "cannot open");
    if (rc == RS_OK) {
        sqlite3_busy_timeout(st->db, wait ? INT_MAX : STATE_BUSY_MS);
        rc = begin_run(st, err);
    }
    if (rc == RS_OK)
        rc = prepare_schema(st, err);
    if (rc != RS_OK) {
        state_close(st);
        return rc;
    }
    *out = st;
    return RS_OK;
}

void state_close(rs_state *st)
{
    if (!st)
        return;
    if (st->in_tx)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(st->db);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the flock */
    free(st->db_path);
    free(st->dir);
    free(st);
}

const char *state_db_path(const rs_state *st)
{
    return st->db_path;
}

uint64_t state_runs(const rs_state *st)
{
    return st->prev_run;
}

/* --- the previous run's rings ------------------------------------------------ */

typedef struct {
    track_ring *r;
    size_t n, cap;
    char **pids;
    uint8_t *gone;       /* closed as gone by an earlier run: may return */
    char ***acc, ***inf; /* per ring, owned arrays of owned strings */
    size_t *nacc, *ninf;
} prev_set;

static void prev_free(prev_set *p)
{
    for (size_t i = 0; i < p->n; i++) {
        for (size_t k = 0; k < p->nacc[i]; k++)
            free(p->acc[i][k]);
        for (size_t k = 0; k < p->ninf[i]; k++)
            free(p->inf[i][k]);
        free(p->acc[i]);
        free(p->inf[i]);
        free(p->pids[i]);
    }
    free(p->r);
    free(p->pids);
    free(p->gone);
    free(p->acc);
    free(p->inf);
    free(p->nacc);
    free(p->ninf);
}

/* Reads the sorted labels of one ring from table (ring_accounts or ring_infra). */
static int read_labels(rs_state *st, const char *sql, const char *pid, char ***out, size_t *n)
{
    sqlite3_stmt *s = prep(st, sql);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, pid, -1, SQLITE_STATIC);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        ALLOC_GROW(*out, cap, *n + 1);
        (*out)[(*n)++] = xstrdup((const char *)sqlite3_column_text(s, 0));
    }
    if (r != SQLITE_DONE)
        note_failure(st->db, r);
    sqlite3_finalize(s);
    return r == SQLITE_DONE ? 0 : -1;
}

/* The rings still open after the previous run, and the gone ones, which a
 * ring of this run may continue (a ring missed for a run keeps its id).
 * The ORDER BY of read_labels uses SQLite's binary collation, which is
 * strcmp order. */
static int load_prev(rs_state *st, prev_set *p, rs_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *s = prep(st, "SELECT ring_id, first_seen, status = 'gone' FROM rings WHERE "
                               "status != 'merged' ORDER BY ring_id");
    if (!s)
        return db_error(st, err, "reading rings");
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(s, 0);
        if (!state_ring_id_valid((const char *)id)) {
            sqlite3_finalize(s);
            return bad_id_error(st, err, "rings", id);
        }
        size_t i = p->n;
        if (i == p->cap) {
            p->cap = p->cap ? 2 * p->cap : 16;
            p->r = xreallocarray(p->r, p->cap, sizeof *p->r);
            p->pids = xreallocarray(p->pids, p->cap, sizeof *p->pids);
            p->gone = xreallocarray(p->gone, p->cap, sizeof *p->gone);
            p->acc = xreallocarray(p->acc, p->cap, sizeof *p->acc);
            p->inf = xreallocarray(p->inf, p->cap, sizeof *p->inf);
            p->nacc = xreallocarray(p->nacc, p->cap, sizeof *p->nacc);
            p->ninf = xreallocarray(p->ninf, p->cap, sizeof *p->ninf);
        }
        p->pids[i] = xstrdup((const char *)id);
        p->gone[i] = (uint8_t)sqlite3_column_int(s, 2);
        const char *fs = (const char *)sqlite3_column_text(s, 1);
        int64_t ms = 0;
        if (fs)
            (void)ts_parse(fs, strlen(fs), &ms, NULL);
        p->acc[i] = p->inf[i] = NULL;
        p->nacc[i] = p->ninf[i] = 0;
        p->n++;
        if (read_labels(st, "SELECT account_id FROM ring_accounts WHERE ring_id = ? ORDER BY 1",
                        p->pids[i], &p->acc[i], &p->nacc[i]) != 0 ||
            read_labels(st, "SELECT resource FROM ring_infra WHERE ring_id = ? ORDER BY 1",
                        p->pids[i], &p->inf[i], &p->ninf[i]) != 0) {
            sqlite3_finalize(s);
            return db_error(st, err, "reading ring members");
        }
        p->r[i] = (track_ring){(const char *const *)p->acc[i],
                               p->nacc[i],
                               (const char *const *)p->inf[i],
                               p->ninf[i],
                               ms / 1000,
                               p->pids[i]};
    }
    if (r != SQLITE_DONE)
        note_failure(st->db, r);
    sqlite3_finalize(s);
    return r == SQLITE_DONE ? RS_OK : db_error(st, err, "reading rings");
}

/* --- matching ----------------------------------------------------------------- */

static void append_related(char **dst, const char *pid)
{
    size_t old = *dst ? strlen(*dst) : 0, add = strlen(pid);
    *dst = xrealloc(*dst, old + add + 2);
    if (old)
        (*dst)[old++] = ',';
    memcpy(*dst + old, pid, add + 1);
}

static int64_t ring_first_run(rs_state *st, const char *pid)
{
    sqlite3_stmt *s = prep(st, "SELECT first_seen FROM rings WHERE ring_id = ?");
    int64_t ms = 0;
    if (s) {
        sqlite3_bind_text(s, 1, pid, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(s, 0);
            if (t)
                (void)ts_parse(t, strlen(t), &ms, NULL);
        }
    }
    sqlite3_finalize(s);
    return ms / 1000;
}

/* The severity the ring had in its last run, or -1 when none is stored. */
static int ring_prev_severity(rs_state *st, const char *pid)
{
    sqlite3_stmt *s = prep(st, "SELECT severity FROM rings WHERE ring_id = ?");
    int sev = -1;
    if (s) {
        sqlite3_bind_text(s, 1, pid, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(s, 0);
            for (int k = SEVERITY_HIGH; t && k <= SEVERITY_LOW; k++)
                if (!strcmp(t, findings_severity_name((ring_severity)k)))
                    sev = k;
        }
    }
    sqlite3_finalize(s);
    return sev;
}

/* Applies a match to f->hist. */
static void assign(rs_state *st, findings *f, const prev_set *p, const track_result *tr,
                   int64_t run_time)
{
    findings_history *h = &f->hist;
    for (size_t c = 0; c < f->nrings; c++) {
        ring_track *t = &h->track[c];
        const track_cur_outcome *o = &tr->cur[c];
        t->status = o->status;
        t->added = o->added;
        t->removed = o->removed;
        if (o->prev < 0 || !p->pids || o->status == TRACK_SPLIT) {
            snprintf(t->pid, sizeof t->pid, "RS-%06llu", (unsigned long long)st->next_ring++);
            t->first_run = run_time;
            if (o->prev >= 0 && p->pids)
                append_related(&t->related, p->pids[o->prev]);
        } else {
            snprintf(t->pid, sizeof t->pid, "%s", p->pids[o->prev]);
            t->first_run = ring_first_run(st, t->pid);
            t->returned = p->gone[o->prev];
            int was = ring_prev_severity(st, t->pid);
            t->rose_from = was > (int)f->rings[c].severity ? was + 1 : 0;
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        int32_t c = tr->prev_into[i];
        if ((c >= 0 && !tr->prev_merged[i]) || (c < 0 && p->gone[i]))
            continue; /* continued, or gone already */
        h->closed = xreallocarray(h->closed, h->nclosed + 1, sizeof *h->closed);
        ring_closed *rc = &h->closed[h->nclosed++];
        memset(rc, 0, sizeof *rc);
        snprintf(rc->pid, sizeof rc->pid, "%s", p->pids[i]);
        rc->accounts = (uint32_t)p->nacc[i];
        rc->status = c >= 0 ? TRACK_MERGED : TRACK_GONE;
        if (c >= 0) {
            snprintf(rc->into, sizeof rc->into, "%s", h->track[c].pid);
            append_related(&h->track[c].related, p->pids[i]);
        }
    }
}

/* When each flagged account was first flagged (this run for new ones). */
static int first_flagged(rs_state *st, const rs_graph *g, findings *f, int64_t run_time,
                         rs_error *err)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    f->hist.first_flagged = xcalloc(na ? na : 1, sizeof *f->hist.first_flagged);
    sqlite3_stmt *s = prep(st, "SELECT first_flagged FROM accounts WHERE account_id = ?");
    if (!s)
        return db_error(st, err, "reading accounts");
    for (uint32_t a = 0; a < na; a++) {
        if (!f->flagged[a])
            continue;
        size_t len;
        const char *id = intern_str(g->ids[NODE_ACCOUNT], a, &len);
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, id, (int)len, SQLITE_STATIC);
        int64_t ms = 0;
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(s, 0);
            if (t && ts_parse(t, strlen(t), &ms, NULL) == 0)
                f->hist.first_flagged[a] = ms / 1000;
        }
        if (!f->hist.first_flagged[a])
            f->hist.first_flagged[a] = run_time;
    }
    sqlite3_finalize(s);
    return RS_OK;
}

int state_track(rs_state *st, const rs_graph *g, findings *f, int64_t run_time, rs_error *err)
{
    prev_set p;
    int rc = load_prev(st, &p, err);
    if (rc != RS_OK) {
        prev_free(&p);
        return rc;
    }
    track_ring *cur = xcalloc(f->nrings ? f->nrings : 1, sizeof *cur);
    void **blocks = xcalloc(f->nrings ? f->nrings : 1, sizeof *blocks);
    for (size_t i = 0; i < f->nrings; i++)
        tracking_ring_labels(g, f, i, &cur[i], &blocks[i]);
    track_result tr;
    tracking_match(p.r, p.n, cur, f->nrings, &tr);
    f->hist.track = xcalloc(f->nrings ? f->nrings : 1, sizeof *f->hist.track);
    f->hist.run_time = run_time;
    f->hist.prev_run_time = st->prev_time;
    f->hist.run_no = st->prev_run + 1;
    assign(st, f, &p, &tr, run_time);
    tracking_result_free(&tr);
    for (size_t i = 0; i < f->nrings; i++)
        free(blocks[i]);
    free(blocks);
    free(cur);
    prev_free(&p);
    return RS_OK;
}

/* --- saving ------------------------------------------------------------------- */

typedef struct {
    sqlite3_stmt *ring, *ring_run, *del_acc, *del_inf, *acc, *inf, *close, *acct;
} save_stmts;

static void stmts_free(save_stmts *q)
{
    sqlite3_finalize(q->ring);
    sqlite3_finalize(q->ring_run);
    sqlite3_finalize(q->del_acc);
    sqlite3_finalize(q->del_inf);
    sqlite3_finalize(q->acc);
    sqlite3_finalize(q->inf);
    sqlite3_finalize(q->close);
    sqlite3_finalize(q->acct);
}

static int stmts_prepare(rs_state *st, save_stmts *q)
{
    memset(q, 0, sizeof *q);
    q->ring = prep(st, "INSERT INTO rings(ring_id, first_run, first_seen, last_run, last_seen,"
                       " status, related, kind, severity, accounts) VALUES(?1,?2,?3,?2,?3,?4,?5,?6,"
                       "?7,?8) ON CONFLICT(ring_id) DO UPDATE SET last_run = ?2, last_seen = ?3,"
                       " status = ?4, related = ?5, kind = ?6, severity = ?7, accounts = ?8");
    q->ring_run = prep(st, "INSERT INTO ring_runs(ring_id, run_no, rank, status, related, kind,"
                           " severity, score, accounts, added, removed, disposition, suppressed)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q->del_acc = prep(st, "DELETE FROM ring_accounts WHERE ring_id = ?");
    q->del_inf = prep(st, "DELETE FROM ring_infra WHERE ring_id = ?");
    q->acc = prep(st, "INSERT OR IGNORE INTO ring_accounts(ring_id, account_id) VALUES(?,?)");
    q->inf = prep(st, "INSERT OR IGNORE INTO ring_infra(ring_id, resource) VALUES(?,?)");
    q->close = prep(st, "UPDATE rings SET status = ?2, related = ?3 WHERE ring_id = ?1");
    q->acct = prep(st, "INSERT INTO accounts(account_id, first_flagged_run, first_flagged,"
                       " last_flagged_run, last_ring) VALUES(?1,?2,?3,?2,?4) ON CONFLICT"
                       "(account_id) DO UPDATE SET last_flagged_run = ?2, last_ring = ?4");
    return q->ring && q->ring_run && q->del_acc && q->del_inf && q->acc && q->inf && q->close &&
                   q->acct
               ? 0
               : -1;
}

static int step_done(sqlite3_stmt *s)
{
    int r = sqlite3_step(s);
    if (r != SQLITE_DONE)
        note_failure(sqlite3_db_handle(s), r);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r == SQLITE_DONE ? 0 : -1;
}

static int bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
    return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

/* Replaces the ring's latest accounts and infrastructure. */
static int save_labels(save_stmts *q, const char *pid, const track_ring *tr)
{
    sqlite3_bind_text(q->del_acc, 1, pid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q->del_inf, 1, pid, -1, SQLITE_STATIC);
    int bad = step_done(q->del_acc) | step_done(q->del_inf);
    for (size_t k = 0; k < tr->naccts && !bad; k++) {
        sqlite3_bind_text(q->acc, 1, pid, -1, SQLITE_STATIC);
        sqlite3_bind_text(q->acc, 2, tr->accts[k], -1, SQLITE_STATIC);
        bad |= step_done(q->acc);
    }
    for (size_t k = 0; k < tr->ninfra && !bad; k++) {
        sqlite3_bind_text(q->inf, 1, pid, -1, SQLITE_STATIC);
        sqlite3_bind_text(q->inf, 2, tr->infra[k], -1, SQLITE_STATIC);
        bad |= step_done(q->inf);
    }
    return bad;
}

static int save_ring(save_stmts *q, const rs_graph *g, const findings *f, size_t i,
                     sqlite3_int64 run_no, const char *when)
{
    const ring *rg = &f->rings[i];
    const ring_track *t = &f->hist.track[i];
    track_ring tr;
    void *block;
    tracking_ring_labels(g, f, i, &tr, &block);
    sqlite3_stmt *s = q->ring;
    sqlite3_bind_text(s, 1, t->pid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, run_no);
    sqlite3_bind_text(s, 3, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, findings_track_name(t->status), -1, SQLITE_STATIC);
    bind_text_or_null(s, 5, t->related);
    sqlite3_bind_text(s, 6, findings_kind_name(rg->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, findings_severity_name(rg->severity), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)tr.naccts);
    int bad = step_done(s);
    s = q->ring_run;
    sqlite3_bind_text(s, 1, t->pid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, run_no);
    if (t->suppressed)
        sqlite3_bind_null(s, 3);
    else
        sqlite3_bind_text(s, 3, rg->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, findings_track_name(t->status), -1, SQLITE_STATIC);
    bind_text_or_null(s, 5, t->related);
    sqlite3_bind_text(s, 6, findings_kind_name(rg->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, findings_severity_name(rg->severity), -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 8, rg->score);
    sqlite3_bind_int64(s, 9, (sqlite3_int64)tr.naccts);
    sqlite3_bind_int64(s, 10, t->added);
    sqlite3_bind_int64(s, 11, t->removed);
    bind_text_or_null(s, 12, t->dispo ? findings_disposition_name(t->dispo) : NULL);
    sqlite3_bind_int(s, 13, t->suppressed);
    bad |= step_done(s);
    bad |= save_labels(q, t->pid, &tr);
    free(block);
    return bad;
}

static int save_closed(save_stmts *q, const ring_closed *c, sqlite3_int64 run_no)
{
    const char *status = findings_track_name(c->status);
    sqlite3_bind_text(q->close, 1, c->pid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q->close, 2, status, -1, SQLITE_STATIC);
    bind_text_or_null(q->close, 3, c->into[0] ? c->into : NULL);
    int bad = step_done(q->close);
    sqlite3_stmt *s = q->ring_run;
    sqlite3_bind_text(s, 1, c->pid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, run_no);
    sqlite3_bind_null(s, 3);
    sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
    bind_text_or_null(s, 5, c->into[0] ? c->into : NULL);
    for (int k = 6; k <= 8; k++)
        sqlite3_bind_null(s, k);
    sqlite3_bind_int64(s, 9, 0);
    sqlite3_bind_int64(s, 10, 0);
    sqlite3_bind_int64(s, 11, c->accounts);
    sqlite3_bind_null(s, 12);
    sqlite3_bind_int(s, 13, 0);
    bad |= step_done(s);
    if (c->status == TRACK_GONE)
        return bad; /* its accounts stay: the ring may return */
    track_ring none = {NULL, 0, NULL, 0, 0, NULL};
    return bad | save_labels(q, c->pid, &none);
}

static int save_accounts(save_stmts *q, const rs_graph *g, const findings *f, sqlite3_int64 run_no)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    char when[TS_FMT_LEN];
    int bad = 0;
    for (uint32_t a = 0; a < na && !bad; a++) {
        if (!f->flagged[a])
            continue;
        size_t len;
        const char *id = intern_str(g->ids[NODE_ACCOUNT], a, &len);
        sqlite3_bind_text(q->acct, 1, id, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(q->acct, 2, run_no);
        sqlite3_bind_text(q->acct, 3, ts_format(f->hist.first_flagged[a] * 1000, when), -1,
                          SQLITE_TRANSIENT);
        int32_t r = f->ring_of[a];
        bind_text_or_null(q->acct, 4, r >= 0 ? f->hist.track[r].pid : NULL);
        bad |= step_done(q->acct);
    }
    return bad;
}

static int save_run(rs_state *st, const findings *f, const char *run_id, const char *when)
{
    size_t reported = 0, suppressed = 0;
    for (size_t i = 0; i < f->nrings; i++)
        f->hist.track[i].suppressed ? suppressed++ : reported++;
    sqlite3_stmt *s = prep(st, "INSERT INTO runs(run_no, run_id, run_time, rings_reported,"
                               " rings_suppressed, accounts_flagged) VALUES(?,?,?,?,?,"
                               " (SELECT count(*) FROM accounts WHERE last_flagged_run = ?1))");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)f->hist.run_no);
    sqlite3_bind_text(s, 2, run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, when, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)reported);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)suppressed);
    int bad = step_done(s);
    sqlite3_finalize(s);
    s = prep(st, "INSERT INTO meta(key, value) VALUES('next_ring', ?) ON CONFLICT(key) DO "
                 "UPDATE SET value = excluded.value");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)st->next_ring);
    bad |= step_done(s);
    sqlite3_finalize(s);
    return bad;
}

int state_record(rs_state *st, const rs_graph *g, findings *f, const char *run_id, rs_error *err)
{
    if (first_flagged(st, g, f, f->hist.run_time, err) != RS_OK)
        return RS_E_IO;
    save_stmts q;
    if (stmts_prepare(st, &q) != 0) {
        stmts_free(&q);
        return db_error(st, err, "preparing the run's record");
    }
    char when[TS_FMT_LEN];
    ts_format(f->hist.run_time * 1000, when);
    sqlite3_int64 run_no = (sqlite3_int64)f->hist.run_no;
    int bad = 0;
    for (size_t i = 0; i < f->hist.nclosed && !bad; i++)
        bad |= save_closed(&q, &f->hist.closed[i], run_no);
    for (size_t i = 0; i < f->nrings && !bad; i++)
        bad |= save_ring(&q, g, f, i, run_no, when);
    if (!bad)
        bad |= save_accounts(&q, g, f, run_no);
    stmts_free(&q);
    if (!bad)
        bad |= save_run(st, f, run_id, when);
    if (bad)
        return db_error(st, err, "recording the run");
    return RS_OK;
}

int state_commit(rs_state *st, rs_error *err)
{
    int r = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
        return busy_error(st, err, "at commit (nothing of this run was kept)");
    if (r != SQLITE_OK) {
        note_failure(st->db, r);
        return db_error(st, err, "cannot commit the run");
    }
    st->in_tx = 0;
    return RS_OK;
}

/* --- time: clocks and windows ------------------------------------------------- */

/* The end of the latest window a run recorded (ms), into *out (TS_NONE:
 * none), and that run's number. An end later than that run's own clock
 * counts as the clock: a mistaken --until far ahead must not block every
 * later run as a row from 2099 once emptied them. */
static int last_window_end(rs_state *st, int64_t *out, uint64_t *run_no, rs_error *err)
{
    *out = TS_NONE;
    *run_no = 0;
    sqlite3_stmt *s = prep(st, "SELECT window_until, run_time, run_no FROM runs WHERE"
                               " window_until IS NOT NULL ORDER BY run_no DESC LIMIT 1");
    if (!s)
        return db_error(st, err, "reading the last window");
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        const char *u = (const char *)sqlite3_column_text(s, 0);
        const char *c = (const char *)sqlite3_column_text(s, 1);
        int64_t clock;
        if (!u || !c || ts_parse(u, strlen(u), out, NULL) != 0 ||
            ts_parse(c, strlen(c), &clock, NULL) != 0)
            r = SQLITE_CORRUPT;
        else if (clock < *out)
            *out = clock;
        *run_no = (uint64_t)sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                            "state database: the last run's window is unreadable");
    return RS_OK;
}

int state_check_time(rs_state *st, const state_time *t, rs_error *err)
{
    char a[TS_FMT_LEN], b[TS_FMT_LEN];
    if (st->prev_run && t->clock < st->prev_time)
        return rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                            "run clock %s is earlier than the last run's (%s, run %llu): set the "
                            "system clock (or SOURCE_DATE_EPOCH) right; the state dates rings, "
                            "accounts and bags by it",
                            ts_format(t->clock * 1000, a), ts_format(st->prev_time * 1000, b),
                            (unsigned long long)st->prev_run);
    int64_t end;
    uint64_t run_no;
    int rc = last_window_end(st, &end, &run_no, err);
    if (rc != RS_OK || t->backfill || t->until == TS_NONE || end == TS_NONE || t->until >= end)
        return rc;
    return rs_error_set(err, RS_E_IO, st->db_path, 0, 0,
                        "the window ends at %s, before the window of run %llu (ends %s): to "
                        "analyse an older period, add --backfill (publishes beside "
                        "OUT_DIR/current and leaves the state as it is)",
                        ts_format(t->until, a), (unsigned long long)run_no, ts_format(end, b));
}

static int bind_ts_or_null(sqlite3_stmt *s, int i, int64_t ms)
{
    char b[TS_FMT_LEN];
    return ms == TS_NONE ? sqlite3_bind_null(s, i)
                         : sqlite3_bind_text(s, i, ts_format(ms, b), -1, SQLITE_TRANSIENT);
}

int state_record_time(rs_state *st, const state_time *t, uint64_t run_no, rs_error *err)
{
    sqlite3_stmt *s =
        prep(st, "UPDATE runs SET window_since = ?1, window_until = ?2 WHERE run_no = ?3");
    if (!s)
        return db_error(st, err, "recording the window");
    int windowed = t->since != TS_NONE || t->until != TS_NONE;
    bind_ts_or_null(s, 1, windowed ? t->since : TS_NONE);
    bind_ts_or_null(s, 2, windowed ? t->until : TS_NONE);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)run_no);
    int bad = step_done(s);
    sqlite3_finalize(s);
    return bad ? db_error(st, err, "recording the window") : RS_OK;
}

int state_backfill_end(rs_state *st, rs_error *err)
{
    if (st->in_tx && exec(st, "ROLLBACK", err) != RS_OK)
        return RS_E_IO;
    st->in_tx = 0;
    int rc = exec(st, "BEGIN IMMEDIATE", err);
    st->in_tx = rc == RS_OK;
    sqlite3_stmt *s = rc == RS_OK ? prep(st, "INSERT INTO meta(key, value) VALUES('next_ring', ?1)"
                                             " ON CONFLICT(key) DO UPDATE SET value = max(CAST("
                                             "value AS INTEGER), CAST(?1 AS INTEGER))")
                                  : NULL;
    if (rc == RS_OK && !s)
        rc = db_error(st, err, "keeping the id counter");
    if (s) {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)st->next_ring);
        if (step_done(s) != 0)
            rc = db_error(st, err, "keeping the id counter");
        sqlite3_finalize(s);
    }
    if (rc == RS_OK)
        rc = state_commit(st, err);
    return rc;
}

/* --- a run between publication and commit (src/commit.h) ------------------------ */

const char *state_dir(const rs_state *st)
{
    return st->dir;
}

uint64_t state_next_ring(const rs_state *st)
{
    return st->next_ring;
}

int state_has_run(rs_state *st, const char *run_id, rs_error *err)
{
    sqlite3_stmt *s = prep(st, "SELECT 1 FROM runs WHERE run_id = ?");
    if (!s)
        return db_error(st, err, "reading runs");
    sqlite3_bind_text(s, 1, run_id, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return db_error(st, err, "reading runs");
    return r == SQLITE_ROW;
}

int state_retire_ids(rs_state *st, uint64_t next_ring, rs_error *err)
{
    if (next_ring <= st->next_ring)
        return RS_OK;
    sqlite3_stmt *s = prep(st, "INSERT INTO meta(key, value) VALUES('next_ring', ?) ON CONFLICT"
                               "(key) DO UPDATE SET value = excluded.value");
    if (!s)
        return db_error(st, err, "retiring ring ids");
    sqlite3_bind_int64(s, 1, (sqlite3_int64)next_ring);
    int bad = step_done(s);
    sqlite3_finalize(s);
    if (bad)
        return db_error(st, err, "retiring ring ids");
    int rc = state_checkpoint(st, err);
    if (rc == RS_OK)
        st->next_ring = next_ring;
    return rc;
}

int state_checkpoint(rs_state *st, rs_error *err)
{
    int rc = exec(st, "COMMIT", err);
    if (rc == RS_OK) {
        st->in_tx = 0;
        rc = exec(st, "BEGIN IMMEDIATE", err);
        st->in_tx = rc == RS_OK;
    }
    return rc;
}

/* --- baselines of benign decisions --------------------------------------------- */

/* A decisions_baseline_fn (algorithms/decisions.h) over the dispositions
 * table: the baseline a benign or allowlisted decision was first applied
 * with, fetched, or recorded now with the run that applies it first. A
 * decision is keyed by its subject and decided_at, so a new decision on
 * the same subject gets a baseline of its own. */
static int baseline(void *ctx, const decision *d, const decision_baseline *now,
                    decision_baseline *out)
{
    rs_state *st = ctx;
    char at[TS_FMT_LEN];
    ts_format(d->decided_at, at);
    sqlite3_stmt *s = prep(st, "SELECT baseline_accounts, baseline_flags FROM dispositions WHERE"
                               " subject_type = ? AND subject_id = ? AND decided_at = ?"
                               " AND baseline_accounts IS NOT NULL");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, decisions_subject_name(d->type), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(s, 0);
        const char *k = (const char *)sqlite3_column_text(s, 1);
        out->accounts = xstrdup(a ? a : "");
        out->kinds = xstrdup(k ? k : "");
        sqlite3_finalize(s);
        return 0;
    }
    if (r != SQLITE_DONE)
        note_failure(st->db, r);
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        return -1;
    s = prep(st, "INSERT INTO dispositions(subject_type, subject_id, decision, analyst,"
                 " decided_at, note, first_applied_run, baseline_accounts, baseline_flags)"
                 " VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(subject_type, subject_id, decided_at)"
                 " DO UPDATE SET baseline_accounts = excluded.baseline_accounts,"
                 " baseline_flags = excluded.baseline_flags");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, decisions_subject_name(d->type), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, findings_disposition_name(d->decision), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, d->analyst, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, d->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)st->prev_run + 1);
    sqlite3_bind_text(s, 8, now->accounts, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, now->kinds, -1, SQLITE_STATIC);
    r = step_done(s);
    sqlite3_finalize(s);
    out->accounts = xstrdup(now->accounts);
    out->kinds = xstrdup(now->kinds);
    return r;
}

int state_decisions(rs_state *st, const rs_graph *g, findings *f, const decision_set *d,
                    json_t *effects, rs_error *err)
{
    decision_effects eff = {0};
    int rc = decisions_apply_benign(g, f, d, baseline, st, &eff);
    effects_append(effects, &eff);
    decisions_effects_free(&eff);
    return rc == 0 ? RS_OK : db_error(st, err, "recording a decision");
}

/* --- every decision, and what the state remembers for checking them ----------- */

int state_store_decisions(rs_state *st, const decision_set *d, rs_error *err)
{
    sqlite3_stmt *s = prep(st, "INSERT OR IGNORE INTO dispositions(subject_type, subject_id,"
                               " decision, analyst, decided_at, note, first_applied_run)"
                               " VALUES(?,?,?,?,?,?,?)");
    int bad = !s;
    char at[TS_FMT_LEN];
    for (size_t i = 0; i < d->n && !bad; i++) {
        const decision *x = &d->v[i];
        sqlite3_bind_text(s, 1, decisions_subject_name(x->type), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, x->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, findings_disposition_name(x->decision), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, x->analyst, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, ts_format(x->decided_at, at), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, x->note, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)st->prev_run + 1);
        bad = step_done(s);
    }
    sqlite3_finalize(s);
    return bad ? db_error(st, err, "recording the decisions") : RS_OK;
}

/* 1 when the query sql, with id bound to ?1, returns a row; 0; -1 on failure. */
static int has_row(rs_state *st, const char *sql, const char *id)
{
    sqlite3_stmt *s = prep(st, sql);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_finalize(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

static int mem_ring_issued(void *ctx, const char *id)
{
    return has_row(ctx, "SELECT 1 FROM rings WHERE ring_id = ?1", id);
}

static int mem_account_seen(void *ctx, const char *id)
{
    return has_row(ctx,
                   "SELECT 1 FROM accounts WHERE account_id = ?1 UNION ALL SELECT 1 FROM"
                   " ring_accounts WHERE account_id = ?1 UNION ALL SELECT 1 FROM dispositions"
                   " WHERE subject_type = 'account' AND subject_id = ?1 LIMIT 1",
                   id);
}

/* The ring the last run published as rank (R0001 ...). ring_runs keeps the
 * ranks before cleared rings were taken out (those have none), so the
 * published rank k is the k-th ranked ring of that run. */
static int mem_rank_was(void *ctx, const char *rank, char out[16])
{
    rs_state *st = ctx;
    char *end;
    errno = 0;
    long k = strtol(rank + 1, &end, 10);
    if (*end || errno || k < 1 || !st->prev_run)
        return 0;
    sqlite3_stmt *s = prep(st, "SELECT ring_id FROM ring_runs WHERE run_no = ? AND rank IS NOT"
                               " NULL ORDER BY length(rank), rank LIMIT 1 OFFSET ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)st->prev_run);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)k - 1);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

void state_decisions_memory(rs_state *st, decisions_memory *out)
{
    *out = (decisions_memory){st, mem_ring_issued, mem_rank_was, mem_account_seen};
}

/* --- dated evidence bags ------------------------------------------------------ */

/* Removes dated bags of one ring older than cutoff ("YYYY-MM-DD"), keeping
 * the newest whatever its age. */
static void prune_ring(const char *dir, const char *cutoff)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    const struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, cap, n + 1);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && strcmp(names[i], cutoff) < 0) {
            char *p = files_join(dir, names[i]);
            (void)files_rmtree(p);
            free(p);
        }
        free(names[i]);
    }
    free(names);
}

/* The time bags' ages are measured from: the previous run's clock, which
 * that run was accepted with, or this run's when there was none. Never
 * later than this run's clock (state_check_time refuses an earlier one). A
 * clock that jumped years ahead therefore removes only what the last run
 * would have removed; the run after it, whose previous clock is the jumped
 * one, would age bags by it, which is why a later run with the clock set
 * right is refused until the state is looked at (docs/state.md, "Time"). */
static int64_t prune_reference(const rs_state *st, int64_t run_time)
{
    return st->prev_run && st->prev_time < run_time ? st->prev_time : run_time;
}

/* DIR/evidence/.pending-RUN_ID: where a run's dated bags wait for its commit. */
static char *bags_stage_dir(const rs_state *st, const char *run_id)
{
    char *root = files_join(st->dir, "evidence");
    size_t n = strlen(root) + strlen(run_id) + 16;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/.pending-%s", root, run_id);
    free(root);
    return p;
}

/* Reads src and dst back and compares them: every regular file of src has
 * its counterpart in dst with the same size, and, when the two are not one
 * file (a copy across file systems), the same SHA-256 digest. Returns RS_OK
 * or RS_E_IO naming the first file that differs or cannot be read. */
static int bags_verify(const char *src, const char *dst, rs_error *err)
{
    struct stat a, b;
    if (lstat(src, &a) != 0)
        return rs_error_set(err, RS_E_IO, src, 0, 0, "cannot read the evidence bag: %s",
                            strerror(errno));
    if (S_ISREG(a.st_mode)) {
        if (stat(dst, &b) != 0)
            return rs_error_set(err, RS_E_IO, dst, 0, 0, "evidence bag not kept: %s",
                                strerror(errno));
        if (a.st_size != b.st_size)
            return rs_error_set(err, RS_E_IO, dst, 0, 0,
                                "evidence bag not kept: %lld bytes of %lld written",
                                (long long)b.st_size, (long long)a.st_size);
        if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return RS_OK;
        char ha[SHA256_HEX_LEN], hb[SHA256_HEX_LEN];
        int rc = sha256_file_hex(src, ha, NULL, err);
        if (rc == RS_OK)
            rc = sha256_file_hex(dst, hb, NULL, err);
        if (rc == RS_OK && strcmp(ha, hb) != 0)
            rc = rs_error_set(err, RS_E_IO, dst, 0, 0,
                              "evidence bag not kept: its digest differs from the run's file");
        return rc;
    }
    if (!S_ISDIR(a.st_mode))
        return RS_OK; /* files_link_tree skips links and specials */
    DIR *d = opendir(src);
    if (!d)
        return rs_error_set(err, RS_E_IO, src, 0, 0, "cannot read the evidence bag: %s",
                            strerror(errno));
    int rc = RS_OK;
    const struct dirent *de;
    while (rc == RS_OK && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *x = files_join(src, de->d_name), *y = files_join(dst, de->d_name);
        rc = bags_verify(x, y, err);
        free(x);
        free(y);
    }
    closedir(d);
    return rc;
}

int state_bags_stage(rs_state *st, const char *bags_root, const findings *f, const char *run_id,
                     rs_error *err)
{
    char when[TS_FMT_LEN], date[16];
    ts_format(f->hist.run_time * 1000, when);
    snprintf(date, sizeof date, "%.10s", when);
    char *stage = bags_stage_dir(st, run_id);
    int rc = RS_OK;
    if (files_rmtree(stage) != 0 || files_mkdir_p(stage) != 0)
        rc = rs_error_set(err, RS_E_IO, stage, 0, 0, "cannot keep the evidence bags: %s",
                          strerror(errno));
    /* Only packaged rings have a bag; a ring below --evidence-min-severity
     * keeps the dated bags it had and gets a new one the night it rises. */
    for (size_t i = 0; i < findings_packaged(f) && rc == RS_OK; i++) {
        const char *pid = f->hist.track[i].pid;
        if (!state_ring_id_valid(pid)) { /* a folder name: never built from anything else */
            rc = bad_id_error(st, err, "rings", (const unsigned char *)pid);
            break;
        }
        char *rdir = files_join(stage, pid), *dst = files_join(rdir, date);
        char *src = files_join(bags_root, findings_ring_id(f, i));
        errno = 0;
        if (commit_fault("archive")) {
            errno = ENOSPC;
            rc = rs_error_set(err, RS_E_IO, dst, 0, 0, "cannot keep the evidence bag: %s",
                              strerror(errno));
        } else if (mkdir(rdir, 0777) != 0 || files_link_tree(src, dst) != 0) {
            rc = rs_error_set(err, RS_E_IO, dst, 0, 0, "cannot keep the evidence bag: %s",
                              errno ? strerror(errno) : "not every file was written");
        }
        if (rc == RS_OK)
            rc = bags_verify(src, dst, err);
        free(src);
        free(dst);
        free(rdir);
    }
    if (rc != RS_OK)
        (void)files_rmtree(stage);
    free(stage);
    return rc;
}

/* Moves one staged ring folder's dated bag into DIR/evidence/RS-ID/, the bag
 * it replaces (a run earlier the same day) set aside into the staging folder
 * first. Each step is a rename within the state, so a run killed between two
 * of them leaves either bag whole, and repeating the install finishes it. */
static int install_ring(const char *stage, const char *root, const char *pid, rs_error *err)
{
    char *from = files_join(stage, pid), *rdir = files_join(root, pid);
    size_t n = 0;
    char **v = NULL;
    size_t cap = 0;
    DIR *d = opendir(from);
    const struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        ALLOC_GROW(v, cap, n + 1);
        v[n++] = xstrdup(de->d_name);
    }
    if (d)
        closedir(d);
    int rc = files_mkdir_p(rdir) == 0
                 ? RS_OK
                 : rs_error_set(err, RS_E_IO, rdir, 0, 0, "cannot keep the evidence bag: %s",
                                strerror(errno));
    for (size_t i = 0; i < n; i++) {
        char *src = files_join(from, v[i]), *dst = files_join(rdir, v[i]);
        size_t ol = strlen(from) + strlen(v[i]) + 8;
        char *old = xmalloc(ol);
        snprintf(old, ol, "%s/.old-%s", from, v[i]);
        struct stat sb;
        if (rc == RS_OK && lstat(dst, &sb) == 0 && rename(dst, old) != 0)
            rc = rs_error_set(err, RS_E_IO, dst, 0, 0, "cannot replace the evidence bag: %s",
                              strerror(errno));
        if (rc == RS_OK && rename(src, dst) != 0)
            rc = rs_error_set(err, RS_E_IO, dst, 0, 0, "cannot keep the evidence bag: %s",
                              strerror(errno));
        free(old);
        free(src);
        free(dst);
        free(v[i]);
    }
    free(v);
    free(from);
    free(rdir);
    return rc;
}

int state_bags_install(rs_state *st, const char *run_id, int64_t run_time, unsigned keep_days,
                       rs_error *err)
{
    char cutoff[TS_FMT_LEN];
    ts_format((prune_reference(st, run_time) - (int64_t)keep_days * 86400) * 1000, cutoff);
    cutoff[10] = '\0';
    char *stage = bags_stage_dir(st, run_id), *root = files_join(st->dir, "evidence");
    int rc = RS_OK;
    DIR *d = opendir(stage);
    const struct dirent *de;
    while (d && rc == RS_OK && (de = readdir(d)) != NULL) {
        if (!state_ring_id_valid(de->d_name))
            continue;
        rc = install_ring(stage, root, de->d_name, err);
        if (rc == RS_OK && keep_days && run_time) {
            char *rdir = files_join(root, de->d_name);
            prune_ring(rdir, cutoff);
            free(rdir);
        }
    }
    if (d)
        closedir(d);
    if (rc == RS_OK)
        (void)files_rmtree(stage);
    free(stage);
    free(root);
    return rc;
}

void state_bags_discard(rs_state *st)
{
    char *root = files_join(st->dir, "evidence");
    DIR *d = opendir(root);
    const struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, ".pending-", 9) != 0)
            continue;
        char *p = files_join(root, de->d_name);
        (void)files_rmtree(p);
        free(p);
    }
    if (d)
        closedir(d);
    free(root);
}
