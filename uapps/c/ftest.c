/* ftest: a self-checking test of the C shim's file API (and of the kernel's file calls under
 * it): stdio streams and their buffering, stat, directories, paths, the terminal check, and
 * the stdlib helpers that came with them.
 *
 * Usage: ftest [--tty] [BASE]
 *   BASE     the directory to work in (default /tmp; created when missing, and then removed
 *            at the end). Everything goes into BASE/ftest, which is removed at the end.
 *   --tty    stdout must be a terminal (isatty(1) == 1); without it isatty(1) is only reported.
 * Prints "ftest: <group> ok" for every group whose checks all held, "FAIL: ftest.c:<line>:
 * <check>" for every check that did not, and finally "PASS ftest" (exit 0) or "FAIL ftest"
 * (exit 1). Run it as a path (argv[0] = "/bin/ftest"): it re-executes itself through execvp. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CHECK_PROGRAM "ftest"
#include "check.h"

/* BASE, whether ftest made it (then cleanup removes it too), the work directory (BASE/ftest)
 * and paths inside it. */
static const char *base_dir;
static int made_base;
static char dir[256];

static const char *in_dir(const char *name)
{
    static char paths[4][320];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static long long file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return st.st_size;
}

/* Removes path's entries (one level of subdirectories deep) and path itself; for a work
 * directory left over by an earlier run. */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[512];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (unlink(sub) < 0 && depth < 2)
            remove_tree(sub, depth + 1);
    }
    closedir(d);
    rmdir(path);
}

/* ---------------------------------------------------------------- setup */

static void test_setup(const char *base)
{
    /* BASE may not exist (a fresh RAM file system has no /tmp): EEXIST is fine. */
    base_dir = base;
    made_base = mkdir(base, 0755) == 0;
    CHECK(made_base || errno == EEXIST);
    snprintf(dir, sizeof dir, "%s/ftest", base);
    remove_tree(dir, 0);
    CHECK(mkdir(dir, 0755) == 0);
    CHECK_ERR(mkdir(dir, 0755), EEXIST);
    struct stat st;
    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode));
    section_done("setup");
}

/* ---------------------------------------------------------------- text streams */

static void test_text(void)
{
    const char *path = in_dir("lines.txt");
    char line[128];

    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int i = 1; i <= 3; i++)
        CHECK(fprintf(f, "line %d of %s\n", i, "three") == 16);
    CHECK(fputs("no newline", f) >= 0);
    CHECK(ferror(f) == 0 && feof(f) == 0);
    CHECK(fclose(f) == 0);
    CHECK(file_size(path) == 3 * 16 + 10);

    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int i = 1; i <= 3; i++) {
        char want[32];
        snprintf(want, sizeof want, "line %d of three\n", i);
        CHECK(fgets(line, sizeof line, f) == line && strcmp(line, want) == 0);
    }
    CHECK(fgets(line, sizeof line, f) == line && strcmp(line, "no newline") == 0);
    CHECK(feof(f) != 0 && ferror(f) == 0);
    CHECK(fgets(line, sizeof line, f) == NULL);
    CHECK(fgetc(f) == EOF && feof(f));
    clearerr(f);
    CHECK(feof(f) == 0);
    CHECK(fclose(f) == 0);

    /* A short buffer: fgets stops at size - 1 bytes and goes on from there. */
    f = fopen(path, "r");
    CHECK(f != NULL && fgets(line, 5, f) == line && strcmp(line, "line") == 0);
    CHECK(f != NULL && fgets(line, sizeof line, f) == line && strcmp(line, " 1 of three\n") == 0);
    if (f)
        fclose(f);

    /* "a" appends; "a+" reads from the start and still appends. */
    f = fopen(path, "a");
    CHECK(f != NULL && fprintf(f, "\nappended\n") == 10 && fclose(f) == 0);
    CHECK(file_size(path) == 3 * 16 + 10 + 10);
    f = fopen(path, "a+");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fgets(line, sizeof line, f) == line && strcmp(line, "line 1 of three\n") == 0);
        CHECK(fputs("tail\n", f) >= 0 && fflush(f) == 0);
        CHECK(fclose(f) == 0);
    }
    CHECK(file_size(path) == 3 * 16 + 10 + 10 + 5);
    f = fopen(path, "r");
    int lines = 0;
    char last[128] = "";
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        lines++;
        strcpy(last, line);
    }
    CHECK(lines == 6 && strcmp(last, "tail\n") == 0);
    if (f)
        fclose(f);

    /* "w" truncates; "r+" reads and writes in place. */
    f = fopen(path, "w");
    CHECK(f != NULL && fclose(f) == 0 && file_size(path) == 0);
    f = fopen(path, "w+");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fputs("hello, world\n", f) >= 0);
        rewind(f);
        CHECK(fgets(line, sizeof line, f) == line && strcmp(line, "hello, world\n") == 0);
        CHECK(ftell(f) == 13);
        CHECK(fseek(f, 7, SEEK_SET) == 0 && fputs("WORLD", f) >= 0 && fclose(f) == 0);
    }
    f = fopen(path, "r+");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fgets(line, sizeof line, f) == line && strcmp(line, "hello, WORLD\n") == 0);
        CHECK(fclose(f) == 0);
    }

    /* Bad modes and missing files. */
    CHECK_NULL_ERR(fopen(path, "q"), EINVAL);
    CHECK_NULL_ERR(fopen(path, "rw"), EINVAL);
    CHECK_NULL_ERR(fopen(in_dir("missing.txt"), "r"), ENOENT);
    section_done("text streams");
}

