#!/usr/bin/env bash
# Boots the kernel with /bin/soak as pid 1 at -m 64M for SOAK_MINUTES minutes (default 30) of
# mixed load (fork storms, signals, pipes, files, memory pressure, sysfuzz in the background),
# under a timeout. The guest checks frames and processes against their baseline every minute
# and prints one line per minute; this script fails unless the guest printed "soak: PASS",
# pid 1 exited 0 and no line mentions a kernel panic. The whole serial log is kept in
# build/soak.log.
#
#   make soak                       30 minutes
#   SOAK_MINUTES=1 make soak        a quick check
#   SOAK_SEED=0x1234 make soak      the seed the fuzzer and the loads start from
set -u
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo" || exit 1

minutes="${SOAK_MINUTES:-30}"
memory="${SOAK_MEMORY:-64M}"
log="build/soak.log"
args="$minutes${SOAK_SEED:+ $SOAK_SEED}"
# Each minute is 60 s of guest time; allow for a slow host.
limit=$(( minutes * 60 * 2 + 120 ))

# shellcheck source=scripts/guest-check.sh
. scripts/guest-check.sh
echo "soak: $minutes minute(s) at -m $memory (timeout ${limit} s), log in $log"
guest_check soak "soak: PASS" "$memory" "$limit" "$log" /bin/soak "$args" \
    '^(soak|FAIL|sysfuzz: worker .* killed|fault: .*out of memory)|panic' || exit 1
echo "soak: passed ($minutes minute(s))"
