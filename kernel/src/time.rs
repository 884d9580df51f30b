//! The monotonic clock: PIT ticks since boot plus the position inside the
//! current tick. Knows nothing about processes (the sleep queue lives with
//! the scheduler).

#![deny(unsafe_code)]

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::x86::pit;

static TICKS: AtomicU64 = AtomicU64::new(0);
static LAST_PERIODS: AtomicU64 = AtomicU64::new(0);

/// Counts one timer interrupt. Called by the IRQ 0 handler only.
pub fn tick() -> u64 {
    TICKS.fetch_add(1, Ordering::Relaxed) + 1
}

/// Timer interrupts since the PIT started.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// PIT input-clock periods (1/1 193 182 s) since the PIT started. Never
/// goes backwards.
fn now_periods() -> u64 {
    let periods = ticks() * pit::RELOAD as u64 + pit::elapsed_in_tick() as u64;
    // When the PIT has wrapped but its interrupt is still pending (the kernel
    // runs with interrupts off), the sum above lags by a tick: never let the
    // clock step back.
    let previous = LAST_PERIODS.fetch_max(periods, Ordering::Relaxed);
    periods.max(previous)
}

fn periods_to_ns(periods: u64) -> u64 {
    let seconds = periods / pit::INPUT_HZ;
    let rest = periods % pit::INPUT_HZ;
    seconds * 1_000_000_000 + rest * 1_000_000_000 / pit::INPUT_HZ
}

/// Nanoseconds since boot. Never goes backwards; resolution ~0.84 µs.
pub fn now_ns() -> u64 {
    periods_to_ns(now_periods())
}

/// The first tick at which at least `seconds` will have passed from now.
/// When the tick counter reaches it, [`now_ns`] reads at least now + seconds,
/// so a sleep ending then is never early; on average it is half a tick late.
pub fn deadline_tick_after_seconds(seconds: u32) -> u64 {
    let end = now_periods() + seconds as u64 * pit::INPUT_HZ;
    end.div_ceil(pit::RELOAD as u64)
}
