#!/bin/sh
# e2e_mappings.sh BUILD_DIR - the worked mappings of datasets/mappings/ (docs/loading.md,
# "Worked mappings"). One simulator world with identity data is written in each form
# tests/mapping_formats.py knows - a PostgreSQL COPY CSV dump in UTC and in New York time,
# MySQL INTO OUTFILE and mysql --batch files, an Excel de-DE workbook with text dates and
# with serial dates, a KYC vendor's wide applicants file - and each, read through its
# shipped mapping with --config, must give the same flagged accounts and rings as the
# contract-format run, and `validate --config` must find every file valid. Two silent
# hazards are held to account:
#   - the database's reviews table holds freelancers' reviews of their clients and
#     soft-deleted reviews (one a deleted burst of 5-star reviews by one client): the
#     shipped mapping leaves both out and run.json counts them; a mapping without its
#     `where` and `direction` loads them, and the deleted burst raises RATING_BURST;
#   - the KYC file melted naively (every column a kind, first and last name apart) turns
#     status and dates into identity values and leaves no names: SHARED_IDENTITY falls to
#     0; the shipped mapping (a name from first and last name, one address from its lines,
#     only identity columns) keeps every SHARED_IDENTITY of the contract run.
set -u

. tests/lib.sh
E2E_LIMIT=60
e2e_init "${1:-}"

FMT=tests/mapping_formats.py
MAPS=datasets/mappings
w=$tmp/w
gen_or_stop "$w/world" --identity --enrich --seed 5 --accounts 500 --clients 120 --days 21
# The contract run reads the tables alone; the writers read truth.csv from the world.
mkdir -p "$w/in"
for f in "$w/world"/*.csv; do
    case $f in */truth.csv) ;; *) cp "$f" "$w/in/" ;; esac
done
rs run "$w/in" -o "$w/ref" --no-geoip --quiet 2>"$tmp/ref.err" ||
    nok "contract run: $(err "$tmp/ref.err")"

# cmp.py REF OUT LABEL - the same flagged accounts (accounts.csv row for row) and the
# same rings (id, kind, members, score); prints one ok/not ok line.
cat >"$tmp/cmp.py" <<'EOF'
import csv, json, os, sys
ref, out, label = sys.argv[1:4]
def accounts(d):
    with open(os.path.join(d, "current", "accounts.csv"), encoding="utf-8") as f:
        return {r["account_id"]: r for r in csv.DictReader(f)}
def rings(d):
    with open(os.path.join(d, "current", "rings.json"), encoding="utf-8") as f:
        return [(r["id"], r["kind"], tuple(sorted(m if isinstance(m, str) else m.get("account_id", "")
                                                  for m in r["members"])), r["score"])
                for r in json.load(f)["rings"]]
try:
    a, b = accounts(ref), accounts(out)
    ra, rb = rings(ref), rings(out)
except (OSError, ValueError, KeyError) as e:
    print("not ok - %s: no results to compare (%s)" % (label, e))
    sys.exit(0)
diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
flagged = sum(r["flagged"] == "1" for r in a.values())
if diff or ra != rb or not ra:
    ex = ["%s: %s | %s" % (k, a.get(k, {}).get("flags", "-"), b.get(k, {}).get("flags", "-"))
          for k in diff[:3]]
    print("not ok - %s: %d accounts differ (%s), rings %s (%d vs %d)"
          % (label, len(diff), "; ".join(ex), "same" if ra == rb else "differ", len(ra), len(rb)))
else:
    print("ok - %s: the same %d accounts, %d flagged, and %d rings as the contract run"
          % (label, len(a), flagged, len(ra)))
EOF

# same LABEL DIR CONFIG - validates and runs DIR through CONFIG and compares with the
# contract run.
same() {
    if rs validate "$2" --config "$3" --quiet >"$2.val" 2>&1; then
        ok "$1: validate --config $3"
    else
        nok "$1: validate --config $3: $(err "$2.val")"
    fi
    rs run "$2" -o "$2.out" --no-geoip --quiet --config "$3" 2>"$2.err" ||
        nok "$1: run with $3: $(err "$2.err")"
    "$PY" "$tmp/cmp.py" "$w/ref" "$2.out" "$1" >"$2.cmp" 2>&1 ||
        echo "not ok - $1: compare: $(err "$2.cmp")" >"$2.cmp"
    cat "$2.cmp"
    grep -q '^not ok' "$2.cmp" && fails=$((fails + 1))
}

# write FORM DIR ARGS... - the world in FORM.
write() {
    _form=$1 _dir=$2
    shift 2
    "$PY" "$FMT" "$_form" "$w/world" "$_dir" "$@" >"$tmp/write.err" 2>&1 ||
        nok "write $_form: $(err "$tmp/write.err")"
}

write postgres "$w/pg"
same "PostgreSQL COPY CSV, UTC" "$w/pg" "$MAPS/postgres-copy.json"
write postgres "$w/pgny" --tz America/New_York
same "PostgreSQL COPY CSV, America/New_York (-05 and -04)" "$w/pgny" "$MAPS/postgres-copy.json"
write mysql-outfile "$w/my"
same "MySQL INTO OUTFILE (tab, no header, \\N)" "$w/my" "$MAPS/mysql-outfile.json"
write mysql-batch "$w/myb"
same "mysql --batch (tab, header, NULL)" "$w/myb" "$MAPS/mysql-batch.json"
write excel-de "$w/xl"
same "Excel de-DE (;, decimal comma, dd.mm.yyyy)" "$w/xl" "$MAPS/excel-de.json"
write excel-de "$w/xls" --serial
same "Excel de-DE with serial dates" "$w/xls" "$MAPS/excel-de-serial.json"
write kyc-wide "$w/kyc"
same "KYC vendor's wide applicants file" "$w/kyc" "$MAPS/kyc-wide.json"

