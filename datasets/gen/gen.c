/* gen.c - ringscan-gen's command line and driver; see gen.h.
 *
 * Options are declared once, in gen_options[], which drives both parsing and --help, so
 * the help text can never drift from what is accepted. Proportions are validated to lie
 * in [0, 1]; ranges are written MIN-MAX.
 */
#include "datasets/gen/gen.h"

#include "base/ts.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "datasets/gen/gen_events.h"
#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_ident.h"
#include "datasets/gen/gen_ipdb.h"
#include "datasets/gen/gen_out.h"
#include "datasets/gen/gen_rng.h"
#include "datasets/gen/gen_truth.h"
#include "datasets/gen/gen_world.h"

void gen_opts_init(gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->accounts = 12000;
    o->clients = 2500;
    o->days = 60;
    o->start_day = ts_days_from_civil(2026, 2, 1);
    o->rings = 8;
    o->ring_min = 3;
    o->ring_max = 40;
    o->p_cgnat = 0.12;
    o->p_office = 0.08;
    o->p_household = 0.06;
    o->p_vpn = 0.05;
    o->p_traveller = 0.04;
    o->p_agency = 0.04;
    o->p_overnight = 0.04;
    o->p_heavy_bidder = 0.03;
    o->p_milestone = 0.02;
    o->p_enterprise = 0.05;
    o->p_milestone_client = 0.03;
    o->office_min = 5;
    o->office_max = 50;
    o->household_min = 2;
    o->household_max = 3;
    o->agency_min = 5;
    o->agency_max = 15;
    o->cgnat_pool = 64;
    o->vpn_exits = 24;
    o->mobile_share = 0.15;
    o->vpn_share = 0.7;
    o->household_device = 0.4;
    o->benign_remote = 0.01;
    o->overnight_rate = 0.1;
    o->b_abroad = 0.7;
    o->b_anon = 0.5;
    o->b_farm = 0.4;
    o->b_shared_device = 0.5;
    o->b_geo_hop = 0.5;
    o->b_long_session = 0.5;
    o->b_bid_spam = 0.5;
    o->b_shill = 0.6;
    o->b_self_dealing = 0.5;
    o->b_shared_payout = 0.7;
    o->b_structuring = 0.35;
    o->coverage = 0.6;
    o->camouflage = 0.25;
    o->shill_min = 2;
    o->shill_max = 5;
    o->per_op_min = 3;
    o->per_op_max = 8;
    o->struct_instalments = 30;
    o->struct_total = 50000;
    o->shared_min = 3;
    o->shared_max = 6;
    o->cloud_min = 3;
    o->cloud_max = 12;
    o->cohort_min = 8;
    o->cohort_max = 25;
    o->team_min = 3;
    o->team_max = 8;
    o->shared_milestone = 0.3;
    o->shared_laptop = 0.9;
    o->disciplined_rings = 2;
}

/* Uniform in [lo, hi). */
static double rnd(gen_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gen_rng_unit(r);
}

static void rnd_range(gen_rng *r, uint32_t *lo, uint32_t *hi, uint32_t a, uint32_t b, uint32_t c,
                      uint32_t d)
{
    *lo = gen_rng_range(r, a, b);
    *hi = gen_rng_range(r, *lo > c ? *lo : c, d > *lo ? d : *lo);
}

