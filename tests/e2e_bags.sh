#!/bin/sh
# e2e_bags.sh BUILD_DIR - evidence packages only where they are needed.
#  A simulated world with high, medium and low (shared-control) rings.
#  Checks: by default every ring at or above medium has its bag and no low
#  ring has one; low rings are still in rings.json ("evidence_package":
#  false), accounts.csv and index.html, which links only bags that exist and
#  says why the others have none; the bags written are byte for byte those of
#  --evidence-min-severity low; low packages every ring and writes no
#  evidence_package key; the config key and bad values; with --state, only
#  packaged rings get dated bags, and a ring packaged on a later night (the
#  threshold lowered) gets its bag then. When RINGSCAN_BASE_BUILD names the
#  build of an earlier ringscan, --evidence-min-severity low must give its
#  outputs byte for byte (all but run.json).
set -u
E2E_LIMIT=120
. tests/lib.sh
e2e_init "${1:-}"
SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH

gen_or_stop "$tmp/in" --seed 5 --accounts 2000 --clients 400 --days 30 --rings 4 \
    --p-shared-control 0.03
run() { # run OUT ARGS... - a run on the world; its published directory in $cur
    _o=$1
    shift
    rs run "$tmp/in" -o "$tmp/$_o" --seed 3 --no-geoip --quiet "$@" 2>"$tmp/$_o.err"
}

run def
check "default run exits 0" test $? -eq 0
dd=$tmp/def/current
"$PY" - "$dd" >"$tmp/def.check" <<'PYEOF'
import csv, json, os, re, sys
d = sys.argv[1]
rings = json.load(open(d + "/rings.json"))["rings"]
sev = {r["id"]: r["severity"] for r in rings}
bags = set(os.listdir(d + "/evidence"))
def say(ok, what):
    print(("ok" if ok else "FAIL") + " " + what)
say({"high", "medium", "low"} <= set(sev.values()), "the world has high, medium and low rings")
say(bags == {i for i, s in sev.items() if s != "low"}, "bags for exactly the medium+ rings")
say(all(("evidence_package" in r) == (r["severity"] == "low") for r in rings),
    "evidence_package only on low rings")
say(all(r["evidence_package"] is False for r in rings if "evidence_package" in r),
    "evidence_package is false")
acc = {row["ring_id"] for row in csv.DictReader(open(d + "/accounts.csv")) if row["ring_id"]}
say(acc == set(sev), "accounts.csv names every ring, low ones included")
idx = open(d + "/index.html").read()
links = set(re.findall(r'href="evidence/([^/"]+)/data/report\.html"', idx))
say(links == bags, "index.html links every bag and nothing else")
say(all(os.path.isfile(d + "/evidence/%s/data/report.html" % i) for i in links),
    "every linked case page exists")
nlow = sum(s == "low" for s in sev.values())
say(idx.count("No evidence package: low severity is below --evidence-min-severity medium.")
    == nlow, "index.html says why each low ring has no package")
say(("%d rings below medium severity have no evidence package" % nlow) in idx,
    "index.html sums them up under the table")
run = json.load(open(d + "/run.json"))
ep = run["evidence_packages"]
say(ep == {"min_severity": "medium", "rings_packaged": len(bags),
           "rings_without_package": nlow}, "run.json evidence_packages")
PYEOF
if grep -q FAIL "$tmp/def.check"; then nok "default run: $(grep FAIL "$tmp/def.check" | tr '\n' '|')"; else ok "default run: $(wc -l <"$tmp/def.check") checks"; fi

run low --evidence-min-severity low
check "low run exits 0" test $? -eq 0
ll=$tmp/low/current
same=1
for b in $(ls "$dd/evidence"); do
    diff -r -q "$dd/evidence/$b" "$ll/evidence/$b" >/dev/null || same=0
