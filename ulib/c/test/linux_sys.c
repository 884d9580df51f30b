/* TEST ONLY: the shim's system-call layer (src/sys.c) re-done over Linux i386 system calls
 * (int $0x80), so that everything else in the shim -- crt0, printf, malloc, strings, errno
 * handling -- and the programs in uapps/c can run natively on a Linux build machine, with
 * the very same linker script, before (and independently of) the Lunaix kernel.
 * Used by test/host-test.sh; never part of sysroot/lib/libc.a. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux i386 call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define LINUX_exit 1
#define LINUX_fork 2
#define LINUX_write 4
#define LINUX_waitpid 7
#define LINUX_execve 11
#define LINUX_getpid 20
#define LINUX_brk 45
#define LINUX_getppid 64
#define LINUX_sched_yield 158
#define LINUX_nanosleep 162
#define LINUX_clock_gettime 265
#define LINUX_alarm 27
#define LINUX_pause 29
#define LINUX_kill 37
#define LINUX_setpgid 57
#define LINUX_setsid 66
#define LINUX_sigaction 67
#define LINUX_sigsuspend 72
#define LINUX_sigpending 73
#define LINUX_sigreturn 119
#define LINUX_sigprocmask 126
#define LINUX_getpgid 132
#define LINUX_getsid 147
#define LINUX_read 3
#define LINUX_close 6
#define LINUX_dup 41
#define LINUX_fcntl 55
#define LINUX_dup2 63
#define LINUX_pipe2 331

static long linux3(long nr, long a1, long a2, long a3)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
    return ret;
}

static long result(long raw)
{
    if (__lunaix_is_error(raw)) { /* Linux's error range is the same -4095..-1 */
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

pid_t fork(void)
{
    return (pid_t)result(linux3(LINUX_fork, 0, 0, 0));
}

int sched_yield(void)
{
    return (int)result(linux3(LINUX_sched_yield, 0, 0, 0));
}

/* Linux's brk returns the new break, or the old one when it refuses: emulate Lunaix's
 * brk (0 or an error) and sbrk (previous break or an error) over it. */
static uintptr_t current_break;

int brk(void *addr)
{
    current_break = (uintptr_t)linux3(LINUX_brk, (long)addr, 0, 0);
    if (current_break != (uintptr_t)addr) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void *sbrk(intptr_t increment)
{
    if (current_break == 0)
        current_break = (uintptr_t)linux3(LINUX_brk, 0, 0, 0);
    uintptr_t old = current_break;
    uintptr_t want = old + (uintptr_t)increment;
    if ((increment > 0 && want < old) || (increment < 0 && want > old)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    if (increment != 0 && brk((void *)want) < 0)
        return (void *)-1;
    return (void *)old;
}

pid_t getpid(void)
{
    return (pid_t)linux3(LINUX_getpid, 0, 0, 0);
}

pid_t getppid(void)
{
    return (pid_t)linux3(LINUX_getppid, 0, 0, 0);
}

unsigned int sleep(unsigned int seconds)
{
    struct timespec want = {(long)seconds, 0};
    struct timespec left = {0, 0};
    if (result(linux3(LINUX_nanosleep, (long)&want, (long)&left, 0)) < 0)
        return (unsigned int)left.tv_sec + (left.tv_nsec > 0);
    return 0;
}

void _exit(int status)
{
    for (;;)
        linux3(LINUX_exit, status, 0, 0);
}

pid_t wait(int *status)
{
    return (pid_t)result(linux3(LINUX_waitpid, -1, (long)status, 0));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)result(linux3(LINUX_waitpid, pid, (long)status, options));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return (ssize_t)result(linux3(LINUX_write, fd, (long)buf, (long)count));
}

ssize_t read(int fd, void *buf, size_t count)
{
    return (ssize_t)result(linux3(LINUX_read, fd, (long)buf, (long)count));
}

int close(int fd)
{
    return (int)result(linux3(LINUX_close, fd, 0, 0));
}

int dup(int fd)
{
    return (int)result(linux3(LINUX_dup, fd, 0, 0));
}

int dup2(int oldfd, int newfd)
{
    return (int)result(linux3(LINUX_dup2, oldfd, newfd, 0));
}

/* The O_* and F_* values are Linux's, so flags and commands pass through unchanged. */
int pipe2(int fds[2], int flags)
{
    return (int)result(linux3(LINUX_pipe2, (long)fds, flags, 0));
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}

int fcntl(int fd, int cmd, ...)
{
    int arg = 0;
    if (cmd != F_GETFD && cmd != F_GETFL) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
    }
    return (int)result(linux3(LINUX_fcntl, fd, cmd, arg));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)result(linux3(LINUX_execve, (long)path, (long)argv, (long)envp));
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)result(linux3(LINUX_clock_gettime, clock, (long)ts, 0));
}

/* Signals: Linux i386's old calls take the very structures Lunaix's do (one-word sigset_t,
 * the old struct sigaction, the non-RT frame with a struct sigcontext after the argument),
 * so only the numbers and the restorer's trap differ. */
#define LX_STR(x) #x
#define LX_XSTR(x) LX_STR(x)

__asm__(".pushsection .text.__lx_linux_sigreturn, \"ax\", @progbits\n"
        "__lx_linux_sigreturn:\n"
        "    popl %eax\n"
        "    movl $" LX_XSTR(LINUX_sigreturn) ", %eax\n"
        "    int $0x80\n"
        ".popsection");

void __lx_linux_sigreturn(void);

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
    struct sigaction with_restorer;
    if (act) {
        with_restorer = *act;
        with_restorer.sa_flags |= SA_RESTORER;
        with_restorer.sa_restorer = __lx_linux_sigreturn;
        act = &with_restorer;
    }
    return (int)result(linux3(LINUX_sigaction, sig, (long)act, (long)oldact));
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
    return (int)result(linux3(LINUX_sigprocmask, how, (long)set, (long)oldset));
}

int sigpending(sigset_t *set)
{
    return (int)result(linux3(LINUX_sigpending, (long)set, 0, 0));
}

int sigsuspend(const sigset_t *mask)
{
    /* Linux i386's old sigsuspend takes the mask itself, in the third register. */
    return (int)result(linux3(LINUX_sigsuspend, 0, 0, (long)*mask));
}

int pause(void)
{
    return (int)result(linux3(LINUX_pause, 0, 0, 0));
}

int kill(pid_t pid, int sig)
{
    return (int)result(linux3(LINUX_kill, pid, sig, 0));
}

unsigned int alarm(unsigned int seconds)
{
    return (unsigned int)linux3(LINUX_alarm, (long)seconds, 0, 0);
}

pid_t getpgid(pid_t pid)
{
    return (pid_t)result(linux3(LINUX_getpgid, pid, 0, 0));
}

int setpgid(pid_t pid, pid_t pgid)
{
    return (int)result(linux3(LINUX_setpgid, pid, pgid, 0));
}

pid_t setsid(void)
{
    return (pid_t)result(linux3(LINUX_setsid, 0, 0, 0));
}

pid_t getsid(pid_t pid)
{
    return (pid_t)result(linux3(LINUX_getsid, pid, 0, 0));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)result(linux3(LINUX_nanosleep, (long)req, (long)rem, 0));
}
