/* report.c - evidence HTML pages; see report.h.
 *
 * Pages are built in one buffer and flushed at the end (their size is
 * bounded by the REPORT_MAX_* caps, not by the ring's event count).
 */
#include "export/report.h"

#include "export/text.h"
#include "base/ts.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_color[NODE_TYPE_COUNT] = {"#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c",
                                                        "#9467bd"};
static const char *const table_color[TABLE_COUNT] = {"#8c564b", "#1f77b4", "#bcbd22", "#ff7f0e",
                                                     "#9467bd", "#d62728", "#17becf"};

static const char csp_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char style[] =
    "<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
    "max-width:72em;padding:0 1em;color:#222;background:#fff}\n"
    "h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
    "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.n{text-align:right}td{overflow-wrap:anywhere}\n"
    "td.id,td.date{white-space:nowrap;overflow-wrap:normal}\n"
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
    text_html_escape(b, s, strlen(s));
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
    text_html_escape(b, s, l);
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
    text_html_escape(b, s, l);
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
        buf_puts(b, "<tr><td>");
        put_acct(b, g, a);
        buf_printf(b, "</td><td>%s</td><td class=\"n\">%.3f</td><td>",
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
    for (size_t i = 0; i < d->nshown; i++) {
        uint32_t id;
        node_type t = graph_node_decode(rr->g, d->gid[i], &id);
        node_type nt = t == NODE_ACCOUNT ? graph_account_type(rr->g, id) : t;
        int flagged = t == NODE_ACCOUNT && rr->r->flagged[id];
        double rad = d->role[i] ? 9 : 6;
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" fill=\"%s\"",
                   M + d->x[i] * (W - 2 * M), M + d->y[i] * (H - 2 * M), rad, type_color[nt]);
        if (flagged)
            buf_puts(b, " stroke=\"#d00\" stroke-width=\"3\"");
        buf_printf(b, "><title>%s: ", graph_node_type_name(nt));
        put_node_label(b, rr->g, d->gid[i]);
        if (flagged)
            buf_printf(b, " (flagged, risk %.3f)", rr->r->risk[id]);
        buf_puts(b, "</title></circle>\n");
    }
    buf_puts(b, "</g>\n</svg>\n<p class=\"legend\">");
    for (int t = 0; t < NODE_TYPE_COUNT; t++)
        buf_printf(b, "<span><span class=\"sw\" style=\"background:%s\"></span>%s</span>",
                   type_color[t], graph_node_type_name((node_type)t));
    buf_puts(b, "<span><span class=\"sw\" style=\"border:3px solid #d00\"></span>flagged "
                "account</span> Larger circles are ring members and shill clients; hover for "
                "labels.</p>\n");
}

static void timeline(rs_buf *b, const report_ring *rr)
{
    const double W = 1000, H = 220, M = 30;
    const case_evidence *ev = &rr->cf->ev;
    buf_puts(b, "<h2>Timeline of events by kind</h2>\n");
    uint64_t total = 0;
    for (int t = TABLE_ACCOUNTS + 1; t < TABLE_COUNT; t++)
        total += ev->rows[t];
    if (!ev->ndays || !total) {
        buf_puts(b, "<p class=\"note\">No dated events.</p>\n");
        return;
    }
    size_t bin = (ev->ndays + 119) / 120, nb = (ev->ndays + bin - 1) / bin;
    uint64_t(*sum)[TABLE_COUNT] = xcalloc(nb, sizeof *sum);
    uint64_t peak = 1;
    for (size_t d = 0; d < ev->ndays; d++)
        for (int t = 0; t < TABLE_COUNT; t++)
            sum[d / bin][t] += ev->per_day[d][t];
    for (size_t i = 0; i < nb; i++) {
        uint64_t s = 0;
        for (int t = 0; t < TABLE_COUNT; t++)
            s += sum[i][t];
        if (s > peak)
            peak = s;
    }
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_printf(b,
               "<p>Events of the ring's accounts per %zu day%s, %.10s to %.10s (UTC); tallest bar "
               "%llu events. Account creation dates are in events.csv, not drawn.</p>\n",
               bin, bin == 1 ? "" : "s", ts_format(ev->day0 * 86400000, t1),
               ts_format((ev->day0 + (int64_t)ev->ndays - 1) * 86400000, t2),
               (unsigned long long)peak);
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"timeline\">\n",
               W, H, W, H);
    double bw = (W - 2 * M) / (double)nb;
    for (size_t i = 0; i < nb; i++) {
        double y = H - M;
        for (int t = 0; t < TABLE_COUNT; t++) {
            if (!sum[i][t])
                continue;
            double h = (H - 2 * M) * (double)sum[i][t] / (double)peak;
            y -= h;
            buf_printf(b,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>%s: %llu from %.10s</title></rect>\n",
                       M + bw * (double)i, y, bw > 1.5 ? bw - 0.5 : bw, h, table_color[t],
                       records_table_name((table_id)t), (unsigned long long)sum[i][t],
                       ts_format((ev->day0 + (int64_t)(i * bin)) * 86400000, t1));
        }
    }
    buf_printf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>\n", M,
               H - M, W - M, H - M);
    buf_puts(b, "</svg>\n<p class=\"legend\">");
    for (int t = TABLE_ACCOUNTS + 1; t < TABLE_COUNT; t++)
        if (ev->rows[t])
            buf_printf(b, "<span><span class=\"sw\" style=\"background:%s\"></span>%s: %llu</span>",
                       table_color[t], records_table_name((table_id)t),
                       (unsigned long long)ev->rows[t]);
    buf_puts(b, "</p>\n");
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
                           f == FLAG_SHARED_IP ? "IP" : "device", gap_text(row->pair_gap_ms, t1));
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

