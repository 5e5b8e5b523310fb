/* report.c - evidence HTML pages; see report.h.
 *
 * Pages are built in one buffer and flushed at the end (their size is
 * bounded by the REPORT_MAX_* caps, not by the ring's event count).
 */
#include "export/report.h"

#include "model/attrs.h"

#include "export/escape.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_color[NODE_TYPE_COUNT] = {"#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c",
                                                        "#9467bd"};
static const char *const table_color[TABLE_COUNT] = {"#8c564b", "#1f77b4", "#bcbd22", "#ff7f0e",
                                                     "#9467bd", "#d62728", "#17becf", "#e377c2"};

static const char csp_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char style[] =
    "<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
    "max-width:84em;padding:0 1em;color:#222;background:#fff}\n"
    "h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
    "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.n{text-align:right}td{overflow-wrap:anywhere}\n"
    "td.id,td.date{white-space:nowrap;overflow-wrap:normal}\n"
    "table.card th{width:9em}table.card ol{margin:0;padding-left:1.2em}\n"
    ".top{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.15fr);gap:1.2em}\n"
    ".top h2{margin-top:.6em}\n"
    "code,.mono{font-family:ui-monospace,monospace;font-size:.9em}\n"
    ".note{color:#555;font-style:italic}.legend span{display:inline-block;margin-right:1.2em}\n"
    ".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}\n"
    "svg{border:1px solid #ddd;background:#fcfcfc;max-width:100%;height:auto}\n"
    "</style>\n</head>\n<body>\n";

/* "42 s", "17 min", "3.5 h", "12 days" into buf (TS_FMT_LEN bytes). */
static const char *gap_text(int64_t ms, char *buf)
{
    double sec = (double)ms / 1000.0;
    if (sec < 120)
        snprintf(buf, TS_FMT_LEN, "%.0f s", sec);
    else if (sec < 7200)
        snprintf(buf, TS_FMT_LEN, "%.0f min", sec / 60);
    else if (sec < 172800)
        snprintf(buf, TS_FMT_LEN, "%.1f h", sec / 3600);
    else
        snprintf(buf, TS_FMT_LEN, "%.0f days", sec / 86400);
    return buf;
}

static void esc(rs_buf *b, const char *s)
{
    escape_html(b, s, strlen(s));
}

static const char *acct_label(const rs_graph *g, uint32_t a, size_t *len)
{
    return intern_str(g->ids[NODE_ACCOUNT], a, len);
}

static void put_acct(rs_buf *b, const rs_graph *g, uint32_t a)
{
    size_t l;
    const char *s = acct_label(g, a, &l);
    buf_puts(b, "<code>");
    escape_html(b, s, l);
    buf_puts(b, "</code>");
}

/* Node label into b, escaped. */
static void put_node_label(rs_buf *b, const rs_graph *g, uint32_t gid)
{
    uint32_t id;
    node_type t = graph_node_decode(g, gid, &id);
    char lb[IPADDR_STRLEN];
    size_t l;
    const char *s;
    s = graph_label_n(g, (node_type)t, id, lb, &l);
    escape_html(b, s, l);
}

/* Accounts outside the ring on its binding infrastructure, below the flag
 * threshold: who else an investigator should look at. */
static void associates_table(rs_buf *b, const report_ring *rr)
{
    const rs_graph *g = rr->g;
    const findings *r = rr->r;
    const ring *rg = &r->rings[rr->ring];
    if (!rg->nassociates)
        return;
    buf_printf(b,
               "<h3>Associates</h3>\n<p>%zu account%s outside the ring use%s a device or payout "
               "account two or more of its accounts use, or a small private IP they share; "
               "below the flag threshold, not flagged by this ring.</p>\n<table>\n"
               "<tr><th>account</th><th>risk score</th><th>claimed country</th>"
               "<th>shared IPs</th><th>shared devices</th><th>shared payout accounts</th></tr>\n",
               rg->associates_total, rg->associates_total == 1 ? "" : "s",
               rg->associates_total == 1 ? "s" : "");
    for (size_t k = 0; k < rg->nassociates; k++) {
        const ring_associate *ra = &rg->associates[k];
        buf_puts(b, "<tr><td>");
        put_acct(b, g, ra->acct);
        buf_printf(b, "</td><td class=\"n\">%.3f</td><td>", r->risk[ra->acct]);
        esc(b, g->acct[ra->acct].country);
        buf_printf(
            b, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
            ra->ties[0], ra->ties[1], ra->ties[2]);
    }
    buf_puts(b, "</table>\n");
    if (rg->nassociates < rg->associates_total)
        buf_printf(b, "<p class=\"note\">Showing the %zu with most ties of %zu.</p>\n",
                   rg->nassociates, rg->associates_total);
}

