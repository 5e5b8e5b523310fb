/* geoip.h - IP enrichment from MaxMind-format databases (libmaxminddb).
 *
 * Three optional databases: a City or Country database (country, and
 * latitude/longitude from City), an ASN database (number, organisation) and an
 * Anonymous-IP database (VPN, hosting, public proxy, Tor). Each distinct IP
 * node is looked up once, after ingest. Values supplied by the input
 * (logins.ip_country / asn / asn_org) take precedence.
 */
#ifndef RINGSCAN_GEOIP_H
#define RINGSCAN_GEOIP_H

#include "graph/graph.h"
#include "base/error.h"

enum { GEOIP_CITY, GEOIP_ASN, GEOIP_ANON, GEOIP_KINDS };

/* A database older than this many days is reported as stale. */
#define GEOIP_STALE_DAYS 180

/* A database may be one file or an IPv4 file with its IPv6 sibling (a name
 * holding "ipv4" pairs with the same name holding "ipv6", as the ip-location-db
 * packages ship them). */
#define GEOIP_MAX_FILES 2

typedef struct {
    int open;
    int nfiles;
    char *files[GEOIP_MAX_FILES]; /* owned; files[0] is also `path` */
    char hashes[GEOIP_MAX_FILES][65];
    char *path;                 /* = files[0] */
    char type[64];              /* metadata database_type, or "ASN ranges (CSV)" */
    uint64_t build_epoch;       /* seconds; 0 when unknown */
    char sha256[65];            /* = hashes[0] */
    char *source;               /* owned; package and version from ringscan-geoip.json, or NULL */
    char *attribution;          /* owned; licence attribution the data requires, or NULL */
    uint64_t overlaps_resolved; /* range CSVs: overlapping rows made disjoint */
} geoip_db_info;

typedef struct geoip geoip;

typedef struct {
    uint64_t ips, country, location, asn, anon;
} geoip_stats;

/* Opens the databases. paths[k] may be NULL: then, if search is set, the
 * usual file names are looked for in the search directories (geoip_search_dir).
 * A path given explicitly that cannot be opened is an error (RS_E_IO); a
 * database not found by search is simply absent. An ASN path ending in .csv or
 * .csv.gz is read as an IP-range table (asnranges.h). Returns RS_OK with *out
 * set (never NULL). */
int geoip_open(geoip **out, const char *const paths[GEOIP_KINDS], int search, rs_error *err);
void geoip_close(geoip *gi);
/* Borrowed info about database kind k. */
const geoip_db_info *geoip_info(const geoip *gi, int kind);
/* Enriches every IP node of g. O(IPs x tree depth). */
void geoip_enrich(geoip *gi, rs_graph *g, geoip_stats *st);
const char *geoip_kind_name(int kind);

/* The i-th directory searched (NULL past the last), in order:
 * $RINGSCAN_GEOIP_DIR alone when it is set; otherwise the directory `make geoip`
 * installs into, ${XDG_DATA_HOME:-$HOME/.local/share}/ringscan/geoip, then
 * /usr/local/share/ringscan/geoip, /usr/share/ringscan/geoip, /usr/share/GeoIP,
 * /var/lib/GeoIP and ./datasets/geoip. Written into buf (PATH_MAX bytes). */
const char *geoip_search_dir(size_t i, char *buf, size_t cap);

/* Why a database found by search could not be used (the first such), or NULL. */
const char *geoip_search_problem(const geoip *gi);

/* The attribution lines of every open database that has one, joined by "; ",
 * or NULL when none (caller frees). */
char *geoip_credits(const geoip *gi);

#endif
