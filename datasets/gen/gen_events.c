/* gen_events.c - streams the event tables of the simulated marketplace; see gen_events.h.
 *
 * Phases, each drawing from its own random streams keyed by (seed, phase, account):
 *   1. accounts      one row per account;
 *   2. freelancers   logins, bids that were not accepted, payouts, remote-desktop
 *                    observations of their devices;
 *   3. clients       logins, and every hire: the accepted bid, the charges that pay it and
 *                    the rating that closes it (honest work for ring members included);
 *   4. rings         shill-client rating bursts, structured charges on a victim's card,
 *                    port observations of laptop farms and operator servers;
 *   5. infrastructure port observations of offices and VPN exits.
 * Rows are therefore grouped by account, and in time order within an account, but not
 * globally sorted; ringscan's ingest does not rely on order.
 *
 * Cost: O(rows) time, O(1) memory beyond the world and the output buffers.
 */
#include "datasets/gen/gen_events.h"

#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_ident.h"
#include "datasets/gen/gen_out.h"
#include "datasets/gen/gen_rng.h"
#include "datasets/gen/gen_scheme.h"

#define DAY 86400
#define HOUR 3600

enum { PH_ACCOUNTS = 1, PH_FREELANCER, PH_CLIENT, PH_RING, PH_INFRA, PH_PAYOUT, PH_BIDS };

/* A slot of the --ipdb --enrich cache: what the databases say about one address. */
typedef struct ev_geo_slot {
    uint32_t ip;
    int valid;
    gen_ipdb_info in;
} ev_geo_slot;
#define EV_GEO_SLOTS 256

typedef struct ev_ctx {
    gen_world *w;
    const gen_opts *o;
    gen_out *t[GEN_T_COUNT];
    uint32_t project_next;
    int64_t t_end; /* first second after the simulated period */
    /* Direct-mapped by address: an account's logins come together and mostly reuse a few
     * addresses, so this spares most database lookups. */
    ev_geo_slot geo[EV_GEO_SLOTS];
    char text[GEN_IDENT_TEXT_MAX]; /* --identity: the text column being written */
} ev_ctx;

/* Per-account login state, to record what the logins exhibit. */
typedef struct ev_track {
    int64_t last_end;
    const char *last_cc;
    int hop, long_session;
} ev_track;

static const char *const ev_table_names[GEN_T_COUNT] = {
    "accounts.csv", "logins.csv",  "bids.csv", "ratings.csv",
    "payouts.csv",  "charges.csv", "ports.csv"};

static const char *const ev_user_agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
};

const char *gen_events_table_name(int t)
{
    return t >= 0 && t < GEN_T_COUNT ? ev_table_names[t] : "?";
}

static const gen_geo_block *ev_blk(uint16_t b)
{
    return gen_geo_block_at(b);
}

static int ev_weekday(const ev_ctx *c, int64_t d)
{
    /* 1970-01-01 was a Thursday; 0 = Sunday. */
    int64_t z = c->o->start_day + d;
    int64_t wd = (z + 4) % 7;
    return (int)(wd < 0 ? wd + 7 : wd);
}

static int ev_is_weekend(const ev_ctx *c, int64_t d)
{
    int wd = ev_weekday(c, d);
    return wd == 0 || wd == 6;
}

/* Whether day d falls in the last eight days of a calendar quarter. */
static int ev_quarter_end(const ev_ctx *c, int64_t d)
{
    int y;
    unsigned m, dd;
    gen_out_civil_from_days(c->o->start_day + d, &y, &m, &dd);
    return (m % 3 == 0) && dd >= 23;
}

static void ev_id(gen_out *t, uint32_t pub)
{
    gen_out_id(t, 'u', pub, 8);
}

static void ev_acct_id(ev_ctx *c, gen_out *t, uint32_t i)
{
    ev_id(t, c->w->acct[i].pub);
}

static void ev_device(gen_out *t, uint64_t dev)
{
    gen_out_id(t, 'd', dev, 14);
}

static void ev_dest(gen_out *t, uint64_t dest)
{
    gen_out_id(t, 'p', dest, 14);
}

static uint32_t ev_project_bij(uint32_t x)
{
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    x *= 0x297a2d39u;
    x ^= x >> 15;
    return x;
}

static void ev_project(gen_out *t, uint32_t p)
{
    gen_out_id(t, 'j', ev_project_bij(p), 8);
}

/* A project a bid lost: ids from the upper half of the counter space, disjoint from hires. */
static uint32_t ev_lost_project(gen_rng *r)
{
    return 0x80000000u | (uint32_t)(gen_rng_next(r) & 0x7fffffffu);
}

static int64_t ev_clamp_ts(const ev_ctx *c, int64_t ts)
{
    if (ts < c->w->t0)
        return c->w->t0;
    if (ts >= c->t_end)
        return c->t_end - 1;
    return ts;
}

/* ---------------------------------------------------------------- logins */

static void ev_login(ev_ctx *c, ev_track *tr, uint32_t i, int64_t ts, uint32_t ip, uint16_t blk,
                     uint64_t dev, uint32_t secs)
{
    gen_out *t = c->t[GEN_T_LOGINS];
    const gen_geo_block *b = ev_blk(blk);
    ts = ev_clamp_ts(c, ts);
    if (tr) {
        /* Another country within six hours of the end of the previous session cannot be
         * reached by air; record the hop as exhibited. */
        if (tr->last_cc && strcmp(tr->last_cc, b->cc) != 0 && ts - tr->last_end < 6 * HOUR)
            tr->hop = 1;
        if (secs >= DAY)
            tr->long_session = 1;
        if (ts + (int64_t)secs > tr->last_end || strcmp(tr->last_cc ? tr->last_cc : "", b->cc) != 0)
            tr->last_end = ts + (int64_t)secs;
        tr->last_cc = b->cc;
    }
    gen_out_ts(t, ts);
    ev_acct_id(c, t, i);
    gen_out_ipv4(t, ip);
    ev_device(t, dev);
    gen_out_u64(t, secs);
    if (!c->o->no_user_agent)
        gen_out_quoted(t, ev_user_agents[dev % (sizeof ev_user_agents / sizeof ev_user_agents[0])]);
    if (c->o->enrich && c->w->ipdb) {
        /* What the databases ringscan reads say about the address. */
        ev_geo_slot *g = &c->geo[(ip * 2654435761u) >> 24];
        if (!g->valid || g->ip != ip) {
            gen_ipdb_describe(c->w->ipdb, ip, &g->in);
            g->ip = ip;
            g->valid = 1;
        }
        if (g->in.cc[0])
            gen_out_str(t, g->in.cc);
        else
            gen_out_empty(t);
        if (g->in.org) {
            gen_out_u64(t, g->in.asn);
            gen_out_quoted(t, g->in.org);
        } else {
            gen_out_empty(t);
            gen_out_empty(t);
        }
    } else if (c->o->enrich) {
        gen_out_str(t, b->cc);
        gen_out_u64(t, b->asn);
        gen_out_quoted(t, b->org);
    }
    gen_out_eol(t);
}

