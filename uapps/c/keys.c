/* keys: shows the bytes each key sends, with the terminal in raw mode the way full-screen C
 * programs (editors like kilo) set it up: no echo, no canonical editing, no signal keys, no
 * CR-to-NL or output processing, and reads that time out after a tenth of a second (VMIN 0,
 * VTIME 1) so the program could redraw while waiting. 'q' quits and restores the settings.
 *
 *   keys            then type; each key prints as "key 97 'a'", ESC [ A as three keys, ^C as 3 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static struct termios original;

static void restore(void)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &original);
}

static int enable_raw_mode(void)
{
    if (tcgetattr(STDIN_FILENO, &original) < 0)
        return -1;
    atexit(restore);
    struct termios raw = original;
    raw.c_iflag &= ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_oflag &= ~(OPOST);
    raw.c_cflag |= CS8;
    raw.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 1;
    return tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
}

int main(void)
{
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "keys: standard input is not a terminal\n");
        return 2;
    }
    if (enable_raw_mode() < 0) {
        perror("keys: tcsetattr");
        return 1;
    }
    /* Without OPOST, a line ends with CR NL written out. */
    printf("keys: raw mode, type keys, q quits\r\n");
    fflush(stdout);
    int timeouts = 0;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            perror("keys: read");
            return 1;
        }
        if (n <= 0) {
            timeouts++; /* a tenth of a second without a key */
            continue;
        }
        unsigned char byte = (unsigned char)c;
        if (isprint(byte))
            printf("key %d '%c'\r\n", byte, byte);
        else
            printf("key %d\r\n", byte);
        fflush(stdout);
        if (byte == 'q')
            break;
    }
    printf("keys: done after %s\r\n", timeouts > 0 ? "some timeouts" : "no timeout");
    return 0;
}
