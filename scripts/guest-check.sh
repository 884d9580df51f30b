# Sourced by scripts/fuzz.sh and scripts/soak.sh: one boot of build/kernel.elf with a program
# as pid 1, under a timeout, with the flags of scripts/qemu-flags.
#
#   guest_check TAG PASS_LINE MEMORY LIMIT LOG INIT ARGS FILTER
#
# Shows the serial lines that match the extended regex FILTER, keeps the whole log in LOG, and
# returns 0 only when a line starts with PASS_LINE, pid 1 exited 0, QEMU ended within LIMIT
# seconds and no line mentions a panic; otherwise prints "TAG: FAILED: <why>" lines, returns 1.
guest_check() {
    local tag=$1 pass_line=$2 memory=$3 limit=$4 log=$5 init=$6 args=$7 filter=$8
    local qemu="${QEMU:-qemu-system-i386}" flags status
    local problems=()
    flags=$(sed -e 's/#.*//' scripts/qemu-flags | tr '\n' ' ')
    # shellcheck disable=SC2086 # the flags are words
    timeout "$limit" "$qemu" $flags -m "$memory" -kernel build/kernel.elf -initrd build/initrd.cpio \
        -append "init=$init -- $args" 2>&1 | tee "$log" | grep --line-buffered -E "$filter"
    status=${PIPESTATUS[0]}
    (( status == 124 )) && problems+=("QEMU did not end within ${limit} s (hung?)")
    grep -qi 'panic' "$log" && problems+=("a line mentions a panic")
    grep -q "^$pass_line" "$log" || problems+=("no '$pass_line' line")
    grep -q '^init exited with status 0' "$log" || problems+=("pid 1 did not exit 0")
    if (( ${#problems[@]} > 0 )); then
        local problem
        for problem in "${problems[@]}"; do
            echo "$tag: FAILED: $problem"
        done
        return 1
    fi
}
