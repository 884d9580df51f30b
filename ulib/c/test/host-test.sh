#!/usr/bin/env bash
# Tests the C side of the sysroot without the Lunaix kernel:
#
#  1. fills the sysroot from scratch (sysroot/build.sh);
#  2. builds uapps/c/*.c with sysroot/bin/lunaix-cc and checks the ELF layout that the
#     kernel relies on (ELF32 i386 ET_EXEC, three PT_LOADs at 0x400000+, page aligned,
#     text R+X, rodata R, data RW with .bss, entry in text, nothing writable and executable);
#  3. builds the same programs against a TEST variant of the shim whose system-call layer is
#     Linux i386 (test/linux_sys.c instead of src/sys.c) and runs them natively: crt0, printf,
#     malloc, strings, errno handling, the wait macros and the linker script's page
#     protections all get exercised for real. ctest must print PASS ctest; ftest (the file
#     API: streams, stat, directories, paths) must print PASS ftest, working in a temporary
#     directory; libctest (string, number, scanf, getline, access, getopt and time functions)
#     must print PASS libctest; hello's output is checked for stdio's buffering on a file and
#     on a terminal.
#
# Usage: ulib/c/test/host-test.sh   (exit status 0 = all passed; HOST_TEST_KEEP=1 keeps the
#        work directory with the natively built programs)
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SHIM="$ROOT/ulib/c"
WORK="$(mktemp -d)"
# HOST_TEST_KEEP=1 keeps the built programs and their output (the directory is printed).
if [ -n "${HOST_TEST_KEEP:-}" ]; then
    trap 'echo "host-test: kept $WORK"' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi
failed=0

fail() {
    echo "host-test: FAIL: $*" >&2
    failed=1
}

echo "== 1. sysroot/build.sh from a clean state"
rm -rf "$ROOT/sysroot/lib" "$ROOT/sysroot/include" "$ROOT/sysroot/i686-lunaix.json" \
    "$ROOT/sysroot/toolchain"
"$ROOT/sysroot/build.sh" >/dev/null
for f in lib/libc.a lib/crt0.o lib/user.ld include/sys/syscall.h include/stdio.h include/errno.h \
    include/signal.h include/sys/wait.h include/fcntl.h include/limits.h include/sys/stat.h \
    include/dirent.h include/termios.h include/sys/ioctl.h include/sys/types.h include/strings.h \
    i686-lunaix.json toolchain; do
    [ -f "$ROOT/sysroot/$f" ] || fail "sysroot/$f missing after build.sh"
done
"$ROOT/sysroot/build.sh" >/dev/null || fail "build.sh is not idempotent"