/* The attribution the IP data's licences require, on every page that used it. */
static void credits(rs_buf *b, const findings *r)
{
    if (!r->credits)
        return;
    buf_puts(b, "<footer><p class=\"credits\">IP data: ");
    esc(b, r->credits);
    buf_puts(b, "</p></footer>\n");
}

int report_write_ring(FILE *f, const report_ring *rr)
{
    const ring *rg = &rr->r->rings[rr->ring];
    rs_buf b = {0};
    char t1[TS_FMT_LEN], t2[TS_FMT_LEN];
    buf_puts(&b, csp_head);
    buf_printf(&b, "<title>%s - ringscan evidence</title>\n", rg->id);
    buf_puts(&b, style);
    buf_printf(&b,
               "<h1>Ring %s</h1>\n<p class=\"kind\"><strong>%s</strong>, severity "
               "<strong>%s</strong></p>\n",
               rg->id, findings_kind_name(rg->kind), findings_severity_name(rg->severity));
    buf_printf(&b,
               "<p>Rank %zu, score %.3f (link strength %.3f, "
               "corroboration %.3f, density %.3f); %zu member%s and %zu shill client%s",
               rr->ring + 1, rg->score, rg->strength, rg->prevalence, rg->density, rg->nmembers,
               rg->nmembers == 1 ? "" : "s", rg->nshills, rg->nshills == 1 ? "" : "s");
    if (rg->first_seen != INT64_MAX)
        buf_printf(&b, "; first seen %s, last seen %s", ts_format(rg->first_seen, t1),
                   ts_format(rg->last_seen, t2));
    buf_puts(&b, ".</p>\n<h2>Explanation</h2>\n<p>");
    esc(&b, rr->explanation);
    buf_puts(&b, "</p>\n");
    members_table(&b, rr);
    drawing(&b, rr);
    timeline(&b, rr);
    flags_section(&b, rr);
    infra_section(&b, rr);
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
            if (f == shown[0] || f == shown[1] || f == FLAG_RING_MEMBER)
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

int report_write_index(FILE *f, const rs_graph *g, const findings *r, const report_run *run)
{
    rs_buf b = {0};
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
            buf_printf(&b,
                       "<tr><td class=\"n\">%zu</td><td class=\"id\"><a "
                       "href=\"evidence/%s/data/report.html\">%s</a></td><td class=\"id\">%s</td>"
                       "<td>%s</td><td class=\"n\">%.3f</td><td class=\"n\">%.2f</td>"
                       "<td class=\"n\">%zu</td><td class=\"date\">%.10s</td>"
                       "<td class=\"date\">%.10s</td><td>",
                       i + 1, rg->id, rg->id, findings_kind_name(rg->kind),
                       findings_severity_name(rg->severity), rg->score, rg->prevalence,
                       rg->nmembers + rg->nshills,
                       rg->first_seen != INT64_MAX ? ts_format(rg->first_seen, t1) : "",
                       rg->first_seen != INT64_MAX ? ts_format(rg->last_seen, t2) : "");
            in_short(&b, rg);
            buf_puts(&b, "</td></tr>\n");
        }
        buf_puts(&b, "</table>\n<p>Each ring's folder under <code>evidence/</code> is a BagIt "
                     "bag: check it with <code>sha256sum -c manifest-sha256.txt</code>.</p>\n");
    }
    credits(&b, r);
    buf_puts(&b, "</body>\n</html>\n");
    int rc = buf_flush(&b, f);
    buf_free(&b);
    return rc;
}
