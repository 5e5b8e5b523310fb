#!/bin/sh
# e2e_mapping.sh BUILD_DIR - files that are not in the contract's own form.
# A simulator world is rewritten as logins.json (a JSON array, one element
# spread over lines), ratings.tsv and payouts.ndjson: the run must flag the
# same accounts and rings as the CSV world (these files used to be ignored
# with exit 0). A data file named for no table is an error naming it, also
# under --quiet. The ratings rewritten as a nested JSONL export with epoch
# times, soft-deleted rows and the reverse direction (freelancer about
# client) load through a config mapping (nested paths, an is_null filter, an
# epoch_seconds transform, a direction) to the same findings, run.json
# counting what was left out by reason; validate --config reads through the
# same mapping. A mapping entry that matches no field, a dotted `columns`
# name and a mapping with a misspelt column are errors.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/csv" --seed 3 --accounts 600 --clients 120 --days 20 --rings 3

# world DIR - a copy of the CSV world without its answer key.
world() {
    mkdir -p "$1"
    for f in "$tmp"/csv/*.csv; do
        case $f in */truth.csv) ;; *) cp "$f" "$1/" ;; esac
    done
}

# run_ok NAME IN [ARGS...] - runs IN into $tmp/o-NAME, failing the check on error.
run_ok() {
    _n=$1
    _in=$2
    shift 2
    rs run "$_in" -o "$tmp/o-$_n" --seed 42 --no-geoip --quiet "$@" 2>"$tmp/$_n.err" ||
        nok "$_n: run failed: $(err "$tmp/$_n.err")"
}

# same_findings NAME WHAT - accounts.csv and rings.json equal the CSV world's.
same_findings() {
    if cmp -s "$tmp/o-csv/current/accounts.csv" "$tmp/o-$1/current/accounts.csv" &&
        cmp -s "$tmp/o-csv/current/rings.json" "$tmp/o-$1/current/rings.json"; then
        ok "$2: the same flagged accounts and rings as the CSV world"
    else
        nok "$2: findings differ from the CSV world"
    fi
}

world "$tmp/plain"
run_ok csv "$tmp/plain"
[ "$(grep -c '' "$tmp/o-csv/current/rings.json")" -gt 3 ] && ok "the CSV world has rings" ||
    nok "world too small: no rings"

# --- .json array, .tsv, .ndjson named for their tables -------------------------
world "$tmp/formats"
"$PY" - "$tmp/formats" <<'PYEOF'
import csv, json, os, sys
d = sys.argv[1]
def rows(t):
    return list(csv.DictReader(open(os.path.join(d, t + ".csv"), encoding="utf-8")))
with open(os.path.join(d, "logins.json"), "w", encoding="utf-8") as f:
    f.write("[\n")
    for i, r in enumerate(rows("logins")):
        r = {k: v for k, v in r.items() if v != ""}
        text = json.dumps(r, indent=2) if i == 0 else json.dumps(r)
        f.write(("  " if i == 0 else " ,") + text + "\n")
    f.write("]\n")
