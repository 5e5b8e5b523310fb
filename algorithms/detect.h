/* detect.h - proxy-account ring detection: per-account red flags with
 * evidence, a weighted account-account projection of shared infrastructure,
 * Leiden communities, ring scores and per-account risk.
 *
 * Every weight and threshold is a field of detect_params (defaults in
 * DETECT_PARAMS_INIT, documented in docs/detection.md, overridable from the
 * JSON config). Results are deterministic for a graph and a seed.
 */
#ifndef RINGSCAN_DETECT_H
#define RINGSCAN_DETECT_H

#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FLAG_GEO_HOP,
    FLAG_SHARED_IP,
    FLAG_SHARED_DEVICE,
    FLAG_LONG_SESSION,
    FLAG_REMOTE_ACCESS,
    FLAG_ANON_NETWORK,
    FLAG_COUNTRY_MISMATCH,
    FLAG_RATING_BURST,
    FLAG_RATING_LOCKSTEP,
    FLAG_BID_SPAM,
    FLAG_HIGH_RISK_PAYOUT,
    FLAG_SHARED_PAYOUT,
    FLAG_SELF_DEALING,
    FLAG_STRUCTURED_CHARGES,
    FLAG_RING_MEMBER,
    FLAG_COUNT
} flag_code;

const char *detect_flag_name(flag_code f);

#define DETECT_MAX_LIST 64

typedef struct {
    /* GEO_HOP */
    double geo_hop_window_h; /* two countries within this many hours */
    double airliner_kmh;     /* faster implied travel is impossible */
    double min_hop_km;       /* ignore shorter distances (geolocation noise) */
    /* SHARED_IP */
    double shared_ip_window_h; /* another account on the IP within this window */
    double ip_pool_degree;     /* IPs with more accounts are mass-shared pools */
    /* LONG_SESSION */
    double long_session_h;
    double chain_gap_min; /* back-to-back sessions closer than this chain */
    /* COUNTRY_MISMATCH */
    double mismatch_share; /* share of located logins away from the claim */
    double mismatch_min_logins;
    /* REMOTE_ACCESS / ANON_NETWORK lists */
    uint32_t remote_ports[DETECT_MAX_LIST];
    size_t n_remote_ports;
    uint32_t anon_asns[DETECT_MAX_LIST];
    size_t n_anon_asns;
    /* Projection */
    double w_ip, w_device, w_dest;       /* base weight per shared resource */
    double cap_ip, cap_device, cap_dest; /* resources above make no pairs */
    double overlap_window_h;             /* "same hours" for IP sharing */
    double degree_exponent;              /* pair weight = base / (deg - 1)^this */
    double anon_ip_small_degree;         /* anonymising IPs above are pools */
    double anon_ip_factor;               /* weight kept on anonymising pools */
    double anon_pair_cap;                /* most a pair gets from anonymising IPs */
    double anon_member_cap;              /* ring strength per member from them */
    double far_apart_factor;             /* weight kept when never concurrent */
    double min_link;                     /* projection edges below are dropped */
    /* Leiden */
    double resolution;
    double beta;
    double iterations;
    /* Behaviour (behav.c) */
    double high_stars;            /* a high rating */
    double burst_min_freelancers; /* RATING_BURST: distinct freelancers in the burst */
    double burst_min_intensity;   /* RATING_BURST: rate over the client's own baseline */
    double burst_max_days;        /* RATING_BURST: longest burst considered */
    double lockstep_min_density;  /* RATING_LOCKSTEP: FRAUDAR block density */
    double lockstep_min_clients, lockstep_min_freelancers;
    double bid_min;         /* BID_SPAM: bids at least */
    double bid_max_accept;  /* BID_SPAM: acceptance ratio at most */
    double bid_per_login;   /* BID_SPAM: bids per login at least */
    double bid_peer_factor; /* BID_SPAM: bids over the age group's 90th percentile */
    double hr_min_payouts;  /* HIGH_RISK_PAYOUT: payouts to high-risk countries */
    double hr_min_share;    /* HIGH_RISK_PAYOUT: share of the paid-out amount */
    char high_risk[DETECT_MAX_LIST][3];
    size_t n_high_risk;
    double struct_min_charges; /* STRUCTURED_CHARGES: charges on one pair */
    double struct_min_total;   /* ... adding up to at least */
    double struct_min_days;    /* ... over at least this many days */
    double struct_vs_client;   /* ... times the client's usual charges per freelancer */
    double w_lockstep;         /* projection: client-freelancer link in a lockstep block */
    double w_burst;            /* projection: client-freelancer link in a rating burst */
    double w_self;             /* projection: client-freelancer link when self-dealing */
    double self_ip_max_degree; /* SELF_DEALING: shared IPs at most this widely used */
    /* Corroboration weights of an account's own flags, in [0,1] */
    double fw[FLAG_COUNT];
    double remote_device_weight; /* REMOTE_ACCESS on a device (fw[] is IP-only) */
    /* Ring score and decision */
    double ring_strength_scale;     /* internal weight per member for strength 0.63 */
    double ring_prevalence_zero;    /* mean corroboration giving no credit */
    double ring_prevalence_full;    /* mean corroboration giving full credit */
    double attach_scale;            /* member link weight for 63% of ring score */
    double ip_attach_corroboration; /* own score at which IP links attach fully */
    double ring_min_score;          /* communities scoring less are not rings */
    double own_weight;              /* how much own flags alone can add to risk */
    double threshold;               /* flagged = risk_score >= threshold */
} detect_params;

