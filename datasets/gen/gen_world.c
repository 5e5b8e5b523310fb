/* gen_world.c - builds the simulated population; see gen_world.h.
 *
 * Every random choice here draws from streams keyed by (seed, purpose, index), so the
 * population depends only on the options and the seed. Country weights are rough shares
 * of the freelance labour market (freelancers) and of the buying side (clients); they are
 * plausible, not measured.
 */
#include "datasets/gen/gen_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/gen/gen_events.h"
#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_rng.h"
#include "datasets/gen/gen_scheme.h"

typedef struct world_weight {
    const char *cc;
    unsigned w;
} world_weight;

static const world_weight world_freelancer_cc[] = {
    {"US", 14}, {"IN", 16}, {"PK", 8}, {"UA", 7}, {"PH", 10}, {"BR", 6}, {"GB", 6}, {"DE", 4},
    {"NG", 6},  {"CA", 3},  {"FR", 3}, {"PL", 3}, {"NL", 2},  {"CN", 1}, {"RU", 1}, {NULL, 0}};
static const world_weight world_client_cc[] = {{"US", 50}, {"GB", 12}, {"CA", 8}, {"DE", 8},
                                               {"FR", 5},  {"NL", 5},  {"PL", 2}, {"IN", 4},
                                               {"BR", 3},  {NULL, 0}};
/* Countries ring accounts claim: the advisory's US/CA/GB/EU personas. */
static const world_weight world_claim_cc[] = {{"US", 50}, {"CA", 10}, {"GB", 12}, {"DE", 8},
                                              {"FR", 6},  {"NL", 6},  {"PL", 8},  {NULL, 0}};
/* Agencies sit in countries that are not high risk. */
static const world_weight world_agency_cc[] = {{"IN", 5}, {"PH", 4}, {"UA", 3},
                                               {"PK", 3}, {"US", 2}, {"GB", 1},
                                               {"PL", 2}, {"BR", 1}, {NULL, 0}};
static const world_weight world_travel_cc[] = {{"US", 5}, {"GB", 4}, {"DE", 3}, {"FR", 3},
                                               {"NL", 2}, {"CA", 2}, {"PL", 1}, {"IN", 1},
                                               {"PH", 1}, {NULL, 0}};
static const world_weight world_vpn_cc[] = {{"US", 5}, {"GB", 2}, {"DE", 2},
                                            {"NL", 3}, {"FR", 1}, {NULL, 0}};
static const world_weight world_ring_dest_cc[] = {
    {"CN", 60}, {"HK", 15}, {"RU", 10}, {"US", 15}, {NULL, 0}};

static const char *const world_pop_names[GEN_POP_COUNT] = {"ordinary",
                                                           "mobile_cgnat",
                                                           "office",
                                                           "household",
                                                           "vpn",
                                                           "traveller",
                                                           "agency",
                                                           "overnight",
                                                           "heavy_bidder",
                                                           "milestone",
                                                           "shared_control",
                                                           "relocator",
                                                           "cloud_desktop",
                                                           "crypto_payee",
                                                           "cohort",
                                                           "ring_freelancer",
                                                           "client",
                                                           "enterprise_client",
                                                           "milestone_client",
                                                           "review_sweep_client",
                                                           "hiring_team_client",
                                                           "shill_client",
                                                           "laptop_farm",
                                                           "slow_shill",
                                                           "slow_shill_client",
                                                           "rented",
                                                           "no_infra",
                                                           "crypto_ring",
                                                           "coworking",
                                                           "cgnat",
                                                           "payroll_agency",
                                                           "night_worker",
                                                           "nomad",
                                                           "it_admin"};

static const char *const world_behav_names[GEN_B_COUNT] = {
    "operator_abroad",    "anon_network",   "laptop_farm",
    "shared_device",      "geo_hop",        "long_session",
    "bid_spam",           "shill_rated",    "shill_rating",
    "self_dealing",       "shared_payout",  "high_risk_payout",
    "structured_charges", "camouflage",     "cgnat",
    "office_nat",         "household_ip",   "household_device",
    "commercial_vpn",     "travel",         "agency_payout",
    "overnight_session",  "heavy_bidding",  "milestones",
    "quarter_end_burst",  "remote_desktop", "structuring_victim",
    "shared_control",     "relocated",      "cloud_desktop",
    "crypto_payout",      "cohort",         "review_sweep",
    "hiring_team",        "disciplined",    "text_reuse",
    "identity_reuse",     "photo_reuse",    "shipping_farm",
    "mule_payout",        "spouse_payout",  "company_shipping"};

const char *gen_world_pop_name(int pop)
{
    return pop >= 0 && pop < GEN_POP_COUNT ? world_pop_names[pop] : "?";
}

int gen_world_in_ring(const gen_acct *a)
{
    return a->pop == GEN_POP_RING || (a->chan & GEN_CH_OWN) != 0;
}

const char *gen_world_behav_name(int b)
{
    return b >= 0 && b < GEN_B_COUNT ? world_behav_names[b] : "?";
}

const char *gen_world_cc(int c)
{
    const gen_geo_country *k = gen_geo_country_at((size_t)c);
    return k ? k->cc : "??";
}

static int world_cc_index(const char *cc)
{
    if (!cc)
        return 0;
    for (size_t i = 0; i < gen_geo_country_count(); i++)
        if (strcmp(gen_geo_country_at(i)->cc, cc) == 0)
            return (int)i;
    return 0;
}

