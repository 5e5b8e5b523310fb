/* graph.c - the typed account graph; see graph.h for the representation.
 *
 * The edge set is an open-addressing hash table of edge indices keyed by
 * (kind, a, b) with linear probing, laid out like the intern tables
 * (intern.c): each slot holds the high 32 bits of the key's hash (the tag)
 * and the edge index + 1, the home slot is the tag scaled to the table size,
 * the table doubles above a load of 3/5, and a resize reads no edge.
 * It is the hot path of ingest (two probes per login row). The key hash mixes
 * the endpoints' string hashes (see edge_key_hash) so that a row's interning
 * and edge probes can all be started at once: the loader computes every hash
 * of a row once (graph_keys) and hands them to the _h and _keys adders; an
 * edge added by ids (graph_edge_add, graph_add_rating, ...) recomputes its
 * endpoints' string hashes (intern_hash_of).
 */
#include "graph/graph.h"

#include "base/alloc.h"
#include "base/hash.h"
#include "base/ts.h"
#include "graph/hugepage.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const node_type_names[NODE_TYPE_COUNT] = {"account", "client", "ip", "device",
                                                             "destination"};
static const char *const edge_kind_names[EDGE_KIND_COUNT] = {
    "login", "uses_device", "bid", "rating", "payout", "charge", "pays_with"};

const char *graph_node_type_name(node_type t)
{
    return t < NODE_TYPE_COUNT ? node_type_names[t] : "?";
}

const char *graph_edge_kind_name(edge_kind k)
{
    return k < EDGE_KIND_COUNT ? edge_kind_names[k] : "?";
}

rs_graph *graph_new(void)
{
    rs_graph *g = xcalloc(1, sizeof *g);
    for (int t = 0; t < NODE_TYPE_COUNT; t++)
        if (t != NODE_CLIENT)
            g->ids[t] = intern_new();
    g->strings = intern_new();
    g->neslots = 1024;
    g->eslots = xcalloc(g->neslots, sizeof *g->eslots);
    g->edge_sum_cap = 1024;
    g->edge_sum = xcalloc(g->edge_sum_cap, sizeof *g->edge_sum);
    g->nedge_sum = 1; /* [0]: the sum of edges without one */
    return g;
}

void graph_free(rs_graph *g)
{
    if (!g)
        return;
    for (int t = 0; t < NODE_TYPE_COUNT; t++) {
        intern_free(g->ids[t]);
        free(g->allowlisted[t]);
    }
    intern_free(g->strings);
    free(g->acct);
    free(g->ip);
    free(g->dest);
    free(g->edges);
    free(g->edge_sum);
    free(g->eslots);
    free(g->logins.v);
    free(g->ratings.v);
    free(g->bids.v);
    free(g->payouts.v);
    free(g->charges.v);
    free(g->ports.v);
    intern_free(g->ident);
    intern_free(g->texts);
    free(g->attrs.v);
    free(g->textevs.v);
    free(g->login_off);
    free(g->rating_off);
    free(g->bid_off);
    free(g->payout_off);
    free(g->charge_off);
    free(g);
}

void graph_allowlist(rs_graph *g, node_type t, uint32_t id)
{
    assert(t == NODE_IP || t == NODE_DEVICE || t == NODE_DEST);
    assert(id < graph_count(g, t));
    if (!g->allowlisted[t])
        g->allowlisted[t] = xcalloc(graph_count(g, t) + 1, 1);
    g->allowlisted[t][id] = 1;
}

/* ALLOC_GROW for the arrays ingest reads and writes at random (edges,
 * entity attributes): huge pages for them once they are large (hugepage.h). */
#define GROW_HUGE(arr, cap, need)                                                                  \
    do {                                                                                           \
        if ((size_t)(need) > (cap)) {                                                              \
            ALLOC_GROW(arr, cap, need);                                                            \
            hugepage_advise((arr), (cap) * sizeof *(arr));                                         \
        }                                                                                          \
    } while (0)

uint32_t graph_account(rs_graph *g, const char *id, size_t n, int seen_as)
{
    return graph_account_h(g, id, n, intern_hash(id, n), seen_as);
}

uint32_t graph_account_h(rs_graph *g, const char *id, size_t n, uint64_t h, int seen_as)
{
    int is_new;
    uint32_t a = intern_put_h(g->ids[NODE_ACCOUNT], id, n, h, &is_new);
    if (is_new) {
        GROW_HUGE(g->acct, g->acct_cap, (size_t)a + 1);
        g->acct[a] = (account_attr){
            .created_at = TS_NONE, .display_name = GRAPH_NONE, .given_name = GRAPH_NONE};
    }
    /* No role (a login's account): the record is left alone, as a login's
     * keys do not request it (graph_keys_login): a write would miss the
     * cache once per row. */
    if (seen_as)
        g->acct[a].seen |= (uint8_t)seen_as;
    return a;
}

/* graph_ip with the address's hash (intern_hash of its bytes). */
static uint32_t ip_h(rs_graph *g, const ipaddr *ip, uint64_t h)
{
    int is_new;
    uint32_t i = intern_put_h(g->ids[NODE_IP], (const char *)ip->b, ip->len, h, &is_new);
    if (is_new) {
        GROW_HUGE(g->ip, g->ip_cap, (size_t)i + 1);
        g->ip[i] = (ip_attr){.asn_org = GRAPH_NONE};
    }
    return i;
}