static void members_table(rs_buf *b, const report_ring *rr)
{
    const rs_graph *g = rr->g;
    const findings *r = rr->r;
    const ring *rg = &r->rings[rr->ring];
    size_t total = rg->nmembers + rg->nshills, shown = 0;
    buf_puts(b, "<h2>Accounts</h2>\n<table>\n<tr><th>account</th><th>role in ring</th>"
                "<th>risk score</th><th>claimed country</th><th>red flags</th></tr>\n");
    for (size_t k = 0; k < total && shown < REPORT_MAX_ACCOUNTS; k++, shown++) {
        int member = k < rg->nmembers;
        uint32_t a = member ? rg->members[k] : rg->shills[k - rg->nmembers];
        char fl[FLAGS_TEXT_MAX];
        flags_text(&r->flags[a], fl, sizeof fl);
        buf_puts(b, "<tr><td class=\"id\">");
        put_acct(b, g, a);
        buf_printf(b, "</td><td class=\"id\">%s</td><td class=\"n\">%.3f</td><td>",
                   member ? "member" : "shill client", r->risk[a]);
        esc(b, g->acct[a].country);
        buf_puts(b, "</td><td>");
        for (const char *q = fl; *q; q++) { /* flag codes are [A-Z_]: no escaping */
            if (*q == ';')
                buf_puts(b, "; ");
            else
                buf_putc(b, *q);
        }
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table>\n");
    if (shown < total)
        buf_printf(b,
                   "<p class=\"note\">Showing %zu of %zu accounts; summary.json lists all.</p>\n",
                   shown, total);
    associates_table(b, rr);
}

/* Ring accounts using resource (t, id) when it binds the ring (two or more of
 * them use it), else 0; *rank is its place among the ring's shared resources
 * (strongest first). O(resources of the ring). */
static uint32_t binding_users(const ring *rg, node_type t, uint32_t id, size_t *rank)
{
    for (size_t k = 0; k < rg->nres; k++)
        if (rg->res[k].type == (uint32_t)t && rg->res[k].id == id) {
            *rank = k;
            return rg->res[k].members;
        }
    return 0;
}

static void drawing(rs_buf *b, const report_ring *rr)
{
    const double W = 1000, H = 700, M = 30;
    const case_drawing *d = &rr->cf->draw;
    const case_subgraph *sg = &rr->cf->sub;
    buf_puts(b, "<h2>Subgraph</h2>\n");
    if (d->nshown < sg->nnodes || d->nedges < sg->nedges)
        buf_printf(
            b,
            "<p class=\"note\">Drawing %zu of %zu nodes (ring accounts, then the infrastructure "
            "they share, first) and the %zu "
            "links among them; nodes.csv, edges.csv and subgraph.graphml hold all %zu "
            "links.</p>\n",
            d->nshown, sg->nnodes, d->nedges, sg->nedges);
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"ring subgraph\">\n<g stroke=\"#bbb\" "
               "stroke-width=\"1\">\n",
               W, H, W, H);
    for (size_t k = 0; k < d->nedges; k++) {
        uint32_t a = d->ea[k], c = d->eb[k];
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                   M + d->x[a] * (W - 2 * M), M + d->y[a] * (H - 2 * M), M + d->x[c] * (W - 2 * M),
                   M + d->y[c] * (H - 2 * M));
    }
    buf_puts(b, "</g>\n<g>\n");
    const ring *rg = &rr->r->rings[rr->ring];
    size_t nlabels = 0;
    for (size_t i = 0; i < d->nshown; i++) {
        uint32_t id;
        node_type t = graph_node_decode(rr->g, d->gid[i], &id);
        node_type nt = t == NODE_ACCOUNT ? graph_account_type(rr->g, id) : t;
        int flagged = t == NODE_ACCOUNT && rr->r->flagged[id];
        size_t rank = SIZE_MAX;
        uint32_t users = t == NODE_ACCOUNT ? 0 : binding_users(rg, t, id, &rank);
        /* Ring accounts 9; devices and payout accounts they share grow with the
         * ring accounts on them, shared IPs less; everything else small, faded. */
        double grow = users < 8 ? users : 8;
        double rad = d->role[i] ? 9 : !users ? 4 : t == NODE_IP ? 5 + grow : 7 + 2 * grow;
        double x = M + d->x[i] * (W - 2 * M), y = M + d->y[i] * (H - 2 * M);
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" fill=\"%s\"%s", x, y, rad,
                   type_color[nt], d->role[i] || users ? "" : " opacity=\"0.35\"");
        if (flagged)
            buf_puts(b, " stroke=\"#d00\" stroke-width=\"3\"");
        buf_printf(b, "><title>%s: ", graph_node_type_name(nt));
        put_node_label(b, rr->g, d->gid[i]);
        if (flagged)
            buf_printf(b, " (flagged, risk %.3f)", rr->r->risk[id]);
        if (users)
            buf_printf(b, " (used by %u ring accounts)", users);
        buf_puts(b, "</title></circle>\n");
        /* Labels: the eight strongest shared resources, and the ring's accounts
         * when they are few. */
        if ((rank < 8 || (d->role[i] && rg->nmembers + rg->nshills <= 12)) && nlabels < 40) {
            nlabels++;
            buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#222\">",
                       x + rad + 2, y + 4);
            put_node_label(b, rr->g, d->gid[i]);
            buf_puts(b, "</text>\n");
        }
    }
    buf_puts(b, "</g>\n</svg>\n<p class=\"legend\">");
    for (int t = 0; t < NODE_TYPE_COUNT; t++)
        buf_printf(b, "<span><span class=\"sw\" style=\"background:%s\"></span>%s</span>",
                   type_color[t], graph_node_type_name((node_type)t));
    buf_puts(b, "<span><span class=\"sw\" style=\"border:3px solid #d00\"></span>flagged "
                "account</span> Larger circles are ring members and shill clients; IPs, devices "
                "and payout accounts grow with the ring accounts using them (the eight strongest "
                "labelled); "
                "faded ones are used by one ring account only. Hover for every label.</p>\n");
}

/* One lane per kind of event, each scaled to its own busiest bin, so ratings
 * and payouts stay readable next to thousands of bids and logins. */
