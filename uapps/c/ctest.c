/* ctest: a self-checking test of the C shim (and of the kernel calls under it).
 *
 * Prints "FAIL: <why>" for every check that does not hold and exits 1; prints "PASS ctest"
 * and exits 0 when all hold. Children it forks report through their exit status.
 *
 * Run it as a path (argv[0] = "/bin/ctest", as init= does): it re-executes itself to check
 * execve's argv and environment passing. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PROGRAM "ctest"
#include "check.h"

/* CHECK_FMT(expected, fmt, ...): snprintf must produce exactly expected (and its length). */
#define CHECK_FMT(expected, ...)                                                                   \
    do {                                                                                           \
        char got_[160];                                                                            \
        int n_ = snprintf(got_, sizeof got_, __VA_ARGS__);                                         \
        if (strcmp(got_, (expected)) != 0 || n_ != (int)strlen(expected)) {                        \
            char why_[400];                                                                        \
            snprintf(why_, sizeof why_, "snprintf(%s) gave \"%s\" (%d), want \"%s\"",              \
                     #__VA_ARGS__, got_, n_, (expected));                                          \
            check_failed(__FILE_NAME__, __LINE__, why_);                                           \
        }                                                                                          \
    } while (0)

/* Runs fn in a child and returns the raw wait status (-1 when fork/waitpid failed). */
static int run_child(void (*fn)(void))
{
    pid_t child = fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        fn();
        _exit(100); /* fn should not return */
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        return -1;
    return status;
}

/* Tells whether the raw status says "killed by sig". */
static int killed_by(int status, int sig)
{
    return status != -1 && WIFSIGNALED(status) && !WIFEXITED(status) && WTERMSIG(status) == sig;
}

/* ---------------------------------------------------------------- errno */

static void test_errno(void)
{

    /* No children yet. */
    CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
    CHECK_ERR(wait(NULL), ECHILD);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);

    /* Success leaves errno alone. */
    errno = 1234;
    CHECK(getpid() > 0);
    CHECK(sched_yield() == 0);
    CHECK(write(1, "", 0) == 0);
    CHECK(errno == 1234);

    CHECK_ERR(write(5, "x", 1), EBADF);
    CHECK_ERR(write(-1, "x", 1), EBADF);
    char *volatile null_buf = NULL;
    CHECK_ERR(write(1, null_buf, 1), EFAULT);
    CHECK_ERR(write(1, (const void *)0xC0000000u, 16), EFAULT);

    struct timespec ts;
    CHECK_ERR(clock_gettime(99, &ts), EINVAL);
    CHECK_ERR(clock_gettime(CLOCK_MONOTONIC, NULL), EFAULT);

    char *argv[] = {"/no/such/program", NULL};
    char *envp[] = {NULL};
    CHECK_ERR(execve("/no/such/program", argv, envp), ENOENT);

    /* The printf family reports a failing write too. */
    CHECK_ERR(dprintf(7, "%d", 1), EBADF);

    CHECK(strcmp(strerror(ECHILD), "No child processes") == 0);
    CHECK(strcmp(strerror(EFAULT), "Bad address") == 0);
    CHECK(strcmp(strerror(-5), "Unknown error -5") == 0);
    section_done("errno");
}

/* ---------------------------------------------------------------- printf */

