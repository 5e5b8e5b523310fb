#!/bin/sh
# e2e_cache.sh BUILD_DIR - the summary cache (--cache, docs/reduced.md), end to end.
#
# A simulator world split into daily partitions (a folder per event table,
# some logins days gzipped, one charges day as a dotted file) is run as a
# nightly job would run it, and every night's outputs are compared with a
# cold run without a cache over the same window and the same files: every
# output file byte for byte, run.json but for what records the run rather
# than the data (phases, detection.seconds, run_id, command_line and the
# cache object).
# Checked: (a) a cold run that writes the cache gives the outputs of one
# without; (b) a warm run parses nothing; (c) a new day's partitions with
# the window moved one day parse only the new files; (d) a corrupted and a
# truncated summary are noted, rebuilt from their inputs, and change no
# output; (e) an input deleted has its summary pruned; (f) a file whose
# modification time changed is parsed again; (g) --cache inside OUT_DIR and
# --cache with --no-cache are refused.
. tests/lib.sh
E2E_LIMIT=120
e2e_init "$1"
export SOURCE_DATE_EPOCH=1767225600
EV="logins bids ratings payouts charges ports"

gen_or_stop "$tmp/gen" --seed 11 --accounts 3000 --clients 600 --days 30 --rings 6 \
    --ring-size 4-10

# --- daily partitions, the last day held back ---------------------------------
mkdir -p "$tmp/in"
cp "$tmp/gen/accounts.csv" "$tmp/in/accounts.csv"
for t in $EV; do
    mkdir -p "$tmp/in/$t"
    awk -F, -v dir="$tmp/in/$t" -v hdr="$(head -n 1 "$tmp/gen/$t.csv")" '
        NR == 1 { next }
        { f = dir "/" substr($1, 1, 10) ".csv"
          if (!(f in seen)) { seen[f] = 1; print hdr > f }
          print > f }' "$tmp/gen/$t.csv"
done
days=$(ls "$tmp/in/logins" | sed 's/\.csv$//' | sort)
ndays=$(echo "$days" | wc -l)
last=$(echo "$days" | tail -n 1)
mkdir -p "$tmp/held"
for t in $EV; do
    [ -f "$tmp/in/$t/$last.csv" ] && mv "$tmp/in/$t/$last.csv" "$tmp/held/$t.csv"
