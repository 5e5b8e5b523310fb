/* graphml.c - GraphML writer; see graphml.h.
 *
 * Written by hand rather than with igraph_write_graph_graphml, which names
 * nodes n0.. without labels we control, writes Inf as "Inf" (Gephi rejects
 * it) and does not validate UTF-8. Everything goes through escape_xml.
 * Output is built in a buffer flushed every 1 MiB; O(V + E).
 */
#include "export/graphml.h"

#include "model/attrs.h"

#include "model/flags.h"

#include "export/edgepairs.h"
#include "export/escape.h"
#include "base/ts.h"
#include "base/buf.h"
#include "base/cmp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Colours by node type (Gephi reads the `color` string and r/g/b ints). */
/* r, g, b per node type (read-only: writers on several threads share it). */
static const unsigned char type_rgb[NODE_TYPE_COUNT][3] = {
    {31, 119, 180},  /* account: blue */
    {255, 127, 14},  /* client: orange */
    {127, 127, 127}, /* ip: grey */
    {44, 160, 44},   /* device: green */
    {148, 103, 189}, /* destination: purple */
};

static void key(rs_buf *b, const char *id, const char *for_, const char *type)
{
    buf_printf(b, "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n", id, for_, id,
               type);
}

static void data_str(rs_buf *b, const char *k, const char *s, size_t n)
{
    buf_puts(b, "      <data key=\"");
    buf_puts(b, k);
    buf_append(b, "\">", 2);
    escape_xml(b, s, n);
    buf_puts(b, "</data>\n");
}

static void data_int(rs_buf *b, const char *k, long long v)
{
    buf_puts(b, "      <data key=\"");
    buf_puts(b, k);
    buf_append(b, "\">", 2);
    buf_put_int(b, v);
    buf_append(b, "</data>\n", 8);
}

static void data_num(rs_buf *b, const char *k, double v)
{
    if (!isfinite(v))
        return;
    /* The range test first: converting a double beyond long long is undefined. */
    if (fabs(v) < 1e15 && v == (double)(long long)v) {
        data_int(b, k, (long long)v); /* integral values: no printf */
        return;
    }
    buf_printf(b, "      <data key=\"%s\">%.9g</data>\n", k, v);
}

/* A value rounded to 3 decimals, written without printf (node sizes). */
static void data_fixed3(rs_buf *b, const char *k, double v)
{
    if (!isfinite(v) || fabs(v) >= 1e12) {
        data_num(b, k, v);
        return;
    }
    long long m = llround(fabs(v) * 1000.0);
    buf_puts(b, "      <data key=\"");
    buf_puts(b, k);
    buf_append(b, "\">", 2);
    if (v < 0 && m)
        buf_putc(b, '-');
    buf_put_int(b, m / 1000);
    char frac[5] = {'.', (char)('0' + m / 100 % 10), (char)('0' + m / 10 % 10),
                    (char)('0' + m % 10), 0};
    buf_append(b, frac, 4);
    buf_append(b, "</data>\n", 8);
}

/* <data key="k">ISO 8601 UTC</data> */
static void data_ts(rs_buf *b, const char *k, int64_t ms)
{
    char t[TS_FMT_LEN];
    buf_puts(b, "      <data key=\"");
    buf_puts(b, k);
    buf_append(b, "\">", 2);
    buf_puts(b, ts_format(ms, t));
    buf_append(b, "</data>\n", 8);
}

static void anon_text(uint8_t a, char *out, size_t n)
{
    out[0] = '\0';
    const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{ANON_VPN, "vpn"},
                 {ANON_HOSTING, "hosting"},
                 {ANON_PROXY, "proxy"},
                 {ANON_TOR, "tor"},
                 {ANON_ANY, "anonymous"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!(a & names[i].bit))
            continue;
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", l ? ";" : "", names[i].name);
    }
}

