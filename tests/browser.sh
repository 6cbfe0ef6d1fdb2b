#!/usr/bin/env bash
# The report in a real browser: renders the report of the real samples in English and in Thai
# with headless Chromium, checks that the page loads and paints (a screenshot is written, with
# no error in the browser's log) and that the rendered page has every section, chart and table.
# Skipped (exit 0) when Chromium is not installed. Usage: tests/browser.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "browser check skipped: Chromium is not installed"
    exit 0
fi
shared=${REDFLAGS_SHARED:-../shared}
if [ ! -d "$shared/data/real" ] && [ -z "${REDFLAGS_REQUIRE_SHARED:-}" ]; then
    echo "browser check skipped: the shared samples are not at $shared/data/real"
    exit 0
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cargo build --quiet
redflags="${CARGO_TARGET_DIR:-target}/debug/redflags"
for lang in en th; do
    page="$out/report-$lang.html"
    "$redflags" -q report "$shared/data/real" --out "$page" --lang "$lang"
    log="$out/chromium-$lang.log"
    flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr
        --user-data-dir="$out/profile-$lang")
    "$browser" "${flags[@]}" --window-size=1280,2000 --screenshot="$out/report-$lang.png" \
        "file://$page" 2> "$log"
    size=$(stat -c %s "$out/report-$lang.png")
    if [ "$size" -lt 20000 ]; then
        echo "report-$lang.png is only $size bytes: the page did not render" >&2
        exit 1
    fi
    "$browser" "${flags[@]}" --dump-dom "file://$page" > "$out/dom-$lang.html" 2>> "$log"
    for id in overview charts top-score top-value details organizations methodology; do
        grep -q "id=\"$id\"" "$out/dom-$lang.html" || { echo "$lang: section $id missing" >&2; exit 1; }
    done
    charts=$(grep -o '<svg ' "$out/dom-$lang.html" | wc -l)
    if [ "$charts" -lt 5 ]; then
        echo "$lang: $charts charts rendered, 5 expected" >&2
        exit 1
    fi
    tables=$(grep -o '<table' "$out/dom-$lang.html" | wc -l)
    if grep -E 'Uncaught|CONSOLE.*(ERROR|Error)' "$log"; then
        echo "$lang: errors in the browser's log ($log)" >&2
        exit 1
    fi
    echo "report ($lang): rendered with $charts charts and $tables tables; screenshot $out/report-$lang.png"
done
