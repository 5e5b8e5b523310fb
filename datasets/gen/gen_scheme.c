/* gen_scheme.c - the 2024-2025 schemes and their look-alikes; see gen_scheme.h.
 *
 * Representation: one sch_group per planted ring or benign group (the single-account
 * look-alikes, night workers, nomads and IT administrators, are one group each whose
 * members have nothing in common); each scheme account records its group in gen_acct.op.
 * A group's key seeds everything its members share (the farm line, the facilitator's
 * name, cards, wallets, phones, photos, texts), so nothing but the layout is stored.
 *
 * Parameters are drawn per group from the ranges documented in datasets/README.md; with
 * --randomize the number of groups of every population is drawn too. All draws come from
 * streams keyed by SCH_KEY, which no other part of the simulator uses.
 *
 * Cost: O(scheme accounts) memory, O(rows) time.
 */
#include "datasets/gen/gen_scheme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_ident.h"
#include "datasets/gen/gen_rng.h"
#include "datasets/gen/gen_truth.h"

#define DAY 86400
#define HOUR 3600
#define SCH_KEY 0x736368656d6573ull /* "schemes" */

typedef struct sch_group {
    uint32_t first, n; /* accounts [first, first + n) */
    uint8_t pop;
    uint8_t cc;       /* country of the line, office or persona */
    uint32_t ring;    /* truth ring id number, or GEN_NONE for look-alikes */
    uint32_t ip;      /* farm line, office line */
    uint16_t blk;     /* its block; cgnat: the carrier block */
    uint64_t key;     /* seeds what the members share */
    uint32_t nfl;     /* slow shill: rated freelancers [first, first + nfl), shills after */
    uint32_t nshared; /* cards (slow shill), shared destinations (rented), wallets (crypto),
                       * spellings of the facilitator (laptop farm), phones (no_infra) */
    uint32_t pool;    /* cgnat: addresses in the pool; no_infra: trait rate, per mille */
    int vpn;          /* rented, crypto: VPN exits (1) or a residential proxy pool (0) */
} sch_group;

struct gen_scheme {
    sch_group *g;
    uint32_t ng;
    uint32_t nrings;
    uint32_t *order; /* scheme account indices sorted by public id */
};

/* Groups per population (default; --randomize draws within [rlo, rhi]) and members per
 * group. Slow shill groups: lo-hi rated freelancers plus 20-40 shill clients. */
static const struct {
    uint8_t pop;
    uint32_t groups, rlo, rhi, lo, hi;
} sch_plan[] = {
    {GEN_POP_LAPTOP_FARM, 2, 1, 3, 4, 12},   {GEN_POP_SLOW_SHILL, 1, 1, 2, 2, 4},
    {GEN_POP_RENTED, 1, 1, 2, 5, 12},        {GEN_POP_NO_INFRA, 2, 1, 3, 6, 10},
    {GEN_POP_CRYPTO_RING, 1, 1, 2, 4, 10},   {GEN_POP_COWORKING, 3, 2, 5, 8, 30},
    {GEN_POP_CGNAT_POOL, 1, 1, 2, 150, 300}, {GEN_POP_PAYROLL_AGENCY, 2, 1, 3, 5, 15},
    {GEN_POP_NIGHT_WORKER, 1, 1, 1, 20, 60}, {GEN_POP_NOMAD, 1, 1, 1, 10, 40},
    {GEN_POP_IT_ADMIN, 1, 1, 1, 10, 30},
};
#define SCH_NPLAN (sizeof sch_plan / sizeof sch_plan[0])

static const char *const sch_claim_cc[] = {"US", "US", "US", "CA", "GB", "DE", "PL", "NL"};
static const char *const sch_free_cc[] = {"US", "IN", "PK", "UA", "PH", "BR", "GB",
                                          "DE", "NG", "CA", "FR", "PL", "NL"};
static const char *const sch_agency_cc[] = {"IN", "PH", "UA", "PK", "PL", "BR"};
static const char *const sch_cgnat_cc[] = {"US", "IN", "NG", "BR", "PK", "GB", "UA"};
static const char *const sch_client_cc[] = {"US", "US", "US", "GB", "CA", "DE"};

static int sch_is_ring(int pop)
{
    return pop >= GEN_POP_LAPTOP_FARM && pop <= GEN_POP_CRYPTO_RING;
}

static int sch_pick(gen_rng *r, const char *const *list, size_t n)
{
    return gen_world_cc_index(list[gen_rng_below(r, (uint32_t)n)]);
}
#define SCH_PICK(r, list) sch_pick(r, list, sizeof list / sizeof *list)

/* A block of country c and kind (falling back to residential, then to block 0). */
static uint16_t sch_block(gen_rng *r, int c, int kind)
{
    const char *cc = gen_world_cc(c);
    size_t n = gen_geo_count_of(cc, kind);
    if (n == 0 && kind != GEN_GEO_RES)
        return sch_block(r, c, GEN_GEO_RES);
    return n ? (uint16_t)gen_geo_find(cc, kind, gen_rng_below(r, (uint32_t)n)) : 0;
}

static int sch_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void *sch_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "ringscan-gen: out of memory allocating %zu x %zu bytes\n", n, size);
        abort();
    }
    return p;
}

/* ------------------------------------------------------------------ layout */

