/* detect.c - proxy-account ring detection; see detect.h and docs/detection.md.
 *
 * Pipeline and cost (V accounts, L logins, E aggregated edges, cap = the
 * largest resource degree that still makes pairs):
 *   1. flags          O(L log L) - logins re-sorted by (ip, time) once
 *   2. projection     O(E log E + sum over resources of min(deg, cap)^2),
 *                     at most E * cap pair updates: near-linear in E because
 *                     CGNAT pools, VPN exits and other mass-shared resources
 *                     (degree > cap) generate no pairs (they stay in the graph
 *                     and in ring evidence)
 *   3. communities    igraph Leiden (Traag et al. 2019) on the weighted
 *                     projection, modularity objective, seeded
 *   4. scoring        O(V + E)
 * Everything iterates in id order and sorts with total orders, so the result
 * depends only on the graph, the parameters and the seed.
 */
#include "algorithms/detect.h"

#include "algorithms/behav.h"
#include "base/util.h"

#include <assert.h>
#include <igraph.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const flag_names[FLAG_COUNT] = {
    "GEO_HOP",          "SHARED_IP",        "SHARED_DEVICE", "LONG_SESSION",       "REMOTE_ACCESS",
    "ANON_NETWORK",     "COUNTRY_MISMATCH", "RATING_BURST",  "RATING_LOCKSTEP",    "BID_SPAM",
    "HIGH_RISK_PAYOUT", "SHARED_PAYOUT",    "SELF_DEALING",  "STRUCTURED_CHARGES", "RING_MEMBER"};

const char *detect_flag_name(flag_code f)
{
    return f < FLAG_COUNT ? flag_names[f] : "?";
}

void detect_params_init(detect_params *p)
{
    memset(p, 0, sizeof *p);
    p->geo_hop_window_h = 6;
    p->airliner_kmh = 1000;
    p->min_hop_km = 1000;
    p->shared_ip_window_h = 2;
    p->ip_pool_degree = 60;
    p->long_session_h = 24;
    p->chain_gap_min = 15;
    p->mismatch_share = 0.5;
    p->mismatch_min_logins = 3;
    static const uint32_t ports[] = {3389, 5900, 5901, 5938, 6568, 7070};
    memcpy(p->remote_ports, ports, sizeof ports);
    p->n_remote_ports = sizeof ports / sizeof *ports;
    /* Hosting and VPN-exit networks (see docs/detection.md). */
    static const uint32_t asns[] = {14061, 16509, 14618,  63949,  24940, 16276,  60781,  16265,
                                    45102, 37963, 132203, 45090,  49505, 396982, 8075,   20473,
                                    9009,  60068, 212238, 136787, 51167, 62240,  200651, 42473};
    memcpy(p->anon_asns, asns, sizeof asns);
    p->n_anon_asns = sizeof asns / sizeof *asns;
    p->w_ip = 1.0;
    p->w_device = 2.0;
    p->w_dest = 2.0;
    p->cap_ip = 60;
    p->cap_device = 30;
    p->cap_dest = 60;
    p->overlap_window_h = 2;
    p->degree_exponent = 0.5;
    p->anon_ip_small_degree = 8;
    p->anon_ip_factor = 0.0;
    p->anon_pair_cap = 0.0;
    p->anon_member_cap = 0.5;
    p->far_apart_factor = 0.2;
    p->min_link = 0.3;
    p->resolution = 1.0;
    p->beta = 0.01;
    p->iterations = 20;
    p->fw[FLAG_GEO_HOP] = 0.30;
    p->fw[FLAG_SHARED_IP] = 0.0;
    p->fw[FLAG_SHARED_DEVICE] = 0.10;
    p->fw[FLAG_LONG_SESSION] = 0.25;
    p->fw[FLAG_REMOTE_ACCESS] = 0.20; /* seen on an IP only (offices expose RDP too) */
    p->remote_device_weight = 0.40;   /* remote-desktop software on the device itself */
    p->fw[FLAG_ANON_NETWORK] = 0.35;
    p->fw[FLAG_COUNTRY_MISMATCH] = 0.50;
    p->fw[FLAG_RATING_BURST] = 0.35;
    p->fw[FLAG_RATING_LOCKSTEP] = 0.45;
    p->fw[FLAG_BID_SPAM] = 0.30;
    p->fw[FLAG_HIGH_RISK_PAYOUT] = 0.35;
    p->fw[FLAG_SHARED_PAYOUT] = 0.10;
    p->fw[FLAG_SELF_DEALING] = 0.50;
    p->fw[FLAG_STRUCTURED_CHARGES] = 0.40;
    p->fw[FLAG_RING_MEMBER] = 0;
    p->high_stars = 4.5;
    p->burst_min_freelancers = 5;
    p->burst_min_intensity = 8;
    p->burst_max_days = 7;
    p->lockstep_min_density = 1.0;
    p->lockstep_min_clients = 2;
    p->lockstep_min_freelancers = 3;
    p->bid_min = 100;
    p->bid_max_accept = 0.05;
    p->bid_per_login = 1.0;
    p->bid_peer_factor = 1.5;
    p->hr_min_payouts = 2;
    p->hr_min_share = 0.3;
    /* DPRK and the jurisdictions its IT workers launder through (advisory:
     * PRC and Russia; Hong Kong and Macau banks), plus comprehensively
     * sanctioned countries. */
    static const char *const hr[] = {"KP", "CN", "HK", "MO", "RU", "IR", "SY", "CU", "BY"};
    for (size_t i = 0; i < sizeof hr / sizeof *hr; i++)
        memcpy(p->high_risk[i], hr[i], 3);
    p->n_high_risk = sizeof hr / sizeof *hr;
    p->struct_min_charges = 15;
    p->struct_min_total = 10000;
    p->struct_min_days = 14;
    p->struct_vs_client = 5;
    p->w_lockstep = 1.0;
    p->w_burst = 1.0;
    p->w_self = 1.0;
    p->self_ip_max_degree = 10;
    p->ring_strength_scale = 1.0;
    p->ring_prevalence_zero = 0.15;
    p->ring_prevalence_full = 0.45;
    p->attach_scale = 0.5;
    p->ip_attach_corroboration = 0.15;
    p->ring_min_score = 0.40;
    p->own_weight = 0.55;
    p->threshold = 0.5;
}

