/* dirent.h - reading directories: opendir(), readdir(), closedir().
 *
 * A DIR holds a descriptor of the directory (opened O_RDONLY | O_DIRECTORY | O_CLOEXEC) and a
 * buffer of the records getdents64() filled (Linux's struct linux_dirent64: 8-byte aligned
 * records of d_ino, d_off, d_reclen, d_type and a NUL-terminated name). readdir() hands them
 * out one at a time and refills the buffer when it runs dry. */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>

/* d_type values (kernel/abi/src/fs.rs, dirent_type; Linux's). */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct dirent {
    ino_t d_ino;             /* the inode number */
    off_t d_off;             /* the position after this entry (opaque) */
    unsigned short d_reclen; /* the length of the record getdents64 gave */
    unsigned char d_type;    /* DT_* */
    char d_name[256];        /* the name, NUL-terminated */
};

typedef struct __lunaix_dir DIR;

/* Open the directory path. NULL with errno set: ENOENT, ENOTDIR, EMFILE, ENOMEM. */
DIR *opendir(const char *path);
/* The next entry ("." and ".." included), or NULL at the end (errno unchanged) or on an error
 * (errno set). The entry stays valid until the next readdir() or closedir() on dir. */
struct dirent *readdir(DIR *dir);
/* Close dir and free it. 0, or -1 with errno set. */
int closedir(DIR *dir);
/* Start over from the first entry. */
void rewinddir(DIR *dir);
/* The descriptor dir reads from. */
int dirfd(DIR *dir);
/* The system call under readdir(): fill buf (count bytes) with the next struct linux_dirent64
 * records of the directory fd. Returns the bytes filled, 0 at the end, or -1 with errno set
 * (EBADF, ENOTDIR, EINVAL: buf too small for the next record, EFAULT). */
ssize_t getdents64(int fd, void *buf, size_t count);

#endif /* _DIRENT_H */
