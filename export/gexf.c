/* gexf.c - GEXF 1.3 dynamic subgraph writer; see gexf.h. Every string from
 * the input goes through escape_xml. */
#include "export/gexf.h"

#include "export/edgepairs.h"
#include "export/escape.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/buf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char gexf_rgb[NODE_TYPE_COUNT][3] = {
    {31, 119, 180}, {255, 127, 14}, {127, 127, 127}, {44, 160, 44}, {148, 103, 189}};

/* Index of gid in the ascending nodes array, or SIZE_MAX. */
static size_t find_node(const gexf_sub *s, uint32_t gid)
{
    size_t lo = 0, hi = s->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->nodes[mid] < gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nnodes && s->nodes[lo] == gid ? lo : SIZE_MAX;
}

static void put_edge(rs_buf *b, size_t id, uint32_t src, uint32_t dst, uint32_t count,
                     int64_t first, int64_t last, const char *kind)
{
    char t[TS_FMT_LEN];
    buf_puts(b, "      <edge id=\"e");
    buf_put_int(b, (long long)id);
    buf_puts(b, "\" source=\"n");
    buf_put_int(b, src);
    buf_puts(b, "\" target=\"n");
    buf_put_int(b, dst);
    buf_puts(b, "\" weight=\"");
    buf_put_int(b, count);
    buf_puts(b, "\" start=\"");
    buf_puts(b, ts_format(first, t));
    buf_puts(b, "\" end=\"");
    buf_puts(b, ts_format(last, t));
    buf_puts(b, "\">\n        <attvalues>\n"
                "          <attvalue for=\"kind\" value=\"");
    buf_puts(b, kind);
    buf_puts(b, "\"/>\n          <attvalue for=\"count\" value=\"");
    buf_put_int(b, count);
    buf_puts(b, "\"/>\n        </attvalues>\n      </edge>\n");
}

/* The edges, one per node pair as in graph.graphml: relations between two
 * accounts (bids, ratings, charges) merged into one edge living from the first
 * to the last of them, kind "rating+charge+bid", directed client -> freelancer
 * when there is a rating or charge. */
static void write_edges(rs_buf *b, FILE *f, const rs_graph *g, const gexf_sub *s, int *rc)
{
    edge_pair *pairs;
    size_t np = edgepairs_collect(g, s->edges, s->nedges, &pairs), groups = 0;
    for (size_t i = 0; i < np; i++)
        groups += i == 0 || pairs[i].lo != pairs[i - 1].lo || pairs[i].hi != pairs[i - 1].hi;
    buf_printf(b, "    <edges count=\"%zu\">\n", s->nedges - np + groups);
    for (size_t k = 0; k < s->nedges; k++) {
        const rs_edge *e = &g->edges[s->edges[k]];
        if (edgepairs_kind(e->kind))
            continue;
        put_edge(b, s->edges[k], graph_edge_src_gid(g, e), graph_edge_dst_gid(g, e), e->count,
                 e->first, e->last, graph_edge_kind_name((edge_kind)e->kind));
        buf_spill(b, f, rc);
    }
    for (size_t i = 0; i < np;) {
        edge_pair_sum ps;
        size_t run = edgepairs_fold(g, pairs + i, np - i, &ps);
        put_edge(b, pairs[i].idx, graph_edge_src_gid(g, ps.lead), graph_edge_dst_gid(g, ps.lead),
                 ps.count, ps.first, ps.last, ps.kinds);
        buf_spill(b, f, rc);
        i += run;
    }
    free(pairs);
}

