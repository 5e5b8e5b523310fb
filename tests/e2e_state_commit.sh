#!/bin/sh
# e2e_state_commit.sh BUILD_DIR - a --state run's publication and its case
# memory commit as one (docs/state.md, "What a failed night leaves behind").
#
# A simulated world whose planted rings start, stop and grow at different
# days is run as consecutive nights over a sliding 20-day window, first
# uninterrupted (the reference), then:
#   (a) with a failure at run.json, at publication and at the commit (the
#       test-only RINGSCAN_TEST_FAULT hook, src/commit.h), and with kill -9
#       between the two renames of publication and between publication and
#       the commit: the run exits 1 (or dies), the state is as before, and
#       the retry reports what the reference night did, exit 3 included;
#   (b) with the state on a full disk (a small tmpfs when root, else the
#       fault hook): exit 1 with one line naming the bag that could not be
#       kept, no 0-byte file kept, nothing committed; a run that fails never
#       replaces that day's published dated bag;
#   (c) kill -9 at a seeded random point of every night (a random step of
#       publication or commit, or a random time), each night retried: every
#       night's final exit code and ring statuses equal the reference's,
#       PRAGMA integrity_check is ok after every kill and every retry, and
#       no ring id is given to two rings.
# COMMIT_NIGHTS (default 12) and COMMIT_SEED (default 29) choose the nights
# of (c); COMMIT_NIGHTS=100 is the acceptance run (a few minutes).
set -u

. tests/lib.sh
E2E_LIMIT=60
e2e_init "${1:-}"
NIGHTS=${COMMIT_NIGHTS:-12}
SEED=${COMMIT_SEED:-29}

gen_or_stop "$tmp/world" --seed 5 --accounts 600 --clients 120 --rings 6 --ring-size 5-10 \
    --days 60

# Each planted ring gets its own life: one starts late, one stops early, one
# grows (half its members start later), one comes and goes.
"$PY" - "$tmp/world" "$tmp/in" 2>"$tmp/edit.err" <<'EOF' || { nok "edit the world: $(err "$tmp/edit.err")"; e2e_done; exit 1; }
import csv, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
rings = {}
for r in csv.DictReader(open(os.path.join(src, "truth.csv"))):
    if r["ring_id"]:
        rings.setdefault(r["ring_id"], []).append(r["account_id"])
