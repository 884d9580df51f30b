#!/usr/bin/env bash
# Builds the floor kernel (floor.c, floor.S) into build/floor.elf: a bare Multiboot kernel that
# times what the emulated machine costs for a trap, a system call's entry, a CR3 write and a
# switch between two address spaces, and prints BENCH lines (docs/performance.md, "Floors").
# Boot it with scripts/qemu-flags and `-kernel build/floor.elf`; QEMU exits with status 1 when
# it is done, as with the kernel.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/floor
mkdir -p "$out"
CFLAGS=(-m32 -march=i686 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -Wall -Wextra -Werror)
gcc "${CFLAGS[@]}" -c scripts/floor/floor.c -o "$out/floor.o"
gcc -m32 -c scripts/floor/floor.S -o "$out/entry.o"
ld -m elf_i386 -nostdlib -static --build-id=none -T scripts/floor/floor.ld \
    "$out/entry.o" "$out/floor.o" -o build/floor.elf
