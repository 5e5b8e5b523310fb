#!/bin/sh
# e2e_run.sh BUILD_DIR - runs ringscan on the hand-made dataset in
# tests/data/small/ and checks graph.graphml (schema, networkx read-back,
# counts by hand, label round trip, no Inf/NaN), run.json, determinism, gzip
# inputs, the config file and the command line surface.
#
# The dataset (20 accounts, all 7 tables) and the expected graph, by hand:
#   accounts: 17 listed (12 freelancers incl. f12 with no role, 5 clients)
#             + f13 (bids only) + f14 (logins only) -> account type: 14
#             + c06 (ratings only, as client)        -> client type:  6
#   ip: 192.0.2.10 (also as ::ffff:192.0.2.10), 2001:db8::1 (also spelled
#       2001:DB8:0:0:0:0:0:1), 198.51.100.20, 198.51.100.21, 203.0.113.5,
#       203.0.113.6 -> 6        (ports.jsonl only names ips/devices seen in logins)
#   device: dev-A dev-B dev-<&>"' dev-C dev-D dev-E -> 6
#   destination: dst-1 (payout destination and charge instrument), dst-2,
#       dst-3, card-9 -> 4
#   edges: login 11 (f01 twice to one ip), uses_device 9, bid 4 (f01->c01
#       twice; the bid without client_id has no edge), rating 4 (c01->f01
#       twice), payout 4 (f01->dst-1 twice), charge 4 (c01->f01 twice),
#       pays_with 3 (c04's charge has no instrument)
#
# RINGSCAN_VALGRIND=1 runs the binary under valgrind (errors exit 99).
set -u

. tests/lib.sh
e2e_init "${1:-}"
SMALL=tests/data/small
[ -d "$SMALL" ] || { echo "not ok - run from the repository root ($SMALL missing)"; exit 1; }

# --- the main run -------------------------------------------------------------
# Copy the dataset so every path in messages and run.json is under $tmp.
cp -R "$SMALL" "$tmp/in"
rs run "$tmp/in" -o "$tmp/out1" --no-geoip --full-graph --seed 42 >"$tmp/out1.stdout" 2>"$tmp/out1.err"
rc=$?
if [ $rc -ne 0 ] || [ ! -f "$tmp/out1/graph.graphml" ] || [ ! -f "$tmp/out1/run.json" ]; then
    nok "run on $SMALL exits 0 and writes both outputs (exit $rc: $(err "$tmp/out1.err"))"
    echo "# cannot check outputs"
    exit 1
fi
ok "run on $SMALL exits 0 and writes graph.graphml and run.json"
G=$tmp/out1/graph.graphml

if [ -d ../shared/schemas ]; then
    if xmllint --nonet --noout --schema "$XSD" "$G" >"$tmp/xsd.log" 2>&1; then
        ok "graph.graphml is valid against $XSD"
    else
        nok "graph.graphml is valid against $XSD: $(err "$tmp/xsd.log")"
    fi
else
    echo "SKIP schema: ../shared not found"
fi
check "graph.graphml is well-formed XML (xmllint)" xmllint --nonet --noout "$G"
if grep -Eq '(^|[^A-Za-z])(-?Inf|INF|inf|NaN|nan|NAN)([^A-Za-z]|$)' "$G"; then
    nok "no Inf/NaN text in graph.graphml: $(grep -En '(-?Inf|NaN|nan|inf)' "$G" | head -n 3)"
else
    ok "no Inf/NaN text in graph.graphml"
fi

# --- graph.graphml read back by networkx ----------------------------------------
cat >"$tmp/graph.py" <<'EOF'
import math, re, sys
import xml.etree.ElementTree as ET
import networkx as nx

path = sys.argv[1]
fails = 0
def res(good, what):
    global fails
    print(("ok - " if good else "not ok - ") + what)
    fails += not good

raw = open(path, "rb").read()
try:
    raw.decode("utf-8", "strict")
    res(True, "graph.graphml is valid UTF-8")
except UnicodeDecodeError as e:
    res(False, "graph.graphml is valid UTF-8 (%s)" % e)

# Declared keys: Gephi reads them only when declared for node/edge.
ns = "{http://graphml.graphdrawing.org/xmlns}"
keys = {(k.get("for"), k.get("attr.name")) for k in ET.parse(path).getroot().iter(ns + "key")}
for want in ["label", "type", "color", "size", "country", "asn"]:
    res(("node", want) in keys, "node key %r declared for=node" % want)
