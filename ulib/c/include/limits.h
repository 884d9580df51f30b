/* limits.h - sizes of integer types (i386: ILP32, char is signed) and system limits. */
#ifndef _LIMITS_H
#define _LIMITS_H

#define CHAR_BIT   8
#define SCHAR_MIN  (-__SCHAR_MAX__ - 1)
#define SCHAR_MAX  __SCHAR_MAX__
#define UCHAR_MAX  (__SCHAR_MAX__ * 2 + 1)
#ifdef __CHAR_UNSIGNED__
#define CHAR_MIN   0
#define CHAR_MAX   UCHAR_MAX
#else
#define CHAR_MIN   SCHAR_MIN
#define CHAR_MAX   SCHAR_MAX
#endif
#define SHRT_MIN   (-__SHRT_MAX__ - 1)
#define SHRT_MAX   __SHRT_MAX__
#define USHRT_MAX  (__SHRT_MAX__ * 2 + 1)
#define INT_MIN    (-__INT_MAX__ - 1)
#define INT_MAX    __INT_MAX__
#define UINT_MAX   (__INT_MAX__ * 2U + 1U)
#define LONG_MIN   (-__LONG_MAX__ - 1L)
#define LONG_MAX   __LONG_MAX__
#define ULONG_MAX  (__LONG_MAX__ * 2UL + 1UL)
#define LLONG_MIN  (-__LONG_LONG_MAX__ - 1LL)
#define LLONG_MAX  __LONG_LONG_MAX__
#define ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1ULL)
#define SSIZE_MAX  __INT_MAX__

/* A write of at most PIPE_BUF bytes to a pipe is atomic: it never interleaves with another
 * writer's. The kernel's abi::fs::PIPE_BUF (a syscall-gen test checks that they agree). */
#define PIPE_BUF   4096

#endif /* _LIMITS_H */