static void test_printf(void)
{
    const char *volatile null_str = NULL;

    CHECK_FMT("42", "%d", 42);
    CHECK_FMT("-42", "%i", -42);
    CHECK_FMT("4294967295", "%u", 4294967295u);
    CHECK_FMT("ff FF", "%x %X", 255, 255);
    CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
    CHECK_FMT("hello", "%s", "hello");
    CHECK_FMT("x", "%c", 'x');
    CHECK_FMT("100%", "%d%%", 100);
    CHECK_FMT("0x1234", "%p", (void *)0x1234);
    CHECK_FMT("0x0", "%p", (void *)0);
    CHECK_FMT("a1b22c", "a%db%dc", 1, 22);
    CHECK_FMT("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
    CHECK_FMT("-2147483648 4294967295", "%ld %lu", LONG_MIN, ULONG_MAX);
    CHECK_FMT("18446744073709551615", "%llu", ULLONG_MAX);
    CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
    CHECK_FMT("123456789012345", "%lld", 123456789012345LL);
    CHECK_FMT("ffffffffffffffff", "%llx", ~0ULL);
    CHECK_FMT("1777777777777777777777", "%llo", ~0ULL);
    CHECK_FMT("-7", "%jd", (long long)-7);
    CHECK_FMT("12 34", "%zu %zd", (size_t)12, (ssize_t)34);
    CHECK_FMT("-1 65535 255", "%hhd %hu %hhu", 255, -1, -1);

    /* Width, flags, precision. */
    CHECK_FMT("[   42]", "[%5d]", 42);
    CHECK_FMT("[42   ]", "[%-5d]", 42);
    CHECK_FMT("[00042]", "[%05d]", 42);
    CHECK_FMT("[-0042]", "[%05d]", -42);
    CHECK_FMT("[  -42]", "[%5d]", -42);
    CHECK_FMT("[+42] [-42] [ 42]", "[%+d] [%+d] [% d]", 42, -42, 42);
    CHECK_FMT("[0x1f] [0X1F] [0] [017] [17]", "[%#x] [%#X] [%#x] [%#o] [%o]", 31, 31, 0, 15, 15);
    CHECK_FMT("[0x00ff]", "[%#06x]", 255);
    CHECK_FMT("[000000ff]", "[%08x]", 255);
    CHECK_FMT("[deadbeef]", "[%2x]", 0xdeadbeefu);
    CHECK_FMT("[00042] [   00042] []", "[%.5d] [%8.5d] [%.0d]", 42, 42, 0);
    /* Flags that cancel others (gcc warns about them; they are what is tested here). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
    CHECK_FMT("[-42  ]", "[%-05d]", -42);  /* '-' turns off '0' */
    CHECK_FMT("[   42]", "[%05.2d]", 42);  /* a precision turns off '0' */
#pragma GCC diagnostic pop
    CHECK_FMT("[   42] [42   ]", "[%*d] [%*d]", 5, 42, -5, 42);
    CHECK_FMT("[  abc] [abc  ] [ab] [abc]", "[%5s] [%-5s] [%.2s] [%.*s]", "abc", "abc", "abcdef",
              3, "abcdef");
    CHECK_FMT("[(null)]", "[%s]", null_str);
    CHECK_FMT("[  x] [x  ]", "[%3c] [%-3c]", 'x', 'x');
    CHECK_FMT("[      0x10]", "[%10p]", (void *)16);

    /* Truncation: the result is the full length; the buffer is always terminated. */
    char buf[8];
    memset(buf, '#', sizeof buf);
    CHECK(snprintf(buf, 5, "%s", "hello world") == 11);
    CHECK(strcmp(buf, "hell") == 0);
    CHECK(buf[5] == '#');
    CHECK(snprintf(NULL, 0, "%d", 12345) == 5);
    buf[0] = 'z';
    CHECK(snprintf(buf, 1, "abc") == 3 && buf[0] == '\0');
    char big[64];
    CHECK(sprintf(big, "%s-%d-%c", "sp", -3, 'Z') == 7);
    CHECK(strcmp(big, "sp--3-Z") == 0);

    /* printf returns the number of bytes written. */
    CHECK(printf("ctest: printf returns %d\n", 25) == 25);
    CHECK(puts("ctest: puts works") >= 0);
    section_done("printf");
}

/* ---------------------------------------------------------------- strings */

static void test_strings(void)
{
    char buf[32];

    strcpy(buf, "0123456789");
    memmove(buf + 2, buf, 5); /* forwards overlap */
    CHECK(strcmp(buf, "0101234789") == 0);
    strcpy(buf, "0123456789");
    memmove(buf, buf + 3, 5); /* backwards overlap */
    CHECK(strcmp(buf, "3456756789") == 0);

    memset(buf, 'a', 31);
    buf[31] = '\0';
    CHECK(strlen(buf) == 31);
    memset(buf + 1, 0, 3);
    CHECK(buf[0] == 'a' && buf[1] == 0 && buf[3] == 0 && buf[4] == 'a');

    unsigned char src[40], dst[40];
    for (int i = 0; i < 40; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (int off = 0; off < 4; off++) {
        memset(dst, 0, sizeof dst);
        memcpy(dst + off, src + 1, 33);
        CHECK(memcmp(dst + off, src + 1, 33) == 0 && dst[off + 33] == 0);
    }

    CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("\x80", "\x01", 1) > 0); /* bytes compare as unsigned */
    CHECK(strcmp("abc", "abc") == 0 && strcmp("abc", "abd") < 0 && strcmp("b", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0 && strcmp("abc", "ab") > 0);
    CHECK(strncmp("abcx", "abcy", 3) == 0 && strncmp("abcx", "abcy", 4) < 0);
    CHECK(strcmp(strchr("hello", 'l'), "llo") == 0 && *strchr("abc", '\0') == '\0');
    CHECK(strcmp(strrchr("hello", 'l'), "lo") == 0 && strchr("hello", 'z') == NULL);
    CHECK(strcmp(strstr("find the needle here", "needle"), "needle here") == 0);
    CHECK(strstr("abc", "abd") == NULL);
    strcpy(buf, "con");
    strcat(buf, "cat");
    CHECK(strcmp(buf, "concat") == 0 && strnlen(buf, 3) == 3);

    CHECK(atoi("  -1234xyz") == -1234 && atoi("+77") == 77 && atoi("nope") == 0);
    char *end;
    CHECK(strtol("0x1F!", &end, 0) == 31 && *end == '!');
    CHECK(strtol("0755", NULL, 0) == 493 && strtol("z", NULL, 36) == 35);
    CHECK(strtol("0x", &end, 16) == 0 && *end == 'x');
    CHECK(strtol("   ", &end, 10) == 0 && *end == ' ');
    errno = 0;
    CHECK(strtol("99999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtol("-2147483648", NULL, 10) == LONG_MIN && errno == 0);
    CHECK(strtoul("4294967295", NULL, 10) == 4294967295ul);
    CHECK(isdigit('7') && !isdigit('a') && isspace('\n') && toupper('q') == 'Q');
    section_done("strings");
}

/* ---------------------------------------------------------------- 64-bit arithmetic */

static void test_int64(void)
{
    volatile unsigned long long big = 1000000000000ULL;
    volatile unsigned long long seven = 7;
    volatile long long neg = -7;
    volatile long long two = 2;
    volatile unsigned long long huge = 0xfedcba9876543210ULL;
    volatile unsigned long long wide_divisor = 0x100000001ULL;

    CHECK(big / seven == 142857142857ULL && big % seven == 1);
    CHECK(neg / two == -3 && neg % two == -1);
    CHECK(-neg / -two == -3 && -neg % -two == 1);
    CHECK(huge / wide_divisor == 0xfedcba97ULL && huge % wide_divisor == 0x77777779ULL);
    CHECK(huge / huge == 1 && huge % huge == 0 && seven / huge == 0 && seven % huge == 7);
    section_done("64-bit division");
}

/* ---------------------------------------------------------------- heap */

static void double_free(void)
{
    char *p = malloc(24);
    free(p);
    free(p); /* caught: the program aborts */
}

static void test_heap(void)
{

    /* Raw break. */
    char *b0 = sbrk(0);
    CHECK(b0 != (void *)-1);
    CHECK(sbrk(4096) == b0);
    CHECK(sbrk(0) == b0 + 4096);
    memset(b0, 0x5a, 4096);
    CHECK(b0[0] == 0x5a && b0[4095] == 0x5a);
    CHECK(sbrk(-4096) == b0 + 4096);
    CHECK(sbrk(0) == b0);
    CHECK(brk(b0 + 8192) == 0 && sbrk(0) == b0 + 8192);
    CHECK(brk(b0) == 0 && sbrk(0) == b0);
    CHECK_ERR(brk((void *)0xFFFF0000u), ENOMEM);
    errno = 0;
    CHECK(sbrk(INT_MIN) == (void *)-1 && errno == ENOMEM);
    CHECK(sbrk(0) == b0);

    /* malloc: alignment, independence of blocks. */
    enum { COUNT = 240 };
    static unsigned char *blocks[COUNT];
    static size_t sizes[COUNT];
    size_t total = 0;
    for (int i = 0; i < COUNT; i++) {
        sizes[i] = (size_t)(i * 37) % 500 + 1;
        total += sizes[i];
        blocks[i] = malloc(sizes[i]);
        CHECK(blocks[i] != NULL && (uintptr_t)blocks[i] % 8 == 0);
        if (blocks[i] == NULL)
            return;
        memset(blocks[i], i, sizes[i]);
    }
    CHECK(total > 56000);
    for (int i = 1; i < COUNT; i += 2)
        free(blocks[i]);
    for (int i = 1; i < COUNT; i += 2) {
        blocks[i] = malloc(sizes[i]);
        CHECK(blocks[i] != NULL);
        if (blocks[i] == NULL)
            return;
        memset(blocks[i], i, sizes[i]);
    }
    int intact = 1;
    for (int i = 0; i < COUNT; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            if (blocks[i][j] != (unsigned char)i)
                intact = 0;
    CHECK(intact);

    /* Freed neighbours merge: one large block fits in the freed space without growing. */
    for (int i = 0; i < COUNT; i += 2)
        free(blocks[i]);
    for (int i = 1; i < COUNT; i += 2)
        free(blocks[i]);
    char *top = sbrk(0);
    char *large = malloc(50000);
    CHECK(large != NULL);
    CHECK(sbrk(0) == top);
    free(large);

    /* realloc keeps the contents; shrinking stays in place. */
    char *r = malloc(10);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    memcpy(r, "realloc!!", 10);
    r = realloc(r, 5000);
    CHECK(r != NULL && memcmp(r, "realloc!!", 10) == 0);
    char *shrunk = realloc(r, 16);
    CHECK(shrunk == r && memcmp(shrunk, "realloc!!", 10) == 0);
    free(shrunk);
    char *fresh = realloc(NULL, 32);
    CHECK(fresh != NULL);
    CHECK(realloc(fresh, 0) == NULL);

    /* calloc clears reused memory. */
    unsigned char *dirty = malloc(256);
    CHECK(dirty != NULL);
    if (dirty == NULL)
        return;
    memset(dirty, 0xaa, 256);
    free(dirty);
    unsigned char *clean = calloc(64, 4);
    CHECK(clean != NULL);
    int zero = 1;
    for (int i = 0; clean && i < 256; i++)
        zero &= clean[i] == 0;
    CHECK(zero);
    free(clean);

    /* Failures and corner cases. */
    errno = 0;
    CHECK(malloc(SIZE_MAX) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM);
    void *z1 = malloc(0);
    void *z2 = malloc(0);
    CHECK(z1 != NULL && z2 != NULL && z1 != z2);
    free(z1);
    free(z2);
    free(NULL);

    char *dup = strdup("duplicate");
    CHECK(dup != NULL && strcmp(dup, "duplicate") == 0);
    free(dup);

    int status = run_child(double_free);
    CHECK(killed_by(status, SIGABRT));
    section_done("heap");
}

/* ---------------------------------------------------------------- processes */

static volatile int shared_value = 1;
static pid_t parent_pid;

static void child_exit7(void)
{
    exit(7);
}

static void child_big_status(void)
{
    _exit(0x1234);
}

static void child_checks_parent(void)
{
    _exit(getppid() == parent_pid && getpid() != parent_pid ? 0 : 1);
}

static void child_changes_memory(void)
{
    int saw = shared_value;
    shared_value = 2;
    _exit(saw == 1 && shared_value == 2 ? 3 : 4);
}

static void on_exit_handler(void)
{
    _exit(42);
}

static void child_atexit(void)
{
    atexit(on_exit_handler);
    exit(1);
}

static void child_null_write(void)
{
    volatile int *volatile p = NULL;
    *p = 1;
}

static void child_text_write(void)
{
    volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)&child_text_write;
    *code = 0xc3;
}

static void child_rodata_write(void)
{
    static const char constant[] = "read-only";
    volatile char *volatile p = (volatile char *)(uintptr_t)constant;
    p[0] = 'R';
}

static void child_ud2(void)
{
    __builtin_trap();
}

static void child_divide_by_zero(void)
{
    volatile int zero = 0;
    volatile int result = 10 / zero;
    (void)result;
}

static void child_divide64_by_zero(void)
{
    volatile unsigned long long zero = 0;
    volatile unsigned long long result = 10ULL / zero;
    (void)result;
}

static void child_abort(void)
{
    abort();
}

static void child_assert(void)
{
    volatile int two = 2;
    assert(two == 2);
    assert(two + two == 5); /* fails: the program aborts */
}

static void test_processes(void)
{
    parent_pid = getpid();
    CHECK(parent_pid > 0 && getppid() >= 0);

    int status = run_child(child_exit7);
    CHECK(status != -1 && WIFEXITED(status) && !WIFSIGNALED(status) && WEXITSTATUS(status) == 7);
    CHECK(status == 7 << 8);

    status = run_child(child_big_status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0x34);
    status = run_child(child_checks_parent);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    status = run_child(child_changes_memory);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    CHECK(shared_value == 1);
    status = run_child(child_atexit);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);

    /* Faults kill the child with the matching signal. */
    CHECK(killed_by(run_child(child_null_write), SIGSEGV));
    CHECK(killed_by(run_child(child_text_write), SIGSEGV));
    CHECK(killed_by(run_child(child_rodata_write), SIGSEGV));
    CHECK(killed_by(run_child(child_ud2), SIGILL));
    CHECK(killed_by(run_child(child_divide_by_zero), SIGFPE));
    CHECK(killed_by(run_child(child_divide64_by_zero), SIGFPE));
    CHECK(killed_by(run_child(child_abort), SIGABRT));
    CHECK(killed_by(run_child(child_assert), SIGABRT));

    /* WNOHANG, option checking, NULL status, waiting for a specific child. */
    pid_t sleeper = fork();
    CHECK(sleeper >= 0);
    if (sleeper == 0) {
        sleep(1);
        _exit(5);
    }
    if (sleeper > 0) {
        status = -1;
        CHECK(waitpid(sleeper, &status, WNOHANG) == 0);
        CHECK_ERR(waitpid(sleeper, &status, 0x100), EINVAL);
        CHECK(waitpid(sleeper, &status, 0) == sleeper);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);
    }
    CHECK_ERR(waitpid(sleeper, &status, 0), ECHILD); /* already reaped */

    /* Several children, collected with wait() in any order. */
    enum { KIDS = 5 };
    pid_t kids[KIDS];
    for (int i = 0; i < KIDS; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(10 + i);
        CHECK(kids[i] > 0);
    }
    int seen[KIDS] = {0};
    for (int n = 0; n < KIDS; n++) {
        pid_t done = (n == 0) ? waitpid(-1, NULL, 0) : wait(&status);
        for (int i = 0; i < KIDS; i++) {
            if (done == kids[i]) {
                seen[i]++;
                if (n != 0)
                    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 10 + i);
            }
        }
    }
    for (int i = 0; i < KIDS; i++)
        CHECK(seen[i] == 1);
    CHECK_ERR(wait(&status), ECHILD);

    CHECK(sleep(0) == 0);
    section_done("processes");
}

/* ---------------------------------------------------------------- execve */

static const char *self_path;

static void child_exec_self(void)
{
    char *argv[] = {(char *)self_path, "--exec-check", "two words", "x", NULL};
    char *envp[] = {"CTEST_MODE=exec", "OTHER=1", NULL};
    execve(self_path, argv, envp);
    _exit(99); /* execve failed */
}

/* The re-executed program: checks what execve passed, reports through the exit status. */
static int exec_check(int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[2], "two words") != 0 || strcmp(argv[3], "x") != 0 ||
        argv[4] != NULL)
        return 43;
    const char *mode = getenv("CTEST_MODE");
    if (mode == NULL || strcmp(mode, "exec") != 0 || getenv("OTHER") == NULL ||
        getenv("MISSING") != NULL)
        return 44;
    return 42;
}

