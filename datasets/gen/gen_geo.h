/* gen_geo.h - the simulator's geography: countries and real IPv4 allocations.
 *
 * A built-in table of real address blocks per country, each tagged with the kind of network
 * (residential ISP, mobile carrier behind carrier-grade NAT, hosting / VPN provider) and the
 * autonomous system that announces it. Every block's country was checked against the free
 * GeoLite2-Country database (gen_geo_check does it again on demand), so generated addresses
 * resolve to the intended country in real GeoIP databases.
 *
 * All data is static and read-only; nothing here allocates.
 */
#ifndef GEN_GEO_H
#define GEN_GEO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Kinds of network a block belongs to. */
enum gen_geo_kind { GEN_GEO_RES = 0, GEN_GEO_MOB = 1, GEN_GEO_HOST = 2 };

typedef struct gen_geo_block {
    const char *cc;  /* ISO 3166-1 alpha-2 country the block geolocates to */
    int kind;        /* enum gen_geo_kind */
    uint32_t asn;    /* announcing autonomous system */
    const char *org; /* its organisation name */
    uint32_t base;   /* first address, host order */
    unsigned len;    /* prefix length, 8..24 */
} gen_geo_block;

typedef struct gen_geo_country {
    const char *cc;   /* ISO code */
    int utc_offset;   /* typical offset of local time from UTC, hours */
    int high_risk;    /* 1 when payouts there are a red flag (CN, RU, KP, HK...) */
    const char *bank; /* payout method most used there */
} gen_geo_country;

/* Number of blocks in the table, and block i (borrowed, static). */
size_t gen_geo_block_count(void);
const gen_geo_block *gen_geo_block_at(size_t i);

/* Number of blocks of country cc and kind; and the table index of the k-th of them
 * (k < count). Returns (size_t)-1 when there is none. O(table size). */
size_t gen_geo_count_of(const char *cc, int kind);
size_t gen_geo_find(const char *cc, int kind, size_t k);

/* An address inside block b chosen by hash h; never the .0 or .255 address of a /24. */
uint32_t gen_geo_addr(const gen_geo_block *b, uint64_t h);

/* Country record for cc, or NULL. And the whole country table. */
const gen_geo_country *gen_geo_country_get(const char *cc);
size_t gen_geo_country_count(void);
const gen_geo_country *gen_geo_country_at(size_t i);

/* Looks up `samples` addresses spread over every block in the MaxMind database at
 * mmdb_path and reports, on `report`, each block whose addresses resolve to another country
 * (or to none). Returns the number of mismatching addresses (0 = table consistent with the
 * database), or -1 when the database cannot be opened. */
long gen_geo_check(const char *mmdb_path, unsigned samples, FILE *report);

#endif
