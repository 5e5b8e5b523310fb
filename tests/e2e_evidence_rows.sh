#!/bin/sh
# e2e_evidence_rows.sh BUILD_DIR - evidence rows prove their flag, on five
# simulator worlds: under every ring's flags, each row's subject accounts are
# the ring's own (members and shill clients) or carry that flag themselves (a
# rating burst's client); SHARED_IP and SHARED_DEVICE rows come in pairs of two
# different ring accounts on one resource, IP pairs within the detector's
# two-hour window; RATING_BURST and RATING_LOCKSTEP rows are high ratings.
# Counterparties that are not the subject (the client of a bid, the paying
# client of structured charges) may be anyone. Each ring's explanation gives
# its link weight over the accounts it was computed on.
set -u

. tests/lib.sh
e2e_init "${1:-}"

for seed in 1 2 3 4 5; do
    d=$tmp/w$seed
    "$GEN" --randomize --seed "$seed" --accounts 2500 --clients 500 --days 45 --enrich --quiet \
        -o "$d/in" 2>"$tmp/gen.err" || { nok "generate world $seed: $(err "$tmp/gen.err")"; continue; }
    rs run "$d/in" -o "$d/out" --no-geoip --quiet 2>"$tmp/run.err" ||
        { nok "run world $seed: $(err "$tmp/run.err")"; continue; }
    "$PY" - "$d/out/current" "$seed" >"$tmp/check.out" 2>&1 <<'EOF'
import csv, glob, json, os, re, sys
out, seed = sys.argv[1], sys.argv[2]
flags_of = {}
for r in csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8")):
    flags_of[r["account_id"]] = set(r["flags"].split(";")) if r["flags"] else set()
# the accounts a row is about, per table (by its columns)
SUBJECT = {"logins": ["account_id"], "bids": ["freelancer_id"], "ratings": ["client_id", "freelancer_id"],
           "payouts": ["account_id"], "charges": ["freelancer_id"]}
TABLE_OF = {"account_id": None}
bad, rows, pairs, rings = [], 0, 0, 0
for path in sorted(glob.glob(os.path.join(out, "evidence", "*", "data", "summary.json"))):
    s = json.load(open(path, encoding="utf-8"))
    rings += 1
    ring = {m["account_id"] for m in s["members"]} | {c["account_id"] for c in s.get("shill_clients", [])}
    for flag, fo in s["flags"].items():
        rs = fo.get("rows", [])
        for i, r in enumerate(rs):
            rows += 1
            table = r["file"].split(".")[0]
            cols = r["columns"]
            for col in SUBJECT.get(table, []):
                a = cols.get(col)
                if a and a not in ring and flag not in flags_of.get(a, set()):
                    bad.append("%s %s %s:%d: %s %s is outside the ring and not flagged %s"
                               % (s["id"], flag, r["file"], r["line"], col, a, flag))
            if flag in ("RATING_BURST", "RATING_LOCKSTEP") and int(cols.get("stars", "0")) < 4:
                bad.append("%s %s %s:%d: not a high rating" % (s["id"], flag, r["file"], r["line"]))
            if flag in ("SHARED_IP", "SHARED_DEVICE"):
                if i % 2 == 0:
                    if "pair_gap_seconds" in r or i + 1 >= len(rs):
                        bad.append("%s %s row %d does not open a pair" % (s["id"], flag, i))
                    continue
                p = rs[i - 1]
                key = "ip" if flag == "SHARED_IP" else "device_id"
                gap = r.get("pair_gap_seconds")
                pairs += 1
                if (gap is None or p["columns"].get(key) != cols.get(key)
                        or p["columns"].get("account_id") == cols.get("account_id")
                        or not {p["columns"].get("account_id"), cols.get("account_id")} <= ring
                        or (flag == "SHARED_IP" and gap > 7200)):
                    bad.append("%s %s rows %d-%d are not two ring accounts on one %s%s (gap %r)"
                               % (s["id"], flag, i - 1, i, key, " within 2 h" if flag == "SHARED_IP" else "", gap))
# The explanation's figures are computed over what it says they are.
for r in json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]:
    n = r["score_breakdown"]["community_size"]
    listed = len(r["members"]) + len(r["shill_clients"])
    m = re.search(r"internal link weight ([0-9.]+) over (?:the )?(\d+) accounts", r["explanation"])
    if not m or int(m.group(2)) != n or abs(float(m.group(1)) - r["score_breakdown"]["internal_weight"]) > 0.051:
        bad.append("%s: explanation's link weight is not over its %d community accounts" % (r["id"], n))
    if n != listed and "%d of them listed here" % listed not in r["explanation"]:
        bad.append("%s: %d community accounts, %d listed, not said" % (r["id"], n, listed))
ok = not bad and rings > 0 and rows > 0
print(("ok - " if ok else "not ok - ") +
      "world %s: %d rings, %d evidence rows, %d shared-resource pairs, %d rows that do not prove their flag%s"
      % (seed, rings, rows, pairs, len(bad), "".join("\n#   " + b for b in bad[:8])))
EOF
    [ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check.out" | tr '\n' '|')"
    cat "$tmp/check.out"
    fails=$((fails + $(grep -c '^not ok' "$tmp/check.out")))
    npass=$((npass + $(grep -c '^ok - ' "$tmp/check.out")))
done
e2e_done
