#!/bin/sh
# e2e_associates.sh BUILD_DIR - accounts on a ring's binding infrastructure
# are never lost.
#  1. Three clean-looking accounts (claimed US, US home IPs) log in on a proxy
#     ring's device and are paid into its payout account: each must appear with
#     that ring, as a member or as an associate with its ties.
#  2. On a randomised world (seed 1) where groups sharing one laptop and bank
#     account sit on office and household lines with other people, every account
#     outside a ring that uses a device or payout account two of the ring's
#     accounts use, or a non-pool IP (8 accounts or fewer) they share, is listed
#     as the ring's associate in rings.json, the bag's summary.json and the case
#     page, with ties that match the input; no associate is flagged or in a ring.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/in" --seed 11 --accounts 1500 --clients 300 --days 30 --enrich
rs run "$tmp/in" -o "$tmp/out1" --no-geoip --quiet 2>"$tmp/run1.err" ||
    { nok "first run: $(err "$tmp/run1.err")"; e2e_done; exit 1; }

# The first proxy ring with a shared device and a shared payout account in an
# ordinary country (the accounts' own flags stay weak); add the three.
"$PY" - "$tmp/out1/current/rings.json" "$tmp/in" >"$tmp/pick.out" 2>&1 <<'EOF'
import csv, json, sys
rings = json.load(open(sys.argv[1], encoding="utf-8"))["rings"]
ind = sys.argv[2]
HIGH_RISK = {"KP", "CN", "HK", "MO", "RU", "IR", "SY", "CU", "BY"}
for r in rings:  # a proxy ring paid (also) into an ordinary-country account
    si = r["shared_infrastructure"]
    dev = [x for x in si if x["type"] == "device"]
    dst = [x for x in si if x["type"] == "destination" and x.get("country") not in HIGH_RISK]
    if r["kind"] == "proxy_ring" and dev and dst:
        break
else:
    print("no ring with a shared device and payout account"); sys.exit(1)
dev, dst = dev[0]["id"], dst[0]
with open(ind + "/accounts.csv", "a", encoding="utf-8") as f:
    for k in range(3):
        f.write("assoc%d,freelancer,2026-01-01T00:00:00Z,US\n" % k)
with open(ind + "/logins.csv", encoding="utf-8") as f:
    hdr = next(csv.reader(f))