for want in ["kind", "weight", "count", "first_seen", "last_seen"]:
    res(("edge", want) in keys, "edge key %r declared for=edge" % want)

try:
    g = nx.read_graphml(path)
    res(True, "networkx.read_graphml reads graph.graphml (%d nodes, %d edges)"
        % (g.number_of_nodes(), g.number_of_edges()))
except Exception as e:
    res(False, "networkx.read_graphml reads graph.graphml (%s)" % e)
    sys.exit(1)
res(g.is_directed(), "graph is directed")

# Node counts per type and edge counts per kind, computed by hand (see e2e_run.sh).
want_nodes = {"account": 14, "client": 6, "ip": 6, "device": 6, "destination": 4}
want_edges = {"login": 11, "uses_device": 9, "bid": 4, "rating": 4, "payout": 4,
              "charge": 4, "pays_with": 3}
got_nodes, got_edges = {}, {}
for _, d in g.nodes(data=True):
    got_nodes[d.get("type")] = got_nodes.get(d.get("type"), 0) + 1
# Two accounts have one edge however they are related: "rating+charge+bid"
# counts once for each of its kinds.
for _, _, d in g.edges(data=True):
    for k in str(d.get("kind")).split("+"):
        got_edges[k] = got_edges.get(k, 0) + 1
for t, n in sorted(want_nodes.items()):
    res(got_nodes.get(t, 0) == n, "%d nodes of type %s (got %d)" % (n, t, got_nodes.get(t, 0)))
res(set(got_nodes) <= set(want_nodes), "no other node types (got %s)" % sorted(map(str, got_nodes)))
for k, n in sorted(want_edges.items()):
    res(got_edges.get(k, 0) == n, "%d edges of kind %s (got %d)" % (n, k, got_edges.get(k, 0)))
res(set(got_edges) <= set(want_edges), "no other edge kinds (got %s)" % sorted(map(str, got_edges)))

# Labels round-trip exactly, attacker-controlled strings included.
want_labels = {
    "account": {"f01", "f02", "f03", "<script>alert(1)</script>", '=HYPERLINK("x")',
                "a&b\"c'd", "José 北京", "f08", "f09", "f10", "f11", "f12", "f13", "f14"},
    "client": {"c01", "c02", "c03", "c04", "c05", "c06"},
    "ip": {"192.0.2.10", "2001:db8::1", "198.51.100.20", "198.51.100.21", "203.0.113.5",
           "203.0.113.6"},
    "device": {"dev-A", "dev-B", "dev-<&>\"'", "dev-C", "dev-D", "dev-E"},
    "destination": {"dst-1", "dst-2", "dst-3", "card-9"},
}
by_label = {}
for n, d in g.nodes(data=True):
    by_label.setdefault((d.get("type"), d.get("label")), []).append(n)
for t, labels in sorted(want_labels.items()):
    got = {l for (tt, l) in by_label if tt == t}
    res(got == labels, "%s labels round-trip exactly (missing %r, unexpected %r)"
        % (t, sorted(labels - got), sorted(got - labels)))
res(all(len(v) == 1 for v in by_label.values()), "every (type, label) is one node")
for attacker in ["<script>alert(1)</script>", '=HYPERLINK("x")', "a&b\"c'd", "José 北京"]:
    res(("account", attacker) in by_label, "attacker id %r comes back unchanged" % attacker)

# Every node and edge carries the Gephi attributes; numbers are finite.
# Nodes outside rings are coloured by type; ring members by ring.
colors = {}
for n, d in g.nodes(data=True):
    if not d.get("ring_id"):
        colors.setdefault(d.get("type"), set()).add(d.get("color"))
res(all(len(c) == 1 and re.fullmatch(r"#[0-9a-fA-F]{6}", str(next(iter(c))))
        for c in colors.values()), "one #rrggbb colour per node type (%s)" % colors)
res(len({next(iter(c)) for c in colors.values()}) == len(colors), "node types have distinct colours")
bad = [n for n, d in g.nodes(data=True)
       if not isinstance(d.get("size"), (int, float)) or not math.isfinite(d["size"]) or d["size"] <= 0]
