/* stdlib.h - process exit, the heap (over sbrk), number parsing. */
#ifndef _STDLIB_H
#define _STDLIB_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
/* The largest value rand() returns. */
#define RAND_MAX 0x7fffffff
/* The longest multibyte character: the only locale is "C" (bytes). */
#define MB_CUR_MAX 1

/* Quotient and remainder of div(), ldiv(), lldiv(). */
typedef struct {
    int quot;
    int rem;
} div_t;
typedef struct {
    long quot;
    long rem;
} ldiv_t;
typedef struct {
    long long quot;
    long long rem;
} lldiv_t;

/* Run the atexit() handlers (last registered first), flush every stdio stream
 * (fflush(NULL)), then end with status & 0xff. */
__attribute__((noreturn)) void exit(int status);
/* End at once, like _exit(): no handlers, nothing flushed. */
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
/* The same for 64 bits (ERANGE gives LLONG_MIN/LLONG_MAX, ULLONG_MAX). */
long long strtoll(const char *__restrict s, char **__restrict end, int base);
unsigned long long strtoull(const char *__restrict s, char **__restrict end, int base);
long long atoll(const char *s);
int abs(int x);
long labs(long x);
long long llabs(long long x);
/* num / den truncated towards zero, and the remainder (with num's sign). */
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/* Pseudo-random numbers in 0..RAND_MAX, the C standard's example generator (a linear
 * congruential one: fine for tests and games, not for secrets). srand(seed) restarts the
 * sequence; without it the seed is 1. */
int rand(void);
void srand(unsigned int seed);

/* The value of NAME in environ, or NULL. */
char *getenv(const char *name);

/* Sort the nmemb elements of size bytes at base into ascending order of compar (negative,
 * zero or positive as a is before, equal to or after b). Not stable; O(n log n) (heapsort). */
void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *a, const void *b));
/* The element of the sorted array base equal to *key (compar(key, element)), or NULL. */
void *bsearch(const void *key, const void *base, size_t nmemb, size_t size,
              int (*compar)(const void *key, const void *element));

#endif /* _STDLIB_H */
