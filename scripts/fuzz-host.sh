#!/usr/bin/env bash
# Host fuzzing of the parsers of outside input (`make fuzz-host`, docs/testing.md).
#
#   scripts/fuzz-host.sh [TARGET...]      every target of fuzz/fuzz_targets/ when none is named
#
# Each target runs FUZZ_SECONDS (default 600) under libFuzzer, one after the other, starting
# from its committed corpus (fuzz/corpus/TARGET) and every input a fuzzer ever found
# (fuzz/regressions/TARGET). New inputs go to fuzz/target/corpus/TARGET, never to the
# committed corpus; fold the useful ones in with
#   (cd fuzz && cargo fuzz run TARGET corpus/TARGET target/corpus/TARGET -- -merge=1)
# A crash stops the run with libFuzzer's report; the input is kept under fuzz/artifacts/TARGET/.
# Installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

if [ $# -eq 0 ]; then
  set -- $(ls fuzz_targets | sed -n 's/\.rs$//p')
fi
cargo fuzz build 2>&1 | grep -v '^ *Compiling' || true
for target in "$@"; do
  mkdir -p "target/corpus/$target" "regressions/$target"
  echo "== fuzz-host: $target for $seconds s"
  cargo fuzz run "$target" "target/corpus/$target" "corpus/$target" "regressions/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 2>&1 |
    grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' || { echo "== fuzz-host: $target FAILED"; exit 1; }
  echo "== fuzz-host: $target passed"
done
