#!/bin/sh
# e2e_identity.sh BUILD_DIR - identity and text, end to end:
#   - a world with the attributes table and text columns (ringscan-gen
#     --identity): the disciplined rings, which share no IP, device or payout
#     account, are found (their members flagged, listed in a proxy ring), and
#     no household, spouse-paid freelancer or company-shipping employee is;
#   - their bags hold the attribute rows and cover letters that prove
#     SHARED_IDENTITY, NAME_MISMATCH, EQUIPMENT_FORWARDING and TEXT_REUSE, and
#     events.csv has the identity columns;
#   - GraphML has identity and text nodes with escaped labels and is
#     schema-valid; --threads 1 and 2 give the same outputs;
#   - a malformed attribute is a bad row naming file, line, column and
#     reason; --strict makes it fatal; a run without the table has no identity
#     column or key anywhere.
set -u

. tests/lib.sh
E2E_LIMIT=120
e2e_init "${1:-}"

gen_or_stop "$tmp/in" --identity --disciplined-rings 3 --seed 11 --accounts 3000 \
    --clients 600 --days 30 --enrich
export SOURCE_DATE_EPOCH=1780000000
for n in 1 2; do
    rs run "$tmp/in" -o "$tmp/o$n" --no-geoip --quiet --threads $n 2>"$tmp/o$n.err" ||
        nok "run --threads $n: $(err "$tmp/o$n.err")"
done
if diff -rq -x run.json "$tmp/o1/current/" "$tmp/o2/current/" >"$tmp/diff.txt"; then
    ok "identity world: outputs identical with --threads 1 and 2"
else
    nok "outputs differ with threads: $(err "$tmp/diff.txt")"
fi
out=$tmp/o2/current

"$PY" - "$tmp/in" "$out" >"$tmp/found.txt" 2>&1 <<'PY'
import csv, json, os, sys
inp, out = sys.argv[1], sys.argv[2]
truth = {r["account_id"]: r for r in csv.DictReader(open(os.path.join(inp, "truth.csv")))}
tj = json.load(open(os.path.join(inp, "truth.json")))
disc = {r["id"] for r in tj["rings"] if r.get("tactic") == "disciplined"}
acc = {r["account_id"]: r for r in csv.DictReader(open(os.path.join(out, "accounts.csv")))}
members = [a for a, t in truth.items() if t["ring_id"] in disc]
assert len(members) >= 15, f"only {len(members)} disciplined members"
hit = [a for a in members if acc[a]["flagged"] == "1" and acc[a]["ring_kind"] == "proxy_ring"]
assert len(hit) >= 0.85 * len(members), f"{len(hit)} of {len(members)} members in a proxy ring"
benign = {"spouse_payout", "company_shipping"}
fp = [a for a, t in truth.items() if not t["ring_id"] and acc[a]["flagged"] == "1" and
      (t["population"] == "household" or benign & set(t["behaviours"].split(";")))]
assert not fp, f"look-alikes flagged: {fp[:5]}"
print(f"{len(hit)} of {len(members)} disciplined members in proxy rings, {len(disc)} rings")
PY
check "disciplined rings found, look-alikes not: $(err "$tmp/found.txt")" \
    grep -q "disciplined members in proxy rings" "$tmp/found.txt"

"$PY" - "$out" >"$tmp/bags.txt" 2>&1 <<'PY'
import csv, json, os, sys
out = sys.argv[1]
ev = os.path.join(out, "evidence")
need = {"SHARED_IDENTITY": "attributes", "NAME_MISMATCH": "attributes",
        "EQUIPMENT_FORWARDING": "attributes", "TEXT_REUSE": "bids"}
seen = {}
for r in sorted(os.listdir(ev)):
    s = json.load(open(os.path.join(ev, r, "data", "summary.json")))
    for f, table in need.items():
        rows = s["flags"].get(f, {}).get("rows", [])
        for row in rows:
            assert row["file"].startswith(table), f"{r} {f}: a row of {row['file']}"
        if rows:
            seen[f] = seen.get(f, 0) + len(rows)
    with open(os.path.join(ev, r, "data", "events.csv"), newline="") as fh:
        head = next(csv.reader(fh))
    for c in ("kind", "value", "text"):
        assert c in head, f"{r}: events.csv lacks {c}"
missing = [f for f in need if f not in seen]
assert not missing, f"no evidence rows for {missing}"
print("evidence rows:", seen)
PY
check "bags prove the identity flags: $(err "$tmp/bags.txt")" grep -q "evidence rows" "$tmp/bags.txt"

