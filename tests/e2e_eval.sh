#!/bin/sh
# e2e_eval.sh BUILD_DIR - runs ringscan-eval end to end on generated truth: an output with
# nothing flagged (all zeros, AUC 0.5, no rings.json), a perfect output (all ones, Jaccard
# 1), usage and data errors.
set -eu
B=${1:-build}
GEN="$B/ringscan-gen"
EVAL="$B/ringscan-eval"
[ -n "${RINGSCAN_VALGRIND:-}" ] && EVAL="valgrind -q --error-exitcode=99 $EVAL"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ringscan-e2e-eval.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$@"; }

"$GEN" --seed 3 --accounts 1500 --clients 300 --days 20 --rings 4 --ring-size 4-10 --quiet \
    -o "$tmp/truth"

# Nothing flagged, constant scores, no rings.json.
mkdir -p "$tmp/none"
awk -F, 'NR == 1 { print "account_id,role,flagged,risk_score,ring_id,flags"; next }
         { print $1 "," $2 ",0,0,," }' "$tmp/truth/truth.csv" >"$tmp/none/accounts.csv"
$EVAL "$tmp/none" "$tmp/truth" --json "$tmp/none.json" >"$tmp/none.txt" || fail "eval on zeros"
grep -q "ring recovery" "$tmp/none.txt" || fail "no ring recovery table"
if command -v python3 >/dev/null 2>&1; then
    [ "$(jget "$tmp/none.json" "['risk_score']['all']['roc_auc']")" = "0.5" ] || fail "AUC != 0.5"
    [ "$(jget "$tmp/none.json" "['ring_freelancers']['recall']")" = "0.0" ] || fail "recall != 0"
    [ "$(jget "$tmp/none.json" "['ring_recovery']['mean_best_jaccard']")" = "0.0" ] ||
        fail "jaccard != 0"

    # A perfect detector: flags exactly the ring accounts and reports the true rings.
    mkdir -p "$tmp/perfect"
    awk -F, 'NR == 1 { print "account_id,role,flagged,risk_score,ring_id,flags"; next }
             { f = ($3 != "") ? 1 : 0; print $1 "," $2 "," f "," f "," $3 ",RING_MEMBER" }' \
        "$tmp/truth/truth.csv" >"$tmp/perfect/accounts.csv"
    python3 - "$tmp/truth/truth.json" "$tmp/perfect/rings.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
rings = [{"id": "R%04d" % (i + 1), "members": r["members"], "shill_clients": r["shill_clients"]}
         for i, r in enumerate(t["rings"])]
json.dump(rings, open(sys.argv[2], "w"))
PY
    $EVAL "$tmp/perfect" "$tmp/truth/truth.csv" --quiet --json "$tmp/perfect.json" ||
        fail "eval on perfect output"
    for k in "['ring_freelancers']['precision']" "['ring_freelancers']['recall']" \
             "['shill_clients']['f1']" "['risk_score']['all']['roc_auc']" \
             "['risk_score']['all']['average_precision']" \
             "['ring_recovery']['mean_best_jaccard']"; do
        [ "$(jget "$tmp/perfect.json" "$k")" = "1.0" ] || fail "perfect output: $k != 1"
    done
    [ "$(jget "$tmp/perfect.json" "['benign_fpr_overall']")" = "0.0" ] || fail "perfect FPR"
else
    echo "SKIP JSON checks: python3 not installed"
fi

rc=0; $EVAL >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "no arguments exits $rc, want 2"
rc=0; $EVAL "$tmp/missing" "$tmp/truth" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || fail "missing output dir exits $rc, want 1"
grep -q "accounts.csv" "$tmp/err" || fail "no diagnostic naming accounts.csv"
echo '{"rings": 5}' >"$tmp/none/rings.json"
rc=0; $EVAL "$tmp/none" "$tmp/truth" --quiet 2>/dev/null || rc=$?
[ $rc -eq 1 ] || fail "malformed rings.json exits $rc, want 1"
echo "e2e_eval: ok"
