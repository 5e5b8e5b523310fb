#!/bin/sh
# bench-nightly.sh BUILD - what a night costs against a cold run, on a sliding
# window of daily partitions (README, "Performance", "Nightly").
#
# The world is make bench's 8x marketplace over 61 days instead of 50
# (BENCH_ACCOUNTS freelancers, 200 000; clients a tenth; a ring per 5 000
# freelancers, 40), generated once and cached under out/bench/nightly-N/ with
# every event table split into daily partitions, one file per table and day
# (TABLE/YYYY-MM-DD.csv, README "Partitions"); accounts.csv, a table of facts
# the window does not filter, stays whole. Each of BENCH_RUNS rounds (3; 5 for
# published figures):
#   cold   the input holds days 1-60: a run over days 1-60 (--since/--until)
#          with a fresh cache (--cache);
#   night  day 61 is added: a run over days 2-61 with the cache the cold run
#          left;
#   check  a run over days 2-61 without a cache: every output file of the
#          night must be byte-identical to it, run.json but for its timing
#          and memory fields (the bench fails otherwise).
# SOURCE_DATE_EPOCH is fixed and the three runs write to the same OUT_DIR path
# (moved aside after each), so that neither the clock nor the path can differ.
# It prints the medians of the wall times, the ratios night / cold, the input
# bytes each run read and the peak RSS. The input bytes read are run.json's
# cache.input_bytes_read when the build reports it (with the summaries' bytes,
# cache.summary_bytes_read), else the sizes of the input files the run parsed
# (all of them); beside them, every byte the process read
# through read(2) (/proc/PID/io rchar: inputs, cache, row index). Peak RSS is
# the kernel's ru_maxrss, the figure /usr/bin/time prints as %M.
# A build without --cache still runs the bench: its night is one more cold run,
# which it says.
set -eu
build=$1
accounts=${BENCH_ACCOUNTS:-200000}
runs=${BENCH_RUNS:-3}
py=/usr/bin/python3
days=61
start=2026-02-01
dir=out/bench/nightly-$accounts
parts=$dir/parts
events="logins bids ratings payouts charges ports"
day() { date -u -d "$start + $(($1 - 1)) days" +%Y-%m-%d; }
d1=$(day 1)
d2=$(day 2)
d61=$(day 61)
d62=$(day 62)
# The run's clock: the day after the last partition, as on the morning after.
SOURCE_DATE_EPOCH=$(date -u -d "$d62" +%s)
export SOURCE_DATE_EPOCH

# --- the world, once ------------------------------------------------------------
if [ ! -f "$parts/done" ]; then
    rm -rf "$dir"
    mkdir -p "$dir/gen" "$parts"
    rings=$((accounts / 5000))
    [ "$rings" -ge 1 ] || rings=1
    echo "bench-nightly: generating $accounts accounts x $days days, $rings rings into $dir"
    /usr/bin/time -f "bench-nightly: generator %e s, peak RSS %M KB" \
        "$build/ringscan-gen" --seed 7 --accounts "$accounts" --clients $((accounts / 10)) \
        --days "$days" --start "$start" --rings "$rings" --no-user-agent --quiet -o "$dir/gen"
    t0=$(date +%s.%N)
    mv "$dir/gen/accounts.csv" "$parts/accounts.csv"
    # The generator writes every event row on one line, its ts first as
    # YYYY-MM-DDTHH:MM:SSZ (no quoted field spans lines without user agents):
    # the day is the row's first ten bytes. Rows keep their order in each day.
    for t in $events; do
        mkdir -p "$parts/$t"
        awk -v dir="$parts/$t" '
            NR == 1 { hdr = $0; next }
            { d = substr($0, 1, 10)
              if (d !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) {
                  print "bench-nightly: " FILENAME ":" NR ": no date first" > "/dev/stderr"
                  exit 1
              }
              f = dir "/" d ".csv"
              if (!(f in seen)) { seen[f] = 1; print hdr > f }
              print > f }' "$dir/gen/$t.csv"
        rm "$dir/gen/$t.csv"
    done
    t1=$(date +%s.%N)
    echo "bench-nightly: split into $(find "$parts" -name '*.csv' | wc -l) files in" \
        "$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"
    touch "$parts/done"
