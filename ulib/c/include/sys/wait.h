/* sys/wait.h - waiting for child processes.
 *
 * The status word uses the POSIX/Linux encoding:
 *   normal exit:        (code & 0xff) << 8
 *   killed by a signal: the signal number in the low 7 bits (see <signal.h>)
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

/* waitpid() option: return 0 at once instead of blocking when no child has ended. */
#define WNOHANG 1

#define WEXITSTATUS(status) (((status) >> 8) & 0xff)
#define WTERMSIG(status)    ((status) & 0x7f)
#define WIFEXITED(status)   (WTERMSIG(status) == 0)
#define WIFSIGNALED(status) (WTERMSIG(status) != 0 && WTERMSIG(status) != 0x7f)
#define WCOREDUMP(status)   (((status) & 0x80) != 0)

/* Wait for any child to end; store its status in *status unless status is NULL.
 * Returns its pid, or -1 with errno set (ECHILD: no children; EFAULT: bad pointer). */
pid_t wait(int *status);

/* Wait for child pid (-1: any child). With WNOHANG, returns 0 when none has ended yet.
 * Returns the pid, or -1 with errno set (ECHILD, EINVAL: unknown options, EFAULT). */
pid_t waitpid(pid_t pid, int *status, int options);

#endif /* _SYS_WAIT_H */
