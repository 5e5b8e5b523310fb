/* projection.c - the account-account projection; see projection.h. */
#include "algorithms/projection.h"

#include "algorithms/evrule.h"
#include "algorithms/loginflags.h"

#include "algorithms/rules.h"
#include "base/alloc.h"
#include "base/hash.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t key;   /* (a << 32 | b) + 1, a < b; 0 = empty slot */
    double w;       /* from devices, destinations and ordinary IPs */
    double wa;      /* from anonymising IPs, capped per pair when read */
    double wi;      /* the part of w from (ordinary) IPs */
    double wv;      /* from small anonymising addresses used at the same hours (see
                       projection_links: a private server) */
    uint32_t nanon; /* anonymising addresses the two share */
    int tie;        /* the two share a device, a payment destination, or an ordinary IP at
                       the same hours: infrastructure, not behaviour */
} pair_slot;

struct projection {
    pair_slot *s;
    size_t n, cap; /* cap is a power of two */
};

static pair_slot *pair_slot_of(projection *pm, uint32_t a, uint32_t b);

/* Records that a and b share n more anonymising addresses and, for a small one used at
 * the same hours, its weight wv. The pair exists (projection_add came first). */
static void pair_note_anon(projection *pm, uint32_t a, uint32_t b, double wv, uint32_t n)
{
    pair_slot *ps = pair_slot_of(pm, a, b);
    ps->wv += wv;
    ps->nanon += n;
}

static void pair_grow(projection *pm)
{
    projection old = *pm;
    pm->cap = old.cap ? old.cap * 2 : 1024;
    pm->s = xcalloc(pm->cap, sizeof *pm->s);
    pm->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.s[i].key)
            projection_add(pm, (uint32_t)((old.s[i].key - 1) >> 32), (uint32_t)(old.s[i].key - 1),
                           old.s[i].w, old.s[i].wa, old.s[i].wi, old.s[i].tie);
    for (size_t i = 0; i < old.cap; i++)
        if (old.s[i].key && (old.s[i].wv > 0 || old.s[i].nanon))
            pair_note_anon(pm, (uint32_t)((old.s[i].key - 1) >> 32), (uint32_t)(old.s[i].key - 1),
                           old.s[i].wv, old.s[i].nanon);
    free(old.s);
}

void projection_add(projection *pm, uint32_t a, uint32_t b, double w, double wa, double wi, int tie)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    /* Load up to 3/4: the table is detect's largest allocation (48 bytes a
     * slot), linear probing stays short at that load, and links are sorted
     * afterwards, so the size leaves no trace in the result. */
    if ((pm->n + 1) * 4 > pm->cap * 3)
        pair_grow(pm);
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    size_t i = (size_t)hash_mix64(key) & (pm->cap - 1);
    while (pm->s[i].key && pm->s[i].key != key)
        i = (i + 1) & (pm->cap - 1);
    if (!pm->s[i].key) {
        pm->s[i].key = key;
        pm->n++;
    }
    pm->s[i].w += w;
    pm->s[i].wa += wa;
    pm->s[i].wi += wi;
    pm->s[i].tie |= tie;
}

projection *projection_new(void)
{
    return xcalloc(1, sizeof(projection));
}

void projection_free(projection *pm)
{
    if (!pm)
        return;
    free(pm->s);
    free(pm);
}

uint64_t projection_pairs(const projection *pm)
{
    return pm->n;
}

/* The slot of an existing pair (a, b). */
static pair_slot *pair_slot_of(projection *pm, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    size_t i = (size_t)hash_mix64(key) & (pm->cap - 1);
    while (pm->s[i].key != key)
        i = (i + 1) & (pm->cap - 1);
    return &pm->s[i];
}

