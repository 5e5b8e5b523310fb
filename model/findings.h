/* findings.h - what detection concludes: per-account flags, risk and ring
 * membership, and the ranked rings with the facts that explain them.
 *
 * Detection (algorithms/detect.c) fills a findings record; every writer in
 * export/ reads it and computes nothing of its own. Per-account arrays are
 * indexed by account id (graph_count(g, NODE_ACCOUNT) entries); rings are
 * ranked by score, R0001 first. Everything is owned by the record and freed
 * by findings_free.
 */
#ifndef RINGSCAN_FINDINGS_H
#define RINGSCAN_FINDINGS_H

#include "graph/graph.h"
#include "model/flags.h"

#include <stddef.h>
#include <stdint.h>

/* A resource (IP, device, payment destination) used by two or more of a
 * ring's members. */
typedef struct {
    uint32_t type; /* NODE_IP, NODE_DEVICE or NODE_DEST */
    uint32_t id;
    uint32_t members; /* ring members using it */
    uint32_t degree;  /* all accounts using it */
} ring_resource;

/* An account outside a ring that shares the ring's binding infrastructure: a
 * device or payout destination two or more of the ring's accounts use, or an
 * IP they use that few accounts use in all. Listed so that an investigator
 * sees who else sits on the ring's infrastructure; not flagged by it. */
typedef struct {
    uint32_t acct;
    uint16_t ties[3]; /* shared IPs, devices, payout destinations */
} ring_associate;

#define FINDINGS_MAX_ASSOCIATES 100 /* listed per ring, most ties first */

/* What kind of cluster a ring is (docs/detection.md, "Ring kinds"). */
typedef enum {
    RING_KIND_PROXY,         /* shared control plus deception: the advisory's proxy ring */
    RING_KIND_RATING,        /* coordinated ratings between tied raters and rated */
    RING_KIND_SHARED_CONTROL /* accounts run from one device into one payout account,
                                no deception: listed, members not flagged */
} ring_kind;

typedef enum { SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_LOW } ring_severity;

/* "proxy_ring", "rating_ring", "shared_control"; "high", "medium", "low". Static. */
const char *findings_kind_name(ring_kind k);
const char *findings_severity_name(ring_severity s);
/* The severity named "high", "medium" or "low" into *out. Returns 0, or -1
 * (out untouched) for any other text. */
int findings_severity_parse(const char *name, ring_severity *out);

/* At most this many client links (ratings and charges between a ring's own
 * accounts) are kept per ring, in edge order. */
#define FINDINGS_MAX_CLIENT_LINKS 500

typedef struct {
    char id[16]; /* the rank id, R0001 ... in rank order; writers name a ring by
                    findings_ring_id, which is this only without --state */
    ring_kind kind;
    ring_severity severity;
    /* The facts the kind was decided on, over the community's accounts: */
    uint32_t bound;           /* bound by control (a shared device or payment destination)
                                 or deceptive infrastructure (a foreign line, a remote-
                                 desktop farm, a high-risk payout account) */
    uint32_t bound_deceptive; /* of those, showing deception of their own */
    uint32_t families;        /* DECEPTION_* bits shown by the bound accounts */
    uint32_t colluding;       /* accounts with firm rating-collusion flags */
    uint32_t controlled;      /* sharing both a device and a payment destination */
    double score;
    double strength, prevalence, density, internal_weight; /* over community_size accounts */
    uint32_t community_size; /* accounts of the community the ring was scored on (some may
                                not be listed: dropped, or in no role) */
    uint32_t *members;       /* freelancer account ids, sorted by label */
    size_t nmembers;
    uint32_t *shills; /* client account ids, sorted by label */
    size_t nshills;
    ring_resource *res; /* shared between >= 2 members, strongest first */
    size_t nres;
    ring_associate *associates; /* most ties first, then highest risk, then label */
    size_t nassociates;
    size_t associates_total; /* before the FINDINGS_MAX_ASSOCIATES cap */
    size_t *client_links;    /* indices into g->edges: ratings and charges between
                                the ring's accounts, ascending */
    size_t nclient_links;
    uint32_t flag_counts[FLAG_COUNT];
    uint32_t crypto_paid;          /* accounts paid into a crypto wallet (dest_attr.crypto) */
    int64_t first_seen, last_seen; /* INT64_MAX / INT64_MIN when no login */
    uint32_t *ident; /* identity and text resources (findings.ident) two or more of its
                        accounts share, ascending; NULL without identity data */
    size_t nident;
} ring;

