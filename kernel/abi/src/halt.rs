//! How the kernel reports the end of pid 1 (or its own death) to the host.
//!
//! When pid 1 ends the kernel prints its status on the console and powers the machine off.
//! Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04` it first writes one byte
//! `v` ([`debug_exit_value`]) to port [`DEBUG_EXIT_PORT`]; QEMU then exits with status
//! `(v << 1) | 1` ([`qemu_exit_status`]). The host test harness inverts that with
//! [`decode_qemu_status`].
//!
//! | event                       | byte `v`          | QEMU exit status   |
//! |-----------------------------|-------------------|--------------------|
//! | init exited with code 0     | `0x00`            | 1 (success)        |
//! | init exited with code c     | `min(c & 0xff, 0x5f)` | `2v + 1`: 3..=191 (every code >= 95 shows as 95, status 191) |
//! | init killed by signal s     | `0x5f + s`        | 193 (s = 1) ..= 253 (s = 31) |
//! | kernel panic                | `0x7f`            | 255                |
//! | triple fault / reset        | –                 | 0 (never success)  |
//!
//! Status 0 means QEMU stopped without the kernel reporting anything (a triple fault under
//! `-no-reboot`): a test must require an exact status, never accept 0. Even statuses never
//! come from the kernel.

/// The I/O port of QEMU's `isa-debug-exit` device.
pub const DEBUG_EXIT_PORT: u16 = 0xf4;

/// The largest exit code of init that survives the mapping; larger codes report as this.
pub const MAX_REPORTED_EXIT_CODE: i32 = 0x5f;

/// Why the machine is stopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Halt {
    /// Pid 1 called `exit` with this code.
    InitExited(i32),
    /// Pid 1 was killed by this signal number (1..=31).
    InitKilled(i32),
    /// The kernel itself failed.
    KernelPanic,
}

/// The byte the kernel writes to [`DEBUG_EXIT_PORT`] for `h` (see the module table).
///
/// A signal number outside 1..=31 cannot come from a correct kernel and reports as
/// [`Halt::KernelPanic`].
pub const fn debug_exit_value(h: Halt) -> u8 {
    match h {
        Halt::InitExited(code) => {
            let code = code & 0xff;
            if code > MAX_REPORTED_EXIT_CODE {
                MAX_REPORTED_EXIT_CODE as u8
            } else {
                code as u8
            }
        }
        Halt::InitKilled(sig @ 1..=31) => (MAX_REPORTED_EXIT_CODE + sig) as u8,
        Halt::InitKilled(_) | Halt::KernelPanic => 0x7f,
    }
}

/// The exit status QEMU reports for `h`: `(debug_exit_value(h) << 1) | 1`.
pub const fn qemu_exit_status(h: Halt) -> i32 {
    ((debug_exit_value(h) as i32) << 1) | 1
}

/// What a QEMU exit status says about the run, or `None` if the kernel did not report it
/// (even statuses, including 0 for a triple fault, and values outside 1..=255).
///
/// Exit codes of 95 and above all decode as `InitExited(95)`.
pub const fn decode_qemu_status(status: i32) -> Option<Halt> {
    if status < 0 || status > 0xff || status & 1 == 0 {
        return None;
    }
    let v = status >> 1;
    Some(if v <= MAX_REPORTED_EXIT_CODE {
        Halt::InitExited(v)
    } else if v < 0x7f {
        Halt::InitKilled(v - MAX_REPORTED_EXIT_CODE)
    } else {
        Halt::KernelPanic
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_statuses() {
        assert_eq!(qemu_exit_status(Halt::InitExited(0)), 1);
        assert_eq!(qemu_exit_status(Halt::InitExited(1)), 3);
        assert_eq!(qemu_exit_status(Halt::InitExited(95)), 191);
        assert_eq!(qemu_exit_status(Halt::InitKilled(1)), 193);
        assert_eq!(qemu_exit_status(Halt::InitKilled(11)), 213);
        assert_eq!(qemu_exit_status(Halt::InitKilled(31)), 253);
        assert_eq!(qemu_exit_status(Halt::KernelPanic), 255);
        assert_eq!(debug_exit_value(Halt::KernelPanic), 0x7f);
        assert_eq!(debug_exit_value(Halt::InitKilled(1)), 0x60);
        assert_eq!(debug_exit_value(Halt::InitKilled(31)), 0x7e);
    }

    #[test]
    fn exit_codes_round_trip_up_to_95() {
        for code in 0..=MAX_REPORTED_EXIT_CODE {
            let h = Halt::InitExited(code);
            assert_eq!(debug_exit_value(h), code as u8);
            assert_eq!(decode_qemu_status(qemu_exit_status(h)), Some(h));
        }
    }

    #[test]
    fn large_exit_codes_clamp() {
        for code in [95, 96, 101, 200, 255] {
            assert_eq!(debug_exit_value(Halt::InitExited(code)), 0x5f, "{code}");
        }
        // Only the low byte counts, as for wait statuses.
        assert_eq!(debug_exit_value(Halt::InitExited(256)), 0);
        assert_eq!(debug_exit_value(Halt::InitExited(-1)), 0x5f);
        assert_eq!(
            decode_qemu_status(qemu_exit_status(Halt::InitExited(101))),
            Some(Halt::InitExited(95))
        );
    }

    #[test]
    fn signals_round_trip() {
        for sig in 1..=31 {
            let h = Halt::InitKilled(sig);
            assert_eq!(decode_qemu_status(qemu_exit_status(h)), Some(h));
        }
        assert_eq!(debug_exit_value(Halt::InitKilled(0)), 0x7f);
        assert_eq!(debug_exit_value(Halt::InitKilled(32)), 0x7f);
    }

    #[test]
    fn panic_round_trips_and_bad_statuses_are_rejected() {
        assert_eq!(decode_qemu_status(255), Some(Halt::KernelPanic));
        assert_eq!(decode_qemu_status(0), None);
        assert_eq!(decode_qemu_status(2), None);
        assert_eq!(decode_qemu_status(254), None);
        assert_eq!(decode_qemu_status(257), None);
        assert_eq!(decode_qemu_status(-1), None);
    }

    #[test]
    fn every_byte_is_distinct_and_odd() {
        let mut seen = [false; 256];
        for v in 0u8..=0x7f {
            let status = ((v as i32) << 1) | 1;
            assert!(!seen[status as usize]);
            seen[status as usize] = true;
            let h = decode_qemu_status(status).expect("every odd status below 256 decodes");
            assert_eq!(debug_exit_value(h), v);
        }
    }
}