/* Home address of `key` (an account or a household) on day d: the ISP hands out a new
 * address from its pool every `rot` days. */
static uint32_t ev_home_ip(const ev_ctx *c, uint16_t blk, uint64_t key, int64_t d, unsigned rot)
{
    uint64_t phase = gen_rng_mix(key, 0x70686173ull) % rot;
    uint64_t epoch = (uint64_t)(d + (int64_t)phase) / rot;
    return gen_world_addr(c->w, blk, gen_rng_mix(c->o->seed ^ key, epoch + 0x686f6d65ull));
}

/* One of the pool's egress addresses of a mobile carrier block (carrier-grade NAT). */
static uint32_t ev_cgnat_ip(const ev_ctx *c, uint16_t blk, gen_rng *r)
{
    uint32_t k = gen_rng_below(r, c->o->cgnat_pool ? c->o->cgnat_pool : 1);
    return gen_world_addr(c->w, blk, gen_rng_mix(c->o->seed ^ 0x63676e6174ull, blk * 65536ull + k));
}

static uint32_t ev_vpn_exit(const ev_ctx *c, uint16_t blk, uint32_t k)
{
    return gen_world_addr(c->w, blk, gen_rng_mix(c->o->seed ^ 0x76706e65ull, blk * 65536ull + k));
}

/* Session length: lognormal around `median` seconds, within [lo, hi]. */
static uint32_t ev_duration(gen_rng *r, double median, double sigma, uint32_t lo, uint32_t hi)
{
    double v = gen_rng_lognormal(r, log(median), sigma);
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return (uint32_t)v;
}

static void ev_sort_starts(int64_t *s, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        int64_t v = s[i];
        uint32_t j = i;
        while (j > 0 && s[j - 1] > v) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = v;
    }
}

#define EV_MAX_SESS 8

/* Start times of a day's sessions, local working/waking hours [h0, h1) converted to UTC. */
static uint32_t ev_day_starts(const ev_ctx *c, gen_rng *r, int64_t d, int tz, double extra, int h0,
                              int h1, int64_t *s)
{
    uint32_t n = 1 + gen_rng_poisson(r, extra);
    if (n > EV_MAX_SESS)
        n = EV_MAX_SESS;
    int64_t base = c->w->t0 + d * DAY - (int64_t)tz * HOUR;
    for (uint32_t k = 0; k < n; k++)
        s[k] = base + (int64_t)h0 * HOUR + gen_rng_below(r, (uint32_t)(h1 - h0) * HOUR);
    ev_sort_starts(s, n);
    return n;
}

static void ev_track_finish(gen_acct *a, const ev_track *tr)
{
    if (tr->hop)
        a->behav |= GEN_BIT(GEN_B_GEO_HOP);
    else
        a->behav &= ~GEN_BIT(GEN_B_GEO_HOP);
    if (tr->long_session)
        a->behav |= GEN_BIT(GEN_B_LONG_SESSION);
    else
        a->behav &= ~GEN_BIT(GEN_B_LONG_SESSION);
}

/* Logins of a benign freelancer. */
static void ev_benign_logins(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    const gen_opts *o = c->o;
    const gen_group *g = a->group != GEN_NONE ? &w->groups[a->group] : NULL;
    const int tz = gen_geo_country_at(a->loc)->utc_offset;
    ev_track tr = {0, NULL, 0, 0};
    uint64_t home_key = a->pub;
    int hh_share = 0;
    if (a->pop == GEN_POP_HOUSEHOLD && g) {
        home_key = 0x686800000000ull + a->group;
        hh_share = gen_rng_mix(o->seed, home_key) % 1000 < (uint64_t)(o->household_device * 1000);
        a->behav |= GEN_BIT(GEN_B_HOUSEHOLD_IP);
    }
    if (a->pop == GEN_POP_SHARED_CONTROL && g) {
        home_key = 0x736300000000ull + a->group; /* one home, one person at the keyboard */
        a->behav |= GEN_BIT(GEN_B_SHARED_CONTROL);
    }
    uint16_t home_blk =
        ((a->pop == GEN_POP_HOUSEHOLD || a->pop == GEN_POP_SHARED_CONTROL) && g) ? g->blk : a->isp;
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)o->days; d++) {
        int weekend = ev_is_weekend(c, d);
        double p_active = a->pop == GEN_POP_HEAVY_BIDDER ? 0.9 : weekend ? 0.3 : 0.72;
        if (!gen_rng_chance(r, p_active))
            continue;
        int moved = 0;
        if (a->pop == GEN_POP_RELOCATOR) {
            if (d == a->trip)
                continue; /* moving day */
            moved = d > a->trip;
            if (moved)
                a->behav |= GEN_BIT(GEN_B_RELOCATED);
        }
        int abroad = 0;
        if (a->pop == GEN_POP_TRAVELLER) {
            int64_t s0 = a->trip, s1 = (int64_t)a->trip + a->triplen;
            if (d == s0 || d == s1)
                continue; /* travel days: in the air and airports */
            abroad = d > s0 && d < s1;
            if (abroad)
                a->behav |= GEN_BIT(GEN_B_TRAVEL);
        }
        int64_t st[EV_MAX_SESS];
        int ltz = (abroad || moved) ? gen_geo_country_at(a->peer)->utc_offset : tz;
        uint32_t ns = ev_day_starts(c, r, d, ltz, 0.6, 7, 22, st);
        int overnight = a->pop == GEN_POP_OVERNIGHT && gen_rng_chance(r, o->overnight_rate);
        for (uint32_t k = 0; k < ns; k++) {
            uint32_t secs = ev_duration(r, 2400, 0.9, 60, 6 * HOUR);
            uint64_t dev = gen_world_device(w, i, gen_rng_below(r, a->ndev));
            uint32_t ip = 0;
            uint16_t blk = home_blk;
            if (overnight && k + 1 == ns) {
                /* Left open overnight: starts in the evening, ends next morning. */
                st[k] = c->w->t0 + d * DAY - (int64_t)ltz * HOUR + 19 * HOUR +
                        gen_rng_below(r, 4 * HOUR);
                secs = gen_rng_range(r, 10 * HOUR, 20 * HOUR);
                a->behav |= GEN_BIT(GEN_B_OVERNIGHT_SESSION);
            }
            int local_hour = (int)(((st[k] + (int64_t)ltz * HOUR) % DAY + DAY) % DAY / HOUR);
            if (abroad) {
                /* Hotel or café networks in the destination country. */
                const char *dcc = gen_world_cc((int)a->peer);
                size_t nres = gen_geo_count_of(dcc, GEN_GEO_RES);
                blk = (uint16_t)gen_geo_find(dcc, GEN_GEO_RES, gen_rng_below(r, (uint32_t)nres));
                ip = gen_world_addr(c->w, blk, gen_rng_mix(a->pub, (uint64_t)d));
            } else if (a->pop == GEN_POP_CGNAT ||
                       gen_rng_chance(r, a->pop == GEN_POP_HOUSEHOLD ? o->mobile_share / 2
                                                                     : o->mobile_share)) {
                blk = a->mob;
                ip = ev_cgnat_ip(c, blk, r);
                if (a->pop == GEN_POP_CGNAT)
                    a->behav |= GEN_BIT(GEN_B_CGNAT);
            } else if ((a->pop == GEN_POP_OFFICE || a->pop == GEN_POP_AGENCY) && g && !weekend &&
                       local_hour >= 8 && local_hour < 18 && gen_rng_chance(r, 0.9)) {
                blk = g->blk;
                ip = g->ip;
                if (secs > 9 * HOUR)
                    secs = 9 * HOUR;
                a->behav |= GEN_BIT(GEN_B_OFFICE_NAT);
            } else if (moved) {
                /* The new home, in the new country; the claim was never updated. */
                blk = a->alt;
                ip = ev_home_ip(c, a->alt, a->pub ^ 0x6d6f7665ull, d, a->rot);
            } else if (a->pop == GEN_POP_CLOUD_DESKTOP && g && !weekend && local_hour >= 8 &&
                       local_hour < 19 && gen_rng_chance(r, 0.8)) {
                /* Work happens on the company's cloud desktop, reached over RDP: the
                 * marketplace sees the desktop's address in a hosting network. */
                blk = g->blk;
                ip = g->ip;
                a->behav |= GEN_BIT(GEN_B_CLOUD_DESKTOP) | GEN_BIT(GEN_B_ANON_NETWORK);
            } else if (a->pop == GEN_POP_COHORT && g && !weekend && d < g->day0 + 28 &&
                       local_hour >= 9 && local_hour < 17 && gen_rng_chance(r, 0.85)) {
                /* Four weeks of classes on the campus network. */
                blk = (uint16_t)g->blk;
                ip = g->ip;
                a->behav |= GEN_BIT(GEN_B_COHORT);
            } else if (a->pop == GEN_POP_VPN && gen_rng_chance(r, o->vpn_share)) {
                blk = a->vpn;
                ip = ev_vpn_exit(c, blk, gen_rng_below(r, o->vpn_exits ? o->vpn_exits : 1));
                a->behav |= GEN_BIT(GEN_B_COMMERCIAL_VPN);
                a->behav |= GEN_BIT(GEN_B_ANON_NETWORK);
            } else {
                ip = ev_home_ip(c, home_blk, home_key, d, a->rot);
            }
            if (a->pop == GEN_POP_SHARED_CONTROL && g && gen_rng_chance(r, o->shared_laptop))
                dev = g->device; /* the one laptop every account is run from */
            if (hh_share && gen_rng_chance(r, 0.3)) {
                dev = gen_rng_mix(o->seed ^ 0x6868646576ull, a->group) & 0xffffffffffffffull;
                a->behav |= GEN_BIT(GEN_B_HOUSEHOLD_DEVICE);
            }
            ev_login(c, &tr, i, st[k], ip, blk, dev, secs);
        }
    }
    ev_track_finish(a, &tr);
}

