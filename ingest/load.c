/* load.c - input directory discovery and the per-table row handlers that turn
 * typed rows into graph entities, edges and timeline events; see load.h. */
#include "ingest/load.h"

#include "ingest/rowpipe.h"
#include "base/utf8.h"
#include "base/ts.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const suffixes[] = {".csv", ".jsonl", ".csv.gz", ".jsonl.gz"};

int load_scan(load_set *set, const char *dir, rs_error *err)
{
    memset(set, 0, sizeof *set);
    set->dir = xstrdup(dir);
    DIR *d = opendir(dir);
    if (!d)
        return rs_error_set(err, RS_E_IO, dir, 0, 0, "cannot open input directory: %s",
                            strerror(errno));
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        UTIL_GROW(names, cap, nnames + 1);
        names[nnames++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (nnames)
        qsort(names, nnames, sizeof *names, util_strcmp_p); /* readdir order is arbitrary */
    int rc = RS_OK;
    for (size_t i = 0; i < nnames; i++) {
        const char *nm = names[i];
        int matched = 0;
        for (int t = 0; t < TABLE_COUNT && !matched; t++) {
            const char *tn = schema_table((table_id)t)->name;
            size_t tl = strlen(tn);
            if (strncmp(nm, tn, tl) != 0)
                continue;
            for (size_t s = 0; s < sizeof suffixes / sizeof *suffixes; s++) {
                if (strcmp(nm + tl, suffixes[s]) != 0)
                    continue;
                matched = 1;
                load_file *f = &set->files[t];
                if (f->present) {
                    if (rc == RS_OK)
                        rc = rs_error_set(err, RS_E_SCHEMA, dir, 0, 0,
                                          "two files for table '%s': %s and %s", tn, f->name, nm);
                    break;
                }
                f->present = 1;
                f->name = xstrdup(nm);
                size_t pl = strlen(dir) + strlen(nm) + 2;
                f->path = xmalloc(pl);
                snprintf(f->path, pl, "%s/%s", dir, nm);
                f->jsonl = strstr(suffixes[s], "jsonl") != NULL;
                break;
            }
        }
        if (!matched) {
            set->ignored = xreallocarray(set->ignored, set->nignored + 1, sizeof *set->ignored);
            set->ignored[set->nignored++] = names[i];
            names[i] = NULL;
        }
        free(names[i]);
    }
    free(names);
    if (rc == RS_OK) {
        int any = 0;
        for (int t = 0; t < TABLE_COUNT; t++)
            any |= set->files[t].present;
        if (!any)
            rc = rs_error_set(err, RS_E_SCHEMA, dir, 0, 0,
                              "no input tables found (expected accounts, logins, bids, ratings, "
                              "payouts, charges or ports as .csv/.jsonl, optionally .gz)");
    }
    return rc;
}

void load_set_free(load_set *set)
{
    for (int t = 0; t < TABLE_COUNT; t++) {
        free(set->files[t].path);
        free(set->files[t].name);
    }
    for (size_t i = 0; i < set->nignored; i++)
        free(set->ignored[i]);
    free(set->ignored);
    free(set->dir);
    memset(set, 0, sizeof *set);
}

/* --- row handlers --------------------------------------------------------
 * Column indices follow schema.c; the asserts in load_tables check them. */

#define V(i) (&vals[i])
#define STR(i) V(i)->s, V(i)->n

static int on_account(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    (void)bad_col, (void)why;
    rs_graph *g = ctx;
    if (!g)
        return 0;
    uint32_t a = graph_account(g, STR(0), 0);
    account_attr *at = &g->acct[a];
    at->listed = 1;
    if (V(1)->present)
        at->role = (uint8_t)V(1)->v.role;
    if (V(2)->present)
        at->created_at = V(2)->v.ts;
    if (V(3)->present)
        memcpy(at->country, V(3)->v.cc, 3);
    if (V(4)->present)
        at->display_name = graph_string(g, STR(4));
    return 0;
}

static int on_login(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    rs_graph *g = ctx;
    if (V(4)->present && V(4)->v.u > INT32_MAX) {
        *bad_col = 4;
        *why = "out of range";
        return RS_E_VALUE;
    }
    if (!g)
        return 0;
    login_ev e = {
        .ts = V(0)->v.ts,
        .session_s = V(4)->present ? (int32_t)V(4)->v.u : -1,
    };
    graph_add_login_keys(g, &e, STR(1), &V(2)->v.ip, V(3)->present ? V(3)->s : NULL, V(3)->n);
    ip_attr *ia = &g->ip[e.ip];
    if (V(6)->present && ia->country_src != SRC_DATA) {
        memcpy(ia->country, V(6)->v.cc, 3);
        ia->country_src = SRC_DATA;
    }
    if (V(7)->present && ia->asn_src != SRC_DATA) {
        ia->asn = (uint32_t)V(7)->v.u;
        ia->asn_src = SRC_DATA;
        if (V(8)->present)
            ia->asn_org = graph_string(g, STR(8));
    }
    return 0;
}

static int on_bid(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    (void)bad_col, (void)why;
    rs_graph *g = ctx;
    if (!g)
        return 0;
    bid_ev e = {
        .ts = V(0)->v.ts,
        .freelancer = graph_account(g, STR(1), SEEN_AS_FREELANCER),
        .project = V(2)->present ? graph_string(g, STR(2)) : GRAPH_NONE,
        .client = V(3)->present ? graph_account(g, STR(3), SEEN_AS_CLIENT) : GRAPH_NONE,
        .accepted = V(4)->present ? (int8_t)V(4)->v.b : -1,
    };
    graph_add_bid(g, &e);
    return 0;
}

static int on_rating(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    rs_graph *g = ctx;
    if (V(1)->n == V(2)->n && memcmp(V(1)->s, V(2)->s, V(1)->n) == 0) {
        *bad_col = 2;
        *why = "client rates itself";
        return RS_E_VALUE;
    }
    if (!g)
        return 0;
    rating_ev e = {
        .ts = V(0)->v.ts,
        .client = graph_account(g, STR(1), SEEN_AS_CLIENT),
        .freelancer = graph_account(g, STR(2), SEEN_AS_FREELANCER),
        .stars = (float)V(3)->v.d,
        .project = V(4)->present ? graph_string(g, STR(4)) : GRAPH_NONE,
    };
    graph_add_rating(g, &e);
    return 0;
}

static int on_payout(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    (void)bad_col, (void)why;
    rs_graph *g = ctx;
    if (!g)
        return 0;
    payout_ev e = {
        .ts = V(0)->v.ts,
        .account = graph_account(g, STR(1), 0),
        .dest = graph_dest(g, STR(2), 1),
        .amount = V(3)->v.d,
        .currency = V(4)->present ? graph_string(g, STR(4)) : GRAPH_NONE,
        .method = V(5)->present ? graph_string(g, STR(5)) : GRAPH_NONE,
    };
    if (V(6)->present)
        memcpy(g->dest[e.dest].country, V(6)->v.cc, 3);
    graph_add_payout(g, &e);
    return 0;
}

static int on_charge(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    (void)bad_col, (void)why;
    rs_graph *g = ctx;
    if (!g)
        return 0;
    charge_ev e = {
        .ts = V(0)->v.ts,
        .client = graph_account(g, STR(1), SEEN_AS_CLIENT),
        .freelancer = graph_account(g, STR(2), SEEN_AS_FREELANCER),
        .amount = V(3)->v.d,
        .currency = V(4)->present ? graph_string(g, STR(4)) : GRAPH_NONE,
        .instrument = V(5)->present ? graph_dest(g, STR(5), 2) : GRAPH_NONE,
    };
    graph_add_charge(g, &e);
    return 0;
}

static int on_port(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    rs_graph *g = ctx;
    if (!V(2)->present && !V(3)->present) {
        *bad_col = 2;
        *why = "needs an ip or a device_id";
        return RS_E_VALUE;
    }
    if (!g)
        return 0;
    port_ev e = {
        .ts = V(0)->v.ts,
        .port = (uint16_t)V(1)->v.u,
        .ip = V(2)->present ? graph_ip(g, &V(2)->v.ip) : GRAPH_NONE,
        .device = V(3)->present ? graph_device(g, STR(3)) : GRAPH_NONE,
        .service = V(4)->present ? graph_string(g, STR(4)) : GRAPH_NONE,
    };
    graph_add_port(g, &e);
    return 0;
}

static const table_row_fn handlers[TABLE_COUNT] = {on_account, on_login,  on_bid, on_rating,
                                                   on_payout,  on_charge, on_port};

int load_check_row(table_id t, const tvalue *vals)
{
    int bad_col;
    const char *why;
    return handlers[t](NULL, vals, &bad_col, &why);
}

/* Consumer side of the pipeline: the row was checked by the producer. */
static void apply_row(rs_graph *g, table_id t, const tvalue *vals)
{
    int bad_col;
    const char *why;
    handlers[t](g, vals, &bad_col, &why);
}

typedef struct {
    rowpipe *pipe;
    table_id table;
} piped;

static void hash_piped(void *ctx, const void *data, size_t n)
{
    piped *pc = ctx;
    rowpipe_push_bytes(pc->pipe, pc->table, data, n);
}

/* Producer side: checks the row (the handlers with no graph only validate)
 * and queues it for the graph thread. */
static int on_row_piped(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    piped *pc = ctx;
    int rc = handlers[pc->table](NULL, vals, bad_col, why);
    if (rc == 0)
        rowpipe_push(pc->pipe, pc->table, vals);
    return rc;
}

int load_tables(load_set *set, rs_graph *g, const table_opts *opts, int keep_going, rs_error *err)
{
    int first_rc = RS_OK;
    table_opts o = *opts;
    o.bad_total = &set->bad_total;
    o.aliases = set->aliases;
    o.naliases = set->naliases;
    piped pc = {g ? rowpipe_start(g, apply_row) : NULL, TABLE_ACCOUNTS};
    if (pc.pipe) {
        o.hash_sink = hash_piped;
        o.hash_ctx = &pc;
    }
    uint64_t text_used = 0; /* decompressed bytes read so far, for the run-wide limit */
    for (int t = 0; t < TABLE_COUNT; t++) {
        load_file *f = &set->files[t];
        if (!f->present)
            continue;
        rs_error ferr = {0};
        pc.table = (table_id)t;
        if (opts->lim.max_bytes) {
            o.lim.run_max = opts->lim.max_bytes;
            o.lim.max_bytes = text_used < opts->lim.max_bytes ? opts->lim.max_bytes - text_used : 1;
        }
        if (pc.pipe)
            f->status = table_read(f->path, f->name, (table_id)t, f->jsonl, &o, on_row_piped, &pc,
                                   &f->st, &ferr);
        else
            f->status = table_read(f->path, f->name, (table_id)t, f->jsonl, &o, handlers[t], g,
                                   &f->st, &ferr);
        text_used += f->st.text_bytes;
        if (f->status != RS_OK) {
            if (first_rc == RS_OK) {
                first_rc = f->status;
                if (err)
                    *err = ferr;
            }
            if (!keep_going)
                break;
            if (o.diag) /* keep_going: every file's fatal error, in order */
                utf8_diag(o.diag, o.progress ? "\r\033[K" : "", "ringscan: error: %s", ferr.msg);
        }
    }
    if (pc.pipe) {
        /* The graph and the input digests are complete once the consumer is. */
        char sha[TABLE_COUNT][65];
        rowpipe_finish(pc.pipe, sha);
        for (int t = 0; t < TABLE_COUNT; t++)
            if (set->files[t].present && sha[t][0])
                memcpy(set->files[t].st.sha256, sha[t], 65);
    }
    return first_rc;
}