int gen_world_cc_index(const char *cc)
{
    return world_cc_index(cc);
}

static int world_pick_cc(gen_rng *r, const world_weight *t)
{
    unsigned total = 0;
    for (const world_weight *p = t; p->cc; p++)
        total += p->w;
    unsigned x = gen_rng_below(r, total);
    for (const world_weight *p = t; p->cc; p++) {
        if (x < p->w)
            return world_cc_index(p->cc);
        x -= p->w;
    }
    return world_cc_index(t[0].cc);
}

/* Block of country c and kind, chosen at random; falls back to residential, then to the
 * first block of the table, so callers always get a usable block. */
static uint16_t world_pick_block(gen_rng *r, int c, int kind)
{
    const char *cc = gen_world_cc(c);
    size_t n = gen_geo_count_of(cc, kind);
    if (n == 0 && kind != GEN_GEO_RES)
        return world_pick_block(r, c, GEN_GEO_RES);
    if (n == 0)
        return 0;
    return (uint16_t)gen_geo_find(cc, kind, gen_rng_below(r, (uint32_t)n));
}

static int world_popcount(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static uint32_t world_bijection(uint32_t x, uint32_t key)
{
    /* xor with a constant, multiplication by an odd number and xorshift-right are each
     * bijections of 32-bit words, so their composition is one. */
    x ^= key;
    x *= 0x9e3779b1u;
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

uint32_t gen_world_pub(const gen_world *w, uint32_t i)
{
    return world_bijection(i, w->id_key);
}

uint64_t gen_world_device(const gen_world *w, uint32_t i, uint32_t k)
{
    return gen_rng_mix(w->o->seed ^ 0x64657669636573ull, (uint64_t)i * 8 + k) & 0xffffffffffffffull;
}

uint64_t gen_world_dest(const gen_world *w, uint32_t i)
{
    return gen_rng_mix(w->o->seed ^ 0x6465737473ull, i) & 0xffffffffffffffull;
}

void gen_world_free(gen_world *w)
{
    if (!w)
        return;
    free(w->acct);
    free(w->groups);
    free(w->rings);
    free(w->ops);
    free(w->order);
    for (uint32_t k = 0; k < w->ndrings; k++)
        free(w->drings[k].ip);
    free(w->drings);
    gen_scheme_free(w->sch);
    free(w);
}

static void *world_calloc(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "ringscan-gen: out of memory allocating %zu x %zu bytes\n", n, size);
        abort();
    }
    return p;
}

/* Fills the fields every account has; population-specific code overrides them. */
static void world_base(gen_world *w, uint32_t i, int pop, int role, int cc, gen_rng *r)
{
    gen_acct *a = &w->acct[i];
    a->pub = gen_world_pub(w, i);
    a->pop = (uint8_t)pop;
    a->role = (uint8_t)role;
    a->cc = (uint8_t)cc;
    a->loc = (uint8_t)cc;
    a->group = GEN_NONE;
    a->op = GEN_NONE;
    a->peer = GEN_NONE;
    a->ndev = (uint8_t)gen_rng_range(r, 1, 3);
    a->rot = (uint8_t)gen_rng_range(r, 2, 7);
    a->isp = world_pick_block(r, cc, GEN_GEO_RES);
    a->mob = world_pick_block(r, cc, GEN_GEO_MOB);
    a->created = -(int32_t)gen_rng_range(r, 30, 1500);
    if (role == 0 && gen_rng_chance(r, 0.04))
        a->created = (int32_t)gen_rng_below(r, w->o->days / 2 + 1);
    w->pop_count[pop]++;
}

#define WORLD_COV_DRAWS 27

/* Ring k's size, behaviours and operator count (the first pass, which sizes
 * the arrays). */
static void ring_plan(gen_world *w, gen_rng *r, uint32_t k)
{
    const gen_opts *o = w->o;
    gen_ring *g = &w->rings[k];
    g->n = gen_rng_range(r, o->ring_min, o->ring_max);
    const double p[] = {o->b_abroad,        o->b_anon,         o->b_farm,     o->b_shared_device,
                        o->b_geo_hop,       o->b_long_session, o->b_bid_spam, o->b_shill,
                        o->b_shared_payout, o->b_structuring};
    const int b[] = {GEN_B_OPERATOR_ABROAD,   GEN_B_ANON_NETWORK, GEN_B_LAPTOP_FARM,
                     GEN_B_SHARED_DEVICE,     GEN_B_GEO_HOP,      GEN_B_LONG_SESSION,
                     GEN_B_BID_SPAM,          GEN_B_SHILL_RATED,  GEN_B_SHARED_PAYOUT,
                     GEN_B_STRUCTURED_CHARGES};
    const size_t nb = sizeof b / sizeof b[0];
    for (size_t j = 0; j < nb; j++)
        if (gen_rng_chance(r, p[j]))
            g->behav |= GEN_BIT(b[j]);
    /* Operators always need a way in. */
    if (!(g->behav & (GEN_BIT(GEN_B_OPERATOR_ABROAD) | GEN_BIT(GEN_B_ANON_NETWORK) |
                      GEN_BIT(GEN_B_LAPTOP_FARM))))
        g->behav |= GEN_BIT(GEN_B_OPERATOR_ABROAD);
    /* At least three behaviours, so every ring has something to corroborate. */
    for (int guard = 0; world_popcount(g->behav) < 3 && guard < 64; guard++)
        g->behav |= GEN_BIT(b[gen_rng_below(r, (uint32_t)nb)]);
    if ((g->behav & GEN_BIT(GEN_B_SHILL_RATED)) && gen_rng_chance(r, o->b_self_dealing))
        g->behav |= GEN_BIT(GEN_B_SELF_DEALING);
    if (g->behav & GEN_BIT(GEN_B_SHILL_RATED)) {
        g->behav |= GEN_BIT(GEN_B_SHILL_RATING);
        g->nshill = gen_rng_range(r, o->shill_min, o->shill_max);
    }
    uint32_t per = gen_rng_range(r, o->per_op_min, o->per_op_max);
    g->nop = (g->n + per - 1) / per;
}

