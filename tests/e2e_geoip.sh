#!/bin/sh
# e2e_geoip.sh BUILD_DIR - IP enrichment end to end: builds tiny City, ASN and
# Anonymous-IP .mmdb fixtures with tests/data/mkmmdb.pl (MaxMind's Perl
# writer), checks them with mmdblookup, runs ringscan with --geoip-* on logins
# from documentation ranges and checks the GraphML node attributes, the
# precedence of input ip_country/asn columns, run.json's geoip section, and
# the no-database and bad-path behaviour.
#
# RINGSCAN_VALGRIND=1 runs the binary under valgrind (errors exit 99).
set -u

. tests/lib.sh
e2e_init "${1:-}"
MK=tests/data/mkmmdb.pl
[ -f "$MK" ] || { echo "not ok - run from the repository root ($MK missing)"; exit 1; }

# --- fixtures -------------------------------------------------------------------
for k in city asn anon; do
    if perl "$MK" "$k" "$tmp/$k.mmdb" 2>"$tmp/mk-$k.err"; then
        ok "mkmmdb.pl writes the $k fixture"
    else
        nok "mkmmdb.pl writes the $k fixture: $(err "$tmp/mk-$k.err")"
        echo "# cannot continue without fixtures"
        exit 1
    fi
done

# lookup DB IP EXPECTED PATH... - mmdblookup's value at PATH contains EXPECTED
lookup() {
    db=$1 ip=$2 want=$3
    shift 3
    if mmdblookup --file "$tmp/$db.mmdb" --ip "$ip" "$@" >"$tmp/lk.out" 2>&1 &&
        grep -qF -e "$want" "$tmp/lk.out"; then
        ok "mmdblookup $db $ip $*: $want"
    else
        nok "mmdblookup $db $ip $*: $want (got: $(err "$tmp/lk.out"))"
    fi
}
lookup city 192.0.2.1 '"JP"' country iso_code
lookup city 192.0.2.130 '"DE"' country iso_code
lookup city ::ffff:192.0.2.130 '"DE"' country iso_code
lookup city 198.51.100.9 '"BR"' country iso_code
lookup city 2001:db8::7 '"FR"' country iso_code
lookup city 192.0.2.1 '35.689500' location latitude
lookup city 192.0.2.1 '"Asia/Tokyo"' location time_zone
lookup city 198.51.100.9 '"America/Sao_Paulo"' location time_zone
lookup asn 192.0.2.1 '64500 <uint32>' autonomous_system_number
lookup asn 198.51.100.7 'Exemplo Telecomunicações' autonomous_system_organization
lookup asn 2001:db8:1::5 '64502 <uint32>' autonomous_system_number
lookup anon 192.0.2.200 'true <boolean>' is_anonymous_vpn
lookup anon 198.51.100.7 'true <boolean>' is_tor_exit_node
lookup anon 2001:db8:1::5 'true <boolean>' is_hosting_provider
lookup anon 2001:db8:1::5 'true <boolean>' is_public_proxy
# Metadata check (type) via --verbose, which the helper above cannot pass.
for pair in city:GeoIP2-City asn:GeoLite2-ASN anon:GeoIP2-Anonymous-IP; do
    k=${pair%%:*} t=${pair#*:}
    if mmdblookup --file "$tmp/$k.mmdb" --ip 192.0.2.1 --verbose 2>/dev/null | grep -q "Type: *$t\$"; then
        ok "$k fixture has database_type $t"
    else
        nok "$k fixture has database_type $t"
    fi
done

# --- input ------------------------------------------------------------------------
T=2026-03-01T12:00:00Z
mkdir "$tmp/in" "$tmp/in-plain"
cat >"$tmp/in/logins.csv" <<EOF
ts,account_id,ip,ip_country,asn,asn_org
$T,g1,192.0.2.1,,,
$T,g1,192.0.2.200,,,
$T,g2,198.51.100.7,,,
$T,g2,198.51.100.9,us,65000,Platform Says
$T,g3,2001:db8::7,,,
$T,g3,2001:db8:1::5,,,
$T,g4,203.0.113.5,,,
$T,g4,::ffff:192.0.2.130,,,
$T,g5,192.0.2.1,,,
EOF
cat >"$tmp/in-plain/logins.csv" <<EOF
ts,account_id,ip
$T,g1,192.0.2.1
$T,g2,2001:db8::7
EOF

rs run "$tmp/in" -o "$tmp/out" --no-geoip --full-graph --geoip-city "$tmp/city.mmdb" \
    --geoip-asn "$tmp/asn.mmdb" --geoip-anon "$tmp/anon.mmdb" >/dev/null 2>"$tmp/run.err"
rc=$?
if [ $rc -ne 0 ] || [ ! -f "$tmp/out/graph.graphml" ]; then
    nok "run with all three databases exits 0 (exit $rc: $(err "$tmp/run.err"))"
    echo "# $fails failed"
    exit 1
fi
ok "run with all three databases exits 0"
(cd "$tmp" && sha256sum city.mmdb asn.mmdb anon.mmdb) >"$tmp/sums"

cat >"$tmp/check.py" <<'EOF'
import json, re, sys, datetime
import networkx as nx
graphml, runjson, sums, verbose = sys.argv[1:5]
fails = 0
def res(good, what):
    global fails
    print(("ok - " if good else "not ok - ") + what)
    fails += not good

g = nx.read_graphml(graphml)
ips = {d.get("label"): d for _, d in g.nodes(data=True) if d.get("type") == "ip"}
res(len(ips) == 8, "8 ip nodes (::ffff:192.0.2.130 folded into 192.0.2.130) (got %s)" % sorted(ips))
FLAGS = {"vpn", "tor", "hosting", "proxy"}
# label: (country, asn, asn_org, anonymity flags)
want = {
    "192.0.2.1":     ("JP", 64500, "Example Transit & Co <AS64500>", set()),
    "192.0.2.200":   ("DE", 64500, "Example Transit & Co <AS64500>", {"vpn"}),
    "198.51.100.7":  ("BR", 64501, "Exemplo Telecomunicações", {"tor"}),
    "198.51.100.9":  ("US", 65000, "Platform Says", set()),   # input columns win over the DBs
    "2001:db8::7":   ("FR", 64502, "Doc6 Networks", set()),
    "2001:db8:1::5": (None, 64502, "Doc6 Networks", {"hosting", "proxy"}),
    "203.0.113.5":   (None, None, None, set()),
    "192.0.2.130":   ("DE", 64500, "Example Transit & Co <AS64500>", set()),
}
for ip, (cc, asn, org, flags) in want.items():
    d = ips.get(ip)
    if d is None:
        if ip != "192.0.2.130":
            res(False, "ip node %s exists" % ip)
        else:
            res(False, "::ffff:192.0.2.130 is labelled 192.0.2.130")
        continue
    res(d.get("country") == cc, "%s country == %r (got %r)" % (ip, cc, d.get("country")))
    got_asn = d.get("asn")
    res((got_asn is None and asn is None) or (got_asn is not None and asn is not None and int(got_asn) == asn),
        "%s asn == %r (got %r)" % (ip, asn, got_asn))
    res(d.get("asn_org") == org, "%s asn_org == %r (got %r)" % (ip, org, d.get("asn_org")))
    toks = set(t for t in re.split(r"[^a-z_]+", str(d.get("anon", "")).lower()) if t)
    res(toks & FLAGS == flags, "%s anon flags == %s (got %r)" % (ip, sorted(flags) or "none", d.get("anon")))

r = json.load(open(runjson, encoding="utf-8"))
geo = r.get("geoip")
res(isinstance(geo, dict), "run.json has a geoip object")
geo = geo if isinstance(geo, dict) else {}
dbs = {}
for k, v in geo.items():
    if isinstance(v, dict) and "sha256" in v:
        dbs[v.get("type")] = (k, v)
sha = {}
for line in open(sums):
    h, name = line.split()
    sha[name.lstrip("*")] = h
epochs = {}
for line in open(verbose):
    k, e = line.split()
    epochs[k] = int(e)
for kind, t in [("city", "GeoIP2-City"), ("asn", "GeoLite2-ASN"), ("anon", "GeoIP2-Anonymous-IP")]:
    k, v = dbs.get(t, (None, {}))
    res(bool(v), "run.json geoip lists the %s database with type %s" % (kind, t))
    res(v.get("sha256") == sha[kind + ".mmdb"],
        "%s database sha256 equals sha256sum (%r)" % (kind, v.get("sha256")))
    want_date = datetime.datetime.fromtimestamp(epochs[kind], datetime.timezone.utc)
    bd = str(v.get("build_date", ""))
    try:
        got = datetime.datetime.fromisoformat(bd.replace("Z", "+00:00"))
        good = got == want_date
    except ValueError:
        good = False
    res(good, "%s database build_date %r is the metadata build epoch (%s)"
        % (kind, bd, want_date.strftime("%Y-%m-%dT%H:%M:%SZ")))
sk = geo.get("skipped_analyses")
res(sk == [] or sk is None, "nothing skipped with all three databases (got %r)" % sk)
sys.exit(1 if fails else 0)
EOF
: >"$tmp/epochs"
for k in city asn anon; do
    e=$(mmdblookup --file "$tmp/$k.mmdb" --ip 192.0.2.1 --verbose 2>/dev/null | sed -n 's/^ *Build epoch: *\([0-9][0-9]*\).*/\1/p')
    echo "$k ${e:-0}" >>"$tmp/epochs"
done
"$PY" "$tmp/check.py" "$tmp/out/graph.graphml" "$tmp/out/run.json" "$tmp/sums" "$tmp/epochs" >"$tmp/check.out" 2>&1
cat "$tmp/check.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/check.out")))

