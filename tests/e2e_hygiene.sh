#!/bin/sh
# e2e_hygiene.sh BUILD_DIR - control characters never reach an output file.
#  A planted ring (one CN laptop with remote-desktop software, one CN payout
#  destination, as in e2e_evidence.sh) whose account ids, device id, payout
#  destination, display names, user agents and an ignored column's name hold
#  ESC, BEL, DEL, other C0 controls and C1 (U+009B CSI) beside multibyte text.
#  Checks: the run finds the ring and writes its bag; no file under OUT_DIR
#  (symlinks followed) holds a byte 00-08, 0B-1F or 7F or a C1 pair C2 80..9F;
#  the replacements are the documented ones (control pictures in CSV, XML and
#  HTML; lossless \u00xx escapes in JSON, which read back to the original ids);
#  GraphML is schema-valid and GEXF well-formed; run.json counts the controls
#  replaced when it records them; the run's diagnostics on stderr (an ignored
#  column and a bad row, both quoting controls) hold no control but TAB and LF.
set -u
E2E_LIMIT=120
. tests/lib.sh
e2e_init "${1:-}"

in=$tmp/in
out=$tmp/out
mkdir -p "$in"
"$PY" - "$in" <<'PYEOF'
import csv, sys
d = sys.argv[1]
# ESC, BEL, DEL, C1 CSI, other C0 (SOH, BS, VT, FF, US), TAB, mixed with UTF-8.
ring = ['esc\x1b[31m', 'bel\x07', 'del\x7f', 'csi\u009b2J', 'c0\x01\x08\x0b\x0c\x1f', 'Jos\u00e9\x1b\u5317\tx']
dev = 'laptop\x1b]0;pwned\x07'
dst = 'cn-bank\x7f\u0085'
def w(name, header, rows):
    with open(d + "/" + name, "w", newline="", encoding="utf-8") as f:
        c = csv.writer(f, lineterminator="\n")
        c.writerow(header)
        c.writerows(rows)
acc = []
for k, r in enumerate(ring, 1):
    acc.append([r, "freelancer", "US", "Name\x1b[2J%d\u009b" % k, "x"])
    acc.append(["office%d" % k, "freelancer", "GB", "Office %d" % k, "y"])
acc += [["home1", "freelancer", "DE", "", ""], ["home2", "freelancer", "DE", "", ""]]
w("accounts.csv", ["account_id", "role", "country", "display_name", "note\x1b\x07"], acc)
lg = []
for day in range(1, 13):
    for k, r in enumerate(ring, 1):
        lg.append(["2026-03-%02dT0%d:00:00Z" % (day, k), r, "198.51.100.7", dev, 7200, "CN", 4134,
                   "Mozilla\x1b[0m\x7f\u009b"])
        lg.append(["2026-03-%02dT09:0%d:00Z" % (day, k), "office%d" % k, "203.0.113.80",
                   "pc-office%d" % k, 28800, "GB", 2856, "Mozilla"])
        lg.append(["2026-03-%02dT20:0%d:00Z" % (day, k), "office%d" % k, "203.0.113.%d" % (100 + k),
                   "pc-office%d" % k, 3600, "GB", 2856, "Mozilla"])
    lg.append(["2026-03-%02dT18:00:00Z" % day, "home1", "192.0.2.50", "tablet", 3600, "DE", 3320, ""])
    lg.append(["2026-03-%02dT19:00:00Z" % day, "home2", "192.0.2.50", "phone", 3600, "DE", 3320, ""])
# One bad row whose value holds controls: its diagnostic quotes the value.
lg.append(["2026-03-20T00:00:00Z", "home1", "192.0.2.50", "tablet", "9\x1b[2J\x07\x7f\u009b", "DE", 3320, ""])
w("logins.csv", ["ts", "account_id", "ip", "device_id", "session_seconds", "ip_country", "asn",
                 "user_agent"], lg)
po = []
for k, r in enumerate(ring, 1):
    po.append(["2026-03-15 00:00:00", r, dst, 900, "CN"])
    po.append(["1773532800", "office%d" % k, "gb-bank-%d" % k, 2500, "GB"])
w("payouts.csv", ["ts", "account_id", "destination_id", "amount", "destination_country"], po)
w("ports.csv", ["ts", "ip", "device_id", "port", "service"],
  [["2026-03-05T00:00:00Z", "", dev, 5938, "teamviewer\x1b"],
   ["2026-03-05T00:00:00Z", "203.0.113.80", "", 3389, "rdp"]])
PYEOF

