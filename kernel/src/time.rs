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

/// Measures the TSC's rate against the PIT over `CALIBRATION_TICKS` ticks.
/// The PIT must be running and its interrupt handled; the CPU halts between
/// ticks (no busy waiting).
///
/// After each tick the TSC and the PIT's position (ticks × reload + the
/// count read back) are sampled together: the count is exact whenever the
/// interrupt is handled, so the late or early delivery of timer interrupts
/// by an emulator on a busy host does not skew the result. A sample taken so
/// late that a further tick was still pending would be a whole tick off; the
/// per-tick rates expose it (they must agree within 2%) and the measurement
/// is repeated.
pub fn calibrate() {
    let sample_after_next_tick = || {
        let seen = ticks();
        while ticks() == seen {
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
        }
        let periods = ticks() * pit::RELOAD as u64 + pit::elapsed_in_tick() as u64;
        (cpu::read_tsc(), periods)
    };
    const SAMPLES: usize = CALIBRATION_TICKS as usize + 1;
    let mut samples = [(0u64, 0u64); SAMPLES];
    let mut attempts = 0;
    loop {
        attempts += 1;
        for sample in samples.iter_mut() {
            *sample = sample_after_next_tick();
        }
        // Cycles per 1000 PIT periods, tick by tick.
        let mut rates: [u64; SAMPLES - 1] = core::array::from_fn(|i| {
            let cycles = samples[i + 1].0 - samples[i].0;
            let periods = (samples[i + 1].1 - samples[i].1).max(1);
            cycles * 1000 / periods
        });
        rates.sort_unstable();
        let median = rates[rates.len() / 2];
        if rates.iter().all(|&r| r.abs_diff(median) <= median / 50) || attempts == 5 {
            break;
        }
    }
    let (first, last) = (samples[0], samples[SAMPLES - 1]);
    let cycles = (last.0 - first.0).max(1);
    let ns = (last.1 - first.1) * 1_000_000_000 / pit::INPUT_HZ;
    NS_PER_CYCLE_FP32.store((ns << 32) / cycles, Ordering::Relaxed);
    TSC_ZERO.store(first.0, Ordering::Relaxed);
    log::info!(
        "clock: TSC runs at {} kHz ({} calibration run{})",
        cycles * 1_000_000 / ns.max(1),
        attempts,
        if attempts == 1 { "" } else { "s" }
    );
}

/// Nanoseconds since the clock was calibrated at boot; never goes backwards.
/// Resolution: one TSC cycle (below a nanosecond on current hosts).
pub fn now_ns() -> u64 {
    let cycles = cpu::read_tsc().saturating_sub(TSC_ZERO.load(Ordering::Relaxed));
    ((cycles as u128 * NS_PER_CYCLE_FP32.load(Ordering::Relaxed) as u128) >> 32) as u64
}
