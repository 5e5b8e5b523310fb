#!/bin/sh
# e2e_hosting_asns.sh BUILD_DIR - the hosting/VPN ASN list and its tools:
# datasets/hosting-asns.awk (the build's generator) refuses malformed rows
# naming file and line, and the generated table holds every row of the CSV;
# datasets/hosting-asns.sh (the update helper) passes ASN data that has every
# listed ASN under its recorded name, reports a missing and a renamed ASN
# (exit 1), ranks unlisted hosting-named ASNs as candidates, and exits 2 on
# misuse.
set -u
. tests/lib.sh
e2e_init "${1:-}"

csv=datasets/hosting-asns.csv
gen=datasets/hosting-asns.awk
upd=datasets/hosting-asns.sh

# --- the generator ---------------------------------------------------------
if awk -v out=tsv -f "$gen" "$csv" >"$tmp/list.tsv" 2>"$tmp/gen.err"; then
    ok "$csv is well-formed ($(wc -l <"$tmp/list.tsv") ASNs)"
else
    nok "$csv is well-formed: $(err "$tmp/gen.err")"
fi
rows=$(($(wc -l <"$csv") - 1))
entries=$(grep -c '^    [0-9]*u, /\*' "$BUILD/gen/hosting_asns.c" 2>/dev/null || echo 0)
check "the generated table has the CSV's $rows rows" [ "$entries" -eq "$rows" ]

# bad_row NAME LINE2 LINE3 WANT - a list with these rows is refused with "FILE:3: WANT".
bad_row() {
    f=$tmp/$1.csv
    printf 'asn,kind,name,source\n%s\n%s\n' "$2" "$3" >"$f"
    if awk -f "$gen" "$f" >"$tmp/$1.out" 2>"$tmp/$1.err"; then
        nok "$1: accepted"
    elif [ -s "$tmp/$1.out" ]; then
        nok "$1: refused but wrote C anyway"
    elif grep -q "^$f:3: .*$4" "$tmp/$1.err"; then
        ok "$1: $(cat "$tmp/$1.err")"
    else
        nok "$1: message names $f:3 and '$4': $(err "$tmp/$1.err")"
    fi
}
bad_row non_numeric "14061,hosting,A,s" "AS16276,hosting,B,s" "not a number"
bad_row unsorted "16276,hosting,A,s" "14061,hosting,B,s" "not sorted"
bad_row duplicate "14061,hosting,A,s" "14061,vpn,B,s" "duplicate asn 14061"
bad_row unquoted_comma "14061,hosting,A,s" "16276,hosting,B, Inc.,s" "5 fields"
bad_row bad_quote "14061,hosting,A,s" "16276,hosting,\"B\" Inc.,s" "quote"
bad_row bad_kind "14061,hosting,A,s" "16276,isp,B,s" "kind"
bad_row private "14061,hosting,A,s" "64512,hosting,B,s" "private"
printf 'asn,name\n' >"$tmp/header.csv"
if awk -f "$gen" "$tmp/header.csv" >/dev/null 2>"$tmp/header.err" ||
    ! grep -q "header.csv:1: header" "$tmp/header.err"; then
    nok "a wrong header is refused: $(err "$tmp/header.err")"
else
    ok "a wrong header is refused"
fi

# --- the update helper -----------------------------------------------------
# ASN data holding every listed ASN (a /24 each, names quoted as needed), a
# hosting-named ASN with two /24s and an IPv6 /48, a cloud-named one with one
# /24, a telecom that is no candidate.
awk -F'\t' '{
    o = $3
    if (o ~ /[",]/) { gsub(/"/, "\"\"", o); o = "\"" o "\"" }
    printf "10.%d.%d.0,10.%d.%d.255,%s,%s\n", int(NR / 256), NR % 256, int(NR / 256), NR % 256, $1, o
}' "$tmp/list.tsv" >"$tmp/v4.csv"
cat >>"$tmp/v4.csv" <<'X'
192.0.2.0,192.0.3.255,399999,"Example VPS Hosting, LLC"
198.51.100.0,198.51.100.255,399998,Example Cloud Ltd
203.0.113.0,203.0.113.255,399997,Example Telecom
X
printf '2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,399998,Example Cloud Ltd\n' >"$tmp/v6.csv"

sh "$upd" "$tmp/v4.csv" "$tmp/v6.csv" >"$tmp/full.out" 2>"$tmp/full.err"
rc=$?
check "complete ASN data: exit 0" [ $rc -eq 0 ]
check "complete ASN data: nothing missing or renamed" \
    sh -c "! grep -Eq '^(missing|renamed)' '$tmp/full.out'"
if [ "$(grep '^candidate' "$tmp/full.out" | cut -f2 | tr '\n' ' ')" = "399999 399998 " ]; then
    ok "candidates: the hosting- and cloud-named ASNs, most addresses first"
else
    nok "candidates 399999 399998 only: $(err "$tmp/full.out")"
fi
check "candidates carry IPv4 and IPv6 sizes" \
    grep -q "^candidate	399998	256	1	Example Cloud Ltd$" "$tmp/full.out"

# One ASN gone, one renamed.
grep -v ',14061,' "$tmp/v4.csv" | sed 's/,16276,OVH SAS$/,16276,OVH Groupe SA/' >"$tmp/stale.csv"
sh "$upd" -n 5 "$tmp/stale.csv" >"$tmp/stale.out" 2>"$tmp/stale.err"
rc=$?
check "stale ASN data: exit 1" [ $rc -eq 1 ]
check "stale ASN data: AS14061 reported missing" grep -q "^missing	14061	" "$tmp/stale.out"
check "stale ASN data: AS16276's new name reported" \
    grep -q "^renamed	16276	256	0	OVH Groupe SA	OVH SAS$" "$tmp/stale.out"
check "stale ASN data: summary on stderr" grep -q "2 missing or renamed" "$tmp/stale.err"

# A malformed list (-l) is a problem, not a crash.
printf 'asn,kind,name,source\nx,hosting,A,s\n' >"$tmp/badlist.csv"
sh "$upd" -l "$tmp/badlist.csv" "$tmp/v4.csv" >/dev/null 2>"$tmp/badlist.err"
rc=$?
check "malformed list: exit 1 naming the line" \
    sh -c "[ $rc -eq 1 ] && grep -q 'badlist.csv:2: ' '$tmp/badlist.err'"

# Misuse.
for args in "" "-x $tmp/v4.csv" "-n many $tmp/v4.csv" "$tmp/no-such-file.csv"; do
    # shellcheck disable=SC2086
    sh "$upd" $args >/dev/null 2>"$tmp/usage.err"
    rc=$?
    check "'$upd $args': exit 2 with a message" sh -c "[ $rc -eq 2 ] && [ -s '$tmp/usage.err' ]"
done
sh "$upd" --help >"$tmp/help.out" 2>&1
rc=$?
check "--help: exit 0 and usage on stdout" sh -c "[ $rc -eq 0 ] && grep -q 'ASN_CSV' '$tmp/help.out'"

e2e_done