/* Fills scheme account i of group g (the j-th member). */
static void sch_account(gen_world *w, gen_rng *r, const sch_group *g, uint32_t gi, uint32_t i,
                        uint32_t j)
{
    gen_acct *a = &w->acct[i];
    int pop = g->pop, role = 0, cc = g->cc;
    memset(a, 0, sizeof *a);
    if (pop == GEN_POP_SLOW_SHILL && j >= g->nfl) {
        pop = GEN_POP_SLOW_SHILL_CLIENT;
        role = 1;
        cc = SCH_PICK(r, sch_client_cc);
    } else if (pop == GEN_POP_NIGHT_WORKER || pop == GEN_POP_NOMAD || pop == GEN_POP_IT_ADMIN ||
               pop == GEN_POP_RENTED || pop == GEN_POP_SLOW_SHILL) {
        cc = SCH_PICK(r, sch_free_cc);
    } else if (pop == GEN_POP_NO_INFRA || pop == GEN_POP_CRYPTO_RING) {
        cc = SCH_PICK(r, sch_claim_cc);
    }
    a->pub = gen_world_pub(w, i);
    a->pop = (uint8_t)pop;
    a->role = (uint8_t)role;
    a->cc = a->loc = (uint8_t)cc;
    a->group = GEN_NONE;
    a->op = gi;
    a->peer = GEN_NONE;
    a->ndev = (uint8_t)gen_rng_range(r, 1, 2);
    a->rot = (uint8_t)gen_rng_range(r, 3, 9);
    a->isp = sch_block(r, cc, GEN_GEO_RES);
    a->mob = sch_block(r, cc, GEN_GEO_MOB);
    a->vpn = sch_block(r, SCH_PICK(r, sch_claim_cc), GEN_GEO_HOST);
    a->created = -(int32_t)gen_rng_range(r, 60, 1200);
    static const uint64_t bits[] = {
        [GEN_POP_LAPTOP_FARM] = GEN_BIT(GEN_B_LAPTOP_FARM) | GEN_BIT(GEN_B_LONG_SESSION) |
                                GEN_BIT(GEN_B_REMOTE_DESKTOP) | GEN_BIT(GEN_B_MULE_PAYOUT),
        [GEN_POP_SLOW_SHILL] = GEN_BIT(GEN_B_SHILL_RATED),
        [GEN_POP_SLOW_SHILL_CLIENT] = GEN_BIT(GEN_B_SHILL_RATING),
        [GEN_POP_RENTED] = GEN_BIT(GEN_B_OPERATOR_ABROAD),
        [GEN_POP_NO_INFRA] = GEN_BIT(GEN_B_DISCIPLINED) | GEN_BIT(GEN_B_MULE_PAYOUT),
        [GEN_POP_CRYPTO_RING] = GEN_BIT(GEN_B_CRYPTO_PAYOUT) | GEN_BIT(GEN_B_SHARED_PAYOUT) |
                                GEN_BIT(GEN_B_ANON_NETWORK),
        [GEN_POP_COWORKING] = GEN_BIT(GEN_B_OFFICE_NAT),
        [GEN_POP_CGNAT_POOL] = GEN_BIT(GEN_B_CGNAT),
        [GEN_POP_PAYROLL_AGENCY] = GEN_BIT(GEN_B_AGENCY_PAYOUT) | GEN_BIT(GEN_B_OFFICE_NAT),
        [GEN_POP_NIGHT_WORKER] = 0,
        [GEN_POP_NOMAD] = GEN_BIT(GEN_B_TRAVEL),
        [GEN_POP_IT_ADMIN] = GEN_BIT(GEN_B_REMOTE_DESKTOP) | GEN_BIT(GEN_B_LONG_SESSION),
    };
    a->behav = bits[pop];
    if (pop == GEN_POP_NO_INFRA) {
        /* Which of the ring's phones, photos and texts this member reuses: each with the
         * ring's rate (pool, per mille), at least one, so members differ in what ties them. */
        static const int t[] = {GEN_B_TEXT_REUSE, GEN_B_IDENTITY_REUSE, GEN_B_PHOTO_REUSE};
        for (int k = 0; k < 3; k++)
            if (gen_rng_below(r, 1000) < g->pool)
                a->behav |= GEN_BIT(t[k]);
        if (!(a->behav & (GEN_BIT(t[0]) | GEN_BIT(t[1]) | GEN_BIT(t[2]))))
            a->behav |= GEN_BIT(t[gen_rng_below(r, 3)]);
    }
    if (pop == GEN_POP_RENTED) {
        /* The handover falls in the middle half of the window, so there is honest
         * history before it and operated activity after it. */
        uint32_t d = w->o->days;
        a->trip = (int32_t)gen_rng_range(r, d / 4, d * 3 / 4 > d / 4 ? d * 3 / 4 : d / 4);
        if (g->nshared && gen_rng_chance(r, 0.3))
            a->peer = gen_rng_below(r, g->nshared); /* a destination shared with others */
        a->created = -(int32_t)gen_rng_range(r, 180, 1500);
    }
    if (pop == GEN_POP_NOMAD)
        a->trip = (int32_t)gen_rng_range(r, 5, 30); /* days per stay */
    w->pop_count[pop]++;
}

/* Draws group g's shared parameters (everything but its members). */
static void sch_group_params(gen_world *w, gen_rng *r, sch_group *g, int pop)
{
    g->pop = (uint8_t)pop;
    g->key = gen_rng_next(r);
    g->cc = (uint8_t)gen_world_cc_index("US");
    switch (pop) {
    case GEN_POP_LAPTOP_FARM:
        g->blk = sch_block(r, g->cc, GEN_GEO_RES); /* a home broadband line, not hosting */
        g->ip = gen_world_addr(w, g->blk, gen_rng_next(r));
        g->nshared = gen_rng_range(r, 1, 2);
        break;
    case GEN_POP_SLOW_SHILL:
        g->nshared = gen_rng_range(r, 2, 3);
        break;
    case GEN_POP_RENTED:
        g->nshared = gen_rng_range(r, 1, 2);
        g->vpn = gen_rng_chance(r, 0.5);
        break;
    case GEN_POP_NO_INFRA:
        g->nshared = gen_rng_range(r, 2, 3);
        g->pool = gen_rng_range(r, 350, 750); /* trait rate, per mille */
        break;
    case GEN_POP_CRYPTO_RING:
        g->nshared = gen_rng_range(r, 1, 2);
        g->vpn = 1;
        break;
    case GEN_POP_COWORKING:
        g->cc = (uint8_t)SCH_PICK(r, sch_free_cc);
        g->blk = sch_block(r, g->cc, GEN_GEO_RES);
        g->ip = gen_world_addr(w, g->blk, gen_rng_next(r));
        break;
    case GEN_POP_PAYROLL_AGENCY:
        g->cc = (uint8_t)SCH_PICK(r, sch_agency_cc);
        g->blk = sch_block(r, g->cc, GEN_GEO_RES);
        g->ip = gen_world_addr(w, g->blk, gen_rng_next(r));
        break;
    case GEN_POP_CGNAT_POOL:
        g->cc = (uint8_t)SCH_PICK(r, sch_cgnat_cc);
        g->blk = sch_block(r, g->cc, GEN_GEO_MOB);
        g->pool = gen_rng_range(r, 20, 40);
        break;
    default:
        break;
    }
}