echo "== 2. lunaix-cc output layout"
# check_elf FILE: the segment layout the kernel's loader and page protections rely on.
check_elf() {
    local elf="$1" hdr phdrs entry
    hdr="$(readelf -h "$elf")"
    grep -q 'Class:[[:space:]]*ELF32' <<<"$hdr" || fail "$elf: not ELF32"
    grep -q 'Machine:[[:space:]]*Intel 80386' <<<"$hdr" || fail "$elf: not i386"
    grep -q 'Type:[[:space:]]*EXEC' <<<"$hdr" || fail "$elf: not ET_EXEC"
    entry=$(awk '/Entry point address/ { print $4 }' <<<"$hdr")
    phdrs="$(readelf -lW "$elf" | awk '$1 == "LOAD"')"
    [ "$(wc -l <<<"$phdrs")" -eq 3 ] || fail "$elf: want 3 PT_LOAD segments, got: $phdrs"
    # fields: LOAD offset vaddr paddr filesz memsz flags... align
    awk -v elf="$elf" -v entry_hex="$entry" '
        function hex(s,   v, i) {
            s = tolower(s); sub(/^0x/, "", s); v = 0
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        BEGIN { entry = hex(entry_hex) }
        {
            off = hex($2); va = hex($3); fs = hex($5); ms = hex($6)
            flags = ""; for (i = 7; i < NF; i++) flags = flags $i; align = hex($NF)
            n++
            if (va < 0x400000) { print elf ": segment below 0x400000"; bad = 1 }
            if (va % 4096 != 0 || off % 4096 != 0 || align != 4096) {
                print elf ": segment " n " not page aligned"; bad = 1
            }
            if (va < prev_end) { print elf ": segments share a page"; bad = 1 }
            prev_end = va + ms
            if (n == 1 && flags != "RE") { print elf ": text flags " flags ", want R E"; bad = 1 }
            if (n == 1 && (entry < va || entry >= va + ms)) { print elf ": entry not in text"; bad = 1 }
            if (n == 2 && flags != "R") { print elf ": rodata flags " flags ", want R"; bad = 1 }
            if (n == 3 && flags != "RW") { print elf ": data flags " flags ", want RW"; bad = 1 }
            if (n == 3 && ms <= fs) { print elf ": data segment has no .bss (memsz <= filesz)"; bad = 1 }
        }
        END { exit bad }' <<<"$phdrs" >&2 || fail "$elf: bad segment layout"
}

for src in "$ROOT"/uapps/c/*.c; do
    out="$WORK/lunaix-$(basename "${src%.c}")"
    "$ROOT/sysroot/bin/lunaix-cc" "$src" -o "$out" || { fail "lunaix-cc $src"; continue; }
    check_elf "$out"
    # The Lunaix build must trap with int $0x21 only, never Linux's int $0x80.
    objdump -d "$out" >"$out.dis"
    if grep -q 'int  *\$0x80' "$out.dis"; then fail "$out uses int \$0x80"; fi
    grep -q 'int  *\$0x21' "$out.dis" || fail "$out has no int \$0x21"
done
# Separate compilation and linking through lunaix-cc.
"$ROOT/sysroot/bin/lunaix-cc" -c "$ROOT/uapps/c/chello.c" -o "$WORK/hello.o"
"$ROOT/sysroot/bin/lunaix-cc" "$WORK/hello.o" -o "$WORK/hello-2step"
check_elf "$WORK/hello-2step"
# A missing sysroot is reported.
mkdir -p "$WORK/fake/bin"
cp "$ROOT/sysroot/bin/lunaix-cc" "$WORK/fake/bin/"
if msg="$("$WORK/fake/bin/lunaix-cc" "$ROOT/uapps/c/chello.c" -o "$WORK/x" 2>&1)"; then
    fail "lunaix-cc succeeded without a sysroot"
elif ! grep -q 'make sysroot' <<<"$msg"; then
    fail "lunaix-cc without a sysroot did not say to run make sysroot: $msg"
fi

echo "== 3. the shim over Linux i386 system calls, run natively"
GCC_INCLUDE="$(gcc -print-file-name=include)"
# The sysroot's headers (step 1): the shim's own plus those generated from kernel/abi.
(cd "$ROOT" && cargo run -q -p syscall-gen -- c-shim "$WORK/gen")
CFLAGS=(-m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin
    -mgeneral-regs-only -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror -nostdlib
    -nostdinc -isystem "$GCC_INCLUDE" -I "$ROOT/sysroot/include" -I "$WORK/gen/src")
mkdir -p "$WORK/host"
gcc "${CFLAGS[@]}" -c "$SHIM/src/crt0.S" -o "$WORK/host/crt0.o"
objs=()
for src in "$SHIM"/src/*.c "$SHIM/test/linux_sys.c"; do
    [ "$(basename "$src")" = sys.c ] && continue
    obj="$WORK/host/$(basename "${src%.c}").o"
    gcc "${CFLAGS[@]}" -c "$src" -o "$obj"
    objs+=("$obj")
done
ar rcs "$WORK/host/libc.a" "${objs[@]}"
host_cc() {
    gcc "${CFLAGS[@]}" -static -no-pie -Wl,-T,"$ROOT/ulib/user.ld" -Wl,--build-id=none \
        "$WORK/host/crt0.o" "$@" "$WORK/host/libc.a"
}

host_cc "$ROOT/uapps/c/ctest.c" -o "$WORK/ctest"
check_elf "$WORK/ctest"
set +e
"$WORK/ctest" >"$WORK/ctest.out" 2>"$WORK/ctest.err"
rc=$?
set -e
cat "$WORK/ctest.out"
[ "$rc" -eq 0 ] || fail "ctest exited with $rc"
grep -qx 'PASS ctest' "$WORK/ctest.out" || fail "ctest did not print PASS ctest"
grep -q 'FAIL' "$WORK/ctest.out" && fail "ctest reported failures"
grep -q 'execve ok' "$WORK/ctest.out" || fail "ctest skipped the execve round trip"
grep -qx 'ctest: signals ok' "$WORK/ctest.out" || fail "ctest's signal checks failed"
grep -qx 'ctest: pipes ok' "$WORK/ctest.out" || fail "ctest's pipe checks failed"
grep -q 'invalid pointer' "$WORK/ctest.err" || fail "double free was not reported on stderr"
grep -q '^Assertion failed: two + two == 5 (.*ctest.c:[0-9]*: child_assert)$' "$WORK/ctest.err" ||
    fail "the failed assert() was not reported on stderr"

# ftest: the file API over Linux's file system, in a directory of its own.
host_cc "$ROOT/uapps/c/ftest.c" -o "$WORK/ftest"
set +e
"$WORK/ftest" "$WORK/fs" >"$WORK/ftest.out" 2>"$WORK/ftest.err"
rc=$?
set -e
cat "$WORK/ftest.out"
[ "$rc" -eq 0 ] || fail "ftest exited with $rc: $(cat "$WORK/ftest.err")"
grep -qx 'PASS ftest' "$WORK/ftest.out" || fail "ftest did not print PASS ftest"
grep -q 'FAIL' "$WORK/ftest.out" && fail "ftest reported failures"
for group in setup 'text streams' binary ungetc buffering names directories \
    'working directory' terminals stdlib exec cleanup; do
    grep -qx "ftest: $group ok" "$WORK/ftest.out" || fail "ftest's $group checks failed"
done
grep -qx 'ftest: isatty(1) = 0' "$WORK/ftest.out" || fail "ftest: a file stdout is a terminal"
[ ! -e "$WORK/fs" ] || fail "ftest left $WORK/fs behind (it made it, so it removes it)"
# On a terminal (script(1) gives one): isatty(1) must hold.
if command -v script >/dev/null; then
    script -qec "'$WORK/ftest' --tty '$WORK/fs'" /dev/null >"$WORK/ftest-tty.out" </dev/null ||
        fail "ftest --tty on a terminal failed: $(cat "$WORK/ftest-tty.out")"
    grep -q 'PASS ftest' "$WORK/ftest-tty.out" || fail "ftest --tty did not pass"
fi

# libctest: the library functions (strings, numbers, scanf, getline, access, getopt, time),
# its scratch file in a directory of its own.
host_cc "$ROOT/uapps/c/libctest.c" -o "$WORK/libctest"
set +e
"$WORK/libctest" "$WORK/lt" >"$WORK/libctest.out" 2>"$WORK/libctest.err"
rc=$?
set -e
cat "$WORK/libctest.out"
[ "$rc" -eq 0 ] || fail "libctest exited with $rc: $(cat "$WORK/libctest.err")"
grep -qx 'PASS libctest' "$WORK/libctest.out" || fail "libctest did not print PASS libctest"
grep -q 'FAIL' "$WORK/libctest.out" && fail "libctest reported failures"
for group in strings numbers sscanf streams scanf access getopt time; do
    grep -qx "libctest: $group ok" "$WORK/libctest.out" || fail "libctest's $group checks failed"
done
[ ! -e "$WORK/lt" ] || fail "libctest left $WORK/lt behind (it made it, so it removes it)"

host_cc "$ROOT/uapps/c/chello.c" -o "$WORK/hello"
set +e
strace -f -qq -s 256 -e trace=write -e signal=none -o "$WORK/hello.trace" \
    "$WORK/hello" one "two words" >"$WORK/hello.out"
rc=$?
set -e
cat "$WORK/hello.out"
[ "$rc" -eq 0 ] || fail "hello exited with $rc"
grep -Eq '^hello from C, pid [0-9]+, ppid [0-9]+$' "$WORK/hello.out" || fail "hello: greeting"
grep -qx '  argv\[2\] = "two words"' "$WORK/hello.out" || fail "hello: argv"
grep -Eq '^child [0-9]+ exited with status 7$' "$WORK/hello.out" || fail "hello: child status"
grep -qF '[   42] [42   ] [00042] [+42] [ff] [0XFF] [   right] [left    ] [!] [%]' \
    "$WORK/hello.out" || fail "hello: printf widths"
# stdout on a file is fully buffered: the parent's lines leave in one write() when it forks
# (fork flushes), the child's when it exits, the parent's last ones when it exits -- three
# writes, none of them splitting a line.
WIDTHS='[   42] [42   ] [00042] [+42] [ff] [0XFF] [   right] [left    ] [!] [%]'
writes="$(grep -c 'write(1, ' "$WORK/hello.trace" || true)"
[ "$writes" -eq 3 ] || fail "hello: $writes write()s to a file stdout, want 3: $(cat "$WORK/hello.trace")"
grep -qF "$WIDTHS\\n\", " "$WORK/hello.trace" ||
    fail "hello: the printf line was split across write()s: $(cat "$WORK/hello.trace")"
# stdout on a terminal (script(1) gives one) is line-buffered: one printf line = one write().
if command -v script >/dev/null; then
    script -qec "strace -f -qq -s 256 -e trace=write -e signal=none -o '$WORK/hello-tty.trace' \
        '$WORK/hello' one 'two words'" /dev/null >"$WORK/hello-tty.out" </dev/null ||
        fail "hello on a terminal exited with $?"
    grep -qF "write(1, \"$WIDTHS\\n\", 72) = 72" "$WORK/hello-tty.trace" ||
        fail "hello: on a terminal the printf line was not one write(): $(cat "$WORK/hello-tty.trace")"
else
    echo "host-test: note: script(1) is missing; the line-buffered terminal case is skipped"
fi

host_cc "$SHIM/test/printf_long.c" -o "$WORK/printf_long"
"$WORK/printf_long" >"$WORK/long.out" || fail "printf_long exited with $?"
expected="$(for c in {a..z}; do printf "%099d\n" 0 | tr 0 "$c"; done; echo "returned 2600")"
[ "$(cat "$WORK/long.out")" = "$expected" ] || fail "printf_long output differs"

if [ "$failed" -ne 0 ]; then
    echo "host-test: FAILED" >&2
    exit 1
fi
echo "host-test: all passed"
