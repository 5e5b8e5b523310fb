/* evidence.c - per-ring evidence packages; see evidence.h.
 *
 * Per batch of rings: create each bag's temporary directory and events.csv,
 * stream the second pass over the inputs into them, then write each ring's
 * remaining payload from the graph, hash everything into the BagIt manifests
 * and rename the bag into place. The ring's subgraph is its accounts (members
 * and shill clients), every node one of their edges touches, and every edge
 * between two such nodes; it is found through a per-account edge index, so
 * building it costs the ring's accounts' degrees, not the whole graph.
 */
#include "export/evidence.h"

#include "algorithms/layout.h"
#include "export/findings.h"
#include "export/gexf.h"
#include "export/graphml.h"
#include "export/jsonout.h"
#include "export/report.h"
#include "export/text.h"
#include "ingest/table.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/ts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define EV_MAX_DAYS 40000 /* histogram span; events outside still count */
#define EV_MAX_UNION 48

/* The table whose rows a flag is computed from (-1: none). */
static const int flag_table[FLAG_COUNT] = {
    TABLE_LOGINS,  TABLE_LOGINS,  TABLE_LOGINS,  TABLE_LOGINS,  TABLE_PORTS,
    TABLE_LOGINS,  TABLE_LOGINS,  TABLE_RATINGS, TABLE_RATINGS, TABLE_BIDS,
    TABLE_PAYOUTS, TABLE_PAYOUTS, TABLE_RATINGS, TABLE_CHARGES, -1};

static const char *const payload[] = {
    "data/edges.csv",    "data/events.csv",       "data/nodes.csv",     "data/report.html",
    "data/summary.json", "data/subgraph.graphml", "data/timeline.gexf",
};
#define NPAYLOAD (sizeof payload / sizeof *payload)

typedef struct {
    FILE *f;
    char *dir; /* temporary bag directory */
    uint64_t rows[TABLE_COUNT];
    int64_t day0;
    size_t ndays;
    uint64_t (*per_day)[TABLE_COUNT];
    report_row *samples[FLAG_COUNT];
    size_t nsamples[FLAG_COUNT];
} ev_ring;

typedef struct {
    uint32_t key, ring;
} ev_pair;

typedef struct {
    const rs_graph *g;
    const detect_result *r;
    size_t b0, b1;
    ev_ring *rings;
    table_id t;
    const char *file, *sha;
    long line;
    const char *unames[EV_MAX_UNION];
    size_t nunion;
    int ucol[TABLE_COUNT][SCHEMA_MAX_COLS]; /* union column, -1 ts, -2 none */
    ev_pair *ips, *devs;
    size_t nips, ndevs;
    rs_buf row, fields;
    int io_error;
    /* For picking the rows that show each flag (row_shows). */
    const detect_params *params;
    uint32_t *ip_deg, *dev_deg, *dest_deg; /* accounts per IP / device / payout dest */
    int64_t *last_end;                     /* per account: end of its previous login */
    char (*last_cc)[3];                    /* per account: that login's IP country */
} ev_pass;

