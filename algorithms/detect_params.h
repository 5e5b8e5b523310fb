/* detect_params.h - every weight and threshold of detection, in one record.
 *
 * Defaults (detect_params_init) are documented in docs/detection.md; each
 * numeric parameter is also listed in a table with its config name, valid
 * range and meaning, which the JSON config reader and docs/config.md follow.
 */
#ifndef RINGSCAN_DETECT_PARAMS_H
#define RINGSCAN_DETECT_PARAMS_H

#include "model/flags.h"

#include <stddef.h>
#include <stdint.h>

/* Capacity of each list parameter (remote_ports, anon_asns, high_risk), and
 * the most entries a config file may give one. Sized for anon_asns, whose
 * default is the hosting table of datasets/hosting-asns.csv (hosting_asns.h;
 * its build fails when the table outgrows this) with room for additions. */
#define DETECT_MAX_LIST 512

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
    /* Hosting/VPN ASNs. Sorted ascending without duplicates wherever
     * rules_anon_ip reads them: detect_params_init's are; a list from a
     * config file is in the file's order until detect_params_sort_asns. */
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
    /* Identity and text (algorithms/identity.c; used only when the input has the
     * attributes table or text columns) */
    double w_identity, cap_identity; /* shared phone, email, document, photo, URL */
    double w_address, cap_address;   /* shared home address (families share one) */
    double w_shipping, cap_shipping; /* shared shipping address */
    double w_text, cap_text;         /* near-duplicate bid or profile text */
    double text_jaccard;             /* TEXT_REUSE: shingle-set Jaccard at least */
    double photo_max_bits;           /* photo hashes this many bits apart are one photo */
    double forwarding_min_names;     /* EQUIPMENT_FORWARDING: family names at one address */
    /* Corroboration weights of an account's own flags, in [0,1] */
    double fw[FLAG_COUNT];
    double remote_device_weight; /* REMOTE_ACCESS on a device (fw[] is IP-only) */
    double weak_flag_factor;     /* share of a weak flag's weight that corroborates */
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

/* Fills p with the documented defaults; anon_asns is the built-in hosting
 * table (hosting_asns.h), sorted. Never fails. */
void detect_params_init(detect_params *p);

/* Sorts p->anon_asns ascending and drops duplicates (n_anon_asns may
 * shrink), as the binary search of rules_anon_ip needs. Idempotent; never
 * fails. O(n log n) in the list's length: call it once per loaded list,
 * not per lookup. detect_run and evsel_new call it on their own copy of
 * the parameters, so callers may pass a list in any order. */
void detect_params_sort_asns(detect_params *p);

/* The numeric parameters by config name ("detect": {name: value}), with
 * their documentation and valid range. Lists are "remote_ports" and
 * "anon_asns"; flag weights are "weight_<FLAG>". */
typedef struct {
    const char *name;
    size_t offset; /* of a double in detect_params */
    double min, max;
    const char *doc;
    /* 1 for the identity and text parameters: written into the configuration's
     * record only when they differ from their defaults, so that configurations
     * that leave them alone keep their digest. */
    int ext;
} detect_param_desc;

const detect_param_desc *detect_param_table(size_t *n);

#endif
