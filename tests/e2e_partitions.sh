#!/bin/sh
# e2e_partitions.sh BUILD_DIR - partitioned inputs and the time window, end to end.
#
# A simulator world is written twice: as one file per table (event tables
# sorted by timestamp, so the row order is the one daily partitions give:
# first-seen order decides ids) and as daily partitions (a folder for logins
# and ratings, dotted names for bids, payouts and ports, charges.csv beside a
# charges/ folder, some partitions gzipped). Checked: (a) the findings of the
# two layouts are identical (every output but run.json and what names or
# hashes the inputs; events.csv without its provenance columns); (b) with
# --since/--until the findings equal those of single files cut to the same
# window with awk, --until with --window gives the same window, and evidence
# rows cite the partition file, its SHA-256 and the line that holds the row;
# (c) run.json's out-of-window counts add up per file and over the run and
# match awk's count; --window alone ends at the run's clock;
# (d) bad --since/--until/--window values exit 2 with one line and a hint.
. tests/lib.sh
E2E_LIMIT=120
e2e_init "$1"
[ -n "${KEEP:-}" ] && trap - EXIT
export SOURCE_DATE_EPOCH=1767225600
EV="logins bids ratings payouts charges ports"

"$GEN" --seed 11 --accounts 3000 --clients 600 --days 30 --rings 6 --ring-size 4-10 --quiet \
    -o "$tmp/gen" || {
    nok "ringscan-gen failed"
    e2e_done
    exit 1
}

# --- the two layouts ---------------------------------------------------------
mkdir -p "$tmp/single" "$tmp/parts/logins" "$tmp/parts/ratings" "$tmp/parts/charges"
cp "$tmp/gen/accounts.csv" "$tmp/single/accounts.csv"
cp "$tmp/gen/accounts.csv" "$tmp/parts/accounts.csv"
for t in $EV; do
    head -n 1 "$tmp/gen/$t.csv" >"$tmp/single/$t.csv"
    tail -n +2 "$tmp/gen/$t.csv" | LC_ALL=C sort -s -t, -k1,1 >>"$tmp/single/$t.csv"
done
days=$(tail -n +2 "$tmp/single/logins.csv" | cut -c1-10 | sort -u)
ndays=$(echo "$days" | wc -l)
first_day=$(echo "$days" | head -n 1)

# split TABLE PATTERN: one file per day, PATTERN with DAY replaced, header each.
split() {
    awk -F, -v pat="$2" -v hdr="$(head -n 1 "$tmp/single/$1.csv")" '
        NR == 1 { next }
        { d = substr($1, 1, 10); f = pat; sub(/DAY/, d, f)
          if (!(f in seen)) { seen[f] = 1; print hdr > f }
          print > f }' "$tmp/single/$1.csv"
}
split logins "$tmp/parts/logins/DAY.csv"
split ratings "$tmp/parts/ratings/DAY.csv"
split bids "$tmp/parts/bids.DAY.csv"
split payouts "$tmp/parts/payouts.DAY.csv"
split ports "$tmp/parts/ports.DAY.csv"
split charges "$tmp/parts/charges/DAY.csv"
# charges: the first day as charges.csv beside the folder (sorted first)
mv "$tmp/parts/charges/$first_day.csv" "$tmp/parts/charges.csv"
# gzip every other logins day, and all payouts
i=0
for f in "$tmp"/parts/logins/*.csv; do
    i=$((i + 1))
    [ $((i % 2)) -eq 0 ] && gzip -n "$f"
done
gzip -n "$tmp"/parts/payouts.*.csv
echo "daily partitions, not data" >"$tmp/parts/logins/README.txt"
nfiles=$(find "$tmp/parts" -name '*.csv*' | wc -l) # accounts.csv included
[ "$ndays" -ge 20 ] && [ "$nfiles" -gt 100 ] && ok "$nfiles input files over $ndays days" ||
    nok "too few partitions: $nfiles files, $ndays days"

run() { # run IN OUT ARGS...
    _in=$1
    _out=$2
    shift 2
    rs run "$_in" -o "$_out" --seed 42 --no-geoip --quiet "$@" 2>"$_out.err"
}

# same_findings A B WHAT - every output but run.json and the files naming or
# hashing inputs; events.csv compared without source_file, source_sha256, line,
# and summary.json without its evidence rows' file and line.
same_findings() {
    _a=$(cd "$1/current" && pwd -P)
    _b=$(cd "$2/current" && pwd -P)
    if diff -r -q -x run.json -x index.html -x bag-info.txt -x manifest-sha256.txt \
        -x tagmanifest-sha256.txt -x report.html -x events.csv -x summary.json \
        "$_a" "$_b" >"$tmp/d.txt"; then
        :
    else
        nok "$3: outputs differ: $(err "$tmp/d.txt")"
        return
    fi
    _n=0
    for e in "$_a"/evidence/*/data/events.csv; do
        r=${e#"$_a"/}
        cut -d, -f4- "$e" >"$tmp/ev-a.csv"
        cut -d, -f4- "$_b/$r" >"$tmp/ev-b.csv" 2>/dev/null
        if ! cmp -s "$tmp/ev-a.csv" "$tmp/ev-b.csv"; then
            nok "$3: $r differs beyond provenance"
            return
        fi
        s=${r%events.csv}summary.json
        if ! $PY - "$_a/$s" "$_b/$s" <<'EOF'; then
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("file", "line")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
sys.exit(a != b)
EOF
            nok "$3: $s differs beyond the cited files and lines"
            return
        fi
        _n=$((_n + 1))
    done
    _rings=$(ls "$_a/evidence" | grep -c '^R')
    ok "$3: identical findings ($_rings rings; $_n events.csv and summary.json equal but for provenance)"
}