day = lambda d: "2026-%02d-%02d" % ((1 + (d + 31) // 31, (d + 31) % 31 + 1) if d >= 28 else (2, d + 1))
life = {}  # account -> (first day, last day) it may act, as ISO dates
plans = [(12, 60), (0, 30), (0, 60), (22, 60), (0, 40), (30, 60)]
for k, rid in enumerate(sorted(rings)):
    a, b = plans[k % len(plans)]
    for i, acct in enumerate(sorted(rings[rid])):
        start = a + (15 if k % len(plans) == 2 and i % 2 else 0)
        life[acct] = (start, b)
import datetime
base = datetime.date(2026, 2, 1)
iso = lambda d: (base + datetime.timedelta(days=d)).isoformat()
for name in sorted(os.listdir(src)):
    if not name.endswith(".csv") or name.startswith("truth"):
        continue
    rows = list(csv.reader(open(os.path.join(src, name), newline="")))
    head, body = rows[0], rows[1:]
    cols = [i for i, h in enumerate(head) if h in ("account_id", "freelancer_id", "client_id")]
    out = [head]
    for row in body:
        keep = True
        if name != "accounts.csv":
            for i in cols:
                if row[i] in life:
                    a, b = life[row[i]]
                    if row[0] < iso(a) or row[0] >= iso(b):
                        keep = False
        if keep:
            out.append(row)
    with open(os.path.join(dst, name), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)
EOF

# Night K (1..NIGHTS): a 20-day window ending STEP seconds later each night,
# the run's clock at the window's end.
T0=$(date -u -d 2026-02-21 +%s)
STEP=$((38 * 86400 / NIGHTS))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# night K STATE OUT [env...]: runs night K; rc in $rc, stderr in $tmp/night.err
night() {
    k=$1
    s=$2
    o=$3
    shift 3
    u=$((T0 + k * STEP))
    env "$@" SOURCE_DATE_EPOCH=$u $TO "$BIN" run "$tmp/in" --since "$(iso $((u - 20 * 86400)))" \
        --until "$(iso $u)" -o "$o" --state "$s" --no-geoip --threads 1 --quiet --exit-code \
        --summary-json >"$tmp/night.out" 2>"$tmp/night.err"
    rc=$?
}

# sig RINGS.JSON: the night's statuses: each reported ring's status and
# members, and the statuses of the rings it closed (ids left out: a rolled
# back run's ids are retired, so later ids may differ from the reference's).
sig() {
    [ -f "$1" ] || { echo "none"; return; }
    "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
rings = sorted("%s%s %s" % (x["status"], "+returned" if x.get("returned") else "",
               ",".join(sorted(m["account_id"] for m in x["members"]))) for x in r["rings"])
print("|".join(rings) + " # " + ",".join(sorted(c["status"] for c in r.get("closed", []))))
' "$1"
}

runs() { # runs STATE: committed runs
    [ -f "$1/ringscan.sqlite" ] && sqlite3 "$1/ringscan.sqlite" "SELECT count(*) FROM runs" 2>/dev/null || echo 0
}
intact() { # intact STATE: PRAGMA integrity_check is ok (or there is no database yet)
    [ ! -f "$1/ringscan.sqlite" ] || [ "$(sqlite3 "$1/ringscan.sqlite" "PRAGMA integrity_check" 2>&1)" = ok ]
}

# --- the reference: every night uninterrupted ---------------------------------------
k=1
while [ $k -le "$NIGHTS" ]; do
    t0=$(date +%s%N)
    night $k "$tmp/ref.state" "$tmp/ref.out"
    echo $((($(date +%s%N) - t0) / 1000000)) >"$tmp/ref.ms$k"
    echo $rc >"$tmp/ref.rc$k"
    sig "$tmp/ref.out/current/rings.json" >"$tmp/ref.sig$k"
    k=$((k + 1))
done
nalert=$(cat "$tmp"/ref.rc* | grep -c '^3$')
nfail=$(cat "$tmp"/ref.rc* | grep -vc '^[03]$')
[ "$nfail" -eq 0 ] && [ "$nalert" -ge 2 ] &&
    ok "reference: $NIGHTS nights, $nalert of them with changes (exit 3)" ||
    nok "reference: $NIGHTS nights, $nalert with changes, $nfail failed ($(err "$tmp/night.err"))"
# A night with changes after the first, for the single-fault checks.
K=2
while [ $K -lt "$NIGHTS" ] && [ "$(cat "$tmp/ref.rc$K")" != 3 ]; do K=$((K + 1)); done

# prepare NAME: a state and output that have run the nights before K.
k=1
while [ $k -lt $K ]; do
    night $k "$tmp/before.state" "$tmp/before.out"
    k=$((k + 1))
done
prepare() {
    cp -a "$tmp/before.state" "$tmp/$1.state" && cp -a "$tmp/before.out" "$tmp/$1.out"
}

# --- (a) a failure at run.json, at publication, at the commit ------------------------
for F in run.json publish commit; do
    prepare "f$F"
    S=$tmp/f$F.state
    O=$tmp/f$F.out
    before=$(readlink "$O/current")
    nb=$(runs "$S")
    night $K "$S" "$O" RINGSCAN_TEST_FAULT=$F
    lines=$(wc -l <"$tmp/night.err")
    [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "test fault" "$tmp/night.err" &&
        ok "fault at $F: exit 1 with one line" ||
        nok "fault at $F: exit 1 with one line (exit $rc: $(err "$tmp/night.err"))"
    [ "$(runs "$S")" = "$nb" ] && [ "$(readlink "$O/current")" = "$before" ] &&
        [ ! -e "$S/pending-run.json" ] && [ -z "$(ls -A "$S/evidence" | grep '^\.')" ] &&
        ok "fault at $F: the state and the published run are as before" ||
        nok "fault at $F: the state and the published run are as before (runs $nb -> $(runs "$S"), current $before -> $(readlink "$O/current"))"
    night $K "$S" "$O"
    [ $rc -eq 3 ] && [ "$(sig "$O/current/rings.json")" = "$(cat "$tmp/ref.sig$K")" ] &&
        ok "fault at $F: the retry reports the night's changes and exits 3" ||
        nok "fault at $F: the retry reports the night's changes and exits 3 (exit $rc: $(sig "$O/current/rings.json") vs $(cat "$tmp/ref.sig$K"))"
done

# killat WHAT STATE OUT K: night K killed -9 when stderr shows WHAT (runs
# with the test pauses of publication and commit); rc of the killed run in $krc.
killat() {
    rm -f "$tmp/kill.err"
    RINGSCAN_TEST_PUBLISH_DELAY_MS=$DELAY SOURCE_DATE_EPOCH=$((T0 + $4 * STEP)) \
        "$BIN" run "$tmp/in" --since "$(iso $((T0 + $4 * STEP - 20 * 86400)))" \
        --until "$(iso $((T0 + $4 * STEP)))" -o "$3" --state "$2" --no-geoip --threads 1 --quiet \
        --exit-code --summary-json >"$tmp/kill.sum" 2>"$tmp/kill.err" &
    kp=$!
    n=0
    while ! grep -q "$1" "$tmp/kill.err" 2>/dev/null && kill -0 $kp 2>/dev/null && [ $n -lt 500 ]; do
        sleep 0.01
        n=$((n + 1))
    done
    sleep "${JITTER:-0}"
    kill -9 $kp 2>/dev/null
    wait $kp 2>/dev/null
    krc=$?
}

# A long pause at the step, so that the kill lands in it even on a busy machine.
DELAY=400
for W in "publication step 2" "commit step 2"; do
    prepare "k${W#* step }${W%% *}"
    S=$tmp/k${W#* step }${W%% *}.state
    O=$tmp/k${W#* step }${W%% *}.out
    killat "$W" "$S" "$O" $K
    night $K "$S" "$O"
    [ $krc -eq 137 ] && [ $rc -eq 3 ] && [ "$(sig "$O/current/rings.json")" = "$(cat "$tmp/ref.sig$K")" ] &&
        ok "kill -9 at $W: the retry reports the night's changes and exits 3" ||
        nok "kill -9 at $W: the retry reports the night's changes and exits 3 (killed run $krc, retry $rc: $(sig "$O/current/rings.json") vs $(cat "$tmp/ref.sig$K"))"
done
# The run after such a kill says what it did (without --quiet).
prepare note
killat "commit step 2" "$tmp/note.state" "$tmp/note.out" $K
u=$((T0 + K * STEP))
SOURCE_DATE_EPOCH=$u $TO "$BIN" run "$tmp/in" --since "$(iso $((u - 20 * 86400)))" --until "$(iso $u)" \
    -o "$tmp/note.out" --state "$tmp/note.state" --no-geoip >/dev/null 2>"$tmp/note.err"
grep -q "ringscan: note: run .* was stopped before its state was committed: rolled back, its publication withdrawn" "$tmp/note.err" &&
    ok "the run after a kill between publication and commit says it rolled the run back" ||
    nok "the run after a kill between publication and commit says it rolled the run back ($(err "$tmp/note.err"))"

# --- (b) the dated bags on a full disk ------------------------------------------------
prepare full0
night $K "$tmp/fresh.state" "$tmp/fresh.out" # night K on a new state: its rings are new
S=$tmp/full
mounted=
if [ "$(id -u)" = 0 ] && mkdir -p "$S" && mount -t tmpfs -o size=1m tmpfs "$S" 2>/dev/null; then
    mounted=1
    night $K "$S" "$tmp/full.out"
else
    night $K "$S" "$tmp/full.out" RINGSCAN_TEST_FAULT=archive
fi
lines=$(wc -l <"$tmp/night.err")
[ $rc -eq 1 ] && [ "$lines" -eq 1 ] &&
    grep -q "^ringscan: error: .*/evidence/.*: cannot keep the evidence bag: No space left on device" "$tmp/night.err" &&
    ok "full disk at the dated bags${mounted:+ (tmpfs)}: exit 1, one line naming the bag" ||
    nok "full disk at the dated bags: exit 1, one line naming the bag (exit $rc: $(err "$tmp/night.err"))"
[ -z "$(find "$S" -type f -size 0 ! -name lock 2>/dev/null)" ] && [ "$(runs "$S")" = 0 ] && [ ! -e "$tmp/full.out/current" ] &&
    ok "full disk: no 0-byte file kept, nothing committed, nothing published" ||
    nok "full disk: no 0-byte file kept, nothing committed, nothing published ($(find "$S" -type f -size 0 | head -3 | tr '\n' ' ') runs $(runs "$S"))"
[ -n "$mounted" ] && mount -o remount,size=64m "$S"
night $K "$S" "$tmp/full.out"
[ $rc = 3 ] && [ "$(sig "$tmp/full.out/current/rings.json")" = "$(sig "$tmp/fresh.out/current/rings.json")" ] &&
    [ -n "$(find "$S/evidence" -name bag-info.txt -size +0)" ] &&
    ok "full disk: the retry on a good disk reports the night, exits 3 and keeps its bags" ||
    nok "full disk: the retry on a good disk reports the night, exits 3 and keeps its bags (exit $rc)"
[ -n "$mounted" ] && umount "$S"

# The same day again, failing at the commit: that day's published bag stays.
S=$tmp/full0.state
night $((K - 1)) "$S" "$tmp/full0.out" # nights 1..K-1 ran; this repeats K-1's day
day=$(iso $((T0 + (K - 1) * STEP)) | cut -c1-10)
bag=$(ls -d "$S"/evidence/RS-*/"$day" 2>/dev/null | head -1)/bag-info.txt
ino=$(stat -c %i "$bag" 2>/dev/null)
night $((K - 1)) "$S" "$tmp/full0.out" RINGSCAN_TEST_FAULT=commit
[ -n "$ino" ] && [ "$(stat -c %i "$bag" 2>/dev/null)" = "$ino" ] &&
    ok "a run that fails at the commit never replaces the day's published dated bag" ||
    nok "a run that fails at the commit never replaces the day's published dated bag ($bag: $ino -> $(stat -c %i "$bag" 2>/dev/null))"

# --- (c) kill -9 at random points of every night ---------------------------------------
DELAY=25
STEPS="publication_step_1 publication_step_2 publication_step_3 publication_step_4 commit_step_1 commit_step_2 commit_step_3 commit_step_4"
S=$tmp/kill.state
O=$tmp/kill.out
mkdir -p "$tmp/seen"
bad=0
integ=0
atexit=0
k=1
awk -v seed="$SEED" -v n="$NIGHTS" 'BEGIN { srand(seed); for (i = 1; i <= n; i++)
    printf "%d %d %.3f %.3f\n", i, int(rand() * 10), rand(), rand() * 0.02 }' >"$tmp/plan"
while read -r k pick frac jitter; do
    nprev=$(runs "$S")
    if [ "$pick" -lt 8 ]; then # a step of publication or commit, at a random moment of its pause
        set -- $STEPS
        shift "$pick"
        what=$(echo "$1" | tr _ ' ')
        JITTER=$jitter killat "$what" "$S" "$O" "$k"
    else # a random time of the night's run
        what="$(awk -v m="$(cat "$tmp/ref.ms$k")" -v f="$frac" 'BEGIN { printf "%.3f", m * f / 1000 }') s"
        SOURCE_DATE_EPOCH=$((T0 + k * STEP)) "$BIN" run "$tmp/in" \
            --since "$(iso $((T0 + k * STEP - 20 * 86400)))" --until "$(iso $((T0 + k * STEP)))" \
            -o "$O" --state "$S" --no-geoip --threads 1 --quiet --exit-code --summary-json >"$tmp/kill.sum" 2>&1 &
        kp=$!
        sleep "${what% s}"
        kill -9 $kp 2>/dev/null
        wait $kp 2>/dev/null
        krc=$?
    fi
    intact "$S" || integ=$((integ + 1))
    cp "$O/current/rings.json" "$tmp/seen/$k-killed.json" 2>/dev/null
    if [ $krc -ne 137 ]; then # it finished before the kill: the night is done
        rc=$krc
        got=$(sig "$O/current/rings.json")
    elif [ "$(runs "$S")" -gt "$nprev" ] && [ ! -e "$S/pending-run.json" ] &&
        grep -q '"exit_code"' "$tmp/kill.sum"; then
        # Killed as it exited: its work was done and its summary line written.
        rc=$(sed -n 's/.*"exit_code":\([0-9]*\).*/\1/p' "$tmp/kill.sum")
        got=$(sig "$O/current/rings.json")
        atexit=$((atexit + 1))
    else
        nb=$(runs "$S")
        # A kill after the commit: the night's statuses are in what it published.
        [ -e "$S/pending-run.json" ] && [ "$(sqlite3 "$S/ringscan.sqlite" \
            "SELECT count(*) FROM runs WHERE run_id = '$(sed -n 's/.*"run_id": "\(.*\)".*/\1/p' "$S/pending-run.json")'")" = 1 ] &&
            got=$(sig "$O/current/rings.json") || got=
        night "$k" "$S" "$O"
        intact "$S" || integ=$((integ + 1))
        [ -n "$got" ] || got=$(sig "$O/current/rings.json")
        cp "$O/current/rings.json" "$tmp/seen/$k-retry.json" 2>/dev/null
    fi
    if [ "$rc" != "$(cat "$tmp/ref.rc$k")" ] || [ "$got" != "$(cat "$tmp/ref.sig$k")" ]; then
        bad=$((bad + 1))
        [ $bad -le 5 ] && nok "night $k killed at $what (killed run exit $krc): exit $rc, reference $(cat "$tmp/ref.rc$k"); statuses $got vs $(cat "$tmp/ref.sig$k")"
    fi
done <"$tmp/plan"
[ $bad -eq 0 ] && ok "kill -9 at a random point of each of $NIGHTS nights, each retried: every exit code and status as uninterrupted ($atexit killed as they exited)" ||
    nok "$bad of $NIGHTS killed nights differ from the uninterrupted sequence"
[ $integ -eq 0 ] && ok "PRAGMA integrity_check ok after every kill and every retry" ||
    nok "PRAGMA integrity_check failed $integ times"
twice=$("$PY" - "$tmp/seen" <<'EOF'
import json, os, sys
first = {}
bad = []
for name in sorted(os.listdir(sys.argv[1]), key=lambda n: (int(n.split("-")[0]), n)):
    for r in json.load(open(os.path.join(sys.argv[1], name)))["rings"]:
        m = frozenset(x["account_id"] for x in r["members"])
        pid = r["persistent_id"]
        if pid in first and not (first[pid] & m):
            bad.append(pid)
        first.setdefault(pid, m)
print(" ".join(sorted(set(bad))))
EOF
)
dup=$(sqlite3 "$S/ringscan.sqlite" "SELECT count(*) FROM (SELECT ring_id FROM ring_runs WHERE status IN ('new', 'split') GROUP BY ring_id HAVING count(*) > 1)")
dupid=$(sqlite3 "$S/ringscan.sqlite" "SELECT count(*) - count(DISTINCT run_id) FROM runs")
[ -z "$twice" ] && [ "$dup" = 0 ] && [ "$dupid" = 0 ] &&
    ok "no ring id given to two rings, no run id recorded twice" ||
    nok "ring ids given twice: '$twice', ids new twice in the state: $dup, run ids twice: $dupid"
e2e_done
