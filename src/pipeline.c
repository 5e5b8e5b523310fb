/* pipeline.c - the stages of a run; see pipeline.h.
 *
 * Data flows one way (docs/architecture.md): ingest fills the graph,
 * enrichment annotates it, detection turns it into findings, the evidence
 * stage builds each ring's case (subgraph, drawing, selected input rows),
 * and the writers format findings and cases. Only this file sees every
 * layer.
 */
#include "src/pipeline.h"

#include "algorithms/igraphenv.h"
#include "algorithms/cases.h"
#include "algorithms/detect.h"
#include "algorithms/evsel.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/cmp.h"
#include "base/error.h"
#include "base/proc.h"
#include "base/files.h"
#include "base/ts.h"
#include "export/evidence.h"
#include "export/graphml.h"
#include "export/jsonout.h"
#include "export/outdir.h"
#include "export/report.h"
#include "export/results.h"
#include "ingest/geoip.h"
#include "ingest/load.h"
#include "ingest/normalize.h"
#include "ingest/replay.h"
#include "src/commit.h"
#include "src/runrecord.h"
#include "src/state.h"
#include "src/statecheck.h"
#include "algorithms/decisions.h"
#include "export/effects.h"
#include "ingest/dispositions.h"
#include "src/dispocheck.h"

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_PHASES 16

typedef struct {
    const run_request *rq;
    const rs_config *cfg;
    int progress;     /* stderr is a terminal and not quiet: live progress lines */
    unsigned threads; /* --threads, or the online cores */
    runrecord_phase phases[MAX_PHASES];
    int nphases;
    double t0;
    rs_error err;
    load_set set;
    rowindex *rows;        /* where each loaded row lies, for the evidence pass */
    json_t *evidence_read; /* how the evidence pass read the inputs, for run.json */
    rs_graph *g;
    geoip *gi;
    geoip_stats gs;
    json_t *skipped; /* analyses skipped for want of data */
    findings fnd;
    /* The packaged rings (findings_packaged) as findings of their own, for
     * the casefiles and the selection of evidence rows: fnd itself when every
     * ring has a package, else pkg, a shallow copy of fnd cut to them whose
     * ring_of (pkg_ring_of, owned) names no other ring. */
    const findings *pf;
    findings pkg;
    int32_t *pkg_ring_of;
    casefile *cases; /* findings_packaged(&fnd) of them */
    outdir *od;
    rs_state *state;      /* --state, or NULL */
    decision_set dec;     /* --dispositions (empty without) */
    json_t *effects;      /* decisions that changed an outcome */
    json_t *unmatched;    /* decisions skipped by --dispositions-lenient */
    int64_t run_time;     /* UTC s */
    state_time stime;     /* the clock and window the state checks and records */
    commit_recovered rec; /* a run of the state that was stopped, and what became of it */
    char *cache_dir;      /* --cache, or STATE/cache; NULL: none (owned) */
    summary_cache *cache; /* open during ingest */
    summary_counts cache_counts;
} run_state;

static const char *clear_line(const run_state *s)
{
    return s->progress ? "\r\033[K" : "";
}

static void phase_begin(run_state *s, const char *name)
{
    s->t0 = proc_now();
    if (s->progress)
        fprintf(stderr, "\r\033[K%s ...", name);
    s->phases[s->nphases].name = name;
}

static void phase_end(run_state *s)
{
    runrecord_phase *p = &s->phases[s->nphases++];
    p->seconds = proc_now() - s->t0;
    p->peak_rss = proc_peak_rss();
    if (s->progress)
        fprintf(stderr, "\r\033[K%s: %.2f s, peak RSS %.0f MB\n", p->name, p->seconds,
                (double)p->peak_rss / 1e6);
}

/* --- ingest, graph, enrich, detect ------------------------------------------ */

/* 1 when path (resolved) is dir (resolved) or lies below it. */
static int path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/' || (n == 1 && *dir == '/'));
}

/* OUT_DIR must not be INPUT_DIR or hold an input file: the run would replace
 * its own inputs. Checked before OUT_DIR is touched. */
static int check_out_dir(run_state *s)
{
    char *out = realpath(s->rq->out_dir, NULL);
    if (!out)
        return RS_OK; /* created later: it cannot hold anything yet */
    int rc = RS_OK;
    char *in = realpath(s->rq->in_dir, NULL);
    if (in && !strcmp(in, out))
        rc = rs_error_set(&s->err, RS_E_IO, s->rq->out_dir, 0, 0,
                          "output directory is the input directory: choose another -o");
    for (size_t i = 0; i < s->set.nfiles && rc == RS_OK; i++) {
        const load_file *f = &s->set.files[i];
        char *p = realpath(f->path, NULL);
        if (p && path_within(p, out))
            rc = rs_error_set(&s->err, RS_E_IO, s->rq->out_dir, 0, 0,
                              "output directory holds the input file %s: choose another -o",
                              f->path);
        free(p);
    }
    free(in);
    free(out);
    return rc;
}

/* The window in milliseconds: as given, or (--window, or --since alone)
 * ending at --until or at the run's clock, never at the newest event: one
 * row dated years ahead must not move the window past every other row.
 * Rows at or after the end are future rows, counted by the loader. */
static void resolve_window(run_state *s)
{
    const run_window *w = &s->rq->window;
    load_window lw = {w->has_since ? w->since : TS_NONE, w->has_until ? w->until : TS_NONE};
    if ((w->length_ms || w->has_since) && lw.until == TS_NONE)
        lw.until = s->run_time * 1000;
    if (w->length_ms)
        lw.since = lw.until - w->length_ms;
    s->set.window = lw;
}

/* The latest time an input row may hold, in ms: one day after the later of
 * the run's clock (run_time, UTC s) and the system clock. A later row is a
 * bad row, its cause named (a wrong unit, year or clock: ts_check_range);
 * the day leaves room for a source clock a little ahead. The system clock
 * counts too because SOURCE_DATE_EPOCH fixes the clock bags record, often
 * before the export being reproduced was written: its rows after that
 * clock are future rows of the window (counted, not loaded), not bad. */
static int64_t latest_row_time(int64_t run_time)
{
    int64_t now = (int64_t)time(NULL);
    return ((now > run_time ? now : run_time) + 86400) * 1000;
}

#define TABLE_HINT_LEN 160

/* "; is it table T? ..." for an ignored file whose name is close to a
 * table's (Logins.json, login.csv, user_logins.ndjson), else "": written
 * into b (TABLE_HINT_LEN bytes), which is returned. */
static const char *table_hint(const char *file, char *b)
{
    const char *t = schema_table_near(file, strlen(file));
    b[0] = '\0';
    if (t)
        snprintf(b, TABLE_HINT_LEN,
                 "; is it table '%s'? docs/loading.md, \"How a file is read\", gives the names "
                 "read",
                 t);
    return b;
}

/* The decisions that do not fit their subject, as soon as the file is
 * read: an error, or skipped and listed (--dispositions-lenient). */
static int check_decision_rules(run_state *s)
{
    decision_problems p = {0};
    decisions_check_rules(&s->dec, &p);
    return dispocheck_report(&s->dec, &p, s->rq->dispositions_lenient, stderr, s->unmatched,
                             &s->err);
}

