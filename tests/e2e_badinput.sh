#!/bin/sh
# e2e_badinput.sh BUILD_DIR - runs ringscan on every case of the bad-input
# corpus in tests/data/bad/ and checks exit code, messages and outputs.
#
# A case is a directory tests/data/bad/NN-name/ with
#   in/      the input directory (absent: INPUT_DIR does not exist)
#   good/    optional: a valid input run into OUT_DIR first (with prior=1)
#   expect   one KEY=VALUE per line, '#' comments:
#     exit=N             expected exit status (required)
#     stderr=TEXT        TEXT must appear in stderr (any number)
#     nostderr=TEXT      TEXT must not appear in stderr
#     cmd=run|validate   default run (run adds: -o OUT_DIR --no-geoip --full-graph)
#     args=ARGS          extra arguments, split on blanks; @CASE@ is the case's
#                        directory (for files next to in/, e.g. a config)
#     gen=NAME           gen_NAME builds in/ at test time (binary or huge
#                        inputs that are not committed); in/ files, if any,
#                        are copied first
#     prior=1            run good/ into OUT_DIR first; the failing run must
#                        leave that complete run untouched
#     skipped=N          run.json rows_skipped_total
#     blanked=N          run.json: optional values blanked, over all inputs
#     json=PATH=VALUE    run.json value at a dotted path (keys, array indices)
#     node=LABEL:KEY=V   the GraphML node labelled LABEL has KEY equal to V
#     nodes=TYPE:N       GraphML nodes of type TYPE (read back by networkx)
#     edges=KIND:N       GraphML edges of kind KIND
#     label=TEXT         a node has exactly this label
#     edge=KEY=VALUE     an edge has attribute KEY equal to VALUE
#
# Every run also checks: a failing run leaves no graph.graphml/run.json (nor
# any other file) in an OUT_DIR that did not exist; a successful run leaves
# exactly graph.graphml and run.json, well-formed.
#
# RINGSCAN_VALGRIND=1 runs the binary under valgrind (errors exit 99).
set -u

. tests/lib.sh
e2e_init "${1:-}"
DATA=tests/data/bad
[ -d "$DATA" ] || { echo "not ok - run from the repository root ($DATA missing)"; exit 1; }

# --- generators for inputs that are binary or large --------------------------
T=2026-03-01T12:00:00Z

# mib FILE - appends 1 MiB of 'A' to FILE
mib() {
    dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr '\000' 'A' >>"$1"
}

# rows N - a logins.csv body of N valid rows on stdout
rows() {
    printf 'ts,account_id,ip\n'
    awk -v n="$1" -v t="$T" 'BEGIN { for (i = 0; i < n; i++)
        printf "%s,acct%d,192.0.2.%d\n", t, i, i % 250 }'
}