res(not bad, "every node has a finite positive size (bad: %s)" % bad[:3])
iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
bad = [(u, v, d) for u, v, d in g.edges(data=True)
       if not (iso.fullmatch(str(d.get("first_seen"))) and iso.fullmatch(str(d.get("last_seen")))
               and isinstance(d.get("count"), int) and d["count"] >= 1
               and isinstance(d.get("weight"), (int, float)) and math.isfinite(d["weight"]))]
res(not bad, "every edge has count, finite weight and ISO 8601 UTC first/last_seen (bad: %s)" % bad[:2])

# Aggregation and values on specific edges, by (source label, target label, kind).
lab = {n: d.get("label") for n, d in g.nodes(data=True)}
typ = {n: d.get("type") for n, d in g.nodes(data=True)}
edges = {}
for u, v, d in g.edges(data=True):
    edges.setdefault(frozenset((lab[u], lab[v])), []).append((lab[u], lab[v], d))
res(not g.is_multigraph() and all(len(v) == 1 for v in edges.values()),
    "one edge per node pair, no parallel edges (dups: %s)" % [k for k, v in edges.items() if len(v) > 1][:3])
PAIR_KINDS = {"bid", "rating", "charge"}
merged = [d for _, _, d in g.edges(data=True) if "+" in str(d.get("kind"))]
res(any(d.get("kind") == "rating+charge+bid" for d in merged),
    "c01 and f01 (rated, charged and bid) share one edge of kind rating+charge+bid")
res(all(d.get("count") == sum(d.get(k + "_count", 0) for k in PAIR_KINDS) for d in merged),
    "a merged edge's count is the sum of its per-kind counts")
def edge(s, t, k):
    e = edges.get(frozenset((s, t)))
    if not e or k not in str(e[0][2].get("kind")).split("+"):
        return {}
    src, dst, d = e[0]
    if k in ("rating", "charge") and src != s:
        return {}  # ratings and charges go client -> freelancer
    return d
def is_(s, t, k, attr, want):
    d = edge(s, t, k)
    if k in PAIR_KINDS and attr == "count":
        attr = k + "_count"
    got = d.get(attr)
    good = got == want if not isinstance(want, float) else (
        isinstance(got, (int, float)) and abs(got - want) < 1e-9)
    res(good, "edge %s -[%s]-> %s: %s == %r (got %r)" % (s, k, t, attr, want, got))
is_("f01", "192.0.2.10", "login", "count", 2)
is_("f01", "192.0.2.10", "login", "first_seen", "2026-03-01T08:00:00Z")
is_("f01", "192.0.2.10", "login", "last_seen", "2026-03-01T09:00:00Z")
is_("f02", "192.0.2.10", "login", "first_seen", "2026-03-01T00:30:00Z")   # +09:00
is_("f03", "192.0.2.10", "login", "first_seen", "2026-03-01T10:00:00.500Z")  # ::ffff:
is_("=HYPERLINK(\"x\")", "2001:db8::1", "login", "count", 1)
is_("f14", "203.0.113.5", "login", "first_seen", "2026-03-01T08:00:00Z")   # epoch
is_("f08", "203.0.113.5", "login", "first_seen", "2026-03-02T10:00:00Z")   # SQL form
is_("c01", "198.51.100.21", "login", "count", 1)                           # client login
is_("a&b\"c'd", "dev-<&>\"'", "uses_device", "count", 1)
is_("f01", "dev-A", "uses_device", "count", 2)
is_("f01", "c01", "bid", "count", 2)
is_("c01", "f01", "rating", "count", 2)
is_("c01", "f01", "rating", "stars", 4.75)
is_("f01", "dst-1", "payout", "amount", 150.5)
is_("f10", "dst-3", "payout", "amount", 0.0)
is_("c01", "f01", "charge", "amount", 300.0)
is_("c01", "dst-1", "pays_with", "amount", 300.0)
is_("c05", "card-9", "pays_with", "amount", 30.0)
node = {lab[n]: d for n, d in g.nodes(data=True)}
res(node.get("f02", {}).get("country") == "JP", "claimed country upper-cased (f02: %r)" % node.get("f02", {}).get("country"))
res(node.get("José 北京", {}).get("country") == "CN", "claimed country on a non-ASCII id")
res(typ.get(next((n for n in lab if lab[n] == "c06"), None)) == "client",
    "an account seen only as a rating's client is a client node")
sys.exit(1 if fails else 0)
EOF
"$PY" "$tmp/graph.py" "$G" >"$tmp/graph.out" 2>&1
cat "$tmp/graph.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/graph.out")))

