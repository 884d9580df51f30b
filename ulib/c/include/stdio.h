/* stdio.h - buffered streams over file descriptors, and formatted output.
 *
 * Buffering (POSIX/ISO C rules, with the choices this shim makes):
 *   stdin    fully buffered (1 KiB); reading it from the descriptor flushes stdout first.
 *   stdout   line-buffered when fd 1 is a terminal (isatty(1): the console answers TCGETS),
 *            fully buffered (1 KiB) otherwise: a pipe or a file gets big writes.
 *   stderr   unbuffered: every call is written at once.
 *   fopen()/fdopen() streams: line-buffered on a terminal, else fully buffered (1 KiB).
 *   setvbuf() changes that (before the first I/O, or after an fflush()).
 * A line-buffered stream writes its buffer out when a call puts a '\n' into it, when the
 * buffer is full, and when a read from the descriptor of stdin is due. exit() (and returning
 * from main) flushes every stream after the atexit() handlers; _exit(), _Exit(), abort() and
 * a killing signal do not. fork() flushes every stream before the child is made, so nothing
 * buffered is written twice. The dprintf() family writes straight to its descriptor.
 *
 * One printf call whose output fits in the buffer (1 KiB) reaches a line-buffered or
 * unbuffered stream's descriptor in ONE write() when it ends with a newline, so lines from
 * different processes do not interleave. Longer output goes out in 1 KiB pieces.
 *
 * printf conversions: %d %i %u %o %x %X %c %s %p %%
 *   flags  - 0 + space #, field width and precision (digits or *),
 *   length modifiers hh h l ll j z t (ll and j print 64-bit values).
 *   %s of NULL prints "(null)"; %p prints 0x followed by lowercase hex.
 *   No floating point (%f %e %g %a are not supported) and no %n.
 *
 * scanf conversions: %d %i %u %o %x %X %p %c %s %[...] (ranges a-z, ^ to negate) %n %%,
 *   assignment suppression *, a maximum field width, length modifiers hh h l ll j q z t
 *   (on the integer conversions and %n). A value out of its type's range wraps. No floating
 *   point (%f %e %g %a end the scan as a matching failure, as does any unknown conversion),
 *   no wide characters (%lc %ls), no %m allocation. On a stream one byte of look-ahead is
 *   pushed back with ungetc; "0x" with no hex digit after it reads as 0 and the x is gone.
 */
#ifndef _STDIO_H
#define _STDIO_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

#define EOF (-1)
/* The default buffer size of a stream. */
#define BUFSIZ 1024
/* setvbuf() modes. */
#define _IOFBF 0   /* fully buffered */
#define _IOLBF 1   /* line-buffered */
#define _IONBF 2   /* unbuffered */
/* fseek() whence (as lseek's in <unistd.h>). */
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
/* Streams that can be open at once, at least (only memory and descriptors limit them). */
#define FOPEN_MAX 64
/* The longest path, NUL included (PATH_MAX). */
#define FILENAME_MAX 4096

/* A stream position for fgetpos/fsetpos: the byte offset (no multibyte state). */
typedef off_t fpos_t;

typedef struct __lunaix_file FILE;
extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

/* Open path as mode says: "r" (read), "w" (write; created, truncated), "a" (append; created),
 * each with an optional "+" (read and write too); "b" is accepted and ignored, "e" adds
 * O_CLOEXEC, "x" (with w) O_EXCL. New files get mode 0666. NULL with errno set (EINVAL for a
 * bad mode; ENOMEM; whatever open() said). */
FILE *fopen(const char *__restrict path, const char *__restrict mode);
/* A stream over the open descriptor fd (mode as for fopen; nothing is created or truncated). */
FILE *fdopen(int fd, const char *mode);
/* Flush, close the descriptor and free the stream (even when flushing failed). 0, or EOF with
 * errno set. */
int fclose(FILE *stream);
/* Write out what stream has buffered (stream NULL: every stream). 0, or EOF with errno set.
 * On a stream being read it drops the buffered input and moves the descriptor back to the
 * stream's position. */
int fflush(FILE *stream);
/* Choose the buffer: mode _IOFBF, _IOLBF or _IONBF; buf (size bytes) or NULL for one of its
 * own. 0, or nonzero for a bad mode. setbuf(s, NULL) makes s unbuffered. */
int setvbuf(FILE *__restrict stream, char *__restrict buf, int mode, size_t size);
void setbuf(FILE *__restrict stream, char *__restrict buf);

/* Read up to nmemb items of size bytes; returns the whole items read (fewer at end of file or
 * on an error: feof()/ferror() tell which). */
