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
# `*_ratio=` compares the median blocks (`median_ns`), `*_min_ratio=` the fastest (`min_ns`),
# each `ns_per_op` for a line without them. Host noise only ever adds time, so on a busy host
# the fastest blocks are the steadier comparison.
# Line format and what each benchmark measures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh
QEMU=${QEMU:-qemu-system-i386}
FLAGS=("${QEMU_COMMON_FLAGS[@]}" -m 256M -kernel build/kernel.elf -initrd build/initrd.cpio)
LINUX_FIGURES=${LINUX_FIGURES:-build/bench-linux.txt}

load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
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
host="host load average $load_before before, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?") after, on $(nproc) cores"
awk -v floors="$floors" -v linux="$LINUX_FIGURES" -v host="$host" '
function field(line, key,   re) {
    re = " " key "=[0-9]+"
    if (match(line, re)) return substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2) + 0
    return -1
}
# The figure a ratio compares: the median block, or the fastest (`min_ns`, which the floor
# kernel calls `fastest_ns`); ns_per_op for a line without.
function figure(line, key,   v) {
    v = field(line, key)
    if (v < 0 && key == "min_ns") v = field(line, "fastest_ns")
    return v >= 0 ? v : field(line, "ns_per_op")
}
function name_of(line) {
    match(line, /name=[^ ]+/)
    return substr(line, RSTART + 5, RLENGTH - 5)
}
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "-" }
function human(ns) {
    if (ns <= 0) return "-"
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
    while ((getline l < floors) > 0) if (l ~ /^BENCH /) {
        n = name_of(l); fl[n] = figure(l, "median_ns"); flmin[n] = figure(l, "min_ns"); print l
    }
    while ((getline l < linux) > 0) if (l ~ /^BENCH /) {
        n = name_of(l); lx[n] = figure(l, "median_ns"); lxmin[n] = figure(l, "min_ns")
    }
}
/^BENCH / {
    n = name_of($0); line = $0
    v = figure($0, "median_ns"); vmin = figure($0, "min_ns")
    ours[n] = v; oursmin[n] = vmin; order[++count] = n
    f = fmin = -1
    if ((n in floor_of) && (floor_of[n] in fl)) { f = fl[floor_of[n]]; fmin = flmin[floor_of[n]] }
    if (f > 0) line = line sprintf(" floor_ns=%.0f floor_ratio=%s floor_min_ratio=%s", f, ratio(v, f), ratio(vmin, fmin))
    l = lmin = -1
    if (n in lx) { l = lx[n]; lmin = lxmin[n] }
    if (l > 0) line = line sprintf(" linux_ns=%.0f linux_ratio=%s linux_min_ratio=%s", l, ratio(v, l), ratio(vmin, lmin))
    idle = n; sub(/_loaded$/, "", idle)
    if (idle != n && (idle in ours)) line = line " idle_ratio=" ratio(v, ours[idle]) " idle_min_ratio=" ratio(vmin, oursmin[idle])
    print line
    floor_v[n] = f; floor_min[n] = fmin; linux_v[n] = l; linux_min[n] = lmin
}
END {
    fmt = "%-22s %10s %10s | %10s %6s %6s | %10s %10s %6s %6s\n"
    printf "\n" fmt, "", "Lunaix-rs", "", "floor", "", "", "Linux i386", "", "", ""
    printf fmt, "benchmark", "median", "fastest", "median", "x", "x min", "median", "fastest", "x", "x min"
    for (i = 1; i <= count; i++) {
        n = order[i]
        printf fmt, n, human(ours[n]), human(oursmin[n]), human(floor_v[n]), ratio(ours[n], floor_v[n]), \
            ratio(oursmin[n], floor_min[n]), human(linux_v[n]), human(linux_min[n]), ratio(ours[n], linux_v[n]), \
            ratio(oursmin[n], linux_min[n])
    }
    print "median: the median block (boot times: the median of 5 boots); fastest: the fastest block;"
    print "x: Lunaix-rs over the floor or Linux, medians; x min: the same for the fastest blocks"
    print host " (a load above the number of cores: other work slowed these figures)"
}' "$lines"