# --- (a) partitions = single files -------------------------------------------
run "$tmp/single" "$tmp/o-single" && run "$tmp/parts" "$tmp/o-parts" ||
    nok "run failed: $(err "$tmp/o-parts.err")"
same_findings "$tmp/o-single" "$tmp/o-parts" "partitions vs single files"
[ "$(ls "$tmp/o-parts/current/evidence" | grep -c '^R')" -ge 2 ] && ok "at least two rings" ||
    nok "world too small: fewer than two rings"
rs run "$tmp/parts" -o "$tmp/o-note" --seed 42 --no-geoip 2>"$tmp/note.err" >/dev/null
grep -q "ignoring $tmp/parts/logins/README.txt" "$tmp/note.err" &&
    ok "a stray file in a table folder is noted as ignored" ||
    nok "no note for logins/README.txt: $(err "$tmp/note.err")"
rs validate "$tmp/parts" >"$tmp/val.out" 2>&1 && ok "validate accepts the partitions" ||
    nok "validate failed: $(err "$tmp/val.out")"
[ "$(grep -c ' ok ' "$tmp/val.out")" -eq "$nfiles" ] &&
    ok "validate prints one line per file" || nok "validate lines: $(err "$tmp/val.out")"

# --- (b) a window = single files cut to it ----------------------------------
since=$(echo "$days" | sed -n 8p)
until=$(echo "$days" | sed -n 20p)
mkdir -p "$tmp/single-w"
cp "$tmp/single/accounts.csv" "$tmp/single-w/"
for t in $EV; do
    awk -F, -v s="${since}T00:00:00Z" -v u="${until}T00:00:00Z" \
        'NR == 1 || ($1 >= s && $1 < u)' "$tmp/single/$t.csv" >"$tmp/single-w/$t.csv"
done
run "$tmp/parts" "$tmp/o-parts-w" --since "$since" --until "$until" ||
    nok "windowed run failed: $(err "$tmp/o-parts-w.err")"
run "$tmp/single-w" "$tmp/o-single-w" || nok "run on cut files failed"
same_findings "$tmp/o-single-w" "$tmp/o-parts-w" "--since $since --until $until vs awk-cut files"
run "$tmp/parts" "$tmp/o-parts-w2" --until "${until}T00:00:00Z" --window 12d ||
    nok "--window run failed: $(err "$tmp/o-parts-w2.err")"
cmp -s "$tmp/o-parts-w/current/rings.json" "$tmp/o-parts-w2/current/rings.json" &&
    cmp -s "$tmp/o-parts-w/current/accounts.csv" "$tmp/o-parts-w2/current/accounts.csv" &&
    ok "--until with --window 12d is the same window" || nok "--window 12d differs from --since"

# Evidence rows cite the partition, its digest and the line holding the row.
$PY - "$tmp/o-parts-w/current" "$tmp/parts" "$since" "$until" >"$tmp/cite.txt" <<'EOF'
import csv, glob, gzip, hashlib, os, sys
out, parts, since, until = sys.argv[1:5]
checked = bad = 0
for ev in sorted(glob.glob(out + "/evidence/R*/data/events.csv")):
    rows = [r for r in csv.DictReader(open(ev, newline="")) if r["table"] != "accounts"]
    for r in rows[:8]:
        path = os.path.join(parts, r["source_file"])
        raw = open(path, "rb").read()
        digest = hashlib.sha256(raw).hexdigest()
        text = gzip.decompress(raw) if path.endswith(".gz") else raw
        line = text.decode().split("\n")[int(r["line"]) - 1]
        name = r["source_file"]
        partitioned = name.startswith(r["table"] + "/") or name.startswith(r["table"] + ".")
        ok = (digest == r["source_sha256"] and line.split(",")[0] == r["ts_original"]
              and since <= r["ts_original"][:10] < until and partitioned)
        for col in ("account_id", "freelancer_id", "client_id"):
            if r.get(col):
                ok = ok and ("," + r[col] + ",") in ("," + line + ",")
        checked += 1
        if not ok:
            bad += 1
            print("bad citation:", name, r["line"], r["ts_original"], "->", line[:80])
print(checked, bad)
EOF
set -- $(tail -n 1 "$tmp/cite.txt")
[ "${1:-0}" -ge 10 ] && [ "${2:-1}" -eq 0 ] &&
    ok "$1 evidence rows cite their partition file, SHA-256 and line (checked in the file)" ||
    nok "evidence citations: $(err "$tmp/cite.txt")"