int projection_tied(const projection *pm, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if (!pm->cap || a == b)
        return 0;
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    size_t i = (size_t)hash_mix64(key) & (pm->cap - 1);
    while (pm->s[i].key && pm->s[i].key != key)
        i = (i + 1) & (pm->cap - 1);
    return pm->s[i].key ? pm->s[i].tie : 0;
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

/* The logins of IPs that raise SHARED_IP and make pairs (two accounts or
 * more, not an address pool), a slice of the IP ids at a time: counted per
 * IP once (ids are dense), then for each slice one pass over the timeline
 * drops its logins into per-IP buckets, each sorted by (time, account). A
 * slice holds about a quarter of them (at least 2^20), so the copy costs a
 * quarter of the memory for three more sequential passes. Counts and places
 * are 32-bit: an IP's logins, like an edge's count, stay below 2^32. */
typedef struct {
    uint32_t *cnt; /* per IP: its logins here (0 for IPs left out); in a filled
                      slice, the end of its bucket */
    ip_login *v;   /* the current slice's logins */
    size_t cap;
} ip_slices;

#define IP_SLICE_MIN ((size_t)1 << 20)

/* Whether login e takes part in the IP pass: its IP raises SHARED_IP and makes
 * pairs, and its account is one of the IP's in the index. An account whose
 * use of the IP ended before it changed hands is not (resindex_build_since):
 * those logins are its owner's and tie it to nobody, and they must not be
 * counted for the members either. */
static int ip_login_counts(const detect_params *p, const res_index *ips, const login_ev *e)
{
    uint32_t deg = resindex_degree(ips, e->ip);
    if (!rules_shared_ip_degree(p, deg))
        return 0;
    size_t lo = ips->off[e->ip], hi = lo + deg;
    size_t k = resindex_member_pos(ips->acct, lo, hi, e->account);
    return k < hi && ips->acct[k] == e->account;
}

/* Fills s->v with the logins of IPs [ip0, ip1), in (ip, ts, account) order. */
static void ip_slice_fill(ip_slices *s, const rs_graph *g, const detect_params *p,
                          const res_index *ips, uint32_t ip0, uint32_t ip1)
{
    uint32_t o = 0; /* cnt: each IP's next place, then its end */
    for (uint32_t k = ip0; k < ip1; k++) {
        uint32_t c = s->cnt[k];
        s->cnt[k] = o;
        o += c;
    }
    for (size_t i = 0; i < g->logins.n; i++) {
        const login_ev *e = &g->logins.v[i];
        if (e->ip >= ip0 && e->ip < ip1 && ip_login_counts(p, ips, e))
            s->v[s->cnt[e->ip]++] = (ip_login){e->ip, e->account, e->ts};
    }
    uint32_t start = 0;
    for (uint32_t k = ip0; k < ip1; k++) {
        if (s->cnt[k] - start > 1)
            qsort(s->v + start, s->cnt[k] - start, sizeof *s->v, ip_login_cmp);
        start = s->cnt[k];
    }
}

/* Scratch for one IP at a time (projection_ips). */
typedef struct {
    const rs_graph *g;
    const detect_params *p;
    const res_index *ips;
    acct_flags *fl;
    const uint8_t *ip_rem; /* per IP: remote access observed on it (loginflags_remote_ips);
                            * NULL when on none */
    int64_t win, ov;
    size_t capn;
    uint8_t *conc; /* deg x deg concurrency matrix */
    size_t conc_cap;
    uint32_t *shared_cnt;
    size_t shared_cap;
} ip_work;

/* The pairs of one IP of deg accounts (at most cap_ip), weighted as
 * projection_ips describes, from its concurrency matrix. */
static void ip_pairs(projection *pm, const ip_work *w, uint32_t ip, uint32_t deg)
{
    const detect_params *p = w->p;
    const uint32_t *acct = w->ips->acct + w->ips->off[ip];
    const acct_flags *fl = w->fl;
    const uint8_t *conc = w->conc;
    int anon = rules_anon_ip(p, &w->g->ip[ip]);
    double share = pow(deg - 1.0, p->degree_exponent);
    double w_small = p->w_ip / share, base = w_small;
    if (anon && deg > (uint32_t)p->anon_ip_small_degree)
        base *= p->anon_ip_factor; /* VPN exits: strangers, not a team */
    /* A laptop farm's line binds the farm's accounts like a shared device: those
     * running remote-desktop software there, and those living on it (FARM_LINE). */
    uint32_t nremote = 0;
    for (uint32_t k = 0; k < deg; k++)
        nremote += fl[acct[k]].remote_device;
    int farm = !anon && w->ip_rem && w->ip_rem[ip] && rules_farm_line(deg, nremote);
    /* A small anonymising address: perhaps one operator's own server. */
    int small = anon && deg <= (uint32_t)p->anon_ip_small_degree;
    double farm_base = p->w_device / share;
    for (uint32_t x = 0; x < deg; x++) {
        for (uint32_t y = x + 1; y < deg; y++) {
            uint32_t ax = acct[x], ay = acct[y];
            double conc_f = conc[x * deg + y] ? 1.0 : p->far_apart_factor;
            int lines = fl[ax].farm_line == ip + 1 && fl[ay].farm_line == ip + 1;
            if (lines || (farm && fl[ax].remote_device && fl[ay].remote_device)) {
                projection_add(pm, ax, ay, farm_base * conc_f, 0, 0, conc[x * deg + y]);
                continue;
            }
            double wt = base * conc_f;
            projection_add(pm, ax, ay, anon ? 0 : wt, anon ? wt : 0, anon ? 0 : wt,
                           !anon && conc[x * deg + y]);
            if (anon)
                pair_note_anon(pm, ax, ay, small && conc[x * deg + y] ? w_small : 0, 1);
        }
    }
}

/* One IP's logins v[lo, hi), in (time, account) order, from an IP that
 * passes rules_shared_ip_degree (the slices hold no other): SHARED_IP on
 * every account present within shared_ip_window_h of another, and, below
 * the cap, its pairs. */
static void ip_one(projection *pm, ip_work *w, const ip_login *v, size_t lo, size_t hi)
{
    uint32_t ip = v[lo].ip;
    const res_index *ips = w->ips;
    uint32_t deg = resindex_degree(ips, ip);
    size_t moff = ips->off[ip];
    assert(rules_shared_ip_degree(w->p, deg));
    ALLOC_GROW(w->shared_cnt, w->shared_cap, deg);
    assert(w->shared_cnt && ips->acct);
    uint32_t *cnt = w->shared_cnt;
    memset(cnt, 0, deg * sizeof *cnt);
    int pairs = deg <= w->capn;
    if (pairs) {
        ALLOC_GROW(w->conc, w->conc_cap, (size_t)deg * deg);
        assert(w->conc);
        memset(w->conc, 0, (size_t)deg * deg);
    }
    size_t start = lo;
    int64_t maxw = w->win > w->ov ? w->win : w->ov;
    for (size_t i = lo; i < hi; i++) {
        while (v[i].ts - v[start].ts > maxw)
            start++;
        size_t ai = resindex_member_pos(ips->acct, moff, moff + deg, v[i].acct) - moff;
        for (size_t j = start; j < i; j++) {
            if (v[j].acct == v[i].acct)
                continue;
            size_t aj = resindex_member_pos(ips->acct, moff, moff + deg, v[j].acct) - moff;
            int64_t dt = v[i].ts - v[j].ts;
            if (dt <= w->win) {
                cnt[ai]++;
                cnt[aj]++;
            }
            if (pairs && dt <= w->ov)
                w->conc[ai * deg + aj] = w->conc[aj * deg + ai] = 1;
        }
    }
    for (uint32_t k = 0; k < deg; k++)
        if (cnt[k])
            flags_raise(&w->fl[ips->acct[moff + k]], FLAG_SHARED_IP, cnt[k]);
    if (pairs)
        ip_pairs(pm, w, ip, deg);
}

/* SHARED_IP and the IP part of the projection. Logins on shared IPs are
 * re-sorted by (ip, time); for each IP that is not a mass-shared pool, a
 * sliding window finds accounts present within shared_ip_window_h of each
 * other, and every pair of its accounts gets w_ip / (degree - 1)^exponent,
 * reduced to far_apart_factor of that when the two were never there in the
 * same window, and to anon_ip_factor on anonymising IPs shared by more than
 * anon_ip_small_degree accounts (commercial VPN exits). */
void projection_ips(projection *pm, const rs_graph *g, const detect_params *p, const res_index *ips,
                    acct_flags *fl, uint64_t *capped)
{
    /* Only logins on shared IPs: an IP one account uses raises no flag, makes
     * no pair and is below every cap; a pool's logins are not needed either. */
    uint32_t nip = graph_count(g, NODE_IP);
    ip_slices sl = {xcalloc((size_t)nip + 1, sizeof *sl.cnt), NULL, 0};
    size_t total = 0;
    for (size_t i = 0; i < g->logins.n; i++) {
        if (ip_login_counts(p, ips, &g->logins.v[i])) {
            sl.cnt[g->logins.v[i].ip]++;
            total++;
        }
    }
    size_t slice = total / 4 + 1;
    if (slice < IP_SLICE_MIN)
        slice = IP_SLICE_MIN;
    uint8_t *ip_rem = loginflags_remote_ips(g, p);
    ip_work w = {g,
                 p,
                 ips,
                 fl,
                 ip_rem,
                 (int64_t)(p->shared_ip_window_h * 3600e3),
                 (int64_t)(p->overlap_window_h * 3600e3),
                 (size_t)p->cap_ip,
                 NULL,
                 0,
                 NULL,
                 0};
    for (uint32_t ip0 = 0; ip0 < nip;) {
        /* Whole IPs up to the slice size; an IP larger than it alone. */
        uint32_t ip1 = ip0 + 1;
        size_t n = sl.cnt[ip0];
        while (ip1 < nip && n + sl.cnt[ip1] <= slice)
            n += sl.cnt[ip1++];
        if (n > sl.cap) {
            free(sl.v);
            sl.cap = n;
            sl.v = xreallocarray(NULL, n, sizeof *sl.v);
        }
        if (n)
            ip_slice_fill(&sl, g, p, ips, ip0, ip1);
        for (size_t lo = 0; lo < n;) {
            size_t hi = lo;
            while (hi < n && sl.v[hi].ip == sl.v[lo].ip)
                hi++;
            ip_one(pm, &w, sl.v, lo, hi);
            lo = hi;
        }
        ip0 = ip1;
    }
    /* Resources above the cap, counted as before the pools were left out:
     * every IP of more than cap_ip accounts. */
    for (uint32_t ip = 0; ip < nip; ip++) {
        uint32_t deg = resindex_degree(ips, ip);
        if (deg >= 2 && deg > w.capn)
            (*capped)++;
    }
    free(sl.cnt);
    free(sl.v);
    free(w.conc);
    free(w.shared_cnt);
    free(ip_rem);
}

/* Pairs from devices or destinations: w / (degree - 1)^exponent per pair, so
 * with exponent 1 each resource gives each of its accounts one unit of link
 * weight spread over its co-users (the resource-allocation index): a device
 * shared by 3 binds far more than an IP shared by 50. */
void projection_resources(projection *pm, const res_index *ix, double w, double cap, double expo,
                          uint64_t *capped)
{
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = resindex_degree(ix, r);
        if (deg < 2)
            continue;
        if (deg > (uint32_t)cap) {
            (*capped)++;
            continue;
        }
        double base = w / pow(deg - 1.0, expo);
        assert(ix->acct);
        const uint32_t *m = ix->acct + ix->off[r];
        for (uint32_t x = 0; x < deg; x++)
            for (uint32_t y = x + 1; y < deg; y++)
                projection_add(pm, m[x], m[y], base, 0, 0, 1);
    }
}

