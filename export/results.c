/* results.c - accounts.csv, rings.json and the detection summary; see results.h.
 *
 * accounts.csv is sorted with qsort_r, the graph and findings handed to the
 * comparison as its context rather than through file-level state. Flags are
 * listed from the registry (model/flags.h), in code order. */
#define _GNU_SOURCE /* qsort_r (glibc) */
#include "export/results.h"

#include "model/attrs.h"

#include "export/explain.h"

#include "export/jsonout.h"
#include "export/escape.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What risk_order compares by, handed to qsort_r. Borrowed. */
typedef struct {
    const rs_graph *g;
    const findings *r;
} risk_order_ctx;

static int label_cmp(const rs_graph *g, uint32_t a, uint32_t b)
{
    size_t la, lb;
    const char *sa = intern_str(g->ids[NODE_ACCOUNT], a, &la);
    const char *sb = intern_str(g->ids[NODE_ACCOUNT], b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    return c ? c : (la < lb ? -1 : la > lb);
}

/* Accounts by risk as printed, highest first, then by label (unique, so the
 * order does not depend on the sort's stability). */
static int risk_order(const void *pa, const void *pb, void *ctx)
{
    const risk_order_ctx *c = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    /* Compare the printed (rounded) scores so the file's order matches what
     * it shows. */
    long long ra = llround(c->r->risk[a] * 1e6), rb = llround(c->r->risk[b] * 1e6);
    if (ra != rb)
        return ra > rb ? -1 : 1;
    return label_cmp(c->g, a, b);
}

int results_write_accounts(FILE *f, const rs_graph *g, const findings *r)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint32_t *order = xreallocarray(NULL, na ? na : 1, sizeof *order);
    for (uint32_t a = 0; a < na; a++)
        order[a] = a;
    risk_order_ctx ctx = {g, r};
    if (na)
        qsort_r(order, na, sizeof *order, risk_order, &ctx);
    rs_buf b = {0};
    int rc = 0;
    const findings_history *h = &r->hist;
    buf_puts(&b, h->track ? "account_id,role,flagged,risk_score,ring_id,flags,ring_kind,"
                            "persistent_ring_id,first_flagged,disposition\n"
                          : "account_id,role,flagged,risk_score,ring_id,flags,ring_kind\n");
    for (uint32_t i = 0; i < na; i++) {
        uint32_t a = order[i];
        size_t len;
        const char *id = intern_str(g->ids[NODE_ACCOUNT], a, &len);
        escape_csv_field(&b, id, len);
        buf_printf(&b, ",%s,%d,%.6f,%s,", g->acct[a].role == ROLE_CLIENT ? "client" : "freelancer",
                   r->flagged[a] ? 1 : 0, r->risk[a],
                   r->ring_of[a] >= 0 ? findings_ring_id(r, (size_t)r->ring_of[a]) : "");
        char fl[FLAGS_TEXT_MAX];
        flags_text(&r->flags[a], fl, sizeof fl);
        buf_puts(&b, fl);
        buf_putc(&b, ',');
        if (r->ring_of[a] >= 0)
            buf_puts(&b, findings_kind_name(r->rings[r->ring_of[a]].kind));
        if (h->track) {
            char t[TS_FMT_LEN];
            buf_printf(&b, ",%s,%s,%s", r->ring_of[a] >= 0 ? h->track[r->ring_of[a]].pid : "",
                       r->flagged[a] && h->first_flagged ? ts_format(h->first_flagged[a] * 1000, t)
                                                         : "",
                       h->dispo ? findings_disposition_name((disposition)h->dispo[a]) : "");
        }
        buf_putc(&b, '\n');
        buf_spill(&b, f, &rc);
    }
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    free(order);
    return rc;
}

static json_t *acct_json(const rs_graph *g, const findings *r, uint32_t a)
{
    size_t len;
    const char *id = intern_str(g->ids[NODE_ACCOUNT], a, &len);
    json_t *o = json_object();
    json_object_set_new(o, "account_id", jout_stringn(id, len));
    json_object_set_new(o, "risk_score", jout_real(r->risk[a]));
    char fl[FLAGS_TEXT_MAX];
    flags_text(&r->flags[a], fl, sizeof fl);
    json_object_set_new(o, "flags", jout_string(fl));
    if (g->acct[a].country[0])
        json_object_set_new(o, "claimed_country", jout_string(g->acct[a].country));
    return o;
}

/* Ratings and charges between accounts of ring i (shill clients and members):
 * who rated or paid whom, how often, mean stars or total amount. */