rs = rows("ratings")
with open(os.path.join(d, "ratings.tsv"), "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rs[0].keys()), delimiter="\t")
    w.writeheader()
    w.writerows(rs)
with open(os.path.join(d, "payouts.ndjson"), "w", encoding="utf-8") as f:
    for r in rows("payouts"):
        f.write(json.dumps({k: v for k, v in r.items() if v != ""}) + "\n")
for t in ("logins", "ratings", "payouts"):
    os.remove(os.path.join(d, t + ".csv"))
PYEOF
run_ok formats "$tmp/formats"
same_findings formats "logins.json, ratings.tsv, payouts.ndjson"
"$PY" - "$tmp/o-formats/current/run.json" <<'PYEOF' && ok "run.json lists the three files with their formats" || nok "run.json inputs"
import json, sys
ins = {f["file"]: f for f in json.load(open(sys.argv[1]))["inputs"]}
want = {"logins.json": "json", "ratings.tsv": "tsv", "payouts.ndjson": "jsonl"}
sys.exit(not all(n in ins and ins[n]["format"] == v and ins[n]["rows_loaded"] > 0
                 and "source" not in ins[n] for n, v in want.items()))
PYEOF

# --- an unrecognised data file is an error, also under --quiet -------------------
world "$tmp/stray"
echo '[{"who": "u1", "when": "2026-01-01"}]' >"$tmp/stray/export-2026.json"
rc=0
rs run "$tmp/stray" -o "$tmp/o-stray" --seed 42 --no-geoip --quiet 2>"$tmp/stray.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "export-2026.json: not an input table" "$tmp/stray.err" &&
    grep -q "logins" "$tmp/stray.err" && ok "an unrecognised file is an error naming it (--quiet)" ||
    nok "unrecognised file: exit $rc: $(err "$tmp/stray.err")"
[ ! -e "$tmp/o-stray/current" ] && ok "and nothing is published" || nok "a run was published"

# --- a config mapping: nested paths, a filter, a transform, a direction ----------
world "$tmp/mapped"
"$PY" - "$tmp/mapped" "$tmp/cfg.json" <<'PYEOF'
import calendar, csv, json, os, sys, time
d, cfg = sys.argv[1], sys.argv[2]
src = os.path.join(d, "ratings.csv")
def epoch(s):
    return calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S"))
n_rev = n_del = 0
with open(os.path.join(d, "reviews.jsonl"), "w", encoding="utf-8") as f:
    for i, r in enumerate(csv.DictReader(open(src, encoding="utf-8"))):
        rec = {"created": epoch(r["ts"]), "reviewer_role": "client", "deleted_at": None,
               "review": {"author": r["client_id"], "subject": r["freelancer_id"],
                          "score": float(r["stars"])}}
        if r.get("project_id"):
            rec["project"] = {"id": r["project_id"]}
        f.write(json.dumps(rec) + "\n")
        if i % 3 == 0:  # the freelancer's review of the client: not a rating
            n_rev += 1
            f.write(json.dumps({"created": epoch(r["ts"]), "reviewer_role": "freelancer",
                                "deleted_at": None,
                                "review": {"author": r["freelancer_id"],
                                           "subject": r["client_id"], "score": 1}}) + "\n")
        if i % 5 == 0:  # soft-deleted
            n_del += 1
            f.write(json.dumps({"created": epoch(r["ts"]), "reviewer_role": "client",
                                "deleted_at": "2026-01-02 10:00:00+00",
                                "review": {"author": r["client_id"],
                                           "subject": r["freelancer_id"], "score": 5}}) + "\n")
os.remove(src)
json.dump({"sources": [{
    "name": "reviews", "table": "ratings", "files": ["reviews*.jsonl"],
    "where": [{"path": "deleted_at", "is_null": True}],
    "direction": {"path": "reviewer_role", "keep": ["client"]},
    "fields": {"ts": {"path": "created", "time": "epoch_seconds"},
               "client_id": "review.author", "freelancer_id": "review.subject",
               "stars": "review.score", "project_id": "project.id"}}]}, open(cfg, "w"))
open(cfg + ".counts", "w").write("%d %d\n" % (n_rev, n_del))
PYEOF
run_ok mapped "$tmp/mapped" --config "$tmp/cfg.json"
same_findings mapped "reviews.jsonl through a config mapping"
read -r n_rev n_del <"$tmp/cfg.json.counts"
"$PY" - "$tmp/o-mapped/current/run.json" "$n_rev" "$n_del" <<'PYEOF' && ok "run.json: source, rows taken, left out by reason" || nok "run.json of the mapped file"
import json, sys
run = json.load(open(sys.argv[1]))
f = [x for x in run["inputs"] if x["file"] == "reviews.jsonl"][0]
why = f["left_out_by_reason"]
sys.exit(not (f["source"] == "reviews" and f["table"] == "ratings"
              and why.get("reviewer_role is 'freelancer'") == int(sys.argv[2])
              and why.get("deleted_at is not null") == int(sys.argv[3])
              and f["rows_left_out"] == int(sys.argv[2]) + int(sys.argv[3])
              and f["rows_taken"] == f["rows_loaded"] and "sources" in run["config"]))
PYEOF
rs validate "$tmp/mapped" --config "$tmp/cfg.json" >"$tmp/val.out" 2>&1 &&
    grep -q "reviews.jsonl.*read as reviews" "$tmp/val.out" &&
    ok "validate --config reads through the mapping" || nok "validate --config: $(err "$tmp/val.out")"
rc=0
rs validate "$tmp/mapped" >"$tmp/val2.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "reviews.jsonl: not an input table" "$tmp/val2.out" &&
    ok "validate without the config refuses the export" || nok "validate without config: exit $rc"

# --- errors in mappings and columns --------------------------------------------
sed 's/"review.author"/"review.writer"/' "$tmp/cfg.json" >"$tmp/cfg-none.json"
rc=0
rs run "$tmp/mapped" -o "$tmp/o-none" --no-geoip --quiet --config "$tmp/cfg-none.json" \
    2>"$tmp/none.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "fields.client_id.*'review.writer' matches no field" "$tmp/none.err" &&
    ok "a mapping entry that matches nothing is an error" || nok "entry matching nothing: exit $rc: $(err "$tmp/none.err")"
sed 's/"client_id"/"clientid"/' "$tmp/cfg.json" >"$tmp/cfg-col.json"
rc=0
rs validate "$tmp/mapped" --config "$tmp/cfg-col.json" >"$tmp/col.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "sources\[0\]: fields.clientid: .*did you mean 'client_id'" "$tmp/col.out" &&
    ok "a misspelt column is an error naming its JSON path" || nok "misspelt column: exit $rc: $(err "$tmp/col.out")"
echo '{"columns": {"logins": {"actor.id": "account_id"}}}' >"$tmp/dotted.json"
rc=0
rs run "$tmp/plain" -o "$tmp/o-dotted" --no-geoip --quiet --config "$tmp/dotted.json" \
    2>"$tmp/dotted.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "columns.logins.actor.id.*matches no header.*sources" "$tmp/dotted.err" &&
    ok "a dotted columns name is an error pointing at sources" || nok "dotted columns: exit $rc: $(err "$tmp/dotted.err")"

e2e_done
