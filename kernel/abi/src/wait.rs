//! Wait-status encoding (the POSIX/Linux layout) and `waitpid` options.
//!
//! | how the child ended          | status                | decoded as              |
//! |------------------------------|-----------------------|-------------------------|
//! | `exit(code)`                 | `(code & 0xff) << 8`  | [`Decoded::Exited`]     |
//! | killed by signal `sig`       | `sig & 0x7f`          | [`Decoded::Signaled`]   |
//! | stopped by signal `sig`      | `(sig << 8) \| 0x7f`  | [`Decoded::Stopped`]    |
//! | continued by `SIGCONT`       | `0xffff`              | [`Decoded::Continued`]  |
//!
//! Any other bit pattern (a core-dump flag, which this kernel never sets, for one) decodes
//! as [`Decoded::Unknown`].

/// `waitpid` option: return 0 at once instead of blocking when no child has changed state.
pub const WNOHANG: u32 = 1;

/// `waitpid` option: also report children that stopped.
pub const WUNTRACED: u32 = 2;

/// `waitpid` option: also report stopped children that continued.
pub const WCONTINUED: u32 = 8;

/// Every option bit `waitpid` accepts; any other bit is `EINVAL`.
pub const VALID_OPTIONS: u32 = WNOHANG | WUNTRACED | WCONTINUED;

/// The status of a child stopped by signal `sig`.
pub const fn stopped_status(sig: i32) -> i32 {
    ((sig & 0xff) << 8) | 0x7f
}

/// The status of a stopped child that continued.
pub const CONTINUED_STATUS: i32 = 0xffff;

/// `WIFSTOPPED`: whether the child stopped.
pub const fn wifstopped(status: i32) -> bool {
    status & 0xff == 0x7f
}

/// `WSTOPSIG`: the signal that stopped the child (meaningful only when [`wifstopped`]).
pub const fn wstopsig(status: i32) -> i32 {
    (status >> 8) & 0xff
}

/// `WIFCONTINUED`: whether the child continued.
pub const fn wifcontinued(status: i32) -> bool {
    status == CONTINUED_STATUS
}

/// The status of a child that called `exit(code)`.
pub const fn exited_status(code: i32) -> i32 {
    (code & 0xff) << 8
}

/// The status of a child killed by signal `sig`.
pub const fn signaled_status(sig: i32) -> i32 {
    sig & 0x7f
}

/// `WIFEXITED`: whether the child ended through `exit`.
pub const fn wifexited(status: i32) -> bool {
    status & 0x7f == 0
}

/// `WEXITSTATUS`: the exit code (meaningful only when [`wifexited`]).
pub const fn wexitstatus(status: i32) -> i32 {
    (status >> 8) & 0xff
}

/// `WIFSIGNALED`: whether the child was killed by a signal.
pub const fn wifsignaled(status: i32) -> bool {
    let low = status & 0x7f;
    low != 0 && low != 0x7f
}

/// `WTERMSIG`: the signal that killed the child (meaningful only when [`wifsignaled`]).
pub const fn wtermsig(status: i32) -> i32 {
    status & 0x7f
}

/// A wait status taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decoded {
    /// The child called `exit` with this code (0..=255).
    Exited(i32),
    /// The child was killed by this signal number.
    Signaled(i32),
    /// The child stopped, by this signal number.
    Stopped(i32),
    /// The child continued.
    Continued,
    /// Neither: the raw status, which this kernel never produces.
    Unknown(i32),
}

/// Takes a status apart; the inverse of [`exited_status`] and [`signaled_status`].
pub const fn decode(status: i32) -> Decoded {
    if wifexited(status) && status & !0xff00 == 0 {
        Decoded::Exited(wexitstatus(status))
    } else if wifsignaled(status) && status & !0x7f == 0 {
        Decoded::Signaled(wtermsig(status))
    } else if wifcontinued(status) {
        Decoded::Continued
    } else if wifstopped(status) && status & !0xffff == 0 && wstopsig(status) != 0 {
        Decoded::Stopped(wstopsig(status))
    } else {
        Decoded::Unknown(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_round_trip() {
        for code in 0..=255 {
            let status = exited_status(code);
            assert_eq!(status, code << 8);
            assert!(wifexited(status));
            assert!(!wifsignaled(status));
            assert_eq!(wexitstatus(status), code);
            assert_eq!(decode(status), Decoded::Exited(code));
        }
    }

    #[test]
    fn exit_code_is_truncated_to_a_byte() {
        assert_eq!(exited_status(256), 0);
        assert_eq!(exited_status(257), 1 << 8);
        assert_eq!(exited_status(-1), 0xff00);
        assert_eq!(decode(exited_status(-1)), Decoded::Exited(255));
    }

    #[test]
    fn signals_round_trip() {
        for sig in 1..=31 {
            let status = signaled_status(sig);
            assert_eq!(status, sig);
            assert!(wifsignaled(status));
            assert!(!wifexited(status));
            assert_eq!(wtermsig(status), sig);
            assert_eq!(decode(status), Decoded::Signaled(sig));
        }
        assert_eq!(signaled_status(11), 11);
    }

    #[test]
    fn stops_and_continues() {
        for sig in 1..=31 {
            let status = stopped_status(sig);
            assert_eq!(status, sig << 8 | 0x7f);
            assert!(wifstopped(status) && !wifsignaled(status) && !wifexited(status));
            assert!(!wifcontinued(status));
            assert_eq!(wstopsig(status), sig);
            assert_eq!(decode(status), Decoded::Stopped(sig));
        }
        assert_eq!(stopped_status(19), 0x137f);
        assert!(wifcontinued(0xffff) && !wifexited(0xffff) && !wifsignaled(0xffff));
        assert_eq!(decode(CONTINUED_STATUS), Decoded::Continued);
    }

    #[test]
    fn other_patterns_are_unknown() {
        assert_eq!(decode(0x007f), Decoded::Unknown(0x007f));
        // A core-dump flag, which this kernel never sets.
        assert_eq!(decode(0x8b), Decoded::Unknown(0x8b));
        // Bits above the exit-code byte.
        assert_eq!(decode(0x1_0000), Decoded::Unknown(0x1_0000));
    }

    #[test]
    fn options() {
        assert_eq!((WNOHANG, WUNTRACED, WCONTINUED), (1, 2, 8));
        assert_eq!(VALID_OPTIONS, 11);
    }
}
