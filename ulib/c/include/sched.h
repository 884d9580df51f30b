/* sched.h - scheduling. */
#ifndef _SCHED_H
#define _SCHED_H

/* Give the CPU to the next runnable process. Returns 0. */
int sched_yield(void);

#endif /* _SCHED_H */