# --- run.json -------------------------------------------------------------------
(cd "$tmp/in" && sha256sum -- *) >"$tmp/sums"
version=$(rs --version 2>/dev/null | sed -n 's/^ringscan //p')
cat >"$tmp/runjson.py" <<'EOF'
import json, math, os, sys
path, sums, version, expect_seed = sys.argv[1:5]
argv = sys.argv[5:]
fails = 0
def res(good, what):
    global fails
    print(("ok - " if good else "not ok - ") + what)
    fails += not good
try:
    r = json.load(open(path, encoding="utf-8"))
    res(True, "run.json parses")
except Exception as e:
    res(False, "run.json parses (%s)" % e)
    sys.exit(1)
tool = r.get("tool", {})
res(isinstance(tool, dict) and tool.get("version") == version,
    "tool.version %r equals --version (%r)" % (tool.get("version"), version))
libs = r.get("libraries", {})
for l in ["igraph", "jansson", "libmaxminddb", "libcsv", "zlib", "openssl"]:
    v = libs.get(l) if isinstance(libs, dict) else None
    res(isinstance(v, str) and v != "", "libraries.%s recorded (%r)" % (l, v))
cl = r.get("command_line")
res(isinstance(cl, list) and all(isinstance(a, str) for a in cl), "command_line is a list of strings")
# The recorded command line is the one given, in its order (argv[0] may or may not be included).
res(isinstance(cl, list) and cl[-len(argv):] == argv,
    "command_line records the arguments as given, in order (want %r, got %r)" % (argv, cl))
cfg = r.get("config")
res(isinstance(cfg, dict) and cfg, "config is a non-empty object")
res(r.get("seed") == int(expect_seed), "seed == %s (got %r)" % (expect_seed, r.get("seed")))
res(isinstance(cfg, dict) and cfg.get("seed") == int(expect_seed),
    "config.seed == %s (got %r)" % (expect_seed, cfg.get("seed") if isinstance(cfg, dict) else None))
want = {}
for line in open(sums):
    h, name = line.split(None, 1)
    want[name.strip().lstrip("*")] = h
rows = {"accounts.csv": 17, "logins.csv": 12, "bids.csv": 6, "ratings.csv": 5,
        "payouts.csv": 5, "charges.csv": 5, "ports.jsonl": 3}
inputs = r.get("inputs")
res(isinstance(inputs, list) and len(inputs) == len(want),
    "inputs[] lists the %d input files (got %r)" % (len(want), len(inputs) if isinstance(inputs, list) else inputs))
seen = {}
for i in inputs if isinstance(inputs, list) else []:
    name = os.path.basename(str(i.get("file") or i.get("path") or ""))
    seen[name] = i
for name, h in sorted(want.items()):
    i = seen.get(name, {})
    res(i.get("sha256") == h, "inputs[%s].sha256 equals sha256sum (%s)" % (name, i.get("sha256")))
    n = rows.get(name)
    res(i.get("rows_read") == n, "inputs[%s].rows_read == %s (got %r)" % (name, n, i.get("rows_read")))
    res(i.get("rows_skipped") == 0, "inputs[%s].rows_skipped == 0 (got %r)" % (name, i.get("rows_skipped")))
ph = r.get("phases")
res(isinstance(ph, list) and len(ph) > 0, "phases[] is a non-empty list")
for p in ph if isinstance(ph, list) else []:
    s, m = p.get("seconds"), p.get("peak_rss_bytes")
    res(isinstance(p.get("name"), str) and isinstance(s, (int, float)) and not isinstance(s, bool)
        and math.isfinite(s) and s >= 0 and isinstance(m, int) and not isinstance(m, bool) and m > 0,
        "phase %r has seconds (%r) and peak_rss_bytes (%r)" % (p.get("name"), s, m))
sys.exit(1 if fails else 0)
EOF
"$PY" "$tmp/runjson.py" "$tmp/out1/run.json" "$tmp/sums" "$version" 42 \
    run "$tmp/in" -o "$tmp/out1" --no-geoip --full-graph --seed 42 >"$tmp/runjson.out" 2>&1
cat "$tmp/runjson.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/runjson.out")))

