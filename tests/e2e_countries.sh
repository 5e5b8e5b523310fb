#!/bin/sh
# e2e_countries.sh BUILD_DIR - country names as exports write them load as
# their codes: a simulator world whose payout destinations are written as
# names ("Russia", "russia", "USA", "United States"; "Turkey", "Türkiye",
# "UAE", "Ivory Coast" where the world has them) instead of codes flags the
# same accounts as the world with codes, with no bad rows or blanked values
# (RU is on the default high-risk list); "Congo" is refused as ambiguous,
# not guessed. The unit cases are in tests/test_country.c.
set -u

. tests/lib.sh
e2e_init "${1:-}"

[ -r /usr/share/iso-codes/json/iso_3166-1.json ] || {
    echo "ok - SKIP: iso-codes absent"
    e2e_done
    exit 0
}

gen_or_stop "$tmp/codes" --seed 1 --accounts 600 --clients 150 --days 20
cp -r "$tmp/codes" "$tmp/names"
"$PY" - "$tmp/names/payouts.csv" <<'PYEOF'
import csv, sys
path = sys.argv[1]
rows = list(csv.reader(open(path, encoding="utf-8")))
col = rows[0].index("destination_country")
names = {"RU": ["Russia", "russia"], "TR": ["Turkey", "Türkiye"], "AE": ["UAE"],
         "CI": ["Ivory Coast"], "US": ["USA", "United States"]}
seen = {}
for r in rows[1:]:
    alts = names.get(r[col])
    if alts:
        k = seen.get(r[col], 0)
        seen[r[col]] = k + 1
        r[col] = alts[k % len(alts)]
w = csv.writer(open(path, "w", encoding="utf-8", newline=""), lineterminator="\n")
w.writerows(rows)
PYEOF
grep -q ',Russia$' "$tmp/names/payouts.csv" || nok "the world has payouts to RU"

for form in codes names; do
    rs run "$tmp/$form" -o "$tmp/out-$form" --no-geoip --quiet 2>"$tmp/run-$form.err" ||
        nok "run with country $form: $(err "$tmp/run-$form.err")"
done
check "no bad rows or blanked values with country names" \
    "$PY" -c 'import json,sys; r = json.load(open(sys.argv[1]))
sys.exit(r["rows_skipped_total"] != 0 or sum(i.get("values_blanked", 0) for i in r["inputs"]) != 0)' \
    "$tmp/out-names/current/run.json"
check "country names flag the same accounts as codes" \
    cmp -s "$tmp/out-codes/current/accounts.csv" "$tmp/out-names/current/accounts.csv"
check "HIGH_RISK_PAYOUT found with Russia written out" \
    grep -q HIGH_RISK_PAYOUT "$tmp/out-names/current/accounts.csv"

# An ambiguous name is a bad row with its reason.
sed '2s/,[A-Za-z ]*$/,Congo/' "$tmp/codes/payouts.csv" >"$tmp/p.csv" && mv "$tmp/p.csv" "$tmp/codes/payouts.csv"
rs validate "$tmp/codes" >"$tmp/val.out" 2>&1
check "Congo refused as ambiguous" grep -q "ambiguous country name" "$tmp/val.out"

e2e_done
