/* evsel.c - evidence selection; see evsel.h.
 *
 * Per-account state kept across the pass: the end and country of the
 * account's previous login (GEO_HOP compares each login with the one before
 * it in input order, the detector's order for time-ordered exports).
 * Resource degrees are counted once from the aggregated edges.
 */
#include "algorithms/evsel.h"

#include "model/attrs.h"

#include "algorithms/rules.h"
#include "base/ts.h"
#include "base/alloc.h"
#include "base/cmp.h"

#include <stdlib.h>
#include <string.h>

#define EVSEL_MAX_HITS 8 /* rings one row is filed under */

typedef struct {
    uint32_t key, ring;
} res_ring;

/* A resource two or more of one ring's accounts used, and its latest logins by
 * two different accounts, for pairing (SHARED_IP, SHARED_DEVICE evidence). */
typedef struct {
    uint32_t acct[2];
    case_row row[2]; /* row[0] the latest login, row[1] the latest by another account */
    uint8_t n;
} pair_slot;

typedef struct {
    res_ring *keys; /* (resource, ring), sorted, unique */
    pair_slot *slot;
    size_t n;
} pair_table;

struct evsel {
    const rs_graph *g;
    const findings *f;
    const detect_params *p; /* &p_own */
    detect_params p_own;    /* the caller's, anon_asns sorted for rules_anon_ip */
    casefile *cases;
    evsel_sink_fn sink;
    void *sink_ctx;
    size_t r0, r1;
    uint32_t *ip_deg, *dev_deg, *dest_deg; /* accounts per IP / device / payout dest */
    int64_t *last_end;                     /* per account: end of its previous login */
    char (*last_cc)[3];                    /* per account: that login's IP country */
    res_ring *ips, *devs;                  /* (resource, ring) for the rings' IPs/devices */
    size_t nips, ndevs;
    uint64_t *structured; /* client << 32 | freelancer, ascending: pairs of at least
                             struct_min_charges charges */
    size_t nstructured;
    pair_table pip, pdev; /* resources shared inside a ring */
};

static int res_ring_cmp(const void *pa, const void *pb)
{
    const res_ring *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->ring < b->ring ? -1 : a->ring > b->ring;
}

/* The (resource, ring) runs of v (sorted) at least two entries long: one
 * entry per account using it, so two accounts of the ring. */
static void pair_table_build(pair_table *t, const res_ring *v, size_t n)
{
    size_t cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].key == v[i].key && v[j].ring == v[i].ring)
            j++;
        if (j - i >= 2) {
            UTIL_GROW(t->keys, cap, t->n + 1);
            t->keys[t->n++] = v[i];
        }
        i = j;
    }
    t->slot = xcalloc(t->n ? t->n : 1, sizeof *t->slot);
}

static pair_slot *pair_find(const pair_table *t, uint32_t key, uint32_t rg)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (res_ring_cmp(&t->keys[mid], &(res_ring){key, rg}) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->keys[lo].key == key && t->keys[lo].ring == rg ? &t->slot[lo] : NULL;
}

static void pair_table_free(pair_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int k = 0; k < t->slot[i].n; k++)
            case_row_clear(&t->slot[i].row[k]);
    free(t->keys);
    free(t->slot);
}

evsel *evsel_new(const rs_graph *g, const findings *f, const detect_params *p, casefile *cases,
                 evsel_sink_fn sink, void *sink_ctx)
{
    evsel *s = xcalloc(1, sizeof *s);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    s->g = g;
    s->f = f;
    s->p_own = *p;
    detect_params_sort_asns(&s->p_own);
    s->p = &s->p_own;
    s->cases = cases;
    s->sink = sink;
    s->sink_ctx = sink_ctx;
    s->ip_deg = xcalloc((size_t)graph_count(g, NODE_IP) + 1, sizeof *s->ip_deg);
    s->dev_deg = xcalloc((size_t)graph_count(g, NODE_DEVICE) + 1, sizeof *s->dev_deg);
    s->dest_deg = xcalloc((size_t)graph_count(g, NODE_DEST) + 1, sizeof *s->dest_deg);
    s->last_end = xcalloc(na ? na : 1, sizeof *s->last_end);
    s->last_cc = xcalloc(na ? na : 1, sizeof *s->last_cc);
    size_t ci = 0, cd = 0, cs = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        int32_t ri = f->ring_of[e->a];
        if (e->kind == EDGE_LOGIN) {
            s->ip_deg[e->b]++;
            if (ri >= 0) {
                UTIL_GROW(s->ips, ci, s->nips + 1);
                s->ips[s->nips++] = (res_ring){e->b, (uint32_t)ri};
            }
        } else if (e->kind == EDGE_USES_DEVICE) {
            s->dev_deg[e->b]++;
            if (ri >= 0) {
                UTIL_GROW(s->devs, cd, s->ndevs + 1);
                s->devs[s->ndevs++] = (res_ring){e->b, (uint32_t)ri};
            }
        } else if (e->kind == EDGE_PAYOUT) {
            s->dest_deg[e->b]++;
        } else if (e->kind == EDGE_CHARGE && e->count >= (uint32_t)s->p->struct_min_charges) {
            UTIL_GROW(s->structured, cs, s->nstructured + 1);
            s->structured[s->nstructured++] = (uint64_t)e->a << 32 | e->b;
        }
    }
    if (s->nstructured)
        qsort(s->structured, s->nstructured, sizeof *s->structured, util_u64_cmp);
    if (s->nips)
        qsort(s->ips, s->nips, sizeof *s->ips, res_ring_cmp);
    if (s->ndevs)
        qsort(s->devs, s->ndevs, sizeof *s->devs, res_ring_cmp);
    pair_table_build(&s->pip, s->ips, s->nips);
    pair_table_build(&s->pdev, s->devs, s->ndevs);
    s->r1 = f->nrings;
    return s;
}