static void test_execve(const char *argv0)
{
    if (argv0 == NULL || argv0[0] != '/') {
        printf("ctest: execve round trip skipped (argv[0] \"%s\" is not a path)\n",
               argv0 ? argv0 : "(none)");
        return;
    }
    self_path = argv0;
    int status = run_child(child_exec_self);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    section_done("execve");
}

/* ---------------------------------------------------------------- clock */

static long long nanos(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void test_clock(void)
{
    struct timespec t0, t1, t2;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
    CHECK(t0.tv_nsec >= 0 && t0.tv_nsec < 1000000000 && t0.tv_sec >= 0);
    CHECK(nanos(&t1) >= nanos(&t0));
    CHECK(sleep(1) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t2) == 0);
    long long slept = nanos(&t2) - nanos(&t1);
    /* At least a second (minus one 20 ms tick of clock granularity), and not forever. */
    CHECK(slept >= 980000000LL);
    CHECK(slept < 5000000000LL);
    section_done("clock");
}

/* ---------------------------------------------------------------- signals */

static volatile sig_atomic_t caught[NSIG];
/* What the SIGUSR1 handler saw of SIGUSR2 right after raising it (mask test). */
static volatile sig_atomic_t usr2_inside = -1;
static volatile sig_atomic_t depth, max_depth, entries;
static volatile unsigned long context_eip, context_cs;