static int in_u32(const uint32_t *list, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

static int high_risk_cc(const detect_params *pr, const char *cc)
{
    for (size_t i = 0; i < pr->n_high_risk; i++)
        if (cc[0] && !strcmp(pr->high_risk[i], cc))
            return 1;
    return 0;
}

/* Whether this input row of table t shows flag f for account a (which
 * carries f): the login from the foreign country, the long session, the
 * payout to the high-risk destination, the high rating, the rejected bid.
 * Mirrors the detectors' conditions row by row (see docs/detection.md);
 * GEO_HOP compares each login with the account's previous one in input
 * order, which is the detector's order for time-ordered exports. */
static int row_shows(ev_pass *p, flag_code f, uint32_t a, const tvalue *v)
{
    const rs_graph *g = p->g;
    const detect_params *pr = p->params;
    const account_attr *at = &g->acct[a];
    switch (p->t) {
    case TABLE_LOGINS: {
        uint32_t ip = intern_get(g->ids[NODE_IP], (const char *)v[2].v.ip.b, v[2].v.ip.len);
        if (ip == INTERN_NONE)
            return 0;
        const ip_attr *ia = &g->ip[ip];
        switch (f) {
        case FLAG_GEO_HOP: {
            int hop = p->last_cc[a][0] && ia->country[0] &&
                      strcmp(p->last_cc[a], ia->country) != 0 &&
                      v[0].v.ts - p->last_end[a] <= (int64_t)(pr->geo_hop_window_h * 3600e3);
            return hop;
        }
        case FLAG_SHARED_IP:
            return p->ip_deg[ip] >= 2 && p->ip_deg[ip] <= (uint32_t)pr->ip_pool_degree;
        case FLAG_SHARED_DEVICE: {
            if (!v[3].present)
                return 0;
            uint32_t d = intern_get(g->ids[NODE_DEVICE], v[3].s, v[3].n);
            return d != INTERN_NONE && p->dev_deg[d] >= 2;
        }
        case FLAG_LONG_SESSION:
            return v[4].present && (double)v[4].v.u >= pr->long_session_h * 3600.0;
        case FLAG_ANON_NETWORK:
            return ia->anon || (ia->asn && in_u32(pr->anon_asns, pr->n_anon_asns, ia->asn));
        case FLAG_COUNTRY_MISMATCH:
            return ia->country[0] && at->country[0] && strcmp(ia->country, at->country) != 0;
        default:
            return 0;
        }
    }
    case TABLE_PORTS:
        return f == FLAG_REMOTE_ACCESS &&
               in_u32(pr->remote_ports, pr->n_remote_ports, (uint32_t)v[1].v.u);
    case TABLE_RATINGS:
        if (f == FLAG_SELF_DEALING) {
            uint32_t c = intern_get(g->ids[NODE_ACCOUNT], v[1].s, v[1].n);
            uint32_t fr = intern_get(g->ids[NODE_ACCOUNT], v[2].s, v[2].n);
            return c != INTERN_NONE && fr != INTERN_NONE &&
                   ((p->r->flags[c].bits & p->r->flags[fr].bits) >> FLAG_SELF_DEALING & 1);
        }
        return (f == FLAG_RATING_BURST || f == FLAG_RATING_LOCKSTEP) && v[3].v.d >= pr->high_stars;
    case TABLE_BIDS:
        return f == FLAG_BID_SPAM && !(v[4].present && v[4].v.b);
    case TABLE_PAYOUTS: {
        uint32_t d = intern_get(g->ids[NODE_DEST], v[2].s, v[2].n);
        if (d == INTERN_NONE)
            return 0;
        if (f == FLAG_SHARED_PAYOUT)
            return p->dest_deg[d] >= 2;
        const char *dc = g->dest[d].country;
        return f == FLAG_HIGH_RISK_PAYOUT && high_risk_cc(pr, dc) && strcmp(dc, at->country) != 0;
    }
    case TABLE_CHARGES: {
        /* The freelancer's charges from a client that paid it at least
         * struct_min_charges times. */
        uint32_t c = intern_get(g->ids[NODE_ACCOUNT], v[1].s, v[1].n);
        const rs_edge *e = c == INTERN_NONE ? NULL : graph_edge_find(g, EDGE_CHARGE, c, a);
        return f == FLAG_STRUCTURED_CHARGES && e && e->count >= (uint32_t)pr->struct_min_charges;
    }
    default:
        return 0;
    }
}

static int pair_cmp(const void *pa, const void *pb)
{
    const ev_pair *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->ring < b->ring ? -1 : a->ring > b->ring;
}

/* --- the second pass -------------------------------------------------------- */

static void union_columns(ev_pass *p)
{
    for (int t = 0; t < TABLE_COUNT; t++) {
        const table_def *td = schema_table((table_id)t);
        for (size_t c = 0; c < SCHEMA_MAX_COLS; c++)
            p->ucol[t][c] = -2;
        for (size_t c = 0; c < td->ncols; c++) {
            if (td->cols[c].type == COL_TS) {
                p->ucol[t][c] = -1;
                continue;
            }
            size_t u = 0;
            while (u < p->nunion && strcmp(p->unames[u], td->cols[c].name) != 0)
                u++;
            if (u == p->nunion && p->nunion < EV_MAX_UNION)
                p->unames[p->nunion++] = td->cols[c].name;
            p->ucol[t][c] = u < p->nunion ? (int)u : -2;
        }
    }
}

static int is_account_col(const col_def *cd)
{
    return cd->type == COL_ID &&
           (!strcmp(cd->name, "account_id") || !strcmp(cd->name, "freelancer_id") ||
            !strcmp(cd->name, "client_id"));
}

static void add_ring(uint32_t *hit, size_t *nhit, uint32_t ri)
{
    for (size_t i = 0; i < *nhit; i++)
        if (hit[i] == ri)
            return;
    if (*nhit < 8)
        hit[(*nhit)++] = ri;
}

static void lookup_pairs(const ev_pair *v, size_t n, uint32_t key, uint32_t *hit, size_t *nhit)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && v[lo].key == key; lo++)
        add_ring(hit, nhit, v[lo].ring);
}

static int64_t day_of(int64_t ms)
{
    int64_t d = ms / 86400000;
    return ms % 86400000 < 0 ? d - 1 : d;
}

static void hist_add(ev_ring *er, int64_t day, int t)
{
    if (!er->ndays) {
        er->day0 = day;
        er->ndays = 1;
        er->per_day = xcalloc(1, sizeof *er->per_day);
    } else if (day < er->day0) {
        size_t grow = (size_t)(er->day0 - day);
        if (er->ndays + grow > EV_MAX_DAYS)
            return;
        er->per_day = xreallocarray(er->per_day, er->ndays + grow, sizeof *er->per_day);
        memmove(er->per_day + grow, er->per_day, er->ndays * sizeof *er->per_day);
        memset(er->per_day, 0, grow * sizeof *er->per_day);
        er->ndays += grow;
        er->day0 = day;
    } else if (day >= er->day0 + (int64_t)er->ndays) {
        size_t need = (size_t)(day - er->day0) + 1;
        if (need > EV_MAX_DAYS)
            return;
        er->per_day = xreallocarray(er->per_day, need, sizeof *er->per_day);
        memset(er->per_day + er->ndays, 0, (need - er->ndays) * sizeof *er->per_day);
        er->ndays = need;
    }
    er->per_day[day - er->day0][t]++;
}