/* The address a ring member uses through channel ch on day d. */
static uint32_t ev_ring_ip(ev_ctx *c, uint32_t i, int ch, int64_t d, gen_rng *r, uint16_t *blk)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    const gen_op *op = &w->ops[a->op];
    const gen_ring *g = &w->rings[a->group];
    switch (ch) {
    case GEN_CH_ABROAD:
        *blk = op->res_blk;
        /* The operator's home connection, shared by all of the operator's accounts. */
        return ev_home_ip(c, op->res_blk, 0x6f7000000000ull + a->op, d, 9);
    case GEN_CH_VPS:
        *blk = op->host_blk;
        return op->vps_ip;
    case GEN_CH_VPN:
        *blk = a->vpn;
        return ev_vpn_exit(c, a->vpn, gen_rng_below(r, c->o->vpn_exits ? c->o->vpn_exits : 1));
    case GEN_CH_FARM: {
        uint32_t k = a->peer < g->nfarm ? a->peer : 0;
        *blk = g->farm_blk[k];
        return g->farm_ip[k];
    }
    default: {
        /* Fresh residential address in the claimed country: camouflage. */
        const char *cc = gen_world_cc(a->cc);
        size_t n = gen_geo_count_of(cc, GEN_GEO_RES);
        *blk = (uint16_t)gen_geo_find(cc, GEN_GEO_RES, gen_rng_below(r, (uint32_t)n));
        return gen_world_addr(c->w, *blk, gen_rng_next(r));
    }
    }
}

static int ev_pick_channel(gen_rng *r, unsigned chan)
{
    int opts[4], n = 0;
    if (chan & GEN_CH_FARM) {
        /* A farm laptop is the account's usual seat. */
        if (gen_rng_chance(r, 0.7))
            return GEN_CH_FARM;
        opts[n++] = GEN_CH_FARM;
    }
    if (chan & GEN_CH_ABROAD)
        opts[n++] = GEN_CH_ABROAD;
    if (chan & GEN_CH_VPS)
        opts[n++] = GEN_CH_VPS;
    if (chan & GEN_CH_VPN)
        opts[n++] = GEN_CH_VPN;
    return n ? opts[gen_rng_below(r, (uint32_t)n)] : 0;
}

static void ev_ring_logins(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    const gen_opts *o = c->o;
    const gen_op *op = &w->ops[a->op];
    const int tz = gen_geo_country_at(op->cc)->utc_offset;
    const int hop = (a->behav & GEN_BIT(GEN_B_GEO_HOP)) != 0;
    const int longs = (a->behav & GEN_BIT(GEN_B_LONG_SESSION)) != 0;
    ev_track tr = {0, NULL, 0, 0};
    uint64_t own_dev = gen_world_device(w, i, 0);
    uint32_t block_len = gen_rng_range(r, 4, 8);
    int block_ch = 0;
    int64_t block_id = -1;
    int64_t busy_until = 0;
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)o->days; d++) {
        if (!gen_rng_chance(r, 0.85))
            continue;
        /* An operator keeps to one way in (or to fresh addresses in the persona's country,
         * the camouflage) for days at a time, and rests a day when switching, so without a
         * planted hop no login jumps countries within hours by accident. */
        if (d / block_len != block_id) {
            int prev = block_ch;
            block_id = d / block_len;
            block_ch = gen_rng_chance(r, o->camouflage) ? 0 : ev_pick_channel(r, a->chan);
            if (block_ch != prev && d > 0)
                continue;
        }
        int ch = block_ch;
        if (ch == 0)
            a->behav |= GEN_BIT(GEN_B_CAMOUFLAGE);
        int64_t st[EV_MAX_SESS];
        uint32_t ns = ev_day_starts(c, r, d, tz, 0.8, 9, 23, st);
        int long_day = longs && gen_rng_chance(r, 0.25);
        for (uint32_t k = 0; k < ns; k++) {
            if (st[k] < busy_until)
                continue; /* still inside a multi-day session */
            uint32_t secs = ev_duration(r, 2.5 * HOUR, 0.8, 300, 12 * HOUR);
            if (long_day && k == 0)
                secs = gen_rng_range(r, 24 * HOUR + 600, 72 * HOUR);
            uint16_t blk = 0;
            uint32_t ip = ev_ring_ip(c, i, ch, d, r, &blk);
            uint64_t dev = own_dev;
            if (op->shared_device && ch != GEN_CH_FARM && gen_rng_chance(r, 0.8))
                dev = op->device;
            ev_login(c, &tr, i, st[k], ip, blk, dev, secs);
            if (secs >= DAY)
                busy_until = st[k] + secs;
            if (hop && k == 0 && gen_rng_chance(r, 0.35)) {
                /* The same account, minutes to hours later, from the other side of the
                 * world: the operator's own line against the persona's country. */
                int other = (ch == GEN_CH_ABROAD) ? 0 : GEN_CH_ABROAD;
                uint16_t b2 = 0;
                uint32_t ip2 = ev_ring_ip(c, i, other, d, r, &b2);
                int64_t t2 = st[k] + 600 + gen_rng_below(r, 3 * HOUR);
                ev_login(c, &tr, i, t2, ip2, b2, dev, ev_duration(r, HOUR, 0.7, 120, 4 * HOUR));
            }
        }
    }
    ev_track_finish(a, &tr);
}

