/* The calls of <unistd.h>, <termios.h> and <stdio.h> that are built on system-call wrappers
 * (sys.c) rather than being one: fork()'s flush, isatty(), tcgetattr(), tcsetattr(), execv(),
 * execvp(), remove(), access() (over stat) and time() (over the monotonic clock). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lx_internal.h"

pid_t fork(void)
{
    /* Whatever sits in a buffer now would otherwise be written by both processes. */
    fflush(NULL);
    return __lx_fork();
}

int tcgetattr(int fd, struct termios *t)
{
    return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int when, const struct termios *t)
{
    if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH) {
        errno = EINVAL;
        return -1;
    }
    static const unsigned long request[] = {TCSETS, TCSETSW, TCSETSF};
    return ioctl(fd, request[when], t);
}

int tcflush(int fd, int queue)
{
    return ioctl(fd, TCFLSH, queue);
}

int tcdrain(int fd)
{
    return ioctl(fd, TCSBRK, 1);
}

speed_t cfgetospeed(const struct termios *t)
{
    return t->c_cflag & CBAUD;
}

speed_t cfgetispeed(const struct termios *t)
{
    return cfgetospeed(t);
}

int cfsetospeed(struct termios *t, speed_t speed)
{
    if (speed & ~(speed_t)CBAUD || (speed > B38400 && speed < B57600) || speed > B460800) {
        errno = EINVAL;
        return -1;
    }
    t->c_cflag = (t->c_cflag & ~(tcflag_t)CBAUD) | speed;
    return 0;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
    return speed == B0 ? 0 : cfsetospeed(t, speed);
}

int cfsetspeed(struct termios *t, speed_t speed)
{
    return cfsetospeed(t, speed);
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~OPOST;
    t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

pid_t tcgetpgrp(int fd)
{
    int pgrp;
    if (ioctl(fd, TIOCGPGRP, &pgrp) < 0)
        return -1;
    return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int group = pgrp;
    return ioctl(fd, TIOCSPGRP, &group);
}

pid_t tcgetsid(int fd)
{
    int sid;
    if (ioctl(fd, TIOCGSID, &sid) < 0)
        return -1;
    return sid;
}

int isatty(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) < 0) {
        /* A kernel without ioctl says ENOSYS: that is no terminal either. */
        if (errno == ENOSYS || errno == EINVAL)
            errno = ENOTTY;
        return 0;
    }
    return 1;
}

int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

int execvp(const char *file, char *const argv[])
{
    if (file == NULL || *file == '\0') {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/') != NULL)
        return execv(file, argv);

    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/bin";
    size_t flen = strlen(file);
    int last_error = ENOENT;
    /* Each directory of the colon-separated list; an empty one means the current directory. */
    for (const char *dir = path;; dir++) {
        const char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        char candidate[512];
        if (dlen + 1 + flen + 1 <= sizeof candidate) {
            memcpy(candidate, dir, dlen);
            size_t n = dlen;
            if (n > 0)
                candidate[n++] = '/';
            memcpy(candidate + n, file, flen + 1);
            execv(candidate, argv);
            /* Not there: try the next directory. Anything else (EACCES, ENOEXEC, ...) is what
             * we report if no later directory has the program. */
            if (errno != ENOENT && errno != ENOTDIR)
                last_error = errno;
        } else {
            last_error = ENAMETOOLONG;
        }
        if (end == NULL)
            break;
        dir = end;
    }
    errno = last_error;
    return -1;
}

int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    /* A directory: Linux says EISDIR, POSIX allows EPERM. */
    if (errno != EISDIR && errno != EPERM)
        return -1;
    return rmdir(path);
}

/* There is no access system call and no user other than root: like the kernel for root,
 * reading and writing are always allowed once the file exists; executing needs an x bit on
 * anything but a directory. */
int access(const char *path, int mode)
{
    if (mode & ~(R_OK | W_OK | X_OK)) {
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if ((mode & X_OK) && !S_ISDIR(st.st_mode) && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

/* No wall clock yet: seconds since boot. */
time_t time(time_t *t)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        return (time_t)-1;
    if (t != NULL)
        *t = ts.tv_sec;
    return ts.tv_sec;
}