static int on_event_row(void *ctx, const tvalue *vals, int *bad_col, const char **why)
{
    (void)bad_col, (void)why;
    ev_pass *p = ctx;
    const rs_graph *g = p->g;
    const table_def *td = schema_table(p->t);
    if (load_check_row(p->t, vals) != 0)
        return 0; /* not loaded by the first pass either */
    uint32_t hit[8], accts[4];
    size_t nhit = 0, nacct = 0;
    int64_t ts = TS_NONE;
    int tscol = -1;
    for (size_t c = 0; c < td->ncols; c++) {
        const col_def *cd = &td->cols[c];
        const tvalue *v = &vals[c];
        if (!v->present)
            continue;
        if (cd->type == COL_TS) {
            ts = v->v.ts;
            tscol = (int)c;
        } else if (is_account_col(cd)) {
            uint32_t a = intern_get(g->ids[NODE_ACCOUNT], v->s, v->n);
            int32_t ri = a == INTERN_NONE ? -1 : p->r->ring_of[a];
            if (ri >= 0 && (size_t)ri >= p->b0 && (size_t)ri < p->b1) {
                add_ring(hit, &nhit, (uint32_t)ri);
                if (nacct < 4)
                    accts[nacct++] = a;
            }
        } else if (p->t == TABLE_PORTS && cd->type == COL_IP) {
            uint32_t ip = intern_get(g->ids[NODE_IP], (const char *)v->v.ip.b, v->v.ip.len);
            if (ip != INTERN_NONE)
                lookup_pairs(p->ips, p->nips, ip, hit, &nhit);
        } else if (p->t == TABLE_PORTS && !strcmp(cd->name, "device_id")) {
            uint32_t d = intern_get(g->ids[NODE_DEVICE], v->s, v->n);
            if (d != INTERN_NONE)
                lookup_pairs(p->devs, p->ndevs, d, hit, &nhit);
        }
    }
    if (!nhit)
        return 0;

    /* The row: provenance, the timestamp twice, then the union columns. */
    rs_buf *b = &p->row;
    buf_clear(b);
    char t1[TS_FMT_LEN];
    text_csv_field(b, p->file, strlen(p->file));
    buf_printf(b, ",%s,%ld,%s,%s,", p->sha, p->line, td->name,
               ts == TS_NONE ? "" : ts_format(ts, t1));
    if (tscol >= 0)
        text_csv_field(b, vals[tscol].s, vals[tscol].n);
    const tvalue *byu[EV_MAX_UNION] = {0};
    for (size_t c = 0; c < td->ncols; c++)
        if (vals[c].present && p->ucol[p->t][c] >= 0)
            byu[p->ucol[p->t][c]] = &vals[c];
    for (size_t u = 0; u < p->nunion; u++) {
        buf_putc(b, ',');
        if (byu[u])
            text_csv_field(b, byu[u]->s, byu[u]->n);
    }
    buf_putc(b, '\n');

    int fields_done = 0;
    for (size_t k = 0; k < nhit; k++) {
        ev_ring *er = &p->rings[hit[k] - p->b0];
        if (fwrite(b->data, 1, b->len, er->f) != b->len)
            p->io_error = 1;
        er->rows[p->t]++;
        if (ts != TS_NONE && p->t != TABLE_ACCOUNTS) /* creation dates span years */
            hist_add(er, day_of(ts), p->t);
        for (int f = 0; f < FLAG_COUNT; f++) {
            if (flag_table[f] != (int)p->t || er->nsamples[f] >= REPORT_MAX_ROWS)
                continue;
            int shows = 0;
            if (p->t == TABLE_PORTS)
                shows = row_shows(p, (flag_code)f, 0, vals);
            for (size_t i = 0; i < nacct && !shows; i++)
                shows = p->r->ring_of[accts[i]] == (int32_t)hit[k] &&
                        ((p->r->flags[accts[i]].bits >> f) & 1) &&
                        row_shows(p, (flag_code)f, accts[i], vals);
            if (!shows)
                continue;
            if (!fields_done) {
                buf_clear(&p->fields);
                for (size_t c = 0; c < td->ncols; c++) {
                    if (!vals[c].present || (int)c == tscol)
                        continue;
                    if (p->fields.len)
                        buf_puts(&p->fields, ", ");
                    buf_puts(&p->fields, td->cols[c].name);
                    buf_putc(&p->fields, '=');
                    text_utf8_sanitize(&p->fields, vals[c].s, vals[c].n);
                }
                fields_done = 1;
            }
            if (!er->samples[f])
                er->samples[f] = xcalloc(REPORT_MAX_ROWS, sizeof *er->samples[f]);
            report_row *row = &er->samples[f][er->nsamples[f]++];
            row->file = xstrdup(p->file);
            row->line = p->line;
            row->ts = ts;
            row->fields = xstrdup(p->fields.data ? p->fields.data : "");
        }
    }
    if (p->t == TABLE_LOGINS) { /* GEO_HOP compares with the previous login */
        uint32_t ip = intern_get(g->ids[NODE_IP], (const char *)vals[2].v.ip.b, vals[2].v.ip.len);
        for (size_t i = 0; i < nacct && ip != INTERN_NONE; i++) {
            p->last_end[accts[i]] =
                vals[0].v.ts + (vals[4].present ? (int64_t)vals[4].v.u * 1000 : 0);
            memcpy(p->last_cc[accts[i]], g->ip[ip].country, 3);
        }
    }
    return 0;
}

/* (resource, ring) pairs for the batch's members' IPs and devices, so port
 * observations on them are found. */
static void resource_pairs(ev_pass *p)
{
    const rs_graph *g = p->g;
    size_t ci = 0, cd = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        int32_t ri = p->r->ring_of[e->a];
        if (ri < 0 || (size_t)ri < p->b0 || (size_t)ri >= p->b1)
            continue;
        if (e->kind == EDGE_LOGIN) {
            UTIL_GROW(p->ips, ci, p->nips + 1);
            p->ips[p->nips++] = (ev_pair){e->b, (uint32_t)ri};
        } else if (e->kind == EDGE_USES_DEVICE) {
            UTIL_GROW(p->devs, cd, p->ndevs + 1);
            p->devs[p->ndevs++] = (ev_pair){e->b, (uint32_t)ri};
        }
    }
    if (p->nips)
        qsort(p->ips, p->nips, sizeof *p->ips, pair_cmp);
    if (p->ndevs)
        qsort(p->devs, p->ndevs, sizeof *p->devs, pair_cmp);
}

