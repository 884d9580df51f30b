/*
 * The benchmarks of /bin/bench (uapps/src/bin/bench.rs) for Linux: built by scripts/bench-linux.sh
 * as a static i386 program (gcc -m32 -static) and run as /init of a tiny initramfs, so Linux's
 * figures come from the same work, timed the same way, under the same QEMU.
 *
 *   init [--sleepers N] [name...]      (arguments after `--` on the kernel command line)
 *
 * Prints "bench-linux: init" first (the line the host times boot_to_init by), then one line per
 * benchmark in the format of docs/performance.md:
 *
 *   BENCH name=<name> ops=<n> ns_per_op=<mean> median_ns=<t> min_ns=<t> max_ns=<t> blocks=<b> ...
 *
 * The trap is what a 32-bit Lunaix-rs program uses: getpid, sched_yield and kill enter the
 * kernel with `int $0x80` (glibc's i386 wrappers would use the vDSO's sysenter); fork, wait,
 * pipes and sleeping go through glibc, whose entry costs little next to their work. The name
 * `none` runs nothing (for timing the boot alone). As pid 1 it mounts devtmpfs for its console
 * and ends the machine through QEMU's isa-debug-exit port (status 1 when every benchmark ran,
 * as Lunaix-rs does), or powers off if the port cannot be had.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !defined(__i386__)
#error "an i386 program: build with gcc -m32"
#endif

/* The same counts as uapps/src/bin/bench.rs. */
#define GETPID_BLOCKS 20
#define GETPID_CALLS 20000
#define FORK_BLOCKS 10
#define FORK_ROUNDS 200
#define TREE_DEPTH 7
#define TREES 10
#define YIELD_BLOCKS 10
#define YIELDS_PER_BLOCK 10000
#define SLEEPS 5
#define SIGNAL_BLOCKS 10
#define SIGNALS 4000
#define PIPE_BLOCKS 16
#define PIPE_WRITES_PER_BLOCK 256
#define PIPE_PP_BLOCKS 10
#define PIPE_ROUNDS 2000
#define TICK_WATCH_MS 500
#define DEFAULT_SLEEPERS 4000
#define ROOM 2
#define MAX_BLOCKS 32

static const unsigned scaling_levels[] = {1, 10, 100, 500, 1000, 2000, 4000};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline long trap0(long nr)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
    return ret;
}

static inline long trap2(long nr, long a, long b)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
    return ret;
}

#define NR_GETPID 20
#define NR_KILL 37
#define NR_SCHED_YIELD 158

/* The times of one benchmark's blocks, as in bench.rs. */
struct blocks {
    unsigned ops_per_block;
    unsigned n;
    uint64_t ns[MAX_BLOCKS];
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, const struct blocks *b, const char *extra)
{
    uint64_t sorted[MAX_BLOCKS], total = 0, median, per = b->ops_per_block ? b->ops_per_block : 1;
    unsigned n = b->n;
    memcpy(sorted, b->ns, n * sizeof sorted[0]);
    qsort(sorted, n, sizeof sorted[0], cmp_u64);
    for (unsigned i = 0; i < n; i++)
        total += sorted[i];
    median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    uint64_t ops = (uint64_t)n * per;
    printf("BENCH name=%s ops=%llu ns_per_op=%llu median_ns=%llu min_ns=%llu max_ns=%llu blocks=%u%s\n",
           name, (unsigned long long)ops, (unsigned long long)(total / ops),
           (unsigned long long)(median / per), (unsigned long long)(sorted[0] / per),
           (unsigned long long)(sorted[n - 1] / per), n, extra ? extra : "");
    fflush(stdout);
}

static int failed;

static void fail(const char *name, const char *why)
{
    printf("bench: %s failed: %s\n", name, why);
    fflush(stdout);
    failed++;
}

/* ---- the benchmarks ------------------------------------------------------------------- */

static void getpid_blocks(struct blocks *b)
{
    b->ops_per_block = GETPID_CALLS;
    b->n = 0;
    for (unsigned k = 0; k < GETPID_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (unsigned i = 0; i < GETPID_CALLS; i++)
            trap0(NR_GETPID);
        b->ns[b->n++] = now_ns() - t;
    }
}

static int fork_exit_wait_once(void)
{
    int status;
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    if (child < 0)
        return -1;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    return 0;
}

