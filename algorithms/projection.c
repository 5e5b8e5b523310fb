/* projection.c - the account-account projection; see projection.h.
 *
 * No table of pairs is kept. The IP pass records, for each IP that makes
 * pairs, which of its users were there at the same hours (one bit a pair of
 * users) and what kind of line it is; devices and destinations are read from
 * their resource indexes; projection_add records explicit contributions
 * (identity, behaviour). Each source is inverted once (account -> the
 * resources of it that make pairs, ascending). Links are then summed one
 * account a at a time over the pairs (a, b > a), in the order the sources were
 * given, in a dense accumulator: the same additions in the same order as a
 * table of pairs would make, so the same weights, with memory for one
 * account's neighbours instead of every pair. Ties are answered from the same
 * lists when asked. */
#include "algorithms/projection.h"

#include "algorithms/evrule.h"
#include "algorithms/loginflags.h"

#include "algorithms/rules.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "base/hash.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One explicit contribution (projection_add), a <= b. */
typedef struct {
    uint32_t a, b;
    double w, wa, wi;
    int tie;
} pair_add;

/* An IP that makes pairs (projection_ips). */
enum { IPK_ANON = 1, IPK_SMALL = 2, IPK_FARM = 4 };
/* Per user of such an IP: it lives on the line (FARM_LINE), it runs remote-desktop
 * software. */
enum { IPM_LINE = 1, IPM_REMOTE = 2 };

typedef struct {
    uint32_t ip;
    uint32_t kind; /* IPK_* */
    uint64_t conc; /* its deg x deg concurrency bits start here in projection.bits */
    size_t mflags; /* its users' IPM_* start here in projection.mfl */
} ip_rec;

enum { SRC_IPS, SRC_RES, SRC_ADDS };

/* One source of pair contributions, in the order they were given. */
typedef struct {
    int kind;
    const res_index *ix; /* SRC_IPS, SRC_RES */
    double w, expo;      /* SRC_RES: w / (deg - 1)^expo a pair */
    size_t lo, hi;       /* SRC_ADDS: its range of projection.adds */
    uint32_t na;         /* SRC_IPS, SRC_RES: accounts below na have lists */
    uint32_t *aoff;      /* account -> its pair-making resources (ip_rec indexes */
    uint32_t *ares;      /* for SRC_IPS, resource ids for SRC_RES), ascending */
} pm_source;

struct projection {
    pm_source *src;
    size_t nsrc, srccap;
    pair_add *adds;
    size_t nadds, addcap;
    uint64_t *ties; /* open-addressing set of the explicit tied pairs, (a << 32 | b) + 1 */
    size_t nties, tiecap;
    ip_rec *ipr;
    size_t nipr, iprcap;
    uint8_t *bits; /* concurrency bits of every ip_rec */
    uint64_t nbits;
    size_t bitcap;
    uint8_t *mfl; /* IPM_* of every ip_rec's users */
    size_t nmfl, mflcap;
    uint32_t na; /* one more than the largest account seen */
    /* the IP weights' parameters (projection_ips) */
    double w_ip, w_device, expo_ip, far_apart, anon_factor;
    uint32_t small_degree;
};

projection *projection_new(void)
{
    return xcalloc(1, sizeof(projection));
}

void projection_free(projection *pm)
{
    if (!pm)
        return;
    for (size_t i = 0; i < pm->nsrc; i++) {
        free(pm->src[i].aoff);
        free(pm->src[i].ares);
    }
    free(pm->src);
    free(pm->adds);
    free(pm->ties);
    free(pm->ipr);
    free(pm->bits);
    free(pm->mfl);
    free(pm);
}

static uint64_t pair_key(uint32_t a, uint32_t b)
{
    return ((uint64_t)a << 32 | b) + 1;
}

static void tie_insert(projection *pm, uint64_t key);

static void tie_grow(projection *pm)
{
    uint64_t *old = pm->ties;
    size_t ocap = pm->tiecap;
    pm->tiecap = ocap ? ocap * 2 : 64;
    pm->ties = xcalloc(pm->tiecap, sizeof *pm->ties);
    pm->nties = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i])
            tie_insert(pm, old[i]);
    free(old);
}

