#!/bin/sh
# e2e_threads.sh BUILD_DIR - outputs do not depend on how the work is done:
#   - --threads 1, 2 and 7 (more than the cores) give byte-identical outputs
#     (every file but run.json), and run.json records the count;
#   - the evidence pass reads only the rows it needs from plain files (the row
#     index) and whole gzip files: the same world gzipped gives the same
#     evidence rows in every bag (file name and digest columns aside), and
#     run.json says which files each way;
#   - --threads 0 is a usage error.
set -u

. tests/lib.sh
E2E_LIMIT=120
e2e_init "${1:-}"

gen_or_stop "$tmp/in" --seed 5 --accounts 6000 --clients 1200 --rings 24 --days 40
export SOURCE_DATE_EPOCH=1780000000
for n in 1 2 7; do
    rs run "$tmp/in" -o "$tmp/t$n" --no-geoip --quiet --threads $n 2>"$tmp/t$n.err" ||
        nok "--threads $n: $(err "$tmp/t$n.err")"
    got=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["threads"])' \
        "$tmp/t$n/current/run.json" 2>/dev/null)
    check "run.json records threads $n (got '$got')" [ "$got" = "$n" ]
done
n=$(ls "$tmp/t1/current/evidence" | wc -l)
check "rings with bags to write ($n)" [ "$n" -gt 3 ]
for n in 2 7; do
    if diff -rq -x run.json "$tmp/t1/current/" "$tmp/t$n/current/" >"$tmp/diff$n.txt"; then
        ok "every output identical with --threads 1 and --threads $n"
    else
        nok "outputs differ with --threads $n: $(err "$tmp/diff$n.txt")"
    fi
done

mkdir -p "$tmp/gz"
for f in "$tmp/in"/*.csv; do
    gzip -c "$f" >"$tmp/gz/$(basename "$f").gz"
done
rs run "$tmp/gz" -o "$tmp/gzout" --no-geoip --quiet 2>"$tmp/gz.err" ||
    nok "gzip inputs: $(err "$tmp/gz.err")"
"$PY" - "$tmp/t1/current/evidence" "$tmp/gzout/current/evidence" >"$tmp/cmp.txt" 2>&1 <<'PY'
import csv, os, sys
a, b = sys.argv[1], sys.argv[2]
rings = sorted(os.listdir(a))
assert rings == sorted(os.listdir(b)), "different rings"
rows = 0
for r in rings:
    def load(root):
        with open(os.path.join(root, r, "data", "events.csv"), newline="") as f:
            rd = csv.reader(f)
            head = next(rd)
            drop = {head.index("source_file"), head.index("source_sha256")}
            return [[c for i, c in enumerate(row) if i not in drop] for row in rd]
    x, y = load(a), load(b)
    assert x == y, f"{r}: events differ ({len(x)} rows plain, {len(y)} gzip)"
    rows += len(x)
assert rows > 0, "no evidence rows"
print(f"{len(rings)} bags, {rows} evidence rows identical")
PY
check "selected rows (plain files) equal a full pass (gzip): $(err "$tmp/cmp.txt")" \
    grep -q "rows identical" "$tmp/cmp.txt"
read_how() { # run.json -> "selective whole"
    "$PY" -c 'import json,sys; e=json.load(open(sys.argv[1]))["evidence_read"]; print(e["files_read_selectively"], e["files_read_whole"])' "$1" 2>/dev/null
}
got=$(read_how "$tmp/t1/current/run.json")
check "plain files: all 7 read through the row index (got '$got')" [ "$got" = "7 0" ]
got=$(read_how "$tmp/gzout/current/run.json")
check "gzip files: all 7 read whole (got '$got')" [ "$got" = "0 7" ]

rs run "$tmp/in" -o "$tmp/bad" --threads 0 >/dev/null 2>"$tmp/bad.err"
rc=$?
check "--threads 0: usage error, exit 2 (got $rc)" [ $rc = 2 ]
check "--threads 0: the message names the option" grep -q -- "--threads" "$tmp/bad.err"
e2e_done