/* A disciplined-ring member: its own home line in the claimed country (the ring's
 * precomputed, never shared addresses), its one device, local working hours; no mobile
 * data (carrier NAT would put two members on one address), VPN or hosting. */
static void ev_disc_logins(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    const gen_dring *g = &w->drings[a->group - w->nrings];
    const uint32_t *ips = g->ip + (size_t)(i - g->first) * g->nep;
    const int tz = gen_geo_country_at(a->cc)->utc_offset;
    const uint64_t dev = gen_world_device(w, i, 0);
    const unsigned rot = a->rot ? a->rot : 2;
    const uint32_t phase = (uint32_t)(gen_rng_mix(a->pub, 0x70686173ull) % rot);
    ev_track tr = {0, NULL, 0, 0};
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if (!gen_rng_chance(r, ev_is_weekend(c, d) ? 0.3 : 0.8))
            continue;
        int64_t st[EV_MAX_SESS];
        uint32_t ns = ev_day_starts(c, r, d, tz, 0.6, 8, 22, st);
        uint32_t e = (uint32_t)((uint64_t)d + phase) / rot;
        if (e >= g->nep)
            e = g->nep - 1;
        for (uint32_t k = 0; k < ns; k++)
            ev_login(c, &tr, i, st[k], ips[e], a->isp, dev,
                     ev_duration(r, 2400, 0.9, 60, 8 * HOUR));
    }
    ev_track_finish(a, &tr);
}

/* ------------------------------------------------------------ bids, payouts */

static void ev_bid(ev_ctx *c, int64_t ts, uint32_t f, uint32_t proj, uint32_t client, int accepted)
{
    gen_out *t = c->t[GEN_T_BIDS];
    gen_out_ts(t, ev_clamp_ts(c, ts));
    ev_acct_id(c, t, f);
    ev_project(t, proj);
    ev_acct_id(c, t, client);
    gen_out_u64(t, accepted ? 1 : 0);
    if (c->o->identity) {
        gen_ident_bid_text(c->w, f, ((uint64_t)proj << 32) ^ (uint64_t)ts, c->text, sizeof c->text);
        gen_out_quoted(t, c->text);
    }
    gen_out_eol(t);
}

static uint32_t ev_random_client(const ev_ctx *c, gen_rng *r)
{
    const gen_world *w = c->w;
    return w->benign_client_first + gen_rng_below(r, w->n - w->benign_client_first);
}

static void ev_lost_bids(ev_ctx *c, uint32_t i, gen_rng *r)
{
    const gen_acct *a = &c->w->acct[i];
    double per_day = 0.35;
    if (a->pop == GEN_POP_HEAVY_BIDDER) {
        per_day = 10;
    } else if (a->pop == GEN_POP_COHORT) {
        per_day = 6; /* graduates looking for their first contracts */
    } else if (a->pop == GEN_POP_RING) {
        per_day = (a->behav & GEN_BIT(GEN_B_BID_SPAM)) ? 18 : 0.5;
    }
    int tz = gen_geo_country_at(a->loc)->utc_offset;
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if (!gen_rng_chance(r, ev_is_weekend(c, d) ? 0.4 : 0.8))
            continue;
        uint32_t n = gen_rng_poisson(r, per_day);
        int64_t base = c->w->t0 + d * DAY - (int64_t)tz * HOUR + 8 * HOUR;
        for (uint32_t k = 0; k < n; k++)
            ev_bid(c, base + gen_rng_below(r, 14 * HOUR), i, ev_lost_project(r),
                   ev_random_client(c, r), 0);
    }
    if (a->pop == GEN_POP_HEAVY_BIDDER)
        c->w->acct[i].behav |= GEN_BIT(GEN_B_HEAVY_BIDDING);
}

static void ev_payout(ev_ctx *c, int64_t ts, uint32_t i, uint64_t dest, int64_t cents,
                      const char *method, int dest_cc)
{
    gen_out *t = c->t[GEN_T_PAYOUTS];
    gen_out_ts(t, ev_clamp_ts(c, ts));
    ev_acct_id(c, t, i);
    ev_dest(t, dest);
    gen_out_cents(t, cents);
    gen_out_str(t, "USD");
    gen_out_str(t, method);
    gen_out_str(t, gen_world_cc(dest_cc));
    gen_out_eol(t);
}

static void ev_payouts(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    uint32_t period = gen_rng_chance(r, 0.6) ? 7 : 14;
    uint32_t phase = gen_rng_below(r, period);
    uint64_t own = gen_world_dest(w, i);
    int own_cc = a->loc;
    const char *method = gen_geo_country_at(a->loc)->bank;
    if (a->pop == GEN_POP_RING) {
        own_cc = a->cc; /* a money-mule account in the persona's country */
        method = "bank";
    } else if (a->chan & GEN_CH_OWN) {
        own_cc = gen_world_cc_index("US"); /* an individual US money mule, one per member */
        method = "bank";
    } else if (gen_rng_chance(r, 0.1)) {
        own_cc = 0; /* US receiving account of a payment service */
        method = "payoneer";
    }
    if (a->pop == GEN_POP_CRYPTO_PAYEE) {
        /* An exchange deposit account of the freelancer's own, the exchange registered
         * offshore or in Hong Kong. */
        static const char *const ex[] = {"HK", "HK", "SG", "SG", "SC", "SC", "KY", "MT", "US"};
        own_cc = gen_world_cc_index(ex[gen_rng_below(r, sizeof ex / sizeof *ex)]);
        method = "crypto";
        a->behav |= GEN_BIT(GEN_B_CRYPTO_PAYOUT);
    }
    const gen_group *g =
        a->group != GEN_NONE && (a->pop == GEN_POP_AGENCY || a->pop == GEN_POP_SHARED_CONTROL)
            ? &w->groups[a->group]
            : NULL;
    const gen_ring *ring = a->pop == GEN_POP_RING ? &w->rings[a->group] : NULL;
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if ((uint64_t)(d + phase) % period != 0)
            continue;
        int64_t ts = w->t0 + d * DAY + 6 * HOUR + gen_rng_below(r, 12 * HOUR);
        int64_t cents = (int64_t)(gen_rng_lognormal(r, log(35000.0), 0.8));
        if (cents < 2000)
            cents = 2000;
        if (g) {
            ev_payout(c, ts, i, g->dest, cents, "bank", g->cc);
            if (a->pop == GEN_POP_AGENCY)
                a->behav |= GEN_BIT(GEN_B_AGENCY_PAYOUT);
        } else if (ring && (a->behav & GEN_BIT(GEN_B_SHARED_PAYOUT)) && ring->ndest &&
                   !gen_rng_chance(r, c->o->camouflage / 2)) {
            uint32_t k = gen_rng_below(r, ring->ndest);
            ev_payout(c, ts, i, ring->dest[k], cents, gen_geo_country_at(ring->dest_cc[k])->bank,
                      ring->dest_cc[k]);
        } else {
            ev_payout(c, ts, i, own, cents, method, own_cc);
        }
    }
}