/* One rating burst: a client's high ratings from t0 to t1 (UTC ms, both
 * included), the window Kleinberg's automaton put above its own rate. */
typedef struct {
    uint32_t client;
    int64_t t0, t1;
} rating_burst;

/* The behavioural episodes the rating flags were raised on, kept so that
 * evidence shows exactly them: RATING_BURST rows are the burst client's high
 * ratings inside a burst window, RATING_LOCKSTEP rows the ratings from a
 * block's clients to the block's freelancers, RATING_CONCENTRATION rows the
 * ratings from a concentrating cluster's clients to the freelancers it boosts. */
typedef struct {
    rating_burst *bursts; /* sorted by client, then t0 */
    size_t nbursts, capbursts;
    uint64_t *lockstep; /* (client << 32 | freelancer) of every block, sorted, unique */
    size_t nlockstep, caplockstep;
    uint64_t *concentrated; /* (client << 32 | freelancer) of every concentration, sorted,
                             * unique */
    size_t nconcentrated, capconcentrated;
} rating_episodes;

/* Sorts and deduplicates what the detectors appended. */
void rating_episodes_finish(rating_episodes *e);
/* Whether client's high rating at ts falls in one of its bursts. O(log n). */
int rating_episodes_in_burst(const rating_episodes *e, uint32_t client, int64_t ts);
/* Whether client -> freelancer is a pair of one lockstep block. O(log n). */
int rating_episodes_in_lockstep(const rating_episodes *e, uint32_t client, uint32_t freelancer);
/* Whether client -> freelancer is a pair of a rating concentration. O(log n). */
int rating_episodes_in_concentration(const rating_episodes *e, uint32_t client,
                                     uint32_t freelancer);

/* The identity and text resources (algorithms/identity.h), for writers: the
 * shared ones (two accounts or more, under their kind's cap) with their users.
 * Resource r < nvalues is graph.ident value r (a photo hash: its group's first);
 * r >= nvalues is text cluster r - nvalues. */
typedef struct {
    uint32_t nres, nvalues;
    uint32_t *off, *acct; /* users of r: acct[off[r], off[r + 1]), ascending */
    uint8_t *kind;        /* attr_kind (model/attrs.h), or ATTR_KIND_COUNT for text */
    uint8_t *linked;      /* 1 when it links its users (shared, under its cap) */
} findings_identity;

/* The label of identity resource r: its normalised value, or "text cluster N"
 * written into buf (FINDINGS_IDENT_LABEL bytes). Borrowed; *len its length. */
#define FINDINGS_IDENT_LABEL 40
const char *findings_ident_label(const rs_graph *g, const findings_identity *fi, uint32_t r,
                                 char *buf, size_t *len);
/* How many users of identity resource r are accounts of ring ri (ring_of). */
uint32_t findings_ident_members(const findings_identity *fi, const int32_t *ring_of, uint32_t r,
                                size_t ri);

/* Bits of findings.value_bits. */
enum {
    FINDING_VALUE_JOINS = 1,      /* a contact detail joining accounts of unrelated names */
    FINDING_VALUE_FORWARDING = 2, /* a shipping address forwarding equipment */
    FINDING_VALUE_HOLDER = 4      /* a payout holder paid for accounts of unrelated names */
};

