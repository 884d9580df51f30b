/* TEST ONLY: the shim's system-call layer (src/sys.c) re-done over Linux i386 system calls
 * (int $0x80), so that everything else in the shim -- crt0, printf, malloc, strings, errno
 * handling -- and the programs in uapps/c can run natively on a Linux build machine, with
 * the very same linker script, before (and independently of) the Lunaix kernel.
 * Used by test/host-test.sh; never part of sysroot/lib/libc.a. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/lx_internal.h"

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
#define LINUX_open 5
#define LINUX_unlink 10
#define LINUX_chdir 12
#define LINUX_rename 38
#define LINUX_mkdir 39
#define LINUX_rmdir 40
#define LINUX_ioctl 54
#define LINUX_llseek 140
#define LINUX_getcwd 183
#define LINUX_stat64 195
#define LINUX_fstat64 197
#define LINUX_getdents64 220

static long linux3(long nr, long a1, long a2, long a3)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
    return ret;
}

static long linux5(long nr, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
                     : "memory");
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

pid_t __lx_fork(void)
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

/* Files. Linux's O_* values are the kernel's (abi::fs), so flags pass through unchanged. */

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return (int)result(linux3(LINUX_open, (long)path, flags, (long)mode));
}

/* Lunaix's lseek is Linux's _llseek, argument for argument. */
off_t lseek(int fd, off_t offset, int whence)
{
    unsigned long long u = (unsigned long long)offset;
    long long pos = 0;
    long raw = linux5(LINUX_llseek, fd, (long)(unsigned long)(u >> 32), (long)(unsigned long)u,
                      (long)&pos, whence);
    if (result(raw) < 0)
        return -1;
    return pos;
}

int mkdir(const char *path, mode_t mode)
{
    return (int)result(linux3(LINUX_mkdir, (long)path, (long)mode, 0));
}

int rmdir(const char *path)
{
    return (int)result(linux3(LINUX_rmdir, (long)path, 0, 0));
}

int unlink(const char *path)
{
    return (int)result(linux3(LINUX_unlink, (long)path, 0, 0));
}

int chdir(const char *path)
{
    return (int)result(linux3(LINUX_chdir, (long)path, 0, 0));
}

/* Linux's getcwd system call returns the length with the NUL, as Lunaix's. */
char *getcwd(char *buf, size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (result(linux3(LINUX_getcwd, (long)buf, (long)size, 0)) < 0)
        return NULL;
    return buf;
}

int rename(const char *oldpath, const char *newpath)
{
    return (int)result(linux3(LINUX_rename, (long)oldpath, (long)newpath, 0));
}

/* TCGETS fills Linux's kernel struct termios, the very one Lunaix's does. */
int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)result(linux3(LINUX_ioctl, fd, (long)req, (long)arg));
}

ssize_t getdents64(int fd, void *buf, size_t count)
{
    return (ssize_t)result(linux3(LINUX_getdents64, fd, (long)buf, (long)count));
}

/* Linux i386's struct stat64 (asm/stat.h; long long aligned to 4 inside structs), 96 bytes. */
struct linux_stat64 {
    unsigned long long st_dev;
    unsigned char pad0[4];
    unsigned int short_ino;
    unsigned int st_mode;
    unsigned int st_nlink;
    unsigned int st_uid;
    unsigned int st_gid;
    unsigned long long st_rdev;
    unsigned char pad3[4];
    long long st_size;
    unsigned int st_blksize;
    unsigned long long st_blocks;
    unsigned int st_atime_sec, st_atime_nsec;
    unsigned int st_mtime_sec, st_mtime_nsec;
    unsigned int st_ctime_sec, st_ctime_nsec;
    unsigned long long st_ino;
};

_Static_assert(sizeof(struct linux_stat64) == 96, "Linux i386 struct stat64");
_Static_assert(__builtin_offsetof(struct linux_stat64, st_size) == 44, "st_size");
_Static_assert(__builtin_offsetof(struct linux_stat64, st_ino) == 88, "st_ino");

/* Converts Linux's struct stat64 into the kernel's struct stat (see <sys/stat.h>). */
static void from_linux(struct stat *out, const struct linux_stat64 *in)
{
    memset(out, 0, sizeof *out);
    out->st_dev = in->st_dev;
    out->st_ino = in->st_ino;
    out->st_mode = in->st_mode;
    out->st_nlink = in->st_nlink;
    out->st_uid = in->st_uid;
    out->st_gid = in->st_gid;
    out->st_rdev = in->st_rdev;
    out->st_size = in->st_size;
    out->st_blksize = in->st_blksize;
    out->st_blocks = in->st_blocks;
    out->st_atim.tv_sec = (long)in->st_atime_sec;
    out->st_atim.tv_nsec = (long)in->st_atime_nsec;
    out->st_mtim.tv_sec = (long)in->st_mtime_sec;
    out->st_mtim.tv_nsec = (long)in->st_mtime_nsec;
    out->st_ctim.tv_sec = (long)in->st_ctime_sec;
    out->st_ctim.tv_nsec = (long)in->st_ctime_nsec;
}

int fstat(int fd, struct stat *buf)
{
    struct linux_stat64 st;
    if (result(linux3(LINUX_fstat64, fd, (long)&st, 0)) < 0)
        return -1;
    from_linux(buf, &st);
    return 0;
}

int stat(const char *__restrict path, struct stat *__restrict buf)
{
    struct linux_stat64 st;
    if (result(linux3(LINUX_stat64, (long)path, (long)&st, 0)) < 0)
        return -1;
    from_linux(buf, &st);
    return 0;
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
