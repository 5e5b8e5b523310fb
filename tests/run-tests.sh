#!/bin/sh
# run-tests.sh KIND BUILD_DIR TEST... - runs unit test binaries or e2e scripts,
# prints one result line per test and a closing "N passed, N failed" line.
# Exit status is 0 only when every test passed.
# RINGSCAN_VALGRIND=1 runs unit binaries under valgrind (errors are failures);
# e2e scripts read the same variable and wrap the ringscan binary themselves.
kind=$1; build=$2; shift 2
pass=0; fail=0; failed=""
logdir="$build/test-logs"; mkdir -p "$logdir"
for t in "$@"; do
    name=$(basename "$t")
    log="$logdir/$name.log"
    case $kind in
    unit)
        if [ -n "${RINGSCAN_VALGRIND:-}" ]; then
            valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
                "$t" >"$log" 2>&1
        else
            "$t" >"$log" 2>&1
        fi ;;
    e2e) sh "$t" "$build" >"$log" 2>&1 ;;
    esac
    rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %s\n' "$name"
        grep -E '^(SKIP|skip)' "$log" | sed "s/^/     /"
    else
        fail=$((fail + 1)); failed="$failed $name"
        printf 'FAIL %s (exit %d), log %s:\n' "$name" "$rc" "$log"
        tail -n 30 "$log" | sed 's/^/     | /'
    fi
done
echo "$kind: $pass passed, $fail failed"
[ $fail -eq 0 ]
