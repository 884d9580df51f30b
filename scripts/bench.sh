#!/usr/bin/env bash
# `make bench`: boots /bin/bench and prints its BENCH lines, then measures
# from the host: boot_to_first_line (starting QEMU to the kernel's banner) and
# boot_to_init (starting QEMU to the first line printed by the first
# program), each the median of 5 boots of /bin/hello.
# Line format, what each benchmark measures and the peers' figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
QEMU=${QEMU:-qemu-system-i386}
# The flags every boot shares with the Makefile and the test harness: scripts/qemu-flags, one
# option a line, comments after '#'.
FLAGS=()
while IFS= read -r line; do
    read -ra words <<<"${line%%#*}"
    FLAGS+=("${words[@]}")
done <scripts/qemu-flags
FLAGS+=(-m 256M -kernel build/kernel.elf -initrd build/initrd.cpio)

echo "bench: running /bin/bench (takes about ten seconds)" >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
timeout 300 "$QEMU" "${FLAGS[@]}" -append "init=/bin/bench" >"$out" || status=$?
# QEMU's exit status 1 means pid 1 exited with 0 (docs/boot.md).
[ "$status" = 1 ] || { tr -d '\r' <"$out" >&2; echo "bench: /bin/bench failed (QEMU status $status)" >&2; exit 1; }
tr -d '\r' <"$out" | grep '^BENCH'

# Host time from starting QEMU to the line that contains $1, median of 5 boots
# with kernel options $2.
time_to_line() {
    local needle=$1 options=$2 samples=() start first line
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        first=""
        while IFS= read -r line; do
            if [ -z "$first" ] && [[ $line == *"$needle"* ]]; then
                first=$(date +%s%N)
            fi
        done < <(timeout 30 "$QEMU" "${FLAGS[@]}" -append "$options")
        [ -n "$first" ] || { echo "bench: no line containing '$needle'" >&2; exit 1; }
        samples+=($(( (first - start) / 1000 )))
    done
    printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}

first_line=$(time_to_line "Lunaix-rs" "init=/bin/hello")
echo "BENCH name=boot_to_first_line ops=1 ns_per_op=$((first_line * 1000)) ms=$((first_line / 1000)).$(printf '%03d' $((first_line % 1000)))"

to_init=$(time_to_line "hello, world" "init=/bin/hello")
echo "BENCH name=boot_to_init ops=1 ns_per_op=$((to_init * 1000)) ms=$((to_init / 1000)).$(printf '%03d' $((to_init % 1000)))"