/* Detector counts and timings for run.json. */
typedef struct {
    uint64_t pairs, projection_edges, capped_resources, communities;
    uint64_t rating_bursts, lockstep_blocks, structuring_pairs, self_dealing_pairs;
    uint64_t hire_bursts, charge_bursts, ip_onboarding_bursts;
    double seconds_flags, seconds_projection, seconds_leiden, seconds_scoring;
    double seconds_behaviour; /* part of seconds_projection */
    /* Identity and text (0 without the attributes table and text columns) */
    uint64_t identity_resources, text_docs, text_clusters, text_candidates, text_links;
    double seconds_text; /* part of seconds_flags */
} findings_stats;

/* How a ring relates to the previous run's rings (--state; docs/state.md). */
typedef enum {
    TRACK_NEW,       /* no ring of the previous run overlaps it */
    TRACK_GROWN,     /* continues a ring and has accounts it did not */
    TRACK_SHRUNK,    /* continues a ring, lost accounts and gained none */
    TRACK_UNCHANGED, /* continues a ring with the same accounts */
    TRACK_SPLIT,     /* part of a previous ring that another ring continues */
    TRACK_MERGED,    /* a previous ring absorbed by another ring (closed) */
    TRACK_GONE       /* a previous ring nothing continues (closed) */
} track_status;

/* "new", "grown", ... Static. */
const char *findings_track_name(track_status s);

/* Analyst decisions (--dispositions), strongest last. */
typedef enum {
    DISPO_NONE = 0,
    DISPO_ESCALATED,
    DISPO_CONFIRMED,
    DISPO_BENIGN,
    DISPO_ALLOWLISTED
} disposition;

/* "", "escalated", "confirmed", "benign", "allowlisted". Static. */
const char *findings_disposition_name(disposition d);

/* A ring's identity across runs. Strings are owned. */
typedef struct {
    char pid[16];            /* persistent id, RS-000123; never reused */
    track_status status;     /* NEW .. SPLIT for a ring of this run */
    char *related;           /* SPLIT: the ring it split from; else the rings merged
                                into it, comma-separated; or NULL */
    uint32_t added, removed; /* accounts against the ring it continues */
    int returned;            /* continues a ring an earlier run closed as gone */
    int rose_from;           /* 1 + the severity of the ring it continues, when this
                                run's is higher; else 0 */
    int64_t first_run;       /* run time (UTC s) the id was first seen */
    disposition dispo;       /* the analyst's decision on the ring, if any */
    int suppressed;          /* benign or allowlisted and not changed materially:
                                listed in the state and changes, not reported */
    int reopened;            /* benign or allowlisted but changed materially */
    char *dispo_note;        /* what the decision did or why it no longer holds */
    uint32_t confirmed;      /* accounts an analyst confirmed as bad */
} ring_track;

/* A previous ring closed by this run (merged or gone). */
typedef struct {
    char pid[16];
    track_status status; /* TRACK_MERGED or TRACK_GONE */
    char into[16];       /* MERGED: the ring that absorbed it */
    uint32_t accounts;   /* in its last run */
} ring_closed;

/* What --state and --dispositions add to a run's findings; absent (NULL
 * track) without --state. */
typedef struct {
    ring_track *track; /* per ring */
    ring_closed *closed;
    size_t nclosed;
    ring_closed *suppressed; /* rings an analyst cleared, unchanged: not reported
                                (status is their tracking status) */
    size_t nsuppressed;
    int64_t *first_flagged;          /* per account: run time first flagged, or 0 */
    uint8_t *dispo;                  /* per account: disposition */
    double *risk_before;             /* per account: risk before confirmed ties raised it */
    int64_t run_time, prev_run_time; /* this run, the previous one (0: none) */
    uint64_t run_no;
    char *decisions_json; /* the decisions that changed an outcome (JSON array) */
} findings_history;

