/* replay.c - the second pass over the inputs; see replay.h.
 *
 * A row is decoded by the loader's own decoder (load_check_row, decode.h),
 * so the event it stands for is the one the graph was built from; here its
 * names are looked up in the graph instead of interned. Its account ids
 * are first translated through the loader's account_ids map, so evidence
 * shows the platform's ids, as the graph does. The union of columns is
 * computed once from the schema (account_ids, not evidence, left out).
 */
#include "ingest/replay.h"

#include "base/ts.h"
#include "base/alloc.h"
#include "base/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define UNION_MAX 48

static const char *union_names[UNION_MAX];
static size_t union_n, union_base;
static int union_col[TABLE_COUNT][SCHEMA_MAX_COLS]; /* -1: the timestamp */
static pthread_once_t union_once = PTHREAD_ONCE_INIT;

/* Two rounds: the columns every run shows, then the identity and text ones. */
static void union_build(void)
{
    for (int round = 0; round < 2; round++)
        for (int t = 0; t < TABLE_COUNT; t++) {
            const table_def *td = schema_table((table_id)t);
            for (size_t c = 0; c < td->ncols; c++) {
                if (round == 0)
                    union_col[t][c] = -1;
                if (td->cols[c].type == COL_TS || td->cols[c].ext != round ||
                    t == TABLE_ACCOUNT_IDS)
                    continue;
                size_t u = 0;
                while (u < union_n && strcmp(union_names[u], td->cols[c].name) != 0)
                    u++;
                if (u == union_n && union_n < UNION_MAX)
                    union_names[union_n++] = td->cols[c].name;
                union_col[t][c] = u < union_n ? (int)u : -1;
            }
            if (round == 0 && t == TABLE_ATTRIBUTES)
                union_base = union_n;
        }
}

const char *const *replay_union_columns(size_t *n, size_t *base)
{
    pthread_once(&union_once, union_build);
    *n = union_n;
    if (base)
        *base = union_base;
    return union_names;
}

typedef struct {
    const rs_graph *g;
    replay_fn fn;
    void *ctx;
    table_id t;
    const load_window *window;
    const char *file, *sha;
    long line;
    int stopped;
    /* Reading selected rows: the records expected, in order; changed when a
     * row read is not the row recorded at that place by the first pass. */
    const rowindex_rec *expect;
    size_t nexpect, k;
    int changed;
    table_rowpos pos; /* the row's, from table_read */
    const accountids *ids;
} replay_ctx;

/* Ranged reading: whether this row is the next one recorded. */
static int is_expected(replay_ctx *rc, const tvalue *vals, int loaded)
{
    if (!loaded || rc->k >= rc->nexpect)
        return 0;
    const rowindex_rec *e = &rc->expect[rc->k++];
    uint32_t key[2];
    rowindex_row_keys(rc->t, vals, key);
    return e->line == (uint32_t)rc->line && e->sum == rc->pos.sum && e->key[0] == key[0] &&
           e->key[1] == key[1];
}

static uint32_t find_acct(const rs_graph *g, decode_str v)
{
    return v.s ? graph_find_account(g, v.s, v.n) : GRAPH_NONE;
}

static uint32_t find_device(const rs_graph *g, decode_str v)
{
    return v.s ? graph_find_device(g, v.s, v.n) : GRAPH_NONE;
}

static uint32_t find_dest(const rs_graph *g, decode_str v)
{
    return v.s ? graph_find_dest(g, v.s, v.n) : GRAPH_NONE;
}

static uint32_t find_string(const rs_graph *g, decode_str v)
{
    return v.s ? graph_find_string(g, v.s, v.n) : GRAPH_NONE;
}

static uint32_t project_of(decode_str v)
{
    return v.s ? graph_tiebreak(v.s, v.n) : GRAPH_NONE;
}

/* A text's id in graph.texts, or GRAPH_NONE. */
static uint32_t find_text(const rs_graph *g, decode_str v)
{
    if (!v.s || !g->texts)
        return GRAPH_NONE;
    uint32_t id = intern_get(g->texts, v.s, v.n);
    return id == INTERN_NONE ? GRAPH_NONE : id;
}

/* An attributes row's kind, and its value as load.c stored it, or GRAPH_NONE. */
static void resolve_attr(const rs_graph *g, const decode_attr *at, source_row *r)
{
    attr_kind k;
    char norm[LOAD_ATTR_MAX];
    int n = load_attr_value(g, find_acct(g, at->account), at, &k, norm, NULL);
    r->attr_kind = (uint8_t)k;
    if (n > 0)
        r->attr_value = graph_find_attr(g, (int)k, norm, (size_t)n);
}

