#!/bin/sh
# e2e_state_time.sh BUILD_DIR - sane time: the window, the run clock, the
# state's record of both, and partitions delivered twice.
#
# A 30-day simulator world (2026-02-01 to 2026-03-02) is run with a fixed
# SOURCE_DATE_EPOCH as the clock. Checked:
#  (a) one login dated after the clock (2026-06-01) and one dated 2099 do
#      not move the window: --window 30d ends at the clock, the findings
#      equal those without them; the first is a future row in run.json (per
#      file and in total) and on the summary line, the second (after the
#      clock plus a day, by any clock) a bad row saying so;
#  (b) a window with no event rows exits 1 with one line naming it, unless
#      --allow-empty-window;
#  (c) with --state, each run's window is recorded; a window ending before
#      the last one is refused, and with --backfill it is published beside
#      OUT_DIR/current, which does not move, while the state's runs, rings
#      and statuses stay as they were and the id counter keeps what the
#      backfill handed out; a clock earlier than the last run's is refused;
#      a clock two years ahead with --keep-bags-days 30 removes no dated bag;
#      a window ending after its run's clock blocks no later night;
#      a state written before the window columns existed is upgraded;
#  (d) a partition delivered twice under another name (same bytes) is read
#      once: the same findings as with one copy, a note on stderr and
#      duplicate_of in run.json.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/w" --seed 5 --accounts 1500 --clients 300 --days 30 --rings 4 --ring-size 5-10
rm -f "$tmp/w/truth.csv" "$tmp/w/truth.json"

at() { date -u -d "$1" +%s; } # at DATE: the clock for SOURCE_DATE_EPOCH
db() { "$PY" -c 'import sqlite3,sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str,row)))' \
    "$tmp/state/ringscan.sqlite" "$1"; }
same() { # same A B WHAT: rings.json and accounts.csv of two published runs are equal
    if cmp -s "$1/current/rings.json" "$2/current/rings.json" &&
        cmp -s "$1/current/accounts.csv" "$2/current/accounts.csv"; then
        ok "$3"
    else
        nok "$3"
    fi
}

# --- (a) a row from 2099 ----------------------------------------------------
cp -r "$tmp/w" "$tmp/f"
tail -n 1 "$tmp/w/logins.csv" | sed 's/^[^,]*,/2026-06-01T00:00:00Z,/' >>"$tmp/f/logins.csv"
tail -n 1 "$tmp/w/logins.csv" | sed 's/^[^,]*,/2099-01-01T00:00:00Z,/' >>"$tmp/f/logins.csv"
SOURCE_DATE_EPOCH=$(at 2026-03-03) rs run "$tmp/w" -o "$tmp/ow" --no-geoip --quiet --window 30d \
    2>"$tmp/ow.err" || nok "run without the 2099 row: $(err "$tmp/ow.err")"
SOURCE_DATE_EPOCH=$(at 2026-03-03) rs run "$tmp/f" -o "$tmp/of" --no-geoip --window 30d \
    >/dev/null 2>"$tmp/of.err"
rc=$?
check "a 2099 row: the run succeeds" [ $rc = 0 ]
n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rings"]))' \
    "$tmp/of/current/rings.json" 2>/dev/null)
check "a 2099 row: rings are still found (${n:-none})" [ "${n:-0}" -ge 1 ]
same "$tmp/ow" "$tmp/of" "a 2099 row: the findings equal those without it"
"$PY" - "$tmp/of/current/run.json" >"$tmp/a.txt" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
w = r["window"]
assert w["until"] == "2026-03-03T00:00:00Z" and w["since"] == "2026-02-01T00:00:00Z", w
assert w["until_from"] == "run clock", w
assert r["rows_future_total"] == 1, r["rows_future_total"]
per = {f["file"]: f["rows_future"] for f in r["inputs"]}
assert per["logins.csv"] == 1 and sum(per.values()) == 1, per
bad = {f["file"]: f["rows_skipped"] for f in r["inputs"]}
assert bad["logins.csv"] == 1 and sum(bad.values()) == 1, bad
print("OK")
EOF
check "a 2099 row: the window ends at the clock; one future row, in logins.csv and in total" \
    grep -qx OK "$tmp/a.txt"
check "a 2099 row: the summary line counts the row after the clock as a future row" \
    grep -q "1 event rows outside the window \[2026-02-01T00:00:00Z, 2026-03-03T00:00:00Z) skipped, 1 of them future rows" "$tmp/of.err"
check "a 2099 row: a bad row, after the run's clock plus one day" \
    grep -q "ts: after the run's clock plus one day.*\"2099-01-01T00:00:00Z\"" "$tmp/of.err"

# --- (b) an empty window ----------------------------------------------------
SOURCE_DATE_EPOCH=$(at 2027-01-01) rs run "$tmp/w" -o "$tmp/oe" --no-geoip --quiet --window 30d \
    >/dev/null 2>"$tmp/oe.err"