static int fork_exit_wait_blocks(struct blocks *b)
{
    b->ops_per_block = FORK_ROUNDS;
    b->n = 0;
    for (unsigned k = 0; k < FORK_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (unsigned i = 0; i < FORK_ROUNDS; i++)
            if (fork_exit_wait_once())
                return -1;
        b->ns[b->n++] = now_ns() - t;
    }
    return 0;
}

static int tree_node(unsigned depth)
{
    int ok = 1, children = 0, status;
    if (depth == TREE_DEPTH)
        return 1;
    for (int side = 0; side < 2; side++) {
        pid_t p = fork();
        if (p == 0)
            _exit(tree_node(depth + 1) ? 0 : 1);
        if (p < 0)
            ok = 0;
        else
            children++;
    }
    for (int i = 0; i < children; i++)
        ok &= wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return ok;
}

static void fork_tree(void)
{
    struct blocks b = {.ops_per_block = 1};
    char extra[64];
    uint64_t total = 0;
    for (unsigned k = 0; k < TREES; k++) {
        uint64_t t = now_ns();
        if (!tree_node(0)) {
            fail("fork_tree", "a node could not create or finish its subtree");
            return;
        }
        b.ns[b.n++] = now_ns() - t;
        total += b.ns[b.n - 1];
    }
    uint64_t mean_us = total / TREES / 1000;
    snprintf(extra, sizeof extra, " total_ms=%llu.%03llu processes=%u",
             (unsigned long long)(mean_us / 1000), (unsigned long long)(mean_us % 1000),
             (1u << (TREE_DEPTH + 1)) - 1);
    report("fork_tree", &b, extra);
}

/* ` switched_pct=<n>` of the last yield_blocks. */
static char yield_key[32];

static int yield_blocks(struct blocks *b)
{
    unsigned total = YIELD_BLOCKS * YIELDS_PER_BLOCK;
    int status;
    pid_t child = fork();
    if (child == 0) {
        for (unsigned i = 0; i < total; i++)
            trap0(NR_SCHED_YIELD);
        _exit(0);
    }
    if (child < 0)
        return -1;
    b->ops_per_block = 2 * YIELDS_PER_BLOCK;
    b->n = 0;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    for (unsigned k = 0; k < YIELD_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (unsigned i = 0; i < YIELDS_PER_BLOCK; i++)
            trap0(NR_SCHED_YIELD);
        b->ns[b->n++] = now_ns() - t;
    }
    getrusage(RUSAGE_SELF, &after);
    /* Linux's sched_yield may return without switching (the fair scheduler can keep the caller
     * running): how many of this process's yields did switch. */
    long switches = (after.ru_nvcsw - before.ru_nvcsw) + (after.ru_nivcsw - before.ru_nivcsw);
    snprintf(yield_key, sizeof yield_key, " switched_pct=%ld", switches * 100 / total);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    return 0;
}

static void sleep_accuracy(void)
{
    struct blocks b = {.ops_per_block = 1};
    int64_t sum_over = 0, max_over = INT64_MIN;
    char extra[96];
    for (unsigned k = 0; k < SLEEPS; k++) {
        uint64_t t = now_ns();
        if (sleep(1) != 0) {
            fail("sleep_accuracy", "sleep(1) returned early");
            return;
        }
        b.ns[b.n++] = now_ns() - t;
        int64_t over = (int64_t)b.ns[b.n - 1] - 1000000000;
        sum_over += over;
        if (over > max_over)
            max_over = over;
    }
    int64_t mean = sum_over / SLEEPS;
    snprintf(extra, sizeof extra, " mean_overshoot_ms=%s%lld.%03lld max_overshoot_ms=%s%lld.%03lld",
             mean < 0 ? "-" : "", llabs(mean) / 1000000, llabs(mean) / 1000 % 1000,
             max_over < 0 ? "-" : "", llabs(max_over) / 1000000, llabs(max_over) / 1000 % 1000);
    report("sleep_accuracy", &b, extra);
}

static volatile unsigned handled;

static void count_signal(int sig)
{
    (void)sig;
    handled++;
}

static void signal_roundtrip(void)
{
    struct sigaction act = {0}, old;
    struct blocks b = {.ops_per_block = SIGNALS};
    act.sa_handler = count_signal;
    sigemptyset(&act.sa_mask);
    if (sigaction(SIGUSR1, &act, &old)) {
        fail("signal_roundtrip", "sigaction failed");
        return;
    }
    long me = trap0(NR_GETPID);
    handled = 0;
    for (unsigned k = 0; k < SIGNAL_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (unsigned i = 0; i < SIGNALS; i++)
            if (trap2(NR_KILL, me, SIGUSR1)) {
                fail("signal_roundtrip", "kill failed");
                return;
            }
        b.ns[b.n++] = now_ns() - t;
    }
    sigaction(SIGUSR1, &old, NULL);
    if (handled != SIGNALS * SIGNAL_BLOCKS) {
        fail("signal_roundtrip", "the handler did not run once per kill");
        return;
    }
    report("signal_roundtrip", &b, "");
}

