#!/usr/bin/env python3
"""mapping_formats.py - writes a generated world's contract tables in the forms
the worked mappings (datasets/mappings/) read, for tests/e2e_mappings.sh.

    mapping_formats.py postgres IN OUT [--tz America/New_York]
    mapping_formats.py mysql-outfile IN OUT
    mapping_formats.py mysql-batch IN OUT
    mapping_formats.py excel-de IN OUT [--serial]
    mapping_formats.py kyc-wide IN OUT

IN is a folder of contract tables (ringscan-gen -o IN, with --identity and
--enrich for every column); OUT is created. Each writer says what it writes.
Every value of the world is kept, so a mapping that reads the files right gives
ringscan the same rows as the contract tables. The database dumps add what a
real reviews table holds and the contract's ratings do not: reviews written by
freelancers about their clients, and soft-deleted reviews (one of them a burst
of 5-star ratings by one client, which would raise RATING_BURST if loaded).
The forms follow the vendors' documentation:

- PostgreSQL 15, COPY ... TO STDOUT WITH (FORMAT csv, HEADER): comma, '"'
  quoting only where needed, NULL as an empty unquoted field and an empty
  string as "", booleans t/f, numeric with its scale, timestamptz in the
  session's TimeZone as 'YYYY-MM-DD HH:MM:SS+00' (or -05/-04 in New York).
- MySQL SELECT ... INTO OUTFILE with the default FIELDS TERMINATED BY '\\t'
  ENCLOSED BY '' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n': no header, NULL
  as \\N, tab, newline, carriage return, NUL and backslash escaped with a
  backslash; DATETIME 'YYYY-MM-DD HH:MM:SS' (UTC here), TINYINT(1) 0/1.
  mysql --batch: the same escapes, a header line, NULL written as NULL.
- Excel (German locale) "CSV UTF-8": a byte order mark, CRLF, ';' (the list
  separator), decimal comma with '.' thousands separators in amounts,
  WAHR/FALSCH booleans, dates as 'TT.MM.JJJJ hh:mm:ss' (a custom format with
  seconds: Excel's default 'TT.MM.JJJJ hh:mm' drops them) or, with --serial,
  as Excel serial numbers (days since 1899-12-30) with a decimal comma; fields
  quoted only when they hold ';', '"' or a line break; German headers. Times
  are the workbook's, exported in UTC.
- A KYC vendor's applicants export: one wide row per applicant (name split in
  first and last name, e-mail, phone, date of birth, ID document, address
  lines, selfie hash, status, review result, created and verified times), the
  rest of the identity attributes (payout holders, shipping addresses, URLs)
  staying in the contract's attributes.csv.
"""
import csv
import datetime as dt
import os
import random
import sys

UTC = dt.timezone.utc