static void on_signal(int sig)
{
    if (sig > 0 && sig < NSIG)
        caught[sig]++;
}

/* SIGUSR1 with SIGUSR2 in sa_mask: SIGUSR2 raised here must wait for the return. */
static void raises_usr2(int sig)
{
    caught[sig]++;
    raise(SIGUSR2);
    usr2_inside = caught[SIGUSR2];
}

/* Raises its own signal once from inside: nests only with SA_NODEFER. */
static void reenters(int sig)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (entries++ == 0)
        raise(sig);
    depth--;
}

/* The saved context follows the handler's argument (the i386 non-RT frame). */
static void reads_context(int sig)
{
    /* The empty asm hides where the pointer came from, so the compiler does not treat the
     * frame beyond the argument as out of bounds of `sig`. */
    char *frame = (char *)&sig;
    __asm__("" : "+r"(frame));
    struct sigcontext *sc = (struct sigcontext *)(frame + sizeof sig);
    context_eip = sc->eip;
    context_cs = sc->cs;
}

static void exits_42(int sig)
{
    (void)sig;
    _exit(42);
}

static int install(int sig, void (*handler)(int), int flags, sigset_t mask)
{
    struct sigaction act = {.sa_handler = handler, .sa_mask = mask, .sa_flags = flags};
    return sigaction(sig, &act, NULL);
}

