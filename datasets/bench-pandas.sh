#!/bin/sh
# bench-pandas.sh BUILD - ringscan against the hand-written pandas + igraph
# workflow (datasets/baseline/analyst.py) on the same 30 000-account world:
# end-to-end wall time of each, evidence included, medians of BENCH_RUNS (3),
# and how many of the world's ring members each one's rings hold (so that the
# yardstick is seen to do the job, not only to take time). Skipped with a
# message when Debian's python3-pandas or python3-igraph is missing.
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
    "$build/ringscan" run "$data" -o out/bench/pandas-ringscan --quiet --no-geoip --seed 7
    t1=$(date +%s.%N)
    "$py" datasets/baseline/analyst.py "$data" out/bench/pandas-analyst >/dev/null
    t2=$(date +%s.%N)
    echo "$t0 $t1 $t2" >>"$res"
    i=$((i + 1))
done
"$py" - "$res" "$data" out/bench/pandas-ringscan out/bench/pandas-analyst <<'PY'
import csv, json, statistics, sys
times = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
rs = statistics.median(t1 - t0 for t0, t1, _ in times)
an = statistics.median(t2 - t1 for _, t1, t2 in times)
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
PY
