/* loginfacts.h - one account's logins in the form the login flags read them,
 * which a reduced export can give without the logins themselves.
 *
 * GEO_HOP, LONG_SESSION, ANON_NETWORK, COUNTRY_MISMATCH, REMOTE_ACCESS (from user
 * agents), FARM_LINE and OFF_HOURS (loginflags.c) do not need every login in order.
 * They need four things, each exact:
 *   - uses: per address, the logins, those at or after the account's handover
 *     (all of them when it has none), those whose session alone is long, and those
 *     made through a remote-desktop client. Counts add up, so one item per login and
 *     one per address give the same flags; FARM_LINE's majority vote finds an
 *     address holding nine tenths of the logins whatever the order.
 *   - quarters: per address and quarter hour of the UTC day, the logins starting in
 *     it. rules_login_in_hours gives one answer for a whole quarter hour
 *     (rules.h, RULES_QUARTER_MS).
 *   - hops: consecutive logins on two different addresses at most
 *     rules_geo_hop_gap_bound_ms apart, with the gap from the end of the first
 *     session. Other consecutive pairs are never a hop.
 *   - spans: the sessions (session_s >= 0), in timeline order, of each "island" that
 *     lasts at least long_session_h from its first start to its last end. An island
 *     is a run of sessions each starting at most chain_gap_min after the latest end
 *     before it; a chain of back-to-back sessions never leaves its island, and one
 *     in an island shorter than long_session_h never reaches that length, so the
 *     chain count over these sessions alone is the count over all of them.
 * login_facts_build gives them from the timeline with one use and one quarter per
 * login. A reader of reduced tables gives one use per address and one quarter per
 * (address, quarter hour) with their counts: the flags are the same
 * (tests/test_loginfacts.c compares the two forms on random timelines). An account
 * that changed hands needs its logins after the handover counted apart (n_from),
 * which a per-address total cannot give: its facts come from its own logins.
 */
#ifndef RINGSCAN_LOGINFACTS_H
#define RINGSCAN_LOGINFACTS_H

#include "algorithms/detect_params.h"
#include "graph/graph.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t ip;
    uint32_t n;        /* logins */
    uint32_t n_from;   /* of them at or after the handover (all when none) */
    uint32_t n_long;   /* of them with a long session of their own (rules_long_session) */
    uint32_t n_remote; /* of them through a remote-desktop client (rules_remote_login) */
} login_use;

typedef struct {
    uint32_t ip;
    uint32_t quarter; /* rules_quarter_of_day of the logins' start */
    uint32_t n;
} login_quarter;

typedef struct {
    uint32_t prev_ip, ip;
    int64_t gap_ms; /* the second login's start minus the first session's end */
} login_hop;

typedef struct {
    int64_t ts;
    int32_t session_s; /* >= 0 */
} login_span;

typedef struct {
    login_use *use;
    size_t nuse, use_cap;
    login_quarter *quarter;
    size_t nquarter, quarter_cap;
    login_hop *hop;
    size_t nhop, hop_cap;
    login_span *span; /* in timeline order */
    size_t nspan, span_cap;
} login_facts;

void login_facts_init(login_facts *f);
void login_facts_free(login_facts *f);

/* Replaces f's contents with the facts of account a of finalized graph g, whose
 * logins at or after from count in n_from (INT64_MIN: all). O(logins of a). */
void login_facts_build(login_facts *f, const rs_graph *g, const detect_params *p, uint32_t a,
                       int64_t from);

/* The end of a login's session: its start plus its length when it records one. */
static inline int64_t login_facts_end(int64_t ts, int32_t session_s)
{
    return ts + (session_s > 0 ? (int64_t)session_s * 1000 : 0);
}

#endif
