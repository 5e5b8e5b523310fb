# country-timezones.awk - checks datasets/country-timezones.csv and turns it into
# the C table of each country's span of UTC offsets (model/country_tz.h).
#
#   awk -f datasets/country-timezones.awk datasets/country-timezones.csv >country_tz.c
#
# The file (written by datasets/country-timezones.py from tzdata) has the header
# country,zone,std_offset_min,dst_offset_min and one row per time zone, sorted by
# country, then zone. A country's rows become one span: from the smallest standard
# offset of its zones to the largest daylight-saving one (the United States: from
# Hawaii's -600 to Eastern daylight time's -240). Each row is also a zone of its own,
# found by name (the generated code keeps an index of the zones in name order) and
# stored by its ordinal within its country, which must not pass MAX_ZONES
# (COUNTRY_TZ_MAX_ZONES in the header). Every malformed row is reported on
# stderr as FILE:LINE: message and nothing is written; the exit status is then 1.
# POSIX awk (mawk and busybox awk included): no gawk extensions.

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg >"/dev/stderr"
    bad = 1
}

# Whether s is an offset in minutes UTC-12:00 .. UTC+14:00, the range tzdata uses,
# and a whole number of quarter hours, as every zone's current offsets are (India's
# 330, Nepal's 345, Chatham's 765). OFF_HOURS relies on it: a login's
# answer then depends only on the quarter hour of the UTC day it starts in, so a
# count per quarter hour is exact (algorithms/loginfacts.h).
function offset_ok(s) {
    return s ~ /^-?[0-9]+$/ && s + 0 >= -720 && s + 0 <= 840 && s % 15 == 0
}

BEGIN {
    MAX_ZONES = 63 # = COUNTRY_TZ_MAX_ZONES, model/country_tz.h
    n = 0
    m = 0
    bad = 0
    prev = ""
}

{ sub(/\r$/, "") }

FNR == 1 {
    if ($0 != "country,zone,std_offset_min,dst_offset_min")
        fail("header is \"" $0 "\", expected \"country,zone,std_offset_min,dst_offset_min\"")
    next
}

{
    nf = split($0, f, ",")
    if (nf != 4) { fail(nf " fields, expected 4 (country,zone,std_offset_min,dst_offset_min)"); next }
    if (f[1] !~ /^[A-Z][A-Z]$/) { fail("country \"" f[1] "\" is not an ISO 3166 alpha-2 code"); next }
    if (f[2] !~ /^[A-Za-z0-9_+\/-]+$/) { fail("zone \"" f[2] "\" is not a tz zone name"); next }
    if (!offset_ok(f[3]) || !offset_ok(f[4])) {
        fail(f[2] ": offsets must be whole quarter hours (minutes divisible by 15) from -720 to 840")
        next
    }
    if (f[3] + 0 > f[4] + 0) { fail(f[2] ": standard offset " f[3] " above daylight-saving " f[4]); next }
    key = f[1] "," f[2]
    if (prev != "" && key <= prev) { fail("not sorted or duplicate: " key " after " prev); next }
    prev = key
    if (f[2] in seen) { fail("zone " f[2] " listed for " seen[f[2]] " and " f[1]); next }
    seen[f[2]] = f[1]
    zname[++m] = f[2]
    zcc[m] = f[1]
    zstd[m] = f[3] + 0
    zdst[m] = f[4] + 0
    if (n == 0 || cc[n] != f[1]) {
        cc[++n] = f[1]
        first[n] = m
        lo[n] = f[3] + 0
        hi[n] = f[4] + 0
    } else {
        if (m - first[n] + 1 > MAX_ZONES) { fail(f[1] ": more than " MAX_ZONES " zones"); next }
        if (f[3] + 0 < lo[n]) lo[n] = f[3] + 0
        if (f[4] + 0 > hi[n]) hi[n] = f[4] + 0
    }
}