static void write_keys(rs_buf *b, int annotated, int identity)
{
    buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    key(b, "label", "node", "string");
    key(b, "type", "node", "string");
    key(b, "color", "node", "string");
    key(b, "r", "node", "int");
    key(b, "g", "node", "int");
    key(b, "b", "node", "int");
    key(b, "size", "node", "double");
    key(b, "country", "node", "string");
    key(b, "asn", "node", "long");
    key(b, "asn_org", "node", "string");
    key(b, "anon", "node", "string");
    key(b, "degree", "node", "int");
    if (annotated) {
        key(b, "ring_id", "node", "string");
        key(b, "ring_kind", "node", "string");
        key(b, "ring_severity", "node", "string");
        key(b, "risk_score", "node", "double");
        key(b, "flags", "node", "string");
    }
    if (identity)
        key(b, "identity_kind", "node", "string");
    key(b, "kind", "edge", "string");
    key(b, "weight", "edge", "double");
    key(b, "count", "edge", "int");
    key(b, "first_seen", "edge", "string");
    key(b, "last_seen", "edge", "string");
    key(b, "amount", "edge", "double");
    key(b, "stars", "edge", "double");
    key(b, "rating_count", "edge", "int");
    key(b, "charge_count", "edge", "int");
    key(b, "bid_count", "edge", "int");
    buf_puts(b, "  <graph id=\"ringscan\" edgedefault=\"directed\">\n");
}

static void put_color(rs_buf *b, const unsigned char c[3])
{
    char hex[8];
    snprintf(hex, sizeof hex, "#%02x%02x%02x", c[0], c[1], c[2]);
    data_str(b, "color", hex, 7);
    data_int(b, "r", c[0]);
    data_int(b, "g", c[1]);
    data_int(b, "b", c[2]);
}

/* Ring members: one colour per ring. 60 colours, each at least 35 apart from
 * every other and at least 50 from every type colour (Euclidean distance in
 * RGB), so no ring looks like a node type; ring 61 reuses ring 1's colour
 * (R0001 + 60k share a colour). Golden-angle hues over three lightnesses. */
#define RING_COLOURS 60
static const unsigned char ring_pal[RING_COLOURS][3] = {
    {184, 46, 46},  {81, 236, 126},  {90, 33, 131},   {207, 184, 23},  {100, 197, 216},
    {147, 16, 87},  {87, 81, 236},   {131, 65, 33},   {23, 207, 138},  {207, 100, 216},
    {119, 147, 16}, {236, 81, 113},  {92, 23, 207},   {216, 178, 100}, {184, 46, 149},
    {151, 236, 81}, {33, 49, 131},   {100, 216, 149}, {45, 207, 23},   {236, 81, 229},
    {115, 46, 184}, {236, 204, 81},  {16, 21, 147},   {184, 81, 46},   {127, 81, 236},
    {23, 207, 185}, {139, 23, 207},  {184, 46, 114},  {112, 236, 81},  {143, 16, 147},
    {148, 184, 46}, {81, 150, 236},  {131, 33, 48},   {147, 110, 16},  {236, 81, 189},
    {23, 44, 207},  {216, 121, 100}, {33, 97, 131},   {207, 23, 90},   {184, 116, 46},
    {81, 236, 205}, {147, 16, 20},   {166, 81, 236},  {216, 100, 166}, {33, 131, 91},
    {186, 23, 207}, {195, 216, 100}, {207, 140, 23},  {113, 184, 46},  {23, 207, 95},
    {89, 207, 23},  {100, 108, 216}, {46, 184, 117},  {46, 184, 152},  {207, 23, 133},
    {179, 207, 23}, {84, 147, 16},   {207, 97, 23},   {23, 207, 51},   {153, 46, 184},
};

const unsigned char *graphml_ring_colour(size_t ring_index)
{
    return ring_pal[ring_index % RING_COLOURS];
}

const unsigned char *graphml_type_colour(int type)
{
    return type >= 0 && type < NODE_TYPE_COUNT ? type_rgb[type] : type_rgb[0];
}

static void write_ip_data(rs_buf *b, const rs_graph *g, uint32_t id)
{
    const ip_attr *ia = &g->ip[id];
    if (ia->country[0])
        data_str(b, "country", ia->country, 2);
    if (ia->asn)
        data_int(b, "asn", ia->asn);
    if (ia->asn_org != GRAPH_NONE) {
        size_t ol;
        const char *org = intern_str(g->strings, ia->asn_org, &ol);
        data_str(b, "asn_org", org, ol);
    }
    if (ia->anon) {
        char at[64];
        anon_text(ia->anon, at, sizeof at);
        data_str(b, "anon", at, strlen(at));
    }
}