void gen_opts_randomize(gen_opts *o)
{
    gen_rng r;
    gen_rng_seed(&r, o->seed, 0x72616e646f6dull, 0);
    /* Benign freelancer populations; the rest are ordinary. */
    double *share[] = {
        &o->p_cgnat,        &o->p_office,         &o->p_household, &o->p_vpn,
        &o->p_traveller,    &o->p_agency,         &o->p_overnight, &o->p_heavy_bidder,
        &o->p_milestone,    &o->p_shared_control, &o->p_relocator, &o->p_cloud_desktop,
        &o->p_crypto_payee, &o->p_cohort};
    const double lo[] = {0.02,  0.02,  0.02, 0.01,  0.01,  0.01,  0.01,
                         0.005, 0.005, 0.01, 0.005, 0.005, 0.005, 0.005};
    const double hi[] = {0.25, 0.20, 0.15, 0.12, 0.10, 0.10, 0.10,
                         0.08, 0.05, 0.06, 0.04, 0.05, 0.05, 0.05};
    double sum = 0;
    for (size_t i = 0; i < sizeof share / sizeof *share; i++) {
        *share[i] = rnd(&r, lo[i], hi[i]);
        sum += *share[i];
    }
    if (sum > 0.85) /* keep at least 15 % ordinary freelancers */
        for (size_t i = 0; i < sizeof share / sizeof *share; i++)
            *share[i] *= 0.85 / sum;
    o->p_enterprise = rnd(&r, 0.01, 0.10);
    o->p_milestone_client = rnd(&r, 0.01, 0.06);
    o->p_review_sweep = rnd(&r, 0.005, 0.03);
    o->p_hiring_team = rnd(&r, 0.01, 0.06);
    /* Group sizes. */
    rnd_range(&r, &o->office_min, &o->office_max, 3, 8, 10, 60);
    rnd_range(&r, &o->household_min, &o->household_max, 2, 2, 3, 5);
    rnd_range(&r, &o->agency_min, &o->agency_max, 3, 6, 8, 20);
    rnd_range(&r, &o->shared_min, &o->shared_max, 2, 3, 4, 8);
    rnd_range(&r, &o->cloud_min, &o->cloud_max, 2, 5, 6, 20);
    rnd_range(&r, &o->cohort_min, &o->cohort_max, 5, 10, 12, 40);
    rnd_range(&r, &o->team_min, &o->team_max, 2, 4, 5, 12);
    /* Behaviour of the benign populations. */
    o->cgnat_pool = gen_rng_range(&r, 16, 256);
    o->vpn_exits = gen_rng_range(&r, 4, 64);
    o->mobile_share = rnd(&r, 0.05, 0.35);
    o->vpn_share = rnd(&r, 0.4, 0.95);
    o->household_device = rnd(&r, 0.1, 0.8);
    o->benign_remote = rnd(&r, 0.0, 0.04);
    o->overnight_rate = rnd(&r, 0.05, 0.3);
    o->shared_milestone = rnd(&r, 0.1, 0.6);
    o->shared_laptop = rnd(&r, 0.6, 1.0);
    /* Ring tactics. */
    o->rings = gen_rng_range(&r, 4, 12);
    rnd_range(&r, &o->ring_min, &o->ring_max, 3, 5, 8, 40);
    o->b_abroad = rnd(&r, 0.3, 0.9);
    o->b_anon = rnd(&r, 0.2, 0.8);
    o->b_farm = rnd(&r, 0.1, 0.7);
    o->b_shared_device = rnd(&r, 0.2, 0.8);
    o->b_geo_hop = rnd(&r, 0.2, 0.8);
    o->b_long_session = rnd(&r, 0.2, 0.8);
    o->b_bid_spam = rnd(&r, 0.2, 0.8);
    o->b_shill = rnd(&r, 0.2, 0.8);
    o->b_self_dealing = rnd(&r, 0.2, 0.8);
    o->b_shared_payout = rnd(&r, 0.3, 0.9);
    o->b_structuring = rnd(&r, 0.1, 0.5);
    o->coverage = rnd(&r, 0.4, 0.9);
    o->camouflage = rnd(&r, 0.05, 0.45);
    rnd_range(&r, &o->shill_min, &o->shill_max, 1, 2, 2, 6);
    rnd_range(&r, &o->per_op_min, &o->per_op_max, 2, 4, 4, 10);
    o->struct_instalments = gen_rng_range(&r, 12, 60);
    o->struct_total = rnd(&r, 15000, 80000);
    /* Identity options draw from a stream of their own, so the draws above stay those of
     * worlds generated before identities existed. */
    gen_rng ri;
    gen_rng_seed(&ri, o->seed, 0x6964656e74697479ull, 0);
    o->disciplined_rings = gen_rng_range(&ri, 1, 4);
}

enum opt_kind { OPT_U32, OPT_U64, OPT_DBL, OPT_PROB, OPT_RANGE, OPT_FLAG, OPT_STR, OPT_DATE };

typedef struct gen_option {
    const char *name;
    int kind;
    size_t off, off2; /* field offsets; off2 is the MAX of a range */
    const char *arg;
    const char *help;
} gen_option;