static void tie_insert(projection *pm, uint64_t key)
{
    if ((pm->nties + 1) * 2 > pm->tiecap)
        tie_grow(pm);
    size_t i = (size_t)hash_mix64(key) & (pm->tiecap - 1);
    while (pm->ties[i] && pm->ties[i] != key)
        i = (i + 1) & (pm->tiecap - 1);
    if (!pm->ties[i]) {
        pm->ties[i] = key;
        pm->nties++;
    }
}

static int tie_has(const projection *pm, uint64_t key)
{
    if (!pm->tiecap)
        return 0;
    size_t i = (size_t)hash_mix64(key) & (pm->tiecap - 1);
    while (pm->ties[i] && pm->ties[i] != key)
        i = (i + 1) & (pm->tiecap - 1);
    return pm->ties[i] != 0;
}

static void note_account(projection *pm, uint32_t a)
{
    if (a >= pm->na)
        pm->na = a + 1;
}

void projection_add(projection *pm, uint32_t a, uint32_t b, double w, double wa, double wi, int tie)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    note_account(pm, b);
    ALLOC_GROW(pm->adds, pm->addcap, pm->nadds + 1);
    pm->adds[pm->nadds++] = (pair_add){a, b, w, wa, wi, tie};
    if (tie)
        tie_insert(pm, pair_key(a, b));
    /* Consecutive adds are one source. */
    if (pm->nsrc && pm->src[pm->nsrc - 1].kind == SRC_ADDS) {
        pm->src[pm->nsrc - 1].hi = pm->nadds;
        return;
    }
    ALLOC_GROW(pm->src, pm->srccap, pm->nsrc + 1);
    pm->src[pm->nsrc++] =
        (pm_source){SRC_ADDS, NULL, 0, 0, pm->nadds - 1, pm->nadds, 0, NULL, NULL};
}

/* Appends a source of resources and inverts it: res[0..n) (ascending) are the resources
 * that make pairs, with their users in ix's runs. */
static void add_source(projection *pm, pm_source s, const uint32_t *res, const uint32_t *run,
                       size_t n)
{
    const res_index *ix = s.ix;
    uint32_t na = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t r = run[k];
        if (ix->off[r + 1] > ix->off[r] && ix->acct[ix->off[r + 1] - 1] >= na)
            na = ix->acct[ix->off[r + 1] - 1] + 1; /* runs are ascending */
    }
    s.na = na;
    s.aoff = xcalloc((size_t)na + 1, sizeof *s.aoff);
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        for (uint32_t i = ix->off[run[k]]; i < ix->off[run[k] + 1]; i++)
            s.aoff[ix->acct[i] + 1]++;
    for (uint32_t a = 0; a < na; a++)
        s.aoff[a + 1] += s.aoff[a];
    total = s.aoff[na];
    s.ares = xreallocarray(NULL, total ? total : 1, sizeof *s.ares);
    uint32_t *at = xreallocarray(NULL, (size_t)na + 1, sizeof *at);
    memcpy(at, s.aoff, ((size_t)na + 1) * sizeof *at);
    for (size_t k = 0; k < n; k++)
        for (uint32_t i = ix->off[run[k]]; i < ix->off[run[k] + 1]; i++)
            s.ares[at[ix->acct[i]]++] = res[k];
    free(at);
    note_account(pm, na ? na - 1 : 0);
    ALLOC_GROW(pm->src, pm->srccap, pm->nsrc + 1);
    pm->src[pm->nsrc++] = s;
}

/* Whether users x < y of IP record q were there at the same hours. */
static int ip_conc(const projection *pm, const ip_rec *q, uint32_t deg, uint32_t x, uint32_t y)
{
    uint64_t bit = q->conc + (uint64_t)x * deg + y;
    return pm->bits[bit / 8] >> (bit % 8) & 1;
}

/* A login on a shared IP. The account is held as its position among the IP's users
 * in the index (ascending by account id, so the order is the account order): the
 * sliding window of ip_one compares every login with those before it, and looking
 * each of them up there cost a binary search a pair. */
