/* sys/ioctl.h - device requests. The requests are Linux's i386 numbers (kernel/abi/src/tty.rs):
 * TCGETS, TCSETS, TIOCGPGRP, TIOCSPGRP, TIOCGWINSZ. */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#define TCGETS    0x5401  /* store the terminal's struct termios at arg */
#define TCSETS    0x5402  /* set the terminal's struct termios from arg, at once */
#define TIOCGPGRP 0x540f  /* store the terminal's foreground process group at arg */
#define TIOCSPGRP 0x5410  /* make the group at arg the terminal's foreground group */
#define TIOCGWINSZ 0x5413 /* store the terminal's struct winsize at arg */

/* The terminal's size (TIOCGWINSZ): the console says 24 rows of 80 columns. */
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
