/* country_tz.h - the built-in table of each country's span of UTC offsets, which
 * OFF_HOURS (algorithms/loginflags.c) compares login times with, and of the offsets
 * of each tzdata zone, which the IP enrichment (ingest/geoip.c) maps a city
 * database's time-zone name through.
 *
 * The table is data, not code: datasets/country-timezones.csv holds one row per
 * time zone of Debian's tzdata (zone.tab), with its standard and daylight-saving
 * offsets, written by datasets/country-timezones.py (datasets/README.md, "Time
 * zones", says how to refresh it). At build time datasets/country-timezones.awk
 * turns the CSV into $(BUILD)/gen/country_tz.c, which defines the function below,
 * so the program never reads the CSV. A country of several zones (US, CA, RU, BR,
 * AU, MX, ID, KZ, ...) is one span, from the smallest standard offset of its zones
 * to the largest daylight-saving one: a login fits the country when it fits any
 * offset in between, which gives a claim the benefit of its farthest zones (a
 * claim of the United States covers Hawaii's afternoon as well as New York's
 * morning). Invariants, checked by the generator: one entry per country, sorted by
 * code, offsets whole minutes in [-720, 840], lo <= hi.
 *
 * The zones are the same rows one by one. A zone is named by its country and its
 * ordinal among that country's zones (1 = the first in name order), a number small
 * enough for a bit field of the per-IP attributes (ip_attr.tz): the generator
 * rejects a country of more than COUNTRY_TZ_MAX_ZONES zones and a zone name listed
 * twice.
 */
#ifndef RINGSCAN_COUNTRY_TZ_H
#define RINGSCAN_COUNTRY_TZ_H

#include <stddef.h>

/* One country's span of offsets from UTC, minutes east (UTC-5 is -300). */
typedef struct {
    char cc[3];      /* ISO 3166 alpha-2, "US" */
    short lo_min;    /* smallest standard offset of its zones */
    short hi_min;    /* largest daylight-saving offset of its zones */
} country_tz_span;

/* The span of country code cc ("US"), borrowed from static storage, or NULL when
 * tzdata lists no zone for it (or cc is "" or not a code). O(log countries). */
const country_tz_span *country_tz_find(const char *cc);

/* The most zones one country may have: the largest ordinal ip_attr.tz's bits hold
 * (tzdata's largest, the United States, has 29). */
#define COUNTRY_TZ_MAX_ZONES 63

/* The zone named name ("America/Chicago", as tzdata and the city databases spell
 * it): returns its ordinal among its country's zones, 1..COUNTRY_TZ_MAX_ZONES, and
 * writes the country's code into cc; 0 (cc untouched) when tzdata's zone.tab does
 * not list the name (a link such as "US/Central", or not a zone). O(log zones). */
unsigned country_tz_zone_find(const char *name, char cc[3]);

/* The offsets of zone ordinal k of country cc as a span of their own: lo_min its
 * standard offset, hi_min its daylight-saving one (equal where it keeps none).
 * Borrowed from static storage; NULL when cc has no zone k (k = 0 included).
 * O(log countries). */
const country_tz_span *country_tz_zone(const char *cc, unsigned k);

#endif
