/* Formatted output: the printf family over one formatting engine.
 *
 * The engine writes characters into a "sink". A string sink (snprintf) keeps what fits and
 * counts the rest; a descriptor sink (dprintf) and a stream sink (printf, fprintf) collect up
 * to 1 KiB in a buffer on the stack and hand it on -- write() or fwrite() (stdio.c) -- when
 * it is full and once at the end, so an ordinary line reaches the console in one write().
 *
 * No floating point: the shim is built with -mgeneral-regs-only. 64-bit values are converted
 * with 32-bit divisions only (see div_small). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lx_internal.h"

#define OUT_BUF_SIZE 1024

struct sink {
    char *buf;
    size_t cap;    /* descriptor sink: buffer size; string sink: size including the NUL */
    size_t len;    /* bytes now in buf */
    size_t total;  /* bytes produced, kept or not: the return value */
    int fd;        /* >= 0: a descriptor sink; -1: a string sink; -2: a stream sink */
    FILE *stream;  /* the stream of a stream sink */
    int failed;    /* a write() failed (errno tells why) */
};

static int write_all(int fd, const char *p, size_t n)
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

#define STRING_SINK -1
#define STREAM_SINK -2

static void sink_flush(struct sink *s)
{
    if (s->fd == STRING_SINK || s->len == 0)
        return;
    if (!s->failed) {
        if (s->fd == STREAM_SINK)
            s->failed = fwrite(s->buf, 1, s->len, s->stream) != s->len;
        else
            s->failed = write_all(s->fd, s->buf, s->len) < 0;
    }
    s->len = 0;
}

static void put(struct sink *s, char c)
{
    if (s->fd != STRING_SINK) {
        if (s->len == s->cap)
            sink_flush(s);
        s->buf[s->len++] = c;
    } else if (s->len + 1 < s->cap) {
        s->buf[s->len++] = c;
    }
    s->total++;
}

static void put_str(struct sink *s, const char *p, size_t n)
{
    while (n-- > 0)
        put(s, *p++);
}

static void put_repeat(struct sink *s, char c, size_t n)
{
    while (n-- > 0)
        put(s, c);
}

/* Divides *n by base (2..16) in place and returns the remainder, using only 32-bit
 * divisions: the high word first, then the low word in two 16-bit halves, each step
 * dividing a value below base * 2^16. */
static unsigned int div_small(unsigned long long *n, unsigned int base)
{
    unsigned int hi = (unsigned int)(*n >> 32);
    unsigned int lo = (unsigned int)*n;
    if (hi == 0) {
        *n = lo / base;
        return lo % base;
    }
    unsigned int q_hi = hi / base;
    unsigned int r = hi % base;
    unsigned int t = (r << 16) | (lo >> 16);
    unsigned int q_mid = t / base;
    r = t % base;
    t = (r << 16) | (lo & 0xffff);
    unsigned int q_lo = t / base;
    r = t % base;
    *n = ((unsigned long long)q_hi << 32) | (q_mid << 16) | q_lo;
    return r;
}

struct spec {
    int left;    /* '-': pad on the right */
    int zero;    /* '0': pad numbers with zeros */
    int plus;    /* '+': always a sign on signed conversions */
    int space;   /* ' ': a space where a '+' would go */
    int alt;     /* '#': 0x / 0X prefix for x, a leading 0 for o */
    size_t width;
    int prec;    /* -1: none given */
};

static void emit_padded(struct sink *s, const struct spec *sp, const char *p, size_t n)
{
    size_t pad = sp->width > n ? sp->width - n : 0;
    if (!sp->left)
        put_repeat(s, ' ', pad);
    put_str(s, p, n);
    if (sp->left)
        put_repeat(s, ' ', pad);
}

static void emit_number(struct sink *s, const struct spec *sp, unsigned long long v, int negative,
                        int is_signed, unsigned int base, int upper, int is_pointer)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24]; /* 2^64 in octal has 22 digits */
    size_t nd = 0;
    int nonzero = v != 0;
    while (v != 0)
        digits[nd++] = set[div_small(&v, base)];

    /* Precision: the minimum number of digits (default 1; 0 prints nothing for 0). */
    size_t min_digits = sp->prec < 0 ? 1 : (size_t)sp->prec;
    size_t zeros = min_digits > nd ? min_digits - nd : 0;
    if (base == 8 && sp->alt && zeros == 0 && (nd == 0 || digits[nd - 1] != '0'))
        zeros = 1;

    char sign = 0;
    if (negative)
        sign = '-';
    else if (is_signed && sp->plus)
        sign = '+';
    else if (is_signed && sp->space)
        sign = ' ';

    const char *prefix = "";
    if (base == 16 && (is_pointer || (sp->alt && nonzero)))
        prefix = upper ? "0X" : "0x";
    size_t prefix_len = strlen(prefix);

    size_t body = (sign ? 1 : 0) + prefix_len + zeros + nd;
    size_t pad = sp->width > body ? sp->width - body : 0;
    if (!sp->left && sp->zero && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        put_repeat(s, ' ', pad);
    if (sign)
        put(s, sign);
    put_str(s, prefix, prefix_len);
    put_repeat(s, '0', zeros);
    while (nd > 0)
        put(s, digits[--nd]);
    if (sp->left)
        put_repeat(s, ' ', pad);
}