size_t fread(void *__restrict ptr, size_t size, size_t nmemb, FILE *__restrict stream);
/* Write nmemb items of size bytes; returns the whole items written (fewer on an error). */
size_t fwrite(const void *__restrict ptr, size_t size, size_t nmemb, FILE *__restrict stream);
/* The next byte as an unsigned char, or EOF (end of file or error). */
int fgetc(FILE *stream);
int getc(FILE *stream);
int getchar(void);
/* Read a line (the '\n' kept) or up to size-1 bytes into s, NUL-terminated. s, or NULL when
 * nothing was read before the end of the file or an error. */
char *fgets(char *__restrict s, int size, FILE *__restrict stream);
/* Push c back (one byte; a second push before a read fails with EOF). c, or EOF. */
int ungetc(int c, FILE *stream);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
int putchar(int c);
/* Write s (no newline added). A nonnegative number, or EOF. */
int fputs(const char *__restrict s, FILE *__restrict stream);
/* Write s and a newline to stdout. */
int puts(const char *s);

/* The position: fseek moves it (whence SEEK_SET, SEEK_CUR, SEEK_END), dropping a pushed-back
 * byte and the end-of-file mark; ftell reports it (buffered bytes counted). ESPIPE on pipes. */
int fseek(FILE *stream, long offset, int whence);
int fseeko(FILE *stream, off_t offset, int whence);
long ftell(FILE *stream);
off_t ftello(FILE *stream);
void rewind(FILE *stream);

/* ftello() into *pos / fseeko(stream, *pos, SEEK_SET). 0, or -1 with errno set. */
int fgetpos(FILE *__restrict stream, fpos_t *__restrict pos);
int fsetpos(FILE *stream, const fpos_t *pos);

/* Read up to and including delim ('\n' for getline) into *line, a malloc'd buffer of *cap
 * bytes that is grown with realloc as needed (*line NULL: one is allocated; free it when
 * done). The text is NUL-terminated. Returns the bytes read (delim included, NUL not), or -1
 * at end of file with nothing read, on an error (errno set; ENOMEM) or with EINVAL for NULL
 * line or cap. */
ssize_t getdelim(char **__restrict line, size_t *__restrict cap, int delim,
                 FILE *__restrict stream);
ssize_t getline(char **__restrict line, size_t *__restrict cap, FILE *__restrict stream);

/* The end-of-file and error marks (set by reads and writes, cleared by clearerr). */
int feof(FILE *stream);
int ferror(FILE *stream);
void clearerr(FILE *stream);
/* The descriptor under stream. */
int fileno(FILE *stream);

/* Remove the name path: a file (unlink) or an empty directory (rmdir). */
int remove(const char *path);
/* Give the file at oldpath the name newpath, replacing what newpath named (a directory only
 * by an empty directory). 0, or -1 with errno set: ENOENT, EEXIST/ENOTEMPTY, EISDIR,
 * ENOTDIR, EINVAL (a directory into itself), EXDEV (across file systems). */
int rename(const char *oldpath, const char *newpath);

#define __lx_printf(fmt, args) __attribute__((format(printf, fmt, args)))

int printf(const char *__restrict fmt, ...) __lx_printf(1, 2);
int vprintf(const char *__restrict fmt, va_list ap) __lx_printf(1, 0);
int fprintf(FILE *__restrict stream, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vfprintf(FILE *__restrict stream, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);
/* Unbuffered: formats into a 1 KiB buffer and write()s it to fd (in one write when it fits). */
int dprintf(int fd, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vdprintf(int fd, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);
/* Formats into buf (at most size bytes, NUL included; always terminated when size > 0).
 * Returns the length the whole text has, so a result >= size means it was cut. */
int snprintf(char *__restrict buf, size_t size, const char *__restrict fmt, ...) __lx_printf(3, 4);
int vsnprintf(char *__restrict buf, size_t size, const char *__restrict fmt, va_list ap)
    __lx_printf(3, 0);
int sprintf(char *__restrict buf, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vsprintf(char *__restrict buf, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);

/* Formatted input. Return the number of items assigned, or EOF when the input ended (or
 * failed) before the first conversion. */
int scanf(const char *__restrict fmt, ...) __attribute__((format(scanf, 1, 2)));
int vscanf(const char *__restrict fmt, va_list ap) __attribute__((format(scanf, 1, 0)));
int fscanf(FILE *__restrict stream, const char *__restrict fmt, ...)
    __attribute__((format(scanf, 2, 3)));
int vfscanf(FILE *__restrict stream, const char *__restrict fmt, va_list ap)
    __attribute__((format(scanf, 2, 0)));
int sscanf(const char *__restrict str, const char *__restrict fmt, ...)
    __attribute__((format(scanf, 2, 3)));
int vsscanf(const char *__restrict str, const char *__restrict fmt, va_list ap)
    __attribute__((format(scanf, 2, 0)));

/* Prints "msg: <strerror(errno)>\n" on stderr (just the message when msg is NULL or ""). */
void perror(const char *msg);

#undef __lx_printf

#endif /* _STDIO_H */
