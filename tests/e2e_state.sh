#!/bin/sh
# e2e_state.sh BUILD_DIR - nightly runs over sliding windows with --state.
#
# One simulated world of 60 days is edited so that, of its planted rings,
#   A appears mid-way (its accounts act only from day 31),
#   B grows (half its members act only from day 31),
#   C is banned (its accounts stop on day 20),
#   D is cleared as benign by an analyst after run 1, and grows in run 3
#     (half its members act only from day 46),
#   E, a ring reported in run 2, has one member confirmed bad by an
#     analyst after run 2.
# Runs: 1 = days 1-30, 2 = days 16-45, 3 = days 31-60, 4 = run 3's window
# again. Checked: ids stay stable, every status (new, grown, unchanged,
# gone, suppressed, reopened), changes.json, the state's tables, the
# confirmed account's ties rising in risk against the same run without the
# decision, exit codes of --exit-code and --summary-json, the lock, dated
# bags kept per id, and bad decision files.
set -u

. tests/lib.sh
E2E_LIMIT=120
e2e_init "${1:-}"

gen_or_stop "$tmp/world" --seed 8 --accounts 4000 --clients 800 --rings 9 --ring-size 8-20 \
    --days 60

# The rings ringscan finds on the whole world: A..E are picked among them.
rs run "$tmp/world" -o "$tmp/whole" --no-geoip --quiet 2>"$tmp/whole.err" || {
    nok "whole-world run: $(err "$tmp/whole.err")"
    e2e_done
    exit 1
}

# The edited world, and the pick of rings A..E (truth ring ids) in pick.txt.
"$PY" - "$tmp/world" "$tmp/in" "$tmp/whole/current/rings.json" >"$tmp/pick.txt" 2>"$tmp/pick.err" <<'EOF'
import csv, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
rings = {}
for r in csv.DictReader(open(os.path.join(src, "truth.csv"))):
    if r["ring_id"] and r["role"] == "freelancer":
        rings.setdefault(r["ring_id"], []).append(r["account_id"])
found = [{m["account_id"] for m in r["members"]} for r in json.load(open(sys.argv[3]))["rings"]]
# a ring counts as found when one reported ring holds 80 % of its freelancers
ids = [i for i in sorted(rings)
       if any(len(f & set(rings[i])) >= 0.8 * len(rings[i]) for f in found)][:5]
assert len(ids) == 5, ids
A, B, C, D, E = (sorted(rings[i]) for i in ids)
late = {}  # account -> first day (ISO date) it may act; or stop date
for a in A:
    late[a] = ("from", "2026-03-03")
