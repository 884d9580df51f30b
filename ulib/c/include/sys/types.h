/* sys/types.h - basic system data types of the Lunaix C shim (i386: int and long are 32 bits). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#define __need_size_t
#include <stddef.h>

typedef int pid_t;          /* process id */
typedef int ssize_t;        /* a byte count or -1; the signed twin of size_t */
typedef long long off_t;    /* a file offset: 64 bits, as the kernel's lseek (Linux's _llseek) */
typedef long time_t;        /* seconds */
typedef int clockid_t;      /* CLOCK_MONOTONIC */
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
typedef unsigned int useconds_t;
typedef unsigned long long dev_t;   /* the device a file is on (struct stat) */
typedef unsigned long long ino_t;   /* an inode number */
typedef unsigned int nlink_t;       /* a count of names */
typedef unsigned int blksize_t;     /* a preferred I/O size */
typedef unsigned long long blkcnt_t; /* a count of 512-byte blocks */

#endif /* _SYS_TYPES_H */
