/* detect_params.c - detection defaults and the table of tunable parameters;
 * see detect_params.h. */
#include "algorithms/detect_params.h"

#include "base/cmp.h"

#include "algorithms/hosting_asns.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void detect_params_init(detect_params *p)
{
    memset(p, 0, sizeof *p);
    p->geo_hop_window_h = 6;
    p->airliner_kmh = 1000;
    p->min_hop_km = 1000;
    p->shared_ip_window_h = 2;
    p->ip_pool_degree = 60;
    p->long_session_h = 24;
    p->chain_gap_min = 15;
    p->mismatch_share = 0.5;
    p->mismatch_min_logins = 3;
    static const uint32_t ports[] = {3389, 5900, 5901, 5938, 6568, 7070};
    memcpy(p->remote_ports, ports, sizeof ports);
    p->n_remote_ports = sizeof ports / sizeof *ports;
    /* Hosting and VPN-exit networks: datasets/hosting-asns.csv, compiled in
     * (hosting_asns.h); already sorted, as rules_anon_ip needs. */
    size_t nasns;
    const uint32_t *asns = hosting_asns_table(&nasns);
    assert(nasns <= DETECT_MAX_LIST); /* the generated file asserts it statically */
    memcpy(p->anon_asns, asns, nasns * sizeof *asns);
    p->n_anon_asns = nasns;
    p->w_ip = 1.0;
    p->w_device = 2.0;
    p->w_dest = 2.0;
    p->cap_ip = 60;
    p->cap_device = 30;
    p->cap_dest = 60;
    p->overlap_window_h = 2;
    p->degree_exponent = 0.5;
    p->anon_ip_small_degree = 8;
    p->anon_ip_factor = 0.0;
    p->anon_pair_cap = 0.0;
    p->anon_member_cap = 0.5;
    p->far_apart_factor = 0.2;
    p->min_link = 0.3;
    p->resolution = 1.0;
    p->beta = 0.01;
    p->iterations = 20;
    /* Own-flag weights: each flag's registry row (model/flags.h). */
#define FW_DEFAULT(name, table, weight, ...) p->fw[FLAG_##name] = weight;
    FLAG_LIST(FW_DEFAULT)
#undef FW_DEFAULT
    p->remote_device_weight = 0.40; /* remote-desktop software on the device itself */
    p->weak_flag_factor = 0.25;
    p->high_stars = 4.5;
    p->burst_min_freelancers = 5;
    p->burst_min_intensity = 8;
    p->burst_max_days = 7;
    p->lockstep_min_density = 1.0;
    p->lockstep_min_clients = 2;
    p->lockstep_min_freelancers = 3;
    p->bid_min = 100;
    p->bid_max_accept = 0.05;
    p->bid_per_login = 1.0;
    p->bid_peer_factor = 1.5;
    p->hr_min_payouts = 2;
    p->hr_min_share = 0.3;
    /* DPRK and the jurisdictions its IT workers launder through (advisory:
     * PRC and Russia; Hong Kong and Macau banks), plus comprehensively
     * sanctioned countries. */
    static const char *const hr[] = {"KP", "CN", "HK", "MO", "RU", "IR", "SY", "CU", "BY"};
    for (size_t i = 0; i < sizeof hr / sizeof *hr; i++)
        memcpy(p->high_risk[i], hr[i], 3);
    p->n_high_risk = sizeof hr / sizeof *hr;
    p->struct_min_charges = 15;
    p->struct_min_total = 10000;
    p->struct_min_days = 14;
    p->struct_vs_client = 5;
    p->w_lockstep = 1.0;
    p->w_burst = 1.0;
    p->w_self = 1.0;
    p->self_ip_max_degree = 10;
    /* Contact details and documents bind like a device; what families and
     * neighbours share honestly (a home address) binds weakly. */
    p->w_identity = 1.0;
    p->cap_identity = 30; /* as cap_device: they bind like a device */
    p->w_address = 0.3;
    p->cap_address = 6;
    p->w_shipping = 0.6;
    p->cap_shipping = 30;
    p->w_text = 0.6;
    p->cap_text = 12;
    p->text_jaccard = 0.5;
    /* Re-encoding, resizing or a light crop moves a 64-bit DCT hash by a few bits;
     * two copies each within 4 bits of the original are within 8 of each other.
     * Random hashes fall within 8 bits of each other with probability ~2e-10. */
    p->photo_max_bits = 8;
    p->forwarding_min_names = 3;
    p->ring_strength_scale = 1.0;
    p->ring_prevalence_zero = 0.15;
    p->ring_prevalence_full = 0.45;
    p->attach_scale = 0.5;
    p->ip_attach_corroboration = 0.15;
    p->ring_min_score = 0.40;
    p->own_weight = 0.55;
    p->threshold = 0.5;
}

void detect_params_sort_asns(detect_params *p)
{
    size_t n = p->n_anon_asns, k = 0;
    if (n < 2)
        return;
    qsort(p->anon_asns, n, sizeof *p->anon_asns, cmp_u32);
    for (size_t i = 1; i < n; i++)
        if (p->anon_asns[i] != p->anon_asns[k])
            p->anon_asns[++k] = p->anon_asns[i];
    p->n_anon_asns = k + 1;
}

