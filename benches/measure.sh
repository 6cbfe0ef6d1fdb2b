#!/usr/bin/env bash
# Whole-command figures that criterion cannot give: wall time, throughput and peak resident
# memory of `redflags score` (every indicator, all outputs) on generated data, by size and by
# number of threads. Uses the release binary; needs GNU time (/usr/bin/time).
#
#   benches/measure.sh [SIZES...]        default: 100000 1000000
#
# Prints a Markdown table. Generated files are kept in $REDFLAGS_BENCH_DIR (default
# target/bench-data) so that repeated runs do not regenerate them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/redflags"
data="${REDFLAGS_BENCH_DIR:-${CARGO_TARGET_DIR:-target}/bench-data}"
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

echo "| processes | MB | threads | seconds | processes/s | MB/s | peak memory (MB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    input="$data/$n.jsonl"
    [ -s "$input" ] || "$bin" -q generate --processes "$n" --seed 7 --out "$input"
    mb=$(($(stat -L -c %s "$input") / 1000000))
    for threads in 1 2; do
        out="$data/out-$n-$threads"
        log="$data/time-$n-$threads.txt"
        /usr/bin/time -v "$bin" -q --threads "$threads" score "$input" --out "$out" 2> "$log"
        seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$log")
        peak=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$log")
        awk -v n="$n" -v mb="$mb" -v th="$threads" -v s="$seconds" -v p="$peak" \
            'BEGIN {printf "| %d | %d | %d | %.2f | %.0f | %.0f | %d |\n", n, mb, th, s, n / s, mb / s, p}'
    done
done