static void child_raise_term(void)
{
    raise(SIGTERM);
}

static void child_raise_chld(void)
{
    raise(SIGCHLD); /* default: ignored */
    _exit(0);
}

static void child_abort_with_handler(void)
{
    signal(SIGABRT, on_signal); /* returns: abort() goes on to the default action */
    abort();
}

static void child_abort_blocked(void)
{
    sigset_t abrt;
    sigemptyset(&abrt);
    sigaddset(&abrt, SIGABRT);
    sigprocmask(SIG_BLOCK, &abrt, NULL);
    abort();
}

static void child_catches_segv(void)
{
    signal(SIGSEGV, exits_42);
    *(volatile int *)0 = 1;
}

static void child_own_group(void)
{
    /* In a group of its own, kill(0) reaches only this process. */
    if (setpgid(0, 0) != 0 || getpgrp() != getpid() || getpgid(0) != getpid())
        _exit(1);
    signal(SIGUSR1, on_signal);
    int was = caught[SIGUSR1]; /* the parent's count, copied by fork */
    if (kill(0, SIGUSR1) != 0 || caught[SIGUSR1] != was + 1)
        _exit(2);
    if (killpg(0, SIGUSR1) != 0 || caught[SIGUSR1] != was + 2)
        _exit(3);
    if (setsid() != -1 || errno != EPERM) /* a group leader cannot */
        _exit(4);
    _exit(0);
}