/* Once the data is loaded, before any decision is applied: the decisions
 * whose subject neither the data nor the state knows, an error or skipped;
 * then every decision kept is stored in the state. */
static int check_decision_subjects(run_state *s)
{
    decision_problems p = {0};
    decisions_memory m;
    state_decisions_memory(s->state, &m);
    if (decisions_check_subjects(s->g, &s->dec, &m, &p) != 0) {
        decisions_problems_free(&p);
        return rs_error_set(&s->err, RS_E_IO, state_db_path(s->state), 0, 0, "%s",
                            "state database: reading what the state remembers failed");
    }
    int rc =
        dispocheck_report(&s->dec, &p, s->rq->dispositions_lenient, stderr, s->unmatched, &s->err);
    return rc == RS_OK ? state_store_decisions(s->state, &s->dec, &s->err) : rc;
}

/* Finds the inputs, then takes OUT_DIR (checked, locked, staged) before any
 * row is read, so a busy or unwritable OUT_DIR fails at once. */
static int stage_prepare(run_state *s)
{
    int rc =
        load_scan_sources(&s->set, s->rq->in_dir, s->cfg->sources, s->cfg->config_path, &s->err);
    resolve_window(s);
    s->set.ts_latest = latest_row_time(s->run_time);
    s->stime = (state_time){s->run_time, s->set.window.since, s->set.window.until, s->rq->backfill};
    s->set.aliases = s->cfg->columns;
    s->set.naliases = s->cfg->ncolumns;
    s->set.null_values = (const char *const *)s->cfg->null_values;
    s->set.nnull_values = s->cfg->nnull_values;
    if (rc == RS_OK)
        rc = check_out_dir(s);
    if (rc == RS_OK && s->rq->state_dir)
        rc = statecheck_paths(s->rq->state_dir, s->rq->out_dir, &s->err);
    if (rc != RS_OK)
        return rc;
    if (s->rq->dispositions &&
        (rc = dispositions_load(&s->dec, s->rq->dispositions, &s->err)) != RS_OK)
        return rc;
    if (s->rq->dispositions && (rc = check_decision_rules(s)) != RS_OK)
        return rc;
    outdir_opts oo = {s->rq->wait, s->rq->keep_runs, s->rq->quiet ? NULL : stderr};
    rc = outdir_begin(&s->od, s->rq->out_dir, &oo, &s->err);
    if (rc == RS_OK && s->rq->state_dir)
        rc = state_open(&s->state, s->rq->state_dir, s->rq->wait, &s->err);
    if (rc == RS_OK && s->state)
        rc = commit_recover(s->state, s->od, s->rq->out_dir, s->rq->quiet ? NULL : stderr, &s->rec,
                            &s->err);
    if (rc == RS_OK && s->state)
        rc = statecheck_published(s->rq->out_dir, state_db_path(s->state), state_runs(s->state),
                                  &s->err);
    if (rc == RS_OK && s->state)
        rc = state_check_time(s->state, &s->stime, &s->err);
    return rc;
}

/* The memory budget, checked between phases (ingest checks as it reads). */
static int check_memory(run_state *s, const char *after)
{
    uint64_t budget = config_memory_budget(s->cfg), rss = proc_rss_now();
    if (budget && rss > budget)
        return rs_error_set(&s->err, RS_E_LIMIT, NULL, 0, 0,
                            "memory budget exceeded after %s: %llu MB resident, budget %llu MB "
                            "(--max-memory)",
                            after, (unsigned long long)(rss >> 20),
                            (unsigned long long)(budget >> 20));
    return RS_OK;
}

static int window_given(const run_window *w)
{
    return w->has_since || w->has_until || w->length_ms != 0;
}

static json_t *json_ts_or_null(int64_t ms)
{
    char b[TS_FMT_LEN];
    return ms == TS_NONE ? json_null() : json_string(ts_format(ms, b));
}

/* The window as run.json and the bags' configuration record it: the
 * effective bounds and how they were chosen. */
static json_t *window_json(const run_state *s)
{
    const run_window *w = &s->rq->window;
    json_t *o = json_object();
    json_object_set_new(o, "since", json_ts_or_null(s->set.window.since));
    json_object_set_new(o, "until", json_ts_or_null(s->set.window.until));
    json_object_set_new(o, "until_excluded", json_true());
    json_object_set_new(o, "length", w->length ? json_string(w->length) : json_null());
    const char *from = w->has_until                     ? "--until"
                       : s->set.window.until != TS_NONE ? "run clock"
                                                        : NULL;
    json_object_set_new(o, "until_from", from ? json_string(from) : json_null());
    if (!w->has_until && s->set.window.until != TS_NONE)
        json_object_set_new(o, "run_clock", json_ts_or_null(s->run_time * 1000));
    return o;
}

/* The effective configuration, with the time window when one was given
 * (so a run without one records exactly what it did before windows). */
static json_t *run_config_json(const run_state *s)
{
    json_t *cj = config_to_json(s->cfg);
    if (window_given(&s->rq->window))
        json_object_set_new(cj, "time_window", window_json(s));
    return cj;
}

/* Byte-identical partitions of one table are read once (load.h); each copy
 * is noted, as the export was probably delivered twice. */
static int find_duplicates(run_state *s)
{
    int rc = load_find_duplicates(&s->set, &s->err);
    for (size_t i = 0; rc == RS_OK && !s->rq->quiet && i < s->set.nfiles; i++) {
        const load_file *f = &s->set.files[i];
        if (f->dup)
            utf8_diag(stderr, clear_line(s),
                      "ringscan: note: %s is byte-identical to %s (SHA-256 %.16s...): read once",
                      f->name, s->set.files[f->dup_of].name, f->st.sha256);
    }
    return rc;
}

/* An empty window is an error unless --allow-empty-window: a window with
 * no event row makes every remembered ring "gone", which is what a wrong
 * clock or a stale export looks like, not a quiet night. */
static int check_window_rows(run_state *s)
{
    if (!window_given(&s->rq->window) || s->rq->allow_empty_window)
        return RS_OK;
    uint64_t loaded = 0;
    for (size_t i = 0; i < s->set.nfiles; i++) {
        const load_file *f = &s->set.files[i];
        if (f->table != TABLE_ACCOUNTS && f->table != TABLE_ATTRIBUTES &&
            f->table != TABLE_ACCOUNT_IDS)
            loaded += f->st.rows_ok;
    }
    if (loaded)
        return RS_OK;
    char a[TS_FMT_LEN] = "-", b[TS_FMT_LEN] = "-";
    if (s->set.window.since != TS_NONE)
        ts_format(s->set.window.since, a);
    if (s->set.window.until != TS_NONE)
        ts_format(s->set.window.until, b);
    return rs_error_set(&s->err, RS_E_VALUE, s->rq->in_dir, 0, 0,
                        "no event rows in the window [%s, %s) (%" PRIu64 " before it, %" PRIu64
                        " future rows at or after its end): check --until, --window and the "
                        "clock, or pass --allow-empty-window",
                        a, b, s->set.out_of_window_total - s->set.future_total,
                        s->set.future_total);
}

/* Up to ACCOUNTIDS_EXAMPLES ids as "'a', 'b', 'c'" into b. */
static void ids_examples(rs_buf *b, const char *const *ex, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s'%s'", i ? ", " : "", ex[i]);
}

