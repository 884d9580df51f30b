/* sigctest: the C shim's signal and process-group API, checked from C.
 *
 * Each section prints "sigctest: <section> ok" when every check in it held; a check that
 * does not hold prints "FAIL: sigctest.c:<line>: <condition>". At the end it prints
 * "PASS sigctest" and exits 0, or exits 1. Default actions are taken in forked children (the
 * program may run as pid 1, which ignores signals it has no handler for), and the parent
 * checks their wait statuses. Handlers only write volatile sig_atomic_t flags. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PROGRAM "sigctest"
#include "check.h"

static volatile sig_atomic_t got_usr1, got_usr2, got_alrm, got_chld, last_sig;
static volatile sig_atomic_t usr2_blocked_inside;

static void on_usr1(int sig)
{
    got_usr1++;
    last_sig = sig;
}

static void on_usr2(int sig)
{
    (void)sig;
    got_usr2++;
}

static void on_alrm(int sig)
{
    (void)sig;
    got_alrm++;
}

static void on_chld(int sig)
{
    (void)sig;
    got_chld++;
}

/* Records whether SIGUSR2 (in sa_mask) is blocked while it runs. */
static void usr1_checks_mask(int sig)
{
    sigset_t now;
    got_usr1++;
    last_sig = sig;
    if (sigprocmask(SIG_BLOCK, NULL, &now) == 0)
        usr2_blocked_inside = sigismember(&now, SIGUSR2) && sigismember(&now, SIGUSR1);
}

/* Milliseconds on the monotonic clock. */
static long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return -1;
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for pid; returns its raw status, or -1. */
static int status_of(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

static void test_signal(void)
{
    CHECK(signal(SIGUSR1, on_usr1) == SIG_DFL);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got_usr1 == 1 && last_sig == SIGUSR1);
    CHECK(signal(SIGUSR1, SIG_IGN) == on_usr1);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got_usr1 == 1);
    errno = 0;
    CHECK(signal(SIGKILL, on_usr1) == SIG_ERR && errno == EINVAL);
    errno = 0;
    CHECK(signal(0, SIG_IGN) == SIG_ERR && errno == EINVAL);
    errno = 0;
    CHECK(signal(NSIG, SIG_IGN) == SIG_ERR && errno == EINVAL);
    CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);

    /* SIG_DFL kills a child; the parent sees which signal. */
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGUSR2);
        _exit(100);
    }
    int st = status_of(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2);
    section_done("signal");
}

static void test_sigaction(void)
{
    struct sigaction sa, old;
    sa.sa_handler = usr1_checks_mask;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sa.sa_flags = 0;
    CHECK(sigaction(SIGUSR1, &sa, &old) == 0);
    CHECK(old.sa_handler == SIG_DFL);
    got_usr1 = 0;
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got_usr1 == 1 && usr2_blocked_inside == 1);
    /* NULL act reads the action back. */
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
    CHECK(old.sa_handler == usr1_checks_mask);
    CHECK(sigismember(&old.sa_mask, SIGUSR2) == 1);
    CHECK(sigismember(&old.sa_mask, SIGHUP) == 0);
    /* SA_NODEFER: neither blocked any more... only SIGUSR2 from sa_mask. */
    sa.sa_flags = SA_NODEFER;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    usr2_blocked_inside = -1;
    CHECK(raise(SIGUSR1) == 0);
    CHECK(usr2_blocked_inside == 0);
    /* SA_RESETHAND: back to SIG_DFL after one delivery. */
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESETHAND;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL);
    /* Errors. */
    errno = 0;
    CHECK(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(sigaction(-1, NULL, &old) == -1 && errno == EINVAL);
    section_done("sigaction");
}

static void test_sigprocmask(void)
{
    sigset_t set, old, pend;
    CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
    got_usr1 = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    CHECK(sigismember(&old, SIGUSR1) == 0);
    CHECK(sigprocmask(SIG_BLOCK, NULL, &old) == 0);
    CHECK(sigismember(&old, SIGUSR1) == 1 && sigismember(&old, SIGKILL) == 0);
    CHECK(raise(SIGUSR1) == 0 && raise(SIGUSR1) == 0);
    CHECK(got_usr1 == 0);
    CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1) == 1);
    CHECK(sigismember(&pend, SIGUSR2) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK(got_usr1 == 1);
    CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1) == 0);
    errno = 0;
    CHECK(sigprocmask(7, &set, NULL) == -1 && errno == EINVAL);
    sigfillset(&set);
    CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
    CHECK(sigprocmask(SIG_SETMASK, NULL, &old) == 0);
    CHECK(sigismember(&old, SIGSTOP) == 0 && sigismember(&old, SIGTERM) == 1);
    sigemptyset(&set);
    CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
    /* Set functions. */
    errno = 0;
    CHECK(sigaddset(&set, 0) == -1 && errno == EINVAL);
    CHECK(sigdelset(&set, SIGUSR1) == 0 && sigismember(&set, SIGUSR1) == 0);
    section_done("sigprocmask");
}

