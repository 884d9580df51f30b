/* check.h - the checks of the self-checking C programs (ctest, ftest, libctest, sigctest).
 *
 * Define CHECK_PROGRAM (the program's name, a string) before including. A failed check prints
 * "FAIL: <file>:<line>: <what>" and counts in `failures`; section_done(name) prints
 * "<program>: <name> ok" when no check failed since the previous section_done. The program
 * reports the total at its end. */
#ifndef CHECK_H
#define CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef CHECK_PROGRAM
#error "define CHECK_PROGRAM before including check.h"
#endif

static int failures;
static int failures_at_section_start;

/* Records a failed check at file:line (the check's own place, not this header's). */
static void check_failed(const char *file, int line, const char *why)
{
    failures++;
    printf("FAIL: %s:%d: %s\n", file, line, why);
}

/* CHECK(cond): record a failure (with the condition's text) when cond is false. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check_failed(__FILE_NAME__, __LINE__, #cond);                                          \
    } while (0)

/* CHECK_FAILS_WITH(call, failed, code): call's result r_ must satisfy `failed` and errno must be
 * code afterwards. */
#define CHECK_FAILS_WITH(call, failed, want, code)                                                 \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        if (!(failed) || e_ != (code)) {                                                           \
            char why_[200];                                                                        \
            snprintf(why_, sizeof why_, "%s: got %ld, errno %d (%s); want %s, errno %d (%s)",      \
                     #call, r_, e_, strerror(e_), want, (code), strerror(code));                   \
            check_failed(__FILE_NAME__, __LINE__, why_);                                           \
        }                                                                                          \
    } while (0)

/* CHECK_ERR(call, code): call must return -1 and set errno to code. */
#define CHECK_ERR(call, code) CHECK_FAILS_WITH(call, r_ == -1, "-1", code)

/* CHECK_NULL_ERR(call, code): call must return NULL and set errno to code. */
#define CHECK_NULL_ERR(call, code) CHECK_FAILS_WITH(call, r_ == 0, "NULL", code)

/* Ends a section of checks: "<program>: <name> ok" when none of them failed. */
static void section_done(const char *name)
{
    if (failures == failures_at_section_start)
        printf("%s: %s ok\n", CHECK_PROGRAM, name);
    failures_at_section_start = failures;
}

#endif /* CHECK_H */