/* Ring k's operators, laptop farm, shared payout destinations and rating
 * bursts. */
static void ring_ops(gen_world *w, gen_rng *r, gen_ring *g, uint32_t k)
{
    const gen_opts *o = w->o;
    int any_shared = 0;
    for (uint32_t j = 0; j < g->nop; j++) {
        gen_op *op = &w->ops[g->op_first + j];
        op->ring = k;
        op->cc = (uint8_t)world_cc_index(gen_rng_chance(r, 0.7) ? "CN" : "RU");
        op->res_blk = world_pick_block(r, op->cc, GEN_GEO_RES);
        /* Their own VPS: in the claimed-country hosting providers most of the time. */
        op->host_blk = world_pick_block(
            r, gen_rng_chance(r, 0.8) ? world_pick_cc(r, world_vpn_cc) : op->cc, GEN_GEO_HOST);
        op->vps_ip = gen_world_addr(w, op->host_blk, gen_rng_next(r));
        op->device = gen_rng_mix(o->seed ^ 0x6f70646576ull, g->op_first + j) & 0xffffffffffffffull;
        if ((g->behav & GEN_BIT(GEN_B_SHARED_DEVICE)) && gen_rng_chance(r, 0.75)) {
            op->shared_device = 1;
            any_shared = 1;
        }
    }
    if ((g->behav & GEN_BIT(GEN_B_SHARED_DEVICE)) && !any_shared)
        w->ops[g->op_first].shared_device = 1;
    if (g->behav & GEN_BIT(GEN_B_LAPTOP_FARM)) {
        g->nfarm = gen_rng_range(r, 1, GEN_RING_MAX_FARM);
        for (uint32_t j = 0; j < g->nfarm; j++) {
            g->farm_blk[j] = world_pick_block(r, world_cc_index("US"), GEN_GEO_RES);
            g->farm_ip[j] = gen_world_addr(w, g->farm_blk[j], gen_rng_next(r));
        }
    }
    if (g->behav & GEN_BIT(GEN_B_SHARED_PAYOUT)) {
        g->ndest = gen_rng_range(r, 1, GEN_RING_MAX_DEST);
        for (uint32_t j = 0; j < g->ndest; j++) {
            g->dest[j] = gen_rng_mix(o->seed ^ 0x72646573ull, k * 8 + j) & 0xffffffffffffffull;
            g->dest_cc[j] = (uint8_t)world_pick_cc(r, world_ring_dest_cc);
            if (gen_geo_country_at(g->dest_cc[j])->high_risk)
                g->behav |= GEN_BIT(GEN_B_HIGH_RISK_PAYOUT);
        }
    }
    if (g->behav & GEN_BIT(GEN_B_SHILL_RATED)) {
        g->nburst = gen_rng_range(r, 1, GEN_RING_MAX_BURST);
        for (uint32_t j = 0; j < g->nburst; j++) {
            uint32_t lo = o->days > 12 ? 5 : 0;
            uint32_t hi = o->days > 4 ? o->days - 4 : 0;
            g->burst_day[j] = (int32_t)gen_rng_range(r, lo, hi > lo ? hi : lo);
            g->burst_len[j] = gen_rng_range(r, 1, 3);
        }
    }
}

/* Ring k's member accounts: their behaviours, access channels, farm seats
 * and the structurers among them. */
