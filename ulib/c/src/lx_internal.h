/* Private to the C shim: what its files share that is no public interface. */
#ifndef _LX_INTERNAL_H
#define _LX_INTERNAL_H

#include <sys/types.h>

/* The fork system call itself; fork() (unistd.c) flushes the streams first. */
pid_t __lx_fork(void);
/* Flush every stream, for exit() (stdio.c). */
void __lx_stdio_exit(void);

#endif /* _LX_INTERNAL_H */
