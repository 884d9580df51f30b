/* time.h - clocks and sleeping. Only the monotonic clock exists (time() counts from boot). */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

/* Layout shared with the kernel (abi::time::Timespec): two 32-bit fields. */
struct timespec {
    long tv_sec;    /* seconds */
    long tv_nsec;   /* nanoseconds, 0..999999999 */
};

/* Time since boot; never goes backwards (resolution: at least 1 ms). */
#define CLOCK_MONOTONIC 1

/* Read `clock` into *ts. Returns 0, or -1 with errno set
 * (EINVAL: unknown clock; EFAULT: bad pointer). */
int clock_gettime(clockid_t clock, struct timespec *ts);

/* Block for at least *req (on the monotonic clock). Returns 0, or -1 with errno set:
 * EINTR when a caught signal ends it early (the time left goes to *rem unless rem is
 * NULL), EINVAL for a negative or non-normalized *req, EFAULT for a bad pointer. */
int nanosleep(const struct timespec *req, struct timespec *rem);

/* Seconds since BOOT (there is no wall clock yet: no CLOCK_REALTIME, no date), also stored in
 * *t unless t is NULL; (time_t)-1 on failure. Differences of two results are meaningful;
 * the value is not the time since 1970. clock(), CLOCKS_PER_SEC and the calendar functions
 * (localtime, strftime, ...) do not exist. */
time_t time(time_t *t);

#endif /* _TIME_H */
