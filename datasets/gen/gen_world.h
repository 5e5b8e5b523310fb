/* gen_world.h - the simulated marketplace's population: who exists, in which group, with
 * which infrastructure, and which rings are planted.
 *
 * Built once from the options and the seed, before any event is written; it holds one
 * small record per account, group, ring and ring operator, so its size is proportional
 * to the number of accounts and independent of the number of events.
 *
 * Layout of the dense account index: freelancers first ([0, nf): ring members ring by ring,
 * then the benign populations in enum order, grouped members contiguous), then clients
 * ([nf, n): shill clients ring by ring, enterprise, milestone, ordinary clients). Public ids
 * are a keyed 32-bit bijection of the index, so they reveal nothing of this layout.
 */
#ifndef GEN_WORLD_H
#define GEN_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "datasets/gen/gen.h"
#include "datasets/gen/gen_ipdb.h"

#define GEN_NONE UINT32_MAX

enum gen_pop {
    GEN_POP_ORDINARY,
    GEN_POP_CGNAT,
    GEN_POP_OFFICE,
    GEN_POP_HOUSEHOLD,
    GEN_POP_VPN,
    GEN_POP_TRAVELLER,
    GEN_POP_AGENCY,
    GEN_POP_OVERNIGHT,
    GEN_POP_HEAVY_BIDDER,
    GEN_POP_MILESTONE,
    GEN_POP_SHARED_CONTROL,
    GEN_POP_RELOCATOR,
    GEN_POP_CLOUD_DESKTOP,
    GEN_POP_CRYPTO_PAYEE,
    GEN_POP_COHORT,
    GEN_POP_RING,
    GEN_POP_CLIENT,
    GEN_POP_ENTERPRISE,
    GEN_POP_MILESTONE_CLIENT,
    GEN_POP_REVIEW_SWEEP,
    GEN_POP_HIRING_TEAM,
    GEN_POP_SHILL,
    /* --schemes 2025 (gen_scheme.h): ring schemes, then their benign look-alikes. */
    GEN_POP_LAPTOP_FARM,
    GEN_POP_SLOW_SHILL,
    GEN_POP_SLOW_SHILL_CLIENT,
    GEN_POP_RENTED,
    GEN_POP_NO_INFRA,
    GEN_POP_CRYPTO_RING,
    GEN_POP_COWORKING,
    GEN_POP_CGNAT_POOL,
    GEN_POP_PAYROLL_AGENCY,
    GEN_POP_NIGHT_WORKER,
    GEN_POP_NOMAD,
    GEN_POP_IT_ADMIN,
    GEN_POP_COUNT
};

/* Behaviours (bits of gen_acct.behav). The first group is planted in rings; the second
 * marks benign traits that look like them. */
enum gen_behav {
    GEN_B_OPERATOR_ABROAD,
    GEN_B_ANON_NETWORK,
    GEN_B_LAPTOP_FARM,
    GEN_B_SHARED_DEVICE,
    GEN_B_GEO_HOP,
    GEN_B_LONG_SESSION,
    GEN_B_BID_SPAM,
    GEN_B_SHILL_RATED,
    GEN_B_SHILL_RATING,
    GEN_B_SELF_DEALING,
    GEN_B_SHARED_PAYOUT,
    GEN_B_HIGH_RISK_PAYOUT,
    GEN_B_STRUCTURED_CHARGES,
    GEN_B_CAMOUFLAGE,
    GEN_B_CGNAT,
    GEN_B_OFFICE_NAT,
    GEN_B_HOUSEHOLD_IP,
    GEN_B_HOUSEHOLD_DEVICE,
    GEN_B_COMMERCIAL_VPN,
    GEN_B_TRAVEL,
    GEN_B_AGENCY_PAYOUT,
    GEN_B_OVERNIGHT_SESSION,
    GEN_B_HEAVY_BIDDING,
    GEN_B_MILESTONES,
    GEN_B_QUARTER_END_BURST,
    GEN_B_REMOTE_DESKTOP,
    GEN_B_STRUCTURING_VICTIM,
    GEN_B_SHARED_CONTROL,
    GEN_B_RELOCATED,
    GEN_B_CLOUD_DESKTOP,
    GEN_B_CRYPTO_PAYOUT,
    GEN_B_COHORT,
    GEN_B_REVIEW_SWEEP,
    GEN_B_HIRING_TEAM,
    /* --identity only. A disciplined ring's members (GEN_B_DISCIPLINED) show some of the
     * five identity traits; the last two bits are benign look-alikes. */
    GEN_B_DISCIPLINED,
    GEN_B_TEXT_REUSE,       /* (a) profile and cover letters from the ring's templates */
    GEN_B_IDENTITY_REUSE,   /* (b) one of the ring's few phones, its e-mail pattern */
    GEN_B_PHOTO_REUSE,      /* (c) a near-identical photo (hash within 4 bits) */
    GEN_B_SHIPPING_FARM,    /* (d) equipment shipped to the facilitator's address */
    GEN_B_MULE_PAYOUT,      /* (e) payout account held by someone else (a mule) */
    GEN_B_SPOUSE_PAYOUT,    /* benign: paid to the spouse's account */
    GEN_B_COMPANY_SHIPPING, /* benign: remote employee, laptop shipped to a company hub */
    GEN_B_COUNT
};
#define GEN_BIT(b) (1ull << (b))

