/* evidence.c - per-ring evidence packages; see evidence.h.
 *
 * Per batch of rings: create each bag's temporary directory and events.csv,
 * into which the second pass streams the rings' rows. Once every batch is
 * through, each bag's remaining payload is written from the findings and its
 * casefile, everything is hashed into the BagIt manifests and the bag is
 * renamed into place.
 */
#include "export/evidence.h"

#include "base/files.h"
#include "base/sha256.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/proc.h"
#include "export/bagit.h"
#include "export/gexf.h"
#include "export/graphml.h"
#include "export/jsonout.h"
#include "export/report.h"
#include "export/results.h"
#include "export/explain.h"
#include "export/escape.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const payload[] = {
    "data/edges.csv",    "data/events.csv",       "data/nodes.csv",     "data/report.html",
    "data/summary.json", "data/subgraph.graphml", "data/timeline.gexf",
};
#define NPAYLOAD (sizeof payload / sizeof *payload)

struct evidence_bags {
    const char *root;
    const rs_graph *g;
    const findings *f;
    const casefile *cases;
    const evidence_meta *m;
    size_t n;         /* rings with a package: findings_packaged(f) */
    uint32_t *degree; /* per global node, for the subgraphs' GraphML */
    char **dirs;      /* per ring: its temporary bag directory, once created */
    FILE **events;    /* per ring of the open batch: events.csv */
    size_t r0, r1;
    rs_buf row;
    FILE *progress; /* a terminal for progress lines, or NULL */
};

evidence_bags *evidence_begin(const char *root, const rs_graph *g, const findings *f,
                              const casefile *cases, const evidence_meta *m)
{
    evidence_bags *b = xcalloc(1, sizeof *b);
    b->root = root;
    b->g = g;
    b->f = f;
    b->cases = cases;
    b->m = m;
    b->n = findings_packaged(f);
    b->degree = b->n ? graph_node_degrees(g) : NULL;
    b->dirs = xcalloc(b->n ? b->n : 1, sizeof *b->dirs);
    b->events = xcalloc(b->n ? b->n : 1, sizeof(FILE *));
    return b;
}

int evidence_events_open(evidence_bags *b, size_t r0, size_t r1, rs_error *err)
{
    int rc = RS_OK;
    assert(r1 <= b->n);
    b->r0 = r0;
    b->r1 = r1;
    for (size_t i = r0; i < r1 && rc == RS_OK; i++) {
        char name[64];
        snprintf(name, sizeof name, ".tmp-%s", findings_ring_id(b->f, i));
        b->dirs[i] = files_join(b->root, name);
        char *data = files_join(b->dirs[i], "data");
        char *ev = files_join(data, "events.csv");
        FILE *fp = NULL;
        if (mkdir(b->dirs[i], 0777) != 0 || mkdir(data, 0777) != 0)
            rc = rs_error_set(err, RS_E_IO, data, 0, 0, "cannot create: %s", strerror(errno));
        else if (!(fp = fopen(ev, "wb")))
            rc = rs_error_set(err, RS_E_IO, ev, 0, 0, "cannot create: %s", strerror(errno));
        free(data);
        free(ev);
        if (rc != RS_OK)
            break;
        b->events[i - r0] = fp;
        setvbuf(fp, NULL, _IOFBF, 1 << 16);
        rs_buf *h = &b->row;
        buf_clear(h);
        buf_puts(h, "source_file,source_sha256,line,table,ts_utc,ts_original");
        for (size_t u = 0; u < b->m->ncolumns; u++) {
            buf_putc(h, ',');
            escape_csv_field(h, b->m->columns[u], strlen(b->m->columns[u]));
        }
        buf_putc(h, '\n');
        fwrite(h->data, 1, h->len, fp); /* a short write shows in ferror at close */
    }
    return rc;
}

int evidence_events_row(void *vb, size_t ri, const source_row *r)
{
    evidence_bags *b = vb;
    rs_buf *o = &b->row;
    char t1[TS_FMT_LEN];
    /* Provenance, the timestamp twice, then the data columns. */
    buf_clear(o);
    escape_csv_field(o, r->file, strlen(r->file));
    buf_printf(o, ",%s,%ld,%s,%s,", r->sha256, r->line, records_table_name(r->table),
               r->ts == TS_NONE ? "" : ts_format(r->ts, t1));
    if (r->ts_text)
        escape_csv_field(o, r->ts_text, r->ts_len);
    const record_col *byu[64] = {0};
    for (size_t c = 0; c < r->ncols; c++)
        if (r->cols[c].ucol >= 0 && (size_t)r->cols[c].ucol < 64)
            byu[r->cols[c].ucol] = &r->cols[c];
    for (size_t u = 0; u < b->m->ncolumns && u < 64; u++) {
        buf_putc(o, ',');
        if (byu[u])
            escape_csv_field(o, byu[u]->s, byu[u]->n);
    }
    buf_putc(o, '\n');
    FILE *fp = b->events[ri - b->r0];
    return fwrite(o->data, 1, o->len, fp) == o->len ? 0 : -1;
}