gen_invalid_utf8() {
    printf 'account_id,display_name\na1,ok\na2,Jos\377 x\n' >"$1/accounts.csv"
}
gen_nul_byte() {
    printf 'ts,account_id,ip\n%s,a1,192.0.2.1\n%s,a\0002,192.0.2.2\n' "$T" "$T" >"$1/logins.csv"
}
gen_field_1mb() {
    f=$1/logins.csv
    printf 'ts,account_id,ip\n%s,a1,192.0.2.1\n%s,' "$T" "$T" >"$f"
    mib "$f"
    printf ',192.0.2.1\n%s,a2,192.0.2.1\n' "$T" >>"$f"
}
gen_user_agent_1mb() {
    f=$1/logins.csv
    printf 'ts,account_id,ip,user_agent\n%s,a1,192.0.2.1,Mozilla/5.0\n%s,a2,192.0.2.1,"' "$T" "$T" >"$f"
    mib "$f"
    printf '"\n' >>"$f"
}
gen_many_columns() {
    awk -v t="$T" 'BEGIN {
        h = "ts,account_id,ip"; r = t ",a1,192.0.2.1"
        for (i = 0; i < 70; i++) { h = h ",x" i; r = r ",v" i }
        print h; print r }' >"$1/logins.csv"
}
gen_gzip_truncated() {
    rows 2000 | gzip -n -c >"$tmp/full.gz"
    size=$(wc -c <"$tmp/full.gz")
    dd if="$tmp/full.gz" of="$1/logins.csv.gz" bs=$((size / 2)) count=1 2>/dev/null
}
gen_gzip_corrupt() {
    rows 2000 | gzip -n -c >"$1/logins.csv.gz"
    printf 'XXXXXXXXXXXXXXXX' | dd of="$1/logins.csv.gz" bs=1 seek=200 conv=notrunc 2>/dev/null
}
gen_gzip_all() {
    for f in "$1"/*.csv "$1"/*.jsonl; do
        [ -f "$f" ] && gzip -n "$f"
    done
}
gen_utf16_bom() { # accounts.csv as UTF-16LE with its byte-order mark
    printf 'account_id,country\na1,US\n' | "$PY" -c 'import sys; sys.stdout.buffer.write(b"\xff\xfe" + sys.stdin.read().encode("utf-16-le"))' >"$1/accounts.csv"
}
gen_utf16_nobom() { # logins.csv as UTF-16LE without one
    printf 'ts,account_id,ip\n%s,a1,192.0.2.1\n' "$T" | "$PY" -c 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("utf-16-le"))' >"$1/logins.csv"
}
gen_empty_dir() {
    :
}

# --- graph and run.json checks (networkx) -------------------------------------
cat >"$tmp/gcheck.py" <<'EOF'
import json, sys
import networkx as nx
case, graphml, runjson, checks = sys.argv[1:5]
fails = 0
def res(good, what):
    global fails
    print(("ok - " if good else "not ok - ") + case + ": " + what)
    fails += not good
try:
    g = nx.read_graphml(graphml)
except Exception as e:
    res(False, "networkx reads graph.graphml (%s)" % e)
    sys.exit(1)
try:
    run = json.load(open(runjson, encoding="utf-8"))
except Exception as e:
    res(False, "run.json parses (%s)" % e)
    sys.exit(1)
def same(v, want):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v) == want
    try:
        return float(v) == float(want)
    except ValueError:
        return False
for chk in open(checks, encoding="utf-8").read().splitlines():
    key, val = chk.split("=", 1)
    if key == "skipped":
        got = run.get("rows_skipped_total")
        res(got == int(val), "run.json rows_skipped_total == %s (got %r)" % (val, got))
    elif key == "blanked":
        got = sum(i.get("values_blanked", 0) for i in run.get("inputs", []))
        res(got == int(val), "run.json values_blanked total == %s (got %r)" % (val, got))
    elif key == "json":
        path, want = val.split("=", 1)
        v = run
        try:
            for p in path.split("."):
                v = v[int(p)] if isinstance(v, list) else v[p]
        except (KeyError, IndexError, ValueError, TypeError):
            v = None
        res(v is not None and same(v, want), "run.json %s == %s (got %r)" % (path, want, v))
    elif key == "node":
        lab, kv = val.split(":", 1)
        k, want = kv.split("=", 1)
        got = [d.get(k) for _, d in g.nodes(data=True) if d.get("label") == lab]
        res(len(got) == 1 and same(got[0], want), "node %r has %s=%s (got %r)" % (lab, k, want, got))
    elif key == "nodes":
        t, n = val.rsplit(":", 1)
        got = sum(1 for _, d in g.nodes(data=True) if d.get("type") == t)
        res(got == int(n), "%s nodes of type %s (got %d)" % (n, t, got))
    elif key == "edges":
        k, n = val.rsplit(":", 1)
        got = sum(1 for _, _, d in g.edges(data=True) if d.get("kind") == k)
        res(got == int(n), "%s edges of kind %s (got %d)" % (n, k, got))
    elif key == "label":
        labels = [d.get("label") for _, d in g.nodes(data=True)]
        res(val in labels, "a node is labelled %r" % val)
    elif key == "edge":
        k, want = val.split("=", 1)
        vals = [d[k] for _, _, d in g.edges(data=True) if k in d]
        res(any(same(v, want) for v in vals), "an edge has %s=%s (got %r)" % (k, want, sorted(set(map(str, vals)))[:8]))
sys.exit(1 if fails else 0)
EOF

# --- the corpus ---------------------------------------------------------------
ncases=0
for dir in "$DATA"/[0-9]*; do
    [ -f "$dir/expect" ] || continue
    name=${dir##*/}
    ncases=$((ncases + 1))
    want_exit="" cmd=run args="" gen="" prior=0
    : >"$tmp/has"; : >"$tmp/hasnot"; : >"$tmp/gchecks"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        '#'* | '') ;;
        exit=*) want_exit=${line#exit=} ;;
        cmd=*) cmd=${line#cmd=} ;;
        args=*) args=$(printf '%s' "${line#args=}" | sed "s|@CASE@|$PWD/$DATA/$name|g") ;;
        gen=*) gen=${line#gen=} ;;
        prior=*) prior=${line#prior=} ;;
        stderr=*) printf '%s\n' "${line#stderr=}" >>"$tmp/has" ;;
        nostderr=*) printf '%s\n' "${line#nostderr=}" >>"$tmp/hasnot" ;;
        skipped=* | blanked=* | json=* | node=* | nodes=* | edges=* | label=* | edge=*) printf '%s\n' "$line" >>"$tmp/gchecks" ;;
        *) nok "$name: unknown expect line: $line" ;;
        esac
    done <"$dir/expect"
    if [ -z "$want_exit" ]; then
        nok "$name: expect has no exit= line"
        continue
    fi

    w=$tmp/case/$name
    mkdir -p "$w"
    if [ -n "$gen" ]; then
        mkdir "$w/in"
        [ -d "$dir/in" ] && cp -R "$dir/in/." "$w/in/"
        "gen_$gen" "$w/in"
    elif [ -d "$dir/in" ]; then
        cp -R "$dir/in" "$w/in"
    fi

    before=""
    if [ "$prior" = 1 ]; then
        cp -R "$dir/good" "$w/good"
        (cd "$w" && rs run good -o out --no-geoip --full-graph --quiet) >/dev/null 2>"$w/prior.err" ||
            nok "$name: setup run of good/ into OUT_DIR failed: $(head -n 3 "$w/prior.err")"
        before=$(cd "$w/out" 2>/dev/null && ls -A && cksum graph.graphml run.json 2>&1)
    fi

    set -f # args are split on blanks, never globbed
    if [ "$cmd" = validate ]; then
        (cd "$w" && rs validate in $args) >"$w/stdout" 2>"$w/stderr"
    else
        (cd "$w" && rs run in -o out --no-geoip --full-graph $args) >"$w/stdout" 2>"$w/stderr"
    fi
    rc=$?
    set +f

    if [ "$rc" = "$want_exit" ]; then
        ok "$name: exit $want_exit"
    else
        nok "$name: exit $want_exit (got $rc; stderr: $(head -c 300 "$w/stderr" | tr '\n' '|'))"
    fi
    while IFS= read -r s; do
        if grep -qF -e "$s" "$w/stderr"; then
            ok "$name: stderr has: $s"
        else
            nok "$name: stderr has: $s (stderr: $(head -c 400 "$w/stderr" | tr '\n' '|'))"
        fi
    done <"$tmp/has"
    while IFS= read -r s; do
        if grep -qF -e "$s" "$w/stderr"; then
            nok "$name: stderr lacks: $s (stderr: $(head -c 400 "$w/stderr" | tr '\n' '|'))"
        else
            ok "$name: stderr lacks: $s"
        fi
    done <"$tmp/hasnot"

    [ "$cmd" = run ] || continue
    if [ "$prior" = 1 ]; then
        after=$(cd "$w/out" 2>/dev/null && ls -A && cksum graph.graphml run.json 2>&1)
        if [ -n "$before" ] && [ "$before" = "$after" ]; then
            ok "$name: previous complete run in OUT_DIR left intact"
        else
            nok "$name: previous complete run in OUT_DIR left intact (before: $before; after: $after)"
        fi
    elif [ "$rc" -ne 0 ]; then
        if [ -e "$w/out/graph.graphml" ] || [ -e "$w/out/run.json" ] ||
            [ -e "$w/out/accounts.csv" ] || [ -e "$w/out/rings.json" ]; then
            nok "$name: failing run wrote no output file ($(ls -A "$w/out" | tr '\n' ' '))"
        elif [ -d "$w/out" ] && [ -n "$(ls -A "$w/out")" ]; then
            nok "$name: failing run left nothing in OUT_DIR (found: $(ls -A "$w/out" | tr '\n' ' '))"
        else
            ok "$name: failing run left nothing in OUT_DIR"
        fi
    else
        listing=$(ls -A "$w/out" 2>/dev/null | tr '\n' ' ')
        if [ "$listing" = ".lock accounts.csv current evidence graph.graphml index.html rings.json run.json runs " ]; then
            ok "$name: OUT_DIR holds the run outputs only"
        else
            nok "$name: OUT_DIR holds the run outputs only (found: $listing)"
        fi
        if [ -f "$w/out/graph.graphml" ] && xmllint --nonet --noout "$w/out/graph.graphml" 2>"$w/xml.err"; then
            ok "$name: graph.graphml is well-formed XML"
        else
            nok "$name: graph.graphml is well-formed XML ($(head -n 3 "$w/xml.err" 2>/dev/null))"
        fi
        if [ -f "$w/out/graph.graphml" ] && [ -f "$w/out/run.json" ]; then
            "$PY" "$tmp/gcheck.py" "$name" "$w/out/graph.graphml" "$w/out/run.json" \
                "$tmp/gchecks" >"$w/gcheck.out" 2>&1
            cat "$w/gcheck.out"
            n_ok=$(grep -c '^ok - ' "$w/gcheck.out")
            n_bad=$(grep -vc '^ok - ' "$w/gcheck.out")
            npass=$((npass + n_ok))
            fails=$((fails + n_bad))
        fi
    fi
done

if [ "$ncases" -lt 30 ]; then
    nok "corpus has at least 30 cases (found $ncases)"
else
    ok "corpus has $ncases cases"
fi
e2e_done
