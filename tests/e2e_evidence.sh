#!/bin/sh
# e2e_evidence.sh BUILD_DIR - evidence packages end to end.
#  A planted ring of 6 accounts (one CN line, one laptop with remote-desktop
#  software, one CN payout destination) whose ids are hostile: HTML, a
#  spreadsheet formula, an SQL-ish quote, an embedded newline. Checks: every
#  bag verifies with plain sha256sum -c and fails after a one-byte change;
#  GraphML and GEXF are schema-valid; two runs with one SOURCE_DATE_EPOCH
#  give byte-identical bags; hostile ids come out escaped or neutralised in
#  report.html, events.csv, nodes.csv and summary.json; events.csv holds
#  exactly the input rows involving the ring, with correct provenance.
set -u
E2E_LIMIT=300
. tests/lib.sh
e2e_init "${1:-}"

in=$tmp/in
mkdir -p "$in"
"$PY" - "$in" <<'PYEOF'
import csv, sys
d = sys.argv[1]
ring = ['<script>alert(1)</script>', '=HYPERLINK("x")', '"; DROP', 'new\nline', 'ring5', '@ring6']
def w(name, header, rows):
    with open(d + "/" + name, "w", newline="") as f:
        c = csv.writer(f, lineterminator="\n")
        c.writerow(header)
        c.writerows(rows)
acc = []
for k, r in enumerate(ring, 1):
    acc.append([r, "freelancer", "US"])
    acc.append(["office%d" % k, "freelancer", "GB"])
acc += [["home1", "freelancer", "DE"], ["home2", "freelancer", "DE"]]
w("accounts.csv", ["account_id", "role", "country"], acc)
lg = []
for day in range(1, 13):
    for k, r in enumerate(ring, 1):
        lg.append(["2026-03-%02dT0%d:00:00Z" % (day, k), r, "198.51.100.7", "laptop-7", 7200, "CN", 4134])
        lg.append(["2026-03-%02dT09:0%d:00Z" % (day, k), "office%d" % k, "203.0.113.80", "pc-office%d" % k, 28800, "GB", 2856])
        lg.append(["2026-03-%02dT20:0%d:00Z" % (day, k), "office%d" % k, "203.0.113.%d" % (100 + k), "pc-office%d" % k, 3600, "GB", 2856])
    lg.append(["2026-03-%02dT18:00:00Z" % day, "home1", "192.0.2.50", "tablet", 3600, "DE", 3320])
    lg.append(["2026-03-%02dT19:00:00Z" % day, "home2", "192.0.2.50", "phone", 3600, "DE", 3320])
w("logins.csv", ["ts", "account_id", "ip", "device_id", "session_seconds", "ip_country", "asn"], lg)
po = []
for k, r in enumerate(ring, 1):
    po.append(["2026-03-15 00:00:00", r, "cn-bank-1", 900, "CN"])
    po.append(["1773532800", "office%d" % k, "gb-bank-%d" % k, 2500, "GB"])
w("payouts.csv", ["ts", "account_id", "destination_id", "amount", "destination_country"], po)
w("ports.csv", ["ts", "ip", "device_id", "port", "service"],
  [["2026-03-05T00:00:00Z", "", "laptop-7", 5938, "teamviewer"],
   ["2026-03-05T00:00:00Z", "203.0.113.80", "", 3389, "rdp"]])
PYEOF

SOURCE_DATE_EPOCH=1700000000 rs run "$in" -o "$tmp/out" --no-geoip --quiet --seed 3 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok "run exits 0" || nok "run exits 0 (got $rc: $(head -c 300 "$tmp/err"))"
bag=$tmp/out/evidence/R0001
[ -f "$bag/bagit.txt" ] && [ -f "$bag/data/report.html" ] && [ -f "$tmp/out/index.html" ] &&
    ok "evidence/R0001 bag and index.html written" || nok "evidence/R0001 bag and index.html written"
