//! The 16550 UART on COM1: the console of the kernel and of every user
//! program. Output is polled; input, when the console reads
//! (`console=input`), comes through the receive interrupt (IRQ 4).

use super::cpu::{inb, outb};

const COM1: u16 = 0x3f8;
const INTERRUPT_ENABLE: u16 = COM1 + 1;
const LINE_STATUS: u16 = COM1 + 5;
const TRANSMIT_EMPTY: u8 = 0x20;
const DATA_READY: u8 = 0x01;
/// Modem control: OUT2 gates the UART's interrupt line to the PIC.
const MODEM_CONTROL: u16 = COM1 + 4;

/// The IRQ the UART raises.
pub const COM1_IRQ: u32 = 4;

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

    /// Turns the receive interrupt on: every byte that arrives raises IRQ 4.
    pub fn enable_receive_interrupt(&mut self) {
        // SAFETY: COM1's registers belong to this driver alone.
        unsafe {
            outb(MODEM_CONTROL, 0x0b); // DTR | RTS | OUT2
            outb(INTERRUPT_ENABLE, 0x01); // received data available
        }
    }

    /// A received byte, if one is waiting.
    pub fn receive(&mut self) -> Option<u8> {
        // SAFETY: COM1's registers belong to this driver alone; reading the
        // data register takes the byte out of the receive FIFO.
        unsafe { (inb(LINE_STATUS) & DATA_READY != 0).then(|| inb(COM1)) }
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

    /// Sends bytes as they are.
    pub fn write_plain(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.send(b);
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
