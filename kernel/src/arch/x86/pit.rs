//! The 8254 PIT, channel 0, as the system timer.
//!
//! The PIT counts down from a reload value at 1 193 182 Hz and raises IRQ 0
//! at every wrap. With a reload of 1193 that is 1000.15 Hz, a tick every
//! 999.847 µs. The clock itself is the TSC, calibrated against the PIT's
//! count (time.rs).

use super::cpu::{inb, outb};

/// The PIT's input clock.
pub const INPUT_HZ: u64 = 1_193_182;
/// Reload value: one tick is `RELOAD / INPUT_HZ` seconds.
pub const RELOAD: u16 = 1193;

const CHANNEL0: u16 = 0x40;
const COMMAND: u16 = 0x43;

/// Starts channel 0 in rate-generator mode at `INPUT_HZ / RELOAD`.
pub fn init() {
    // SAFETY: the PIT ports belong to this driver; interrupts are off.
    unsafe {
        outb(COMMAND, 0x34); // channel 0, lobyte/hibyte, mode 2, binary
        outb(CHANNEL0, (RELOAD & 0xff) as u8);
        outb(CHANNEL0, (RELOAD >> 8) as u8);
    }
}

/// How many input-clock periods have passed in the current tick (0..RELOAD),
/// read back from the counter: exact, whenever the interrupt is handled.
pub fn elapsed_in_tick() -> u16 {
    // SAFETY: latching and reading channel 0 has no effect beyond the read.
    let count = unsafe {
        outb(COMMAND, 0x00); // latch channel 0
        let lo = inb(CHANNEL0) as u16;
        let hi = inb(CHANNEL0) as u16;
        (hi << 8) | lo
    };
    RELOAD.saturating_sub(count.min(RELOAD))
}