rc=$?
if [ $rc = 1 ] &&
    [ "$(wc -l <"$tmp/oe.err")" = 1 ] &&
    grep -q "no event rows in the window \[2026-12-02T00:00:00Z, 2027-01-01T00:00:00Z)" "$tmp/oe.err"; then
    ok "an empty window exits 1 with one line naming the window"
else
    nok "an empty window exits 1 with one line naming the window"
fi
check "an empty window publishes nothing" [ ! -e "$tmp/oe/current" ]
SOURCE_DATE_EPOCH=$(at 2027-01-01) rs run "$tmp/w" -o "$tmp/oe" --no-geoip --quiet --window 30d \
    --allow-empty-window >/dev/null 2>"$tmp/oe2.err"
check "--allow-empty-window runs it" [ $? = 0 ]

# --- (c) the state's clock and windows --------------------------------------
night() { # night NAME DATE ARGS...: a --state run at clock DATE; rc in $tmp/rc.NAME
    _n=$1
    _d=$2
    shift 2
    SOURCE_DATE_EPOCH=$(at "$_d") rs run "$tmp/w" -o "$tmp/out" --no-geoip --quiet \
        --state "$tmp/state" "$@" >/dev/null 2>"$tmp/err.$_n"
    echo $? >"$tmp/rc.$_n"
}
night 1 2026-02-25 --window 20d
night 2 2026-03-03 --window 20d
check "two nights run" [ "$(cat "$tmp/rc.1")$(cat "$tmp/rc.2")" = 00 ]
check "the state records each run's window" \
    [ "$(db 'SELECT window_since, window_until FROM runs ORDER BY run_no' | tr '\n' ' ')" = \
    "2026-02-05T00:00:00Z|2026-02-25T00:00:00Z 2026-02-11T00:00:00Z|2026-03-03T00:00:00Z " ]
cur=$(readlink "$tmp/out/current")
db 'SELECT ring_id, status, last_run FROM rings ORDER BY 1' >"$tmp/rings.before"
db "SELECT value FROM meta WHERE key = 'next_ring'" >"$tmp/next.before"

night old 2026-03-04 --until 2026-02-20 --window 20d
if [ "$(cat "$tmp/rc.old")" = 1 ] &&
    grep -q "before the window of run 2 (ends 2026-03-03T00:00:00Z).*--backfill" "$tmp/err.old"; then
    ok "an older window is refused (exit 1, says --backfill)"
else
    nok "an older window is refused (exit 1, says --backfill)"
fi
if [ "$(db 'SELECT count(*) FROM runs')" = 2 ] &&
    [ "$(readlink "$tmp/out/current")" = "$cur" ]; then
    ok "the refused run left the state and current alone"
else
    nok "the refused run left the state and current alone"
fi

ls "$tmp/out/runs" >"$tmp/runs.before"
night back 2026-03-04 --until 2026-02-20 --window 20d --backfill --exit-code
check "--backfill runs the older window (exit 0 with --exit-code: it alerts on nothing)" \
    [ "$(cat "$tmp/rc.back")" = 0 ]
check "--backfill: current does not move" [ "$(readlink "$tmp/out/current")" = "$cur" ]
bf=$(ls "$tmp/out/runs" | grep -vxF -f "$tmp/runs.before" | head -n 1)
if [ -n "$bf" ] &&
    [ "runs/$bf" != "$cur" ] &&
    grep -q '"backfill": true' "$tmp/out/runs/$bf/run.json"; then
    ok "--backfill: the run is published in runs/ ($bf) and says it is a backfill"
else
    nok "--backfill: the run is published in runs/ ($bf) and says it is a backfill"
fi
db 'SELECT ring_id, status, last_run FROM rings ORDER BY 1' >"$tmp/rings.after"
if [ "$(db 'SELECT count(*) FROM runs')" = 2 ] &&
    cmp -s "$tmp/rings.before" "$tmp/rings.after"; then
    ok "--backfill: no run recorded, no status or ring changed"
else
    nok "--backfill: no run recorded, no status or ring changed"
fi
"$PY" - "$tmp/out/runs/$bf/rings.json" "$(db "SELECT value FROM meta WHERE key = 'next_ring'")" \
    "$(cat "$tmp/next.before")" >"$tmp/ids.txt" 2>&1 <<'EOF'
import json, sys
ids = [int(r["persistent_id"][3:]) for r in json.load(open(sys.argv[1]))["rings"]]
nxt, before = int(sys.argv[2]), int(sys.argv[3])
assert all(i < nxt for i in ids) and nxt >= before, (ids, nxt, before)
print("OK")
EOF
check "--backfill: the id counter keeps the ids it handed out" grep -qx OK "$tmp/ids.txt"

