#!/bin/sh
# screenshots.sh BUILD DEMO_OUT - renders the demo's index.html and its first case
# page in headless Chromium at 1400 px wide into DEMO_OUT/screenshots/: what an
# investigator sees above the fold (index.png, case-R0001.png, 1400 x 1000) and
# the first 3 000 px of the case page (case-R0001-long.png), after running the demo
# afresh. Needs Debian's chromium (installed as root when
# missing). Exit 0, or 1 when Chromium is missing or writes nothing.
set -eu
build=$1
out=$2
results=$out/results/current
sh datasets/demo.sh "$build" "$out" >/dev/null 2>&1 || { echo "screenshots: the demo failed (make demo shows why)" >&2; exit 1; }
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    chrome=$(command -v chromium || true)
fi
[ -n "$chrome" ] || { echo "screenshots: chromium not installed (apt-get install chromium)" >&2; exit 1; }
shots=$out/screenshots
mkdir -p "$shots"
profile=$(mktemp -d "${TMPDIR:-/tmp}/ringscan-shots.XXXXXX")
trap 'rm -rf "$profile"' EXIT INT TERM
shot() { # SIZE PAGE PNG
    timeout 120 "$chrome" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$profile" --window-size="$1" --screenshot="$3" \
        "file://$(cd "$(dirname "$2")" && pwd)/$(basename "$2")" >/dev/null 2>&1 || true
    [ -s "$3" ] || { echo "screenshots: nothing written for $2" >&2; exit 1; }
    echo "screenshots: wrote $3"
}
shot 1400,1000 "$results/index.html" "$shots/index.png"
case_page=$(ls "$results"/evidence/*/data/report.html | head -n 1)
shot 1400,1000 "$case_page" "$shots/case-R0001.png"
shot 1400,3000 "$case_page" "$shots/case-R0001-long.png"