fi

# link_days FIRST LAST: hard-link the partitions of days FIRST..LAST into the
# input (hard links keep size and modification time: the same file to a cache).
link_days() {
    _i=$1
    while [ "$_i" -le "$2" ]; do
        _d=$(day "$_i")
        for t in $events; do
            if [ -f "$parts/$t/$_d.csv" ]; then ln -f "$parts/$t/$_d.csv" "$dir/in/$t/$_d.csv"; fi
        done
        _i=$((_i + 1))
    done
}

if "$build/ringscan" run --help 2>&1 | grep -q -e '--cache'; then
    cache=yes
    echo "bench-nightly: the night runs with --cache"
else
    cache=
    echo "bench-nightly: no cache support in this build: the night is one more cold run"
fi

# run LABEL SINCE UNTIL [ARGS...]: one run into $dir/out, moved to $dir/LABEL;
# wall time, ru_maxrss and rchar appended to $dir/times.txt.
runner='
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # a zombie still has its /proc/PID/io
wall = time.monotonic() - t0
rchar = next(int(l.split()[1]) for l in open("/proc/%d/io" % pid) if l.startswith("rchar:"))
_, status, ru = os.wait4(pid, 0)
open(out, "a").write("%.3f %d %d\n" % (wall, ru.ru_maxrss, rchar))
sys.exit(os.waitstatus_to_exitcode(status))
'
run() {
    _label=$1
    _since=$2
    _until=$3
    shift 3
    rm -rf "$dir/out" "${dir:?}/$_label"
    printf '%s ' "$_label" >>"$dir/times.txt"
    "$py" -c "$runner" "$dir/times.txt" "$build/ringscan" run "$dir/in" -o "$dir/out" \
        --quiet --no-geoip --seed 7 --since "$_since" --until "$_until" "$@"
    mv "$dir/out" "$dir/$_label"
}

: >"$dir/times.txt"
: >"$dir/check.txt"
i=0
while [ "$i" -lt "$runs" ]; do
    rm -rf "$dir/in" "$dir/cache"
    mkdir -p "$dir/in" "$dir/cache"
    ln -f "$parts/accounts.csv" "$dir/in/accounts.csv"
    for t in $events; do mkdir -p "$dir/in/$t"; done
    link_days 1 60
    if [ -n "$cache" ]; then
        run cold "$d1" "$d61" --cache "$dir/cache"
        link_days 61 61
        run night "$d2" "$d62" --cache "$dir/cache"
    else
        run cold "$d1" "$d61"
        link_days 61 61
        run night "$d2" "$d62"
    fi
    run check "$d2" "$d62"
    # Every output file but run.json byte for byte; run.json below.
    if ! diff -r -q -x run.json "$dir/night/current" "$dir/check/current" >"$dir/diff.txt"; then
        echo "bench-nightly: the night's outputs differ from a cold run over days 2-61:" >&2
        sed 's/^/  /' "$dir/diff.txt" >&2
        exit 1
    fi
    "$py" - "$dir/night/current/run.json" "$dir/check/current/run.json" >>"$dir/check.txt" <<'PY'
import json, sys
# The fields that differ between two cold runs on the same input (measured):
# the run's id (its start time) and the wall time and peak RSS of each phase
# and of detection's steps. Also dropped: whatever names the cache (the night's
# --cache, its report), since the run it is checked against has none.
def drop_cache(v):
    if isinstance(v, dict):
        return {k: drop_cache(x) for k, x in v.items() if "cache" not in k}
    if isinstance(v, list):
        return [drop_cache(x) for x in v]
    return v
def strip(run):
    run = drop_cache(run)
    run.pop("run_id", None)
    run.get("detection", {}).pop("seconds", None)
    for p in run.get("phases", []):
        p.pop("seconds", None)
        p.pop("peak_rss_bytes", None)
    return run