# Hazard: freelancers' reviews of clients and soft-deleted reviews. The shipped mapping
# leaves them out and run.json says how many for what reason; without `where` and
# `direction` they load, and the deleted burst's client is flagged RATING_BURST.
"$PY" - "$MAPS/postgres-copy.json" "$tmp/naive-reviews.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
for s in c["sources"]:
    s.pop("where", None)
    s.pop("direction", None)
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), indent=1)
EOF
rs run "$w/pg" -o "$w/pg-naive.out" --no-geoip --quiet --config "$tmp/naive-reviews.json" \
    2>"$tmp/naive-reviews.err" || nok "naive reviews mapping: run: $(err "$tmp/naive-reviews.err")"
"$PY" - "$w" >"$tmp/reviews.out" 2>&1 <<'EOF'
import csv, json, os, sys
w = sys.argv[1]
res = []
def check(cond, what):
    res.append(("ok - " if cond else "not ok - ") + what)
burst = open(os.path.join(w, "deleted_burst.txt"), encoding="utf-8").read().strip()
with open(os.path.join(w, "pg", "reviews.csv"), encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
by_freelancers = sum(r["reviewer_role"] == "freelancer" for r in rows)
deleted = sum(r["deleted_at"] != "" for r in rows)
def flags(out, a):
    p = os.path.join(w, out, "current", "accounts.csv")
    if not os.path.exists(p):
        return None
    with open(p, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["account_id"] == a:
                return r["flags"].split(";")
    return []
shipped, naive = flags("pg.out", burst), flags("pg-naive.out", burst)
check(shipped is not None and "RATING_BURST" not in shipped,
      "shipped mapping: the client of the deleted burst is not flagged RATING_BURST (%s)" % shipped)
check(naive is not None and "RATING_BURST" in naive,
      "a mapping without where/direction loads the deleted burst: its client is flagged "
      "RATING_BURST (%s)" % naive)
# run.json: the reviews file's record counts both reasons.
try:
    run = json.load(open(os.path.join(w, "pg.out", "current", "run.json"), encoding="utf-8"))
except (OSError, ValueError):
    run = {}
left = {}
for i in run.get("inputs", []):
    if os.path.basename(str(i.get("file", i.get("path", "")))) == "reviews.csv":
        left = i.get("left_out_by_reason", {})
check(left.get("reviewer_role is 'freelancer'") == by_freelancers and
      left.get("deleted_at is not null") == deleted,
      "run.json counts the reviews left out: %d by freelancers, %d deleted: %r"
      % (by_freelancers, deleted, left))
print("\n".join(res))
EOF
[ $? -eq 0 ] || nok "reviews check failed: $(tail -c 300 "$tmp/reviews.out" | tr '\n' '|')"
cat "$tmp/reviews.out"
grep -q '^not ok' "$tmp/reviews.out" && fails=$((fails + 1))

# Hazard: the KYC file melted naively. Every column but the account's id as its own kind:
# first_name and last_name are no names, status and dates become identity values.
"$PY" - "$w/kyc/kyc_applicants.csv" "$tmp/naive-kyc.json" <<'EOF'
import csv, json, sys
head = next(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
attrs = {c: c for c in head if c != "external_user_id"}
json.dump({"sources": [{"name": "kyc-naive", "table": "attributes", "files": ["kyc_*.csv"],
                        "fields": {"account_id": "external_user_id"}, "attributes": attrs}]},
          open(sys.argv[2], "w", encoding="utf-8"), indent=1)
EOF
rs run "$w/kyc" -o "$w/kyc-naive.out" --no-geoip --quiet --config "$tmp/naive-kyc.json" \
    2>"$tmp/naive-kyc.err" || nok "naive KYC mapping: run: $(err "$tmp/naive-kyc.err")"
n_shared() { # accounts flagged SHARED_IDENTITY in OUT, or -1
    [ -f "$1/current/accounts.csv" ] || { echo -1; return; }
    grep -c 'SHARED_IDENTITY' "$1/current/accounts.csv"
}
ref_n=$(n_shared "$w/ref")
kyc_n=$(n_shared "$w/kyc.out")
naive_n=$(n_shared "$w/kyc-naive.out")
if [ "$ref_n" -gt 0 ] && [ "$kyc_n" -eq "$ref_n" ]; then
    ok "the KYC file through the shipped mapping keeps SHARED_IDENTITY: $kyc_n of $ref_n"
else
    nok "the KYC file through the shipped mapping keeps SHARED_IDENTITY: $kyc_n of $ref_n"
fi
if [ "$naive_n" -ge 0 ] && [ "$naive_n" -lt "$ref_n" ]; then
    ok "the KYC file melted naively loses it ($naive_n of $ref_n): the hazard the mapping avoids"
else
    nok "the KYC file melted naively loses SHARED_IDENTITY ($naive_n of $ref_n, expected fewer)"
fi

e2e_done