def read(d, name):
    p = os.path.join(d, name + ".csv")
    if not os.path.exists(p):
        return [], []
    with open(p, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def parse_ts(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- one schema, as a marketplace's database has it -------------------------
#
# Each database table: its name, and per column (database name, contract
# column or a function of the contract row, type). Types: id, text, ts, bool,
# int, num. The same schema serves the PostgreSQL and MySQL dumps.

def col(row, c):
    v = row.get(c, "")
    return None if v == "" else v


DB = [
    ("users", "accounts", [
        ("id", "account_id", "id"), ("role", "role", "text"),
        ("country", "country", "text"), ("bio", "text", "text"),
        ("is_active", lambda r: "1", "bool"), ("created_at", "created_at", "ts")]),
    ("user_logins", "logins", [
        ("user_id", "account_id", "id"), ("ip_address", "ip", "text"),
        ("device_id", "device_id", "text"), ("session_seconds", "session_seconds", "int"),
        ("user_agent", "user_agent", "text"), ("geo_country", "ip_country", "text"),
        ("asn", "asn", "int"), ("asn_org", "asn_org", "text"), ("created_at", "ts", "ts")]),
    ("proposals", "bids", [
        ("project_id", "project_id", "id"), ("freelancer_id", "freelancer_id", "id"),
        ("client_id", "client_id", "id"), ("cover_letter", "text", "text"),
        ("accepted", "accepted", "bool"), ("created_at", "ts", "ts")]),
    ("reviews", "ratings", [
        ("project_id", "project_id", "id"), ("reviewer_id", "reviewer_id", "id"),
        ("reviewee_id", "reviewee_id", "id"), ("reviewer_role", "reviewer_role", "text"),
        ("rating", "stars", "int"), ("created_at", "ts", "ts"), ("deleted_at", "deleted_at", "ts")]),
    ("withdrawals", "payouts", [
        ("user_id", "account_id", "id"), ("destination_id", "destination_id", "id"),
        ("method", "method", "text"), ("amount", "amount", "num"),
        ("currency", "currency", "text"), ("destination_country", "destination_country", "text"),
        ("created_at", "ts", "ts")]),
    ("payments", "charges", [
        ("client_id", "client_id", "id"), ("freelancer_id", "freelancer_id", "id"),
        ("payment_method_id", "instrument_id", "id"), ("amount", "amount", "num"),
        ("currency", "currency", "text"), ("created_at", "ts", "ts")]),
    ("port_scans", "ports", [
        ("ip_address", "ip", "text"), ("device_id", "device_id", "text"),
        ("port", "port", "int"), ("service", "service", "text"), ("observed_at", "ts", "ts")]),
    ("user_identities", "attributes", [
        ("user_id", "account_id", "id"), ("kind", "kind", "text"), ("value", "value", "text"),
        ("source", "source", "text"), ("created_at", "ts", "ts")]),
]


def fmt_ts(s):
    return parse_ts(s).strftime("%Y-%m-%dT%H:%M:%SZ")


def reviews(d, seed=28):
    """The reviews table of the world's database: every contract rating as the
    client's review of the freelancer, plus the freelancer's review of the
    client for most of them, plus soft-deleted reviews (a burst by one
    ordinary client, and a few ordinary ones). Deterministic for seed."""
    rnd = random.Random(seed)
    _, ratings = read(d, "ratings")
    _, truth = read(d, "truth")
    out = []
    for r in ratings:
        out.append({"ts": r["ts"], "reviewer_id": r["client_id"], "reviewee_id": r["freelancer_id"],
                    "reviewer_role": "client", "stars": r["stars"], "project_id": r["project_id"],
                    "deleted_at": ""})
        if rnd.random() < 0.7:
            t = parse_ts(r["ts"]) + dt.timedelta(hours=rnd.randint(1, 30), seconds=rnd.randint(0, 3599))
            out.append({"ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "reviewer_id": r["freelancer_id"],
                        "reviewee_id": r["client_id"], "reviewer_role": "freelancer",
                        "stars": str(rnd.choice([4, 5, 5, 5])), "project_id": r["project_id"],
                        "deleted_at": ""})
    clients = sorted(t["account_id"] for t in truth if t["population"] == "client")
    free = sorted(t["account_id"] for t in truth
                  if t["population"] == "ordinary" and t["role"] == "freelancer")
    if clients and len(free) >= 15 and ratings:
        burst_client = clients[len(clients) // 2]
        t0 = min(parse_ts(r["ts"]) for r in ratings) + dt.timedelta(days=5)
        for i, f in enumerate(rnd.sample(free, 15)):
            t = t0 + dt.timedelta(minutes=37 * i + rnd.randint(0, 20))
            gone = t + dt.timedelta(days=2)
            out.append({"ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "reviewer_id": burst_client,
                        "reviewee_id": f, "reviewer_role": "client", "stars": "5",
                        "project_id": "jdel%04d" % i,
                        "deleted_at": gone.strftime("%Y-%m-%dT%H:%M:%SZ")})
        with open(os.path.join(d, "..", "deleted_burst.txt"), "w", encoding="utf-8") as f:
            f.write(burst_client + "\n")
    out.sort(key=lambda r: (r["ts"], r["reviewer_id"], r["reviewee_id"]))
    return out


def db_rows(d, table):
    if table == "ratings":
        return reviews(d)
    return read(d, table)[1]


def db_tables(d):
    """Yields (database table, [(db column, type)], rows of values or None)."""
    for name, table, cols in DB:
        rows = db_rows(d, table)
        if not rows and table != "ratings":
            continue
        have = set(rows[0].keys()) if rows else set()
        use = [(c, src, ty) for c, src, ty in cols if callable(src) or src in have]
        # A serial primary key, unless the table's own id is the key.
        serial = use[0][0] != "id"
        out = []
        for i, r in enumerate(rows, 1):
            vals = [str(i)] if serial else []
            for _, src, _ in use:
                vals.append(src(r) if callable(src) else col(r, src))
            out.append(vals)
        yield name, ([("id", "int")] if serial else []) + [(c, ty) for c, _, ty in use], out


# --- PostgreSQL COPY CSV ----------------------------------------------------

def pg_quote(v):
    if v is None:
        return ""
    if v == "" or any(c in v for c in ',"\r\n') or v == "\\.":
        return '"' + v.replace('"', '""') + '"'
    return v


def pg_ts(s, tz):
    t = parse_ts(s).astimezone(tz)
    off = t.utcoffset()
    mins = int(off.total_seconds()) // 60
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    zone = "%s%02d" % (sign, mins // 60) + (":%02d" % (mins % 60) if mins % 60 else "")
    return t.strftime("%Y-%m-%d %H:%M:%S") + zone


def pg_value(v, ty, tz):
    if v is None:
        return None
    if ty == "ts":
        return pg_ts(v, tz)
    if ty == "bool":
        return "t" if v in ("1", "true") else "f"
    if ty == "num":
        return "%.2f" % float(v) if "." in v or v.isdigit() else v
    return v


def write_postgres(d, out, tzname):
    if tzname == "UTC":
        tz = UTC
    else:
        from zoneinfo import ZoneInfo
        tz = ZoneInfo(tzname)
    os.makedirs(out, exist_ok=True)
    for name, cols, rows in db_tables(d):
        with open(os.path.join(out, name + ".csv"), "w", encoding="utf-8", newline="") as f:
            f.write(",".join(c for c, _ in cols) + "\n")
            for r in rows:
                f.write(",".join(pg_quote(pg_value(v, ty, tz)) for v, (_, ty) in zip(r, cols)) + "\n")


# --- MySQL INTO OUTFILE and --batch ------------------------------------------

def my_escape(v):
    return (v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\0", "\\0"))


def my_value(v, ty, null):
    if v is None:
        return null
    if ty == "ts":
        return parse_ts(v).strftime("%Y-%m-%d %H:%M:%S")
    if ty == "bool":
        return "1" if v in ("1", "true") else "0"
    if ty == "num":
        return "%.2f" % float(v)
    return my_escape(v)


def write_mysql(d, out, batch):
    os.makedirs(out, exist_ok=True)
    null = "NULL" if batch else "\\N"
    for name, cols, rows in db_tables(d):
        with open(os.path.join(out, name + (".tsv" if batch else ".txt")), "w",
                  encoding="utf-8", newline="") as f:
            if batch:
                f.write("\t".join(c for c, _ in cols) + "\n")
            for r in rows:
                f.write("\t".join(my_value(v, ty, null) for v, (_, ty) in zip(r, cols)) + "\n")


# --- Excel de-DE ---------------------------------------------------------------

XL = [
    ("konten", "accounts", [("Konto-ID", "account_id", "text"), ("Rolle", "role", "text"),
                            ("Angelegt am", "created_at", "ts"), ("Land", "country", "text"),
                            ("Profiltext", "text", "text")]),
    ("anmeldungen", "logins", [("Zeitpunkt", "ts", "ts"), ("Konto-ID", "account_id", "text"),
                               ("IP-Adresse", "ip", "text"), ("Geräte-ID", "device_id", "text"),
                               ("Sitzungsdauer (s)", "session_seconds", "int"),
                               ("Browser", "user_agent", "text"), ("IP-Land", "ip_country", "text"),
                               ("ASN", "asn", "int"), ("ASN-Organisation", "asn_org", "text")]),
    ("gebote", "bids", [("Zeitpunkt", "ts", "ts"), ("Freelancer-ID", "freelancer_id", "text"),
                        ("Projekt-ID", "project_id", "text"), ("Kunden-ID", "client_id", "text"),
                        ("Angenommen", "accepted", "bool"), ("Anschreiben", "text", "text")]),
    ("bewertungen", "ratings", [("Zeitpunkt", "ts", "ts"), ("Kunden-ID", "client_id", "text"),
                                ("Freelancer-ID", "freelancer_id", "text"),
                                ("Sterne", "stars", "dec"), ("Projekt-ID", "project_id", "text")]),
    ("auszahlungen", "payouts", [("Datum", "ts", "ts"), ("Konto-ID", "account_id", "text"),
                                 ("Zielkonto", "destination_id", "text"), ("Betrag", "amount", "money"),
                                 ("Währung", "currency", "text"), ("Methode", "method", "text"),
                                 ("Zielland", "destination_country", "text")]),
    ("zahlungen", "charges", [("Datum", "ts", "ts"), ("Kunden-ID", "client_id", "text"),
                              ("Freelancer-ID", "freelancer_id", "text"), ("Betrag", "amount", "money"),
                              ("Währung", "currency", "text"),
                              ("Zahlungsmittel", "instrument_id", "text")]),
    ("portscans", "ports", [("Zeitpunkt", "ts", "ts"), ("IP-Adresse", "ip", "text"),
                            ("Geräte-ID", "device_id", "text"), ("Port", "port", "int"),
                            ("Dienst", "service", "text")]),
    ("merkmale", "attributes", [("Konto-ID", "account_id", "text"), ("Art", "kind", "text"),
                                ("Wert", "value", "text"), ("Erfasst am", "ts", "ts"),
                                ("Quelle", "source", "text")]),
]

EXCEL_EPOCH = dt.datetime(1899, 12, 30, tzinfo=UTC)


def de_number(s, decimals):
    """'3733.66' -> '3.733,66' (Excel's #.##0,00 under de-DE)."""
    q = "%.*f" % (decimals, float(s))
    whole, _, frac = q.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ".".join(groups) + ("," + frac if frac else "")


def xl_value(v, ty, serial):
    if v == "":
        return ""
    if ty == "ts":
        t = parse_ts(v)
        if serial:
            days = (t - EXCEL_EPOCH).total_seconds() / 86400.0
            return ("%.10f" % days).replace(".", ",")
        return t.strftime("%d.%m.%Y %H:%M:%S")
    if ty == "bool":
        return "WAHR" if v in ("1", "true") else "FALSCH"
    if ty == "money":
        return de_number(v, 2)
    if ty == "dec":
        return v.replace(".", ",")
    return v


def xl_quote(v):
    if any(c in v for c in ';"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def write_excel(d, out, serial):
    os.makedirs(out, exist_ok=True)
    for name, table, cols in XL:
        head, rows = read(d, table)
        if not head:
            continue
        use = [(h, c, ty) for h, c, ty in cols if c in head]
        with open(os.path.join(out, name + ".csv"), "w", encoding="utf-8-sig", newline="") as f:
            f.write(";".join(xl_quote(h) for h, _, _ in use) + "\r\n")
            for r in rows:
                f.write(";".join(xl_quote(xl_value(r[c], ty, serial)) for _, c, ty in use) + "\r\n")


# --- a KYC vendor's wide file ----------------------------------------------------

KYC_KINDS = ("name", "email", "phone", "document", "address", "photo_hash")


def split_name(n):
    """'Singh, Hira' -> ('Hira', 'Singh'); 'Jonas de Vries' -> ('Jonas', 'de Vries')."""
    if "," in n:
        last, _, first = n.partition(",")
        return first.strip(), last.strip()
    first, _, last = n.strip().partition(" ")
    return (first, last.strip()) if last else ("", first)


def split_address(a):
    parts = [p.strip() for p in a.split(",")]
    if len(parts) == 1:
        return parts[0], "", ""
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return parts[0], parts[1], ", ".join(parts[2:])


def write_kyc(d, out, seed=28):
    """OUT/kyc_applicants.csv (wide, one row per applicant) and
    OUT/attributes.csv (the attributes no KYC vendor holds); the other contract
    tables are copied unchanged."""
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    head, attrs = read(d, "attributes")
    _, accounts = read(d, "accounts")
    country = {a["account_id"]: a.get("country", "") for a in accounts}
    per = {}
    rest = []
    for r in attrs:
        if r["kind"] in KYC_KINDS:
            slot = per.setdefault(r["account_id"], {})
            assert r["kind"] not in slot, "two %s values for %s" % (r["kind"], r["account_id"])
            slot[r["kind"]] = r
        else:
            rest.append(r)
    cols = ["applicant_id", "external_user_id", "first_name", "last_name", "date_of_birth", "email",
            "phone", "document_type", "document_number", "document_country", "address_line1",
            "address_line2", "address_line3", "country", "selfie_hash", "status", "review_result",
            "created_at", "verified_at"]
    with open(os.path.join(out, "kyc_applicants.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(cols)
        for i, acc in enumerate(sorted(per)):
            s = per[acc]
            v = {k: (s[k]["value"] if k in s else "") for k in KYC_KINDS}
            first, last = split_name(v["name"]) if v["name"] else ("", "")
            a1, a2, a3 = split_address(v["address"]) if v["address"] else ("", "", "")
            times = sorted(x["ts"] for x in s.values() if x["ts"])
            kyc_times = sorted(x["ts"] for x in s.values() if x["source"] == "kyc" and x["ts"])
            verified = bool(v["document"] or v["photo_hash"])
            status = "approved" if verified else "pending"
            dob = "%04d-%02d-%02d" % (rnd.randint(1960, 2004), rnd.randint(1, 12), rnd.randint(1, 28))
            w.writerow(["app_%06d" % (i + 1), acc, first, last, dob, v["email"], v["phone"],
                        "passport" if v["document"] else "", v["document"],
                        country.get(acc, "") if v["document"] else "", a1, a2, a3,
                        country.get(acc, ""), v["photo_hash"], status,
                        "GREEN" if verified else "", times[0] if times else "",
                        kyc_times[-1] if verified and kyc_times else ""])
    with open(os.path.join(out, "attributes.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for r in rest:
            w.writerow([r[h] for h in head])
    for t in ("accounts", "logins", "bids", "ratings", "payouts", "charges", "ports"):
        p = os.path.join(d, t + ".csv")
        if os.path.exists(p):
            with open(p, "rb") as src, open(os.path.join(out, t + ".csv"), "wb") as dst:
                dst.write(src.read())


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__.split("\n\n")[1])
    what, d, out = argv[1], argv[2], argv[3]
    opts = argv[4:]
    if what == "postgres":
        tz = opts[opts.index("--tz") + 1] if "--tz" in opts else "UTC"
        write_postgres(d, out, tz)
    elif what == "mysql-outfile":
        write_mysql(d, out, batch=False)
    elif what == "mysql-batch":
        write_mysql(d, out, batch=True)
    elif what == "excel-de":
        write_excel(d, out, serial="--serial" in opts)
    elif what == "kyc-wide":
        write_kyc(d, out)
    else:
        sys.exit("unknown format " + what)


if __name__ == "__main__":
    main(sys.argv)