# --- (c) out-of-window counts ---------------------------------------------------
outside=0
for t in $EV; do
    n=$(awk -F, -v s="${since}T00:00:00Z" -v u="${until}T00:00:00Z" \
        'NR > 1 && ($1 < s || $1 >= u)' "$tmp/single/$t.csv" | wc -l)
    outside=$((outside + n))
done
newest=$(for t in $EV; do tail -n +2 "$tmp/single/$t.csv" | cut -d, -f1; done | sort | tail -n 1)
$PY - "$tmp/o-parts-w/current/run.json" "$outside" "$since" "$until" "$nfiles" \
    "$tmp/o-parts/current/run.json" >"$tmp/counts.txt" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1])); outside = int(sys.argv[2])
since, until, nfiles = sys.argv[3], sys.argv[4], int(sys.argv[5])
plain = json.load(open(sys.argv[6]))
errs = []
ins = run["inputs"]
if len(ins) != nfiles: errs.append("inputs: %d files, want %d" % (len(ins), nfiles))
if sum(f["rows_out_of_window"] for f in ins) != run["rows_out_of_window_total"]:
    errs.append("per-file counts do not add up to the total")
if run["rows_out_of_window_total"] != outside:
    errs.append("total %d, awk counts %d" % (run["rows_out_of_window_total"], outside))
for f in ins:
    if f["rows_read"] != f["rows_loaded"] + f["rows_skipped"] + f["rows_out_of_window"]:
        errs.append(f["file"] + ": read != loaded + skipped + out of window")
    if f["table"] == "accounts" and f["rows_out_of_window"]:
        errs.append("accounts filtered")
if len({f["sha256"] for f in ins}) != len(ins): errs.append("digests not per file")
w = run["window"]
if w["since"] != since + "T00:00:00Z" or w["until"] != until + "T00:00:00Z":
    errs.append("window recorded as %r" % w)
if run["config"].get("time_window") != w: errs.append("config echo lacks the window")
if plain["window"] is not None or "time_window" in plain["config"] or plain["rows_out_of_window_total"]:
    errs.append("a run without a window records one")
print("; ".join(errs) if errs else "OK")
EOF
[ "$(cat "$tmp/counts.txt")" = OK ] && ok "out-of-window counts add up ($outside rows) and the window is recorded" ||
    nok "run.json counts: $(err "$tmp/counts.txt")"
rs run "$tmp/parts" -o "$tmp/o-sum" --seed 42 --no-geoip --since "$since" --until "$until" \
    2>"$tmp/sum.err" >/dev/null
grep -q "; $outside event rows outside the window \[${since}T00:00:00Z, ${until}T00:00:00Z) skipped" \
    "$tmp/sum.err" && ok "the summary line counts the rows outside the window" ||
    nok "summary line: $(err "$tmp/sum.err")"

# --window alone ends at the run's clock (SOURCE_DATE_EPOCH), not at the
# newest event: here the day after the newest event.
clock=$(date -u -d "$(echo "$newest" | cut -c1-10) + 1 day" +%Y-%m-%dT00:00:00Z)
SOURCE_DATE_EPOCH=$(date -u -d "$clock" +%s) run "$tmp/parts" "$tmp/o-rel" --window 10d ||
    nok "--window 10d failed: $(err "$tmp/o-rel.err")"
$PY - "$tmp/o-rel/current/run.json" "$clock" >"$tmp/rel.txt" <<'EOF'
import json, sys, datetime as dt
w = json.load(open(sys.argv[1]))["window"]; clock = sys.argv[2]
p = lambda s: dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
good = (w["until"] == clock and w["run_clock"] == clock and w["until_from"] == "run clock"
        and p(w["until"]) - p(w["since"]) == dt.timedelta(days=10) and w["length"] == "10d")
print("OK" if good else "window %r, clock %s" % (w, clock))
EOF
[ "$(cat "$tmp/rel.txt")" = OK ] && ok "--window alone ends at the run's clock ($clock)" ||
    nok "--window 10d: $(err "$tmp/rel.txt")"

# --- (d) bad values ------------------------------------------------------------
for args in "--since yesterday" "--until 2026-13-01" "--since 2026-02-30" "--window 0d" \
    "--window 5m" "--window 60" "--window 3d --since 2026-01-01" \
    "--since 2026-03-02 --until 2026-03-01" "--since 2026-03-01 --until 2026-03-01"; do
    rc=0
    # shellcheck disable=SC2086
    rs run "$tmp/parts" -o "$tmp/o-bad" $args >/dev/null 2>"$tmp/bad.err" || rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 2 ] &&
        head -n 1 "$tmp/bad.err" | grep -q '^ringscan: '; then
        ok "$args: exit 2, one line and a hint"
    else
        nok "$args: exit $rc: $(err "$tmp/bad.err")"
    fi
done
[ ! -e "$tmp/o-bad" ] && ok "no OUT_DIR made on a usage error" || nok "OUT_DIR made on a usage error"

e2e_done