# The input really holds the controls the outputs must not.
if LC_ALL=C grep -qa "$(printf '\033')" "$in/accounts.csv" &&
    LC_ALL=C grep -qa "$(printf '\177')" "$in/logins.csv" &&
    LC_ALL=C grep -qa "$(printf '\302\233')" "$in/accounts.csv"; then
    ok "input holds ESC, DEL and C1"
else
    nok "input holds ESC, DEL and C1"
fi

# Not --quiet: that prints errors only, and the warnings are what is checked.
SOURCE_DATE_EPOCH=1700000000 rs run "$in" -o "$out" --no-geoip --seed 3 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] || [ ! -f "$out/accounts.csv" ]; then
    nok "run exits 0 (got $rc: $(err "$tmp/err"))"
    e2e_done
    exit 1
fi
ok "run exits 0"
nbags=$(find -L "$out/evidence" -name bagit.txt 2>/dev/null | wc -l)
[ "$nbags" -ge 1 ] && ok "the planted ring has an evidence bag ($nbags)" ||
    nok "the planted ring has an evidence bag"
for f in accounts.csv rings.json graph.graphml index.html run.json; do
    [ -s "$out/$f" ] || nok "$f written"
done

# --- no control byte anywhere ----------------------------------------------------
# Bytes 00-08, 0B-1F, 7F, and C2 80..C2 9F (C1 in UTF-8; C2 is only ever a
# lead byte, so the pair cannot straddle two characters).
cat >"$tmp/scan.py" <<'EOF'
import re, sys
bad = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
fails = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    m = bad.search(data)
    if m:
        fails += 1
        print("control byte(s) %r at offset %d in %s" % (m.group(0), m.start(), path))
sys.exit(1 if fails else 0)
EOF
find -L "$out" -type f >"$tmp/files"
nfiles=$(wc -l <"$tmp/files")
[ "$nfiles" -ge 15 ] && ok "$nfiles output files to scan" || nok "output files to scan ($nfiles)"
# shellcheck disable=SC2046
if tr '\n' '\0' <"$tmp/files" | xargs -0 "$PY" "$tmp/scan.py" >"$tmp/scan.log" 2>&1; then
    ok "no control byte (00-08, 0B-1F, 7F, C2 80..9F) in any output file"
else
    nok "no control byte in any output file: $(err "$tmp/scan.log")"
fi

# --- the terminal ----------------------------------------------------------------
# The run's diagnostics quote the ignored column's name and the bad value.
SOURCE_DATE_EPOCH=1700000000 rs run "$in" -o "$tmp/out-quiet" --no-geoip --quiet --seed 3 \
    2>"$tmp/err-quiet"
check "--quiet: the same run prints nothing (warnings are not errors)" [ ! -s "$tmp/err-quiet" ]
if grep -q 'note' "$tmp/err" && grep -q 'session_seconds' "$tmp/err"; then
    ok "stderr reports the ignored column and the bad row"
else
    nok "stderr reports the ignored column and the bad row: $(err "$tmp/err")"
fi
if "$PY" "$tmp/scan.py" "$tmp/err" >"$tmp/scan.log" 2>&1; then
    ok "no control byte other than TAB and LF on stderr"
else
    nok "no control byte other than TAB and LF on stderr: $(err "$tmp/scan.log")"
fi

# --- the replacements are the documented ones -------------------------------------
ESC_P=$(printf '\342\220\233')  # U+241B
BEL_P=$(printf '\342\220\207')  # U+2407
DEL_P=$(printf '\342\220\241')  # U+2421
REPL=$(printf '\357\277\275')   # U+FFFD
has() { # has FILE TEXT
    LC_ALL=C grep -qF -- "$2" "$1"
}
check "accounts.csv: ESC as U+241B" has "$out/accounts.csv" "esc${ESC_P}[31m"
check "accounts.csv: BEL as U+2407" has "$out/accounts.csv" "bel${BEL_P}"
check "accounts.csv: DEL as U+2421" has "$out/accounts.csv" "del${DEL_P}"
check "accounts.csv: C1 as U+FFFD" has "$out/accounts.csv" "csi${REPL}2J"
check "accounts.csv: TAB kept, multibyte kept" has "$out/accounts.csv" \
    "$(printf 'Jos\303\251\342\220\233\345\214\227\tx')"
check "graph.graphml: DEL as U+2421" has "$out/graph.graphml" "del${DEL_P}"
check "graph.graphml: device id with ESC and BEL as pictures" has "$out/graph.graphml" \
    "laptop${ESC_P}]0;pwned${BEL_P}"
