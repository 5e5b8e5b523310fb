#!/usr/bin/python3
"""analyst.py INPUT_DIR OUT_DIR - the pandas + igraph workflow ringscan replaces.

What a trust-and-safety analyst writes by hand for the same job, kept as a
yardstick for `make bench` (datasets/bench-pandas.sh): vectorised pandas, no
Python loops over rows, igraph's C Leiden. It reads the same exports, raises
the advisory's red flags, projects accounts onto each other through shared
IPs, devices and payout destinations (a resource's accounts pair up with
weight w / (degree - 1) ** 0.5, mass-shared resources skipped), finds
communities with Leiden, keeps the flagged ones as rings, and writes what an
investigator gets: a flagged-accounts CSV, rings.json, a GraphML of the rings'
subgraph, and per ring a folder with every input row of its accounts.

It is not ringscan's method (no time windows on shared IPs, no burst
statistics, no evidence checks), only its cost: a comparison of run times
that leaves out work ringscan does would flatter this script, not ringscan.
"""
import json
import os
import sys

import igraph as ig
import numpy as np
import pandas as pd

W = {"ip": 1.0, "device": 2.0, "dest": 2.0}
CAP = {"ip": 60, "device": 30, "dest": 60}
MIN_LINK = 0.3
HIGH_RISK = {"KP", "CN", "HK", "MO", "RU", "IR", "SY", "CU", "BY"}
REMOTE_PORTS = {3389, 5900, 5901, 5938, 6568, 7070}


def read(d, name, ts=True):
    path = os.path.join(d, name + ".csv")
    if not os.path.exists(path):
        return None
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if ts and "ts" in df:
        df["ts"] = pd.to_datetime(df["ts"], utc=True, errors="coerce")
    return df


