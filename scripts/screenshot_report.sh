#!/bin/sh
# Screenshot a report's index.html in headless Chromium (Debian's `chromium` package), to check
# that the page reads well in a real browser (issue 4). No network: the page has no external
# asset, and Chromium's own background traffic is switched off.
#
#   scripts/screenshot_report.sh [reports/latest/index.html] [out.png] [WIDTHxHEIGHT]
#
# Install Chromium first on Debian/Ubuntu: apt-get update && apt-get install -y chromium
set -eu
page=${1:-reports/latest/index.html}
out=${2:-/tmp/report.png}
size=${3:-1400,2000}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium not found; install it with: apt-get install -y chromium" >&2
    exit 2
fi
if [ ! -f "$page" ]; then
    echo "no report page at $page; run: sesspec report" >&2
    exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --screenshot="$out" --window-size="$size" \
    "file://$abs" >/dev/null 2>&1
echo "$out"