done
check "the default run's bags are the low run's, byte for byte" test "$same" -eq 1
check "accounts.csv does not depend on the threshold" cmp -s "$dd/accounts.csv" "$ll/accounts.csv"
check "graph.graphml does not depend on the threshold" cmp -s "$dd/graph.graphml" "$ll/graph.graphml"
nrings=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rings"]))' "$ll/rings.json")
check "low packages every ring" test "$(ls "$ll/evidence" | wc -l)" -eq "$nrings"
check "low writes no evidence_package key" sh -c "! grep -q evidence_package '$ll/rings.json'"
check "low: no 'No evidence package' line" sh -c "! grep -q 'No evidence package' '$ll/index.html'"

if [ -n "${RINGSCAN_BASE_BUILD:-}" ]; then
    "$RINGSCAN_BASE_BUILD/ringscan" run "$tmp/in" -o "$tmp/base" --seed 3 --no-geoip --quiet
    if diff -r -q -x run.json "$tmp/base/current/" "$ll/" >"$tmp/base.diff"; then
        ok "low: every output but run.json byte-identical to $RINGSCAN_BASE_BUILD"
    else
        nok "low differs from $RINGSCAN_BASE_BUILD: $(err "$tmp/base.diff")"
    fi
else
    echo "skip - RINGSCAN_BASE_BUILD unset: no comparison with an earlier build"
fi

printf '{"evidence_min_severity": "high"}\n' >"$tmp/high.json"
run high --config "$tmp/high.json"
check "config key: exit 0" test $? -eq 0
nhigh=$("$PY" -c 'import json,sys; print(sum(r["severity"]=="high" for r in json.load(open(sys.argv[1]))["rings"]))' "$ll/rings.json")
check "config evidence_min_severity high: bags for the high rings only" \
    test "$(ls "$tmp/high/current/evidence" | wc -l)" -eq "$nhigh"
run high2 --config "$tmp/high.json" --evidence-min-severity low
check "the command line wins over the config file" \
    test "$(ls "$tmp/high2/current/evidence" | wc -l)" -eq "$nrings"

printf '{"evidence_min_severity": "Low"}\n' >"$tmp/bad.json"
run bad --config "$tmp/bad.json"
rc=$?
check "config: a bad severity exits 1" test "$rc" -eq 1
check "config: the message names the key" grep -q "evidence_min_severity" "$tmp/bad.err"
run bad2 --evidence-min-severity none
rc=$?
check "CLI: a bad severity exits 2" test "$rc" -eq 2
check "CLI: the message names the option" grep -q -- "--evidence-min-severity" "$tmp/bad2.err"

# Case memory: night 1 packages the high rings only, night 2 (the same data,
# the default threshold) the medium ones too; dated bags follow.
run st1 --state "$tmp/state" --evidence-min-severity high
check "state night 1 exits 0" test $? -eq 0
n1=$(find "$tmp/state/evidence" -mindepth 1 -maxdepth 1 -name 'RS-*' | wc -l)
check "state night 1: dated bags for the high rings only ($n1)" test "$n1" -eq "$nhigh"
run st2 --state "$tmp/state"
check "state night 2 exits 0" test $? -eq 0
"$PY" - "$tmp/st2/current" "$tmp/state/evidence" >"$tmp/st.check" <<'PYEOF'
import json, os, sys
rings = json.load(open(sys.argv[1] + "/rings.json"))["rings"]
kept = {e for e in os.listdir(sys.argv[2]) if e.startswith("RS-")}
want = {r["id"] for r in rings if r["severity"] != "low"}
print(("ok" if kept == want else "FAIL %s != %s" % (sorted(kept), sorted(want))))
for i in want:
    bag = sys.argv[1] + "/evidence/" + i
    if not os.path.isdir(bag):
        print("FAIL no bag " + bag)
PYEOF
if grep -q FAIL "$tmp/st.check"; then nok "state night 2: $(err "$tmp/st.check")"; else ok "state night 2: dated bags for exactly the medium+ rings, the medium ones new"; fi

e2e_done