uint32_t graph_ip(rs_graph *g, const ipaddr *ip)
{
    return ip_h(g, ip, intern_hash((const char *)ip->b, ip->len));
}

uint32_t graph_tiebreak(const char *s, size_t n)
{
    uint32_t h = (uint32_t)intern_hash(s, n);
    return h == GRAPH_NONE ? GRAPH_NONE - 1 : h;
}

uint64_t graph_node_hash(const rs_graph *g, node_type t, uint32_t id)
{
    return intern_hash_of(g->ids[t], id);
}

uint32_t graph_device(rs_graph *g, const char *id, size_t n)
{
    return intern_put(g->ids[NODE_DEVICE], id, n, NULL);
}

uint32_t graph_dest(rs_graph *g, const char *id, size_t n, int used_as)
{
    return graph_dest_h(g, id, n, intern_hash(id, n), used_as);
}

uint32_t graph_dest_h(rs_graph *g, const char *id, size_t n, uint64_t h, int used_as)
{
    int is_new;
    uint32_t d = intern_put_h(g->ids[NODE_DEST], id, n, h, &is_new);
    if (is_new) {
        GROW_HUGE(g->dest, g->dest_cap, (size_t)d + 1);
        g->dest[d] = (dest_attr){{0}, 0, 0};
    }
    g->dest[d].used |= (uint8_t)used_as;
    return d;
}

uint32_t graph_string(rs_graph *g, const char *s, size_t n)
{
    return intern_put(g->strings, s, n, NULL);
}

uint32_t graph_find_string(const rs_graph *g, const char *s, size_t n)
{
    return intern_get(g->strings, s, n);
}

void graph_account_list(rs_graph *g, uint32_t a, int role, int64_t created_at, const char *country,
                        const char *name, size_t name_n)
{
    account_attr *at = &g->acct[a];
    at->listed = 1;
    if (role != ROLE_UNSET)
        at->role = (uint8_t)role;
    if (created_at != TS_NONE)
        at->created_at = created_at;
    if (country)
        memcpy(at->country, country, 3);
    if (name)
        at->display_name = graph_string(g, name, name_n);
}

void graph_ip_input_geo(rs_graph *g, uint32_t ip, const char *country, const uint32_t *asn,
                        const char *org, size_t org_n)
{
    ip_attr *ia = &g->ip[ip];
    if (country && ia->country_src != SRC_DATA) {
        memcpy(ia->country, country, 3);
        ia->country_src = SRC_DATA;
    }
    if (asn && ia->asn_src != SRC_DATA) {
        ia->asn = *asn;
        ia->asn_src = SRC_DATA;
        if (org)
            ia->asn_org = graph_string(g, org, org_n);
    }
}

void graph_ip_enrich(rs_graph *g, uint32_t ip, const ip_attr *attr)
{
    g->ip[ip] = *attr;
}

void graph_dest_set_country(rs_graph *g, uint32_t dest, const char *country)
{
    memcpy(g->dest[dest].country, country, 3);
}

void graph_dest_set_crypto(rs_graph *g, uint32_t dest)
{
    g->dest[dest].crypto = 1;
}

uint32_t graph_count(const rs_graph *g, node_type t)
{
    if (t == NODE_CLIENT)
        t = NODE_ACCOUNT;
    return intern_count(g->ids[t]);
}

const char *graph_label_n(const rs_graph *g, node_type t, uint32_t id, char *buf, size_t *len)
{
    if (t == NODE_CLIENT)
        t = NODE_ACCOUNT;
    const char *s = intern_str(g->ids[t], id, len);
    if (!s) {
        *len = 0;
        return "";
    }
    if (t != NODE_IP)
        return s;
    ipaddr ip = {.len = (uint8_t)*len};
    memcpy(ip.b, s, *len);
    ipaddr_format(&ip, buf);
    *len = strlen(buf);
    return buf;
}

const char *graph_label(const rs_graph *g, node_type t, uint32_t id, char *buf)
{
    size_t len;
    return graph_label_n(g, t, id, buf, &len);
}

node_type graph_account_type(const rs_graph *g, uint32_t account)
{
    return g->acct[account].role == ROLE_CLIENT ? NODE_CLIENT : NODE_ACCOUNT;
}

/* An edge's key hash mixes its kind with the intern hashes of its two
 * endpoints' strings, not their ids: a login's edge slots can then be
 * requested before its ids are known (graph_add_login_keys). */
static inline uint64_t edge_key_hash(unsigned kind, uint64_t ha, uint64_t hb)
{
    return hash_mix64(ha ^ (hb * 0x9E3779B97F4A7C15ull) ^
                      ((uint64_t)(kind + 1) * 0xD6E8FEB86659FD93ull));
}

/* The id spaces of an edge kind's endpoints. */
node_type graph_edge_end_type(edge_kind kind, int end)
{
    if (end == 0)
        return NODE_ACCOUNT;
    switch (kind) {
    case EDGE_LOGIN:
        return NODE_IP;
    case EDGE_USES_DEVICE:
        return NODE_DEVICE;
    case EDGE_PAYOUT:
    case EDGE_PAYS_WITH:
        return NODE_DEST;
    default:
        return NODE_ACCOUNT;
    }
}