static void ring_members(gen_world *w, gen_rng *r, gen_ring *g, uint32_t k)
{
    const gen_opts *o = w->o;
    uint32_t per = (g->n + g->nop - 1) / g->nop;
    /* One coverage draw per behaviour of the simulator's first version (27), so that a
     * seed keeps its world when behaviours are added. */
    double cov[WORLD_COV_DRAWS];
    for (int b = 0; b < WORLD_COV_DRAWS; b++)
        cov[b] = o->coverage + (1.0 - o->coverage) * gen_rng_unit(r);
    for (uint32_t j = 0; j < g->n; j++) {
        uint32_t i = g->first + j;
        gen_acct *a = &w->acct[i];
        world_base(w, i, GEN_POP_RING, 0, world_pick_cc(r, world_claim_cc), r);
        a->group = k;
        a->op = g->op_first + j / per;
        a->loc = w->ops[a->op].cc;
        a->created = -(int32_t)gen_rng_range(r, 20, 700);
        static const int member_b[] = {GEN_B_OPERATOR_ABROAD, GEN_B_ANON_NETWORK, GEN_B_LAPTOP_FARM,
                                       GEN_B_GEO_HOP,         GEN_B_LONG_SESSION, GEN_B_BID_SPAM,
                                       GEN_B_SHILL_RATED,     GEN_B_SHARED_PAYOUT};
        for (size_t m = 0; m < sizeof member_b / sizeof member_b[0]; m++) {
            int b = member_b[m];
            if ((g->behav & GEN_BIT(b)) && gen_rng_chance(r, cov[b]))
                a->behav |= GEN_BIT(b);
        }
        const uint64_t access = GEN_BIT(GEN_B_OPERATOR_ABROAD) | GEN_BIT(GEN_B_ANON_NETWORK) |
                                GEN_BIT(GEN_B_LAPTOP_FARM);
        if (!(a->behav & access)) {
            uint64_t avail = g->behav & access;
            for (int guard = 0; guard < 16 && !(a->behav & access); guard++) {
                int b = (int)gen_rng_below(r, 3);
                if (avail & GEN_BIT(b))
                    a->behav |= GEN_BIT(b);
            }
            if (!(a->behav & access))
                a->behav |= avail & (0ull - avail); /* lowest available channel */
        }
        /* A shared device needs a second account on it. */
        uint32_t op_members = (j / per + 1) * per <= g->n ? per : g->n - (j / per) * per;
        if (w->ops[a->op].shared_device && op_members >= 2)
            a->behav |= GEN_BIT(GEN_B_SHARED_DEVICE);
        if (a->behav & GEN_BIT(GEN_B_OPERATOR_ABROAD))
            a->chan |= GEN_CH_ABROAD;
        if (a->behav & GEN_BIT(GEN_B_ANON_NETWORK))
            a->chan |= gen_rng_chance(r, 0.5) ? GEN_CH_VPS : GEN_CH_VPN;
        if (a->behav & GEN_BIT(GEN_B_LAPTOP_FARM))
            a->chan |= GEN_CH_FARM;
        if ((a->behav & GEN_BIT(GEN_B_SHARED_PAYOUT)) && g->ndest) {
            for (uint32_t d = 0; d < g->ndest; d++)
                if (gen_geo_country_at(g->dest_cc[d])->high_risk)
                    a->behav |= GEN_BIT(GEN_B_HIGH_RISK_PAYOUT);
        }
        a->vpn = world_pick_block(r, world_pick_cc(r, world_vpn_cc), GEN_GEO_HOST);
        a->ndev = 1;
    }
    /* Seat the farm's members round-robin on its lines; a line nobody uses is dropped. */
    uint32_t seated = 0;
    for (uint32_t j = 0; j < g->n; j++) {
        gen_acct *a = &w->acct[g->first + j];
        if ((a->chan & GEN_CH_FARM) && g->nfarm)
            a->peer = seated++ % g->nfarm;
    }
    if (g->nfarm > 1 && seated < g->nfarm)
        g->nfarm = seated ? seated : 1;
    if (g->behav & GEN_BIT(GEN_B_STRUCTURED_CHARGES)) {
        g->nstruct = g->n >= 10 ? 2 : 1;
        for (uint32_t j = 0; j < g->nstruct; j++) {
            g->structurer[j] =
                g->first + (j * g->n / g->nstruct) + gen_rng_below(r, g->n / g->nstruct);
            w->acct[g->structurer[j]].behav |= GEN_BIT(GEN_B_STRUCTURED_CHARGES);
        }
    }
}

/* Ring k's shill clients. */
static void ring_shills(gen_world *w, gen_rng *r, const gen_ring *g, uint32_t k)
{
    for (uint32_t j = 0; j < g->nshill; j++) {
        uint32_t i = g->shill_first + j;
        gen_acct *a = &w->acct[i];
        world_base(w, i, GEN_POP_SHILL, 1, world_pick_cc(r, world_claim_cc), r);
        a->group = k;
        a->op = g->op_first + gen_rng_below(r, g->nop);
        a->loc = w->ops[a->op].cc;
        a->behav = GEN_BIT(GEN_B_SHILL_RATING);
        if (g->behav & GEN_BIT(GEN_B_SELF_DEALING))
            a->behav |= GEN_BIT(GEN_B_SELF_DEALING);
        /* New accounts, made for the job shortly before the first burst. */
        a->created = g->burst_day[0] - (int32_t)gen_rng_range(r, 3, 30);
    }
}

static int world_rings(gen_world *w, uint32_t *next_f, uint32_t *next_c, rs_error *err)
{
    const gen_opts *o = w->o;
    gen_rng r;
    uint32_t total_ops = 0;
    gen_rng_seed(&r, o->seed, 0x72696e6773ull, 0);
    w->rings = world_calloc(o->rings, sizeof *w->rings);
    w->nrings = o->rings;
    /* First pass: sizes, behaviours and operator counts, to size the arrays. */
    for (uint32_t k = 0; k < o->rings; k++) {
        ring_plan(w, &r, k);
        const gen_ring *g = &w->rings[k];
        total_ops += g->nop;
    }
    uint32_t need_f = 0, need_c = 0;
    for (uint32_t k = 0; k < o->rings; k++) {
        need_f += w->rings[k].n;
        need_c += w->rings[k].nshill;
    }
    if (need_f > w->nf / 2 || need_c > w->nc / 2) {
        rs_error_set(err, RS_E_CONFIG, NULL, 0, 0,
                     "rings need %u freelancers and %u shill clients; raise --accounts/--clients "
                     "(at most half of each may be in rings)",
                     need_f, need_c);
        return -1;
    }
    w->ops = world_calloc(total_ops, sizeof *w->ops);
    w->nops = total_ops;

    uint32_t op_next = 0;
    for (uint32_t k = 0; k < o->rings; k++) {
        gen_ring *g = &w->rings[k];
        g->first = *next_f;
        g->shill_first = *next_c;
        g->op_first = op_next;
        *next_f += g->n;
        *next_c += g->nshill;
        op_next += g->nop;
        ring_ops(w, &r, g, k);
        ring_members(w, &r, g, k);
        ring_shills(w, &r, g, k);
    }
    w->ring_members = *next_f;
    return 0;
}

