# lib.sh - helpers shared by the end-to-end scripts (sourced, not run).
#
#   . tests/lib.sh
#   e2e_init "$1"          # BUILD dir: sets BIN GEN EVAL PY SCHEMAS XSD tmp
#   ok "what held"; nok "what failed"; check "what" COMMAND...
#   rs run IN -o OUT ...   # ringscan, with a timeout, under valgrind when
#                          # RINGSCAN_VALGRIND=1 (errors exit 99)
#   err FILE               # the start of a file on one line, for messages
#   e2e_done               # "# N failed" and the script's exit status
# (ok may run in a subshell, so only failures are counted reliably: nok in
# a subshell must be followed by a grep of its output, as the scripts do.)
#
# A script sets E2E_LIMIT (seconds per ringscan run, default 30; ten times
# that under valgrind) before e2e_init when its runs take longer.

PY=/usr/bin/python3
SCHEMAS=../shared/schemas
XSD=$SCHEMAS/graphml/graphml.xsd
fails=0
npass=0

ok() {
    npass=$((npass + 1))
    echo "ok - $*"
}
nok() {
    fails=$((fails + 1))
    echo "not ok - $*"
}
check() { # check DESCRIPTION COMMAND... - ok when COMMAND succeeds
    d=$1
    shift
    if "$@"; then ok "$d"; else nok "$d"; fi
}
err() { head -c 400 "$1" | tr '\n' '|'; }

# e2e_init BUILD_DIR - absolute binary paths, a private temporary directory
# removed on exit, the timeout wrapper.
e2e_init() {
    BUILD=${1:?usage: sh $0 BUILD_DIR}
    _b=$(cd "$BUILD" 2>/dev/null && pwd)
    BIN=$_b/ringscan
    GEN=$_b/ringscan-gen
    EVAL=$_b/ringscan-eval
    [ -x "$BIN" ] || {
        echo "not ok - $BUILD/ringscan not built"
        exit 1
    }
    [ -d tests ] || {
        echo "not ok - run from the repository root"
        exit 1
    }
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ringscan-e2e.XXXXXX") || exit 1
    [ -n "${E2E_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
    # Searched IP databases come only from where a test puts them, never from
    # what `make geoip` installed on this machine.
    RINGSCAN_GEOIP_DIR=$tmp/.no-ip-data
    export RINGSCAN_GEOIP_DIR
    trap 'exit 130' INT TERM HUP
    _limit=${E2E_LIMIT:-30}
    [ "${RINGSCAN_VALGRIND:-}" = 1 ] && _limit=$((_limit * 10))
    TO=""
    command -v timeout >/dev/null 2>&1 && TO="timeout $_limit"
}

# rs ARGS... - the ringscan binary.
rs() {
    if [ "${RINGSCAN_VALGRIND:-}" = 1 ]; then
        $TO valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite "$BIN" "$@"
    else
        $TO "$BIN" "$@"
    fi
}

# gen_or_stop DIR GEN-ARGS... - ringscan-gen --quiet -o DIR GEN-ARGS; when the
# generator fails, report it and end the script (nothing else can be checked).
gen_or_stop() {
    _gdir=$1
    shift
    "$GEN" "$@" --quiet -o "$_gdir" 2>"$tmp/gen.err" || {
        nok "generate: $(err "$tmp/gen.err")"
        e2e_done
        exit 1
    }
}

e2e_done() {
    echo "# $fails failed"
    [ "$fails" -eq 0 ]
}
