/* string.h - memory and string functions. */
#ifndef _STRING_H
#define _STRING_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

void *memcpy(void *__restrict dst, const void *__restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *__restrict dst, const char *__restrict src);
char *strncpy(char *__restrict dst, const char *__restrict src, size_t n);
char *strcat(char *__restrict dst, const char *__restrict src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
/* A malloc'd copy of at most n bytes of s, always terminated; NULL with ENOMEM. */
char *strndup(const char *s, size_t n);
/* Append at most n bytes of src to dst, then a NUL (dst needs strlen(dst) + n + 1 bytes). */
char *strncat(char *__restrict dst, const char *__restrict src, size_t n);
/* strcpy() that returns the end of dst (its NUL). */
char *stpcpy(char *__restrict dst, const char *__restrict src);
/* Copy bytes up to and including the first c, at most n; returns the byte after the c in dst,
 * or NULL when no c was among the n. */
void *memccpy(void *__restrict dst, const void *__restrict src, int c, size_t n);
/* The length of s's first stretch made only of bytes in accept (strspn) / of bytes not in
 * reject (strcspn); strpbrk: the first byte of s in accept, or NULL. */
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
/* Split s into tokens separated by runs of delim bytes: the first call passes s, later ones
 * NULL. strtok keeps its place in a static (one string at a time); strtok_r in *save. */
char *strtok(char *__restrict s, const char *__restrict delim);
char *strtok_r(char *__restrict s, const char *__restrict delim, char **__restrict save);
/* The only locale is "C": strcoll is strcmp, strxfrm a copy (returns strlen(src); copies
 * only when that is below n). */
int strcoll(const char *a, const char *b);
size_t strxfrm(char *__restrict dst, const char *__restrict src, size_t n);

/* The usual message for an errno value ("No child processes" for ECHILD). */
char *strerror(int errnum);
/* The description of a signal ("Segmentation fault" for SIGSEGV; "Unknown signal N" for a
 * number that is none). */
char *strsignal(int sig);

/* strcasecmp and strncasecmp (POSIX puts them in <strings.h>; many programs expect them here). */
#include <strings.h>

#endif /* _STRING_H */