/* The key hash of the (kind, a, b) edge, from its endpoints' strings. */
static uint64_t edge_hash(const rs_graph *g, edge_kind kind, uint32_t a, uint32_t b)
{
    return edge_key_hash(kind, intern_hash_of(g->ids[graph_edge_end_type(kind, 0)], a),
                         intern_hash_of(g->ids[graph_edge_end_type(kind, 1)], b));
}

_Static_assert(sizeof(rs_edge) == 32, "rs_edge grew");
_Static_assert(sizeof(ip_attr) == 24, "ip_attr grew");
_Static_assert(sizeof(login_ev) == 24, "login_ev grew");
_Static_assert(sizeof(account_attr) == 24, "account_attr grew");
_Static_assert(ANON_TOR < 32 && SRC_DB < 4, "ip_attr's bit fields are too narrow");
_Static_assert(EDGE_KIND_COUNT <= 8, "edge kinds must fit rs_edge.kind's 3 bits");
#define EDGE_MAX_SUMS ((size_t)1 << 29) /* rs_edge.sum_ix's 29 bits; 0 is no sum */

#define ETAG(h) ((h) >> 32)
#define EDGE_MAX_SLOTS (1ull << 32) /* homes come from a 32-bit tag */

/* The home slot of a tag in a table of nslots (<= 2^32) slots. */
static inline size_t edge_home(uint64_t tag, size_t nslots)
{
    return (size_t)((tag * (uint64_t)nslots) >> 32);
}

/* Doubles the slot table. Homes are scaled tags, so the slots move in
 * nearly sequential order and no edge is read. */
static void edges_rehash(rs_graph *g)
{
    size_t nslots = g->neslots * 2;
    if (nslots > EDGE_MAX_SLOTS)
        nslots = EDGE_MAX_SLOTS;
    uint64_t *slots = xcalloc(nslots, sizeof *slots);
    hugepage_advise(slots, nslots * sizeof *slots);
    for (size_t k = 0; k < g->neslots; k++) {
        uint64_t v = g->eslots[k];
        if (!v)
            continue;
        size_t i = edge_home(ETAG(v), nslots);
        while (slots[i])
            i = i + 1 == nslots ? 0 : i + 1;
        slots[i] = v;
    }
    free(g->eslots);
    g->eslots = slots;
    g->neslots = nslots;
}

/* Rebuilds the slot table graph_finalize freed, for an edge added after it:
 * the size the table would have grown to, the edges in index order. */
static void edges_reindex(rs_graph *g)
{
    size_t nslots = 1024;
    while (g->nedges * 5 > nslots * 3 && nslots < EDGE_MAX_SLOTS)
        nslots *= 2;
    g->eslots = xcalloc(nslots, sizeof *g->eslots);
    hugepage_advise(g->eslots, nslots * sizeof *g->eslots);
    g->neslots = nslots;
    for (size_t k = 0; k < g->nedges; k++) {
        const rs_edge *e = &g->edges[k];
        uint64_t h = edge_hash(g, (edge_kind)e->kind, e->a, e->b);
        size_t i = edge_home(ETAG(h), nslots);
        while (g->eslots[i])
            i = i + 1 == nslots ? 0 : i + 1;
        g->eslots[i] = ETAG(h) << 32 | (uint64_t)(k + 1);
    }
}

/* Adds to the (kind, a, b) edge, whose key hashes to h (edge_hash). */
static void edge_add_h(rs_graph *g, uint64_t h, edge_kind kind, uint32_t a, uint32_t b, int64_t ts,
                       double value)
{
    if (!g->eslots)
        edges_reindex(g);
    size_t i = edge_home(ETAG(h), g->neslots);
    for (;;) {
        uint64_t v = g->eslots[i];
        if (!v)
            break;
        if (ETAG(v) == ETAG(h)) {
            rs_edge *e = &g->edges[(uint32_t)v - 1];
            if (e->a == a && e->b == b && e->kind == kind) {
                e->count++;
                if (e->sum_ix)
                    g->edge_sum[e->sum_ix] += value;
                if (ts < e->first)
                    e->first = ts;
                if (ts > e->last)
                    e->last = ts;
                return;
            }
        }
        i = i + 1 == g->neslots ? 0 : i + 1;
    }
    if (g->nedges >= UINT32_MAX - 1)
        abort(); /* id space exhausted; see intern_put */
    GROW_HUGE(g->edges, g->edges_cap, g->nedges + 1);
    uint32_t sum_ix = 0;
    if (graph_edge_has_sum(kind)) {
        if (g->nedge_sum >= EDGE_MAX_SUMS) {
            /* Some 536 M distinct valued edges: far beyond memory first. */
            fprintf(stderr, "ringscan: more than %u rating, payout and charge edges\n",
                    (unsigned)EDGE_MAX_SUMS - 1);
            abort();
        }
        ALLOC_GROW(g->edge_sum, g->edge_sum_cap, g->nedge_sum + 1);
        sum_ix = (uint32_t)g->nedge_sum++;
        g->edge_sum[sum_ix] = value;
    }
    g->edges[g->nedges] = (rs_edge){ts, ts, a, b, 1, sum_ix, (uint32_t)kind};
    g->eslots[i] = ETAG(h) << 32 | (uint64_t)++g->nedges;
    /* Load above 3/5: grow (the table never fills: edges < 2^32 - 1 slots). */
    if (g->nedges * 5 > g->neslots * 3 && g->neslots < EDGE_MAX_SLOTS)
        edges_rehash(g);
}

