#!/bin/sh
# bench.sh BUILD - throughput and memory of ringscan on generated data.
# Generates (once, cached in out/bench/) a marketplace of 200 k freelancer
# accounts whose logins table has about 10 M rows, then times
#   validate  (parse floor: read, decompress, UTF-8, CSV, typed values)
#   run       (ingest + graph build + enrichment + export)
# and prints rows/s per phase from run.json and peak RSS from /usr/bin/time.
# BENCH_DAYS scales the data (default 60); BENCH_ACCOUNTS the population.
set -eu
build=$1
days=${BENCH_DAYS:-60}
accounts=${BENCH_ACCOUNTS:-200000}
dir=out/bench/data-$accounts-$days
mkdir -p out/bench
if [ ! -f "$dir/logins.csv" ]; then
    echo "bench: generating $accounts accounts x $days days into $dir"
    /usr/bin/time -f "bench: generator %e s, peak RSS %M KB" \
        "$build/ringscan-gen" --seed 7 --accounts "$accounts" --clients $((accounts / 10)) \
        --days "$days" --rings 40 --quiet -o "$dir"
fi
rows=$(($(wc -l <"$dir/logins.csv") - 1))
bytes=$(stat -c %s "$dir/logins.csv")
echo "bench: logins.csv: $rows rows, $((bytes / 1000000)) MB"
t0=$(date +%s.%N)
"$build/ringscan" validate "$dir" --quiet || true
t1=$(date +%s.%N)
echo "bench: validate (all tables, parse only): $(echo "$t1 - $t0" | bc) s"
/usr/bin/time -f "bench: run wall %e s, peak RSS %M KB" \
    "$build/ringscan" run "$dir" -o out/bench/result --quiet --no-geoip --seed 7
/usr/bin/python3 - out/bench/result/run.json "$rows" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
rows = sum(f["rows_read"] for f in run["inputs"])
logins = int(sys.argv[2])
ph = {p["name"]: p for p in run["phases"]}
stage = sum(ph[n]["seconds"] for n in ("ingest", "graph", "enrich") if n in ph)
for p in run["phases"]:
    print(f"bench: phase {p['name']:<8} {p['seconds']:8.2f} s  peak RSS {p['peak_rss_bytes']/2**20:8.0f} MiB")
print(f"bench: ingest+graph+enrich: {stage:.2f} s for {rows} rows ({logins} logins): "
      f"{rows/stage/1e6:.2f} M rows/s")
PY
