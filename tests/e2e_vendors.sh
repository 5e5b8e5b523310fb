#!/bin/sh
# e2e_vendors.sh BUILD_DIR - the identity provider's and the payment
# provider's exports load as the vendors write them, with no config.
#  For each vendor source (Auth0 Management API array and log stream, the
#  latter gzipped, Okta System Log, Stripe payout list and payout events,
#  PayPal payout batch and items), a generated world's logins or payouts
#  written in that vendor's format (datasets/vendor-export.py: field for
#  field from the vendor's documentation, with failed logins, code
#  exchanges, other event types, pending and failed payouts, unclaimed
#  items) in place of the contract
#  table give exactly the flagged accounts and rings of the contract-format
#  copy (the same copy with the columns the vendor cannot carry blanked), and
#  run.json names the source recognised and the rows left out by reason.
#  The silent hazards, each checked:
#   - Auth0 failed logins and the backend's code exchanges are not logins:
#     the backend's address is in no output, seacft rows are counted left out;
#   - Stripe amounts are minor units: evidence rows show 3733.66, not 373366;
#   - Stripe bank accounts are their fingerprints, not their per-account ba_
#     ids: SHARED_PAYOUT and HIGH_RISK_PAYOUT as in the contract run.
#  Vendor user ids (auth0|..., 00u..., acct_..., sender_item_id) reach the
#  platform's accounts through account_ids.csv.
set -u

E2E_LIMIT=${E2E_LIMIT:-60}
. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/world" --seed 3 --accounts 400 --clients 60 --days 21 --rings 4 --enrich

# vendor, name of its mapping, a reason it must count as left out[, gz: the
# export gzipped]
for spec in "auth0 auth0 seacft" "auth0-stream auth0-log-stream seacft gz" \
    "okta okta-system-log user.authentication.sso" "stripe stripe-payouts failed" \
    "stripe-events stripe-payout-events payout.created" "paypal paypal-payouts UNCLAIMED" \
    "paypal-items paypal-payouts UNCLAIMED"; do
    set -- $spec
    v=$1
    vd=$tmp/$v
    "$PY" datasets/vendor-export.py "$v" "$tmp/world" "$vd/vendor" "$vd/contract" \
        2>"$vd.err" || {
        nok "$v: fixture writer: $(err "$vd.err")"
        continue
    }
    [ "${4:-}" = gz ] && gzip "$vd/vendor/"*.jsonl
    rs run "$vd/contract" -o "$vd/out-contract" --no-geoip --quiet 2>"$vd.c.err" || {
        nok "$v: contract-format run: $(err "$vd.c.err")"
        continue
    }
    rs run "$vd/vendor" -o "$vd/out-vendor" --no-geoip --quiet 2>"$vd.v.err"
    check "$v: vendor-format run with no config exits 0 ($(err "$vd.v.err"))" [ $? -eq 0 ]
    "$PY" - "$v" "$2" "$3" "$vd/out-contract/current" "$vd/out-vendor/current" "$vd/contract" \
        >"$vd.check" 2>&1 <<'EOF'
import csv, json, os, sys
v, name, reason, oc, ov, cdir = sys.argv[1:7]
def res(good, what):
    print(("ok - " if good else "not ok - ") + v + ": " + what)
def load(out):
    try:
        acc = list(csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8")))
        rings = json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]
        run = json.load(open(os.path.join(out, "run.json"), encoding="utf-8"))
    except (OSError, ValueError, KeyError) as e:
        return None, None, None
    return acc, rings, run
ac, rc, _ = load(oc)
av, rv, run = load(ov)
if av is None:
    res(False, "vendor run wrote accounts.csv, rings.json and run.json")
    sys.exit(0)
flag = lambda acc: sorted(a["account_id"] for a in acc if a["flagged"] == "1")
ring = lambda rings: sorted(sorted(m["account_id"] for m in r["members"]) for r in rings)
fc, fv = flag(ac), flag(av)
res(fc and fc == fv, "same flagged accounts as the contract-format copy (%d vs %d; only "
    "contract %s, only vendor %s)" % (len(fc), len(fv), sorted(set(fc) - set(fv))[:4],
                                      sorted(set(fv) - set(fc))[:4]))
res(rc and ring(rc) == ring(rv), "same rings (%d vs %d)" % (len(rc), len(rv)))
def count(acc, f):
    return sum(1 for a in acc if f in a["flags"].split(";"))
for f in ("SHARED_PAYOUT", "HIGH_RISK_PAYOUT", "SHARED_DEVICE", "SHARED_IP", "GEO_HOP"):
    res(count(ac, f) == count(av, f), "%s %d as in the contract run (%d)" % (f, count(av, f), count(ac, f)))