const rs_edge *graph_edge_find(const rs_graph *g, edge_kind kind, uint32_t a, uint32_t b)
{
    assert(g->eslots); /* graph.h: not after graph_finalize */
    if (a >= intern_count(g->ids[graph_edge_end_type(kind, 0)]) ||
        b >= intern_count(g->ids[graph_edge_end_type(kind, 1)]))
        return NULL;
    uint64_t h = edge_hash(g, kind, a, b);
    for (size_t i = edge_home(ETAG(h), g->neslots);; i = i + 1 == g->neslots ? 0 : i + 1) {
        uint64_t v = g->eslots[i];
        if (!v)
            return NULL;
        if (ETAG(v) == ETAG(h)) {
            const rs_edge *e = &g->edges[(uint32_t)v - 1];
            if (e->a == a && e->b == b && e->kind == kind)
                return e;
        }
    }
}

/* edge_hash of an edge about to be added by ids, which callers must have
 * interned (graph.h invariant). */
static uint64_t edge_hash_add(const rs_graph *g, edge_kind kind, uint32_t a, uint32_t b)
{
    assert(a < intern_count(g->ids[graph_edge_end_type(kind, 0)]));
    assert(b < intern_count(g->ids[graph_edge_end_type(kind, 1)]));
    return edge_hash(g, kind, a, b);
}

void graph_edge_add(rs_graph *g, edge_kind kind, uint32_t a, uint32_t b, int64_t ts, double value)
{
    edge_add_h(g, edge_hash_add(g, kind, a, b), kind, a, b, ts, value);
}

#define APPEND(tl, ev)                                                                             \
    do {                                                                                           \
        ALLOC_GROW((tl).v, (tl).cap, (tl).n + 1);                                                  \
        (tl).v[(tl).n++] = *(ev);                                                                  \
    } while (0)

/* Records login e, whose login edge's key hashes to login_h and device
 * edge's to device_h (unused without a device). */
static void login_add_h(rs_graph *g, const login_ev *e, uint64_t login_h, uint64_t device_h)
{
    APPEND(g->logins, e);
    edge_add_h(g, login_h, EDGE_LOGIN, e->account, e->ip, e->ts, 0);
    if (e->device != GRAPH_NONE)
        edge_add_h(g, device_h, EDGE_USES_DEVICE, e->account, e->device, e->ts, 0);
    g->finalized = 0;
}

void graph_add_login(rs_graph *g, const login_ev *e)
{
    uint64_t uses_device = 0; /* no edge without a device */
    if (e->device != GRAPH_NONE)
        uses_device = edge_hash_add(g, EDGE_USES_DEVICE, e->account, e->device);
    login_add_h(g, e, edge_hash_add(g, EDGE_LOGIN, e->account, e->ip), uses_device);
}

void graph_keys_login(graph_keys *k, const char *acct, size_t an, const ipaddr *ip, const char *dev,
                      size_t dn, int ip_attrs)
{
    /* An account's attributes are written only when it is new. */
    uint64_t ha = graph_keys_node(k, NODE_ACCOUNT, acct, an, 0);
    uint64_t hi = graph_keys_node(k, NODE_IP, (const char *)ip->b, ip->len, ip_attrs);
    graph_keys_edge(k, EDGE_LOGIN, ha, hi);
    if (dev)
        graph_keys_edge(k, EDGE_USES_DEVICE, ha, graph_keys_node(k, NODE_DEVICE, dev, dn, 0));
}

void graph_add_login_keys(rs_graph *g, login_ev *e, const char *acct, size_t an, const ipaddr *ip,
                          const char *dev, size_t dn, const graph_keys *k)
{
    assert(k->n == (dev ? 5 : 3)); /* graph_keys_login's, in its order */
    e->account = graph_account_h(g, acct, an, k->h[0], 0);
    e->ip = ip_h(g, ip, k->h[1]);
    e->device = dev ? intern_put_h(g->ids[NODE_DEVICE], dev, dn, k->h[3], NULL) : GRAPH_NONE;
    login_add_h(g, e, k->h[2], dev ? k->h[4] : 0);
}

uint64_t graph_keys_node(graph_keys *k, node_type t, const char *s, size_t n, int attrs)
{
    uint64_t h = intern_hash(s, n);
    if (k->n < GRAPH_KEYS_MAX) {
        k->h[k->n] = h;
        k->space[k->n++] =
            (uint8_t)((t == NODE_CLIENT ? NODE_ACCOUNT : t) | (attrs ? GRAPH_KEY_ATTRS : 0));
    }
    return h;
}

void graph_keys_edge(graph_keys *k, edge_kind kind, uint64_t ha, uint64_t hb)
{
    if (k->n < GRAPH_KEYS_MAX) {
        k->h[k->n] = edge_key_hash(kind, ha, hb);
        k->space[k->n++] = graph_edge_has_sum(kind) ? GRAPH_KEY_EDGE_SUM : GRAPH_KEY_EDGE;
    }
}