/* ---------------------------------------------------------------- binary blocks */

enum { BLOB = 10000 };
static unsigned char blob[BLOB], back[BLOB];

static void test_binary(void)
{
    const char *path = in_dir("blob.bin");
    for (int i = 0; i < BLOB; i++)
        blob[i] = (unsigned char)(i * 7 + i / 256);

    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(fwrite(blob, 1, 100, f) == 100);              /* into the buffer */
    CHECK(fwrite(blob + 100, 100, 50, f) == 50);        /* through it */
    CHECK(fwrite(blob + 5100, 4900, 1, f) == 1);        /* past it */
    CHECK(fclose(f) == 0);
    CHECK(file_size(path) == BLOB);

    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    memset(back, 0, sizeof back);
    CHECK(fread(back, 7, 10, f) == 10);                 /* small items */
    CHECK(fread(back + 70, 1, 3000, f) == 3000);        /* across buffer refills */
    CHECK(fread(back + 3070, 1, BLOB, f) == BLOB - 3070); /* short: the end of the file */
    CHECK(feof(f) && !ferror(f));
    CHECK(memcmp(blob, back, BLOB) == 0);
    CHECK(fread(back, 1, 1, f) == 0);
    CHECK(fclose(f) == 0);

    /* fstat and lseek on a descriptor of the same file. */
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == BLOB);
    CHECK(st.st_nlink == 1);
    CHECK(lseek(fd, 0, SEEK_END) == BLOB);
    CHECK(lseek(fd, -10, SEEK_END) == BLOB - 10);
    unsigned char tail[16];
    CHECK(read(fd, tail, sizeof tail) == 10 && memcmp(tail, blob + BLOB - 10, 10) == 0);
    CHECK(lseek(fd, 1234, SEEK_SET) == 1234 && read(fd, tail, 4) == 4);
    CHECK(memcmp(tail, blob + 1234, 4) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 1238);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, 0, 7), EINVAL);
    CHECK(close(fd) == 0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
    close(fds[0]);
    close(fds[1]);
    section_done("binary");
}

/* ---------------------------------------------------------------- ungetc */

