#!/usr/bin/env bash
# Fills sysroot/ with everything an out-of-tree Lunaix program needs:
#
#   sysroot/i686-lunaix.json     the Rust target specification (from targets/)
#   sysroot/toolchain            the pinned Rust toolchain channel (from rust-toolchain.toml)
#   sysroot/lib/user.ld          the user linker script (from ulib/user.ld)
#   sysroot/include/             the C shim's headers (from ulib/c/include) and the ABI
#                                headers generated from kernel/abi (errno.h, signal.h,
#                                sys/wait.h, fcntl.h, sys/stat.h, sys/syscall.h:
#                                cargo run -p syscall-gen -- c-shim)
#   sysroot/lib/crt0.o           the C entry point
#   sysroot/lib/libc.a           the C shim
#
# Usage: sysroot/build.sh   (or: make sysroot). Idempotent: the generated parts are rebuilt
# from scratch in a staging directory and swapped in only when everything succeeded.
set -euo pipefail
export LC_ALL=C

SYSROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SYSROOT/.." && pwd)"
SHIM="$ROOT/ulib/c"

die() {
    echo "sysroot/build.sh: error: $*" >&2
    exit 1
}

for tool in gcc ar nm cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found in PATH"
done
for f in "$ROOT/targets/i686-lunaix.json" "$ROOT/ulib/user.ld" "$ROOT/rust-toolchain.toml" \
    "$SHIM/src/crt0.S"; do
    [ -f "$f" ] || die "missing $f"
done

CHANNEL="$(sed -n 's/^[[:space:]]*channel[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' \
    "$ROOT/rust-toolchain.toml" | head -n 1)"
[ -n "$CHANNEL" ] || die "no channel = \"...\" in rust-toolchain.toml"

GCC_INCLUDE="$(gcc -print-file-name=include)"
[ -f "$GCC_INCLUDE/stdarg.h" ] || die "gcc's freestanding headers not found (got '$GCC_INCLUDE')"

STAGE="$ROOT/build/sysroot.stage"
rm -rf "$STAGE"
mkdir -p "$STAGE/lib" "$STAGE/include/sys" "$STAGE/obj"
trap 'rm -rf "$STAGE"' EXIT

echo "sysroot: headers"
cp -R "$SHIM/include/." "$STAGE/include/"
# The ABI headers come from kernel/abi: sys/syscall.h from the one table (syscalls.tbl),
# errno.h, signal.h, sys/wait.h, fcntl.h, sys/stat.h and strerror's table (gen/src) from the
# abi crate's lists.
(cd "$ROOT" && cargo run -q -p syscall-gen -- c-shim "$STAGE/gen") ||
    die "generating the C headers failed (cargo run -q -p syscall-gen -- c-shim DIR)"
grep -q '#define SYS_write ' "$STAGE/gen/include/sys/syscall.h" ||
    die "the generated sys/syscall.h has no SYS_write"
cp -R "$STAGE/gen/include/." "$STAGE/include/"

echo "sysroot: target spec, linker script, toolchain pin"
cp "$ROOT/targets/i686-lunaix.json" "$STAGE/i686-lunaix.json"
cp "$ROOT/ulib/user.ld" "$STAGE/lib/user.ld"
echo "$CHANNEL" >"$STAGE/toolchain"

# The flags every C file for Lunaix is built with (sysroot/bin/lunaix-cc uses the same).
# -nostdinc keeps the host's glibc headers out; gcc's own freestanding headers (stddef.h,
# stdint.h, stdarg.h, stdbool.h) stay reachable through -isystem.
CFLAGS=(-m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin
    -mgeneral-regs-only -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror -nostdlib
    -nostdinc -isystem "$GCC_INCLUDE" -I "$STAGE/include")

echo "sysroot: compiling the C shim"
gcc "${CFLAGS[@]}" -c "$SHIM/src/crt0.S" -o "$STAGE/lib/crt0.o"
objs=()
for src in "$SHIM"/src/*.c; do
    obj="$STAGE/obj/$(basename "${src%.c}").o"
    gcc "${CFLAGS[@]}" -I "$STAGE/gen/src" -c "$src" -o "$obj"
    objs+=("$obj")
done
[ "${#objs[@]}" -gt 0 ] || die "no sources in $SHIM/src"
ar rcs "$STAGE/lib/libc.a" "${objs[@]}"

# Everything the library and crt0 use must be defined by them (no libgcc, no host libc):
# only main (the program's) and the constructor table bounds (user.ld's) may stay undefined.
defined="$(nm -g --defined-only "$STAGE/lib/libc.a" "$STAGE/lib/crt0.o" 2>/dev/null |
    awk 'NF == 3 { print $3 }' | sort -u)"
undefined="$(nm -g --undefined-only "$STAGE/lib/libc.a" "$STAGE/lib/crt0.o" 2>/dev/null |
    awk 'NF == 2 { print $2 }' | sort -u)"
missing="$(comm -23 <(echo "$undefined") <(echo "$defined") | grep -vx -e main -e __init_array_start -e __init_array_end || true)"
[ -z "$missing" ] || die "the C shim needs symbols nobody defines: $(echo $missing)"

echo "sysroot: installing into $SYSROOT"
rm -rf "$SYSROOT/lib" "$SYSROOT/include" "$SYSROOT/i686-lunaix.json" "$SYSROOT/toolchain"
mv "$STAGE/include" "$SYSROOT/include"
mv "$STAGE/i686-lunaix.json" "$SYSROOT/i686-lunaix.json"
mv "$STAGE/toolchain" "$SYSROOT/toolchain"
# lib/ last: lunaix-cc takes lib/libc.a as the sign that the sysroot is complete.
rm -rf "$STAGE/obj" "$STAGE/gen"
mv "$STAGE/lib" "$SYSROOT/lib"

echo "sysroot: ready ($SYSROOT; Rust toolchain $CHANNEL)"
