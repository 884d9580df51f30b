/* unistd.h - process control and raw I/O of the Lunaix C shim.
 * On failure the functions return -1 (sbrk: (void *)-1) and set errno. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

/* The environment passed to the program (NULL-terminated), set up by crt0. */
extern char **environ;

/* Create a child process (memory copied on write).
 * Returns the child's pid in the parent, 0 in the child, -1 on error.
 * fork() flushes every stdio stream first (fflush(NULL)), so text printed but still buffered
 * comes out once, not once from each process. */
pid_t fork(void);
/* The foreground process group of the terminal fd (TIOCGPGRP), or -1 with errno set: EBADF,
 * ENOTTY (not a terminal, or not the caller's controlling terminal). */
pid_t tcgetpgrp(int fd);
/* Make the process group pgrp of the caller's session the foreground group of the terminal fd
 * (TIOCSPGRP). 0, or -1 with errno set: EBADF, ENOTTY (not the caller's controlling terminal),
 * EINVAL, ESRCH (no such group), EPERM (another session's group). */
int tcsetpgrp(int fd, pid_t pgrp);
pid_t getpid(void);
/* The parent's pid; 0 for the first process. */
pid_t getppid(void);
/* End the process at once with status & 0xff (no atexit handlers). */
__attribute__((noreturn)) void _exit(int status);
/* Block for at least `seconds`; returns the seconds left (0 when it slept fully). */
unsigned int sleep(unsigned int seconds);
/* Block until a caught signal's handler has run; always -1 with errno EINTR. */
int pause(void);
/* SIGALRM after `seconds` (0 cancels); returns the seconds left of the previous alarm
 * (rounded up; 0 when none was set). */
unsigned int alarm(unsigned int seconds);
/* Block for at least `usec` microseconds. Returns 0, or -1 with errno EINTR when a caught
 * signal ends it early. */
int usleep(useconds_t usec);
/* Descriptors: pid 1 starts with 0, 1 and 2 on the console; fork copies them, execve keeps
 * all but the close-on-exec ones (O_CLOEXEC, FD_CLOEXEC in <fcntl.h>). A new descriptor is
 * the lowest free number. */
/* Read up to `count` bytes. Returns the bytes read (on a pipe, what is there once something
 * is), 0 at end of file (a pipe with no writer left; the console has no input yet), or -1
 * with errno set: EBADF, EFAULT, EAGAIN (O_NONBLOCK), EINTR. */
ssize_t read(int fd, void *buf, size_t count);
/* Write up to `count` bytes. Returns the bytes written, or -1 with errno set: EBADF, EFAULT,
 * EPIPE (a pipe with no reader: SIGPIPE is sent too), EAGAIN (O_NONBLOCK), EINTR. Writes of
 * at most PIPE_BUF (<limits.h>) bytes to a pipe never interleave with other writers'. */
ssize_t write(int fd, const void *buf, size_t count);
/* Close fd. EBADF if it is not open. */
int close(int fd);
/* A new descriptor, the lowest free one, for fd's open file. EBADF, EMFILE. */
int dup(int fd);
/* Make newfd refer to oldfd's open file, closing newfd first; returns newfd. EBADF. */
int dup2(int oldfd, int newfd);
/* Create a pipe: fds[0] is the read end, fds[1] the write end. EMFILE, ENOMEM, EFAULT. */
int pipe(int fds[2]);
/* pipe() with flags O_CLOEXEC and O_NONBLOCK (<fcntl.h>) on both ends; EINVAL for others. */
int pipe2(int fds[2], int flags);
/* Replace the program with the regular file `path` (it needs an execute bit). Returns only on
 * error: ENOENT, ENOTDIR, EACCES, ENOEXEC, E2BIG, EFAULT, ENOMEM. Buffered stdio output that
 * was not flushed is lost, as everywhere. */
int execve(const char *path, char *const argv[], char *const envp[]);
/* execve(path, argv, environ). */
int execv(const char *path, char *const argv[]);
/* execv() that looks a name without '/' up in the directories of $PATH (from environ; "/bin"
 * when PATH is not set), trying each in turn; a name with a '/' is used as it is. When no
 * directory has it: -1 with errno ENOENT (or the error of the last candidate that exists but
 * could not be run, such as EACCES). */
int execvp(const char *file, char *const argv[]);

/* lseek() whence: from the start, from the current offset, from the end of the file. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* Move fd's offset (shared by every descriptor of the open file) and return the new one.
 * -1 with errno set: EBADF, EINVAL (bad whence, or a negative result), ESPIPE (a pipe or the
 * console). off_t is 64 bits: the kernel call is Linux's _llseek. */
off_t lseek(int fd, off_t offset, int whence);
/* Remove the name path (not a directory: EISDIR); the file goes when no name and no
 * descriptor is left. ENOENT, ENOTDIR, EBUSY. */
int unlink(const char *path);
/* Remove the empty directory path. ENOTEMPTY, ENOTDIR, ENOENT, EBUSY (the root, a mount). */
int rmdir(const char *path);
/* Make the directory path the working directory (relative paths start there). ENOENT,
 * ENOTDIR. */
int chdir(const char *path);
/* Store the working directory's absolute path in buf (size bytes, NUL included). Returns buf,
 * or NULL with errno set: ERANGE (size too small), EINVAL (size 0), EFAULT. */
char *getcwd(char *buf, size_t size);
/* 1 when fd is a terminal (it answers TCGETS), else 0 with errno set (ENOTTY, EBADF). */
int isatty(int fd);

/* access() modes: the file exists; may be read, written, executed (ORed together). */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* 0 when path exists and allows every access in mode, else -1 with errno set (ENOENT,
 * ENOTDIR, EACCES, EINVAL for a bad mode). Built on stat(): there is no access system call,
 * and every process runs as root, so R_OK and W_OK always hold for an existing file; X_OK needs
 * an x bit in st_mode (any of the three) unless path is a directory. */
int access(const char *path, int mode);

/* POSIX option parsing. Each call returns the next option letter of argv (optind: the next
 * argument to look at, starting at 1), -1 at the first operand, at "--" (skipped) or at the
 * end. optstring lists the letters; a letter followed by ':' takes an argument (the rest of
 * its word or the next word), left in optarg. An unknown letter or a missing argument
 * returns '?' with the letter in optopt and a message on stderr (unless opterr is 0); when
 * optstring starts with ':' there is no message and a missing argument returns ':'.
 * Setting optind to 0 (or 1) starts over. No argument permutation, no optional arguments
 * ("::"), no getopt_long. */
int getopt(int argc, char *const argv[], const char *optstring);
extern char *optarg;
extern int optind, opterr, optopt;

/* Set the program break to `addr`. Returns 0, or -1 with errno set (ENOMEM). */
int brk(void *addr);
/* Move the program break by `increment` bytes. Returns the previous break,
 * or (void *)-1 with errno set (ENOMEM). sbrk(0) reads the break. */
void *sbrk(__INTPTR_TYPE__ increment);

/* Process groups and sessions (POSIX). pid 0 means the caller. */
/* The process group of pid. -1 with errno ESRCH when there is no such process. */
pid_t getpgid(pid_t pid);
/* The caller's process group. */
pid_t getpgrp(void);
/* Move pid into group pgid (0: the group whose id is pid). EINVAL, ESRCH, EPERM, EACCES. */
int setpgid(pid_t pid, pid_t pgid);
/* Start a new session and group led by the caller; returns its id. EPERM for a group
 * leader. */
pid_t setsid(void);
/* The session of pid. -1 with errno ESRCH when there is no such process. */
pid_t getsid(pid_t pid);

#endif /* _UNISTD_H */