static void pipe_throughput(void)
{
    enum { BLOCK_BYTES = PIPE_WRITES_PER_BLOCK * 4096, PIPE_BYTES = PIPE_BLOCKS * BLOCK_BYTES };
    static char buf[4096];
    struct blocks b = {.ops_per_block = PIPE_WRITES_PER_BLOCK};
    int fds[2], status;
    if (pipe(fds)) {
        fail("pipe_throughput", "pipe failed");
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        memset(buf, 0x5a, sizeof buf);
        for (long sent = 0; sent < PIPE_BYTES;) {
            ssize_t n = write(fds[1], buf, sizeof buf);
            if (n <= 0)
                _exit(1);
            sent += n;
        }
        _exit(0);
    }
    close(fds[1]);
    if (child < 0) {
        close(fds[0]);
        fail("pipe_throughput", "fork failed");
        return;
    }
    uint64_t total = 0;
    for (unsigned k = 0; k < PIPE_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (long got = 0; got < BLOCK_BYTES;) {
            long want = BLOCK_BYTES - got < 4096 ? BLOCK_BYTES - got : 4096;
            ssize_t n = read(fds[0], buf, want);
            if (n <= 0) {
                fail("pipe_throughput", "the pipe ended early");
                close(fds[0]);
                waitpid(child, &status, 0);
                return;
            }
            got += n;
        }
        b.ns[b.n++] = now_ns() - t;
        total += b.ns[b.n - 1];
    }
    close(fds[0]);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fail("pipe_throughput", "the writer did not exit with status 0");
        return;
    }
    char extra[48];
    uint64_t mib_per_s_milli = (uint64_t)PIPE_BYTES * 1000000000ull / (total ? total : 1) * 1000 / (1 << 20);
    snprintf(extra, sizeof extra, " mb_per_s=%llu.%03llu", (unsigned long long)(mib_per_s_milli / 1000),
             (unsigned long long)(mib_per_s_milli % 1000));
    report("pipe_throughput", &b, extra);
}

static void pipe_pingpong(void)
{
    unsigned rounds = PIPE_PP_BLOCKS * PIPE_ROUNDS;
    int down[2], up[2], status;
    char byte = 7;
    struct blocks b = {.ops_per_block = PIPE_ROUNDS};
    if (pipe(down) || pipe(up)) {
        fail("pipe_pingpong", "pipe failed");
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        for (unsigned i = 0; i < rounds; i++)
            if (read(down[0], &byte, 1) != 1 || write(up[1], &byte, 1) != 1)
                _exit(1);
        _exit(0);
    }
    if (child < 0) {
        fail("pipe_pingpong", "fork failed");
        return;
    }
    for (unsigned k = 0; k < PIPE_PP_BLOCKS; k++) {
        uint64_t t = now_ns();
        for (unsigned i = 0; i < PIPE_ROUNDS; i++)
            if (write(down[1], &byte, 1) != 1 || read(up[0], &byte, 1) != 1) {
                fail("pipe_pingpong", "a round trip failed");
                return;
            }
        b.ns[b.n++] = now_ns() - t;
    }
    close(down[0]);
    close(down[1]);
    close(up[0]);
    close(up[1]);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fail("pipe_pingpong", "the echoing child did not exit with status 0");
        return;
    }
    report("pipe_pingpong", &b, "");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* As timer_tick in bench.rs: steps between two reads of the time-stamp counter longer than a
 * loop iteration are time the CPU spent elsewhere. */
#define MAX_GAPS 16384
static uint64_t gaps[MAX_GAPS];

