/* gen.h - ringscan's marketplace simulator: options and entry points.
 *
 * The simulator writes a synthetic freelance marketplace in ringscan's input contract
 * (accounts, logins, bids, ratings, payouts, charges, ports) with benign populations that
 * look suspicious to naive rules and planted proxy-account rings, plus the ground truth
 * (truth.csv, truth.json). Output is deterministic for a seed and streamed: memory grows
 * with the number of accounts, never with the number of rows. See datasets/README.md.
 */
#ifndef GEN_H
#define GEN_H

#include <stdint.h>

typedef struct gen_opts {
    uint64_t seed;
    uint32_t accounts; /* freelancer accounts, ring members included */
    uint32_t clients;  /* client accounts, shill clients included */
    uint32_t days;
    int64_t start_day; /* days since 1970-01-01 of the first simulated day */
    uint32_t rings, ring_min, ring_max;
    int gzip, enrich, quiet;
    int no_user_agent; /* omit logins.user_agent (lean files for benchmarks) */
    const char *outdir;
    const char *ipdb; /* --ipdb DIR: draw addresses from its real ranges (gen_ipdb.h), or NULL */

    /* Benign freelancer populations, as shares of the benign freelancers (rest: ordinary). */
    double p_cgnat, p_office, p_household, p_vpn, p_traveller, p_agency, p_overnight,
        p_heavy_bidder, p_milestone;
    /* Look-alikes added for randomised worlds (default 0): groups of accounts under one
     * person's control without deception, people who moved country, company cloud
     * desktops, crypto payees, bootcamp cohorts. */
    double p_shared_control, p_relocator, p_cloud_desktop, p_crypto_payee, p_cohort;
    /* Client populations, as shares of the benign clients (rest: ordinary clients). */
    double p_enterprise, p_milestone_client, p_review_sweep, p_hiring_team;
    uint32_t office_min, office_max, household_min, household_max, agency_min, agency_max;
    uint32_t shared_min, shared_max, cloud_min, cloud_max, cohort_min, cohort_max, team_min,
        team_max;
    double shared_milestone; /* share of shared-control groups with a member paid in milestones */
    double shared_laptop;    /* share of a shared-control group's sessions on its one laptop */
    int randomize;           /* draw every population share and behaviour parameter */
    uint32_t cgnat_pool;     /* egress addresses per mobile carrier block */
    uint32_t vpn_exits;      /* exit addresses per VPN provider block */
    double mobile_share, vpn_share, household_device, benign_remote, overnight_rate;

    /* Planted rings: probability that a ring has each behaviour. */
    double b_abroad, b_anon, b_farm, b_shared_device, b_geo_hop, b_long_session, b_bid_spam,
        b_shill, b_self_dealing, b_shared_payout, b_structuring;
    double coverage;   /* minimum share of a ring's members that exhibit each of its behaviours */
    double camouflage; /* share of ring sessions on fresh IPs and weight of honest work */
    uint32_t shill_min, shill_max, per_op_min, per_op_max;
    uint32_t struct_instalments;
    double struct_total; /* dollars */

    /* Identity attributes (attributes.csv), profile and cover-letter texts, and the
     * disciplined rings (datasets/README.md). Off by default: without it every file is
     * byte-identical to a simulator that never knew about identities. */
    int identity;
    uint32_t disciplined_rings; /* with identity: rings sharing no infrastructure (2) */

    /* --schemes 2025: the 2024-2025 schemes and their look-alikes (gen_scheme.h); 0 off.
     * Implies identity. Off by default, so every other world stays byte-identical. */
    uint32_t schemes;
} gen_opts;

/* Fills o with the documented defaults. */
void gen_opts_init(gen_opts *o);

/* Draws the population mix, group sizes, ring count and every behaviour parameter of the
 * benign populations and ring tactics from the wide ranges documented in
 * datasets/README.md, from a stream keyed by o->seed (the sizes, days and output options
 * are kept). Deterministic for a seed. */
void gen_opts_randomize(gen_opts *o);

/* Generates the data set described by o into o->outdir (created if missing). Returns 0, or
 * -1 after printing a one-line diagnostic prefixed with `prog` on stderr. */
int gen_run(const gen_opts *o, const char *prog);

/* Command line entry point: `argv[0] [options] -o DIR`. Returns the process exit status:
 * 0 on success, 1 on a runtime error, 2 on a usage error. */
int gen_cli(int argc, char **argv);

#endif