int gen_scheme_build(gen_world *w, rs_error *err)
{
    const gen_opts *o = w->o;
    if (o->schemes != 2025) {
        rs_error_set(err, RS_E_CONFIG, NULL, 0, 0, "unknown --schemes %u (known: 2025)",
                     o->schemes);
        return -1;
    }
    gen_rng r;
    gen_rng_seed(&r, o->seed, SCH_KEY, 0);
    gen_scheme *s = sch_calloc(1, sizeof *s);
    uint32_t cap = 0, total = 0;
    uint32_t count[SCH_NPLAN];
    for (size_t p = 0; p < SCH_NPLAN; p++) {
        count[p] =
            o->randomize ? gen_rng_range(&r, sch_plan[p].rlo, sch_plan[p].rhi) : sch_plan[p].groups;
        cap += count[p];
    }
    s->g = sch_calloc(cap, sizeof *s->g);
    for (size_t p = 0; p < SCH_NPLAN; p++) {
        for (uint32_t k = 0; k < count[p]; k++) {
            sch_group *g = &s->g[s->ng];
            sch_group_params(w, &r, g, sch_plan[p].pop);
            g->first = w->n + total;
            g->n = gen_rng_range(&r, sch_plan[p].lo, sch_plan[p].hi);
            if (g->pop == GEN_POP_SLOW_SHILL) {
                g->nfl = g->n;
                g->n += gen_rng_range(&r, 20, 40);
            }
            g->ring = sch_is_ring(g->pop) ? w->nrings + w->ndrings + s->nrings++ : GEN_NONE;
            total += g->n;
            s->ng++;
        }
    }
    gen_acct *acct = realloc(w->acct, ((size_t)w->n + total) * sizeof *acct);
    if (!acct) {
        fprintf(stderr, "ringscan-gen: out of memory growing the accounts\n");
        abort();
    }
    w->acct = acct;
    for (uint32_t k = 0; k < s->ng; k++)
        for (uint32_t j = 0; j < s->g[k].n; j++)
            sch_account(w, &r, &s->g[k], k, s->g[k].first + j, j);
    uint64_t *keys = sch_calloc(total, sizeof *keys);
    for (uint32_t j = 0; j < total; j++)
        keys[j] = ((uint64_t)w->acct[w->n + j].pub << 32) | (w->n + j);
    qsort(keys, total, sizeof *keys, sch_cmp_u64);
    s->order = sch_calloc(total, sizeof *s->order);
    for (uint32_t j = 0; j < total; j++)
        s->order[j] = (uint32_t)keys[j];
    free(keys);
    w->ns = total;
    w->sch = s;
    return 0;
}

void gen_scheme_free(gen_scheme *s)
{
    if (!s)
        return;
    free(s->g);
    free(s->order);
    free(s);
}

const uint32_t *gen_scheme_order(const gen_world *w, uint32_t *n)
{
    *n = w->sch ? w->ns : 0;
    return w->sch ? w->sch->order : NULL;
}

uint32_t gen_scheme_rings(const gen_world *w)
{
    return w->sch ? w->sch->nrings : 0;
}

static const sch_group *sch_group_of(const gen_world *w, uint32_t i)
{
    return &w->sch->g[w->acct[i].op];
}

/* ------------------------------------------------------------------ rows */

typedef struct sch_ctx {
    gen_world *w;
    const gen_opts *o;
    gen_out *const *t;
    int64_t t_end;
    uint32_t proj;
    char text[GEN_IDENT_TEXT_MAX];
} sch_ctx;

static const char *const sch_user_agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
};
/* What a remote-desktop client reports when the browser runs on the far machine. */
static const char *const sch_rdp_agents[] = {"Microsoft Remote Desktop/10.9.5 (Windows NT 10.0)",
                                             "AnyDesk/8.0.9 (Windows)",
                                             "TeamViewer/15.52 (Windows 10)"};

static int64_t sch_clamp(const sch_ctx *c, int64_t ts)
{
    return ts < c->w->t0 ? c->w->t0 : ts >= c->t_end ? c->t_end - 1 : ts;
}

static void sch_id(gen_out *t, const gen_world *w, uint32_t i)
{
    gen_out_id(t, 'u', w->acct[i].pub, 8);
}

static void sch_login(sch_ctx *c, uint32_t i, int64_t ts, uint32_t ip, uint16_t blk, uint64_t dev,
                      uint32_t secs, const char *ua)
{
    gen_out *t = c->t[GEN_T_LOGINS];
    gen_out_ts(t, sch_clamp(c, ts));
    sch_id(t, c->w, i);
    gen_out_ipv4(t, ip);
    gen_out_id(t, 'd', dev, 14);
    gen_out_u64(t, secs);
    if (!c->o->no_user_agent)
        gen_out_quoted(t, ua ? ua : sch_user_agents[dev % 4]);
    if (c->o->enrich && c->w->ipdb) {
        gen_ipdb_info in;
        gen_ipdb_describe(c->w->ipdb, ip, &in);
        if (in.cc[0])
            gen_out_str(t, in.cc);
        else
            gen_out_empty(t);
        if (in.org) {
            gen_out_u64(t, in.asn);
            gen_out_quoted(t, in.org);
        } else {
            gen_out_empty(t);
            gen_out_empty(t);
        }
    } else if (c->o->enrich) {
        const gen_geo_block *b = gen_geo_block_at(blk);
        gen_out_str(t, b->cc);
        gen_out_u64(t, b->asn);
        gen_out_quoted(t, b->org);
    }
    gen_out_eol(t);
}

/* Project ids from a counter range of their own: the base generator's hires count up from
 * 1 and its lost bids live in the upper half, so [2^30, 2^31) is free. The mixing is the
 * same bijection, so the ids look alike. */
static void sch_project(gen_out *t, uint32_t p)
{
    p *= 0x2c1b3c6du;
    p ^= p >> 12;
    p *= 0x297a2d39u;
    p ^= p >> 15;
    gen_out_id(t, 'j', p, 8);
}

