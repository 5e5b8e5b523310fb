/* graph.h - the typed account graph: entities, aggregated edges, timelines.
 *
 * Entities live in four id spaces, each an intern table: accounts (freelancers
 * and clients share one space, since a platform's ids do), IP addresses (keyed
 * by their 4- or 16-byte binary form), devices, and payment destinations
 * (payout destinations and client payment instruments share one space: the same
 * id in both means the same payment account).
 *
 * Edges are aggregated per (kind, a, b): count, first/last timestamp and a sum
 * (amount for payouts and charges, stars for ratings, accepted bids for bids).
 * Memory is proportional to distinct entities and edges, not to rows.
 *
 * Timelines keep one compact record per event of the kinds detectors replay
 * (logins, ratings, charges, payouts, bids, port observations) in input order;
 * graph_finalize sorts them by (entity, time).
 *
 * The struct is visible so detectors can scan arrays directly; mutate it only
 * through these functions. Invariants: every id stored in an edge or event is
 * < the count of its id space; after graph_finalize every account has a role.
 */
#ifndef RINGSCAN_GRAPH_H
#define RINGSCAN_GRAPH_H

#include "graph/intern.h"
#include "base/ipaddr.h"

#include <stddef.h>
#include <stdint.h>

#define GRAPH_NONE UINT32_MAX

typedef enum {
    NODE_ACCOUNT,
    NODE_CLIENT,
    NODE_IP,
    NODE_DEVICE,
    NODE_DEST,
    NODE_TYPE_COUNT
} node_type;

typedef enum {
    EDGE_LOGIN,       /* account|client -> ip */
    EDGE_USES_DEVICE, /* account|client -> device */
    EDGE_BID,         /* freelancer -> client (bids naming a client) */
    EDGE_RATING,      /* client -> freelancer, sum = stars */
    EDGE_PAYOUT,      /* account -> destination, sum = amount */
    EDGE_CHARGE,      /* client -> freelancer, sum = amount */
    EDGE_PAYS_WITH,   /* client -> destination (payment instrument), sum = amount */
    EDGE_KIND_COUNT
} edge_kind;

enum { ROLE_UNSET = 0, ROLE_FREELANCER = 1, ROLE_CLIENT = 2 };
enum { SEEN_AS_FREELANCER = 1, SEEN_AS_CLIENT = 2 };
enum { ANON_ANY = 1, ANON_VPN = 2, ANON_HOSTING = 4, ANON_PROXY = 8, ANON_TOR = 16 };
enum { SRC_NONE = 0, SRC_DATA = 1, SRC_DB = 2 };

typedef struct {
    int64_t created_at;    /* TS_NONE when unknown */
    uint32_t display_name; /* id in graph.strings, or GRAPH_NONE */
    char country[3];       /* claimed ISO 3166-1 alpha-2, "" when unknown */
    uint8_t role;          /* ROLE_*: from accounts table, then finalize */
    uint8_t seen;          /* SEEN_AS_* bits from events */
    uint8_t listed;        /* present in the accounts table */
    uint32_t given_name;   /* the display name as a person's name the account gives,
                            * normalised (id in graph.ident, like a name attribute's
                            * value), or GRAPH_NONE: none, a placeholder or a business */
} account_attr;

/* Bits of ip_attr.tz: the zone ordinals of the country with the most zones
 * (COUNTRY_TZ_MAX_ZONES) and 0 fill the last bits of the shared word. */
#define IP_TZ_BITS 6

/* 24 bytes: one per distinct IP, millions of them, so the small fields share
 * one word. */
typedef struct {
    uint32_t asn;     /* 0 = unknown */
    uint32_t asn_org; /* id in graph.strings, or GRAPH_NONE */
    float lat, lon;
    unsigned int radius_km : 16; /* location accuracy radius from the City database, 0 unknown */
    unsigned int anon : 5;       /* ANON_* bits */
    unsigned int has_loc : 1;
    unsigned int country_src : 2, asn_src : 2; /* SRC_* */
    unsigned int tz : IP_TZ_BITS; /* the City database's time zone: its ordinal among the
                                   * zones of `country` (model/country_tz.h), 0 unknown */
    char country[3];
} ip_attr;

typedef struct {
    char country[3]; /* from payouts.destination_country */
    uint8_t used;    /* 1 = payout destination, 2 = payment instrument */
    uint8_t crypto;  /* 1: a crypto wallet (paid with method crypto, or wallet-shaped:
                        load_payout_crypto) */
} dest_attr;

/* 32 bytes: the run's most numerous record after the events. Only ratings,
 * payouts, charges and payment instruments carry a sum (stars, amount); it
 * lives in graph.edge_sum, read with graph_edge_sum. */