# rows_read/rows_skipped with a bad row appended
cp -R "$SMALL" "$tmp/in-bad"
printf '2026-03-03T00:00:00Z,f01,192.0.2.400,dev-A,,\n' >>"$tmp/in-bad/logins.csv"
rs run "$tmp/in-bad" -o "$tmp/out-bad" --no-geoip >/dev/null 2>"$tmp/bad.err" # warnings: not --quiet
rc=$?
check "a bad row is skipped, not fatal (exit $rc: $(err "$tmp/bad.err"))" [ $rc -eq 0 ]
check "the bad row is reported as file:line:col" grep -qF 'logins.csv:14:26: ip: invalid IPv4 address: "192.0.2.400"' "$tmp/bad.err"
"$PY" - "$tmp/out-bad/run.json" >"$tmp/bad.out" 2>&1 <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    print("not ok - run.json with a bad row parses (%s)" % e); sys.exit(1)
i = [x for x in r.get("inputs", []) if str(x.get("file", x.get("path", ""))).endswith("logins.csv")]
i = i[0] if i else {}
for k, want in [("rows_read", 13), ("rows_skipped", 1)]:
    print("%s - logins.csv %s == %d with one bad row (got %r)"
          % ("ok" if i.get(k) == want else "not ok", k, want, i.get(k)))
print("%s - rows_skipped_total == 1 (got %r)"
      % ("ok" if r.get("rows_skipped_total") == 1 else "not ok", r.get("rows_skipped_total")))
EOF
cat "$tmp/bad.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/bad.out")))

# --- determinism, gzip inputs, validate ---------------------------------------
rs run "$tmp/in" -o "$tmp/out2" --no-geoip --full-graph --quiet >/dev/null 2>"$tmp/out2.err"
check "second run exits 0" [ $? -eq 0 ]
check "two runs give byte-identical graph.graphml" cmp -s "$G" "$tmp/out2/graph.graphml"