void evsel_batch(evsel *s, size_t r0, size_t r1)
{
    s->r0 = r0;
    s->r1 = r1;
}

void evsel_free(evsel *s)
{
    if (!s)
        return;
    free(s->ip_deg);
    free(s->dev_deg);
    free(s->dest_deg);
    free(s->last_end);
    free(s->last_cc);
    free(s->ips);
    free(s->devs);
    free(s->structured);
    pair_table_free(&s->pip);
    pair_table_free(&s->pdev);
    free(s);
}

size_t evsel_wanted(const evsel *s, uint64_t **out)
{
    uint32_t na = graph_count(s->g, NODE_ACCOUNT);
    size_t n = 0, cap = na + s->nips + s->ndevs;
    uint64_t *h = xreallocarray(NULL, cap ? cap : 1, sizeof *h);
    for (uint32_t a = 0; a < na; a++)
        if (s->f->ring_of[a] >= 0)
            h[n++] = graph_node_hash(s->g, NODE_ACCOUNT, a);
    for (size_t i = 0; i < s->nips; i++)
        h[n++] = graph_node_hash(s->g, NODE_IP, s->ips[i].key);
    for (size_t i = 0; i < s->ndevs; i++)
        h[n++] = graph_node_hash(s->g, NODE_DEVICE, s->devs[i].key);
    *out = h;
    return n;
}

static int in_batch(const evsel *s, int32_t ri)
{
    return ri >= 0 && (size_t)ri >= s->r0 && (size_t)ri < s->r1;
}

/* Keeps in hit[0..*nhit) the EVSEL_MAX_HITS highest-ranked (lowest index)
 * rings offered, ascending, whatever the batch: a row's rings do not depend
 * on which rings share a batch. */
static void add_hit(uint32_t *hit, size_t *nhit, uint32_t ri)
{
    size_t i = 0;
    while (i < *nhit && hit[i] < ri)
        i++;
    if (i < *nhit && hit[i] == ri)
        return;
    if (i == EVSEL_MAX_HITS)
        return;
    size_t end = *nhit < EVSEL_MAX_HITS ? *nhit : EVSEL_MAX_HITS - 1;
    memmove(hit + i + 1, hit + i, (end - i) * sizeof *hit);
    hit[i] = ri;
    if (*nhit < EVSEL_MAX_HITS)
        (*nhit)++;
}

/* Every ring using resource key (add_hit keeps the highest-ranked). */
static void resource_hits(const res_ring *v, size_t n, uint32_t key, uint32_t *hit, size_t *nhit)
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
        add_hit(hit, nhit, v[lo].ring);
}

/* Whether a login row shows flag f for account a. */
static int login_shows(const evsel *s, flag_code f, uint32_t a, const login_ev *e)
{
    const detect_params *p = s->p;
    if (e->ip == GRAPH_NONE)
        return 0;
    const ip_attr *ia = &s->g->ip[e->ip];
    switch (f) {
    case FLAG_GEO_HOP:
        return rules_country_hop(p, s->last_cc[a], ia->country, e->ts - s->last_end[a]);
    case FLAG_SHARED_IP: /* shown by pairs of logins: file_pairs */
    case FLAG_SHARED_DEVICE:
        return 0;
    case FLAG_LONG_SESSION:
        return rules_long_session(p, e->session_s);
    case FLAG_ANON_NETWORK:
        return rules_anon_ip(p, ia);
    case FLAG_COUNTRY_MISMATCH:
        return rules_away_from_claim(ia, s->g->acct[a].country);
    default:
        return 0;
    }
}

/* An attributes row: the shared contact detail or the forwarding address the
 * flag was raised on; for NAME_MISMATCH the account's names and payout
 * holders, which together show the mismatch. */
