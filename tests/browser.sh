#!/usr/bin/env bash
# The report in a real browser, with headless Chromium: the run-2 report of the two-run
# scenario (tests/scenario.rs: an analyst's verdicts carried, compared with run 1, in Thai),
# then the reports of the real samples in English and in Thai. Each page must load and paint
# (a screenshot is written, with no error in the browser's log) and the rendered page must
# have its sections, charts and tables. Skipped (exit 0) when Chromium is not installed; the
# real samples' reports are skipped when the shared samples are missing (unless
# REDFLAGS_REQUIRE_SHARED is set). Usage: tests/browser.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "browser check skipped: Chromium is not installed"
    exit 0
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# check NAME PAGE SECTION...: renders PAGE, screenshot $out/NAME.png and DOM $out/dom-NAME.html;
# fails unless it painted, has every SECTION id and no error in the browser's log.
check() {
    local name=$1 page=$2
    shift 2
    local log="$out/chromium-$name.log"
    local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr
        --user-data-dir="$out/profile-$name")
    "$browser" "${flags[@]}" --window-size=1280,2000 --screenshot="$out/$name.png" \
        "file://$page" 2> "$log"
    local size
    size=$(stat -c %s "$out/$name.png")
    if [ "$size" -lt 20000 ]; then
        echo "$name.png is only $size bytes: the page did not render" >&2
        exit 1
    fi
    "$browser" "${flags[@]}" --dump-dom "file://$page" > "$out/dom-$name.html" 2>> "$log"
    for id in "$@"; do
        grep -q "id=\"$id\"" "$out/dom-$name.html" || { echo "$name: section $id missing" >&2; exit 1; }
    done
    if grep -E 'Uncaught|CONSOLE.*(ERROR|Error)' "$log"; then
        echo "$name: errors in the browser's log ($log)" >&2
        exit 1
    fi
}

sections=(overview charts top-score top-value details organizations methodology)
cargo build --quiet
redflags="${CARGO_TARGET_DIR:-target}/debug/redflags"

# The two-run scenario, built by its test with the debug binary into $out/scenario.
rm -rf "$out/scenario"
REDFLAGS_SCENARIO_OUT="$out/scenario" cargo test --quiet --test scenario > "$out/scenario.log" 2>&1 ||
    { cat "$out/scenario.log" >&2; exit 1; }
name=scenario-run2-th
dom="$out/dom-$name.html"
check "$name" "$out/scenario/run2/report.html" changes reviews "${sections[@]}"
# What is new comes first; the reviews card and the review column are there; the evidence is
# Thai.
first=$(grep -o '<section id="[a-z-]*"' "$dom" | head -1)
if [ "$first" != '<section id="changes"' ]; then
    echo "$name: the first section is $first, not what is new" >&2
    exit 1
fi
grep -q '<h3 id="reviews">ผลการตรวจสอบของนักวิเคราะห์</h3>' "$dom" || { echo "$name: no reviews card" >&2; exit 1; }
grep -q '<th>ผลการตรวจสอบ</th>' "$dom" || { echo "$name: no review column" >&2; exit 1; }
grep -q '<td>ผลบวกลวง (ไม่ใช่ความเสี่ยงจริง): ' "$dom" || { echo "$name: no verdict shown" >&2; exit 1; }
# (the listed flags' evidence, not the catalogue pages of the methodology, which are English)
if sed -n '/<section id="details">/,/<section id="organizations">/p' "$dom" |
    grep -E "in a procedure with method|tender period of|one tenderer"; then
    echo "$name: English evidence in the Thai report" >&2
    exit 1
fi
echo "scenario run 2 (th): rendered, what is new first, reviews card and column; screenshot $out/$name.png"

shared=${REDFLAGS_SHARED:-../shared}
if [ ! -d "$shared/data/real" ] && [ -z "${REDFLAGS_REQUIRE_SHARED:-}" ]; then
    echo "real samples' reports skipped: the shared samples are not at $shared/data/real"
    exit 0
fi
for lang in en th; do
    page="$out/report-$lang.html"
    "$redflags" -q report "$shared/data/real" --out "$page" --lang "$lang"
    check "report-$lang" "$page" "${sections[@]}"
    charts=$(grep -o '<svg ' "$out/dom-report-$lang.html" | wc -l)
    if [ "$charts" -lt 5 ]; then
        echo "$lang: $charts charts rendered, 5 expected" >&2
        exit 1
    fi
    tables=$(grep -o '<table' "$out/dom-report-$lang.html" | wc -l)
    echo "report ($lang): rendered with $charts charts and $tables tables; screenshot $out/report-$lang.png"
done