# --- the same databases from the config file -------------------------------------------
printf '{"geoip": {"city": "%s", "asn": "%s", "search": false}}\n' "$tmp/city.mmdb" "$tmp/asn.mmdb" >"$tmp/cfg.json"
rs run "$tmp/in-plain" -o "$tmp/out-cfg" --config "$tmp/cfg.json" --full-graph --quiet >/dev/null 2>"$tmp/cfg.err"
rc=$?
check "databases named in the config file: exit 0 ($(err "$tmp/cfg.err"))" [ $rc -eq 0 ]
"$PY" - "$tmp/out-cfg/graph.graphml" >"$tmp/cfg.out" 2>&1 <<'EOF'
import sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
ips = {d.get("label"): d for _, d in g.nodes(data=True) if d.get("type") == "ip"}
good = ips.get("192.0.2.1", {}).get("country") == "JP" and ips.get("2001:db8::7", {}).get("country") == "FR" \
    and int(ips.get("2001:db8::7", {}).get("asn", 0)) == 64502
print("%s - config geoip.city/asn paths are used (%r)" % ("ok" if good else "not ok", ips))
EOF
cat "$tmp/cfg.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/cfg.out")))

# --- no database ----------------------------------------------------------------------
rs run "$tmp/in-plain" -o "$tmp/out-none" --no-geoip >/dev/null 2>"$tmp/none.err"
rc=$?
check "--no-geoip and no database flags: exit 0 ($(err "$tmp/none.err"))" [ $rc -eq 0 ]
"$PY" - "$tmp/out-none/run.json" >"$tmp/none.out" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
sk = r.get("geoip", {}).get("skipped_analyses")
print("%s - run.json geoip.skipped_analyses is non-empty without databases (%r)"
      % ("ok" if isinstance(sk, list) and len(sk) > 0 else "not ok", sk))
