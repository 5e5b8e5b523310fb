#!/bin/sh
# e2e_gephi.sh BUILD_DIR - graph.graphml as Gephi will import it, on the demo's
# world (seed 42, 3 000 freelancers, 6 rings): one edge per node pair (Gephi's
# default import merges parallel edges and loses a kind), no bid edges in the
# default suspicious part (at most 10 % required) while --graph-bids keeps them,
# ring colours distinct per ring and never a node-type colour, and the same for
# every bag's subgraph.graphml. The index: a run summary that agrees with
# run.json, rings in rings.json's order on one line each, and an order that
# separates rings whose scores print alike.
set -u

. tests/lib.sh
e2e_init "${1:-}"

gen_or_stop "$tmp/in" --seed 42 --accounts 3000 --clients 600 --days 60 --rings 6 --enrich
rs run "$tmp/in" -o "$tmp/out" --no-geoip --quiet 2>"$tmp/run.err" || nok "run: $(err "$tmp/run.err")"
rs run "$tmp/in" -o "$tmp/outb" --no-geoip --quiet --graph-bids 2>"$tmp/runb.err" ||
    nok "run --graph-bids: $(err "$tmp/runb.err")"
"$PY" - "$tmp/out/current" "$tmp/outb/current" >"$tmp/check.out" 2>&1 <<'EOF'
import glob, os, sys
import networkx as nx
out, outb = sys.argv[1:3]
def res(good, what):
    print(("ok - " if good else "not ok - ") + what)
TYPE_COLOURS = {"#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c", "#9467bd"}
def check(path, name):
    g = nx.read_graphml(path)
    pairs = {}
    for u, v in g.edges():
        pairs[frozenset((u, v))] = pairs.get(frozenset((u, v)), 0) + 1
    res(not g.is_multigraph() and all(n == 1 for n in pairs.values()),
        "%s: one edge per node pair (%d edges)" % (name, g.number_of_edges()))
    ring_col = {}
    for _, d in g.nodes(data=True):
        if d.get("ring_id"):
            ring_col.setdefault(d["ring_id"], set()).add(d.get("color"))
    cols = [c for s in ring_col.values() for c in s]
    res(all(len(s) == 1 for s in ring_col.values()), "%s: one colour per ring" % name)
    res(not (set(cols) & TYPE_COLOURS), "%s: no ring colour is a node-type colour (%s)" % (name, sorted(set(cols) & TYPE_COLOURS)))
    if len(ring_col) <= 60:
        res(len(set(cols)) == len(ring_col), "%s: %d rings, %d distinct colours" % (name, len(ring_col), len(set(cols))))
    return g
g = check(os.path.join(out, "graph.graphml"), "graph.graphml")
kinds = [k for _, _, d in g.edges(data=True) for k in str(d.get("kind")).split("+")]
bids = sum(1 for _, _, d in g.edges(data=True) if "bid" in str(d.get("kind")).split("+"))
res(g.number_of_edges() > 0 and bids <= 0.10 * g.number_of_edges(),
    "default suspicious part: %d of %d edges carry bids (at most 10 %%)" % (bids, g.number_of_edges()))
gb = nx.read_graphml(os.path.join(outb, "graph.graphml"))
bids_b = sum(1 for _, _, d in gb.edges(data=True) if "bid" in str(d.get("kind")).split("+"))
res(bids_b > 0, "--graph-bids keeps the bids (%d edges carry bids)" % bids_b)
res(g.number_of_nodes() < gb.number_of_nodes(),
    "without bids the suspicious part is smaller (%d nodes against %d)" % (g.number_of_nodes(), gb.number_of_nodes()))
bags = sorted(glob.glob(os.path.join(out, "evidence", "*", "data", "subgraph.graphml")))
res(len(bags) > 0, "%d bags" % len(bags))
for p in bags:
    check(p, os.path.relpath(p, out))
# timeline.gexf: one edge per node pair too, each living from first to last observation.
import xml.etree.ElementTree as ET
NS = "{http://gexf.net/1.3}"
bad_gexf = []
for p in sorted(glob.glob(os.path.join(out, "evidence", "*", "data", "timeline.gexf"))):
    root = ET.parse(p).getroot()
    es = root.find(NS + "graph").find(NS + "edges")
    edges = es.findall(NS + "edge")
    pairs = [frozenset((e.get("source"), e.get("target"))) for e in edges]
    if len(set(pairs)) != len(pairs) or int(es.get("count")) != len(edges) or \
            any(e.get("start") > e.get("end") for e in edges):
        bad_gexf.append(os.path.relpath(p, out))
res(bags and not bad_gexf, "every timeline.gexf: one edge per node pair, edge count declared right, start <= end (%r)" % bad_gexf)
EOF
[ $? -eq 0 ] || nok "check script failed: $(tail -c 300 "$tmp/check.out" | tr '\n' '|')"
grep -v '^ok - evidence/' "$tmp/check.out" || true
fails=$((fails + $(grep -c '^not ok' "$tmp/check.out")))
npass=$((npass + $(grep -c '^ok - ' "$tmp/check.out")))
"$PY" - "$tmp/out/current" >"$tmp/index.out" 2>&1 <<'EOF'
import html, json, os, re, sys
out = sys.argv[1]
def res(good, what):
    print(("ok - " if good else "not ok - ") + what)
h = open(os.path.join(out, "index.html"), encoding="utf-8").read()
run = json.load(open(os.path.join(out, "run.json"), encoding="utf-8"))
rings = json.load(open(os.path.join(out, "rings.json"), encoding="utf-8"))["rings"]
summary = h[h.index("<h2>Run</h2>"):h.index("<h2>Rings</h2>")]
for i in run["inputs"]:
    res("<code>%s</code>: %d rows" % (html.escape(i["file"]), i["rows_loaded"]) in summary,
        "run summary: %s with %d rows" % (i["file"], i["rows_loaded"]))
kinds = {}
for r in rings:
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
res(all("%d %s" % (n, k) in summary for k, n in kinds.items()), "run summary counts rings by kind %r" % kinds)
rows = re.findall(r'<tr><td class="n">(\d+)</td><td class="id"><a href="evidence/([^/]+)/data/report.html">'
                  r'.*?<td class="n">([0-9.]+)</td><td class="n">([0-9.]+)</td>', h)
res([r[1] for r in rows] == [r["id"] for r in rings], "index lists the rings in rings.json's order (%d rows)" % len(rows))
ordered = all(not (rows[k][2] == rows[k + 1][2] and float(rows[k][3]) < float(rows[k + 1][3]))
              for k in range(len(rows) - 1))
res(ordered, "rings whose scores print alike are ordered by corroboration")
res(len({(r[2], r[3]) for r in rows}) > 1, "the printed score and corroboration separate rings")
res("td.id,td.date{white-space:nowrap" in h, "ids and dates do not wrap")
EOF
[ $? -eq 0 ] || nok "index check failed: $(tail -c 300 "$tmp/index.out" | tr '\n' '|')"
cat "$tmp/index.out"
fails=$((fails + $(grep -c '^not ok' "$tmp/index.out")))
npass=$((npass + $(grep -c '^ok - ' "$tmp/index.out")))
e2e_done