static void timeline(rs_buf *b, const report_ring *rr)
{
    const double W = 640, LANE = 26, L = 150, M = 8;
    const case_evidence *ev = &rr->cf->ev;
    buf_puts(b, "<h2>Timeline</h2>\n");
    int lanes[TABLE_COUNT], nl = 0;
    for (int t = TABLE_ACCOUNTS + 1; t < TABLE_COUNT; t++)
        if (ev->rows[t])
            lanes[nl++] = t;
    if (!ev->ndays || !nl) {
        buf_puts(b, "<p class=\"note\">No dated events.</p>\n");
        return;
    }
    size_t bin = (ev->ndays + 119) / 120, nb = (ev->ndays + bin - 1) / bin;
    uint64_t(*sum)[TABLE_COUNT] = xcalloc(nb, sizeof *sum);
    uint64_t peak[TABLE_COUNT] = {0};
    for (size_t d = 0; d < ev->ndays; d++)
        for (int t = 0; t < TABLE_COUNT; t++)
            sum[d / bin][t] += ev->per_day[d][t];
    for (size_t i = 0; i < nb; i++)
        for (int t = 0; t < TABLE_COUNT; t++)
            peak[t] = sum[i][t] > peak[t] ? sum[i][t] : peak[t];
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_printf(b,
               "<p class=\"note\">The ring's events per %zu day%s, %.10s to %.10s (UTC), one "
               "lane per kind, each scaled to its own busiest %s.</p>\n",
               bin, bin == 1 ? "" : "s", ts_format(ev->day0 * 86400000, t1),
               ts_format((ev->day0 + (int64_t)ev->ndays - 1) * 86400000, t2),
               bin == 1 ? "day" : "bar");
    double H = 2 * M + LANE * nl;
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"timeline\">\n",
               W, H, W, H);
    double bw = (W - L - M) / (double)nb;
    for (int k = 0; k < nl; k++) {
        int t = lanes[k];
        double base = M + LANE * (k + 1) - 4;
        buf_printf(b,
                   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" fill=\"#222\">%s %llu "
                   "(max %llu)</text>\n",
                   M / 2, base - 6, records_table_name((table_id)t),
                   (unsigned long long)ev->rows[t], (unsigned long long)peak[t]);
        for (size_t i = 0; i < nb; i++) {
            if (!sum[i][t])
                continue;
            double h = (LANE - 6) * (double)sum[i][t] / (double)peak[t];
            buf_printf(b,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>%s: %llu from %.10s</title></rect>\n",
                       L + bw * (double)i, base - h, bw > 1.5 ? bw - 0.5 : bw, h < 1 ? 1 : h,
                       table_color[t], records_table_name((table_id)t),
                       (unsigned long long)sum[i][t],
                       ts_format((ev->day0 + (int64_t)(i * bin)) * 86400000, t1));
        }
        buf_printf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#ccc\"/>\n",
                   L, base, W - M, base);
    }
    buf_puts(b, "</svg>\n");
    free(sum);
}

static void flags_section(rs_buf *b, const report_ring *rr)
{
    const rs_graph *g = rr->g;
    const findings *r = rr->r;
    const ring *rg = &r->rings[rr->ring];
    size_t total = rg->nmembers + rg->nshills;
    buf_puts(b, "<h2>Red flags and the evidence behind them</h2>\n"
                "<p class=\"note\">For each flag: the accounts carrying it with the number of "
                "supporting events or resources, and the first input rows (in input order) that "
                "show it: the login from another country, the long session, the payout to a "
                "high-risk destination, the high rating, the rejected bid. events.csv holds "
                "every row.</p>\n");
    int any = 0;
    for (int f = 0; f < FLAG_COUNT; f++) {
        if (!rg->flag_counts[f])
            continue;
        any = 1;
        buf_printf(b,
                   "<h3>%s: %u of %zu accounts</h3>\n<table>\n<tr><th>account</th>"
                   "<th>evidence count</th></tr>\n",
                   flags_name((flag_code)f), rg->flag_counts[f], total);
        size_t listed = 0;
        for (size_t k = 0; k < total; k++) {
            uint32_t a = k < rg->nmembers ? rg->members[k] : rg->shills[k - rg->nmembers];
            if (!((r->flags[a].bits >> f) & 1))
                continue;
            if (listed++ >= REPORT_MAX_ACCOUNTS)
                continue;
            buf_puts(b, "<tr><td>");
            put_acct(b, g, a);
            if (r->flags[a].handover_at) { /* the owner's rows before it are a baseline */
                char t[TS_FMT_LEN];
                buf_printf(b, " operated from %s; earlier rows are the owner's baseline",
                           ts_format(r->flags[a].handover_at, t));
            }
            buf_printf(b, "</td><td class=\"n\">%u</td></tr>\n", r->flags[a].evidence[f]);
        }
        buf_puts(b, "</table>\n");
        if (listed > REPORT_MAX_ACCOUNTS)
            buf_printf(b, "<p class=\"note\">Showing %d of %zu accounts.</p>\n",
                       REPORT_MAX_ACCOUNTS, listed);
        size_t ns = rr->cf->ev.nsamples[f];
        if (!ns)
            continue;
        buf_puts(b, "<table>\n<tr><th>source</th><th>time (UTC)</th><th>row</th></tr>\n");
        for (size_t k = 0; k < ns; k++) {
            const case_row *row = &rr->cf->ev.samples[f][k];
            char t1[TS_FMT_LEN];
            buf_puts(b, "<tr><td class=\"mono\">");
            esc(b, row->file);
            buf_printf(b, ":%ld</td><td class=\"mono\">%s</td><td class=\"mono\">", row->line,
                       row->ts == TS_NONE ? "" : ts_format(row->ts, t1));
            for (size_t c = 0; c < row->ncols; c++) { /* "name=value, ..." */
                if (c)
                    buf_puts(b, ", ");
                esc(b, row->name[c]);
                buf_putc(b, '=');
                esc(b, row->value[c]);
            }
            if (row->pair_gap_ms >= 0)
                buf_printf(b, " <em>(same %s as the row above, another account, %s apart)</em>",
                           flags_info((flag_code)f)->evidence == FLAG_EV_PAIR_IP ? "IP" : "device",
                           gap_text(row->pair_gap_ms, t1));
            buf_puts(b, "</td></tr>\n");
        }
        buf_puts(b, "</table>\n");
    }
    if (!any)
        buf_puts(b, "<p>No red flags.</p>\n");
}

