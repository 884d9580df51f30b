/* stdio.h - formatted output straight to file descriptors (no buffering, no input).
 *
 * printf conversions: %d %i %u %o %x %X %c %s %p %%
 *   flags  - 0 + space #, field width and precision (digits or *),
 *   length modifiers hh h l ll j z t (ll and j print 64-bit values).
 *   %s of NULL prints "(null)"; %p prints 0x followed by lowercase hex.
 *   No floating point (%f %e %g %a are not supported) and no %n.
 * A printf call whose output fits in 1 KiB reaches fd 1 in ONE write(), so lines from
 * different processes do not interleave. Longer output goes out in 1 KiB pieces.
 */
#ifndef _STDIO_H
#define _STDIO_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#include <stdarg.h>

#define EOF (-1)

/* A stream is just a file descriptor: nothing is buffered, fflush() has nothing to do. */
typedef struct __lunaix_file FILE;
extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

#define __lx_printf(fmt, args) __attribute__((format(printf, fmt, args)))

int printf(const char *__restrict fmt, ...) __lx_printf(1, 2);
int vprintf(const char *__restrict fmt, va_list ap) __lx_printf(1, 0);
int dprintf(int fd, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vdprintf(int fd, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);
int fprintf(FILE *__restrict stream, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vfprintf(FILE *__restrict stream, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);
/* Formats into buf (at most size bytes, NUL included; always terminated when size > 0).
 * Returns the length the whole text has, so a result >= size means it was cut. */
int snprintf(char *__restrict buf, size_t size, const char *__restrict fmt, ...) __lx_printf(3, 4);
int vsnprintf(char *__restrict buf, size_t size, const char *__restrict fmt, va_list ap)
    __lx_printf(3, 0);
int sprintf(char *__restrict buf, const char *__restrict fmt, ...) __lx_printf(2, 3);
int vsprintf(char *__restrict buf, const char *__restrict fmt, va_list ap) __lx_printf(2, 0);

/* puts appends a newline; the line goes out in one write() when it fits in 1 KiB. */
int puts(const char *s);
int putchar(int c);
int fputs(const char *__restrict s, FILE *__restrict stream);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
int fflush(FILE *stream);
/* Prints "msg: <strerror(errno)>\n" on stderr (just the message when msg is NULL or ""). */
void perror(const char *msg);

#undef __lx_printf

#endif /* _STDIO_H */