typedef struct {
    int64_t first, last;
    uint32_t a, b;
    uint32_t count;
    uint32_t sum_ix : 29; /* index in graph.edge_sum; 0 (always 0.0) for other kinds */
    uint32_t kind : 3;    /* edge_kind */
} rs_edge;

/* 24 bytes, the most numerous record: whether the login came through a
 * remote-desktop client is one bit beside the session length, not the user
 * agent (ingest/useragent.h). */
typedef struct {
    int64_t ts;
    uint32_t account, ip, device; /* device GRAPH_NONE when absent */
    int32_t session_s : 31;       /* -1 when absent; at most GRAPH_SESSION_MAX */
    uint32_t remote_ua : 1;       /* its user agent names a remote-desktop client */
} login_ev;

/* The longest session a login records, seconds (34 years): longer values are
 * kept as this, which no duration test tells apart. */
#define GRAPH_SESSION_MAX 0x3fffffff

typedef struct {
    int64_t ts;
    uint32_t client, freelancer;
    uint32_t project; /* graph_tiebreak of the project id; GRAPH_NONE when absent */
    float stars;
} rating_ev;

typedef struct {
    int64_t ts;
    uint32_t freelancer, client; /* client GRAPH_NONE when absent */
    uint32_t project;            /* graph_tiebreak of the project id, or GRAPH_NONE */
    int8_t accepted;             /* 1, 0, or -1 when absent */
} bid_ev;

typedef struct {
    int64_t ts;
    double amount;
    uint32_t account, dest, currency, method; /* currency/method: graph.strings */
} payout_ev;

typedef struct {
    int64_t ts;
    double amount;
    uint32_t client, freelancer, instrument, currency;
} charge_ev;

typedef struct {
    int64_t ts;
    uint32_t ip, device, service; /* ip/device GRAPH_NONE when absent */
    uint16_t port;
} port_ev;

/* One identity attribute of an account (the attributes table). */
typedef struct {
    int64_t ts; /* TS_NONE when absent */
    uint32_t account;
    uint32_t value; /* id in graph.ident: the kind's byte, then the normalised value */
    uint8_t kind;   /* attr_kind (model/attrs.h) */
} attr_ev;

/* One text an account wrote: a bid's cover letter or its profile text. */
typedef struct {
    int64_t ts; /* the bid's time; TS_NONE for profile text */
    uint32_t account;
    uint32_t text;   /* id in graph.texts */
    uint8_t profile; /* 1: accounts.text, 0: bids.text */
} text_ev;

#define GRAPH_TIMELINE(T)                                                                          \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

typedef struct rs_graph {
    intern_table *ids[NODE_TYPE_COUNT]; /* NODE_CLIENT's slot is unused (NULL) */
    intern_table *strings;              /* display names, ASN orgs, currencies, projects */
    /* Per IP, device and destination: 1 when an analyst allowlisted it (a
     * corporate gateway, a known payroll account): it links nobody. NULL
     * when none is. Set by graph_allowlist. */
    uint8_t *allowlisted[NODE_TYPE_COUNT];
    account_attr *acct;
    size_t acct_cap;
    ip_attr *ip;
    size_t ip_cap;
    dest_attr *dest;
    size_t dest_cap;

    rs_edge *edges;
    size_t nedges, edges_cap;
    double *edge_sum; /* rs_edge.sum_ix; [0] = 0.0 for edges without a sum */
    size_t nedge_sum, edge_sum_cap;
    uint64_t *eslots; /* open addressing: hash tag << 32 | edge index + 1 (graph.c) */
    size_t neslots;

    GRAPH_TIMELINE(login_ev) logins;
    GRAPH_TIMELINE(rating_ev) ratings;
    GRAPH_TIMELINE(bid_ev) bids;
    GRAPH_TIMELINE(payout_ev) payouts;
    GRAPH_TIMELINE(charge_ev) charges;
    GRAPH_TIMELINE(port_ev) ports;
    /* Identity attributes and texts, in input order; the intern tables are
     * created with their first entry (NULL: the input had none). */
    intern_table *ident, *texts;
    GRAPH_TIMELINE(attr_ev) attrs;
    GRAPH_TIMELINE(text_ev) textevs;
    /* After finalize: events of entity i are [off[i], off[i+1]) of the sorted
     * timeline. logins/payouts/bids by account, ratings/charges by client,
     * each array has graph_count(NODE_ACCOUNT) + 1 entries. */
    size_t *login_off, *rating_off, *bid_off, *payout_off, *charge_off;
    int finalized;
} rs_graph;

