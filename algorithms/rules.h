/* rules.h - the per-event tests behind the red flags, shared by the
 * detectors and by evidence selection.
 *
 * A detector raises a flag when enough events pass one of these tests;
 * evidence selection (evsel.c) shows an investigator the input rows that
 * pass the same test. Keeping each test in one place is what makes an
 * evidence row prove its flag: the two can never drift apart. Each test is
 * O(1), O(log list length) for the hosting ASNs (a few hundred, looked up
 * once per login) or O(list length) for the short port list, and reads only
 * the graph's attributes and the parameters.
 */
#ifndef RINGSCAN_RULES_H
#define RINGSCAN_RULES_H

#include "algorithms/detect_params.h"
#include "graph/graph.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Whether v is one of list[0..n). */
static inline int rules_in_list(const uint32_t *list, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

/* Whether v is one of list[0..n), which is sorted ascending. O(log n). */
static inline int rules_in_sorted(const uint32_t *list, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n; /* v, if present, is in list[lo..hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid] < v)
            lo = mid + 1;
        else if (list[mid] > v)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

/* ANON_NETWORK: the IP is an anonymiser - flagged by the Anonymous-IP
 * database, or in one of the hosting/VPN networks (anon_asns, which must be
 * sorted: see detect_params_sort_asns). */
static inline int rules_anon_ip(const detect_params *p, const ip_attr *ia)
{
    return ia->anon || (ia->asn && rules_in_sorted(p->anon_asns, p->n_anon_asns, ia->asn));
}

/* COUNTRY_MISMATCH: a located login away from the country the account
 * claims (both known). */
static inline int rules_away_from_claim(const ip_attr *ia, const char *claim)
{
    return ia->country[0] && claim[0] && strcmp(ia->country, claim) != 0;
}

/* The parameters in hours and minutes as the millisecond spans the tests
 * compare, converted in one place: the detectors and the reduced form of an
 * account's logins (loginfacts.h) must use the same spans to agree. */
static inline int64_t rules_geo_hop_window_ms(const detect_params *p)
{
    return (int64_t)(p->geo_hop_window_h * 3600e3);
}
static inline int64_t rules_long_session_ms(const detect_params *p)
{
    return (int64_t)(p->long_session_h * 3600e3);
}
/* LONG_SESSION: a session starting at most this long after the latest end
 * before it continues the chain (loginflags.c) and its island (loginfacts.c). */
static inline int64_t rules_chain_gap_ms(const detect_params *p)
{
    return (int64_t)(p->chain_gap_min * 60e3);
}

/* GEO_HOP by country: the login's country differs from the previous
 * login's, and it began at most geo_hop_window_h after the previous session
 * ended (gap_ms, negative when they overlap). */
static inline int rules_country_hop(const detect_params *p, const char *prev_cc, const char *cc,
                                    int64_t gap_ms)
{
    return prev_cc[0] && cc[0] && strcmp(prev_cc, cc) != 0 &&
           gap_ms <= rules_geo_hop_window_ms(p);
}

/* GEO_HOP: a login from ia right after one from pa, gap_ms after that session
 * ended (negative when they overlap, counted as 0): a country hop
 * (rules_country_hop), or, between two countries (or unknown ones), travel
 * faster than airliner_kmh over at least min_hop_km. Only the distance beyond
 * both locations' accuracy radii counts: mobile and ISP addresses are located
 * to a region. Within one country city-level geolocation is too coarse for
 * speeds. The detector and the evidence rule both call this: the whole test. */
int rules_geo_hop(const detect_params *p, const ip_attr *pa, const ip_attr *ia, int64_t gap_ms);

/* The mean Earth radius rules_geo_hop measures distances on, km. */
#define RULES_EARTH_RADIUS_KM 6371.0

/* GEO_HOP: a gap (ms) beyond which no pair of logins is a hop, whatever their
 * addresses: the country window, or the time an airliner takes over half the globe
 * (no two points are farther apart), with a kilometre to spare for rounding in the
 * distance formula. A hop also needs two different addresses (one address is one
 * place). So consecutive logins on two addresses at most this far apart are all the
 * pairs GEO_HOP needs (algorithms/loginfacts.h). */
static inline int64_t rules_geo_hop_gap_bound_ms(const detect_params *p)
{
    double half_globe_h = (M_PI * RULES_EARTH_RADIUS_KM + 1.0) / p->airliner_kmh;
    int64_t by_speed = (int64_t)(half_globe_h * 3600e3) + 1;
    int64_t by_country = rules_geo_hop_window_ms(p);
    return by_speed > by_country ? by_speed : by_country;
}

/* LONG_SESSION: one session (session_s >= 0 when known) of at least
 * long_session_h. */
static inline int rules_long_session(const detect_params *p, int32_t session_s)
{
    return session_s >= 0 && (int64_t)session_s * 1000 >= rules_long_session_ms(p);
}

/* SHARED_IP: an IP used by this many accounts is shared, not a mass-shared
 * pool (CGNAT, a VPN exit). */
static inline int rules_shared_ip_degree(const detect_params *p, uint32_t degree)
{
    return degree >= 2 && degree <= (uint32_t)p->ip_pool_degree;
}

/* REMOTE_ACCESS: a remote-desktop port. */
static inline int rules_remote_port(const detect_params *p, uint32_t port)
{
    return rules_in_list(p->remote_ports, p->n_remote_ports, port);
}

/* REMOTE_ACCESS: a login made through a remote-desktop client (its user agent names
 * one: ingest/useragent.c lists them). The person sat at another machine than the
 * one the platform saw, as a laptop farm's operators do. */
static inline int rules_remote_login(const login_ev *e)
{
    return e->remote_ua != 0;
}

/* A laptop farm's line: an address seen with a remote-desktop port, where at least
 * two, and at least half, of the nusers accounts on it run remote-desktop software
 * on their own devices (an office exposing RDP with one employee on AnyDesk is not). */
static inline int rules_farm_line(uint32_t nusers, uint32_t nremote)
{
    return nremote >= 2 && 2 * nremote >= nusers;
}

/* FARM_LINE: an account lives on a line when at least nine in ten of its logins
 * are there: a farm's laptop never leaves the facilitator's line, while an office
 * worker also logs in from home in the evenings and at weekends (half the logins or
 * more). A line is a farm's when at least three accounts live on it (a household is
 * two or three people on a rotating address, an IT administrator is one) and a
 * remote-desktop port answers on it. Only the first part is a per-account test. */
static inline int rules_lives_on(uint32_t logins_there, uint32_t logins)
{
    return logins > 0 && 10 * (uint64_t)logins_there >= 9 * (uint64_t)logins;
}
#define RULES_FARM_LINE_MIN_ACCOUNTS 3u

/* One operator's contact detail (algorithms/identity.c, IDENT_OPERATOR): a phone,
 * photo or document given under unrelated names binds like a shared device when at
 * least two of the accounts giving it are paid into accounts held in other people's
 * names (NAME_MISMATCH). Two: each persona of a ring paid through its own mule shows
 * it, while of a couple keeping their own family names only one is paid into the
 * other's account, and flatmates sharing a landline are paid under their own names. */
#define RULES_OPERATOR_MIN_PAID_ELSEWHERE 2u

/* A forwarding point (algorithms/identity.c, EQUIPMENT_FORWARDING): a shipping address
 * receiving equipment for strangers deceives only when at least two of them also give
 * a doubtful identity of their own (NAME_MISMATCH, SHARED_HOLDER or SHARED_IDENTITY).
 * A laptop farm's host is paid for the personas whose laptops it keeps, or they share
 * its phone; a company's depot receives laptops for remote staff who give their own
 * names, are paid under them and share nothing else. Two, as for an operator's contact
 * detail: one employee paid into a partner's account does not make the depot a farm. */
#define RULES_FORWARDING_MIN_DOUBTFUL 2u

/* OFF_HOURS: the working day a login start is judged against, local time, minutes
 * after midnight: 08:00 to 20:00. An employer's 09:00-18:00 with an hour's margin
 * before and two after, so that early risers and people finishing a task after
 * dinner start inside it; a night worker's shift (22:00-02:00 starts) and a working
 * day eight or more time zones away start outside it. */
#define RULES_WORKDAY_START_MIN (8 * 60)
#define RULES_WORKDAY_END_MIN (20 * 60)

/* OFF_HOURS judges a login by the quarter hour of the UTC day it starts in: both
 * ends of the working day are whole quarter hours, and so is every offset of the
 * zone table (datasets/country-timezones.awk refuses others), so every login starting
 * in one quarter hour gets the same answer from rules_login_in_hours, and a count of
 * logins per quarter hour is as good as their times (algorithms/loginfacts.h). */
#define RULES_QUARTER_MS (15 * 60000)
#define RULES_QUARTERS_PER_DAY (24 * 4)
_Static_assert(RULES_WORKDAY_START_MIN % 15 == 0 && RULES_WORKDAY_END_MIN % 15 == 0,
               "OFF_HOURS counts logins per quarter hour");

/* The quarter hour of the UTC day a login at ts (ms since the epoch) starts in,
 * 0..RULES_QUARTERS_PER_DAY-1, and a time inside it on the first day of the epoch. */
static inline unsigned rules_quarter_of_day(int64_t ts)
{
    const int64_t day_ms = (int64_t)RULES_QUARTERS_PER_DAY * RULES_QUARTER_MS;
    return (unsigned)(((ts % day_ms) + day_ms) % day_ms / RULES_QUARTER_MS);
}
static inline int64_t rules_quarter_start(unsigned q)
{
    return (int64_t)q * RULES_QUARTER_MS;
}

/* OFF_HOURS: logins an account needs before its hours say anything: ten, two weeks
 * of an ordinary freelancer's logins. With fewer, half of them outside the working
 * day happens by chance to people who keep ordinary hours. */
#define RULES_OFF_HOURS_MIN_LOGINS 10u

/* OFF_HOURS: whether a login starting at ts (ms since the epoch, UTC) starts in the
 * working day of some zone of the country claim (the account's claimed country) or
 * of the country its address ia is located in, when that address is not
 * anonymising (a VPN exit's country says nothing about its user's clock). A country
 * of several zones counts as its whole span of offsets (model/country_tz.h),
 * except on the address's side when the City database named the address's time
 * zone (ia->tz): then only that zone's standard and daylight-saving offsets count.
 * A login from a located country tzdata does not know is in hours (it cannot be
 * judged); an unknown claim adds nothing. The detector and the evidence rule both
 * call this: the whole per-login test. O(log countries). */
int rules_login_in_hours(const detect_params *p, int64_t ts, const char *claim,
                         const ip_attr *ia);

/* OFF_HOURS: an account with logins logins, off of them outside the working day
 * (rules_login_in_hours), keeps off hours when it has at least
 * RULES_OFF_HOURS_MIN_LOGINS logins and at least half of them start outside it. */
static inline int rules_off_hours(uint32_t off, uint32_t logins)
{
    return logins >= RULES_OFF_HOURS_MIN_LOGINS && 2 * (uint64_t)off >= logins;
}

/* --- HANDOVER (algorithms/handover.c) ---------------------------------------- */

/* Logins needed on each side of a change point: the owner's baseline and the
 * operated period. Five are a week of an ordinary freelancer's logins; fewer say
 * nothing about which devices or hours are the account's habit. */
#define RULES_HANDOVER_MIN_SIDE 5u

/* Hours: the mean login hour (UTC, on the 24-hour circle) moved by at least this
 * much. A working day starting anywhere between 09 and 18 local moves its mean by
 * less; the renters of the 2024-2025 cases work at UTC+8/+9, seven or more hours
 * from Europe and the Americas. */
#define RULES_HANDOVER_MIN_SHIFT_H 4.0

/* ... and both sides keep regular hours: the mean resultant length of their login
 * hours (1 = always the same hour, 0 = spread around the clock) is at least this. An
 * account logging in at any hour has no mean hour that could move. A working day of
 * 9 hours gives 0.78. */
#define RULES_HANDOVER_MIN_REGULARITY 0.5

/* Network class: a side is on anonymising networks when at least half of its logins
 * are (rules_anon_ip). The class changed when one side is and the other is not. */
static inline int rules_handover_anon_side(uint32_t anon, uint32_t logins)
{
    return logins > 0 && 2 * (uint64_t)anon >= logins;
}

/* Bid volume: bids per day of the operated period at least this many times the
 * baseline's (and at least RULES_HANDOVER_MIN_SIDE bids). Renters bid for work the
 * owner never would, three to five times the owner's volume; the operated period's
 * first days, spent setting up, lower its mean, so twice is asked. It counts only
 * beside all-new devices and a new payout account: an owner looking for work bids
 * more too, on the laptop and into the bank account it always had. */
#define RULES_HANDOVER_BID_FACTOR 2.0

/* RATING_BURST / RATING_LOCKSTEP: a high rating. */
static inline int rules_high_rating(const detect_params *p, double stars)
{
    return stars >= p->high_stars;
}

/* RATING_CONCENTRATION: a freelancer's high ratings are concentrated in bound client
 * clusters (clients sharing a card or a device with another client) when at least
 * RULES_CONC_MIN_RATERS distinct clients of such clusters rated it highly and they are
 * at least half of the distinct clients who did. Six is more than a household (two to
 * five people sharing one card can all rate their favourite), and a slow shill ring
 * needs many shills per freelancer: each gives only a few ratings, months apart. */
#define RULES_CONC_MIN_RATERS 6u
static inline int rules_concentrated(uint32_t from_clusters, uint32_t raters)
{
    return from_clusters >= RULES_CONC_MIN_RATERS && 2 * (uint64_t)from_clusters >= raters;
}

/* RATING_CONCENTRATION: a bound cluster concentrates when at least three quarters of
 * its high-rating pairs (client, freelancer) go to concentrated freelancers: shills
 * rate nothing else, while a hiring team's recruiters send a share of their hires to
 * the team's favourites and the rest to whoever fits the job. */
static inline int rules_cluster_devoted(uint32_t pairs_to_targets, uint32_t pairs)
{
    return pairs > 0 && 4 * (uint64_t)pairs_to_targets >= 3 * (uint64_t)pairs;
}

/* A high-risk country (high_risk list; "" never is). */
int rules_high_risk_country(const detect_params *p, const char *cc);

/* HIGH_RISK_PAYOUT: a payout into a high-risk country other than the one the
 * account claims (a freelancer in China paid in China is not the advisory's
 * red flag; an "American" paid into a PRC bank is). */
static inline int rules_high_risk_payout(const detect_params *p, const char *dest_cc,
                                         const char *claim)
{
    return rules_high_risk_country(p, dest_cc) && strcmp(dest_cc, claim) != 0;
}

#endif