/* ------------------------------------------------------------------ ports */

static void ev_port(ev_ctx *c, int64_t ts, uint32_t ip, const uint64_t *dev, unsigned port,
                    const char *service)
{
    gen_out *t = c->t[GEN_T_PORTS];
    gen_out_ts(t, ev_clamp_ts(c, ts));
    if (ip)
        gen_out_ipv4(t, ip);
    else
        gen_out_empty(t);
    if (dev)
        ev_device(t, *dev);
    else
        gen_out_empty(t);
    gen_out_u64(t, port);
    gen_out_str(t, service);
    gen_out_eol(t);
}

/* Scanner observations of ip every [lo, hi] days. */
static void ev_port_series(ev_ctx *c, gen_rng *r, uint32_t ip, unsigned port, const char *service,
                           uint32_t lo, uint32_t hi)
{
    for (int64_t d = gen_rng_below(r, hi); d < (int64_t)c->o->days; d += gen_rng_range(r, lo, hi))
        ev_port(c, c->w->t0 + d * DAY + gen_rng_below(r, DAY), ip, NULL, port, service);
}

static void ev_remote_software(ev_ctx *c, gen_rng *r, uint64_t dev, uint32_t n)
{
    static const unsigned ports[] = {5938, 7070, 6568, 3389};
    static const char *const names[] = {"teamviewer", "anydesk", "anydesk", "rdp"};
    uint32_t k = gen_rng_below(r, 4);
    for (uint32_t j = 0; j < n; j++)
        ev_port(c, c->w->t0 + (int64_t)gen_rng_below(r, c->o->days) * DAY + gen_rng_below(r, DAY),
                0, &dev, ports[k], names[k]);
}

/* ---------------------------------------------------------------- phases */

static void ev_accounts(ev_ctx *c)
{
    gen_world *w = c->w;
    gen_out *t = c->t[GEN_T_ACCOUNTS];
    for (uint32_t j = 0; j < w->n; j++) {
        const gen_acct *a = &w->acct[w->order[j]];
        int64_t created = w->t0 + (int64_t)a->created * DAY +
                          (int64_t)(gen_rng_mix(c->o->seed ^ a->pub, 0x63726561ull) % DAY);
        ev_id(t, a->pub);
        gen_out_str(t, a->role ? "client" : "freelancer");
        gen_out_ts(t, created);
        gen_out_str(t, gen_world_cc(a->cc));
        if (c->o->identity) {
            gen_ident_profile_text(w, w->order[j], c->text, sizeof c->text);
            gen_out_quoted(t, c->text);
        }
        gen_out_eol(t);
    }
}

static void ev_freelancers(ev_ctx *c)
{
    gen_world *w = c->w;
    for (uint32_t j = 0; j < w->n; j++) {
        gen_rng r;
        uint32_t i = w->order[j];
        gen_acct *a = &w->acct[i];
        if (a->role)
            continue;
        gen_rng_seed(&r, c->o->seed, PH_FREELANCER, i);
        if (a->pop == GEN_POP_RING)
            ev_ring_logins(c, i, &r);
        else if (a->chan & GEN_CH_OWN)
            ev_disc_logins(c, i, &r);
        else
            ev_benign_logins(c, i, &r);
        gen_rng_seed(&r, c->o->seed, PH_BIDS, i);
        ev_lost_bids(c, i, &r);
        gen_rng_seed(&r, c->o->seed, PH_PAYOUT, i);
        ev_payouts(c, i, &r);
        if (a->pop != GEN_POP_RING && !(a->chan & GEN_CH_OWN) &&
            gen_rng_chance(&r, c->o->benign_remote)) {
            ev_remote_software(c, &r, gen_world_device(w, i, 0), gen_rng_range(&r, 1, 3));
            a->behav |= GEN_BIT(GEN_B_REMOTE_DESKTOP);
        }
    }
}

static uint32_t ev_stars(gen_rng *r)
{
    uint32_t x = gen_rng_below(r, 100);
    return x < 62 ? 5 : x < 87 ? 4 : x < 94 ? 3 : x < 97 ? 2 : 1;
}

static void ev_rating(ev_ctx *c, int64_t ts, uint32_t client, uint32_t f, uint32_t stars,
                      uint32_t proj)
{
    gen_out *t = c->t[GEN_T_RATINGS];
    gen_out_ts(t, ev_clamp_ts(c, ts));
    ev_acct_id(c, t, client);
    ev_acct_id(c, t, f);
    gen_out_u64(t, stars);
    ev_project(t, proj);
    gen_out_eol(t);
}

static void ev_charge(ev_ctx *c, int64_t ts, uint32_t client, uint32_t f, int64_t cents,
                      uint64_t instrument)
{
    gen_out *t = c->t[GEN_T_CHARGES];
    gen_out_ts(t, ev_clamp_ts(c, ts));
    ev_acct_id(c, t, client);
    ev_acct_id(c, t, f);
    gen_out_cents(t, cents);
    gen_out_str(t, "USD");
    ev_dest(t, instrument);
    gen_out_eol(t);
}

/* A freelancer for client work starting on day d: anyone who exists by then; ring members
 * get honest work too, with weight `camouflage`. */
static uint32_t ev_pick_freelancer(ev_ctx *c, gen_rng *r, int64_t d)
{
    gen_world *w = c->w;
    uint32_t f = 0;
    for (int tries = 0; tries < 16; tries++) {
        f = gen_rng_below(r, w->nf);
        const gen_acct *a = &w->acct[f];
        if (a->created > d)
            continue;
        if (a->pop == GEN_POP_RING && !gen_rng_chance(r, c->o->camouflage * 2))
            continue;
        return f;
    }
    return f;
}

