/* Memory and string functions, written plainly (byte at a time, except word copies in
 * memcpy/memset when both ends are aligned).
 *
 * NO_LIBCALL keeps the compiler from turning these loops into calls to memset/memcpy,
 * which would call themselves. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *__restrict dst, const void *__restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        for (; n >= 4; n -= 4, d += 4, s += 4)
            *(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        /* d is below s, or the areas do not overlap: copy forwards. */
        while (n-- > 0)
            *d++ = *s++;
    } else {
        /* d overlaps the end of s: copy backwards. */
        while (n-- > 0)
            d[n] = s[n];
    }
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;
    while (n > 0 && ((uintptr_t)d & 3) != 0) {
        *d++ = byte;
        n--;
    }
    uint32_t word = byte * 0x01010101u;
    for (; n >= 4; n -= 4, d += 4)
        *(uint32_t *)(void *)d = word;
    while (n-- > 0)
        *d++ = byte;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (; n > 0; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (*a == '\0')
            return 0;
    }
    return 0;
}

NO_LIBCALL char *strcpy(char *__restrict dst, const char *__restrict src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0')
        ;
    return dst;
}

NO_LIBCALL char *strncpy(char *__restrict dst, const char *__restrict src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

char *strcat(char *__restrict dst, const char *__restrict src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *found = NULL;
    for (;; s++) {
        if (*s == (char)c)
            found = s;
        if (*s == '\0')
            return (char *)found;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++)
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    return n == 0 ? (char *)haystack : NULL;
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

char *strncat(char *__restrict dst, const char *__restrict src, size_t n)
{
    char *d = dst + strlen(dst);
    for (; n > 0 && *src; n--)
        *d++ = *src++;
    *d = '\0';
    return dst;
}

NO_LIBCALL char *stpcpy(char *__restrict dst, const char *__restrict src)
{
    while ((*dst = *src++) != '\0')
        dst++;
    return dst;
}

NO_LIBCALL void *memccpy(void *__restrict dst, const void *__restrict src, int c, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (; n > 0; n--) {
        unsigned char byte = *s++;
        *d++ = byte;
        if (byte == (unsigned char)c)
            return d;
    }
    return NULL;
}

char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

/* One bit per byte value: is it in the set? Built once per call of the span functions. */
struct byte_set {
    unsigned int bits[256 / 32];
};

static void byte_set_init(struct byte_set *set, const char *chars)
{
    memset(set, 0, sizeof *set);
    for (const unsigned char *p = (const unsigned char *)chars; *p; p++)
        set->bits[*p / 32] |= 1u << (*p % 32);
}

static int byte_set_has(const struct byte_set *set, unsigned char c)
{
    return (set->bits[c / 32] >> (c % 32)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
    struct byte_set set;
    byte_set_init(&set, accept);
    size_t n = 0;
    while (s[n] && byte_set_has(&set, (unsigned char)s[n]))
        n++;
    return n;
}

size_t strcspn(const char *s, const char *reject)
{
    struct byte_set set;
    byte_set_init(&set, reject);
    size_t n = 0;
    while (s[n] && !byte_set_has(&set, (unsigned char)s[n]))
        n++;
    return n;
}

char *strpbrk(const char *s, const char *accept)
{
    s += strcspn(s, accept);
    return *s ? (char *)s : NULL;
}

char *strtok_r(char *__restrict s, const char *__restrict delim, char **__restrict save)
{
    if (s == NULL)
        s = *save;
    if (s == NULL)
        return NULL;
    s += strspn(s, delim);
    if (*s == '\0') {
        *save = NULL;
        return NULL;
    }
    char *end = s + strcspn(s, delim);
    if (*end == '\0') {
        *save = NULL;
    } else {
        *end = '\0';
        *save = end + 1;
    }
    return s;
}

char *strtok(char *__restrict s, const char *__restrict delim)
{
    static char *save;
    return strtok_r(s, delim, &save);
}

/* The only locale is "C", where collation is byte order. */
int strcoll(const char *a, const char *b)
{
    return strcmp(a, b);
}

size_t strxfrm(char *__restrict dst, const char *__restrict src, size_t n)
{
    size_t len = strlen(src);
    if (len < n)
        memcpy(dst, src, len + 1);
    return len;
}

static int fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int strcasecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    while (*x && fold(*x) == fold(*y)) {
        x++;
        y++;
    }
    return fold(*x) - fold(*y);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    for (; n > 0; n--, x++, y++) {
        if (fold(*x) != fold(*y))
            return fold(*x) - fold(*y);
        if (*x == '\0')
            return 0;
    }
    return 0;
}
