/* time.h - clocks. Only the monotonic clock exists. */
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

#endif /* _TIME_H */
