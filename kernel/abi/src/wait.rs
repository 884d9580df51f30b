//! Wait-status encoding (the POSIX/Linux layout) and `waitpid` options.
//!
//! | how the child ended          | status                | decoded as              |
//! |------------------------------|-----------------------|-------------------------|
//! | `exit(code)`                 | `(code & 0xff) << 8`  | [`Decoded::Exited`]     |
//! | killed by signal `sig`       | `sig & 0x7f`          | [`Decoded::Signaled`]   |
//!
//! Stops and continues (low byte `0x7f`, `0xffff`) are never produced by this kernel; such
//! values, and any other bit pattern, decode as [`Decoded::Unknown`].

/// `waitpid` option: return 0 at once instead of blocking when no child has ended.
pub const WNOHANG: u32 = 1;

/// Every option bit `waitpid` accepts; any other bit is `EINVAL`.
pub const VALID_OPTIONS: u32 = WNOHANG;

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
    /// Neither: the raw status, which this kernel never produces.
    Unknown(i32),
}

/// Takes a status apart; the inverse of [`exited_status`] and [`signaled_status`].
pub const fn decode(status: i32) -> Decoded {
    if wifexited(status) && status & !0xff00 == 0 {
        Decoded::Exited(wexitstatus(status))
    } else if wifsignaled(status) && status & !0x7f == 0 {
        Decoded::Signaled(wtermsig(status))
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
    fn other_patterns_are_unknown() {
        // A stopped child (0x7f in the low byte) and a continued one.
        assert_eq!(decode(0x137f), Decoded::Unknown(0x137f));
        assert!(!wifsignaled(0x137f));
        assert_eq!(decode(0xffff), Decoded::Unknown(0xffff));
        // A core-dump flag, which this kernel never sets.
        assert_eq!(decode(0x8b), Decoded::Unknown(0x8b));
        // Bits above the exit-code byte.
        assert_eq!(decode(0x1_0000), Decoded::Unknown(0x1_0000));
    }

    #[test]
    fn options() {
        assert_eq!(WNOHANG, 1);
        assert_eq!(VALID_OPTIONS & !WNOHANG, 0);
    }
}
