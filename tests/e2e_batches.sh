#!/bin/sh
# e2e_batches.sh BUILD_DIR - evidence bags do not depend on how rings are
# batched over the second pass of the inputs. A world with about 106 rings,
# where some port observations on shared VPN servers concern more than eight
# rings (a row is filed under the eight highest-ranked; before, under up to
# eight per batch, so these bags differed by batching), is
# run twice: with the open-file limit ringscan normally has (every ring in
# one pass) and with the limit held at 200 (batches of 64, two passes); every
# output but run.json must be byte-identical.
set -u

. tests/lib.sh
E2E_LIMIT=300
e2e_init "${1:-}"

gen_or_stop "$tmp/in" --seed 4 --accounts 15000 --clients 3000 --rings 160 --ring-size 3-8 \
    --days 60
export SOURCE_DATE_EPOCH=1780000000
rs run "$tmp/in" -o "$tmp/one" --no-geoip --quiet 2>"$tmp/one.err" ||
    nok "one pass: $(err "$tmp/one.err")"
(
    ulimit -n 200 && ulimit -Hn 200 || exit 3
    rs run "$tmp/in" -o "$tmp/two" --no-geoip --quiet
) 2>"$tmp/two.err"
rc=$?
if [ $rc = 3 ]; then
    ok "# SKIP cannot lower the open-file limit here"
    e2e_done
    exit 0
fi
check "batches of 64: exit 0 ($(err "$tmp/two.err"))" [ $rc = 0 ]
n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rings"]))' "$tmp/one/current/rings.json")
check "more than 64 rings to batch ($n)" [ "$n" -gt 64 ]
if diff -rq -x run.json "$tmp/one/current/" "$tmp/two/current/" >"$tmp/diff.txt"; then
    ok "every output identical with one pass and with batches of 64"
else
    nok "outputs differ by batching: $(err "$tmp/diff.txt")"
fi
e2e_done
