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
log="build/fuzz.log"
args="--calls $calls --procs $procs${FUZZ_SEED:+ --seed $FUZZ_SEED}"
limit=$(( 300 + calls / 1000 ))

# shellcheck source=scripts/guest-check.sh
. scripts/guest-check.sh
echo "fuzz: sysfuzz $args at -m $memory (timeout ${limit} s), log in $log"
start=$(date +%s)
guest_check fuzz "sysfuzz: PASS" "$memory" "$limit" "$log" /bin/sysfuzz "$args" \
    '^(sysfuzz: (seed|worker|free|PASS|FAILED|[0-9])|FAIL)|panic'
passed=$?
echo "fuzz: $(( $(date +%s) - start )) s wall clock"
(( passed == 0 )) || exit 1
echo "fuzz: passed"
