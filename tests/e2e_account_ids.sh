#!/bin/sh
# e2e_account_ids.sh BUILD_DIR - one account, one id (docs/loading.md, "One
# account, one id"). A simulator world of 750 accounts whose logins come from
# an identity provider: every login names the account by an Okta-style user
# id (`00u...`) instead of the database's id. Loaded as it is, each person is
# two accounts (1 500 instead of 750) and a ring is reported under ids the
# platform does not know, with no word said. Here, without account_ids.csv
# the run says so (the per-file count and examples, the second id space, also
# under --quiet; run.json records both) and --strict makes it fatal (exit 1,
# in run and in validate);
# with account_ids.csv the run flags the same accounts and reports the same
# rings as the contract-format world, its evidence shows only platform ids,
# and an external id mapped to two accounts is refused naming both lines.
set -u

. tests/lib.sh
e2e_init "${1:-}"

w=$tmp/w
gen_or_stop "$w/contract" --seed 5 --accounts 600 --clients 150 --days 30 --rings 4
rm -f "$w/contract/truth.csv" "$w/contract/truth.json"

# The Okta copy: logins rewritten into a second id space, and the table that
# maps them back.
mkdir -p "$w/okta"
cp "$w/contract"/*.csv "$w/okta/"
"$PY" - "$w/okta" "$w/account_ids.csv" >"$tmp/prep.out" 2>&1 <<'EOF' || nok "prepare the world: $(err "$tmp/prep.out")"
import csv, hashlib, os, sys
d, ids_out = sys.argv[1], sys.argv[2]
def okta(a):
    return "00u" + hashlib.sha256(a.encode()).hexdigest()[:17]
p = os.path.join(d, "logins.csv")
rows = list(csv.reader(open(p, encoding="utf-8", newline="")))
col = rows[0].index("account_id")
for r in rows[1:]:
    r[col] = okta(r[col])
with open(p, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
accts = [r["account_id"] for r in csv.DictReader(open(os.path.join(d, "accounts.csv"), encoding="utf-8"))]
with open(ids_out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["account_id", "external_id", "source"])
    for a in accts:
        w.writerow([a, okta(a), "okta"])
EOF

rs run "$w/contract" -o "$w/out-contract" --seed 42 --no-geoip --quiet 2>"$tmp/contract.err" ||
    nok "contract run: $(err "$tmp/contract.err")"
n=$(($(wc -l <"$w/out-contract/current/accounts.csv") - 1))
[ "$n" -eq 750 ] && ok "the contract world has 750 accounts" ||
    nok "the contract world has $n accounts, want 750"

# Without account_ids.csv: a warning per file and for the run, not silence.
rs run "$w/okta" -o "$w/out-warn" --seed 42 --no-geoip 2>"$tmp/warn.err" ||
    nok "run without account_ids.csv: $(err "$tmp/warn.err")"
grep -q "warning: logins.csv: 750 account ids in neither accounts nor account_ids" "$tmp/warn.err" &&
    ok "logins.csv's 750 unknown account ids are counted and named" ||
    nok "no per-file warning about logins.csv: $(err "$tmp/warn.err")"
grep -q "warning: the events name 750 account ids that accounts (750 ids) does not list, e.g. '00u" \
    "$tmp/warn.err" && grep -q "second id space" "$tmp/warn.err" &&
    ok "the run warns of a second id space, with counts and examples" ||
    nok "no second-id-space warning: $(err "$tmp/warn.err")"
"$PY" - "$w/out-warn/current/run.json" >"$tmp/rj.out" 2>&1 <<'EOF' || nok "run.json: $(err "$tmp/rj.out")"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
a = r["account_ids"]
li = [i for i in r["inputs"] if i["file"] == "logins.csv"][0]["account_ids"]
good = (a["second_id_space"] is True and a["unknown_ids"] == 750 and a["accounts_listed"] == 750
        and len(a["unknown_examples"]) == 3 and li["unknown_ids"] == 750 and li["mapped"] == 0
        and li["unknown_values"] > 750 and all(x.startswith("00u") for x in li["unknown_examples"]))
print(("ok - " if good else "not ok - ") + "run.json records the unknown ids per file and the "
      "second id space: %s / %s" % (a, li))
EOF
cat "$tmp/rj.out"
grep -q "^not ok" "$tmp/rj.out" && nok "run.json account_ids"

rs run "$w/okta" -o "$w/out-quiet" --seed 42 --no-geoip --quiet 2>"$tmp/quiet.err" ||
    nok "--quiet run: $(err "$tmp/quiet.err")"
grep -q "second id space" "$tmp/quiet.err" &&
    ok "--quiet does not hide the second id space" ||
    nok "--quiet hid the second-id-space warning: $(err "$tmp/quiet.err")"

rc=0
rs run "$w/okta" -o "$w/out-strict" --seed 42 --no-geoip --quiet --strict 2>"$tmp/strict.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "error: the events name 750 account ids .*second id space" "$tmp/strict.err" &&
    ok "--strict makes a second id space fatal (exit 1)" ||
    nok "--strict exit $rc: $(err "$tmp/strict.err")"

rc=0
rs validate "$w/okta" --strict --quiet 2>"$tmp/validate.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "second id space" "$tmp/validate.err" &&
    ok "validate --strict refuses the second id space too" ||
    nok "validate --strict exit $rc: $(err "$tmp/validate.err")"

# With account_ids.csv: the contract world's findings, in platform ids.
cp "$w/account_ids.csv" "$w/okta/"
rs run "$w/okta" -o "$w/out-ids" --seed 42 --no-geoip --strict 2>"$tmp/ids.err" ||
    nok "run with account_ids.csv: $(err "$tmp/ids.err")"
grep -q "account ids\|second id space" "$tmp/ids.err" &&
    nok "a mapped world still warns: $(err "$tmp/ids.err")" ||
    ok "no account id warning once account_ids.csv maps every id"
for f in accounts.csv rings.json; do
    cmp -s "$w/out-contract/current/$f" "$w/out-ids/current/$f" &&
        ok "$f is the contract world's" ||
        nok "$f differs from the contract world's: $(diff "$w/out-contract/current/$f" "$w/out-ids/current/$f" | head -c 300 | tr '\n' '|')"
done
ev=$(cat "$w/out-ids/current"/evidence/*/data/events.csv 2>/dev/null | grep -c "00u")
nev=$(cat "$w/out-ids/current"/evidence/*/data/events.csv 2>/dev/null | grep -c "^logins.csv,")
[ "$ev" -eq 0 ] && [ "$nev" -gt 0 ] &&
    ok "evidence shows $nev login rows, all under platform ids" ||
    nok "evidence: $ev rows with an Okta id, $nev login rows"

# One external id for two accounts: refused, naming both lines.
{
    cat "$w/account_ids.csv"
    sed -n 2p "$w/account_ids.csv" | awk -F, -v OFS=, '{ $1 = $1 "x"; print }'
} >"$w/okta/account_ids.csv"
last=$(wc -l <"$w/okta/account_ids.csv")
rc=0
rs run "$w/okta" -o "$w/out-conflict" --seed 42 --no-geoip --quiet 2>"$tmp/conflict.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "account_ids.csv:$last: external id '00u[0-9a-f]*' maps to two accounts: '[^']*' (account_ids.csv:2) and '[^']*x' (line $last)" "$tmp/conflict.err" &&
    ok "an external id mapped to two accounts fails naming both lines" ||
    nok "conflict exit $rc: $(err "$tmp/conflict.err")"

e2e_done
