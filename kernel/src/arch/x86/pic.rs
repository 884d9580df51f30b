//! The two 8259 PICs, remapped to vectors 0x40..0x4f and masked except for
//! the timer (IRQ 0).

use super::cpu::{inb, outb};
use super::idt::IRQ_BASE;

const MASTER_CMD: u16 = 0x20;
const MASTER_DATA: u16 = 0x21;
const SLAVE_CMD: u16 = 0xa0;
const SLAVE_DATA: u16 = 0xa1;
const END_OF_INTERRUPT: u8 = 0x20;
const READ_ISR: u8 = 0x0b;

/// Remaps and masks the PICs; only IRQ 0 stays enabled.
pub fn init() {
    // SAFETY: the PIC ports belong to this driver; interrupts are off.
    unsafe {
        outb(MASTER_CMD, 0x11); // ICW1: edge triggered, cascade, ICW4 follows
        outb(SLAVE_CMD, 0x11);
        outb(MASTER_DATA, IRQ_BASE as u8); // ICW2: vector offsets
        outb(SLAVE_DATA, IRQ_BASE as u8 + 8);
        outb(MASTER_DATA, 0x04); // ICW3: slave on IRQ 2
        outb(SLAVE_DATA, 0x02);
        outb(MASTER_DATA, 0x01); // ICW4: 8086 mode
        outb(SLAVE_DATA, 0x01);
        outb(MASTER_DATA, !0x01); // unmask IRQ 0 only
        outb(SLAVE_DATA, 0xff);
    }
}

/// Lets `irq` (0-7, on the first PIC) through.
pub fn unmask(irq: u32) {
    assert!(irq < 8, "only the first PIC's lines are used");
    // SAFETY: the PIC ports belong to this driver; changing one mask bit
    // affects that line only.
    unsafe {
        let mask = inb(MASTER_DATA);
        outb(MASTER_DATA, mask & !(1 << irq));
    }
}

/// True when `irq` (7 or 15) is spurious: the PIC did not really raise it.
pub fn is_spurious(irq: u32) -> bool {
    let (port, bit) = match irq {
        7 => (MASTER_CMD, 7),
        15 => (SLAVE_CMD, 7),
        _ => return false,
    };
    // SAFETY: reading the in-service register has no side effects.
    let isr = unsafe {
        outb(port, READ_ISR);
        inb(port)
    };
    isr & (1 << bit) == 0
}

/// Acknowledges `irq` so the PIC delivers the next one.
pub fn end_of_interrupt(irq: u32) {
    // SAFETY: the PIC ports belong to this driver.
    unsafe {
        if irq >= 8 {
            outb(SLAVE_CMD, END_OF_INTERRUPT);
        }
        outb(MASTER_CMD, END_OF_INTERRUPT);
    }
}
