#!/bin/sh
# e2e_state_trust.sh BUILD_DIR - a --state directory that is busy, misplaced,
# restored from a backup, emptied, edited or damaged is refused with what to
# do, never trusted; and --exit-code alerts on a severity rise and on a ring
# that returns. Two small worlds W and V (different seeds: V's rings are not
# W's). Checked, each with its exact message and exit code:
#   - an analyst's open read transaction: exit 4 before any work, after the
#     busy timeout; --wait waits for it;
#   - --state equal to -o, or inside OUT_DIR/runs: refused, nothing created;
#   - a state restored from a backup, a removed one, a 0-byte one: refused,
#     the published run untouched;
#   - a missing meta row: ids go on from the highest stored (no "not an
#     error");
#   - stored ring ids "../../../x" and "<svg onload=1>": refused naming the
#     database, nothing written outside the state;
#   - exit 3 when a ring's stored severity was lower, and when gone rings
#     return.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/w" --seed 8 --accounts 1500 --clients 300 --rings 4 --ring-size 8-12 --days 30
gen_or_stop "$tmp/v" --seed 9 --accounts 1500 --clients 300 --rings 5 --ring-size 8-12 --days 30

# run NAME WORLD OUT STATE ARGS... - one run; exit code in $tmp/NAME.rc
run() {
    _n=$1 _w=$2 _o=$3 _s=$4
    shift 4
    rs run "$_w" -o "$_o" --state "$_s" --no-geoip --quiet "$@" >"$tmp/$_n.out" 2>"$tmp/$_n.err"
    echo $? >"$tmp/$_n.rc"
}
rc() { cat "$tmp/$1.rc"; }
# expect NAME CODE MESSAGE - exit CODE and stderr exactly MESSAGE
expect() {
    if [ "$(rc "$1")" = "$2" ] && [ "$(cat "$tmp/$1.err")" = "$3" ]; then
        ok "$1: exit $2, $3"
    else
        nok "$1: exit $(rc "$1") (want $2): $(err "$tmp/$1.err") (want: $3)"
    fi
}
published_run() { # the state run OUT/current/run.json records
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"]["run"])' \
        "$1/current/run.json" 2>/dev/null
}
# hold DB SECONDS - an analyst's sqlite3 session with a read transaction
# open for SECONDS; waits until the transaction holds its lock.
hold() {
    rm -f "$tmp/held"
    "$PY" - "$1" "$2" "$tmp/held" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM runs").fetchall()
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("COMMIT")
EOF
    holder=$!
    _i=0
    while [ ! -e "$tmp/held" ] && [ $_i -lt 100 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}

S=$tmp/state
O=$tmp/out
DB=$S/ringscan.sqlite
run first "$tmp/w" "$O" "$S"
check "first run: exit 0 ($(err "$tmp/first.err"))" [ "$(rc first)" = 0 ]

# --- finding 6: a busy database ------------------------------------------------
hold "$DB" 14
t0=$(date +%s)
run busy "$tmp/w" "$O" "$S"
t1=$(date +%s)
expect busy 4 "ringscan: error: $DB: state database is in use by another program (an open \
transaction, such as an analyst's sqlite3 session) before the run; waited 10 s: end that \
transaction, or use --wait to wait for it"
check "busy: waited the busy timeout ($((t1 - t0)) s)" test $((t1 - t0)) -ge 9 -a $((t1 - t0)) -le 13
check "busy: nothing published (state run $(published_run "$O"))" [ "$(published_run "$O")" = 1 ]
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
hold "$DB" 3
t0=$(date +%s)
run waited "$tmp/w" "$O" "$S" --wait
t1=$(date +%s)
wait "$holder" 2>/dev/null
check "--wait: waits for the analyst's transaction, then exit 0 ($(err "$tmp/waited.err"))" \
    test "$(rc waited)" = 0 -a $((t1 - t0)) -ge 2
check "--wait: published as state run 2" [ "$(published_run "$O")" = 2 ]

# --- finding 7: the state inside the output ------------------------------------
run same "$tmp/w" "$O" "$O"
expect same 1 "ringscan: error: $O: --state is the output directory $O: runs and their pruning \
would replace or delete it; keep the state outside OUT_DIR"
run inside "$tmp/w" "$O" "$O/runs/../runs/st"
expect inside 1 "ringscan: error: $O/runs/../runs/st: --state is inside the output directory \
$O: runs and their pruning would replace or delete it; keep the state outside OUT_DIR"
check "inside: nothing created" [ ! -e "$O/runs/st" ]
ln -s "$O" "$tmp/link"
run linked "$tmp/w" "$tmp/link" "$O/state"
expect linked 1 "ringscan: error: $O/state: --state is inside the output directory $tmp/link: \
runs and their pruning would replace or delete it; keep the state outside OUT_DIR"

# --- finding 8: a state older than the published output ------------------------
cp "$DB" "$tmp/backup.sqlite" # state run 2
run third "$tmp/w" "$O" "$S"
check "third run: exit 0" [ "$(rc third)" = 0 ]
cp "$tmp/backup.sqlite" "$DB"
run restored "$tmp/w" "$O" "$S"
older="ringscan: error: $DB: the state is older than the published output: \
$O/current/run.json records run 3 of this database, whose last run is"
hint="(restored from an older backup, or removed and made anew?): restore its newest copy, or \
start a new case memory with another --state directory"
expect restored 1 "$older 2 $hint"
check "restored: the published run still says state run 3" [ "$(published_run "$O")" = 3 ]
: >"$DB"
run empty "$tmp/w" "$O" "$S"
expect empty 1 "ringscan: error: $DB: state database is empty (0 bytes; a truncated copy or a \
failed restore?): restore it from a backup, or remove it if no run has ever completed with this \
state"
rm -f "$DB"
run removed "$tmp/w" "$O" "$S"
expect removed 1 "$older 0 $hint"

# --- finding 10: a missing id counter -------------------------------------------
S2=$tmp/state2
run m1 "$tmp/w" "$tmp/o2" "$S2"
sqlite3_py() { "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$@"; }
nrings=$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from rings").fetchone()[0])' "$S2/ringscan.sqlite")
sqlite3_py "$S2/ringscan.sqlite" "DELETE FROM meta"
run m2 "$tmp/v" "$tmp/o2" "$S2"
check "no meta row: exit 0 ($(err "$tmp/m2.err"))" [ "$(rc m2)" = 0 ]
ids=$("$PY" -c 'import json,sys; print(" ".join(sorted(r["persistent_id"] for r in json.load(open(sys.argv[1]))["rings"])))' "$tmp/o2/current/rings.json" 2>/dev/null)
first=$(printf 'RS-%06d' $((nrings + 1)))
case " $ids " in
*" $first "*) ok "no meta row: new ids go on from the highest stored ($first)" ;;
*) nok "no meta row: new ids '$ids' (want from $first)" ;;
esac
case " $ids " in
*" RS-000001 "*) nok "no meta row: RS-000001 given again" ;;
*) ok "no meta row: RS-000001 not given again" ;;
esac

