#!/usr/bin/env bash
# Builds redflags for large runs with profile-guided optimization (PGO): the release build
# with its own crate instrumented, a training run of that build on data of every kind the
# generator makes and on the bundled example, then the release build again, its own crate
# optimized with what the training recorded. At 100,000 generated processes it writes the same
# outputs as the plain release build about 6% faster, and about 10% faster with --with-polars
# (benches/README.md).
#
#   scripts/pgo-build.sh                 the binary: target/pgo/release/redflags
#   scripts/pgo-build.sh --with-polars   Polars' crates too (they are built twice more)
#
# Needs llvm-profdata of the LLVM that rustc is built on (the major version `rustc -vV`
# prints): rustup's llvm-tools component, or the distribution's (Debian: `apt-get install
# llvm-22` for rustc 1.95). $LLVM_PROFDATA names it if it is elsewhere.
#
# By default only this crate is instrumented and optimized with the profile: its own code and
# the code of serde and serde_json made for its types (the parsing, most of the reading). The
# other dependencies are built as in any release build, once, in target/pgo
# ($CARGO_TARGET_DIR/pgo). With --with-polars, Polars' crates (the indicators' and the
# outputs' work) are too.
set -euo pipefail

# Called by cargo as the compiler's wrapper (see below): the profile's flags go to the
# compilations of the crates chosen only, so that no other dependency is built again.
if [ "${REDFLAGS_PGO_WRAPPER:-}" = 1 ]; then
    rustc="$1"
    shift
    extra=()
    previous=""
    for argument in "$@"; do
        # (A crate's name as rustc is given it: `polars_core` for polars-core.)
        if [ "$previous" = "--crate-name" ] && [[ "$argument" =~ $REDFLAGS_PGO_CRATES ]]; then
            read -r -a extra <<< "$REDFLAGS_PGO_FLAGS"
        fi
        previous="$argument"
    done
    exec "$rustc" "$@" "${extra[@]}"
fi

cd "$(dirname "$0")/.."
root=$(pwd)
crates='^redflags$'
packages=(-p redflags)
case "${1:-}" in
    "") ;;
    --with-polars)
        crates='^(redflags|polars(_.*)?)$'
        # Cleaned before each build, so that cargo builds them again with the profile's flags.
        while read -r package; do
            packages+=(-p "$package")
        done < <(sed -n 's/^name = "\(polars[a-z-]*\)"$/\1/p' Cargo.lock)
        ;;
    *)
        echo "usage: scripts/pgo-build.sh [--with-polars]" >&2
        exit 2
        ;;
esac
target="${CARGO_TARGET_DIR:-$root/target}/pgo"
mkdir -p "$target"
target=$(cd "$target" && pwd)

version=$(rustc -vV)
major=$(sed -n 's/^LLVM version: \([0-9]*\).*/\1/p' <<< "$version")
host=$(sed -n 's/^host: //p' <<< "$version")
profdata=""
for candidate in "${LLVM_PROFDATA:-}" \
    "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata" \
    "llvm-profdata-$major" "/usr/lib/llvm-$major/bin/llvm-profdata" llvm-profdata; do
    if [ -n "$candidate" ] && command -v "$candidate" > /dev/null &&
        "$candidate" --version | grep -q "LLVM version $major\."; then
        profdata="$candidate"
        break
    fi
done
if [ -z "$profdata" ]; then
    echo "error: no llvm-profdata of LLVM $major (the LLVM of $(rustc -V)): install rustup's" \
        "llvm-tools component or your distribution's llvm-$major, or name it in \$LLVM_PROFDATA" >&2
    exit 1
fi

# One release build with $1 as the profile's flags for the crates chosen (the others as they
# are): cargo does not see the wrapper's flags, so those crates are cleaned first.
build() {
    cargo clean --release --quiet "${packages[@]}" --target-dir "$target"
    REDFLAGS_PGO_WRAPPER=1 REDFLAGS_PGO_FLAGS="$1" REDFLAGS_PGO_CRATES="$crates" \
        RUSTC_WRAPPER="$root/scripts/pgo-build.sh" \
        cargo build --release --locked --quiet --target-dir "$target"
}

raw="$target/profile-raw"
training="$target/training"
rm -rf "$raw" "$training"
mkdir -p "$raw" "$training"
echo "building the instrumented binary" >&2
build "-Cprofile-generate=$raw"
bin="$target/release/redflags"

echo "training it" >&2
# (Standard output is kept for the binary's path alone.)
{
    for world in baseline thai_egp direct_concentrated sparse competitive; do
        "$bin" -q generate --world "$world" --processes 15000 --seed 4242 --out "$training/$world.jsonl"
        "$bin" -q score "$training/$world.jsonl" --out "$training/out-$world"
    done
    "$bin" -q score examples/bangkok-example.jsonl --out "$training/out-example" \
        --report "$training/out-example/report.html" --xlsx "$training/out-example/report.xlsx"
    "$bin" -q cardinal "$training/baseline.jsonl" > /dev/null
} >&2
"$profdata" merge --output "$target/redflags.profdata" "$raw" >&2

echo "building the optimized binary" >&2
build "-Cprofile-use=$target/redflags.profdata"
rm -rf "$raw" "$training"
echo "$bin"