/* The event e as load.c added it to g, its entities resolved by lookup. */
static void resolve_event(const rs_graph *g, const decode_event *e, source_row *r)
{
    r->attr_value = r->text = GRAPH_NONE;
    switch (e->table) {
    case TABLE_ACCOUNTS:
        r->text = find_text(g, e->u.account.text);
        break;
    case TABLE_ATTRIBUTES:
        resolve_attr(g, &e->u.attr, r);
        break;
    case TABLE_LOGINS: {
        const decode_login *d = &e->u.login;
        r->ev.login = (login_ev){.ts = e->ts,
                                 .account = find_acct(g, d->account),
                                 .ip = graph_find_ip(g, d->ip),
                                 .device = find_device(g, d->device),
                                 .session_s = d->session_s,
                                 .remote_ua = d->remote_ua != 0};
        break;
    }
    case TABLE_BIDS: {
        const decode_bid *d = &e->u.bid;
        r->text = find_text(g, d->text);
        r->ev.bid = (bid_ev){.ts = e->ts,
                             .freelancer = find_acct(g, d->freelancer),
                             .project = project_of(d->project),
                             .client = find_acct(g, d->client),
                             .accepted = d->accepted};
        break;
    }
    case TABLE_RATINGS: {
        const decode_rating *d = &e->u.rating;
        r->ev.rating = (rating_ev){.ts = e->ts,
                                   .client = find_acct(g, d->client),
                                   .freelancer = find_acct(g, d->freelancer),
                                   .project = project_of(d->project),
                                   .stars = d->stars};
        break;
    }
    case TABLE_PAYOUTS: {
        const decode_payout *d = &e->u.payout;
        r->ev.payout = (payout_ev){.ts = e->ts,
                                   .amount = d->amount,
                                   .account = find_acct(g, d->account),
                                   .dest = find_dest(g, d->dest),
                                   .currency = find_string(g, d->currency),
                                   .method = find_string(g, d->method)};
        break;
    }
    case TABLE_CHARGES: {
        const decode_charge *d = &e->u.charge;
        r->ev.charge = (charge_ev){.ts = e->ts,
                                   .amount = d->amount,
                                   .client = find_acct(g, d->client),
                                   .freelancer = find_acct(g, d->freelancer),
                                   .instrument = find_dest(g, d->instrument),
                                   .currency = find_string(g, d->currency)};
        break;
    }
    case TABLE_PORTS: {
        const decode_port *d = &e->u.port;
        r->ev.port = (port_ev){.ts = e->ts,
                               .ip = d->ip ? graph_find_ip(g, d->ip) : GRAPH_NONE,
                               .device = find_device(g, d->device),
                               .service = find_string(g, d->service),
                               .port = d->port};
        break;
    }
    case TABLE_ACCOUNT_IDS:
    case TABLE_COUNT:
        break;
    }
}

static int on_row(void *vctx, const tvalue *raw, int *bad_col, rs_error *err)
{
    (void)bad_col, (void)err;
    replay_ctx *rc = vctx;
    if (rc->stopped)
        return 0;
    tvalue buf[SCHEMA_MAX_COLS];
    const tvalue *vals = accountids_translate(rc->ids, rc->t, raw, buf);
    decode_event e;
    int loaded = load_check_row(rc->t, vals, &e) == 0 && load_in_window(rc->window, &e);
    if (rc->expect && !is_expected(rc, vals, loaded)) {
        rc->changed = rc->stopped = 1;
        return 0;
    }
    if (!loaded)
        return 0; /* not loaded by the first pass either */
    const table_def *td = schema_table(rc->t);
    source_row r;
    memset(&r, 0, sizeof r);
    r.table = rc->t;
    r.file = rc->file;
    r.sha256 = rc->sha;
    r.line = rc->line;
    r.ts = TS_NONE;
    for (size_t c = 0; c < td->ncols; c++) {
        const col_def *cd = &td->cols[c];
        const tvalue *v = &vals[c];
        if (!v->present)
            continue;
        if (cd->type == COL_TS) {
            r.ts = v->v.ts;
            r.ts_text = v->s;
            r.ts_len = v->n;
            continue;
        }
        if (schema_is_account_col(cd) && r.naccounts < RECORDS_MAX_ACCOUNTS)
            r.accounts[r.naccounts++] = graph_find_account(rc->g, v->s, v->n);
        r.cols[r.ncols++] = (record_col){cd->name, v->s, v->n, union_col[rc->t][c]};
    }
    resolve_event(rc->g, &e, &r);
    if (rc->fn(rc->ctx, &r) != 0)
        rc->stopped = 1;
    return 0;
}

