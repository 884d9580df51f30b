//! Clocks and `struct timespec` for `clock_gettime`.

use core::time::Duration;

/// The monotonic clock: time since boot, never set back.
pub const CLOCK_MONOTONIC: u32 = 1;

/// Nanoseconds per second.
const NANOS_PER_SEC: u64 = 1_000_000_000;

/// C's `struct timespec` on i386 with a 32-bit `time_t`: `{ i32 tv_sec; i32 tv_nsec; }`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timespec {
    /// Whole seconds.
    pub tv_sec: i32,
    /// Nanoseconds, 0..=999_999_999.
    pub tv_nsec: i32,
}

impl Timespec {
    /// The time `nanos` nanoseconds after zero; seconds saturate at `i32::MAX` (68 years).
    pub const fn from_nanos(nanos: u64) -> Timespec {
        let secs = nanos / NANOS_PER_SEC;
        Timespec {
            tv_sec: if secs > i32::MAX as u64 {
                i32::MAX
            } else {
                secs as i32
            },
            tv_nsec: (nanos % NANOS_PER_SEC) as i32,
        }
    }

    /// The value as a [`Duration`], or `None` if a field is negative or `tv_nsec` is not
    /// below one second.
    pub const fn to_duration(self) -> Option<Duration> {
        if self.tv_sec < 0 || self.tv_nsec < 0 || self.tv_nsec as u64 >= NANOS_PER_SEC {
            None
        } else {
            Some(Duration::new(self.tv_sec as u64, self.tv_nsec as u32))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_two_i32() {
        assert_eq!(core::mem::size_of::<Timespec>(), 8);
        assert_eq!(core::mem::align_of::<Timespec>(), 4);
        assert_eq!(core::mem::offset_of!(Timespec, tv_sec), 0);
        assert_eq!(core::mem::offset_of!(Timespec, tv_nsec), 4);
    }

    #[test]
    fn nanos_round_trip() {
        let ts = Timespec::from_nanos(3_250_000_001);
        assert_eq!(
            ts,
            Timespec {
                tv_sec: 3,
                tv_nsec: 250_000_001
            }
        );
        assert_eq!(ts.to_duration(), Some(Duration::new(3, 250_000_001)));
        assert_eq!(Timespec::from_nanos(0), Timespec::default());
        assert_eq!(Timespec::from_nanos(u64::MAX).tv_sec, i32::MAX);
    }

    #[test]
    fn invalid_values_have_no_duration() {
        let bad = [
            Timespec {
                tv_sec: -1,
                tv_nsec: 0,
            },
            Timespec {
                tv_sec: 0,
                tv_nsec: -1,
            },
            Timespec {
                tv_sec: 0,
                tv_nsec: 1_000_000_000,
            },
        ];
        for ts in bad {
            assert_eq!(ts.to_duration(), None, "{ts:?}");
        }
        assert_eq!(CLOCK_MONOTONIC, 1);
    }
}