def pairs(links, kind):
    """Account pairs sharing a resource, weighted by the resource's degree."""
    links = links.drop_duplicates()
    deg = links.groupby("res")["acct"].transform("size")
    links = links[(deg >= 2) & (deg <= CAP[kind])].copy()
    links["w"] = W[kind] / np.sqrt(links.groupby("res")["acct"].transform("size") - 1)
    m = links.merge(links[["res", "acct"]], on="res", suffixes=("_a", "_b"))
    m = m[m["acct_a"] < m["acct_b"]]
    return m[["acct_a", "acct_b", "w"]]


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    t = {n: read(src, n) for n in ("accounts", "logins", "bids", "ratings", "payouts",
                                   "charges", "ports")}
    acc, lg, bids, rt, po, ch, ports = (t[n] for n in ("accounts", "logins", "bids", "ratings",
                                                       "payouts", "charges", "ports"))
    flags = {}

    def flag(name, ids):
        for a in pd.unique(ids):
            flags.setdefault(a, set()).add(name)

    # Red flags of the advisory.
    lg["session_seconds"] = pd.to_numeric(lg["session_seconds"], errors="coerce")
    flag("LONG_SESSION", lg.loc[lg["session_seconds"] >= 86400, "account_id"])
    ip_deg = lg.groupby("ip")["account_id"].nunique()
    shared_ips = ip_deg[(ip_deg >= 2) & (ip_deg <= CAP["ip"])].index
    flag("SHARED_IP", lg.loc[lg["ip"].isin(shared_ips), "account_id"])
    dev = lg[lg["device_id"] != ""]
    dev_deg = dev.groupby("device_id")["account_id"].nunique()
    flag("SHARED_DEVICE", dev.loc[dev["device_id"].isin(dev_deg[dev_deg >= 2].index), "account_id"])
    if ports is not None:
        ports["port"] = pd.to_numeric(ports["port"], errors="coerce")
        rem = ports[ports["port"].isin(REMOTE_PORTS)]
        hit = lg["ip"].isin(set(rem["ip"]) - {""}) | lg["device_id"].isin(
            set(rem["device_id"]) - {""})
        flag("REMOTE_ACCESS", lg.loc[hit, "account_id"])
    if bids is not None:
        bids["accepted"] = pd.to_numeric(bids["accepted"], errors="coerce")
        b = bids.groupby("freelancer_id")["accepted"].agg(["size", "mean"])
        flag("BID_SPAM", b[(b["size"] >= 100) & (b["mean"] <= 0.05)].index)
    if rt is not None:
        rt["stars"] = pd.to_numeric(rt["stars"], errors="coerce")
        hi = rt[rt["stars"] >= 4.5].copy()
        hi["week"] = hi["ts"].dt.floor("7D")
        burst = hi.groupby(["client_id", "week"])["freelancer_id"].transform("nunique") >= 5
        flag("RATING_BURST", hi.loc[burst, "freelancer_id"])
    if po is not None:
        po_deg = po.groupby("destination_id")["account_id"].nunique()
        flag("SHARED_PAYOUT",
             po.loc[po["destination_id"].isin(po_deg[po_deg >= 2].index), "account_id"])
        hr = po[po["destination_country"].isin(HIGH_RISK)]
        n = hr.groupby("account_id").size()
        flag("HIGH_RISK_PAYOUT", n[n >= 2].index)
    if ch is not None:
        ch["amount"] = pd.to_numeric(ch["amount"], errors="coerce")
        c = ch.groupby(["client_id", "freelancer_id"])["amount"].agg(["size", "sum"])
        flag("STRUCTURED_CHARGES", c[c["size"] >= 15].index.get_level_values(1))
        inst = ch[["client_id", "instrument_id"]].drop_duplicates()
        inst = inst.rename(columns={"client_id": "acct", "instrument_id": "res"})
        dests = po[["account_id", "destination_id"]].rename(
            columns={"account_id": "acct", "destination_id": "res"})
        both = inst.merge(dests, on="res", suffixes=("_c", "_f"))
        flag("SELF_DEALING", pd.concat([both["acct_c"], both["acct_f"]]))

    # Projection through shared infrastructure, then Leiden.
    proj = [pairs(lg[["ip", "account_id"]].set_axis(["res", "acct"], axis=1), "ip"),
            pairs(dev[["device_id", "account_id"]].set_axis(["res", "acct"], axis=1), "device")]
    if po is not None:
        proj.append(pairs(po[["destination_id", "account_id"]].set_axis(["res", "acct"], axis=1),
                          "dest"))
    e = pd.concat(proj).groupby(["acct_a", "acct_b"], as_index=False)["w"].sum()
    e = e[e["w"] >= MIN_LINK]
    g = ig.Graph.DataFrame(e, directed=False, use_vids=False)
    comm = g.community_leiden(objective_function="modularity", weights="w", n_iterations=20)

    # Rings: communities of three or more in which at least half the members
    # carry two or more red flags besides a shared IP (a shared IP alone is
    # every household and office).
    names = g.vs["name"]
    rings = []
    for members in comm:
        if len(members) < 3:
            continue
        ids = sorted(names[v] for v in members)
        strong = sum(1 for a in ids if len(flags.get(a, set()) - {"SHARED_IP"}) >= 2)
        if strong * 2 >= len(ids):
            rings.append({"id": "R%04d" % len(rings), "members": ids,
                          "flags": sorted(set().union(*(flags.get(a, set()) for a in ids)))})

    rows = [(a, ";".join(sorted(f))) for a, f in sorted(flags.items())]
    pd.DataFrame(rows, columns=["account_id", "flags"]).to_csv(
        os.path.join(out, "accounts.csv"), index=False)
    with open(os.path.join(out, "rings.json"), "w") as f:
        json.dump(rings, f, indent=1)
    ring_of = {a: r["id"] for r in rings for a in r["members"]}
    keep = [v.index for v in g.vs if v["name"] in ring_of]
    g.induced_subgraph(keep).write_graphml(os.path.join(out, "graph.graphml"))

    # Evidence: every input row of each ring's accounts, one folder a ring;
    # one pass over each table for all rings (a row of two rings' accounts
    # goes to both).
    ring_s = pd.Series(ring_of, name="ring")
    cols = {"accounts": ["account_id"], "logins": ["account_id"],
            "bids": ["freelancer_id", "client_id"], "ratings": ["client_id", "freelancer_id"],
            "payouts": ["account_id"], "charges": ["client_id", "freelancer_id"]}
    for r in rings:
        os.makedirs(os.path.join(out, "evidence", r["id"]), exist_ok=True)
    for name, keys in cols.items():
        df = t[name]
        if df is None:
            continue
        parts = [df.assign(ring=df[c].map(ring_s)).dropna(subset=["ring"]) for c in keys]
        hit = pd.concat(parts)
        hit = hit.assign(row=hit.index).drop_duplicates(subset=["row", "ring"])
        for rid, rows_r in hit.groupby("ring", sort=True):
            rows_r.drop(columns=["ring", "row"]).sort_index().to_csv(
                os.path.join(out, "evidence", rid, name + ".csv"), index=False)
    for r in rings:
        members = set(r["members"])
        sub = g.induced_subgraph([v.index for v in g.vs if v["name"] in members])
        sub.write_graphml(os.path.join(out, "evidence", r["id"], "subgraph.graphml"))
    print("analyst: %d flagged accounts, %d projection links, %d communities, %d rings"
          % (len(flags), len(e), len(comm), len(rings)))


if __name__ == "__main__":
    main()
