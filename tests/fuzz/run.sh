#!/bin/sh
# run.sh HARNESS FUZZ_DIR SECONDS [LIBFUZZER_OPTION...] - one time-boxed
# libFuzzer run of FUZZ_DIR/fuzz_HARNESS (make fuzz). The seed corpus
# tests/fuzz/corpus/HARNESS is copied into FUZZ_DIR/corpus/HARNESS, which
# collects new inputs across runs; the tree is never written. Prints one
# summary line; on a crash, leak, timeout or out-of-memory prints the
# reproducer and the top of the report and exits 1. Log: FUZZ_DIR/logs/.
set -u
h=$1 dir=$2 secs=$3
shift 3
corpus=$dir/corpus/$h
art=$dir/artifacts/$h
log=$dir/logs/$h.log
mkdir -p "$corpus" "$art" "$dir/logs"
cp tests/fuzz/corpus/"$h"/* "$corpus"/
dict=tests/fuzz/$h.dict
[ -f "$dict" ] && set -- "$@" -dict="$dict"
echo "FUZZ $h: ${secs} s"
"$dir/fuzz_$h" -max_total_time="$secs" -artifact_prefix="$art/" "$@" "$corpus" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
if [ $rc -eq 0 ]; then
    echo "PASS fuzz $h: ${runs:-?} runs in ${took:-?} s, ${cov:-?}"
    exit 0
fi
echo "FAIL fuzz $h (exit $rc) after ${runs:-?} runs, log $log:"
# The report's first line, then the top of the first stack below libFuzzer,
# the sanitizers and libc.
grep -E '^(==[0-9]+==ERROR|fuzz: invariant|ALARM|==[0-9]+== ERROR)' "$log" | awk '!seen[$0]++' |
    head -n 3 | sed 's/^/     | /'
awk '/^    #[0-9]+ / { if (done) next
                     if ($0 ~ /fuzzer::|__sanitizer|libc[.]so|libc_start|pthread_kill|raise[.]c|abort[.]c|fuzzutil_fail| in main | in _start /) next
                     print; if (++n == 6) done = 1; next }
     n > 0 { done = 1 }' "$log" | sed 's/^/     | /'
grep -E '^(SUMMARY|artifact_prefix)' "$log" | sed 's/^/     | /'
exit 1
