#!/usr/bin/env bash
# Runs every test of the host workspace: the host unit tests of all host crates and the QEMU
# integration tests (which expect `make` to have built build/kernel.elf and build/initrd.cpio).
#
#   tests/run-all.sh [test-binary args...]     e.g.  tests/run-all.sh fork_   (a name filter)
#
# Output streams as cargo prints it. The last line is exactly "N passed, M failed", summed
# over every "test result:" line. Exits non-zero if a test failed, if cargo itself failed
# (a compile error, or a test binary that crashed without a result line: each counts as a
# failure), or if no test ran at all.
set -u
set -o pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo" || exit 1

log="$(mktemp "${TMPDIR:-/tmp}/lunaix-tests.XXXXXX")"
trap 'rm -f "$log"' EXIT

# Two cores: each QEMU uses one.
cargo test --workspace --no-fail-fast -- --test-threads=2 "$@" 2>&1 | tee "$log"
cargo_status=${PIPESTATUS[0]}

# "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; ..."
read -r passed failed failed_results < <(
    awk '
        /^test result: / {
            for (i = 1; i <= NF; i++) {
                if ($(i) ~ /^passed;?$/) p += $(i - 1)
                if ($(i) ~ /^failed;?$/) f += $(i - 1)
            }
            if ($3 == "FAILED.") fr++
        }
        END { printf "%d %d %d\n", p, f, fr }
    ' "$log"
)

status=0
notes=()

# cargo names each test target that did not succeed ("error: test failed, to rerun pass ...");
# one that printed no FAILED result line crashed or never ran: count it as a failure.
failed_targets=$(grep -c '^error: test failed, to rerun pass' "$log")
if (( failed_targets > failed_results )); then
    extra=$((failed_targets - failed_results))
    failed=$((failed + extra))
    notes+=("$extra test target(s) ended without a result line (crashed or aborted)")
fi

if grep -q '^error: could not compile' "$log"; then
    failed=$((failed + 1))
    notes+=("cargo could not compile the tests (counted as one failure)")
elif (( cargo_status != 0 && failed == 0 )); then
    failed=$((failed + 1))
    notes+=("cargo test failed with status $cargo_status although no test failed (counted as one failure)")
fi

if (( passed + failed == 0 )); then
    notes+=("no test ran")
    status=1
fi
if (( failed > 0 || cargo_status != 0 )); then
    status=1
fi

echo
for note in "${notes[@]+"${notes[@]}"}"; do
    echo "run-all: $note"
done
echo "$passed passed, $failed failed"
exit "$status"