check "graph.graphml: TAB as a character reference" has "$out/graph.graphml" "&#9;"
check "rings.json: ESC as \\u001b" has "$out/rings.json" 'esc\u001b[31m'
check "rings.json: DEL as \\u007f" has "$out/rings.json" 'del\u007f'
check "rings.json: C1 as \\u009b" has "$out/rings.json" 'csi\u009b2J'
bag=$(find -L "$out/evidence" -name bagit.txt | head -n 1)
bag=${bag%/bagit.txt}
check "events.csv: user agent with pictures" has "$bag/data/events.csv" \
    "Mozilla${ESC_P}[0m${DEL_P}${REPL}"
check "events.csv: display name with pictures" has "$bag/data/events.csv" "Name${ESC_P}[2J"
check "nodes.csv: destination with DEL and C1 replaced" has "$bag/data/nodes.csv" \
    "cn-bank${DEL_P}${REPL}"
check "timeline.gexf: BEL as U+2407" has "$bag/data/timeline.gexf" "bel${BEL_P}"
check "report.html: DEL as U+2421" has "$bag/data/report.html" "del${DEL_P}"
check "report.html: device id with ESC and BEL as pictures" has "$bag/data/report.html" \
    "laptop${ESC_P}]0;pwned${BEL_P}"

# JSON escapes are lossless: the ids read back exactly.
cat >"$tmp/readback.py" <<'EOF'
import json, sys
out, bag = sys.argv[1], sys.argv[2]
want = {'esc\x1b[31m', 'bel\x07', 'del\x7f', 'csi\u009b2J', 'c0\x01\x08\x0b\x0c\x1f', 'Jos\u00e9\x1b\u5317\tx'}
fails = 0
def res(good, what):
    global fails
    print(("ok - " if good else "not ok - ") + what)
    fails += not good
rings = json.load(open(out + "/rings.json", encoding="utf-8"))["rings"]
got = set()
for r in rings:
    got |= {m["account_id"] for m in r["members"] + r["shill_clients"]}
res(want <= got, "rings.json: every hostile id reads back exactly (%d of %d)" % (len(want & got), len(want)))
summ = json.load(open(bag + "/data/summary.json", encoding="utf-8"))
ids = {m["account_id"] for m in summ["members"]}
res(len(want & ids) >= 1, "summary.json: hostile ids read back exactly")
res(any("laptop\x1b]0;pwned\x07" == x["id"] for x in summ["shared_infrastructure"]),
    "summary.json: the device id reads back exactly")
run = json.load(open(out + "/run.json", encoding="utf-8"))
def find(o, key):
    if isinstance(o, dict):
        if key in o:
            return o[key]
        for v in o.values():
            r = find(v, key)
            if r is not None:
                return r
    if isinstance(o, list):
        for v in o:
            r = find(v, key)
            if r is not None:
                return r
    return None
n = find(run, "control_characters_replaced")
if n is None:
    print("SKIP run.json: no control_characters_replaced")
else:
    res(isinstance(n, int) and n > 0, "run.json: control_characters_replaced = %r > 0" % n)
sys.exit(1 if fails else 0)
EOF
"$PY" "$tmp/readback.py" "$out" "$bag" >"$tmp/json.log" 2>&1
jrc=$?
cat "$tmp/json.log"
[ $jrc -eq 0 ] || grep -q '^not ok' "$tmp/json.log" || nok "JSON read-back script ($(err "$tmp/json.log"))"
fails=$((fails + $(grep -c '^not ok' "$tmp/json.log")))

# --- XML stays valid ------------------------------------------------------------
check "graph.graphml is well-formed XML (xmllint)" xmllint --nonet --noout "$out/graph.graphml"
check "subgraph.graphml is well-formed XML (xmllint)" xmllint --nonet --noout "$bag/data/subgraph.graphml"
check "timeline.gexf is well-formed XML (xmllint)" xmllint --nonet --noout "$bag/data/timeline.gexf"
if [ -d "$SCHEMAS" ]; then
    for g in "$out/graph.graphml" "$bag/data/subgraph.graphml"; do
        if xmllint --nonet --noout --schema "$XSD" "$g" >"$tmp/xsd.log" 2>&1; then
            ok "$(basename "$g") is valid against $XSD"
        else
            nok "$(basename "$g") is valid against $XSD: $(err "$tmp/xsd.log")"
        fi
    done
else
    echo "SKIP schema: $SCHEMAS not found"
fi

e2e_done