#define F(x) offsetof(gen_opts, x)
static const gen_option gen_options[] = {
    {"-o", OPT_STR, F(outdir), 0, "DIR", "output directory (created if missing; required)"},
    {"--seed", OPT_U64, F(seed), 0, "N", "random seed (default 1)"},
    {"--accounts", OPT_U32, F(accounts), 0, "N",
     "freelancer accounts, ring members included (12000)"},
    {"--clients", OPT_U32, F(clients), 0, "N", "client accounts, shill clients included (2500)"},
    {"--days", OPT_U32, F(days), 0, "N", "simulated days (60)"},
    {"--start", OPT_DATE, F(start_day), 0, "YYYY-MM-DD", "first simulated day, UTC (2026-02-01)"},
    {"--rings", OPT_U32, F(rings), 0, "N", "planted rings (8)"},
    {"--ring-size", OPT_RANGE, F(ring_min), F(ring_max), "MIN-MAX", "freelancers per ring (3-40)"},
    {"--gzip", OPT_FLAG, F(gzip), 0, NULL, "write the event tables as .csv.gz"},
    {"--enrich", OPT_FLAG, F(enrich), 0, NULL, "add ip_country,asn,asn_org columns to logins"},
    {"--ipdb", OPT_STR, F(ipdb), 0, "DIR",
     "draw IPs from real ranges of DIR/" GEN_IPDB_ASN_CSV " (the table's ISP and hosting "
     "ASNs) that geolocate to the intended country in DIR/" GEN_IPDB_CITY_MMDB
     "; --enrich columns then come from those two files"},
    {"--no-user-agent", OPT_FLAG, F(no_user_agent), 0, NULL,
     "omit the logins.user_agent column (smaller files, e.g. for benchmarks)"},
    {"--quiet", OPT_FLAG, F(quiet), 0, NULL, "no summary on stderr"},
    {"--randomize", OPT_FLAG, F(randomize), 0, NULL,
     "draw population mix, group sizes, ring count and every behaviour parameter from the "
     "documented ranges (options given too override the draw)"},
    {"--identity", OPT_FLAG, F(identity), 0, NULL,
     "also write attributes.csv (names, emails, phones, addresses, documents, photo hashes, "
     "payout holders, URLs), a text column in accounts and bids, and disciplined rings"},
    {"--disciplined-rings", OPT_U32, F(disciplined_rings), 0, "N",
     "with --identity: rings sharing no IP, device or payout destination, only identities "
     "and texts (2; --randomize: 1-4)"},
    {"--schemes", OPT_U32, F(schemes), 0, "YEAR",
     "2025: add the 2024-2025 schemes (laptop farms on home lines, slow shills, rented "
     "accounts, rings sharing no infrastructure, crypto payouts) and their benign "
     "look-alikes, each its own population; implies --identity"},
    {"--p-cgnat", OPT_PROB, F(p_cgnat), 0, "P", "benign share: mobile users behind CGNAT (0.12)"},
    {"--p-office", OPT_PROB, F(p_office), 0, "P", "benign share: office/coworking NAT (0.08)"},
    {"--p-household", OPT_PROB, F(p_household), 0, "P", "benign share: households (0.06)"},
    {"--p-vpn", OPT_PROB, F(p_vpn), 0, "P", "benign share: commercial VPN users (0.05)"},
    {"--p-traveller", OPT_PROB, F(p_traveller), 0, "P", "benign share: travellers (0.04)"},
    {"--p-agency", OPT_PROB, F(p_agency), 0, "P", "benign share: agency freelancers (0.04)"},
    {"--p-overnight", OPT_PROB, F(p_overnight), 0, "P", "benign share: overnight sessions (0.04)"},
    {"--p-heavy-bidder", OPT_PROB, F(p_heavy_bidder), 0, "P",
     "benign share: new heavy bidders (0.03)"},
    {"--p-milestone", OPT_PROB, F(p_milestone), 0, "P",
     "benign share: paid in many milestones (0.02)"},
    {"--p-shared-control", OPT_PROB, F(p_shared_control), 0, "P",
     "benign share: accounts run together on one laptop and payout account (0)"},
    {"--p-relocator", OPT_PROB, F(p_relocator), 0, "P",
     "benign share: freelancers who moved country (0)"},
    {"--p-cloud-desktop", OPT_PROB, F(p_cloud_desktop), 0, "P",
     "benign share: employees working on a company cloud desktop (0)"},
    {"--p-crypto-payee", OPT_PROB, F(p_crypto_payee), 0, "P",
     "benign share: paid into crypto exchange accounts (0)"},
    {"--p-cohort", OPT_PROB, F(p_cohort), 0, "P", "benign share: bootcamp cohorts (0)"},
    {"--p-enterprise", OPT_PROB, F(p_enterprise), 0, "P",
     "client share: enterprise clients (0.05)"},
    {"--p-milestone-client", OPT_PROB, F(p_milestone_client), 0, "P",
     "client share: clients paying in milestones (0.03)"},
    {"--p-review-sweep", OPT_PROB, F(p_review_sweep), 0, "P",
     "client share: clients rating a quarter's hires in one sweep (0)"},
    {"--p-hiring-team", OPT_PROB, F(p_hiring_team), 0, "P",
     "client share: recruiters of one company sharing an office and a card (0)"},
    {"--office-size", OPT_RANGE, F(office_min), F(office_max), "MIN-MAX", "office size (5-50)"},
    {"--household-size", OPT_RANGE, F(household_min), F(household_max), "MIN-MAX",
     "household size (2-3)"},
    {"--agency-size", OPT_RANGE, F(agency_min), F(agency_max), "MIN-MAX", "agency size (5-15)"},
    {"--shared-size", OPT_RANGE, F(shared_min), F(shared_max), "MIN-MAX",
     "shared-control group size (3-6)"},
    {"--cloud-size", OPT_RANGE, F(cloud_min), F(cloud_max), "MIN-MAX",
     "cloud-desktop company size (3-12)"},
    {"--cohort-size", OPT_RANGE, F(cohort_min), F(cohort_max), "MIN-MAX",
     "bootcamp cohort size (8-25)"},
    {"--team-size", OPT_RANGE, F(team_min), F(team_max), "MIN-MAX",
     "hiring team size, recruiter accounts (3-8)"},
    {"--shared-milestone", OPT_PROB, F(shared_milestone), 0, "P",
     "share of shared-control groups with a member paid in milestones (0.3)"},
    {"--shared-laptop", OPT_PROB, F(shared_laptop), 0, "P",
     "share of a shared-control group's sessions on its laptop (0.9)"},
    {"--cgnat-pool", OPT_U32, F(cgnat_pool), 0, "N", "egress IPs per mobile carrier block (64)"},
    {"--vpn-exits", OPT_U32, F(vpn_exits), 0, "N", "exit IPs per VPN/hosting block (24)"},
    {"--mobile-share", OPT_PROB, F(mobile_share), 0, "P",
     "share of ordinary sessions on mobile data (0.15)"},
    {"--vpn-share", OPT_PROB, F(vpn_share), 0, "P", "share of a VPN user's sessions on VPN (0.7)"},
    {"--household-device", OPT_PROB, F(household_device), 0, "P",
     "share of households sharing a device (0.4)"},
    {"--benign-remote", OPT_PROB, F(benign_remote), 0, "P",
     "share of benign freelancers running remote-desktop software (0.01)"},
    {"--overnight-rate", OPT_PROB, F(overnight_rate), 0, "P",
     "share of an overnight user's active days with a session left open (0.1)"},
    {"--b-operator-abroad", OPT_PROB, F(b_abroad), 0, "P",
     "ring behaviour: operators log in from CN/RU home lines (0.7)"},
    {"--b-anon-network", OPT_PROB, F(b_anon), 0, "P",
     "ring behaviour: operators use VPN exits or their own servers (0.5)"},
    {"--b-laptop-farm", OPT_PROB, F(b_farm), 0, "P",
     "ring behaviour: US laptop farm with remote-desktop ports (0.4)"},
    {"--b-shared-device", OPT_PROB, F(b_shared_device), 0, "P",
     "ring behaviour: operators reuse one device across accounts (0.5)"},
    {"--b-geo-hop", OPT_PROB, F(b_geo_hop), 0, "P",
     "ring behaviour: logins from two countries within hours (0.5)"},
    {"--b-long-session", OPT_PROB, F(b_long_session), 0, "P",
     "ring behaviour: sessions of 24 h or more (0.5)"},
    {"--b-bid-spam", OPT_PROB, F(b_bid_spam), 0, "P",
     "ring behaviour: heavy bidding, low acceptance (0.5)"},
    {"--b-shill", OPT_PROB, F(b_shill), 0, "P",
     "ring behaviour: shill clients rate members 5 stars in bursts (0.6)"},
    {"--b-self-dealing", OPT_PROB, F(b_self_dealing), 0, "P",
     "given shills: they share IPs/devices/payment accounts with the ring (0.5)"},
    {"--b-shared-payout", OPT_PROB, F(b_shared_payout), 0, "P",
     "ring behaviour: payouts concentrated on shared, often PRC destinations (0.7)"},
    {"--b-structuring", OPT_PROB, F(b_structuring), 0, "P",
     "ring behaviour: a victim client's card charged in many instalments (0.35)"},
    {"--coverage", OPT_PROB, F(coverage), 0, "P",
     "least share of a ring's members showing each of its behaviours (0.6)"},
    {"--camouflage", OPT_PROB, F(camouflage), 0, "P",
     "share of ring sessions on fresh IPs; weight of honest work (0.25)"},
    {"--shills", OPT_RANGE, F(shill_min), F(shill_max), "MIN-MAX", "shill clients per ring (2-5)"},
    {"--per-operator", OPT_RANGE, F(per_op_min), F(per_op_max), "MIN-MAX",
     "accounts per operator (3-8)"},
    {"--struct-instalments", OPT_U32, F(struct_instalments), 0, "N",
     "instalments per structuring case (30)"},
    {"--struct-total", OPT_DBL, F(struct_total), 0, "USD", "total per structuring case (50000)"},
};
#undef F

