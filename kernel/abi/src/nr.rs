//! System call numbers, generated at build time from `syscalls.tbl`.
//!
//! The kernel's dispatch, ulib's wrappers, the C header and `docs/syscalls.md` come from the
//! same table (see the `syscall-gen` crate), so they always agree with these constants.

/// Describes one system call of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallInfo {
    /// The call number (the value in `eax`).
    pub nr: usize,
    /// The call's name (`"fork"`).
    pub name: &'static str,
    /// The names of the user-visible arguments, in register order (`ebx, ecx, edx, edi, esi`).
    pub args: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/nr.rs"));

/// The description of call `nr`, or `None` if the table does not define it.
pub fn syscall_info(nr: usize) -> Option<&'static SyscallInfo> {
    SYSCALLS.iter().find(|info| info.nr == nr)
}

/// The name of call `nr` (`"fork"` for 1), or `None` if the table does not define it.
pub fn syscall_name(nr: usize) -> Option<&'static str> {
    syscall_info(nr).map(|info| info.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_table() {
        assert_eq!(FORK, 1);
        assert_eq!(YIELD, 2);
        assert_eq!(SBRK, 3);
        assert_eq!(BRK, 4);
        assert_eq!(GETPID, 5);
        assert_eq!(GETPPID, 6);
        assert_eq!(SLEEP, 7);
        assert_eq!(EXIT, 8);
        assert_eq!(WAIT, 9);
        assert_eq!(WAITPID, 10);
        assert_eq!(SIGRETURN, 11);
        assert_eq!(SIGPROCMASK, 12);
        assert_eq!(SIGACTION, 13);
        assert_eq!(PAUSE, 14);
        assert_eq!(KILL, 15);
        assert_eq!(ALARM, 16);
        assert_eq!(SIGPENDING, 17);
        assert_eq!(SIGSUSPEND, 18);
        assert_eq!(WRITE, 22);
        assert_eq!(GETPGID, 49);
        assert_eq!(SETPGID, 50);
        assert_eq!(EXECVE, 54);
        assert_eq!(CLOCK_GETTIME, 128);
        assert_eq!(SETSID, 129);
        assert_eq!(GETSID, 130);
        assert_eq!(NANOSLEEP, 131);
        assert_eq!(
            (CLOSE, READ, DUP, DUP2, PIPE2, FCNTL),
            (20, 21, 34, 35, 132, 133)
        );
        assert_eq!(
            (OPEN, MKDIR, LSEEK, RMDIR, UNLINK, CHDIR, GETCWD, RENAME, IOCTL, FSTAT),
            (19, 24, 25, 29, 30, 38, 40, 41, 48, 55)
        );
        assert_eq!((GETDENTS64, STAT), (134, 135));
    }

    #[test]
    fn syscalls_is_sorted_and_unique() {
        assert_eq!(SYSCALLS.len(), 44);
        for pair in SYSCALLS.windows(2) {
            assert!(pair[0].nr < pair[1].nr, "{pair:?}");
        }
    }

    #[test]
    fn names_and_args_are_recorded() {
        assert_eq!(syscall_name(1), Some("fork"));
        assert_eq!(syscall_name(22), Some("write"));
        assert_eq!(syscall_name(128), Some("clock_gettime"));
        assert_eq!(syscall_name(0), None);
        assert_eq!(syscall_name(11), Some("sigreturn"));
        assert_eq!(syscall_name(19), Some("open"));
        assert_eq!(syscall_name(23), None);
        assert_eq!(syscall_name(21), Some("read"));
        assert_eq!(syscall_info(WRITE).unwrap().args, &["fd", "buf", "len"]);
        assert_eq!(syscall_info(FORK).unwrap().args, &[] as &[&str]);
        assert_eq!(
            syscall_info(SIGACTION).unwrap().args,
            &["sig", "act", "oldact"]
        );
        assert_eq!(
            syscall_info(EXECVE).unwrap().args,
            &["path", "argv", "envp"]
        );
    }
}