static int file_changed(const load_file *lf, rs_error *err)
{
    return rs_error_set(err, RS_E_IO, lf->name, 0, 0,
                        "input file changed during the run (size, modification time or the "
                        "bytes of a row differ)");
}

/* Reads only the recorded rows of file i whose keys are in flt: returns RS_OK
 * (also when nothing is selected), a reader error, RS_E_IO when the file
 * changed, or 1 when the index cannot serve it (read it whole). */
static int replay_selected(const load_set *set, size_t i, const replay_filter *flt, replay_ctx *rc,
                           table_opts o, rs_error *err)
{
    const load_file *lf = &set->files[i];
    if (!flt || !rowindex_usable(flt->index, i))
        return 1;
    load_file_id now;
    if (load_file_stat(lf->path, &now) != 0 || !load_file_same(&now, &lf->id))
        return file_changed(lf, err);
    rowindex_rec *sel;
    size_t n = rowindex_select(flt->index, i, flt->keys, flt->nkeys, &sel);
    if (n == (size_t)-1)
        return 1;
    if (n == 0)
        return RS_OK;
    source_range *rg = xreallocarray(NULL, n + 1, sizeof *rg);
    size_t m = 0;
    if (lf->jsonl == TABLE_FMT_CSV || lf->jsonl == TABLE_FMT_TSV)
        rg[m++] = (source_range){0, lf->st.header_end, 1};
    for (size_t k = 0; k < n; k++)
        rg[m++] = (source_range){rowindex_off(&sel[k]), rowindex_len(&sel[k]), (long)sel[k].line};
    o.ranges = rg;
    o.row_pos = &rc->pos;
    o.nranges = m;
    rc->expect = sel;
    rc->nexpect = n;
    rc->k = 0;
    rc->changed = 0;
    table_stats st;
    memset(&st, 0, sizeof st);
    int r = table_read(lf->path, lf->name, lf->table, lf->jsonl, &o, on_row, rc, &st, err);
    if (r == RS_OK && (rc->changed || rc->k != n))
        r = file_changed(lf, err);
    rc->expect = NULL;
    free(rg);
    free(sel);
    return r;
}

int replay_run(const load_set *set, const rs_graph *g, replay_fn fn, void *ctx, rs_error *err)
{
    return replay_run_selected(set, g, NULL, fn, ctx, err);
}

int replay_run_selected(const load_set *set, const rs_graph *g, const replay_filter *flt,
                        replay_fn fn, void *ctx, rs_error *err)
{
    pthread_once(&union_once, union_build);
    replay_ctx rc = {g, fn, ctx, TABLE_ACCOUNTS, &set->window, NULL, NULL, 0, 0, NULL,
                     0, 0,  0,   {{0, 0, 0}, 0}, set->ids};
    table_opts o = TABLE_OPTS_INIT;
    o.max_bad_rows = UINT64_MAX;
    o.row_line = &rc.line;
    o.aliases = set->aliases;
    o.naliases = set->naliases;
    o.null_values = set->null_values;
    o.nnull_values = set->nnull_values;
    o.ts_latest = set->ts_latest;
    for (size_t i = 0; i < set->nfiles; i++) {
        const load_file *lf = &set->files[i];
        if (lf->dup || lf->table == TABLE_ACCOUNT_IDS) /* read once, or not evidence */
            continue;
        table_stats st;
        memset(&st, 0, sizeof st);
        rc.t = lf->table;
        rc.file = lf->name;
        rc.sha = lf->st.sha256;
        o.map = lf->map;
        int r = replay_selected(set, i, flt, &rc, o, err);
        if (r != 1) {
            if (r != RS_OK)
                return r;
            if (rc.stopped)
                return RS_E_IO;
            continue;
        }
        r = table_read(lf->path, lf->name, lf->table, lf->jsonl, &o, on_row, &rc, &st, err);
        if (r != RS_OK)
            return r;
        if (strcmp(st.sha256, lf->st.sha256) != 0)
            return rs_error_set(err, RS_E_IO, lf->name, 0, 0,
                                "input file changed during the run (SHA-256 differs)");
        if (rc.stopped)
            return RS_E_IO;
    }
    return RS_OK;
}
