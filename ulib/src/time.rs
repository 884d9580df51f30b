//! Sleeping and measuring time.
//!
//! [`Instant`] reads the kernel's monotonic clock (`clock_gettime(CLOCK_MONOTONIC)`: time since
//! boot, never set back, at least millisecond resolution). Subtracting two instants gives a
//! [`core::time::Duration`].
//!
//! ```no_run
//! use ulib::prelude::*;
//!
//! let start = Instant::now();
//! let left = sleep(1);
//! let took = start.elapsed();
//! assert_eq!(left, 0);
//! assert!(took.as_millis() >= 1000);
//! println!("slept {} ms", took.as_millis());
//! ```

use core::ops::{Add, AddAssign, Sub, SubAssign};
use core::time::Duration;

pub use abi::time::{CLOCK_MONOTONIC, Timespec};

use crate::errno::{Errno, decode_result};
use crate::raw;

/// Blocks the calling process for at least `seconds` seconds (POSIX `sleep`).
///
/// Returns the number of seconds left unslept: 0 when the process slept the full time, more
/// when a caught signal ended the sleep early (whatever the action's flags). `sleep(0)`
/// returns at once.
pub fn sleep(seconds: u32) -> u32 {
    // SAFETY: sleep only blocks the caller; it touches no memory of the process.
    match decode_result(unsafe { raw::sys_sleep(seconds) }) {
        Ok(left) => left as u32,
        // The kernel refused to sleep at all: every second is left.
        Err(_) => seconds,
    }
}

/// Blocks the calling process for at least `d` (POSIX `nanosleep`, on the same monotonic
/// clock as [`sleep`] and [`Instant`]).
///
/// Returns `Err(remaining)` when a caught signal ended the sleep early (whatever the
/// action's flags): `remaining` is the time left unslept. A duration beyond `i32::MAX`
/// seconds (68 years) sleeps that long.
///
/// ```no_run
/// use core::time::Duration;
/// use ulib::time::nanosleep;
/// assert_eq!(nanosleep(Duration::from_millis(20)), Ok(()));
/// ```
pub fn nanosleep(d: Duration) -> Result<(), Duration> {
    let req = Timespec {
        tv_sec: i32::try_from(d.as_secs()).unwrap_or(i32::MAX),
        tv_nsec: d.subsec_nanos() as i32,
    };
    let mut rem = Timespec::default();
    // SAFETY: `req` is a live `struct timespec` the kernel only reads; `rem` a live one it
    // only writes, with no reference to it during the call.
    match decode_result(unsafe {
        raw::sys_nanosleep(&raw const req as usize, &raw mut rem as usize)
    }) {
        Ok(_) => Ok(()),
        Err(Errno::EINTR) => Err(rem.to_duration().unwrap_or(Duration::ZERO)),
        // The kernel refused to sleep at all (it cannot for a valid request): all is left.
        Err(_) => Err(d),
    }
}

/// Reads clock `clock` (for example [`CLOCK_MONOTONIC`]).
///
/// # Errors
///
/// `EINVAL` for a clock the kernel does not have.
pub fn clock_gettime(clock: u32) -> Result<Timespec, Errno> {
    let mut ts = Timespec::default();
    // SAFETY: `ts` is a live, writable `struct timespec` for the whole call and no reference
    // to it exists while the kernel writes it.
    decode_result(unsafe { raw::sys_clock_gettime(clock, &raw mut ts as usize) })?;
    Ok(ts)
}

/// A point on the monotonic clock, for measuring how long something took.
///
/// Instants are ordered; `later - earlier` is the [`Duration`] between them (zero if
/// `earlier` is in fact later, as with std). An instant is plain data: it survives `fork`
/// and stays meaningful in the child, since all processes share one clock.
///
/// ```no_run
/// use ulib::prelude::*;
///
/// let t0 = Instant::now();
/// yield_now();
/// let t1 = Instant::now();
/// assert!(t1 >= t0);
/// println!("yield took {} us", (t1 - t0).as_micros());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Time since boot.
    since_boot: Duration,
}

impl Instant {
    /// The current time.
    ///
    /// # Panics
    ///
    /// If the kernel cannot read its monotonic clock, which it always has.
    pub fn now() -> Instant {
        match clock_gettime(CLOCK_MONOTONIC).map(Timespec::to_duration) {
            Ok(Some(since_boot)) => Instant { since_boot },
            Ok(None) => panic!("clock_gettime(CLOCK_MONOTONIC) returned an invalid timespec"),
            Err(e) => panic!("clock_gettime(CLOCK_MONOTONIC) failed: {}", e.name()),
        }
    }

    /// Time passed since `self`.
    pub fn elapsed(&self) -> Duration {
        Instant::now() - *self
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.since_boot.saturating_sub(earlier.since_boot)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.since_boot.checked_sub(earlier.since_boot)
    }

    /// `self + d`, or `None` on overflow.
    pub fn checked_add(&self, d: Duration) -> Option<Instant> {
        self.since_boot
            .checked_add(d)
            .map(|since_boot| Instant { since_boot })
    }

    /// `self - d`, or `None` if that would be before boot.
    pub fn checked_sub(&self, d: Duration) -> Option<Instant> {
        self.since_boot
            .checked_sub(d)
            .map(|since_boot| Instant { since_boot })
    }

    /// The time since boot this instant stands for.
    pub fn since_boot(&self) -> Duration {
        self.since_boot
    }
}

impl Sub for Instant {
    type Output = Duration;

    /// Time from `rhs` to `self`, saturating at zero.
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// On overflow (after more than 584 years).
    fn add(self, d: Duration) -> Instant {
        self.checked_add(d)
            .expect("overflow when adding a duration to an instant")
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// If the result would be before boot.
    fn sub(self, d: Duration) -> Instant {
        self.checked_sub(d)
            .expect("overflow when subtracting a duration from an instant")
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}