static int link_cmp(const void *pa, const void *pb)
{
    const proj_link *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return 0;
}

/* Deception beyond anonymity: location, remote access, money, self-dealing. */
static int deceives_beyond_anonymity(const acct_flags *f)
{
    return (flags_deception(f) & ~(uint32_t)DECEPTION_ANONYMITY) != 0;
}

size_t projection_links(const projection *pm, const detect_params *p, const acct_flags *fl,
                        double min_w, proj_link **out)
{
    proj_link *links = NULL;
    size_t nl = 0, lcap = 0;
    for (size_t i = 0; i < pm->cap; i++) {
        if (!pm->s[i].key)
            continue;
        /* Many VPN exits in common say no more than one server in common. */
        double wa = pm->s[i].wa < p->anon_pair_cap ? pm->s[i].wa : p->anon_pair_cap;
        uint64_t k = pm->s[i].key - 1;
        uint32_t a = (uint32_t)(k >> 32), b = (uint32_t)k;
        /* A private server: the only anonymising address two accounts share, used by
         * few accounts, at the same hours, by two accounts that both deceive beyond
         * anonymity (say, personas claiming the US run from a line in China). Commercial
         * VPN users share many exits, or none at the same hours; a company's cloud
         * desktop serves employees who log in from where they say they are. It binds
         * like an ordinary IP, weakly. */
        double wv = 0;
        if (fl && pm->s[i].nanon == 1 && deceives_beyond_anonymity(&fl[a]) &&
            deceives_beyond_anonymity(&fl[b]))
            wv = pm->s[i].wv;
        double w = pm->s[i].w + wa + wv;
        if (w < min_w)
            continue;
        ALLOC_GROW(links, lcap, nl + 1);
        links[nl++] = (proj_link){a, b, w, wa, pm->s[i].wi + wv};
    }
    if (nl)
        qsort(links, nl, sizeof *links, link_cmp); /* hash order is not an order */
    *out = links;
    return nl;
}

