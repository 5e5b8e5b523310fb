#!/bin/sh
# check-layers.sh [ROOT] - enforces the one-way layering of docs/architecture.md:
#   1. a file includes project headers only from the layers below its own
#      (or its own);
#   2. each third-party library header is included only by the layers that
#      own that library;
#   3. no function in any product folder (the same folders as 1 and 2) is
#      longer than 120 lines.
# Prints one line per violation as FILE:LINE: message and exits 1 if any.
# Run by `make lint`, `make layers` and .ci/run; tests/e2e_layers.sh checks
# that it catches violations.
set -u
root=${1:-.}
cd "$root" || exit 2

# allowed LAYER -> the layers whose headers it may include
allowed() {
    case $1 in
    base) echo "base" ;;
    graph) echo "base graph" ;;
    model) echo "base graph model" ;;
    ingest) echo "base graph model ingest" ;;
    algorithms) echo "base graph model algorithms" ;;
    export) echo "base graph model export" ;;
    datasets/gen) echo "base datasets/gen" ;;
    datasets/eval) echo "base datasets/eval" ;;
    src) echo "base graph model ingest algorithms export src datasets/gen datasets/eval" ;;
    *) echo "" ;;
    esac
}

# library header -> the layers that may include it
lib_owners() {
    case $1 in
    igraph.h | igraph/*) echo "algorithms" ;;
    csv.h) echo "ingest datasets/eval src" ;;
    maxminddb.h) echo "ingest datasets/gen src" ;;
    jansson.h) echo "ingest export src datasets/gen datasets/eval" ;;
    openssl/*) echo "base src" ;;
    zlib.h) echo "ingest datasets/gen src" ;;
    xxhash.h) echo "graph src" ;;
    sqlite3.h) echo "src" ;;
    utf8proc.h) echo "base ingest" ;;
    cmocka.h) echo "" ;;
    *) echo "*" ;;
    esac
}

layer_of() { # path -> layer name
    case $1 in
    datasets/gen/*) echo datasets/gen ;;
    datasets/eval/*) echo datasets/eval ;;
    *) echo "${1%%/*}" ;;
    esac
}

# The product folders: every layer of docs/architecture.md, each checked by
# both the include rules and the function length.
folders="base graph model ingest algorithms export src datasets/gen datasets/eval"

bad=0
# shellcheck disable=SC2086 # folders is a list of words
files=$(find $folders -name '*.[ch]' 2>/dev/null | sort)
for f in $files; do
    layer=$(layer_of "$f")
    ok=$(allowed "$layer")
    out=$(awk -v ok=" $ok " -v file="$f" '
        /^[ \t]*#[ \t]*include[ \t]*"/ {
            p = $0; sub(/^[^"]*"/, "", p); sub(/".*$/, "", p)
            if (p ~ /^datasets\/(gen|eval)\//) { split(p, a, "/"); l = a[1] "/" a[2] }
            else { n = index(p, "/"); l = n ? substr(p, 1, n - 1) : "" }
            if (l == "" || index(ok, " " l " ") == 0)
                printf "%s:%d: includes \"%s\": layer %s may not include %s\n", file, NR, p, LAYER, (l == "" ? "a header outside the layers" : l)
        }' LAYER="$layer" "$f")
    if [ -n "$out" ]; then echo "$out"; bad=1; fi
    grep -n '^[ \t]*#[ \t]*include[ \t]*<' "$f" | while IFS= read -r line; do
        ln=${line%%:*}
        h=${line#*<}
        h=${h%%>*}
        owners=$(lib_owners "$h")
        [ "$owners" = "*" ] && continue
        case " $owners " in
        *" $layer "*) ;;
        *) echo "$f:$ln: includes <$h>: only [$owners] may use that library" ;;
        esac
    done | grep . && bad=1
done

# Functions: from a line opening a definition's body at column 0 ("{") to its
# closing "}" at column 0 (the project's clang-format style).
# shellcheck disable=SC2086
for f in $(find $folders -name '*.c' 2>/dev/null | sort); do
    out=$(awk -v file="$f" '
        /^\{/ { start = NR; next }
        /^\}/ { if (start && NR - start + 1 > 120)
                    printf "%s:%d: function of %d lines (at most 120)\n", file, start, NR - start + 1
                start = 0 }' "$f")
    if [ -n "$out" ]; then echo "$out"; bad=1; fi
done

if [ $bad -ne 0 ]; then
    echo "check-layers: FAILED (see docs/architecture.md)" >&2
    exit 1
fi
echo "check-layers: ok"