static void gen_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [options] -o DIR\n"
            "       %s --check-geoip FILE.mmdb\n"
            "       %s [--seed N] --check-ipdb DIR\n\n"
            "Writes a simulated freelance marketplace with planted proxy-account rings:\n"
            "accounts, logins, bids, ratings, payouts, charges and ports tables in\n"
            "ringscan's input contract, plus truth.csv and truth.json. Deterministic for a\n"
            "seed. See datasets/README.md.\n\noptions:\n",
            prog, prog, prog);
    for (size_t i = 0; i < sizeof gen_options / sizeof gen_options[0]; i++) {
        const gen_option *op = &gen_options[i];
        char left[48];
        snprintf(left, sizeof left, "%s%s%s", op->name, op->arg ? " " : "", op->arg ? op->arg : "");
        fprintf(f, "  %-28s %s\n", left, op->help);
    }
    fprintf(f, "  %-28s %s\n  %-28s %s\n  %-28s %s\n  %-28s %s\n", "--check-geoip FILE",
            "check the built-in IP table against a GeoLite2/GeoIP2 country or city database",
            "--check-ipdb DIR",
            "show, per block of the IP table, the real ranges --ipdb DIR would draw from, and "
            "check drawn addresses against DIR's files (exit 1 on a mismatch)",
            "--help", "show this help", "--version", "show the version");
}

