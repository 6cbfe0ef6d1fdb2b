#!/usr/bin/env bash
# Whole-command figures that criterion cannot give: wall time, throughput and peak resident
# memory of `redflags score` (every indicator, all outputs) on generated data, by size and by
# number of threads. Uses the release binary; needs GNU time (/usr/bin/time).
#
#   benches/measure.sh [SIZES...]        default: 100000 1000000
#   benches/measure.sh --ratio [ROUNDS]  default: 3
#   benches/measure.sh --pgo ...         the same, of the build of scripts/pgo-build.sh
#   benches/measure.sh --pgo-with-polars ...    of scripts/pgo-build.sh --with-polars
#
# Prints a Markdown table. Generated files are kept in $REDFLAGS_BENCH_DIR (default
# target/bench-data) so that repeated runs do not regenerate them.
#
# --ratio: the targets "1,000,000 within 11 times 100,000" and "100,000 at 100 MB/s", in rounds
# of three runs of 100,000 and one of 1,000,000 (2 threads): each round's 1,000,000 time against
# the median of its three 100,000 runs, that median's MB/s, and the median ratio of the rounds.
# The machine's load moves both sizes, and not by the same factor, so a ratio is only read
# within its round.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    --pgo | --pgo-with-polars)
        # (`--pgo-with-polars` is `--pgo` with the script's `--with-polars`.)
        options=()
        [ "$1" = --pgo ] || options=(--with-polars)
        shift
        bin=$(scripts/pgo-build.sh "${options[@]}")
        ;;
    *)
        cargo build --release --locked --quiet
        bin="${CARGO_TARGET_DIR:-target}/release/redflags"
        ;;
esac
data="${REDFLAGS_BENCH_DIR:-${CARGO_TARGET_DIR:-target}/bench-data}"
mkdir -p "$data"

# Reads a file once, so that the timed run after it reads the file from memory. On this
# project's machines the kernel pages out file pages left idle for a while: reading the
# 1,000,000 file back took 2.23 s of the system's time, against 0.66 s for a second reading
# straight after (375,253 pages read again, counted by /proc/vmstat's
# workingset_refault_file), and 0.69 against 0.09 s for the 100,000 file. A run then measures
# how long ago the file was last read, not redflags.
warm() {
    cat "$1" > /dev/null
}

# The path of the generated file of $1 processes, generated first if it is not there yet.
generated() {
    local input="$data/$1.jsonl"
    [ -s "$input" ] || "$bin" -q generate --processes "$1" --seed 7 --out "$input"
    echo "$input"
}

# One timed run of `score` on the generated file of $1 processes: prints its seconds.
timed() {
    local input log="$data/time-$1.txt"
    input=$(generated "$1")
    rm -rf "$data/out-$1"
    warm "$input"
    /usr/bin/time -f "%e %M" "$bin" -q score "$input" --out "$data/out-$1" 2> "$log"
    tail -1 "$log" | cut -d' ' -f1
}

if [ "${1:-}" = "--ratio" ]; then
    rounds="${2:-3}"
    echo "| round | 100,000 (s) | median | MB/s at the median | 1,000,000 (s) | ratio |"
    echo "|---:|---|---:|---:|---:|---:|"
    ratios=()
    bytes=$(stat -L -c %s "$(generated 100000)")
    for round in $(seq "$rounds"); do
        small=("$(timed 100000)" "$(timed 100000)" "$(timed 100000)")
        large=$(timed 1000000)
        median=$(printf '%s\n' "${small[@]}" | sort -n | sed -n 2p)
        ratio=$(awk -v a="$large" -v b="$median" 'BEGIN {printf "%.2f", a / b}')
        ratios+=("$ratio")
        rate=$(awk -v b="$bytes" -v s="$median" 'BEGIN {printf "%.1f", b / 1e6 / s}')
        echo "| $round | ${small[*]} | $median | $rate | $large | $ratio |"
    done
    printf 'median ratio: %s\n' "$(printf '%s\n' "${ratios[@]}" | sort -n |
        awk '{r[NR] = $1} END {print (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2}')"
    exit 0
fi

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

echo "| processes | MB | threads | seconds | processes/s | MB/s | peak memory (MB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    input=$(generated "$n")
    mb=$(($(stat -L -c %s "$input") / 1000000))
    for threads in 1 2; do
        out="$data/out-$n-$threads"
        log="$data/time-$n-$threads.txt"
        warm "$input"
        /usr/bin/time -v "$bin" -q --threads "$threads" score "$input" --out "$out" 2> "$log"
        seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$log")
        peak=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$log")
        awk -v n="$n" -v mb="$mb" -v th="$threads" -v s="$seconds" -v p="$peak" \
            'BEGIN {printf "| %d | %d | %d | %.2f | %.0f | %.0f | %d |\n", n, mb, th, s, n / s, mb / s, p}'
    done
done