cp -R "$SMALL" "$tmp/in-gz"
for f in "$tmp/in-gz"/*; do gzip -n "$f"; done
rs run "$tmp/in-gz" -o "$tmp/out-gz" --no-geoip --full-graph --quiet >/dev/null 2>"$tmp/gz.err"
check "run on gzip copies exits 0 ($(err "$tmp/gz.err"))" [ $? -eq 0 ]
check "gzip copies give the same graph.graphml" cmp -s "$G" "$tmp/out-gz/graph.graphml"
"$PY" - "$tmp/out-gz/run.json" "$tmp/in-gz" >"$tmp/gz.out" 2>&1 <<'EOF'
import hashlib, json, os, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
ins = r.get("inputs", [])
good = len(ins) == 7
for i in ins:
    name = os.path.basename(str(i.get("file") or i.get("path") or ""))
    p = os.path.join(sys.argv[2], name)
    good = good and name.endswith(".gz") and os.path.exists(p) and \
        i.get("sha256") == hashlib.sha256(open(p, "rb").read()).hexdigest()
print("%s - gzip inputs listed with the sha256 of the .gz file" % ("ok" if good else "not ok"))
EOF
cat "$tmp/gz.out"
fails=$((fails + $(grep -vc '^ok - ' "$tmp/gz.out")))

rs validate "$tmp/in" >"$tmp/val.out" 2>"$tmp/val.err"
check "validate on $SMALL exits 0 ($(err "$tmp/val.err"))" [ $? -eq 0 ]
check "validate writes no output directory" [ ! -e "$tmp/in/graph.graphml" ]

# --- config file --------------------------------------------------------------
printf '{"seed": 7, "max_bad_rows": 5}\n' >"$tmp/good.json"
rs run "$tmp/in" -o "$tmp/out-cfg" --no-geoip --quiet --config "$tmp/good.json" >/dev/null 2>"$tmp/cfg.err"
check "a valid config file is accepted ($(err "$tmp/cfg.err"))" [ $? -eq 0 ]
"$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["seed"]==7 and r["config"]["max_bad_rows"]==5 else 1)' \
    "$tmp/out-cfg/run.json" 2>/dev/null
check "config seed and max_bad_rows recorded in run.json" [ $? -eq 0 ]
rs run "$tmp/in" -o "$tmp/out-cfg2" --no-geoip --quiet --config "$tmp/good.json" --seed 9 >/dev/null 2>&1
"$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["seed"]==9 else 1)' \
    "$tmp/out-cfg2/run.json" 2>/dev/null
check "--seed on the command line overrides the config file" [ $? -eq 0 ]

printf '{"seed": 7, "sede": 8}\n' >"$tmp/unknown.json"
rs run "$tmp/in" -o "$tmp/out-unk" --no-geoip --config "$tmp/unknown.json" >/dev/null 2>"$tmp/unk.err"
rc=$?
check "config with an unknown key: exit 1 (got $rc)" [ $rc -eq 1 ]
check "config with an unknown key: message names the key ($(err "$tmp/unk.err"))" grep -q "sede" "$tmp/unk.err"
check "config with an unknown key: no output written" [ ! -e "$tmp/out-unk/graph.graphml" ]
printf '{"seed": 7,}\n' >"$tmp/broken.json"
rs run "$tmp/in" -o "$tmp/out-brk" --no-geoip --config "$tmp/broken.json" >/dev/null 2>"$tmp/brk.err"
rc=$?
check "config that is not valid JSON: exit 1 (got $rc)" [ $rc -eq 1 ]
rs run "$tmp/in" -o "$tmp/out-nocfg" --no-geoip --config "$tmp/no-such.json" >/dev/null 2>"$tmp/nocfg.err"
rc=$?
check "missing config file: exit 1 with its path ($(err "$tmp/nocfg.err"))" \
    sh -c '[ "$1" -eq 1 ] && grep -qF "no-such.json" "$2"' sh "$rc" "$tmp/nocfg.err"

# --- command line surface -------------------------------------------------------
rs --help >"$tmp/help.out" 2>"$tmp/help.err"
rc=$?
check "--help exits 0 (got $rc)" [ $rc -eq 0 ]
check "--help prints usage on stdout" grep -q "^Usage: ringscan run INPUT_DIR -o OUT_DIR" "$tmp/help.out"
check "--help prints nothing on stderr" [ ! -s "$tmp/help.err" ]
# Every document --help points to exists.
for doc in $(grep -o 'docs/[a-z_-]*\.md\|README\.md' "$tmp/help.out" | sort -u); do
    check "--help names $doc, which exists" [ -f "$doc" ]
done
check "--help names docs/config.md" grep -q "docs/config.md" "$tmp/help.out"
rs run --help >"$tmp/help2.out" 2>/dev/null
check "run --help exits 0 with usage" sh -c '[ $1 -eq 0 ] && grep -q "Usage:" "$2"' sh $? "$tmp/help2.out"

rs --version >"$tmp/ver.out" 2>&1
rc=$?
check "--version exits 0 (got $rc)" [ $rc -eq 0 ]
check "--version prints 'ringscan X.Y.Z' ($(cat "$tmp/ver.out"))" grep -Eqx 'ringscan [0-9]+\.[0-9]+\.[0-9]+' "$tmp/ver.out"

rs run "$tmp/in" -o "$tmp/out-opt" --no-such-option >/dev/null 2>"$tmp/opt.err"
rc=$?
check "unknown option: exit 2 (got $rc)" [ $rc -eq 2 ]
check "unknown option: named on stderr" grep -q -- "--no-such-option" "$tmp/opt.err"
check "unknown option: no output directory created" [ ! -e "$tmp/out-opt" ]
rs run "$tmp/in" --no-geoip >/dev/null 2>"$tmp/noo.err"
rc=$?
check "missing -o: exit 2 (got $rc)" [ $rc -eq 2 ]
check "missing -o: says so on stderr ($(err "$tmp/noo.err"))" grep -q -- "-o" "$tmp/noo.err"
rs run -o "$tmp/out-noin" >/dev/null 2>&1
check "missing INPUT_DIR: exit 2" [ $? -eq 2 ]
rs >/dev/null 2>&1
check "no command: exit 2" [ $? -eq 2 ]
rs frobnicate >/dev/null 2>&1
check "unknown command: exit 2" [ $? -eq 2 ]
rs run "$tmp/in" -o "$tmp/out-seed" --seed banana >/dev/null 2>&1
check "--seed banana: exit 2" [ $? -eq 2 ]
rs validate "$tmp/in" --no-such-option >/dev/null 2>&1
check "validate with an unknown option: exit 2" [ $? -eq 2 ]

printf 'precious\n' >"$tmp/afile"
rs run "$tmp/in" -o "$tmp/afile" --no-geoip --quiet >/dev/null 2>"$tmp/afile.err"
rc=$?
check "-o naming an existing file: exit 1 (got $rc)" [ $rc -eq 1 ]
check "-o naming an existing file: the file is untouched" grep -qx precious "$tmp/afile"

e2e_done
