# Sourced by scripts/bench.sh, scripts/bench-linux.sh and scripts/bench-chart.sh: the QEMU
# flags every boot shares, and timing a boot from the host.

# The flags every boot shares with the Makefile and the test harness: scripts/qemu-flags, one
# option a line, comments after '#'.
QEMU_COMMON_FLAGS=()
while IFS= read -r line; do
    read -ra words <<<"${line%%#*}"
    QEMU_COMMON_FLAGS+=("${words[@]}")
done <scripts/qemu-flags

# now_us: the host's clock in microseconds.
now_us() {
    local t=${EPOCHREALTIME/./}
    echo "$t"
}

# time_to_line NEEDLE BOOTS QEMU ARGS...: host time in µs from starting `QEMU ARGS...` to its
# first output line containing NEEDLE, the median of BOOTS boots (each boot runs to its end:
# boot something that stops right after that line). Exits the script if a boot never prints it.
time_to_line() {
    local needle=$1 boots=$2 samples=() start first line
    shift 2
    for ((i = 0; i < boots; i++)); do
        first=""
        start=$(now_us)
        while IFS= read -r line; do
            if [ -z "$first" ] && [[ $line == *"$needle"* ]]; then
                first=$(now_us)
            fi
        done < <(timeout 120 "$@" </dev/null 2>&1)
        [ -n "$first" ] || { echo "bench: no line containing '$needle' from $1" >&2; exit 1; }
        samples+=($((first - start)))
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# boot_line NAME MICROSECONDS: a BENCH line for a boot time.
boot_line() {
    local us=$2
    printf 'BENCH name=%s ops=1 ns_per_op=%d ms=%d.%03d\n' "$1" $((us * 1000)) $((us / 1000)) $((us % 1000))
}