left=$(find "$tmp/out" -name '.tmp-*' -o -name '.staging-*' -o -name '.old-*' | wc -l)
[ "$left" -eq 0 ] && ok "no temporary directories left" || nok "no temporary directories left ($left)"

# --- BagIt: plain sha256sum -c, and tampering is detected -------------------------
nbags=0
for b in "$tmp"/out/evidence/R*; do
    nbags=$((nbags + 1))
    if (cd "$b" && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt) \
        >"$tmp/sum.out" 2>&1; then
        ok "$(basename "$b"): sha256sum -c passes on both manifests"
    else
        nok "$(basename "$b"): sha256sum -c ($(head -c 200 "$tmp/sum.out"))"
    fi
done
[ $nbags -ge 1 ] || nok "at least one bag"
grep -q '^BagIt-Version: 1.0$' "$bag/bagit.txt" && ok "bagit.txt declares BagIt 1.0" || nok "bagit.txt"
for k in Payload-Oxum Ringscan-Version Ringscan-Libraries Ringscan-Seed Ringscan-Config-SHA256 \
    Ringscan-Run-Time-UTC Ringscan-Input-File; do
    grep -q "^$k: " "$bag/bag-info.txt" || nok "bag-info.txt has $k"
done
grep -q '^Ringscan-Run-Time-UTC: 2023-11-14T22:13:20Z$' "$bag/bag-info.txt" &&
    ok "bag-info.txt run time honours SOURCE_DATE_EPOCH" || nok "run time honours SOURCE_DATE_EPOCH"
cp -r "$bag" "$tmp/tampered"
"$PY" -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=1; open(p,'wb').write(bytes(b))
" "$tmp/tampered/data/events.csv"
if (cd "$tmp/tampered" && sha256sum --quiet -c manifest-sha256.txt) >/dev/null 2>&1; then
    nok "a one-byte change in the payload fails sha256sum -c"
else
    ok "a one-byte change in the payload fails sha256sum -c"
fi
cp -r "$bag" "$tmp/tampered2"
sed -i 's/^Ringscan-Seed: .*/Ringscan-Seed: 4/' "$tmp/tampered2/bag-info.txt"
if (cd "$tmp/tampered2" && sha256sum --quiet -c tagmanifest-sha256.txt) >/dev/null 2>&1; then
    nok "a change in bag-info.txt fails the tag manifest"
else
    ok "a change in bag-info.txt fails the tag manifest"
fi

# --- schemas ------------------------------------------------------------------------
if [ -f "$SCHEMAS/graphml/graphml.xsd" ] && command -v xmllint >/dev/null; then
    xmllint --nonet --noout --schema "$SCHEMAS/graphml/graphml.xsd" "$bag/data/subgraph.graphml" \
        2>"$tmp/x1" && ok "subgraph.graphml is schema-valid" ||
        nok "subgraph.graphml is schema-valid ($(head -c 200 "$tmp/x1"))"
    sed -e 's#<viz:[^>]*/>##g' "$bag/data/timeline.gexf" >"$tmp/t.gexf"
    xmllint --nonet --noout --schema "$SCHEMAS/gexf-1.3/gexf.xsd" "$tmp/t.gexf" 2>"$tmp/x2" &&
        ok "timeline.gexf is GEXF 1.3 schema-valid (viz: stripped)" ||
        nok "timeline.gexf schema-valid ($(head -c 200 "$tmp/x2"))"
else
    echo "SKIP schema validation: ../shared/schemas or xmllint not found"
fi

# --- golden: the payload and its manifest, byte for byte ---------------------------
# (bag-info.txt names library versions, so it is left out; manifest-sha256.txt
# pins every payload byte). Refresh with RINGSCAN_UPDATE_GOLDEN=1.
golden=tests/data/evidence/R0001
if [ "${RINGSCAN_UPDATE_GOLDEN:-}" = 1 ]; then
    rm -rf "$golden" && mkdir -p "$golden" && cp -r "$bag/data" "$bag/manifest-sha256.txt" \
        "$bag/bagit.txt" "$golden/" && echo "# golden files updated in $golden"