#define P(field, lo, hi, doc)                                                                      \
    {                                                                                              \
#field, offsetof(detect_params, field), lo, hi, doc                                        \
    }
#define W(flag, doc)                                                                               \
    {                                                                                              \
        "weight_" #flag, offsetof(detect_params, fw) + FLAG_##flag * sizeof(double), 0, 1, doc     \
    }
static const detect_param_desc param_table[] = {
    P(geo_hop_window_h, 0, 1e6, "GEO_HOP: two countries within this many hours"),
    P(airliner_kmh, 1, 1e6, "GEO_HOP: implied travel faster than this is impossible"),
    P(min_hop_km, 0, 1e5, "GEO_HOP: ignore distances shorter than this (geolocation noise)"),
    P(shared_ip_window_h, 0, 1e6, "SHARED_IP: another account on the IP within this many hours"),
    P(ip_pool_degree, 2, 1e9, "SHARED_IP: IPs used by more accounts are mass-shared pools"),
    P(long_session_h, 0, 1e6, "LONG_SESSION: continuous presence of at least this many hours"),
    P(chain_gap_min, 0, 1e6, "LONG_SESSION: sessions closer than this many minutes chain"),
    P(mismatch_share, 0, 1, "COUNTRY_MISMATCH: share of located logins away from the claim"),
    P(mismatch_min_logins, 0, 1e9, "COUNTRY_MISMATCH: located logins needed"),
    P(w_ip, 0, 1e6, "projection: base weight of a shared IP (same hours)"),
    P(w_device, 0, 1e6, "projection: base weight of a shared device"),
    P(w_dest, 0, 1e6, "projection: base weight of a shared payment destination"),
    P(cap_ip, 2, 1e6, "projection: IPs with more accounts make no pairs"),
    P(cap_device, 2, 1e6, "projection: devices with more accounts make no pairs"),
    P(cap_dest, 2, 1e6, "projection: destinations with more accounts make no pairs"),
    P(overlap_window_h, 0, 1e6, "projection: 'same hours' window for a shared IP"),
    P(degree_exponent, 0, 4, "projection: pair weight = base / (degree - 1)^exponent"),
    P(anon_ip_small_degree, 2, 1e6, "projection: anonymising IPs with more accounts are pools"),
    P(anon_ip_factor, 0, 1, "projection: weight kept for pairs on an anonymising pool IP"),
    P(anon_pair_cap, 0, 1e6, "projection: most weight a pair gets from anonymising IPs"),
    P(anon_member_cap, 0, 1e6, "ring: most link strength per member from anonymising IPs"),
    P(far_apart_factor, 0, 1, "projection: share of IP weight kept when never concurrent"),
    P(min_link, 0, 1e9, "projection: pairs lighter than this are dropped"),
    P(resolution, 0, 1e6, "Leiden: modularity resolution"),
    P(beta, 1e-6, 1e3, "Leiden: randomness of refinement"),
    P(iterations, 1, 1e4, "Leiden: iterations (positive)"),
    W(GEO_HOP, "own-flag weight"),
    W(SHARED_IP, "own-flag weight"),
    W(SHARED_DEVICE, "own-flag weight"),
    W(LONG_SESSION, "own-flag weight"),
    W(REMOTE_ACCESS, "own-flag weight when the remote-desktop port is seen on an IP"),
    P(remote_device_weight, 0, 1, "own-flag weight when remote-desktop software is on a device"),
    W(ANON_NETWORK, "own-flag weight"),
    W(COUNTRY_MISMATCH, "own-flag weight"),
    W(RATING_BURST, "own-flag weight"),
    W(RATING_LOCKSTEP, "own-flag weight"),
    W(BID_SPAM, "own-flag weight"),
    W(HIGH_RISK_PAYOUT, "own-flag weight"),
    W(SHARED_PAYOUT, "own-flag weight"),
    W(SELF_DEALING, "own-flag weight"),
    W(STRUCTURED_CHARGES, "own-flag weight"),
    P(high_stars, 0, 5, "a rating at or above this is a high rating"),
    P(burst_min_freelancers, 2, 1e6, "RATING_BURST: distinct freelancers rated in the burst"),
    P(burst_min_intensity, 1, 1e9, "RATING_BURST: burst rate over the client's long-run rate"),
    P(burst_max_days, 0, 1e6, "RATING_BURST: longest burst considered, days"),
    P(lockstep_min_density, 0, 1e9, "RATING_LOCKSTEP: FRAUDAR block density"),
    P(lockstep_min_clients, 1, 1e6, "RATING_LOCKSTEP: clients in the block"),
    P(lockstep_min_freelancers, 1, 1e6, "RATING_LOCKSTEP: freelancers in the block"),
    P(bid_min, 0, 1e9, "BID_SPAM: bids at least"),
    P(bid_max_accept, 0, 1, "BID_SPAM: accepted share at most"),
    P(bid_per_login, 0, 1e9, "BID_SPAM: bids per login at least"),
    P(bid_peer_factor, 0, 1e9, "BID_SPAM: bids over the 90th percentile of the age group"),
    P(hr_min_payouts, 1, 1e9, "HIGH_RISK_PAYOUT: payouts to high-risk countries at least"),
    P(hr_min_share, 0, 1, "HIGH_RISK_PAYOUT: share of the account's payouts at least"),
    P(struct_min_charges, 2, 1e9, "STRUCTURED_CHARGES: charges on one client-freelancer pair"),
    P(struct_min_total, 0, 1e15, "STRUCTURED_CHARGES: adding up to at least"),
    P(struct_min_days, 0, 1e6, "STRUCTURED_CHARGES: spread over at least this many days"),
    P(struct_vs_client, 1, 1e6,
      "STRUCTURED_CHARGES: times the client's usual charges per freelancer"),
    P(w_lockstep, 0, 1e6, "projection: client-freelancer weight inside a lockstep block"),
    P(w_burst, 0, 1e6, "projection: client-freelancer weight inside a rating burst"),
    P(w_self, 0, 1e6, "projection: client-freelancer weight when they share infrastructure"),
    P(self_ip_max_degree, 2, 1e6, "SELF_DEALING: shared IPs used by more accounts do not count"),
    P(ring_strength_scale, 1e-9, 1e9, "ring: internal weight per member giving strength 0.63"),
    P(ring_prevalence_zero, 0, 1, "ring: mean own-flag score giving no corroboration credit"),
    P(ring_prevalence_full, 1e-9, 1, "ring: mean own-flag score giving full corroboration"),
    P(attach_scale, 1e-9, 1e9, "risk: member's internal link weight for 63% of the ring score"),
    P(ip_attach_corroboration, 1e-9, 1,
      "risk: own-flag score at which shared IPs attach a member fully"),
    P(ring_min_score, 0, 1, "ring: communities scoring less are not reported"),
    P(own_weight, 0, 1, "risk: largest contribution of an account's own flags"),
    P(threshold, 0, 1, "flagged = risk_score >= threshold"),
};
#undef P
#undef W