/* graph_prefetch of one edge key: its slot, then the edge the slot
 * probably holds (its tag matches), then that edge's sum when its kind has
 * one (sum: reading the edge is worth it; else it would only wait for it). */
static void prefetch_edge(const rs_graph *g, uint64_t h, int sum, int step)
{
    if (step == GRAPH_PREFETCH_STEPS - 1 && !sum)
        return;
    if (!g->eslots)
        return; /* after finalize: edges_reindex rebuilds it on the next add */
    size_t i = edge_home(ETAG(h), g->neslots);
    if (step == 0) {
        __builtin_prefetch(&g->eslots[i]);
        return;
    }
    uint64_t v;
    while ((v = g->eslots[i]) != 0 && ETAG(v) != ETAG(h))
        i = i + 1 == g->neslots ? 0 : i + 1;
    if (!v)
        return; /* probably a new edge: its slot is the one requested */
    const rs_edge *e = &g->edges[(uint32_t)v - 1];
    if (step == 1)
        __builtin_prefetch(e, 1);
    else if (e->sum_ix)
        __builtin_prefetch(&g->edge_sum[e->sum_ix], 1);
}

void graph_prefetch(const rs_graph *g, const graph_keys *k, int step)
{
    for (unsigned j = 0; j < k->n; j++) {
        unsigned sp = k->space[j] & ~GRAPH_KEY_ATTRS;
        if (sp >= GRAPH_KEY_EDGE) {
            prefetch_edge(g, k->h[j], sp == GRAPH_KEY_EDGE_SUM, step);
            continue;
        }
        uint32_t id = intern_prefetch(g->ids[sp], k->h[j], step);
        if (step != GRAPH_PREFETCH_STEPS - 1 || id == INTERN_NONE ||
            !(k->space[j] & GRAPH_KEY_ATTRS))
            continue;
        if (sp == NODE_ACCOUNT)
            __builtin_prefetch(&g->acct[id], 1);
        else if (sp == NODE_IP)
            __builtin_prefetch(&g->ip[id], 1);
        else if (sp == NODE_DEST)
            __builtin_prefetch(&g->dest[id], 1);
    }
}

void graph_add_rating(rs_graph *g, const rating_ev *e)
{
    graph_add_rating_h(g, e, edge_hash_add(g, EDGE_RATING, e->client, e->freelancer));
}

void graph_add_rating_h(rs_graph *g, const rating_ev *e, uint64_t edge_h)
{
    APPEND(g->ratings, e);
    edge_add_h(g, edge_h, EDGE_RATING, e->client, e->freelancer, e->ts, e->stars);
    g->finalized = 0;
}

void graph_add_bid(rs_graph *g, const bid_ev *e)
{
    uint64_t h = 0; /* no edge without a client */
    if (e->client != GRAPH_NONE)
        h = edge_hash_add(g, EDGE_BID, e->freelancer, e->client);
    graph_add_bid_h(g, e, h);
}

void graph_add_bid_h(rs_graph *g, const bid_ev *e, uint64_t edge_h)
{
    APPEND(g->bids, e);
    if (e->client != GRAPH_NONE)
        edge_add_h(g, edge_h, EDGE_BID, e->freelancer, e->client, e->ts, e->accepted == 1);
    g->finalized = 0;
}

void graph_add_payout(rs_graph *g, const payout_ev *e)
{
    graph_add_payout_h(g, e, edge_hash_add(g, EDGE_PAYOUT, e->account, e->dest));
}

void graph_add_payout_h(rs_graph *g, const payout_ev *e, uint64_t edge_h)
{
    APPEND(g->payouts, e);
    edge_add_h(g, edge_h, EDGE_PAYOUT, e->account, e->dest, e->ts, e->amount);
    g->finalized = 0;
}

void graph_add_charge(rs_graph *g, const charge_ev *e)
{
    uint64_t pays_with = 0; /* no edge without an instrument */
    if (e->instrument != GRAPH_NONE)
        pays_with = edge_hash_add(g, EDGE_PAYS_WITH, e->client, e->instrument);
    graph_add_charge_h(g, e, edge_hash_add(g, EDGE_CHARGE, e->client, e->freelancer), pays_with);
}

void graph_add_charge_h(rs_graph *g, const charge_ev *e, uint64_t charge_h, uint64_t pays_with_h)
{
    APPEND(g->charges, e);
    edge_add_h(g, charge_h, EDGE_CHARGE, e->client, e->freelancer, e->ts, e->amount);
    if (e->instrument != GRAPH_NONE)
        edge_add_h(g, pays_with_h, EDGE_PAYS_WITH, e->client, e->instrument, e->ts, e->amount);
    g->finalized = 0;
}

void graph_add_port(rs_graph *g, const port_ev *e)
{
    APPEND(g->ports, e);
    g->finalized = 0;
}

/* An attribute's key in graph.ident: the kind's byte, then the value (in buf when
 * it fits, else a new allocation the caller frees when it is not buf). */
static char *attr_key(int kind, const char *v, size_t n, char *buf, size_t cap)
{
    char *key = n + 1 <= cap ? buf : xmalloc(n + 1);
    key[0] = (char)kind;
    memcpy(key + 1, v, n);
    return key;
}