int evidence_events_close(evidence_bags *b, rs_error *err)
{
    int rc = RS_OK;
    for (size_t i = b->r0; i < b->r1; i++) {
        FILE *fp = b->events[i - b->r0];
        b->events[i - b->r0] = NULL;
        if (!fp)
            continue;
        int bad = ferror(fp);
        if ((fclose(fp) != 0 || bad) && rc == RS_OK) {
            char *data = files_join(b->dirs[i], "data"), *ev = files_join(data, "events.csv");
            rc = rs_error_set(err, RS_E_IO, ev, 0, 0, "write error: %s", strerror(errno));
            free(data);
            free(ev);
        }
    }
    b->r0 = b->r1 = 0;
    return rc;
}

/* --- the payload files ------------------------------------------------------ */

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

typedef struct {
    const rs_graph *g;
    const findings *r;
    size_t ri;
    const case_subgraph *s;
    const casefile *cf;
    const evidence_meta *m;
    const uint32_t *degree;
    const char *root, *dir;
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
        escape_csv_field(&b, tmp.data, tmp.len);
        buf_putc(&b, ',');
        size_t colon = strlen(graph_node_type_name(nt)) + 1;
        escape_csv_field(&b, tmp.data + colon, tmp.len - colon);
        buf_putc(&b, ',');
        buf_puts(&b, graph_node_type_name(nt));
        buf_putc(&b, ',');
        buf_puts(&b, findings_role_name(findings_node_role(c->g, c->r, c->ri, gid)));
        buf_putc(&b, ',');
        const char *country = "";
        if (t == NODE_ACCOUNT) {
            int32_t rix = c->r->ring_of[id];
            char fl[FLAGS_TEXT_MAX];
            flags_text(&c->r->flags[id], fl, sizeof fl);
            buf_printf(&b, "%s,%d,%.6f,%s,", rix >= 0 ? findings_ring_id(c->r, (size_t)rix) : "",
                       c->r->flagged[id] ? 1 : 0, c->r->risk[id], fl);
            country = c->g->acct[id].country;
        } else {
            buf_puts(&b, ",,,,");
            country = t == NODE_IP     ? c->g->ip[id].country
                      : t == NODE_DEST ? c->g->dest[id].country
                                       : "";
        }
        escape_csv_field(&b, country, strlen(country));
        buf_putc(&b, ',');
        if (t == NODE_IP && c->g->ip[id].asn)
            buf_put_int(&b, c->g->ip[id].asn);
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
        escape_csv_field(&b, tmp.data, tmp.len);
        buf_putc(&b, ',');
        stable_id(&tmp, c->g, graph_edge_dst_gid(c->g, e));
        escape_csv_field(&b, tmp.data, tmp.len);
        buf_puts(&b, ",Directed,");
        buf_puts(&b, graph_edge_kind_name((edge_kind)e->kind));
        buf_putc(&b, ',');
        buf_put_int(&b, e->count);
        buf_putc(&b, ',');
        buf_put_int(&b, e->count);
        buf_putc(&b, ',');
        buf_puts(&b, ts_format(e->first, t1));
        buf_putc(&b, ',');
        buf_puts(&b, ts_format(e->last, t2));
        buf_putc(&b, ',');
        if (e->kind == EDGE_PAYOUT || e->kind == EDGE_CHARGE || e->kind == EDGE_PAYS_WITH)
            buf_printf(&b, "%.2f", graph_edge_sum(c->g, e));
        buf_putc(&b, ',');
        if (e->kind == EDGE_RATING && e->count)
            buf_printf(&b, "%.3f", graph_edge_sum(c->g, e) / e->count);
        buf_putc(&b, '\n');
        buf_spill(&b, f, &rc);
    }
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    buf_free(&tmp);
    return rc;
}

/* The input rows kept as evidence of flag k, each with its file, line and
 * columns as written (the same rows the report's flag table shows). */
