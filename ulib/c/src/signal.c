/* The parts of <signal.h> and <unistd.h> built on the system-call wrappers of sys.c:
 * signal sets, signal(), raise(), killpg(), getpgrp(), usleep(). */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

/* Every signal 1..NSIG-1: bit n-1 for signal n. */
#define ALL_SIGNALS ((sigset_t)((1UL << (NSIG - 1)) - 1))

/* Whether sig is a signal number; EINVAL when it is not. */
static int valid_signal(int sig)
{
    if (sig < 1 || sig >= NSIG) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

static sigset_t bit(int sig)
{
    return (sigset_t)1 << (sig - 1);
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ALL_SIGNALS;
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (!valid_signal(sig))
        return -1;
    *set |= bit(sig);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (!valid_signal(sig))
        return -1;
    *set &= ~bit(sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (!valid_signal(sig))
        return -1;
    return (*set & bit(sig)) != 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    /* glibc's (BSD) semantics: the handler stays installed, interrupted calls restart. */
    struct sigaction act = {.sa_handler = handler, .sa_mask = 0, .sa_flags = SA_RESTART};
    struct sigaction old;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int raise(int sig)
{
    return kill(getpid(), sig);
}

int killpg(pid_t pgrp, int sig)
{
    if (pgrp < 0) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgrp, sig);
}

pid_t getpgrp(void)
{
    return getpgid(0);
}

int usleep(useconds_t usec)
{
    struct timespec req = {(long)(usec / 1000000), (long)(usec % 1000000) * 1000};
    return nanosleep(&req, NULL);
}