static int events_pass(ev_pass *p, const load_set *set, rs_error *err)
{
    table_opts o = TABLE_OPTS_INIT;
    o.max_bad_rows = UINT64_MAX;
    o.row_line = &p->line;
    for (int t = 0; t < TABLE_COUNT; t++) {
        const load_file *lf = &set->files[t];
        if (!lf->present)
            continue;
        table_stats st;
        memset(&st, 0, sizeof st);
        p->t = (table_id)t;
        p->file = lf->name;
        p->sha = lf->st.sha256;
        int rc =
            table_read(lf->path, lf->name, (table_id)t, lf->jsonl, &o, on_event_row, p, &st, err);
        if (rc != RS_OK)
            return rc;
        if (strcmp(st.sha256, lf->st.sha256) != 0)
            return rs_error_set(err, RS_E_IO, lf->name, 0, 0,
                                "input file changed during the run (SHA-256 differs)");
        if (p->io_error)
            return rs_error_set(err, RS_E_IO, "events.csv", 0, 0, "write error");
    }
    return RS_OK;
}

/* --- the ring's subgraph ---------------------------------------------------- */

typedef struct {
    size_t *off; /* per account: its edges are idx[off[a] .. off[a+1]) */
    size_t *idx;
} acct_index;

static void acct_index_build(acct_index *ix, const rs_graph *g)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    ix->off = xcalloc((size_t)na + 1, sizeof *ix->off);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        ix->off[e->a + 1]++;
        if (graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT && e->b != e->a)
            ix->off[e->b + 1]++;
    }
    for (uint32_t a = 0; a < na; a++)
        ix->off[a + 1] += ix->off[a];
    ix->idx = xreallocarray(NULL, ix->off[na] ? ix->off[na] : 1, sizeof *ix->idx);
    size_t *fill = xreallocarray(NULL, (size_t)na + 1, sizeof *fill);
    memcpy(fill, ix->off, ((size_t)na + 1) * sizeof *fill);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        ix->idx[fill[e->a]++] = i;
        if (graph_edge_end_type((edge_kind)e->kind, 1) == NODE_ACCOUNT && e->b != e->a)
            ix->idx[fill[e->b]++] = i;
    }
    free(fill);
}

typedef struct {
    uint32_t *nodes; /* global ids, ascending */
    size_t nnodes;
    size_t *edges; /* edge indices, ascending */
    size_t nedges;
} subgraph;

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int sz_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Fills s for ring ri; keep (zeroed, one byte per global node) is set for
 * the subgraph's nodes and left so for the caller. */
static void subgraph_build(subgraph *s, const rs_graph *g, const detect_result *r, size_t ri,
                           const acct_index *ix, uint8_t *keep)
{
    const ring *rg = &r->rings[ri];
    size_t cap = 0, ecap = 0;
    memset(s, 0, sizeof *s);
    for (size_t k = 0; k < rg->nmembers + rg->nshills; k++) {
        uint32_t a = k < rg->nmembers ? rg->members[k] : rg->shills[k - rg->nmembers];
        uint32_t ga = graph_node_gid(g, NODE_ACCOUNT, a);
        if (!keep[ga]) {
            keep[ga] = 1;
            UTIL_GROW(s->nodes, cap, s->nnodes + 1);
            s->nodes[s->nnodes++] = ga;
        }
        for (size_t j = ix->off[a]; j < ix->off[a + 1]; j++) {
            const rs_edge *e = &g->edges[ix->idx[j]];
            uint32_t ends[2] = {graph_edge_src_gid(g, e),
                                graph_edge_dst_gid(g, e)};
            for (int q = 0; q < 2; q++) {
                if (keep[ends[q]])
                    continue;
                keep[ends[q]] = 1;
                UTIL_GROW(s->nodes, cap, s->nnodes + 1);
                s->nodes[s->nnodes++] = ends[q];
            }
        }
    }
    if (s->nnodes)
        qsort(s->nodes, s->nnodes, sizeof *s->nodes, u32_cmp);
    for (size_t i = 0; i < s->nnodes; i++) {
        uint32_t a;
        if (graph_node_decode(g, s->nodes[i], &a) != NODE_ACCOUNT)
            continue;
        for (size_t j = ix->off[a]; j < ix->off[a + 1]; j++) {
            const rs_edge *e = &g->edges[ix->idx[j]];
            if (!keep[graph_edge_src_gid(g, e)] ||
                !keep[graph_edge_dst_gid(g, e)])
                continue;
            UTIL_GROW(s->edges, ecap, s->nedges + 1);
            s->edges[s->nedges++] = ix->idx[j];
        }
    }
    if (s->nedges)
        qsort(s->edges, s->nedges, sizeof *s->edges, sz_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->nedges; i++)
        if (!w || s->edges[w - 1] != s->edges[i])
            s->edges[w++] = s->edges[i];
    s->nedges = w;
}

static void subgraph_clear(subgraph *s, uint8_t *keep)
{
    for (size_t i = 0; i < s->nnodes; i++)
        keep[s->nodes[i]] = 0;
    free(s->nodes);
    free(s->edges);
    memset(s, 0, sizeof *s);
}

/* 1 member, 2 shill, 3 other account, 4 resource */
static int node_role(const rs_graph *g, const detect_result *r, size_t ri, uint32_t gid)
{
    uint32_t id;
    if (graph_node_decode(g, gid, &id) != NODE_ACCOUNT)
        return 4;
    if (r->ring_of[id] != (int32_t)ri)
        return 3;
    return graph_account_type(g, id) == NODE_CLIENT ? 2 : 1;
}

