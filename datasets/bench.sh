#!/bin/sh
# bench.sh BUILD - throughput, growth and memory of ringscan on generated data.
#
# Two sizes of one marketplace, 50 days without user agents, generated once
# and cached under out/bench/:
#   8x  BENCH_ACCOUNTS freelancers (200 000), clients a tenth, 40 rings
#       (about 15.7 M rows, ~66 bytes a login row);
#   1x  an eighth of that, rings too (5): about 2 M rows.
# Rings scale with the data, so an export that grew with rings x rows would
# show as a higher cost per row at 8x. For each size, on the logins table
# alone and on all tables:
#   validate  the parse floor: read, UTF-8 check, CSV, typed values
#   run       the whole pipeline (ingest, graph, enrich, detect, evidence,
#             export), evidence bags included
# each BENCH_RUNS times (3; 5 for published figures), reporting medians: per
# phase seconds, rows/s and peak RSS per input row; the whole run as a
# multiple of validate; export's share of the run; and, last, the cost per
# row at 8x over 1x for each phase (1.00 = linear).
set -eu
build=$1
accounts=${BENCH_ACCOUNTS:-200000}
days=${BENCH_DAYS:-50}
runs=${BENCH_RUNS:-3}
mkdir -p out/bench

gen() { # dir accounts rings
    if [ ! -f "$1/logins.csv" ]; then
        echo "bench: generating $2 accounts x $days days, $3 rings into $1"
        /usr/bin/time -f "bench: generator %e s, peak RSS %M KB" \
            "$build/ringscan-gen" --seed 7 --accounts "$2" --clients $(($2 / 10)) \
            --days "$days" --rings "$3" --no-user-agent --quiet -o "$1"
    fi
    mkdir -p "$1-logins"
    ln -sf "../$(basename "$1")/logins.csv" "$1-logins/logins.csv"
}

big=out/bench/data-$accounts-$days
small=out/bench/data-$((accounts / 8))-$days
gen "$big" "$accounts" 40
gen "$small" $((accounts / 8)) 5

results=out/bench/results.txt
: >"$results"
bench_one() { # label input-dir
    i=0
    while [ "$i" -lt "$runs" ]; do
        t0=$(date +%s.%N)
        "$build/ringscan" validate "$2" --quiet || true
        t1=$(date +%s.%N)
        rm -rf "out/bench/result-$1"
        /usr/bin/time -o out/bench/time.txt -f "%e %M" \
            "$build/ringscan" run "$2" -o "out/bench/result-$1" --quiet --no-geoip --seed 7
        printf '%s %s %s %s\n' "$1" "$t0" "$t1" "$(cat out/bench/time.txt)" >>"$results"
        /usr/bin/python3 - "out/bench/result-$1/run.json" >>"$results" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
rows = sum(f["rows_read"] for f in run["inputs"])
print("phases", rows, " ".join("%s=%.4f,%d" % (p["name"], p["seconds"], p["peak_rss_bytes"])
                                for p in run["phases"]))
PY
        i=$((i + 1))
    done
}
for size in 1x 8x; do
    d=$small
    [ "$size" = 8x ] && d=$big
    bench_one "$size-logins" "$d-logins"
    bench_one "$size-all" "$d"
done

/usr/bin/python3 - "$results" "$runs" <<'PY'
import statistics, sys
lines = open(sys.argv[1]).read().split("\n")
runs = {}
for head, ph in zip(lines[0::2], lines[1::2]):
    if not head:
        continue
    label, t0, t1, wall, rss_kb = head.split()
    val = float(t1) - float(t0)
    _, rows, *phases = ph.split()
    r = runs.setdefault(label, {"rows": int(rows), "validate": [], "wall": [], "rss": [], "ph": {}})
    r["validate"].append(float(val))
    r["wall"].append(float(wall))
    r["rss"].append(int(rss_kb) * 1024)
    for p in phases:
        name, v = p.split("=")
        s, peak = v.split(",")
        r["ph"].setdefault(name, []).append((float(s), int(peak)))
med = statistics.median
order = ["ingest", "graph", "enrich", "detect", "evidence", "export"]
per_row = {}
for label, r in runs.items():
    n = r["rows"]
    v, w = med(r["validate"]), med(r["wall"])
    print(f"bench [{label}] {n / 1e6:.2f} M rows, medians of {len(r['wall'])}")
    print(f"bench [{label}]   validate {v:.2f} s ({n / v / 1e6:.2f} M rows/s); whole run {w:.2f} s "
          f"({n / w / 1e6:.2f} M rows/s) = {w / v:.2f} x validate; peak RSS {med(r['rss']) / 2**20:.0f} MiB "
          f"= {med(r['rss']) / n:.0f} B/row")
    total = 0.0
    for name in order:
        if name not in r["ph"]:
            continue
        s = med(x[0] for x in r["ph"][name])
        peak = med(x[1] for x in r["ph"][name])
        total += s
        per_row[(label, name)] = s / n
        print(f"bench [{label}]   {name:8s} {s:7.2f} s  {n / max(s, 1e-9) / 1e6:8.2f} M rows/s  "
              f"{s / n * 1e9:7.0f} ns/row  peak {peak / n:4.0f} B/row")
    per_row[(label, "run")] = w / n
    ex = med(x[0] for x in r["ph"].get("export", [(0, 0)])) + med(x[0] for x in r["ph"].get("evidence", [(0, 0)]))
    print(f"bench [{label}]   evidence+export {ex / w * 100:.0f} % of the run")
for kind in ("logins", "all"):
    a, b = f"1x-{kind}", f"8x-{kind}"
    if a in runs and b in runs:
        cells = []
        for name in order + ["run"]:
            if (a, name) in per_row and per_row[(a, name)] > 0:
                cells.append(f"{name} {per_row[(b, name)] / per_row[(a, name)]:.2f}")
        print(f"bench [{kind}] cost per row, 8x over 1x: " + ", ".join(cells))
PY
