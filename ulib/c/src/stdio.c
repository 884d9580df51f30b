/* Streams: FILE, its buffer and the calls that move bytes through it. The formatting is in
 * printf.c, which hands its output to fwrite().
 *
 * A stream is either reading (buf[rpos..rlen) holds input not handed out yet), writing
 * (buf[0..wlen) holds output not written yet) or idle; never both. Turning from writing to
 * reading flushes; turning from reading to writing (or fflush, fseek) drops the unread input
 * and moves the descriptor's offset back over it, so the offset is where the program is.
 * An unbuffered stream uses a one-byte buffer for input and writes its output at once.
 *
 * Every open stream is on one list, for fflush(NULL), which exit() and fork() call. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx_internal.h"

#define F_READ    0x01  /* opened for reading */
#define F_WRITE   0x02  /* opened for writing */
#define F_EOF     0x04  /* a read met the end of the file (sticky until clearerr/fseek) */
#define F_ERR     0x08  /* a read or write failed */
#define F_OWNBUF  0x10  /* buf was allocated here: free it */
#define F_MODESET 0x20  /* the buffering mode is decided (setvbuf, or the first I/O) */
#define F_STATIC  0x40  /* stdin, stdout, stderr: not freed by fclose */

struct __lunaix_file {
    int fd;
    int flags;
    int mode;                   /* _IOFBF, _IOLBF or _IONBF (once F_MODESET) */
    unsigned char *buf;         /* NULL until the first I/O */
    size_t size;                /* of buf */
    size_t rpos, rlen;          /* reading: buf[rpos..rlen) is unread input */
    size_t wlen;                /* writing: buf[0..wlen) is output not written yet */
    int ungot;                  /* a byte pushed back by ungetc, or EOF */
    unsigned char tiny;         /* the buffer of an unbuffered stream */
    struct __lunaix_file *next; /* the list of open streams */
};

static unsigned char stdin_buf[BUFSIZ];
static unsigned char stdout_buf[BUFSIZ];

static struct __lunaix_file std_files[3] = {
    {0, F_READ | F_STATIC | F_MODESET, _IOFBF, stdin_buf, BUFSIZ, 0, 0, 0, EOF, 0,
     &std_files[1]},
    /* stdout's mode waits for the first I/O: line-buffered on a terminal. */
    {1, F_WRITE | F_STATIC, _IOFBF, stdout_buf, BUFSIZ, 0, 0, 0, EOF, 0, &std_files[2]},
    {2, F_WRITE | F_STATIC | F_MODESET, _IONBF, &std_files[2].tiny, 1, 0, 0, 0, EOF, 0, NULL},
};
FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];

static FILE *open_streams = &std_files[0];

/* Decides the mode and finds a buffer, before the first I/O. */
static void setup(FILE *f)
{
    if (!(f->flags & F_MODESET)) {
        int saved = errno; /* isatty's ENOTTY is no error of the caller's call */
        f->mode = isatty(f->fd) ? _IOLBF : _IOFBF;
        errno = saved;
        f->flags |= F_MODESET;
    }
    if (f->buf == NULL && f->mode != _IONBF) {
        f->buf = malloc(BUFSIZ);
        if (f->buf != NULL) {
            f->size = BUFSIZ;
            f->flags |= F_OWNBUF;
        } else {
            f->mode = _IONBF; /* no memory: work without a buffer */
        }
    }
    if (f->buf == NULL) {
        f->buf = &f->tiny;
        f->size = 1;
    }
}

/* Writes n bytes to fd, retrying short writes. 0, or -1 with errno set. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, p, n);
        if (done < 0)
            return -1;
        if (done == 0) {
            errno = EIO;
            return -1;
        }
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

/* Writes out the buffered output. On an error the output is dropped (and F_ERR set). */
static int flush_out(FILE *f)
{
    size_t n = f->wlen;
    f->wlen = 0;
    if (n > 0 && write_all(f->fd, f->buf, n) < 0) {
        f->flags |= F_ERR;
        return EOF;
    }
    return 0;
}

/* Drops the unread input, moving the descriptor's offset back over it (which fails quietly
 * on pipes and terminals, where it cannot matter). */
static void drop_input(FILE *f)
{
    off_t unread = (off_t)(f->rlen - f->rpos) + (f->ungot != EOF);
    if (unread > 0) {
        int saved = errno;
        lseek(f->fd, -unread, SEEK_CUR);
        errno = saved;
    }
    f->rpos = f->rlen = 0;
    f->ungot = EOF;
}

