/* Private to the C shim: what its files share that is no public interface. */
#ifndef _LX_INTERNAL_H
#define _LX_INTERNAL_H

#include <sys/types.h>

/* The fork system call itself; fork() (unistd.c) flushes the streams first. */
pid_t __lx_fork(void);
/* Flush every stream, for exit() (stdio.c). */
void __lx_stdio_exit(void);

/* The length modifier of a printf or scanf conversion: the size of the argument ("hh" char,
 * "h" short, "l" long, "ll"/"q"/"j" long long (intmax_t is long long here), "z" size_t,
 * "t" ptrdiff_t). */
enum __lx_length { LX_LEN_NONE, LX_LEN_HH, LX_LEN_H, LX_LEN_L, LX_LEN_LL, LX_LEN_Z, LX_LEN_T };

/* Reads the length modifier at fmt, if there is one, into *len; returns what follows it. */
static inline const char *__lx_length_modifier(const char *fmt, enum __lx_length *len)
{
    switch (*fmt) {
    case 'h':
        *len = fmt[1] == 'h' ? LX_LEN_HH : LX_LEN_H;
        return fmt + (fmt[1] == 'h' ? 2 : 1);
    case 'l':
        *len = fmt[1] == 'l' ? LX_LEN_LL : LX_LEN_L;
        return fmt + (fmt[1] == 'l' ? 2 : 1);
    case 'q':
    case 'j':
        *len = LX_LEN_LL;
        return fmt + 1;
    case 'z':
        *len = LX_LEN_Z;
        return fmt + 1;
    case 't':
        *len = LX_LEN_T;
        return fmt + 1;
    default:
        *len = LX_LEN_NONE;
        return fmt;
    }
}

#endif /* _LX_INTERNAL_H */
