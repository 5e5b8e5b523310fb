#!/usr/bin/env python3
"""vendor-export.py - writes a generated world's logins or payouts as a vendor exports them.

    vendor-export.py VENDOR WORLD VENDOR_DIR CONTRACT_DIR [--platform-ids] [--seed N]

VENDOR is one of auth0, auth0-stream, okta, stripe, stripe-events, paypal,
paypal-items. WORLD is an input folder in the contract format (ringscan-gen's
output). Both output folders get a copy of WORLD's other tables:

  VENDOR_DIR    the vendor's file in place of logins.csv (Auth0, Okta) or
                payouts.csv (Stripe, PayPal), field for field as the vendor's
                public API documentation describes it, with the rows a vendor
                export also holds and that are not logins or paid payouts
                (failed logins, code exchanges, silent authentications, other
                Okta event types, pending and failed payouts, unclaimed PayPal
                items), plus account_ids.csv (account_id,external_id,source)
                mapping the vendor's user ids to the platform's accounts;
  CONTRACT_DIR  the contract-format table with the columns the vendor's
                format cannot carry blanked (Auth0: device_id, session_seconds,
                asn, asn_org; Okta: session_seconds; Stripe: method is bank;
                PayPal: destination_country, method is paypal), so that the two
                folders must give the same flagged accounts and rings.

With --platform-ids the vendor's user id fields hold the platform's account ids
and no account_ids.csv is written (for a ringscan without that table).
Deterministic for a seed. Written from the vendors' documentation of their
objects: Auth0 log events and event type codes, the Okta System Log LogEvent,
the Stripe Payout, bank account and event objects, the PayPal Payouts item.
"""
import csv
import datetime
import hashlib
import json
import os
import random
import shutil
import sys
from decimal import Decimal

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ISO3166 = "/usr/share/iso-codes/json/iso_3166-1.json"
# Amounts in minor units: ISO 4217 exponents other than 2 among what a world
# may hold (Stripe's zero-decimal and three-decimal currencies).
EXPONENT = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}