/* Lays out count accounts of a grouped population starting at *next, in groups of
 * [gmin, gmax] members sharing a country and the population's shared infrastructure: an
 * office IP (offices, agencies, hiring teams), a home IP, laptop and payout account
 * (shared-control groups), a cloud-desktop gateway in a hosting network (cloud desktops),
 * a campus IP and a course start (cohorts). */
static void world_groups(gen_world *w, uint32_t *next, uint32_t count, int pop, uint32_t gmin,
                         uint32_t gmax, const world_weight *cct, gen_rng *r)
{
    uint32_t end = *next + count;
    int role = pop == GEN_POP_HIRING_TEAM;
    while (*next < end) {
        uint32_t sz = gen_rng_range(r, gmin, gmax);
        if (sz > end - *next)
            sz = end - *next;
        gen_group *g = &w->groups[w->ngroups];
        g->first = *next;
        g->n = sz;
        g->pop = (uint8_t)pop;
        g->cc = (uint8_t)world_pick_cc(r, cct);
        g->blk =
            world_pick_block(r, g->cc, pop == GEN_POP_CLOUD_DESKTOP ? GEN_GEO_HOST : GEN_GEO_RES);
        g->ip = gen_world_addr(w, g->blk, gen_rng_next(r));
        g->dest = gen_rng_mix(w->o->seed ^ 0x67646573ull, w->ngroups) & 0xffffffffffffffull;
        g->remote =
            (pop == GEN_POP_OFFICE && gen_rng_chance(r, 0.1)) || pop == GEN_POP_CLOUD_DESKTOP;
        if (pop == GEN_POP_SHARED_CONTROL)
            g->device = gen_rng_mix(w->o->seed ^ 0x73636c6170ull, w->ngroups) & 0xffffffffffffffull;
        if (pop == GEN_POP_COHORT)
            g->day0 = (int32_t)gen_rng_range(r, 0, w->o->days / 2 + 20) - 20;
        if (pop == GEN_POP_HIRING_TEAM)
            g->nfav = gen_rng_range(r, 5, 15);
        for (uint32_t j = 0; j < sz; j++) {
            uint32_t i = *next + j;
            world_base(w, i, pop, role, g->cc, r);
            w->acct[i].group = w->ngroups;
            w->acct[i].isp = world_pick_block(r, g->cc, GEN_GEO_RES);
            if (pop == GEN_POP_COHORT)
                w->acct[i].created = g->day0 + (int32_t)gen_rng_below(r, 4);
        }
        w->ngroups++;
        *next += sz;
    }
}

static int world_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint32_t gen_world_addr(const gen_world *w, uint16_t blk, uint64_t h)
{
    return w->ipdb ? gen_ipdb_addr(w->ipdb, blk, h) : gen_geo_addr(gen_geo_block_at(blk), h);
}

/* Key of the identity stream: every draw made for --identity comes from streams seeded
 * with it, so the streams of the rest of the world never move. */
#define WORLD_IDENT 0x6964656e74ull

/* Home addresses of a disciplined ring's members, one per member and rotation epoch,
 * drawn from each member's own ISP block and redrawn on the rare collision with an address
 * already given to another member (open addressing over the ring's addresses). */
static void world_dring_ips(gen_world *w, gen_dring *g)
{
    g->nep = w->o->days / 2 + 3;
    size_t total = (size_t)g->n * g->nep, cap = 16;
    while (cap < 2 * total)
        cap *= 2;
    uint32_t *set = world_calloc(cap, sizeof *set); /* 0 = empty; 0.0.0.0 is never drawn */
    g->ip = world_calloc(total, sizeof *g->ip);
    for (uint32_t j = 0; j < g->n; j++) {
        const gen_acct *a = &w->acct[g->first + j];
        for (uint32_t e = 0; e < g->nep; e++) {
            uint32_t ip = 0;
            for (uint64_t attempt = 0;; attempt++) {
                ip = gen_world_addr(w, a->isp,
                                    gen_rng_mix(w->o->seed ^ WORLD_IDENT,
                                                ((uint64_t)a->pub << 24) ^ (e * 64 + attempt)));
                size_t h = (size_t)(gen_rng_mix(ip, 0) & (cap - 1));
                int own = 0, other = 0;
                while (set[h] && set[h] != ip)
                    h = (h + 1) & (cap - 1);
                if (set[h] == ip) {
                    /* Already used: by this member (fine, the ISP handed it back) or by
                     * another one (draw again). */
                    own = 0;
                    for (uint32_t f = 0; f < e && !own; f++)
                        own = g->ip[(size_t)j * g->nep + f] == ip;
                    other = !own;
                }
                if (!other || attempt > 1000) {
                    set[h] = ip;
                    break;
                }
            }
            g->ip[(size_t)j * g->nep + e] = ip;
        }
    }
    free(set);
}