done
i=0
for f in "$tmp"/in/logins/*.csv; do
    i=$((i + 1))
    [ $((i % 3)) -eq 0 ] && gzip -n "$f"
done
first=$(echo "$days" | head -n 1)
mv "$tmp/in/charges/$first.csv" "$tmp/in/charges.$first.csv"
# Exports land well before the night's run: files modified in the last
# seconds are not trusted by their modification time (summary.h).
find "$tmp/in" -type f -exec touch -d '2025-12-30 00:00:00' {} +
nfiles=$(find "$tmp/in" -type f | wc -l)
[ "$ndays" -ge 25 ] && ok "$nfiles input files over $((ndays - 1)) days (day $last held back)" ||
    nok "too few days: $ndays"

day() { # day N - the date N days after the first
    $PY -c "import datetime,sys; print((datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=int(sys.argv[2]))).isoformat())" "$first" "$1"
}

run() { # run OUT ARGS...
    _out=$1
    shift
    rs run "$tmp/in" -o "$_out" --seed 42 --no-geoip "$@" >/dev/null 2>"$_out.err"
}

# cache_field OUT KEY - a number of run.json's cache object.
cache_field() {
    $PY -c "import json,sys; print(json.load(open(sys.argv[1]+'/current/run.json'))['cache'][sys.argv[2]])" "$1" "$2"
}

# same OUT_A OUT_B WHAT - every output identical; run.json but for phases,
# run_id, command_line and cache.
same() {
    _a=$(cd "$1/current" && pwd -P)
    _b=$(cd "$2/current" && pwd -P)
    if ! diff -r -q -x run.json "$_a" "$_b" >"$tmp/d.txt"; then
        nok "$3: outputs differ: $(err "$tmp/d.txt")"
        return
    fi
    if ! $PY - "$_a/run.json" "$_b/run.json" >"$tmp/d.txt" <<'EOF'; then
import json, sys
def strip(p):
    r = json.load(open(p))
    for k in ("phases", "run_id", "command_line", "cache"):
        r.pop(k, None)
    r.get("detection", {}).pop("seconds", None)
    return r
a, b = (strip(p) for p in sys.argv[1:3])
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        print(k)
sys.exit(a != b)
EOF
        nok "$3: run.json differs in $(err "$tmp/d.txt")"
        return
    fi
    _n=$(find "$_a" -type f | wc -l)
    _r=$(ls "$_a/evidence" | grep -c '^R')
    ok "$3: all $_n output files identical ($_r rings), run.json but for timings and the cache"
}

C=$tmp/cache
W1="--since $(day 1) --until $(day 28)"
W2="--since $(day 2) --until $(day 29)"

# --- (a) cold with the cache, against no cache ---------------------------------
# shellcheck disable=SC2086
run "$tmp/nocache1" $W1
# shellcheck disable=SC2086
run "$tmp/cold" $W1 --cache "$C"
same "$tmp/cold" "$tmp/nocache1" "cold run writing the cache"
nsum=$(ls "$C" | grep -c '\.rsum$')
[ "$nsum" -eq "$nfiles" ] && [ "$(cache_field "$tmp/cold" summaries_written)" -eq "$nfiles" ] &&
    [ -f "$C/index" ] && ok "cold run: $nsum summaries written, one per input, and an index" ||
    nok "cold run: $nsum summaries for $nfiles inputs"

# --- (b) warm, nothing changed ------------------------------------------------------
# shellcheck disable=SC2086
run "$tmp/warm" $W1 --cache "$C"
same "$tmp/warm" "$tmp/nocache1" "warm run, nothing changed"
[ "$(cache_field "$tmp/warm" files_parsed)" -eq 0 ] &&
    [ "$(cache_field "$tmp/warm" input_bytes_read)" -eq 0 ] &&
    [ "$(cache_field "$tmp/warm" files_from_summary)" -eq "$nfiles" ] &&
    ok "warm run: no input parsed, all $nfiles from summaries" ||
    nok "warm run: $(cache_field "$tmp/warm" files_parsed) files parsed"

# --- (c) a new day, the window moved one day ---------------------------------------
nnew=0
for t in $EV; do
    [ -f "$tmp/held/$t.csv" ] || continue
    cp "$tmp/held/$t.csv" "$tmp/in/$t/$last.csv"
    touch -d '2025-12-31 00:00:00' "$tmp/in/$t/$last.csv"
    nnew=$((nnew + 1))
done
# shellcheck disable=SC2086
run "$tmp/night2" $W2 --cache "$C"
# shellcheck disable=SC2086
run "$tmp/nocache2" $W2
same "$tmp/night2" "$tmp/nocache2" "next night: a new day, the window moved"
[ "$(cache_field "$tmp/night2" files_parsed)" -eq "$nnew" ] &&
    ok "next night: only the $nnew new partitions parsed" ||
    nok "next night: $(cache_field "$tmp/night2" files_parsed) parsed, $nnew new"

# --- (d) a corrupted and a truncated summary -------------------------------------
set -- $(ls "$C"/*.rsum | head -n 40 | tail -n 2)
$PY - "$1" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
EOF
sz=$(wc -c <"$2")
head -c $((sz / 2)) "$2" >"$2.tmp" && mv "$2.tmp" "$2"
# shellcheck disable=SC2086
run "$tmp/night3" $W2 --cache "$C"
same "$tmp/night3" "$tmp/nocache2" "a corrupted and a truncated summary"
notes=$(grep -c 'ringscan: note: cache: .*summary .* is .*: reading the file again' "$tmp/night3.err")
[ "$notes" -eq 2 ] && [ "$(cache_field "$tmp/night3" summaries_rebuilt)" -eq 2 ] &&
    [ "$(cache_field "$tmp/night3" files_parsed)" -eq 2 ] &&
    grep -q 'checksum mismatch' "$tmp/night3.err" && grep -q 'length mismatch' "$tmp/night3.err" &&
    ok "damaged summaries: two notes (checksum, length), both rebuilt" ||
    nok "damaged summaries: $notes notes, $(cache_field "$tmp/night3" summaries_rebuilt) rebuilt: $(err "$tmp/night3.err")"
# shellcheck disable=SC2086
run "$tmp/night3b" $W2 --cache "$C"
[ "$(cache_field "$tmp/night3b" files_parsed)" -eq 0 ] && ! grep -q cache "$tmp/night3b.err" &&
    ok "rebuilt summaries serve the next run, silently" ||
    nok "after the rebuild: $(cache_field "$tmp/night3b" files_parsed) parsed: $(err "$tmp/night3b.err")"

# --- (e) an input deleted: its summary pruned --------------------------------------
gone="$tmp/in/ratings/$(day 3).csv"
sha=$(sha256sum "$gone" | cut -c1-64)
rm "$gone"
# shellcheck disable=SC2086
run "$tmp/night4" $W2 --cache "$C"
# shellcheck disable=SC2086
run "$tmp/nocache4" $W2
same "$tmp/night4" "$tmp/nocache4" "an input deleted"
[ "$(cache_field "$tmp/night4" summaries_pruned)" -eq 1 ] && ! ls "$C" | grep -q "^$sha-" &&
    ! grep -q "ratings/$(day 3).csv" "$C/index" &&
    ok "the deleted input's summary pruned, its index entry dropped" ||
    nok "deleted input: $(cache_field "$tmp/night4" summaries_pruned) pruned"

# --- (f) a modification time changed: parsed again -------------------------------
touch -d '2026-01-01 00:00:00' "$tmp/in/bids/$(day 5).csv"
# shellcheck disable=SC2086
run "$tmp/night5" $W2 --cache "$C"
same "$tmp/night5" "$tmp/nocache4" "a file touched"
[ "$(cache_field "$tmp/night5" files_parsed)" -eq 1 ] &&
    ok "the touched file alone parsed again" ||
    nok "touched: $(cache_field "$tmp/night5" files_parsed) parsed"

# --- (g) refused -----------------------------------------------------------------
rs run "$tmp/in" -o "$tmp/o6" --no-geoip --quiet --cache "$tmp/o6/cache" 2>"$tmp/e6"
[ $? -eq 1 ] && grep -q 'inside the output directory' "$tmp/e6" &&
    ok "--cache inside OUT_DIR refused" || nok "--cache inside OUT_DIR: $(err "$tmp/e6")"
rs run "$tmp/in" -o "$tmp/o7" --no-geoip --quiet --cache "$C" --no-cache 2>"$tmp/e7"
[ $? -eq 2 ] && ok "--cache with --no-cache is a usage error" || nok "--no-cache: $(err "$tmp/e7")"

e2e_done