/* One hire by client cl of freelancer f on day d, paid in `parts` charges and usually
 * rated at the end. */
static int64_t ev_hire(ev_ctx *c, gen_rng *r, uint32_t cl, uint32_t f, int64_t d, uint32_t parts,
                       double median_cents, double rate_p)
{
    gen_world *w = c->w;
    const int tz = gen_geo_country_at(w->acct[cl].loc)->utc_offset;
    int64_t ts = w->t0 + d * DAY - (int64_t)tz * HOUR + 9 * HOUR + gen_rng_below(r, 9 * HOUR);
    uint32_t proj = c->project_next++;
    uint64_t inst = gen_world_dest(w, cl);
    if (w->acct[cl].pop == GEN_POP_HIRING_TEAM && w->acct[cl].group != GEN_NONE)
        inst = w->groups[w->acct[cl].group].dest; /* the company card */
    ev_bid(c, ts - gen_rng_range(r, 3600, 3 * DAY), f, proj, cl, 1);
    int64_t t = ts;
    for (uint32_t k = 0; k < parts; k++) {
        t += (int64_t)gen_rng_range(r, parts > 1 ? 3 : 1, parts > 1 ? 6 : 21) * DAY +
             gen_rng_below(r, 8 * HOUR);
        if (t >= c->t_end)
            break;
        int64_t cents = (int64_t)gen_rng_lognormal(r, log(median_cents), 0.7);
        if (cents < 1000)
            cents = 1000;
        ev_charge(c, t, cl, f, cents, inst);
    }
    if (t < c->t_end && gen_rng_chance(r, rate_p))
        ev_rating(c, t + gen_rng_below(r, 2 * DAY), cl, f, ev_stars(r), proj);
    if (w->acct[f].pop == GEN_POP_RING)
        w->acct[f].behav |= GEN_BIT(GEN_B_CAMOUFLAGE);
    return t;
}

static void ev_client_logins(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    gen_acct *a = &w->acct[i];
    const int tz = gen_geo_country_at(a->loc)->utc_offset;
    double p = a->pop == GEN_POP_ENTERPRISE ? 0.8 : a->pop == GEN_POP_SHILL ? 0.35 : 0.3;
    const gen_ring *g = a->pop == GEN_POP_SHILL ? &w->rings[a->group] : NULL;
    const gen_op *op = g ? &w->ops[a->op] : NULL;
    int self = (a->behav & GEN_BIT(GEN_B_SELF_DEALING)) != 0;
    ev_track tr = {0, NULL, 0, 0};
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if (!gen_rng_chance(r, ev_is_weekend(c, d) ? p / 3 : p))
            continue;
        int64_t st[EV_MAX_SESS];
        uint32_t ns = ev_day_starts(c, r, d, tz, 0.3, 8, 20, st);
        for (uint32_t k = 0; k < ns; k++) {
            uint32_t secs = ev_duration(r, 1200, 0.8, 60, 3 * HOUR);
            uint64_t dev = gen_world_device(w, i, gen_rng_below(r, a->ndev));
            uint16_t blk = a->isp;
            uint32_t ip;
            if (op && self && gen_rng_chance(r, 0.6)) {
                /* The ring paying itself: the shill logs in from the operator's line or
                 * server, sometimes on the operator's own machine. */
                if (gen_rng_chance(r, 0.5)) {
                    blk = op->res_blk;
                    ip = ev_home_ip(c, op->res_blk, 0x6f7000000000ull + a->op, d, 9);
                } else if (g->nfarm) {
                    blk = g->farm_blk[0];
                    ip = g->farm_ip[0];
                } else {
                    blk = op->host_blk;
                    ip = op->vps_ip;
                }
                if (gen_rng_chance(r, 0.5))
                    dev = op->device;
            } else if (op) {
                const char *cc = gen_world_cc(a->cc);
                size_t n = gen_geo_count_of(cc, GEN_GEO_RES);
                blk = (uint16_t)gen_geo_find(cc, GEN_GEO_RES, gen_rng_below(r, (uint32_t)n));
                ip = gen_world_addr(c->w, blk, gen_rng_next(r));
            } else if (a->pop == GEN_POP_HIRING_TEAM && a->group != GEN_NONE &&
                       !ev_is_weekend(c, d) && gen_rng_chance(r, 0.7)) {
                /* Recruiters at the company office. */
                blk = w->groups[a->group].blk;
                ip = w->groups[a->group].ip;
                a->behav |= GEN_BIT(GEN_B_HIRING_TEAM);
            } else if (gen_rng_chance(r, 0.15)) {
                blk = a->mob;
                ip = ev_cgnat_ip(c, blk, r);
            } else {
                ip = ev_home_ip(c, a->isp, a->pub, d, a->rot);
            }
            ev_login(c, &tr, i, st[k], ip, blk, dev, secs);
        }
    }
}

/* A hiring team's pick: 40 % of hires go to the team's favourite freelancers (the same
 * few for every recruiter of the company), the rest to anyone. */
static uint32_t ev_team_pick(ev_ctx *c, gen_rng *r, uint32_t cl, int64_t d)
{
    gen_world *w = c->w;
    const gen_group *g = &w->groups[w->acct[cl].group];
    if (g->nfav && w->nf > w->ring_members && gen_rng_chance(r, 0.4)) {
        uint32_t k = gen_rng_below(r, g->nfav);
        uint32_t f =
            w->ring_members +
            (uint32_t)(gen_rng_mix(c->o->seed ^ 0x666176ull, (uint64_t)w->acct[cl].group * 64 + k) %
                       (w->nf - w->ring_members));
        if (w->acct[f].created <= d)
            return f;
    }
    return ev_pick_freelancer(c, r, d);
}

/* The first day of a client's review sweep: the last two days of the last calendar quarter
 * in the window, or the window's last two days. */
static int64_t ev_sweep_day(const ev_ctx *c)
{
    for (int64_t d = (int64_t)c->o->days - 1; d >= 1; d--)
        if (ev_quarter_end(c, d) && !ev_quarter_end(c, d + 1))
            return d - 1;
    return (int64_t)c->o->days >= 2 ? (int64_t)c->o->days - 2 : 0;
}

typedef struct {
    uint32_t f, proj;
    int64_t end;
} ev_unrated;

/* A long-standing client that rates the quarter's hires in one sweep, all within two days:
 * a burst of ratings of unrelated freelancers. */
static void ev_review_sweep(ev_ctx *c, gen_rng *r, uint32_t cl, const ev_unrated *h, size_t n)
{
    int64_t d0 = ev_sweep_day(c);
    int tz = gen_geo_country_at(c->w->acct[cl].loc)->utc_offset;
    int64_t t0 = c->w->t0 + d0 * DAY - (int64_t)tz * HOUR + 8 * HOUR;
    for (size_t k = 0; k < n; k++) {
        int64_t ts = t0 + gen_rng_below(r, DAY + 10 * HOUR);
        if (h[k].end >= ts || !gen_rng_chance(r, 0.9))
            continue;
        ev_rating(c, ts, cl, h[k].f, ev_stars(r), h[k].proj);
        c->w->acct[cl].behav |= GEN_BIT(GEN_B_REVIEW_SWEEP);
    }
}