static json_t *client_links(const rs_graph *g, const ring *rg)
{
    json_t *arr = json_array();
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    for (size_t k = 0; k < rg->nclient_links; k++) {
        const rs_edge *e = &g->edges[rg->client_links[k]];
        size_t la, lb;
        const char *ca = intern_str(g->ids[NODE_ACCOUNT], e->a, &la);
        const char *cb = intern_str(g->ids[NODE_ACCOUNT], e->b, &lb);
        json_t *o = json_object();
        json_object_set_new(o, "client", jout_stringn(ca, la));
        json_object_set_new(o, "freelancer", jout_stringn(cb, lb));
        json_object_set_new(o, "kind", json_string(graph_edge_kind_name((edge_kind)e->kind)));
        json_object_set_new(o, "count", json_integer(e->count));
        if (e->kind == EDGE_RATING)
            json_object_set_new(o, "mean_stars", jout_real(graph_edge_sum(g, e) / e->count));
        else
            json_object_set_new(o, "amount", jout_real(graph_edge_sum(g, e)));
        json_object_set_new(o, "first_seen", json_string(ts_format(e->first, t1)));
        json_object_set_new(o, "last_seen", json_string(ts_format(e->last, t2)));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* A ring's identity across runs (--state). */
static void history_json(json_t *o, const ring_track *t)
{
    char ts[TS_FMT_LEN];
    json_object_set_new(o, "persistent_id", json_string(t->pid));
    json_object_set_new(o, "status", json_string(findings_track_name(t->status)));
    if (t->related)
        json_object_set_new(o, t->status == TRACK_SPLIT ? "split_from" : "merged_from",
                            json_string(t->related));
    json_object_set_new(o, "accounts_added", json_integer(t->added));
    json_object_set_new(o, "accounts_removed", json_integer(t->removed));
    if (t->returned)
        json_object_set_new(o, "returned", json_true());
    if (t->rose_from)
        json_object_set_new(o, "severity_rose_from",
                            json_string(findings_severity_name((ring_severity)(t->rose_from - 1))));
    json_object_set_new(o, "first_seen_run", json_string(ts_format(t->first_run * 1000, ts)));
    if (t->dispo) {
        json_object_set_new(o, "disposition", json_string(findings_disposition_name(t->dispo)));
        json_object_set_new(o, "reopened", json_boolean(t->reopened));
        if (t->dispo_note)
            json_object_set_new(o, "disposition_effect", jout_string(t->dispo_note));
    }
    json_object_set_new(o, "confirmed_accounts", json_integer(t->confirmed));
}

static json_t *closed_json(const ring_closed *c, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "persistent_id", json_string(c[i].pid));
        json_object_set_new(o, "status", json_string(findings_track_name(c[i].status)));
        if (c[i].into[0])
            json_object_set_new(o, "merged_into", json_string(c[i].into));
        json_object_set_new(o, "accounts", json_integer(c[i].accounts));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The identity and text resources two or more accounts of ring i share. */
static json_t *shared_identity(const rs_graph *g, const findings *r, size_t i)
{
    const ring *rg = &r->rings[i];
    const findings_identity *fi = &r->ident;
    json_t *arr = json_array();
    for (size_t k = 0; k < rg->nident; k++) {
        uint32_t x = rg->ident[k];
        char lb[FINDINGS_IDENT_LABEL];
        size_t ll;
        const char *label = findings_ident_label(g, fi, x, lb, &ll);
        json_t *ro = json_object();
        json_object_set_new(ro, "kind", json_string(attrs_kind_name((attr_kind)fi->kind[x])));
        json_object_set_new(ro, "value", jout_stringn(label, ll));
        json_object_set_new(ro, "members_using",
                            json_integer(findings_ident_members(fi, r->ring_of, x, i)));
        json_object_set_new(ro, "accounts_using", json_integer(fi->off[x + 1] - fi->off[x]));
        json_array_append_new(arr, ro);
    }
    return arr;
}

json_t *results_ring_json(const rs_graph *g, const findings *r, size_t i)
{
    char t[TS_FMT_LEN];
    const ring *rg = &r->rings[i];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(findings_ring_id(r, i)));
    if (r->hist.track)
        history_json(o, &r->hist.track[i]);
    json_object_set_new(o, "rank", json_integer((json_int_t)i + 1));
    json_object_set_new(o, "kind", json_string(findings_kind_name(rg->kind)));
    json_object_set_new(o, "severity", json_string(findings_severity_name(rg->severity)));
    /* Only where there is no bag, so that packaged rings read as they always did. */
    if (!findings_ring_packaged(r, i))
        json_object_set_new(o, "evidence_package", json_false());
    json_t *kf = json_object(), *fams = json_array();
    json_object_set_new(kf, "bound_accounts", json_integer(rg->bound));
    json_object_set_new(kf, "bound_accounts_deceiving", json_integer(rg->bound_deceptive));
    for (uint32_t f = 1; f < (1u << DECEPTION_FAMILIES); f <<= 1)
        if (rg->families & f)
            json_array_append_new(fams, json_string(flags_deception_name(f)));
    json_object_set_new(kf, "deception", fams);
    json_object_set_new(kf, "colluding_accounts", json_integer(rg->colluding));
    json_object_set_new(kf, "sharing_device_and_destination", json_integer(rg->controlled));
    json_object_set_new(o, "kind_facts", kf);
    json_object_set_new(o, "score", jout_real(rg->score));
    json_t *bd = json_object();
    json_object_set_new(bd, "link_strength", jout_real(rg->strength));
    json_object_set_new(bd, "corroboration_mean", jout_real(rg->prevalence));
    json_object_set_new(bd, "community_size", json_integer(rg->community_size));
    json_object_set_new(bd, "internal_weight", jout_real(rg->internal_weight));
    json_object_set_new(bd, "density", jout_real(rg->density));
    json_object_set_new(o, "score_breakdown", bd);
    json_object_set_new(o, "size",
                        json_integer((json_int_t)rg->nmembers + (json_int_t)rg->nshills));
    json_t *mem = json_array(), *sh = json_array();
    for (size_t k = 0; k < rg->nmembers; k++)
        json_array_append_new(mem, acct_json(g, r, rg->members[k]));
    for (size_t k = 0; k < rg->nshills; k++)
        json_array_append_new(sh, acct_json(g, r, rg->shills[k]));
    json_object_set_new(o, "members", mem);
    json_object_set_new(o, "shill_clients", sh);
    json_t *as = json_array();
    for (size_t k = 0; k < rg->nassociates; k++) {
        const ring_associate *ra = &rg->associates[k];
        json_t *ao = acct_json(g, r, ra->acct), *ties = json_object();
        json_object_set_new(ties, "ips", json_integer(ra->ties[0]));
        json_object_set_new(ties, "devices", json_integer(ra->ties[1]));
        json_object_set_new(ties, "payout_destinations", json_integer(ra->ties[2]));
        json_object_set_new(ao, "shared_with_ring", ties);
        json_array_append_new(as, ao);
    }
    json_object_set_new(o, "associates", as);
    json_object_set_new(o, "associates_total", json_integer((json_int_t)rg->associates_total));
    json_t *res = json_array();
    size_t shown = rg->nres < 100 ? rg->nres : 100;
    for (size_t k = 0; k < shown; k++) {
        const ring_resource *x = &rg->res[k];
        json_t *ro = json_object();
        char lb[IPADDR_STRLEN];
        json_object_set_new(ro, "type", json_string(explain_resource_type(x->type)));
        json_object_set_new(ro, "id", jout_string(graph_label(g, (node_type)x->type, x->id, lb)));
        json_object_set_new(ro, "members_using", json_integer(x->members));
        json_object_set_new(ro, "accounts_using", json_integer(x->degree));
        if (x->type == NODE_IP && g->ip[x->id].country[0])
            json_object_set_new(ro, "country", jout_string(g->ip[x->id].country));
        if (x->type == NODE_DEST && g->dest[x->id].country[0])
            json_object_set_new(ro, "country", jout_string(g->dest[x->id].country));
        json_array_append_new(res, ro);
    }
    json_object_set_new(o, "shared_infrastructure", res);
    json_object_set_new(o, "shared_infrastructure_total", json_integer((json_int_t)rg->nres));
    if (rg->nident) /* only with identity data: other runs keep their bytes */
        json_object_set_new(o, "shared_identity", shared_identity(g, r, i));
    json_object_set_new(o, "client_links", client_links(g, rg));
    json_t *fc = json_object();
    for (int k = 0; k < FLAG_COUNT; k++)
        if (rg->flag_counts[k])
            json_object_set_new(fc, flags_name((flag_code)k), json_integer(rg->flag_counts[k]));
    json_object_set_new(o, "flag_counts", fc);
    /* Burst evidence over members and shill clients (Kleinberg). */
    uint32_t bsum[4] = {0};
    for (size_t k = 0; k < rg->nmembers + rg->nshills; k++) {
        uint32_t a = k < rg->nmembers ? rg->members[k] : rg->shills[k - rg->nmembers];
        for (int q = 0; q < 4; q++)
            bsum[q] += r->flags[a].bursts[q];
    }
    json_t *bj = json_object();
    json_object_set_new(bj, "rating_bursts_given", json_integer(bsum[BURST_RATINGS]));
    json_object_set_new(bj, "hire_bursts", json_integer(bsum[BURST_HIRES]));
    json_object_set_new(bj, "instrument_charge_bursts", json_integer(bsum[BURST_CHARGES]));
    json_object_set_new(bj, "ip_new_account_bursts", json_integer(bsum[BURST_IP_ACCOUNTS]));
    json_object_set_new(o, "bursts", bj);
    if (rg->first_seen != INT64_MAX) {
        json_object_set_new(o, "first_seen", json_string(ts_format(rg->first_seen, t)));
        json_object_set_new(o, "last_seen", json_string(ts_format(rg->last_seen, t)));
    }
    char *ex = explain_ring(g, r, i);
    json_object_set_new(o, "explanation", jout_string(ex));
    free(ex);
    return o;
}

int results_write_rings(FILE *f, const rs_graph *g, const findings *r)
{
    json_t *root = json_object(), *arr = json_array();
    for (size_t i = 0; i < r->nrings; i++)
        json_array_append_new(arr, results_ring_json(g, r, i));
    json_object_set_new(root, "rings", arr);
    json_object_set_new(root, "threshold", jout_real(r->threshold));
    json_object_set_new(root, "ring_min_score", jout_real(r->ring_min_score));
    if (r->hist.track) {
        json_object_set_new(root, "closed", closed_json(r->hist.closed, r->hist.nclosed));
        json_object_set_new(root, "suppressed",
                            closed_json(r->hist.suppressed, r->hist.nsuppressed));
    }
    int rc = jout_write(f, root);
    json_decref(root);
    return rc;
}

json_t *results_summary(const rs_graph *g, const findings *r)
{
    json_t *o = json_object(), *fc = json_object();
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    uint64_t per[FLAG_COUNT] = {0}, flagged = 0;
    for (uint32_t a = 0; a < na; a++) {
        flagged += r->flagged[a];
        for (int k = 0; k < FLAG_COUNT; k++)
            per[k] += (r->flags[a].bits >> k) & 1;
    }
    /* The identity flags only when the input has identity data to raise them on. */
    uint32_t left_out = graph_has_identity(g) ? 0 : flags_with(FLAG_P_IDENTITY);
    for (int k = 0; k < FLAG_COUNT; k++)
        if (!(left_out & (1u << k)))
            json_object_set_new(fc, flags_name((flag_code)k), json_integer((json_int_t)per[k]));
    json_object_set_new(o, "accounts_with_flag", fc);
    json_object_set_new(o, "accounts_flagged", json_integer((json_int_t)flagged));
    json_object_set_new(o, "rings", json_integer((json_int_t)r->nrings));
    json_object_set_new(o, "communities", json_integer((json_int_t)r->stats.communities));
    json_object_set_new(o, "projection_pairs", json_integer((json_int_t)r->stats.pairs));
    json_object_set_new(o, "projection_edges", json_integer((json_int_t)r->stats.projection_edges));
    json_object_set_new(o, "capped_resources", json_integer((json_int_t)r->stats.capped_resources));
    json_object_set_new(o, "rating_bursts", json_integer((json_int_t)r->stats.rating_bursts));
    json_object_set_new(o, "lockstep_blocks", json_integer((json_int_t)r->stats.lockstep_blocks));
    json_object_set_new(o, "structuring_pairs",
                        json_integer((json_int_t)r->stats.structuring_pairs));
    json_object_set_new(o, "self_dealing_pairs",
                        json_integer((json_int_t)r->stats.self_dealing_pairs));
    json_object_set_new(o, "hire_bursts", json_integer((json_int_t)r->stats.hire_bursts));
    json_object_set_new(o, "instrument_charge_bursts",
                        json_integer((json_int_t)r->stats.charge_bursts));
    json_object_set_new(o, "ip_new_account_bursts",
                        json_integer((json_int_t)r->stats.ip_onboarding_bursts));
    if (graph_has_identity(g)) {
        json_object_set_new(o, "identity_resources",
                            json_integer((json_int_t)r->stats.identity_resources));
        json_object_set_new(o, "text_docs", json_integer((json_int_t)r->stats.text_docs));
        json_object_set_new(o, "text_clusters", json_integer((json_int_t)r->stats.text_clusters));
        json_object_set_new(o, "text_candidate_pairs",
                            json_integer((json_int_t)r->stats.text_candidates));
        json_object_set_new(o, "text_links", json_integer((json_int_t)r->stats.text_links));
    }
    json_t *sec = json_object();
    json_object_set_new(sec, "flags", jout_real(r->stats.seconds_flags));
    if (graph_has_identity(g))
        json_object_set_new(sec, "text", jout_real(r->stats.seconds_text));
    json_object_set_new(sec, "projection", jout_real(r->stats.seconds_projection));
    json_object_set_new(sec, "leiden", jout_real(r->stats.seconds_leiden));
    json_object_set_new(sec, "behaviour", jout_real(r->stats.seconds_behaviour));
    json_object_set_new(sec, "scoring", jout_real(r->stats.seconds_scoring));
    json_object_set_new(o, "seconds", sec);
    return o;
}

/* Accounts of ring i that are new to it, as labels: those flagged for the
 * first time in this run. */
static json_t *ring_change_json(const rs_graph *g, const findings *r, size_t i)
{
    const ring *rg = &r->rings[i];
    const ring_track *t = &r->hist.track[i];
    json_t *o = json_object();
    json_object_set_new(o, "persistent_id", json_string(t->pid));
    json_object_set_new(o, "id", json_string(findings_ring_id(r, i)));
    json_object_set_new(o, "rank", json_integer((json_int_t)i + 1));
    json_object_set_new(o, "status", json_string(findings_track_name(t->status)));
    if (t->related)
        json_object_set_new(o, t->status == TRACK_SPLIT ? "split_from" : "merged_from",
                            json_string(t->related));
    json_object_set_new(o, "kind", json_string(findings_kind_name(rg->kind)));
    json_object_set_new(o, "severity", json_string(findings_severity_name(rg->severity)));
    json_object_set_new(o, "accounts",
                        json_integer((json_int_t)rg->nmembers + (json_int_t)rg->nshills));
    json_object_set_new(o, "accounts_added", json_integer(t->added));
    json_object_set_new(o, "accounts_removed", json_integer(t->removed));
    if (t->dispo)
        json_object_set_new(o, "disposition", json_string(findings_disposition_name(t->dispo)));
    if (t->reopened)
        json_object_set_new(o, "reopened", jout_string(t->dispo_note ? t->dispo_note : ""));
    if (t->returned)
        json_object_set_new(o, "returned", json_true());
    if (t->rose_from)
        json_object_set_new(o, "severity_rose_from",
                            json_string(findings_severity_name((ring_severity)(t->rose_from - 1))));
    json_t *nf = json_array();
    for (size_t k = 0; k < rg->nmembers + rg->nshills; k++) {
        uint32_t a = findings_ring_account(rg, k);
        if (r->flagged[a] && r->hist.first_flagged &&
            r->hist.first_flagged[a] == r->hist.run_time) {
            size_t len;
            const char *id = intern_str(g->ids[NODE_ACCOUNT], a, &len);
            json_array_append_new(nf, jout_stringn(id, len));
        }
    }
    json_object_set_new(o, "accounts_first_flagged", nf);
    return o;
}

json_t *results_changes(const rs_graph *g, const findings *r)
{
    char t[TS_FMT_LEN];
    const findings_history *h = &r->hist;
    json_t *o = json_object(), *rings = json_array(), *counts = json_object();
    json_object_set_new(o, "run", json_integer((json_int_t)h->run_no));
    json_object_set_new(o, "run_time", json_string(ts_format(h->run_time * 1000, t)));
    json_object_set_new(o, "previous_run_time",
                        h->prev_run_time ? json_string(ts_format(h->prev_run_time * 1000, t))
                                         : json_null());
    size_t n[TRACK_GONE + 1] = {0};
    for (size_t i = 0; i < r->nrings && h->track; i++) {
        n[h->track[i].status]++;
        if (h->track[i].status != TRACK_UNCHANGED || h->track[i].reopened || h->track[i].returned ||
            h->track[i].rose_from)
            json_array_append_new(rings, ring_change_json(g, r, i));
    }
    for (size_t i = 0; i < h->nclosed; i++)
        n[h->closed[i].status]++;
    for (int s = TRACK_NEW; s <= TRACK_GONE; s++)
        json_object_set_new(counts, findings_track_name((track_status)s),
                            json_integer((json_int_t)n[s]));
    json_object_set_new(counts, "suppressed", json_integer((json_int_t)h->nsuppressed));
    json_object_set_new(o, "counts", counts);
    json_object_set_new(o, "rings", rings);
    json_object_set_new(o, "closed", closed_json(h->closed, h->nclosed));
    json_object_set_new(o, "suppressed", closed_json(h->suppressed, h->nsuppressed));
    json_t *dec = h->decisions_json ? json_loads(h->decisions_json, 0, NULL) : NULL;
    json_object_set_new(o, "decisions_applied", dec ? dec : json_array());
    return o;
}
