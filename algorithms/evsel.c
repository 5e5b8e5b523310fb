/* evsel.c - evidence selection; see evsel.h.
 *
 * Whether a row shows a flag is the flag's evidence rule (evrule.h), found
 * through the registry: this file names no flag. Per-account state kept
 * across the pass: the end and IP of the account's previous login (the
 * login-to-login rules compare each login with the one before it in input
 * order, the detector's order for time-ordered exports). Resource degrees
 * are counted once from the aggregated edges; an IP's as the detector counts
 * them, without the accounts that used it only before they changed hands.
 */
#include "algorithms/evsel.h"

#include "model/attrs.h"

#include "algorithms/evrule.h"
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
    uint32_t *last_ip;                     /* per account: that login's IP, or GRAPH_NONE */
    res_ring *ips, *devs;                  /* (resource, ring) for the rings' IPs/devices */
    size_t nips, ndevs;
    uint64_t *structured; /* client << 32 | freelancer, ascending: pairs of at least
                             struct_min_charges charges */
    size_t nstructured;
    uint64_t *owners[2]; /* account << 32 | IP (0) or device (1), ascending: a ring
                            account's use that ended before it changed hands */
    size_t nowners[2];
    pair_table pip, pdev; /* resources shared inside a ring */
    evsel_view view;      /* what the rules read: the fields above, borrowed */
};

/* Each flag's evidence rule, from its registry row: the row rule or the pair
 * rule its kind calls for. */
typedef struct {
    evrule_row_fn row;
    evrule_pair_fn pair;
} evsel_rule;
#define EVSEL_RULE_ROW(fn) {fn, NULL},
#define EVSEL_RULE_PAIR_IP(fn) {NULL, fn},
#define EVSEL_RULE_PAIR_DEVICE(fn) {NULL, fn},
#define EVSEL_RULE_NONE(fn) {NULL, NULL},
#define EVSEL_RULE(name, table, weight, slot, wdoc, family, props, step, ev, rule, meaning)        \
    EVSEL_RULE_##ev(rule)
static const evsel_rule evsel_rules[FLAG_COUNT] = {FLAG_LIST(EVSEL_RULE)};
#undef EVSEL_RULE

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
            ALLOC_GROW(t->keys, cap, t->n + 1);
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

/* Whether edge e (a login or a device's use) is its account's owner's alone: it
 * ended before the account changed hands (acct_flags.handover_at, 0 when it did
 * not). The resource indexes leave such a use out (resindex_build_since), so its
 * logins make no pair in the projection and must show none here. */
static int owner_use(const findings *f, const rs_edge *e)
{
    int64_t at = f->flags[e->a].handover_at;
    return at != 0 && e->last < at;
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
    s->last_ip = xreallocarray(NULL, na ? na : 1, sizeof *s->last_ip);
    for (uint32_t a = 0; a < na; a++)
        s->last_ip[a] = GRAPH_NONE;
    size_t ci = 0, cd = 0, cs = 0, co[2] = {0, 0};
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        int32_t ri = f->ring_of[e->a];
        if ((e->kind == EDGE_LOGIN || e->kind == EDGE_USES_DEVICE) && ri >= 0 &&
            owner_use(f, e)) {
            int k = e->kind == EDGE_USES_DEVICE;
            ALLOC_GROW(s->owners[k], co[k], s->nowners[k] + 1);
            s->owners[k][s->nowners[k]++] = (uint64_t)e->a << 32 | e->b;
        }
        if (e->kind == EDGE_LOGIN) {
            s->ip_deg[e->b] += !owner_use(f, e);
            if (ri >= 0) {
                ALLOC_GROW(s->ips, ci, s->nips + 1);
                s->ips[s->nips++] = (res_ring){e->b, (uint32_t)ri};
            }
        } else if (e->kind == EDGE_USES_DEVICE) {
            s->dev_deg[e->b]++;
            if (ri >= 0) {
                ALLOC_GROW(s->devs, cd, s->ndevs + 1);
                s->devs[s->ndevs++] = (res_ring){e->b, (uint32_t)ri};
            }
        } else if (e->kind == EDGE_PAYOUT) {
            s->dest_deg[e->b]++;
        } else if (e->kind == EDGE_CHARGE && e->count >= (uint32_t)s->p->struct_min_charges) {
            ALLOC_GROW(s->structured, cs, s->nstructured + 1);
            s->structured[s->nstructured++] = (uint64_t)e->a << 32 | e->b;
        }
    }
    if (s->nstructured)
        qsort(s->structured, s->nstructured, sizeof *s->structured, cmp_u64);
    for (int k = 0; k < 2; k++)
        if (s->nowners[k])
            qsort(s->owners[k], s->nowners[k], sizeof *s->owners[k], cmp_u64);
    if (s->nips)
        qsort(s->ips, s->nips, sizeof *s->ips, res_ring_cmp);
    if (s->ndevs)
        qsort(s->devs, s->ndevs, sizeof *s->devs, res_ring_cmp);
    pair_table_build(&s->pip, s->ips, s->nips);
    pair_table_build(&s->pdev, s->devs, s->ndevs);
    s->r1 = f->nrings;
    s->view = (evsel_view){
        g, f, s->p, s->ip_deg, s->dest_deg, s->structured, s->nstructured, s->last_ip, s->last_end};
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
    free(s->last_ip);
    free(s->ips);
    free(s->devs);
    free(s->structured);
    free(s->owners[0]);
    free(s->owners[1]);
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