fi
if [ -d "$golden" ]; then
    if diff -r "$golden/data" "$bag/data" >"$tmp/golden.diff" 2>&1 &&
        cmp -s "$golden/manifest-sha256.txt" "$bag/manifest-sha256.txt" &&
        cmp -s "$golden/bagit.txt" "$bag/bagit.txt"; then
        ok "bag payload matches the golden files byte for byte"
    else
        nok "bag payload matches the golden files ($(head -c 300 "$tmp/golden.diff"))"
    fi
else
    nok "golden files $golden present"
fi

# --- reproducible -------------------------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 rs run "$in" -o "$tmp/out2" --no-geoip --quiet --seed 3 2>/dev/null
if diff -r "$tmp/out/evidence" "$tmp/out2/evidence" >/dev/null && cmp -s "$tmp/out/index.html" "$tmp/out2/index.html"; then
    ok "two runs with one SOURCE_DATE_EPOCH give byte-identical bags"
else
    nok "two runs with one SOURCE_DATE_EPOCH give byte-identical bags"
fi
# A second run into the same directory replaces the evidence tree.
SOURCE_DATE_EPOCH=1700000100 rs run "$in" -o "$tmp/out" --no-geoip --quiet --seed 3 2>/dev/null
left=$(find "$tmp/out" -name '.tmp-*' -o -name '.staging-*' -o -name '.old-*' | wc -l)
grep -q '2023-11-14T22:15:00Z' "$bag/bag-info.txt" && [ "$left" -eq 0 ] &&
    ok "a rerun replaces evidence/ in place" || nok "a rerun replaces evidence/ in place"

# Invalid UTF-8 in an id never reaches an output: ingest rejects the file.
mkdir -p "$tmp/bad"
printf 'account_id\nok1\nbad\377id\n' >"$tmp/bad/accounts.csv"
rs run "$tmp/bad" -o "$tmp/badout" --no-geoip --quiet 2>/dev/null
rc=$?
[ $rc -eq 1 ] && [ ! -d "$tmp/badout/evidence" ] && ok "invalid UTF-8 is rejected at ingest, nothing written" ||
    nok "invalid UTF-8 is rejected at ingest (exit $rc)"

# --- content and injection ----------------------------------------------------------
"$PY" - "$tmp/out" "$in" >"$tmp/py" 2>&1 <<'PYEOF'
import csv, hashlib, json, os, sys
out, inp = sys.argv[1], sys.argv[2]
bag = out + "/evidence/R0001/data/"
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
ring = ['<script>alert(1)</script>', '=HYPERLINK("x")', '"; DROP', 'new\nline', 'ring5', '@ring6']
summ = json.load(open(bag + "summary.json"))
ids = sorted(m["account_id"] for m in summ["members"])
check(ids == sorted(ring), "summary.json lists the hostile ids exactly, JSON-escaped (%r)" % ids)
for k in ("score", "score_breakdown", "flags", "flag_counts", "shared_infrastructure", "first_seen",
          "last_seen", "explanation", "shill_clients", "input_rows"):
    check(k in summ, "summary.json has %s" % k)
check("REMOTE_ACCESS" in summ["flags"] and summ["flags"]["SHARED_DEVICE"]["accounts_with_flag"] == 6,
      "summary.json: every flag with its accounts and counts")
html = open(bag + "report.html", encoding="utf-8").read()
check("<script" not in html.lower(), "report.html holds no <script> element")
check("&lt;script&gt;alert(1)&lt;/script&gt;" in html, "report.html shows the HTML id escaped")
check("http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
      and " src=" not in html and "@import" not in html and "url(" not in html,
      "report.html makes no network request")