night, check = (json.load(open(p)) for p in sys.argv[1:3])
cl = night.get("command_line", [])
if "--cache" in cl:
    k = cl.index("--cache")
    night["command_line"] = cl[:k] + cl[k + 2:]
diffs = []
def walk(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                diffs.append(path + "/" + k + " (in one only)")
            else:
                walk(a[k], b[k], path + "/" + k)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b)):
            walk(x, y, "%s[%d]" % (path, n))
    elif a != b:
        diffs.append(path)
walk(strip(night), strip(check), "")
print("same" if not diffs else "differ " + " ".join(diffs[:20]))
PY
    if [ "$(tail -n 1 "$dir/check.txt")" != same ]; then
        echo "bench-nightly: run.json of the night differs from the cold run's beyond timings:" \
            "$(tail -n 1 "$dir/check.txt")" >&2
        exit 1
    fi
    # The input bytes each run read: the cache's report, else the files parsed.
    for l in cold night check; do
        "$py" - "$dir/$l/current/run.json" "$l" >>"$dir/times.txt" <<'PY'
import json, re, sys
run = json.load(open(sys.argv[1]))
since, until = run["window"]["since"][:10], run["window"]["until"][:10]
window = parsed = rows = 0
for f in run["inputs"]:
    m = re.search(r"\d{4}-\d{2}-\d{2}", f["file"])
    if m is None or since <= m.group(0) < until:  # facts, or a partition of the window
        window += f["bytes"]
    parsed += f["bytes"]
    rows += f["rows_loaded"]
cache = run.get("cache") or {}
reported = cache.get("input_bytes_read")
print("bytes", sys.argv[2], window, parsed if reported is None else reported,
      "parsed" if reported is None else "reported", rows, len(run["inputs"]),
      cache.get("summary_bytes_read", 0))
PY
    done
    i=$((i + 1))
done

"$py" - "$dir/times.txt" "$accounts" "$cache" <<'PY'
import statistics, sys
med = statistics.median
t, b = {}, {}
for l in open(sys.argv[1]):
    f = l.split()
    if f[0] == "bytes":
        b.setdefault(f[1], []).append((int(f[2]), int(f[3]), f[4], int(f[5]), int(f[6]),
                                       int(f[7])))
    else:
        t.setdefault(f[0], []).append((float(f[1]), int(f[2]) * 1024, int(f[3])))
n = len(t["cold"])
MB = 1e6
print(f"bench-nightly: {int(sys.argv[2]):,} freelancers, 61 daily partitions, medians of {n}"
      + ("" if sys.argv[3] else "; no cache support in this build: the night is a cold run"))
label = {"cold": "cold  days 1-60 ", "night": "night days 2-61 ", "check": "cold  days 2-61 "}
for k in ("cold", "night", "check"):
    wall = med(x[0] for x in t[k])
    rss = med(x[1] for x in t[k])
    rchar = med(x[2] for x in t[k])
    win, read, how, rows, files, _ = b[k][0]
    read = med(x[1] for x in b[k])
    summ = med(x[5] for x in b[k])
    print(f"bench-nightly:   {label[k]} {wall:7.2f} s  peak RSS {rss / 2**20:5.0f} MiB  "
          f"{rows / 1e6:.2f} M rows; input read {read / MB:7.1f} MB = {read / win * 100:5.1f} % of "
          f"the window's {win / MB:.0f} MB ({'reported' if how == 'reported' else 'files parsed'}, "
          f"{files} files); summaries read {summ / MB:.0f} MB; read(2) {rchar / MB:.0f} MB")
cold, night, check = (med(x[0] for x in t[k]) for k in ("cold", "night", "check"))
print(f"bench-nightly:   night / cold: {night / cold * 100:.0f} % of days 1-60's run, "
      f"{night / check * 100:.0f} % of a cold run over days 2-61 "
      f"(rounds: {', '.join('%.2f' % (a[0] / c[0]) for a, c in zip(t['night'], t['cold']))})")
print(f"bench-nightly:   the night's outputs equal the cold run's over days 2-61 in all {n} rounds "
      f"(every file; run.json but its run_id and per-phase seconds and peak RSS)")
PY