/* Access channels of a ring member (bits of gen_acct.chan). */
enum { GEN_CH_ABROAD = 1, GEN_CH_VPS = 2, GEN_CH_VPN = 4, GEN_CH_FARM = 8, GEN_CH_OWN = 16 };
/* GEN_CH_OWN marks a disciplined-ring member: it keeps its population (ordinary, the
 * population it was drawn from, so every other account's events stay as they were) and
 * logs in only over its own home line. */

typedef struct gen_acct {
    uint32_t pub;      /* public id number; the id string is "u%08x" */
    uint32_t group;    /* office/household/agency group, or ring for members and shills */
    uint32_t op;       /* ring operator of a member, or GEN_NONE; scheme account
                        * (gen_scheme.h): its scheme group */
    uint32_t peer;     /* milestone freelancer (or shared-control member paid in
                        * milestones): its client; traveller, relocator: destination
                        * country; laptop-farm member: its farm line */
    uint64_t behav;    /* GEN_B_* bits: planted, then updated with what the events exhibit */
    int32_t created;   /* day of account creation, relative to the first simulated day */
    int32_t trip;      /* traveller: first day abroad; relocator: day of the move */
    uint16_t isp;      /* residential block (gen_geo index) */
    uint16_t mob;      /* mobile block */
    uint16_t vpn;      /* hosting block of the VPN provider used */
    uint16_t alt;      /* relocator: residential block in the new country */
    uint8_t pop, role; /* enum gen_pop; 0 freelancer, 1 client */
    uint8_t cc;        /* claimed country (gen_geo country index) */
    uint8_t loc;       /* country the person actually sits in */
    uint8_t ndev;      /* own devices, 1..3 */
    uint8_t rot;       /* days between home IP changes */
    uint8_t chan;      /* ring member access channels */
    uint8_t triplen;   /* traveller: days abroad */
} gen_acct;

typedef struct gen_group {
    uint32_t first, n; /* account index range */
    uint32_t ip;       /* office IP (office, agency, hiring team), campus IP (cohort),
                        * cloud-desktop gateway (cloud desktop) */
    uint16_t blk;      /* block of that IP */
    uint8_t pop, cc;
    uint64_t dest;      /* agency / shared-control payout account; hiring team's card */
    uint64_t device;    /* shared-control laptop */
    int remote;         /* office exposes remote desktop */
    int32_t day0;       /* cohort: first day of the course */
    uint32_t fav, nfav; /* hiring team: its favourite freelancers [fav, fav + nfav) of the
                         * freelancer index, picked at random */
} gen_group;

typedef struct gen_op {
    uint32_t ring;
    uint8_t cc;        /* CN or RU */
    uint16_t res_blk;  /* operator's home network */
    uint16_t host_blk; /* operator's VPS provider */
    uint32_t vps_ip;
    int shared_device; /* one device for all of the operator's accounts */
    uint64_t device;
} gen_op;

#define GEN_RING_MAX_FARM 2
#define GEN_RING_MAX_DEST 3
#define GEN_RING_MAX_STRUCT 2
#define GEN_RING_MAX_BURST 3