typedef struct {
    uint32_t ip, pos;
    int64_t ts;
} ip_login;

static int ip_login_cmp(const void *pa, const void *pb)
{
    const ip_login *a = pa, *b = pb;
    if (a->ip != b->ip)
        return a->ip < b->ip ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
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
 * counted for the members either. When it does, *pos is its account's position
 * among the IP's users. */
static int ip_login_counts(const detect_params *p, const res_index *ips, const login_ev *e,
                           uint32_t *pos)
{
    uint32_t deg = resindex_degree(ips, e->ip);
    if (!rules_shared_ip_degree(p, deg))
        return 0;
    size_t lo = ips->off[e->ip], hi = lo + deg;
    size_t k = resindex_member_pos(ips->acct, lo, hi, e->account);
    *pos = (uint32_t)(k - lo);
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
        uint32_t pos;
        if (e->ip >= ip0 && e->ip < ip1 && ip_login_counts(p, ips, e, &pos))
            s->v[s->cnt[e->ip]++] = (ip_login){e->ip, pos, e->ts};
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

/* Records IP ip of deg accounts (at most cap_ip) for its pairs, weighted as
 * projection_ips describes, from its concurrency matrix: what kind of line it
 * is, its users' part in a farm, and which pairs were there at the same hours. */
static void ip_record(projection *pm, const ip_work *w, uint32_t ip, uint32_t deg)
{
    const detect_params *p = w->p;
    const uint32_t *acct = w->ips->acct + w->ips->off[ip];
    const acct_flags *fl = w->fl;
    int anon = rules_anon_ip(p, &w->g->ip[ip]);
    /* A laptop farm's line binds the farm's accounts like a shared device: those
     * running remote-desktop software there, and those living on it (FARM_LINE). */
    uint32_t nremote = 0;
    for (uint32_t k = 0; k < deg; k++)
        nremote += fl[acct[k]].remote_device;
    int farm = !anon && w->ip_rem && w->ip_rem[ip] && rules_farm_line(deg, nremote);
    /* A small anonymising address: perhaps one operator's own server. */
    int small = anon && deg <= (uint32_t)p->anon_ip_small_degree;
    ALLOC_GROW(pm->ipr, pm->iprcap, pm->nipr + 1);
    pm->ipr[pm->nipr++] =
        (ip_rec){ip, (anon ? IPK_ANON : 0) | (small ? IPK_SMALL : 0) | (farm ? IPK_FARM : 0),
                 pm->nbits, pm->nmfl};
    ALLOC_GROW(pm->mfl, pm->mflcap, pm->nmfl + deg);
    for (uint32_t k = 0; k < deg; k++)
        pm->mfl[pm->nmfl++] = (uint8_t)((fl[acct[k]].farm_line == ip + 1 ? IPM_LINE : 0) |
                                        (fl[acct[k]].remote_device ? IPM_REMOTE : 0));
    uint64_t nb = pm->nbits + (uint64_t)deg * deg;
    size_t had = pm->bitcap;
    ALLOC_GROW(pm->bits, pm->bitcap, (size_t)(nb / 8 + 1));
    memset(pm->bits + had, 0, pm->bitcap - had);
    for (uint32_t x = 0; x < deg; x++)
        for (uint32_t y = x + 1; y < deg; y++)
            if (w->conc[x * deg + y]) {
                uint64_t bit = pm->nbits + (uint64_t)x * deg + y;
                pm->bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
    pm->nbits = nb;
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
        size_t ai = v[i].pos;
        for (size_t j = start; j < i; j++) {
            if (v[j].pos == v[i].pos)
                continue;
            size_t aj = v[j].pos;
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
        ip_record(pm, w, ip, deg);
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
        uint32_t pos;
        if (ip_login_counts(p, ips, &g->logins.v[i], &pos)) {
            sl.cnt[g->logins.v[i].ip]++;
            total++;
        }
    }
    size_t slice = total / 4 + 1;
    if (slice < IP_SLICE_MIN)
        slice = IP_SLICE_MIN;
    uint8_t *ip_rem = loginflags_remote_ips(g, p);
    pm->w_ip = p->w_ip;
    pm->w_device = p->w_device;
    pm->expo_ip = p->degree_exponent;
    pm->far_apart = p->far_apart_factor;
    pm->anon_factor = p->anon_ip_factor;
    pm->small_degree = (uint32_t)p->anon_ip_small_degree;
    size_t rec0 = pm->nipr;
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
    /* The IPs recorded here, as a source of pairs. */
    size_t n = pm->nipr - rec0;
    uint32_t *res = xreallocarray(NULL, n ? n : 1, sizeof *res);
    uint32_t *run = xreallocarray(NULL, n ? n : 1, sizeof *run);
    for (size_t k = 0; k < n; k++) {
        res[k] = (uint32_t)(rec0 + k);
        run[k] = pm->ipr[rec0 + k].ip;
    }
    add_source(pm, (pm_source){SRC_IPS, ips, 0, 0, 0, 0, 0, NULL, NULL}, res, run, n);
    free(res);
    free(run);
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
    uint32_t *res = NULL;
    size_t n = 0, rcap = 0;
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = resindex_degree(ix, r);
        if (deg < 2)
            continue;
        if (deg > (uint32_t)cap) {
            (*capped)++;
            continue;
        }
        ALLOC_GROW(res, rcap, n + 1);
        res[n++] = r;
    }
    add_source(pm, (pm_source){SRC_RES, ix, w, expo, 0, 0, 0, NULL, NULL}, res, res, n);
    free(res);
}

/* One account's pairs being summed: per other account b, as a table of pairs
 * would hold them. */
typedef struct {
    double w;       /* from devices, destinations and ordinary IPs */
    double wa;      /* from anonymising IPs, capped per pair when read */
    double wi;      /* the part of w from (ordinary) IPs */
    double wv;      /* from small anonymising addresses used at the same hours (see
                       projection_links: a private server) */
    uint32_t nanon; /* anonymising addresses the two share */
    uint8_t tie;    /* the two share a device, a payment destination, or an ordinary IP at
                       the same hours: infrastructure, not behaviour */
    uint8_t seen;
} pair_sum;

typedef struct {
    pair_sum *v;       /* per account b */
    uint32_t *touched; /* the b of this account's pairs */
    size_t nt;
    uint32_t *add_off, *add_idx; /* account a -> its explicit adds (a <= b), in order */
} pair_pass;

static pair_sum *sum_of(pair_pass *ps, uint32_t b)
{
    pair_sum *s = &ps->v[b];
    if (!s->seen) {
        s->seen = 1;
        ps->touched[ps->nt++] = b;
    }
    return s;
}

static void sum_add(pair_pass *ps, uint32_t b, double w, double wa, double wi, int tie)
{
    pair_sum *s = sum_of(ps, b);
    s->w += w;
    s->wa += wa;
    s->wi += wi;
    s->tie |= (uint8_t)(tie != 0);
}

/* The pairs (a, b > a) of a's IPs in source s. */
static void pass_ips(const projection *pm, const pm_source *s, pair_pass *ps, uint32_t a)
{
    for (uint32_t k = s->aoff[a]; k < s->aoff[a + 1]; k++) {
        const ip_rec *q = &pm->ipr[s->ares[k]];
        uint32_t deg = resindex_degree(s->ix, q->ip);
        size_t moff = s->ix->off[q->ip];
        const uint32_t *acct = s->ix->acct + moff;
        const uint8_t *mf = pm->mfl + q->mflags;
        uint32_t x = (uint32_t)(resindex_member_pos(s->ix->acct, moff, moff + deg, a) - moff);
        int anon = (q->kind & IPK_ANON) != 0, small = (q->kind & IPK_SMALL) != 0;
        int farm = (q->kind & IPK_FARM) != 0;
        double share = pow(deg - 1.0, pm->expo_ip);
        double w_small = pm->w_ip / share, base = w_small;
        if (anon && deg > pm->small_degree)
            base *= pm->anon_factor; /* VPN exits: strangers, not a team */
        double farm_base = pm->w_device / share;
        for (uint32_t y = x + 1; y < deg; y++) {
            int conc = ip_conc(pm, q, deg, x, y);
            double conc_f = conc ? 1.0 : pm->far_apart;
            int lines = (mf[x] & IPM_LINE) && (mf[y] & IPM_LINE);
            if (lines || (farm && (mf[x] & IPM_REMOTE) && (mf[y] & IPM_REMOTE))) {
                sum_add(ps, acct[y], farm_base * conc_f, 0, 0, conc);
                continue;
            }
            double wt = base * conc_f;
            sum_add(ps, acct[y], anon ? 0 : wt, anon ? wt : 0, anon ? 0 : wt, !anon && conc);
            if (anon) {
                pair_sum *ss = &ps->v[acct[y]];
                ss->wv += small && conc ? w_small : 0;
                ss->nanon += 1;
            }
        }
    }
}

/* The pairs (a, b > a) of a's devices or destinations in source s. */
static void pass_res(const pm_source *s, pair_pass *ps, uint32_t a)
{
    for (uint32_t k = s->aoff[a]; k < s->aoff[a + 1]; k++) {
        uint32_t r = s->ares[k], deg = resindex_degree(s->ix, r);
        size_t moff = s->ix->off[r];
        const uint32_t *acct = s->ix->acct + moff;
        double base = s->w / pow(deg - 1.0, s->expo);
        uint32_t x = (uint32_t)(resindex_member_pos(s->ix->acct, moff, moff + deg, a) - moff);
        for (uint32_t y = x + 1; y < deg; y++)
            sum_add(ps, acct[y], base, 0, 0, 1);
    }
}

/* Called for each pair (a, b) of the projection, b ascending for each a ascending. */
typedef void (*pair_fn)(void *ctx, uint32_t a, uint32_t b, const pair_sum *s);

/* Sums every pair, one account at a time, and hands each to fn. Returns the number of
 * distinct pairs. */
static uint64_t pass_all(const projection *pm, pair_fn fn, void *ctx)
{
    uint32_t na = pm->na;
    if (!na)
        return 0;
    pair_pass ps = {xcalloc(na, sizeof *ps.v), xreallocarray(NULL, na, sizeof *ps.touched), 0,
                    xcalloc((size_t)na + 1, sizeof *ps.add_off),
                    xreallocarray(NULL, pm->nadds ? pm->nadds : 1, sizeof *ps.add_idx)};
    for (size_t i = 0; i < pm->nadds; i++)
        ps.add_off[pm->adds[i].a + 1]++;
    for (uint32_t a = 0; a < na; a++)
        ps.add_off[a + 1] += ps.add_off[a];
    /* Each account's adds in the order they came. */
    uint32_t *at = xreallocarray(NULL, (size_t)na + 1, sizeof *at);
    memcpy(at, ps.add_off, ((size_t)na + 1) * sizeof *at);
    for (size_t i = 0; i < pm->nadds; i++)
        ps.add_idx[at[pm->adds[i].a]++] = (uint32_t)i;
    free(at);
    uint64_t npairs = 0;
    for (uint32_t a = 0; a < na; a++) {
        uint32_t ka = ps.add_off[a];
        for (size_t si = 0; si < pm->nsrc; si++) {
            const pm_source *s = &pm->src[si];
            if (s->kind == SRC_ADDS) {
                for (; ka < ps.add_off[a + 1] && ps.add_idx[ka] < s->hi; ka++) {
                    const pair_add *d = &pm->adds[ps.add_idx[ka]];
                    sum_add(&ps, d->b, d->w, d->wa, d->wi, d->tie);
                }
            } else if (a < s->na) {
                if (s->kind == SRC_IPS)
                    pass_ips(pm, s, &ps, a);
                else
                    pass_res(s, &ps, a);
            }
        }
        if (!ps.nt)
            continue;
        qsort(ps.touched, ps.nt, sizeof *ps.touched, cmp_u32);
        npairs += ps.nt;
        for (size_t k = 0; k < ps.nt; k++) {
            pair_sum *s = &ps.v[ps.touched[k]];
            if (fn)
                fn(ctx, a, ps.touched[k], s);
            memset(s, 0, sizeof *s);
        }
        ps.nt = 0;
    }
    free(ps.v);
    free(ps.touched);
    free(ps.add_off);
    free(ps.add_idx);
    return npairs;
}

uint64_t projection_pairs(const projection *pm)
{
    return pass_all(pm, NULL, NULL);
}

/* Whether b uses resource r of source s; its position in *y. */
static int uses(const pm_source *s, uint32_t r, uint32_t b, uint32_t *y)
{
    size_t moff = s->ix->off[r], hi = s->ix->off[r + 1];
    size_t pos = resindex_member_pos(s->ix->acct, moff, hi, b);
    *y = (uint32_t)(pos - moff);
    return pos < hi && s->ix->acct[pos] == b;
}

int projection_tied(const projection *pm, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if (a == b)
        return 0;
    if (tie_has(pm, pair_key(a, b)))
        return 1;
    for (size_t si = 0; si < pm->nsrc; si++) {
        const pm_source *s = &pm->src[si];
        if (s->kind == SRC_ADDS || a >= s->na)
            continue;
        for (uint32_t k = s->aoff[a]; k < s->aoff[a + 1]; k++) {
            uint32_t x, y;
            if (s->kind == SRC_RES) {
                if (uses(s, s->ares[k], b, &y))
                    return 1;
                continue;
            }
            const ip_rec *q = &pm->ipr[s->ares[k]];
            if (!uses(s, q->ip, b, &y))
                continue;
            uses(s, q->ip, a, &x);
            uint32_t deg = resindex_degree(s->ix, q->ip);
            const uint8_t *mf = pm->mfl + q->mflags;
            int lines = (mf[x] & IPM_LINE) && (mf[y] & IPM_LINE);
            int farm = (q->kind & IPK_FARM) && (mf[x] & IPM_REMOTE) && (mf[y] & IPM_REMOTE);
            if ((lines || farm || !(q->kind & IPK_ANON)) && ip_conc(pm, q, deg, x, y))
                return 1;
        }
    }
    return 0;
}

/* Deception beyond anonymity: location, remote access, money, self-dealing. */
static int deceives_beyond_anonymity(const acct_flags *f)
{
    return (flags_deception(f) & ~(uint32_t)DECEPTION_ANONYMITY) != 0;
}

typedef struct {
    const detect_params *p;
    const acct_flags *fl;
    double min_w;
    proj_link *links;
    size_t nl, lcap;
} links_ctx;

static void link_pair(void *vctx, uint32_t a, uint32_t b, const pair_sum *s)
{
    links_ctx *c = vctx;
    /* Many VPN exits in common say no more than one server in common. */
    double wa = s->wa < c->p->anon_pair_cap ? s->wa : c->p->anon_pair_cap;
    /* A private server: the only anonymising address two accounts share, used by
     * few accounts, at the same hours, by two accounts that both deceive beyond
     * anonymity (say, personas claiming the US run from a line in China). Commercial
     * VPN users share many exits, or none at the same hours; a company's cloud
     * desktop serves employees who log in from where they say they are. It binds
     * like an ordinary IP, weakly. */
    double wv = 0;
    if (c->fl && s->nanon == 1 && deceives_beyond_anonymity(&c->fl[a]) &&
        deceives_beyond_anonymity(&c->fl[b]))
        wv = s->wv;
    double w = s->w + wa + wv;
    if (w < c->min_w)
        return;
    ALLOC_GROW(c->links, c->lcap, c->nl + 1);
    c->links[c->nl++] = (proj_link){a, b, w, wa, s->wi + wv};
}

size_t projection_links_counted(const projection *pm, const detect_params *p, const acct_flags *fl,
                                double min_w, proj_link **out, uint64_t *pairs)
{
    links_ctx c = {p, fl, min_w, NULL, 0, 0};
    uint64_t n = pass_all(pm, link_pair, &c);
    if (pairs)
        *pairs = n;
    *out = c.links;
    return c.nl;
}

size_t projection_links(const projection *pm, const detect_params *p, const acct_flags *fl,
                        double min_w, proj_link **out)
{
    return projection_links_counted(pm, p, fl, min_w, out, NULL);
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
