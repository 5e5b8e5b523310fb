#!/bin/sh
# e2e_layers.sh BUILD_DIR - the one-way layering of docs/architecture.md holds
# in this tree, and tests/check-layers.sh catches each kind of violation: a
# writer including a detector header, a detector including the file-format
# layer, the graph including ingest, a library header outside its layers,
# and a function over 120 lines in any product folder (src, ingest, base,
# datasets/gen, ...).
set -u
. tests/lib.sh
e2e_init "${1:-}"

if sh tests/check-layers.sh . >"$tmp/tree.out" 2>&1; then
    ok "this tree passes check-layers"
else
    nok "this tree passes check-layers: $(err "$tmp/tree.out")"
fi

# copy_tree DIR - the layered sources (not tests, not build output).
copy_tree() {
    mkdir -p "$1"
    for d in base graph model ingest algorithms export src datasets; do
        [ -d "$d" ] && cp -R "$d" "$1/"
    done
}

# violation NAME FILE SED-SCRIPT EXPECTED - inject one violation, expect the
# checker to fail naming FILE and EXPECTED.
violation() {
    name=$1 file=$2 script=$3 want=$4
    t=$tmp/$name
    copy_tree "$t"
    sed -i "$script" "$t/$file"
    if sh tests/check-layers.sh "$t" >"$t.out" 2>&1; then
        nok "$name: check-layers passes a tree with the violation"
    elif grep -q "^$file:[0-9]*: .*$want" "$t.out"; then
        ok "$name: reported as $(grep "^$file:" "$t.out" | head -1)"
    else
        nok "$name: report names $file and '$want': $(err "$t.out")"
    fi
}

violation writer-includes-detector export/results.c \
    '1a #include "algorithms/detect.h"' 'layer export may not include algorithms'
violation writer-includes-ingest export/report.c \
    '1a #include "ingest/table.h"' 'layer export may not include ingest'
violation detector-includes-ingest algorithms/scoring.c \
    '1a #include "ingest/load.h"' 'layer algorithms may not include ingest'
violation graph-includes-ingest graph/graph.h \
    '1a #include "ingest/schema.h"' 'layer graph may not include ingest'
violation base-includes-graph base/ts.c \
    '1a #include "graph/graph.h"' 'layer base may not include graph'
violation igraph-outside-algorithms export/graphml.c \
    '1a #include <igraph.h>' 'only \[algorithms\]'
# 130 extra statements in a function body.
long=$(awk 'BEGIN { for (i = 0; i < 130; i++) printf "    (void)0;\\n" }')
violation long-function src/pipeline.c \
    "/^static int stage_export/,/^}/ s/^{\$/{\\n$long/" 'function of [0-9]* lines'
violation long-function-ingest ingest/load.c \
    "/^int load_scan/,/^}/ s/^{\$/{\\n$long/" 'function of [0-9]* lines'
violation long-function-base base/ts.c \
    "/^int ts_parse/,/^}/ s/^{\$/{\\n$long/" 'function of [0-9]* lines'
violation long-function-generator datasets/gen/gen_world.c \
    "/^int gen_world_build/,/^}/ s/^{\$/{\\n$long/" 'function of [0-9]* lines'

e2e_done
