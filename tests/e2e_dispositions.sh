#!/bin/sh
# e2e_dispositions.sh BUILD_DIR - the analysts' decisions file checked
# against the state, and persistent ids first in every output.
#
# One small world, one first night with --state; then decisions files that
# must each fail with exit 1 and their exact file:line:col message and
# hint: a ring id the state never issued, a rank, an unknown account,
# confirmed on a ring, an allowlisted ip that is not an address (once a
# crash), a duplicated column, an undated row, an analyst that is not
# UTF-8, UTF-16, a FIFO, a device, and files, lines and notes over their
# limits. A BOM is dropped; --dispositions-lenient skips and lists; an
# account that left the data but the state remembers stays valid; every
# decision is stored, confirmed ones too. With --state the index, case
# page, evidence folder, rings.json, accounts.csv and GraphML name a ring
# by its persistent id; without, by its rank as before.
set -u

. tests/lib.sh
E2E_LIMIT=20
e2e_init "${1:-}"

gen_or_stop "$tmp/w" --seed 3 --accounts 600 --clients 150 --rings 3 --ring-size 6-10 --days 20

S=$tmp/state
H='subject_type,subject_id,decision,analyst,decided_at,note'
run() { # run DECISIONS [args]: one night on the world with --state; rc in $rc, stderr in $tmp/err
    d=$1
    shift
    rs run "$tmp/w" -o "$tmp/out" --no-geoip --quiet --state "$S" --dispositions "$d" "$@" \
        2>"$tmp/err"
    rc=$?
}
db() { "$PY" -c 'import sqlite3,sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str,row)))' \
    "$S/ringscan.sqlite" "$1"; }
# expect WHAT FILE MESSAGE: the run on FILE exits 1 with exactly MESSAGE on stderr.
expect() {
    run "$2"
    if [ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "ringscan: error: $3" ]; then
        ok "$1"
    else
        nok "$1: exit $rc, stderr: $(err "$tmp/err")"
    fi
}

# --- the first night ---------------------------------------------------------
SOURCE_DATE_EPOCH=1772496000 rs run "$tmp/w" -o "$tmp/out" --no-geoip --quiet --state "$S" \
    2>"$tmp/err1"
