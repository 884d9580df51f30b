//! Helpers shared by the sample programs in `src/bin/`, and [`tool`], what the command-line
//! tools (`cat`, `ls`, `grep`, ...) share.
//!
//! Everything here is safe Rust on top of ulib, except [`fault`], whose whole purpose is to
//! execute instructions the kernel must punish (its `unsafe` is confined to one tiny function
//! per fault), and [`raw_calls`], the system calls with hostile arguments that `hostile` and
//! `ptest` make (one `int 0x21` each).

#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

use core::fmt;
use core::time::Duration;

use ulib::prelude::*;

pub mod accounting;
pub mod cases;
pub mod fault;
pub mod fuzzing;
pub mod kill_args;
pub mod raw_calls;
pub mod tool;

/// Starts `path` with arguments `argv` in a new child process (fork + execve).
///
/// The child prints `<path>: execve failed: <ERRNO>` on stderr and exits with status 127
/// if the program cannot be started.
///
/// # Errors
///
/// The error of `fork`.
pub fn spawn(path: &str, argv: &[&str]) -> Result<Pid, Errno> {
    match fork()? {
        ForkResult::Parent { child } => Ok(child),
        ForkResult::Child => {
            let err = match execve(path, argv) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            eprintln!("{path}: execve failed: {}", err.name());
            exit(127)
        }
    }
}

/// Forks a child that runs `f` and exits with the status it returns; returns the child's pid.
///
/// # Errors
///
/// The error of `fork`.
pub fn run_in_child(f: impl FnOnce() -> i32) -> Result<Pid, Errno> {
    match fork()? {
        ForkResult::Parent { child } => Ok(child),
        ForkResult::Child => exit(f()),
    }
}

/// Collects every remaining child (including orphans re-parented to this process) until
/// `wait` reports `ECHILD`, calling `on_reap` with each status.
pub fn reap_all(mut on_reap: impl FnMut(WaitStatus)) {
    while let Ok(status) = wait() {
        on_reap(status);
    }
}

/// Parses a decimal number, for command-line arguments.
pub fn parse_u32(s: &str) -> Option<u32> {
    s.parse().ok()
}

/// A signed span of time in nanoseconds, displayed as milliseconds with three decimals
/// (`1000.125`, `-2.000`), computed with integers only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Millis(pub i64);

impl Millis {
    /// The duration `d` (saturating at `i64::MAX` nanoseconds).
    pub fn from_duration(d: Duration) -> Millis {
        Millis(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
    }

    /// `a - b`, which may be negative.
    pub fn diff(a: Duration, b: Duration) -> Millis {
        Millis(Millis::from_duration(a).0 - Millis::from_duration(b).0)
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let micros = self.0.unsigned_abs() / 1_000;
        write!(f, "{sign}{}.{:03}", micros / 1_000, micros % 1_000)
    }
}

/// The label of a node in a binary fork tree: the path of `0`/`1` choices from the root,
/// at most 32 levels deep (`root` for the root).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeLabel {
    bits: u32,
    depth: u32,
}

impl TreeLabel {
    /// The root.
    pub const ROOT: TreeLabel = TreeLabel { bits: 0, depth: 0 };

    /// The child on side `side` (0 or 1).
    pub fn child(self, side: u32) -> TreeLabel {
        TreeLabel {
            bits: (self.bits << 1) | (side & 1),
            depth: self.depth + 1,
        }
    }

    /// Levels below the root.
    pub fn depth(self) -> u32 {
        self.depth
    }
}

impl fmt::Display for TreeLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.depth == 0 {
            return f.write_str("root");
        }
        for level in (0..self.depth).rev() {
            f.write_str(if (self.bits >> level) & 1 == 1 {
                "1"
            } else {
                "0"
            })?;
        }
        Ok(())
    }
}

/// Counts to `iterations` without any system call, keeping the CPU busy.
pub fn spin(iterations: u64) {
    let mut i = 0u64;
    while i < iterations {
        i = core::hint::black_box(i) + 1;
    }
}

/// How many [`spin`] iterations take one millisecond, measured with the monotonic clock.
pub fn spin_rate_per_ms() -> u64 {
    let mut iterations = 100_000u64;
    loop {
        let start = Instant::now();
        spin(iterations);
        let took = start.elapsed();
        // Measure over at least 100 ms so the clock's resolution does not matter.
        if took >= Duration::from_millis(100) || iterations >= u64::MAX / 4 {
            let nanos = took.as_nanos().max(1);
            let per_ms = u128::from(iterations) * 1_000_000 / nanos;
            return u64::try_from(per_ms).unwrap_or(u64::MAX).max(1);
        }
        iterations *= 2;
    }
}
