#!/usr/bin/env bash
# Boots the kernel with /bin/sysfuzz as pid 1: FUZZ_CALLS system calls (default 1 000 000) in
# FUZZ_PROCS processes (default 4) from FUZZ_SEED (default: the clock; the first line prints
# it), under a timeout. Passes when sysfuzz printed "sysfuzz: PASS" (no mismatch, free memory
# and processes back at their baseline), pid 1 exited 0 and no line mentions a panic. The
# serial log is kept in build/fuzz.log.
#
#   make fuzz                                   a million calls
#   FUZZ_SEED=0x2 FUZZ_CALLS=50000 make fuzz    repeat a seed, shorter
set -u
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo" || exit 1

calls="${FUZZ_CALLS:-1000000}"
procs="${FUZZ_PROCS:-4}"
memory="${FUZZ_MEMORY:-128M}"
qemu="${QEMU:-qemu-system-i386}"
log="build/fuzz.log"
args="--calls $calls --procs $procs${FUZZ_SEED:+ --seed $FUZZ_SEED}"
limit=$(( 300 + calls / 1000 ))

flags=$(sed -e 's/#.*//' scripts/qemu-flags | tr '\n' ' ')
echo "fuzz: sysfuzz $args at -m $memory (timeout ${limit} s), log in $log"
start=$(date +%s)
timeout "$limit" "$qemu" $flags -m "$memory" -kernel build/kernel.elf -initrd build/initrd.cpio \
    -append "init=/bin/sysfuzz -- $args" 2>&1 | tee "$log" | grep --line-buffered -E '^(sysfuzz: (seed|worker|free|PASS|FAILED|[0-9])|FAIL)|panic'
status=${PIPESTATUS[0]}
echo "fuzz: $(( $(date +%s) - start )) s wall clock"

problems=()
(( status == 124 )) && problems+=("QEMU did not end within ${limit} s (hung?)")
grep -qi 'panic' "$log" && problems+=("a line mentions a panic")
grep -q '^sysfuzz: PASS' "$log" || problems+=("no 'sysfuzz: PASS' line")
grep -q '^init exited with status 0' "$log" || problems+=("pid 1 did not exit 0")
if (( ${#problems[@]} > 0 )); then
    printf 'fuzz: FAILED: %s\n' "${problems[@]}"
    exit 1
fi
echo "fuzz: passed"
