//! The monotonic clock: PIT ticks since boot plus the position inside the
//! current tick. Knows nothing about processes (the sleep queue lives with
//! the scheduler).

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::x86::pit;

static TICKS: AtomicU64 = AtomicU64::new(0);
static LAST_NS: AtomicU64 = AtomicU64::new(0);

/// Counts one timer interrupt. Called by the IRQ 0 handler only.
pub fn tick() -> u64 {
    TICKS.fetch_add(1, Ordering::Relaxed) + 1
}

/// Timer interrupts since boot.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

fn periods_to_ns(periods: u64) -> u64 {
    let seconds = periods / pit::INPUT_HZ;
    let rest = periods % pit::INPUT_HZ;
    seconds * 1_000_000_000 + rest * 1_000_000_000 / pit::INPUT_HZ
}

/// Nanoseconds since boot. Never goes backwards; resolution ~0.84 µs.
pub fn now_ns() -> u64 {
    let periods = ticks() * pit::RELOAD as u64 + pit::elapsed_in_tick() as u64;
    let ns = periods_to_ns(periods);
    // When the PIT has wrapped but its interrupt is still pending (the kernel
    // runs with interrupts off), the sum above lags by a tick: never let the
    // clock step back.
    let previous = LAST_NS.fetch_max(ns, Ordering::Relaxed);
    ns.max(previous)
}

/// The number of whole ticks that covers at least `ns` nanoseconds.
pub fn ticks_covering_ns(ns: u64) -> u64 {
    // ticks = ns / (RELOAD / INPUT_HZ seconds), rounded up; u128 because
    // ns * INPUT_HZ overflows u64 for sleeps longer than ~4 hours.
    let tick_ns_times_hz = pit::RELOAD as u128 * 1_000_000_000;
    (ns as u128 * pit::INPUT_HZ as u128).div_ceil(tick_ns_times_hz) as u64
}
