#!/usr/bin/env python3
"""country-timezones.py - writes datasets/country-timezones.csv from the system's tzdata.

    python3 datasets/country-timezones.py [ZONEINFO_DIR] >datasets/country-timezones.csv

One row per time zone of zone.tab (ISO 3166 country code, zone name), with the zone's
offset from UTC in minutes in January and in July of REFERENCE_YEAR: the smaller is
its standard offset, the larger its daylight-saving offset (equal where the zone keeps
no daylight saving; in the southern hemisphere summer falls in January, which taking
the smaller and the larger handles). zone.tab lists every zone a country uses, so a
country of several zones (US, CA, RU, BR, AU, MX, ID, KZ, ...) has several rows; the
build turns them into one span of offsets per country (datasets/country-timezones.awk).
Rows are sorted by country, then zone, so that the file is reproducible and diffs
show what a tzdata release changed. Debian package: tzdata.
"""
import datetime
import sys
import zoneinfo

# A fixed year makes the output depend on the tzdata release only, not on the day
# the script runs. Zones that changed their rules since keep their REFERENCE_YEAR
# offsets until the year is moved on (datasets/README.md, "Time zones").
REFERENCE_YEAR = 2025


def offsets(zone):
    """(standard, daylight-saving) offset of zone from UTC in minutes in REFERENCE_YEAR."""
    tz = zoneinfo.ZoneInfo(zone)
    mins = []
    for month in (1, 7):
        t = datetime.datetime(REFERENCE_YEAR, month, 15, 12, tzinfo=datetime.timezone.utc)
        mins.append(int(t.astimezone(tz).utcoffset().total_seconds()) // 60)
    return min(mins), max(mins)


def main():
    zdir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/zoneinfo"
    zoneinfo.reset_tzpath([zdir])
    rows = []
    with open(f"{zdir}/zone.tab", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cc, _coords, zone = line.rstrip("\n").split("\t")[:3]
            rows.append((cc, zone) + offsets(zone))
    rows.sort()
    out = sys.stdout
    out.write("country,zone,std_offset_min,dst_offset_min\n")
    for cc, zone, std, dst in rows:
        out.write(f"{cc},{zone},{std},{dst}\n")


if __name__ == "__main__":
    main()
