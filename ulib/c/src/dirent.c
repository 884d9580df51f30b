/* Directories: opendir/readdir/closedir over getdents64. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR_BUF_SIZE 2048

struct __lunaix_dir {
    int fd;
    size_t pos;            /* the next record in buf */
    size_t len;            /* bytes getdents64 filled */
    struct dirent entry;   /* what readdir returns */
    /* getdents64's records: 8-byte aligned, as their u64 fields want. */
    _Alignas(8) unsigned char buf[DIR_BUF_SIZE];
};

/* The fixed part of a struct linux_dirent64 record (abi::fs::DIRENT64_HEADER). */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

_Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19,
               "the record header is abi::fs::DIRENT64_HEADER bytes");

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *dir = malloc(sizeof *dir);
    if (dir == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    dir->fd = fd;
    dir->pos = 0;
    dir->len = 0;
    return dir;
}

struct dirent *readdir(DIR *dir)
{
    if (dir->pos >= dir->len) {
        ssize_t n = getdents64(dir->fd, dir->buf, sizeof dir->buf);
        if (n <= 0)
            return NULL; /* the end (errno untouched) or an error (errno set) */
        dir->len = (size_t)n;
        dir->pos = 0;
    }
    const struct linux_dirent64 *rec = (const void *)(dir->buf + dir->pos);
    if (rec->d_reclen <= 19 || rec->d_reclen > dir->len - dir->pos) {
        /* A record the kernel cannot have meant: stop rather than loop. */
        dir->pos = dir->len;
        errno = EIO;
        return NULL;
    }
    dir->pos += rec->d_reclen;

    struct dirent *e = &dir->entry;
    e->d_ino = rec->d_ino;
    e->d_off = rec->d_off;
    e->d_reclen = rec->d_reclen;
    e->d_type = rec->d_type;
    size_t n = strnlen(rec->d_name, rec->d_reclen - 19u);
    if (n >= sizeof e->d_name)
        n = sizeof e->d_name - 1;
    memcpy(e->d_name, rec->d_name, n);
    e->d_name[n] = '\0';
    return e;
}

int closedir(DIR *dir)
{
    int r = close(dir->fd);
    free(dir);
    return r;
}

void rewinddir(DIR *dir)
{
    lseek(dir->fd, 0, SEEK_SET);
    dir->pos = 0;
    dir->len = 0;
}

int dirfd(DIR *dir)
{
    return dir->fd;
}