static json_t *sample_rows(const case_evidence *ev, flag_code k)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < ev->nsamples[k]; i++) {
        const case_row *cr = &ev->samples[k][i];
        json_t *ro = json_object(), *cols = json_object();
        json_object_set_new(ro, "file", jout_string(cr->file));
        json_object_set_new(ro, "line", json_integer(cr->line));
        char t[TS_FMT_LEN];
        json_object_set_new(ro, "ts",
                            cr->ts == TS_NONE ? json_null() : json_string(ts_format(cr->ts, t)));
        if (cr->pair_gap_ms >= 0)
            json_object_set_new(ro, "pair_gap_seconds",
                                json_real((double)cr->pair_gap_ms / 1000.0));
        for (size_t j = 0; j < cr->ncols; j++)
            json_object_set_new(cols, cr->name[j], jout_string(cr->value[j]));
        json_object_set_new(ro, "columns", cols);
        json_array_append_new(rows, ro);
    }
    return rows;
}

static int write_summary(FILE *f, const ring_ctx *c)
{
    const ring *rg = &c->r->rings[c->ri];
    json_t *o = results_ring_json(c->g, c->r, c->ri);
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
            /* A handed-over account: its flags speak of the operated period, and the
             * rows before the date are the owner's baseline (docs/evidence.md). */
            if (c->r->flags[a].handover_at) {
                char t[TS_FMT_LEN];
                json_object_set_new(ao, "operated_from",
                                    json_string(ts_format(c->r->flags[a].handover_at, t)));
            }
            json_array_append_new(accts, ao);
            ev += c->r->flags[a].evidence[k];
        }
        json_object_set_new(fo, "accounts_with_flag", json_integer(rg->flag_counts[k]));
        json_object_set_new(fo, "evidence_total", json_integer((json_int_t)ev));
        json_object_set_new(fo, "accounts", accts);
        json_object_set_new(fo, "rows", sample_rows(&c->cf->ev, (flag_code)k));
        json_object_set_new(flags, flags_name((flag_code)k), fo);
    }
    json_object_set_new(o, "flags", flags);
    json_t *ev = json_object();
    for (int t = 0; t < TABLE_ACCOUNT_IDS; t++)         /* account_ids rows are never evidence */
        if (t != TABLE_ATTRIBUTES || c->cf->ev.rows[t]) /* runs without it: as before */
            json_object_set_new(ev, records_table_name((table_id)t),
                                json_integer((json_int_t)c->cf->ev.rows[t]));
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
    const ring *rg = &c->r->rings[c->ri];
    graphml_view v = {1,         c->s->nodes, c->s->nnodes, c->s->edges, c->s->nedges,
                      c->degree, c->r,        rg->ident,    rg->nident};
    return graphml_write(f, c->g, &v);
}

