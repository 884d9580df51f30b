/* stdlib.h - process exit, the heap (over sbrk), number parsing. */
#ifndef _STDLIB_H
#define _STDLIB_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* Run the atexit() handlers (last registered first), then end with status & 0xff.
 * Output is never buffered, so there is nothing to flush. */
__attribute__((noreturn)) void exit(int status);
/* End at once, like _exit(). */
__attribute__((noreturn)) void _Exit(int status);
/* End abnormally with SIGABRT (the parent sees WIFSIGNALED, WTERMSIG == SIGABRT), even
 * when SIGABRT is blocked or its handler returns (the handler runs first). */
__attribute__((noreturn)) void abort(void);
/* Register a function for exit() to call (at most 32). Returns 0, or -1 when full. */
int atexit(void (*fn)(void));

/* First-fit heap over sbrk(); blocks are 8-byte aligned. malloc(0) returns a unique pointer.
 * On failure: NULL and errno = ENOMEM. free(NULL) does nothing; freeing a pointer
 * malloc did not return (or freeing twice) is reported on stderr and aborts. */
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
/* realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and returns NULL. */
void *realloc(void *ptr, size_t size);

int atoi(const char *s);
long atol(const char *s);
/* base 0 (auto: 0x.., 0..., decimal) or 2..36; out-of-range values saturate with ERANGE. */
long strtol(const char *__restrict s, char **__restrict end, int base);
unsigned long strtoul(const char *__restrict s, char **__restrict end, int base);
int abs(int x);
long labs(long x);

/* The value of NAME in environ, or NULL. */
char *getenv(const char *name);

#endif /* _STDLIB_H */