"$PY" - "$out" >"$tmp/shared.txt" 2>&1 <<'PY'
import json, os, sys
out = sys.argv[1]
rings = json.load(open(os.path.join(out, "rings.json")))["rings"]
with_id = [r for r in rings if r.get("shared_identity")]
assert with_id, "no ring lists shared_identity"
kinds = {x["kind"] for r in with_id for x in r["shared_identity"]}
for r in with_id:
    for x in r["shared_identity"]:
        assert x["members_using"] >= 2 and x["accounts_using"] >= x["members_using"], x
    page = open(os.path.join(out, "evidence", r["id"], "data", "report.html")).read()
    assert "Shared identity and text" in page, r["id"] + ": no identity table on its page"
print(f"{len(with_id)} rings list shared identity: {sorted(kinds)}")
PY
check "rings.json and the case pages list shared identity: $(err "$tmp/shared.txt")" \
    grep -q "rings list shared identity" "$tmp/shared.txt"

n=$(grep -c '<data key="type">identity</data>' "$out/graph.graphml")
t=$(grep -c '<data key="type">text</data>' "$out/graph.graphml")
check "graph.graphml has identity ($n) and text ($t) nodes" [ "$n" -gt 0 ] && [ "$t" -gt 0 ]
if command -v xmllint >/dev/null 2>&1 && [ -f "$XSD" ]; then
    check "graph.graphml is schema-valid" xmllint --nonet --noout --schema "$XSD" "$out/graph.graphml"
    bag=$(ls "$out/evidence" | head -1)
    check "a bag's subgraph.graphml is schema-valid" \
        xmllint --nonet --noout --schema "$XSD" "$out/evidence/$bag/data/subgraph.graphml"
else
    echo "# skipped: GraphML schema check (xmllint or $XSD missing)"
fi

# Attacker-controlled values reach GraphML escaped; a malformed value is a bad row.
mkdir -p "$tmp/bad"
cat >"$tmp/bad/accounts.csv" <<'EOF'
account_id,country,display_name
a1,US,Ann
a2,US,Bob
a3,GB,Cy
EOF
cat >"$tmp/bad/logins.csv" <<'EOF'
ts,account_id,ip
2026-03-01T00:00:00Z,a1,198.51.100.1
2026-03-01T00:00:00Z,a2,198.51.100.2
2026-03-01T00:00:00Z,a3,198.51.100.3
EOF
cat >"$tmp/bad/attributes.csv" <<'EOF'
account_id,kind,value
a1,name,Ann Lee
a2,name,Bob Ray
a3,name,Cy Dunn
a1,email,"x<y&""z'@evil.example"
a2,email,"x<y&""z'@evil.example"
a1,phone,202-555-0abc
a3,phone,020 5550 1010
EOF
rs run "$tmp/bad" -o "$tmp/bad.out" --no-geoip --full-graph 2>"$tmp/bad.err"
rc=$?
check "a malformed phone is a bad row, the run goes on (rc $rc)" [ "$rc" -eq 0 ]
check "the bad row names file, line, column and reason: $(err "$tmp/bad.err")" \
    grep -q 'attributes.csv:7:[0-9]*: value: .*phone' "$tmp/bad.err"
g=$tmp/bad.out/current/graph.graphml
check "labels escaped in GraphML" grep -q 'x&lt;y&amp;&quot;z&apos;@evil.example\|x&lt;y&amp;"z' "$g"
check "SHARED_IDENTITY on the two accounts giving one email" \
    [ "$(grep -c 'SHARED_IDENTITY' "$tmp/bad.out/current/accounts.csv")" -eq 2 ]
rs run "$tmp/bad" -o "$tmp/strict.out" --no-geoip --quiet --strict 2>"$tmp/strict.err"
rc=$?
check "--strict: the malformed attribute is fatal (rc $rc)" [ "$rc" -ne 0 ]

# Without the table and the text columns, no identity column, key or count.
rm "$tmp/bad/attributes.csv"
rs run "$tmp/bad" -o "$tmp/plain.out" --no-geoip --quiet --full-graph 2>"$tmp/plain.err" ||
    nok "run without attributes: $(err "$tmp/plain.err")"
check "no identity key in GraphML without the table" \
    sh -c "! grep -q identity_kind '$tmp/plain.out/current/graph.graphml'"
check "no identity flag in rings.json without the table" \
    sh -c "! grep -q SHARED_IDENTITY '$tmp/plain.out/current/rings.json'"

e2e_done