static int attr_shows(const evsel *s, flag_code f, const source_row *r)
{
    uint32_t v = r->attr_value;
    uint8_t bits = v != GRAPH_NONE && v < s->f->nvalues ? s->f->value_bits[v] : 0;
    switch (f) {
    case FLAG_SHARED_IDENTITY:
        return (bits & FINDING_VALUE_JOINS) != 0;
    case FLAG_EQUIPMENT_FORWARDING:
        return (bits & FINDING_VALUE_FORWARDING) != 0;
    case FLAG_NAME_MISMATCH:
        return v != GRAPH_NONE && (r->attr_kind == ATTR_NAME || r->attr_kind == ATTR_PAYOUT_HOLDER);
    default:
        return 0;
    }
}

/* Whether account a's text is in a reported near-duplicate cluster. */
static int text_reused(const findings *f, uint32_t a, uint32_t text)
{
    uint64_t key = (uint64_t)a << 32 | text;
    return text != GRAPH_NONE && f->nreused &&
           bsearch(&key, f->reused_texts, f->nreused, sizeof key, util_u64_cmp) != NULL;
}

/* Whether the row shows flag f for account a (which carries f). Mirrors the
 * detectors' conditions row by row (see docs/detection.md). */
static int row_shows(const evsel *s, flag_code f, uint32_t a, const source_row *r)
{
    const rs_graph *g = s->g;
    const detect_params *p = s->p;
    switch (r->table) {
    case TABLE_LOGINS:
        return login_shows(s, f, a, &r->ev.login);
    case TABLE_PORTS:
        return f == FLAG_REMOTE_ACCESS && rules_remote_port(p, r->ev.port.port);
    case TABLE_RATINGS: {
        const rating_ev *e = &r->ev.rating;
        if (f == FLAG_SELF_DEALING)
            return e->client != GRAPH_NONE && e->freelancer != GRAPH_NONE &&
                   flags_has(&s->f->flags[e->client], FLAG_SELF_DEALING) &&
                   flags_has(&s->f->flags[e->freelancer], FLAG_SELF_DEALING);
        /* Only the ratings the flag was raised on: the burst client's high
         * ratings inside its burst, the block's ratings (not every high rating
         * the member ever received, which would implicate honest clients). */
        if (e->client == GRAPH_NONE || e->freelancer == GRAPH_NONE ||
            !rules_high_rating(p, e->stars))
            return 0;
        if (f == FLAG_RATING_BURST)
            return rating_episodes_in_burst(&s->f->episodes, e->client, r->ts);
        return f == FLAG_RATING_LOCKSTEP &&
               rating_episodes_in_lockstep(&s->f->episodes, e->client, e->freelancer);
    }
    case TABLE_BIDS:
        if (f == FLAG_TEXT_REUSE)
            return text_reused(s->f, a, r->text);
        return f == FLAG_BID_SPAM && r->ev.bid.accepted != 1;
    case TABLE_ATTRIBUTES:
        return attr_shows(s, f, r);
    case TABLE_PAYOUTS: {
        uint32_t d = r->ev.payout.dest;
        if (d == GRAPH_NONE)
            return 0;
        if (f == FLAG_SHARED_PAYOUT)
            return s->dest_deg[d] >= 2;
        return f == FLAG_HIGH_RISK_PAYOUT &&
               rules_high_risk_payout(p, g->dest[d].country, g->acct[a].country);
    }
    case TABLE_CHARGES: {
        /* The freelancer's charges from a client that paid it at least
         * struct_min_charges times. */
        uint32_t c = r->ev.charge.client;
        uint64_t key = (uint64_t)c << 32 | a;
        return f == FLAG_STRUCTURED_CHARGES && c != GRAPH_NONE && s->nstructured &&
               bsearch(&key, s->structured, s->nstructured, sizeof key, util_u64_cmp);
    }
    default:
        return 0;
    }
}

static int64_t day_of(int64_t ms)
{
    int64_t d = ms / 86400000;
    return ms % 86400000 < 0 ? d - 1 : d;
}

/* SHARED_IP and SHARED_DEVICE evidence: a login by ring account a on a
 * resource another account of the ring used, shown beside that account's
 * latest login on it: within the detector's concurrency window for an IP
 * (shared_ip_window_h; an address pool of ip_pool_degree accounts or more
 * proves nothing), at any distance for a device. */