void graph_add_attr(rs_graph *g, uint32_t account, int kind, const char *v, size_t n, int64_t ts)
{
    if (!g->ident)
        g->ident = intern_new();
    char buf[256];
    char *key = attr_key(kind, v, n, buf, sizeof buf);
    attr_ev e = {ts, account, intern_put(g->ident, key, n + 1, NULL), (uint8_t)kind};
    if (key != buf)
        free(key);
    APPEND(g->attrs, &e);
}

uint32_t graph_find_attr(const rs_graph *g, int kind, const char *v, size_t n)
{
    if (!g->ident)
        return GRAPH_NONE;
    char buf[256];
    char *key = attr_key(kind, v, n, buf, sizeof buf);
    uint32_t id = intern_get(g->ident, key, n + 1);
    if (key != buf)
        free(key);
    return id == INTERN_NONE ? GRAPH_NONE : id;
}

void graph_add_text(rs_graph *g, uint32_t account, const char *text, size_t n, int64_t ts,
                    int profile)
{
    if (!g->texts)
        g->texts = intern_new();
    text_ev e = {ts, account, intern_put(g->texts, text, n, NULL), (uint8_t)(profile != 0)};
    APPEND(g->textevs, &e);
}

const char *graph_attr_value(const rs_graph *g, uint32_t value, size_t *len)
{
    size_t n;
    const char *s = intern_str(g->ident, value, &n);
    *len = n - 1;
    return s + 1;
}

void graph_account_given_name(rs_graph *g, uint32_t a, int kind, const char *v, size_t n)
{
    if (!g->ident)
        g->ident = intern_new();
    char buf[256];
    char *key = attr_key(kind, v, n, buf, sizeof buf);
    g->acct[a].given_name = intern_put(g->ident, key, n + 1, NULL);
    if (key != buf)
        free(key);
}

int graph_has_identity(const rs_graph *g)
{
    return g->attrs.n > 0 || g->textevs.n > 0;
}

/* Sorting timelines: a counting sort by entity (O(n + entities), stable) and
 * then a time sort inside each entity's run, skipped when the run is already
 * in order (exports are usually time-ordered). Comparators fall back to every
 * field so the result does not depend on qsort's instability. */
#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y))

static int login_cmp(const void *pa, const void *pb)
{
    const login_ev *a = pa, *b = pb;
    int c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->ip, b->ip);
    if (!c)
        c = CMP(a->device, b->device);
    if (!c)
        c = CMP(a->session_s, b->session_s);
    if (!c)
        c = CMP(a->remote_ua, b->remote_ua);
    return c;
}

static int rating_cmp(const void *pa, const void *pb)
{
    const rating_ev *a = pa, *b = pb;
    int c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->freelancer, b->freelancer);
    if (!c)
        c = CMP(a->stars, b->stars);
    if (!c)
        c = CMP(a->project, b->project);
    return c;
}

static int bid_cmp(const void *pa, const void *pb)
{
    const bid_ev *a = pa, *b = pb;
    int c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->client, b->client);
    if (!c)
        c = CMP(a->project, b->project);
    if (!c)
        c = CMP(a->accepted, b->accepted);
    return c;
}

static int payout_cmp(const void *pa, const void *pb)
{
    const payout_ev *a = pa, *b = pb;
    int c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->dest, b->dest);
    if (!c)
        c = CMP(a->amount, b->amount);
    if (!c)
        c = CMP(a->currency, b->currency);
    if (!c)
        c = CMP(a->method, b->method);
    return c;
}

static int charge_cmp(const void *pa, const void *pb)
{
    const charge_ev *a = pa, *b = pb;
    int c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->freelancer, b->freelancer);
    if (!c)
        c = CMP(a->instrument, b->instrument);
    if (!c)
        c = CMP(a->amount, b->amount);
    if (!c)
        c = CMP(a->currency, b->currency);
    return c;
}

static int port_cmp(const void *pa, const void *pb)
{
    const port_ev *a = pa, *b = pb;
    int c = CMP(a->ip, b->ip);
    if (!c)
        c = CMP(a->device, b->device);
    if (!c)
        c = CMP(a->ts, b->ts);
    if (!c)
        c = CMP(a->port, b->port);
    if (!c)
        c = CMP(a->service, b->service);
    return c;
}

#define PERMUTE_CHAINS 64

/* Moves the records at base into the order perm gives (perm[i]: where the
 * record that belongs at i is now), each record moved once; perm is left as
 * the identity. Following one cycle is a chain of dependent cache misses, so
 * PERMUTE_CHAINS walks start at evenly spaced places, their records saved
 * first, and advance in turn: a walk ends where it reaches another walk's
 * start, which supplies the saved record. Cycles no walk started on are then
 * followed one at a time. */
