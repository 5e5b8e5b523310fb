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
#include "base/util.h"

enum { GEOIP_CITY, GEOIP_ASN, GEOIP_ANON, GEOIP_KINDS };

typedef struct {
    int open;
    char *path;    /* owned */
    char type[64]; /* metadata database_type */
    uint64_t build_epoch;
    char sha256[65];
} geoip_db_info;

typedef struct geoip geoip;

typedef struct {
    uint64_t ips, country, location, asn, anon;
} geoip_stats;

/* Opens the databases. paths[k] may be NULL: then, if search is set, the
 * usual file names are looked for in the search directories. A path given
 * explicitly that cannot be opened is an error (RS_E_IO); a database not found
 * by search is simply absent. Returns RS_OK with *out set (never NULL). */
int geoip_open(geoip **out, const char *const paths[GEOIP_KINDS], int search, rs_error *err);
void geoip_close(geoip *gi);
/* Borrowed info about database kind k. */
const geoip_db_info *geoip_info(const geoip *gi, int kind);
/* Enriches every IP node of g. O(IPs x tree depth). */
void geoip_enrich(geoip *gi, rs_graph *g, geoip_stats *st);
const char *geoip_kind_name(int kind);

#endif