const detect_param_desc *detect_param_table(size_t *n)
{
    *n = sizeof param_table / sizeof *param_table;
    return param_table;
}

void detect_flags_text(const acct_flags *f, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (!(f->bits & (1u << k)))
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", flag_names[k]);
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void flag(acct_flags *f, flag_code k, uint32_t n)
{
    f->bits |= 1u << k;
    f->evidence[k] += n;
}

/* --- resource membership lists ------------------------------------------ */

typedef struct {
    uint32_t res, acct;
    int64_t first, last;
} res_member;

static int res_member_cmp(const void *pa, const void *pb)
{
    const res_member *a = pa, *b = pb;
    if (a->res != b->res)
        return a->res < b->res ? -1 : 1;
    if (a->acct != b->acct)
        return a->acct < b->acct ? -1 : 1;
    return 0;
}

/* Accounts per resource of one type, sorted by (resource, account); payouts
 * and payment instruments are merged for destinations. off[r]..off[r+1]. */
typedef struct {
    res_member *m;
    size_t n;
    size_t *off; /* nres + 1 */
    uint32_t nres;
} res_index;

static void res_index_build(res_index *ix, const rs_graph *g, node_type t)
{
    memset(ix, 0, sizeof *ix);
    ix->nres = graph_count(g, t);
    size_t cap = 16;
    ix->m = xreallocarray(NULL, cap, sizeof *ix->m); /* never NULL, even when empty */
    for (size_t i = 0; i < g->nedges; i++) {
        const rs_edge *e = &g->edges[i];
        int match = (t == NODE_IP && e->kind == EDGE_LOGIN) ||
                    (t == NODE_DEVICE && e->kind == EDGE_USES_DEVICE) ||
                    (t == NODE_DEST && (e->kind == EDGE_PAYOUT || e->kind == EDGE_PAYS_WITH));
        if (!match)
            continue;
        UTIL_GROW(ix->m, cap, ix->n + 1);
        ix->m[ix->n++] = (res_member){e->b, e->a, e->first, e->last};
    }
    if (ix->n)
        qsort(ix->m, ix->n, sizeof *ix->m, res_member_cmp);
    /* Merge duplicates (an account both paid into and paying from one id). */
    size_t w = 0;
    for (size_t i = 0; i < ix->n; i++) {
        if (w && ix->m[w - 1].res == ix->m[i].res && ix->m[w - 1].acct == ix->m[i].acct) {
            if (ix->m[i].first < ix->m[w - 1].first)
                ix->m[w - 1].first = ix->m[i].first;
            if (ix->m[i].last > ix->m[w - 1].last)
                ix->m[w - 1].last = ix->m[i].last;
            continue;
        }
        ix->m[w++] = ix->m[i];
    }
    ix->n = w;
    ix->off = xcalloc((size_t)ix->nres + 1, sizeof *ix->off);
    for (size_t i = 0; i < ix->n; i++)
        ix->off[ix->m[i].res + 1]++;
    for (uint32_t r = 0; r < ix->nres; r++)
        ix->off[r + 1] += ix->off[r];
}

static void res_index_free(res_index *ix)
{
    free(ix->m);
    free(ix->off);
}

static uint32_t res_degree(const res_index *ix, uint32_t r)
{
    return (uint32_t)(ix->off[r + 1] - ix->off[r]);
}

/* --- pair accumulator --------------------------------------------------- */

typedef struct {
    uint64_t key; /* (a << 32 | b) + 1, a < b; 0 = empty slot */
    double w;     /* from devices, destinations and ordinary IPs */
    double wa;    /* from anonymising IPs, capped per pair when read */
    double wi;    /* the part of w from (ordinary) IPs */
} pair_slot;

typedef struct {
    pair_slot *s;
    size_t n, cap; /* cap is a power of two */
} pair_map;

static void pair_add(pair_map *pm, uint32_t a, uint32_t b, double w, double wa, double wi);

static void pair_grow(pair_map *pm)
{
    pair_map old = *pm;
    pm->cap = old.cap ? old.cap * 2 : 1024;
    pm->s = xcalloc(pm->cap, sizeof *pm->s);
    pm->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.s[i].key)
            pair_add(pm, (uint32_t)((old.s[i].key - 1) >> 32), (uint32_t)(old.s[i].key - 1),
                     old.s[i].w, old.s[i].wa, old.s[i].wi);
    free(old.s);
}

/* Adds w (and wa, anonymising-IP weight) to the (a, b) pair. Keys are
 * stored +1 so no key is 0. */
static void pair_add(pair_map *pm, uint32_t a, uint32_t b, double w, double wa, double wi)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if ((pm->n + 1) * 2 > pm->cap)
        pair_grow(pm);
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    size_t i = (size_t)util_mix64(key) & (pm->cap - 1);
    while (pm->s[i].key && pm->s[i].key != key)
        i = (i + 1) & (pm->cap - 1);
    if (!pm->s[i].key) {
        pm->s[i].key = key;
        pm->n++;
    }
    pm->s[i].w += w;
    pm->s[i].wa += wa;
    pm->s[i].wi += wi;
}

/* --- flags --------------------------------------------------------------- */