# --- finding 9: strings read from the state --------------------------------------
for bad in '../../../x' '<svg onload=1>'; do
    S3=$tmp/a/state3
    rm -rf "$S3" "$tmp/o3"
    run b1 "$tmp/w" "$tmp/o3" "$S3"
    sqlite3_py "$S3/ringscan.sqlite" "UPDATE rings SET ring_id = '$bad' WHERE ring_id = 'RS-000001';
UPDATE ring_accounts SET ring_id = '$bad' WHERE ring_id = 'RS-000001';
UPDATE ring_infra SET ring_id = '$bad' WHERE ring_id = 'RS-000001';
UPDATE ring_runs SET ring_id = '$bad' WHERE ring_id = 'RS-000001'"
    run badid "$tmp/w" "$tmp/o3" "$S3"
    expect badid 1 "ringscan: error: $S3/ringscan.sqlite: state database: ring id '$bad' in table \
rings is not a persistent id (RS- and 6 to 12 digits): the database was edited or damaged; \
restore it from a backup"
done
check "no bag written outside the state (../../../x is $tmp/x)" test ! -e "$tmp/x"
check "the published run untouched" [ "$(published_run "$tmp/o3")" = 1 ]

# --- item 5: exit 3 on a severity rise and on returning rings ------------------
S4=$tmp/state4
run e1 "$tmp/w" "$tmp/o4" "$S4" --exit-code
sqlite3_py "$S4/ringscan.sqlite" "UPDATE rings SET severity = 'low' WHERE ring_id = 'RS-000001'"
run rise "$tmp/w" "$tmp/o4" "$S4" --exit-code --exit-on high
check "severity rose (low -> high), members unchanged: exit 3 ($(rc rise))" [ "$(rc rise)" = 3 ]
check "... changes.json says severity_rose_from low" \
    grep -q '"severity_rose_from": *"low"' "$tmp/o4/current/changes.json"
run same_again "$tmp/w" "$tmp/o4" "$S4" --exit-code --exit-on high
check "nothing changed: exit 0 ($(rc same_again))" [ "$(rc same_again)" = 0 ]
run away "$tmp/v" "$tmp/o4" "$S4" --exit-code
run back "$tmp/w" "$tmp/o4" "$S4" --exit-code --summary-json
check "gone rings return: exit 3 ($(rc back))" [ "$(rc back)" = 3 ]
check "... counted actionable" grep -q '"actionable":[1-9]' "$tmp/back.out"

e2e_done
