//! The 16550 UART on COM1, polled: the console of the kernel and of every
//! user program.

use super::cpu::{inb, outb};

const COM1: u16 = 0x3f8;
const LINE_STATUS: u16 = COM1 + 5;
const TRANSMIT_EMPTY: u8 = 0x20;

/// COM1, 115200 baud, 8N1, FIFO on, interrupts off.
pub struct Serial;

impl Serial {
    /// Programs the UART.
    pub fn init() -> Serial {
        // SAFETY: COM1's registers belong to this driver alone.
        unsafe {
            outb(COM1 + 1, 0x00); // no UART interrupts
            outb(COM1 + 3, 0x80); // DLAB on
            outb(COM1, 0x01); // divisor 1: 115200 baud
            outb(COM1 + 1, 0x00);
            outb(COM1 + 3, 0x03); // 8 bits, no parity, 1 stop bit
            outb(COM1 + 2, 0xc7); // FIFO on, cleared, 14-byte threshold
            outb(COM1 + 4, 0x03); // DTR | RTS
        }
        Serial
    }

    /// Sends one byte, waiting for room in the transmitter.
    pub fn send(&mut self, byte: u8) {
        // SAFETY: COM1's registers belong to this driver alone.
        unsafe {
            while inb(LINE_STATUS) & TRANSMIT_EMPTY == 0 {
                core::hint::spin_loop();
            }
            outb(COM1, byte);
        }
    }

    /// Sends bytes, turning `\n` into `\r\n`.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.send(b'\r');
            }
            self.send(b);
        }
    }
}

impl core::fmt::Write for Serial {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}