static void child_new_session(void)
{
    pid_t sid = setsid();
    if (sid != getpid() || getsid(0) != sid || getpgrp() != sid)
        _exit(1);
    _exit(0);
}

static void child_waits_forever(void)
{
    for (;;)
        pause();
}

static long long now_nanos(void)
{
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_signals(void)
{
    sigset_t set, got, none;
    struct sigaction old;
    sigemptyset(&none);

    /* Sets. */
    CHECK(sigemptyset(&set) == 0 && set == 0);
    CHECK(sigaddset(&set, SIGINT) == 0 && sigismember(&set, SIGINT) == 1);
    CHECK(sigismember(&set, SIGTERM) == 0);
    CHECK(sigdelset(&set, SIGINT) == 0 && sigismember(&set, SIGINT) == 0);
    CHECK(sigfillset(&set) == 0 && sigismember(&set, 1) == 1 && sigismember(&set, NSIG - 1) == 1);
    CHECK_ERR(sigaddset(&set, 0), EINVAL);
    CHECK_ERR(sigdelset(&set, NSIG), EINVAL);
    CHECK_ERR(sigismember(&set, -1), EINVAL);

    /* signal(), raise(), and the action read back. */
    CHECK(signal(SIGUSR1, on_signal) == SIG_DFL);
    CHECK(raise(SIGUSR1) == 0 && caught[SIGUSR1] == 1);
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_signal);
    CHECK((old.sa_flags & SA_RESTART) && (old.sa_flags & SA_RESTORER) && old.sa_restorer);
    CHECK(signal(SIGKILL, on_signal) == SIG_ERR && errno == EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &old, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &old, NULL), EINVAL);
    CHECK_ERR(sigaction(100, &old, NULL), EINVAL);

    /* A blocked signal waits, pending, until it is unblocked. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK(signal(SIGUSR2, on_signal) == SIG_DFL);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(raise(SIGUSR2) == 0 && caught[SIGUSR2] == 0);
    CHECK(sigpending(&got) == 0 && sigismember(&got, SIGUSR2) == 1);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && caught[SIGUSR2] == 1);
    CHECK(sigpending(&got) == 0 && got == 0);
    CHECK_ERR(sigprocmask(99, &set, NULL), EINVAL);
    /* SIGKILL and SIGSTOP never enter the mask. */
    sigfillset(&set);
    sigset_t saved;
    CHECK(sigprocmask(SIG_SETMASK, &set, &saved) == 0);
    CHECK(sigprocmask(SIG_SETMASK, &saved, &got) == 0);
    CHECK(sigismember(&got, SIGKILL) == 0 && sigismember(&got, SIGSTOP) == 0);
    CHECK(sigismember(&got, SIGUSR1) == 1 && sigismember(&got, SIGSEGV) == 1);

    /* sigsuspend takes a pending signal with a temporary mask and restores the old one. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0 && caught[SIGUSR1] == 1);
    CHECK_ERR(sigsuspend(&none), EINTR);
    CHECK(caught[SIGUSR1] == 2);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, &got) == 0 && sigismember(&got, SIGUSR1) == 1);

    /* An ignored signal is dropped, not left pending. */
    CHECK(signal(SIGUSR2, SIG_IGN) == on_signal);
    CHECK(raise(SIGUSR2) == 0 && caught[SIGUSR2] == 1);
    CHECK(sigpending(&got) == 0 && got == 0);

    /* sa_mask: SIGUSR2 waits until the SIGUSR1 handler returns. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK(install(SIGUSR1, raises_usr2, 0, set) == 0);
    CHECK(signal(SIGUSR2, on_signal) == SIG_IGN);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(caught[SIGUSR1] == 3 && usr2_inside == 1 && caught[SIGUSR2] == 2);

    /* The signal itself is blocked in its handler, unless SA_NODEFER. */
    CHECK(install(SIGUSR1, reenters, 0, none) == 0);
    CHECK(raise(SIGUSR1) == 0 && entries == 2 && max_depth == 1);
    entries = max_depth = 0;
    CHECK(install(SIGUSR1, reenters, SA_NODEFER, none) == 0);
    CHECK(raise(SIGUSR1) == 0 && entries == 2 && max_depth == 2);

    /* SA_RESETHAND: one shot, then the default action again. */
    CHECK(install(SIGUSR2, on_signal, SA_RESETHAND, none) == 0);
    CHECK(raise(SIGUSR2) == 0 && caught[SIGUSR2] == 3);
    CHECK(sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == SIG_DFL);

    /* The handler sees the interrupted context after its argument. */
    CHECK(install(SIGUSR1, reads_context, 0, none) == 0);
    CHECK(raise(SIGUSR1) == 0 && context_eip != 0 && (context_cs & 3) == 3);

    /* Default actions and abort(), in children. */
    CHECK(killed_by(run_child(child_raise_term), SIGTERM));
    int status = run_child(child_raise_chld);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(killed_by(run_child(child_abort_with_handler), SIGABRT));
    CHECK(killed_by(run_child(child_abort_blocked), SIGABRT));
    /* A fault is a signal a handler can catch. */
    status = run_child(child_catches_segv);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);

    /* kill() checks. */
    CHECK(kill(getpid(), 0) == 0);
    CHECK_ERR(kill(getpid(), 100), EINVAL);
    CHECK_ERR(kill(99999999, 0), ESRCH);
    CHECK_ERR(killpg(-2, SIGUSR1), EINVAL);

    /* Process groups and sessions. Under Linux in a container the ids can be 0
     * (a leader outside this pid namespace), so only "not an error" is portable. */
    CHECK(getpgrp() >= 0 && getpgrp() == getpgid(0) && getpgid(getpid()) == getpgrp());
    CHECK(getsid(0) >= 0 && getsid(getpid()) == getsid(0));
    CHECK_ERR(getpgid(99999999), ESRCH);
    CHECK_ERR(getsid(99999999), ESRCH);
    CHECK_ERR(setpgid(0, -1), EINVAL);
    status = run_child(child_own_group);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    status = run_child(child_new_session);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Stop, continue, kill; and a group signalled with killpg. */
    pid_t child = fork();
    if (child == 0)
        child_waits_forever();
    CHECK(child > 0);
    if (child > 0) {
        CHECK(kill(child, 0) == 0);
        CHECK(kill(child, SIGSTOP) == 0);
        CHECK(waitpid(child, &status, WUNTRACED) == child);
        CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP && !WIFSIGNALED(status));
        CHECK(kill(child, SIGCONT) == 0);
        CHECK(waitpid(child, &status, WCONTINUED) == child && WIFCONTINUED(status));
        CHECK(setpgid(child, child) == 0 && getpgid(child) == child);
        CHECK(killpg(child, SIGTERM) == 0);
        CHECK(waitpid(child, &status, 0) == child && killed_by(status, SIGTERM));
        CHECK_ERR(kill(child, 0), ESRCH);
    }

    /* Interrupted and restarted waits: the child signals its parent, then exits. */
    pid_t parent = getpid();
    for (int restart = 0; restart <= 1; restart++) {
        int was = caught[SIGUSR1];
        CHECK(install(SIGUSR1, on_signal, restart ? SA_RESTART : 0, none) == 0);
        child = fork();
        if (child == 0) {
            usleep(50000);
            kill(parent, SIGUSR1);
            usleep(50000);
            _exit(3);
        }
        CHECK(child > 0);
        pid_t r = waitpid(child, &status, 0);
        if (restart) {
            CHECK(r == child && WIFEXITED(status) && WEXITSTATUS(status) == 3);
        } else {
            CHECK(r == -1 && errno == EINTR);
            CHECK(waitpid(child, &status, 0) == child);
        }
        CHECK(caught[SIGUSR1] == was + 1);
    }

    /* alarm, pause, and a sleep cut short. */
    CHECK(signal(SIGALRM, on_signal) == SIG_DFL);
    CHECK(alarm(5) == 0);
    CHECK(alarm(0) == 5);
    long long t0 = now_nanos();
    CHECK(alarm(1) == 0);
    CHECK_ERR(pause(), EINTR);
    long long took = now_nanos() - t0;
    CHECK(caught[SIGALRM] == 1 && took >= 980000000LL && took < 3000000000LL);
    CHECK(alarm(1) == 0);
    struct timespec req = {5, 0}, rem = {0, 0};
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    CHECK(caught[SIGALRM] == 2 && rem.tv_sec >= 3 && rem.tv_sec <= 4);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    t0 = now_nanos();
    CHECK(usleep(20000) == 0 && now_nanos() - t0 >= 19000000LL);

    /* Leave the dispositions and the mask as they were. */
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    section_done("signals");
}