static const char *const role_name[] = {"", "member", "shill", "counterparty", "resource"};

/* "type:label" - the stable id of a node in nodes.csv/edges.csv. */
static void stable_id(rs_buf *tmp, const rs_graph *g, uint32_t gid)
{
    uint32_t id;
    node_type t = graph_node_decode(g, gid, &id);
    node_type nt = t == NODE_ACCOUNT ? graph_account_type(g, id) : t;
    char lb[IPADDR_STRLEN];
    size_t l;
    const char *s;
    s = graph_label_n(g, (node_type)t, id, lb, &l);
    buf_clear(tmp);
    buf_puts(tmp, graph_node_type_name(nt));
    buf_putc(tmp, ':');
    buf_append(tmp, s, l);
}

/* --- the payload files ------------------------------------------------------ */

typedef struct {
    const rs_graph *g;
    const detect_result *r;
    size_t ri;
    const subgraph *s;
    const ev_ring *er;
    const evidence_meta *m;
    const graphml_annot *an;
    const load_set *set;
} ring_ctx;

static int write_nodes(FILE *f, const ring_ctx *c)
{
    rs_buf b = {0}, tmp = {0};
    int rc = 0;
    buf_puts(&b, "Id,Label,Type,Ring_role,Ring_id,Flagged,Risk_score,Flags,Country,ASN\n");
    for (size_t i = 0; i < c->s->nnodes; i++) {
        uint32_t gid = c->s->nodes[i], id;
        node_type t = graph_node_decode(c->g, gid, &id);
        node_type nt = t == NODE_ACCOUNT ? graph_account_type(c->g, id) : t;
        stable_id(&tmp, c->g, gid);
        text_csv_field(&b, tmp.data, tmp.len);
        buf_putc(&b, ',');
        size_t colon = strlen(graph_node_type_name(nt)) + 1;
        text_csv_field(&b, tmp.data + colon, tmp.len - colon);
        buf_printf(&b, ",%s,%s,", graph_node_type_name(nt),
                   role_name[node_role(c->g, c->r, c->ri, gid)]);
        const char *country = "";
        if (t == NODE_ACCOUNT) {
            int32_t rix = c->r->ring_of[id];
            char fl[320];
            detect_flags_text(&c->r->flags[id], fl, sizeof fl);
            buf_printf(&b, "%s,%d,%.6f,%s,", rix >= 0 ? c->r->rings[rix].id : "",
                       c->r->flagged[id] ? 1 : 0, c->r->risk[id], fl);
            country = c->g->acct[id].country;
        } else {
            buf_puts(&b, ",,,,");
            country = t == NODE_IP     ? c->g->ip[id].country
                      : t == NODE_DEST ? c->g->dest[id].country
                                       : "";
        }
        buf_puts(&b, country);
        buf_putc(&b, ',');
        if (t == NODE_IP && c->g->ip[id].asn)
            buf_printf(&b, "%u", c->g->ip[id].asn);
        buf_putc(&b, '\n');
        buf_spill(&b, f, &rc);
    }
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    buf_free(&tmp);
    return rc;
}

static int write_edges(FILE *f, const ring_ctx *c)
{
    rs_buf b = {0}, tmp = {0};
    int rc = 0;
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_puts(&b, "Source,Target,Type,Kind,Weight,Count,First_seen,Last_seen,Amount,Stars\n");
    for (size_t k = 0; k < c->s->nedges; k++) {
        const rs_edge *e = &c->g->edges[c->s->edges[k]];
        stable_id(&tmp, c->g, graph_edge_src_gid(c->g, e));
        text_csv_field(&b, tmp.data, tmp.len);
        buf_putc(&b, ',');
        stable_id(&tmp, c->g, graph_edge_dst_gid(c->g, e));
        text_csv_field(&b, tmp.data, tmp.len);
        buf_printf(&b, ",Directed,%s,%u,%u,%s,%s,", graph_edge_kind_name((edge_kind)e->kind),
                   e->count, e->count, ts_format(e->first, t1), ts_format(e->last, t2));
        if (e->kind == EDGE_PAYOUT || e->kind == EDGE_CHARGE || e->kind == EDGE_PAYS_WITH)
            buf_printf(&b, "%.2f", e->sum);
        buf_putc(&b, ',');
        if (e->kind == EDGE_RATING && e->count)
            buf_printf(&b, "%.3f", e->sum / e->count);
        buf_putc(&b, '\n');
        buf_spill(&b, f, &rc);
    }
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    buf_free(&tmp);
    return rc;
}