static int64_t day_of(int64_t ms)
{
    int64_t d = ms / 86400000;
    return ms % 86400000 < 0 ? d - 1 : d;
}

/* Whether account a's use of resource res (0: IP, 1: device) is its owner's alone. */
static int owner_row(const evsel *s, int on_device, uint32_t a, uint32_t res)
{
    uint64_t key = (uint64_t)a << 32 | res;
    return s->nowners[on_device] &&
           bsearch(&key, s->owners[on_device], s->nowners[on_device], sizeof key, cmp_u64);
}

/* Pair evidence (SHARED_IP, SHARED_DEVICE: registry EV PAIR_*): a login by
 * ring account a on a resource another account of the ring used, shown beside
 * that account's latest login on it when the flag's pair rule admits the
 * resource and the gap (for an IP the detector's concurrency window, and an
 * address pool proves nothing; for a device any distance). A login on a
 * resource the account used only before it changed hands pairs with nothing. */
static void file_pair(evsel *s, uint32_t ri, const source_row *r, flag_code f, uint32_t a)
{
    const login_ev *e = &r->ev.login;
    case_evidence *ev = &s->cases[ri].ev;
    int on_ip = flags_info(f)->evidence == FLAG_EV_PAIR_IP;
    uint32_t res = on_ip ? e->ip : e->device;
    if (res == GRAPH_NONE || owner_row(s, !on_ip, a, res))
        return;
    int64_t window = evsel_rules[f].pair(&s->view, res);
    if (window < 0)
        return;
    pair_slot *ps = pair_find(on_ip ? &s->pip : &s->pdev, res, ri);
    if (!ps)
        return;
    int other = ps->n > 0 && ps->acct[0] != a ? 0 : (ps->n > 1 ? 1 : -1);
    if (other >= 0 && ev->nsamples[f] + 2 <= CASE_MAX_SAMPLES &&
        (flags_has(&s->f->flags[a], f) || flags_has(&s->f->flags[ps->acct[other]], f))) {
        int64_t gap = r->ts - ps->row[other].ts;
        gap = gap < 0 ? -gap : gap;
        if (gap <= window)
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
            if (s->f->ring_of[accts[i]] == (int32_t)ri)
                for (int f = 0; f < FLAG_COUNT; f++)
                    if (evsel_rules[f].pair && ev->nsamples[f] + 2 <= CASE_MAX_SAMPLES)
                        file_pair(s, ri, r, (flag_code)f, accts[i]);
    for (int f = 0; f < FLAG_COUNT; f++) {
        evrule_row_fn shows_fn = evsel_rules[f].row;
        /* The port observations' flags are remote access, which an account's login
         * through a remote-desktop client shows too: their rules see logins. */
        int table = flags_table((flag_code)f);
        int offered = table == (int)r->table ||
                      (table == TABLE_PORTS && r->table == TABLE_LOGINS);
        if (!shows_fn || !offered || ev->nsamples[f] >= CASE_MAX_SAMPLES)
            continue;
        /* A port observation names no account: it shows whatever ring used its IP
         * or device. */
        int shows = r->table == TABLE_PORTS && shows_fn(&s->view, 0, r);
        for (size_t i = 0; i < nacct && !shows; i++)
            shows = s->f->ring_of[accts[i]] == (int32_t)ri &&
                    flags_has(&s->f->flags[accts[i]], (flag_code)f) &&
                    shows_fn(&s->view, accts[i], r);
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
            s->last_ip[accts[i]] = e->ip;
        }
    }
    return rc;
}
