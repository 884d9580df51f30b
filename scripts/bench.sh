#!/usr/bin/env bash
# `make bench`: every figure of Lunaix-rs in one run, each beside its floor and Linux's.
#
#   scripts/bench.sh [name...]      (names of /bin/bench's benchmarks; default: all of them)
#
# 1. Boots /bin/bench and keeps its BENCH lines.
# 2. Times boots from the host: boot_to_first_line (starting QEMU to the kernel's banner) and
#    boot_to_init (to the first line of the first program, /bin/hello), each the median of 5.
# 3. Floors, when the floor kernel is there (scripts/floor/build.sh -> build/floor.elf): boots
#    it for floor_syscall and floor_yield, and times its first serial line the same way
#    (boot_floor_first_line), with the same QEMU, flags and firmware.
# 4. Prints every BENCH line with, where they apply, `floor_ns=` and `floor_ratio=` (the floor
#    kernel's figure and ours over it), `linux_ns=` and `linux_ratio=` (Linux i386's figure
#    from build/bench-linux.txt, written by `make bench-linux`, and ours over it), and for a
#    *_loaded benchmark `idle_ratio=` (over the same benchmark with no sleepers); then a table.
# Ratios compare the median blocks (`median_ns`) where both lines have one, else `ns_per_op`.
# Line format and what each benchmark measures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh
QEMU=${QEMU:-qemu-system-i386}
FLAGS=("${QEMU_COMMON_FLAGS[@]}" -m 256M -kernel build/kernel.elf -initrd build/initrd.cpio)
LINUX_FIGURES=${LINUX_FIGURES:-build/bench-linux.txt}

lines=$(mktemp)
out=$(mktemp)
trap 'rm -f "$lines" "$out"' EXIT

echo "bench: running /bin/bench${*:+ $*} (takes about half a minute)" >&2
status=0
timeout 600 "$QEMU" "${FLAGS[@]}" -append "init=/bin/bench${*:+ -- $*}" >"$out" || status=$?
tr -d '\r' <"$out" | grep '^bench: ' >&2 || true
# QEMU's exit status 1 means pid 1 exited with 0 (docs/boot.md).
[ "$status" = 1 ] || { tr -d '\r' <"$out" >&2; echo "bench: /bin/bench failed (QEMU status $status)" >&2; exit 1; }
tr -d '\r' <"$out" | grep '^BENCH' >"$lines"

boot_line boot_to_first_line "$(time_to_line "Lunaix-rs" 5 "$QEMU" "${FLAGS[@]}" -append "init=/bin/hello")" >>"$lines"
boot_line boot_to_init "$(time_to_line "hello, world" 5 "$QEMU" "${FLAGS[@]}" -append "init=/bin/hello")" >>"$lines"

floors=/dev/null
if [ -x scripts/floor/build.sh ]; then
    floors=$(mktemp)
    trap 'rm -f "$lines" "$out" "$floors"' EXIT
    scripts/floor/build.sh >&2
    floor_flags=("${QEMU_COMMON_FLAGS[@]}" -m 256M -kernel build/floor.elf)
    timeout 120 "$QEMU" "${floor_flags[@]}" </dev/null 2>&1 | tr -d '\r' | grep '^BENCH' >"$floors" || true
    # Its first serial line, whatever it says.
    boot_line boot_floor_first_line "$(time_to_line "" 5 "$QEMU" "${floor_flags[@]}")" >>"$floors"
    [ -s "$floors" ] || echo "bench: the floor kernel printed no BENCH line" >&2
else
    echo "bench: no floor kernel (scripts/floor/build.sh): floors left out" >&2
fi
[ -f "$LINUX_FIGURES" ] || { echo "bench: no $LINUX_FIGURES (make bench-linux): Linux's figures left out" >&2; LINUX_FIGURES=/dev/null; }

# Annotates our lines ("ours") with the floors' ("floor") and Linux's ("linux"), then prints
# the table.
awk -v floors="$floors" -v linux="$LINUX_FIGURES" '
function figure(line,   m) {
    if (match(line, / median_ns=[0-9]+/)) return substr(line, RSTART + 11, RLENGTH - 11) + 0
    if (match(line, / ns_per_op=[0-9]+/)) return substr(line, RSTART + 11, RLENGTH - 11) + 0
    return -1
}
function name_of(line) {
    match(line, /name=[^ ]+/)
    return substr(line, RSTART + 5, RLENGTH - 5)
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
function human(ns) {
    if (ns < 0) return "-"
    if (ns >= 1000000) return sprintf("%.1f ms", ns / 1000000)
    if (ns >= 10000) return sprintf("%.1f us", ns / 1000)
    if (ns >= 1000) return sprintf("%.2f us", ns / 1000)
    return ns " ns"
}
BEGIN {
    floor_of["getpid"] = "floor_syscall"
    floor_of["getpid_loaded"] = "floor_syscall"
    floor_of["yield_pingpong"] = "floor_yield"
    floor_of["yield_pingpong_loaded"] = "floor_yield"
    floor_of["boot_to_first_line"] = "boot_floor_first_line"
    floor_of["boot_to_init"] = "boot_floor_first_line"
    while ((getline l < floors) > 0) if (l ~ /^BENCH /) { fl[name_of(l)] = figure(l); print l }
    while ((getline l < linux) > 0) if (l ~ /^BENCH /) lx[name_of(l)] = figure(l)
}
/^BENCH / {
    n = name_of($0); v = figure($0); line = $0
    ours[n] = v; order[++count] = n
    f = (n in floor_of && floor_of[n] in fl) ? fl[floor_of[n]] : -1
    if (f > 0) line = line sprintf(" floor_ns=%.0f floor_ratio=%s", f, ratio(v, f))
    l = (n in lx) ? lx[n] : -1
    if (l > 0) line = line sprintf(" linux_ns=%.0f linux_ratio=%s", l, ratio(v, l))
    idle = n; sub(/_loaded$/, "", idle)
    if (idle != n && (idle in ours)) line = line " idle_ratio=" ratio(v, ours[idle])
    print line
    floor_v[n] = f; linux_v[n] = l
}
END {
    printf "\n%-24s %11s %11s %7s %11s %7s\n", "benchmark", "Lunaix-rs", "floor", "x floor", "Linux i386", "x Linux"
    for (i = 1; i <= count; i++) {
        n = order[i]
        printf "%-24s %11s %11s %7s %11s %7s\n", n, human(ours[n]), human(floor_v[n]), \
            ratio(ours[n], floor_v[n]), human(linux_v[n]), ratio(ours[n], linux_v[n])
    }
    print "(the median block of each benchmark; boot times the median of 5 boots)"
}' "$lines"