night early 2026-03-01 --until 2026-03-03 --window 20d
if [ "$(cat "$tmp/rc.early")" = 1 ] &&
    grep -q "run clock 2026-03-01T00:00:00Z is earlier than the last run's (2026-03-03T00:00:00Z, run 2)" "$tmp/err.early"; then
    ok "a clock earlier than the last run's is refused"
else
    nok "a clock earlier than the last run's is refused"
fi

nb=$(find "$tmp/state/evidence" -mindepth 2 -maxdepth 2 -type d | wc -l)
night jump 2028-03-03 --until 2026-03-03 --window 20d --keep-bags-days 30
check "a clock two years ahead runs" [ "$(cat "$tmp/rc.jump")" = 0 ]
if [ "$(find "$tmp/state/evidence" -mindepth 2 -maxdepth 2 -type d -name '2026-*' | wc -l)" = "$nb" ] &&
    [ "$nb" -ge 2 ]; then
    ok "a clock two years ahead removes none of the $nb dated bags kept before"
else
    nok "a clock two years ahead removes none of the $nb dated bags kept before"
fi

# A window ending after its run's clock (a mistaken --until) counts as
# ending at that clock: the next night is not refused. A new state gets a
# new output too: the published run.json of the main state's last night would
# (rightly) make a new database at the same path look like an old backup.
mv "$tmp/state" "$tmp/state-main"
mv "$tmp/out" "$tmp/out-main"
night ahead 2026-03-01 --since 2026-02-01 --until 2099-01-01
night after 2026-03-03 --window 20d
check "a window ending in 2099 does not block the next night" \
    [ "$(cat "$tmp/rc.ahead")$(cat "$tmp/rc.after")" = 00 ]
rm -rf "$tmp/state" "$tmp/out"
mv "$tmp/state-main" "$tmp/state"
mv "$tmp/out-main" "$tmp/out"

# A state written before the window columns: the next run adds them.
cp -r "$tmp/state" "$tmp/state-v1"
"$PY" - "$tmp/state-v1/ringscan.sqlite" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in c.execute("PRAGMA table_info(runs)") if not r[1].startswith("window_")]
c.execute("CREATE TABLE r2 AS SELECT %s FROM runs" % ",".join(cols))
c.execute("DROP TABLE runs")
c.execute("CREATE TABLE runs(run_no INTEGER PRIMARY KEY, run_id TEXT NOT NULL, run_time TEXT NOT NULL,"
          " rings_reported INTEGER NOT NULL, rings_suppressed INTEGER NOT NULL,"
          " accounts_flagged INTEGER NOT NULL)")
c.execute("INSERT INTO runs SELECT * FROM r2")
c.execute("DROP TABLE r2")
c.commit()
EOF
SOURCE_DATE_EPOCH=$(at 2028-03-04) rs run "$tmp/w" -o "$tmp/out" --no-geoip --quiet \
    --state "$tmp/state-v1" --until 2026-03-03 --window 20d >/dev/null 2>"$tmp/err.v1"
if [ $? = 0 ] &&
    [ "$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT window_until FROM runs ORDER BY run_no DESC").fetchone()[0])' "$tmp/state-v1/ringscan.sqlite")" = 2026-03-03T00:00:00Z ]; then
    ok "a state without the window columns is upgraded and records the window"
else
    nok "a state without the window columns is upgraded and records the window"
fi

# --- (d) a partition delivered twice ----------------------------------------
cp -r "$tmp/w" "$tmp/d"
mkdir "$tmp/d/ratings"
cp "$tmp/w/ratings.csv" "$tmp/d/ratings/redelivered.csv"
SOURCE_DATE_EPOCH=$(at 2026-03-03) rs run "$tmp/d" -o "$tmp/od" --no-geoip --window 30d \
    >/dev/null 2>"$tmp/od.err"
check "a re-delivered partition: the run succeeds" [ $? = 0 ]
same "$tmp/ow" "$tmp/od" "a re-delivered partition: the findings equal those with one copy"
check "a re-delivered partition: a note names both files" \
    grep -q "note: ratings/redelivered.csv is byte-identical to ratings.csv" "$tmp/od.err"
"$PY" - "$tmp/od/current/run.json" >"$tmp/d.txt" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
f = {x["file"]: x for x in r["inputs"]}
d = f["ratings/redelivered.csv"]
assert d["duplicate_of"] == "ratings.csv" and d["rows_loaded"] == 0, d
assert d["sha256"] == f["ratings.csv"]["sha256"], d
assert f["ratings.csv"]["duplicate_of"] is None and r["duplicate_files"] == 1
print("OK")
EOF
check "a re-delivered partition: run.json gives duplicate_of and its SHA-256" grep -qx OK "$tmp/d.txt"

e2e_done
