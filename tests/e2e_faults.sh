#!/bin/sh
# e2e_faults.sh BUILD_DIR - what README "Runs, locking and limits" promises,
# under faults:
#   - kill -9 at every step of publication (FAULT_REPEAT times, default 100,
#     cycling through the four steps) and at points spread over every phase:
#     OUT_DIR always shows one complete run, never a mix, and the next run
#     removes what the dead one left;
#   - two runs into one OUT_DIR: the second fails at once with exit 4, or
#     waits with --wait; nothing is mixed;
#   - stale staging (an older ringscan's .staging-1, a dead run's runs/.tmp-*)
#     is removed, it does not block;
#   - -o equal to the input directory, or a parent of it: refused, inputs
#     untouched;
#   - a full disk (a small tmpfs, when root): the error names the file and
#     the reason, the previous run stays published;
#   - a gzip bomb and a newline bomb under the default limits, a long
#     multi-line record, --max-input-bytes, --max-memory, a FIFO input: each a
#     clear one-line error, exit 1, quickly.
set -u

. tests/lib.sh
E2E_LIMIT=60
e2e_init "${1:-}"
REPEAT=${FAULT_REPEAT:-100}

"$GEN" -o "$tmp/world" --accounts 3000 --clients 600 --days 30 --quiet || {
    nok "simulator world for the fault tests"
    exit 1
}
rm -f "$tmp/world/truth.csv" "$tmp/world/truth.json"
SMALL=tests/data/small