with open(ind + "/logins.csv", "a", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    for k in range(3):
        for d in range(5):
            row = {"ts": "2026-02-%02dT1%d:00:00Z" % (3 + 4 * d, k), "account_id": "assoc%d" % k,
                   "ip": "73.%d.%d.%d" % (40 + k, 10 + d, 20 + k), "device_id": dev, "session_seconds": "1800",
                   "user_agent": "Mozilla/5.0", "ip_country": "US", "asn": "7922",
                   "asn_org": "Comcast Cable Communications, LLC"}
            w.writerow([row.get(c, "") for c in hdr])
with open(ind + "/payouts.csv", encoding="utf-8") as f:
    hdr = next(csv.reader(f))
with open(ind + "/payouts.csv", "a", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    for k in range(3):
        for d in range(2):
            row = {"ts": "2026-02-%02dT09:00:00Z" % (10 + 7 * d), "account_id": "assoc%d" % k,
                   "destination_id": dst["id"], "amount": "300.00", "currency": "USD", "method": "bank",
                   "destination_country": dst.get("country") or ""}
            w.writerow([row.get(c, "") for c in hdr])
print("%s %s %s" % (r["id"], dev, dst["id"]))
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/pick.out" | tr '\n' '|')"
read -r ring dev dst <"$tmp/pick.out" || true
check "a ring with a shared device and payout account to attach to ($(err "$tmp/pick.out"))" [ -n "${dst:-}" ]

rs run "$tmp/in" -o "$tmp/out2" --no-geoip --quiet 2>"$tmp/run2.err"
check "run with the three added accounts: exit 0 ($(err "$tmp/run2.err"))" [ $? -eq 0 ]
"$PY" - "$tmp/out2/current" "$dev" "$dst" >"$tmp/check.out" 2>&1 <<'EOF'
import csv, glob, json, os, sys
out, dev, dst = sys.argv[1:4]
def res(good, what):
    print(("ok - " if good else "not ok - ") + what)
rings = json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]
acc = {r["account_id"]: r for r in csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8"))}
holder = [r for r in rings if any(x["id"] in (dev, dst) for x in r["shared_infrastructure"])]
res(len(holder) >= 1, "a ring still holds the device or the payout account (%s)" % [r["id"] for r in holder])
for k in range(3):
    a = "assoc%d" % k
    where = []
    for r in holder:
        if a in {m["account_id"] for m in r["members"]}:
            where.append((r["id"], "member", None))
        for x in r.get("associates", []):
            if x["account_id"] == a:
                where.append((r["id"], "associate", x.get("shared_with_ring")))
    res(bool(where), "%s (risk %s, flagged %s) is listed with the ring: %r"
        % (a, acc[a]["risk_score"], acc[a]["flagged"], where))
    for rid, role, ties in where:
        if role == "associate":
            res(ties and ties.get("devices", 0) >= 1 and ties.get("payout_destinations", 0) >= 1,
                "%s's ties name the device and the payout account (%r)" % (a, ties))
            s = json.load(open(os.path.join(out, "evidence", rid, "data", "summary.json"), encoding="utf-8"))
            res(a in {x["account_id"] for x in s.get("associates", [])}, "%s is in %s's bag summary" % (a, rid))
            html = open(os.path.join(out, "evidence", rid, "data", "report.html"), encoding="utf-8").read()
            res("<h3>Associates</h3>" in html and a in html, "%s is on %s's case page under Associates" % (a, rid))
bad = [(r["id"], x["account_id"]) for r in rings for x in r.get("associates", [])
       if acc[x["account_id"]]["flagged"] == "1" or acc[x["account_id"]]["ring_id"]]
res(not bad, "no associate is flagged or in a ring (%r)" % bad[:5])
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check.out" | tr '\n' '|')"
cat "$tmp/check.out"
fails=$((fails + $(grep -c '^not ok' "$tmp/check.out")))
npass=$((npass + $(grep -c '^ok - ' "$tmp/check.out")))

# --- 2: associates on a randomised world, checked against the input ---------------
"$GEN" --randomize --seed 1 --accounts 2500 --clients 500 --days 45 --enrich --quiet -o "$tmp/w" 2>"$tmp/gen.err" ||
    nok "generate the randomised world: $(err "$tmp/gen.err")"
# Every ring packaged: associates are checked in the bag and case page of the
# low shared-control groups too.
rs run "$tmp/w" -o "$tmp/wout" --no-geoip --quiet --evidence-min-severity low 2>"$tmp/wrun.err" ||
    nok "run: $(err "$tmp/wrun.err")"
"$PY" - "$tmp/wout/current" "$tmp/w" >"$tmp/check2.out" 2>&1 <<'EOF'
import csv, collections, json, os, sys
out, ind = sys.argv[1:3]
def res(good, what):
    print(("ok - " if good else "not ok - ") + what)
uses = collections.defaultdict(lambda: [set(), set(), set()])   # account -> ips, devices, dests
users = [collections.defaultdict(set) for _ in range(3)]         # resource -> accounts
for r in csv.DictReader(open(os.path.join(ind, "logins.csv"), encoding="utf-8")):
    a = r["account_id"]
    uses[a][0].add(r["ip"]); users[0][r["ip"]].add(a)
    if r.get("device_id"):
        uses[a][1].add(r["device_id"]); users[1][r["device_id"]].add(a)
for r in csv.DictReader(open(os.path.join(ind, "payouts.csv"), encoding="utf-8")):
    a = r["account_id"]
    uses[a][2].add(r["destination_id"]); users[2][r["destination_id"]].add(a)
acc = {r["account_id"]: r for r in csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8"))}
rings = json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]
listed, missing, wrong = 0, [], []
for r in rings:
    ring = {m["account_id"] for m in r["members"]} | {c["account_id"] for c in r["shill_clients"]}
    # binding resources: used by two or more ring accounts; IPs only when 8 accounts or fewer use them
    bind = [{x for x in users[k] if len(users[k][x] & ring) >= 2 and (k or len(users[k][x]) <= 8)} for k in range(3)]
    expect = {}
    for k in range(3):
        for x in bind[k]:
            for a in users[k][x] - ring:
                if acc[a]["ring_id"] or acc[a]["flagged"] == "1":
                    continue
                expect.setdefault(a, [0, 0, 0])[k] += 1
    got = {x["account_id"]: x["shared_with_ring"] for x in r["associates"]}
    listed += len(got)
    if r["associates_total"] <= len(r["associates"]):
        for a, t in expect.items():
            if t[1] or t[2]:  # device and payout ties never depend on IP data
                if a not in got:
                    missing.append((r["id"], a, t))
    for a, t in got.items():
        e = expect.get(a)
        if (e is None or t["devices"] != e[1] or t["payout_destinations"] != e[2] or t["ips"] > e[0]
                or t["ips"] + t["devices"] + t["payout_destinations"] == 0):
            wrong.append((r["id"], a, t, e))
    if got:
        s = json.load(open(os.path.join(out, "evidence", r["id"], "data", "summary.json"), encoding="utf-8"))
        html = open(os.path.join(out, "evidence", r["id"], "data", "report.html"), encoding="utf-8").read()
        if {x["account_id"] for x in s["associates"]} != set(got) or "<h3>Associates</h3>" not in html \
                or any(a not in html for a in got):
            wrong.append((r["id"], "bag or case page differs from rings.json", None, None))
res(listed > 0, "the randomised world has associates (%d listed)" % listed)
res(not missing, "no account on a ring's device or payout account is missing (%r)" % missing[:5])
res(not wrong, "associates' ties match the input and appear in the bag and case page (%r)" % wrong[:5])
bad = [(r["id"], x["account_id"]) for r in rings for x in r["associates"]
       if acc[x["account_id"]]["flagged"] == "1" or acc[x["account_id"]]["ring_id"]]
res(not bad, "no associate is flagged or in a ring (%r)" % bad[:5])
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check2.out" | tr '\n' '|')"
cat "$tmp/check2.out"
fails=$((fails + $(grep -c '^not ok' "$tmp/check2.out")))
npass=$((npass + $(grep -c '^ok - ' "$tmp/check2.out")))
e2e_done
