#!/bin/sh
# e2e_values.sh BUILD_DIR - value forms a database writes load as written, and
# values that would load silently wrong are bad rows naming the cause
# (docs/loading.md, "Silent hazards and what ringscan does about each").
# Checked:
#  (a) a simulator world written as a PostgreSQL `COPY ... CSV HEADER` dump
#      would write it (every event table's time column named `created_at`,
#      `occurred_at` or `event_time`, times as `2026-03-01 12:34:56+00`, in
#      New York time as `...07:34:56.000-05`, `+05:30` and `+0530` offsets,
#      booleans `t`/`f`) flags the same accounts and rings as its
#      contract-format copy, and validate finds no bad row in it;
#  (b) logins whose times are Excel serial dates (46082.5) are bad rows
#      saying so, in run.json and on stderr, and validate says FAILED, not ok;
#  (c) a row dated 2099, a 1970 placeholder date, a day count since 1970
#      and a two-digit year are bad rows with their causes; validate
#      reports them;
#  (d) hints that point at the fix: a JSONL file that is one JSON array
#      names the .json suffix; a nested object names the `sources` mapping;
#      a missing ts names the header's `updated_at`; a file named like a
#      table but not read as one names the table.
set -u

. tests/lib.sh
e2e_init "${1:-}"

w=$tmp/w
gen_or_stop "$w/in" --seed 3 --accounts 600 --clients 150 --days 30
rm -f "$w/in/truth.csv" "$w/in/truth.json"

# --- (a) a PostgreSQL dump ------------------------------------------------------
cp -r "$w/in" "$w/pg"
"$PY" - "$w/pg" >"$tmp/prep.out" 2>&1 <<'EOF' || nok "prepare the dump: $(err "$tmp/prep.out")"
import csv, datetime, os, sys
d = sys.argv[1]
names = ["created_at", "occurred_at", "event_time"]

