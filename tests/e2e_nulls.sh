#!/bin/sh
# e2e_nulls.sh BUILD_DIR - null-like placeholders are blank, never a shared
# resource (README, "Null-like values"). A simulator world in which ten
# ordinary accounts' device ids are a database's NULL (five as `NULL`, five as
# MySQL's `\N`), as are half the device ids of one ring's logins, and the ring
# members' bids and ratings name `\N` as their project. Read as devices, the
# placeholders flag the ten SHARED_DEVICE and make them a ring's associates;
# read as blanks, none of the ten is flagged or named in rings.json, no
# evidence row shows a placeholder, and run.json counts the blanked values.
# The config's `null_values` adds placeholders; a wrong type is an error.
set -u

. tests/lib.sh
e2e_init "${1:-}"

w=$tmp/w
gen_or_stop "$w/in" --seed 3 --accounts 600 --clients 150 --days 30

# Ten ordinary freelancers' device ids become NULL or \N, and every other
# login of ring T001; every bid and rating of a ring freelancer names \N as
# its project.
"$PY" - "$w/in" >"$tmp/prep.out" 2>&1 <<'EOF' || nok "prepare the world: $(err "$tmp/prep.out")"
import csv, io, os, sys
d = sys.argv[1]
truth = list(csv.DictReader(open(os.path.join(d, "truth.csv"), encoding="utf-8")))
plain = sorted(r["account_id"] for r in truth if r["population"] == "ordinary" and r["role"] == "freelancer")[:10]
ring = {r["account_id"] for r in truth if r["ring_id"]}
t001 = {r["account_id"] for r in truth if r["ring_id"] == "T001"}
nth = [0]
open(os.path.join(d, "..", "nulled.txt"), "w").write("\n".join(plain) + "\n")

def rewrite(name, fn):
    p = os.path.join(d, name)
    rows = list(csv.reader(open(p, encoding="utf-8", newline="")))
    head = rows[0]
    for r in rows[1:]:
        fn(head, r)
    # \N unquoted, as MySQL writes it; the csv module quotes only when needed.
    with open(p, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)

def devices(head, r):
    a = r[head.index("account_id")]
    if a in plain:
        r[head.index("device_id")] = "NULL" if plain.index(a) < 5 else "\\N"
    elif a in t001:
        nth[0] += 1
        if nth[0] % 2:
            r[head.index("device_id")] = "NULL" if nth[0] % 4 == 1 else "\\N"

def projects(head, r):
    if r[head.index("freelancer_id")] in ring:
        r[head.index("project_id")] = "\\N"

rewrite("logins.csv", devices)
rewrite("bids.csv", projects)
rewrite("ratings.csv", projects)
EOF
rs run "$w/in" -o "$w/out" --no-geoip --quiet 2>"$tmp/run.err" ||
    nok "run: $(err "$tmp/run.err")"

"$PY" - "$w/out/current" "$w/nulled.txt" >"$tmp/check.out" 2>&1 <<'EOF'
import csv, glob, json, os, sys
out, nulled = sys.argv[1], open(sys.argv[2]).read().split()
res = []
def check(cond, what):
    res.append(("ok - " if cond else "not ok - ") + what)
flags = {r["account_id"]: r["flags"].split(";") for r in
         csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8"))}
shared = [a for a in nulled if "SHARED_DEVICE" in flags.get(a, [])]
check(len(nulled) == 10 and not shared,
      "no account whose device id is NULL or \\N is flagged SHARED_DEVICE (%d of %d are)"
      % (len(shared), len(nulled)))
rings = json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]
text = open(os.path.join(out, "rings.json"), encoding="utf-8").read()
named = [a for a in nulled if '"%s"' % a in text]
check(rings and not named,
      "%d rings, none naming an account whose device id was a placeholder (%d do)"
      % (len(rings), len(named)))
bad, rows = [], 0
for p in glob.glob(os.path.join(out, "evidence", "*", "data", "**", "*"), recursive=True):
    if not os.path.isfile(p) or not p.endswith((".csv", ".json")):
        continue
    text = open(p, encoding="utf-8").read()
    rows += text.count("\n")
    for placeholder in ("\\N", "\\\\N", "NULL"):
        if placeholder in text:
            bad.append("%s shows %s" % (os.path.relpath(p, out), placeholder))
check(rows > 0 and not bad, "no evidence file shows a placeholder (%s)" % "; ".join(sorted(set(bad))[:4]))
run = json.load(open(os.path.join(out, "run.json"), encoding="utf-8"))
blanked = {os.path.basename(i.get("path", i.get("file", ""))): i.get("values_blanked", 0)
           for i in run.get("inputs", [])}
check(sum(blanked.values()) > 0 and all(v > 0 for k, v in blanked.items()
                                        if k.startswith(("logins", "bids", "ratings"))),
      "run.json counts the blanked values per file: %r" % blanked)
print("\n".join(res))
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check.out" | tr '\n' '|')"
cat "$tmp/check.out"
grep -q '^not ok' "$tmp/check.out" && fails=$((fails + 1))

# A required column's placeholder makes a bad row with its reason.
mkdir -p "$tmp/req"
printf 'ts,account_id,ip,device_id\n2026-03-01T00:00:00Z,NULL,192.0.2.1,d1\n2026-03-01T00:00:00Z,a2,192.0.2.2,d1\n2026-03-01T00:00:00Z,a3,192.0.2.3,unknown\n2026-03-01T00:00:00Z,a4,192.0.2.4,unknown\n' \
    >"$tmp/req/logins.csv"
rs run "$tmp/req" -o "$tmp/req-out" --no-geoip 2>"$tmp/req.err" >/dev/null
check "account_id NULL is a bad row: account_id: null-like value 'NULL'" \
    grep -q "logins.csv:2:[0-9]*: account_id: null-like value 'NULL'" "$tmp/req.err"

# The config's null_values: "unknown" is no device, so a3 and a4 share none.
printf '{"null_values": ["unknown"]}\n' >"$tmp/nv.json"
rs run "$tmp/req" -o "$tmp/nv-out" --no-geoip --full-graph --quiet --config "$tmp/nv.json" \
    2>"$tmp/nv.err" >/dev/null || nok "run with null_values: $(err "$tmp/nv.err")"
if [ ! -f "$tmp/nv-out/current/graph.graphml" ]; then
    nok "null_values: no graph.graphml"
elif grep -q '>unknown<' "$tmp/nv-out/current/graph.graphml"; then
    nok "null_values: 'unknown' is still a device in graph.graphml"
else
    ok "null_values: 'unknown' is no device"
fi
check "null_values is recorded in run.json's config" \
    "$PY" 2>/dev/null -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; sys.exit(c.get("null_values") != ["unknown"])' \
    "$tmp/nv-out/current/run.json"

# A wrong type is a config error naming the key.
printf '{"null_values": "NULL"}\n' >"$tmp/bad1.json"
printf '{"null_values": ["x", 3]}\n' >"$tmp/bad2.json"
for b in bad1 bad2; do
    rs run "$tmp/req" -o "$tmp/$b-out" --no-geoip --quiet --config "$tmp/$b.json" 2>"$tmp/$b.err" >/dev/null
    rc=$?
    if [ "$rc" -ne 0 ] && grep -q "config key 'null_values'" "$tmp/$b.err"; then
        ok "null_values of the wrong type ($b) is a config error"
    else
        nok "null_values of the wrong type ($b): exit $rc, $(err "$tmp/$b.err")"
    fi
done

e2e_done
