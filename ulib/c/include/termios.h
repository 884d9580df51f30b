/* termios.h - terminal settings: Linux's kernel struct termios on i386 (36 bytes; the
 * kernel's abi::tty::Termios), read with tcgetattr() and set with tcsetattr(). */
#ifndef _TERMIOS_H
#define _TERMIOS_H

#include <sys/ioctl.h>

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;

#define NCCS 19

struct termios {
    tcflag_t c_iflag;  /* input modes */
    tcflag_t c_oflag;  /* output modes */
    tcflag_t c_cflag;  /* control modes */
    tcflag_t c_lflag;  /* local modes */
    cc_t c_line;       /* line discipline (0) */
    cc_t c_cc[NCCS];   /* control characters, indexed by V* */
};

_Static_assert(sizeof(struct termios) == 36, "struct termios is Linux's kernel one");

/* c_cc indices. */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSTART   8
#define VSTOP    9
#define VSUSP    10
#define VEOL     11

/* c_iflag. */
#define IGNBRK   0000001
#define BRKINT   0000002
#define PARMRK   0000010
#define ISTRIP   0000040
#define INLCR    0000100
#define IGNCR    0000200
#define ICRNL    0000400
#define IXON     0002000
/* c_cflag. */
#define CSIZE    0000060
#define CS8      0000060
#define PARENB   0000400
/* c_oflag. */
#define OPOST    0000001
#define ONLCR    0000004
/* c_lflag. */
#define ISIG     0000001
#define ICANON   0000002
#define ECHO     0000010
#define ECHOE    0000020
#define ECHOK    0000040
#define ECHONL   0000100
#define NOFLSH   0000200
#define TOSTOP   0000400
#define IEXTEN   0100000

/* tcsetattr() actions (all take effect at once: output is not queued). */
#define TCSANOW   0
#define TCSADRAIN 1
#define TCSAFLUSH 2

/* Store fd's terminal settings in *t. 0, or -1 with errno set: EBADF, ENOTTY. */
int tcgetattr(int fd, struct termios *t);
/* Set fd's terminal settings from *t (TCSETS); `when` is TCSANOW, TCSADRAIN or TCSAFLUSH.
 * 0, or -1 with errno set: EBADF, ENOTTY, EINVAL. */
int tcsetattr(int fd, int when, const struct termios *t);
/* Turn *t into raw settings: no echo, no canonical editing, no signal characters, no CR to NL,
 * 8-bit bytes, VMIN 1 and VTIME 0 (a read returns as soon as one byte is there). */
void cfmakeraw(struct termios *t);

#endif /* _TERMIOS_H */