static void sch_bid(sch_ctx *c, int64_t ts, uint32_t f, uint32_t proj, uint32_t cl, int accepted,
                    uint64_t salt)
{
    gen_out *t = c->t[GEN_T_BIDS];
    gen_out_ts(t, sch_clamp(c, ts));
    sch_id(t, c->w, f);
    sch_project(t, proj);
    sch_id(t, c->w, cl);
    gen_out_u64(t, accepted ? 1 : 0);
    if (c->o->identity) {
        const gen_acct *a = &c->w->acct[f];
        if (a->pop == GEN_POP_NO_INFRA && (a->behav & GEN_BIT(GEN_B_TEXT_REUSE))) {
            /* The ring's two cover letters, sent as they are. */
            const sch_group *g = sch_group_of(c->w, f);
            gen_ident_bid_text(c->w, g->first, g->key % 1000 + salt % 2, c->text, sizeof c->text);
        } else {
            gen_ident_bid_text(c->w, f, salt, c->text, sizeof c->text);
        }
        gen_out_quoted(t, c->text);
    }
    gen_out_eol(t);
}

static void sch_payout_row(sch_ctx *c, int64_t ts, uint32_t i, const char *dest, int64_t cents,
                           const char *method, const char *cc)
{
    gen_out *t = c->t[GEN_T_PAYOUTS];
    gen_out_ts(t, sch_clamp(c, ts));
    sch_id(t, c->w, i);
    gen_out_str(t, dest);
    gen_out_cents(t, cents);
    gen_out_str(t, "USD");
    gen_out_str(t, method);
    if (cc)
        gen_out_str(t, cc);
    else
        gen_out_empty(t);
    gen_out_eol(t);
}

static void sch_port(sch_ctx *c, int64_t ts, uint32_t ip, unsigned port, const char *service)
{
    gen_out *t = c->t[GEN_T_PORTS];
    gen_out_ts(t, sch_clamp(c, ts));
    gen_out_ipv4(t, ip);
    gen_out_empty(t);
    gen_out_u64(t, port);
    gen_out_str(t, service);
    gen_out_eol(t);
}

static void sch_port_series(sch_ctx *c, gen_rng *r, uint32_t ip, unsigned port, const char *svc,
                            uint32_t lo, uint32_t hi)
{
    for (int64_t d = gen_rng_below(r, hi); d < (int64_t)c->o->days; d += gen_rng_range(r, lo, hi))
        sch_port(c, c->w->t0 + d * DAY + gen_rng_below(r, DAY), ip, port, svc);
}

/* One hire of freelancer f by client cl on day d: the accepted bid, one charge on
 * instrument (cents), and a rating (stars, or none when 0). */
static void sch_hire(sch_ctx *c, gen_rng *r, uint32_t cl, uint32_t f, int64_t ts, int64_t cents,
                     uint64_t instrument, uint32_t stars)
{
    uint32_t proj = c->proj++;
    sch_bid(c, ts - gen_rng_range(r, HOUR, 2 * DAY), f, proj, cl, 1, (uint64_t)proj << 8);
    int64_t paid = ts + (int64_t)gen_rng_range(r, 2, 10) * DAY;
    if (paid >= c->t_end)
        return;
    gen_out *t = c->t[GEN_T_CHARGES];
    gen_out_ts(t, paid);
    sch_id(t, c->w, cl);
    sch_id(t, c->w, f);
    gen_out_cents(t, cents);
    gen_out_str(t, "USD");
    gen_out_id(t, 'p', instrument, 14);
    gen_out_eol(t);
    if (!stars)
        return;
    t = c->t[GEN_T_RATINGS];
    gen_out_ts(t, sch_clamp(c, paid + gen_rng_below(r, 2 * DAY)));
    sch_id(t, c->w, cl);
    sch_id(t, c->w, f);
    gen_out_u64(t, stars);
    sch_project(t, proj);
    gen_out_eol(t);
}

static uint32_t sch_stars(gen_rng *r)
{
    uint32_t x = gen_rng_below(r, 100);
    return x < 62 ? 5 : x < 87 ? 4 : x < 94 ? 3 : x < 97 ? 2 : 1;
}

/* ------------------------------------------------------------------ behaviour */

/* Whether scheme account i is operated by the ring on day d (rented accounts: from the
 * handover on; ring schemes: always; look-alikes: never). */
static int sch_operated(const gen_acct *a, int64_t d)
{
    if (a->pop == GEN_POP_RENTED)
        return d >= a->trip;
    return sch_is_ring(a->pop) || a->pop == GEN_POP_SLOW_SHILL_CLIENT;
}

/* Local working-day offset of account a on day d: hours (UTC+h) it keeps. */
static int sch_tz(const gen_world *w, const gen_acct *a, int64_t d)
{
    if (a->pop == GEN_POP_LAPTOP_FARM)
        return 9; /* Korean working hours, whatever the persona claims */
    if (a->pop == GEN_POP_NO_INFRA || a->pop == GEN_POP_CRYPTO_RING)
        return 8;
    if (a->pop == GEN_POP_RENTED && d >= a->trip)
        return 8 + (int)(gen_rng_mix(w->o->seed ^ SCH_KEY, a->pub) & 1);
    return gen_geo_country_at(a->loc)->utc_offset;
}

/* Nomad's country on day d: a new one every a->trip days, drawn from the stay's number. */
static int sch_nomad_cc(const gen_world *w, const gen_acct *a, int64_t d)
{
    static const char *const stays[] = {"US", "GB", "DE", "FR", "NL", "PL", "BR", "PH", "CA"};
    int64_t stay = (d + 1000) / (a->trip ? a->trip : 7);
    if (stay % 3 == 0)
        return a->cc; /* home between trips */
    return gen_world_cc_index(stays[gen_rng_mix(w->o->seed ^ a->pub, (uint64_t)stay) % 9]);
}