static int write_summary(FILE *f, const ring_ctx *c)
{
    const ring *rg = &c->r->rings[c->ri];
    json_t *o = findings_ring_json(c->g, c->r, c->ri);
    json_t *flags = json_object();
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (!rg->flag_counts[k])
            continue;
        json_t *fo = json_object(), *accts = json_array();
        uint64_t ev = 0;
        for (size_t i = 0; i < rg->nmembers + rg->nshills; i++) {
            uint32_t a = i < rg->nmembers ? rg->members[i] : rg->shills[i - rg->nmembers];
            if (!((c->r->flags[a].bits >> k) & 1))
                continue;
            size_t l;
            const char *id = intern_str(c->g->ids[NODE_ACCOUNT], a, &l);
            json_t *ao = json_object();
            json_object_set_new(ao, "account_id", jout_stringn(id, l));
            json_object_set_new(ao, "evidence", json_integer(c->r->flags[a].evidence[k]));
            json_array_append_new(accts, ao);
            ev += c->r->flags[a].evidence[k];
        }
        json_object_set_new(fo, "accounts_with_flag", json_integer(rg->flag_counts[k]));
        json_object_set_new(fo, "evidence_total", json_integer((json_int_t)ev));
        json_object_set_new(fo, "accounts", accts);
        json_object_set_new(flags, detect_flag_name((flag_code)k), fo);
    }
    json_object_set_new(o, "flags", flags);
    json_t *ev = json_object();
    for (int t = 0; t < TABLE_COUNT; t++)
        json_object_set_new(ev, schema_table((table_id)t)->name,
                            json_integer((json_int_t)c->er->rows[t]));
    json_object_set_new(o, "input_rows", ev);
    json_t *sg = json_object();
    json_object_set_new(sg, "nodes", json_integer((json_int_t)c->s->nnodes));
    json_object_set_new(sg, "edges", json_integer((json_int_t)c->s->nedges));
    json_object_set_new(o, "subgraph", sg);
    json_object_set_new(o, "ringscan_version", json_string(c->m->version));
    int rc = jout_write(f, o);
    json_decref(o);
    return rc;
}

static int write_graphml(FILE *f, const ring_ctx *c)
{
    return graphml_write(f, c->g, c->an);
}

static int write_gexf(FILE *f, const ring_ctx *c)
{
    const char **role = xcalloc(c->s->nnodes ? c->s->nnodes : 1, sizeof *role);
    double *risk = xcalloc(c->s->nnodes ? c->s->nnodes : 1, sizeof *risk);
    for (size_t i = 0; i < c->s->nnodes; i++) {
        uint32_t id;
        role[i] = role_name[node_role(c->g, c->r, c->ri, c->s->nodes[i])];
        if (graph_node_decode(c->g, c->s->nodes[i], &id) == NODE_ACCOUNT)
            risk[i] = c->r->risk[id];
    }
    gexf_sub gs = {c->s->nodes, c->s->nnodes, c->s->edges, c->s->nedges, role, risk};
    int rc = gexf_write(f, c->g, &gs);
    free(role);
    free(risk);
    return rc;
}

typedef struct {
    const ring_ctx *c;
    const char *const *files;
    const char (*hashes)[65];
    size_t nfiles;
} report_ctx;

static int write_report(FILE *f, const report_ctx *rc_)
{
    const ring_ctx *c = rc_->c;
    const subgraph *s = c->s;
    /* Shown nodes: ring accounts first, then the infrastructure they share
     * (strongest first), other infrastructure, counterparty accounts. */
    const ring *rg = &c->r->rings[c->ri];
    size_t nshow = s->nnodes < REPORT_MAX_NODES ? s->nnodes : REPORT_MAX_NODES, k = 0;
    uint32_t *gid = xcalloc(nshow ? nshow : 1, sizeof *gid);
    uint8_t *role = xcalloc(nshow ? nshow : 1, 1);
    uint8_t *added = xcalloc(s->nnodes ? s->nnodes : 1, 1);
    for (int pass = 0; pass < 4; pass++) {
        size_t n = pass == 1 ? rg->nres : s->nnodes;
        for (size_t i = 0; i < n && k < nshow; i++) {
            size_t at = i;
            if (pass == 1) {
                uint32_t want = graph_node_gid(c->g, (node_type)rg->res[i].type, rg->res[i].id);
                const uint32_t *hit =
                    bsearch(&want, s->nodes, s->nnodes, sizeof *s->nodes, u32_cmp);
                if (!hit)
                    continue;
                at = (size_t)(hit - s->nodes);
            }
            int r = node_role(c->g, c->r, c->ri, s->nodes[at]);
            if (added[at] || (pass == 0 && r > 2) || (pass == 2 && r != 4) || (pass == 3 && r != 3))
                continue;
            added[at] = 1;
            gid[k] = s->nodes[at];
            role[k++] = (uint8_t)(r <= 2 ? r : 0);
        }
    }
    free(added);
    uint32_t *sorted = xreallocarray(NULL, nshow ? nshow : 1, sizeof *sorted);
    uint32_t *pos = xreallocarray(NULL, nshow ? nshow : 1, sizeof *pos);
    memcpy(sorted, gid, nshow * sizeof *gid);
    if (nshow)
        qsort(sorted, nshow, sizeof *sorted, u32_cmp);
    for (size_t i = 0; i < nshow; i++) {
        const uint32_t *hit = bsearch(&gid[i], sorted, nshow, sizeof *sorted, u32_cmp);
        pos[hit - sorted] = (uint32_t)i;
    }
    uint32_t *ea = NULL, *eb = NULL;
    size_t ne = 0, cap_a = 0, cap_b = 0;
    for (size_t j = 0; j < s->nedges; j++) {
        const rs_edge *e = &c->g->edges[s->edges[j]];
        uint32_t x = graph_edge_src_gid(c->g, e);
        uint32_t y = graph_edge_dst_gid(c->g, e);
        const uint32_t *hx = bsearch(&x, sorted, nshow, sizeof *sorted, u32_cmp);
        const uint32_t *hy = bsearch(&y, sorted, nshow, sizeof *sorted, u32_cmp);
        if (!hx || !hy)
            continue;
        UTIL_GROW(ea, cap_a, ne + 1);
        UTIL_GROW(eb, cap_b, ne + 1);
        ea[ne] = pos[hx - sorted];
        eb[ne++] = pos[hy - sorted];
    }
    double *x = xcalloc(nshow ? nshow : 1, sizeof *x), *y = xcalloc(nshow ? nshow : 1, sizeof *y);
    layout_kamada_kawai(nshow, ea, eb, ne, x, y);
    char *ex = findings_explain(c->g, c->r, c->ri);
    const report_row *samples[FLAG_COUNT];
    for (int fl = 0; fl < FLAG_COUNT; fl++)
        samples[fl] = c->er->samples[fl];
    report_ring rr = {
        .g = c->g,
        .r = c->r,
        .ring = c->ri,
        .explanation = ex,
        .nnodes = s->nnodes,
        .nshown = nshow,
        .node_gid = gid,
        .node_role = role,
        .x = x,
        .y = y,
        .nedges = ne,
        .ea = ea,
        .eb = eb,
        .nedges_total = s->nedges,
        .day0 = c->er->day0,
        .ndays = c->er->ndays,
        .per_day = (const uint64_t(*)[TABLE_COUNT])c->er->per_day,
        .samples = samples,
        .nsamples = c->er->nsamples,
        .files = rc_->files,
        .hashes = rc_->hashes,
        .nfiles = rc_->nfiles,
    };
    memcpy(rr.rows, c->er->rows, sizeof rr.rows);
    int rc = report_write_ring(f, &rr);
    free(ex);
    free(x);
    free(y);
    free(ea);
    free(eb);
    free(gid);
    free(role);
    free(sorted);
    free(pos);
    return rc;
}