check("default-src 'none'" in html, "report.html forbids every external load (CSP)")
check("=HYPERLINK(&quot;x&quot;)" in html and "new&#10;line" in html, "report.html escapes quotes and newlines")
def no_raw_newline_and_no_formula(path):
    bad = []
    for row in csv.reader(open(path, newline="", encoding="utf-8")):
        for cell in row:
            if "\n" in cell or "\r" in cell:
                bad.append(("newline", cell))
            if cell[:1] in ("=", "+", "-", "@"):
                bad.append(("formula", cell))
    return bad
for f in ("events.csv", "nodes.csv", "edges.csv"):
    bad = no_raw_newline_and_no_formula(bag + f)
    check(not bad, "%s: no raw newline and no formula cell (%r)" % (f, bad[:2]))
    raw = open(bag + f, encoding="utf-8").read()
    if f != "edges.csv":  # edges name nodes by "type:label" ids, never a bare label
        check("'=HYPERLINK(\"\"x\"\")" in raw or "\"'=HYPERLINK(\"\"x\"\")\"" in raw, "%s neutralises =HYPERLINK" % f)
nodes = list(csv.DictReader(open(bag + "nodes.csv", newline="")))
check(list(nodes[0])[:3] == ["Id", "Label", "Type"], "nodes.csv has Id,Label,Type first")
nid = {n["Id"] for n in nodes}
edges = list(csv.DictReader(open(bag + "edges.csv", newline="")))
check(edges and all(e["Source"] in nid and e["Target"] in nid for e in edges), "edges.csv endpoints are nodes.csv ids")
check("device:laptop-7" in nid and "destination:cn-bank-1" in nid and "ip:198.51.100.7" in nid,
      "nodes.csv has the ring's shared laptop, destination and IP")
# events.csv: exactly the input rows of the ring's accounts (and port rows on their resources)
ev = list(csv.DictReader(open(bag + "events.csv", newline="")))
check(list(ev[0])[:6] == ["source_file", "source_sha256", "line", "table", "ts_utc", "ts_original"],
      "events.csv starts with the provenance columns")
sha = {f: hashlib.sha256(open(inp + "/" + f, "rb").read()).hexdigest() for f in os.listdir(inp)}
check(all(e["source_sha256"] == sha[e["source_file"]] for e in ev), "events.csv: source_sha256 matches each input file")
expect = 0
want = {}
for f in ("accounts.csv", "logins.csv", "payouts.csv"):
    for r in csv.DictReader(open(inp + "/" + f, newline="")):
        if r["account_id"] in ring:
            expect += 1
expect += 1  # the port observation on the ring's laptop
check(len(ev) == expect, "events.csv holds every row involving the ring (%d of %d)" % (len(ev), expect))
# provenance: the line number points at the row in the source file
lines = {f: open(inp + "/" + f, encoding="utf-8").read().split("\n") for f in os.listdir(inp)}
good = 0
for e in ev:
    L = lines[e["source_file"]][int(e["line"]) - 1]
    acct = e["account_id"].lstrip("'")
    good += (acct.split(" ")[0].replace('"', '') in L.replace('""', '')) or e["table"] == "ports"
check(good == len(ev), "events.csv line numbers point at the source rows (%d of %d)" % (good, len(ev)))
pay = [e for e in ev if e["table"] == "payouts"]
check(pay and all(e["ts_original"] == "2026-03-15 00:00:00" and e["ts_utc"] == "2026-03-15T00:00:00Z" for e in pay),
      "events.csv keeps the original timestamp beside the UTC one")
idx = open(out + "/index.html", encoding="utf-8").read()
check('href="evidence/R0001/data/report.html"' in idx and "<script" not in idx.lower(),
      "index.html links each ring's report and escapes ids")
PYEOF
cat "$tmp/py"
fails=$((fails + $(grep -c '^not ok' "$tmp/py")))

e2e_done