/* The address, block, device and user agent of one session of account i on day d. */
static void sch_where(const sch_ctx *c, uint32_t i, int64_t d, gen_rng *r, uint32_t *ip,
                      uint16_t *blk, uint64_t *dev, const char **ua)
{
    const gen_world *w = c->w;
    const gen_acct *a = &w->acct[i];
    const sch_group *g = sch_group_of(w, i);
    uint64_t hkey = gen_rng_mix(w->o->seed ^ SCH_KEY, a->pub);
    uint64_t epoch = (uint64_t)(d + 1000) / (a->rot ? a->rot : 5);
    *blk = a->isp;
    *ip = gen_world_addr(w, a->isp, gen_rng_mix(hkey, epoch));
    *dev = gen_world_device(w, i, gen_rng_below(r, a->ndev));
    *ua = NULL;
    switch (a->pop) {
    case GEN_POP_LAPTOP_FARM:
        *ip = g->ip; /* the facilitator's line, never a VPN */
        *blk = g->blk;
        *dev = gen_world_device(w, i, 0);
        if ((i - g->first) % 2 == 0)
            *ua = sch_rdp_agents[(i - g->first) / 2 % 3];
        break;
    case GEN_POP_NO_INFRA: /* a residential proxy: a fresh home address every session */
        *ip = gen_world_addr(w, a->isp, gen_rng_next(r));
        *dev = gen_world_device(w, i, 0);
        break;
    case GEN_POP_CRYPTO_RING:
        *blk = a->vpn;
        *ip = gen_world_addr(w, a->vpn, gen_rng_mix(g->key, gen_rng_below(r, 8)));
        *dev = gen_world_device(w, i, 0);
        break;
    case GEN_POP_RENTED:
        if (d < a->trip)
            break;
        *dev = gen_world_device(w, i, 4 + gen_rng_below(r, 2)); /* the renter's machines */
        if (g->vpn) {
            *blk = a->vpn;
            *ip = gen_world_addr(w, a->vpn, gen_rng_mix(g->key, gen_rng_below(r, 12)));
        } else {
            *ip = gen_world_addr(w, a->isp, gen_rng_next(r));
        }
        break;
    case GEN_POP_COWORKING:
    case GEN_POP_PAYROLL_AGENCY:
        if (gen_rng_chance(r, 0.85)) {
            *ip = g->ip;
            *blk = g->blk;
        }
        break;
    case GEN_POP_CGNAT_POOL:
        *blk = g->blk;
        *ip = gen_world_addr(w, g->blk, gen_rng_mix(g->key, gen_rng_below(r, g->pool)));
        *dev = gen_world_device(w, i, 0); /* their phone */
        break;
    case GEN_POP_NOMAD: {
        int cc = sch_nomad_cc(w, a, d);
        if (cc != a->cc) {
            uint64_t stay = (uint64_t)(d + 1000) / (a->trip ? a->trip : 7);
            gen_rng rr;
            gen_rng_seed(&rr, w->o->seed ^ SCH_KEY, a->pub, stay);
            *blk = sch_block(&rr, cc, GEN_GEO_RES);
            *ip = gen_world_addr(w, *blk, gen_rng_next(&rr));
        }
        *dev = gen_world_device(w, i, 0);
        break;
    }
    case GEN_POP_IT_ADMIN: /* a static business-class line */
        *ip = gen_world_addr(w, a->isp, hkey);
        break;
    default:
        break;
    }
}

/* Start hour (local) range and session length range, seconds, of account a on day d. */
static void sch_hours(const gen_acct *a, int64_t d, int *h0, int *h1, uint32_t *s0, uint32_t *s1)
{
    *h0 = 9;
    *h1 = 18;
    *s0 = 30 * 60;
    *s1 = 4 * HOUR;
    switch (a->pop) {
    case GEN_POP_LAPTOP_FARM: /* 09-12 KST = 00-03 UTC; kept open for half a day or more */
        *h1 = 12;
        *s0 = 12 * HOUR;
        *s1 = 24 * HOUR;
        break;
    case GEN_POP_NIGHT_WORKER:
        *h0 = 22;
        *h1 = 26;
        *s0 = 3 * HOUR;
        *s1 = 8 * HOUR;
        break;
    case GEN_POP_IT_ADMIN:
        *h0 = 7;
        *h1 = 10;
        *s0 = 12 * HOUR;
        *s1 = 30 * HOUR;
        break;
    case GEN_POP_COWORKING:
    case GEN_POP_PAYROLL_AGENCY:
        *h0 = 8;
        *h1 = 11;
        *s0 = 3 * HOUR;
        *s1 = 9 * HOUR;
        break;
    case GEN_POP_CGNAT_POOL:
        *h0 = 7;
        *h1 = 23;
        *s0 = 5 * 60;
        *s1 = 90 * 60;
        break;
    case GEN_POP_RENTED:
        if (d >= a->trip) {
            *s0 = 2 * HOUR;
            *s1 = 10 * HOUR;
        }
        break;
    default:
        break;
    }
}

static int sch_weekend(const sch_ctx *c, int64_t d)
{
    int64_t wd = (c->o->start_day + d + 4) % 7; /* 1970-01-01 was a Thursday */
    return wd == 0 || wd == 6;
}

/* Logins and lost bids of freelancer i. */
static void sch_freelancer_days(sch_ctx *c, uint32_t i, gen_rng *r)
{
    const gen_acct *a = &c->w->acct[i];
    const int office = a->pop == GEN_POP_COWORKING || a->pop == GEN_POP_PAYROLL_AGENCY ||
                       a->pop == GEN_POP_LAPTOP_FARM;
    double bid_boost = gen_rng_range(r, 3, 5);
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if (!gen_rng_chance(r, sch_weekend(c, d) ? (office ? 0.15 : 0.5) : 0.9))
            continue;
        int h0, h1;
        uint32_t s0, s1;
        sch_hours(a, d, &h0, &h1, &s0, &s1);
        const int tz = sch_tz(c->w, a, d);
        const int64_t day0 = c->w->t0 + d * DAY - (int64_t)tz * HOUR;
        uint32_t ns = a->pop == GEN_POP_CGNAT_POOL ? gen_rng_range(r, 1, 4) : 1;
        for (uint32_t k = 0; k < ns; k++) {
            uint32_t ip;
            uint16_t blk;
            uint64_t dev;
            const char *ua;
            sch_where(c, i, d, r, &ip, &blk, &dev, &ua);
            int64_t ts = day0 + (int64_t)h0 * HOUR + gen_rng_below(r, (uint32_t)(h1 - h0) * HOUR);
            sch_login(c, i, ts, ip, blk, dev, gen_rng_range(r, s0, s1), ua);
        }
        /* Lost bids in working hours; operated accounts bid 3-5 times as much. */
        double per_day = 0.35;
        if (a->pop == GEN_POP_RENTED && d >= a->trip)
            per_day *= bid_boost;
        else if (sch_operated(a, d))
            per_day = 1.0;
        uint32_t nb = gen_rng_poisson(r, per_day);
        for (uint32_t k = 0; k < nb; k++) {
            uint32_t cl =
                c->w->benign_client_first + gen_rng_below(r, c->w->n - c->w->benign_client_first);
            sch_bid(c, day0 + (int64_t)h0 * HOUR + gen_rng_below(r, 9 * HOUR), i,
                    0x40000000u | (uint32_t)(gen_rng_next(r) & 0x3fffffffu), cl, 0,
                    gen_rng_next(r));
        }
    }
}