/* Draws member traits: each of (a)-(e) with probability 0.6, topped up to two, (e) only
 * for members who are paid out at all (else nobody could see the holder). */
static uint64_t world_traits(gen_rng *r, int paid)
{
    static const int t[] = {GEN_B_TEXT_REUSE, GEN_B_IDENTITY_REUSE, GEN_B_PHOTO_REUSE,
                            GEN_B_SHIPPING_FARM, GEN_B_MULE_PAYOUT};
    const uint32_t nt = paid ? 5 : 4;
    uint64_t b = 0;
    int n = 0;
    for (uint32_t k = 0; k < 5; k++)
        if (gen_rng_chance(r, 0.6) && k < nt) {
            b |= GEN_BIT(t[k]);
            n++;
        }
    while (n < 2) {
        uint64_t x = GEN_BIT(t[gen_rng_below(r, nt)]);
        if (!(b & x)) {
            b |= x;
            n++;
        }
    }
    return b;
}

/* --identity: turns runs of ordinary freelancers [ord_first, ord_first + nord) into the
 * disciplined rings, and picks the remote employees whose laptops go to a company hub.
 * Only the converted accounts' country, home block and device count change, and only
 * from the identity stream; their creation day (which clients' picks depend on) stays. */
static int world_disciplined(gen_world *w, uint32_t ord_first, uint32_t nord, rs_error *err)
{
    const gen_opts *o = w->o;
    gen_rng r;
    gen_rng_seed(&r, o->seed, WORLD_IDENT, 1);
    uint32_t nd = o->disciplined_rings, need = 0;
    uint32_t *sz = world_calloc(nd, sizeof *sz);
    for (uint32_t k = 0; k < nd; k++) {
        sz[k] = gen_rng_range(&r, 6, 12);
        need += sz[k];
    }
    if (need > nord / 2) {
        rs_error_set(
            err, RS_E_CONFIG, NULL, 0, 0,
            "disciplined rings need %u ordinary freelancers, there are %u (at most half may "
            "be drawn); raise --accounts or lower --disciplined-rings",
            need, nord);
        free(sz);
        return -1;
    }
    w->drings = world_calloc(nd, sizeof *w->drings);
    w->ndrings = nd;
    uint32_t next = ord_first;
    for (uint32_t k = 0; k < nd; k++) {
        gen_dring *g = &w->drings[k];
        g->first = next;
        g->n = sz[k];
        next += sz[k];
        g->key = gen_rng_mix(o->seed ^ WORLD_IDENT, 0x6472696e67ull + k);
        g->ntpl = gen_rng_range(&r, 1, 3);
        g->nphone = gen_rng_range(&r, 2, 3);
        g->nphoto = gen_rng_range(&r, 1, 2);
        for (uint32_t j = 0; j < g->n; j++) {
            uint32_t i = g->first + j;
            gen_acct *a = &w->acct[i];
            a->cc = (uint8_t)world_pick_cc(&r, world_claim_cc);
            a->loc = a->cc;
            a->isp = world_pick_block(&r, a->cc, GEN_GEO_RES);
            a->ndev = 1;
            a->chan = GEN_CH_OWN;
            a->group = w->nrings + k;
            a->behav = GEN_BIT(GEN_B_DISCIPLINED) | world_traits(&r, gen_events_paid(w, i));
            g->behav |= a->behav;
        }
        world_dring_ips(w, g);
        w->pop_count[GEN_POP_ORDINARY] -= g->n;
        w->pop_count[GEN_POP_RING] += g->n;
        w->disc_members += g->n;
    }
    free(sz);
    /* Remote employees of US companies: hubs opened at 0.86 % of the other ordinary
     * freelancers and filled with the next 1-4 ordinary freelancers of the same country,
     * about 3 % in all (a->peer is the hub; ordinary accounts have no other use for it). */
    uint32_t hub_cur[256], hub_left[256], hubs = 0;
    memset(hub_left, 0, sizeof hub_left);
    memset(hub_cur, 0, sizeof hub_cur);
    for (uint32_t i = next; i < ord_first + nord; i++) {
        gen_acct *a = &w->acct[i];
        if (!hub_left[a->cc]) {
            if (!gen_rng_chance(&r, 0.0086))
                continue;
            hub_cur[a->cc] = hubs++;
            hub_left[a->cc] = gen_rng_range(&r, 2, 5);
        }
        hub_left[a->cc]--;
        a->peer = hub_cur[a->cc];
        a->behav |= GEN_BIT(GEN_B_COMPANY_SHIPPING);
    }
    return 0;
}

/* Lays out benign freelancer i, the j-th of population p (not a grouped
 * one): country, and what the population does differently. */