# run.json: the file, the source recognised, the rows left out by reason.
text = json.dumps(run)
res(('"%s"' % name) in text, "run.json names the source %s" % name)
res(reason in text, "run.json counts rows left out as %s" % reason)
if v.startswith("stripe"):
    res(count(av, "SHARED_PAYOUT") > 0 and count(av, "HIGH_RISK_PAYOUT") > 0,
        "one bank account on many connected accounts is shared (fingerprint, not ba_ id)")
    # Evidence amounts: the payout rows of the bags, in dollars as the contract wrote them.
    def payout_rows(out):
        rows = []
        for root, _, files in os.walk(os.path.join(out, "evidence")):
            if "events.csv" in files:
                for r in csv.DictReader(open(os.path.join(root, "events.csv"), encoding="utf-8")):
                    if r["table"] == "payouts":
                        rows.append((r["ts_utc"], r["amount"]))
        return sorted(rows)
    pc, pv = payout_rows(oc), payout_rows(ov)
    res(pc and pv == pc, "evidence payout amounts in currency units, as the contract copy "
        "(%d rows; first %s vs %s)" % (len(pv), pv[:1], pc[:1]))
if v.startswith("auth0"):
    # One successful login per contract login, and not one event more.
    logins = sum(1 for _ in csv.DictReader(open(os.path.join(cdir, "logins.csv"), encoding="utf-8")))
    taken = [i.get("rows_taken") for i in run["inputs"] if i["table"] == "logins"]
    res(taken == [logins], "logins taken from the export: %s, the contract's %d" % (taken, logins))
    res("34.102.136.180" not in open(os.path.join(ov, "rings.json"), encoding="utf-8").read()
        and "34.102.136.180" not in open(os.path.join(ov, "graph.graphml"), encoding="utf-8").read(),
        "the backend's code exchanges are no logins (its address is in no output)")
EOF
    [ $? -eq 0 ] || nok "$v: check script failed: $(tail -c 300 "$vd.check" | tr '\n' '|')"
    cat "$vd.check"
    grep -q '^not ok' "$vd.check" && fails=$((fails + 1))
done

# Named for the table it fills, a vendor's export is still read as the
# vendor's: its records share column names with the contract (Auth0's ip,
# Stripe's amount in cents) and read as contract rows they are wrong.
for named in "auth0 auth0-logs.json logins.json" "stripe stripe-payouts.json payouts.json"; do
    set -- $named
    vd=$tmp/$1
    [ -f "$vd/vendor/$2" ] || continue
    mv "$vd/vendor/$2" "$vd/vendor/$3"
    rs run "$vd/vendor" -o "$vd/out-named" --no-geoip --quiet 2>"$vd.n.err"
    check "$1 export named $3: exit 0 ($(err "$vd.n.err"))" [ $? -eq 0 ]
    "$PY" - "$vd/out-contract/current" "$vd/out-named/current" "$1" "$3" >"$vd.n.check" 2>&1 <<'EOF'
import csv, json, os, sys
oc, on, v, name = sys.argv[1:5]
def flagged(out):
    try:
        acc = csv.DictReader(open(os.path.join(out, "accounts.csv"), encoding="utf-8"))
        return sorted(a["account_id"] for a in acc if a["flagged"] == "1")
    except OSError:
        return None
def source(out):
    try:
        run = json.load(open(os.path.join(out, "run.json"), encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [i.get("source") for i in run["inputs"] if i["file"] == name]
fc, fn = flagged(oc), flagged(on)
print(("ok - " if fc and fc == fn else "not ok - ") + "%s export named %s: the contract "
      "copy's flagged accounts (%d vs %s)" % (v, name, len(fc or []), len(fn or [])))
print(("ok - " if source(on) not in (None, [], [None], ["contract"]) else "not ok - ") +
      "%s export named %s: run.json reads it as %s" % (v, name, source(on)))
EOF
    cat "$vd.n.check"
    grep -q '^not ok' "$vd.n.check" && fails=$((fails + 1))
done

# A Stripe payout whose destination is only an id is refused with how to
# export it, also under --quiet: loaded, its ba_ ids would split a bank
# account shared by several connected accounts.
mkdir -p "$tmp/unexpanded"
cp "$tmp/world/accounts.csv" "$tmp/world/logins.csv" "$tmp/unexpanded/"
cat >"$tmp/unexpanded/stripe-payouts.json" <<'EOF'
[{"id": "po_1OaBcD2eFgHiJkLm", "object": "payout", "amount": 373366, "arrival_date": 1770379898,
  "currency": "usd", "destination": "ba_1OaBcD2eFgHiJkLmNoPq", "status": "paid", "type": "bank_account"}]
EOF
rs run "$tmp/unexpanded" -o "$tmp/out-unexpanded" --no-geoip --quiet 2>"$tmp/unexpanded.err"
rc=$?
check "Stripe payouts without the expanded destination: refused (exit $rc)" [ "$rc" -eq 1 ]
check "... naming the file, why and how to export it ($(err "$tmp/unexpanded.err"))" \
    grep -q 'stripe-payouts.json: .*po_1OaBcD2eFgHiJkLm.*fingerprint.*expand' "$tmp/unexpanded.err"

e2e_done