/* Returns a new empty graph (aborts on OOM). Free with graph_free (NULL ok). */
rs_graph *graph_new(void);
void graph_free(rs_graph *g);

/* Marks IP, device or destination id (of type t, < graph_count(g, t)) as
 * allowlisted by an analyst: resource indexes then treat it as used by
 * nobody. After finalize, before detection; idempotent. The flag array is
 * allocated on the first call for its type and freed by graph_free. */
void graph_allowlist(rs_graph *g, node_type t, uint32_t id);

/* Interns an account id, recording that it was seen in role seen_as
 * (SEEN_AS_* or 0). Returns its id. */
uint32_t graph_account(rs_graph *g, const char *id, size_t n, int seen_as);
uint32_t graph_ip(rs_graph *g, const ipaddr *ip);
uint32_t graph_device(rs_graph *g, const char *id, size_t n);
uint32_t graph_dest(rs_graph *g, const char *id, size_t n, int used_as);
uint32_t graph_string(rs_graph *g, const char *s, size_t n);
/* The id of string s[0..n) in graph.strings, or GRAPH_NONE: never adds. */
uint32_t graph_find_string(const rs_graph *g, const char *s, size_t n);

/* Records the accounts table's row for account a: listed, and each fact
 * given (role not ROLE_UNSET, created_at not TS_NONE, country and name not
 * NULL) replaces the one held; the display name is interned. */
void graph_account_list(rs_graph *g, uint32_t a, int role, int64_t created_at, const char *country,
                        const char *name, size_t name_n);
/* Records v[0..n), a normalised name of kind `kind` (ATTR_NAME), as the name account
 * a's display name gives (account_attr.given_name), interned in graph.ident like an
 * attribute's value; it is no attribute event, so graph_has_identity does not
 * change. The last call wins. O(n) expected. */
void graph_account_given_name(rs_graph *g, uint32_t a, int kind, const char *v, size_t n);
/* Records the input's own geolocation of IP ip (a logins row's ip_country,
 * asn and asn_org; NULL: not given). The first row to give a country, or an
 * ASN with its organisation, wins (SRC_DATA), and no database overrides it. */
void graph_ip_input_geo(rs_graph *g, uint32_t ip, const char *country, const uint32_t *asn,
                        const char *org, size_t org_n);
/* Replaces the attributes of IP ip with *attr: what the enrich stage made of
 * the databases' answers (ingest/geoip.c), read from graph.ip[ip] first. */
void graph_ip_enrich(rs_graph *g, uint32_t ip, const ip_attr *attr);
/* Sets the country (ISO 3166-1 alpha-2, NUL-terminated) of destination dest. */
void graph_dest_set_country(rs_graph *g, uint32_t dest, const char *country);
/* Marks payout destination dest a crypto wallet (dest_attr.crypto). */
void graph_dest_set_crypto(rs_graph *g, uint32_t dest);

/* A 32-bit hash of s[0..n), never GRAPH_NONE: for values that serve only to
 * order events that tie on everything else (project ids), which are not
 * worth a place in the string table. */
uint32_t graph_tiebreak(const char *s, size_t n);

/* Software pipelining of ingest's hash probes. Adding a row looks up each
 * of its entities (intern.h) and edges in a hash table much larger than
 * the cache, and each lookup misses the cache up to three times in turn
 * (intern_prefetch). A loader that holds the next rows collects each row's
 * keys into a graph_keys well before adding it, then calls graph_prefetch
 * for it with steps 0, 1 and 2 (GRAPH_PREFETCH_STEPS), some rows apart:
 * step 0 requests the slots, step 1 the edge records and string pointers
 * they point to, step 2 the strings and the entities' attribute records.
 * By the time the row is added its memory is in cache. Hints only: they
 * change nothing in g, and a key left out or a wrong guess costs only
 * time. */
#define GRAPH_KEYS_MAX 6
#define GRAPH_PREFETCH_STEPS INTERN_PREFETCH_STEPS
/* graph_keys.space of an edge's key: of a kind without a sum, with one */
#define GRAPH_KEY_EDGE NODE_TYPE_COUNT
#define GRAPH_KEY_EDGE_SUM (NODE_TYPE_COUNT + 1)
#define GRAPH_KEY_ATTRS 0x80 /* or'd into an entity's space: request its attributes */
typedef struct {
    uint64_t h[GRAPH_KEYS_MAX];    /* intern_hash of an entity's string, or an edge's key hash */
    uint8_t space[GRAPH_KEYS_MAX]; /* node_type of an entity (NODE_ACCOUNT for clients), or
                                    * GRAPH_KEY_EDGE(_SUM) */
    uint8_t n;
} graph_keys;