static int gen_parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int gen_parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (gen_parse_u64(s, &v) != 0 || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int gen_parse_dbl(const char *s, double *out)
{
    char *end = NULL;
    if (!s || !*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || v != v)
        return -1;
    *out = v;
    return 0;
}

static int gen_parse_date(const char *s, int64_t *out)
{
    char *end = NULL;
    long y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    y = strtol(s, &end, 10);
    if (end != s + 4)
        return -1;
    m = strtol(s + 5, &end, 10);
    if (end != s + 7)
        return -1;
    d = strtol(s + 8, &end, 10);
    if (end != s + 10 || y < 1971 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    *out = ts_days_from_civil((int64_t)y, (unsigned)m, (unsigned)d);
    return 0;
}

static int gen_set(gen_opts *o, const gen_option *op, const char *val)
{
    char *base = (char *)o;
    switch (op->kind) {
    case OPT_U32:
        return gen_parse_u32(val, (uint32_t *)(void *)(base + op->off));
    case OPT_U64:
        return gen_parse_u64(val, (uint64_t *)(void *)(base + op->off));
    case OPT_DBL: {
        double v;
        if (gen_parse_dbl(val, &v) != 0 || v < 0)
            return -1;
        *(double *)(void *)(base + op->off) = v;
        return 0;
    }
    case OPT_PROB: {
        double v;
        if (gen_parse_dbl(val, &v) != 0 || v < 0 || v > 1)
            return -1;
        *(double *)(void *)(base + op->off) = v;
        return 0;
    }
    case OPT_RANGE: {
        char buf[64];
        uint32_t lo, hi;
        if (!val || strlen(val) >= sizeof buf)
            return -1;
        snprintf(buf, sizeof buf, "%s", val);
        char *dash = strchr(buf, '-');
        if (!dash)
            return -1;
        *dash = 0;
        if (gen_parse_u32(buf, &lo) != 0 || gen_parse_u32(dash + 1, &hi) != 0 || lo > hi)
            return -1;
        *(uint32_t *)(void *)(base + op->off) = lo;
        *(uint32_t *)(void *)(base + op->off2) = hi;
        return 0;
    }
    case OPT_STR:
        if (!val || !*val)
            return -1;
        *(const char **)(void *)(base + op->off) = val;
        return 0;
    case OPT_DATE:
        return gen_parse_date(val, (int64_t *)(void *)(base + op->off));
    default:
        return -1;
    }
}

static int gen_mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    return 0;
}

int gen_run(const gen_opts *o, const char *prog)
{
    gen_world *w = NULL;
    gen_ipdb *db = NULL;
    gen_events_stats st;
    rs_error err = {0};
    int rc = -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (o->ipdb) {
        if (gen_ipdb_open(&db, o->ipdb, o->seed, stderr, prog, &err) != 0) {
            fprintf(stderr, "%s: --ipdb: %s\n", prog, err.msg);
            goto cleanup;
        }
        if (!o->quiet) {
            size_t real, total;
            gen_ipdb_pairs(db, &real, &total);
            fprintf(stderr, "%s: --ipdb %s: %zu of %zu (country, kind) pairs from real ranges\n",
                    prog, o->ipdb, real, total);
        }
    }
    /* After --ipdb is loaded, so that a bad DIR leaves no empty output directory. */
    if (gen_mkdir_p(o->outdir) != 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", prog, o->outdir, strerror(errno));
        goto cleanup;
    }
    if (gen_world_build(&w, o, db, &err) != 0 || gen_events_write(w, o->outdir, &st, &err) != 0 ||
        (o->identity && gen_ident_write(w, o->outdir, &st, &err) != 0) ||
        gen_truth_write(w, &st, o->outdir, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        goto cleanup;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!o->quiet) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fprintf(stderr,
                "%s: wrote %s: %u accounts, %u clients, %u rings (%u members, %u shill "
                "clients), %llu rows in %.2f s (%.2f M rows/s)\n",
                prog, o->outdir, w->nf, w->nc, w->nrings, w->ring_members, w->shill_end - w->nf,
                (unsigned long long)st.total, secs, secs > 0 ? (double)st.total / secs / 1e6 : 0.0);
        for (int t = 0; t < GEN_T_COUNT; t++)
            fprintf(stderr, "  %-12s %llu rows\n", gen_events_table_name(t),
                    (unsigned long long)st.rows[t]);
        if (o->identity)
            fprintf(stderr, "  %-12s %llu rows; %u disciplined rings (%u members)\n", "attributes",
                    (unsigned long long)st.attr_rows, w->ndrings, w->disc_members);
    }
    rc = 0;
cleanup:
    gen_world_free(w);
    gen_ipdb_free(db);
    return rc;
}

/* Parses argv into o. Returns -1 to go on, or an exit status (help, version, usage
 * error); *check gets --check-geoip's FILE, *check_ipdb --check-ipdb's DIR. */
static int gen_parse(gen_opts *o, int argc, char **argv, const char *prog, const char **check,
                     const char **check_ipdb)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            gen_usage(stdout, prog);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
        }
        if (strcmp(a, "--version") == 0) {
            printf("%s (ringscan simulator) 1\n", prog);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        if (strcmp(a, "--check-geoip") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --check-geoip needs a FILE\n", prog);
                return 2;
            }
            *check = argv[++i];
            continue;
        }
        if (strcmp(a, "--check-ipdb") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --check-ipdb needs a DIR\n", prog);
                return 2;
            }
            *check_ipdb = argv[++i];
            continue;
        }
        /* Accept both --opt VALUE and --opt=VALUE. */
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        const gen_option *op = NULL;
        for (size_t k = 0; k < sizeof gen_options / sizeof gen_options[0]; k++) {
            if (strlen(gen_options[k].name) == nlen && strncmp(gen_options[k].name, a, nlen) == 0)
                op = &gen_options[k];
        }
        if (!op) {
            fprintf(stderr, "%s: unknown option '%s'\nTry '%s --help'.\n", prog, a, prog);
            return 2;
        }
        if (op->kind == OPT_FLAG) {
            if (eq) {
                fprintf(stderr, "%s: %s takes no value\n", prog, op->name);
                return 2;
            }
            *(int *)(void *)((char *)o + op->off) = 1;
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (gen_set(o, op, val) != 0) {
            fprintf(stderr, "%s: invalid value for %s: '%s' (expected %s)\nTry '%s --help'.\n",
                    prog, op->name, val ? val : "", op->arg, prog);
            return 2;
        }
    }
    return -1;
}

