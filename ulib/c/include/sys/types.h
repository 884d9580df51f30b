/* sys/types.h - basic system data types of the Lunaix C shim (i386: int and long are 32 bits). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#define __need_size_t
#include <stddef.h>

typedef int pid_t;          /* process id */
typedef int ssize_t;        /* a byte count or -1; the signed twin of size_t */
typedef long off_t;
typedef long time_t;        /* seconds */
typedef int clockid_t;      /* CLOCK_MONOTONIC */
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
typedef unsigned int useconds_t;

#endif /* _SYS_TYPES_H */