static void permute(char *base, size_t sz, uint32_t *perm, size_t n)
{
    enum { M = PERMUTE_CHAINS };
    char saved[M][64], tmp[64];
    size_t cur[M];
    assert(sz <= sizeof tmp);
    uint8_t *start = xcalloc(n / 8 + 1, 1);
    uint32_t *start_at = NULL; /* start index -> walk, for the few starts */
    size_t m = 0;
    for (size_t w = 0; w < M && n >= M; w++) {
        size_t i = w * (n / M);
        if (perm[i] == i)
            continue;
        memcpy(saved[m], base + i * sz, sz);
        start[i / 8] |= (uint8_t)(1u << (i % 8));
        cur[m++] = i;
    }
    size_t starts = m;
    start_at = xreallocarray(NULL, starts ? starts : 1, sizeof *start_at);
    for (size_t w = 0; w < starts; w++)
        start_at[w] = (uint32_t)cur[w];
    /* Walk w fills cur[w] from src[w] = perm[cur[w]]; both of the next
     * step's reads were prefetched a round (live steps) earlier. */
    size_t src[M];
    for (size_t w = 0; w < m; w++) {
        src[w] = perm[cur[w]];
        __builtin_prefetch(base + src[w] * sz);
        __builtin_prefetch(&perm[src[w]]);
    }
    size_t live = m;
    while (live) {
        for (size_t w = 0; w < live;) {
            size_t j = cur[w], k = src[w];
            perm[j] = (uint32_t)j;
            if (start[k / 8] >> (k % 8) & 1) {
                size_t x = 0;
                while (start_at[x] != k)
                    x++;
                memcpy(base + j * sz, saved[x], sz);
                live--; /* this walk is done */
                cur[w] = cur[live];
                src[w] = src[live];
                continue;
            }
            memcpy(base + j * sz, base + k * sz, sz);
            cur[w] = k;
            src[w] = perm[k];
            __builtin_prefetch(base + src[w] * sz);
            __builtin_prefetch(&perm[src[w]]);
            w++;
        }
    }
    free(start_at);
    free(start);
    for (size_t i = 0; i < n; i++) {
        if (perm[i] == i)
            continue;
        memcpy(tmp, base + i * sz, sz);
        size_t j = i;
        for (;;) {
            size_t k = perm[j];
            perm[j] = (uint32_t)j;
            if (k == i) {
                memcpy(base + j * sz, tmp, sz);
                break;
            }
            memcpy(base + j * sz, base + k * sz, sz);
            j = k;
        }
    }
}

/* Sorts n records of size sz at v by the uint32 key at key_off (counting
 * sort, skipped when the keys already ascend), then each key's run with cmp.
 * Returns the new offsets array (nkeys+1 entries, caller frees). An empty
 * timeline's array is never written: a large calloc block is fresh zero
 * pages, which take no resident memory until written (per-account arrays of
 * tables an export lacks). Extra memory while sorting: 4 bytes a record for
 * the permutation (the records move in place, in a stable order), unless
 * they were already grouped by key. */
static size_t *sort_by_entity(void *v, size_t n, size_t sz, size_t key_off, size_t nkeys,
                              int (*cmp)(const void *, const void *))
{
    size_t *off = xcalloc(nkeys + 1, sizeof *off);
    if (!n)
        return off;
    char *base = v;
    int grouped = 1;
    uint32_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t k;
        memcpy(&k, base + i * sz + key_off, sizeof k);
        off[k + 1]++;
        grouped &= k >= prev;
        prev = k;
    }
    for (size_t k = 0; k < nkeys; k++)
        off[k + 1] += off[k];
    if (!grouped) {
        /* While counting out, off[k] is key k's next free place; afterwards
         * the end of its run, so shifting by one restores the starts. A
         * timeline of 2^32 records or more (96 GiB of logins) moves through
         * a copy instead, as record numbers then do not fit the permutation. */
        if (n <= UINT32_MAX) {
            uint32_t *perm = xreallocarray(NULL, n, sizeof *perm);
            for (size_t i = 0; i < n; i++) {
                uint32_t k;
                memcpy(&k, base + i * sz + key_off, sizeof k);
                perm[off[k]++] = (uint32_t)i;
            }
            permute(base, sz, perm, n);
            free(perm);
        } else {
            char *tmp = xmalloc(xmul(n, sz));
            for (size_t i = 0; i < n; i++) {
                uint32_t k;
                memcpy(&k, base + i * sz + key_off, sizeof k);
                memcpy(tmp + off[k]++ * sz, base + i * sz, sz);
            }
            memcpy(base, tmp, n * sz);
            free(tmp);
        }
        memmove(off + 1, off, nkeys * sizeof *off);
        off[0] = 0;
    }
    for (size_t k = 0; k < nkeys; k++) {
        size_t lo = off[k], hi = off[k + 1];
        for (size_t i = lo + 1; i < hi; i++) {
            if (cmp(base + (i - 1) * sz, base + i * sz) > 0) {
                qsort(base + lo * sz, hi - lo, sz, cmp);
                break;
            }
        }
    }
    return off;
}

/* The logins' sort, the largest, for a second thread. */
static void *sort_logins(void *arg)
{
    rs_graph *g = arg;
    g->login_off =
        sort_by_entity(g->logins.v, g->logins.n, sizeof(login_ev), offsetof(login_ev, account),
                       graph_count(g, NODE_ACCOUNT), login_cmp);
    return NULL;
}

void graph_finalize(rs_graph *g)
{
    graph_finalize_threads(g, 1);
}

