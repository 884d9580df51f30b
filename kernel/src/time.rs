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

/// PIT interrupts used to calibrate the TSC (about 6 ms of the boot, with
/// the CPU halted in between; the rate agrees within 0.05% between boots).
const CALIBRATION_TICKS: u64 = 6;
/// Readings of the PIT per calibration sample, of which the one taken in the
/// shortest time is kept.
const READS_PER_SAMPLE: usize = 5;
/// Consecutive good tick intervals (see [`calibrate`]) the rate is measured
/// over, at least: 4 ms, against sampling jitter of a few microseconds.
const MIN_GOOD_INTERVALS: usize = 4;

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
/// count read back) are sampled together: the count is exact whenever every
/// interrupt is handled, so the late or early delivery of timer interrupts
/// by an emulator on a busy host does not skew the result. But when the host
/// stops the emulator for a few milliseconds, the ticks it missed arrive as
/// one interrupt: the position of every later sample is short by whole
/// ticks, and the interval across the gap shows a rate several times too
/// high. Such intervals are told apart from the median interval (within 2%
/// of it is good), and the rate is measured over the longest run of good
/// consecutive intervals: taking first and last sample regardless made one
/// boot in ten or so run its clock 10-50% fast (every benchmark of that
/// boot reported that much faster: the "bimodal" figures across boots). The
/// measurement is repeated while the run is shorter than
/// `MIN_GOOD_INTERVALS`.
///
/// A host stop between the read of the PIT and the read of the TSC would
/// skew one sample the same way, so each sample reads the TSC before and
/// after the PIT, several times, and keeps the reading whose two TSC values
/// lie closest together.
pub fn calibrate() {
    let sample_after_next_tick = || {
        let seen = ticks();
        while ticks() == seen {
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
        }
        let mut best = (u64::MAX, (0, 0));
        for _ in 0..READS_PER_SAMPLE {
            let before = cpu::read_tsc();
            let periods = ticks() * pit::RELOAD as u64 + pit::elapsed_in_tick() as u64;
            let spread = cpu::read_tsc().saturating_sub(before);
            if spread < best.0 {
                best = (spread, (before + spread / 2, periods));
            }
        }
        best.1
    };
    const SAMPLES: usize = CALIBRATION_TICKS as usize + 1;
    let mut samples = [(0u64, 0u64); SAMPLES];
    let mut attempts = 0;
    // The two samples that end the best run of good intervals found so far.
    let mut best: Option<((u64, u64), (u64, u64))> = None;
    let mut best_len = 0;
    while best_len < MIN_GOOD_INTERVALS && attempts < 5 {
        attempts += 1;
        for sample in samples.iter_mut() {
            *sample = sample_after_next_tick();
        }
        // Cycles per 1000 PIT periods, tick by tick.
        let rates: [u64; SAMPLES - 1] = core::array::from_fn(|i| {
            let cycles = samples[i + 1].0.saturating_sub(samples[i].0);
            let periods = samples[i + 1].1.saturating_sub(samples[i].1).max(1);
            cycles * 1000 / periods
        });
        let mut sorted = rates;
        sorted.sort_unstable();
        let median = sorted[sorted.len() / 2];
        let mut run_start = 0;
        for (i, &rate) in rates.iter().enumerate() {
            if rate.abs_diff(median) > median / 50 {
                run_start = i + 1;
                continue;
            }
            let len = i + 1 - run_start;
            if len > best_len {
                best_len = len;
                best = Some((samples[run_start], samples[i + 1]));
            }
        }
    }
    let (first, last) = best.unwrap_or((samples[0], samples[SAMPLES - 1]));
    let cycles = (last.0 - first.0).max(1);
    let ns = (last.1 - first.1) * 1_000_000_000 / pit::INPUT_HZ;
    NS_PER_CYCLE_FP32.store((ns << 32) / cycles, Ordering::Relaxed);
    TSC_ZERO.store(first.0, Ordering::Relaxed);
    log::info!(
        "clock: TSC runs at {} kHz (over {} ticks; {} calibration run{})",
        cycles * 1_000_000 / ns.max(1),
        best_len,
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
