#!/bin/sh
# e2e_report_browser.sh BUILD_DIR - renders an evidence report.html in headless
# Chromium (Debian's chromium package; installed here when running as root,
# else the check is skipped) and checks the screenshot is not blank, the page
# logs no console error or CSP violation, and the DOM loads no resource.
set -u
E2E_LIMIT=120
. tests/lib.sh
e2e_init "${1:-}"
[ -x "$GEN" ] || { echo "not ok - $BUILD/ringscan-gen not built"; exit 1; }
if [ "${RINGSCAN_VALGRIND:-}" = 1 ]; then
    echo "SKIP browser check under valgrind"; exit 0
fi
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
        >/dev/null 2>&1
    CHROME=$(command -v chromium || true)
fi
if [ -z "$CHROME" ]; then
    echo "SKIP browser check: chromium not installed (apt-get install chromium as root)"; exit 0
fi

"$GEN" --seed 42 --accounts 1500 --clients 300 --days 30 --rings 3 --enrich --quiet -o "$tmp/in"
"$BIN" run "$tmp/in" -o "$tmp/out" --no-geoip --quiet 2>"$tmp/err" || nok "run ($(head -c 200 "$tmp/err"))"
page=$tmp/out/evidence/R0001/data/report.html
[ -f "$page" ] || { nok "R0001 report.html exists"; echo "# $fails failed"; exit 1; }
run_chrome() {
    timeout 120 "$CHROME" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@"
}
run_chrome --window-size=1200,1600 --screenshot="$tmp/shot.png" "file://$page" >"$tmp/shot.log" 2>&1
[ -s "$tmp/shot.png" ] && ok "screenshot written" || nok "screenshot written ($(tail -c 300 "$tmp/shot.log"))"
run_chrome --dump-dom "file://$page" >"$tmp/dom.html" 2>"$tmp/dom.log"
if grep -E 'CONSOLE|Refused to|Uncaught|net::ERR' "$tmp/shot.log" "$tmp/dom.log" >"$tmp/console" 2>/dev/null; then
    nok "no console errors or blocked loads ($(head -c 300 "$tmp/console"))"
else
    ok "no console errors or blocked loads"
fi
"$PY" - "$tmp/shot.png" "$tmp/dom.html" >"$tmp/py" 2>&1 <<'PYEOF'
import re, struct, sys, zlib
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
data = open(sys.argv[1], "rb").read()
check(data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is a PNG")
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
# Filtered scanlines: count distinct byte values as a cheap blankness test.
distinct = len(set(raw[::97]))
check(distinct > 20, "screenshot is not blank (%d distinct sampled byte values)" % distinct)
dom = open(sys.argv[2], encoding="utf-8", errors="replace").read()
check("<svg" in dom and "Red flags" in dom, "the page rendered its drawing and flag tables")
# The case reads from the top: summary card, then the drawing, then the rest.
order = [dom.find(x) for x in ("<h2>Summary</h2>", "binding infrastructure", "strongest facts", "<svg",
                               "Benign explanations considered", "Next steps", "<h2>Explanation</h2>")]
check(all(o >= 0 for o in order) and order == sorted(order),
      "summary card, drawing, benign explanations, next steps, then the explanation (%r)" % order)
check("<text " in dom, "the drawing labels the binding infrastructure")
top = dom[dom.find('<div class="top">'):dom.find("Benign explanations considered")]
check("<h2>Summary</h2>" in top and "<h2>Timeline</h2>" in top and "<h2>Subgraph</h2>" in top,
      "summary card, timeline and drawing share the top of the page")
lanes = re.findall(r'<text [^>]*>(logins|bids|ratings|payouts|charges|ports) \d+', top)
check(len(lanes) >= 2, "the timeline has one lane per kind of event (%r)" % lanes)
check(" src=" not in dom and "<link" not in dom and "<script" not in dom, "the DOM loads no resource")
PYEOF
cat "$tmp/py"
fails=$((fails + $(grep -c '^not ok' "$tmp/py")))
e2e_done
