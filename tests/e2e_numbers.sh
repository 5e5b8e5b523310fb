#!/bin/sh
# e2e_numbers.sh BUILD_DIR - numbers in evidence rows are the text the input
# file wrote. A simulator world's payouts are written as JSONL with bare JSON
# numbers (443.20 keeps its trailing zero), three rows that reach evidence
# get 3733.66, 0.3 and 1e2; every payouts row of every bag's events.csv and
# summary.json must show its amount exactly as the line has it, and the run
# must flag the same accounts as the same world read from CSV, whose evidence
# rows show the CSV's amount text too.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/csv" --seed 1 --accounts 600 --clients 150 --days 20
mkdir -p "$tmp/json"
for f in "$tmp"/csv/*.csv; do
    case $f in */payouts.csv | */truth.csv) ;; *) cp "$f" "$tmp/json/" ;; esac
done

# to_jsonl CSV JSONL [LINE=TEXT...] - the payouts as JSON lines, amount a bare
# number with the CSV's text unless LINE (1-based line of the JSONL) says
# otherwise.
to_jsonl() {
    "$PY" - "$@" <<'PYEOF'
import csv, sys
src, dst = sys.argv[1], sys.argv[2]
over = dict(a.split("=", 1) for a in sys.argv[3:])
with open(dst, "w", encoding="utf-8") as out:
    for i, r in enumerate(csv.DictReader(open(src, encoding="utf-8")), 1):
        r["amount"] = over.get(str(i), r["amount"])
        out.write("{" + ", ".join('"%s": %s' % (k, v if k == "amount" else '"%s"' % v)
                                  for k, v in r.items()) + "}\n")
PYEOF
}

# evidence_amounts OUT - "file:line amount" for every payouts row in every
# bag's events.csv and summary.json, sorted.
evidence_amounts() {
    "$PY" - "$1" <<'PYEOF'
import csv, glob, json, os, sys
seen = set()
for b in sorted(glob.glob(os.path.join(sys.argv[1], "current", "evidence", "*", "data"))):
    for r in csv.DictReader(open(os.path.join(b, "events.csv"), encoding="utf-8")):
        if r["table"] == "payouts":
            seen.add("events.csv %s:%s %s" % (r["source_file"], r["line"], r["amount"]))
    s = json.load(open(os.path.join(b, "summary.json"), encoding="utf-8"))
    for fo in s["flags"].values():
        for r in fo.get("rows", []):
            if r["file"].startswith("payouts"):
                seen.add("summary.json %s:%s %s" % (r["file"], r["line"], r["columns"]["amount"]))
print("\n".join(sorted(seen)))
PYEOF
}

# written FILE - "file:line amount" as the payouts file has it, per line.
written() {
    "$PY" - "$1" <<'PYEOF'
import os, re, sys
name = os.path.basename(sys.argv[1])
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if name.endswith(".jsonl"):
        m = re.search(r'"amount": ([^,}]*)', line)
        if m:
            print("%s:%d %s" % (name, i, m.group(1).strip()))
    elif i > 1:
        print("%s:%d %s" % (name, i, line.split(",")[3].strip()))
PYEOF
}

# First pass: which payout lines reach evidence.
to_jsonl "$tmp/csv/payouts.csv" "$tmp/json/payouts.jsonl"
rs run "$tmp/json" -o "$tmp/probe" --no-geoip --quiet 2>"$tmp/run.err" ||
    { nok "run on JSONL payouts: $(err "$tmp/run.err")"; e2e_done; exit 1; }
set -- $(evidence_amounts "$tmp/probe" | grep '^events.csv' | sed 's/^events.csv payouts.jsonl:\([0-9]*\) .*/\1/' | sort -n | uniq | head -3)
[ $# -eq 3 ] || { nok "three payout rows in evidence (found $#)"; e2e_done; exit 1; }
l1=$1 l2=$2 l3=$3
to_jsonl "$tmp/csv/payouts.csv" "$tmp/json/payouts.jsonl" "$l1=3733.66" "$l2=0.3" "$l3=1e2"
# The same amounts in the CSV copy (its line is the JSONL's plus the header).
"$PY" - "$tmp/csv/payouts.csv" "$((l1 + 1))=3733.66" "$((l2 + 1))=0.3" "$((l3 + 1))=1e2" <<'PYEOF'
import sys
path, over = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
lines = open(path, encoding="utf-8").read().split("\n")
for k, v in over.items():
    f = lines[int(k) - 1].split(",")
    f[3] = v
    lines[int(k) - 1] = ",".join(f)
open(path, "w", encoding="utf-8").write("\n".join(lines))
PYEOF

for form in json csv; do
    rs run "$tmp/$form" -o "$tmp/out-$form" --no-geoip --quiet 2>"$tmp/run.err" ||
        { nok "run on $form payouts: $(err "$tmp/run.err")"; continue; }
    case $form in json) file=payouts.jsonl ;; *) file=payouts.csv ;; esac
    written "$tmp/$form/$file" | sort >"$tmp/written-$form"
    evidence_amounts "$tmp/out-$form" >"$tmp/shown-$form"
    n=$(grep -c . "$tmp/shown-$form")
    [ "$n" -gt 0 ] || nok "$form: payout rows in evidence"
    bad=$(sed 's/^[^ ]* //' "$tmp/shown-$form" | sort -u | comm -23 - "$tmp/written-$form" | head -3 | tr '\n' '|')
    if [ -z "$bad" ]; then
        ok "$form: all $n evidence payout amounts are the file's text"
    else
        nok "$form: evidence amounts differ from the file's text: $bad"
    fi
done

for want in "$l1 3733.66" "$l2 0.3" "$l3 1e2"; do
    line=${want%% *} text=${want#* }
    check "events.csv shows payouts.jsonl:$line as $text" \
        grep -q "^events.csv payouts.jsonl:$line $text\$" "$tmp/shown-json"
done
check "JSONL payouts flag the same accounts as CSV" \
    cmp -s "$tmp/out-json/current/accounts.csv" "$tmp/out-csv/current/accounts.csv"

e2e_done