int gexf_write(FILE *f, const rs_graph *g, const gexf_sub *s)
{
    rs_buf b = {0};
    int rc = 0;
    int64_t *start = xreallocarray(NULL, s->nnodes ? s->nnodes : 1, sizeof *start);
    uint32_t *ring_users = xcalloc(s->nnodes ? s->nnodes : 1, sizeof *ring_users);
    for (size_t i = 0; i < s->nnodes; i++)
        start[i] = INT64_MAX;
    for (size_t k = 0; k < s->nedges; k++) {
        const rs_edge *e = &g->edges[s->edges[k]];
        size_t ia = find_node(s, graph_edge_src_gid(g, e));
        size_t ib = find_node(s, graph_edge_dst_gid(g, e));
        if (ia != SIZE_MAX && e->first < start[ia])
            start[ia] = e->first;
        if (ib != SIZE_MAX && e->first < start[ib])
            start[ib] = e->first;
        /* A resource used by the ring's own accounts: one edge per account. */
        if (ia != SIZE_MAX && ib != SIZE_MAX && s->role && s->role[ia] &&
            (!strcmp(s->role[ia], "member") || !strcmp(s->role[ia], "shill")) &&
            graph_edge_end_type((edge_kind)e->kind, 1) != NODE_ACCOUNT)
            ring_users[ib]++;
    }
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                 "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
                 "version=\"1.3\">\n"
                 "  <meta>\n    <creator>ringscan</creator>\n"
                 "    <description>ring subgraph; edges live from first to last "
                 "observation (UTC)</description>\n  </meta>\n"
                 "  <graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"dateTime\" "
                 "timezone=\"UTC\">\n"
                 "    <attributes class=\"node\" mode=\"static\">\n"
                 "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
                 "      <attribute id=\"role\" title=\"role\" type=\"string\"/>\n"
                 "      <attribute id=\"risk_score\" title=\"risk_score\" type=\"double\"/>\n"
                 "    </attributes>\n"
                 "    <attributes class=\"edge\" mode=\"static\">\n"
                 "      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n"
                 "      <attribute id=\"count\" title=\"count\" type=\"integer\"/>\n"
                 "    </attributes>\n");
    buf_printf(&b, "    <nodes count=\"%zu\">\n", s->nnodes);
    char lb[IPADDR_STRLEN], t1[TS_FMT_LEN];
    for (size_t i = 0; i < s->nnodes; i++) {
        uint32_t id;
        node_type t = graph_node_decode(g, s->nodes[i], &id);
        node_type nt = t == NODE_ACCOUNT ? graph_account_type(g, id) : t;
        const char *label = graph_label(g, t, id, lb);
        size_t ll = strlen(label);
        if (t != NODE_IP)
            label = intern_str(g->ids[t], id, &ll);
        buf_puts(&b, "      <node id=\"n");
        buf_put_int(&b, s->nodes[i]);
        buf_puts(&b, "\" label=\"");
        escape_xml(&b, label, ll);
        buf_putc(&b, '"');
        if (start[i] != INT64_MAX) {
            buf_puts(&b, " start=\"");
            buf_puts(&b, ts_format(start[i], t1));
            buf_putc(&b, '"');
        }
        buf_puts(&b, ">\n        <attvalues>\n          <attvalue for=\"type\" value=\"");
        buf_puts(&b, graph_node_type_name(nt));
        buf_puts(&b, "\"/>\n");
        if (s->role && s->role[i]) {
            buf_puts(&b, "          <attvalue for=\"role\" value=\"");
            buf_puts(&b, s->role[i]);
            buf_puts(&b, "\"/>\n");
        }
        double risk = s->risk ? s->risk[i] : 0.0;
        if (isfinite(risk))
            buf_printf(&b, "          <attvalue for=\"risk_score\" value=\"%.6f\"/>\n", risk);
        buf_puts(&b, "        </attvalues>\n");
        buf_puts(&b, "        <viz:color r=\"");
        buf_put_int(&b, gexf_rgb[nt][0]);
        buf_puts(&b, "\" g=\"");
        buf_put_int(&b, gexf_rgb[nt][1]);
        buf_puts(&b, "\" b=\"");
        buf_put_int(&b, gexf_rgb[nt][2]);
        buf_puts(&b, "\"/>\n");
        /* Accounts by risk; IPs, devices and payout accounts by how many of the
         * ring's accounts use them, so the binding infrastructure stands out
         * and a member's personal address stays small. */
        double size = t == NODE_ACCOUNT ? 4.0 + 16.0 * (isfinite(risk) ? risk : 0.0)
                                        : 4.0 + 4.0 * (ring_users[i] < 6 ? ring_users[i] : 6);
        buf_printf(&b, "        <viz:size value=\"%.3f\"/>\n", size);
        buf_puts(&b, "      </node>\n");
        buf_spill(&b, f, &rc);
    }
    buf_puts(&b, "    </nodes>\n");
    write_edges(&b, f, g, s, &rc);
    buf_puts(&b, "    </edges>\n  </graph>\n</gexf>\n");
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    free(start);
    free(ring_users);
    return rc;
}