for a in B[: len(B) // 2]:
    late[a] = ("from", "2026-03-03")
for a in C:
    late[a] = ("until", "2026-02-20")
for a in D[: len(D) // 2]:
    late[a] = ("from", "2026-03-18")
ACCT_COLS = {"account_id", "freelancer_id", "client_id"}
for name in sorted(os.listdir(src)):
    if not name.endswith(".csv") or name.startswith("truth"):
        continue
    rows = list(csv.reader(open(os.path.join(src, name), newline="")))
    head, body = rows[0], rows[1:]
    cols = [i for i, h in enumerate(head) if h in ACCT_COLS]
    out = [head]
    for row in body:
        keep = True
        if name != "accounts.csv":
            for i in cols:
                rule = late.get(row[i])
                if rule and ((rule[0] == "from" and row[0] < rule[1]) or
                             (rule[0] == "until" and row[0] >= rule[1])):
                    keep = False
        if keep:
            out.append(row)
    with open(os.path.join(dst, name), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)
for tag, members in zip("ABCDE", (A, B, C, D, E)):
    print(tag, " ".join(members))
EOF
[ -s "$tmp/pick.txt" ] || {
    nok "edit the world: $(err "$tmp/pick.err")"
    e2e_done
    exit 1
}

# window N SINCE UNTIL: run N's days, given to ringscan as --since/--until
# over the whole export (as a nightly job over a sliding window does).
window() { eval "win$1='--since $2 --until $3'"; }
window 1 2026-02-01 2026-03-03
window 2 2026-02-16 2026-03-18
window 3 2026-03-03 2026-04-02

S=$tmp/state
nightly() { # nightly N WINDOW DATE [extra args]: run N on a window at DATE; rc in $tmp/rcN
    n=$1
    w=$2
    d=$3
    shift 3
    eval "wargs=\$win$w"
    # Every ring packaged: the dated bags checked below are kept per id
    # whatever the ring's severity (B is low in run 1).
    # shellcheck disable=SC2086
    SOURCE_DATE_EPOCH=$(date -u -d "$d" +%s) rs run "$tmp/in" $wargs -o "$tmp/out" --no-geoip --quiet \
        --state "$S" --exit-code --summary-json --evidence-min-severity low "$@" \
        >"$tmp/sum$n.json" 2>"$tmp/err$n"
    echo $? >"$tmp/rc$n"
    cp "$tmp/out/current/rings.json" "$tmp/rings$n.json" 2>/dev/null
    cp "$tmp/out/current/changes.json" "$tmp/changes$n.json" 2>/dev/null
    cp "$tmp/out/current/accounts.csv" "$tmp/accounts$n.csv" 2>/dev/null
}

# pid TAG RUN: the persistent id of the reported ring holding most of TAG's
# accounts in run RUN ("-" when none holds any).
pid() {
    "$PY" - "$tmp/pick.txt" "$tmp/rings$2.json" "$1" <<'EOF'
import json, sys
pick = dict(l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines())
want = set(pick[sys.argv[3]].split())
best, n = "-", 0
for r in json.load(open(sys.argv[2]))["rings"]:
    k = len(want & {m["account_id"] for m in r["members"]})
    if k > n:
        best, n = r["persistent_id"], k
print(best)
EOF
}
field() { # field RUN PID KEY: a key of the ring with that id in run RUN's rings.json
    "$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["rings"]:
    if r["persistent_id"] == sys.argv[2]: print(r.get(sys.argv[3], "")); break
else: print("absent")' "$tmp/rings$1.json" "$2" "$3"
}
db() { "$PY" -c 'import sqlite3,sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str,row)))' \
    "$S/ringscan.sqlite" "$1"; }

# --- run 1 -----------------------------------------------------------------
nightly 1 1 2026-03-03
check "run 1 exits 3: new rings (--exit-code)" [ "$(cat "$tmp/rc1")" = 3 ]
A1=$(pid A 1)
B1=$(pid B 1)
C1=$(pid C 1)
D1=$(pid D 1)
check "run 1: A not yet seen" [ "$A1" = - ]
for t in B C D; do
    eval "v=\$${t}1"
    check "run 1: ring $t found ($v), status new" [ "$v" != - ] && [ "$(field 1 "$v" status)" = new ]
done
check "run 1: ids are RS-000001.. in rank order" \
    [ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rings"][0]["persistent_id"])' "$tmp/rings1.json")" = RS-000001 ]
"$PY" -c 'import json,sys; o=json.loads(open(sys.argv[1]).read()); assert o["status"]=="ok" and o["exit_code"]==3 and o["changes"]["new"]==o["rings"]>0, o' \
    "$tmp/sum1.json" 2>"$tmp/py.err" && ok "run 1: --summary-json is one line with the counts" ||
    nok "run 1 summary: $(err "$tmp/sum1.json") $(err "$tmp/py.err")"
check "run 1: --quiet prints nothing on success" [ ! -s "$tmp/err1" ]
check "run 1: accounts.csv has persistent_ring_id and first_flagged" \
    grep -q '^account_id,role,flagged,risk_score,ring_id,flags,ring_kind,persistent_ring_id,first_flagged,disposition$' "$tmp/accounts1.csv"
check "run 1: dated bag kept for $B1" [ -f "$S/evidence/$B1/2026-03-03/bag-info.txt" ]
check "run 1: the bag names its persistent id" grep -q "^Ringscan-Ring-Persistent-Id: $B1\$" "$S/evidence/$B1/2026-03-03/bag-info.txt"

# The analyst clears D as benign.
printf 'subject_type,subject_id,decision,analyst,decided_at,note\nring,%s,benign,ana,2026-03-03T09:00:00Z,"agency, verified"\n' \
    "$D1" >"$tmp/dec.csv"

# --- run 2 -----------------------------------------------------------------
nightly 2 2 2026-03-18 --dispositions "$tmp/dec.csv"
check "run 2 exits 3 (A new, B grown)" [ "$(cat "$tmp/rc2")" = 3 ]
A2=$(pid A 2)
check "run 2: A appears as a new ring ($A2)" [ "$A2" != - ] && [ "$(field 2 "$A2" status)" = new ]
if grep -q "\"$A2\"" "$tmp/rings1.json"; then nok "run 2: A's id was used in run 1"; else ok "run 2: A's id was never used in run 1"; fi
check "run 2: B keeps its id $B1" [ "$(pid B 2)" = "$B1" ]
check "run 2: B grew" [ "$(field 2 "$B1" status)" = grown ]
check "run 2: B lists the accounts added" [ "$(field 2 "$B1" accounts_added)" -gt 0 ]
check "run 2: D (benign) is not reported" [ "$(field 2 "$D1" status)" = absent ]
"$PY" - "$tmp/changes2.json" "$D1" "$B1" "$A2" 2>"$tmp/py.err" <<'EOF' && ok "run 2: changes.json lists A new, B grown, D suppressed, the decision" || nok "run 2 changes.json: $(err "$tmp/py.err")"
import json, sys
c = json.load(open(sys.argv[1]))
d, b, a = sys.argv[2:5]
st = {r["persistent_id"]: r["status"] for r in c["rings"]}
assert st.get(b) == "grown" and st.get(a) == "new", st
assert any(s["persistent_id"] == d for s in c["suppressed"]), c["suppressed"]
assert c["counts"]["suppressed"] == 1
dec = [x for x in c["decisions_applied"] if x["subject_id"] == d]
assert dec and dec[0]["decision"] == "benign" and "not reported" in dec[0]["effect"], dec
assert c["previous_run_time"] == "2026-03-03T00:00:00Z"
EOF
check "run 2: D's accounts are not flagged" [ "$("$PY" -c 'import csv,sys
pick = dict(l.split(" ", 1) for l in open(sys.argv[2]).read().splitlines())
d = set(pick["D"].split())
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["account_id"] in d and r["flagged"] == "1"))' "$tmp/accounts2.csv" "$tmp/pick.txt")" = 0 ]
check "run 2: run.json lists the decision that changed an outcome" \
    grep -q '"decisions_applied"' "$tmp/out/current/run.json"

# The analyst confirms the first member of E, the first other ring of run 2.
set -- $("$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["rings"]:
    if r["persistent_id"] not in sys.argv[2:]:
        print(r["persistent_id"], r["members"][0]["account_id"]); break' "$tmp/rings2.json" "$A2" "$B1" "$D1")
E1=${1:-none}
Eacct=${2:-none}
printf 'account,%s,confirmed,bo,2026-03-18T10:00:00Z,caught\n' "$Eacct" >>"$tmp/dec.csv"

# --- run 3, and the same run without the confirmation ----------------------
cp -r "$S" "$tmp/state-copy"
head -2 "$tmp/dec.csv" >"$tmp/dec-noconf.csv"
nightly 3 3 2026-04-02 --dispositions "$tmp/dec.csv"
check "run 3 exits 3 (D reopened)" [ "$(cat "$tmp/rc3")" = 3 ]
check "run 3: C gone" [ "$(db "SELECT status FROM rings WHERE ring_id = '$C1'")" = gone ]
check "run 3: D reported again as it grew" [ "$(field 3 "$D1" reopened)" = True ]
check "run 3: D's reopening says why" grep -q "reported again although marked benign: .* new account" "$tmp/rings3.json"
check "run 3: D's explanation gives the decision" grep -q '"explanation": ".*Decision: ring .* reported again' "$tmp/rings3.json"
check "run 3: index.html names rings by persistent id, with rank and status" \
    grep -q "evidence/$D1/data/report.html\">$D1</a>.*rank <span class=\"id\">R[0-9]*</span> grown" "$tmp/out/current/index.html"
check "run 3: E ($E1) counts the confirmed account" [ "$(field 3 "$E1" confirmed_accounts)" -ge 1 ]
mv "$S" "$tmp/state-with"
mv "$tmp/state-copy" "$S"
cp "$tmp/rings3.json" "$tmp/rings3-with.json"
cp "$tmp/accounts3.csv" "$tmp/accounts3-with.csv"
nightly 3 3 2026-04-02 --dispositions "$tmp/dec-noconf.csv"
"$PY" - "$tmp/accounts3-with.csv" "$tmp/accounts3.csv" "$Eacct" "$tmp/in" 2>"$tmp/py.err" >"$tmp/rise.txt" <<'EOF' &&
import csv, os, sys
w = {r["account_id"]: r for r in csv.DictReader(open(sys.argv[1]))}
o = {r["account_id"]: r for r in csv.DictReader(open(sys.argv[2]))}
conf = sys.argv[3]
assert w[conf]["flagged"] == "1" and float(w[conf]["risk_score"]) == 1.0 and w[conf]["disposition"] == "confirmed"
# accounts sharing a device or payout destination with the confirmed one
tied = set()
for name, col in (("logins.csv", "device_id"), ("payouts.csv", "destination_id")):
    rows = list(csv.DictReader(open(os.path.join(sys.argv[4], name))))
    rows = [r for r in rows if "2026-03-03" <= r["ts"] < "2026-04-02"]  # run 3's window
    res = {r[col] for r in rows if r["account_id"] == conf and r[col]}
    tied |= {r["account_id"] for r in rows if r[col] in res and r["account_id"] != conf}
# risk is printed to 6 decimals: one already at 0.99999x cannot show a rise
rose = [a for a in tied if float(w[a]["risk_score"]) > float(o[a]["risk_score"])
        or float(o[a]["risk_score"]) >= 0.99999]
fell = [a for a in w if float(w[a]["risk_score"]) < float(o[a]["risk_score"]) - 1e-9]
assert tied and len(rose) == len(tied), (len(tied), len(rose))
assert not fell, fell[:5]
print(len(rose))
EOF
    ok "run 3: every account tied to the confirmed one rose in risk ($(cat "$tmp/rise.txt") accounts), none fell" ||
    nok "confirmed ties: $(err "$tmp/py.err")"
rm -rf "$S"
mv "$tmp/state-with" "$S"

# --- run 4: run 3's window again -------------------------------------------
nightly 4 3 2026-04-03 --dispositions "$tmp/dec.csv"
check "run 4 exits 0: nothing new or grown" [ "$(cat "$tmp/rc4")" = 0 ]
"$PY" - "$tmp/rings3-with.json" "$tmp/rings4.json" "$tmp/changes4.json" 2>"$tmp/py.err" <<'EOF' && ok "run 4: same ids, all unchanged, changes.json empty" || nok "run 4: $(err "$tmp/py.err")"
import json, sys
a = [r["persistent_id"] for r in json.load(open(sys.argv[1]))["rings"]]
b = json.load(open(sys.argv[2]))["rings"]
assert a == [r["persistent_id"] for r in b], (a, b)
assert all(r["status"] == "unchanged" for r in b)
c = json.load(open(sys.argv[3]))
assert c["counts"]["unchanged"] == len(b) and not c["closed"], c["counts"]
assert all(r.get("reopened") for r in c["rings"]), c["rings"]
EOF
check "state: four runs recorded" [ "$(db 'SELECT count(*) FROM runs')" = 4 ]
check "state: schema version 1" [ "$(db 'PRAGMA user_version')" = 1 ]
check "state: ids never reused (ring ids unique, counter beyond all)" \
    [ "$(db 'SELECT count(*) = count(DISTINCT ring_id) FROM rings')" = 1 ]
Bacct=$(awk -F, '$3 == 1 {print $1; exit}' "$tmp/accounts1.csv")
check "state: an account keeps the date it was first flagged" \
    [ "$(db "SELECT first_flagged FROM accounts WHERE account_id = '$Bacct'")" = 2026-03-03T00:00:00Z ]
check "state: B's dated bags of runs 1 and 2 both kept" [ -d "$S/evidence/$B1/2026-03-03" ] && [ -d "$S/evidence/$B1/2026-03-18" ]

# --- retention, the lock, bad decision files ----------------------------------
SOURCE_DATE_EPOCH=$(date -u -d 2026-04-20 +%s) rs run "$tmp/in" $win3 -o "$tmp/out" --no-geoip --quiet \
    --state "$S" --keep-bags-days 10 --evidence-min-severity low >/dev/null 2>"$tmp/err5"
check "--keep-bags-days 10 removes bags older than 10 days but keeps each ring's newest" \
    [ ! -d "$S/evidence/$B1/2026-03-03" ] && [ -d "$S/evidence/$E1/2026-04-20" ]
(flock "$S/lock" sleep 3) &
sleep 1
rs run "$tmp/in" $win3 -o "$tmp/out-b" --no-geoip --quiet --state "$S" >/dev/null 2>"$tmp/err6"
rc=$?
wait
check "a second run on a locked state exits 4 with one line" [ $rc = 4 ] && [ "$(wc -l <"$tmp/err6")" = 1 ] &&
    grep -q "state is in use" "$tmp/err6"
printf 'subject_type,subject_id,decision\nring,RS-000001,forgotten\n' >"$tmp/bad.csv"
rs run "$tmp/in" $win3 -o "$tmp/out-b" --no-geoip --quiet --state "$S" --dispositions "$tmp/bad.csv" 2>"$tmp/err7"
rc=$?
check "a bad decision exits 1 naming file, line and column" [ $rc = 1 ] &&
    grep -q "bad.csv:2:3: decision 'forgotten' is not" "$tmp/err7"
rs run "$tmp/in" $win3 -o "$tmp/out-b" --no-geoip --quiet --dispositions "$tmp/dec.csv" 2>"$tmp/err8"
check "--dispositions without --state is a usage error" [ $? = 2 ]
rs run "$tmp/in" $win3 -o "$tmp/out-b" --no-geoip --quiet --state "$S" --exit-on severe 2>"$tmp/err9"
check "--exit-on with a bad severity is a usage error" [ $? = 2 ]

e2e_done