size_t projection_build(const rs_graph *g, const detect_params *p, proj_link **out)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    acct_flags *fl = xcalloc(na ? na : 1, sizeof *fl);
    res_index ips, devs, dests;
    projection *pm = projection_new();
    uint64_t capped = 0;
    resindex_build(&ips, g, NODE_IP);
    resindex_build(&devs, g, NODE_DEVICE);
    resindex_build(&dests, g, NODE_DEST);
    projection_ips(pm, g, p, &ips, fl, &capped);
    projection_resources(pm, &devs, p->w_device, p->cap_device, p->degree_exponent, &capped);
    projection_resources(pm, &dests, p->w_dest, p->cap_dest, p->degree_exponent, &capped);
    size_t nl = projection_links(pm, p, NULL, 0, out);
    projection_free(pm);
    free(fl);
    resindex_free(&ips);
    resindex_free(&devs);
    resindex_free(&dests);
    return nl;
}

/* SHARED_IP's evidence rule (evrule.h): two ring accounts' logins on an IP
 * that is not a mass-shared pool, within the concurrency window. */
int64_t projection_pairs_shared_ip(const evsel_view *v, uint32_t res)
{
    if (!rules_shared_ip_degree(v->p, v->ip_deg[res]))
        return -1;
    return (int64_t)(v->p->shared_ip_window_h * 3600000.0);
}