static void infra_section(rs_buf *b, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    buf_puts(b, "<h2>Shared infrastructure</h2>\n");
    if (!rg->nres) {
        buf_puts(b, "<p>None.</p>\n");
        return;
    }
    buf_puts(b, "<table>\n<tr><th>type</th><th>id</th><th>members using</th>"
                "<th>accounts using</th></tr>\n");
    size_t shown = rg->nres < 100 ? rg->nres : 100;
    for (size_t k = 0; k < shown; k++) {
        const ring_resource *x = &rg->res[k];
        buf_printf(b, "<tr><td>%s</td><td><code>", graph_node_type_name((node_type)x->type));
        put_node_label(b, rr->g, graph_node_gid(rr->g, (node_type)x->type, x->id));
        buf_printf(b, "</code></td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
                   x->members, x->degree);
    }
    buf_puts(b, "</table>\n");
    if (shown < rg->nres)
        buf_printf(b, "<p class=\"note\">Showing %zu of %zu; nodes.csv lists all.</p>\n", shown,
                   rg->nres);
}

/* Phones, emails, documents, photos, addresses and texts its accounts share
 * (only with identity data). */
static void identity_section(rs_buf *b, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    const findings_identity *fi = &rr->r->ident;
    if (!rg->nident)
        return;
    buf_puts(b, "<h2>Shared identity and text</h2>\n<table>\n<tr><th>kind</th><th>value</th>"
                "<th>members using</th><th>accounts using</th></tr>\n");
    for (size_t k = 0; k < rg->nident; k++) {
        uint32_t x = rg->ident[k];
        char lb[FINDINGS_IDENT_LABEL];
        size_t ll;
        const char *label = findings_ident_label(rr->g, fi, x, lb, &ll);
        buf_printf(b, "<tr><td>%s</td><td><code>", attrs_kind_name((attr_kind)fi->kind[x]));
        escape_html(b, label, ll);
        buf_printf(b, "</code></td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
                   findings_ident_members(fi, rr->r->ring_of, x, rr->ring),
                   fi->off[x + 1] - fi->off[x]);
    }
    buf_puts(b, "</table>\n<p class=\"note\">Texts: the bids in events.csv carry the letters "
                "of each cluster.</p>\n");
}

/* Accounts per country, most first: "US 5, DE 2". */
typedef struct {
    char cc[3];
    uint32_t n;
} cc_count;

static int cc_pair_cmp(const void *pa, const void *pb)
{
    const uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static int cc_count_cmp(const void *pa, const void *pb)
{
    const cc_count *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->cc, b->cc);
}

/* Tallies (country << 32 | account) pairs, each account once per country, and
 * prints the countries, most accounts first (at most 6). */
static void put_countries(rs_buf *b, uint64_t *pairs, size_t n)
{
    if (!n) {
        buf_puts(b, "none known");
        return;
    }
    qsort(pairs, n, sizeof *pairs, cc_pair_cmp);
    cc_count c[64];
    memset(c, 0, sizeof c);
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && pairs[i] == pairs[i - 1])
            continue;
        uint32_t code = (uint32_t)(pairs[i] >> 32);
        char cc[3] = {(char)(code >> 8), (char)(code & 0xff), '\0'};
        if (nc && !strcmp(c[nc - 1].cc, cc))
            c[nc - 1].n++;
        else if (nc < 64)
            c[nc++] = (cc_count){{cc[0], cc[1], '\0'}, 1};
    }
    qsort(c, nc, sizeof *c, cc_count_cmp);
    for (size_t i = 0; i < nc && i < 6; i++) {
        buf_printf(b, "%s", i ? ", " : "");
        esc(b, c[i].cc);
        buf_printf(b, " %u", c[i].n);
    }
    if (nc > 6)
        buf_printf(b, " and %zu more", nc - 6);
}

static uint64_t cc_key(const char *cc, uint32_t acct)
{
    return (uint64_t)((uint32_t)(unsigned char)cc[0] << 8 | (unsigned char)cc[1]) << 32 | acct;
}

/* Claimed countries of the ring's accounts, the countries they log in from and
 * the countries they are paid into (accounts per country). */
static void card_countries(rs_buf *b, const report_ring *rr)
{
    const rs_graph *g = rr->g;
    const findings *r = rr->r;
    const ring *rg = &r->rings[rr->ring];
    size_t total = rg->nmembers + rg->nshills, cap = total + rr->cf->sub.nedges + 1, n = 0;
    uint64_t *v = xreallocarray(NULL, cap, sizeof *v);
    for (size_t k = 0; k < total; k++) {
        uint32_t a = k < rg->nmembers ? rg->members[k] : rg->shills[k - rg->nmembers];
        if (g->acct[a].country[0])
            v[n++] = cc_key(g->acct[a].country, a);
    }
    buf_puts(b, "<tr><th>claimed countries</th><td>");
    put_countries(b, v, n);
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (size_t k = 0; k < rr->cf->sub.nedges; k++) {
            const rs_edge *e = &g->edges[rr->cf->sub.edges[k]];
            if (e->kind != (pass ? EDGE_PAYOUT : EDGE_LOGIN) ||
                r->ring_of[e->a] != (int32_t)rr->ring)
                continue;
            const char *cc = pass ? g->dest[e->b].country : g->ip[e->b].country;
            if (cc[0])
                v[n++] = cc_key(cc, e->a);
        }
        buf_puts(b, pass ? "</td></tr>\n<tr><th>paid into</th><td>"
                         : "</td></tr>\n<tr><th>logs in from</th><td>");
        put_countries(b, v, n);
    }
    buf_puts(b, "</td></tr>\n");
    free(v);
}

/* A shared resource in a few words: "device dev-A, 5 of 7 accounts",
 * "IP 1.2.3.4 (CN, AS4134 Chinanet)", "payout account p-9 (HK)", "crypto wallet
 * bc1q...": an investigator asks a bank and a blockchain analysis different
 * questions. */