/* Adds the entity s[0..n) of type t (an IP: its address bytes) to k, left
 * as it is when full; returns the entity's hash, for graph_keys_edge.
 * attrs: adding the row reads or writes the entity's attribute record
 * (graph.acct, .ip, .dest), to be requested too (only then: a line fetched
 * for nothing takes the place of one that is needed). */
uint64_t graph_keys_node(graph_keys *k, node_type t, const char *s, size_t n, int attrs);
/* Adds the edge of kind between the entities whose graph_keys_node hashes
 * are ha (end 0) and hb (end 1). */
void graph_keys_edge(graph_keys *k, edge_kind kind, uint64_t ha, uint64_t hb);
/* Step step (0 to GRAPH_PREFETCH_STEPS - 1) of requesting the memory the
 * keys of k will touch. O(k->n). */
void graph_prefetch(const rs_graph *g, const graph_keys *k, int step);
/* The keys of a login, in the order graph_add_login_keys takes them back:
 * account, IP, login edge, then device and device edge when dev is not
 * NULL. ip_attrs: the row sets the IP's attributes (graph_ip_input_geo). */
void graph_keys_login(graph_keys *k, const char *acct, size_t an, const ipaddr *ip, const char *dev,
                      size_t dn, int ip_attrs);
/* The _h variants of the interning functions and event recorders take the
 * hashes a loader already computed for graph_prefetch (graph_keys_node's
 * return value for an entity, graph_keys_edge's key for an edge), so that a
 * row's strings are hashed once; given other hashes, the graph is wrong.
 * Each does what the function without _h does. */
/* graph_account with the id's hash (intern_hash) computed by the caller. */
uint32_t graph_account_h(rs_graph *g, const char *id, size_t n, uint64_t h, int seen_as);
/* graph_dest with the id's hash (intern_hash) computed by the caller. */
uint32_t graph_dest_h(rs_graph *g, const char *id, size_t n, uint64_t h, int used_as);
/* graph_add_bid with its edge's key hash (unused when the bid names no
 * client). */
void graph_add_bid_h(rs_graph *g, const bid_ev *e, uint64_t edge_h);
/* graph_add_rating with its edge's key hash. */
void graph_add_rating_h(rs_graph *g, const rating_ev *e, uint64_t edge_h);
/* graph_add_payout with its edge's key hash. */
void graph_add_payout_h(rs_graph *g, const payout_ev *e, uint64_t edge_h);
/* graph_add_charge with the key hashes of its charge edge and of its
 * payment-instrument edge (pays_with_h unused without an instrument). */
void graph_add_charge_h(rs_graph *g, const charge_ev *e, uint64_t charge_h, uint64_t pays_with_h);

/* Records a login given its keys k, from graph_keys_login for the same
 * strings (not NULL): interns the account (seen in no particular role), IP
 * and device (dev NULL when absent), fills e->account, e->ip and e->device,
 * and adds it as graph_add_login does. The hot path of ingest. */
void graph_add_login_keys(rs_graph *g, login_ev *e, const char *acct, size_t an, const ipaddr *ip,
                          const char *dev, size_t dn, const graph_keys *k);

/* Lookups that never add: the id of an entity, or GRAPH_NONE when the graph
 * does not hold it. O(n) expected. */
uint32_t graph_find_account(const rs_graph *g, const char *id, size_t n);
uint32_t graph_find_ip(const rs_graph *g, const ipaddr *ip);
uint32_t graph_find_device(const rs_graph *g, const char *id, size_t n);
/* intern_hash of the id string (an IP's address bytes) of node id of type t. */
uint64_t graph_node_hash(const rs_graph *g, node_type t, uint32_t id);
uint32_t graph_find_dest(const rs_graph *g, const char *id, size_t n);

/* Number of entities of a type (NODE_ACCOUNT counts clients too). */
uint32_t graph_count(const rs_graph *g, node_type t);
/* Borrowed label of an entity. IPs are formatted into buf (IPADDR_STRLEN). */
const char *graph_label(const rs_graph *g, node_type t, uint32_t id, char *buf);
/* The same, with its length in *len. */
const char *graph_label_n(const rs_graph *g, node_type t, uint32_t id, char *buf, size_t *len);
/* The node type of an account after finalize: NODE_ACCOUNT or NODE_CLIENT. */
node_type graph_account_type(const rs_graph *g, uint32_t account);