/* Wallet-shaped destination id of key h: bech32 (bc1q...) or an Ethereum address. */
static void sch_wallet(uint64_t h, char *buf, size_t len)
{
    static const char b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    if (h & 1) {
        snprintf(buf, len, "0x%016llx%016llx%08x", (unsigned long long)gen_rng_mix(h, 1),
                 (unsigned long long)gen_rng_mix(h, 2), (unsigned)(gen_rng_mix(h, 3) >> 32));
        return;
    }
    size_t n = 0;
    n += (size_t)snprintf(buf, len, "bc1q");
    for (uint32_t k = 0; k < 38 && n + 1 < len; k++)
        buf[n++] = b32[gen_rng_mix(h, k + 10) % 32];
    buf[n < len ? n : len - 1] = 0;
}

/* Destination, method and country of freelancer i's payout on day d. */
static void sch_dest(const sch_ctx *c, uint32_t i, int64_t d, gen_rng *r, char *dest, size_t len,
                     const char **method, const char **cc)
{
    const gen_world *w = c->w;
    const gen_acct *a = &w->acct[i];
    const sch_group *g = sch_group_of(w, i);
    uint64_t id = gen_world_dest(w, i);
    *method = gen_geo_country_at(a->cc)->bank;
    *cc = gen_world_cc(a->cc);
    if (a->pop == GEN_POP_LAPTOP_FARM || a->pop == GEN_POP_NO_INFRA) {
        *method = "bank"; /* a US account: the facilitator's or a mule's */
        *cc = "US";
    } else if (a->pop == GEN_POP_PAYROLL_AGENCY) {
        id = gen_rng_mix(g->key, 0x61676e6379ull) & 0xffffffffffffffull;
        *method = "bank";
        *cc = gen_world_cc(g->cc);
    } else if (a->pop == GEN_POP_RENTED && d >= a->trip) {
        /* Mostly each its own Hong Kong or mainland account, some shared. */
        uint64_t k = a->peer != GEN_NONE ? gen_rng_mix(g->key, a->peer) : gen_rng_mix(id, 0x726e74);
        id = k & 0xffffffffffffffull;
        *cc = (k >> 60) % 3 ? "HK" : "CN";
        *method = strcmp(*cc, "CN") == 0 ? "alipay" : "bank";
    } else if (a->pop == GEN_POP_CRYPTO_RING) {
        uint64_t h = gen_rng_chance(r, 0.7) ? gen_rng_mix(g->key, gen_rng_below(r, g->nshared))
                                            : gen_rng_mix(g->key, 0x6f776eull + i);
        sch_wallet(h, dest, len);
        *method = "crypto";
        *cc = NULL;
        return;
    }
    snprintf(dest, len, "p%014llx", (unsigned long long)id);
}

static void sch_payouts(sch_ctx *c, uint32_t i, gen_rng *r)
{
    const gen_acct *a = &c->w->acct[i];
    uint32_t period = gen_rng_chance(r, 0.6) ? 7 : 14, phase = gen_rng_below(r, period);
    for (int64_t d = a->created > 0 ? a->created : 0; d < (int64_t)c->o->days; d++) {
        if ((uint64_t)(d + phase) % period != 0)
            continue;
        char dest[96];
        const char *method, *cc;
        sch_dest(c, i, d, r, dest, sizeof dest, &method, &cc);
        int64_t cents = (int64_t)gen_rng_lognormal(r, log(35000.0), 0.8);
        sch_payout_row(c, c->w->t0 + d * DAY + 6 * HOUR + gen_rng_below(r, 12 * HOUR), i, dest,
                       cents < 2000 ? 2000 : cents, method, cc);
    }
}

/* Honest hires of freelancer i by random clients, every 6-20 days (rented accounts: only
 * before the handover, their genuine history). */
static void sch_honest_work(sch_ctx *c, uint32_t i, gen_rng *r)
{
    const gen_world *w = c->w;
    const gen_acct *a = &w->acct[i];
    for (int64_t d = gen_rng_below(r, 10); d < (int64_t)c->o->days; d += gen_rng_range(r, 6, 20)) {
        if (a->pop == GEN_POP_RENTED && d >= a->trip)
            break;
        uint32_t cl = w->benign_client_first + gen_rng_below(r, w->n - w->benign_client_first);
        int64_t cents = (int64_t)gen_rng_lognormal(r, log(40000.0), 0.7);
        sch_hire(c, r, cl, i, w->t0 + d * DAY + 14 * HOUR + gen_rng_below(r, 8 * HOUR), cents,
                 gen_world_dest(w, cl), gen_rng_chance(r, 0.7) ? sch_stars(r) : 0);
    }
}

/* A slow shill ring: every shill client gives five stars to a few of the ring's
 * freelancers at evenly spaced days over the whole window (never a burst), pays a little
 * over the usual price, and pays with one of the ring's two or three cards. */
static void sch_slow_shill(sch_ctx *c, const sch_group *g, gen_rng *r)
{
    const gen_world *w = c->w;
    for (uint32_t s = g->nfl; s < g->n; s++) {
        uint32_t cl = g->first + s;
        uint32_t nrate = gen_rng_range(r, 2, 4);
        uint32_t gap = c->o->days / nrate ? c->o->days / nrate : 1;
        uint32_t off = gen_rng_below(r, gap);
        uint64_t card = gen_rng_mix(g->key, 0x63617264ull + s % g->nshared) & 0xffffffffffffffull;
        for (uint32_t k = 0; k < nrate; k++) {
            uint32_t f = g->first + (s + k) % g->nfl;
            int64_t d = (int64_t)off + (int64_t)k * gap;
            int64_t cents = (int64_t)(40000.0 * (1.05 + 0.15 * gen_rng_unit(r)));
            sch_hire(c, r, cl, f, w->t0 + d * DAY + 15 * HOUR + gen_rng_below(r, 6 * HOUR), cents,
                     card, 5);
        }
        /* The shill client's own logins: a few a week from its home line. */
        const gen_acct *a = &w->acct[cl];
        uint64_t dev = gen_world_device(w, cl, 0);
        for (int64_t d = gen_rng_below(r, 3); d < (int64_t)c->o->days;
             d += gen_rng_range(r, 1, 4)) {
            int tz = gen_geo_country_at(a->cc)->utc_offset;
            int64_t ts =
                w->t0 + d * DAY - (int64_t)tz * HOUR + 9 * HOUR + gen_rng_below(r, 12 * HOUR);
            uint32_t ip = gen_world_addr(w, a->isp, gen_rng_mix(a->pub, (uint64_t)(d / a->rot)));
            sch_login(c, cl, ts, ip, a->isp, dev, gen_rng_range(r, 600, 3 * HOUR), NULL);
        }
    }
}