static int write_payload(const char *dir, const char *name, files_write_fn fn, const void *ctx,
                         rs_error *err)
{
    char *p = files_join(dir, name);
    int rc = files_write(p, fn, ctx, err);
    free(p);
    return rc;
}

#define WRAP(name, T)                                                                              \
    static int name##_cb(FILE *f, const void *ctx)                                                 \
    {                                                                                              \
        return name(f, (const T *)ctx);                                                            \
    }
WRAP(write_nodes, ring_ctx)
WRAP(write_edges, ring_ctx)
WRAP(write_summary, ring_ctx)
WRAP(write_graphml, ring_ctx)
WRAP(write_gexf, ring_ctx)
WRAP(write_report, report_ctx)

static int finish_bag(const char *root, const ring_ctx *c, rs_error *err)
{
    const ring *rg = &c->r->rings[c->ri];
    const char *dir = c->er->dir;
    int rc;
    if ((rc = write_payload(dir, "data/summary.json", write_summary_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/nodes.csv", write_nodes_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/edges.csv", write_edges_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/subgraph.graphml", write_graphml_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/timeline.gexf", write_gexf_cb, c, err)) != RS_OK)
        return rc;
    /* The report lists the other payload files' hashes. */
    const char *files[NPAYLOAD];
    char hashes[NPAYLOAD][65];
    size_t nf = 0;
    for (size_t i = 0; i < NPAYLOAD; i++) {
        if (!strcmp(payload[i], "data/report.html"))
            continue;
        char *p = files_join(dir, payload[i]);
        rc = sha256_file_hex(p, hashes[nf], NULL, err);
        free(p);
        if (rc != RS_OK)
            return rc;
        files[nf++] = payload[i];
    }
    report_ctx rx = {c, files, (const char(*)[65])hashes, nf};
    if ((rc = write_payload(dir, "data/report.html", write_report_cb, &rx, err)) != RS_OK)
        return rc;

    char run_time[TS_FMT_LEN], date[16], desc[160], inputs[TABLE_COUNT][128];
    ts_format(c->m->run_time * 1000, run_time);
    snprintf(date, sizeof date, "%.10s", run_time);
    snprintf(desc, sizeof desc,
             "ringscan evidence package for ring %s (rank %zu, score %.3f, %zu members, %zu "
             "shill clients)",
             rg->id, c->ri + 1, rg->score, rg->nmembers, rg->nshills);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->m->seed);
    char agent[64];
    snprintf(agent, sizeof agent, "ringscan %s", c->m->version);
    bagit_tag tags[16 + TABLE_COUNT];
    size_t nt = 0;
    tags[nt++] = (bagit_tag){"Bag-Software-Agent", agent};
    tags[nt++] = (bagit_tag){"Bagging-Date", date};
    tags[nt++] = (bagit_tag){"External-Identifier", rg->id};
    tags[nt++] = (bagit_tag){"External-Description", desc};
    tags[nt++] = (bagit_tag){"Ringscan-Version", c->m->version};
    tags[nt++] = (bagit_tag){"Ringscan-Libraries", c->m->libraries};
    tags[nt++] = (bagit_tag){"Ringscan-Seed", seed};
    tags[nt++] = (bagit_tag){"Ringscan-Config-SHA256", c->m->config_sha256};
    tags[nt++] = (bagit_tag){"Ringscan-Run-Time-UTC", run_time};
    for (int t = 0; t < TABLE_COUNT; t++) {
        const load_file *lf = &c->set->files[t];
        if (!lf->present)
            continue;
        snprintf(inputs[t], sizeof inputs[t], "%s sha256:%s", lf->name, lf->st.sha256);
        tags[nt++] = (bagit_tag){"Ringscan-Input-File", inputs[t]};
    }
    rc = bagit_complete(dir, payload, NPAYLOAD, tags, nt, err);
    if (rc != RS_OK)
        return rc;
    char *to = files_join(root, rg->id);
    if (rename(dir, to) != 0)
        rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot move into place: %s", strerror(errno));
    free(to);
    return rc;
}

static void ev_ring_free(ev_ring *er)
{
    if (er->f)
        fclose(er->f);
    free(er->dir);
    free(er->per_day);
    for (int f = 0; f < FLAG_COUNT; f++) {
        for (size_t k = 0; k < er->nsamples[f]; k++) {
            free(er->samples[f][k].file);
            free(er->samples[f][k].fields);
        }
        free(er->samples[f]);
    }
    memset(er, 0, sizeof *er);
}

