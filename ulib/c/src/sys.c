/* The system-call wrappers: one function per call of kernel/abi/syscalls.tbl, built on the
 * generated traps of <sys/syscall.h>. Each returns -1 (sbrk: (void *)-1) and sets errno
 * when the kernel reports an error. */
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* POSIX convention: on error store the code in errno and return -1; else return raw. */
static long result(long raw)
{
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

pid_t fork(void)
{
    return (pid_t)result(__lunaix_syscall0(SYS_fork));
}

int sched_yield(void)
{
    return (int)result(__lunaix_syscall0(SYS_yield));
}

void *sbrk(__INTPTR_TYPE__ increment)
{
    long raw = __lunaix_syscall1(SYS_sbrk, (long)increment);
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return (void *)-1;
    }
    return (void *)raw;
}

int brk(void *addr)
{
    return (int)result(__lunaix_syscall1(SYS_brk, (long)addr));
}

pid_t getpid(void)
{
    return (pid_t)__lunaix_syscall0(SYS_getpid);
}

pid_t getppid(void)
{
    return (pid_t)__lunaix_syscall0(SYS_getppid);
}

unsigned int sleep(unsigned int seconds)
{
    long raw = __lunaix_syscall1(SYS_sleep, (long)seconds);
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return seconds;
    }
    return (unsigned int)raw;
}

void _exit(int status)
{
    for (;;)
        __lunaix_syscall1(SYS_exit, status);
}

pid_t wait(int *status)
{
    return (pid_t)result(__lunaix_syscall1(SYS_wait, (long)status));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)result(__lunaix_syscall3(SYS_waitpid, pid, (long)status, options));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return (ssize_t)result(__lunaix_syscall3(SYS_write, fd, (long)buf, (long)count));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)result(__lunaix_syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)result(__lunaix_syscall2(SYS_clock_gettime, clock, (long)ts));
}