check "night 1 runs" [ $? = 0 ]
R2=$("$PY" -c 'import json,sys
print([r["persistent_id"] for r in json.load(open(sys.argv[1]))["rings"] if r["rank"] == 2][0])' \
    "$tmp/out/current/rings.json" 2>/dev/null)
ACCT=$(awk -F, '$3 == 1 && $5 != "" {print $1; exit}' "$tmp/out/current/accounts.csv")
check "night 1 reports a second ring ($R2) and a flagged ring account ($ACCT)" [ -n "$R2" ] && [ -n "$ACCT" ]

# --- persistent ids first ------------------------------------------------------
O=$tmp/out/current
check "index.html links the ring by its persistent id" \
    grep -q "href=\"evidence/RS-000001/data/report.html\">RS-000001</a>" "$O/index.html"
check "the evidence folder is named by the persistent id" [ -f "$O/evidence/RS-000001/bag-info.txt" ]
check "no evidence folder is named by rank" [ ! -e "$O/evidence/R0001" ]
check "the case page's title is the persistent id" \
    grep -q "<title>RS-000001 - ringscan evidence</title>" "$O/evidence/RS-000001/data/report.html"
check "the bag's External-Identifier is the persistent id" \
    grep -q "^External-Identifier: RS-000001$" "$O/evidence/RS-000001/bag-info.txt"
"$PY" - "$O/rings.json" 2>"$tmp/py.err" <<'PYEOF' && ok "rings.json: id is the persistent id, rank stays" || nok "rings.json: $(err "$tmp/py.err")"
import json, sys
for r in json.load(open(sys.argv[1]))["rings"]:
    assert r["id"] == r["persistent_id"] and r["id"].startswith("RS-"), r["id"]
    assert isinstance(r["rank"], int)
PYEOF
check "accounts.csv's ring column holds persistent ids" \
    [ "$(awk -F, -v a="$ACCT" '$1 == a {print substr($5, 1, 3)}' "$O/accounts.csv")" = RS- ]
check "graph.graphml's ring_id holds persistent ids" grep -q '<data key="ring_id">RS-0000[0-9][0-9]</data>' "$O/graph.graphml"
check "graph.graphml has no rank ring ids" sh -c "! grep -q '<data key=\"ring_id\">R0' '$O/graph.graphml'"
rs run "$tmp/w" -o "$tmp/out-nostate" --no-geoip --quiet 2>"$tmp/err0"
check "without --state rings are named by rank as before" \
    [ -f "$tmp/out-nostate/current/evidence/R0001/bag-info.txt" ] &&
    grep -q '"id": "R0001"' "$tmp/out-nostate/current/rings.json"

# --- decisions the state cannot match --------------------------------------------
printf '%s\nring,RS-000001,benign,ana,2026-03-01,ok\nring,RS-00003,benign,ana,2026-03-01,typo\n' "$H" >"$tmp/typo.csv"
expect "a ring id the state never issued" "$tmp/typo.csv" \
    "$tmp/typo.csv:3:2: ring 'RS-00003' was never issued by this state; ring ids look like RS-000123; copy the id from rings.json or the case page"
printf '%s\nring,R0002,benign,ana,2026-03-01,\n' "$H" >"$tmp/rank.csv"
expect "a rank, with the ring it was last night" "$tmp/rank.csv" \
    "$tmp/rank.csv:2:2: ring 'R0002' is a rank, which changes every run, not a ring id; in the last run R0002 was ring $R2: use that id"
printf '%s\naccount,nobody-at-all,benign,ana,2026-03-01,\n' "$H" >"$tmp/acct.csv"
expect "an account neither the data nor the state has seen" "$tmp/acct.csv" \
    "$tmp/acct.csv:2:2: account 'nobody-at-all' is neither in this run's data nor known to the state; check the id against accounts.csv's account_id"
printf '%s\nring,RS-000001,confirmed,ana,2026-03-01,\n' "$H" >"$tmp/conf.csv"
expect "confirmed on a ring" "$tmp/conf.csv" \
    "$tmp/conf.csv:2:3: decision 'confirmed' does not apply to a ring; rings are escalated, benign or allowlisted; confirm the ring's accounts instead"
for ip in 10.0.0.0/8 203.0.113.7:443; do
    printf '%s\nip,%s,allowlisted,ana,2026-03-01,\n' "$H" "$ip" >"$tmp/ip.csv"
    expect "an allowlisted ip $ip is an error, not a crash" "$tmp/ip.csv" \
        "$tmp/ip.csv:2:2: ip '$ip' is not an IP address; give one address, such as 203.0.113.7 or 2001:db8::1, without a prefix length or port"
done

# --- bad files -------------------------------------------------------------------
printf 'subject_type,subject_id,decision,decision\nring,RS-000001,benign,benign\n' >"$tmp/dup.csv"
expect "a duplicated column" "$tmp/dup.csv" \
    "$tmp/dup.csv:1:4: the column 'decision' appears twice (fields 3 and 4): which one holds is not guessed; remove one"
printf '%s\nring,RS-000001,benign,ana,,\n' "$H" >"$tmp/undated.csv"
expect "an undated row" "$tmp/undated.csv" \
    "$tmp/undated.csv:2:5: decided_at is empty: every decision needs its date (decided_at: YYYY-MM-DD or an RFC 3339 time)"
printf '%s\nring,RS-000001,benign,an\377a,2026-03-01,\n' "$H" >"$tmp/utf8.csv"
expect "an analyst that is not UTF-8" "$tmp/utf8.csv" \
    "$tmp/utf8.csv:2:4: analyst is not UTF-8 (byte 0xff at offset 2): save the file as UTF-8"
printf '%s\nring,RS-000001,benign,ana,2026-03-01,\n' "$H" | iconv -t UTF-16 >"$tmp/u16.csv"
expect "a UTF-16 file" "$tmp/u16.csv" \
    "$tmp/u16.csv:1:1: the file is UTF-16LE (byte-order mark), not UTF-8: convert it with 'iconv -f UTF-16 -t UTF-8 $tmp/u16.csv > converted.csv'"
mkfifo "$tmp/fifo"
expect "a FIFO is refused at once" "$tmp/fifo" "$tmp/fifo: not a regular file (a FIFO): refused"
expect "a device is refused" /dev/zero "/dev/zero: not a regular file (a device or socket): refused"
{
    printf '%s\n' "$H"
    head -c 17000000 /dev/zero | tr '\0' 'x'
} >"$tmp/huge.csv"
expect "a file over 16 MiB" "$tmp/huge.csv" \
    "$tmp/huge.csv: 17000057 bytes, more than the limit of 16777216 for a decisions file"
{
    printf '%s\nring,RS-000001,benign,ana,2026-03-01,' "$H"
    head -c 70000 /dev/zero | tr '\0' 'n'
    echo
} >"$tmp/line.csv"
expect "a line over 64 KiB" "$tmp/line.csv" \
    "$tmp/line.csv:2: line of 70038 bytes, more than the limit of 65536"
{
    printf '%s\nring,RS-000001,benign,ana,2026-03-01,' "$H"
    head -c 5000 /dev/zero | tr '\0' 'n'
    echo
} >"$tmp/note.csv"
expect "a note over 4096 bytes" "$tmp/note.csv" \
    "$tmp/note.csv:2:6: note is 5000 bytes, more than the limit of 4096"
check "no failed night changed the state" [ "$(db 'SELECT count(*) FROM runs')" = 1 ] &&
    [ "$(db 'SELECT count(*) FROM dispositions')" = 0 ]

# --- what is accepted -------------------------------------------------------------
printf '\357\273\277%s\nring,RS-00003,benign,ana,2026-03-01,typo\nring,RS-000001,escalated,ana,2026-03-01,look\naccount,%s,confirmed,bo,2026-03-02,caught\n' \
    "$H" "$ACCT" >"$tmp/lenient.csv"
run "$tmp/lenient.csv" --dispositions-lenient
check "--dispositions-lenient runs with an unmatched row" [ "$rc" = 0 ]
check "... and says so on stderr under --quiet" [ "$(cat "$tmp/err")" = "ringscan: warning: $tmp/lenient.csv:2:2: ring 'RS-00003' was never issued by this state; ring ids look like RS-000123; copy the id from rings.json or the case page (skipped: --dispositions-lenient)" ]
"$PY" - "$tmp/out/current/run.json" 2>"$tmp/py.err" <<'PYEOF' && ok "... and lists it in run.json" || nok "run.json dispositions_unmatched: $(err "$tmp/py.err")"
import json, sys
r = json.load(open(sys.argv[1]))
u = r["dispositions_unmatched"]
assert r["decisions_read"] == 3, r["decisions_read"]
assert len(u) == 1 and u[0]["line"] == 2 and u[0]["column"] == 2 and u[0]["subject_id"] == "RS-00003", u
assert u[0]["problem"] == "ring 'RS-00003' was never issued by this state", u
PYEOF
check "a BOM is dropped and every decision kept is stored, confirmed ones too" \
    [ "$(db "SELECT subject_type || ':' || decision FROM dispositions ORDER BY subject_type")" = "account:confirmed
ring:escalated" ]

# An account the state remembers stays valid once it has left the data.
mkdir -p "$tmp/w2"
for f in "$tmp"/w/*.csv; do grep -v "$ACCT" "$f" >"$tmp/w2/${f##*/}"; done
printf '%s\naccount,%s,benign,ana,2026-03-03,left\n' "$H" "$ACCT" >"$tmp/gone.csv"
rs run "$tmp/w2" -o "$tmp/out" --no-geoip --quiet --state "$S" --dispositions "$tmp/gone.csv" 2>"$tmp/err"
check "an account that left the data but the state remembers is accepted" [ $? = 0 ]

e2e_done