static int in_list(const uint32_t *list, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0, d2r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

/* Flags computed from each account's own login timeline. */
static void flags_from_logins(const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    const int64_t hop_ms = (int64_t)(p->geo_hop_window_h * 3600e3);
    const int64_t long_ms = (int64_t)(p->long_session_h * 3600e3);
    const int64_t chain_ms = (int64_t)(p->chain_gap_min * 60e3);
    for (uint32_t a = 0; a < na; a++) {
        size_t lo = g->login_off[a], hi = g->login_off[a + 1];
        uint32_t located = 0, away = 0, anon = 0, hops = 0, longs = 0;
        int64_t chain_start = 0, chain_end = INT64_MIN;
        const char *claim = g->acct[a].country;
        for (size_t i = lo; i < hi; i++) {
            const login_ev *e = &g->logins.v[i];
            const ip_attr *ia = &g->ip[e->ip];
            if (ia->country[0]) {
                located++;
                if (claim[0] && strcmp(ia->country, claim) != 0)
                    away++;
            }
            if (ia->anon || (ia->asn && in_list(p->anon_asns, p->n_anon_asns, ia->asn)))
                anon++;
            int64_t end = e->ts + (e->session_s > 0 ? (int64_t)e->session_s * 1000 : 0);
            if (e->session_s >= 0 && (int64_t)e->session_s * 1000 >= long_ms)
                longs++;
            /* Back-to-back sessions chain into one continuous presence. */
            if (e->session_s >= 0 && e->ts <= chain_end + chain_ms) {
                if (end > chain_end)
                    chain_end = end;
                if (chain_end - chain_start >= long_ms && !(e->session_s * 1000LL >= long_ms)) {
                    longs++;
                    chain_start = chain_end; /* count each day-long chain once */
                }
            } else if (e->session_s >= 0) {
                chain_start = e->ts;
                chain_end = end;
            }
            if (i > lo) {
                const login_ev *pr = &g->logins.v[i - 1];
                const ip_attr *pa = &g->ip[pr->ip];
                int64_t prev_end = pr->ts + (pr->session_s > 0 ? (int64_t)pr->session_s * 1000 : 0);
                int64_t gap = e->ts - prev_end;
                if (gap < 0)
                    gap = 0;
                int hop = 0;
                if (pa->country[0] && ia->country[0] && strcmp(pa->country, ia->country) != 0 &&
                    gap <= hop_ms)
                    hop = 1;
                int same_cc = pa->country[0] && ia->country[0] && !strcmp(pa->country, ia->country);
                /* Within one country, city-level geolocation of ISP and
                 * mobile addresses is too coarse for speeds. */
                if (!hop && !same_cc && pa->has_loc && ia->has_loc) {
                    /* Only the distance beyond both locations' accuracy radii
                     * counts: mobile and ISP addresses are located to a region. */
                    double km = haversine_km(pa->lat, pa->lon, ia->lat, ia->lon) - pa->radius_km -
                                ia->radius_km;
                    double hours = (double)gap / 3600e3;
                    if (km >= p->min_hop_km && km > p->airliner_kmh * hours)
                        hop = 1;
                }
                hops += (uint32_t)hop;
            }
        }
        if (hops)
            flag(&fl[a], FLAG_GEO_HOP, hops);
        if (longs)
            flag(&fl[a], FLAG_LONG_SESSION, longs);
        if (anon)
            flag(&fl[a], FLAG_ANON_NETWORK, anon);
        if (claim[0] && located >= p->mismatch_min_logins &&
            (double)away >= p->mismatch_share * (double)located)
            flag(&fl[a], FLAG_COUNTRY_MISMATCH, away);
    }
}

typedef struct {
    uint32_t ip, acct;
    int64_t ts;
} ip_login;

static int ip_login_cmp(const void *pa, const void *pb)
{
    const ip_login *a = pa, *b = pb;
    if (a->ip != b->ip)
        return a->ip < b->ip ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->acct < b->acct ? -1 : a->acct > b->acct;
}

/* Local index of account a among the sorted members [lo, hi) of a resource. */
static size_t member_pos(const res_member *m, size_t lo, size_t hi, uint32_t a)
{
    assert(m);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].acct < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* SHARED_IP and the IP part of the projection. Logins are re-sorted by
 * (ip, time); for each IP that is not a mass-shared pool, a sliding window
 * finds accounts present within shared_ip_window_h of each other, and every
 * pair of its accounts gets w_ip / (degree - 1)^exponent, reduced to
 * far_apart_factor of that when the two were never there in the same window,
 * and to anon_ip_factor on anonymising IPs shared by more than
 * anon_ip_small_degree accounts (commercial VPN exits). */
static void ip_pass(const rs_graph *g, const detect_params *p, const res_index *ips, acct_flags *fl,
                    pair_map *pm, uint64_t *capped)
{
    size_t n = g->logins.n;
    ip_login *v = xreallocarray(NULL, n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (ip_login){g->logins.v[i].ip, g->logins.v[i].account, g->logins.v[i].ts};
    if (n)
        qsort(v, n, sizeof *v, ip_login_cmp);
    const int64_t win = (int64_t)(p->shared_ip_window_h * 3600e3);
    const int64_t ov = (int64_t)(p->overlap_window_h * 3600e3);
    size_t capn = (size_t)p->cap_ip;
    uint8_t *conc = NULL; /* deg x deg concurrency matrix */
    size_t conc_cap = 0;
    uint32_t *shared_cnt = NULL;
    size_t shared_cap = 0;
    for (size_t lo = 0; lo < n;) {
        size_t hi = lo;
        while (hi < n && v[hi].ip == v[lo].ip)
            hi++;
        uint32_t ip = v[lo].ip;
        uint32_t deg = res_degree(ips, ip);
        size_t moff = ips->off[ip];
        if (deg >= 2 && deg <= (uint32_t)p->ip_pool_degree) {
            UTIL_GROW(shared_cnt, shared_cap, deg);
            assert(shared_cnt && ips->m);
            memset(shared_cnt, 0, deg * sizeof *shared_cnt);
            int pairs = deg <= capn;
            if (pairs) {
                UTIL_GROW(conc, conc_cap, (size_t)deg * deg);
                assert(conc);
                memset(conc, 0, (size_t)deg * deg);
            }
            size_t start = lo;
            int64_t maxw = win > ov ? win : ov;
            for (size_t i = lo; i < hi; i++) {
                while (v[i].ts - v[start].ts > maxw)
                    start++;
                size_t ai = member_pos(ips->m, moff, moff + deg, v[i].acct) - moff;
                for (size_t j = start; j < i; j++) {
                    if (v[j].acct == v[i].acct)
                        continue;
                    size_t aj = member_pos(ips->m, moff, moff + deg, v[j].acct) - moff;
                    int64_t dt = v[i].ts - v[j].ts;
                    if (dt <= win) {
                        shared_cnt[ai]++;
                        shared_cnt[aj]++;
                    }
                    if (pairs && dt <= ov)
                        conc[ai * deg + aj] = conc[aj * deg + ai] = 1;
                }
            }
            for (uint32_t k = 0; k < deg; k++)
                if (shared_cnt[k])
                    flag(&fl[ips->m[moff + k].acct], FLAG_SHARED_IP, shared_cnt[k]);
            if (pairs) {
                const ip_attr *ia = &g->ip[ip];
                int anon = ia->anon || (ia->asn && in_list(p->anon_asns, p->n_anon_asns, ia->asn));
                double base = p->w_ip / pow(deg - 1.0, p->degree_exponent);
                if (anon && deg > (uint32_t)p->anon_ip_small_degree)
                    base *= p->anon_ip_factor; /* VPN exits: strangers, not a team */
                for (uint32_t x = 0; x < deg; x++) {
                    for (uint32_t y = x + 1; y < deg; y++) {
                        double w = base * (conc[x * deg + y] ? 1.0 : p->far_apart_factor);
                        pair_add(pm, ips->m[moff + x].acct, ips->m[moff + y].acct, anon ? 0 : w,
                                 anon ? w : 0, anon ? 0 : w);
                    }
                }
            }
        }
        if (deg > capn)
            (*capped)++;
        lo = hi;
    }
    free(v);
    free(conc);
    free(shared_cnt);
}

/* Pairs from devices or destinations: w / (degree - 1)^exponent per pair, so
 * with exponent 1 each resource gives each of its accounts one unit of link
 * weight spread over its co-users (the resource-allocation index): a device
 * shared by 3 binds far more than an IP shared by 50. */
static void resource_pairs(const res_index *ix, double w, double cap, double expo, pair_map *pm,
                           uint64_t *capped)
{
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = res_degree(ix, r);
        if (deg < 2)
            continue;
        if (deg > (uint32_t)cap) {
            (*capped)++;
            continue;
        }
        double base = w / pow(deg - 1.0, expo);
        assert(ix->m);
        const res_member *m = ix->m + ix->off[r];
        for (uint32_t x = 0; x < deg; x++)
            for (uint32_t y = x + 1; y < deg; y++)
                pair_add(pm, m[x].acct, m[y].acct, base, 0, 0);
    }
}

/* REMOTE_ACCESS: accounts on an IP or device seen with a remote-desktop port. */
static void remote_flags(const rs_graph *g, const detect_params *p, const res_index *ips,
                         const res_index *devs, acct_flags *fl)
{
    uint8_t *ip_rem = xcalloc((size_t)graph_count(g, NODE_IP) + 1, 1);
    uint8_t *dev_rem = xcalloc((size_t)graph_count(g, NODE_DEVICE) + 1, 1);
    for (size_t i = 0; i < g->ports.n; i++) {
        const port_ev *e = &g->ports.v[i];
        if (!in_list(p->remote_ports, p->n_remote_ports, e->port))
            continue;
        if (e->ip != GRAPH_NONE)
            ip_rem[e->ip] = 1;
        if (e->device != GRAPH_NONE)
            dev_rem[e->device] = 1;
    }
    for (uint32_t r = 0; r < ips->nres; r++)
        if (ip_rem[r])
            for (size_t k = ips->off[r]; k < ips->off[r + 1]; k++)
                flag(&fl[ips->m[k].acct], FLAG_REMOTE_ACCESS, 1);
    for (uint32_t r = 0; r < devs->nres; r++) {
        if (!dev_rem[r])
            continue;
        for (size_t k = devs->off[r]; k < devs->off[r + 1]; k++) {
            flag(&fl[devs->m[k].acct], FLAG_REMOTE_ACCESS, 1);
            fl[devs->m[k].acct].remote_device = 1;
        }
    }
    free(ip_rem);
    free(dev_rem);
}

/* --- communities ----------------------------------------------------------- */

typedef detect_link link;

static int link_cmp(const void *pa, const void *pb)
{
    const link *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return 0;
}

/* Runs Leiden on links (sorted). comm[a] gets a community id per account, or
 * -1 for accounts without links. Returns 0 or an igraph error. */
static int leiden(const link *links, size_t nl, uint32_t na, const detect_params *p, uint64_t seed,
                  int32_t *comm, uint64_t *ncomm, char *err, size_t errlen)
{
    int rc = 0;
    int32_t *local = xreallocarray(NULL, na ? na : 1, sizeof *local);
    uint32_t *global = NULL;
    size_t nv = 0, gcap = 0;
    for (uint32_t a = 0; a < na; a++)
        local[a] = -1, comm[a] = -1;
    for (size_t i = 0; i < nl; i++) {
        uint32_t e[2] = {links[i].a, links[i].b};
        for (int k = 0; k < 2; k++) {
            if (local[e[k]] < 0) {
                UTIL_GROW(global, gcap, nv + 1);
                global[nv] = e[k];
                local[e[k]] = (int32_t)nv++;
            }
        }
    }
    *ncomm = 0;
    if (nl == 0) {
        free(local);
        free(global);
        return 0;
    }
    igraph_t gr;
    igraph_vector_int_t edges, memb;
    igraph_vector_t weights, strength;
    int have_graph = 0;
    igraph_vector_int_init(&edges, (igraph_integer_t)(2 * nl));
    igraph_vector_init(&weights, (igraph_integer_t)nl);
    igraph_vector_init(&strength, (igraph_integer_t)nv);
    igraph_vector_int_init(&memb, (igraph_integer_t)nv);
    double total = 0;
    for (size_t i = 0; i < nl; i++) {
        int32_t x = local[links[i].a], y = local[links[i].b];
        VECTOR(edges)[2 * i] = x;
        VECTOR(edges)[2 * i + 1] = y;
        VECTOR(weights)[i] = links[i].w;
        VECTOR(strength)[x] += links[i].w;
        VECTOR(strength)[y] += links[i].w;
        total += links[i].w;
    }
    if (igraph_create(&gr, &edges, (igraph_integer_t)nv, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) {
        snprintf(err, errlen, "igraph_create failed");
        rc = -1;
        goto cleanup;
    }
    have_graph = 1;
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
    igraph_integer_t nb = 0;
    igraph_real_t quality = 0;
    /* Modularity: node weights = strength, resolution / (2m). A positive
     * iteration count (0.10.2 can loop forever with a negative one). */
    igraph_error_t ie = igraph_community_leiden(
        &gr, &weights, &strength, p->resolution / (2.0 * total), p->beta, 0,
        p->iterations >= 1 ? (igraph_integer_t)p->iterations : 1, &memb, &nb, &quality);
    if (ie != IGRAPH_SUCCESS) {
        snprintf(err, errlen, "igraph_community_leiden failed: %s", igraph_strerror(ie));
        rc = -1;
        goto cleanup;
    }
    for (size_t v = 0; v < nv; v++)
        comm[global[v]] = (int32_t)VECTOR(memb)[v];
    *ncomm = (uint64_t)nb;
cleanup:
    if (have_graph)
        igraph_destroy(&gr);
    igraph_vector_int_destroy(&edges);
    igraph_vector_destroy(&weights);
    igraph_vector_destroy(&strength);
    igraph_vector_int_destroy(&memb);
    free(local);
    free(global);
    return rc;
}

/* --- rings and scores -------------------------------------------------------- */

static const rs_graph *sort_graph; /* for label comparisons in qsort */

static int acct_label_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    size_t la, lb;
    const char *sa = intern_str(sort_graph->ids[NODE_ACCOUNT], a, &la);
    const char *sb = intern_str(sort_graph->ids[NODE_ACCOUNT], b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

static int ring_rank_cmp(const void *pa, const void *pb)
{
    const ring *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    size_t na = a->nmembers + a->nshills, nb = b->nmembers + b->nshills;
    if (na != nb)
        return na > nb ? -1 : 1;
    uint32_t x = a->nmembers ? a->members[0] : a->shills[0];
    uint32_t y = b->nmembers ? b->members[0] : b->shills[0];
    return acct_label_cmp(&x, &y);
}

static const ring *sort_rings;

static int ring_order_cmp(const void *pa, const void *pb)
{
    return ring_rank_cmp(&sort_rings[*(const uint32_t *)pa], &sort_rings[*(const uint32_t *)pb]);
}

static int res_cmp(const void *pa, const void *pb)
{
    const ring_resource *a = pa, *b = pb;
    if (a->members != b->members)
        return a->members > b->members ? -1 : 1;
    if (a->degree != b->degree)
        return a->degree < b->degree ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Shared resources of a ring: used by >= 2 members, any degree. */
static void ring_resources(ring *rg, const res_index *ix, node_type t, const int32_t *ring_of,
                           int32_t self, size_t *cap)
{
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t inside = 0;
        for (size_t k = ix->off[r]; k < ix->off[r + 1]; k++)
            inside += ring_of[ix->m[k].acct] == self;
        if (inside < 2)
            continue;
        UTIL_GROW(rg->res, *cap, rg->nres + 1);
        rg->res[rg->nres++] = (ring_resource){(uint32_t)t, r, inside, res_degree(ix, r)};
    }
}

size_t detect_project(const rs_graph *g, const detect_params *p, detect_link **out)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    acct_flags *fl = xcalloc(na ? na : 1, sizeof *fl);
    res_index ips, devs, dests;
    pair_map pm = {0};
    uint64_t capped = 0;
    res_index_build(&ips, g, NODE_IP);
    res_index_build(&devs, g, NODE_DEVICE);
    res_index_build(&dests, g, NODE_DEST);
    ip_pass(g, p, &ips, fl, &pm, &capped);
    resource_pairs(&devs, p->w_device, p->cap_device, p->degree_exponent, &pm, &capped);
    resource_pairs(&dests, p->w_dest, p->cap_dest, p->degree_exponent, &pm, &capped);
    detect_link *links = NULL;
    size_t nl = 0, lcap = 0;
    for (size_t i = 0; i < pm.cap; i++) {
        if (!pm.s[i].key)
            continue;
        double wa = pm.s[i].wa < p->anon_pair_cap ? pm.s[i].wa : p->anon_pair_cap;
        uint64_t k = pm.s[i].key - 1;
        UTIL_GROW(links, lcap, nl + 1);
        links[nl++] =
            (detect_link){(uint32_t)(k >> 32), (uint32_t)k, pm.s[i].w + wa, wa, pm.s[i].wi};
    }
    if (nl)
        qsort(links, nl, sizeof *links, link_cmp);
    free(pm.s);
    free(fl);
    res_index_free(&ips);
    res_index_free(&devs);
    res_index_free(&dests);
    *out = links;
    return nl;
}

static void behav_link(void *ctx, uint32_t a, uint32_t b, double w)
{
    if (a != b)
        pair_add(ctx, a, b, w, 0, 0);
}

int detect_run(const rs_graph *g, const detect_params *p, uint64_t seed, detect_result *out,
               char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    size_t nalloc = na ? na : 1;
    out->flags = xcalloc(nalloc, sizeof *out->flags);
    out->risk = xcalloc(nalloc, sizeof *out->risk);
    out->corroboration = xcalloc(nalloc, sizeof *out->corroboration);
    out->ring_of = xreallocarray(NULL, nalloc, sizeof *out->ring_of);
    out->flagged = xcalloc(nalloc, 1);
    int32_t *comm = xreallocarray(NULL, nalloc, sizeof *comm);
    res_index ips, devs, dests;
    pair_map pm = {0};
    link *links = NULL;
    size_t nl = 0, lcap = 0;
    int rc = 0;
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    res_index_build(&ips, g, NODE_IP);
    res_index_build(&devs, g, NODE_DEVICE);
    res_index_build(&dests, g, NODE_DEST);
    flags_from_logins(g, p, out->flags);
    remote_flags(g, p, &ips, &devs, out->flags);
    for (uint32_t r = 0; r < devs.nres; r++) {
        uint32_t deg = res_degree(&devs, r);
        if (deg >= 2)
            for (size_t k = devs.off[r]; k < devs.off[r + 1]; k++)
                flag(&out->flags[devs.m[k].acct], FLAG_SHARED_DEVICE, deg - 1);
    }
    out->seconds_flags = elapsed(&t0);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ip_pass(g, p, &ips, out->flags, &pm, &out->capped_resources);
    resource_pairs(&devs, p->w_device, p->cap_device, p->degree_exponent, &pm,
                   &out->capped_resources);
    resource_pairs(&dests, p->w_dest, p->cap_dest, p->degree_exponent, &pm, &out->capped_resources);
    behav_stats bs;
    struct timespec tb;
    clock_gettime(CLOCK_MONOTONIC, &tb);
    int brc = behav_run(g, p, out->flags, behav_link, &pm, &bs, err, errlen);
    out->seconds_behaviour = elapsed(&tb);
    if (brc != 0) {
        free(pm.s);
        rc = -1;
        goto cleanup;
    }
    out->rating_bursts = bs.rating_bursts;
    out->lockstep_blocks = bs.lockstep_blocks;
    out->structuring_pairs = bs.structuring_pairs;
    out->self_dealing_pairs = bs.self_dealing_pairs;
    out->hire_bursts = bs.hire_bursts;
    out->charge_bursts = bs.charge_bursts;
    out->ip_onboarding_bursts = bs.ip_onboarding_bursts;
    out->pairs = pm.n;
    for (size_t i = 0; i < pm.cap; i++) {
        if (!pm.s[i].key)
            continue;
        /* Many VPN exits in common say no more than one server in common. */
        double wa = pm.s[i].wa < p->anon_pair_cap ? pm.s[i].wa : p->anon_pair_cap;
        double w = pm.s[i].w + wa;
        if (w < p->min_link)
            continue;
        uint64_t k = pm.s[i].key - 1;
        UTIL_GROW(links, lcap, nl + 1);
        links[nl++] = (link){(uint32_t)(k >> 32), (uint32_t)k, w, wa, pm.s[i].wi};
    }
    free(pm.s);
    if (nl)
        qsort(links, nl, sizeof *links, link_cmp); /* hash order is not an order */
    out->projection_edges = nl;
    out->seconds_projection = elapsed(&t0);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = leiden(links, nl, na, p, seed, comm, &out->communities, err, errlen);
    out->seconds_leiden = elapsed(&t0);
    if (rc)
        goto cleanup;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Own-flag corroboration. */
    for (uint32_t a = 0; a < na; a++) {
        double keep = 1.0;
        for (int k = 0; k < FLAG_COUNT; k++)
            if (out->flags[a].bits & (1u << k))
                keep *= 1.0 - p->fw[k];
        if (out->flags[a].remote_device)
            keep *= 1.0 - p->remote_device_weight;
        out->corroboration[a] = 1.0 - keep;
    }
    /* Community totals. */
    size_t nc = (size_t)out->communities;
    double *cw = xcalloc(nc ? nc : 1, sizeof *cw);
    double *cwa = xcalloc(nc ? nc : 1, sizeof *cwa);
    double *csum = xcalloc(nc ? nc : 1, sizeof *csum);
    uint32_t *csize = xcalloc(nc ? nc : 1, sizeof *csize);
    double *attach = xcalloc(nalloc, sizeof *attach);
    double *attach_ip = xcalloc(nalloc, sizeof *attach_ip);
    for (size_t i = 0; i < nl; i++) {
        if (comm[links[i].a] == comm[links[i].b] && comm[links[i].a] >= 0) {
            cw[comm[links[i].a]] += links[i].w;
            cwa[comm[links[i].a]] += links[i].wa;
            attach[links[i].a] += links[i].w - links[i].wi;
            attach[links[i].b] += links[i].w - links[i].wi;
            attach_ip[links[i].a] += links[i].wi;
            attach_ip[links[i].b] += links[i].wi;
        }
    }
    for (uint32_t a = 0; a < na; a++) {
        if (comm[a] < 0)
            continue;
        csize[comm[a]]++;
        csum[comm[a]] += out->corroboration[a];
    }
    /* Score communities; keep rings. */
    int32_t *ring_idx = xreallocarray(NULL, nc ? nc : 1, sizeof *ring_idx);
    size_t rcap = 0;
    for (size_t c = 0; c < nc; c++) {
        ring_idx[c] = -1;
        if (csize[c] < 2)
            continue;
        /* Strength counts links through anonymising IPs only up to
         * anon_member_cap per member: strangers on one VPN provider share
         * many exits, and nothing else. */
        double anon_cap = p->anon_member_cap * csize[c];
        double structural = cw[c] - cwa[c] + (cwa[c] < anon_cap ? cwa[c] : anon_cap);
        double strength = 1.0 - exp(-(structural / csize[c]) / p->ring_strength_scale);
        double prev = csum[c] / csize[c];
        double span = p->ring_prevalence_full - p->ring_prevalence_zero;
        double credit =
            span > 0 ? (prev - p->ring_prevalence_zero) / span : prev >= p->ring_prevalence_full;
        credit = credit < 0 ? 0 : credit > 1 ? 1 : credit;
        double score = strength * credit;
        if (score < p->ring_min_score)
            continue;
        UTIL_GROW(out->rings, rcap, out->nrings + 1);
        ring *rg = &out->rings[out->nrings];
        memset(rg, 0, sizeof *rg);
        rg->score = score;
        rg->strength = strength;
        rg->prevalence = prev;
        rg->internal_weight = cw[c];
        rg->density = cw[c] / (0.5 * csize[c] * (csize[c] - 1.0));
        rg->first_seen = INT64_MAX;
        rg->last_seen = INT64_MIN;
        ring_idx[c] = (int32_t)out->nrings++;
    }
    /* Risk: own flags, plus the community's ring score as far as the
     * account is attached to it. */
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = comm[a] >= 0 ? ring_idx[comm[a]] : -1;
        double own = p->own_weight * out->corroboration[a];
        if (r >= 0) {
            /* A member inherits the ring score in proportion to how firmly
             * it is attached: an account pulled in by one weak link (an ISP
             * address reassigned months later) gets little of it, and shared
             * IPs attach it only as far as its own flags corroborate
             * (strangers on a VPN exit a ring also uses share nothing else). */
            double ipc = out->corroboration[a] / p->ip_attach_corroboration;
            double eff = attach[a] + attach_ip[a] * (ipc < 1 ? ipc : 1);
            double att = 1.0 - exp(-eff / p->attach_scale);
            out->risk[a] = 1.0 - (1.0 - own) * (1.0 - out->rings[r].score * att);
        } else {
            out->risk[a] = own;
        }
        out->flagged[a] = out->risk[a] >= p->threshold;
    }
    /* A ring lists the community's flagged accounts; one with fewer than
     * two is not a ring. */
    uint32_t *listed = xcalloc(out->nrings ? out->nrings : 1, sizeof *listed);
    for (uint32_t a = 0; a < na; a++)
        if (comm[a] >= 0 && ring_idx[comm[a]] >= 0 && out->flagged[a])
            listed[ring_idx[comm[a]]]++;
    {
        size_t kept = 0;
        int32_t *renum = xreallocarray(NULL, out->nrings ? out->nrings : 1, sizeof *renum);
        for (size_t r = 0; r < out->nrings; r++) {
            renum[r] = listed[r] >= 2 ? (int32_t)kept : -1;
            if (listed[r] >= 2)
                out->rings[kept++] = out->rings[r];
        }
        for (size_t cc = 0; cc < nc; cc++)
            if (ring_idx[cc] >= 0)
                ring_idx[cc] = renum[ring_idx[cc]];
        out->nrings = kept;
        free(renum);
    }
    free(listed);
    /* Members. */
    for (uint32_t a = 0; a < na; a++) {
        out->ring_of[a] = comm[a] >= 0 && out->flagged[a] ? ring_idx[comm[a]] : -1;
        if (out->ring_of[a] < 0)
            continue;
        ring *rg = &out->rings[out->ring_of[a]];
        if (g->acct[a].role == ROLE_CLIENT) {
            rg->shills = xreallocarray(rg->shills, rg->nshills + 1, sizeof *rg->shills);
            rg->shills[rg->nshills++] = a;
        } else {
            rg->members = xreallocarray(rg->members, rg->nmembers + 1, sizeof *rg->members);
            rg->members[rg->nmembers++] = a;
        }
        for (size_t i = g->login_off[a]; i < g->login_off[a + 1]; i++) {
            int64_t ts = g->logins.v[i].ts;
            if (ts < rg->first_seen)
                rg->first_seen = ts;
            if (ts > rg->last_seen)
                rg->last_seen = ts;
        }
        flag(&out->flags[a], FLAG_RING_MEMBER, 1);
    }
    sort_graph = g;
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        if (rg->nmembers)
            qsort(rg->members, rg->nmembers, sizeof *rg->members, acct_label_cmp);
        if (rg->nshills)
            qsort(rg->shills, rg->nshills, sizeof *rg->shills, acct_label_cmp);
    }
    /* Rank rings, then renumber ring_of to the ranked order. */
    if (out->nrings) {
        uint32_t *order = xreallocarray(NULL, out->nrings, sizeof *order);
        for (size_t r = 0; r < out->nrings; r++)
            order[r] = (uint32_t)r;
        sort_rings = out->rings;
        qsort(order, out->nrings, sizeof *order, ring_order_cmp);
        ring *ranked = xreallocarray(NULL, out->nrings, sizeof *ranked);
        int32_t *new_of_old = xreallocarray(NULL, out->nrings, sizeof *new_of_old);
        for (size_t r = 0; r < out->nrings; r++) {
            ranked[r] = out->rings[order[r]];
            new_of_old[order[r]] = (int32_t)r;
            snprintf(ranked[r].id, sizeof ranked[r].id, "R%04u", (unsigned)(r + 1));
        }
        memcpy(out->rings, ranked, out->nrings * sizeof *ranked);
        for (uint32_t a = 0; a < na; a++)
            if (out->ring_of[a] >= 0)
                out->ring_of[a] = new_of_old[out->ring_of[a]];
        free(new_of_old);
        free(ranked);
        free(order);
    }
    /* Evidence: resources shared inside each ring, and flag counts. */
    for (size_t r = 0; r < out->nrings; r++) {
        ring *rg = &out->rings[r];
        size_t cap = 0;
        ring_resources(rg, &ips, NODE_IP, out->ring_of, (int32_t)r, &cap);
        ring_resources(rg, &devs, NODE_DEVICE, out->ring_of, (int32_t)r, &cap);
        ring_resources(rg, &dests, NODE_DEST, out->ring_of, (int32_t)r, &cap);
        if (rg->nres)
            qsort(rg->res, rg->nres, sizeof *rg->res, res_cmp);
    }
    for (uint32_t a = 0; a < na; a++) {
        int32_t r = out->ring_of[a];
        if (r < 0)
            continue;
        for (int k = 0; k < FLAG_COUNT; k++)
            if (out->flags[a].bits & (1u << k))
                out->rings[r].flag_counts[k]++;
    }
    free(attach);
    free(attach_ip);
    free(cw);
    free(cwa);
    free(csum);
    free(csize);
    free(ring_idx);
    out->seconds_scoring = elapsed(&t0);

cleanup:
    res_index_free(&ips);
    res_index_free(&devs);
    res_index_free(&dests);
    free(links);
    free(comm);
    return rc;
}

void detect_result_free(detect_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrings; i++) {
        free(r->rings[i].members);
        free(r->rings[i].shills);
        free(r->rings[i].res);
    }
    free(r->rings);
    free(r->flags);
    free(r->risk);
    free(r->corroboration);
    free(r->ring_of);
    free(r->flagged);
    memset(r, 0, sizeof *r);
}