def h(*parts, n=24, alphabet="0123456789abcdef"):
    """A stable pseudo-random id of n characters from parts."""
    d = hashlib.sha256("\x1f".join(parts).encode()).digest()
    v = int.from_bytes(d, "big")
    out = []
    for _ in range(n):
        v, r = divmod(v, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def epoch(ts):
    return int(datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp())


def iso_ms(ts, shift=0):
    t = datetime.datetime.fromtimestamp(epoch(ts) + shift, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (abs(hash_int(ts)) % 1000) + "Z"


def hash_int(s):
    return int(hashlib.md5(s.encode()).hexdigest()[:8], 16)


def country_names():
    """alpha-2 -> English name as an IP-geolocation vendor writes it."""
    names = {}
    try:
        for e in json.load(open(ISO3166, encoding="utf-8"))["3166-1"]:
            names[e["alpha_2"]] = e.get("common_name") or e["name"]
    except OSError:
        pass
    names.update({"US": "United States", "GB": "United Kingdom", "RU": "Russia",
                  "CG": "Republic of the Congo", "CD": "DR Congo", "KR": "South Korea"})
    return names


def read_table(world, name):
    with open(os.path.join(world, name), encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write_table(path, hdr, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=hdr, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def copy_world(world, out, skip):
    os.makedirs(out, exist_ok=True)
    for n in os.listdir(world):
        if n not in skip and n.endswith(".csv") and n != "truth.csv":
            shutil.copy(os.path.join(world, n), os.path.join(out, n))


class Ids:
    """Vendor user ids for platform accounts, and the account_ids rows."""

    def __init__(self, source, platform):
        self.source, self.platform, self.rows, self.seen = source, platform, [], set()

    def get(self, acct, ext):
        if self.platform:
            return acct
        if (acct, ext) not in self.seen:
            self.seen.add((acct, ext))
            self.rows.append({"account_id": acct, "external_id": ext, "source": self.source})
        return ext

    def write(self, out):
        if not self.platform:
            write_table(os.path.join(out, "account_ids.csv"), ["account_id", "external_id", "source"],
                        self.rows)


# --- Auth0 ------------------------------------------------------------------

AUTH0_CLIENT = ("Marketplace Web", "kJ3vQ0r8Lb2mPq7TzX1aYc9D")
AUTH0_BACKEND_IP = "34.102.136.180"  # the platform's API servers: every code exchange


def auth0_event(rng, typ, ts, user_id, ip, ua, cc, shift=0):
    log_id = "900" + h("auth0", typ, ts, user_id or "", ip, str(shift), n=53, alphabet="0123456789")
    e = {
        "date": iso_ms(ts, shift), "type": typ, "description": AUTH0_DESC.get(typ, ""),
        "connection": "Username-Password-Authentication", "connection_id": "con_Q1w2E3r4T5y6U7i8",
        "client_id": AUTH0_CLIENT[1], "client_name": AUTH0_CLIENT[0], "ip": ip, "user_agent": ua,
        "details": {"prompts": [], "completedAt": epoch(ts) * 1000 + shift * 1000,
                    "elapsedTime": rng.randint(300, 4000), "session_id": h("sess", ts, ip, n=32)},
        "hostname": "login.marketplace.example", "strategy": "auth0", "strategy_type": "database",
        "log_id": log_id, "_id": log_id, "isMobile": "Mobile" in (ua or ""),
    }
    if user_id:
        e["user_id"] = user_id
        e["user_name"] = h("mail", user_id, n=10) + "@example.com"
    if cc:
        e["location_info"] = {"country_code": cc, "country_code3": "", "country_name": "",
                              "city_name": "", "latitude": 0.0, "longitude": 0.0,
                              "time_zone": "UTC", "continent_code": ""}
    return e


AUTH0_DESC = {"s": "Successful login", "f": "Wrong email or password.", "fp": "Wrong password",
              "fu": "Invalid username", "seacft": "Authorization Code for Access Token",
              "ssa": "Successful silent authentication", "slo": "User successfully logged out"}


def auth0(rng, logins, ids):
    out = []
    for r in logins:
        uid = ids.get(r["account_id"], "auth0|" + h("auth0", r["account_id"]))
        cc, ua = r.get("ip_country", ""), r.get("user_agent", "")
        x = rng.random()
        if x < 0.08:  # a wrong password first, then the login
            out.append(auth0_event(rng, "fp", r["ts"], uid, r["ip"], ua, cc, -40))
        elif x < 0.10:  # a mistyped user name: no user id
            out.append(auth0_event(rng, "fu", r["ts"], None, r["ip"], ua, cc, -60))
        out.append(auth0_event(rng, "s", r["ts"], uid, r["ip"], ua, cc))
        # The backend exchanges the authorization code from its own servers.
        out.append(auth0_event(rng, "seacft", r["ts"], uid, AUTH0_BACKEND_IP, "node-fetch/1.0", "US", 2))
        if rng.random() < 0.3:
            out.append(auth0_event(rng, "ssa", r["ts"], uid, r["ip"], ua, cc, 1800))
        if rng.random() < 0.05:  # failed from elsewhere
            ip = "185.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
            out.append(auth0_event(rng, "f", r["ts"], uid, ip, ua, "RU", -3600))
    return out


# --- Okta -------------------------------------------------------------------

def okta_event(rng, typ, result, ts, r, uid, names, shift=0):
    cc = r.get("ip_country", "")
    asn = r.get("asn", "")
    dev = r.get("device_id", "")
    e = {
        "actor": {"id": uid, "type": "User", "alternateId": h("mail", uid, n=10) + "@example.com",
                  "displayName": "User " + uid[-4:], "detailEntry": None},
        "client": {"userAgent": {"rawUserAgent": r.get("user_agent", ""), "os": "Unknown",
                                 "browser": "UNKNOWN"},
                   "zone": "null", "device": "Computer", "id": None, "ipAddress": r["ip"],
                   "geographicalContext": {"city": None, "state": None,
                                           "country": names.get(cc, cc) if cc else None,
                                           "postalCode": None,
                                           "geolocation": {"lat": 0.0, "lon": 0.0}}},
        "device": {"id": dev, "name": "Device " + dev[-4:], "os_platform": "WINDOWS",
                   "os_version": "10.0.19045", "managed": False, "registered": True,
                   "device_integrator": None, "disk_encryption_type": "NONE",
                   "screen_lock_type": "BIOMETRIC", "jailbreak": None,
                   "secure_hardware_present": True} if dev else None,
        "authenticationContext": {"authenticationProvider": None, "credentialProvider": None,
                                  "credentialType": None, "issuer": None, "interface": None,
                                  "authenticationStep": 0,
                                  "externalSessionId": "102" + h("okta-sess", ts, uid, n=22, alphabet=ALNUM)},
        "displayMessage": OKTA_MSG.get(typ, "Okta event"), "eventType": typ,
        "outcome": {"result": result, "reason": "INVALID_CREDENTIALS" if result == "FAILURE" else None},
        "published": iso_ms(ts, shift),
        "securityContext": {"asNumber": int(asn) if asn else None, "asOrg": r.get("asn_org") or None,
                            "isp": (r.get("asn_org") or "").lower() or None, "domain": None,
                            "isProxy": False},
        "severity": "INFO" if result == "SUCCESS" else "WARN",
        "debugContext": {"debugData": {"requestId": h("req", ts, uid, typ, n=27, alphabet=ALNUM),
                                       "requestUri": "/api/v1/authn", "url": "/api/v1/authn?"}},
        "legacyEventType": "core.user_auth.login_success" if result == "SUCCESS" else "core.user_auth.login_failed",
        "transaction": {"type": "WEB", "id": h("tx", ts, uid, typ, n=27, alphabet=ALNUM), "detail": {}},
        "uuid": "%s-%s-%s-%s-%s" % tuple(h("uuid", ts, uid, typ, str(shift), n=32)[i:j]
                                        for i, j in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))),
        "version": "0",
        "request": {"ipChain": [{"ip": r["ip"], "geographicalContext": None, "version": "V4", "source": None}]},
        "target": [],
    }
    return e


OKTA_MSG = {"user.session.start": "User login to Okta", "user.session.end": "User logout from Okta",
            "user.authentication.sso": "User single sign on to app",
            "policy.evaluate_sign_on": "Evaluation of sign-on policy",
            "user.authentication.auth_via_mfa": "Authentication of user via MFA"}


def okta(rng, logins, ids):
    names = country_names()
    out = []
    for r in logins:
        uid = ids.get(r["account_id"], "00u" + h("okta", r["account_id"], n=17, alphabet=ALNUM))
        if rng.random() < 0.06:
            out.append(okta_event(rng, "user.session.start", "FAILURE", r["ts"], r, uid, names, -30))
        out.append(okta_event(rng, "policy.evaluate_sign_on", "ALLOW", r["ts"], r, uid, names, -1))
        out.append(okta_event(rng, "user.session.start", "SUCCESS", r["ts"], r, uid, names))
        if rng.random() < 0.4:
            out.append(okta_event(rng, "user.authentication.sso", "SUCCESS", r["ts"], r, uid, names, 5))
        if rng.random() < 0.2:
            out.append(okta_event(rng, "user.session.end", "SUCCESS", r["ts"], r, uid, names, 1200))
    return out


# --- Stripe -----------------------------------------------------------------

def minor(amount, currency):
    e = EXPONENT.get(currency.upper(), 2)
    v = Decimal(amount) * (10 ** e)
    assert v == int(v), "amount %s %s has more decimals than its currency" % (amount, currency)
    return int(v)


def stripe_payout(rng, r, acct, status):
    cur = (r.get("currency") or "USD").lower()
    fp = r["destination_id"]
    t = epoch(r["ts"])
    po = "po_" + h("po", r["ts"], r["account_id"], fp, status, n=24, alphabet=ALNUM)
    return {
        "id": po, "object": "payout", "amount": minor(r["amount"], cur),
        "application_fee": None, "application_fee_amount": None,
        "arrival_date": t, "automatic": True,
        "balance_transaction": "txn_" + h("txn", po, n=24, alphabet=ALNUM),
        "created": t - 2 * 86400, "currency": cur, "description": "STRIPE PAYOUT",
        "destination": {
            # One bank account has one fingerprint, and a different ba_ id on
            # every connected account that adds it.
            "id": "ba_" + h("ba", acct, fp, n=24, alphabet=ALNUM), "object": "bank_account",
            "account": acct, "account_holder_name": None, "account_holder_type": "individual",
            "account_type": None, "available_payout_methods": ["standard"],
            "bank_name": "STRIPE TEST BANK", "country": r.get("destination_country") or None,
            "currency": cur, "default_for_currency": True, "fingerprint": fp,
            "last4": "%04d" % (hash_int(fp) % 10000), "metadata": {},
            "routing_number": "110000000", "status": "new"},
        "failure_balance_transaction": None,
        "failure_code": "account_closed" if status == "failed" else None,
        "failure_message": "The bank account has been closed" if status == "failed" else None,
        "livemode": True, "metadata": {}, "method": "standard", "original_payout": None,
        "reconciliation_status": "completed" if status == "paid" else "not_applicable",
        "reversed_by": None, "source_type": "card", "statement_descriptor": None,
        "status": status, "type": "bank_account",
    }


def stripe_payouts(rng, payouts, ids):
    out = []
    for r in payouts:
        acct = ids.get(r["account_id"], "acct_" + h("acct", r["account_id"], n=16, alphabet=ALNUM))
        x = rng.random()
        if x < 0.05:
            out.append(stripe_payout(rng, r, acct, "failed"))
        elif x < 0.08:
            out.append(stripe_payout(rng, r, acct, "canceled"))
        out.append(stripe_payout(rng, r, acct, "paid"))
        if rng.random() < 0.03:  # the next one, not yet arrived
            out.append(stripe_payout(rng, dict(r, ts=r["ts"]), acct, rng.choice(["pending", "in_transit"])))
    return out


def stripe_event(typ, p, acct):
    return {"id": "evt_" + h("evt", typ, p["id"], n=24, alphabet=ALNUM), "object": "event",
            "account": acct, "api_version": "2024-06-20", "created": p["created"],
            "data": {"object": p}, "livemode": True, "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None}, "type": typ}


def stripe_events(rng, payouts, ids):
    out = []
    for p in stripe_payouts(rng, payouts, ids):
        acct = p["destination"]["account"]
        created = dict(p, status="pending", reconciliation_status="not_applicable")
        out.append(stripe_event("payout.created", created, acct))
        if p["status"] in ("paid", "failed", "canceled"):
            out.append(stripe_event("payout." + p["status"], p, acct))
    return out


# --- PayPal -----------------------------------------------------------------

def paypal_item(rng, r, sid, batch, status):
    cur = r.get("currency") or "USD"
    iid = h("ppi", r["ts"], r["account_id"], r["destination_id"], status, n=13, alphabet=ALNUM[:36])
    return {
        "payout_item_id": iid, "transaction_id": h("pptx", iid, n=17, alphabet=ALNUM[:36]),
        "activity_id": h("ppa", iid, n=17, alphabet=ALNUM[:36]),
        "transaction_status": status,
        "payout_item_fee": {"currency": cur, "value": "0.25"}, "payout_batch_id": batch,
        "payout_item": {"recipient_type": "EMAIL", "amount": {"value": r["amount"], "currency": cur},
                        "note": "Thanks for your work!", "receiver": r["destination_id"] + "@wallet.example",
                        "sender_item_id": sid, "recipient_wallet": "PAYPAL"},
        "time_processed": r["ts"],
        "links": [{"href": "https://api-m.paypal.com/v1/payments/payouts-item/" + iid,
                   "rel": "item", "method": "GET", "encType": "application/json"}],
    }


def paypal_items(rng, payouts, ids):
    out = []
    batch = "5UXD2E8A7EBQJ"
    for n, r in enumerate(payouts):
        sid = ids.get(r["account_id"], "%s-%06d" % (h("ppsid", r["account_id"], n=10), n))
        x = rng.random()
        if x < 0.04:
            out.append(paypal_item(rng, r, sid, batch, "UNCLAIMED"))
        elif x < 0.07:
            out.append(paypal_item(rng, r, sid, batch, "FAILED"))
        elif x < 0.09:
            out.append(paypal_item(rng, r, sid, batch, "RETURNED"))
        out.append(paypal_item(rng, r, sid, batch, "SUCCESS"))
        if rng.random() < 0.02:
            out.append(paypal_item(rng, r, sid, batch, "PENDING"))
    return out


def paypal_batch(items):
    total = sum(Decimal(i["payout_item"]["amount"]["value"]) for i in items)
    return {"batch_header": {"payout_batch_id": "5UXD2E8A7EBQJ", "batch_status": "SUCCESS",
                             "time_created": "2026-01-31T10:00:00Z", "time_completed": "2026-01-31T10:00:05Z",
                             "sender_batch_header": {"sender_batch_id": "Payouts_2026_100007",
                                                     "email_subject": "You have a payout!"},
                             "amount": {"currency": "USD", "value": str(total)},
                             "fees": {"currency": "USD", "value": "%.2f" % (Decimal("0.25") * len(items))}},
            "items": items,
            "links": [{"href": "https://api-m.paypal.com/v1/payments/payouts/5UXD2E8A7EBQJ",
                       "rel": "self", "method": "GET", "encType": "application/json"}]}


# --- main -------------------------------------------------------------------

# vendor -> (contract table, file written, source, blanked, constant columns)
VENDORS = {
    "auth0": ("logins.csv", "auth0-logs.json", "auth0",
              ["device_id", "session_seconds", "asn", "asn_org"], {}),
    "auth0-stream": ("logins.csv", "auth0-stream.jsonl", "auth0",
                     ["device_id", "session_seconds", "asn", "asn_org"], {}),
    "okta": ("logins.csv", "okta-system-log.json", "okta", ["session_seconds"], {}),
    "stripe": ("payouts.csv", "stripe-payouts.json", "stripe", [], {"method": "bank"}),
    "stripe-events": ("payouts.csv", "stripe-events.jsonl", "stripe", [], {"method": "bank"}),
    "paypal": ("payouts.csv", "paypal-payouts.json", "paypal", ["destination_country"], {"method": "paypal"}),
    "paypal-items": ("payouts.csv", "paypal-items.jsonl", "paypal", ["destination_country"], {"method": "paypal"}),
}


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    platform = "--platform-ids" in argv
    seed = 1
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
        args.remove(str(seed))
    if len(args) != 4 or args[0] not in VENDORS:
        sys.stderr.write(__doc__)
        return 2
    vendor, world, vdir, cdir = args
    table, fname, source, blank, const = VENDORS[vendor]
    rng = random.Random("%s:%d" % (vendor, seed))
    hdr, rows = read_table(world, table)
    copy_world(world, vdir, {table})
    copy_world(world, cdir, {table})
    ids = Ids(source, platform)
    if vendor.startswith("auth0"):
        recs = auth0(rng, rows, ids)
        if vendor == "auth0-stream":
            recs = [{"log_id": e["log_id"], "data": e} for e in recs]
    elif vendor == "okta":
        recs = okta(rng, rows, ids)
    elif vendor == "stripe":
        recs = {"object": "list", "data": stripe_payouts(rng, rows, ids), "has_more": False,
                "url": "/v1/payouts"}
    elif vendor == "stripe-events":
        recs = stripe_events(rng, rows, ids)
    elif vendor == "paypal":
        recs = paypal_batch(paypal_items(rng, rows, ids))
    else:
        recs = paypal_items(rng, rows, ids)
    with open(os.path.join(vdir, fname), "w", encoding="utf-8") as f:
        if fname.endswith(".jsonl"):
            for e in recs:
                f.write(json.dumps(e, separators=(",", ":")) + "\n")
        elif isinstance(recs, list):  # one record a line, as API clients page them out
            f.write("[\n" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in recs) + "\n]\n")
        else:
            json.dump(recs, f, separators=(",", ":"))
            f.write("\n")
    ids.write(vdir)
    for r in rows:
        for c in blank:
            if c in r:
                r[c] = ""
        for c, v in const.items():
            if c in r:
                r[c] = v
    write_table(os.path.join(cdir, table), hdr, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