void graph_finalize_threads(rs_graph *g, int threads)
{
    if (g->finalized)
        return;
    /* Freed first: nothing looks an edge up after finalize (graph.h), and
     * the sorts below are the run's first peak of memory. */
    free(g->eslots);
    g->eslots = NULL;
    g->neslots = 0;
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    for (uint32_t a = 0; a < na; a++) {
        account_attr *at = &g->acct[a];
        if (at->role == ROLE_UNSET)
            at->role = at->seen == SEEN_AS_CLIENT ? ROLE_CLIENT : ROLE_FREELANCER;
    }
    free(g->login_off);
    free(g->rating_off);
    free(g->bid_off);
    free(g->payout_off);
    free(g->charge_off);
    /* Each sort touches its own timeline and offsets only. */
    pthread_t th;
    int spawned = threads > 1 && pthread_create(&th, NULL, sort_logins, g) == 0;
    if (!spawned)
        sort_logins(g);
    g->rating_off = sort_by_entity(g->ratings.v, g->ratings.n, sizeof(rating_ev),
                                   offsetof(rating_ev, client), na, rating_cmp);
    g->bid_off = sort_by_entity(g->bids.v, g->bids.n, sizeof(bid_ev), offsetof(bid_ev, freelancer),
                                na, bid_cmp);
    g->payout_off = sort_by_entity(g->payouts.v, g->payouts.n, sizeof(payout_ev),
                                   offsetof(payout_ev, account), na, payout_cmp);
    g->charge_off = sort_by_entity(g->charges.v, g->charges.n, sizeof(charge_ev),
                                   offsetof(charge_ev, client), na, charge_cmp);
    if (g->ports.n)
        qsort(g->ports.v, g->ports.n, sizeof *g->ports.v, port_cmp);
    if (spawned)
        pthread_join(th, NULL);
    g->finalized = 1;
}

size_t graph_memory(const rs_graph *g)
{
    size_t m = sizeof *g;
    for (int t = 0; t < NODE_TYPE_COUNT; t++)
        if (g->ids[t])
            m += intern_memory(g->ids[t]);
    m += intern_memory(g->strings);
    m += g->acct_cap * sizeof *g->acct + g->ip_cap * sizeof *g->ip + g->dest_cap * sizeof *g->dest;
    m += g->edges_cap * sizeof *g->edges + g->neslots * sizeof *g->eslots;
    m += g->edge_sum_cap * sizeof *g->edge_sum;
    m += g->logins.cap * sizeof *g->logins.v + g->ratings.cap * sizeof *g->ratings.v +
         g->bids.cap * sizeof *g->bids.v + g->payouts.cap * sizeof *g->payouts.v +
         g->charges.cap * sizeof *g->charges.v + g->ports.cap * sizeof *g->ports.v;
    m += (g->ident ? intern_memory(g->ident) : 0) + (g->texts ? intern_memory(g->texts) : 0);
    m += g->attrs.cap * sizeof *g->attrs.v + g->textevs.cap * sizeof *g->textevs.v;
    return m;
}

uint32_t graph_node_gid(const rs_graph *g, node_type t, uint32_t id)
{
    uint32_t base = 0;
    if (t == NODE_CLIENT)
        t = NODE_ACCOUNT;
    if (t > NODE_ACCOUNT)
        base += graph_count(g, NODE_ACCOUNT);
    if (t > NODE_IP)
        base += graph_count(g, NODE_IP);
    if (t > NODE_DEVICE)
        base += graph_count(g, NODE_DEVICE);
    return base + id;
}

uint32_t graph_node_total(const rs_graph *g)
{
    return graph_count(g, NODE_ACCOUNT) + graph_count(g, NODE_IP) + graph_count(g, NODE_DEVICE) +
           graph_count(g, NODE_DEST);
}

node_type graph_node_decode(const rs_graph *g, uint32_t gid, uint32_t *id)
{
    static const node_type order[] = {NODE_ACCOUNT, NODE_IP, NODE_DEVICE, NODE_DEST};
    for (size_t i = 0; i < 3; i++) {
        uint32_t n = graph_count(g, order[i]);
        if (gid < n) {
            *id = gid;
            return order[i];
        }
        gid -= n;
    }
    *id = gid;
    return NODE_DEST;
}

uint32_t graph_edge_src_gid(const rs_graph *g, const rs_edge *e)
{
    return graph_node_gid(g, NODE_ACCOUNT, e->a);
}

uint32_t graph_edge_dst_gid(const rs_graph *g, const rs_edge *e)
{
    return graph_node_gid(g, graph_edge_end_type((edge_kind)e->kind, 1), e->b);
}

uint32_t *graph_node_degrees(const rs_graph *g)
{
    uint32_t nn = graph_node_total(g);
    uint32_t *deg = xcalloc(nn ? nn : 1, sizeof *deg);
    for (size_t i = 0; i < g->nedges; i++) {
        deg[graph_edge_src_gid(g, &g->edges[i])]++;
        deg[graph_edge_dst_gid(g, &g->edges[i])]++;
    }
    return deg;
}

uint32_t graph_find_account(const rs_graph *g, const char *id, size_t n)
{
    return intern_get(g->ids[NODE_ACCOUNT], id, n);
}

uint32_t graph_find_ip(const rs_graph *g, const ipaddr *ip)
{
    return intern_get(g->ids[NODE_IP], (const char *)ip->b, ip->len);
}

uint32_t graph_find_device(const rs_graph *g, const char *id, size_t n)
{
    return intern_get(g->ids[NODE_DEVICE], id, n);
}

uint32_t graph_find_dest(const rs_graph *g, const char *id, size_t n)
{
    return intern_get(g->ids[NODE_DEST], id, n);
}
