/* projection.c - the account-account projection; see projection.h. */
#include "algorithms/projection.h"

#include "algorithms/rules.h"
#include "base/util.h"

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
    size_t i = (size_t)util_mix64(key) & (pm->cap - 1);
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
    size_t i = (size_t)util_mix64(key) & (pm->cap - 1);
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

/* The logins on IPs of two or more accounts, in (ip, ts, account) order:
 * counted into one bucket per IP (ids are dense), then each bucket sorted by
 * time, which costs a fraction of sorting them all at once. */
static size_t shared_logins_by_ip(const rs_graph *g, const res_index *ips, ip_login **out)
{
    uint32_t nip = graph_count(g, NODE_IP);
    size_t *start = xcalloc((size_t)nip + 2, sizeof *start);
    for (size_t i = 0; i < g->logins.n; i++) {
        uint32_t ip = g->logins.v[i].ip;
        if (resindex_degree(ips, ip) >= 2)
            start[ip + 2]++;
    }
    for (uint32_t k = 0; k < nip; k++)
        start[k + 2] += start[k + 1];
    size_t n = start[nip + 1];
    ip_login *v = xreallocarray(NULL, n ? n : 1, sizeof *v);
    /* start[ip + 1] is ip's next free place; afterwards the end of its bucket. */
    for (size_t i = 0; i < g->logins.n; i++) {
        const login_ev *e = &g->logins.v[i];
        if (resindex_degree(ips, e->ip) >= 2)
            v[start[e->ip + 1]++] = (ip_login){e->ip, e->account, e->ts};
    }
    for (uint32_t k = 0; k < nip; k++)
        if (start[k + 1] - start[k] > 1)
            qsort(v + start[k], start[k + 1] - start[k], sizeof *v, ip_login_cmp);
    free(start);
    *out = v;
    return n;
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
     * no pair and is below every cap. */
    ip_login *v;
    size_t n = shared_logins_by_ip(g, ips, &v);
    const int64_t win = (int64_t)(p->shared_ip_window_h * 3600e3);
    const int64_t ov = (int64_t)(p->overlap_window_h * 3600e3);
    size_t capn = (size_t)p->cap_ip;
    uint8_t *ip_rem = xcalloc((size_t)graph_count(g, NODE_IP) + 1, 1);
    for (size_t i = 0; i < g->ports.n; i++)
        if (g->ports.v[i].ip != GRAPH_NONE && rules_remote_port(p, g->ports.v[i].port))
            ip_rem[g->ports.v[i].ip] = 1;
    uint8_t *conc = NULL; /* deg x deg concurrency matrix */
    size_t conc_cap = 0;
    uint32_t *shared_cnt = NULL;
    size_t shared_cap = 0;
    for (size_t lo = 0; lo < n;) {
        size_t hi = lo;
        while (hi < n && v[hi].ip == v[lo].ip)
            hi++;
        uint32_t ip = v[lo].ip;
        uint32_t deg = resindex_degree(ips, ip);
        size_t moff = ips->off[ip];
        if (rules_shared_ip_degree(p, deg)) {
            UTIL_GROW(shared_cnt, shared_cap, deg);
            assert(shared_cnt && ips->acct);
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
                size_t ai = resindex_member_pos(ips->acct, moff, moff + deg, v[i].acct) - moff;
                for (size_t j = start; j < i; j++) {
                    if (v[j].acct == v[i].acct)
                        continue;
                    size_t aj = resindex_member_pos(ips->acct, moff, moff + deg, v[j].acct) - moff;
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
                    flags_raise(&fl[ips->acct[moff + k]], FLAG_SHARED_IP, shared_cnt[k]);
            if (pairs) {
                const ip_attr *ia = &g->ip[ip];
                int anon = rules_anon_ip(p, ia);
                double base = p->w_ip / pow(deg - 1.0, p->degree_exponent);
                if (anon && deg > (uint32_t)p->anon_ip_small_degree)
                    base *= p->anon_ip_factor; /* VPN exits: strangers, not a team */
                /* A laptop farm's line binds the farm's accounts like a shared device. */
                uint32_t nremote = 0;
                for (uint32_t k = 0; k < deg; k++)
                    nremote += fl[ips->acct[moff + k]].remote_device;
                int farm = !anon && ip_rem[ip] && rules_farm_line(deg, nremote);
                /* A small anonymising address: perhaps one operator's own server. */
                int small = anon && deg <= (uint32_t)p->anon_ip_small_degree;
                double w_small = p->w_ip / pow(deg - 1.0, p->degree_exponent);
                double farm_base = p->w_device / pow(deg - 1.0, p->degree_exponent);
                for (uint32_t x = 0; x < deg; x++) {
                    for (uint32_t y = x + 1; y < deg; y++) {
                        uint32_t ax = ips->acct[moff + x], ay = ips->acct[moff + y];
                        double conc_f = conc[x * deg + y] ? 1.0 : p->far_apart_factor;
                        if (farm && fl[ax].remote_device && fl[ay].remote_device) {
                            double w = farm_base * conc_f;
                            projection_add(pm, ax, ay, w, 0, 0, conc[x * deg + y]);
                            continue;
                        }
                        double w = base * conc_f;
                        projection_add(pm, ax, ay, anon ? 0 : w, anon ? w : 0, anon ? 0 : w,
                                       !anon && conc[x * deg + y]);
                        if (anon)
                            pair_note_anon(pm, ax, ay, small && conc[x * deg + y] ? w_small : 0, 1);
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
        UTIL_GROW(links, lcap, nl + 1);
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