static void timer_tick(const char *name, const char *extra)
{
    uint64_t start = now_ns(), c0 = rdtsc();
    while (now_ns() - start < 20000000)
        ;
    uint64_t cycles_per_us = (rdtsc() - c0) * 1000 / (now_ns() - start);
    if (!cycles_per_us)
        cycles_per_us = 1;
    uint64_t threshold = cycles_per_us, watch = (uint64_t)TICK_WATCH_MS * 1000 * cycles_per_us;
    unsigned n = 0;
    uint64_t first = rdtsc(), last = first, lost = 0;
    for (;;) {
        uint64_t now = rdtsc(), step = now - last;
        if (step > threshold && n < MAX_GAPS)
            gaps[n++] = step;
        last = now;
        if (now - first >= watch)
            break;
    }
    if (!n) {
        fail(name, "no interruption seen");
        return;
    }
    for (unsigned i = 0; i < n; i++)
        lost += gaps[i];
    qsort(gaps, n, sizeof gaps[0], cmp_u64);
    uint64_t total = last - first;
#define TO_NS(c) ((unsigned long long)((c) * 1000 / cycles_per_us))
    uint64_t busy = (total - lost) * 100000 / total;
    printf("BENCH name=%s ops=%u ns_per_op=%llu median_ns=%llu min_ns=%llu max_ns=%llu per_s=%llu "
           "busy_pct=%llu.%03llu%s\n",
           name, n, TO_NS(lost / n), TO_NS(gaps[n / 2]), TO_NS(gaps[0]), TO_NS(gaps[n - 1]),
           (unsigned long long)n * 1000000000ull / TO_NS(total), (unsigned long long)(busy / 1000),
           (unsigned long long)(busy % 1000), extra);
    fflush(stdout);
}

/* ---- sleepers ------------------------------------------------------------------------- */

static pid_t *sleepers;
static unsigned nsleepers, sleepers_cap;

/* Forks sleepers until `to` are alive; returns 0, or the errno of the fork that failed. */
static int grow_sleepers(unsigned to)
{
    if (to > sleepers_cap) {
        pid_t *more = realloc(sleepers, to * sizeof *sleepers);
        if (!more)
            return ENOMEM;
        sleepers = more;
        sleepers_cap = to;
    }
    while (nsleepers < to) {
        pid_t p = fork();
        if (p == 0)
            for (;;)
                sleep(3600);
        if (p < 0)
            return errno;
        sleepers[nsleepers++] = p;
    }
    return 0;
}

static int shrink_sleepers(unsigned count)
{
    unsigned keep = count > nsleepers ? 0 : nsleepers - count;
    int status, ok = 1;
    for (unsigned i = keep; i < nsleepers; i++)
        kill(sleepers[i], SIGKILL);
    for (unsigned i = keep; i < nsleepers; i++)
        ok &= waitpid(sleepers[i], &status, 0) == sleepers[i] && WIFSIGNALED(status) &&
              WTERMSIG(status) == SIGKILL;
    nsleepers = keep;
    return ok ? 0 : -1;
}

static unsigned wanted_sleepers = DEFAULT_SLEEPERS;
static char load_key[64];

static const char *load(void)
{
    if (!load_key[0]) {
        int err = grow_sleepers(wanted_sleepers);
        if (err) {
            shrink_sleepers(ROOM);
            printf("bench: only %u of %u sleepers: fork failed with %s\n", nsleepers,
                   wanted_sleepers, strerror(err));
            snprintf(load_key, sizeof load_key, " sleepers=%u sleepers_wanted=%u", nsleepers,
                     wanted_sleepers);
        } else {
            snprintf(load_key, sizeof load_key, " sleepers=%u", nsleepers);
        }
    }
    return load_key;
}

static void scaling(void)
{
    struct blocks b;
    char extra[64];
    /* From one process alive, whatever the loaded benchmarks left. */
    shrink_sleepers(nsleepers);
    load_key[0] = 0;
    for (unsigned i = 0; i < sizeof scaling_levels / sizeof scaling_levels[0]; i++) {
        int err = grow_sleepers(scaling_levels[i] - 1);
        if (err)
            shrink_sleepers(ROOM);
        snprintf(extra, sizeof extra, " alive=%u", nsleepers + 1);
        if (fork_exit_wait_blocks(&b)) {
            fail("scaling", "fork + exit + wait failed");
            return;
        }
        report("scaling_fork_exit_wait", &b, extra);
        if (yield_blocks(&b)) {
            fail("scaling", "yield ping-pong failed");
            return;
        }
        strncat(extra, yield_key, sizeof extra - strlen(extra) - 1);
        report("scaling_yield_pingpong", &b, extra);
        if (err) {
            printf("bench: scaling stopped at %u processes alive: fork failed with %s\n",
                   nsleepers + 1, strerror(err));
            break;
        }
    }
}

/* ---- main ----------------------------------------------------------------------------- */