#define P(field, lo, hi, doc)                                                                      \
    {                                                                                              \
#field, offsetof(detect_params, field), lo, hi, doc, 0                                     \
    }
#define PX(field, lo, hi, doc)                                                                     \
    {                                                                                              \
#field, offsetof(detect_params, field), lo, hi, doc, 1                                     \
    }
/* The weight_<FLAG> keys of the registry rows whose SLOT is slot (model/flags.h),
 * in code order: WEIGHTS(LOGIN) expands the rows of LOGIN slot and nothing for
 * the others. The slots keep the keys where they always stood in the table, so
 * configuration records, docs/config.md and their digests do not move. */
#define WEIGHT_KEY(name, doc, ext)                                                                 \
    {"weight_" #name, offsetof(detect_params, fw) + FLAG_##name * sizeof(double), 0, 1, doc, ext},
#define SLOT_LOGIN_LOGIN(name, doc) WEIGHT_KEY(name, doc, 0)
#define SLOT_LOGIN_BEHAVIOUR(name, doc)
#define SLOT_LOGIN_IDENTITY(name, doc)
#define SLOT_LOGIN_NONE(name, doc)
#define SLOT_BEHAVIOUR_LOGIN(name, doc)
#define SLOT_BEHAVIOUR_BEHAVIOUR(name, doc) WEIGHT_KEY(name, doc, 0)
#define SLOT_BEHAVIOUR_IDENTITY(name, doc)
#define SLOT_BEHAVIOUR_NONE(name, doc)
#define SLOT_IDENTITY_LOGIN(name, doc)
#define SLOT_IDENTITY_BEHAVIOUR(name, doc)
#define SLOT_IDENTITY_IDENTITY(name, doc) WEIGHT_KEY(name, doc, 1)
#define SLOT_IDENTITY_NONE(name, doc)
#define WEIGHT_IN_LOGIN(name, table, weight, slot, doc, ...) SLOT_LOGIN_##slot(name, doc)
#define WEIGHT_IN_BEHAVIOUR(name, table, weight, slot, doc, ...) SLOT_BEHAVIOUR_##slot(name, doc)
#define WEIGHT_IN_IDENTITY(name, table, weight, slot, doc, ...) SLOT_IDENTITY_##slot(name, doc)
#define WEIGHTS(slot) FLAG_LIST(WEIGHT_IN_##slot)
static const detect_param_desc param_table[] = {
    P(geo_hop_window_h, 0, 1e6, "GEO_HOP: two countries within this many hours"),
    P(airliner_kmh, 1, 1e6, "GEO_HOP: implied travel faster than this is impossible"),
    P(min_hop_km, 0, 1e5, "GEO_HOP: ignore distances shorter than this (geolocation noise)"),
    P(shared_ip_window_h, 0, 1e6, "SHARED_IP: another account on the IP within this many hours"),
    P(ip_pool_degree, 2, 1e9, "SHARED_IP: IPs used by more accounts are mass-shared pools"),
    P(long_session_h, 0, 1e6, "LONG_SESSION: continuous presence of at least this many hours"),
    P(chain_gap_min, 0, 1e6, "LONG_SESSION: sessions closer than this many minutes chain"),
    P(mismatch_share, 0, 1, "COUNTRY_MISMATCH: share of located logins away from the claim"),
    P(mismatch_min_logins, 0, 1e9, "COUNTRY_MISMATCH: located logins needed"),
    P(w_ip, 0, 1e6, "projection: base weight of a shared IP (same hours)"),
    P(w_device, 0, 1e6, "projection: base weight of a shared device"),
    P(w_dest, 0, 1e6, "projection: base weight of a shared payment destination"),
    P(cap_ip, 2, 1e6, "projection: IPs with more accounts make no pairs"),
    P(cap_device, 2, 1e6, "projection: devices with more accounts make no pairs"),
    P(cap_dest, 2, 1e6, "projection: destinations with more accounts make no pairs"),
    P(overlap_window_h, 0, 1e6, "projection: 'same hours' window for a shared IP"),
    P(degree_exponent, 0, 4, "projection: pair weight = base / (degree - 1)^exponent"),
    P(anon_ip_small_degree, 2, 1e6, "projection: anonymising IPs with more accounts are pools"),
    P(anon_ip_factor, 0, 1, "projection: weight kept for pairs on an anonymising pool IP"),
    P(anon_pair_cap, 0, 1e6, "projection: most weight a pair gets from anonymising IPs"),
    P(anon_member_cap, 0, 1e6, "ring: most link strength per member from anonymising IPs"),
    P(far_apart_factor, 0, 1, "projection: share of IP weight kept when never concurrent"),
    P(min_link, 0, 1e9, "projection: pairs lighter than this are dropped"),
    P(resolution, 0, 1e6, "Leiden: modularity resolution"),
    P(beta, 1e-6, 1e3, "Leiden: randomness of refinement"),
    P(iterations, 1, 1e4, "Leiden: most iterations (it stops once one changes nothing)"),
    WEIGHTS(LOGIN) P(remote_device_weight, 0, 1,
                     "own-flag weight when remote-desktop software is on a device"),
    P(weak_flag_factor, 0, 1,
      "share of its weight a weak flag corroborates (received from an actor nothing ties it to)"),
    WEIGHTS(BEHAVIOUR) P(high_stars, 0, 5, "a rating at or above this is a high rating"),
    P(burst_min_freelancers, 2, 1e6, "RATING_BURST: distinct freelancers rated in the burst"),
    P(burst_min_intensity, 1, 1e9, "RATING_BURST: burst rate over the client's long-run rate"),
    P(burst_max_days, 0, 1e6, "RATING_BURST: longest burst considered, days"),
    P(lockstep_min_density, 0, 1e9, "RATING_LOCKSTEP: FRAUDAR block density"),
    P(lockstep_min_clients, 1, 1e6, "RATING_LOCKSTEP: clients in the block"),
    P(lockstep_min_freelancers, 1, 1e6, "RATING_LOCKSTEP: freelancers in the block"),
    P(bid_min, 0, 1e9, "BID_SPAM: bids at least"),
    P(bid_max_accept, 0, 1, "BID_SPAM: accepted share at most"),
    P(bid_per_login, 0, 1e9, "BID_SPAM: bids per login at least"),
    P(bid_peer_factor, 0, 1e9, "BID_SPAM: bids over the 90th percentile of the age group"),
    P(hr_min_payouts, 1, 1e9, "HIGH_RISK_PAYOUT: payouts to high-risk countries at least"),
    P(hr_min_share, 0, 1, "HIGH_RISK_PAYOUT: share of the account's payouts at least"),
    P(struct_min_charges, 2, 1e9, "STRUCTURED_CHARGES: charges on one client-freelancer pair"),
    P(struct_min_total, 0, 1e15, "STRUCTURED_CHARGES: adding up to at least"),
    P(struct_min_days, 0, 1e6, "STRUCTURED_CHARGES: spread over at least this many days"),
    P(struct_vs_client, 1, 1e6,
      "STRUCTURED_CHARGES: times the client's usual charges per freelancer"),
    P(w_lockstep, 0, 1e6,
      "projection: client-freelancer weight inside a lockstep block, and per rating-concentration "
      "pair"),
    P(w_burst, 0, 1e6, "projection: client-freelancer weight inside a rating burst"),
    P(w_self, 0, 1e6, "projection: client-freelancer weight when they share infrastructure"),
    P(self_ip_max_degree, 2, 1e6, "SELF_DEALING: shared IPs used by more accounts do not count"),
    P(ring_strength_scale, 1e-9, 1e9, "ring: internal weight per member giving strength 0.63"),
    P(ring_prevalence_zero, 0, 1, "ring: mean own-flag score giving no corroboration credit"),
    P(ring_prevalence_full, 1e-9, 1, "ring: mean own-flag score giving full corroboration"),
    P(attach_scale, 1e-9, 1e9, "risk: member's internal link weight for 63% of the ring score"),
    P(ip_attach_corroboration, 1e-9, 1,
      "risk: own-flag score at which shared IPs attach a member fully"),
    P(ring_min_score, 0, 1, "ring: communities scoring less are not reported"),
    P(own_weight, 0, 1, "risk: largest contribution of an account's own flags"),
    P(threshold, 0, 1, "flagged = risk_score >= threshold"),
    PX(w_identity, 0, 1e6,
       "projection: base weight of a shared phone, email, document, photo or URL"),
    PX(cap_identity, 2, 1e6, "projection: phones, emails, ... of more accounts make no pairs"),
    PX(w_address, 0, 1e6, "projection: base weight of a shared home address"),
    PX(cap_address, 2, 1e6, "projection: addresses of more accounts make no pairs"),
    PX(w_shipping, 0, 1e6, "projection: base weight of a shared shipping address"),
    PX(cap_shipping, 2, 1e6, "projection: shipping addresses of more accounts make no pairs"),
    PX(w_text, 0, 1e6, "projection: base weight of a near-duplicate text cluster"),
    PX(cap_text, 2, 1e6, "projection: text clusters of more accounts make no pairs"),
    PX(text_jaccard, 0.05, 1, "TEXT_REUSE: word-shingle Jaccard of two texts at least"),
    PX(photo_max_bits, 0, 15, "SHARED_IDENTITY: photo hashes at most this many bits apart match"),
    PX(forwarding_min_names, 2, 1e6,
       "EQUIPMENT_FORWARDING: family names receiving equipment at one shipping address"),
    WEIGHTS(IDENTITY)};
#undef P
#undef PX
#undef WEIGHTS

const detect_param_desc *detect_param_table(size_t *n)
{
    *n = sizeof param_table / sizeof *param_table;
    return param_table;
}