/* One account, one id (docs/loading.md): per file, the account ids that
 * neither account_ids maps nor accounts lists; map targets accounts does
 * not list; and, when the unknown ids add up to a second id space (the rule
 * of accountids.h), a warning that --quiet does not hide, an error (exit 1)
 * with strict. Returns RS_OK or RS_E_VALUE with err set. */
static int check_account_ids(const load_set *set, int quiet, int strict, const char *clr,
                             rs_error *err)
{
    accountids_summary sum;
    accountids_summarise(set->ids, &sum);
    rs_buf b = {0};
    for (size_t i = 0; !quiet && i < set->nfiles; i++) {
        const accountids_file *f = accountids_file_stats(set->ids, i);
        if (!f || !f->unknown)
            continue;
        buf_clear(&b);
        ids_examples(&b, f->examples, f->nexamples);
        utf8_diag(stderr, clr,
                  "ringscan: warning: %s: %" PRIu64 " account id%s in neither accounts nor "
                  "account_ids (%" PRIu64 " value%s, e.g. %s)",
                  set->files[i].name, f->unknown_ids, f->unknown_ids == 1 ? "" : "s", f->unknown,
                  f->unknown == 1 ? "" : "s", b.data);
    }
    if (!quiet && sum.unlisted) {
        buf_clear(&b);
        ids_examples(&b, sum.unlisted_examples, sum.nunlisted_examples);
        utf8_diag(stderr, clr,
                  "ringscan: warning: account_ids maps to %" PRIu64 " account id%s that accounts "
                  "does not list (e.g. %s)",
                  sum.unlisted, sum.unlisted == 1 ? "" : "s", b.data);
    }
    int rc = RS_OK;
    if (sum.second_space) {
        buf_clear(&b);
        ids_examples(&b, sum.examples, sum.nexamples);
        rs_error e;
        rs_error_set(&e, RS_E_VALUE, NULL, 0, 0,
                     "the events name %" PRIu64 " account ids that accounts (%" PRIu64
                     " ids) does not list, e.g. %s: a second id space (another system's user "
                     "ids?) that would count each person twice; map them to the platform's ids "
                     "with an account_ids table (docs/loading.md, \"One account, one id\")",
                     sum.unknown_ids, sum.listed, b.data);
        if (strict)
            rc = rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s (fatal with --strict)", e.msg);
        else
            utf8_diag(stderr, clr, "ringscan: warning: %s", e.msg);
    }
    buf_free(&b);
    return rc;
}

/* The summary cache's directory: --cache, else STATE/cache with --state,
 * unless --no-cache. New string or NULL. */
static char *cache_dir_of(const run_request *rq)
{
    if (rq->no_cache)
        return NULL;
    if (rq->cache_dir)
        return xstrdup(rq->cache_dir);
    return rq->state_dir ? files_join(rq->state_dir, "cache") : NULL;
}

/* Opens the summary cache for the loader. The cache must not lie in OUT_DIR,
 * whose runs are replaced and pruned. A cache that cannot be made is no
 * error: every file is parsed, as without one. */
static int open_cache(run_state *s, const table_opts *to)
{
    s->cache_dir = cache_dir_of(s->rq);
    if (!s->cache_dir)
        return RS_OK;
    (void)files_mkdir_p(s->cache_dir);
    char *c = realpath(s->cache_dir, NULL), *out = realpath(s->rq->out_dir, NULL);
    int inside = c && out && path_within(c, out);
    free(c);
    free(out);
    if (inside)
        return rs_error_set(&s->err, RS_E_IO, s->cache_dir, 0, 0,
                            "--cache is inside the output directory %s: runs and their pruning "
                            "would delete it; keep the cache outside OUT_DIR",
                            s->rq->out_dir);
    summary_params sp = {s->set.aliases,
                         s->set.naliases,
                         s->set.null_values,
                         s->set.nnull_values,
                         s->set.ts_latest != TS_NONE,
                         to->strict,
                         to->lim.max_ratio,
                         to->max_record_bytes};
    s->cache = summary_cache_open(s->cache_dir, &sp, to->diag);
    s->set.cache = s->cache;
    return RS_OK;
}

/* Writes the cache's index; prunes summaries of inputs gone when the inputs
 * were all read. */
static void close_cache(run_state *s, int prune)
{
    if (!s->cache)
        return;
    summary_cache_close(s->cache, prune, &s->cache_counts);
    s->cache = NULL;
    s->set.cache = NULL;
}

static int stage_ingest(run_state *s)
{
    table_opts to = TABLE_OPTS_INIT;
    to.strict = s->cfg->strict;
    to.max_bad_rows = s->cfg->max_bad_rows;
    to.diag = s->rq->quiet ? NULL : stderr; /* --quiet: errors only */
    to.progress = s->progress;
    to.lim.max_bytes = s->cfg->limits.max_input_bytes;
    to.lim.max_ratio = s->cfg->limits.max_gzip_ratio;
    to.max_record_bytes = s->cfg->limits.max_record_bytes;
    to.max_rss = config_memory_budget(s->cfg);
    int rc = open_cache(s, &to);
    if (rc == RS_OK)
        rc = find_duplicates(s);
    if (rc != RS_OK) {
        close_cache(s, 0);
        return rc;
    }
    s->g = graph_new();
    s->rows = rowindex_new(outdir_staging_path(s->od), s->set.nfiles);
    s->set.index = s->rows;
    rc = load_tables(&s->set, s->g, &to, 0, &s->err);
    close_cache(s, rc == RS_OK);
    if (rc == RS_OK)
        rc = load_check_aliases(&s->set, (const char *const *)s->cfg->column_given, &s->err);
    if (rc == RS_OK)
        rc = check_account_ids(&s->set, s->rq->quiet, s->cfg->strict, clear_line(s), &s->err);
    if (rc == RS_OK)
        rc = check_window_rows(s);
    if (rc != RS_OK)
        return rc;
    char hint[TABLE_HINT_LEN];
    if (!s->rq->quiet)
        for (size_t i = 0; i < s->set.nignored; i++)
            utf8_diag(stderr, clear_line(s),
                      "ringscan: note: ignoring %s/%s (not an input table%s)", s->rq->in_dir,
                      s->set.ignored[i], table_hint(s->set.ignored[i], hint));
    return RS_OK;
}

/* Which databases the run used, and the two ways IP data misleads: countries
 * without ASNs (VPN exits and hosting look residential) and stale databases. */