static void write_node(rs_buf *b, const rs_graph *g, uint32_t gid, uint32_t degree,
                       const findings *fnd)
{
    uint32_t id;
    node_type t = graph_node_decode(g, gid, &id);
    node_type nt = t == NODE_ACCOUNT ? graph_account_type(g, id) : t;
    char lbuf[IPADDR_STRLEN];
    size_t llen;
    const char *label = graph_label_n(g, t, id, lbuf, &llen);
    buf_puts(b, "    <node id=\"n");
    buf_put_int(b, gid);
    buf_append(b, "\">\n", 3);
    data_str(b, "label", label, llen);
    data_str(b, "type", graph_node_type_name(nt), strlen(graph_node_type_name(nt)));
    int32_t ri = t == NODE_ACCOUNT && fnd ? fnd->ring_of[id] : -1;
    if (ri >= 0) {
        put_color(b, graphml_ring_colour((size_t)ri));
    } else {
        put_color(b, type_rgb[nt]);
    }
    data_fixed3(b, "size", 4.0 + 3.0 * log2(1.0 + degree));
    if (t == NODE_ACCOUNT && g->acct[id].country[0])
        data_str(b, "country", g->acct[id].country, 2); /* claimed */
    if (t == NODE_IP)
        write_ip_data(b, g, id);
    if (t == NODE_DEST && g->dest[id].country[0])
        data_str(b, "country", g->dest[id].country, 2);
    data_int(b, "degree", degree);
    if (t == NODE_ACCOUNT && fnd) {
        if (ri >= 0) {
            const ring *rg = &fnd->rings[ri];
            const char *kn = findings_kind_name(rg->kind),
                       *sn = findings_severity_name(rg->severity);
            const char *rid = findings_ring_id(fnd, (size_t)ri);
            data_str(b, "ring_id", rid, strlen(rid));
            data_str(b, "ring_kind", kn, strlen(kn));
            data_str(b, "ring_severity", sn, strlen(sn));
        }
        data_num(b, "risk_score", fnd->risk[id]);
        char fl[FLAGS_TEXT_MAX];
        flags_text(&fnd->flags[id], fl, sizeof fl);
        if (fl[0])
            data_str(b, "flags", fl, strlen(fl));
    }
    buf_puts(b, "    </node>\n");
}

static void write_edge(rs_buf *b, const rs_graph *g, size_t i)
{
    const rs_edge *e = &g->edges[i];
    buf_puts(b, "    <edge id=\"e");
    buf_put_int(b, (long long)i);
    buf_puts(b, "\" source=\"n");
    buf_put_int(b, graph_edge_src_gid(g, e));
    buf_puts(b, "\" target=\"n");
    buf_put_int(b, graph_edge_dst_gid(g, e));
    buf_append(b, "\">\n", 3);
    const char *kn = graph_edge_kind_name((edge_kind)e->kind);
    data_str(b, "kind", kn, strlen(kn));
    data_num(b, "weight", (double)e->count);
    data_int(b, "count", e->count);
    data_ts(b, "first_seen", e->first);
    data_ts(b, "last_seen", e->last);
    if (e->kind == EDGE_PAYOUT || e->kind == EDGE_PAYS_WITH)
        data_num(b, "amount", graph_edge_sum(g, e));
    buf_puts(b, "    </edge>\n");
}

/* One edge for every pair of accounts, however many kinds of relation they
 * have (edgepairs.h): `kind` lists them ("rating+charge"), count and weight are
 * the total, and each kind keeps its own count (and the mean stars, the
 * charged amount). */
static void write_pair(rs_buf *b, const rs_graph *g, const edge_pair *pe, const edge_pair_sum *ps)
{
    buf_puts(b, "    <edge id=\"e");
    buf_put_int(b, (long long)pe->idx);
    buf_puts(b, "\" source=\"n");
    buf_put_int(b, graph_edge_src_gid(g, ps->lead));
    buf_puts(b, "\" target=\"n");
    buf_put_int(b, graph_edge_dst_gid(g, ps->lead));
    buf_append(b, "\">\n", 3);
    data_str(b, "kind", ps->kinds, strlen(ps->kinds));
    data_num(b, "weight", (double)ps->count);
    data_int(b, "count", ps->count);
    data_ts(b, "first_seen", ps->first);
    data_ts(b, "last_seen", ps->last);
    if (ps->cnt[EDGE_CHARGE])
        data_num(b, "amount", ps->sum[EDGE_CHARGE]);
    if (ps->cnt[EDGE_RATING])
        data_num(b, "stars", ps->sum[EDGE_RATING] / ps->cnt[EDGE_RATING]);
    data_int(b, "rating_count", ps->cnt[EDGE_RATING]);
    data_int(b, "charge_count", ps->cnt[EDGE_CHARGE]);
    data_int(b, "bid_count", ps->cnt[EDGE_BID]);
    buf_puts(b, "    </edge>\n");
}