static long long fetch_signed(va_list *ap, enum __lx_length len)
{
    switch (len) {
    case LX_LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LX_LEN_H:
        return (short)va_arg(*ap, int);
    case LX_LEN_L:
        return va_arg(*ap, long);
    case LX_LEN_LL:
        return va_arg(*ap, long long);
    case LX_LEN_Z:
        return va_arg(*ap, ssize_t);
    case LX_LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LX_LEN_NONE:
        break;
    }
    return va_arg(*ap, int);
}

static unsigned long long fetch_unsigned(va_list *ap, enum __lx_length len)
{
    switch (len) {
    case LX_LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LX_LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LX_LEN_L:
        return va_arg(*ap, unsigned long);
    case LX_LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LX_LEN_Z:
        return va_arg(*ap, size_t);
    case LX_LEN_T:
        return (unsigned long long)va_arg(*ap, ptrdiff_t);
    case LX_LEN_NONE:
        break;
    }
    return va_arg(*ap, unsigned int);
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
    while (*fmt) {
        if (*fmt != '%') {
            put(s, *fmt++);
            continue;
        }
        const char *start = fmt++;
        struct spec sp = {0, 0, 0, 0, 0, 0, -1};

        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = 1;
            else if (*fmt == '0')
                sp.zero = 1;
            else if (*fmt == '+')
                sp.plus = 1;
            else if (*fmt == ' ')
                sp.space = 1;
            else if (*fmt == '#')
                sp.alt = 1;
            else
                break;
        }

        if (*fmt == '*') {
            int w = va_arg(*ap, int);
            if (w < 0) {
                sp.left = 1;
                sp.width = -(unsigned int)w;
            } else {
                sp.width = (size_t)w;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (size_t)(*fmt++ - '0');
        }

        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                int p = va_arg(*ap, int);
                sp.prec = p < 0 ? -1 : p;
                fmt++;
            } else {
                int p = 0;
                while (*fmt >= '0' && *fmt <= '9')
                    if (p < INT_MAX / 10)
                        p = p * 10 + (*fmt++ - '0');
                    else
                        fmt++;
                sp.prec = p;
            }
        }

        enum __lx_length len;
        fmt = __lx_length_modifier(fmt, &len);

        char conv = *fmt;
        if (conv == '\0') {
            /* A lone '%' (or unfinished spec) at the end: print it as it stands. */
            put_str(s, start, (size_t)(fmt - start));
            break;
        }
        fmt++;

        switch (conv) {
        case 'd':
        case 'i': {
            long long v = fetch_signed(ap, len);
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            emit_number(s, &sp, mag, v < 0, 1, 10, 0, 0);
            break;
        }
        case 'u':
            emit_number(s, &sp, fetch_unsigned(ap, len), 0, 0, 10, 0, 0);
            break;
        case 'o':
            emit_number(s, &sp, fetch_unsigned(ap, len), 0, 0, 8, 0, 0);
            break;
        case 'x':
        case 'X':
            emit_number(s, &sp, fetch_unsigned(ap, len), 0, 0, 16, conv == 'X', 0);
            break;
        case 'p': {
            void *p = va_arg(*ap, void *);
            sp.alt = 0;
            emit_number(s, &sp, (unsigned long)p, 0, 0, 16, 0, 1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(*ap, int);
            emit_padded(s, &sp, &c, 1);
            break;
        }
        case 's': {
            const char *str = va_arg(*ap, const char *);
            if (str == NULL)
                str = "(null)";
            size_t n = sp.prec < 0 ? strlen(str) : strnlen(str, (size_t)sp.prec);
            emit_padded(s, &sp, str, n);
            break;
        }
        case '%':
            put(s, '%');
            break;
        default:
            /* Not supported (floating point, %n, ...): print the spec as it stands. */
            put_str(s, start, (size_t)(fmt - start));
            break;
        }
    }
}

static int result(const struct sink *s)
{
    if (s->failed)
        return -1;
    if (s->total > INT_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (int)s->total;
}

int vsnprintf(char *__restrict buf, size_t size, const char *__restrict fmt, va_list ap)
{
    struct sink s = {buf, size, 0, 0, STRING_SINK, NULL, 0};
    va_list copy;
    va_copy(copy, ap);
    format(&s, fmt, &copy);
    va_end(copy);
    if (size > 0)
        buf[s.len] = '\0';
    return result(&s);
}

int snprintf(char *__restrict buf, size_t size, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *__restrict buf, const char *__restrict fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *__restrict buf, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int vdprintf(int fd, const char *__restrict fmt, va_list ap)
{
    char buf[OUT_BUF_SIZE];
    struct sink s = {buf, sizeof buf, 0, 0, fd, NULL, 0};
    va_list copy;
    va_copy(copy, ap);
    format(&s, fmt, &copy);
    va_end(copy);
    sink_flush(&s);
    return result(&s);
}

int dprintf(int fd, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int vfprintf(FILE *__restrict stream, const char *__restrict fmt, va_list ap)
{
    /* Formatted in pieces of OUT_BUF_SIZE, each handed to fwrite: on a line-buffered or
     * unbuffered stream a short line leaves in one write(). */
    char buf[OUT_BUF_SIZE];
    struct sink s = {buf, sizeof buf, 0, 0, STREAM_SINK, stream, 0};
    va_list copy;
    va_copy(copy, ap);
    format(&s, fmt, &copy);
    va_end(copy);
    sink_flush(&s);
    return result(&s);
}

int fprintf(FILE *__restrict stream, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stream, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *__restrict fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}
