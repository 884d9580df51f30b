/* The system-call wrappers: one function per call of kernel/abi/syscalls.tbl, built on the
 * generated traps of <sys/syscall.h>. Each returns -1 (sbrk: (void *)-1) and sets errno
 * when the kernel reports an error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lx_internal.h"

/* POSIX convention: on error store the code in errno and return -1; else return raw. */
static long result(long raw)
{
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

pid_t __lx_fork(void)
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

ssize_t read(int fd, void *buf, size_t count)
{
    return (ssize_t)result(__lunaix_syscall3(SYS_read, fd, (long)buf, (long)count));
}

int close(int fd)
{
    return (int)result(__lunaix_syscall1(SYS_close, fd));
}

int dup(int fd)
{
    return (int)result(__lunaix_syscall1(SYS_dup, fd));
}

int dup2(int oldfd, int newfd)
{
    return (int)result(__lunaix_syscall2(SYS_dup2, oldfd, newfd));
}

int pipe2(int fds[2], int flags)
{
    /* The kernel stores struct { int read, write; }: the layout of int[2]. */
    return (int)result(__lunaix_syscall2(SYS_pipe2, (long)fds, flags));
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}

int fcntl(int fd, int cmd, ...)
{
    /* F_GETFD and F_GETFL take no argument: do not read one the caller did not pass. */
    int arg = 0;
    if (cmd != F_GETFD && cmd != F_GETFL) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
    }
    return (int)result(__lunaix_syscall3(SYS_fcntl, fd, cmd, arg));
}

/* ---------------------------------------------------------------- files */

int open(const char *path, int flags, ...)
{
    /* The mode is there only with O_CREAT: do not read one the caller did not pass. */
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return (int)result(__lunaix_syscall3(SYS_open, (long)path, flags, (long)mode));
}

off_t lseek(int fd, off_t offset, int whence)
{
    /* Linux's _llseek: the offset in two halves, the result stored through a pointer. */
    unsigned long long u = (unsigned long long)offset;
    long long pos = 0;
    long raw = __lunaix_syscall5(SYS_lseek, fd, (long)(unsigned long)(u >> 32),
                                 (long)(unsigned long)u, (long)&pos, whence);
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return pos;
}

int mkdir(const char *path, mode_t mode)
{
    return (int)result(__lunaix_syscall2(SYS_mkdir, (long)path, (long)mode));
}

int rmdir(const char *path)
{
    return (int)result(__lunaix_syscall1(SYS_rmdir, (long)path));
}

int unlink(const char *path)
{
    return (int)result(__lunaix_syscall1(SYS_unlink, (long)path));
}

int chdir(const char *path)
{
    return (int)result(__lunaix_syscall1(SYS_chdir, (long)path));
}

char *getcwd(char *buf, size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* The kernel returns the length with the NUL (ERANGE when size is too small). */
    long raw = __lunaix_syscall2(SYS_getcwd, (long)buf, (long)size);
    if (__lunaix_is_error(raw)) {
        errno = (int)-raw;
        return NULL;
    }
    return buf;
}

int rename(const char *oldpath, const char *newpath)
{
    return (int)result(__lunaix_syscall2(SYS_rename, (long)oldpath, (long)newpath));
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)result(__lunaix_syscall3(SYS_ioctl, fd, (long)req, (long)arg));
}

int fstat(int fd, struct stat *buf)
{
    return (int)result(__lunaix_syscall2(SYS_fstat, fd, (long)buf));
}

int stat(const char *__restrict path, struct stat *__restrict buf)
{
    return (int)result(__lunaix_syscall2(SYS_stat, (long)path, (long)buf));
}

ssize_t getdents64(int fd, void *buf, size_t count)
{
    return (ssize_t)result(__lunaix_syscall3(SYS_getdents64, fd, (long)buf, (long)count));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)result(__lunaix_syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)result(__lunaix_syscall2(SYS_clock_gettime, clock, (long)ts));
}

/* ---------------------------------------------------------------- signals */

#define LX_STR(x) #x
#define LX_XSTR(x) LX_STR(x)

/* The restorer every action names (SA_RESTORER): a handler returns here with esp at its
 * argument, the signal number. Pop it, and sigreturn finds the saved context at esp; it
 * restores every register, so nothing after the trap runs. */
__asm__(".pushsection .text.__lx_sigreturn, \"ax\", @progbits\n"
        ".globl __lx_sigreturn\n"
        ".type __lx_sigreturn, @function\n"
        "__lx_sigreturn:\n"
        "    popl %eax\n"
        "    movl $" LX_XSTR(SYS_sigreturn) ", %eax\n"
        "    int $0x21\n"
        ".size __lx_sigreturn, . - __lx_sigreturn\n"
        ".popsection");

void __lx_sigreturn(void);

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
    struct sigaction with_restorer;
    if (act) {
        with_restorer = *act;
        with_restorer.sa_flags |= SA_RESTORER;
        with_restorer.sa_restorer = __lx_sigreturn;
        act = &with_restorer;
    }
    return (int)result(__lunaix_syscall3(SYS_sigaction, sig, (long)act, (long)oldact));
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
    return (int)result(__lunaix_syscall3(SYS_sigprocmask, how, (long)set, (long)oldset));
}

int sigpending(sigset_t *set)
{
    return (int)result(__lunaix_syscall1(SYS_sigpending, (long)set));
}

int sigsuspend(const sigset_t *mask)
{
    return (int)result(__lunaix_syscall1(SYS_sigsuspend, (long)mask));
}

int pause(void)
{
    return (int)result(__lunaix_syscall0(SYS_pause));
}

int kill(pid_t pid, int sig)
{
    return (int)result(__lunaix_syscall2(SYS_kill, pid, sig));
}

unsigned int alarm(unsigned int seconds)
{
    long raw = __lunaix_syscall1(SYS_alarm, (long)seconds);
    return __lunaix_is_error(raw) ? 0 : (unsigned int)raw;
}

/* ---------------------------------------------------------------- process groups, sessions */

pid_t getpgid(pid_t pid)
{
    return (pid_t)result(__lunaix_syscall1(SYS_getpgid, pid));
}

int setpgid(pid_t pid, pid_t pgid)
{
    return (int)result(__lunaix_syscall2(SYS_setpgid, pid, pgid));
}

pid_t setsid(void)
{
    return (pid_t)result(__lunaix_syscall0(SYS_setsid));
}

pid_t getsid(pid_t pid)
{
    return (pid_t)result(__lunaix_syscall1(SYS_getsid, pid));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)result(__lunaix_syscall2(SYS_nanosleep, (long)req, (long)rem));
}