/* Adds one observation to the (kind, a, b) edge; a and b must be interned ids
 * of the kind's endpoint types (account, and ip/device/destination/account).
 * value adds to the edge's sum when the kind has one (graph_edge_has_sum) and
 * is ignored otherwise. O(1) expected. */
void graph_edge_add(rs_graph *g, edge_kind kind, uint32_t a, uint32_t b, int64_t ts, double value);

/* Whether edges of a kind carry a sum: stars of ratings, amounts of payouts,
 * charges and payment-instrument edges. */
static inline int graph_edge_has_sum(edge_kind k)
{
    return k == EDGE_RATING || k == EDGE_PAYOUT || k == EDGE_CHARGE || k == EDGE_PAYS_WITH;
}

/* An edge's sum: total stars or amount; 0 for kinds without one. */
static inline double graph_edge_sum(const rs_graph *g, const rs_edge *e)
{
    return e->sum_ix ? g->edge_sum[e->sum_ix] : 0.0;
}

/* The id space of an edge kind's endpoint: end 0 is always NODE_ACCOUNT
 * (accounts and clients), end 1 is NODE_IP, NODE_DEVICE, NODE_DEST or
 * NODE_ACCOUNT by kind. */
node_type graph_edge_end_type(edge_kind kind, int end);

/* The (kind, a, b) edge, or NULL. Borrowed; O(1) expected. Not after
 * graph_finalize, which frees the edge index (8 bytes a slot, a tenth of a
 * large run's memory) that nothing after ingest needs; an edge added after
 * finalize rebuilds it. */
const rs_edge *graph_edge_find(const rs_graph *g, edge_kind kind, uint32_t a, uint32_t b);

/* Event recorders: append to the timeline and aggregate the matching edges. */
void graph_add_login(rs_graph *g, const login_ev *e);
void graph_add_rating(rs_graph *g, const rating_ev *e);
void graph_add_bid(rs_graph *g, const bid_ev *e);
void graph_add_payout(rs_graph *g, const payout_ev *e);
void graph_add_charge(rs_graph *g, const charge_ev *e);
void graph_add_port(rs_graph *g, const port_ev *e);
/* Records attribute `kind` of account with normalised value v[0..n) (the same
 * value under another kind is another value). O(n) expected. */
void graph_add_attr(rs_graph *g, uint32_t account, int kind, const char *v, size_t n, int64_t ts);
/* Records a text written by account (each distinct text is stored once). */
void graph_add_text(rs_graph *g, uint32_t account, const char *text, size_t n, int64_t ts,
                    int profile);
/* The id of normalised value v[0..n) of attribute `kind`, or GRAPH_NONE when
 * no account gives it. O(n) expected. */
uint32_t graph_find_attr(const rs_graph *g, int kind, const char *v, size_t n);
/* The normalised value of attribute value id (without its kind byte). */
const char *graph_attr_value(const rs_graph *g, uint32_t value, size_t *len);
/* 1 when the graph holds any identity attribute or text. */
int graph_has_identity(const rs_graph *g);

/* Resolves roles (accounts table first; else client when only ever seen as a
 * client; else freelancer), sorts timelines by (entity, ts) with a stable
 * order and frees the edge index: no edge is added or looked up after it.
 * Idempotent. */
void graph_finalize(rs_graph *g);
/* The same, sorting the logins on a second thread when threads > 1 (the
 * result is the same). */
void graph_finalize_threads(rs_graph *g, int threads);

/* Global node ids number every node of every type in one space, in a fixed
 * order: accounts and clients (one id space), then IPs, devices and
 * destinations, each by id. GraphML, GEXF and the evidence subgraphs name
 * nodes by them ("n<gid>"). */
uint32_t graph_node_gid(const rs_graph *g, node_type t, uint32_t id);
/* Global ids of an edge's source (always an account or client) and target. */
uint32_t graph_edge_src_gid(const rs_graph *g, const rs_edge *e);
uint32_t graph_edge_dst_gid(const rs_graph *g, const rs_edge *e);
/* The number of global node ids. */
uint32_t graph_node_total(const rs_graph *g);
/* Each node's degree (aggregated edges at it), indexed by global node id:
 * a new array of graph_node_total entries (at least one), caller frees. O(E). */
uint32_t *graph_node_degrees(const rs_graph *g);
/* The inverse of graph_node_gid: the type (NODE_ACCOUNT for accounts and
 * clients) and, in *id, the id within it. */
node_type graph_node_decode(const rs_graph *g, uint32_t gid, uint32_t *id);

/* Approximate bytes held by the graph. */
size_t graph_memory(const rs_graph *g);

const char *graph_node_type_name(node_type t);
const char *graph_edge_kind_name(edge_kind k);

#endif