static void put_resource(rs_buf *b, const report_ring *rr, const ring_resource *x, size_t total)
{
    const rs_graph *g = rr->g;
    static const char *const what[] = {"", "", "IP", "device", "payout account"};
    int wallet = x->type == NODE_DEST && g->dest[x->id].crypto;
    buf_printf(b, "%s <code>", wallet ? "crypto wallet" : x->type < 5 ? what[x->type] : "");
    put_node_label(b, g, graph_node_gid(g, (node_type)x->type, x->id));
    buf_puts(b, "</code>");
    if (x->type == NODE_IP) {
        const ip_attr *ia = &g->ip[x->id];
        if (ia->country[0] || ia->asn) {
            buf_puts(b, " (");
            esc(b, ia->country);
            if (ia->asn)
                buf_printf(b, "%sAS%u", ia->country[0] ? ", " : "", ia->asn);
            if (ia->asn_org != GRAPH_NONE) {
                size_t ol;
                const char *org = intern_str(g->strings, ia->asn_org, &ol);
                buf_putc(b, ' ');
                escape_html(b, org, ol);
            }
            buf_putc(b, ')');
        }
    } else if (x->type == NODE_DEST && g->dest[x->id].country[0]) {
        buf_puts(b, " (");
        esc(b, g->dest[x->id].country);
        buf_putc(b, ')');
    }
    buf_printf(b, ", used by %u of the %zu accounts", x->members, total);
}

/* 1 for flags that show deception or collusion of the account itself, 0 for
 * sharing, long sessions and heavy bidding (the registry's FLAG_P_STRONG). */
static int strong_flag(int f)
{
    return (flags_info((flag_code)f)->props & FLAG_P_STRONG) != 0;
}

/* 1 for flags that are facts about an account, 0 for those derived from its ring
 * (the registry's FLAG_P_DERIVED), which the summaries leave out. */
static int fact_flag(int f)
{
    return !(flags_info((flag_code)f)->props & FLAG_P_DERIVED);
}

/* The most accounts of the ring carrying one flag with any of the given
 * properties: deception family (family nonzero) or next step (step). */
static uint32_t most_with(const ring *rg, uint32_t family, flag_step step)
{
    uint32_t most = 0;
    for (int f = 0; f < FLAG_COUNT; f++) {
        const flag_info *fi = flags_info((flag_code)f);
        if (((family && fi->family == family) || (step && fi->step == step)) &&
            rg->flag_counts[f] > most)
            most = rg->flag_counts[f];
    }
    return most;
}

/* The top of the case page: what an investigator needs in one minute. */
static void summary_card(rs_buf *b, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    size_t total = rg->nmembers + rg->nshills;
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_puts(b, "<h2>Summary</h2>\n<table class=\"card\">\n");
    buf_printf(
        b,
        "<tr><th>kind</th><td><strong>%s</strong>, severity <strong>%s</strong></td></tr>\n"
        "<tr><th>accounts</th><td>%zu member%s, %zu shill client%s, %zu associate%s</td></tr>\n",
        findings_kind_name(rg->kind), findings_severity_name(rg->severity), rg->nmembers,
        rg->nmembers == 1 ? "" : "s", rg->nshills, rg->nshills == 1 ? "" : "s",
        rg->associates_total, rg->associates_total == 1 ? "" : "s");
    if (rg->first_seen != INT64_MAX)
        buf_printf(b, "<tr><th>active</th><td>%.10s to %.10s</td></tr>\n",
                   ts_format(rg->first_seen, t1), ts_format(rg->last_seen, t2));
    /* Binding infrastructure: devices and payout accounts before IPs, most used first. */
    buf_puts(b, "<tr><th>binding infrastructure</th><td>");
    size_t shown = 0;
    for (int pass = 0; pass < 2 && shown < 4; pass++)
        for (size_t k = 0; k < rg->nres && shown < 4; k++) {
            const ring_resource *x = &rg->res[k];
            if ((x->type == NODE_IP) != (pass == 1))
                continue;
            buf_puts(b, shown++ ? "<br>" : "");
            put_resource(b, rr, x, total);
        }
    buf_puts(b, shown ? "</td></tr>\n" : "nothing shared</td></tr>\n");
    if (rg->crypto_paid)
        buf_printf(b,
                   "<tr><th>crypto payouts</th><td>%u of %zu accounts paid into crypto "
                   "wallets</td></tr>\n",
                   rg->crypto_paid, total);
    card_countries(b, rr);
    buf_puts(b, "<tr><th>strongest facts</th><td><ol>");
    /* Deception and collusion first (they are what sharing alone does not
     * explain), then the rest; more accounts first within each. */
    int used[FLAG_COUNT] = {0};
    for (int n = 0; n < 3; n++) {
        int best = -1;
        for (int f = 0; f < FLAG_COUNT; f++) {
            if (used[f] || !fact_flag(f) || !rg->flag_counts[f])
                continue;
            if (best < 0 || strong_flag(f) > strong_flag(best) ||
                (strong_flag(f) == strong_flag(best) && rg->flag_counts[f] > rg->flag_counts[best]))
                best = f;
        }
        if (best < 0)
            break;
        used[best] = 1;
        buf_printf(b, "<li>%u of %zu accounts %s (%s)</li>", rg->flag_counts[best], total,
                   flags_meaning((flag_code)best), flags_name((flag_code)best));
    }
    buf_puts(b, "</ol></td></tr>\n</table>\n");
}