/* ---------------------------------------------------------------- pipes */

static void test_pipes(void)
{
    int fds[2] = {-1, -1};
    char buf[32];

    /* A round trip: what goes in the write end comes out of the read end, then EOF. */
    CHECK(pipe(fds) == 0 && fds[0] >= 0 && fds[1] > fds[0]);
    CHECK(write(fds[1], "through a pipe", 14) == 14);
    memset(buf, 0, sizeof buf);
    CHECK(read(fds[0], buf, sizeof buf) == 14 && memcmp(buf, "through a pipe", 14) == 0);
    CHECK(close(fds[1]) == 0);
    CHECK(read(fds[0], buf, sizeof buf) == 0);
    CHECK(close(fds[0]) == 0);
    CHECK_ERR(close(fds[0]), EBADF);
    CHECK_ERR(read(fds[0], buf, 1), EBADF);

    /* dup takes the lowest free number; dup2 names it. */
    CHECK(pipe(fds) == 0);
    CHECK(close(fds[0]) == 0);
    CHECK(dup(fds[1]) == fds[0]);
    CHECK(dup2(fds[1], fds[0]) == fds[0]);
    CHECK_ERR(dup(-1), EBADF);
    CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);

    /* pipe2 flags, seen and changed through fcntl. */
    CHECK(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(fds[1], F_SETFD, 0) == 0 && fcntl(fds[1], F_GETFD) == 0);
    CHECK((fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
    CHECK_ERR(read(fds[0], buf, 1), EAGAIN);
    CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
    section_done("pipes");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-check") == 0)
        return exec_check(argc, argv);

    printf("ctest: pid %d, ppid %d\n", getpid(), getppid());
    test_errno(); /* first: it needs a process without children */
    test_printf();
    test_strings();
    test_int64();
    test_heap();
    test_processes();
    test_execve(argc > 0 ? argv[0] : NULL);
    test_clock();
    test_signals();
    test_pipes();

    if (failures != 0) {
        printf("FAIL: ctest: %d check(s) failed\n", failures);
        return 1;
    }
    puts("PASS ctest");
    return 0;
}
