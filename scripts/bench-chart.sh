#!/usr/bin/env bash
# `make bench-chart`: docs/scaling.svg, fork + exit + wait and yield ping-pong against the
# number of processes alive (1, 10, 100, 500, 1000, 2000, 4000, as far as the kernel allows).
#
# Boots `/bin/bench scaling` for Lunaix-rs's points; Linux i386's come from the `scaling_*`
# lines of build/bench-linux.txt when `make bench-linux` has run. Each point is the median
# block of that benchmark at that count. Plain awk writes the SVG: no other dependency.
#
#   scripts/bench-chart.sh [output.svg]     (default docs/scaling.svg)
#   SCALING_LINES=file scripts/bench-chart.sh   redraws from the BENCH lines of an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh
QEMU=${QEMU:-qemu-system-i386}
SVG=${1:-docs/scaling.svg}
LINUX_FIGURES=${LINUX_FIGURES:-build/bench-linux.txt}
[ -f "$LINUX_FIGURES" ] || LINUX_FIGURES=/dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "${SCALING_LINES:-}" ]; then
    # Redraw from the lines of an earlier run instead of booting.
    cp "$SCALING_LINES" "$out"
else
    echo "bench-chart: running /bin/bench scaling" >&2
    status=0
    timeout 600 "$QEMU" "${QEMU_COMMON_FLAGS[@]}" -m 256M -kernel build/kernel.elf -initrd build/initrd.cpio \
        -append "init=/bin/bench -- scaling" >"$out" || status=$?
    tr -d '\r' <"$out" | grep -E '^(BENCH|bench:)' >&2 || true
    [ "$status" = 1 ] || { echo "bench-chart: /bin/bench scaling failed (QEMU status $status)" >&2; exit 1; }
fi

{
    tr -d '\r' <"$out" | grep '^BENCH name=scaling_' | sed 's/^BENCH /BENCH system=lunaix /'
    grep '^BENCH name=scaling_' "$LINUX_FIGURES" | sed 's/^BENCH /BENCH system=linux /' || true
} | awk -v date="$(date -u +%Y-%m-%d)" '
function val(key,   i, kv) {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
    return ""
}
function lg(x) { return log(x) / log(10) }
function px(alive) { return left + (lg(alive) - lg(1)) / (lg(5000) - lg(1)) * width }
function py(us, p) { return top + height - (lg(us) - lo[p]) / (hi[p] - lo[p]) * height }
/^BENCH / {
    sys = val("system"); bench = val("name"); sub(/^scaling_/, "", bench)
    p = bench == "fork_exit_wait" ? 1 : 2
    n = ++points[p, sys]
    xs[p, sys, n] = val("alive") + 0
    ys[p, sys, n] = val("median_ns") / 1000
    if (!(p in min) || ys[p, sys, n] < min[p]) min[p] = ys[p, sys, n]
    if (!(p in max) || ys[p, sys, n] > max[p]) max[p] = ys[p, sys, n]
}
END {
    left = 70; top = 50; width = 330; height = 260; gap = 110
    title[1] = "fork + exit + wait"; title[2] = "yield ping-pong, per sched_yield"
    color["lunaix"] = "#1f6fb4"; color["linux"] = "#c8501e"
    label["lunaix"] = "Lunaix-rs"; label["linux"] = "Linux i386 (Debian 6.1)"
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", 2 * (left + width) + gap - 30, top + height + 100
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    for (p = 1; p <= 2; p++) {
        if (!(p in min)) continue
        lo[p] = int(lg(min[p])); if (lg(min[p]) < lo[p]) lo[p]--
        hi[p] = int(lg(max[p])) + 1
        if (p == 2) left += width + gap
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", left + width / 2, top - 20, title[p]
        printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n", left, top, width, height
        for (d = lo[p]; d <= hi[p]; d++) for (m = 1; m < 10; m++) {
            y = py(m * 10 ^ d, p)
            if (d == hi[p] && m > 1) break
            printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", left, left + width, y, y, m == 1 ? "#ccc" : "#f0f0f0"
            if (m == 1) printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, y + 4, (10 ^ d >= 1000 ? 10 ^ d / 1000 " ms" : 10 ^ d " µs")
        }
        split("1 10 100 1000 4000", ticks, " ")
        for (t = 1; t <= 5; t++) {
            x = px(ticks[t])
            printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>\n", x, x, top, top + height
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, top + height + 16, ticks[t]
        }
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">processes alive (log scale)</text>\n", left + width / 2, top + height + 34
        for (s = 1; s <= 2; s++) {
            sys = s == 1 ? "lunaix" : "linux"
            if (!((p, sys) in points)) continue
            path = ""
            for (i = 1; i <= points[p, sys]; i++) {
                path = path sprintf("%s%.1f,%.1f", i == 1 ? "" : " ", px(xs[p, sys, i]), py(ys[p, sys, i], p))
                printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, %d alive: %.2f µs</title></circle>\n", px(xs[p, sys, i]), py(ys[p, sys, i], p), color[sys], label[sys], xs[p, sys, i], ys[p, sys, i]
            }
            printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", path, color[sys]
        }
    }
    y = top + height + 58; x = 70
    for (s = 1; s <= 2; s++) {
        sys = s == 1 ? "lunaix" : "linux"
        if (!((1, sys) in points) && !((2, sys) in points)) continue
        printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", x, x + 24, y - 4, y - 4, color[sys]
        printf "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30, y, label[sys]
        x += 230
    }
    printf "<text x=\"%d\" y=\"%d\" fill=\"#666\">each point the median block; QEMU TCG -smp 1; %s (make bench-chart)</text>\n", 70, y + 22, date
    print "</svg>"
}' >"$SVG.tmp"
mv "$SVG.tmp" "$SVG"
echo "bench-chart: wrote $SVG" >&2