static void world_single(gen_world *w, int p, uint32_t i, uint32_t j, uint32_t msc_first,
                         uint32_t n_msc, gen_rng *r)
{
    const gen_opts *o = w->o;
    int cc = world_pick_cc(r, world_freelancer_cc);
    if (p == GEN_POP_CGNAT) {
        /* Mobile-first users live where carriers have blocks. */
        for (int g = 0; g < 8 && gen_geo_count_of(gen_world_cc(cc), GEN_GEO_MOB) == 0; g++)
            cc = world_pick_cc(r, world_freelancer_cc);
    }
    world_base(w, i, p, 0, cc, r);
    gen_acct *a = &w->acct[i];
    if (p == GEN_POP_VPN)
        a->vpn = world_pick_block(r, gen_rng_chance(r, 0.5) ? cc : world_pick_cc(r, world_vpn_cc),
                                  GEN_GEO_HOST);
    if (p == GEN_POP_TRAVELLER) {
        int d = world_pick_cc(r, world_travel_cc);
        for (int g = 0; g < 8 && d == cc; g++)
            d = world_pick_cc(r, world_travel_cc);
        if (d == cc)
            d = world_cc_index(cc == world_cc_index("US") ? "GB" : "US");
        a->peer = (uint32_t)d;
        a->triplen = (uint8_t)gen_rng_range(r, 3, 14);
        uint32_t hi = o->days > (uint32_t)a->triplen + 3 ? o->days - a->triplen - 2 : 1;
        a->trip = (int32_t)gen_rng_range(r, 1, hi);
        if (a->created > 0)
            a->created = 0;
    }
    if (p == GEN_POP_HEAVY_BIDDER)
        a->created = (int32_t)gen_rng_range(r, 0, o->days / 2 + 20) - 20;
    if (p == GEN_POP_MILESTONE)
        a->peer = msc_first + j % n_msc;
    if (p == GEN_POP_RELOCATOR) {
        int d = world_pick_cc(r, world_travel_cc);
        for (int g = 0; g < 8 && d == cc; g++)
            d = world_pick_cc(r, world_travel_cc);
        if (d == cc)
            d = world_cc_index(cc == world_cc_index("US") ? "GB" : "US");
        a->peer = (uint32_t)d;
        a->alt = world_pick_block(r, d, GEN_GEO_RES);
        /* Moved before the window (everything from the new country) or
         * during it. */
        a->trip = (int32_t)gen_rng_range(r, 0, o->days + 25) - 30;
        if (a->created > a->trip - 1)
            a->created = a->trip - 1 < 0 ? a->trip - 1 : 0;
    }
}

/* Lays out cnt[p] benign freelancers of each population p from *next_f on,
 * grouped populations in groups; shared-control groups may be paid by the
 * milestone clients [msc_first, msc_first + n_msc). */
static void world_benign(gen_world *w, const uint32_t *cnt, uint32_t *next_fp, uint32_t msc_first,
                         uint32_t n_msc, gen_rng *r)
{
    const gen_opts *o = w->o;
    uint32_t next_f = *next_fp;
    for (int p = 0; p < GEN_POP_RING; p++) {
        switch (p) {
        case GEN_POP_OFFICE:
            world_groups(w, &next_f, cnt[p], p, o->office_min, o->office_max, world_freelancer_cc,
                         r);
            break;
        case GEN_POP_HOUSEHOLD:
            world_groups(w, &next_f, cnt[p], p, o->household_min, o->household_max,
                         world_freelancer_cc, r);
            break;
        case GEN_POP_AGENCY:
            world_groups(w, &next_f, cnt[p], p, o->agency_min, o->agency_max, world_agency_cc, r);
            break;
        case GEN_POP_SHARED_CONTROL: {
            uint32_t g0 = w->ngroups;
            world_groups(w, &next_f, cnt[p], p, o->shared_min, o->shared_max, world_freelancer_cc,
                         r);
            /* Class 3 look-alike: a member paid by an honest client in many milestones. */
            for (uint32_t k = g0; k < w->ngroups; k++)
                if (n_msc && gen_rng_chance(r, o->shared_milestone))
                    w->acct[w->groups[k].first + gen_rng_below(r, w->groups[k].n)].peer =
                        msc_first + gen_rng_below(r, n_msc);
            break;
        }
        case GEN_POP_CLOUD_DESKTOP:
            world_groups(w, &next_f, cnt[p], p, o->cloud_min, o->cloud_max, world_vpn_cc, r);
            break;
        case GEN_POP_COHORT:
            world_groups(w, &next_f, cnt[p], p, o->cohort_min, o->cohort_max, world_freelancer_cc,
                         r);
            break;
        default:
            for (uint32_t j = 0; j < cnt[p]; j++, next_f++) {
                world_single(w, p, next_f, j, msc_first, n_msc, r);
            }
        }
    }
    *next_fp = next_f;
}

/* Lays out the clients from next_c on: enterprises, then milestone clients
 * from msc_first, review sweepers from rsw_first, the n_team hiring-team
 * members from team_first, then ordinary clients. */
static void world_clients(gen_world *w, uint32_t next_c, uint32_t msc_first, uint32_t rsw_first,
                          uint32_t team_first, uint32_t n_team, gen_rng *r)
{
    const gen_opts *o = w->o;
    for (uint32_t i = next_c; i < w->n; i++) {
        if (i == team_first && n_team) {
            uint32_t nx = team_first;
            world_groups(w, &nx, n_team, GEN_POP_HIRING_TEAM, o->team_min, o->team_max,
                         world_client_cc, r);
            i = nx - 1;
            continue;
        }
        int p = i < msc_first    ? GEN_POP_ENTERPRISE
                : i < rsw_first  ? GEN_POP_MILESTONE_CLIENT
                : i < team_first ? GEN_POP_REVIEW_SWEEP
                                 : GEN_POP_CLIENT;
        world_base(w, i, p, 1, world_pick_cc(r, world_client_cc), r);
        if (p == GEN_POP_ENTERPRISE)
            w->acct[i].created = -(int32_t)gen_rng_range(r, 365, 3000);
        if (p == GEN_POP_REVIEW_SWEEP) /* long-standing customers */
            w->acct[i].created = -(int32_t)gen_rng_range(r, 365, 3000);
    }
}