static void test_ungetc(void)
{
    const char *path = in_dir("abc.txt");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL && fputs("abc", f) >= 0 && fclose(f) == 0);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(fgetc(f) == 'a');
    CHECK(ungetc('x', f) == 'x');
    CHECK(ungetc('y', f) == EOF); /* one byte of push-back */
    CHECK(getc(f) == 'x' && getc(f) == 'b');
    char buf[8];
    CHECK(ungetc('B', f) == 'B' && fread(buf, 1, sizeof buf, f) == 2 && memcmp(buf, "Bc", 2) == 0);
    CHECK(feof(f) && fgetc(f) == EOF);
    CHECK(ungetc('z', f) == 'z' && !feof(f)); /* clears the end-of-file mark */
    CHECK(fgetc(f) == 'z' && fgetc(f) == EOF);
    CHECK(ungetc(EOF, f) == EOF);
    CHECK(fclose(f) == 0);
    section_done("ungetc");
}

/* ---------------------------------------------------------------- buffering */

static void test_buffering(void)
{
    const char *path = in_dir("buffered.txt");

    /* Fully buffered: nothing reaches the file before fflush. */
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(fputs("abc\n", f) >= 0 && file_size(path) == 0);
    CHECK(fflush(f) == 0 && file_size(path) == 4);
    /* Unbuffered: every call goes out at once. */
    CHECK(setvbuf(f, NULL, _IONBF, 0) == 0);
    CHECK(fputc('d', f) == 'd' && file_size(path) == 5);
    /* Line-buffered: out at the newline. */
    CHECK(setvbuf(f, NULL, _IOLBF, 64) == 0);
    CHECK(fputs("ef", f) >= 0 && file_size(path) == 5);
    CHECK(fputs("g\nh", f) >= 0 && file_size(path) == 10); /* the whole buffer goes */
    CHECK(setvbuf(f, NULL, 42, 0) != 0);
    CHECK(fclose(f) == 0 && file_size(path) == 10);

    /* fork() flushes every stream, so buffered text is written once, not by both. */
    f = fopen(path, "w");
    CHECK(f != NULL && fputs("before fork\n", f) >= 0);
    pid_t child = fork();
    if (child == 0) {
        fputs("child\n", f);
        exit(0); /* exit() flushes */
    }
    int status = -1;
    CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status));
    CHECK(fputs("parent\n", f) >= 0 && fclose(f) == 0);
    f = fopen(path, "r");
    char all[64] = "";
    CHECK(f != NULL && fread(all, 1, sizeof all - 1, f) == 25);
    CHECK(strcmp(all, "before fork\nchild\nparent\n") == 0);
    if (f)
        fclose(f);

    /* _exit() does not flush. */
    f = fopen(path, "w");
    child = fork();
    if (child == 0) {
        fputs("lost\n", f);
        _exit(0);
    }
    CHECK(child > 0 && waitpid(child, &status, 0) == child);
    CHECK(f != NULL && fclose(f) == 0 && file_size(path) == 0);

    /* fdopen and fileno. */
    int fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    f = fdopen(fd, "a");
    CHECK(f != NULL && fileno(f) == fd);
    CHECK(f != NULL && fprintf(f, "%d-%s", 42, "x") == 4 && fclose(f) == 0);
    CHECK(file_size(path) == 4);
    CHECK_ERR(write(fd, "x", 1), EBADF); /* fclose closed the descriptor */
    CHECK(fileno(stdin) == 0 && fileno(stdout) == 1 && fileno(stderr) == 2);
    section_done("buffering");
}

/* ---------------------------------------------------------------- errors and names */