static void ev_client_work(ev_ctx *c, uint32_t i, gen_rng *r)
{
    gen_world *w = c->w;
    const gen_opts *o = c->o;
    gen_acct *a = &w->acct[i];
    double rate = a->pop == GEN_POP_ENTERPRISE         ? 0.6 + 1.6 * gen_rng_unit(r)
                  : a->pop == GEN_POP_MILESTONE_CLIENT ? 0.04
                  : a->pop == GEN_POP_REVIEW_SWEEP     ? 0.2 + 0.8 * gen_rng_unit(r)
                  : a->pop == GEN_POP_HIRING_TEAM      ? 0.2 + 0.6 * gen_rng_unit(r)
                                                       : gen_rng_lognormal(r, log(0.05), 0.6);
    uint32_t parts_lo = a->pop == GEN_POP_MILESTONE_CLIENT ? 3 : 1;
    uint32_t parts_hi = a->pop == GEN_POP_MILESTONE_CLIENT ? 6 : 1;
    int sweep = a->pop == GEN_POP_REVIEW_SWEEP;
    ev_unrated *un = NULL;
    size_t nun = 0, cap = 0;
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)o->days; d++) {
        double lam = rate;
        if (ev_is_weekend(c, d))
            lam *= 0.1;
        if (a->pop == GEN_POP_ENTERPRISE && ev_quarter_end(c, d)) {
            lam *= 4; /* end-of-quarter spending and reviews */
            a->behav |= GEN_BIT(GEN_B_QUARTER_END_BURST);
        }
        uint32_t nh = gen_rng_poisson(r, lam);
        for (uint32_t k = 0; k < nh; k++) {
            uint32_t f = a->pop == GEN_POP_HIRING_TEAM ? ev_team_pick(c, r, i, d)
                                                       : ev_pick_freelancer(c, r, d);
            double rate_p = sweep                                                  ? 0
                            : a->pop == GEN_POP_ENTERPRISE && ev_quarter_end(c, d) ? 0.95
                                                                                   : 0.8;
            int64_t end =
                ev_hire(c, r, i, f, d, gen_rng_range(r, parts_lo, parts_hi), 25000, rate_p);
            if (sweep) {
                if (nun == cap) {
                    cap = cap ? 2 * cap : 64;
                    un = realloc(un, cap * sizeof *un);
                    if (!un) {
                        fprintf(stderr, "ringscan-gen: out of memory\n");
                        abort();
                    }
                }
                un[nun++] = (ev_unrated){f, c->project_next - 1, end};
            }
        }
    }
    if (sweep)
        ev_review_sweep(c, r, i, un, nun);
    free(un);
}

static void ev_clients(ev_ctx *c)
{
    gen_world *w = c->w;
    const gen_opts *o = c->o;
    for (uint32_t j = 0; j < w->n; j++) {
        gen_rng r;
        uint32_t i = w->order[j];
        gen_acct *a = &w->acct[i];
        if (!a->role)
            continue;
        gen_rng_seed(&r, o->seed, PH_CLIENT, i);
        ev_client_logins(c, i, &r);
        if (a->pop == GEN_POP_SHILL)
            continue; /* their work is written with their ring */
        ev_client_work(c, i, &r);
    }
    /* Long contracts paid in many milestones, one per milestone freelancer (and per
     * shared-control member given one). */
    for (uint32_t j = 0; j < w->n; j++) {
        uint32_t f = w->order[j];
        gen_acct *a = &w->acct[f];
        if ((a->pop != GEN_POP_MILESTONE && a->pop != GEN_POP_SHARED_CONTROL) ||
            a->peer == GEN_NONE)
            continue;
        gen_rng r;
        gen_rng_seed(&r, o->seed, PH_CLIENT + 100, f);
        int64_t d0 = a->created > 0 ? a->created : 0;
        d0 += gen_rng_below(&r, o->days / 4 + 1);
        if (d0 >= (int64_t)o->days)
            continue;
        uint32_t parts = o->days > d0 ? (uint32_t)((int64_t)o->days - d0) / 4 + 1 : 1;
        if (parts < 3)
            parts = 3;
        ev_hire(c, &r, a->peer, f, d0, parts, 80000, 0.9);
        a->behav |= GEN_BIT(GEN_B_MILESTONES);
    }
}

static void ev_rings(ev_ctx *c)
{
    gen_world *w = c->w;
    const gen_opts *o = c->o;
    for (uint32_t k = 0; k < w->nrings; k++) {
        gen_ring *g = &w->rings[k];
        gen_rng r;
        gen_rng_seed(&r, o->seed, PH_RING, k);
        /* Shill bursts: new clients rating many ring members 5 stars within days. */
        for (uint32_t s = 0; s < g->nshill; s++) {
            uint32_t cl = g->shill_first + s;
            gen_acct *sa = &w->acct[cl];
            uint64_t inst = gen_world_dest(w, cl);
            if (sa->behav & GEN_BIT(GEN_B_SELF_DEALING))
                inst = g->ndest ? g->dest[s % g->ndest] : gen_world_dest(w, g->first);
            int tz = gen_geo_country_at(sa->cc)->utc_offset;
            for (uint32_t b = 0; b < g->nburst; b++) {
                for (uint32_t m = g->first; m < g->first + g->n; m++) {
                    if (!(w->acct[m].behav & GEN_BIT(GEN_B_SHILL_RATED)) ||
                        !gen_rng_chance(&r, 0.85))
                        continue;
                    int64_t day = g->burst_day[b] + (int64_t)gen_rng_below(&r, g->burst_len[b]);
                    if (day >= (int64_t)o->days)
                        day = (int64_t)o->days - 1;
                    int64_t ts = w->t0 + day * DAY - (int64_t)tz * HOUR + 9 * HOUR +
                                 gen_rng_below(&r, 10 * HOUR);
                    uint32_t proj = c->project_next++;
                    ev_bid(c, ts - gen_rng_range(&r, 600, 4 * HOUR), m, proj, cl, 1);
                    ev_charge(c, ts + gen_rng_below(&r, 2 * HOUR), cl, m,
                              3000 + gen_rng_below(&r, 27000), inst);
                    ev_rating(c, ts + 2 * HOUR + gen_rng_below(&r, 6 * HOUR), cl, m, 5, proj);
                    if (sa->behav & GEN_BIT(GEN_B_SELF_DEALING))
                        w->acct[m].behav |= GEN_BIT(GEN_B_SELF_DEALING);
                }
            }
            /* Camouflage: a few honest hires, honestly rated. */
            uint32_t nh = gen_rng_range(&r, 1, 3);
            for (uint32_t h = 0; h < nh; h++) {
                int64_t d =
                    (sa->created > 0 ? sa->created : 0) +
                    gen_rng_below(&r, o->days - (uint32_t)(sa->created > 0 ? sa->created : 0));
                uint32_t f;
                do {
                    f = ev_pick_freelancer(c, &r, d);
                } while (w->acct[f].pop == GEN_POP_RING && gen_rng_chance(&r, 0.9));
                ev_hire(c, &r, cl, f, d, 1, 15000, 0.9);
            }
        }
        /* Structured charges: a victim's card charged in many small instalments. */
        for (uint32_t s = 0; s < g->nstruct; s++) {
            uint32_t f = g->structurer[s], v = g->victim[s];
            uint64_t inst = gen_world_dest(w, v);
            uint32_t n = o->struct_instalments ? o->struct_instalments : 1;
            int64_t d0 = gen_rng_below(&r, 5);
            int64_t span = (int64_t)o->days - d0;
            if (span < 1)
                span = 1;
            uint32_t proj = c->project_next++;
            int64_t t0 = w->t0 + d0 * DAY + 14 * HOUR;
            ev_bid(c, t0 - DAY, f, proj, v, 1);
            double each = o->struct_total * 100.0 / n;
            for (uint32_t j = 0; j < n; j++) {
                int64_t ts = t0 + (int64_t)((double)span * DAY * j / n) +
                             gen_rng_below(&r, (uint32_t)(span * DAY / n > 1 ? span * DAY / n : 1));
                int64_t cents = (int64_t)(each * (0.85 + 0.3 * gen_rng_unit(&r)));
                ev_charge(c, ts, v, f, cents, inst);
            }
        }
        /* Laptop farm: remote-desktop ports seen on the farm's line and on its laptops. */
        for (uint32_t j = 0; j < g->nfarm; j++) {
            ev_port_series(c, &r, g->farm_ip[j], 3389, "rdp", 2, 5);
            if (gen_rng_chance(&r, 0.6))
                ev_port_series(c, &r, g->farm_ip[j], gen_rng_chance(&r, 0.5) ? 5900 : 7070,
                               gen_rng_chance(&r, 0.5) ? "vnc" : "anydesk", 4, 9);
        }
        for (uint32_t m = g->first; m < g->first + g->n; m++)
            if (w->acct[m].chan & GEN_CH_FARM)
                ev_remote_software(c, &r, gen_world_device(w, m, 0), gen_rng_range(&r, 1, 3));
        /* Operators' servers: Windows VPSes with RDP, or plain Linux boxes. */
        for (uint32_t j = 0; j < g->nop; j++) {
            const gen_op *op = &w->ops[g->op_first + j];
            int rdp = gen_rng_chance(&r, 0.5);
            ev_port_series(c, &r, op->vps_ip, rdp ? 3389 : 22, rdp ? "rdp" : "ssh", 5, 12);
        }
    }
}