static void file_pair(evsel *s, uint32_t ri, const source_row *r, flag_code f, uint32_t a)
{
    const login_ev *e = &r->ev.login;
    case_evidence *ev = &s->cases[ri].ev;
    uint32_t res = f == FLAG_SHARED_IP ? e->ip : e->device;
    if (res == GRAPH_NONE || (f == FLAG_SHARED_IP && !rules_shared_ip_degree(s->p, s->ip_deg[res])))
        return;
    pair_slot *ps = pair_find(f == FLAG_SHARED_IP ? &s->pip : &s->pdev, res, ri);
    if (!ps)
        return;
    int other = ps->n > 0 && ps->acct[0] != a ? 0 : (ps->n > 1 ? 1 : -1);
    if (other >= 0 && ev->nsamples[f] + 2 <= CASE_MAX_SAMPLES &&
        (flags_has(&s->f->flags[a], f) || flags_has(&s->f->flags[ps->acct[other]], f))) {
        int64_t gap = r->ts - ps->row[other].ts;
        gap = gap < 0 ? -gap : gap;
        if (f == FLAG_SHARED_DEVICE || gap <= (int64_t)(s->p->shared_ip_window_h * 3600000.0))
            casefile_add_pair(ev, f, &ps->row[other], r, gap);
    }
    if (ps->n > 0 && ps->acct[0] != a) { /* the latest becomes the latest by another */
        if (ps->n > 1)
            case_row_clear(&ps->row[1]);
        ps->row[1] = ps->row[0];
        ps->acct[1] = ps->acct[0];
        ps->n = 2;
    } else if (ps->n > 0) {
        case_row_clear(&ps->row[0]);
    } else {
        ps->n = 1;
    }
    case_row_copy(&ps->row[0], r);
    ps->acct[0] = a;
}

/* Counts the row for ring ri and keeps it as a sample of each flag it shows;
 * accts are the row's accounts in the batch. */
static void file_row(evsel *s, uint32_t ri, const source_row *r, const uint32_t *accts,
                     size_t nacct)
{
    case_evidence *ev = &s->cases[ri].ev;
    ev->rows[r->table]++;
    if (r->ts != TS_NONE && r->table != TABLE_ACCOUNTS) /* creation dates span years */
        casefile_count_day(ev, day_of(r->ts), r->table);
    if (r->table == TABLE_LOGINS)
        for (size_t i = 0; i < nacct; i++)
            if (s->f->ring_of[accts[i]] == (int32_t)ri) {
                if (ev->nsamples[FLAG_SHARED_IP] + 2 <= CASE_MAX_SAMPLES)
                    file_pair(s, ri, r, FLAG_SHARED_IP, accts[i]);
                if (ev->nsamples[FLAG_SHARED_DEVICE] + 2 <= CASE_MAX_SAMPLES)
                    file_pair(s, ri, r, FLAG_SHARED_DEVICE, accts[i]);
            }
    for (int f = 0; f < FLAG_COUNT; f++) {
        if (flags_table((flag_code)f) != (int)r->table || ev->nsamples[f] >= CASE_MAX_SAMPLES)
            continue;
        int shows = r->table == TABLE_PORTS && row_shows(s, (flag_code)f, 0, r);
        for (size_t i = 0; i < nacct && !shows; i++)
            shows = s->f->ring_of[accts[i]] == (int32_t)ri &&
                    flags_has(&s->f->flags[accts[i]], (flag_code)f) &&
                    row_shows(s, (flag_code)f, accts[i], r);
        if (shows)
            casefile_add_sample(ev, (flag_code)f, r);
    }
}

int evsel_row(void *vs, const source_row *r)
{
    evsel *s = vs;
    uint32_t hit[EVSEL_MAX_HITS], accts[RECORDS_MAX_ACCOUNTS];
    size_t nhit = 0, nacct = 0;
    for (size_t k = 0; k < r->naccounts; k++) {
        uint32_t a = r->accounts[k];
        int32_t ri = a == GRAPH_NONE ? -1 : s->f->ring_of[a];
        if (ri < 0)
            continue;
        add_hit(hit, &nhit, (uint32_t)ri);
        if (in_batch(s, ri))
            accts[nacct++] = a;
    }
    if (r->table == TABLE_PORTS) {
        if (r->ev.port.ip != GRAPH_NONE)
            resource_hits(s->ips, s->nips, r->ev.port.ip, hit, &nhit);
        if (r->ev.port.device != GRAPH_NONE)
            resource_hits(s->devs, s->ndevs, r->ev.port.device, hit, &nhit);
    }
    int rc = 0;
    for (size_t k = 0; k < nhit && rc == 0; k++) {
        if (!in_batch(s, (int32_t)hit[k]))
            continue;
        rc = s->sink(s->sink_ctx, hit[k], r);
        file_row(s, hit[k], r, accts, nacct);
    }
    if (r->table == TABLE_LOGINS && r->ev.login.ip != GRAPH_NONE) {
        const login_ev *e = &r->ev.login;
        for (size_t i = 0; i < nacct; i++) {
            s->last_end[accts[i]] = e->ts + (e->session_s >= 0 ? (int64_t)e->session_s * 1000 : 0);
            memcpy(s->last_cc[accts[i]], s->g->ip[e->ip].country, 3);
        }
    }
    return rc;
}
