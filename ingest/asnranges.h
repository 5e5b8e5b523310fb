/* asnranges.h - IP-to-ASN lookups from range CSV files.
 *
 * Reads the range tables that ip-location-db publishes (npm @ip-location-db/asn,
 * from RouteViews, the five RIRs and DB-IP's IP-to-ASN Lite, CC BY 4.0): one row
 * per range, `first,last,asn,organisation`, inclusive, the addresses either in
 * text form (asn-ipv4.csv, asn-ipv6.csv) or as decimal integers (the -num
 * files), optionally gzip-compressed. Several files (IPv4 and IPv6) load into one
 * table. Ranges are sorted once and made disjoint; a lookup is a binary
 * search, narrowed for IPv4 by a 65 536-entry index on the top 16 bits.
 *
 * Memory: 16 bytes per IPv4 range, 40 per IPv6 range, plus the organisation
 * names (about 30 MB for the 2026 tables: 412 k IPv4 and 103 k IPv6 ranges).
 */
#ifndef RINGSCAN_ASNRANGES_H
#define RINGSCAN_ASNRANGES_H

#include "base/ipaddr.h"
#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct asn_ranges asn_ranges;

asn_ranges *asn_ranges_new(void);
void asn_ranges_free(asn_ranges *r);

/* Adds every row of the CSV at path. A malformed row (bad address, first >
 * last, non-numeric ASN, mixed families) is a fatal RS_E_FORMAT error naming
 * file, line and column; the SHA-256 of the file's bytes is written to
 * sha256_hex (65 bytes) when not NULL. */
int asn_ranges_add_file(asn_ranges *r, const char *path, char *sha256_hex, rs_error *err);

/* Sorts what was added and makes the ranges disjoint: where two overlap, the
 * one starting later (or, starting together, the narrower) holds the shared
 * addresses. Returns the number of overlaps resolved (the 2026-06 IPv4 table
 * has one). Call once, after the last add. */
size_t asn_ranges_finish(asn_ranges *r);

/* Number of IPv4 and IPv6 ranges. */
size_t asn_ranges_count(const asn_ranges *r, int family_len);

/* Looks ip up. Returns 1 with *asn and the organisation (not NUL-terminated,
 * borrowed until asn_ranges_free; length 0 when the row had none) when a range
 * holds ip, else 0. O(log ranges). */
int asn_ranges_lookup(const asn_ranges *r, const ipaddr *ip, uint32_t *asn, const char **org,
                      size_t *org_len);

/* 1 when path looks like a range CSV rather than a MaxMind database: its name
 * ends in .csv or .csv.gz. */
int asn_ranges_is_csv_name(const char *path);

#endif