static void ev_infrastructure(ev_ctx *c)
{
    gen_world *w = c->w;
    gen_rng r;
    gen_rng_seed(&r, c->o->seed, PH_INFRA, 0);
    for (uint32_t k = 0; k < w->ngroups; k++) {
        const gen_group *g = &w->groups[k];
        if (g->pop != GEN_POP_OFFICE && g->pop != GEN_POP_AGENCY && g->pop != GEN_POP_CLOUD_DESKTOP)
            continue;
        ev_port_series(c, &r, g->ip, 443, "https", 5, 10);
        if (g->remote) /* an office that exposes RDP: careless, not criminal */
            ev_port_series(c, &r, g->ip, 3389, "rdp", 5, 10);
    }
    for (size_t b = 0; b < gen_geo_block_count(); b++) {
        if (gen_geo_block_at(b)->kind != GEN_GEO_HOST)
            continue;
        for (uint32_t k = 0; k < c->o->vpn_exits; k++) {
            int wg = gen_rng_chance(&r, 0.5);
            ev_port_series(c, &r, ev_vpn_exit(c, (uint16_t)b, k), wg ? 51820 : 1194,
                           wg ? "wireguard" : "openvpn", 7, 14);
        }
    }
}

int gen_events_paid(const gen_world *w, uint32_t i)
{
    gen_rng r;
    const gen_acct *a = &w->acct[i];
    gen_rng_seed(&r, w->o->seed, PH_PAYOUT, i);
    uint32_t period = gen_rng_chance(&r, 0.6) ? 7 : 14;
    uint32_t phase = gen_rng_below(&r, period);
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)w->o->days; d++)
        if ((uint64_t)(d + phase) % period == 0)
            return 1;
    return 0;
}

int gen_events_write(gen_world *w, const char *dir, gen_events_stats *st, rs_error *err)
{
    static const char *const headers[GEN_T_COUNT] = {
        "account_id,role,created_at,country",
        "ts,account_id,ip,device_id,session_seconds,user_agent",
        "ts,freelancer_id,project_id,client_id,accepted",
        "ts,client_id,freelancer_id,stars,project_id",
        "ts,account_id,destination_id,amount,currency,method,destination_country",
        "ts,client_id,freelancer_id,amount,currency,instrument_id",
        "ts,ip,device_id,port,service"};
    ev_ctx c;
    int rc = -1;
    memset(&c, 0, sizeof c);
    c.w = w;
    c.o = w->o;
    c.t_end = w->t0 + (int64_t)w->o->days * DAY;
    c.project_next = 1;
    for (int t = 0; t < GEN_T_COUNT; t++) {
        const char *h = headers[t];
        if (t == GEN_T_LOGINS) {
            static const char *const login_headers[2][2] = {
                {"ts,account_id,ip,device_id,session_seconds,user_agent",
                 "ts,account_id,ip,device_id,session_seconds,user_agent,ip_country,asn,asn_org"},
                {"ts,account_id,ip,device_id,session_seconds",
                 "ts,account_id,ip,device_id,session_seconds,ip_country,asn,asn_org"}};
            h = login_headers[w->o->no_user_agent != 0][w->o->enrich != 0];
        }
        if (w->o->identity && t == GEN_T_ACCOUNTS)
            h = "account_id,role,created_at,country,text";
        if (w->o->identity && t == GEN_T_BIDS)
            h = "ts,freelancer_id,project_id,client_id,accepted,text";
        if (gen_out_open(&c.t[t], dir, ev_table_names[t], w->o->gzip, h) != 0) {
            rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot create %s/%s: %s", dir,
                         ev_table_names[t], strerror(errno));
            goto cleanup;
        }
    }
    ev_accounts(&c);
    ev_freelancers(&c);
    ev_clients(&c);
    ev_rings(&c);
    ev_infrastructure(&c);
    gen_scheme_events(w, c.t); /* --schemes: appended, so base rows never move */
    memset(st, 0, sizeof *st);
    for (int t = 0; t < GEN_T_COUNT; t++) {
        st->rows[t] = gen_out_rows(c.t[t]);
        st->total += st->rows[t];
    }
    rc = 0;
cleanup:
    for (int t = 0; t < GEN_T_COUNT; t++) {
        if (gen_out_close(c.t[t], rc == 0) != 0 && rc == 0) {
            rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot write %s/%s", dir, ev_table_names[t]);
            rc = -1;
        }
    }
    return rc;
}
