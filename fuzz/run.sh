#!/usr/bin/env bash
# Runs every fuzz target of fuzz/Cargo.toml for a bounded time: what CI runs (.ci/run).
#
#   fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
#
# Installs cargo-fuzz (pinned) when it is missing and builds on the stable toolchain without a
# sanitizer (`-s none`), with the dev profile of fuzz/Cargo.toml (`--dev`: the code under test
# optimised, the rest not, to keep the build short); nightly is used only when that build fails. Prints the executions
# and crashes per target and exits non-zero on the first crash (its input is kept under
# fuzz/artifacts/<target>/; turn it into a regression test). Each target starts from its seeds
# in fuzz/seeds/<target>/ and writes new inputs to a scratch corpus, never to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cargo_fuzz_version=0.13.2

# Every type the generated client decodes a response into must have a decoder in the target.
missing=0
for type in $(grep -oE '(ResponseValue|Error)<types::[A-Za-z0-9]+>' gong-api/src/generated.rs |
  sed -E 's/.*types::([A-Za-z0-9]+)>/\1/' | sort -u); do
  if ! grep -qw "$type" fuzz/fuzz_targets/responses.rs; then
    echo "fuzz/fuzz_targets/responses.rs does not decode gong_api::types::$type" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
  # A debug build of the tool installs faster; its speed does not matter.
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --debug
fi

cd fuzz

# libFuzzer's coverage instrumentation needs no nightly flag: with `-s none` (no sanitizer; the
# targets are safe Rust) cargo-fuzz builds on stable. Nightly is tried only if that fails.
build_flags=(-s none --dev)
toolchain=()
if ! cargo fuzz build "${build_flags[@]}"; then
  if cargo +nightly --version >/dev/null 2>&1; then
    echo "the stable build failed; trying the nightly toolchain" >&2
    toolchain=(+nightly)
    cargo +nightly fuzz build "${build_flags[@]}"
  else
    echo "cargo fuzz build failed on $(rustc --version) and no nightly toolchain is installed" >&2
    exit 1
  fi
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
summary=()
for target in $(cargo "${toolchain[@]}" fuzz list); do
  mkdir -p "$scratch/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  log="$scratch/$target.log"
  status=0
  cargo "${toolchain[@]}" fuzz run "${build_flags[@]}" "$target" "$scratch/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" != 0 ]; then
    grep -a -A4 "panicked at" "$log" >&2 || true
    tail -30 "$log" >&2
    echo "fuzz target $target: crashed after ${runs:-?} executions (exit $status); the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  summary+=("$target: ${runs:-?} executions in ${seconds} s, 0 crashes")
done
printf '%s\n' "${summary[@]}"