static int write_gexf(FILE *f, const ring_ctx *c)
{
    const char **role = xcalloc(c->s->nnodes ? c->s->nnodes : 1, sizeof *role);
    double *risk = xcalloc(c->s->nnodes ? c->s->nnodes : 1, sizeof *risk);
    for (size_t i = 0; i < c->s->nnodes; i++) {
        uint32_t id;
        role[i] = findings_role_name(findings_node_role(c->g, c->r, c->ri, c->s->nodes[i]));
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

static int write_report(FILE *f, const report_ctx *rx)
{
    const ring_ctx *c = rx->c;
    char *ex = explain_ring(c->g, c->r, c->ri);
    report_ring rr = {c->g, c->r, c->ri, c->cf, ex, rx->files, rx->hashes, rx->nfiles};
    int rc = report_write_ring(f, &rr);
    free(ex);
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

static int finish_bag(const ring_ctx *c, rs_error *err)
{
    const ring *rg = &c->r->rings[c->ri];
    const char *dir = c->dir;
    int rc;
    if ((rc = write_payload(dir, "data/summary.json", write_summary_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/nodes.csv", write_nodes_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/edges.csv", write_edges_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/subgraph.graphml", write_graphml_cb, c, err)) != RS_OK ||
        (rc = write_payload(dir, "data/timeline.gexf", write_gexf_cb, c, err)) != RS_OK)
        return rc;
    /* The report lists the other payload files' hashes; the manifest reuses
     * them (the report itself is hashed there). */
    const char *files[NPAYLOAD];
    char hashes[NPAYLOAD][65];
    bagit_digest known[NPAYLOAD];
    size_t nf = 0;
    for (size_t i = 0; i < NPAYLOAD; i++) {
        known[i] = (bagit_digest){"", 0};
        if (!strcmp(payload[i], "data/report.html"))
            continue;
        char *p = files_join(dir, payload[i]);
        rc = sha256_file_hex(p, known[i].hex, &known[i].bytes, err);
        free(p);
        if (rc != RS_OK)
            return rc;
        memcpy(hashes[nf], known[i].hex, sizeof hashes[nf]);
        files[nf++] = payload[i];
    }
    report_ctx rx = {c, files, (const char(*)[65])hashes, nf};
    if ((rc = write_payload(dir, "data/report.html", write_report_cb, &rx, err)) != RS_OK)
        return rc;

    char run_time[TS_FMT_LEN], date[16], desc[160];
    ts_format(c->m->run_time * 1000, run_time);
    snprintf(date, sizeof date, "%.10s", run_time);
    snprintf(desc, sizeof desc,
             "ringscan evidence package for ring %s (rank %zu, score %.3f, %zu members, %zu "
             "shill clients)",
             findings_ring_id(c->r, c->ri), c->ri + 1, rg->score, rg->nmembers, rg->nshills);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->m->seed);
    char agent[64];
    snprintf(agent, sizeof agent, "ringscan %s", c->m->version);
    bagit_tag *tags = xreallocarray(NULL, 16 + c->m->ninputs, sizeof *tags);
    char **inputs = xcalloc(c->m->ninputs ? c->m->ninputs : 1, sizeof *inputs);
    size_t nt = 0;
    tags[nt++] = (bagit_tag){"Bag-Software-Agent", agent};
    tags[nt++] = (bagit_tag){"Bagging-Date", date};
    tags[nt++] = (bagit_tag){"External-Identifier", findings_ring_id(c->r, c->ri)};
    tags[nt++] = (bagit_tag){"External-Description", desc};
    tags[nt++] = (bagit_tag){"Ringscan-Version", c->m->version};
    tags[nt++] = (bagit_tag){"Ringscan-Libraries", c->m->libraries};
    tags[nt++] = (bagit_tag){"Ringscan-Seed", seed};
    tags[nt++] = (bagit_tag){"Ringscan-Config-SHA256", c->m->config_sha256};
    tags[nt++] = (bagit_tag){"Ringscan-Run-Time-UTC", run_time};
    const ring_track *tr = c->r->hist.track ? &c->r->hist.track[c->ri] : NULL;
    if (tr) {
        tags[nt++] = (bagit_tag){"Ringscan-Ring-Persistent-Id", tr->pid};
        tags[nt++] = (bagit_tag){"Ringscan-Ring-Status", findings_track_name(tr->status)};
    }
    for (size_t i = 0; i < c->m->ninputs; i++) {
        rs_buf in = {0};
        buf_printf(&in, "%s sha256:%s", c->m->input_names[i], c->m->input_sha256[i]);
        inputs[i] = in.data;
        tags[nt++] = (bagit_tag){"Ringscan-Input-File", inputs[i]};
    }
    rc = bagit_complete(dir, payload, known, NPAYLOAD, tags, nt, err);
    for (size_t i = 0; i < c->m->ninputs; i++)
        free(inputs[i]);
    free(inputs);
    free(tags);
    if (rc != RS_OK)
        return rc;
    char *to = files_join(c->root, findings_ring_id(c->r, c->ri));
    if (rename(dir, to) != 0)
        rc = rs_error_set(err, RS_E_IO, to, 0, 0, "cannot move into place: %s", strerror(errno));
    free(to);
    return rc;
}

void evidence_set_progress(evidence_bags *b, FILE *tty)
{
    b->progress = tty;
}

/* "export: bags 12/117, about 40 s left", at most four times a second. */
static void bag_progress(evidence_bags *b, size_t done, double t0, double *last)
{
    double now = proc_now();
    if (!b->progress || (done < b->n && now - *last < 0.25))
        return;
    *last = now;
    double left = done ? (now - t0) / (double)done * (double)(b->n - done) : 0;
    fprintf(b->progress, "\r\033[Kexport: bags %zu/%zu, about %.0f s left", done, b->n, left);
    fflush(b->progress);
}

int evidence_finish(evidence_bags *b, rs_error *err)
{
    return evidence_finish_threads(b, 1, err);
}

typedef struct {
    size_t cost, ring;
} bag_cost;

/* The bags' work list: the side job first, then rings one at a time, the
 * largest first, so that no large bag is left alone at the end. */
typedef struct {
    evidence_bags *b;
    bag_cost *order; /* the rings, the most nodes and edges first */
    evidence_side_fn side;
    void *side_ctx;
    atomic_int side_taken;
    atomic_size_t next, done;
    atomic_int failed;
    pthread_mutex_t lock; /* guards first_bad and err */
    size_t first_bad;     /* lowest ring index that failed (nrings: none) */
    int side_failed;      /* the side job failed; its error is in err */
    rs_error err;
    double t0, last;
} bag_work;

/* Runs the side job if no thread has taken it. Returns 0 if it failed. */
static int side_job(bag_work *w)
{
    if (!w->side || atomic_exchange(&w->side_taken, 1))
        return 1;
    rs_error e = {0};
    int rc = w->side(w->side_ctx, &e);
    if (rc == RS_OK)
        return 1;
    if (!e.code)
        e.code = rc;
    pthread_mutex_lock(&w->lock);
    w->side_failed = 1;
    w->err = e;
    pthread_mutex_unlock(&w->lock);
    atomic_store(&w->failed, 1);
    return 0;
}

/* The most nodes and edges first; ties in rank order. */
static int bag_cost_cmp(const void *x, const void *y)
{
    const bag_cost *a = x, *b = y;
    if (a->cost != b->cost)
        return a->cost > b->cost ? -1 : 1;
    return a->ring < b->ring ? -1 : a->ring > b->ring;
}

/* Completes the next ring's bag. Returns 0 when none is left (or one failed). */
static int bag_next(bag_work *w)
{
    evidence_bags *b = w->b;
    if (!side_job(w) || atomic_load(&w->failed))
        return 0;
    size_t k = atomic_fetch_add(&w->next, 1);
    if (k >= b->n)
        return 0;
    size_t i = w->order[k].ring;
    rs_error e = {0};
    int rc;
    if (!b->dirs[i]) {
        rc = rs_error_set(&e, RS_E_IO, findings_ring_id(b->f, i), 0, 0,
                          "evidence bag was never started");
    } else {
        ring_ctx c = {b->g, b->f,      i,       &b->cases[i].sub, &b->cases[i],
                      b->m, b->degree, b->root, b->dirs[i]};
        rc = finish_bag(&c, &e);
    }
    if (rc != RS_OK) {
        pthread_mutex_lock(&w->lock);
        if (i < w->first_bad) {
            w->first_bad = i;
            if (!w->side_failed)
                w->err = e;
        }
        pthread_mutex_unlock(&w->lock);
        atomic_store(&w->failed, 1);
    }
    atomic_fetch_add(&w->done, 1);
    return rc == RS_OK;
}

static void *bag_worker(void *arg)
{
    while (bag_next(arg))
        ;
    return NULL;
}

int evidence_finish_threads(evidence_bags *b, unsigned nthreads, rs_error *err)
{
    return evidence_finish_side(b, nthreads, NULL, NULL, err);
}

int evidence_finish_side(evidence_bags *b, unsigned nthreads, evidence_side_fn side, void *ctx,
                         rs_error *err)
{
    size_t n = b->n;
    bag_work w = {.b = b, .side = side, .side_ctx = ctx, .first_bad = n, .t0 = proc_now()};
    atomic_init(&w.side_taken, 0);
    atomic_init(&w.next, 0);
    atomic_init(&w.done, 0);
    atomic_init(&w.failed, 0);
    pthread_mutex_init(&w.lock, NULL);
    w.order = xcalloc(n ? n : 1, sizeof *w.order);
    for (size_t i = 0; i < n; i++)
        w.order[i] = (bag_cost){b->cases[i].sub.nnodes + b->cases[i].sub.nedges, i};
    if (n)
        qsort(w.order, n, sizeof *w.order, bag_cost_cmp);
    size_t jobs = n + (side != NULL);
    size_t extra = nthreads > 1 ? nthreads - 1 : 0;
    if (extra + 1 > jobs)
        extra = jobs > 1 ? jobs - 1 : 0;
    pthread_t *th = xcalloc(extra ? extra : 1, sizeof *th);
    size_t started = 0;
    while (started < extra && pthread_create(&th[started], NULL, bag_worker, &w) == 0)
        started++;
    /* The caller's thread completes bags too, reporting between them. */
    do
        bag_progress(b, atomic_load(&w.done), w.t0, &w.last);
    while (bag_next(&w));
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    free(th);
    free(w.order);
    pthread_mutex_destroy(&w.lock);
    if (w.side_failed || w.first_bad < n) {
        *err = w.err;
        return err->code ? err->code : RS_E_IO;
    }
    bag_progress(b, n, w.t0, &w.last);
    return RS_OK;
}

void evidence_free(evidence_bags *b)
{
    if (!b)
        return;
    for (size_t i = b->r0; i < b->r1; i++)
        if (b->events[i - b->r0])
            fclose(b->events[i - b->r0]);
    for (size_t i = 0; i < b->n; i++)
        free(b->dirs[i]);
    free(b->dirs);
    free(b->events);
    free(b->degree);
    buf_free(&b->row);
    free(b);
}