static void sch_accounts_rows(sch_ctx *c)
{
    const gen_world *w = c->w;
    gen_out *t = c->t[GEN_T_ACCOUNTS];
    for (uint32_t j = 0; j < w->ns; j++) {
        uint32_t i = w->sch->order[j];
        const gen_acct *a = &w->acct[i];
        sch_id(t, w, i);
        gen_out_str(t, a->role ? "client" : "freelancer");
        gen_out_ts(t, w->t0 + (int64_t)a->created * DAY +
                          (int64_t)(gen_rng_mix(c->o->seed ^ a->pub, 0x63726561ull) % DAY));
        gen_out_str(t, gen_world_cc(a->cc));
        if (c->o->identity) {
            const sch_group *g = sch_group_of(w, i);
            /* A no-infrastructure ring's members carry one profile, the ring's. */
            int reuse = a->pop == GEN_POP_NO_INFRA && (a->behav & GEN_BIT(GEN_B_TEXT_REUSE));
            gen_ident_profile_text(w, reuse ? g->first : i, c->text, sizeof c->text);
            gen_out_quoted(t, c->text);
        }
        gen_out_eol(t);
    }
}

void gen_scheme_events(gen_world *w, gen_out *const *t)
{
    if (!w->sch)
        return;
    sch_ctx *c = sch_calloc(1, sizeof *c);
    c->w = w;
    c->o = w->o;
    c->t = t;
    c->t_end = w->t0 + (int64_t)w->o->days * DAY;
    c->proj = 0x40000000u;
    sch_accounts_rows(c);
    for (uint32_t j = 0; j < w->ns; j++) {
        uint32_t i = w->sch->order[j];
        if (w->acct[i].role)
            continue;
        gen_rng r;
        gen_rng_seed(&r, w->o->seed ^ SCH_KEY, 1, i);
        sch_freelancer_days(c, i, &r);
        gen_rng_seed(&r, w->o->seed ^ SCH_KEY, 2, i);
        sch_payouts(c, i, &r);
        gen_rng_seed(&r, w->o->seed ^ SCH_KEY, 3, i);
        sch_honest_work(c, i, &r);
    }
    gen_rng r;
    gen_rng_seed(&r, w->o->seed ^ SCH_KEY, 4, 0);
    for (uint32_t k = 0; k < w->sch->ng; k++) {
        const sch_group *g = &w->sch->g[k];
        if (g->pop == GEN_POP_SLOW_SHILL)
            sch_slow_shill(c, g, &r);
        if (g->pop == GEN_POP_LAPTOP_FARM) {
            /* The line itself answers on remote-desktop ports. */
            sch_port_series(c, &r, g->ip, 3389, "rdp", 2, 5);
            if (gen_rng_chance(&r, 0.6))
                sch_port_series(c, &r, g->ip, 5938, "teamviewer", 4, 9);
        }
        if (g->pop == GEN_POP_COWORKING || g->pop == GEN_POP_PAYROLL_AGENCY)
            sch_port_series(c, &r, g->ip, 443, "https", 5, 10);
        if (g->pop == GEN_POP_IT_ADMIN)
            for (uint32_t i = g->first; i < g->first + g->n; i++)
                sch_port_series(c, &r,
                                gen_world_addr(w, w->acct[i].isp,
                                               gen_rng_mix(w->o->seed ^ SCH_KEY, w->acct[i].pub)),
                                3389, "rdp", 3, 8);
    }
    free(c);
}

/* ------------------------------------------------------------------ identities */

static const char *const sch_given[] = {
    "James", "Mary",  "Robert", "Patricia", "John",    "Jennifer", "Michael", "Linda",
    "David", "Susan", "Daniel", "Karen",    "Matthew", "Nancy",    "Kevin",   "Laura",
    "Brian", "Amy",   "Arjun",  "Olena",    "Ravi",    "Maria",    "Tomasz",  "Chidi"};
static const char *const sch_family[] = {
    "Smith",    "Johnson", "Williams", "Brown",     "Jones",  "Miller",  "Davis", "Wilson",
    "Anderson", "Taylor",  "Thomas",   "Moore",     "Martin", "Jackson", "White", "Harris",
    "Clark",    "Lewis",   "Sharma",   "Kovalenko", "Nowak",  "Okafor",  "Silva", "Reyes"};
static const char *const sch_cn_family[] = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang"};
static const char *const sch_cn_given[] = {"Wei", "Fang", "Lei", "Jing", "Hao", "Min"};
#define SCH_N(a) (sizeof a / sizeof *a)

/* A person's name from key h, written one of a few ways (spelling 0-2). */
static void sch_name(uint64_t h, unsigned spelling, char *buf, size_t len)
{
    const char *g = sch_given[h % SCH_N(sch_given)];
    const char *f = sch_family[(h >> 20) % SCH_N(sch_family)];
    if (spelling % 3 == 1) {
        char up[32];
        size_t k = 0;
        for (; f[k] && k + 1 < sizeof up; k++)
            up[k] = (char)(f[k] >= 'a' && f[k] <= 'z' ? f[k] - 32 : f[k]);
        up[k] = 0;
        snprintf(buf, len, "%s, %s", up, g);
    } else if (spelling % 3 == 2) {
        snprintf(buf, len, "%s %c. %s", g, 'A' + (int)((h >> 40) % 26), f);
    } else {
        snprintf(buf, len, "%s %s", g, f);
    }
}

static void sch_attr(gen_out *t, const gen_world *w, uint32_t i, const char *kind,
                     const char *value, int64_t ts, const char *source)
{
    sch_id(t, w, i);
    gen_out_str(t, kind);
    gen_out_quoted(t, value);
    gen_out_ts(t, ts);
    gen_out_str(t, source);
    gen_out_eol(t);
}

