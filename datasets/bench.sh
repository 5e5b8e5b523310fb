#!/bin/sh
# bench.sh BUILD - throughput and memory of ringscan on generated data.
#
# Generates once (cached under out/bench/) a marketplace of 200 k freelancer
# accounts over 50 days without user agents: about 10 M login rows, ~50 bytes
# each. Then, for the logins table alone and for all tables:
#   validate  the parse floor: read, UTF-8 check, CSV, typed values
#   run       ingest + graph build + enrichment (+ detect, evidence and export,
#             reported apart)
# and prints rows/s from run.json and peak RSS from /usr/bin/time.
# BENCH_ACCOUNTS and BENCH_DAYS scale the data.
set -eu
build=$1
accounts=${BENCH_ACCOUNTS:-200000}
days=${BENCH_DAYS:-50}
dir=out/bench/data-$accounts-$days
mkdir -p out/bench
if [ ! -f "$dir/logins.csv" ]; then
    echo "bench: generating $accounts accounts x $days days into $dir"
    /usr/bin/time -f "bench: generator %e s, peak RSS %M KB" \
        "$build/ringscan-gen" --seed 7 --accounts "$accounts" --clients $((accounts / 10)) \
        --days "$days" --rings 40 --no-user-agent --quiet -o "$dir"
fi
mkdir -p "$dir-logins"
ln -sf "../$(basename "$dir")/logins.csv" "$dir-logins/logins.csv"

bench_one() { # name input-dir
    name=$1
    in=$2
    t0=$(date +%s.%N)
    "$build/ringscan" validate "$in" --quiet || true
    t1=$(date +%s.%N)
    /usr/bin/time -o out/bench/time.txt -f "%e %M" \
        "$build/ringscan" run "$in" -o "out/bench/result-$name" --quiet --no-geoip --seed 7
    /usr/bin/python3 - "out/bench/result-$name/run.json" "$name" "$t0" "$t1" out/bench/time.txt <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
name, t0, t1 = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
wall, rss_kb = open(sys.argv[5]).read().split()
rows = sum(f["rows_read"] for f in run["inputs"])
mb = sum(f["bytes"] for f in run["inputs"]) / 1e6
ph = {p["name"]: p for p in run["phases"]}
stage = sum(ph[n]["seconds"] for n in ("ingest", "graph", "enrich") if n in ph)
peak_stage = max(ph[n]["peak_rss_bytes"] for n in ("ingest", "graph", "enrich") if n in ph)
print(f"bench [{name}] {rows} rows, {mb:.0f} MB")
print(f"bench [{name}] validate (parse floor): {t1 - t0:.2f} s, {rows / (t1 - t0) / 1e6:.2f} M rows/s")
print(f"bench [{name}] ingest+graph+enrich: {stage:.2f} s, {rows / stage / 1e6:.2f} M rows/s, "
      f"peak RSS {peak_stage / 2**20:.0f} MiB")
det = ph.get("detect", {}).get("seconds", 0.0)
ev = ph.get("evidence", {}).get("seconds", 0.0)
print(f"bench [{name}] detect: {det:.2f} s ({det / stage:.2f} x ingest+graph+enrich); "
      f"evidence: {ev:.2f} s; export: {ph['export']['seconds']:.2f} s; "
      f"whole run {float(wall):.2f} s, peak RSS {int(rss_kb) / 1024:.0f} MiB")
PY
}
bench_one logins "$dir-logins"
bench_one all "$dir"