def pg(ts, k):
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")
    if k % 4 == 0:
        return t.strftime("%Y-%m-%d %H:%M:%S+00")
    if k % 4 == 1:
        return (t - datetime.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S.000-05")
    if k % 4 == 2:
        return (t + datetime.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%d %H:%M:%S+05:30")
    return (t + datetime.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%d %H:%M:%S+0530")

for i, name in enumerate(["logins", "bids", "ratings", "payouts", "charges", "ports", "accounts"]):
    p = os.path.join(d, name + ".csv")
    if not os.path.exists(p):
        continue
    rows = list(csv.reader(open(p, encoding="utf-8", newline="")))
    head = rows[0]
    tcol = "created_at" if name == "accounts" else "ts"
    c = head.index(tcol)
    if name != "accounts":
        head[c] = names[i % len(names)]
    b = head.index("accepted") if "accepted" in head else -1
    for k, r in enumerate(rows[1:]):
        if r[c]:
            r[c] = pg(r[c], k)
        if b >= 0 and r[b] in ("0", "1"):
            r[b] = "t" if r[b] == "1" else "f"
    with open(p, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
EOF
rs run "$w/in" -o "$w/out" --no-geoip --quiet --seed 42 2>"$tmp/run.err" ||
    nok "contract-format run: $(err "$tmp/run.err")"
rs run "$w/pg" -o "$w/pg-out" --no-geoip --quiet --seed 42 2>"$tmp/pg.err" ||
    nok "PostgreSQL-form run: $(err "$tmp/pg.err")"
for f in accounts.csv rings.json; do
    if [ -s "$w/out/current/$f" ] && cmp -s "$w/out/current/$f" "$w/pg-out/current/$f"; then
        ok "PostgreSQL offsets, t/f and created_at: $f equals the contract-format run's"
    else
        nok "PostgreSQL offsets, t/f and created_at: $f differs from the contract-format run's"
    fi
done
rs validate "$w/pg" >"$tmp/pgv.out" 2>"$tmp/pgv.err"
rc=$?
check "validate: the PostgreSQL dump has no bad row (exit $rc, $(err "$tmp/pgv.err"))" [ "$rc" -eq 0 ]
check "created_at, occurred_at and event_time are read as ts (run.json columns_read_as)" \
    "$PY" -c 'import json,sys
r = json.load(open(sys.argv[1]))
m = {}
for i in r["inputs"]:
    m.update({k: v for k, v in i.get("columns_read_as", {}).items()})
sys.exit(not (m.get("created_at") == "ts" and m.get("occurred_at") == "ts" and m.get("event_time") == "ts"))' \
    "$w/pg-out/current/run.json"

# --- (b) Excel serial dates ------------------------------------------------------
cp -r "$w/in" "$w/xl"
"$PY" - "$w/xl" >"$tmp/xl.out" 2>&1 <<'EOF' || nok "prepare the Excel dates: $(err "$tmp/xl.out")"
import csv, datetime, os, sys
p = os.path.join(sys.argv[1], "logins.csv")
rows = list(csv.reader(open(p, encoding="utf-8", newline="")))
base = datetime.datetime(1899, 12, 30)
for r in rows[1:21]:
    t = datetime.datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%SZ")
    r[0] = "%.6f" % ((t - base).total_seconds() / 86400)
with open(p, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
rs run "$w/xl" -o "$w/xl-out" --no-geoip --quiet --seed 42 2>"$tmp/xl.err" ||
    nok "run with Excel dates: $(err "$tmp/xl.err")"
check "Excel serial dates: 20 bad rows in run.json, by that reason" \
    "$PY" -c 'import json,sys
r = json.load(open(sys.argv[1]))
i = [f for f in r["inputs"] if f["file"] == "logins.csv"][0]
n = sum(v for k, v in i["skipped_by_reason"].items() if "Excel serial date" in k)
sys.exit(not (n == 20 and i["rows_skipped"] == 20))' "$w/xl-out/current/run.json"
head -n 1 "$w/xl/logins.csv" >"$tmp/xl1.csv"
sed -n '2,21p' "$w/xl/logins.csv" >>"$tmp/xl1.csv"
mkdir -p "$tmp/xlonly"
mv "$tmp/xl1.csv" "$tmp/xlonly/logins.csv"
rs validate "$tmp/xlonly" >"$tmp/xlv.out" 2>"$tmp/xlv.err"
rc=$?
check "validate: Excel serial dates are not ok (exit $rc)" [ "$rc" -eq 1 ]
check "validate: the table of Excel dates is FAILED, not ok" grep -q "logins.csv *FAILED" "$tmp/xlv.out"
check "validate: the reason names the Excel serial date" \
    grep -q 'logins.csv:2:1: ts: before 2000: an Excel serial date (days since 1899-12-30) read as epoch seconds' \
    "$tmp/xlv.err"

# --- (c) other times out of range ------------------------------------------------
mkdir -p "$tmp/r"
printf 'ts,account_id,ip\n2026-03-01T00:00:00Z,a1,192.0.2.1\n2099-01-01T00:00:00Z,a2,192.0.2.2\n1970-01-01 00:00:00,a4,192.0.2.4\n20513,a5,192.0.2.5\n' \
    >"$tmp/r/logins.csv"
rs validate "$tmp/r" >"$tmp/rv.out" 2>"$tmp/rv.err"
rc=$?
check "validate: out-of-range times make exit 1 (exit $rc)" [ "$rc" -eq 1 ]
check "validate: a row dated 2099 is after the run's clock plus one day" \
    grep -q "logins.csv:3:1: ts: after the run's clock plus one day" "$tmp/rv.err"
check "validate: 1970-01-01 is a placeholder date or a two-digit year read as 19YY" \
    grep -q "logins.csv:4:1: ts: before 2000-01-01 (a placeholder date" "$tmp/rv.err"
check "validate: a day count since 1970 is named" \
    grep -q "logins.csv:5:1: ts: before 2000: days since 1970 read as epoch seconds" "$tmp/rv.err"
mkdir -p "$tmp/yy"
printf 'ts,account_id,ip\n2026-03-01T00:00:00Z,a1,192.0.2.1\n26-03-01 12:00:00,a3,192.0.2.3\n' \
    >"$tmp/yy/logins.csv"
rs validate "$tmp/yy" >/dev/null 2>"$tmp/yy.err"
check "validate: a two-digit year is named" \
    grep -q "logins.csv:3:1: ts: two-digit year: write the year in full" "$tmp/yy.err"
rs run "$tmp/r" -o "$tmp/r-out" --no-geoip 2>"$tmp/rr.err" >/dev/null
check "run: the same rows are bad rows" \
    grep -q "logins.csv:3:1: ts: after the run's clock plus one day" "$tmp/rr.err"

# --- (d) hints -------------------------------------------------------------------
mkdir -p "$tmp/arr"
printf '[\n{"ts": "2026-03-01T00:00:00Z", "account_id": "a1", "ip": "192.0.2.1"}\n]\n' \
    >"$tmp/arr/logins.jsonl"
rs run "$tmp/arr" -o "$tmp/arr-out" --no-geoip --quiet 2>"$tmp/arr.err" >/dev/null
check "a JSONL file that is one JSON array: the error names the .json suffix" \
    grep -q "logins.jsonl:1:1: this is a JSON array, not JSON Lines (one object per line): name the file logins.json" \
    "$tmp/arr.err"

mkdir -p "$tmp/nest"
printf '{"ts": "2026-03-01T00:00:00Z", "account_id": "a1", "ip": "192.0.2.1", "actor": {"id": "00u1"}}\n{"ts": "2026-03-01T00:00:00Z", "account_id": {"id": "a2"}, "ip": "192.0.2.2"}\n' \
    >"$tmp/nest/logins.jsonl"
rs validate "$tmp/nest" >/dev/null 2>"$tmp/nest.err"
check "a nested object in an unknown field names the sources mapping" \
    grep -q "ignoring unknown field 'actor' (a nested object: map nested fields with a \`sources\` mapping, docs/loading.md)" \
    "$tmp/nest.err"
check "a nested object in a column names the sources mapping" \
    grep -q "account_id: expected a string or number (a nested object: map nested fields with a \`sources\` mapping" \
    "$tmp/nest.err"

mkdir -p "$tmp/upd"
printf 'updated_at,account_id,ip\n2026-03-01T00:00:00Z,a1,192.0.2.1\n' >"$tmp/upd/logins.csv"
rs validate "$tmp/upd" >/dev/null 2>"$tmp/upd.err"
check "a missing ts names updated_at and the config entry mapping it" \
    grep -q "missing required column 'ts' (table logins) (did you mean 'updated_at'? rename it 'ts' or map it with the config's \"columns\": {\"logins\": {\"updated_at\": \"ts\"}})" \
    "$tmp/upd.err"

mkdir -p "$tmp/named"
printf 'ts,account_id,ip\n2026-03-01T00:00:00Z,a1,192.0.2.1\n' >"$tmp/named/logins.csv"
printf 'ts,freelancer_id\n2026-03-01T00:00:00Z,a1\n' >"$tmp/named/Bid.csv"
# A data file that no rule reads is an error (docs/loading.md, "How a file is
# read"); its message still names the table the name was probably meant for.
rs run "$tmp/named" -o "$tmp/named-out" --no-geoip --quiet 2>"$tmp/named.err" >/dev/null
named_rc=$?
rs validate "$tmp/named" >"$tmp/namedv.out" 2>&1
check "a file named like a table: the run fails" test "$named_rc" -ne 0
check "a file named like a table: the run's error names the table" \
    grep -q "Bid.csv: not an input table and not a recognised export (is it table 'bids'?" "$tmp/named.err"
check "a file named like a table: validate names the table" \
    grep -q "Bid.csv: not an input table and not a recognised export (is it table 'bids'?" "$tmp/namedv.out"

e2e_done