typedef struct gen_ring {
    uint32_t first, n; /* member freelancers */
    uint32_t shill_first, nshill;
    uint32_t op_first, nop;
    uint64_t behav; /* ring-level behaviours (GEN_B_* bits) */
    uint32_t farm_ip[GEN_RING_MAX_FARM];
    uint16_t farm_blk[GEN_RING_MAX_FARM];
    uint32_t nfarm;
    uint64_t dest[GEN_RING_MAX_DEST];
    uint8_t dest_cc[GEN_RING_MAX_DEST];
    uint32_t ndest;
    uint32_t structurer[GEN_RING_MAX_STRUCT], victim[GEN_RING_MAX_STRUCT];
    uint32_t nstruct;
    int32_t burst_day[GEN_RING_MAX_BURST];
    uint32_t burst_len[GEN_RING_MAX_BURST];
    uint32_t nburst;
} gen_ring;

/* A disciplined ring (--identity): members [first, first + n) were drawn from the
 * ordinary freelancers; they share no address, device or payout destination, only who
 * opened and wrote them. Home addresses are precomputed so that no two members ever get
 * the same one: member j's address in rotation epoch e is ip[j * nep + e]. */
typedef struct gen_dring {
    uint32_t first, n;
    uint64_t key;    /* seeds the ring's templates, phones, photos and farm address */
    uint32_t ntpl;   /* text templates, 1..3 */
    uint32_t nphone; /* phone numbers, 2..3 */
    uint32_t nphoto; /* base photos, 1..2 */
    uint64_t behav;  /* union of the members' traits */
    uint32_t *ip;    /* n * nep home addresses */
    uint32_t nep;
} gen_dring;

typedef struct gen_world {
    const gen_opts *o;
    const gen_ipdb *ipdb; /* borrowed; NULL: addresses from the built-in blocks */
    uint32_t nf, nc, n;
    gen_acct *acct;
    gen_group *groups;
    uint32_t ngroups;
    gen_ring *rings;
    uint32_t nrings;
    gen_op *ops;
    uint32_t nops;
    uint32_t ring_members;        /* freelancers [0, ring_members) are ring members */
    uint32_t shill_end;           /* clients [nf, shill_end) are shills */
    uint32_t benign_client_first; /* clients [benign_client_first, n) are not shills */
    uint32_t pop_count[GEN_POP_COUNT];
    gen_dring *drings; /* --identity: ring ids continue after the nrings rings */
    uint32_t ndrings;
    uint32_t disc_members;
    uint32_t *order;        /* all account indices sorted by public id: output order */
    uint32_t ns;            /* --schemes: accounts [n, n + ns) of acct (gen_scheme.h) */
    struct gen_scheme *sch; /* --schemes: their layout, or NULL */
    uint32_t id_key;        /* key of the public id bijection */
    int64_t t0;             /* epoch second of the first simulated day */
} gen_world;

/* Builds the population. ipdb (borrowed, may be NULL; it must outlive the world) replaces
 * the built-in blocks' addresses by real ranges. On success *out is a new world owned by
 * the caller (free with gen_world_free) and 0 is returned; on failure -1 with err set
 * (RS_E_CONFIG: the options ask for more accounts than there are, and the message). */
int gen_world_build(gen_world **out, const gen_opts *o, const gen_ipdb *ipdb, rs_error *err);
void gen_world_free(gen_world *w);

/* Whether account a is a ring member of either kind (planted ring or disciplined). */
int gen_world_in_ring(const gen_acct *a);

/* Names used in truth and in the README. */
const char *gen_world_pop_name(int pop);
const char *gen_world_behav_name(int b);

/* Public id number of index i (bijective in i). */
uint32_t gen_world_pub(const gen_world *w, uint32_t i);
/* Device id numbers: the k-th own device of account i. */
uint64_t gen_world_device(const gen_world *w, uint32_t i, uint32_t k);
/* Own payout destination / payment instrument id number of account i. */
uint64_t gen_world_dest(const gen_world *w, uint32_t i);

/* Address of built-in block blk for hash h: from w->ipdb's pool when there is one,
 * otherwise from the block's prefix (gen_geo_addr). */
uint32_t gen_world_addr(const gen_world *w, uint16_t blk, uint64_t h);

/* Country code of gen_geo country index c, and the index of a code (0 when unknown). */
const char *gen_world_cc(int c);
int gen_world_cc_index(const char *cc);

#endif
