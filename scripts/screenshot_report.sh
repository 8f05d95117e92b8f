#!/bin/sh
# Screenshot a report's index.html in headless Chromium (Debian's `chromium` package), to check
# that the page reads well in a real browser. No network: the page has no external asset, and
# Chromium's own background traffic is switched off.
#
#   scripts/screenshot_report.sh [reports/latest/index.html] [out.png] [WIDTH,HEIGHT] [#fragment]
#
# A fragment (#cell-boto3--send-email-ascii) opens that cell, as a deep link does: the page's
# script opens it in a dialog over the top of the page. The capture waits for the page's script
# (--virtual-time-budget); headless Chromium captures the top of a page whatever it scrolled
# to, which is why a deep link that only scrolled rendered blank here.
#
# The README's pictures: scripts/screenshot_report.sh reports/latest/index.html
# docs/report-1400.png 1400,1000 (and docs/report-cell.png 1400,900 with a cell's fragment).
#
# Install Chromium first on Debian/Ubuntu: apt-get update && apt-get install -y chromium
set -eu
page=${1:-reports/latest/index.html}
out=${2:-/tmp/report.png}
size=${3:-1400,2000}
fragment=${4:-}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium not found; install it with: apt-get install -y chromium" >&2
    exit 2
fi
if [ ! -f "$page" ]; then
    echo "no report page at $page; run: sesspec report" >&2
    exit 2
fi
case "$fragment" in
"" | "#"*) ;;
*) fragment="#$fragment" ;;
esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --virtual-time-budget=5000 \
    --user-data-dir="$profile" --screenshot="$out" --window-size="$size" \
    "file://$abs$fragment" >/dev/null 2>&1
echo "$out"
