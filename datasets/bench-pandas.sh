#!/bin/sh
# bench-pandas.sh BUILD - ringscan against the hand-written pandas + igraph
# workflow (datasets/baseline/analyst.py) on the same 30 000-account world:
# end-to-end wall time of each, evidence included, medians of BENCH_RUNS (3),
# with the share of ringscan's run that evidence and export take (run.json),
# and how many of the world's ring members each one's rings hold (so that the
# yardstick is seen to do the job, not only to take time). Then the floor of
# any ringscan run on those files (tests/bench_floor: one libcsv parse and one
# SHA-256 of every byte, spread perfectly over the online cores), against the
# time that 10x the script would allow. Skipped with a message when Debian's
# python3-pandas or python3-igraph is missing.
set -eu
build=$1
runs=${BENCH_RUNS:-3}
py=/usr/bin/python3
if ! "$py" -c 'import pandas, igraph' 2>/dev/null; then
    echo "bench-pandas: comparison skipped: needs Debian's python3-pandas and python3-igraph" \
        "(apt-get install python3-pandas python3-igraph)"
    exit 0
fi
data=out/bench/pandas-30000
if [ ! -f "$data/logins.csv" ]; then
    echo "bench-pandas: generating 30 000 freelancers, 3 000 clients into $data"
    "$build/ringscan-gen" --seed 7 --accounts 30000 --clients 3000 --quiet -o "$data"
fi
res=out/bench/pandas-times.txt
: >"$res"
i=0
while [ "$i" -lt "$runs" ]; do
    rm -rf out/bench/pandas-ringscan out/bench/pandas-analyst
    t0=$(date +%s.%N)
    /usr/bin/time -o out/bench/pandas-cpu.txt -f "%U %S" \
        "$build/ringscan" run "$data" -o out/bench/pandas-ringscan --quiet --no-geoip --seed 7
    t1=$(date +%s.%N)
    "$py" datasets/baseline/analyst.py "$data" out/bench/pandas-analyst >/dev/null
    t2=$(date +%s.%N)
    # The run's own phases: evidence + export, and all six (run.json).
    ph=$("$py" -c 'import json, sys
r = json.load(open(sys.argv[1]))
s = {p["name"]: p["seconds"] for p in r["phases"]}
e = r["evidence_packages"]
print(s["evidence"] + s["export"], sum(s.values()), e["rings_packaged"], e["rings_without_package"])' \
        out/bench/pandas-ringscan/run.json)
    echo "$t0 $t1 $t2 $(cat out/bench/pandas-cpu.txt) $ph" >>"$res"
    i=$((i + 1))
done
files=
for t in accounts bids charges logins payouts ports ratings; do
    if [ -f "$data/$t.csv" ]; then files="$files $data/$t.csv"; fi
done
# shellcheck disable=SC2086 # one argument per file; the paths have no spaces
if [ -x "$build/tests/bench_floor" ]; then
    "$build/tests/bench_floor" $files | tee out/bench/pandas-floor.txt | sed -n '$!p'
else
    # make bench builds it; a run of this script alone may come without it.
    echo "bench-pandas: no $build/tests/bench_floor (make bench builds it): the floor is left out"
    : >out/bench/pandas-floor.txt
fi
"$py" - "$res" "$data" out/bench/pandas-ringscan out/bench/pandas-analyst \
    out/bench/pandas-floor.txt <<'PY'
import csv, json, statistics, sys
times = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
rs = statistics.median(t[1] - t[0] for t in times)
an = statistics.median(t[2] - t[1] for t in times)
cpu = statistics.median(t[3] + t[4] for t in times)
truth = {r["account_id"] for r in csv.DictReader(open(sys.argv[2] + "/truth.csv")) if r["ring_id"]}
def held(members):
    m = set(members)
    return f"{len(m & truth)}/{len(truth)} ring members in {len(m)} accounts"
rings = json.load(open(sys.argv[3] + "/rings.json"))
rs_members = [m["account_id"] for r in rings["rings"] for m in r["members"]]
an_members = [a for r in json.load(open(sys.argv[4] + "/rings.json")) for a in r["members"]]
print(f"bench-pandas: 30 000-account world, medians of {len(times)}, evidence included")
print(f"bench-pandas:   ringscan run        {rs:6.2f} s  ({held(rs_members)})")
print(f"bench-pandas:   pandas + igraph     {an:6.2f} s  ({held(an_members)})")
print(f"bench-pandas:   ringscan is {an / rs:.1f} x faster")
ex = statistics.median(t[5] for t in times)
print(f"bench-pandas:   ringscan's evidence + export {ex:.2f} s = "
      f"{statistics.median(t[5] / t[6] for t in times) * 100:.0f} % of its phases "
      f"({ex / rs * 100:.0f} % of the run's wall time); evidence packages for "
      f"{int(times[0][7])} rings at or above --evidence-min-severity, "
      f"{int(times[0][8])} below listed without one")
lines = open(sys.argv[5]).read().splitlines()
if not lines:
    sys.exit(0)
f = lines[-1].split()
fl = dict(zip(f[1::2], map(float, f[2::2])))
print(f"bench-pandas: floor of any run on these files: libcsv {fl['csv']:.2f} s + SHA-256 "
      f"{fl['sha256']:.2f} s - read {fl['read']:.2f} s = {fl['cpu']:.2f} s of CPU, "
      f"{fl['wall']:.2f} s over {int(fl['cores'])} cores")
cores = int(fl["cores"])
print(f"bench-pandas:   ringscan's run: {rs:.2f} s, {rs / fl['wall']:.1f} x that floor, using "
      f"{cpu:.2f} s of CPU (user + system): {cpu / cores:.2f} s even with every core busy "
      f"throughout")
print(f"bench-pandas:   10 x faster than the script: under {an / 10:.2f} s, "
      f"{an / 10 / fl['wall']:.1f} x the floor, at most {an / 10 * cores:.2f} s of CPU")
PY