static void test_kill(void)
{
    CHECK(kill(getpid(), 0) == 0);
    errno = 0;
    CHECK(kill(getpid(), 99) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(kill(99999, SIGTERM) == -1 && errno == ESRCH);

    /* A child paused until killed: reported signaled with SIGTERM. */
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK(kill(pid, 0) == 0);
    CHECK(kill(pid, SIGTERM) == 0);
    int st = status_of(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    errno = 0;
    CHECK(kill(pid, 0) == -1 && errno == ESRCH);

    /* SIGCHLD reaches the parent when a child exits. */
    CHECK(signal(SIGCHLD, on_chld) != SIG_ERR);
    got_chld = 0;
    pid = fork();
    if (pid == 0)
        _exit(9);
    st = status_of(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    CHECK(got_chld == 1);
    CHECK(signal(SIGCHLD, SIG_DFL) == on_chld);

    /* Stop and continue. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK(kill(pid, SIGSTOP) == 0);
    st = 0;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    CHECK(kill(pid, SIGCONT) == 0);
    st = 0;
    CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st));
    CHECK(kill(pid, SIGKILL) == 0);
    st = status_of(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    section_done("kill");
}

static void test_alarm_pause(void)
{
    CHECK(signal(SIGALRM, on_alrm) != SIG_ERR);
    CHECK(alarm(0) == 0);
    CHECK(alarm(7) == 0);
    CHECK(alarm(0) == 7);
    got_alrm = 0;
    long start = now_ms();
    CHECK(alarm(1) == 0);
    errno = 0;
    CHECK(pause() == -1 && errno == EINTR);
    long took = now_ms() - start;
    CHECK(got_alrm == 1);
    CHECK(took >= 1000 && took < 1500);
    section_done("alarm and pause");
}

static void test_sigsuspend(void)
{
    sigset_t block, wait_mask, now;
    CHECK(signal(SIGUSR2, on_usr2) != SIG_ERR);
    got_usr2 = 0;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    sigemptyset(&wait_mask);
    errno = 0;
    CHECK(sigsuspend(&wait_mask) == -1 && errno == EINTR);
    CHECK(got_usr2 == 1);
    CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR2) == 1);
    int st = status_of(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
    section_done("sigsuspend");
}

static void test_nanosleep(void)
{
    struct timespec req = {0, 200000000}, rem = {0, 0};
    long start = now_ms();
    CHECK(nanosleep(&req, &rem) == 0);
    long took = now_ms() - start;
    CHECK(took >= 200 && took < 700);
    start = now_ms();
    CHECK(usleep(150000) == 0);
    took = now_ms() - start;
    CHECK(took >= 150);
    /* Interrupted: EINTR and the time left. */
    CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
    got_usr1 = 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(200000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    req.tv_sec = 2;
    req.tv_nsec = 0;
    errno = 0;
    CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR);
    CHECK(got_usr1 == 1);
    CHECK(rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 0));
    status_of(pid);
    req.tv_sec = 0;
    req.tv_nsec = 1000000000;
    errno = 0;
    CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
    section_done("nanosleep");
}

static void test_abort(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* A handler that returns cannot stop abort. */
        signal(SIGABRT, on_usr1);
        abort();
    }
    int st = status_of(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    pid = fork();
    if (pid == 0)
        abort();
    st = status_of(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    section_done("abort");
}

static void test_groups(void)
{
    pid_t me = getpid();
    CHECK(getpgid(0) == getpgrp());
    CHECK(getsid(0) > 0);
    errno = 0;
    CHECK(setpgid(0, -1) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(getpgid(99999) == -1 && errno == ESRCH);

    pid_t pid = fork();
    if (pid == 0) {
        if (setpgid(0, 0) != 0 || getpgrp() != getpid())
            _exit(1);
        if (setsid() != -1 || errno != EPERM) /* a group leader cannot */
            _exit(2);
        _exit(0);
    }
    int st = status_of(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    pid = fork();
    if (pid == 0) {
        pid_t sid = setsid();
        if (sid != getpid() || getsid(0) != sid || getpgrp() != sid)
            _exit(1);
        if (getsid(me) == sid)
            _exit(2);
        _exit(0);
    }
    st = status_of(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* killpg reaches a whole group. */
    pid_t a = fork();
    if (a == 0) {
        for (;;)
            pause();
    }
    CHECK(setpgid(a, a) == 0);
    pid_t b = fork();
    if (b == 0) {
        for (;;)
            pause();
    }
    CHECK(setpgid(b, a) == 0);
    CHECK(getpgid(b) == a);
    CHECK(killpg(a, SIGKILL) == 0);
    st = status_of(a);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    st = status_of(b);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    section_done("groups");
}

int main(void)
{
    test_signal();
    test_sigaction();
    test_sigprocmask();
    test_kill();
    test_alarm_pause();
    test_sigsuspend();
    test_nanosleep();
    test_abort();
    test_groups();
    if (failures != 0) {
        printf("sigctest: %d check(s) failed\n", failures);
        return 1;
    }
    printf("PASS sigctest\n");
    return 0;
}
