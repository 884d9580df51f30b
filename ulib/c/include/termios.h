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

typedef unsigned int speed_t;

/* c_cc indices. */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSWTC    7
#define VSTART   8
#define VSTOP    9
#define VSUSP    10
#define VEOL     11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE  14
#define VLNEXT   15
#define VEOL2    16

/* c_iflag. The console acts on ICRNL; the others are kept and reported. */
#define IGNBRK   0000001
#define BRKINT   0000002
#define IGNPAR   0000004
#define PARMRK   0000010
#define INPCK    0000020
#define ISTRIP   0000040
#define INLCR    0000100
#define IGNCR    0000200
#define ICRNL    0000400
#define IUCLC    0001000
#define IXON     0002000
#define IXANY    0004000
#define IXOFF    0010000
#define IMAXBEL  0020000
#define IUTF8    0040000

/* c_oflag. The console acts on OPOST with ONLCR (NL sent as CR NL); the others are kept. */
#define OPOST    0000001
#define OLCUC    0000002
#define ONLCR    0000004
#define OCRNL    0000010
#define ONOCR    0000020
#define ONLRET   0000040
#define OFILL    0000100
#define OFDEL    0000200

/* c_cflag: the speed (CBAUD bits), character size, stop bits, parity. Kept and reported; the
 * serial line itself does not change. */
#define CBAUD    0010017
#define B0       0000000
#define B50      0000001
#define B75      0000002
#define B110     0000003
#define B134     0000004
#define B150     0000005
#define B200     0000006
#define B300     0000007
#define B600     0000010
#define B1200    0000011
#define B1800    0000012
#define B2400    0000013
#define B4800    0000014
#define B9600    0000015
#define B19200   0000016
#define B38400   0000017
#define B57600   0010001
#define B115200  0010002
#define B230400  0010003
#define B460800  0010004
#define CSIZE    0000060
#define CS5      0000000
#define CS6      0000020
#define CS7      0000040
#define CS8      0000060
#define CSTOPB   0000100
#define CREAD    0000200
#define PARENB   0000400
#define PARODD   0001000
#define HUPCL    0002000
#define CLOCAL   0004000
#define CRTSCTS  020000000000

/* c_lflag. The console acts on ISIG, ICANON and ECHO; the others are kept and reported. */
#define ISIG     0000001
#define ICANON   0000002
#define ECHO     0000010
#define ECHOE    0000020
#define ECHOK    0000040
#define ECHONL   0000100
#define NOFLSH   0000200
#define TOSTOP   0000400
#define ECHOCTL  0001000
#define ECHOPRT  0002000
#define ECHOKE   0004000
#define IEXTEN   0100000

/* tcsetattr() actions. Output is never queued, so TCSADRAIN is TCSANOW; TCSAFLUSH also discards
 * input not yet read. */
#define TCSANOW   0
#define TCSADRAIN 1
#define TCSAFLUSH 2

/* tcflush() queues. */
#define TCIFLUSH  0
#define TCOFLUSH  1
#define TCIOFLUSH 2

/* Store fd's terminal settings in *t. 0, or -1 with errno set: EBADF, ENOTTY. */
int tcgetattr(int fd, struct termios *t);
/* Set fd's terminal settings from *t (TCSETS); `when` is TCSANOW, TCSADRAIN or TCSAFLUSH.
 * 0, or -1 with errno set: EBADF, ENOTTY, EINVAL. */
int tcsetattr(int fd, int when, const struct termios *t);
/* Turn *t into raw settings: no echo, no canonical editing, no signal characters, no CR to NL,
 * 8-bit bytes, VMIN 1 and VTIME 0 (a read returns as soon as one byte is there). */
void cfmakeraw(struct termios *t);
/* Discard input not yet read (TCIFLUSH), output not yet sent (TCOFLUSH: there never is any) or
 * both (TCIOFLUSH). 0, or -1 with errno set: EBADF, ENOTTY, EINVAL. */
int tcflush(int fd, int queue);
/* Wait until all output has been sent (at once: writes are never queued). 0, or -1 with errno. */
int tcdrain(int fd);
/* The speed in *t (one of the B* values). Input and output share one speed. */
speed_t cfgetospeed(const struct termios *t);
speed_t cfgetispeed(const struct termios *t);
/* Set the speed in *t (not yet on the terminal: that is tcsetattr's work). 0, or -1 with errno
 * EINVAL for a value that is no B* speed. cfsetispeed with 0 leaves the speed as it is. */
int cfsetospeed(struct termios *t, speed_t speed);
int cfsetispeed(struct termios *t, speed_t speed);
int cfsetspeed(struct termios *t, speed_t speed);
/* The session whose controlling terminal fd is (TIOCGSID), or -1 with errno set: EBADF,
 * ENOTTY (not a terminal, or not the caller's controlling terminal). */
pid_t tcgetsid(int fd);

#endif /* _TERMIOS_H */