/* --check-ipdb DIR: the pools --ipdb DIR builds for `seed`, and a check of 200 drawn
 * addresses per block. Returns the exit status. */
static int gen_check_ipdb(const char *dir, uint64_t seed, const char *prog)
{
    gen_ipdb *db = NULL;
    rs_error err = {0};
    if (gen_ipdb_open(&db, dir, seed, stderr, prog, &err) != 0) {
        fprintf(stderr, "%s: --check-ipdb: %s\n", prog, err.msg);
        return 1;
    }
    long bad = gen_ipdb_report(db, 200, stdout);
    gen_ipdb_free(db);
    if (fflush(stdout) != 0 || ferror(stdout))
        return 1;
    return bad == 0 ? 0 : 1;
}

int gen_cli(int argc, char **argv)
{
    const char *prog = argc > 0 && argv[0] ? argv[0] : "ringscan-gen";
    const char *check = NULL, *check_ipdb = NULL;
    gen_opts o;
    gen_opts_init(&o);
    int rc = gen_parse(&o, argc, argv, prog, &check, &check_ipdb);
    if (rc >= 0)
        return rc;
    if (o.randomize) {
        /* The draw, then the options given, which override it. */
        uint64_t seed = o.seed;
        gen_opts_init(&o);
        o.seed = seed;
        gen_opts_randomize(&o);
        rc = gen_parse(&o, argc, argv, prog, &check, &check_ipdb);
        if (rc >= 0)
            return rc;
    }
    if (check) {
        long bad = gen_geo_check(check, 200, stdout);
        if (bad < 0) {
            fprintf(stderr, "%s: cannot open GeoIP database %s\n", prog, check);
            return 1;
        }
        printf("%ld mismatching addresses\n", bad);
        return bad == 0 ? 0 : 1;
    }
    if (check_ipdb)
        return gen_check_ipdb(check_ipdb, o.seed, prog);
    if (o.schemes && o.schemes != 2025) {
        fprintf(stderr, "%s: --schemes: unknown year %u (known: 2025)\nTry '%s --help'.\n", prog,
                o.schemes, prog);
        return 2;
    }
    if (o.schemes)
        o.identity = 1; /* the schemes' names, phones, photos and texts live there */
    if (!o.outdir) {
        fprintf(stderr, "%s: missing -o DIR\nTry '%s --help'.\n", prog, prog);
        return 2;
    }
    if (o.accounts < 10 || o.clients < 5 || o.days < 1 || o.ring_min < 2 || o.household_min < 1 ||
        o.office_min < 1 || o.agency_min < 1 || o.per_op_min < 1 || o.days > 3650 ||
        o.shared_min < 1 || o.cloud_min < 1 || o.cohort_min < 1 || o.team_min < 1) {
        fprintf(stderr,
                "%s: need --accounts >= 10, --clients >= 5, 1 <= --days <= 3650, ring size >= 2 "
                "and group sizes >= 1\n",
                prog);
        return 2;
    }
    return gen_run(&o, prog) == 0 ? 0 : 1;
}