static int start_write(FILE *f)
{
    if (!(f->flags & F_WRITE)) {
        f->flags |= F_ERR;
        errno = EBADF;
        return -1;
    }
    setup(f);
    if (f->rlen > 0 || f->ungot != EOF)
        drop_input(f);
    return 0;
}

static int start_read(FILE *f)
{
    if (!(f->flags & F_READ)) {
        f->flags |= F_ERR;
        errno = EBADF;
        return -1;
    }
    setup(f);
    if (f->wlen > 0 && flush_out(f) < 0)
        return -1;
    return 0;
}

/* read() for a stream: reading stdin first flushes stdout, so a prompt shows. */
static ssize_t read_fd(FILE *f, void *p, size_t n)
{
    if (f == stdin && stdout->wlen > 0)
        flush_out(stdout);
    ssize_t got = read(f->fd, p, n);
    if (got < 0)
        f->flags |= F_ERR;
    else if (got == 0)
        f->flags |= F_EOF;
    return got;
}

/* Refills the (empty) read buffer. 0, or EOF at the end of the file or on an error. */
static int fill(FILE *f)
{
    if (f->flags & F_EOF)
        return EOF;
    ssize_t got = read_fd(f, f->buf, f->size);
    if (got <= 0)
        return EOF;
    f->rpos = 0;
    f->rlen = (size_t)got;
    return 0;
}

size_t fwrite(const void *__restrict ptr, size_t size, size_t nmemb, FILE *__restrict f)
{
    if (size == 0 || nmemb == 0)
        return 0;
    if (nmemb > SIZE_MAX / size) {
        errno = EOVERFLOW;
        f->flags |= F_ERR;
        return 0;
    }
    if (start_write(f) < 0)
        return 0;
    const unsigned char *p = ptr;
    size_t total = size * nmemb;
    size_t left = total;
    int failed = 0;

    if (f->mode == _IONBF) {
        if (write_all(f->fd, p, total) < 0) {
            f->flags |= F_ERR;
            return 0;
        }
        return nmemb;
    }

    while (left > 0 && !failed) {
        if (f->wlen == 0 && left >= f->size) {
            /* As big as the buffer: straight to the descriptor. */
            if (write_all(f->fd, p, left) < 0) {
                f->flags |= F_ERR;
                failed = 1;
            }
            left = 0;
            break;
        }
        size_t chunk = f->size - f->wlen;
        if (chunk > left)
            chunk = left;
        memcpy(f->buf + f->wlen, p, chunk);
        f->wlen += chunk;
        p += chunk;
        left -= chunk;
        if (f->wlen == f->size && flush_out(f) < 0)
            failed = 1;
    }
    if (!failed && f->mode == _IOLBF && f->wlen > 0 && memchr(ptr, '\n', total) != NULL &&
        flush_out(f) < 0)
        failed = 1;
    /* A failed write loses what was buffered with it: count none of this call's items. */
    return failed ? 0 : nmemb;
}