static void test_names(void)
{
    char a[320], b[320], sub[320]; /* in_dir's results are overwritten after four calls */
    strcpy(a, in_dir("lines.txt"));
    strcpy(b, in_dir("renamed.txt"));
    strcpy(sub, in_dir("sub"));

    CHECK_ERR(open(in_dir("missing"), O_RDONLY), ENOENT);
    CHECK_ERR(open(a, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    int fd = open(in_dir("new.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "12345", 5) == 5 && close(fd) == 0);
    CHECK(file_size(in_dir("new.txt")) == 5);
    CHECK_ERR(open(in_dir("lines.txt/x"), O_RDONLY), ENOTDIR);
    CHECK_ERR(open(dir, O_WRONLY), EISDIR);

    CHECK(mkdir(sub, 0755) == 0);
    CHECK(mkdir(in_dir("sub/inner"), 0700) == 0);
    CHECK_ERR(rmdir(sub), ENOTEMPTY);
    CHECK(rmdir(in_dir("sub/inner")) == 0);
    CHECK_ERR(rmdir(a), ENOTDIR);
    CHECK_ERR(unlink(in_dir("missing")), ENOENT);
    CHECK_ERR(mkdir(in_dir("no/such/parent"), 0755), ENOENT);

    CHECK(rename(a, b) == 0);
    CHECK_ERR(stat(a, &(struct stat){0}), ENOENT);
    CHECK(file_size(b) > 0);
    CHECK(rename(b, a) == 0 && file_size(a) > 0);

    /* remove() takes files and empty directories. */
    CHECK(mkdir(in_dir("gone"), 0755) == 0 && remove(in_dir("gone")) == 0);
    CHECK(remove(in_dir("new.txt")) == 0);
    CHECK_ERR(remove(in_dir("new.txt")), ENOENT);
    section_done("names");
}

/* ---------------------------------------------------------------- directories */

/* Lists dir; sets *found to a bit mask of the names in want[] (and checks d_type). */
static int list_dir(const char *const *want, const unsigned char *types, int n, int *found)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int entries = 0;
    *found = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        entries++;
        for (int i = 0; i < n; i++) {
            if (strcmp(e->d_name, want[i]) == 0) {
                *found |= 1 << i;
                CHECK(e->d_type == types[i] || e->d_type == DT_UNKNOWN);
                CHECK(e->d_ino != 0 && e->d_reclen >= 20);
            }
        }
    }
    CHECK(errno == 0); /* the end, not an error */
    CHECK(dirfd(d) >= 0);
    /* rewinddir starts over: the same number of entries again. */
    rewinddir(d);
    int again = 0;
    while (readdir(d) != NULL)
        again++;
    CHECK(again == entries);
    CHECK(closedir(d) == 0);
    return entries;
}

static void test_dirs(void)
{
    const char *const want[] = {".", "..", "lines.txt", "blob.bin", "sub", "abc.txt"};
    const unsigned char types[] = {DT_DIR, DT_DIR, DT_REG, DT_REG, DT_DIR, DT_REG};
    int found = 0;
    int n = list_dir(want, types, 6, &found);
    CHECK(found == 0x3f);
    CHECK(n >= 6);

    CHECK(unlink(in_dir("abc.txt")) == 0);
    CHECK(list_dir(want, types, 6, &found) == n - 1);
    CHECK(found == 0x1f); /* abc.txt is gone */

    /* Many entries: more than one getdents64 buffer's worth. */
    for (int i = 0; i < 100; i++) {
        char name[64];
        snprintf(name, sizeof name, "entry-with-a-longish-name-%03d", i);
        int fd = open(in_dir(name), O_WRONLY | O_CREAT, 0644);
        CHECK(fd >= 0 && close(fd) == 0);
    }
    CHECK(list_dir(want, types, 6, &found) == n - 1 + 100);
    for (int i = 0; i < 100; i++) {
        char name[64];
        snprintf(name, sizeof name, "entry-with-a-longish-name-%03d", i);
        CHECK(unlink(in_dir(name)) == 0);
    }

    CHECK_NULL_ERR(opendir(in_dir("lines.txt")), ENOTDIR);
    CHECK_NULL_ERR(opendir(in_dir("missing")), ENOENT);
    int fd = open(in_dir("lines.txt"), O_RDONLY);
    char buf[64];
    CHECK_ERR(getdents64(fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    section_done("directories");
}

/* ---------------------------------------------------------------- working directory */

static void test_cwd(void)
{
    char saved[256], now[256];
    CHECK(getcwd(saved, sizeof saved) == saved && saved[0] == '/');
    CHECK(chdir(dir) == 0);
    CHECK(getcwd(now, sizeof now) == now);
    size_t n = strlen(now);
    CHECK(n >= 6 && strcmp(now + n - 6, "/ftest") == 0);
    CHECK_NULL_ERR(getcwd(now, 3), ERANGE);
    CHECK_NULL_ERR(getcwd(now, 0), EINVAL);

    /* Relative paths start at the working directory. */
    FILE *f = fopen("relative.txt", "w");
    CHECK(f != NULL && fputs("here", f) >= 0 && fclose(f) == 0);
    CHECK(file_size(in_dir("relative.txt")) == 4);
    CHECK(chdir("sub") == 0 && file_size("../relative.txt") == 4);
    CHECK(chdir("..") == 0 && unlink("relative.txt") == 0);
    CHECK_ERR(chdir("missing"), ENOENT);
    CHECK_ERR(chdir("lines.txt"), ENOTDIR);
    CHECK(chdir(saved) == 0);
    CHECK(getcwd(now, sizeof now) == now && strcmp(now, saved) == 0);
    section_done("working directory");
}

/* ---------------------------------------------------------------- terminals */

/* Settings through the shim on a terminal: set, read back, restore; speeds; flushing; the
 * window size; the foreground group's errors. Output without OPOST goes out as it is (the
 * harness sees "ftest: raw NL" end in a bare NL). */
static void test_tty_settings(void)
{
    struct termios saved, t, back;
    CHECK(tcgetattr(1, &saved) == 0);
    t = saved;
    cfmakeraw(&t);
    CHECK(tcsetattr(1, TCSAFLUSH, &t) == 0);
    CHECK(tcgetattr(1, &back) == 0 && memcmp(&back, &t, sizeof t) == 0);
    printf("ftest: raw NL\n");
    fflush(stdout);
    CHECK_ERR(tcsetattr(1, 9, &t), EINVAL);
    CHECK(cfgetospeed(&saved) == B38400 && cfgetispeed(&saved) == B38400);
    CHECK(cfsetospeed(&t, B9600) == 0 && cfgetospeed(&t) == B9600);
    CHECK(cfsetispeed(&t, B0) == 0 && cfgetispeed(&t) == B9600);
    CHECK(cfsetspeed(&t, B115200) == 0 && cfgetospeed(&t) == B115200);
    CHECK_ERR(cfsetospeed(&t, 0010000), EINVAL);
    CHECK_ERR(cfsetospeed(&t, 12345), EINVAL);
    CHECK(tcsetattr(1, TCSADRAIN, &t) == 0);
    CHECK(tcgetattr(1, &back) == 0 && cfgetospeed(&back) == B115200);
    CHECK(tcsetattr(1, TCSANOW, &saved) == 0);
    CHECK(tcgetattr(1, &back) == 0 && memcmp(&back, &saved, sizeof saved) == 0);
    printf("ftest: cooked NL\n");
    CHECK(tcflush(1, TCIFLUSH) == 0 && tcflush(1, TCIOFLUSH) == 0 && tcflush(1, TCOFLUSH) == 0);
    CHECK_ERR(tcflush(1, 7), EINVAL);
    CHECK(tcdrain(1) == 0);
    int waiting = -1;
    CHECK(ioctl(1, FIONREAD, &waiting) == 0 && waiting == 0);
    struct winsize ws, set = {.ws_row = 50, .ws_col = 132}, got;
    CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0);
    CHECK(ioctl(1, TIOCSWINSZ, &set) == 0);
    CHECK(ioctl(1, TIOCGWINSZ, &got) == 0 && got.ws_row == 50 && got.ws_col == 132);
    CHECK(ioctl(1, TIOCSWINSZ, &ws) == 0);
    CHECK(tcsetpgrp(1, getpgrp()) == 0);
    CHECK_ERR(tcsetpgrp(1, -1), EINVAL);
    CHECK_ERR(tcsetpgrp(1, 0), ESRCH);
    CHECK_ERR(tcsetpgrp(1, 0x7ffffffe), ESRCH); /* above any pid, here or on Linux */
}

static void test_tty(int want_tty)
{
    int tty = isatty(1);
    printf("ftest: isatty(1) = %d\n", tty);
    if (want_tty) {
        CHECK(tty == 1);
        struct termios t;
        CHECK(tcgetattr(1, &t) == 0 && (t.c_lflag & ICANON) != 0);
        /* Our group holds the terminal, our session controls it. */
        CHECK(tcgetpgrp(1) == getpgrp());
        CHECK(tcgetsid(1) == getsid(0));
        struct winsize ws;
        CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0);
        cfmakeraw(&t);
        CHECK((t.c_lflag & (ICANON | ECHO | ISIG)) == 0 && (t.c_iflag & ICRNL) == 0);
        CHECK(t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0 && (t.c_cflag & CSIZE) == CS8);
        test_tty_settings();
    }
    int fd = open(in_dir("lines.txt"), O_RDONLY);
    CHECK(fd >= 0);
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY);
    struct termios t;
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    CHECK_ERR(tcgetpgrp(fd), ENOTTY);
    CHECK_ERR(tcgetsid(fd), ENOTTY);
    close(fd);
    errno = 0;
    CHECK(isatty(99) == 0 && errno == EBADF);
    section_done("terminals");
}

/* ---------------------------------------------------------------- stdlib */

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_stdlib(void)
{

    int nums[] = {5, -3, 99, 0, 7, 7, -100, 42, 1, INT_MAX, INT_MIN, 3};
    int count = (int)(sizeof nums / sizeof nums[0]);
    qsort(nums, (size_t)count, sizeof nums[0], by_int);
    for (int i = 1; i < count; i++)
        CHECK(nums[i - 1] <= nums[i]);
    CHECK(nums[0] == INT_MIN && nums[count - 1] == INT_MAX);
    int key = 42;
    int *hit = bsearch(&key, nums, (size_t)count, sizeof nums[0], by_int);
    CHECK(hit != NULL && *hit == 42);
    key = 6;
    CHECK(bsearch(&key, nums, (size_t)count, sizeof nums[0], by_int) == NULL);
    int big[500];
    for (int i = 0; i < 500; i++)
        big[i] = (i * 7919) % 503;
    qsort(big, 500, sizeof big[0], by_int);
    int sorted = 1;
    for (int i = 1; i < 500; i++)
        sorted &= big[i - 1] <= big[i];
    CHECK(sorted);
    const char *words[] = {"pear", "apple", "fig", "banana", "apple", "cherry"};
    qsort(words, 6, sizeof words[0], by_string);
    CHECK(strcmp(words[0], "apple") == 0 && strcmp(words[1], "apple") == 0);
    CHECK(strcmp(words[2], "banana") == 0 && strcmp(words[5], "pear") == 0);
    qsort(words, 0, sizeof words[0], by_string); /* nothing to do */

    char *end;
    CHECK(strtol("0x1f", &end, 0) == 31 && *end == '\0');
    CHECK(strtol("0X1F", NULL, 16) == 31);
    CHECK(strtol("017", NULL, 0) == 15 && strtol("017", NULL, 10) == 17);
    CHECK(strtol("  -42abc", &end, 10) == -42 && strcmp(end, "abc") == 0);
    CHECK(strtol("+7", &end, 0) == 7 && *end == '\0');
    const char *none = "xyz";
    CHECK(strtol(none, &end, 10) == 0 && end == none);
    CHECK(strtol("0x", &end, 16) == 0 && strcmp(end, "x") == 0);
    CHECK(strtol("ff", NULL, 16) == 255 && strtol("z", NULL, 36) == 35);
    errno = 0;
    CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtol("-2147483648", NULL, 10) == LONG_MIN && errno == 0);
    CHECK(strtol("-2147483649", NULL, 10) == LONG_MIN && errno == ERANGE);
    CHECK(strtoul("4294967295", NULL, 10) == ULONG_MAX);
    CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
    CHECK(atoi("  123xyz") == 123 && atoi("-8") == -8);

    unsigned char *z = calloc(1000, 4);
    CHECK(z != NULL);
    int zeros = 1;
    for (int i = 0; z != NULL && i < 4000; i++)
        zeros &= z[i] == 0;
    CHECK(zeros);
    free(z);
    char *r = malloc(16);
    CHECK(r != NULL);
    if (r != NULL) {
        strcpy(r, "keep me");
        r = realloc(r, 5000);
        CHECK(r != NULL && strcmp(r, "keep me") == 0);
        r = realloc(r, 8);
        CHECK(r != NULL && strcmp(r, "keep me") == 0);
        free(r);
    }

    /* getenv agrees with environ. */
    const char *path_entry = NULL;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        if (strncmp(*e, "PATH=", 5) == 0 && path_entry == NULL)
            path_entry = *e + 5;
    const char *path = getenv("PATH");
    CHECK(path == path_entry);
    if (path != NULL)
        printf("ftest: PATH is %s\n", path);
    CHECK(getenv("FTEST_SURELY_NOT_SET") == NULL && getenv("") == NULL && getenv("A=B") == NULL);
    section_done("stdlib");
}