END {
    if (n == 0 && !bad) {
        printf "%s: no rows\n", FILENAME >"/dev/stderr"
        bad = 1
    }
    if (bad)
        exit 1
    # The zones in name order (byte-wise under LC_ALL=C), by insertion: a few
    # hundred rows.
    for (i = 1; i <= m; i++) {
        byname[i] = i
        for (j = i; j > 1 && zname[byname[j - 1]] > zname[i]; j--)
            byname[j] = byname[j - 1]
        byname[j] = i
    }
    print "/* country_tz.c - generated from datasets/country-timezones.csv by"
    print " * datasets/country-timezones.awk: do not edit, edit the CSV. See"
    print " * model/country_tz.h. */"
    print "#include \"model/country_tz.h\""
    print ""
    print "#include <string.h>"
    print ""
    print "/* Sorted by country code (strcmp order). */"
    print "static const country_tz_span table[] = {"
    for (i = 1; i <= n; i++)
        printf "    {\"%s\", %d, %d},\n", cc[i], lo[i], hi[i]
    print "};"
    print ""
    print "/* Every zone, as a span of its standard to its daylight-saving offset, in the"
    print " * order of the CSV (by country, then name): a country's zones are adjacent. */"
    print "static const country_tz_span zone[] = {"
    for (i = 1; i <= m; i++)
        printf "    {\"%s\", %d, %d},\n", zcc[i], zstd[i], zdst[i]
    print "};"
    print ""
    print "/* Index in zone[] of each country's first zone, parallel to table[], and a last"
    print " * entry one past the last zone. */"
    print "static const unsigned short first_zone[] = {"
    for (i = 1; i <= n; i++)
        printf "    %d,\n", first[i] - 1
    printf "    %d,\n", m
    print "};"
    print ""
    print "/* The zone names with their index in zone[], sorted by name (strcmp order). */"
    print "static const struct {"
    print "    const char *name;"
    print "    unsigned short zone;"
    print "} by_name[] = {"
    for (i = 1; i <= m; i++)
        printf "    {\"%s\", %d},\n", zname[byname[i]], byname[i] - 1
    print "};"
    print ""
    print "/* Index of cc in table[], or -1. */"
    print "static long find_country(const char *cc)"
    print "{"
    print "    size_t lo = 0, hi = sizeof table / sizeof *table; /* cc, if present, is in [lo, hi) */"
    print "    while (lo < hi) {"
    print "        size_t mid = lo + (hi - lo) / 2;"
    print "        int c = strcmp(table[mid].cc, cc);"
    print "        if (c < 0)"
    print "            lo = mid + 1;"
    print "        else if (c > 0)"
    print "            hi = mid;"
    print "        else"
    print "            return (long)mid;"
    print "    }"
    print "    return -1;"
    print "}"
    print ""
    print "const country_tz_span *country_tz_find(const char *cc)"
    print "{"
    print "    long i = find_country(cc);"
    print "    return i < 0 ? NULL : &table[i];"
    print "}"
    print ""
    print "unsigned country_tz_zone_find(const char *name, char cc[3])"
    print "{"
    print "    size_t lo = 0, hi = sizeof by_name / sizeof *by_name; /* name, if present, is in [lo, hi) */"
    print "    while (lo < hi) {"
    print "        size_t mid = lo + (hi - lo) / 2;"
    print "        int c = strcmp(by_name[mid].name, name);"
    print "        if (c < 0) {"
    print "            lo = mid + 1;"
    print "        } else if (c > 0) {"
    print "            hi = mid;"
    print "        } else {"
    print "            const country_tz_span *z = &zone[by_name[mid].zone];"
    print "            long i = find_country(z->cc);"
    print "            memcpy(cc, z->cc, 3);"
    print "            return (unsigned)(by_name[mid].zone - first_zone[i]) + 1;"
    print "        }"
    print "    }"
    print "    return 0;"
    print "}"
    print ""
    print "const country_tz_span *country_tz_zone(const char *cc, unsigned k)"
    print "{"
    print "    long i = find_country(cc);"
    print "    if (i < 0 || k == 0 || k > (unsigned)(first_zone[i + 1] - first_zone[i]))"
    print "        return NULL;"
    print "    return &zone[first_zone[i] + k - 1];"
    print "}"
}
