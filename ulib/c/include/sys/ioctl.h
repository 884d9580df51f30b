/* sys/ioctl.h - device requests. The requests are Linux's i386 numbers (kernel/abi/src/tty.rs),
 * all on the console: settings, draining, flushing, the foreground group, the window size, the
 * bytes waiting to be read, and the controlling terminal (TIOCSCTTY, TIOCNOTTY, TIOCGSID). */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#define TCGETS     0x5401 /* store the terminal's struct termios at arg */
#define TCSETS     0x5402 /* set the terminal's struct termios from arg, at once */
#define TCSETSW    0x5403 /* the same once output is drained (it always is) */
#define TCSETSF    0x5404 /* the same, discarding input not yet read */
#define TCSBRK     0x5409 /* wait for output to drain (arg 1: tcdrain) */
#define TCFLSH     0x540b /* discard input (arg TCIFLUSH), output (TCOFLUSH) or both */
#define TIOCGPGRP  0x540f /* store the terminal's foreground process group at arg */
#define TIOCSPGRP  0x5410 /* make the group at arg the terminal's foreground group */
#define TIOCGWINSZ 0x5413 /* store the terminal's struct winsize at arg */
#define TIOCSWINSZ 0x5414 /* set it from arg; the foreground group gets SIGWINCH on a change */
#define FIONREAD   0x541b /* store the number of bytes a read could take now (int) at arg */
#define TIOCSCTTY  0x540e /* make it the caller's controlling terminal (caller leads a session
                             without one; arg 1 takes it from another session) */
#define TIOCNOTTY  0x5422 /* give up the controlling terminal (a session leader: the session
                             loses it, the foreground group gets SIGHUP and SIGCONT) */
#define TIOCGSID   0x5429 /* store the session the terminal controls (pid_t) at arg */

/* The terminal's size (TIOCGWINSZ): the console says 24 rows of 80 columns until TIOCSWINSZ. */
struct winsize {
    unsigned short ws_row;
    unsigned short ws_col;
    unsigned short ws_xpixel;
    unsigned short ws_ypixel;
};

/* Make device request req on fd; the third argument (a pointer, if any) is what req says.
 * Returns what the request returns (0 for the ones above), or -1 with errno set: EBADF,
 * ENOTTY (fd is not a terminal, or no device knows req), EFAULT, EINVAL. */
int ioctl(int fd, unsigned long req, ...);

#endif /* _SYS_IOCTL_H */