/* Fills p with the documented defaults. */
void detect_params_init(detect_params *p);

/* The numeric parameters by config name ("detect": {name: value}), with
 * their documentation and valid range. Lists are "remote_ports" and
 * "anon_asns"; flag weights are "weight_<FLAG>". */
typedef struct {
    const char *name;
    size_t offset; /* of a double in detect_params */
    double min, max;
    const char *doc;
} detect_param_desc;

const detect_param_desc *detect_param_table(size_t *n);

typedef struct {
    uint32_t bits;                 /* 1 << flag_code */
    uint32_t evidence[FLAG_COUNT]; /* supporting events (or resources) per flag */
    uint8_t remote_device;         /* REMOTE_ACCESS seen on one of its devices */
    uint16_t bursts[4];            /* BURST_*: bursts it took part in (evidence) */
} acct_flags;

/* Kinds of burst evidence (behav.c): a client's high ratings, its hires,
 * charges on a payment instrument it uses, new accounts on an IP it used. */
enum { BURST_RATINGS, BURST_HIRES, BURST_CHARGES, BURST_IP_ACCOUNTS };

typedef struct {
    uint32_t type; /* NODE_IP, NODE_DEVICE or NODE_DEST */
    uint32_t id;
    uint32_t members; /* ring members using it */
    uint32_t degree;  /* all accounts using it */
} ring_resource;

typedef struct {
    char id[16]; /* R0001 ... in rank order */
    double score;
    double strength, prevalence, density, internal_weight;
    uint32_t *members; /* freelancer account ids, sorted by label */
    size_t nmembers;
    uint32_t *shills; /* client account ids */
    size_t nshills;
    ring_resource *res; /* shared between >= 2 members, strongest first */
    size_t nres;
    uint32_t flag_counts[FLAG_COUNT];
    int64_t first_seen, last_seen;
} ring;

typedef struct {
    acct_flags *flags;     /* per account */
    double *risk;          /* per account, [0,1] */
    double *corroboration; /* per account, own-flag score in [0,1] */
    int32_t *ring_of;      /* per account: index into rings, or -1 */
    uint8_t *flagged;
    ring *rings; /* ranked by score */
    size_t nrings;
    /* statistics for run.json */
    uint64_t pairs, projection_edges, capped_resources, communities;
    uint64_t rating_bursts, lockstep_blocks, structuring_pairs, self_dealing_pairs;
    uint64_t hire_bursts, charge_bursts, ip_onboarding_bursts;
    double seconds_flags, seconds_projection, seconds_leiden, seconds_scoring;
    double seconds_behaviour; /* part of seconds_projection */
} detect_result;

/* Runs everything on a finalized, enriched graph. Returns 0, or a negative
 * RS_E_* when igraph fails (message in err). Free with detect_result_free. */
int detect_run(const rs_graph *g, const detect_params *p, uint64_t seed, detect_result *out,
               char *err, size_t errlen);
void detect_result_free(detect_result *r);

/* One account-account link of the projection (a < b). */
typedef struct {
    uint32_t a, b;
    double w;  /* total weight, as Leiden sees it */
    double wa; /* the part from anonymising IPs (already capped per pair) */
    double wi; /* the part from ordinary IPs */
} detect_link;

/* The weighted projection alone, before min_link filtering, sorted by (a, b);
 * *out is a new array the caller frees. Returns the number of links. */
size_t detect_project(const rs_graph *g, const detect_params *p, detect_link **out);

/* "FLAG1;FLAG2" for an account into buf (size n). */
void detect_flags_text(const acct_flags *f, char *buf, size_t n);

#endif