static const unsigned char identity_rgb[3] = {227, 119, 194}, text_rgb[3] = {188, 189, 34};

/* Whether account a is among the view's nodes (an account's global id is its id). */
static int in_view(const graphml_view *v, uint32_t a)
{
    return !v->subset || bsearch(&a, v->nodes, v->nnodes, sizeof a, cmp_u32) != NULL;
}

/* An identity or text resource: its node, and an edge from each user in view. */
static void write_ident(rs_buf *b, const rs_graph *g, const graphml_view *v, uint32_t r)
{
    const findings_identity *fi = &v->fnd->ident;
    int text = r >= fi->nvalues;
    const char *kn = attrs_kind_name((attr_kind)fi->kind[r]);
    uint32_t deg = fi->off[r + 1] - fi->off[r];
    char lbuf[FINDINGS_IDENT_LABEL];
    size_t ll;
    const char *label = findings_ident_label(g, fi, r, lbuf, &ll);
    buf_puts(b, "    <node id=\"x");
    buf_put_int(b, r);
    buf_append(b, "\">\n", 3);
    data_str(b, "label", label, ll);
    data_str(b, "type", text ? "text" : "identity", text ? 4 : 8);
    put_color(b, text ? text_rgb : identity_rgb);
    data_fixed3(b, "size", 4.0 + 3.0 * log2(1.0 + deg));
    data_int(b, "degree", deg);
    data_str(b, "identity_kind", kn, strlen(kn));
    buf_puts(b, "    </node>\n");
    for (uint32_t j = fi->off[r]; j < fi->off[r + 1]; j++) {
        uint32_t a = fi->acct[j];
        if (!in_view(v, a))
            continue;
        buf_puts(b, "    <edge id=\"ex");
        buf_put_int(b, r);
        buf_putc(b, '_');
        buf_put_int(b, a);
        buf_puts(b, "\" source=\"n");
        buf_put_int(b, graph_node_gid(g, NODE_ACCOUNT, a));
        buf_puts(b, "\" target=\"x");
        buf_put_int(b, r);
        buf_append(b, "\">\n", 3);
        data_str(b, "kind", kn, strlen(kn));
        data_num(b, "weight", 1.0);
        data_int(b, "count", 1);
        buf_puts(b, "    </edge>\n");
    }
}

int graphml_write(FILE *f, const rs_graph *g, const graphml_view *v)
{
    rs_buf b = {0};
    int rc = 0;
    uint32_t *own_deg = v->degree ? NULL : graph_node_degrees(g);
    const uint32_t *deg = v->degree ? v->degree : own_deg;
    size_t nid = v->fnd && v->ident ? v->nident : 0;
    write_keys(&b, v->fnd != NULL, nid > 0);
    size_t nn = v->subset ? v->nnodes : graph_node_total(g);
    for (size_t k = 0; k < nn; k++) {
        uint32_t gid = v->subset ? v->nodes[k] : (uint32_t)k;
        write_node(&b, g, gid, deg[gid], v->fnd);
        buf_spill(&b, f, &rc);
    }
    size_t ne = v->subset ? v->nedges : g->nedges;
    for (size_t k = 0; k < ne; k++) {
        size_t i = v->subset ? v->edges[k] : k;
        if (edgepairs_kind(g->edges[i].kind))
            continue; /* written below, one per pair */
        write_edge(&b, g, i);
        buf_spill(&b, f, &rc);
    }
    edge_pair *pairs;
    size_t np = edgepairs_collect(g, v->subset ? v->edges : NULL, ne, &pairs);
    for (size_t i = 0; i < np;) {
        edge_pair_sum ps;
        size_t run = edgepairs_fold(g, pairs + i, np - i, &ps);
        write_pair(&b, g, pairs + i, &ps);
        buf_spill(&b, f, &rc);
        i += run;
    }
    free(pairs);
    for (size_t k = 0; k < nid; k++) {
        write_ident(&b, g, v, v->ident[k]);
        buf_spill(&b, f, &rc);
    }
    buf_puts(&b, "  </graph>\n</graphml>\n");
    if (buf_flush(&b, f))
        rc = -1;
    buf_free(&b);
    free(own_deg);
    return rc;
}