/* Which benign explanations the detector weighed, and what it found. */
static void ruled_out(rs_buf *b, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    size_t nt[3] = {0, 0, 0};
    for (size_t k = 0; k < rg->nres; k++)
        nt[rg->res[k].type == NODE_IP ? 0 : rg->res[k].type == NODE_DEVICE ? 1 : 2]++;
    buf_puts(b, "<h2>Benign explanations considered</h2>\n<ul>\n");
    if (rg->kind == RING_KIND_SHARED_CONTROL)
        buf_printf(b,
                   "<li><strong>One person or agency running several accounts: not ruled "
                   "out.</strong> %u accounts share a device and a payout account, but only %u "
                   "of the %u bound accounts deceive on their own (a proxy ring needs two "
                   "thirds); the accounts are not flagged for this ring.</li>\n",
                   rg->controlled, rg->bound_deceptive, rg->bound);
    else
        buf_printf(b,
                   "<li><strong>Shared office or household: ruled out.</strong> Colleagues and "
                   "families share lines but do not hide where they are: %u of the %u accounts "
                   "bound by shared control or deceptive infrastructure deceive on their own "
                   "(%u with tied rating collusion).</li>\n",
                   rg->bound_deceptive, rg->bound, rg->colluding);
    if (nt[1] + nt[2])
        buf_printf(b,
                   "<li><strong>Unrelated users of one VPN or hosting network: ruled "
                   "out.</strong> They would share exits only; these accounts share %zu "
                   "device%s and %zu payout account%s.</li>\n",
                   nt[1], nt[1] == 1 ? "" : "s", nt[2], nt[2] == 1 ? "" : "s");
    else
        buf_puts(b, "<li><strong>Unrelated users of one network: not ruled out by "
                    "infrastructure.</strong> The accounts share no device or payout account; "
                    "the case rests on shared lines and behaviour.</li>\n");
    uint32_t abroad = most_with(rg, DECEPTION_LOCATION, FLAG_STEP_NONE);
    if (abroad)
        buf_printf(b,
                   "<li><strong>Travellers and people who moved: weighed.</strong> A trip or a "
                   "move explains one account abroad, not %u accounts of one group logging in "
                   "from countries they do not claim while sharing infrastructure.</li>\n",
                   abroad);
    buf_puts(b, "</ul>\n");
}

/* What to do next, from what the case holds. */
static void next_steps(rs_buf *b, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    buf_puts(b, "<h2>Next steps</h2>\n<ol>\n");
    buf_puts(b, "<li>Compare the identity documents, names and contact details behind the "
                "accounts listed above; the same person behind several is the strongest "
                "confirmation.</li>\n");
    if (most_with(rg, 0, FLAG_STEP_PAYOUTS))
        buf_puts(b, "<li>Ask the payment provider who holds the shared payout accounts and "
                    "consider holding payouts to them, above all those in high-risk "
                    "countries, pending review.</li>\n");
    if (most_with(rg, 0, FLAG_STEP_DEVICES))
        buf_puts(b, "<li>Pull the full login history of the shared devices and the "
                    "remote-desktop observations: a laptop farm shows as one device behind "
                    "accounts that claim different countries.</li>\n");
    if (rg->nshills || most_with(rg, 0, FLAG_STEP_RATINGS))
        buf_puts(b, "<li>Review the ratings listed under the rating flags: discount them and "
                    "look at the clients who gave them.</li>\n");
    if (rg->associates_total)
        buf_puts(b, "<li>Look at the associates: accounts on the same infrastructure that did "
                    "not reach the threshold.</li>\n");
    buf_puts(b, "<li>Cite rows by file and line from <code>events.csv</code>; check the bag with "
                "<code>sha256sum -c manifest-sha256.txt</code> before handing it on.</li>\n");
    buf_puts(b, "</ol>\n");
}

/* The attribution the IP data's licences require, on every page that used it. */
static void credits(rs_buf *b, const findings *r)
{
    if (!r->credits)
        return;
    buf_puts(b, "<footer><p class=\"credits\">IP data: ");
    esc(b, r->credits);
    buf_puts(b, "</p></footer>\n");
}

/* --state: what changed since the last run, after the ring's rank id (its
 * persistent id names the ring: findings_ring_id). */
static void history_cell(rs_buf *b, const ring *rg, const ring_track *t)
{
    buf_printf(b, "<br>rank <span class=\"id\">%s</span> %s", rg->id,
               findings_track_name(t->status));
    if (t->added || t->removed)
        buf_printf(b, " (+%u / -%u accounts)", t->added, t->removed);
    if (t->related) {
        buf_printf(b, ", %s ", t->status == TRACK_SPLIT ? "split from" : "merged from");
        esc(b, t->related);
    }
    if (t->returned)
        buf_puts(b, ", returned after a run without it");
    if (t->rose_from)
        buf_printf(b, ", severity up from %s",
                   findings_severity_name((ring_severity)(t->rose_from - 1)));
    if (t->dispo) {
        buf_printf(b, "; analyst: %s", findings_disposition_name(t->dispo));
        if (t->reopened)
            buf_puts(b, ", reported again: it changed");
    }
    if (t->confirmed)
        buf_printf(b, "; %u account%s confirmed bad", t->confirmed, t->confirmed == 1 ? "" : "s");
}

