/* Formatted input: the scanf family over a string or a stream, integers and text only.
 *
 * One engine reads bytes from either source and can push back the one byte it looked at
 * and did not want (ungetc's one byte on a stream), as the C standard's scanf does. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lx_internal.h"

struct input {
    FILE *stream;      /* the stream, or NULL for the string */
    const char *str;   /* the string's next byte */
    int consumed;      /* bytes taken so far, for %n */
};

static int get(struct input *in)
{
    int c;
    if (in->stream != NULL) {
        c = fgetc(in->stream);
    } else {
        c = *in->str ? (unsigned char)*in->str : EOF;
        if (c != EOF)
            in->str++;
    }
    if (c != EOF)
        in->consumed++;
    return c;
}

static void unget(struct input *in, int c)
{
    if (c == EOF)
        return;
    in->consumed--;
    if (in->stream != NULL)
        ungetc(c, in->stream);
    else
        in->str--;
}

/* get() limited to *width more bytes (*width < 0: no limit); EOF when the width is used up. */
static int get_within(struct input *in, int *width)
{
    if (*width == 0)
        return EOF;
    if (*width > 0)
        (*width)--;
    return get(in);
}

/* Skips white space; returns the first other byte's value without taking it (EOF at the
 * end). */
static int skip_space(struct input *in)
{
    int c;
    while ((c = get(in)) != EOF && isspace(c))
        ;
    unget(in, c);
    return c;
}

static unsigned int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A' + 10);
    return 36;
}

/* Reads an integer in base (0: C's prefixes decide, as for %i) within width. Returns 1 and
 * the value (wrapped to 64 bits, negated for '-') in *out, 0 when no digit came (a matching
 * failure) and EOF when the input ended first. */
static int scan_integer(struct input *in, int base, int width, unsigned long long *out)
{
    int c = get_within(in, &width);
    if (c == EOF)
        return EOF;
    int negative = 0;
    if (c == '+' || c == '-') {
        negative = c == '-';
        c = get_within(in, &width);
    }
    int digits = 0;
    if ((base == 0 || base == 16) && c == '0') {
        digits = 1; /* the 0 counts, even when an x follows without hex digits */
        c = get_within(in, &width);
        if (c == 'x' || c == 'X') {
            base = 16;
            c = get_within(in, &width);
        } else if (base == 0) {
            base = 8;
        }
    } else if (base == 0) {
        base = 10;
    }
    unsigned long long value = 0;
    while (c != EOF && digit_value(c) < (unsigned int)base) {
        value = value * (unsigned int)base + digit_value(c);
        digits++;
        c = get_within(in, &width);
    }
    unget(in, c);
    if (digits == 0)
        return 0;
    *out = negative ? 0 - value : value;
    return 1;
}

static void store_integer(void *p, enum __lx_length len, unsigned long long v)
{
    switch (len) {
    case LX_LEN_HH:
        *(signed char *)p = (signed char)v;
        break;
    case LX_LEN_H:
        *(short *)p = (short)v;
        break;
    case LX_LEN_L:
        *(long *)p = (long)v;
        break;
    case LX_LEN_LL:
        *(long long *)p = (long long)v;
        break;
    case LX_LEN_Z:
        *(size_t *)p = (size_t)v;
        break;
    case LX_LEN_T:
        *(ptrdiff_t *)p = (ptrdiff_t)v;
        break;
    default:
        *(int *)p = (int)v;
        break;
    }
}

/* A %[...] set: one bit per byte value. *fmt points after the '['; returns the byte after the
 * closing ']', or NULL when there is none. */
static const char *parse_set(const char *fmt, unsigned int set[8])
{
    int negate = 0;
    memset(set, 0, 8 * sizeof set[0]);
    if (*fmt == '^') {
        negate = 1;
        fmt++;
    }
    const char *start = fmt;
    for (; *fmt != '\0'; fmt++) {
        unsigned char c = (unsigned char)*fmt;
        if (c == ']' && fmt != start)
            break;
        if (fmt[1] == '-' && fmt[2] != ']' && fmt[2] != '\0' && (unsigned char)fmt[2] >= c) {
            /* a range a-z; a '-' first or last is itself */
            for (unsigned int b = c; b <= (unsigned char)fmt[2]; b++)
                set[b / 32] |= 1u << (b % 32);
            fmt += 2;
            continue;
        }
        set[c / 32] |= 1u << (c % 32);
    }
    if (*fmt != ']')
        return NULL;
    if (negate)
        for (int i = 0; i < 8; i++)
            set[i] = ~set[i];
    return fmt + 1;
}