static const char *const names[] = {
    "getpid", "fork_exit_wait", "fork_tree", "yield_pingpong", "sleep_accuracy",
    "signal_roundtrip", "pipe_throughput", "pipe_pingpong", "timer_tick", "getpid_loaded",
    "yield_pingpong_loaded", "fork_exit_wait_loaded", "timer_tick_loaded", "scaling", "none",
};

static void run(const char *name)
{
    struct blocks b;
    if (!strcmp(name, "getpid")) {
        getpid_blocks(&b);
        report(name, &b, "");
    } else if (!strcmp(name, "fork_exit_wait")) {
        if (fork_exit_wait_blocks(&b))
            fail(name, "fork + exit + wait failed");
        else
            report(name, &b, "");
    } else if (!strcmp(name, "fork_tree")) {
        fork_tree();
    } else if (!strcmp(name, "yield_pingpong")) {
        if (yield_blocks(&b))
            fail(name, "the partner did not exit with status 0");
        else
            report(name, &b, yield_key);
    } else if (!strcmp(name, "sleep_accuracy")) {
        sleep_accuracy();
    } else if (!strcmp(name, "signal_roundtrip")) {
        signal_roundtrip();
    } else if (!strcmp(name, "pipe_throughput")) {
        pipe_throughput();
    } else if (!strcmp(name, "pipe_pingpong")) {
        pipe_pingpong();
    } else if (!strcmp(name, "timer_tick")) {
        timer_tick(name, "");
    } else if (!strcmp(name, "getpid_loaded")) {
        const char *key = load();
        getpid_blocks(&b);
        report(name, &b, key);
    } else if (!strcmp(name, "yield_pingpong_loaded")) {
        char key[96];
        snprintf(key, sizeof key, "%s", load());
        if (yield_blocks(&b))
            fail(name, "the partner did not exit with status 0");
        else {
            strncat(key, yield_key, sizeof key - strlen(key) - 1);
            report(name, &b, key);
        }
    } else if (!strcmp(name, "fork_exit_wait_loaded")) {
        const char *key = load();
        if (fork_exit_wait_blocks(&b))
            fail(name, "fork + exit + wait failed");
        else
            report(name, &b, key);
    } else if (!strcmp(name, "timer_tick_loaded")) {
        timer_tick(name, load());
    } else if (!strcmp(name, "scaling")) {
        scaling();
    }
}

/* Pid 1 starts with no descriptors when the initramfs has no /dev/console: take the console
 * from devtmpfs. */
static void open_console(void)
{
    if (fcntl(1, F_GETFD) != -1)
        return;
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0)
        fd = open("/dev/ttyS0", O_RDWR);
    if (fd < 0)
        return;
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
}

/* Linux caps the number of tasks at what an eighth of memory holds in kernel stacks (about
 * 2000 in 256 MiB, less its own threads); lift the cap so that memory is the limit, as it is to
 * be for Lunaix-rs's loaded benchmarks. */
static void lift_task_limit(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    int fd = open("/proc/sys/kernel/threads-max", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "65536", 5) != 5)
            printf("bench-linux: could not raise threads-max\n");
        close(fd);
    }
}

static void end_machine(int status)
{
    fflush(stdout);
    sync();
    /* isa-debug-exit (scripts/qemu-flags): QEMU exits with (value << 1) | 1. */
    if (ioperm(0xf4, 4, 1) == 0)
        outl((unsigned)status, 0xf4);
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    int as_init = getpid() == 1, wanted = 0, status = 0;
    if (as_init)
        open_console();
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("bench-linux: init\n");
    if (as_init)
        lift_task_limit();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sleepers") && i + 1 < argc) {
            wanted_sleepers = (unsigned)strtoul(argv[++i], NULL, 10);
            continue;
        }
        int known = 0;
        for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
            known |= !strcmp(argv[i], names[k]);
        if (!known) {
            printf("bench: unknown benchmark %s\n", argv[i]);
            status = 2;
            goto out;
        }
        wanted = 1;
    }
    for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++) {
        int run_it = 0;
        if (!wanted)
            run_it = strcmp(names[k], "scaling") && strcmp(names[k], "none");
        for (int i = 1; i < argc; i++)
            run_it |= !strcmp(argv[i], names[k]);
        if (run_it)
            run(names[k]);
    }
    if (shrink_sleepers(nsleepers))
        fail("sleepers", "a sleeper did not end by SIGKILL");
    status = failed ? 1 : 0;
out:
    if (as_init)
        end_machine(status);
    return status;
}