/* ---------------------------------------------------------------- exec */

/* The re-executed program: checks what execvp passed, reports through the exit status. */
static int exec_check(int argc, char **argv)
{
    const char *mode = getenv("FTEST_MODE");
    if (argc != 3 || strcmp(argv[2], "x y") != 0 || mode == NULL)
        return 43;
    return strcmp(mode, "execvp") == 0 ? 42 : strcmp(mode, "execv") == 0 ? 41 : 44;
}

static int run_exec(const char *self, int use_path)
{
    pid_t child = fork();
    if (child == 0) {
        /* PATH: a directory without the program first, then the program's own. */
        static char path_var[300];
        const char *slash = strrchr(self, '/');
        snprintf(path_var, sizeof path_var, "PATH=/no/such/dir:%.*s", (int)(slash - self), self);
        static char *env[] = {path_var, "FTEST_MODE=execvp", NULL};
        if (use_path) {
            environ = env;
            char *argv[] = {(char *)(slash + 1), "--exec-check", "x y", NULL};
            execvp(slash + 1, argv);
        } else {
            env[1] = "FTEST_MODE=execv";
            environ = env;
            char *argv[] = {(char *)self, "--exec-check", "x y", NULL};
            execv(self, argv);
        }
        _exit(99);
    }
    int status = -1;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void test_exec(const char *self)
{
    if (self == NULL || self[0] != '/') {
        printf("ftest: exec skipped (argv[0] \"%s\" is not a path)\n", self ? self : "(none)");
        return;
    }
    CHECK(run_exec(self, 1) == 42);
    CHECK(run_exec(self, 0) == 41);
    char *argv[] = {"ftest-no-such-program", NULL};
    CHECK_ERR(execvp("ftest-no-such-program", argv), ENOENT);
    CHECK_ERR(execvp("", argv), ENOENT);
    section_done("exec");
}

/* ---------------------------------------------------------------- cleanup */

static void test_cleanup(void)
{
    const char *names[] = {"lines.txt", "blob.bin", "buffered.txt"};
    for (int i = 0; i < 3; i++)
        CHECK(unlink(in_dir(names[i])) == 0);
    CHECK(rmdir(in_dir("sub")) == 0);
    CHECK(rmdir(dir) == 0);
    CHECK_ERR(stat(dir, &(struct stat){0}), ENOENT);
    if (made_base)
        CHECK(rmdir(base_dir) == 0); /* leave the file system as it was */
    section_done("cleanup");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-check") == 0)
        return exec_check(argc, argv);

    int want_tty = 0;
    const char *base = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tty") == 0)
            want_tty = 1;
        else
            base = argv[i];
    }

    test_setup(base);
    if (failures == 0) {
        test_text();
        test_binary();
        test_ungetc();
        test_buffering();
        test_names();
        test_dirs();
        test_cwd();
        test_tty(want_tty);
        test_stdlib();
        test_exec(argc > 0 ? argv[0] : NULL);
        test_cleanup();
    }

    if (failures != 0) {
        printf("FAIL: ftest: %d check(s) failed\n", failures);
        puts("FAIL ftest");
        return 1;
    }
    puts("PASS ftest");
    return 0;
}