EOF
cat "$tmp/none.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/none.out")))
check "without databases the skipped analysis is reported on stderr" grep -qi "skipped" "$tmp/none.err"
check "without databases no ip node gets a country" sh -c '! grep -q "key=\"country\"" "$1/graph.graphml" || \
    "$2" -c "import sys,networkx as nx; g=nx.read_graphml(sys.argv[1]); sys.exit(any(\"country\" in d for _,d in g.nodes(data=True) if d.get(\"type\")==\"ip\"))" "$1/graph.graphml"' \
    sh "$tmp/out-none" "$PY"

# --- bad database paths -----------------------------------------------------------------
missing=$tmp/no-such-dir/GeoIP2-City.mmdb
rs run "$tmp/in-plain" -o "$tmp/out-missing" --no-geoip --geoip-city "$missing" >/dev/null 2>"$tmp/missing.err"
rc=$?
check "nonexistent --geoip-city: exit 1 (got $rc)" [ $rc -eq 1 ]
check "nonexistent --geoip-city: message names the path ($(err "$tmp/missing.err"))" grep -qF "$missing" "$tmp/missing.err"
check "nonexistent --geoip-city: no outputs written" sh -c '[ ! -e "$1/graph.graphml" ] && [ ! -e "$1/run.json" ]' sh "$tmp/out-missing"

printf 'this is not a MaxMind DB\n' >"$tmp/junk.mmdb"
rs run "$tmp/in-plain" -o "$tmp/out-junk" --no-geoip --geoip-asn "$tmp/junk.mmdb" >/dev/null 2>"$tmp/junk.err"
rc=$?
check "corrupt --geoip-asn file: exit 1 (got $rc)" [ $rc -eq 1 ]
check "corrupt --geoip-asn file: message names the path ($(err "$tmp/junk.err"))" grep -qF "$tmp/junk.mmdb" "$tmp/junk.err"
check "corrupt --geoip-asn file: no outputs written" sh -c '[ ! -e "$1/graph.graphml" ] && [ ! -e "$1/run.json" ]' sh "$tmp/out-junk"

e2e_done