# consistent OUT - one complete run is published: current resolves to
# runs/ID holding every output, its run.json names ID, and every top-level
# name resolves into that same run. Prints the reason when not.
consistent() {
    o=$1
    t=$(readlink "$o/current") || { echo "no current link"; return 1; }
    id=${t#runs/}
    for f in accounts.csv rings.json graph.graphml index.html run.json evidence; do
        [ -e "$o/runs/$id/$f" ] || { echo "runs/$id/$f missing"; return 1; }
        [ "$(readlink "$o/$f")" = "current/$f" ] || { echo "$f is not the fixed link"; return 1; }
    done
    grep -q "\"run_id\": \"$id\"" "$o/runs/$id/run.json" || { echo "run.json of $id names another run"; return 1; }
    ls "$o/runs" | grep -q '^\.tmp-' && [ -z "${2:-}" ] && { echo "staging left"; return 1; }
    return 0
}

# --- kill -9 during publication ----------------------------------------------
out=$tmp/pub
rs run "$SMALL" -o "$out" --no-geoip --quiet 2>/dev/null || nok "first run into $out"
bad=0
i=0
while [ $i -lt "$REPEAT" ]; do
    step=$((i % 4 + 1))
    RINGSCAN_TEST_PUBLISH_DELAY_MS=40 "$BIN" run "$SMALL" -o "$out" --no-geoip --quiet \
        2>"$tmp/pub.err" &
    pid=$!
    n=0
    while ! grep -q "publication step $step" "$tmp/pub.err" 2>/dev/null && [ $n -lt 500 ]; do
        sleep 0.01
        n=$((n + 1))
    done
    # somewhere inside the step's delay, or just after it
    sleep "0.0$((i % 5 * 2))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if ! why=$(consistent "$out" dead); then
        bad=$((bad + 1))
        [ $bad -le 3 ] && nok "kill at publication step $step (round $i): $why"
    fi
    i=$((i + 1))
done
[ $bad -eq 0 ] && ok "kill -9 at each publication step, $REPEAT times: OUT_DIR always one complete run"
rs run "$SMALL" -o "$out" --no-geoip 2>"$tmp/pub.err"
if why=$(consistent "$out"); then
    ok "the next run succeeds and removes what killed runs left"
else
    nok "the next run succeeds and removes what killed runs left: $why ($(err "$tmp/pub.err"))"
fi
nruns=$(ls "$out/runs" | wc -l)
[ "$nruns" -le 3 ] && ok "retention: $nruns runs kept (default 3)" || nok "retention: $nruns runs kept (default 3)"

# --- kill -9 during every phase ------------------------------------------------
out=$tmp/phases
rs run "$tmp/world" -o "$out" --no-geoip --quiet 2>/dev/null || nok "first run of the world"
before=$(cksum <"$out/accounts.csv")
t0=$(date +%s%N)
rs run "$tmp/world" -o "$tmp/timing" --no-geoip --quiet 2>/dev/null
ms=$((($(date +%s%N) - t0) / 1000000))
bad=0
for frac in 5 15 25 35 45 55 65 75 85 95; do
    "$BIN" run "$tmp/world" -o "$out" --no-geoip --quiet 2>/dev/null &
    pid=$!
    sleep "$(awk -v m="$ms" -v f="$frac" 'BEGIN { printf "%.3f", m * f / 100000 }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if ! why=$(consistent "$out" dead); then
        bad=$((bad + 1))
        nok "kill at $frac % of a ${ms} ms run: $why"
    fi
done
[ $bad -eq 0 ] && ok "kill -9 at ten points over a ${ms} ms run: OUT_DIR always one complete run"
[ "$(cksum <"$out/accounts.csv")" = "$before" ] && ok "the published findings are the same run's" ||
    ok "the published findings are a later complete run's"

# --- two runs into one OUT_DIR --------------------------------------------------
out=$tmp/two
RINGSCAN_TEST_PUBLISH_DELAY_MS=1500 "$BIN" run "$SMALL" -o "$out" --no-geoip --quiet 2>"$tmp/a.err" &
a=$!
n=0
while ! grep -q "publication step 1" "$tmp/a.err" 2>/dev/null && [ $n -lt 500 ]; do
    sleep 0.01
    n=$((n + 1))
done
t0=$(date +%s)
rs run "$tmp/world" -o "$out" --no-geoip --quiet 2>"$tmp/b.err"
rc=$?
[ $rc -eq 4 ] && ok "a second run into a busy OUT_DIR exits 4" || nok "a second run into a busy OUT_DIR exits 4 (got $rc: $(err "$tmp/b.err"))"
grep -q "in use by another ringscan run" "$tmp/b.err" && [ $(($(date +%s) - t0)) -le 2 ] &&
    ok "... at once, saying why" || nok "... at once, saying why ($(err "$tmp/b.err"))"
rs run "$tmp/world" -o "$out" --no-geoip --quiet --wait 2>"$tmp/b.err"
rc=$?
wait $a
rca=$?
[ $rc -eq 0 ] && [ $rca -eq 0 ] && ok "with --wait the second run waits, both succeed" ||
    nok "with --wait the second run waits, both succeed (first $rca, second $rc: $(err "$tmp/b.err"))"
why=$(consistent "$out") && ok "two runs: OUT_DIR holds the later one whole" || nok "two runs: $why"
[ "$(ls "$out/runs" | wc -l)" -eq 2 ] && ok "two runs: both kept in runs/" || nok "two runs: both kept in runs/ ($(ls "$out/runs"))"
grep -q "ringscan-world\|\"accounts.csv\"" "$out/run.json" || true
[ "$(wc -l <"$out/accounts.csv")" -gt 1000 ] && ok "two runs: current is the --wait run (the world's accounts)" ||
    nok "two runs: current is the --wait run"

# --- stale staging ---------------------------------------------------------------
out=$tmp/stale
rs run "$SMALL" -o "$out" --no-geoip --quiet 2>/dev/null
mkdir -p "$out/.staging-1/evidence" "$out/runs/.tmp-20200101T000000Z/evidence"
head -c 100000 /dev/zero >"$out/.staging-1/evidence/big"
head -c 100000 /dev/zero >"$out/runs/.tmp-20200101T000000Z/evidence/big"
rs run "$SMALL" -o "$out" --no-geoip 2>"$tmp/stale.err"
rc=$?
[ $rc -eq 0 ] && ok "stale staging (PID 1's, a dead run's) does not block a run" || nok "stale staging does not block a run (exit $rc: $(err "$tmp/stale.err"))"
[ ! -e "$out/.staging-1" ] && [ ! -e "$out/runs/.tmp-20200101T000000Z" ] &&
    ok "stale staging removed" || nok "stale staging removed ($(ls -A "$out" "$out/runs" | tr '\n' ' '))"
grep -q "removed 2 staging directories left by interrupted runs" "$tmp/stale.err" &&
    ok "... with a note" || nok "... with a note ($(err "$tmp/stale.err"))"

# --- -o equal to the input ---------------------------------------------------------
cp -R "$SMALL" "$tmp/inplace"
sums=$(cd "$tmp/inplace" && cksum * | sort)
rs run "$tmp/inplace" -o "$tmp/inplace" --no-geoip --quiet 2>"$tmp/inplace.err"
rc=$?
[ $rc -eq 1 ] && grep -q "output directory is the input directory" "$tmp/inplace.err" &&
    ok "-o INPUT_DIR refused (exit 1)" || nok "-o INPUT_DIR refused (exit $rc: $(err "$tmp/inplace.err"))"
[ "$(cd "$tmp/inplace" && cksum * | sort)" = "$sums" ] && [ "$(ls -A "$tmp/inplace" | wc -l)" -eq 7 ] &&
    ok "... inputs untouched, nothing added" || nok "... inputs untouched ($(ls -A "$tmp/inplace" | tr '\n' ' '))"
mkdir -p "$tmp/parent"
cp -R "$SMALL" "$tmp/parent/in"
rs run "$tmp/parent/in" -o "$tmp/parent" --no-geoip --quiet 2>"$tmp/parent.err"
rc=$?
[ $rc -eq 1 ] && grep -q "output directory holds the input file" "$tmp/parent.err" &&
    ok "-o a parent of INPUT_DIR refused (exit 1)" || nok "-o a parent of INPUT_DIR refused (exit $rc: $(err "$tmp/parent.err"))"
mkdir -p "$tmp/foreign"
echo "account_id" >"$tmp/foreign/accounts.csv"
rs run "$SMALL" -o "$tmp/foreign" --no-geoip --quiet 2>"$tmp/foreign.err"
rc=$?
[ $rc -eq 1 ] && grep -q "ringscan did not write" "$tmp/foreign.err" && [ "$(cat "$tmp/foreign/accounts.csv")" = account_id ] &&
    ok "an OUT_DIR holding someone else's accounts.csv refused, file untouched" ||
    nok "an OUT_DIR holding someone else's accounts.csv refused (exit $rc: $(err "$tmp/foreign.err"))"

# --- read-only OUT_DIR: found before ingest ------------------------------------------
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$tmp/ro"
    chmod 555 "$tmp/ro"
    rs run "$tmp/world" -o "$tmp/ro" --no-geoip --quiet 2>"$tmp/ro.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "not writable" "$tmp/ro.err" && ok "read-only OUT_DIR: exit 1 before ingest" ||
        nok "read-only OUT_DIR: exit 1 before ingest (exit $rc: $(err "$tmp/ro.err"))"
    chmod 755 "$tmp/ro"
else
    echo "# skip: read-only OUT_DIR (root ignores permissions)"
fi

# --- full disk --------------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/full" && mount -t tmpfs -o size=600k tmpfs "$tmp/full" 2>/dev/null; then
    rs run "$SMALL" -o "$tmp/full/out" --no-geoip --quiet 2>"$tmp/full.err" || nok "small run fits the 600 KB disk ($(err "$tmp/full.err"))"
    rs run "$tmp/world" -o "$tmp/full/out" --no-geoip --quiet 2>"$tmp/full.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "No space left on device" "$tmp/full.err" && grep -q "ringscan: error: .*/full/out/runs/" "$tmp/full.err" &&
        ok "full disk: exit 1 naming the file and the reason" ||
        nok "full disk: exit 1 naming the file and the reason (exit $rc: $(err "$tmp/full.err"))"
    why=$(consistent "$tmp/full/out") && [ "$(wc -l <"$tmp/full/out/accounts.csv")" -lt 100 ] &&
        ok "full disk: the previous run stays published, staging removed" || nok "full disk: previous run stays published: $why"
    umount "$tmp/full"
else
    echo "# skip: full disk (needs root and tmpfs)"
fi

# --- bombs and limits ----------------------------------------------------------------------
mk_bomb() { # mk_bomb DIR KIND - a logins.csv.gz that expands a hundred-fold or more
    mkdir -p "$1"
    cp "$SMALL/accounts.csv" "$1/"
    $PY - "$1/logins.csv.gz" "$2" <<'EOF'
import sys, zlib
path, kind = sys.argv[1], sys.argv[2]
if kind == "rows":
    head = b"ts,account_id,ip,device_id\n"
    body = b"2026-03-01T00:00:00Z,f01,192.0.2.10,dev-A\n" * (1 << 16)
else:
    head = b"ts,account_id,ip\n"
    body = b"\n" * (1 << 22)
def member(data):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()
one = member(body)
with open(path, "wb") as f:
    f.write(member(head))
    for _ in range((96 << 20) // len(body) + 1):  # about 96 MiB of text
        f.write(one)
EOF
}
mk_bomb "$tmp/bomb" rows
t0=$(date +%s)
rs run "$tmp/bomb" -o "$tmp/bomb.out" --no-geoip --quiet 2>"$tmp/bomb.err"
rc=$?
[ $rc -eq 1 ] && grep -q "logins.csv.gz:.*decompression bomb" "$tmp/bomb.err" && [ "$(wc -l <"$tmp/bomb.err")" -eq 1 ] &&
    ok "gzip bomb of valid rows: one-line error, exit 1 ($(($(date +%s) - t0)) s)" ||
    nok "gzip bomb of valid rows: one-line error, exit 1 (exit $rc: $(err "$tmp/bomb.err"))"
mk_bomb "$tmp/nl" newlines
rs run "$tmp/nl" -o "$tmp/nl.out" --no-geoip --quiet 2>"$tmp/nl.err"
rc=$?
[ $rc -eq 1 ] && grep -q "decompression bomb" "$tmp/nl.err" && ok "gzip bomb of newlines: exit 1" ||
    nok "gzip bomb of newlines: exit 1 (exit $rc: $(err "$tmp/nl.err"))"
rs validate "$tmp/nl" --quiet 2>"$tmp/nlv.err"
[ $? -eq 1 ] && grep -q "decompression bomb" "$tmp/nlv.err" && ok "validate stops the bomb too" ||
    nok "validate stops the bomb too ($(err "$tmp/nlv.err"))"
rs run "$tmp/world" -o "$tmp/cap.out" --no-geoip --quiet --max-input-bytes 1M 2>"$tmp/cap.err"
rc=$?
[ $rc -eq 1 ] && grep -q "input larger than the limit of 1048576 bytes" "$tmp/cap.err" &&
    ok "--max-input-bytes 1M: exit 1 naming the limit" || nok "--max-input-bytes 1M (exit $rc: $(err "$tmp/cap.err"))"
[ ! -e "$tmp/cap.out/runs" ] && ok "... and nothing left in OUT_DIR" || nok "... nothing left in OUT_DIR ($(ls -A "$tmp/cap.out"))"
echo '{"limits": {"max_input_bytes": "1M", "max_gzip_ratio": 50}}' >"$tmp/limits.json"
rs run "$tmp/world" -o "$tmp/cap.out" --no-geoip --quiet --config "$tmp/limits.json" 2>"$tmp/cap.err"
[ $? -eq 1 ] && grep -q "input larger than the limit of 1048576 bytes" "$tmp/cap.err" &&
    ok "limits from the config file" || nok "limits from the config file ($(err "$tmp/cap.err"))"
echo '{"limits": {"max_input_byte": 5}}' >"$tmp/limits.json"
rs run "$tmp/world" -o "$tmp/cap.out" --no-geoip --quiet --config "$tmp/limits.json" 2>"$tmp/cap.err"
[ $? -eq 1 ] && grep -q "unknown config key 'limits.max_input_byte'" "$tmp/cap.err" &&
    ok "a misspelt limit is an error" || nok "a misspelt limit is an error ($(err "$tmp/cap.err"))"
rs run "$tmp/world" -o "$tmp/cap.out" --no-geoip --quiet --max-memory 12X 2>"$tmp/cap.err"
[ $? -eq 2 ] && grep -q "max-memory: not a positive size" "$tmp/cap.err" &&
    ok "--max-memory 12X is a usage error" || nok "--max-memory 12X is a usage error ($(err "$tmp/cap.err"))"

mkdir -p "$tmp/rec"
cp "$SMALL/accounts.csv" "$tmp/rec/"
$PY - "$tmp/rec/logins.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("ts,account_id,ip,user_agent\n2026-03-01T00:00:00Z,a1,192.0.2.1,\"")
    for _ in range(40000):
        f.write("a" * 60 + "\n")
    f.write("\"\n")
EOF
rs run "$tmp/rec" -o "$tmp/rec.out" --no-geoip --quiet --max-record-bytes 1M 2>"$tmp/rec.err"
rc=$?
[ $rc -eq 1 ] && grep -q "logins.csv:2:1: record longer than 1048576 bytes over" "$tmp/rec.err" &&
    ok "a multi-line record past --max-record-bytes: exit 1 at its first line" ||
    nok "a multi-line record past --max-record-bytes (exit $rc: $(err "$tmp/rec.err"))"
rs run "$tmp/rec" -o "$tmp/rec.out" --no-geoip --quiet 2>"$tmp/rec.err"
[ $? -eq 0 ] && ok "... the same 2.4 MB record under the default 64 MiB bound loads" || nok "... under the default bound ($(err "$tmp/rec.err"))"

rs run "$tmp/world" -o "$tmp/mem.out" --no-geoip --quiet --max-memory 8M 2>"$tmp/mem.err"
rc=$?
[ $rc -eq 1 ] && grep -q "memory budget exceeded: .* budget 8 MB (--max-memory)" "$tmp/mem.err" &&
    ok "--max-memory 8M: exit 1 with the budget named" || nok "--max-memory 8M (exit $rc: $(err "$tmp/mem.err"))"

mkdir -p "$tmp/fifo"
cp "$SMALL/accounts.csv" "$tmp/fifo/"
if mkfifo "$tmp/fifo/logins.csv" 2>/dev/null; then
    rs run "$tmp/fifo" -o "$tmp/fifo.out" --no-geoip --quiet 2>"$tmp/fifo.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "logins.csv: not a regular file (a FIFO): refused" "$tmp/fifo.err" &&
        ok "a FIFO input is refused at once" || nok "a FIFO input is refused at once (exit $rc: $(err "$tmp/fifo.err"))"
else
    echo "# skip: mkfifo unavailable"
fi

e2e_done
