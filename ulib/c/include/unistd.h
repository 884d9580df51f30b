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
 * Returns the child's pid in the parent, 0 in the child, -1 on error. */
pid_t fork(void);
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
/* Write up to `count` bytes; fd 1 and 2 are the console. Returns the bytes written. */
ssize_t write(int fd, const void *buf, size_t count);
/* Replace the program with the initrd file `path`. Returns only on error. */
int execve(const char *path, char *const argv[], char *const envp[]);
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