int report_write_ring(FILE *f, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    rs_buf b = {0};
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_puts(&b, csp_head);
    const char *rid = findings_ring_id(rr->r, rr->ring);
    buf_printf(&b, "<title>%s - ringscan evidence</title>\n", rid);
    buf_puts(&b, style);
    buf_printf(&b,
               "<h1>Ring %s</h1>\n<p class=\"kind\"><strong>%s</strong>, severity "
               "<strong>%s</strong>",
               rid, findings_kind_name(rg->kind), findings_severity_name(rg->severity));
    if (rr->r->hist.track)
        history_cell(&b, rg, &rr->r->hist.track[rr->ring]);
    buf_puts(&b, "</p>\n");
    buf_printf(&b,
               "<p>Rank %zu, score %.3f (link strength %.3f, "
               "corroboration %.3f, density %.3f); %zu member%s and %zu shill client%s",
               rr->ring + 1, rg->score, rg->strength, rg->prevalence, rg->density, rg->nmembers,
               rg->nmembers == 1 ? "" : "s", rg->nshills, rg->nshills == 1 ? "" : "s");
    if (rg->first_seen != INT64_MAX)
        buf_printf(&b, "; first seen %s, last seen %s", ts_format(rg->first_seen, t1),
                   ts_format(rg->last_seen, t2));
    buf_puts(&b, ".</p>\n");
    buf_puts(&b, "<div class=\"top\"><div>\n");
    summary_card(&b, rr);
    timeline(&b, rr);
    buf_puts(&b, "</div><div>\n");
    drawing(&b, rr);
    buf_puts(&b, "</div></div>\n");
    ruled_out(&b, rr);
    next_steps(&b, rr);
    buf_puts(&b, "<h2>Explanation</h2>\n<p>");
    esc(&b, rr->explanation);
    buf_puts(&b, "</p>\n");
    members_table(&b, rr);
    flags_section(&b, rr);
    infra_section(&b, rr);
    identity_section(&b, rr);
    buf_puts(&b, "<h2>Files</h2>\n<p>SHA-256 of this bag's other payload files (the bag's "
                 "manifest-sha256.txt covers this page too; check with <code>sha256sum -c "
                 "manifest-sha256.txt</code> in the bag directory).</p>\n<table>\n"
                 "<tr><th>file</th><th>SHA-256</th></tr>\n");
    for (size_t i = 0; i < rr->nfiles; i++) {
        buf_printf(&b, "<tr><td><code>");
        esc(&b, rr->files[i]);
        buf_printf(&b, "</code></td><td class=\"mono\">%s</td></tr>\n", rr->hashes[i]);
    }
    buf_puts(&b, "</table>\n");
    credits(&b, rr->r);
    buf_puts(&b, "</body>\n</html>\n");
    int rc = buf_flush(&b, f);
    buf_free(&b);
    return rc;
}

/* One line for the index: what binds the ring and its three most common red
 * flags, e.g. "shares 1 device, 2 payout accounts, 16 IPs; GEO_HOP 9/11,
 * SHARED_IP 11/11, REMOTE_ACCESS 11/11". */
static void in_short(rs_buf *b, const ring *rg)
{
    size_t nt[3] = {0, 0, 0};
    for (size_t k = 0; k < rg->nres; k++)
        nt[rg->res[k].type == NODE_IP ? 0 : rg->res[k].type == NODE_DEVICE ? 1 : 2]++;
    static const char *const one[3] = {"IP", "device", "payout account"};
    static const char *const many[3] = {"IPs", "devices", "payout accounts"};
    const char *sep = "shares ";
    for (int t = 2; t >= 0; t--) /* the binding kinds first */
        if (nt[t]) {
            buf_printf(b, "%s%zu %s", sep, nt[t], nt[t] == 1 ? one[t] : many[t]);
            sep = ", ";
        }
    if (sep[0] == 's')
        buf_puts(b, "shares nothing");
    size_t total = rg->nmembers + rg->nshills;
    int shown[3] = {-1, -1, -1};
    for (int n = 0; n < 3; n++) {
        uint32_t best = 0;
        for (int f = 0; f < FLAG_COUNT; f++) {
            if (f == shown[0] || f == shown[1] || !fact_flag(f))
                continue;
            if (rg->flag_counts[f] > best) {
                best = rg->flag_counts[f];
                shown[n] = f;
            }
        }
        if (shown[n] < 0)
            break;
        buf_printf(b, "%s%s %u/%zu", n ? ", " : "; ", flags_name((flag_code)shown[n]),
                   rg->flag_counts[shown[n]], total);
    }
}

/* The span of the data: the first and last observation on any edge. */
static void data_span(const rs_graph *g, int64_t *first, int64_t *last)
{
    *first = INT64_MAX;
    *last = INT64_MIN;
    for (size_t i = 0; i < g->nedges; i++) {
        *first = g->edges[i].first < *first ? g->edges[i].first : *first;
        *last = g->edges[i].last > *last ? g->edges[i].last : *last;
    }
}

static void run_summary(rs_buf *b, const rs_graph *g, const findings *r, const report_run *run)
{
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    int64_t first, last;
    data_span(g, &first, &last);
    buf_puts(b, "<h2>Run</h2>\n<table>\n");
    if (first != INT64_MAX)
        buf_printf(b, "<tr><th>data from</th><td class=\"date\">%.10s to %.10s</td></tr>\n",
                   ts_format(first, t1), ts_format(last, t2));
    for (size_t i = 0; run && i < run->ninputs; i++) {
        buf_puts(b, "<tr><th>input</th><td><code>");
        esc(b, run->inputs[i]);
        buf_printf(b, "</code>: %" PRIu64 " rows", run->rows[i]);
        if (run->bad && run->bad[i])
            buf_printf(b, ", %" PRIu64 " skipped as bad", run->bad[i]);
        buf_puts(b, "</td></tr>\n");
    }
    if (run && run->ips)
        buf_printf(b,
                   "<tr><th>IP addresses</th><td>%" PRIu64 ": %.1f %% with a country, %.1f %% "
                   "with an ASN</td></tr>\n",
                   run->ips, 100.0 * (double)run->ips_country / (double)run->ips,
                   100.0 * (double)run->ips_asn / (double)run->ips);
    for (size_t i = 0; run && i < run->nskipped; i++) {
        buf_puts(b, "<tr><th>skipped</th><td>");
        esc(b, run->skipped[i]);
        buf_puts(b, "</td></tr>\n");
    }
    size_t by[3][3] = {{0}};
    for (size_t i = 0; i < r->nrings; i++)
        by[r->rings[i].kind][r->rings[i].severity]++;
    buf_printf(b, "<tr><th>rings</th><td>%zu", r->nrings);
    static const ring_kind kinds[] = {RING_KIND_PROXY, RING_KIND_RATING, RING_KIND_SHARED_CONTROL};
    const char *sep = ": ";
    for (size_t k = 0; k < 3; k++) {
        size_t n = by[kinds[k]][0] + by[kinds[k]][1] + by[kinds[k]][2];
        if (!n)
            continue;
        buf_printf(b, "%s%zu %s (", sep, n, findings_kind_name(kinds[k]));
        const char *s2 = "";
        for (int v = 0; v < 3; v++)
            if (by[kinds[k]][v]) {
                buf_printf(b, "%s%zu %s", s2, by[kinds[k]][v],
                           findings_severity_name((ring_severity)v));
                s2 = ", ";
            }
        buf_putc(b, ')');
        sep = "; ";
    }
    buf_puts(b, "</td></tr>\n</table>\n");
}