static void report_geoip(run_state *s)
{
    rs_buf b = {0};
    buf_puts(&b, "ringscan: geoip:");
    for (int k = 0; k < GEOIP_KINDS; k++) {
        const geoip_db_info *in = geoip_info(s->gi, k);
        buf_printf(&b, "%s %s ", k ? ";" : "", geoip_kind_name(k));
        if (!in->open) {
            buf_puts(&b, "none");
            continue;
        }
        buf_puts(&b, in->path);
        if (in->nfiles > 1)
            buf_puts(&b, " (+ IPv6 file)");
        char date[TS_FMT_LEN];
        if (in->build_epoch)
            buf_printf(&b, ", built %.10s", ts_format((int64_t)in->build_epoch * 1000, date));
    }
    utf8_diag(stderr, clear_line(s), "%s", b.data);
    buf_free(&b);
    if (geoip_search_problem(s->gi))
        utf8_diag(stderr, clear_line(s),
                  "ringscan: warning: skipped a database found by search: %s",
                  geoip_search_problem(s->gi));
    if (s->gs.country > 0 && s->gs.asn == 0)
        fprintf(stderr,
                "%sringscan: warning: IP countries but no ASN data: VPN exits and hosting "
                "addresses cannot be told from home connections, which inflates geography flags; "
                "install ASN data with 'make geoip' or supply an asn column\n",
                clear_line(s));
    int64_t now = (int64_t)time(NULL);
    for (int k = 0; k < GEOIP_KINDS; k++) {
        const geoip_db_info *in = geoip_info(s->gi, k);
        if (!in->open)
            continue;
        if (!in->build_epoch) {
            utf8_diag(
                stderr, clear_line(s),
                "ringscan: warning: %s database %s: build date unknown (no ringscan-geoip.json "
                "beside it); cannot tell whether it is current",
                geoip_kind_name(k), in->path);
            continue;
        }
        int64_t days = (now - (int64_t)in->build_epoch) / 86400;
        if (days > GEOIP_STALE_DAYS)
            utf8_diag(stderr, clear_line(s),
                      "ringscan: warning: %s database %s is %lld days old (over %d): addresses "
                      "move between networks; update it with 'make geoip'",
                      geoip_kind_name(k), in->path, (long long)days, GEOIP_STALE_DAYS);
    }
}

static int stage_enrich(run_state *s)
{
    int rc =
        geoip_open(&s->gi, (const char *const *)s->cfg->geoip_path, s->cfg->geoip_search, &s->err);
    if (rc != RS_OK)
        return rc;
    geoip_enrich(s->gi, s->g, &s->gs);
    if (!geoip_info(s->gi, GEOIP_CITY)->open && s->gs.country == 0) {
        json_array_append_new(s->skipped, json_string("geolocation: no City/Country database and "
                                                      "no ip_country column"));
        if (!s->rq->quiet)
            fprintf(stderr,
                    "%sringscan: note: no GeoIP City/Country database and no ip_country "
                    "data: geo-dependent analysis skipped\n",
                    clear_line(s));
    }
    if (!geoip_info(s->gi, GEOIP_ASN)->open && s->gs.asn == 0)
        json_array_append_new(s->skipped, json_string("asn: no ASN database and no asn column"));
    if (!geoip_info(s->gi, GEOIP_ANON)->open)
        json_array_append_new(s->skipped, json_string("anonymous_ip: no Anonymous-IP database"));
    if (!s->rq->quiet)
        report_geoip(s);
    return RS_OK;
}

/* Allowlisted infrastructure, before detection: it links nobody. */
static void apply_allowlist(run_state *s)
{
    decision_effects eff = {0};
    decisions_apply_allowlist(s->g, &s->dec, &eff);
    effects_append(s->effects, &eff);
    decisions_effects_free(&eff);
}

/* --state: ids and statuses, then the analysts' decisions, recorded in the
 * run's transaction; cleared rings are then taken out of the findings. */
static int stage_track(run_state *s)
{
    findings *f = &s->fnd;
    uint32_t na = graph_count(s->g, NODE_ACCOUNT);
    int rc = state_track(s->state, s->g, f, s->run_time, &s->err);
    if (rc != RS_OK)
        return rc;
    f->hist.dispo = xcalloc(na ? na : 1, 1);
    decision_effects eff = {0};
    decisions_apply_confirmed(s->g, f, &s->dec, f->threshold, &eff);
    effects_append(s->effects, &eff);
    decisions_effects_free(&eff);
    rc = state_decisions(s->state, s->g, f, &s->dec, s->effects, &s->err);
    if (rc == RS_OK)
        rc = state_record(s->state, s->g, f, outdir_run_id(s->od), &s->err);
    if (rc == RS_OK)
        rc = state_record_time(s->state, &s->stime, f->hist.run_no, &s->err);
    if (rc != RS_OK)
        return rc;
    findings_drop_suppressed(f, na);
    f->hist.decisions_json = json_dumps(s->effects, JSON_COMPACT);
    return RS_OK;
}

/* On a terminal: which step of detection runs, and since when. */
static void detect_progress(void *ctx, int step, const char *what)
{
    const run_state *s = ctx;
    fprintf(stderr, "\r\033[Kdetect: step %d/%d, %s (%.1f s so far)", step + 1, DETECT_STEPS, what,
            proc_now() - s->t0);
}

static int stage_detect(run_state *s)
{
    int rc = s->rq->dispositions && s->state ? check_decision_subjects(s) : RS_OK;
    if (rc != RS_OK)
        return rc;
    if (s->dec.n)
        apply_allowlist(s);
    rs_error derr = {0};
    if (detect_run_progress(s->g, &s->cfg->detect, s->cfg->seed, (int)s->threads, &s->fnd,
                            s->progress ? detect_progress : NULL, s, &derr) != 0)
        return rs_error_set(&s->err, RS_E_IO, NULL, 0, 0, "ring detection failed: %s", derr.msg);
    s->fnd.credits = geoip_credits(s->gi);
    return RS_OK;
}

/* --- evidence ------------------------------------------------------------------ */

/* The run time recorded in evidence bags: SOURCE_DATE_EPOCH when set to a
 * valid integer (reproducible builds convention), else the clock. */