static int scan(struct input *in, const char *fmt, va_list ap)
{
    int assigned = 0;
    int converted = 0; /* conversions done, counting suppressed ones */

    while (*fmt != '\0') {
        if (isspace((unsigned char)*fmt)) {
            while (isspace((unsigned char)*fmt))
                fmt++;
            skip_space(in);
            continue;
        }
        if (*fmt != '%' || fmt[1] == '%') {
            if (*fmt == '%') {
                fmt++;
                skip_space(in);
            }
            int c = get(in);
            if (c == EOF)
                goto input_failure;
            if (c != (unsigned char)*fmt) {
                unget(in, c);
                return assigned;
            }
            fmt++;
            continue;
        }

        fmt++; /* the '%' */
        int suppress = 0;
        if (*fmt == '*') {
            suppress = 1;
            fmt++;
        }
        int width = -1;
        if (isdigit((unsigned char)*fmt)) {
            width = 0;
            while (isdigit((unsigned char)*fmt))
                width = width * 10 + (*fmt++ - '0');
            if (width == 0)
                return assigned; /* a zero width is not valid */
        }
        enum __lx_length len;
        fmt = __lx_length_modifier(fmt, &len);
        int conv = *fmt++;
        int base;
        switch (conv) {
        case 'd':
            base = 10;
            goto integer;
        case 'i':
            base = 0;
            goto integer;
        case 'u':
            base = 10;
            goto integer;
        case 'o':
            base = 8;
            goto integer;
        case 'x':
        case 'X':
        case 'p':
            base = 16;
        integer: {
            if (skip_space(in) == EOF)
                goto input_failure;
            unsigned long long v;
            int r = scan_integer(in, base, width, &v);
            if (r == EOF)
                goto input_failure;
            if (r == 0)
                return assigned;
            converted++;
            if (!suppress) {
                if (conv == 'p')
                    *va_arg(ap, void **) = (void *)(uintptr_t)v;
                else
                    store_integer(va_arg(ap, void *), len, v);
                assigned++;
            }
            break;
        }
        case 'n':
            if (!suppress)
                store_integer(va_arg(ap, void *), len, (unsigned long long)in->consumed);
            break;
        case 'c': {
            if (len != LX_LEN_NONE)
                return assigned; /* %lc: no wide characters */
            if (width < 0)
                width = 1;
            char *out = suppress ? NULL : va_arg(ap, char *);
            int n = 0;
            for (; n < width; n++) {
                int c = get(in);
                if (c == EOF)
                    break;
                if (out != NULL)
                    out[n] = (char)c;
            }
            if (n < width)
                goto input_failure;
            converted++;
            if (!suppress)
                assigned++;
            break;
        }
        case 's':
        case '[': {
            if (len != LX_LEN_NONE)
                return assigned; /* %ls, %l[: no wide characters */
            unsigned int set[8];
            if (conv == '[') {
                fmt = parse_set(fmt, set);
                if (fmt == NULL)
                    return assigned;
            } else {
                /* every byte but white space */
                for (int b = 0; b < 256; b++) {
                    if (!isspace(b))
                        set[b / 32] |= 1u << (b % 32);
                    else
                        set[b / 32] &= ~(1u << (b % 32));
                }
                if (skip_space(in) == EOF)
                    goto input_failure;
            }
            char *out = suppress ? NULL : va_arg(ap, char *);
            int n = 0;
            int c;
            while ((c = get_within(in, &width)) != EOF && ((set[c / 32] >> (c % 32)) & 1)) {
                if (out != NULL)
                    out[n] = (char)c;
                n++;
            }
            unget(in, c);
            if (n == 0) {
                if (c == EOF && width != 0)
                    goto input_failure;
                return assigned;
            }
            if (out != NULL)
                out[n] = '\0';
            converted++;
            if (!suppress)
                assigned++;
            break;
        }
        default:
            /* unknown, or floating point (%f %e %g %a): not supported */
            return assigned;
        }
    }
    return assigned;

input_failure:
    return converted == 0 ? EOF : assigned;
}

int vsscanf(const char *__restrict str, const char *__restrict fmt, va_list ap)
{
    struct input in = {NULL, str, 0};
    return scan(&in, fmt, ap);
}

int sscanf(const char *__restrict str, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsscanf(str, fmt, ap);
    va_end(ap);
    return r;
}

int vfscanf(FILE *__restrict stream, const char *__restrict fmt, va_list ap)
{
    struct input in = {stream, NULL, 0};
    return scan(&in, fmt, ap);
}

int fscanf(FILE *__restrict stream, const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(stream, fmt, ap);
    va_end(ap);
    return r;
}

int vscanf(const char *__restrict fmt, va_list ap)
{
    return vfscanf(stdin, fmt, ap);
}

int scanf(const char *__restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}