/* Rings closed by this run and rings an analyst cleared. */
static void closed_list(rs_buf *b, const findings *r)
{
    const findings_history *h = &r->hist;
    if (!h->nclosed && !h->nsuppressed)
        return;
    buf_puts(b, "<tr><td colspan=\"10\">");
    for (size_t i = 0; i < h->nclosed; i++) {
        const ring_closed *c = &h->closed[i];
        buf_printf(b, "%s<span class=\"id\">", i ? "; " : "Since the last run: ");
        esc(b, c->pid);
        buf_printf(b, "</span> %s", findings_track_name(c->status));
        if (c->into[0]) {
            buf_puts(b, " into ");
            esc(b, c->into);
        }
    }
    for (size_t i = 0; i < h->nsuppressed; i++) {
        buf_printf(b, "%s<span class=\"id\">",
                   i ? ", "
                     : (h->nclosed ? ". Not reported (cleared by an analyst, unchanged): "
                                   : "Not reported (cleared by an analyst, unchanged): "));
        esc(b, h->suppressed[i].pid);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</td></tr>\n");
}

int report_write_index(FILE *f, const rs_graph *g, const findings *r, const report_run *run)
{
    rs_buf b = {0};
    const char *min_sev = run && run->min_severity ? run->min_severity : "?";
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_puts(&b, csp_head);
    buf_puts(&b, "<title>ringscan - rings</title>\n");
    buf_puts(&b, style);
    buf_printf(&b, "<h1>Rings found: %zu</h1>\n", r->nrings);
    run_summary(&b, g, r, run);
    buf_puts(&b, "<h2>Rings</h2>\n");
    if (!r->nrings) {
        buf_puts(&b, "<p>No ring reached the reporting threshold.</p>\n");
    } else {
        buf_puts(&b, "<p>Ranked by severity, then score, then corroboration (the mean strength of "
                     "the accounts' own red flags), which separates rings whose scores round "
                     "alike. The case page gives the full explanation.</p>\n");
        buf_puts(&b, "<table>\n<tr><th>rank</th><th>ring</th><th>kind</th><th>severity</th>"
                     "<th>score</th><th>corroboration</th><th>accounts</th><th>first seen</th>"
                     "<th>last seen</th><th>in short</th></tr>\n");
        for (size_t i = 0; i < r->nrings; i++) {
            const ring *rg = &r->rings[i];
            buf_printf(&b, "<tr><td class=\"n\">%zu</td><td class=\"id\">", i + 1);
            if (findings_ring_packaged(r, i))
                buf_printf(&b, "<a href=\"evidence/%s/data/report.html\">%s</a>",
                           findings_ring_id(r, i), findings_ring_id(r, i));
            else /* no bag, so no case page to link */
                buf_puts(&b, findings_ring_id(r, i));
            buf_printf(&b,
                       "</td><td class=\"id\">%s</td>"
                       "<td>%s</td><td class=\"n\">%.3f</td><td class=\"n\">%.2f</td>"
                       "<td class=\"n\">%zu</td><td class=\"date\">%.10s</td>"
                       "<td class=\"date\">%.10s</td><td>",
                       findings_kind_name(rg->kind), findings_severity_name(rg->severity),
                       rg->score, rg->prevalence, rg->nmembers + rg->nshills,
                       rg->first_seen != INT64_MAX ? ts_format(rg->first_seen, t1) : "",
                       rg->first_seen != INT64_MAX ? ts_format(rg->last_seen, t2) : "");
            in_short(&b, rg);
            if (!findings_ring_packaged(r, i))
                buf_printf(&b,
                           " No evidence package: %s severity is below "
                           "--evidence-min-severity %s.",
                           findings_severity_name(rg->severity), min_sev);
            if (r->hist.track)
                history_cell(&b, rg, &r->hist.track[i]);
            buf_puts(&b, "</td></tr>\n");
        }
        if (r->hist.track)
            closed_list(&b, r);
        buf_puts(&b, "</table>\n<p>Each ring's folder under <code>evidence/</code> is a BagIt "
                     "bag: check it with <code>sha256sum -c manifest-sha256.txt</code>.</p>\n");
        if (r->nunpackaged)
            buf_printf(&b,
                       "<p>%zu ring%s below %s severity %s no evidence package "
                       "(<code>--evidence-min-severity %s</code>); their facts are in "
                       "<code>rings.json</code> and <code>accounts.csv</code>, and a run with "
                       "<code>--evidence-min-severity low</code> packages every ring.</p>\n",
                       r->nunpackaged, r->nunpackaged == 1 ? "" : "s", min_sev,
                       r->nunpackaged == 1 ? "has" : "have", min_sev);
    }
    credits(&b, r);
    buf_puts(&b, "</body>\n</html>\n");
    int rc = buf_flush(&b, f);
    buf_free(&b);
    return rc;
}
