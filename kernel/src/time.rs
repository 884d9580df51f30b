//! The monotonic clock and the timer tick. Knows nothing about processes
//! (the sleep queue lives with the scheduler).
//!
//! Time is read from the CPU's time-stamp counter, calibrated once at boot
//! against the PIT: the TSC never misses a beat, while PIT interrupts can be
//! lost when the kernel runs long with interrupts off (a big `write` to the
//! serial port, tearing down a large address space), so counting ticks would
//! make the clock fall behind. The PIT interrupt (1000.15 Hz) is what drives
//! wake-ups and preemption; its count is only a statistic.

#![deny(unsafe_code)]

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::x86::{cpu, pit};

/// PIT interrupts used to calibrate the TSC (about 10 ms, with the CPU
/// halted in between).
const CALIBRATION_TICKS: u64 = 10;

static TICKS: AtomicU64 = AtomicU64::new(0);
static TSC_ZERO: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds per TSC cycle, as a 32.32 fixed-point number.
static NS_PER_CYCLE_FP32: AtomicU64 = AtomicU64::new(0);

/// Counts one timer interrupt. Called by the IRQ 0 handler only.
pub fn tick() {
    TICKS.fetch_add(1, Ordering::Relaxed);
}

/// Timer interrupts handled since boot.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Measures the TSC's rate over `CALIBRATION_TICKS` PIT periods. The PIT
/// must be running and its interrupt handled; the CPU halts between ticks.
pub fn calibrate() {
    let wait_for_next_tick = || {
        let seen = ticks();
        while ticks() == seen {
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
        }
        cpu::read_tsc()
    };
    let start = wait_for_next_tick();
    let mut end = start;
    for _ in 0..CALIBRATION_TICKS {
        end = wait_for_next_tick();
    }
    let periods = CALIBRATION_TICKS * pit::RELOAD as u64;
    let ns = periods * 1_000_000_000 / pit::INPUT_HZ;
    let cycles = (end - start).max(1);
    NS_PER_CYCLE_FP32.store((ns << 32) / cycles, Ordering::Relaxed);
    TSC_ZERO.store(start, Ordering::Relaxed);
    log::info!("clock: TSC runs at {} MHz", cycles * 1000 / ns);
}

/// Nanoseconds since the clock was calibrated at boot; never goes backwards.
/// Resolution: one TSC cycle (below a nanosecond on current hosts).
pub fn now_ns() -> u64 {
    let cycles = cpu::read_tsc().saturating_sub(TSC_ZERO.load(Ordering::Relaxed));
    ((cycles as u128 * NS_PER_CYCLE_FP32.load(Ordering::Relaxed) as u128) >> 32) as u64
}
