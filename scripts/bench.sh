#!/usr/bin/env bash
# `make bench`: boots /bin/bench and prints its BENCH lines, then measures
# boot_to_init from the host: the time from starting QEMU to the first line
# printed by the first program (median of 5 boots of /bin/hello).
# Line format: see ../shared/peer-figures.md ("BENCH name=... ops=... ns_per_op=...").
set -euo pipefail
cd "$(dirname "$0")/.."
QEMU=${QEMU:-qemu-system-i386}
FLAGS=(-accel tcg -smp 1 -m 256M -display none -monitor none -serial stdio -no-reboot
       -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel build/kernel.elf -initrd build/initrd.cpio)

echo "bench: running /bin/bench (takes about a minute)" >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
timeout 300 "$QEMU" "${FLAGS[@]}" -append "init=/bin/bench" >"$out" || status=$?
# QEMU's exit status 1 means pid 1 exited with 0 (docs/boot.md).
[ "$status" = 1 ] || { tr -d '\r' <"$out" >&2; echo "bench: /bin/bench failed (QEMU status $status)" >&2; exit 1; }
tr -d '\r' <"$out" | grep '^BENCH'

samples=()
for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    first=""
    while IFS= read -r line; do
        if [ -z "$first" ] && [[ $line == *"hello, world"* ]]; then
            first=$(date +%s%N)
        fi
    done < <(timeout 30 "$QEMU" "${FLAGS[@]}" -append "init=/bin/hello")
    [ -n "$first" ] || { echo "bench: /bin/hello printed nothing" >&2; exit 1; }
    samples+=($(( (first - start) / 1000 )))
done
median=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p)
echo "BENCH name=boot_to_init ops=1 ns_per_op=$((median * 1000)) ms=$((median / 1000)).$(printf '%03d' $((median % 1000))) samples_us=$(IFS=,; echo "${samples[*]}")"