int evidence_write(const char *root, const rs_graph *g, const detect_result *r, const load_set *set,
                   const evidence_meta *m, rs_error *err)
{
    int rc = RS_OK;
    uint32_t na = graph_count(g, NODE_ACCOUNT), nn = graph_node_total(g);
    acct_index ix = {0};
    uint8_t *keep = NULL;
    const char **ring_ids = NULL, **flags = NULL;
    char *flagbuf = NULL;
    ev_pass p;
    memset(&p, 0, sizeof p);
    if (!r->nrings)
        return RS_OK;
    acct_index_build(&ix, g);
    keep = xcalloc(nn ? nn : 1, 1);
    ring_ids = xcalloc(na ? na : 1, sizeof *ring_ids);
    flags = xcalloc(na ? na : 1, sizeof *flags);
    flagbuf = xcalloc(na ? na : 1, 320);
    for (uint32_t a = 0; a < na; a++) {
        ring_ids[a] = r->ring_of[a] >= 0 ? r->rings[r->ring_of[a]].id : NULL;
        detect_flags_text(&r->flags[a], flagbuf + (size_t)a * 320, 320);
        flags[a] = flagbuf + (size_t)a * 320;
    }
    graphml_annot an = {keep, ring_ids, r->risk, flags, r->ring_of};
    p.g = g;
    p.r = r;
    p.params = m->params;
    p.ip_deg = xcalloc((size_t)graph_count(g, NODE_IP) + 1, sizeof *p.ip_deg);
    p.dev_deg = xcalloc((size_t)graph_count(g, NODE_DEVICE) + 1, sizeof *p.dev_deg);
    p.dest_deg = xcalloc((size_t)graph_count(g, NODE_DEST) + 1, sizeof *p.dest_deg);
    p.last_end = xcalloc(na ? na : 1, sizeof *p.last_end);
    p.last_cc = xcalloc(na ? na : 1, sizeof *p.last_cc);
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *ed = &g->edges[i];
        if (ed->kind == EDGE_LOGIN)
            p.ip_deg[ed->b]++;
        else if (ed->kind == EDGE_USES_DEVICE)
            p.dev_deg[ed->b]++;
        else if (ed->kind == EDGE_PAYOUT)
            p.dest_deg[ed->b]++;
    }
    union_columns(&p);
    p.rings = xcalloc(EVIDENCE_BATCH, sizeof *p.rings);

    for (size_t b0 = 0; b0 < r->nrings && rc == RS_OK; b0 += EVIDENCE_BATCH) {
        size_t b1 = b0 + EVIDENCE_BATCH < r->nrings ? b0 + EVIDENCE_BATCH : r->nrings;
        p.b0 = b0;
        p.b1 = b1;
        p.nips = p.ndevs = 0;
        free(p.ips);
        free(p.devs);
        p.ips = p.devs = NULL;
        p.io_error = 0;
        resource_pairs(&p);
        for (size_t i = b0; i < b1 && rc == RS_OK; i++) {
            ev_ring *er = &p.rings[i - b0];
            char name[64];
            snprintf(name, sizeof name, ".tmp-%s", r->rings[i].id);
            er->dir = files_join(root, name);
            char *data = files_join(er->dir, "data");
            char *ev = files_join(data, "events.csv");
            if (mkdir(er->dir, 0777) != 0 || mkdir(data, 0777) != 0)
                rc = rs_error_set(err, RS_E_IO, data, 0, 0, "cannot create: %s", strerror(errno));
            else if (!(er->f = fopen(ev, "wb")))
                rc = rs_error_set(err, RS_E_IO, ev, 0, 0, "cannot create: %s", strerror(errno));
            free(data);
            free(ev);
            if (rc != RS_OK)
                break;
            setvbuf(er->f, NULL, _IOFBF, 1 << 16);
            fputs("source_file,source_sha256,line,table,ts_utc,ts_original", er->f);
            for (size_t u = 0; u < p.nunion; u++)
                fprintf(er->f, ",%s", p.unames[u]);
            fputc('\n', er->f);
        }
        if (rc == RS_OK)
            rc = events_pass(&p, set, err);
        for (size_t i = b0; i < b1; i++) {
            ev_ring *er = &p.rings[i - b0];
            if (er->f) {
                int bad = ferror(er->f);
                if ((fclose(er->f) != 0 || bad) && rc == RS_OK)
                    rc = rs_error_set(err, RS_E_IO, "events.csv", 0, 0, "write error: %s",
                                      strerror(errno));
                er->f = NULL;
            }
        }
        for (size_t i = b0; i < b1 && rc == RS_OK; i++) {
            subgraph s;
            subgraph_build(&s, g, r, i, &ix, keep);
            ring_ctx c = {g, r, i, &s, &p.rings[i - b0], m, &an, set};
            rc = finish_bag(root, &c, err);
            subgraph_clear(&s, keep);
        }
        for (size_t i = b0; i < b1; i++)
            ev_ring_free(&p.rings[i - b0]);
    }
    free(p.rings);
    free(p.ips);
    free(p.devs);
    free(p.ip_deg);
    free(p.dev_deg);
    free(p.dest_deg);
    free(p.last_end);
    free(p.last_cc);
    buf_free(&p.row);
    buf_free(&p.fields);
    free(ix.off);
    free(ix.idx);
    free(keep);
    free(ring_ids);
    free(flags);
    free(flagbuf);
    return rc;
}
