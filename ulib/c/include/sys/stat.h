/* sys/stat.h - what a file is: struct stat, the file type and permission bits, stat(),
 * fstat(), mkdir().
 *
 * struct stat is this kernel's own (kernel/abi/src/fs.rs, Stat; 88 bytes): every 64-bit field
 * sits at a multiple of 8, so C and Rust agree without packing. The S_IF* values are the
 * kernel's abi::fs ones (Linux's); syscall-gen's host tests compile this header and check the
 * layout and the values against abi. Times are on the monotonic clock (there is no wall clock). */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include <time.h>

struct stat {
    dev_t st_dev;           /* the device the file is on (0: the RAM root; 1: /proc) */
    ino_t st_ino;           /* the inode number */
    mode_t st_mode;         /* file type (S_IF*) and permission bits */
    nlink_t st_nlink;       /* names of the file */
    uid_t st_uid;           /* always 0: there are no users */
    gid_t st_gid;           /* always 0 */
    dev_t st_rdev;          /* a device node's device: major << 8 | minor */
    off_t st_size;          /* bytes in a regular file */
    blksize_t st_blksize;   /* the preferred I/O size */
    unsigned int __pad;
    blkcnt_t st_blocks;     /* 512-byte blocks the data occupies */
    struct timespec st_atim; /* last access */
    struct timespec st_mtim; /* last change of the data */
    struct timespec st_ctim; /* last change of the inode */
};

#define st_atime st_atim.tv_sec
#define st_mtime st_mtim.tv_sec
#define st_ctime st_ctim.tv_sec

_Static_assert(sizeof(struct stat) == 88, "struct stat is the kernel's (abi::fs::Stat)");
_Static_assert(__builtin_offsetof(struct stat, st_size) == 40, "st_size at abi's offset");

/* File types: the S_IFMT bits of st_mode. */
#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000

#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* Permission bits (kept and reported; nothing checks them, there are no users). */
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_IRWXU 00700
#define S_IRUSR 00400
#define S_IWUSR 00200
#define S_IXUSR 00100
#define S_IRWXG 00070
#define S_IRGRP 00040
#define S_IWGRP 00020
#define S_IXGRP 00010
#define S_IRWXO 00007
#define S_IROTH 00004
#define S_IWOTH 00002
#define S_IXOTH 00001

/* Store what path names (stat) or what fd refers to (fstat) in *buf. Return 0, or -1 with
 * errno set: ENOENT, ENOTDIR (a path component is no directory), ENAMETOOLONG, EBADF,
 * EFAULT. */
int stat(const char *__restrict path, struct stat *__restrict buf);
int fstat(int fd, struct stat *buf);
/* Create the directory path with permission bits mode. EEXIST, ENOENT (no parent), ENOTDIR. */
int mkdir(const char *path, mode_t mode);

#endif /* _SYS_STAT_H */
