/* Process exit, atexit, abort, number parsing, the environment, sorting. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx_internal.h"

#define MAX_ATEXIT 32

static void (*exit_handlers[MAX_ATEXIT])(void);
static int exit_handler_count;

int atexit(void (*fn)(void))
{
    if (exit_handler_count == MAX_ATEXIT)
        return -1;
    exit_handlers[exit_handler_count++] = fn;
    return 0;
}

void exit(int status)
{
    /* A handler may call atexit() or exit() itself: each handler runs once. */
    while (exit_handler_count > 0)
        exit_handlers[--exit_handler_count]();
    __lx_stdio_exit();
    _exit(status);
}

void _Exit(int status)
{
    _exit(status);
}

void abort(void)
{
    /* As glibc: SIGABRT overrides blocking, and a handler that returns does not stop the
     * end; the second round runs the default action. */
    sigset_t abrt;
    sigemptyset(&abrt);
    sigaddset(&abrt, SIGABRT);
    sigprocmask(SIG_UNBLOCK, &abrt, NULL);
    raise(SIGABRT);
    struct sigaction dfl = {.sa_handler = SIG_DFL, .sa_mask = 0, .sa_flags = 0};
    sigaction(SIGABRT, &dfl, NULL);
    sigprocmask(SIG_UNBLOCK, &abrt, NULL);
    raise(SIGABRT);
    /* Only a kernel without signals gets here. */
    _exit(127);
}

/* The value of digit c in bases up to 36, or 36 when c is not a digit. */
static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A' + 10);
    return 36;
}

/* Parses [space][sign][0x|0]digits. Returns the magnitude (saturated at ULLONG_MAX with
 * *overflow set), *negative tells the sign; *end is s when there are no digits. The 32-bit
 * and 64-bit strto* functions share it and check their own ranges. */
static unsigned long long parse_number(const char *s, char **end, int base, int *negative,
                                       int *overflow)
{
    const char *p = s;
    *negative = 0;
    *overflow = 0;
    if (base != 0 && (base < 2 || base > 36)) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }

    unsigned long long value = 0;
    unsigned long long limit = ULLONG_MAX / (unsigned int)base;
    unsigned int last = (unsigned int)(ULLONG_MAX % (unsigned int)base);
    const char *digits = p;
    for (;; p++) {
        unsigned int d = digit_value(*p);
        if (d >= (unsigned int)base)
            break;
        if (value > limit || (value == limit && d > last))
            *overflow = 1;
        else
            value = value * (unsigned int)base + d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    return *overflow ? ULLONG_MAX : value;
}

/* The signed result for magnitude mag within [-max - 1, max], or the bound with ERANGE. */
static long long signed_result(unsigned long long mag, int negative, int overflow,
                               unsigned long long max)
{
    if (negative) {
        if (overflow || mag > max + 1) {
            errno = ERANGE;
            return (long long)(0 - max - 1);
        }
        return (long long)(0 - mag);
    }
    if (overflow || mag > max) {
        errno = ERANGE;
        return (long long)max;
    }
    return (long long)mag;
}

/* The unsigned result: a magnitude above max is ERANGE (max); "-n" is the negation of n. */
static unsigned long long unsigned_result(unsigned long long mag, int negative, int overflow,
                                          unsigned long long max)
{
    if (overflow || mag > max) {
        errno = ERANGE;
        return max;
    }
    return negative ? (0 - mag) & max : mag;
}

long strtol(const char *__restrict s, char **__restrict end, int base)
{
    int negative;
    int overflow;
    unsigned long long mag = parse_number(s, end, base, &negative, &overflow);
    return (long)signed_result(mag, negative, overflow, LONG_MAX);
}

unsigned long strtoul(const char *__restrict s, char **__restrict end, int base)
{
    int negative;
    int overflow;
    unsigned long long mag = parse_number(s, end, base, &negative, &overflow);
    return (unsigned long)unsigned_result(mag, negative, overflow, ULONG_MAX);
}

long long strtoll(const char *__restrict s, char **__restrict end, int base)
{
    int negative;
    int overflow;
    unsigned long long mag = parse_number(s, end, base, &negative, &overflow);
    return signed_result(mag, negative, overflow, LLONG_MAX);
}

unsigned long long strtoull(const char *__restrict s, char **__restrict end, int base)
{
    int negative;
    int overflow;
    unsigned long long mag = parse_number(s, end, base, &negative, &overflow);
    return unsigned_result(mag, negative, overflow, ULLONG_MAX);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

int abs(int x)
{
    return x < 0 ? -x : x;
}

long labs(long x)
{
    return x < 0 ? -x : x;
}

long long llabs(long long x)
{
    return x < 0 ? -x : x;
}

/* C99 and later: the quotient is truncated towards zero, so the remainder has the sign of
 * the dividend; the compiler's / and % already do that. */
div_t div(int num, int den)
{
    div_t r = {num / den, num % den};
    return r;
}

ldiv_t ldiv(long num, long den)
{
    ldiv_t r = {num / den, num % den};
    return r;
}

lldiv_t lldiv(long long num, long long den)
{
    lldiv_t r = {num / den, num % den};
    return r;
}

/* The example generator of the C standard (7.22.2.2), 31 bits of it as RAND_MAX allows. */
static unsigned long long rand_state = 1;

int rand(void)
{
    rand_state = rand_state * 1103515245u + 12345u;
    return (int)((rand_state >> 16) & RAND_MAX);
}

void srand(unsigned int seed)
{
    rand_state = seed;
}

char *getenv(const char *name)
{
    size_t n = strlen(name);
    if (environ == NULL || n == 0 || strchr(name, '=') != NULL)
        return NULL;
    for (char **e = environ; *e != NULL; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

/* Swaps two elements of size bytes. */
static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    while (size-- > 0) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Moves the element at root down the max-heap of n elements until its children are not
 * greater. */
static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
                      int (*compar)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && compar(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (compar(base + root * size, base + child * size) >= 0)
            return;
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *))
{
    /* Heapsort: O(n log n) always, no recursion, no extra memory. */
    unsigned char *b = base;
    if (nmemb < 2 || size == 0)
        return;
    for (size_t i = nmemb / 2; i-- > 0;)
        sift_down(b, i, nmemb, size, compar);
    for (size_t end = nmemb - 1; end > 0; end--) {
        swap_bytes(b, b + end * size, size);
        sift_down(b, 0, end, size, compar);
    }
}

void *bsearch(const void *key, const void *base, size_t nmemb, size_t size,
              int (*compar)(const void *, const void *))
{
    const unsigned char *b = base;
    size_t lo = 0;
    size_t hi = nmemb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compar(key, b + mid * size);
        if (c == 0)
            return (void *)(b + mid * size);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