int gen_world_build(gen_world **out, const gen_opts *o, const gen_ipdb *ipdb, rs_error *err)
{
    gen_world *w = NULL;
    int rc = -1;
    gen_rng r;
    *out = NULL;
    w = world_calloc(1, sizeof *w);
    w->o = o;
    w->ipdb = ipdb;
    w->nf = o->accounts;
    w->nc = o->clients;
    w->n = o->accounts + o->clients;
    w->id_key = (uint32_t)gen_rng_mix(o->seed, 0x69646b6579ull);
    w->t0 = o->start_day * 86400;
    w->acct = world_calloc(w->n, sizeof *w->acct);
    /* A group has at least one member, so there are never more groups than accounts. */
    w->groups = world_calloc(w->n, sizeof *w->groups);

    uint32_t next_f = 0, next_c = w->nf;
    if (world_rings(w, &next_f, &next_c, err) != 0)
        goto cleanup;
    w->shill_end = next_c;
    w->benign_client_first = next_c;

    /* Benign freelancers. */
    uint32_t nb = w->nf - next_f;
    const double share[] = {0,
                            o->p_cgnat,
                            o->p_office,
                            o->p_household,
                            o->p_vpn,
                            o->p_traveller,
                            o->p_agency,
                            o->p_overnight,
                            o->p_heavy_bidder,
                            o->p_milestone,
                            o->p_shared_control,
                            o->p_relocator,
                            o->p_cloud_desktop,
                            o->p_crypto_payee,
                            o->p_cohort};
    uint32_t cnt[GEN_POP_RING] = {0};
    uint64_t used = 0;
    for (int p = 1; p < GEN_POP_RING; p++) {
        cnt[p] = (uint32_t)(share[p] * nb + 0.5);
        used += cnt[p];
    }
    if (used > nb) {
        rs_error_set(err, RS_E_CONFIG, NULL, 0, 0,
                     "benign population shares add up to more than 1");
        goto cleanup;
    }
    cnt[GEN_POP_ORDINARY] = nb - (uint32_t)used;

    /* Clients. */
    uint32_t nbc = w->n - next_c;
    uint32_t n_ent = (uint32_t)(o->p_enterprise * nbc + 0.5);
    uint32_t n_msc = (uint32_t)(o->p_milestone_client * nbc + 0.5);
    uint32_t n_rsw = (uint32_t)(o->p_review_sweep * nbc + 0.5);
    uint32_t n_team = (uint32_t)(o->p_hiring_team * nbc + 0.5);
    if ((cnt[GEN_POP_MILESTONE] || (cnt[GEN_POP_SHARED_CONTROL] && o->shared_milestone > 0)) &&
        !n_msc)
        n_msc = 1;
    if ((uint64_t)n_ent + n_msc + n_rsw + n_team + 1 > nbc) {
        rs_error_set(err, RS_E_CONFIG, NULL, 0, 0,
                     "too few clients for the client populations (need more than %u)",
                     n_ent + n_msc + n_rsw + n_team);
        goto cleanup;
    }
    uint32_t msc_first = next_c + n_ent;
    uint32_t rsw_first = msc_first + n_msc;
    uint32_t team_first = rsw_first + n_rsw;
    uint32_t ord_client_first = team_first + n_team;

    gen_rng_seed(&r, o->seed, 0x62656e69676eull, 0);
    world_benign(w, cnt, &next_f, msc_first, n_msc, &r);
    world_clients(w, next_c, msc_first, rsw_first, team_first, n_team, &r);
    /* Victims of structured charges: ordinary clients. */
    for (uint32_t k = 0; k < w->nrings; k++) {
        gen_ring *g = &w->rings[k];
        for (uint32_t j = 0; j < g->nstruct; j++) {
            g->victim[j] = ord_client_first + gen_rng_below(&r, w->n - ord_client_first);
            w->acct[g->victim[j]].behav |= GEN_BIT(GEN_B_STRUCTURING_VICTIM);
        }
    }
    if (o->identity && world_disciplined(w, w->ring_members, cnt[GEN_POP_ORDINARY], err) != 0)
        goto cleanup;
    /* Appended after every base account, so the base layout above never moves. */
    if (o->schemes && gen_scheme_build(w, err) != 0)
        goto cleanup;
    /* Output order: by public id, so no file lists accounts in layout order (which would
     * put ring members first). */
    uint64_t *keys = world_calloc(w->n, sizeof *keys);
    for (uint32_t i = 0; i < w->n; i++)
        keys[i] = ((uint64_t)w->acct[i].pub << 32) | i;
    qsort(keys, w->n, sizeof *keys, world_cmp_u64);
    w->order = world_calloc(w->n, sizeof *w->order);
    for (uint32_t i = 0; i < w->n; i++)
        w->order[i] = (uint32_t)keys[i];
    free(keys);
    *out = w;
    w = NULL;
    rc = 0;
cleanup:
    gen_world_free(w);
    return rc;
}