size_t fread(void *__restrict ptr, size_t size, size_t nmemb, FILE *__restrict f)
{
    if (size == 0 || nmemb == 0)
        return 0;
    if (nmemb > SIZE_MAX / size) {
        errno = EOVERFLOW;
        f->flags |= F_ERR;
        return 0;
    }
    if (start_read(f) < 0)
        return 0;
    unsigned char *p = ptr;
    size_t total = size * nmemb;
    size_t got = 0;
    if (f->ungot != EOF) {
        p[got++] = (unsigned char)f->ungot;
        f->ungot = EOF;
    }
    while (got < total) {
        size_t avail = f->rlen - f->rpos;
        if (avail > 0) {
            size_t chunk = avail < total - got ? avail : total - got;
            memcpy(p + got, f->buf + f->rpos, chunk);
            f->rpos += chunk;
            got += chunk;
            continue;
        }
        f->rpos = f->rlen = 0;
        if (f->flags & F_EOF)
            break;
        if (total - got >= f->size) {
            /* At least a buffer's worth: straight into the caller's memory. */
            ssize_t n = read_fd(f, p + got, total - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        } else if (fill(f) < 0) {
            break;
        }
    }
    return got / size;
}

int fgetc(FILE *f)
{
    if (f->ungot != EOF) {
        int c = f->ungot;
        f->ungot = EOF;
        return c;
    }
    if (f->rpos < f->rlen)
        return f->buf[f->rpos++];
    if (start_read(f) < 0 || fill(f) < 0)
        return EOF;
    return f->buf[f->rpos++];
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

char *fgets(char *__restrict s, int size, FILE *__restrict f)
{
    if (size <= 0) {
        errno = EINVAL;
        return NULL;
    }
    int had_error = f->flags & F_ERR;
    int i = 0;
    while (i < size - 1) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    s[i] = '\0';
    if ((i == 0 && size > 1) || (!had_error && (f->flags & F_ERR)))
        return NULL;
    return s;
}

int ungetc(int c, FILE *f)
{
    if (c == EOF || f->ungot != EOF || !(f->flags & F_READ))
        return EOF;
    if (f->wlen > 0 && flush_out(f) < 0)
        return EOF;
    f->ungot = (unsigned char)c;
    f->flags &= ~F_EOF;
    return (unsigned char)c;
}

int fputc(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;
    return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *__restrict s, FILE *__restrict f)
{
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    return fwrite(s, 1, n, f) == n ? 0 : EOF;
}

int puts(const char *s)
{
    /* On a line-buffered stdout the line and its newline leave in one write(). */
    if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
        return EOF;
    return 0;
}

int fflush(FILE *f)
{
    if (f == NULL) {
        int r = 0;
        for (FILE *s = open_streams; s != NULL; s = s->next)
            if (s->wlen > 0 && flush_out(s) < 0)
                r = EOF;
        return r;
    }
    if (f->wlen > 0)
        return flush_out(f);
    /* Input: give back what was read ahead, where the descriptor can seek. On a pipe or a
     * terminal it stays buffered. */
    if ((f->rlen > 0 || f->ungot != EOF) && lseek(f->fd, 0, SEEK_CUR) >= 0)
        drop_input(f);
    return 0;
}

void __lx_stdio_exit(void)
{
    fflush(NULL);
}

int setvbuf(FILE *__restrict f, char *__restrict buf, int mode, size_t size)
{
    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
        errno = EINVAL;
        return -1;
    }
    fflush(f);
    if (f->flags & F_OWNBUF)
        free(f->buf);
    f->flags &= ~F_OWNBUF;
    f->buf = NULL;
    f->size = 0;
    if (mode != _IONBF && buf != NULL && size > 0) {
        f->buf = (unsigned char *)buf;
        f->size = size;
    }
    f->mode = mode;
    f->flags |= F_MODESET;
    setup(f);
    return 0;
}

void setbuf(FILE *__restrict f, char *__restrict buf)
{
    setvbuf(f, buf, buf != NULL ? _IOFBF : _IONBF, BUFSIZ);
}

/* The open() flags of an fopen mode ("r", "w+", "ab", ...), or -1 (EINVAL). */
static int mode_flags(const char *mode)
{
    int flags;
    switch (*mode++) {
    case 'r':
        flags = O_RDONLY;
        break;
    case 'w':
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
    case 'a':
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    for (; *mode; mode++) {
        if (*mode == '+')
            flags = (flags & ~O_ACCMODE) | O_RDWR;
        else if (*mode == 'e')
            flags |= O_CLOEXEC;
        else if (*mode == 'x')
            flags |= O_EXCL;
        else if (*mode != 'b') {
            errno = EINVAL;
            return -1;
        }
    }
    return flags;
}

static FILE *new_stream(int fd, int oflags)
{
    FILE *f = malloc(sizeof *f);
    if (f == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    int acc = oflags & O_ACCMODE;
    f->fd = fd;
    f->flags = (acc != O_WRONLY ? F_READ : 0) | (acc != O_RDONLY ? F_WRITE : 0);
    f->mode = _IOFBF;
    f->buf = NULL;
    f->size = 0;
    f->rpos = f->rlen = f->wlen = 0;
    f->ungot = EOF;
    f->tiny = 0;
    f->next = open_streams;
    open_streams = f;
    return f;
}

FILE *fopen(const char *__restrict path, const char *__restrict mode)
{
    int flags = mode_flags(mode);
    if (flags < 0)
        return NULL;
    int fd = open(path, flags, 0666);
    if (fd < 0)
        return NULL;
    FILE *f = new_stream(fd, flags);
    if (f == NULL)
        close(fd);
    return f;
}

FILE *fdopen(int fd, const char *mode)
{
    int flags = mode_flags(mode);
    if (flags < 0)
        return NULL;
    int now = fcntl(fd, F_GETFL);
    if (now < 0)
        return NULL;
    /* "a" on a descriptor opened without O_APPEND: writes still go to the end. */
    if ((flags & O_APPEND) && !(now & O_APPEND) && fcntl(fd, F_SETFL, now | O_APPEND) < 0)
        return NULL;
    return new_stream(fd, flags);
}

int fclose(FILE *f)
{
    int r = f->wlen > 0 ? flush_out(f) : 0;
    int saved = errno;
    if (close(f->fd) < 0)
        r = EOF;
    else if (r == EOF)
        errno = saved;
    for (FILE **link = &open_streams; *link != NULL; link = &(*link)->next) {
        if (*link == f) {
            *link = f->next;
            break;
        }
    }
    if (f->flags & F_OWNBUF)
        free(f->buf);
    if (f->flags & F_STATIC) {
        /* stdin, stdout, stderr stay as objects, but closed. */
        f->fd = -1;
        f->flags = F_STATIC | F_MODESET;
        f->buf = &f->tiny;
        f->size = 1;
        f->rpos = f->rlen = f->wlen = 0;
        f->ungot = EOF;
        f->next = NULL;
    } else {
        free(f);
    }
    return r;
}

int fseeko(FILE *f, off_t offset, int whence)
{
    if (f->wlen > 0 && flush_out(f) < 0)
        return -1;
    if (whence == SEEK_CUR)
        offset -= (off_t)(f->rlen - f->rpos) + (f->ungot != EOF);
    f->rpos = f->rlen = 0;
    f->ungot = EOF;
    if (lseek(f->fd, offset, whence) < 0)
        return -1;
    f->flags &= ~F_EOF;
    return 0;
}

int fseek(FILE *f, long offset, int whence)
{
    return fseeko(f, offset, whence);
}

off_t ftello(FILE *f)
{
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0)
        return -1;
    return pos - (off_t)(f->rlen - f->rpos) - (f->ungot != EOF) + (off_t)f->wlen;
}

long ftell(FILE *f)
{
    off_t pos = ftello(f);
    if (pos > LONG_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (long)pos;
}

void rewind(FILE *f)
{
    fseeko(f, 0, SEEK_SET);
    f->flags &= ~F_ERR;
}

int feof(FILE *f)
{
    return (f->flags & F_EOF) != 0;
}

int ferror(FILE *f)
{
    return (f->flags & F_ERR) != 0;
}

void clearerr(FILE *f)
{
    f->flags &= ~(F_EOF | F_ERR);
}

int fileno(FILE *f)
{
    if (f->fd < 0) {
        errno = EBADF;
        return -1;
    }
    return f->fd;
}

void perror(const char *msg)
{
    const char *what = strerror(errno);
    if (msg != NULL && *msg != '\0')
        fprintf(stderr, "%s: %s\n", msg, what);
    else
        fprintf(stderr, "%s\n", what);
}

ssize_t getdelim(char **__restrict line, size_t *__restrict cap, int delim, FILE *__restrict f)
{
    if (line == NULL || cap == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (*line == NULL)
        *cap = 0;
    int had_error = f->flags & F_ERR;
    size_t len = 0;
    for (;;) {
        int c = fgetc(f);
        if (c == EOF) {
            if (len == 0 || (!had_error && (f->flags & F_ERR)))
                return -1;
            break;
        }
        /* Room for this byte and the NUL. */
        if (len + 2 > *cap) {
            if (len + 2 > (size_t)SSIZE_MAX) {
                errno = EOVERFLOW;
                return -1;
            }
            size_t grown = *cap < 64 ? 128 : *cap * 2;
            char *bigger = realloc(*line, grown);
            if (bigger == NULL)
                return -1;
            *line = bigger;
            *cap = grown;
        }
        (*line)[len++] = (char)c;
        if (c == delim)
            break;
    }
    (*line)[len] = '\0';
    return (ssize_t)len;
}

ssize_t getline(char **__restrict line, size_t *__restrict cap, FILE *__restrict f)
{
    return getdelim(line, cap, '\n', f);
}

int fgetpos(FILE *__restrict f, fpos_t *__restrict pos)
{
    off_t at = ftello(f);
    if (at < 0)
        return -1;
    *pos = at;
    return 0;
}

int fsetpos(FILE *f, const fpos_t *pos)
{
    return fseeko(f, *pos, SEEK_SET);
}
