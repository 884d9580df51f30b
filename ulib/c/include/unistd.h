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
/* Write up to `count` bytes; fd 1 and 2 are the console. Returns the bytes written. */
ssize_t write(int fd, const void *buf, size_t count);
/* Replace the program with the initrd file `path`. Returns only on error. */
int execve(const char *path, char *const argv[], char *const envp[]);
/* Set the program break to `addr`. Returns 0, or -1 with errno set (ENOMEM). */
int brk(void *addr);
/* Move the program break by `increment` bytes. Returns the previous break,
 * or (void *)-1 with errno set (ENOMEM). sbrk(0) reads the break. */
void *sbrk(__INTPTR_TYPE__ increment);

#endif /* _UNISTD_H */