static int64_t run_time_utc(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (e && *e) {
        char *end;
        errno = 0;
        long long v = strtoll(e, &end, 10);
        if (!*end && !errno && v >= 0 && v < 253402300800LL)
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

/* What every bag records about the run (strings owned by the caller's
 * buffers: libs and chash). */
typedef struct {
    evidence_meta m;
    char *libs;
    char chash[SHA256_HEX_LEN];
    const char **names, **shas; /* owned arrays of borrowed strings */
} bag_meta;

static void bag_meta_init(bag_meta *bm, const run_state *s)
{
    json_t *cj = run_config_json(s);
    char *cs = json_dumps(cj, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    sha256_mem_hex(cs ? cs : "", cs ? strlen(cs) : 0, bm->chash);
    free(cs);
    json_decref(cj);
    bm->libs = runrecord_libraries_text();
    size_t n = s->set.nfiles;
    bm->names = xcalloc(n ? n : 1, sizeof *bm->names);
    bm->shas = xcalloc(n ? n : 1, sizeof *bm->shas);
    for (size_t i = 0; i < n; i++) {
        bm->names[i] = s->set.files[i].name;
        bm->shas[i] = s->set.files[i].st.sha256;
    }
    size_t ncols, base;
    const char *const *cols = replay_union_columns(&ncols, &base);
    if (!graph_has_identity(s->g))
        ncols = base; /* the identity and text columns only when the input has them */
    bm->m = (evidence_meta){
        RINGSCAN_VERSION, bm->libs, s->cfg->seed, bm->chash, run_time_utc(), bm->names,
        bm->shas,         n,        cols,         ncols};
}

/* How many rings' events.csv may be open at once, each pass over the inputs
 * serving that many rings: what the open-file limit allows (its soft value
 * raised to the hard one) less a reserve of 128, from EVIDENCE_BATCH to
 * EVIDENCE_BATCH_MAX. */
static size_t evidence_batch(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return EVIDENCE_BATCH;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
        struct rlimit up = rl;
        up.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            rl = up;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= EVIDENCE_BATCH_MAX + 128)
        return EVIDENCE_BATCH_MAX;
    return rl.rlim_cur >= EVIDENCE_BATCH + 128 ? (size_t)rl.rlim_cur - 128 : EVIDENCE_BATCH;
}

/* The row index keys of the ids that make a row evidence (evsel_wanted),
 * sorted; repeats are harmless. */
static uint32_t *evidence_keys(const evsel *sel, size_t *n)
{
    uint64_t *h;
    *n = evsel_wanted(sel, &h);
    uint32_t *k = xreallocarray(NULL, *n ? *n : 1, sizeof *k);
    for (size_t i = 0; i < *n; i++)
        k[i] = rowindex_key(h[i]);
    free(h);
    if (*n)
        qsort(k, *n, sizeof *k, cmp_u32);
    return k;
}

/* run.json's evidence_read: the row index's size and reach. */
static void record_evidence_read(run_state *s)
{
    uint64_t rows = 0;
    size_t files = 0;
    if (s->rows)
        rowindex_stats(s->rows, &rows, &files);
    json_t *o = json_object();
    json_object_set_new(o, "row_index", json_boolean(s->rows != NULL));
    json_object_set_new(o, "rows_indexed", json_integer((json_int_t)rows));
    uint64_t bytes = rows * (uint64_t)sizeof(rowindex_rec);
    json_object_set_new(o, "index_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(o, "files_read_selectively", json_integer((json_int_t)files));
    json_object_set_new(o, "files_read_whole", json_integer((json_int_t)(s->set.nfiles - files)));
    json_decref(s->evidence_read);
    s->evidence_read = o;
}

/* Streams the second pass over the inputs into the bags' events.csv, batch
 * by batch, selecting each ring's evidence rows on the way. With the row
 * index, each pass reads only the rows of the rings' accounts and resources. */
static int select_evidence(run_state *s, evidence_bags *bags)
{
    evsel *sel = evsel_new(s->g, s->pf, &s->cfg->detect, s->cases, evidence_events_row, bags);
    replay_filter flt = {s->rows, NULL, 0};
    uint32_t *keys = s->rows ? evidence_keys(sel, &flt.nkeys) : NULL;
    flt.keys = keys;
    int rc = RS_OK;
    size_t batch = evidence_batch();
    size_t nr = s->pf->nrings;
    size_t npass = (nr + batch - 1) / (batch ? batch : 1);
    for (size_t r0 = 0; r0 < nr && rc == RS_OK; r0 += batch) {
        size_t r1 = r0 + batch < nr ? r0 + batch : nr;
        if (s->progress)
            fprintf(stderr, "\r\033[Kevidence: pass %zu/%zu over the inputs (rings %zu-%zu of %zu)",
                    r0 / batch + 1, npass, r0 + 1, r1, nr);
        evsel_batch(sel, r0, r1);
        rc = evidence_events_open(bags, r0, r1, &s->err);
        if (rc == RS_OK) {
            rc = replay_run_selected(&s->set, s->g, s->rows ? &flt : NULL, evsel_row, sel, &s->err);
            if (rc == RS_E_IO && !s->err.msg[0])
                rs_error_set(&s->err, RS_E_IO, "events.csv", 0, 0, "write error");
        }
        int crc = evidence_events_close(bags, &s->err);
        if (rc == RS_OK)
            rc = crc;
    }
    free(keys);
    evsel_free(sel);
    record_evidence_read(s);
    rowindex_free(s->rows); /* its disk space back before the bags are written */
    s->rows = NULL;
    s->set.index = NULL;
    return rc;
}

static void *draw_cases(void *arg)
{
    run_state *s = arg;
    cases_draw(s->cases, s->g, s->pf);
    return NULL;
}

/* Sets s->pf to the rings at or above --evidence-min-severity. Rings below
 * it cost no drawing, no evidence rows and no bag: their accounts leave
 * pkg's ring_of, so the selection reads no row for them. */
static void packaged_view(run_state *s)
{
    findings_limit_packages(&s->fnd, s->cfg->evidence_min);
    s->pf = &s->fnd;
    if (!s->fnd.nunpackaged)
        return;
    uint32_t na = graph_count(s->g, NODE_ACCOUNT);
    size_t n = findings_packaged(&s->fnd);
    s->pkg_ring_of = xreallocarray(NULL, na ? na : 1, sizeof *s->pkg_ring_of);
    for (uint32_t a = 0; a < na; a++)
        s->pkg_ring_of[a] =
            s->fnd.ring_of[a] >= 0 && (size_t)s->fnd.ring_of[a] < n ? s->fnd.ring_of[a] : -1;
    s->pkg = s->fnd;
    s->pkg.nrings = n;
    s->pkg.nunpackaged = 0;
    s->pkg.ring_of = s->pkg_ring_of;
    s->pf = &s->pkg;
}

/* Case material for every packaged ring, then the selected evidence, written
 * into the staged evidence/ directory; the bags are completed by
 * stage_export. */
static int stage_evidence(run_state *s, bag_meta *bm, evidence_bags **bags, char **root)
{
    int rc = outdir_add_dir(s->od, "evidence", &s->err);
    if (rc != RS_OK)
        return rc;
    packaged_view(s);
    s->cases = cases_new(s->pf);
    bag_meta_init(bm, s);
    *root = files_join(outdir_staging_path(s->od), "evidence");
    *bags = evidence_begin(*root, s->g, &s->fnd, s->cases, &bm->m);
    evidence_set_progress(*bags, s->progress ? stderr : NULL);
    s->err.msg[0] = '\0';
    /* The drawings (igraph's Kamada-Kawai, which nothing else calls meanwhile)
     * beside the selection of evidence rows: they fill different members of
     * the casefiles. */
    pthread_t th;
    int drawing =
        s->threads > 1 && s->pf->nrings > 0 && pthread_create(&th, NULL, draw_cases, s) == 0;
    if (!drawing)
        cases_draw(s->cases, s->g, s->pf);
    rc = select_evidence(s, *bags);
    if (drawing)
        pthread_join(th, NULL);
    return rc;
}

/* --- export and publication ----------------------------------------------------- */

static int write_accounts_cb(FILE *f, const void *ctx)
{
    const run_state *s = ctx;
    return results_write_accounts(f, s->g, &s->fnd);
}

static int write_rings_cb(FILE *f, const void *ctx)
{
    const run_state *s = ctx;
    return results_write_rings(f, s->g, &s->fnd);
}

static int write_index_cb(FILE *f, const void *ctx)
{
    const run_state *s = ctx;
    const char *skipped[8];
    size_t n = s->set.nfiles ? s->set.nfiles : 1;
    const char **names = xcalloc(n, sizeof *names);
    uint64_t *rows = xcalloc(n, sizeof *rows), *bad = xcalloc(n, sizeof *bad);
    report_run run = {
        names,         rows,      bad,     0, s->gs.ips,
        s->gs.country, s->gs.asn, skipped, 0, findings_severity_name(s->cfg->evidence_min)};
    for (size_t i = 0; i < s->set.nfiles; i++) {
        const load_file *lf = &s->set.files[i];
        names[run.ninputs] = lf->name;
        rows[run.ninputs] = lf->st.rows_ok;
        bad[run.ninputs++] = lf->st.rows_bad;
    }
    for (size_t i = 0; i < json_array_size(s->skipped) && run.nskipped < 8; i++)
        skipped[run.nskipped++] = json_string_value(json_array_get(s->skipped, i));
    int rc = report_write_index(f, s->g, &s->fnd, &run);
    free(names);
    free(rows);
    free(bad);
    return rc;
}

/* The identity and text resources graph.graphml shows: every one that links
 * accounts (all), or those two accounts of a ring share. A new array. */
static uint32_t *graph_ident(const findings *fnd, int all, size_t *n)
{
    const findings_identity *fi = &fnd->ident;
    size_t cap = all ? fi->nres : 0;
    for (size_t i = 0; !all && i < fnd->nrings; i++)
        cap += fnd->rings[i].nident;
    uint32_t *v = xreallocarray(NULL, cap ? cap : 1, sizeof *v);
    size_t k = 0;
    for (uint32_t r = 0; all && r < fi->nres; r++)
        if (fi->linked[r])
            v[k++] = r;
    for (size_t i = 0; !all && i < fnd->nrings; i++)
        for (size_t j = 0; j < fnd->rings[i].nident; j++)
            v[k++] = fnd->rings[i].ident[j];
    if (k)
        qsort(v, k, sizeof *v, cmp_u32);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (!m || v[i] != v[m - 1])
            v[m++] = v[i];
    *n = m;
    return v;
}

/* graph.graphml: rings and their one-hop neighbourhood, or everything. */
static int write_graphml_cb(FILE *f, const void *ctx)
{
    const run_state *s = ctx;
    size_t nid;
    uint32_t *ident = graph_ident(&s->fnd, s->cfg->full_graph, &nid);
    graphml_view v = {0, NULL, 0, NULL, 0, NULL, &s->fnd, ident, nid};
    uint32_t *nodes = NULL;
    size_t *edges = NULL;
    if (!s->cfg->full_graph) {
        v.subset = 1;
        cases_suspicious(s->g, &s->fnd, s->cfg->graph_bids, &nodes, &v.nnodes, &edges, &v.nedges);
        v.nodes = nodes;
        v.edges = edges;
    }
    int rc = graphml_write(f, s->g, &v);
    free(nodes);
    free(edges);
    free(ident);
    return rc;
}

static int write_json_cb(FILE *f, const void *ctx)
{
    return jout_write(f, ctx);
}

static int write_changes_cb(FILE *f, const void *ctx)
{
    const run_state *s = ctx;
    json_t *c = results_changes(s->g, &s->fnd);
    int rc = jout_write(f, c);
    json_decref(c);
    return rc;
}

/* The outputs that need the graph and the findings but no bag, written on
 * one of the threads completing the bags (it reads s, writes only err). */
static int write_tables(void *ctx, rs_error *err)
{
    run_state *s = ctx;
    int rc;
    if ((rc = outdir_write(s->od, "accounts.csv", write_accounts_cb, s, err)) != RS_OK ||
        (rc = outdir_write(s->od, "rings.json", write_rings_cb, s, err)) != RS_OK ||
        (rc = outdir_write(s->od, "graph.graphml", write_graphml_cb, s, err)) != RS_OK)
        return rc;
    return RS_OK;
}

static int stage_export(run_state *s, evidence_bags *bags)
{
    int rc;
    if (s->state &&
        (rc = outdir_write(s->od, "changes.json", write_changes_cb, s, &s->err)) != RS_OK)
        return rc;
    if ((rc = evidence_finish_side(bags, s->threads, write_tables, s, &s->err)) != RS_OK ||
        (rc = outdir_write(s->od, "index.html", write_index_cb, s, &s->err)) != RS_OK)
        return rc;
    return RS_OK;
}

/* run.json's evidence_packages: the least severity packaged and how many
 * rings have a package (config_to_json leaves the threshold out). */
static json_t *packages_json(const run_state *s)
{
    return json_pack("{s:s, s:I, s:I}", "min_severity",
                     findings_severity_name(s->cfg->evidence_min), "rings_packaged",
                     (json_int_t)findings_packaged(&s->fnd), "rings_without_package",
                     (json_int_t)s->fnd.nunpackaged);
}

static json_t *run_json(run_state *s)
{
    const run_request *rq = s->rq;
    json_t *run = json_object();
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("ringscan"));
    json_object_set_new(tool, "version", json_string(RINGSCAN_VERSION));
    json_object_set_new(run, "tool", tool);
    json_t *libs = runrecord_libraries();
    /* utf8proc (identity attributes) is listed here only: the bags' library line
     * stays what runs without identity data always wrote. */
    json_object_set_new(libs, "utf8proc", json_string(normalize_library_version()));
    json_object_set_new(run, "libraries", libs);
    json_t *argv_j = json_array();
    for (int i = 0; i < rq->argc; i++)
        json_array_append_new(argv_j, jout_string(rq->argv_given[i]));
    json_object_set_new(run, "command_line", argv_j);
    json_object_set_new(run, "run_id", json_string(outdir_run_id(s->od)));
    json_object_set_new(run, "config", run_config_json(s));
    json_object_set_new(run, "limits", config_limits_json(s->cfg));
    json_object_set_new(run, "seed", json_integer((json_int_t)s->cfg->seed));
    json_object_set_new(run, "threads", json_integer((json_int_t)s->threads));
    json_object_set_new(run, "input_dir", jout_string(rq->in_dir));
    json_object_set_new(run, "inputs", runrecord_inputs(&s->set));
    if (s->cache_dir)
        json_object_set_new(run, "cache", runrecord_cache(&s->set, &s->cache_counts, s->cache_dir));
    json_t *ign = json_array();
    for (size_t i = 0; i < s->set.nignored; i++)
        json_array_append_new(ign, jout_string(s->set.ignored[i]));
    json_object_set_new(run, "ignored_files", ign);
    json_object_set_new(run, "rows_skipped_total", json_integer((json_int_t)s->set.bad_total));
    json_object_set_new(run, "window", window_given(&rq->window) ? window_json(s) : json_null());
    json_object_set_new(run, "rows_out_of_window_total",
                        json_integer((json_int_t)s->set.out_of_window_total));
    json_object_set_new(run, "rows_future_total", json_integer((json_int_t)s->set.future_total));
    json_object_set_new(run, "duplicate_files", json_integer((json_int_t)s->set.ndups));
    json_object_set_new(run, "account_ids", runrecord_account_ids(&s->set));
    json_object_set_new(run, "backfill", json_boolean(rq->backfill));
    json_object_set_new(run, "control_characters_replaced",
                        json_integer((json_int_t)utf8_controls_replaced()));
    json_object_set_new(run, "geoip", runrecord_geoip(s->gi, &s->gs, s->skipped));
    s->skipped = NULL;
    json_object_set_new(run, "graph", runrecord_graph(s->g));
    json_object_set_new(run, "phases", runrecord_phases(s->phases, s->nphases));
    json_object_set_new(run, "evidence_packages", packages_json(s));
    if (s->evidence_read) {
        json_object_set_new(run, "evidence_read", s->evidence_read);
        s->evidence_read = NULL;
    }
    json_object_set_new(run, "detection", results_summary(s->g, &s->fnd));
    json_t *outs = json_pack("[s, s, s, s, s, s]", "accounts.csv", "rings.json", "graph.graphml",
                             "index.html", "evidence/", "run.json");
    if (s->state) {
        json_array_append_new(outs, json_string("changes.json"));
        json_t *st = json_object();
        json_object_set_new(st, "database", jout_string(state_db_path(s->state)));
        json_object_set_new(st, "run", json_integer((json_int_t)s->fnd.hist.run_no));
        json_object_set_new(st, "changes", results_changes(s->g, &s->fnd));
        if (s->rec.rolled_back)
            json_object_set_new(st, "rolled_back", json_string(s->rec.rolled_back));
        if (s->rec.undelivered)
            json_object_set_new(st, "undelivered",
                                json_pack("{s:s, s:I}", "run_id", s->rec.undelivered, "actionable",
                                          (json_int_t)s->rec.actionable));
        json_object_set_new(run, "state", st);
    }
    if (rq->dispositions) {
        json_object_set_new(run, "dispositions_file", jout_string(rq->dispositions));
        /* each skipped row took one decision out of the set */
        json_object_set_new(run, "decisions_read",
                            json_integer((json_int_t)(s->dec.n + json_array_size(s->unmatched))));
        json_object_set_new(run, "decisions_applied", json_incref(s->effects));
        if (rq->dispositions_lenient)
            json_object_set_new(run, "dispositions_unmatched", json_incref(s->unmatched));
    }
    json_object_set_new(run, "outputs", outs);
    return run;
}

static size_t actionable_rings(const run_state *s);

/* The dated bags the state keeps, staged and read back before anything is
 * published or committed (src/commit.h, step 1): a bag that cannot be kept
 * fails the run. */
static int stage_state_commit(run_state *s)
{
    if (s->rq->backfill) /* an older period: no status, id or dated bag changes */
        return state_backfill_end(s->state, &s->err);
    commit_run cr = {s->rq->out_dir, &s->fnd, s->rq->keep_bags_days, 0};
    return commit_stage_bags(s->state, s->od, &cr, &s->err);
}

/* run.json last, then every staged output into place; with --state the
 * state's transaction is committed with the publication (src/commit.h). */
static int stage_publish(run_state *s)
{
    json_t *run = run_json(s);
    int rc;
    if (commit_fault("run.json")) { /* TEST ONLY: see src/commit.h */
        char *p = files_join(outdir_staging_path(s->od), "run.json");
        rc = rs_error_set(&s->err, RS_E_IO, p, 0, 0,
                          "write error: %s (test fault, RINGSCAN_TEST_FAULT)", strerror(ENOSPC));
        free(p);
    } else {
        rc = outdir_write(s->od, "run.json", write_json_cb, run, &s->err);
    }
    json_decref(run);
    if (rc != RS_OK) {
        if (s->state && !s->rq->backfill)
            state_bags_discard(s->state); /* staged by stage_state_commit */
        return rc;
    }
    if (s->rq->backfill) /* published beside current, the state left as it was */
        return outdir_commit_aside(s->od, &s->err);
    if (!s->state)
        return outdir_commit(s->od, &s->err);
    commit_run cr = {s->rq->out_dir, &s->fnd, s->rq->keep_bags_days, actionable_rings(s)};
    return commit_publish(s->state, s->od, &cr, &s->err);
}

/* --- the run ---------------------------------------------------------------- */

static int run_stages(run_state *s)
{
    int rc;
    bag_meta bm;
    memset(&bm, 0, sizeof bm);
    evidence_bags *bags = NULL;
    char *root = NULL;
    if ((rc = stage_prepare(s)) != RS_OK)
        goto done;
    phase_begin(s, "ingest");
    if ((rc = stage_ingest(s)) != RS_OK)
        goto done;
    phase_end(s);
    phase_begin(s, "graph");
    graph_finalize_threads(s->g, (int)s->threads);
    phase_end(s);
    if ((rc = check_memory(s, "building the graph")) != RS_OK)
        goto done;
    phase_begin(s, "enrich");
    if ((rc = stage_enrich(s)) != RS_OK)
        goto done;
    phase_end(s);
    phase_begin(s, "detect");
    if ((rc = stage_detect(s)) != RS_OK)
        goto done;
    phase_end(s);
    if ((rc = check_memory(s, "detection")) != RS_OK)
        goto done;
    if (s->state) {
        phase_begin(s, "state");
        if ((rc = stage_track(s)) != RS_OK)
            goto done;
        phase_end(s);
    }
    phase_begin(s, "evidence");
    if ((rc = stage_evidence(s, &bm, &bags, &root)) != RS_OK)
        goto done;
    phase_end(s);
    phase_begin(s, "export");
    if ((rc = stage_export(s, bags)) != RS_OK)
        goto done;
    phase_end(s);
    if (s->state) {
        phase_begin(s, "state_commit");
        if ((rc = stage_state_commit(s)) != RS_OK)
            goto done;
        phase_end(s);
    }
    rc = stage_publish(s);
done:
    evidence_free(bags);
    free(root);
    free(bm.libs);
    free(bm.names);
    free(bm.shas);
    return rc;
}

/* Rings that are new (or split off), grown, returned after a run without
 * them, or risen in severity, at or above the --exit-on severity. A cleared
 * ring reported again has grown or gained red-flag kinds; it counts when it
 * grew. */
static size_t actionable_rings(const run_state *s)
{
    const findings *f = &s->fnd;
    size_t n = 0;
    for (size_t i = 0; f->hist.track && i < f->nrings; i++) {
        const ring_track *t = &f->hist.track[i];
        int changed = t->status == TRACK_NEW || t->status == TRACK_GROWN ||
                      t->status == TRACK_SPLIT || t->returned || t->rose_from;
        if (changed && f->rings[i].severity <= s->rq->exit_on)
            n++;
    }
    return n;
}

/* --summary-json: one line on stdout for a scheduler. */
static void print_summary(const run_state *s, int exit_code)
{
    const findings *f = &s->fnd;
    json_t *o = json_object();
    json_object_set_new(
        o, "status",
        json_string(exit_code == RS_EXIT_OK || exit_code == RS_EXIT_CHANGES ? "ok" : "error"));
    json_object_set_new(o, "exit_code", json_integer(exit_code));
    if (exit_code != RS_EXIT_OK && exit_code != RS_EXIT_CHANGES) {
        json_object_set_new(o, "error", jout_string(s->err.msg));
    } else {
        json_object_set_new(o, "run_id", json_string(outdir_run_id(s->od)));
        json_object_set_new(o, "output", jout_string(s->rq->out_dir));
        json_object_set_new(o, "rings", json_integer((json_int_t)f->nrings));
        uint64_t flagged = 0;
        for (uint32_t a = 0; a < graph_count(s->g, NODE_ACCOUNT); a++)
            flagged += f->flagged[a];
        json_object_set_new(o, "accounts_flagged", json_integer((json_int_t)flagged));
        if (f->hist.track) {
            json_t *c = results_changes(s->g, f);
            json_object_set_new(o, "changes", json_incref(json_object_get(c, "counts")));
            json_decref(c);
            json_object_set_new(
                o, "actionable",
                json_integer((json_int_t)(actionable_rings(s) + s->rec.actionable)));
        }
    }
    char *line = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    if (line)
        printf("%s\n", line);
    fflush(stdout); /* delivered before the state's intent record goes (commit_done) */
    free(line);
    json_decref(o);
}

int pipeline_run(const run_request *rq)
{
    run_state s;
    memset(&s, 0, sizeof s);
    s.rq = rq;
    s.cfg = rq->cfg;
    s.progress = !rq->quiet && isatty(2);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    s.threads = rq->threads ? rq->threads : cores > 0 ? (unsigned)(cores < 64 ? cores : 64) : 1;
    s.skipped = json_array();
    s.effects = json_array();
    s.unmatched = json_array();
    s.run_time = run_time_utc();
    igraphenv_init(s.cfg->seed);

    int rc = run_stages(&s);
    char wnote[128 + 2 * TS_FMT_LEN] = "";
    if (window_given(&rq->window)) {
        char a[TS_FMT_LEN] = "-", b[TS_FMT_LEN] = "-";
        if (s.set.window.since != TS_NONE)
            ts_format(s.set.window.since, a);
        if (s.set.window.until != TS_NONE)
            ts_format(s.set.window.until, b);
        snprintf(wnote, sizeof wnote,
                 "; %" PRIu64 " event rows outside the window [%s, %s) skipped, %" PRIu64
                 " of them future rows (at or after its end)",
                 s.set.out_of_window_total, a, b, s.set.future_total);
    }
    if (rc == RS_OK && !rq->quiet)
        utf8_diag(
            stderr, "",
            "ringscan: %zu ring%s%s; wrote accounts.csv, rings.json, graph.graphml, index.html, "
            "evidence/ and run.json in %s/runs/%s (%s %s/current)",
            s.fnd.nrings, s.fnd.nrings == 1 ? "" : "s", wnote, rq->out_dir, outdir_run_id(s.od),
            rq->backfill ? "a backfill: not published as" : "published as", rq->out_dir);
    int exit_code = rc == RS_OK ? RS_EXIT_OK : rc == RS_E_BUSY ? RS_EXIT_BUSY : RS_EXIT_DATA;
    /* A run killed after its commit never reported its rings: they count here. */
    if (rc == RS_OK && rq->exit_code && !rq->backfill && actionable_rings(&s) + s.rec.actionable)
        exit_code = RS_EXIT_CHANGES;
    if (rq->summary_json)
        print_summary(&s, exit_code);
    if (rc != RS_OK) {
        utf8_diag(stderr, clear_line(&s), "ringscan: error: %s", s.err.msg);
        outdir_abort(s.od);
    } else {
        outdir_free(s.od);
    }
    json_decref(s.skipped);
    json_decref(s.effects);
    json_decref(s.unmatched);
    json_decref(s.evidence_read);
    commit_recovered_free(&s.rec);
    decisions_free(&s.dec);
    casefile_free_all(s.cases, findings_packaged(&s.fnd));
    free(s.pkg_ring_of);
    geoip_close(s.gi);
    findings_free(&s.fnd);
    graph_free(s.g);
    rowindex_free(s.rows);
    close_cache(&s, 0);
    free(s.cache_dir);
    load_set_free(&s.set);
    /* Last: until here a kill must leave the run's outcome to the next run. */
    if (rc == RS_OK && s.state)
        commit_done(s.state);
    state_close(s.state);
    return exit_code;
}

/* One line per file for validate: its rows, and for a mapped file the
 * source it was read as and the rows the mapping left out. */
static void validate_line(const load_file *f)
{
    char src[200] = "";
    if (f->map)
        snprintf(src, sizeof src, "  read as %s%s: %" PRIu64 " rows taken, %" PRIu64 " left out",
                 load_file_source(f), f->vendor ? " (recognised by content)" : "", f->tally.rows,
                 f->tally.left_out);
    utf8_diag(stdout, "", "%-20s %-6s %10" PRIu64 " rows  %8" PRIu64 " bad  %s%s", f->name,
              f->status == RS_OK ? "ok" : "FAILED", f->st.rows_read, f->st.rows_bad,
              f->st.unknown[0] ? "(ignored columns present)" : "", src);
}

int pipeline_validate(const char *in_dir, const table_opts *opts, const rs_config *cfg, int quiet)
{
    load_set set;
    rs_error err = {0};
    int rc = load_scan_sources(&set, in_dir, cfg ? cfg->sources : NULL,
                               cfg ? cfg->config_path : NULL, &err);
    if (rc != RS_OK) {
        utf8_diag(stderr, "", "ringscan: error: %s", err.msg);
        load_set_free(&set);
        return RS_EXIT_DATA;
    }
    if (cfg) {
        set.aliases = cfg->columns;
        set.naliases = cfg->ncolumns;
        set.null_values = (const char *const *)cfg->null_values;
        set.nnull_values = cfg->nnull_values;
    }
    set.ts_latest = latest_row_time(run_time_utc());
    table_opts to = *opts;
    to.diag = stderr;
    to.progress = !quiet && isatty(2);
    rc = load_tables(&set, NULL, &to, 1, &err); /* fatal errors are printed as they happen */
    if (rc == RS_OK && cfg &&
        (rc = load_check_aliases(&set, (const char *const *)cfg->column_given, &err)) != RS_OK)
        utf8_diag(stderr, "", "ringscan: error: %s", err.msg);
    if (rc == RS_OK && check_account_ids(&set, quiet, opts->strict, "", &err) != RS_OK) {
        rc = RS_E_VALUE;
        utf8_diag(stderr, "", "ringscan: error: %s", err.msg);
    }
    uint64_t bad = 0;
    for (size_t i = 0; i < set.nfiles; i++) {
        bad += set.files[i].st.rows_bad;
        if (!quiet)
            validate_line(&set.files[i]);
    }
    char hint[TABLE_HINT_LEN];
    for (size_t i = 0; i < set.nignored && !quiet; i++)
        utf8_diag(stdout, "", "%-20s ignored (not an input table%s)", set.ignored[i],
                  table_hint(set.ignored[i], hint));
    load_set_free(&set);
    return rc == RS_OK && bad == 0 ? RS_EXIT_OK : RS_EXIT_DATA;
}

int pipeline_parse_time(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (n == 10 && s[4] == '-' && s[7] == '-') { /* a date: midnight UTC */
        char full[32];
        snprintf(full, sizeof full, "%sT00:00:00Z", s);
        return ts_parse(full, strlen(full), out, NULL);
    }
    return n ? ts_parse(s, n, out, NULL) : -1;
}

int pipeline_parse_length(const char *s, int64_t *out_ms)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int64_t unit = *end == 'd' ? 86400000 : *end == 'h' ? 3600000 : 0;
    if (errno || !unit || end[1] != '\0' || v == 0 || v > (*end == 'd' ? 36525u : 876600u))
        return -1;
    *out_ms = (int64_t)v * unit;
    return 0;
}