typedef struct {
    acct_flags *flags;     /* per account */
    double *risk;          /* per account, [0,1] */
    double *corroboration; /* per account, own-flag score in [0,1] */
    int32_t *ring_of;      /* per account: index into rings, or -1 */
    uint8_t *flagged;      /* per account: risk >= threshold */
    ring *rings;           /* ranked by severity, then score */
    size_t nrings;
    size_t nunpackaged;    /* the last rings of the ranking, below --evidence-min-severity:
                              listed everywhere, but no evidence package (0: every ring
                              has one) */
    double threshold;      /* the decision threshold in force */
    double ring_min_score; /* the least score a reported ring has */
    findings_stats stats;
    rating_episodes episodes; /* what RATING_BURST and RATING_LOCKSTEP were raised on */
    /* What the identity flags were raised on (algorithms/identity.c), for
     * evidence: per graph.ident value, the FINDING_VALUE_* bits of the
     * resource it belongs to (NULL without attributes); and the (account <<
     * 32 | graph.texts id) of every text in a reported near-duplicate
     * cluster, ascending (TEXT_REUSE). */
    uint8_t *value_bits;
    uint32_t nvalues;
    uint64_t *reused_texts;
    size_t nreused;
    findings_identity ident; /* zeroed without identity data */
    char *credits;         /* owned: attribution of third-party data used (IP databases), or NULL */
    findings_history hist; /* with --state: ids and statuses across runs */
} findings;

/* Rings [0, findings_packaged(f)) have an evidence package (a bag under
 * evidence/ and a case page); the rest are listed with their facts only.
 * Ranking puts higher severities first, so the packaged rings are a prefix. */
static inline size_t findings_packaged(const findings *f)
{
    return f->nrings - f->nunpackaged;
}
static inline int findings_ring_packaged(const findings *f, size_t i)
{
    return i < findings_packaged(f);
}
/* Sets f->nunpackaged to the rings below min (severity lower than min).
 * Asserts that they end the ranking. O(rings). */
void findings_limit_packages(findings *f, ring_severity min);

/* The ring's id in every output (index, case page, evidence folder,
 * rings.json and changes.json "id", accounts.csv, GraphML): with --state
 * (f->hist.track set) its persistent id, RS-000123, which an analyst can
 * name in a decisions file and find again the next night; without, its
 * rank id R0001. The one place that choice is made. Borrowed from f. */
static inline const char *findings_ring_id(const findings *f, size_t i)
{
    return f->hist.track ? f->hist.track[i].pid : f->rings[i].id;
}

/* Takes the suppressed rings (f->hist.track[i].suppressed) out of f into
 * f->hist.suppressed: their accounts belong to no ring; the rest are
 * renumbered R0001 ... in their order. */
void findings_drop_suppressed(findings *f, uint32_t naccounts);

/* Frees everything f holds and zeroes it. Accepts NULL. */
void findings_free(findings *f);

/* The i-th account of ring r counting members first, then shill clients
 * (i < nmembers + nshills). */
static inline uint32_t findings_ring_account(const ring *r, size_t i)
{
    return i < r->nmembers ? r->members[i] : r->shills[i - r->nmembers];
}

/* A node's part in ring ri's case. */
typedef enum {
    ROLE_IN_RING_NONE = 0,
    ROLE_IN_RING_MEMBER = 1,       /* a freelancer account of the ring */
    ROLE_IN_RING_SHILL = 2,        /* a client account of the ring */
    ROLE_IN_RING_COUNTERPARTY = 3, /* any other account */
    ROLE_IN_RING_RESOURCE = 4,     /* an IP, device or destination */
} ring_role;

/* The role of global node gid in ring ri. */
ring_role findings_node_role(const rs_graph *g, const findings *f, size_t ri, uint32_t gid);
/* "member", "shill", "counterparty", "resource" ("" for none). Static. */
const char *findings_role_name(ring_role r);

#endif
