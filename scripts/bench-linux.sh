#!/usr/bin/env bash
# `make bench-linux`: the figures of /bin/bench on Linux i386, under the same QEMU, into
# build/bench-linux.txt (which `make bench` then prints beside its own).
#
# Builds scripts/bench-linux.c (the same benchmarks in C) as a static i386 program, packs it
# as /init of a tiny initramfs, takes Debian's kernel package from the archive (the one
# linux-image-amd64 depends on; Debian's amd64 kernels run i386 programs, which then enter
# the kernel with `int 0x80` as Lunaix-rs's do with `int 0x21`), and boots it with
# qemu-system-x86_64 and the flags of every Lunaix-rs boot (scripts/qemu-flags). The kernel
# is booted uncompressed through QEMU's PVH entry (as `-kernel` boots Lunaix-rs, without a
# decompressor) when it can be unpacked, else as the bzImage.
#
#   scripts/bench-linux.sh [name...]     (default: every benchmark, then `scaling`)
#
# Linux gets 512 MiB where Lunaix-rs gets 256: a Linux task costs about 60 KiB of kernel memory
# (a 16 KiB stack, page tables, its mm), so 4000 sleepers do not fit in 256 MiB (the OOM
# killer ends some between 2000 and 4000); the benchmarks themselves use a few MiB.
#
# Knobs: KERNEL_PKG=linux-image-...  SLEEPERS=4000  BOOTS=5 (for boot_to_init)  MEMORY=512M
#        LINUX_APPEND="..." (more kernel options)   QEMU64=qemu-system-x86_64
# Downloads and builds are kept in build/linux/; a second run reuses the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C
source scripts/bench-common.sh

QEMU64=${QEMU64:-qemu-system-x86_64}
MEMORY=${MEMORY:-512M}
SLEEPERS=${SLEEPERS:-4000}
BOOTS=${BOOTS:-5}
WORK=build/linux
OUT=build/bench-linux.txt
mkdir -p "$WORK"

log() { echo "bench-linux: $*" >&2; }

# ---- tools: installed with apt when missing and we are root (as `make deps` does)
apt_updated=0
apt_install() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        log "missing: run  sudo apt-get install -y $*"
        exit 1
    fi
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq
        apt_updated=1
    fi
    log "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
missing=()
for tool in "$QEMU64":qemu-system-x86 gcc:gcc cpio:cpio xz:xz-utils dpkg-deb:dpkg; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool##*:}")
done
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
probe=$WORK/probe-m32
if ! echo 'int main(void) { return 0; }' | gcc -m32 -static -x c - -o "$probe" 2>/dev/null; then
    apt_install gcc-multilib libc6-dev-i386
fi
rm -f "$probe"

# ---- the kernel
if [ -z "${KERNEL_PKG:-}" ]; then
    KERNEL_PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }') || true
    if [ -z "$KERNEL_PKG" ] && [ "$apt_updated" = 0 ] && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        apt_updated=1
        KERNEL_PKG=$(apt-cache depends linux-image-amd64 |
            awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    fi
    [ -n "$KERNEL_PKG" ] || { log "cannot tell which kernel package linux-image-amd64 is"; exit 1; }
fi
version=${KERNEL_PKG#linux-image-}
vmlinuz=$WORK/vmlinuz-$version
vmlinux=$WORK/vmlinux-$version
if [ ! -s "$vmlinuz" ]; then
    log "downloading $KERNEL_PKG"
    rm -f "$WORK"/"$KERNEL_PKG"_*.deb
    (cd "$WORK" && apt-get download -q "$KERNEL_PKG" >&2)
    deb=$(ls "$WORK"/"$KERNEL_PKG"_*.deb | head -1)
    # Only the kernel image: the initramfs needs no modules.
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./boot/vmlinuz-$version" >"$vmlinuz.tmp"
    mv "$vmlinuz.tmp" "$vmlinuz"
    rm -f "$deb"
fi
# The uncompressed kernel inside the bzImage: the xz stream after the setup code.
if [ ! -s "$vmlinux" ]; then
    offset=$(grep -abo $'\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1 || true)
    if [ -n "$offset" ]; then
        tail -c +$((offset + 1)) "$vmlinuz" | xz -dcq 2>/dev/null >"$vmlinux.tmp" || true
        if [ "$(head -c 4 "$vmlinux.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
            mv "$vmlinux.tmp" "$vmlinux"
        fi
        rm -f "$vmlinux.tmp"
    fi
fi
if [ -s "$vmlinux" ]; then
    kernel=$vmlinux
    boot_kind="uncompressed through PVH"
else
    kernel=$vmlinuz
    boot_kind="bzImage (with its decompressor)"
    log "could not unpack the kernel; booting the bzImage"
fi

# ---- the program and the initramfs
gcc -m32 -static -O2 -Wall -o "$WORK/bench32" scripts/bench-linux.c
root=$WORK/initramfs-root
rm -rf "$root"
mkdir -p "$root/dev"
cp "$WORK/bench32" "$root/init"
(cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >"$WORK/initramfs.cpio"

QEMU_ARGS=("$QEMU64" "${QEMU_COMMON_FLAGS[@]}" -m "$MEMORY" -kernel "$kernel"
    -initrd "$WORK/initramfs.cpio")
APPEND="console=ttyS0 quiet panic=-1 ${LINUX_APPEND:-}"

# ---- boot time: QEMU start to the first line of /init, median of BOOTS boots
log "timing $BOOTS boots of Linux $version ($boot_kind)"
to_init=$(time_to_line "bench-linux: init" "$BOOTS" "${QEMU_ARGS[@]}" -append "$APPEND -- none")

# ---- the benchmarks, in one boot
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(getpid fork_exit_wait fork_tree yield_pingpong sleep_accuracy
    signal_roundtrip pipe_throughput pipe_pingpong timer_tick getpid_loaded yield_pingpong_loaded
    fork_exit_wait_loaded timer_tick_loaded scaling)
log "running the benchmarks on Linux (a few minutes)"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
status=0
timeout 900 "${QEMU_ARGS[@]}" -append "$APPEND -- --sleepers $SLEEPERS ${names[*]}" \
    </dev/null >"$raw" 2>&1 || status=$?
tr -d '\r' <"$raw" | grep -E '^(BENCH|bench:)' >&2 || true
# isa-debug-exit: status 1 means every benchmark ran (the program passed 0).
[ "$status" = 1 ] || { tr -d '\r' <"$raw" | tail -20 >&2; log "the Linux run failed (QEMU status $status)"; exit 1; }

{
    echo "# Linux i386 figures for scripts/bench.sh, made by scripts/bench-linux.sh on $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "# kernel: $KERNEL_PKG ($boot_kind), $("$QEMU64" --version | head -1), -m $MEMORY"
    echo "# host load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores at the end"
    tr -d '\r' <"$raw" | grep '^BENCH'
    boot_line boot_to_init "$to_init"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
log "written to $OUT"
