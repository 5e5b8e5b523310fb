#!/bin/sh
# same-outputs.sh OLD_BUILD NEW_BUILD [WORK_DIR] - checks that a change altered
# no finding: runs both builds' ringscan on the demo world (also with
# --full-graph) and on five simulator seeds (the generator of NEW_BUILD writes
# the inputs, so both read the same files), with a fixed SOURCE_DATE_EPOCH,
# and compares every output except run.json (which records timings) byte for
# byte. Exit 0 when all are
# identical; otherwise lists the differing files. NEW_RUN_ARGS adds options to
# NEW_BUILD's runs only (one the old build lacks, such as
# "--evidence-min-severity low" against a build that packaged every ring).
#
#   git worktree add /tmp/old HEAD~3 && make -C /tmp/old all
#   sh datasets/same-outputs.sh /tmp/old/build build
set -eu
old=${1:?usage: same-outputs.sh OLD_BUILD NEW_BUILD [WORK_DIR]}
new=${2:?usage: same-outputs.sh OLD_BUILD NEW_BUILD [WORK_DIR]}
work=${3:-out/same-outputs}
SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH
rm -rf "$work"
mkdir -p "$work"
diffs=0

# world NAME GEN-ARGS... - generate, run both builds, compare. RUN_ARGS adds
# ringscan options.
world() {
    name=$1
    shift
    "$new/ringscan-gen" --quiet -o "$work/$name/in" "$@"
    for b in old new; do
        eval "bin=\$$b/ringscan"
        extra=
        [ "$b" = new ] && extra=${NEW_RUN_ARGS:-}
        # shellcheck disable=SC2086
        "$bin" run "$work/$name/in" -o "$work/$name/$b" --seed 42 --no-geoip --quiet ${RUN_ARGS:-} \
            $extra
        # The published run (OUT_DIR/current), or the whole OUT_DIR of a build
        # older than the runs/ layout.
        if [ -L "$work/$name/$b/current" ]; then
            eval "dir_$b=\$(cd \"\$work/\$name/\$b/current\" && pwd -P)"
        else
            eval "dir_$b=\$work/\$name/\$b"
        fi
    done
    # shellcheck disable=SC2154
    if diff -r -q -x run.json "$dir_old" "$dir_new" >"$work/$name.diff"; then
        n=$(find "$dir_new" -type f ! -name run.json | wc -l)
        echo "same-outputs: $name: $n files identical"
    else
        diffs=$((diffs + 1))
        echo "same-outputs: $name: DIFFERENT"
        sed 's/^/  /' "$work/$name.diff"
    fi
}

world demo --seed 42 --accounts 3000 --clients 600 --days 60 --rings 6 --enrich
RUN_ARGS=--full-graph world demo-full --seed 42 --accounts 3000 --clients 600 --days 60 \
    --rings 6 --enrich
for s in 1 2 3 4 5; do
    world "seed$s" --seed "$s" --accounts 4000 --clients 800 --days 45 --rings 6 --enrich
done
[ "$diffs" -eq 0 ]