/* The payout holder of freelancer i (the name on its destination account). */
static void sch_holder(const gen_world *w, uint32_t i, uint64_t own, char *buf, size_t len)
{
    const gen_acct *a = &w->acct[i];
    const sch_group *g = sch_group_of(w, i);
    if (a->pop == GEN_POP_LAPTOP_FARM) /* the facilitator, in one of 1-2 spellings */
        sch_name(gen_rng_mix(g->key, 0x66616369ull), (i - g->first) % g->nshared, buf, len);
    else if (a->pop == GEN_POP_NO_INFRA) /* a mule: someone else altogether */
        sch_name(gen_rng_mix(own, 0x6d756c65ull) ^ 0x55, 0, buf, len);
    else if (a->pop == GEN_POP_PAYROLL_AGENCY)
        snprintf(buf, len, "%s %s Ltd", sch_family[g->key % SCH_N(sch_family)],
                 (g->key >> 8) & 1 ? "Digital Solutions" : "Software Services");
    else
        sch_name(own, 0, buf, len);
}

void gen_scheme_attributes(const gen_world *w, gen_out *t)
{
    if (!w->sch)
        return;
    for (uint32_t j = 0; j < w->ns; j++) {
        uint32_t i = w->sch->order[j];
        const gen_acct *a = &w->acct[i];
        const sch_group *g = sch_group_of(w, i);
        uint64_t own = gen_rng_mix(w->o->seed ^ SCH_KEY, (uint64_t)a->pub << 8);
        int64_t ts = w->t0 + (int64_t)a->created * DAY + (int64_t)(own % DAY);
        char v[160], nm[80];
        sch_name(own, 0, nm, sizeof nm);
        sch_attr(t, w, i, "name", nm, ts, "signup");
        const char *f = sch_family[(own >> 20) % SCH_N(sch_family)];
        /* A mail service gives each mailbox once and a platform takes each address for
         * one account: the number is the account's own (j times a unit modulo 10^5, so
         * no two scheme accounts draw one), never a namesake's. */
        unsigned box = (unsigned)((j * 7919u + (uint32_t)(w->o->seed % 100000u)) % 100000u);
        snprintf(v, sizeof v, "%c.%s%05u@%s", sch_given[own % SCH_N(sch_given)][0] + 32, f, box,
                 (own >> 33) & 1 ? "gmail.com" : "outlook.com");
        for (char *p = v; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        sch_attr(t, w, i, "email", v, ts, "signup");
        uint64_t ph = (a->behav & GEN_BIT(GEN_B_IDENTITY_REUSE)) && a->pop == GEN_POP_NO_INFRA
                          ? gen_rng_mix(g->key, (i - g->first) % g->nshared)
                          : own;
        snprintf(v, sizeof v, "+1 %03u %03u %04u", 201 + (unsigned)(ph % 700),
                 200 + (unsigned)((ph >> 12) % 800), (unsigned)((ph >> 24) % 10000));
        sch_attr(t, w, i, "phone", v, ts, "signup");
        uint64_t photo = gen_rng_mix(own, 0x70686f746full);
        if (a->pop == GEN_POP_NO_INFRA && (a->behav & GEN_BIT(GEN_B_PHOTO_REUSE))) {
            /* the ring's photo, re-encoded: 0-4 bits differ */
            photo = gen_rng_mix(g->key, 0x70686f746full);
            for (uint32_t k = 0; k < (own >> 5) % 5; k++)
                photo ^= 1ull << (gen_rng_mix(own, k) % 64);
        }
        snprintf(v, sizeof v, "%016llx", (unsigned long long)photo);
        sch_attr(t, w, i, "photo_hash", v, ts, "kyc");
        if (a->role)
            continue;
        sch_holder(w, i, own, v, sizeof v);
        sch_attr(t, w, i, "payout_holder", v, ts, "payout");
        if (a->pop == GEN_POP_RENTED) { /* the renter's new account, from the handover */
            snprintf(v, sizeof v, "%s %s", sch_cn_family[own % SCH_N(sch_cn_family)],
                     sch_cn_given[(own >> 9) % SCH_N(sch_cn_given)]);
            sch_attr(t, w, i, "payout_holder", v, w->t0 + (int64_t)a->trip * DAY + 7 * HOUR,
                     "payout");
        }
    }
}

/* ------------------------------------------------------------------ truth */

void gen_scheme_truth_row(const gen_world *w, uint32_t i, gen_out *t)
{
    const gen_acct *a = &w->acct[i];
    const sch_group *g = sch_group_of(w, i);
    char buf[512];
    size_t len = 0;
    sch_id(t, w, i);
    gen_out_str(t, a->role ? "client" : "freelancer");
    if (g->ring != GEN_NONE) {
        char rid[16];
        gen_truth_ring_id(rid, sizeof rid, g->ring);
        gen_out_str(t, rid);
    } else {
        gen_out_empty(t);
    }
    gen_out_str(t, gen_world_pop_name(a->pop));
    buf[0] = 0;
    for (int b = 0; b < GEN_B_COUNT; b++) {
        if (!(a->behav & GEN_BIT(b)))
            continue;
        int n =
            snprintf(buf + len, sizeof buf - len, "%s%s", len ? ";" : "", gen_world_behav_name(b));
        if (n > 0 && (size_t)n < sizeof buf - len)
            len += (size_t)n;
    }
    gen_out_str(t, buf);
    /* Look-alike groups that share something get a group id after the base groups'. */
    if (g->ring == GEN_NONE && (g->pop == GEN_POP_COWORKING || g->pop == GEN_POP_CGNAT_POOL ||
                                g->pop == GEN_POP_PAYROLL_AGENCY))
        gen_out_id(t, 'G', w->ngroups + a->op, 5);
    else
        gen_out_empty(t);
    gen_out_eol(t);
}

int gen_scheme_write_handover(const gen_world *w, const char *dir)
{
    gen_out *t = NULL;
    if (gen_out_open(&t, dir, "truth-handover.csv", 0, "account_id,handover_at") != 0)
        return -1;
    for (uint32_t j = 0; w->sch && j < w->ns; j++) {
        uint32_t i = w->sch->order[j];
        if (w->acct[i].pop != GEN_POP_RENTED)
            continue;
        sch_id(t, w, i);
        gen_out_ts(t, w->t0 + (int64_t)w->acct[i].trip * DAY);
        gen_out_eol(t);
    }
    return gen_out_close(t, 1);
}
